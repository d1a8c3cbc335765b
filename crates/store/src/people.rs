//! People's tables: supervision records and the cases each discussed; training and policies,
//! the wellbeing pulse, improvement plans and induction in their own modules.
//!
//! Saving a supervision writes, in one transaction, the record, a management oversight entry
//! and any action (as a task) on each case discussed (through `cases::oversight`), and the audit
//! events. Every read of a record is audited.

pub mod appraisals;
pub mod expenses;
pub mod group;
pub mod induction;
pub mod leave;
pub mod meetings;
pub mod office;
pub mod plans;
pub mod pulse;
pub mod sickness;
pub mod training;

use std::collections::HashMap;

use hearth_domain::FieldError;
use hearth_domain::people::{Action, CaseOversight, Discussion, NewSupervision, Revision, SupervisionFacts, oversight_entry, supervision_editable};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::facts::{self, Which};
use crate::org::{NamedRef, named};
use crate::{Page, PageRequest, Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

/// A supervision as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionSummary {
    pub id: Uuid,
    pub held_on: Date,
    pub supervisor: NamedRef,
    pub cases_discussed: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
}

/// One case discussed, as the record keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct DiscussedCase {
    pub case_id: Uuid,
    pub reference: String,
    pub reflection: String,
    pub decision: String,
}

/// A whole supervision record.
#[derive(Debug, Clone, Serialize)]
pub struct Supervision {
    pub id: Uuid,
    pub worker: NamedRef,
    pub supervisor: NamedRef,
    pub held_on: Date,
    pub wellbeing: String,
    pub development: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    pub worker_comment: Option<String>,
    pub discussions: Vec<DiscussedCase>,
    /// Restricted cases discussed that the reader is not named on: counted, not shown.
    pub restricted_withheld: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
    pub addenda: Vec<SupervisionAddendum>,
    pub version: i64,
}

/// An addendum to a record, kept after it as it was written.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionAddendum {
    pub author: NamedRef,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
    pub body: String,
}

/// The columns [`facts_of`] reads, on `s` (staff).
const FACTS: &str = "s.id, s.start_date, s.qualified_date, (SELECT MAX(held_on) FROM supervisions v WHERE v.worker_id = s.id),
    CAST(CASE WHEN EXISTS (SELECT 1 FROM improvement_plans p WHERE p.worker_id = s.id AND p.closed_on IS NULL) THEN 1 ELSE 0 END AS BIGINT)";

fn facts_of(r: &sqlx::any::AnyRow) -> Result<(Uuid, SupervisionFacts)> {
    Ok((
        parse_id(&r.get::<String, _>(0))?,
        SupervisionFacts {
            started_on: parse_date(&r.get::<String, _>(1))?,
            qualified_on: r.get::<Option<String>, _>(2).as_deref().map(parse_date).transpose()?,
            improvement_plan: r.get::<i64, _>(4) == 1,
            last_held_on: r.get::<Option<String>, _>(3).as_deref().map(parse_date).transpose()?,
        },
    ))
}

