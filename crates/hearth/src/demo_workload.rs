//! Demo workload: time away (some away now, more booked), duty-desk and mentoring duties,
//! associates' own case thresholds and a few declared conflicts, so My People, suggestions and
//! offers show every reason they can give.

use anyhow::Result;
use hearth_domain::org::ContractType;
use hearth_domain::workload::{AbsenceKind, DutyKind, Points, WorkloadSettings};
use hearth_store::Store;
use hearth_store::cases::facts::{self, Which};
use hearth_store::org::{self, Members};
use hearth_store::workload::{DemoWorkload, load_demo};
use rand::rngs::StdRng;
use rand::RngExt;
use time::{Date, Duration};
use uuid::Uuid;

/// `keep_free` are the documented accounts, whose days the README promises: never away.
///
/// Annual leave and sickness are not written here: they are returned, for the leave demo to write
/// as approved requests with their ledger lines and the sickness demo as open episodes. Returns
/// the number of absences and all of them.
pub async fn generate(store: &Store, rng: &mut StdRng, settings: &WorkloadSettings, first_team: Uuid, keep_free: &[Uuid], duty_desk: &[Uuid]) -> Result<(usize, Vec<(Uuid, AbsenceKind, Date, Date)>)> {
    let today = hearth_store::now().date();
    let people = org::members(store, Members::Everyone).await?;
    let mut d = DemoWorkload::default();
    let mut first_team_colleagues = vec![];
    for m in people.iter().filter(|m| m.practitioner && !keep_free.contains(&m.id)) {
        if m.team.as_ref().map(|t| t.id) == Some(first_team) && m.contract == ContractType::Employed {
            first_team_colleagues.push(m.id);
        }
        let roll: f64 = rng.random();
        if roll < 0.01 {
            // Long-term sick: 28 days or more.
            let start = today - Duration::days(rng.random_range(0..20));
            d.absences.push((m.id, AbsenceKind::Sickness, start, start + Duration::days(rng.random_range(28..70))));
        } else if roll < 0.05 {
            let start = today - Duration::days(rng.random_range(0..5));
            d.absences.push((m.id, AbsenceKind::AnnualLeave, start, start + Duration::days(rng.random_range(4..14))));
        } else if roll < 0.30 {
            let start = today + Duration::days(rng.random_range(3..60));
            d.absences.push((m.id, AbsenceKind::AnnualLeave, start, start + Duration::days(rng.random_range(2..12))));
        }
        if m.contract == ContractType::Associate && rng.random_bool(0.2) {
            d.caps.push((m.id, rng.random_range(4..10)));
        }
        if m.contract == ContractType::Employed && m.qualified_date.is_some_and(|q| (today - q).whole_days() > 5 * 365) && rng.random_bool(0.05) {
            d.duties.push((m.id, DutyKind::Mentoring, settings.duty_points(DutyKind::Mentoring), today - Duration::days(rng.random_range(0..90)), None));
        }
    }
    for w in duty_desk {
        d.duties.push((*w, DutyKind::Duty, settings.duty_points(DutyKind::Duty), today - Duration::days(30), None));
    }
    // In the demo team: one colleague away this week, one mentoring a new starter on top of a
    // full caseload, and one with a declared conflict with someone in a case waiting in the hub.
    if let [away, busy, conflicted, ..] = first_team_colleagues.as_slice() {
        d.absences.retain(|(s, _, _, _)| ![*away, *busy, *conflicted].contains(s));
        d.absences.push((*away, AbsenceKind::AnnualLeave, today - Duration::days(1), today + Duration::days(9)));
        d.duties.push((*busy, DutyKind::Mentoring, Points::whole(25), today - Duration::days(10), None));
        if let Some(case) = facts::facts(store, Which::Hub(first_team), today).await?.first()
            && let Some(person) = facts::people_in(store, case.id).await?.first()
        {
            d.conflicts.push((*conflicted, *person, "Knows the family socially".into()));
        }
    }
    let n = d.absences.len();
    let all = d.absences.clone();
    d.absences.retain(|(_, kind, _, _)| !matches!(kind, AbsenceKind::AnnualLeave | AbsenceKind::Sickness));
    load_demo(store, &d).await?;
    Ok((n, all))
}
