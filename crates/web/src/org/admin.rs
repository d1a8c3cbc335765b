//! Staff administration: add staff, change roles, move teams, record leavers, reset MFA.
//! Every change is a versioned, audited store call; a stale form is refused, never overwritten.

use crate::form::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::org::{ContractType, Role, Skill, StaffForm, parse_date, parse_roles};
use hearth_domain::{FieldError, FieldErrors};
use hearth_store::org::{self, StaffRecord};
use hearth_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{Choices, DateInput, Input, Select};
use crate::form::{FormPage, form_page, show, version};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

/// The roles the caller may give: a privileged role only by a system administrator
/// (`org::may_change_roles`, which the store enforces whatever the form offers).
fn role_options(me: &Ctx) -> Vec<(&'static str, &'static str)> {
    let admin = me.principal.roles.contains(&Role::SystemAdmin);
    Role::ALL.iter().filter(|r| admin || !r.privileged()).map(|r| (r.code(), r.label())).collect()
}

async fn team_options(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    Ok(org::teams(&state.store, None).await?.into_iter().map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name))).collect())
}

async fn manager_options(state: &AppState, except: Option<Uuid>) -> Result<Vec<(String, String)>, AppError> {
    Ok(org::manager_options(&state.store)
        .await?
        .into_iter()
        .filter(|m| Some(m.id) != except)
        .map(|m| (m.id.to_string(), m.name))
        .collect())
}

/// Turns a store refusal a person can fix into field errors; anything else stays an error.
fn field_errors(e: StoreError) -> Result<FieldErrors, AppError> {
    match e {
        StoreError::Duplicate { field: "email" } => Ok(vec![FieldError::new("email", "A member of staff already has this email address")]),
        StoreError::MissingReference { field: "team_id" } => Ok(vec![FieldError::new("team_id", "Select a team from the list")]),
        StoreError::MissingReference { field: org::MANAGER_CYCLE } => {
            Ok(vec![FieldError::new("line_manager_id", "Choose a line manager who is not managed by this person")])
        }
        StoreError::MissingReference { .. } => Ok(vec![FieldError::new("line_manager_id", "Select an active line manager from the list")]),
        StoreError::Refused(e) => Ok(vec![e]),
        other => Err(other.into()),
    }
}

