//! The case record on both engines: opening, references, people and LA checks, the chronology's
//! edit window and addenda, stale saves, allocation moving tasks, closure, visibility and audit.

mod common;

use hearth_domain::cases::deadlines::{CaseDates, DeadlineSettings, deadlines};
use hearth_domain::cases::{
    ApplicationKind, CaseFlag, ClosureReason, EntryKind, LawType, NewAddress, NewCase, NewNote, NewParticipant, PartyRole, PersonKind, Relationship,
    Stage,
};
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::org::Role;
use hearth_store::cases::{self, CaseQuery, ChronologyFilter, Visibility};
use hearth_store::{AuditContext, PageRequest, Store, StoreError, audit, org, testing};
use time::macros::date;
use uuid::Uuid;

fn private_case(team: Uuid, court: Uuid) -> NewCase {
    NewCase {
        court_case_number: "LV26P01234".into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: court,
        local_authority_id: None,
        team_id: team,
        received_on: date!(2026 - 12 - 21),
        urgent: false,
        first_hearing_on: Some(date!(2027 - 01 - 27)),
        issued_on: None,
        flags: vec![CaseFlag::DomesticAbuse],
    }
}

async fn open(store: &Store, team: Uuid, actor: Option<Uuid>) -> Uuid {
    let court = org::courts(store).await.unwrap()[0].id;
    let case = private_case(team, court);
    let d = deadlines(
        case.law,
        &CaseDates { received_on: Some(case.received_on), first_hearing_on: case.first_hearing_on, ..Default::default() },
        &DeadlineSettings::default(),
        &WorkingCalendar::england_and_wales(),
    );
    let ctx = actor.map(|a| AuditContext::actor(a, None)).unwrap_or_default();
    cases::create(store, &ctx, &case, &d).await.unwrap().0
}

fn person(name: &str, role: PartyRole, la: Option<Uuid>, from: time::Date) -> NewParticipant {
    let child = role == PartyRole::SubjectChild;
    NewParticipant {
        full_name: name.into(),
        date_of_birth: Some(if child { date!(2019 - 05 - 04) } else { date!(1990 - 01 - 01) }),
        kind: if child { PersonKind::Child } else { PersonKind::Adult },
        role,
        relationship: (!child).then_some(Relationship::Mother),
        contact: None,
        no_texts: false,
        address_withheld: false,
        interpreter_language: None,
        address: Some(NewAddress { line: "1 High Street".into(), postcode: "LS1 4AP".into(), local_authority_id: la, from, to: None }),
    }
}

#[tokio::test]
async fn opening_a_case_numbers_it_and_makes_its_deadline_tasks_and_first_check() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let a = open(&store, o.team, None).await;
        let b = open(&store, o.team, None).await;
        let (ra, rb) = (cases::case_record(&store, a).await.unwrap(), cases::case_record(&store, b).await.unwrap());
        assert_eq!((ra.reference.as_str(), rb.reference.as_str()), ("HRT-2026-000001", "HRT-2026-000002"));
        assert_eq!(ra.stage, Stage::IntakeScreening);
        assert_eq!(ra.flags, [CaseFlag::DomesticAbuse]);
        let tasks = cases::case_tasks(&store, a).await.unwrap();
        let police = tasks.iter().find(|t| t.title == "Police checks back").unwrap();
        assert_eq!(police.due_on, Some(date!(2026 - 12 - 30)), "working day 5 skips Christmas and the Boxing Day substitute");
        let checks = cases::checks(&store, a).await.unwrap();
        assert_eq!(checks.len(), 1, "a private case starts with its police check");
        let entries = cases::chronology(&store, a, &ChronologyFilter::default()).await.unwrap();
        assert_eq!(entries[0].kind, EntryKind::CaseOpened);
    }
}

#[tokio::test]
async fn a_case_for_a_team_that_does_not_exist_is_refused_whole() {
    for store in testing::stores().await {
        common::small_org(&store).await;
        let court = org::courts(&store).await.unwrap()[0].id;
        let bad = cases::create(&store, &AuditContext::system(), &private_case(Uuid::now_v7(), court), &[]).await;
        assert!(matches!(bad, Err(StoreError::MissingReference { .. })), "{bad:?}");
        let all = cases::list(&store, &CaseQuery::default(), PageRequest::new(None, None)).await.unwrap();
        assert_eq!(all.total, 0, "nothing half-written");
    }
}

