//! Expenses' tables: claims, their lines and the monthly payroll exports. A claim is made by the
//! person who spent the money (never for someone else), holds mileage prefilled from the visits
//! they recorded and other costs with a receipt, and goes to their manager (the one standing in
//! when the line manager is away, as for leave). A claim over the approval limit needs a service
//! manager. Each month's payroll export takes every approved claim not yet paid and marks it paid
//! in the same transaction, so nothing is paid twice; asking for the month again gives the same
//! export.
//!
//! Receipts are kept like documents: checked by their bytes, photos re-encoded without their
//! metadata, stored under their SHA-256. Reading one is audited.

use bytes::Bytes;
use hearth_domain::FieldError;
use hearth_domain::cases::EntryKind;
use hearth_domain::documents::FileType;
use hearth_domain::people::expenses::{ClaimStatus, Cost, ExpenseKind, ExpenseSettings, Journey, estimate_tenths, late_reason, price_journeys, tax_year_of};
use hearth_domain::people::sickness::money;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::{code, insert_notice, opt_id};
use crate::documents::Files;
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, ts};

#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub file_type: FileType,
    pub size_bytes: i64,
    pub has_thumbnail: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: Uuid,
    pub kind: ExpenseKind,
    pub spent_on: Date,
    pub description: String,
    pub visit_id: Option<Uuid>,
    pub case_reference: Option<String>,
    pub from_place: Option<String>,
    pub to_place: Option<String>,
    /// Tenths of a mile; none until the journey's miles are entered.
    pub miles_tenths: Option<i64>,
    /// The miles are Hearth's estimate between two known places, not yet changed.
    pub estimated: bool,
    pub round_trip: bool,
    pub passengers: i64,
    pub amount_pence: i64,
    pub receipt: Option<Receipt>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: Uuid,
    pub staff: NamedRef,
    pub status: ClaimStatus,
    pub late_reason: Option<String>,
    pub total_pence: i64,
    pub needs_service_manager: bool,
    pub submitted_at: Option<OffsetDateTime>,
    pub decided_by: Option<NamedRef>,
    pub decided_at: Option<OffsetDateTime>,
    pub refusal_reason: Option<String>,
    pub payroll_month: Option<String>,
    pub created_at: OffsetDateTime,
    pub version: i64,
    pub lines: Vec<Line>,
}

impl Claim {
    /// The first and last days claimed for, if anything is.
    pub fn span(&self) -> Option<(Date, Date)> {
        let first = self.lines.iter().map(|l| l.spent_on).min()?;
        Some((first, self.lines.iter().map(|l| l.spent_on).max()?))
    }

    pub fn miles_tenths(&self) -> i64 {
        self.lines.iter().filter_map(|l| l.miles_tenths).sum()
    }
}

/// A visit or court attendance the worker recorded and has not yet claimed.
#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    pub id: Uuid,
    pub kind: EntryKind,
    pub occurred_on: Date,
    pub case_reference: String,
    pub place: Option<String>,
}

const CLAIM: &str = "SELECT c.id, s.id, s.name, c.status, c.late_reason, c.total_pence, c.needs_service_manager, c.submitted_at, d.id, d.name, c.decided_at,
        c.refusal_reason, c.payroll_month, c.created_at, c.version
   FROM expense_claims c JOIN staff s ON s.id = c.staff_id LEFT JOIN staff d ON d.id = c.decided_by";

