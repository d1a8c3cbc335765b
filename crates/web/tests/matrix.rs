//! The authorisation matrix: every route × role × relationship to the record, through the real
//! router on a real database, must answer 403 exactly when the permission table says no.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use hearth_domain::access::{Relationships, Scope, permits, permits_somewhere};
use hearth_domain::org::{ContractType, Fte, NewStaff, Role};
use hearth_domain::text::EmailAddress;
use hearth_domain::cases::{ApplicationKind, LawType, NewCase};
use hearth_store::{AuditContext, Store, cases, new_id, org, testing};
use hearth_web::routes::{self, Access, Target};
use tower::ServiceExt;
use uuid::Uuid;

const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

async fn person(store: &Store, n: &mut u32, roles: &[Role], team: Uuid, manager: Option<Uuid>) -> Uuid {
    *n += 1;
    let staff = NewStaff {
        name: format!("Person {n}"),
        email: EmailAddress::parse("email", &format!("person{n}@hearth.example")).unwrap(),
        roles: roles.to_vec(),
        team_id: Some(team),
        line_manager_id: manager,
        fte: Fte::FULL_TIME,
        contract: ContractType::Employed,
        start_date: time::macros::date!(2024 - 01 - 01),
        qualified_date: None,
        skills: vec![],
    };
    org::create_staff(store, &AuditContext::system(), &staff).await.unwrap()
}

async fn session(store: &Store, staff: Uuid) -> String {
    let mut tx = store.begin().await.unwrap();
    let token = hearth_store::auth::create_session(&mut tx, staff, true).await.unwrap();
    tx.commit().await.unwrap();
    token
}

fn only(scope: Scope) -> Relationships {
    let mut r = Relationships::default();
    match scope {
        // Being the record's own person also means the same team and area.
        Scope::Own => (r.own, r.team, r.area) = (true, true, true),
        Scope::LineChain => r.line_chain = true,
        // On duty for the record's team, and so also in it.
        Scope::Duty => (r.duty, r.team, r.area) = (true, true, true),
        // A mentor buddy is in the starter's team (the store insists on it).
        Scope::Mentor => (r.mentor, r.team, r.area) = (true, true, true),
        Scope::Team => (r.team, r.area) = (true, true),
        Scope::Area => r.area = true,
        Scope::National => {}
    }
    r
}

async fn call(app: &axum::Router, method: &Method, path: &str, token: &str) -> StatusCode {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("cookie", format!("hearth_session={token}; hearth_csrf={CSRF}"));
    if *method != Method::GET && *method != Method::POST {
        req = req.header("x-csrf-token", CSRF);
    }
    let body = if *method == Method::POST {
        req = req.header("content-type", "application/x-www-form-urlencoded");
        Body::from(format!("csrf_token={CSRF}"))
    } else {
        Body::empty()
    };
    app.clone().oneshot(req.body(body).unwrap()).await.unwrap().status()
}

/// Fills any placeholder other than `{id}` (a note, a check, a task) with an id that names nothing:
/// the permission on the case is decided before the sub-record is looked up.
fn other_ids(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        out.push_str(&Uuid::now_v7().to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// An open case in the subject's team, allocated to the subject, so the actor stands to the case
/// as they stand to the subject.
async fn case_of(store: &Store, subject: Uuid) -> Uuid {
    let team = org::placement(store, subject).await.unwrap().team_id.unwrap();
    let id = waiting_case(store, team, "MX26P00001", vec![]).await;
    let version = cases::case_record(store, id).await.unwrap().version;
    hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), id, Some(subject), "Has capacity and knows the family", Default::default(), version).await.unwrap();
    id
}

