//! Hearings, and the filing dates the court sets.

use super::*;

pub(crate) async fn hearing_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, f: &HearingForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "List a hearing", "hearings/new", errors);
    let (courts, _) = options(state).await?;
    let court = if f.court_id.is_empty() { case.court.id.to_string() } else { f.court_id.clone() };
    page.fields = vec![
        Choices::new(true, "kind", "Type of hearing", &codes(HearingKind::ALL, HearingKind::code, HearingKind::label), std::slice::from_ref(&f.kind)).errors(errors).to_string(),
        DateInput::new("date", "Date").value(&f.date).errors(errors).to_string(),
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
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/cases/{id}#hearings"), crate::saved::Saved::HearingListed)),
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

pub(crate) fn filing_page(ctx: &PageCtx, case: &CaseRecord, f: &FilingForm, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Add a filing date the court set", "filing-dates/new", errors);
    page.intro = Some("Court-set dates are authoritative: the deadline and a task for the allocated worker follow from this.".into());
    page.fields = vec![
        Input::text("direction", "What must be filed").hint("For example, a section 7 report.").value(&f.direction).errors(errors).to_string(),
        DateInput::new("due_on", "File by").value(&f.due_on).errors(errors).to_string(),
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
        return Ok(crate::saved::redirect(&state, &format!("/cases/{id}#deadlines"), crate::saved::Saved::FilingDateAdded));
    }
    Ok(show(&filing_page(&ctx, &case, &f, &errors.0), &errors.0))
}
