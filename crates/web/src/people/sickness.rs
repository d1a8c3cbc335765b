//! Sickness under the person (`/staff/{id}/sickness`): off sick now, the Bradford factor, days
//! lost and (for HR) their cost, each episode with its return-to-work interview, and the reviews
//! the rules opened; reporting sickness, changing the expected return and recording the return;
//! the interview (`/sickness/{id}/interview`); a person's pay band (HR); and the sickness figures
//! for a team, an area or the service (`/insight/sickness`, with CSV and API).

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::leave::WorkPattern;
use hearth_domain::people::sickness::{Counted, InterviewForm, MonthCount, ReportForm, SicknessReason, bradford_of, daily_rate, days_per_fte_tenths, money, monthly, trigger_reached, working_days_lost};
use hearth_store::StoreError;
use hearth_store::people::sickness::{self as store, Episode, Rules, Whose};
use hearth_store::quality::insight::Reach;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::components::{Choices, DateInput, ErrorSummary, Select, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::quality::insight::{Scope, choices, csv_field, reach_for};
use crate::session::Ctx;
use crate::{AppError, AppState};

fn rules(state: &AppState) -> Rules<'_> {
    Rules { settings: &state.config.sickness, leave: &state.config.leave, calendar: &state.config.calendar }
}

async fn pattern_for(state: &AppState, record: &hearth_store::org::StaffRecord) -> Result<WorkPattern, AppError> {
    Ok(hearth_store::people::leave::work_pattern(&state.store, &state.config.leave, record.id).await?.0)
}

fn stale(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict("This changed after you opened it. Nothing was saved. Open it again to see it as it is now.".into()),
        e => e.into(),
    }
}

// ---- A person's sickness ----

#[derive(Template)]
#[template(path = "people/sickness.html")]
struct SicknessPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    /// The open episode: (id, since, expected back, fit note needed, long-term, version).
    open: Option<(Uuid, String, String, bool, bool, i64)>,
    bradford: String,
    bradford_tag: String,
    days_lost: String,
    /// What the last 12 months cost, and the band, for HR.
    cost: Option<String>,
    band: Option<String>,
    /// (id, when, days lost, reason, interview)
    episodes: Vec<(Uuid, String, i64, String, String)>,
    /// (id, what, opened, closed or empty, outcome, version)
    reviews: Vec<(Uuid, String, String, String, String, i64)>,
    can_report: bool,
    /// May record the return or change the expected return of the open episode.
    can_change: bool,
    can_manage: bool,
    can_move_cases: bool,
    can_pay: bool,
    expected_field: String,
    returned_field: String,
    /// The episode a fit note is wanted for: the latest beyond self-certification.
    fit_note_for: Option<Uuid>,
    /// (id, uploaded, by, kind), for the line chain and HR.
    fit_notes: Vec<(Uuid, String, String, String)>,
    fit_note_field: String,
    errors: Option<ErrorSummary>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DatesForm {
    pub expected_return: String,
    pub returned_on: String,
    pub version: String,
}

