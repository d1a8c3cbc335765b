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
    /// Whether the share of public law cases allocated within 2 working days meets its target
    /// (at least); `None` when nothing was counted.
    pub fn allocated_within_2_met(&self, percent: Option<i64>) -> Option<bool> {
        percent.map(|p| p >= self.public_within_2_working_days_percent)
    }

    /// Whether the share allocated within 28 days meets its target (at least).
    pub fn allocated_within_28_met(&self, percent: Option<i64>) -> Option<bool> {
        percent.map(|p| p >= self.public_within_28_days_percent)
    }

    /// The target for unallocated work of a law type at month end: at most this share.
    pub fn unallocated_target(&self, law: crate::cases::LawType) -> i64 {
        match law {
            crate::cases::LawType::Public => self.unallocated_public_percent,
            crate::cases::LawType::Private => self.unallocated_private_percent,
        }
    }

    /// Whether unallocated work of a law type meets its target (at most).
    pub fn unallocated_met(&self, law: crate::cases::LawType, percent: Option<i64>) -> Option<bool> {
        percent.map(|p| p <= self.unallocated_target(law))
    }

    pub fn validate(&self) -> Result<(), String> {
        let all = [self.public_within_2_working_days_percent, self.public_within_28_days_percent, self.unallocated_public_percent, self.unallocated_private_percent];
        if all.iter().all(|p| (0..=100).contains(p)) { Ok(()) } else { Err("targets are percentages from 0 to 100".into()) }
    }
}

/// A whole percentage, when there is anything to take a share of.
pub fn percent(part: i64, all: i64) -> Option<i64> {
    (all > 0).then(|| (part * 100 + all / 2) / all)
}

/// Cases closed per full-time practitioner, to one decimal place; `None` with nobody measured.
pub fn closures_per_fte(closed: i64, fte_hundredths: i64) -> Option<f64> {
    (fte_hundredths > 0).then(|| (closed as f64 * 100.0 / fte_hundredths as f64 * 10.0).round() / 10.0)
}

/// The average wait in the hub in days; `None` with nobody waiting.
pub fn average_wait_days(total_days: i64, waiting: i64) -> Option<f64> {
    (waiting > 0).then(|| total_days as f64 / waiting as f64)
}

/// Whether public law proceedings averaged within the statutory limit (weeks).
pub fn within_proceedings_limit(average_weeks: Option<f64>, limit_weeks: i64) -> Option<bool> {
    average_weeks.map(|w| w <= limit_weeks as f64)
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

/// A calendar month, the unit the kept figures are added up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    pub fn of(d: Date) -> Self {
        Self { year: d.year(), month: d.month().into() }
    }

    pub fn first_day(self) -> Date {
        time::Month::try_from(self.month).ok().and_then(|m| Date::from_calendar_date(self.year, m, 1).ok()).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().previous_day().unwrap_or(Date::MAX)
    }

    pub fn next(self) -> Self {
        if self.month >= 12 { Self { year: self.year + 1, month: 1 } } else { Self { year: self.year, month: self.month + 1 } }
    }

    pub fn previous(self) -> Self {
        if self.month <= 1 { Self { year: self.year - 1, month: 12 } } else { Self { year: self.year, month: self.month - 1 } }
    }

    /// "2026-11", as kept.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let (y, m) = code.split_once('-')?;
        let month = m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
        Some(Self { year: y.parse().ok()?, month })
    }

    /// "November 2026".
    pub fn label(self) -> String {
        format!("{} {}", self.name(), self.year)
    }

    /// "Nov" for a chart's axis.
    pub fn short(self) -> String {
        self.name()[..3].to_string()
    }

    fn name(self) -> String {
        time::Month::try_from(self.month).map(|m| m.to_string()).unwrap_or_default()
    }

    /// The months from `first` to `last`, both included.
    pub fn span(first: Self, last: Self) -> Vec<Self> {
        let mut out = vec![];
        let mut m = first;
        while m <= last {
            out.push(m);
            m = m.next();
        }
        out
    }
}

/// How many months after it ends a month's figures may still change: a case received on its
/// last day has 28 days to be allocated, and a first visit can follow an allocation by weeks.
/// Older months are kept as they were measured.
pub const UNSETTLED_MONTHS: usize = 2;

/// The months whose figures are measured again on every refresh: this one and the unsettled
/// ones before it, oldest first.
pub fn unsettled(today: Date) -> Vec<Month> {
    let now = Month::of(today);
    let mut first = now;
    for _ in 0..UNSETTLED_MONTHS {
        first = first.previous();
    }
    Month::span(first, now)
}

/// One team's key figures for one month: what the key-figures page adds up, instead of reading
/// every case. Counts only, so a team's, an area's and the service's figures are plain sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TeamMonth {
    /// Public law cases received in the month, and how quickly they were allocated.
    pub public_received: i64,
    pub allocation: AllocationTimes,
    /// Open and unallocated work at the month's end, by law; `None` until the month has ended.
    pub public_open_end: Option<i64>,
    pub public_unallocated_end: Option<i64>,
    pub private_open_end: Option<i64>,
    pub private_unallocated_end: Option<i64>,
    /// Cases closed in the month; the public law ones, and the days their proceedings took.
    pub closed: i64,
    pub public_closed: i64,
    pub public_closed_days: i64,
    /// Court work with a court date filed in the month by the team's staff, and on time.
    pub filed: i64,
    pub filed_on_time: i64,
    /// Work graded in the month, and graded good or outstanding.
    pub graded: i64,
    pub graded_good: i64,
}

