//! Safeguarding checks and their results, and tasks.

use super::*;

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

pub(crate) fn check_page(ctx: &PageCtx, case: &CaseRecord, check: &cases::Check, f: &CheckForm, errors: &[FieldError]) -> FormPage {
    let what = match &check.local_authority {
        Some(la) => format!("{} – {}", check.kind.label(), la.name),
        None => check.kind.label().to_string(),
    };
    let mut page = case_form(ctx, case, &format!("Update: {what}"), &format!("checks/{}", check.id), errors);
    page.version = Some(f.version.unwrap_or(check.version));
    page.fields = vec![
        Choices::new(true, "status", "Status", &codes(CheckStatus::ALL, CheckStatus::code, CheckStatus::label), std::slice::from_ref(&f.status)).errors(errors).to_string(),
        DateInput::new("requested_on", "Date requested").value(&f.requested_on).errors(errors).to_string(),
        DateInput::new("returned_on", "Date returned").value(&f.returned_on).errors(errors).to_string(),
        Textarea::new("result_summary", "Result summary").hint("What the check found. Needed once it has come back.").value(&f.result_summary).errors(errors).to_string(),
    ];
    page
}

pub(crate) async fn check_of(state: &AppState, case_id: Uuid, check_id: Uuid) -> Result<cases::Check, AppError> {
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
            let version = crate::form::version(f.version)?;
            let saved_summary = (!summary.is_empty()).then_some(summary);
            return match cases::update_check(&state.store, &me.audit, id, check_id, status, requested, returned, saved_summary, version).await {
                Ok(()) => Ok(crate::saved::redirect(&state, &format!("/cases/{id}#checks"), crate::saved::Saved::CheckSaved)),
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChecksForm {
    local_authority_id: Vec<Uuid>,
}

pub async fn add_checks(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ChecksForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let chosen = f.local_authority_id;
    if chosen.is_empty() {
        let errors = vec![FieldError::new("local_authority_id", "Select at least one local authority")];
        let mut page = case_form(&ctx, &case, "Add local-authority checks", "checks/new", &errors);
        page.fields = vec![Choices::new(false, "local_authority_id", "Authorities to check with", &[], &[]).errors(&errors).to_string()];
        return Ok(show(&page, &errors));
    }
    for la in chosen {
        match cases::add_la_check(&state.store, &me.audit, id, la).await {
            Ok(_) | Err(StoreError::Duplicate { .. }) => {}
            Err(StoreError::MissingReference { .. }) => return Err(AppError::Invalid(vec![FieldError::new("local_authority_id", "Select local authorities from the list")])),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(crate::saved::redirect(&state, &format!("/cases/{id}#checks"), crate::saved::Saved::CheckSaved))
}

#[derive(Deserialize, Default)]
pub struct TaskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    due_on: String,
}

pub(crate) fn task_page(ctx: &PageCtx, case: &CaseRecord, f: &TaskForm, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Add a task", "tasks/new", errors);
    page.intro = Some(match &case.allocated_to {
        Some(w) => format!("The task goes to {}, the allocated worker.", w.name),
        None => "The case is not allocated: the task goes to whoever is allocated next.".into(),
    });
    page.fields = vec![
        Input::text("title", "Task").value(&f.title).errors(errors).to_string(),
        DateInput::new("due_on", "Due (optional)").value(&f.due_on).errors(errors).to_string(),
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
        return Ok(crate::saved::redirect(&state, &format!("/cases/{id}#tasks"), crate::saved::Saved::TaskAdded));
    }
    Ok(show(&task_page(&ctx, &case, &f, &errors.0), &errors.0))
}

/// A form that sends only the version it was read at.
#[derive(Deserialize)]
pub struct VersionForm {
    version: Option<i64>,
}

pub async fn complete_task(State(state): State<AppState>, me: Ctx, Path((id, task_id)): Path<(Uuid, Uuid)>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    open_case(&state, &me, id).await?;
    cases::complete_task(&state.store, &me.audit, id, task_id, crate::form::version(f.version)?).await?;
    Ok(crate::saved::redirect(&state, &format!("/cases/{id}#tasks"), crate::saved::Saved::TaskDone))
}
