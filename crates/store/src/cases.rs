//! The case record's tables: cases with their applications and flags, the people in them and
//! their addresses, hearings, court-set filing dates, safeguarding checks, the chronology and tasks.
//!
//! Every change writes its chronology entry (where the change belongs in the case's story) and its
//! audit event in the same transaction. Every read of a case record is audited.

use hearth_domain::access::CasePlacement;
use hearth_domain::cases::deadlines::{CaseDates, Deadline, DeadlineSettings};
use hearth_domain::cases::{
    ApplicationKind, CaseEdit, CaseFlag, CaseStatus, CheckKind, CheckStatus, ClosureReason, ContactChannel, EntryKind, HearingKind, LawType,
    NewCase, NewHearing, NewNote, NewParticipant, PartyRole, PersonKind, Relationship, SearchTerms, Stage, case_reference, name_keys, note_editable,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};

mod break_glass;
pub mod bulk;
mod chronology;
pub mod oversight;
pub mod facts;
pub mod figures;
pub mod named;
mod people;
mod search;
pub mod transfers;

pub use break_glass::*;
pub use chronology::*;
pub use named::{name_staff, named_staff, unname_staff};
pub use people::*;
pub use search::*;
use crate::{Engine, Page, PageRequest, Result, Store, StoreError, claim_version, conflict_or_missing, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

// ---- Reading ----

/// A case as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: Uuid,
    pub reference: String,
    pub court_case_number: String,
    pub law: LawType,
    pub stage: Stage,
    pub status: CaseStatus,
    pub team: NamedRef,
    pub allocated_to: Option<NamedRef>,
    pub received_on: Date,
    pub first_hearing_on: Option<Date>,
    /// The children's names, for finding the right case at a glance.
    pub children: Vec<String>,
}

/// Which cases a list shows. Every filter narrows; none set lists everything the caller may see.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub allocated_to: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub service_area_id: Option<Uuid>,
    pub status: Option<CaseStatus>,
    pub law: Option<LawType>,
    /// Only cases waiting for a worker: the allocation hub.
    pub unallocated: bool,
    /// A case reference, court case number or the name of someone in the case.
    pub text: Option<String>,
    /// Limits the list to what the caller may see: these teams, and these cases allocated to them
    /// or to people they manage. `None` means no limit (a national grant).
    pub visible: Option<Visibility>,
}

/// The cases a member of staff may see, worked out from the permission table by the caller. It
/// mirrors `Relationships::to_case`: a restricted case shows only to its allocated worker and the
/// staff named on it, whatever else they hold.
#[derive(Debug, Clone)]
pub struct Visibility {
    /// The person asking.
    pub staff_id: Uuid,
    /// Their own cases: allocated to them, or restricted and naming them.
    pub own: bool,
    /// Every case not closed to them (a national grant).
    pub everywhere: bool,
    pub allocated_to_any_of: Vec<Uuid>,
    pub team_ids: Vec<Uuid>,
    pub service_area_ids: Vec<Uuid>,
}

impl Visibility {
    /// Sees nothing until a scope is added.
    pub fn none(staff_id: Uuid) -> Self {
        Self { staff_id, own: false, everywhere: false, allocated_to_any_of: vec![], team_ids: vec![], service_area_ids: vec![] }
    }
}

/// A page of case summaries with, last, the number of cases the whole filter matches. The filter,
/// count and order run on `cases` alone; names are joined to the page's rows only, so a search
/// matching thousands of cases does not join thousands of names to return twenty-five.
fn summary_page(filter: &str, order: &str, limit: i64, offset: i64) -> String {
    format!(
        "SELECT c.id, c.reference, c.court_case_number, c.law_type, c.stage, c.status, t.id, t.name, s.id, s.name, c.received_on, c.first_hearing_on, page.total
         FROM (SELECT c.id, COUNT(*) OVER () AS total FROM cases c JOIN teams t ON t.id = c.team_id{filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}) page
         JOIN cases c ON c.id = page.id JOIN teams t ON t.id = c.team_id LEFT JOIN staff s ON s.id = c.allocated_to
         ORDER BY {order}"
    )
}

/// Lists cases, newest first (the allocation hub lists the oldest first: they have waited longest).
pub async fn list(store: &Store, q: &CaseQuery, page: PageRequest) -> Result<Page<CaseSummary>> {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |v: String| {
        binds.push(v);
        format!("${}", binds.len())
    };
    if let Some(a) = q.allocated_to {
        clauses.push(format!("c.allocated_to = {}", bind(a.to_string())));
    }
    if let Some(t) = q.team_id {
        clauses.push(format!("c.team_id = {}", bind(t.to_string())));
    }
    if let Some(a) = q.service_area_id {
        clauses.push(format!("t.service_area_id = {}", bind(a.to_string())));
    }
    if let Some(s) = q.status {
        clauses.push(format!("c.status = {}", bind(s.code().into())));
    }
    if let Some(l) = q.law {
        clauses.push(format!("c.law_type = {}", bind(l.code().into())));
    }
    if q.unallocated {
        clauses.push("c.allocated_to IS NULL".into());
    }
    let matches = q.text.as_deref().and_then(SearchTerms::parse).map(|terms| text_match(store.engine(), &terms, q.visible.as_ref(), &mut bind));
    if let Some(v) = &q.visible {
        clauses.push(visible_clause(v, &mut bind));
    }
    let run = |sql: String| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        q
    };
    if let Some(matches) = &matches {
        // A search lists at most SEARCH_MOST cases the caller may see, and says when there are
        // more. The matches the caller may see are taken as they stream from the indexes (the
        // matches first, then their cases: `CROSS JOIN` keeps SQLite from starting at every case
        // an area manager can see), stopping one past the most, and only those are ordered (most
        // recently received first) and counted. A common first name across the country so costs
        // no more than a narrow search. Keeping instead the most recent of all the matches means
        // ordering every one of them: 47 ms for a national first name on an idle server, and a
        // p99 of 335 ms under `hearth bench`'s load, against a budget of 50 ms.
        let within: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
        clauses = vec![format!(
            "c.id IN (SELECT DISTINCT c.id FROM ({matches}) found CROSS JOIN cases c JOIN teams t ON t.id = c.team_id WHERE c.id = found.id{within} LIMIT {})",
            SEARCH_MOST + 1
        )];
    }
    let filter = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    let order = if q.unallocated { "c.received_on, c.reference" } else { "c.received_on DESC, c.reference DESC" };

    // One pass: the window count gives the total with the page, so a search runs once, not twice.
    let sql = summary_page(&filter, order, page.per_page, page.offset());
    let rows = run(sql).fetch_all(store.pool()).await?;
    let total: i64 = match rows.first() {
        Some(r) => r.get(12),
        // Past the last page the window has no rows to count on; ask separately.
        None if page.page > 1 => run(format!("SELECT COUNT(*) FROM cases c JOIN teams t ON t.id = c.team_id{filter}")).fetch_one(store.pool()).await?.get(0),
        None => 0,
    };
    let mut items = rows.iter().map(summary).collect::<Result<Vec<_>>>()?;
    // One past the most was kept to tell that there are more; it is not listed.
    let more = matches.is_some() && total > SEARCH_MOST;
    let (total, shown) = if more { (SEARCH_MOST, (SEARCH_MOST - page.offset()).max(0) as usize) } else { (total, items.len()) };
    items.truncate(shown);
    attach_children(store, &mut items).await?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more })
}