impl TeamMonth {
    /// Adds another team's or month's counts; month-end figures are added when both have them.
    pub fn add(&mut self, o: &TeamMonth) {
        let end = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.public_received += o.public_received;
        self.allocation.counted_2 += o.allocation.counted_2;
        self.allocation.within_2 += o.allocation.within_2;
        self.allocation.counted_28 += o.allocation.counted_28;
        self.allocation.within_28 += o.allocation.within_28;
        self.public_open_end = end(self.public_open_end, o.public_open_end);
        self.public_unallocated_end = end(self.public_unallocated_end, o.public_unallocated_end);
        self.private_open_end = end(self.private_open_end, o.private_open_end);
        self.private_unallocated_end = end(self.private_unallocated_end, o.private_unallocated_end);
        self.closed += o.closed;
        self.public_closed += o.public_closed;
        self.public_closed_days += o.public_closed_days;
        self.filed += o.filed;
        self.filed_on_time += o.filed_on_time;
        self.graded += o.graded;
        self.graded_good += o.graded_good;
    }

    /// The average length of the public law proceedings closed, in weeks to a tenth.
    pub fn public_weeks(&self) -> Option<f64> {
        (self.public_closed > 0).then(|| (self.public_closed_days as f64 / self.public_closed as f64 / 7.0 * 10.0).round() / 10.0)
    }
}

/// One worker's figures for one month, for My Work's charts against their team's median.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StaffMonth {
    pub filed: i64,
    pub filed_on_time: i64,
    pub graded: i64,
    pub graded_good: i64,
    pub closed: i64,
    /// Cases allocated in the month that have had a first contact (a visit, call, meeting or time
    /// with the child), and the days from allocation to it, added up.
    pub first_contacts: i64,
    pub first_contact_days: i64,
}

impl StaffMonth {
    /// Adds another month's counts: a year is the sum of its months.
    pub fn add(&mut self, o: &StaffMonth) {
        self.filed += o.filed;
        self.filed_on_time += o.filed_on_time;
        self.graded += o.graded;
        self.graded_good += o.graded_good;
        self.closed += o.closed;
        self.first_contacts += o.first_contacts;
        self.first_contact_days += o.first_contact_days;
    }

    pub fn on_time_percent(&self) -> Option<f64> {
        percent(self.filed_on_time, self.filed).map(|p| p as f64)
    }

    pub fn good_percent(&self) -> Option<f64> {
        percent(self.graded_good, self.graded).map(|p| p as f64)
    }

    pub fn closed_count(&self) -> Option<f64> {
        Some(self.closed as f64)
    }

    /// Average days from allocation to first contact, to a tenth.
    pub fn first_contact_average(&self) -> Option<f64> {
        (self.first_contacts > 0).then(|| (self.first_contact_days as f64 / self.first_contacts as f64 * 10.0).round() / 10.0)
    }
}

/// The middle value, or the mean of the middle two; none of nothing. A worker is compared with
/// their team's median, never with a named colleague.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some(((values[n / 2 - 1] + values[n / 2]) / 2.0 * 10.0).round() / 10.0),
    }
}

/// Days from allocation to first contact, for the cases that have had one: (count, total days).
pub fn first_contact_days(pairs: &[(Date, Date)]) -> (i64, i64) {
    pairs.iter().fold((0, 0), |(n, d), (allocated, contact)| (n + 1, d + (*contact - *allocated).whole_days().max(0)))
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

    #[test]
    fn months_step_over_the_year_end_and_the_unsettled_ones_end_today() {
        let m = Month::of(date!(2026 - 12 - 31));
        assert_eq!(m.next().code(), "2027-01");
        assert_eq!(Month::from_code("2027-01").unwrap().previous(), m);
        assert_eq!(m.last_day(), date!(2026 - 12 - 31));
        assert_eq!(Month::of(date!(2028 - 02 - 10)).last_day(), date!(2028 - 02 - 29));
        assert_eq!(unsettled(date!(2027 - 01 - 05)).iter().map(|m| m.code()).collect::<Vec<_>>(), ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(Month::from_code("2026-13"), None);
    }

    #[test]
    fn medians_and_team_sums() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        let mut a = TeamMonth { closed: 2, public_closed: 1, public_closed_days: 70, public_open_end: Some(10), ..Default::default() };
        a.add(&TeamMonth { closed: 1, public_closed: 1, public_closed_days: 84, public_open_end: None, ..Default::default() });
        assert_eq!((a.closed, a.public_open_end, a.public_weeks()), (3, Some(10), Some(11.0)));
        assert_eq!(first_contact_days(&[(date!(2026 - 11 - 02), date!(2026 - 11 - 05)), (date!(2026 - 11 - 02), date!(2026 - 11 - 02))]), (2, 3));
    }

    #[test]
    fn the_key_figures_judge_against_their_targets() {
        use crate::cases::LawType;
        let t = KpiTargets::default();
        assert_eq!((t.allocated_within_2_met(Some(70)), t.allocated_within_2_met(Some(69)), t.allocated_within_2_met(None)), (Some(true), Some(false), None));
        assert_eq!((t.allocated_within_28_met(Some(98)), t.allocated_within_28_met(Some(97))), (Some(true), Some(false)));
        assert_eq!((t.unallocated_met(LawType::Public, Some(3)), t.unallocated_met(LawType::Public, Some(4)), t.unallocated_met(LawType::Private, Some(4))), (Some(true), Some(false), Some(true)));
        assert_eq!((closures_per_fte(25, 250), closures_per_fte(1, 0)), (Some(10.0), None));
        assert_eq!((average_wait_days(90, 3), average_wait_days(0, 0)), (Some(30.0), None));
        assert_eq!((within_proceedings_limit(Some(26.0), 26), within_proceedings_limit(Some(26.5), 26), within_proceedings_limit(None, 26)), (Some(true), Some(false), None));
    }
}
