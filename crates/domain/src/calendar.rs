//! Working days for England & Wales: the calendar every non-court deadline is counted on.
//!
//! Bank holidays are computed by rule for any year, so deadlines years ahead need no data load.
//! One-off changes (a holiday moved or added by proclamation) cannot be predicted by rule, so they
//! come in as [`HolidayOverride`]s, typically from a national setting holding a list of strings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use time::macros::format_description;
use time::{Date, Duration, Month, Weekday};

/// A bank holiday on a given day. Rule holidays and added ones look the same to callers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankHoliday {
    pub date: Date,
    pub name: String,
}

/// A one-off change to the rule-computed holidays. A moved holiday is a `Remove` of the rule day
/// plus an `Add` of the new one, so the rule itself never has to know about history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum HolidayOverride {
    Add { date: Date, name: String },
    Remove { date: Date },
}

/// Weekends and England & Wales bank holidays, with any one-off changes applied.
///
/// Holds only the overrides: rule holidays are recomputed per year on demand (a handful of
/// arithmetic steps), which keeps the calendar immutable and cheap to share between threads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    added: BTreeMap<Date, String>,
    removed: BTreeSet<Date>,
}

/// A moment as a clock in England and Wales shows it: British Summer Time (an hour ahead of UTC)
/// from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
/// Hearth keeps UTC; pages show this.
pub fn uk_local(t: time::OffsetDateTime) -> time::OffsetDateTime {
    let last_sunday = |month: Month| {
        let last = Date::from_calendar_date(t.year(), month, 31).expect("March and October have 31 days");
        last - Duration::days(last.weekday().number_days_from_sunday() as i64)
    };
    let at_one = |d: Date| d.with_hms(1, 0, 0).expect("a valid time").assume_utc();
    let utc = t.to_offset(time::UtcOffset::UTC);
    let summer = utc >= at_one(last_sunday(Month::March)) && utc < at_one(last_sunday(Month::October));
    utc.to_offset(if summer { time::UtcOffset::from_hms(1, 0, 0).expect("one hour") } else { time::UtcOffset::UTC })
}

/// Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" algorithm).
/// Good Friday and Easter Monday hang off it, so it decides two of the eight holidays.
pub fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 { Month::March } else { Month::April };
    calendar_date(year, month, day as u8)
}

/// The eight England & Wales bank holidays of `year` by rule, substitute days included, in date
/// order. Years before the current pattern began (1978) are computed as if it had always applied.
pub fn bank_holidays(year: i32) -> Vec<BankHoliday> {
    rule_holidays(year).into_iter().map(|(date, name)| BankHoliday { date, name: name.to_string() }).collect()
}

/// Reads one override from configuration: `"2027-06-07 Extra holiday"` adds a holiday,
/// `"-2020-05-04"` removes the rule holiday on that day.
pub fn parse_override(s: &str) -> Result<HolidayOverride, String> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('-') {
        let date = parse_date(rest.trim())?;
        return Ok(HolidayOverride::Remove { date });
    }
    let (date, name) = match s.split_once(char::is_whitespace) {
        Some((date, name)) => (date, name.trim()),
        None => (s, ""),
    };
    let date = parse_date(date)?;
    if name.is_empty() {
        return Err(format!("holiday on {date} needs a name after the date"));
    }
    Ok(HolidayOverride::Add { date, name: name.to_string() })
}

impl fmt::Display for HolidayOverride {
    /// Writes the same form [`parse_override`] reads, so settings round-trip.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HolidayOverride::Add { date, name } => write!(f, "{date} {name}"),
            HolidayOverride::Remove { date } => write!(f, "-{date}"),
        }
    }
}

impl WorkingCalendar {
    /// A calendar with the rule holidays changed by `overrides`. When the same day is both added
    /// and removed, the addition wins: a day someone named as a holiday should not silently vanish.
    pub fn new(overrides: Vec<HolidayOverride>) -> Self {
        let mut calendar = Self::default();
        for o in overrides {
            match o {
                HolidayOverride::Add { date, name } => {
                    calendar.added.insert(date, name);
                }
                HolidayOverride::Remove { date } => {
                    calendar.removed.insert(date);
                }
            }
        }
        calendar
    }