/// What decides a person's supervision cadence, and when they were last supervised.
pub async fn facts_for(store: &Store, worker: Uuid) -> Result<SupervisionFacts> {
    let sql = format!("SELECT {FACTS} FROM staff s WHERE s.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(worker.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    Ok(facts_of(&r)?.1)
}

/// The manager who acts for someone today: their line manager, or while the line manager is away,
/// the manager above (and so on up). Who decides their leave and holds their return-to-work
/// interview.
pub(crate) async fn acting_manager(conn: &mut sqlx::AnyConnection, staff_id: Uuid, today: Date) -> Result<Option<Uuid>> {
    let mut at = staff_id;
    // A chain is a handful deep; the bound stops a cycle in bad data from looping.
    for _ in 0..10 {
        let Some(r) = sqlx::query("SELECT line_manager_id FROM staff WHERE id = $1").bind(at.to_string()).fetch_optional(&mut *conn).await? else { return Ok(None) };
        let Some(m) = r.get::<Option<String>, _>(0).as_deref().map(parse_id).transpose()? else { return Ok(None) };
        let away = sqlx::query("SELECT 1 FROM absences WHERE staff_id = $1 AND cancelled_at IS NULL AND first_day <= $2 AND last_day >= $2").bind(m.to_string()).bind(date_text(today)).fetch_optional(&mut *conn).await?.is_some();
        if !away {
            return Ok(Some(m));
        }
        at = m;
    }
    Ok(None)
}

/// The walk of `acting_manager` in SQL, for lists of what waits for a manager: a
/// `WITH RECURSIVE chain (item_id, at, depth)` over `items` (a SELECT of an item's id and its
/// person's line manager), climbing past each manager away on `$2`. An item waits for `$1` when
/// `SELECT item_id FROM chain WHERE at = $1` holds it. Leave requests and expense claims both
/// use it, so the manager a request alerts is the manager whose list shows it.
pub(crate) fn decider_chain(items: &str) -> String {
    format!(
        "WITH RECURSIVE chain (item_id, at, depth) AS (
             SELECT q.item_id, q.line_manager_id, 1 FROM ({items}) q WHERE q.line_manager_id IS NOT NULL
             UNION ALL
             SELECT c.item_id, m.line_manager_id, c.depth + 1 FROM chain c JOIN staff m ON m.id = c.at
               WHERE c.depth < 10 AND m.line_manager_id IS NOT NULL
                 AND EXISTS (SELECT 1 FROM absences a WHERE a.staff_id = m.id AND a.cancelled_at IS NULL AND a.first_day <= $2 AND a.last_day >= $2))"
    )
}

/// Whose people-records to read: one person, a team, a service area or everyone active.
#[derive(Debug, Clone, Copy)]
pub enum Whose {
    Person(Uuid),
    Team(Uuid),
    Area(Uuid),
    Everyone,
}

impl Whose {
    /// The condition on `s` (staff), with the id it binds as `$1`.
    pub(crate) fn filter(self) -> (&'static str, Option<Uuid>) {
        match self {
            Whose::Person(id) => ("s.id = $1", Some(id)),
            Whose::Team(id) => ("s.team_id = $1", Some(id)),
            Whose::Area(id) => ("s.team_id IN (SELECT id FROM teams WHERE service_area_id = $1)", Some(id)),
            Whose::Everyone => ("s.status = 'active'", None),
        }
    }
}

/// The supervision facts of everyone active in a team, an area or the service: one query.
pub async fn facts_of_many(store: &Store, whose: Whose) -> Result<HashMap<Uuid, SupervisionFacts>> {
    let (filter, id) = whose.filter();
    let sql = format!("SELECT {FACTS} FROM staff s WHERE {filter} AND s.status = 'active'");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    q.fetch_all(store.pool()).await?.iter().map(facts_of).collect()
}

/// The supervision facts of everyone in a team, for My People: one query.
pub async fn team_facts(store: &Store, team_id: Uuid) -> Result<HashMap<Uuid, SupervisionFacts>> {
    facts_of_many(store, Whose::Team(team_id)).await
}

/// For everyone active in a team, an area or the service: the dates of their supervisions from
/// `from` on, in order, and their improvement plans (opened, closed), the facts
/// `held_on_time` needs. Two queries.
pub async fn supervision_history(store: &Store, whose: Whose, from: Date) -> Result<(HashMap<Uuid, Vec<Date>>, HashMap<Uuid, Vec<(Date, Option<Date>)>>)> {
    let (filter, id) = whose.filter();
    let held_sql = format!("SELECT v.worker_id, v.held_on FROM supervisions v JOIN staff s ON s.id = v.worker_id WHERE {filter} AND s.status = 'active' AND v.held_on >= $2 ORDER BY v.worker_id, v.held_on");
    let plans_sql = format!("SELECT p.worker_id, p.opened_on, p.closed_on FROM improvement_plans p JOIN staff s ON s.id = p.worker_id WHERE {filter} AND s.status = 'active'");
    let bind_id = id.map(|i| i.to_string()).unwrap_or_default();
    // `Whose::Everyone`'s filter binds no id, so the date is then the first parameter.
    let everyone = id.is_none();
    let held_sql = if everyone { held_sql.replace("$2", "$1") } else { held_sql };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(held_sql));
    if !everyone {
        q = q.bind(bind_id.clone());
    }
    let mut held: HashMap<Uuid, Vec<Date>> = HashMap::new();
    for r in q.bind(date_text(from)).fetch_all(store.pool()).await? {
        held.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(parse_date(&r.get::<String, _>(1))?);
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(plans_sql));
    if !everyone {
        q = q.bind(bind_id);
    }
    let mut plans: HashMap<Uuid, Vec<(Date, Option<Date>)>> = HashMap::new();
    for r in q.fetch_all(store.pool()).await? {
        plans.entry(parse_id(&r.get::<String, _>(0))?).or_default().push((parse_date(&r.get::<String, _>(1))?, r.get::<Option<String>, _>(2).as_deref().map(parse_date).transpose()?));
    }
    Ok((held, plans))
}

