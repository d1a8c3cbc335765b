//! Induction: the national template of a new starter's first weeks (shadowing, court visits,
//! learning Hearth, reading the policies), copied into a plan for each starter with a named
//! mentor buddy, and the office-first expectation while they are new.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// What a step of induction is.
    StepKind {
        Meeting = "meeting", "Meeting";
        Shadowing = "shadowing", "Shadowing";
        CourtVisit = "court_visit", "Court visit";
        SystemTraining = "system_training", "Learning Hearth";
        PolicyReading = "policy_reading", "Policy reading";
    }
}

/// The induction template Hearth ships with: (week, kind, step). National administrators edit it
/// (each save a new version); until the first save, plans are copied from this. A plan is copied
/// when it is made, so a later change to the template never rewrites a plan under way.
pub const TEMPLATE: &[(i64, StepKind, &str)] = &[
    (1, StepKind::Meeting, "Meet your manager and your mentor buddy; agree your office days"),
    (1, StepKind::SystemTraining, "Sign in to Hearth, set up your second factor, and find your way round My Work"),
    (1, StepKind::PolicyReading, "Read and confirm the domestic abuse practice policy"),
    (1, StepKind::PolicyReading, "Read and confirm the information security policy"),
    (2, StepKind::Shadowing, "Shadow your mentor on two first calls to parents"),
    (2, StepKind::SystemTraining, "Complete the safeguarding and data protection modules"),
    (3, StepKind::CourtVisit, "Attend a first hearing dispute resolution appointment with your mentor"),
    (3, StepKind::Shadowing, "Shadow a home visit and a meeting with a child"),
    (4, StepKind::SystemTraining, "Draft a practice safeguarding letter in Hearth and have your mentor read it"),
    (4, StepKind::CourtVisit, "Attend a final hearing and hear a family court adviser give evidence"),
    (5, StepKind::Shadowing, "Co-work a section 7 report with your mentor"),
    (6, StepKind::Meeting, "Review your induction with your manager; agree your first allocation"),
];

/// Why someone is expected in the office more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeFirst {
    NewStarter,
    ImprovementPlan,
}

/// The days My People looks back over for office days: four weeks.
pub const OFFICE_WINDOW_DAYS: i64 = 28;

/// National settings for induction (`[induction]` in hearth.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InductionSettings {
    /// Days a week a new starter (or anyone on an improvement plan) is expected in the office.
    pub office_days_per_week: i64,
    /// For how many months after starting.
    pub office_first_months: i64,
    /// How long the mentor's mentoring duty counts against their capacity.
    pub mentoring_months: i64,
}

impl Default for InductionSettings {
    fn default() -> Self {
        Self { office_days_per_week: 3, office_first_months: 6, mentoring_months: 6 }
    }
}

impl InductionSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(0..=5).contains(&self.office_days_per_week) || !(0..=24).contains(&self.office_first_months) || !(1..=24).contains(&self.mentoring_months) {
            return Err("office_days_per_week must be from 0 to 5, office_first_months from 0 to 24 and mentoring_months from 1 to 24".into());
        }
        Ok(())
    }

    /// The last day a starter who started on `started_on` is expected in the office more.
    pub fn office_first_until(&self, started_on: Date) -> Date {
        super::add_months(started_on, self.office_first_months)
    }

    /// Whether someone is expected in the office more today, and why: in their first months, or
    /// while an improvement plan is open.
    pub fn office_first(&self, started_on: Date, improvement_plan: bool, today: Date) -> Option<OfficeFirst> {
        if improvement_plan {
            Some(OfficeFirst::ImprovementPlan)
        } else if today < self.office_first_until(started_on) {
            Some(OfficeFirst::NewStarter)
        } else {
            None
        }
    }

    /// Office days expected over the four weeks to `today`: the days a week, for each whole week
    /// of those four they have been with the service.
    pub fn expected_office_days(&self, started_on: Date, today: Date) -> i64 {
        let days = ((today - started_on).whole_days() + 1).clamp(0, OFFICE_WINDOW_DAYS);
        self.office_days_per_week * (days / 7)
    }

    /// The last day the mentoring counts against the mentor's capacity.
    pub fn mentoring_until(&self, starts_on: Date) -> Date {
        super::add_months(starts_on, self.mentoring_months) - Duration::days(1)
    }
}

