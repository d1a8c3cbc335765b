//! Hot desks: each office's floor plan, and the bookings people make for the days they come in.
//! One live booking per desk a day and one per person a day are unique indexes, so however many
//! book the last desk at once, one wins and the rest are told it has gone. Checking in records an
//! office day (`people::office`); leave and sickness cancel bookings in their own transactions
//! (`cancel_for_absence`); bookings nobody checked in to are released mid-morning.

use std::collections::HashMap;

use hearth_domain::FieldError;
use hearth_domain::text::long_date;
use hearth_domain::workplace::{self as rules, Booker, BookingStatus, CancelledBecause, DeskDraft, DeskFeatures, DeskOnDay, DeskRules};
use sqlx::{AnyConnection, Row};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::insert_notice;
use crate::{Result, Store, StoreError, bool_col, date_text, new_id, now, parse_date, parse_id, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    pub id: Uuid,
    pub office_id: Uuid,
    pub label: String,
    pub zone: String,
    pub features: DeskFeatures,
    /// Column and row on the plan, from 0.
    pub plan_x: i64,
    pub plan_y: i64,
    pub withdrawn: bool,
    pub version: i64,
}

/// Who holds a desk on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub booking: Uuid,
    pub staff_id: Uuid,
    pub name: String,
    pub checked_in: bool,
}

/// A desk on one day: free, or held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskDay {
    pub desk: Desk,
    pub holder: Option<Holder>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: Uuid,
    pub desk_id: Uuid,
    pub desk_label: String,
    pub office_id: Uuid,
    pub office_name: String,
    pub staff_id: Uuid,
    pub day: Date,
    pub status: BookingStatus,
    pub cancelled_because: Option<CancelledBecause>,
}

/// A booking as asked for: an office and a day, and a desk or the first free one. `check_in`
/// books a free desk for today and checks in at once (from the desk's own page).
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub office: Uuid,
    pub day: Date,
    pub desk: Option<Uuid>,
    pub check_in: bool,
}

/// The person booking, and where in the day it is (UK time), for the rules.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub staff: Uuid,
    /// Expected in the office more: a new starter, or on an improvement plan.
    pub office_first: bool,
    pub today: Date,
    pub uk_time: time::Time,
}

const DESK: &str = "SELECT d.id, d.office_id, d.label, d.zone, d.accessible, d.standing, d.dual_screen, d.quiet, d.plan_x, d.plan_y, d.withdrawn, d.version FROM desks d";
const LIVE: &str = "('booked', 'checked_in')";

fn desk_of(r: &sqlx::any::AnyRow) -> Result<Desk> {
    Ok(Desk {
        id: parse_id(&r.get::<String, _>(0))?,
        office_id: parse_id(&r.get::<String, _>(1))?,
        label: r.get(2),
        zone: r.get(3),
        features: DeskFeatures { accessible: bool_col(r, 4), standing: bool_col(r, 5), dual_screen: bool_col(r, 6), quiet: bool_col(r, 7) },
        plan_x: r.get(8),
        plan_y: r.get(9),
        withdrawn: bool_col(r, 10),
        version: r.get(11),
    })
}

/// An office's desks, withdrawn ones too, in plan order (row, then column).
pub async fn desks(store: &Store, office: Uuid) -> Result<Vec<Desk>> {
    let sql = format!("{DESK} WHERE d.office_id = $1 ORDER BY d.plan_y, d.plan_x, d.label");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(office.to_string()).fetch_all(store.pool()).await?.iter().map(desk_of).collect()
}

