//! Team meetings under the team (`/teams/{id}/meetings`): the list, recording one (everyone's
//! attendance, the agenda, actions with owners) and one meeting. The route table cannot type a
//! team, so each handler checks the caller's standing to it.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::meetings::{ACTION_ROWS, ActionForm, Attendance, MeetingForm, action_field, member_field, office_share};
use hearth_store::org::{self, Members, TeamSummary};
use hearth_store::people::meetings::{self as store, Meeting};
use hearth_store::{PageRequest, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::components::{Choices, DateInput, Input, Select, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Fields, Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

async fn team_for(state: &AppState, me: &Ctx, id: Uuid) -> Result<TeamSummary, AppError> {
    let team = org::team(&state.store, id).await?;
    me.authorize_team(state, team.id, team.service_area.id).await?;
    Ok(team)
}

/// The last meeting in words, for My People: "3 November 2026: 8 of 12 in the office (67%)".
pub async fn last_meeting(state: &AppState, team: Uuid) -> Result<Option<String>, AppError> {
    Ok(store::latest(&state.store, team).await?.map(|m| {
        let n = m.in_office + m.remote + m.absent;
        let share = (n > 0).then(|| (m.in_office * 100 + n / 2) / n).map(|p| format!(" ({p}%)")).unwrap_or_default();
        format!("{}: {} of {n} in the office{share}", long_date(m.held_on), m.in_office)
    }))
}

#[derive(Template)]
#[template(path = "people/meetings.html")]
struct ListPage {
    shell: Shell,
    team: TeamSummary,
    /// (id, held, office, in the office, remote, absent, actions)
    rows: Vec<(Uuid, String, String, i64, i64, i64, i64)>,
    can_record: bool,
    page: i64,
    pages: i64,
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 25).
    pub per_page: Option<i64>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let page = store::list_for_team(&state.store, id, PageRequest::new(q.page, Some(25))).await?;
    Ok(render(&ListPage {
        shell: ctx.shell(format!("Team meetings – {}", team.name)),
        can_record: me.may_for_team(Permission::RecordTeamMeeting, team.id, team.service_area.id),
        rows: page.items.iter().map(|m| (m.id, long_date(m.held_on), m.office.clone().unwrap_or_else(|| "Online".into()), m.in_office, m.remote, m.absent, m.actions)).collect(),
        page: page.page,
        pages: page.last_page(),
        team,
    }))
}

// ---- Recording a meeting ----

fn form_of(f: &Fields, members: &[org::Member]) -> MeetingForm {
    MeetingForm {
        held_on: f.text("held_on").into(),
        office: f.text("office").into(),
        agenda: f.text("agenda").into(),
        attendance: members.iter().map(|m| (m.id, f.text(&member_field("attendance", m.id)).to_string(), f.text(&member_field("reason", m.id)).to_string())).collect(),
        actions: (1..=ACTION_ROWS).map(|i| ActionForm { title: f.text(&action_field("action", i)).into(), owner: f.text(&action_field("owner", i)).into(), due_on: f.text(&action_field("due_on", i)).into() }).collect(),
    }
}

async fn record_page(state: &AppState, ctx: &PageCtx, team: &TeamSummary, members: &[org::Member], f: &Fields, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let offices: Vec<(String, String)> = org::offices(&state.store).await?.into_iter().filter(|o| o.service_area.id == team.service_area.id).map(|o| (o.id.to_string(), o.name)).collect();
    let mut page = form_page(ctx, "Record a team meeting", format!("/teams/{}/meetings", team.id), errors);
    page.back = format!("/teams/{}/meetings", team.id);
    page.caption = Some(team.name.clone());
    let held_on = if f.text("held_on").is_empty() && errors.is_empty() { today().to_string() } else { f.text("held_on").to_string() };
    let office = if f.text("office").is_empty() && errors.is_empty() { team.office.as_ref().map(|o| o.id.to_string()).unwrap_or_default() } else { f.text("office").to_string() };
    let mut fields = vec![
        DateInput::new("held_on", "Date held").value(&held_on).errors(errors).to_string(),
        Select::new("office", "Office", Some("Online only"), &offices, &office).errors(errors).to_string(),
        Textarea::new("agenda", "Agenda").hint("One item a line.").rows(5).value(f.text("agenda")).errors(errors).to_string(),
        "<h2 class=\"govuk-heading-m\">Who took part</h2>".to_string(),
    ];
    let options: Vec<(&str, &str)> = Attendance::ALL.iter().map(|a| (a.code(), a.label())).collect();
    for m in members {
        let field = member_field("attendance", m.id);
        let mut c = Choices::new(true, &field, &m.name, &options, &[f.text(&field).to_string()]).errors(errors);
        c.legend_classes = "govuk-fieldset__legend--s".into();
        c = c.reveal(Attendance::Absent.code(), Input::text(&member_field("reason", m.id), &format!("Why {} was absent", m.name)).value(f.text(&member_field("reason", m.id))).errors(errors).to_string());
        fields.push(c.to_string());
    }
    fields.push("<h2 class=\"govuk-heading-m\">Actions (optional)</h2>".to_string());
    let owners: Vec<(String, String)> = members.iter().map(|m| (m.id.to_string(), m.name.clone())).collect();
    for i in 1..=ACTION_ROWS {
        fields.push(Input::text(&action_field("action", i), &format!("Action {i}")).value(f.text(&action_field("action", i))).errors(errors).to_string());
        fields.push(Select::new(&action_field("owner", i), &format!("Who owns action {i}"), Some("Choose"), &owners, f.text(&action_field("owner", i))).errors(errors).to_string());
        fields.push(DateInput::new(&action_field("due_on", i), &format!("Action {i} due by (optional)")).value(f.text(&action_field("due_on", i))).errors(errors).to_string());
    }
    page.fields = fields;
    page.button = "Save the meeting".into();
    Ok(page)
}

pub async fn record_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let members = org::members(&state.store, Members::Team(id)).await?;
    Ok(show(&record_page(&state, &ctx, &team, &members, &Fields::default(), &[]).await?, &[]))
}

