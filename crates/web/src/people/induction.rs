//! A new starter's induction (`/staff/{id}/induction`): the plan week by week with who ticked
//! each step, the mentor buddy, the office-first expectation and the protected caseload; starting
//! one with a mentor; ticking steps off.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::induction::{InductionForm, week_of};
use hearth_store::StoreError;
use hearth_store::people::induction::{self as store, Induction};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{DateInput, Select};
use crate::dates::{long_date, today};
use crate::form::{Form, FormPage, form_page, show};
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
