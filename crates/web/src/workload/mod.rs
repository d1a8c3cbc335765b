//! Workload on the web: My People (a team's snapshot), a person's workload with their cases'
//! weights, duties, case cap and time away, and the API for both. Allocation (suggestions,
//! batch plans, offers to the pool) is in the submodules.

pub mod allocation;
pub mod figures;
pub mod offers;
pub mod plans;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::{Permission, permits_nationally};
use hearth_domain::org::Role;
use hearth_domain::workload::{AbsenceKind, Band, DutyKind, Load, Points};
use hearth_store::org::TeamSummary;
use hearth_store::workload::{self, PersonRow, WorkerLoad};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dates::{long_date, today};
use crate::components::{DateInput, Input, Select, Tag};
use crate::error::{ApiError, Problem};
use crate::form::{FormPage, form_page, one_of, pairs, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// A band as a tag: its word in its colour, never colour alone.
pub fn band_tag(band: Band) -> Tag {
    Tag::new(band.label(), band.colour())
}

/// "72% · 72 of 100 points".
pub fn load_text(load: &Load) -> String {
    format!("{}% · {} of {} points", load.percent, load.points.display(), load.capacity.display())
}

/// The teams a caller may look at, for the team chooser: their own team, their area's teams,
/// or every team.
async fn teams_for(state: &AppState, me: &Ctx, permission: Permission) -> Result<Vec<TeamSummary>, AppError> {
    let p = &me.principal.placement;
    if permits_nationally(&me.principal.roles, permission) {
        return Ok(hearth_store::org::teams(&state.store, None).await?);
    }
    if me.principal.roles.contains(&Role::ServiceManager)
        && let Some(a) = p.service_area_id
    {
        return Ok(hearth_store::org::teams(&state.store, Some(a)).await?);
    }
    Ok(match p.team_id {
        Some(t) => vec![hearth_store::org::team(&state.store, t).await?],
        None => vec![],
    })
}

/// The team a page is about: the one asked for, or the caller's own (or their first), once the
/// caller is shown to be allowed to see it.
async fn chosen_team(state: &AppState, me: &Ctx, asked: Option<Uuid>, permission: Permission) -> Result<(TeamSummary, Vec<TeamSummary>), AppError> {
    let teams = teams_for(state, me, permission).await?;
    let id = match asked.or(me.principal.placement.team_id).or(teams.first().map(|t| t.id)) {
        Some(id) => id,
        None => return Err(AppError::NotFound),
    };
    let team = hearth_store::org::team(&state.store, id).await?;
    me.authorize_team(state, team.id, team.service_area.id).await?;
    Ok((team, teams))
}

// ---- My People ----

#[derive(Deserialize, Default)]
pub struct GridQuery {
    team: Option<Uuid>,
    /// For someone whose reach is the service: one area's teams.
    area: Option<Uuid>,
    /// `load` (the default, busiest first), `name`, `overdue` or `reports`.
    sort: Option<String>,
    /// A band code: only people in it.
    band: Option<String>,
}

struct PersonCard {
    id: Uuid,
    name: String,
    terms: String,
    band: Tag,
    load: String,
    bar: i64,
    open_cases: usize,
    overdue: i64,
    reports_due: usize,
    autonomy: String,
    samples: String,
    supervision: &'static str,
    leave: String,
    away_now: bool,
}

fn terms_text(w: &WorkerLoad) -> String {
    let mut t = format!("{}, {} FTE", w.member.contract.label(), w.member.fte);
    if w.newly_qualified {
        t.push_str(", newly qualified");
    }
    if let Some(cap) = w.case_cap {
        t.push_str(&format!(", up to {cap} cases"));
    }
    t
}

fn leave_text(w: &WorkerLoad) -> String {
    match (&w.away_now, w.next_away()) {
        (Some(a), _) => format!("{} until {} (cases covered)", a.kind.label(), long_date(a.last)),
        (None, Some(a)) => format!("{} from {}", a.kind.label(), long_date(a.first)),
        (None, None) => "None booked".into(),
    }
}

fn card(row: &PersonRow) -> PersonCard {
    let w = &row.worker;
    // The count here; the person's autonomy page has each work type.
    let files = row.autonomy.iter().filter(|(_, a)| a.authorised).count();
    let towards = row.autonomy.iter().filter(|(_, a)| !a.authorised && a.streak > 0).count();
    let kinds = hearth_domain::quality::WorkType::ALL.len();
    let autonomy = match (files, towards) {
        (0, 0) => "Needs sign-off for everything".into(),
        (f, 0) => format!("Files {f} of {kinds} kinds"),
        (0, t) => format!("Working towards {t}"),
        (f, t) => format!("Files {f} of {kinds} kinds; working towards {t} more"),
    };
    PersonCard {
        id: w.member.id,
        name: w.member.name.clone(),
        terms: terms_text(w),
        band: band_tag(w.load.band),
        load: load_text(&w.load),
        bar: w.load.percent.clamp(0, 150),
        open_cases: w.cases.len(),
        overdue: row.overdue_tasks,
        reports_due: row.reports_due_2_weeks,
        autonomy,
        samples: match (row.samples_due, row.samples_overdue) {
            (0, _) => "None due".into(),
            (d, 0) => format!("{d} due"),
            (d, o) => format!("{d} due, {o} overdue"),
        },
        supervision: "Not recorded yet",
        leave: leave_text(w),
        away_now: w.away_now.is_some(),
    }
}

#[derive(Template)]
#[template(path = "workload/my_people.html")]
struct MyPeoplePage {
    shell: Shell,
    team: TeamSummary,
    teams: String,
    sorts: String,
    bands_filter: String,
    people: Vec<PersonCard>,
    bands: Vec<(Tag, usize)>,
    shown: usize,
    total: usize,
    can_allocate: bool,
    /// People who have left but still hold open cases: (id, name, cases).
    leavers: Vec<(Uuid, String, i64)>,
}

#[derive(Template)]
#[template(path = "workload/overview.html")]
struct OverviewPage {
    shell: Shell,
    heading: String,
    /// (link, name, (count, band) in band order, practitioners, waiting in the hub)
    rows: Vec<(String, String, Vec<(i64, &'static str)>, i64, i64)>,
    bands: Vec<Tag>,
    back: Option<String>,
    measured: String,
}

/// My People for someone whose people are the whole service (or a whole area) and who has no
/// team of their own: every area (or an area's teams) with its bands as last measured, each
/// leading down to a team's own My People.
async fn overview(state: &AppState, ctx: &PageCtx, me: &Ctx, area: Option<Uuid>) -> Result<Response, AppError> {
    use hearth_store::quality::insight::Reach;
    let reach = match area {
        Some(a) => {
            let mine = hearth_domain::access::Relationships { area: me.principal.placement.service_area_id == Some(a), ..Default::default() };
            if !me.may(Permission::ViewMyPeople, &mine) {
                return Err(me.refuse(state, "area", a).await?);
            }
            Reach::Area(a)
        }
        None => Reach::National,
    };
    let parts = workload::band_totals_within(&state.store, reach).await?;
    let link = |id: Uuid| match reach {
        Reach::National => format!("/my-people?area={id}"),
        _ => format!("/my-people?team={id}"),
    };
    let heading = match area {
        Some(a) => format!("My People: {}", hearth_store::org::area(&state.store, a).await?.name),
        None => "My People: the service".to_string(),
    };
    let oldest = parts.iter().filter_map(|(_, t)| t.oldest).min();
    Ok(render(&OverviewPage {
        shell: ctx.shell(heading.clone()),
        heading,
        rows: parts.iter().map(|(p, t)| (link(p.id), p.name.clone(), t.counts.iter().zip(Band::ALL).map(|(n, b)| (*n, b.label())).collect(), t.practitioners, t.hub_waiting)).collect(),
        bands: Band::ALL.iter().map(|b| band_tag(*b)).collect(),
        back: area.map(|_| "/my-people".to_string()),
        measured: oldest.map(crate::dates::long_time).unwrap_or_else(|| "not yet".into()),
    }))
}

pub async fn my_people(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<GridQuery>) -> Result<Response, AppError> {
    // Someone without a team whose people are the whole service starts from the service, not
    // from whichever team happens to come first.
    if q.team.is_none() && me.principal.placement.team_id.is_none() && (q.area.is_some() || hearth_domain::access::permits_nationally(&me.principal.roles, Permission::ViewMyPeople)) {
        return overview(&state, &ctx, &me, q.area).await;
    }
    let (team, teams) = chosen_team(&state, &me, q.team, Permission::ViewMyPeople).await?;
    let (rows, leavers) = tokio::try_join!(workload::my_people(&state.store, &state.config.workload, team.id, today()), hearth_store::cases::facts::held_by_leavers(&state.store, team.id))?;
    let leavers = leavers.into_iter().map(|(who, n)| (who.id, who.name, n)).collect();
    let bands = workload::band_counts(&rows.iter().map(|r| r.worker.clone()).collect::<Vec<_>>()).into_iter().map(|(b, n)| (band_tag(b), n)).collect();
    let total = rows.len();
    let band = q.band.as_deref().and_then(Band::from_code);
    let mut rows: Vec<&PersonRow> = rows.iter().filter(|r| band.is_none_or(|b| r.worker.load.band == b)).collect();
    let sort = q.sort.clone().unwrap_or_else(|| "load".into());
    match sort.as_str() {
        "name" => rows.sort_by(|a, b| a.worker.member.name.cmp(&b.worker.member.name)),
        "overdue" => rows.sort_by(|a, b| b.overdue_tasks.cmp(&a.overdue_tasks).then(a.worker.member.name.cmp(&b.worker.member.name))),
        "reports" => rows.sort_by(|a, b| b.reports_due_2_weeks.cmp(&a.reports_due_2_weeks).then(a.worker.member.name.cmp(&b.worker.member.name))),
        _ => {}
    }
    let team_options: Vec<(String, String)> = teams.iter().map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name))).collect();
    let sorts = [("load", "Load, busiest first"), ("name", "Name"), ("overdue", "Overdue tasks"), ("reports", "Reports due soonest")].map(|(a, b)| (a.to_string(), b.to_string()));
    let band_options: Vec<(String, String)> = Band::ALL.iter().map(|b| (b.code().to_string(), b.label().to_string())).collect();
    let people: Vec<PersonCard> = rows.iter().map(|r| card(r)).collect();
    let can_allocate = me.may_for_team(Permission::AllocateCase, team.id, team.service_area.id);
    Ok(render(&MyPeoplePage {
        shell: ctx.shell(format!("My People – {}", team.name)),
        teams: Select::new("team", "Team", None, &team_options, &team.id.to_string()).to_string(),
        sorts: Select::new("sort", "Sort by", None, &sorts, &sort).to_string(),
        bands_filter: Select::new("band", "Band", Some("Every band"), &band_options, q.band.as_deref().unwrap_or("")).to_string(),
        shown: people.len(),
        total,
        people,
        bands,
        team,
        can_allocate,
        leavers,
    }))
}

