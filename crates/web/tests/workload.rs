//! Workload through the real router on real databases: My People for a manager (and not for a
//! practitioner), allocation from the suggestions with an override needing its reason, the API's
//! answers (and its problems for bad input), a batch plan accepted, and an offer to the pool.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, LawType, NewCase, NewParticipant, PartyRole, PersonKind};
use hearth_domain::org::{ContractType, Role};
use hearth_domain::workload::AbsenceKind;
use hearth_store::{AuditContext, Store, cases, new_id, org, testing};
use time::Duration;
use uuid::Uuid;

struct World {
    app: App,
    team: Uuid,
    manager: Uuid,
    worker: Uuid,
    colleague: Uuid,
    away: Uuid,
    bank: Uuid,
    waiting: Uuid,
}

async fn case(store: &Store, team: Uuid, worker: Option<Uuid>, n: usize) -> Uuid {
    let today = hearth_store::now().date();
    let c = NewCase {
        court_case_number: format!("BS26P{n:05}"),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: org::courts(store).await.unwrap()[0].id,
        local_authority_id: None,
        team_id: team,
        received_on: today - Duration::days(10),
        urgent: false,
        first_hearing_on: Some(today + Duration::days(40)),
        issued_on: None,
        flags: vec![],
    };
    let ctx = AuditContext::system();
    let (id, _) = cases::create(store, &ctx, &c, &[]).await.unwrap();
    let child = NewParticipant {
        full_name: format!("Poppy Number{n}"),
        date_of_birth: Some(time::macros::date!(2018 - 03 - 09)),
        kind: PersonKind::Child,
        role: PartyRole::SubjectChild,
        relationship: None,
        contact: None,
        no_texts: false,
        address_withheld: false,
        interpreter_language: None,
        address: None,
    };
    cases::add_participant(store, &ctx, id, &child).await.unwrap();
    if let Some(w) = worker {
        hearth_store::workload::allocate(store, &Default::default(), &ctx, id, Some(w), "Has capacity", Default::default(), cases::case_record(store, id).await.unwrap().version).await.unwrap();
    }
    id
}

async fn world(store: &Store) -> World {
    org::ensure_reference_data(store).await.unwrap();
    let areas = org::area_refs(store).await.unwrap();
    let (team, pool_team) = (new_id(), new_id());
    let mut tx = store.begin().await.unwrap();
    org::insert_team(&mut tx, team, "Bristol team", areas[0].id, None).await.unwrap();
    org::insert_team(&mut tx, pool_team, "Bath team", areas[0].id, None).await.unwrap();
    tx.commit().await.unwrap();
    let manager = staff(store, "Mara Manager", &[Role::TeamManager], team, None).await;
    let worker = staff(store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
    let colleague = staff(store, "Cleo Colleague", &[Role::Practitioner], team, Some(manager)).await;
    let away = staff(store, "Ava Away", &[Role::Practitioner], team, Some(manager)).await;
    let bank = org::create_staff(
        store,
        &AuditContext::system(),
        &hearth_domain::org::NewStaff {
            name: "Bo Bank".into(),
            email: hearth_domain::text::EmailAddress::parse("email", "bo.bank@hearth.example").unwrap(),
            roles: vec![Role::Practitioner],
            team_id: Some(pool_team),
            line_manager_id: None,
            fte: hearth_domain::org::Fte::from_hundredths(40).unwrap(),
            contract: ContractType::Bank,
            start_date: time::macros::date!(2024 - 01 - 01),
            qualified_date: None,
            skills: vec![],
        },
    )
    .await
    .unwrap();
    // The worker carries ten cases, the colleague none: the colleague is the top suggestion.
    for n in 0..10 {
        case(store, team, Some(worker), n).await;
    }
    let today = hearth_store::now().date();
    hearth_store::workload::record_absence(store, &AuditContext::system(), away, AbsenceKind::Sickness, today - Duration::days(2), today + Duration::days(30)).await.unwrap();
    let waiting = case(store, team, None, 50).await;
    World { app: App::new(store).await, team, manager, worker, colleague, away, bank, waiting }
}

#[tokio::test]
async fn a_manager_sees_my_people_and_allocates_from_the_suggestions() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let res = w.app.send(Method::GET, &format!("/my-people?team={}", w.team), Some(&m), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("My People: Bristol team") && page.contains("Wil Worker") && page.contains("Green"), "{page}");
        assert!(page.contains("Sickness until"), "the absent worker's leave shows");
        // Sorting and filtering by band.
        let res = w.app.send(Method::GET, &format!("/my-people?team={}&sort=name&band=red", w.team), Some(&m), None).await;
        assert!(body(res).await.contains("Showing 0 of 3 people"));
        // A practitioner has no My People.
        let p = session(&store, w.worker).await;
        assert_eq!(w.app.send(Method::GET, "/my-people", Some(&p), None).await.status(), StatusCode::FORBIDDEN);

        // The allocate page ranks the colleague first and says why the absent worker is left out.
        let path = format!("/cases/{}/allocate", w.waiting);
        let page = body(w.app.send(Method::GET, &path, Some(&m), None).await).await;
        let colleague_at = page.find("Cleo Colleague").unwrap();
        assert!(colleague_at < page.find("Wil Worker").unwrap(), "the colleague with headroom ranks first");
        assert!(page.contains("Ava Away</strong>: Away until"), "{page}");
        let version = cases::case_record(&store, w.waiting).await.unwrap().version;
        // Passing over the top suggestion without a reason names it.
        let res = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=&version={version}", w.worker))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("why not the top suggestion, Cleo Colleague"));
        // Choosing someone who is away is refused with why.
        let res = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=Anyone&version={version}", w.away))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Ava Away cannot take this case: away until"));
        let res = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=Most+headroom&version={version}", w.colleague))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.map(|a| a.id), Some(w.colleague));
        // The same form sent again from another tab names the worker who now holds the case:
        // it is stale, answered like every other stale allocation, and changes nothing.
        let res = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=Most+headroom&version={version}", w.colleague))).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body(res).await.contains("This case changed since you opened it"));
        assert_eq!(cases::case_record(&store, w.waiting).await.unwrap().version, version + 1, "nothing more was saved");
        // The colleague sees it in My Work.
        let c = session(&store, w.colleague).await;
        let home = body(w.app.send(Method::GET, "/", Some(&c), None).await).await;
        assert!(home.contains("My work") && home.contains(&cases::case_record(&store, w.waiting).await.unwrap().reference), "{home}");
    }
}

