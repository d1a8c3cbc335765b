//! A new starter's induction (`/staff/{id}/induction`): the plan week by week with who ticked
//! each step, the mentor buddy, the office-first expectation and the protected caseload; starting
//! one with a mentor; ticking steps off.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::induction::{InductionForm, MOST_STEPS, NEW_ROWS, StepKind, TemplateRow, row_field, validate_template, week_of};
use hearth_store::StoreError;
use hearth_store::people::induction::{self as store, Induction};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{DateInput, Input, Select, Textarea};
use crate::dates::{long_date, today};
use crate::form::{Fields, Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "people/induction.html")]
struct InductionPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    plan: Option<Induction>,
    /// (week, its steps: (step id, kind, title, done: who and when))
    weeks: Vec<(i64, Vec<(Uuid, String, String, Option<String>)>)>,
    done: usize,
    this_week: i64,
    starts: String,
    office: String,
    protected: Option<String>,
    mentoring_until: String,
    can_start: bool,
    can_tick: bool,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let (record, plan) = tokio::try_join!(async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) }, async { Ok(store::for_starter(&state.store, &me.audit, id).await?) })?;
    let (can_start, can_tick) = (plan.is_none() && me.may_for_staff(&state, Permission::StartInduction, id).await, plan.is_some() && me.may_for_staff(&state, Permission::TickInduction, id).await);
    let settings = &state.config.induction;
    let mut weeks: Vec<(i64, Vec<(Uuid, String, String, Option<String>)>)> = vec![];
    if let Some(p) = &plan {
        for s in &p.steps {
            let done = s.done_at.map(|at| format!("Done {} by {}", long_date(at.date()), s.done_by.as_ref().map(|b| b.name.as_str()).unwrap_or("someone who has left")));
            let row = (s.id, s.kind.label().to_string(), s.title.clone(), done);
            match weeks.last_mut() {
                Some((w, rows)) if *w == s.week => rows.push(row),
                _ => weeks.push((s.week, vec![row])),
            }
        }
    }
    let own = id == me.id();
    let page = InductionPage {
        shell: ctx.shell(if own { "Your induction".to_string() } else { format!("Induction – {}", record.name) }),
        id,
        name: record.name,
        own,
        done: plan.as_ref().map(|p| p.steps.iter().filter(|s| s.done_at.is_some()).count()).unwrap_or(0),
        this_week: plan.as_ref().map(|p| week_of(p.starts_on, today())).unwrap_or(0),
        starts: plan.as_ref().map(|p| long_date(p.starts_on)).unwrap_or_default(),
        office: plan.as_ref().map(|p| format!("{} days a week until {}", settings.office_days_per_week, long_date(settings.office_first_until(p.started_service_on)))).unwrap_or_default(),
        protected: plan.as_ref().and_then(|p| hearth_domain::workload::protected_until(&state.config.workload, p.qualified_on)).filter(|d| *d >= today()).map(long_date),
        mentoring_until: plan.as_ref().map(|p| long_date(settings.mentoring_until(p.starts_on))).unwrap_or_default(),
        weeks,
        plan,
        can_start,
        can_tick,
    };
    Ok(render(&page))
}

/// The caller's own induction: a stable link for My Work.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/induction", me.id())).into_response()
}

async fn start_page(state: &AppState, ctx: &PageCtx, id: Uuid, f: &InductionForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let (record, mentors) = tokio::try_join!(async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) }, async { Ok(store::possible_mentors(&state.store, id).await?) })?;
    let mut page = form_page(ctx, "Start their induction", format!("/staff/{id}/induction"), errors);
    page.back = format!("/staff/{id}/induction");
    page.caption = Some(record.name.clone());
    page.intro = Some(format!(
        "The national induction plan is copied for {}, week by week. Their mentor buddy sees the plan and can tick steps off, and mentoring counts against the mentor's capacity for {} months.",
        record.name, state.config.induction.mentoring_months
    ));
    let options: Vec<(String, String)> = mentors.iter().map(|m| (m.id.to_string(), m.name.clone())).collect();
    let starts = if f.starts_on.is_empty() && errors.is_empty() { record.start_date.max(today()).to_string() } else { f.starts_on.clone() };
    page.fields = vec![
        Select::new("mentor", "Mentor buddy", Some("Choose"), &options, &f.mentor).hint("An experienced colleague in their team.").errors(errors).to_string(),
        DateInput::new("starts_on", "First day of induction").value(&starts).errors(errors).to_string(),
    ];
    page.button = "Start the induction".into();
    Ok(page)
}

pub async fn start_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    Ok(show(&start_page(&state, &ctx, id, &InductionForm::default(), &[]).await?, &[]))
}

