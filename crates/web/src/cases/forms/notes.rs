//! Notes in the chronology: a new note, its edit within a day (with the conflict page for a
//! stale one) and an addendum after it.

use super::*;

pub(crate) fn note_fields(f: &NoteForm, errors: &[FieldError]) -> Vec<String> {
    let kinds: Vec<(&str, &str)> = EntryKind::NOTES.iter().map(|k| (k.code(), k.label())).collect();
    vec![
        Choices::new(true, "kind", "Type of note", &kinds, std::slice::from_ref(&f.kind)).errors(errors).to_string(),
        DateInput::new("occurred_on", "Date it happened").value(&f.occurred_on).errors(errors).to_string(),
        Input::text("summary", "Summary").hint("One line that will make sense in the chronology.").value(&f.summary).errors(errors).to_string(),
        Input::text("place", "Where was it? (optional)")
            .hint("For a visit or a court attendance: a court's or an office's name, a town, or an address. Your mileage claim is filled in from it.")
            .value(&f.place)
            .errors(errors)
            .to_string(),
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
            return Ok(crate::saved::redirect(&state, &format!("/cases/{id}#chronology"), crate::saved::Saved::NoteAdded));
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
    let f = NoteForm { kind: e.kind.code().into(), occurred_on: hearth_store::date_text(e.occurred_on), summary: e.summary, body: e.body.unwrap_or_default(), place: e.place.unwrap_or_default() };
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
            let version = crate::form::version(f.version)?;
            return match cases::edit_note(&state.store, &me.audit, id, entry_id, &note, version).await {
                Ok(()) => Ok(crate::saved::redirect(&state, &format!("/cases/{id}/chronology"), crate::saved::Saved::NoteChanged)),
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
pub(crate) async fn note_conflict(state: &AppState, ctx: &PageCtx, case: &CaseRecord, entry_id: Uuid, yours: &NoteForm) -> Result<Response, AppError> {
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

pub(crate) async fn addendum_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, entry_id: Uuid, body: &str, errors: &[FieldError]) -> Result<FormPage, AppError> {
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
            Ok(crate::saved::redirect(&state, &format!("/cases/{id}/chronology"), crate::saved::Saved::AddendumAdded))
        }
        Err(e) => {
            let errors = vec![e];
            Ok(show(&addendum_page(&state, &ctx, &case, entry_id, &f.body, &errors).await?, &errors))
        }
    }
}
