//! People and performance: how often each person is supervised, when the next supervision is due,
//! the agenda a supervision starts from, and what a supervision record must hold.
//!
//! Supervision is about the cases: each case discussed gets a reflection and a decision, which
//! the store writes into that case's chronology as management oversight. The wellbeing and
//! development parts are the worker's own, and never reach a case file.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

pub mod appraisal;
pub mod expenses;
pub mod group;
pub mod improvement;
pub mod induction;
pub mod leave;
pub mod meetings;
pub mod pulse;
pub mod sickness;
pub mod training;

/// National settings for supervision (`[supervision]` in hearth.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisionSettings {
    /// Weeks between supervisions while someone is new (see `new_for_months`) or on an
    /// improvement plan.
    pub early_weeks: i64,
    /// Weeks between supervisions otherwise: a quarter.
    pub standard_weeks: i64,
    /// How long after starting, or after qualifying, someone counts as new.
    pub new_for_months: i64,
    /// A supervision is "due soon" this many days before it is due.
    pub due_soon_days: i64,
    /// Weeks of a case's chronology without an entry before the agenda raises it.
    pub quiet_weeks: i64,
    /// Weeks ahead the agenda looks for deadlines and hearings.
    pub look_ahead_weeks: i64,
    /// Working days the worker has to acknowledge a record before it shows as not acknowledged.
    pub acknowledge_working_days: i64,
}

impl Default for SupervisionSettings {
    fn default() -> Self {
        Self { early_weeks: 6, standard_weeks: 13, new_for_months: 12, due_soon_days: 14, quiet_weeks: 4, look_ahead_weeks: 4, acknowledge_working_days: 10 }
    }
}

impl SupervisionSettings {
    pub fn validate(&self) -> Result<(), String> {
        let weeks = 1..=52;
        if !weeks.contains(&self.early_weeks) || !weeks.contains(&self.standard_weeks) {
            return Err("early_weeks and standard_weeks must each be from 1 to 52".into());
        }
        if self.early_weeks > self.standard_weeks {
            return Err("early_weeks must not be more than standard_weeks: new starters are supervised more often".into());
        }
        if !(0..=60).contains(&self.new_for_months) || !(0..=60).contains(&self.due_soon_days) || !(1..=26).contains(&self.quiet_weeks) || !(1..=26).contains(&self.look_ahead_weeks) {
            return Err("new_for_months and due_soon_days must be from 0 to 60, quiet_weeks and look_ahead_weeks from 1 to 26".into());
        }
        if !(1..=60).contains(&self.acknowledge_working_days) {
            return Err("acknowledge_working_days must be from 1 to 60".into());
        }
        Ok(())
    }
}

/// How often someone is supervised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Every few weeks: new to the service or to practice, or on an improvement plan.
    Early,
    /// Every quarter.
    Standard,
}

impl Cadence {
    pub fn weeks(self, s: &SupervisionSettings) -> i64 {
        match self {
            Cadence::Early => s.early_weeks,
            Cadence::Standard => s.standard_weeks,
        }
    }

    pub fn label(self, s: &SupervisionSettings) -> String {
        match self {
            Cadence::Early => format!("Every {} weeks", s.early_weeks),
            Cadence::Standard if s.standard_weeks == 13 => "Every quarter".into(),
            Cadence::Standard => format!("Every {} weeks", s.standard_weeks),
        }
    }
}

/// What decides someone's cadence.
#[derive(Debug, Clone, Copy)]
pub struct SupervisionFacts {
    pub started_on: Date,
    pub qualified_on: Option<Date>,
    pub improvement_plan: bool,
    /// The date of their last supervision, if they have had one.
    pub last_held_on: Option<Date>,
}

/// The later of starting and qualifying, plus `months`: until then someone is new.
fn new_until(f: &SupervisionFacts, months: i64) -> Date {
    let from = f.qualified_on.map_or(f.started_on, |q| q.max(f.started_on));
    add_months(from, months)
}

