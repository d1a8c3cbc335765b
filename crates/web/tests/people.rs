//! Supervision through the real router on real databases: a line manager records a supervision
//! from its agenda, its decisions reach the cases' chronologies, the worker acknowledges it, HR
//! reads it without the case content, and nobody outside the line chain or HR reads it at all.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, CaseFlag, LawType, NewCase};
use hearth_domain::org::Role;
use hearth_store::{AuditContext, Store, cases, org, testing};
use uuid::Uuid;

async fn case_for(store: &Store, team: Uuid, worker: Uuid, number: &str, flags: Vec<CaseFlag>) -> (Uuid, String) {
    let c = NewCase {
        court_case_number: number.into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: org::courts(store).await.unwrap()[0].id,
        local_authority_id: None,
        team_id: team,
        received_on: time::macros::date!(2026 - 10 - 02),
        urgent: false,
        first_hearing_on: Some(time::macros::date!(2026 - 12 - 15)),
        issued_on: None,
        flags,
    };
    let (id, reference) = cases::create(store, &AuditContext::system(), &c, &[]).await.unwrap();
    hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), id, Some(worker), "Has capacity", Default::default(), 1).await.unwrap();
    (id, reference)
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[tokio::test]
async fn a_manager_records_a_supervision_the_cases_hold_its_decisions_and_the_worker_acknowledges_it() {
    for store in testing::stores().await {
        let (team, far) = (common::team(&store, "Home team").await, common::far_team(&store, "Far team").await);
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let other_manager = staff(&store, "Omar Other", &[Role::TeamManager], far, None).await;
        let hr = staff(&store, "Hana HR", &[Role::Hr], far, None).await;
        let (a, a_ref) = case_for(&store, team, worker, "BS26P00101", vec![CaseFlag::DomesticAbuse]).await;
        let (b, _) = case_for(&store, team, worker, "BS26P00102", vec![]).await;
        let app = App::new(&store).await;
        let (m, w, c, o, h) = (session(&store, manager).await, session(&store, worker).await, session(&store, colleague).await, session(&store, other_manager).await, session(&store, hr).await);

        // The agenda raises the case with domestic abuse, and lists the other beneath.
        let page = body(app.send(Method::GET, &format!("/staff/{worker}/supervisions/new"), Some(&m), None).await).await;
        let (raised, other) = page.split_once("Their other cases").expect("both lists");
        assert!(raised.contains("Cases to discuss") && raised.contains(&a_ref) && raised.contains("Domestic abuse"), "{page}");
        assert!(!other.contains(&a_ref));

        // Nothing chosen for a case's reflection: the summary names it and nothing is saved.
        let bad = format!("held_on={}&case={a}&reflection-{a}=&decision-{a}=Continue", today());
        let res = app.send(Method::POST, &format!("/staff/{worker}/supervisions"), Some(&m), Some(&bad)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains(&format!("Enter your reflection on the case ({a_ref})")), "{page}");

        // Case b's fields are sent (no JavaScript shows them all) but b is not chosen: not saved.
        let form = format!(
            "held_on={}&case={a}&reflection-{a}=Engaging+well&decision-{a}=Continue+the+plan&action-{a}=Visit+at+school&action_due-{a}=&reflection-{b}=Not+chosen&decision-{b}=Not+chosen&wellbeing=Tired+after+a+long+hearing",
            today()
        );
        let res = app.send(Method::POST, &format!("/staff/{worker}/supervisions"), Some(&m), Some(&form)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let record = location(&res).split('?').next().unwrap().to_string();
        let chronology = body(app.send(Method::GET, &format!("/cases/{a}"), Some(&w), None).await).await;
        assert!(chronology.contains("Management oversight in supervision: Continue the plan"), "the decision is in the case's chronology");
        assert!(!chronology.contains("Tired after a long hearing"), "wellbeing never reaches a case");
        assert!(!body(app.send(Method::GET, &format!("/cases/{b}"), Some(&w), None).await).await.contains("Management oversight in supervision"), "a case not chosen is untouched");

        // The worker reads and acknowledges it, once.
        let page = body(app.send(Method::GET, &record, Some(&w), None).await).await;
        assert!(page.contains("Engaging well") && page.contains("Acknowledge this record"), "{page}");
        let res = app.send(Method::POST, &format!("{record}/acknowledge"), Some(&w), Some("comment=Agreed")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &record, Some(&w), None).await).await;
        assert!(!page.contains("Acknowledge this record") && page.contains("Agreed"));
        assert_eq!(app.send(Method::POST, &format!("{record}/acknowledge"), Some(&w), Some("comment=Again")).await.status(), StatusCode::CONFLICT);
        assert_eq!(app.send(Method::POST, &format!("{record}/acknowledge"), Some(&m), Some("comment=")).await.status(), StatusCode::FORBIDDEN, "only the worker acknowledges");

        // HR reads the record but not the case content; the team and another team's manager not at all.
        let page = body(app.send(Method::GET, &record, Some(&h), None).await).await;
        assert!(page.contains("Tired after a long hearing") && !page.contains("Engaging well"), "{page}");
        for who in [&c, &o] {
            assert_eq!(app.send(Method::GET, &record, Some(who), None).await.status(), StatusCode::FORBIDDEN);
            assert_eq!(app.send(Method::GET, &format!("/staff/{worker}/supervisions"), Some(who), None).await.status(), StatusCode::FORBIDDEN);
        }
        assert_eq!(app.send(Method::POST, &format!("/staff/{worker}/supervisions"), Some(&w), Some(&form)).await.status(), StatusCode::FORBIDDEN, "nobody records their own");
        // A supervision is found only under its own worker.
        let id = record.rsplit('/').next().unwrap();
        assert_eq!(app.send(Method::GET, &format!("/staff/{colleague}/supervisions/{id}"), Some(&m), None).await.status(), StatusCode::NOT_FOUND);

        // The API: the list with when the next is due, and a case that is not theirs named.
        let res = app.json(Method::GET, &format!("/api/v1/staff/{worker}/supervisions"), &m, "").await;
        let list = body(res).await;
        assert!(list.contains("\"total\":1") && list.contains("\"due_state\":\"later\""), "{list}");
        let stranger = json_supervision(&today(), &Uuid::now_v7().to_string());
        let res = app.json(Method::POST, &format!("/api/v1/staff/{worker}/supervisions"), &m, &stranger).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"discussions\""));
        let res = app.json(Method::POST, &format!("/api/v1/staff/{worker}/supervisions"), &m, &json_supervision(&today(), &b.to_string())).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let agenda = body(app.json(Method::GET, &format!("/api/v1/staff/{worker}/supervision-agenda"), &m, "").await).await;
        assert!(agenda.contains(&a_ref), "{agenda}");
        let after = body(app.json(Method::GET, &format!("/api/v1/supervisions/{id}/agenda"), &m, "").await).await;
        assert!(after.contains(&a_ref) && after.contains("\"raised\""), "{after}");
        assert_eq!(app.json(Method::GET, &format!("/api/v1/supervisions/{id}/agenda"), &h, "").await.status(), StatusCode::FORBIDDEN, "HR reads records, not the agenda of cases");

        // A record left unacknowledged for more than ten working days says so.
        let long_ago = time::OffsetDateTime::now_utc().date() - time::Duration::days(40);
        hearth_store::people::load_demo(&store, &[hearth_store::people::DemoSupervision { worker: colleague, supervisor: manager, held_on: long_ago, acknowledged: false }]).await.unwrap();
        let page = body(app.send(Method::GET, &format!("/staff/{colleague}/supervisions"), Some(&m), None).await).await;
        assert!(page.contains("Not acknowledged after 10 working days"), "{page}");
        let list = body(app.json(Method::GET, &format!("/api/v1/staff/{colleague}/supervisions"), &m, "").await).await;
        assert!(list.contains("\"acknowledgement_late\":true"), "{list}");

        // My People shows when each person's supervision is due, linking to their records.
        let grid = body(app.send(Method::GET, &format!("/my-people?team={team}"), Some(&m), None).await).await;
        assert!(grid.contains(&format!("/staff/{worker}/supervisions")) && grid.contains("Not due yet"), "{grid}");
    }
}