fn summary(r: &AnyRow) -> Result<CaseSummary> {
    Ok(CaseSummary {
        id: parse_id(&r.get::<String, _>(0))?,
        reference: r.get(1),
        court_case_number: r.get(2),
        law: code(r.get::<String, _>(3), LawType::from_code)?,
        stage: code(r.get::<String, _>(4), Stage::from_code)?,
        status: code(r.get::<String, _>(5), CaseStatus::from_code)?,
        team: NamedRef { id: parse_id(&r.get::<String, _>(6))?, name: r.get(7) },
        allocated_to: named(r.get(8), r.get(9))?,
        received_on: parse_date(&r.get::<String, _>(10))?,
        first_hearing_on: opt_date(r.get(11))?,
        children: vec![],
    })
}

async fn attach_children(store: &Store, items: &mut [CaseSummary]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=items.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT cp.case_id, p.full_name FROM case_participants cp JOIN people p ON p.id = cp.person_id
         WHERE cp.role = 'subject_child' AND cp.case_id IN ({}) ORDER BY p.date_of_birth, p.full_name",
        placeholders.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in items.iter() {
        q = q.bind(c.id.to_string());
    }
    for r in q.fetch_all(store.pool()).await? {
        let id = parse_id(&r.get::<String, _>(0))?;
        if let Some(c) = items.iter_mut().find(|c| c.id == id) {
            c.children.push(r.get(1));
        }
    }
    Ok(())
}

/// The SQL condition, on `c` (cases), that a case is within `v`. Two parts: where the caller may
/// look (every term on an indexed column of `cases`, so the database can start from just those
/// cases), and the gate a restricted case adds (its allocated worker and named staff only).
fn visible_clause(v: &Visibility, bind: &mut impl FnMut(String) -> String) -> String {
    let me = bind(v.staff_id.to_string());
    let restricted = "EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'restricted')";
    let gate = format!("(c.allocated_to = {me} OR NOT {restricted} OR {})", named_on(&me));
    if v.everywhere {
        return gate;
    }
    let mut reach = people_reach(v, &me, bind);
    if let Some(teams) = teams_of(v, bind) {
        reach.push(format!("c.team_id IN ({teams})"));
    }
    if reach.is_empty() { "1 = 0".into() } else { format!("(({}) AND {gate})", reach.join(" OR ")) }
}

/// The cases naming `me` (a bound staff id) on a restricted case.
fn named_on(me: &str) -> String {
    format!("c.id IN (SELECT n.case_id FROM case_named_staff n WHERE n.staff_id = {me})")
}

/// Where `v` reaches cases through people rather than teams: their own cases and the cases of
/// the people they manage (one `IN` list, one index loop however many people a service manager
/// has), and the restricted cases naming them. Terms on `c`.
fn people_reach(v: &Visibility, me: &str, bind: &mut impl FnMut(String) -> String) -> Vec<String> {
    let mut allocated: Vec<String> = Vec::new();
    if v.own {
        allocated.push(me.to_string());
    }
    allocated.extend(v.allocated_to_any_of.iter().map(|id| bind(id.to_string())));
    let mut reach = Vec::new();
    if !allocated.is_empty() {
        reach.push(format!("c.allocated_to IN ({})", allocated.join(", ")));
    }
    if v.own {
        reach.push(named_on(me));
    }
    reach
}

/// The teams `v` sees whole, as a query of team ids; `None` when it sees none whole.
fn teams_of(v: &Visibility, bind: &mut impl FnMut(String) -> String) -> Option<String> {
    let mut whose: Vec<String> = Vec::new();
    if !v.team_ids.is_empty() {
        let ids: Vec<String> = v.team_ids.iter().map(|id| bind(id.to_string())).collect();
        whose.push(format!("a.id IN ({})", ids.join(", ")));
    }
    if !v.service_area_ids.is_empty() {
        let ids: Vec<String> = v.service_area_ids.iter().map(|id| bind(id.to_string())).collect();
        whose.push(format!("a.service_area_id IN ({})", ids.join(", ")));
    }
    (!whose.is_empty()).then(|| format!("SELECT a.id FROM teams a WHERE {}", whose.join(" OR ")))
}

/// Reads a stored code back into its enum; an unknown code means the data is corrupt.
pub(crate) fn code<T>(s: String, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(&s).ok_or_else(|| StoreError::Database(sqlx::Error::Decode(format!("unknown code {s:?}").into())))
}

fn opt_code<T>(s: Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<T>> {
    s.map(|s| code(s, parse)).transpose()
}

fn opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|d| parse_date(&d)).transpose()
}

pub(crate) fn opt_id(s: Option<String>) -> Result<Option<Uuid>> {
    s.map(|d| parse_id(&d)).transpose()
}

/// The case's header: everything on the case itself.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    pub id: Uuid,
    pub reference: String,
    pub court_case_number: String,
    pub law: LawType,
    pub applications: Vec<ApplicationKind>,
    pub flags: Vec<CaseFlag>,
    pub stage: Stage,
    pub status: CaseStatus,
    pub urgent: bool,
    pub court: NamedRef,
    pub local_authority: Option<NamedRef>,
    pub team: NamedRef,
    pub service_area: NamedRef,
    pub allocated_to: Option<NamedRef>,
    pub allocated_on: Option<Date>,
    pub received_on: Date,
    pub first_hearing_on: Option<Date>,
    pub issued_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub closure_reason: Option<ClosureReason>,
    pub closure_outcome: Option<String>,
    pub version: i64,
    /// Offered to another team and not yet accepted or rejected.
    pub transfer_offered: bool,
}

impl CaseRecord {
    pub fn has(&self, flag: CaseFlag) -> bool {
        self.flags.contains(&flag)
    }
}

