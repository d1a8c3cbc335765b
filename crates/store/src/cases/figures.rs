//! The case record's own figures for insight: what a team has open and waiting now (measured
//! with its workload bands), and for one month across every team, when public law cases were
//! allocated, what was open at the month's end, closures and how long public law proceedings
//! took, and how soon allocated cases had a first contact. Working days are counted by the caller.

use hearth_domain::cases::LawType;
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use super::{code, opt_date};
use crate::{Result, Store, StoreError, date_text, parse_date, parse_id};

/// A team's open cases now by law type: (law, open, of which unallocated).
pub async fn open_now(store: &Store, team_id: Uuid) -> Result<Vec<(LawType, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT law_type, COUNT(*), SUM(CASE WHEN allocated_to IS NULL THEN 1 ELSE 0 END) FROM cases WHERE team_id = $1 AND status = 'open' GROUP BY law_type ORDER BY law_type",
    )
    .bind(team_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((code(r.get(0), LawType::from_code)?, r.get(1), r.get::<Option<i64>, _>(2).unwrap_or(0)))).collect()
}

/// When each case waiting in a team's allocation hub now was received: the hub's size and wait.
pub async fn hub_received(store: &Store, team_id: Uuid) -> Result<Vec<Date>> {
    let rows = sqlx::query("SELECT received_on FROM cases WHERE team_id = $1 AND status = 'open' AND allocated_to IS NULL").bind(team_id.to_string()).fetch_all(store.pool()).await?;
    rows.iter().map(|r| parse_date(&r.get::<String, _>(0))).collect()
}

// ---- One month for every team, for the figures kept month by month (`crate::insight`) ----

/// Public law cases received in the month: (team, received, first allocated). The first
/// allocation, from the holders' history: a later reallocation does not make it late.
pub async fn month_public_allocations(store: &Store, first: Date, last: Date) -> Result<Vec<(Uuid, Date, Option<Date>)>> {
    let rows = sqlx::query(
        "SELECT c.team_id, c.received_on, (SELECT MIN(a.at) FROM case_allocations a WHERE a.case_id = c.id AND a.worker_id IS NOT NULL)
         FROM cases c WHERE c.law_type = 'public' AND c.received_on >= $1 AND c.received_on <= $2",
    )
    .bind(date_text(first))
    .bind(date_text(last))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, parse_date(&r.get::<String, _>(1))?, day_of(r.get(2))?))).collect()
}

/// The day of a stored time.
fn day_of(at: Option<String>) -> Result<Option<Date>> {
    at.map(|t| parse_date(t.get(..10).unwrap_or(&t))).transpose()
}

/// Work open at the end of a day, by team and law: (team, law, open, of which unallocated then).
/// Read from when each case was received and closed, and who held it then (the holders'
/// history: a case reallocated or returned to the hub since is counted as it was), so past
/// month ends can be measured too; a case that has moved team counts in its team now.
pub async fn open_at(store: &Store, end: Date) -> Result<Vec<(Uuid, LawType, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT c.team_id, c.law_type, COUNT(*),
           SUM(CASE WHEN (SELECT a.worker_id FROM case_allocations a WHERE a.case_id = c.id AND a.at < $2 ORDER BY a.at DESC LIMIT 1) IS NULL THEN 1 ELSE 0 END)
         FROM cases c WHERE c.received_on <= $1 AND (c.closed_on IS NULL OR c.closed_on > $1) GROUP BY c.team_id, c.law_type",
    )
    .bind(date_text(end))
    .bind(date_text(end + time::Duration::days(1)))
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, code(r.get(1), LawType::from_code)?, r.get(2), r.get::<Option<i64>, _>(3).unwrap_or(0)))).collect()
}

/// A case closed in the month.
pub struct Closure {
    pub team_id: Uuid,
    pub worker: Option<Uuid>,
    /// For public law, when proceedings began (issued, or failing that received).
    pub public_from: Option<Date>,
    pub closed_on: Date,
}

pub async fn month_closures(store: &Store, first: Date, last: Date) -> Result<Vec<Closure>> {
    let rows = sqlx::query("SELECT team_id, allocated_to, law_type, issued_on, received_on, closed_on FROM cases WHERE closed_on >= $1 AND closed_on <= $2")
        .bind(date_text(first))
        .bind(date_text(last))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let public = r.get::<String, _>(2) == "public";
            Ok(Closure {
                team_id: parse_id(&r.get::<String, _>(0))?,
                worker: r.get::<Option<String>, _>(1).map(|w| parse_id(&w)).transpose()?,
                public_from: if public { Some(opt_date(r.get(3))?.unwrap_or(parse_date(&r.get::<String, _>(4))?)) } else { None },
                closed_on: parse_date(&r.get::<String, _>(5))?,
            })
        })
        .collect()
}

/// Cases allocated in the month that have had a first contact since: (worker, allocated, first
/// contact). A contact is a visit, a call, a meeting or time with the child.
pub async fn month_first_contacts(store: &Store, first: Date, last: Date) -> Result<Vec<(Uuid, Date, Date)>> {
    // Each allocation made in the month, to whoever it was made: a reallocation starts the new
    // worker's clock, and the first worker's allocation still counts for them.
    let rows = sqlx::query(
        "SELECT a.worker_id, a.at, MIN(e.occurred_on) FROM case_allocations a
         JOIN chronology e ON e.case_id = a.case_id AND e.kind IN ('visit', 'phone_call', 'time_with_child', 'meeting') AND e.occurred_on >= substr(a.at, 1, 10)
         WHERE a.at >= $1 AND a.at < $2 AND a.worker_id IS NOT NULL
         GROUP BY a.case_id, a.worker_id, a.at",
    )
    .bind(date_text(first))
    .bind(date_text(last + time::Duration::days(1)))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, day_of(r.get(1))?.ok_or(StoreError::NotFound)?, parse_date(&r.get::<String, _>(2))?)))
        .collect()
}
