//! Leave: an entitlement ledger kept in minutes, and requests that spend it.
//!
//! A person's balance for a leave year is the sum of its ledger lines, and every line says why:
//! the year's entitlement (by length of service, pro rata to FTE and to the part of the year
//! worked), the bank holidays credited pro rata and then taken on the days the person works, hours
//! carried over, bought, sold or earned as time off in lieu, and leave taken or given back.
//! Crediting bank holidays pro rata and deducting them as they fall is what keeps a part-timer
//! from being short or over: whichever days they work, their year holds FTE × a full-timer's.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

use crate::calendar::WorkingCalendar;
use crate::{Collect, FieldError, FieldErrors};

/// One step of the entitlement table: from `after_years` of service, `days` a year full time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub after_years: i64,
    pub days: i64,
}

/// National settings for leave (`[leave]` in hearth.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeaveSettings {
    /// The month and day each leave year starts (1 April by default).
    pub year_start_month: u8,
    pub year_start_day: u8,
    /// A full-time week, in minutes (37 hours); a full-time day is a fifth of it.
    pub full_time_week_minutes: i64,
    /// Days of annual leave a year full time, by completed years of service at the year's start.
    pub entitlement: Vec<Tier>,
    /// The most full-time days that may be carried into the next year.
    pub carry_over_days: i64,
}

impl Default for LeaveSettings {
    fn default() -> Self {
        Self {
            year_start_month: 4,
            year_start_day: 1,
            full_time_week_minutes: 37 * 60,
            entitlement: vec![Tier { after_years: 0, days: 27 }, Tier { after_years: 5, days: 29 }, Tier { after_years: 10, days: 31 }],
            carry_over_days: 5,
        }
    }
}

impl LeaveSettings {
    pub fn validate(&self) -> Result<(), String> {
        let month = Month::try_from(self.year_start_month).map_err(|_| "year_start_month must be 1 to 12".to_string())?;
        if self.year_start_day < 1 || self.year_start_day > 28 || (month == Month::February && self.year_start_day > 28) {
            return Err("year_start_day must be 1 to 28, so every year has it".into());
        }
        if !(60 * 10..=60 * 60).contains(&self.full_time_week_minutes) {
            return Err("full_time_week_minutes must be from 600 to 3600".into());
        }
        if self.entitlement.first().is_none_or(|t| t.after_years != 0) || self.entitlement.windows(2).any(|w| w[1].after_years <= w[0].after_years) {
            return Err("entitlement must start at after_years = 0 and rise in years".into());
        }
        if self.entitlement.iter().any(|t| !(0..=60).contains(&t.days)) || !(0..=30).contains(&self.carry_over_days) {
            return Err("entitlement days must be 0 to 60 and carry_over_days 0 to 30".into());
        }
        Ok(())
    }

    /// A full-time day, in minutes.
    pub fn full_time_day(&self) -> i64 {
        self.full_time_week_minutes / 5
    }

    /// The leave year holding `day`.
    pub fn year_of(&self, day: Date) -> LeaveYear {
        let start = |y: i32| Date::from_calendar_date(y, Month::try_from(self.year_start_month).unwrap_or(Month::April), self.year_start_day).expect("validated");
        let first = if day >= start(day.year()) { start(day.year()) } else { start(day.year() - 1) };
        LeaveYear { first, last: start(first.year() + 1) - Duration::days(1) }
    }

    /// Full-time days for someone who started on `started_on`, in the year from `year_first`.
    pub fn entitlement_days(&self, started_on: Date, year_first: Date) -> i64 {
        let years = completed_years(started_on, year_first);
        self.entitlement.iter().rev().find(|t| years >= t.after_years).map_or(0, |t| t.days)
    }
}

fn completed_years(from: Date, to: Date) -> i64 {
    let mut years = (to.year() - from.year()) as i64;
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years.max(0)
}

/// A leave year, first and last days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LeaveYear {
    pub first: Date,
    pub last: Date,
}

impl LeaveYear {
    /// "2026 to 2027".
    pub fn label(&self) -> String {
        format!("{} to {}", self.first.year(), self.last.year())
    }

