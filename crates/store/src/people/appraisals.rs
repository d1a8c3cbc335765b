//! Appraisals: objectives, mid-year review, self-assessment and rating, each a guarded step on
//! one row. Reads are audited.

use std::collections::HashMap;

use hearth_domain::people::appraisal::{Expectation, Objectives, Rating, Stage, stage};
use serde::Serialize;
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id};

pub use super::Whose;

#[derive(Debug, Clone, Serialize)]
pub struct Appraisal {
    pub id: Uuid,
    pub worker: NamedRef,
    pub manager: NamedRef,
    pub objectives: String,
    pub expectations: Vec<Expectation>,
    pub set_on: Date,
    pub mid_year: Option<String>,
    pub mid_year_on: Option<Date>,
    pub self_assessment: Option<String>,
    pub self_assessed_on: Option<Date>,
    pub rating: Option<Rating>,
    pub summary: Option<String>,
    pub completed_on: Option<Date>,
    pub version: i64,
}

impl Appraisal {
    pub fn stage(&self) -> Stage {
        stage(self.mid_year.is_some(), self.self_assessment.is_some(), self.rating.is_some())
    }
}

const SELECT: &str = "SELECT a.id, w.id, w.name, m.id, m.name, a.objectives, a.expectations, a.set_on, a.mid_year, a.mid_year_on, a.self_assessment, a.self_assessed_on, a.rating, a.summary, a.completed_on, a.version
   FROM appraisals a JOIN staff w ON w.id = a.worker_id JOIN staff m ON m.id = a.manager_id";

fn appraisal_of(r: &sqlx::any::AnyRow) -> Result<Appraisal> {
    let date = |i: usize| r.get::<Option<String>, _>(i).as_deref().map(parse_date).transpose();
    Ok(Appraisal {
        id: parse_id(&r.get::<String, _>(0))?,
        worker: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
        manager: named(r.get(3), r.get(4))?.ok_or(StoreError::NotFound)?,
        objectives: r.get(5),
        expectations: r.get::<String, _>(6).split(',').filter_map(Expectation::from_code).collect(),
        set_on: parse_date(&r.get::<String, _>(7))?,
        mid_year: r.get(8),
        mid_year_on: date(9)?,
        self_assessment: r.get(10),
        self_assessed_on: date(11)?,
        rating: r.get::<Option<String>, _>(12).as_deref().and_then(Rating::from_code),
        summary: r.get(13),
        completed_on: date(14)?,
        version: r.get(15),
    })
}

/// A worker's appraisals, newest first. Listing names no content, so it is not audited; opening
/// one is.
pub async fn list_for(store: &Store, worker: Uuid) -> Result<Vec<Appraisal>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.worker_id = $1 ORDER BY a.set_on DESC, a.id DESC"))).bind(worker.to_string()).fetch_all(store.pool()).await?.iter().map(appraisal_of).collect()
}

pub async fn view(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid) -> Result<Appraisal> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1 AND a.worker_id = $2"))).bind(id.to_string()).bind(worker.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    audit::record(store, ctx, Event::success("appraisal.viewed").about("staff", worker).detail(serde_json::json!({ "appraisal_id": id }))).await?;
    appraisal_of(&r)
}

