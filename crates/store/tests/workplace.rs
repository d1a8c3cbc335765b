//! Hot desks on both engines: the floor plan keeps the office's desk count; bookings keep the
//! rules (the first free desk suits the person, accessible desks are held, a week's cap); check-in
//! records an office day; no-shows are released; leave and sickness cancel bookings in their own
//! transactions; and fifty people booking the last desk at once leave exactly one booking.

mod common;

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::org::Role;
use hearth_domain::people::leave::{DayPart, LeaveDraft, LeaveSettings, RequestKind};
use hearth_domain::people::sickness::{Report, SicknessReason, SicknessSettings};
use hearth_domain::workload::AbsenceKind;
use hearth_domain::workplace::{BookingStatus, CancelledBecause, DeskDraft, DeskFeatures, DeskRules};
use hearth_store::workplace::{self, Ask, Asker};
use hearth_store::{AuditContext, Store, StoreError, org, testing};
use time::macros::time;
use time::{Date, Duration};
use uuid::Uuid;

fn as_(who: Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

/// The next Monday strictly after `d`, so a test's days are weekdays whatever today is.
fn next_monday(d: Date) -> Date {
    let mut m = d + Duration::days(1);
    while m.weekday() != time::Weekday::Monday {
        m += Duration::days(1);
    }
    m
}

fn desk(label: &str, x: i64, accessible: bool) -> DeskDraft {
    DeskDraft { label: label.into(), zone: "Ground floor".into(), features: DeskFeatures { accessible, ..Default::default() }, plan_x: x, plan_y: 0, withdrawn: false }
}

fn at(staff: Uuid, today: Date) -> Asker {
    Asker { staff, office_first: false, today, uk_time: time!(9:00) }
}

fn ask(office: Uuid, day: Date) -> Ask {
    Ask { office, day, desk: None, check_in: false }
}

/// A new office with no desks until the test draws its plan.
async fn an_office(store: &Store, n: usize) -> Uuid {
    let area = org::area_refs(store).await.unwrap()[0].id;
    let id = hearth_store::new_id();
    let mut tx = store.begin().await.unwrap();
    org::insert_office(&mut tx, id, &format!("Office {n}"), "Town", area, 0).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn refused_on(e: &StoreError) -> &str {
    match e {
        StoreError::Refused(f) => f.field.as_ref(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn bookings_keep_the_rules_and_the_plan_keeps_the_office_count() {
    let rules = DeskRules::default();
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let (sam, tia, una) = (
            common::add(&store, "Sam Worker", &[Role::Practitioner], Some(o.team), None).await,
            common::add(&store, "Tia Worker", &[Role::Practitioner], Some(o.team), None).await,
            common::add(&store, "Una Worker", &[Role::Practitioner], Some(o.team), None).await,
        );
        let office = an_office(&store, 0).await;
        let accessible = workplace::add_desk(&store, &as_(admin), office, &desk("A1", 0, true)).await.unwrap();
        let d2 = workplace::add_desk(&store, &as_(admin), office, &desk("D2", 1, false)).await.unwrap();
        workplace::add_desk(&store, &as_(admin), office, &desk("D3", 2, false)).await.unwrap();
        assert_eq!(refused_on(&workplace::add_desk(&store, &as_(admin), office, &desk("D3", 5, false)).await.unwrap_err()), "label");
        assert_eq!(refused_on(&workplace::add_desk(&store, &as_(admin), office, &desk("D4", 2, false)).await.unwrap_err()), "plan_x", "two desks in one place");
        let count = |store: Store| async move { org::offices(&store).await.unwrap().into_iter().find(|o| o.id == office).unwrap().desks };
        assert_eq!(count(store.store.clone()).await, 3, "the office's count follows its plan");

        let today = next_monday(hearth_store::now().date());
        let thursday = today + Duration::days(3);
        // The first free desk for someone without a need is not the accessible one.
        let b1 = workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, thursday)).await.unwrap();
        workplace::book(&store, &as_(tia), &rules, at(tia, today), ask(office, thursday)).await.unwrap();
        let plan = workplace::day_plan(&store, office, thursday).await.unwrap();
        assert!(plan.iter().find(|d| d.desk.id == accessible).unwrap().holder.is_none(), "held for someone who needs it");
        // The accessible desk is held until the day before, so nothing is free for Una...
        let none = workplace::book(&store, &as_(una), &rules, at(una, today), ask(office, thursday)).await.unwrap_err();
        assert!(refused_on(&none) == "day" && none.to_string().contains("No desks are free"), "{none}");
        let chosen = workplace::book(&store, &as_(una), &rules, at(una, today), Ask { desk: Some(accessible), ..ask(office, thursday) }).await.unwrap_err();
        assert_eq!(refused_on(&chosen), "desk");
        // ...unless she needs it, or it is the day before.
        workplace::set_needs(&store, &as_(una), una, true).await.unwrap();
        let b3 = workplace::book(&store, &as_(una), &rules, at(una, today), ask(office, thursday)).await.unwrap();
        assert_eq!(workplace::booking(&store, b3).await.unwrap().desk_id, accessible);
        // A taken desk, a second desk the same day, a weekend and a fourth day that week are refused.
        let wednesday = today + Duration::days(2);
        workplace::book(&store, &as_(tia), &rules, at(tia, today), Ask { desk: Some(d2), ..ask(office, wednesday) }).await.unwrap();
        assert_eq!(refused_on(&workplace::book(&store, &as_(sam), &rules, at(sam, today), Ask { desk: Some(d2), ..ask(office, wednesday) }).await.unwrap_err()), "desk");
        assert_eq!(refused_on(&workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, thursday)).await.unwrap_err()), "day");
        assert_eq!(refused_on(&workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, today + Duration::days(5))).await.unwrap_err()), "day");
        for d in [1, 2] {
            workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, today + Duration::days(d))).await.unwrap();
        }
        let fourth = workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, today + Duration::days(4))).await.unwrap_err();
        assert!(fourth.to_string().contains("3 days booked"), "{fourth}");
        // Cancelling frees the day and the desk; someone else's booking is not theirs to cancel.
        assert!(matches!(workplace::cancel(&store, &as_(tia), b1, tia, today).await.unwrap_err(), StoreError::NotFound));
        workplace::cancel(&store, &as_(sam), b1, sam, today).await.unwrap();
        assert_eq!(workplace::booking(&store, b1).await.unwrap().status, BookingStatus::Cancelled);
        workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, today + Duration::days(4))).await.unwrap();

        // Withdrawing a booked desk is refused; an empty one goes, and the count follows.
        let booked = workplace::desk(&store, accessible).await.unwrap();
        let withdraw = |d: &workplace::Desk| DeskDraft { withdrawn: true, label: d.label.clone(), zone: d.zone.clone(), features: d.features, plan_x: d.plan_x, plan_y: d.plan_y };
        assert_eq!(refused_on(&workplace::change_desk(&store, &as_(admin), accessible, &withdraw(&booked), booked.version, today).await.unwrap_err()), "withdrawn");
        let spare = workplace::add_desk(&store, &as_(admin), office, &desk("S9", 9, false)).await.unwrap();
        let s = workplace::desk(&store, spare).await.unwrap();
        assert!(matches!(workplace::change_desk(&store, &as_(admin), spare, &withdraw(&s), s.version + 1, today).await.unwrap_err(), StoreError::Conflict { .. }));
        workplace::change_desk(&store, &as_(admin), spare, &withdraw(&s), s.version, today).await.unwrap();
        assert_eq!(count(store.store.clone()).await, 3);
    }
}

