//! Dip samples: Hearth proposes K pieces of each worker's filed work per period (part weighted by
//! risk, part at random), the manager may swap one with a reason, audits it (grade, the four
//! impact outcomes, strengths, areas to develop, actions) and the grade feeds the worker's
//! autonomy in that work type. A second manager may moderate the grade.

use std::collections::BTreeMap;

use hearth_domain::FieldError;
use hearth_domain::cases::CaseFlag;
use hearth_domain::quality::{AutonomyChange, AutonomyEvent, AutonomySettings, Candidate, FiledFacts, Grade, ImpactOutcome, Period, SampleBasis, SamplingSettings, WorkType, propose as draw};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{Source, apply};
use crate::audit::{self, AuditContext, Event};
use crate::cases::{code, insert_alerts};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, conflict_or_missing, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

/// An action agreed in an audit, with its due date.
#[derive(Debug, Clone, Serialize)]
pub struct SampleAction {
    pub action: String,
    pub due_on: Date,
}

/// A second manager's view of the grade.
#[derive(Debug, Clone, Serialize)]
pub struct Moderation {
    pub moderator: NamedRef,
    pub agrees: bool,
    pub grade: Option<Grade>,
    pub comment: String,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub id: Uuid,
    pub manager: NamedRef,
    pub worker: NamedRef,
    pub period: String,
    pub due_on: Date,
    pub work_id: Uuid,
    pub work_type: WorkType,
    pub case_id: Uuid,
    pub case_reference: String,
    pub filed_at: Option<OffsetDateTime>,
    pub basis: SampleBasis,
    pub swapped_from: Option<Uuid>,
    pub swap_reason: Option<String>,
    pub grade: Option<Grade>,
    pub outcomes: BTreeMap<String, Grade>,
    pub strengths: Option<String>,
    pub areas_to_develop: Option<String>,
    pub audited_by: Option<NamedRef>,
    pub audited_at: Option<OffsetDateTime>,
    pub actions: Vec<SampleAction>,
    pub moderation: Option<Moderation>,
    pub version: i64,
}

impl Sample {
    pub fn done(&self) -> bool {
        self.audited_at.is_some()
    }

    /// Not audited and past its period's end.
    pub fn overdue(&self, today: Date) -> bool {
        !self.done() && today > self.due_on
    }
}

const SELECT: &str = "SELECT x.id, m.id, m.name, wk.id, wk.name, x.period, x.due_on, x.work_id, w.work_type, w.case_id, c.reference, w.filed_at, x.basis,
        x.swapped_from, x.swap_reason, x.grade, x.outcomes, x.strengths, x.areas_to_develop, ab.id, ab.name, x.audited_at, x.version
     FROM samples x JOIN staff m ON m.id = x.manager_id JOIN staff wk ON wk.id = x.worker_id JOIN work w ON w.id = x.work_id
     JOIN cases c ON c.id = w.case_id LEFT JOIN staff ab ON ab.id = x.audited_by";

fn sample(r: &AnyRow) -> Result<Sample> {
    let outcomes: BTreeMap<String, String> = match r.get::<Option<String>, _>(16) {
        Some(t) => serde_json::from_str(&t).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?,
        None => BTreeMap::new(),
    };
    Ok(Sample {
        id: parse_id(&r.get::<String, _>(0))?,
        manager: NamedRef { id: parse_id(&r.get::<String, _>(1))?, name: r.get(2) },
        worker: NamedRef { id: parse_id(&r.get::<String, _>(3))?, name: r.get(4) },
        period: r.get(5),
        due_on: parse_date(&r.get::<String, _>(6))?,
        work_id: parse_id(&r.get::<String, _>(7))?,
        work_type: code(r.get(8), WorkType::from_code)?,
        case_id: parse_id(&r.get::<String, _>(9))?,
        case_reference: r.get(10),
        filed_at: r.get::<Option<String>, _>(11).map(|t| parse_ts(&t)).transpose()?,
        basis: code(r.get(12), SampleBasis::from_code)?,
        swapped_from: r.get::<Option<String>, _>(13).map(|t| parse_id(&t)).transpose()?,
        swap_reason: r.get(14),
        grade: r.get::<Option<String>, _>(15).map(|g| code(g, Grade::from_code)).transpose()?,
        outcomes: outcomes.into_iter().map(|(k, g)| Ok((k, code(g, Grade::from_code)?))).collect::<Result<_>>()?,
        strengths: r.get(17),
        areas_to_develop: r.get(18),
        audited_by: named(r.get(19), r.get(20))?,
        audited_at: r.get::<Option<String>, _>(21).map(|t| parse_ts(&t)).transpose()?,
        actions: vec![],
        moderation: None,
        version: r.get(22),
    })
}