/// What the agenda is built from: each of the worker's open cases, with its overdue tasks, its
/// newest chronology entry, its court dates and flags, and court work returned since their last
/// supervision. Read through the cases and court work areas. Only the cases `viewer` may see:
/// a restricted case not naming them is not on their agenda.
pub async fn agenda_cases(store: &Store, worker: Uuid, viewer: Uuid, last_held_on: Option<Date>, today: Date) -> Result<Vec<CaseOversight>> {
    let (cases, activity, returned) = tokio::try_join!(
        facts::facts(store, Which::CarriedBy(worker), today),
        crate::cases::oversight::activity(store, worker, viewer, today),
        crate::courtwork::returned_since(store, worker, last_held_on),
    )?;
    Ok(cases
        .into_iter()
        .filter_map(|c| {
            let (overdue_tasks, last_entry_on) = activity.get(&c.id).copied()?;
            Some(CaseOversight {
                case_id: c.id,
                reference: c.reference,
                overdue_tasks,
                next_deadline: c.next_deadline,
                domestic_abuse: c.domestic_abuse,
                urgent: c.urgent,
                last_entry_on,
                received_on: c.received_on,
                work_returned: returned.get(&c.id).copied().unwrap_or(0),
            })
        })
        .collect())
}

/// Saves a supervision held by `supervisor`: the record, and for each case discussed its
/// management oversight entry and action, with the audit events, all or nothing. A case that
/// may not be discussed (not theirs, closed, restricted without the manager named) refuses the
/// whole supervision, naming the case.
pub async fn record(store: &Store, ctx: &AuditContext, worker: Uuid, supervisor: &NamedRef, s: &NewSupervision) -> Result<Uuid> {
    if worker == supervisor.id {
        return Err(StoreError::Refused(FieldError::new("held_on", "Nobody records their own supervision")));
    }
    let mut tx = store.begin().await?;
    let id = new_id();
    sqlx::query("INSERT INTO supervisions (id, worker_id, supervisor_id, held_on, wellbeing, development, recorded_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)")
        .bind(id.to_string())
        .bind(worker.to_string())
        .bind(supervisor.id.to_string())
        .bind(date_text(s.held_on))
        .bind(&s.wellbeing)
        .bind(&s.development)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    for d in &s.discussions {
        let (summary, body) = oversight_entry(d, &supervisor.name, s.held_on);
        let entry = crate::cases::oversight::record_oversight(
            &mut tx,
            &crate::cases::oversight::Oversight {
                case_id: d.case_id,
                worker,
                manager: supervisor.id,
                held_on: s.held_on,
                summary: &summary,
                body: &body,
                action: d.action.as_ref().map(|a| (a.title.as_str(), a.due_on)),
            },
        )
        .await?;
        sqlx::query("INSERT INTO supervision_cases (supervision_id, case_id, reflection, decision, entry_id, action_title, action_due) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id.to_string())
            .bind(d.case_id.to_string())
            .bind(&d.reflection)
            .bind(&d.decision)
            .bind(entry.to_string())
            .bind(d.action.as_ref().map(|a| a.title.clone()))
            .bind(d.action.as_ref().and_then(|a| a.due_on).map(date_text))
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, ctx, Event::success("case.oversight_recorded").about("case", d.case_id).detail(serde_json::json!({ "supervision_id": id, "entry_id": entry, "action": d.action.is_some() }))).await?;
    }
    audit::append(&mut tx, ctx, Event::success("supervision.recorded").about("staff", worker).detail(serde_json::json!({ "supervision_id": id, "held_on": s.held_on.to_string(), "cases": s.discussions.len() }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's supervisions, newest first.
pub async fn list_for(store: &Store, worker: Uuid, page: PageRequest) -> Result<Page<SupervisionSummary>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM supervisions WHERE worker_id = $1").bind(worker.to_string()).fetch_one(store.pool()).await?.get(0);
    let sql = format!(
        "SELECT v.id, v.held_on, m.id, m.name, (SELECT COUNT(*) FROM supervision_cases c WHERE c.supervision_id = v.id), v.acknowledged_at, v.recorded_at
           FROM supervisions v JOIN staff m ON m.id = v.supervisor_id
          WHERE v.worker_id = $1 ORDER BY v.held_on DESC, v.recorded_at DESC LIMIT {} OFFSET {}",
        page.per_page,
        page.offset()
    );
    let items = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(worker.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SupervisionSummary {
                id: parse_id(&r.get::<String, _>(0))?,
                held_on: parse_date(&r.get::<String, _>(1))?,
                supervisor: named(r.get(2), r.get(3))?.ok_or(StoreError::NotFound)?,
                cases_discussed: r.get(4),
                acknowledged_at: r.get::<Option<String>, _>(5).as_deref().map(parse_ts).transpose()?,
                recorded_at: parse_ts(&r.get::<String, _>(6))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more: false })
}

/// Reads one of a person's supervisions and audits the read. A supervision of someone else is
/// not found, whatever its id.
pub async fn view(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid) -> Result<Supervision> {
    let r = sqlx::query(
        "SELECT v.held_on, v.wellbeing, v.development, v.recorded_at, v.acknowledged_at, v.worker_comment, w.id, w.name, m.id, m.name, v.edited_at, v.version
           FROM supervisions v JOIN staff w ON w.id = v.worker_id JOIN staff m ON m.id = v.supervisor_id
          WHERE v.id = $1 AND v.worker_id = $2",
    )
    .bind(id.to_string())
    .bind(worker.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    // A restricted case's discussion is for the worker and staff named on the case, as the case
    // itself is: anyone else in the line chain sees that one was withheld, not what it said.
    let viewer = ctx.actor_id.map(|a| a.to_string()).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT s.case_id, c.reference, s.reflection, s.decision,
                CAST(CASE WHEN $2 <> $3
                           AND EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'restricted')
                           AND NOT EXISTS (SELECT 1 FROM case_named_staff n WHERE n.case_id = c.id AND n.staff_id = $2)
                          THEN 1 ELSE 0 END AS BIGINT)
           FROM supervision_cases s JOIN cases c ON c.id = s.case_id WHERE s.supervision_id = $1 ORDER BY c.reference",
    )
    .bind(id.to_string())
    .bind(&viewer)
    .bind(worker.to_string())
    .fetch_all(store.pool())
    .await?;
    let restricted_withheld = rows.iter().filter(|d| d.get::<i64, _>(4) == 1).count() as i64;
    let discussions = rows
        .iter()
        .filter(|d| d.get::<i64, _>(4) == 0)
        .map(|d| Ok(DiscussedCase { case_id: parse_id(&d.get::<String, _>(0))?, reference: d.get(1), reflection: d.get(2), decision: d.get(3) }))
        .collect::<Result<_>>()?;
    let addenda = sqlx::query(
        "SELECT a.author_id, s.name, a.written_at, a.body FROM supervision_addenda a JOIN staff s ON s.id = a.author_id WHERE a.supervision_id = $1 ORDER BY a.written_at",
    )
    .bind(id.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|a| Ok(SupervisionAddendum { author: named(a.get(0), a.get(1))?.ok_or(StoreError::NotFound)?, written_at: parse_ts(&a.get::<String, _>(2))?, body: a.get(3) }))
    .collect::<Result<_>>()?;
    audit::record(store, ctx, Event::success("supervision.viewed").about("staff", worker).detail(serde_json::json!({ "supervision_id": id }))).await?;
    Ok(Supervision {
        id,
        held_on: parse_date(&r.get::<String, _>(0))?,
        wellbeing: r.get(1),
        development: r.get(2),
        recorded_at: parse_ts(&r.get::<String, _>(3))?,
        acknowledged_at: r.get::<Option<String>, _>(4).as_deref().map(parse_ts).transpose()?,
        worker_comment: r.get(5),
        worker: named(r.get(6), r.get(7))?.ok_or(StoreError::NotFound)?,
        supervisor: named(r.get(8), r.get(9))?.ok_or(StoreError::NotFound)?,
        discussions,
        restricted_withheld,
        edited_at: r.get::<Option<String>, _>(10).as_deref().map(parse_ts).transpose()?,
        addenda,
        version: r.get(11),
    })
}

/// The day a supervision was held.
pub async fn held_on(store: &Store, supervision: Uuid) -> Result<Date> {
    parse_date(&sqlx::query("SELECT held_on FROM supervisions WHERE id = $1").bind(supervision.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?.get::<String, _>(0))
}

/// Whose supervision this is: for routes that name a supervision alone.
pub async fn worker_of(store: &Store, supervision: Uuid) -> Result<Uuid> {
    parse_id(&sqlx::query("SELECT worker_id FROM supervisions WHERE id = $1").bind(supervision.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?.get::<String, _>(0))
}

/// The worker acknowledges their record, with a comment if they wish. Once only: a second
/// acknowledgement is refused rather than replacing the first.
pub async fn acknowledge(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, comment: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE supervisions SET acknowledged_at = $1, worker_comment = $2, version = version + 1 WHERE id = $3 AND worker_id = $4 AND acknowledged_at IS NULL")
        .bind(ts(now()))
        .bind((!comment.is_empty()).then_some(comment))
        .bind(id.to_string())
        .bind(worker.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        let exists = sqlx::query("SELECT 1 FROM supervisions WHERE id = $1 AND worker_id = $2").bind(id.to_string()).bind(worker.to_string()).fetch_optional(&mut *tx).await?;
        return Err(if exists.is_some() { StoreError::NotEditable("You have already acknowledged this supervision.") } else { StoreError::NotFound });
    }
    audit::append(&mut tx, ctx, Event::success("supervision.acknowledged").about("staff", worker).detail(serde_json::json!({ "supervision_id": id, "comment": !comment.is_empty() }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a record within its edit window: only the manager who recorded it, only while the
/// worker has not acknowledged it, only at the version read. Each discussed case's oversight
/// entry is written again with the new words (its action as it was set), all or nothing.
pub async fn revise(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, editor: Uuid, version: i64, r: &Revision) -> Result<()> {
    let mut tx = store.begin().await?;
    let row = sqlx::query("SELECT v.supervisor_id, v.recorded_at, v.acknowledged_at, v.held_on, m.name FROM supervisions v JOIN staff m ON m.id = v.supervisor_id WHERE v.id = $1 AND v.worker_id = $2")
        .bind(id.to_string())
        .bind(worker.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if parse_id(&row.get::<String, _>(0))? != editor {
        return Err(StoreError::NotEditable("Only the manager who recorded a supervision can change it. Add an addendum instead."));
    }
    if !supervision_editable(parse_ts(&row.get::<String, _>(1))?, row.get::<Option<String>, _>(2).is_some(), now()) {
        return Err(StoreError::NotEditable("A supervision can be changed for 24 hours, until it is acknowledged. Add an addendum instead."));
    }
    let held_on = parse_date(&row.get::<String, _>(3))?;
    let manager: String = row.get(4);
    let n = sqlx::query("UPDATE supervisions SET wellbeing = $1, development = $2, edited_at = $3, version = version + 1 WHERE id = $4 AND version = $5")
        .bind(&r.wellbeing)
        .bind(&r.development)
        .bind(ts(now()))
        .bind(id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        let current: i64 = sqlx::query("SELECT version FROM supervisions WHERE id = $1").bind(id.to_string()).fetch_one(&mut *tx).await?.get(0);
        return Err(StoreError::Conflict { current });
    }
    for (case_id, reflection, decision) in &r.discussions {
        let Some(kept) = sqlx::query("SELECT entry_id, action_title, action_due FROM supervision_cases WHERE supervision_id = $1 AND case_id = $2")
            .bind(id.to_string())
            .bind(case_id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::Refused(FieldError::new("discussions", "Only the cases this supervision discussed can be changed")));
        };
        sqlx::query("UPDATE supervision_cases SET reflection = $1, decision = $2 WHERE supervision_id = $3 AND case_id = $4")
            .bind(reflection)
            .bind(decision)
            .bind(id.to_string())
            .bind(case_id.to_string())
            .execute(&mut *tx)
            .await?;
        let action = kept.get::<Option<String>, _>(1).map(|title| Ok::<_, StoreError>(Action { title, due_on: kept.get::<Option<String>, _>(2).as_deref().map(parse_date).transpose()? })).transpose()?;
        let discussion = Discussion { case_id: *case_id, reflection: reflection.clone(), decision: decision.clone(), action };
        if let Some(entry) = kept.get::<Option<String>, _>(0).as_deref().map(parse_id).transpose()? {
            let (summary, body) = oversight_entry(&discussion, &manager, held_on);
            crate::cases::oversight::revise_oversight(&mut tx, *case_id, entry, &summary, &body).await?;
            audit::append(&mut tx, ctx, Event::success("case.oversight_edited").about("case", *case_id).detail(serde_json::json!({ "supervision_id": id, "entry_id": entry }))).await?;
        }
    }
    audit::append(&mut tx, ctx, Event::success("supervision.edited").about("staff", worker).detail(serde_json::json!({ "supervision_id": id, "version": version + 1 }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an addendum to a record, keeping the record exactly as it was, and tells the worker
/// (unless they wrote it). The addendum is private like the record's wellbeing part: it never
/// reaches a case.
pub async fn add_addendum(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, author: Uuid, text: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let held_on = sqlx::query("SELECT held_on FROM supervisions WHERE id = $1 AND worker_id = $2").bind(id.to_string()).bind(worker.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let held_on = parse_date(&held_on.get::<String, _>(0))?;
    sqlx::query("INSERT INTO supervision_addenda (id, supervision_id, author_id, written_at, body) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id().to_string())
        .bind(id.to_string())
        .bind(author.to_string())
        .bind(ts(now()))
        .bind(text)
        .execute(&mut *tx)
        .await?;
    if author != worker {
        let message = format!("An addendum was added to your supervision of {}", hearth_domain::text::long_date(held_on));
        crate::cases::insert_notice(&mut tx, worker, &message, &format!("/staff/{worker}/supervisions/{id}"), now()).await?;
    }
    audit::append(&mut tx, ctx, Event::success("supervision.addendum_written").about("staff", worker).detail(serde_json::json!({ "supervision_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

// ---- Loading synthetic demo data (no audit: `hearth demo` records one event for the load) ----

/// A past supervision for the demo: who, by whom and when, with no cases discussed.
#[derive(Debug, Clone)]
pub struct DemoSupervision {
    pub worker: Uuid,
    pub supervisor: Uuid,
    pub held_on: Date,
    pub acknowledged: bool,
}

pub async fn load_demo(store: &Store, rows: &[DemoSupervision]) -> Result<()> {
    let mut tx = store.begin().await?;
    for chunk in rows.chunks(500) {
        let mut sql = String::from("INSERT INTO supervisions (id, worker_id, supervisor_id, held_on, wellbeing, development, recorded_at, acknowledged_at, version) VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            let at = ts(r.held_on.midnight().assume_utc() + time::Duration::hours(15));
            let ack = if r.acknowledged { format!("'{}'", ts(r.held_on.midnight().assume_utc() + time::Duration::days(2))) } else { "NULL".into() };
            if i > 0 {
                sql.push_str(", ");
            }
            // Every value is an id, a date or a timestamp Hearth made: nothing typed by anyone.
            sql.push_str(&format!("('{}', '{}', '{}', '{}', '', '', '{at}', {ack}, 1)", new_id(), r.worker, r.supervisor, date_text(r.held_on)));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
