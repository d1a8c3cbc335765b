//! Sickness's tables: episodes, return-to-work interviews, reviews, and the pay bands that price
//! a day lost. Each episode writes the `absences` row allocation reads, in the same transaction
//! and under the person's allocation lock, so someone off sick is never offered work. Reads of a
//! person's sickness are audited.
//!
//! Reviews open themselves: reporting or ending an episode checks the Bradford factor, and the
//! server's daily work opens an occupational health referral for an episode that reaches
//! long-term. Each alerts the manager who decides.

use std::collections::HashMap;

use hearth_domain::FieldError;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::people::leave::{LeaveSettings, WorkPattern};
use hearth_domain::people::sickness::{Interview, Report, ReviewKind, SicknessReason, SicknessSettings, Spell, bradford_of, trigger_reached};
use hearth_domain::text::long_date;
use hearth_domain::workplace::CancelledBecause;
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::insert_notice;
use crate::org::{NamedRef, named};
use crate::workload::lock_worker;
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, ts};

pub use super::Whose;

/// The national rules sickness is kept by.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub settings: &'a SicknessSettings,
    pub leave: &'a LeaveSettings,
    pub calendar: &'a WorkingCalendar,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReturnInterview {
    pub manager: Option<NamedRef>,
    pub due_on: Date,
    pub held_on: Option<Date>,
    pub discussion: Option<String>,
    pub fit_to_work: Option<bool>,
    pub adjustments: Option<String>,
    pub support: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    pub id: Uuid,
    pub staff: NamedRef,
    pub first: Date,
    pub expected_return: Date,
    pub returned_on: Option<Date>,
    pub reason: SicknessReason,
    pub note: String,
    pub version: i64,
    pub interview: Option<ReturnInterview>,
}

