//! Expenses under the person (`/staff/{id}/expenses`): their claims and the one in progress; a
//! claim (`/expense-claims/{id}`) with journeys prefilled from the visits they recorded, other
//! costs with a receipt photo, submitting, and the manager's decision; and the monthly payroll
//! export for HR and finance (`/payroll/expenses`). The rules are the domain's and the store's:
//! these handlers read forms and draw pages.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::access::Permission;
use hearth_domain::documents::content_disposition;
use hearth_domain::people::expenses::{ClaimStatus, CostForm, ExpenseKind, JourneyForm, miles_text, spent_on};
use hearth_domain::people::sickness::money;
use hearth_domain::{FieldError, FieldErrors};
use hearth_store::StoreError;
use hearth_store::people::expenses::{self as store, Claim, Decision, NewReceipt};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{if_match, json};
use crate::components::{Choices, DateInput, ErrorSummary, FileUpload, Input, Select, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

pub fn status_tag(s: ClaimStatus) -> Tag {
    let colour = match s {
        ClaimStatus::Draft => "grey",
        ClaimStatus::Submitted => "blue",
        ClaimStatus::Approved => "green",
        ClaimStatus::Refused => "red",
        ClaimStatus::Paid => "turquoise",
    };
    Tag::new(s.label(), colour)
}

fn stale(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict("This claim changed after you opened it. Nothing was saved. Open it again to see it as it is now.".into()),
        e => e.into(),
    }
}

/// A refusal a person can put right, as the field error to show; anything else as it is.
fn refusal(e: StoreError) -> Result<FieldErrors, AppError> {
    match e {
        StoreError::Refused(f) => Ok(vec![f]),
        StoreError::NotEditable(why) => Ok(vec![FieldError::new("claim", why)]),
        e => Err(stale(e)),
    }
}

// ---- A person's claims ----

#[derive(Template)]
#[template(path = "people/expenses.html")]
struct ExpensesPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    can_claim: bool,
    draft: Option<Uuid>,
    /// (id, started, what it covers, status tag, total, lines)
    claims: Vec<(Uuid, String, String, String, String, usize)>,
}

fn covers(c: &Claim) -> String {
    match c.span() {
        Some((a, b)) if a == b => long_date(a),
        Some((a, b)) => format!("{} to {}", long_date(a), long_date(b)),
        None => "Nothing yet".into(),
    }
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let claims = store::claims_of(&state.store, &me.audit, id).await?;
    let own = id == me.id();
    let page = ExpensesPage {
        shell: ctx.shell(if own { "Your expenses".to_string() } else { format!("Expenses – {}", record.name) }),
        id,
        own,
        can_claim: own && me.may_for_staff(&state, Permission::ClaimExpenses, id).await,
        draft: claims.iter().find(|c| c.status == ClaimStatus::Draft).map(|c| c.id),
        claims: claims.iter().map(|c| (c.id, long_date(c.created_at.date()), covers(c), status_tag(c.status).to_string(), money(c.total_pence), c.lines.len())).collect(),
        name: record.name,
    };
    Ok(render(&page))
}

/// `/my/expenses`: one's own claims.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/expenses", me.id())).into_response()
}

/// Starts a claim (or opens the one in progress).
pub async fn start(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let claim = store::start(&state.store, &me.audit, id).await.map_err(|e| match e {
        StoreError::Refused(f) => AppError::Invalid(vec![f]),
        e => e.into(),
    })?;
    Ok(Redirect::to(&format!("/expense-claims/{claim}")).into_response())
}

// ---- One claim ----

struct LineRow {
    id: Uuid,
    when: String,
    what: String,
    journey: String,
    miles: String,
    amount: String,
    /// The receipt's kind, and whether a thumbnail shows.
    receipt: Option<(String, bool)>,
    needs_miles: bool,
}

