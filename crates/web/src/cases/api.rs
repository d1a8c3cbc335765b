//! The case record's JSON API: list, open, read, the chronology and notes. Permissions are the
//! same as the pages', from the same table; bad input is answered 422 naming the field.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::cases::deadlines::Basis;
use axum::response::{IntoResponse, Response};
use hearth_domain::cases::{CaseEdit, CaseFlag, CaseForm, CaseStatus, LawType, NoteForm, court_case_number, parse_codes};
use hearth_store::cases::{self, CaseQuery, ChronologyFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{case_deadlines, open, visibility};
use crate::api::{if_match, invalid, json};
use crate::dates::today;
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// A case reference, court case number or part of a person's name.
    pub q: Option<String>,
    /// `open` (default), `closed` or `any`.
    #[param(pattern = "^(open|closed|any)?$")]
    pub status: Option<String>,
    /// `private` or `public`.
    #[param(pattern = "^(private|public)?$")]
    pub law: Option<String>,
    /// Only cases allocated to this member of staff.
    pub allocated_to: Option<Uuid>,
    /// Only cases of this team.
    pub team_id: Option<Uuid>,
    /// Only unallocated cases (the allocation hub).
    pub unallocated: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A case reference or court case number, a person's name (small misspellings are found), a date
    /// of birth (`2019-05-04` or `4/5/2019`), or words in notes.
    #[param(required = true, min_length = 1, max_length = 200)]
    pub q: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Searches every case, open or closed, that the caller may open. Nothing outside their grants is
/// counted or returned. A search matching more than 250 of them lists 250 (most recently received
/// first), with `more` true: add a surname, a date of birth or a reference to narrow it.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams), responses((status = 200, body = CasePage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn search(State(state): State<AppState>, me: Ctx, Query(p): Query<SearchParams>) -> Result<Json<CasePage>, ApiError> {
    let q = p.q.filter(|q| hearth_domain::cases::SearchTerms::parse(q).is_some()).ok_or_else(|| invalid("q", "Enter something to search for, up to 200 characters"))?;
    let query = CaseQuery { text: Some(q), visible: Some(visibility(&state, &me, Permission::ViewCase).await?), ..Default::default() };
    let page = cases::list(&state.store, &query, crate::api::page_request(p.page, p.per_page)?).await?;
    Ok(Json(case_page(page)))
}