async fn person_view(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, typed: &DatesForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let (episodes, reviews, can_report, can_manage, can_move_cases, can_pay) = tokio::try_join!(
        async { Ok::<_, AppError>(store::episodes_of(&state.store, &me.audit, id).await?) },
        async { Ok(store::reviews_of(&state.store, id).await?) },
        async { Ok(me.may_for_staff(state, Permission::ReportSickness, id).await) },
        async { Ok(me.may_for_staff(state, Permission::ManageSickness, id).await) },
        async { Ok(me.may_for_staff(state, Permission::AllocateCase, id).await) },
        async { Ok(me.may_for_staff(state, Permission::ManagePay, id).await) },
    )?;
    let today = today();
    let s = &state.config.sickness;
    let pattern = pattern_for(state, &record).await?;
    let spells: Vec<_> = episodes.iter().map(Episode::spell).collect();
    let (n, days, score) = bradford_of(s, &state.config.calendar, &pattern, &spells, today);
    let year_ago = today - time::Duration::days(365);
    let lost: i64 = spells.iter().filter(|sp| sp.last_so_far(today) >= year_ago).map(|sp| working_days_lost(&state.config.calendar, &pattern, sp.first.max(year_ago), sp.last_so_far(today))).sum();
    let band = if can_pay { store::band_of(&state.store, id).await? } else { None };
    let fit_notes = if can_manage { store::fit_notes_of(&state.store, id).await? } else { vec![] };
    let open = episodes.iter().find(|e| e.returned_on.is_none()).map(|e| {
        let sp = e.spell();
        (e.id, long_date(e.first), long_date(e.expected_return), sp.needs_fit_note(s, today), sp.is_long_term(s, today), e.version)
    });
    let interview_text = |e: &Episode| match &e.interview {
        None if e.returned_on.is_none() => "Still off".to_string(),
        None => "None".to_string(),
        Some(i) => match i.held_on {
            Some(h) => format!("Held {}", long_date(h)),
            None if i.due_on < today => format!("Overdue: was due {}", long_date(i.due_on)),
            None => format!("Due by {}", long_date(i.due_on)),
        },
    };
    let page = SicknessPage {
        shell: ctx.shell(if id == me.id() { "Your sickness record".to_string() } else { format!("Sickness – {}", record.name) }),
        id,
        own: id == me.id(),
        open,
        bradford: format!("{score} ({n} spell{} and {days} working day{} lost in the last {} weeks)", if n == 1 { "" } else { "s" }, if days == 1 { "" } else { "s" }, s.bradford_weeks),
        bradford_tag: match trigger_reached(s, score) {
            Some(t) => Tag::new(&format!("Over {t}"), "orange").to_string(),
            None => Tag::new("Below the triggers", "grey").to_string(),
        },
        days_lost: format!("{lost} working day{} in the last 12 months", if lost == 1 { "" } else { "s" }),
        cost: band.as_ref().map(|(b, _)| money(lost * daily_rate(b.annual_pence, &pattern))),
        band: can_pay.then(|| band.as_ref().map(|(b, _)| b.name.clone()).unwrap_or_else(|| "Not set".into())),
        episodes: episodes
            .iter()
            .map(|e| {
                let sp = e.spell();
                let when = match e.returned_on {
                    Some(r) => format!("{} to {}", long_date(e.first), long_date(r - time::Duration::days(1))),
                    None => format!("From {}, still off", long_date(e.first)),
                };
                (e.id, when, working_days_lost(&state.config.calendar, &pattern, sp.first, sp.last_so_far(today)), e.reason.label().to_string(), interview_text(e))
            })
            .collect(),
        reviews: reviews
            .iter()
            .map(|r| {
                let what = match r.score_reached {
                    Some(t) => format!("{}: reached {t}", r.kind.label()),
                    None => r.kind.label().to_string(),
                };
                (r.id, what, long_date(r.opened_on), r.closed_on.map(long_date).unwrap_or_default(), r.outcome.clone().unwrap_or_default(), r.version)
            })
            .collect(),
        can_report: can_report && episodes.iter().all(|e| e.returned_on.is_some()),
        can_change: can_report,
        can_manage,
        can_move_cases,
        can_pay,
        expected_field: DateInput::new("expected_return", "New expected return").value(&typed.expected_return).errors(errors).to_string(),
        returned_field: DateInput::new("returned_on", "First day back").hint("The day they came back to work, or come back tomorrow.").value(&typed.returned_on).errors(errors).to_string(),
        fit_note_for: can_report.then(|| episodes.iter().find(|e| e.spell().needs_fit_note(s, today)).map(|e| e.id)).flatten(),
        fit_notes: fit_notes
            .iter()
            .map(|f| (f.id, long_date(f.uploaded_at.date()), f.uploaded_by.as_ref().map(|b| b.name.clone()).unwrap_or_default(), f.file_type.label().to_string()))
            .collect(),
        fit_note_field: crate::components::FileUpload::photo_or_pdf("fit_note", "The doctor's fit note", "A photo (JPEG or PNG) or a PDF. Only the line managers and HR can open it.").errors(errors).to_string(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        name: record.name,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    person_view(&state, &ctx, &me, id, &DatesForm::default(), &[]).await
}

/// `/my/sickness`: one's own record.
pub async fn mine(me: Ctx) -> Response {
    axum::response::Redirect::to(&format!("/staff/{}/sickness", me.id())).into_response()
}

fn report_page(ctx: &PageCtx, id: Uuid, name: &str, own: bool, f: &ReportForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, if own { "Report sickness" } else { "Report sickness for them" }, format!("/staff/{id}/sickness"), errors);
    page.back = format!("/staff/{id}/sickness");
    page.caption = Some(name.to_string());
    page.intro = Some("While off sick you are left out of allocation, and your cases show as covered. The reason is seen only by you, your managers and HR.".into());
    let reasons: Vec<(String, String)> = SicknessReason::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect();
    page.fields = vec![
        DateInput::new("first_day", "First day off sick").value(&f.first_day).errors(errors).to_string(),
        DateInput::new("expected_return", "When do you expect to be back?").hint("Your best guess: it can be changed.").value(&f.expected_return).errors(errors).to_string(),
        Select::new("reason", "Reason", Some("Choose one"), &reasons, &f.reason).errors(errors).to_string(),
        Textarea::new("note", "Anything your manager should know (optional)").rows(3).value(&f.note).errors(errors).to_string(),
    ];
    page.button = "Report sickness".into();
    page
}

pub async fn report_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&report_page(&ctx, id, &record.name, id == me.id(), &ReportForm { first_day: today().to_string(), ..Default::default() }, &[]), &[]))
}

