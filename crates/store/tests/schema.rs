//! Both migration sets must produce the same tables, columns (with their types, nullability and
//! defaults), CHECK lists and indexes.

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
                let cols = sqlx::query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)").bind(&table).fetch_all(store.pool()).await.unwrap();
                for c in cols {
                    let (name, kind): (String, String) = (c.get(0), c.get(1));
                    // A primary key is NOT NULL on PostgreSQL whatever it says; say so on SQLite too.
                    let not_null = c.get::<i64, _>(2) != 0 || c.get::<i64, _>(4) != 0;
                    items.insert(format!("column {table}.{name}"));
                    items.insert(format!("column {table}.{name} {} {}", type_family(&kind), if not_null { "not null" } else { "null" }));
                    if let Some(default) = c.get::<Option<String>, _>(3) {
                        items.insert(format!("default {table}.{name} = {}", normal_default(&default)));
                    }
                }
                let sql: String = sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1").bind(&table).fetch_one(store.pool()).await.unwrap().get(0);
                for check in checks_in(&sql) {
                    items.insert(format!("check {table}.{check}"));
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
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for c in cols {
                let (table, name, kind): (String, String, String) = (c.get(0), c.get(1), c.get(2));
                items.insert(format!("table {table}"));
                items.insert(format!("column {table}.{name}"));
                items.insert(format!("column {table}.{name} {} {}", type_family(&kind), if c.get::<String, _>(3) == "NO" { "not null" } else { "null" }));
                if let Some(default) = c.get::<Option<String>, _>(4) {
                    items.insert(format!("default {table}.{name} = {}", normal_default(&default)));
                }
            }
            let checks = sqlx::query(
                "SELECT r.relname::text, pg_get_constraintdef(k.oid)::text FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                 WHERE k.contype = 'c' AND n.nspname = 'public'",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            for c in checks {
                let table: String = c.get(0);
                for check in checks_in(&c.get::<String, _>(1)) {
                    items.insert(format!("check {table}.{check}"));
                }
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
    assert!(sqlite.contains("column staff.email text not null") && sqlite.iter().any(|i| i.starts_with("check cases.status")), "types and checks are read");
    let Some(pg) = stores.get(1) else {
        eprintln!("HEARTH_TEST_DATABASE_URL not set: PostgreSQL side not compared");
        return;
    };
    let pg = shape(pg).await;
    // The first boolean column, from before the house rule of INTEGER 0/1 on both engines: read
    // through `store::bool_col`.
    let sqlite: BTreeSet<String> = sqlite.into_iter().map(|i| if i == "column sessions.mfa_verified integer not null" { "column sessions.mfa_verified boolean not null".into() } else { i }).collect();
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
                // FTS5 columns have no declared type: their names are compared, not their types.
                || (item.starts_with("column chronology_fts.") && item.matches(' ').count() > 1)
                || item.starts_with("index chronology_fts.");
            !engine_specific
        })
        .collect()
}

/// A column type as a family both engines share: SQLite's declared `TEXT` and PostgreSQL's
/// `text` are both "text", `INTEGER` and `bigint` both "integer".
fn type_family(declared: &str) -> &'static str {
    let t = declared.to_lowercase();
    if t.contains("char") || t.contains("text") {
        "text"
    } else if t.contains("int") {
        "integer"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("real") || t.contains("double") || t.contains("numeric") || t.contains("float") {
        "real"
    } else {
        "other"
    }
}

/// A default as both engines would write it: PostgreSQL's `'open'::text` is SQLite's `'open'`,
/// and `false` is `0`.
fn normal_default(default: &str) -> String {
    let d = default.split("::").next().unwrap_or(default).trim().trim_matches(|c| c == '(' || c == ')').to_lowercase();
    match d.as_str() {
        "false" => "0".into(),
        "true" => "1".into(),
        _ => d,
    }
}

/// The CHECK constraints in a statement (SQLite's `CREATE TABLE`, or PostgreSQL's constraint
/// definition), each as its first column and the sorted list of quoted values it allows:
/// `status ['closed', 'open']`. So a value allowed on one engine and not the other shows.
fn checks_in(sql: &str) -> Vec<String> {
    let mut out = vec![];
    let upper = sql.to_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + "CHECK".len();
        // The keyword alone, followed by its parenthesis: not a table called `checks`.
        let word = !upper[..from + at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let Some(open) = sql[start..].find(|c: char| !c.is_whitespace()).map(|o| start + o).filter(|o| word && sql[*o..].starts_with('(')) else {
            from = start;
            continue;
        };
        let mut depth = 0;
        let mut end = open;
        let mut quoted = false;
        for (i, ch) in sql[open..].char_indices() {
            match ch {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &sql[open + 1..end];
        let column: String = body.trim_start_matches(|c: char| c == '(' || c.is_whitespace()).chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let mut values: Vec<&str> = body.split('\'').skip(1).step_by(2).collect();
        values.sort_unstable();
        out.push(format!("{column} {values:?}"));
        from = end.max(start);
    }
    out
}

#[test]
fn checks_are_read_alike_from_both_engines() {
    let sqlite = "CREATE TABLE checks (id TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('open', 'closed')), n INTEGER CHECK (n >= 0))";
    assert_eq!(checks_in(sqlite), vec!["status [\"closed\", \"open\"]", "n []"]);
    assert_eq!(checks_in("CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text])))"), vec!["status [\"closed\", \"open\"]"]);
    assert_eq!((normal_default("'open'::text"), normal_default("false"), normal_default("0")), ("'open'".to_string(), "0".to_string(), "0".to_string()));
    assert_eq!((type_family("TEXT"), type_family("bigint"), type_family("INTEGER"), type_family("character varying")), ("text", "integer", "integer", "text"));
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