fn case_page(page: hearth_store::Page<cases::CaseSummary>) -> CasePage {
    CasePage {
        items: page
            .items
            .into_iter()
            .map(|c| CaseSummary {
                id: c.id,
                reference: c.reference,
                court_case_number: c.court_case_number,
                law: c.law.code().into(),
                stage: c.stage.code().into(),
                status: c.status.code().into(),
                team_id: c.team.id,
                allocated_to: c.allocated_to.map(|a| a.id),
                received_on: hearth_store::date_text(c.received_on),
                first_hearing_on: c.first_hearing_on.map(hearth_store::date_text),
                children: c.children,
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        more: page.more,
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    pub reference: String,
    pub court_case_number: String,
    /// `private` or `public`.
    pub law: String,
    pub stage: String,
    pub status: String,
    pub team_id: Uuid,
    pub allocated_to: Option<Uuid>,
    pub received_on: String,
    pub first_hearing_on: Option<String>,
    pub children: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// How many are listed across the pages; a search lists at most 250.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// More cases match a search than it lists (250).
    pub more: bool,
}

#[utoipa::path(get, path = "/api/v1/cases", params(CaseListParams), responses((status = 200, body = CasePage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, me: Ctx, Query(p): Query<CaseListParams>) -> Result<Json<CasePage>, ApiError> {
    let status = match p.status.as_deref() {
        None | Some("") | Some("open") => Some(CaseStatus::Open),
        Some("closed") => Some(CaseStatus::Closed),
        Some("any") => None,
        Some(_) => return Err(invalid("status", "Use open, closed or any")),
    };
    let law = match p.law.as_deref() {
        None | Some("") => None,
        Some(code) => Some(LawType::from_code(code).ok_or_else(|| invalid("law", "Use private or public"))?),
    };
    let query = CaseQuery {
        allocated_to: p.allocated_to,
        team_id: p.team_id,
        status,
        law,
        unallocated: p.unallocated.unwrap_or(false),
        text: p.q,
        visible: Some(visibility(&state, &me, Permission::ViewCase).await?),
        ..Default::default()
    };
    let page = cases::list(&state.store, &query, crate::api::page_request(p.page, p.per_page)?).await?;
    Ok(Json(case_page(page)))
}

/// A case to open. Dates are ISO `YYYY-MM-DD`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    pub court_case_number: String,
    /// `private` or `public`.
    pub law: String,
    /// Application codes, such as `child_arrangements` or `care_order`.
    pub applications: Vec<String>,
    pub court_id: String,
    pub local_authority_id: String,
    pub team_id: String,
    pub received_on: String,
    pub urgent: bool,
    pub first_hearing_on: String,
    pub issued_on: String,
    /// Flag codes, such as `domestic_abuse`.
    pub flags: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: Uuid,
    pub reference: String,
}

#[utoipa::path(post, path = "/api/v1/cases", request_body = NewCaseBody, responses((status = 201, body = Created), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, me: Ctx, body: String) -> Result<(StatusCode, Json<Created>), ApiError> {
    let b: NewCaseBody = json(&body)?;
    let f = CaseForm {
        court_case_number: b.court_case_number,
        law: b.law,
        applications: b.applications,
        court_id: b.court_id,
        local_authority_id: b.local_authority_id,
        team_id: b.team_id,
        received_on: b.received_on,
        urgent: if b.urgent { "yes".into() } else { String::new() },
        first_hearing_on: b.first_hearing_on,
        issued_on: b.issued_on,
        flags: b.flags,
    };
    match super::forms::open_new_case(&state, &me, &f).await? {
        Ok((id, reference)) => Ok((StatusCode::CREATED, Json(Created { id, reference }))),
        Err(errors) => Err(ApiError(AppError::Invalid(errors))),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Deadline {
    pub key: String,
    pub label: String,
    pub due: String,
    /// `court_set` or `computed`.
    pub basis: String,
    /// How a computed deadline was reached, such as "3 working days after the case was received".
    pub rule: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Person {
    pub person_id: Uuid,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    pub role: String,
    pub relationship: Option<String>,
    pub contact: Option<String>,
    pub no_texts: bool,
    pub address_withheld: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    pub id: Uuid,
    pub reference: String,
    pub court_case_number: String,
    pub law: String,
    pub applications: Vec<String>,
    pub flags: Vec<String>,
    pub stage: String,
    pub status: String,
    pub urgent: bool,
    pub court_id: Uuid,
    pub local_authority_id: Option<Uuid>,
    pub team_id: Uuid,
    pub allocated_to: Option<Uuid>,
    pub received_on: String,
    pub first_hearing_on: Option<String>,
    pub issued_on: Option<String>,
    pub people: Vec<Person>,
    pub deadlines: Vec<Deadline>,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = CaseDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn record(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<([(axum::http::HeaderName, String); 1], Json<CaseDetail>), ApiError> {
    let (c, _) = open(&state, &me, id).await?;
    let people = cases::participants(&state.store, id).await?;
    let deadlines = if c.status == CaseStatus::Open { case_deadlines(&state, &c).await? } else { vec![] };
    let etag = format!("\"{}\"", c.version);
    Ok(([(axum::http::header::ETAG, etag)], Json(CaseDetail {
        id: c.id,
        reference: c.reference,
        court_case_number: c.court_case_number,
        law: c.law.code().into(),
        applications: c.applications.iter().map(|a| a.code().to_string()).collect(),
        flags: c.flags.iter().map(|f| f.code().to_string()).collect(),
        stage: c.stage.code().into(),
        status: c.status.code().into(),
        urgent: c.urgent,
        court_id: c.court.id,
        local_authority_id: c.local_authority.map(|l| l.id),
        team_id: c.team.id,
        allocated_to: c.allocated_to.map(|a| a.id),
        received_on: hearth_store::date_text(c.received_on),
        first_hearing_on: c.first_hearing_on.map(hearth_store::date_text),
        issued_on: c.issued_on.map(hearth_store::date_text),
        people: people
            .into_iter()
            .map(|p| Person {
                person_id: p.person_id,
                full_name: p.full_name,
                date_of_birth: p.date_of_birth.map(hearth_store::date_text),
                role: p.role.code().into(),
                relationship: p.relationship.map(|r| r.code().to_string()),
                contact: p.contact.map(|r| r.code().to_string()),
                no_texts: p.no_texts,
                address_withheld: p.address_withheld,
            })
            .collect(),
        deadlines: deadlines.into_iter().map(deadline_json).collect(),
        version: c.version,
    })))
}

#[derive(Serialize, ToSchema)]
pub struct Entry {
    pub id: Uuid,
    pub kind: String,
    pub occurred_on: String,
    pub summary: String,
    pub body: Option<String>,
    pub author_id: Option<Uuid>,
    pub amends_id: Option<Uuid>,
    pub written_at: String,
    pub version: i64,
    /// Where a visit or court attendance was, when the note says.
    pub place: Option<String>,
}

/// Which part of the chronology: the newest entries first, a page at a time.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChronologyParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Entries per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/chronology", params(("id" = Uuid, Path), ChronologyParams), responses((status = 200, body = Vec<Entry>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn chronology(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(p): Query<ChronologyParams>) -> Result<Json<Vec<Entry>>, ApiError> {
    let per_page = p.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(invalid("per_page", "Use a number of entries from 1 to 200"));
    }
    let page = p.page.unwrap_or(1);
    if page < 1 {
        return Err(invalid("page", "Pages start at 1"));
    }
    me.authorize_case(&state, id).await?;
    let filter = ChronologyFilter { limit: Some(per_page), offset: (page - 1).saturating_mul(per_page), ..Default::default() };
    // The read and its durable audit event side by side; nothing is answered until both are done.
    let (entries, ()) = tokio::try_join!(cases::chronology(&state.store, id, &filter), cases::record_view(&state.store, &me.audit, id))?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                kind: e.kind.code().into(),
                occurred_on: hearth_store::date_text(e.occurred_on),
                summary: e.summary,
                body: e.body,
                author_id: e.author.map(|a| a.id),
                amends_id: e.amends_id,
                place: e.place.clone(),
                written_at: hearth_store::ts(e.written_at),
                version: e.version,
            })
            .collect(),
    ))
}

