//! Improvement plans (capability): opened by a line manager with an HR partner, with goals, the
//! support offered and review dates; reviewed until closed with an outcome. While one is open the
//! worker is supervised every few weeks (`SupervisionFacts::improvement_plan`). A plan is the
//! worker's, their line chain's and HR's business only.

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// How a plan ended.
    PlanOutcome {
        Met = "met", "Goals met";
        NotMet = "not_met", "Goals not met: passed to HR";
        Withdrawn = "withdrawn", "Withdrawn";
    }
}

/// A plan as it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    pub goals: String,
    pub support: String,
    pub first_review_on: Date,
    pub hr_partner: Uuid,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub goals: String,
    pub support: String,
    pub first_review_on: String,
    pub hr_partner: String,
}

/// The furthest ahead a review is set: a plan is reviewed at least this often.
pub const MOST_DAYS_TO_REVIEW: i64 = 90;

fn review_date(field: &'static str, label: &str, value: &str, today: Date) -> Result<Date, FieldError> {
    crate::org::parse_date(field, label, value).and_then(|d| {
        if d <= today {
            Err(FieldError::new(field, "The review date must be in the future"))
        } else if (d - today).whole_days() > MOST_DAYS_TO_REVIEW {
            Err(FieldError::new(field, format!("Review the plan within {} days", MOST_DAYS_TO_REVIEW)))
        } else {
            Ok(d)
        }
    })
}

impl PlanForm {
    pub fn validate(&self, today: Date) -> Result<PlanDraft, FieldErrors> {
        let mut c = Collect::default();
        let goals = c.keep(crate::text::required("goals", "the goals", &self.goals, 5_000));
        let support = c.keep(crate::text::required("support", "the support offered", &self.support, 5_000));
        let first_review_on = c.keep(review_date("first_review_on", "the first review date", &self.first_review_on, today));
        let hr_partner = c.keep(Uuid::parse_str(self.hr_partner.trim()).map_err(|_| FieldError::new("hr_partner", "Choose the HR partner working on the plan with you")));
        match (goals, support, first_review_on, hr_partner) {
            (Some(goals), Some(support), Some(first_review_on), Some(hr_partner)) if c.is_empty() => Ok(PlanDraft { goals, support, first_review_on, hr_partner }),
            _ => Err(c.0),
        }
    }
}

/// A review of an open plan: what progress there has been and when it is reviewed next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub progress: String,
    pub next_review_on: Date,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub progress: String,
    pub next_review_on: String,
    pub version: String,
}

impl ReviewForm {
    pub fn validate(&self, today: Date) -> Result<Review, FieldErrors> {
        let mut c = Collect::default();
        let progress = c.keep(crate::text::required("progress", "the progress made", &self.progress, 5_000));
        let next = c.keep(review_date("next_review_on", "the next review date", &self.next_review_on, today));
        match (progress, next) {
            (Some(progress), Some(next_review_on)) if c.is_empty() => Ok(Review { progress, next_review_on }),
            _ => Err(c.0),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    pub outcome: String,
    pub summary: String,
    pub version: String,
}

impl CloseForm {
    pub fn validate(&self) -> Result<(PlanOutcome, String), FieldErrors> {
        let mut c = Collect::default();
        let outcome = c.keep(PlanOutcome::from_code(self.outcome.trim()).ok_or_else(|| FieldError::new("outcome", "Choose how the plan ended")));
        let summary = c.keep(crate::text::required("summary", "a summary of how it ended", &self.summary, 5_000));
        match (outcome, summary) {
            (Some(o), Some(s)) if c.is_empty() => Ok((o, s)),
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_plan_needs_goals_support_an_hr_partner_and_a_review_within_ninety_days() {
        let today = date!(2026 - 12 - 06);
        let f = PlanForm { goals: "Reports filed on time.".into(), support: "Weekly check-in.".into(), first_review_on: "2027-01-10".into(), hr_partner: Uuid::from_u128(7).to_string() };
        assert_eq!(f.validate(today).unwrap().first_review_on, date!(2027 - 01 - 10));
        let late = PlanForm { first_review_on: "2027-06-01".into(), hr_partner: "".into(), goals: " ".into(), ..f.clone() };
        let fields: Vec<_> = late.validate(today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["goals", "first_review_on", "hr_partner"]);
        assert_eq!(PlanForm { first_review_on: "2026-12-06".into(), ..f }.validate(today).unwrap_err()[0].message, "The review date must be in the future");
    }

    #[test]
    fn a_plan_closes_with_an_outcome_and_a_summary() {
        assert_eq!(CloseForm { outcome: "met".into(), summary: "All goals met.".into(), version: "1".into() }.validate().unwrap().0, PlanOutcome::Met);
        assert_eq!(CloseForm::default().validate().unwrap_err().len(), 2);
    }
}
