//! Improvement plans through the real router on real databases: the line manager opens one with
//! HR, what was typed wrong is named, the worker reads it, a colleague never does.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_store::testing;

#[tokio::test]
async fn a_line_manager_opens_a_plan_with_hr_the_worker_reads_it_and_a_colleague_cannot() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let hr = staff(&store, "Hana HR", &[Role::Hr], team, None).await;
        let app = App::new(&store).await;
        let (m, w, c) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await);

        let res = app.send(Method::POST, &format!("/staff/{worker}/improvement-plans"), Some(&m), Some("goals=&support=Weekly&first_review_on-day=1&first_review_on-month=1&first_review_on-year=2020&hr_partner=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        for field in ["#goals", "#first_review_on", "#hr_partner"] {
            assert!(page.contains(&format!("href=\"{field}")), "{field} named: {page}");
        }
        let review = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
        let form = format!("goals=Reports+on+time&support=Weekly+check-ins&first_review_on-day={}&first_review_on-month={}&first_review_on-year={}&hr_partner={hr}", review.day(), review.month() as u8, review.year());
        let res = app.send(Method::POST, &format!("/staff/{worker}/improvement-plans"), Some(&m), Some(&form)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let plan = location(&res);
        assert!(body(app.send(Method::GET, &format!("/staff/{worker}/supervisions"), Some(&m), None).await).await.contains("Every 6 weeks"), "the plan brings supervision forward");

        let page = body(app.send(Method::GET, &plan, Some(&w), None).await).await;
        assert!(page.contains("Reports on time") && page.contains("Hana HR") && !page.contains("Record a review"), "the worker reads it, and cannot change it: {page}");
        assert_eq!(app.send(Method::GET, &plan, Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/improvement-plans"), Some(&c), None).await.status(), StatusCode::FORBIDDEN);

        // A stale close is refused; the current one closes it.
        assert_eq!(app.send(Method::POST, &format!("{plan}/close"), Some(&m), Some("version=7&outcome=met&summary=Done")).await.status(), StatusCode::CONFLICT);
        let res = app.send(Method::POST, &format!("{plan}/close"), Some(&m), Some("version=1&outcome=met&summary=Done")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, &plan, Some(&w), None).await).await.contains("Goals met"));
    }
}