fn opt_ts(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<OffsetDateTime>> {
    r.get::<Option<String>, _>(i).as_deref().map(parse_ts).transpose()
}

fn claim_of(r: &sqlx::any::AnyRow) -> Result<Claim> {
    Ok(Claim {
        id: parse_id(&r.get::<String, _>(0))?,
        staff: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
        status: code(r.get(3), ClaimStatus::from_code)?,
        late_reason: r.get(4),
        total_pence: r.get(5),
        needs_service_manager: r.get::<i64, _>(6) == 1,
        submitted_at: opt_ts(r, 7)?,
        decided_by: named(r.get(8), r.get(9))?,
        decided_at: opt_ts(r, 10)?,
        refusal_reason: r.get(11),
        payroll_month: r.get(12),
        created_at: parse_ts(&r.get::<String, _>(13))?,
        version: r.get(14),
        lines: Vec::new(),
    })
}

const LINE: &str = "SELECT l.id, l.kind, l.spent_on, l.description, l.visit_id, l.case_reference, l.from_place, l.to_place, l.miles_tenths, l.estimated,
        l.round_trip, l.passengers, l.amount_pence, l.receipt_type, l.receipt_size, l.receipt_thumbnail, l.version, l.claim_id
   FROM expense_lines l";

fn line_of(r: &sqlx::any::AnyRow) -> Result<Line> {
    let receipt = match r.get::<Option<String>, _>(13) {
        Some(t) => Some(Receipt { file_type: code(t, FileType::from_code)?, size_bytes: r.get::<Option<i64>, _>(14).unwrap_or(0), has_thumbnail: r.get::<Option<String>, _>(15).is_some() }),
        None => None,
    };
    Ok(Line {
        id: parse_id(&r.get::<String, _>(0))?,
        kind: code(r.get(1), ExpenseKind::from_code)?,
        spent_on: parse_date(&r.get::<String, _>(2))?,
        description: r.get(3),
        visit_id: opt_id(r.get(4))?,
        case_reference: r.get(5),
        from_place: r.get(6),
        to_place: r.get(7),
        miles_tenths: r.get(8),
        estimated: r.get::<i64, _>(9) == 1,
        round_trip: r.get::<i64, _>(10) == 1,
        passengers: r.get(11),
        amount_pence: r.get(12),
        receipt,
        version: r.get(16),
    })
}

async fn lines_of(conn: &mut AnyConnection, claim_id: Uuid) -> Result<Vec<Line>> {
    let sql = format!("{LINE} WHERE l.claim_id = $1 ORDER BY l.spent_on, l.created_at");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(claim_id.to_string()).fetch_all(conn).await?.iter().map(line_of).collect()
}

async fn load(conn: &mut AnyConnection, claim_id: Uuid) -> Result<Claim> {
    let sql = format!("{CLAIM} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(claim_id.to_string()).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let mut claim = claim_of(&row)?;
    claim.lines = lines_of(conn, claim_id).await?;
    Ok(claim)
}

/// A claim with its lines. Not audited here: the page that shows it records the read.
pub async fn claim(store: &Store, claim_id: Uuid) -> Result<Claim> {
    let mut conn = store.pool().acquire().await?;
    load(&mut conn, claim_id).await
}

/// Whose claim it is.
pub async fn staff_of(store: &Store, claim_id: Uuid) -> Result<Uuid> {
    let row = sqlx::query("SELECT staff_id FROM expense_claims WHERE id = $1").bind(claim_id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&row.get::<String, _>(0))
}

/// The claim a line is on, and whose it is.
pub async fn line_owner(store: &Store, line_id: Uuid) -> Result<(Uuid, Uuid)> {
    let row = sqlx::query("SELECT claim_id, staff_id FROM expense_lines WHERE id = $1").bind(line_id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    Ok((parse_id(&row.get::<String, _>(0))?, parse_id(&row.get::<String, _>(1))?))
}

/// A person's claims, newest first, with their lines; the read is audited.
pub async fn claims_of(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<Vec<Claim>> {
    let sql = format!("{CLAIM} WHERE c.staff_id = $1 ORDER BY c.created_at DESC");
    let mut claims: Vec<Claim> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff_id.to_string()).fetch_all(store.pool()).await?.iter().map(claim_of).collect::<Result<_>>()?;
    let sql = format!("{LINE} WHERE l.staff_id = $1 ORDER BY l.spent_on, l.created_at");
    for row in sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff_id.to_string()).fetch_all(store.pool()).await? {
        let claim_id = parse_id(&row.get::<String, _>(17))?;
        if let Some(c) = claims.iter_mut().find(|c| c.id == claim_id) {
            c.lines.push(line_of(&row)?);
        }
    }
    audit::record(store, ctx, Event::success("expenses.viewed").about("staff", staff_id)).await?;
    Ok(claims)
}

/// Records that someone read one claim (its page or its receipt list).
pub async fn record_read(store: &Store, ctx: &AuditContext, claim: &Claim) -> Result<()> {
    audit::record(store, ctx, Event::success("expenses.viewed").about("staff", claim.staff.id).detail(serde_json::json!({ "claim_id": claim.id }))).await
}

/// The visits and court attendances someone recorded from `since`, not on a claim that stands,
/// newest first: what a mileage claim is prefilled from.
pub async fn visits_to_claim(store: &Store, staff_id: Uuid, since: Date) -> Result<Vec<Visit>> {
    let rows = sqlx::query(
        "SELECT e.id, e.kind, e.occurred_on, c.reference, e.place FROM chronology e JOIN cases c ON c.id = e.case_id
          WHERE e.author_id = $1 AND e.kind IN ('visit', 'court_attendance') AND e.occurred_on >= $2
            AND NOT EXISTS (SELECT 1 FROM expense_lines l WHERE l.visit_id = e.id AND l.active = 1)
          ORDER BY e.occurred_on DESC, e.written_at DESC LIMIT 100",
    )
    .bind(staff_id.to_string())
    .bind(date_text(since))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Visit {
                id: parse_id(&r.get::<String, _>(0))?,
                kind: code(r.get(1), EntryKind::from_code)?,
                occurred_on: parse_date(&r.get::<String, _>(2))?,
                case_reference: r.get(3),
                place: r.get(4),
            })
        })
        .collect()
}

fn only_the_claimant(ctx: &AuditContext, staff_id: Uuid) -> Result<()> {
    if ctx.actor_id != Some(staff_id) {
        return Err(StoreError::Refused(FieldError::new("claim", "An expense claim is made by the person who spent the money")));
    }
    Ok(())
}

/// Opens a claim for the person acting, or gives the one they already have in progress.
pub async fn start(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<Uuid> {
    only_the_claimant(ctx, staff_id)?;
    let mut tx = store.begin().await?;
    if let Some(r) = sqlx::query("SELECT id FROM expense_claims WHERE staff_id = $1 AND status = 'draft'").bind(staff_id.to_string()).fetch_optional(&mut *tx).await? {
        return parse_id(&r.get::<String, _>(0));
    }
    let id = new_id();
    sqlx::query("INSERT INTO expense_claims (id, staff_id, status, created_at, version) VALUES ($1, $2, 'draft', $3, 1)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("expenses.claim_started").about("staff", staff_id).detail(serde_json::json!({ "claim_id": id }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Opens a change to a draft claim at the version read: only by its claimant.
async fn change_draft(conn: &mut AnyConnection, ctx: &AuditContext, claim_id: Uuid, version: i64) -> Result<Uuid> {
    let row = sqlx::query("SELECT staff_id, status, version FROM expense_claims WHERE id = $1").bind(claim_id.to_string()).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    let staff_id = parse_id(&row.get::<String, _>(0))?;
    only_the_claimant(ctx, staff_id)?;
    if row.get::<String, _>(1) != "draft" {
        return Err(StoreError::NotEditable("This claim has been submitted: it can no longer be changed."));
    }
    let n = sqlx::query("UPDATE expense_claims SET version = version + 1 WHERE id = $1 AND version = $2").bind(claim_id.to_string()).bind(version).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict { current: row.get(2) });
    }
    Ok(staff_id)
}

/// The town a place is in, when Hearth knows it: an office's or a court's name, or a town.
async fn town_of(conn: &mut AnyConnection, place: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT town FROM offices WHERE LOWER(name) = LOWER($1) UNION SELECT town FROM courts WHERE LOWER(name) = LOWER($1)")
        .bind(place.trim())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => Some(r.get(0)),
        None => hearth_domain::people::expenses::town_position(place).map(|_| place.trim().to_string()),
    })
}

