//! The audit chain on both engines: appends are sequenced, and `verify` names the first bad event.

mod common;

use hearth_domain::audit::{ChainBreak, Outcome};
use hearth_store::audit::{self, AuditQuery, Event};
use std::path::PathBuf;

use hearth_store::{AuditContext, Engine, PageRequest, Store, testing};
use sqlx::Row;

async fn append_n(store: &Store, n: usize) {
    for i in 0..n {
        audit::record(store, &AuditContext::system(), Event::success("test.event").about("thing", i)).await.unwrap();
    }
    // Into the table, where the tests below tamper with them.
    audit::settle(store).await.unwrap();
}

#[tokio::test]
async fn an_untouched_trail_verifies() {
    for store in testing::stores().await {
        append_n(&store, 5).await;
        assert_eq!(audit::verify(&store).await.unwrap(), Ok(5));
    }
}

#[tokio::test]
async fn concurrent_appends_keep_one_unbroken_chain() {
    for store in testing::stores().await {
        let mut tasks = Vec::new();
        for w in 0..8 {
            let s = store.store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    audit::record(&s, &AuditContext::system(), Event::success("test.concurrent").about("w", w * 100 + i)).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(audit::verify(&store).await.unwrap(), Ok(80), "{:?}", store.engine());
    }
}

#[tokio::test]
async fn altering_an_event_is_named() {
    for store in testing::stores().await {
        append_n(&store, 6).await;
        sqlx::query("UPDATE audit_events SET outcome = 'denied' WHERE seq = 4").execute(store.pool()).await.unwrap();
        match audit::verify(&store).await.unwrap() {
            Err(ChainBreak::Altered { seq, .. }) => assert_eq!(seq, 4),
            other => panic!("expected event 4 altered, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn removing_an_event_is_named() {
    for store in testing::stores().await {
        append_n(&store, 6).await;
        sqlx::query("DELETE FROM audit_events WHERE seq = 3").execute(store.pool()).await.unwrap();
        match audit::verify(&store).await.unwrap() {
            Err(ChainBreak::Broken { seq, expected_seq, .. }) => assert_eq!((seq, expected_seq), (4, 3)),
            other => panic!("expected a break at event 4, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn reordering_events_is_named() {
    for store in testing::stores().await {
        append_n(&store, 6).await;
        // Swap the contents of events 2 and 3, keeping their sequence numbers.
        let rows = sqlx::query("SELECT seq, id, subject_id, prev_hash, hash FROM audit_events WHERE seq IN (2, 3) ORDER BY seq")
            .fetch_all(store.pool())
            .await
            .unwrap();
        let (a, b) = (&rows[0], &rows[1]);
        for (target, src) in [(2i64, b), (3i64, a)] {
            sqlx::query("UPDATE audit_events SET id = $1, subject_id = $2, prev_hash = $3, hash = $4 WHERE seq = $5")
                .bind(format!("{}-moved", src.get::<String, _>(1)))
                .bind(src.get::<String, _>(2))
                .bind(src.get::<String, _>(3))
                .bind(src.get::<String, _>(4))
                .bind(target)
                .execute(store.pool())
                .await
                .unwrap();
        }
        let result = audit::verify(&store).await.unwrap();
        assert!(matches!(result, Err(ChainBreak::Broken { seq: 2, .. })), "{result:?}");
    }
}

#[tokio::test]
async fn removing_the_newest_events_is_named() {
    for store in testing::stores().await {
        append_n(&store, 6).await;
        sqlx::query("DELETE FROM audit_events WHERE seq > 4").execute(store.pool()).await.unwrap();
        assert_eq!(audit::verify(&store).await.unwrap(), Err(ChainBreak::Truncated { last_seq: 4, head_seq: 6 }));
    }
}

#[tokio::test]
async fn the_trail_answers_who_viewed_a_record_and_what_someone_did() {
    for store in testing::stores().await {
        let org = common::small_org(&store).await;
        let viewer = common::add(&store, "Viewer One", &[hearth_domain::org::Role::Hr], Some(org.team), None).await;
        let subject = common::add(&store, "Subject Two", &[hearth_domain::org::Role::Practitioner], Some(org.team), None).await;
        let ctx = AuditContext::actor(viewer, Some("req-1".into()));
        hearth_store::org::view_staff_record(&store, &ctx, subject).await.unwrap();
        audit::record(&store, &ctx, Event::success("staff.viewed").about("staff", "someone-else").outcome(Outcome::Denied)).await.unwrap();

        let who = audit::search(&store, &AuditQuery { subject_id: Some(subject.to_string()), action_prefix: Some("staff.viewed".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(who.total, 1);
        assert_eq!(who.items[0].actor_id.as_deref(), Some(viewer.to_string().as_str()));
        assert_eq!(who.items[0].request_id.as_deref(), Some("req-1"));

        let did = audit::search(&store, &AuditQuery { actor_id: Some(viewer.to_string()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(did.total, 2);
        assert_eq!(did.items[0].outcome, "denied", "newest first");

        let future = audit::search(&store, &AuditQuery { actor_id: Some(viewer.to_string()), from: Some("2999-01-01T00:00:00.000000Z".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(future.total, 0);
        assert_eq!(audit::verify(&store).await.unwrap().map(|n| n > 0), Ok(true));
    }
}

#[tokio::test]
async fn events_recorded_at_once_each_take_their_own_place_in_one_chain() {
    for store in testing::stores().await {
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let store = store.store.clone();
                tokio::spawn(async move { audit::record(&store, &AuditContext::system(), audit::Event::success("case.viewed").about("case", i)).await.unwrap() })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let trail = audit::search(&store, &AuditQuery { action_prefix: Some("case.viewed".into()), ..Default::default() }, PageRequest::new(None, Some(100))).await.unwrap();
        assert_eq!(trail.total, 200, "{:?}", store.engine());
        let mut subjects: Vec<String> = Vec::new();
        for page in 1..=2 {
            let trail = audit::search(&store, &AuditQuery { action_prefix: Some("case.viewed".into()), ..Default::default() }, PageRequest::new(Some(page), Some(100))).await.unwrap();
            subjects.extend(trail.items.into_iter().filter_map(|e| e.subject_id));
        }
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 200, "every event is in the trail once");
        assert_eq!(audit::verify(&store).await.unwrap(), Ok(200));
    }
}

/// The SQLite file behind a store, and the journal directory beside it.
async fn files_of(store: &Store) -> (PathBuf, PathBuf) {
    let file: String = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(store.pool()).await.unwrap().get(0);
    (PathBuf::from(file), testing::journal_dir(store).await.unwrap())
}

async fn events_in_table(store: &Store) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit_events").fetch_one(store.pool()).await.unwrap().get(0)
}

#[tokio::test]
async fn a_read_answered_before_a_power_cut_is_in_the_trail_after_it() {
    let store = testing::fresh(Engine::Sqlite).await;
    for i in 0..3 {
        audit::record(&store, &AuditContext::system(), Event::success("case.viewed").about("case", i)).await.unwrap();
    }
    assert_eq!(events_in_table(&store).await, 0, "the events wait in the journal");

    // What the disk holds now is what a power cut would leave: copy it, including a last line
    // cut short as the cut came.
    let (db, journal) = files_of(&store).await;
    let copy = std::env::temp_dir().join(format!("hearth_test_cut_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(copy.join("hearth.db-audit")).unwrap();
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", db.display()));
        if from.exists() {
            std::fs::copy(&from, copy.join(format!("hearth.db{suffix}"))).unwrap();
        }
    }
    let mut live = std::fs::read(journal.join("live")).unwrap();
    live.extend_from_slice(b"{\"id\":\"0193");
    std::fs::write(copy.join("hearth.db-audit/live"), live).unwrap();

    let after = Store::connect(&Store::sqlite_url(&copy)).await.unwrap();
    let trail = audit::search(&after, &AuditQuery { action_prefix: Some("case.viewed".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
    let subjects: Vec<_> = trail.items.iter().rev().map(|e| e.subject_id.clone().unwrap()).collect();
    assert_eq!(subjects, ["0", "1", "2"], "in the order recorded; the cut line dropped");
    assert_eq!(audit::verify(&after).await.unwrap(), Ok(3));
    assert!(!std::fs::read_dir(copy.join("hearth.db-audit")).unwrap().any(|f| f.unwrap().file_name().to_string_lossy().starts_with("closed-")), "moved files are removed");
    after.close().await;
    let _ = std::fs::remove_dir_all(&copy);
}

#[tokio::test]
async fn a_second_process_on_the_same_database_commits_its_events_directly() {
    let server = testing::fresh(Engine::Sqlite).await;
    let (db, _) = files_of(&server).await;
    let command = Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    audit::record(&command, &AuditContext::system(), Event::success("staff.viewed").about("staff", "a")).await.unwrap();
    assert_eq!(events_in_table(&server).await, 1, "the server keeps the journal, so the command commits directly");
    audit::record(&server, &AuditContext::system(), Event::success("staff.viewed").about("staff", "b")).await.unwrap();
    assert_eq!(events_in_table(&server).await, 1, "the server's event waits in its journal");
    assert_eq!(audit::verify(&server).await.unwrap(), Ok(2));
    command.close().await;
}
