//! Sickness: episodes of absence, the working days they cost, the Bradford factor, when a fit
//! note, a return-to-work interview, a review or an occupational health referral is due, and what
//! an episode costs in pay.
//!
//! Days lost are the person's own working days (their pattern, less bank holidays): a part-timer
//! off for a week loses the days they would have worked, not five. Cost is those days at the
//! person's daily rate, in whole pence.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::calendar::WorkingCalendar;
use crate::people::leave::WorkPattern;
use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// Why someone is off sick: the national list. Seen only by the person, their line chain and
    /// HR.
    SicknessReason {
        MentalHealth = "mental_health", "Anxiety, stress, depression or other mental health";
        Musculoskeletal = "musculoskeletal", "Back, neck or other musculoskeletal problems";
        ColdFlu = "cold_flu", "Cold, cough or flu";
        Gastrointestinal = "gastrointestinal", "Stomach or digestive problems";
        Infectious = "infectious", "Infectious disease, including COVID-19";
        Injury = "injury", "Injury or fracture";
        Headache = "headache", "Headache or migraine";
        Pregnancy = "pregnancy", "Pregnancy related";
        Surgery = "surgery", "Planned surgery or recovery from it";
        Other = "other", "Another reason";
    }
}

coded_enum! {
    /// What a sickness review is for.
    ReviewKind {
        Bradford = "bradford", "Bradford factor review";
        OccupationalHealth = "occupational_health", "Occupational health referral";
    }
}

/// National settings for sickness (`[sickness]` in hearth.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SicknessSettings {
    /// Calendar days someone may self-certify; beyond them a fit note is needed.
    pub self_certify_days: i64,
    /// Calendar days from which an episode is long-term (and occupational health is involved).
    pub long_term_days: i64,
    /// Working days after the return within which the return-to-work interview is due.
    pub interview_working_days: i64,
    /// Bradford factor scores that open a review, lowest first.
    pub bradford_triggers: Vec<i64>,
    /// The rolling window the Bradford factor counts, in weeks.
    pub bradford_weeks: i64,
}

impl Default for SicknessSettings {
    fn default() -> Self {
        Self { self_certify_days: 7, long_term_days: 28, interview_working_days: 3, bradford_triggers: vec![51, 201, 401], bradford_weeks: 52 }
    }
}

impl SicknessSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=28).contains(&self.self_certify_days) || !(7..=365).contains(&self.long_term_days) || !(1..=20).contains(&self.interview_working_days) {
            return Err("self_certify_days must be 1 to 28, long_term_days 7 to 365 and interview_working_days 1 to 20".into());
        }
        if self.bradford_triggers.is_empty() || self.bradford_triggers.windows(2).any(|w| w[1] <= w[0]) || self.bradford_triggers[0] < 1 {
            return Err("bradford_triggers must be one or more scores, rising".into());
        }
        if !(4..=104).contains(&self.bradford_weeks) {
            return Err("bradford_weeks must be 4 to 104".into());
        }
        Ok(())
    }
}

/// An episode's days: from the first day off to the last (none while still off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spell {
    pub first: Date,
    pub last: Option<Date>,
}

impl Spell {
    /// The last day off so far: the last day, or while still off, yesterday or the first day.
    pub fn last_so_far(&self, today: Date) -> Date {
        self.last.unwrap_or_else(|| (today - Duration::days(1)).max(self.first))
    }

    pub fn calendar_days(&self, today: Date) -> i64 {
        (self.last_so_far(today) - self.first).whole_days() + 1
    }

    /// Beyond the days someone may self-certify, a fit note is needed.
    pub fn needs_fit_note(&self, s: &SicknessSettings, today: Date) -> bool {
        self.calendar_days(today) > s.self_certify_days
    }

    /// Long-term once it reaches the long-term days.
    pub fn is_long_term(&self, s: &SicknessSettings, today: Date) -> bool {
        self.calendar_days(today) >= s.long_term_days
    }
}