pub async fn desk(store: &Store, id: Uuid) -> Result<Desk> {
    let sql = format!("{DESK} WHERE d.id = $1");
    desk_of(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// An office's desks in use on `day`, each with whoever holds it: one query, by index.
pub async fn day_plan(store: &Store, office: Uuid, day: Date) -> Result<Vec<DeskDay>> {
    let mut conn = store.pool().acquire().await?;
    day_plan_on(&mut conn, office, day).await
}

async fn day_plan_on(conn: &mut AnyConnection, office: Uuid, day: Date) -> Result<Vec<DeskDay>> {
    let sql = format!(
        "SELECT d.id, d.office_id, d.label, d.zone, d.accessible, d.standing, d.dual_screen, d.quiet, d.plan_x, d.plan_y, d.withdrawn, d.version, b.id, b.staff_id, s.name, b.status
         FROM desks d LEFT JOIN desk_bookings b ON b.desk_id = d.id AND b.day = $2 AND b.status IN {LIVE} LEFT JOIN staff s ON s.id = b.staff_id
         WHERE d.office_id = $1 AND d.withdrawn = 0 ORDER BY d.plan_y, d.plan_x, d.label"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(office.to_string()).bind(date_text(day)).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let holder = match r.get::<Option<String>, _>(12) {
                Some(b) => Some(Holder { booking: parse_id(&b)?, staff_id: parse_id(&r.get::<String, _>(13))?, name: r.get(14), checked_in: r.get::<String, _>(15) == "checked_in" }),
                None => None,
            };
            Ok(DeskDay { desk: desk_of(r)?, holder })
        })
        .collect()
}

/// Live bookings at an office on each day from `first` to `last`, for the day picker's free counts.
pub async fn taken_by_day(store: &Store, office: Uuid, first: Date, last: Date) -> Result<HashMap<Date, i64>> {
    let sql = format!("SELECT day, COUNT(*) FROM desk_bookings WHERE office_id = $1 AND day >= $2 AND day <= $3 AND status IN {LIVE} GROUP BY day");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(office.to_string()).bind(date_text(first)).bind(date_text(last)).fetch_all(store.pool()).await?.iter().map(|r| Ok((parse_date(&r.get::<String, _>(0))?, r.get::<i64, _>(1)))).collect()
}

// ---- Team days ----

/// A team's day at an office: the desks it holds, and how many its members have booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamDay {
    pub id: Uuid,
    pub team_id: Uuid,
    pub team: String,
    pub desks: i64,
    pub booked: i64,
    /// The team's active members, whom the held desks are for.
    pub members: Vec<Uuid>,
}

/// The team days at an office on a day, with each team's live bookings there that day.
pub async fn team_days(store: &Store, office: Uuid, day: Date) -> Result<Vec<TeamDay>> {
    let mut conn = store.pool().acquire().await?;
    team_days_on(&mut conn, office, day).await
}

