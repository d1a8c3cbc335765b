//! Induction plans: one per new starter, copied from the national template, with a mentor buddy
//! whose mentoring duty is written (through the workload area) in the same transaction. Reads
//! of a plan are audited; each step ticked off keeps who ticked it and when.

use hearth_domain::FieldError;
use hearth_domain::people::induction::{InductionDraft, InductionSettings, StepKind, TemplateStep, shipped_template};
use hearth_domain::workload::{DutyKind, WorkloadSettings};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: Uuid,
    pub week: i64,
    pub kind: StepKind,
    pub title: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<NamedRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Induction {
    pub id: Uuid,
    pub starter: NamedRef,
    pub mentor: NamedRef,
    pub started_by: NamedRef,
    pub starts_on: Date,
    /// The starter's first day in the service, for the office-first expectation.
    pub started_service_on: Date,
    pub qualified_on: Option<Date>,
    /// The template version the plan was copied from; 0 for the template Hearth ships.
    pub template_version: i64,
    pub steps: Vec<Step>,
}

/// The mentor buddy of a starter, if they have an induction: the one fact the permission table's
/// `Mentor` scope needs.
pub async fn mentor_of(store: &Store, starter: Uuid) -> Result<Option<Uuid>> {
    sqlx::query("SELECT mentor_id FROM inductions WHERE starter_id = $1").bind(starter.to_string()).fetch_optional(store.pool()).await?.map(|r| parse_id(&r.get::<String, _>(0))).transpose()
}

