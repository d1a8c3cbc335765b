//! Demo hot desks: a floor plan for every office (its desk count from the reference data, so the
//! plans sum to the national count) and three months of bookings with the weekday pattern of a
//! hybrid service (Tuesday to Thursday busiest, Friday quietest), no-shows released, bookings
//! cancelled by the person or by leave and sickness, and the next two weeks partly booked. The
//! demo practitioner has history but nothing booked from today, so booking is there to try.
//! Drawn from their own generator, so other demo data does not move.

use anyhow::Result;
use hearth_domain::workplace::{BookingStatus, CancelledBecause, DeskDraft, DeskFeatures};
use hearth_domain::workload::AbsenceKind;
use hearth_store::org::{self, Members};
use hearth_store::workplace::{DemoBooking, load_demo};
use hearth_store::{Store, new_id};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::Duration;
use uuid::Uuid;

/// Days back the history starts, and days ahead bookings reach.
const BACK: i64 = 91;
const AHEAD: i64 = 14;
/// The share of an office's people who want a desk on each weekday, Monday first.
const WANT: [f64; 5] = [0.10, 0.17, 0.19, 0.17, 0.06];

/// `manager` (the demo team manager) holds desks for their team's day next week.
pub async fn generate(store: &Store, practitioner: Option<Uuid>, manager: Option<Uuid>) -> Result<(usize, usize)> {
    let mut rng = StdRng::seed_from_u64(31);
    let today = hearth_store::now().date();
    let offices = org::offices(store).await?;
    let mut desks = Vec::new();
    let mut by_office: std::collections::HashMap<Uuid, Vec<(Uuid, bool)>> = Default::default();
    for o in &offices {
        let n = o.desks;
        for i in 0..n {
            let id = new_id();
            let accessible = i == 0;
            let features = DeskFeatures { accessible, standing: i % 4 == 1, dual_screen: i % 3 == 2, quiet: n > 3 && i >= n - n / 3 };
            let zone = if i < (n + 1) / 2 { "Ground floor" } else { "First floor" };
            desks.push((id, o.id, DeskDraft { label: format!("D{}", i + 1), zone: zone.into(), features, plan_x: i % 4, plan_y: i / 4, withdrawn: false }));
            by_office.entry(o.id).or_default().push((id, accessible));
        }
    }
    // Everyone based at an office, by office, with their time away.
    let mut people: std::collections::HashMap<Uuid, Vec<Uuid>> = Default::default();
    let mut away: std::collections::HashMap<Uuid, Vec<(AbsenceKind, time::Date, time::Date)>> = Default::default();
    for team in org::teams(store, None).await? {
        let Some(office) = team.office else { continue };
        for m in org::members(store, Members::Team(team.id)).await? {
            people.entry(office.id).or_default().push(m.id);
        }
        for a in hearth_store::people::leave::team_away(store, team.id, today - Duration::days(BACK), today + Duration::days(AHEAD), None).await? {
            if !a.waiting {
                away.entry(a.staff.id).or_default().push((a.kind, a.first, a.last));
            }
        }
    }
    let mut bookings = Vec::new();
    let mut offices_sorted: Vec<_> = offices.iter().map(|o| o.id).collect();
    offices_sorted.sort();
    for office in offices_sorted {
        let (Some(plan), Some(staff)) = (by_office.get(&office), people.get(&office)) else { continue };
        let mut staff = staff.clone();
        staff.sort();
        for back in -AHEAD..=BACK {
            let day = today - Duration::days(back);
            let weekday = day.weekday().number_days_from_monday() as usize;
            if weekday > 4 {
                continue;
            }
            // Further ahead, fewer have booked yet; a free desk is always left ahead of today.
            let ahead = (-back).max(0) as f64;
            let want = WANT[weekday] * if back < 0 { 1.0 - ahead / AHEAD as f64 * 0.6 } else { 1.0 };
            let room = if back <= 0 { (plan.len() as f64 * 0.6).floor() as usize } else { plan.len() };
            let mut free: Vec<Uuid> = plan.iter().filter(|(_, accessible)| !accessible).map(|(id, _)| *id).collect();
            free.extend(plan.iter().filter(|(_, accessible)| *accessible).map(|(id, _)| *id));
            let mut taken = 0;
            for person in &staff {
                if taken >= room || taken >= free.len() || !rng.random_bool(want) {
                    continue;
                }
                if back <= 0 && Some(*person) == practitioner {
                    continue;
                }
                let desk = free[taken];
                taken += 1;
                let off = away.get(person).and_then(|spells| spells.iter().find(|(_, first, last)| *first <= day && day <= *last).map(|(kind, ..)| *kind));
                let (status, because) = match off {
                    Some(kind) => (BookingStatus::Cancelled, Some(CancelledBecause::of_absence(kind))),
                    None if back < 0 => (BookingStatus::Booked, None),
                    None if back == 0 => (if rng.random_bool(0.5) { BookingStatus::CheckedIn } else { BookingStatus::Booked }, None),
                    None => match rng.random_range(0..100) {
                        0..=84 => (BookingStatus::CheckedIn, None),
                        85..=94 => (BookingStatus::Released, None),
                        _ => (BookingStatus::Cancelled, Some(CancelledBecause::Person)),
                    },
                };
                bookings.push(DemoBooking { staff: *person, desk, office, day, status, cancelled_because: because });
            }
        }
    }
    load_demo(store, &desks, &bookings).await?;
    // The demo team's day: a Wednesday a week or so ahead, half its office's desks held for it.
    if let Some(m) = manager
        && let Some(team) = org::placement(store, m).await?.team_id
        && let Some(office) = org::team(store, team).await?.office
    {
        let wednesday = today + Duration::days(7 + (2 - today.weekday().number_days_from_monday() as i64).rem_euclid(7));
        let desks = (by_office.get(&office.id).map_or(0, Vec::len) as i64 / 2).max(1);
        hearth_store::workplace::hold_team_day(store, &hearth_store::AuditContext::actor(m, None), &Default::default(), team, wednesday, desks, today).await?;
    }
    Ok((desks.len(), bookings.len()))
}