#[tokio::test]
async fn checking_in_records_an_office_day_and_no_shows_are_released_with_an_alert() {
    let rules = DeskRules::default();
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let (sam, tia) = (common::add(&store, "Sam Worker", &[Role::Practitioner], Some(o.team), None).await, common::add(&store, "Tia Worker", &[Role::Practitioner], Some(o.team), None).await);
        let office = an_office(&store, 1).await;
        for (i, l) in ["D1", "D2"].iter().enumerate() {
            workplace::add_desk(&store, &as_(admin), office, &desk(l, i as i64, false)).await.unwrap();
        }
        let today = next_monday(hearth_store::now().date());
        let mine = workplace::book(&store, &as_(sam), &rules, at(sam, today), ask(office, today)).await.unwrap();
        let theirs = workplace::book(&store, &as_(tia), &rules, at(tia, today), ask(office, today)).await.unwrap();
        let early = Asker { uk_time: time!(6:30), ..at(sam, today) };
        assert_eq!(refused_on(&workplace::check_in(&store, &as_(sam), &rules, mine, early).await.unwrap_err()), "check_in");
        assert!(matches!(workplace::check_in(&store, &as_(tia), &rules, mine, at(tia, today)).await.unwrap_err(), StoreError::NotFound), "not theirs");
        workplace::check_in(&store, &as_(sam), &rules, mine, at(sam, today)).await.unwrap();
        assert_eq!(workplace::booking(&store, mine).await.unwrap().status, BookingStatus::CheckedIn);
        assert!(hearth_store::people::office::recorded_on(&store, sam, today).await.unwrap(), "an office day");

        assert_eq!(workplace::release_no_shows(&store, today).await.unwrap(), 1);
        assert_eq!(workplace::booking(&store, theirs).await.unwrap().status, BookingStatus::Released);
        assert_eq!(workplace::booking(&store, mine).await.unwrap().status, BookingStatus::CheckedIn, "checked in stays");
        let alerts = hearth_store::cases::alerts_for(&store, tia).await.unwrap();
        assert!(alerts.iter().any(|a| a.message.contains("released")), "told: {alerts:?}");
        assert_eq!(workplace::release_no_shows(&store, today).await.unwrap(), 0, "nothing twice");
        // The released desk can be taken again.
        let late = Asker { uk_time: time!(10:40), ..at(tia, today) };
        workplace::book(&store, &as_(tia), &rules, late, ask(office, today)).await.unwrap();
        let used = workplace::office_use(&store, today, today).await.unwrap();
        let u = used.get(&office).unwrap();
        assert_eq!((u.checked_in[0], u.released, u.booked), (1, 1, 1));
    }
}

