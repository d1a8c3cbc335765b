//! Offering a waiting case to the bank and associate pool of the team's service area, and the
//! pool worker's answer. The first to accept takes the case; offers expire.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::workload::OfferStatus;
use hearth_store::workload::offers::{self, Offer};
use hearth_store::workload::{self, Suggested};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::allocation::{Ranked, left_out, ranked, weight_text};
use crate::cases::forms::{open_case, to_case};
use crate::dates::{long_time as when, today};
use hearth_domain::text::long_date;
use crate::components::{ErrorSummary, Tag, Textarea};
use crate::error::{ApiError, Problem};
use crate::form::Form;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

fn status_tag(s: OfferStatus) -> Tag {
    Tag::new(
        s.label(),
        match s {
            OfferStatus::Open => "blue",
            OfferStatus::Accepted => "green",
            OfferStatus::Declined => "red",
            OfferStatus::Expired | OfferStatus::Withdrawn => "grey",
        },
    )
}


struct OfferRow {
    id: Uuid,
    case_id: Uuid,
    reference: String,
    team: String,
    worker: String,
    status: Tag,
    open: bool,
    accepted: bool,
    expires: String,
}

fn offer_row(o: &Offer) -> OfferRow {
    OfferRow {
        id: o.id,
        case_id: o.case_id,
        reference: o.case_reference.clone(),
        team: o.team.name.clone(),
        worker: o.worker.name.clone(),
        status: status_tag(o.status),
        open: o.status == OfferStatus::Open,
        accepted: o.status == OfferStatus::Accepted,
        expires: when(o.expires_at),
    }
}

#[derive(Template)]
#[template(path = "workload/offer.html")]
struct OfferPage {
    shell: Shell,
    case_id: Uuid,
    reference: String,
    errors: Option<ErrorSummary>,
    worker_error: Option<String>,
    weight: String,
    pool: Vec<Ranked>,
    left_out: Vec<(String, String)>,
    chosen: Vec<String>,
    note: String,
    offers: Vec<OfferRow>,
    hours: i64,
}

async fn pool(state: &AppState, case_id: Uuid, area: Uuid) -> Result<Suggested, AppError> {
    Ok(workload::suggest(&state.store, &state.config.workload, case_id, Some(area), today()).await?)
}

