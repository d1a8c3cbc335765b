//! Leave under the person (`/staff/{id}/leave`): the balance and its ledger, asking for leave
//! (a form, then a check page showing the balance after, who else is away and any court dates
//! in the person's cases), a hand-added line; one request (`/leave-requests/{id}`) with its
//! decision and cancelling; and a team's month (`/teams/{id}/leave`). The rules are the domain's
//! and the store's: these handlers read forms and draw pages.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::leave::{AdjustForm, DayPart, LeaveDraft, LeaveForm, LineKind, RequestKind, RequestStatus, days_text, hours_text, short_hours};
use hearth_domain::workload::AbsenceKind;
use hearth_store::StoreError;
use hearth_store::people::leave::{self as store, Away, CourtDate, Decision, LeaveRequest, Ledger, Rules};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::{if_match, json};
use crate::components::{Choices, DateInput, Input, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

fn rules(state: &AppState) -> Rules<'_> {
    Rules { settings: &state.config.leave, calendar: &state.config.calendar }
}

/// "22 hours 12 minutes (3 days)" in the person's own days.
fn amount(minutes: i64, day_minutes: i64) -> String {
    format!("{} ({})", hours_text(minutes), days_text(minutes, day_minutes))
}

pub fn status_tag(s: RequestStatus) -> Tag {
    match s {
        RequestStatus::Requested => Tag::new(s.label(), "yellow"),
        RequestStatus::Approved => Tag::new(s.label(), "green"),
        RequestStatus::Refused => Tag::new(s.label(), "red"),
        RequestStatus::Cancelled => Tag::new(s.label(), "grey"),
    }
}

/// What the team calendar and a request's cover say of someone's time away: the kind of leave,
/// but never that someone is off sick (that is for their line chain and HR).
fn away_label(a: &Away) -> String {
    let what = match a.kind {
        AbsenceKind::AnnualLeave => "Leave",
        AbsenceKind::Training => "Training",
        AbsenceKind::Sickness | AbsenceKind::Other => "Away",
    };
    if a.waiting { format!("{what} (asked for)") } else { what.to_string() }
}

// ---- A person's leave ----

#[derive(Template)]
#[template(path = "people/leave.html")]
struct LeavePage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    year: String,
    balance: String,
    waiting: String,
    available: String,
    pattern: String,
    /// (on, what, reason, hours, running total)
    lines: Vec<(String, String, String, String, String)>,
    /// (id, when, kind, hours, status tag)
    requests: Vec<(Uuid, String, String, String, String)>,
    can_ask: bool,
    can_adjust: bool,
    previous: String,
    next: String,
    next_label: String,
    previous_label: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    /// Any day of the leave year to show (`YYYY-MM-DD`); today's year when absent.
    pub on: String,
}

fn year_day(q: &YearQuery) -> time::Date {
    hearth_domain::org::parse_date("on", "the day", &q.on).unwrap_or_else(|_| today())
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let day = year_day(&q);
    let (record, ledger, can_ask, can_adjust) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        async { Ok(store::ledger(&state.store, &me.audit, rules(&state), id, day).await?) },
        async { Ok(me.may_for_staff(&state, Permission::RequestLeave, id).await) },
        async { Ok(me.may_for_staff(&state, Permission::AdjustLeave, id).await) },
    )?;
    let requests = store::requests_of(&state.store, id, ledger.year.first).await?;
    let d = ledger.pattern.day_minutes;
    let mut running = 0;
    let lines = ledger
        .lines
        .iter()
        .map(|l| {
            running += l.minutes;
            (long_date(l.on), l.kind.label().to_string(), l.reason.clone(), short_hours(l.minutes), short_hours(running))
        })
        .collect();
    let own = id == me.id();
    let (prev, next) = (ledger.year.previous(), ledger.year.last + time::Duration::days(1));
    Ok(render(&LeavePage {
        shell: ctx.shell(if own { "Your leave".to_string() } else { format!("Leave – {}", record.name) }),
        id,
        name: record.name,
        own,
        year: ledger.year.label(),
        balance: amount(ledger.balance.balance, d),
        waiting: amount(ledger.waiting, d),
        available: amount(ledger.available(), d),
        pattern: ledger.pattern.describe(),
        lines,
        requests: requests
            .iter()
            .filter(|r| r.first <= ledger.year.last)
            .map(|r| (r.id, r.when(), r.kind.label().to_string(), hours_text(r.minutes), status_tag(r.status).to_string()))
            .collect(),
        can_ask,
        can_adjust,
        previous: prev.first.to_string(),
        previous_label: prev.label(),
        next: next.to_string(),
        next_label: state.config.leave.year_of(next).label(),
    }))
}