    pub fn contains(&self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }

    pub fn previous(&self) -> LeaveYear {
        let last = self.first - Duration::days(1);
        LeaveYear { first: Date::from_calendar_date(self.first.year() - 1, self.first.month(), self.first.day()).expect("the same day a year before"), last }
    }
}

/// Which days a person works and for how long. Part-timers work their hours on the first days
/// of the week their FTE needs, each day the same length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkPattern {
    pub fte_hundredths: i64,
    /// Monday first.
    pub days: [bool; 5],
    pub day_minutes: i64,
}

impl WorkPattern {
    pub fn from_fte(fte_hundredths: i64, s: &LeaveSettings) -> Self {
        let fte = fte_hundredths.clamp(1, 100);
        let n = ((fte * 5 + 99) / 100).clamp(1, 5) as usize;
        let mut days = [false; 5];
        days[..n].iter_mut().for_each(|d| *d = true);
        Self { fte_hundredths: fte, days, day_minutes: s.full_time_week_minutes * fte / 100 / n as i64 }
    }

    /// A pattern on the days given (Monday first), each day the same length; refused when no day
    /// is chosen or a day would be longer than ten hours.
    pub fn on_days(fte_hundredths: i64, days: [bool; 5], s: &LeaveSettings) -> Result<Self, FieldError> {
        let fte = fte_hundredths.clamp(1, 100);
        let n = days.iter().filter(|d| **d).count() as i64;
        if n == 0 {
            return Err(FieldError::new("days", "Choose the days they work"));
        }
        let day_minutes = s.full_time_week_minutes * fte / 100 / n;
        if day_minutes > 600 {
            return Err(FieldError::new("days", format!("That would make each day {}: choose more days", hours_text(day_minutes))));
        }
        Ok(Self { fte_hundredths: fte, days, day_minutes })
    }

    /// The days as stored: "mon,tue,wed".
    pub fn days_code(&self) -> String {
        DAY_CODES.iter().zip(self.days).filter(|(_, on)| *on).map(|(c, _)| *c).collect::<Vec<_>>().join(",")
    }

    /// Reads stored days, Monday first; unknown codes are ignored.
    pub fn parse_days(code: &str) -> [bool; 5] {
        let mut days = [false; 5];
        for part in code.split(',') {
            if let Some(i) = DAY_CODES.iter().position(|c| *c == part.trim()) {
                days[i] = true;
            }
        }
        days
    }

    /// Minutes worked on `day` by the pattern (bank holidays aside).
    pub fn minutes_on(&self, day: Date) -> i64 {
        match day.weekday() {
            Weekday::Saturday | Weekday::Sunday => 0,
            w => {
                if self.days[w.number_days_from_monday() as usize] {
                    self.day_minutes
                } else {
                    0
                }
            }
        }
    }

    /// "Monday to Wednesday, 7 hours 24 minutes a day", or "Monday, Wednesday and Friday, …".
    pub fn describe(&self) -> String {
        let on: Vec<usize> = (0..5).filter(|i| self.days[*i]).collect();
        let run = on.windows(2).all(|w| w[1] == w[0] + 1);
        let days = match on.as_slice() {
            [] => "No days".to_string(),
            [one] => DAY_NAMES[*one].to_string(),
            [first, .., last] if run => format!("{} to {}", DAY_NAMES[*first], DAY_NAMES[*last]),
            _ => crate::text::and_list(&on.iter().map(|i| DAY_NAMES[*i]).collect::<Vec<_>>()),
        };
        format!("{days}, {} a day", hours_text(self.day_minutes))
    }
}

/// The working week's days, Monday first, as stored and as shown.
pub const DAY_CODES: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
pub const DAY_NAMES: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

coded_enum! {
    /// Why a ledger line is there.
    LineKind {
        Entitlement = "entitlement", "Annual leave entitlement";
        BankHolidays = "bank_holidays", "Bank holidays, pro rata";
        BankHoliday = "bank_holiday", "Bank holiday";
        CarriedOver = "carried_over", "Carried over";
        Bought = "bought", "Leave bought";
        Sold = "sold", "Leave sold";
        Toil = "toil", "Time off in lieu";
        Taken = "taken", "Leave taken";
        Returned = "returned", "Leave cancelled";
        Adjustment = "adjustment", "Adjustment";
    }
}