    /// The rule alone, for when no national setting has been made.
    pub fn england_and_wales() -> Self {
        Self::new(Vec::new())
    }

    /// The rule plus the real one-off changes since 2020, so recent history counts correctly.
    pub fn with_known_changes() -> Self {
        Self::new(Self::known_changes())
    }

    /// The real one-off changes since 2020, for adding configured overrides to.
    pub fn known_changes() -> Vec<HolidayOverride> {
        let d = |y, m, day| calendar_date(y, m, day);
        let add = |date, name: &str| HolidayOverride::Add { date, name: name.to_string() };
        vec![
            // VE Day 75th anniversary: early May moved from Monday 4 to Friday 8 May.
            HolidayOverride::Remove { date: d(2020, Month::May, 4) },
            add(d(2020, Month::May, 8), "Early May bank holiday (VE day)"),
            // Platinum Jubilee: spring moved from Monday 30 May to Thursday 2 June, plus Friday 3 June.
            HolidayOverride::Remove { date: d(2022, Month::May, 30) },
            add(d(2022, Month::June, 2), "Spring bank holiday"),
            add(d(2022, Month::June, 3), "Platinum Jubilee bank holiday"),
            add(d(2022, Month::September, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
            add(d(2023, Month::May, 8), "Bank holiday for the coronation of King Charles III"),
        ]
    }

    /// The name of the holiday on `date`, if it is one (whatever the day of the week).
    pub fn is_holiday(&self, date: Date) -> Option<&str> {
        if let Some(name) = self.added.get(&date) {
            return Some(name.as_str());
        }
        if self.removed.contains(&date) {
            return None;
        }
        rule_holidays(date.year()).into_iter().find(|(d, _)| *d == date).map(|(_, name)| name)
    }

    /// Monday to Friday and not a holiday.
    pub fn is_working_day(&self, date: Date) -> bool {
        !is_weekend(date) && self.is_holiday(date).is_none()
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: Date) -> Date {
        self.add_working_days(date, 1)
    }

    /// The `n`th working day after `start` (`n > 0`) or before it (`n < 0`), never counting
    /// `start` itself. With `n == 0`, `start` if it is a working day, otherwise the next one, so
    /// "due within 0 working days" of a Saturday event lands on Monday rather than the weekend.
    ///
    /// Jumps over whole weeks arithmetically, then repeats the jump for however many holidays it
    /// stepped over, so the cost grows with the number of holidays crossed rather than with `n`.
    pub fn add_working_days(&self, start: Date, n: i64) -> Date {
        if n == 0 {
            return if self.is_working_day(start) { start } else { self.add_working_days(start, 1) };
        }
        let mut at = start;
        let mut remaining = n;
        while remaining > 0 {
            let next = add_weekdays(at, remaining);
            remaining -= self.working_days_after(at, next);
            at = next;
        }
        while remaining < 0 {
            let next = add_weekdays(at, remaining);
            // Working days in [next, at): the same window as (next - 1, at - 1].
            remaining += self.working_days_after(prev_day(next), prev_day(at));
            at = next;
        }
        at
    }

    /// The number of working days `d` with `a < d <= b`, negated when `b < a`. For a working day
    /// `a`, `working_days_between(a, add_working_days(a, n)) == n` for every `n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        if b < a { -self.working_days_after(b, a) } else { self.working_days_after(a, b) }
    }

    /// Every holiday in `year` after overrides, in date order, including any added on a weekend.
    pub fn holidays_in(&self, year: i32) -> Vec<BankHoliday> {
        let mut holidays: BTreeMap<Date, String> = rule_holidays(year)
            .into_iter()
            .filter(|(date, _)| !self.removed.contains(date))
            .map(|(date, name)| (date, name.to_string()))
            .collect();
        for (date, name) in self.added_in(year) {
            holidays.insert(*date, name.clone());
        }
        holidays.into_iter().map(|(date, name)| BankHoliday { date, name }).collect()
    }

    /// Working days in `(after, up_to]`, for `after <= up_to`: weekdays by arithmetic, less the
    /// holidays that fall on a weekday in the window.
    fn working_days_after(&self, after: Date, up_to: Date) -> i64 {
        let mut count = weekdays_through(up_to) - weekdays_through(after);
        for year in after.year()..=up_to.year() {
            count -= self.weekday_holiday_dates(year).into_iter().filter(|d| after < *d && *d <= up_to).count() as i64;
        }
        count
    }

    /// Holiday dates of `year` that fall Monday to Friday, each once, whether from rule or override.
    fn weekday_holiday_dates(&self, year: i32) -> BTreeSet<Date> {
        let rule = rule_holidays(year).into_iter().map(|(date, _)| date).filter(|date| !self.removed.contains(date));
        let added = self.added_in(year).map(|(date, _)| *date);
        rule.chain(added).filter(|date| !is_weekend(*date)).collect()
    }

    fn added_in(&self, year: i32) -> impl Iterator<Item = (&Date, &String)> {
        self.added.iter().filter(move |(date, _)| date.year() == year)
    }
}

/// The rule holidays without allocating, since working-day arithmetic asks for them per year.
fn rule_holidays(year: i32) -> [(Date, &'static str); 8] {
    let easter = easter_sunday(year);
    let new_year = calendar_date(year, Month::January, 1);
    let christmas = calendar_date(year, Month::December, 25);
    let boxing_day = calendar_date(year, Month::December, 26);
    let mut holidays = [
        on_weekday_or(new_year, next_monday_on_or_after(new_year), "New Year's Day", "New Year's Day (substitute day)"),
        (easter - Duration::days(2), "Good Friday"),
        (easter + Duration::days(1), "Easter Monday"),
        (next_monday_on_or_after(calendar_date(year, Month::May, 1)), "Early May bank holiday"),
        (last_monday_on_or_before(calendar_date(year, Month::May, 31)), "Spring bank holiday"),
        (last_monday_on_or_before(calendar_date(year, Month::August, 31)), "Summer bank holiday"),
        // Christmas at a weekend moves to the 27th and Boxing Day to the 28th. The two never
        // collide: when Christmas is a Sunday, Boxing Day is the Monday and stays put.
        on_weekday_or(christmas, christmas + Duration::days(2), "Christmas Day", "Christmas Day (substitute day)"),
        on_weekday_or(boxing_day, boxing_day + Duration::days(2), "Boxing Day", "Boxing Day (substitute day)"),
    ];
    // Christmas on a Sunday puts its substitute (27th) after Boxing Day (26th).
    holidays.sort_by_key(|(date, _)| *date);
    holidays
}

/// A fixed-date holiday, or its substitute when the date is a weekend. Gov.uk keeps the holiday's
/// own name on the substitute, marked as a substitute day, so people recognise it.
fn on_weekday_or(
    day: Date,
    substitute: Date,
    name: &'static str,
    substitute_name: &'static str,
) -> (Date, &'static str) {
    if is_weekend(day) { (substitute, substitute_name) } else { (day, name) }
}

fn next_monday_on_or_after(date: Date) -> Date {
    let ahead = (7 - i64::from(date.weekday().number_days_from_monday())) % 7;
    date + Duration::days(ahead)
}

fn last_monday_on_or_before(date: Date) -> Date {
    date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
}

pub fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The number of weekdays up to and including `date`, counted from a fixed Monday long ago, so
/// the difference of two calls counts the weekdays between them.
fn weekdays_through(date: Date) -> i64 {
    let from_monday = i64::from(date.weekday().number_days_from_monday());
    let monday = i64::from(date.to_julian_day()) - from_monday;
    5 * monday.div_euclid(7) + (from_monday + 1).min(5)
}

/// The `k`th weekday after `date` (`k > 0`) or before it (`k < 0`), ignoring holidays.
fn add_weekdays(date: Date, k: i64) -> Date {
    let (weeks, rest) = (k.abs() / 5, k.abs() % 5);
    let mut days = weeks * 7 + rest;
    if k > 0 {
        // From a weekend, the weekdays after it are the same as those after the Friday before.
        let from_monday = i64::from(date.weekday().number_days_from_monday()).min(4);
        if from_monday + rest > 4 {
            days += 2;
        }
        let friday_or_date = date - Duration::days(i64::from(date.weekday().number_days_from_monday()) - from_monday);
        friday_or_date + Duration::days(days)
    } else {
        // From a weekend, the weekdays before it are the same as those before the Monday after.
        let monday_or_date = next_monday_on_or_after_if_weekend(date);
        let from_monday = i64::from(monday_or_date.weekday().number_days_from_monday());
        if from_monday - rest < 0 {
            days += 2;
        }
        monday_or_date - Duration::days(days)
    }
}

fn next_monday_on_or_after_if_weekend(date: Date) -> Date {
    if is_weekend(date) { next_monday_on_or_after(date) } else { date }
}

fn prev_day(date: Date) -> Date {
    date - Duration::days(1)
}

/// Every date built here is valid by construction; only a year outside `time`'s range can fail.
fn calendar_date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).expect("a valid calendar date")
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("\"{s}\" is not a date in the form YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_in_england_go_forward_in_march_and_back_in_october() {
        use time::macros::datetime;
        let local = |t: time::OffsetDateTime| {
            let l = uk_local(t);
            (l.date(), l.hour(), l.minute())
        };
        // 2026: summer time from 29 March to 25 October, changing at 01:00 UTC.
        assert_eq!(local(datetime!(2026-03-29 00:59 UTC)), (time::macros::date!(2026 - 03 - 29), 0, 59));
        assert_eq!(local(datetime!(2026-03-29 01:00 UTC)), (time::macros::date!(2026 - 03 - 29), 2, 0));
        assert_eq!(local(datetime!(2026-07-01 23:30 UTC)), (time::macros::date!(2026 - 07 - 02), 0, 30), "a summer night is the next day");
        assert_eq!(local(datetime!(2026-10-25 00:59 UTC)), (time::macros::date!(2026 - 10 - 25), 1, 59));
        assert_eq!(local(datetime!(2026-10-25 01:00 UTC)), (time::macros::date!(2026 - 10 - 25), 1, 0));
        assert_eq!(local(datetime!(2026-12-05 14:05 UTC)), (time::macros::date!(2026 - 12 - 05), 14, 5));
    }
    use proptest::prelude::*;
    use time::macros::date;

