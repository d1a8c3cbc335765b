//! A database that cannot be used is found before Hearth serves from it, and said so: a file that
//! cannot be written, a damaged page, a damaged header, a PostgreSQL database that refuses writes.

use std::io::{Seek, SeekFrom, Write};

use hearth_store::{Engine, Store, testing};

/// A SQLite database with the schema in it, closed, and where its file is.
async fn closed_sqlite() -> (testing::TestStore, std::path::PathBuf) {
    let store = testing::fresh(Engine::Sqlite).await;
    hearth_store::org::ensure_reference_data(&store).await.unwrap();
    let file = testing::database_file(&store).await.unwrap();
    store.close().await;
    (store, file)
}

fn damage(file: &std::path::Path, at: u64, len: usize) {
    let mut f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(&vec![0xA5; len]).unwrap();
    f.sync_all().unwrap();
}

#[tokio::test]
async fn a_sound_database_is_usable_and_a_read_only_one_is_not() {
    let (_keep, file) = closed_sqlite().await;
    let store = Store::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    store.check_usable().await.expect("a sound, writable database");
    store.close().await;
    // Root ignores file permissions, so the file is opened read-only the way SQLite itself can be.
    let read_only = Store::connect(&format!("sqlite://{}?mode=ro", file.display())).await.unwrap();
    let e = read_only.check_usable().await.expect_err("a read-only database is not usable");
    assert!(e.to_string().contains("readonly"), "{e}");
    assert!(read_only.ping().await.is_err(), "so /readyz answers 503");
}

#[tokio::test]
async fn a_damaged_page_is_found_before_serving() {
    let (_keep, file) = closed_sqlite().await;
    let pages = std::fs::metadata(&file).unwrap().len() / 4096;
    assert!(pages > 20, "{pages} pages");
    damage(&file, 4096 * (pages / 2), 4096);
    let store = Store::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    let e = store.check_usable().await.expect_err("a damaged page is found");
    let text = e.to_string();
    assert!(text.contains("damaged") || text.contains("malformed"), "{text}");
}

#[tokio::test]
async fn a_damaged_header_is_named_at_once() {
    let (_keep, file) = closed_sqlite().await;
    damage(&file, 0, 100);
    let e = Store::connect(&format!("sqlite://{}", file.display())).await.expect_err("not a database any more");
    assert!(e.to_string().contains("not a database"), "the cause, not a pool time-out: {e}");
}

#[tokio::test]
async fn a_postgresql_database_that_refuses_writes_is_not_usable() {
    if !testing::postgres_configured() {
        return;
    }
    let store = testing::fresh(Engine::Postgres).await;
    store.check_usable().await.expect("a fresh database takes writes");
    let name: String = sqlx::query_scalar("SELECT current_database()::text").fetch_one(store.pool()).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("ALTER DATABASE {name} SET default_transaction_read_only = on"))).execute(store.pool()).await.unwrap();
    // New connections take the setting, as on a read-only replica.
    let url = std::env::var("HEARTH_TEST_DATABASE_URL").unwrap();
    let url = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
    let read_only = Store::connect(&url).await.unwrap();
    let e = read_only.check_usable().await.expect_err("writes are refused");
    assert!(e.to_string().contains("read-only"), "{e}");
    read_only.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("ALTER DATABASE {name} SET default_transaction_read_only = off"))).execute(store.pool()).await.unwrap();
}
