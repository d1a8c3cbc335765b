//! Workload on both engines: loads weighed from the cases people carry, suggestions that leave
//! out the absent and the conflicted, allocation that records the suggestion it overrode, batch
//! plans accepted all or nothing, and offers to the pool where the first to accept takes the case.

mod common;

use hearth_domain::cases::deadlines::DeadlineSettings;
use hearth_domain::cases::{ApplicationKind, LawType, NewCase, NewParticipant, PartyRole, PersonKind};
use hearth_domain::org::{ContractType, Role};
use hearth_domain::workload::{AbsenceKind, Band, DutyKind, Ineligible, OfferStatus, Points, WorkItem, WorkloadSettings};
use hearth_store::workload::{self, Decision, offers, plans};
use hearth_store::{AuditContext, Store, StoreError, cases, org, testing};
use sqlx::Row;
use time::Duration;
use uuid::Uuid;

struct World {
    team: Uuid,
    manager: Uuid,
    /// Carries eleven cases in work to first hearing: 16.5 points of 100, green.
    busy: Uuid,
    /// Carries nothing.
    free: Uuid,
    /// Carries nothing, and is away from yesterday for a week.
    away: Uuid,
    /// A bank worker in the same area.
    bank: Uuid,
    /// The bank worker's team.
    pool_team: Uuid,
    waiting: Uuid,
}

fn as_(who: Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

async fn case(store: &Store, team: Uuid, worker: Option<(Uuid, &str)>, n: usize) -> Uuid {
    let court = org::courts(store).await.unwrap()[0].id;
    let new = NewCase {
        court_case_number: format!("LV26P{n:05}"),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: court,
        local_authority_id: None,
        team_id: team,
        received_on: hearth_store::now().date() - Duration::days(20),
        urgent: false,
        first_hearing_on: Some(hearth_store::now().date() + Duration::days(30)),
        issued_on: None,
        flags: vec![],
    };
    let (id, _) = cases::create(store, &AuditContext::system(), &new, &[]).await.unwrap();
    let child = NewParticipant {
        full_name: format!("Child Number{n}"),
        date_of_birth: Some(time::macros::date!(2019 - 05 - 04)),
        kind: PersonKind::Child,
        role: PartyRole::SubjectChild,
        relationship: None,
        contact: None,
        no_texts: false,
        address_withheld: false,
        interpreter_language: None,
        address: None,
    };
    cases::add_participant(store, &AuditContext::system(), id, &child).await.unwrap();
    if let Some(w) = worker {
        let v = cases::case_record(store, id).await.unwrap().version;
        hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), id, Some(w.0), "Has capacity", Default::default(), v).await.unwrap();
    }
    id
}