#[tokio::test]
async fn local_authority_checks_are_needed_for_every_address_since_the_eldest_childs_birth() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let las = org::local_authorities(&store).await.unwrap();
        let case = open(&store, o.team, None).await;
        let ctx = AuditContext::system();
        cases::add_participant(&store, &ctx, case, &person("Amy Child", PartyRole::SubjectChild, Some(las[0].id), date!(2019 - 05 - 04))).await.unwrap();
        cases::add_participant(&store, &ctx, case, &person("Jo Parent", PartyRole::Applicant, Some(las[1].id), date!(2015 - 01 - 01))).await.unwrap();
        let missing: Vec<Uuid> = cases::missing_la_checks(&store, case).await.unwrap().into_iter().map(|l| l.id).collect();
        assert_eq!(missing.len(), 2);
        assert!(missing.contains(&las[0].id) && missing.contains(&las[1].id));
        cases::add_la_check(&store, &ctx, case, las[0].id).await.unwrap();
        let again = cases::add_la_check(&store, &ctx, case, las[0].id).await;
        assert!(matches!(again, Err(StoreError::Duplicate { .. })));
        assert_eq!(cases::missing_la_checks(&store, case).await.unwrap().len(), 1);
        let people = cases::participants(&store, case).await.unwrap();
        assert_eq!(people[0].role, PartyRole::SubjectChild, "children first");
    }
}

#[tokio::test]
async fn a_note_is_edited_only_by_its_author_at_its_version_and_an_addendum_keeps_it() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wren Worker", &[Role::Practitioner], Some(o.team), None).await;
        let other = common::add(&store, "Oak Other", &[Role::Practitioner], Some(o.team), None).await;
        let case = open(&store, o.team, None).await;
        let me = AuditContext::actor(worker, None);
        let note = NewNote { place: String::new(), kind: EntryKind::Visit, occurred_on: date!(2026 - 11 - 20), summary: "Home visit".into(), body: "All well.".into() };
        let id = cases::add_note(&store, &me, case, &note).await.unwrap();

        let changed = NewNote { summary: "Home visit (after school)".into(), ..note.clone() };
        let by_other = cases::edit_note(&store, &AuditContext::actor(other, None), case, id, &changed, 1).await;
        assert!(matches!(by_other, Err(StoreError::NotEditable(_))), "{by_other:?}");
        cases::edit_note(&store, &me, case, id, &changed, 1).await.unwrap();
        let stale = cases::edit_note(&store, &me, case, id, &note, 1).await;
        assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })), "{stale:?}");
        assert_eq!(cases::entry_of(&store, case, id).await.unwrap().summary, "Home visit (after school)", "the first save stands");

        let add = cases::add_addendum(&store, &AuditContext::actor(other, None), case, id, "Mother called to add that the school run has changed.").await.unwrap();
        let addendum = cases::entry_of(&store, case, add).await.unwrap();
        assert_eq!((addendum.kind, addendum.amends_id), (EntryKind::Addendum, Some(id)));
        assert_eq!(cases::entry_of(&store, case, id).await.unwrap().body.as_deref(), Some("All well."), "the original is kept");

        let visits = cases::chronology(&store, case, &ChronologyFilter { kinds: vec![EntryKind::Visit], ..Default::default() }).await.unwrap();
        assert_eq!(visits.len(), 1);
    }
}

