//! Court work on the web: drafting, sign-off and filing pages, the API, and the national
//! templates' administration. What the steps mean lives in `hearth_domain::courtwork`.

pub mod api;
pub mod pages;
pub mod templates;

use hearth_domain::cases::{LawType, PartyRole};
use hearth_domain::courtwork::{Report, ReportChild, Sections, Signature, report_sections};
use hearth_domain::quality::{Autonomy, WorkType};
use hearth_store::cases::{self, CaseRecord};
use hearth_store::courtwork::Work;

use crate::dates::long_date;
use crate::{AppError, AppState};

/// How the author signs: a family court adviser in private law, a children's guardian in public.
fn signing_role(law: LawType) -> &'static str {
    match law {
        LawType::Private => "Family Court Adviser",
        LawType::Public => "Children's Guardian",
    }
}

/// The report as the court will receive it: the case's header, the children, the next hearing,
/// the sections in template order and the author's signature, dated `on`.
pub async fn report_of(state: &AppState, work: &Work, sections: &Sections, case: &CaseRecord, on: time::Date, withheld_from: Option<String>, draft: bool) -> Result<Report, AppError> {
    let (people, hearings, author) = tokio::try_join!(
        cases::participants(&state.store, case.id),
        cases::hearings(&state.store, case.id),
        hearth_store::org::placement(&state.store, work.author.id),
    )?;
    let team = match author.team_id {
        Some(t) => hearth_store::org::team(&state.store, t).await?.name,
        None => case.team.name.clone(),
    };
    let now = hearth_store::now();
    let hearing = hearings.iter().filter(|h| h.starts_at >= now).min_by_key(|h| h.starts_at).map(|h| format!("{} on {}", h.kind.label(), long_date(h.starts_at.date())));
    Ok(Report {
        title: work.work_type.label().to_string(),
        court: case.court.name.clone(),
        court_case_number: case.court_case_number.clone(),
        reference: case.reference.clone(),
        children: people
            .iter()
            .filter(|p| p.role == PartyRole::SubjectChild)
            .map(|p| ReportChild { name: p.full_name.clone(), date_of_birth: p.date_of_birth.map(long_date).unwrap_or_else(|| "Not known".into()) })
            .collect(),
        hearing,
        filing_date: work.due_on.map(long_date),
        author: work.author.name.clone(),
        team,
        sections: report_sections(&work.template, sections),
        signature: Signature { name: work.author.name.clone(), role: signing_role(case.law).into(), date: long_date(on) },
        withheld_from,
        draft,
    })
}

/// Typesets a report off the async runtime: a long report takes a noticeable moment of CPU.
pub async fn typeset(state: &AppState, report: Report) -> Result<Vec<u8>, AppError> {
    let typesetter = state.config.typesetter.clone();
    tokio::task::spawn_blocking(move || typesetter(&report)).await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(AppError::Internal)
}

/// A worker's standing in one work type, from everything they hold.
pub async fn standing_in(state: &AppState, staff: uuid::Uuid, work_type: WorkType) -> Result<Autonomy, AppError> {
    Ok(hearth_store::quality::standing(&state.store, staff).await?.into_iter().find(|(t, _)| *t == work_type).map(|(_, a)| a).unwrap_or(Autonomy::NONE))
}
