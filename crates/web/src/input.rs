//! Every submitted value (query string, form or JSON body) is checked for characters that cannot
//! be stored before any handler sees it: control characters other than tab and line breaks
//! (`hearth_domain::text::allowed_char`). One place, so no text field on any route can miss it,
//! and the two engines never disagree (PostgreSQL refuses a NUL that SQLite would keep).

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::text::printable;

use crate::AppError;
use crate::routes::FORM_BODY_LIMIT;

enum Kind {
    Form,
    Json,
}

/// Refuses a request carrying a value that cannot be stored, naming its field: the API answers
/// 422 `application/problem+json`, a page the error page listing what was wrong.
pub async fn guard(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if let Some(query) = req.uri().query()
        && let Some(e) = in_pairs(query.as_bytes())
    {
        return AppError::Invalid(vec![e]).into_response_for(&path);
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let kind = if content_type.starts_with("application/x-www-form-urlencoded") {
        Kind::Form
    } else if content_type.starts_with("application/json") {
        Kind::Json
    } else if content_type.starts_with("multipart/form-data") || !writes(req.method()) {
        // Uploads are multipart: their few text fields are checked by the upload's own form.
        return next.run(req).await;
    } else if !path.starts_with("/api/") {
        // A page's form is sent form-encoded (or multipart, for a file): anything else is not one
        // of Hearth's forms, and is refused rather than read as an empty one.
        return AppError::Invalid(vec![unreadable()]).into_response_for(&path);
    } else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_BODY_LIMIT).await else {
        return AppError::TooLarge.into_response_for(&path);
    };
    let refused = match kind {
        Kind::Form if !well_formed(&bytes) => Some(unreadable()),
        Kind::Form => in_pairs(&bytes),
        // Malformed JSON is the handler's to answer (a 422 naming `body`); only text is checked here.
        Kind::Json => serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| in_json(&v, "")),
    };
    match refused {
        Some(e) => AppError::Invalid(vec![e]).into_response_for(&path),
        None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
    }
}

fn writes(method: &axum::http::Method) -> bool {
    !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS)
}

fn unreadable() -> FieldError {
    FieldError::new("body", "What was sent could not be read as a form. Go back, reload the page and try again")
}

/// Whether a form body is what a browser sends: every name and value valid UTF-8 once
/// percent-decoded. A parser would otherwise replace what it cannot read and carry on, and the
/// handler would save something nobody typed.
fn well_formed(bytes: &[u8]) -> bool {
    bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()).all(|pair| {
        pair.split(|b| *b == b'=').all(|part| {
            let spaced: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
            percent_encoding::percent_decode(&spaced).decode_utf8().is_ok()
        })
    })
}

/// Values only: a name is never stored, and one no handler knows is ignored.
fn in_pairs(bytes: &[u8]) -> Option<FieldError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).unwrap_or_default();
    pairs.iter().find_map(|(k, v)| printable(k, v).err())
}

/// The first string in a JSON value that cannot be stored, named by its path
/// (`sections.analysis`, `worker_ids[2]`).
fn in_json(v: &serde_json::Value, at: &str) -> Option<FieldError> {
    match v {
        serde_json::Value::String(s) => printable(if at.is_empty() { "body" } else { at }, s).err(),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| in_json(item, &format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| in_json(item, &if at.is_empty() { k.clone() } else { format!("{at}.{k}") })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_body_must_decode_to_text() {
        assert!(well_formed(b"summary=Caf%C3%A9+visit&kind=visit"));
        assert!(well_formed(b""));
        assert!(!well_formed(b"summary=%FF%FE"), "not UTF-8 once decoded");
        assert!(!well_formed(b"%C3=x"), "a name cut off in the middle of a character");
    }

    #[test]
    fn control_characters_are_found_where_they_are_named() {
        assert_eq!(in_pairs(b"summary=Line+one%0D%0ALine+two&kind=visit"), None);
        assert_eq!(in_pairs(b"kind=visit&summary=a%00b").map(|e| e.field.to_string()), Some("summary".into()));
        let json: serde_json::Value = serde_json::from_str(r#"{"sections":{"analysis":"ok\u0007"},"ids":["a"]}"#).unwrap();
        assert_eq!(in_json(&json, "").map(|e| e.field.to_string()), Some("sections.analysis".into()));
        let json: serde_json::Value = serde_json::from_str(r#"{"ids":["fine","bad\u0000"]}"#).unwrap();
        assert_eq!(in_json(&json, "").map(|e| e.field.to_string()), Some("ids[1]".into()));
        assert_eq!(in_json(&serde_json::json!({"note": "tab\there\nand a new line"}), ""), None);
    }
}
