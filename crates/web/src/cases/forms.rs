//! The forms that open a case and add to it. Each validates in the domain, saves in one store
//! transaction (with its chronology entry and audit event) and shows a GOV.UK error summary when
//! something needs fixing. Stale saves are refused with the conflict page, never overwritten.

use axum::Form;
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

use super::{for_change, long_date, today};
use crate::components::{Choices, Input, Select, Textarea};
use crate::form::{ConflictPage, ConflictRow, FormPage, all_of, form_page, one_of, pairs, show, show_conflict, version_of};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

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
        Choices::new(true, "law", "Law type", &codes(LawType::ALL, LawType::code, LawType::label), std::slice::from_ref(&f.law)).errors(errors).to_string(),
        Choices::new(false, "applications", "What the court was asked for", &codes(ApplicationKind::ALL, ApplicationKind::code, ApplicationKind::label), &f.applications)
            .hint("Select all that apply. Child arrangements, prohibited steps and specific issue are private law; care and supervision orders are public law.")
            .errors(errors)
            .to_string(),
        Select::new("court_id", "Court", Some("Select a court"), &courts, &f.court_id).errors(errors).to_string(),
        Select::new("local_authority_id", "Local authority", Some("None (private law)"), &las, &f.local_authority_id)
            .hint("Public law: the authority that applied.")
            .errors(errors)
            .to_string(),
        Select::new("team_id", "Team", Some("Select a team"), &creatable_teams(state, me).await?, &team).errors(errors).to_string(),
        Input::text("received_on", "Date received").kind("date").classes("govuk-input--width-10").value(&f.received_on).errors(errors).to_string(),
        Choices::new(false, "urgent", "Urgency", &[("yes", "Urgent: a referral to the local authority is needed")], std::slice::from_ref(&f.urgent)).errors(errors).to_string(),
        Input::text("first_hearing_on", "First hearing (FHDRA) date").hint("Private law: the date the court listed.").kind("date").classes("govuk-input--width-10").value(&f.first_hearing_on).errors(errors).to_string(),
        Input::text("issued_on", "Date the application was issued").hint("Public law.").kind("date").classes("govuk-input--width-10").value(&f.issued_on).errors(errors).to_string(),
        Choices::new(false, "flags", "Flags (optional)", &codes(CaseFlag::ALL, CaseFlag::code, CaseFlag::label), &f.flags).errors(errors).to_string(),
    ];
    page.button = "Open the case".into();
    Ok(page)
}

pub async fn new_case_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let f = CaseForm { received_on: hearth_store::date_text(today()), ..Default::default() };
    Ok(show(&new_case_page(&state, &ctx, &me, &f, &[]).await?, &[]))
}

fn case_form_from(body: &str) -> CaseForm {
    let p = pairs(body);
    CaseForm {
        court_case_number: one_of(&p, "court_case_number"),
        law: one_of(&p, "law"),
        applications: all_of(&p, "applications"),
        court_id: one_of(&p, "court_id"),
        local_authority_id: one_of(&p, "local_authority_id"),
        team_id: one_of(&p, "team_id"),
        received_on: one_of(&p, "received_on"),
        urgent: one_of(&p, "urgent"),
        first_hearing_on: one_of(&p, "first_hearing_on"),
        issued_on: one_of(&p, "issued_on"),
        flags: all_of(&p, "flags"),
    }
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

pub async fn create_case(State(state): State<AppState>, ctx: PageCtx, me: Ctx, body: String) -> Result<Response, AppError> {
    let f = case_form_from(&body);
    let errors = match open_new_case(&state, &me, &f).await? {
        Ok((id, _)) => return Ok(to_case(id)),
        Err(errors) => errors,
    };
    Ok(show(&new_case_page(&state, &ctx, &me, &f, &errors).await?, &errors))
}

// ---- Notes ----

fn note_fields(f: &NoteForm, errors: &[FieldError]) -> Vec<String> {
    let kinds: Vec<(&str, &str)> = EntryKind::NOTES.iter().map(|k| (k.code(), k.label())).collect();
    vec![
        Choices::new(true, "kind", "Type of note", &kinds, std::slice::from_ref(&f.kind)).errors(errors).to_string(),
        Input::text("occurred_on", "Date it happened").kind("date").classes("govuk-input--width-10").value(&f.occurred_on).errors(errors).to_string(),
        Input::text("summary", "Summary").hint("One line that will make sense in the chronology.").value(&f.summary).errors(errors).to_string(),
        Textarea::new("body", "Note").rows(10).dictation().value(&f.body).errors(errors).to_string(),
    ]
}

pub async fn new_note_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let f = NoteForm { occurred_on: hearth_store::date_text(today()), ..Default::default() };
    let mut page = case_form(&ctx, &case, "Add a note", "notes/new", &[]);
    page.draft_key = Some(format!("note:{id}"));
    page.fields = note_fields(&f, &[]);
    page.button = "Save note".into();
    Ok(show(&page, &[]))
}

