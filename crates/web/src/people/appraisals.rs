//! Appraisal under the person (`/staff/{id}/appraisals`): when the next is due, the years so
//! far, setting objectives, and one year's steps in order (mid-year review, self-assessment,
//! rating).

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::appraisal::{Expectation, ObjectivesForm, Rating, Stage, StepForm, due_on, step_text};
use hearth_store::StoreError;
use hearth_store::people::appraisals::{self as store, Appraisal, Step};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::components::{Choices, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// When the next appraisal is due, as a tag and words.
fn due_text(started_on: time::Date, list: &[Appraisal]) -> (Tag, String) {
    let last = list.iter().filter_map(|a| a.completed_on).max();
    let on = due_on(started_on, last);
    let open = list.iter().any(|a| a.completed_on.is_none());
    match (open, on < today()) {
        (true, _) => (Tag::new("In progress", "blue"), format!("this year's is under way; due by {}", long_date(on))),
        (false, true) => (Tag::new("Overdue", "red"), format!("was due {}", long_date(on))),
        (false, false) => (Tag::new("Not due yet", "grey"), format!("due {}", long_date(on))),
    }
}

#[derive(Template)]
#[template(path = "people/appraisals.html")]
struct ListPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    due_tag: String,
    due: String,
    /// (id, set on, stage, rating)
    years: Vec<(Uuid, String, String, String)>,
    can_start: bool,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let (record, list, can_manage) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        async { Ok(store::list_for(&state.store, id).await?) },
        async { Ok(me.may_for_staff(&state, Permission::ManageAppraisal, id).await) },
    )?;
    let (tag, due) = due_text(record.start_date, &list);
    let own = id == me.id();
    Ok(render(&ListPage {
        shell: ctx.shell(if own { "Your appraisal".to_string() } else { format!("Appraisal – {}", record.name) }),
        id,
        name: record.name,
        own,
        due_tag: tag.to_string(),
        due: hearth_domain::text::capitalise(&due),
        can_start: can_manage && list.iter().all(|a| a.completed_on.is_some()),
        years: list.iter().map(|a| (a.id, long_date(a.set_on), a.stage().label().to_string(), a.rating.map(|r| r.label().to_string()).unwrap_or_default())).collect(),
    }))
}

fn objectives_page(ctx: &PageCtx, id: Uuid, name: &str, f: &ObjectivesForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Set this year's objectives", format!("/staff/{id}/appraisals"), errors);
    page.back = format!("/staff/{id}/appraisals");
    page.caption = Some(name.to_string());
    page.intro = Some("Specific, measurable, achievable, relevant and time-bound. A mid-year review follows; at the end of the year they write their self-assessment before you rate the year.".into());
    let options: Vec<(&str, &str)> = Expectation::ALL.iter().map(|e| (e.code(), e.label())).collect();
    page.fields = vec![
        Textarea::new("objectives", "Objectives").hint("One a line.").rows(6).value(&f.objectives).errors(errors).to_string(),
        Choices::new(false, "expectations", "Which of the service's expectations do they serve?", &options, &f.expectations).errors(errors).to_string(),
    ];
    page.button = "Set the objectives".into();
    page
}

pub async fn objectives_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&objectives_page(&ctx, id, &record.name, &ObjectivesForm::default(), &[]), &[]))
}

pub async fn set_objectives(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ObjectivesForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    match f.validate() {
        Ok(o) => {
            let a = store::set_objectives(&state.store, &me.audit, id, me.id(), &o).await?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/appraisals/{a}"), crate::saved::Saved::AppraisalSaved))
        }
        Err(errors) => {
            let record = hearth_store::org::staff_record(&state.store, id).await?;
            Ok(show(&objectives_page(&ctx, id, &record.name, &f, &errors), &errors))
        }
    }
}

#[derive(Template)]
#[template(path = "people/appraisal.html")]
struct YearPage {
    shell: Shell,
    a: Appraisal,
    set_on: String,
    stage: String,
    next: String,
    expectations: Vec<&'static str>,
    /// The form the caller may fill now, if any: (action, heading, fields, button).
    form: Option<(String, String, String, String)>,
    errors: Option<crate::components::ErrorSummary>,
}

