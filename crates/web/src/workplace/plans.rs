//! Floor plans, drawn by national administrators: an office's desks with what each offers and
//! where it sits, each desk's printable code (a QR code of its own page, which people open to
//! check in), adding a desk and changing or withdrawing one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::workplace::{DeskForm, PLAN_COLUMNS, PLAN_ROWS};
use hearth_store::StoreError;
use hearth_store::org::{self, Office};
use hearth_store::workplace::{self as store, Desk};
use uuid::Uuid;

use crate::components::{Choices, Input};
use crate::dates::today;
use crate::form::{ConflictPage, ConflictRow, Form, FormPage, form_page, show, show_conflict};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

async fn office(state: &AppState, id: Uuid) -> Result<Office, AppError> {
    org::offices(&state.store).await?.into_iter().find(|o| o.id == id).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "workplace/plan.html")]
struct PlanPage {
    shell: Shell,
    office: Office,
    /// (desk, features, QR code as inline SVG, the address it opens)
    desks: Vec<(Desk, String, String, String)>,
}

/// A desk's printable code: its own page's address as a QR code, inline, labelled.
fn code(url: &str, label: &str) -> Result<String, AppError> {
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).dark_color(qrcode::render::svg::Color("#0b0c0c")).light_color(qrcode::render::svg::Color("#ffffff")).build())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(svg.trim_start_matches(|c| c != '<').replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1).replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"Code for desk {label}\" "), 1))
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let office = office(&state, id).await?;
    let base = state.config.public_url.trim_end_matches('/').to_string();
    let desks = store::desks(&state.store, id)
        .await?
        .into_iter()
        .map(|d| {
            let url = format!("{base}/desks/{}", d.id);
            Ok((d.clone(), d.features.words().join(", "), code(&url, &askama_escape(&d.label))?, url))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(render(&PlanPage { shell: ctx.shell(format!("Floor plan – {}", office.name)), office, desks }))
}

/// A label goes into an attribute of the code's picture: only letters, digits, spaces and dashes.
fn askama_escape(label: &str) -> String {
    label.chars().filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-').collect()
}

fn desk_page(ctx: &PageCtx, office: &Office, action: String, heading: &str, f: &DeskForm, version: Option<i64>, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, heading, action, errors);
    page.back = format!("/offices/{}/floor-plan", office.id);
    page.caption = Some(office.name.clone());
    page.version = version;
    let features: [(&str, &str); 4] = [("accessible", "Accessible"), ("standing", "Standing"), ("dual_screen", "Two screens"), ("quiet", "In a quiet zone")];
    page.fields = vec![
        Input::text("label", "Label").hint("As printed on the desk, such as D12.").value(&f.label).classes("govuk-input--width-10").errors(errors).to_string(),
        Input::text("zone", "Zone").hint("Such as First floor east.").value(&f.zone).errors(errors).to_string(),
        Input::text("plan_x", "Column on the plan").hint(&format!("From 1 (left) to {PLAN_COLUMNS}.")).value(&f.plan_x).inputmode("numeric").classes("govuk-input--width-3").errors(errors).to_string(),
        Input::text("plan_y", "Row on the plan").hint(&format!("From 1 (top) to {PLAN_ROWS}.")).value(&f.plan_y).inputmode("numeric").classes("govuk-input--width-3").errors(errors).to_string(),
        Choices::new(false, "features", "What it has", &features, &f.features).errors(errors).to_string(),
    ];
    if version.is_some() {
        let withdrawn = [("yes", "Withdraw this desk: nobody can book it")];
        page.fields.push(Choices::new(false, "withdrawn", "In use", &withdrawn, std::slice::from_ref(&f.withdrawn)).errors(errors).to_string());
    }
    page.button = "Save the desk".into();
    page
}

pub async fn new_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let office = office(&state, id).await?;
    let f = DeskForm { zone: "Ground floor".into(), ..Default::default() };
    Ok(show(&desk_page(&ctx, &office, format!("/offices/{id}/desks"), "Add a desk", &f, None, &[]), &[]))
}