async fn world(store: &Store) -> World {
    let o = common::small_org(store).await;
    let manager = common::add(store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
    let busy = common::add(store, "Bea Busy", &[Role::Practitioner], Some(o.team), Some(manager)).await;
    let free = common::add(store, "Fred Free", &[Role::Practitioner], Some(o.team), Some(manager)).await;
    let away = common::add(store, "Ava Away", &[Role::Practitioner], Some(o.team), Some(manager)).await;
    let mut b = common::new_staff("Bo Bank", &[Role::Practitioner], Some(o.other_team), None);
    b.contract = ContractType::Bank;
    // The bank worker sits in a team of the same area as the case's team.
    let pool_team = hearth_store::new_id();
    let mut tx = store.begin().await.unwrap();
    org::insert_team(&mut tx, pool_team, "Pool team", o.area, None).await.unwrap();
    tx.commit().await.unwrap();
    b.team_id = Some(pool_team);
    let bank = org::create_staff(store, &AuditContext::system(), &b).await.unwrap();
    for n in 0..11 {
        case(store, o.team, Some((busy, "Bea Busy")), n).await;
    }
    let today = hearth_store::now().date();
    workload::record_absence(store, &as_(manager), away, AbsenceKind::Training, today - Duration::days(1), today + Duration::days(6)).await.unwrap();
    let waiting = case(store, o.team, None, 99).await;
    World { team: o.team, manager, busy, free, away, bank, pool_team, waiting }
}

#[tokio::test]
async fn loads_are_weighed_from_the_cases_carried() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let today = hearth_store::now().date();
        let loads = workload::team_loads(&store, &s, w.team, today).await.unwrap();
        let busy = loads.iter().find(|l| l.member.id == w.busy).unwrap();
        assert_eq!(busy.cases.len(), 11);
        assert!(busy.cases.iter().all(|c| c.weight.item == WorkItem::WorkToFirstHearing), "{:?}", busy.cases[0].weight);
        assert_eq!(busy.load.points, Points(1650), "eleven cases at 1.5 points");
        assert_eq!(busy.load.band, Band::Green);
        assert_eq!(loads[0].member.id, w.busy, "busiest first");
        // A duty takes capacity: 88 points of duty leave 12, so 16.5 points is high red.
        workload::add_duty(&store, &as_(w.manager), w.busy, DutyKind::Training, Points::whole(88), today, None).await.unwrap();
        let busy = workload::worker_load(&store, &s, w.busy, today).await.unwrap();
        assert_eq!(busy.load.capacity, Points::whole(12));
        assert_eq!(busy.load.band, Band::HighRed);
        let away = workload::worker_load(&store, &s, w.away, today).await.unwrap();
        assert!(away.away_now.is_some());
        // A second overlapping absence is refused, naming the field.
        match workload::record_absence(&store, &as_(w.manager), w.away, AbsenceKind::Sickness, today, today + Duration::days(2)).await {
            Err(StoreError::Refused(e)) => assert_eq!(e.field, "first_day"),
            other => panic!("overlap allowed: {other:?}"),
        }
        // The grid reads tasks, autonomy and samples beside the loads.
        let grid = workload::my_people(&store, &s, w.team, today).await.unwrap();
        assert_eq!(grid.len(), 3, "the three practitioners");
        assert!(grid.iter().any(|r| r.worker.member.id == w.away && r.worker.away_now.is_some()), "the absent worker shows as away");
    }
}

#[tokio::test]
async fn suggestions_leave_out_the_absent_and_the_conflicted_and_overrides_are_recorded() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let today = hearth_store::now().date();
        let person = cases::facts::people_in(&store, w.waiting).await.unwrap()[0];
        workload::declare_conflict(&store, &as_(w.free), w.free, w.waiting, person, "Knows the family").await.unwrap();
        match workload::declare_conflict(&store, &as_(w.free), w.free, w.waiting, person, "Again").await {
            Err(StoreError::Duplicate { field }) => assert_eq!(field, "person_id"),
            other => panic!("declared twice: {other:?}"),
        }
        let got = workload::suggest(&store, &s, w.waiting, None, today).await.unwrap();
        let ranked: Vec<Uuid> = got.ranked.iter().map(|(l, _)| l.member.id).collect();
        assert_eq!(ranked, vec![w.busy], "only the busy worker is free to take it");
        let why: Vec<(Uuid, Ineligible)> = got.ineligible.iter().map(|(l, why, _)| (l.member.id, *why)).collect();
        assert!(why.contains(&(w.free, Ineligible::Conflict)) && why.contains(&(w.away, Ineligible::Away)), "{why:?}");
        // Suggestions weigh colleagues from a leaner read than My People's: the loads agree.
        let loads = workload::team_loads(&store, &s, w.team, today).await.unwrap();
        let weighed = got.ranked.iter().map(|(c, _)| c).chain(got.ineligible.iter().map(|(c, _, _)| c));
        for c in weighed {
            let full = loads.iter().find(|l| l.member.id == c.member.id).unwrap();
            assert_eq!((c.load.points, c.load.capacity, c.load.band), (full.load.points, full.load.capacity, full.load.band), "{}", c.member.name);
        }
        assert!(loads.iter().any(|l| l.member.id == w.busy && l.load.points > Points(0)), "the busy worker carries weighed cases");

        // The manager allocates to the top suggestion: recorded with its rank.
        let v = cases::case_record(&store, w.waiting).await.unwrap().version;
        let d = Decision { suggested: Some(w.busy), rank: Some(1), override_reason: None };
        workload::allocate(&store, &Default::default(), &as_(w.manager), w.waiting, Some(w.busy), "Top suggestion", d, v).await.unwrap();
        // Back to the hub, then to someone else with an override reason: the audit says so.
        let v = cases::case_record(&store, w.waiting).await.unwrap().version;
        hearth_store::workload::allocate(&store, &Default::default(), &as_(w.manager), w.waiting, None, "Reconsidering", Default::default(), v).await.unwrap();
        let v = cases::case_record(&store, w.waiting).await.unwrap().version;
        let kit = common::add(&store, "Kit Kind", &[Role::Practitioner], Some(w.team), Some(w.manager)).await;
        let d = Decision { suggested: Some(w.busy), rank: Some(2), override_reason: Some("Continuity after all") };
        workload::allocate(&store, &Default::default(), &as_(w.manager), w.waiting, Some(kit), "Continuity after all", d, v).await.unwrap();
        let rows = sqlx::query("SELECT worker_id, suggested_id, rank, override_reason FROM allocations WHERE case_id = $1 ORDER BY decided_at")
            .bind(w.waiting.to_string())
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(rows.len(), 3, "returning the case to the hub is a decision recorded too");
        assert_eq!(rows[0].get::<Option<i64>, _>(2), Some(1));
        assert_eq!(rows[1].get::<Option<String>, _>(0), None);
        assert_eq!(rows[2].get::<Option<String>, _>(3).as_deref(), Some("Continuity after all"));
        let overridden: i64 = sqlx::query("SELECT COUNT(*) FROM audit_events WHERE action = 'allocation.overridden' AND subject_id = $1").bind(w.waiting.to_string()).fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(overridden, 1);
        // A stale allocation is refused and nothing is recorded for it.
        let d = Decision::default();
        assert!(matches!(workload::allocate(&store, &Default::default(), &as_(w.manager), w.waiting, Some(w.busy), "Stale", d, v).await, Err(StoreError::Conflict { .. })));
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM allocations WHERE case_id = $1").bind(w.waiting.to_string()).fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(n, 3);
    }
}