#[derive(Template)]
#[template(path = "people/expense_claim.html")]
struct ClaimPage {
    shell: Shell,
    id: Uuid,
    staff_id: Uuid,
    name: String,
    own: bool,
    status: String,
    draft: bool,
    version: i64,
    total: String,
    late_reason: Option<String>,
    refusal_reason: Option<String>,
    decided: Option<String>,
    submitted: Option<String>,
    over_limit: bool,
    limit: String,
    lines: Vec<LineRow>,
    /// (id, what, when, case reference, where)
    visits: Vec<(Uuid, String, String, String, String)>,
    /// Visits are listed from this day: the claim window's start, or a year back when asked.
    visits_since: String,
    older: bool,
    late_field: Option<String>,
    can_decide: bool,
    decision_field: String,
    reason_field: String,
    errors: Option<ErrorSummary>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimForm {
    pub version: String,
    pub visits: Vec<String>,
    pub late_reason: String,
    pub decision: String,
    pub reason: String,
}

fn version_of(v: &str) -> Result<i64, AppError> {
    v.trim().parse().map_err(|_| AppError::Invalid(vec![FieldError::new("version", "The form was out of date: open the claim again")]))
}

async fn claim_view(state: &AppState, ctx: &PageCtx, me: &Ctx, claim_id: Uuid, typed: &ClaimForm, errors: &[FieldError]) -> Result<Response, AppError> {
    claim_view_from(state, ctx, me, claim_id, false, typed, errors).await
}

async fn claim_view_from(state: &AppState, ctx: &PageCtx, me: &Ctx, claim_id: Uuid, older: bool, typed: &ClaimForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let claim = store::claim(&state.store, claim_id).await?;
    store::record_read(&state.store, &me.audit, &claim).await?;
    let s = &state.config.expenses;
    let today = today();
    let own = claim.staff.id == me.id();
    let draft = claim.status == ClaimStatus::Draft && own;
    let since = if older { today - time::Duration::days(365) } else { s.claim_window_start(today) };
    let visits = if draft { store::visits_to_claim(&state.store, claim.staff.id, since).await? } else { vec![] };
    let can_decide = claim.status == ClaimStatus::Submitted && !own && me.may_for_staff(state, Permission::ApproveExpenses, claim.staff.id).await;
    let late = claim.span().is_some_and(|(first, _)| first < s.claim_window_start(today));
    let decisions = [("approve", "Approve"), ("refuse", "Refuse")];
    let page = ClaimPage {
        shell: ctx.shell(if own { "Your expense claim".to_string() } else { format!("Expense claim – {}", claim.staff.name) }),
        id: claim.id,
        staff_id: claim.staff.id,
        name: claim.staff.name.clone(),
        own,
        status: status_tag(claim.status).to_string(),
        draft,
        version: claim.version,
        total: money(claim.total_pence),
        late_reason: claim.late_reason.clone(),
        refusal_reason: claim.refusal_reason.clone(),
        decided: match (&claim.decided_by, claim.decided_at) {
            (Some(by), Some(at)) => Some(format!("{} on {}", by.name, long_date(at.date()))),
            _ => None,
        },
        submitted: claim.submitted_at.map(|t| long_date(t.date())),
        over_limit: claim.needs_service_manager,
        limit: money(s.approval_limit_pence),
        lines: claim
            .lines
            .iter()
            .map(|l| LineRow {
                id: l.id,
                when: long_date(l.spent_on),
                what: l.description.clone(),
                journey: match (&l.from_place, &l.to_place) {
                    (Some(f), Some(t)) => format!("{f} to {t}{}", if l.round_trip { " and back" } else { "" }),
                    _ => l.kind.label().to_string(),
                },
                miles: match l.miles_tenths {
                    Some(t) if l.estimated => format!("{} (estimated)", miles_text(t)),
                    Some(t) => miles_text(t),
                    None if l.kind == ExpenseKind::Mileage => "Not entered".into(),
                    None => String::new(),
                },
                amount: money(l.amount_pence),
                receipt: l.receipt.as_ref().map(|r| (r.file_type.label().to_string(), r.has_thumbnail)),
                needs_miles: l.kind == ExpenseKind::Mileage && l.miles_tenths.is_none(),
            })
            .collect(),
        visits: visits
            .iter()
            .map(|v| (v.id, v.kind.label().to_string(), long_date(v.occurred_on), v.case_reference.clone(), v.place.clone().unwrap_or_else(|| "Place not recorded".into())))
            .collect(),
        visits_since: long_date(since),
        older,
        late_field: (draft && late).then(|| {
            Textarea::new("late_reason", "Why are you claiming these now?")
                .hint(&format!("Expenses are claimed within {} months. Say why something on this claim is older.", s.claim_within_months))
                .rows(3)
                .value(&typed.late_reason)
                .errors(errors)
                .to_string()
        }),
        can_decide,
        decision_field: Choices::new(true, "decision", "Your decision", &decisions, std::slice::from_ref(&typed.decision)).errors(errors).to_string(),
        reason_field: Textarea::new("reason", "If you refuse it, why?").hint("The claimant sees this.").rows(3).value(&typed.reason).errors(errors).to_string(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

async fn authorize_claim(state: &AppState, me: &Ctx, claim_id: Uuid) -> Result<Uuid, AppError> {
    let staff = store::staff_of(&state.store, claim_id).await?;
    me.authorize_staff(state, staff).await?;
    Ok(staff)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimQuery {
    /// "yes" lists visits back a year, beyond the claim window.
    pub older: String,
}

pub async fn claim_page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(claim_id): Path<Uuid>, Query(q): Query<ClaimQuery>) -> Result<Response, AppError> {
    authorize_claim(&state, &me, claim_id).await?;
    claim_view_from(&state, &ctx, &me, claim_id, q.older == "yes", &ClaimForm::default(), &[]).await
}

fn parse_ids(values: &[String]) -> Result<Vec<Uuid>, FieldErrors> {
    values.iter().map(|v| Uuid::parse_str(v.trim()).map_err(|_| vec![FieldError::new("visits", "Choose from your visits listed")])).collect()
}

/// Adds the chosen visits' journeys.
pub async fn add_visits(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(claim_id): Path<Uuid>, Form(f): Form<ClaimForm>) -> Result<Response, AppError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = version_of(&f.version)?;
    let errors = match parse_ids(&f.visits) {
        Ok(ids) => match store::add_visits(&state.store, &me.audit, &state.config.expenses, claim_id, version, &ids, today()).await {
            Ok(_) => return Ok(Redirect::to(&format!("/expense-claims/{claim_id}#lines")).into_response()),
            Err(e) => refusal(e)?,
        },
        Err(e) => e,
    };
    claim_view(&state, &ctx, &me, claim_id, &f, &errors).await
}

pub async fn submit(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(claim_id): Path<Uuid>, Form(f): Form<ClaimForm>) -> Result<Response, AppError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = version_of(&f.version)?;
    match store::submit(&state.store, &me.audit, &state.config.expenses, claim_id, version, &f.late_reason, today()).await {
        Ok(()) => Ok(Redirect::to(&format!("/expense-claims/{claim_id}")).into_response()),
        Err(e) => {
            let errors = refusal(e)?;
            claim_view(&state, &ctx, &me, claim_id, &f, &errors).await
        }
    }
}

pub async fn decide(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(claim_id): Path<Uuid>, Form(f): Form<ClaimForm>) -> Result<Response, AppError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = version_of(&f.version)?;
    let decision = match f.decision.as_str() {
        "approve" => Ok(Decision::Approve),
        "refuse" => match hearth_domain::text::required("reason", "why you refuse it", &f.reason, 500) {
            Ok(_) => Ok(Decision::Refuse(f.reason.trim())),
            Err(e) => Err(vec![e]),
        },
        _ => Err(vec![FieldError::new("decision", "Choose approve or refuse")]),
    };
    let errors = match decision {
        Ok(d) => match store::decide(&state.store, &me.audit, claim_id, version, d).await {
            Ok(()) => return Ok(Redirect::to("/").into_response()),
            Err(e) => refusal(e)?,
        },
        Err(e) => e,
    };
    claim_view(&state, &ctx, &me, claim_id, &f, &errors).await
}

// ---- A journey's miles ----

fn journey_page(ctx: &PageCtx, line_id: Uuid, claim_id: Uuid, version: i64, hint: &str, f: &JourneyForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Journey", format!("/expense-lines/{line_id}/journey"), errors);
    page.back = format!("/expense-claims/{claim_id}");
    page.version = Some(version);
    page.fields = vec![
        Input::text("from_place", "From").value(&f.from_place).errors(errors).to_string(),
        Input::text("to_place", "To").value(&f.to_place).errors(errors).to_string(),
        Input::text("miles", "Miles").hint(hint).inputmode("decimal").classes("govuk-input--width-5").value(&f.miles).errors(errors).to_string(),
        Choices::new(false, "round_trip", "There and back?", &[("yes", "The miles are there and back")], std::slice::from_ref(&f.round_trip)).errors(errors).to_string(),
        Input::text("passengers", "Passengers carried on the service's business").inputmode("numeric").classes("govuk-input--width-2").value(&f.passengers).errors(errors).to_string(),
    ];
    page.button = "Save the journey".into();
    page
}

pub async fn journey_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(line_id): Path<Uuid>) -> Result<Response, AppError> {
    let (claim_id, staff) = store::line_owner(&state.store, line_id).await?;
    me.authorize_staff(&state, staff).await?;
    let claim = store::claim(&state.store, claim_id).await?;
    let line = claim.lines.iter().find(|l| l.id == line_id && l.kind == ExpenseKind::Mileage).ok_or(AppError::NotFound)?;
    let from = line.from_place.clone().unwrap_or_default();
    let to = line.to_place.clone().unwrap_or_default();
    let hint = match store::estimate_between(&state.store, &state.config.expenses, &from, &to, true).await? {
        Some(t) => format!("Hearth estimates {} there and back between these places. Use your own reading if it differs.", miles_text(t)),
        None => "From your car's trip counter or a route planner, like 12.4".into(),
    };
    let f = JourneyForm {
        from_place: from,
        to_place: to,
        miles: line.miles_tenths.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_default(),
        round_trip: if line.round_trip { "yes".into() } else { String::new() },
        passengers: line.passengers.to_string(),
        version: claim.version.to_string(),
    };
    Ok(show(&journey_page(&ctx, line_id, claim_id, claim.version, &hint, &f, &[]), &[]))
}

