//! Deadlines: court-set dates are authoritative; everything else is an offset from an event,
//! counted in working days (England and Wales) or weeks. The offsets are national settings.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::LawType;
use crate::calendar::WorkingCalendar;

/// The national settings for computed deadlines. Defaults follow the service's practice; each is
/// configurable because the courts and the service change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineSettings {
    /// Intake screening done and the case with the local team, in working days from receipt.
    pub transfer_working_days: i64,
    /// The same when the referral is urgent (a local-authority referral is needed): in hours.
    pub urgent_transfer_hours: i64,
    /// Police (PNC) checks back by this working day after receipt.
    pub police_checks_working_day: i64,
    /// The safeguarding letter is due this many working days before the FHDRA.
    pub safeguarding_letter_working_days_before_fhdra: i64,
    /// Public law: initial case analysis by this working day from issue.
    pub initial_analysis_working_day: i64,
    /// Public law: the case management hearing by this working day from issue.
    pub case_management_hearing_working_day: i64,
    /// Public law: the statutory limit for the proceedings, in weeks from issue.
    pub proceedings_limit_weeks: i64,
    /// Allocation hub: allocate within this many weeks of the first hearing.
    pub allocation_target_weeks: i64,
    /// Allocation hub: and at least this many weeks before the filing date.
    pub allocation_buffer_weeks: i64,
    /// A goodbye letter to each child is due this many days after the case closes.
    pub goodbye_letter_days: i64,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        Self {
            transfer_working_days: 3,
            urgent_transfer_hours: 2,
            police_checks_working_day: 5,
            safeguarding_letter_working_days_before_fhdra: 3,
            initial_analysis_working_day: 10,
            case_management_hearing_working_day: 12,
            proceedings_limit_weeks: 26,
            allocation_target_weeks: 20,
            allocation_buffer_weeks: 8,
            goodbye_letter_days: 14,
        }
    }
}

impl DeadlineSettings {
    /// When the goodbye letter to each child is due, for a case closed on `closed_on`.
    pub fn goodbye_letter_due(&self, closed_on: Date) -> Date {
        closed_on + time::Duration::days(self.goodbye_letter_days)
    }
}

/// Why a deadline falls when it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum Basis {
    /// The court set this date.
    CourtSet,
    /// Computed from an event: "3 working days after the case was received".
    Computed { rule: String },
}

/// One deadline on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// A stable key, so a task made from this deadline is made once.
    pub key: String,
    pub label: String,
    pub due: Date,
    /// Same-day deadlines counted in hours say so here ("within 2 hours of receipt").
    pub within_hours: Option<i64>,
    pub basis: Basis,
}

/// The facts of a case that deadlines follow from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseDates {
    pub received_on: Option<Date>,
    pub urgent: bool,
    pub first_hearing_on: Option<Date>,
    pub issued_on: Option<Date>,
    /// Court-set filing dates, each with what must be filed.
    pub filing_dates: Vec<(String, Date)>,
}

/// Every deadline for a case of this law type, soonest first.
pub fn deadlines(law: LawType, dates: &CaseDates, settings: &DeadlineSettings, cal: &WorkingCalendar) -> Vec<Deadline> {
    let mut out = Vec::new();
    let computed = |key: &str, label: &str, due: Date, rule: String| Deadline {
        key: key.into(),
        label: label.into(),
        due,
        within_hours: None,
        basis: Basis::Computed { rule },
    };
    match law {
        LawType::Private => {
            if let Some(received) = dates.received_on {
                if dates.urgent {
                    out.push(Deadline {
                        within_hours: Some(settings.urgent_transfer_hours),
                        ..computed(
                            "transfer",
                            "Transfer to the local team (urgent)",
                            received,
                            format!("within {} hours of receipt", settings.urgent_transfer_hours),
                        )
                    });
                } else {
                    let n = settings.transfer_working_days;
                    out.push(computed("transfer", "Transfer to the local team", cal.add_working_days(received, n), working_days_after(n, "the case was received")));
                }
                let n = settings.police_checks_working_day;
                out.push(computed("police_checks", "Police checks back", cal.add_working_days(received, n), format!("working day {n} after receipt")));
            }
            if let Some(fhdra) = dates.first_hearing_on {
                let n = settings.safeguarding_letter_working_days_before_fhdra;
                out.push(computed(
                    "safeguarding_letter",
                    "Safeguarding letter to court",
                    cal.add_working_days(fhdra, -n),
                    format!("{n} working day{} before the first hearing", if n == 1 { "" } else { "s" }),
                ));
                out.push(Deadline { key: "fhdra".into(), label: "First hearing (FHDRA)".into(), due: fhdra, within_hours: None, basis: Basis::CourtSet });
            }
        }
        LawType::Public => {
            if let Some(issued) = dates.issued_on {
                let n = settings.initial_analysis_working_day;
                out.push(computed("initial_case_analysis", "Initial case analysis", cal.add_working_days(issued, n), format!("working day {n} from issue")));
                let n = settings.case_management_hearing_working_day;
                out.push(computed("case_management_hearing", "Case management hearing", cal.add_working_days(issued, n), format!("working day {n} from issue")));
                let w = settings.proceedings_limit_weeks;
                out.push(computed("proceedings_limit", &format!("{w}-week limit for the proceedings"), issued + Duration::weeks(w), format!("{w} weeks from issue")));
            }
        }
    }
    for (i, (what, due)) in dates.filing_dates.iter().enumerate() {
        out.push(Deadline { key: format!("filing:{i}:{due}"), label: format!("File {what}"), due: *due, within_hours: None, basis: Basis::CourtSet });
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.key.cmp(&b.key)));
    out
}