pub async fn report(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ReportForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let errors = match f.validate(today()) {
        Ok(r) => match store::report(&state.store, &me.audit, rules(&state), id, &r).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/sickness"), crate::saved::Saved::SicknessReported)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&report_page(&ctx, id, &record.name, id == me.id(), &f, &errors), &errors))
}

pub async fn extend(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(episode): Path<Uuid>, Form(f): Form<DatesForm>) -> Result<Response, AppError> {
    let staff = store::staff_of(&state.store, episode).await?;
    me.authorize_staff(&state, staff).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let errors = match hearth_domain::org::parse_date("expected_return", "the new expected return", &f.expected_return) {
        Ok(d) => match store::extend(&state.store, &me.audit, episode, version, d).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{staff}/sickness"), crate::saved::Saved::SicknessChanged)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(stale(e)),
        },
        Err(e) => vec![e],
    };
    person_view(&state, &ctx, &me, staff, &f, &errors).await
}

pub async fn record_return(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(episode): Path<Uuid>, Form(f): Form<DatesForm>) -> Result<Response, AppError> {
    let staff = store::staff_of(&state.store, episode).await?;
    me.authorize_staff(&state, staff).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let errors = match hearth_domain::org::parse_date("returned_on", "the first day back", &f.returned_on) {
        Ok(d) => match store::record_return(&state.store, &me.audit, rules(&state), episode, version, d, today()).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{staff}/sickness"), crate::saved::Saved::SicknessChanged)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(stale(e)),
        },
        Err(e) => vec![e],
    };
    person_view(&state, &ctx, &me, staff, &f, &errors).await
}

// ---- The return-to-work interview ----

fn interview_page(ctx: &PageCtx, e: &Episode, f: &InterviewForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Return-to-work interview", format!("/sickness/{}/interview", e.id), errors);
    page.back = format!("/staff/{}/sickness", e.staff.id);
    page.caption = Some(e.staff.name.clone());
    let back = e.returned_on.map(long_date).unwrap_or_default();
    page.intro = Some(format!("Off sick from {} ({}), back on {back}. A short, supportive conversation: how they are, what would help, and whether anything needs to change.", long_date(e.first), e.reason.label()));
    page.version = e.interview.as_ref().map(|i| i.version);
    page.fields = vec![
        DateInput::new("held_on", "Date it was held").value(&f.held_on).errors(errors).to_string(),
        Textarea::new("discussion", "What you discussed").rows(5).value(&f.discussion).errors(errors).to_string(),
        Choices::new(true, "fit_to_work", "Are they fit for their usual work?", &[("yes", "Yes"), ("no", "Not yet: adjustments are agreed")], std::slice::from_ref(&f.fit_to_work)).errors(errors).to_string(),
        Textarea::new("adjustments", "Adjustments agreed").hint("For example, a phased return or fewer court days for a few weeks.").rows(3).value(&f.adjustments).errors(errors).to_string(),
        Textarea::new("support", "Support offered (optional)").hint("For example, the employee assistance programme or an occupational health referral.").rows(3).value(&f.support).errors(errors).to_string(),
    ];
    page.button = "Save the interview".into();
    page
}

async fn interview_episode(state: &AppState, me: &Ctx, episode: Uuid) -> Result<Episode, AppError> {
    let staff = store::staff_of(&state.store, episode).await?;
    me.authorize_staff(state, staff).await?;
    let e = store::episode(&state.store, episode).await?;
    if e.returned_on.is_none() || e.interview.as_ref().is_some_and(|i| i.held_on.is_some()) {
        return Err(AppError::Conflict("There is no interview to hold for this episode: they are still off, or it is already recorded.".into()));
    }
    Ok(e)
}