pub async fn add_note(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<NoteForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let errors = match f.validate(today()) {
        Ok(note) => {
            cases::add_note(&state.store, &me.audit, id, &note).await?;
            return Ok(Redirect::to(&format!("/cases/{id}#chronology")).into_response());
        }
        Err(errors) => errors,
    };
    let mut page = case_form(&ctx, &case, "Add a note", "notes/new", &errors);
    page.draft_key = Some(format!("note:{id}"));
    page.fields = note_fields(&f, &errors);
    page.button = "Save note".into();
    Ok(show(&page, &errors))
}

#[derive(Deserialize)]
pub struct EditNoteForm {
    #[serde(flatten)]
    note: NoteForm,
    version: Option<i64>,
}

pub async fn edit_note_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, entry_id)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let e = cases::entry_of(&state.store, id, entry_id).await?;
    let f = NoteForm { kind: e.kind.code().into(), occurred_on: hearth_store::date_text(e.occurred_on), summary: e.summary, body: e.body.unwrap_or_default() };
    let mut page = case_form(&ctx, &case, "Change a note", &format!("notes/{entry_id}/edit"), &[]);
    page.intro = Some("Notes can be changed for 24 hours after they are written. After that, add an addendum.".into());
    page.version = Some(e.version);
    page.fields = note_fields(&f, &[]);
    Ok(show(&page, &[]))
}

pub async fn edit_note(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, entry_id)): Path<(Uuid, Uuid)>, Form(f): Form<EditNoteForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let errors = match f.note.validate(today()) {
        Ok(note) => {
            let version = f.version.ok_or_else(|| AppError::Invalid(vec![FieldError::new("version", "The form was incomplete. Reload the page and try again")]))?;
            return match cases::edit_note(&state.store, &me.audit, id, entry_id, &note, version).await {
                Ok(()) => Ok(Redirect::to(&format!("/cases/{id}/chronology")).into_response()),
                Err(StoreError::Conflict { .. }) => note_conflict(&state, &ctx, &case, entry_id, &f.note).await,
                Err(e) => Err(e.into()),
            };
        }
        Err(errors) => errors,
    };
    let mut page = case_form(&ctx, &case, "Change a note", &format!("notes/{entry_id}/edit"), &errors);
    page.version = f.version;
    page.fields = note_fields(&f.note, &errors);
    Ok(show(&page, &errors))
}

/// The note as saved now beside the person's refused edit.
async fn note_conflict(state: &AppState, ctx: &PageCtx, case: &CaseRecord, entry_id: Uuid, yours: &NoteForm) -> Result<Response, AppError> {
    let saved = cases::entry_of(&state.store, case.id, entry_id).await?;
    let mut page = ConflictPage::new(ctx, "note", format!("/cases/{}/notes/{entry_id}/edit", case.id), format!("/cases/{}/chronology", case.id), saved.version);
    page.caption = Some(case.reference.clone());
    page.changed_by = saved.author.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    let yours_kind = EntryKind::from_code(&yours.kind).map(|k| k.label().to_string()).unwrap_or_default();
    page.rows = vec![
        ConflictRow::new("Type", saved.kind.label(), yours_kind),
        ConflictRow::new("Date", long_date(saved.occurred_on), optional_date("occurred_on", "", &yours.occurred_on).ok().flatten().map(long_date).unwrap_or_default()),
        ConflictRow::new("Summary", saved.summary, yours.summary.clone()),
        ConflictRow::new("Note", saved.body.unwrap_or_default(), yours.body.clone()),
    ];
    page.resubmit = vec![
        ("kind".into(), yours.kind.clone()),
        ("occurred_on".into(), yours.occurred_on.clone()),
        ("summary".into(), yours.summary.clone()),
        ("body".into(), yours.body.clone()),
    ];
    Ok(show_conflict(&page))
}

