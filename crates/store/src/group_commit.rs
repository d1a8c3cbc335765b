//! Group commit: small writes that arrive together share one transaction and one disk sync.
//!
//! Every write to Hearth's audit chain is serialised by the chain's head row, so on SQLite (one
//! writer) and on PostgreSQL (a row lock) the cost of a read's audit event or a note is mostly the
//! sync at commit. One writer task takes everything waiting, applies each in turn (a note inside
//! its own savepoint, so one that is refused leaves the others standing) and commits once. Each
//! caller hears back only after that commit: durable when the call returns, as before.

use std::future::Future;
use std::pin::Pin;

use sqlx::AnyConnection;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::audit::ChainHead;
use crate::{Result, Store, StoreError};

/// A write the group-commit writer applies inside the shared transaction.
pub(crate) trait GroupWrite: Send {
    /// Writes this change on the shared transaction's connection, its audit events after `head`.
    fn apply<'a>(&'a mut self, conn: &'a mut AnyConnection, head: &'a mut ChainHead) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;
    /// Tells the caller how it ended, once the transaction has committed (or failed).
    fn finish(self: Box<Self>, outcome: Result<()>);
    /// Whether a refusal is possible (a closed case, say), so it needs a savepoint to undo alone.
    fn may_be_refused(&self) -> bool;
}

pub(crate) type Queue = tokio::sync::mpsc::UnboundedSender<Box<dyn GroupWrite>>;

/// The most writes one commit takes.
const BATCH: usize = 256;

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
    while let Some(first) = queue.recv().await {
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
                outcomes.push(if w.may_be_refused() { in_savepoint(&mut tx, &mut head, w.as_mut()).await? } else { w.apply(&mut tx, &mut head).await });
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

/// Applies one write so that its refusal undoes only itself. The outer error is the
/// transaction's own failure, which ends the whole group.
async fn in_savepoint(conn: &mut AnyConnection, head: &mut ChainHead, w: &mut dyn GroupWrite) -> Result<Result<()>> {
    sqlx::query("SAVEPOINT group_write").execute(&mut *conn).await?;
    let before = head.clone();
    let outcome = w.apply(conn, head).await;
    if outcome.is_err() {
        sqlx::query("ROLLBACK TO SAVEPOINT group_write").execute(&mut *conn).await?;
        *head = before;
    }
    sqlx::query("RELEASE SAVEPOINT group_write").execute(&mut *conn).await?;
    Ok(outcome)
}
