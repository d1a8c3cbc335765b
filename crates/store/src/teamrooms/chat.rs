//! Chat: conversations between two people or a small group. Every read and write asks for the
//! reader among the members and answers `NotFound` otherwise, so a conversation's existence is
//! not given away to anyone else: not a member's manager, not an administrator.

use hearth_domain::FieldError;
use hearth_domain::teamrooms::chat;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

/// A conversation as its member's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSummary {
    pub id: Uuid,
    /// A group's name; none for a pair.
    pub title: Option<String>,
    /// The other members, by name.
    pub with: Vec<String>,
    pub last_message_at: Option<OffsetDateTime>,
    /// Messages from others the reader has not seen.
    pub unread: i64,
}

/// A conversation open on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: Uuid,
    pub title: Option<String>,
    /// Every member: (id, name, the time of the last message they have seen).
    pub members: Vec<(Uuid, String, Option<OffsetDateTime>)>,
    /// The latest messages, oldest first.
    pub messages: Vec<Message>,
    /// There are older messages than these.
    pub earlier: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author: String,
    pub body: String,
    pub at: OffsetDateTime,
}

/// The most messages a conversation page shows.
pub const SHOWN: i64 = 200;

async fn is_member(conn: &mut AnyConnection, id: Uuid, staff: Uuid) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND staff_id = $2").bind(id.to_string()).bind(staff.to_string()).fetch_optional(&mut *conn).await?.is_some())
}

