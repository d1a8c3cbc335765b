//! Security headers (with a fresh CSP nonce per response) and CSRF protection.
//!
//! CSRF uses a double-submit token: a random value in a cookie (`__Host-` prefixed over TLS, so no
//! other origin can set it) that every state-changing form must echo in `csrf_token`, or a script in
//! the `X-CSRF-Token` header. API calls authenticated by a bearer token carry no ambient credential
//! and are exempt; nothing else is.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::session::{Auth, bearer, cookie, read_cookie, request_id};
use crate::{AppError, AppState};

/// This response's CSP nonce, for `<script nonce>`.
#[derive(Debug, Clone)]
pub struct Nonce(pub String);

/// The caller's CSRF token, for hidden form fields.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-hearth_csrf" } else { "hearth_csrf" }
}

const FORM_LIMIT: usize = 1024 * 1024;

/// HSTS for a Hearth reached over https: browsers then refuse plain HTTP to it for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the security headers, with a nonce made for this response.
pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = hearth_domain::auth::random_token()[..32].to_string();
    req.extensions_mut().insert(Nonce(nonce.clone()));
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(self), microphone=(self), geolocation=()"));
    // Only where people reach Hearth over TLS: sent over plain HTTP it would be ignored, and on a
    // local plain-HTTP installation it would only mislead.
    if state.config.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    if !is_static {
        // Pages hold personal data: never keep them in a shared or back-button cache.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Gives every visitor a CSRF token and refuses state-changing requests that do not echo it.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let secure = state.config.secure_cookies;
    let name = csrf_cookie_name(secure);
    let existing = read_cookie(req.headers(), name)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let token = existing.clone().unwrap_or_else(hearth_domain::auth::random_token);
    let issued = existing.is_none();

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or(Auth::Anonymous);
    let api = req.uri().path().starts_with("/api/");
    // CSRF rides on the ambient session cookie. An API call that authenticated by bearer token
    // carries none, and an API call with no credentials at all is answered 401 by its route; any
    // other `Authorization` scheme (Basic, say) authenticates nothing, so its cookie is checked.
    let exempt = api && (bearer(req.headers()).is_some() || matches!(auth, Auth::Anonymous));
    let req = if unsafe_method && !exempt {
        match checked(req, existing.as_deref()).await {
            Ok(req) => req,
            Err(path) => {
                tracing::warn!("refused a state-changing request without a valid CSRF token");
                let actor = match &auth {
                    Auth::Staff { principal, .. } => Some(principal.id),
                    Auth::MfaPending { session } => Some(session.staff_id),
                    Auth::Anonymous => None,
                };
                let _ = hearth_store::audit::record(
                    &state.store,
                    &hearth_store::AuditContext { actor_id: actor, request_id: request_id(&headers), noted: None },
                    hearth_store::audit::Event::success("security.csrf_refused")
                        .outcome(hearth_domain::audit::Outcome::Denied)
                        .detail(serde_json::json!({ "path": path })),
                )
                .await;
                let mut res = AppError::CsrfRejected.into_response_for(&path);
                set_csrf_cookie(&mut res, name, &token, secure);
                return res;
            }
        }
    } else {
        req
    };
    let mut req = req;
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if issued && !res.headers().get_all(header::SET_COOKIE).iter().any(|c| c.as_bytes().starts_with(name.as_bytes())) {
        set_csrf_cookie(&mut res, name, &token, secure);
    }
    res
}

pub fn set_csrf_cookie(res: &mut Response, name: &str, token: &str, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&cookie(name, token, secure, true, None)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Passes the request on if it carries the cookie's token; otherwise returns the path refused.
async fn checked(req: Request, expected: Option<&str>) -> Result<Request, String> {
    let path = req.uri().path().to_string();
    let Some(expected) = expected.map(str::to_string) else {
        return Err(path);
    };
    if let Some(sent) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(sent, &expected) { Ok(req) } else { Err(path) };
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // A file upload without JavaScript cannot set a header, and its token would only be found by
    // reading the whole (large) body; its form carries the token in its action's query instead.
    if content_type.starts_with("multipart/form-data") {
        let sent = req.uri().query().and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok()).and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v));
        return match sent {
            Some(sent) if constant_time_eq(&sent, &expected) => Ok(req),
            _ => Err(path),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(path);
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| path.clone())?;
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v));
    match sent {
        Some(sent) if constant_time_eq(&sent, &expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(path),
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
