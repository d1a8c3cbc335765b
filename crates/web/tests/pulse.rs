//! The wellbeing pulse through the real router on real databases: an answer missing a question
//! is refused naming it; each person answers once; results show only groups of five or more, and
//! a team is held back when the area's figure would give a smaller one away.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_domain::people::pulse::SurveyDraft;
use hearth_store::people::pulse;
use hearth_store::{AuditContext, new_id, org, testing};
use time::Duration;

#[tokio::test]
async fn answers_are_checked_and_kept_once_and_results_hold_back_small_groups() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap();
        let (small, large) = (new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, small, "Small team", areas[0].id, None).await.unwrap();
        org::insert_team(&mut tx, large, "Large team", areas[0].id, None).await.unwrap();
        tx.commit().await.unwrap();
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], large, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], small, Some(manager)).await;
        let today = time::OffsetDateTime::now_utc().date();
        let survey = pulse::open_survey(&store, &AuditContext::system(), manager, &SurveyDraft { title: "Winter pulse".into(), opens_on: today, closes_on: today + Duration::days(10) }).await.unwrap();
        // Two more in the small team and six in the large one have answered already.
        let mut rows = vec![];
        for (n, team) in [(2, small), (6, large)] {
            for i in 0..n {
                let someone = staff(&store, &format!("Person {team} {i}"), &[Role::Practitioner], team, Some(manager)).await;
                rows.push(someone);
                pulse::answer(&store, &AuditContext::actor(someone, None), survey, someone, Some(team), &[4, 3, 4, 4, 5], today).await.unwrap();
            }
        }
        let app = App::new(&store).await;
        let (m, w) = (session(&store, manager).await, session(&store, worker).await);

        let page = body(app.send(Method::GET, "/pulse", Some(&w), None).await).await;
        assert!(page.contains("Winter pulse is open until") && page.contains("I feel cared for by the service"), "{page}");
        let res = app.send(Method::POST, &format!("/pulse/{survey}"), Some(&w), Some("cared_for=4&workload=&manager=9&wellbeing=3&proud=5")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("href=\"#workload\"") && page.contains("href=\"#manager\""), "{page}");
        assert!(!pulse::has_taken(&store, survey, worker).await.unwrap(), "nothing kept from a refused answer");
        let res = app.send(Method::POST, &format!("/pulse/{survey}"), Some(&w), Some("cared_for=2&workload=2&manager=2&wellbeing=2&proud=2")).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/pulse".to_string()));
        assert_eq!(app.send(Method::POST, &format!("/pulse/{survey}"), Some(&w), Some("cared_for=5&workload=5&manager=5&wellbeing=5&proud=5")).await.status(), StatusCode::CONFLICT);
        assert!(body(app.send(Method::GET, "/pulse", Some(&w), None).await).await.contains("id=\"pulse-taken\""));

        // Results: the small team (3) is hidden, and so is the large one (6), or the area's 9
        // less the large team's 6 would be the small team's 3.
        assert_eq!(app.send(Method::GET, "/pulse/results", Some(&w), None).await.status(), StatusCode::FORBIDDEN);
        let res = app.json(Method::GET, &format!("/api/v1/pulse/results?survey={survey}"), &m, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(json["results"]["nation"]["responses"], 9);
        assert_eq!(json["results"]["nation"]["agree"][0], 89, "eight of nine agree they feel cared for");
        assert_eq!(json["results"]["areas"][0][1]["responses"], 9);
        for t in json["results"]["teams"].as_array().unwrap() {
            assert!(t[2]["responses"].is_null(), "{t}");
        }
        let page = body(app.send(Method::GET, "/pulse/results", Some(&m), None).await).await;
        assert!(page.contains("Not shown: too few answers to keep them anonymous") && page.contains("89%"), "{page}");
    }
}
