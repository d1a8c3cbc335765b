//! The forms that open a case and add to it. Each validates in the domain, saves in one store
//! transaction (with its chronology entry and audit event) and shows a GOV.UK error summary when
//! something needs fixing. Stale saves are refused with the conflict page, never overwritten.
//! Opening a case is here; each part of a case added to has a module of its own.

use crate::form::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::access::{BREAK_GLASS_HOURS, Permission, Relationships, may_break_glass, permits};
use hearth_domain::cases::{
    ApplicationKind, CaseFlag, CaseForm, CaseStatus, CheckStatus, ClosureReason, ContactChannel, EntryKind, HearingForm, HearingKind, LawType, NoteForm,
    ParticipantForm, PartyRole, Relationship, Stage, optional_date, stage_move_allowed,
};
use hearth_domain::{Collect, FieldError, FieldErrors};
use hearth_store::StoreError;
use hearth_store::cases::{self, CaseRecord};
use serde::Deserialize;
use uuid::Uuid;

use super::for_change;
use crate::dates::{long_date, today};
use crate::components::{Choices, DateInput, Input, Select, Textarea};
use crate::form::{ConflictPage, ConflictRow, FormPage, form_page, show, show_conflict};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

mod checks;
mod glass;
mod hearings;
mod notes;
mod people;
mod stage;

pub use checks::*;
pub use glass::*;
pub use hearings::*;
pub use notes::*;
pub use people::*;
pub use stage::*;

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|x| (code(*x), label(*x))).collect()
}

pub(crate) fn to_case(id: Uuid) -> Response {
    Redirect::to(&format!("/cases/{id}")).into_response()
}

/// A form page about one case: back to it, its reference as the caption.
pub(crate) fn case_form(ctx: &PageCtx, case: &CaseRecord, heading: &str, action: &str, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, heading, format!("/cases/{}/{action}", case.id), errors);
    page.back = format!("/cases/{}", case.id);
    page.caption = Some(case.reference.clone());
    page
}

/// An open case the caller may change, or the reason not.
pub(crate) async fn open_case(state: &AppState, me: &Ctx, id: Uuid) -> Result<CaseRecord, AppError> {
    let case = for_change(state, me, id).await?;
    if case.status == CaseStatus::Closed {
        return Err(StoreError::Closed.into());
    }
    Ok(case)
}

/// A store refusal a person can fix becomes a field error on the form.
pub(super) fn field_error(e: StoreError, field: &'static str, message: &str) -> Result<FieldErrors, AppError> {
    match e {
        StoreError::MissingReference { .. } | StoreError::Duplicate { .. } => Ok(vec![FieldError::new(field, message)]),
        other => Err(other.into()),
    }
}

// ---- Opening a case ----

async fn options(state: &AppState) -> Result<(Vec<(String, String)>, Vec<(String, String)>), AppError> {
    let courts = hearth_store::org::courts(&state.store).await?.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
    let las = hearth_store::org::local_authorities(&state.store).await?.into_iter().map(|l| (l.id.to_string(), l.name)).collect();
    Ok((courts, las))
}

/// Teams the caller may open cases for.
async fn creatable_teams(state: &AppState, me: &Ctx) -> Result<Vec<(String, String)>, AppError> {
    Ok(hearth_store::org::teams(&state.store, None)
        .await?
        .into_iter()
        .filter(|t| permits(&me.principal.roles, Permission::CreateCase, &Relationships::to_team(&me.principal.placement, t.id, t.service_area.id)))
        .map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name)))
        .collect())
}