pub async fn set_journey(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(line_id): Path<Uuid>, Form(f): Form<JourneyForm>) -> Result<Response, AppError> {
    let (claim_id, staff) = store::line_owner(&state.store, line_id).await?;
    me.authorize_staff(&state, staff).await?;
    let version = version_of(&f.version)?;
    let errors = match f.validate(&state.config.expenses) {
        Ok(j) => match store::set_journey(&state.store, &me.audit, &state.config.expenses, line_id, version, &j).await {
            Ok(()) => return Ok(Redirect::to(&format!("/expense-claims/{claim_id}#lines")).into_response()),
            Err(e) => refusal(e)?,
        },
        Err(e) => e,
    };
    Ok(show(&journey_page(&ctx, line_id, claim_id, version, "Like 12.4", &f, &errors), &errors))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    pub version: String,
}

pub async fn remove_line(State(state): State<AppState>, me: Ctx, Path(line_id): Path<Uuid>, Form(f): Form<VersionForm>) -> Result<Response, AppError> {
    let (claim_id, staff) = store::line_owner(&state.store, line_id).await?;
    me.authorize_staff(&state, staff).await?;
    store::remove_line(&state.store, &me.audit, &state.config.expenses, line_id, version_of(&f.version)?).await.map_err(|e| match e {
        StoreError::NotEditable(why) => AppError::Invalid(vec![FieldError::new("claim", why)]),
        e => stale(e),
    })?;
    Ok(Redirect::to(&format!("/expense-claims/{claim_id}#lines")).into_response())
}

