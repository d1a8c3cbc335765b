//! Team rooms: a room for every team, service area and the whole service; threads of posts with
//! replies and reactions; a noticeboard of pinned threads; national announcements read once from
//! the home page. A team's room is made in the same transaction as the team (`org::insert_team`),
//! an area's and the whole service's when reference data loads, so no room is ever missing.

pub mod chat;

use std::collections::HashMap;

use hearth_domain::teamrooms::{self as rules, PostDraft, Reaction, RoomKind, RoomPlace};
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::insert_notice;
use crate::live::LiveEvent;
use crate::{Page, PageRequest, Result, Store, StoreError, bool_col, new_id, now, parse_id, parse_ts, ts};

/// A room and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub id: Uuid,
    pub kind: RoomKind,
    pub team_id: Option<Uuid>,
    /// The team's area for a team room; the area for an area room.
    pub service_area_id: Option<Uuid>,
    pub name: String,
    /// Threads in the room, and when one last moved.
    pub threads: i64,
    pub active_at: Option<OffsetDateTime>,
}

impl Room {
    pub fn place(&self) -> RoomPlace {
        RoomPlace { kind: self.kind, team_id: self.team_id, service_area_id: self.service_area_id }
    }
}

/// Every room with its name: teams and areas by their names, the whole service as such.
const ROOMS: &str = "SELECT r.id, r.kind, r.team_id, COALESCE(t.service_area_id, r.service_area_id), COALESCE(t.name, a.name, 'The whole service'),
        (SELECT COUNT(*) FROM room_posts p WHERE p.room_id = r.id AND p.thread_id IS NULL),
        (SELECT MAX(p.active_at) FROM room_posts p WHERE p.room_id = r.id AND p.thread_id IS NULL)
    FROM rooms r LEFT JOIN teams t ON t.id = r.team_id LEFT JOIN service_areas a ON a.id = r.service_area_id";

fn room_of(r: &sqlx::any::AnyRow) -> Result<Room> {
    Ok(Room {
        id: parse_id(&r.get::<String, _>(0))?,
        kind: RoomKind::from_code(&r.get::<String, _>(1)).ok_or(StoreError::NotEditable("unknown room kind"))?,
        team_id: r.get::<Option<String>, _>(2).as_deref().map(parse_id).transpose()?,
        service_area_id: r.get::<Option<String>, _>(3).as_deref().map(parse_id).transpose()?,
        name: r.get(4),
        threads: r.get(5),
        active_at: r.get::<Option<String>, _>(6).as_deref().map(parse_ts).transpose()?,
    })
}

/// Every room: the whole service's first, then areas', then teams', each by name. About a hundred
/// in the national service; the web layer shows each person those they may read.
pub async fn rooms(store: &Store) -> Result<Vec<Room>> {
    let sql = format!("{ROOMS} ORDER BY CASE r.kind WHEN 'national' THEN 0 WHEN 'area' THEN 1 ELSE 2 END, 5");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(store.pool()).await?.iter().map(room_of).collect()
}

