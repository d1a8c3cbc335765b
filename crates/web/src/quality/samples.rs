//! Dip sampling on the web: the manager's list for this period with what is due or overdue,
//! Hearth's proposal, swapping a piece with a reason, the audit form, and moderation.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::quality::{Grade, ImpactOutcome, Period};
use hearth_store::StoreError;
use hearth_store::quality::samples::{self, Sample, SampleAudit};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dates::{long_date, today};
use crate::components::{Choices, DateInput, ErrorSummary, Input, Select, Tag, Textarea};
use crate::error::{ApiError, Problem};
use crate::form::{Fields, Form, FormPage, form_page, show, version};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

fn period_now(state: &AppState) -> Period {
    Period::containing(today(), state.config.sampling.cadence)
}

pub fn status(s: &Sample) -> Tag {
    if s.done() {
        Tag::new("Done", "green")
    } else if s.overdue(today()) {
        Tag::new("Overdue", "red")
    } else {
        Tag::new("Due", "yellow")
    }
}

struct Row {
    id: Uuid,
    worker: String,
    work: String,
    reference: String,
    basis: String,
    period: String,
    due: String,
    status: Tag,
    grade: String,
}

fn row(s: &Sample) -> Row {
    Row {
        id: s.id,
        worker: s.worker.name.clone(),
        work: s.work_type.label().into(),
        reference: s.case_reference.clone(),
        basis: s.basis.label().into(),
        period: s.period.clone(),
        due: long_date(s.due_on),
        status: status(s),
        grade: s.grade.map(|g| g.label().to_string()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "quality/samples.html")]
struct SamplesPage {
    shell: Shell,
    period: String,
    per_worker: u32,
    workers: usize,
    rows: Vec<Row>,
    due: usize,
    overdue: usize,
}

/// Everyone the caller may sample: the people they line-manage, directly or through others.
async fn sampled_workers(state: &AppState, me: &Ctx) -> Result<Vec<Uuid>, AppError> {
    Ok(hearth_store::org::reports_of(&state.store, me.id()).await?)
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let workers = sampled_workers(&state, &me).await?;
    let all = samples::for_workers(&state.store, &workers).await?;
    let period = period_now(&state);
    let today = today();
    // This period's samples, and anything older still not done.
    let shown: Vec<&Sample> = all.iter().filter(|s| s.period == period.code() || s.overdue(today)).collect();
    Ok(render(&SamplesPage {
        shell: ctx.shell("Dip samples"),
        period: period.label(),
        per_worker: state.config.sampling.per_worker,
        workers: workers.len(),
        due: shown.iter().filter(|s| !s.done() && !s.overdue(today)).count(),
        overdue: shown.iter().filter(|s| s.overdue(today)).count(),
        rows: shown.into_iter().map(row).collect(),
    }))
}

pub async fn propose(State(state): State<AppState>, me: Ctx) -> Result<Response, AppError> {
    let workers = sampled_workers(&state, &me).await?;
    samples::propose(&state.store, &me.audit, me.id(), &workers, &period_now(&state), &state.config.sampling).await?;
    Ok(Redirect::to("/samples").into_response())
}

/// The sample, once the caller is shown to stand to its worker as the route's permission needs.
async fn sample_for(state: &AppState, me: &Ctx, id: Uuid) -> Result<Sample, AppError> {
    let s = samples::get(&state.store, id).await?;
    me.authorize_staff(state, s.worker.id).await?;
    Ok(s)
}

#[derive(Template)]
#[template(path = "quality/sample.html")]
struct SamplePage {
    shell: Shell,
    s: Sample,
    status: Tag,
    errors: Option<ErrorSummary>,
    fields: Vec<String>,
    outcomes: Vec<(String, String)>,
    can_moderate: bool,
    moderation_fields: Vec<String>,
    due: String,
    actions: Vec<(String, String)>,
}

const ACTION_ROWS: usize = 3;

fn grade_options() -> Vec<(&'static str, &'static str)> {
    Grade::ALL.iter().map(|g| (g.code(), g.label())).collect()
}

fn audit_fields(f: &Fields, errors: &[FieldError]) -> Vec<String> {
    let mut fields = vec![Choices::new(true, "grade", "Grade", &grade_options(), &[f.text("grade").to_string()])
        .hint("Good or better counts towards the worker's autonomy in this work type. Anything less takes it away.")
        .errors(errors)
        .to_string()];
    for o in ImpactOutcome::ALL {
        let field = format!("outcome-{}", o.code());
        let mut c = Choices::new(true, &field, &format!("Impact: was the child {}?", o.label().to_lowercase()), &grade_options(), &[f.text(&field).to_string()]);
        c.error = crate::components::error_for(errors, &field);
        fields.push(c.to_string());
    }
    fields.push(Textarea::new("strengths", "Strengths").rows(3).value(f.text("strengths")).errors(errors).to_string());
    fields.push(Textarea::new("areas_to_develop", "Areas to develop").rows(3).value(f.text("areas_to_develop")).errors(errors).to_string());
    for n in 1..=ACTION_ROWS {
        let mut a = Input::text(&format!("action-{n}"), &format!("Action {n} (optional)")).value(f.text(&format!("action-{n}")));
        a.error = crate::components::error_for(errors, &format!("action-{n}"));
        fields.push(a.to_string());
        fields.push(DateInput::new(&format!("action-{n}-due"), &format!("Action {n} due by")).value(f.text(&format!("action-{n}-due"))).errors(errors).to_string());
    }
    fields
}

fn moderation_fields(f: &Fields, errors: &[FieldError]) -> Vec<String> {
    vec![
        Choices::new(true, "agrees", "Do you agree with the grade?", &[("yes", "Yes"), ("no", "No")], &[f.text("agrees").to_string()]).errors(errors).to_string(),
        Select::new("moderated_grade", "If not, the grade you would give", Some("Choose a grade"), &grade_options().iter().map(|(c, l)| (c.to_string(), l.to_string())).collect::<Vec<_>>(), f.text("moderated_grade"))
            .errors(errors)
            .to_string(),
        Textarea::new("comment", "Comment").rows(3).value(f.text("comment")).errors(errors).to_string(),
    ]
}

async fn sample_page(state: &AppState, ctx: &PageCtx, me: &Ctx, s: Sample, f: &Fields, errors: &[FieldError]) -> SamplePage {
    let can_moderate = s.done() && s.moderation.is_none() && s.audited_by.as_ref().is_none_or(|a| a.id != me.id()) && me.may_for_staff(state, Permission::ModerateSample, s.worker.id).await;
    SamplePage {
        shell: ctx.shell(format!("Dip sample – {}", s.worker.name)),
        status: status(&s),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        fields: if s.done() { vec![] } else { audit_fields(f, errors) },
        outcomes: ImpactOutcome::ALL.iter().map(|o| (o.label().to_string(), s.outcomes.get(o.code()).map(|g| g.label().to_string()).unwrap_or_default())).collect(),
        can_moderate,
        moderation_fields: if can_moderate { moderation_fields(f, errors) } else { vec![] },
        due: long_date(s.due_on),
        actions: s.actions.iter().map(|a| (a.action.clone(), long_date(a.due_on))).collect(),
        s,
    }
}

pub async fn show_sample(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let s = sample_for(&state, &me, id).await?;
    Ok(render(&sample_page(&state, &ctx, &me, s, &Fields::default(), &[]).await))
}

/// Reads the audit form, naming every field that is wrong.
fn audit_from(f: &Fields) -> Result<SampleAudit, Vec<FieldError>> {
    let mut errors = vec![];
    let grade = Grade::from_code(f.text("grade"));
    if grade.is_none() {
        errors.push(FieldError::new("grade", "Choose a grade"));
    }
    let mut outcomes = vec![];
    for o in ImpactOutcome::ALL {
        let field = format!("outcome-{}", o.code());
        match Grade::from_code(f.text(&field)) {
            Some(g) => outcomes.push((*o, g)),
            None => errors.push(FieldError::new(field, format!("Judge whether the child was {}", o.label().to_lowercase()))),
        }
    }
    let strengths = hearth_domain::text::required("strengths", "the strengths of the work", f.text("strengths"), 5_000);
    let areas = hearth_domain::text::required("areas_to_develop", "the areas to develop", f.text("areas_to_develop"), 5_000);
    let mut actions = vec![];
    for n in 1..=ACTION_ROWS {
        let (text, due) = (f.text(&format!("action-{n}")).trim().to_string(), f.text(&format!("action-{n}-due")));
        if text.is_empty() && due.trim().is_empty() {
            continue;
        }
        if text.is_empty() {
            errors.push(FieldError::new(format!("action-{n}"), format!("Say what action {n} is, or clear its date")));
            continue;
        }
        if text.chars().count() > 1_000 {
            errors.push(FieldError::new(format!("action-{n}"), "An action must be 1,000 characters or fewer"));
            continue;
        }
        match hearth_domain::org::parse_date(format!("action-{n}-due"), &format!("the date action {n} is due by"), due) {
            Ok(d) if d < today() => errors.push(FieldError::new(format!("action-{n}-due"), "An action's due date must be today or later")),
            Ok(d) => actions.push((text, d)),
            Err(e) => errors.push(e),
        }
    }
    match (grade, strengths, areas) {
        (Some(grade), Ok(strengths), Ok(areas_to_develop)) if errors.is_empty() => Ok(SampleAudit { grade, outcomes, strengths, areas_to_develop, actions }),
        (_, s, a) => {
            errors.extend([s.err(), a.err()].into_iter().flatten());
            Err(errors)
        }
    }
}

pub async fn audit(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let s = sample_for(&state, &me, id).await?;
    let version = f.version()?;
    let errors = match audit_from(&f) {
        Ok(a) => match samples::audit_sample(&state.store, &me.audit, id, &a, version, &state.config.autonomy).await {
            Ok(_) => return Ok(Redirect::to(&format!("/samples/{id}")).into_response()),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(render_with(StatusCode::BAD_REQUEST, &sample_page(&state, &ctx, &me, s, &f, &errors).await))
}

#[derive(serde::Deserialize, Default)]
pub struct SwapForm {
    #[serde(default)]
    work_id: String,
    #[serde(default)]
    reason: String,
    version: Option<i64>,
}

async fn swap_page(state: &AppState, ctx: &PageCtx, s: &Sample, f: &SwapForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = form_page(ctx, "Swap the sampled piece", format!("/samples/{}/swap", s.id), errors);
    page.back = format!("/samples/{}", s.id);
    page.caption = Some(s.worker.name.clone());
    page.version = Some(s.version);
    page.intro = Some(format!("Hearth proposed the {} on {} ({}). Choose another piece of their filed work from the same period.", s.work_type.label().to_lowercase(), s.case_reference, s.basis.label().to_lowercase()));
    let period = Period::containing(s.due_on, state.config.sampling.cadence);
    let mut conn = state.store.pool().acquire().await.map_err(StoreError::from)?;
    let pool = samples::candidates(&mut conn, s.worker.id, &period, &state.config.sampling).await?;
    drop(conn);
    let mut options = vec![];
    for (work_id, _) in pool {
        let w = hearth_store::courtwork::get(&state.store, work_id).await?;
        options.push((work_id.to_string(), format!("{} on {}, filed {}", w.work_type.label(), w.case_reference, w.filed_at.map(|f| long_date(f.date())).unwrap_or_default())));
    }
    page.fields = vec![
        Select::new("work_id", "Piece to sample instead", Some("Choose a piece"), &options, &f.work_id).errors(errors).to_string(),
        Textarea::new("reason", "Reason for the swap").rows(3).value(&f.reason).errors(errors).to_string(),
    ];
    page.button = "Swap it".into();
    Ok(page)
}

pub async fn swap_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let s = sample_for(&state, &me, id).await?;
    Ok(show(&swap_page(&state, &ctx, &s, &SwapForm::default(), &[]).await?, &[]))
}

pub async fn swap(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<SwapForm>) -> Result<Response, AppError> {
    let s = sample_for(&state, &me, id).await?;
    let version = version(f.version)?;
    let mut errors = vec![];
    let work = match hearth_domain::org::optional_id("work_id", "piece", &f.work_id) {
        Ok(Some(w)) => Some(w),
        Ok(None) => {
            errors.push(FieldError::new("work_id", "Choose the piece to sample instead"));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let reason = hearth_domain::text::required("reason", "the reason for the swap", &f.reason, 1_000);
    if let Err(e) = &reason {
        errors.push(e.clone());
    }
    if let (Some(work), Ok(reason), true) = (work, &reason, errors.is_empty()) {
        match samples::swap(&state.store, &me.audit, id, work, reason, version).await {
            Ok(()) => return Ok(Redirect::to(&format!("/samples/{id}")).into_response()),
            Err(StoreError::Refused(e)) => errors.push(e),
            Err(StoreError::Duplicate { .. }) => errors.push(FieldError::new("work_id", "That piece is already sampled. Choose another")),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(show(&swap_page(&state, &ctx, &s, &f, &errors).await?, &errors))
}

pub async fn moderate(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let s = sample_for(&state, &me, id).await?;
    let mut errors = vec![];
    let agrees = match f.text("agrees") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.push(FieldError::new("agrees", "Say whether you agree with the grade"));
            None
        }
    };
    let grade = Grade::from_code(f.text("moderated_grade"));
    if agrees == Some(false) && grade.is_none() {
        errors.push(FieldError::new("moderated_grade", "Choose the grade you would give"));
    }
    let comment = hearth_domain::text::required("comment", "a comment", f.text("comment"), 2_000);
    if let Err(e) = &comment {
        errors.push(e.clone());
    }
    if let (Some(agrees), Ok(comment), true) = (agrees, &comment, errors.is_empty()) {
        match samples::moderate(&state.store, &me.audit, id, agrees, if agrees { None } else { grade }, comment).await {
            Ok(()) => return Ok(Redirect::to(&format!("/samples/{id}")).into_response()),
            Err(StoreError::Refused(e)) => errors.push(e),
            Err(StoreError::Duplicate { .. }) => errors.push(FieldError::new("agrees", "This sample has already been moderated")),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_with(StatusCode::BAD_REQUEST, &sample_page(&state, &ctx, &me, s, &f, &errors).await))
}

/// A dip sample through the API.
#[derive(Serialize, ToSchema)]
pub struct SampleSummary {
    pub id: Uuid,
    pub worker_id: Uuid,
    pub period: String,
    pub due_on: String,
    pub work_id: Uuid,
    pub work_type: String,
    /// `random`, `newly_autonomous`, `domestic_abuse`, `long_open`, `late_filing` or `chosen`.
    pub basis: String,
    pub grade: Option<String>,
    /// `due`, `overdue` or `done`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct SampleList {
    pub items: Vec<SampleSummary>,
}

fn summary(s: &Sample) -> SampleSummary {
    SampleSummary {
        id: s.id,
        worker_id: s.worker.id,
        period: s.period.clone(),
        due_on: hearth_store::date_text(s.due_on),
        work_id: s.work_id,
        work_type: s.work_type.code().into(),
        basis: s.basis.code().into(),
        grade: s.grade.map(|g| g.code().into()),
        status: if s.done() { "done" } else if s.overdue(today()) { "overdue" } else { "due" }.into(),
    }
}

/// The dip samples of everyone the caller line-manages, newest period first.
#[utoipa::path(get, path = "/api/v1/samples", responses((status = 200, body = SampleList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx) -> Result<Json<SampleList>, ApiError> {
    let workers = sampled_workers(&state, &me).await?;
    Ok(Json(SampleList { items: samples::for_workers(&state.store, &workers).await?.iter().map(summary).collect() }))
}

/// Proposes this period's samples for everyone the caller line-manages (K each, counting any
/// already there), and lists them all.
#[utoipa::path(post, path = "/api/v1/samples", responses((status = 201, body = SampleList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn api_propose(State(state): State<AppState>, me: Ctx) -> Result<(StatusCode, Json<SampleList>), ApiError> {
    let workers = sampled_workers(&state, &me).await?;
    samples::propose(&state.store, &me.audit, me.id(), &workers, &period_now(&state), &state.config.sampling).await?;
    Ok((StatusCode::CREATED, Json(SampleList { items: samples::for_workers(&state.store, &workers).await?.iter().map(summary).collect() })))
}