pub fn add_months(d: Date, months: i64) -> Date {
    let total = d.year() as i64 * 12 + (d.month() as i64 - 1) + months;
    let (year, month) = (total.div_euclid(12) as i32, time::Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January));
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// Every six weeks while new (the first months after starting or qualifying, whichever is later)
/// or on an improvement plan; every quarter otherwise.
pub fn cadence(f: &SupervisionFacts, today: Date, s: &SupervisionSettings) -> Cadence {
    if f.improvement_plan || today < new_until(f, s.new_for_months) { Cadence::Early } else { Cadence::Standard }
}

/// Where someone's next supervision stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Due {
    Later { on: Date },
    Soon { on: Date },
    Overdue { on: Date, days: i64 },
}

impl Due {
    pub fn on(self) -> Date {
        match self {
            Due::Later { on } | Due::Soon { on } | Due::Overdue { on, .. } => on,
        }
    }

    pub fn overdue(self) -> bool {
        matches!(self, Due::Overdue { .. })
    }
}

/// The next supervision is one cadence after the last, or after starting for someone never
/// supervised. It is due soon within `due_soon_days`, overdue the day after it was due.
pub fn next_due(f: &SupervisionFacts, today: Date, s: &SupervisionSettings) -> Due {
    let weeks = cadence(f, today, s).weeks(s);
    let on = f.last_held_on.unwrap_or(f.started_on) + Duration::weeks(weeks);
    if today > on {
        Due::Overdue { on, days: (today - on).whole_days() }
    } else if (on - today).whole_days() <= s.due_soon_days {
        Due::Soon { on }
    } else {
        Due::Later { on }
    }
}

/// How someone's supervisions held since `since` kept to time: (held on time, held). Each was
/// due one cadence after the one before it (or after starting, for the first), the cadence being
/// the one that applied on that day: six weeks while new or on an improvement plan (`plans`:
/// each plan's opening day and, once closed, its closing day), a quarter otherwise. `held` is in
/// date order and may start before `since`, so the first one counted knows its predecessor.
pub fn held_on_time(started_on: Date, qualified_on: Option<Date>, plans: &[(Date, Option<Date>)], held: &[Date], since: Date, s: &SupervisionSettings) -> (usize, usize) {
    let mut previous: Option<Date> = None;
    let (mut on_time, mut counted) = (0, 0);
    for &h in held {
        if h >= since {
            let from = previous.unwrap_or(started_on);
            let improvement_plan = plans.iter().any(|(opened, closed)| *opened <= from && closed.is_none_or(|c| c > from));
            let f = SupervisionFacts { started_on, qualified_on, improvement_plan, last_held_on: previous };
            counted += 1;
            if h <= next_due(&f, from, s).on() {
                on_time += 1;
            }
        }
        previous = Some(h);
    }
    (on_time, counted)
}

/// A record not acknowledged more than `acknowledge_working_days` working days after it was
/// recorded shows as such, to the worker and their manager.
pub fn acknowledgement_late(recorded_on: Date, acknowledged: bool, today: Date, s: &SupervisionSettings, calendar: &crate::calendar::WorkingCalendar) -> bool {
    !acknowledged && today > calendar.add_working_days(recorded_on, s.acknowledge_working_days)
}

// ---- The agenda ----

/// What the agenda knows of one of the worker's open cases.
#[derive(Debug, Clone)]
pub struct CaseOversight {
    pub case_id: Uuid,
    pub reference: String,
    pub overdue_tasks: i64,
    /// The next hearing or unfiled filing date from today on.
    pub next_deadline: Option<Date>,
    pub domestic_abuse: bool,
    pub urgent: bool,
    /// The newest chronology entry's date; none for a case with no entries yet.
    pub last_entry_on: Option<Date>,
    pub received_on: Date,
    /// Court work returned with comments, or graded below good, since the last supervision.
    pub work_returned: i64,
}

/// Why a case is on the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    OverdueTasks { count: i64 },
    DeadlineSoon { on: Date },
    DomesticAbuse,
    Urgent,
    Quiet { since: Date },
    WorkReturned { count: i64 },
}

