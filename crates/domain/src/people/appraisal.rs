//! Appraisal: once a year, within 12 months of starting or of the last one. The manager sets
//! objectives, each linked to the service's published role expectations; a mid-year review
//! follows; the worker writes their self-assessment; then the manager closes the year with a
//! rating. Each step in that order.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// The service's published expectations of its staff, which objectives are linked to.
    Expectation {
        ChildFocus = "child_focus", "Keeps the child at the centre";
        Analysis = "analysis", "Clear analysis that helps the court";
        Timeliness = "timeliness", "Work on time, every time";
        Relationships = "relationships", "Respectful relationships with families";
        Learning = "learning", "Reflects, learns and shares learning";
        Teamwork = "teamwork", "Works well with colleagues and partners";
    }
}

coded_enum! {
    /// The end-of-year rating.
    Rating {
        Exceeded = "exceeded", "Exceeded expectations";
        Met = "met", "Met expectations";
        PartlyMet = "partly_met", "Partly met expectations";
        NotMet = "not_met", "Did not meet expectations";
    }
}

/// Where a year's appraisal has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Objectives set; the mid-year review is next.
    ObjectivesSet,
    /// Reviewed mid-year; the worker's self-assessment is next.
    MidYearDone,
    /// The worker has assessed themselves; the manager's rating is next.
    SelfAssessed,
    Complete,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::ObjectivesSet => "Objectives set",
            Stage::MidYearDone => "Mid-year review done",
            Stage::SelfAssessed => "Self-assessment written",
            Stage::Complete => "Complete",
        }
    }

    pub fn next_step(self) -> &'static str {
        match self {
            Stage::ObjectivesSet => "Mid-year review by the manager",
            Stage::MidYearDone => "Self-assessment by the worker",
            Stage::SelfAssessed => "End-of-year rating by the manager",
            Stage::Complete => "Nothing: the year is closed",
        }
    }
}

/// A year's appraisal stage from what has been written.
pub fn stage(mid_year: bool, self_assessed: bool, rated: bool) -> Stage {
    match (mid_year, self_assessed, rated) {
        (_, _, true) => Stage::Complete,
        (_, true, false) => Stage::SelfAssessed,
        (true, false, false) => Stage::MidYearDone,
        (false, false, false) => Stage::ObjectivesSet,
    }
}

/// The next appraisal is due 12 months after the last was completed, or after starting.
pub fn due_on(started_on: Date, last_completed_on: Option<Date>) -> Date {
    super::add_months(last_completed_on.unwrap_or(started_on), 12)
}

/// Objectives as set: SMART text, and the expectations they serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objectives {
    pub objectives: String,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ObjectivesForm {
    pub objectives: String,
    pub expectations: Vec<String>,
}

impl ObjectivesForm {
    pub fn validate(&self) -> Result<Objectives, FieldErrors> {
        let mut c = Collect::default();
        let objectives = c.keep(crate::text::required("objectives", "the objectives", &self.objectives, 5_000));
        let mut expectations = vec![];
        for code in self.expectations.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            match Expectation::from_code(code) {
                Some(e) if !expectations.contains(&e) => expectations.push(e),
                Some(_) => {}
                None => c.push(FieldError::new("expectations", "Choose expectations from the list")),
            }
        }
        if expectations.is_empty() && c.is_empty() {
            c.push(FieldError::new("expectations", "Choose at least one expectation the objectives serve"));
        }
        expectations.sort();
        match objectives {
            Some(objectives) if c.is_empty() => Ok(Objectives { objectives, expectations }),
            _ => Err(c.0),
        }
    }
}

/// A piece of text written at one step (mid-year, self-assessment), checked.
pub fn step_text(field: &'static str, label: &str, value: &str) -> Result<String, FieldErrors> {
    crate::text::required(field, label, value, 5_000).map_err(|e| vec![e])
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub text: String,
    pub rating: String,
    pub version: String,
}

impl StepForm {
    /// The end of the year: a rating and a summary.
    pub fn validate_rating(&self) -> Result<(Rating, String), FieldErrors> {
        let mut c = Collect::default();
        let rating = c.keep(Rating::from_code(self.rating.trim()).ok_or_else(|| FieldError::new("rating", "Choose a rating")));
        let text = c.keep(crate::text::required("text", "a summary of the year", &self.text, 5_000));
        match (rating, text) {
            (Some(r), Some(t)) if c.is_empty() => Ok((r, t)),
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_year_moves_step_by_step_and_the_next_is_due_a_year_after_the_last() {
        assert_eq!(stage(false, false, false), Stage::ObjectivesSet);
        assert_eq!(stage(true, false, false), Stage::MidYearDone);
        assert_eq!(stage(true, true, false), Stage::SelfAssessed);
        assert_eq!(stage(true, true, true), Stage::Complete);
        assert_eq!(due_on(date!(2025 - 03 - 01), None), date!(2026 - 03 - 01));
        assert_eq!(due_on(date!(2020 - 03 - 01), Some(date!(2026 - 02 - 10))), date!(2027 - 02 - 10));
    }

    #[test]
    fn objectives_serve_at_least_one_published_expectation() {
        let f = ObjectivesForm { objectives: "File every report on time.".into(), expectations: vec!["timeliness".into(), "analysis".into()] };
        assert_eq!(f.validate().unwrap().expectations, [Expectation::Analysis, Expectation::Timeliness]);
        let none = ObjectivesForm { expectations: vec![], ..f.clone() };
        assert_eq!(none.validate().unwrap_err()[0].field, "expectations");
        let bad = StepForm { rating: "brilliant".into(), ..Default::default() };
        assert_eq!(bad.validate_rating().unwrap_err().len(), 2);
    }
}
