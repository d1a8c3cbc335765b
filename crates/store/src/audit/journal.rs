//! The audit journal, on SQLite: where an event that belongs to no other change (a read of a
//! case, a refusal, a download) is made durable before it joins the chain.
//!
//! On SQLite, every commit costs each other connection its page cache: its next read starts
//! from an empty cache because the write-ahead log has changed. When each case read committed its
//! own `case.viewed` event, refilling those caches was most of a case page's time. (Measured on the
//! national demo: with the read events switched off, the overview's p99 fell from 28 ms to 13.5 ms.)
//! So such an event is appended to a plain file and synced before the read is answered, with many
//! events to one sync. The group-commit writer moves the events into the trail about once a second,
//! in one transaction that extends the chain. Whatever reads the trail (the audit screen, `verify`)
//! first asks for that move (`audit::settle`), so it sees every event recorded before it asked.
//!
//! An event takes its place in the chain when it is moved, so it comes after any change committed
//! in the meantime. Its `at` is still the time it happened.
//!
//! The files are kept in `<database>-audit/`, beside the database:
//! - `lock` is held by the one process keeping the journal (the server). Another process opening
//!   the same database, such as a command run beside the server, commits its events directly.
//! - `live` is being appended to, one JSON line per event.
//! - `closed-N` files are closed and waiting to be moved, oldest first.
//!
//! A closed file is removed once its events have committed. If Hearth stops between the commit and
//! the removal, the next move finds the file's first event already in the trail and removes the
//! file without moving it again. If Hearth stops while appending, the last line may be cut short.
//! That event's reader was never answered, so the cut line is dropped.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::{AnyConnection, Row};
use tokio::sync::{mpsc, oneshot};

use crate::audit::{ChainHead, PendingEvent};
use crate::audit::group_commit::GroupWrite;
use crate::{Result, Store, StoreError};

/// A handle on this process's journal.
#[derive(Clone, Debug)]
pub(crate) struct Journal {
    dir: Arc<PathBuf>,
    requests: mpsc::UnboundedSender<Request>,
    /// Whether anything may be waiting to be moved: set after each append, and at opening when
    /// an earlier process left closed files. Cleared when a move begins.
    unsettled: Arc<AtomicBool>,
}

enum Request {
    Append(PendingEvent, oneshot::Sender<Result<()>>),
    /// Closes `live`, if anything is in it, so every event appended before is in a closed file.
    Close(oneshot::Sender<Result<()>>),
}

impl Journal {
    /// Opens the journal beside the SQLite file `database`, or answers None when another process
    /// keeps it. What an earlier process was appending is closed first, so it is moved before
    /// anything new.
    pub(crate) fn open(database: &Path) -> std::io::Result<Option<Self>> {
        let dir = dir_beside(database);
        std::fs::create_dir_all(&dir)?;
        let lock = OpenOptions::new().create(true).write(true).truncate(false).open(dir.join("lock"))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        let mut next = closed_files(&dir)?.last().map_or(1, |(n, _)| n + 1);
        let live_path = dir.join("live");
        if std::fs::metadata(&live_path).is_ok_and(|m| m.len() > 0) {
            std::fs::rename(&live_path, closed_path(&dir, next))?;
            next += 1;
        }
        let live = OpenOptions::new().create(true).append(true).open(&live_path)?;
        File::open(&dir)?.sync_all()?;
        let unsettled = Arc::new(AtomicBool::new(!closed_files(&dir)?.is_empty()));
        let (requests, queue) = mpsc::unbounded_channel();
        let keeper = Keeper { _lock: lock, dir: dir.clone(), live, next, waiting: Vec::new(), lines: Vec::new() };
        std::thread::Builder::new().name("audit-journal".into()).spawn(move || keeper.run(queue))?;
        Ok(Some(Self { dir: Arc::new(dir), requests, unsettled }))
    }

