//! The one error policy. Handlers return [`AppError`]; pages show a GOV.UK error page, the API
//! answers `application/problem+json` naming the field. Internal causes are logged, never shown.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hearth_domain::{FieldError, FieldErrors};
use hearth_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not allowed by any standing grant, but the caller may open this case by break-glass.
    #[error("forbidden, break-glass offered")]
    BreakGlassOffered(uuid::Uuid),
    #[error("not signed in")]
    Unauthenticated,
    #[error("MFA required")]
    MfaRequired,
    /// A stale edit: someone saved first.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// What was sent cannot be read as the form it was sent to (a number that is not one, a
    /// field the form always has missing, bytes that are not text): a 400, nothing written.
    #[error("unreadable form")]
    Unreadable(FieldError),
    #[error("the form had expired")]
    CsrfRejected,
    /// An API edit sent no `If-Match` version.
    #[error("precondition required")]
    PreconditionRequired,
    /// An API edit's `If-Match` version is not the record's version now.
    #[error("precondition failed: now at version {0}")]
    PreconditionFailed(i64),
    /// The body was larger than the route accepts.
    #[error("too large")]
    TooLarge,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { .. } => {
                AppError::Conflict("This record was changed by someone else after you opened it.".into())
            }
            StoreError::Duplicate { field } => AppError::Invalid(vec![FieldError::new(field, "That is already in use")]),
            StoreError::MissingReference { field } => {
                AppError::Invalid(vec![FieldError::new(field, "Select an option from the list")])
            }
            StoreError::Closed => AppError::Conflict("This case is closed, so nothing more can be added to it.".into()),
            StoreError::NotEditable(why) => AppError::Conflict(why.into()),
            StoreError::Refused(e) => AppError::Invalid(vec![e]),
            StoreError::Files(e) | StoreError::Backup(e) => AppError::Internal(e),
            StoreError::Database(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::BreakGlassOffered(_) | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::Unauthenticated | AppError::MfaRequired => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unreadable(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Chooses the page or the API form by the request path.
    pub fn into_response_for(self, path: &str) -> Response {
        if path.starts_with("/api/") { ApiError(self).into_response() } else { self.into_response() }
    }
}

/// Which error page to draw; [`crate::page::render_error_pages`] draws it with the page shell.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub detail: Option<String>,
    /// The refusal was a missing or stale CSRF token, not a permission.
    pub expired_form: bool,
    /// The case the caller may open by break-glass, if that is on offer.
    pub break_glass: Option<uuid::Uuid>,
    /// What was wrong with what was sent, for a refused request that had no form to show it on.
    pub problems: Vec<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(cause = %cause, "internal error");
        }
        let status = self.status();
        let expired_form = matches!(self, AppError::CsrfRejected);
        let break_glass = match self {
            AppError::BreakGlassOffered(case) => Some(case),
            _ => None,
        };
        let problems = match &self {
            AppError::Invalid(errors) => errors.iter().map(|e| e.message.clone()).collect(),
            AppError::Unreadable(e) => vec![e.message.clone()],
            _ => vec![],
        };
        let detail = match self {
            AppError::Conflict(m) => Some(m),
            _ => None,
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorPage { status, detail, expired_form, break_glass, problems });
        res
    }
}

/// An error answered as RFC 9457 problem details.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields that were wrong, when the input was invalid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (title, detail, errors) = match self.0 {
            AppError::NotFound => ("Not found", None, vec![]),
            AppError::Forbidden => ("Forbidden", Some("You do not have permission to do this.".to_string()), vec![]),
            AppError::BreakGlassOffered(case) => (
                "Forbidden",
                Some(format!("You are not allocated to this case. To open it for a stated reason, use break-glass at /cases/{case}/break-glass; it is audited and the case's manager is alerted.")),
                vec![],
            ),
            AppError::Unauthenticated | AppError::MfaRequired => {
                ("Unauthorised", Some("Sign in with MFA, or send a valid bearer token.".to_string()), vec![])
            }
            AppError::Conflict(m) => ("Conflict", Some(m), vec![]),
            AppError::CsrfRejected => ("Forbidden", Some("Missing or wrong CSRF token.".to_string()), vec![]),
            AppError::PreconditionRequired => ("Precondition required", Some("Send If-Match with the version you read (the ETag of GET).".to_string()), vec![]),
            AppError::PreconditionFailed(now) => (
                "Precondition failed",
                Some(format!("The record changed since you read it; it is now at version {now}. Nothing was saved. Read it again and re-apply your change.")),
                vec![],
            ),
            AppError::TooLarge => ("Payload too large", Some("The request body is larger than this endpoint accepts.".to_string()), vec![]),
            AppError::Unreadable(e) => ("Bad request", Some(format!("{}: {}", e.field, e.message)), vec![ProblemField { field: e.field.to_string(), message: e.message }]),
            AppError::Invalid(errors) => (
                "Invalid input",
                Some(errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")),
                errors.into_iter().map(|e| ProblemField { field: e.field.to_string(), message: e.message }).collect(),
            ),
            AppError::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                ("Internal server error", None, vec![])
            }
        };
        let problem = Problem { kind: "about:blank".into(), title: title.into(), status: status.as_u16(), detail, errors };
        let mut res = (status, Json(problem)).into_response();
        res.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// Makes any error the API answers `application/problem+json`, including those answered before
/// a handler runs (axum's own refusals of a path, query or body it cannot read).
pub async fn as_problem(res: Response) -> Response {
    let status = res.status();
    let is_problem = res.headers().get(axum::http::header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let text = axum::body::to_bytes(res.into_body(), 4096).await.map(|b| String::from_utf8_lossy(&b).trim().to_string()).unwrap_or_default();
    let problem = Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        // Axum's own refusals say what could not be read; a server error says nothing of its cause.
        detail: (status.is_client_error() && !text.is_empty()).then_some(text),
        errors: vec![],
    };
    let mut res = (status, Json(problem)).into_response();
    res.headers_mut().insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/problem+json"));
    res
}

/// The fallback for paths no route matches.
pub async fn not_found(uri: Uri) -> Response {
    AppError::NotFound.into_response_for(uri.path())
}