async fn staff_form_page(state: &AppState, ctx: &PageCtx, me: &Ctx, form: &StaffForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = form_page(ctx, "Add a member of staff", "/admin/staff/new".into(), errors);
    page.intro = Some("They will set up their authenticator app the first time they sign in.".into());
    let contracts: Vec<(&str, &str)> = ContractType::ALL.iter().map(|c| (c.code(), c.label())).collect();
    let skills: Vec<(&str, &str)> = Skill::ALL.iter().map(|s| (s.code(), s.label())).collect();
    page.fields = vec![
        Input::text("name", "Full name").autocomplete("off").value(&form.name).errors(errors).to_string(),
        Input::text("email", "Work email address").kind("email").no_spellcheck().autocomplete("off").value(&form.email).errors(errors).to_string(),
        Choices::new(false, "roles", "Roles", &role_options(me), &form.roles).hint("Select all that apply.").errors(errors).to_string(),
        Select::new("team_id", "Team", Some("No team yet"), &team_options(state).await?, &form.team_id).errors(errors).to_string(),
        Select::new("line_manager_id", "Line manager", Some("No line manager yet"), &manager_options(state, None).await?, &form.line_manager_id).errors(errors).to_string(),
        Input::text("fte", "Full-time equivalent (FTE)").hint("For example, 1 for full time or 0.6 for three days a week.").inputmode("decimal").classes("govuk-input--width-4").value(&form.fte).errors(errors).to_string(),
        Choices::new(true, "contract", "Contract type", &contracts, std::slice::from_ref(&form.contract)).errors(errors).to_string(),
        DateInput::new("start_date", "Start date").value(&form.start_date).errors(errors).to_string(),
        DateInput::new("qualified_date", "Date they qualified as a social worker (optional)").value(&form.qualified_date).errors(errors).to_string(),
        Choices::new(false, "skills", "Skills (optional)", &skills, &form.skills).errors(errors).to_string(),
    ];
    page.button = "Add member of staff".into();
    Ok(page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let form = StaffForm { fte: "1".into(), contract: "employed".into(), ..Default::default() };
    Ok(show(&staff_form_page(&state, &ctx, &me, &form, &[]).await?, &[]))
}

pub async fn create(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(form): Form<StaffForm>) -> Result<Response, AppError> {
    let errors = match form.validate() {
        Ok(staff) => match org::create_staff(&state.store, &me.audit, &staff).await {
            Ok(id) => return invitation_made(&state, &ctx, &me, id, true).await,
            Err(e) => field_errors(e)?,
        },
        Err(errors) => errors,
    };
    Ok(show(&staff_form_page(&state, &ctx, &me, &form, &errors).await?, &errors))
}

#[derive(askama::Template)]
#[template(path = "org/invitation.html")]
struct InvitationMade {
    shell: crate::page::Shell,
    id: Uuid,
    name: String,
    link: String,
    added: bool,
    days: i64,
}

/// Makes the person's one-time link for their first sign-in and shows it, once, to whoever made
/// it: until Hearth sends messages, they give it to the new member of staff themselves.
async fn invitation_made(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, added: bool) -> Result<Response, AppError> {
    let token = hearth_store::auth::invite(&state.store, &me.audit, id).await?;
    let r = org::staff_record(&state.store, id).await?;
    let link = format!("{}/invitation?token={token}", state.config.public_url.trim_end_matches('/'));
    let page = InvitationMade { shell: ctx.shell(format!("Invitation for {}", r.name)), id, name: r.name, link, added, days: hearth_domain::auth::INVITATION_DAYS };
    Ok(crate::page::render(&page))
}

/// A new link for someone who has not chosen a password yet (the last one ran out or was lost).
pub async fn invite(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    subject(&state, &me, id).await?;
    invitation_made(&state, &ctx, &me, id, false).await
}

async fn subject(state: &AppState, me: &Ctx, id: Uuid) -> Result<StaffRecord, AppError> {
    me.authorize_staff(state, id).await?;
    let record = org::staff_record(&state.store, id).await?;
    if record.status != hearth_domain::org::StaffStatus::Active {
        return Err(AppError::Conflict(format!("{} has left, so their record can no longer be changed.", record.name)));
    }
    Ok(record)
}

fn edit_page(ctx: &PageCtx, r: &StaffRecord, heading: &str, action: &str, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, heading, format!("/admin/staff/{}/{action}", r.id), errors);
    page.back = format!("/staff/{}", r.id);
    page.caption = Some(r.name.clone());
    page.version = Some(r.version);
    page
}

fn roles_page(ctx: &PageCtx, me: &Ctx, r: &StaffRecord, checked: &[String], errors: &[FieldError]) -> FormPage {
    let mut page = edit_page(ctx, r, "Change roles", "roles", errors);
    page.fields = vec![Choices::new(false, "roles", "Roles", &role_options(me), checked).hint("Select all that apply.").errors(errors).to_string()];
    page
}

pub async fn roles_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    let checked: Vec<String> = r.roles.iter().map(|x| x.code().to_string()).collect();
    Ok(show(&roles_page(&ctx, &me, &r, &checked, &[]), &[]))
}

#[derive(Deserialize)]
pub struct RolesForm {
    /// Checkboxes: none ticked sends none.
    #[serde(default)]
    roles: Vec<String>,
    version: Option<i64>,
}

pub async fn set_roles(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<RolesForm>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    let checked = f.roles;
    let mut errors = Vec::new();
    match parse_roles("roles", &checked) {
        Ok(roles) if id == me.id() && r.roles.contains(&Role::SystemAdmin) && !roles.contains(&Role::SystemAdmin) => {
            errors.push(FieldError::new("roles", "You cannot remove your own system administrator role. Ask another administrator"));
        }
        Ok(roles) => match org::set_roles(&state.store, &me.audit, id, &roles, version(f.version)?).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}"), crate::saved::Saved::RolesChanged)),
            Err(StoreError::Refused(e)) => errors.push(e),
            Err(e) => return Err(e.into()),
        },
        Err(e) => errors.push(e),
    }
    Ok(show(&roles_page(&ctx, &me, &r, &checked, &errors), &errors))
}

async fn move_page(state: &AppState, ctx: &PageCtx, r: &StaffRecord, team: &str, manager: &str, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = edit_page(ctx, r, "Change team and line manager", "move", errors);
    page.fields = vec![
        Select::new("team_id", "Team", Some("No team"), &team_options(state).await?, team).errors(errors).to_string(),
        Select::new("line_manager_id", "Line manager", Some("No line manager"), &manager_options(state, Some(r.id)).await?, manager).errors(errors).to_string(),
    ];
    Ok(page)
}

