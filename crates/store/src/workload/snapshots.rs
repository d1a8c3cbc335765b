//! Daily snapshots of each team's bands, and their totals for the key figures.

use super::*;

/// Measures one team's bands, open work and hub now and keeps them, replacing the last measure.
pub async fn snapshot_team(store: &Store, settings: &WorkloadSettings, team_id: Uuid, today: Date) -> Result<()> {
    let (loads, open, hub) = tokio::try_join!(
        team_loads(store, settings, team_id, today),
        crate::cases::figures::open_now(store, team_id),
        crate::cases::figures::hub_received(store, team_id),
    )?;
    let practitioners: Vec<&WorkerLoad> = loads.iter().filter(|l| l.member.practitioner).collect();
    let count = |b: Band| practitioners.iter().filter(|l| l.load.band == b).count() as i64;
    let open_of = |law: LawType| open.iter().find(|(l, _, _)| *l == law).map(|(_, all, waiting)| (*all, *waiting)).unwrap_or((0, 0));
    let (public, private) = (open_of(LawType::Public), open_of(LawType::Private));
    let waits: Vec<i64> = hub.iter().map(|d| (today - *d).whole_days().max(0)).collect();
    sqlx::query(
        "INSERT INTO workload_snapshots (team_id, taken_at, green, amber, high_amber, red, high_red, practitioners, fte_hundredths,
           public_open, public_unallocated, private_open, private_unallocated, hub_waiting, hub_wait_days, hub_longest_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (team_id) DO UPDATE SET taken_at = $2, green = $3, amber = $4, high_amber = $5, red = $6, high_red = $7, practitioners = $8, fte_hundredths = $9,
           public_open = $10, public_unallocated = $11, private_open = $12, private_unallocated = $13, hub_waiting = $14, hub_wait_days = $15, hub_longest_days = $16",
    )
    .bind(team_id.to_string())
    .bind(ts(now()))
    .bind(count(Band::Green))
    .bind(count(Band::Amber))
    .bind(count(Band::HighAmber))
    .bind(count(Band::Red))
    .bind(count(Band::HighRed))
    .bind(practitioners.len() as i64)
    .bind(practitioners.iter().map(|l| l.member.fte.hundredths()).sum::<i64>())
    .bind(public.0)
    .bind(public.1)
    .bind(private.0)
    .bind(private.1)
    .bind(waits.len() as i64)
    .bind(waits.iter().sum::<i64>())
    .bind(waits.iter().max().copied().unwrap_or(0))
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Measures every team, one at a time: `hearth serve` runs it every quarter of an hour.
pub async fn snapshot_all(store: &Store, settings: &WorkloadSettings, today: Date) -> Result<usize> {
    let teams = org::teams(store, None).await?;
    for t in &teams {
        snapshot_team(store, settings, t.id, today).await?;
    }
    Ok(teams.len())
}

/// The bands of a team, an area or the service as last measured: counts in band order, the
/// practitioners and their FTE (hundredths), open and unallocated work, the hub, and when the
/// oldest measure was taken.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BandTotals {
    pub counts: [i64; 5],
    pub practitioners: i64,
    pub fte_hundredths: i64,
    pub public_open: i64,
    pub public_unallocated: i64,
    pub private_open: i64,
    pub private_unallocated: i64,
    pub hub_waiting: i64,
    pub hub_wait_days: i64,
    pub hub_longest_days: i64,
    pub oldest: Option<OffsetDateTime>,
}

/// The sums every band figure is read from, in `totals`' order.
const TOTALS: &str = "SUM(w.green), SUM(w.amber), SUM(w.high_amber), SUM(w.red), SUM(w.high_red), SUM(w.practitioners), SUM(w.fte_hundredths),
       SUM(w.public_open), SUM(w.public_unallocated), SUM(w.private_open), SUM(w.private_unallocated), SUM(w.hub_waiting), SUM(w.hub_wait_days), MAX(w.hub_longest_days),
       MIN(w.taken_at)";

fn totals(r: &sqlx::any::AnyRow, from: usize) -> Result<BandTotals> {
    let n = |i: usize| r.get::<Option<i64>, _>(from + i).unwrap_or(0);
    Ok(BandTotals {
        counts: [n(0), n(1), n(2), n(3), n(4)],
        practitioners: n(5),
        fte_hundredths: n(6),
        public_open: n(7),
        public_unallocated: n(8),
        private_open: n(9),
        private_unallocated: n(10),
        hub_waiting: n(11),
        hub_wait_days: n(12),
        hub_longest_days: n(13),
        oldest: r.get::<Option<String>, _>(from + 14).map(|t| parse_ts(&t)).transpose()?,
    })
}

pub async fn band_totals(store: &Store, reach: crate::quality::insight::Reach) -> Result<BandTotals> {
    use crate::quality::insight::Reach;
    let (filter, id) = match reach {
        Reach::Team(t) => ("WHERE w.team_id = $1", Some(t)),
        Reach::Area(a) => ("WHERE t.service_area_id = $1", Some(a)),
        Reach::National => ("", None),
    };
    let sql = format!("SELECT {TOTALS} FROM workload_snapshots w JOIN teams t ON t.id = w.team_id {filter}");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    totals(&q.fetch_one(store.pool()).await?, 0)
}

/// The same, one row for each part of a reach: the service's areas, or an area's teams, by name.
/// For the service-wide view of My People, which drills down to a team.
pub async fn band_totals_within(store: &Store, reach: crate::quality::insight::Reach) -> Result<Vec<(NamedRef, BandTotals)>> {
    use crate::quality::insight::Reach;
    let (part, filter, id) = match reach {
        Reach::National => ("a.id, a.name", "", None),
        Reach::Area(a) => ("t.id, t.name", "WHERE t.service_area_id = $1", Some(a)),
        Reach::Team(t) => ("t.id, t.name", "WHERE t.id = $1", Some(t)),
    };
    let sql = format!(
        "SELECT {part}, {TOTALS} FROM workload_snapshots w JOIN teams t ON t.id = w.team_id JOIN service_areas a ON a.id = t.service_area_id {filter}
         GROUP BY {part} ORDER BY 2"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    q.fetch_all(store.pool()).await?.iter().map(|r| Ok((NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }, totals(r, 2)?))).collect()
}