pub async fn room(store: &Store, id: Uuid) -> Result<Room> {
    let sql = format!("{ROOMS} WHERE r.id = $1");
    room_of(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// The room a post is in.
pub async fn room_of_post(store: &Store, post: Uuid) -> Result<Room> {
    let r = sqlx::query("SELECT room_id FROM room_posts WHERE id = $1").bind(post.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    room(store, parse_id(&r.get::<String, _>(0))?).await
}

/// Makes the rooms that are missing: the whole service's and each service area's and team's.
/// Safe to run at every start, inside the caller's transaction.
pub(crate) async fn ensure_rooms(conn: &mut AnyConnection) -> Result<()> {
    let at = ts(now());
    let national: i64 = sqlx::query("SELECT COUNT(*) FROM rooms WHERE kind = 'national'").fetch_one(&mut *conn).await?.get(0);
    if national == 0 {
        sqlx::query("INSERT INTO rooms (id, kind, created_at) VALUES ($1, 'national', $2)").bind(new_id().to_string()).bind(&at).execute(&mut *conn).await?;
    }
    let areas: Vec<String> = sqlx::query("SELECT a.id FROM service_areas a WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.kind = 'area' AND r.service_area_id = a.id)").fetch_all(&mut *conn).await?.iter().map(|r| r.get(0)).collect();
    for area in areas {
        sqlx::query("INSERT INTO rooms (id, kind, service_area_id, created_at) VALUES ($1, 'area', $2, $3)").bind(new_id().to_string()).bind(area).bind(&at).execute(&mut *conn).await?;
    }
    let teams: Vec<String> = sqlx::query("SELECT t.id FROM teams t WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.kind = 'team' AND r.team_id = t.id)").fetch_all(&mut *conn).await?.iter().map(|r| r.get(0)).collect();
    for team in teams {
        insert_team_room(conn, parse_id(&team)?, &at).await?;
    }
    Ok(())
}

/// A new team's room, in the transaction that adds the team.
pub(crate) async fn insert_team_room(conn: &mut AnyConnection, team: Uuid, at: &str) -> Result<()> {
    sqlx::query("INSERT INTO rooms (id, kind, team_id, created_at) VALUES ($1, 'team', $2, $3)").bind(new_id().to_string()).bind(team.to_string()).bind(at).execute(&mut *conn).await?;
    Ok(())
}

/// The room's members, by name: whom a post may mention.
async fn members(conn: &mut AnyConnection, room: &Room) -> Result<Vec<(Uuid, String)>> {
    let q = match room.kind {
        RoomKind::Team => sqlx::query("SELECT id, name FROM staff WHERE status = 'active' AND team_id = $1").bind(room.team_id.map(|t| t.to_string())),
        RoomKind::Area => sqlx::query("SELECT s.id, s.name FROM staff s JOIN teams t ON t.id = s.team_id WHERE s.status = 'active' AND t.service_area_id = $1").bind(room.service_area_id.map(|a| a.to_string())),
        RoomKind::National => sqlx::query("SELECT id, name FROM staff WHERE status = 'active'"),
    };
    q.fetch_all(&mut *conn).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1)))).collect()
}

// ---- Threads and posts ----

/// A thread as listed: its opening post's title and who started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadSummary {
    pub id: Uuid,
    pub title: String,
    pub author: String,
    pub created_at: OffsetDateTime,
    pub active_at: OffsetDateTime,
    pub replies: i64,
    pub pinned: bool,
    pub announcement: bool,
    pub hidden: bool,
}

const THREADS: &str = "SELECT p.id, p.title, s.name, p.created_at, p.active_at, p.replies, p.pinned_at, p.announcement, p.hidden_at FROM room_posts p JOIN staff s ON s.id = p.author_id";

fn summary_of(r: &sqlx::any::AnyRow) -> Result<ThreadSummary> {
    Ok(ThreadSummary {
        id: parse_id(&r.get::<String, _>(0))?,
        title: r.get(1),
        author: r.get(2),
        created_at: parse_ts(&r.get::<String, _>(3))?,
        active_at: parse_ts(&r.get::<String, _>(4))?,
        replies: r.get(5),
        pinned: r.get::<Option<String>, _>(6).is_some(),
        announcement: bool_col(r, 7),
        hidden: r.get::<Option<String>, _>(8).is_some(),
    })
}

/// A room's threads, the most recently active first, a page at a time.
pub async fn threads(store: &Store, room: Uuid, page: PageRequest) -> Result<Page<ThreadSummary>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM room_posts WHERE room_id = $1 AND thread_id IS NULL").bind(room.to_string()).fetch_one(store.pool()).await?.get(0);
    let sql = format!("{THREADS} WHERE p.room_id = $1 AND p.thread_id IS NULL ORDER BY p.active_at DESC, p.id DESC LIMIT $2 OFFSET $3");
    let items = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(room.to_string()).bind(page.per_page).bind(page.offset()).fetch_all(store.pool()).await?.iter().map(summary_of).collect::<Result<_>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more: false })
}