/// `/my/leave`: one's own leave page.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/leave", me.id())).into_response()
}

/// `/my/team-leave`: the caller's own team's calendar.
pub async fn my_team(me: Ctx) -> Result<Response, AppError> {
    let team = me.principal.placement.team_id.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/teams/{team}/leave")).into_response())
}

// ---- Asking for leave ----

fn ask_page(ctx: &PageCtx, id: Uuid, name: &str, own: bool, f: &LeaveForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, if own { "Ask for leave" } else { "Ask for leave for them" }, format!("/staff/{id}/leave/check"), errors);
    page.back = format!("/staff/{id}/leave");
    page.caption = Some(name.to_string());
    page.intro = Some("Next you see your balance after it, who else in your team is away then, and any court dates in your cases, before you send it.".into());
    let kinds: Vec<(&str, &str)> = RequestKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    let parts: Vec<(&str, &str)> = DayPart::ALL.iter().map(|p| (p.code(), p.label())).collect();
    page.fields = vec![
        Choices::new(true, "kind", "What kind of leave?", &kinds, std::slice::from_ref(&f.kind)).hint("Unpaid leave does not come off your balance.").errors(errors).to_string(),
        DateInput::new("first_day", "First day").hint("For example, 21 12 2026").value(&f.first_day).errors(errors).to_string(),
        DateInput::new("last_day", "Last day").hint("Leave empty for a single day.").value(&f.last_day).errors(errors).to_string(),
        Choices::new(true, "part", "How much of the days?", &parts, std::slice::from_ref(&f.part)).errors(errors).to_string(),
        Input::text("hours", "Hours, if some hours").hint("For example, 2.5 or 2:30. Only for some hours of one day.").value(&f.hours).inputmode("decimal").classes("govuk-input--width-5").errors(errors).to_string(),
        Textarea::new("note", "Note for your manager (optional)").rows(3).value(&f.note).errors(errors).to_string(),
    ];
    page.button = "Continue".into();
    page
}

async fn person(state: &AppState, id: Uuid) -> Result<hearth_store::org::StaffRecord, AppError> {
    Ok(hearth_store::org::staff_record(&state.store, id).await?)
}

/// The days someone works, as the ledger counts them.
async fn pattern_for(state: &AppState, record: &hearth_store::org::StaffRecord) -> Result<hearth_domain::people::leave::WorkPattern, AppError> {
    Ok(store::work_pattern(&state.store, &state.config.leave, record.id).await?.0)
}

/// The form, filled from the query when coming back from the check page to change something.
pub async fn ask_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(f): Query<LeaveForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = person(&state, id).await?;
    let f = LeaveForm { kind: if f.kind.is_empty() { "annual".into() } else { f.kind }, part: if f.part.is_empty() { "whole".into() } else { f.part }, ..f };
    Ok(show(&ask_page(&ctx, id, &record.name, id == me.id(), &f, &[]), &[]))
}

#[derive(Template)]
#[template(path = "people/leave_check.html")]
struct CheckPage {
    shell: Shell,
    id: Uuid,
    name: String,
    f: LeaveForm,
    kind: String,
    when: String,
    takes: String,
    after: String,
    short: bool,
    away: Vec<(String, String, String)>,
    court: Vec<(Uuid, String, String, String)>,
    change: String,
}

/// Who else is away and which court dates fall in the days: what the check page and a request's
/// page warn about.
async fn around(state: &AppState, record: &hearth_store::org::StaffRecord, first: time::Date, last: time::Date) -> Result<(Vec<Away>, Vec<CourtDate>), AppError> {
    let away = async {
        match &record.team {
            Some(t) => store::team_away(&state.store, t.id, first, last, Some(record.id)).await,
            None => Ok(vec![]),
        }
    };
    Ok(tokio::try_join!(away, store::court_dates(&state.store, record.id, first, last))?)
}