async fn new_case_page(state: &AppState, ctx: &PageCtx, me: &Ctx, f: &CaseForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = form_page(ctx, "Open a case", "/cases/new".into(), errors);
    page.back = "/cases".into();
    page.intro = Some("Add the children and adults once the case is open. Deadlines follow from the dates you enter here.".into());
    let (courts, las) = options(state).await?;
    let team = if f.team_id.is_empty() { me.principal.placement.team_id.map(|t| t.to_string()).unwrap_or_default() } else { f.team_id.clone() };
    page.fields = vec![
        Input::text("court_case_number", "Court case number").hint("For example, LV26P01234.").classes("govuk-input--width-20").no_spellcheck().value(&f.court_case_number).errors(errors).to_string(),
        // Each law type's own fields appear under it once it is chosen (all of them without
        // JavaScript); they are read, and checked against the law type, the same either way.
        Choices::new(true, "law", "Law type", &codes(LawType::ALL, LawType::code, LawType::label), std::slice::from_ref(&f.law))
            .reveal(
                LawType::Private.code(),
                DateInput::new("first_hearing_on", "First hearing (FHDRA) date").hint("The date the court listed.").value(&f.first_hearing_on).errors(errors).to_string(),
            )
            .reveal(
                LawType::Public.code(),
                Select::new("local_authority_id", "Local authority", Some("Select the local authority"), &las, &f.local_authority_id).hint("The authority that applied.").errors(errors).to_string()
                    + &DateInput::new("issued_on", "Date the application was issued").value(&f.issued_on).errors(errors).to_string(),
            )
            .errors(errors)
            .to_string(),
        Choices::new(false, "applications", "What the court was asked for", &codes(ApplicationKind::ALL, ApplicationKind::code, ApplicationKind::label), &f.applications)
            .hint("Select all that apply. Child arrangements, prohibited steps and specific issue are private law; care and supervision orders are public law.")
            .errors(errors)
            .to_string(),
        Select::new("court_id", "Court", Some("Select a court"), &courts, &f.court_id).errors(errors).to_string(),
        Select::new("team_id", "Team", Some("Select a team"), &creatable_teams(state, me).await?, &team).errors(errors).to_string(),
        DateInput::new("received_on", "Date received").value(&f.received_on).errors(errors).to_string(),
        Choices::new(false, "urgent", "Urgency", &[("yes", "Urgent: a referral to the local authority is needed")], std::slice::from_ref(&f.urgent)).errors(errors).to_string(),
        Choices::new(false, "flags", "Flags (optional)", &codes(CaseFlag::ALL, CaseFlag::code, CaseFlag::label), &f.flags).errors(errors).to_string(),
    ];
    page.button = "Open the case".into();
    Ok(page)
}

pub async fn new_case_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let f = CaseForm { received_on: hearth_store::date_text(today()), ..Default::default() };
    Ok(show(&new_case_page(&state, &ctx, &me, &f, &[]).await?, &[]))
}

/// Validates and opens a case for a team the caller may open cases in. Shared with the API.
pub async fn open_new_case(state: &AppState, me: &Ctx, f: &CaseForm) -> Result<Result<(Uuid, String), FieldErrors>, AppError> {
    let case = match f.validate(today()) {
        Ok(c) => c,
        Err(errors) => return Ok(Err(errors)),
    };
    let team = match hearth_store::org::team(&state.store, case.team_id).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => return Ok(Err(vec![FieldError::new("team_id", "Select a team from the list")])),
        Err(e) => return Err(e.into()),
    };
    if !permits(&me.principal.roles, Permission::CreateCase, &Relationships::to_team(&me.principal.placement, team.id, team.service_area.id)) {
        // Answered on the form, but a refusal all the same: recorded like any other.
        me.refuse(state, "team", team.id).await?;
        return Ok(Err(vec![FieldError::new("team_id", "Select a team you can open cases for")]));
    }
    let deadlines = hearth_domain::cases::deadlines::deadlines(
        case.law,
        &hearth_domain::cases::deadlines::CaseDates {
            received_on: Some(case.received_on),
            urgent: case.urgent,
            first_hearing_on: case.first_hearing_on,
            issued_on: case.issued_on,
            filing_dates: vec![],
        },
        &state.config.deadlines,
        &state.config.calendar,
    );
    match cases::create(&state.store, &me.audit, &case, &deadlines).await {
        Ok(created) => Ok(Ok(created)),
        Err(StoreError::MissingReference { field }) => Ok(Err(vec![FieldError::new(field, "Select an option from the list")])),
        Err(e) => Err(e.into()),
    }
}

pub async fn create_case(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(mut f): Form<CaseForm>) -> Result<Response, AppError> {
    // The page shows each law type's own fields only under it: those under the law type not
    // chosen were hidden from the person (if they changed their mind), so they are not read.
    match LawType::from_code(f.law.trim()) {
        Some(LawType::Private) => {
            f.local_authority_id.clear();
            f.issued_on.clear();
        }
        Some(LawType::Public) => f.first_hearing_on.clear(),
        None => {}
    }
    let errors = match open_new_case(&state, &me, &f).await? {
        Ok((id, _)) => return Ok(to_case(id)),
        Err(errors) => errors,
    };
    Ok(show(&new_case_page(&state, &ctx, &me, &f, &errors).await?, &errors))
}
