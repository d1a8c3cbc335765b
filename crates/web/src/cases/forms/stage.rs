//! A case's stage, and closing it.

use super::*;

pub(crate) fn stage_page(ctx: &PageCtx, case: &CaseRecord, chosen: &str, errors: &[FieldError]) -> FormPage {
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

#[derive(Deserialize)]
pub struct StageForm {
    #[serde(default)]
    stage: String,
    version: Option<i64>,
}

pub async fn set_stage(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<StageForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let chosen = f.stage;
    let error = match Stage::from_code(&chosen) {
        None => "Select the stage to move to".to_string(),
        Some(to) => match stage_move_allowed(case.law, case.stage, to) {
            Ok(()) => {
                cases::set_stage(&state.store, &me.audit, id, case.stage, to, crate::form::version(f.version)?).await?;
                return Ok(crate::saved::redirect(&state, &format!("/cases/{id}"), crate::saved::Saved::StageChanged));
            }
            Err(why) => why.to_string(),
        },
    };
    let errors = vec![FieldError::new("stage", error)];
    Ok(show(&stage_page(&ctx, &case, &chosen, &errors), &errors))
}

pub(crate) fn close_page(ctx: &PageCtx, case: &CaseRecord, reason: &str, outcome: &str, errors: &[FieldError]) -> FormPage {
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

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    version: Option<i64>,
}

pub async fn close(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<CloseForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let (reason, outcome) = (f.reason, f.outcome);
    let mut errors = Collect::default();
    let r = errors.keep(ClosureReason::from_code(&reason).ok_or_else(|| FieldError::new("reason", "Select why the case is closing")));
    let o = errors.keep(hearth_domain::text::required("outcome", "the outcome", &outcome, 5_000));
    if let (Some(r), Some(o)) = (r, o) {
        cases::close(&state.store, &state.config.deadlines, &me.audit, id, r, &o, crate::form::version(f.version)?).await?;
        return Ok(to_case(id));
    }
    Ok(show(&close_page(&ctx, &case, &reason, &outcome, &errors.0), &errors.0))
}