fn away_rows(away: &[Away]) -> Vec<(String, String, String)> {
    away.iter().map(|a| (a.staff.name.clone(), away_label(a), if a.first == a.last { long_date(a.first) } else { format!("{} to {}", long_date(a.first), long_date(a.last)) })).collect()
}

fn court_rows(court: &[CourtDate]) -> Vec<(Uuid, String, String, String)> {
    court.iter().map(|c| (c.case_id, c.reference.clone(), long_date(c.on), c.what.clone())).collect()
}

fn draft_when(d: &LeaveDraft) -> String {
    match d.part {
        DayPart::Whole if d.first == d.last => long_date(d.first),
        DayPart::Whole => format!("{} to {}", long_date(d.first), long_date(d.last)),
        DayPart::Morning => format!("{}, morning", long_date(d.first)),
        DayPart::Afternoon => format!("{}, afternoon", long_date(d.first)),
        DayPart::Hours => format!("{}, {}", long_date(d.first), hours_text(d.minutes)),
    }
}

pub async fn check(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<LeaveForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = person(&state, id).await?;
    let pattern = pattern_for(&state, &record).await?;
    let d = match f.validate(&state.config.leave, &state.config.calendar, &pattern, today()) {
        Ok(d) => d,
        Err(errors) => return Ok(show(&ask_page(&ctx, id, &record.name, id == me.id(), &f, &errors), &errors)),
    };
    let ledger = store::ledger(&state.store, &me.audit, rules(&state), id, d.first).await?;
    let (away, court) = around(&state, &record, d.first, d.last).await?;
    let after = if d.kind == RequestKind::Annual { ledger.available() - d.minutes } else { ledger.available() };
    let change = serde_urlencoded::to_string([("kind", &f.kind), ("first_day", &f.first_day), ("last_day", &f.last_day), ("part", &f.part), ("hours", &f.hours), ("note", &f.note)]).unwrap_or_default();
    Ok(render(&CheckPage {
        shell: ctx.shell("Check your request"),
        id,
        name: record.name,
        kind: d.kind.label().into(),
        when: draft_when(&d),
        takes: if d.kind == RequestKind::Annual { amount(d.minutes, pattern.day_minutes) } else { format!("Nothing from your balance ({} away, unpaid)", hours_text(d.minutes)) },
        after: amount(after, pattern.day_minutes),
        short: after < 0,
        away: away_rows(&away),
        court: court_rows(&court),
        change: format!("/staff/{id}/leave/new?{change}"),
        f,
    }))
}