#[tokio::test]
async fn allocation_moves_open_tasks_and_a_stale_allocation_is_refused() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let a = common::add(&store, "Ash Worker", &[Role::Practitioner], Some(o.team), None).await;
        let b = common::add(&store, "Birch Worker", &[Role::Practitioner], Some(o.team), None).await;
        let case = open(&store, o.team, None).await;
        let ctx = AuditContext::system();
        hearth_store::workload::allocate(&store, &Default::default(), &ctx, case, Some(a), "Has capacity and knows the family", Default::default(), 1).await.unwrap();
        let stale = hearth_store::workload::allocate(&store, &Default::default(), &ctx, case, Some(b), "Has capacity and knows the family", Default::default(), 1).await;
        assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })));
        let tasks = cases::open_tasks_for(&store, a, PageRequest::new(None, None)).await.unwrap();
        assert!(tasks.total >= 4, "the deadline tasks follow the case to its worker");
        assert!(tasks.items.windows(2).all(|w| w[0].due_on <= w[1].due_on), "soonest first");
        let t = &tasks.items[0];
        cases::complete_task(&store, &ctx, case, t.id, t.version).await.unwrap();
        let twice = cases::complete_task(&store, &ctx, case, t.id, t.version).await;
        assert!(matches!(twice, Err(StoreError::Conflict { .. })), "a task is done once");
        assert_eq!(cases::open_tasks_for(&store, a, PageRequest::new(None, None)).await.unwrap().total, tasks.total - 1);
    }
}

#[tokio::test]
async fn a_closed_case_makes_goodbye_letters_and_takes_no_more_notes() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let case = open(&store, o.team, None).await;
        let ctx = AuditContext::system();
        cases::add_participant(&store, &ctx, case, &person("Amy Child", PartyRole::SubjectChild, None, date!(2019 - 05 - 04))).await.unwrap();
        cases::set_stage(&store, &ctx, case, Stage::IntakeScreening, Stage::WorkToFirstHearing, 1).await.unwrap();
        cases::close(&store, &Default::default(), &ctx, case, ClosureReason::FinalOrder, "Child arrangements order by consent.", 2).await.unwrap();
        let r = cases::case_record(&store, case).await.unwrap();
        assert_eq!((r.stage, r.closure_reason), (Stage::Closed, Some(ClosureReason::FinalOrder)));
        assert!(cases::case_tasks(&store, case).await.unwrap().iter().any(|t| t.title == "Goodbye letter to Amy Child"));
        let note = NewNote { place: String::new(), kind: EntryKind::Visit, occurred_on: date!(2026 - 11 - 20), summary: "Late".into(), body: "x".into() };
        assert!(matches!(cases::add_note(&store, &ctx, case, &note).await, Err(StoreError::Closed)));
    }
}

#[tokio::test]
async fn lists_show_only_what_visibility_allows_and_restricted_cases_only_their_named_staff() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Elm Worker", &[Role::Practitioner], Some(o.team), None).await;
        let colleague = common::add(&store, "Oak Worker", &[Role::Practitioner], Some(o.team), None).await;
        let mine = open(&store, o.team, None).await;
        hearth_store::workload::allocate(&store, &Default::default(), &AuditContext::system(), mine, Some(worker), "Has capacity and knows the family", Default::default(), 1).await.unwrap();
        let court = org::courts(&store).await.unwrap()[0].id;
        let mut restricted = private_case(o.team, court);
        restricted.flags.push(CaseFlag::Restricted);
        let (restricted, _) = cases::create(&store, &AuditContext::system(), &restricted, &[]).await.unwrap();
        open(&store, o.other_team, None).await;

        let list = |v: Visibility| {
            let store = store.store.clone();
            async move {
                let mut ids: Vec<Uuid> = cases::list(&store, &CaseQuery { visible: Some(v), ..Default::default() }, PageRequest::new(None, None)).await.unwrap().items.into_iter().map(|c| c.id).collect();
                ids.sort();
                ids
            }
        };
        let stranger = Uuid::from_u128(7);
        assert_eq!(list(Visibility { team_ids: vec![o.team], ..Visibility::none(stranger) }).await, [mine], "the team sees its unrestricted case only");
        assert_eq!(list(Visibility { own: true, ..Visibility::none(worker) }).await, [mine]);
        assert_eq!(list(Visibility { allocated_to_any_of: vec![worker], ..Visibility::none(stranger) }).await, [mine], "the worker's managers");
        assert_eq!(list(Visibility { service_area_ids: vec![o.area], ..Visibility::none(stranger) }).await.len(), 1, "the area does not see the restricted case");
        assert_eq!(list(Visibility { everywhere: true, ..Visibility::none(stranger) }).await.len(), 2, "nor does a national role");
        assert!(list(Visibility::none(worker)).await.is_empty(), "no grant, no cases");

        cases::name_staff(&store, &AuditContext::system(), restricted, colleague).await.unwrap();
        let mut expected = vec![restricted];
        assert_eq!(list(Visibility { own: true, ..Visibility::none(colleague) }).await, expected, "named staff see it");
        expected.push(mine);
        expected.sort();
        assert_eq!(list(Visibility { own: true, team_ids: vec![o.team], ..Visibility::none(colleague) }).await, expected);
        cases::unname_staff(&store, &AuditContext::system(), restricted, colleague).await.unwrap();
        assert!(list(Visibility { own: true, ..Visibility::none(colleague) }).await.is_empty(), "and lose it when the name is taken off");
        let found = cases::list(&store, &CaseQuery { text: Some("hrt-2026-000001".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(found.total, 1, "a reference finds its case whatever its case");
    }
}

#[tokio::test]
async fn reading_a_case_is_audited() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Fir Worker", &[Role::Practitioner], Some(o.team), None).await;
        let case = open(&store, o.team, Some(worker)).await;
        cases::view(&store, &AuditContext::actor(worker, None), case).await.unwrap();
        let q = audit::AuditQuery { subject_id: Some(case.to_string()), ..Default::default() };
        let events = audit::search(&store, &q, PageRequest::new(None, None)).await.unwrap();
        let actions: Vec<_> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"case.opened") && actions.contains(&"case.viewed"), "{actions:?}");
        assert!(audit::verify(&store).await.unwrap().is_ok(), "the chain holds");
    }
}

