//! The audit trail's tables: appending hash-chained events, verifying the chain, and the queries
//! behind the audit screen.

use hearth_domain::audit::{AuditRecord, ChainBreak, ChainVerifier, Outcome};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::{Page, PageRequest, Result, Store, StoreError, new_id, now, ts};

/// Who is acting and in which request: carried into every audited write.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub actor_id: Option<Uuid>,
    pub request_id: Option<String>,
}

impl AuditContext {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn actor(actor_id: Uuid, request_id: Option<String>) -> Self {
        Self { actor_id: Some(actor_id), request_id }
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
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let mut record = AuditRecord {
        seq: head.get(0),
        id: new_id().to_string(),
        at: ts(now()),
        actor_id: ctx.actor_id.map(|a| a.to_string()),
        action: event.action.to_string(),
        subject_type: event.subject_type.map(str::to_string),
        subject_id: event.subject_id,
        outcome: event.outcome.code().to_string(),
        request_id: ctx.request_id.clone(),
        detail: event.detail.map(|d| d.to_string()),
        prev_hash: head.get(1),
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
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&record.hash).execute(&mut *conn).await?;
    Ok(record.seq)
}

/// Appends an event that belongs to no other change: reads, refusals and sign-in attempts. It is
/// durable when this returns. Events arriving together share one transaction and one disk sync
/// (group commit), so many people reading at once do not queue behind one sync each.
pub async fn record(store: &Store, ctx: &AuditContext, event: Event<'_>) -> Result<i64> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let queued = QueuedEvent {
        ctx: ctx.clone(),
        action: event.action.to_string(),
        subject_type: event.subject_type.map(str::to_string),
        subject_id: event.subject_id,
        outcome: event.outcome,
        detail: event.detail,
        reply,
    };
    store.audit_queue().send(queued).map_err(|_| StoreError::Files("the audit writer has stopped".into()))?;
    answer.await.map_err(|_| StoreError::Files("the audit writer has stopped".into()))?
}

/// An event waiting for the audit writer, with where to send its sequence number.
pub(crate) struct QueuedEvent {
    ctx: AuditContext,
    action: String,
    subject_type: Option<String>,
    subject_id: Option<String>,
    outcome: Outcome,
    detail: Option<serde_json::Value>,
    reply: tokio::sync::oneshot::Sender<Result<i64>>,
}

/// The most events one commit takes.
const BATCH: usize = 256;

/// Writes queued events: everything waiting goes into one transaction; each caller hears once it
/// has committed. Ends when every `Store` handle is gone.
pub(crate) async fn writer(store: Store, mut queue: tokio::sync::mpsc::UnboundedReceiver<QueuedEvent>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(e) => batch.push(e),
                Err(_) => break,
            }
        }
        let written = async {
            let mut tx = store.begin().await?;
            let mut seqs = Vec::with_capacity(batch.len());
            for e in &batch {
                let event = Event { action: &e.action, subject_type: e.subject_type.as_deref(), subject_id: e.subject_id.clone(), outcome: e.outcome, detail: e.detail.clone() };
                seqs.push(append(&mut tx, &e.ctx, event).await?);
            }
            tx.commit().await?;
            Ok::<_, StoreError>(seqs)
        }
        .await;
        match written {
            Ok(seqs) => {
                for (e, seq) in batch.into_iter().zip(seqs) {
                    let _ = e.reply.send(Ok(seq));
                }
            }
            Err(err) => {
                let message = err.to_string();
                for e in batch {
                    let _ = e.reply.send(Err(StoreError::Files(format!("audit: {message}"))));
                }
            }
        }
    }
}

/// Checks the whole chain in order, a batch at a time. Returns how many events were checked.
pub async fn verify(store: &Store) -> Result<std::result::Result<u64, ChainBreak>> {
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
    Ok(Page { items: rows.iter().map(from_row).collect(), total, page: page.page, per_page: page.per_page })
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