impl LineKind {
    /// The kinds a manager or HR adds by hand, each with the sign it takes.
    pub const ADDED_BY_HAND: &'static [LineKind] = &[LineKind::Bought, LineKind::Sold, LineKind::Toil, LineKind::Adjustment];
}

/// A line as the rules produce it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub kind: LineKind,
    pub minutes: i64,
    pub on: Date,
    pub reason: String,
}

/// A year's balance: the sum of its lines, and what the lines were for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balance {
    /// Entitlement, bank holidays credited and carried over, less bank holidays as they fall.
    pub allowance: i64,
    /// Bought, sold, time off in lieu and adjustments.
    pub changes: i64,
    /// Leave taken, less leave given back.
    pub taken: i64,
    pub balance: i64,
}

/// Totals a year's lines by what they are for. The balance is always the sum of the lines.
pub fn balance(lines: impl IntoIterator<Item = (LineKind, i64)>) -> Balance {
    let mut b = Balance::default();
    for (kind, m) in lines {
        match kind {
            LineKind::Entitlement | LineKind::BankHolidays | LineKind::BankHoliday | LineKind::CarriedOver => b.allowance += m,
            LineKind::Bought | LineKind::Sold | LineKind::Toil | LineKind::Adjustment => b.changes += m,
            LineKind::Taken | LineKind::Returned => b.taken -= m,
        }
        b.balance += m;
    }
    b
}

/// The lines that open a leave year: the entitlement and the bank holidays credited, both pro rata
/// to FTE and to the part of the year after `started_on`, then each bank holiday that falls on a
/// day the pattern works, taken.
pub fn opening_lines(s: &LeaveSettings, cal: &WorkingCalendar, pattern: &WorkPattern, started_on: Date, year: LeaveYear) -> Vec<NewLine> {
    let from = started_on.max(year.first);
    if from > year.last {
        return vec![];
    }
    let year_days = (year.last - year.first).whole_days() + 1;
    let worked_days = (year.last - from).whole_days() + 1;
    let day = s.full_time_day();
    let full_days = s.entitlement_days(started_on, year.first);
    // One rounding, at the end, so the pro rata is as exact as a minute allows.
    let entitlement = rounded_div(full_days * day * pattern.fte_hundredths * worked_days, 100 * year_days);
    let holidays: Vec<_> = holidays_between(cal, from, year.last);
    let credit = rounded_div(holidays.len() as i64 * day * pattern.fte_hundredths, 100);
    let mut lines = vec![
        NewLine {
            kind: LineKind::Entitlement,
            minutes: entitlement,
            on: from,
            reason: if from > year.first {
                format!("{full_days} days a year full time, pro rata from {}", crate::text::long_date(from))
            } else {
                format!("{full_days} days a year full time")
            },
        },
        NewLine { kind: LineKind::BankHolidays, minutes: credit, on: from, reason: format!("{} bank holidays in the year", holidays.len()) },
    ];
    if pattern.fte_hundredths < 100 {
        lines.iter_mut().for_each(|l| l.reason.push_str(&format!(", at {}% of full time", pattern.fte_hundredths)));
    }
    for (date, name) in holidays {
        let m = pattern.minutes_on(date);
        if m > 0 {
            lines.push(NewLine { kind: LineKind::BankHoliday, minutes: -m, on: date, reason: name });
        }
    }
    lines
}

fn holidays_between(cal: &WorkingCalendar, from: Date, to: Date) -> Vec<(Date, String)> {
    (from.year()..=to.year()).flat_map(|y| cal.holidays_in(y)).filter(|h| h.date >= from && h.date <= to && !crate::calendar::is_weekend(h.date)).map(|h| (h.date, h.name)).collect()
}

fn rounded_div(n: i64, d: i64) -> i64 {
    (n * 2 + d) / (2 * d)
}