pub async fn interview_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(episode): Path<Uuid>) -> Result<Response, AppError> {
    let e = interview_episode(&state, &me, episode).await?;
    Ok(show(&interview_page(&ctx, &e, &InterviewForm { held_on: today().to_string(), ..Default::default() }, &[]), &[]))
}

pub async fn hold_interview(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(episode): Path<Uuid>, Form(f): Form<InterviewForm>) -> Result<Response, AppError> {
    let e = interview_episode(&state, &me, episode).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let errors = match f.validate(e.returned_on.unwrap_or(e.first), today()) {
        Ok(i) => match store::hold_interview(&state.store, &me.audit, episode, version, &i).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{}/sickness", e.staff.id), crate::saved::Saved::InterviewRecorded)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(stale(e)),
        },
        Err(errors) => errors,
    };
    Ok(show(&interview_page(&ctx, &e, &f, &errors), &errors))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CloseForm {
    pub outcome: String,
    pub version: String,
}

pub async fn close_review(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(review): Path<Uuid>, Form(f): Form<CloseForm>) -> Result<Response, AppError> {
    let staff = store::staff_of_review(&state.store, review).await?;
    me.authorize_staff(&state, staff).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    match hearth_domain::text::required("outcome", "the outcome", &f.outcome, 2_000) {
        Ok(outcome) => {
            store::close_review(&state.store, &me.audit, review, version, &outcome, today()).await.map_err(stale)?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{staff}/sickness"), crate::saved::Saved::ReviewClosed))
        }
        Err(e) => person_view(&state, &ctx, &me, staff, &DatesForm::default(), &[FieldError::new(format!("outcome-{review}"), e.message)]).await,
    }
}

// ---- Pay band ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BandForm {
    pub band: String,
    pub version: String,
}

async fn band_page(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, f: &BandForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let (record, bands, current) = tokio::try_join!(hearth_store::org::staff_record(&state.store, id), store::bands(&state.store), store::view_band(&state.store, &me.audit, id))?;
    let mut page = form_page(ctx, "Pay band", format!("/staff/{id}/pay"), errors);
    page.back = format!("/staff/{id}/sickness");
    page.caption = Some(record.name);
    page.intro = Some("What a working day of theirs costs, for the sickness figures. Only HR sees it.".into());
    page.version = Some(current.as_ref().map_or(0, |(_, v)| *v));
    let options: Vec<(String, String)> = bands.iter().map(|b| (b.code.clone(), format!("{} ({} a year full time)", b.name, money(b.annual_pence)))).collect();
    let chosen = if f.band.is_empty() { current.map(|(b, _)| b.code).unwrap_or_default() } else { f.band.clone() };
    page.fields = vec![Select::new("band", "Band", Some("Choose one"), &options, &chosen).errors(errors).to_string()];
    page.button = "Save the band".into();
    Ok(show(&page, errors))
}

pub async fn band_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    band_page(&state, &ctx, &me, id, &BandForm::default(), &[]).await
}

pub async fn set_band(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<BandForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    match store::set_band(&state.store, &me.audit, id, f.band.trim(), version).await {
        Ok(()) => Ok(crate::saved::redirect(&state, &format!("/staff/{id}/sickness"), crate::saved::Saved::BandSet)),
        Err(StoreError::Refused(e)) => band_page(&state, &ctx, &me, id, &f, &[e]).await,
        Err(e) => Err(stale(e)),
    }
}

// ---- Figures ----

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// `team:<id>`, `area:<id>` or `national` (the page's chooser).
    scope: Option<String>,
    /// A service area's figures.
    area: Option<Uuid>,
    /// A team's figures.
    team: Option<Uuid>,
    /// The first day (YYYY-MM-DD); a year before `to` when left out. Months are whole.
    from: Option<String>,
    /// The last day; today when left out.
    to: Option<String>,
}

impl FiguresQuery {
    fn scope(&self) -> Scope {
        crate::insight::scope_of(&self.scope, self.area, self.team)
    }

    /// The period in whole months, to today at the latest and three years at the most.
    fn period(&self, today: time::Date) -> Result<(time::Date, time::Date), Vec<FieldError>> {
        let (from, to) = crate::insight::period_of(&self.from, &self.to, today, 364)?;
        if (to - from).whole_days() > 3 * 366 {
            return Err(vec![FieldError::new("from", "Choose three years or less")]);
        }
        Ok((from.replace_day(1).expect("day 1"), to.min(today)))
    }
}