// ---- A person's workload ----

#[derive(Template)]
#[template(path = "workload/person.html")]
struct PersonPage {
    shell: Shell,
    own: bool,
    id: Uuid,
    name: String,
    terms: String,
    band: Tag,
    load: String,
    cases: Vec<(Uuid, String, String, String, String)>,
    duties: Vec<(Uuid, String, String, String)>,
    absences: Vec<(Uuid, String, String)>,
    away_now: Option<String>,
    can_manage: bool,
    can_record_absence: bool,
    can_move: bool,
    can_see_figures: bool,
}

pub async fn person(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let w = workload::worker_load(&state.store, &state.config.workload, id, today()).await?;
    let cases = w
        .cases
        .iter()
        .map(|c| {
            let factors = if c.weight.factors.is_empty() { "None".into() } else { c.weight.factors.iter().map(|f| format!("{} +{}%", f.label, f.percent)).collect::<Vec<_>>().join(", ") };
            (c.id, c.reference.clone(), c.weight.item.label().to_string(), factors, c.weight.points.display())
        })
        .collect();
    let (can_manage, can_record_absence) =
        (me.may_for_staff(&state, Permission::ManageWorkloadTerms, id).await, me.may_for_staff(&state, Permission::RecordAbsence, id).await);
    // A manager who allocates for their team can plan moving the cases of someone leaving or
    // long-term sick.
    let can_move = id != me.id() && !w.cases.is_empty() && me.may_for_staff(&state, Permission::AllocateCase, id).await;
    let can_see_figures = me.may_for_staff(&state, Permission::ViewAutonomy, id).await;
    Ok(render(&PersonPage {
        shell: ctx.shell(format!("Workload – {}", record.name)),
        own: id == me.id(),
        id,
        name: record.name,
        terms: terms_text(&w),
        band: band_tag(w.load.band),
        load: load_text(&w.load),
        cases,
        duties: w.duties.iter().map(|d| (d.id, d.kind.label().to_string(), d.points.display(), d.last.map(long_date).unwrap_or_else(|| "Ongoing".into()))).collect(),
        absences: w.absences.iter().map(|a| (a.id, a.kind.label().to_string(), format!("{} to {}", long_date(a.first), long_date(a.last)))).collect(),
        away_now: w.away_now.as_ref().map(|a| format!("{} until {}. Their cases show as covered and they are left out of allocation.", a.kind.label(), long_date(a.last))),
        can_manage,
        can_record_absence,
        can_move,
        can_see_figures,
    }))
}

