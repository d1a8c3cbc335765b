//! What workload and allocation need to know about open cases, read in one query per question:
//! the cases a team's workers carry, one worker's, or a team's allocation hub.

use hearth_domain::cases::{LawType, Stage};
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use super::code;
use crate::{Engine, Result, Store, StoreError, bind_ids, date_text, parse_date, parse_id, placeholders};

/// One open case, as the weighting tool and allocation see it.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub id: Uuid,
    pub reference: String,
    pub team_id: Uuid,
    pub allocated_to: Option<Uuid>,
    pub law: LawType,
    pub stage: Stage,
    pub urgent: bool,
    pub received_on: Date,
    pub first_hearing_on: Option<Date>,
    pub children: i64,
    pub domestic_abuse: bool,
    pub interpreter: bool,
    pub welsh: bool,
    /// A fact-finding hearing from today on.
    pub contested: bool,
    /// The next court date: the earliest unfiled filing date or hearing from today on.
    pub next_deadline: Option<Date>,
    /// The earliest unfiled filing date, for the allocation buffer.
    pub next_filing: Option<Date>,
    /// The service area of the case's court.
    pub court_area_id: Uuid,
}

/// Which open cases to read.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// Allocated to anyone whose team is this one.
    CarriedByTeam(Uuid),
    /// Allocated to anyone in the team of this case: a suggestion's colleagues, read beside the
    /// case rather than after it.
    CarriedByTeamOf(Uuid),
    /// Allocated to the bank and associate pool of this service area.
    CarriedByPoolOf(Uuid),
    /// Allocated to this worker.
    CarriedBy(Uuid),
    /// Waiting in this team's allocation hub.
    Hub(Uuid),
    /// Waiting in every hub: the national batch benchmark.
    EveryHub,
    One(Uuid),
}

impl Which {
    /// The condition on `c` (cases), its id bound as `$2` (`$1` is today).
    fn filter(self) -> (&'static str, Option<Uuid>) {
        match self {
            Which::CarriedByTeam(t) => ("c.allocated_to IN (SELECT id FROM staff WHERE team_id = $2) AND c.status = 'open'", Some(t)),
            Which::CarriedByTeamOf(c) => ("c.allocated_to IN (SELECT s.id FROM staff s JOIN cases o ON o.team_id = s.team_id WHERE o.id = $2) AND c.status = 'open'", Some(c)),
            Which::CarriedByPoolOf(a) => (
                "c.allocated_to IN (SELECT s.id FROM staff s JOIN teams t ON t.id = s.team_id WHERE t.service_area_id = $2 AND s.contract IN ('bank', 'associate')) AND c.status = 'open'",
                Some(a),
            ),
            Which::CarriedBy(w) => ("c.allocated_to = $2 AND c.status = 'open'", Some(w)),
            Which::Hub(t) => ("c.team_id = $2 AND c.status = 'open' AND c.allocated_to IS NULL", Some(t)),
            Which::EveryHub => ("c.status = 'open' AND c.allocated_to IS NULL AND $2 IS NULL", None),
            Which::One(c) => ("c.id = $2", Some(c)),
        }
    }
}

/// Runs a query of `columns` from `inner` (which binds today as `$1` and an id as `$2`) and
/// returns its rows as one JSON array in a single row, parsed: the driver hands SQLite's rows
/// across threads one at a time (about 8 µs each, five times what SQLite takes to find them).
async fn json_rows<T: serde::de::DeserializeOwned>(store: &Store, columns: &str, inner: &str, today: Date, id: Option<Uuid>) -> Result<Vec<T>> {
    let sql = match store.engine() {
        Engine::Sqlite => format!("SELECT json_group_array(json_array({columns})) FROM ({inner}) x"),
        Engine::Postgres => format!("SELECT COALESCE(json_agg(json_build_array({columns}))::text, '[]') FROM ({inner}) x"),
    };
    let json: String = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)).bind(id.map(|i| i.to_string())).fetch_one(store.pool()).await?.get(0);
    serde_json::from_str(&json).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
}

