//! Who sees a case beyond its worker and managers: the staff named on a restricted case, and the
//! team's duty desk.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_store::cases::{self, CaseRecord};
use uuid::Uuid;

use super::forms::{case_form, field_error, open_case, to_case};
use crate::components::Select;
use crate::form::{Form, FormPage, show};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

async fn name_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, chosen: &str, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "Name someone on the case", "named", errors);
    page.intro = Some("A restricted case is seen only by its allocated worker and the staff named on it. Name only those who need to work on it.".into());
    let named: Vec<Uuid> = cases::named_staff(&state.store, case.id).await?.into_iter().map(|n| n.id).collect();
    let staff: Vec<(String, String)> = cases::named::nameable_staff(&state.store, case.service_area.id)
        .await?
        .into_iter()
        .filter(|s| !named.contains(&s.id))
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    page.fields = vec![Select::new("staff_id", "Member of staff", Some("Choose someone"), &staff, chosen).errors(errors).to_string()];
    page.button = "Name them".into();
    Ok(page)
}

pub async fn name_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&name_page(&state, &ctx, &case, "", &[]).await?, &[]))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    staff_id: String,
}

pub async fn name(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<NameForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let chosen = f.staff_id;
    let errors = match hearth_domain::org::optional_id("staff_id", "member of staff", &chosen) {
        Ok(Some(staff)) => match cases::name_staff(&state.store, &me.audit, id, staff).await {
            Ok(()) => return Ok(to_case(id)),
            Err(e) => field_error(e, "staff_id", "Choose an active member of staff from the list")?,
        },
        Ok(None) => vec![FieldError::new("staff_id", "Choose who to name on the case")],
        Err(e) => vec![e],
    };
    Ok(show(&name_page(&state, &ctx, &case, &chosen, &errors).await?, &errors))
}

pub async fn unname(State(state): State<AppState>, me: Ctx, Path((id, staff)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    open_case(&state, &me, id).await?;
    cases::unname_staff(&state.store, &me.audit, id, staff).await?;
    Ok(to_case(id))
}

/// Puts someone on their team's duty desk or takes them off, from the allocation hub.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DutyDeskForm {
    on_duty: String,
}

pub async fn set_duty(State(state): State<AppState>, me: Ctx, Path(staff): Path<Uuid>, Form(f): Form<DutyDeskForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, staff).await?;
    let on_duty = match f.on_duty.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::Invalid(vec![FieldError::new("on_duty", "Choose whether they are on duty")])),
    };
    hearth_store::org::set_duty(&state.store, &me.audit, staff, on_duty).await?;
    Ok(Redirect::to("/cases/hub#duty").into_response())
}