/// The caller's own workload: a stable link for My Work.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/workload", me.id())).into_response()
}

// ---- Absences ----

fn absence_page(ctx: &PageCtx, id: Uuid, name: &str, p: &[(String, String)], errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Record time away", format!("/staff/{id}/absences"), errors);
    page.back = format!("/staff/{id}/workload");
    page.caption = Some(name.to_string());
    page.intro = Some("While someone is away they are left out of allocation, and their cases show as covered.".into());
    let kinds: Vec<(String, String)> = AbsenceKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect();
    page.fields = vec![
        Select::new("kind", "Kind of absence", Some("Choose one"), &kinds, &one_of(p, "kind")).errors(errors).to_string(),
        DateInput::new("first_day", "First day away").value(&one_of(p, "first_day")).errors(errors).to_string(),
        DateInput::new("last_day", "Last day away").value(&one_of(p, "last_day")).errors(errors).to_string(),
    ];
    page.button = "Record time away".into();
    page
}

pub async fn absence_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&absence_page(&ctx, id, &record.name, &[], &[]), &[]))
}

/// Reads an absence form: its kind and first and last days, in order.
pub fn parse_absence(p: &[(String, String)]) -> Result<(AbsenceKind, time::Date, time::Date), Vec<FieldError>> {
    let mut c = hearth_domain::Collect::default();
    let kind = c.keep(AbsenceKind::from_code(&one_of(p, "kind")).ok_or_else(|| FieldError::new("kind", "Choose the kind of absence")));
    let first = c.keep(hearth_domain::org::parse_date("first_day", "the first day away", &one_of(p, "first_day")));
    let last = c.keep(hearth_domain::org::parse_date("last_day", "the last day away", &one_of(p, "last_day")));
    if let (Some(a), Some(b)) = (first, last)
        && b < a
    {
        c.push(FieldError::new("last_day", "The last day away must be the same as or after the first day"));
    }
    match (kind, first, last) {
        (Some(k), Some(a), Some(b)) if c.is_empty() => Ok((k, a, b)),
        _ => Err(c.0),
    }
}