/// The estimate between two places, when both are known.
async fn estimate(conn: &mut AnyConnection, s: &ExpenseSettings, from: &str, to: &str, round_trip: bool) -> Result<Option<i64>> {
    Ok(match (town_of(conn, from).await?, town_of(conn, to).await?) {
        (Some(a), Some(b)) => estimate_tenths(s, &a, &b, round_trip),
        _ => None,
    })
}

/// Where someone's journeys start: their team's office.
async fn base_of(conn: &mut AnyConnection, staff_id: Uuid) -> Result<Option<String>> {
    let row = sqlx::query("SELECT o.name FROM staff s JOIN teams t ON t.id = s.team_id JOIN offices o ON o.id = t.office_id WHERE s.id = $1")
        .bind(staff_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Prices the claim's journeys again (in date order, after the miles the person's other standing
/// claims hold in each tax year) and sets its total and whether it needs a service manager.
async fn reprice(conn: &mut AnyConnection, s: &ExpenseSettings, claim_id: Uuid, staff_id: Uuid) -> Result<i64> {
    let lines = lines_of(conn, claim_id).await?;
    let journeys: Vec<(Uuid, Date, i64, i64)> = lines.iter().filter_map(|l| Some((l.id, l.spent_on, l.miles_tenths?, l.passengers))).collect();
    let mut before = std::collections::HashMap::new();
    for (_, on, _, _) in &journeys {
        let year = tax_year_of(*on);
        if before.contains_key(&year) {
            continue;
        }
        let start = Date::from_calendar_date(year, Month::April, 6).expect("6 April");
        let end = Date::from_calendar_date(year + 1, Month::April, 6).expect("6 April");
        let miles: Option<i64> = sqlx::query(
            "SELECT SUM(l.miles_tenths) FROM expense_lines l JOIN expense_claims c ON c.id = l.claim_id
              WHERE l.staff_id = $1 AND l.claim_id <> $2 AND l.active = 1 AND c.status IN ('submitted', 'approved', 'paid') AND l.spent_on >= $3 AND l.spent_on < $4",
        )
        .bind(staff_id.to_string())
        .bind(claim_id.to_string())
        .bind(date_text(start))
        .bind(date_text(end))
        .fetch_one(&mut *conn)
        .await?
        .get(0);
        before.insert(year, miles.unwrap_or(0));
    }
    let priced = price_journeys(s, &|y| before.get(&y).copied().unwrap_or(0), &journeys.iter().map(|(_, on, t, p)| (*on, *t, *p)).collect::<Vec<_>>());
    for ((id, ..), pence) in journeys.iter().zip(priced) {
        sqlx::query("UPDATE expense_lines SET amount_pence = $1 WHERE id = $2").bind(pence).bind(id.to_string()).execute(&mut *conn).await?;
    }
    let total: Option<i64> = sqlx::query("SELECT SUM(amount_pence) FROM expense_lines WHERE claim_id = $1").bind(claim_id.to_string()).fetch_one(&mut *conn).await?.get(0);
    let total = total.unwrap_or(0);
    sqlx::query("UPDATE expense_claims SET total_pence = $1, needs_service_manager = $2 WHERE id = $3")
        .bind(total)
        .bind(i64::from(s.needs_service_manager(total)))
        .bind(claim_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(total)
}

#[allow(clippy::too_many_arguments)]
async fn insert_journey(
    conn: &mut AnyConnection,
    claim_id: Uuid,
    staff_id: Uuid,
    on: Date,
    description: &str,
    visit: Option<(Uuid, &str)>,
    from: &str,
    to: &str,
    tenths: Option<i64>,
    estimated: bool,
    round_trip: bool,
    passengers: i64,
) -> Result<Uuid> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO expense_lines (id, claim_id, staff_id, kind, spent_on, description, visit_id, case_reference, from_place, to_place, miles_tenths, estimated, round_trip, passengers, created_at, version)
         VALUES ($1, $2, $3, 'mileage', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)",
    )
    .bind(id.to_string())
    .bind(claim_id.to_string())
    .bind(staff_id.to_string())
    .bind(date_text(on))
    .bind(description)
    .bind(visit.map(|(v, _)| v.to_string()))
    .bind(visit.map(|(_, r)| r.to_string()))
    .bind(from)
    .bind(to)
    .bind(tenths)
    .bind(i64::from(estimated))
    .bind(i64::from(round_trip))
    .bind(passengers)
    .bind(ts(now()))
    .execute(&mut *conn)
    .await
    .map_err(|e| match crate::unique_violation(e, "expense_lines_visit", "visit_id") {
        StoreError::Duplicate { .. } => StoreError::Refused(FieldError::new("visits", "A visit you chose is already on a claim")),
        e => e,
    })?;
    Ok(id)
}

/// Adds a journey for each chosen visit, prefilled: its date, its case's reference, from the
/// person's office to where the visit was, and the miles there and back when both ends are places
/// Hearth knows. A visit already claimed, or not the person's own, is refused.
pub async fn add_visits(store: &Store, ctx: &AuditContext, s: &ExpenseSettings, claim_id: Uuid, version: i64, visit_ids: &[Uuid], today: Date) -> Result<Vec<Uuid>> {
    if visit_ids.is_empty() {
        return Err(StoreError::Refused(FieldError::new("visits", "Choose at least one visit")));
    }
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, version).await?;
    let base = base_of(&mut tx, staff_id).await?.unwrap_or_else(|| "Office".to_string());
    let mut ids = Vec::new();
    for visit in visit_ids {
        let row = sqlx::query("SELECT e.kind, e.occurred_on, c.reference, e.place, e.author_id FROM chronology e JOIN cases c ON c.id = e.case_id WHERE e.id = $1")
            .bind(visit.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::Refused(FieldError::new("visits", "Choose from your visits listed"))) };
        let kind = code(row.get(0), EntryKind::from_code)?;
        if !matches!(kind, EntryKind::Visit | EntryKind::CourtAttendance) || opt_id(row.get(4))? != Some(staff_id) {
            return Err(StoreError::Refused(FieldError::new("visits", "Only your own visits and court attendances can be claimed")));
        }
        let on = parse_date(&row.get::<String, _>(1))?;
        if on < today - time::Duration::days(365) {
            return Err(StoreError::Refused(FieldError::new("visits", "A visit more than a year ago cannot be claimed")));
        }
        let reference: String = row.get(2);
        let place: Option<String> = row.get(3);
        let to = place.clone().unwrap_or_else(|| "Not recorded".to_string());
        let tenths = match &place {
            Some(p) => estimate(&mut tx, s, &base, p, true).await?,
            None => None,
        };
        let description = format!("{} for {reference}", kind.label());
        ids.push(insert_journey(&mut tx, claim_id, staff_id, on, &description, Some((*visit, &reference)), &base, &to, tenths, tenths.is_some(), true, 0).await?);
    }
    reprice(&mut tx, s, claim_id, staff_id).await?;
    audit::append(&mut tx, ctx, Event::success("expenses.visits_added").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "visits": visit_ids }))).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Adds a journey not made for a recorded visit (a training day, a team meeting elsewhere).
