//! Team rooms: the rooms someone may read (`/rooms`), a room's noticeboard and threads
//! (`/rooms/{id}`), a thread with its replies and reactions (`/room-threads/{id}`), changing a post
//! within a day, pinning and hiding (moderators), national announcements, and the API (`api`).
//! Each route names its permission; the handler checks it against the room, as the caller stands
//! to it (`teamrooms::standing`).

pub mod api;
pub mod chat;
pub mod live;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::teamrooms::{self as rules, PostDraft, PostForm, Reaction, RoomKind};
use hearth_store::teamrooms::{self as store, Post, Room};
use hearth_store::{PageRequest, StoreError};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{ErrorSummary, Pagination};
use crate::dates::long_time;
use crate::form::Form;
use crate::markdown::render_post;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::saved::{Saved, redirect};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// What a hidden thread is called to those who may not see its words.
pub const HIDDEN_TITLE: &str = "Hidden post";

/// The standing reminder every room carries.
pub const REMINDER: &str = "Never put children's or families' details in a room: no names, case references or anything that could identify them. Use the case record.";

/// The form that writes a post, as `teamrooms/_form.html` draws it.
pub struct Composer {
    action: String,
    with_title: bool,
    body_label: &'static str,
    submit: &'static str,
    form: PostForm,
    /// What in the typed post looks like a family's details: asked to confirm before posting.
    warnings: Vec<String>,
    title_error: Option<String>,
    body_error: Option<String>,
}

impl Composer {
    fn new(action: String, with_title: bool, body_label: &'static str, submit: &'static str, form: PostForm, warnings: Vec<String>, errors: &[FieldError]) -> Self {
        let on = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
        Self { action, with_title, body_label, submit, form, warnings, title_error: on("title"), body_error: on("body") }
    }
}

// ---- The rooms one may read ----