#[tokio::test]
async fn a_plan_is_accepted_all_or_nothing() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let today = hearth_store::now().date();
        let second = case(&store, w.team, None, 98).await;
        let id = plans::propose(&store, &as_(w.manager), &s, &DeadlineSettings::default(), w.team, false, today).await.unwrap();
        let plan = plans::get(&store, id).await.unwrap();
        assert_eq!(plan.items.len(), 2);
        assert!(plan.items.iter().all(|i| i.worker.as_ref().is_some_and(|x| x.id == w.free || x.id == w.busy)), "never the absent worker");
        assert!(plan.measures.allocated >= plan.measures.greedy_allocated);
        // Someone allocates one of the planned cases meanwhile: accepting refuses, allocating nothing.
        let v = cases::case_record(&store, second).await.unwrap().version;
        hearth_store::workload::allocate(&store, &Default::default(), &as_(w.manager), second, Some(w.busy), "By hand", Default::default(), v).await.unwrap();
        match plans::accept(&store, &Default::default(), &as_(w.manager), id, None).await {
            Err(StoreError::Refused(e)) => assert_eq!(e.field, "cases"),
            other => panic!("accepted a stale plan: {other:?}"),
        }
        assert!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.is_none(), "nothing from the plan was allocated");
        // Accepting only the case still waiting works, once.
        let n = plans::accept(&store, &Default::default(), &as_(w.manager), id, Some(&[w.waiting])).await.unwrap();
        assert_eq!(n, 1);
        assert!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.is_some());
        assert!(matches!(plans::accept(&store, &Default::default(), &as_(w.manager), id, None).await, Err(StoreError::Refused(_))));
    }
}