    /// Appends an event and returns once it is on disk.
    pub(crate) async fn append(&self, event: PendingEvent) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.requests.send(Request::Append(event, reply)).map_err(|_| stopped())?;
        // Marked after sending: a move that began in between closed the file before this event
        // reached it, so this one waits for the next move.
        self.unsettled.store(true, Ordering::Release);
        answer.await.map_err(|_| stopped())?
    }

    /// How many closed files wait to be moved. Moves happen every second, so more than one or
    /// two means they are failing.
    pub(crate) fn waiting_files(&self) -> std::io::Result<usize> {
        closed_files(&self.dir).map(|f| f.len())
    }

    pub(crate) fn is_unsettled(&self) -> bool {
        self.unsettled.load(Ordering::Acquire)
    }

    async fn close_live(&self) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.requests.send(Request::Close(reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// `<database>-audit`: the journal's directory.
pub(crate) fn dir_beside(database: &Path) -> PathBuf {
    let mut dir = database.as_os_str().to_owned();
    dir.push("-audit");
    PathBuf::from(dir)
}

fn stopped() -> StoreError {
    StoreError::Files("the audit journal has stopped".into())
}

fn io_error(e: &std::io::Error) -> StoreError {
    StoreError::Files(format!("audit journal: {e}"))
}

fn closed_path(dir: &Path, n: u64) -> PathBuf {
    dir.join(format!("closed-{n:020}"))
}

/// The closed files, oldest first.
fn closed_files(dir: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(n) = entry.file_name().to_str().and_then(|n| n.strip_prefix("closed-")).and_then(|n| n.parse().ok()) {
            files.push((n, entry.path()));
        }
    }
    files.sort();
    Ok(files)
}

/// The events in a closed file, in order. A line that does not read back ends the file: only
/// the last line can be cut short, by a stop while it was written.
fn read_closed(path: &Path) -> std::io::Result<Vec<PendingEvent>> {
    let text = std::fs::read(path)?;
    let mut events = Vec::new();
    for (n, line) in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        match serde_json::from_slice(line) {
            Ok(event) => events.push(event),
            Err(_) => {
                tracing::warn!(file = %path.display(), line = n + 1, "audit journal: a line cut short by a stop was dropped");
                break;
            }
        }
    }
    Ok(events)
}

/// The thread that owns the files: it appends, syncs and closes, in the order asked.
struct Keeper {
    /// Held for as long as this process keeps the journal.
    _lock: File,
    dir: PathBuf,
    live: File,
    next: u64,
    /// Appended but not yet synced: their lines, and whom to tell.
    lines: Vec<u8>,
    waiting: Vec<oneshot::Sender<Result<()>>>,
}

impl Keeper {
    fn run(mut self, mut queue: mpsc::UnboundedReceiver<Request>) {
        while let Some(first) = queue.blocking_recv() {
            // Everything already waiting shares one sync.
            let mut request = Some(first);
            while let Some(r) = request.take().or_else(|| queue.try_recv().ok()) {
                match r {
                    Request::Append(event, reply) => {
                        if serde_json::to_writer(&mut self.lines, &event).is_ok() {
                            self.lines.push(b'\n');
                        }
                        self.waiting.push(reply);
                    }
                    Request::Close(reply) => {
                        let closed = self.sync().and_then(|()| self.close());
                        let _ = reply.send(closed.map_err(|e| io_error(&e)));
                    }
                }
            }
            let _ = self.sync();
        }
    }

    /// Writes and syncs what is waiting, then answers each waiting caller.
    fn sync(&mut self) -> std::io::Result<()> {
        if self.waiting.is_empty() {
            return Ok(());
        }
        let written = self.live.metadata().and_then(|before| {
            let written = self.live.write_all(&self.lines).and_then(|()| self.live.sync_data());
            if written.is_err() {
                // A half-written line would spoil the lines after it: cut the file back.
                let _ = self.live.set_len(before.len());
            }
            written
        });
        self.lines.clear();
        for reply in self.waiting.drain(..) {
            let _ = reply.send(written.as_ref().map(|_| ()).map_err(io_error));
        }
        written
    }

    /// Renames `live` to the next closed file and starts a new `live`, if anything is in it.
    fn close(&mut self) -> std::io::Result<()> {
        if self.live.metadata()?.len() == 0 {
            return Ok(());
        }
        // The new file first: should it fail, nothing has moved and appends go on as before.
        let fresh = OpenOptions::new().create(true).append(true).open(self.dir.join("live.new"))?;
        fresh.set_len(0)?;
        std::fs::rename(self.dir.join("live"), closed_path(&self.dir, self.next))?;
        self.next += 1;
        std::fs::rename(self.dir.join("live.new"), self.dir.join("live"))?;
        self.live = fresh;
        // The new names must survive a power cut before anything is appended.
        File::open(&self.dir)?.sync_all()
    }
}