/// Fills in a sample's actions and moderation.
async fn complete(store: &Store, mut s: Sample) -> Result<Sample> {
    let id = s.id.to_string();
    let actions = sqlx::query("SELECT action, due_on FROM sample_actions WHERE sample_id = $1 ORDER BY due_on, id").bind(&id).fetch_all(store.pool()).await?;
    s.actions = actions.iter().map(|r| Ok(SampleAction { action: r.get(0), due_on: parse_date(&r.get::<String, _>(1))? })).collect::<Result<_>>()?;
    let m = sqlx::query("SELECT s.id, s.name, m.agrees, m.grade, m.comment, m.moderated_at FROM sample_moderations m JOIN staff s ON s.id = m.moderator_id WHERE m.sample_id = $1")
        .bind(&id)
        .fetch_optional(store.pool())
        .await?;
    s.moderation = m
        .map(|r| {
            Ok::<_, StoreError>(Moderation {
                moderator: NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) },
                agrees: r.get::<i64, _>(2) != 0,
                grade: r.get::<Option<String>, _>(3).map(|g| code(g, Grade::from_code)).transpose()?,
                comment: r.get(4),
                at: parse_ts(&r.get::<String, _>(5))?,
            })
        })
        .transpose()?;
    Ok(s)
}

pub async fn get(store: &Store, id: Uuid) -> Result<Sample> {
    let sql = format!("{SELECT} WHERE x.id = $1");
    let s = sample(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)?;
    complete(store, s).await
}

/// The samples of these workers, newest period first: a manager's list.
pub async fn for_workers(store: &Store, workers: &[Uuid]) -> Result<Vec<Sample>> {
    if workers.is_empty() {
        return Ok(vec![]);
    }
    let marks: Vec<String> = (1..=workers.len()).map(|i| format!("${i}")).collect();
    let sql = format!("{SELECT} WHERE x.worker_id IN ({}) ORDER BY x.due_on DESC, wk.name, x.created_at", marks.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for w in workers {
        q = q.bind(w.to_string());
    }
    q.fetch_all(store.pool()).await?.iter().map(sample).collect()
}

/// A worker's filed work in a period that is not sampled yet, with the facts that weigh it.
pub async fn candidates(conn: &mut AnyConnection, worker: Uuid, period: &Period, settings: &SamplingSettings) -> Result<Vec<(Uuid, Candidate)>> {
    let from = ts(OffsetDateTime::new_utc(period.first, time::Time::MIDNIGHT));
    let to = ts(OffsetDateTime::new_utc(period.last + time::Duration::days(1), time::Time::MIDNIGHT));
    let rows = sqlx::query(
        "SELECT w.id, w.filed_at, w.due_on, c.received_on, w.filing_route,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = w.case_id AND f.flag = $4) THEN 1 ELSE 0 END AS BIGINT),
                (SELECT MAX(e.at) FROM autonomy_events e WHERE e.staff_id = w.author_id AND e.work_type = w.work_type AND e.change = 'granted' AND e.at <= w.filed_at)
         FROM work w JOIN cases c ON c.id = w.case_id
         WHERE w.author_id = $1 AND w.status = 'filed' AND w.filed_at >= $2 AND w.filed_at < $3
           AND NOT EXISTS (SELECT 1 FROM samples x WHERE x.work_id = w.id)
         ORDER BY w.filed_at, w.id",
    )
    .bind(worker.to_string())
    .bind(from)
    .bind(to)
    .bind(CaseFlag::DomesticAbuse.code())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let facts = FiledFacts {
                filed_at: parse_ts(&r.get::<String, _>(1))?,
                due_on: r.get::<Option<String>, _>(2).map(|d| parse_date(&d)).transpose()?,
                case_received_on: parse_date(&r.get::<String, _>(3))?,
                own_authority: r.get::<Option<String>, _>(4).as_deref() == Some("own_authority"),
                autonomy_granted_at: r.get::<Option<String>, _>(6).map(|t| parse_ts(&t)).transpose()?,
                domestic_abuse: r.get::<i64, _>(5) != 0,
            };
            Ok((parse_id(&r.get::<String, _>(0))?, settings.candidate(&facts)))
        })
        .collect()
}

