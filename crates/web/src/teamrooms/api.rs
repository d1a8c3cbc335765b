//! The team-rooms API: the rooms the caller may read, a room's threads, and posting a thread or a
//! reply. The same permissions as the pages, checked against the room.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::teamrooms::PostForm;
use hearth_store::teamrooms::{self as store, Room};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{json, page_request};
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Serialize, ToSchema)]
pub struct RoomItem {
    pub id: Uuid,
    /// `team`, `area` or `national`.
    pub kind: String,
    pub name: String,
    pub team_id: Option<Uuid>,
    pub service_area_id: Option<Uuid>,
    /// The caller may post here (they are a member).
    pub member: bool,
    pub threads: i64,
    /// RFC 3339; none before the first post.
    pub active_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomList {
    pub items: Vec<RoomItem>,
    pub total: i64,
}

/// A moment as the team-rooms and chat API give it.
pub(super) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/rooms", responses((status = 200, body = RoomList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn rooms(State(state): State<AppState>, me: Ctx) -> Result<Json<RoomList>, ApiError> {
    let items: Vec<RoomItem> = store::rooms(&state.store)
        .await?
        .into_iter()
        .filter(|r| me.may_in_room(Permission::ViewRoom, r))
        .map(|r| RoomItem {
            member: me.may_in_room(Permission::PostInRoom, &r),
            id: r.id,
            kind: r.kind.code().into(),
            name: r.name,
            team_id: r.team_id,
            service_area_id: r.service_area_id,
            threads: r.threads,
            active_at: r.active_at.map(rfc3339),
        })
        .collect();
    Ok(Json(RoomList { total: items.len() as i64, items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostsParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Threads per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadItem {
    pub id: Uuid,
    pub title: String,
    pub author: String,
    /// RFC 3339.
    pub created_at: String,
    /// When the thread last had a reply (RFC 3339).
    pub active_at: String,
    pub replies: i64,
    pub pinned: bool,
    pub announcement: bool,
    pub hidden: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadPage {
    pub items: Vec<ThreadItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

async fn readable(state: &AppState, me: &Ctx, id: Uuid) -> Result<Room, ApiError> {
    let room = store::room(&state.store, id).await?;
    me.authorize_room(state, &room).await?;
    Ok(room)
}

/// A room's threads, the most recently active first.
#[utoipa::path(get, path = "/api/v1/rooms/{id}/posts", params(("id" = Uuid, Path), PostsParams), responses((status = 200, body = ThreadPage), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn posts(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(p): Query<PostsParams>) -> Result<Json<ThreadPage>, ApiError> {
    let page = page_request(p.page, p.per_page)?;
    let room = readable(&state, &me, id).await?;
    let threads = store::threads(&state.store, room.id, page).await?;
    Ok(Json(ThreadPage {
        items: threads
            .items
            .into_iter()
            // A hidden thread's title goes with its words.
            .map(|t| ThreadItem { id: t.id, title: if t.hidden { super::HIDDEN_TITLE.into() } else { t.title }, author: t.author, created_at: rfc3339(t.created_at), active_at: rfc3339(t.active_at), replies: t.replies, pinned: t.pinned, announcement: t.announcement, hidden: t.hidden })
            .collect(),
        total: threads.total,
        page: threads.page,
        per_page: threads.per_page,
    }))
}

/// A new thread (with a title), or a reply to one (with `thread_id`). Markdown; no raw HTML.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PostBody {
    /// A new thread's title; leave out for a reply.
    pub title: Option<String>,
    pub body: String,
    /// The thread to reply to.
    pub thread_id: Option<Uuid>,
    /// Post even though it looks like it holds a family's details (a case reference or a name
    /// from the author's cases); without it, such a post is refused naming what was found.
    pub confirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PostItem {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub room_id: Uuid,
    pub title: Option<String>,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
}

#[utoipa::path(post, path = "/api/v1/rooms/{id}/posts", params(("id" = Uuid, Path)), request_body = PostBody, responses((status = 201, body = PostItem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_post(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, Json<PostItem>), ApiError> {
    // The caller's standing first: a stranger learns nothing from how their body was read.
    let room = readable(&state, &me, id).await?;
    let b: PostBody = json(&body)?;
    if let Some(thread) = b.thread_id {
        // The thread must be in this room: a reply cannot be smuggled into another.
        let opening = store::post(&state.store, thread).await.map_err(|e| match e {
            hearth_store::StoreError::NotFound => ApiError(AppError::Invalid(vec![FieldError::new("thread_id", "No thread in this room has that id")])),
            e => ApiError(e.into()),
        })?;
        if opening.room_id != room.id || opening.thread_id.is_some() {
            return Err(ApiError(AppError::Invalid(vec![FieldError::new("thread_id", "No thread in this room has that id")])));
        }
    }
    let form = PostForm { title: b.title.clone().unwrap_or_default(), body: b.body.clone(), confirmed: if b.confirmed { "yes".into() } else { String::new() }, ..Default::default() };
    let draft = form.parse(b.thread_id.is_none()).map_err(|e| ApiError(AppError::Invalid(e)))?;
    if !b.confirmed {
        let names = hearth_store::cases::names_on_cases_of(&state.store, me.id()).await?;
        let found = hearth_domain::teamrooms::family_details(&format!("{}\n{}", draft.title.as_deref().unwrap_or_default(), draft.body), &names);
        if !found.is_empty() {
            return Err(ApiError(AppError::Invalid(vec![FieldError::new("body", format!("This looks like it holds a family's details: {}. Take them out, or send confirmed: true", found.join("; ")))])));
        }
    }
    let (post, thread) = match b.thread_id {
        Some(t) => (store::reply(&state.store, &me.audit, &room, t, me.id(), &draft).await?, t),
        None => {
            let t = store::start_thread(&state.store, &me.audit, &room, me.id(), &draft).await?;
            (t, t)
        }
    };
    let p = store::post(&state.store, post).await?;
    Ok((StatusCode::CREATED, Json(PostItem { id: p.id, thread_id: thread, room_id: room.id, title: p.title, body: p.body, created_at: rfc3339(p.created_at) })))
}