pub async fn ask(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<LeaveForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = person(&state, id).await?;
    let errors = match f.validate(&state.config.leave, &state.config.calendar, &pattern_for(&state, &record).await?, today()) {
        Ok(d) => match store::ask(&state.store, &me.audit, rules(&state), id, &d).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/leave"), crate::saved::Saved::LeaveAsked)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&ask_page(&ctx, id, &record.name, id == me.id(), &f, &errors), &errors))
}

// ---- One request ----

#[derive(Template)]
#[template(path = "people/leave_request.html")]
struct RequestPage {
    shell: Shell,
    r: LeaveRequest,
    when: String,
    status: String,
    hours: String,
    balance: String,
    away: Vec<(String, String, String)>,
    court: Vec<(Uuid, String, String, String)>,
    /// The decision form's fields, when the reader may decide it.
    decide: Option<String>,
    can_cancel: bool,
    errors: Option<crate::components::ErrorSummary>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub decision: String,
    pub reason: String,
    pub version: String,
}

async fn request_view(state: &AppState, ctx: &PageCtx, me: &Ctx, request_id: Uuid, typed: &DecisionForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let r = store::request(&state.store, request_id).await?;
    let record = person(state, r.staff.id).await?;
    let (ledger, (away, court)) = tokio::try_join!(async { Ok::<_, AppError>(store::ledger(&state.store, &me.audit, rules(state), r.staff.id, r.first).await?) }, around(state, &record, r.first, r.last))?;
    let may_decide = r.status == RequestStatus::Requested && r.staff.id != me.id() && me.may_for_staff(state, Permission::ApproveLeave, r.staff.id).await;
    let decide = may_decide.then(|| {
        let options = [("approve", "Approve"), ("refuse", "Refuse")];
        [
            Choices::new(true, "decision", "Your decision", &options, std::slice::from_ref(&typed.decision)).errors(errors).to_string(),
            Textarea::new("reason", "Reason, if you refuse").hint("They see this.").rows(3).value(&typed.reason).errors(errors).to_string(),
        ]
        .concat()
    });
    let can_cancel = matches!(r.status, RequestStatus::Requested | RequestStatus::Approved) && r.first > today() && me.may_for_staff(state, Permission::RequestLeave, r.staff.id).await;
    let page = RequestPage {
        shell: ctx.shell(format!("Leave request – {}", r.staff.name)),
        when: r.when(),
        status: status_tag(r.status).to_string(),
        hours: if r.kind == RequestKind::Annual { amount(r.minutes, ledger.pattern.day_minutes) } else { format!("{} away, unpaid", hours_text(r.minutes)) },
        balance: amount(ledger.available(), ledger.pattern.day_minutes),
        away: away_rows(&away),
        court: court_rows(&court),
        decide,
        can_cancel,
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        r,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

pub async fn request_page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(request_id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, store::staff_of(&state.store, request_id).await?).await?;
    request_view(&state, &ctx, &me, request_id, &DecisionForm::default(), &[]).await
}

fn stale(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict("This request changed after you opened it (it was decided or cancelled). Nothing was saved. Open it again to see where it stands.".into()),
        e => e.into(),
    }
}

/// Reads a decision: approve, or refuse with a reason.
fn read_decision(f: &DecisionForm) -> Result<Option<String>, Vec<FieldError>> {
    match f.decision.trim() {
        "approve" => Ok(None),
        "refuse" => hearth_domain::text::required("reason", "why you refuse it", &f.reason, 500).map(Some).map_err(|e| vec![e]),
        _ => Err(vec![FieldError::new("decision", "Choose approve or refuse")]),
    }
}

pub async fn decide(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(request_id): Path<Uuid>, Form(f): Form<DecisionForm>) -> Result<Response, AppError> {
    let staff = store::staff_of(&state.store, request_id).await?;
    me.authorize_staff(&state, staff).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let errors = match read_decision(&f) {
        Ok(reason) => {
            let d = match &reason {
                None => Decision::Approve,
                Some(r) => Decision::Refuse(r),
            };
            match store::decide(&state.store, &me.audit, rules(&state), request_id, version, d).await {
                Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/leave-requests/{request_id}"), crate::saved::Saved::LeaveDecided)),
                Err(StoreError::Refused(e)) => vec![e],
                Err(e) => return Err(stale(e)),
            }
        }
        Err(errors) => errors,
    };
    request_view(&state, &ctx, &me, request_id, &f, &errors).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    pub version: String,
}

pub async fn cancel(State(state): State<AppState>, me: Ctx, Path(request_id): Path<Uuid>, Form(f): Form<CancelForm>) -> Result<Response, AppError> {
    let staff = store::staff_of(&state.store, request_id).await?;
    me.authorize_staff(&state, staff).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    store::cancel(&state.store, &me.audit, rules(&state), request_id, version, today()).await.map_err(stale)?;
    Ok(crate::saved::redirect(&state, &format!("/staff/{staff}/leave"), crate::saved::Saved::LeaveCancelled))
}

// ---- A line by hand ----

fn adjust_page(ctx: &PageCtx, id: Uuid, name: &str, f: &AdjustForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Add to the leave record", format!("/staff/{id}/leave/adjust"), errors);
    page.back = format!("/staff/{id}/leave");
    page.caption = Some(name.to_string());
    page.intro = Some("Leave bought or sold, time off in lieu earned, or a correction. It counts in this leave year, and the reason shows on their record.".into());
    let kinds: Vec<(&str, &str)> = LineKind::ADDED_BY_HAND.iter().map(|k| (k.code(), k.label())).collect();
    page.fields = vec![
        Choices::new(true, "kind", "What is it?", &kinds, std::slice::from_ref(&f.kind)).errors(errors).to_string(),
        Choices::new(true, "direction", "For an adjustment: does it add hours or take them away?", &[("add", "Adds hours"), ("remove", "Takes hours away")], std::slice::from_ref(&f.direction)).errors(errors).to_string(),
        Input::text("hours", "Hours").hint("For example, 7.4 for a full-time day.").value(&f.hours).inputmode("decimal").classes("govuk-input--width-5").errors(errors).to_string(),
        Textarea::new("reason", "Reason").rows(3).value(&f.reason).errors(errors).to_string(),
    ];
    page.button = "Add it".into();
    page
}

pub async fn adjust_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = person(&state, id).await?;
    Ok(show(&adjust_page(&ctx, id, &record.name, &AdjustForm::default(), &[]), &[]))
}