#[tokio::test]
async fn the_api_explains_workload_and_answers_bad_input_with_problems() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let res = w.app.json(Method::GET, &format!("/api/v1/staff/{}/workload", w.worker), &m, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(v["cases"].as_array().unwrap().len(), 10);
        assert_eq!(v["band"], "green");
        assert_eq!(v["points"], 15.0);
        let res = w.app.json(Method::GET, &format!("/api/v1/cases/{}/allocation-suggestions", w.waiting), &m, "").await;
        let v: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(v["ranked"][0]["staff_id"], w.colleague.to_string());
        assert!(v["ineligible"].as_array().unwrap().iter().any(|x| x["reason"] == "away"));
        let res = w.app.json(Method::GET, &format!("/api/v1/teams/{}/my-people", w.team), &m, "").await;
        let v: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(v["people"].as_array().unwrap().len(), 3);
        // A practitioner cannot read a colleague's workload.
        let p = session(&store, w.worker).await;
        assert_eq!(w.app.json(Method::GET, &format!("/api/v1/staff/{}/workload", w.colleague), &p, "").await.status(), StatusCode::FORBIDDEN);

        // Bad JSON and an unknown team are problems, not 500s.
        let res = w.app.json(Method::POST, "/api/v1/allocation-plans", &m, "{\"team\": 1}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert!(body(res).await.contains("\"field\":\"body\""));
        assert_eq!(w.app.json(Method::POST, "/api/v1/allocation-plans", &m, &format!("{{\"team_id\": \"{}\"}}", new_id())).await.status(), StatusCode::NOT_FOUND);
        // A plan proposed and accepted whole.
        let res = w.app.json(Method::POST, "/api/v1/allocation-plans", &m, &format!("{{\"team_id\": \"{}\"}}", w.team)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let plan: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(plan["items"][0]["worker_id"], w.colleague.to_string());
        assert!(plan["allocated"].as_u64() >= plan["greedy_allocated"].as_u64());
        let res = w.app.json(Method::POST, &format!("/api/v1/allocation-plans/{}/accept", plan["id"].as_str().unwrap()), &m, "{}").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.map(|a| a.id), Some(w.colleague));
        // Accepting again is refused, naming the plan.
        let res = w.app.json(Method::POST, &format!("/api/v1/allocation-plans/{}/accept", plan["id"].as_str().unwrap()), &m, "{}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"plan\""));
    }
}

