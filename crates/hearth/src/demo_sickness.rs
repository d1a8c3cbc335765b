//! Demo sickness: two years for every employed member of staff, around their leave, at about nine
//! working days lost per full-time equivalent a year and falling (the first year a quarter above
//! that, the second a quarter below, as the service's cost came down); mostly short spells, a
//! tail of long-term ones, some people over a Bradford trigger; the long-term sickness the
//! workload demo chose, still open; and a pay band for everyone, by role. One person the demo team
//! manager manages is back from sickness with their interview overdue. Deterministic from the
//! seed.

use anyhow::Result;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::people::leave::LeaveSettings;
use hearth_domain::people::sickness::{SicknessReason, SicknessSettings};
use hearth_domain::workload::AbsenceKind;
use hearth_store::Store;
use hearth_store::people::sickness::{self, DemoEpisode, Rules};
use rand::RngExt;
use rand::rngs::StdRng;
use time::{Date, Duration};
use uuid::Uuid;

/// How readily a spell starts, as spells a year if every day were a working day free of leave:
/// spells start only on working days, clear of leave and of the spell before, so about 1.7 a year
/// begin, and at about 5.3 working days a spell, some nine days are lost a year.
const SPELLS_A_YEAR: f64 = 5.0;

pub async fn generate(store: &Store, rng: &mut StdRng, calendar: &WorkingCalendar, away: &[(Uuid, AbsenceKind, Date, Date)], keep_free: &[Uuid], demo_manager: Option<Uuid>) -> Result<usize> {
    let today = hearth_store::now().date();
    let (settings, leave) = (SicknessSettings::default(), LeaveSettings::default());
    let people = sickness::demo_people(store).await?;
    let mut bands = vec![];
    let mut episodes = vec![];
    let mut overdue_for_manager = demo_manager.is_some();
    for (id, roles, manager, fte, mut busy) in people {
        bands.push((id, band_for(&roles)));
        // The workload demo's long-term sickness: open now.
        for (_, _, first, last) in away.iter().filter(|(s, k, _, _)| *s == id && *k == AbsenceKind::Sickness) {
            episodes.push(DemoEpisode { staff: id, manager, first: *first, expected_return: *last + Duration::days(1), returned_on: None, reason: pick_reason(rng, true), interview_held: false });
            busy.push((*first, *last));
        }
        let free = keep_free.contains(&id);
        // Spells through the two years, more in the first.
        let mut day = today - Duration::days(730);
        while day < today - Duration::days(1) {
            let through = (day - (today - Duration::days(730))).whole_days() as f64 / 730.0;
            let rate = SPELLS_A_YEAR * (1.25 - 0.5 * through) * (fte as f64 / 100.0).sqrt();
            // A spell starts on this day with probability rate / 365.
            if rng.random::<f64>() < rate / 365.0 && calendar.is_working_day(day) {
                let long = rng.random_range(0..100) < 4;
                let calendar_days = if long {
                    rng.random_range(28..100)
                } else {
                    match rng.random_range(0..100) {
                        0..=59 => rng.random_range(1..=3),
                        60..=84 => rng.random_range(4..=7),
                        _ => rng.random_range(8..=20),
                    }
                };
                let last = day + Duration::days(calendar_days - 1);
                let back = last + Duration::days(1);
                let clashes = busy.iter().any(|(a, b)| *a <= back && *b >= day - Duration::days(1));
                // Someone whose README days are promised free is never off now or later.
                if !clashes && !(free && back >= today) {
                    let returned = back <= today;
                    let recently = returned && (today - back).whole_days() < 14;
                    episodes.push(DemoEpisode {
                        staff: id,
                        manager,
                        first: day,
                        expected_return: back,
                        returned_on: returned.then_some(back),
                        reason: pick_reason(rng, long),
                        interview_held: returned && !(recently && rng.random_range(0..100) < 30),
                    });
                    busy.push((day, last));
                    day = back;
                }
            }
            day += Duration::days(1);
        }
        // One of the demo team manager's people: back a week ago, interview not yet held.
        if overdue_for_manager && manager == demo_manager && !free {
            let mut back = today - Duration::days(7);
            while !calendar.is_working_day(back) {
                back -= Duration::days(1);
            }
            let first = back - Duration::days(3);
            if !busy.iter().any(|(a, b)| *a <= back && *b >= first) {
                episodes.push(DemoEpisode { staff: id, manager, first, expected_return: back, returned_on: Some(back), reason: SicknessReason::Gastrointestinal, interview_held: false });
                overdue_for_manager = false;
            }
        }
    }
    Ok(sickness::load_demo(store, Rules { settings: &settings, leave: &leave, calendar }, &bands, &episodes, today).await?)
}

/// A band from someone's roles, the most senior first.
fn band_for(roles: &[String]) -> &'static str {
    let has = |r: &str| roles.iter().any(|x| x == r);
    if has("national_leadership") {
        "head"
    } else if has("service_manager") {
        "service_manager"
    } else if has("team_manager") {
        "manager"
    } else if has("practitioner") {
        "practitioner"
    } else if has("hr") || has("system_admin") {
        "senior"
    } else {
        "support"
    }
}

/// Reasons as sickness absence falls: colds and stomach bugs in short spells, mental health and
/// musculoskeletal problems and surgery in long ones.
fn pick_reason(rng: &mut StdRng, long: bool) -> SicknessReason {
    use SicknessReason as R;
    let short = [R::ColdFlu, R::ColdFlu, R::ColdFlu, R::Gastrointestinal, R::Gastrointestinal, R::Headache, R::Infectious, R::Musculoskeletal, R::MentalHealth, R::Other];
    let longer = [R::MentalHealth, R::MentalHealth, R::MentalHealth, R::Musculoskeletal, R::Musculoskeletal, R::Surgery, R::Injury, R::Pregnancy, R::Other, R::Infectious];
    let from = if long { &longer } else { &short };
    from[rng.random_range(0..from.len())]
}