async fn offer_page(state: &AppState, ctx: &PageCtx, case_id: Uuid, reference: &str, area: Uuid, f: &OfferForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let s = pool(state, case_id, area).await?;
    let page = OfferPage {
        shell: ctx.shell(format!("Offer {reference} to the pool")),
        case_id,
        reference: reference.into(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        worker_error: crate::components::error_for(errors, "worker_ids"),
        weight: weight_text(&s),
        pool: ranked(&s),
        left_out: left_out(&s),
        chosen: f.worker_ids.iter().map(Uuid::to_string).collect(),
        note: Textarea::new("note", "Note for them (optional)").hint("What the work is and when the court needs it. No names: they see the case only once they accept.").rows(3).value(&f.note).errors(errors).to_string(),
        offers: offers::on_case(&state.store, case_id).await?.iter().map(offer_row).collect(),
        hours: state.config.workload.offer_hours,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

pub async fn offer_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    offer_page(&state, &ctx, id, &case.reference, case.service_area.id, &OfferForm::default(), &[]).await
}

/// Checks the chosen workers are eligible members of the pool, and makes the offers.
async fn make(state: &AppState, me: &Ctx, case_id: Uuid, area: Uuid, chosen: &[Uuid], note: Option<&str>) -> Result<Result<usize, FieldError>, AppError> {
    if chosen.is_empty() {
        return Ok(Err(FieldError::new("worker_ids", "Choose at least one person to offer the case to")));
    }
    let s = pool(state, case_id, area).await?;
    for w in chosen {
        if !s.ranked.iter().any(|(x, _)| x.member.id == *w) {
            let why = s.ineligible.iter().find(|(x, _, _)| x.member.id == *w).map(|(x, _, why)| format!("{} cannot take this case: {}", x.member.name, why.to_lowercase()));
            return Ok(Err(FieldError::new("worker_ids", why.unwrap_or_else(|| "Choose people from the bank and associate pool of this area".into()))));
        }
    }
    match offers::make(&state.store, &me.audit, &state.config.workload, case_id, chosen, note).await {
        Ok(n) => Ok(Ok(n)),
        Err(hearth_store::StoreError::Refused(e)) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OfferForm {
    worker_ids: Vec<Uuid>,
    note: String,
}

pub async fn offer(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<OfferForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    if f.note.chars().count() > 500 {
        let errors = vec![FieldError::new("note", "The note must be 500 characters or fewer")];
        return offer_page(&state, &ctx, id, &case.reference, case.service_area.id, &f, &errors).await;
    }
    let note = Some(f.note.trim()).filter(|n| !n.is_empty());
    match make(&state, &me, id, case.service_area.id, &f.worker_ids, note).await? {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/offer")).into_response()),
        Err(e) => offer_page(&state, &ctx, id, &case.reference, case.service_area.id, &f, &[e]).await,
    }
}

pub async fn withdraw(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (case_id, _, _) = offers::parties(&state.store, id).await?;
    me.authorize_case(&state, case_id).await?;
    offers::withdraw(&state.store, &me.audit, id).await?;
    Ok(Redirect::to(&format!("/cases/{case_id}/offer")).into_response())
}

#[derive(Template)]
#[template(path = "workload/my_offers.html")]
struct MyOffersPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    offers: Vec<(OfferRow, String)>,
}

async fn my_offers_page(state: &AppState, ctx: &PageCtx, me: &Ctx, errors: &[FieldError]) -> Result<Response, AppError> {
    let offers = offers::for_worker(&state.store, me.id()).await?.iter().map(|o| (offer_row(o), o.note.clone().unwrap_or_default())).collect();
    let page = MyOffersPage { shell: ctx.shell("Offers of work"), errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)), offers };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

pub async fn mine(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    my_offers_page(&state, &ctx, &me, &[]).await
}

#[derive(Template)]
#[template(path = "workload/offered.html")]
struct OfferedPage {
    shell: Shell,
    row: OfferRow,
    note: String,
    summary: crate::components::SummaryList,
    dates: Vec<(String, String)>,
}

/// One offer, as the person offered it sees it before deciding: what the work is, where, when
/// the court needs it and how much it weighs, and never who the family are or what the case
/// holds (they see the record once the case is theirs). Anyone else's offer is no offer at all.
pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let offer = offers::get(&state.store, id).await?;
    if offer.worker.id != me.id() {
        return Err(AppError::NotFound);
    }
    if offer.status == OfferStatus::Accepted {
        return Ok(to_case(offer.case_id));
    }
    let today = today();
    let (case, hearings, filings, weighed) = tokio::try_join!(
        hearth_store::cases::case_record(&state.store, offer.case_id),
        hearth_store::cases::hearings(&state.store, offer.case_id),
        hearth_store::cases::filing_dates(&state.store, offer.case_id),
        workload::weigh_one(&state.store, &state.config.workload, offer.case_id, today),
    )?;
    use crate::components::SummaryRow;
    let mut rows = vec![
        SummaryRow::new("Law", case.law.label()),
        SummaryRow::new("Applications", case.applications.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")),
        SummaryRow::new("Court", &case.court.name),
        SummaryRow::new("Team", &case.team.name),
        SummaryRow::new("Service area", &case.service_area.name),
    ];
    if let Some((weight, skills, _)) = &weighed {
        rows.insert(0, SummaryRow::new("Kind of work", weight.item.label()));
        rows.push(SummaryRow::new("Weight", format!("{} points", weight.points.display())));
        rows.push(SummaryRow::new(
            "Skills it needs",
            if skills.is_empty() { "None beyond a practitioner's".to_string() } else { skills.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ") },
        ));
    }
    if case.urgent {
        rows.push(SummaryRow::new("Urgent", "Yes"));
    }
    let mut dates = vec![("Received".to_string(), long_date(case.received_on))];
    if let Some(d) = case.first_hearing_on {
        dates.push(("First hearing".into(), long_date(d)));
    }
    if let Some(d) = case.issued_on {
        dates.push(("Application issued".into(), long_date(d)));
    }
    for h in hearings.iter().filter(|h| h.starts_at.date() >= today) {
        dates.push((h.kind.label().to_string(), format!("{}, {}", long_date(h.starts_at.date()), h.court.name)));
    }
    // A filing direction is typed by the court's staff and may name the family: its date only.
    for f in filings.iter().filter(|f| f.filed_on.is_none()) {
        dates.push(("Report due at court".into(), long_date(f.due_on)));
    }
    let page = OfferedPage {
        shell: ctx.shell(format!("Offer of {}", offer.case_reference)),
        note: offer.note.clone().unwrap_or_default(),
        row: offer_row(&offer),
        summary: crate::components::SummaryList { rows },
        dates,
    };
    Ok(render(&page))
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    /// `accept` or `decline`; a radio left unchosen is not sent.
    #[serde(default)]
    answer: String,
}

pub async fn answer(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AnswerForm>) -> Result<Response, AppError> {
    // Someone else's offer is answered as no offer at all, before anything sent is looked at.
    let (case_id, offered_to, _) = offers::parties(&state.store, id).await?;
    if offered_to != me.id() {
        return Err(AppError::NotFound);
    }
    let accept = match f.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return my_offers_page(&state, &ctx, &me, &[FieldError::new("answer", "Choose to accept or decline the offer")]).await,
    };
    match offers::answer(&state.store, &state.config.workload, &me.audit, id, me.id(), accept, None).await {
        Ok(()) if accept => Ok(to_case(case_id)),
        Ok(()) => Ok(Redirect::to("/my/offers").into_response()),
        Err(hearth_store::StoreError::Refused(e)) => my_offers_page(&state, &ctx, &me, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

// ---- API ----

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOffers {
    pub worker_ids: Vec<Uuid>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OfferJson {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub staff_id: Uuid,
    /// `open`, `accepted`, `declined`, `expired` or `withdrawn`.
    pub status: String,
    pub offered_at: String,
    pub expires_at: String,
}

fn offer_json(o: &Offer) -> OfferJson {
    OfferJson {
        id: o.id,
        case_id: o.case_id,
        case_reference: o.case_reference.clone(),
        staff_id: o.worker.id,
        status: o.status.code().into(),
        offered_at: hearth_store::ts(o.offered_at),
        expires_at: hearth_store::ts(o.expires_at),
    }
}

/// Offers a waiting case to people in the bank and associate pool of its area. Each must be
/// eligible (skills, case cap, not away, no conflict); otherwise 422 naming `worker_ids`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/offers", params(("id" = Uuid, Path)), request_body = NewOffers, responses((status = 201, body = [OfferJson]), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_offer(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    let case = open_case(&state, &me, id).await?;
    let body: NewOffers = crate::api::json(&body)?;
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::Invalid(vec![FieldError::new("note", "The note must be 500 characters or fewer")]).into());
    }
    match make(&state, &me, id, case.service_area.id, &body.worker_ids, body.note.as_deref()).await? {
        Ok(_) => Ok((StatusCode::CREATED, Json(offers::on_case(&state.store, id).await?.iter().filter(|o| o.status == OfferStatus::Open).map(offer_json).collect::<Vec<_>>())).into_response()),
        Err(e) => Err(AppError::Invalid(vec![e]).into()),
    }
}

/// The caller's offers of work from the last 30 days.
#[utoipa::path(get, path = "/api/v1/offers", responses((status = 200, body = [OfferJson])))]
pub async fn api_mine(State(state): State<AppState>, me: Ctx) -> Result<Json<Vec<OfferJson>>, ApiError> {
    Ok(Json(offers::for_worker(&state.store, me.id()).await?.iter().map(offer_json).collect()))
}

async fn api_answer(state: &AppState, me: &Ctx, id: Uuid, accept: bool) -> Result<Json<OfferJson>, ApiError> {
    offers::answer(&state.store, &state.config.workload, &me.audit, id, me.id(), accept, None).await?;
    Ok(Json(offer_json(&offers::get(&state.store, id).await?)))
}

/// Accepts an offer made to the caller: the case is theirs. 422 if it has expired, been
/// withdrawn or already gone to someone else.
#[utoipa::path(post, path = "/api/v1/offers/{id}/accept", params(("id" = Uuid, Path)), responses((status = 200, body = OfferJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_accept(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<OfferJson>, ApiError> {
    api_answer(&state, &me, id, true).await
}

/// Declines an offer made to the caller.
#[utoipa::path(post, path = "/api/v1/offers/{id}/decline", params(("id" = Uuid, Path)), responses((status = 200, body = OfferJson), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_decline(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<OfferJson>, ApiError> {
    api_answer(&state, &me, id, false).await
}
