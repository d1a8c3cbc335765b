//! Training and policies through the real router on real databases: a person's record is theirs,
//! their managers' and HR's; a completion recorded with bad input is refused naming the field;
//! a stale course edit shows both versions; a policy confirmed at an old version is refused; the
//! domestic abuse policy is a reminder before a section 16A risk assessment.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, LawType, NewCase};
use hearth_domain::org::Role;
use hearth_domain::people::training::{CourseDraft, PolicyDraft};
use hearth_store::people::training as store_training;
use hearth_store::{AuditContext, cases, new_id, org, testing};

fn course(title: &str) -> CourseDraft {
    CourseDraft { title: title.into(), summary: "Why it matters.".into(), body: "# Module\n\nRead <b>this</b>.".into(), renew_months: Some(12), mandatory_for: vec![Role::Practitioner], quiz: String::new(), pass_mark: None }
}

#[tokio::test]
async fn a_persons_training_is_for_them_their_managers_and_hr_and_recording_a_course_checks_what_was_typed() {
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
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let hr = staff(&store, "Hana HR", &[Role::Hr], far, None).await;
        let data = store_training::create_course(&store, &AuditContext::system(), None, &course("Data protection")).await.unwrap();
        let app = App::new(&store).await;
        let (m, w, c, h) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await, session(&store, hr).await);

        for (who, token) in [("worker", &w), ("manager", &m), ("HR", &h)] {
            let res = app.send(Method::GET, &format!("/staff/{worker}/training"), Some(token), None).await;
            assert_eq!(res.status(), StatusCode::OK, "{who} reads the training record");
        }
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/training"), Some(&c), None).await.status(), StatusCode::FORBIDDEN, "a colleague does not");
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/training/new"), Some(&w), None).await.status(), StatusCode::FORBIDDEN, "nobody records their own classroom course");

        // Bad input: nothing chosen, an impossible date. Both named; nothing written.
        let res = app.send(Method::POST, &format!("/staff/{worker}/training"), Some(&m), Some("course=&completed_on-day=31&completed_on-month=2&completed_on-year=2026")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("Choose the course they completed") && page.contains("#completed_on"), "{page}");
        let future = (time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string();
        let (y, mo, d) = (&future[0..4], &future[5..7], &future[8..10]);
        let res = app.send(Method::POST, &format!("/staff/{worker}/training"), Some(&m), Some(&format!("course={data}&completed_on-day={d}&completed_on-month={mo}&completed_on-year={y}"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("must be today or in the past"));
        assert!(store_training::completions(&store, worker).await.unwrap().is_empty());

        let today = time::OffsetDateTime::now_utc().date().to_string();
        let res = app.send(Method::POST, &format!("/staff/{worker}/training"), Some(&m), Some(&format!("course={data}&completed_on-day={}&completed_on-month={}&completed_on-year={}", &today[8..10], &today[5..7], &today[0..4]))).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/staff/{worker}/training")));

        // The API: the same record, with the course up to date and recorded by the manager.
        let res = app.json(Method::GET, &format!("/api/v1/staff/{worker}/training"), &w, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(json["required"][0]["state"], "current");
        assert_eq!(json["out_of_date"], 0);
        assert_eq!(json["completions"][0]["recorded_by"], manager.to_string());
        assert_eq!(app.json(Method::GET, &format!("/api/v1/staff/{worker}/training"), &c, "").await.status(), StatusCode::FORBIDDEN);

        // Finishing a module records it for oneself, today; the module's raw HTML is text.
        let page = body(app.send(Method::GET, &format!("/training/{data}"), Some(&c), None).await).await;
        assert!(page.contains("Read &lt;b&gt;this&lt;/b&gt;.") && !page.contains("<b>this</b>"), "{page}");
        assert_eq!(app.send(Method::POST, &format!("/training/{data}/complete"), Some(&c), Some("")).await.status(), StatusCode::BAD_REQUEST, "the version read is part of the form");
        let res = app.send(Method::POST, &format!("/training/{data}/complete"), Some(&c), Some("version=1")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(store_training::completions(&store, colleague).await.unwrap()[0].recorded_by.id, colleague);
    }
}

#[tokio::test]
async fn a_course_changed_since_it_was_opened_shows_both_versions_and_keeps_the_saved_one() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let admin = common::account(&store, "ada.admin@hearth.example", &[Role::SystemAdmin]).await;
        let id = store_training::create_course(&store, &AuditContext::system(), None, &course("Safeguarding")).await.unwrap();
        store_training::update_course(&store, &AuditContext::system(), admin, id, 1, &course("Safeguarding children")).await.unwrap();
        let app = App::new(&store).await;
        let a = session(&store, admin).await;
        let res = app.send(Method::POST, &format!("/training/{id}/edit"), Some(&a), Some("version=1&title=Safeguarding+2027&summary=Why&body=Text&renew_months=24&mandatory_for=practitioner")).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let page = body(res).await;
        assert!(page.contains("Safeguarding children") && page.contains("Safeguarding 2027"), "both versions side by side: {page}");
        assert_eq!(store_training::course(&store, id).await.unwrap().title, "Safeguarding children");
        // A renewal that is not a number is named, and what was typed is kept.
        let res = app.send(Method::POST, &format!("/training/{id}/edit"), Some(&a), Some("version=2&title=Safeguarding+2027&summary=Why&body=Text&renew_months=often")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("Months between renewals must be a whole number") && page.contains("value=\"Safeguarding 2027\""), "{page}");
    }
}

#[tokio::test]
async fn the_domestic_abuse_policy_is_a_reminder_before_a_risk_assessment_until_its_current_version_is_confirmed() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, None).await;
        let c = NewCase {
            court_case_number: "BS26P00991".into(),
            law: LawType::Private,
            applications: vec![ApplicationKind::ChildArrangements],
            court_id: org::courts(&store).await.unwrap()[0].id,
            local_authority_id: None,
            team_id: team,
            received_on: time::macros::date!(2026 - 10 - 02),
            urgent: false,
            first_hearing_on: Some(time::macros::date!(2026 - 12 - 15)),
            issued_on: None,
            flags: vec![],
        };
        let (case, _) = cases::create(&store, &AuditContext::system(), &c, &[]).await.unwrap();
        hearth_store::workload::allocate(&store, &Default::default(), &AuditContext::system(), case, Some(worker), "Has capacity", Default::default(), 1).await.unwrap();
        let versions = [(PolicyDraft { changes: "First.".into(), body: "One.".into() }, time::macros::date!(2025 - 03 - 03)), (PolicyDraft { changes: "Second.".into(), body: "Two.".into() }, time::macros::date!(2026 - 10 - 20))];
        let (policy, _) = store_training::load_demo_policy(&store, "domestic_abuse", "Domestic abuse practice policy", &[Role::Practitioner], &versions).await.unwrap();
        let app = App::new(&store).await;
        let w = session(&store, worker).await;

        let page = body(app.send(Method::GET, &format!("/cases/{case}/work/new"), Some(&w), None).await).await;
        assert!(page.contains("You have not yet confirmed you have read version 2 of the Domestic abuse practice policy"), "{page}");
        // A reminder, not a block: the risk assessment starts.
        let res = app.send(Method::POST, &format!("/cases/{case}/work/new"), Some(&w), Some("work_type=section_16a_risk_assessment")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let work = location(&res);
        assert!(body(app.send(Method::GET, &work, Some(&w), None).await).await.contains("id=\"policy-reminder\""));

        // Confirming the old version is refused; the API names the conflict as problem+json.
        let res = app.json(Method::POST, &format!("/api/v1/policies/{policy}/attest"), &w, r#"{"version":1}"#).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let res = app.json(Method::POST, &format!("/api/v1/policies/{policy}/attest"), &w, r#"{"version":"two"}"#).await;
        assert!(res.status().is_client_error(), "{}", res.status());
        let res = app.send(Method::POST, &format!("/policies/{policy}/attest"), Some(&w), Some("version=2")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &format!("/cases/{case}/work/new"), Some(&w), None).await).await;
        assert!(!page.contains("You have not yet confirmed"), "{page}");
        assert!(!body(app.send(Method::GET, &work, Some(&w), None).await).await.contains("id=\"policy-reminder\""));
    }
}