pub async fn add(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<DeskForm>) -> Result<Response, AppError> {
    let office = office(&state, id).await?;
    let errors = match f.validate() {
        Ok(d) => match store::add_desk(&state.store, &me.audit, id, &d).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/offices/{id}/floor-plan"), crate::saved::Saved::DeskSaved)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&desk_page(&ctx, &office, format!("/offices/{id}/desks"), "Add a desk", &f, None, &errors), &errors))
}

fn form_of(d: &Desk) -> DeskForm {
    let mut features = Vec::new();
    for (on, code) in [(d.features.accessible, "accessible"), (d.features.standing, "standing"), (d.features.dual_screen, "dual_screen"), (d.features.quiet, "quiet")] {
        if on {
            features.push(code.to_string());
        }
    }
    DeskForm { label: d.label.clone(), zone: d.zone.clone(), features, plan_x: (d.plan_x + 1).to_string(), plan_y: (d.plan_y + 1).to_string(), withdrawn: if d.withdrawn { "yes".into() } else { String::new() } }
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let desk = store::desk(&state.store, id).await?;
    let office = office(&state, desk.office_id).await?;
    Ok(show(&desk_page(&ctx, &office, format!("/desks/{id}/edit"), &format!("Change desk {}", desk.label), &form_of(&desk), Some(desk.version), &[]), &[]))
}

/// The desk form with the version it was read at.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    pub label: String,
    pub zone: String,
    pub features: Vec<String>,
    pub plan_x: String,
    pub plan_y: String,
    pub withdrawn: String,
    pub version: Option<i64>,
}

impl EditForm {
    fn desk(&self) -> DeskForm {
        DeskForm { label: self.label.clone(), zone: self.zone.clone(), features: self.features.clone(), plan_x: self.plan_x.clone(), plan_y: self.plan_y.clone(), withdrawn: self.withdrawn.clone() }
    }
}

/// The desk as saved now beside what was sent, when someone changed it first.
fn conflict(ctx: &PageCtx, id: Uuid, saved: &Desk, f: &EditForm) -> Response {
    let now = form_of(saved);
    let mut page = ConflictPage::new(ctx, "desk", format!("/desks/{id}/edit"), format!("/offices/{}/floor-plan", saved.office_id), saved.version);
    page.rows = vec![
        ConflictRow::new("Label", now.label, f.label.clone()),
        ConflictRow::new("Zone", now.zone, f.zone.clone()),
        ConflictRow::new("Column and row", format!("{}, {}", now.plan_x, now.plan_y), format!("{}, {}", f.plan_x, f.plan_y)),
        ConflictRow::new("What it has", now.features.join(", "), f.features.join(", ")),
        ConflictRow::new("Withdrawn", now.withdrawn, f.withdrawn.clone()),
    ];
    page.resubmit = vec![("label".into(), f.label.clone()), ("zone".into(), f.zone.clone()), ("plan_x".into(), f.plan_x.clone()), ("plan_y".into(), f.plan_y.clone()), ("withdrawn".into(), f.withdrawn.clone())];
    page.resubmit.extend(f.features.iter().map(|x| ("features".to_string(), x.clone())));
    show_conflict(&page)
}

pub async fn edit(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<EditForm>) -> Result<Response, AppError> {
    let desk = store::desk(&state.store, id).await?;
    let office = office(&state, desk.office_id).await?;
    let version = crate::form::version(f.version)?;
    let errors = match f.desk().validate() {
        Ok(d) => match store::change_desk(&state.store, &me.audit, id, &d, version, today()).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/offices/{}/floor-plan", office.id), crate::saved::Saved::DeskSaved)),
            Err(StoreError::Conflict { .. }) => return Ok(conflict(&ctx, id, &store::desk(&state.store, id).await?, &f)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&desk_page(&ctx, &office, format!("/desks/{id}/edit"), &format!("Change desk {}", desk.label), &f.desk(), Some(version), &errors), &errors))
}