/// The figures for a reach and period, from two queries and the domain's counting.
pub struct Figures {
    pub name: String,
    pub scope: String,
    pub months: Vec<MonthCount>,
    pub days_lost: i64,
    pub cost_pence: i64,
    pub per_fte_tenths: Option<i64>,
    pub people: usize,
    pub unpriced: usize,
    pub long_term_now: usize,
}

async fn figures(state: &AppState, reach: Reach, name: String, from: time::Date, to: time::Date) -> Result<Figures, AppError> {
    let (whose, scope) = match reach {
        Reach::Team(t) => (Whose::Team(t), format!("team:{t}")),
        Reach::Area(a) => (Whose::Area(a), format!("area:{a}")),
        Reach::National => (Whose::Everyone, "national".to_string()),
    };
    let facts = store::cost_facts(&state.store, &state.config.leave, whose, from, to).await?;
    let today = today();
    let people: Vec<Counted> = facts.iter().map(store::CostFacts::counted).collect();
    // Settled months as they were kept (measured now if they never were); the months a late
    // report can still change, and this one, counted as they stand.
    let unsettled = hearth_domain::people::add_months(today.replace_day(1).expect("day 1"), -store::UNSETTLED_MONTHS);
    let last_kept = hearth_domain::people::add_months(unsettled, -1);
    let mut months = if from <= last_kept {
        match store::kept_months(&state.store, whose, from, last_kept.min(to)).await? {
            Some(kept) => kept,
            None => {
                store::measure_months(&state.store, rules(state), today).await?;
                store::kept_months(&state.store, whose, from, last_kept.min(to)).await?.unwrap_or_default()
            }
        }
    } else {
        vec![]
    };
    if to >= unsettled {
        months.extend(monthly(&state.config.calendar, &people, from.max(unsettled), to, today));
    }
    let days_lost = months.iter().map(|m| m.days_lost).sum();
    Ok(Figures {
        name,
        scope,
        cost_pence: months.iter().map(|m| m.cost_pence).sum(),
        per_fte_tenths: days_per_fte_tenths(days_lost, &people),
        people: people.iter().filter(|p| p.active).count(),
        unpriced: people.iter().filter(|p| p.daily_pence.is_none() && !p.spells.is_empty()).count(),
        long_term_now: people.iter().filter(|p| p.spells.iter().any(|s| s.last.is_none() && s.is_long_term(&state.config.sickness, today))).count(),
        days_lost,
        months,
    })
}

fn tenths(t: Option<i64>) -> String {
    t.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_else(|| "–".into())
}

#[derive(Template)]
#[template(path = "people/sickness_figures.html")]
struct FiguresPage {
    shell: Shell,
    /// The reader may see the key figures, where the back link goes.
    key_figures: bool,
    f: Figures,
    cost: String,
    per_fte: String,
    period: String,
    options: Vec<(String, String, bool)>,
    from: DateInput,
    to: DateInput,
    errors: Option<ErrorSummary>,
    chart: String,
    days_chart: String,
    /// (month, started, days lost, cost)
    rows: Vec<(String, i64, i64, String)>,
    query: String,
}

fn month_label(d: time::Date) -> String {
    format!("{} {}", d.month(), d.year())
}

pub async fn figures_page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewSicknessFigures).await?;
    let today = today();
    let (period, errors) = match q.period(today) {
        Ok(p) => (p, vec![]),
        Err(e) => (((today - time::Duration::days(364)).replace_day(1).expect("day 1"), today), e),
    };
    let f = figures(&state, reach, name, period.0, period.1).await?;
    let options = choices(&state, &me, Permission::ViewSicknessFigures).await?.into_iter().map(|(v, l)| (v.clone(), l, v == f.scope)).collect();
    let chart_rows: Vec<(String, i64)> = f.months.iter().map(|m| (format!("{} {}", &m.first.month().to_string()[..3], m.first.year() % 100), m.cost_pence)).collect();
    let page = FiguresPage {
        key_figures: me.can(Permission::ViewInsight),
        shell: ctx.shell(format!("Sickness – {}", f.name)),
        cost: money(f.cost_pence),
        per_fte: tenths(f.per_fte_tenths),
        period: format!("{} to {}", long_date(period.0), long_date(period.1)),
        options,
        from: DateInput::new("from", "From").value(&q.from.clone().unwrap_or_else(|| period.0.to_string())).errors(&errors),
        to: DateInput::new("to", "To").value(&q.to.clone().unwrap_or_else(|| period.1.to_string())).errors(&errors),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(&errors)),
        chart: crate::quality::insight::amount_chart(&chart_rows, "cost-title", money_short),
        days_chart: crate::quality::insight::amount_chart(&f.months.iter().zip(&chart_rows).map(|(m, (label, _))| (label.clone(), m.days_lost)).collect::<Vec<_>>(), "days-title", |d| d.to_string()),
        rows: f.months.iter().map(|m| (month_label(m.first), m.started, m.days_lost, money(m.cost_pence))).collect(),
        query: format!("scope={}&from={}&to={}", crate::page::url_encode(&f.scope), period.0, period.1),
        f,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

