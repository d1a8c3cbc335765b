//! Three years of court work and its grading for the demo. A sample of each worker's cases carries
//! a filed piece: signed off and graded by their manager until the worker earns autonomy in that
//! work type, then filed on their own authority, with about a third of those dip-sampled. The share
//! graded good or better rises from about 30% three years ago to a clear majority now, as the
//! service's story goes; each worker's own standing follows from their grades by the domain rule.

use std::collections::HashMap;

use anyhow::Result;
use hearth_domain::courtwork::{FilingMethod, FilingRoute, Sections, default_template};
use hearth_domain::quality::{AutonomyEvent, AutonomyRecord, AutonomySettings, Cadence, Grade, Period, SampleBasis, WorkType};
use hearth_store::courtwork::bulk::{FiledWork, WorkBatch, allocated_cases};
use hearth_store::quality::bulk::{PastSample, QualityBatch};
use hearth_store::{AuditContext, Store, courtwork};
use rand::RngExt;
use rand::rngs::StdRng;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// One case in this many carries a filed piece in the demo: about 30 a worker over three years.
const ONE_CASE_IN: u32 = 6;
/// Of the pieces filed on a worker's own authority, the share a manager dip-samples.
const SAMPLED: f64 = 0.35;

const STRENGTHS: &[&str] = &["The child's voice comes through clearly.", "Well-evidenced analysis of risk.", "Clear, proportionate recommendations."];
const AREAS: &[&str] = &["Weigh the welfare checklist points against each other.", "Say more about the impact of domestic abuse on the child.", "Link the recommendations to the evidence."];

/// The text of a filed piece: a line in each of its template's sections.
fn text_of(work_type: WorkType) -> Sections {
    default_template(work_type)
        .into_iter()
        .map(|s| {
            let line = format!("{}: assessed from the checks, the interviews with each parent and time with the child.", s.heading);
            (s.key, line)
        })
        .collect()
}

/// The good-or-better share `f` of the way through the three years, for a worker of this skill.
fn grade(rng: &mut StdRng, f: f64, skill: f64) -> Grade {
    let good = (0.28 + 0.42 * f + skill).clamp(0.05, 0.95);
    if rng.random_bool(good) {
        if rng.random_bool(0.2) { Grade::Outstanding } else { Grade::Good }
    } else if rng.random_bool(0.8) {
        Grade::RequiresImprovement
    } else {
        Grade::Inadequate
    }
}

/// Which piece a case carries, and when it was filed.
fn piece(rng: &mut StdRng, public_law: bool, received: time::Date, closed: Option<time::Date>) -> (WorkType, time::Date) {
    let roll: u32 = rng.random_range(0..100);
    match (public_law, closed) {
        (_, Some(c)) if roll < 12 => (WorkType::CaseClosure, c),
        (false, _) if roll < 50 => (WorkType::SafeguardingLetter, received + Duration::days(rng.random_range(15..25))),
        (false, _) if roll < 92 => (WorkType::Section7Report, received + Duration::days(rng.random_range(70..120))),
        (false, _) => (WorkType::Section16aRiskAssessment, received + Duration::days(rng.random_range(40..90))),
        (true, _) if roll < 60 => (WorkType::InitialCaseAnalysis, received + Duration::days(rng.random_range(8..12))),
        (true, _) => (WorkType::FinalAnalysis, received + Duration::days(rng.random_range(150..250))),
    }
}

