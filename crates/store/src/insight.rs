//! Key figures kept month by month (`team_months`, `staff_months`), so the key-figures page and
//! My Work's charts add up a few hundred rows at national scale instead of reading every case.
//!
//! A month is measured from the case record's and quality's own figures (`cases::figures`,
//! `quality::insight`), for every team and worker at once. `hearth serve` measures the unsettled
//! months (`hearth_domain::insight::unsettled`) every quarter of an hour, and any month of the last
//! year not yet measured; older months stay as they were measured.

use std::collections::HashMap;

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::cases::LawType;
use hearth_domain::insight::{self as kpi, Month, StaffMonth, TeamMonth};
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::cases::figures;
use crate::quality::insight::{self as quality, Reach};
use crate::{Result, Store, date_text, now, parse_id, parse_ts, ts};

/// How many months back the figures are kept measured: a year of charts, and this month.
pub const MONTHS_KEPT: usize = 13;

/// Measures the unsettled months again, and any month of the last year not yet measured.
/// Returns how many months were measured.
pub async fn refresh(store: &Store, calendar: &WorkingCalendar, today: Date) -> Result<usize> {
    let mut first = Month::of(today);
    for _ in 1..MONTHS_KEPT {
        first = first.previous();
    }
    let measured: Vec<String> = sqlx::query("SELECT DISTINCT month FROM team_months WHERE month >= $1")
        .bind(first.code())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let unsettled = kpi::unsettled(today);
    let due: Vec<Month> = Month::span(first, Month::of(today)).into_iter().filter(|m| unsettled.contains(m) || !measured.contains(&m.code())).collect();
    for m in &due {
        measure(store, calendar, *m, today).await?;
    }
    Ok(due.len())
}