impl Reason {
    pub fn words(&self) -> String {
        match self {
            Reason::OverdueTasks { count: 1 } => "1 task overdue".into(),
            Reason::OverdueTasks { count } => format!("{count} tasks overdue"),
            Reason::DeadlineSoon { on } => format!("Court date {}", crate::text::long_date(*on)),
            Reason::DomesticAbuse => "Domestic abuse".into(),
            Reason::Urgent => "Urgent".into(),
            Reason::Quiet { since } => format!("No chronology entry since {}", crate::text::long_date(*since)),
            Reason::WorkReturned { count: 1 } => "Court work returned or graded below good".into(),
            Reason::WorkReturned { count } => format!("{count} pieces of court work returned or graded below good"),
        }
    }
}

/// A case the agenda raises, with every reason.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaItem {
    pub case_id: Uuid,
    pub reference: String,
    pub reasons: Vec<Reason>,
}

/// The cases a supervision should discuss, most reasons first (then the soonest court date), and
/// the cases with nothing to raise, which the manager can still choose.
pub fn agenda(cases: &[CaseOversight], today: Date, s: &SupervisionSettings) -> (Vec<AgendaItem>, Vec<AgendaItem>) {
    let ahead = today + Duration::weeks(s.look_ahead_weeks);
    let quiet_before = today - Duration::weeks(s.quiet_weeks);
    let mut raised = vec![];
    let mut rest = vec![];
    for c in cases {
        let mut reasons = vec![];
        if c.overdue_tasks > 0 {
            reasons.push(Reason::OverdueTasks { count: c.overdue_tasks });
        }
        if let Some(on) = c.next_deadline.filter(|d| *d >= today && *d <= ahead) {
            reasons.push(Reason::DeadlineSoon { on });
        }
        if c.domestic_abuse {
            reasons.push(Reason::DomesticAbuse);
        }
        if c.urgent {
            reasons.push(Reason::Urgent);
        }
        let since = c.last_entry_on.unwrap_or(c.received_on);
        if since < quiet_before {
            reasons.push(Reason::Quiet { since });
        }
        if c.work_returned > 0 {
            reasons.push(Reason::WorkReturned { count: c.work_returned });
        }
        let item = AgendaItem { case_id: c.case_id, reference: c.reference.clone(), reasons };
        if item.reasons.is_empty() { rest.push((item, c.next_deadline)) } else { raised.push((item, c.next_deadline)) }
    }
    raised.sort_by(|(a, da), (b, db)| b.reasons.len().cmp(&a.reasons.len()).then(da.unwrap_or(Date::MAX).cmp(&db.unwrap_or(Date::MAX))).then(a.reference.cmp(&b.reference)));
    rest.sort_by(|(a, _), (b, _)| a.reference.cmp(&b.reference));
    (raised.into_iter().map(|(i, _)| i).collect(), rest.into_iter().map(|(i, _)| i).collect())
}

// ---- The record ----

/// One case discussed: the manager's reflection and decision, and an action for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    pub case_id: Uuid,
    pub reflection: String,
    pub decision: String,
    pub action: Option<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub due_on: Option<Date>,
}

/// A supervision as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupervision {
    pub held_on: Date,
    pub discussions: Vec<Discussion>,
    /// Private to the worker, their line chain and HR: never written to a case.
    pub wellbeing: String,
    pub development: String,
}

/// What a manager typed for one case, before it is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DiscussionForm {
    pub case_id: String,
    pub reflection: String,
    pub decision: String,
    pub action: String,
    pub action_due: String,
}

/// What a manager typed, before it is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SupervisionForm {
    pub held_on: String,
    pub discussions: Vec<DiscussionForm>,
    pub wellbeing: String,
    pub development: String,
}

/// The most cases one supervision discusses: a supervision is a conversation, not an audit.
pub const MOST_CASES: usize = 30;