#[tokio::test]
async fn every_route_role_and_relationship_follows_the_permission_table() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap();
        let (t1, t2, t3) = (new_id(), new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, t1, "Team one", areas[0].id, None).await.unwrap();
        org::insert_team(&mut tx, t2, "Team two", areas[0].id, None).await.unwrap();
        org::insert_team(&mut tx, t3, "Team three", areas[1].id, None).await.unwrap();
        tx.commit().await.unwrap();
        // The real typesetter, so the PDF preview answers as in service.
        let config = hearth_web::WebConfig { typesetter: std::sync::Arc::new(|r| hearth_docs::report_pdf(r).map_err(|e| e.to_string())), ..Default::default() };
        let state = hearth_web::AppState::new(store.store.clone(), config).await.unwrap();
        let app = hearth_web::router(state);
        let routes = routes::all();
        let mut n = 0;
        let mut checked = 0;
        for role in Role::ALL {
            for scope in Scope::ALL {
                let (actor, subject) = match scope {
                    Scope::Own => {
                        let a = person(&store, &mut n, &[*role], t1, None).await;
                        (a, a)
                    }
                    Scope::LineChain => {
                        let a = person(&store, &mut n, &[*role], t3, None).await;
                        (a, person(&store, &mut n, &[Role::Practitioner], t1, Some(a)).await)
                    }
                    Scope::Duty => {
                        let a = person(&store, &mut n, &[*role], t1, None).await;
                        org::set_duty(&store, &AuditContext::system(), a, true).await.unwrap();
                        (a, person(&store, &mut n, &[Role::Practitioner], t1, None).await)
                    }
                    Scope::Mentor => {
                        let a = person(&store, &mut n, &[*role], t1, None).await;
                        let starter = person(&store, &mut n, &[Role::Practitioner], t1, None).await;
                        let d = hearth_domain::people::induction::InductionDraft { mentor: a, starts_on: time::macros::date!(2026 - 12 - 07) };
                        hearth_store::people::induction::start(&store, &AuditContext::system(), starter, a, &d, &Default::default(), &Default::default()).await.unwrap();
                        (a, starter)
                    }
                    Scope::Team => (person(&store, &mut n, &[*role], t1, None).await, person(&store, &mut n, &[Role::Practitioner], t1, None).await),
                    Scope::Area => (person(&store, &mut n, &[*role], t1, None).await, person(&store, &mut n, &[Role::Practitioner], t2, None).await),
                    Scope::National => (person(&store, &mut n, &[*role], t1, None).await, person(&store, &mut n, &[Role::Practitioner], t3, None).await),
                };
                let case = case_of(&store, subject).await;
                // A draft on that case, written by the subject: a work route's actor stands to it
                // as they stand to the subject.
                let work = hearth_store::courtwork::start(&store, &AuditContext::system(), case, hearth_domain::quality::WorkType::Section7Report, subject).await.unwrap();
                for route in &routes {
                    let forbidden = match route.access {
                        // Duty reaches case records only: to a staff record, a duty worker is a teammate.
                        Access::Permission(p, Target::Staff) if *scope == Scope::Duty => !permits(&[*role], p, &only(Scope::Team)),
                        Access::Permission(p, Target::Staff | Target::Case | Target::Work) => !permits(&[*role], p, &only(*scope)),
                        Access::Permission(p, Target::Collection) => {
                            // Scope does not apply to a collection: check it once per role.
                            if *scope != Scope::National {
                                continue;
                            }
                            !permits_somewhere(&[*role], p)
                        }
                        Access::Public | Access::PasswordOnly | Access::SignedIn => false,
                    };
                    let id = match route.access {
                        Access::Permission(_, Target::Case) => case,
                        Access::Permission(_, Target::Work) => work,
                        _ => subject,
                    };
                    let path = other_ids(&route.path.replace("{id}", &id.to_string()));
                    let token = session(&store, actor).await;
                    let reads = matches!(route.access, Access::Permission(_, Target::Case | Target::Work | Target::Staff)) && route.method == Method::GET;
                    let before = if reads { reads_by(&store, actor, &[id, case]).await } else { 0 };
                    let status = call(&app, &route.method, &path, &token).await;
                    // Every read of a case, a piece of work or a person leaves its event: the
                    // route table says which routes read, so none can forget.
                    if reads && status.is_success() {
                        assert!(reads_by(&store, actor, &[id, case]).await > before, "{} {} answered {status} with no audit event of the read", route.method, route.path);
                    }
                    assert_eq!(
                        status == StatusCode::FORBIDDEN,
                        forbidden,
                        "{} {} as {role:?} at {scope:?} on {:?}: got {status}",
                        route.method,
                        route.path,
                        store.engine()
                    );
                    assert!(!status.is_server_error(), "{} {} as {role:?}: {status}", route.method, route.path);
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked} combinations checked");
    }
}