/// An induction as it is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InductionDraft {
    pub mentor: Uuid,
    pub starts_on: Date,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InductionForm {
    pub mentor: String,
    pub starts_on: String,
}

impl InductionForm {
    /// A mentor chosen, and a first day no more than a year either side of today.
    pub fn validate(&self, today: Date) -> Result<InductionDraft, FieldErrors> {
        let mut c = Collect::default();
        let mentor = c.keep(Uuid::parse_str(self.mentor.trim()).map_err(|_| FieldError::new("mentor", "Choose their mentor buddy")));
        let starts_on = c.keep(crate::org::parse_date("starts_on", "the first day of induction", &self.starts_on).and_then(|d| {
            if (d - today).whole_days().abs() > 365 { Err(FieldError::new("starts_on", "The first day of induction must be within a year of today")) } else { Ok(d) }
        }));
        match (mentor, starts_on) {
            (Some(mentor), Some(starts_on)) if c.is_empty() => Ok(InductionDraft { mentor, starts_on }),
            _ => Err(c.0),
        }
    }
}

// ---- Editing the template ----

/// One step of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateStep {
    pub week: i64,
    pub kind: StepKind,
    pub title: String,
}

/// The shipped template, as steps.
pub fn shipped_template() -> Vec<TemplateStep> {
    TEMPLATE.iter().map(|(week, kind, title)| TemplateStep { week: *week, kind: *kind, title: (*title).into() }).collect()
}

/// The longest induction the template may plan: half a year.
pub const MOST_WEEKS: i64 = 26;
/// The most steps a template holds.
pub const MOST_STEPS: usize = 60;
/// Blank rows the editing form offers for new steps.
pub const NEW_ROWS: usize = 3;

/// One row of the form as typed: a row whose step is left empty is not kept, which is how a
/// step is taken out.
#[derive(Debug, Clone, Default)]
pub struct TemplateRow {
    pub week: String,
    pub kind: String,
    pub title: String,
}

/// The field of a row's part: `week-3`, `kind-3`, `title-3`.
pub fn row_field(part: &str, row: usize) -> String {
    format!("{part}-{row}")
}

/// Checks a template as typed, naming each row's wrong part: a week from 1 to 26, a kind from
/// the list, a step of at most 200 characters; at least one step and at most 60. The steps come
/// back in week order, keeping the typed order within a week.
pub fn validate_template(rows: &[TemplateRow], changes: &str) -> Result<(Vec<TemplateStep>, String), FieldErrors> {
    let mut c = Collect::default();
    let mut steps = vec![];
    for (i, r) in rows.iter().enumerate().map(|(i, r)| (i + 1, r)) {
        if r.title.trim().is_empty() {
            continue;
        }
        let week = c.keep(match r.week.trim().parse::<i64>() {
            Ok(w) if (1..=MOST_WEEKS).contains(&w) => Ok(w),
            _ => Err(FieldError::new(row_field("week", i), format!("The week of step {i} must be a whole number from 1 to {MOST_WEEKS}"))),
        });
        let kind = c.keep(StepKind::from_code(r.kind.trim()).ok_or_else(|| FieldError::new(row_field("kind", i), format!("Choose what kind of step {i} is"))));
        let title = c.keep(crate::text::required(row_field("title", i), "the step", &r.title, 200));
        if let (Some(week), Some(kind), Some(title)) = (week, kind, title) {
            steps.push(TemplateStep { week, kind, title });
        }
    }
    if steps.is_empty() && c.is_empty() {
        c.push(FieldError::new(row_field("title", 1), "Keep at least one step"));
    } else if steps.len() > MOST_STEPS {
        c.push(FieldError::new(row_field("title", 1), format!("Keep the template to {MOST_STEPS} steps or fewer")));
    }
    let changes = c.keep(crate::text::required("changes", "what changed", changes, 500));
    match changes {
        Some(changes) if c.is_empty() => {
            steps.sort_by_key(|s| s.week);
            Ok((steps, changes))
        }
        _ => Err(c.0),
    }
}

