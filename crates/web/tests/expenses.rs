//! Expenses through the real router on real databases: a worker records where a visit was,
//! claims its mileage (bad miles named on their field), submits; a colleague sees none of it;
//! the manager approves from their home page; finance exports the month's payroll CSV, which
//! holds the claim once however often it is downloaded; and the API refuses bad input by field.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, account, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, LawType, NewCase};
use hearth_domain::org::Role;
use hearth_store::{AuditContext, cases, org, testing};

#[tokio::test]
async fn a_mileage_claim_goes_from_a_visit_to_payroll_once() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let finance = account(&store, "fin.finance@hearth.example", &[Role::Finance]).await;
        let c = NewCase {
            court_case_number: "BS26P00077".into(),
            law: LawType::Private,
            applications: vec![ApplicationKind::ChildArrangements],
            court_id: org::courts(&store).await.unwrap()[0].id,
            local_authority_id: None,
            team_id: team,
            received_on: time::macros::date!(2026 - 11 - 02),
            urgent: false,
            first_hearing_on: None,
            issued_on: None,
            flags: vec![],
        };
        let (case, _) = cases::create(&store, &AuditContext::system(), &c, &[]).await.unwrap();
        hearth_store::workload::allocate(&store, &Default::default(), &AuditContext::system(), case, Some(worker), "Knows the family", Default::default(), 1).await.unwrap();
        let app = App::new(&store).await;
        let (m, w, col, f) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await, session(&store, finance).await);
        let today = hearth_store::now().date();

        let res = app.send(Method::POST, &format!("/cases/{case}/notes/new"), Some(&w), Some(&format!("kind=visit&occurred_on={today}&summary=Home+visit&body=Seen+at+home.&place=14+Acacia+Avenue"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, &format!("/staff/{worker}/expenses"), Some(&w), Some("")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let claim_path = location(&res);
        let claim = claim_path.trim_start_matches("/expense-claims/").to_string();
        assert_eq!(app.send(Method::POST, &format!("/staff/{worker}/expenses"), Some(&m), Some("")).await.status(), StatusCode::FORBIDDEN, "nobody claims for someone else");
        let page = body(app.send(Method::GET, &claim_path, Some(&w), None).await).await;
        assert!(page.contains("14 Acacia Avenue") && page.contains("Journeys from your visits"), "{page}");
        let visit = page.split("name=\"visits\" type=\"checkbox\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let res = app.send(Method::POST, &format!("{claim_path}/visits"), Some(&w), Some("version=1")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Choose at least one visit"));
        assert_eq!(app.send(Method::POST, &format!("{claim_path}/visits"), Some(&w), Some(&format!("version=1&visits={visit}"))).await.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &claim_path, Some(&w), None).await).await;
        assert!(page.contains("Enter miles") && page.contains("Not entered"), "{page}");
        let line = page.split("/expense-lines/").nth(1).unwrap().split('/').next().unwrap().to_string();

        // Submitting without the miles, then absurd miles: each named, nothing saved.
        let res = app.send(Method::POST, &format!("{claim_path}/submit"), Some(&w), Some("version=2")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter the miles for every journey"));
        let res = app.send(Method::POST, &format!("/expense-lines/{line}/journey"), Some(&w), Some("version=2&from_place=Office&to_place=Home&miles=-4&passengers=0")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Miles must be a number"));
        let res = app.send(Method::POST, &format!("/expense-lines/{line}/journey"), Some(&w), Some("version=2&from_place=Office&to_place=Home&miles=900&passengers=0")).await;
        assert!(body(res).await.contains("Miles must be 500 or fewer"));
        let res = app.send(Method::POST, &format!("/expense-lines/{line}/journey"), Some(&w), Some("version=1&from_place=Office&to_place=Home&miles=12.4&round_trip=yes&passengers=0")).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "a stale version is refused, not overwritten");
        assert_eq!(app.send(Method::POST, &format!("/expense-lines/{line}/journey"), Some(&w), Some("version=2&from_place=Office&to_place=Home&miles=12.4&round_trip=yes&passengers=0")).await.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, &claim_path, Some(&w), None).await).await.contains("£5.58"));

        // Parking with its receipt: a text file is refused on the field, a PDF kept.
        let day = [("kind", "parking"), ("description", "Court car park"), ("amount", "4.50"), ("version", "3")];
        let dated: Vec<(&str, &str)> = day.iter().copied().chain([("spent_on-day", "1"), ("spent_on-month", "1"), ("spent_on-year", "2020")]).collect();
        let res = common::upload(&app, &format!("{claim_path}/costs"), &w, true, &dated, Some(("receipt", "receipt.pdf", b"%PDF-1.4 receipt"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The day you spent it must be within the last year"));
        let (d, mo, y) = (today.day().to_string(), (today.month() as u8).to_string(), today.year().to_string());
        let dated: Vec<(&str, &str)> = day.iter().copied().chain([("spent_on-day", d.as_str()), ("spent_on-month", mo.as_str()), ("spent_on-year", y.as_str())]).collect();
        let res = common::upload(&app, &format!("{claim_path}/costs"), &w, true, &dated, Some(("receipt", "receipt.txt", b"paid"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The receipt must be a photo (JPEG or PNG) or a PDF"));
        assert_eq!(common::upload(&app, &format!("{claim_path}/costs"), &col, true, &dated, Some(("receipt", "receipt.pdf", b"%PDF-1.4 receipt"))).await.status(), StatusCode::FORBIDDEN);
        let res = common::upload(&app, &format!("{claim_path}/costs"), &w, true, &dated, Some(("receipt", "receipt.pdf", b"%PDF-1.4 receipt"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &claim_path, Some(&w), None).await).await;
        assert!(page.contains("£10.08") && page.contains("Receipt (PDF)"), "{page}");
        let receipt = page.split("/expense-lines/").find(|s| s.contains("/receipt\"")).unwrap().split('/').next().unwrap().to_string();
        assert_eq!(app.send(Method::GET, &format!("/expense-lines/{receipt}/receipt"), Some(&col), None).await.status(), StatusCode::FORBIDDEN);
        let res = app.send(Method::GET, &format!("/expense-lines/{receipt}/receipt"), Some(&m), None).await;
        assert_eq!((res.status(), res.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "application/pdf"));
        assert_eq!(app.send(Method::POST, &format!("{claim_path}/submit"), Some(&w), Some("version=4")).await.status(), StatusCode::SEE_OTHER);

        // The team never sees it; the manager decides from their home page.
        assert_eq!(app.send(Method::GET, &claim_path, Some(&col), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, &format!("/expense-lines/{line}/journey"), Some(&col), None).await.status(), StatusCode::FORBIDDEN);
        let home = body(app.send(Method::GET, "/", Some(&m), None).await).await;
        assert!(home.contains("Expense claims waiting for your decision") && home.contains("Wil Worker: £10.08"), "{home}");
        let res = app.send(Method::POST, &format!("{claim_path}/decision"), Some(&m), Some("version=5&decision=refuse&reason=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter why you refuse it"));
        assert_eq!(app.send(Method::POST, &format!("{claim_path}/decision"), Some(&w), Some("version=5&decision=approve")).await.status(), StatusCode::FORBIDDEN, "not one's own");
        assert_eq!(app.send(Method::POST, &format!("{claim_path}/decision"), Some(&m), Some("version=5&decision=approve")).await.status(), StatusCode::SEE_OTHER);

        // Finance exports the month: the claim is in it once, and again the same.
        assert_eq!(app.send(Method::GET, "/payroll/expenses", Some(&m), None).await.status(), StatusCode::FORBIDDEN, "payroll is HR's and finance's");
        assert_eq!(app.send(Method::GET, &claim_path, Some(&f), None).await.status(), StatusCode::OK, "finance reads claims");
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/sickness"), Some(&f), None).await.status(), StatusCode::FORBIDDEN, "and nothing else of anyone");
        let month = format!("{:04}-{:02}", today.year(), today.month() as u8);
        let csv = app.send(Method::GET, &format!("/payroll/expenses.csv?month={month}"), Some(&f), None).await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = body(csv).await;
        assert_eq!(csv.lines().filter(|l| l.contains(&claim)).count(), 1, "{csv}");
        assert!(csv.lines().any(|l| l.contains(&claim) && l.ends_with(",12.4,5.58,4.50,10.08")), "{csv}");
        assert_eq!(body(app.send(Method::GET, &format!("/payroll/expenses.csv?month={month}"), Some(&f), None).await).await, csv, "the same export again");
        assert!(body(app.send(Method::GET, &claim_path, Some(&w), None).await).await.contains("Sent to payroll"));
        assert_eq!(app.send(Method::GET, "/payroll/expenses.csv?month=2026-13", Some(&f), None).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.json(Method::GET, "/api/v1/payroll/expenses.csv?month=2999-01", &f, "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The API names the field it refuses; a claim for someone else is refused.
        let res = app.json(Method::POST, &format!("/api/v1/staff/{worker}/expense-claims"), &w, &format!(r#"{{"journeys":[{{"spent_on":"{today}","description":"Training day","from_place":"Office","to_place":"Leeds","miles":"0","round_trip":true,"passengers":0}}]}}"#)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("journeys[0].miles"));
        assert_eq!(app.json(Method::POST, &format!("/api/v1/staff/{worker}/expense-claims"), &m, r#"{"journeys":[]}"#).await.status(), StatusCode::FORBIDDEN);
        let res = app.json(Method::POST, &format!("/api/v1/staff/{worker}/expense-claims"), &w, &format!(r#"{{"journeys":[{{"spent_on":"{today}","description":"Training day","from_place":"Office","to_place":"Leeds","miles":"30","round_trip":true,"passengers":1}}]}}"#)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let json: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(json["total_pence"].as_i64(), Some(30 * 45 + 30 * 5), "{json}");
    }
}