/// The room's noticeboard: its pinned threads, the latest pinned first.
pub async fn noticeboard(store: &Store, room: Uuid) -> Result<Vec<ThreadSummary>> {
    let sql = format!("{THREADS} WHERE p.room_id = $1 AND p.pinned_at IS NOT NULL AND p.hidden_at IS NULL ORDER BY p.pinned_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(room.to_string()).fetch_all(store.pool()).await?.iter().map(summary_of).collect()
}

/// A post, with what people made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: Uuid,
    pub room_id: Uuid,
    /// The opening post, for a reply.
    pub thread_id: Option<Uuid>,
    pub author_id: Uuid,
    pub author: String,
    pub title: Option<String>,
    pub body: String,
    pub announcement: bool,
    pub pinned: bool,
    pub hidden: Option<Hidden>,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub version: i64,
    /// Each reaction given: how many, and whether the reader gave it.
    pub reactions: Vec<(Reaction, i64, bool)>,
}

/// Why a post is hidden, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub by: String,
    pub reason: String,
    pub at: OffsetDateTime,
}

const POSTS: &str = "SELECT p.id, p.room_id, p.thread_id, p.author_id, s.name, p.title, p.body, p.announcement, p.pinned_at, p.hidden_at, h.name, p.hidden_reason, p.created_at, p.edited_at, p.version
    FROM room_posts p JOIN staff s ON s.id = p.author_id LEFT JOIN staff h ON h.id = p.hidden_by";

fn post_of(r: &sqlx::any::AnyRow) -> Result<Post> {
    let hidden_at = r.get::<Option<String>, _>(9);
    Ok(Post {
        id: parse_id(&r.get::<String, _>(0))?,
        room_id: parse_id(&r.get::<String, _>(1))?,
        thread_id: r.get::<Option<String>, _>(2).as_deref().map(parse_id).transpose()?,
        author_id: parse_id(&r.get::<String, _>(3))?,
        author: r.get(4),
        title: r.get(5),
        body: r.get(6),
        announcement: bool_col(r, 7),
        pinned: r.get::<Option<String>, _>(8).is_some(),
        hidden: match hidden_at {
            Some(at) => Some(Hidden { by: r.get::<Option<String>, _>(10).unwrap_or_default(), reason: r.get::<Option<String>, _>(11).unwrap_or_default(), at: parse_ts(&at)? }),
            None => None,
        },
        created_at: parse_ts(&r.get::<String, _>(12))?,
        edited_at: r.get::<Option<String>, _>(13).as_deref().map(parse_ts).transpose()?,
        version: r.get(14),
        reactions: Vec::new(),
    })
}