#[derive(Deserialize, Default)]
pub struct AddendumForm {
    #[serde(default)]
    body: String,
}

async fn addendum_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, entry_id: Uuid, body: &str, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let e = cases::entry_of(&state.store, case.id, entry_id).await?;
    let mut page = case_form(ctx, case, "Add an addendum", &format!("notes/{entry_id}/addendum"), errors);
    page.intro = Some(format!("The note “{}” ({}) stays exactly as it is. The addendum is shown with it, with your name and today's date.", e.summary, long_date(e.occurred_on)));
    page.fields = vec![Textarea::new("body", "Addendum").rows(6).dictation().value(body).errors(errors).to_string()];
    page.button = "Save addendum".into();
    Ok(page)
}

pub async fn addendum_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, entry_id)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&addendum_page(&state, &ctx, &case, entry_id, "", &[]).await?, &[]))
}

pub async fn add_addendum(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, entry_id)): Path<(Uuid, Uuid)>, Form(f): Form<AddendumForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    match hearth_domain::text::required("body", "the addendum", &f.body, 20_000) {
        Ok(text) => {
            cases::add_addendum(&state.store, &me.audit, id, entry_id, &text).await?;
            Ok(Redirect::to(&format!("/cases/{id}/chronology")).into_response())
        }
        Err(e) => {
            let errors = vec![e];
            Ok(show(&addendum_page(&state, &ctx, &case, entry_id, &f.body, &errors).await?, &errors))
        }
    }
}

// ---- People ----

async fn person_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, f: &ParticipantForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "Add a child or adult", "people/new", errors);
    let (_, las) = options(state).await?;
    page.fields = vec![
        Input::text("full_name", "Full name").autocomplete("off").value(&f.full_name).errors(errors).to_string(),
        Choices::new(true, "role", "Their part in the case", &codes(PartyRole::ALL, PartyRole::code, PartyRole::label), std::slice::from_ref(&f.role)).errors(errors).to_string(),
        Input::text("date_of_birth", "Date of birth").hint("Needed for a child.").kind("date").classes("govuk-input--width-10").value(&f.date_of_birth).errors(errors).to_string(),
        Select::new("relationship", "Relationship to the children", Some("Not applicable (a child)"), &codes(Relationship::ALL, Relationship::code, Relationship::label).into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>(), &f.relationship).errors(errors).to_string(),
        Choices::new(true, "contact", "How they agreed to be contacted (adults)", &codes(ContactChannel::ALL, ContactChannel::code, ContactChannel::label), std::slice::from_ref(&f.contact))
            .hint("Text messages carry reminders only, never case details.")
            .errors(errors)
            .to_string(),
        Choices::new(false, "no_texts", "Text messages", &[("yes", "Do not contact by text")], std::slice::from_ref(&f.no_texts)).errors(errors).to_string(),
        Choices::new(false, "address_withheld", "Address", &[("yes", "Withhold their address from the other party")], std::slice::from_ref(&f.address_withheld)).errors(errors).to_string(),
        Input::text("interpreter_language", "Interpreter needed (optional)").hint("The language, for example Polish or British Sign Language.").value(&f.interpreter_language).errors(errors).to_string(),
        Input::text("address_line", "Current address (optional)").autocomplete("off").value(&f.address_line).errors(errors).to_string(),
        Input::text("postcode", "Postcode").classes("govuk-input--width-10").autocomplete("off").value(&f.postcode).errors(errors).to_string(),
        Select::new("local_authority_id", "Local authority for this address", Some("Not known"), &las, &f.local_authority_id).errors(errors).to_string(),
        Input::text("address_from", "Lived there since").kind("date").classes("govuk-input--width-10").value(&f.address_from).errors(errors).to_string(),
    ];
    page.button = "Add to the case".into();
    Ok(page)
}

pub async fn new_person_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&person_page(&state, &ctx, &case, &ParticipantForm::default(), &[]).await?, &[]))
}

pub async fn add_person(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ParticipantForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let errors = match f.validate(today()) {
        Ok(p) => match cases::add_participant(&state.store, &me.audit, id, &p).await {
            Ok(_) => return Ok(Redirect::to(&format!("/cases/{id}#people")).into_response()),
            Err(e) => field_error(e, "local_authority_id", "Select a local authority from the list")?,
        },
        Err(errors) => errors,
    };
    Ok(show(&person_page(&state, &ctx, &case, &f, &errors).await?, &errors))
}