/// A note for the chronology.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// A note kind, such as `visit` or `phone_call`.
    pub kind: String,
    pub occurred_on: String,
    pub summary: String,
    pub body: String,
    /// Where a visit or court attendance was (optional): an office's or court's name, a town,
    /// or an address. Mileage claims are prefilled from it.
    pub place: String,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", params(("id" = Uuid, Path)), request_body = NoteBody, responses((status = 201, body = Created), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_note(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, Json<Created>), ApiError> {
    me.authorize_case(&state, id).await?;
    let b: NoteBody = json(&body)?;
    let note = NoteForm { kind: b.kind, occurred_on: b.occurred_on, summary: b.summary, body: b.body, place: b.place }.validate(today()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    // The answer names the case by its reference: one small read beside the write, not the record.
    let (entry, reference) = tokio::try_join!(cases::add_note(&state.store, &me.audit, id, &note), cases::reference(&state.store, id))?;
    Ok((StatusCode::CREATED, Json(Created { id: entry, reference })))
}

/// Parses a PATCH body into a validated edit, naming every field that is wrong.
fn case_edit(body: &str) -> Result<CaseEdit, ApiError> {
    let value: serde_json::Value = json(body)?;
    let obj = value.as_object().ok_or_else(|| invalid("body", "Send a JSON object of the fields to change"))?;
    let mut errors = hearth_domain::Collect::default();
    let mut edit = CaseEdit::default();
    for (key, v) in obj {
        match key.as_str() {
            "court_case_number" => match v.as_str() {
                Some(s) => edit.court_case_number = errors.keep(court_case_number(s)),
                None => errors.push(FieldError::new("court_case_number", "Send the court case number as text")),
            },
            "urgent" => match v.as_bool() {
                Some(b) => edit.urgent = Some(b),
                None => errors.push(FieldError::new("urgent", "Send true or false")),
            },
            "first_hearing_on" => match v {
                serde_json::Value::Null => edit.first_hearing_on = Some(None),
                serde_json::Value::String(s) => edit.first_hearing_on = errors.keep(hearth_domain::org::parse_date("first_hearing_on", "the first hearing date", s).map(|d| Some(Some(d)))).flatten(),
                _ => errors.push(FieldError::new("first_hearing_on", "Send a date like 2026-12-07, or null")),
            },
            "flags" => match v.as_array() {
                Some(items) => {
                    let codes: Vec<String> = items.iter().map(|i| i.as_str().unwrap_or("?").to_string()).collect();
                    edit.flags = errors.keep(parse_codes("flags", "flags", &codes, CaseFlag::from_code));
                }
                None => errors.push(FieldError::new("flags", "Send a list of flag codes")),
            },
            _ => errors.push(FieldError::new("body", format!("{key} cannot be changed here"))),
        }
    }
    if errors.is_empty() && edit.is_empty() {
        errors.push(FieldError::new("body", "Send at least one field to change"));
    }
    if errors.is_empty() { Ok(edit) } else { Err(ApiError(AppError::Invalid(errors.0))) }
}

