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
use crate::form::unreadable;
use crate::routes::FORM_BODY_LIMIT;

enum Kind {
    Form,
    Json,
}

/// Refuses a request carrying a value that cannot be stored, naming its field: the API answers
/// 422 `application/problem+json`, a page the error page listing what was wrong.
pub async fn guard(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut req = req;
    if let Some(query) = req.uri().query() {
        if let Some(e) = in_pairs(query.as_bytes()) {
            return AppError::Invalid(vec![e]).into_response_for(&path);
        }
        // A page's filter may carry a date input too (the audit and chronology date ranges).
        if let Some(joined) = join_dates(query.as_bytes()) {
            let uri = format!("{path}?{joined}");
            match uri.parse() {
                Ok(uri) => *req.uri_mut() = uri,
                Err(_) => return AppError::Invalid(vec![unreadable()]).into_response_for(&path),
            }
        }
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
        return AppError::Unreadable(unreadable()).into_response_for(&path);
    } else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_BODY_LIMIT).await else {
        return AppError::TooLarge.into_response_for(&path);
    };
    let refused = match kind {
        Kind::Form if !well_formed(&bytes) => return AppError::Unreadable(unreadable()).into_response_for(&path),
        Kind::Form => in_pairs(&bytes),
        // Malformed JSON is the handler's to answer (a 422 naming `body`); only text is checked here.
        Kind::Json => serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| in_json(&v, "")),
    };
    if let Some(e) = refused {
        return AppError::Invalid(vec![e]).into_response_for(&path);
    }
    let mut parts = parts;
    let bytes = match kind {
        Kind::Form => match join_dates(&bytes) {
            Some(joined) => {
                parts.headers.remove(header::CONTENT_LENGTH);
                joined.into_bytes().into()
            }
            None => bytes,
        },
        Kind::Json => bytes,
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The design system's date input sends a date as three fields, `{name}-day`, `{name}-month`
/// and `{name}-year`. They are joined here into the one `{name}` value (`year-month-day`, a
/// one-digit day or month padded) that handlers read and the domain's `parse_date` checks, so
/// every date on every form is read one way, and a part left out is named rather than lost.
/// `None` when the form has no date input.
/// One date input's day, month and year as the one `year-month-day` value, a one-digit day or
/// month padded; empty when all three are. Forms sent as file uploads join theirs with it too.
pub(crate) fn date_from_parts(day: &str, month: &str, year: &str) -> String {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    let pad = |p: &str| if p.len() == 1 && p.bytes().all(|b| b.is_ascii_digit()) { format!("0{p}") } else { p.to_string() };
    if day.is_empty() && month.is_empty() && year.is_empty() { String::new() } else { format!("{year}-{}-{}", pad(month), pad(day)) }
}

fn join_dates(bytes: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string());
    let mut any = false;
    let mut joined = Vec::with_capacity(pairs.len());
    for (k, v) in &pairs {
        if let Some(name) = k.strip_suffix("-day")
            && let (Some(month), Some(year)) = (value(&format!("{name}-month")), value(&format!("{name}-year")))
        {
            any = true;
            joined.push((name.to_string(), date_from_parts(v, &month, &year)));
        } else if let Some(name) = k.strip_suffix("-month").or_else(|| k.strip_suffix("-year"))
            && value(&format!("{name}-day")).is_some()
        {
            // Joined with its day.
        } else {
            joined.push((k.clone(), v.clone()));
        }
    }
    any.then(|| serde_urlencoded::to_string(&joined).ok()).flatten()
}

fn writes(method: &axum::http::Method) -> bool {
    !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS)
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
    fn a_date_input_is_joined_into_one_value() {
        assert_eq!(join_dates(b"summary=x&due_on-day=7&due_on-month=3&due_on-year=2026&version=2").as_deref(), Some("summary=x&due_on=2026-03-07&version=2"));
        assert_eq!(join_dates(b"due_on-day=31&due_on-month=2&due_on-year=2026").as_deref(), Some("due_on=2026-02-31"), "an impossible date reaches the parser that names it");
        assert_eq!(join_dates(b"due_on-day=&due_on-month=&due_on-year=").as_deref(), Some("due_on="), "an optional date left empty");
        assert_eq!(join_dates(b"due_on-day=27&due_on-month=&due_on-year=2026").as_deref(), Some("due_on=2026--27"), "the missing month is kept missing");
        assert_eq!(join_dates(b"summary=x&kind=visit"), None);
        assert_eq!(join_dates(b"ends-day=1"), None, "a name that only looks like a day is left alone");
    }

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
