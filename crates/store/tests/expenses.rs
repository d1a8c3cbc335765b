//! Expenses on both engines: a claim is the claimant's own; mileage is prefilled from their own
//! visits (estimated between known places), and a visit is claimed once while its claim stands;
//! other costs carry a receipt; submitting needs the miles and alerts the manager; approval is
//! never one's own and over the limit needs a service manager; refusal frees the visits; and a
//! month's payroll export pays each approved claim once.

mod common;

use hearth_domain::cases::{EntryKind, NewNote};
use hearth_domain::documents::FileType;
use hearth_domain::org::Role;
use hearth_domain::people::expenses::{ClaimStatus, Cost, ExpenseKind, ExpenseSettings, Journey};
use hearth_store::people::expenses::{self, Decision, NewReceipt};
use hearth_store::{AuditContext, StoreError, cases, documents, new_id, org, testing};
use time::Duration;

fn as_(who: uuid::Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

fn refused_on(e: StoreError) -> String {
    match e {
        StoreError::Refused(f) => f.field.to_string(),
        e => panic!("expected a refusal, got {e:?}"),
    }
}

#[tokio::test]
async fn a_claim_from_visits_to_payroll() {
    let s = ExpenseSettings::default();
    for store in testing::stores().await {
        let files = documents::memory_files();
        let o = common::small_org(&store).await;
        let (office, team) = (new_id(), new_id());
        let mut tx = store.begin().await.unwrap();
        org::insert_office(&mut tx, office, "Leeds", "Leeds", o.area, 4).await.unwrap();
        org::insert_team(&mut tx, team, "Leeds team", o.area, Some(office)).await.unwrap();
        tx.commit().await.unwrap();
        let head = common::add(&store, "Sam Service", &[Role::ServiceManager], Some(team), None).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(team), Some(head)).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(team), Some(manager)).await;
        let other = common::add(&store, "Olu Other", &[Role::Practitioner], Some(team), Some(manager)).await;
        let case = common::open_private_case(&store, team).await;
        let court = org::courts(&store).await.unwrap().into_iter().find(|c| c.town == "Bradford").expect("a court in Bradford");
        let today = hearth_store::now().date();
        let note = |kind, days_ago: i64, place: &str| NewNote { place: place.into(), kind, occurred_on: today - Duration::days(days_ago), summary: "Seen".into(), body: "Seen at home.".into() };
        let to_court = cases::add_note(&store, &as_(worker), case, &note(EntryKind::CourtAttendance, 3, &court.name)).await.unwrap();
        let home = cases::add_note(&store, &as_(worker), case, &note(EntryKind::Visit, 2, "Family home, Harehills")).await.unwrap();
        let later = cases::add_note(&store, &as_(worker), case, &note(EntryKind::Visit, 1, "")).await.unwrap();
        let call = cases::add_note(&store, &as_(worker), case, &note(EntryKind::PhoneCall, 1, "")).await.unwrap();
        let theirs = cases::add_note(&store, &as_(other), case, &note(EntryKind::Visit, 1, "School")).await.unwrap();

        // A claim is the claimant's own: nobody starts one for someone else.
        assert_eq!(refused_on(expenses::start(&store, &as_(manager), worker).await.unwrap_err()), "claim");
        let claim = expenses::start(&store, &as_(worker), worker).await.unwrap();
        assert_eq!(expenses::start(&store, &as_(worker), worker).await.unwrap(), claim, "one claim in progress at a time");

        let visits = expenses::visits_to_claim(&store, worker, today - Duration::days(90)).await.unwrap();
        assert_eq!(visits.iter().map(|v| v.id).collect::<Vec<_>>(), [later, home, to_court], "their own visits and attendances, newest first");
        for wrong in [call, theirs] {
            assert_eq!(refused_on(expenses::add_visits(&store, &as_(worker), &s, claim, 1, &[wrong], today).await.unwrap_err()), "visits");
        }
        assert_eq!(expenses::claim(&store, claim).await.unwrap().version, 1, "a refused change leaves the claim as it was");
        expenses::add_visits(&store, &as_(worker), &s, claim, 1, &[to_court, home], today).await.unwrap();
        let c = expenses::claim(&store, claim).await.unwrap();
        let court_line = c.lines.iter().find(|l| l.visit_id == Some(to_court)).unwrap();
        assert_eq!((court_line.from_place.as_deref(), court_line.to_place.as_deref()), (Some("Leeds"), Some(court.name.as_str())));
        assert_eq!(court_line.case_reference.as_deref(), c.lines[0].case_reference.as_deref());
        let court_miles = court_line.miles_tenths.expect("Leeds to Bradford is estimated");
        assert!(court_line.estimated && (190..=240).contains(&court_miles), "there and back, about 21 road miles: {court_miles}");
        assert_eq!(court_line.amount_pence, (court_miles * 45 + 5) / 10);
        let home_line = c.lines.iter().find(|l| l.visit_id == Some(home)).unwrap();
        assert_eq!((home_line.miles_tenths, home_line.amount_pence), (None, 0), "a family home's miles are entered");

        // A visit on a standing claim cannot be claimed again.
        assert_eq!(refused_on(expenses::add_visits(&store, &as_(worker), &s, claim, c.version, &[home], today).await.unwrap_err()), "visits");
        assert_eq!(expenses::visits_to_claim(&store, worker, today - Duration::days(90)).await.unwrap().iter().map(|v| v.id).collect::<Vec<_>>(), [later]);

        // Submitting needs every journey's miles.
        assert_eq!(refused_on(expenses::submit(&store, &as_(worker), &s, claim, c.version, "", today).await.unwrap_err()), "claim");
        let journey = Journey { from_place: "Leeds".into(), to_place: "Family home, Harehills".into(), tenths: 124, round_trip: true, passengers: 0 };
        assert!(matches!(expenses::set_journey(&store, &as_(worker), &s, home_line.id, c.version - 1, &journey).await, Err(StoreError::Conflict { .. })), "a stale change is refused");
        expenses::set_journey(&store, &as_(worker), &s, home_line.id, c.version, &journey).await.unwrap();
        let c = expenses::claim(&store, claim).await.unwrap();
        assert_eq!(c.lines.iter().find(|l| l.id == home_line.id).unwrap().amount_pence, 558, "12.4 miles at 45p");

        // Another cost carries its receipt; a receipt that is not a photo or PDF is refused.
        let parking = Cost { kind: ExpenseKind::Parking, spent_on: today - Duration::days(3), description: "Court car park".into(), pence: 450 };
        let docx = NewReceipt { file_type: FileType::Docx, bytes: b"PK..".to_vec(), thumbnail: None };
        assert_eq!(refused_on(expenses::add_cost(&store, &files, &as_(worker), &s, claim, c.version, &parking, &docx).await.unwrap_err()), "receipt");
        let png = NewReceipt { file_type: FileType::Png, bytes: b"\x89PNG receipt".to_vec(), thumbnail: Some(b"thumb".to_vec()) };
        let parking_line = expenses::add_cost(&store, &files, &as_(worker), &s, claim, c.version, &parking, &png).await.unwrap();
        let c = expenses::claim(&store, claim).await.unwrap();
        let expected = (court_miles * 45 + 5) / 10 + 558 + 450;
        assert_eq!(c.total_pence, expected, "the total is the sum of the lines");
        let (kind, bytes) = expenses::receipt(&store, &files, &as_(manager), parking_line).await.unwrap();
        assert_eq!((kind, bytes.as_ref()), (FileType::Png, &b"\x89PNG receipt"[..]));

        expenses::submit(&store, &as_(worker), &s, claim, c.version, "", today).await.unwrap();
        assert_eq!(expenses::claim(&store, claim).await.unwrap().status, ClaimStatus::Submitted);
        let alerts = cases::alerts_for(&store, manager).await.unwrap();
        assert!(alerts.iter().any(|a| a.message.contains("Wes Worker submitted an expense claim")), "{alerts:?}");
        assert_eq!(expenses::waiting_for(&store, manager, today).await.unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [claim]);
        assert!(expenses::waiting_for(&store, head, today).await.unwrap().is_empty(), "not above the line manager while they are in");
        let v = expenses::claim(&store, claim).await.unwrap().version;
        assert!(matches!(expenses::set_journey(&store, &as_(worker), &s, home_line.id, v, &journey).await, Err(StoreError::NotEditable(_))), "a submitted claim is not changed");
        assert!(matches!(expenses::decide(&store, &as_(worker), claim, v, Decision::Approve).await, Err(StoreError::NotEditable(_))), "nobody approves their own");
        expenses::decide(&store, &as_(manager), claim, v, Decision::Approve).await.unwrap();
        assert!(cases::alerts_for(&store, worker).await.unwrap().iter().any(|a| a.message.contains("was approved")));

        // A claim over the limit needs a service manager.
        let big = expenses::start(&store, &as_(worker), worker).await.unwrap();
        let hotel = Cost { kind: ExpenseKind::Other, spent_on: today - Duration::days(1), description: "Hotel for a two-day final hearing".into(), pence: 30_000 };
        expenses::add_cost(&store, &files, &as_(worker), &s, big, 1, &hotel, &png).await.unwrap();
        expenses::submit(&store, &as_(worker), &s, big, 2, "", today).await.unwrap();
        let b = expenses::claim(&store, big).await.unwrap();
        assert!(b.needs_service_manager);
        assert_eq!(refused_on(expenses::decide(&store, &as_(manager), big, b.version, Decision::Approve).await.unwrap_err()), "decision");
        expenses::decide(&store, &as_(head), big, b.version, Decision::Approve).await.unwrap();

        // A refused claim frees its visits; an old expense needs a reason.
        let third = expenses::start(&store, &as_(worker), worker).await.unwrap();
        expenses::add_visits(&store, &as_(worker), &s, third, 1, &[later], today).await.unwrap();
        let line = expenses::claim(&store, third).await.unwrap().lines[0].id;
        expenses::set_journey(&store, &as_(worker), &s, line, 2, &Journey { tenths: 60, ..journey.clone() }).await.unwrap();
        let old = Cost { kind: ExpenseKind::Fares, spent_on: today - Duration::days(120), description: "Train to a training day".into(), pence: 2_340 };
        expenses::add_cost(&store, &files, &as_(worker), &s, third, 3, &old, &png).await.unwrap();
        assert_eq!(refused_on(expenses::submit(&store, &as_(worker), &s, third, 4, "", today).await.unwrap_err()), "late_reason");
        expenses::submit(&store, &as_(worker), &s, third, 4, "I was on long-term sick leave", today).await.unwrap();
        expenses::decide(&store, &as_(manager), third, 5, Decision::Refuse("Claim the training day from the training budget")).await.unwrap();
        assert_eq!(expenses::visits_to_claim(&store, worker, today - Duration::days(90)).await.unwrap().iter().map(|v| v.id).collect::<Vec<_>>(), [later], "claimable again");

        // Payroll: this month's export pays both approved claims once; asking again gives the same.
        let month = today.month();
        assert_eq!(refused_on(expenses::payroll(&store, &as_(head), today.year() + 1, month, today).await.unwrap_err()), "month", "a month to come");
        let (export, lines) = expenses::payroll(&store, &as_(head), today.year(), month, today).await.unwrap();
        assert_eq!((export.claims, export.total_pence), (2, expected + 30_000));
        assert_eq!(lines.iter().map(|l| l.total_pence).sum::<i64>(), expected + 30_000);
        assert_eq!(lines.iter().find(|l| l.claim_id == claim).unwrap().mileage_pence, expected - 450);
        assert_eq!(expenses::claim(&store, claim).await.unwrap().status, ClaimStatus::Paid);
        let fourth = expenses::start(&store, &as_(worker), worker).await.unwrap();
        expenses::add_cost(&store, &files, &as_(worker), &s, fourth, 1, &parking, &png).await.unwrap();
        expenses::submit(&store, &as_(worker), &s, fourth, 2, "", today).await.unwrap();
        expenses::decide(&store, &as_(manager), fourth, 3, Decision::Approve).await.unwrap();
        let (_, again) = expenses::payroll(&store, &as_(head), today.year(), month, today).await.unwrap();
        assert_eq!(again.len(), 2, "an export made is not added to: the claim approved since waits for the next month");
        let (exports, waiting, waiting_pence) = expenses::payroll_overview(&store).await.unwrap();
        assert_eq!((exports.len(), waiting, waiting_pence), (1, 1, 450));
    }
}
