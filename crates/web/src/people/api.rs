//! The supervision API: a person's records, one record, the agenda, recording and acknowledging.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use hearth_domain::access::Permission;
use hearth_domain::people::{DiscussionForm, SupervisionForm, agenda, next_due};
use hearth_store::org::NamedRef;
use hearth_store::people;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{json, page_request};
use crate::dates::today;
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionItem {
    pub id: Uuid,
    pub held_on: String,
    pub supervisor_id: Uuid,
    pub supervisor: String,
    pub cases_discussed: i64,
    pub acknowledged: bool,
    /// Not acknowledged within the working days the worker has (`acknowledge_working_days`).
    pub acknowledgement_late: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionPage {
    pub items: Vec<SupervisionItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// When the next supervision is due (`YYYY-MM-DD`).
    pub next_due: String,
    /// `later`, `soon` or `overdue`.
    pub due_state: String,
}

fn due_state(d: hearth_domain::people::Due) -> &'static str {
    match d {
        hearth_domain::people::Due::Later { .. } => "later",
        hearth_domain::people::Due::Soon { .. } => "soon",
        hearth_domain::people::Due::Overdue { .. } => "overdue",
    }
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/supervisions", params(("id" = Uuid, Path), ListParams), responses((status = 200, body = SupervisionPage), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(p): Query<ListParams>) -> Result<Json<SupervisionPage>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let request = page_request(p.page, p.per_page)?;
    let (facts, page) = tokio::try_join!(people::facts_for(&state.store, id), people::list_for(&state.store, id, request))?;
    let due = next_due(&facts, today(), &state.config.supervision);
    Ok(Json(SupervisionPage {
        items: page
            .items
            .into_iter()
            .map(|v| SupervisionItem {
                id: v.id,
                held_on: v.held_on.to_string(),
                supervisor_id: v.supervisor.id,
                supervisor: v.supervisor.name,
                cases_discussed: v.cases_discussed,
                acknowledged: v.acknowledged_at.is_some(),
                acknowledgement_late: hearth_domain::people::acknowledgement_late(v.recorded_at.date(), v.acknowledged_at.is_some(), today(), &state.config.supervision, &state.config.calendar),
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        next_due: due.on().to_string(),
        due_state: due_state(due).into(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct DiscussedCaseBody {
    pub case_id: Uuid,
    pub reference: String,
    pub reflection: String,
    pub decision: String,
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionRecord {
    pub id: Uuid,
    pub worker_id: Uuid,
    pub supervisor_id: Uuid,
    pub supervisor: String,
    pub held_on: String,
    pub wellbeing: String,
    pub development: String,
    pub acknowledged: bool,
    pub worker_comment: Option<String>,
    /// The cases discussed: for the worker and their line chain only, empty for HR.
    pub discussions: Vec<DiscussedCaseBody>,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/supervisions/{supervision}", params(("id" = Uuid, Path), ("supervision" = Uuid, Path)), responses((status = 200, body = SupervisionRecord), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn record(State(state): State<AppState>, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>) -> Result<Json<SupervisionRecord>, ApiError> {
    record_of(&state, &me, id, supervision).await
}

/// One supervision by its id alone: the record is checked against its own worker.
#[utoipa::path(get, path = "/api/v1/supervisions/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = SupervisionRecord), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn record_by_id(State(state): State<AppState>, me: Ctx, Path(supervision): Path<Uuid>) -> Result<Json<SupervisionRecord>, ApiError> {
    let worker = people::worker_of(&state.store, supervision).await?;
    record_of(&state, &me, worker, supervision).await
}

async fn record_of(state: &AppState, me: &Ctx, id: Uuid, supervision: Uuid) -> Result<Json<SupervisionRecord>, ApiError> {
    me.authorize_staff(state, id).await?;
    let s = people::view(&state.store, &me.audit, id, supervision).await?;
    let case_content = id == me.id() || me.may_for_staff(state, Permission::RecordSupervision, id).await;
    Ok(Json(SupervisionRecord {
        id: s.id,
        worker_id: s.worker.id,
        supervisor_id: s.supervisor.id,
        supervisor: s.supervisor.name,
        held_on: s.held_on.to_string(),
        wellbeing: s.wellbeing,
        development: s.development,
        acknowledged: s.acknowledged_at.is_some(),
        worker_comment: s.worker_comment,
        discussions: if case_content {
            s.discussions.into_iter().map(|d| DiscussedCaseBody { case_id: d.case_id, reference: d.reference, reflection: d.reflection, decision: d.decision }).collect()
        } else {
            vec![]
        },
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AgendaCase {
    pub case_id: Uuid,
    pub reference: String,
    /// Why it is raised, in words; empty for a case with nothing to raise.
    pub reasons: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Agenda {
    /// Cases with something to discuss, most reasons first.
    pub raised: Vec<AgendaCase>,
    /// Their other open cases.
    pub other: Vec<AgendaCase>,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/supervision-agenda", params(("id" = Uuid, Path)), responses((status = 200, body = Agenda), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn agenda_of(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Agenda>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let facts = people::facts_for(&state.store, id).await?;
    agenda_since(&state, &me, id, facts.last_held_on).await
}

/// The agenda that follows a supervision, by its id alone: the worker's open cases as they stand
/// today, with court work returned since that supervision was held. For their latest
/// supervision it is the agenda of the next. The caller is checked against its worker.
#[utoipa::path(get, path = "/api/v1/supervisions/{id}/agenda", params(("id" = Uuid, Path)), responses((status = 200, body = Agenda), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn agenda_after(State(state): State<AppState>, me: Ctx, Path(supervision): Path<Uuid>) -> Result<Json<Agenda>, ApiError> {
    let worker = people::worker_of(&state.store, supervision).await?;
    me.authorize_staff(&state, worker).await?;
    let held_on = people::held_on(&state.store, supervision).await?;
    agenda_since(&state, &me, worker, Some(held_on)).await
}

async fn agenda_since(state: &AppState, me: &Ctx, id: Uuid, since: Option<time::Date>) -> Result<Json<Agenda>, ApiError> {
    let cases = people::agenda_cases(&state.store, id, me.id(), since, today()).await?;
    let (raised, other) = agenda(&cases, today(), &state.config.supervision);
    let words = |items: Vec<hearth_domain::people::AgendaItem>| items.into_iter().map(|i| AgendaCase { case_id: i.case_id, reference: i.reference, reasons: i.reasons.iter().map(|r| r.words()).collect() }).collect();
    Ok(Json(Agenda { raised: words(raised), other: words(other) }))
}

/// One case discussed.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DiscussionBody {
    pub case_id: String,
    pub reflection: String,
    pub decision: String,
    /// An action for the worker, made a task on the case (optional).
    pub action: String,
    /// When the action is due (`YYYY-MM-DD`, optional).
    pub action_due: String,
}

/// A supervision to record.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisionBody {
    /// `YYYY-MM-DD`, today or earlier.
    pub held_on: String,
    pub discussions: Vec<DiscussionBody>,
    /// Private to the worker, their line chain and HR.
    pub wellbeing: String,
    pub development: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecordedSupervision {
    pub id: Uuid,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/supervisions", params(("id" = Uuid, Path)), request_body = SupervisionBody, responses((status = 201, body = RecordedSupervision), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, Json<RecordedSupervision>), ApiError> {
    me.authorize_staff(&state, id).await?;
    let b: SupervisionBody = json(&body)?;
    let form = SupervisionForm {
        held_on: b.held_on,
        discussions: b.discussions.into_iter().map(|d| DiscussionForm { case_id: d.case_id, reflection: d.reflection, decision: d.decision, action: d.action, action_due: d.action_due }).collect(),
        wellbeing: b.wellbeing,
        development: b.development,
    };
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let s = form.validate(record.start_date, today()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    let supervisor = NamedRef { id: me.id(), name: me.principal.name.clone() };
    let sid = people::record(&state.store, &me.audit, id, &supervisor, &s).await?;
    Ok((StatusCode::CREATED, Json(RecordedSupervision { id: sid })))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AcknowledgementBody {
    /// Anything the worker sees differently (optional).
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/supervisions/{supervision}/acknowledge", params(("id" = Uuid, Path), ("supervision" = Uuid, Path)), request_body = Option<AcknowledgementBody>, responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn acknowledge(State(state): State<AppState>, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>, body: String) -> Result<StatusCode, ApiError> {
    acknowledge_of(&state, &me, id, supervision, &body).await
}

/// Acknowledges a supervision by its id alone.
#[utoipa::path(post, path = "/api/v1/supervisions/{id}/acknowledge", params(("id" = Uuid, Path)), request_body = Option<AcknowledgementBody>, responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn acknowledge_by_id(State(state): State<AppState>, me: Ctx, Path(supervision): Path<Uuid>, body: String) -> Result<StatusCode, ApiError> {
    let worker = people::worker_of(&state.store, supervision).await?;
    acknowledge_of(&state, &me, worker, supervision, &body).await
}

async fn acknowledge_of(state: &AppState, me: &Ctx, id: Uuid, supervision: Uuid, body: &str) -> Result<StatusCode, ApiError> {
    me.authorize_staff(state, id).await?;
    let b: AcknowledgementBody = if body.trim().is_empty() { AcknowledgementBody::default() } else { json(body)? };
    let comment = hearth_domain::text::optional("comment", "your comment", &b.comment, 2_000).map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    people::acknowledge(&state.store, &me.audit, id, supervision, &comment).await?;
    Ok(StatusCode::NO_CONTENT)
}