pub async fn start(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<InductionForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let errors = match f.validate(today()) {
        Ok(d) => match store::start(&state.store, &me.audit, id, me.id(), &d, &state.config.induction, &state.config.workload).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/induction"), crate::saved::Saved::InductionStarted)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&start_page(&state, &ctx, id, &f, &errors).await?, &errors))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TickForm {
    done: String,
}

pub async fn tick(State(state): State<AppState>, me: Ctx, Path((id, step)): Path<(Uuid, Uuid)>, Form(f): Form<TickForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let done = match f.done.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::Unreadable(crate::form::unreadable())),
    };
    store::tick(&state.store, &me.audit, id, step, me.id(), done).await?;
    Ok(crate::saved::redirect(&state, &format!("/staff/{id}/induction#step-{step}"), crate::saved::Saved::InductionTicked))
}

// ---- The national template ----

/// The template's form: each step a group of week, kind and what to do (clearing what to do
/// takes a step out), then blank rows for new steps, and what changed.
fn template_page(ctx: &PageCtx, t: &store::Template, rows: &[TemplateRow], changes: &str, version: i64, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Induction template", "/induction-template".into(), errors);
    page.back = "/training".into();
    page.caption = Some("National settings".into());
    let saved = match (&t.saved_at, &t.saved_by) {
        (Some(at), by) => format!("Version {}, saved {}{}: {}.", t.version, crate::dates::long_time(*at), by.as_ref().map(|b| format!(" by {}", b.name)).unwrap_or_default(), t.changes),
        (None, _) => "The template Hearth ships with: nobody has changed it yet.".into(),
    };
    page.intro = Some(format!(
        "{saved} Each new starter's plan is copied from this template when their manager starts it; plans already under way keep their steps. Clear a step's words to take it out; steps are kept in week order."
    ));
    page.version = Some(version);
    let kinds: Vec<(String, String)> = StepKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect();
    let mut fields = vec![];
    for (i, r) in rows.iter().enumerate().map(|(i, r)| (i + 1, r)) {
        let legend = if i > rows.len() - NEW_ROWS { format!("New step {}", i + NEW_ROWS - rows.len()) } else { format!("Step {i}") };
        fields.push(format!(
            "<fieldset class=\"govuk-fieldset govuk-!-margin-bottom-6\"><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">{legend}</legend>{}{}{}</fieldset>",
            Input::text(&row_field("week", i), "Week").classes("govuk-input--width-2").inputmode("numeric").value(&r.week).errors(errors),
            Select::new(&row_field("kind", i), "Kind of step", Some("Choose"), &kinds, &r.kind).errors(errors),
            Input::text(&row_field("title", i), "What to do").value(&r.title).errors(errors),
        ));
    }
    fields.push(Textarea::new("changes", "What changed").hint("Managers and HR read this beside the version.").rows(2).value(changes).errors(errors).to_string());
    page.fields = fields;
    page.button = "Save a new version".into();
    page
}

fn rows_of(t: &store::Template) -> Vec<TemplateRow> {
    t.steps.iter().map(|s| TemplateRow { week: s.week.to_string(), kind: s.kind.code().into(), title: s.title.clone() }).chain((0..NEW_ROWS).map(|_| TemplateRow::default())).collect()
}

pub async fn template_form(State(state): State<AppState>, ctx: PageCtx, _me: Ctx) -> Result<Response, AppError> {
    let t = store::template(&state.store).await?;
    Ok(show(&template_page(&ctx, &t, &rows_of(&t), "", t.version, &[]), &[]))
}

pub async fn save_template(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let version = f.version()?;
    // The rows the form sent: as many as it had, and never more than the template could hold.
    let rows: Vec<TemplateRow> = (1..=MOST_STEPS + NEW_ROWS)
        .take_while(|i| [row_field("week", *i), row_field("kind", *i), row_field("title", *i)].iter().any(|n| !f.all(n).is_empty()))
        .map(|i| TemplateRow { week: f.text(&row_field("week", i)).into(), kind: f.text(&row_field("kind", i)).into(), title: f.text(&row_field("title", i)).into() })
        .collect();
    let errors = match validate_template(&rows, f.text("changes")) {
        Ok((steps, changes)) => match store::save_template(&state.store, &me.audit, me.id(), version, &steps, &changes).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, "/induction-template", crate::saved::Saved::InductionTemplateSaved)),
            Err(StoreError::Conflict { .. }) => vec![FieldError::new("changes", "Someone saved a new version of the template after you opened it. Your changes are below: compare them with the version now saved (open the template in a new tab), then save again")],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let t = store::template(&state.store).await?;
    // Keep what they typed, with blank rows to add to; the version stays the one they read, so a
    // stale save is refused again until they have looked.
    let mut rows = rows;
    rows.extend((0..NEW_ROWS).map(|_| TemplateRow::default()));
    let version = if errors.iter().any(|e| e.message.starts_with("Someone saved")) { t.version } else { version };
    Ok(show(&template_page(&ctx, &t, &rows, f.text("changes"), version, &errors), &errors))
}