fn json_supervision(held_on: &str, case: &str) -> String {
    format!(r#"{{"held_on":"{held_on}","discussions":[{{"case_id":"{case}","reflection":"Progress","decision":"Keep going"}}]}}"#)
}

#[tokio::test]
async fn the_manager_changes_a_record_for_a_day_then_adds_addenda_and_leads_group_sessions_the_team_reads() {
    for store in testing::stores().await {
        let (team, far) = (common::team(&store, "Home team").await, common::far_team(&store, "Far team").await);
        let deputy = staff(&store, "Sami Senior", &[Role::ServiceManager], team, None).await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, Some(deputy)).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], team, Some(manager)).await;
        let outsider = staff(&store, "Omar Other", &[Role::Practitioner], far, None).await;
        let hr = staff(&store, "Hana HR", &[Role::Hr], far, None).await;
        let (a, a_ref) = case_for(&store, team, worker, "BS26P00201", vec![]).await;
        let app = App::new(&store).await;
        let (m, d, w, c, o, h) = (session(&store, manager).await, session(&store, deputy).await, session(&store, worker).await, session(&store, colleague).await, session(&store, outsider).await, session(&store, hr).await);

        let form = format!("held_on={}&case={a}&reflection-{a}=Engaging+well&decision-{a}=Continue+the+plan&action-{a}=Visit+at+school&action_due-{a}=", today());
        let res = app.send(Method::POST, &format!("/staff/{worker}/supervisions"), Some(&m), Some(&form)).await;
        let record = location(&res).split('?').next().unwrap().to_string();

        // The manager who recorded it may change it today; the form starts from what is saved.
        let page = body(app.send(Method::GET, &record, Some(&m), None).await).await;
        assert!(page.contains("Change this record") && !page.contains("Add an addendum"), "{page}");
        let edit = body(app.send(Method::GET, &format!("{record}/edit"), Some(&m), None).await).await;
        assert!(edit.contains("Engaging well") && edit.contains(&format!("Decision for {a_ref}")), "{edit}");
        assert_eq!(app.send(Method::GET, &format!("{record}/edit"), Some(&d), None).await.status(), StatusCode::CONFLICT, "not another manager in the line chain");
        let bad = format!("version=1&reflection-{a}=Engaging+well&decision-{a}=");
        let res = app.send(Method::POST, &format!("{record}/edit"), Some(&m), Some(&bad)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains(&format!("Enter the decision ({a_ref})")));
        let good = format!("version=1&reflection-{a}=Engaging+well%2C+father+less+so&decision-{a}=Continue+the+plan+to+January&wellbeing=Better");
        assert_eq!(app.send(Method::POST, &format!("{record}/edit"), Some(&m), Some(&good)).await.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, &format!("{record}/edit"), Some(&m), Some(&good)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "a stale change is refused, never overwritten");
        assert!(body(res).await.contains("Save my version"));
        let case_page = body(app.send(Method::GET, &format!("/cases/{a}"), Some(&w), None).await).await;
        assert!(case_page.contains("Continue the plan to January") && !case_page.contains("Continue the plan<"), "the case's entry says the same");

        // Acknowledged: no more changes; the line chain adds an addendum the worker sees and is told of.
        assert_eq!(app.send(Method::POST, &format!("{record}/acknowledge"), Some(&w), Some("comment=")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.send(Method::POST, &format!("{record}/edit"), Some(&m), Some(&good.replace("version=1", "version=3"))).await.status(), StatusCode::CONFLICT);
        let page = body(app.send(Method::GET, &record, Some(&m), None).await).await;
        assert!(!page.contains("Change this record") && page.contains("Add an addendum"), "{page}");
        let res = app.send(Method::POST, &format!("{record}/addenda"), Some(&m), Some("addendum=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter the addendum"));
        assert_eq!(app.send(Method::POST, &format!("{record}/addenda"), Some(&d), Some("addendum=Father+engaged+in+January")).await.status(), StatusCode::SEE_OTHER, "anyone in the line chain");
        let page = body(app.send(Method::GET, &record, Some(&w), None).await).await;
        assert!(page.contains("Father engaged in January") && page.contains("Sami Senior") && !page.contains("Add the addendum"), "the worker reads it but does not add one: {page}");
        assert!(body(app.send(Method::GET, "/", Some(&w), None).await).await.contains("An addendum was added to your supervision"));
        assert!(!body(app.send(Method::GET, &record, Some(&h), None).await).await.contains("Father engaged in January"), "HR does not read addenda, which may speak of cases");
        assert_eq!(app.send(Method::POST, &format!("{record}/addenda"), Some(&c), Some("addendum=Mine")).await.status(), StatusCode::FORBIDDEN);

        // A group session: led by a manager, with two or more of the team; the team reads it, others do not.
        let new = format!("/teams/{team}/group-sessions");
        let page = body(app.send(Method::GET, &format!("{new}/new"), Some(&m), None).await).await;
        assert!(page.contains("Wil Worker") && !page.contains(&format!("value=\"{manager}\"")), "the leader is not offered as one of the group: {page}");
        let one = format!("kind=reflective_practice&held_on={}&theme=Quiet+children&attendees={worker}", today());
        let res = app.send(Method::POST, &new, Some(&m), Some(&one)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Choose at least 2 people who came"));
        let stranger = format!("kind=reflective_practice&held_on={}&theme=Quiet+children&attendees={worker}&attendees={outsider}", today());
        assert_eq!(app.send(Method::POST, &new, Some(&m), Some(&stranger)).await.status(), StatusCode::BAD_REQUEST);
        let both = format!("kind=reflective_practice&held_on={}&theme=Quiet+children&notes=Ask+each+child+alone&attendees={worker}&attendees={colleague}", today());
        let res = app.send(Method::POST, &new, Some(&m), Some(&both)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let session_page = location(&res).split('?').next().unwrap().to_string();
        let page = body(app.send(Method::GET, &session_page, Some(&c), None).await).await;
        assert!(page.contains("Quiet children") && page.contains("Ask each child alone") && page.contains("Wil Worker"), "{page}");
        assert!(body(app.send(Method::GET, &format!("/staff/{worker}/supervisions"), Some(&w), None).await).await.contains("Reflective practice, Quiet children"));
        assert_eq!(app.send(Method::POST, &new, Some(&c), Some(&both)).await.status(), StatusCode::FORBIDDEN, "a practitioner does not record one");
        assert_eq!(app.send(Method::GET, &session_page, Some(&o), None).await.status(), StatusCode::FORBIDDEN, "another team's practitioner");
        let list = body(app.json(Method::GET, &format!("/api/v1/teams/{team}/group-sessions"), &m, "").await).await;
        assert!(list.contains("\"total\":1") && list.contains("\"kind\":\"reflective_practice\""), "{list}");
    }
}

#[tokio::test]
async fn the_key_figures_count_supervisions_held_on_time_against_each_ones_cadence() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, None).await;
        let worker = staff(&store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
        let today = time::OffsetDateTime::now_utc().date();
        // Quarterly: 80 days after the one before is on time, 120 days is late; the one before
        // the year only sets the clock.
        let held = [400, 320, 200, 120].map(|d| today - time::Duration::days(d));
        let rows: Vec<_> = held.iter().map(|h| hearth_store::people::DemoSupervision { worker, supervisor: manager, held_on: *h, acknowledged: true }).collect();
        hearth_store::people::load_demo(&store, &rows).await.unwrap();
        let app = App::new(&store).await;
        let m = session(&store, manager).await;
        let page = body(app.send(Method::GET, &format!("/insight?team={team}"), Some(&m), None).await).await;
        let figures = page.split("id=\"people-figures\"").nth(1).expect("the people figures");
        let held_row = figures.split("Supervisions held on time (last 12 months)").nth(1).expect("the held-on-time figure");
        assert!(held_row[..300.min(held_row.len())].contains("67% (2 of 3)"), "{held_row}");
    }
}