// ---- Another cost, with its receipt ----

#[derive(Template)]
#[template(path = "people/expense_cost.html")]
struct CostPage {
    shell: Shell,
    id: Uuid,
    version: i64,
    errors: Option<ErrorSummary>,
    fields: Vec<String>,
    receipt: FileUpload,
}

fn cost_page(state: &AppState, ctx: &PageCtx, claim_id: Uuid, version: i64, f: &CostForm, errors: &[FieldError]) -> CostPage {
    let kinds: Vec<(String, String)> = ExpenseKind::RECEIPTED.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect();
    CostPage {
        shell: ctx.shell("Add an expense"),
        id: claim_id,
        version,
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        fields: vec![
            Select::new("kind", "What was it for?", Some("Choose one"), &kinds, &f.kind).errors(errors).to_string(),
            DateInput::new("spent_on", "When did you spend it?").value(&f.spent_on).errors(errors).to_string(),
            Input::text("description", "What it was").hint("For example, parking at the court, or the train to a training day.").value(&f.description).errors(errors).to_string(),
            Input::text("amount", "Amount, in pounds").inputmode("decimal").classes("govuk-input--width-5").value(&f.amount).errors(errors).to_string(),
        ],
        receipt: FileUpload::photo_or_pdf(
            "receipt",
            "The receipt",
            &format!("A photo (JPEG or PNG) or a PDF, up to {}. Photos are saved without their location and camera details.", hearth_domain::documents::megabytes(state.config.max_upload_bytes)),
        )
        .errors(errors),
    }
}