// ---- Hearings and filing dates ----

async fn hearing_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, f: &HearingForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "List a hearing", "hearings/new", errors);
    let (courts, _) = options(state).await?;
    let court = if f.court_id.is_empty() { case.court.id.to_string() } else { f.court_id.clone() };
    page.fields = vec![
        Choices::new(true, "kind", "Type of hearing", &codes(HearingKind::ALL, HearingKind::code, HearingKind::label), std::slice::from_ref(&f.kind)).errors(errors).to_string(),
        Input::text("date", "Date").kind("date").classes("govuk-input--width-10").value(&f.date).errors(errors).to_string(),
        Input::text("time", "Start time").hint("For example, 10:00.").kind("time").classes("govuk-input--width-5").value(&f.time).errors(errors).to_string(),
        Select::new("court_id", "Court", Some("Select a court"), &courts, &court).errors(errors).to_string(),
    ];
    page.button = "List the hearing".into();
    Ok(page)
}

pub async fn new_hearing_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&hearing_page(&state, &ctx, &case, &HearingForm::default(), &[]).await?, &[]))
}

pub async fn add_hearing(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<HearingForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let errors = match f.validate() {
        Ok(h) => match cases::add_hearing(&state.store, &me.audit, id, &h).await {
            Ok(_) => return Ok(Redirect::to(&format!("/cases/{id}#hearings")).into_response()),
            Err(e) => field_error(e, "court_id", "Select a court from the list")?,
        },
        Err(errors) => errors,
    };
    Ok(show(&hearing_page(&state, &ctx, &case, &f, &errors).await?, &errors))
}

#[derive(Deserialize, Default)]
pub struct FilingForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    due_on: String,
}

fn filing_page(ctx: &PageCtx, case: &CaseRecord, f: &FilingForm, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Add a filing date the court set", "filing-dates/new", errors);
    page.intro = Some("Court-set dates are authoritative: the deadline and a task for the allocated worker follow from this.".into());
    page.fields = vec![
        Input::text("direction", "What must be filed").hint("For example, a section 7 report.").value(&f.direction).errors(errors).to_string(),
        Input::text("due_on", "File by").kind("date").classes("govuk-input--width-10").value(&f.due_on).errors(errors).to_string(),
    ];
    page.button = "Add the filing date".into();
    page
}

pub async fn new_filing_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&filing_page(&ctx, &case, &FilingForm::default(), &[]), &[]))
}

pub async fn add_filing(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<FilingForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let mut errors = Collect::default();
    let direction = errors.keep(hearth_domain::text::required("direction", "what must be filed", &f.direction, 150));
    let due = errors.keep(hearth_domain::org::parse_date("due_on", "the filing date", &f.due_on));
    if let (Some(direction), Some(due)) = (direction, due)
        && errors.is_empty()
    {
        cases::add_filing_date(&state.store, &me.audit, id, &direction, due).await?;
        return Ok(Redirect::to(&format!("/cases/{id}#deadlines")).into_response());
    }
    Ok(show(&filing_page(&ctx, &case, &f, &errors.0), &errors.0))
}

// ---- Stage, allocation and closure ----

fn stage_page(ctx: &PageCtx, case: &CaseRecord, chosen: &str, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Change the stage", "stage", errors);
    page.version = Some(case.version);
    page.intro = Some(format!("Now: {}. Cases move forward through their stages. To close the case, use “Close the case”.", case.stage.label()));
    let options: Vec<(&str, &str)> = case.law.path().iter().filter(|s| stage_move_allowed(case.law, case.stage, **s).is_ok()).map(|s| (s.code(), s.label())).collect();
    page.fields = vec![Choices::new(true, "stage", "Move to", &options, &[chosen.to_string()]).errors(errors).to_string()];
    page
}

pub async fn stage_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&stage_page(&ctx, &case, "", &[]), &[]))
}

pub async fn set_stage(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let p = pairs(&body);
    let chosen = one_of(&p, "stage");
    let error = match Stage::from_code(&chosen) {
        None => "Select the stage to move to".to_string(),
        Some(to) => match stage_move_allowed(case.law, case.stage, to) {
            Ok(()) => {
                cases::set_stage(&state.store, &me.audit, id, case.stage, to, version_of(&p)?).await?;
                return Ok(to_case(id));
            }
            Err(why) => why.to_string(),
        },
    };
    let errors = vec![FieldError::new("stage", error)];
    Ok(show(&stage_page(&ctx, &case, &chosen, &errors), &errors))
}