/// The field a case's part of the form is named by: `reflection-{case}` and so on.
pub fn case_field(part: &str, case_id: &str) -> String {
    format!("{part}-{case_id}")
}

impl SupervisionForm {
    /// Checks every field, naming each that is wrong. A supervision is held on a real date, not
    /// in the future nor before the worker started; each case discussed has a reflection and a
    /// decision; an action has a title, and its due date is on or after the day it was held.
    pub fn validate(&self, started_on: Date, today: Date) -> Result<NewSupervision, FieldErrors> {
        let mut c = Collect::default();
        let held_on = c.keep(crate::org::parse_date("held_on", "the date it was held", &self.held_on).and_then(|d| {
            if d > today {
                Err(FieldError::new("held_on", "The date it was held must be today or in the past"))
            } else if d < started_on {
                Err(FieldError::new("held_on", "The date it was held must be on or after the day they started"))
            } else {
                Ok(d)
            }
        }));
        if self.discussions.len() > MOST_CASES {
            c.push(FieldError::new("discussions", format!("Discuss {MOST_CASES} cases or fewer in one supervision")));
        }
        let mut discussions = vec![];
        let mut seen = std::collections::HashSet::new();
        for d in &self.discussions {
            let Ok(case_id) = Uuid::parse_str(d.case_id.trim()) else {
                c.push(FieldError::new("discussions", "Choose cases from the list"));
                continue;
            };
            if !seen.insert(case_id) {
                continue;
            }
            let id = case_id.to_string();
            let reflection = c.keep(crate::text::required(case_field("reflection", &id), "your reflection on the case", &d.reflection, 5_000));
            let decision = c.keep(crate::text::required(case_field("decision", &id), "the decision", &d.decision, 2_000));
            let action = match (d.action.trim(), d.action_due.trim()) {
                ("", "") => Some(None),
                ("", _) => {
                    c.push(FieldError::new(case_field("action", &id), "Say what the action is, or clear its date"));
                    None
                }
                (title, due) => {
                    let title = c.keep(crate::text::required(case_field("action", &id), "the action", title, 150));
                    let due = match due {
                        "" => Some(None),
                        v => c.keep(crate::org::parse_date(case_field("action_due", &id), "the date the action is due", v).and_then(|d| match held_on {
                            Some(h) if d < h => Err(FieldError::new(case_field("action_due", &id), "The action's due date must be on or after the supervision")),
                            _ => Ok(Some(d)),
                        })),
                    };
                    title.zip(due).map(|(title, due_on)| Some(Action { title, due_on }))
                }
            };
            if let (Some(reflection), Some(decision), Some(action)) = (reflection, decision, action) {
                discussions.push(Discussion { case_id, reflection, decision, action });
            }
        }
        let wellbeing = c.keep(crate::text::optional("wellbeing", "wellbeing and support", &self.wellbeing, 5_000));
        let development = c.keep(crate::text::optional("development", "learning and development", &self.development, 5_000));
        match (held_on, wellbeing, development) {
            (Some(held_on), Some(wellbeing), Some(development)) if c.is_empty() => Ok(NewSupervision { held_on, discussions, wellbeing, development }),
            _ => Err(c.0),
        }
    }
}

// ---- Changing a record ----

/// May a supervision recorded at `recorded_at` still be changed in place? For as long as a case
/// note may (its oversight entries are case notes), and only while the worker has not
/// acknowledged it: they acknowledged what they read. After that, only an addendum.
pub fn supervision_editable(recorded_at: OffsetDateTime, acknowledged: bool, now: OffsetDateTime) -> bool {
    !acknowledged && crate::cases::note_editable(recorded_at, now)
}

/// A change to a record, checked: each discussed case's reflection and decision, and the
/// private parts. The date, the cases chosen and their actions stay as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub discussions: Vec<(Uuid, String, String)>,
    pub wellbeing: String,
    pub development: String,
}

