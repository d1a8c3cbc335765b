//! What workload and allocation need to know about open cases, read in one query per question:
//! the cases a team's workers carry, one worker's, or a team's allocation hub.

use hearth_domain::cases::{LawType, Stage};
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use super::{code, opt_date};
use crate::{Result, Store, date_text, parse_date, parse_id};

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
    /// Allocated to this worker.
    CarriedBy(Uuid),
    /// Waiting in this team's allocation hub.
    Hub(Uuid),
    /// Waiting in every hub: the national batch benchmark.
    EveryHub,
    One(Uuid),
}

/// Reads the facts of the open cases chosen.
pub async fn facts(store: &Store, which: Which, today: Date) -> Result<Vec<CaseFacts>> {
    let (filter, id) = match which {
        Which::CarriedByTeam(t) => ("c.allocated_to IN (SELECT id FROM staff WHERE team_id = $2) AND c.status = 'open'", Some(t)),
        Which::CarriedBy(w) => ("c.allocated_to = $2 AND c.status = 'open'", Some(w)),
        Which::Hub(t) => ("c.team_id = $2 AND c.status = 'open' AND c.allocated_to IS NULL", Some(t)),
        Which::EveryHub => ("c.status = 'open' AND c.allocated_to IS NULL AND $2 IS NULL", None),
        Which::One(c) => ("c.id = $2", Some(c)),
    };
    let sql = format!(
        "SELECT c.id, c.reference, c.team_id, c.allocated_to, c.law_type, c.stage, c.urgent, c.received_on, c.first_hearing_on,
           (SELECT COUNT(*) FROM case_participants cp WHERE cp.case_id = c.id AND cp.role = 'subject_child'),
           (SELECT string_agg(f.flag, ',') FROM case_flags f WHERE f.case_id = c.id),
           (SELECT COUNT(*) FROM hearings h WHERE h.case_id = c.id AND h.kind = 'fact_finding' AND h.starts_at >= $1),
           (SELECT MIN(fd.due_on) FROM filing_dates fd WHERE fd.case_id = c.id AND fd.filed_on IS NULL AND fd.due_on >= $1),
           (SELECT MIN(h.starts_at) FROM hearings h WHERE h.case_id = c.id AND h.starts_at >= $1),
           co.service_area_id
         FROM cases c JOIN courts co ON co.id = c.court_id
         WHERE {filter} ORDER BY c.received_on, c.reference"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)).bind(id.map(|i| i.to_string())).fetch_all(store.pool()).await?;
    rows.iter()
        .map(|r| {
            let next_filing = opt_date(r.get(12))?;
            let flags: Option<String> = r.get(10);
            let flags: Vec<&str> = flags.as_deref().unwrap_or("").split(',').collect();
            let next_hearing: Option<String> = r.get(13);
            let next_hearing = next_hearing.map(|h| parse_date(&h[..10])).transpose()?;
            let next_deadline = match (next_filing, next_hearing) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Ok(CaseFacts {
                id: parse_id(&r.get::<String, _>(0))?,
                reference: r.get(1),
                team_id: parse_id(&r.get::<String, _>(2))?,
                allocated_to: r.get::<Option<String>, _>(3).map(|s| parse_id(&s)).transpose()?,
                law: code(r.get(4), LawType::from_code)?,
                stage: code(r.get(5), Stage::from_code)?,
                urgent: r.get::<i64, _>(6) != 0,
                received_on: parse_date(&r.get::<String, _>(7))?,
                first_hearing_on: opt_date(r.get(8))?,
                children: r.get(9),
                domestic_abuse: flags.contains(&"domestic_abuse"),
                interpreter: flags.contains(&"interpreter"),
                welsh: flags.contains(&"welsh_language"),
                contested: r.get::<i64, _>(11) > 0,
                next_deadline,
                next_filing,
                court_area_id: parse_id(&r.get::<String, _>(14))?,
            })
        })
        .collect()
}

/// Workers who have been allocated another case with someone in this one: continuity.
pub async fn workers_who_know(store: &Store, case_id: Uuid) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "SELECT DISTINCT c2.allocated_to FROM case_participants p1
         JOIN case_participants p2 ON p2.person_id = p1.person_id AND p2.case_id <> p1.case_id
         JOIN cases c2 ON c2.id = p2.case_id
         WHERE p1.case_id = $1 AND c2.allocated_to IS NOT NULL",
    )
    .bind(case_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect()
}

/// The ids of everyone in a case, for checking declared conflicts.
pub async fn people_in(store: &Store, case_id: Uuid) -> Result<Vec<Uuid>> {
    let rows = sqlx::query("SELECT person_id FROM case_participants WHERE case_id = $1").bind(case_id.to_string()).fetch_all(store.pool()).await?;
    rows.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect()
}
