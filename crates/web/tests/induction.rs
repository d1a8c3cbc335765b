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

#[tokio::test]
async fn a_national_administrator_edits_the_template_and_the_next_plan_is_copied_from_it() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let admin = staff(&store, "Ada Admin", &[Role::SystemAdmin], team, None).await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let starter = staff(&store, "Sia Starter", &[Role::Practitioner], team, Some(manager)).await;
        let mentor = staff(&store, "Mo Mentor", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (a, m) = (session(&store, admin).await, session(&store, manager).await);

        assert_eq!(app.send(Method::GET, "/induction-template", Some(&m), None).await.status(), StatusCode::FORBIDDEN, "a team manager does not edit it");
        let page = body(app.send(Method::GET, "/induction-template", Some(&a), None).await).await;
        assert!(page.contains("The template Hearth ships with") && page.contains("Shadow your mentor on two first calls to parents") && page.contains("New step 1"), "{page}");
        assert!(body(app.send(Method::GET, "/training", Some(&a), None).await).await.contains("/induction-template"));

        // A bad week and a missing kind are named by row; nothing is saved.
        let bad = "version=0&week-1=0&kind-1=meeting&title-1=Meet+your+mentor&week-2=2&kind-2=&title-2=Shadow+a+call&week-3=&kind-3=&title-3=&changes=Shorter";
        let res = app.send(Method::POST, "/induction-template", Some(&a), Some(bad)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("href=\"#week-1\"") && page.contains("Choose what kind of step 2 is") && page.contains("Shadow a call"), "what they typed is kept: {page}");
        let good = "version=0&week-1=1&kind-1=meeting&title-1=Meet+your+mentor&week-2=2&kind-2=court_visit&title-2=Sit+in+on+a+hearing&week-3=&kind-3=&title-3=&changes=Shorter";
        let res = app.send(Method::POST, "/induction-template", Some(&a), Some(good)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, "/induction-template", Some(&a), Some(good)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a save from an old read is refused, not written over");
        assert!(body(res).await.contains("Someone saved a new version of the template after you opened it"));
        assert!(body(app.send(Method::GET, "/induction-template", Some(&a), None).await).await.contains("Version 1, saved"));

        let today = time::OffsetDateTime::now_utc().date();
        let start = format!("mentor={mentor}&starts_on-day={}&starts_on-month={}&starts_on-year={}", today.day(), today.month() as u8, today.year());
        assert_eq!(app.send(Method::POST, &format!("/staff/{starter}/induction"), Some(&m), Some(&start)).await.status(), StatusCode::SEE_OTHER);
        let plan = body(app.send(Method::GET, &format!("/staff/{starter}/induction"), Some(&m), None).await).await;
        assert!(plan.contains("Sit in on a hearing") && !plan.contains("Shadow your mentor") && plan.contains("Copied from version 1 of the national template"), "{plan}");
    }
}