fn working_days_after(n: i64, event: &str) -> String {
    format!("{n} working day{} after {event}", if n == 1 { "" } else { "s" })
}

/// How a deadline stands today, for the tag beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    DueToday,
    DueSoon,
    Later,
}

impl Urgency {
    /// "Soon" is within five working days.
    pub fn of(due: Date, today: Date, cal: &WorkingCalendar) -> Self {
        if due < today {
            Urgency::Overdue
        } else if due == today {
            Urgency::DueToday
        } else if cal.working_days_between(today, due) <= 5 {
            Urgency::DueSoon
        } else {
            Urgency::Later
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Overdue",
            Urgency::DueToday => "Due today",
            Urgency::DueSoon => "Due soon",
            Urgency::Later => "Upcoming",
        }
    }

    /// The GOV.UK tag colour; the label always carries the meaning too.
    pub fn colour(self) -> &'static str {
        match self {
            Urgency::Overdue => "red",
            Urgency::DueToday => "orange",
            Urgency::DueSoon => "yellow",
            Urgency::Later => "grey",
        }
    }
}

/// The allocation hub's target date for a private case waiting for allocation: within the target
/// weeks of the first hearing, and at least the buffer before the filing date, whichever is sooner.
pub fn allocation_target(first_hearing_on: Option<Date>, filing_date: Option<Date>, settings: &DeadlineSettings) -> Option<Date> {
    let by_target = first_hearing_on.map(|d| d + Duration::weeks(settings.allocation_target_weeks));
    let by_filing = filing_date.map(|d| d - Duration::weeks(settings.allocation_buffer_weeks));
    match (by_target, by_filing) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn private_law_deadlines_follow_receipt_and_the_first_hearing() {
        let cal = WorkingCalendar::england_and_wales();
        let dates = CaseDates {
            // Monday 21 December 2026: Christmas and the Boxing Day substitute fall inside.
            received_on: Some(date!(2026 - 12 - 21)),
            first_hearing_on: Some(date!(2027 - 01 - 27)),
            ..Default::default()
        };
        let d = deadlines(LawType::Private, &dates, &DeadlineSettings::default(), &cal);
        let due = |k: &str| d.iter().find(|x| x.key == k).unwrap().due;
        assert_eq!(due("transfer"), date!(2026 - 12 - 24));
        // 22, 23, 24, 29, 30 December (25 and 28 are bank holidays).
        assert_eq!(due("police_checks"), date!(2026 - 12 - 30));
        assert_eq!(due("safeguarding_letter"), date!(2027 - 01 - 22));
        assert_eq!(d.iter().find(|x| x.key == "fhdra").unwrap().basis, Basis::CourtSet);
        assert!(d.windows(2).all(|w| w[0].due <= w[1].due), "soonest first");
    }

    #[test]
    fn an_urgent_referral_is_due_within_hours_the_same_day() {
        let cal = WorkingCalendar::england_and_wales();
        let dates = CaseDates { received_on: Some(date!(2026 - 11 - 23)), urgent: true, ..Default::default() };
        let d = deadlines(LawType::Private, &dates, &DeadlineSettings::default(), &cal);
        let t = d.iter().find(|x| x.key == "transfer").unwrap();
        assert_eq!((t.due, t.within_hours), (date!(2026 - 11 - 23), Some(2)));
    }

    #[test]
    fn public_law_counts_from_issue() {
        let cal = WorkingCalendar::england_and_wales();
        let dates = CaseDates {
            issued_on: Some(date!(2026 - 11 - 02)),
            filing_dates: vec![("the final analysis".into(), date!(2027 - 03 - 01))],
            ..Default::default()
        };
        let d = deadlines(LawType::Public, &dates, &DeadlineSettings::default(), &cal);
        let due = |k: &str| d.iter().find(|x| x.key.starts_with(k)).unwrap().due;
        assert_eq!(due("initial_case_analysis"), date!(2026 - 11 - 16));
        assert_eq!(due("case_management_hearing"), date!(2026 - 11 - 18));
        assert_eq!(due("proceedings_limit"), date!(2027 - 05 - 03));
        assert_eq!(due("filing"), date!(2027 - 03 - 01));
    }

    #[test]
    fn urgency_reads_against_today() {
        let cal = WorkingCalendar::england_and_wales();
        let today = date!(2026 - 11 - 23);
        assert_eq!(Urgency::of(date!(2026 - 11 - 20), today, &cal), Urgency::Overdue);
        assert_eq!(Urgency::of(today, today, &cal), Urgency::DueToday);
        assert_eq!(Urgency::of(date!(2026 - 11 - 30), today, &cal), Urgency::DueSoon);
        assert_eq!(Urgency::of(date!(2026 - 12 - 14), today, &cal), Urgency::Later);
    }

    #[test]
    fn the_allocation_target_is_the_sooner_of_the_two() {
        let s = DeadlineSettings::default();
        assert_eq!(allocation_target(Some(date!(2026 - 01 - 05)), None, &s), Some(date!(2026 - 05 - 25)));
        assert_eq!(allocation_target(Some(date!(2026 - 01 - 05)), Some(date!(2026 - 06 - 01)), &s), Some(date!(2026 - 04 - 06)));
        assert_eq!(allocation_target(None, None, &s), None);
    }
}
