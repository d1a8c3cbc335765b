//! The batch plan for a team's allocation hub: propose, review beside the greedy yardstick, and
//! accept in whole or in part.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_store::workload::Compared;
use hearth_store::workload::plans::{self, PlanView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::chosen_team;
use crate::api::json;
use crate::dates::{long_date, today};
use crate::components::ErrorSummary;
use crate::error::{ApiError, Problem};
use crate::form::Form;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct TeamQuery {
    team: Option<Uuid>,
}

#[derive(Template)]
#[template(path = "workload/plans.html")]
struct PlansPage {
    shell: Shell,
    team_id: Uuid,
    team: String,
    plans: Vec<(Uuid, String, String, Compared)>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<TeamQuery>) -> Result<Response, AppError> {
    let (team, _) = chosen_team(&state, &me, q.team, Permission::AllocateCase).await?;
    let plans = plans::for_team(&state.store, team.id, 10).await?.into_iter().map(|(id, at, status, m)| (id, long_date(at.date()), status_words(&status).to_string(), m)).collect();
    Ok(render(&PlansPage { shell: ctx.shell(format!("Batch allocation – {}", team.name)), team_id: team.id, team: team.name, plans }))
}

#[derive(serde::Deserialize)]
pub struct ProposeForm {
    team_id: Uuid,
    #[serde(default)]
    allow_above_amber: Option<String>,
}

/// Whether a plan may take workers above amber: a checkbox, sent only when ticked.
#[derive(serde::Deserialize, Default)]
pub struct Allowance {
    #[serde(default)]
    allow_above_amber: Option<String>,
}

fn allowed(checkbox: &Option<String>) -> bool {
    checkbox.as_deref() == Some("yes")
}

pub async fn propose(State(state): State<AppState>, me: Ctx, Form(f): Form<ProposeForm>) -> Result<Response, AppError> {
    let (team, _) = chosen_team(&state, &me, Some(f.team_id), Permission::AllocateCase).await?;
    let id = plans::propose(&state.store, &me.audit, &state.config.workload, &state.config.deadlines, team.id, allowed(&f.allow_above_amber), today()).await?;
    Ok(Redirect::to(&format!("/allocation-plans/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "workload/plan.html")]
struct PlanPage {
    shell: Shell,
    plan: PlanView,
    proposed: String,
    errors: Option<ErrorSummary>,
    points: Vec<String>,
    overload: (String, String),
    above_green: (String, String),
}

/// The plan, once the caller is shown to allocate for its team.
async fn plan_for(state: &AppState, me: &Ctx, id: Uuid) -> Result<PlanView, AppError> {
    let plan = plans::get(&state.store, id).await?;
    let team = hearth_store::org::team(&state.store, plan.team.id).await?;
    me.authorize_team(state, team.id, team.service_area.id).await?;
    Ok(plan)
}

fn plan_page(ctx: &PageCtx, plan: PlanView, errors: &[FieldError]) -> Response {
    let m = plan.measures;
    let page = PlanPage {
        shell: ctx.shell(if plan.moving_from.is_some() { "Plan moving cases" } else { "Batch allocation plan" }),
        proposed: format!("{}{}", long_date(plan.proposed_at.date()), plan.proposed_by.as_ref().map(|b| format!(" by {}", b.name)).unwrap_or_default()),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        points: plan.items.iter().map(|i| i.weight.display()).collect(),
        overload: (hearth_domain::workload::Points(m.overload_hundredths).display(), hearth_domain::workload::Points(m.greedy_overload_hundredths).display()),
        above_green: (hearth_domain::workload::Points(m.above_green_hundredths).display(), hearth_domain::workload::Points(m.greedy_above_green_hundredths).display()),
        plan,
    };
    if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) }
}

/// Proposes a plan moving someone's open cases to the rest of their team. (The button shows only
/// while they hold cases; a refusal from a race is the shared 422 page.)
pub async fn propose_moving(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Allowance>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let allow = allowed(&f.allow_above_amber);
    let plan = plans::propose_moving(&state.store, &me.audit, &state.config.workload, &state.config.deadlines, id, allow, today()).await?;
    Ok(Redirect::to(&format!("/allocation-plans/{plan}")).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let plan = plan_for(&state, &me, id).await?;
    Ok(plan_page(&ctx, plan, &[]))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    /// The plan's items kept ticked: the others are left in the hub.
    case_ids: Vec<Uuid>,
}

pub async fn accept(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AcceptForm>) -> Result<Response, AppError> {
    plan_for(&state, &me, id).await?;
    let chosen = f.case_ids;
    let team = plans::team_of(&state.store, id).await?;
    match plans::accept(&state.store, &state.config.workload, &me.audit, id, Some(&chosen)).await {
        Ok(_) => Ok(Redirect::to(&format!("/my-people?team={team}")).into_response()),
        Err(hearth_store::StoreError::Refused(e)) => Ok(plan_page(&ctx, plans::get(&state.store, id).await?, &[e])),
        Err(e) => Err(e.into()),
    }
}

pub async fn discard(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let plan = plan_for(&state, &me, id).await?;
    plans::discard(&state.store, &me.audit, id).await?;
    Ok(Redirect::to(&format!("/allocation-plans?team={}", plan.team.id)).into_response())
}

// ---- API ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    pub team_id: Uuid,
    /// Let the plan take people above amber (up to the start of high red).
    #[serde(default)]
    pub allow_above_amber: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PlanJson {
    pub id: Uuid,
    pub team_id: Uuid,
    /// For a plan moving someone's cases: whose.
    pub moving_from: Option<Uuid>,
    /// `proposed`, `accepted` or `discarded`.
    pub status: String,
    pub allow_above_amber: bool,
    pub allocated: usize,
    pub priority_allocated: i64,
    /// Points above the amber line, summed over the team, after the plan.
    pub overload: f64,
    /// Points above the green line, summed over the team, after the plan: how even load is.
    pub above_green: f64,
    pub greedy_allocated: usize,
    pub greedy_overload: f64,
    pub greedy_above_green: f64,
    pub items: Vec<PlanItemJson>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanItemJson {
    pub case_id: Uuid,
    pub reference: String,
    pub worker_id: Option<Uuid>,
    pub priority: i64,
    pub points: f64,
    pub accepted: bool,
}

fn plan_json(p: &PlanView) -> PlanJson {
    let m = p.measures;
    PlanJson {
        id: p.id,
        team_id: p.team.id,
        moving_from: p.moving_from.as_ref().map(|m| m.id),
        status: p.status.clone(),
        allow_above_amber: p.allow_above_amber,
        allocated: m.allocated,
        priority_allocated: m.priority,
        overload: m.overload_hundredths as f64 / 100.0,
        above_green: m.above_green_hundredths as f64 / 100.0,
        greedy_allocated: m.greedy_allocated,
        greedy_overload: m.greedy_overload_hundredths as f64 / 100.0,
        greedy_above_green: m.greedy_above_green_hundredths as f64 / 100.0,
        items: p
            .items
            .iter()
            .map(|i| PlanItemJson { case_id: i.case_id, reference: i.reference.clone(), worker_id: i.worker.as_ref().map(|w| w.id), priority: i.priority, points: i.weight.0 as f64 / 100.0, accepted: i.accepted })
            .collect(),
    }
}

/// Proposes a batch plan for a team's allocation hub. Nothing is allocated until it is accepted.
/// A plan's status as people say it.
pub fn status_words(code: &str) -> &'static str {
    match code {
        "proposed" => "Waiting for you to accept",
        "accepted" => "Accepted",
        "discarded" => "Discarded",
        _ => "Unknown",
    }
}

#[utoipa::path(post, path = "/api/v1/allocation-plans", request_body = NewPlan, responses((status = 201, body = PlanJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_propose(State(state): State<AppState>, me: Ctx, body: String) -> Result<Response, ApiError> {
    let body: NewPlan = json(&body)?;
    let team = hearth_store::org::team(&state.store, body.team_id).await?;
    me.authorize_team(&state, team.id, team.service_area.id).await?;
    let id = plans::propose(&state.store, &me.audit, &state.config.workload, &state.config.deadlines, team.id, body.allow_above_amber, today()).await?;
    Ok((StatusCode::CREATED, Json(plan_json(&plans::get(&state.store, id).await?))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NewMovingPlan {
    /// Let the plan take people above amber (up to the start of high red).
    #[serde(default)]
    pub allow_above_amber: bool,
}

/// Proposes a plan moving the open cases of someone leaving or long-term sick to the rest of
/// their team. Nothing moves until it is accepted; then cases nobody had room for go back to
/// the hub.
#[utoipa::path(post, path = "/api/v1/staff/{id}/moving-plans", params(("id" = Uuid, Path)), request_body = Option<NewMovingPlan>, responses((status = 201, body = PlanJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_propose_moving(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    me.authorize_staff(&state, id).await?;
    let body: NewMovingPlan = if body.trim().is_empty() { NewMovingPlan::default() } else { json(&body)? };
    let plan = plans::propose_moving(&state.store, &me.audit, &state.config.workload, &state.config.deadlines, id, body.allow_above_amber, today()).await?;
    Ok((StatusCode::CREATED, Json(plan_json(&plans::get(&state.store, plan).await?))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptPlan {
    /// The planned allocations to accept, by case; all of them when left out.
    pub case_ids: Option<Vec<Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub allocated: usize,
}

/// Accepts a proposed plan, in whole or in part. All or nothing: if any chosen case has been
/// allocated since, nothing is and the answer is 422.
#[utoipa::path(post, path = "/api/v1/allocation-plans/{id}/accept", params(("id" = Uuid, Path)), request_body = Option<AcceptPlan>, responses((status = 200, body = Accepted), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_accept(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Json<Accepted>, ApiError> {
    plan_for(&state, &me, id).await?;
    let body: AcceptPlan = if body.trim().is_empty() { AcceptPlan::default() } else { json(&body)? };
    let allocated = plans::accept(&state.store, &state.config.workload, &me.audit, id, body.case_ids.as_deref()).await?;
    Ok(Json(Accepted { allocated }))
}
