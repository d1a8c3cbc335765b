//! PostgreSQL's plans for the pages people wait on most: on the region demo, loaded by
//! `hearth demo` (which gathers planner statistics as it finishes), the case page, the chronology
//! and search read the large tables only through their indexes.
//!
//! The check reads PostgreSQL's own counters (`pg_stat_user_tables.seq_scan`) around real
//! requests through the real router, rather than EXPLAINing copies of the queries: it covers every
//! query those pages run, including ones added later, and a copy could drift from the code. A
//! plan that regresses to a sequential scan of cases, people, addresses or the chronology fails
//! here, naming the table.

use std::collections::HashMap;

use axum::body::{Body, to_bytes};
use axum::http::Request;
use hearth_store::{Engine, Store, testing};
use sqlx::Row;
use tower::ServiceExt;

/// Tables this big are never read whole by these pages.
const LARGE: i64 = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_chronology_and_search_read_large_tables_through_indexes_on_postgres() {
    if !testing::postgres_configured() {
        eprintln!("HEARTH_TEST_DATABASE_URL is not set: PostgreSQL's plans are not checked in this run");
        return;
    }
    let database = testing::empty(Engine::Postgres).await;
    let data_dir = std::env::temp_dir().join(format!("hearth-plans-{}", uuid::Uuid::new_v4().simple()));
    let loaded = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["demo", "--scale", "region"])
        .env("HEARTH_DATA_DIR", &data_dir)
        .env("HEARTH_DATABASE_URL", &database.url)
        .env("HEARTH_LOG", "warn")
        .output()
        .expect("run hearth demo");
    assert!(loaded.status.success(), "hearth demo failed: {}", String::from_utf8_lossy(&loaded.stderr));

    // Set-up (sign-ins, the list of cases) on connections closed before counting begins.
    let loaded = settled_counters(&database.url, &HashMap::new()).await;
    let store = Store::connect(&database.url).await.unwrap();
    let session = async |email: &str| {
        let who = hearth_store::auth::credentials_by_email(&store, email).await.unwrap().expect("a demo account");
        let mut tx = store.begin().await.unwrap();
        let token = hearth_store::auth::create_session(&mut tx, who.staff_id, true).await.unwrap();
        tx.commit().await.unwrap();
        format!("hearth_session={token}")
    };
    let manager = session("demo.team-manager@hearth.example").await;
    let leader = session("demo.national-leader@hearth.example").await;
    let list: serde_json::Value = serde_json::from_slice(&get(&router(&store).await, &manager, "/api/v1/cases?per_page=20").await).unwrap();
    let cases: Vec<String> = list["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(cases.len(), 20, "the team manager sees the demo team's cases");
    store.close().await;

    let before = settled_counters(&database.url, &loaded).await;
    let store = Store::connect(&database.url).await.unwrap();
    let router = router(&store).await;
    for id in &cases {
        get(&router, &manager, &format!("/cases/{id}")).await;
        get(&router, &manager, &format!("/api/v1/cases/{id}/chronology")).await;
    }
    for q in ["isabella", "mahmud", "jack%20thompson", "oliver", "HRT-2026-000100", "04%2F05%2F2019", "attendance%20improved", "smith", "grace", "tompson"] {
        get(&router, &manager, &format!("/api/v1/search?q={q}")).await;
        get(&router, &leader, &format!("/api/v1/search?q={q}")).await;
    }
    // A server process counts its scans and reports them when it ends: close every connection
    // the requests used, then read the counters until they include those requests.
    store.close().await;
    let after = settled_counters(&database.url, &before).await;

    let mut scanned: Vec<String> = after
        .iter()
        .filter(|(table, a)| a.rows >= LARGE && a.seq_scan > before.get(*table).map_or(0, |b| b.seq_scan))
        .map(|(table, a)| format!("{table} ({} rows, {} sequential scans)", a.rows, a.seq_scan - before.get(table).map_or(0, |b| b.seq_scan)))
        .collect();
    scanned.sort();
    assert!(scanned.is_empty(), "large tables read whole by the case page, chronology or search: {}", scanned.join(", "));
    let large: Vec<&String> = after.iter().filter(|(_, a)| a.rows >= LARGE).map(|(t, _)| t).collect();
    for table in ["cases", "people", "addresses", "chronology", "case_participants", "case_name_keys"] {
        assert!(large.iter().any(|t| *t == table), "{table} is large enough to be checked on the region demo");
    }
    let _ = std::fs::remove_dir_all(&data_dir);
}

async fn router(store: &Store) -> axum::Router {
    hearth_web::router(hearth_web::AppState::new(store.clone(), hearth_web::WebConfig::default()).await.unwrap())
}

/// A page or API read as a signed-in person: it must answer (422 is a search too broad).
async fn get(router: &axum::Router, cookie: &str, path: &str) -> axum::body::Bytes {
    let res = router.clone().oneshot(Request::get(path).header("cookie", cookie).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
    assert!(status.is_success() || status.as_u16() == 422, "{path} answered {status}");
    body
}

#[derive(Clone, Copy, Debug)]
struct Counter {
    rows: i64,
    seq_scan: i64,
    idx_scan: i64,
}

async fn counters(url: &str) -> HashMap<String, Counter> {
    let store = Store::connect(url).await.unwrap();
    let rows = sqlx::query("SELECT relname::text, n_live_tup, seq_scan, COALESCE(idx_scan, 0) FROM pg_stat_user_tables").fetch_all(store.pool()).await.unwrap();
    store.close().await;
    rows.iter().map(|r| (r.get::<String, _>(0), Counter { rows: r.get(1), seq_scan: r.get(2), idx_scan: r.get(3) })).collect()
}

/// The counters once index scans since `before` show in them, and a moment more (statistics
/// arrive when each server process ends, a moment after its connection closes).
async fn settled_counters(url: &str, before: &HashMap<String, Counter>) -> HashMap<String, Counter> {
    let index_scans = |c: &HashMap<String, Counter>| c.values().map(|v| v.idx_scan).sum::<i64>();
    for _ in 0..100 {
        let now = counters(url).await;
        if index_scans(&now) > index_scans(before) {
            // Every connection's report, not just the first.
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            return counters(url).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("PostgreSQL's statistics never showed the requests' index scans");
}
