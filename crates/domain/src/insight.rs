//! National and area insight: the service's key performance indicators and their targets,
//! computed from plain facts (the store reads them; working days come from the calendar).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::WorkingCalendar;

/// The national targets (`[insight]` in `hearth.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KpiTargets {
    /// Public law cases allocated within 2 working days of the service being told: at least this share.
    pub public_within_2_working_days_percent: i64,
    /// And within 28 days.
    pub public_within_28_days_percent: i64,
    /// Unallocated work at most this share of open work.
    pub unallocated_public_percent: i64,
    pub unallocated_private_percent: i64,
}

impl Default for KpiTargets {
    fn default() -> Self {
        Self { public_within_2_working_days_percent: 70, public_within_28_days_percent: 98, unallocated_public_percent: 3, unallocated_private_percent: 4 }
    }
}

impl KpiTargets {
    pub fn validate(&self) -> Result<(), String> {
        let all = [self.public_within_2_working_days_percent, self.public_within_28_days_percent, self.unallocated_public_percent, self.unallocated_private_percent];
        if all.iter().all(|p| (0..=100).contains(p)) { Ok(()) } else { Err("targets are percentages from 0 to 100".into()) }
    }
}

/// A whole percentage, when there is anything to take a share of.
pub fn percent(part: i64, all: i64) -> Option<i64> {
    (all > 0).then(|| (part * 100 + all / 2) / all)
}

/// How quickly public law cases were allocated: of those received, how many within 2 working
/// days and within 28 days. One not yet allocated counts against both once its time has passed;
/// one still inside its time is left out (it may yet make it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AllocationTimes {
    pub counted_2: i64,
    pub within_2: i64,
    pub counted_28: i64,
    pub within_28: i64,
}

pub fn allocation_times(cases: &[(Date, Option<Date>)], cal: &WorkingCalendar, today: Date) -> AllocationTimes {
    let mut t = AllocationTimes::default();
    for (received, allocated) in cases {
        let by_2 = cal.add_working_days(*received, 2);
        let by_28 = *received + time::Duration::days(28);
        match allocated {
            Some(a) => {
                t.counted_2 += 1;
                t.counted_28 += 1;
                t.within_2 += (*a <= by_2) as i64;
                t.within_28 += (*a <= by_28) as i64;
            }
            None => {
                t.counted_2 += (today > by_2) as i64;
                t.counted_28 += (today > by_28) as i64;
            }
        }
    }
    t
}

/// The average length of public law proceedings, in weeks to one decimal place.
pub fn average_weeks(durations: &[(Date, Date)]) -> Option<f64> {
    (!durations.is_empty()).then(|| {
        let days: i64 = durations.iter().map(|(a, b)| (*b - *a).whole_days().max(0)).sum();
        (days as f64 / durations.len() as f64 / 7.0 * 10.0).round() / 10.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn allocation_within_two_working_days_skips_the_weekend_and_waits_for_the_undecided() {
        let cal = WorkingCalendar::england_and_wales();
        let friday = date!(2026 - 11 - 20);
        let cases = [
            (friday, Some(date!(2026 - 11 - 24))),          // Tuesday: the second working day
            (friday, Some(date!(2026 - 11 - 25))),          // Wednesday: late
            (date!(2026 - 11 - 18), None),                  // received Wednesday, not allocated by Friday
            (date!(2026 - 11 - 23), None),                  // received today: still in time, not counted
            (date!(2026 - 10 - 01), Some(date!(2026 - 11 - 02))), // 32 days: late on both
        ];
        let t = allocation_times(&cases, &cal, date!(2026 - 11 - 23));
        assert_eq!(t, AllocationTimes { counted_2: 4, within_2: 1, counted_28: 3, within_28: 2 });
        assert_eq!(percent(t.within_2, t.counted_2), Some(25));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn average_weeks_is_rounded_to_a_tenth() {
        assert_eq!(average_weeks(&[(date!(2026 - 01 - 01), date!(2026 - 07 - 02)), (date!(2026 - 01 - 01), date!(2026 - 10 - 29))]), Some(34.5));
        assert_eq!(average_weeks(&[]), None);
    }
}