/// What a manager typed when changing a record, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct RevisionForm {
    /// (case, reflection, decision) for each case the record discussed.
    pub discussions: Vec<(Uuid, String, String)>,
    pub wellbeing: String,
    pub development: String,
}

impl RevisionForm {
    /// The same checks, and the same field names, as recording it.
    pub fn validate(&self) -> Result<Revision, FieldErrors> {
        let mut c = Collect::default();
        let mut discussions = vec![];
        for (case_id, reflection, decision) in &self.discussions {
            let id = case_id.to_string();
            let reflection = c.keep(crate::text::required(case_field("reflection", &id), "your reflection on the case", reflection, 5_000));
            let decision = c.keep(crate::text::required(case_field("decision", &id), "the decision", decision, 2_000));
            if let (Some(r), Some(d)) = (reflection, decision) {
                discussions.push((*case_id, r, d));
            }
        }
        let wellbeing = c.keep(crate::text::optional("wellbeing", "wellbeing and support", &self.wellbeing, 5_000));
        let development = c.keep(crate::text::optional("development", "learning and development", &self.development, 5_000));
        match (wellbeing, development) {
            (Some(wellbeing), Some(development)) if c.is_empty() => Ok(Revision { discussions, wellbeing, development }),
            _ => Err(c.0),
        }
    }
}

/// An addendum to a record, checked.
pub fn addendum_text(text: &str) -> Result<String, FieldError> {
    crate::text::required("addendum", "the addendum", text, 5_000)
}

/// The chronology entry a discussion becomes: the decision leads, the reflection follows.
pub fn oversight_entry(d: &Discussion, manager: &str, held_on: Date) -> (String, String) {
    let summary = format!("Management oversight in supervision: {}", first_line(&d.decision, 120));
    let mut body = format!("Supervision with {manager} on {}.\n\nReflection: {}\n\nDecision: {}", crate::text::long_date(held_on), d.reflection, d.decision);
    if let Some(a) = &d.action {
        body.push_str(&format!("\n\nAction: {}{}", a.title, a.due_on.map(|on| format!(", by {}", crate::text::long_date(on))).unwrap_or_default()));
    }
    (summary, body)
}