/// What may be carried from a year ending with `balance` minutes: up to the cap, pro rata.
pub fn carry_over(s: &LeaveSettings, pattern: &WorkPattern, balance: i64) -> i64 {
    balance.clamp(0, s.carry_over_days * s.full_time_day() * pattern.fte_hundredths / 100)
}

coded_enum! {
    /// What a request is for.
    RequestKind {
        Annual = "annual", "Annual leave";
        Unpaid = "unpaid", "Unpaid leave";
    }
}

coded_enum! {
    /// How much of the days a request takes.
    DayPart {
        Whole = "whole", "Whole days";
        Morning = "morning", "Half day, morning";
        Afternoon = "afternoon", "Half day, afternoon";
        Hours = "hours", "Some hours";
    }
}

coded_enum! {
    /// Where a request stands.
    RequestStatus {
        Requested = "requested", "Waiting for approval";
        Approved = "approved", "Approved";
        Refused = "refused", "Refused";
        Cancelled = "cancelled", "Cancelled";
    }
}

/// A request as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveDraft {
    pub kind: RequestKind,
    pub first: Date,
    pub last: Date,
    pub part: DayPart,
    /// What it takes from the balance (nothing for unpaid leave, but still the time away).
    pub minutes: i64,
    pub note: String,
}

/// What was typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LeaveForm {
    pub kind: String,
    pub first_day: String,
    pub last_day: String,
    pub part: String,
    pub hours: String,
    pub note: String,
}

impl LeaveForm {
    /// Dates in order, within one leave year, from this leave year's start to 18 months ahead; a
    /// half day or some hours on a single day the person works; whole days that include at least
    /// one working day.
    pub fn validate(&self, s: &LeaveSettings, cal: &WorkingCalendar, pattern: &WorkPattern, today: Date) -> Result<LeaveDraft, FieldErrors> {
        let mut c = Collect::default();
        let kind = c.keep(RequestKind::from_code(self.kind.trim()).ok_or_else(|| FieldError::new("kind", "Choose annual leave or unpaid leave")));
        let part = c.keep(DayPart::from_code(self.part.trim()).ok_or_else(|| FieldError::new("part", "Choose whole days, a half day or some hours")));
        let first = c.keep(crate::org::parse_date("first_day", "the first day", &self.first_day));
        let last = if self.last_day.trim().is_empty() { first } else { c.keep(crate::org::parse_date("last_day", "the last day", &self.last_day)) };
        let note = c.keep(crate::text::optional("note", "the note", &self.note, 500));
        let (Some(kind), Some(part), Some(first), Some(last), Some(note)) = (kind, part, first, last, note) else {
            return Err(c.0);
        };
        if last < first {
            return Err(vec![FieldError::new("last_day", "The last day must be the same as or after the first day")]);
        }
        let this_year = s.year_of(today);
        if first < this_year.first {
            return Err(vec![FieldError::new("first_day", format!("The first day must be in this leave year, from {}: ask HR to correct an earlier year", crate::text::long_date(this_year.first)))]);
        }
        if first > today + Duration::days(548) {
            return Err(vec![FieldError::new("first_day", "The first day must be within the next 18 months")]);
        }
        if (last - first).whole_days() > 366 {
            return Err(vec![FieldError::new("last_day", "A request can be for a year at most")]);
        }
        let year = s.year_of(first);
        if !year.contains(last) {
            return Err(vec![FieldError::new(
                "last_day",
                format!("The leave year starts on {}: book the days before it and the days from it as two requests", crate::text::long_date(year.last + Duration::days(1))),
            )]);
        }
        let minutes = match part {
            DayPart::Whole => {
                let m = cost_of_days(cal, pattern, first, last);
                if m == 0 {
                    return Err(vec![FieldError::new("first_day", "None of these days is a working day for you: choose days you work")]);
                }
                m
            }
            DayPart::Morning | DayPart::Afternoon | DayPart::Hours => {
                if last != first {
                    return Err(vec![FieldError::new("last_day", "A half day or some hours is for one day: leave the last day empty or the same as the first")]);
                }
                let day = cost_of_days(cal, pattern, first, first);
                if day == 0 {
                    return Err(vec![FieldError::new("first_day", "That is not a working day for you, so there is nothing to take off")]);
                }
                if part == DayPart::Hours {
                    let m = parse_hours("hours", &self.hours).map_err(|e| vec![e])?;
                    if m > day {
                        return Err(vec![FieldError::new("hours", format!("You work {} that day: enter that or less", hours_text(day)))]);
                    }
                    m
                } else {
                    day / 2
                }
            }
        };
        Ok(LeaveDraft { kind, first, last, part, minutes, note })
    }
}