pub async fn cost_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(claim_id): Path<Uuid>) -> Result<Response, AppError> {
    authorize_claim(&state, &me, claim_id).await?;
    let claim = store::claim(&state.store, claim_id).await?;
    Ok(render(&cost_page(&state, &ctx, claim_id, claim.version, &CostForm { spent_on: today().to_string(), ..Default::default() }, &[])))
}

/// Reads the cost form sent as a file upload: its fields (a date's day, month and year joined as
/// `input::guard` joins them for other forms), the version, and the receipt from either input.
async fn read_cost(mut multipart: Multipart) -> Result<(CostForm, String, Vec<u8>), AppError> {
    let broken = crate::cases::documents::broken_upload("receipt");
    let (mut f, mut version, mut file) = (CostForm::default(), String::new(), Vec::new());
    let (mut day, mut month, mut year) = (String::new(), String::new(), String::new());
    while let Some(field) = multipart.next_field().await.map_err(&broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "receipt" || name == "photo" {
            let bytes = field.bytes().await.map_err(&broken)?;
            if !bytes.is_empty() && file.is_empty() {
                file = bytes.to_vec();
            }
            continue;
        }
        let text = field.text().await.map_err(&broken)?;
        if text.chars().any(|c| !hearth_domain::text::allowed_char(c)) {
            return Err(AppError::Invalid(vec![FieldError::new(name, "This must not contain control characters")]));
        }
        match name.as_str() {
            "kind" => f.kind = text,
            "description" => f.description = text,
            "amount" => f.amount = text,
            "spent_on-day" => day = text,
            "spent_on-month" => month = text,
            "spent_on-year" => year = text,
            "version" => version = text,
            _ => {}
        }
    }
    f.spent_on = crate::input::date_from_parts(&day, &month, &year);
    Ok((f, version, file))
}

pub async fn add_cost(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(claim_id): Path<Uuid>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    // The claim's permission first: a refusal must not depend on how the body was sent.
    authorize_claim(&state, &me, claim_id).await?;
    let multipart = multipart.map_err(|_| AppError::Invalid(vec![FieldError::new("receipt", "Send the form as a file upload")]))?;
    let (f, version, file) = read_cost(multipart).await?;
    let version = version_of(&version)?;
    let s = &state.config.expenses;
    let mut errors = hearth_domain::Collect::default();
    let cost = match f.validate(s, today()) {
        Ok(c) => Some(c),
        Err(e) => {
            e.into_iter().for_each(|e| errors.push(e));
            None
        }
    };
    let receipt = match crate::cases::documents::photo_or_pdf("receipt", "The receipt", &file, state.config.max_upload_bytes) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let errors = match (cost, receipt) {
        (Some(cost), Some(file_type)) if errors.is_empty() => match crate::cases::documents::cleaned(&state, "receipt", file_type, &file).await {
            Ok((bytes, thumbnail)) => match store::add_cost(&state.store, &state.config.files, &me.audit, s, claim_id, version, &cost, &NewReceipt { file_type, bytes, thumbnail }).await {
                Ok(_) => return Ok(Redirect::to(&format!("/expense-claims/{claim_id}#lines")).into_response()),
                Err(e) => refusal(e)?,
            },
            Err(e) => e,
        },
        _ => errors.0,
    };
    Ok(render_with(StatusCode::BAD_REQUEST, &cost_page(&state, &ctx, claim_id, version, &f, &errors)))
}

