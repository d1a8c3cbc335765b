//! Supervision through the real router on real databases: a line manager records a supervision
//! from its agenda, its decisions reach the cases' chronologies, the worker acknowledges it, HR
//! reads it without the case content, and nobody outside the line chain or HR reads it at all.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, CaseFlag, LawType, NewCase};
use hearth_domain::org::Role;
use hearth_store::{AuditContext, Store, cases, new_id, org, testing};
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