/// "£12k", "£1.2m": a chart's axis.
fn money_short(pence: i64) -> String {
    let pounds = pence / 100;
    match pounds {
        p if p >= 1_000_000 => format!("£{:.1}m", p as f64 / 1_000_000.0),
        p if p >= 1_000 => format!("£{}k", p / 1_000),
        p => format!("£{p}"),
    }
}

pub async fn figures_csv(State(state): State<AppState>, me: Ctx, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewSicknessFigures).await?;
    let (from, to) = q.period(today()).map_err(AppError::Invalid)?;
    let f = figures(&state, reach, name, from, to).await?;
    let mut out = String::from("month,spells started,working days lost,cost (pounds)\n");
    for m in &f.months {
        out.push_str(&format!("{},{},{},{}.{:02}\n", csv_field(&format!("{}-{:02}", m.first.year(), m.first.month() as u8)), m.started, m.days_lost, m.cost_pence / 100, m.cost_pence % 100));
    }
    let mut res = out.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"hearth-sickness.csv\""));
    Ok(res)
}

#[derive(Serialize, ToSchema)]
pub struct SicknessMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub spells_started: i64,
    pub working_days_lost: i64,
    pub cost_pence: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SicknessFigures {
    /// `team:<id>`, `area:<id>` or `national`.
    pub scope: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub working_days_lost: i64,
    pub cost_pence: i64,
    /// Working days lost per full-time equivalent over the period, in tenths.
    pub days_lost_per_fte_tenths: Option<i64>,
    pub people: usize,
    /// People with sickness in the period whose pay band is not set: their days lost cost
    /// nothing here.
    pub people_without_a_band: usize,
    pub long_term_now: usize,
    pub months: Vec<SicknessMonth>,
}

#[utoipa::path(get, path = "/api/v1/insight/sickness", params(FiguresQuery), responses((status = 200, body = SicknessFigures), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn figures_api(State(state): State<AppState>, me: Ctx, Query(q): Query<FiguresQuery>) -> Result<Json<SicknessFigures>, ApiError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewSicknessFigures).await?;
    let (from, to) = q.period(today()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    let f = figures(&state, reach, name, from, to).await?;
    Ok(Json(SicknessFigures {
        scope: f.scope,
        name: f.name,
        from: from.to_string(),
        to: to.to_string(),
        working_days_lost: f.days_lost,
        cost_pence: f.cost_pence,
        days_lost_per_fte_tenths: f.per_fte_tenths,
        people: f.people,
        people_without_a_band: f.unpriced,
        long_term_now: f.long_term_now,
        months: f.months.iter().map(|m| SicknessMonth { month: format!("{}-{:02}", m.first.year(), m.first.month() as u8), spells_started: m.started, working_days_lost: m.days_lost, cost_pence: m.cost_pence }).collect(),
    }))
}

// ---- A person's sickness in the API ----