fn close_page(ctx: &PageCtx, case: &CaseRecord, reason: &str, outcome: &str, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Close the case", "close", errors);
    page.version = Some(case.version);
    page.intro = Some("The record is kept. A goodbye-letter task is made for each child, for the allocated worker.".into());
    page.fields = vec![
        Choices::new(true, "reason", "Why is the case closing?", &codes(ClosureReason::ALL, ClosureReason::code, ClosureReason::label), &[reason.to_string()]).errors(errors).to_string(),
        Textarea::new("outcome", "Outcome").hint("What the court decided, or what happened.").value(outcome).errors(errors).to_string(),
    ];
    page.button = "Close the case".into();
    page.warning = true;
    page
}

pub async fn close_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&close_page(&ctx, &case, "", "", &[]), &[]))
}

pub async fn close(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let p = pairs(&body);
    let (reason, outcome) = (one_of(&p, "reason"), one_of(&p, "outcome"));
    let mut errors = Collect::default();
    let r = errors.keep(ClosureReason::from_code(&reason).ok_or_else(|| FieldError::new("reason", "Select why the case is closing")));
    let o = errors.keep(hearth_domain::text::required("outcome", "the outcome", &outcome, 5_000));
    if let (Some(r), Some(o)) = (r, o) {
        cases::close(&state.store, &state.config.deadlines, &me.audit, id, r, &o, version_of(&p)?).await?;
        return Ok(to_case(id));
    }
    Ok(show(&close_page(&ctx, &case, &reason, &outcome, &errors.0), &errors.0))
}

// ---- Checks and tasks ----

#[derive(Deserialize, Default)]
pub struct CheckForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    requested_on: String,
    #[serde(default)]
    returned_on: String,
    #[serde(default)]
    result_summary: String,
    version: Option<i64>,
}

fn check_page(ctx: &PageCtx, case: &CaseRecord, check: &cases::Check, f: &CheckForm, errors: &[FieldError]) -> FormPage {
    let what = match &check.local_authority {
        Some(la) => format!("{} – {}", check.kind.label(), la.name),
        None => check.kind.label().to_string(),
    };
    let mut page = case_form(ctx, case, &format!("Update: {what}"), &format!("checks/{}", check.id), errors);
    page.version = Some(f.version.unwrap_or(check.version));
    page.fields = vec![
        Choices::new(true, "status", "Status", &codes(CheckStatus::ALL, CheckStatus::code, CheckStatus::label), std::slice::from_ref(&f.status)).errors(errors).to_string(),
        Input::text("requested_on", "Date requested").kind("date").classes("govuk-input--width-10").value(&f.requested_on).errors(errors).to_string(),
        Input::text("returned_on", "Date returned").kind("date").classes("govuk-input--width-10").value(&f.returned_on).errors(errors).to_string(),
        Textarea::new("result_summary", "Result summary").hint("What the check found. Needed once it has come back.").value(&f.result_summary).errors(errors).to_string(),
    ];
    page
}

async fn check_of(state: &AppState, case_id: Uuid, check_id: Uuid) -> Result<cases::Check, AppError> {
    cases::checks(&state.store, case_id).await?.into_iter().find(|c| c.id == check_id).ok_or(AppError::NotFound)
}

pub async fn check_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, check_id)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let c = check_of(&state, id, check_id).await?;
    let f = CheckForm {
        status: c.status.code().into(),
        requested_on: c.requested_on.map(hearth_store::date_text).unwrap_or_default(),
        returned_on: c.returned_on.map(hearth_store::date_text).unwrap_or_default(),
        result_summary: c.result_summary.clone().unwrap_or_default(),
        version: Some(c.version),
    };
    Ok(show(&check_page(&ctx, &case, &c, &f, &[]), &[]))
}