#[tokio::test]
async fn search_finds_names_misspelt_dates_of_birth_and_words_in_notes_only_within_visibility() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let ctx = AuditContext::system();
        let a = open(&store, o.team, None).await;
        cases::add_participant(&store, &ctx, a, &person("Isabella Mahmood", PartyRole::SubjectChild, None, date!(2019 - 05 - 04))).await.unwrap();
        let note = NewNote { place: String::new(), kind: EntryKind::PhoneCall, occurred_on: date!(2026 - 11 - 20), summary: "Call with the headteacher".into(), body: "Attendance has improved since half term.".into() };
        cases::add_note(&store, &ctx, a, &note).await.unwrap();
        let b = open(&store, o.other_team, None).await;
        cases::add_participant(&store, &ctx, b, &person("Jack Thompson", PartyRole::SubjectChild, None, date!(2019 - 05 - 04))).await.unwrap();

        let find = |text: &str, visible: Option<Visibility>| {
            let store = store.store.clone();
            let q = CaseQuery { text: Some(text.into()), visible, ..Default::default() };
            async move { cases::list(&store, &q, PageRequest::new(None, None)).await.unwrap().items.into_iter().map(|c| c.id).collect::<Vec<_>>() }
        };
        assert_eq!(find("isabel mahmud", None).await, [a], "a prefix and a misspelling");
        assert_eq!(find("Tompson", None).await, [b], "by sound");
        assert_eq!(find("jack mahmood", None).await, Vec::<Uuid>::new(), "every word must match one person");
        let mut both = find("04/05/2019", None).await;
        both.sort();
        let mut expected = vec![a, b];
        expected.sort();
        assert_eq!(both, expected, "by date of birth");
        assert_eq!(find("attendance improving", None).await, [a], "words in notes, stemmed");
        assert_eq!(find("half term", None).await, [a]);
        assert_eq!(find("\"half\" OR NEAR(", None).await, Vec::<Uuid>::new(), "search syntax typed in is taken as words, never an error");
        assert_eq!(find("LV26P01234", None).await.len(), 2, "by court case number");
        let team_only = Some(Visibility { team_ids: vec![o.other_team], ..Visibility::none(Uuid::from_u128(7)) });
        assert_eq!(find("Isabella", team_only).await, Vec::<Uuid>::new(), "the permission filter is inside the search");

        // Each way a search is driven finds the same people: by the caller's teams, by their
        // areas, case by case for cases seen outside those, and nationally.
        let worker = common::add(&store, "Oak Worker", &[Role::Practitioner], Some(o.team), None).await;
        let own = open(&store, o.team, None).await;
        hearth_store::workload::allocate(&store, &Default::default(), &ctx, own, Some(worker), "Has capacity", Default::default(), 1).await.unwrap();
        cases::add_participant(&store, &ctx, own, &person("Isabel Mahmood", PartyRole::SubjectChild, None, date!(2019 - 05 - 04))).await.unwrap();
        let mut all = vec![a, own];
        all.sort();
        let sorted = |mut v: Vec<Uuid>| {
            v.sort();
            v
        };
        let team = Visibility { team_ids: vec![o.team], ..Visibility::none(Uuid::from_u128(7)) };
        assert_eq!(sorted(find("isabel mahmud", Some(team.clone())).await), all, "by team");
        assert_eq!(sorted(find("isabel mahmud", Some(Visibility { service_area_ids: vec![o.area], ..Visibility::none(Uuid::from_u128(7)) })).await), all, "by area");
        assert_eq!(find("isabel mahmud", Some(Visibility { own: true, ..Visibility::none(worker) })).await, [own], "their own cases, one by one");
        let manager_elsewhere = Visibility { team_ids: vec![o.other_team], allocated_to_any_of: vec![worker], ..Visibility::none(Uuid::from_u128(8)) };
        assert_eq!(find("isabel mahmud", Some(manager_elsewhere.clone())).await, [own], "a report's case outside the manager's team");
        assert_eq!(find("jack", Some(manager_elsewhere)).await, [b], "and the manager's own team");
        let area_elsewhere = Visibility { service_area_ids: vec![o.other_area], allocated_to_any_of: vec![worker], ..Visibility::none(Uuid::from_u128(8)) };
        assert_eq!(find("isabel mahmud", Some(area_elsewhere.clone())).await, [own], "a report's case outside the manager's area");
        assert_eq!(find("jack", Some(area_elsewhere)).await, [b], "and the manager's own area");
        assert_eq!(sorted(find("isabel mahmud", Some(Visibility { everywhere: true, ..team })).await), all, "nationally");
    }
}

