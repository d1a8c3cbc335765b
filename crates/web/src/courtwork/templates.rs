//! National templates for court work: a national administrator publishes a new version of a work
//! type's sections. Pieces already started keep the version they began on.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::courtwork::{TemplateSection, check_template, section_key};
use hearth_domain::quality::WorkType;
use hearth_store::StoreError;
use hearth_store::courtwork;

use crate::dates::long_date;
use crate::components::ErrorSummary;
use crate::form::{Fields, Form};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "courtwork/templates.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<(String, String, i64, usize, String)>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, _me: Ctx) -> Result<Response, AppError> {
    let rows = courtwork::templates(&state.store)
        .await?
        .into_iter()
        .map(|t| {
            let by = t.published_by.map(|b| b.name).unwrap_or_else(|| "Hearth (national default)".into());
            (t.work_type.code().to_string(), t.work_type.label().to_string(), t.version, t.sections.len(), format!("{} by {by}", long_date(t.published_at.date())))
        })
        .collect();
    Ok(render(&ListPage { shell: ctx.shell("Court work templates"), rows }))
}

/// One row of the form: a section as it stands or as typed.
struct Row {
    n: usize,
    key: String,
    heading: String,
    guidance: String,
    required: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "courtwork/template_form.html")]
struct EditPage {
    shell: Shell,
    code: String,
    label: String,
    version: i64,
    errors: Option<ErrorSummary>,
    rows: Vec<Row>,
}

/// Room to add this many sections at once, below the ones there are.
const NEW_ROWS: usize = 3;

fn edit_page(ctx: &PageCtx, work_type: WorkType, version: i64, sections: &[TemplateSection], errors: &[FieldError]) -> EditPage {
    let mut rows: Vec<Row> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| Row { n: i + 1, key: s.key.clone(), heading: s.heading.clone(), guidance: s.guidance.clone(), required: s.required, error: None })
        .collect();
    for _ in 0..NEW_ROWS {
        rows.push(Row { n: rows.len() + 1, key: String::new(), heading: String::new(), guidance: String::new(), required: true, error: None });
    }
    for r in &mut rows {
        r.error = crate::components::error_for(errors, &format!("heading-{}", r.n));
    }
    EditPage {
        shell: ctx.shell(format!("{} template", work_type.label())),
        code: work_type.code().into(),
        label: work_type.label().into(),
        version,
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        rows,
    }
}

fn work_type(code: &str) -> Result<WorkType, AppError> {
    WorkType::from_code(code).ok_or(AppError::NotFound)
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, _me: Ctx, Path(code): Path<String>) -> Result<Response, AppError> {
    let t = courtwork::current_template(&state.store, work_type(&code)?).await?;
    Ok(render(&edit_page(&ctx, t.work_type, t.version, &t.sections, &[])))
}

/// The sections as submitted: a row with no heading is left out, so clearing a heading removes
/// that section. A kept section keeps its key, so drafts and comments still find it.
fn submitted(f: &Fields) -> Vec<TemplateSection> {
    let required = f.all("required");
    (1..=60)
        .filter_map(|n| {
            let heading = f.text(&format!("heading-{n}")).trim().to_string();
            if heading.is_empty() {
                return None;
            }
            let key = match f.text(&format!("key-{n}")) {
                "" => section_key(&heading),
                k => k.to_string(),
            };
            Some(TemplateSection { key, heading, guidance: f.text(&format!("guidance-{n}")).trim().to_string(), required: required.contains(&n.to_string()) })
        })
        .collect()
}

pub async fn publish(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(code): Path<String>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let work_type = work_type(&code)?;
    let version = f.version()?;
    let sections = submitted(&f);
    let errors = match check_template(&sections) {
        Ok(()) => match courtwork::publish_template(&state.store, &me.audit, work_type, &sections, version).await {
            Ok(_) => return Ok(Redirect::to("/admin/templates").into_response()),
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict("Someone published another version of this template after you opened it. Nothing was published. Open it again to start from theirs.".into()));
            }
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(render_with(StatusCode::BAD_REQUEST, &edit_page(&ctx, work_type, version, &sections, &errors)))
}
