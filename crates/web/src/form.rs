//! The one shape of a form page (heading, fields, a button, the GOV.UK error summary) and the
//! helpers for reading submitted form bodies.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use hearth_domain::FieldError;

use crate::AppError;
use crate::components::ErrorSummary;
use crate::page::{PageCtx, Shell, render, render_with};

/// One page shape for every simple form: heading, pre-rendered fields, a button.
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub back: String,
    pub caption: Option<String>,
    pub heading: String,
    pub intro: Option<String>,
    pub errors: Option<ErrorSummary>,
    pub action: String,
    pub version: Option<i64>,
    pub fields: Vec<String>,
    pub button: String,
    pub warning: bool,
    /// Keeps what is typed in this browser tab until it is sent, so a lost signal loses nothing.
    pub draft_key: Option<String>,
}

pub fn form_page(ctx: &PageCtx, heading: &str, action: String, errors: &[FieldError]) -> FormPage {
    FormPage {
        shell: ctx.shell(heading),
        back: "/staff".into(),
        caption: None,
        heading: heading.into(),
        intro: None,
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        action,
        version: None,
        fields: vec![],
        button: "Save".into(),
        warning: false,
        draft_key: None,
    }
}

pub fn show(page: &FormPage, errors: &[FieldError]) -> Response {
    if errors.is_empty() { render(page) } else { render_with(StatusCode::BAD_REQUEST, page) }
}

/// Form bodies repeat keys for checkboxes (`roles=a&roles=b`), which serde_urlencoded cannot put
/// in a Vec directly; read the pairs and gather them. A body that is not a well-formed form never
/// gets here: `input::guard` refuses it first.
pub fn pairs(body: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(body).unwrap_or_default()
}

pub fn all_of(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
}

pub fn one_of(pairs: &[(String, String)], key: &str) -> String {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// The version a form was read at, for the stale-edit check.
pub fn version_of(p: &[(String, String)]) -> Result<i64, AppError> {
    one_of(p, "version").parse().map_err(|_| AppError::Invalid(vec![FieldError::new("version", "The form was incomplete. Reload the page and try again")]))
}


/// One field of a record as saved now and as the person's refused save had it.
pub struct ConflictRow {
    pub label: String,
    pub saved: String,
    pub yours: String,
}

impl ConflictRow {
    pub fn new(label: &str, saved: impl Into<String>, yours: impl Into<String>) -> Self {
        Self { label: label.into(), saved: saved.into(), yours: yours.into() }
    }

    pub fn differs(&self) -> bool {
        self.saved.trim() != self.yours.trim()
    }
}

/// A save refused because someone changed the record after the form was read. Never a silent
/// overwrite: both versions side by side, and the person chooses. "Keep the saved version" goes
/// back; "Save my version" sends theirs again at the version now saved, so a third change in
/// between is caught the same way.
#[derive(Template)]
#[template(path = "conflict.html")]
pub struct ConflictPage {
    pub shell: Shell,
    pub caption: Option<String>,
    pub heading: String,
    pub changed_by: String,
    pub rows: Vec<ConflictRow>,
    pub action: String,
    /// The person's submitted values, sent again if they keep theirs.
    pub resubmit: Vec<(String, String)>,
    pub version: i64,
    pub back: String,
}

impl ConflictPage {
    pub fn new(ctx: &PageCtx, what: &str, action: String, back: String, version: i64) -> Self {
        Self {
            shell: ctx.shell("Changed since you opened it"),
            caption: None,
            heading: format!("This {what} changed since you opened it"),
            changed_by: String::new(),
            rows: vec![],
            action,
            resubmit: vec![],
            version,
            back,
        }
    }
}

/// The conflict page, with 409.
pub fn show_conflict(page: &ConflictPage) -> Response {
    render_with(StatusCode::CONFLICT, page)
}