#[utoipa::path(patch, path = "/api/v1/cases/{id}", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), request_body = CaseEditBody, responses((status = 200, body = CaseDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn edit(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, headers: axum::http::HeaderMap, body: String) -> Result<Response, ApiError> {
    me.authorize_case(&state, id).await?;
    let version = if_match(&headers)?;
    let edit = case_edit(&body)?;
    match cases::edit_case(&state.store, &me.audit, id, &edit, version).await {
        Ok(()) => {}
        Err(hearth_store::StoreError::Conflict { current }) => return Err(ApiError(AppError::PreconditionFailed(current))),
        Err(e) => return Err(e.into()),
    }
    Ok(record(State(state), me, Path(id)).await?.into_response())
}

/// The fields PATCH accepts; any left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(deny_unknown_fields)]
pub struct CaseEditBody {
    pub court_case_number: Option<String>,
    pub urgent: Option<bool>,
    /// A date, or null to clear it.
    pub first_hearing_on: Option<String>,
    /// Flag codes: the whole new set.
    pub flags: Option<Vec<String>>,
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/deadlines", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Deadline>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn deadlines(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Vec<Deadline>>, ApiError> {
    let (c, _) = open(&state, &me, id).await?;
    let list = if c.status == CaseStatus::Open { case_deadlines(&state, &c).await? } else { vec![] };
    Ok(Json(list.into_iter().map(deadline_json).collect()))
}

fn deadline_json(d: hearth_domain::cases::deadlines::Deadline) -> Deadline {
    let (basis, rule) = match d.basis {
        Basis::CourtSet => ("court_set", None),
        Basis::Computed { rule } => ("computed", Some(rule)),
    };
    Deadline { key: d.key, label: d.label, due: hearth_store::date_text(d.due), basis: basis.into(), rule }
}
