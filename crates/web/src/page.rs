//! The page shell every screen is drawn in, the extractor that gathers what it needs, and the
//! error pages (drawn here so they carry the signed-in header and demo banner too).

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use hearth_domain::access::Permission;

use crate::error::ErrorPage;
use crate::security::{CsrfToken, Nonce};
use crate::session::Auth;
use crate::{AppError, AppState};

/// A link in the service navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub text: &'static str,
    pub current: bool,
}

/// What the layout needs: title, CSP nonce, CSRF token, who is signed in, and the demo banner.
#[derive(Debug, Clone)]
pub struct Shell {
    pub title: String,
    pub nonce: String,
    pub csrf: String,
    pub user_name: Option<String>,
    /// Signed in far enough to sign out (password at least).
    pub can_sign_out: bool,
    pub nav: Vec<NavLink>,
    pub demo: bool,
    /// What the last form saved, said in a success banner (`saved::redirect`).
    pub saved: Option<&'static str>,
}

/// Gathers the shell's inputs from the request.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub nonce: String,
    pub csrf: String,
    pub auth: Auth,
    pub demo: bool,
    pub path: String,
    pub saved: Option<&'static str>,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(Self::from_parts(&parts.extensions, parts.uri.path(), state.demo))
    }
}

impl PageCtx {
    fn from_parts(ext: &axum::http::Extensions, path: &str, demo: bool) -> Self {
        Self {
            nonce: ext.get::<Nonce>().map(|n| n.0.clone()).unwrap_or_default(),
            csrf: ext.get::<CsrfToken>().map(|c| c.0.clone()).unwrap_or_default(),
            auth: ext.get::<Auth>().cloned().unwrap_or(Auth::Anonymous),
            demo,
            path: path.to_string(),
            saved: ext.get::<crate::saved::Shown>().map(|s| s.0.message()),
        }
    }

    pub fn shell(&self, title: impl Into<String>) -> Shell {
        let (user_name, can_sign_out, nav) = match &self.auth {
            Auth::Anonymous => (None, false, vec![]),
            Auth::MfaPending { .. } => (None, true, vec![]),
            Auth::Staff { principal, .. } => {
                let can = |p| hearth_domain::access::permits_somewhere(&principal.roles, p);
                let mut nav = vec![("/", "Home")];
                if can(Permission::ViewCase) {
                    nav.push(("/cases", "Cases"));
                }
                if can(Permission::ViewDirectory) {
                    nav.push(("/staff", "Staff"));
                    nav.push(("/org", "Organisation"));
                }
                if can(Permission::ViewAudit) {
                    nav.push(("/admin/audit", "Audit"));
                }
                if can(Permission::ViewRoom) {
                    nav.push(("/rooms", "Rooms"));
                }
                nav.push(("/chat", "Chat"));
                nav.push(("/desks", "Desks"));
                nav.push(("/account", "Your account"));
                let nav = nav
                    .into_iter()
                    .map(|(href, text)| NavLink {
                        href,
                        text,
                        current: if href == "/" { self.path == "/" } else { self.path.starts_with(href) },
                    })
                    .collect();
                (Some(principal.name.clone()), true, nav)
            }
        };
        Shell {
            title: title.into(),
            nonce: self.nonce.clone(),
            csrf: self.csrf.clone(),
            user_name,
            can_sign_out,
            nav,
            demo: self.demo,
            saved: self.saved,
        }
    }
}

/// Renders a page template. A template that fails to render is an internal error, not a panic.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// Renders a page with a status other than 200 (for example a form with errors: 400). A page
/// answered 400 shows what was wrong, so its title starts "Error: ", as the design system asks,
/// for screen reader users who hear the title first.
pub fn render_with<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => {
            let html = if status == StatusCode::BAD_REQUEST && !html.contains("<title>Error: ") { html.replacen("<title>", "<title>Error: ", 1) } else { html };
            (status, Html(html)).into_response()
        }
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    shell: Shell,
    heading: &'static str,
    message: String,
    status: u16,
    break_glass: Option<uuid::Uuid>,
    problems: Vec<String>,
}

/// Draws the error page for any HTML response that carries an [`ErrorPage`].
pub async fn render_error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let ctx = PageCtx::from_parts(req.extensions(), &path, state.demo);
    let mut res = next.run(req).await;
    // The body-size limit answers before any handler, with a bare 413: give it Hearth's own answer.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && res.extensions().get::<ErrorPage>().is_none() {
        res = AppError::TooLarge.into_response_for(&path);
    }
    if path.starts_with("/api/") {
        return crate::error::as_problem(res).await;
    }
    let Some(page) = res.extensions().get::<ErrorPage>().cloned() else {
        return res;
    };
    let (heading, message) = match page.status {
        StatusCode::NOT_FOUND => ("Page not found", "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.".to_string()),
        StatusCode::FORBIDDEN if page.expired_form => (
            "Your form has expired",
            "For your security, forms expire. Go back, reload the page and try again.".to_string(),
        ),
        StatusCode::FORBIDDEN if page.break_glass.is_some() => (
            "You are not working on this case",
            "You can open it if you need to, for example to cover an urgent hearing. You will be asked why. Your access is recorded and the case's manager is told.".to_string(),
        ),
        StatusCode::FORBIDDEN => (
            "You do not have permission to view this page",
            "If you need access, ask your line manager. Attempts to see records you are not allowed to see are recorded.".to_string(),
        ),
        StatusCode::CONFLICT => (
            "Someone else changed this record",
            page.detail.unwrap_or_default() + " Nothing you entered was saved. Go back, reload the page to see the latest version, and make your change again.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            ("There is a problem with what was sent", "Go back and check what you entered.".to_string())
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("The file or form was too large", "Go back and try something smaller.".to_string()),
        StatusCode::SERVICE_UNAVAILABLE => ("Sorry, Hearth is busy", "Try again in a few moments.".to_string()),
        _ => (
            "Sorry, there is a problem with Hearth",
            "Try again later. If the problem continues, contact the service desk and give them the time it happened.".to_string(),
        ),
    };
    let template = ErrorTemplate { shell: ctx.shell(heading), heading, message, status: page.status.as_u16(), break_glass: page.break_glass, problems: page.problems };
    render_with(page.status, &template)
}

/// A page that only says something, in the error page's shape: for an answer a handler gives
/// itself, such as a link that no longer works.
pub fn message_page(ctx: &PageCtx, status: StatusCode, heading: &'static str, message: &str) -> Response {
    let template = ErrorTemplate { shell: ctx.shell(heading), heading, message: message.into(), status: status.as_u16(), break_glass: None, problems: vec![] };
    render_with(status, &template)
}

/// Percent-encodes a value for use in a query string.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