    fn rule_dates(year: i32) -> Vec<Date> {
        bank_holidays(year).into_iter().map(|h| h.date).collect()
    }

    #[test]
    fn easter_matches_known_dates() {
        assert_eq!(easter_sunday(2019), date!(2019 - 04 - 21));
        assert_eq!(easter_sunday(2024), date!(2024 - 03 - 31));
        assert_eq!(easter_sunday(2025), date!(2025 - 04 - 20));
        assert_eq!(easter_sunday(2038), date!(2038 - 04 - 25));
        assert_eq!(easter_sunday(2000), date!(2000 - 04 - 23));
        assert_eq!(easter_sunday(1943), date!(1943 - 04 - 25));
        assert_eq!(easter_sunday(1818), date!(1818 - 03 - 22));
        assert_eq!(easter_sunday(2285), date!(2285 - 03 - 22));
    }

    #[test]
    fn rule_matches_gov_uk_for_2024_to_2027() {
        assert_eq!(
            rule_dates(2024),
            [
                date!(2024 - 01 - 01),
                date!(2024 - 03 - 29),
                date!(2024 - 04 - 01),
                date!(2024 - 05 - 06),
                date!(2024 - 05 - 27),
                date!(2024 - 08 - 26),
                date!(2024 - 12 - 25),
                date!(2024 - 12 - 26),
            ]
        );
        assert_eq!(
            rule_dates(2025),
            [
                date!(2025 - 01 - 01),
                date!(2025 - 04 - 18),
                date!(2025 - 04 - 21),
                date!(2025 - 05 - 05),
                date!(2025 - 05 - 26),
                date!(2025 - 08 - 25),
                date!(2025 - 12 - 25),
                date!(2025 - 12 - 26),
            ]
        );
        assert_eq!(
            rule_dates(2026),
            [
                date!(2026 - 01 - 01),
                date!(2026 - 04 - 03),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 04),
                date!(2026 - 05 - 25),
                date!(2026 - 08 - 31),
                date!(2026 - 12 - 25),
                date!(2026 - 12 - 28),
            ]
        );
        assert_eq!(
            rule_dates(2027),
            [
                date!(2027 - 01 - 01),
                date!(2027 - 03 - 26),
                date!(2027 - 03 - 29),
                date!(2027 - 05 - 03),
                date!(2027 - 05 - 31),
                date!(2027 - 08 - 30),
                date!(2027 - 12 - 27),
                date!(2027 - 12 - 28),
            ]
        );
    }

    #[test]
    fn substitute_days_are_named_and_placed() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(cal.is_holiday(date!(2022 - 01 - 03)), Some("New Year's Day (substitute day)"));
        assert_eq!(cal.is_holiday(date!(2022 - 01 - 01)), None);
        assert_eq!(cal.is_holiday(date!(2021 - 12 - 27)), Some("Christmas Day (substitute day)"));
        assert_eq!(cal.is_holiday(date!(2021 - 12 - 28)), Some("Boxing Day (substitute day)"));
        assert_eq!(cal.is_holiday(date!(2026 - 12 - 28)), Some("Boxing Day (substitute day)"));
        // Christmas on a Sunday: Boxing Day keeps Monday 26th, Christmas takes Tuesday 27th.
        assert_eq!(cal.is_holiday(date!(2022 - 12 - 26)), Some("Boxing Day"));
        assert_eq!(cal.is_holiday(date!(2022 - 12 - 27)), Some("Christmas Day (substitute day)"));
        assert_eq!(cal.is_holiday(date!(2024 - 12 - 25)), Some("Christmas Day"));
    }

    #[test]
    fn counting_crosses_christmas_and_the_year_end() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(cal.add_working_days(date!(2026 - 12 - 23), 3), date!(2026 - 12 - 30));
        assert_eq!(cal.add_working_days(date!(2026 - 12 - 30), 2), date!(2027 - 01 - 04));
        assert_eq!(cal.add_working_days(date!(2027 - 01 - 04), -2), date!(2026 - 12 - 30));
        assert_eq!(cal.working_days_between(date!(2026 - 12 - 23), date!(2027 - 01 - 04)), 5);
        assert_eq!(cal.working_days_between(date!(2027 - 01 - 04), date!(2026 - 12 - 23)), -5);
        assert_eq!(cal.next_working_day(date!(2026 - 12 - 24)), date!(2026 - 12 - 29));
    }

    #[test]
    fn zero_days_stays_on_a_working_day_and_moves_off_a_holiday() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(cal.add_working_days(date!(2026 - 12 - 24), 0), date!(2026 - 12 - 24));
        assert_eq!(cal.add_working_days(date!(2026 - 12 - 25), 0), date!(2026 - 12 - 29));
        assert_eq!(cal.add_working_days(date!(2025 - 04 - 19), 0), date!(2025 - 04 - 22));
    }

    #[test]
    fn known_changes_move_and_add_holidays() {
        let cal = WorkingCalendar::with_known_changes();
        assert!(cal.is_working_day(date!(2020 - 05 - 04)));
        assert_eq!(cal.is_holiday(date!(2020 - 05 - 08)), Some("Early May bank holiday (VE day)"));
        assert!(cal.is_working_day(date!(2022 - 05 - 30)));
        assert!(!cal.is_working_day(date!(2022 - 06 - 02)));
        assert!(!cal.is_working_day(date!(2022 - 06 - 03)));
        assert!(!cal.is_working_day(date!(2022 - 09 - 19)));
        assert!(!cal.is_working_day(date!(2023 - 05 - 08)));
        assert_eq!(cal.holidays_in(2022).len(), 10);
        assert_eq!(cal.holidays_in(2023).len(), 9);
        // Thursday 26 May 2022 + 5 working days skips both Jubilee days but not Monday 30 May.
        assert_eq!(cal.add_working_days(date!(2022 - 05 - 26), 5), date!(2022 - 06 - 06));
        assert_eq!(WorkingCalendar::england_and_wales().add_working_days(date!(2022 - 05 - 26), 5), date!(2022 - 06 - 03));
    }

    #[test]
    fn overrides_parse_from_settings_and_round_trip() {
        let add = parse_override(" 2027-06-07 Extra holiday ").unwrap();
        assert_eq!(add, HolidayOverride::Add { date: date!(2027 - 06 - 07), name: "Extra holiday".to_string() });
        let remove = parse_override("-2020-05-04").unwrap();
        assert_eq!(remove, HolidayOverride::Remove { date: date!(2020 - 05 - 04) });
        for o in [add, remove] {
            assert_eq!(parse_override(&o.to_string()).unwrap(), o);
        }
        for bad in ["", "2027-06-07", "2027-06-07   ", "07/06/2027 Holiday", "2027-13-01 Nope", "-", "-2020-05-04 x"] {
            assert!(parse_override(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn overrides_change_counting() {
        let cal = WorkingCalendar::new(vec![
            parse_override("2027-06-07 Extra holiday").unwrap(),
            parse_override("-2027-05-31").unwrap(),
            parse_override("2027-06-05 Saturday holiday").unwrap(),
        ]);
        assert_eq!(cal.is_holiday(date!(2027 - 06 - 07)), Some("Extra holiday"));
        assert!(cal.is_working_day(date!(2027 - 05 - 31)));
        // Friday 28 May: Mon 31 (1), Tue-Fri (2..5), Mon 7 is the extra holiday, Tue 8 (6).
        assert_eq!(cal.add_working_days(date!(2027 - 05 - 28), 6), date!(2027 - 06 - 08));
        // A holiday on a Saturday is listed but costs no working day.
        assert_eq!(cal.holidays_in(2027).len(), 9);
        assert_eq!(cal.working_days_between(date!(2027 - 06 - 04), date!(2027 - 06 - 07)), 0);
    }

    /// Step-by-day reference the fast paths are checked against.
    fn slow_add(cal: &WorkingCalendar, start: Date, n: i64) -> Date {
        let step = if n < 0 { -1 } else { 1 };
        let mut at = start;
        let mut left = n.abs();
        if n == 0 && cal.is_working_day(start) {
            return start;
        }
        left = left.max(1);
        while left > 0 {
            at += Duration::days(step);
            if cal.is_working_day(at) {
                left -= 1;
            }
        }
        at
    }

    fn any_date() -> impl Strategy<Value = Date> {
        let first = date!(1900 - 01 - 01).to_julian_day();
        let last = date!(2200 - 12 - 31).to_julian_day();
        (first..=last).prop_map(|j| Date::from_julian_day(j).unwrap())
    }

    fn any_calendar() -> impl Strategy<Value = WorkingCalendar> {
        prop_oneof![Just(WorkingCalendar::england_and_wales()), Just(WorkingCalendar::with_known_changes())]
    }

    proptest! {
        #[test]
        fn landing_day_is_a_working_day(cal in any_calendar(), d in any_date(), n in -2000i64..2000) {
            prop_assert!(cal.is_working_day(cal.add_working_days(d, n)));
        }

        #[test]
        fn between_inverts_add_from_a_working_day(cal in any_calendar(), d in any_date(), n in -2000i64..2000) {
            let start = cal.add_working_days(d, 0);
            let end = cal.add_working_days(start, n);
            prop_assert_eq!(cal.working_days_between(start, end), n);
            prop_assert_eq!(cal.add_working_days(end, -n), start);
        }

        #[test]
        fn fast_add_matches_stepping(cal in any_calendar(), d in any_date(), n in -400i64..400) {
            prop_assert_eq!(cal.add_working_days(d, n), slow_add(&cal, d, n));
        }

        #[test]
        fn between_matches_counting(cal in any_calendar(), a in any_date(), span in 0i64..800) {
            let b = a + Duration::days(span);
            let counted = (1..=span).filter(|i| cal.is_working_day(a + Duration::days(*i))).count() as i64;
            prop_assert_eq!(cal.working_days_between(a, b), counted);
            prop_assert_eq!(cal.working_days_between(b, a), -counted);
        }

        #[test]
        fn add_is_monotonic_in_n(cal in any_calendar(), d in any_date(), n in -2000i64..2000, gap in 1i64..50) {
            prop_assert!(cal.add_working_days(d, n) <= cal.add_working_days(d, n + gap));
            let start = cal.add_working_days(d, 0);
            prop_assert!(cal.add_working_days(start, n) < cal.add_working_days(start, n + gap));
        }

        #[test]
        fn every_year_has_eight_distinct_weekday_holidays(year in 1900i32..=2200) {
            let dates = rule_dates(year);
            prop_assert_eq!(dates.len(), 8);
            prop_assert!(dates.iter().all(|d| !is_weekend(*d) && d.year() == year));
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]), "not distinct and in order: {:?}", dates);
        }
    }
}