pub async fn adjust(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AdjustForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let errors = match f.validate() {
        Ok((kind, minutes, reason)) => match store::adjust(&state.store, &me.audit, rules(&state), id, kind, minutes, today(), &reason).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/leave"), crate::saved::Saved::LeaveAdjusted)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let record = person(&state, id).await?;
    Ok(show(&adjust_page(&ctx, id, &record.name, &f, &errors), &errors))
}

// ---- The days someone works ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PatternForm {
    pub days: Vec<String>,
    pub version: String,
}

async fn pattern_page(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, f: Option<&PatternForm>, errors: &[FieldError]) -> Result<Response, AppError> {
    let record = person(state, id).await?;
    let (pattern, _, version) = store::view_work_pattern(&state.store, &me.audit, &state.config.leave, id).await?;
    let mut page = form_page(ctx, "The days they work", format!("/staff/{id}/work-pattern"), errors);
    page.back = format!("/staff/{id}/leave");
    page.caption = Some(record.name);
    page.intro = Some(format!("At {}% of full time: their hours are shared equally between the days. Leave is counted in hours on these days, bank holidays are taken on them, and sickness counts them as days lost. Now: {}.", pattern.fte_hundredths, pattern.describe()));
    page.version = Some(version);
    let options: Vec<(&str, &str)> = hearth_domain::people::leave::DAY_CODES.iter().zip(hearth_domain::people::leave::DAY_NAMES).map(|(c, n)| (*c, n)).collect();
    let checked: Vec<String> = match f {
        Some(f) => f.days.clone(),
        None => pattern.days_code().split(',').map(String::from).collect(),
    };
    page.fields = vec![Choices::new(false, "days", "Which days do they work?", &options, &checked).errors(errors).to_string()];
    page.button = "Save the days".into();
    Ok(show(&page, errors))
}

pub async fn pattern_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    pattern_page(&state, &ctx, &me, id, None, &[]).await
}

pub async fn set_pattern(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<PatternForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let days = hearth_domain::people::leave::WorkPattern::parse_days(&f.days.join(","));
    match store::set_work_pattern(&state.store, &me.audit, rules(&state), id, days, version, today()).await {
        Ok(_) => Ok(crate::saved::redirect(&state, &format!("/staff/{id}/leave"), crate::saved::Saved::PatternSet)),
        Err(StoreError::Refused(e)) => pattern_page(&state, &ctx, &me, id, Some(&f), &[e]).await,
        Err(StoreError::Conflict { .. }) => Err(AppError::Conflict("Someone changed their days after you opened this. Nothing was saved. Open it again.".into())),
        Err(e) => Err(e.into()),
    }
}

// ---- A team's month ----

#[derive(Template)]
#[template(path = "people/team_leave.html")]
struct TeamLeavePage {
    shell: Shell,
    team_id: Uuid,
    team: String,
    month: String,
    previous: String,
    next: String,
    /// (day, who is away: (name, what))
    days: Vec<(String, bool, Vec<(String, String)>)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month when absent or unreadable.
    pub month: String,
}

fn month_of(q: &MonthQuery) -> time::Date {
    let t = today();
    let parsed = q.month.split_once('-').and_then(|(y, m)| Some((y.parse::<i32>().ok()?, time::Month::try_from(m.parse::<u8>().ok()?).ok()?)));
    parsed.and_then(|(y, m)| time::Date::from_calendar_date(y, m, 1).ok()).filter(|d| (2000..=2100).contains(&d.year())).unwrap_or_else(|| t.replace_day(1).expect("day 1"))
}

