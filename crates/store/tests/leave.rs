//! Leave on both engines: a year opens with its entitlement and bank holidays; a request is
//! checked against overlaps and the balance; approval writes the "taken" line and the absence
//! allocation reads, at the version read; cancelling gives the hours back; the deputy decides while
//! the line manager is away; and annual leave recorded before requests is adopted, none lost.

mod common;

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::org::Role;
use hearth_domain::people::leave::{DayPart, LeaveDraft, LeaveSettings, LineKind, RequestKind, RequestStatus, cost_of_days};
use hearth_domain::workload::{AbsenceKind, Ineligible};
use hearth_store::people::leave::{self, Decision, Rules};
use hearth_store::{AuditContext, StoreError, testing, workload};
use time::{Date, Duration};

fn as_(who: uuid::Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

/// The next Monday strictly after `d`, so a test's days are working days whatever today is.
fn next_monday(d: Date) -> Date {
    let mut m = d + Duration::days(1);
    while m.weekday() != time::Weekday::Monday {
        m += Duration::days(1);
    }
    m
}

fn draft(kind: RequestKind, first: Date, last: Date, minutes: i64) -> LeaveDraft {
    LeaveDraft { kind, first, last, part: DayPart::Whole, minutes, note: String::new() }
}

#[tokio::test]
async fn approving_leave_spends_the_balance_and_takes_the_worker_out_of_allocation() {
    let settings = LeaveSettings::default();
    let calendar = WorkingCalendar::with_known_changes();
    let rules = Rules { settings: &settings, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let today = hearth_store::now().date();

        let opened = leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap();
        assert_eq!(opened.lines.iter().filter(|l| l.kind == LineKind::Entitlement).count(), 1);
        let start = opened.balance.balance;
        assert!(start > 0);
        assert_eq!(start, opened.lines.iter().map(|l| l.minutes).sum::<i64>(), "the balance is the sum of its lines");
        // Opening again writes nothing more.
        assert_eq!(leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap().lines.len(), opened.lines.len());

        // From today for a week: at least one working day, and away today once approved.
        let (first, last) = (today, today + Duration::days(6));
        let pattern = opened.pattern;
        let minutes = cost_of_days(&calendar, &pattern, first, last);
        let id = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, first, last, minutes)).await.unwrap();
        assert_eq!(leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap().waiting, minutes);
        assert_eq!(leave::waiting_for(&store, manager, today).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [id]);

        // Overlapping leave is refused on its field; so is more than the balance, unless unpaid.
        let overlap = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, last, last + Duration::days(1), 444)).await.unwrap_err();
        assert!(matches!(overlap, StoreError::Refused(ref e) if e.field == "first_day"), "{overlap:?}");
        let later = next_monday(today + Duration::days(20));
        let too_much = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, later, later, start)).await.unwrap_err();
        assert!(matches!(too_much, StoreError::Refused(ref e) if e.field == "kind" && e.message.contains("unpaid")), "{too_much:?}");

        // Nobody approves their own; a stale version is refused; the manager approves.
        assert!(matches!(leave::decide(&store, &as_(worker), rules, id, 1, Decision::Approve).await.unwrap_err(), StoreError::NotEditable(_)));
        assert!(matches!(leave::decide(&store, &as_(manager), rules, id, 7, Decision::Approve).await.unwrap_err(), StoreError::Conflict { current: 1 }));
        leave::decide(&store, &as_(manager), rules, id, 1, Decision::Approve).await.unwrap();
        assert!(matches!(leave::decide(&store, &as_(manager), rules, id, 2, Decision::Approve).await.unwrap_err(), StoreError::NotEditable(_)), "decided once");
        let after = leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap();
        assert_eq!((after.balance.balance, after.waiting), (start - minutes, 0));
        assert!(after.lines.iter().any(|l| l.kind == LineKind::Taken && l.minutes == -minutes && l.request_id == Some(id)));

        // The one absence record: allocation now leaves the worker out.
        let away = workload::absences_of(&store, worker, today).await.unwrap();
        assert_eq!((away.len(), away[0].kind, away[0].first, away[0].last), (1, AbsenceKind::AnnualLeave, first, last));
        let case = common::open_private_case(&store, o.team).await;
        let s = workload::suggest(&store, &Default::default(), case, None, today).await.unwrap();
        assert!(s.ineligible.iter().any(|(c, why, _)| c.member.id == worker && *why == Ineligible::Away), "{:?}", s.ineligible);

        // Started leave cannot be cancelled; leave not yet started gives its hours back.
        assert!(matches!(leave::cancel(&store, &as_(worker), rules, id, 2, today).await.unwrap_err(), StoreError::NotEditable(_)));
        let unpaid = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Unpaid, later, later, 444)).await.unwrap();
        let future = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, later + Duration::days(1), later + Duration::days(1), 444)).await.unwrap();
        leave::decide(&store, &as_(manager), rules, unpaid, 1, Decision::Approve).await.unwrap();
        leave::decide(&store, &as_(manager), rules, future, 1, Decision::Approve).await.unwrap();
        let before_cancel = leave::ledger(&store, &as_(worker), rules, worker, later).await.unwrap().balance.balance;
        leave::cancel(&store, &as_(worker), rules, future, 2, today).await.unwrap();
        let back = leave::ledger(&store, &as_(worker), rules, worker, later).await.unwrap();
        assert_eq!(back.balance.balance, before_cancel + 444);
        assert!(back.lines.iter().any(|l| l.kind == LineKind::Returned && l.request_id == Some(future)));
        assert_eq!(leave::request(&store, future).await.unwrap().status, RequestStatus::Cancelled);
        // Unpaid leave takes nothing from the balance but is time away all the same.
        assert!(!back.lines.iter().any(|l| l.request_id == Some(unpaid)));
        assert!(workload::absences_of(&store, worker, today).await.unwrap().iter().any(|a| a.first == later && a.kind == AbsenceKind::Other));

        // Refusal keeps its reason and alerts nobody's balance.
        let refused = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, later + Duration::days(2), later + Duration::days(2), 444)).await.unwrap();
        leave::decide(&store, &as_(manager), rules, refused, 1, Decision::Refuse("Court week")).await.unwrap();
        let r = leave::request(&store, refused).await.unwrap();
        assert_eq!((r.status, r.refusal_reason.as_deref()), (RequestStatus::Refused, Some("Court week")));
        assert_eq!(leave::ledger(&store, &as_(worker), rules, worker, later).await.unwrap().balance.balance, before_cancel + 444);
    }
}

