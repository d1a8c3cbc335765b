//! What limits who a case can go to, kept by managers and workers: time away, duties that take
//! capacity, a contracted case threshold, and conflicts of interest. Each is a form; the rules
//! that use them (eligibility, capacity) are the domain's, and the store enforces them on every
//! allocating path.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::workload::{AbsenceKind, DutyKind, Points};
use hearth_store::workload;
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{DateInput, Input, Select};
use crate::dates::today;
use crate::form::{Form, FormPage, form_page, show};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

// ---- Absences ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AbsenceForm {
    kind: String,
    first_day: String,
    last_day: String,
}

fn absence_page(ctx: &PageCtx, id: Uuid, name: &str, f: &AbsenceForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Record time away", format!("/staff/{id}/absences"), errors);
    page.back = format!("/staff/{id}/workload");
    page.caption = Some(name.to_string());
    page.intro = Some("While someone is away they are left out of allocation, and their cases show as covered. Annual leave is asked for on their leave page instead, so it comes off their balance.".into());
    // Annual leave is asked for and approved on the leave page, so it comes off the balance.
    let kinds: Vec<(String, String)> = AbsenceKind::ALL.iter().filter(|k| **k != AbsenceKind::AnnualLeave).map(|k| (k.code().to_string(), k.label().to_string())).collect();
    page.fields = vec![
        Select::new("kind", "Kind of absence", Some("Choose one"), &kinds, &f.kind).errors(errors).to_string(),
        DateInput::new("first_day", "First day away").value(&f.first_day).errors(errors).to_string(),
        DateInput::new("last_day", "Last day away").value(&f.last_day).errors(errors).to_string(),
    ];
    page.button = "Record time away".into();
    page
}

pub async fn absence_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&absence_page(&ctx, id, &record.name, &AbsenceForm::default(), &[]), &[]))
}

/// Reads an absence form: its kind and first and last days, in order.
pub fn parse_absence(f: &AbsenceForm) -> Result<(AbsenceKind, time::Date, time::Date), Vec<FieldError>> {
    let mut c = hearth_domain::Collect::default();
    let kind = c.keep(AbsenceKind::from_code(&f.kind).ok_or_else(|| FieldError::new("kind", "Choose the kind of absence")));
    let first = c.keep(hearth_domain::org::parse_date("first_day", "the first day away", &f.first_day));
    let last = c.keep(hearth_domain::org::parse_date("last_day", "the last day away", &f.last_day));
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

pub async fn record_absence(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AbsenceForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let errors = match parse_absence(&f) {
        Ok((kind, first, last)) => match workload::record_absence(&state.store, &me.audit, id, kind, first, last).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#time-away"), crate::saved::Saved::TimeAwayRecorded)),
            Err(hearth_store::StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&absence_page(&ctx, id, &record.name, &f, &errors), &errors))
}

pub async fn cancel_absence(State(state): State<AppState>, me: Ctx, Path((id, absence)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    workload::cancel_absence(&state.store, &me.audit, id, absence).await?;
    Ok(crate::saved::redirect(&state, &format!("/staff/{id}/workload#time-away"), crate::saved::Saved::TimeAwayCancelled))
}

// ---- Duties and the case cap ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DutyForm {
    kind: String,
    points: String,
    first_day: String,
    last_day: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CapForm {
    case_cap: String,
}

fn duty_page(ctx: &PageCtx, state: &AppState, id: Uuid, name: &str, f: &DutyForm, errors: &[FieldError]) -> FormPage {
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
        Select::new("kind", "Duty", Some("Choose one"), &kinds, &f.kind).errors(errors).to_string(),
        Input::text("points", "Points (optional)").inputmode("numeric").classes("govuk-input--width-4").value(&f.points).errors(errors).to_string(),
        DateInput::new("first_day", "From").value(&f.first_day).errors(errors).to_string(),
        DateInput::new("last_day", "Until (optional)").value(&f.last_day).errors(errors).to_string(),
    ];
    page.button = "Add the duty".into();
    page
}

pub async fn duty_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(show(&duty_page(&ctx, &state, id, &record.name, &DutyForm::default(), &[]), &[]))
}

pub async fn add_duty(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<DutyForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let mut c = hearth_domain::Collect::default();
    let kind = c.keep(DutyKind::from_code(&f.kind).ok_or_else(|| FieldError::new("kind", "Choose the duty")));
    let points = match f.points.trim() {
        "" => Some(kind.map(|k| state.config.workload.duty_points(k))),
        v => c.keep(v.parse::<i64>().ok().filter(|n| (0..=100).contains(n)).map(|n| Some(Points::whole(n))).ok_or_else(|| FieldError::new("points", "Enter points as a whole number from 0 to 100"))),
    };
    let first = c.keep(hearth_domain::org::parse_date("first_day", "the day it starts", &f.first_day));
    let last = match f.last_day.trim() {
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
    Ok(show(&duty_page(&ctx, &state, id, &record.name, &f, &c.0), &c.0))
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

pub async fn set_cap(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<CapForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let value = f.case_cap;
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


// ---- Declaring a conflict of interest ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConflictForm {
    person_id: String,
    reason: String,
}

async fn conflict_page(state: &AppState, ctx: &PageCtx, case_id: Uuid, f: &ConflictForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let case = hearth_store::cases::case_record(&state.store, case_id).await?;
    let people: Vec<(String, String)> = hearth_store::cases::participants(&state.store, case_id).await?.into_iter().map(|x| (x.person_id.to_string(), x.full_name)).collect();
    let mut page = form_page(ctx, "Declare a conflict of interest", format!("/cases/{case_id}/conflict"), errors);
    page.back = format!("/cases/{case_id}");
    page.caption = Some(case.reference);
    page.intro = Some("For example, you know someone in the case personally. You will not be suggested for this person's cases from now on, and if this case is yours your manager is told so they can reallocate it.".into());
    page.fields = vec![
        Select::new("person_id", "Who with", Some("Choose someone in the case"), &people, &f.person_id).errors(errors).to_string(),
        crate::components::Textarea::new("reason", "Why").rows(3).value(&f.reason).errors(errors).to_string(),
    ];
    page.button = "Declare the conflict".into();
    Ok(page)
}

pub async fn conflict_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    Ok(show(&conflict_page(&state, &ctx, id, &ConflictForm::default(), &[]).await?, &[]))
}

pub async fn declare_conflict(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ConflictForm>) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    let mut c = hearth_domain::Collect::default();
    let person = c.keep(hearth_domain::org::optional_id("person_id", "person", &f.person_id).and_then(|x| x.ok_or_else(|| FieldError::new("person_id", "Choose who the conflict is with"))));
    let reason = c.keep(hearth_domain::text::required("reason", "why there is a conflict", &f.reason, 1_000));
    if let (Some(person), Some(reason)) = (person, reason) {
        match workload::declare_conflict(&state.store, &me.audit, me.id(), id, person, &reason).await {
            Ok(_) => return Ok(crate::cases::forms::to_case(id)),
            Err(hearth_store::StoreError::Duplicate { .. }) => c.push(FieldError::new("person_id", "You have already declared a conflict with this person")),
            Err(hearth_store::StoreError::MissingReference { .. }) => c.push(FieldError::new("person_id", "Choose someone in the case")),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(show(&conflict_page(&state, &ctx, id, &f, &c.0).await?, &c.0))
}