/// Starts the year: the objectives. Refused while another year is still open.
pub async fn set_objectives(store: &Store, ctx: &AuditContext, worker: Uuid, manager: Uuid, o: &Objectives) -> Result<Uuid> {
    if worker == manager {
        return Err(StoreError::NotEditable("Nobody appraises themselves."));
    }
    let mut tx = store.begin().await?;
    if sqlx::query("SELECT 1 FROM appraisals WHERE worker_id = $1 AND completed_on IS NULL").bind(worker.to_string()).fetch_optional(&mut *tx).await?.is_some() {
        return Err(StoreError::NotEditable("This year's appraisal is still open: finish it first."));
    }
    let id = new_id();
    sqlx::query("INSERT INTO appraisals (id, worker_id, manager_id, objectives, expectations, set_on, version) VALUES ($1, $2, $3, $4, $5, $6, 1)")
        .bind(id.to_string())
        .bind(worker.to_string())
        .bind(manager.to_string())
        .bind(&o.objectives)
        .bind(o.expectations.iter().map(|e| e.code()).collect::<Vec<_>>().join(","))
        .bind(date_text(now().date()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("appraisal.objectives_set").about("staff", worker).detail(serde_json::json!({ "appraisal_id": id }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// One step of the year, written only at the stage it belongs to and at the version read.
pub enum Step<'a> {
    MidYear(&'a str),
    SelfAssessment(&'a str),
    Rating(Rating, &'a str),
}

pub async fn write_step(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, version: i64, step: Step<'_>) -> Result<()> {
    let mut tx = store.begin().await?;
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1 AND a.worker_id = $2"))).bind(id.to_string()).bind(worker.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let a = appraisal_of(&r)?;
    if a.version != version {
        return Err(StoreError::Conflict { current: a.version });
    }
    let today = date_text(now().date());
    let (expected, sql, binds, action): (Stage, &str, Vec<String>, &str) = match step {
        Step::MidYear(t) => (Stage::ObjectivesSet, "mid_year = $1, mid_year_on = $2", vec![t.into(), today], "appraisal.mid_year"),
        Step::SelfAssessment(t) => (Stage::MidYearDone, "self_assessment = $1, self_assessed_on = $2", vec![t.into(), today], "appraisal.self_assessed"),
        Step::Rating(rating, t) => (Stage::SelfAssessed, "rating = $1, summary = $2, completed_on = $3", vec![rating.code().into(), t.into(), today], "appraisal.completed"),
    };
    if a.stage() != expected {
        return Err(StoreError::NotEditable(match a.stage() {
            Stage::ObjectivesSet => "The mid-year review comes next.",
            Stage::MidYearDone => "The worker writes their self-assessment first.",
            Stage::SelfAssessed => "The manager's rating comes next.",
            Stage::Complete => "This year's appraisal is complete.",
        }));
    }
    let n = binds.len();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE appraisals SET {sql}, version = version + 1 WHERE id = ${} AND version = ${}", n + 1, n + 2)));
    for b in binds {
        q = q.bind(b);
    }
    if q.bind(id.to_string()).bind(version).execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::Conflict { current: version + 1 });
    }
    audit::append(&mut tx, ctx, Event::success(action).about("staff", worker).detail(serde_json::json!({ "appraisal_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// For each active person (of a team, an area or everyone), when they started and when their
/// last appraisal was completed: what the key figures' "appraised within 12 months" reads.
pub async fn last_completed(store: &Store, whose: Whose) -> Result<HashMap<Uuid, (Date, Option<Date>)>> {
    let (filter, id) = whose.filter();
    let sql = format!("SELECT s.id, s.start_date, (SELECT MAX(a.completed_on) FROM appraisals a WHERE a.worker_id = s.id) FROM staff s WHERE {filter} AND s.status = 'active'");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    q.fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, (parse_date(&r.get::<String, _>(1))?, r.get::<Option<String>, _>(2).as_deref().map(parse_date).transpose()?))))
        .collect()
}

/// Demo appraisals, written as they would have been: (worker, manager, set on, completed with a
/// rating, or the year still open with its mid-year review done or not).
pub struct DemoAppraisal {
    pub worker: Uuid,
    pub manager: Uuid,
    pub set_on: Date,
    pub completed: Option<(Date, Rating)>,
    pub mid_year: bool,
}

pub async fn load_demo(store: &Store, rows: &[DemoAppraisal]) -> Result<()> {
    let mut tx = store.begin().await?;
    for a in rows {
        let mid = (a.mid_year || a.completed.is_some()).then(|| a.set_on + time::Duration::days(180));
        sqlx::query(
            "INSERT INTO appraisals (id, worker_id, manager_id, objectives, expectations, set_on, mid_year, mid_year_on, self_assessment, self_assessed_on, rating, summary, completed_on, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)",
        )
        .bind(new_id().to_string())
        .bind(a.worker.to_string())
        .bind(a.manager.to_string())
        .bind("1. File every court report by its filing date, with analysis the court can rely on.\n2. Keep case records up to date within two working days of each visit.\n3. Bring one case a quarter to group reflection.")
        .bind("analysis,timeliness,learning")
        .bind(date_text(a.set_on))
        .bind(mid.map(|_| "Good progress on timeliness; analysis improving with the court writing module."))
        .bind(mid.map(date_text))
        .bind(a.completed.map(|_| "I met my timeliness objective and have grown in confidence at court."))
        .bind(a.completed.map(|(on, _)| date_text(on - time::Duration::days(10))))
        .bind(a.completed.map(|(_, r)| r.code()))
        .bind(a.completed.map(|_| "A strong year; objectives met."))
        .bind(a.completed.map(|(on, _)| date_text(on)))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