#[tokio::test]
async fn the_manager_above_decides_while_the_line_manager_is_away() {
    let settings = LeaveSettings::default();
    let calendar = WorkingCalendar::with_known_changes();
    let rules = Rules { settings: &settings, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let top = common::add(&store, "Tia Top", &[Role::NationalLeadership], Some(o.team), None).await;
        let head = common::add(&store, "Sam Service", &[Role::ServiceManager], Some(o.team), Some(top)).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), Some(head)).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let today = hearth_store::now().date();
        workload::record_absence(&store, &as_(head), manager, AbsenceKind::Training, today, today + Duration::days(2)).await.unwrap();
        let monday = next_monday(today + Duration::days(14));
        let id = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, monday, monday, 444)).await.unwrap();
        assert_eq!(leave::waiting_for(&store, head, today).await.unwrap().len(), 1, "the deputy sees it");
        assert_eq!(leave::waiting_for(&store, manager, today).await.unwrap().len(), 1, "and the line manager when back");
        assert!(leave::waiting_for(&store, head, today + Duration::days(5)).await.unwrap().is_empty(), "not once the line manager is back");
        assert!(leave::waiting_for(&store, top, today).await.unwrap().is_empty(), "not two levels up while the level between is in");
        // With both levels away, the request waits for the one above them too, as the alert would go.
        let away = workload::record_absence(&store, &as_(top), head, AbsenceKind::Training, today, today).await.unwrap();
        assert_eq!(leave::waiting_for(&store, top, today).await.unwrap().len(), 1, "two levels up while both between are away");
        let second = leave::ask(&store, &as_(worker), rules, worker, &draft(RequestKind::Annual, monday + Duration::days(7), monday + Duration::days(7), 444)).await.unwrap();
        let alerts = hearth_store::cases::alerts_for(&store, top).await.unwrap();
        assert!(alerts.iter().any(|a| a.message.contains("Wes Worker asked for leave")), "the alert goes where the list is: {alerts:?}");
        workload::cancel_absence(&store, &as_(top), head, away).await.unwrap();
        leave::cancel(&store, &as_(worker), rules, second, 1, today).await.unwrap();
        // The alert went to the deputy, since the line manager is away today.
        let alerts = hearth_store::cases::alerts_for(&store, head).await.unwrap();
        assert!(alerts.iter().any(|a| a.message.contains("Wes Worker asked for leave")), "{alerts:?}");
        leave::decide(&store, &as_(head), rules, id, 1, Decision::Approve).await.unwrap();
        // Cover: the team's time away over the days, leaving out the asker.
        let cover = leave::team_away(&store, o.team, today, today + Duration::days(30), Some(worker)).await.unwrap();
        assert_eq!(cover.iter().map(|a| a.staff.id).collect::<Vec<_>>(), [manager]);
    }
}

