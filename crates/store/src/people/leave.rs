//! Leave's tables: requests and the ledger. Every write takes the person's allocation lock
//! (`workload::lock_worker`), because an approval writes the absence allocation reads, and two
//! writes to one ledger must not both pass the same balance check.
//!
//! - A year opens (its entitlement, bank holidays and carry-over lines) the first time anything
//!   touches it: a request, a page, or the server's daily work.
//! - A request is checked against overlapping time away and, for annual leave, against the balance
//!   less what is already waiting; approval checks both again, then writes the "taken" line, the
//!   absence and the alert with its audit event, in one transaction.

use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::people::leave::{Balance, DayPart, LeaveDraft, LeaveSettings, LeaveYear, LineKind, RequestKind, RequestStatus, WorkPattern, balance, carry_over, days_text, hours_text, opening_lines};
use hearth_domain::text::long_date;
use hearth_domain::workload::AbsenceKind;
use hearth_domain::workplace::CancelledBecause;
use hearth_domain::FieldError;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::insert_notice;
use crate::org::{NamedRef, named};
use crate::workload::lock_worker;
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

/// The national rules a ledger is kept by.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub settings: &'a LeaveSettings,
    pub calendar: &'a WorkingCalendar,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: Uuid,
    pub kind: LineKind,
    pub minutes: i64,
    pub on: Date,
    pub reason: String,
    pub request_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A person's year: its lines in date order, what they add up to, and the hours asked for and
/// not yet decided.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub year: LeaveYear,
    pub lines: Vec<Line>,
    pub balance: Balance,
    pub waiting: i64,
    #[serde(skip)]
    pub pattern: WorkPattern,
}