pub async fn team_calendar(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(team_id): Path<Uuid>, Query(q): Query<MonthQuery>) -> Result<Response, AppError> {
    let team = hearth_store::org::team(&state.store, team_id).await?;
    me.authorize_team(&state, team_id, team.service_area.id).await?;
    let first = month_of(&q);
    let last = first.replace_day(time::util::days_in_month(first.month(), first.year())).expect("the month's last day");
    let away = store::team_away(&state.store, team_id, first, last, None).await?;
    let mut days = vec![];
    let mut d = first;
    while d <= last {
        let working = state.config.calendar.is_working_day(d);
        let who: Vec<(String, String)> = away.iter().filter(|a| a.first <= d && d <= a.last).map(|a| (a.staff.name.clone(), away_label(a))).collect();
        days.push((format!("{} {}", d.weekday(), d.day()), working, who));
        d += time::Duration::days(1);
    }
    let prev = (first - time::Duration::days(1)).replace_day(1).expect("day 1");
    let next = last + time::Duration::days(1);
    Ok(render(&TeamLeavePage {
        shell: ctx.shell(format!("Leave calendar – {}", team.name)),
        team_id,
        team: team.name,
        month: format!("{} {}", first.month(), first.year()),
        previous: format!("{}-{:02}", prev.year(), prev.month() as u8),
        next: format!("{}-{:02}", next.year(), next.month() as u8),
        days,
    }))
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct LeaveLineItem {
    pub id: Uuid,
    /// `entitlement`, `bank_holidays`, `bank_holiday`, `carried_over`, `bought`, `sold`, `toil`,
    /// `taken`, `returned` or `adjustment`.
    pub kind: String,
    /// Signed: credits positive, leave taken negative.
    pub minutes: i64,
    pub on: String,
    pub reason: String,
    pub request_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct LeaveRequestItem {
    pub id: Uuid,
    pub staff_id: Uuid,
    /// `annual` or `unpaid`.
    pub kind: String,
    pub first_day: String,
    pub last_day: String,
    /// `whole`, `morning`, `afternoon` or `hours`.
    pub part: String,
    pub minutes: i64,
    pub note: String,
    /// `requested`, `approved`, `refused` or `cancelled`.
    pub status: String,
    pub refusal_reason: Option<String>,
    /// Send it back as `If-Match` to approve, refuse or cancel.
    pub version: i64,
}

fn request_item(r: &LeaveRequest) -> LeaveRequestItem {
    LeaveRequestItem {
        id: r.id,
        staff_id: r.staff.id,
        kind: r.kind.code().into(),
        first_day: r.first.to_string(),
        last_day: r.last.to_string(),
        part: r.part.code().into(),
        minutes: r.minutes,
        note: r.note.clone(),
        status: r.status.code().into(),
        refusal_reason: r.refusal_reason.clone(),
        version: r.version,
    }
}

#[derive(Serialize, ToSchema)]
pub struct LeaveBody {
    /// The leave year: its first and last days.
    pub year_first: String,
    pub year_last: String,
    /// The sum of the year's lines.
    pub balance_minutes: i64,
    /// Annual leave asked for and not yet decided.
    pub waiting_minutes: i64,
    /// What is left to ask for: the balance less what is waiting.
    pub available_minutes: i64,
    /// The person's working day, in minutes.
    pub day_minutes: i64,
    pub lines: Vec<LeaveLineItem>,
    /// Requests ending in or after the year's first day.
    pub requests: Vec<LeaveRequestItem>,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/leave", params(("id" = Uuid, Path), ("on" = Option<String>, Query, description = "Any day of the leave year (YYYY-MM-DD); today's when absent")), responses((status = 200, body = LeaveBody), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_ledger(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<YearQuery>) -> Result<Json<LeaveBody>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let day = if q.on.trim().is_empty() { today() } else { hearth_domain::org::parse_date("on", "the day", &q.on).map_err(|e| ApiError(AppError::Invalid(vec![e])))? };
    let ledger: Ledger = store::ledger(&state.store, &me.audit, rules(&state), id, day).await?;
    let requests = store::requests_of(&state.store, id, ledger.year.first).await?;
    Ok(Json(LeaveBody {
        year_first: ledger.year.first.to_string(),
        year_last: ledger.year.last.to_string(),
        balance_minutes: ledger.balance.balance,
        waiting_minutes: ledger.waiting,
        available_minutes: ledger.available(),
        day_minutes: ledger.pattern.day_minutes,
        lines: ledger.lines.iter().map(|l| LeaveLineItem { id: l.id, kind: l.kind.code().into(), minutes: l.minutes, on: l.on.to_string(), reason: l.reason.clone(), request_id: l.request_id }).collect(),
        requests: requests.iter().filter(|r| r.first <= ledger.year.last).map(request_item).collect(),
    }))
}

/// A request for leave, as the form has it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct LeaveRequestBody {
    /// `annual` or `unpaid`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub first_day: String,
    /// `YYYY-MM-DD`; empty or absent for a single day.
    pub last_day: String,
    /// `whole`, `morning`, `afternoon` or `hours`.
    pub part: String,
    /// For `hours`: like `2.5` or `2:30`.
    pub hours: String,
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/leave-requests", params(("id" = Uuid, Path)), request_body = LeaveRequestBody, responses((status = 201, body = LeaveRequestItem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_ask(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, HeaderMap, Json<LeaveRequestItem>), ApiError> {
    me.authorize_staff(&state, id).await?;
    let b: LeaveRequestBody = json(&body)?;
    let record = person(&state, id).await?;
    let f = LeaveForm { kind: b.kind, first_day: b.first_day, last_day: b.last_day, part: b.part, hours: b.hours, note: b.note };
    let d = f.validate(&state.config.leave, &state.config.calendar, &pattern_for(&state, &record).await?, today()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    let rid = store::ask(&state.store, &me.audit, rules(&state), id, &d).await?;
    let r = store::request(&state.store, rid).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = format!("/api/v1/leave-requests/{rid}").parse() {
        headers.insert(axum::http::header::LOCATION, v);
    }
    if let Ok(v) = format!("\"{}\"", r.version).parse() {
        headers.insert(axum::http::header::ETAG, v);
    }
    Ok((StatusCode::CREATED, headers, Json(request_item(&r))))
}

#[utoipa::path(get, path = "/api/v1/leave-requests/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = LeaveRequestItem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_request(State(state): State<AppState>, me: Ctx, Path(request_id): Path<Uuid>) -> Result<(HeaderMap, Json<LeaveRequestItem>), ApiError> {
    me.authorize_staff(&state, store::staff_of(&state.store, request_id).await?).await?;
    let r = store::request(&state.store, request_id).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = format!("\"{}\"", r.version).parse() {
        headers.insert(axum::http::header::ETAG, v);
    }
    Ok((headers, Json(request_item(&r))))
}

/// Why a request is refused.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RefusalBody {
    pub reason: String,
}