/// Starts a starter's induction with a mentor: the plan and its steps from the template, and the
/// mentor's mentoring duty for `mentoring_months`, all or nothing. Refused for a second plan, a
/// mentor who is the starter or has left, or a mentor outside the starter's team.
pub async fn start(store: &Store, ctx: &AuditContext, starter: Uuid, by: Uuid, d: &InductionDraft, settings: &InductionSettings, workload: &WorkloadSettings) -> Result<Uuid> {
    if d.mentor == starter {
        return Err(StoreError::Refused(FieldError::new("mentor", "Choose a colleague as their mentor buddy, not the starter")));
    }
    let mut tx = store.begin().await?;
    let mentor_ok = sqlx::query("SELECT 1 FROM staff m JOIN staff s ON s.id = $2 WHERE m.id = $1 AND m.status = 'active' AND m.team_id = s.team_id")
        .bind(d.mentor.to_string())
        .bind(starter.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if mentor_ok.is_none() {
        return Err(StoreError::Refused(FieldError::new("mentor", "Choose a mentor buddy from their team")));
    }
    if sqlx::query("SELECT 1 FROM inductions WHERE starter_id = $1").bind(starter.to_string()).fetch_optional(&mut *tx).await?.is_some() {
        return Err(StoreError::NotEditable("They already have an induction plan."));
    }
    let duty = crate::workload::capacity::insert_duty(&mut tx, ctx, d.mentor, DutyKind::Mentoring, workload.duty_points(DutyKind::Mentoring), d.starts_on, Some(settings.mentoring_until(d.starts_on))).await?;
    let id = new_id();
    let (template_version, steps) = template_on(&mut tx).await?;
    sqlx::query("INSERT INTO inductions (id, starter_id, mentor_id, started_by, starts_on, mentor_duty_id, created_at, template_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(starter.to_string())
        .bind(d.mentor.to_string())
        .bind(by.to_string())
        .bind(date_text(d.starts_on))
        .bind(duty.to_string())
        .bind(ts(now()))
        .bind(template_version)
        .execute(&mut *tx)
        .await?;
    for (position, s) in steps.iter().enumerate() {
        sqlx::query("INSERT INTO induction_steps (id, induction_id, week, kind, title, position) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(new_id().to_string())
            .bind(id.to_string())
            .bind(s.week)
            .bind(s.kind.code())
            .bind(&s.title)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, ctx, Event::success("induction.started").about("staff", starter).detail(serde_json::json!({ "induction_id": id, "mentor_id": d.mentor }))).await?;
    tx.commit().await?;
    Ok(id)
}

// ---- The national template ----

/// The template as it stands: its version (0 for the shipped one), when and by whom it was
/// saved and what changed, and its steps in order.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub version: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub saved_at: Option<OffsetDateTime>,
    pub saved_by: Option<NamedRef>,
    pub changes: String,
    pub steps: Vec<TemplateStep>,
}

/// The current version and its steps, read on the connection a plan is made on.
async fn template_on(conn: &mut sqlx::AnyConnection) -> Result<(i64, Vec<TemplateStep>)> {
    let Some(version) = sqlx::query("SELECT MAX(version) FROM induction_template_versions").fetch_one(&mut *conn).await?.get::<Option<i64>, _>(0) else {
        return Ok((0, shipped_template()));
    };
    let steps = sqlx::query("SELECT week, kind, title FROM induction_template_steps WHERE version = $1 ORDER BY position")
        .bind(version)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok(TemplateStep { week: r.get(0), kind: StepKind::from_code(&r.get::<String, _>(1)).ok_or(StoreError::NotFound)?, title: r.get(2) }))
        .collect::<Result<_>>()?;
    Ok((version, steps))
}

pub async fn template(store: &Store) -> Result<Template> {
    let mut conn = store.pool().acquire().await?;
    let (version, steps) = template_on(&mut conn).await?;
    let saved = sqlx::query("SELECT v.saved_at, s.id, s.name, v.changes FROM induction_template_versions v LEFT JOIN staff s ON s.id = v.saved_by WHERE v.version = $1").bind(version).fetch_optional(&mut *conn).await?;
    Ok(match saved {
        Some(r) => Template { version, saved_at: Some(parse_ts(&r.get::<String, _>(0))?), saved_by: named(r.get(1), r.get(2))?, changes: r.get(3), steps },
        None => Template { version, saved_at: None, saved_by: None, changes: "The template Hearth ships with".into(), steps },
    })
}

/// Saves a new version of the template, if nobody saved one since `read` was read. Plans under
/// way keep the steps they were copied with.
pub async fn save_template(store: &Store, ctx: &AuditContext, by: Uuid, read: i64, steps: &[TemplateStep], changes: &str) -> Result<i64> {
    let mut tx = store.begin().await?;
    let current: i64 = sqlx::query("SELECT MAX(version) FROM induction_template_versions").fetch_one(&mut *tx).await?.get::<Option<i64>, _>(0).unwrap_or(0);
    if current != read {
        return Err(StoreError::Conflict { current });
    }
    let version = current + 1;
    // Two saves at once both read `current`: the primary key lets only one of them write it.
    sqlx::query("INSERT INTO induction_template_versions (version, saved_at, saved_by, changes) VALUES ($1, $2, $3, $4)")
        .bind(version)
        .bind(ts(now()))
        .bind(by.to_string())
        .bind(changes)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { current: version },
            _ => e.into(),
        })?;
    for (position, s) in steps.iter().enumerate() {
        sqlx::query("INSERT INTO induction_template_steps (version, position, week, kind, title) VALUES ($1, $2, $3, $4, $5)")
            .bind(version)
            .bind(position as i64)
            .bind(s.week)
            .bind(s.kind.code())
            .bind(&s.title)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, ctx, Event::success("induction_template.saved").about("induction_template", version).detail(serde_json::json!({ "version": version, "steps": steps.len() }))).await?;
    tx.commit().await?;
    Ok(version)
}

