//! Fresh databases for tests: SQLite always, PostgreSQL too when `HEARTH_TEST_DATABASE_URL` is set.
//! Each call makes a new, migrated database that no other test touches.

use std::path::PathBuf;

use crate::documents::{Files, S3Location, s3_files};
use crate::{Engine, Store};

/// Files in the S3-compatible test server named by `HEARTH_TEST_S3_ENDPOINT` (its bucket by
/// `HEARTH_TEST_S3_BUCKET`, default `hearth-test`). None when it is not set, except under CI,
/// where a missing server is a failure rather than a quietly skipped test.
pub fn s3_test_files() -> Option<Files> {
    let endpoint = std::env::var("HEARTH_TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty());
    let Some(endpoint) = endpoint else {
        assert!(std::env::var("CI").is_err(), "CI needs HEARTH_TEST_S3_ENDPOINT: scripts/test starts an S3-compatible server when moto_server is installed");
        eprintln!("HEARTH_TEST_S3_ENDPOINT is not set: S3 storage is not tested in this run");
        return None;
    };
    let bucket = std::env::var("HEARTH_TEST_S3_BUCKET").unwrap_or_else(|_| "hearth-test".into());
    Some(s3_files(&S3Location { bucket, region: Some("eu-west-2".into()), endpoint: Some(endpoint) }).expect("configure the S3 test bucket"))
}

/// A migrated store on a brand-new database, removed when dropped.
pub struct TestStore {
    pub store: Store,
    /// Where it is, for a second store on the same database (a second instance, say).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PostgresDb { admin_url: String, name: String },
    /// Handed on to a test store.
    Nothing,
}

impl std::ops::Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// One fresh store per engine under test. Under CI (`CI` set) a missing PostgreSQL is a failure,
/// never a run that quietly tested SQLite alone.
pub async fn stores() -> Vec<TestStore> {
    let mut all = vec![fresh(Engine::Sqlite).await];
    if postgres_configured() {
        all.push(fresh(Engine::Postgres).await);
    }
    all
}

/// Whether PostgreSQL is to be tested: `HEARTH_TEST_DATABASE_URL` names a server. Panics under CI
/// when it does not.
pub fn postgres_configured() -> bool {
    let configured = std::env::var("HEARTH_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    assert!(configured || std::env::var("CI").is_err(), "CI needs HEARTH_TEST_DATABASE_URL: every store test runs on PostgreSQL as well as SQLite");
    configured
}

/// A fresh store on one engine. Panics if PostgreSQL is asked for but not configured.
pub async fn fresh(engine: Engine) -> TestStore {
    empty(engine).await.open().await
}

/// A database nobody has opened: on SQLite a file name in a new directory, on PostgreSQL a new
/// database with no tables. For restores, which refuse anything else. Removed when dropped.
pub struct EmptyDatabase {
    pub url: String,
    cleanup: Cleanup,
}

impl EmptyDatabase {
    /// Opens it, migrated, as a test store (which then removes it).
    pub async fn open(self) -> TestStore {
        let store = Store::connect(&self.url).await.expect("open the database");
        store.migrate().await.expect("migrate the database");
        TestStore { store, url: self.url.clone(), cleanup: self.take_cleanup() }
    }

    fn take_cleanup(mut self) -> Cleanup {
        std::mem::replace(&mut self.cleanup, Cleanup::Nothing)
    }
}

impl Drop for EmptyDatabase {
    fn drop(&mut self) {
        self.cleanup.run();
    }
}

/// A new empty database on one engine.
pub async fn empty(engine: Engine) -> EmptyDatabase {
    let name = format!("hearth_test_{}", uuid::Uuid::new_v4().simple());
    let (url, cleanup) = match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("create a temporary directory");
            (Store::sqlite_url(&dir), Cleanup::SqliteDir(dir))
        }
        Engine::Postgres => {
            let admin_url = std::env::var("HEARTH_TEST_DATABASE_URL").expect("HEARTH_TEST_DATABASE_URL names a PostgreSQL server");
            let admin = Store::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(admin.pool()).await.expect("create a test database");
            admin.close().await;
            (with_database(&admin_url, &name), Cleanup::PostgresDb { admin_url, name })
        }
    };
    EmptyDatabase { url, cleanup }
}

/// Where a SQLite store keeps its audit journal (`<database>-audit/`), for tests that look at or
/// put files there.
pub async fn journal_dir(store: &Store) -> Option<PathBuf> {
    let file = crate::audit::journal::database_file(store.pool()).await.ok()??;
    Some(crate::audit::journal::dir_beside(&file))
}

/// A SQLite store's database file, for tests that damage it or open it another way.
pub async fn database_file(store: &Store) -> Option<PathBuf> {
    crate::audit::journal::database_file(store.pool()).await.ok()?
}

/// The same server URL with a different database name.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        self.cleanup.run();
    }
}

impl Cleanup {
    fn run(&self) {
        match self {
            Cleanup::Nothing => {}
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDb { admin_url, name } => {
                // Drop runs outside async: use a short-lived runtime on its own thread.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    rt.block_on(async {
                        let admin = Store::connect(&admin_url).await.ok()?;
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(admin.pool()).await;
                        admin.close().await;
                        Some(())
                    })
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(super::with_database("postgres://root@127.0.0.1:5432/postgres", "x"), "postgres://root@127.0.0.1:5432/x");
        assert_eq!(super::with_database("postgres://root@127.0.0.1:5432", "x"), "postgres://root@127.0.0.1:5432/x");
        assert_eq!(super::with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}
