//! Several `hearth serve` instances on one PostgreSQL database behave as one: a session started
//! on one continues on the other, sign-in failures count across both, a stale edit through one
//! is refused through the other, and periodic work runs once between them.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{Method, StatusCode};
use common::{App, PASSWORD, SECRET, account, body, location, session_cookie};
use hearth_domain::auth::{TotpSecret, step_at};
use hearth_domain::org::Role;
use hearth_store::jobs::{Periodic, Ran, run_periodic};
use hearth_store::{Engine, Store, org, testing};

#[tokio::test]
async fn two_instances_on_one_postgresql_database_act_as_one() {
    if !testing::postgres_configured() {
        eprintln!("HEARTH_TEST_DATABASE_URL is not set: several instances are not tested in this run");
        return;
    }
    let first = testing::fresh(Engine::Postgres).await;
    let second = Store::connect(&first.url).await.unwrap();
    let (a, b) = (App::new(&first).await, App::new(&second).await);
    let admin = account(&first, "admin@hearth.example", &[Role::SystemAdmin]).await;
    let worker = account(&first, "worker@hearth.example", &[Role::Practitioner]).await;

    // Password and MFA on the first instance; the session carries on at the second.
    let login = format!("email=admin@hearth.example&password={}", PASSWORD.replace(' ', "+"));
    let res = a.send(Method::POST, "/sign-in", None, Some(&login)).await;
    let partial = session_cookie(&res).unwrap();
    let code = TotpSecret::from_base32(SECRET).unwrap().code_at_step(step_at(time::OffsetDateTime::now_utc()));
    let res = b.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={code}"))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "MFA on the second instance completes the first's sign-in");
    let session = session_cookie(&res).unwrap();
    assert_eq!(a.send(Method::GET, "/", Some(&session), None).await.status(), StatusCode::OK);
    assert_eq!(b.send(Method::GET, "/", Some(&session), None).await.status(), StatusCode::OK);

    // Sign-in failures count across both: five on each, then the eleventh is refused on either.
    let wrong = "email=worker@hearth.example&password=wrong+password+here";
    for app in [&a, &b] {
        for _ in 0..5 {
            assert!(body(app.send(Method::POST, "/sign-in", None, Some(wrong)).await).await.contains("Enter a correct email address and password"));
        }
    }
    let right = format!("email=worker@hearth.example&password={}", PASSWORD.replace(' ', "+"));
    assert!(body(a.send(Method::POST, "/sign-in", None, Some(&right)).await).await.contains("too many attempts"));

    // A stale edit through one instance is refused through the other.
    let path = format!("/admin/staff/{worker}/roles");
    let res = a.send(Method::POST, &path, Some(&session), Some("version=1&roles=team_manager")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", location(&res));
    let res = b.send(Method::POST, &path, Some(&session), Some("version=1&roles=hr")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(org::staff_record(&first, worker).await.unwrap().roles, [Role::TeamManager]);
    let _ = admin;

    // Periodic work is claimed by one instance at a time: both look at once, one runs it.
    let task = Periodic { name: "test_task", every: time::Duration::minutes(5) };
    let runs = Arc::new(AtomicUsize::new(0));
    let work = |runs: Arc<AtomicUsize>| move || async move {
        runs.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        Ok(())
    };
    let (x, y) = tokio::join!(run_periodic(&first, task, work(runs.clone())), run_periodic(&second, task, work(runs.clone())));
    let mut outcomes = [x.unwrap(), y.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(outcomes, [Ran::Done, Ran::NotDue]);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "once between the two instances");
    // Nor again until it is due.
    assert_eq!(run_periodic(&second, task, work(runs.clone())).await.unwrap(), Ran::NotDue);
    second.close().await;
}

/// A post made through one instance appears on the live events stream of the other, through
/// PostgreSQL's LISTEN/NOTIFY, once.
#[tokio::test]
async fn a_post_through_one_instance_reaches_live_streams_on_the_other() {
    use futures_util::StreamExt;
    if !testing::postgres_configured() {
        eprintln!("HEARTH_TEST_DATABASE_URL is not set: several instances are not tested in this run");
        return;
    }
    let first = testing::fresh(Engine::Postgres).await;
    let second = Store::connect(&first.url).await.unwrap();
    tokio::spawn(hearth_store::live::listen(first.store.clone()));
    tokio::spawn(hearth_store::live::listen(second.clone()));
    let (a, b) = (App::new(&first).await, App::new(&second).await);
    let team = common::team(&first, "Home team").await;
    let (sam, kim) = (common::staff(&first, "Sam Okafor", &[Role::Practitioner], team, None).await, common::staff(&first, "Kim Lee", &[Role::Practitioner], team, None).await);
    let (s, k) = (common::session(&first, sam).await, common::session(&first, kim).await);
    let room = hearth_store::teamrooms::rooms(&first).await.unwrap().into_iter().find(|r| r.team_id == Some(team)).unwrap().id;
    let res = b.send(Method::GET, "/api/v1/events", Some(&k), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut stream = res.into_body().into_data_stream();
    // The listener on the second instance connects in the background: post until it hears.
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut posted = Vec::new();
    while posted.is_empty() || !posted.iter().any(|t: &String| seen.contains(t.as_str())) {
        assert!(tokio::time::Instant::now() < deadline, "no event reached the second instance: {seen}");
        let res = a.send(Method::POST, &format!("/rooms/{room}/threads"), Some(&s), Some("title=Lunch&body=Thursday%3F")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        posted.push(location(&res).trim_start_matches("/room-threads/").to_string());
        if let Ok(Some(Ok(chunk))) = tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    // Once: the first instance's own copy is not passed on again by its listener.
    let last = posted.iter().find(|t| seen.contains(t.as_str())).unwrap().clone();
    if let Ok(Some(Ok(chunk))) = tokio::time::timeout(std::time::Duration::from_millis(800), stream.next()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert_eq!(seen.matches(&format!("\"thread_id\":\"{last}\"")).count(), 1, "{seen}");
}