#[derive(Template)]
#[template(path = "teamrooms/rooms.html")]
struct RoomsPage {
    shell: Shell,
    /// (room, kind words, threads, last active)
    mine: Vec<(Uuid, String, &'static str, i64, String)>,
    others: Vec<(Uuid, String, &'static str, i64, String)>,
}

fn room_row(r: &Room) -> (Uuid, String, &'static str, i64, String) {
    (r.id, r.name.clone(), r.kind.label(), r.threads, r.active_at.map(long_time).unwrap_or_else(|| "No posts yet".into()))
}

pub async fn rooms(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let all = store::rooms(&state.store).await?;
    let (mut mine, others): (Vec<&Room>, Vec<&Room>) = all.iter().filter(|r| me.may_in_room(Permission::ViewRoom, r)).partition(|r| me.may_in_room(Permission::PostInRoom, r));
    // One's own rooms nearest first: the team's, the area's, the whole service's.
    mine.sort_by_key(|r| match r.kind { RoomKind::Team => 0, RoomKind::Area => 1, RoomKind::National => 2 });
    Ok(render(&RoomsPage { shell: ctx.shell("Rooms"), mine: mine.into_iter().map(room_row).collect(), others: others.into_iter().map(room_row).collect() }))
}

// ---- A room ----

#[derive(Template)]
#[template(path = "teamrooms/room.html")]
struct RoomPage {
    shell: Shell,
    room: Room,
    reminder: &'static str,
    noticeboard: Vec<ThreadRow>,
    threads: Vec<ThreadRow>,
    total: i64,
    pagination: Option<Pagination>,
    /// The form to start a thread, for members.
    composer: Option<Composer>,
    /// National leadership, in the whole service's room, may make an announcement.
    may_announce: bool,
    errors: Option<String>,
}

struct ThreadRow {
    id: Uuid,
    title: String,
    author: String,
    started: String,
    active: String,
    replies: i64,
    pinned: bool,
    announcement: bool,
    hidden: bool,
}

fn thread_row(t: &store::ThreadSummary) -> ThreadRow {
    ThreadRow { id: t.id, title: t.title.clone(), author: t.author.clone(), started: long_time(t.created_at), active: long_time(t.active_at), replies: t.replies, pinned: t.pinned, announcement: t.announcement, hidden: t.hidden }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoomQuery {
    pub page: String,
}

pub async fn room(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<RoomQuery>) -> Result<Response, AppError> {
    let room = store::room(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    let page = PageRequest::new(q.page.parse().ok(), Some(25));
    room_page(&state, &ctx, &me, room, page, PostForm::default(), vec![], &[]).await
}

#[allow(clippy::too_many_arguments)]
async fn room_page(state: &AppState, ctx: &PageCtx, me: &Ctx, room: Room, page: PageRequest, form: PostForm, warnings: Vec<String>, errors: &[FieldError]) -> Result<Response, AppError> {
    let (board, threads) = tokio::try_join!(store::noticeboard(&state.store, room.id), store::threads(&state.store, room.id, page))?;
    let base = format!("/rooms/{}?", room.id);
    let view = RoomPage {
        shell: ctx.shell(room_title(&room)),
        reminder: REMINDER,
        noticeboard: board.iter().map(thread_row).collect(),
        threads: threads.items.iter().map(thread_row).collect(),
        total: threads.total,
        pagination: Pagination::around(threads.page, threads.last_page(), |n| format!("{base}page={n}#threads")),
        composer: me.may_in_room(Permission::PostInRoom, &room).then(|| Composer::new(format!("/rooms/{}/threads", room.id), true, "What you want to say", "Post", form, warnings, errors)),
        may_announce: room.kind == RoomKind::National && me.may_in_room(Permission::Announce, &room),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        room,
    };
    Ok(if errors.is_empty() { render(&view) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &view) })
}

fn room_title(room: &Room) -> String {
    match room.kind {
        RoomKind::National => "The whole service's room".into(),
        RoomKind::Area => format!("{} area room", room.name),
        RoomKind::Team => format!("{} room", room.name),
    }
}

/// What in a post looks like a family's details, unless the author has seen the warning and
/// posts anyway.
async fn family_details(state: &AppState, me: &Ctx, form: &PostForm, draft: &PostDraft) -> Result<Vec<String>, AppError> {
    if form.confirmed() {
        return Ok(vec![]);
    }
    let names = hearth_store::cases::names_on_cases_of(&state.store, me.id()).await?;
    let text = format!("{}\n{}", draft.title.as_deref().unwrap_or_default(), draft.body);
    Ok(rules::family_details(&text, &names))
}

/// Starts a thread in the room.
pub async fn start_thread(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<PostForm>) -> Result<Response, AppError> {
    let room = store::room(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    let form = PostForm { announcement: String::new(), ..f };
    let page = PageRequest::new(None, Some(25));
    let draft = match form.parse(true) {
        Ok(d) => d,
        Err(errors) => return room_page(&state, &ctx, &me, room, page, form, vec![], &errors).await,
    };
    let warnings = family_details(&state, &me, &form, &draft).await?;
    if !warnings.is_empty() {
        return room_page(&state, &ctx, &me, room, page, form, warnings, &[]).await;
    }
    let thread = store::start_thread(&state.store, &me.audit, &room, me.id(), &draft).await?;
    Ok(redirect(&state, &format!("/room-threads/{thread}"), Saved::PostAdded))
}

#[derive(Template)]
#[template(path = "teamrooms/announce.html")]
struct AnnouncePage {
    shell: Shell,
    room: Room,
    composer: Composer,
    errors: Option<String>,
}

async fn national_room(state: &AppState, me: &Ctx) -> Result<Room, AppError> {
    let room = store::rooms(&state.store).await?.into_iter().find(|r| r.kind == RoomKind::National).ok_or(AppError::NotFound)?;
    me.authorize_room(state, &room).await?;
    Ok(room)
}

fn announce_page(ctx: &PageCtx, room: Room, form: PostForm, warnings: Vec<String>, errors: &[FieldError]) -> Response {
    let view = AnnouncePage {
        shell: ctx.shell("Make a national announcement"),
        room,
        composer: Composer::new("/announcements".into(), true, "The announcement", "Announce to everyone", form, warnings, errors),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
    };
    if errors.is_empty() { render(&view) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &view) }
}

pub async fn announce_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let room = national_room(&state, &me).await?;
    Ok(announce_page(&ctx, room, PostForm::default(), vec![], &[]))
}

/// A national announcement: a thread in the whole service's room, on everyone's home page until read.
pub async fn announce(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<PostForm>) -> Result<Response, AppError> {
    let room = national_room(&state, &me).await?;
    let form = PostForm { announcement: "yes".into(), ..f };
    let draft = match form.parse(true) {
        Ok(d) => d,
        Err(errors) => return Ok(announce_page(&ctx, room, form, vec![], &errors)),
    };
    let warnings = family_details(&state, &me, &form, &draft).await?;
    if !warnings.is_empty() {
        return Ok(announce_page(&ctx, room, form, warnings, &[]));
    }
    let thread = store::start_thread(&state.store, &me.audit, &room, me.id(), &draft).await?;
    Ok(redirect(&state, &format!("/room-threads/{thread}"), Saved::AnnouncementMade))
}

// ---- A thread ----

#[derive(Template)]
#[template(path = "teamrooms/thread.html")]
struct ThreadPage {
    shell: Shell,
    room: Room,
    reminder: &'static str,
    opening: PostView,
    replies: Vec<PostView>,
    more_replies: bool,
    may_moderate: bool,
    /// The reply form, for members while the thread is not hidden.
    composer: Option<Composer>,
    errors: Option<String>,
}

/// A post as a reader sees it.
struct PostView {
    id: Uuid,
    author: String,
    posted: String,
    edited: bool,
    pinned: bool,
    announcement: bool,
    /// The post's words as HTML, or none when hidden from this reader.
    html: Option<String>,
    /// Hidden: (by, reason, when); and whether this reader still sees the words (author, moderators).
    hidden: Option<(String, String, String)>,
    may_edit: bool,
    /// (reaction code, words, how many, given by the reader)
    reactions: Vec<(&'static str, &'static str, i64, bool)>,
}

fn post_view(p: &Post, me: &Ctx, may_moderate: bool) -> PostView {
    let sees_words = p.hidden.is_none() || may_moderate || p.author_id == me.id();
    PostView {
        id: p.id,
        author: p.author.clone(),
        posted: long_time(p.created_at),
        edited: p.edited_at.is_some(),
        pinned: p.pinned,
        announcement: p.announcement,
        html: sees_words.then(|| render_post(&p.body)),
        hidden: p.hidden.as_ref().map(|h| (h.by.clone(), h.reason.clone(), long_time(h.at))),
        may_edit: rules::may_edit(p.author_id, me.id(), p.created_at, p.hidden.is_some(), hearth_store::now()),
        reactions: Reaction::ALL.iter().map(|r| p.reactions.iter().find(|(x, ..)| x == r).map_or((r.code(), r.label(), 0, false), |(_, n, mine)| (r.code(), r.label(), *n, *mine))).collect(),
    }
}

pub async fn thread(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    thread_page(&state, &ctx, &me, room, id, PostForm::default(), vec![], &[]).await
}

#[allow(clippy::too_many_arguments)]
async fn thread_page(state: &AppState, ctx: &PageCtx, me: &Ctx, room: Room, id: Uuid, form: PostForm, warnings: Vec<String>, errors: &[FieldError]) -> Result<Response, AppError> {
    let (opening, replies) = store::thread(&state.store, id, me.id()).await?;
    let may_moderate = me.may_in_room(Permission::ModerateRoom, &room);
    let view = ThreadPage {
        // A hidden thread's title is hidden with its words, from all but its author and moderators.
        shell: ctx.shell(if opening.hidden.is_none() || may_moderate || opening.author_id == me.id() { opening.title.clone().unwrap_or_default() } else { HIDDEN_TITLE.into() }),
        reminder: REMINDER,
        opening: post_view(&opening, me, may_moderate),
        more_replies: replies.len() as i64 > store::REPLIES_SHOWN - 1,
        replies: replies.iter().map(|p| post_view(p, me, may_moderate)).collect(),
        composer: (me.may_in_room(Permission::PostInRoom, &room) && opening.hidden.is_none()).then(|| Composer::new(format!("/room-threads/{id}/replies"), false, "Your reply", "Reply", form, warnings, errors)),
        may_moderate,
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        room,
    };
    Ok(if errors.is_empty() { render(&view) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &view) })
}

pub async fn reply(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(form): Form<PostForm>) -> Result<Response, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    let draft = match form.parse(false) {
        Ok(d) => d,
        Err(errors) => return thread_page(&state, &ctx, &me, room, id, form, vec![], &errors).await,
    };
    let warnings = family_details(&state, &me, &form, &draft).await?;
    if !warnings.is_empty() {
        return thread_page(&state, &ctx, &me, room, id, form, warnings, &[]).await;
    }
    let post = store::reply(&state.store, &me.audit, &room, id, me.id(), &draft).await?;
    Ok(redirect(&state, &format!("/room-threads/{id}#post-{post}"), Saved::ReplyAdded))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReactForm {
    pub reaction: String,
}

/// Gives or takes back a reaction, and returns to the post.
pub async fn react(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<ReactForm>) -> Result<Response, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    let Some(reaction) = Reaction::from_code(&f.reaction) else {
        return Err(AppError::Unreadable(FieldError::new("reaction", "Choose a reaction")));
    };
    store::react(&state.store, &me.audit, id, me.id(), reaction).await?;
    let thread = store::post(&state.store, id).await?.thread_id.unwrap_or(id);
    Ok(Redirect::to(&format!("/room-threads/{thread}#post-{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PinForm {
    /// "yes" to pin, anything else to take down.
    pub pinned: String,
}

pub async fn pin(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<PinForm>) -> Result<Response, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(&state, &room).await?;
    let pinned = f.pinned == "yes";
    store::set_pinned(&state.store, &me.audit, id, me.id(), pinned).await?;
    Ok(redirect(&state, &format!("/room-threads/{id}"), if pinned { Saved::NoticePinned } else { Saved::NoticeUnpinned }))
}

// ---- Changing and hiding a post ----

#[derive(Template)]
#[template(path = "teamrooms/edit.html")]
struct EditPage {
    shell: Shell,
    /// The post as it is saved now, as HTML.
    saved_html: String,
    back: String,
    composer: Composer,
    errors: Option<String>,
}

fn edit_composer(post: &Post, form: PostForm, warnings: Vec<String>, errors: &[FieldError]) -> Composer {
    Composer::new(format!("/room-posts/{}/edit", post.id), post.thread_id.is_none(), "What you want to say", "Save changes", form, warnings, errors)
}

fn back_to(p: &Post) -> String {
    format!("/room-threads/{}#post-{}", p.thread_id.unwrap_or(p.id), p.id)
}

async fn editable(state: &AppState, me: &Ctx, id: Uuid) -> Result<Post, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(state, &room).await?;
    let post = store::post(&state.store, id).await?;
    if !rules::may_edit(post.author_id, me.id(), post.created_at, post.hidden.is_some(), hearth_store::now()) {
        return Err(AppError::Conflict("Only its author can change a post, within a day of posting it, unless it was hidden.".into()));
    }
    Ok(post)
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let post = editable(&state, &me, id).await?;
    let form = PostForm { title: post.title.clone().unwrap_or_default(), body: post.body.clone(), version: post.version.to_string(), ..Default::default() };
    Ok(render(&EditPage { shell: ctx.shell("Change your post"), back: back_to(&post), saved_html: render_post(&post.body), composer: edit_composer(&post, form, vec![], &[]), errors: None }))
}

pub async fn edit(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(form): Form<PostForm>) -> Result<Response, AppError> {
    let post = editable(&state, &me, id).await?;
    let again = |form: PostForm, warnings: Vec<String>, errors: &[FieldError]| {
        let view = EditPage { shell: ctx.shell("Change your post"), back: back_to(&post), saved_html: render_post(&post.body), composer: edit_composer(&post, form, warnings, errors), errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()) };
        if errors.is_empty() { render(&view) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &view) }
    };
    let draft = match form.parse(post.thread_id.is_none()) {
        Ok(d) => d,
        Err(errors) => return Ok(again(form, vec![], &errors)),
    };
    let warnings = family_details(&state, &me, &form, &draft).await?;
    if !warnings.is_empty() {
        return Ok(again(form, warnings, &[]));
    }
    let Ok(version) = form.version.parse::<i64>() else {
        return Err(AppError::Unreadable(FieldError::new("version", "The form is missing the post's version: open it again")));
    };
    match store::edit_post(&state.store, &me.audit, id, me.id(), &draft, version).await {
        Ok(()) => Ok(redirect(&state, &back_to(&post), Saved::PostChanged)),
        Err(StoreError::Conflict { .. }) => {
            let now = store::post(&state.store, id).await?;
            let errors = [FieldError::new("body", "You changed this post somewhere else after opening this page. What is saved now is shown; your words are below it to copy")];
            let view = EditPage {
                shell: ctx.shell("Change your post"),
                back: back_to(&now),
                saved_html: render_post(&now.body),
                composer: edit_composer(&now, PostForm { version: now.version.to_string(), ..form }, vec![], &errors),
                errors: Some(ErrorSummary::of(&errors).to_string()),
            };
            Ok(render_with(axum::http::StatusCode::CONFLICT, &view))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "teamrooms/hide.html")]