/// What weighs in an open case and who carries it: enough to weigh it, and no more, for
/// suggestions, which need each colleague's load but not their court dates.
#[derive(Debug, Clone)]
pub struct Weighing {
    pub id: Uuid,
    pub allocated_to: Option<Uuid>,
    /// Without the court work in progress, which is read with the worker.
    pub facts: hearth_domain::workload::CaseFacts,
}

/// The children, flags and fact-finding hearings of a case `c` from today (`$1`) on: the
/// subqueries both reads share.
const WEIGHED: &str = "(SELECT COUNT(*) FROM case_participants cp WHERE cp.case_id = c.id AND cp.role = 'subject_child') AS children,
           (SELECT string_agg(f.flag, ',') FROM case_flags f WHERE f.case_id = c.id) AS flags,
           (SELECT COUNT(*) FROM hearings h WHERE h.case_id = c.id AND h.kind = 'fact_finding' AND h.starts_at >= $1) AS contested";

/// Reads what weighs in the open cases chosen.
pub async fn weighings(store: &Store, which: Which, today: Date) -> Result<Vec<Weighing>> {
    let (filter, id) = which.filter();
    let inner = format!("SELECT c.id AS id, c.allocated_to AS allocated_to, c.law_type AS law_type, c.stage AS stage, {WEIGHED} FROM cases c WHERE {filter}");
    let rows: Vec<(String, Option<String>, String, String, i64, Option<String>, i64)> =
        json_rows(store, "id, allocated_to, law_type, stage, children, flags, contested", &inner, today, id).await?;
    rows.into_iter()
        .map(|(id, allocated_to, law, stage, children, flags, contested)| {
            let flags = Flags::of(flags.as_deref());
            Ok(Weighing {
                id: parse_id(&id)?,
                allocated_to: allocated_to.map(|s| parse_id(&s)).transpose()?,
                facts: hearth_domain::workload::CaseFacts {
                    law: Some(code(law, LawType::from_code)?),
                    stage: Some(code(stage, Stage::from_code)?),
                    children,
                    domestic_abuse: flags.domestic_abuse,
                    interpreter: flags.interpreter,
                    contested: contested > 0,
                    work_in_progress: vec![],
                },
            })
        })
        .collect()
}

/// The flags weighing and allocation look at, from the comma-joined list.
struct Flags {
    domestic_abuse: bool,
    interpreter: bool,
    welsh: bool,
}

impl Flags {
    fn of(list: Option<&str>) -> Self {
        let flags: Vec<&str> = list.unwrap_or("").split(',').collect();
        Self { domestic_abuse: flags.contains(&"domestic_abuse"), interpreter: flags.contains(&"interpreter"), welsh: flags.contains(&"welsh_language") }
    }
}

/// One case's facts as the query returns them, in column order.
type FactsRow = (String, String, String, Option<String>, String, String, i64, String, Option<String>, i64, Option<String>, i64, Option<String>, Option<String>, String);