#[tokio::test]
async fn likely_duplicates_merge_into_one_record_and_only_like_with_like() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let ctx = AuditContext::system();
        let (a, b) = (open(&store, o.team, None).await, open(&store, o.team, None).await);
        let first = cases::add_participant(&store, &ctx, a, &person("Jo Parent", PartyRole::Applicant, None, date!(2015 - 01 - 01))).await.unwrap();
        let second = cases::add_participant(&store, &ctx, b, &person("Jo Parent", PartyRole::Respondent, None, date!(2018 - 01 - 01))).await.unwrap();
        let other = cases::add_participant(&store, &ctx, b, &person("Sam Other", PartyRole::Applicant, None, date!(2018 - 01 - 01))).await.unwrap();

        let team = Some(Visibility { team_ids: vec![o.team], ..Visibility::none(Uuid::from_u128(7)) });
        let found = cases::likely_duplicates(&store, &team, 10).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first.cases.len(), found[0].second.cases.len()), (1, 1));
        let elsewhere = Some(Visibility { team_ids: vec![o.other_team], ..Visibility::none(Uuid::from_u128(7)) });
        assert!(cases::likely_duplicates(&store, &elsewhere, 10).await.unwrap().is_empty(), "only within the manager's grant");

        assert!(matches!(cases::merge_people(&store, &ctx, first, other).await, Err(StoreError::NotEditable(_))), "different people do not merge");
        let moved = cases::merge_people(&store, &ctx, first, second).await.unwrap();
        assert_eq!(moved, [b]);
        let in_b: Vec<Uuid> = cases::participants(&store, b).await.unwrap().into_iter().map(|p| p.person_id).collect();
        assert!(in_b.contains(&first) && !in_b.contains(&second), "the kept record is in both cases now");
        assert_eq!(cases::participants(&store, b).await.unwrap().iter().find(|p| p.person_id == first).unwrap().addresses.len(), 2, "with both addresses");
        assert!(cases::likely_duplicates(&store, &team, 10).await.unwrap().is_empty());
        assert!(matches!(cases::merge_people(&store, &ctx, first, second).await, Err(StoreError::NotEditable(_))), "a merged record does not merge again");
        let found = cases::list(&store, &CaseQuery { text: Some("Jo Parent".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(found.total, 2, "search still finds both cases by the name");
    }
}

#[tokio::test]
async fn a_transfer_moves_the_case_only_when_the_receiving_team_accepts() {
    use hearth_store::cases::transfers::{self, Decision};
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Elm Worker", &[Role::Practitioner], Some(o.team), None).await;
        let receiver = common::add(&store, "Ash Manager", &[Role::TeamManager], Some(o.other_team), None).await;
        let sender = AuditContext::actor(common::add(&store, "Fir Manager", &[Role::TeamManager], Some(o.team), None).await, None);
        let id = open(&store, o.team, None).await;
        hearth_store::workload::allocate(&store, &Default::default(), &AuditContext::system(), id, Some(worker), "Has capacity", Default::default(), 1).await.unwrap();
        cases::add_participant(&store, &AuditContext::system(), id, &person("Rowan Birch", PartyRole::SubjectChild, None, date!(2019 - 05 - 04))).await.unwrap();
        let version = cases::case_record(&store, id).await.unwrap().version;

        let same = transfers::offer(&store, &sender, id, o.team, "Moving", version).await.unwrap_err();
        assert!(matches!(same, StoreError::NotEditable(_)), "{same:?}");
        let stale = transfers::offer(&store, &sender, id, o.other_team, "Moving", version - 1).await.unwrap_err();
        assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
        let first = transfers::offer(&store, &sender, id, o.other_team, "The family moved to Beta's area", version).await.unwrap();
        let again = transfers::offer(&store, &sender, id, o.other_team, "Again", version + 1).await.unwrap_err();
        assert!(matches!(again, StoreError::Duplicate { field: "to_team_id" }), "one open offer per case: {again:?}");
        assert_eq!(transfers::incoming(&store, &[o.other_team]).await.unwrap().len(), 1);
        assert_eq!(cases::alerts_for(&store, receiver).await.unwrap().len(), 1, "the receiving manager is told");

        let by_receiver = AuditContext::actor(receiver, None);
        transfers::decide(&store, &by_receiver, first, Decision::Rejected, Some("Not our area yet")).await.unwrap();
        let case = cases::case_record(&store, id).await.unwrap();
        assert_eq!((case.team.id, case.allocated_to.map(|w| w.id)), (o.team, Some(worker)), "a rejected case stays as it was");
        let twice = transfers::decide(&store, &by_receiver, first, Decision::Accepted, None).await.unwrap_err();
        assert!(matches!(twice, StoreError::NotFound), "an offer is decided once: {twice:?}");

        let second = transfers::offer(&store, &sender, id, o.other_team, "The family has now moved", case.version).await.unwrap();
        transfers::decide(&store, &by_receiver, second, Decision::Accepted, None).await.unwrap();
        let case = cases::case_record(&store, id).await.unwrap();
        assert_eq!((case.team.id, case.allocated_to), (o.other_team, None), "accepted: in the new team's hub");
        let search = |team: Uuid| CaseQuery { text: Some("Rowan Birch".into()), visible: Some(Visibility { team_ids: vec![team], ..Visibility::none(receiver) }), ..Default::default() };
        assert_eq!(cases::list(&store, &search(o.other_team), PageRequest::new(None, None)).await.unwrap().total, 1, "its people are found by the new team");
        assert_eq!(cases::list(&store, &search(o.team), PageRequest::new(None, None)).await.unwrap().total, 0, "and no longer by the old");
        assert!(cases::case_tasks(&store, id).await.unwrap().iter().filter(|t| t.done_at.is_none()).all(|t| t.assigned_to.is_none()), "open tasks wait for the new worker");
        let story: Vec<String> = cases::chronology(&store, id, &ChronologyFilter::default()).await.unwrap().into_iter().map(|e| e.summary).collect();
        assert!(story.iter().any(|s| s == "Transferred to Beta team, awaiting allocation"), "{story:?}");
        assert!(story.iter().any(|s| s == "Beta team did not accept the transfer"), "{story:?}");
        assert!(transfers::incoming(&store, &[o.other_team]).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_duty_desk_counts_only_while_its_worker_stays_in_the_team() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Elm Worker", &[Role::Practitioner], Some(o.team), None).await;
        assert!(!org::placement(&store, worker).await.unwrap().on_duty);
        org::set_duty(&store, &AuditContext::system(), worker, true).await.unwrap();
        assert!(org::placement(&store, worker).await.unwrap().on_duty);
        assert_eq!(org::duty_rota(&store, o.team).await.unwrap().into_iter().filter(|(_, on)| *on).count(), 1);
        sqlx::query("UPDATE staff SET team_id = $1 WHERE id = $2").bind(o.other_team.to_string()).bind(worker.to_string()).execute(store.pool()).await.unwrap();
        assert!(!org::placement(&store, worker).await.unwrap().on_duty, "moving team ends the old duty");
        org::set_duty(&store, &AuditContext::system(), worker, false).await.unwrap();
        let actions: Vec<String> = sqlx::query("SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY seq")
            .bind(worker.to_string())
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get(r, 0))
            .collect();
        assert!(actions.ends_with(&["staff.duty_started".to_string(), "staff.duty_ended".to_string()]), "{actions:?}");
    }
}