pub async fn update_check(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, check_id)): Path<(Uuid, Uuid)>, Form(f): Form<CheckForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let c = check_of(&state, id, check_id).await?;
    let mut errors = Collect::default();
    let status = errors.keep(CheckStatus::from_code(f.status.trim()).ok_or_else(|| FieldError::new("status", "Select the status")));
    let requested = errors.keep(optional_date("requested_on", "the date requested", &f.requested_on));
    let returned = errors.keep(optional_date("returned_on", "the date returned", &f.returned_on));
    let summary = f.result_summary.trim();
    if let (Some(status), Some(requested), Some(returned)) = (status, requested, returned) {
        if status != CheckStatus::NotRequested && requested.is_none() {
            errors.push(FieldError::new("requested_on", "Enter the date the check was requested"));
        }
        if status == CheckStatus::Returned && returned.is_none() {
            errors.push(FieldError::new("returned_on", "Enter the date the check came back"));
        }
        if status == CheckStatus::Returned && summary.is_empty() {
            errors.push(FieldError::new("result_summary", "Enter what the check found"));
        }
        if let (Some(r), Some(b)) = (requested, returned)
            && b < r
        {
            errors.push(FieldError::new("returned_on", "The date returned must be on or after the date requested"));
        }
        if errors.is_empty() {
            let version = f.version.ok_or_else(|| AppError::Invalid(vec![FieldError::new("version", "The form was incomplete. Reload the page and try again")]))?;
            let saved_summary = (!summary.is_empty()).then_some(summary);
            return match cases::update_check(&state.store, &me.audit, id, check_id, status, requested, returned, saved_summary, version).await {
                Ok(()) => Ok(Redirect::to(&format!("/cases/{id}#checks")).into_response()),
                Err(StoreError::Conflict { .. }) => {
                    // `c` was read with this request: it is the check as saved now.
                    let saved = c;
                    let date = |d: Option<time::Date>| d.map(long_date).unwrap_or_default();
                    let mut page = ConflictPage::new(&ctx, "check", format!("/cases/{id}/checks/{check_id}"), format!("/cases/{id}#checks"), saved.version);
                    page.caption = Some(case.reference.clone());
                    page.rows = vec![
                        ConflictRow::new("Status", saved.status.label(), status.label()),
                        ConflictRow::new("Requested", date(saved.requested_on), date(requested)),
                        ConflictRow::new("Returned", date(saved.returned_on), date(returned)),
                        ConflictRow::new("Result", saved.result_summary.unwrap_or_default(), summary),
                    ];
                    page.resubmit = vec![
                        ("status".into(), f.status.clone()),
                        ("requested_on".into(), f.requested_on.clone()),
                        ("returned_on".into(), f.returned_on.clone()),
                        ("result_summary".into(), f.result_summary.clone()),
                    ];
                    Ok(show_conflict(&page))
                }
                Err(e) => Err(e.into()),
            };
        }
    }
    Ok(show(&check_page(&ctx, &case, &c, &f, &errors.0), &errors.0))
}

/// Adds the local-authority checks the case still needs, one per authority.
pub async fn new_checks_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let missing = cases::missing_la_checks(&state.store, id).await?;
    let mut page = case_form(&ctx, &case, "Add local-authority checks", "checks/new", &[]);
    let options: Vec<(String, String)> = missing.iter().map(|l| (l.id.to_string(), l.name.clone())).collect();
    let opts: Vec<(&str, &str)> = options.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    page.intro = Some("These authorities cover an address a child or party has lived at since the eldest child's birth.".into());
    page.fields = vec![Choices::new(false, "local_authority_id", "Authorities to check with", &opts, &[]).to_string()];
    page.button = "Add the checks".into();
    Ok(show(&page, &[]))
}

pub async fn add_checks(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let chosen = all_of(&pairs(&body), "local_authority_id");
    if chosen.is_empty() {
        let errors = vec![FieldError::new("local_authority_id", "Select at least one local authority")];
        let mut page = case_form(&ctx, &case, "Add local-authority checks", "checks/new", &errors);
        page.fields = vec![Choices::new(false, "local_authority_id", "Authorities to check with", &[], &[]).errors(&errors).to_string()];
        return Ok(show(&page, &errors));
    }
    for la in chosen {
        let la = Uuid::parse_str(&la).map_err(|_| AppError::Invalid(vec![FieldError::new("local_authority_id", "Select local authorities from the list")]))?;
        match cases::add_la_check(&state.store, &me.audit, id, la).await {
            Ok(_) | Err(StoreError::Duplicate { .. }) => {}
            Err(StoreError::MissingReference { .. }) => return Err(AppError::Invalid(vec![FieldError::new("local_authority_id", "Select local authorities from the list")])),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Redirect::to(&format!("/cases/{id}#checks")).into_response())
}

#[derive(Deserialize, Default)]
pub struct TaskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
}