#[tokio::test]
async fn a_plan_moves_a_leavers_cases_and_sends_what_nobody_has_room_for_to_the_hub() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let today = hearth_store::now().date();
        // A duty of 90 points leaves Fred 10 points: six of Bea's cases (1.5 points each) below amber.
        workload::add_duty(&store, &as_(w.manager), w.free, DutyKind::Training, Points::whole(90), today, None).await.unwrap();
        let id = plans::propose_moving(&store, &as_(w.manager), &s, &DeadlineSettings::default(), w.busy, false, today).await.unwrap();
        let plan = plans::get(&store, id).await.unwrap();
        assert_eq!(plan.moving_from.as_ref().map(|m| m.id), Some(w.busy));
        assert_eq!(plan.items.len(), 11, "every case Bea holds");
        let placed: Vec<Uuid> = plan.items.iter().filter(|i| i.worker.is_some()).map(|i| i.case_id).collect();
        assert!(plan.items.iter().all(|i| i.worker.as_ref().is_none_or(|x| x.id == w.free)), "never Bea herself, nor the absent worker");
        assert!(!placed.is_empty() && placed.len() < 11, "Fred takes what fits below amber ({} of 11)", placed.len());
        // Someone moves one of Bea's cases by hand meanwhile: the plan refuses and moves nothing.
        let moved = plan.items[0].case_id;
        let v = cases::case_record(&store, moved).await.unwrap().version;
        hearth_store::workload::allocate(&store, &Default::default(), &as_(w.manager), moved, Some(w.free), "By hand", Default::default(), v).await.unwrap();
        assert!(matches!(plans::accept(&store, &Default::default(), &as_(w.manager), id, None).await, Err(StoreError::Refused(e)) if e.field == "cases"));
        assert_eq!(workload::worker_load(&store, &s, w.busy, today).await.unwrap().cases.len(), 10, "nothing else moved");
        // A fresh plan moves the rest: those Fred has room for to him, the others to the hub.
        let id = plans::propose_moving(&store, &as_(w.manager), &s, &DeadlineSettings::default(), w.busy, false, today).await.unwrap();
        let plan = plans::get(&store, id).await.unwrap();
        let to_fred = plan.items.iter().filter(|i| i.worker.is_some()).count();
        assert_eq!(plans::accept(&store, &Default::default(), &as_(w.manager), id, None).await.unwrap(), 10);
        assert!(workload::worker_load(&store, &s, w.busy, today).await.unwrap().cases.is_empty(), "Bea holds nothing now");
        let hub = cases::facts::facts(&store, cases::facts::Which::Hub(w.team), today).await.unwrap();
        assert_eq!(hub.len(), 1 + 10 - to_fred, "the waiting case, and those nobody had room for");
        assert!(matches!(plans::propose_moving(&store, &as_(w.manager), &s, &DeadlineSettings::default(), w.busy, false, today).await, Err(StoreError::Refused(e)) if e.field == "worker_id"));
    }
}