fn api_stale(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict { current } => ApiError(AppError::PreconditionFailed(current)),
        e => e.into(),
    }
}

#[utoipa::path(post, path = "/api/v1/leave-requests/{id}/approve", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_approve(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(request_id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    me.authorize_staff(&state, store::staff_of(&state.store, request_id).await?).await?;
    let version = if_match(&headers)?;
    store::decide(&state.store, &me.audit, rules(&state), request_id, version, Decision::Approve).await.map_err(api_stale)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/leave-requests/{id}/refuse", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), request_body = RefusalBody, responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_refuse(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(request_id): Path<Uuid>, body: String) -> Result<StatusCode, ApiError> {
    me.authorize_staff(&state, store::staff_of(&state.store, request_id).await?).await?;
    let version = if_match(&headers)?;
    let b: RefusalBody = json(&body)?;
    let reason = hearth_domain::text::required("reason", "why it is refused", &b.reason, 500).map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    store::decide(&state.store, &me.audit, rules(&state), request_id, version, Decision::Refuse(&reason)).await.map_err(api_stale)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/leave-requests/{id}/cancel", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_cancel(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(request_id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    me.authorize_staff(&state, store::staff_of(&state.store, request_id).await?).await?;
    let version = if_match(&headers)?;
    store::cancel(&state.store, &me.audit, rules(&state), request_id, version, today()).await.map_err(api_stale)?;
    Ok(StatusCode::NO_CONTENT)
}
