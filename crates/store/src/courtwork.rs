//! Court work: templates, drafts with their history, sign-off and filing.
//!
//! Every step is one transaction with its chronology entry (where the case record should show it)
//! and audit event. Filing checks the author's authority inside its transaction
//! ([`crate::quality`]), so authority revoked a moment before is never used.

use hearth_domain::FieldError;
use hearth_domain::cases::EntryKind;
use hearth_domain::cases::deadlines::DeadlineSettings;
use hearth_domain::courtwork::{FilingMethod, FilingRoute, Sections, TemplateSection, WorkStatus, check_complete, check_decider, default_template, filing_route, total_words};
use hearth_domain::documents::{DocumentKind, FileType};
use hearth_domain::quality::{AutonomyChange, AutonomyEvent, AutonomySettings, Grade, WorkType};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::{code, entry_row, insert_alerts, require_open};
use crate::documents::Files;
use crate::org::{NamedRef, named};
use crate::quality::{self, Source};
use crate::{Result, Store, StoreError, conflict_or_missing, new_id, now, parse_date, parse_id, parse_ts, ts};

pub mod bulk;

/// One published version of a work type's sections.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub id: Uuid,
    pub work_type: WorkType,
    pub version: i64,
    pub sections: Vec<TemplateSection>,
    pub published_by: Option<NamedRef>,
    pub published_at: OffsetDateTime,
}