fn first_line(text: &str, most: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= most { line.to_string() } else { format!("{}…", line.chars().take(most - 1).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn facts(started_on: Date, qualified_on: Option<Date>, last: Option<Date>) -> SupervisionFacts {
        SupervisionFacts { started_on, qualified_on, improvement_plan: false, last_held_on: last }
    }

    #[test]
    fn new_starters_and_the_newly_qualified_are_supervised_every_six_weeks_then_quarterly() {
        let s = SupervisionSettings::default();
        let today = date!(2026 - 12 - 05);
        assert_eq!(cadence(&facts(date!(2026 - 03 - 01), None, None), today, &s), Cadence::Early, "started nine months ago");
        assert_eq!(cadence(&facts(date!(2020 - 03 - 01), None, None), today, &s), Cadence::Standard);
        assert_eq!(cadence(&facts(date!(2020 - 03 - 01), Some(date!(2026 - 01 - 10)), None), today, &s), Cadence::Early, "qualified under a year ago");
        assert_eq!(cadence(&facts(date!(2025 - 12 - 05), None, None), today, &s), Cadence::Standard, "twelve months to the day");
        let plan = SupervisionFacts { improvement_plan: true, ..facts(date!(2015 - 01 - 01), None, None) };
        assert_eq!(cadence(&plan, today, &s), Cadence::Early, "an improvement plan");
    }

    #[test]
    fn the_next_supervision_is_one_cadence_after_the_last() {
        let s = SupervisionSettings::default();
        let f = facts(date!(2015 - 01 - 01), None, Some(date!(2026 - 09 - 01)));
        assert_eq!(next_due(&f, date!(2026 - 10 - 01), &s), Due::Later { on: date!(2026 - 12 - 01) });
        assert_eq!(next_due(&f, date!(2026 - 11 - 17), &s), Due::Soon { on: date!(2026 - 12 - 01) });
        assert_eq!(next_due(&f, date!(2026 - 12 - 01), &s), Due::Soon { on: date!(2026 - 12 - 01) }, "due today is not yet overdue");
        assert_eq!(next_due(&f, date!(2026 - 12 - 05), &s), Due::Overdue { on: date!(2026 - 12 - 01), days: 4 });
        let never = facts(date!(2026 - 11 - 01), None, None);
        assert_eq!(next_due(&never, date!(2026 - 11 - 02), &s).on(), date!(2026 - 12 - 13), "six weeks after starting");
    }

    #[test]
    fn the_agenda_raises_cases_with_something_to_discuss_most_reasons_first() {
        let s = SupervisionSettings::default();
        let today = date!(2026 - 12 - 05);
        let case = |r: &str| CaseOversight {
            case_id: Uuid::now_v7(),
            reference: r.into(),
            overdue_tasks: 0,
            next_deadline: None,
            domestic_abuse: false,
            urgent: false,
            last_entry_on: Some(today),
            received_on: date!(2026 - 01 - 01),
            work_returned: 0,
        };
        let calm = case("C1");
        let busy = CaseOversight { overdue_tasks: 2, domestic_abuse: true, next_deadline: Some(date!(2026 - 12 - 20)), ..case("C2") };
        let quiet = CaseOversight { last_entry_on: Some(date!(2026 - 10 - 01)), ..case("C3") };
        let far = CaseOversight { next_deadline: Some(date!(2027 - 03 - 01)), ..case("C4") };
        let (raised, rest) = agenda(&[calm, busy, quiet, far], today, &s);
        assert_eq!(raised.iter().map(|i| i.reference.as_str()).collect::<Vec<_>>(), ["C2", "C3"]);
        assert_eq!(raised[0].reasons, [Reason::OverdueTasks { count: 2 }, Reason::DeadlineSoon { on: date!(2026 - 12 - 20) }, Reason::DomesticAbuse]);
        assert_eq!(raised[1].reasons, [Reason::Quiet { since: date!(2026 - 10 - 01) }]);
        assert_eq!(rest.iter().map(|i| i.reference.as_str()).collect::<Vec<_>>(), ["C1", "C4"], "a court date beyond four weeks is not raised");
    }

    #[test]
    fn a_record_left_unacknowledged_for_ten_working_days_shows_as_such() {
        let s = SupervisionSettings::default();
        let calendar = crate::calendar::WorkingCalendar::england_and_wales();
        // Recorded on Monday 16 November 2026: ten working days on is Monday 30 November.
        let recorded = date!(2026 - 11 - 16);
        assert!(!acknowledgement_late(recorded, false, date!(2026 - 11 - 30), &s, &calendar));
        assert!(acknowledgement_late(recorded, false, date!(2026 - 12 - 01), &s, &calendar));
        assert!(!acknowledgement_late(recorded, true, date!(2026 - 12 - 01), &s, &calendar), "acknowledged is never late");
        // Christmas and Boxing Day are not working days: a record of 21 December has until 6 January.
        assert!(!acknowledgement_late(date!(2026 - 12 - 21), false, date!(2027 - 01 - 06), &s, &calendar));
    }

    fn form(held_on: &str, discussions: Vec<DiscussionForm>) -> SupervisionForm {
        SupervisionForm { held_on: held_on.into(), discussions, ..Default::default() }
    }

    #[test]
    fn a_supervision_names_every_field_that_is_wrong() {
        let today = date!(2026 - 12 - 05);
        let started = date!(2020 - 01 - 01);
        let case = Uuid::now_v7().to_string();
        let ok = form("2026-12-04", vec![DiscussionForm { case_id: case.clone(), reflection: "Progress with contact".into(), decision: "Continue the plan".into(), action: "Visit the child".into(), action_due: "2026-12-18".into() }]);
        let s = ok.validate(started, today).unwrap();
        assert_eq!(s.discussions[0].action, Some(Action { title: "Visit the child".into(), due_on: Some(date!(2026 - 12 - 18)) }));
        let bad = form("2026-12-09", vec![DiscussionForm { case_id: case.clone(), reflection: " ".into(), decision: "".into(), action: "".into(), action_due: "2026-12-18".into() }]);
        let fields: Vec<String> = bad.validate(started, today).unwrap_err().into_iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["held_on".to_string(), format!("reflection-{case}"), format!("decision-{case}"), format!("action-{case}")]);
        let early = form("2019-12-31", vec![]);
        assert!(early.validate(started, today).is_err(), "before they started");
        let stranger = form("2026-12-04", vec![DiscussionForm { case_id: "not-a-case".into(), ..Default::default() }]);
        assert_eq!(stranger.validate(started, today).unwrap_err()[0].field, "discussions");
    }

    #[test]
    fn each_supervision_held_is_on_time_against_the_cadence_of_its_day() {
        let s = SupervisionSettings::default();
        let started = date!(2015 - 01 - 01);
        // Quarterly (13 weeks, 91 days): 1 Jan to 1 Apr is 90 days (on time), 1 Apr to 1 Aug is 122 (late).
        let held = [date!(2026 - 01 - 01), date!(2026 - 04 - 01), date!(2026 - 08 - 01)];
        assert_eq!(held_on_time(started, None, &[], &held, date!(2026 - 03 - 01), &s), (1, 2), "the January one only sets the clock");
        // On an improvement plan from March to June, the April one was due six weeks after January: late.
        let plans = [(date!(2025 - 12 - 15), Some(date!(2026 - 06 - 30)))];
        assert_eq!(held_on_time(started, None, &plans, &held, date!(2026 - 03 - 01), &s), (0, 2));
        // A new starter's first is due six weeks after starting.
        let new = date!(2026 - 09 - 01);
        assert_eq!(held_on_time(new, None, &[], &[date!(2026 - 10 - 10), date!(2026 - 12 - 01)], new, &s), (1, 2), "forty days, then fifty-two");
    }

    #[test]
    fn a_record_is_changed_for_24_hours_until_acknowledged_then_only_by_addendum() {
        let at = time::macros::datetime!(2026-12-04 10:00 UTC);
        assert!(supervision_editable(at, false, at + Duration::hours(23)));
        assert!(!supervision_editable(at, false, at + Duration::hours(24)), "a day on");
        assert!(!supervision_editable(at, true, at + Duration::hours(1)), "acknowledged");
        let case = Uuid::from_u128(7);
        let form = RevisionForm { discussions: vec![(case, "Reflection".into(), " ".into())], ..Default::default() };
        assert_eq!(form.validate().unwrap_err()[0].field, format!("decision-{case}"), "the same field names as recording it");
        assert_eq!(addendum_text("  ").unwrap_err().field, "addendum");
    }

    proptest! {
        /// Whatever the dates, the next supervision falls within one cadence of the last (or of
        /// starting), and nobody new is on the quarterly cadence.
        #[test]
        fn the_next_supervision_is_never_more_than_one_cadence_away(start in 0i64..4000, last in proptest::option::of(0i64..4000), today in 0i64..5000, qualified in proptest::option::of(0i64..4000)) {
            let s = SupervisionSettings::default();
            let base = date!(2014 - 01 - 01);
            let started_on = base + Duration::days(start);
            let f = SupervisionFacts { started_on, qualified_on: qualified.map(|q| base + Duration::days(q)), improvement_plan: false, last_held_on: last.map(|l| base + Duration::days(l)) };
            let today = base + Duration::days(today);
            let due = next_due(&f, today, &s);
            let from = f.last_held_on.unwrap_or(started_on);
            prop_assert!((due.on() - from).whole_days() == 7 * s.early_weeks || (due.on() - from).whole_days() == 7 * s.standard_weeks);
            if today < started_on + Duration::days(365) {
                prop_assert_eq!(cadence(&f, today, &s), Cadence::Early);
            }
            prop_assert_eq!(due.overdue(), today > due.on());
        }
    }
}
