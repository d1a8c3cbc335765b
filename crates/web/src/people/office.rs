//! Office days: "I'm in the office today" on My Work, and the office-first expectation (new
//! starters, and anyone on an improvement plan) set against what was recorded.

use axum::extract::State;
use axum::response::Response;
use hearth_domain::people::SupervisionFacts;
use hearth_domain::people::induction::{OFFICE_WINDOW_DAYS, OfficeFirst};
use hearth_store::people::Whose;
use serde::Deserialize;
use uuid::Uuid;

use crate::dates::{long_date, today};
use crate::form::Form;
use crate::session::Ctx;
use crate::{AppError, AppState};

/// The expectation in words, for someone it applies to: "Expected 3 days a week until
/// 7 June 2027 (new starter): 5 of 12 in the last 4 weeks". `facts` are their supervision facts,
/// which carry their start and whether a plan is open.
pub async fn expectation(state: &AppState, staff: Uuid, facts: &SupervisionFacts) -> Result<Option<String>, AppError> {
    let s = &state.config.induction;
    let Some(why) = s.office_first(facts.started_on, facts.improvement_plan, today()) else { return Ok(None) };
    let recorded = hearth_store::people::office::counts(&state.store, Whose::Person(staff), today() - time::Duration::days(OFFICE_WINDOW_DAYS - 1), today()).await?.get(&staff).copied().unwrap_or(0);
    Ok(Some(words(s.office_days_per_week, why, s.office_first_until(facts.started_on), s.expected_office_days(facts.started_on, today()), recorded)))
}

/// The one way the expectation is said, on My Work and My People.
pub fn words(per_week: i64, why: OfficeFirst, until: time::Date, expected: i64, recorded: i64) -> String {
    let why = match why {
        OfficeFirst::NewStarter => format!("until {} (new starter)", long_date(until)),
        OfficeFirst::ImprovementPlan => "while the improvement plan is open".to_string(),
    };
    format!("Expected {per_week} day{} a week {why}: {recorded} of {expected} in the last 4 weeks", if per_week == 1 { "" } else { "s" })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DayForm {
    in_office: String,
}

/// The caller records (or takes back) being in the office today.
pub async fn set_today(State(state): State<AppState>, me: Ctx, Form(f): Form<DayForm>) -> Result<Response, AppError> {
    let in_office = match f.in_office.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::Unreadable(crate::form::unreadable())),
    };
    hearth_store::people::office::set_day(&state.store, &me.audit, me.id(), today(), in_office).await?;
    Ok(crate::saved::redirect(&state, "/#office", if in_office { crate::saved::Saved::OfficeDayRecorded } else { crate::saved::Saved::OfficeDayWithdrawn }))
}