pub async fn record_absence(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let p = pairs(&body);
    let errors = match parse_absence(&p) {
        Ok((kind, first, last)) => match workload::record_absence(&state.store, &me.audit, id, kind, first, last).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#time-away"), crate::saved::Saved::TimeAwayRecorded)),
            Err(hearth_store::StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&absence_page(&ctx, id, &record.name, &p, &errors), &errors))
}

pub async fn cancel_absence(State(state): State<AppState>, me: Ctx, Path((id, absence)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    workload::cancel_absence(&state.store, &me.audit, id, absence).await?;
    Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#time-away"), crate::saved::Saved::TimeAwayCancelled))
}

// ---- Duties and the case cap ----

fn duty_page(ctx: &PageCtx, state: &AppState, id: Uuid, name: &str, p: &[(String, String)], errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Add a duty that takes capacity", format!("/staff/{id}/duties"), errors);
    page.back = format!("/staff/{id}/workload");
    page.caption = Some(name.to_string());
    let s = &state.config.workload;
    page.intro = Some(format!(
        "National figures: mentoring {} points, duty desk {}, training {}. Leave points empty to use them.",
        s.mentoring_points, s.duty_points, s.training_points
    ));
    let kinds: Vec<(String, String)> = DutyKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect();
    page.fields = vec![
        Select::new("kind", "Duty", Some("Choose one"), &kinds, &one_of(p, "kind")).errors(errors).to_string(),
        Input::text("points", "Points (optional)").inputmode("numeric").classes("govuk-input--width-4").value(&one_of(p, "points")).errors(errors).to_string(),
        DateInput::new("first_day", "From").value(&one_of(p, "first_day")).errors(errors).to_string(),
        DateInput::new("last_day", "Until (optional)").value(&one_of(p, "last_day")).errors(errors).to_string(),
    ];
    page.button = "Add the duty".into();
    page
}

pub async fn duty_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&duty_page(&ctx, &state, id, &record.name, &[], &[]), &[]))
}

