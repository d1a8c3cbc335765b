//! Appraisal through the real router on real databases: the line manager sets objectives linked
//! to the published expectations; the steps come in order (the worker's self-assessment before
//! the rating); a stale step is refused; a colleague reads none of it.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_store::testing;

#[tokio::test]
async fn a_year_of_appraisal_goes_objectives_mid_year_self_assessment_then_rating() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (m, w, c) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await);
        let base = format!("/staff/{worker}/appraisals");

        let res = app.send(Method::POST, &base, Some(&m), Some("objectives=File+on+time")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Choose at least one expectation"));
        let res = app.send(Method::POST, &base, Some(&m), Some("objectives=File+on+time&expectations=timeliness&expectations=analysis")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let year = location(&res);

        // The rating cannot come before the self-assessment, nor the worker write the manager's part.
        assert_eq!(app.send(Method::POST, &format!("{year}/rating"), Some(&m), Some("version=1&rating=met&text=Good")).await.status(), StatusCode::CONFLICT);
        assert_eq!(app.send(Method::POST, &format!("{year}/mid-year"), Some(&w), Some("version=1&text=Fine")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, &format!("{year}/mid-year"), Some(&m), Some("version=1&text=On+track")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.send(Method::POST, &format!("{year}/mid-year"), Some(&m), Some("version=1&text=Again")).await.status(), StatusCode::CONFLICT, "a stale step");
        let res = app.send(Method::POST, &format!("{year}/self-assessment"), Some(&w), Some("version=2&text=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.send(Method::POST, &format!("{year}/self-assessment"), Some(&w), Some("version=2&text=A+good+year")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.send(Method::POST, &format!("{year}/rating"), Some(&m), Some("version=3&rating=met&text=Objectives+met")).await.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &year, Some(&w), None).await).await;
        assert!(page.contains("Met expectations") && page.contains("A good year") && page.contains("Work on time, every time"), "{page}");

        assert_eq!(app.send(Method::GET, &year, Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        let res = app.json(Method::GET, &format!("/api/v1/staff/{worker}/appraisals"), &w, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((json["items"][0]["stage"].as_str(), json["items"][0]["rating"].as_str()), (Some("complete"), Some("met")));
        assert_eq!(app.json(Method::GET, &format!("/api/v1/staff/{worker}/appraisals"), &c, "").await.status(), StatusCode::FORBIDDEN);
    }
}
