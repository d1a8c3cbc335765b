//! Directory, staff record and org structure pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_domain::access::Permission;
use hearth_domain::org::Role;
use hearth_store::org::{self, DirectoryQuery};
use hearth_store::{PageRequest, StoreError};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{Cell, Input, Pagination, Select, SummaryList, SummaryRow, Table, Tag};
use crate::page::{PageCtx, Shell, render, url_encode};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// Where a colleague's name leads: straight to their full record for those who may read
/// everyone's (HR, the national roles), otherwise to their directory card, which links on to the
/// record when the reader may open it. Never to a page the reader would be refused.
pub fn person_href(me: &Ctx, id: Uuid) -> String {
    if hearth_domain::access::permits_nationally(&me.principal.roles, Permission::ViewStaffRecord) { format!("/staff/{id}") } else { format!("/staff/{id}/card") }
}

#[derive(Deserialize, Default)]
pub struct DirectoryParams {
    pub q: Option<String>,
    pub team: Option<String>,
    pub role: Option<String>,
    pub leavers: Option<String>,
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "org/directory.html")]
struct DirectoryPage {
    shell: Shell,
    search: Input,
    team: Select,
    role: Select,
    total: i64,
    table: Table,
    pagination: Option<Pagination>,
    can_add: bool,
}

pub async fn directory(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(p): Query<DirectoryParams>) -> Result<Response, AppError> {
    let team_id = p.team.as_deref().and_then(|t| Uuid::parse_str(t).ok());
    let role = p.role.as_deref().and_then(Role::from_code);
    let query = DirectoryQuery { text: p.q.clone(), team_id, role, include_leavers: p.leavers.is_some() };
    let page = org::directory(&state.store, &query, PageRequest::new(p.page, Some(25))).await?;
    let teams: Vec<(String, String)> =
        org::teams(&state.store, None).await?.into_iter().map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name))).collect();
    let roles: Vec<(String, String)> = Role::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect();
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Name"), Cell::text("Team"), Cell::text("Roles"), Cell::text("Email")],
        rows: page
            .items
            .iter()
            .map(|e| {
                let mut name = e.name.clone();
                if e.status == hearth_domain::org::StaffStatus::Left {
                    name.push_str(" (left)");
                }
                vec![
                    Cell::link(name, person_href(&me, e.id)),
                    match &e.team {
                        Some(t) => Cell::link(&t.name, format!("/org/teams/{}", t.id)),
                        None => Cell::text("No team"),
                    },
                    Cell::text(e.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")),
                    Cell::text(&e.email),
                ]
            })
            .collect(),
    };
    let base = format!(
        "/staff?q={}&team={}&role={}{}",
        url_encode(p.q.as_deref().unwrap_or("")),
        team_id.map(|t| t.to_string()).unwrap_or_default(),
        role.map(|r| r.code()).unwrap_or(""),
        if query.include_leavers { "&leavers=1" } else { "" }
    );
    let last = page.last_page();
    Ok(render(&DirectoryPage {
        shell: ctx.shell("Staff directory"),
        search: Input::text("q", "Name or email").value(p.q.as_deref().unwrap_or("")).no_spellcheck(),
        team: Select::new("team", "Team", Some("All teams"), &teams, &team_id.map(|t| t.to_string()).unwrap_or_default()),
        role: Select::new("role", "Role", Some("All roles"), &roles, role.map(|r| r.code()).unwrap_or("")),
        total: page.total,
        table,
        pagination: Pagination::around(page.page, last, |n| format!("{base}&page={n}")),
        can_add: me.can(Permission::ManageStaff),
    }))
}

#[derive(Template)]
#[template(path = "org/card.html")]
struct CardPage {
    shell: Shell,
    name: String,
    left: bool,
    summary: SummaryList,
    record: Option<String>,
}

/// A colleague's directory card, for anyone signed in.
pub async fn card(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let c = org::directory_card(&state.store, id).await?;
    let e = &c.entry;
    let named = |r: &Option<hearth_store::org::NamedRef>, none: &str| r.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| none.into());
    let mut team = SummaryRow::new("Team", named(&e.team, "No team"));
    if let Some(t) = &e.team {
        team = team.link(format!("/org/teams/{}", t.id));
    }
    let summary = SummaryList {
        rows: vec![
            SummaryRow::new("Roles", e.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")),
            team,
            SummaryRow::new("Service area", named(&e.service_area, "None")),
            SummaryRow::new("Office", named(&c.office, "No office")),
            SummaryRow::new("Work email", &e.email).link(format!("mailto:{}", e.email)),
        ],
    };
    let record = me.may_for_staff(&state, Permission::ViewStaffRecord, id).await.then(|| format!("/staff/{id}"));
    Ok(render(&CardPage { shell: ctx.shell(e.name.clone()), name: e.name.clone(), left: e.status == hearth_domain::org::StaffStatus::Left, summary, record }))
}