/// The working days a spell costs the person: days their pattern works, bank holidays aside,
/// from `first` to `last` (inclusive).
pub fn working_days_lost(cal: &WorkingCalendar, pattern: &WorkPattern, first: Date, last: Date) -> i64 {
    let mut n = 0;
    let mut d = first;
    while d <= last {
        if pattern.minutes_on(d) > 0 && cal.is_holiday(d).is_none() {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

/// The Bradford factor: spells squared times days lost, over the spells given (those in the
/// rolling window, counted to `today` while still open).
pub fn bradford(spells: usize, days: i64) -> i64 {
    (spells as i64) * (spells as i64) * days
}

/// The spells within the rolling window ending `today`, and the working days each lost within it.
pub fn bradford_of(s: &SicknessSettings, cal: &WorkingCalendar, pattern: &WorkPattern, spells: &[Spell], today: Date) -> (usize, i64, i64) {
    let from = today - Duration::weeks(s.bradford_weeks);
    let mut n = 0;
    let mut days = 0;
    for sp in spells {
        let last = sp.last_so_far(today);
        if last < from || sp.first > today {
            continue;
        }
        n += 1;
        days += working_days_lost(cal, pattern, sp.first.max(from), last);
    }
    (n, days, bradford(n, days))
}

/// The highest trigger a score has reached, if any.
pub fn trigger_reached(s: &SicknessSettings, score: i64) -> Option<i64> {
    s.bradford_triggers.iter().rev().find(|t| score >= **t).copied()
}

/// The daily rate of someone paid `annual_pence` full time, at their FTE, over the days they
/// work: what each working day lost costs.
pub fn daily_rate(annual_pence: i64, pattern: &WorkPattern) -> i64 {
    let days_a_week = pattern.days.iter().filter(|d| **d).count().max(1) as i64;
    (annual_pence * pattern.fte_hundredths + 50 * 52 * days_a_week) / (100 * 52 * days_a_week)
}

/// One person, as the sickness figures count them.
#[derive(Debug, Clone)]
pub struct Counted {
    pub pattern: WorkPattern,
    /// What a working day of theirs costs, when their pay band is known.
    pub daily_pence: Option<i64>,
    pub active: bool,
    pub spells: Vec<Spell>,
}

/// A month's sickness: spells that started in it, working days lost in it and what they cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub first: Date,
    pub started: i64,
    pub days_lost: i64,
    pub cost_pence: i64,
}

/// The months from `from`'s month to `to`'s, each with the days lost in it (to yesterday for a
/// spell still open) and their cost. Days of people with no pay band count as lost but cost
/// nothing (the figures say how many such people there are).
pub fn monthly(cal: &WorkingCalendar, people: &[Counted], from: Date, to: Date, today: Date) -> Vec<MonthCount> {
    let month_of = |d: Date| d.replace_day(1).expect("day 1");
    let mut months = vec![];
    let mut m = month_of(from);
    while m <= to {
        months.push(MonthCount { first: m, started: 0, days_lost: 0, cost_pence: 0 });
        m = crate::people::add_months(m, 1);
    }
    let index = |d: Date| months.iter().position(|c| c.first == month_of(d));
    let mut out = months.clone();
    for p in people {
        for sp in &p.spells {
            if let Some(i) = index(sp.first).filter(|_| sp.first >= from && sp.first <= to) {
                out[i].started += 1;
            }
            let (a, b) = (sp.first.max(from), sp.last_so_far(today).min(to));
            let mut d = a;
            while d <= b {
                if p.pattern.minutes_on(d) > 0 && cal.is_holiday(d).is_none()
                    && let Some(i) = index(d)
                {
                    out[i].days_lost += 1;
                    out[i].cost_pence += p.daily_pence.unwrap_or(0);
                }
                d += Duration::days(1);
            }
        }
    }
    out
}

/// Working days lost per full-time equivalent: days lost over the FTE of the people counted now.
/// In tenths, so 9.3 days reads as 93.
pub fn days_per_fte_tenths(days_lost: i64, people: &[Counted]) -> Option<i64> {
    let fte: i64 = people.iter().filter(|p| p.active).map(|p| p.pattern.fte_hundredths).sum();
    (fte > 0).then(|| (days_lost * 1000 + fte / 2) / fte)
}

/// "£1,234.56" from pence.
pub fn money(pence: i64) -> String {
    let (sign, p) = if pence < 0 { ("-", -pence) } else { ("", pence) };
    let pounds = (p / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{:02}", p % 100)
}

/// Reporting sickness, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub first_day: String,
    pub expected_return: String,
    pub reason: String,
    pub note: String,
}

/// A report as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub first: Date,
    pub expected_return: Date,
    pub reason: SicknessReason,
    pub note: String,
}

impl ReportForm {
    /// A first day not in the future nor more than 90 days back; an expected return after it;
    /// a reason from the national list.
    pub fn validate(&self, today: Date) -> Result<Report, FieldErrors> {
        let mut c = Collect::default();
        let first = c.keep(crate::org::parse_date("first_day", "the first day off sick", &self.first_day).and_then(|d| {
            if d > today {
                Err(FieldError::new("first_day", "The first day off sick must be today or in the past"))
            } else if d < today - Duration::days(90) {
                Err(FieldError::new("first_day", "The first day off sick must be within the last 90 days: ask HR to record an older episode"))
            } else {
                Ok(d)
            }
        }));
        let back = c.keep(crate::org::parse_date("expected_return", "the day you expect to be back", &self.expected_return));
        let reason = c.keep(SicknessReason::from_code(self.reason.trim()).ok_or_else(|| FieldError::new("reason", "Choose the reason from the list")));
        let note = c.keep(crate::text::optional("note", "the note", &self.note, 1_000));
        if let (Some(f), Some(b)) = (first, back)
            && b <= f
        {
            c.push(FieldError::new("expected_return", "The day you expect to be back must be after the first day off"));
        }
        if let Some(b) = back
            && b > today + Duration::days(365)
        {
            c.push(FieldError::new("expected_return", "The day you expect to be back must be within a year"));
        }
        match (first, back, reason, note) {
            (Some(first), Some(expected_return), Some(reason), Some(note)) if c.is_empty() => Ok(Report { first, expected_return, reason, note }),
            _ => Err(c.0),
        }
    }
}

/// The return-to-work interview, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InterviewForm {
    pub held_on: String,
    pub discussion: String,
    pub fit_to_work: String,
    pub adjustments: String,
    pub support: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interview {
    pub held_on: Date,
    pub discussion: String,
    pub fit_to_work: bool,
    pub adjustments: String,
    pub support: String,
}

impl InterviewForm {
    /// Held on or after the return and not in the future; what was discussed; whether they are
    /// fit to work (and if not, what adjustments); any support offered.
    pub fn validate(&self, returned_on: Date, today: Date) -> Result<Interview, FieldErrors> {
        let mut c = Collect::default();
        let held_on = c.keep(crate::org::parse_date("held_on", "the date it was held", &self.held_on).and_then(|d| {
            if d > today {
                Err(FieldError::new("held_on", "The date it was held must be today or in the past"))
            } else if d < returned_on {
                Err(FieldError::new("held_on", "The date it was held must be on or after the day they came back"))
            } else {
                Ok(d)
            }
        }));
        let discussion = c.keep(crate::text::required("discussion", "what you discussed", &self.discussion, 3_000));
        let fit = match self.fit_to_work.trim() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                c.push(FieldError::new("fit_to_work", "Say whether they are fit for their usual work"));
                None
            }
        };
        let adjustments = c.keep(crate::text::optional("adjustments", "the adjustments", &self.adjustments, 2_000));
        if fit == Some(false) && adjustments.as_deref().is_some_and(str::is_empty) {
            c.push(FieldError::new("adjustments", "Say what adjustments are agreed while they are not fit for their usual work"));
        }
        let support = c.keep(crate::text::optional("support", "the support offered", &self.support, 2_000));
        match (held_on, fit, adjustments, support, discussion) {
            (Some(held_on), Some(fit_to_work), Some(adjustments), Some(support), Some(discussion)) if c.is_empty() => Ok(Interview { held_on, discussion, fit_to_work, adjustments, support }),
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::leave::LeaveSettings;
    use proptest::prelude::*;
    use time::macros::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::with_known_changes()
    }

    #[test]
    fn days_lost_are_the_persons_own_working_days() {
        let full = WorkPattern::from_fte(100, &LeaveSettings::default());
        let part = WorkPattern::from_fte(60, &LeaveSettings::default());
        // Monday 21 to Sunday 27 December 2026: Christmas Day on the Friday.
        assert_eq!(working_days_lost(&cal(), &full, date!(2026 - 12 - 21), date!(2026 - 12 - 27)), 4);
        assert_eq!(working_days_lost(&cal(), &part, date!(2026 - 12 - 21), date!(2026 - 12 - 27)), 3);
    }

    #[test]
    fn a_spell_needs_a_fit_note_after_a_week_and_is_long_term_at_four() {
        let s = SicknessSettings::default();
        let sp = Spell { first: date!(2026 - 11 - 01), last: None };
        assert!(!sp.needs_fit_note(&s, date!(2026 - 11 - 08)), "seven days self-certified");
        assert!(sp.needs_fit_note(&s, date!(2026 - 11 - 09)));
        assert!(!sp.is_long_term(&s, date!(2026 - 11 - 28)));
        assert!(sp.is_long_term(&s, date!(2026 - 11 - 29)));
    }

    #[test]
    fn bradford_counts_spells_in_the_window() {
        let s = SicknessSettings::default();
        let full = WorkPattern::from_fte(100, &LeaveSettings::default());
        let today = date!(2026 - 12 - 06);
        let spells = [
            Spell { first: date!(2025 - 11 - 03), last: Some(date!(2025 - 11 - 04)) },
            Spell { first: date!(2026 - 03 - 02), last: Some(date!(2026 - 03 - 02)) },
            Spell { first: date!(2026 - 06 - 01), last: Some(date!(2026 - 06 - 03)) },
            Spell { first: date!(2026 - 12 - 03), last: None },
        ];
        // The first spell ended before the window: three spells, 1 + 3 + 2 (Thu, Fri) days.
        assert_eq!(bradford_of(&s, &cal(), &full, &spells, today), (3, 6, 54));
        assert_eq!(trigger_reached(&s, 54), Some(51));
        assert_eq!(trigger_reached(&s, 50), None);
        assert_eq!(trigger_reached(&s, 450), Some(401));
    }

    #[test]
    fn a_day_costs_the_persons_pay_for_a_day() {
        let full = WorkPattern::from_fte(100, &LeaveSettings::default());
        let part = WorkPattern::from_fte(60, &LeaveSettings::default());
        assert_eq!(daily_rate(39_000_00, &full), 150_00);
        assert_eq!(daily_rate(39_000_00, &part), 150_00, "three days a week at 60%: the same day rate");
        assert_eq!(money(123_456_78), "£123,456.78");
        assert_eq!(money(5), "£0.05");
    }

    #[test]
    fn reports_and_interviews_name_their_fields() {
        let today = date!(2026 - 12 - 06);
        let e = ReportForm { first_day: "2026-12-07".into(), expected_return: "2026-12-01".into(), reason: "nonsense".into(), note: String::new() }.validate(today).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["first_day", "reason"]);
        let e = ReportForm { first_day: "2026-12-03".into(), expected_return: "2026-12-02".into(), reason: "cold_flu".into(), note: String::new() }.validate(today).unwrap_err();
        assert_eq!(e[0].field, "expected_return");
        let ok = ReportForm { first_day: "2026-12-03".into(), expected_return: "2026-12-07".into(), reason: "cold_flu".into(), note: String::new() }.validate(today).unwrap();
        assert_eq!(ok.reason, SicknessReason::ColdFlu);
        let e = InterviewForm { held_on: "2026-12-01".into(), fit_to_work: "no".into(), ..Default::default() }.validate(date!(2026 - 12 - 03), today).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["held_on", "discussion", "adjustments"]);
    }

    #[test]
    fn months_count_the_days_lost_in_each_and_their_cost() {
        let full = WorkPattern::from_fte(100, &LeaveSettings::default());
        let people = [Counted { pattern: full, daily_pence: Some(150_00), active: true, spells: vec![Spell { first: date!(2026 - 10 - 29), last: Some(date!(2026 - 11 - 03)) }] }];
        let m = monthly(&cal(), &people, date!(2026 - 10 - 01), date!(2026 - 11 - 30), date!(2026 - 12 - 06));
        // Thu 29 and Fri 30 October; Mon 2 and Tue 3 November.
        assert_eq!(m.iter().map(|c| (c.started, c.days_lost, c.cost_pence)).collect::<Vec<_>>(), [(1, 2, 300_00), (0, 2, 300_00)]);
        assert_eq!(days_per_fte_tenths(4, &people), Some(40));
    }

    proptest! {
        /// The Bradford factor is S² × D, whatever the spells.
        #[test]
        fn bradford_matches_its_formula(lengths in prop::collection::vec((0i64..300, 0i64..20), 0..8)) {
            let s = SicknessSettings::default();
            let full = WorkPattern::from_fte(100, &LeaveSettings::default());
            let today = date!(2026 - 12 - 06);
            let spells: Vec<Spell> = lengths.iter().map(|(ago, len)| {
                let first = today - Duration::days(*ago + len);
                Spell { first, last: Some(first + Duration::days(*len)) }
            }).collect();
            let (n, days, score) = bradford_of(&s, &cal(), &full, &spells, today);
            let expected_days: i64 = spells.iter().map(|sp| working_days_lost(&cal(), &full, sp.first.max(today - Duration::weeks(52)), sp.last.unwrap())).sum();
            prop_assert_eq!(n, spells.len());
            prop_assert_eq!(days, expected_days);
            prop_assert_eq!(score, (n as i64) * (n as i64) * days);
        }
    }
}