#[tokio::test]
async fn notes_written_together_commit_together_and_a_refused_one_takes_no_other_with_it() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let open_case = open(&store, o.team, None).await;
        let closed_case = open(&store, o.team, None).await;
        let v = cases::case_record(&store, closed_case).await.unwrap().version;
        cases::close(&store, &Default::default(), &AuditContext::system(), closed_case, hearth_domain::cases::ClosureReason::FinalOrder, "Final order made", v).await.unwrap();
        let note = |i: usize| NewNote { place: String::new(), kind: EntryKind::Visit, occurred_on: date!(2026 - 11 - 20), summary: format!("Visit {i}"), body: "Seen at home.".into() };
        let mut writes = tokio::task::JoinSet::new();
        for i in 0..40 {
            let (s, n) = (store.store.clone(), note(i));
            let case = if i == 17 { closed_case } else { open_case };
            writes.spawn(async move { (i, cases::add_note(&s, &AuditContext::system(), case, &n).await) });
        }
        let mut written = 0;
        while let Some(done) = writes.join_next().await {
            let (i, outcome) = done.unwrap();
            match outcome {
                Ok(_) => written += 1,
                Err(StoreError::Closed) => assert_eq!(i, 17, "only the note to the closed case is refused"),
                Err(e) => panic!("note {i}: {e:?}"),
            }
        }
        assert_eq!(written, 39);
        let notes = cases::chronology(&store, open_case, &ChronologyFilter::default()).await.unwrap().into_iter().filter(|e| e.summary.starts_with("Visit ")).count();
        assert_eq!(notes, 39, "every note said to be written is there");
        assert!(cases::chronology(&store, closed_case, &ChronologyFilter::default()).await.unwrap().iter().all(|e| !e.summary.starts_with("Visit ")));
        let events = audit::search(&store, &audit::AuditQuery { subject_id: Some(open_case.to_string()), ..Default::default() }, PageRequest::new(None, Some(100))).await.unwrap();
        assert_eq!(events.items.iter().filter(|e| e.action == "case.note_written").count(), 39, "each with its audit event");
        assert!(audit::verify(&store).await.unwrap().is_ok(), "and the chain unbroken");
    }
}