/// A starter's induction, read and audited; none if they have no plan.
pub async fn for_starter(store: &Store, ctx: &AuditContext, starter: Uuid) -> Result<Option<Induction>> {
    let Some(r) = sqlx::query(
        "SELECT i.id, i.starts_on, s.id, s.name, m.id, m.name, b.id, b.name, s.start_date, s.qualified_date, i.template_version
           FROM inductions i JOIN staff s ON s.id = i.starter_id JOIN staff m ON m.id = i.mentor_id JOIN staff b ON b.id = i.started_by
          WHERE i.starter_id = $1",
    )
    .bind(starter.to_string())
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let id = parse_id(&r.get::<String, _>(0))?;
    let steps = sqlx::query("SELECT t.id, t.week, t.kind, t.title, t.done_at, d.id, d.name FROM induction_steps t LEFT JOIN staff d ON d.id = t.done_by WHERE t.induction_id = $1 ORDER BY t.position")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|t| {
            Ok(Step {
                id: parse_id(&t.get::<String, _>(0))?,
                week: t.get(1),
                kind: StepKind::from_code(&t.get::<String, _>(2)).unwrap_or(StepKind::Meeting),
                title: t.get(3),
                done_at: t.get::<Option<String>, _>(4).as_deref().map(parse_ts).transpose()?,
                done_by: named(t.get(5), t.get(6))?,
            })
        })
        .collect::<Result<_>>()?;
    audit::record(store, ctx, Event::success("induction.viewed").about("staff", starter).detail(serde_json::json!({ "induction_id": id }))).await?;
    Ok(Some(Induction {
        id,
        starts_on: parse_date(&r.get::<String, _>(1))?,
        starter: named(r.get(2), r.get(3))?.ok_or(StoreError::NotFound)?,
        mentor: named(r.get(4), r.get(5))?.ok_or(StoreError::NotFound)?,
        started_by: named(r.get(6), r.get(7))?.ok_or(StoreError::NotFound)?,
        started_service_on: parse_date(&r.get::<String, _>(8))?,
        qualified_on: r.get::<Option<String>, _>(9).as_deref().map(parse_date).transpose()?,
        template_version: r.get(10),
        steps,
    }))
}

/// Ticks a step of the starter's plan done (or, with `done` false, not done after all).
pub async fn tick(store: &Store, ctx: &AuditContext, starter: Uuid, step: Uuid, by: Uuid, done: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query(
        "UPDATE induction_steps SET done_at = $1, done_by = $2
          WHERE id = $3 AND induction_id = (SELECT id FROM inductions WHERE starter_id = $4)",
    )
    .bind(done.then(|| ts(now())))
    .bind(done.then(|| by.to_string()))
    .bind(step.to_string())
    .bind(starter.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, ctx, Event::success(if done { "induction.step_done" } else { "induction.step_undone" }).about("staff", starter).detail(serde_json::json!({ "step_id": step }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Colleagues in the starter's team who could be their mentor buddy: everyone active but them.
pub async fn possible_mentors(store: &Store, starter: Uuid) -> Result<Vec<NamedRef>> {
    sqlx::query("SELECT m.id, m.name FROM staff m JOIN staff s ON s.id = $1 WHERE m.team_id = s.team_id AND m.id <> s.id AND m.status = 'active' ORDER BY m.name")
        .bind(starter.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }))
        .collect()
}

/// Steps done, for the demo: the first `n` of a plan, ticked by the starter.
pub async fn load_demo_progress(store: &Store, induction: Uuid, starter: Uuid, n: i64, at: OffsetDateTime) -> Result<()> {
    sqlx::query("UPDATE induction_steps SET done_at = $1, done_by = $2 WHERE induction_id = $3 AND position < $4")
        .bind(ts(at))
        .bind(starter.to_string())
        .bind(induction.to_string())
        .bind(n)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// The starters someone is mentor buddy to, by name.
pub async fn mentees_of(store: &Store, mentor: Uuid) -> Result<Vec<NamedRef>> {
    sqlx::query("SELECT s.id, s.name FROM inductions i JOIN staff s ON s.id = i.starter_id WHERE i.mentor_id = $1 AND s.status = 'active' ORDER BY s.name")
        .bind(mentor.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }))
        .collect()
}