/// Starts a conversation, or for a pair that already has one, gives that one. Everyone in it must
/// be active staff.
pub async fn start(store: &Store, ctx: &AuditContext, starter: Uuid, others: &[Uuid], title: &str) -> Result<Uuid> {
    let (people, title) = chat::members(starter, others, title).map_err(StoreError::Refused)?;
    let mut tx = store.begin().await?;
    for p in &people {
        let active = sqlx::query("SELECT 1 FROM staff WHERE id = $1 AND status = 'active'").bind(p.to_string()).fetch_optional(&mut *tx).await?.is_some();
        if !active {
            return Err(StoreError::Refused(FieldError::new("with", "Choose someone who works here now")));
        }
    }
    let pair = (people.len() == 1).then(|| chat::pair_key(starter, people[0]));
    if let Some(key) = &pair
        && let Some(r) = sqlx::query("SELECT id FROM conversations WHERE pair_key = $1").bind(key).fetch_optional(&mut *tx).await?
    {
        return parse_id(&r.get::<String, _>(0));
    }
    let id = new_id();
    sqlx::query("INSERT INTO conversations (id, title, pair_key, started_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(title.as_deref())
        .bind(pair.as_deref())
        .bind(starter.to_string())
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::unique_violation(e, "conversations_pair", "with"))?;
    for p in std::iter::once(starter).chain(people.iter().copied()) {
        sqlx::query("INSERT INTO conversation_members (conversation_id, staff_id) VALUES ($1, $2)").bind(id.to_string()).bind(p.to_string()).execute(&mut *tx).await?;
    }
    audit::append(&mut tx, ctx, Event::success("chat.started").about("conversation", id).detail(serde_json::json!({ "members": people.len() + 1 }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The reader's conversations, the latest first, with what they have not read.
pub async fn conversations_of(store: &Store, reader: Uuid) -> Result<Vec<ConversationSummary>> {
    let rows = sqlx::query(
        "SELECT c.id, c.title, c.last_message_at,
            (SELECT COUNT(*) FROM chat_messages x WHERE x.conversation_id = c.id AND x.author_id <> $1 AND x.created_at > COALESCE(m.read_up_to, ''))
         FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id AND m.staff_id = $1
         ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 200",
    )
    .bind(reader.to_string())
    .fetch_all(store.pool())
    .await?;
    let names = sqlx::query("SELECT o.conversation_id, s.name FROM conversation_members m JOIN conversation_members o ON o.conversation_id = m.conversation_id AND o.staff_id <> m.staff_id JOIN staff s ON s.id = o.staff_id WHERE m.staff_id = $1 ORDER BY s.name")
        .bind(reader.to_string())
        .fetch_all(store.pool())
        .await?;
    let mut with: std::collections::HashMap<String, Vec<String>> = Default::default();
    for r in &names {
        with.entry(r.get(0)).or_default().push(r.get(1));
    }
    rows.iter()
        .map(|r| {
            let id: String = r.get(0);
            Ok(ConversationSummary {
                with: with.remove(&id).unwrap_or_default(),
                id: parse_id(&id)?,
                title: r.get(1),
                last_message_at: r.get::<Option<String>, _>(2).as_deref().map(parse_ts).transpose()?,
                unread: r.get(3),
            })
        })
        .collect()
}

/// How many messages from others the reader has not seen, over all their conversations.
pub async fn unread_total(store: &Store, reader: Uuid) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM conversation_members m JOIN chat_messages x ON x.conversation_id = m.conversation_id WHERE m.staff_id = $1 AND x.author_id <> $1 AND x.created_at > COALESCE(m.read_up_to, '')")
        .bind(reader.to_string())
        .fetch_one(store.pool())
        .await?
        .get(0))
}

/// A conversation for one of its members, marked read up to its latest message.
pub async fn open(store: &Store, id: Uuid, reader: Uuid) -> Result<Conversation> {
    let mut conn = store.pool().acquire().await?;
    if !is_member(&mut conn, id, reader).await? {
        return Err(StoreError::NotFound);
    }
    let title: Option<String> = sqlx::query("SELECT title FROM conversations WHERE id = $1").bind(id.to_string()).fetch_one(&mut *conn).await?.get(0);
    let rows = sqlx::query("SELECT x.id, x.author_id, s.name, x.body, x.created_at FROM chat_messages x JOIN staff s ON s.id = x.author_id WHERE x.conversation_id = $1 ORDER BY x.created_at DESC, x.id DESC LIMIT $2")
        .bind(id.to_string())
        .bind(SHOWN + 1)
        .fetch_all(&mut *conn)
        .await?;
    let mut messages: Vec<Message> = rows
        .iter()
        .map(|r| Ok(Message { id: parse_id(&r.get::<String, _>(0))?, author_id: parse_id(&r.get::<String, _>(1))?, author: r.get(2), body: r.get(3), at: parse_ts(&r.get::<String, _>(4))? }))
        .collect::<Result<_>>()?;
    let earlier = messages.len() as i64 > SHOWN;
    messages.truncate(SHOWN as usize);
    messages.reverse();
    drop(conn);
    if let Some(last) = messages.last() {
        // Seen: only ever forward, so an older tab cannot take back a later "seen".
        sqlx::query("UPDATE conversation_members SET read_up_to = $1 WHERE conversation_id = $2 AND staff_id = $3 AND (read_up_to IS NULL OR read_up_to < $1)")
            .bind(ts(last.at))
            .bind(id.to_string())
            .bind(reader.to_string())
            .execute(store.pool())
            .await?;
    }
    let members = sqlx::query("SELECT m.staff_id, s.name, m.read_up_to FROM conversation_members m JOIN staff s ON s.id = m.staff_id WHERE m.conversation_id = $1 ORDER BY s.name")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1), r.get::<Option<String>, _>(2).as_deref().map(parse_ts).transpose()?)))
        .collect::<Result<_>>()?;
    Ok(Conversation { id, title, members, messages, earlier })
}

