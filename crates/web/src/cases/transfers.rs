//! Moving a case to another team: the offer from the case page, and the receiving manager's
//! accept-or-reject from their allocation hub.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::{Permission, Relationships, permits};
use hearth_store::cases::transfers::{self, Decision, Transfer};
use hearth_store::cases::CaseRecord;
use hearth_store::org::TeamSummary;
use uuid::Uuid;

use super::forms::{case_form, field_error, open_case, to_case};
use crate::dates::long_date;
use crate::components::{Choices, Select, Textarea};
use crate::form::{Form, FormPage, form_page, show, version};
use crate::page::PageCtx;
use crate::session::Ctx;
use crate::{AppError, AppState};

/// Teams the caller may decide transfers for: those they may allocate in.
pub async fn receiving_teams(state: &AppState, me: &Ctx) -> Result<Vec<TeamSummary>, AppError> {
    Ok(hearth_store::org::teams(&state.store, None)
        .await?
        .into_iter()
        .filter(|t| permits(&me.principal.roles, Permission::AllocateCase, &Relationships::to_team(&me.principal.placement, t.id, t.service_area.id)))
        .collect())
}

async fn offer_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, team: &str, reason: &str, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = case_form(ctx, case, "Transfer to another team", "transfer", errors);
    page.version = Some(case.version);
    page.intro = Some(format!(
        "The case stays with {} until the other team's manager accepts it. They can reject it with a reason.",
        case.team.name
    ));
    let teams: Vec<(String, String)> = hearth_store::org::teams(&state.store, None)
        .await?
        .into_iter()
        .filter(|t| t.id != case.team.id)
        .map(|t| (t.id.to_string(), format!("{} ({})", t.name, t.service_area.name)))
        .collect();
    page.fields = vec![
        Select::new("to_team_id", "Team", Some("Choose a team"), &teams, team).errors(errors).to_string(),
        Textarea::new("reason", "Reason").hint("For example, the family has moved to the team's area.").rows(3).value(reason).errors(errors).to_string(),
    ];
    page.button = "Offer the case".into();
    Ok(page)
}

pub async fn offer_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(show(&offer_page(&state, &ctx, &case, "", "", &[]).await?, &[]))
}

#[derive(serde::Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    to_team_id: String,
    #[serde(default)]
    reason: String,
    version: Option<i64>,
}

pub async fn offer(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<TransferForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let version = version(f.version)?;
    let (team_text, reason_text) = (f.to_team_id, f.reason);
    let team = match hearth_domain::org::optional_id("to_team_id", "team", &team_text) {
        Ok(Some(t)) if t == case.team.id => Err(FieldError::new("to_team_id", "The case is already in that team. Choose another team")),
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(FieldError::new("to_team_id", "Choose the team to offer the case to")),
        Err(e) => Err(e),
    };
    let reason = hearth_domain::text::required("reason", "the reason for the transfer", &reason_text, 1_000);
    let errors = match (team, reason) {
        (Ok(team), Ok(reason)) => match transfers::offer(&state.store, &me.audit, id, team, &reason, version).await {
            Ok(_) => return Ok(to_case(id)),
            Err(e @ hearth_store::StoreError::Duplicate { .. }) => field_error(e, "to_team_id", "The case has already been offered to a team. Withdraw that offer first")?,
            Err(e) => field_error(e, "to_team_id", "Choose a team from the list")?,
        },
        (team, reason) => [team.err(), reason.err()].into_iter().flatten().collect(),
    };
    Ok(show(&offer_page(&state, &ctx, &case, &team_text, &reason_text, &errors).await?, &errors))
}

/// The sending team takes back an offer not yet decided.
pub async fn withdraw(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    open_case(&state, &me, id).await?;
    let transfer = transfers::open_for_case(&state.store, id).await?.ok_or(hearth_store::StoreError::NotFound)?;
    transfers::decide(&state.store, &me.audit, transfer.id, Decision::Withdrawn, None).await?;
    Ok(to_case(id))
}

fn decision_page(ctx: &PageCtx, t: &Transfer, decision: &str, reason: &str, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, &format!("Transfer of {}", t.case_reference), format!("/transfers/{}", t.id), errors);
    page.back = "/cases/hub".into();
    page.caption = Some(format!("From {} to {}", t.from_team.name, t.to_team.name));
    let by = t.requested_by.as_ref().map(|s| s.name.as_str()).unwrap_or("Hearth");
    page.intro = Some(format!("Offered by {by} on {}. Their reason: {}", long_date(t.requested_at.date()), t.reason));
    page.fields = vec![
        Choices::new(true, "decision", "Will your team take the case?", &[("accept", "Accept: it joins our allocation hub"), ("reject", "Reject: it stays where it is")], &[decision.to_string()])
            .errors(errors)
            .to_string(),
        Textarea::new("reason", "Reason").hint("Needed if you reject the case. The sending team sees it.").rows(3).value(reason).errors(errors).to_string(),
    ];
    page.button = "Save the decision".into();
    page
}

/// The offer, for a manager who may allocate in the receiving team.
async fn decidable(state: &AppState, me: &Ctx, id: Uuid) -> Result<Transfer, AppError> {
    let t = transfers::open_transfer(&state.store, id).await?;
    me.authorize_team(state, t.to_team.id, t.to_service_area_id).await?;
    Ok(t)
}

pub async fn decision_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let t = decidable(&state, &me, id).await?;
    Ok(show(&decision_page(&ctx, &t, "", "", &[]), &[]))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    reason: String,
}

pub async fn decide(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<DecisionForm>) -> Result<Response, AppError> {
    let t = decidable(&state, &me, id).await?;
    let (decision_text, reason_text) = (f.decision, f.reason);
    let reason = reason_text.trim();
    let decided = match decision_text.as_str() {
        "accept" if reason.chars().count() > 1_000 => Err(FieldError::new("reason", "The reason must be 1,000 characters or fewer")),
        "accept" => Ok((Decision::Accepted, (!reason.is_empty()).then_some(reason.to_string()))),
        "reject" => hearth_domain::text::required("reason", "why your team cannot take the case", reason, 1_000).map(|r| (Decision::Rejected, Some(r))),
        _ => Err(FieldError::new("decision", "Choose whether to accept or reject the case")),
    };
    match decided {
        Ok((decision, reason)) => {
            transfers::decide(&state.store, &me.audit, t.id, decision, reason.as_deref()).await?;
            Ok(Redirect::to("/cases/hub").into_response())
        }
        Err(e) => {
            let errors = vec![e];
            Ok(show(&decision_page(&ctx, &t, &decision_text, &reason_text, &errors), &errors))
        }
    }
}