/// The minutes the person works from `first` to `last`, bank holidays aside (they come off when
/// the year opens).
pub fn cost_of_days(cal: &WorkingCalendar, pattern: &WorkPattern, first: Date, last: Date) -> i64 {
    let mut m = 0;
    let mut d = first;
    while d <= last {
        if cal.is_holiday(d).is_none() {
            m += pattern.minutes_on(d);
        }
        d += Duration::days(1);
    }
    m
}

/// Reads "3", "3.5", "3:30" or "3h30" as minutes, from a quarter of an hour to 24 hours.
pub fn parse_hours(field: &'static str, v: &str) -> Result<i64, FieldError> {
    let v = v.trim().to_lowercase().replace(' ', "");
    let err = || FieldError::new(field, "Enter the hours as a number, like 3 or 3.5 or 3:30");
    if v.is_empty() {
        return Err(FieldError::new(field, "Enter how many hours"));
    }
    let minutes = if let Some((h, m)) = v.split_once([':', 'h']) {
        let h: i64 = h.parse().map_err(|_| err())?;
        let m: i64 = if m.is_empty() { 0 } else { m.trim_end_matches('m').parse().map_err(|_| err())? };
        if !(0..60).contains(&m) {
            return Err(err());
        }
        h * 60 + m
    } else {
        let f: f64 = v.trim_end_matches("hours").trim_end_matches('h').parse().map_err(|_| err())?;
        if !f.is_finite() {
            return Err(err());
        }
        (f * 60.0).round() as i64
    };
    if !(15..=24 * 60).contains(&minutes) {
        return Err(FieldError::new(field, "Enter from a quarter of an hour to 24 hours"));
    }
    Ok(minutes)
}

/// "7 hours 24 minutes", "1 hour", "minus 3 hours 30 minutes".
pub fn hours_text(minutes: i64) -> String {
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    let hours = match h {
        1 => "1 hour".to_string(),
        h => format!("{h} hours"),
    };
    let text = match (h, m) {
        (_, 0) => hours,
        (0, m) => format!("{m} minutes"),
        (_, m) => format!("{hours} {m} minutes"),
    };
    if minutes < 0 { format!("minus {text}") } else { text }
}

/// "7h 24m", "−74h": the ledger's columns, narrow enough for a phone.
pub fn short_hours(minutes: i64) -> String {
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    let sign = if minutes < 0 { "\u{2212}" } else { "" };
    if m == 0 { format!("{sign}{h}h") } else { format!("{sign}{h}h {m}m") }
}

/// Roughly how many of the person's days: "about 3.5 days", "1 day".
pub fn days_text(minutes: i64, day_minutes: i64) -> String {
    if day_minutes <= 0 {
        return String::new();
    }
    let halves = rounded_div(minutes.abs() * 2, day_minutes);
    let exact = (minutes.abs() * 2) % day_minutes == 0;
    let n = if halves % 2 == 0 { format!("{}", halves / 2) } else { format!("{}.5", halves / 2) };
    let unit = if halves == 2 { "day" } else { "days" };
    format!("{}{n} {unit}", if exact { "" } else { "about " })
}

/// A line added by hand (bought, sold, time off in lieu, an adjustment), as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AdjustForm {
    pub kind: String,
    /// For an adjustment: "add" or "remove".
    pub direction: String,
    pub hours: String,
    pub reason: String,
}