/// The demo loader writes its values into the SQL as literals: whatever text it writes reads back
/// the same on both engines, across statement and call boundaries, and a NUL is refused.
#[tokio::test]
async fn bulk_writes_read_back_exactly() {
    use hearth_store::cases::bulk::{CaseBatch, Outcome};
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let court = org::courts(&store).await.unwrap()[0].id;
        let id = hearth_store::new_id();
        let mut batch = CaseBatch::new(hearth_store::now());
        let outcome = Outcome { worker: None, allocated_on: None, stage: Stage::IntakeScreening, closed_on: None };
        batch.case(id, "HTH-BULK-1", &private_case(o.team, court), &outcome);
        let tricky = ["O'Brien's visit; DROP TABLE cases; --", "C:\\path\\n and \\' too", "Siân Ó Dónaill — 家族 🙂", "''", "\"quoted\""];
        // More entries than one statement holds (200 rows), so the text crosses statements.
        for n in 0..450 {
            let body = (n % 7 != 0).then(|| format!("{} #{n}", tricky[n % tricky.len()]));
            batch.entry(id, EntryKind::Visit, date!(2026 - 12 - 22), tricky[(n + 1) % tricky.len()], body.as_deref(), None);
        }
        let mut tx = store.begin().await.unwrap();
        batch.write(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let got = cases::chronology(&store, id, &ChronologyFilter::default()).await.unwrap();
        let visits: Vec<_> = got.iter().filter(|e| e.kind == EntryKind::Visit).collect();
        assert_eq!(visits.len(), 450);
        for n in 0..450 {
            let body = (n % 7 != 0).then(|| format!("{} #{n}", tricky[n % tricky.len()]));
            assert!(visits.iter().any(|e| e.body == body && e.summary == tricky[(n + 1) % tricky.len()]), "entry {n} read back changed");
        }
        assert_eq!(cases::case_record(&store, id).await.unwrap().reference, "HTH-BULK-1");

        let mut batch = CaseBatch::new(hearth_store::now());
        batch.entry(id, EntryKind::Visit, date!(2026 - 12 - 22), "Nul\0here", None, None);
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(batch.write(&mut tx).await, Err(StoreError::Refused(_))), "a NUL is refused");
    }
}

