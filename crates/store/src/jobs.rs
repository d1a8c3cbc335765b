//! The job queue (outbox). A change enqueues its job in the same transaction, so the job exists
//! if and only if the change committed. Workers on any instance claim jobs with a lease.

use sqlx::{AnyConnection, Row};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Engine, Result, Store, new_id, now, parse_id, ts};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub queue: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
}

/// Adds a job inside the caller's transaction.
pub async fn enqueue(conn: &mut AnyConnection, queue: &str, payload: &serde_json::Value, run_at: OffsetDateTime) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO jobs (id, queue, payload, run_at, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(queue)
        .bind(payload.to_string())
        .bind(ts(run_at))
        .bind(ts(now()))
        .execute(conn)
        .await?;
    Ok(id)
}

/// Claims the next due job on a queue for `lease`. If the worker dies, the job is claimable again
/// once the lease runs out.
pub async fn claim(store: &Store, queue: &str, lease: Duration) -> Result<Option<Job>> {
    // The one dialect difference: PostgreSQL skips rows other workers hold; SQLite has a single
    // writer (BEGIN IMMEDIATE), so a plain select inside the write transaction is already exclusive.
    const DUE: &str = "SELECT id FROM jobs WHERE queue = $1 AND done_at IS NULL AND run_at <= $2
        AND (locked_until IS NULL OR locked_until < $2) ORDER BY run_at, id LIMIT 1";
    let select = match store.engine() {
        Engine::Postgres => format!("{DUE} FOR UPDATE SKIP LOCKED"),
        Engine::Sqlite => DUE.to_string(),
    };
    let at = now();
    let mut tx = store.begin().await?;
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(select)).bind(queue).bind(ts(at)).fetch_optional(&mut *tx).await? else {
        return Ok(None);
    };
    let id: String = row.get(0);
    let row = sqlx::query(
        "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = $2 RETURNING id, queue, payload, attempts",
    )
    .bind(ts(at + lease))
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(Job {
        id: parse_id(&row.get::<String, _>(0))?,
        queue: row.get(1),
        payload: serde_json::from_str(&row.get::<String, _>(2)).unwrap_or(serde_json::Value::Null),
        attempts: row.get(3),
    }))
}

pub async fn complete(store: &Store, id: Uuid) -> Result<()> {
    sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2")
        .bind(ts(now()))
        .bind(id.to_string())
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Releases a failed job to run again at `retry_at`, keeping the error for operators.
pub async fn fail(store: &Store, id: Uuid, error: &str, retry_at: OffsetDateTime) -> Result<()> {
    sqlx::query("UPDATE jobs SET locked_until = NULL, run_at = $1, last_error = $2 WHERE id = $3")
        .bind(ts(retry_at))
        .bind(error)
        .bind(id.to_string())
        .execute(store.pool())
        .await?;
    Ok(())
}

// ---- Periodic work ----

/// A piece of work every instance would otherwise repeat (purging ended sessions, measuring the
/// key figures): kept as one job row per task that is never done. Whichever instance claims it
/// when it is due runs it and sets it to run again after its interval, so several instances on
/// one database run it once between them; if the one running it stops, its lease runs out and
/// another takes it.
#[derive(Debug, Clone, Copy)]
pub struct Periodic {
    pub name: &'static str,
    pub every: Duration,
}

/// A task's outcome, for logs and metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// Another instance holds it, or it is not due.
    NotDue,
    Done,
    Failed(String),
}

/// How long a claimed task may run before another instance may take it over.
const PERIODIC_LEASE: Duration = Duration::minutes(10);

fn periodic_queue(name: &str) -> String {
    format!("periodic:{name}")
}

/// The fixed id of a task's row, so every instance makes (or finds) the same one.
fn periodic_id(name: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(periodic_queue(name).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// Runs a periodic task if it is due and no other instance holds it, then sets it to run again
/// after its interval (or in a minute, if it failed: the error is kept on the row and returned).
pub async fn run_periodic<F, Fut>(store: &Store, task: Periodic, work: F) -> Result<Ran>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = std::result::Result<(), String>>,
{
    let queue = periodic_queue(task.name);
    sqlx::query("INSERT INTO jobs (id, queue, payload, run_at, created_at) VALUES ($1, $2, '{}', $3, $3) ON CONFLICT (id) DO NOTHING")
        .bind(periodic_id(task.name).to_string())
        .bind(&queue)
        .bind(ts(now()))
        .execute(store.pool())
        .await?;
    let Some(job) = claim(store, &queue, PERIODIC_LEASE).await? else {
        return Ok(Ran::NotDue);
    };
    let outcome = work().await;
    let (next, error) = match &outcome {
        Ok(()) => (now() + task.every, None),
        Err(e) => (now() + Duration::minutes(1).min(task.every), Some(e.as_str())),
    };
    sqlx::query("UPDATE jobs SET locked_until = NULL, run_at = $1, last_error = $2 WHERE id = $3")
        .bind(ts(next))
        .bind(error)
        .bind(job.id.to_string())
        .execute(store.pool())
        .await?;
    Ok(match outcome {
        Ok(()) => Ran::Done,
        Err(e) => Ran::Failed(e),
    })
}