#[tokio::test]
async fn a_case_offered_to_the_pool_is_taken_by_the_first_to_accept() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        // Offering to someone outside the pool is refused, naming the field.
        let res = w.app.json(Method::POST, &format!("/api/v1/cases/{}/offers", w.waiting), &m, &format!("{{\"worker_ids\": [\"{}\"]}}", w.worker)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"worker_ids\""));
        // The offer page lists the bank worker; the form offers the case.
        let page = body(w.app.send(Method::GET, &format!("/cases/{}/offer", w.waiting), Some(&m), None).await).await;
        assert!(page.contains("Bo Bank"), "{page}");
        let res = w.app.send(Method::POST, &format!("/cases/{}/offer", w.waiting), Some(&m), Some("note=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "choosing nobody is an error");
        let res = w.app.send(Method::POST, &format!("/cases/{}/offer", w.waiting), Some(&m), Some(&format!("worker_ids={}&note=Section+7", w.bank))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // The bank worker sees it on their home page and accepts.
        let b = session(&store, w.bank).await;
        let home = body(w.app.send(Method::GET, "/", Some(&b), None).await).await;
        assert!(home.contains("1 offer of work waiting"), "{home}");
        let offers: serde_json::Value = serde_json::from_str(&body(w.app.json(Method::GET, "/api/v1/offers", &b, "").await).await).unwrap();
        let id = offers[0]["id"].as_str().unwrap().to_string();
        let res = w.app.send(Method::POST, &format!("/my/offers/{id}"), Some(&b), Some("answer=maybe")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = w.app.send(Method::POST, &format!("/my/offers/{id}"), Some(&b), Some("answer=accept")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/cases/{}", w.waiting));
        assert_eq!(w.app.send(Method::GET, &location(&res), Some(&b), None).await.status(), StatusCode::OK, "the case is theirs to open");
        // Someone else cannot answer it.
        let res = w.app.json(Method::POST, &format!("/api/v1/offers/{id}/decline"), &m, "").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn time_away_is_recorded_with_clear_errors() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let p = session(&store, w.worker).await;
        let path = format!("/staff/{}/absences", w.worker);
        let res = w.app.send(Method::POST, &path, Some(&p), Some("kind=annual_leave&first_day=2027-02-10&last_day=2027-02-01")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("The last day away must be the same as or after the first day"));
        // Annual leave is asked for on the leave page, never recorded here.
        let res = w.app.send(Method::POST, &path, Some(&p), Some("kind=annual_leave&first_day=2027-02-01&last_day=2027-02-10")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Annual leave is asked for and approved on the person"));
        let res = w.app.send(Method::POST, &path, Some(&p), Some("kind=training&first_day=2027-02-01&last_day=2027-02-10")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = w.app.send(Method::POST, &path, Some(&p), Some("kind=sickness&first_day=2027-02-05&last_day=2027-02-06")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("overlaps time away already recorded"));
        let page = body(w.app.send(Method::GET, &format!("/staff/{}/workload", w.worker), Some(&p), None).await).await;
        assert!(page.contains("Training: 1 February 2027 to 10 February 2027"), "{page}");
        // A colleague cannot record time away for them.
        let c = session(&store, w.colleague).await;
        assert_eq!(w.app.send(Method::POST, &path, Some(&c), Some("kind=annual_leave&first_day=2027-03-01&last_day=2027-03-02")).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn key_figures_for_a_team_with_targets_csv_and_problems() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let today = hearth_store::now().date();
        hearth_store::workload::snapshot_all(&store, &Default::default(), today).await.unwrap();
        let m = session(&store, w.manager).await;
        // Before the months are measured the page says so, rather than showing noughts as figures.
        let page = body(w.app.send(Method::GET, "/insight", Some(&m), None).await).await;
        assert!(page.contains("These months have not been measured yet"), "{page}");
        hearth_store::insight::refresh(&store, &hearth_domain::calendar::WorkingCalendar::england_and_wales(), today).await.unwrap();
        let res = w.app.send(Method::GET, "/insight", Some(&m), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("Key figures") && page.contains("Private law work unallocated now") && page.contains("1 of 11"), "{page}");
        assert!(page.contains("Private law work unallocated at month end") && page.contains("Month by month"), "{page}");
        assert!(page.contains(&hearth_domain::insight::Month::of(today).label()), "this month has a row");
        assert!(page.contains("Practitioners by band"));
        let res = w.app.send(Method::GET, "/insight?from=2026-12-01&to=2026-11-01", Some(&m), None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The first day must be on or before the last day"));
        let res = w.app.json(Method::GET, &format!("/api/v1/insight/kpis?team={}&from=yesterday", w.team), &m, "").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"from\""));
        let res = w.app.json(Method::GET, &format!("/api/v1/insight/kpis?team={}", w.team), &m, "").await;
        let v: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let green = v["bands"].as_array().unwrap().iter().find(|b| b["band"] == "green").unwrap()["practitioners"].as_i64().unwrap();
        assert_eq!(green, 3, "the team's three practitioners are green");
        let res = w.app.send(Method::GET, "/insight.csv", Some(&m), None).await;
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = body(res).await;
        assert!(csv.starts_with("measure,value,number,target,met\n") && csv.contains(&format!("\n{},", hearth_domain::insight::Month::of(today).code())), "{csv}");
        // Another area's figures are refused; a practitioner has none.
        let other = org::area_refs(&store).await.unwrap()[1].id;
        assert_eq!(w.app.send(Method::GET, &format!("/insight?area={other}"), Some(&m), None).await.status(), StatusCode::FORBIDDEN);
        let p = session(&store, w.worker).await;
        assert_eq!(w.app.send(Method::GET, "/insight", Some(&p), None).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn figures_for_the_worker_and_their_manager_beside_the_team_median() {
    for store in testing::stores().await {
        let w = world(&store).await;
        hearth_store::insight::refresh(&store, &hearth_domain::calendar::WorkingCalendar::england_and_wales(), hearth_store::now().date()).await.unwrap();
        let p = session(&store, w.worker).await;
        let res = w.app.send(Method::GET, "/my/figures", Some(&p), None).await;
        assert_eq!(res.headers()["location"], format!("/staff/{}/figures", w.worker).as_str());
        let page = body(w.app.send(Method::GET, &format!("/staff/{}/figures", w.worker), Some(&p), None).await).await;
        assert!(page.contains("Your figures") && page.contains("Days from allocation to first contact") && page.contains("Team median"), "{page}");
        assert_eq!(page.matches("<svg class=\"hearth-chart\"").count(), 4, "a chart for each measure");
        let m = session(&store, w.manager).await;
        assert_eq!(w.app.send(Method::GET, &format!("/staff/{}/figures", w.worker), Some(&m), None).await.status(), StatusCode::OK);
        // Figures hold grades, which are personal: a colleague is refused.
        let c = session(&store, w.colleague).await;
        assert_eq!(w.app.send(Method::GET, &format!("/staff/{}/figures", w.worker), Some(&c), None).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_manager_moves_the_cases_of_someone_who_has_left() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        // Wil leaves with ten cases: My People says so, and leads to his workload page.
        let version = org::staff_record(&store, w.worker).await.unwrap().version;
        org::record_leaver(&store, &AuditContext::system(), w.worker, hearth_store::now().date(), version).await.unwrap();
        let page = body(w.app.send(Method::GET, "/my-people", Some(&m), None).await).await;
        assert!(page.contains("Someone who has left still holds cases") && page.contains(&format!("/staff/{}/workload\">Wil Worker</a>: 10 open cases", w.worker)), "{page}");
        let api: serde_json::Value = serde_json::from_str(&body(w.app.json(Method::GET, &format!("/api/v1/teams/{}/my-people", w.team), &m, "").await).await).unwrap();
        assert_eq!(api["leavers"], serde_json::json!([{ "staff_id": w.worker, "name": "Wil Worker", "open_cases": 10 }]));
        let page = body(w.app.send(Method::GET, &format!("/staff/{}/workload", w.worker), Some(&m), None).await).await;
        assert!(page.contains("Plan moving their cases") && page.contains("Their figures over 12 months"), "{page}");
        let res = w.app.send(Method::POST, &format!("/staff/{}/moving-plan", w.worker), Some(&m), Some("")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let plan = location(&res);
        let page = body(w.app.send(Method::GET, &plan, Some(&m), None).await).await;
        assert!(page.contains("Plan moving Wil Worker&#39;s cases") || page.contains("Plan moving Wil Worker's cases"), "{page}");
        assert!(page.contains("Cleo Colleague") && page.contains("Move the selected cases"));
        assert!(!page.contains("Ava Away"), "the absent colleague is not planned for");
        // Accepting every planned move leaves the worker with nothing.
        let ids: Vec<String> = hearth_store::workload::plans::get(&store, plan.rsplit('/').next().unwrap().parse().unwrap()).await.unwrap().items.iter().map(|i| format!("case_ids={}", i.case_id)).collect();
        let res = w.app.send(Method::POST, &format!("{plan}/accept"), Some(&m), Some(&ids.join("&"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let load = hearth_store::workload::worker_load(&store, &Default::default(), w.worker, hearth_store::now().date()).await.unwrap();
        assert!(load.cases.is_empty());
        // The API: nothing left to move is a problem naming the field; a practitioner may not plan.
        let res = w.app.json(Method::POST, &format!("/api/v1/staff/{}/moving-plans", w.worker), &m, "{}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"worker_id\""));
        let p = session(&store, w.colleague).await;
        assert_eq!(w.app.send(Method::POST, &format!("/staff/{}/moving-plan", w.worker), Some(&p), Some("")).await.status(), StatusCode::FORBIDDEN);
    }
}
