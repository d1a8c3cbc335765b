//! Both migration sets must produce the same tables, columns and indexes.

use std::collections::BTreeSet;

use hearth_store::testing;
use hearth_store::{Engine, Store};
use sqlx::Row;

async fn shape(store: &Store) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    match store.engine() {
        Engine::Sqlite => {
            let tables = sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for t in tables {
                let table: String = t.get(0);
                items.insert(format!("table {table}"));
                let cols = sqlx::query("SELECT name FROM pragma_table_info($1)").bind(&table).fetch_all(store.pool()).await.unwrap();
                for c in cols {
                    items.insert(format!("column {table}.{}", c.get::<String, _>(0)));
                }
            }
            let indexes = sqlx::query(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' AND tbl_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for i in indexes {
                items.insert(format!("index {}.{}", i.get::<String, _>(0), i.get::<String, _>(1)));
            }
        }
        Engine::Postgres => {
            let cols = sqlx::query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for c in cols {
                let table: String = c.get(0);
                items.insert(format!("table {table}"));
                items.insert(format!("column {table}.{}", c.get::<String, _>(1)));
            }
            let indexes = sqlx::query(
                "SELECT tablename::text, indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename NOT LIKE '_sqlx%'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for i in indexes {
                items.insert(format!("index {}.{}", i.get::<String, _>(0), i.get::<String, _>(1)));
            }
        }
    }
    items
}

#[tokio::test]
async fn both_engines_have_the_same_tables_columns_and_indexes() {
    let stores = testing::stores().await;
    let sqlite = shape(&stores[0]).await;
    assert!(sqlite.contains("column staff.email") && sqlite.contains("index audit_events.audit_events_subject"));
    let Some(pg) = stores.get(1) else {
        eprintln!("HEARTH_TEST_DATABASE_URL not set: PostgreSQL side not compared");
        return;
    };
    let pg = shape(pg).await;
    let (sqlite, pg) = (without_search_index(sqlite), without_search_index(pg));
    let only_sqlite: Vec<_> = sqlite.difference(&pg).collect();
    let only_pg: Vec<_> = pg.difference(&sqlite).collect();
    assert!(only_sqlite.is_empty() && only_pg.is_empty(), "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_pg:?}");
}

/// The notes index is the one deliberate difference: FTS5's shadow tables in SQLite, a tsvector
/// column and its indexes in PostgreSQL. Both keep the columns the store reads and writes.
fn without_search_index(shape: BTreeSet<String>) -> BTreeSet<String> {
    shape
        .into_iter()
        .filter(|item| {
            let engine_specific = ["chronology_fts_data", "chronology_fts_idx", "chronology_fts_content", "chronology_fts_docsize", "chronology_fts_config"]
                .iter()
                .any(|t| item.starts_with(&format!("table {t}")) || item.starts_with(&format!("column {t}.")))
                || item == "column chronology_fts.tsv"
                || item.starts_with("index chronology_fts.");
            !engine_specific
        })
        .collect()
}

#[test]
fn the_migration_folders_hold_the_same_files() {
    let list = |engine: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    };
    assert_eq!(list("sqlite"), list("postgres"));
}
