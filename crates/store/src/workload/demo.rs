//! Loading synthetic demo workload (no audit: `hearth demo` records one event for the load).

use super::*;

/// What the demo records about workload besides cases.
#[derive(Debug, Default)]
pub struct DemoWorkload {
    pub absences: Vec<(Uuid, AbsenceKind, Date, Date)>,
    pub duties: Vec<(Uuid, DutyKind, Points, Date, Option<Date>)>,
    pub caps: Vec<(Uuid, i64)>,
    /// (staff, person, reason)
    pub conflicts: Vec<(Uuid, Uuid, String)>,
}

pub async fn load_demo(store: &Store, d: &DemoWorkload) -> Result<()> {
    let at = ts(now());
    let mut tx = store.begin().await?;
    for (staff, kind, first, last) in &d.absences {
        sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(new_id().to_string())
            .bind(staff.to_string())
            .bind(kind.code())
            .bind(date_text(*first))
            .bind(date_text(*last))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
    }
    for (staff, kind, points, first, last) in &d.duties {
        sqlx::query("INSERT INTO duties (id, staff_id, kind, points, first_day, last_day, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id().to_string())
            .bind(staff.to_string())
            .bind(kind.code())
            .bind(points.0)
            .bind(date_text(*first))
            .bind(last.map(date_text))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
    }
    for (staff, cap) in &d.caps {
        sqlx::query("INSERT INTO case_caps (staff_id, case_cap, version) VALUES ($1, $2, 1)").bind(staff.to_string()).bind(cap).execute(&mut *tx).await?;
    }
    for (staff, person, reason) in &d.conflicts {
        sqlx::query("INSERT INTO conflicts (id, staff_id, person_id, reason, declared_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
            .bind(new_id().to_string())
            .bind(staff.to_string())
            .bind(person.to_string())
            .bind(reason)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
