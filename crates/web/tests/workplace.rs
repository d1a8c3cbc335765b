//! Hot desks through the real router on real databases: a worker books the first free desk and
//! checks in from the desk's own page, which records an office day; a refusal is named on the
//! page and, by the API, as problem+json naming the field; another's booking is not found; an
//! administrator draws the floor plan, with a stale change refused; the figures count, as page
//! and CSV.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::org::Role;
use hearth_domain::workplace::DeskRules;
use hearth_store::{new_id, org, testing};

/// Offices open every day and check-in open all day, so the test runs at any hour.
fn config() -> hearth_web::WebConfig {
    hearth_web::WebConfig { desks: DeskRules { open_weekends: true, check_in_from: "00:00".into(), release_at: "23:59".into(), ..Default::default() }, ..Default::default() }
}

#[tokio::test]
async fn a_worker_books_the_first_free_desk_checks_in_at_the_desk_and_is_refused_clearly() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let area = org::area_refs(&store).await.unwrap()[0].id;
        let (team, office) = (new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_office(&mut tx, office, "Riverside", "Leeds", area, 0).await.unwrap();
        org::insert_team(&mut tx, team, "Home team", area, Some(office)).await.unwrap();
        tx.commit().await.unwrap();
        let admin = staff(&store, "Ada Admin", &[Role::SystemAdmin], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, None).await;
        let other = staff(&store, "Oti Other", &[Role::Practitioner], team, None).await;
        let app = App::with_config(&store, config()).await;
        let (a, w, o) = (session(&store, admin).await, session(&store, worker).await, session(&store, other).await);

        // The administrator draws the plan: a bad desk is named on the form; two good ones save.
        let res = app.send(Method::POST, &format!("/offices/{office}/desks"), Some(&a), Some("label=&zone=East&plan_x=13&plan_y=1")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("href=\"#label\"") && page.contains("Column must be a whole number from 1 to 12"), "{page}");
        for (label, x) in [("D1", 1), ("D2", 2)] {
            let res = app.send(Method::POST, &format!("/offices/{office}/desks"), Some(&a), Some(&format!("label={label}&zone=East&plan_x={x}&plan_y=1&features=quiet"))).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{label}");
        }
        assert_eq!(app.send(Method::POST, &format!("/offices/{office}/desks"), Some(&w), Some("label=D9&zone=East&plan_x=9&plan_y=1")).await.status(), StatusCode::FORBIDDEN, "a practitioner does not draw plans");
        let plan = body(app.send(Method::GET, &format!("/offices/{office}/floor-plan"), Some(&a), None).await).await;
        assert!(plan.contains("Code for desk D1") && plan.contains("2 desks in use"), "codes to print and the count: {plan}");
        let desks = hearth_store::workplace::desks(&store, office).await.unwrap();
        let d1 = desks.iter().find(|d| d.label == "D1").unwrap();
        // A stale change is refused with both versions shown, never written over.
        let stale = format!("label=D1&zone=West&plan_x=1&plan_y=1&version={}", d1.version + 1);
        let res = app.send(Method::POST, &format!("/desks/{}/edit", d1.id), Some(&a), Some(&stale)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(hearth_store::workplace::desk(&store, d1.id).await.unwrap().zone, "East");

        // The booking page opens at the worker's team's office; the first free desk is booked.
        let today = hearth_domain::calendar::uk_local(hearth_store::now()).date();
        let page = body(app.send(Method::GET, "/desks", Some(&w), None).await).await;
        assert!(page.contains("Riverside") && page.contains("2 of 2 desks free"), "{page}");
        let res = app.send(Method::POST, "/desks/book", Some(&w), Some(&format!("office={office}&day={today}"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(location(&res).contains(&format!("day={today}")));
        let page = body(app.send(Method::GET, &format!("/desks?office={office}&day={today}"), Some(&o), None).await).await;
        assert!(page.contains("Wil Worker") && page.contains("1 of 2 desks free"), "colleagues see who sits where: {page}");
        // A second desk the same day is refused on the page, saying why.
        let res = app.send(Method::POST, "/desks/book", Some(&w), Some(&format!("office={office}&day={today}"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("You already have a desk that day"));

        // At the desk: its page offers "I'm here", which checks in and records an office day.
        let mine = hearth_store::workplace::bookings_of(&store, worker, today).await.unwrap();
        let booking = &mine[0];
        let desk_page = body(app.send(Method::GET, &format!("/desks/{}", booking.desk_id), Some(&w), None).await).await;
        assert!(desk_page.contains(&format!("/desk-bookings/{}/check-in", booking.id)), "{desk_page}");
        assert_eq!(app.send(Method::POST, &format!("/desk-bookings/{}/check-in", booking.id), Some(&o), Some("")).await.status(), StatusCode::NOT_FOUND, "not theirs");
        assert_eq!(app.send(Method::POST, &format!("/desk-bookings/{}/cancel", booking.id), Some(&o), Some("")).await.status(), StatusCode::NOT_FOUND, "not theirs");
        let res = app.send(Method::POST, &format!("/desk-bookings/{}/check-in", booking.id), Some(&w), Some("")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, &location(&res), Some(&w), None).await).await.contains("You are checked in"));
        assert!(hearth_store::people::office::recorded_on(&store, worker, today).await.unwrap(), "an office day");

        // The other desk, opened by its code with nothing booked: take it and check in at once.
        let d2 = desks.iter().find(|d| d.label == "D2").unwrap();
        let page = body(app.send(Method::GET, &format!("/desks/{}", d2.id), Some(&o), None).await).await;
        assert!(page.contains("Take this desk and check in"), "{page}");
        let res = app.send(Method::POST, "/desks/book", Some(&o), Some(&format!("office={office}&day={today}&desk={}&check_in=yes", d2.id))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // The API: a full office on a day answers 422 naming the date; a bad date is named too.
        let res = app.json(Method::POST, "/api/v1/desk-bookings", &a, &format!("{{\"office_id\":\"{office}\",\"date\":\"{today}\"}}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(problem["errors"][0]["field"], "date", "{problem}");
        let res = app.json(Method::POST, "/api/v1/desk-bookings", &a, &format!("{{\"office_id\":\"{office}\",\"date\":\"2026-02-31\"}}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let tomorrow = today + time::Duration::days(1);
        let res = app.json(Method::POST, "/api/v1/desk-bookings", &a, &format!("{{\"office_id\":\"{office}\",\"date\":\"{tomorrow}\",\"desk_id\":\"{}\"}}", d1.id)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let made: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((made["desk_label"].as_str(), made["status"].as_str()), (Some("D1"), Some("booked")));
        let listed: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/offices/{office}/desks?date={tomorrow}"), &a, "").await).await).unwrap();
        assert_eq!((listed["total"].as_i64(), listed["free"].as_i64()), (Some(2), Some(1)));
        assert_eq!(listed["items"].as_array().unwrap().iter().filter(|d| d["mine"] == true).count(), 1);
        let id = made["id"].as_str().unwrap();
        // Checking in to tomorrow's booking today is refused on the desk's own page, saying when.
        let res = app.send(Method::POST, &format!("/desk-bookings/{id}/check-in"), Some(&a), Some("")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("href=\"#check_in\"") && page.contains("Check-in is open on") && page.contains("Desk D1"), "{page}");
        assert_eq!(app.json(Method::POST, &format!("/api/v1/desk-bookings/{id}/cancel"), &w, "").await.status(), StatusCode::NOT_FOUND, "not theirs");
        assert_eq!(app.json(Method::POST, &format!("/api/v1/desk-bookings/{id}/cancel"), &a, "").await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.json(Method::GET, &format!("/api/v1/offices/{}/desks", new_id()), &a, "").await.status(), StatusCode::NOT_FOUND);

        // Figures: counts by office, as a page and as CSV, for those who plan the estate only.
        assert_eq!(app.send(Method::GET, "/desks/figures", Some(&w), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, "/desks/figures", Some(&a), None).await.status(), StatusCode::OK);
        let csv = body(app.send(Method::GET, "/desks/figures?format=csv", Some(&a), None).await).await;
        assert!(csv.starts_with("office,service area,desks") && csv.contains("\"Riverside\",") , "{csv}");
    }
}

#[tokio::test]
async fn a_manager_holds_desks_for_the_team_day_that_only_the_team_is_offered() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let area = org::area_refs(&store).await.unwrap()[0].id;
        let (team, other_team, office) = (new_id(), new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_office(&mut tx, office, "Quayside", "Hull", area, 0).await.unwrap();
        org::insert_team(&mut tx, team, "Home team", area, Some(office)).await.unwrap();
        org::insert_team(&mut tx, other_team, "Other team", area, Some(office)).await.unwrap();
        tx.commit().await.unwrap();
        let admin = staff(&store, "Ada Admin", &[Role::SystemAdmin], team, None).await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let other_manager = staff(&store, "Otto Manager", &[Role::TeamManager], other_team, None).await;
        let outsider = staff(&store, "Oli Outsider", &[Role::Practitioner], other_team, None).await;
        let app = App::with_config(&store, config()).await;
        let (a, m, om, o) = (session(&store, admin).await, session(&store, manager).await, session(&store, other_manager).await, session(&store, outsider).await);
        for (label, x) in [("D1", 1), ("D2", 2)] {
            app.send(Method::POST, &format!("/offices/{office}/desks"), Some(&a), Some(&format!("label={label}&zone=East&plan_x={x}&plan_y=1"))).await;
        }
        let day = hearth_domain::calendar::uk_local(hearth_store::now()).date() + time::Duration::days(1);
        let page = body(app.send(Method::GET, &format!("/desks?office={office}&day={day}"), Some(&m), None).await).await;
        assert!(page.contains(&format!("/teams/{team}/desk-days")), "the manager is offered the hold: {page}");
        let res = app.send(Method::POST, &format!("/teams/{team}/desk-days"), Some(&m), Some(&format!("day={day}&desks=three"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter how many desks to hold, as a whole number"));
        assert_eq!(app.send(Method::POST, &format!("/teams/{team}/desk-days"), Some(&om), Some(&format!("day={day}&desks=2"))).await.status(), StatusCode::FORBIDDEN, "another team's manager");
        let res = app.send(Method::POST, &format!("/teams/{team}/desk-days"), Some(&m), Some(&format!("day={day}&desks=2"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &format!("/desks?office={office}&day={day}"), Some(&o), None).await).await;
        assert!(page.contains("Home team</strong> holds 2 desks"), "{page}");
        let res = app.send(Method::POST, "/desks/book", Some(&o), Some(&format!("office={office}&day={day}"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("held for another team"));
        let held = hearth_store::workplace::team_days(&store, office, day).await.unwrap()[0].id;
        assert_eq!(app.send(Method::POST, &format!("/desk-team-days/{held}/release"), Some(&om), Some("")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, &format!("/desk-team-days/{held}/release"), Some(&m), Some(&format!("office={office}&day={day}"))).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.send(Method::POST, "/desks/book", Some(&o), Some(&format!("office={office}&day={day}"))).await.status(), StatusCode::SEE_OTHER, "open to everyone again");
    }
}