#[tokio::test]
async fn leave_sickness_and_recorded_time_away_cancel_bookings_on_those_days() {
    let rules = DeskRules::default();
    let (leave_settings, sickness_settings, calendar) = (LeaveSettings::default(), SicknessSettings::default(), WorkingCalendar::with_known_changes());
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let office = an_office(&store, 2).await;
        workplace::add_desk(&store, &as_(admin), office, &desk("D1", 0, false)).await.unwrap();
        let today = hearth_store::now().date();
        let monday = next_monday(today);
        let asker = Asker { today, ..at(worker, today) };
        let (tue, wed) = (monday + Duration::days(1), monday + Duration::days(2));
        let on_tue = workplace::book(&store, &as_(worker), &rules, asker, ask(office, tue)).await.unwrap();
        let on_wed = workplace::book(&store, &as_(worker), &rules, asker, ask(office, wed)).await.unwrap();

        let leave_rules = hearth_store::people::leave::Rules { settings: &leave_settings, calendar: &calendar };
        let minutes = hearth_domain::people::leave::cost_of_days(&calendar, &hearth_store::people::leave::ledger(&store, &as_(worker), leave_rules, worker, today).await.unwrap().pattern, tue, tue);
        let request = hearth_store::people::leave::ask(&store, &as_(worker), leave_rules, worker, &LeaveDraft { kind: RequestKind::Annual, first: tue, last: tue, part: DayPart::Whole, minutes, note: String::new() }).await.unwrap();
        hearth_store::people::leave::decide(&store, &as_(manager), leave_rules, request, 1, hearth_store::people::leave::Decision::Approve).await.unwrap();
        let b = workplace::booking(&store, on_tue).await.unwrap();
        assert_eq!((b.status, b.cancelled_because), (BookingStatus::Cancelled, Some(CancelledBecause::Leave)));
        assert_eq!(workplace::booking(&store, on_wed).await.unwrap().status, BookingStatus::Booked, "another day stands");
        assert!(hearth_store::cases::alerts_for(&store, worker).await.unwrap().iter().any(|a| a.message.contains("desk booking") && a.message.contains("on leave")));

        let sick_rules = hearth_store::people::sickness::Rules { settings: &sickness_settings, leave: &leave_settings, calendar: &calendar };
        let report = Report { first: wed, expected_return: wed + Duration::days(1), reason: SicknessReason::ColdFlu, note: String::new() };
        hearth_store::people::sickness::report(&store, &as_(worker), sick_rules, worker, &report).await.unwrap();
        let b = workplace::booking(&store, on_wed).await.unwrap();
        assert_eq!((b.status, b.cancelled_because), (BookingStatus::Cancelled, Some(CancelledBecause::Sickness)));

        // Time away a manager records (here, training) cancels the booking that day too.
        let thu = monday + Duration::days(3);
        let on_thu = workplace::book(&store, &as_(worker), &rules, asker, ask(office, thu)).await.unwrap();
        hearth_store::workload::record_absence(&store, &as_(manager), worker, AbsenceKind::Training, thu, thu).await.unwrap();
        let b = workplace::booking(&store, on_thu).await.unwrap();
        assert_eq!((b.status, b.cancelled_because), (BookingStatus::Cancelled, Some(CancelledBecause::Away)));
        assert!(hearth_store::cases::alerts_for(&store, worker).await.unwrap().iter().any(|a| a.message.contains("recorded as away")));
    }
}

