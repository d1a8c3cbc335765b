//! The one shape of a form page (heading, fields, a button, the GOV.UK error summary) and the
//! helpers for reading submitted form bodies.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
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

/// A page's submitted form, read into `T` by its field names.
///
/// Text fields are `String`s, so whatever someone typed is read and then checked by the domain,
/// which names the field and keeps the value to show again. A checkbox group repeats its name
/// (`roles=a&roles=b`) and reads into a `Vec`; a radio or checkbox left unchosen is not sent, so a
/// form type takes `#[serde(default)]`. What cannot be read into `T` at all (a version that is not
/// a number, a field the form always sends missing) is not something anyone typed into the page:
/// it is refused with a 400 and the error page saying so, and the handler never runs, so nothing is
/// written. Bytes that are not text never get here: `input::guard` refuses them first.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| if r.status() == StatusCode::PAYLOAD_TOO_LARGE { AppError::TooLarge } else { AppError::Unreadable(unreadable()) })?;
        serde_html_form::from_bytes(&bytes).map(Form).map_err(|_| AppError::Unreadable(unreadable()))
    }
}

/// The one answer to a body that cannot be read as the form it was sent to.
pub fn unreadable() -> FieldError {
    FieldError::new("body", "What was sent could not be read as a form. Go back, reload the page and try again")
}

/// The version a form was read at, for the stale-edit check. Every edit form sends it; one
/// without it is incomplete, never a licence to overwrite.
pub fn version(v: Option<i64>) -> Result<i64, AppError> {
    v.ok_or_else(incomplete)
}

fn incomplete() -> AppError {
    AppError::Unreadable(FieldError::new("version", "The form was incomplete. Reload the page and try again"))
}

/// A form whose fields are named from data (a report's sections, `section-{key}`; a sample's
/// impact questions, `outcome-{code}`), so they cannot be a struct's fields: every field by name,
/// read by [`Form`] like any other form. A struct form is better wherever the names are fixed.
#[derive(Deserialize, Default)]
#[serde(transparent)]
pub struct Fields(HashMap<String, Vec<String>>);

impl Fields {
    /// A field's text; empty when it was not sent.
    pub fn text(&self, name: &str) -> &str {
        self.0.get(name).and_then(|v| v.first()).map(String::as_str).unwrap_or_default()
    }

    /// Fields as a form starts from a saved record.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Fields(map)
    }

    /// Every value of a field that repeats (a checkbox group).
    pub fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The version the form was read at: missing or not a number is a form that cannot be read.
    pub fn version(&self) -> Result<i64, AppError> {
        match self.text("version") {
            "" => Err(incomplete()),
            v => v.parse().map_err(|_| AppError::Unreadable(unreadable())),
        }
    }
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