pub async fn add_duty(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let p = pairs(&body);
    let mut c = hearth_domain::Collect::default();
    let kind = c.keep(DutyKind::from_code(&one_of(&p, "kind")).ok_or_else(|| FieldError::new("kind", "Choose the duty")));
    let points = match one_of(&p, "points").trim() {
        "" => Some(kind.map(|k| state.config.workload.duty_points(k))),
        v => c.keep(v.parse::<i64>().ok().filter(|n| (0..=100).contains(n)).map(|n| Some(Points::whole(n))).ok_or_else(|| FieldError::new("points", "Enter points as a whole number from 0 to 100"))),
    };
    let first = c.keep(hearth_domain::org::parse_date("first_day", "the day it starts", &one_of(&p, "first_day")));
    let last = match one_of(&p, "last_day").trim() {
        "" => Some(None),
        v => c.keep(hearth_domain::org::parse_date("last_day", "the day it ends", v).map(Some)),
    };
    if let (Some(a), Some(Some(b))) = (first, last)
        && b < a
    {
        c.push(FieldError::new("last_day", "The day it ends must be the same as or after the day it starts"));
    }
    if let (Some(k), Some(Some(pts)), Some(a), Some(b)) = (kind, points, first, last)
        && c.is_empty()
    {
        workload::add_duty(&state.store, &me.audit, id, k, pts, a, b).await?;
        return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#duties"), crate::saved::Saved::DutyRecorded));
    }
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&duty_page(&ctx, &state, id, &record.name, &p, &c.0), &c.0))
}

pub async fn end_duty(State(state): State<AppState>, me: Ctx, Path((id, duty)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    workload::end_duty(&state.store, &me.audit, id, duty, today()).await?;
    Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#duties"), crate::saved::Saved::DutyEnded))
}

fn cap_page(ctx: &PageCtx, state: &AppState, id: Uuid, name: &str, value: &str, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Contracted case threshold", format!("/staff/{id}/case-cap"), errors);
    page.back = format!("/staff/{id}/workload");
    page.caption = Some(name.to_string());
    page.intro = Some(format!(
        "The most cases they take at once under their contract. Leave it empty for the national figure: {} for associates, {} for bank staff, none for employed staff.",
        state.config.workload.associate_case_cap, state.config.workload.bank_case_cap
    ));
    page.fields = vec![Input::text("case_cap", "Cases").inputmode("numeric").classes("govuk-input--width-4").value(value).errors(errors).to_string()];
    page
}

pub async fn cap_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&cap_page(&ctx, &state, id, &record.name, "", &[]), &[]))
}