/// The week of induction a day falls in, from 1; 0 before it starts.
pub fn week_of(starts_on: Date, day: Date) -> i64 {
    if day < starts_on { 0 } else { (day - starts_on).whole_days() / 7 + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_template_runs_week_by_week_and_a_plan_needs_a_mentor_and_a_first_day() {
        assert!(TEMPLATE.windows(2).all(|w| w[0].0 <= w[1].0), "in week order");
        let today = date!(2026 - 12 - 06);
        let f = InductionForm { mentor: Uuid::from_u128(3).to_string(), starts_on: "2026-12-07".into() };
        assert_eq!(f.validate(today).unwrap().starts_on, date!(2026 - 12 - 07));
        let bad = InductionForm { mentor: "".into(), starts_on: "2029-01-01".into() };
        let fields: Vec<_> = bad.validate(today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["mentor", "starts_on"]);
        assert_eq!((week_of(date!(2026 - 12 - 07), date!(2026 - 12 - 06)), week_of(date!(2026 - 12 - 07), date!(2026 - 12 - 14))), (0, 2));
        let s = InductionSettings::default();
        assert_eq!(s.office_first_until(date!(2026 - 12 - 07)), date!(2027 - 06 - 07));
        assert_eq!(s.mentoring_until(date!(2026 - 12 - 07)), date!(2027 - 06 - 06));
    }

    #[test]
    fn new_starters_and_anyone_on_an_improvement_plan_are_expected_in_the_office_more() {
        let s = InductionSettings::default();
        let today = date!(2026 - 12 - 06);
        assert_eq!(s.office_first(date!(2026 - 09 - 01), false, today), Some(OfficeFirst::NewStarter));
        assert_eq!(s.office_first(date!(2020 - 09 - 01), false, today), None, "long since started");
        assert_eq!(s.office_first(date!(2020 - 09 - 01), true, today), Some(OfficeFirst::ImprovementPlan));
        assert_eq!(s.expected_office_days(date!(2026 - 09 - 01), today), 12, "three days a week for four weeks");
        assert_eq!(s.expected_office_days(date!(2026 - 11 - 23), today), 6, "fourteen days in: two whole weeks");
        assert_eq!(s.expected_office_days(date!(2026 - 12 - 07), today), 0, "not started yet");
    }

    #[test]
    fn an_edited_template_keeps_its_steps_in_week_order_and_names_each_wrong_part() {
        let row = |week: &str, kind: &str, title: &str| TemplateRow { week: week.into(), kind: kind.into(), title: title.into() };
        let rows = [row("2", "shadowing", "Shadow a first call"), row("1", "meeting", "Meet your mentor"), row("", "", ""), row("9", "", "   ")];
        let (steps, changes) = validate_template(&rows, "Mentor first").unwrap();
        assert_eq!(steps.iter().map(|s| s.week).collect::<Vec<_>>(), [1, 2], "empty rows are left out; week order");
        assert_eq!(changes, "Mentor first");
        let bad = [row("0", "party", "A step"), row("3", "meeting", &"x".repeat(201))];
        let fields: Vec<_> = validate_template(&bad, "").unwrap_err().into_iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["week-1", "kind-1", "title-2", "changes"]);
        assert_eq!(validate_template(&[row("1", "meeting", "")], "Cleared").unwrap_err()[0].message, "Keep at least one step");
        assert_eq!(shipped_template().len(), TEMPLATE.len());
    }
}
