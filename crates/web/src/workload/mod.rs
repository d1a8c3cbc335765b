//! Workload on the web: My People (a team's snapshot), a person's workload with their cases'
//! weights, duties, case cap and time away, and the API for both. Allocation (suggestions,
//! batch plans, offers to the pool) is in the submodules.

pub mod allocation;
pub mod api;
pub mod capacity;
pub mod figures;
pub mod offers;
pub mod plans;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::access::{Permission, permits_nationally};
use hearth_domain::org::Role;
use hearth_domain::workload::{Band, Load};
use hearth_store::org::TeamSummary;
use hearth_store::workload::{self, PersonRow, WorkerLoad};
use serde::Deserialize;
use uuid::Uuid;

use crate::dates::{long_date, today};
use crate::components::{Select, Tag};
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
    supervision_tag: String,
    supervision: String,
    training_tag: String,
    /// Policies they have not confirmed at the current version, as words.
    policies_due: String,
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

/// A person's mandatory training and the policies they have still to confirm, for My People.
struct TrainingLine {
    summary: hearth_domain::people::training::TrainingSummary,
    unconfirmed: Vec<String>,
}

fn card(row: &PersonRow, supervision: Option<&hearth_domain::people::SupervisionFacts>, settings: &hearth_domain::people::SupervisionSettings, training: Option<&TrainingLine>) -> PersonCard {
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
    let standing = supervision.map(|f| crate::people::standing_text(f, settings));
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
        supervision_tag: standing.as_ref().map(|(tag, _)| tag.to_string()).unwrap_or_default(),
        supervision: standing.map(|(_, text)| text).unwrap_or_else(|| "Not recorded".into()),
        training_tag: crate::people::training::summary_tag(training.map(|t| t.summary).unwrap_or_default()).to_string(),
        policies_due: match training.map(|t| t.unconfirmed.as_slice()).unwrap_or_default() {
            [] => String::new(),
            titles => format!("To confirm: {}", titles.join(", ")),
        },
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
    training_figure: String,
    /// The team's last meeting, and how many came to the office.
    last_meeting: Option<String>,
    /// Return-to-work interviews past due, for those the reader may see sickness of:
    /// (episode, person, due on).
    overdue_interviews: Vec<(Uuid, String, String)>,
    link_meetings: bool,
    link_group_sessions: bool,
    /// New starters, and people on an improvement plan the reader may know of: (name, expectation).
    office_first: Vec<(String, String)>,
    link_training: bool,
    link_supervision: bool,
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
    let (rows, leavers, supervision, courses, policies, last_meeting) = tokio::try_join!(
        async { Ok::<_, AppError>(workload::my_people(&state.store, &state.config.workload, team.id, today()).await?) },
        async { Ok(hearth_store::cases::facts::held_by_leavers(&state.store, team.id).await?) },
        async { Ok(hearth_store::people::team_facts(&state.store, team.id).await?) },
        async { Ok(hearth_store::people::training::requirements(&state.store, hearth_store::people::training::Whose::Team(team.id)).await?) },
        async { Ok(hearth_store::people::training::attestations(&state.store, hearth_store::people::training::Whose::Team(team.id)).await?) },
        crate::people::meetings::last_meeting(&state, team.id),
    )?;
    let mut overdue_interviews = vec![];
    if me.can(Permission::ManageSickness) {
        for (episode, who, due) in hearth_store::people::sickness::overdue_interviews(&state.store, team.id, today()).await? {
            if me.may_for_staff(&state, Permission::ManageSickness, who.id).await {
                overdue_interviews.push((episode, who.name, long_date(due)));
            }
        }
    }
    let training: std::collections::HashMap<Uuid, TrainingLine> = rows
        .iter()
        .map(|r| {
            let id = r.worker.member.id;
            let summary = hearth_domain::people::training::TrainingSummary::of(crate::people::training::standings(&state, courses.get(&id).map(Vec::as_slice).unwrap_or_default()));
            let unconfirmed = policies.get(&id).map(|list| list.iter().filter(|a| a.attested_at.is_none()).map(|a| format!("{} (version {})", a.title, a.number)).collect()).unwrap_or_default();
            (id, TrainingLine { summary, unconfirmed })
        })
        .collect();
    let training_figure = team_training_figure(&training);
    let office_first = {
        let s = &state.config.induction;
        let window_start = today() - time::Duration::days(hearth_domain::people::induction::OFFICE_WINDOW_DAYS - 1);
        let counts = hearth_store::people::office::counts(&state.store, hearth_store::people::Whose::Team(team.id), window_start, today()).await?;
        let mut list = vec![];
        for r in &rows {
            let id = r.worker.member.id;
            let Some(f) = supervision.get(&id) else { continue };
            let Some(why) = s.office_first(f.started_on, f.improvement_plan, today()) else { continue };
            // A plan is private to the worker, their line chain and HR: nobody else learns of it here.
            if why == hearth_domain::people::induction::OfficeFirst::ImprovementPlan && !me.may_for_staff(&state, Permission::ViewImprovementPlan, id).await {
                continue;
            }
            let words = crate::people::office::words(s.office_days_per_week, why, s.office_first_until(f.started_on), s.expected_office_days(f.started_on, today()), counts.get(&id).copied().unwrap_or(0));
            list.push((r.worker.member.name.clone(), words));
        }
        list.sort();
        list
    };
    let settings = &state.config.supervision;
    let due_on = |r: &PersonRow| supervision.get(&r.worker.member.id).map(|f| hearth_domain::people::next_due(f, today(), settings).on());
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
        "supervision" => rows.sort_by(|a, b| due_on(a).cmp(&due_on(b)).then(a.worker.member.name.cmp(&b.worker.member.name))),
        "training" => {
            let late = |r: &PersonRow| training.get(&r.worker.member.id).map(|t| (t.summary.overdue, t.unconfirmed.len(), t.summary.soon)).unwrap_or_default();
            rows.sort_by(|a, b| late(b).cmp(&late(a)).then(a.worker.member.name.cmp(&b.worker.member.name)))
        }
        _ => {}
    }
    let team_options: Vec<(String, String)> = teams.iter().map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name))).collect();
    let sorts = [("load", "Load, busiest first"), ("name", "Name"), ("overdue", "Overdue tasks"), ("reports", "Reports due soonest"), ("supervision", "Supervision due soonest"), ("training", "Training out of date")].map(|(a, b)| (a.to_string(), b.to_string()));
    let band_options: Vec<(String, String)> = Band::ALL.iter().map(|b| (b.code().to_string(), b.label().to_string())).collect();
    let people: Vec<PersonCard> = rows.iter().map(|r| card(r, supervision.get(&r.worker.member.id), settings, training.get(&r.worker.member.id))).collect();
    let can_allocate = me.may_for_team(Permission::AllocateCase, team.id, team.service_area.id);
    // National leaders see the team's picture, not a person's records.
    let link_training = me.may_for_team(Permission::ViewTraining, team.id, team.service_area.id);
    let link_meetings = me.may_for_team(Permission::ViewTeamMeetings, team.id, team.service_area.id);
    let link_group_sessions = me.may_for_team(Permission::ViewGroupSessions, team.id, team.service_area.id);
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
        training_figure,
        last_meeting,
        overdue_interviews,
        link_meetings,
        link_group_sessions,
        office_first,
        link_training,
        link_supervision: me.can(Permission::ViewSupervision),
    }))
}

/// The team's compliance in a sentence: people with no mandatory course out of date, and
/// people who have confirmed every current policy that applies to them.
fn team_training_figure(training: &std::collections::HashMap<Uuid, TrainingLine>) -> String {
    use hearth_domain::people::training::percent;
    let n = training.len();
    let up_to_date = training.values().filter(|t| t.summary.compliant()).count();
    let confirmed = training.values().filter(|t| t.unconfirmed.is_empty()).count();
    let share = |k: usize| percent(k, n).map(|p| format!(" ({p}%)")).unwrap_or_default();
    format!("Mandatory training up to date: {up_to_date} of {n}{}. Current policies confirmed: {confirmed} of {n}{}.", share(up_to_date), share(confirmed))
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