impl Episode {
    pub fn spell(&self) -> Spell {
        Spell { first: self.first, last: self.returned_on.map(|r| r - time::Duration::days(1)) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub id: Uuid,
    pub staff: NamedRef,
    pub kind: ReviewKind,
    pub score_reached: Option<i64>,
    pub episode_id: Option<Uuid>,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
    pub outcome: Option<String>,
    pub version: i64,
}

const EPISODE: &str = "SELECT e.id, s.id, s.name, e.first_day, e.expected_return, e.returned_on, e.reason, e.note, e.version,
        i.due_on, m.id, m.name, i.held_on, i.discussion, i.fit_to_work, i.adjustments, i.support, i.version
   FROM sickness_episodes e JOIN staff s ON s.id = e.staff_id
   LEFT JOIN return_interviews i ON i.episode_id = e.id LEFT JOIN staff m ON m.id = i.manager_id";

fn opt_date(r: &sqlx::any::AnyRow, i: usize) -> Result<Option<Date>> {
    r.get::<Option<String>, _>(i).as_deref().map(parse_date).transpose()
}

fn episode_of(r: &sqlx::any::AnyRow) -> Result<Episode> {
    let interview = match opt_date(r, 9)? {
        Some(due_on) => Some(ReturnInterview {
            manager: named(r.get(10), r.get(11))?,
            due_on,
            held_on: opt_date(r, 12)?,
            discussion: r.get(13),
            fit_to_work: r.get::<Option<i64>, _>(14).map(|v| v == 1),
            adjustments: r.get(15),
            support: r.get(16),
            version: r.get::<Option<i64>, _>(17).unwrap_or(1),
        }),
        None => None,
    };
    Ok(Episode {
        id: parse_id(&r.get::<String, _>(0))?,
        staff: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
        first: parse_date(&r.get::<String, _>(3))?,
        expected_return: parse_date(&r.get::<String, _>(4))?,
        returned_on: opt_date(r, 5)?,
        reason: SicknessReason::from_code(&r.get::<String, _>(6)).unwrap_or(SicknessReason::Other),
        note: r.get(7),
        version: r.get(8),
        interview,
    })
}

const REVIEW: &str = "SELECT v.id, s.id, s.name, v.kind, v.score_reached, v.episode_id, v.opened_on, v.closed_on, v.outcome, v.version FROM sickness_reviews v JOIN staff s ON s.id = v.staff_id";

fn review_of(r: &sqlx::any::AnyRow) -> Result<Review> {
    Ok(Review {
        id: parse_id(&r.get::<String, _>(0))?,
        staff: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
        kind: ReviewKind::from_code(&r.get::<String, _>(3)).unwrap_or(ReviewKind::Bradford),
        score_reached: r.get(4),
        episode_id: r.get::<Option<String>, _>(5).as_deref().map(parse_id).transpose()?,
        opened_on: parse_date(&r.get::<String, _>(6))?,
        closed_on: opt_date(r, 7)?,
        outcome: r.get(8),
        version: r.get(9),
    })
}

/// A person's episodes, newest first, with their interviews. The read is audited: sickness is
/// for the person, their line chain and HR.
pub async fn episodes_of(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<Vec<Episode>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{EPISODE} WHERE e.staff_id = $1 ORDER BY e.first_day DESC"))).bind(staff_id.to_string()).fetch_all(store.pool()).await?;
    audit::record(store, ctx, Event::success("sickness.viewed").about("staff", staff_id)).await?;
    rows.iter().map(episode_of).collect()
}

pub async fn episode(store: &Store, id: Uuid) -> Result<Episode> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{EPISODE} WHERE e.id = $1"))).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    episode_of(&r)
}

/// Whose an episode is: what the flat `/sickness/{id}` routes authorise against.
pub async fn staff_of(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT staff_id FROM sickness_episodes WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

pub async fn staff_of_review(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT staff_id FROM sickness_reviews WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

pub async fn reviews_of(store: &Store, staff_id: Uuid) -> Result<Vec<Review>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{REVIEW} WHERE v.staff_id = $1 ORDER BY v.opened_on DESC"))).bind(staff_id.to_string()).fetch_all(store.pool()).await?.iter().map(review_of).collect()
}

async fn pattern_of(conn: &mut AnyConnection, rules: Rules<'_>, staff_id: Uuid) -> Result<WorkPattern> {
    let r = sqlx::query("SELECT s.fte_hundredths, w.days FROM staff s LEFT JOIN work_patterns w ON w.staff_id = s.id WHERE s.id = $1").bind(staff_id.to_string()).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    Ok(super::leave::pattern_from(rules.leave, r.get(0), r.get::<Option<String>, _>(1).as_deref()))
}

async fn name_of(conn: &mut AnyConnection, staff_id: Uuid) -> Result<String> {
    Ok(sqlx::query("SELECT name FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_one(&mut *conn).await?.get(0))
}

/// Opens a Bradford review when the person's score has reached a trigger that no review in the
/// window has reached yet, alerting the acting manager.
async fn check_bradford(conn: &mut AnyConnection, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, today: Date) -> Result<Option<i64>> {
    let from = today - time::Duration::weeks(rules.settings.bradford_weeks);
    let rows = sqlx::query("SELECT first_day, returned_on FROM sickness_episodes WHERE staff_id = $1 AND (returned_on IS NULL OR returned_on > $2)").bind(staff_id.to_string()).bind(date_text(from)).fetch_all(&mut *conn).await?;
    let spells = rows.iter().map(|r| Ok(Spell { first: parse_date(&r.get::<String, _>(0))?, last: opt_date(r, 1)?.map(|d| d - time::Duration::days(1)) })).collect::<Result<Vec<_>>>()?;
    let pattern = pattern_of(conn, rules, staff_id).await?;
    let (_, _, score) = bradford_of(rules.settings, rules.calendar, &pattern, &spells, today);
    let Some(trigger) = trigger_reached(rules.settings, score) else { return Ok(None) };
    let reached = sqlx::query("SELECT 1 FROM sickness_reviews WHERE staff_id = $1 AND kind = 'bradford' AND score_reached >= $2 AND opened_on >= $3")
        .bind(staff_id.to_string())
        .bind(trigger)
        .bind(date_text(from))
        .fetch_optional(&mut *conn)
        .await?;
    if reached.is_some() {
        return Ok(None);
    }
    let manager = super::acting_manager(conn, staff_id, today).await?;
    let id = new_id();
    sqlx::query("INSERT INTO sickness_reviews (id, staff_id, kind, score_reached, manager_id, opened_on, version) VALUES ($1, $2, 'bradford', $3, $4, $5, 1)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(trigger)
        .bind(manager.map(|m| m.to_string()))
        .bind(date_text(today))
        .execute(&mut *conn)
        .await?;
    if let Some(m) = manager {
        let name = name_of(conn, staff_id).await?;
        insert_notice(conn, m, &format!("{name}'s Bradford factor has reached {score} (trigger {trigger}): a sickness review is due."), &format!("/staff/{staff_id}/sickness"), now()).await?;
    }
    audit::append(conn, ctx, Event::success("sickness.review_opened").about("staff", staff_id).detail(serde_json::json!({ "review_id": id, "kind": "bradford", "score": score, "trigger": trigger }))).await?;
    Ok(Some(score))
}

/// Reports sickness from its first day, with when the person expects to be back: the episode and
/// its absence (to the day before the expected return), an alert to the manager when the person
/// reported it themselves, and the Bradford check. Someone already off sick, or away on any of
/// the days, is refused on the field.
pub async fn report(store: &Store, ctx: &AuditContext, rules: Rules<'_>, staff_id: Uuid, r: &Report) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    if let Some(row) = sqlx::query("SELECT first_day FROM sickness_episodes WHERE staff_id = $1 AND returned_on IS NULL").bind(staff_id.to_string()).fetch_optional(&mut *tx).await? {
        return Err(StoreError::Refused(FieldError::new("first_day", format!("Already off sick since {}: record the return, or change the expected return, on that episode", long_date(parse_date(&row.get::<String, _>(0))?)))));
    }
    let last_off = r.expected_return - time::Duration::days(1);
    if let Some(row) = sqlx::query("SELECT first_day, last_day, kind FROM absences WHERE staff_id = $1 AND cancelled_at IS NULL AND first_day <= $3 AND last_day >= $2")
        .bind(staff_id.to_string())
        .bind(date_text(r.first))
        .bind(date_text(last_off))
        .fetch_optional(&mut *tx)
        .await?
    {
        let what = if row.get::<String, _>(2) == "annual_leave" { "approved leave (cancel the days not taken first)" } else { "time away already recorded" };
        return Err(StoreError::Refused(FieldError::new(
            "first_day",
            format!("These days overlap {what}, {} to {}", long_date(parse_date(&row.get::<String, _>(0))?), long_date(parse_date(&row.get::<String, _>(1))?)),
        )));
    }
    let at = now();
    let absence = new_id();
    sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_by, recorded_at) VALUES ($1, $2, 'sickness', $3, $4, $5, $6)")
        .bind(absence.to_string())
        .bind(staff_id.to_string())
        .bind(date_text(r.first))
        .bind(date_text(last_off))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    let id = new_id();
    sqlx::query("INSERT INTO sickness_episodes (id, staff_id, first_day, expected_return, reason, note, absence_id, reported_by, reported_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(date_text(r.first))
        .bind(date_text(r.expected_return))
        .bind(r.reason.code())
        .bind(&r.note)
        .bind(absence.to_string())
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    crate::workplace::cancel_for_absence(&mut tx, staff_id, r.first, last_off, CancelledBecause::Sickness, at).await?;
    if ctx.actor_id == Some(staff_id)
        && let Some(m) = super::acting_manager(&mut tx, staff_id, at.date()).await?
    {
        let name = name_of(&mut tx, staff_id).await?;
        insert_notice(&mut tx, m, &format!("{name} is off sick from {} and expects to be back on {}.", long_date(r.first), long_date(r.expected_return)), &format!("/staff/{staff_id}/sickness"), at).await?;
    }
    audit::append(&mut tx, ctx, Event::success("sickness.reported").about("staff", staff_id).detail(serde_json::json!({ "episode_id": id, "first": r.first.to_string() }))).await?;
    check_bradford(&mut tx, ctx, rules, staff_id, at.date()).await?;
    tx.commit().await?;
    Ok(id)
}

async fn locked_episode(tx: &mut AnyConnection, id: Uuid, version: i64) -> Result<Episode> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!("{EPISODE} WHERE e.id = $1"))).bind(id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    let e = episode_of(&r)?;
    if e.version != version {
        return Err(StoreError::Conflict { current: e.version });
    }
    Ok(e)
}

/// Moves the expected return of an episode still open (the absence follows).
pub async fn extend(store: &Store, ctx: &AuditContext, episode_id: Uuid, version: i64, expected_return: Date) -> Result<()> {
    let staff_id = staff_of(store, episode_id).await?;
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let e = locked_episode(&mut tx, episode_id, version).await?;
    if e.returned_on.is_some() {
        return Err(StoreError::NotEditable("They are back: this episode is closed."));
    }
    if expected_return <= e.first {
        return Err(StoreError::Refused(FieldError::new("expected_return", "The day they expect to be back must be after the first day off")));
    }
    sqlx::query("UPDATE sickness_episodes SET expected_return = $1, version = version + 1 WHERE id = $2").bind(date_text(expected_return)).bind(episode_id.to_string()).execute(&mut *tx).await?;
    sqlx::query("UPDATE absences SET last_day = $1 WHERE id = (SELECT absence_id FROM sickness_episodes WHERE id = $2)").bind(date_text(expected_return - time::Duration::days(1))).bind(episode_id.to_string()).execute(&mut *tx).await?;
    crate::workplace::cancel_for_absence(&mut tx, staff_id, e.first, expected_return - time::Duration::days(1), CancelledBecause::Sickness, now()).await?;
    audit::append(&mut tx, ctx, Event::success("sickness.extended").about("staff", staff_id).detail(serde_json::json!({ "episode_id": episode_id, "expected_return": expected_return.to_string() }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the first day back: the absence ends the day before, the return-to-work interview is
/// due within the working days the settings give, for the acting manager, and the Bradford factor
/// is checked again.
pub async fn record_return(store: &Store, ctx: &AuditContext, rules: Rules<'_>, episode_id: Uuid, version: i64, returned_on: Date, today: Date) -> Result<()> {
    let staff_id = staff_of(store, episode_id).await?;
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let e = locked_episode(&mut tx, episode_id, version).await?;
    if e.returned_on.is_some() {
        return Err(StoreError::NotEditable("Their return is already recorded."));
    }
    if returned_on <= e.first || returned_on > today + time::Duration::days(1) {
        return Err(StoreError::Refused(FieldError::new("returned_on", "The first day back must be after the first day off, and no later than tomorrow")));
    }
    sqlx::query("UPDATE sickness_episodes SET returned_on = $1, version = version + 1 WHERE id = $2").bind(date_text(returned_on)).bind(episode_id.to_string()).execute(&mut *tx).await?;
    sqlx::query("UPDATE absences SET last_day = $1 WHERE id = (SELECT absence_id FROM sickness_episodes WHERE id = $2)").bind(date_text(returned_on - time::Duration::days(1))).bind(episode_id.to_string()).execute(&mut *tx).await?;
    let due = rules.calendar.add_working_days(returned_on, (rules.settings.interview_working_days - 1).max(0));
    let manager = super::acting_manager(&mut tx, staff_id, today).await?;
    sqlx::query("INSERT INTO return_interviews (episode_id, manager_id, due_on, version) VALUES ($1, $2, $3, 1)").bind(episode_id.to_string()).bind(manager.map(|m| m.to_string())).bind(date_text(due)).execute(&mut *tx).await?;
    if let Some(m) = manager {
        let name = name_of(&mut tx, staff_id).await?;
        insert_notice(&mut tx, m, &format!("{name} is back from sickness on {}: hold their return-to-work interview by {}.", long_date(returned_on), long_date(due)), &format!("/sickness/{episode_id}/interview"), now()).await?;
    }
    audit::append(&mut tx, ctx, Event::success("sickness.returned").about("staff", staff_id).detail(serde_json::json!({ "episode_id": episode_id, "returned_on": returned_on.to_string() }))).await?;
    check_bradford(&mut tx, ctx, rules, staff_id, today).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the return-to-work interview, at the version read.
pub async fn hold_interview(store: &Store, ctx: &AuditContext, episode_id: Uuid, version: i64, i: &Interview) -> Result<()> {
    let staff_id = staff_of(store, episode_id).await?;
    if ctx.actor_id == Some(staff_id) {
        return Err(StoreError::NotEditable("Nobody holds their own return-to-work interview."));
    }
    let mut tx = store.begin().await?;
    let r = sqlx::query("SELECT held_on, version FROM return_interviews WHERE episode_id = $1").bind(episode_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotEditable("Record their return first: the interview follows it."))?;
    if r.get::<i64, _>(1) != version {
        return Err(StoreError::Conflict { current: r.get(1) });
    }
    if r.get::<Option<String>, _>(0).is_some() {
        return Err(StoreError::NotEditable("This interview is already recorded."));
    }
    sqlx::query("UPDATE return_interviews SET held_on = $1, discussion = $2, fit_to_work = $3, adjustments = $4, support = $5, recorded_by = $6, version = version + 1 WHERE episode_id = $7")
        .bind(date_text(i.held_on))
        .bind(&i.discussion)
        .bind(i64::from(i.fit_to_work))
        .bind(&i.adjustments)
        .bind(&i.support)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(episode_id.to_string())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("sickness.interview_held").about("staff", staff_id).detail(serde_json::json!({ "episode_id": episode_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Closes a review with its outcome, at the version read.
pub async fn close_review(store: &Store, ctx: &AuditContext, review_id: Uuid, version: i64, outcome: &str, today: Date) -> Result<()> {
    let staff_id = staff_of_review(store, review_id).await?;
    if ctx.actor_id == Some(staff_id) {
        return Err(StoreError::NotEditable("Nobody closes their own sickness review."));
    }
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE sickness_reviews SET closed_on = $1, outcome = $2, version = version + 1 WHERE id = $3 AND version = $4 AND closed_on IS NULL")
        .bind(date_text(today))
        .bind(outcome)
        .bind(review_id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotEditable("This review changed after you opened it, or is already closed. Open it again."));
    }
    audit::append(&mut tx, ctx, Event::success("sickness.review_closed").about("staff", staff_id).detail(serde_json::json!({ "review_id": review_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Opens an occupational health referral for each episode still open that has reached long-term,
/// once, alerting the acting manager (who can also plan moving the person's cases). The server's
/// daily work.
pub async fn refer_long_term(store: &Store, rules: Rules<'_>, today: Date) -> Result<usize> {
    let since = today - time::Duration::days(rules.settings.long_term_days - 1);
    let rows = sqlx::query(
        "SELECT e.id, e.staff_id FROM sickness_episodes e WHERE e.returned_on IS NULL AND e.first_day <= $1
           AND NOT EXISTS (SELECT 1 FROM sickness_reviews v WHERE v.episode_id = e.id AND v.kind = 'occupational_health')",
    )
    .bind(date_text(since))
    .fetch_all(store.pool())
    .await?;
    let ctx = AuditContext::system();
    for r in &rows {
        let (episode, staff_id) = (parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?);
        let mut tx = store.begin().await?;
        let manager = super::acting_manager(&mut tx, staff_id, today).await?;
        let id = new_id();
        sqlx::query("INSERT INTO sickness_reviews (id, staff_id, kind, episode_id, manager_id, opened_on, version) VALUES ($1, $2, 'occupational_health', $3, $4, $5, 1)")
            .bind(id.to_string())
            .bind(staff_id.to_string())
            .bind(episode.to_string())
            .bind(manager.map(|m| m.to_string()))
            .bind(date_text(today))
            .execute(&mut *tx)
            .await?;
        if let Some(m) = manager {
            let name = name_of(&mut tx, staff_id).await?;
            insert_notice(&mut tx, m, &format!("{name} has been off sick for {} days: refer them to occupational health, and consider moving their cases.", rules.settings.long_term_days), &format!("/staff/{staff_id}/sickness"), now()).await?;
        }
        audit::append(&mut tx, &ctx, Event::success("sickness.review_opened").about("staff", staff_id).detail(serde_json::json!({ "review_id": id, "kind": "occupational_health" }))).await?;
        tx.commit().await?;
    }
    Ok(rows.len())
}

/// Interviews waiting for a manager: (episode, person, due on), soonest first.
pub async fn interviews_waiting(store: &Store, manager: Uuid) -> Result<Vec<(Uuid, NamedRef, Date)>> {
    sqlx::query("SELECT i.episode_id, s.id, s.name, i.due_on FROM return_interviews i JOIN sickness_episodes e ON e.id = i.episode_id JOIN staff s ON s.id = e.staff_id WHERE i.manager_id = $1 AND i.held_on IS NULL ORDER BY i.due_on")
        .bind(manager.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?, parse_date(&r.get::<String, _>(3))?)))
        .collect()
}

/// Open reviews a manager decides, oldest first.
pub async fn reviews_waiting(store: &Store, manager: Uuid) -> Result<Vec<Review>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{REVIEW} WHERE v.manager_id = $1 AND v.closed_on IS NULL ORDER BY v.opened_on"))).bind(manager.to_string()).fetch_all(store.pool()).await?.iter().map(review_of).collect()
}

/// Interviews past their due date in a team: (episode, person, due on). What My People shows.
pub async fn overdue_interviews(store: &Store, team_id: Uuid, today: Date) -> Result<Vec<(Uuid, NamedRef, Date)>> {
    sqlx::query("SELECT i.episode_id, s.id, s.name, i.due_on FROM return_interviews i JOIN sickness_episodes e ON e.id = i.episode_id JOIN staff s ON s.id = e.staff_id WHERE s.team_id = $1 AND i.held_on IS NULL AND i.due_on < $2 ORDER BY i.due_on")
        .bind(team_id.to_string())
        .bind(date_text(today))
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?, parse_date(&r.get::<String, _>(3))?)))
        .collect()
}

// ---- Pay ----

#[derive(Debug, Clone, Serialize)]
pub struct PayBand {
    pub code: String,
    pub name: String,
    pub annual_pence: i64,
}

pub async fn bands(store: &Store) -> Result<Vec<PayBand>> {
    Ok(sqlx::query("SELECT code, name, annual_pence FROM pay_bands ORDER BY annual_pence")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| PayBand { code: r.get(0), name: r.get(1), annual_pence: r.get(2) })
        .collect())
}

/// A person's band and its version, if HR has set one.
pub async fn band_of(store: &Store, staff_id: Uuid) -> Result<Option<(PayBand, i64)>> {
    let r = sqlx::query("SELECT b.code, b.name, b.annual_pence, p.version FROM staff_pay p JOIN pay_bands b ON b.code = p.band WHERE p.staff_id = $1").bind(staff_id.to_string()).fetch_optional(store.pool()).await?;
    Ok(r.map(|r| (PayBand { code: r.get(0), name: r.get(1), annual_pence: r.get(2) }, r.get(3))))
}

/// A person's band as HR opens it to change: the read is audited.
pub async fn view_band(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<Option<(PayBand, i64)>> {
    audit::record(store, ctx, Event::success("pay.viewed").about("staff", staff_id)).await?;
    band_of(store, staff_id).await
}

/// Sets a person's band: `version` is the one read (0 when none was set).
pub async fn set_band(store: &Store, ctx: &AuditContext, staff_id: Uuid, band: &str, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    if sqlx::query("SELECT 1 FROM pay_bands WHERE code = $1").bind(band).fetch_optional(&mut *tx).await?.is_none() {
        return Err(StoreError::Refused(FieldError::new("band", "Choose a band from the list")));
    }
    let current: i64 = sqlx::query("SELECT version FROM staff_pay WHERE staff_id = $1").bind(staff_id.to_string()).fetch_optional(&mut *tx).await?.map_or(0, |r| r.get(0));
    if current != version {
        return Err(StoreError::Conflict { current });
    }
    sqlx::query("DELETE FROM staff_pay WHERE staff_id = $1").bind(staff_id.to_string()).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO staff_pay (staff_id, band, version) VALUES ($1, $2, $3)").bind(staff_id.to_string()).bind(band).bind(current + 1).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success("pay.band_set").about("staff", staff_id).detail(serde_json::json!({ "band": band }))).await?;
    tx.commit().await?;
    Ok(())
}

// ---- Figures ----

/// One person's facts for the sickness figures.
#[derive(Debug, Clone)]
pub struct CostFacts {
    pub staff_id: Uuid,
    pub team_id: Option<Uuid>,
    /// The days they work, as `leave::pattern_from` builds them.
    pub pattern: WorkPattern,
    pub active: bool,
    pub annual_pence: Option<i64>,
    pub spells: Vec<Spell>,
}

impl CostFacts {
    /// As the domain counts them: the day rate their band and days give.
    pub fn counted(&self) -> hearth_domain::people::sickness::Counted {
        hearth_domain::people::sickness::Counted {
            daily_pence: self.annual_pence.map(|a| hearth_domain::people::sickness::daily_rate(a, &self.pattern)),
            pattern: self.pattern,
            active: self.active,
            spells: self.spells.clone(),
        }
    }
}

/// How many ended months are still unsettled: a report may be back-dated up to 90 days, so the
/// last three can still change. They are measured again each time (and the figures count them
/// as they stand); older months are kept as measured.
pub const UNSETTLED_MONTHS: i64 = 3;
/// How far back the months are kept: the figures show up to three years.
pub const MONTHS_KEPT: i64 = 37;

/// Measures the ended months still unsettled, and any kept month not yet measured, for every
/// team (and for staff in no team): the spells started, working days lost and their cost, at
/// the pay and days people have when it is measured. Returns how many months were measured.
pub async fn measure_months(store: &Store, rules: Rules<'_>, today: Date) -> Result<usize> {
    use hearth_domain::people::add_months;
    let this_month = today.replace_day(1).expect("day 1");
    let earliest = add_months(this_month, -(MONTHS_KEPT - 1));
    let kept: Vec<String> = sqlx::query("SELECT DISTINCT month FROM sickness_months WHERE month >= $1").bind(date_text(earliest)).fetch_all(store.pool()).await?.iter().map(|r| r.get(0)).collect();
    let mut due = Vec::new();
    let mut m = earliest;
    while m < this_month {
        if m >= add_months(this_month, -UNSETTLED_MONTHS) || !kept.contains(&date_text(m)) {
            due.push(m);
        }
        m = add_months(m, 1);
    }
    let (Some(&from), Some(&last)) = (due.first(), due.last()) else { return Ok(0) };
    let to = add_months(last, 1) - time::Duration::days(1);
    let facts = cost_facts(store, rules.leave, Whose::Everyone, from, to).await?;
    let mut by_team: HashMap<String, Vec<hearth_domain::people::sickness::Counted>> = HashMap::new();
    for f in &facts {
        by_team.entry(f.team_id.map(|t| t.to_string()).unwrap_or_default()).or_default().push(f.counted());
    }
    let teams: Vec<String> = sqlx::query("SELECT id FROM teams").fetch_all(store.pool()).await?.iter().map(|r| r.get(0)).collect();
    let at = ts(now());
    let mut tx = store.begin().await?;
    for month in &due {
        sqlx::query("DELETE FROM sickness_months WHERE month = $1").bind(date_text(*month)).execute(&mut *tx).await?;
    }
    // Every team gets a row for every month measured, so a month with no sickness reads as
    // measured and none, not as missing.
    for team in teams.iter().chain(std::iter::once(&String::new())) {
        let people = by_team.get(team).map(Vec::as_slice).unwrap_or(&[]);
        for count in hearth_domain::people::sickness::monthly(rules.calendar, people, from, to, today) {
            if !due.contains(&count.first) {
                continue;
            }
            sqlx::query("INSERT INTO sickness_months (month, team_key, started, days_lost, cost_pence, measured_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(date_text(count.first))
                .bind(team)
                .bind(count.started)
                .bind(count.days_lost)
                .bind(count.cost_pence)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}

/// The kept months from `from` to `to` (first days), summed over a team, an area or the service;
/// `None` when any of them has not been measured yet.
pub async fn kept_months(store: &Store, whose: Whose, from: Date, to: Date) -> Result<Option<Vec<hearth_domain::people::sickness::MonthCount>>> {
    let (filter, id) = match whose {
        Whose::Team(t) => ("m.team_key = $3", Some(t)),
        Whose::Area(a) => ("m.team_key IN (SELECT id FROM teams WHERE service_area_id = $3)", Some(a)),
        Whose::Everyone | Whose::Person(_) => ("1 = 1", None),
    };
    let sql = format!(
        "SELECT m.month, SUM(m.started), SUM(m.days_lost), SUM(m.cost_pence) FROM sickness_months m WHERE m.month >= $1 AND m.month <= $2 AND {filter} GROUP BY m.month ORDER BY m.month"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(from)).bind(date_text(to));
    if let Some(id) = id {
        q = q.bind(id.to_string());
    }
    let rows = q.fetch_all(store.pool()).await?;
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        let Some(r) = rows.iter().find(|r| r.get::<String, _>(0) == date_text(m)) else {
            // Measured for nobody in this reach means measured at all only if the month is kept.
            let kept = sqlx::query("SELECT 1 FROM sickness_months WHERE month = $1").bind(date_text(m)).fetch_optional(store.pool()).await?.is_some();
            if !kept {
                return Ok(None);
            }
            months.push(hearth_domain::people::sickness::MonthCount { first: m, started: 0, days_lost: 0, cost_pence: 0 });
            m = hearth_domain::people::add_months(m, 1);
            continue;
        };
        months.push(hearth_domain::people::sickness::MonthCount { first: m, started: r.get(1), days_lost: r.get(2), cost_pence: r.get(3) });
        m = hearth_domain::people::add_months(m, 1);
    }
    Ok(Some(months))
}

/// Every employee (of a team, an area or the service, leavers included for their past sickness) with
/// their pay and the spells that touch `from` to `to`: two queries.
pub async fn cost_facts(store: &Store, leave: &LeaveSettings, whose: Whose, from: Date, to: Date) -> Result<Vec<CostFacts>> {
    let (filter, id) = match whose {
        // Leavers' sickness still counts for the months they were here.
        Whose::Everyone => ("1 = 1", None),
        w => w.filter(),
    };
    // Sickness is an employee's: bank and associate workers are paid by the piece, so their
    // time is neither days lost nor full-time equivalents here.
    let people_sql = format!(
        "SELECT s.id, s.team_id, s.fte_hundredths, s.status, b.annual_pence, w.days FROM staff s LEFT JOIN staff_pay p ON p.staff_id = s.id LEFT JOIN pay_bands b ON b.code = p.band
           LEFT JOIN work_patterns w ON w.staff_id = s.id WHERE {filter} AND s.contract = 'employed'"
    );
    let spells_sql = format!(
        "SELECT e.staff_id, e.first_day, e.returned_on FROM sickness_episodes e JOIN staff s ON s.id = e.staff_id WHERE {filter} AND e.first_day <= ${} AND (e.returned_on IS NULL OR e.returned_on > ${})",
        if id.is_some() { 2 } else { 1 },
        if id.is_some() { 3 } else { 2 }
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(people_sql));
    let mut sq = sqlx::query(sqlx::AssertSqlSafe(spells_sql));
    if let Some(id) = id {
        q = q.bind(id.to_string());
        sq = sq.bind(id.to_string());
    }
    let sq = sq.bind(date_text(to)).bind(date_text(from));
    let (people, spells) = tokio::try_join!(q.fetch_all(store.pool()), sq.fetch_all(store.pool()))?;
    let mut by: HashMap<Uuid, Vec<Spell>> = HashMap::new();
    for r in &spells {
        by.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(Spell { first: parse_date(&r.get::<String, _>(1))?, last: opt_date(r, 2)?.map(|d| d - time::Duration::days(1)) });
    }
    people
        .iter()
        .map(|r| {
            let id = parse_id(&r.get::<String, _>(0))?;
            Ok(CostFacts {
                staff_id: id,
                team_id: r.get::<Option<String>, _>(1).as_deref().map(parse_id).transpose()?,
                pattern: super::leave::pattern_from(leave, r.get(2), r.get::<Option<String>, _>(5).as_deref()),
                active: r.get::<String, _>(3) == "active",
                annual_pence: r.get(4),
                spells: by.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

// ---- Demo ----

/// Each employed person's roles and the days they are already away (time away recorded and leave
/// asked for), for the demo to place sickness around.
pub async fn demo_people(store: &Store) -> Result<Vec<(Uuid, Vec<String>, Option<Uuid>, i64, Vec<(Date, Date)>)>> {
    let staff = sqlx::query("SELECT id, line_manager_id, fte_hundredths FROM staff WHERE status = 'active' AND contract = 'employed' ORDER BY id").fetch_all(store.pool()).await?;
    let roles = sqlx::query("SELECT staff_id, role FROM staff_roles").fetch_all(store.pool()).await?;
    let busy = sqlx::query("SELECT staff_id, first_day, last_day FROM absences WHERE cancelled_at IS NULL UNION ALL SELECT staff_id, first_day, last_day FROM leave_requests WHERE status = 'requested'").fetch_all(store.pool()).await?;
    let mut by_roles: HashMap<String, Vec<String>> = HashMap::new();
    for r in &roles {
        by_roles.entry(r.get(0)).or_default().push(r.get(1));
    }
    let mut by_busy: HashMap<String, Vec<(Date, Date)>> = HashMap::new();
    for r in &busy {
        by_busy.entry(r.get(0)).or_default().push((parse_date(&r.get::<String, _>(1))?, parse_date(&r.get::<String, _>(2))?));
    }
    staff
        .iter()
        .map(|r| {
            let id: String = r.get(0);
            Ok((parse_id(&id)?, by_roles.remove(&id).unwrap_or_default(), r.get::<Option<String>, _>(1).as_deref().map(parse_id).transpose()?, r.get(2), by_busy.remove(&id).unwrap_or_default()))
        })
        .collect()
}

/// A demo episode as it happened: returned (with its interview held or not) or still open.
pub struct DemoEpisode {
    pub staff: Uuid,
    pub manager: Option<Uuid>,
    pub first: Date,
    pub expected_return: Date,
    pub returned_on: Option<Date>,
    pub reason: SicknessReason,
    pub interview_held: bool,
}

/// Writes demo sickness, pay bands for everyone and the reviews the history triggers.
pub async fn load_demo(store: &Store, rules: Rules<'_>, bands: &[(Uuid, &str)], episodes: &[DemoEpisode], today: Date) -> Result<usize> {
    let mut tx = store.begin().await?;
    for (staff, band) in bands {
        sqlx::query("INSERT INTO staff_pay (staff_id, band, version) VALUES ($1, $2, 1)").bind(staff.to_string()).bind(*band).execute(&mut *tx).await?;
    }
    let at = ts(now());
    for e in episodes {
        let absence = new_id();
        let last_off = e.returned_on.unwrap_or(e.expected_return) - time::Duration::days(1);
        sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_by, recorded_at) VALUES ($1, $2, 'sickness', $3, $4, $2, $5)")
            .bind(absence.to_string())
            .bind(e.staff.to_string())
            .bind(date_text(e.first))
            .bind(date_text(last_off))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        let id = new_id();
        sqlx::query("INSERT INTO sickness_episodes (id, staff_id, first_day, expected_return, returned_on, reason, absence_id, reported_by, reported_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $2, $8, 1)")
            .bind(id.to_string())
            .bind(e.staff.to_string())
            .bind(date_text(e.first))
            .bind(date_text(e.expected_return))
            .bind(e.returned_on.map(date_text))
            .bind(e.reason.code())
            .bind(absence.to_string())
            .bind(ts(e.first.midnight().assume_utc()))
            .execute(&mut *tx)
            .await?;
        if let Some(back) = e.returned_on {
            let due = rules.calendar.add_working_days(back, (rules.settings.interview_working_days - 1).max(0));
            let held = e.interview_held.then(|| due.min(today));
            sqlx::query("INSERT INTO return_interviews (episode_id, manager_id, due_on, held_on, discussion, fit_to_work, adjustments, support, recorded_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $2, $9)")
                .bind(id.to_string())
                .bind(e.manager.map(|m| m.to_string()))
                .bind(date_text(due))
                .bind(held.map(date_text))
                .bind(held.map(|_| "How they are, what helped, and what would help them stay well."))
                .bind(held.map(|_| 1i64))
                .bind(held.map(|_| ""))
                .bind(held.map(|_| "Reminded of the employee assistance programme."))
                .bind(if held.is_some() { 2 } else { 1 })
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    // The reviews the history reaches, as the checks open them today.
    let staff: Vec<Uuid> = {
        let mut s: Vec<Uuid> = episodes.iter().map(|e| e.staff).collect();
        s.sort();
        s.dedup();
        s
    };
    let ctx = AuditContext::system();
    for chunk in staff.chunks(200) {
        let mut tx = store.begin().await?;
        for s in chunk {
            check_bradford(&mut tx, &ctx, rules, *s, today).await?;
        }
        tx.commit().await?;
    }
    refer_long_term(store, rules, today).await?;
    Ok(episodes.len())
}

// ---- Fit notes ----

/// A fit note kept for an episode. Its bytes are in the file store under their SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct FitNote {
    pub id: Uuid,
    pub episode_id: Uuid,
    pub file_type: hearth_domain::documents::FileType,
    pub size_bytes: i64,
    pub uploaded_by: Option<NamedRef>,
    pub uploaded_at: time::OffsetDateTime,
}

/// Keeps a fit note for an episode: the bytes first (under their SHA-256, so a failed row leaves
/// only an unused file), then the row and its audit event. Only a photo or a PDF.
pub async fn add_fit_note(store: &Store, files: &crate::documents::Files, ctx: &AuditContext, episode_id: Uuid, file_type: hearth_domain::documents::FileType, bytes: &[u8]) -> Result<Uuid> {
    use hearth_domain::documents::FileType;
    if !matches!(file_type, FileType::Pdf | FileType::Jpeg | FileType::Png) {
        return Err(StoreError::Refused(FieldError::new("fit_note", "The fit note must be a photo (JPEG or PNG) or a PDF")));
    }
    let staff_id = staff_of(store, episode_id).await?;
    let sha = crate::documents::put_document(files, bytes).await?;
    let id = new_id();
    let mut tx = store.begin().await?;
    sqlx::query("INSERT INTO fit_notes (id, episode_id, staff_id, file_type, size_bytes, sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(episode_id.to_string())
        .bind(staff_id.to_string())
        .bind(file_type.code())
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("sickness.fit_note_added").about("staff", staff_id).detail(serde_json::json!({ "episode_id": episode_id, "fit_note_id": id, "sha256": sha }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's fit notes, newest first.
pub async fn fit_notes_of(store: &Store, staff_id: Uuid) -> Result<Vec<FitNote>> {
    let rows = sqlx::query(
        "SELECT f.id, f.episode_id, f.file_type, f.size_bytes, s.id, s.name, f.uploaded_at FROM fit_notes f LEFT JOIN staff s ON s.id = f.uploaded_by WHERE f.staff_id = $1 ORDER BY f.uploaded_at DESC",
    )
    .bind(staff_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FitNote {
                id: parse_id(&r.get::<String, _>(0))?,
                episode_id: parse_id(&r.get::<String, _>(1))?,
                file_type: crate::cases::code(r.get(2), hearth_domain::documents::FileType::from_code)?,
                size_bytes: r.get(3),
                uploaded_by: named(r.get(4), r.get(5))?,
                uploaded_at: crate::parse_ts(&r.get::<String, _>(6))?,
            })
        })
        .collect()
}

/// Whose a fit note is.
pub async fn fit_note_owner(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT staff_id FROM fit_notes WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

/// A fit note's bytes, for someone who may read it; the read is audited.
pub async fn fit_note(store: &Store, files: &crate::documents::Files, ctx: &AuditContext, id: Uuid) -> Result<(hearth_domain::documents::FileType, bytes::Bytes)> {
    let r = sqlx::query("SELECT staff_id, file_type, sha256 FROM fit_notes WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    let staff_id = parse_id(&r.get::<String, _>(0))?;
    let file_type = crate::cases::code(r.get(1), hearth_domain::documents::FileType::from_code)?;
    let sha: String = r.get(2);
    let bytes = crate::documents::fetch(files, &format!("documents/{sha}")).await?;
    audit::record(store, ctx, Event::success("sickness.fit_note_viewed").about("staff", staff_id).detail(serde_json::json!({ "fit_note_id": id, "sha256": sha }))).await?;
    Ok((file_type, bytes))
}
