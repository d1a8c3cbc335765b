//! Quality insight: grades by quarter, filing on time, and the share of workers with autonomy, for
//! one team, one service area or the whole service. Figures only: no person's grade is named.
//!
//! A grade counts where its worker is now (their current team), which is what a manager asks of
//! their team; a worker who moved takes their history with them.

use std::collections::BTreeMap;

use hearth_domain::quality::{Grade, WorkType};
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

use crate::cases::code;
use crate::{Result, Store};

/// Whose figures: a team, a service area, or everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Team(Uuid),
    Area(Uuid),
    National,
}

impl Reach {
    pub(crate) fn binds(&self) -> (Option<String>, Option<String>) {
        match self {
            Reach::Team(t) => (Some(t.to_string()), None),
            Reach::Area(a) => (None, Some(a.to_string())),
            Reach::National => (None, None),
        }
    }
}

/// "2026-Q4" for a stored time or date ("2026-11-23...").
fn quarter(stamp: &str) -> String {
    let month: u32 = stamp.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!("{}-Q{}", stamp.get(0..4).unwrap_or("0000"), (month - 1) / 3 + 1)
}

/// Grades in one quarter, in scale order (outstanding first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GradeCounts {
    pub quarter: String,
    pub counts: [i64; 4],
}

impl GradeCounts {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// Good or better, as a whole percentage of all graded.
    pub fn good_or_better(&self) -> Option<i64> {
        let t = self.total();
        (t > 0).then(|| ((self.counts[0] + self.counts[1]) * 100 + t / 2) / t)
    }
}

const FILTER: &str = "($1 IS NULL OR s.team_id = $1) AND ($2 IS NULL OR t.service_area_id = $2)";

/// Grades given at sign-off and in dip samples, by quarter, oldest first.
pub async fn grades(store: &Store, reach: Reach) -> Result<Vec<GradeCounts>> {
    let (team, area) = reach.binds();
    let sql = format!(
        "SELECT SUBSTR(e.at, 1, 7), e.grade, COUNT(*) FROM autonomy_events e JOIN staff s ON s.id = e.staff_id JOIN teams t ON t.id = s.team_id
         WHERE e.event = 'graded' AND {FILTER} GROUP BY SUBSTR(e.at, 1, 7), e.grade"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).fetch_all(store.pool()).await?;
    let mut by: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    for r in &rows {
        let g = code(r.get(1), Grade::from_code)?;
        let slot = Grade::ALL.iter().position(|x| *x == g).unwrap_or(0);
        by.entry(quarter(&r.get::<String, _>(0))).or_default()[slot] += r.get::<i64, _>(2);
    }
    Ok(by.into_iter().map(|(quarter, counts)| GradeCounts { quarter, counts }).collect())
}

/// Filed work with a court filing date, by quarter: (quarter, on or before the date, all).
pub async fn timeliness(store: &Store, reach: Reach) -> Result<Vec<(String, i64, i64)>> {
    let (team, area) = reach.binds();
    let sql = format!(
        "SELECT SUBSTR(w.filed_at, 1, 7), SUM(CASE WHEN SUBSTR(w.filed_at, 1, 10) <= w.due_on THEN 1 ELSE 0 END), COUNT(*)
         FROM work w JOIN staff s ON s.id = w.author_id JOIN teams t ON t.id = s.team_id
         WHERE w.status = 'filed' AND w.due_on IS NOT NULL AND {FILTER} GROUP BY SUBSTR(w.filed_at, 1, 7)"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).fetch_all(store.pool()).await?;
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in &rows {
        let e = by.entry(quarter(&r.get::<String, _>(0))).or_default();
        e.0 += r.get::<i64, _>(1);
        e.1 += r.get::<i64, _>(2);
    }
    Ok(by.into_iter().map(|(q, (on_time, all))| (q, on_time, all)).collect())
}

/// Court work with a court date filed in a period, by author: (author, on or before the date, all).
/// `last` is the day after the period (filing times are stamps).
pub async fn filing_by_author(store: &Store, first: &str, after: &str) -> Result<Vec<(Uuid, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT author_id, SUM(CASE WHEN SUBSTR(filed_at, 1, 10) <= due_on THEN 1 ELSE 0 END), COUNT(*)
         FROM work WHERE status = 'filed' AND due_on IS NOT NULL AND filed_at >= $1 AND filed_at < $2 GROUP BY author_id",
    )
    .bind(first)
    .bind(after)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((crate::parse_id(&r.get::<String, _>(0))?, r.get::<Option<i64>, _>(1).unwrap_or(0), r.get(2)))).collect()
}

/// Grades given in a period, by the worker graded: (worker, good or outstanding, all).
pub async fn grades_by_worker(store: &Store, first: &str, after: &str) -> Result<Vec<(Uuid, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT staff_id, SUM(CASE WHEN grade IN ('outstanding', 'good') THEN 1 ELSE 0 END), COUNT(*)
         FROM autonomy_events WHERE event = 'graded' AND at >= $1 AND at < $2 GROUP BY staff_id",
    )
    .bind(first)
    .bind(after)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((crate::parse_id(&r.get::<String, _>(0))?, r.get::<Option<i64>, _>(1).unwrap_or(0), r.get(2)))).collect()
}

/// Active practitioners holding autonomy in each work type, and how many practitioners there are.
pub async fn autonomy_share(store: &Store, reach: Reach) -> Result<(Vec<(WorkType, i64)>, i64)> {
    let (team, area) = reach.binds();
    let practitioners = format!(
        "SELECT COUNT(*) FROM staff s JOIN teams t ON t.id = s.team_id JOIN staff_roles r ON r.staff_id = s.id
         WHERE r.role = 'practitioner' AND s.status = 'active' AND {FILTER}"
    );
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(practitioners)).bind(team.clone()).bind(area.clone()).fetch_one(store.pool()).await?.get(0);
    let sql = format!(
        "SELECT a.work_type, COUNT(*) FROM autonomy a JOIN staff s ON s.id = a.staff_id JOIN teams t ON t.id = s.team_id
         WHERE a.authorised = 1 AND s.status = 'active' AND {FILTER} GROUP BY a.work_type"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(team).bind(area).fetch_all(store.pool()).await?;
    let mut held: BTreeMap<WorkType, i64> = BTreeMap::new();
    for r in &rows {
        held.insert(code(r.get(0), WorkType::from_code)?, r.get(1));
    }
    Ok((WorkType::ALL.iter().map(|t| (*t, held.get(t).copied().unwrap_or(0))).collect(), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_shares() {
        assert_eq!(quarter("2026-11-23T09:00:00.000000Z"), "2026-Q4");
        assert_eq!(quarter("2024-01-02"), "2024-Q1");
        let g = GradeCounts { quarter: "2026-Q4".into(), counts: [1, 2, 2, 1] };
        assert_eq!(g.good_or_better(), Some(50));
        assert_eq!(GradeCounts::default().good_or_better(), None);
    }
}
