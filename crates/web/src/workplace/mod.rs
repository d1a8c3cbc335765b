//! Hot desks: booking a desk for a day from a phone in two taps (`/desks`), one's own bookings
//! (`/desks/mine`), a desk's own page that its printed code opens, to check in (`/desks/{id}`),
//! the floor plans national administrators draw (`plans`), the figures (`figures`) and the API
//! (`api`). Booking is one's own business, so these routes need only a signed-in caller; the
//! store refuses any booking that is not the caller's.

pub mod api;
pub mod figures;
pub mod plans;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::workplace::{BookingStatus, DeskRules};
use hearth_store::StoreError;
use hearth_store::org::{self, Office};
use hearth_store::workplace::{self as store, Ask, Asker, DeskDay};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::components::ErrorSummary;
use crate::dates::{long_date, short_date, today};
use crate::form::Form;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// The caller as the booking rules need them: expected in the office more, and the time in the UK.
pub(crate) async fn asker(state: &AppState, me: &Ctx) -> Result<Asker, AppError> {
    let facts = hearth_store::people::facts_for(&state.store, me.id()).await?;
    let uk = hearth_domain::calendar::uk_local(hearth_store::now());
    Ok(Asker { staff: me.id(), office_first: state.config.induction.office_first(facts.started_on, facts.improvement_plan, uk.date()).is_some(), today: uk.date(), uk_time: uk.time() })
}