async fn team_days_on(conn: &mut AnyConnection, office: Uuid, day: Date) -> Result<Vec<TeamDay>> {
    let sql = format!(
        "SELECT d.id, d.team_id, t.name, d.desks,
            (SELECT COUNT(*) FROM desk_bookings b JOIN staff s ON s.id = b.staff_id WHERE b.office_id = d.office_id AND b.day = d.day AND b.status IN {LIVE} AND s.team_id = d.team_id)
         FROM desk_team_days d JOIN teams t ON t.id = d.team_id WHERE d.office_id = $1 AND d.day = $2 ORDER BY t.name"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(office.to_string()).bind(date_text(day)).fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // Every holding team's members in one pass.
    let member_rows = sqlx::query("SELECT s.team_id, s.id FROM staff s WHERE s.status = 'active' AND s.team_id IN (SELECT d.team_id FROM desk_team_days d WHERE d.office_id = $1 AND d.day = $2)")
        .bind(office.to_string())
        .bind(date_text(day))
        .fetch_all(&mut *conn)
        .await?;
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in &member_rows {
        members.entry(parse_id(&m.get::<String, _>(0))?).or_default().push(parse_id(&m.get::<String, _>(1))?);
    }
    rows.iter()
        .map(|r| {
            let team_id = parse_id(&r.get::<String, _>(1))?;
            Ok(TeamDay { id: parse_id(&r.get::<String, _>(0))?, team_id, team: r.get(2), desks: r.get(3), booked: r.get(4), members: members.remove(&team_id).unwrap_or_default() })
        })
        .collect()
}

/// A team holds `desks` desks at its own office on `day` for its team day. Refused for a team
/// with no office, a day offices are closed or that has passed, a second hold the same day, or
/// more desks than the office has left once other teams' holds are counted.
pub async fn hold_team_day(store: &Store, ctx: &AuditContext, rules: &DeskRules, team: Uuid, day: Date, desks: i64, today: Date) -> Result<Uuid> {
    if day < today || rules.closed_on(day) {
        return Err(StoreError::Refused(FieldError::new("day", "Choose a day from today on when the office is open")));
    }
    let mut tx = store.begin().await?;
    // The team's own office, read here so no caller can hold desks at another.
    let office_row = sqlx::query("SELECT office_id FROM teams WHERE id = $1").bind(team.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let Some(office) = office_row.get::<Option<String>, _>(0) else {
        return Err(StoreError::Refused(FieldError::new("day", "This team has no office to hold desks at")));
    };
    let office = parse_id(&office)?;
    let in_use: i64 = sqlx::query("SELECT COUNT(*) FROM desks WHERE office_id = $1 AND withdrawn = 0").bind(office.to_string()).fetch_one(&mut *tx).await?.get(0);
    let others: i64 = team_days_on(&mut tx, office, day).await?.iter().filter(|t| t.team_id != team).map(|t| t.desks).sum();
    if desks < 1 || desks > in_use - others {
        return Err(StoreError::Refused(FieldError::new("desks", format!("Hold from 1 to {} desks: the office has {in_use}{}", (in_use - others).max(0), if others > 0 { format!(", and other teams hold {others} that day") } else { String::new() }))));
    }
    let id = new_id();
    sqlx::query("INSERT INTO desk_team_days (id, office_id, team_id, day, desks, held_by, held_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(office.to_string())
        .bind(team.to_string())
        .bind(date_text(day))
        .bind(desks)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match crate::unique_violation(e, "desk_team_days_team_day", "day") {
            StoreError::Duplicate { .. } => StoreError::Refused(FieldError::new("day", "Your team already holds desks that day: release that hold first to change it")),
            e => e,
        })?;
    audit::append(&mut tx, ctx, Event::success("desk.team_day_held").about("team", team).detail(serde_json::json!({ "office_id": office, "day": date_text(day), "desks": desks }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a team's hold on desks for a day: they are offered to everyone again.
pub async fn release_team_day(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    let team: String = sqlx::query("SELECT team_id FROM desk_team_days WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    sqlx::query("DELETE FROM desk_team_days WHERE id = $1").bind(id.to_string()).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success("desk.team_day_released").about("team", team).detail(serde_json::json!({ "team_day_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// The team a team day belongs to, for the handler's check of the caller's standing.
pub async fn team_of_team_day(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT team_id FROM desk_team_days WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

// ---- The floor plan ----

/// Adds a desk to an office's plan; the office's desk count follows.
pub async fn add_desk(store: &Store, ctx: &AuditContext, office: Uuid, d: &DeskDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    place_free(&mut tx, office, d, None).await?;
    let id = new_id();
    insert_desk(&mut tx, id, office, d, &ts(now())).await.map_err(|e| label_taken(e, &d.label))?;
    crate::org::follow_floor_plan(&mut tx, office).await?;
    audit::append(&mut tx, ctx, Event::success("desk.added").about("office", office).detail(serde_json::json!({ "desk_id": id, "label": d.label }))).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_desk(conn: &mut AnyConnection, id: Uuid, office: Uuid, d: &DeskDraft, at: &str) -> std::result::Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO desks (id, office_id, label, zone, accessible, standing, dual_screen, quiet, plan_x, plan_y, withdrawn, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(id.to_string())
        .bind(office.to_string())
        .bind(&d.label)
        .bind(&d.zone)
        .bind(d.features.accessible as i64)
        .bind(d.features.standing as i64)
        .bind(d.features.dual_screen as i64)
        .bind(d.features.quiet as i64)
        .bind(d.plan_x)
        .bind(d.plan_y)
        .bind(d.withdrawn as i64)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Changes a desk, refusing a stale edit. Withdrawing a desk someone has booked from today is
/// refused: they are told nothing, and would arrive to no desk.
pub async fn change_desk(store: &Store, ctx: &AuditContext, id: Uuid, d: &DeskDraft, version: i64, today: Date) -> Result<()> {
    let mut tx = store.begin().await?;
    let office: String = sqlx::query("SELECT office_id FROM desks WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    let office = parse_id(&office)?;
    place_free(&mut tx, office, d, Some(id)).await?;
    if d.withdrawn {
        let sql = format!("SELECT COUNT(*) FROM desk_bookings WHERE desk_id = $1 AND day >= $2 AND status IN {LIVE}");
        let booked: i64 = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).bind(date_text(today)).fetch_one(&mut *tx).await?.get(0);
        if booked > 0 {
            return Err(StoreError::Refused(FieldError::new("withdrawn", format!("This desk is booked on {booked} day{} from today: withdraw it once those days have passed", if booked == 1 { "" } else { "s" }))));
        }
    }
    let n = sqlx::query("UPDATE desks SET label = $1, zone = $2, accessible = $3, standing = $4, dual_screen = $5, quiet = $6, plan_x = $7, plan_y = $8, withdrawn = $9, version = version + 1 WHERE id = $10 AND version = $11")
        .bind(&d.label)
        .bind(&d.zone)
        .bind(d.features.accessible as i64)
        .bind(d.features.standing as i64)
        .bind(d.features.dual_screen as i64)
        .bind(d.features.quiet as i64)
        .bind(d.plan_x)
        .bind(d.plan_y)
        .bind(d.withdrawn as i64)
        .bind(id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(|e| label_taken(e, &d.label))?
        .rows_affected();
    if n == 0 {
        return Err(crate::conflict_or_missing(&mut tx, "desks", id).await);
    }
    crate::org::follow_floor_plan(&mut tx, office).await?;
    audit::append(&mut tx, ctx, Event::success("desk.changed").about("office", office).detail(serde_json::json!({ "desk_id": id, "label": d.label, "withdrawn": d.withdrawn }))).await?;
    tx.commit().await?;
    Ok(())
}

fn label_taken(e: sqlx::Error, label: &str) -> StoreError {
    match crate::unique_violation(e, "desks_label", "label") {
        StoreError::Duplicate { .. } => StoreError::Refused(FieldError::new("label", format!("This office already has a desk labelled {label}"))),
        e => e,
    }
}

/// Two desks in use may not share a place on the plan.
async fn place_free(conn: &mut AnyConnection, office: Uuid, d: &DeskDraft, except: Option<Uuid>) -> Result<()> {
    if d.withdrawn {
        return Ok(());
    }
    let other = sqlx::query("SELECT label FROM desks WHERE office_id = $1 AND plan_x = $2 AND plan_y = $3 AND withdrawn = 0 AND id <> $4")
        .bind(office.to_string())
        .bind(d.plan_x)
        .bind(d.plan_y)
        .bind(except.unwrap_or_default().to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match other {
        Some(r) => Err(StoreError::Refused(FieldError::new("plan_x", format!("Desk {} is already at column {}, row {}", r.get::<String, _>(0), d.plan_x + 1, d.plan_y + 1)))),
        None => Ok(()),
    }
}

// ---- Needs ----

/// Whether someone has said they need an accessible desk.
pub async fn needs_accessible(store: &Store, staff: Uuid) -> Result<bool> {
    let mut conn = store.pool().acquire().await?;
    needs_on(&mut conn, staff).await
}

async fn needs_on(conn: &mut AnyConnection, staff: Uuid) -> Result<bool> {
    Ok(sqlx::query("SELECT accessible FROM desk_needs WHERE staff_id = $1").bind(staff.to_string()).fetch_optional(conn).await?.is_some_and(|r| bool_col(&r, 0)))
}

pub async fn set_needs(store: &Store, ctx: &AuditContext, staff: Uuid, accessible: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("INSERT INTO desk_needs (staff_id, accessible, updated_at) VALUES ($1, $2, $3) ON CONFLICT (staff_id) DO UPDATE SET accessible = $2, updated_at = $3")
        .bind(staff.to_string())
        .bind(accessible as i64)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("desk.needs_changed").about("staff", staff).detail(serde_json::json!({ "accessible": accessible }))).await?;
    tx.commit().await?;
    Ok(())
}

// ---- Booking ----

/// Books a desk: the chosen one, or the first free desk that suits the person. The rules are
/// checked inside the transaction; if someone else took the desk a moment ago, the unique index
/// refuses the second booking and the person is told.
pub async fn book(store: &Store, ctx: &AuditContext, rules: &DeskRules, who: Asker, ask: Ask) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let plan = day_plan_on(&mut tx, ask.office, ask.day).await?;
    if plan.is_empty() {
        return Err(StoreError::Refused(FieldError::new("office", "This office has no desks to book")));
    }
    let on_day: Vec<DeskOnDay> = plan.iter().map(|d| DeskOnDay { id: d.desk.id, accessible: d.desk.features.accessible, taken: d.holder.is_some() }).collect();
    let chosen = match ask.desk {
        Some(id) => Some(on_day.iter().find(|d| d.id == id).ok_or_else(|| StoreError::Refused(FieldError::new("desk", "Choose a desk at this office")))?),
        None => None,
    };
    let (week, that_day) = booked_around(&mut tx, who.staff, ask.day).await?;
    let held_for_others = team_days_on(&mut tx, ask.office, ask.day).await?.iter().filter(|t| !t.members.contains(&who.staff)).map(|t| rules::still_held(t.desks, t.booked)).sum();
    let booker = Booker {
        office_first: who.office_first,
        needs_accessible: needs_on(&mut tx, who.staff).await?,
        booked_that_week: week,
        booked_that_day: that_day,
        free_that_day: on_day.iter().filter(|d| !d.taken).count() as i64,
        held_for_others,
    };
    rules::check_booking(rules, who.today, ask.day, &booker, chosen).map_err(StoreError::Refused)?;
    let desk = match chosen {
        Some(d) => d.id,
        None => rules::first_free(&on_day, &booker, who.today, ask.day).ok_or_else(|| StoreError::Refused(FieldError::new("day", format!("No desks are free on {}: try another day or office", long_date(ask.day)))))?,
    };
    let checking_in = ask.check_in && rules.check_in_open(ask.day, who.today, who.uk_time);
    if ask.check_in && !checking_in {
        return Err(StoreError::Refused(FieldError::new("day", format!("Check-in is open on the day, from {} until {}", rules.check_in_from, rules.release_at))));
    }
    let id = new_id();
    let at = now();
    sqlx::query("INSERT INTO desk_bookings (id, desk_id, office_id, staff_id, day, status, booked_at, checked_in_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(desk.to_string())
        .bind(ask.office.to_string())
        .bind(who.staff.to_string())
        .bind(date_text(ask.day))
        .bind(if checking_in { "checked_in" } else { "booked" })
        .bind(ts(at))
        .bind(checking_in.then(|| ts(at)))
        .execute(&mut *tx)
        .await
        .map_err(taken)?;
    if checking_in {
        crate::people::office::record_in(&mut tx, who.staff, ask.day, at).await?;
    }
    audit::append(&mut tx, ctx, Event::success("desk.booked").about("staff", who.staff).detail(serde_json::json!({ "booking_id": id, "desk_id": desk, "day": date_text(ask.day), "checked_in": checking_in }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A unique index's refusal, in words: the desk went a moment ago, or the person booked that day
/// in another tab.
fn taken(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let mine = db.message().contains("staff") || db.constraint() == Some("desk_bookings_staff_day");
        return StoreError::Refused(if mine {
            FieldError::new("day", "You already have a desk that day: cancel it first to choose another")
        } else {
            FieldError::new("desk", "Someone booked that desk a moment ago: choose another, or the first free desk")
        });
    }
    StoreError::Database(e)
}

/// Live bookings someone holds in the week of `day`, and whether one is on `day` itself.
async fn booked_around(conn: &mut AnyConnection, staff: Uuid, day: Date) -> Result<(i64, bool)> {
    let monday = rules::week_start(day);
    let sql = format!("SELECT day FROM desk_bookings WHERE staff_id = $1 AND day >= $2 AND day <= $3 AND status IN {LIVE}");
    let days: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff.to_string()).bind(date_text(monday)).bind(date_text(monday + Duration::days(6))).fetch_all(conn).await?.iter().map(|r| r.get(0)).collect();
    Ok((days.len() as i64, days.contains(&date_text(day))))
}

const BOOKING: &str = "SELECT b.id, b.desk_id, d.label, b.office_id, o.name, b.staff_id, b.day, b.status, b.cancelled_because FROM desk_bookings b JOIN desks d ON d.id = b.desk_id JOIN offices o ON o.id = b.office_id";

fn booking_of(r: &sqlx::any::AnyRow) -> Result<Booking> {
    Ok(Booking {
        id: parse_id(&r.get::<String, _>(0))?,
        desk_id: parse_id(&r.get::<String, _>(1))?,
        desk_label: r.get(2),
        office_id: parse_id(&r.get::<String, _>(3))?,
        office_name: r.get(4),
        staff_id: parse_id(&r.get::<String, _>(5))?,
        day: parse_date(&r.get::<String, _>(6))?,
        status: BookingStatus::from_code(&r.get::<String, _>(7)).unwrap_or(BookingStatus::Cancelled),
        cancelled_because: r.get::<Option<String>, _>(8).as_deref().and_then(CancelledBecause::from_code),
    })
}

pub async fn booking(store: &Store, id: Uuid) -> Result<Booking> {
    let sql = format!("{BOOKING} WHERE b.id = $1");
    booking_of(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// Someone's bookings from `from`, soonest first.
pub async fn bookings_of(store: &Store, staff: Uuid, from: Date) -> Result<Vec<Booking>> {
    let sql = format!("{BOOKING} WHERE b.staff_id = $1 AND b.day >= $2 ORDER BY b.day, b.booked_at");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff.to_string()).bind(date_text(from)).fetch_all(store.pool()).await?.iter().map(booking_of).collect()
}

/// Someone's own booking, locked for a change: theirs or not found, so another's booking is not
/// given away.
async fn own(conn: &mut AnyConnection, id: Uuid, staff: Uuid) -> Result<Booking> {
    let sql = format!("{BOOKING} WHERE b.id = $1 AND b.staff_id = $2");
    booking_of(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).bind(staff.to_string()).fetch_optional(conn).await?.ok_or(StoreError::NotFound)?)
}

/// Cancels one's own booking before it is used.
pub async fn cancel(store: &Store, ctx: &AuditContext, id: Uuid, staff: Uuid, today: Date) -> Result<()> {
    let mut tx = store.begin().await?;
    let b = own(&mut tx, id, staff).await?;
    if b.status != BookingStatus::Booked || b.day < today {
        return Err(StoreError::NotEditable("Only a booking for today or later that is not yet checked in can be cancelled."));
    }
    sqlx::query("UPDATE desk_bookings SET status = 'cancelled', cancelled_because = 'person', ended_at = $1 WHERE id = $2").bind(ts(now())).bind(id.to_string()).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success("desk.cancelled").about("staff", staff).detail(serde_json::json!({ "booking_id": id, "day": date_text(b.day) }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks in to one's own booking on the day, within the morning window; the day is recorded as
/// an office day.
pub async fn check_in(store: &Store, ctx: &AuditContext, rules: &DeskRules, id: Uuid, who: Asker) -> Result<()> {
    let mut tx = store.begin().await?;
    let b = own(&mut tx, id, who.staff).await?;
    if b.status == BookingStatus::CheckedIn {
        return Ok(());
    }
    if b.status != BookingStatus::Booked {
        return Err(StoreError::NotEditable("This booking was cancelled or released: book again if a desk is free."));
    }
    if !rules.check_in_open(b.day, who.today, who.uk_time) {
        return Err(StoreError::Refused(FieldError::new("check_in", format!("Check-in is open on {}, from {} until {}", long_date(b.day), rules.check_in_from, rules.release_at))));
    }
    let at = now();
    sqlx::query("UPDATE desk_bookings SET status = 'checked_in', checked_in_at = $1 WHERE id = $2").bind(ts(at)).bind(id.to_string()).execute(&mut *tx).await?;
    crate::people::office::record_in(&mut tx, who.staff, b.day, at).await?;
    audit::append(&mut tx, ctx, Event::success("desk.checked_in").about("staff", who.staff).detail(serde_json::json!({ "booking_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Releases every booking for `today` or before that nobody checked in to, so the desk can be
/// taken, and tells each person. Returns how many were released.
pub async fn release_no_shows(store: &Store, today: Date) -> Result<usize> {
    // Most runs find nothing: look before opening a write transaction, which on SQLite holds the
    // database's one writer.
    let due_sql = "SELECT 1 FROM desk_bookings WHERE day <= $1 AND status = 'booked' LIMIT 1";
    if sqlx::query(due_sql).bind(date_text(today)).fetch_optional(store.pool()).await?.is_none() {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    let sql = format!("{BOOKING} WHERE b.day <= $1 AND b.status = 'booked'");
    let due: Vec<Booking> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)).fetch_all(&mut *tx).await?.iter().map(booking_of).collect::<Result<_>>()?;
    if due.is_empty() {
        return Ok(0);
    }
    let at = now();
    sqlx::query("UPDATE desk_bookings SET status = 'released', ended_at = $1 WHERE day <= $2 AND status = 'booked'").bind(ts(at)).bind(date_text(today)).execute(&mut *tx).await?;
    for b in due.iter().filter(|b| b.day == today) {
        insert_notice(&mut tx, b.staff_id, &format!("Your desk {} at {} today was released because nobody checked in by mid-morning.", b.desk_label, b.office_name), "/desks/mine", at).await?;
    }
    audit::append(&mut tx, &AuditContext::system(), Event::success("desk.no_shows_released").detail(serde_json::json!({ "day": date_text(today), "released": due.len() }))).await?;
    tx.commit().await?;
    Ok(due.len())
}

/// Cancels someone's bookings from `first` to `last` because they will be away, inside the
/// caller's transaction (leave approved, sickness reported, other time away recorded), and tells them. A booking already
/// checked in stands: they came in.
pub(crate) async fn cancel_for_absence(conn: &mut AnyConnection, staff: Uuid, first: Date, last: Date, because: CancelledBecause, at: OffsetDateTime) -> Result<usize> {
    let sql = format!("{BOOKING} WHERE b.staff_id = $1 AND b.day >= $2 AND b.day <= $3 AND b.status = 'booked' ORDER BY b.day");
    let gone: Vec<Booking> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff.to_string()).bind(date_text(first)).bind(date_text(last)).fetch_all(&mut *conn).await?.iter().map(booking_of).collect::<Result<_>>()?;
    if gone.is_empty() {
        return Ok(0);
    }
    sqlx::query("UPDATE desk_bookings SET status = 'cancelled', cancelled_because = $1, ended_at = $2 WHERE staff_id = $3 AND day >= $4 AND day <= $5 AND status = 'booked'")
        .bind(because.code())
        .bind(ts(at))
        .bind(staff.to_string())
        .bind(date_text(first))
        .bind(date_text(last))
        .execute(&mut *conn)
        .await?;
    let days: Vec<String> = gone.iter().map(|b| long_date(b.day)).collect();
    let why = because.told();
    let message = format!("Your desk booking{} on {} {} cancelled: {why}.", if days.len() == 1 { "" } else { "s" }, days.join(", "), if days.len() == 1 { "was" } else { "were" });
    insert_notice(conn, staff, &message, "/desks/mine", at).await?;
    Ok(gone.len())
}

// ---- Figures ----

/// One office's bookings over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeUse {
    pub office_id: Uuid,
    /// Desk-days checked in, by weekday (Monday first).
    pub checked_in: [i64; 5],
    /// Bookings released because nobody checked in.
    pub released: i64,
    /// Bookings still to come (booked, or checked in today).
    pub booked: i64,
    /// Cancelled because of leave or sickness.
    pub cancelled_for_absence: i64,
}

/// Every office's use of its desks from `from` to `to`: one grouped query.
pub async fn office_use(store: &Store, from: Date, to: Date) -> Result<HashMap<Uuid, OfficeUse>> {
    let rows = sqlx::query("SELECT office_id, day, status, cancelled_because, COUNT(*) FROM desk_bookings WHERE day >= $1 AND day <= $2 GROUP BY office_id, day, status, cancelled_because")
        .bind(date_text(from))
        .bind(date_text(to))
        .fetch_all(store.pool())
        .await?;
    let mut by_office: HashMap<Uuid, OfficeUse> = HashMap::new();
    for r in &rows {
        let office = parse_id(&r.get::<String, _>(0))?;
        let day = parse_date(&r.get::<String, _>(1))?;
        let n: i64 = r.get(4);
        let u = by_office.entry(office).or_insert_with(|| OfficeUse { office_id: office, ..Default::default() });
        match r.get::<String, _>(2).as_str() {
            "checked_in" => {
                if let Some(slot) = u.checked_in.get_mut(day.weekday().number_days_from_monday() as usize) {
                    *slot += n;
                }
            }
            "released" => u.released += n,
            "booked" => u.booked += n,
            _ if r.get::<Option<String>, _>(3).is_some_and(|c| c != "person") => u.cancelled_for_absence += n,
            _ => {}
        }
    }
    Ok(by_office)
}

// ---- Demo ----

/// A demo booking: who, which desk, which day, and how it went.
pub struct DemoBooking {
    pub staff: Uuid,
    pub desk: Uuid,
    pub office: Uuid,
    pub day: Date,
    pub status: BookingStatus,
    pub cancelled_because: Option<CancelledBecause>,
}

/// Demo desks (with their ids) and bookings, without audit; each office's count follows its plan.
pub async fn load_demo(store: &Store, desks: &[(Uuid, Uuid, DeskDraft)], bookings: &[DemoBooking]) -> Result<()> {
    let mut tx = store.begin().await?;
    let at = ts(now());
    let mut offices: Vec<Uuid> = Vec::new();
    for (id, office, d) in desks {
        insert_desk(&mut tx, *id, *office, d, &at).await?;
        if !offices.contains(office) {
            offices.push(*office);
        }
    }
    for o in offices {
        crate::org::follow_floor_plan(&mut tx, o).await?;
    }
    for b in bookings {
        let booked_at = ts(b.day.midnight().assume_utc() - Duration::days(3));
        let morning = ts(b.day.midnight().assume_utc() + Duration::hours(9));
        let ended = (b.status == BookingStatus::Cancelled || b.status == BookingStatus::Released).then(|| morning.clone());
        sqlx::query("INSERT INTO desk_bookings (id, desk_id, office_id, staff_id, day, status, cancelled_because, booked_at, checked_in_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(new_id().to_string())
            .bind(b.desk.to_string())
            .bind(b.office.to_string())
            .bind(b.staff.to_string())
            .bind(date_text(b.day))
            .bind(b.status.code())
            .bind(b.cancelled_because.map(|c| c.code()))
            .bind(booked_at)
            .bind((b.status == BookingStatus::CheckedIn).then(|| morning.clone()))
            .bind(ended)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