#[tokio::test]
async fn fifty_people_booking_the_last_desk_at_once_leave_exactly_one_booking() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let office = an_office(&store, 3).await;
        workplace::add_desk(&store, &as_(admin), office, &desk("Last", 0, false)).await.unwrap();
        let mut people = Vec::new();
        for i in 0..50 {
            people.push(common::add(&store, &format!("Person {i:02}"), &[Role::Practitioner], Some(o.team), None).await);
        }
        let day = next_monday(hearth_store::now().date());
        let tasks: Vec<_> = people
            .iter()
            .map(|p| {
                let (store, p) = (store.store.clone(), *p);
                tokio::spawn(async move { workplace::book(&store, &as_(p), &DeskRules::default(), at(p, day), ask(office, day)).await })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => won += 1,
                Err(StoreError::Refused(f)) => assert!(["desk", "day"].contains(&f.field.as_ref()) && !f.message.is_empty(), "a clear answer: {f:?}"),
                Err(e) => panic!("{:?}: {e:?}", store.engine()),
            }
        }
        assert_eq!(won, 1, "{:?}", store.engine());
        assert_eq!(workplace::day_plan(&store, office, day).await.unwrap().iter().filter(|d| d.holder.is_some()).count(), 1);
    }
}

#[tokio::test]
async fn a_team_day_holds_desks_for_the_team_until_its_members_book_them() {
    let rules = DeskRules::default();
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let member = common::add(&store, "Mo Member", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let (out1, out2) = (common::add(&store, "Oz Outsider", &[Role::Practitioner], Some(o.other_team), None).await, common::add(&store, "Pat Outsider", &[Role::Practitioner], Some(o.other_team), None).await);
        let office = an_office(&store, 4).await;
        for i in 0..3 {
            workplace::add_desk(&store, &as_(admin), office, &desk(&format!("D{i}"), i, false)).await.unwrap();
        }
        let today = next_monday(hearth_store::now().date());
        let day = today + Duration::days(2);
        // A team holds desks only at its own office: both teams work from this one.
        let nowhere = hearth_store::new_id();
        sqlx::query("INSERT INTO teams (id, name, service_area_id, created_at) SELECT $1, 'Team Nowhere', service_area_id, created_at FROM teams WHERE id = $2").bind(nowhere.to_string()).bind(o.team.to_string()).execute(store.pool()).await.unwrap();
        assert_eq!(refused_on(&workplace::hold_team_day(&store, &as_(admin), &rules, nowhere, day, 1, today).await.unwrap_err()), "day", "a team with no office");
        sqlx::query("UPDATE teams SET office_id = $1 WHERE id IN ($2, $3)").bind(office.to_string()).bind(o.team.to_string()).bind(o.other_team.to_string()).execute(store.pool()).await.unwrap();
        assert_eq!(refused_on(&workplace::hold_team_day(&store, &as_(manager), &rules, o.team, day, 4, today).await.unwrap_err()), "desks", "more than the office has");
        assert_eq!(refused_on(&workplace::hold_team_day(&store, &as_(manager), &rules, o.team, today - Duration::days(1), 1, today).await.unwrap_err()), "day");
        let held = workplace::hold_team_day(&store, &as_(manager), &rules, o.team, day, 2, today).await.unwrap();
        assert_eq!(refused_on(&workplace::hold_team_day(&store, &as_(manager), &rules, o.team, day, 1, today).await.unwrap_err()), "day", "one hold a team a day");
        assert_eq!(refused_on(&workplace::hold_team_day(&store, &as_(admin), &rules, o.other_team, day, 2, today).await.unwrap_err()), "desks", "only one desk is left to hold");

        // One desk is not held: an outsider takes it; the next outsider is told the rest are held.
        workplace::book(&store, &as_(out1), &rules, at(out1, today), ask(office, day)).await.unwrap();
        let refused = workplace::book(&store, &as_(out2), &rules, at(out2, today), ask(office, day)).await.unwrap_err();
        assert!(refused.to_string().contains("team day"), "{refused}");
        // A member books one of the held desks; one stays held.
        workplace::book(&store, &as_(member), &rules, at(member, today), ask(office, day)).await.unwrap();
        let t = &workplace::team_days(&store, office, day).await.unwrap()[0];
        assert_eq!((t.desks, t.booked), (2, 1));
        assert!(workplace::book(&store, &as_(out2), &rules, at(out2, today), ask(office, day)).await.is_err());
        // Released, the last desk is everyone's again.
        workplace::release_team_day(&store, &as_(manager), held).await.unwrap();
        workplace::book(&store, &as_(out2), &rules, at(out2, today), ask(office, day)).await.unwrap();
    }
}
