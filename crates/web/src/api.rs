//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from these handlers.

use axum::Json;
use axum::extract::{Path, Query, State};
use hearth_store::PageRequest;
use hearth_store::org::{self, DirectoryQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, Problem, ProblemField};
use crate::session::Ctx;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Hearth API", version = "1", description = "Family court social work. Authenticate with `Authorization: Bearer <token>` from `hearth token create`, or a signed-in session."),
    paths(me, staff_list, staff_record, crate::cases::api::list, crate::cases::api::search, crate::cases::api::create, crate::cases::api::record, crate::cases::api::edit, crate::cases::api::deadlines, crate::cases::api::chronology, crate::cases::api::add_note, crate::cases::documents::api_list, crate::cases::documents::api_upload, crate::courtwork::api::list, crate::courtwork::api::start, crate::courtwork::api::record, crate::courtwork::api::save, crate::courtwork::api::submit, crate::courtwork::api::approve, crate::courtwork::api::return_work, crate::courtwork::api::file, crate::quality::api_autonomy, crate::quality::samples::api_list, crate::quality::samples::api_propose, crate::workload::api::api_workload, crate::workload::api::api_my_people, crate::people::api::list, crate::people::api::record, crate::people::api::agenda_of, crate::people::api::agenda_after, crate::people::api::create, crate::people::api::acknowledge, crate::people::api::record_by_id, crate::people::api::acknowledge_by_id, crate::people::training::api_training, crate::people::policies::api_list, crate::people::policies::api_attest, crate::people::pulse::api_results, crate::people::meetings::api_list, crate::people::group::api_list, crate::people::appraisals::api_list, crate::people::leave::api_ledger, crate::people::leave::api_ask, crate::people::leave::api_request, crate::people::leave::api_approve, crate::people::leave::api_refuse, crate::people::leave::api_cancel, crate::people::sickness::api_list, crate::people::sickness::api_report, crate::people::sickness::figures_api, crate::people::expenses::api_list, crate::people::expenses::api_create, crate::people::expenses::api_claim, crate::people::expenses::api_submit, crate::people::expenses::api_approve, crate::people::expenses::api_refuse, crate::people::expenses::api_payroll, crate::workload::allocation::api_suggestions, crate::workload::plans::api_propose, crate::workload::plans::api_accept, crate::workload::plans::api_propose_moving, crate::workload::offers::api_offer, crate::workload::offers::api_mine, crate::workload::offers::api_accept, crate::workload::offers::api_decline, crate::insight::api, crate::workplace::api::desks, crate::workplace::api::book, crate::workplace::api::check_in, crate::workplace::api::cancel, crate::teamrooms::api::rooms, crate::teamrooms::api::posts, crate::teamrooms::api::add_post, crate::teamrooms::chat::api_list, crate::teamrooms::chat::api_send, crate::teamrooms::live::events),
    components(schemas(Me, StaffSummary, StaffPage, StaffDetail, Problem, ProblemField)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        openapi.components.get_or_insert_with(Default::default).add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(document())
}

/// The OpenAPI document: generated from the handlers, then given what is true of every
/// operation and that the handlers' annotations would otherwise each have to repeat.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut() {
            for (method, op) in item.as_object_mut().into_iter().flatten() {
                let writes = matches!(method.as_str(), "post" | "patch" | "put");
                common_problems(op, writes);
            }
        }
    }
    // Requests' text, and what Hearth stores and answers with; a problem may quote what it refused.
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(|s| s.as_object_mut()) {
        for (name, schema) in schemas.iter_mut() {
            if !name.starts_with("Problem") {
                printable_strings(schema);
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths") {
        for item in paths.as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
            for op in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
                op.get_mut("parameters").into_iter().for_each(printable_strings);
                op.get_mut("requestBody").into_iter().for_each(printable_strings);
            }
        }
    }
    doc
}

