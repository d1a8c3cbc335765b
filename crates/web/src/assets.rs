//! The front-end assets, embedded in the binary so a Hearth release is one file.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const FILES: &[(&str, &str, &[u8])] = &[
    ("dist/hearth.css", "text/css; charset=utf-8", include_bytes!("../static/dist/hearth.css")),
    ("dist/govuk-frontend.min.js", "text/javascript; charset=utf-8", include_bytes!("../static/dist/govuk-frontend.min.js")),
    ("hearth.js", "text/javascript; charset=utf-8", include_bytes!("../static/hearth.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../static/favicon.svg")),
];

/// Serves `/static/*`. Public: assets hold nothing personal.
pub fn service() -> Router {
    Router::new().route("/{*path}", get(file))
}

async fn file(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, content_type, bytes)) => {
            let mut res = bytes.into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