/// Sends a message as a member; the author has seen their own message.
pub async fn send(store: &Store, ctx: &AuditContext, id: Uuid, author: Uuid, body: &str) -> Result<Uuid> {
    let body = chat::message(body).map_err(StoreError::Refused)?;
    let mut tx = store.begin().await?;
    if !is_member(&mut tx, id, author).await? {
        return Err(StoreError::NotFound);
    }
    let (message, at) = (new_id(), now());
    sqlx::query("INSERT INTO chat_messages (id, conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)").bind(message.to_string()).bind(id.to_string()).bind(author.to_string()).bind(&body).bind(ts(at)).execute(&mut *tx).await?;
    sqlx::query("UPDATE conversations SET last_message_at = $1 WHERE id = $2").bind(ts(at)).bind(id.to_string()).execute(&mut *tx).await?;
    sqlx::query("UPDATE conversation_members SET read_up_to = $1 WHERE conversation_id = $2 AND staff_id = $3").bind(ts(at)).bind(id.to_string()).bind(author.to_string()).execute(&mut *tx).await?;
    let members: Vec<Uuid> = sqlx::query("SELECT staff_id FROM conversation_members WHERE conversation_id = $1").bind(id.to_string()).fetch_all(&mut *tx).await?.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect::<Result<_>>()?;
    // The event names the conversation, never the words.
    audit::append(&mut tx, ctx, Event::success("chat.message_sent").about("conversation", id).detail(serde_json::json!({ "message_id": message }))).await?;
    tx.commit().await?;
    store.publish(crate::live::LiveEvent::ChatMessage { conversation_id: id, members }).await;
    Ok(message)
}

/// Deletes messages older than the retention setting; says how many went.
pub async fn purge(store: &Store, settings: &chat::ChatSettings) -> Result<u64> {
    let before = ts(now() - time::Duration::days(settings.keep_days));
    if sqlx::query("SELECT 1 FROM chat_messages WHERE created_at < $1 LIMIT 1").bind(&before).fetch_optional(store.pool()).await?.is_none() {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    let gone = sqlx::query("DELETE FROM chat_messages WHERE created_at < $1").bind(&before).execute(&mut *tx).await?.rows_affected();
    audit::append(&mut tx, &AuditContext::system(), Event::success("chat.messages_purged").detail(serde_json::json!({ "before": before, "deleted": gone }))).await?;
    tx.commit().await?;
    Ok(gone)
}

/// Demo conversations: (members, title, messages as (author, words, when)).
pub type DemoConversation = (Vec<Uuid>, Option<String>, Vec<(Uuid, String, OffsetDateTime)>);

/// Loads demo conversations in one transaction; everyone has read all but the last message.
pub async fn load_demo(store: &Store, conversations: &[DemoConversation]) -> Result<usize> {
    let mut tx = store.begin().await?;
    let mut n = 0;
    for (members, title, messages) in conversations {
        let (Some(first), Some(last)) = (messages.first(), messages.last()) else { continue };
        let id = new_id();
        let pair = (members.len() == 2).then(|| chat::pair_key(members[0], members[1]));
        if pair.is_none() && title.is_none() {
            continue;
        }
        sqlx::query("INSERT INTO conversations (id, title, pair_key, started_by, created_at, last_message_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id.to_string())
            .bind(title.as_deref().filter(|_| pair.is_none()))
            .bind(pair.as_deref())
            .bind(first.0.to_string())
            .bind(ts(first.2))
            .bind(ts(last.2))
            .execute(&mut *tx)
            .await?;
        let read = messages.len().checked_sub(2).map(|i| ts(messages[i].2));
        for m in members {
            let seen = if *m == last.0 { Some(ts(last.2)) } else { read.clone() };
            sqlx::query("INSERT INTO conversation_members (conversation_id, staff_id, read_up_to) VALUES ($1, $2, $3)").bind(id.to_string()).bind(m.to_string()).bind(seen).execute(&mut *tx).await?;
        }
        for (author, words, at) in messages {
            sqlx::query("INSERT INTO chat_messages (id, conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)").bind(new_id().to_string()).bind(id.to_string()).bind(author.to_string()).bind(words).bind(ts(*at)).execute(&mut *tx).await?;
        }
        n += messages.len();
    }
    tx.commit().await?;
    Ok(n)
}
