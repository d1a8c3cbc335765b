//! Sickness through the real router on real databases: a worker reports sickness (bad input named
//! on its field), their manager is told, records the return and holds the interview; a colleague
//! sees none of it; HR sets the pay band and the figures price the days lost, as a page, CSV and
//! API.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, account, body, session, staff};
use hearth_domain::org::Role;
use hearth_store::testing;
use time::Duration;

#[tokio::test]
async fn sickness_is_reported_ended_interviewed_and_priced() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let hr = account(&store, "hana.hr@hearth.example", &[Role::Hr]).await;
        let app = App::new(&store).await;
        let (m, w, c, h) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await, session(&store, hr).await);
        let today = hearth_store::now().date();
        let path = format!("/staff/{worker}/sickness");

        let res = app.send(Method::POST, &path, Some(&w), Some(&format!("first_day={}&expected_return={}&reason=", today + Duration::days(1), today))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("The first day off sick must be today or in the past") && page.contains("Choose the reason from the list"), "{page}");
        let first = today - Duration::days(3);
        let res = app.send(Method::POST, &path, Some(&w), Some(&format!("first_day={first}&expected_return={}&reason=cold_flu", today + Duration::days(2)))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &path, Some(&m), None).await).await;
        assert!(page.contains("Since") && page.contains("Cold, cough or flu") && page.contains("Record the return"), "{page}");
        assert!(body(app.send(Method::GET, "/", Some(&m), None).await).await.contains("Wil Worker is off sick"));
        assert_eq!(app.send(Method::GET, &path, Some(&c), None).await.status(), StatusCode::FORBIDDEN, "never the team");
        assert_eq!(app.json(Method::GET, &format!("/api/v1/staff/{worker}/sickness"), &c, "").await.status(), StatusCode::FORBIDDEN);

        // The return, by the worker; the interview is the manager's.
        let json: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/staff/{worker}/sickness"), &w, "").await).await).unwrap();
        let episode = json["items"][0]["id"].as_str().unwrap().to_string();
        let res = app.send(Method::POST, &format!("/sickness/{episode}/return"), Some(&w), Some("version=1&returned_on=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter the first day back"));
        assert_eq!(app.send(Method::POST, &format!("/sickness/{episode}/return"), Some(&w), Some(&format!("version=1&returned_on={today}"))).await.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, "/", Some(&m), None).await).await.contains("Return-to-work interviews to hold"));
        assert_eq!(app.send(Method::GET, &format!("/sickness/{episode}/interview"), Some(&w), None).await.status(), StatusCode::FORBIDDEN);
        let res = app.send(Method::POST, &format!("/sickness/{episode}/interview"), Some(&m), Some(&format!("version=1&held_on={today}&discussion=&fit_to_work=no&adjustments="))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("Enter what you discussed") && page.contains("Say what adjustments are agreed"), "{page}");
        let res = app.send(Method::POST, &format!("/sickness/{episode}/interview"), Some(&m), Some(&format!("version=1&held_on={today}&discussion=Better+now&fit_to_work=yes"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, &path, Some(&w), None).await).await.contains(&format!("Held {}", hearth_domain::text::long_date(today))));

        // HR prices the days: the manager sees the team's figures; the colleague does not.
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/pay"), Some(&m), None).await.status(), StatusCode::FORBIDDEN, "pay is HR's");
        assert_eq!(app.send(Method::POST, &format!("/staff/{worker}/pay"), Some(&h), Some("version=0&band=practitioner")).await.status(), StatusCode::SEE_OTHER);
        let api: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/insight/sickness?team={team}"), &m, "").await).await).unwrap();
        let days = api["working_days_lost"].as_i64().unwrap();
        assert!(days >= 1, "{api}");
        // 41,000 a year full time over 260 days: 157.69 a day.
        assert_eq!(api["cost_pence"].as_i64().unwrap(), days * 15769);
        assert_eq!(app.json(Method::GET, &format!("/api/v1/insight/sickness?team={team}&from=nonsense"), &m, "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(app.send(Method::GET, "/insight/sickness", Some(&m), None).await).await;
        assert!(page.contains("Cost of sickness by month") && page.contains("Days lost per full-time equivalent"), "{page}");
        let csv = app.send(Method::GET, &format!("/insight/sickness.csv?scope=team:{team}"), Some(&m), None).await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(body(csv).await.starts_with("month,spells started,working days lost,cost (pounds)\n"));
        assert_eq!(app.send(Method::GET, "/insight/sickness", Some(&c), None).await.status(), StatusCode::FORBIDDEN);

        // The API refuses bad input on its field.
        let res = app.json(Method::POST, &format!("/api/v1/staff/{worker}/sickness"), &w, r#"{"first_day":"2020-01-01","expected_return":"2020-01-02","reason":"cold_flu"}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("first_day"));
    }
}

#[tokio::test]
async fn a_fit_note_is_kept_for_the_line_chain_and_hr_only() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let app = App::new(&store).await;
        let (m, w, c) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await);
        let today = hearth_store::now().date();
        let path = format!("/staff/{worker}/sickness");
        let res = app.send(Method::POST, &path, Some(&w), Some(&format!("first_day={}&expected_return={}&reason=injury", today - Duration::days(10), today + Duration::days(4)))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &path, Some(&w), None).await).await;
        assert!(page.contains("a fit note from a doctor is needed") && page.contains("Add the fit note"), "{page}");
        let episode = page.split("/sickness/").find(|s| s.contains("/fit-note")).unwrap().split('/').next().unwrap().to_string();
        let upload_path = format!("/sickness/{episode}/fit-note");

        // Not a photo or a PDF: named on its field, nothing kept.
        let res = common::upload(&app, &upload_path, &w, true, &[], Some(("fit_note", "note.txt", b"I was ill"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The fit note must be a photo (JPEG or PNG) or a PDF"));
        assert!(hearth_store::people::sickness::fit_notes_of(&store, worker).await.unwrap().is_empty());
        assert_eq!(common::upload(&app, &upload_path, &c, true, &[], Some(("fit_note", "note.pdf", b"%PDF-1.4 fit note"))).await.status(), StatusCode::FORBIDDEN, "never the team");
        let res = common::upload(&app, &upload_path, &w, true, &[], Some(("fit_note", "note.pdf", b"%PDF-1.4 fit note"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // The manager opens it; the team never does.
        let page = body(app.send(Method::GET, &path, Some(&m), None).await).await;
        let id = page.split("/fit-notes/").nth(1).unwrap().split('"').next().unwrap().to_string();
        let res = app.send(Method::GET, &format!("/fit-notes/{id}"), Some(&m), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.headers()["cache-control"].to_str().unwrap().contains("no-store"), "never kept in a browser cache");
        assert_eq!(body(res).await, "%PDF-1.4 fit note");
        assert_eq!(app.send(Method::GET, &format!("/fit-notes/{id}"), Some(&c), None).await.status(), StatusCode::FORBIDDEN);
        let q = hearth_store::audit::AuditQuery { actor_id: Some(manager.to_string()), action_prefix: Some("sickness.fit_note_viewed".into()), ..Default::default() };
        assert_eq!(hearth_store::audit::search(&store, &q, hearth_store::PageRequest::new(None, None)).await.unwrap().total, 1, "the read is audited");
    }
}