pub async fn record(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let members = org::members(&state.store, Members::Team(id)).await?;
    let offices: Vec<Uuid> = org::offices(&state.store).await?.into_iter().filter(|o| o.service_area.id == team.service_area.id).map(|o| o.id).collect();
    let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let errors = match form_of(&f, &members).validate(&ids, &offices, today()) {
        Ok(d) => match store::record(&state.store, &me.audit, id, Some(me.id()), &d).await {
            Ok(meeting) => return Ok(crate::saved::redirect(&state, &format!("/teams/{id}/meetings/{meeting}"), crate::saved::Saved::MeetingRecorded)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    // Each attendance message names its person.
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            if let Some(m) = e.field.split_once('-').and_then(|(_, id)| members.iter().find(|m| m.id.to_string() == id)) {
                e.message = format!("{} ({})", e.message, m.name);
            }
            e
        })
        .collect();
    Ok(show(&record_page(&state, &ctx, &team, &members, &f, &errors).await?, &errors))
}

// ---- One meeting ----

#[derive(Template)]
#[template(path = "people/meeting.html")]
struct MeetingPage {
    shell: Shell,
    team: TeamSummary,
    m: Meeting,
    held_on: String,
    share: String,
    /// (title, owner, due)
    actions: Vec<(String, String, String)>,
}

pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, meeting)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    let team = team_for(&state, &me, id).await?;
    let m = store::view(&state.store, id, meeting).await?;
    let attendance: Vec<Attendance> = m.attendees.iter().map(|a| a.attendance).collect();
    Ok(render(&MeetingPage {
        shell: ctx.shell(format!("Team meeting on {}", long_date(m.held_on))),
        held_on: long_date(m.held_on),
        share: office_share(&attendance).map(|p| format!("{p}% of the team in the office")).unwrap_or_default(),
        actions: m.actions.iter().map(|a| (a.title.clone(), a.owner.name.clone(), a.due_on.map(long_date).unwrap_or_else(|| "No date".into()))).collect(),
        team,
        m,
    }))
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct MeetingItem {
    pub id: Uuid,
    pub held_on: String,
    pub office: Option<String>,
    pub in_office: i64,
    pub remote: i64,
    pub absent: i64,
    pub actions: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingPageBody {
    pub items: Vec<MeetingItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/teams/{id}/meetings", params(("id" = Uuid, Path), ListQuery), responses((status = 200, body = MeetingPageBody), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<ListQuery>) -> Result<Json<MeetingPageBody>, ApiError> {
    team_for(&state, &me, id).await?;
    let request = crate::api::page_request(q.page, q.per_page)?;
    let page = store::list_for_team(&state.store, id, request).await?;
    Ok(Json(MeetingPageBody {
        items: page.items.into_iter().map(|m| MeetingItem { id: m.id, held_on: m.held_on.to_string(), office: m.office, in_office: m.in_office, remote: m.remote, absent: m.absent, actions: m.actions }).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