#[tokio::test]
async fn a_module_with_a_quiz_is_recorded_done_only_on_a_pass_and_only_against_the_questions_shown() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let admin = common::account(&store, "ada.admin@hearth.example", &[Role::SystemAdmin]).await;
        let team = common::team(&store, "Home team").await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, None).await;
        let app = App::new(&store).await;
        let (a, w) = (session(&store, admin).await, session(&store, worker).await);

        // The administrator writes the quiz with the module; a malformed one is named by line.
        let base = "title=Domestic+abuse&summary=Practice&body=Read+this&renew_months=24&mandatory_for=practitioner";
        let res = app.send(Method::POST, "/training", Some(&a), Some(&format!("{base}&quiz=%3F+Who+first%3F%0A-+School%0A-+Nobody&pass_mark=80"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Question 1 needs exactly one right answer"));
        let quiz = "%3F+Who+do+you+tell+first%3F%0A-+The+school%0A*+Your+manager%0A%0A%3F+A+text+may+carry%0A*+The+time%0A-+The+case+reference";
        let res = app.send(Method::POST, "/training", Some(&a), Some(&format!("{base}&quiz={quiz}&pass_mark=100"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let course = location(&res).split('?').next().unwrap().to_string();
        let id: uuid::Uuid = course.rsplit('/').next().unwrap().parse().unwrap();

        let page = body(app.send(Method::GET, &course, Some(&w), None).await).await;
        assert!(page.contains("Who do you tell first?") && page.contains("type=\"radio\"") && page.contains("Send my answers"), "{page}");
        let res = app.send(Method::POST, &format!("{course}/complete"), Some(&w), Some("version=1&answer-1=2")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("href=\"#answer-2\""), "an unanswered question is named");
        let page = body(app.send(Method::POST, &format!("{course}/complete"), Some(&w), Some("version=1&answer-1=2&answer-2=2")).await).await;
        assert!(page.contains("You answered 1 of 2 questions rightly; the pass mark is 100%. Look again at question 2"), "{page}");
        assert!(store_training::completions(&store, worker).await.unwrap().is_empty(), "not done on a fail");

        // The module changes while it is open: answers to the old questions are not scored.
        let c = store_training::course(&store, id).await.unwrap();
        let mut changed = course_from(&c);
        changed.quiz = "? Who do you tell first?\n- The school\n* Your manager".into();
        store_training::update_course(&store, &AuditContext::system(), admin, id, 1, &changed).await.unwrap();
        assert_eq!(app.send(Method::POST, &format!("{course}/complete"), Some(&w), Some("version=1&answer-1=2&answer-2=1")).await.status(), StatusCode::CONFLICT);
        let res = app.send(Method::POST, &format!("{course}/complete"), Some(&w), Some("version=2&answer-1=2")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "a pass at the version shown");
        let done = store_training::completions(&store, worker).await.unwrap();
        assert_eq!((done.len(), done[0].course_version), (1, 2));
    }
}

fn course_from(c: &store_training::Course) -> CourseDraft {
    CourseDraft { title: c.title.clone(), summary: c.summary.clone(), body: c.body.clone(), renew_months: c.renew_months, mandatory_for: c.mandatory_for.clone(), quiz: c.quiz.clone(), pass_mark: c.pass_mark }
}
