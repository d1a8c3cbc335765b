//! Sickness on both engines: a report writes the episode and the absence allocation reads, once
//! at a time; the return ends the absence and makes the return-to-work interview due for the
//! manager; spells that reach a Bradford trigger open one review; a long-term episode opens one
//! occupational health referral; a band prices the days lost.

mod common;

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::org::Role;
use hearth_domain::people::leave::LeaveSettings;
use hearth_domain::people::sickness::{Interview, Report, ReviewKind, SicknessReason, SicknessSettings};
use hearth_domain::workload::AbsenceKind;
use hearth_store::people::sickness::{self, Rules, Whose};
use hearth_store::{AuditContext, StoreError, testing, workload};
use time::Duration;

fn as_(who: uuid::Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

#[tokio::test]
async fn an_episode_is_reported_ended_and_followed_by_its_interview() {
    let (settings, leave, calendar) = (SicknessSettings::default(), LeaveSettings::default(), WorkingCalendar::with_known_changes());
    let rules = Rules { settings: &settings, leave: &leave, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let today = hearth_store::now().date();
        let report = Report { first: today - Duration::days(2), expected_return: today + Duration::days(3), reason: SicknessReason::ColdFlu, note: String::new() };
        let id = sickness::report(&store, &as_(worker), rules, worker, &report).await.unwrap();
        // Away now, so allocation leaves them out; the manager is told.
        let away = workload::absences_of(&store, worker, today).await.unwrap();
        assert_eq!((away[0].kind, away[0].last), (AbsenceKind::Sickness, today + Duration::days(2)));
        assert!(hearth_store::cases::alerts_for(&store, manager).await.unwrap().iter().any(|a| a.message.contains("Wes Worker is off sick")));
        // Once at a time.
        let again = sickness::report(&store, &as_(worker), rules, worker, &report).await.unwrap_err();
        assert!(matches!(again, StoreError::Refused(ref e) if e.field == "first_day" && e.message.contains("Already off sick")), "{again:?}");

        sickness::extend(&store, &as_(manager), id, 1, today + Duration::days(5)).await.unwrap();
        assert_eq!(workload::absences_of(&store, worker, today).await.unwrap()[0].last, today + Duration::days(4));
        assert!(matches!(sickness::extend(&store, &as_(manager), id, 1, today + Duration::days(6)).await.unwrap_err(), StoreError::Conflict { current: 2 }));
        let bad = sickness::record_return(&store, &as_(worker), rules, id, 2, today + Duration::days(9), today).await.unwrap_err();
        assert!(matches!(bad, StoreError::Refused(ref e) if e.field == "returned_on"));
        sickness::record_return(&store, &as_(worker), rules, id, 2, today, today).await.unwrap();
        assert!(workload::absences_of(&store, worker, today).await.unwrap().is_empty(), "back today: no longer away");

        // The interview is the manager's, due within three working days.
        let waiting = sickness::interviews_waiting(&store, manager).await.unwrap();
        assert_eq!(waiting.iter().map(|w| (w.0, w.2)).collect::<Vec<_>>(), [(id, calendar.add_working_days(today, 2))]);
        let i = Interview { held_on: today, discussion: "Feeling better.".into(), fit_to_work: true, adjustments: String::new(), support: String::new() };
        assert!(matches!(sickness::hold_interview(&store, &as_(worker), id, 1, &i).await.unwrap_err(), StoreError::NotEditable(_)), "not their own");
        sickness::hold_interview(&store, &as_(manager), id, 1, &i).await.unwrap();
        assert!(sickness::interviews_waiting(&store, manager).await.unwrap().is_empty());
        let e = sickness::episodes_of(&store, &as_(manager), worker).await.unwrap();
        assert_eq!((e[0].returned_on, e[0].interview.as_ref().and_then(|i| i.held_on)), (Some(today), Some(today)));

        // Sickness overlapping approved time away is refused on the field.
        workload::record_absence(&store, &as_(manager), worker, AbsenceKind::Training, today + Duration::days(10), today + Duration::days(11)).await.unwrap();
        let clash = Report { first: today, expected_return: today + Duration::days(12), reason: SicknessReason::Headache, note: String::new() };
        assert!(matches!(sickness::report(&store, &as_(worker), rules, worker, &clash).await.unwrap_err(), StoreError::Refused(ref e) if e.field == "first_day"));
    }
}

#[tokio::test]
async fn spells_reaching_a_trigger_open_one_review_and_long_term_sickness_one_referral() {
    let (settings, leave, calendar) = (SicknessSettings::default(), LeaveSettings::default(), WorkingCalendar::with_known_changes());
    let rules = Rules { settings: &settings, leave: &leave, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let other = common::add(&store, "Ola Other", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let today = hearth_store::now().date();
        // Four past spells of a week: 4² × about 20 working days, over the 201 trigger.
        let history: Vec<sickness::DemoEpisode> = (0..4)
            .map(|k| {
                let first = today - Duration::days(140 - 30 * k);
                sickness::DemoEpisode { staff: worker, manager: Some(manager), first, expected_return: first + Duration::days(7), returned_on: Some(first + Duration::days(7)), reason: SicknessReason::ColdFlu, interview_held: true }
            })
            .collect();
        sickness::load_demo(&store, rules, &[], &history, today).await.unwrap();
        let bradford = |reviews: &[sickness::Review]| reviews.iter().filter(|r| r.kind == ReviewKind::Bradford).map(|r| r.score_reached).collect::<Vec<_>>();
        assert_eq!(bradford(&sickness::reviews_of(&store, worker).await.unwrap()), [Some(201)]);
        // A fifth spell today: 25 × over 20 days reaches the next trigger; the 201 one is not opened again.
        sickness::report(&store, &as_(worker), rules, worker, &Report { first: today, expected_return: today + Duration::days(1), reason: SicknessReason::Headache, note: String::new() }).await.unwrap();
        let mut reached = bradford(&sickness::reviews_of(&store, worker).await.unwrap());
        reached.sort();
        assert_eq!(reached, [Some(201), Some(401)]);
        let waiting = sickness::reviews_waiting(&store, manager).await.unwrap();
        assert!(!waiting.is_empty());
        sickness::close_review(&store, &as_(manager), waiting[0].id, 1, "Discussed; no further action.", today).await.unwrap();
        assert!(matches!(sickness::close_review(&store, &as_(manager), waiting[0].id, 1, "Again", today).await.unwrap_err(), StoreError::NotEditable(_)));

        // Off for 30 days and counting: one referral, however often the daily work runs.
        sickness::report(&store, &as_(manager), rules, other, &Report { first: today - Duration::days(30), expected_return: today + Duration::days(10), reason: SicknessReason::Surgery, note: String::new() }).await.unwrap();
        assert_eq!(sickness::refer_long_term(&store, rules, today).await.unwrap(), 1);
        assert_eq!(sickness::refer_long_term(&store, rules, today).await.unwrap(), 0);
        assert!(sickness::reviews_of(&store, other).await.unwrap().iter().any(|r| r.kind == ReviewKind::OccupationalHealth));

        // Pay: a band prices the days; a stale version is refused.
        sickness::set_band(&store, &AuditContext::system(), worker, "practitioner", 0).await.unwrap();
        assert!(matches!(sickness::set_band(&store, &AuditContext::system(), worker, "manager", 0).await.unwrap_err(), StoreError::Conflict { current: 1 }));
        assert!(matches!(sickness::set_band(&store, &AuditContext::system(), worker, "nonsense", 1).await.unwrap_err(), StoreError::Refused(_)));
        let facts = sickness::cost_facts(&store, &leave, Whose::Team(o.team), today - Duration::days(365), today).await.unwrap();
        let w = facts.iter().find(|f| f.staff_id == worker).unwrap();
        assert_eq!((w.spells.len(), w.annual_pence), (5, Some(41_000_00)));
        assert_eq!(facts.iter().find(|f| f.staff_id == other).unwrap().spells.len(), 1);
    }
}

#[tokio::test]
async fn settled_months_are_kept_as_measured_and_unsettled_ones_measured_again() {
    let (settings, leave, calendar) = (SicknessSettings::default(), LeaveSettings::default(), WorkingCalendar::with_known_changes());
    let rules = Rules { settings: &settings, leave: &leave, calendar: &calendar };
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let hr = common::add(&store, "Hana HR", &[Role::Hr], None, None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let today = hearth_store::now().date();
        let this_month = today.replace_day(1).unwrap();
        // Five months back: settled. A month back: unsettled.
        let old = hearth_domain::people::add_months(this_month, -5) + Duration::days(9);
        let recent = hearth_domain::people::add_months(this_month, -1) + Duration::days(9);
        for first in [old, recent] {
            let id = sickness::report(&store, &as_(hr), rules, worker, &Report { first, expected_return: first + Duration::days(3), reason: SicknessReason::ColdFlu, note: String::new() }).await.unwrap();
            sickness::record_return(&store, &as_(hr), rules, id, 1, first + Duration::days(3), today).await.unwrap();
        }
        let months = sickness::measure_months(&store, rules, today).await.unwrap();
        assert_eq!(months as i64, sickness::MONTHS_KEPT - 1, "every kept month, the first time");
        let kept = |m| { let store = &store; async move { sickness::kept_months(store, Whose::Team(o.team), m, m).await.unwrap().expect("measured")[0].clone() } };
        let before = kept(old.replace_day(1).unwrap()).await;
        assert!(before.days_lost >= 1 && before.cost_pence == 0 && before.started == 1, "{before:?}: no band yet, so no cost");
        assert_eq!(sickness::kept_months(&store, Whose::Team(o.other_team), old.replace_day(1).unwrap(), old.replace_day(1).unwrap()).await.unwrap().unwrap()[0].days_lost, 0, "another team's month is measured and none");

        // A band set later prices what is still unsettled, never the history already kept.
        sickness::set_band(&store, &as_(hr), worker, "practitioner", 0).await.unwrap();
        assert_eq!(sickness::measure_months(&store, rules, today).await.unwrap() as i64, sickness::UNSETTLED_MONTHS, "only the unsettled months again");
        assert_eq!(kept(old.replace_day(1).unwrap()).await, before, "a settled month is kept as it was");
        assert!(kept(recent.replace_day(1).unwrap()).await.cost_pence > 0, "an unsettled month is measured again");
        assert!(sickness::kept_months(&store, Whose::Everyone, hearth_domain::people::add_months(this_month, -40), this_month).await.unwrap().is_none(), "months never measured are missing, not zero");
    }
}