fn seed(manager: Uuid, worker: Uuid, period: &Period) -> u64 {
    let text = format!("{manager}{worker}{}", period.code());
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Proposes each worker's samples for a period, up to `per_worker` each, counting any already
/// there. Gives how many were proposed.
pub async fn propose(store: &Store, ctx: &AuditContext, manager: Uuid, workers: &[Uuid], period: &Period, settings: &SamplingSettings) -> Result<usize> {
    let mut tx = store.begin().await?;
    let mut made = 0;
    let code = period.code();
    for worker in workers {
        let have: i64 = sqlx::query("SELECT COUNT(*) FROM samples WHERE worker_id = $1 AND period = $2").bind(worker.to_string()).bind(&code).fetch_one(&mut *tx).await?.get(0);
        let need = (settings.per_worker as i64 - have).max(0) as usize;
        if need == 0 {
            continue;
        }
        let pool = candidates(&mut tx, *worker, period, settings).await?;
        let facts: Vec<Candidate> = pool.iter().map(|(_, c)| *c).collect();
        for (i, basis) in draw(&facts, need, seed(manager, *worker, period)) {
            let id = new_id();
            sqlx::query(
                "INSERT INTO samples (id, manager_id, worker_id, period, due_on, work_id, basis, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
            )
            .bind(id.to_string())
            .bind(manager.to_string())
            .bind(worker.to_string())
            .bind(&code)
            .bind(date_text(period.last))
            .bind(pool[i].0.to_string())
            .bind(basis.code())
            .bind(ts(now()))
            .execute(&mut *tx)
            .await?;
            audit::append(&mut tx, ctx, Event::success("sample.proposed").about("staff", *worker).detail(serde_json::json!({ "sample_id": id, "work_id": pool[i].0, "basis": basis, "period": code }))).await?;
            made += 1;
        }
    }
    tx.commit().await?;
    Ok(made)
}

/// Swaps a proposed piece for another of the same worker's filed work in the period, with a reason.
pub async fn swap(store: &Store, ctx: &AuditContext, sample_id: Uuid, work_id: Uuid, reason: &str, version: i64) -> Result<()> {
    let s = get(store, sample_id).await?;
    if s.done() {
        return Err(StoreError::Refused(FieldError::new("work_id", "This sample has been audited, so its piece cannot be changed")));
    }
    let mut tx = store.begin().await?;
    let r = sqlx::query("SELECT author_id, status, filed_at FROM work WHERE id = $1").bind(work_id.to_string()).fetch_optional(&mut *tx).await?;
    let ok = r.is_some_and(|r| r.get::<String, _>(0) == s.worker.id.to_string() && r.get::<String, _>(1) == "filed");
    if !ok {
        return Err(StoreError::Refused(FieldError::new("work_id", format!("Choose a piece of {}’s filed work", s.worker.name))));
    }
    let n = sqlx::query(
        "UPDATE samples SET work_id = $1, swapped_from = $2, swap_reason = $3, basis = 'chosen', version = version + 1 WHERE id = $4 AND version = $5 AND audited_at IS NULL",
    )
    .bind(work_id.to_string())
    .bind(s.work_id.to_string())
    .bind(reason)
    .bind(sample_id.to_string())
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(|e| crate::unique_violation(e, "samples_work", "work_id"))?
    .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "samples", sample_id).await);
    }
    audit::append(&mut tx, ctx, Event::success("sample.swapped").about("staff", s.worker.id).detail(serde_json::json!({ "sample_id": sample_id, "from": s.work_id, "to": work_id, "reason": reason }))).await?;
    tx.commit().await?;
    Ok(())
}

/// What a manager records in a dip-sample audit.
#[derive(Debug, Clone)]
pub struct SampleAudit {
    pub grade: Grade,
    pub outcomes: Vec<(ImpactOutcome, Grade)>,
    pub strengths: String,
    pub areas_to_develop: String,
    pub actions: Vec<(String, Date)>,
}