/// Writes the history; `favoured` (the demo practitioner) writes a little better than most, so the
/// demo shows autonomy earned. Returns how many pieces were filed.
pub async fn generate(store: &Store, rng: &mut StdRng, favoured: Option<Uuid>) -> Result<usize> {
    let templates: HashMap<WorkType, Uuid> = courtwork::templates(store).await?.into_iter().map(|t| (t.work_type, t.id)).collect();
    let texts: HashMap<WorkType, Sections> = WorkType::ALL.iter().map(|t| (*t, text_of(*t))).collect();
    let settings = AutonomySettings::default();
    let now = hearth_store::now();
    let today = now.date();
    let start = today - Duration::days(3 * 365);
    let cases = allocated_cases(store).await?;

    let mut work = WorkBatch::default();
    let mut quality = QualityBatch::default();
    let mut made = 0;
    let mut i = 0;
    while i < cases.len() {
        let worker = cases[i].worker;
        let end = cases[i..].iter().position(|c| c.worker != worker).map_or(cases.len(), |n| i + n);
        let Some(manager) = cases[i].manager else {
            i = end;
            continue;
        };
        let skill = if Some(worker) == favoured { 0.3 } else { rng.random_range(-0.12..0.12) };
        let mut pieces = vec![];
        for c in &cases[i..end] {
            if !rng.random_ratio(1, ONE_CASE_IN) {
                continue;
            }
            let (work_type, filed_on) = piece(rng, c.public_law, c.received_on, c.closed_on);
            if filed_on >= today || filed_on < start {
                continue;
            }
            pieces.push((c.id, work_type, filed_on));
        }
        pieces.sort_by_key(|(_, _, d)| *d);
        let mut record = AutonomyRecord::default();
        for (case_id, work_type, filed_on) in pieces {
            let f = (filed_on - start).whole_days() as f64 / (3.0 * 365.0);
            let filed_at = OffsetDateTime::new_utc(filed_on, time::Time::from_hms(rng.random_range(9..17), rng.random_range(0..60), 0)?);
            let id = hearth_store::new_id();
            let authorised = record.get(work_type).may_file_alone();
            let g = grade(rng, f, skill);
            let due_on = filed_on + Duration::days(rng.random_range(-2..21));
            let base = FiledWork {
                id,
                case_id,
                work_type,
                template_id: templates[&work_type],
                author: worker,
                sections: &texts[&work_type],
                due_on: Some(due_on),
                created_at: filed_at - Duration::days(14),
                sign_off: None,
                filed_at,
                method: [FilingMethod::CourtPortal, FilingMethod::SecureEmail, FilingMethod::SecureEmail, FilingMethod::ByHand][rng.random_range(0..4)],
                route: FilingRoute::OwnAuthority,
            };
            if authorised {
                work.filed(&base);
                if rng.random_bool(SAMPLED) {
                    let audited_at = filed_at + Duration::days(1);
                    let sample = PastSample {
                        id: hearth_store::new_id(),
                        manager,
                        worker,
                        period: Period::containing(filed_on, Cadence::Quarterly).code(),
                        due_on: Period::containing(filed_on, Cadence::Quarterly).last,
                        work_id: id,
                        basis: if rng.random_bool(0.6) { SampleBasis::Random } else { SampleBasis::NewlyAutonomous },
                        grade: g,
                        audited_at,
                    };
                    quality.sample(&sample, STRENGTHS[rng.random_range(0..STRENGTHS.len())], AREAS[rng.random_range(0..AREAS.len())]);
                    let change = record.apply(work_type, AutonomyEvent::Graded(g), &settings);
                    quality.graded(worker, work_type, g, change, id, Some(sample.id), manager, audited_at, record.get(work_type));
                }
            } else {
                let signed = filed_at - Duration::hours(20);
                work.filed(&FiledWork { sign_off: Some((manager, signed, g)), route: FilingRoute::AfterSignOff, ..base });
                let change = record.apply(work_type, AutonomyEvent::Graded(g), &settings);
                quality.graded(worker, work_type, g, change, id, None, manager, signed, record.get(work_type));
            }
            made += 1;
        }
        for t in WorkType::ALL {
            let a = record.get(*t);
            if a.streak > 0 || a.authorised {
                quality.standing(worker, *t, a, now);
            }
        }
        i = end;
    }
    let mut tx = store.begin().await?;
    work.write(&mut tx).await?;
    quality.write(&mut tx).await?;
    tx.commit().await?;
    Ok(made)
}

/// Work in progress for the demo accounts to find: a half-written section 7 report for the demo
/// practitioner, and a safeguarding letter from a colleague waiting for the demo manager.
pub async fn in_progress(store: &Store, practitioner: Uuid, colleague: Option<Uuid>) -> Result<()> {
    let mine = hearth_store::cases::open_cases_allocated_to(store, practitioner, 2).await?;
    if let Some(case) = mine.first() {
        let ctx = AuditContext::actor(practitioner, None);
        let id = courtwork::start(store, &ctx, *case, WorkType::Section7Report, practitioner).await?;
        let text = Sections::from([(
            "wishes_and_feelings".to_string(),
            "I met the child at school with her teacher nearby. Using the worry meter she put 'a little bit' for seeing her dad and 'quite a lot' for the arguments at handover. She said she wants to see her dad at weekends \"if Mum and Dad stop shouting\".".to_string(),
        )]);
        courtwork::save(store, &ctx, id, &text, 1).await?;
    }
    if let Some(colleague) = colleague {
        let theirs = hearth_store::cases::open_cases_allocated_to(store, colleague, 1).await?;
        if let Some(case) = theirs.first() {
            let ctx = AuditContext::actor(colleague, None);
            let id = courtwork::start(store, &ctx, *case, WorkType::SafeguardingLetter, colleague).await?;
            let text: Sections = default_template(WorkType::SafeguardingLetter)
                .into_iter()
                .map(|s| (s.key, format!("{}: police and local-authority checks returned; screening calls held with both parents.", s.heading)))
                .collect();
            courtwork::save(store, &ctx, id, &text, 1).await?;
            courtwork::submit(store, &ctx, id, 2).await?;
        }
    }
    Ok(())
}
