//! Health, readiness and metrics for operators and load balancers.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Answers as soon as the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Answers once the database is reachable and would take a write (`Store::ping`).
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database cannot take writes");
            (StatusCode::SERVICE_UNAVAILABLE, "database cannot take writes").into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render();
    if let Some(n) = hearth_store::audit::journal_backlog(&state.store) {
        text.push_str(&format!(
            "# HELP hearth_audit_journal_waiting_files Closed audit journal files waiting to join the chain: moved every second, so more than one or two means moving them is failing.\n# TYPE hearth_audit_journal_waiting_files gauge\nhearth_audit_journal_waiting_files {n}\n"
        ));
    }
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res
}

/// The tracing span for a request: method, path template-free path and request id. No query
/// strings (they can hold search terms about people) and no personal data.
pub fn request_span(req: &Request) -> tracing::Span {
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %request_id)
}