#[tokio::test]
async fn the_first_to_accept_an_offer_takes_the_case() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let today = hearth_store::now().date();
        let area = cases::case_record(&store, w.waiting).await.unwrap().service_area.id;
        let pool = workload::suggest(&store, &s, w.waiting, Some(area), today).await.unwrap();
        assert_eq!(pool.ranked.iter().map(|(l, _)| l.member.id).collect::<Vec<_>>(), vec![w.bank]);
        let mut b = common::new_staff("Bee Second", &[Role::Practitioner], Some(w.pool_team), None);
        b.contract = ContractType::Associate;
        let second = org::create_staff(&store, &AuditContext::system(), &b).await.unwrap();
        assert_eq!(offers::make(&store, &as_(w.manager), &s, w.waiting, &[w.bank, second], Some("Section 7, filing in 8 weeks")).await.unwrap(), 2);
        // Offering again to someone with an open offer makes nothing new.
        assert_eq!(offers::make(&store, &as_(w.manager), &s, w.waiting, &[w.bank], None).await.unwrap(), 0);
        let mine = offers::for_worker(&store, w.bank).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].status, OfferStatus::Open);
        // Only the person offered can answer.
        assert!(matches!(offers::answer(&store, &Default::default(), &as_(w.busy), mine[0].id, w.busy, true, None).await, Err(StoreError::NotFound)));
        offers::answer(&store, &Default::default(), &as_(w.bank), mine[0].id, w.bank, true, None).await.unwrap();
        assert_eq!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.map(|a| a.id), Some(w.bank));
        let theirs = offers::for_worker(&store, second).await.unwrap();
        assert_eq!(theirs[0].status, OfferStatus::Withdrawn, "the other offer is withdrawn");
        match offers::answer(&store, &Default::default(), &as_(second), theirs[0].id, second, true, None).await {
            Err(StoreError::Refused(e)) => assert!(e.message.contains("withdrawn"), "{}", e.message),
            other => panic!("a withdrawn offer was accepted: {other:?}"),
        }
        // An offer past its time reads as expired and cannot be accepted.
        let other = case(&store, w.team, None, 97).await;
        offers::make(&store, &as_(w.manager), &s, other, &[w.bank], None).await.unwrap();
        sqlx::query("UPDATE offers SET expires_at = $1 WHERE case_id = $2").bind(hearth_store::ts(hearth_store::now() - Duration::hours(1))).bind(other.to_string()).execute(store.pool()).await.unwrap();
        let expired = offers::on_case(&store, other).await.unwrap();
        assert_eq!(expired[0].status, OfferStatus::Expired);
        assert!(matches!(offers::answer(&store, &Default::default(), &as_(w.bank), expired[0].id, w.bank, true, None).await, Err(StoreError::Refused(_))));
        assert!(cases::case_record(&store, other).await.unwrap().allocated_to.is_none());
        // An allocated case cannot be offered.
        assert!(matches!(offers::make(&store, &as_(w.manager), &s, w.waiting, &[second], None).await, Err(StoreError::Refused(_))));
    }
}

/// The first person in a case, for declaring conflicts with.
async fn person_in(store: &Store, case_id: Uuid) -> Uuid {
    cases::facts::people_in(store, case_id).await.unwrap()[0]
}

fn refused_for(result: Result<impl std::fmt::Debug, StoreError>, field: &str, why: &str) {
    match result {
        Err(StoreError::Refused(e)) => assert!(e.field == field && e.message.contains(why), "{e:?}"),
        other => panic!("not refused for {why}: {other:?}"),
    }
}