/// The problems any operation can answer, whatever its handler does: a malformed request (400),
/// no credentials (401), no permission or a missing CSRF token (403), a record that is not there
/// (404), a body too large (413) or of the wrong type (415), invalid input
/// (422) and a request that took too long (503). Each as `application/problem+json`.
fn common_problems(op: &mut serde_json::Value, writes: bool) {
    let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else { return };
    let mut codes = vec![("400", "The request could not be read"), ("401", "No valid credentials"), ("403", "Not permitted"), ("404", "No such record (named in the path, the query or the body)"), ("422", "Invalid input, naming the field"), ("503", "Hearth is busy: try again")];
    if writes {
        codes.extend([("413", "The body is larger than this operation accepts"), ("415", "The body is not of a type this operation accepts")]);
    }
    for (code, description) in codes {
        responses.entry(code).or_insert_with(|| {
            serde_json::json!({ "description": description, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
        });
    }
}

/// Text Hearth stores may not hold control characters other than tab and line breaks
/// (`input::guard` refuses them): every free-text string in the document says so.
fn printable_strings(v: &mut serde_json::Value) {
    const PRINTABLE: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
    match v {
        serde_json::Value::Object(map) => {
            let is_string = match map.get("type") {
                Some(serde_json::Value::String(t)) => t == "string",
                Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            if is_string && !map.contains_key("format") && !map.contains_key("enum") && !map.contains_key("pattern") {
                map.insert("pattern".into(), serde_json::Value::String(PRINTABLE.into()));
            }
            for child in map.values_mut() {
                printable_strings(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(printable_strings),
        _ => {}
    }
}

/// Invalid input on one field, as a problem naming it.
pub(crate) fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError(crate::AppError::Invalid(vec![hearth_domain::FieldError::new(field, message)]))
}

/// Reads a JSON body, answering a malformed one as invalid input (naming `body`) rather than a
/// bare 400.
pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| invalid("body", &format!("The body must be JSON of the documented shape: {e}")))
}

/// Reads `If-Match`: the version from an ETag (`"3"`, `W/"3"` or `3`). Every API edit of a
/// versioned record needs it (428 without it).
pub(crate) fn if_match(headers: &axum::http::HeaderMap) -> Result<i64, ApiError> {
    let raw = headers.get(axum::http::header::IF_MATCH).ok_or(ApiError(crate::AppError::PreconditionRequired))?;
    raw.to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| invalid("If-Match", "Send the version you read, as the ETag of the record's GET"))
}

/// A list's page as asked for, refusing (on its field) a page below 1 or a page size outside 1 to
/// 100, as the document says: every paged list of the API reads its page here.
pub fn page_request(page: Option<i64>, per_page: Option<i64>) -> Result<PageRequest, ApiError> {
    if per_page.is_some_and(|n| !(1..=PageRequest::MAX_PER_PAGE).contains(&n)) {
        return Err(crate::AppError::Invalid(vec![hearth_domain::FieldError::new("per_page", "per_page must be between 1 and 100")]).into());
    }
    if page.is_some_and(|n| n < 1) {
        return Err(crate::AppError::Invalid(vec![hearth_domain::FieldError::new("page", "page must be 1 or more")]).into());
    }
    Ok(PageRequest::new(page, per_page))
}

/// The caller.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// Role codes, such as `practitioner` or `team_manager`.
    pub roles: Vec<String>,
    pub team_id: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(me: Ctx) -> Json<Me> {
    let p = &me.principal;
    Json(Me {
        id: p.id,
        name: p.name.clone(),
        email: p.email.clone(),
        roles: p.roles.iter().map(|r| r.code().to_string()).collect(),
        team_id: p.placement.team_id,
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffListParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Only this team.
    pub team_id: Option<Uuid>,
    /// Part of a name or email.
    pub q: Option<String>,
    /// Only people holding this role code.
    #[param(pattern = "^(practitioner|team_manager|service_manager|business_support|hr|national_leadership|system_admin)?$")]
    pub role: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffSummary {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub status: String,
    pub team_id: Option<Uuid>,
    pub team: Option<String>,
    pub roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffPage {
    pub items: Vec<StaffSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/staff", params(StaffListParams), responses((status = 200, body = StaffPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn staff_list(State(state): State<AppState>, me: Ctx, Query(p): Query<StaffListParams>) -> Result<Json<StaffPage>, ApiError> {
    let role = match p.role.as_deref() {
        None | Some("") => None,
        Some(code) => Some(hearth_domain::org::Role::from_code(code).ok_or_else(|| {
            crate::AppError::Invalid(vec![hearth_domain::FieldError::new("role", "Unknown role code")])
        })?),
    };
    let query = DirectoryQuery { text: p.q, team_id: p.team_id, role, include_leavers: false };
    let page = org::directory(&state.store, &query, page_request(p.page, p.per_page)?).await?;
    hearth_store::audit::record(&state.store, &me.audit, hearth_store::audit::Event::success("staff.listed").detail(serde_json::json!({ "page": page.page, "team_id": p.team_id }))).await?;
    Ok(Json(StaffPage {
        items: page
            .items
            .into_iter()
            .map(|e| StaffSummary {
                id: e.id,
                name: e.name,
                email: e.email,
                status: e.status.code().into(),
                team_id: e.team.as_ref().map(|t| t.id),
                team: e.team.map(|t| t.name),
                roles: e.roles.iter().map(|r| r.code().to_string()).collect(),
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct StaffDetail {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub skills: Vec<String>,
    pub team_id: Option<Uuid>,
    pub line_manager_id: Option<Uuid>,
    /// Full-time equivalent, 0.01 to 1.
    pub fte: f64,
    pub contract: String,
    pub start_date: String,
    pub qualified_date: Option<String>,
    pub status: String,
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", params(("id" = Uuid, Path)), responses((status = 200, body = StaffDetail), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn staff_record(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<StaffDetail>, ApiError> {
    me.authorize_staff(&state, id).await?;
    let r = org::view_staff_record(&state.store, &me.audit, id).await?;
    Ok(Json(StaffDetail {
        id: r.id,
        name: r.name,
        email: r.email,
        roles: r.roles.iter().map(|x| x.code().to_string()).collect(),
        skills: r.skills.iter().map(|x| x.code().to_string()).collect(),
        team_id: r.team.map(|t| t.id),
        line_manager_id: r.line_manager.map(|m| m.id),
        fte: r.fte.hundredths() as f64 / 100.0,
        contract: r.contract.code().into(),
        start_date: hearth_store::date_text(r.start_date),
        qualified_date: r.qualified_date.map(hearth_store::date_text),
        status: r.status.code().into(),
        version: r.version,
    }))
}