/// Measures one month for every team and worker, replacing what was kept for it.
pub async fn measure(store: &Store, calendar: &WorkingCalendar, month: Month, today: Date) -> Result<()> {
    let (first, last) = (month.first_day(), month.last_day().min(today));
    let (from, after) = (date_text(first), date_text(month.next().first_day()));
    let ended = month.last_day() < today;
    let (allocations, open, closures, contacts, filing, grades, teams, placed) = tokio::try_join!(
        figures::month_public_allocations(store, first, last),
        async { if ended { figures::open_at(store, month.last_day()).await } else { Ok(vec![]) } },
        figures::month_closures(store, first, last),
        figures::month_first_contacts(store, first, last),
        quality::filing_by_author(store, &from, &after),
        quality::grades_by_worker(store, &from, &after),
        crate::org::teams(store, None),
        crate::org::team_of_everyone(store),
    )?;

    let mut by_team: HashMap<Uuid, TeamMonth> = teams.iter().map(|t| (t.id, TeamMonth::default())).collect();
    let mut received: HashMap<Uuid, Vec<(Date, Option<Date>)>> = HashMap::new();
    for (team, r, a) in allocations {
        received.entry(team).or_default().push((r, a));
    }
    for (team, cases) in received {
        let t = by_team.entry(team).or_default();
        t.public_received = cases.len() as i64;
        t.allocation = kpi::allocation_times(&cases, calendar, today);
    }
    if ended {
        for t in by_team.values_mut() {
            (t.public_open_end, t.public_unallocated_end, t.private_open_end, t.private_unallocated_end) = (Some(0), Some(0), Some(0), Some(0));
        }
        for (team, law, all, waiting) in open {
            let t = by_team.entry(team).or_default();
            let (o, u) = match law {
                LawType::Public => (&mut t.public_open_end, &mut t.public_unallocated_end),
                LawType::Private => (&mut t.private_open_end, &mut t.private_unallocated_end),
            };
            *o = Some(o.unwrap_or(0) + all);
            *u = Some(u.unwrap_or(0) + waiting);
        }
    }
    let mut by_staff: HashMap<Uuid, StaffMonth> = HashMap::new();
    for c in &closures {
        let t = by_team.entry(c.team_id).or_default();
        t.closed += 1;
        if let Some(from) = c.public_from {
            t.public_closed += 1;
            t.public_closed_days += (c.closed_on - from).whole_days().max(0);
        }
        if let Some(w) = c.worker {
            by_staff.entry(w).or_default().closed += 1;
        }
    }
    let mut pairs: HashMap<Uuid, Vec<(Date, Date)>> = HashMap::new();
    for (w, allocated, contact) in contacts {
        pairs.entry(w).or_default().push((allocated, contact));
    }
    for (w, p) in pairs {
        let s = by_staff.entry(w).or_default();
        (s.first_contacts, s.first_contact_days) = kpi::first_contact_days(&p);
    }
    for (w, on_time, all) in filing {
        let s = by_staff.entry(w).or_default();
        (s.filed_on_time, s.filed) = (on_time, all);
    }
    for (w, good, all) in grades {
        let s = by_staff.entry(w).or_default();
        (s.graded_good, s.graded) = (good, all);
    }
    // A team's filing and grades are those of the people in it now.
    for (w, s) in &by_staff {
        if let Some(t) = placed.get(w).copied().flatten() {
            let t = by_team.entry(t).or_default();
            (t.filed, t.filed_on_time, t.graded, t.graded_good) = (t.filed + s.filed, t.filed_on_time + s.filed_on_time, t.graded + s.graded, t.graded_good + s.graded_good);
        }
    }

    let at = ts(now());
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM team_months WHERE month = $1").bind(month.code()).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM staff_months WHERE month = $1").bind(month.code()).execute(&mut *tx).await?;
    for (team, t) in &by_team {
        sqlx::query(
            "INSERT INTO team_months (team_id, month, public_received, counted_2, within_2, counted_28, within_28, public_open_end, public_unallocated_end,
               private_open_end, private_unallocated_end, closed, public_closed, public_closed_days, filed, filed_on_time, graded, graded_good, measured_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(team.to_string())
        .bind(month.code())
        .bind(t.public_received)
        .bind(t.allocation.counted_2)
        .bind(t.allocation.within_2)
        .bind(t.allocation.counted_28)
        .bind(t.allocation.within_28)
        .bind(t.public_open_end)
        .bind(t.public_unallocated_end)
        .bind(t.private_open_end)
        .bind(t.private_unallocated_end)
        .bind(t.closed)
        .bind(t.public_closed)
        .bind(t.public_closed_days)
        .bind(t.filed)
        .bind(t.filed_on_time)
        .bind(t.graded)
        .bind(t.graded_good)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    }
    for (staff, s) in &by_staff {
        sqlx::query(
            "INSERT INTO staff_months (staff_id, month, team_id, filed, filed_on_time, graded, graded_good, closed, first_contacts, first_contact_days, measured_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(staff.to_string())
        .bind(month.code())
        .bind(placed.get(staff).copied().flatten().map(|t| t.to_string()))
        .bind(s.filed)
        .bind(s.filed_on_time)
        .bind(s.graded)
        .bind(s.graded_good)
        .bind(s.closed)
        .bind(s.first_contacts)
        .bind(s.first_contact_days)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Which rows a reach adds up, as a condition on `team_months m` joined to `teams t`; each is
/// its own statement, so each uses its own index.
fn reach_filter(reach: Reach) -> (&'static str, Option<String>) {
    match reach {
        Reach::Team(t) => ("AND m.team_id = $3", Some(t.to_string())),
        Reach::Area(a) => ("AND t.service_area_id = $3", Some(a.to_string())),
        Reach::National => ("", None),
    }
}

/// A team's, an area's or the service's figures for each month from `first` to `last` that has
/// been measured, and when the oldest of them was measured.
pub async fn months(store: &Store, reach: Reach, first: Month, last: Month) -> Result<(Vec<(Month, TeamMonth)>, Option<OffsetDateTime>)> {
    let (filter, id) = reach_filter(reach);
    let sql = format!(
        "SELECT m.month, SUM(m.public_received), SUM(m.counted_2), SUM(m.within_2), SUM(m.counted_28), SUM(m.within_28),
           SUM(m.public_open_end), SUM(m.public_unallocated_end), SUM(m.private_open_end), SUM(m.private_unallocated_end),
           SUM(m.closed), SUM(m.public_closed), SUM(m.public_closed_days), SUM(m.filed), SUM(m.filed_on_time), SUM(m.graded), SUM(m.graded_good), MIN(m.measured_at)
         FROM team_months m JOIN teams t ON t.id = m.team_id WHERE m.month >= $1 AND m.month <= $2 {filter} GROUP BY m.month ORDER BY m.month"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(first.code()).bind(last.code());
    if let Some(id) = id {
        q = q.bind(id);
    }
    let rows = q.fetch_all(store.pool()).await?;
    let mut oldest: Option<OffsetDateTime> = None;
    let mut out = vec![];
    for r in &rows {
        let n = |i: usize| r.get::<Option<i64>, _>(i).unwrap_or(0);
        let o = |i: usize| r.get::<Option<i64>, _>(i);
        let Some(month) = Month::from_code(&r.get::<String, _>(0)) else { continue };
        let at = parse_ts(&r.get::<String, _>(17))?;
        oldest = Some(oldest.map_or(at, |o| o.min(at)));
        out.push((
            month,
            TeamMonth {
                public_received: n(1),
                allocation: kpi::AllocationTimes { counted_2: n(2), within_2: n(3), counted_28: n(4), within_28: n(5) },
                public_open_end: o(6),
                public_unallocated_end: o(7),
                private_open_end: o(8),
                private_unallocated_end: o(9),
                closed: n(10),
                public_closed: n(11),
                public_closed_days: n(12),
                filed: n(13),
                filed_on_time: n(14),
                graded: n(15),
                graded_good: n(16),
            },
        ));
    }
    Ok((out, oldest))
}

/// Whose monthly figures to read.
#[derive(Debug, Clone, Copy)]
pub enum Whose {
    /// Everyone measured in a team (as they were placed when measured): for the median.
    Team(Uuid),
    /// One worker, wherever they were.
    Worker(Uuid),
}

/// Workers' figures for each month from `first` to `last`: (worker, month, figures). Months in
/// which a worker did nothing measured have no row.
pub async fn staff_months(store: &Store, whose: Whose, first: Month, last: Month) -> Result<Vec<(Uuid, Month, StaffMonth)>> {
    let (column, id) = match whose {
        Whose::Team(t) => ("team_id", t),
        Whose::Worker(w) => ("staff_id", w),
    };
    let sql = format!(
        "SELECT staff_id, month, filed, filed_on_time, graded, graded_good, closed, first_contacts, first_contact_days
         FROM staff_months WHERE {column} = $1 AND month >= $2 AND month <= $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).bind(first.code()).bind(last.code()).fetch_all(store.pool()).await?;
    let mut out = vec![];
    for r in &rows {
        let Some(month) = Month::from_code(&r.get::<String, _>(1)) else { continue };
        out.push((
            parse_id(&r.get::<String, _>(0))?,
            month,
            StaffMonth {
                filed: r.get(2),
                filed_on_time: r.get(3),
                graded: r.get(4),
                graded_good: r.get(5),
                closed: r.get(6),
                first_contacts: r.get(7),
                first_contact_days: r.get(8),
            },
        ));
    }
    Ok(out)
}