impl AdjustForm {
    /// The kind, the signed minutes (sold hours come off; an adjustment goes the way chosen) and
    /// the reason, which every hand-added line needs.
    pub fn validate(&self) -> Result<(LineKind, i64, String), FieldErrors> {
        let mut c = Collect::default();
        let kind = c.keep(LineKind::from_code(self.kind.trim()).filter(|k| LineKind::ADDED_BY_HAND.contains(k)).ok_or_else(|| FieldError::new("kind", "Choose what the change is")));
        let minutes = c.keep(parse_hours_up_to("hours", &self.hours, 300 * 60));
        let reason = c.keep(crate::text::required("reason", "the reason", &self.reason, 500));
        let sign = match (kind, self.direction.trim()) {
            (Some(LineKind::Sold), _) => Some(-1),
            (Some(LineKind::Adjustment), "add") => Some(1),
            (Some(LineKind::Adjustment), "remove") => Some(-1),
            (Some(LineKind::Adjustment), _) => {
                c.push(FieldError::new("direction", "Say whether the adjustment adds hours or takes them away"));
                None
            }
            _ => Some(1),
        };
        match (kind, minutes, reason, sign) {
            (Some(k), Some(m), Some(r), Some(s)) if c.is_empty() => Ok((k, s * m, r)),
            _ => Err(c.0),
        }
    }
}

