//! Chat pages and API: one's conversations (`/chat`), starting one with one's line manager or the
//! people one works with (or anyone, by email), and a conversation (`/chat/{id}`). Chat is its
//! members' own business: the routes need a signed-in caller, and the store answers "not found"
//! to anyone not in the conversation, whatever their role.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_store::StoreError;
use hearth_store::org::{self, Members};
use hearth_store::teamrooms::chat as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::api::rfc3339;
use crate::components::ErrorSummary;
use crate::dates::long_time;
use crate::error::{ApiError, Problem};
use crate::form::Form;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "teamrooms/chats.html")]
struct ChatsPage {
    shell: Shell,
    /// (conversation, name, with, last message, unread)
    conversations: Vec<(Uuid, String, String, String, i64)>,
    /// Their line manager: (id, name).
    manager: Option<(Uuid, String)>,
    /// The people they work with: (id, name, checked).
    people: Vec<(Uuid, String, bool)>,
    form: StartForm,
    errors: Option<String>,
    with_error: Option<String>,
    title_error: Option<String>,
    email_error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StartForm {
    pub with: Vec<String>,
    pub title: String,
    pub email: String,
}

fn named(c: &store::ConversationSummary) -> (String, String) {
    let with = c.with.join(", ");
    (c.title.clone().unwrap_or_else(|| with.clone()), with)
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    chats_page(&state, &ctx, &me, StartForm::default(), &[]).await
}

async fn chats_page(state: &AppState, ctx: &PageCtx, me: &Ctx, form: StartForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let conversations = store::conversations_of(&state.store, me.id()).await?;
    let placement = &me.principal.placement;
    let mut ids: Vec<Uuid> = placement.managers.first().copied().into_iter().collect();
    if let Some(team) = placement.team_id {
        ids.extend(org::members(&state.store, Members::Team(team)).await?.into_iter().map(|m| m.id));
    }
    ids.extend(org::reports_of(&state.store, me.id()).await?);
    let names = org::names(&state.store, &ids).await?;
    let mut people: Vec<(Uuid, String, bool)> = Vec::new();
    for id in ids {
        if id != me.id() && !people.iter().any(|(p, ..)| *p == id) && let Some(n) = names.get(&id) {
            people.push((id, n.clone(), form.with.contains(&id.to_string())));
        }
    }
    let manager = placement.managers.first().and_then(|m| names.get(m).map(|n| (*m, n.clone())));
    let on = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
    let view = ChatsPage {
        shell: ctx.shell("Chat"),
        conversations: conversations
            .iter()
            .map(|c| {
                let (name, with) = named(c);
                (c.id, name, with, c.last_message_at.map(long_time).unwrap_or_else(|| "No messages yet".into()), c.unread)
            })
            .collect(),
        manager,
        people,
        with_error: on("with"),
        title_error: on("title"),
        email_error: on("email"),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        form,
    };
    Ok(if errors.is_empty() { render(&view) } else { render_with(StatusCode::BAD_REQUEST, &view) })
}

/// Starts a conversation (or opens the pair's one), and goes to it.
pub async fn start(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<StartForm>) -> Result<Response, AppError> {
    let mut with: Vec<Uuid> = Vec::new();
    for w in &f.with {
        match w.parse() {
            Ok(id) => with.push(id),
            Err(_) => return chats_page(&state, &ctx, &me, f.clone(), &[FieldError::new("with", "Choose people from the list")]).await,
        }
    }
    if !f.email.trim().is_empty() {
        match hearth_store::auth::credentials_by_email(&state.store, f.email.trim()).await? {
            Some(c) if c.active => with.push(c.staff_id),
            _ => return chats_page(&state, &ctx, &me, f.clone(), &[FieldError::new("email", "No one working here has that email address")]).await,
        }
    }
    match store::start(&state.store, &me.audit, me.id(), &with, &f.title).await {
        Ok(id) => Ok(Redirect::to(&format!("/chat/{id}#latest")).into_response()),
        Err(StoreError::Refused(e)) => chats_page(&state, &ctx, &me, f, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "teamrooms/chat.html")]
struct ChatPage {
    shell: Shell,
    title: String,
    /// (author, words, when, mine)
    messages: Vec<(String, String, String, bool)>,
    earlier: bool,
    /// Who has seen the caller's last message, when it is the latest.
    seen_by: Vec<String>,
    id: Uuid,
    body: String,
    errors: Option<String>,
    body_error: Option<String>,
}

pub async fn open(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    chat_page(&state, &ctx, &me, id, String::new(), &[]).await
}

async fn chat_page(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, body: String, errors: &[FieldError]) -> Result<Response, AppError> {
    let c = store::open(&state.store, id, me.id()).await?;
    let others: Vec<&(Uuid, String, Option<time::OffsetDateTime>)> = c.members.iter().filter(|(m, ..)| *m != me.id()).collect();
    let title = c.title.clone().unwrap_or_else(|| others.iter().map(|(_, n, _)| n.as_str()).collect::<Vec<_>>().join(", "));
    let seen_by = match c.messages.last() {
        Some(last) if last.author_id == me.id() => others.iter().filter(|(_, _, read)| read.is_some_and(|r| r >= last.at)).map(|(_, n, _)| n.clone()).collect(),
        _ => vec![],
    };
    let view = ChatPage {
        shell: ctx.shell(format!("Chat with {title}")),
        messages: c.messages.iter().map(|m| (m.author.clone(), m.body.clone(), long_time(m.at), m.author_id == me.id())).collect(),
        earlier: c.earlier,
        seen_by,
        title,
        id,
        body,
        body_error: errors.iter().find(|e| e.field == "body").map(|e| e.message.clone()),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
    };
    Ok(if errors.is_empty() { render(&view) } else { render_with(StatusCode::BAD_REQUEST, &view) })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MessageForm {
    pub body: String,
}

pub async fn send(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<MessageForm>) -> Result<Response, AppError> {
    match store::send(&state.store, &me.audit, id, me.id(), &f.body).await {
        Ok(_) => Ok(Redirect::to(&format!("/chat/{id}#latest")).into_response()),
        Err(StoreError::Refused(e)) => chat_page(&state, &ctx, &me, id, f.body, &[e]).await,
        Err(e) => Err(e.into()),
    }
}

/// How many unread messages the caller has, for the home page.
pub async fn unread(state: &AppState, me: &Ctx) -> Result<i64, AppError> {
    Ok(store::unread_total(&state.store, me.id()).await?)
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct ConversationItem {
    pub id: Uuid,
    /// A group's name; none for a pair.
    pub title: Option<String>,
    /// The other members' names.
    pub with: Vec<String>,
    /// RFC 3339; none before the first message.
    pub last_message_at: Option<String>,
    pub unread: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<ConversationItem>,
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/conversations", responses((status = 200, body = ConversationList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx) -> Result<Json<ConversationList>, ApiError> {
    let items: Vec<ConversationItem> = store::conversations_of(&state.store, me.id())
        .await?
        .into_iter()
        .map(|c| ConversationItem { id: c.id, title: c.title, with: c.with, last_message_at: c.last_message_at.map(rfc3339), unread: c.unread })
        .collect();
    Ok(Json(ConversationList { total: items.len() as i64, items }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct MessageBody {
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageItem {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", params(("id" = Uuid, Path)), request_body = MessageBody, responses((status = 201, body = MessageItem), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_send(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, body: String) -> Result<(StatusCode, Json<MessageItem>), ApiError> {
    let b: MessageBody = crate::api::json(&body)?;
    let words = hearth_domain::teamrooms::chat::message(&b.body).map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    let message = store::send(&state.store, &me.audit, id, me.id(), &words).await?;
    Ok((StatusCode::CREATED, Json(MessageItem { id: message, conversation_id: id, body: words })))
}
