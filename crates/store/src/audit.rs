//! The audit trail's tables: appending hash-chained events, verifying the chain, and the queries
//! behind the audit screen. Beside it, in one module: the journal that holds reads' events on
//! SQLite until they join the chain (`journal`), and the group-commit writer (`group_commit`).

pub(crate) mod group_commit;
pub(crate) mod journal;

use hearth_domain::audit::{AuditRecord, ChainBreak, ChainVerifier, Outcome};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

use crate::{Page, PageRequest, Result, Store, new_id, now, ts};

/// Who is acting and in which request: carried into every audited write.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub actor_id: Option<Uuid>,
    pub request_id: Option<String>,
    /// Set once anything is recorded with this context, so the web layer can tell whether a
    /// request that read a record has audited it (and record the read itself if not).
    pub noted: Option<Arc<AtomicBool>>,
}

impl AuditContext {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn actor(actor_id: Uuid, request_id: Option<String>) -> Self {
        Self { actor_id: Some(actor_id), request_id, noted: None }
    }

    /// The same context, noting in `flag` that something was recorded with it.
    pub fn noting(mut self, flag: Option<Arc<AtomicBool>>) -> Self {
        self.noted = flag;
        self
    }

    fn note(&self) {
        if let Some(flag) = &self.noted {
            flag.store(true, Ordering::Relaxed);
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: &'a str,
    pub subject_type: Option<&'a str>,
    pub subject_id: Option<String>,
    pub outcome: Outcome,
    pub detail: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    pub fn success(action: &'a str) -> Self {
        Self { action, subject_type: None, subject_id: None, outcome: Outcome::Success, detail: None }
    }

    pub fn about(mut self, subject_type: &'a str, subject_id: impl ToString) -> Self {
        self.subject_type = Some(subject_type);
        self.subject_id = Some(subject_id.to_string());
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// Appends an event inside the caller's transaction, so it commits with the change it records.
/// Taking the head row's lock sequences concurrent appenders one at a time on both engines.
pub async fn append(conn: &mut AnyConnection, ctx: &AuditContext, event: Event<'_>) -> Result<i64> {
    ctx.note();
    let mut head = ChainHead::lock(conn).await?;
    let seq = head.append(conn, ctx, event).await?;
    head.save(conn).await?;
    Ok(seq)
}

/// The end of the chain, held in memory while a transaction appends several events: the
/// group-commit writer reads it once, appends its whole batch, and writes it back once.
#[derive(Debug)]
pub(crate) struct ChainHead {
    seq: i64,
    hash: String,
}

impl ChainHead {
    /// Reads the head and takes its row lock until the transaction ends.
    pub(crate) async fn lock(conn: &mut AnyConnection) -> Result<Self> {
        let head = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *conn).await?;
        Ok(Self { seq: head.get(0), hash: head.get(1) })
    }

    /// Writes the next event after this head and moves the head onto it.
    pub(crate) async fn append(&mut self, conn: &mut AnyConnection, ctx: &AuditContext, event: Event<'_>) -> Result<i64> {
        self.add(conn, PendingEvent::new(ctx, event)).await
    }

    /// Gives an event recorded earlier (in the journal) its place after this head, keeping its
    /// id and time.
    pub(crate) async fn add(&mut self, conn: &mut AnyConnection, event: PendingEvent) -> Result<i64> {
        let PendingEvent { id, at, actor_id, action, subject_type, subject_id, outcome, request_id, detail } = event;
        let mut record = AuditRecord {
            seq: self.seq + 1,
            id,
            at,
            actor_id,
            action,
            subject_type,
            subject_id,
            outcome,
            request_id,
            detail,
            prev_hash: self.hash.clone(),
            hash: String::new(),
        };
        record.hash = record.expected_hash(&record.prev_hash);
        sqlx::query(
            "INSERT INTO audit_events (seq, id, at, actor_id, action, subject_type, subject_id, outcome, request_id, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(record.seq)
        .bind(&record.id)
        .bind(&record.at)
        .bind(&record.actor_id)
        .bind(&record.action)
        .bind(&record.subject_type)
        .bind(&record.subject_id)
        .bind(&record.outcome)
        .bind(&record.request_id)
        .bind(&record.detail)
        .bind(&record.prev_hash)
        .bind(&record.hash)
        .execute(&mut *conn)
        .await?;
        (self.seq, self.hash) = (record.seq, record.hash);
        Ok(self.seq)
    }

    /// Writes the head back, in the same transaction.
    pub(crate) async fn save(&self, conn: &mut AnyConnection) -> Result<()> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(self.seq).bind(&self.hash).execute(&mut *conn).await?;
        Ok(())
    }
}

/// An event with everything but its place in the chain: what the journal keeps until the event
/// joins the chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingEvent {
    pub(crate) id: String,
    at: String,
    actor_id: Option<String>,
    action: String,
    subject_type: Option<String>,
    subject_id: Option<String>,
    outcome: String,
    request_id: Option<String>,
    detail: Option<String>,
}

impl PendingEvent {
    fn new(ctx: &AuditContext, event: Event<'_>) -> Self {
        Self {
            id: new_id().to_string(),
            at: ts(now()),
            actor_id: ctx.actor_id.map(|a| a.to_string()),
            action: event.action.to_string(),
            subject_type: event.subject_type.map(str::to_string),
            subject_id: event.subject_id,
            outcome: event.outcome.code().to_string(),
            request_id: ctx.request_id.clone(),
            detail: event.detail.map(|d| d.to_string()),
        }
    }
}

/// Records an event that belongs to no other change: reads, refusals and downloads. It is durable
/// when this returns. On SQLite it goes to the audit journal and joins the chain within about a
/// second (`audit/journal.rs` says why); on PostgreSQL, or where another process keeps the
/// journal, it is committed to the chain directly. Either way, events arriving together share one
/// disk sync (group commit), so many people reading at once do not queue behind one sync each.
pub async fn record(store: &Store, ctx: &AuditContext, event: Event<'_>) -> Result<()> {
    ctx.note();
    let event = PendingEvent::new(ctx, event);
    match store.journal() {
        Some(journal) => journal.append(event).await,
        None => crate::audit::group_commit::submit(store, move |reply| Box::new(QueuedEvent { event: Some(event), reply })).await,
    }
}

/// Moves every event recorded so far into the chain. Whatever reads the trail calls this first, so
/// it sees every event recorded before it asked.
pub async fn settle(store: &Store) -> Result<()> {
    match store.journal() {
        Some(journal) => crate::audit::journal::settle(store, journal.clone()).await,
        None => Ok(()),
    }
}

/// How many of the audit journal's closed files wait to join the chain, for `/metrics`; None
/// where this process keeps no journal (PostgreSQL, or a command beside the server).
pub fn journal_backlog(store: &Store) -> Option<usize> {
    store.journal().and_then(|j| j.waiting_files().ok())
}

/// An event waiting for the group-commit writer, with where to say it is committed.
struct QueuedEvent {
    event: Option<PendingEvent>,
    reply: tokio::sync::oneshot::Sender<Result<()>>,
}

impl crate::audit::group_commit::GroupWrite for QueuedEvent {
    fn apply<'a>(&'a mut self, conn: &'a mut AnyConnection, head: &'a mut ChainHead) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async move {
            if let Some(event) = self.event.take() {
                head.add(conn, event).await?;
            }
            Ok(())
        })
    }

    fn finish(self: Box<Self>, outcome: Result<()>) {
        let _ = self.reply.send(outcome);
    }
}