/// Records the audit, and the grade in the worker's autonomy for the work type. Gives the change
/// in authority, if any.
pub async fn audit_sample(store: &Store, ctx: &AuditContext, sample_id: Uuid, a: &SampleAudit, version: i64, settings: &AutonomySettings) -> Result<Option<AutonomyChange>> {
    let s = get(store, sample_id).await?;
    if s.worker.id == ctx.actor_id.unwrap_or_default() {
        return Err(StoreError::Refused(FieldError::new("grade", "You cannot audit your own work")));
    }
    let mut tx = store.begin().await?;
    let at = now();
    let outcomes: BTreeMap<&str, &str> = a.outcomes.iter().map(|(o, g)| (o.code(), g.code())).collect();
    let n = sqlx::query(
        "UPDATE samples SET grade = $1, outcomes = $2, strengths = $3, areas_to_develop = $4, audited_by = $5, audited_at = $6, version = version + 1
         WHERE id = $7 AND version = $8 AND audited_at IS NULL",
    )
    .bind(a.grade.code())
    .bind(serde_json::to_string(&outcomes).expect("outcomes serialise"))
    .bind(&a.strengths)
    .bind(&a.areas_to_develop)
    .bind(ctx.actor_id.map(|x| x.to_string()))
    .bind(ts(at))
    .bind(sample_id.to_string())
    .bind(version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "samples", sample_id).await);
    }
    for (action, due) in &a.actions {
        sqlx::query("INSERT INTO sample_actions (id, sample_id, action, due_on) VALUES ($1, $2, $3, $4)")
            .bind(new_id().to_string())
            .bind(sample_id.to_string())
            .bind(action)
            .bind(date_text(*due))
            .execute(&mut *tx)
            .await?;
    }
    let change = apply(&mut tx, ctx, s.worker.id, s.work_type, AutonomyEvent::Graded(a.grade), Source { work_id: Some(s.work_id), sample_id: Some(sample_id), reason: None }, settings).await?;
    let lost = if change == Some(AutonomyChange::Lost) { format!(" Your {} work needs sign-off again until you earn it back.", s.work_type.label().to_lowercase()) } else { String::new() };
    insert_alerts(&mut tx, &[s.worker.id.to_string()], s.case_id, &format!("Your {} on {} was dip-sampled and graded {}.{lost}", s.work_type.label().to_lowercase(), s.case_reference, a.grade.label().to_lowercase()), at).await?;
    audit::append(&mut tx, ctx, Event::success("sample.audited").about("staff", s.worker.id).detail(serde_json::json!({ "sample_id": sample_id, "work_id": s.work_id, "grade": a.grade }))).await?;
    tx.commit().await?;
    Ok(change)
}

/// A second manager's moderation of an audited sample: agreement, or the grade they would give.
pub async fn moderate(store: &Store, ctx: &AuditContext, sample_id: Uuid, agrees: bool, grade: Option<Grade>, comment: &str) -> Result<()> {
    let s = get(store, sample_id).await?;
    if !s.done() {
        return Err(StoreError::Refused(FieldError::new("agrees", "Only an audited sample can be moderated")));
    }
    let me = ctx.actor_id.unwrap_or_default();
    if s.audited_by.as_ref().is_some_and(|a| a.id == me) || s.worker.id == me {
        return Err(StoreError::Refused(FieldError::new("agrees", "A second manager moderates: not the one who audited it, nor the worker")));
    }
    let mut tx = store.begin().await?;
    sqlx::query("INSERT INTO sample_moderations (id, sample_id, moderator_id, agrees, grade, comment, moderated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(new_id().to_string())
        .bind(sample_id.to_string())
        .bind(me.to_string())
        .bind(agrees as i64)
        .bind(grade.map(|g| g.code()))
        .bind(comment)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::unique_violation(e, "sample_moderations_sample", "agrees"))?;
    audit::append(&mut tx, ctx, Event::success("sample.moderated").about("staff", s.worker.id).detail(serde_json::json!({ "sample_id": sample_id, "agrees": agrees, "grade": grade }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Each worker's samples not yet audited: how many, and how many of those are overdue.
pub async fn due_counts(store: &Store, workers: &[Uuid], today: Date) -> Result<Vec<(Uuid, i64, i64)>> {
    if workers.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT worker_id, COUNT(*), SUM(CASE WHEN due_on < $1 THEN 1 ELSE 0 END) FROM samples
         WHERE worker_id IN ({}) AND audited_at IS NULL GROUP BY worker_id",
        crate::placeholders(2, workers.len())
    );
    let q = crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(crate::date_text(today)), workers);
    q.fetch_all(store.pool()).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<i64, _>(1), r.get::<Option<i64>, _>(2).unwrap_or(0)))).collect()
}