struct HidePage {
    shell: Shell,
    post: Post,
    html: String,
    back: String,
    reason: String,
    reason_error: Option<String>,
    errors: Option<String>,
}

async fn moderated(state: &AppState, me: &Ctx, id: Uuid) -> Result<Post, AppError> {
    let room = store::room_of_post(&state.store, id).await?;
    me.authorize_room(state, &room).await?;
    Ok(store::post(&state.store, id).await?)
}

pub async fn hide_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let post = moderated(&state, &me, id).await?;
    Ok(render(&HidePage { shell: ctx.shell("Hide a post"), html: render_post(&post.body), back: back_to(&post), post, reason: String::new(), reason_error: None, errors: None }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HideForm {
    pub reason: String,
}

pub async fn hide(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<HideForm>) -> Result<Response, AppError> {
    let post = moderated(&state, &me, id).await?;
    match rules::hide_reason(&f.reason) {
        Ok(reason) => {
            store::hide(&state.store, &me.audit, id, me.id(), &reason).await?;
            Ok(redirect(&state, &back_to(&post), Saved::PostHidden))
        }
        Err(e) => Ok(render_with(
            axum::http::StatusCode::BAD_REQUEST,
            &HidePage { shell: ctx.shell("Hide a post"), html: render_post(&post.body), back: back_to(&post), post, reason: f.reason, reason_error: Some(e.message.clone()), errors: Some(ErrorSummary::of(&[e]).to_string()) },
        )),
    }
}

// ---- National announcements on the home page ----

/// Marks an announcement read: it leaves the reader's home page.
pub async fn mark_read(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    store::mark_read(&state.store, id, me.id()).await?;
    Ok(Redirect::to("/").into_response())
}

/// Unread announcements for the home page: (id, title, words as HTML, from, when).
pub async fn unread(state: &AppState, me: &Ctx) -> Result<Vec<(Uuid, String, String, String, String)>, AppError> {
    Ok(store::unread_announcements(&state.store, me.id()).await?.into_iter().map(|a| (a.id, a.title, render_post(&a.body), a.author, long_time(a.created_at))).collect())
}
