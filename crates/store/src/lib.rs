//! Hearth's persistence: one SQL text for SQLite and PostgreSQL wherever the dialects agree.
//!
//! Each area keeps to its own tables and exposes functions named in its own words. Writes are
//! transactions that append their audit event before they commit.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod cases;
pub mod courtwork;
pub mod documents;
pub mod insight;
pub mod jobs;
pub mod live;
pub mod org;
pub mod people;
pub mod quality;
pub mod teamrooms;
pub mod testing;
pub mod workload;
pub mod workplace;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

pub use audit::AuditContext;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Whether SQLite syncs each commit to disk.
#[derive(Debug, Clone, Copy)]
enum Sync {
    Full,
    Off,
}

/// A write transaction.
pub type Tx = sqlx::Transaction<'static, Any>;

/// The one error type of the store. Conflicts and duplicates are expected outcomes a person can fix;
/// `Database` is everything else.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Someone else saved this record since it was read.
    #[error("the record changed since it was read (now at version {current})")]
    Conflict { current: i64 },
    /// A unique value is already taken.
    #[error("{field} is already in use")]
    Duplicate { field: &'static str },
    /// A referenced record (team, manager, ...) does not exist.
    #[error("{field} does not exist")]
    MissingReference { field: &'static str },
    /// The record is closed: kept as it was, not added to.
    #[error("the case is closed")]
    Closed,
    /// The object store holding document bytes failed.
    #[error("files: {0}")]
    Files(String),
    /// A backup could not be made or restored; the message names the file and why.
    #[error("{0}")]
    Backup(String),
    /// A rule says this record cannot be changed this way; the message says why, for people.
    #[error("{0}")]
    NotEditable(&'static str),
    /// A rule refused the change, and the named field is where the person can put it right.
    #[error("{}: {}", .0.field, .0.message)]
    Refused(hearth_domain::FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on Hearth's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Where it is, for the PostgreSQL tools a backup runs. Never printed: it may hold a password.
    url: Address,
    /// Standalone audit events and notes go to one writer task, which commits them in groups.
    write_queue: audit::group_commit::Queue,
    /// On SQLite, where standalone audit events wait to join the chain (`audit/journal.rs`).
    journal: Option<audit::journal::Journal>,
    /// Live events for this instance's open event streams (`live.rs`).
    hub: live::Hub,
}

impl Store {
    /// Opens `url`: `postgres://…` for PostgreSQL, otherwise `sqlite://PATH` (created if missing).
    pub async fn connect(url: &str) -> Result<Self> {
        Self::open(url, Sync::Full, None).await
    }

    /// Opens `url` for work done in the background, beside a server: one connection, so however
    /// the work is written (several queries at once, say), it takes at most one core from the
    /// people being served. (Measured: the key figures' start-up measurement, run on the server's
    /// own pool, took both cores for about a second and a half, and the case page's p99 rose from
    /// 14–17 ms to 46–59 ms while it ran.)
    pub async fn connect_for_background(url: &str) -> Result<Self> {
        Self::open(url, Sync::Full, Some(1)).await
    }

    /// Opens `url` to load data that can be made again (the demo): SQLite skips its disk syncs
    /// until [`Store::finish_loading`] makes everything durable at once.
    pub async fn connect_for_loading(url: &str) -> Result<Self> {
        Self::open(url, Sync::Off, None).await
    }

    /// Ends a load: on SQLite returns the database to its write-ahead log and syncs the file; on
    /// PostgreSQL gathers the planner's statistics on what was written and marks its pages
    /// all-visible.
    pub async fn finish_loading(&self) -> Result<()> {
        if self.engine == Engine::Postgres {
            // A bulk load leaves the planner no statistics until autovacuum gets to the tables
            // (never, where it is off): the case page's queries then became parallel sequential
            // scans, 2 pages a second against 650 after ANALYZE, on the national demo. VACUUM
            // as well sets the visibility map, without which an index-only scan still visits
            // the table for every row: the restricted-case check in every search read 975 table
            // pages (3.4 ms) before, none (0.3 ms) after. About 15 s on the national demo.
            sqlx::query("VACUUM (ANALYZE)").execute(&self.pool).await?;
        }
        if self.engine == Engine::Sqlite {
            let mut conn = self.pool.acquire().await?;
            for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA wal_checkpoint(TRUNCATE)"] {
                // Leaving the in-memory journal needs the database to itself. Now and then (about
                // one demo load in five) SQLite answered "table is locked" here, which its busy
                // timeout does not wait out: another pooled connection was still finishing.
                // Ask again for up to five seconds before giving up.
                let mut tries = 0;
                loop {
                    match sqlx::query(pragma).execute(&mut *conn).await {
                        Ok(_) => break,
                        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("6") && tries < 100 => {
                            tries += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            // The load wrote without syncing and the log is empty, so no checkpoint syncs the
            // file: sync it here, or the load is not durable when the command says it is done,
            // and the first minute of service shares the disk with the kernel flushing it.
            let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(&mut *conn).await?;
            tokio::task::spawn_blocking(move || std::fs::File::open(&file).and_then(|f| f.sync_all()))
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e)))
                .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        Ok(())
    }

    async fn open(url: &str, sync: Sync, connections: Option<u32>) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = Self::engine_of(url);
        let address = Address(url.into());
        let url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        if engine == Engine::Sqlite {
            // One connection first, asked to read the schema: a file that is not a database (a
            // damaged header) says so at once, where the pool would retry it until it timed out
            // and report only that.
            let mut probe = options.connect().await?;
            sqlx::query("PRAGMA schema_version").fetch_one(&mut probe).await?;
            probe.close().await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(connections.unwrap_or(match engine {
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            }))
            // A SQLite connection is a file handle in this process: it cannot drop like a
            // network one, and asking it first would cost every query a second round trip to
            // its thread.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Postgres {
                        // Hearth's queries are short. JIT compilation starts once a plan's
                        // estimated cost passes a threshold, and then costs more than the query:
                        // a search with 80 ms of it did 8 ms of work. Parallel workers' start-up
                        // likewise outweighs what they share on queries of a few milliseconds;
                        // the long measurements run in the background on one connection anyway.
                        // And a random read costs little more than a sequential one: Hearth's
                        // working set is in memory or on SSD. At the default (4), a search on the
                        // region demo read all 12,000 cases to find its 251 rather than look each
                        // one up.
                        for setting in ["SET jit = off", "SET max_parallel_workers_per_gather = 0", "SET random_page_cost = 1.1"] {
                            sqlx::query(setting).execute(&mut *conn).await?;
                        }
                    }
                    if engine == Engine::Sqlite {
                        // WAL for concurrent readers, FULL sync so a commit survives power loss,
                        // and a busy timeout so writers queue rather than fail. Reads through a
                        // memory map: every write empties the other connections' page caches, and
                        // mapped pages come back without a copy.
                        let (journal, synchronous) = match sync {
                            Sync::Full => ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"),
                            // A load into a new database writes each page once, straight into
                            // the file, rather than to the WAL and again at every checkpoint.
                            // (A database already in WAL mode stays in it.)
                            Sync::Off => ("PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF"),
                        };
                        for pragma in [
                            journal,
                            "PRAGMA foreign_keys = ON",
                            synchronous,
                            "PRAGMA busy_timeout = 15000",
                            "PRAGMA mmap_size = 4294967296",
                            // The group-commit writer checkpoints the log every second, beside
                            // the writes; this is the backstop should the log outgrow that.
                            "PRAGMA wal_autocheckpoint = 10000",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                        if let Sync::Off = sync {
                            // A load writes a team's cases in one transaction: a page cache big
                            // enough to hold it, and statement journals in memory, keep SQLite
                            // from spilling pages to disk and reading them back mid-transaction.
                            // Building the indexes at the end sorts millions of rows: a helper
                            // thread lets the sort use the second core.
                            for pragma in ["PRAGMA cache_size = -1048576", "PRAGMA temp_store = MEMORY", "PRAGMA threads = 2"] {
                                sqlx::query(pragma).execute(&mut *conn).await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // A load makes its events in its own transactions; only a store in service keeps a journal.
        let journal = match (engine, sync) {
            (Engine::Sqlite, Sync::Full) => match audit::journal::database_file(&pool).await? {
                Some(file) => audit::journal::Journal::open(&file).map_err(|e| StoreError::Files(format!("audit journal: {e}")))?,
                None => None,
            },
            _ => None,
        };
        let (write_queue, queued) = tokio::sync::mpsc::unbounded_channel();
        let store = Self { pool, engine, url: address, write_queue, journal, hub: Default::default() };
        // The writer holds the pool, not the queue's sender: when every handle is dropped the queue
        // closes and the writer ends.
        tokio::spawn(audit::group_commit::writer(Self { write_queue: closed_queue(), ..store.clone() }, queued));
        Ok(store)
    }

    pub(crate) fn write_queue(&self) -> &audit::group_commit::Queue {
        &self.write_queue
    }

    pub(crate) fn journal(&self) -> Option<&audit::journal::Journal> {
        self.journal.as_ref()
    }

    /// The SQLite URL for a data directory: `<data-dir>/hearth.db`.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("hearth.db").display())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The engine a database URL names: `postgres://…` is PostgreSQL, anything else SQLite.
    pub fn engine_of(url: &str) -> Engine {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") { Engine::Postgres } else { Engine::Sqlite }
    }

    pub(crate) fn url(&self) -> &str {
        &self.url.0
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the embedded migrations for this engine.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(|e| StoreError::Database(e.into()))
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue instead of one failing half-way with SQLITE_BUSY.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    /// Checks the database answers, and would take a write: a change made and rolled back. For
    /// `/readyz`, so a database that can be read but not written (a read-only file or replica,
    /// a full disk) is not reported ready.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO installation (key, value) VALUES ('write_probe', $1) ON CONFLICT (key) DO UPDATE SET value = $1")
            .bind(ts(now()))
            .execute(&mut *tx)
            .await?;
        tx.rollback().await?;
        Ok(())
    }

    /// Checks, before serving, that the database can be used: on SQLite that the file is sound
    /// (`PRAGMA quick_check`, which reads every page once: a few seconds for the national demo),
    /// and on both engines that it takes a write. The error says what is wrong.
    pub async fn check_usable(&self) -> Result<()> {
        if self.engine == Engine::Sqlite {
            let rows = sqlx::query("PRAGMA quick_check(5)").fetch_all(&self.pool).await?;
            let problems: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).filter(|p| p != "ok").collect();
            if !problems.is_empty() {
                return Err(StoreError::Database(sqlx::Error::Protocol(format!("the database file is damaged: {}", problems.join("; ")))));
            }
        }
        self.ping().await
    }

    /// What an operator should put right in the database server's settings, in words: said at
    /// start-up. On PostgreSQL, autovacuum off means planner statistics go stale as tables grow
    /// (and dead rows are never reclaimed), and the case page and search slow by orders of
    /// magnitude.
    pub async fn setting_warnings(&self) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        if self.engine == Engine::Postgres {
            let autovacuum: String = sqlx::query_scalar("SELECT setting FROM pg_settings WHERE name = 'autovacuum'").fetch_one(&self.pool).await?;
            if autovacuum != "on" {
                warnings.push("PostgreSQL's autovacuum is off: turn it on (autovacuum = on), or planner statistics go stale and pages slow down as the tables grow".to_string());
            }
        }
        Ok(warnings)
    }

    /// Whether this installation holds synthetic demo data (the banner must say so).
    pub async fn is_demo(&self) -> Result<bool> {
        let row = sqlx::query("SELECT value FROM installation WHERE key = 'demo'").fetch_optional(&self.pool).await?;
        Ok(row.is_some_and(|r| r.get::<String, _>(0) == "true"))
    }

    pub async fn mark_demo(&self, conn: &mut AnyConnection) -> Result<()> {
        sqlx::query(
            "INSERT INTO installation (key, value) VALUES ('demo', 'true') ON CONFLICT (key) DO UPDATE SET value = 'true'",
        )
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Moves the audit journal into the chain, then closes the database.
    pub async fn close(&self) {
        if let Err(e) = audit::settle(self).await {
            tracing::warn!(error = %e, "the audit journal stays to be moved when Hearth next starts");
        }
        self.pool.close().await;
    }
}

/// A database URL, kept out of `Debug` output and so out of logs.
#[derive(Clone)]
struct Address(std::sync::Arc<str>);

impl std::fmt::Debug for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("…")
    }
}

/// A sender whose receiver is already gone: the writer's own handle never feeds its own queue.
fn closed_queue() -> audit::group_commit::Queue {
    tokio::sync::mpsc::unbounded_channel().0
}

/// The stored form of a time: fixed-width RFC 3339 in UTC, microsecond precision.
pub fn ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Reads a stored time back.
pub fn parse_ts(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// The current time, truncated to what the store keeps.
pub fn now() -> OffsetDateTime {
    let n = OffsetDateTime::now_utc();
    n.replace_nanosecond(n.microsecond() * 1000).unwrap_or(n)
}

/// The stored form of a date: ISO `YYYY-MM-DD`.
pub fn date_text(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn parse_date(s: &str) -> Result<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

pub fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// A new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A page of a list: 1-based page number and size, with the total for paging links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 100;

    /// Clamps what a caller asked for into a sensible page.
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(25).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// More records match than `total` counts: a search lists its best few
    /// (`cases::SEARCH_MOST`) and says there are more.
    pub more: bool,
}

impl<T> Page<T> {
    pub fn last_page(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Maps a unique-index violation to a named field, leaving other errors as they are.
pub(crate) fn unique_violation(e: sqlx::Error, index: &str, field: &'static str) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message();
        if db.is_unique_violation() && (msg.contains(index) || msg.contains(field) || db.constraint() == Some(index)) {
            return StoreError::Duplicate { field };
        }
    }
    StoreError::Database(e)
}

/// Reads a boolean column: PostgreSQL has a boolean type, SQLite stores 0 or 1, and the Any
/// driver will not convert between them.
pub(crate) fn bool_col(r: &sqlx::any::AnyRow, i: usize) -> bool {
    r.try_get::<bool, _>(i).or_else(|_| r.try_get::<i64, _>(i).map(|v| v != 0)).unwrap_or(false)
}

/// The version a record is at now, to explain a refused stale edit; or not found.
pub(crate) async fn conflict_or_missing(conn: &mut sqlx::AnyConnection, table: &'static str, id: Uuid) -> StoreError {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(conn).await {
        Ok(Some(r)) => StoreError::Conflict { current: r.get(0) },
        Ok(None) => StoreError::NotFound,
        Err(e) => StoreError::Database(e),
    }
}


/// Bumps a record's version if it is still at `version` (a save from a form read at that version),
/// or says why not: changed since (conflict) or gone.
pub(crate) async fn claim_version(conn: &mut sqlx::AnyConnection, table: &'static str, id: Uuid, version: i64) -> Result<()> {
    let sql = format!("UPDATE {table} SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3");
    let n = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ts(now())).bind(id.to_string()).bind(version).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(conn, table, id).await);
    }
    Ok(())
}

/// `$from, $from+1, …`: the numbered placeholders of an `IN (…)` list of `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Binds ids in order after a query's other arguments: the values for a `placeholders` list.
pub(crate) fn bind_ids<'q>(mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>, ids: &[Uuid]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for id in ids {
        q = q.bind(id.to_string());
    }
    q
}