/// Reads a case record without auditing: for access checks and for building pages after
/// [`view`] recorded the read.
pub async fn case_record(store: &Store, id: Uuid) -> Result<CaseRecord> {
    let r = sqlx::query(
        "SELECT c.id, c.reference, c.court_case_number, c.law_type, c.stage, c.status, c.urgent,
                co.id, co.name, la.id, la.name, t.id, t.name, a.id, a.name, s.id, s.name, c.allocated_on,
                c.received_on, c.first_hearing_on, c.issued_on, c.closed_on, c.closure_reason, c.closure_outcome, c.version,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_transfers x WHERE x.case_id = c.id AND x.decision IS NULL) THEN 1 ELSE 0 END AS BIGINT)
         FROM cases c
         JOIN courts co ON co.id = c.court_id
         LEFT JOIN local_authorities la ON la.id = c.local_authority_id
         JOIN teams t ON t.id = c.team_id
         JOIN service_areas a ON a.id = t.service_area_id
         LEFT JOIN staff s ON s.id = c.allocated_to
         WHERE c.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let named = |i: usize| -> Result<Option<NamedRef>> {
        match (r.get::<Option<String>, _>(i), r.get::<Option<String>, _>(i + 1)) {
            (Some(id), Some(name)) => Ok(Some(NamedRef { id: parse_id(&id)?, name })),
            _ => Ok(None),
        }
    };
    // Applications and flags in one round trip: 'a' rows then 'f' rows.
    let coded = sqlx::query("SELECT 'a', kind FROM case_applications WHERE case_id = $1 UNION ALL SELECT 'f', flag FROM case_flags WHERE case_id = $1")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?;
    let of = |tag: &'static str| coded.iter().filter(move |r| r.get::<String, _>(0) == tag).map(|r| r.get::<String, _>(1));
    let mut applications = of("a").map(|c| code(c, ApplicationKind::from_code)).collect::<Result<Vec<_>>>()?;
    applications.sort();
    let mut flags = of("f").map(|c| code(c, CaseFlag::from_code)).collect::<Result<Vec<_>>>()?;
    flags.sort();
    Ok(CaseRecord {
        id,
        reference: r.get(1),
        court_case_number: r.get(2),
        law: code(r.get(3), LawType::from_code)?,
        stage: code(r.get(4), Stage::from_code)?,
        status: code(r.get(5), CaseStatus::from_code)?,
        urgent: r.get::<i64, _>(6) != 0,
        court: named(7)?.ok_or(StoreError::NotFound)?,
        local_authority: named(9)?,
        team: named(11)?.ok_or(StoreError::NotFound)?,
        service_area: named(13)?.ok_or(StoreError::NotFound)?,
        allocated_to: named(15)?,
        allocated_on: opt_date(r.get(17))?,
        received_on: parse_date(&r.get::<String, _>(18))?,
        first_hearing_on: opt_date(r.get(19))?,
        issued_on: opt_date(r.get(20))?,
        closed_on: opt_date(r.get(21))?,
        closure_reason: opt_code(r.get(22), ClosureReason::from_code)?,
        closure_outcome: r.get(23),
        version: r.get(24),
        transfer_offered: r.get::<i64, _>(25) != 0,
        applications,
        flags,
    })
}

/// A case's reference, for an answer that names the case without reading its whole record.
pub async fn reference(store: &Store, id: Uuid) -> Result<String> {
    let row = sqlx::query("SELECT reference FROM cases WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?;
    row.map(|r| r.get(0)).ok_or(StoreError::NotFound)
}

/// Several cases' references at once, for a screen that names the cases events were about.
pub async fn references(store: &Store, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>> {
    let mut refs = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(refs);
    }
    let sql = format!("SELECT id, reference FROM cases WHERE id IN ({})", crate::placeholders(1, ids.len()));
    for r in crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), ids).fetch_all(store.pool()).await? {
        refs.insert(parse_id(&r.get::<String, _>(0))?, r.get(1));
    }
    Ok(refs)
}

/// The cases a reference or court case number names exactly (a court case number may be shared
/// by a few), with their references: how the audit screen finds a record by what people call it.
pub async fn named_by_reference(store: &Store, text: &str) -> Result<Vec<(Uuid, String)>> {
    let key = text.trim().to_uppercase();
    let rows = sqlx::query("SELECT id, reference FROM cases WHERE reference = $1 OR court_case_number = $1 ORDER BY reference LIMIT 20").bind(&key).fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1)))).collect()
}

/// The names of everyone on the open cases allocated to a worker: a team room warns before a post
/// carries one (families' details never belong in a room). Names only; nothing is read aloud.
pub async fn names_on_cases_of(store: &Store, worker: Uuid) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT p.full_name FROM cases c JOIN case_participants cp ON cp.case_id = c.id JOIN people p ON p.id = cp.person_id WHERE c.allocated_to = $1 AND c.status = 'open'")
        .bind(worker.to_string())
        .fetch_all(store.pool())
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Reads a case record for a person and records that they did.
pub async fn view(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<CaseRecord> {
    // The read and its durable audit event at once: the record is returned only when both are done.
    let (record, _) = tokio::try_join!(case_record(store, id), audit::record(store, ctx, Event::success("case.viewed").about("case", id)))?;
    Ok(record)
}

/// Where a case sits, for access decisions. One round trip (every case request asks): rows are 0
/// the case, 1 a line manager of its worker each (nearest first), 2 a member of staff named on it.
pub async fn placement(store: &Store, id: Uuid) -> Result<CasePlacement> {
    let rows = sqlx::query(
        "WITH RECURSIVE chain (id, depth) AS (
            SELECT s.line_manager_id, 1 FROM cases c JOIN staff s ON s.id = c.allocated_to WHERE c.id = $1 AND s.line_manager_id IS NOT NULL
            UNION ALL
            SELECT s.line_manager_id, ch.depth + 1 FROM staff s JOIN chain ch ON s.id = ch.id WHERE s.line_manager_id IS NOT NULL AND ch.depth < 25
         )
         SELECT CAST(0 AS BIGINT), c.allocated_to, c.team_id, t.service_area_id,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'restricted') THEN 1 ELSE 0 END AS BIGINT)
           FROM cases c JOIN teams t ON t.id = c.team_id WHERE c.id = $1
         UNION ALL SELECT CAST(1 AS BIGINT), id, NULL, NULL, CAST(depth AS BIGINT) FROM chain
         UNION ALL SELECT CAST(2 AS BIGINT), staff_id, NULL, NULL, CAST(0 AS BIGINT) FROM case_named_staff WHERE case_id = $1
         ORDER BY 1, 5",
    )
    .bind(id.to_string())
    .fetch_all(store.pool())
    .await?;
    let case = rows.first().filter(|r| r.get::<i64, _>(0) == 0).ok_or(StoreError::NotFound)?;
    let ids = |kind: i64| rows.iter().filter(|r| r.get::<i64, _>(0) == kind).map(|r| parse_id(&r.get::<String, _>(1))).collect::<Result<Vec<_>>>();
    Ok(CasePlacement {
        allocated_to: opt_id(case.get(1))?,
        allocated_managers: ids(1)?,
        team_id: parse_id(&case.get::<String, _>(2))?,
        service_area_id: parse_id(&case.get::<String, _>(3))?,
        restricted: case.get::<i64, _>(4) != 0,
        named_staff: ids(2)?,
    })
}

/// Records that a person read a case, without reading it here: for a view of one part of it
/// (its chronology, say) after [`placement`] has found it.
pub async fn record_view(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<()> {
    audit::record(store, ctx, Event::success("case.viewed").about("case", id)).await?;
    Ok(())
}

/// A child or adult as the case shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub person_id: Uuid,
    pub full_name: String,
    pub date_of_birth: Option<Date>,
    pub kind: PersonKind,
    pub role: PartyRole,
    pub relationship: Option<Relationship>,
    pub contact: Option<ContactChannel>,
    pub no_texts: bool,
    pub address_withheld: bool,
    pub interpreter_language: Option<String>,
    pub addresses: Vec<Address>,
    /// Other open or closed cases this person is in.
    pub other_cases: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub line: String,
    pub postcode: String,
    pub local_authority: Option<NamedRef>,
    pub lived_from: Date,
    pub lived_to: Option<Date>,
}

