//! Induction through the real router on real databases: the line manager starts it with a
//! mentor buddy; the mentor reads and ticks the plan (the `Mentor` scope); a colleague who is not
//! the mentor does neither.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_store::testing;

#[tokio::test]
async fn the_mentor_buddy_sees_and_ticks_the_plan_and_other_colleagues_do_not() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let starter = staff(&store, "Sia Starter", &[Role::Practitioner], team, Some(manager)).await;
        let mentor = staff(&store, "Mo Mentor", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (m, mo, c, s) = (session(&store, manager).await, session(&store, mentor).await, session(&store, colleague).await, session(&store, starter).await);

        assert_eq!(app.send(Method::GET, &format!("/staff/{starter}/induction"), Some(&mo), None).await.status(), StatusCode::FORBIDDEN, "not their mentor yet");
        let res = app.send(Method::POST, &format!("/staff/{starter}/induction"), Some(&m), Some("mentor=&starts_on-day=31&starts_on-month=2&starts_on-year=2026")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("href=\"#mentor\"") && page.contains("href=\"#starts_on"), "{page}");
        let today = time::OffsetDateTime::now_utc().date();
        let res = app.send(Method::POST, &format!("/staff/{starter}/induction"), Some(&m), Some(&format!("mentor={mentor}&starts_on-day={}&starts_on-month={}&starts_on-year={}", today.day(), today.month() as u8, today.year()))).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/staff/{starter}/induction")));

        let page = body(app.send(Method::GET, &format!("/staff/{starter}/induction"), Some(&mo), None).await).await;
        assert!(page.contains("Mo Mentor") && page.contains("Week 1") && page.contains("Mark done"), "the mentor sees the plan: {page}");
        let step = page.split("id=\"step-").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
        assert_eq!(app.send(Method::POST, &format!("/staff/{starter}/induction/steps/{step}"), Some(&mo), Some("done=true")).await.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, "/", Some(&mo), None).await).await.contains("Sia Starter's induction"), "My Work lists their mentee");
        assert!(body(app.send(Method::GET, &format!("/staff/{starter}/induction"), Some(&s), None).await).await.contains("by Mo Mentor"), "the starter sees who ticked it");

        assert_eq!(app.send(Method::GET, &format!("/staff/{starter}/induction"), Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, &format!("/staff/{starter}/induction/steps/{step}"), Some(&c), Some("done=false")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, &format!("/staff/{starter}/induction/steps/{step}"), Some(&mo), Some("done=maybe")).await.status(), StatusCode::BAD_REQUEST);
    }
}
