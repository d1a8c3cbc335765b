//! Quality on the web: a worker's earned autonomy per work type with what moved it, and a
//! manager's revocation or reset. Only the worker and the managers above them see it.

pub mod insight;
pub mod samples;

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::quality::WorkType;
use hearth_store::quality::{self, AutonomyEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dates::long_date;
use crate::components::{Select, Tag, Textarea};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// One line of a worker's history, as people read it.
pub struct HistoryRow {
    pub at: String,
    pub work_type: String,
    pub what: String,
    pub change: Option<Tag>,
    pub reason: String,
    pub by: String,
    pub work: Option<Uuid>,
}

fn history_row(e: &AutonomyEntry) -> HistoryRow {
    let what = match (e.event.as_str(), e.grade) {
        ("graded", Some(g)) if e.sample_id.is_some() => format!("Graded {} in a dip sample", g.label().to_lowercase()),
        ("graded", Some(g)) => format!("Graded {} at sign-off", g.label().to_lowercase()),
        ("revoked", _) => "Authority revoked".into(),
        ("reset", _) => "Count reset".into(),
        (other, _) => other.into(),
    };
    HistoryRow {
        at: long_date(e.at.date()),
        work_type: e.work_type.label().into(),
        what,
        change: e.change.map(|c| Tag::new(c.label(), if c == hearth_domain::quality::AutonomyChange::Granted { "green" } else { "red" })),
        reason: e.reason.clone().unwrap_or_default(),
        by: e.by.as_ref().map(|b| b.name.clone()).unwrap_or_else(|| "Hearth".into()),
        work: e.work_id,
    }
}

#[derive(Template)]
#[template(path = "quality/autonomy.html")]
struct AutonomyPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    rows: Vec<(String, String, Tag)>,
    history: Vec<HistoryRow>,
    can_manage: bool,
}

/// The caller's own standing: a stable link for the home page and the worker's bookmarks.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/autonomy", me.id())).into_response()
}

pub async fn autonomy(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let (standing, history) = tokio::try_join!(quality::standing(&state.store, id), quality::history(&state.store, id, 200))?;
    let settings = &state.config.autonomy;
    let rows = standing
        .iter()
        .map(|(t, a)| (t.label().to_string(), a.describe(*t, settings), if a.authorised { Tag::new("Files without sign-off", "green") } else { Tag::new("Needs sign-off", "grey") }))
        .collect();
    let can_manage = me.may_for_staff(&state, Permission::ManageAutonomy, id).await;
    Ok(render(&AutonomyPage {
        shell: ctx.shell(format!("Earned autonomy – {}", record.name)),
        id,
        own: id == me.id(),
        name: record.name,
        rows,
        history: history.iter().map(history_row).collect(),
        can_manage,
    }))
}

/// Revoking and resetting share one form: a work type and a reason.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Revoke,
    Reset,
}

/// The one form revoking and resetting share.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    work_type: String,
    reason: String,
}

async fn action_page(state: &AppState, ctx: &PageCtx, id: Uuid, action: Action, f: &ActionForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let standing = quality::standing(&state.store, id).await?;
    let (heading, path) = match action {
        Action::Revoke => (format!("Revoke {}’s autonomy", record.name), "revoke"),
        Action::Reset => (format!("Reset {}’s autonomy count", record.name), "reset"),
    };
    let mut page = form_page(ctx, &heading, format!("/staff/{id}/autonomy/{path}"), errors);
    page.back = format!("/staff/{id}/autonomy");
    let types: Vec<(String, String)> = standing
        .iter()
        .filter(|(_, a)| action == Action::Reset || a.authorised)
        .map(|(t, a)| (t.code().to_string(), format!("{} – {}", t.label(), a.describe(*t, &state.config.autonomy))))
        .collect();
    page.intro = Some(match action {
        Action::Revoke => "They will need sign-off for this work type again until they earn it back. They see your reason.".into(),
        Action::Reset => "For someone back from a long absence: any authority in this work type ends and the count starts again. They see your reason.".into(),
    });
    page.fields = vec![
        Select::new("work_type", "Work type", Some("Choose a work type"), &types, &f.work_type).errors(errors).to_string(),
        Textarea::new("reason", "Reason").rows(3).value(&f.reason).errors(errors).to_string(),
    ];
    page.button = match action {
        Action::Revoke => "Revoke autonomy",
        Action::Reset => "Reset the count",
    }
    .into();
    page.warning = true;
    Ok(page)
}

