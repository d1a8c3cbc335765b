//! Break-glass: opening a case someone is not working on, for a stated reason; and alerts.

use super::*;

/// Whether the caller needs and may use break-glass on this case; or where to go instead.
pub(crate) async fn glass_needed(state: &AppState, me: &Ctx, id: Uuid) -> Result<Option<Response>, AppError> {
    let placement = cases::placement(&state.store, id).await?;
    if me.may(Permission::ViewCase, &Relationships::to_case(&me.principal.placement, &placement)) || cases::has_break_glass(&state.store, id, me.id()).await? {
        return Ok(Some(to_case(id)));
    }
    if !may_break_glass(&me.principal.roles, Permission::ViewCase, placement.restricted) {
        return Err(me.refuse(state, "case", id).await?);
    }
    Ok(None)
}

pub(crate) fn glass_page(ctx: &PageCtx, id: Uuid, reason: &str, errors: &[FieldError]) -> FormPage {
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
