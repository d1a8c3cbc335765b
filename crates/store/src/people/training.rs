//! Training and policy tables: courses and the roles that must do them, completions, reminders
//! sent, policies with their versions, and who has attested which version.
//!
//! Where someone stands on a course is a domain rule (`people::training::standing`); this
//! module reads the facts it needs, for one person, a team or everyone, in one query each.

use std::collections::HashMap;

use hearth_domain::FieldError;
use hearth_domain::org::Role;
use hearth_domain::people::training::{CourseDraft, PolicyDraft, Standing, TrainingSettings, standing};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

// ---- Courses ----

/// A course: its module (Markdown), how often it is renewed, and who must do it.
#[derive(Debug, Clone, Serialize)]
pub struct Course {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub renew_months: Option<i64>,
    pub mandatory_for: Vec<Role>,
    pub version: i64,
    pub created_on: Date,
    /// The quiz as written (empty for none) and its pass mark in percent.
    pub quiz: String,
    pub pass_mark: Option<i64>,
}

fn roles_of(codes: &[String]) -> Vec<Role> {
    let mut roles: Vec<Role> = codes.iter().filter_map(|c| Role::from_code(c)).collect();
    roles.sort();
    roles
}

async fn course_roles(store: &Store) -> Result<HashMap<Uuid, Vec<String>>> {
    let mut by_course: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in sqlx::query("SELECT course_id, role FROM course_roles").fetch_all(store.pool()).await? {
        by_course.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(r.get(1));
    }
    Ok(by_course)
}

fn course_of(r: &sqlx::any::AnyRow, roles: &HashMap<Uuid, Vec<String>>) -> Result<Course> {
    let id = parse_id(&r.get::<String, _>(0))?;
    Ok(Course {
        id,
        title: r.get(1),
        summary: r.get(2),
        body: r.get(3),
        renew_months: r.get(4),
        version: r.get(5),
        created_on: parse_date(&r.get::<String, _>(6))?,
        quiz: r.get(7),
        pass_mark: r.get(8),
        mandatory_for: roles_of(roles.get(&id).map(Vec::as_slice).unwrap_or_default()),
    })
}

const COURSE: &str = "SELECT id, title, summary, body, renew_months, version, created_on, quiz, pass_mark FROM courses";

/// Every course, mandatory ones first, then by title.
pub async fn courses(store: &Store) -> Result<Vec<Course>> {
    let (rows, roles) = tokio::try_join!(async { Ok(sqlx::query(sqlx::AssertSqlSafe(format!("{COURSE} ORDER BY title"))).fetch_all(store.pool()).await?) }, course_roles(store))?;
    let mut all: Vec<Course> = rows.iter().map(|r| course_of(r, &roles)).collect::<Result<_>>()?;
    all.sort_by_key(|c| c.mandatory_for.is_empty());
    Ok(all)
}

pub async fn course(store: &Store, id: Uuid) -> Result<Course> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{COURSE} WHERE id = $1"))).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    let roles = sqlx::query("SELECT role FROM course_roles WHERE course_id = $1").bind(id.to_string()).fetch_all(store.pool()).await?.iter().map(|r| r.get(0)).collect();
    course_of(&r, &HashMap::from([(id, roles)]))
}

async fn set_roles(tx: &mut sqlx::AnyConnection, table: &str, column: &str, id: Uuid, roles: &[Role]) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} = $1"))).bind(id.to_string()).execute(&mut *tx).await?;
    for role in roles {
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO {table} ({column}, role) VALUES ($1, $2)"))).bind(id.to_string()).bind(role.code()).execute(&mut *tx).await?;
    }
    Ok(())
}

