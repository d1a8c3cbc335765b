//! Children and adults added to a case.

use super::*;

pub(crate) async fn person_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, f: &ParticipantForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "Add a child or adult", "people/new", errors);
    let (_, las) = options(state).await?;
    page.fields = vec![
        Input::text("full_name", "Full name").autocomplete("off").value(&f.full_name).errors(errors).to_string(),
        Choices::new(true, "role", "Their part in the case", &codes(PartyRole::ALL, PartyRole::code, PartyRole::label), std::slice::from_ref(&f.role)).errors(errors).to_string(),
        DateInput::new("date_of_birth", "Date of birth").hint("Needed for a child.").value(&f.date_of_birth).errors(errors).to_string(),
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
        DateInput::new("address_from", "Lived there since").value(&f.address_from).errors(errors).to_string(),
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
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/cases/{id}#people"), crate::saved::Saved::PersonAdded)),
            Err(e) => field_error(e, "local_authority_id", "Select a local authority from the list")?,
        },
        Err(errors) => errors,
    };
    Ok(show(&person_page(&state, &ctx, &case, &f, &errors).await?, &errors))
}