#[tokio::test]
async fn nobody_is_given_a_case_they_are_barred_from_on_any_path() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = WorkloadSettings::default();
        let d = DeadlineSettings::default();
        let today = hearth_store::now().date();
        let version = |id| {
            let store = &store;
            async move { cases::case_record(store, id).await.unwrap().version }
        };

        // By hand (the form and the API both call this): conflicted, away and leavers are refused.
        let person = person_in(&store, w.waiting).await;
        workload::declare_conflict(&store, &as_(w.free), w.free, w.waiting, person, "My neighbour").await.unwrap();
        let v = version(w.waiting).await;
        refused_for(workload::allocate(&store, &s, &as_(w.manager), w.waiting, Some(w.free), "By hand", Decision::default(), v).await, "worker_id", "conflict of interest");
        refused_for(workload::allocate(&store, &s, &as_(w.manager), w.waiting, Some(w.away), "By hand", Decision::default(), v).await, "worker_id", "away until");
        let leaver = common::add(&store, "Lee Leaving", &[Role::Practitioner], Some(w.team), Some(w.manager)).await;
        org::record_leaver(&store, &as_(w.manager), leaver, today, 1).await.unwrap();
        refused_for(workload::allocate(&store, &s, &as_(w.manager), w.waiting, Some(leaver), "By hand", Decision::default(), v).await, "worker_id", "left the service");
        assert!(cases::case_record(&store, w.waiting).await.unwrap().allocated_to.is_none(), "nothing was allocated");

        // A batch plan: every practitioner who is not away has declared a conflict with the
        // people of five hub cases, so the plan gives none of them to anyone.
        let mut hub = vec![w.waiting];
        for n in 0..4 {
            hub.push(case(&store, w.team, None, 200 + n).await);
        }
        for c in &hub {
            let p = person_in(&store, *c).await;
            if *c != w.waiting {
                workload::declare_conflict(&store, &as_(w.free), w.free, *c, p, "Knows them").await.unwrap();
            }
            workload::declare_conflict(&store, &as_(w.busy), w.busy, *c, p, "Knows them").await.unwrap();
        }
        let id = plans::propose(&store, &as_(w.manager), &s, &d, w.team, true, today).await.unwrap();
        let plan = plans::get(&store, id).await.unwrap();
        assert_eq!(plan.items.len(), 5);
        assert!(plan.items.iter().all(|i| i.worker.is_none()), "a conflicted worker was planned: {:?}", plan.items);

        // A conflict declared after a plan was proposed stops that item at acceptance.
        let fresh = case(&store, w.team, None, 300).await;
        let id = plans::propose(&store, &as_(w.manager), &s, &d, w.team, true, today).await.unwrap();
        let planned = plans::get(&store, id).await.unwrap().items.into_iter().find(|i| i.case_id == fresh).and_then(|i| i.worker).expect("the fresh case is planned");
        workload::declare_conflict(&store, &as_(planned.id), planned.id, fresh, person_in(&store, fresh).await, "Recognised the name").await.unwrap();
        refused_for(plans::accept(&store, &s, &as_(w.manager), id, None).await, "cases", "conflict of interest");
        assert!(cases::case_record(&store, fresh).await.unwrap().allocated_to.is_none(), "nothing from the plan was allocated");

        // A plan moving someone's cases: never to a colleague conflicted with the case, and
        // checked again at acceptance.
        let held = cases::facts::facts(&store, cases::facts::Which::CarriedBy(w.busy), today).await.unwrap();
        let (shunned, later) = (held[0].id, held[1].id);
        workload::declare_conflict(&store, &as_(w.free), w.free, shunned, person_in(&store, shunned).await, "Family friend").await.unwrap();
        let id = plans::propose_moving(&store, &as_(w.manager), &s, &d, w.busy, true, today).await.unwrap();
        let items = plans::get(&store, id).await.unwrap().items;
        assert!(items.iter().find(|i| i.case_id == shunned).unwrap().worker.is_none(), "the conflicted colleague is not planned for it");
        assert!(items.iter().find(|i| i.case_id == later).unwrap().worker.as_ref().is_some_and(|x| x.id == w.free));
        workload::declare_conflict(&store, &as_(w.free), w.free, later, person_in(&store, later).await, "Family friend").await.unwrap();
        refused_for(plans::accept(&store, &s, &as_(w.manager), id, None).await, "cases", "conflict of interest");
        assert_eq!(workload::worker_load(&store, &s, w.busy, today).await.unwrap().cases.len(), 11, "nothing moved");

        // Offers: not made to a pool worker with a conflict, and not accepted after one is declared.
        let offered = case(&store, w.team, None, 400).await;
        let shunned_offer = case(&store, w.team, None, 401).await;
        workload::declare_conflict(&store, &as_(w.bank), w.bank, shunned_offer, person_in(&store, shunned_offer).await, "Ex-partner").await.unwrap();
        refused_for(offers::make(&store, &as_(w.manager), &s, shunned_offer, &[w.bank], None).await, "worker_ids", "conflict of interest");
        refused_for(offers::make(&store, &as_(w.manager), &s, offered, &[w.free], None).await, "worker_ids", "bank and associate");
        offers::make(&store, &as_(w.manager), &s, offered, &[w.bank], None).await.unwrap();
        workload::declare_conflict(&store, &as_(w.bank), w.bank, offered, person_in(&store, offered).await, "Recognised them").await.unwrap();
        let offer = offers::for_worker(&store, w.bank).await.unwrap().into_iter().find(|o| o.case_id == offered).unwrap();
        refused_for(offers::answer(&store, &s, &as_(w.bank), offer.id, w.bank, true, None).await, "answer", "conflict of interest");
        assert!(cases::case_record(&store, offered).await.unwrap().allocated_to.is_none());

        // A case cap: a pool worker at their contracted number of cases (none, here) is not offered more.
        workload::set_case_cap(&store, &as_(w.manager), w.bank, Some(0)).await.unwrap();
        let capped = case(&store, w.team, None, 402).await;
        refused_for(offers::make(&store, &as_(w.manager), &s, capped, &[w.bank], None).await, "worker_ids", "contracted number");
    }
}