/// Publishes a new course.
pub async fn create_course(store: &Store, ctx: &AuditContext, by: Option<Uuid>, d: &CourseDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = new_id();
    let at = now();
    sqlx::query("INSERT INTO courses (id, title, summary, body, renew_months, version, created_on, updated_at, updated_by, quiz, pass_mark) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10)")
        .bind(id.to_string())
        .bind(&d.title)
        .bind(&d.summary)
        .bind(&d.body)
        .bind(d.renew_months)
        .bind(date_text(at.date()))
        .bind(ts(at))
        .bind(by.map(|b| b.to_string()))
        .bind(&d.quiz)
        .bind(d.pass_mark)
        .execute(&mut *tx)
        .await?;
    set_roles(&mut tx, "course_roles", "course_id", id, &d.mandatory_for).await?;
    audit::append(&mut tx, ctx, Event::success("course.published").about("course", id).detail(serde_json::json!({ "mandatory_for": d.mandatory_for, "renew_months": d.renew_months }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves a new version of a course, if nobody saved one since `version` was read. Completions
/// keep the version they were done at.
pub async fn update_course(store: &Store, ctx: &AuditContext, by: Uuid, id: Uuid, version: i64, d: &CourseDraft) -> Result<i64> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE courses SET title = $1, summary = $2, body = $3, renew_months = $4, version = version + 1, updated_at = $5, updated_by = $6, quiz = $9, pass_mark = $10 WHERE id = $7 AND version = $8")
        .bind(&d.title)
        .bind(&d.summary)
        .bind(&d.body)
        .bind(d.renew_months)
        .bind(ts(now()))
        .bind(by.to_string())
        .bind(id.to_string())
        .bind(version)
        .bind(&d.quiz)
        .bind(d.pass_mark)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        let current = sqlx::query("SELECT version FROM courses WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        return Err(StoreError::Conflict { current: current.get(0) });
    }
    set_roles(&mut tx, "course_roles", "course_id", id, &d.mandatory_for).await?;
    audit::append(&mut tx, ctx, Event::success("course.updated").about("course", id).detail(serde_json::json!({ "version": version + 1, "mandatory_for": d.mandatory_for }))).await?;
    tx.commit().await?;
    Ok(version + 1)
}

// ---- Completions ----

/// How an attempt at a module's quiz went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub correct: usize,
    pub questions: usize,
    pub passed: bool,
}

/// Someone finishes a module, answering its quiz if it has one (`answers`, by question, the
/// option chosen), at the version they read. A module without a quiz is done; with one, the
/// answers are scored against that version's questions, the attempt is kept, and only a pass
/// records it done, in the same transaction. A module changed since it was read is refused,
/// so nobody is scored against questions they were not shown.
pub async fn finish_module(store: &Store, ctx: &AuditContext, staff: Uuid, course_id: Uuid, read: i64, answers: &[usize]) -> Result<Attempt> {
    let mut tx = store.begin().await?;
    let r = sqlx::query("SELECT version, quiz, pass_mark FROM courses WHERE id = $1").bind(course_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let version: i64 = r.get(0);
    if version != read {
        return Err(StoreError::NotEditable("The module changed after you opened it. Read it again, then finish it."));
    }
    let attempt = match hearth_domain::people::training::parse_quiz(&r.get::<String, _>(1)).map_err(StoreError::Refused)? {
        None => Attempt { correct: 0, questions: 0, passed: true },
        Some(questions) => {
            if answers.len() != questions.len() {
                return Err(StoreError::Refused(FieldError::new("answer-1", "Answer every question")));
            }
            let correct = hearth_domain::people::training::score(&questions, answers);
            let passed = hearth_domain::people::training::passes(correct, questions.len(), r.get::<Option<i64>, _>(2).unwrap_or(100));
            sqlx::query("INSERT INTO quiz_attempts (id, staff_id, course_id, course_version, correct, questions, passed, attempted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(new_id().to_string())
                .bind(staff.to_string())
                .bind(course_id.to_string())
                .bind(version)
                .bind(correct as i64)
                .bind(questions.len() as i64)
                .bind(i64::from(passed))
                .bind(ts(now()))
                .execute(&mut *tx)
                .await?;
            audit::append(&mut tx, ctx, Event::success("training.quiz_answered").about("staff", staff).detail(serde_json::json!({ "course_id": course_id, "course_version": version, "correct": correct, "questions": questions.len(), "passed": passed }))).await?;
            Attempt { correct, questions: questions.len(), passed }
        }
    };
    if attempt.passed {
        insert_completion(&mut tx, ctx, staff, course_id, version, now().date(), staff).await?;
    }
    tx.commit().await?;
    Ok(attempt)
}

/// One course done, as a person's record lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    pub id: Uuid,
    pub course_id: Uuid,
    pub course: String,
    pub course_version: i64,
    pub completed_on: Date,
    pub recorded_by: NamedRef,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// Records that `staff` completed a course on `completed_on`: by themselves, on finishing the
/// module, or by HR or a line manager for a course done elsewhere. A date in the future or
/// before the course's first version is refused.
pub async fn record_completion(store: &Store, ctx: &AuditContext, staff: Uuid, course_id: Uuid, completed_on: Date, by: Uuid) -> Result<Uuid> {
    if completed_on > now().date() {
        return Err(StoreError::Refused(FieldError::new("completed_on", "The date it was completed must be today or in the past")));
    }
    let mut tx = store.begin().await?;
    let version: i64 = sqlx::query("SELECT version FROM courses WHERE id = $1").bind(course_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    let id = insert_completion(&mut tx, ctx, staff, course_id, version, completed_on, by).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_completion(tx: &mut sqlx::AnyConnection, ctx: &AuditContext, staff: Uuid, course_id: Uuid, version: i64, completed_on: Date, by: Uuid) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO training_completions (id, staff_id, course_id, course_version, completed_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(staff.to_string())
        .bind(course_id.to_string())
        .bind(version)
        .bind(date_text(completed_on))
        .bind(by.to_string())
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(tx, ctx, Event::success("training.completed").about("staff", staff).detail(serde_json::json!({ "course_id": course_id, "course_version": version, "completed_on": date_text(completed_on) }))).await?;
    Ok(id)
}

/// A person's completions, newest first.
pub async fn completions(store: &Store, staff: Uuid) -> Result<Vec<Completion>> {
    sqlx::query(
        "SELECT t.id, t.course_id, c.title, t.course_version, t.completed_on, b.id, b.name, t.recorded_at
           FROM training_completions t JOIN courses c ON c.id = t.course_id LEFT JOIN staff b ON b.id = t.recorded_by
          WHERE t.staff_id = $1 ORDER BY t.completed_on DESC, c.title LIMIT 200",
    )
    .bind(staff.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Completion {
            id: parse_id(&r.get::<String, _>(0))?,
            course_id: parse_id(&r.get::<String, _>(1))?,
            course: r.get(2),
            course_version: r.get(3),
            completed_on: parse_date(&r.get::<String, _>(4))?,
            recorded_by: named(r.get(5), r.get(6))?.ok_or(StoreError::NotFound)?,
            recorded_at: parse_ts(&r.get::<String, _>(7))?,
        })
    })
    .collect()
}

// ---- Where people stand ----

/// One mandatory course for one person: what decides where they stand on it.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub course_id: Uuid,
    pub title: String,
    pub renew_months: Option<i64>,
    pub last_completed: Option<Date>,
    /// The later of their start and the course's first version.
    pub required_from: Date,
}

impl Requirement {
    pub fn standing(&self, today: Date, s: &TrainingSettings) -> Standing {
        standing(self.renew_months, self.last_completed, self.required_from, today, s)
    }
}

pub use super::Whose;

/// The mandatory courses of each active person (by their roles), with their latest completion.
pub async fn requirements(store: &Store, whose: Whose) -> Result<HashMap<Uuid, Vec<Requirement>>> {
    let (filter, id) = whose.filter();
    let sql = format!(
        "SELECT DISTINCT s.id, s.start_date, c.id, c.title, c.renew_months, c.created_on,
                (SELECT MAX(t.completed_on) FROM training_completions t WHERE t.staff_id = s.id AND t.course_id = c.id)
           FROM staff s JOIN staff_roles r ON r.staff_id = s.id JOIN course_roles cr ON cr.role = r.role JOIN courses c ON c.id = cr.course_id
          WHERE {filter} AND s.status = 'active'"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    let mut out: HashMap<Uuid, Vec<Requirement>> = HashMap::new();
    for r in q.fetch_all(store.pool()).await? {
        let started = parse_date(&r.get::<String, _>(1))?;
        let created = parse_date(&r.get::<String, _>(5))?;
        out.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(Requirement {
            course_id: parse_id(&r.get::<String, _>(2))?,
            title: r.get(3),
            renew_months: r.get(4),
            last_completed: r.get::<Option<String>, _>(6).as_deref().map(parse_date).transpose()?,
            required_from: started.max(created),
        });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.title.cmp(&b.title));
    }
    Ok(out)
}

/// Sends each person one alert, `expiring_days` before a mandatory course expires, linking to
/// their training. Each expiry date is reminded once, even across servers and restarts.
pub async fn remind_expiring(store: &Store, today: Date, s: &TrainingSettings) -> Result<usize> {
    let due: Vec<(Uuid, Requirement, Date)> = requirements(store, Whose::Everyone)
        .await?
        .into_iter()
        .flat_map(|(staff, reqs)| reqs.into_iter().filter_map(move |r| match r.standing(today, s) {
            Standing::Expiring { on } => Some((staff, r, on)),
            _ => None,
        }))
        .collect();
    let mut sent = 0;
    for chunk in due.chunks(200) {
        let mut tx = store.begin().await?;
        for (staff, r, on) in chunk {
            let fresh = sqlx::query("INSERT INTO training_reminders (staff_id, course_id, expires_on, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(staff.to_string())
                .bind(r.course_id.to_string())
                .bind(date_text(*on))
                .bind(ts(now()))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if fresh > 0 {
                let message = format!("Your {} training expires on {}. Do it again before then to stay up to date.", r.title, hearth_domain::text::long_date(*on));
                crate::cases::insert_notice(&mut tx, *staff, &message, &format!("/training/{}", r.course_id), now()).await?;
                sent += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

// ---- Policies ----

/// A policy at its current version.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub roles: Vec<Role>,
    pub version: PolicyVersion,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyVersion {
    pub id: Uuid,
    pub number: i64,
    pub changes: String,
    pub body: String,
    pub published_on: Date,
}

const POLICY: &str = "SELECT p.id, p.code, p.title, v.id, v.number, v.changes, v.body, v.published_on
       FROM policies p JOIN policy_versions v ON v.policy_id = p.id
      WHERE v.number = (SELECT MAX(number) FROM policy_versions w WHERE w.policy_id = p.id)";

fn policy_of(r: &sqlx::any::AnyRow, roles: &HashMap<Uuid, Vec<String>>) -> Result<Policy> {
    let id = parse_id(&r.get::<String, _>(0))?;
    Ok(Policy {
        id,
        code: r.get(1),
        title: r.get(2),
        roles: roles_of(roles.get(&id).map(Vec::as_slice).unwrap_or_default()),
        version: PolicyVersion { id: parse_id(&r.get::<String, _>(3))?, number: r.get(4), changes: r.get(5), body: r.get(6), published_on: parse_date(&r.get::<String, _>(7))? },
    })
}

async fn policy_roles(store: &Store) -> Result<HashMap<Uuid, Vec<String>>> {
    let mut by_policy: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in sqlx::query("SELECT policy_id, role FROM policy_roles").fetch_all(store.pool()).await? {
        by_policy.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(r.get(1));
    }
    Ok(by_policy)
}

/// Every policy at its current version, by title.
pub async fn policies(store: &Store) -> Result<Vec<Policy>> {
    let (rows, roles) = tokio::try_join!(async { Ok(sqlx::query(sqlx::AssertSqlSafe(format!("{POLICY} ORDER BY p.title"))).fetch_all(store.pool()).await?) }, policy_roles(store))?;
    rows.iter().map(|r| policy_of(r, &roles)).collect()
}

pub async fn policy(store: &Store, id: Uuid) -> Result<Policy> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{POLICY} AND p.id = $1"))).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    policy_of(&r, &policy_roles(store).await?)
}

/// Publishes the next version of a policy, if nobody published one since `number` was read.
/// Everyone in its roles must attest the new version.
pub async fn publish(store: &Store, ctx: &AuditContext, by: Uuid, policy_id: Uuid, number: i64, d: &PolicyDraft) -> Result<i64> {
    let mut tx = store.begin().await?;
    let current: i64 = sqlx::query("SELECT MAX(number) FROM policy_versions WHERE policy_id = $1")
        .bind(policy_id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .get::<Option<i64>, _>(0)
        .ok_or(StoreError::NotFound)?;
    if current != number {
        return Err(StoreError::Conflict { current });
    }
    insert_version(&mut tx, policy_id, current + 1, d, now().date(), Some(by)).await?;
    audit::append(&mut tx, ctx, Event::success("policy.published").about("policy", policy_id).detail(serde_json::json!({ "number": current + 1 }))).await?;
    tx.commit().await?;
    Ok(current + 1)
}

async fn insert_version(tx: &mut sqlx::AnyConnection, policy_id: Uuid, number: i64, d: &PolicyDraft, on: Date, by: Option<Uuid>) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO policy_versions (id, policy_id, number, changes, body, published_on, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(policy_id.to_string())
        .bind(number)
        .bind(&d.changes)
        .bind(&d.body)
        .bind(date_text(on))
        .bind(by.map(|b| b.to_string()))
        .execute(&mut *tx)
        .await?;
    Ok(id)
}

/// `staff` confirms they have read and understood version `number` of a policy. Only the
/// current version can be attested: a page open since a newer one was published is refused
/// (the newer text is what they must read). Attesting twice keeps the first.
pub async fn attest(store: &Store, ctx: &AuditContext, staff: Uuid, policy_id: Uuid, number: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{POLICY} AND p.id = $1"))).bind(policy_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let current: i64 = r.get(4);
    if current != number {
        return Err(StoreError::Conflict { current });
    }
    let version = r.get::<String, _>(3);
    let fresh = sqlx::query("INSERT INTO policy_attestations (staff_id, version_id, attested_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(staff.to_string())
        .bind(&version)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if fresh > 0 {
        audit::append(&mut tx, ctx, Event::success("policy.attested").about("staff", staff).detail(serde_json::json!({ "policy_id": policy_id, "number": number }))).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether each active person (of one, a team or everyone) has attested the current version of
/// each policy that applies to their roles: (policy id, title, number, attested on).
pub async fn attestations(store: &Store, whose: Whose) -> Result<HashMap<Uuid, Vec<Attestation>>> {
    let (filter, id) = whose.filter();
    let sql = format!(
        "SELECT DISTINCT s.id, p.id, p.code, p.title, v.number, (SELECT a.attested_at FROM policy_attestations a WHERE a.staff_id = s.id AND a.version_id = v.id)
           FROM staff s JOIN staff_roles r ON r.staff_id = s.id JOIN policy_roles pr ON pr.role = r.role JOIN policies p ON p.id = pr.policy_id
           JOIN policy_versions v ON v.policy_id = p.id AND v.number = (SELECT MAX(number) FROM policy_versions w WHERE w.policy_id = p.id)
          WHERE {filter} AND s.status = 'active'"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    let mut out: HashMap<Uuid, Vec<Attestation>> = HashMap::new();
    for r in q.fetch_all(store.pool()).await? {
        out.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(Attestation {
            policy_id: parse_id(&r.get::<String, _>(1))?,
            code: r.get(2),
            title: r.get(3),
            number: r.get(4),
            attested_at: r.get::<Option<String>, _>(5).as_deref().map(parse_ts).transpose()?,
        });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.title.cmp(&b.title));
    }
    Ok(out)
}

/// One policy that applies to a person, at its current version, and whether they attested it.
#[derive(Debug, Clone, Serialize)]
pub struct Attestation {
    pub policy_id: Uuid,
    pub code: String,
    pub title: String,
    pub number: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub attested_at: Option<OffsetDateTime>,
}

/// The current version of a policy (by code) that `staff` has not yet attested, if it applies to
/// them: for a reminder where the policy matters (the domestic abuse policy before a section 16A
/// risk assessment).
pub async fn unattested(store: &Store, staff: Uuid, code: &str) -> Result<Option<Attestation>> {
    Ok(attestations(store, Whose::Person(staff)).await?.remove(&staff).unwrap_or_default().into_iter().find(|a| a.code == code && a.attested_at.is_none()))
}

// ---- Loading synthetic demo data (no audit: `hearth demo` records one event for the load) ----

/// A course for the demo, created `created_on`.
pub struct DemoCourse<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub renew_months: Option<i64>,
    pub mandatory_for: &'a [Role],
    pub created_on: Date,
    /// The quiz as written (empty for none), with its pass mark.
    pub quiz: &'a str,
    pub pass_mark: Option<i64>,
}

pub async fn load_demo_course(store: &Store, c: &DemoCourse<'_>) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = new_id();
    sqlx::query("INSERT INTO courses (id, title, summary, body, renew_months, version, created_on, updated_at, quiz, pass_mark) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9)")
        .bind(id.to_string())
        .bind(c.title)
        .bind(c.summary)
        .bind(c.body)
        .bind(c.renew_months)
        .bind(date_text(c.created_on))
        .bind(ts(c.created_on.midnight().assume_utc()))
        .bind(c.quiz)
        .bind(c.pass_mark)
        .execute(&mut *tx)
        .await?;
    set_roles(&mut tx, "course_roles", "course_id", id, c.mandatory_for).await?;
    tx.commit().await?;
    Ok(id)
}

/// Completions as (person, course, date), recorded by the person themselves.
pub async fn load_demo_completions(store: &Store, rows: &[(Uuid, Uuid, Date)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for chunk in rows.chunks(500) {
        let mut sql = String::from("INSERT INTO training_completions (id, staff_id, course_id, course_version, completed_on, recorded_by, recorded_at) VALUES ");
        for (i, (staff, course, on)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            // Every value is an id or a date Hearth made: nothing typed by anyone.
            sql.push_str(&format!("('{}', '{staff}', '{course}', 1, '{}', '{staff}', '{}')", new_id(), date_text(*on), ts(on.midnight().assume_utc() + time::Duration::hours(11))));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A policy with its versions as (draft, published on), oldest first; returns each version's id.
pub async fn load_demo_policy(store: &Store, code: &str, title: &str, roles: &[Role], versions: &[(PolicyDraft, Date)]) -> Result<(Uuid, Vec<Uuid>)> {
    let mut tx = store.begin().await?;
    let id = new_id();
    sqlx::query("INSERT INTO policies (id, code, title) VALUES ($1, $2, $3)").bind(id.to_string()).bind(code).bind(title).execute(&mut *tx).await?;
    set_roles(&mut tx, "policy_roles", "policy_id", id, roles).await?;
    let mut ids = vec![];
    for (n, (d, on)) in versions.iter().enumerate() {
        ids.push(insert_version(&mut tx, id, n as i64 + 1, d, *on, None).await?);
    }
    tx.commit().await?;
    Ok((id, ids))
}

/// Attestations as (person, policy version, when).
pub async fn load_demo_attestations(store: &Store, rows: &[(Uuid, Uuid, OffsetDateTime)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for chunk in rows.chunks(500) {
        let mut sql = String::from("INSERT INTO policy_attestations (staff_id, version_id, attested_at) VALUES ");
        for (i, (staff, version, at)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("('{staff}', '{version}', '{}')", ts(*at)));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
