//! Dates as every page shows them, and "today".

use time::Date;

pub use hearth_domain::text::long_date;

/// Today as a calendar in England and Wales has it (Hearth keeps UTC, whose date differs in the
/// first hour of a summer day).
pub fn today() -> Date {
    hearth_domain::calendar::uk_local(hearth_store::now()).date()
}

/// "23 November 2026 at 14:05", a moment Hearth recorded (kept in UTC) as a clock in England and
/// Wales showed it. A hearing's time is not one of these: it is the court's listed time as typed.
pub fn long_time(t: time::OffsetDateTime) -> String {
    let t = hearth_domain::calendar::uk_local(t);
    format!("{} at {:02}:{:02}", long_date(t.date()), t.hour(), t.minute())
}

/// "Mon 2 Nov 2026", for dense tables.
pub fn short_date(d: Date) -> String {
    let month = d.month().to_string();
    let weekday = d.weekday().to_string();
    format!("{} {} {} {}", &weekday[..3], d.day(), &month[..3], d.year())
}
