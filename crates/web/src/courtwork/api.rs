//! Court work through the API: the same steps, permissions and rules as the pages. Saving a draft
//! takes `If-Match` with the version read; a stale save is refused with 412.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hearth_domain::FieldError;
use hearth_domain::courtwork::{FilingMethod, Sections, check_complete, check_draft, work_types_for};
use hearth_domain::quality::{Grade, WorkType};
use hearth_store::StoreError;
use hearth_store::courtwork::{self, Work};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::pages::{FileError, file_work};
use crate::api::{if_match, invalid, json};
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// A piece of court work.
#[derive(Serialize, ToSchema)]
pub struct WorkDetail {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    /// `safeguarding_letter`, `section_7_report`, `section_16a_risk_assessment`,
    /// `rule_16_4_guardians_report`, `initial_case_analysis`, `final_analysis` or `case_closure`.
    pub work_type: String,
    /// `draft`, `submitted`, `returned`, `approved` or `filed`.
    pub status: String,
    pub author_id: Uuid,
    pub template_version: i64,
    /// The template's sections in order: key, heading, guidance and whether it must be written.
    pub template: Vec<SectionSchema>,
    /// What is written: section key to text.
    pub sections: BTreeMap<String, String>,
    pub word_count: i64,
    pub due_on: Option<String>,
    pub filed_at: Option<String>,
    pub filing_method: Option<String>,
    /// `after_sign_off` or `own_authority`.
    pub filing_route: Option<String>,
    pub document_id: Option<Uuid>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SectionSchema {
    pub key: String,
    pub heading: String,
    pub guidance: String,
    pub required: bool,
}

fn detail(w: &Work) -> WorkDetail {
    WorkDetail {
        id: w.id,
        case_id: w.case_id,
        case_reference: w.case_reference.clone(),
        work_type: w.work_type.code().into(),
        status: w.status.code().into(),
        author_id: w.author.id,
        template_version: w.template_version,
        template: w.template.iter().map(|s| SectionSchema { key: s.key.clone(), heading: s.heading.clone(), guidance: s.guidance.clone(), required: s.required }).collect(),
        sections: w.sections.clone(),
        word_count: w.word_count,
        due_on: w.due_on.map(hearth_store::date_text),
        filed_at: w.filed_at.map(hearth_store::ts),
        filing_method: w.filing_method.map(|m| m.code().into()),
        filing_route: w.filing_route.map(|r| r.code().into()),
        document_id: w.document_id,
        version: w.version,
    }
}

/// The work with its version as the ETag, for the next save's `If-Match`.
fn with_etag(status: StatusCode, w: &Work) -> Response {
    let mut res = (status, Json(detail(w))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", w.version)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

#[derive(Serialize, ToSchema)]
pub struct WorkList {
    pub items: Vec<WorkDetail>,
}

/// A case's court work, newest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/work", params(("id" = Uuid, Path)), responses((status = 200, body = WorkList), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<WorkList>, ApiError> {
    me.authorize_case(&state, id).await?;
    hearth_store::cases::record_view(&state.store, &me.audit, id).await?;
    Ok(Json(WorkList { items: courtwork::for_case(&state.store, id).await?.iter().map(detail).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The work type's code; it must suit the case's law type.
    pub work_type: String,
}

/// Starts a draft on the case, written by the caller (its allocated worker).
#[utoipa::path(post, path = "/api/v1/cases/{id}/work", params(("id" = Uuid, Path)), request_body = StartBody, responses((status = 201, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn start(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    me.authorize_case(&state, id).await?;
    let b: StartBody = json(&body)?;
    let case = hearth_store::cases::case_record(&state.store, id).await?;
    let work_type = WorkType::from_code(&b.work_type)
        .filter(|t| work_types_for(case.law).contains(t))
        .ok_or_else(|| invalid("work_type", &format!("Choose one of: {}", work_types_for(case.law).iter().map(|t| t.code()).collect::<Vec<_>>().join(", "))))?;
    let work = courtwork::start(&state.store, &me.audit, id, work_type, me.id()).await?;
    Ok(with_etag(StatusCode::CREATED, &courtwork::get(&state.store, work).await?))
}

/// One piece of court work. Its ETag is the version to send back in `If-Match`.
#[utoipa::path(get, path = "/api/v1/work/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn record(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    hearth_store::cases::record_view(&state.store, &me.audit, work.case_id).await?;
    Ok(with_etag(StatusCode::OK, &work))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    /// Section key to text. Every section of the template may be sent; one left out is emptied.
    pub sections: BTreeMap<String, String>,
}

/// Saves a draft's text at the version read (`If-Match`). Every save is kept in its history. The
/// page's script saves through here as the worker writes.
#[utoipa::path(patch, path = "/api/v1/work/{id}", params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version read, as the ETag of GET")), request_body = SaveBody, responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"), (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn save(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, headers: HeaderMap, body: String) -> Result<Response, ApiError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    let version = if_match(&headers)?;
    let b: SaveBody = json(&body)?;
    let sections: Sections = b.sections.into_iter().collect();
    let clean = check_draft(&work.template, &sections).map_err(|e| ApiError(AppError::Invalid(e)))?;
    match courtwork::save(&state.store, &me.audit, id, &clean, version).await {
        Ok(_) => Ok(with_etag(StatusCode::OK, &courtwork::get(&state.store, id).await?)),
        Err(StoreError::Conflict { current }) => Err(ApiError(AppError::PreconditionFailed(current))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    /// The version read.
    pub version: i64,
}

async fn after(state: &AppState, id: Uuid, done: Result<(), StoreError>) -> Result<Response, ApiError> {
    match done {
        Ok(()) => Ok(with_etag(StatusCode::OK, &courtwork::get(&state.store, id).await?)),
        Err(StoreError::Conflict { current }) => Err(ApiError(AppError::PreconditionFailed(current))),
        Err(e) => Err(e.into()),
    }
}

/// Sends complete work to the author's manager. Every required section must be written.
#[utoipa::path(post, path = "/api/v1/work/{id}/submit", params(("id" = Uuid, Path)), request_body = VersionBody, responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    let b: VersionBody = json(&body)?;
    check_complete(&work.template, &work.sections).map_err(|e| ApiError(AppError::Invalid(e)))?;
    after(&state, id, courtwork::submit(&state.store, &me.audit, id, b.version).await).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveBody {
    pub version: i64,
    /// `outstanding`, `good`, `requires_improvement` or `inadequate`.
    pub grade: String,
}

/// Approves submitted work with a grade, which counts towards or takes away the author's autonomy.
#[utoipa::path(post, path = "/api/v1/work/{id}/approve", params(("id" = Uuid, Path)), request_body = ApproveBody, responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn approve(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    me.authorize_work(&state, id).await?;
    let b: ApproveBody = json(&body)?;
    let grade = Grade::from_code(&b.grade).ok_or_else(|| invalid("grade", "Choose outstanding, good, requires_improvement or inadequate"))?;
    after(&state, id, courtwork::approve(&state.store, &me.audit, id, grade, b.version, &state.config.autonomy).await.map(|_| ())).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    pub version: i64,
    /// Section key to comment; at least one.
    pub comments: BTreeMap<String, String>,
}

/// Returns submitted work to its author with comments on its sections.
#[utoipa::path(post, path = "/api/v1/work/{id}/return", params(("id" = Uuid, Path)), request_body = ReturnBody, responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 412, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn return_work(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    me.authorize_work(&state, id).await?;
    let b: ReturnBody = json(&body)?;
    let mut comments = vec![];
    for (key, text) in b.comments {
        let text = text.trim().to_string();
        if text.chars().count() > 5_000 {
            return Err(ApiError(AppError::Invalid(vec![FieldError::new(format!("comments.{key}"), "A comment must be 5,000 characters or fewer")])));
        }
        if !text.is_empty() {
            comments.push((key, text));
        }
    }
    after(&state, id, courtwork::return_work(&state.store, &me.audit, id, &comments, b.version).await).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    pub version: i64,
    /// `court_portal`, `secure_email`, `by_hand` or `post`.
    pub method: String,
    /// A party to withhold a safeguarding letter from.
    pub withheld_from: Option<Uuid>,
}

/// Files the work: approved work on its sign-off, or a draft on the caller's earned authority,
/// checked inside the filing. The PDF becomes a document on the case; its SHA-256 is audited.
#[utoipa::path(post, path = "/api/v1/work/{id}/file", params(("id" = Uuid, Path)), request_body = FileBody, responses((status = 200, body = WorkDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn file(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<Response, ApiError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    let b: FileBody = json(&body)?;
    let method = FilingMethod::from_code(&b.method).ok_or_else(|| invalid("method", "Choose court_portal, secure_email, by_hand or post"))?;
    if b.version != work.version {
        return Err(ApiError(AppError::PreconditionFailed(work.version)));
    }
    match file_work(&state, &me, &work, method, b.withheld_from, b.version).await {
        Ok(_) => Ok(with_etag(StatusCode::OK, &courtwork::get(&state.store, id).await?)),
        Err(FileError::Field(e)) => Err(ApiError(AppError::Invalid(vec![e]))),
        Err(FileError::App(e)) => Err(ApiError(e)),
    }
}