/// The office a person books at first: their team's, or else the first with desks.
async fn home_office(state: &AppState, me: &Ctx, offices: &[Office]) -> Result<Option<Uuid>, AppError> {
    if let Some(team) = me.principal.placement.team_id {
        let team = org::team(&state.store, team).await?;
        if let Some(o) = team.office {
            return Ok(Some(o.id));
        }
    }
    Ok(offices.iter().find(|o| o.desks > 0).map(|o| o.id))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeskQuery {
    pub office: String,
    pub day: String,
}

/// A desk as the booking page shows it.
struct DeskRow {
    id: Uuid,
    label: String,
    zone: String,
    features: String,
    /// "Free", "Sam Okafor", "Sam Okafor (checked in)", "You".
    status: String,
    free: bool,
    mine: bool,
    x: i64,
    y: i64,
}

#[derive(Template)]
#[template(path = "workplace/desks.html")]
struct DesksPage {
    shell: Shell,
    errors: Option<String>,
    office: Office,
    /// (id, name, chosen)
    offices: Vec<(Uuid, String, bool)>,
    /// (YYYY-MM-DD, "Thu 10 Dec 2026", free, chosen)
    days: Vec<(String, String, i64, bool)>,
    day: String,
    day_words: String,
    desks: Vec<DeskRow>,
    free: usize,
    /// The caller's booking that day: (booking, desk label, checked in).
    mine: Option<(Uuid, String, bool)>,
    release_at: String,
    horizon: i64,
    plan_width: i64,
    plan_height: i64,
    /// Links for those who may see them: the figures, the office's floor plan.
    figures: bool,
    floor_plan: bool,
    /// Team days that day: (id, team, desks held, booked by its members, the caller may release it).
    team_days: Vec<(Uuid, String, i64, i64, bool)>,
    /// The caller's team, when they may hold desks for its day here and have not yet.
    may_hold: Option<Uuid>,
    /// What was wrong with the number of desks to hold, shown at the field.
    hold_error: Option<String>,
}

const CELL_W: i64 = 64;
const CELL_H: i64 = 48;

fn rows(plan: &[DeskDay], me: Uuid) -> Vec<DeskRow> {
    plan.iter()
        .map(|d| {
            let mine = d.holder.as_ref().is_some_and(|h| h.staff_id == me);
            let status = match &d.holder {
                None => "Free".to_string(),
                Some(_) if mine => "You".to_string(),
                Some(h) if h.checked_in => format!("{} (checked in)", h.name),
                Some(h) => h.name.clone(),
            };
            DeskRow { id: d.desk.id, label: d.desk.label.clone(), zone: d.desk.zone.clone(), features: d.desk.features.words().join(", "), status, free: d.holder.is_none(), mine, x: d.desk.plan_x * CELL_W + 4, y: d.desk.plan_y * CELL_H + 4 }
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<DeskQuery>) -> Result<Response, AppError> {
    desks_page(&state, &ctx, &me, &q, &[]).await
}

async fn desks_page(state: &AppState, ctx: &PageCtx, me: &Ctx, q: &DeskQuery, errors: &[FieldError]) -> Result<Response, AppError> {
    let offices = org::offices(&state.store).await?;
    let who = asker(state, me).await?;
    let chosen = match q.office.parse::<Uuid>().ok().filter(|id| offices.iter().any(|o| o.id == *id)) {
        Some(id) => Some(id),
        None => home_office(state, me, &offices).await?,
    };
    let Some(office) = chosen.and_then(|id| offices.iter().find(|o| o.id == id)).cloned() else {
        return Err(AppError::NotFound);
    };
    let rules: &DeskRules = &state.config.desks;
    let bookable = rules.bookable_days(who.today, who.office_first);
    let day = hearth_domain::org::parse_date("day", "the day", &q.day).ok().filter(|d| bookable.contains(d)).or_else(|| bookable.first().copied()).unwrap_or(who.today);
    let (plan, taken, team_days) = tokio::try_join!(
        store::day_plan(&state.store, office.id, day),
        store::taken_by_day(&state.store, office.id, bookable.first().copied().unwrap_or(day), bookable.last().copied().unwrap_or(day)),
        store::team_days(&state.store, office.id, day)
    )?;
    // Holding desks is for the caller's own team, at its own office.
    let holder = match me.principal.placement.team_id {
        Some(t) if me.can(hearth_domain::access::Permission::HoldTeamDay) => {
            let team = org::team(&state.store, t).await?;
            (team.office.as_ref().map(|o| o.id) == Some(office.id) && me.may_for_team(hearth_domain::access::Permission::HoldTeamDay, team.id, team.service_area.id)).then_some(team.id)
        }
        _ => None,
    };
    let desks = rows(&plan, me.id());
    let in_use = plan.len() as i64;
    let mine = plan.iter().find(|d| d.holder.as_ref().is_some_and(|h| h.staff_id == me.id())).and_then(|d| d.holder.as_ref().map(|h| (h.booking, d.desk.label.clone(), h.checked_in)));
    let (plan_width, plan_height) = (desks.iter().map(|d| d.x).max().unwrap_or(0) + CELL_W + 4, desks.iter().map(|d| d.y).max().unwrap_or(0) + CELL_H + 4);
    let page = DesksPage {
        shell: ctx.shell(format!("Book a desk – {}", office.name)),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        offices: offices.iter().filter(|o| o.desks > 0 || o.id == office.id).map(|o| (o.id, o.name.clone(), o.id == office.id)).collect(),
        days: bookable.iter().map(|d| (d.to_string(), chip(*d), in_use - taken.get(d).copied().unwrap_or(0), *d == day)).collect(),
        day: day.to_string(),
        day_words: long_day(day),
        free: desks.iter().filter(|d| d.free).count(),
        desks,
        mine,
        release_at: rules.release_at.clone(),
        horizon: rules.last_bookable(who.today, who.office_first).to_julian_day() as i64 - who.today.to_julian_day() as i64,
        plan_width,
        plan_height,
        hold_error: errors.iter().find(|e| e.field == "desks").map(|e| e.message.clone()),
        may_hold: holder.filter(|t| !team_days.iter().any(|d| d.team_id == *t)),
        team_days: team_days.iter().map(|d| (d.id, d.team.clone(), d.desks, d.booked, holder == Some(d.team_id))).collect(),
        figures: me.can(hearth_domain::access::Permission::ViewDeskFigures),
        floor_plan: me.can(hearth_domain::access::Permission::ManageFloorPlans),
        office,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

/// A day in the picker: "Thu 10 Dec" (the picker spans a few weeks, so no year).
fn chip(d: Date) -> String {
    short_date(d).rsplit_once(' ').map(|(day, _)| day.to_string()).unwrap_or_default()
}

/// "Thursday 10 December 2026".
fn long_day(d: Date) -> String {
    format!("{} {}", d.weekday(), long_date(d))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BookForm {
    pub office: String,
    pub day: String,
    pub desk: String,
    /// "yes" from a desk's own page: book it for today and check in at once.
    pub check_in: String,
}

/// Books a desk (the chosen one, or the first free one) and returns to the day's plan; a
/// refusal is shown on the plan, saying why.
pub async fn book(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<BookForm>) -> Result<Response, AppError> {
    let query = DeskQuery { office: f.office.clone(), day: f.day.clone() };
    let office = f.office.parse::<Uuid>().map_err(|_| AppError::Invalid(vec![FieldError::new("office", "Choose an office")]))?;
    let day = match hearth_domain::org::parse_date("day", "the day", &f.day) {
        Ok(d) => d,
        Err(e) => return desks_page(&state, &ctx, &me, &query, &[e]).await,
    };
    let desk = if f.desk.is_empty() { None } else { Some(f.desk.parse::<Uuid>().map_err(|_| AppError::Invalid(vec![FieldError::new("desk", "Choose a desk from the plan")]))?) };
    let who = asker(&state, &me).await?;
    let check_in = f.check_in == "yes";
    match store::book(&state.store, &me.audit, &state.config.desks, who, Ask { office, day, desk, check_in }).await {
        Ok(_) if check_in => Ok(crate::saved::redirect(&state, &format!("/desks/{}", desk.unwrap_or_default()), crate::saved::Saved::DeskCheckedIn)),
        Ok(_) => Ok(crate::saved::redirect(&state, &format!("/desks?office={office}&day={day}#your-desk"), crate::saved::Saved::DeskBooked)),
        Err(StoreError::Refused(e)) => desks_page(&state, &ctx, &me, &query, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamDayForm {
    pub day: String,
    pub desks: String,
}

/// Holds desks at the team's office for its team day, from the booking page of that day.
pub async fn hold_team_day(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<TeamDayForm>) -> Result<Response, AppError> {
    let team = org::team(&state.store, id).await?;
    me.authorize_team(&state, team.id, team.service_area.id).await?;
    let Some(office) = team.office else {
        return Err(AppError::Conflict("This team has no office to hold desks at.".into()));
    };
    let query = DeskQuery { office: office.id.to_string(), day: f.day.clone() };
    let day = match hearth_domain::org::parse_date("day", "the day", &f.day) {
        Ok(d) => d,
        Err(e) => return desks_page(&state, &ctx, &me, &query, &[e]).await,
    };
    let Ok(desks) = f.desks.trim().parse::<i64>() else {
        return desks_page(&state, &ctx, &me, &query, &[FieldError::new("desks", "Enter how many desks to hold, as a whole number")]).await;
    };
    match store::hold_team_day(&state.store, &me.audit, &state.config.desks, team.id, day, desks, today()).await {
        Ok(_) => Ok(crate::saved::redirect(&state, &format!("/desks?office={}&day={day}#team-days", office.id), crate::saved::Saved::TeamDayHeld)),
        Err(StoreError::Refused(e)) => desks_page(&state, &ctx, &me, &query, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReleaseForm {
    pub office: String,
    pub day: String,
}

pub async fn release_team_day(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ReleaseForm>) -> Result<Response, AppError> {
    let team = org::team(&state.store, store::team_of_team_day(&state.store, id).await?).await?;
    me.authorize_team(&state, team.id, team.service_area.id).await?;
    store::release_team_day(&state.store, &me.audit, id).await?;
    // Back to the day it was for; only an office id and a date are put in the address.
    let back = match (f.office.parse::<Uuid>(), hearth_domain::org::parse_date("day", "the day", &f.day)) {
        (Ok(o), Ok(d)) => format!("/desks?office={o}&day={d}#team-days"),
        _ => "/desks".to_string(),
    };
    Ok(crate::saved::redirect(&state, &back, crate::saved::Saved::TeamDayReleased))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackTo {
    /// Where to return: the booking page of a day ("plan") or one's bookings.
    pub back: String,
}

fn back_to(b: &store::Booking, back: &str) -> String {
    if back == "plan" { format!("/desks?office={}&day={}", b.office_id, b.day) } else { "/desks/mine".to_string() }
}

pub async fn cancel(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<BackTo>) -> Result<Response, AppError> {
    let b = own_booking(&state, &me, id).await?;
    store::cancel(&state.store, &me.audit, id, me.id(), today()).await?;
    Ok(crate::saved::redirect(&state, &back_to(&b, &f.back), crate::saved::Saved::DeskCancelled))
}

pub async fn check_in(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let b = own_booking(&state, &me, id).await?;
    let who = asker(&state, &me).await?;
    match store::check_in(&state.store, &me.audit, &state.config.desks, id, who).await {
        Ok(()) => Ok(crate::saved::redirect(&state, &format!("/desks/{}", b.desk_id), crate::saved::Saved::DeskCheckedIn)),
        // Too early or too late: back to the desk's page, saying when check-in is open.
        Err(StoreError::Refused(e)) => desk_page(&state, &ctx, &me, b.desk_id, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

/// The caller's own booking, or not found: another's booking is not given away.
async fn own_booking(state: &AppState, me: &Ctx, id: Uuid) -> Result<store::Booking, AppError> {
    match store::booking(&state.store, id).await {
        Ok(b) if b.staff_id == me.id() => Ok(b),
        Ok(_) | Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

// ---- A desk's own page: what its printed code opens ----

#[derive(Template)]
#[template(path = "workplace/desk.html")]
struct DeskPage {
    shell: Shell,
    desk: store::Desk,
    office: String,
    features: String,
    today: String,
    today_iso: String,
    /// The caller's booking of this desk today: (booking, checked in).
    mine: Option<(Uuid, bool)>,
    /// The caller holds another desk today: its label.
    elsewhere: Option<String>,
    /// Who holds it today, if someone else.
    held_by: Option<String>,
    check_in_open: bool,
    check_in_from: String,
    release_at: String,
    errors: Option<String>,
}

pub async fn desk(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    desk_page(&state, &ctx, &me, id, &[]).await
}

async fn desk_page(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, errors: &[FieldError]) -> Result<Response, AppError> {
    let desk = store::desk(&state.store, id).await?;
    let who = asker(state, me).await?;
    let (plan, offices) = tokio::try_join!(store::day_plan(&state.store, desk.office_id, who.today), org::offices(&state.store))?;
    let holder = plan.iter().find(|d| d.desk.id == id).and_then(|d| d.holder.clone());
    let elsewhere = plan.iter().find(|d| d.desk.id != id && d.holder.as_ref().is_some_and(|h| h.staff_id == me.id())).map(|d| d.desk.label.clone());
    let rules = &state.config.desks;
    let page = DeskPage {
        shell: ctx.shell(format!("Desk {}", desk.label)),
        office: offices.iter().find(|o| o.id == desk.office_id).map(|o| o.name.clone()).unwrap_or_default(),
        features: desk.features.words().join(", "),
        today: long_day(who.today),
        today_iso: who.today.to_string(),
        mine: holder.as_ref().filter(|h| h.staff_id == me.id()).map(|h| (h.booking, h.checked_in)),
        held_by: holder.as_ref().filter(|h| h.staff_id != me.id()).map(|h| h.name.clone()),
        elsewhere,
        check_in_open: rules.check_in_open(who.today, who.today, who.uk_time),
        check_in_from: rules.check_in_from.clone(),
        release_at: rules.release_at.clone(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        desk,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page) })
}

// ---- One's own bookings ----

#[derive(Template)]
#[template(path = "workplace/mine.html")]
struct MinePage {
    shell: Shell,
    /// (booking, day, office, desk, status words, may cancel, may check in now)
    coming: Vec<(Uuid, String, String, String, &'static str, bool, bool)>,
    /// (day, office, desk, status words)
    past: Vec<(String, String, String, &'static str)>,
    needs_accessible: bool,
}

fn status_words(b: &store::Booking) -> &'static str {
    match (b.status, b.cancelled_because) {
        (BookingStatus::Cancelled, Some(c)) => c.label(),
        (s, _) => s.label(),
    }
}

pub async fn mine(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let who = asker(&state, &me).await?;
    let (all, needs) = tokio::try_join!(store::bookings_of(&state.store, me.id(), who.today - time::Duration::days(28)), store::needs_accessible(&state.store, me.id()))?;
    let rules = &state.config.desks;
    let (coming, past): (Vec<_>, Vec<_>) = all.into_iter().partition(|b| b.day >= who.today && b.status.live());
    Ok(render(&MinePage {
        shell: ctx.shell("Your desk bookings"),
        coming: coming.iter().map(|b| (b.id, long_day(b.day), b.office_name.clone(), b.desk_label.clone(), status_words(b), b.status == BookingStatus::Booked, b.status == BookingStatus::Booked && rules.check_in_open(b.day, who.today, who.uk_time))).collect(),
        past: past.iter().rev().map(|b| (long_day(b.day), b.office_name.clone(), b.desk_label.clone(), status_words(b))).collect(),
        needs_accessible: needs,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NeedsForm {
    pub accessible: String,
}

pub async fn set_needs(State(state): State<AppState>, me: Ctx, Form(f): Form<NeedsForm>) -> Result<Response, AppError> {
    store::set_needs(&state.store, &me.audit, me.id(), f.accessible == "yes").await?;
    Ok(crate::saved::redirect(&state, "/desks/mine#needs", crate::saved::Saved::DeskNeedsSaved))
}