#[tokio::test]
async fn a_new_starter_records_office_days_on_my_work_and_my_people_sets_them_against_the_expectation() {
    for store in testing::stores().await {
        let team = common::team(&store, "Home team").await;
        let senior = staff(&store, "Sami Senior", &[Role::ServiceManager], team, None).await;
        let manager = staff(&store, "Mara Manager", &[Role::TeamManager], team, Some(senior)).await;
        let other_manager = staff(&store, "Tess Teammanager", &[Role::TeamManager], team, Some(senior)).await;
        let hr = staff(&store, "Hana HR", &[Role::Hr], team, None).await;
        let today = time::OffsetDateTime::now_utc().date();
        let new_starter = hearth_domain::org::NewStaff {
            name: "Nia New".into(),
            email: hearth_domain::text::EmailAddress::parse("email", "nia.new@hearth.example").unwrap(),
            roles: vec![Role::Practitioner],
            team_id: Some(team),
            line_manager_id: Some(manager),
            fte: hearth_domain::org::Fte::FULL_TIME,
            contract: hearth_domain::org::ContractType::Employed,
            start_date: today - time::Duration::days(60),
            qualified_date: None,
            skills: vec![],
        };
        let starter = org::create_staff(&store, &AuditContext::system(), &new_starter).await.unwrap();
        let on_plan = staff(&store, "Pat Plan", &[Role::Practitioner], team, Some(manager)).await;
        let d = hearth_domain::people::improvement::PlanDraft { goals: "Reports on time".into(), support: "Weekly check-ins".into(), first_review_on: today + time::Duration::days(28), hr_partner: hr };
        hearth_store::people::plans::open(&store, &AuditContext::actor(manager, None), on_plan, manager, &d).await.unwrap();
        let app = App::new(&store).await;
        let (s, m, o) = (session(&store, starter).await, session(&store, manager).await, session(&store, other_manager).await);

        let home = body(app.send(Method::GET, "/", Some(&s), None).await).await;
        assert!(home.contains("Not recorded today") && home.contains("Expected 3 days a week until") && home.contains("(new starter): 0 of 12 in the last 4 weeks"), "{home}");
        assert_eq!(app.send(Method::POST, "/my/office-day", Some(&s), Some("in_office=perhaps")).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.send(Method::POST, "/my/office-day", Some(&s), Some("in_office=true")).await.status(), StatusCode::SEE_OTHER);
        let home = body(app.send(Method::GET, "/", Some(&s), None).await).await;
        assert!(home.contains("You are recorded in the office today") && home.contains("1 of 12 in the last 4 weeks") && home.contains("Not in the office today"), "{home}");

        // The line manager sees both; a team manager outside Pat's line chain does not learn of the plan.
        let grid = body(app.send(Method::GET, &format!("/my-people?team={team}"), Some(&m), None).await).await;
        assert!(grid.contains("Nia New</strong>: Expected 3 days a week until") && grid.contains("Pat Plan</strong>: Expected 3 days a week while the improvement plan is open"), "{grid}");
        let grid = body(app.send(Method::GET, &format!("/my-people?team={team}"), Some(&o), None).await).await;
        assert!(grid.contains("Nia New</strong>") && !grid.contains("improvement plan"), "{grid}");
    }
}
