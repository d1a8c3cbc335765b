//! Team meetings through the real router on real databases: the manager records one with
//! everyone's attendance and an action; a missing attendance or reason is named with the person;
//! the team reads it and the action reaches its owner's My Work; another team cannot.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_store::{new_id, org, testing};

#[tokio::test]
async fn a_manager_records_a_meeting_the_team_reads_it_and_the_action_reaches_its_owner() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap();
        let (team, far) = (new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, team, "Home team", areas[0].id, None).await.unwrap();
        org::insert_team(&mut tx, far, "Far team", areas[1].id, None).await.unwrap();
        tx.commit().await.unwrap();
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let stranger = staff(&store, "Sol Stranger", &[Role::Practitioner], far, None).await;
        let app = App::new(&store).await;
        let (m, w, s) = (session(&store, manager).await, session(&store, worker).await, session(&store, stranger).await);
        let today = time::OffsetDateTime::now_utc().date();
        let date = format!("held_on-day={}&held_on-month={}&held_on-year={}", today.day(), today.month() as u8, today.year());

        let bad = format!("{date}&office=&agenda=Caseloads&attendance-{manager}=office&attendance-{worker}=absent&reason-{worker}=");
        let res = app.send(Method::POST, &format!("/teams/{team}/meetings"), Some(&m), Some(&bad)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains(&format!("href=\"#reason-{worker}\"")) && page.contains("(Wil Worker)"), "the absence's reason is named with the person: {page}");

        let good = format!("{date}&office=&agenda=Caseloads&attendance-{manager}=office&attendance-{worker}=remote&action-1=Share+the+court+list&owner-1={worker}");
        let res = app.send(Method::POST, &format!("/teams/{team}/meetings"), Some(&m), Some(&good)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let meeting = location(&res);
        let page = body(app.send(Method::GET, &meeting, Some(&w), None).await).await;
        assert!(page.contains("50% of the team in the office") && page.contains("Share the court list"), "{page}");
        assert!(body(app.send(Method::GET, "/", Some(&w), None).await).await.contains("Share the court list"), "the action is on its owner's My Work");
        assert!(body(app.send(Method::GET, "/my-people", Some(&m), None).await).await.contains("1 of 2 in the office (50%)"));
        assert_eq!(app.send(Method::GET, &meeting, Some(&s), None).await.status(), StatusCode::FORBIDDEN, "another team's member");
        assert_eq!(app.send(Method::POST, &format!("/teams/{team}/meetings"), Some(&w), Some(&good)).await.status(), StatusCode::FORBIDDEN, "a practitioner does not record one");

        let res = app.json(Method::GET, &format!("/api/v1/teams/{team}/meetings"), &w, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((json["total"].as_i64(), json["items"][0]["in_office"].as_i64(), json["items"][0]["remote"].as_i64()), (Some(1), Some(1), Some(1)));
    }
}
