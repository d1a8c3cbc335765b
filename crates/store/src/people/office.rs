//! Office days: the days someone records they were in the office, and the team meetings they
//! attended there, counted for the office-first expectation.

use std::collections::HashMap;

use sqlx::Row;
use time::Date;
use uuid::Uuid;

use super::Whose;
use crate::audit::{self, AuditContext, Event};
use crate::{Result, Store, date_text, now, parse_id, ts};

/// Records (or, with `in_office` false, takes back) that `staff` is in the office on `day`, at
/// their team's office. Recording a day twice keeps the first.
pub async fn set_day(store: &Store, ctx: &AuditContext, staff: Uuid, day: Date, in_office: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    if in_office {
        record_in(&mut tx, staff, day, now()).await?;
    } else {
        sqlx::query("DELETE FROM office_days WHERE staff_id = $1 AND day = $2").bind(staff.to_string()).bind(date_text(day)).execute(&mut *tx).await?;
    }
    audit::append(&mut tx, ctx, Event::success(if in_office { "office_day.recorded" } else { "office_day.withdrawn" }).about("staff", staff).detail(serde_json::json!({ "day": date_text(day) }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Records `staff` in the office on `day`, at their team's office, inside the caller's
/// transaction (checking in to a desk records here too). A day already recorded is kept.
pub(crate) async fn record_in(conn: &mut sqlx::AnyConnection, staff: Uuid, day: Date, at: time::OffsetDateTime) -> Result<()> {
    sqlx::query("INSERT INTO office_days (staff_id, day, office_id, recorded_at) SELECT s.id, $2, t.office_id, $3 FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE s.id = $1 ON CONFLICT (staff_id, day) DO NOTHING")
        .bind(staff.to_string())
        .bind(date_text(day))
        .bind(ts(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `staff` has recorded being in the office on `day`.
pub async fn recorded_on(store: &Store, staff: Uuid, day: Date) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM office_days WHERE staff_id = $1 AND day = $2").bind(staff.to_string()).bind(date_text(day)).fetch_optional(store.pool()).await?.is_some())
}

/// Days in the office from `from` to `to` for everyone active in a team, an area or the service:
/// the days they recorded, and the days of team meetings they attended in the office, each day
/// once. One query.
pub async fn counts(store: &Store, whose: Whose, from: Date, to: Date) -> Result<HashMap<Uuid, i64>> {
    let (filter, id) = whose.filter();
    let (a, b) = if id.is_some() { ("$2", "$3") } else { ("$1", "$2") };
    // Each branch starts from the people (by team, area or id) and reaches their days by index.
    let sql = format!(
        "SELECT d.staff_id, COUNT(*) FROM (
             SELECT o.staff_id, o.day FROM staff s JOIN office_days o ON o.staff_id = s.id
              WHERE {filter} AND s.status = 'active' AND o.day >= {a} AND o.day <= {b}
             UNION
             SELECT x.staff_id, m.held_on FROM staff s JOIN team_meeting_attendance x ON x.staff_id = s.id JOIN team_meetings m ON m.id = x.meeting_id
              WHERE {filter} AND s.status = 'active' AND x.attendance = 'office' AND m.held_on >= {a} AND m.held_on <= {b}
         ) d GROUP BY d.staff_id"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    q.bind(date_text(from)).bind(date_text(to)).fetch_all(store.pool()).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<i64, _>(1)))).collect()
}

/// Demo office days, as (staff, day), without audit.
pub async fn load_demo(store: &Store, days: &[(Uuid, Date)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for (staff, day) in days {
        sqlx::query("INSERT INTO office_days (staff_id, day, office_id, recorded_at) SELECT s.id, $2, t.office_id, $3 FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE s.id = $1")
            .bind(staff.to_string())
            .bind(date_text(*day))
            .bind(ts(day.midnight().assume_utc() + time::Duration::hours(9)))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