pub async fn move_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    let team = r.team.as_ref().map(|t| t.id.to_string()).unwrap_or_default();
    let manager = r.line_manager.as_ref().map(|m| m.id.to_string()).unwrap_or_default();
    Ok(show(&move_page(&state, &ctx, &r, &team, &manager, &[]).await?, &[]))
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    line_manager_id: String,
    version: Option<i64>,
}

pub async fn move_staff(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<MoveForm>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    let (team, manager) = (f.team_id, f.line_manager_id);
    let mut errors = Vec::new();
    let team_id = hearth_domain::org::optional_id("team_id", "team", &team).map_err(|e| errors.push(e)).ok().flatten();
    let manager_id = hearth_domain::org::optional_id("line_manager_id", "line manager", &manager).map_err(|e| errors.push(e)).ok().flatten();
    if errors.is_empty() {
        match org::move_staff(&state.store, &me.audit, id, team_id, manager_id, version(f.version)?).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}"), crate::saved::Saved::TeamChanged)),
            Err(e) => errors = field_errors(e)?,
        }
    }
    Ok(show(&move_page(&state, &ctx, &r, &team, &manager, &errors).await?, &errors))
}

fn leaver_page(ctx: &PageCtx, r: &StaffRecord, left_on: &str, confirm: &str, errors: &[FieldError]) -> FormPage {
    let mut page = edit_page(ctx, r, "Record that they have left", "leaver", errors);
    page.intro = Some(format!("{} will be signed out everywhere at once and will not be able to sign in again. Their record is kept.", r.name));
    page.fields = vec![
        DateInput::new("left_on", "Last working day").value(left_on).errors(errors).to_string(),
        Choices::new(true, "confirm", &format!("Are you sure {} has left?", r.name), &[("yes", "Yes, they have left"), ("no", "No")], &[confirm.to_string()]).errors(errors).to_string(),
    ];
    page.button = "Record leaver".into();
    page.warning = true;
    page
}

pub async fn leaver_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    Ok(show(&leaver_page(&ctx, &r, "", "", &[]), &[]))
}

pub async fn record_leaver(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ConfirmForm>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    let mut errors = Vec::new();
    let left_on = parse_date("left_on", "their last working day", &f.left_on).map_err(|e| errors.push(e)).ok();
    if f.confirm != "yes" && f.confirm != "no" {
        errors.push(FieldError::new("confirm", "Select yes if they have left"));
    }
    if id == me.id() {
        errors.push(FieldError::new("confirm", "You cannot record yourself as a leaver. Ask another administrator"));
    }
    if errors.is_empty() {
        if f.confirm == "no" {
            return Ok(Redirect::to(&format!("/staff/{id}")).into_response());
        }
        if let Some(left_on) = left_on {
            org::record_leaver(&state.store, &me.audit, id, left_on, version(f.version)?).await?;
            return Ok(crate::saved::redirect(&state, &format!("/staff/{id}"), crate::saved::Saved::LeaverRecorded));
        }
    }
    Ok(show(&leaver_page(&ctx, &r, &f.left_on, &f.confirm, &errors), &errors))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    left_on: String,
    version: Option<i64>,
}

fn mfa_page(ctx: &PageCtx, r: &StaffRecord, errors: &[FieldError]) -> FormPage {
    let mut page = edit_page(ctx, r, "Reset their authenticator app", "mfa-reset", errors);
    page.intro = Some(format!(
        "Do this only when you have confirmed who you are speaking to. {} will be signed out everywhere and must set up their authenticator app again at their next sign-in.",
        r.name
    ));
    page.fields = vec![Choices::new(true, "confirm", "Are you sure?", &[("yes", "Yes, reset it"), ("no", "No")], &[]).errors(errors).to_string()];
    page.button = "Reset authenticator app".into();
    page.warning = true;
    page
}

pub async fn mfa_reset_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    Ok(show(&mfa_page(&ctx, &r, &[]), &[]))
}

pub async fn reset_mfa(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ConfirmForm>) -> Result<Response, AppError> {
    let r = subject(&state, &me, id).await?;
    match f.confirm.as_str() {
        "yes" => {
            org::reset_mfa(&state.store, &me.audit, id, version(f.version)?).await?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}"), crate::saved::Saved::MfaReset))
        }
        "no" => Ok(Redirect::to(&format!("/staff/{id}")).into_response()),
        _ => {
            let errors = [FieldError::new("confirm", "Select yes to reset their authenticator app")];
            Ok(show(&mfa_page(&ctx, &r, &errors), &errors))
        }
    }
}