/// Asks the group-commit writer to move every event recorded so far into the chain, and waits.
pub(crate) async fn settle(store: &Store, journal: Journal) -> Result<()> {
    crate::audit::group_commit::submit(store, move |reply| Box::new(Move::new(journal, Some(reply)))).await
}

/// Moving the closed files' events into the chain, as one of the group-commit writer's writes.
pub(crate) struct Move {
    journal: Journal,
    /// Files whose events are in this transaction, or were already in the trail.
    moved: Vec<PathBuf>,
    reply: Option<oneshot::Sender<Result<()>>>,
}

impl Move {
    pub(crate) fn new(journal: Journal, reply: Option<oneshot::Sender<Result<()>>>) -> Self {
        Self { journal, moved: Vec::new(), reply }
    }
}

impl GroupWrite for Move {
    fn apply<'a>(&'a mut self, conn: &'a mut AnyConnection, head: &'a mut ChainHead) -> Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async move {
            self.journal.unsettled.store(false, Ordering::Release);
            self.journal.close_live().await?;
            let dir = Arc::clone(&self.journal.dir);
            let files = tokio::task::spawn_blocking(move || {
                closed_files(&dir)?.into_iter().map(|(_, path)| read_closed(&path).map(|events| (path, events))).collect::<std::io::Result<Vec<_>>>()
            })
            .await
            .map_err(|e| StoreError::Files(format!("audit journal: {e}")))?
            .map_err(|e| io_error(&e))?;
            for (path, events) in files {
                let already = match events.first() {
                    Some(first) => sqlx::query("SELECT 1 FROM audit_events WHERE id = $1").bind(&first.id).fetch_optional(&mut *conn).await?.is_some(),
                    None => true,
                };
                if !already {
                    for event in events {
                        head.add(conn, event).await?;
                    }
                }
                self.moved.push(path);
            }
            Ok(())
        })
    }

    fn finish(self: Box<Self>, outcome: Result<()>) {
        match &outcome {
            Ok(()) => {
                for path in &self.moved {
                    if let Err(e) = std::fs::remove_file(path) {
                        // Harmless: the next move finds its events in the trail and removes it.
                        tracing::warn!(file = %path.display(), error = %e, "audit journal: a moved file could not be removed");
                    }
                }
            }
            // The files stay, to be moved next time.
            Err(_) => self.journal.unsettled.store(true, Ordering::Release),
        }
        if let Some(reply) = self.reply {
            let _ = reply.send(outcome);
        }
    }
}

/// Where `Store` opens its journal: the SQLite file behind `pool`, or None for one held in memory.
pub(crate) async fn database_file(pool: &sqlx::AnyPool) -> Result<Option<PathBuf>> {
    let file: String = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(pool).await?.get(0);
    Ok(Some(PathBuf::from(file)).filter(|f| !f.as_os_str().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, AuditContext, Event};
    use crate::{Engine, testing};

    #[tokio::test]
    async fn a_file_moved_before_a_stop_is_removed_without_being_moved_again() {
        let store = testing::fresh(Engine::Sqlite).await;
        for i in 0..2 {
            audit::record(&store, &AuditContext::system(), Event::success("case.viewed").about("case", i)).await.unwrap();
        }
        audit::settle(&store).await.unwrap();
        // The stop came after the move's commit and before its file was removed: the file is
        // back, holding the events already in the trail.
        let rows = sqlx::query("SELECT id, at, actor_id, action, subject_type, subject_id, outcome, request_id, detail FROM audit_events ORDER BY seq").fetch_all(store.pool()).await.unwrap();
        let lines: String = rows
            .iter()
            .map(|r| {
                let text = |i: usize| r.get::<Option<String>, _>(i);
                let line = serde_json::json!({ "id": text(0), "at": text(1), "actor_id": text(2), "action": text(3), "subject_type": text(4), "subject_id": text(5), "outcome": text(6), "request_id": text(7), "detail": text(8) });
                format!("{line}\n")
            })
            .collect();
        let journal = store.journal().unwrap();
        let leftover = closed_path(&journal.dir, 7);
        std::fs::write(&leftover, lines).unwrap();
        journal.unsettled.store(true, Ordering::Release);

        audit::settle(&store).await.unwrap();
        assert!(!leftover.exists(), "the file is removed");
        assert_eq!(audit::verify(&store).await.unwrap(), Ok(2), "and its events are in the trail once");
    }
}