async fn year_view(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, year: Uuid, typed: &StepForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let a = store::view(&state.store, &me.audit, id, year).await?;
    let manages = me.may_for_staff(state, Permission::ManageAppraisal, id).await;
    let own = id == me.id();
    let base = format!("/staff/{id}/appraisals/{year}");
    let text = |label: &str, hint: &str| Textarea::new("text", label).hint(hint).rows(6).value(&typed.text).errors(errors).to_string();
    let form = match a.stage() {
        Stage::ObjectivesSet if manages => Some((format!("{base}/mid-year"), "Mid-year review".to_string(), text("How the year is going", "Progress against each objective, and any change agreed."), "Save the mid-year review".to_string())),
        Stage::MidYearDone if own => Some((format!("{base}/self-assessment"), "Your self-assessment".to_string(), text("How your year went", "Against each objective, in your own words. Your manager reads it before rating the year."), "Save my self-assessment".to_string())),
        Stage::SelfAssessed if manages => {
            let options: Vec<(&str, &str)> = Rating::ALL.iter().map(|r| (r.code(), r.label())).collect();
            let fields = [Choices::new(true, "rating", "Rating", &options, std::slice::from_ref(&typed.rating)).errors(errors).to_string(), text("Summary of the year", "What went well, and what to focus on next year.")].concat();
            Some((format!("{base}/rating"), "End of the year".to_string(), fields, "Rate the year and close it".to_string()))
        }
        _ => None,
    };
    let page = YearPage {
        shell: ctx.shell(format!("Appraisal – {}", a.worker.name)),
        set_on: long_date(a.set_on),
        stage: a.stage().label().into(),
        next: a.stage().next_step().into(),
        expectations: a.expectations.iter().map(|e| e.label()).collect(),
        form,
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        a,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, year)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    year_view(&state, &ctx, &me, id, year, &StepForm::default(), &[]).await
}

fn stale(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict("Someone else wrote to this appraisal after you opened it. Nothing was saved. Open it again to see what they wrote.".into()),
        e => e.into(),
    }
}

async fn step(state: AppState, ctx: PageCtx, me: Ctx, id: Uuid, year: Uuid, f: StepForm, which: &str) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let checked = match which {
        "mid-year" => step_text("text", "how the year is going", &f.text).map(|t| (None, t)),
        "self-assessment" => step_text("text", "how your year went", &f.text).map(|t| (None, t)),
        _ => f.validate_rating().map(|(r, t)| (Some(r), t)),
    };
    match checked {
        Ok((rating, text)) => {
            let s = match (which, rating) {
                ("mid-year", _) => Step::MidYear(&text),
                ("self-assessment", _) => Step::SelfAssessment(&text),
                (_, Some(r)) => Step::Rating(r, &text),
                _ => return Err(AppError::NotFound),
            };
            store::write_step(&state.store, &me.audit, id, year, version, s).await.map_err(stale)?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/appraisals/{year}"), crate::saved::Saved::AppraisalSaved))
        }
        Err(errors) => year_view(&state, &ctx, &me, id, year, &f, &errors).await,
    }
}

pub async fn mid_year(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, year)): Path<(Uuid, Uuid)>, Form(f): Form<StepForm>) -> Result<Response, AppError> {
    step(state, ctx, me, id, year, f, "mid-year").await
}

pub async fn self_assessment(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, year)): Path<(Uuid, Uuid)>, Form(f): Form<StepForm>) -> Result<Response, AppError> {
    step(state, ctx, me, id, year, f, "self-assessment").await
}

pub async fn rating(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, year)): Path<(Uuid, Uuid)>, Form(f): Form<StepForm>) -> Result<Response, AppError> {
    step(state, ctx, me, id, year, f, "rating").await
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct AppraisalItem {
    pub id: Uuid,
    pub manager_id: Uuid,
    pub set_on: String,
    /// `objectives_set`, `mid_year_done`, `self_assessed` or `complete`.
    pub stage: String,
    /// Expectation codes the objectives serve.
    pub expectations: Vec<String>,
    /// `exceeded`, `met`, `partly_met` or `not_met`, once complete.
    pub rating: Option<String>,
    pub completed_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AppraisalPage {
    pub items: Vec<AppraisalItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// When the next appraisal is due (`YYYY-MM-DD`).
    pub next_due: String,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/appraisals", params(("id" = Uuid, Path)), responses((status = 200, body = AppraisalPage), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<AppraisalPage>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let (record, list) = tokio::try_join!(hearth_store::org::staff_record(&state.store, id), store::list_for(&state.store, id))?;
    let next = due_on(record.start_date, list.iter().filter_map(|a| a.completed_on).max());
    let items: Vec<AppraisalItem> = list
        .iter()
        .map(|a| AppraisalItem {
            id: a.id,
            manager_id: a.manager.id,
            set_on: a.set_on.to_string(),
            stage: serde_json::to_value(a.stage()).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            expectations: a.expectations.iter().map(|e| e.code().to_string()).collect(),
            rating: a.rating.map(|r| r.code().to_string()),
            completed_on: a.completed_on.map(|d| d.to_string()),
        })
        .collect();
    let total = items.len() as i64;
    Ok(Json(AppraisalPage { per_page: total.max(1), items, total, page: 1, next_due: next.to_string() }))
}