/// Checks the whole chain in order, a batch at a time. Returns how many events were checked.
pub async fn verify(store: &Store) -> Result<std::result::Result<u64, ChainBreak>> {
    settle(store).await?;
    let mut verifier = ChainVerifier::default();
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE seq > $1 ORDER BY seq LIMIT 5000")))
            .bind(after)
            .fetch_all(store.pool())
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let event = from_row(row);
            if let Err(b) = verifier.check(&event) {
                return Ok(Err(b));
            }
            after = event.seq;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(store.pool()).await?;
    Ok(verifier.finish(head.get(0), &head.get::<String, _>(1)))
}

/// What the audit screen filters by: a subject ("who viewed record X"), an actor, a time range.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub subject_id: Option<String>,
    pub actor_id: Option<String>,
    pub action_prefix: Option<String>,
    /// Inclusive lower bound, stored time text.
    pub from: Option<String>,
    /// Exclusive upper bound, stored time text.
    pub to: Option<String>,
}

/// Events matching the query, newest first.
pub async fn search(store: &Store, q: &AuditQuery, page: PageRequest) -> Result<Page<AuditRecord>> {
    settle(store).await?;
    // Each filter is "no filter when the parameter is NULL", so one SQL text serves every combination.
    const FILTER: &str = " WHERE ($1 IS NULL OR subject_id = $1)
        AND ($2 IS NULL OR actor_id = $2)
        AND ($3 IS NULL OR action LIKE $3)
        AND ($4 IS NULL OR at >= $4)
        AND ($5 IS NULL OR at < $5)";
    let action = q.action_prefix.as_ref().map(|a| format!("{a}%"));
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM audit_events{FILTER}")))
        .bind(&q.subject_id)
        .bind(&q.actor_id)
        .bind(&action)
        .bind(&q.from)
        .bind(&q.to)
        .fetch_one(store.pool())
        .await?
        .get(0);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT}{FILTER} ORDER BY seq DESC LIMIT $6 OFFSET $7")))
        .bind(&q.subject_id)
        .bind(&q.actor_id)
        .bind(&action)
        .bind(&q.from)
        .bind(&q.to)
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?;
    Ok(Page { items: rows.iter().map(from_row).collect(), total, page: page.page, per_page: page.per_page, more: false })
}

const SELECT: &str = "SELECT seq, id, at, actor_id, action, subject_type, subject_id, outcome, request_id, detail, prev_hash, hash FROM audit_events";

fn from_row(row: &AnyRow) -> AuditRecord {
    AuditRecord {
        seq: row.get(0),
        id: row.get(1),
        at: row.get(2),
        actor_id: row.get(3),
        action: row.get(4),
        subject_type: row.get(5),
        subject_id: row.get(6),
        outcome: row.get(7),
        request_id: row.get(8),
        detail: row.get(9),
        prev_hash: row.get(10),
        hash: row.get(11),
    }
}
