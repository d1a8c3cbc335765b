//! Group supervision and reflective practice under the team (`/teams/{id}/group-sessions`): the
//! list, recording a session (its kind, theme, who came and the group's notes) and one session.
//! The route table cannot type a team, so each handler checks the caller's standing to it.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::group::{SessionForm, SessionKind};
use hearth_store::StoreError;
use hearth_store::org::{self, Members, TeamSummary};
use hearth_store::people::group::{self as store, Session};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::meetings::ListQuery;
use crate::components::{Choices, DateInput, Input, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

async fn team_for(state: &AppState, me: &Ctx, id: Uuid) -> Result<TeamSummary, AppError> {
    let team = org::team(&state.store, id).await?;
    me.authorize_team(state, team.id, team.service_area.id)
        .await?;
    Ok(team)
}

#[derive(Template)]
#[template(path = "people/group_sessions.html")]
struct ListPage {
    shell: Shell,
    team: TeamSummary,
    /// (id, held, kind, theme, led by, how many came)
    rows: Vec<(Uuid, String, &'static str, String, String, i64)>,
    can_record: bool,
    page: i64,
    pages: i64,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let page = store::list_for_team(
        &state.store,
        id,
        hearth_store::PageRequest::new(q.page, Some(25)),
    )
    .await?;
    let pages = page.last_page();
    Ok(render(&ListPage {
        shell: ctx.shell(format!("Group sessions – {}", team.name)),
        can_record: me.may_for_team(
            Permission::RecordGroupSession,
            team.id,
            team.service_area.id,
        ),
        rows: page
            .items
            .into_iter()
            .map(|s| {
                (
                    s.id,
                    long_date(s.held_on),
                    s.kind.label(),
                    s.theme,
                    s.facilitator.name,
                    s.attendees,
                )
            })
            .collect(),
        page: page.page,
        pages,
        team,
    }))
}

// ---- Recording a session ----

fn record_page(
    ctx: &PageCtx,
    team: &TeamSummary,
    members: &[org::Member],
    me: Uuid,
    f: &SessionForm,
    errors: &[FieldError],
) -> FormPage {
    let mut page = form_page(
        ctx,
        "Record a group session",
        format!("/teams/{}/group-sessions", team.id),
        errors,
    );
    page.back = format!("/teams/{}/group-sessions", team.id);
    page.caption = Some(team.name.clone());
    page.intro = Some("The team reads a group session's notes, as it reads its meetings: write what the group learned, not about one person or family. Cases are discussed in one-to-one supervision, where decisions reach the case file.".into());
    let kinds: Vec<(&str, &str)> = SessionKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    let held_on = if f.held_on.is_empty() && errors.is_empty() {
        today().to_string()
    } else {
        f.held_on.clone()
    };
    let people: Vec<(String, String)> = members
        .iter()
        .filter(|m| m.id != me)
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect();
    let people: Vec<(&str, &str)> = people
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    page.fields = vec![
        Choices::new(
            true,
            "kind",
            "Kind of session",
            &kinds,
            std::slice::from_ref(&f.kind),
        )
        .errors(errors)
        .to_string(),
        DateInput::new("held_on", "Date held")
            .value(&held_on)
            .errors(errors)
            .to_string(),
        Input::text("theme", "Theme")
            .hint("For example, hearing the quieter child in a sibling group.")
            .value(&f.theme)
            .errors(errors)
            .to_string(),
        Choices::new(false, "attendees", "Who came", &people, &f.attendees)
            .hint("Two or more of the team. You lead it, so you are not one of them.")
            .errors(errors)
            .to_string(),
        Textarea::new("notes", "What the group learned (optional)")
            .rows(6)
            .value(&f.notes)
            .errors(errors)
            .to_string(),
    ];
    page.button = "Save the session".into();
    page
}

pub async fn record_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let members = org::members(&state.store, Members::Team(id)).await?;
    Ok(show(
        &record_page(&ctx, &team, &members, me.id(), &SessionForm::default(), &[]),
        &[],
    ))
}

pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<SessionForm>,
) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let members = org::members(&state.store, Members::Team(id)).await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let errors = match f.validate(&ids, me.id(), today()) {
        Ok(d) => match store::record(&state.store, &me.audit, id, me.id(), &d).await {
            Ok(session) => {
                return Ok(crate::saved::redirect(
                    &state,
                    &format!("/teams/{id}/group-sessions/{session}"),
                    crate::saved::Saved::GroupSessionRecorded,
                ));
            }
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(
        &record_page(&ctx, &team, &members, me.id(), &f, &errors),
        &errors,
    ))
}

// ---- One session ----

#[derive(Template)]
#[template(path = "people/group_session.html")]
struct SessionPage {
    shell: Shell,
    team: TeamSummary,
    s: Session,
    held_on: String,
}

pub async fn view(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path((id, session)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let s = store::view(&state.store, &me.audit, id, session).await?;
    Ok(render(&SessionPage {
        shell: ctx.shell(format!("{} on {}", s.kind.label(), long_date(s.held_on))),
        held_on: long_date(s.held_on),
        team,
        s,
    }))
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct SessionItem {
    pub id: Uuid,
    /// `group_supervision` or `reflective_practice`.
    pub kind: String,
    pub held_on: String,
    pub theme: String,
    pub facilitator: String,
    pub attendees: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SessionPageBody {
    pub items: Vec<SessionItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/teams/{id}/group-sessions", params(("id" = Uuid, Path), ListQuery), responses((status = 200, body = SessionPageBody), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(
    State(state): State<AppState>,
    me: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<ListQuery>,
) -> Result<Json<SessionPageBody>, ApiError> {
    team_for(&state, &me, id).await?;
    let request = crate::api::page_request(q.page, q.per_page)?;
    let page = store::list_for_team(&state.store, id, request).await?;
    Ok(Json(SessionPageBody {
        items: page
            .items
            .into_iter()
            .map(|s| SessionItem {
                id: s.id,
                kind: s.kind.code().into(),
                held_on: s.held_on.to_string(),
                theme: s.theme,
                facilitator: s.facilitator.name,
                attendees: s.attendees,
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