/// Events by this actor about any of these records.
async fn reads_by(store: &Store, actor: Uuid, subjects: &[Uuid]) -> i64 {
    let mut n = 0;
    for s in subjects {
        let q = hearth_store::audit::AuditQuery { actor_id: Some(actor.to_string()), subject_id: Some(s.to_string()), ..Default::default() };
        n += hearth_store::audit::search(store, &q, hearth_store::PageRequest::new(None, None)).await.unwrap().total;
    }
    n
}

#[tokio::test]
async fn nothing_but_public_routes_answers_a_stranger() {
    let store = testing::fresh(hearth_store::Engine::Sqlite).await;
    let state = hearth_web::AppState::new(store.store.clone(), hearth_web::WebConfig::default()).await.unwrap();
    let app = hearth_web::router(state);
    for route in routes::all() {
        let path = other_ids(route.path);
        let status = call(&app, &route.method, &path, "no-such-session").await;
        match route.access {
            Access::Public => assert!(!status.is_server_error(), "{path}: {status}"),
            _ if path.starts_with("/api/") => assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}"),
            _ => assert_eq!(status, StatusCode::SEE_OTHER, "{} {path} should send a stranger to sign in", route.method),
        }
    }
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let store = testing::fresh(hearth_store::Engine::Sqlite).await;
    let state = hearth_web::AppState::new(store.store.clone(), hearth_web::WebConfig::default()).await.unwrap();
    let app = hearth_web::router(state);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header("cookie", format!("hearth_csrf={CSRF}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("email=a%40b.org&password=x&csrf_token=wrong"))
        .unwrap();
    assert_eq!(app.oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
}

/// A waiting case in a team, unallocated.
async fn waiting_case(store: &Store, team: Uuid, number: &str, flags: Vec<hearth_domain::cases::CaseFlag>) -> Uuid {
    let court = org::courts(store).await.unwrap()[0].id;
    let case = NewCase {
        court_case_number: number.into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: court,
        local_authority_id: None,
        team_id: team,
        received_on: time::macros::date!(2026 - 11 - 02),
        urgent: false,
        first_hearing_on: Some(time::macros::date!(2026 - 12 - 07)),
        issued_on: None,
        flags,
    };
    cases::create(store, &AuditContext::system(), &case, &[]).await.unwrap().0
}

/// Routes whose `{id}` names a record the route table cannot type (a plan, an offer, a transfer,
/// a team, a case offered by break-glass) are checked by their handlers: each is asked for a real
/// record of another team, by someone who holds the permission somewhere but not there, and must
/// refuse; the record's own manager is let in, so the refusal is the check's, not a missing record.
#[tokio::test]
async fn a_collection_route_naming_a_record_checks_the_caller_against_it() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap();
        let (home, far, receiving) = (new_id(), new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, home, "Home team", areas[0].id, None).await.unwrap();
        org::insert_team(&mut tx, far, "Far team", areas[1].id, None).await.unwrap();
        org::insert_team(&mut tx, receiving, "Receiving team", areas[2].id, None).await.unwrap();
        tx.commit().await.unwrap();
        let config = hearth_web::WebConfig::default();
        let files = config.files.clone();
        let app = hearth_web::router(hearth_web::AppState::new(store.store.clone(), config).await.unwrap());
        let mut n = 100;
        let outsider = person(&store, &mut n, &[Role::TeamManager, Role::Practitioner], home, None).await;
        let owner = person(&store, &mut n, &[Role::TeamManager], far, None).await;
        let taker = person(&store, &mut n, &[Role::TeamManager], receiving, None).await;
        let far_worker = person(&store, &mut n, &[Role::Practitioner], far, Some(owner)).await;
        let bank = NewStaff {
            name: "Bea Bank".into(),
            email: EmailAddress::parse("email", "bea.bank@hearth.example").unwrap(),
            roles: vec![Role::Practitioner],
            team_id: Some(far),
            line_manager_id: None,
            fte: Fte::FULL_TIME,
            contract: ContractType::Bank,
            start_date: time::macros::date!(2024 - 01 - 01),
            qualified_date: None,
            skills: vec![],
        };
        let bank = org::create_staff(&store, &AuditContext::system(), &bank).await.unwrap();

        let hub = waiting_case(&store, far, "MX26P00101", vec![]).await;
        let settings = hearth_domain::workload::WorkloadSettings::default();
        let today = hearth_store::now().date();
        let plan = hearth_store::workload::plans::propose(&store, &AuditContext::actor(owner, None), &settings, &Default::default(), far, true, today).await.unwrap();
        hearth_store::workload::offers::make(&store, &AuditContext::actor(owner, None), &settings, hub, &[bank], None).await.unwrap();
        let offer = hearth_store::workload::offers::on_case(&store, hub).await.unwrap()[0].id;
        let moving = waiting_case(&store, far, "MX26P00102", vec![]).await;
        let version = cases::case_record(&store, moving).await.unwrap().version;
        let transfer = cases::transfers::offer(&store, &AuditContext::actor(owner, None), moving, receiving, "Family moved", version).await.unwrap();
        let restricted = waiting_case(&store, far, "MX26P00103", vec![hearth_domain::cases::CaseFlag::Restricted]).await;

        let (out, own, take) = (session(&store, outsider).await, session(&store, owner).await, session(&store, taker).await);
        let meeting = {
            use hearth_domain::people::meetings::MeetingDraft;
            let d = MeetingDraft { held_on: today, office_id: None, agenda: "Caseloads".into(), attendees: vec![], actions: vec![] };
            hearth_store::people::meetings::record(&store, &AuditContext::actor(owner, None), far, Some(owner), &d).await.unwrap()
        };
        let supervision = {
            let s = hearth_domain::people::NewSupervision { held_on: today, discussions: vec![], wellbeing: String::new(), development: String::new() };
            hearth_store::people::record(&store, &AuditContext::actor(owner, None), far_worker, &hearth_store::org::NamedRef { id: owner, name: "Owner".into() }, &s).await.unwrap()
        };
        let leave = {
            use hearth_domain::people::leave::{DayPart, LeaveDraft, RequestKind};
            let (settings, calendar) = (Default::default(), hearth_domain::calendar::WorkingCalendar::with_known_changes());
            let mut day = today + time::Duration::days(10);
            while !calendar.is_working_day(day) {
                day += time::Duration::days(1);
            }
            let d = LeaveDraft { kind: RequestKind::Annual, first: day, last: day, part: DayPart::Whole, minutes: 444, note: String::new() };
            hearth_store::people::leave::ask(&store, &AuditContext::actor(far_worker, None), hearth_store::people::leave::Rules { settings: &settings, calendar: &calendar }, far_worker, &d).await.unwrap()
        };
        let (episode, review) = {
            use hearth_domain::people::sickness::{Report, SicknessReason};
            let (settings, leave, calendar) = (Default::default(), Default::default(), hearth_domain::calendar::WorkingCalendar::with_known_changes());
            let rules = hearth_store::people::sickness::Rules { settings: &settings, leave: &leave, calendar: &calendar };
            let r = Report { first: today - time::Duration::days(40), expected_return: today + time::Duration::days(5), reason: SicknessReason::Injury, note: String::new() };
            let episode = hearth_store::people::sickness::report(&store, &AuditContext::actor(owner, None), rules, far_worker, &r).await.unwrap();
            hearth_store::people::sickness::refer_long_term(&store, rules, today).await.unwrap();
            (episode, hearth_store::people::sickness::reviews_of(&store, far_worker).await.unwrap().last().unwrap().id)
        };
        // Two claims of the far worker's: one sent to their manager, one still a draft with a journey.
        let (sent, draft, line) = {
            use hearth_store::people::expenses as x;
            let s = hearth_domain::people::expenses::ExpenseSettings::default();
            let as_worker = AuditContext::actor(far_worker, None);
            let j = hearth_domain::people::expenses::Journey { from_place: "Office".into(), to_place: "Court".into(), tenths: 100, round_trip: true, passengers: 0 };
            let sent = x::start(&store, &as_worker, far_worker).await.unwrap();
            x::add_journey(&store, &as_worker, &s, sent, 1, today, "Training day", &j).await.unwrap();
            x::submit(&store, &as_worker, &s, sent, 2, "", today).await.unwrap();
            let draft = x::start(&store, &as_worker, far_worker).await.unwrap();
            let line = x::add_journey(&store, &as_worker, &s, draft, 1, today, "Team day", &j).await.unwrap();
            (sent, draft, line)
        };
        let group_session = {
            use hearth_domain::people::group::{SessionDraft, SessionKind};
            let d = SessionDraft { kind: SessionKind::GroupSupervision, held_on: today, theme: "Quiet children".into(), notes: String::new(), attendees: vec![far_worker, bank] };
            hearth_store::people::group::record(&store, &AuditContext::actor(owner, None), far, owner, &d).await.unwrap()
        };
        let far_room = hearth_store::teamrooms::rooms(&store).await.unwrap().into_iter().find(|r| r.team_id == Some(far)).unwrap().id;
        let far_thread = {
            let room = hearth_store::teamrooms::room(&store, far_room).await.unwrap();
            let d = hearth_domain::teamrooms::PostDraft { title: Some("Cover on Friday".into()), body: "Who can cover duty?".into(), announcement: false };
            hearth_store::teamrooms::start_thread(&store, &AuditContext::actor(far_worker, None), &room, far_worker, &d).await.unwrap()
        };
        let worker = session(&store, far_worker).await;
        let fit = hearth_store::people::sickness::add_fit_note(&store, &files, &AuditContext::actor(owner, None), episode, hearth_domain::documents::FileType::Pdf, b"%PDF-1.4 fit note").await.unwrap();
        let checks: Vec<(Method, String, &str, StatusCode)> = vec![
            (Method::GET, format!("/rooms/{far_room}"), &own, StatusCode::OK),
            (Method::POST, format!("/rooms/{far_room}/threads"), "", StatusCode::OK),
            (Method::GET, format!("/room-threads/{far_thread}"), &own, StatusCode::OK),
            (Method::POST, format!("/room-threads/{far_thread}/replies"), "", StatusCode::OK),
            (Method::POST, format!("/room-threads/{far_thread}/pin"), "", StatusCode::OK),
            (Method::POST, format!("/room-posts/{far_thread}/react"), "", StatusCode::OK),
            (Method::GET, format!("/room-posts/{far_thread}/edit"), &worker, StatusCode::OK),
            (Method::POST, format!("/room-posts/{far_thread}/edit"), "", StatusCode::OK),
            (Method::GET, format!("/room-posts/{far_thread}/hide"), &own, StatusCode::OK),
            (Method::POST, format!("/room-posts/{far_thread}/hide"), "", StatusCode::OK),
            (Method::GET, format!("/api/v1/rooms/{far_room}/posts"), &own, StatusCode::OK),
            (Method::POST, format!("/api/v1/rooms/{far_room}/posts"), "", StatusCode::OK),
            (Method::GET, format!("/expense-claims/{sent}"), &own, StatusCode::OK),
            (Method::POST, format!("/expense-claims/{sent}/decision"), "", StatusCode::OK),
            (Method::GET, format!("/api/v1/expense-claims/{sent}"), &own, StatusCode::OK),
            (Method::POST, format!("/api/v1/expense-claims/{sent}/approve"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/expense-claims/{sent}/refuse"), "", StatusCode::OK),
            (Method::POST, format!("/expense-claims/{draft}/visits"), "", StatusCode::OK),
            (Method::GET, format!("/expense-claims/{draft}/costs/new"), &worker, StatusCode::OK),
            (Method::POST, format!("/expense-claims/{draft}/costs"), "", StatusCode::OK),
            (Method::POST, format!("/expense-claims/{draft}/submit"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/expense-claims/{draft}/submit"), "", StatusCode::OK),
            (Method::GET, format!("/expense-lines/{line}/journey"), &worker, StatusCode::OK),
            (Method::POST, format!("/expense-lines/{line}/journey"), "", StatusCode::OK),
            (Method::POST, format!("/expense-lines/{line}/remove"), "", StatusCode::OK),
            // A journey has no receipt.
            (Method::GET, format!("/expense-lines/{line}/receipt"), &own, StatusCode::NOT_FOUND),
            (Method::GET, format!("/expense-lines/{line}/thumbnail"), "", StatusCode::OK),
            (Method::GET, format!("/allocation-plans/{plan}"), &own, StatusCode::OK),
            (Method::POST, format!("/allocation-plans/{plan}/accept"), "", StatusCode::OK),
            (Method::POST, format!("/allocation-plans/{plan}/discard"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/allocation-plans/{plan}/accept"), "", StatusCode::OK),
            (Method::POST, format!("/offers/{offer}/withdraw"), "", StatusCode::OK),
            (Method::GET, format!("/transfers/{transfer}"), &take, StatusCode::OK),
            (Method::POST, format!("/transfers/{transfer}"), "", StatusCode::OK),
            (Method::GET, format!("/api/v1/teams/{far}/my-people"), &own, StatusCode::OK),
            (Method::GET, format!("/cases/{restricted}/break-glass"), "", StatusCode::OK),
            (Method::POST, format!("/cases/{restricted}/break-glass"), "", StatusCode::OK),
            (Method::POST, format!("/my/offers/{offer}"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/offers/{offer}/accept"), "", StatusCode::OK),
            (Method::GET, format!("/teams/{far}/meetings"), &own, StatusCode::OK),
            (Method::GET, format!("/teams/{far}/meetings/new"), &own, StatusCode::OK),
            (Method::GET, format!("/teams/{far}/meetings/{meeting}"), &own, StatusCode::OK),
            (Method::GET, format!("/api/v1/teams/{far}/meetings"), &own, StatusCode::OK),
            (Method::POST, format!("/teams/{far}/desk-days"), "", StatusCode::OK),
            (Method::GET, format!("/teams/{far}/group-sessions"), &own, StatusCode::OK),
            (Method::GET, format!("/teams/{far}/group-sessions/new"), &own, StatusCode::OK),
            (Method::POST, format!("/teams/{far}/group-sessions"), "", StatusCode::OK),
            (Method::GET, format!("/teams/{far}/group-sessions/{group_session}"), &worker, StatusCode::OK),
            (Method::GET, format!("/api/v1/teams/{far}/group-sessions"), &own, StatusCode::OK),
            (Method::GET, format!("/api/v1/supervisions/{supervision}"), &own, StatusCode::OK),
            (Method::POST, format!("/api/v1/supervisions/{supervision}/acknowledge"), "", StatusCode::OK),
            (Method::GET, format!("/api/v1/supervisions/{supervision}/agenda"), &own, StatusCode::OK),
            (Method::GET, format!("/leave-requests/{leave}"), &own, StatusCode::OK),
            (Method::POST, format!("/leave-requests/{leave}/decision"), "", StatusCode::OK),
            (Method::POST, format!("/leave-requests/{leave}/cancel"), "", StatusCode::OK),
            (Method::GET, format!("/api/v1/leave-requests/{leave}"), &own, StatusCode::OK),
            (Method::POST, format!("/api/v1/leave-requests/{leave}/approve"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/leave-requests/{leave}/refuse"), "", StatusCode::OK),
            (Method::POST, format!("/api/v1/leave-requests/{leave}/cancel"), "", StatusCode::OK),
            (Method::GET, format!("/teams/{far}/leave"), &own, StatusCode::OK),
            (Method::POST, format!("/sickness/{episode}/extend"), "", StatusCode::OK),
            (Method::POST, format!("/sickness/{episode}/return"), "", StatusCode::OK),
            // Still off: there is no interview to hold yet.
            (Method::GET, format!("/sickness/{episode}/interview"), &own, StatusCode::CONFLICT),
            (Method::POST, format!("/sickness/{episode}/interview"), "", StatusCode::OK),
            (Method::POST, format!("/sickness-reviews/{review}/close"), "", StatusCode::OK),
            (Method::POST, format!("/sickness/{episode}/fit-note"), "", StatusCode::OK),
            (Method::GET, format!("/fit-notes/{fit}"), &own, StatusCode::OK),
            (Method::GET, format!("/insight/sickness?scope=team:{far}"), &own, StatusCode::OK),
            (Method::GET, format!("/api/v1/insight/sickness?team={far}"), &own, StatusCode::OK),
        ];
        for (method, path, rightful, expected) in &checks {
            let refused = call(&app, method, path, &out).await;
            let offered_to_someone_else = path.contains("offers/") && !path.contains("withdraw");
            if offered_to_someone_else {
                // Not their offer: as if it did not exist, so its existence is not given away.
                assert!(matches!(refused, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{method} {path} as an outsider: {refused}");
            } else {
                assert_eq!(refused, StatusCode::FORBIDDEN, "{method} {path} as an outsider");
            }
            if !rightful.is_empty() {
                assert_eq!(call(&app, method, path, rightful).await, *expected, "{method} {path} as the record's own manager");
            }
        }
    }
}

async fn post_form(app: &axum::Router, path: &str, token: &str, form: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("cookie", format!("hearth_session={token}; hearth_csrf={CSRF}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={CSRF}&{form}")))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Separation of duties: whoever may add staff may give them any role but the two that reach
/// every case or run Hearth; those only a system administrator gives or takes away. Tried for
/// every role that may add staff and every role they could give, on the form and at the store.
#[tokio::test]
async fn only_a_system_administrator_gives_or_takes_a_privileged_role() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap();
        let team = new_id();
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, team, "Team one", areas[0].id, None).await.unwrap();
        tx.commit().await.unwrap();
        let app = hearth_web::router(hearth_web::AppState::new(store.store.clone(), hearth_web::WebConfig::default()).await.unwrap());
        let mut n = 200;
        let granters: Vec<Role> = Role::ALL.iter().copied().filter(|r| permits_somewhere(&[*r], hearth_domain::access::Permission::ManageStaff)).collect();
        assert!(granters.contains(&Role::Hr) && granters.contains(&Role::SystemAdmin), "{granters:?}");
        let mut refused = 0;
        for granter in &granters {
            let actor = person(&store, &mut n, &[*granter], team, None).await;
            let token = session(&store, actor).await;
            for given in Role::ALL {
                n += 1;
                let email = format!("given{n}@hearth.example");
                let form = format!("name=Given+{n}&email={email}&roles={}&team_id={team}&fte=1&contract=employed&start_date-day=1&start_date-month=9&start_date-year=2026", given.code());
                let (status, html) = post_form(&app, "/admin/staff/new", &token, &form).await;
                let exists = org::directory(&store, &org::DirectoryQuery { text: Some(email.clone()), ..Default::default() }, hearth_store::PageRequest::new(None, None)).await.unwrap().total > 0;
                if given.privileged() && *granter != Role::SystemAdmin {
                    refused += 1;
                    assert_eq!(status, StatusCode::BAD_REQUEST, "{granter:?} giving {given:?}");
                    assert!(html.contains("Only a system administrator can give or take away"), "{html}");
                    assert!(!exists, "{granter:?} made a {given:?}");
                } else {
                    assert_eq!(status, StatusCode::OK, "{granter:?} giving {given:?}: {html}");
                    assert!(html.contains("has been added") && exists, "added, with their first sign-in link");
                }
            }
            // The store refuses it whatever calls it, and audits the refusal.
            let subject = person(&store, &mut n, &[Role::Practitioner], team, None).await;
            let version = org::staff_record(&store, subject).await.unwrap().version;
            let result = org::set_roles(&store, &AuditContext::actor(actor, None), subject, &[Role::NationalLeadership], version).await;
            if *granter == Role::SystemAdmin {
                result.unwrap();
            } else {
                assert!(matches!(result, Err(hearth_store::StoreError::Refused(_))), "{result:?}");
                assert_eq!(org::staff_record(&store, subject).await.unwrap().roles, vec![Role::Practitioner], "nothing changed");
                let events = hearth_store::audit::search(
                    &store,
                    &hearth_store::audit::AuditQuery { subject_id: Some(subject.to_string()), action_prefix: Some("access.refused".into()), ..Default::default() },
                    hearth_store::PageRequest::new(None, None),
                )
                .await
                .unwrap()
                .total;
                assert_eq!(events, 1, "the refusal is in the audit trail");
            }
        }
        assert!(refused >= 2, "HR was tried with both privileged roles");
        // A first sign-in link hands over the account: HR may not make one for a new national
        // leader (whom only an administrator could add), an administrator may.
        let admin = person(&store, &mut n, &[Role::SystemAdmin], team, None).await;
        let hr = person(&store, &mut n, &[Role::Hr], team, None).await;
        let leader = org::create_staff(&store, &AuditContext::actor(admin, None), &NewStaff {
            name: "Lena Leader".into(),
            email: EmailAddress::parse("email", "lena.leader@hearth.example").unwrap(),
            roles: vec![Role::NationalLeadership],
            team_id: None,
            line_manager_id: None,
            fte: Fte::FULL_TIME,
            contract: ContractType::Employed,
            start_date: time::macros::date!(2024 - 01 - 01),
            qualified_date: None,
            skills: vec![],
        })
        .await
        .unwrap();
        let path = format!("/admin/staff/{leader}/invitation");
        let record = post_form(&app, &path, &session(&store, hr).await, "").await;
        assert_eq!(record.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", record.1);
        assert!(record.1.contains("Only a system administrator can give or take away the National leadership role"), "the refusal says why");
        assert!(!record.1.contains("/invitation?token="), "no link given to HR");
        assert!(matches!(hearth_store::auth::invite(&store, &AuditContext::actor(hr, None), leader).await, Err(hearth_store::StoreError::Refused(_))), "refused at the store too");
        let refusals = hearth_store::audit::search(
            &store,
            &hearth_store::audit::AuditQuery { subject_id: Some(leader.to_string()), action_prefix: Some("access.refused".into()), ..Default::default() },
            hearth_store::PageRequest::new(None, None),
        )
        .await
        .unwrap()
        .total;
        assert_eq!(refusals, 2, "both refusals are in the audit trail");
        let res = post_form(&app, &path, &session(&store, admin).await, "").await;
        assert_eq!(res.0, StatusCode::OK);
        assert!(res.1.contains("/invitation?token="), "an administrator may");
    }
}
