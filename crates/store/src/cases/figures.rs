//! The case record's own figures for insight, for a team, an area or the service: when public
//! law cases were allocated, what is open and waiting now, closures and how long public law
//! proceedings took. Each is one indexed query; working days are counted by the caller.

use hearth_domain::cases::LawType;
use sqlx::Row;
use time::Date;

use super::{code, opt_date};
use crate::quality::insight::Reach;
use crate::{Result, Store, date_text, parse_date};

const FILTER: &str = "($1 IS NULL OR c.team_id = $1) AND ($2 IS NULL OR c.team_id IN (SELECT id FROM teams WHERE service_area_id = $2))";

/// Public law cases received in the period: when the service was told (received) and when they
/// were allocated (if they have been).
pub async fn public_allocations(store: &Store, reach: Reach, from: Date, to: Date) -> Result<Vec<(Date, Option<Date>)>> {
    let (team, area) = reach.binds();
    let sql = format!("SELECT c.received_on, c.allocated_on FROM cases c WHERE {FILTER} AND c.law_type = 'public' AND c.received_on >= $3 AND c.received_on <= $4");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).bind(date_text(from)).bind(date_text(to)).fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((parse_date(&r.get::<String, _>(0))?, opt_date(r.get(1))?))).collect()
}

/// Open cases now by law type: (law, open, of which unallocated).
pub async fn open_now(store: &Store, reach: Reach) -> Result<Vec<(LawType, i64, i64)>> {
    let (team, area) = reach.binds();
    let sql = format!(
        "SELECT c.law_type, COUNT(*), SUM(CASE WHEN c.allocated_to IS NULL THEN 1 ELSE 0 END) FROM cases c WHERE {FILTER} AND c.status = 'open' GROUP BY c.law_type ORDER BY c.law_type"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((code(r.get(0), LawType::from_code)?, r.get(1), r.get::<Option<i64>, _>(2).unwrap_or(0)))).collect()
}

/// When each case waiting in the hub now was received: the hub's size and wait.
pub async fn hub_received(store: &Store, reach: Reach) -> Result<Vec<Date>> {
    let (team, area) = reach.binds();
    let sql = format!("SELECT c.received_on FROM cases c WHERE {FILTER} AND c.status = 'open' AND c.allocated_to IS NULL");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).fetch_all(store.pool()).await?;
    rows.iter().map(|r| parse_date(&r.get::<String, _>(0))).collect()
}

/// Cases closed in the period, and for public law ones their issue and closing dates.
pub async fn closures(store: &Store, reach: Reach, from: Date, to: Date) -> Result<(i64, Vec<(Date, Date)>)> {
    let (team, area) = reach.binds();
    let sql = format!("SELECT c.law_type, c.issued_on, c.received_on, c.closed_on FROM cases c WHERE {FILTER} AND c.status = 'closed' AND c.closed_on >= $3 AND c.closed_on <= $4");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).bind(date_text(from)).bind(date_text(to)).fetch_all(store.pool()).await?;
    let mut durations = vec![];
    for r in &rows {
        if r.get::<String, _>(0) == "public" {
            let start = opt_date(r.get(1))?.unwrap_or(parse_date(&r.get::<String, _>(2))?);
            durations.push((start, parse_date(&r.get::<String, _>(3))?));
        }
    }
    Ok((rows.len() as i64, durations))
}