/// Reads the facts of the open cases chosen, soonest received first. A team carries some 330
/// open cases, so they come back as one JSON row (`json_rows`).
pub async fn facts(store: &Store, which: Which, today: Date) -> Result<Vec<CaseFacts>> {
    let (filter, id) = which.filter();
    let inner = format!(
        "SELECT c.id AS id, c.reference AS reference, c.team_id AS team_id, c.allocated_to AS allocated_to, c.law_type AS law_type, c.stage AS stage,
           c.urgent AS urgent, c.received_on AS received_on, c.first_hearing_on AS first_hearing_on,
           {WEIGHED},
           (SELECT MIN(fd.due_on) FROM filing_dates fd WHERE fd.case_id = c.id AND fd.filed_on IS NULL AND fd.due_on >= $1) AS next_filing,
           (SELECT MIN(h.starts_at) FROM hearings h WHERE h.case_id = c.id AND h.starts_at >= $1) AS next_hearing,
           co.service_area_id AS area
         FROM cases c JOIN courts co ON co.id = c.court_id
         WHERE {filter}"
    );
    let columns = "id, reference, team_id, allocated_to, law_type, stage, urgent, received_on, first_hearing_on, children, flags, contested, next_filing, next_hearing, area";
    let rows: Vec<FactsRow> = json_rows(store, columns, &inner, today, id).await?;
    let mut out = rows
        .into_iter()
        .map(|(id, reference, team_id, allocated_to, law, stage, urgent, received_on, first_hearing_on, children, flags, contested, next_filing, next_hearing, area)| {
            let next_filing = next_filing.as_deref().map(parse_date).transpose()?;
            let flags = Flags::of(flags.as_deref());
            let next_hearing = next_hearing.map(|h| parse_date(h.get(..10).unwrap_or(&h))).transpose()?;
            let next_deadline = match (next_filing, next_hearing) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Ok(CaseFacts {
                id: parse_id(&id)?,
                reference,
                team_id: parse_id(&team_id)?,
                allocated_to: allocated_to.map(|s| parse_id(&s)).transpose()?,
                law: code(law, LawType::from_code)?,
                stage: code(stage, Stage::from_code)?,
                urgent: urgent != 0,
                received_on: parse_date(&received_on)?,
                first_hearing_on: first_hearing_on.as_deref().map(parse_date).transpose()?,
                children,
                domestic_abuse: flags.domestic_abuse,
                interpreter: flags.interpreter,
                welsh: flags.welsh,
                contested: contested > 0,
                next_deadline,
                next_filing,
                court_area_id: parse_id(&area)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.received_on.cmp(&b.received_on).then_with(|| a.reference.cmp(&b.reference)));
    Ok(out)
}

/// Workers who have been allocated another case with someone in one of these: continuity.
/// Pairs of (case, worker).
pub async fn workers_who_know(store: &Store, case_ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
    if case_ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT DISTINCT p1.case_id, c2.allocated_to FROM case_participants p1
         JOIN case_participants p2 ON p2.person_id = p1.person_id AND p2.case_id <> p1.case_id
         JOIN cases c2 ON c2.id = p2.case_id
         WHERE c2.allocated_to IS NOT NULL AND p1.case_id IN ({})",
        placeholders(1, case_ids.len())
    );
    let rows = bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), case_ids).fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?))).collect()
}

/// The ids of everyone in a case, for checking declared conflicts.
pub async fn people_in(store: &Store, case_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(people_of(store.pool(), &[case_id]).await?.into_iter().map(|(_, person)| person).collect())
}

/// Everyone in these cases, as (case, person): for declared conflicts, on the pool or inside an
/// allocating transaction.
pub(crate) async fn people_of<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, case_ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
    if case_ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!("SELECT case_id, person_id FROM case_participants WHERE case_id IN ({})", placeholders(1, case_ids.len()));
    let rows = bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), case_ids).fetch_all(ex).await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?))).collect()
}

/// How many open cases a worker holds now, for their case cap.
pub(crate) async fn open_cases_of<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, worker_id: Uuid) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM cases WHERE allocated_to = $1 AND status = 'open'").bind(worker_id.to_string()).fetch_one(ex).await?.get(0))
}

/// People placed in a team who have left but still hold open cases, and how many each: their
/// cases wait on nobody until they are moved.
pub async fn held_by_leavers(store: &Store, team_id: Uuid) -> Result<Vec<(crate::org::NamedRef, i64)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, COUNT(*) FROM staff s JOIN cases c ON c.allocated_to = s.id AND c.status = 'open'
         WHERE s.team_id = $1 AND s.status <> 'active' GROUP BY s.id, s.name ORDER BY s.name",
    )
    .bind(team_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((crate::org::NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }, r.get(2)))).collect()
}