async fn act(state: AppState, ctx: PageCtx, me: Ctx, id: Uuid, action: Action, f: ActionForm) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let mut errors = vec![];
    let work_type = WorkType::from_code(&f.work_type);
    if work_type.is_none() {
        errors.push(FieldError::new("work_type", "Choose a work type"));
    }
    let reason = hearth_domain::text::required("reason", "the reason", &f.reason, 1_000);
    if let Err(e) = &reason {
        errors.push(e.clone());
    }
    if let (Some(t), Ok(reason)) = (work_type, &reason) {
        let settings = &state.config.autonomy;
        let done = match action {
            Action::Revoke => quality::revoke(&state.store, &me.audit, id, t, reason, settings).await,
            Action::Reset => quality::reset(&state.store, &me.audit, id, t, reason, settings).await,
        };
        match done {
            Ok(()) => return Ok(Redirect::to(&format!("/staff/{id}/autonomy")).into_response()),
            Err(hearth_store::StoreError::Refused(e)) => errors.push(e),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(show(&action_page(&state, &ctx, id, action, &f, &errors).await?, &errors))
}

pub async fn revoke_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    Ok(show(&action_page(&state, &ctx, id, Action::Revoke, &ActionForm::default(), &[]).await?, &[]))
}

pub async fn revoke(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    act(state, ctx, me, id, Action::Revoke, f).await
}

pub async fn reset_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    Ok(show(&action_page(&state, &ctx, id, Action::Reset, &ActionForm::default(), &[]).await?, &[]))
}

pub async fn reset(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ActionForm>) -> Result<Response, AppError> {
    act(state, ctx, me, id, Action::Reset, f).await
}

/// A worker's standing in one work type.
#[derive(Serialize, ToSchema)]
pub struct Standing {
    pub work_type: String,
    pub authorised: bool,
    /// Good-or-better pieces in a row since the count last started.
    pub streak: u32,
    pub needed: u32,
    /// As the worker reads it: "2 of 3 towards section 7 report autonomy".
    pub description: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    pub at: String,
    pub work_type: String,
    /// `graded`, `revoked` or `reset`.
    pub event: String,
    pub grade: Option<String>,
    /// `granted`, `lost`, `revoked` or `reset`, when authority changed.
    pub change: Option<String>,
    pub reason: Option<String>,
    pub by: Option<Uuid>,
    pub work_id: Option<Uuid>,
    pub sample_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct AutonomyRecord {
    pub staff_id: Uuid,
    pub standing: Vec<Standing>,
    pub history: Vec<HistoryEntry>,
}

/// A worker's earned autonomy in each work type and what moved it, newest first. Only the worker
/// and the managers above them may read it.
#[utoipa::path(get, path = "/api/v1/staff/{id}/autonomy", params(("id" = Uuid, Path)), responses((status = 200, body = AutonomyRecord), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_autonomy(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<AutonomyRecord>, ApiError> {
    me.authorize_staff(&state, id).await?;
    hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let (standing, history) = tokio::try_join!(quality::standing(&state.store, id), quality::history(&state.store, id, 500))?;
    let settings = &state.config.autonomy;
    Ok(Json(AutonomyRecord {
        staff_id: id,
        standing: standing
            .iter()
            .map(|(t, a)| Standing { work_type: t.code().into(), authorised: a.authorised, streak: a.streak, needed: settings.pieces_to_earn, description: a.describe(*t, settings) })
            .collect(),
        history: history
            .into_iter()
            .map(|e| HistoryEntry {
                at: hearth_store::ts(e.at),
                work_type: e.work_type.code().into(),
                event: e.event,
                grade: e.grade.map(|g| g.code().into()),
                change: e.change.map(|c| c.code().into()),
                reason: e.reason,
                by: e.by.map(|b| b.id),
                work_id: e.work_id,
                sample_id: e.sample_id,
            })
            .collect(),
    }))
}