pub async fn add_journey(store: &Store, ctx: &AuditContext, s: &ExpenseSettings, claim_id: Uuid, version: i64, on: Date, description: &str, j: &Journey) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, version).await?;
    let estimated = estimate(&mut tx, s, &j.from_place, &j.to_place, j.round_trip).await? == Some(j.tenths);
    let id = insert_journey(&mut tx, claim_id, staff_id, on, description, None, &j.from_place, &j.to_place, Some(j.tenths), estimated, j.round_trip, j.passengers).await?;
    reprice(&mut tx, s, claim_id, staff_id).await?;
    audit::append(&mut tx, ctx, Event::success("expenses.line_added").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "line_id": id, "kind": "mileage" }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The estimate a journey form would start from: the miles between two known places.
pub async fn estimate_between(store: &Store, s: &ExpenseSettings, from: &str, to: &str, round_trip: bool) -> Result<Option<i64>> {
    let mut conn = store.pool().acquire().await?;
    estimate(&mut conn, s, from, to, round_trip).await
}

/// Sets a journey's places and miles, at the claim's version read.
pub async fn set_journey(store: &Store, ctx: &AuditContext, s: &ExpenseSettings, line_id: Uuid, claim_version: i64, j: &Journey) -> Result<()> {
    let (claim_id, _) = line_owner(store, line_id).await?;
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, claim_version).await?;
    let estimated = estimate(&mut tx, s, &j.from_place, &j.to_place, j.round_trip).await? == Some(j.tenths);
    let n = sqlx::query(
        "UPDATE expense_lines SET from_place = $1, to_place = $2, miles_tenths = $3, estimated = $4, round_trip = $5, passengers = $6, version = version + 1
          WHERE id = $7 AND kind = 'mileage'",
    )
    .bind(&j.from_place)
    .bind(&j.to_place)
    .bind(j.tenths)
    .bind(i64::from(estimated))
    .bind(i64::from(j.round_trip))
    .bind(j.passengers)
    .bind(line_id.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused(FieldError::new("miles", "Only a journey has miles: remove this item and add it again to change it")));
    }
    reprice(&mut tx, s, claim_id, staff_id).await?;
    audit::append(&mut tx, ctx, Event::success("expenses.line_changed").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "line_id": line_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// A receipt ready to keep: its type checked by its bytes, a photo already re-encoded.
pub struct NewReceipt {
    pub file_type: FileType,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
}

/// Adds another expense with its receipt: the bytes go to the file store first (under their
/// SHA-256, so a failed row leaves only an unused file), then the line.
pub async fn add_cost(store: &Store, files: &Files, ctx: &AuditContext, s: &ExpenseSettings, claim_id: Uuid, version: i64, cost: &Cost, receipt: &NewReceipt) -> Result<Uuid> {
    if !matches!(receipt.file_type, FileType::Pdf | FileType::Jpeg | FileType::Png) {
        return Err(StoreError::Refused(FieldError::new("receipt", "The receipt must be a photo (JPEG or PNG) or a PDF")));
    }
    let sha = crate::documents::put_document(files, &receipt.bytes).await?;
    let thumbnail = match &receipt.thumbnail {
        Some(t) => Some(crate::documents::put_thumbnail(files, &sha, t).await?),
        None => None,
    };
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, version).await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO expense_lines (id, claim_id, staff_id, kind, spent_on, description, amount_pence, receipt_sha256, receipt_type, receipt_size, receipt_thumbnail, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
    )
    .bind(id.to_string())
    .bind(claim_id.to_string())
    .bind(staff_id.to_string())
    .bind(cost.kind.code())
    .bind(date_text(cost.spent_on))
    .bind(&cost.description)
    .bind(cost.pence)
    .bind(&sha)
    .bind(receipt.file_type.code())
    .bind(receipt.bytes.len() as i64)
    .bind(thumbnail)
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    reprice(&mut tx, s, claim_id, staff_id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("expenses.line_added").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "line_id": id, "kind": cost.kind, "receipt_sha256": sha })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes a line off a draft claim; a visit it claimed can be claimed again.
pub async fn remove_line(store: &Store, ctx: &AuditContext, s: &ExpenseSettings, line_id: Uuid, claim_version: i64) -> Result<()> {
    let (claim_id, _) = line_owner(store, line_id).await?;
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, claim_version).await?;
    sqlx::query("DELETE FROM expense_lines WHERE id = $1").bind(line_id.to_string()).execute(&mut *tx).await?;
    reprice(&mut tx, s, claim_id, staff_id).await?;
    audit::append(&mut tx, ctx, Event::success("expenses.line_removed").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "line_id": line_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Submits a draft for approval: it must hold something, every journey needs its miles, and
/// anything older than the claim window needs a reason. The manager deciding is alerted.
pub async fn submit(store: &Store, ctx: &AuditContext, s: &ExpenseSettings, claim_id: Uuid, version: i64, reason: &str, today: Date) -> Result<()> {
    let mut tx = store.begin().await?;
    let staff_id = change_draft(&mut tx, ctx, claim_id, version).await?;
    let lines = lines_of(&mut tx, claim_id).await?;
    let Some(oldest) = lines.iter().map(|l| l.spent_on).min() else {
        return Err(StoreError::Refused(FieldError::new("claim", "Add a journey or an expense before you submit the claim")));
    };
    if lines.iter().any(|l| l.kind == ExpenseKind::Mileage && l.miles_tenths.is_none()) {
        return Err(StoreError::Refused(FieldError::new("claim", "Enter the miles for every journey before you submit the claim")));
    }
    let late = late_reason(s, oldest, today, reason).map_err(StoreError::Refused)?;
    let total = reprice(&mut tx, s, claim_id, staff_id).await?;
    let at = now();
    sqlx::query("UPDATE expense_claims SET status = 'submitted', late_reason = $1, submitted_at = $2 WHERE id = $3").bind(&late).bind(ts(at)).bind(claim_id.to_string()).execute(&mut *tx).await?;
    if let Some(m) = super::acting_manager(&mut tx, staff_id, today).await? {
        let name: String = sqlx::query("SELECT name FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_one(&mut *tx).await?.get(0);
        insert_notice(&mut tx, m, &format!("{name} submitted an expense claim for {}: it needs your decision.", money(total)), &format!("/expense-claims/{claim_id}"), at).await?;
    }
    audit::append(&mut tx, ctx, Event::success("expenses.submitted").about("staff", staff_id).detail(serde_json::json!({ "claim_id": claim_id, "total_pence": total, "late": late.is_some() }))).await?;
    tx.commit().await?;
    Ok(())
}

pub enum Decision<'a> {
    Approve,
    Refuse(&'a str),
}

/// Approves or refuses a submitted claim at the version read. Nobody decides their own, and a
/// claim over the approval limit needs a service manager (or someone above one). A refused
/// claim's lines stop standing, so its visits can be claimed again. The claimant is alerted.
pub async fn decide(store: &Store, ctx: &AuditContext, claim_id: Uuid, version: i64, decision: Decision<'_>) -> Result<()> {
    let mut tx = store.begin().await?;
    let claim = load(&mut tx, claim_id).await?;
    if claim.version != version {
        return Err(StoreError::Conflict { current: claim.version });
    }
    if claim.status != ClaimStatus::Submitted {
        return Err(StoreError::NotEditable("This claim is not waiting for a decision."));
    }
    if ctx.actor_id == Some(claim.staff.id) || ctx.actor_id.is_none() {
        return Err(StoreError::NotEditable("Nobody decides their own expenses: your manager does."));
    }
    if let (Decision::Approve, true) = (&decision, claim.needs_service_manager) {
        let senior = sqlx::query("SELECT 1 FROM staff_roles WHERE staff_id = $1 AND role IN ('service_manager', 'national_leadership')")
            .bind(ctx.actor_id.map(|a| a.to_string()))
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !senior {
            return Err(StoreError::Refused(FieldError::new("decision", "This claim is over the approval limit: a service manager approves it")));
        }
    }
    let at = now();
    let (status, reason) = match decision {
        Decision::Approve => ("approved", None),
        Decision::Refuse(r) => ("refused", Some(r.to_string())),
    };
    sqlx::query("UPDATE expense_claims SET status = $1, refusal_reason = $2, decided_by = $3, decided_at = $4, version = version + 1 WHERE id = $5")
        .bind(status)
        .bind(&reason)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .bind(claim_id.to_string())
        .execute(&mut *tx)
        .await?;
    if reason.is_some() {
        sqlx::query("UPDATE expense_lines SET active = 0 WHERE claim_id = $1").bind(claim_id.to_string()).execute(&mut *tx).await?;
    }
    let message = match &reason {
        None => format!("Your expense claim for {} was approved and goes to payroll.", money(claim.total_pence)),
        Some(r) => format!("Your expense claim for {} was refused: {r}", money(claim.total_pence)),
    };
    insert_notice(&mut tx, claim.staff.id, &message, &format!("/expense-claims/{claim_id}"), at).await?;
    audit::append(&mut tx, ctx, Event::success(if reason.is_some() { "expenses.refused" } else { "expenses.approved" }).about("staff", claim.staff.id).detail(serde_json::json!({ "claim_id": claim_id, "total_pence": claim.total_pence }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Claims waiting for `manager`: their own people's, and those of managers below them who are
/// away today (the same walk as the alert took). Without their lines.
pub async fn waiting_for(store: &Store, manager: Uuid, today: Date) -> Result<Vec<Claim>> {
    let chain = super::decider_chain("SELECT c.id AS item_id, s.line_manager_id FROM expense_claims c JOIN staff s ON s.id = c.staff_id WHERE c.status = 'submitted'");
    let sql = format!("{chain} {CLAIM} WHERE c.id IN (SELECT item_id FROM chain WHERE at = $1) ORDER BY c.submitted_at");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(manager.to_string()).bind(date_text(today)).fetch_all(store.pool()).await?.iter().map(claim_of).collect()
}

/// A receipt's bytes, for someone who may see the claim; the read is audited.
pub async fn receipt(store: &Store, files: &Files, ctx: &AuditContext, line_id: Uuid) -> Result<(FileType, Bytes)> {
    let row = sqlx::query("SELECT receipt_sha256, receipt_type, staff_id, claim_id FROM expense_lines WHERE id = $1 AND receipt_sha256 IS NOT NULL")
        .bind(line_id.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let sha: String = row.get(0);
    let file_type = code(row.get(1), FileType::from_code)?;
    let bytes = crate::documents::fetch(files, &format!("documents/{sha}")).await?;
    audit::record(
        store,
        ctx,
        Event::success("expenses.receipt_viewed").about("staff", parse_id(&row.get::<String, _>(2))?).detail(serde_json::json!({ "claim_id": row.get::<String, _>(3), "line_id": line_id, "sha256": sha })),
    )
    .await?;
    Ok((file_type, bytes))
}

/// A receipt photo's thumbnail. Not audited on its own: it shows on the claim, whose read is.
pub async fn receipt_thumbnail(store: &Store, files: &Files, line_id: Uuid) -> Result<Bytes> {
    let row = sqlx::query("SELECT receipt_thumbnail FROM expense_lines WHERE id = $1").bind(line_id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    let key: Option<String> = row.get(0);
    crate::documents::fetch(files, &key.ok_or(StoreError::NotFound)?).await
}

// ---- Payroll ----

/// One claim in a month's payroll export.
#[derive(Debug, Clone, Serialize)]
pub struct PayrollLine {
    pub claim_id: Uuid,
    pub staff: NamedRef,
    pub approved_on: Date,
    pub miles_tenths: i64,
    pub mileage_pence: i64,
    pub other_pence: i64,
    pub total_pence: i64,
}

/// A month's export, as made.
#[derive(Debug, Clone, Serialize)]
pub struct PayrollExport {
    pub month: String,
    pub exported_by: Option<NamedRef>,
    pub exported_at: OffsetDateTime,
    pub claims: i64,
    pub total_pence: i64,
}

/// "2026-11" for November 2026.
pub fn month_code(year: i32, month: Month) -> String {
    format!("{year:04}-{:02}", month as u8)
}

/// The payroll export for a month: made the first time it is asked for (every approved claim
/// decided before the month's end and not yet paid, marked paid in the same transaction), and
/// the same claims each time after. A month still to come cannot be exported.
pub async fn payroll(store: &Store, ctx: &AuditContext, year: i32, month: Month, today: Date) -> Result<(PayrollExport, Vec<PayrollLine>)> {
    let code_ = month_code(year, month);
    let first = Date::from_calendar_date(year, month, 1).map_err(|_| StoreError::Refused(FieldError::new("month", "Enter a month like 2026-11")))?;
    if first > today {
        return Err(StoreError::Refused(FieldError::new("month", "The month must be this month or one before it")));
    }
    let next = if month == Month::December { Date::from_calendar_date(year + 1, Month::January, 1) } else { Date::from_calendar_date(year, month.next(), 1) }.expect("a month's first day");
    let mut tx = store.begin().await?;
    let existing = sqlx::query("SELECT 1 FROM payroll_exports WHERE month = $1").bind(&code_).fetch_optional(&mut *tx).await?.is_some();
    if !existing {
        let at = now();
        let cut_off = ts(next.midnight().assume_utc());
        sqlx::query("UPDATE expense_claims SET status = 'paid', payroll_month = $1, version = version + 1 WHERE status = 'approved' AND decided_at < $2")
            .bind(&code_)
            .bind(&cut_off)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT COUNT(*), COALESCE(SUM(total_pence), 0) FROM expense_claims WHERE payroll_month = $1").bind(&code_).fetch_one(&mut *tx).await?;
        let (claims, total): (i64, i64) = (row.get(0), row.get(1));
        sqlx::query("INSERT INTO payroll_exports (month, exported_by, exported_at, claims, total_pence) VALUES ($1, $2, $3, $4, $5)")
            .bind(&code_)
            .bind(ctx.actor_id.map(|a| a.to_string()))
            .bind(ts(at))
            .bind(claims)
            .bind(total)
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, ctx, Event::success("expenses.payroll_exported").detail(serde_json::json!({ "month": code_, "claims": claims, "total_pence": total }))).await?;
    } else {
        audit::append(&mut tx, ctx, Event::success("expenses.payroll_downloaded").detail(serde_json::json!({ "month": code_ }))).await?;
    }
    let export = export_of(&mut tx, &code_).await?.ok_or(StoreError::NotFound)?;
    let rows = sqlx::query(
        "SELECT c.id, s.id, s.name, c.decided_at, c.total_pence,
                COALESCE(SUM(CASE WHEN l.kind = 'mileage' THEN l.miles_tenths ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN l.kind = 'mileage' THEN l.amount_pence ELSE 0 END), 0)
           FROM expense_claims c JOIN staff s ON s.id = c.staff_id LEFT JOIN expense_lines l ON l.claim_id = c.id
          WHERE c.payroll_month = $1
          GROUP BY c.id, s.id, s.name, c.decided_at, c.total_pence
          ORDER BY s.name, c.decided_at",
    )
    .bind(&code_)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let lines = rows
        .iter()
        .map(|r| {
            let total: i64 = r.get(4);
            let mileage: i64 = r.get(6);
            Ok(PayrollLine {
                claim_id: parse_id(&r.get::<String, _>(0))?,
                staff: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
                approved_on: parse_ts(&r.get::<String, _>(3))?.date(),
                miles_tenths: r.get(5),
                mileage_pence: mileage,
                other_pence: total - mileage,
                total_pence: total,
            })
        })
        .collect::<Result<_>>()?;
    Ok((export, lines))
}

async fn export_of(conn: &mut AnyConnection, month: &str) -> Result<Option<PayrollExport>> {
    let row = sqlx::query("SELECT p.month, s.id, s.name, p.exported_at, p.claims, p.total_pence FROM payroll_exports p LEFT JOIN staff s ON s.id = p.exported_by WHERE p.month = $1")
        .bind(month)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        Ok(PayrollExport { month: r.get(0), exported_by: named(r.get(1), r.get(2))?, exported_at: parse_ts(&r.get::<String, _>(3))?, claims: r.get(4), total_pence: r.get(5) })
    })
    .transpose()
}

/// The exports made, newest first, and what is approved and waiting for the next one.
pub async fn payroll_overview(store: &Store) -> Result<(Vec<PayrollExport>, i64, i64)> {
    let rows = sqlx::query("SELECT month FROM payroll_exports ORDER BY month DESC LIMIT 24").fetch_all(store.pool()).await?;
    let mut conn = store.pool().acquire().await?;
    let mut exports = Vec::new();
    for r in rows {
        if let Some(e) = export_of(&mut conn, &r.get::<String, _>(0)).await? {
            exports.push(e);
        }
    }
    let w = sqlx::query("SELECT COUNT(*), COALESCE(SUM(total_pence), 0) FROM expense_claims WHERE status = 'approved'").fetch_one(&mut *conn).await?;
    Ok((exports, w.get(0), w.get(1)))
}


// ---- Demo ----

/// Six months of demo claims, made as the service would have made them: each month's visits and
/// court attendances of most active practitioners (all but `leave_out` and about one in eight),
/// from their team's office there and back (estimated between known places; a family home's
/// miles as a worker would enter them), with parking at court on a receipt. A month's claim is
/// submitted on the 1st of the next, approved by the line manager on the 3rd and paid in that
/// month's payroll export once the month is over. This month's visits are claimed, and waiting,
/// only for the people `waiting_for` manages. One transaction; the receipt's bytes are stored once.
pub async fn load_demo(store: &Store, files: &Files, s: &ExpenseSettings, receipt_pdf: &[u8], leave_out: &[Uuid], waiting_for: Option<Uuid>, today: Date) -> Result<usize> {
    let this_month = Date::from_calendar_date(today.year(), today.month(), 1).expect("the first");
    let mut since = this_month;
    for _ in 0..6 {
        since = (since - time::Duration::days(1)).replace_day(1).expect("the first");
    }
    let receipt_sha = crate::documents::put_document(files, receipt_pdf).await?;
    let mut tx = store.begin().await?;
    let mut towns: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for r in sqlx::query("SELECT name, town FROM offices UNION ALL SELECT name, town FROM courts").fetch_all(&mut *tx).await? {
        towns.insert(r.get(0), r.get(1));
    }
    let rows = sqlx::query(
        "SELECT e.id, e.author_id, e.kind, e.occurred_on, c.reference, e.place, o.name, s.line_manager_id
           FROM chronology e JOIN cases c ON c.id = e.case_id JOIN staff s ON s.id = e.author_id
           JOIN staff_roles r ON r.staff_id = s.id AND r.role = 'practitioner'
           LEFT JOIN teams t ON t.id = s.team_id LEFT JOIN offices o ON o.id = t.office_id
          WHERE e.kind IN ('visit', 'court_attendance') AND e.occurred_on >= $1 AND e.occurred_on <= $2 AND s.status = 'active'
          ORDER BY e.author_id, e.occurred_on, e.id",
    )
    .bind(date_text(since))
    .bind(date_text(today))
    .fetch_all(&mut *tx)
    .await?;
    struct Trip {
        visit: String,
        court: bool,
        on: Date,
        reference: String,
        from: String,
        to: String,
        tenths: i64,
        estimated: bool,
    }
    // Each person's trips, and their line manager.
    let mut people: Vec<(Uuid, Option<Uuid>, Vec<Trip>)> = Vec::new();
    for r in &rows {
        let staff = parse_id(&r.get::<String, _>(1))?;
        if leave_out.contains(&staff) || staff.as_bytes()[15] % 8 == 0 {
            continue;
        }
        let on = parse_date(&r.get::<String, _>(3))?;
        let manager = opt_id(r.get(7))?;
        if on >= this_month && (manager.is_none() || manager != waiting_for) {
            continue;
        }
        let visit: String = r.get(0);
        let from: String = r.get::<Option<String>, _>(6).unwrap_or_else(|| "Office".into());
        let to: String = r.get::<Option<String>, _>(5).unwrap_or_else(|| "Family home".into());
        let estimate = match (towns.get(&from), towns.get(&to)) {
            (Some(a), Some(b)) => estimate_tenths(s, a, b, true),
            _ => None,
        };
        // A family home's miles, as entered: 4 to 30 there and back, the same each time it is made.
        let entered = 40 + i64::from(visit.as_bytes().iter().fold(0u8, |a, b| a.wrapping_mul(31).wrapping_add(*b)) % 27) * 10;
        let trip = Trip { court: r.get::<String, _>(2) == "court_attendance", on, reference: r.get(4), from, to, tenths: estimate.unwrap_or(entered), estimated: estimate.is_some(), visit };
        match people.last_mut() {
            Some((who, _, trips)) if *who == staff => trips.push(trip),
            _ => people.push((staff, manager, vec![trip])),
        }
    }
    let at = ts(now());
    let mut made = 0;
    let mut exports: std::collections::BTreeMap<String, (i64, i64, Date)> = std::collections::BTreeMap::new();
    for (staff, manager, trips) in &people {
        let priced = price_journeys(s, &|_| 0, &trips.iter().map(|t| (t.on, t.tenths, 0)).collect::<Vec<_>>());
        let mut i = 0;
        while i < trips.len() {
            let month = trips[i].on.replace_day(1).expect("the first");
            let j = trips[i..].iter().position(|t| t.on.replace_day(1).expect("the first") != month).map_or(trips.len(), |n| i + n);
            let next = (month + time::Duration::days(32)).replace_day(1).expect("the first");
            let (status, submitted, decided, payroll) = if month == this_month {
                ("submitted", today, None, None)
            } else if next < this_month {
                ("paid", next, Some(next + time::Duration::days(2)), Some(month_code(next.year(), next.month())))
            } else {
                ("approved", next, Some((next + time::Duration::days(2)).min(today)), None)
            };
            let claim = new_id();
            let mut total = 0;
            let mut lines = Vec::new();
            for (k, t) in trips[i..j].iter().enumerate() {
                lines.push((ExpenseKind::Mileage, t, priced[i + k]));
                total += priced[i + k];
                if t.court {
                    let parking = 350 + (t.tenths % 10) * 50;
                    lines.push((ExpenseKind::Parking, t, parking));
                    total += parking;
                }
            }
            sqlx::query(
                "INSERT INTO expense_claims (id, staff_id, status, total_pence, needs_service_manager, submitted_at, decided_by, decided_at, payroll_month, created_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 3)",
            )
            .bind(claim.to_string())
            .bind(staff.to_string())
            .bind(status)
            .bind(total)
            .bind(i64::from(s.needs_service_manager(total)))
            .bind(ts(submitted.midnight().assume_utc() + time::Duration::hours(9)))
            .bind(decided.and(manager.map(|m| m.to_string())))
            .bind(decided.map(|d| ts(d.midnight().assume_utc() + time::Duration::hours(11))))
            .bind(&payroll)
            .bind(ts(month.midnight().assume_utc()))
            .execute(&mut *tx)
            .await?;
            for (kind, t, pence) in lines {
                let mileage = kind == ExpenseKind::Mileage;
                sqlx::query(
                    "INSERT INTO expense_lines (id, claim_id, staff_id, kind, spent_on, description, visit_id, case_reference, from_place, to_place, miles_tenths, estimated, round_trip, passengers, amount_pence,
                                                receipt_sha256, receipt_type, receipt_size, created_at, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $16, $17, $18, 1)",
                )
                .bind(new_id().to_string())
                .bind(claim.to_string())
                .bind(staff.to_string())
                .bind(kind.code())
                .bind(date_text(t.on))
                .bind(if mileage { format!("{} for {}", if t.court { "Court attendance" } else { "Visit" }, t.reference) } else { format!("Parking at {}", t.to) })
                .bind(mileage.then(|| t.visit.clone()))
                .bind(mileage.then(|| t.reference.clone()))
                .bind(mileage.then(|| t.from.clone()))
                .bind(mileage.then(|| t.to.clone()))
                .bind(mileage.then_some(t.tenths))
                .bind(i64::from(mileage && t.estimated))
                .bind(i64::from(mileage))
                .bind(pence)
                .bind((!mileage).then(|| receipt_sha.clone()))
                .bind((!mileage).then_some("pdf"))
                .bind((!mileage).then_some(receipt_pdf.len() as i64))
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(p) = payroll {
                let e = exports.entry(p).or_insert((0, 0, next));
                e.0 += 1;
                e.1 += total;
            }
            made += 1;
            i = j;
        }
    }
    for (month, (claims, total, first)) in exports {
        let end = (first + time::Duration::days(32)).replace_day(1).expect("the first") - time::Duration::days(1);
        sqlx::query("INSERT INTO payroll_exports (month, exported_by, exported_at, claims, total_pence) VALUES ($1, NULL, $2, $3, $4)")
            .bind(&month)
            .bind(ts(end.midnight().assume_utc() + time::Duration::hours(17)))
            .bind(claims)
            .bind(total)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(made)
}
