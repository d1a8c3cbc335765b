//! The case record's screens and API: lists and the allocation hub, the case page, the chronology,
//! and the forms that add to a case. Every handler checks the caller's grant on the case itself
//! (allocated worker, line chain, team, area) through [`Ctx::authorize_case`] before it reads.

pub mod access;
pub mod api;
pub mod documents;
pub mod forms;
pub mod pages;
pub mod people;
pub mod transfers;

use hearth_domain::access::{Permission, Relationships, Scope, scopes_for};
use hearth_domain::cases::deadlines::{Deadline, deadlines};
use hearth_store::cases::{self, CaseRecord, Visibility};
use uuid::Uuid;

use crate::session::Ctx;
use crate::{AppError, AppState};

/// Which cases a list shows the caller for `permission` (seeing, or allocating in the hub), from
/// the permission table.
pub async fn visibility(state: &AppState, me: &Ctx, permission: Permission) -> Result<Visibility, AppError> {
    let p = &me.principal.placement;
    let mut v = Visibility::none(me.id());
    for scope in scopes_for(&me.principal.roles, permission) {
        match scope {
            Scope::Own => v.own = true,
            Scope::LineChain => v.allocated_to_any_of.extend(hearth_store::org::reports_of(&state.store, me.id()).await?),
            Scope::Duty if p.on_duty => v.team_ids.extend(p.team_id),
            Scope::Duty => {}
            // Mentoring reaches a starter's staff record, never their cases.
            Scope::Mentor => {}
            Scope::Team => v.team_ids.extend(p.team_id),
            Scope::Area => v.service_area_ids.extend(p.service_area_id),
            Scope::National => v.everywhere = true,
        }
    }
    Ok(v)
}

/// Checks the route's permission on the case, then reads it (recording the read). Also returns
/// how the caller stands to the case, for the page's links.
pub async fn open(state: &AppState, me: &Ctx, id: Uuid) -> Result<(CaseRecord, Relationships), AppError> {
    let rel = me.authorize_case(state, id).await?;
    Ok((cases::view(&state.store, &me.audit, id).await?, rel))
}

/// Checks the route's permission on the case and reads it without recording a view: for writes,
/// whose own audit event says what was done.
pub async fn for_change(state: &AppState, me: &Ctx, id: Uuid) -> Result<CaseRecord, AppError> {
    me.authorize_case(state, id).await?;
    Ok(cases::case_record(&state.store, id).await?)
}

/// The case's deadlines today, from its dates and the court's filing dates.
pub async fn case_deadlines(state: &AppState, case: &CaseRecord) -> Result<Vec<Deadline>, AppError> {
    Ok(deadlines_of(state, case, &cases::filing_dates(&state.store, case.id).await?))
}

/// The case's deadlines from filing dates already read.
pub fn deadlines_of(state: &AppState, case: &CaseRecord, filings: &[cases::FilingDate]) -> Vec<Deadline> {
    deadlines(case.law, &cases::case_dates(case, filings), &state.config.deadlines, &state.config.calendar)
}