pub async fn post(store: &Store, id: Uuid) -> Result<Post> {
    let sql = format!("{POSTS} WHERE p.id = $1");
    post_of(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// The most replies a thread page shows: a longer conversation continues in a new thread.
pub const REPLIES_SHOWN: i64 = 500;

/// A thread: its opening post and replies in order, each with its reactions as `reader` sees them.
pub async fn thread(store: &Store, id: Uuid, reader: Uuid) -> Result<(Post, Vec<Post>)> {
    let sql = format!("{POSTS} WHERE p.id = $1 OR p.thread_id = $1 ORDER BY p.created_at, p.id LIMIT $2");
    let mut posts: Vec<Post> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).bind(REPLIES_SHOWN + 1).fetch_all(store.pool()).await?.iter().map(post_of).collect::<Result<_>>()?;
    let Some(at) = posts.iter().position(|p| p.id == id && p.thread_id.is_none()) else {
        return Err(StoreError::NotFound);
    };
    let rows = sqlx::query("SELECT x.post_id, x.reaction, COUNT(*), SUM(CASE WHEN x.staff_id = $2 THEN 1 ELSE 0 END) FROM room_reactions x JOIN room_posts p ON p.id = x.post_id WHERE p.id = $1 OR p.thread_id = $1 GROUP BY x.post_id, x.reaction")
        .bind(id.to_string())
        .bind(reader.to_string())
        .fetch_all(store.pool())
        .await?;
    let mut given: HashMap<Uuid, Vec<(Reaction, i64, bool)>> = HashMap::new();
    for r in &rows {
        if let Some(reaction) = Reaction::from_code(&r.get::<String, _>(1)) {
            given.entry(parse_id(&r.get::<String, _>(0))?).or_default().push((reaction, r.get(2), r.get::<i64, _>(3) > 0));
        }
    }
    for p in &mut posts {
        let mut mine = given.remove(&p.id).unwrap_or_default();
        mine.sort_by_key(|(r, ..)| Reaction::ALL.iter().position(|x| x == r));
        p.reactions = mine;
    }
    let opening = posts.remove(at);
    Ok((opening, posts))
}

/// Starts a thread in a room. Members the post mentions by `@name` are alerted, in the same
/// transaction. An announcement is made only in the whole service's room.
pub async fn start_thread(store: &Store, ctx: &AuditContext, room: &Room, author: Uuid, draft: &PostDraft) -> Result<Uuid> {
    let title = draft.title.as_deref().ok_or_else(|| StoreError::Refused(hearth_domain::FieldError::new("title", "Enter a title")))?;
    if draft.announcement && room.kind != RoomKind::National {
        return Err(StoreError::Refused(hearth_domain::FieldError::new("announcement", "Announcements are made in the whole service's room")));
    }
    let mut tx = store.begin().await?;
    let id = new_id();
    let at = now();
    sqlx::query("INSERT INTO room_posts (id, room_id, author_id, title, body, announcement, active_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
        .bind(id.to_string())
        .bind(room.id.to_string())
        .bind(author.to_string())
        .bind(title)
        .bind(&draft.body)
        .bind(draft.announcement as i64)
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    let told = tell_mentioned(&mut tx, room, author, &draft.body, &format!("/room-threads/{id}"), at).await?;
    let event = if draft.announcement { "room.announcement_made" } else { "room.thread_started" };
    audit::append(&mut tx, ctx, Event::success(event).about("room", room.id).detail(serde_json::json!({ "post_id": id, "mentioned": told }))).await?;
    tx.commit().await?;
    store.publish(LiveEvent::RoomPost { room_id: room.id, thread_id: id, post_id: id }).await;
    if draft.announcement {
        store.publish(LiveEvent::Announcement { post_id: id }).await;
    }
    Ok(id)
}

/// Replies to a thread; the thread moves to the top of its room.
pub async fn reply(store: &Store, ctx: &AuditContext, room: &Room, thread: Uuid, author: Uuid, draft: &PostDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let at = now();
    let moved = sqlx::query("UPDATE room_posts SET replies = replies + 1, active_at = $1 WHERE id = $2 AND room_id = $3 AND thread_id IS NULL AND hidden_at IS NULL")
        .bind(ts(at))
        .bind(thread.to_string())
        .bind(room.id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if moved == 0 {
        // No such thread in this room, or one a moderator hid.
        let hidden = sqlx::query("SELECT 1 FROM room_posts WHERE id = $1 AND room_id = $2 AND thread_id IS NULL").bind(thread.to_string()).bind(room.id.to_string()).fetch_optional(&mut *tx).await?.is_some();
        return Err(if hidden { StoreError::NotEditable("This thread was hidden by a moderator, so it takes no more replies.") } else { StoreError::NotFound });
    }
    let id = new_id();
    sqlx::query("INSERT INTO room_posts (id, room_id, thread_id, author_id, body, active_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
        .bind(id.to_string())
        .bind(room.id.to_string())
        .bind(thread.to_string())
        .bind(author.to_string())
        .bind(&draft.body)
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    let told = tell_mentioned(&mut tx, room, author, &draft.body, &format!("/room-threads/{thread}#post-{id}"), at).await?;
    audit::append(&mut tx, ctx, Event::success("room.replied").about("room", room.id).detail(serde_json::json!({ "post_id": id, "thread_id": thread, "mentioned": told }))).await?;
    tx.commit().await?;
    store.publish(LiveEvent::RoomPost { room_id: room.id, thread_id: thread, post_id: id }).await;
    Ok(id)
}

/// Alerts each member a post mentions (not its author), and says how many were told.
async fn tell_mentioned(conn: &mut AnyConnection, room: &Room, author: Uuid, body: &str, link: &str, at: OffsetDateTime) -> Result<usize> {
    if !body.contains('@') {
        return Ok(0);
    }
    let people = members(conn, room).await?;
    let name = people.iter().find(|(id, _)| *id == author).map(|(_, n)| n.clone()).unwrap_or_else(|| "Someone".into());
    let mentioned: Vec<Uuid> = rules::mentions(body, &people).into_iter().filter(|id| *id != author).collect();
    for who in &mentioned {
        insert_notice(conn, *who, &format!("{name} mentioned you in {}.", room_words(room)), link, at).await?;
    }
    Ok(mentioned.len())
}

fn room_words(room: &Room) -> String {
    match room.kind {
        RoomKind::National => "the whole service's room".into(),
        _ => format!("the {} room", room.name),
    }
}

/// The author changes their post within a day of posting it. A stale version is refused.
pub async fn edit_post(store: &Store, ctx: &AuditContext, id: Uuid, author: Uuid, draft: &PostDraft, version: i64) -> Result<()> {
    let current = post(store, id).await?;
    if !rules::may_edit(current.author_id, author, current.created_at, current.hidden.is_some(), now()) {
        return Err(StoreError::NotEditable("Only its author can change a post, within a day of posting it, unless it was hidden."));
    }
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE room_posts SET title = COALESCE($1, title), body = $2, edited_at = $3, version = version + 1 WHERE id = $4 AND version = $5")
        .bind(draft.title.as_deref().filter(|_| current.thread_id.is_none()))
        .bind(&draft.body)
        .bind(ts(now()))
        .bind(id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict { current: current.version });
    }
    audit::append(&mut tx, ctx, Event::success("room.post_edited").about("room", current.room_id).detail(serde_json::json!({ "post_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Pins a thread to its room's noticeboard, or takes it down.
pub async fn set_pinned(store: &Store, ctx: &AuditContext, thread: Uuid, by: Uuid, pinned: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let room: String = sqlx::query("SELECT room_id FROM room_posts WHERE id = $1 AND thread_id IS NULL").bind(thread.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    let (at, who) = if pinned { (Some(ts(now())), Some(by.to_string())) } else { (None, None) };
    sqlx::query("UPDATE room_posts SET pinned_at = $1, pinned_by = $2 WHERE id = $3").bind(at).bind(who).bind(thread.to_string()).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success(if pinned { "room.pinned" } else { "room.unpinned" }).about("room", room).detail(serde_json::json!({ "post_id": thread }))).await?;
    tx.commit().await?;
    Ok(())
}

/// A moderator hides a post, with a reason. The author is told; the text stays for the record,
/// shown only to its author and the room's moderators. A hidden opening post leaves the noticeboard.
pub async fn hide(store: &Store, ctx: &AuditContext, id: Uuid, by: Uuid, reason: &str) -> Result<()> {
    let current = post(store, id).await?;
    if current.hidden.is_some() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    let at = now();
    sqlx::query("UPDATE room_posts SET hidden_at = $1, hidden_by = $2, hidden_reason = $3, pinned_at = NULL, pinned_by = NULL, version = version + 1 WHERE id = $4")
        .bind(ts(at))
        .bind(by.to_string())
        .bind(reason)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let thread = current.thread_id.unwrap_or(current.id);
    if current.author_id != by {
        insert_notice(&mut tx, current.author_id, &format!("A moderator hid your post: {reason}"), &format!("/room-threads/{thread}#post-{id}"), at).await?;
    }
    audit::append(&mut tx, ctx, Event::success("room.post_hidden").about("room", current.room_id).detail(serde_json::json!({ "post_id": id, "author_id": current.author_id, "reason": reason }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a reaction to a post, or takes it back if given already. Says whether it is now given.
pub async fn react(store: &Store, ctx: &AuditContext, post_id: Uuid, by: Uuid, reaction: Reaction) -> Result<bool> {
    let mut tx = store.begin().await?;
    let room: String = sqlx::query("SELECT room_id FROM room_posts WHERE id = $1 AND hidden_at IS NULL").bind(post_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    let taken = sqlx::query("DELETE FROM room_reactions WHERE post_id = $1 AND staff_id = $2 AND reaction = $3").bind(post_id.to_string()).bind(by.to_string()).bind(reaction.code()).execute(&mut *tx).await?.rows_affected();
    if taken == 0 {
        sqlx::query("INSERT INTO room_reactions (post_id, staff_id, reaction, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(post_id.to_string())
            .bind(by.to_string())
            .bind(reaction.code())
            .bind(ts(now()))
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, ctx, Event::success("room.reacted").about("room", room).detail(serde_json::json!({ "post_id": post_id, "reaction": reaction, "given": taken == 0 }))).await?;
    tx.commit().await?;
    Ok(taken == 0)
}

// ---- National announcements ----

/// An announcement someone has not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: OffsetDateTime,
}

/// The national announcements this person has not read, newest first (the last 90 days').
pub async fn unread_announcements(store: &Store, staff: Uuid) -> Result<Vec<Announcement>> {
    let since = ts(now() - time::Duration::days(90));
    let rows = sqlx::query(
        "SELECT p.id, p.title, p.body, s.name, p.created_at FROM room_posts p JOIN staff s ON s.id = p.author_id
         WHERE p.announcement = 1 AND p.hidden_at IS NULL AND p.created_at >= $1
           AND NOT EXISTS (SELECT 1 FROM announcement_reads r WHERE r.post_id = p.id AND r.staff_id = $2)
         ORDER BY p.created_at DESC LIMIT 5",
    )
    .bind(since)
    .bind(staff.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(Announcement { id: parse_id(&r.get::<String, _>(0))?, title: r.get(1), body: r.get(2), author: r.get(3), created_at: parse_ts(&r.get::<String, _>(4))? })).collect()
}

/// Marks an announcement read by this person: it leaves their home page.
pub async fn mark_read(store: &Store, post_id: Uuid, staff: Uuid) -> Result<()> {
    let n = sqlx::query("INSERT INTO announcement_reads (post_id, staff_id, read_at) SELECT id, $2, $3 FROM room_posts WHERE id = $1 AND announcement = 1 ON CONFLICT DO NOTHING")
        .bind(post_id.to_string())
        .bind(staff.to_string())
        .bind(ts(now()))
        .execute(store.pool())
        .await?
        .rows_affected();
    if n == 0 && sqlx::query("SELECT 1 FROM room_posts WHERE id = $1 AND announcement = 1").bind(post_id.to_string()).fetch_optional(store.pool()).await?.is_none() {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- Demo ----

/// A post as the demo writes it.
pub struct DemoPost {
    pub id: Uuid,
    pub room: Uuid,
    pub thread: Option<Uuid>,
    pub author: Uuid,
    pub title: Option<String>,
    pub body: String,
    pub announcement: bool,
    pub pinned_by: Option<Uuid>,
    pub at: OffsetDateTime,
}

/// Loads demo posts in one transaction, replies after their threads, and sets each thread's
/// reply count and last activity from them.
pub async fn load_demo(store: &Store, posts: &[DemoPost], reads: &[(Uuid, Uuid)]) -> Result<()> {
    let mut tx = store.begin().await?;
    let mut last: HashMap<Uuid, (i64, OffsetDateTime)> = HashMap::new();
    for p in posts.iter().filter(|p| p.thread.is_some()) {
        let e = last.entry(p.thread.unwrap_or(p.id)).or_insert((0, p.at));
        e.0 += 1;
        e.1 = e.1.max(p.at);
    }
    for p in posts.iter().filter(|p| p.thread.is_none()).chain(posts.iter().filter(|p| p.thread.is_some())) {
        let (replies, active) = last.get(&p.id).copied().unwrap_or((0, p.at));
        sqlx::query("INSERT INTO room_posts (id, room_id, thread_id, author_id, title, body, announcement, pinned_at, pinned_by, replies, active_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
            .bind(p.id.to_string())
            .bind(p.room.to_string())
            .bind(p.thread.map(|t| t.to_string()))
            .bind(p.author.to_string())
            .bind(p.title.as_deref())
            .bind(&p.body)
            .bind(p.announcement as i64)
            .bind(p.pinned_by.map(|_| ts(p.at)))
            .bind(p.pinned_by.map(|b| b.to_string()))
            .bind(replies)
            .bind(ts(active.max(p.at)))
            .bind(ts(p.at))
            .execute(&mut *tx)
            .await?;
    }
    for (post, staff) in reads {
        sqlx::query("INSERT INTO announcement_reads (post_id, staff_id, read_at) VALUES ($1, $2, $3)").bind(post.to_string()).bind(staff.to_string()).bind(ts(now())).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