pub async fn participants(store: &Store, case_id: Uuid) -> Result<Vec<Participant>> {
    let rows = sqlx::query(
        "SELECT p.id, p.full_name, p.date_of_birth, p.kind, cp.role, cp.relationship, p.contact_channel, p.no_texts,
                cp.address_withheld, p.interpreter_language
         FROM case_participants cp JOIN people p ON p.id = cp.person_id
         WHERE cp.case_id = $1
         ORDER BY CASE WHEN cp.role = 'subject_child' THEN 0 ELSE 1 END, p.date_of_birth, p.full_name",
    )
    .bind(case_id.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Participant {
            person_id: parse_id(&r.get::<String, _>(0))?,
            full_name: r.get(1),
            date_of_birth: opt_date(r.get(2))?,
            kind: code(r.get(3), PersonKind::from_code)?,
            role: code(r.get(4), PartyRole::from_code)?,
            relationship: opt_code(r.get(5), Relationship::from_code)?,
            contact: opt_code(r.get(6), ContactChannel::from_code)?,
            no_texts: r.get::<i64, _>(7) != 0,
            address_withheld: r.get::<i64, _>(8) != 0,
            interpreter_language: r.get(9),
            addresses: vec![],
            other_cases: vec![],
        });
    }
    // Everyone's addresses ('a' rows, newest first) and other cases ('c' rows, by reference) in
    // one round trip, not one per person.
    let rows = sqlx::query(
        "SELECT 'a', a.person_id, a.line, a.postcode, la.id, la.name, a.lived_from, a.lived_to
         FROM case_participants cp JOIN addresses a ON a.person_id = cp.person_id LEFT JOIN local_authorities la ON la.id = a.local_authority_id
         WHERE cp.case_id = $1
         UNION ALL
         SELECT 'c', mine.person_id, c.reference, NULL, NULL, NULL, NULL, NULL FROM case_participants mine
         JOIN case_participants other ON other.person_id = mine.person_id AND other.case_id <> mine.case_id
         JOIN cases c ON c.id = other.case_id
         WHERE mine.case_id = $1
         ORDER BY 1, 7 DESC, 3",
    )
    .bind(case_id.to_string())
    .fetch_all(store.pool())
    .await?;
    for r in &rows {
        let person = parse_id(&r.get::<String, _>(1))?;
        let Some(p) = out.iter_mut().find(|p| p.person_id == person) else { continue };
        if r.get::<String, _>(0) == "a" {
            p.addresses.push(Address {
                line: r.get(2),
                postcode: r.get(3),
                local_authority: named(r.get(4), r.get(5))?,
                lived_from: parse_date(&r.get::<String, _>(6))?,
                lived_to: opt_date(r.get(7))?,
            });
        } else {
            p.other_cases.push(r.get(2));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct Hearing {
    pub id: Uuid,
    pub kind: HearingKind,
    pub starts_at: OffsetDateTime,
    pub court: NamedRef,
    pub outcome: Option<String>,
}

pub async fn hearings(store: &Store, case_id: Uuid) -> Result<Vec<Hearing>> {
    let rows = sqlx::query(
        "SELECT h.id, h.kind, h.starts_at, co.id, co.name, h.outcome FROM hearings h JOIN courts co ON co.id = h.court_id
         WHERE h.case_id = $1 ORDER BY h.starts_at",
    )
    .bind(case_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Hearing {
                id: parse_id(&r.get::<String, _>(0))?,
                kind: code(r.get(1), HearingKind::from_code)?,
                starts_at: parse_ts(&r.get::<String, _>(2))?,
                court: NamedRef { id: parse_id(&r.get::<String, _>(3))?, name: r.get(4) },
                outcome: r.get(5),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct FilingDate {
    pub id: Uuid,
    pub direction: String,
    pub due_on: Date,
    pub filed_on: Option<Date>,
}

pub async fn filing_dates(store: &Store, case_id: Uuid) -> Result<Vec<FilingDate>> {
    let rows = sqlx::query("SELECT id, direction, due_on, filed_on FROM filing_dates WHERE case_id = $1 ORDER BY due_on")
        .bind(case_id.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(FilingDate {
                id: parse_id(&r.get::<String, _>(0))?,
                direction: r.get(1),
                due_on: parse_date(&r.get::<String, _>(2))?,
                filed_on: opt_date(r.get(3))?,
            })
        })
        .collect()
}

/// The facts deadlines follow from.
pub fn case_dates(case: &CaseRecord, filings: &[FilingDate]) -> CaseDates {
    CaseDates {
        received_on: Some(case.received_on),
        urgent: case.urgent,
        first_hearing_on: case.first_hearing_on,
        issued_on: case.issued_on,
        filing_dates: filings.iter().filter(|f| f.filed_on.is_none()).map(|f| (f.direction.clone(), f.due_on)).collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: Uuid,
    pub kind: CheckKind,
    pub local_authority: Option<NamedRef>,
    pub status: CheckStatus,
    pub requested_on: Option<Date>,
    pub returned_on: Option<Date>,
    pub result_summary: Option<String>,
    pub version: i64,
}

pub async fn checks(store: &Store, case_id: Uuid) -> Result<Vec<Check>> {
    let rows = sqlx::query(
        "SELECT k.id, k.kind, la.id, la.name, k.status, k.requested_on, k.returned_on, k.result_summary, k.version
         FROM checks k LEFT JOIN local_authorities la ON la.id = k.local_authority_id
         WHERE k.case_id = $1 ORDER BY CASE WHEN k.kind = 'police' THEN 0 ELSE 1 END, la.name",
    )
    .bind(case_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Check {
                id: parse_id(&r.get::<String, _>(0))?,
                kind: code(r.get(1), CheckKind::from_code)?,
                local_authority: named(r.get(2), r.get(3))?,
                status: code(r.get(4), CheckStatus::from_code)?,
                requested_on: opt_date(r.get(5))?,
                returned_on: opt_date(r.get(6))?,
                result_summary: r.get(7),
                version: r.get(8),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub title: String,
    pub assigned_to: Option<NamedRef>,
    pub due_on: Option<Date>,
    pub done_at: Option<OffsetDateTime>,
    pub version: i64,
    /// The deadline this task was made for, if any (`Deadline::key`): what says a deadline is met.
    pub deadline_key: Option<String>,
}

const TASK: &str = "SELECT k.id, k.case_id, c.reference, k.title, s.id, s.name, k.due_on, k.done_at, k.version, k.deadline_key
     FROM tasks k JOIN cases c ON c.id = k.case_id LEFT JOIN staff s ON s.id = k.assigned_to";

fn task(r: &AnyRow) -> Result<Task> {
    Ok(Task {
        id: parse_id(&r.get::<String, _>(0))?,
        case_id: parse_id(&r.get::<String, _>(1))?,
        case_reference: r.get(2),
        title: r.get(3),
        assigned_to: named(r.get(4), r.get(5))?,
        due_on: opt_date(r.get(6))?,
        done_at: r.get::<Option<String>, _>(7).map(|t| parse_ts(&t)).transpose()?,
        version: r.get(8),
        deadline_key: r.get(9),
    })
}

/// A case's tasks: open ones by due date, then done ones.
pub async fn case_tasks(store: &Store, case_id: Uuid) -> Result<Vec<Task>> {
    let sql = format!("{TASK} WHERE k.case_id = $1 ORDER BY CASE WHEN k.done_at IS NULL THEN 0 ELSE 1 END, k.due_on, k.title");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).fetch_all(store.pool()).await?.iter().map(task).collect()
}

/// A worker's open tasks on open cases, soonest due first: the heart of their day.
pub async fn open_tasks_for(store: &Store, staff_id: Uuid, page: PageRequest) -> Result<Page<Task>> {
    let total: i64 = sqlx::query(
        "SELECT COUNT(*) FROM tasks k JOIN cases c ON c.id = k.case_id WHERE k.assigned_to = $1 AND k.done_at IS NULL AND c.status = 'open'",
    )
    .bind(staff_id.to_string())
    .fetch_one(store.pool())
    .await?
    .get(0);
    let sql = format!(
        "{TASK} WHERE k.assigned_to = $1 AND k.done_at IS NULL AND c.status = 'open'
         ORDER BY CASE WHEN k.due_on IS NULL THEN 1 ELSE 0 END, k.due_on, c.reference LIMIT {} OFFSET {}",
        page.per_page,
        page.offset()
    );
    let items = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff_id.to_string()).fetch_all(store.pool()).await?.iter().map(task).collect::<Result<_>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more: false })
}

// ---- Writing ----

/// Opens a case: its reference, applications, flags, first checks, the "case opened" chronology
/// entry and a task for each deadline, all in one transaction with the audit event.
pub async fn create(store: &Store, ctx: &AuditContext, case: &NewCase, deadlines: &[Deadline]) -> Result<(Uuid, String)> {
    let mut tx = store.begin().await?;
    let id = new_id();
    let reference = insert_case(&mut tx, id, case, now()).await?;
    if let (true, Some(actor)) = (case.flags.contains(&CaseFlag::Restricted), ctx.actor_id) {
        // Whoever restricts a case is named on it, so they do not lock themselves out.
        named::insert_named(&mut tx, id, actor, Some(actor)).await?;
    }
    entry_row(&mut tx, id, EntryKind::CaseOpened, case.received_on, &format!("Case opened: {}", case.law.label().to_lowercase()), None, ctx.actor_id).await?;
    for d in deadlines {
        insert_task(&mut tx, id, &d.label, None, Some(d.due), Some(&d.key)).await?;
    }
    audit::append(&mut tx, ctx, Event::success("case.opened").about("case", id).detail(serde_json::json!({ "reference": reference, "law": case.law }))).await?;
    tx.commit().await?;
    Ok((id, reference))
}

/// Inserts a case and its applications, flags and first checks (no audit: the caller records
/// it). Shared by [`create`] and the demo loader.
pub async fn insert_case(conn: &mut AnyConnection, id: Uuid, case: &NewCase, at: OffsetDateTime) -> Result<String> {
    let year = case.received_on.year();
    let number: i64 = sqlx::query(
        "INSERT INTO case_numbers (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await?
    .get(0);
    let reference = case_reference(year, number);
    let stamp = ts(at);
    sqlx::query(
        "INSERT INTO cases (id, reference, court_case_number, law_type, court_id, local_authority_id, team_id, stage, status, urgent,
                            received_on, first_hearing_on, issued_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $12, $13, $13)",
    )
    .bind(id.to_string())
    .bind(&reference)
    .bind(&case.court_case_number)
    .bind(case.law.code())
    .bind(case.court_id.to_string())
    .bind(case.local_authority_id.map(|l| l.to_string()))
    .bind(case.team_id.to_string())
    .bind(case.law.first_stage().code())
    .bind(i64::from(case.urgent))
    .bind(date_text(case.received_on))
    .bind(case.first_hearing_on.map(date_text))
    .bind(case.issued_on.map(date_text))
    .bind(&stamp)
    .execute(&mut *conn)
    .await
    .map_err(|e| foreign_key(e, &["court_id", "local_authority_id", "team_id"]))?;
    for a in &case.applications {
        sqlx::query("INSERT INTO case_applications (case_id, kind) VALUES ($1, $2)").bind(id.to_string()).bind(a.code()).execute(&mut *conn).await?;
    }
    for f in &case.flags {
        sqlx::query("INSERT INTO case_flags (case_id, flag) VALUES ($1, $2)").bind(id.to_string()).bind(f.code()).execute(&mut *conn).await?;
    }
    if case.law == LawType::Private {
        sqlx::query(
            "INSERT INTO checks (id, case_id, kind, status, version, created_at, updated_at) VALUES ($1, $2, 'police', 'not_requested', 1, $3, $3)",
        )
        .bind(new_id().to_string())
        .bind(id.to_string())
        .bind(&stamp)
        .execute(&mut *conn)
        .await?;
    }
    Ok(reference)
}

/// A foreign-key failure on insert names no field the person can see; say which select was wrong.
fn foreign_key(e: sqlx::Error, fields: &[&'static str]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_foreign_key_violation()
    {
        let msg = db.message().to_lowercase();
        let field = fields.iter().find(|f| msg.contains(&f.to_string())).copied().unwrap_or(fields[0]);
        return StoreError::MissingReference { field };
    }
    StoreError::Database(e)
}

/// Writes a chronology entry and indexes its words (no audit: the caller's change records it).
pub(crate) async fn entry_row(
    conn: &mut AnyConnection,
    case_id: Uuid,
    kind: EntryKind,
    occurred_on: Date,
    summary: &str,
    body: Option<&str>,
    author: Option<Uuid>,
) -> Result<Uuid> {
    let id = insert_entry(conn, case_id, kind, occurred_on, summary, body, author).await?;
    index_entry(conn, id, case_id, summary, body).await?;
    Ok(id)
}

/// Writes a chronology entry without indexing it ([`entry_row`] does both; a bulk load indexes
/// every note at the end with [`bulk::index_notes`]).
async fn insert_entry(
    conn: &mut AnyConnection,
    case_id: Uuid,
    kind: EntryKind,
    occurred_on: Date,
    summary: &str,
    body: Option<&str>,
    author: Option<Uuid>,
) -> Result<Uuid> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO chronology (id, case_id, kind, occurred_on, summary, body, author_id, written_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
    )
    .bind(id.to_string())
    .bind(case_id.to_string())
    .bind(kind.code())
    .bind(date_text(occurred_on))
    .bind(summary)
    .bind(body)
    .bind(author.map(|a| a.to_string()))
    .bind(ts(now()))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn insert_task(conn: &mut AnyConnection, case_id: Uuid, title: &str, assigned_to: Option<Uuid>, due_on: Option<Date>, key: Option<&str>) -> Result<()> {
    // The unique (case, deadline key) index makes a deadline's task once, however often asked.
    sqlx::query(
        "INSERT INTO tasks (id, case_id, title, assigned_to, due_on, deadline_key, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
         ON CONFLICT DO NOTHING",
    )
    .bind(new_id().to_string())
    .bind(case_id.to_string())
    .bind(title)
    .bind(assigned_to.map(|a| a.to_string()))
    .bind(due_on.map(date_text))
    .bind(key)
    .bind(ts(now()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Fails unless the case is open: a closed case's record is kept, not added to.
pub(crate) async fn require_open(conn: &mut AnyConnection, id: Uuid) -> Result<()> {
    let status: Option<String> = sqlx::query("SELECT status FROM cases WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *conn).await?.map(|r| r.get(0));
    match status.as_deref() {
        None => Err(StoreError::NotFound),
        Some("open") => Ok(()),
        Some(_) => Err(StoreError::Closed),
    }
}

/// Adds a child or adult to the case (a new person record), with their first address.
pub async fn add_participant(store: &Store, ctx: &AuditContext, case_id: Uuid, p: &NewParticipant) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let person_id = insert_participant(&mut tx, case_id, p, now()).await?;
    entry_row(&mut tx, case_id, EntryKind::ContactLog, now().date(), &format!("{} added to the case ({})", p.full_name, p.role.label().to_lowercase()), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.participant_added").about("case", case_id).detail(serde_json::json!({ "person_id": person_id, "role": p.role }))).await?;
    tx.commit().await?;
    Ok(person_id)
}

/// Inserts a new person, their first address and their place in the case (no audit). Shared by
/// [`add_participant`] and the demo loader.
pub async fn insert_participant(conn: &mut AnyConnection, case_id: Uuid, p: &NewParticipant, at: OffsetDateTime) -> Result<Uuid> {
    let person_id = new_id();
    let stamp = ts(at);
    sqlx::query(
        "INSERT INTO people (id, full_name, date_of_birth, kind, contact_channel, no_texts, interpreter_language, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(person_id.to_string())
    .bind(&p.full_name)
    .bind(p.date_of_birth.map(date_text))
    .bind(p.kind.code())
    .bind(p.contact.map(|c| c.code()))
    .bind(i64::from(p.no_texts))
    .bind(p.interpreter_language.as_deref())
    .bind(&stamp)
    .execute(&mut *conn)
    .await?;
    if let Some(a) = &p.address {
        sqlx::query(
            "INSERT INTO addresses (id, person_id, line, postcode, local_authority_id, lived_from, lived_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id().to_string())
        .bind(person_id.to_string())
        .bind(&a.line)
        .bind(&a.postcode)
        .bind(a.local_authority_id.map(|l| l.to_string()))
        .bind(date_text(a.from))
        .bind(a.to.map(date_text))
        .bind(&stamp)
        .execute(&mut *conn)
        .await
        .map_err(|e| foreign_key(e, &["local_authority_id"]))?;
    }
    let keys = name_keys(&p.full_name);
    if !keys.is_empty() {
        // One statement for all of the person's keys, each stamped with the case's team.
        let values: Vec<String> = (0..keys.len()).map(|i| format!("SELECT $1, $2, ${}, team_id FROM cases WHERE id = $1", i + 3)).collect();
        let sql = format!("INSERT INTO case_name_keys (case_id, person_id, key, team_id) {}", values.join(" UNION ALL "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).bind(person_id.to_string());
        for k in keys {
            q = q.bind(k);
        }
        q.execute(&mut *conn).await?;
    }
    sqlx::query("INSERT INTO case_participants (case_id, person_id, role, relationship, address_withheld, added_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id.to_string())
        .bind(person_id.to_string())
        .bind(p.role.code())
        .bind(p.relationship.map(|r| r.code()))
        .bind(i64::from(p.address_withheld))
        .bind(&stamp)
        .execute(&mut *conn)
        .await?;
    Ok(person_id)
}

/// Lists a hearing, with its chronology entry.
pub async fn add_hearing(store: &Store, ctx: &AuditContext, case_id: Uuid, h: &NewHearing) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let id = new_id();
    sqlx::query("INSERT INTO hearings (id, case_id, kind, starts_at, court_id, version, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)")
        .bind(id.to_string())
        .bind(case_id.to_string())
        .bind(h.kind.code())
        .bind(ts(h.starts_at))
        .bind(h.court_id.to_string())
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| foreign_key(e, &["court_id"]))?;
    let when = format!("{} {} {} at {:02}:{:02}", h.starts_at.day(), h.starts_at.month(), h.starts_at.year(), h.starts_at.hour(), h.starts_at.minute());
    entry_row(&mut tx, case_id, EntryKind::Hearing, now().date(), &format!("{} listed for {when}", h.kind.label()), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.hearing_listed").about("case", case_id).detail(serde_json::json!({ "hearing_id": id, "kind": h.kind }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a filing date the court set, and a task for it assigned to the allocated worker.
pub async fn add_filing_date(store: &Store, ctx: &AuditContext, case_id: Uuid, direction: &str, due_on: Date) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let id = new_id();
    sqlx::query("INSERT INTO filing_dates (id, case_id, direction, due_on, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(case_id.to_string())
        .bind(direction)
        .bind(date_text(due_on))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    let worker: Option<String> = sqlx::query("SELECT allocated_to FROM cases WHERE id = $1").bind(case_id.to_string()).fetch_one(&mut *tx).await?.get(0);
    insert_task(&mut tx, case_id, &format!("File {direction}"), opt_id(worker)?, Some(due_on), Some(&format!("filing:{id}"))).await?;
    entry_row(&mut tx, case_id, EntryKind::CourtAttendance, now().date(), &format!("Court directed: file {direction} by {}", date_text(due_on)), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.filing_date_set").about("case", case_id).detail(serde_json::json!({ "filing_date_id": id, "due_on": date_text(due_on) }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves the case to a later stage. The caller has checked the move is allowed for the law type.
pub async fn set_stage(store: &Store, ctx: &AuditContext, case_id: Uuid, from: Stage, to: Stage, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    claim_version(&mut tx, "cases", case_id, version).await?;
    sqlx::query("UPDATE cases SET stage = $1 WHERE id = $2").bind(to.code()).bind(case_id.to_string()).execute(&mut *tx).await?;
    entry_row(&mut tx, case_id, EntryKind::StageChange, now().date(), &format!("Stage: {} → {}", from.label(), to.label()), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.stage_changed").about("case", case_id).detail(serde_json::json!({ "from": from, "to": to }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a case's own details at the version read. The chronology and the audit say which.
pub async fn edit_case(store: &Store, ctx: &AuditContext, case_id: Uuid, edit: &CaseEdit, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    claim_version(&mut tx, "cases", case_id, version).await?;
    let mut changed: Vec<&str> = Vec::new();
    if let Some(n) = &edit.court_case_number {
        sqlx::query("UPDATE cases SET court_case_number = $1 WHERE id = $2").bind(n).bind(case_id.to_string()).execute(&mut *tx).await?;
        changed.push("court case number");
    }
    if let Some(u) = edit.urgent {
        sqlx::query("UPDATE cases SET urgent = $1 WHERE id = $2").bind(i64::from(u)).bind(case_id.to_string()).execute(&mut *tx).await?;
        changed.push("urgency");
    }
    if let Some(d) = edit.first_hearing_on {
        sqlx::query("UPDATE cases SET first_hearing_on = $1 WHERE id = $2").bind(d.map(date_text)).bind(case_id.to_string()).execute(&mut *tx).await?;
        changed.push("first hearing date");
    }
    if let Some(flags) = &edit.flags {
        sqlx::query("DELETE FROM case_flags WHERE case_id = $1").bind(case_id.to_string()).execute(&mut *tx).await?;
        for f in flags {
            sqlx::query("INSERT INTO case_flags (case_id, flag) VALUES ($1, $2)").bind(case_id.to_string()).bind(f.code()).execute(&mut *tx).await?;
        }
        match (flags.contains(&CaseFlag::Restricted), ctx.actor_id) {
            (true, Some(actor)) => named::insert_named(&mut tx, case_id, actor, Some(actor)).await?,
            (true, None) => {}
            // Names matter only while a case is restricted; lifting it clears them, so no list
            // ever shows a case by a name its page would no longer honour.
            (false, _) => named::clear(&mut tx, case_id).await?,
        }
        changed.push("flags");
    }
    entry_row(&mut tx, case_id, EntryKind::StageChange, now().date(), &format!("Case details changed: {}", changed.join(", ")), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.edited").about("case", case_id).detail(serde_json::json!({ "changed": changed }))).await?;
    tx.commit().await?;
    Ok(())
}

/// What an allocation expects of the case, so it never overwrites a change made since.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    /// Still at the version the person saw.
    Version(i64),
    /// Still waiting in the hub: a plan or an offer allocates only what nobody has taken since.
    Waiting,
    /// Still held by this worker: a plan moving someone's cases moves only what they still hold.
    HeldBy(Uuid),
}

/// Notes who holds a case from now (`None`: nobody, the hub), for the figures of past days.
pub(crate) async fn record_holder(conn: &mut AnyConnection, case_id: Uuid, worker: Option<Uuid>) -> Result<()> {
    sqlx::query("INSERT INTO case_allocations (case_id, worker_id, at) VALUES ($1, $2, $3)")
        .bind(case_id.to_string())
        .bind(worker.map(|w| w.to_string()))
        .bind(ts(now()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Allocates inside the caller's transaction, so workload can record the decision with it. A
/// worker comes only as `workload::Cleared`, made by the check that nothing bars them from this
/// case, in this transaction; `None` returns the case to the hub.
pub(crate) async fn allocate_in(tx: &mut AnyConnection, ctx: &AuditContext, case_id: Uuid, cleared: Option<&crate::workload::Cleared>, reason: &str, expect: Expect) -> Result<()> {
    if cleared.is_some_and(|c| c.case_id() != case_id) {
        return Err(StoreError::Database(sqlx::Error::Protocol("a worker cleared for one case was given another".into())));
    }
    let worker = cleared.map(|c| (c.worker_id(), c.name()));
    require_open(&mut *tx, case_id).await?;
    let taken = match expect {
        Expect::Version(v) => {
            claim_version(&mut *tx, "cases", case_id, v).await?;
            1
        }
        Expect::Waiting => sqlx::query("UPDATE cases SET version = version + 1 WHERE id = $1 AND allocated_to IS NULL").bind(case_id.to_string()).execute(&mut *tx).await?.rows_affected(),
        Expect::HeldBy(w) => sqlx::query("UPDATE cases SET version = version + 1 WHERE id = $1 AND allocated_to = $2")
            .bind(case_id.to_string())
            .bind(w.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected(),
    };
    if taken == 0 {
        return Err(conflict_or_missing(&mut *tx, "cases", case_id).await);
    }
    let worker_id = worker.map(|(id, _)| id.to_string());
    sqlx::query("UPDATE cases SET allocated_to = $1, allocated_on = $2 WHERE id = $3")
        .bind(worker_id.clone())
        .bind(worker.map(|_| date_text(now().date())))
        .bind(case_id.to_string())
        .execute(&mut *tx)
        .await?;
    record_holder(&mut *tx, case_id, worker.map(|(id, _)| id)).await?;
    sqlx::query("UPDATE tasks SET assigned_to = $1, version = version + 1 WHERE case_id = $2 AND done_at IS NULL")
        .bind(worker_id)
        .bind(case_id.to_string())
        .execute(&mut *tx)
        .await?;
    let summary = match worker {
        Some((_, name)) => format!("Allocated to {name}"),
        None => "Returned to the allocation hub".to_string(),
    };
    entry_row(&mut *tx, case_id, EntryKind::Allocation, now().date(), &summary, Some(reason), ctx.actor_id).await?;
    audit::append(&mut *tx, ctx, Event::success("case.allocated").about("case", case_id).detail(serde_json::json!({ "worker_id": worker.map(|(id, _)| id), "reason": reason }))).await?;
    Ok(())
}

/// Closes the case with its reason and outcome, and makes a goodbye-letter task for each child.
pub async fn close(store: &Store, settings: &DeadlineSettings, ctx: &AuditContext, case_id: Uuid, reason: ClosureReason, outcome: &str, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    claim_version(&mut tx, "cases", case_id, version).await?;
    close_in(&mut tx, settings, ctx, case_id, reason, outcome).await?;
    tx.commit().await?;
    Ok(())
}

/// Closes an open case inside the caller's transaction: by a manager's decision, or by filing a
/// case closure. The caller has claimed the case's version.
pub(crate) async fn close_in(tx: &mut AnyConnection, settings: &DeadlineSettings, ctx: &AuditContext, case_id: Uuid, reason: ClosureReason, outcome: &str) -> Result<()> {
    let today = now().date();
    sqlx::query("UPDATE cases SET status = 'closed', stage = 'closed', closed_on = $1, closure_reason = $2, closure_outcome = $3 WHERE id = $4")
        .bind(date_text(today))
        .bind(reason.code())
        .bind(outcome)
        .bind(case_id.to_string())
        .execute(&mut *tx)
        .await?;
    let worker: Option<String> = sqlx::query("SELECT allocated_to FROM cases WHERE id = $1").bind(case_id.to_string()).fetch_one(&mut *tx).await?.get(0);
    let children = sqlx::query(
        "SELECT p.id, p.full_name FROM case_participants cp JOIN people p ON p.id = cp.person_id WHERE cp.case_id = $1 AND cp.role = 'subject_child' ORDER BY p.date_of_birth",
    )
    .bind(case_id.to_string())
    .fetch_all(&mut *tx)
    .await?;
    for c in &children {
        let (pid, name): (String, String) = (c.get(0), c.get(1));
        insert_task(tx, case_id, &format!("Goodbye letter to {name}"), opt_id(worker.clone())?, Some(settings.goodbye_letter_due(today)), Some(&format!("goodbye:{pid}"))).await?;
    }
    entry_row(tx, case_id, EntryKind::Closure, today, &format!("Case closed: {}", reason.label()), Some(outcome), ctx.actor_id).await?;
    audit::append(tx, ctx, Event::success("case.closed").about("case", case_id).detail(serde_json::json!({ "reason": reason }))).await?;
    Ok(())
}

/// Court work filed for a case: the court-set filing date it was due on is met (`due_on`, as
/// stored), inside the filing's transaction. Court work calls this rather than writing here.
pub(crate) async fn filing_met(tx: &mut AnyConnection, case_id: Uuid, due_on: &str, on: Date) -> Result<()> {
    sqlx::query("UPDATE filing_dates SET filed_on = $1 WHERE case_id = $2 AND due_on = $3 AND filed_on IS NULL").bind(date_text(on)).bind(case_id.to_string()).bind(due_on).execute(&mut *tx).await?;
    Ok(())
}

/// Closes a case because its case closure was filed, inside the filing's transaction: the case
/// moves to a new version (anyone editing it sees the closure) and closes as `close_in` does.
pub(crate) async fn close_on_filing(tx: &mut AnyConnection, settings: &DeadlineSettings, ctx: &AuditContext, case_id: Uuid, outcome: &str) -> Result<()> {
    sqlx::query("UPDATE cases SET version = version + 1, updated_at = $1 WHERE id = $2").bind(ts(now())).bind(case_id.to_string()).execute(&mut *tx).await?;
    close_in(tx, settings, ctx, case_id, ClosureReason::WorkCompleted, outcome).await
}

/// Records progress on a safeguarding check.
pub async fn update_check(
    store: &Store,
    ctx: &AuditContext,
    case_id: Uuid,
    check_id: Uuid,
    status: CheckStatus,
    requested_on: Option<Date>,
    returned_on: Option<Date>,
    summary: Option<&str>,
    version: i64,
) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let n = sqlx::query(
        "UPDATE checks SET status = $1, requested_on = $2, returned_on = $3, result_summary = $4, version = version + 1, updated_at = $5
         WHERE id = $6 AND case_id = $7 AND version = $8",
    )
    .bind(status.code())
    .bind(requested_on.map(date_text))
    .bind(returned_on.map(date_text))
    .bind(summary)
    .bind(ts(now()))
    .bind(check_id.to_string())
    .bind(case_id.to_string())
    .bind(version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "checks", check_id).await);
    }
    let row = sqlx::query("SELECT k.kind, la.name FROM checks k LEFT JOIN local_authorities la ON la.id = k.local_authority_id WHERE k.id = $1")
        .bind(check_id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let kind = code(row.get(0), CheckKind::from_code)?;
    let what = match row.get::<Option<String>, _>(1) {
        Some(la) => format!("{} ({la})", kind.label()),
        None => kind.label().to_string(),
    };
    entry_row(&mut tx, case_id, EntryKind::Check, now().date(), &format!("{what}: {}", status.label().to_lowercase()), summary, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.check_updated").about("case", case_id).detail(serde_json::json!({ "check_id": check_id, "status": status }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks for a local-authority check with one more authority (one per authority a child or party
/// has lived in since each child's birth).
pub async fn add_la_check(store: &Store, ctx: &AuditContext, case_id: Uuid, local_authority_id: Uuid) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let exists = sqlx::query("SELECT 1 FROM checks WHERE case_id = $1 AND local_authority_id = $2")
        .bind(case_id.to_string())
        .bind(local_authority_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Err(StoreError::Duplicate { field: "local_authority_id" });
    }
    let id = new_id();
    let stamp = ts(now());
    sqlx::query(
        "INSERT INTO checks (id, case_id, kind, local_authority_id, status, version, created_at, updated_at) VALUES ($1, $2, 'local_authority', $3, 'not_requested', 1, $4, $4)",
    )
    .bind(id.to_string())
    .bind(case_id.to_string())
    .bind(local_authority_id.to_string())
    .bind(&stamp)
    .execute(&mut *tx)
    .await
    .map_err(|e| foreign_key(e, &["local_authority_id"]))?;
    audit::append(&mut tx, ctx, Event::success("case.check_added").about("case", case_id).detail(serde_json::json!({ "check_id": id }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The local authorities a case needs checks from: every authority of every address, since the
/// eldest child's birth, of the children and the parties, that has no check yet.
pub async fn missing_la_checks(store: &Store, case_id: Uuid) -> Result<Vec<NamedRef>> {
    Ok(la_checks_missing(&participants(store, case_id).await?, &checks(store, case_id).await?))
}

/// The rule behind [`missing_la_checks`], on what the case page has already read: every local
/// authority where a child or party (not an "other adult") has lived since the eldest child was
/// born, and which has no check yet. By name.
pub fn la_checks_missing(people: &[Participant], checks: &[Check]) -> Vec<NamedRef> {
    let eldest = people.iter().filter(|p| p.role == PartyRole::SubjectChild).filter_map(|p| p.date_of_birth).min();
    let mut missing: Vec<NamedRef> = Vec::new();
    for p in people.iter().filter(|p| p.role != PartyRole::OtherAdult) {
        for a in &p.addresses {
            let since_birth = match (a.lived_to, eldest) {
                (Some(to), Some(born)) => to >= born,
                (None, _) => true,
                (Some(_), None) => false,
            };
            if let Some(la) = a.local_authority.as_ref().filter(|_| since_birth) {
                let checked = checks.iter().any(|c| c.local_authority.as_ref().is_some_and(|l| l.id == la.id));
                if !checked && !missing.iter().any(|m| m.id == la.id) {
                    missing.push(la.clone());
                }
            }
        }
    }
    missing.sort_by(|a, b| a.name.cmp(&b.name));
    missing
}

/// Marks a task done (once: a second click on a done task is a conflict, not a second completion).
pub async fn complete_task(store: &Store, ctx: &AuditContext, case_id: Uuid, task_id: Uuid, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE tasks SET done_at = $1, done_by = $2, version = version + 1 WHERE id = $3 AND case_id = $4 AND version = $5 AND done_at IS NULL")
        .bind(ts(now()))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(task_id.to_string())
        .bind(case_id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "tasks", task_id).await);
    }
    audit::append(&mut tx, ctx, Event::success("case.task_done").about("case", case_id).detail(serde_json::json!({ "task_id": task_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a task by hand.
pub async fn add_task(store: &Store, ctx: &AuditContext, case_id: Uuid, title: &str, assigned_to: Option<Uuid>, due_on: Option<Date>) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    insert_task(&mut tx, case_id, title, assigned_to, due_on, None).await?;
    audit::append(&mut tx, ctx, Event::success("case.task_added").about("case", case_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Workers a case can be allocated to in a team: active practitioners, by name.
pub async fn team_workers(store: &Store, team_id: Uuid) -> Result<Vec<NamedRef>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name FROM staff s JOIN staff_roles r ON r.staff_id = s.id AND r.role = 'practitioner'
         WHERE s.team_id = $1 AND s.status = 'active' ORDER BY s.name",
    )
    .bind(team_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) })).collect()
}

// ---- Loading synthetic demo cases (no audit: `hearth demo` records one event for the load) ----

/// How many cases are open: for the demo's summary and national figures.
pub async fn open_count(store: &Store) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM cases WHERE status = 'open'").fetch_one(store.pool()).await?.get(0))
}

/// Up to `limit` open cases allocated to a worker, longest held first.
pub async fn open_cases_allocated_to(store: &Store, worker: Uuid, limit: i64) -> Result<Vec<Uuid>> {
    let rows = sqlx::query("SELECT id FROM cases WHERE allocated_to = $1 AND status = 'open' ORDER BY allocated_on, id LIMIT $2").bind(worker.to_string()).bind(limit).fetch_all(store.pool()).await?;
    rows.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect()
}

/// Each worker's open tasks on open cases that are overdue, and due in the next seven days.
pub async fn task_counts(store: &Store, workers: &[Uuid], today: Date) -> Result<Vec<(Uuid, i64, i64)>> {
    if workers.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT k.assigned_to, SUM(CASE WHEN k.due_on < $1 THEN 1 ELSE 0 END), SUM(CASE WHEN k.due_on >= $1 AND k.due_on <= $2 THEN 1 ELSE 0 END)
         FROM tasks k JOIN cases c ON c.id = k.case_id
         WHERE k.assigned_to IN ({}) AND k.done_at IS NULL AND c.status = 'open' GROUP BY k.assigned_to",
        crate::placeholders(3, workers.len())
    );
    let q = crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)).bind(date_text(today + time::Duration::days(7))), workers);
    q.fetch_all(store.pool()).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<Option<i64>, _>(1).unwrap_or(0), r.get::<Option<i64>, _>(2).unwrap_or(0)))).collect()
}