#[derive(Serialize, ToSchema)]
pub struct EpisodeItem {
    pub id: Uuid,
    pub first_day: String,
    pub expected_return: String,
    /// The first day back; none while still off.
    pub returned_on: Option<String>,
    /// A code from the national list.
    pub reason: String,
    pub working_days_lost: i64,
    /// When the return-to-work interview is due, and when it was held.
    pub interview_due_on: Option<String>,
    pub interview_held_on: Option<String>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SicknessBody {
    pub bradford_factor: i64,
    pub bradford_spells: usize,
    pub bradford_days: i64,
    pub items: Vec<EpisodeItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/sickness", params(("id" = Uuid, Path)), responses((status = 200, body = SicknessBody), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<SicknessBody>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let episodes = store::episodes_of(&state.store, &me.audit, id).await?;
    let pattern = pattern_for(&state, &record).await?;
    let today = today();
    let spells: Vec<_> = episodes.iter().map(Episode::spell).collect();
    let (n, days, score) = bradford_of(&state.config.sickness, &state.config.calendar, &pattern, &spells, today);
    let items: Vec<EpisodeItem> = episodes
        .iter()
        .map(|e| {
            let sp = e.spell();
            EpisodeItem {
                id: e.id,
                first_day: e.first.to_string(),
                expected_return: e.expected_return.to_string(),
                returned_on: e.returned_on.map(|d| d.to_string()),
                reason: e.reason.code().into(),
                working_days_lost: working_days_lost(&state.config.calendar, &pattern, sp.first, sp.last_so_far(today)),
                interview_due_on: e.interview.as_ref().map(|i| i.due_on.to_string()),
                interview_held_on: e.interview.as_ref().and_then(|i| i.held_on).map(|d| d.to_string()),
                version: e.version,
            }
        })
        .collect();
    let total = items.len() as i64;
    Ok(Json(SicknessBody { bradford_factor: score, bradford_spells: n, bradford_days: days, per_page: total.max(1), items, total, page: 1 }))
}

/// Sickness reported, as the form has it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ReportBody {
    /// `YYYY-MM-DD`, today or within the last 90 days.
    pub first_day: String,
    /// `YYYY-MM-DD`, after the first day.
    pub expected_return: String,
    /// A code from the national list (`cold_flu`, `mental_health`, …).
    pub reason: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct Reported {
    pub id: Uuid,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/sickness", params(("id" = Uuid, Path)), request_body = ReportBody, responses((status = 201, body = Reported), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_report(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, Json<Reported>), ApiError> {
    me.authorize_staff(&state, id).await?;
    let b: ReportBody = crate::api::json(&body)?;
    let r = ReportForm { first_day: b.first_day, expected_return: b.expected_return, reason: b.reason, note: b.note }.validate(today()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    let episode = store::report(&state.store, &me.audit, rules(&state), id, &r).await?;
    Ok((StatusCode::CREATED, Json(Reported { id: episode })))
}

// ---- Fit notes ----

/// Keeps a fit note for an episode, sent as a file upload (a file, or a photo from the phone's
/// camera); anything but a photo or a PDF is named on the field and nothing is kept.
pub async fn add_fit_note(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(episode): Path<Uuid>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    // The person's permission first: a refusal must not depend on how the body was sent.
    let staff = store::staff_of(&state.store, episode).await?;
    me.authorize_staff(&state, staff).await?;
    let mut multipart = multipart.map_err(|_| AppError::Invalid(vec![FieldError::new("fit_note", "Send the form as a file upload")]))?;
    let broken = crate::cases::documents::broken_upload("fit_note");
    let mut file = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(&broken)? {
        if matches!(field.name(), Some("fit_note" | "photo")) {
            let bytes = field.bytes().await.map_err(&broken)?;
            if !bytes.is_empty() && file.is_empty() {
                file = bytes.to_vec();
            }
        }
    }
    let errors = match crate::cases::documents::photo_or_pdf("fit_note", "The fit note", &file, state.config.max_upload_bytes) {
        Ok(t) => match crate::cases::documents::cleaned(&state, "fit_note", t, &file).await {
            Ok((bytes, _)) => match store::add_fit_note(&state.store, &state.config.files, &me.audit, episode, t, &bytes).await {
                Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{staff}/sickness"), crate::saved::Saved::SicknessChanged)),
                Err(StoreError::Refused(e)) => vec![e],
                Err(e) => return Err(e.into()),
            },
            Err(e) => e,
        },
        Err(e) => vec![e],
    };
    person_view(&state, &ctx, &me, staff, &DatesForm::default(), &errors).await
}

/// A fit note, for the line chain and HR; the read is audited.
pub async fn fit_note(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let staff = store::fit_note_owner(&state.store, id).await?;
    me.authorize_staff(&state, staff).await?;
    let (file_type, bytes) = store::fit_note(&state.store, &state.config.files, &me.audit, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file_type.media_type().to_string()),
            (header::CONTENT_DISPOSITION, hearth_domain::documents::content_disposition("Fit note", file_type)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