fn parse_hours_up_to(field: &'static str, v: &str, max: i64) -> Result<i64, FieldError> {
    // Reuses the day reader for its shapes, then allows more than a day.
    let v = v.trim();
    let whole: Option<i64> = v.parse().ok();
    let minutes = match whole {
        Some(h) => h.checked_mul(60).ok_or_else(|| FieldError::new(field, "Enter a smaller number of hours"))?,
        None => {
            let f: f64 = v.replace(':', ".").parse().map_err(|_| FieldError::new(field, if v.is_empty() { "Enter how many hours" } else { "Enter the hours as a number, like 7.5" }))?;
            if !f.is_finite() {
                return Err(FieldError::new(field, "Enter the hours as a number, like 7.5"));
            }
            (f * 60.0).round() as i64
        }
    };
    if minutes <= 0 || minutes > max {
        return Err(FieldError::new(field, format!("Enter more than 0 and at most {} hours", max / 60)));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::with_known_changes()
    }

    const TODAY: Date = date!(2026 - 12 - 01);

    #[test]
    fn the_leave_year_starts_on_the_first_of_april() {
        let s = LeaveSettings::default();
        assert_eq!(s.year_of(date!(2027 - 03 - 31)), LeaveYear { first: date!(2026 - 04 - 01), last: date!(2027 - 03 - 31) });
        assert_eq!(s.year_of(date!(2027 - 04 - 01)).first, date!(2027 - 04 - 01));
        assert_eq!(s.year_of(date!(2027 - 04 - 01)).label(), "2027 to 2028");
    }

    #[test]
    fn entitlement_rises_with_completed_years_of_service() {
        let s = LeaveSettings::default();
        assert_eq!(s.entitlement_days(date!(2022 - 04 - 02), date!(2027 - 04 - 01)), 27, "one day short of five years");
        assert_eq!(s.entitlement_days(date!(2022 - 04 - 01), date!(2027 - 04 - 01)), 29);
        assert_eq!(s.entitlement_days(date!(2010 - 01 - 01), date!(2027 - 04 - 01)), 31);
    }

    #[test]
    fn a_full_timer_opens_the_year_with_their_days_and_the_bank_holidays_taken() {
        let s = LeaveSettings::default();
        let p = WorkPattern::from_fte(100, &s);
        let year = s.year_of(date!(2026 - 06 - 01));
        let lines = opening_lines(&s, &cal(), &p, date!(2015 - 01 - 01), year);
        assert_eq!(lines[0].minutes, 31 * 444);
        // 2026-27 holds two Easters: 10 bank holidays, all on weekdays.
        assert_eq!(lines[1].minutes, 10 * 444);
        assert_eq!(lines.iter().filter(|l| l.kind == LineKind::BankHoliday).count(), 10);
        assert_eq!(balance(lines.iter().map(|l| (l.kind, l.minutes))).balance, 31 * 444);
    }

    #[test]
    fn a_starter_mid_year_gets_the_part_of_the_year_they_work() {
        let s = LeaveSettings::default();
        let p = WorkPattern::from_fte(100, &s);
        let year = s.year_of(date!(2026 - 10 - 01));
        let lines = opening_lines(&s, &cal(), &p, date!(2026 - 10 - 01), year);
        // 182 of 365 days: half of 27 days, within a minute.
        assert_eq!(lines[0].minutes, (27 * 444 * 182 * 2 + 365) / (2 * 365));
        assert!(lines.iter().filter(|l| l.kind == LineKind::BankHoliday).all(|l| l.on >= date!(2026 - 10 - 01)));
    }

    #[test]
    fn a_part_timer_works_the_first_days_of_the_week() {
        let s = LeaveSettings::default();
        let p = WorkPattern::from_fte(60, &s);
        assert_eq!((p.days, p.day_minutes), ([true, true, true, false, false], 444));
        assert_eq!(p.describe(), "Monday to Wednesday, 7 hours 24 minutes a day");
        assert_eq!(p.minutes_on(date!(2026 - 12 - 10)), 0, "a Thursday");
        let wed_to_fri = WorkPattern::on_days(60, WorkPattern::parse_days("wed,thu,fri"), &s).unwrap();
        assert_eq!((wed_to_fri.days_code(), wed_to_fri.describe()), ("wed,thu,fri".to_string(), "Wednesday to Friday, 7 hours 24 minutes a day".to_string()));
        assert_eq!(WorkPattern::on_days(60, WorkPattern::parse_days("mon,wed,fri"), &s).unwrap().describe(), "Monday, Wednesday and Friday, 7 hours 24 minutes a day");
        assert_eq!(WorkPattern::on_days(100, WorkPattern::parse_days("mon,tue"), &s).unwrap_err().field, "days", "18 and a half hours a day");
        assert_eq!(WorkPattern::on_days(100, [false; 5], &s).unwrap_err().field, "days");
    }

    #[test]
    fn requests_cost_the_hours_the_person_works() {
        let s = LeaveSettings::default();
        let full = WorkPattern::from_fte(100, &s);
        let form = |first: &str, last: &str, part: &str, hours: &str| LeaveForm { kind: "annual".into(), first_day: first.into(), last_day: last.into(), part: part.into(), hours: hours.into(), note: String::new() };
        // Monday 21 to Monday 28 December 2026: Christmas and Boxing Day (moved to Monday 28) come
        // off when the year opens, so 4 working days.
        assert_eq!(form("2026-12-21", "2026-12-28", "whole", "").validate(&s, &cal(), &full, TODAY).unwrap().minutes, 4 * 444);
        assert_eq!(form("2026-12-21", "", "morning", "").validate(&s, &cal(), &full, TODAY).unwrap().minutes, 222);
        assert_eq!(form("2026-12-21", "", "hours", "2:30").validate(&s, &cal(), &full, TODAY).unwrap().minutes, 150);
        let part = WorkPattern::from_fte(60, &s);
        let e = form("2026-12-10", "", "afternoon", "").validate(&s, &cal(), &part, TODAY).unwrap_err();
        assert_eq!(e[0].field, "first_day", "a half day on a day they do not work");
        let e = form("2026-12-12", "2026-12-13", "whole", "").validate(&s, &cal(), &full, TODAY).unwrap_err();
        assert_eq!(e[0].field, "first_day", "a weekend");
        let e = form("2026-12-10", "2026-12-01", "whole", "").validate(&s, &cal(), &full, TODAY).unwrap_err();
        assert_eq!(e[0].field, "last_day");
        let e = form("2027-03-30", "2027-04-02", "whole", "").validate(&s, &cal(), &full, TODAY).unwrap_err();
        assert!(e[0].message.contains("1 April 2027"), "{e:?}");
        let e = form("2026-12-21", "", "hours", "9").validate(&s, &cal(), &full, TODAY).unwrap_err();
        assert_eq!(e[0].field, "hours");
        let e = LeaveForm::default().validate(&s, &cal(), &full, TODAY).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["kind", "part", "first_day"]);
    }

    #[test]
    fn hours_read_and_print_plainly() {
        assert_eq!(parse_hours("h", "3.5"), Ok(210));
        assert_eq!(parse_hours("h", "3h30"), Ok(210));
        assert!(parse_hours("h", "-2").is_err());
        assert!(parse_hours("h", "NaN").is_err());
        assert_eq!(hours_text(444), "7 hours 24 minutes");
        assert_eq!(hours_text(-60), "minus 1 hour");
        assert_eq!((short_hours(-444), short_hours(4440)), ("\u{2212}7h 24m".to_string(), "74h".to_string()));
        assert_eq!(days_text(444 * 3, 444), "3 days");
        assert_eq!(days_text(444 + 222, 444), "1.5 days");
        assert_eq!(days_text(500, 444), "about 1 day");
    }

    #[test]
    fn hand_added_lines_take_their_sign_and_need_a_reason() {
        let f = |kind: &str, dir: &str, hours: &str, reason: &str| AdjustForm { kind: kind.into(), direction: dir.into(), hours: hours.into(), reason: reason.into() }.validate();
        assert_eq!(f("sold", "", "7.5", "Sold two days").unwrap().1, -450);
        assert_eq!(f("toil", "", "3", "Court ran late").unwrap().1, 180);
        assert_eq!(f("adjustment", "remove", "1", "Correction").unwrap().1, -60);
        let e = f("adjustment", "", "1", "").unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["reason", "direction"]);
        assert_eq!(f("taken", "", "1", "x").unwrap_err()[0].field, "kind", "leave taken comes from requests only");
        assert_eq!(f("toil", "", "1e9", "x").unwrap_err()[0].field, "hours");
    }

    proptest! {
        #[test]
        fn the_balance_is_the_sum_of_the_lines(lines in prop::collection::vec((0..LineKind::ALL.len(), -100_000i64..100_000), 0..60)) {
            let lines: Vec<(LineKind, i64)> = lines.into_iter().map(|(k, m)| (LineKind::ALL[k], m)).collect();
            let b = balance(lines.iter().copied());
            prop_assert_eq!(b.balance, lines.iter().map(|l| l.1).sum::<i64>());
            prop_assert_eq!(b.allowance + b.changes - b.taken, b.balance);
        }

        /// In every year from 2020 to 2035, whatever the FTE, the year credits FTE × a
        /// full-timer's entitlement and bank holidays (to the minute), and a full-timer's bank
        /// holidays credited equal those taken: never short, never over.
        #[test]
        fn a_part_timers_year_is_pro_rata(year in 2020i32..=2035, fte in 10i64..=100, years_served in 0i64..20) {
            let s = LeaveSettings::default();
            let c = cal();
            let ly = s.year_of(Date::from_calendar_date(year, Month::June, 1).unwrap());
            let started = Date::from_calendar_date(year - years_served as i32 - 1, Month::January, 1).unwrap();
            let full = opening_lines(&s, &c, &WorkPattern::from_fte(100, &s), started, ly);
            let part = opening_lines(&s, &c, &WorkPattern::from_fte(fte, &s), started, ly);
            let credit = |l: &[NewLine]| l.iter().filter(|l| l.minutes > 0).map(|l| l.minutes).sum::<i64>();
            prop_assert!((credit(&part) * 100 - credit(&full) * fte).abs() <= 100, "{} vs {} at {}%", credit(&part), credit(&full), fte);
            let taken: i64 = full.iter().filter(|l| l.kind == LineKind::BankHoliday).map(|l| -l.minutes).sum();
            prop_assert_eq!(taken, full[1].minutes);
            // A part-timer's bank holidays never take more than the days they work.
            let p = WorkPattern::from_fte(fte, &s);
            prop_assert!(part.iter().filter(|l| l.kind == LineKind::BankHoliday).all(|l| -l.minutes == p.day_minutes));
        }
    }
}