fn task_page(ctx: &PageCtx, case: &CaseRecord, f: &TaskForm, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Add a task", "tasks/new", errors);
    page.intro = Some(match &case.allocated_to {
        Some(w) => format!("The task goes to {}, the allocated worker.", w.name),
        None => "The case is not allocated: the task goes to whoever is allocated next.".into(),
    });
    page.fields = vec![
        Input::text("title", "Task").value(&f.title).errors(errors).to_string(),
        Input::text("due_on", "Due (optional)").kind("date").classes("govuk-input--width-10").value(&f.due_on).errors(errors).to_string(),
    ];
    page.button = "Add the task".into();
    page
}

pub async fn new_task_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&task_page(&ctx, &case, &TaskForm::default(), &[]), &[]))
}

pub async fn add_task(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<TaskForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let mut errors = Collect::default();
    let title = errors.keep(hearth_domain::text::required("title", "the task", &f.title, 150));
    let due = errors.keep(optional_date("due_on", "the due date", &f.due_on));
    if let (Some(title), Some(due)) = (title, due) {
        cases::add_task(&state.store, &me.audit, id, &title, case.allocated_to.as_ref().map(|w| w.id), due).await?;
        return Ok(Redirect::to(&format!("/cases/{id}#tasks")).into_response());
    }
    Ok(show(&task_page(&ctx, &case, &f, &errors.0), &errors.0))
}

pub async fn complete_task(State(state): State<AppState>, me: Ctx, Path((id, task_id)): Path<(Uuid, Uuid)>, body: String) -> Result<Response, AppError> {
    open_case(&state, &me, id).await?;
    cases::complete_task(&state.store, &me.audit, id, task_id, version_of(&pairs(&body))?).await?;
    Ok(Redirect::to(&format!("/cases/{id}#tasks")).into_response())
}

// ---- Break-glass ----

/// Whether the caller needs and may use break-glass on this case; or where to go instead.
async fn glass_needed(state: &AppState, me: &Ctx, id: Uuid) -> Result<Option<Response>, AppError> {
    let placement = cases::placement(&state.store, id).await?;
    if me.may(Permission::ViewCase, &Relationships::to_case(&me.principal.placement, &placement)) || cases::has_break_glass(&state.store, id, me.id()).await? {
        return Ok(Some(to_case(id)));
    }
    if !may_break_glass(&me.principal.roles, Permission::ViewCase, placement.restricted) {
        return Err(me.refuse(state, "case", id).await?);
    }
    Ok(None)
}

fn glass_page(ctx: &PageCtx, id: Uuid, reason: &str, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Open a case you are not working on", format!("/cases/{id}/break-glass"), errors);
    page.back = "/cases".into();
    page.intro = Some(format!(
        "You will be able to read this case for {BREAK_GLASS_HOURS} hours. Your reason and every page you open are recorded, and the case's manager is told straight away."
    ));
    page.fields = vec![Textarea::new("reason", "Why do you need to open this case?").hint("For example, covering a hearing today for a colleague who is off sick.").rows(4).value(reason).errors(errors).to_string()];
    page.button = "Open the case".into();
    page.warning = true;
    page
}

pub async fn break_glass_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    if let Some(go) = glass_needed(&state, &me, id).await? {
        return Ok(go);
    }
    Ok(show(&glass_page(&ctx, id, "", &[]), &[]))
}

#[derive(Deserialize, Default)]
pub struct GlassForm {
    #[serde(default)]
    reason: String,
}

pub async fn break_glass(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<GlassForm>) -> Result<Response, AppError> {
    if let Some(go) = glass_needed(&state, &me, id).await? {
        return Ok(go);
    }
    let reason = hearth_domain::text::required("reason", "why you need to open this case", &f.reason, 500).and_then(|r| {
        if r.chars().count() < 10 { Err(FieldError::new("reason", "Give a reason a reviewer will understand, of at least 10 characters")) } else { Ok(r) }
    });
    match reason {
        Ok(reason) => {
            cases::break_glass(&state.store, &me.audit, id, me.id(), &reason, BREAK_GLASS_HOURS).await?;
            Ok(to_case(id))
        }
        Err(e) => {
            let errors = vec![e];
            Ok(show(&glass_page(&ctx, id, &f.reason, &errors), &errors))
        }
    }
}

/// Dismisses one of the caller's alerts.
pub async fn dismiss_alert(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    cases::dismiss_alert(&state.store, &me.audit, me.id(), id).await?;
    Ok(Redirect::to("/").into_response())
}
