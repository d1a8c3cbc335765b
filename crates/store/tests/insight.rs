//! Key figures kept month by month, on both engines: a past month measured from the cases'
//! history (allocation times, month-end unallocated work, closures and their length, first
//! contacts), added up the same for a team, its area and the service, and measured again without
//! doubling.

mod common;

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::cases::{ApplicationKind, EntryKind, LawType, NewCase, Stage};
use hearth_domain::insight::Month;
use hearth_domain::org::Role;
use hearth_store::cases::bulk::{CaseBatch, Outcome};
use hearth_store::insight::{self, Whose};
use hearth_store::quality::insight::Reach;
use hearth_store::{Store, new_id, now, org, testing};
use time::{Date, Duration};
use uuid::Uuid;

fn new_case(store_court: Uuid, la: Uuid, team: Uuid, law: LawType, received_on: Date, n: usize) -> NewCase {
    NewCase {
        court_case_number: format!("LV26C{n:05}"),
        law,
        applications: vec![if law == LawType::Public { ApplicationKind::CareOrder } else { ApplicationKind::ChildArrangements }],
        court_id: store_court,
        local_authority_id: (law == LawType::Public).then_some(la),
        team_id: team,
        received_on,
        urgent: false,
        first_hearing_on: None,
        issued_on: (law == LawType::Public).then_some(received_on),
        flags: vec![],
    }
}

struct History {
    /// The five cases, in the order described in `history`.
    cases: Vec<Uuid>,
    team: Uuid,
    area: Uuid,
    worker: Uuid,
    month: Month,
}

/// Five cases around a month three months ago.
async fn history(store: &Store) -> History {
    let o = common::small_org(store).await;
    let worker = common::add(store, "Pat Practitioner", &[Role::Practitioner], Some(o.team), None).await;
    let court = org::courts(store).await.unwrap()[0].id;
    let la = org::local_authorities(store).await.unwrap()[0].id;
    let month = Month::of(now().date()).previous().previous().previous();
    let day = |n: i64| month.first_day() + Duration::days(n);
    let mut batch = CaseBatch::new(now());
    let mut ids = vec![];
    let cases: [(LawType, Date, Option<Date>, Option<Date>); 5] = [
        // Allocated the day it arrived: within 2 working days and 28 days.
        (LawType::Public, day(2), Some(day(2)), None),
        // Allocated 20 days later: late for 2 working days, within 28.
        (LawType::Public, day(2), Some(day(22)), None),
        // Never allocated: late on both, and unallocated at the month's end.
        (LawType::Public, day(2), None, None),
        // Private law, closed in the month.
        (LawType::Private, day(-40), Some(day(-39)), Some(day(10))),
        // Public law proceedings of 70 days, closed in the month.
        (LawType::Public, day(-60), Some(day(-60)), Some(day(10))),
    ];
    for (n, (law, received, allocated, closed)) in cases.iter().enumerate() {
        let id = new_id();
        ids.push(id);
        let outcome = Outcome { worker: allocated.map(|_| worker), allocated_on: *allocated, stage: Stage::FirstHearing, closed_on: *closed };
        batch.case(id, &format!("HTH-{n}"), &new_case(court, la, o.team, *law, *received, n), &outcome);
        if n == 0 {
            // First contact three days after allocation; a note before it does not count.
            batch.entry(id, EntryKind::Addendum, day(3), "Note", None, Some(worker));
            batch.entry(id, EntryKind::Visit, day(5), "Home visit", None, Some(worker));
        }
    }
    let mut tx = store.begin().await.unwrap();
    batch.write(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    History { cases: ids, team: o.team, area: o.area, worker, month }
}

#[tokio::test]
async fn a_past_month_is_measured_from_history_and_adds_up_the_same_at_every_reach() {
    for store in testing::stores().await {
        let h = history(&store).await;
        let cal = WorkingCalendar::england_and_wales();
        let today = now().date();
        let measured = insight::refresh(&store, &cal, today).await.unwrap();
        assert_eq!(measured, insight::MONTHS_KEPT, "every month of the year is measured the first time");
        // Only the unsettled months are measured again.
        assert_eq!(insight::refresh(&store, &cal, today).await.unwrap(), hearth_domain::insight::UNSETTLED_MONTHS + 1);

        let (months, at) = insight::months(&store, Reach::Team(h.team), h.month, h.month).await.unwrap();
        assert!(at.is_some());
        let (_, m) = months.first().copied().expect("the month is kept");
        assert_eq!(m.public_received, 3);
        assert_eq!((m.allocation.within_2, m.allocation.counted_2, m.allocation.within_28, m.allocation.counted_28), (1, 3, 2, 3));
        assert_eq!((m.public_open_end, m.public_unallocated_end), (Some(3), Some(1)), "three public law cases open at the month's end, one unallocated");
        assert_eq!((m.private_open_end, m.private_unallocated_end), (Some(0), Some(0)));
        assert_eq!((m.closed, m.public_closed, m.public_weeks()), (2, 1, Some(10.0)));

        // Moving cases since does not rewrite the month: the case allocated the day it arrived is
        // reallocated today, the one allocated 20 days later goes back to the hub, and the month
        // measured again reads the same (it counts who held each case then, and when first).
        let other = common::add(&store, "Robin Other", &[Role::Practitioner], Some(h.team), None).await;
        let ctx = hearth_store::AuditContext::system();
        for (case, to) in [(h.cases[0], Some((other, "Robin Other"))), (h.cases[1], None)] {
            let version = hearth_store::cases::case_record(&store, case).await.unwrap().version;
            hearth_store::workload::allocate(&store, &Default::default(), &ctx, case, to.map(|t: (uuid::Uuid, &str)| t.0), "Moved since", Default::default(), version).await.unwrap();
        }
        insight::measure(&store, &cal, h.month, today).await.unwrap();
        let (again, _) = insight::months(&store, Reach::Team(h.team), h.month, h.month).await.unwrap();
        assert_eq!(again.first().map(|(_, m)| *m), Some(m), "the month reads the same after cases have moved");
        let mine_again = insight::staff_months(&store, Whose::Worker(h.worker), h.month, h.month).await.unwrap();
        assert_eq!(mine_again.first().map(|(_, _, s)| s.first_contacts), Some(1), "the first contact still counts for the worker allocated then");

        // The area and the service add up to the same, as no other team has cases.
        for reach in [Reach::Area(h.area), Reach::National] {
            let (months, _) = insight::months(&store, reach, h.month, h.month).await.unwrap();
            assert_eq!(months.first().map(|(_, m)| *m), Some(m), "{reach:?}");
        }
        // This month has not ended: no month-end figures yet.
        let (now_months, _) = insight::months(&store, Reach::Team(h.team), Month::of(today), Month::of(today)).await.unwrap();
        assert_eq!(now_months.first().map(|(_, m)| m.public_open_end), Some(None));

        // The worker's own month: two closures and one first contact, three days after allocation.
        let mine = insight::staff_months(&store, Whose::Worker(h.worker), h.month, h.month).await.unwrap();
        let (_, _, s) = mine.first().copied().expect("the worker's month is kept");
        assert_eq!((s.closed, s.first_contacts, s.first_contact_days), (2, 1, 3));
        let team = insight::staff_months(&store, Whose::Team(h.team), h.month, h.month).await.unwrap();
        assert_eq!(team.len(), 1);
    }
}