#[derive(Template)]
#[template(path = "org/record.html")]
struct RecordPage {
    shell: Shell,
    name: String,
    status: Tag,
    summary: SummaryList,
    can_view_audit: bool,
    /// They have not chosen a password yet: offer a new invitation link.
    invite: bool,
    id: Uuid,
    /// Their other records the reader may open: (path, words).
    records: Vec<(String, &'static str)>,
}

pub async fn record(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let r = org::view_staff_record(&state.store, &me.audit, id).await?;
    let manage = me.may_for_staff(&state, Permission::ManageStaff, id).await && r.status == hearth_domain::org::StaffStatus::Active;
    let roles_ok = me.may_for_staff(&state, Permission::ManageRoles, id).await && r.status == hearth_domain::org::StaffStatus::Active;
    let mfa_ok = me.may_for_staff(&state, Permission::ResetMfa, id).await && r.status == hearth_domain::org::StaffStatus::Active;
    let date = |d: time::Date| format!("{} {} {}", d.day(), d.month(), d.year());
    let mut rows = vec![SummaryRow::new("Email", &r.email)];
    let mut roles = SummaryRow::new("Roles", r.roles.iter().map(|x| x.label()).collect::<Vec<_>>().join(", "));
    if roles_ok {
        roles = roles.action(format!("/admin/staff/{id}/roles"), "Change", "roles");
    }
    rows.push(roles);
    let mut team = SummaryRow::new("Team", r.team.as_ref().map(|t| t.name.clone()).unwrap_or_else(|| "No team".into()));
    if let Some(t) = &r.team {
        team = team.link(format!("/org/teams/{}", t.id));
    }
    if manage {
        team = team.action(format!("/admin/staff/{id}/move"), "Change", "team and line manager");
    }
    rows.push(team);
    rows.push(SummaryRow::new("Service area", r.service_area.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "None".into())));
    let mut manager = SummaryRow::new("Line manager", r.line_manager.as_ref().map(|m| m.name.clone()).unwrap_or_else(|| "None".into()));
    if let Some(m) = &r.line_manager {
        manager = manager.link(person_href(&me, m.id));
    }
    rows.push(manager);
    rows.push(SummaryRow::new("FTE", r.fte.to_string()));
    rows.push(SummaryRow::new("Contract", r.contract.label()));
    rows.push(SummaryRow::new("Start date", date(r.start_date)));
    rows.push(SummaryRow::new("Qualified as a social worker", r.qualified_date.map(date).unwrap_or_else(|| "Not recorded".into())));
    rows.push(SummaryRow::new(
        "Skills",
        if r.skills.is_empty() { "None recorded".to_string() } else { r.skills.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ") },
    ));
    let mut mfa = SummaryRow::new("Authenticator app", if r.mfa_enrolled { "Set up" } else { "Not set up yet" });
    if mfa_ok && r.mfa_enrolled {
        mfa = mfa.action(format!("/admin/staff/{id}/mfa-reset"), "Reset", "authenticator app");
    }
    rows.push(mfa);
    // Someone added but not yet signed in: whoever manages staff can give them a new first link.
    // Only for someone whose roles the reader may give: the link hands over the account.
    let invite = manage
        && hearth_domain::org::may_change_roles(Some(&me.principal.roles), &[], &r.roles).is_ok()
        && !hearth_store::auth::has_password(&state.store, id).await?;
    if let Some(left) = r.left_on {
        rows.push(SummaryRow::new("Left on", date(left)));
    } else if manage {
        rows.push(SummaryRow::new("Leaving", "Still works here").action(format!("/admin/staff/{id}/leaver"), "Record", "that they have left"));
    }
    // Their other records, each only if the reader may open it: never a link to a refusal.
    let mut records = vec![];
    for (permission, path, words) in [
        (Permission::ViewWorkload, "workload", "Workload"),
        (Permission::ViewSupervision, "supervisions", "Supervision"),
        (Permission::ViewTraining, "training", "Training and policies"),
        (Permission::ViewInduction, "induction", "Induction"),
        (Permission::ViewAppraisal, "appraisals", "Appraisal"),
        (Permission::ViewLeave, "leave", "Leave"),
        (Permission::ViewSickness, "sickness", "Sickness"),
        (Permission::ViewImprovementPlan, "improvement-plans", "Improvement plans"),
    ] {
        if me.may_for_staff(&state, permission, id).await {
            records.push((format!("/staff/{id}/{path}"), words));
        }
    }
    let status = match r.status {
        hearth_domain::org::StaffStatus::Active => Tag::new("Active", "green"),
        hearth_domain::org::StaffStatus::Left => Tag::new("Left", "grey"),
    };
    Ok(render(&RecordPage {
        shell: ctx.shell(r.name.clone()),
        name: r.name,
        status,
        summary: SummaryList { rows },
        can_view_audit: me.can(Permission::ViewAudit),
        invite,
        id,
        records,
    }))
}

#[derive(Template)]
#[template(path = "org/list.html")]
struct ListPage {
    shell: Shell,
    heading: String,
    caption: Option<String>,
    back: Option<(String, String)>,
    intro: Option<String>,
    table: Table,
    /// Further pages about this, as (path, words): a team's meetings.
    links: Vec<(String, String)>,
}

pub async fn structure(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let areas = org::areas(&state.store).await?;
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Service area"), Cell::number("Teams"), Cell::number("Offices"), Cell::number("Staff")],
        rows: areas
            .iter()
            .map(|a| vec![Cell::link(&a.name, format!("/org/areas/{}", a.id)), Cell::number(a.teams), Cell::number(a.offices), Cell::number(a.staff)])
            .collect(),
    };
    let teams: i64 = areas.iter().map(|a| a.teams).sum();
    let staff: i64 = areas.iter().map(|a| a.staff).sum();
    Ok(render(&ListPage {
        shell: ctx.shell("Organisation"),
        heading: "Organisation".into(),
        caption: None,
        back: None,
        intro: Some(format!("{} service areas, {teams} teams and {staff} active staff. See also offices and courts.", areas.len())),
        table,
        links: vec![],
    }))
}