/// A search lists at most `SEARCH_MOST` cases the caller may see: past that it lists that many,
/// most recently received first, and says there are more; a narrower search still finds its
/// case. Cases the caller may not see do not count towards the limit.
#[tokio::test]
async fn a_broad_search_lists_the_most_it_may_and_a_narrower_one_finds_the_case() {
    use hearth_store::cases::bulk::{CaseBatch, Outcome};
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let court = org::courts(&store).await.unwrap()[0].id;
        let mut batch = CaseBatch::new(hearth_store::now());
        let outcome = Outcome { worker: None, allocated_on: None, stage: Stage::IntakeScreening, closed_on: None };
        // One more than the limit in the other team, received earlier, and the limit exactly in
        // this one, received later.
        let most = cases::SEARCH_MOST as usize;
        for (team, mark, n, received) in [(o.other_team, "X", most + 1, date!(2026 - 10 - 01)), (o.team, "W", most, date!(2026 - 11 - 01))] {
            for i in 0..n {
                let id = hearth_store::new_id();
                batch.case(id, &format!("HTH-{mark}{i}"), &NewCase { received_on: received, ..private_case(team, court) }, &outcome);
                batch.participant(id, team, &person("Wren Broadacre", PartyRole::SubjectChild, None, date!(2019 - 05 - 04)));
            }
        }
        let mut tx = store.begin().await.unwrap();
        batch.write(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let page = PageRequest::new(None, None);
        let national = CaseQuery { text: Some("wren".into()), ..Default::default() };
        let first = cases::list(&store, &national, page).await.unwrap();
        assert!(first.more, "there are more than the list holds");
        assert_eq!((first.total, first.last_page()), (cases::SEARCH_MOST, cases::SEARCH_MOST / first.per_page));
        let mut listed = Vec::new();
        for n in 1..=first.last_page() + 1 {
            listed.extend(cases::list(&store, &national, PageRequest::new(Some(n), Some(first.per_page))).await.unwrap().items);
        }
        assert_eq!(listed.len(), most, "never one past the most, even past the last page");
        assert!(listed.windows(2).all(|w| w[0].received_on >= w[1].received_on), "most recently received first");
        // Within one team's reach the same words match exactly the limit: listed, newest first.
        let me = common::add(&store, "Tam Manager", &[Role::TeamManager], Some(o.team), None).await;
        let team_only = CaseQuery { text: Some("wren".into()), visible: Some(Visibility { team_ids: vec![o.team], ..Visibility::none(me) }), ..Default::default() };
        let found = cases::list(&store, &team_only, page).await.unwrap();
        assert_eq!((found.total, found.more), (cases::SEARCH_MOST, false));
        // And its reference finds one of them anywhere.
        let narrow = CaseQuery { text: Some("hth-w7".into()), ..Default::default() };
        let one = cases::list(&store, &narrow, page).await.unwrap();
        assert_eq!((one.total, one.items[0].reference.as_str()), (1, "HTH-W7"));
    }
}
