//! National policies: reading one at its current version, confirming it has been read and
//! understood, and publishing a new version that everyone it applies to confirms again.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::training::PolicyForm;
use hearth_store::StoreError;
use hearth_store::people::training::{self as store, Policy, Whose};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::components::Textarea;
use crate::dates::long_date;
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "people/policies.html")]
struct ListPage {
    shell: Shell,
    /// (id, title, version, published, the caller's confirmation: none if it does not apply to them)
    policies: Vec<(Uuid, String, i64, String, Option<Option<String>>)>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let (policies, mut mine) = tokio::try_join!(store::policies(&state.store), store::attestations(&state.store, Whose::Person(me.id())))?;
    let mine = mine.remove(&me.id()).unwrap_or_default();
    let page = ListPage {
        shell: ctx.shell("Policies"),
        policies: policies
            .into_iter()
            .map(|p| {
                let confirmed = mine.iter().find(|a| a.policy_id == p.id).map(|a| a.attested_at.map(|at| long_date(at.date())));
                (p.id, p.title, p.version.number, long_date(p.version.published_on), confirmed)
            })
            .collect(),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "people/policy.html")]
struct PolicyPage {
    shell: Shell,
    policy: Policy,
    published: String,
    body: String,
    /// Applies to the caller: whether (and when) they confirmed this version.
    confirmation: Option<Option<String>>,
    can_publish: bool,
}

pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (policy, mut mine) = tokio::try_join!(store::policy(&state.store, id), store::attestations(&state.store, Whose::Person(me.id())))?;
    let confirmation = mine.remove(&me.id()).unwrap_or_default().into_iter().find(|a| a.policy_id == id).map(|a| a.attested_at.map(|at| long_date(at.date())));
    let page = PolicyPage {
        shell: ctx.shell(policy.title.clone()),
        published: long_date(policy.version.published_on),
        body: crate::markdown::render(&policy.version.body),
        confirmation,
        can_publish: me.can(Permission::ManagePolicies),
        policy,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttestForm {
    version: String,
}

/// The caller confirms the version they read. A version published since they opened the page
/// is refused: they are sent back to read the new one.
pub async fn attest(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AttestForm>) -> Result<Response, AppError> {
    let number = crate::form::version(f.version.trim().parse().ok())?;
    match store::attest(&state.store, &me.audit, me.id(), id, number).await {
        Ok(()) => Ok(crate::saved::redirect(&state, &format!("/policies/{id}"), crate::saved::Saved::PolicyAttested)),
        Err(StoreError::Conflict { current }) => Err(AppError::Conflict(format!("A newer version (version {current}) was published after you opened this policy. Nothing was confirmed. Read version {current}, then confirm it."))),
        Err(e) => Err(e.into()),
    }
}

fn publish_page(ctx: &PageCtx, p: &Policy, f: &PolicyForm, number: i64, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Publish a new version", format!("/policies/{}/publish", p.id), errors);
    page.back = format!("/policies/{}", p.id);
    page.caption = Some(p.title.clone());
    page.version = Some(number);
    page.intro = Some(format!("This will be version {}. Everyone it applies to will be asked to read it and confirm they understand it. Written in Markdown; raw HTML shows as text.", number + 1));
    page.fields = vec![
        Textarea::new("changes", "What has changed").hint("Read first by everyone who confirmed the last version.").rows(3).value(&f.changes).errors(errors).to_string(),
        Textarea::new("body", "The policy").rows(24).value(&f.body).errors(errors).to_string(),
    ];
    page.button = "Publish the new version".into();
    page
}

pub async fn publish_form(State(state): State<AppState>, ctx: PageCtx, _me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let p = store::policy(&state.store, id).await?;
    let f = PolicyForm { changes: String::new(), body: p.version.body.clone(), version: String::new() };
    Ok(show(&publish_page(&ctx, &p, &f, p.version.number, &[]), &[]))
}

pub async fn publish(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<PolicyForm>) -> Result<Response, AppError> {
    let number = crate::form::version(f.version.trim().parse().ok())?;
    let p = store::policy(&state.store, id).await?;
    match f.validate() {
        Ok(d) => match store::publish(&state.store, &me.audit, me.id(), id, number, &d).await {
            Ok(_) => Ok(crate::saved::redirect(&state, &format!("/policies/{id}"), crate::saved::Saved::PolicyPublished)),
            Err(StoreError::Conflict { current }) => Err(AppError::Conflict(format!("Someone published version {current} after you opened this. Nothing was published. Open the policy again to start from theirs."))),
            Err(e) => Err(e.into()),
        },
        Err(errors) => Ok(show(&publish_page(&ctx, &p, &f, number, &errors), &errors)),
    }
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct PolicyItem {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub number: i64,
    pub published_on: String,
    /// Roles that must confirm it, by code.
    pub roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/policies", responses((status = 200, body = PolicyList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, _me: Ctx) -> Result<Json<PolicyList>, ApiError> {
    let items: Vec<PolicyItem> = store::policies(&state.store)
        .await?
        .into_iter()
        .map(|p| PolicyItem { id: p.id, code: p.code, title: p.title, number: p.version.number, published_on: p.version.published_on.to_string(), roles: p.roles.iter().map(|r| r.code().to_string()).collect() })
        .collect();
    let total = items.len() as i64;
    Ok(Json(PolicyList { per_page: total.max(1), items, total, page: 1 }))
}

/// The version read: only the current one can be confirmed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestBody {
    pub version: i64,
}

#[utoipa::path(post, path = "/api/v1/policies/{id}/attest", params(("id" = Uuid, Path)), request_body = AttestBody, responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_attest(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<StatusCode, ApiError> {
    let b: AttestBody = crate::api::json(&body)?;
    store::attest(&state.store, &me.audit, me.id(), id, b.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