#[tokio::test]
async fn annual_leave_recorded_before_requests_is_adopted_into_the_ledger() {
    let settings = LeaveSettings::default();
    let calendar = WorkingCalendar::with_known_changes();
    let rules = Rules { settings: &settings, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let monday = next_monday(hearth_store::now().date() + Duration::days(7));
        // As the demo and earlier versions wrote it: a bare absence.
        workload::load_demo(&store, &workload::DemoWorkload { absences: vec![(worker, AbsenceKind::AnnualLeave, monday, monday + Duration::days(4))], ..Default::default() }).await.unwrap();
        assert_eq!(leave::adopt_absences(&store, rules).await.unwrap(), 1);
        assert_eq!(leave::adopt_absences(&store, rules).await.unwrap(), 0, "once");
        let l = leave::ledger(&store, &as_(worker), rules, worker, monday).await.unwrap();
        let taken: i64 = l.lines.iter().filter(|l| l.kind == LineKind::Taken).map(|l| l.minutes).sum();
        assert_eq!(taken, -cost_of_days(&calendar, &l.pattern, monday, monday + Duration::days(4)));
        let requests = leave::requests_of(&store, worker, monday).await.unwrap();
        assert_eq!(requests.iter().map(|r| (r.status, r.first)).collect::<Vec<_>>(), [(RequestStatus::Approved, monday)]);
        assert_eq!(workload::absences_of(&store, worker, monday).await.unwrap().len(), 1, "the absence stays, now with its request");
        // A hand-added line: selling more than the balance is refused.
        let e = leave::adjust(&store, &AuditContext::system(), rules, worker, LineKind::Sold, -l.balance.balance - 60, monday, "Sell").await.unwrap_err();
        assert!(matches!(e, StoreError::Refused(ref f) if f.field == "hours"));
        leave::adjust(&store, &AuditContext::system(), rules, worker, LineKind::Toil, 180, monday, "Court ran late").await.unwrap();
        assert_eq!(leave::ledger(&store, &as_(worker), rules, worker, monday).await.unwrap().balance.balance, l.balance.balance + 180);
    }
}

#[tokio::test]
async fn the_days_someone_works_decide_what_leave_and_bank_holidays_take() {
    let settings = LeaveSettings::default();
    let calendar = WorkingCalendar::with_known_changes();
    let rules = Rules { settings: &settings, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let mut s = common::new_staff("Pat Parttime", &[Role::Practitioner], Some(o.team), None);
        s.fte = hearth_domain::org::Fte::parse("fte", "0.6").unwrap();
        let worker = hearth_store::org::create_staff(&store, &AuditContext::system(), &s).await.unwrap();
        let today = hearth_store::now().date();
        let (default, own, version) = leave::work_pattern(&store, &settings, worker).await.unwrap();
        assert_eq!((default.days_code(), own, version), ("mon,tue,wed".to_string(), false, 0));
        let before = leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap();

        // Wednesday to Friday instead: bank holidays still to come this year fall on the new days.
        let days = hearth_domain::people::leave::WorkPattern::parse_days("wed,thu,fri");
        assert!(matches!(leave::set_work_pattern(&store, &AuditContext::system(), rules, worker, days, 3, today).await.unwrap_err(), StoreError::Conflict { current: 0 }));
        let none = leave::set_work_pattern(&store, &AuditContext::system(), rules, worker, [false; 5], 0, today).await.unwrap_err();
        assert!(matches!(none, StoreError::Refused(ref e) if e.field == "days"));
        let pattern = leave::set_work_pattern(&store, &AuditContext::system(), rules, worker, days, 0, today).await.unwrap();
        let after = leave::ledger(&store, &as_(worker), rules, worker, today).await.unwrap();
        let future = |l: &leave::Ledger| l.lines.iter().filter(|l| l.kind == LineKind::BankHoliday && l.on > today).map(|l| l.on).collect::<Vec<_>>();
        assert!(future(&after).iter().all(|d| pattern.minutes_on(*d) > 0), "only on the days they work now");
        let expected: Vec<Date> = calendar.holidays_in(after.year.first.year()).into_iter().chain(calendar.holidays_in(after.year.last.year())).map(|h| h.date).filter(|d| *d > today && after.year.contains(*d) && pattern.minutes_on(*d) > 0).collect();
        assert_eq!(future(&after), expected);
        assert_eq!(after.lines.iter().filter(|l| l.kind == LineKind::BankHoliday && l.on <= today).count(), before.lines.iter().filter(|l| l.kind == LineKind::BankHoliday && l.on <= today).count(), "the past is kept");
        // A Monday is no longer a day they work: a half day on one is refused.
        let monday = next_monday(today + Duration::days(7));
        let form = hearth_domain::people::leave::LeaveForm { kind: "annual".into(), first_day: monday.to_string(), part: "morning".into(), ..Default::default() };
        assert_eq!(form.validate(&settings, &calendar, &pattern, today).unwrap_err()[0].field, "first_day");
    }
}
