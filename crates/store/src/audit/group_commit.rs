//! Group commit: small writes that arrive together share one transaction and one disk sync.
//!
//! Every write to Hearth's audit chain is serialised by the chain's head row, so on SQLite (one
//! writer) and on PostgreSQL (a row lock) the cost of a read's audit event or a note is mostly the
//! sync at commit. One writer task takes everything waiting, applies each in turn and commits
//! once. Each caller hears back only after that commit: durable when the call returns, as before.
//!
//! A write that can be refused (a note to a closed case) is checked first, by reading only, so a
//! refusal has written nothing and the others go ahead. No savepoints: on SQLite each one makes
//! the full-text index flush its pending words as a new segment, and a segment for every note
//! kept the index merging segments most of the writer's time. Once a write has begun, a failure
//! is the database's own, and it fails the whole group: nothing half-written is committed.
//!
//! On SQLite the writer also moves the audit journal's events into the chain once a second
//! (`audit/journal.rs`), and keeps the write-ahead log short. Left to SQLite, the commit that
//! fills the log past its limit copies it into the database file and syncs that file before it
//! returns, and the whole group waits. Instead, once a second, the writer starts a passive
//! checkpoint beside itself: commits go on while the file is synced.

use std::future::Future;
use std::pin::Pin;

use sqlx::AnyConnection;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::audit::ChainHead;
use crate::audit::journal::Move;
use crate::{Engine, Result, Store, StoreError};

/// A write the group-commit writer applies inside the shared transaction.
pub(crate) trait GroupWrite: Send {
    /// Whether this write may go ahead, reading only: a refusal (a closed case, say) writes nothing.
    fn check<'a>(&'a self, _conn: &'a mut AnyConnection) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async { Ok(()) })
    }
    /// Writes this change on the shared transaction's connection, its audit events after `head`.
    fn apply<'a>(&'a mut self, conn: &'a mut AnyConnection, head: &'a mut ChainHead) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;
    /// Tells the caller how it ended, once the transaction has committed (or failed).
    fn finish(self: Box<Self>, outcome: Result<()>);
}

pub(crate) type Queue = tokio::sync::mpsc::UnboundedSender<Box<dyn GroupWrite>>;

/// The most writes one commit takes.
const BATCH: usize = 256;

/// How often the writer moves the audit journal into the chain and starts a checkpoint of SQLite's
/// write-ahead log.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Sends a write to the writer and waits until it is committed.
pub(crate) async fn submit<T: Send + 'static>(store: &Store, write: impl FnOnce(tokio::sync::oneshot::Sender<Result<T>>) -> Box<dyn GroupWrite>) -> Result<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    store.write_queue().send(write(reply)).map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

fn stopped() -> StoreError {
    StoreError::Files("the database writer has stopped".into())
}

/// Applies queued writes in groups until every `Store` handle is gone.
pub(crate) async fn writer(store: Store, mut queue: UnboundedReceiver<Box<dyn GroupWrite>>) {
    let mut checkpoints = tokio::time::interval(CHECKPOINT_EVERY);
    checkpoints.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut checkpoint: Option<tokio::task::JoinHandle<()>> = None;
    loop {
        let first = tokio::select! {
            write = queue.recv() => match write {
                Some(write) => write,
                None => break,
            },
            _ = checkpoints.tick() => {
                if store.engine() == Engine::Sqlite && checkpoint.as_ref().is_none_or(|c| c.is_finished()) {
                    checkpoint = Some(tokio::spawn(checkpoint_log(store.pool().clone())));
                }
                match store.journal().filter(|j| j.is_unsettled()) {
                    Some(journal) => Box::new(Move::new(journal.clone(), None)),
                    None => continue,
                }
            }
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        let mut outcomes: Vec<Result<()>> = Vec::with_capacity(batch.len());
        let committed = async {
            let mut tx = store.begin().await?;
            // The chain's head is read once and written once for the whole group.
            let mut head = ChainHead::lock(&mut tx).await?;
            for w in batch.iter_mut() {
                let refusal = w.check(&mut tx).await;
                if refusal.is_ok() {
                    w.apply(&mut tx, &mut head).await?;
                }
                outcomes.push(refusal);
            }
            head.save(&mut tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match committed {
            Ok(()) => {
                for (w, outcome) in batch.into_iter().zip(outcomes) {
                    w.finish(outcome);
                }
            }
            Err(err) => {
                let message = err.to_string();
                for w in batch {
                    w.finish(Err(StoreError::Files(format!("database: {message}"))));
                }
            }
        }
    }
}

/// Copies the write-ahead log into the database file without holding up readers or writers
/// (`PASSIVE`). A failure leaves the log to the next attempt, and to SQLite's own limit.
async fn checkpoint_log(pool: sqlx::AnyPool) {
    if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
        tracing::warn!(error = %err, "checkpoint of the write-ahead log failed");
    }
}