fn template(r: &AnyRow) -> Result<Template> {
    Ok(Template {
        id: parse_id(&r.get::<String, _>(0))?,
        work_type: code(r.get(1), WorkType::from_code)?,
        version: r.get(2),
        sections: json(&r.get::<String, _>(3))?,
        published_by: named(r.get(4), r.get(5))?,
        published_at: parse_ts(&r.get::<String, _>(6))?,
    })
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

const TEMPLATE_SELECT: &str = "SELECT w.id, w.work_type, w.version, w.sections, s.id, s.name, w.published_at FROM work_templates w LEFT JOIN staff s ON s.id = w.published_by";

/// The version of a work type's template now in force. The first use of a type publishes the
/// national default as version 1.
async fn current_template_in(conn: &mut AnyConnection, work_type: WorkType) -> Result<Template> {
    let sql = format!("{TEMPLATE_SELECT} WHERE w.work_type = $1 ORDER BY w.version DESC LIMIT 1");
    if let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(work_type.code()).fetch_optional(&mut *conn).await? {
        return template(&r);
    }
    let sections = serde_json::to_string(&default_template(work_type)).expect("templates serialise");
    sqlx::query("INSERT INTO work_templates (id, work_type, version, sections, published_by, published_at) VALUES ($1, $2, 1, $3, NULL, $4) ON CONFLICT DO NOTHING")
        .bind(new_id().to_string())
        .bind(work_type.code())
        .bind(sections)
        .bind(ts(now()))
        .execute(&mut *conn)
        .await?;
    template(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(work_type.code()).fetch_one(&mut *conn).await?)
}

/// The template now in force for each work type.
pub async fn templates(store: &Store) -> Result<Vec<Template>> {
    let mut conn = store.pool().acquire().await?;
    let mut out = vec![];
    for t in WorkType::ALL {
        out.push(current_template_in(&mut conn, *t).await?);
    }
    Ok(out)
}

pub async fn current_template(store: &Store, work_type: WorkType) -> Result<Template> {
    let mut conn = store.pool().acquire().await?;
    current_template_in(&mut conn, work_type).await
}

/// Publishes a new national version of a work type's template, if the version the administrator
/// read is still the current one. Drafts already started keep theirs.
pub async fn publish_template(store: &Store, ctx: &AuditContext, work_type: WorkType, sections: &[TemplateSection], read_version: i64) -> Result<i64> {
    let mut tx = store.begin().await?;
    let current = current_template_in(&mut tx, work_type).await?;
    if current.version != read_version {
        return Err(StoreError::Conflict { current: current.version });
    }
    let version = current.version + 1;
    let id = new_id();
    sqlx::query("INSERT INTO work_templates (id, work_type, version, sections, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(work_type.code())
        .bind(version)
        .bind(serde_json::to_string(sections).expect("templates serialise"))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::unique_violation(e, "work_templates_type_version", "version"))?;
    audit::append(&mut tx, ctx, Event::success("template.published").about("work_template", id).detail(serde_json::json!({ "work_type": work_type, "version": version }))).await?;
    tx.commit().await?;
    Ok(version)
}

/// A piece of court work.
#[derive(Debug, Clone, Serialize)]
pub struct Work {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub work_type: WorkType,
    pub template_version: i64,
    #[serde(skip)]
    pub template: Vec<TemplateSection>,
    pub author: NamedRef,
    pub status: WorkStatus,
    pub sections: Sections,
    pub word_count: i64,
    /// The court's filing date this work is for, when one was set.
    pub due_on: Option<Date>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub approved_by: Option<NamedRef>,
    pub approved_at: Option<OffsetDateTime>,
    /// Only for those who may see the author's grades: the page decides.
    #[serde(skip)]
    pub grade: Option<Grade>,
    pub filed_at: Option<OffsetDateTime>,
    pub filed_by: Option<NamedRef>,
    pub filing_method: Option<FilingMethod>,
    pub filing_route: Option<FilingRoute>,
    pub document_id: Option<Uuid>,
    pub withheld_from: Option<NamedRef>,
    pub version: i64,
}

impl Work {
    /// Filed after the court's filing date.
    pub fn filed_late(&self) -> bool {
        matches!((self.filed_at, self.due_on), (Some(f), Some(d)) if f.date() > d)
    }
}

const SELECT: &str = "SELECT w.id, w.case_id, c.reference, w.work_type, t.version, t.sections, a.id, a.name, w.status, w.sections, w.word_count, w.due_on,
        w.created_at, w.updated_at, w.submitted_at, ap.id, ap.name, w.approved_at, w.grade, w.filed_at, fb.id, fb.name, w.filing_method, w.filing_route,
        w.document_id, p.id, p.full_name, w.version
     FROM work w JOIN cases c ON c.id = w.case_id JOIN work_templates t ON t.id = w.template_id JOIN staff a ON a.id = w.author_id
     LEFT JOIN staff ap ON ap.id = w.approved_by LEFT JOIN staff fb ON fb.id = w.filed_by LEFT JOIN people p ON p.id = w.withheld_from";

fn opt_ts(v: Option<String>) -> Result<Option<OffsetDateTime>> {
    v.map(|t| parse_ts(&t)).transpose()
}

fn work(r: &AnyRow) -> Result<Work> {
    Ok(Work {
        id: parse_id(&r.get::<String, _>(0))?,
        case_id: parse_id(&r.get::<String, _>(1))?,
        case_reference: r.get(2),
        work_type: code(r.get(3), WorkType::from_code)?,
        template_version: r.get(4),
        template: json(&r.get::<String, _>(5))?,
        author: NamedRef { id: parse_id(&r.get::<String, _>(6))?, name: r.get(7) },
        status: code(r.get(8), WorkStatus::from_code)?,
        sections: json(&r.get::<String, _>(9))?,
        word_count: r.get(10),
        due_on: r.get::<Option<String>, _>(11).map(|d| parse_date(&d)).transpose()?,
        created_at: parse_ts(&r.get::<String, _>(12))?,
        updated_at: parse_ts(&r.get::<String, _>(13))?,
        submitted_at: opt_ts(r.get(14))?,
        approved_by: named(r.get(15), r.get(16))?,
        approved_at: opt_ts(r.get(17))?,
        grade: r.get::<Option<String>, _>(18).map(|g| code(g, Grade::from_code)).transpose()?,
        filed_at: opt_ts(r.get(19))?,
        filed_by: named(r.get(20), r.get(21))?,
        filing_method: r.get::<Option<String>, _>(22).map(|m| code(m, FilingMethod::from_code)).transpose()?,
        filing_route: r.get::<Option<String>, _>(23).map(|c| code(c, FilingRoute::from_code)).transpose()?,
        document_id: r.get::<Option<String>, _>(24).map(|d| parse_id(&d)).transpose()?,
        withheld_from: named(r.get(25), r.get(26))?,
        version: r.get(27),
    })
}

pub async fn get(store: &Store, id: Uuid) -> Result<Work> {
    let sql = format!("{SELECT} WHERE w.id = $1");
    work(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// The case a piece of work belongs to, for the access check before anything else is read.
pub async fn case_of(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT case_id FROM work WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

/// A case's court work, newest first.
pub async fn for_case(store: &Store, case_id: Uuid) -> Result<Vec<Work>> {
    let sql = format!("{SELECT} WHERE w.case_id = $1 ORDER BY w.created_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).fetch_all(store.pool()).await?.iter().map(work).collect()
}

/// A worker's work not yet filed, soonest due first: their court-work task list.
pub async fn unfiled_for(store: &Store, author: Uuid) -> Result<Vec<Work>> {
    let sql = format!("{SELECT} WHERE w.author_id = $1 AND w.status IN ({}) ORDER BY CASE WHEN w.due_on IS NULL THEN 1 ELSE 0 END, w.due_on, w.created_at", unfiled());
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(author.to_string()).fetch_all(store.pool()).await?.iter().map(work).collect()
}

/// Work waiting for sign-off by any of these authors, oldest first.
pub async fn awaiting_sign_off(store: &Store, authors: &[Uuid]) -> Result<Vec<Work>> {
    if authors.is_empty() {
        return Ok(vec![]);
    }
    let marks: Vec<String> = (1..=authors.len()).map(|i| format!("${i}")).collect();
    let sql = format!("{SELECT} WHERE w.status = 'submitted' AND w.author_id IN ({}) ORDER BY w.submitted_at", marks.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in authors {
        q = q.bind(a.to_string());
    }
    q.fetch_all(store.pool()).await?.iter().map(work).collect()
}

/// One saved state of a draft.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub revision: i64,
    pub word_count: i64,
    pub saved_by: Option<NamedRef>,
    pub saved_at: OffsetDateTime,
    pub sections: Sections,
}

/// A piece's saves, newest first.
pub async fn revisions(store: &Store, work_id: Uuid) -> Result<Vec<Revision>> {
    let rows = sqlx::query(
        "SELECT r.revision, r.word_count, s.id, s.name, r.saved_at, r.sections FROM work_revisions r LEFT JOIN staff s ON s.id = r.saved_by WHERE r.work_id = $1 ORDER BY r.revision DESC",
    )
    .bind(work_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(Revision { revision: r.get(0), word_count: r.get(1), saved_by: named(r.get(2), r.get(3))?, saved_at: parse_ts(&r.get::<String, _>(4))?, sections: json(&r.get::<String, _>(5))? }))
        .collect()
}

/// A manager's comment on a section, made when returning the work.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub round: i64,
    pub section_key: String,
    pub body: String,
    pub author: Option<NamedRef>,
    pub written_at: OffsetDateTime,
}

/// A piece's comments, latest return first.
pub async fn comments(store: &Store, work_id: Uuid) -> Result<Vec<Comment>> {
    let rows = sqlx::query(
        "SELECT m.round, m.section_key, m.body, s.id, s.name, m.written_at FROM work_comments m LEFT JOIN staff s ON s.id = m.author_id WHERE m.work_id = $1 ORDER BY m.round DESC, m.written_at",
    )
    .bind(work_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(Comment { round: r.get(0), section_key: r.get(1), body: r.get(2), author: named(r.get(3), r.get(4))?, written_at: parse_ts(&r.get::<String, _>(5))? }))
        .collect()
}

/// Starts a piece of work on an open case for its author, on the template now in force. Its due
/// date is the case's next unfiled court filing date, if one is set.
pub async fn start(store: &Store, ctx: &AuditContext, case_id: Uuid, work_type: WorkType, author: Uuid) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let template = current_template_in(&mut tx, work_type).await?;
    let due: Option<String> = sqlx::query("SELECT MIN(due_on) FROM filing_dates WHERE case_id = $1 AND filed_on IS NULL")
        .bind(case_id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
    let id = new_id();
    let at = ts(now());
    sqlx::query(
        "INSERT INTO work (id, case_id, work_type, template_id, author_id, status, sections, word_count, due_on, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, 'draft', '{}', 0, $6, $7, $7, 1)",
    )
    .bind(id.to_string())
    .bind(case_id.to_string())
    .bind(work_type.code())
    .bind(template.id.to_string())
    .bind(author.to_string())
    .bind(due)
    .bind(&at)
    .execute(&mut *tx)
    .await?;
    audit::append(&mut tx, ctx, Event::success("work.started").about("case", case_id).detail(serde_json::json!({ "work_id": id, "work_type": work_type }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The facts a step needs, read inside its transaction.
struct Held {
    case_id: Uuid,
    reference: String,
    work_type: WorkType,
    author: Uuid,
    status: WorkStatus,
    sections: Sections,
    template: Vec<TemplateSection>,
    due_on: Option<String>,
}

async fn held(conn: &mut AnyConnection, id: Uuid) -> Result<Held> {
    let r = sqlx::query(
        "SELECT w.case_id, c.reference, w.work_type, w.author_id, w.status, w.sections, t.sections, w.due_on FROM work w JOIN cases c ON c.id = w.case_id
         JOIN work_templates t ON t.id = w.template_id WHERE w.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Held {
        case_id: parse_id(&r.get::<String, _>(0))?,
        reference: r.get(1),
        work_type: code(r.get(2), WorkType::from_code)?,
        author: parse_id(&r.get::<String, _>(3))?,
        status: code(r.get(4), WorkStatus::from_code)?,
        sections: json(&r.get::<String, _>(5))?,
        template: json(&r.get::<String, _>(6))?,
        due_on: r.get(7),
    })
}

/// Sets text columns of the work if it is still at `version`, or says why not. Gives the new version.
async fn claim(conn: &mut AnyConnection, id: Uuid, version: i64, set: &str, binds: &[Option<String>]) -> Result<i64> {
    let sql = format!("UPDATE work SET {set}, version = version + 1, updated_at = ${} WHERE id = ${} AND version = ${}", binds.len() + 1, binds.len() + 2, binds.len() + 3);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b.clone());
    }
    let n = q.bind(ts(now())).bind(id.to_string()).bind(version).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(conn, "work", id).await);
    }
    Ok(version + 1)
}

fn refused(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Refused(FieldError::new(field, message))
}

fn not_editable(status: WorkStatus) -> StoreError {
    refused("sections", format!("This can no longer be changed: it is {}", status.label().to_lowercase()))
}

/// Saves a draft's text (already checked against its template) at the version it was read, and
/// keeps the save in the history. Gives the new version.
pub async fn save(store: &Store, ctx: &AuditContext, id: Uuid, sections: &Sections, version: i64) -> Result<i64> {
    let mut tx = store.begin().await?;
    let h = held(&mut tx, id).await?;
    if !h.status.editable() {
        return Err(not_editable(h.status));
    }
    let text = serde_json::to_string(sections).expect("sections serialise");
    let words = total_words(sections) as i64;
    let n = sqlx::query("UPDATE work SET sections = $1, word_count = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5")
        .bind(&text)
        .bind(words)
        .bind(ts(now()))
        .bind(id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "work", id).await);
    }
    let new_version = version + 1;
    sqlx::query("INSERT INTO work_revisions (work_id, revision, sections, word_count, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(new_version)
        .bind(text)
        .bind(words)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("work.saved").about("case", h.case_id).detail(serde_json::json!({ "work_id": id, "version": new_version, "words": words }))).await?;
    tx.commit().await?;
    Ok(new_version)
}

/// The author's line manager, to be alerted to their work.
async fn line_managers(conn: &mut AnyConnection, staff_id: Uuid) -> Result<Vec<String>> {
    let r = sqlx::query("SELECT line_manager_id FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_one(&mut *conn).await?;
    Ok(r.get::<Option<String>, _>(0).into_iter().collect())
}

/// Sends complete work to the author's manager for sign-off.
pub async fn submit(store: &Store, ctx: &AuditContext, id: Uuid, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let h = held(&mut tx, id).await?;
    require_open(&mut tx, h.case_id).await?;
    if !h.status.editable() {
        return Err(not_editable(h.status));
    }
    if let Err(errors) = check_complete(&h.template, &h.sections) {
        return Err(StoreError::Refused(errors.into_iter().next().expect("at least one")));
    }
    let at = now();
    claim(&mut tx, id, version, "status = 'submitted', submitted_at = $1", &[Some(ts(at))]).await?;
    let label = h.work_type.label();
    let managers = line_managers(&mut tx, h.author).await?;
    insert_alerts(&mut tx, &managers, h.case_id, &format!("{label} on {} is waiting for your sign-off.", h.reference), at).await?;
    entry_row(&mut tx, h.case_id, EntryKind::Document, at.date(), &format!("{label} submitted for sign-off"), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("work.submitted").about("case", h.case_id).detail(serde_json::json!({ "work_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// The decider is not the author, and the work is waiting for a decision.
fn check_decision(h: &Held, ctx: &AuditContext) -> Result<()> {
    if let Some(actor) = ctx.actor_id {
        check_decider(h.author, actor).map_err(StoreError::Refused)?;
    }
    if h.status != WorkStatus::Submitted {
        return Err(refused("decision", format!("This is not waiting for sign-off: it is {}", h.status.label().to_lowercase())));
    }
    Ok(())
}

/// Returns submitted work to its author with comments on its sections (section key, comment).
pub async fn return_work(store: &Store, ctx: &AuditContext, id: Uuid, comments: &[(String, String)], version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let h = held(&mut tx, id).await?;
    check_decision(&h, ctx)?;
    if comments.is_empty() {
        return Err(refused("comments", "Write a comment on at least one section, so the author knows what to change"));
    }
    if let Some((key, _)) = comments.iter().find(|(k, _)| !h.template.iter().any(|s| &s.key == k)) {
        return Err(refused("comments", format!("“{key}” is not a section of this report")));
    }
    let at = now();
    claim(&mut tx, id, version, "status = 'returned'", &[]).await?;
    let round: i64 = sqlx::query("SELECT COALESCE(MAX(round), 0) + 1 FROM work_comments WHERE work_id = $1").bind(id.to_string()).fetch_one(&mut *tx).await?.get(0);
    for (key, body) in comments {
        sqlx::query("INSERT INTO work_comments (id, work_id, round, section_key, body, author_id, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id().to_string())
            .bind(id.to_string())
            .bind(round)
            .bind(key)
            .bind(body)
            .bind(ctx.actor_id.map(|a| a.to_string()))
            .bind(ts(at))
            .execute(&mut *tx)
            .await?;
    }
    let label = h.work_type.label();
    insert_alerts(&mut tx, &[h.author.to_string()], h.case_id, &format!("Your {} on {} was returned with comments.", label.to_lowercase(), h.reference), at).await?;
    entry_row(&mut tx, h.case_id, EntryKind::ManagementOversight, at.date(), &format!("{label} returned with comments"), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("work.returned").about("case", h.case_id).detail(serde_json::json!({ "work_id": id, "round": round, "sections": comments.iter().map(|(k, _)| k).collect::<Vec<_>>() }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Approves submitted work with a grade, which counts towards (or takes away) the author's
/// autonomy in its work type. Gives the change in authority, if any.
pub async fn approve(store: &Store, ctx: &AuditContext, id: Uuid, grade: Grade, version: i64, settings: &AutonomySettings) -> Result<Option<AutonomyChange>> {
    let mut tx = store.begin().await?;
    let h = held(&mut tx, id).await?;
    check_decision(&h, ctx)?;
    let at = now();
    claim(&mut tx, id, version, "status = 'approved', approved_by = $1, approved_at = $2, grade = $3", &[ctx.actor_id.map(|a| a.to_string()), Some(ts(at)), Some(grade.code().into())])
        .await?;
    let change = quality::apply(&mut tx, ctx, h.author, h.work_type, AutonomyEvent::Graded(grade), Source { work_id: Some(id), ..Default::default() }, settings).await?;
    let label = h.work_type.label();
    let granted = if change == Some(AutonomyChange::Granted) { format!(" You can now file {} work without sign-off.", label.to_lowercase()) } else { String::new() };
    insert_alerts(&mut tx, &[h.author.to_string()], h.case_id, &format!("Your {} on {} was approved and can be filed.{granted}", label.to_lowercase(), h.reference), at).await?;
    entry_row(&mut tx, h.case_id, EntryKind::ManagementOversight, at.date(), &format!("{label} approved for filing"), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("work.approved").about("case", h.case_id).detail(serde_json::json!({ "work_id": id, "grade": grade, "author_id": h.author }))).await?;
    tx.commit().await?;
    Ok(change)
}

/// How filing went.
#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    pub document_id: Uuid,
    pub sha256: String,
    pub route: FilingRoute,
}

/// What a filing needs besides the work itself.
pub struct Filing<'a> {
    pub method: FilingMethod,
    /// A party a safeguarding letter must not go to.
    pub withheld_from: Option<Uuid>,
    /// The typeset report, made from the work as read at `version`.
    pub pdf: &'a [u8],
    pub title: &'a str,
    pub version: i64,
}

/// Files the work: the PDF becomes an immutable document on the case, its SHA-256 goes in the
/// audit trail, and the work is filed. Approved work files on its sign-off; a draft files only if
/// the filer holds authority for its type at this moment, checked under the lock that revocation
/// takes. Filing a case closure closes the case.
pub async fn file(store: &Store, files: &Files, deadlines: &DeadlineSettings, ctx: &AuditContext, id: Uuid, filing: &Filing<'_>) -> Result<Filed> {
    let sha = crate::documents::put_document(files, filing.pdf).await?;
    let mut tx = store.begin().await?;
    let h = held(&mut tx, id).await?;
    require_open(&mut tx, h.case_id).await?;
    let filer = ctx.actor_id.unwrap_or(h.author);
    let authorised = h.status.editable() && quality::lock_authority(&mut tx, filer, h.work_type).await?;
    let route = filing_route(h.work_type, h.status, authorised).map_err(StoreError::Refused)?;
    if route == FilingRoute::OwnAuthority
        && let Err(errors) = check_complete(&h.template, &h.sections)
    {
        return Err(StoreError::Refused(errors.into_iter().next().expect("at least one")));
    }
    if filing.withheld_from.is_some() && h.work_type != WorkType::SafeguardingLetter {
        return Err(refused("withheld_from", "Only a safeguarding letter is withheld from a party"));
    }
    let kind = if h.work_type == WorkType::SafeguardingLetter { DocumentKind::Letter } else { DocumentKind::Report };
    let document_id = crate::documents::insert_row(&mut tx, ctx, h.case_id, kind, filing.title, FileType::Pdf, filing.pdf.len(), &sha, None, filing.withheld_from).await?;
    let at = now();
    claim(
        &mut tx,
        id,
        filing.version,
        "status = 'filed', filed_at = $1, filed_by = $2, filing_method = $3, filing_route = $4, document_id = $5, withheld_from = $6",
        &[
            Some(ts(at)),
            ctx.actor_id.map(|a| a.to_string()),
            Some(filing.method.code().into()),
            Some(route.code().into()),
            Some(document_id.to_string()),
            filing.withheld_from.map(|p| p.to_string()),
        ],
    )
    .await?;
    if let Some(due) = &h.due_on {
        crate::cases::filing_met(&mut tx, h.case_id, due, at.date()).await?;
    }
    let label = h.work_type.label();
    let how = route.label().to_lowercase();
    entry_row(&mut tx, h.case_id, EntryKind::Document, at.date(), &format!("{label} filed ({}, {how})", filing.method.label().to_lowercase()), None, ctx.actor_id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("work.filed").about("case", h.case_id).detail(serde_json::json!({
            "work_id": id, "document_id": document_id, "sha256": sha, "route": route, "method": filing.method, "withheld_from": filing.withheld_from,
        })),
    )
    .await?;
    if h.work_type == WorkType::CaseClosure {
        let outcome = h.sections.get("outcome").cloned().unwrap_or_default();
        crate::cases::close_on_filing(&mut tx, deadlines, ctx, h.case_id, &outcome).await?;
    }
    tx.commit().await?;
    Ok(Filed { document_id, sha256: sha, route })
}

/// The kinds of court work these authors have in progress (not yet filed), by case: the
/// weighting tool counts a case by the work being done on it.
/// The statuses of work not yet filed, as an SQL list: listed, so the index on (author, status)
/// finds just them, where `<> 'filed'` would read every piece each author has ever filed.
fn unfiled() -> String {
    WorkStatus::ALL.iter().filter(|s| **s != WorkStatus::Filed).map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

pub async fn in_progress_by(store: &Store, authors: &[Uuid]) -> Result<Vec<(Uuid, WorkType)>> {
    if authors.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!("SELECT case_id, work_type FROM work WHERE author_id IN ({}) AND status IN ({})", crate::placeholders(1, authors.len()), unfiled());
    let rows = crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), authors).fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, code(r.get(1), WorkType::from_code)?))).collect()
}

/// For supervision: per case, the worker's court work returned with comments, or graded below
/// good, since `since` (their last supervision).
pub async fn returned_since(store: &Store, author: Uuid, since: Option<Date>) -> Result<std::collections::HashMap<Uuid, i64>> {
    let from = since.map(|d| ts(d.midnight().assume_utc())).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT case_id, COUNT(*) FROM work
          WHERE author_id = $1 AND updated_at >= $2 AND (status = 'returned' OR grade IN ('requires_improvement', 'inadequate'))
          GROUP BY case_id",
    )
    .bind(author.to_string())
    .bind(from)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<i64, _>(1)))).collect()
}
