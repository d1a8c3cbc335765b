//! Leave through the real router on real databases: a worker asks for two days (form, check page,
//! request), the line manager approves from the request's page, the balance and ledger show it;
//! bad input names its field; the API answers problem+json and needs If-Match; a colleague sees
//! the team calendar but not the balance, and cannot decide anything.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{App, CSRF, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_store::testing;
use time::Duration;

/// The Monday at least two weeks ahead, so the days are working days whatever today is.
fn monday_ahead() -> time::Date {
    let mut d = hearth_store::now().date() + Duration::days(14);
    while d.weekday() != time::Weekday::Monday {
        d += Duration::days(1);
    }
    d
}

fn with_if_match(method: Method, path: &str, session: &str, version: Option<i64>, json: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", format!("hearth_csrf={CSRF}; hearth_session={session}"))
        .header("x-csrf-token", CSRF)
        .header("content-type", "application/json");
    if let Some(v) = version {
        b = b.header("if-match", format!("\"{v}\""));
    }
    b.body(Body::from(json.to_string())).unwrap()
}

#[tokio::test]
async fn a_worker_asks_for_two_days_and_the_manager_approves() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (m, w, c) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await);
        let monday = monday_ahead();
        let tuesday = monday + Duration::days(1);

        let page = body(app.send(Method::GET, &format!("/staff/{worker}/leave"), Some(&w), None).await).await;
        assert!(page.contains("Annual leave entitlement") && page.contains("Bank holidays, pro rata"), "the year opens: {page}");

        // Bad input: nothing chosen, then a last day before the first.
        let res = app.send(Method::POST, &format!("/staff/{worker}/leave/check"), Some(&w), Some("kind=&part=&first_day=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("Choose annual leave or unpaid leave") && page.contains("Enter the first day"), "{page}");
        let res = app.send(Method::POST, &format!("/staff/{worker}/leave/check"), Some(&w), Some(&format!("kind=annual&part=whole&first_day={tuesday}&last_day={monday}"))).await;
        assert!(body(res).await.contains("The last day must be the same as or after the first day"));

        // The check page shows the cost and balance after; sending it makes the request.
        let form = format!("kind=annual&part=whole&first_day={monday}&last_day={tuesday}&hours=&note=Family+visit");
        let res = app.send(Method::POST, &format!("/staff/{worker}/leave/check"), Some(&w), Some(&form)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("14 hours 48 minutes (2 days)") && page.contains("Send the request") && page.contains("Nobody else in the team is away"), "{page}");
        let res = app.send(Method::POST, &format!("/staff/{worker}/leave-requests"), Some(&w), Some(&form)).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/staff/{worker}/leave")));
        // Asking again for the same days is refused on the field.
        let res = app.send(Method::POST, &format!("/staff/{worker}/leave-requests"), Some(&w), Some(&form)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("These days overlap leave already asked for"));

        // The manager sees it waiting on their home page, and decides it.
        let home = body(app.send(Method::GET, "/", Some(&m), None).await).await;
        assert!(home.contains("Leave waiting for your decision") && home.contains("Wil Worker"), "{home}");
        let json: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/staff/{worker}/leave"), &w, "").await).await).unwrap();
        let request = json["requests"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(json["waiting_minutes"], 888);
        let before = json["balance_minutes"].as_i64().unwrap();

        // The worker cannot decide their own; a colleague cannot see or decide it.
        assert_eq!(app.send(Method::POST, &format!("/leave-requests/{request}/decision"), Some(&w), Some("version=1&decision=approve")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, &format!("/leave-requests/{request}"), Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/leave"), Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        // Refusing needs a reason.
        let res = app.send(Method::POST, &format!("/leave-requests/{request}/decision"), Some(&m), Some("version=1&decision=refuse&reason=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter why you refuse it"));
        let res = app.send(Method::POST, &format!("/leave-requests/{request}/decision"), Some(&m), Some("version=1&decision=approve")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, &format!("/leave-requests/{request}/decision"), Some(&m), Some("version=1&decision=approve")).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "a stale decision");

        let json: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/staff/{worker}/leave"), &w, "").await).await).unwrap();
        assert_eq!((json["balance_minutes"].as_i64().unwrap(), json["waiting_minutes"].as_i64().unwrap()), (before - 888, 0));
        let page = body(app.send(Method::GET, &format!("/staff/{worker}/leave"), Some(&w), None).await).await;
        assert!(page.contains("Leave taken") && page.contains("Approved"), "{page}");
        // The colleague sees the team calendar: who is away, never why beyond "leave".
        let cal = body(app.send(Method::GET, &format!("/teams/{team}/leave?month={}-{:02}", monday.year(), monday.month() as u8), Some(&c), None).await).await;
        assert!(cal.contains("Wil Worker (Leave)"), "{cal}");
        let alerts = body(app.send(Method::GET, "/", Some(&w), None).await).await;
        assert!(alerts.contains("was approved"), "the worker is told");
    }
}

#[tokio::test]
async fn the_api_asks_decides_and_cancels_with_problems_on_the_field() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (m, w) = (session(&store, manager).await, session(&store, worker).await);
        let monday = monday_ahead();
        let path = format!("/api/v1/staff/{worker}/leave-requests");

        let res = app.json(Method::POST, &path, &w, &format!(r#"{{"kind":"annual","first_day":"{monday}","part":"hours","hours":"99"}}"#)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert!(body(res).await.contains("\"hours\""));
        let res = app.json(Method::POST, &path, &w, &format!(r#"{{"kind":"annual","first_day":"{monday}","part":"whole","last_day":"{}"}}"#, monday + Duration::days(400))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.json(Method::POST, &path, &w, &format!(r#"{{"kind":"annual","first_day":"{monday}","part":"morning"}}"#)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((created["minutes"].as_i64(), created["status"].as_str()), (Some(222), Some("requested")));
        let id = created["id"].as_str().unwrap();

        let approve = format!("/api/v1/leave-requests/{id}/approve");
        assert_eq!(app.request(with_if_match(Method::POST, &approve, &m, None, "")).await.status(), StatusCode::PRECONDITION_REQUIRED);
        assert_eq!(app.request(with_if_match(Method::POST, &approve, &m, Some(9), "")).await.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(app.request(with_if_match(Method::POST, &approve, &w, Some(1), "")).await.status(), StatusCode::FORBIDDEN, "not their own");
        let refuse = format!("/api/v1/leave-requests/{id}/refuse");
        let res = app.request(with_if_match(Method::POST, &refuse, &m, Some(1), r#"{"reason":""}"#)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"reason\""));
        assert_eq!(app.request(with_if_match(Method::POST, &approve, &m, Some(1), "")).await.status(), StatusCode::NO_CONTENT);
        let got = app.json(Method::GET, &format!("/api/v1/leave-requests/{id}"), &w, "").await;
        assert_eq!(got.headers()["etag"], "\"2\"");
        // Cancelled before it starts: the hours come back.
        let cancel = format!("/api/v1/leave-requests/{id}/cancel");
        assert_eq!(app.request(with_if_match(Method::POST, &cancel, &w, Some(2), "")).await.status(), StatusCode::NO_CONTENT);
        let json: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/staff/{worker}/leave?on={monday}"), &w, "").await).await).unwrap();
        let kinds: Vec<&str> = json["lines"].as_array().unwrap().iter().filter(|l| l["request_id"].as_str() == Some(id)).map(|l| l["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["taken", "returned"]);
        assert_eq!(app.request(with_if_match(Method::POST, &cancel, &w, Some(3), "")).await.status(), StatusCode::CONFLICT, "nothing left to cancel");
        let bad = app.json(Method::GET, &format!("/api/v1/staff/{worker}/leave?on=not-a-date"), &w, "").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