pub async fn set_cap(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let p = pairs(&body);
    let value = one_of(&p, "case_cap");
    let cap = match value.trim() {
        "" => Ok(None),
        v => v.parse::<i64>().ok().filter(|n| (0..=100).contains(n)).map(Some).ok_or_else(|| FieldError::new("case_cap", "Enter the number of cases as a whole number from 0 to 100")),
    };
    match cap {
        Ok(cap) => {
            workload::set_case_cap(&state.store, &me.audit, id, cap).await?;
            Ok(Redirect::to(&format!("/staff/{id}/workload")).into_response())
        }
        Err(e) => {
            let record = hearth_store::org::staff_record(&state.store, id).await?;
            let errors = vec![e];
            Ok(show(&cap_page(&ctx, &state, id, &record.name, &value, &errors), &errors))
        }
    }
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct CaseWeight {
    pub case_id: Uuid,
    pub reference: String,
    /// The kind of work the weighting tool counts it as.
    pub work_item: String,
    pub base_points: f64,
    /// Complexity factors, each in percent added.
    pub factors: Vec<WeightFactor>,
    pub points: f64,
    pub next_deadline: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WeightFactor {
    pub label: String,
    pub percent: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Workload {
    pub staff_id: Uuid,
    pub name: String,
    pub points: f64,
    pub capacity: f64,
    pub percent: i64,
    /// `green`, `amber`, `high_amber`, `red` or `high_red`.
    pub band: String,
    pub band_label: String,
    pub case_cap: Option<i64>,
    pub newly_qualified: bool,
    pub away_now: bool,
    pub cases: Vec<CaseWeight>,
}

fn points(p: Points) -> f64 {
    p.0 as f64 / 100.0
}

fn workload_json(w: &WorkerLoad) -> Workload {
    Workload {
        staff_id: w.member.id,
        name: w.member.name.clone(),
        points: points(w.load.points),
        capacity: points(w.load.capacity),
        percent: w.load.percent,
        band: w.load.band.code().into(),
        band_label: w.load.band.label().into(),
        case_cap: w.case_cap,
        newly_qualified: w.newly_qualified,
        away_now: w.away_now.is_some(),
        cases: w
            .cases
            .iter()
            .map(|c| CaseWeight {
                case_id: c.id,
                reference: c.reference.clone(),
                work_item: c.weight.item.code().into(),
                base_points: points(c.weight.base),
                factors: c.weight.factors.iter().map(|f| WeightFactor { label: f.label.clone(), percent: f.percent }).collect(),
                points: points(c.weight.points),
                next_deadline: c.next_deadline.map(|d| d.to_string()),
            })
            .collect(),
    }
}

/// A person's workload: every open case they carry with its weight and how it was reached, their
/// capacity and band.
#[utoipa::path(get, path = "/api/v1/staff/{id}/workload", params(("id" = Uuid, Path)), responses((status = 200, body = Workload), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_workload(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Workload>, ApiError> {
    me.authorize_staff(&state, id).await?;
    hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let w = workload::worker_load(&state.store, &state.config.workload, id, today()).await?;
    Ok(Json(workload_json(&w)))
}

#[derive(Serialize, ToSchema)]
pub struct PersonSnapshot {
    pub workload: Workload,
    pub overdue_tasks: i64,
    pub reports_due_2_weeks: usize,
    /// Work types they file without sign-off.
    pub autonomous_in: Vec<String>,
    pub samples_due: i64,
    pub samples_overdue: i64,
    /// Current or next time away: `kind first..last`.
    pub leave: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MyPeople {
    pub team_id: Uuid,
    pub team: String,
    pub people: Vec<PersonSnapshot>,
    /// People placed in the team who have left but still hold open cases: theirs need moving.
    pub leavers: Vec<Leaver>,
}

#[derive(Serialize, ToSchema)]
pub struct Leaver {
    pub staff_id: Uuid,
    pub name: String,
    pub open_cases: i64,
}

/// A team's snapshot: everyone's load and band, overdue tasks, reports due in two weeks,
/// autonomy, dip samples and leave.
#[utoipa::path(get, path = "/api/v1/teams/{id}/my-people", params(("id" = Uuid, Path)), responses((status = 200, body = MyPeople), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_my_people(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<MyPeople>, ApiError> {
    let team = hearth_store::org::team(&state.store, id).await?;
    me.authorize_team(&state, team.id, team.service_area.id).await?;
    let (rows, leavers) = tokio::try_join!(workload::my_people(&state.store, &state.config.workload, id, today()), hearth_store::cases::facts::held_by_leavers(&state.store, id))?;
    Ok(Json(MyPeople {
        team_id: id,
        team: team.name,
        leavers: leavers.into_iter().map(|(who, open_cases)| Leaver { staff_id: who.id, name: who.name, open_cases }).collect(),
        people: rows
            .iter()
            .map(|r| PersonSnapshot {
                workload: workload_json(&r.worker),
                overdue_tasks: r.overdue_tasks,
                reports_due_2_weeks: r.reports_due_2_weeks,
                autonomous_in: r.autonomy.iter().filter(|(_, a)| a.authorised).map(|(t, _)| t.code().to_string()).collect(),
                samples_due: r.samples_due,
                samples_overdue: r.samples_overdue,
                leave: r.worker.away_now.as_ref().or(r.worker.next_away()).map(|a| format!("{} {}..{}", a.kind.code(), a.first, a.last)),
            })
            .collect(),
    }))
}

// ---- Declaring a conflict of interest ----

async fn conflict_page(state: &AppState, ctx: &PageCtx, case_id: Uuid, p: &[(String, String)], errors: &[FieldError]) -> Result<FormPage, AppError> {
    let case = hearth_store::cases::case_record(&state.store, case_id).await?;
    let people: Vec<(String, String)> = hearth_store::cases::participants(&state.store, case_id).await?.into_iter().map(|x| (x.person_id.to_string(), x.full_name)).collect();
    let mut page = form_page(ctx, "Declare a conflict of interest", format!("/cases/{case_id}/conflict"), errors);
    page.back = format!("/cases/{case_id}");
    page.caption = Some(case.reference);
    page.intro = Some("For example, you know someone in the case personally. You will not be suggested for this person's cases from now on, and if this case is yours your manager is told so they can reallocate it.".into());
    page.fields = vec![
        Select::new("person_id", "Who with", Some("Choose someone in the case"), &people, &one_of(p, "person_id")).errors(errors).to_string(),
        crate::components::Textarea::new("reason", "Why").rows(3).value(&one_of(p, "reason")).errors(errors).to_string(),
    ];
    page.button = "Declare the conflict".into();
    Ok(page)
}

pub async fn conflict_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    Ok(show(&conflict_page(&state, &ctx, id, &[], &[]).await?, &[]))
}

pub async fn declare_conflict(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    let p = pairs(&body);
    let mut c = hearth_domain::Collect::default();
    let person = c.keep(hearth_domain::org::optional_id("person_id", "person", &one_of(&p, "person_id")).and_then(|x| x.ok_or_else(|| FieldError::new("person_id", "Choose who the conflict is with"))));
    let reason = c.keep(hearth_domain::text::required("reason", "why there is a conflict", &one_of(&p, "reason"), 1_000));
    if let (Some(person), Some(reason)) = (person, reason) {
        match workload::declare_conflict(&state.store, &me.audit, me.id(), id, person, &reason).await {
            Ok(_) => return Ok(crate::cases::forms::to_case(id)),
            Err(hearth_store::StoreError::Duplicate { .. }) => c.push(FieldError::new("person_id", "You have already declared a conflict with this person")),
            Err(hearth_store::StoreError::MissingReference { .. }) => c.push(FieldError::new("person_id", "Choose someone in the case")),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(show(&conflict_page(&state, &ctx, id, &p, &c.0).await?, &c.0))
}