pub async fn receipt(State(state): State<AppState>, me: Ctx, Path(line_id): Path<Uuid>) -> Result<Response, AppError> {
    let (_, staff) = store::line_owner(&state.store, line_id).await?;
    me.authorize_staff(&state, staff).await?;
    let (file_type, bytes) = store::receipt(&state.store, &state.config.files, &me.audit, line_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file_type.media_type().to_string()),
            (header::CONTENT_DISPOSITION, content_disposition("Receipt", file_type)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn receipt_thumbnail(State(state): State<AppState>, me: Ctx, Path(line_id): Path<Uuid>) -> Result<Response, AppError> {
    let (_, staff) = store::line_owner(&state.store, line_id).await?;
    me.authorize_staff(&state, staff).await?;
    let bytes = store::receipt_thumbnail(&state.store, &state.config.files, line_id).await?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")], bytes).into_response())
}

// ---- Payroll ----

#[derive(Template)]
#[template(path = "people/payroll.html")]
struct PayrollPage {
    shell: Shell,
    months: Vec<(String, String)>,
    /// (month, exported by, exported on, claims, total)
    exports: Vec<(String, String, String, i64, String)>,
    waiting: i64,
    waiting_total: String,
}

fn month_label(code: &str) -> String {
    let (y, m) = code.split_once('-').unwrap_or((code, "1"));
    let month = m.parse::<u8>().ok().and_then(|m| time::Month::try_from(m).ok()).map(|m| m.to_string()).unwrap_or_default();
    format!("{month} {y}")
}

pub async fn payroll_page(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let (exports, waiting, waiting_total) = store::payroll_overview(&state.store).await?;
    let t = today();
    let mut months = Vec::new();
    let (mut y, mut m) = (t.year(), t.month());
    for _ in 0..12 {
        let code = store::month_code(y, m);
        months.push((code.clone(), month_label(&code)));
        if m == time::Month::January {
            y -= 1;
        }
        m = m.previous();
    }
    Ok(render(&PayrollPage {
        shell: ctx.shell("Expenses for payroll"),
        months,
        exports: exports
            .iter()
            .map(|e| (month_label(&e.month), e.exported_by.as_ref().map(|b| b.name.clone()).unwrap_or_else(|| "Hearth".into()), long_date(e.exported_at.date()), e.claims, money(e.total_pence)))
            .collect(),
        waiting,
        waiting_total: money(waiting_total),
    }))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct MonthQuery {
    /// The payroll month, YYYY-MM: this month or one before.
    pub month: String,
}

fn parse_month(m: &str) -> Result<(i32, time::Month), AppError> {
    let bad = || AppError::Invalid(vec![FieldError::new("month", "Choose a month, like 2026-11")]);
    let (y, mo) = m.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = y.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(bad)?;
    let month = mo.parse::<u8>().ok().and_then(|m| time::Month::try_from(m).ok()).ok_or_else(bad)?;
    Ok((year, month))
}

fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

async fn payroll_csv_of(state: &AppState, me: &Ctx, month: &str) -> Result<Response, AppError> {
    let (year, m) = parse_month(month)?;
    let (export, lines) = store::payroll(&state.store, &me.audit, year, m, today()).await.map_err(|e| match e {
        StoreError::Refused(f) => AppError::Invalid(vec![f]),
        e => e.into(),
    })?;
    let mut out = String::from("payroll_month,claim_id,staff_id,name,approved_on,miles,mileage_pounds,other_pounds,total_pounds\r\n");
    for l in &lines {
        out.push_str(&format!(
            "{},{},{},{},{},{}.{},{},{},{}\r\n",
            export.month,
            l.claim_id,
            l.staff.id,
            crate::quality::insight::csv_field(&l.staff.name),
            l.approved_on,
            l.miles_tenths / 10,
            l.miles_tenths % 10,
            pounds(l.mileage_pence),
            pounds(l.other_pence),
            pounds(l.total_pence)
        ));
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"hearth-expenses-{}.csv\"", export.month)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((headers, out).into_response())
}

pub async fn payroll_csv(State(state): State<AppState>, me: Ctx, Query(q): Query<MonthQuery>) -> Result<Response, AppError> {
    payroll_csv_of(&state, &me, &q.month).await
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct ExpenseLineItem {
    pub id: Uuid,
    /// mileage, parking, fares, taxi, subsistence or other.
    pub kind: String,
    pub spent_on: String,
    pub description: String,
    pub case_reference: Option<String>,
    pub from_place: Option<String>,
    pub to_place: Option<String>,
    /// Tenths of a mile.
    pub miles_tenths: Option<i64>,
    pub estimated: bool,
    pub amount_pence: i64,
    pub has_receipt: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExpenseClaimItem {
    pub id: Uuid,
    pub staff_id: Uuid,
    /// draft, submitted, approved, refused or paid.
    pub status: String,
    pub total_pence: i64,
    pub needs_service_manager: bool,
    pub refusal_reason: Option<String>,
    pub payroll_month: Option<String>,
    pub version: i64,
    pub lines: Vec<ExpenseLineItem>,
}

fn claim_item(c: &Claim) -> ExpenseClaimItem {
    ExpenseClaimItem {
        id: c.id,
        staff_id: c.staff.id,
        status: c.status.code().into(),
        total_pence: c.total_pence,
        needs_service_manager: c.needs_service_manager,
        refusal_reason: c.refusal_reason.clone(),
        payroll_month: c.payroll_month.clone(),
        version: c.version,
        lines: c
            .lines
            .iter()
            .map(|l| ExpenseLineItem {
                id: l.id,
                kind: l.kind.code().into(),
                spent_on: l.spent_on.to_string(),
                description: l.description.clone(),
                case_reference: l.case_reference.clone(),
                from_place: l.from_place.clone(),
                to_place: l.to_place.clone(),
                miles_tenths: l.miles_tenths,
                estimated: l.estimated,
                amount_pence: l.amount_pence,
                has_receipt: l.receipt.is_some(),
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExpenseClaimList {
    pub items: Vec<ExpenseClaimItem>,
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/expense-claims", params(("id" = Uuid, Path)), responses((status = 200, body = ExpenseClaimList), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<ExpenseClaimList>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let claims = store::claims_of(&state.store, &me.audit, id).await?;
    Ok(Json(ExpenseClaimList { total: claims.len() as i64, items: claims.iter().map(claim_item).collect() }))
}

/// A journey to claim that was not for a recorded visit.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct JourneyBody {
    pub spent_on: String,
    pub description: String,
    pub from_place: String,
    pub to_place: String,
    /// Miles, like "12.4".
    pub miles: String,
    pub round_trip: bool,
    pub passengers: i64,
}

/// A claim in progress, with journeys for recorded visits (their miles estimated where both
/// ends are known places, or entered later on the claim's page) and other journeys. Other costs
/// need a receipt, so they are added on the claim's page.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ExpenseClaimBody {
    /// Chronology entries (visits or court attendances the claimant recorded) to claim.
    pub visits: Vec<Uuid>,
    pub journeys: Vec<JourneyBody>,
}

fn api_refused(e: StoreError) -> ApiError {
    match e {
        StoreError::Refused(f) => ApiError(AppError::Invalid(vec![f])),
        StoreError::NotEditable(why) => ApiError(AppError::Invalid(vec![FieldError::new("claim", why)])),
        StoreError::Conflict { current } => ApiError(AppError::PreconditionFailed(current)),
        e => e.into(),
    }
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/expense-claims", params(("id" = Uuid, Path)), request_body = ExpenseClaimBody, responses((status = 201, body = ExpenseClaimItem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_create(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, HeaderMap, Json<ExpenseClaimItem>), ApiError> {
    me.authorize_staff(&state, id).await?;
    let b: ExpenseClaimBody = json(&body)?;
    let s = &state.config.expenses;
    let today = today();
    // Every journey is checked before anything is written.
    let mut journeys = Vec::new();
    for (i, j) in b.journeys.iter().enumerate() {
        let named = |e: FieldError| FieldError::new(format!("journeys[{i}].{}", e.field), e.message);
        let on = spent_on("spent_on", "the day of the journey", &j.spent_on, today).map_err(|e| ApiError(AppError::Invalid(vec![named(e)])))?;
        let description = hearth_domain::text::required("description", "what the journey was for", &j.description, 200).map_err(|e| ApiError(AppError::Invalid(vec![named(e)])))?;
        let form = JourneyForm { from_place: j.from_place.clone(), to_place: j.to_place.clone(), miles: j.miles.clone(), round_trip: if j.round_trip { "yes".into() } else { String::new() }, passengers: j.passengers.to_string(), version: String::new() };
        let journey = form.validate(s).map_err(|e| ApiError(AppError::Invalid(e.into_iter().map(named).collect())))?;
        journeys.push((on, description, journey));
    }
    if b.visits.is_empty() && journeys.is_empty() {
        return Err(ApiError(AppError::Invalid(vec![FieldError::new("visits", "Give at least one visit or journey")])));
    }
    let claim_id = store::start(&state.store, &me.audit, id).await.map_err(api_refused)?;
    let mut version = store::claim(&state.store, claim_id).await?.version;
    if !b.visits.is_empty() {
        store::add_visits(&state.store, &me.audit, s, claim_id, version, &b.visits, today).await.map_err(api_refused)?;
        version += 1;
    }
    for (on, description, j) in &journeys {
        store::add_journey(&state.store, &me.audit, s, claim_id, version, *on, description, j).await.map_err(api_refused)?;
        version += 1;
    }
    let c = store::claim(&state.store, claim_id).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = format!("/api/v1/expense-claims/{claim_id}").parse() {
        headers.insert(header::LOCATION, v);
    }
    if let Ok(v) = format!("\"{}\"", c.version).parse() {
        headers.insert(header::ETAG, v);
    }
    Ok((StatusCode::CREATED, headers, Json(claim_item(&c))))
}

#[utoipa::path(get, path = "/api/v1/expense-claims/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = ExpenseClaimItem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_claim(State(state): State<AppState>, me: Ctx, Path(claim_id): Path<Uuid>) -> Result<(HeaderMap, Json<ExpenseClaimItem>), ApiError> {
    authorize_claim(&state, &me, claim_id).await?;
    let c = store::claim(&state.store, claim_id).await?;
    store::record_read(&state.store, &me.audit, &c).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = format!("\"{}\"", c.version).parse() {
        headers.insert(header::ETAG, v);
    }
    Ok((headers, Json(claim_item(&c))))
}

/// Submitting: a reason is needed when anything claimed is older than the claim window.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SubmitBody {
    pub late_reason: String,
}

#[utoipa::path(post, path = "/api/v1/expense-claims/{id}/submit", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), request_body(content = Option<SubmitBody>), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_submit(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(claim_id): Path<Uuid>, body: String) -> Result<StatusCode, ApiError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = if_match(&headers)?;
    let b: SubmitBody = if body.trim().is_empty() { SubmitBody::default() } else { json(&body)? };
    store::submit(&state.store, &me.audit, &state.config.expenses, claim_id, version, &b.late_reason, today()).await.map_err(api_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/expense-claims/{id}/approve", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_approve(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(claim_id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = if_match(&headers)?;
    store::decide(&state.store, &me.audit, claim_id, version, Decision::Approve).await.map_err(api_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why a claim is refused.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RefuseBody {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/expense-claims/{id}/refuse", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), request_body = RefuseBody, responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn api_refuse(State(state): State<AppState>, me: Ctx, headers: HeaderMap, Path(claim_id): Path<Uuid>, body: String) -> Result<StatusCode, ApiError> {
    authorize_claim(&state, &me, claim_id).await?;
    let version = if_match(&headers)?;
    let b: RefuseBody = json(&body)?;
    let reason = hearth_domain::text::required("reason", "why it is refused", &b.reason, 500).map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    store::decide(&state.store, &me.audit, claim_id, version, Decision::Refuse(&reason)).await.map_err(api_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/payroll/expenses.csv", params(MonthQuery), responses((status = 200, content_type = "text/csv", body = String, description = "One row per claim paid in the month's export"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_payroll(State(state): State<AppState>, me: Ctx, Query(q): Query<MonthQuery>) -> Result<Response, ApiError> {
    Ok(payroll_csv_of(&state, &me, &q.month).await?)
}