pub async fn area(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let area = org::area(&state.store, id).await?;
    let teams = org::teams(&state.store, Some(id)).await?;
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Team"), Cell::text("Office"), Cell::number("Staff")],
        rows: teams
            .iter()
            .map(|t| {
                vec![
                    Cell::link(&t.name, format!("/org/teams/{}", t.id)),
                    Cell::text(t.office.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "None".into())),
                    Cell::number(t.staff),
                ]
            })
            .collect(),
    };
    Ok(render(&ListPage {
        shell: ctx.shell(area.name.clone()),
        heading: area.name,
        caption: Some("Service area".into()),
        back: Some(("/org".into(), "All service areas".into())),
        intro: Some(format!("{} teams, {} offices, {} active staff.", area.teams, area.offices, area.staff)),
        table,
        links: vec![],
    }))
}

pub async fn team(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let team = org::team(&state.store, id).await?;
    let members = org::directory(&state.store, &DirectoryQuery { team_id: Some(id), ..Default::default() }, PageRequest::new(Some(1), Some(100))).await?;
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Name"), Cell::text("Roles")],
        rows: members
            .items
            .iter()
            .map(|m| vec![Cell::link(&m.name, person_href(&me, m.id)), Cell::text(m.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", "))])
            .collect(),
    };
    Ok(render(&ListPage {
        shell: ctx.shell(team.name.clone()),
        heading: team.name,
        caption: Some(team.service_area.name.clone()),
        back: Some((format!("/org/areas/{}", team.service_area.id), team.service_area.name)),
        intro: Some(format!(
            "{} active staff. Office: {}.",
            team.staff,
            team.office.map(|o| o.name).unwrap_or_else(|| "none".into())
        )),
        table,
        links: [(Permission::ViewTeamMeetings, "meetings", "Team meetings"), (Permission::ViewGroupSessions, "group-sessions", "Group supervision and reflective practice"), (Permission::ViewTeamLeave, "leave", "Leave calendar")]
            .into_iter()
            .filter(|(p, _, _)| me.may_for_team(*p, team.id, team.service_area.id))
            .map(|(_, path, label)| (format!("/teams/{}/{path}", team.id), label.to_string()))
            .collect(),
    }))
}

pub async fn offices(State(state): State<AppState>, ctx: PageCtx, me: crate::session::Ctx) -> Result<Response, AppError> {
    let offices = org::offices(&state.store).await?;
    // An office opens on its floor plan for those who draw them, and on its desks for everyone else.
    let plans = me.can(hearth_domain::access::Permission::ManageFloorPlans);
    let href = |id: uuid::Uuid| if plans { format!("/offices/{id}/floor-plan") } else { format!("/desks?office={id}") };
    let desks: i64 = offices.iter().map(|o| o.desks).sum();
    let staff: i64 = offices.iter().map(|o| o.staff).sum();
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Office"), Cell::text("Service area"), Cell::number("Desks"), Cell::number("Staff based here")],
        rows: offices
            .iter()
            .map(|o| vec![Cell::link(&o.name, href(o.id)), Cell::text(&o.service_area.name), Cell::number(o.desks), Cell::number(o.staff)])
            .collect(),
    };
    Ok(render(&ListPage {
        shell: ctx.shell("Offices"),
        heading: "Offices".into(),
        caption: None,
        back: Some(("/org".into(), "Organisation".into())),
        intro: Some(format!("{} offices with {desks} desks for {staff} staff: about 1 desk for every {} people.", offices.len(), if desks > 0 { staff / desks } else { 0 })),
        table,
        links: vec![],
    }))
}

pub async fn courts(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let courts = org::courts(&state.store).await?;
    let las = org::local_authorities(&state.store).await.map_err(|e: StoreError| AppError::from(e))?;
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Court"), Cell::text("Town"), Cell::text("Service area")],
        rows: courts.iter().map(|c| vec![Cell::text(&c.name), Cell::text(&c.town), Cell::text(&c.service_area)]).collect(),
    };
    Ok(render(&ListPage {
        shell: ctx.shell("Courts"),
        heading: "Family courts".into(),
        caption: None,
        back: Some(("/org".into(), "Organisation".into())),
        intro: Some(format!("{} family court hearing centres and {} local authorities in England.", courts.len(), las.len())),
        table,
        links: vec![],
    }))
}