impl Ledger {
    /// What is left to ask for: the balance less requests waiting for a decision.
    pub fn available(&self) -> i64 {
        self.balance.balance - self.waiting
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveRequest {
    pub id: Uuid,
    pub staff: NamedRef,
    pub kind: RequestKind,
    pub first: Date,
    pub last: Date,
    pub part: DayPart,
    pub minutes: i64,
    pub note: String,
    pub status: RequestStatus,
    pub decided_by: Option<NamedRef>,
    pub refusal_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    pub version: i64,
}

impl LeaveRequest {
    /// "Monday 21 December 2026 to Monday 28 December 2026" or "Monday 21 December 2026, morning".
    pub fn when(&self) -> String {
        match self.part {
            DayPart::Whole if self.first == self.last => long_date(self.first),
            DayPart::Whole => format!("{} to {}", long_date(self.first), long_date(self.last)),
            DayPart::Morning => format!("{}, morning", long_date(self.first)),
            DayPart::Afternoon => format!("{}, afternoon", long_date(self.first)),
            DayPart::Hours => format!("{}, {}", long_date(self.first), hours_text(self.minutes)),
        }
    }
}

const REQUEST: &str = "SELECT r.id, s.id, s.name, r.kind, r.first_day, r.last_day, r.part, r.minutes, r.note, r.status, d.id, d.name, r.refusal_reason, r.requested_at, r.version
   FROM leave_requests r JOIN staff s ON s.id = r.staff_id LEFT JOIN staff d ON d.id = r.decided_by";

fn request_of(r: &sqlx::any::AnyRow) -> Result<LeaveRequest> {
    let bad = || StoreError::NotFound;
    Ok(LeaveRequest {
        id: parse_id(&r.get::<String, _>(0))?,
        staff: named(r.get(1), r.get(2))?.ok_or_else(bad)?,
        kind: RequestKind::from_code(&r.get::<String, _>(3)).ok_or_else(bad)?,
        first: parse_date(&r.get::<String, _>(4))?,
        last: parse_date(&r.get::<String, _>(5))?,
        part: DayPart::from_code(&r.get::<String, _>(6)).ok_or_else(bad)?,
        minutes: r.get(7),
        note: r.get(8),
        status: RequestStatus::from_code(&r.get::<String, _>(9)).ok_or_else(bad)?,
        decided_by: named(r.get(10), r.get(11))?,
        refusal_reason: r.get(12),
        requested_at: parse_ts(&r.get::<String, _>(13))?,
        version: r.get(14),
    })
}

/// A person's pattern of work and when they started, which every ledger rule reads.
async fn pattern_of(conn: &mut AnyConnection, settings: &LeaveSettings, staff_id: Uuid) -> Result<(WorkPattern, Date)> {
    let r = sqlx::query("SELECT s.fte_hundredths, s.start_date, w.days FROM staff s LEFT JOIN work_patterns w ON w.staff_id = s.id WHERE s.id = $1")
        .bind(staff_id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((pattern_from(settings, r.get(0), r.get::<Option<String>, _>(2).as_deref()), parse_date(&r.get::<String, _>(1))?))
}

/// The one builder of a person's pattern from what is stored: their own days when set (and still
/// valid for their FTE), otherwise the first days of the week their FTE needs.
pub(crate) fn pattern_from(settings: &LeaveSettings, fte_hundredths: i64, days: Option<&str>) -> WorkPattern {
    days.and_then(|d| WorkPattern::on_days(fte_hundredths, WorkPattern::parse_days(d), settings).ok()).unwrap_or_else(|| WorkPattern::from_fte(fte_hundredths, settings))
}

/// The days someone works and whether they are their own (set by a manager or HR) rather than
/// the default, with the version to change them at.
pub async fn work_pattern(store: &Store, settings: &LeaveSettings, staff_id: Uuid) -> Result<(WorkPattern, bool, i64)> {
    let mut conn = store.pool().acquire().await?;
    let (pattern, _) = pattern_of(&mut conn, settings, staff_id).await?;
    let own = sqlx::query("SELECT version FROM work_patterns WHERE staff_id = $1").bind(staff_id.to_string()).fetch_optional(&mut *conn).await?;
    Ok((pattern, own.is_some(), own.map_or(0, |r| r.get(0))))
}

/// The days someone works, as a manager or HR opens them to change: the read is audited.
pub async fn view_work_pattern(store: &Store, ctx: &AuditContext, settings: &LeaveSettings, staff_id: Uuid) -> Result<(WorkPattern, bool, i64)> {
    audit::record(store, ctx, Event::success("leave.pattern_viewed").about("staff", staff_id)).await?;
    work_pattern(store, settings, staff_id).await
}

/// Sets the days someone works, at the version read (0 when they had the default). Bank holidays
/// still to come this leave year (and next, when open) are taken again on the new days, so the
/// balance stays right; leave already approved keeps what it cost.
pub async fn set_work_pattern(store: &Store, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, days: [bool; 5], version: i64, today: Date) -> Result<WorkPattern> {
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let fte: i64 = sqlx::query("SELECT fte_hundredths FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?.get(0);
    let pattern = WorkPattern::on_days(fte, days, rules.settings).map_err(StoreError::Refused)?;
    let current: i64 = sqlx::query("SELECT version FROM work_patterns WHERE staff_id = $1").bind(staff_id.to_string()).fetch_optional(&mut *tx).await?.map_or(0, |r| r.get(0));
    if current != version {
        return Err(StoreError::Conflict { current });
    }
    sqlx::query("DELETE FROM work_patterns WHERE staff_id = $1").bind(staff_id.to_string()).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO work_patterns (staff_id, days, version) VALUES ($1, $2, $3)").bind(staff_id.to_string()).bind(pattern.days_code()).bind(current + 1).execute(&mut *tx).await?;
    let this_year = rules.settings.year_of(today);
    let next_year = rules.settings.year_of(this_year.last + time::Duration::days(1));
    for year in [this_year, next_year] {
        if !is_open(&mut tx, staff_id, year).await? {
            continue;
        }
        sqlx::query("DELETE FROM leave_lines WHERE staff_id = $1 AND year_first = $2 AND kind = 'bank_holiday' AND on_day > $3").bind(staff_id.to_string()).bind(date_text(year.first)).bind(date_text(today)).execute(&mut *tx).await?;
        for h in rules.calendar.holidays_in(year.first.year()).into_iter().chain(rules.calendar.holidays_in(year.last.year())) {
            let m = pattern.minutes_on(h.date);
            if h.date > today && year.contains(h.date) && m > 0 && !hearth_domain::calendar::is_weekend(h.date) {
                insert_line(&mut tx, ctx, staff_id, year, LineKind::BankHoliday, -m, h.date, &h.name, None).await?;
            }
        }
    }
    audit::append(&mut tx, ctx, Event::success("leave.pattern_set").about("staff", staff_id).detail(serde_json::json!({ "days": pattern.days_code() }))).await?;
    tx.commit().await?;
    Ok(pattern)
}

async fn sum_of(conn: &mut AnyConnection, staff_id: Uuid, year: LeaveYear) -> Result<i64> {
    Ok(sqlx::query("SELECT COALESCE(SUM(minutes), 0) FROM leave_lines WHERE staff_id = $1 AND year_first = $2")
        .bind(staff_id.to_string())
        .bind(date_text(year.first))
        .fetch_one(&mut *conn)
        .await?
        .get::<i64, _>(0))
}

async fn is_open(conn: &mut AnyConnection, staff_id: Uuid, year: LeaveYear) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM leave_lines WHERE staff_id = $1 AND year_first = $2 AND kind = 'entitlement'").bind(staff_id.to_string()).bind(date_text(year.first)).fetch_optional(&mut *conn).await?.is_some())
}

async fn insert_line(conn: &mut AnyConnection, ctx: &AuditContext, staff_id: Uuid, year: LeaveYear, kind: LineKind, minutes: i64, on: Date, reason: &str, request: Option<Uuid>) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO leave_lines (id, staff_id, year_first, kind, minutes, on_day, reason, request_id, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(date_text(year.first))
        .bind(kind.code())
        .bind(minutes)
        .bind(date_text(on))
        .bind(reason)
        .bind(request.map(|r| r.to_string()))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// Opens `year` for a person if it is not open: its entitlement and bank holidays, and what the
/// year before leaves to carry (up to the cap) when that year was kept here. Call under the lock.
async fn open_year(conn: &mut AnyConnection, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, year: LeaveYear) -> Result<()> {
    if is_open(conn, staff_id, year).await? {
        return Ok(());
    }
    let (pattern, started_on) = pattern_of(conn, rules.settings, staff_id).await?;
    let lines = opening_lines(rules.settings, rules.calendar, &pattern, started_on, year);
    if lines.is_empty() {
        return Ok(());
    }
    for l in &lines {
        insert_line(conn, ctx, staff_id, year, l.kind, l.minutes, l.on, &l.reason, None).await?;
    }
    let before = year.previous();
    if is_open(conn, staff_id, before).await? {
        let carried = carry_over(rules.settings, &pattern, sum_of(conn, staff_id, before).await?);
        if carried > 0 {
            let reason = format!("From {} (at most {} days carry over)", before.label(), rules.settings.carry_over_days);
            insert_line(conn, ctx, staff_id, year, LineKind::CarriedOver, carried, year.first, &reason, None).await?;
        }
    }
    audit::append(conn, ctx, Event::success("leave.year_opened").about("staff", staff_id).detail(serde_json::json!({ "year": year.first.to_string() }))).await?;
    Ok(())
}

async fn waiting_minutes(conn: &mut AnyConnection, staff_id: Uuid, year: LeaveYear, except: Option<Uuid>) -> Result<i64> {
    Ok(sqlx::query("SELECT COALESCE(SUM(minutes), 0) FROM leave_requests WHERE staff_id = $1 AND status = 'requested' AND kind = 'annual' AND first_day >= $2 AND first_day <= $3 AND id <> $4")
        .bind(staff_id.to_string())
        .bind(date_text(year.first))
        .bind(date_text(year.last))
        .bind(except.map(|e| e.to_string()).unwrap_or_default())
        .fetch_one(&mut *conn)
        .await?
        .get::<i64, _>(0))
}

/// A person's ledger for the leave year holding `day`, opening the year first if need be. The read
/// is audited.
pub async fn ledger(store: &Store, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, day: Date) -> Result<Ledger> {
    let year = rules.settings.year_of(day);
    let this_year = rules.settings.year_of(now().date());
    let mut conn = store.pool().acquire().await?;
    // Reading opens last year, this year or next; any other year is shown as it is.
    let may_open = year.first >= this_year.previous().first && year.first <= this_year.last + time::Duration::days(1);
    if may_open && !is_open(&mut conn, staff_id, year).await? {
        drop(conn);
        let mut tx = store.begin().await?;
        lock_worker(&mut tx, staff_id).await?;
        open_year(&mut tx, ctx, rules, staff_id, year).await?;
        tx.commit().await?;
        conn = store.pool().acquire().await?;
    }
    let (pattern, _) = pattern_of(&mut conn, rules.settings, staff_id).await?;
    let rows = sqlx::query("SELECT id, kind, minutes, on_day, reason, request_id, recorded_at FROM leave_lines WHERE staff_id = $1 AND year_first = $2 ORDER BY on_day, recorded_at, id")
        .bind(staff_id.to_string())
        .bind(date_text(year.first))
        .fetch_all(&mut *conn)
        .await?;
    let lines = rows
        .iter()
        .map(|r| {
            Ok(Line {
                id: parse_id(&r.get::<String, _>(0))?,
                kind: LineKind::from_code(&r.get::<String, _>(1)).ok_or(StoreError::NotFound)?,
                minutes: r.get(2),
                on: parse_date(&r.get::<String, _>(3))?,
                reason: r.get(4),
                request_id: r.get::<Option<String>, _>(5).as_deref().map(parse_id).transpose()?,
                recorded_at: parse_ts(&r.get::<String, _>(6))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let waiting = waiting_minutes(&mut conn, staff_id, year, None).await?;
    drop(conn);
    audit::record(store, ctx, Event::success("leave.viewed").about("staff", staff_id).detail(serde_json::json!({ "year": year.first.to_string() }))).await?;
    Ok(Ledger { year, balance: balance(lines.iter().map(|l| (l.kind, l.minutes))), lines, waiting, pattern })
}

/// A person's requests that end on or after `from`, soonest first.
pub async fn requests_of(store: &Store, staff_id: Uuid, from: Date) -> Result<Vec<LeaveRequest>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{REQUEST} WHERE r.staff_id = $1 AND r.last_day >= $2 ORDER BY r.first_day, r.requested_at")))
        .bind(staff_id.to_string())
        .bind(date_text(from))
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(request_of)
        .collect()
}

pub async fn request(store: &Store, id: Uuid) -> Result<LeaveRequest> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{REQUEST} WHERE r.id = $1"))).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    request_of(&r)
}

/// Whose a request is: what the flat `/leave-requests/{id}` routes authorise against.
pub async fn staff_of(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT staff_id FROM leave_requests WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

/// Time away already recorded, or leave already asked for, that overlaps the days.
async fn clash(conn: &mut AnyConnection, staff_id: Uuid, first: Date, last: Date, except: Option<Uuid>) -> Result<Option<String>> {
    let (a, b, s) = (date_text(first), date_text(last), staff_id.to_string());
    if let Some(r) = sqlx::query("SELECT first_day, last_day, status FROM leave_requests WHERE staff_id = $1 AND status IN ('requested', 'approved') AND first_day <= $3 AND last_day >= $2 AND id <> $4")
        .bind(&s)
        .bind(&a)
        .bind(&b)
        .bind(except.map(|e| e.to_string()).unwrap_or_default())
        .fetch_optional(&mut *conn)
        .await?
    {
        let asked = if r.get::<String, _>(2) == "approved" { "leave already approved" } else { "leave already asked for" };
        return Ok(Some(format!("These days overlap {asked}, {} to {}", long_date(parse_date(&r.get::<String, _>(0))?), long_date(parse_date(&r.get::<String, _>(1))?))));
    }
    if let Some(r) = sqlx::query("SELECT first_day, last_day FROM absences WHERE staff_id = $1 AND cancelled_at IS NULL AND first_day <= $3 AND last_day >= $2 AND (leave_request_id IS NULL OR leave_request_id <> $4)")
        .bind(&s)
        .bind(&a)
        .bind(&b)
        .bind(except.map(|e| e.to_string()).unwrap_or_default())
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(Some(format!("These days overlap time away already recorded, {} to {}", long_date(parse_date(&r.get::<String, _>(0))?), long_date(parse_date(&r.get::<String, _>(1))?))));
    }
    Ok(None)
}

/// Refuses annual leave beyond what is left, naming the balance and the way out.
fn check_balance(kind: RequestKind, minutes: i64, available: i64, day_minutes: i64) -> Result<()> {
    if kind == RequestKind::Annual && minutes > available {
        return Err(StoreError::Refused(FieldError::new(
            "kind",
            format!(
                "This needs {} and only {} ({}) is left to ask for this year: ask for fewer days, or choose unpaid leave",
                hours_text(minutes),
                hours_text(available.max(0)),
                days_text(available.max(0), day_minutes)
            ),
        )));
    }
    Ok(())
}

/// Asks for leave: checked against time away already recorded or asked for and, for annual leave,
/// against the balance less what is waiting. The approver gets an alert.
pub async fn ask(store: &Store, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, d: &LeaveDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let year = rules.settings.year_of(d.first);
    open_year(&mut tx, ctx, rules, staff_id, year).await?;
    if let Some(message) = clash(&mut tx, staff_id, d.first, d.last, None).await? {
        return Err(StoreError::Refused(FieldError::new("first_day", message)));
    }
    let (pattern, _) = pattern_of(&mut tx, rules.settings, staff_id).await?;
    let available = sum_of(&mut tx, staff_id, year).await? - waiting_minutes(&mut tx, staff_id, year, None).await?;
    check_balance(d.kind, d.minutes, available, pattern.day_minutes)?;
    let id = new_id();
    let at = now();
    sqlx::query(
        "INSERT INTO leave_requests (id, staff_id, kind, first_day, last_day, part, minutes, note, status, requested_by, requested_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, $10, 1)",
    )
    .bind(id.to_string())
    .bind(staff_id.to_string())
    .bind(d.kind.code())
    .bind(date_text(d.first))
    .bind(date_text(d.last))
    .bind(d.part.code())
    .bind(d.minutes)
    .bind(&d.note)
    .bind(ctx.actor_id.map(|a| a.to_string()))
    .bind(ts(at))
    .execute(&mut *tx)
    .await?;
    if let Some(m) = super::acting_manager(&mut tx, staff_id, at.date()).await? {
        let name: String = sqlx::query("SELECT name FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_one(&mut *tx).await?.get(0);
        insert_notice(&mut tx, m, &format!("{name} asked for leave from {}: it needs your decision.", long_date(d.first)), &format!("/leave-requests/{id}"), at).await?;
    }
    audit::append(&mut tx, ctx, Event::success("leave.requested").about("staff", staff_id).detail(serde_json::json!({ "request_id": id, "kind": d.kind, "first": d.first.to_string(), "last": d.last.to_string(), "minutes": d.minutes }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A manager's answer to a request.
pub enum Decision<'a> {
    Approve,
    Refuse(&'a str),
}

/// Approves or refuses a request waiting for a decision, at the version read. Nobody decides
/// their own leave. Approval checks the balance and overlaps again (both may have changed since
/// the request), then writes the "taken" line and the absence allocation reads.
pub async fn decide(store: &Store, ctx: &AuditContext, rules: Rules<'_>, request_id: Uuid, version: i64, decision: Decision<'_>) -> Result<()> {
    let staff_id = staff_of(store, request_id).await?;
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let r = request_of(&sqlx::query(sqlx::AssertSqlSafe(format!("{REQUEST} WHERE r.id = $1"))).bind(request_id.to_string()).fetch_one(&mut *tx).await?)?;
    if r.version != version {
        return Err(StoreError::Conflict { current: r.version });
    }
    if r.status != RequestStatus::Requested {
        return Err(StoreError::NotEditable("This request has already been decided or cancelled."));
    }
    if ctx.actor_id == Some(staff_id) {
        return Err(StoreError::NotEditable("Nobody decides their own leave: your manager does."));
    }
    let at = now();
    let (status, reason, message, action) = match decision {
        Decision::Approve => {
            if let Some(message) = clash(&mut tx, staff_id, r.first, r.last, Some(r.id)).await? {
                return Err(StoreError::Refused(FieldError::new("decision", message)));
            }
            let year = rules.settings.year_of(r.first);
            open_year(&mut tx, ctx, rules, staff_id, year).await?;
            let (pattern, _) = pattern_of(&mut tx, rules.settings, staff_id).await?;
            let available = sum_of(&mut tx, staff_id, year).await? - waiting_minutes(&mut tx, staff_id, year, Some(r.id)).await?;
            check_balance(r.kind, r.minutes, available, pattern.day_minutes).map_err(|e| match e {
                StoreError::Refused(f) => StoreError::Refused(FieldError::new("decision", f.message)),
                e => e,
            })?;
            if r.kind == RequestKind::Annual {
                insert_line(&mut tx, ctx, staff_id, year, LineKind::Taken, -r.minutes, r.first, &r.when(), Some(r.id)).await?;
            }
            let kind = if r.kind == RequestKind::Annual { AbsenceKind::AnnualLeave } else { AbsenceKind::Other };
            sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_by, recorded_at, leave_request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(new_id().to_string())
                .bind(staff_id.to_string())
                .bind(kind.code())
                .bind(date_text(r.first))
                .bind(date_text(r.last))
                .bind(ctx.actor_id.map(|a| a.to_string()))
                .bind(ts(at))
                .bind(r.id.to_string())
                .execute(&mut *tx)
                .await?;
            crate::workplace::cancel_for_absence(&mut tx, staff_id, r.first, r.last, CancelledBecause::Leave, at).await?;
            (RequestStatus::Approved, None, format!("Your leave from {} was approved.", long_date(r.first)), "leave.approved")
        }
        Decision::Refuse(reason) => (RequestStatus::Refused, Some(reason), format!("Your leave from {} was refused: {reason}", long_date(r.first)), "leave.refused"),
    };
    sqlx::query("UPDATE leave_requests SET status = $1, decided_by = $2, decided_at = $3, refusal_reason = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(status.code())
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .bind(reason)
        .bind(r.id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?;
    insert_notice(&mut tx, staff_id, &message, &format!("/staff/{staff_id}/leave"), at).await?;
    audit::append(&mut tx, ctx, Event::success(action).about("staff", staff_id).detail(serde_json::json!({ "request_id": r.id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels a request before its first day, whether waiting or approved. Approved leave gives
/// its hours back (a "cancelled" line) and its absence ends; the manager who approved it is told.
pub async fn cancel(store: &Store, ctx: &AuditContext, rules: Rules<'_>, request_id: Uuid, version: i64, today: Date) -> Result<()> {
    let staff_id = staff_of(store, request_id).await?;
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let r = request_of(&sqlx::query(sqlx::AssertSqlSafe(format!("{REQUEST} WHERE r.id = $1"))).bind(request_id.to_string()).fetch_one(&mut *tx).await?)?;
    if r.version != version {
        return Err(StoreError::Conflict { current: r.version });
    }
    if !matches!(r.status, RequestStatus::Requested | RequestStatus::Approved) {
        return Err(StoreError::NotEditable("This request is not waiting or approved, so there is nothing to cancel."));
    }
    if r.first <= today {
        return Err(StoreError::NotEditable("This leave has started. Ask your manager or HR to adjust your balance for any days you did not take."));
    }
    let at = now();
    if r.status == RequestStatus::Approved {
        if r.kind == RequestKind::Annual {
            insert_line(&mut tx, ctx, staff_id, rules.settings.year_of(r.first), LineKind::Returned, r.minutes, r.first, &r.when(), Some(r.id)).await?;
        }
        sqlx::query("UPDATE absences SET cancelled_at = $1 WHERE leave_request_id = $2 AND cancelled_at IS NULL").bind(ts(at)).bind(r.id.to_string()).execute(&mut *tx).await?;
        if let Some(m) = r.decided_by.as_ref().filter(|m| Some(m.id) != ctx.actor_id) {
            insert_notice(&mut tx, m.id, &format!("{} cancelled their leave from {}.", r.staff.name, long_date(r.first)), &format!("/leave-requests/{}", r.id), at).await?;
        }
    }
    sqlx::query("UPDATE leave_requests SET status = 'cancelled', cancelled_at = $1, version = version + 1 WHERE id = $2 AND version = $3").bind(ts(at)).bind(r.id.to_string()).bind(version).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success("leave.cancelled").about("staff", staff_id).detail(serde_json::json!({ "request_id": r.id, "was": r.status }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a line by hand (bought, sold, time off in lieu, an adjustment) to the year holding `on`,
/// with its reason. Selling more than is left is refused.
pub async fn adjust(store: &Store, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, kind: LineKind, minutes: i64, on: Date, reason: &str) -> Result<Uuid> {
    if !LineKind::ADDED_BY_HAND.contains(&kind) {
        return Err(StoreError::Refused(FieldError::new("kind", "Choose what the change is")));
    }
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let year = rules.settings.year_of(on);
    open_year(&mut tx, ctx, rules, staff_id, year).await?;
    if minutes < 0 && sum_of(&mut tx, staff_id, year).await? + minutes < 0 {
        return Err(StoreError::Refused(FieldError::new("hours", "That takes more hours than the balance holds")));
    }
    let id = insert_line(&mut tx, ctx, staff_id, year, kind, minutes, on, reason, None).await?;
    audit::append(&mut tx, ctx, Event::success("leave.adjusted").about("staff", staff_id).detail(serde_json::json!({ "line_id": id, "kind": kind, "minutes": minutes }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Requests waiting for `manager`: from the people they line-manage, and from anyone whose chain
/// of line managers between them and `manager` is all away today (they deputise). The same walk
/// up the chain as `people::acting_manager`, which chose whom to alert, so the deputy alerted
/// finds the request in their list however many levels up they are.
pub async fn waiting_for(store: &Store, manager: Uuid, today: Date) -> Result<Vec<LeaveRequest>> {
    let chain = super::decider_chain("SELECT r.id AS item_id, s.line_manager_id FROM leave_requests r JOIN staff s ON s.id = r.staff_id WHERE r.status = 'requested'");
    let sql = format!("{chain} {REQUEST} WHERE r.id IN (SELECT item_id FROM chain WHERE at = $1) ORDER BY r.first_day");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(manager.to_string()).bind(date_text(today)).fetch_all(store.pool()).await?.iter().map(request_of).collect()
}

/// Someone away on some of the days: who, what kind, and from when to when. Whether a request is
/// still waiting shows, so a manager sees the cover they would be agreeing to.
#[derive(Debug, Clone, Serialize)]
pub struct Away {
    pub staff: NamedRef,
    pub kind: AbsenceKind,
    pub first: Date,
    pub last: Date,
    pub waiting: bool,
}

/// Everyone in a team away on any day from `first` to `last` (approved or recorded time away, and
/// leave waiting for a decision), leaving out `except`.
pub async fn team_away(store: &Store, team_id: Uuid, first: Date, last: Date, except: Option<Uuid>) -> Result<Vec<Away>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, a.kind, a.first_day, a.last_day, 0 FROM absences a JOIN staff s ON s.id = a.staff_id
           WHERE s.team_id = $1 AND s.status = 'active' AND a.cancelled_at IS NULL AND a.first_day <= $3 AND a.last_day >= $2 AND s.id <> $4
         UNION ALL
         SELECT s.id, s.name, CASE WHEN r.kind = 'annual' THEN 'annual_leave' ELSE 'other' END, r.first_day, r.last_day, 1 FROM leave_requests r JOIN staff s ON s.id = r.staff_id
           WHERE s.team_id = $1 AND s.status = 'active' AND r.status = 'requested' AND r.first_day <= $3 AND r.last_day >= $2 AND s.id <> $4
         ORDER BY 4, 2",
    )
    .bind(team_id.to_string())
    .bind(date_text(first))
    .bind(date_text(last))
    .bind(except.map(|e| e.to_string()).unwrap_or_default())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Away {
                staff: named(r.get(0), r.get(1))?.ok_or(StoreError::NotFound)?,
                kind: AbsenceKind::from_code(&r.get::<String, _>(2)).unwrap_or(AbsenceKind::Other),
                first: parse_date(&r.get::<String, _>(3))?,
                last: parse_date(&r.get::<String, _>(4))?,
                waiting: r.get::<i64, _>(5) == 1,
            })
        })
        .collect()
}

/// A court date or filing date in one of the person's cases.
#[derive(Debug, Clone, Serialize)]
pub struct CourtDate {
    pub case_id: Uuid,
    pub reference: String,
    pub on: Date,
    pub what: String,
}

/// Hearings and unfiled filing dates, from `first` to `last`, in the cases allocated to a person:
/// what a request warns about (it does not stop the request).
pub async fn court_dates(store: &Store, staff_id: Uuid, first: Date, last: Date) -> Result<Vec<CourtDate>> {
    let after = date_text(last + time::Duration::days(1));
    let rows = sqlx::query(
        "SELECT c.id, c.reference, SUBSTR(h.starts_at, 1, 10), 'hearing' FROM hearings h JOIN cases c ON c.id = h.case_id
           WHERE c.allocated_to = $1 AND c.closed_on IS NULL AND h.starts_at >= $2 AND h.starts_at < $3
         UNION ALL
         SELECT c.id, c.reference, f.due_on, f.direction FROM filing_dates f JOIN cases c ON c.id = f.case_id
           WHERE c.allocated_to = $1 AND c.closed_on IS NULL AND f.filed_on IS NULL AND f.due_on >= $2 AND f.due_on < $3
         ORDER BY 3",
    )
    .bind(staff_id.to_string())
    .bind(date_text(first))
    .bind(after)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let what: String = r.get(3);
            Ok(CourtDate {
                case_id: parse_id(&r.get::<String, _>(0))?,
                reference: r.get(1),
                on: parse_date(&r.get::<String, _>(2))?,
                what: if what == "hearing" { "A hearing".into() } else { format!("Filing due: {what}") },
            })
        })
        .collect()
}

/// Opens the leave year holding `today` for everyone active who has not got it yet: the server's
/// daily work, so balances are there on the first day of a new year.
pub async fn open_years(store: &Store, rules: Rules<'_>, today: Date) -> Result<usize> {
    let year = rules.settings.year_of(today);
    let ids: Vec<String> = sqlx::query("SELECT s.id FROM staff s WHERE s.status = 'active' AND NOT EXISTS (SELECT 1 FROM leave_lines l WHERE l.staff_id = s.id AND l.year_first = $1 AND l.kind = 'entitlement')")
        .bind(date_text(year.first))
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let ctx = AuditContext::system();
    for chunk in ids.chunks(200) {
        let mut tx = store.begin().await?;
        for id in chunk {
            let id = parse_id(id)?;
            lock_worker(&mut tx, id).await?;
            open_year(&mut tx, &ctx, rules, id, year).await?;
        }
        tx.commit().await?;
    }
    Ok(ids.len())
}

/// Annual leave recorded before requests existed (a bare absence) becomes an approved request with
/// its "taken" line, so the ledger holds all of it and nothing recorded is lost. Runs at start;
/// adopts each absence once.
pub async fn adopt_absences(store: &Store, rules: Rules<'_>) -> Result<usize> {
    let rows = sqlx::query("SELECT id, staff_id, first_day, last_day, recorded_by, recorded_at FROM absences WHERE kind = 'annual_leave' AND leave_request_id IS NULL AND cancelled_at IS NULL")
        .fetch_all(store.pool())
        .await?;
    let ctx = AuditContext::system();
    for r in &rows {
        let (absence, staff_id) = (r.get::<String, _>(0), parse_id(&r.get::<String, _>(1))?);
        let (first, last) = (parse_date(&r.get::<String, _>(2))?, parse_date(&r.get::<String, _>(3))?);
        let mut tx = store.begin().await?;
        lock_worker(&mut tx, staff_id).await?;
        let (pattern, _) = pattern_of(&mut tx, rules.settings, staff_id).await?;
        // One request and one line per leave year the absence touches.
        let mut from = first;
        let mut first_request = None;
        while from <= last {
            let year = rules.settings.year_of(from);
            let to = last.min(year.last);
            open_year(&mut tx, &ctx, rules, staff_id, year).await?;
            let minutes = hearth_domain::people::leave::cost_of_days(rules.calendar, &pattern, from, to).max(1);
            let id = new_id();
            sqlx::query(
                "INSERT INTO leave_requests (id, staff_id, kind, first_day, last_day, part, minutes, note, status, requested_by, requested_at, decided_by, decided_at, version)
                 VALUES ($1, $2, 'annual', $3, $4, 'whole', $5, 'Recorded as time away before leave requests', 'approved', $6, $7, $6, $7, 1)",
            )
            .bind(id.to_string())
            .bind(staff_id.to_string())
            .bind(date_text(from))
            .bind(date_text(to))
            .bind(minutes)
            .bind(r.get::<Option<String>, _>(4))
            .bind(r.get::<String, _>(5))
            .execute(&mut *tx)
            .await?;
            let when = if from == to { long_date(from) } else { format!("{} to {}", long_date(from), long_date(to)) };
            insert_line(&mut tx, &ctx, staff_id, year, LineKind::Taken, -minutes, from, &when, Some(id)).await?;
            first_request.get_or_insert(id);
            from = to + time::Duration::days(1);
        }
        sqlx::query("UPDATE absences SET leave_request_id = $1 WHERE id = $2").bind(first_request.map(|i| i.to_string())).bind(&absence).execute(&mut *tx).await?;
        audit::append(&mut tx, &ctx, Event::success("leave.adopted").about("staff", staff_id).detail(serde_json::json!({ "absence_id": absence }))).await?;
        tx.commit().await?;
    }
    Ok(rows.len())
}

/// Employed staff who are active, with what their leave is worked out from: (id, FTE in
/// hundredths, start date, line manager). Associates and bank staff are self-employed or paid by
/// the hour, so they have no entitlement.
pub async fn demo_staff(store: &Store) -> Result<Vec<(Uuid, i64, Date, Option<Uuid>)>> {
    sqlx::query("SELECT id, fte_hundredths, start_date, line_manager_id FROM staff WHERE status = 'active' AND contract = 'employed' ORDER BY id")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1), parse_date(&r.get::<String, _>(2))?, r.get::<Option<String>, _>(3).as_deref().map(parse_id).transpose()?)))
        .collect()
}

/// A demo request as it was decided.
pub struct DemoRequest {
    pub first: Date,
    pub last: Date,
    pub minutes: i64,
    pub status: RequestStatus,
}

/// A person's demo leave: each year's requests, years in order (the carry-over between them is
/// worked out as the year opens, from what the year before left).
pub struct DemoLeave {
    pub staff: Uuid,
    pub manager: Option<Uuid>,
    pub years: Vec<(LeaveYear, Vec<DemoRequest>)>,
}

/// Writes demo leave as it would have been written: each year opened, each approved request with
/// its "taken" line and its absence.
pub async fn load_demo(store: &Store, rules: Rules<'_>, people: &[DemoLeave]) -> Result<usize> {
    let ctx = AuditContext::system();
    let mut n = 0;
    for chunk in people.chunks(100) {
        let mut tx = store.begin().await?;
        for p in chunk {
            for (year, requests) in &p.years {
                open_year(&mut tx, &ctx, rules, p.staff, *year).await?;
                for r in requests {
                    let id = new_id();
                    let asked = (r.first - time::Duration::days(21)).midnight().assume_utc();
                    let decided = (r.status != RequestStatus::Requested).then(|| asked + time::Duration::days(2));
                    sqlx::query(
                        "INSERT INTO leave_requests (id, staff_id, kind, first_day, last_day, part, minutes, note, status, requested_by, requested_at, decided_by, decided_at, refusal_reason, version)
                         VALUES ($1, $2, 'annual', $3, $4, 'whole', $5, '', $6, $2, $7, $8, $9, $10, $11)",
                    )
                    .bind(id.to_string())
                    .bind(p.staff.to_string())
                    .bind(date_text(r.first))
                    .bind(date_text(r.last))
                    .bind(r.minutes)
                    .bind(r.status.code())
                    .bind(ts(asked))
                    .bind(decided.and(p.manager).map(|m| m.to_string()))
                    .bind(decided.map(ts))
                    .bind((r.status == RequestStatus::Refused).then_some("Too many of the team are away that week"))
                    .bind(if r.status == RequestStatus::Requested { 1 } else { 2 })
                    .execute(&mut *tx)
                    .await?;
                    if r.status == RequestStatus::Approved {
                        let when = if r.first == r.last { long_date(r.first) } else { format!("{} to {}", long_date(r.first), long_date(r.last)) };
                        insert_line(&mut tx, &ctx, p.staff, *year, LineKind::Taken, -r.minutes, r.first, &when, Some(id)).await?;
                        sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_by, recorded_at, leave_request_id) VALUES ($1, $2, 'annual_leave', $3, $4, $5, $6, $7)")
                            .bind(new_id().to_string())
                            .bind(p.staff.to_string())
                            .bind(date_text(r.first))
                            .bind(date_text(r.last))
                            .bind(p.manager.map(|m| m.to_string()))
                            .bind(ts(decided.unwrap_or(asked)))
                            .bind(id.to_string())
                            .execute(&mut *tx)
                            .await?;
                    }
                    n += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(n)
}
