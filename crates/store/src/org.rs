//! The organisation's tables: service areas, offices, teams, staff (with roles and skills),
//! courts and local authorities.

use hearth_domain::audit::Outcome;
use hearth_domain::org::{ContractType, Fte, NewStaff, Role, Skill, StaffPlacement, StaffStatus};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::{Page, PageRequest, Result, Store, StoreError, claim_version, conflict_or_missing, date_text, new_id, now, parse_date, parse_id, ts, unique_violation};

/// A record named for display: enough to link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

pub(crate) fn named(id: Option<String>, name: Option<String>) -> Result<Option<NamedRef>> {
    match (id, name) {
        (Some(id), Some(name)) => Ok(Some(NamedRef { id: parse_id(&id)?, name })),
        _ => Ok(None),
    }
}

// ---- Reference data ----

const SERVICE_AREAS: &str = include_str!("../reference/service_areas.csv");
const COURTS: &str = include_str!("../reference/courts.csv");
const LOCAL_AUTHORITIES: &str = include_str!("../reference/local_authorities.csv");

/// Loads the national reference data (service areas, courts, local authorities) if it is missing.
/// Safe to run at every start.
pub async fn ensure_reference_data(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM courts").fetch_one(&mut *tx).await?.get(0);
    if existing > 0 {
        // Rooms came after the first reference data: make any that a database made before lacks.
        crate::teamrooms::ensure_rooms(&mut tx).await?;
        tx.commit().await?;
        return Ok(());
    }
    let created = ts(now());
    for row in csv_rows(SERVICE_AREAS) {
        sqlx::query("INSERT INTO service_areas (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(new_id().to_string())
            .bind(&row[0])
            .bind(&created)
            .execute(&mut *tx)
            .await?;
    }
    for row in csv_rows(COURTS) {
        sqlx::query(
            "INSERT INTO courts (id, name, town, service_area_id) SELECT $1, $2, $3, id FROM service_areas WHERE name = $4",
        )
        .bind(new_id().to_string())
        .bind(&row[0])
        .bind(&row[1])
        .bind(&row[2])
        .execute(&mut *tx)
        .await?;
    }
    for row in csv_rows(LOCAL_AUTHORITIES) {
        sqlx::query("INSERT INTO local_authorities (id, name, service_area_id) SELECT $1, $2, id FROM service_areas WHERE name = $3")
            .bind(new_id().to_string())
            .bind(&row[0])
            .bind(&row[1])
            .execute(&mut *tx)
            .await?;
    }
    crate::teamrooms::ensure_rooms(&mut tx).await?;
    audit::append(&mut tx, &AuditContext::system(), Event::success("org.reference_data_loaded")).await?;
    tx.commit().await?;
    Ok(())
}

/// Rows of a small CSV file after its header. Handles quoted fields with commas and doubled quotes.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            let mut chars = line.trim_end_matches('\r').chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut field)),
                    _ => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

// ---- Service areas, offices and teams ----

#[derive(Debug, Clone, Serialize)]
pub struct AreaSummary {
    pub id: Uuid,
    pub name: String,
    pub teams: i64,
    pub offices: i64,
    pub staff: i64,
}

pub async fn areas(store: &Store) -> Result<Vec<AreaSummary>> {
    let rows = sqlx::query(
        "SELECT a.id, a.name,
            (SELECT COUNT(*) FROM teams t WHERE t.service_area_id = a.id),
            (SELECT COUNT(*) FROM offices o WHERE o.service_area_id = a.id),
            (SELECT COUNT(*) FROM staff s JOIN teams t ON t.id = s.team_id WHERE t.service_area_id = a.id AND s.status = 'active')
         FROM service_areas a ORDER BY a.name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AreaSummary {
                id: parse_id(&r.get::<String, _>(0))?,
                name: r.get(1),
                teams: r.get(2),
                offices: r.get(3),
                staff: r.get(4),
            })
        })
        .collect()
}

pub async fn area(store: &Store, id: Uuid) -> Result<AreaSummary> {
    areas(store).await?.into_iter().find(|a| a.id == id).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamSummary {
    pub id: Uuid,
    pub name: String,
    pub service_area: NamedRef,
    pub office: Option<NamedRef>,
    pub staff: i64,
}

/// Teams, optionally within one service area.
pub async fn teams(store: &Store, area_id: Option<Uuid>) -> Result<Vec<TeamSummary>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, a.id, a.name, o.id, o.name,
            (SELECT COUNT(*) FROM staff s WHERE s.team_id = t.id AND s.status = 'active')
         FROM teams t JOIN service_areas a ON a.id = t.service_area_id LEFT JOIN offices o ON o.id = t.office_id
         WHERE ($1 IS NULL OR t.service_area_id = $1)
         ORDER BY a.name, t.name",
    )
    .bind(area_id.map(|a| a.to_string()))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TeamSummary {
                id: parse_id(&r.get::<String, _>(0))?,
                name: r.get(1),
                service_area: NamedRef { id: parse_id(&r.get::<String, _>(2))?, name: r.get(3) },
                office: named(r.get(4), r.get(5))?,
                staff: r.get(6),
            })
        })
        .collect()
}

pub async fn team(store: &Store, id: Uuid) -> Result<TeamSummary> {
    let area: Option<String> = sqlx::query("SELECT service_area_id FROM teams WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(store.pool())
        .await?
        .map(|r| r.get(0));
    let area = area.ok_or(StoreError::NotFound)?;
    teams(store, Some(parse_id(&area)?)).await?.into_iter().find(|t| t.id == id).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Serialize)]
pub struct Office {
    pub id: Uuid,
    pub name: String,
    pub town: String,
    pub service_area: NamedRef,
    pub desks: i64,
    pub staff: i64,
    pub version: i64,
}

pub async fn offices(store: &Store) -> Result<Vec<Office>> {
    let rows = sqlx::query(
        // Staff counted in one pass, grouped by office: a count per office scanned every member of
        // staff once for each office (15 ms nationally on SQLite, against 4).
        "SELECT o.id, o.name, o.town, a.id, a.name, o.desks, o.version, COALESCE(c.n, 0)
         FROM offices o JOIN service_areas a ON a.id = o.service_area_id
         LEFT JOIN (SELECT t.office_id AS office_id, COUNT(*) AS n FROM teams t JOIN staff s ON s.team_id = t.id WHERE s.status = 'active' GROUP BY t.office_id) c ON c.office_id = o.id
         ORDER BY a.name, o.name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Office {
                id: parse_id(&r.get::<String, _>(0))?,
                name: r.get(1),
                town: r.get(2),
                service_area: NamedRef { id: parse_id(&r.get::<String, _>(3))?, name: r.get(4) },
                desks: r.get(5),
                version: r.get(6),
                staff: r.get(7),
            })
        })
        .collect()
}

/// Adds an office inside the caller's transaction.
pub async fn insert_office(conn: &mut AnyConnection, id: Uuid, name: &str, town: &str, area_id: Uuid, desks: i64) -> Result<()> {
    sqlx::query("INSERT INTO offices (id, name, town, service_area_id, desks, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(name)
        .bind(town)
        .bind(area_id.to_string())
        .bind(desks)
        .bind(ts(now()))
        .execute(conn)
        .await
        .map_err(|e| unique_violation(e, "offices_name", "name"))?;
    Ok(())
}

/// Adds a team inside the caller's transaction.
pub async fn insert_team(conn: &mut AnyConnection, id: Uuid, name: &str, area_id: Uuid, office_id: Option<Uuid>) -> Result<()> {
    sqlx::query("INSERT INTO teams (id, name, service_area_id, office_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(name)
        .bind(area_id.to_string())
        .bind(office_id.map(|o| o.to_string()))
        .bind(ts(now()))
        .execute(&mut *conn)
        .await
        .map_err(|e| unique_violation(e, "teams_name", "name"))?;
    // Every team has its room from the start.
    crate::teamrooms::insert_team_room(conn, id, &ts(now())).await
}

/// Changes an office's desk count, refusing a stale edit.
pub async fn set_office_desks(store: &Store, ctx: &AuditContext, id: Uuid, desks: i64, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE offices SET desks = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(desks)
        .bind(id.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "offices", id).await);
    }
    audit::append(&mut tx, ctx, Event::success("org.office_desks_changed").about("office", id).detail(serde_json::json!({ "desks": desks }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets an office's desk count to the desks in use on its floor plan, inside the workplace's
/// transaction, so the count people read and the desks they book never disagree.
pub(crate) async fn follow_floor_plan(conn: &mut AnyConnection, office: Uuid) -> Result<()> {
    sqlx::query("UPDATE offices SET desks = (SELECT COUNT(*) FROM desks WHERE office_id = $1 AND withdrawn = 0), version = version + 1 WHERE id = $1")
        .bind(office.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Service areas, id and name, for the demo and forms.
pub async fn area_refs(store: &Store) -> Result<Vec<NamedRef>> {
    let rows = sqlx::query("SELECT id, name FROM service_areas ORDER BY name").fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) })).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Court {
    pub id: Uuid,
    pub name: String,
    pub town: String,
    pub service_area: String,
}

pub async fn courts(store: &Store) -> Result<Vec<Court>> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.town, a.name FROM courts c JOIN service_areas a ON a.id = c.service_area_id ORDER BY c.name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(Court { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1), town: r.get(2), service_area: r.get(3) }))
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalAuthority {
    pub id: Uuid,
    pub name: String,
    pub service_area: String,
}

pub async fn local_authorities(store: &Store) -> Result<Vec<LocalAuthority>> {
    let rows = sqlx::query(
        "SELECT l.id, l.name, a.name FROM local_authorities l JOIN service_areas a ON a.id = l.service_area_id ORDER BY l.name",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(LocalAuthority { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1), service_area: r.get(2) })).collect()
}

// ---- Staff ----

/// A person as the directory lists them.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryEntry {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub status: StaffStatus,
    pub team: Option<NamedRef>,
    pub service_area: Option<NamedRef>,
    pub roles: Vec<Role>,
}

/// What the directory is filtered by.
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Part of a name or email.
    pub text: Option<String>,
    pub team_id: Option<Uuid>,
    pub role: Option<Role>,
    pub include_leavers: bool,
}

pub async fn directory(store: &Store, q: &DirectoryQuery, page: PageRequest) -> Result<Page<DirectoryEntry>> {
    const FROM: &str = " FROM staff s LEFT JOIN teams t ON t.id = s.team_id LEFT JOIN service_areas a ON a.id = t.service_area_id
        WHERE ($1 IS NULL OR LOWER(s.name) LIKE $1 ESCAPE '\\' OR s.email LIKE $1 ESCAPE '\\')
          AND ($2 IS NULL OR s.team_id = $2)
          AND ($3 IS NULL OR EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = $3))
          AND ($4 OR s.status = 'active')";
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| format!("%{}%", escape_like(&t.to_lowercase())));
    let team = q.team_id.map(|t| t.to_string());
    let role = q.role.map(|r| r.code());
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*){FROM}")))
        .bind(&text)
        .bind(&team)
        .bind(role)
        .bind(q.include_leavers)
        .fetch_one(store.pool())
        .await?
        .get(0);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT s.id, s.name, s.email, s.status, t.id, t.name, a.id, a.name{FROM} ORDER BY s.name, s.id LIMIT $5 OFFSET $6"
    )))
    .bind(&text)
    .bind(&team)
    .bind(role)
    .bind(q.include_leavers)
    .bind(page.per_page)
    .bind(page.offset())
    .fetch_all(store.pool())
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(DirectoryEntry {
            id: parse_id(&r.get::<String, _>(0))?,
            name: r.get(1),
            email: r.get(2),
            status: status(&r.get::<String, _>(3)),
            team: named(r.get(4), r.get(5))?,
            service_area: named(r.get(6), r.get(7))?,
            roles: Vec::new(),
        });
    }
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let roles = roles_of(store, &ids).await?;
    for item in &mut items {
        item.roles = roles.iter().filter(|(id, _)| *id == item.id).map(|(_, r)| *r).collect();
    }
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more: false })
}

/// What anyone signed in may know of a colleague: the directory's card (name, roles, team,
/// area, office, work email), apart from the full staff record that HR and the line chain read.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryCard {
    pub entry: DirectoryEntry,
    pub office: Option<NamedRef>,
}

pub async fn directory_card(store: &Store, id: Uuid) -> Result<DirectoryCard> {
    let r = sqlx::query(
        "SELECT s.id, s.name, s.email, s.status, t.id, t.name, a.id, a.name, o.id, o.name
         FROM staff s LEFT JOIN teams t ON t.id = s.team_id LEFT JOIN service_areas a ON a.id = t.service_area_id
         LEFT JOIN offices o ON o.id = t.office_id WHERE s.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let entry = DirectoryEntry {
        id,
        name: r.get(1),
        email: r.get(2),
        status: status(&r.get::<String, _>(3)),
        team: named(r.get(4), r.get(5))?,
        service_area: named(r.get(6), r.get(7))?,
        roles: roles_of(store, &[id]).await?.into_iter().map(|(_, role)| role).collect(),
    };
    Ok(DirectoryCard { entry, office: named(r.get(8), r.get(9))? })
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn status(code: &str) -> StaffStatus {
    StaffStatus::from_code(code).unwrap_or(StaffStatus::Left)
}

/// The names of several members of staff (and of teams and offices, for events about them), for
/// a screen that shows who did what: one query for each kind, not one per row.
pub async fn names(store: &Store, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, String>> {
    let mut names = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(names);
    }
    for table in ["staff", "teams", "offices"] {
        let sql = format!("SELECT id, name FROM {table} WHERE id IN ({})", crate::placeholders(1, ids.len()));
        for r in crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), ids).fetch_all(store.pool()).await? {
            names.insert(parse_id(&r.get::<String, _>(0))?, r.get(1));
        }
    }
    Ok(names)
}

/// The roles of several people at once: one query, not one per person.
async fn roles_of(store: &Store, ids: &[Uuid]) -> Result<Vec<(Uuid, Role)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT staff_id, role FROM staff_roles WHERE staff_id IN ({}) ORDER BY role", crate::placeholders(1, ids.len()));
    let rows = crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), ids).fetch_all(store.pool()).await?;
    let mut roles = Vec::with_capacity(rows.len());
    for r in &rows {
        // A code this build does not know (from a newer release) is skipped, not fatal.
        if let Some(role) = Role::from_code(&r.get::<String, _>(1)) {
            roles.push((parse_id(&r.get::<String, _>(0))?, role));
        }
    }
    Ok(roles)
}

/// A person's full staff record.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRecord {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub skills: Vec<Skill>,
    pub team: Option<NamedRef>,
    pub service_area: Option<NamedRef>,
    pub line_manager: Option<NamedRef>,
    pub fte: Fte,
    pub contract: ContractType,
    pub start_date: Date,
    pub qualified_date: Option<Date>,
    pub status: StaffStatus,
    pub left_on: Option<Date>,
    pub mfa_enrolled: bool,
    pub has_password: bool,
    pub version: i64,
}

/// Reads a staff record without auditing: for the system's own decisions. People's reads go
/// through [`view_staff_record`].
pub async fn staff_record(store: &Store, id: Uuid) -> Result<StaffRecord> {
    let r = sqlx::query(
        "SELECT s.id, s.name, s.email, t.id, t.name, a.id, a.name, m.id, m.name, s.fte_hundredths, s.contract,
                s.start_date, s.qualified_date, s.status, s.left_on, s.totp_secret IS NOT NULL, s.password_hash IS NOT NULL, s.version
         FROM staff s
         LEFT JOIN teams t ON t.id = s.team_id
         LEFT JOIN service_areas a ON a.id = t.service_area_id
         LEFT JOIN staff m ON m.id = s.line_manager_id
         WHERE s.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let skills = sqlx::query("SELECT skill FROM staff_skills WHERE staff_id = $1 ORDER BY skill")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .filter_map(|r| Skill::from_code(&r.get::<String, _>(0)))
        .collect();
    Ok(StaffRecord {
        id,
        name: r.get(1),
        email: r.get(2),
        roles: roles_of(store, &[id]).await?.into_iter().map(|(_, r)| r).collect(),
        skills,
        team: named(r.get(3), r.get(4))?,
        service_area: named(r.get(5), r.get(6))?,
        line_manager: named(r.get(7), r.get(8))?,
        fte: Fte::from_hundredths(r.get(9)).unwrap_or(Fte::FULL_TIME),
        contract: ContractType::from_code(&r.get::<String, _>(10)).unwrap_or(ContractType::Employed),
        start_date: parse_date(&r.get::<String, _>(11))?,
        qualified_date: r.get::<Option<String>, _>(12).map(|d| parse_date(&d)).transpose()?,
        status: status(&r.get::<String, _>(13)),
        left_on: r.get::<Option<String>, _>(14).map(|d| parse_date(&d)).transpose()?,
        mfa_enrolled: crate::bool_col(&r, 15),
        has_password: crate::bool_col(&r, 16),
        version: r.get(17),
    })
}

/// A person reading someone's staff record: the read is audited.
pub async fn view_staff_record(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<StaffRecord> {
    let record = staff_record(store, id).await?;
    audit::record(store, ctx, Event::success("staff.viewed").about("staff", id)).await?;
    Ok(record)
}

/// Where a person sits: team, service area and line-management chain, for access decisions.
pub async fn placement(store: &Store, id: Uuid) -> Result<StaffPlacement> {
    Ok(principal(store, id).await?.placement)
}

// ---- The duty desk ----

/// A team's members and whether each is on its duty desk, by name.
pub async fn duty_rota(store: &Store, team_id: Uuid) -> Result<Vec<(NamedRef, bool)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, EXISTS (SELECT 1 FROM duty_desk d WHERE d.staff_id = s.id AND d.team_id = s.team_id)
         FROM staff s JOIN staff_roles r ON r.staff_id = s.id AND r.role = 'practitioner'
         WHERE s.team_id = $1 AND s.status = 'active' ORDER BY s.name",
    )
    .bind(team_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }, crate::bool_col(r, 2)))).collect()
}

/// Puts a member of staff on their team's duty desk, or takes them off. They see the team's cases
/// from their next request, and stop seeing them the same way.
pub async fn set_duty(store: &Store, ctx: &AuditContext, staff_id: Uuid, on_duty: bool) -> Result<()> {
    let mut tx = store.begin().await?;
    let team: Option<String> = sqlx::query("SELECT team_id FROM staff WHERE id = $1 AND status = 'active'")
        .bind(staff_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .get(0);
    let team = team.ok_or(StoreError::NotEditable("Only someone in a team can be on its duty desk."))?;
    sqlx::query("DELETE FROM duty_desk WHERE staff_id = $1").bind(staff_id.to_string()).execute(&mut *tx).await?;
    if on_duty {
        sqlx::query("INSERT INTO duty_desk (staff_id, team_id, since, put_on_by) VALUES ($1, $2, $3, $4)")
            .bind(staff_id.to_string())
            .bind(&team)
            .bind(ts(now()))
            .bind(ctx.actor_id.unwrap_or(staff_id).to_string())
            .execute(&mut *tx)
            .await?;
    }
    let action = if on_duty { "staff.duty_started" } else { "staff.duty_ended" };
    audit::append(&mut tx, ctx, Event::success(action).about("staff", staff_id).detail(serde_json::json!({ "team_id": team }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Everyone a manager manages, directly or through others. Bounded like [`managers_of`].
pub async fn reports_of(store: &Store, manager: Uuid) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "WITH RECURSIVE below (id, depth) AS (
            SELECT id, 1 FROM staff WHERE line_manager_id = $1
            UNION ALL
            SELECT s.id, b.depth + 1 FROM staff s JOIN below b ON s.line_manager_id = b.id WHERE b.depth < 25
         ) SELECT DISTINCT id FROM below",
    )
    .bind(manager.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect()
}

/// The line managers above a person, nearest first. Bounded, so a cycle can never loop forever.
async fn managers_of<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(executor: E, id: Uuid) -> Result<Vec<Uuid>> {
    let rows = sqlx::query(
        "WITH RECURSIVE chain (id, depth) AS (
            SELECT line_manager_id, 1 FROM staff WHERE id = $1 AND line_manager_id IS NOT NULL
            UNION ALL
            SELECT s.line_manager_id, c.depth + 1 FROM staff s JOIN chain c ON s.id = c.id
            WHERE s.line_manager_id IS NOT NULL AND c.depth < 25
         ) SELECT id FROM chain ORDER BY depth",
    )
    .bind(id.to_string())
    .fetch_all(executor)
    .await?;
    rows.iter().map(|r| parse_id(&r.get::<String, _>(0))).collect()
}

/// The signed-in person: who they are, their roles and where they sit.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<Role>,
    pub placement: StaffPlacement,
}

pub async fn principal(store: &Store, id: Uuid) -> Result<Principal> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(principal_sql("SELECT CAST($1 AS TEXT)", ""))).bind(id.to_string()).fetch_all(store.pool()).await?;
    principal_from(&rows, id)?.ok_or(StoreError::NotFound)
}

/// One round trip for everything a request needs to know about its caller (it runs on every
/// signed-in request), for whoever `me` names: a select of one staff id, whose binds the caller
/// supplies. Rows, seven columns each: 0 the person, 1 a role each, 2 a line manager each
/// (nearest first), then whatever `extra` adds (UNION ALL rows of kind 3 and up, such as the
/// session that named them).
pub(crate) fn principal_sql(me: &str, extra: &str) -> String {
    format!(
        "WITH RECURSIVE me (staff_id) AS ({me}),
         chain (id, depth) AS (
            SELECT line_manager_id, 1 FROM staff WHERE id = (SELECT staff_id FROM me) AND line_manager_id IS NOT NULL
            UNION ALL
            SELECT s.line_manager_id, c.depth + 1 FROM staff s JOIN chain c ON s.id = c.id
            WHERE s.line_manager_id IS NOT NULL AND c.depth < 25
         )
         SELECT CAST(0 AS BIGINT), s.name, s.email, s.status, s.team_id, t.service_area_id,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM duty_desk d WHERE d.staff_id = s.id AND d.team_id = s.team_id) THEN 1 ELSE 0 END AS BIGINT)
           FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE s.id = (SELECT staff_id FROM me)
         UNION ALL SELECT CAST(1 AS BIGINT), role, NULL, NULL, NULL, NULL, CAST(0 AS BIGINT) FROM staff_roles WHERE staff_id = (SELECT staff_id FROM me)
         UNION ALL SELECT CAST(2 AS BIGINT), id, NULL, NULL, NULL, NULL, CAST(depth AS BIGINT) FROM chain
         {extra}
         ORDER BY 1, 7"
    )
}

/// The principal in rows from [`principal_sql`], if they hold a person.
pub(crate) fn principal_from(rows: &[sqlx::any::AnyRow], id: Uuid) -> Result<Option<Principal>> {
    let Some(person) = rows.iter().find(|r| r.get::<i64, _>(0) == 0) else { return Ok(None) };
    let opt = |i: usize| person.get::<Option<String>, _>(i).map(|v| parse_id(&v)).transpose();
    let placement = StaffPlacement {
        id,
        team_id: opt(4)?,
        service_area_id: opt(5)?,
        managers: rows.iter().filter(|r| r.get::<i64, _>(0) == 2).map(|r| parse_id(&r.get::<String, _>(1))).collect::<Result<_>>()?,
        on_duty: person.get::<i64, _>(6) != 0,
    };
    // A code this build does not know (from a newer release) is skipped, not fatal.
    let mut roles: Vec<Role> = rows.iter().filter(|r| r.get::<i64, _>(0) == 1).filter_map(|r| Role::from_code(&r.get::<String, _>(1))).collect();
    roles.sort_by_key(|r| r.code());
    Ok(Some(Principal { id, name: person.get(1), email: person.get(2), active: person.get::<String, _>(3) == "active", roles, placement }))
}

/// Adds a member of staff inside the caller's transaction (no audit: the caller records it).
pub async fn insert_staff(conn: &mut AnyConnection, id: Uuid, staff: &NewStaff) -> Result<()> {
    let at = ts(now());
    sqlx::query(
        "INSERT INTO staff (id, name, email, team_id, line_manager_id, fte_hundredths, contract, start_date, qualified_date, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $10)",
    )
    .bind(id.to_string())
    .bind(&staff.name)
    .bind(staff.email.as_str())
    .bind(staff.team_id.map(|t| t.to_string()))
    .bind(staff.line_manager_id.map(|m| m.to_string()))
    .bind(staff.fte.hundredths())
    .bind(staff.contract.code())
    .bind(date_text(staff.start_date))
    .bind(staff.qualified_date.map(date_text))
    .bind(&at)
    .execute(&mut *conn)
    .await
    .map_err(|e| reference_error(unique_violation(e, "staff_email", "email")))?;
    write_roles(conn, id, &staff.roles).await?;
    for skill in &staff.skills {
        sqlx::query("INSERT INTO staff_skills (staff_id, skill) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(skill.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Turns a foreign-key failure into "that team or manager does not exist".
fn reference_error(e: StoreError) -> StoreError {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            StoreError::MissingReference { field: if db.message().contains("team") { "team_id" } else { "line_manager_id" } }
        }
        other => other,
    }
}

/// The roles a person holds, read on the caller's connection.
pub(crate) async fn roles_in(conn: &mut AnyConnection, id: Uuid) -> Result<Vec<Role>> {
    Ok(sqlx::query("SELECT role FROM staff_roles WHERE staff_id = $1 ORDER BY role")
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| Role::from_code(&r.get::<String, _>(0)))
        .collect())
}

/// Refuses a change of roles its maker may not make (`org::may_change_roles`), reading their
/// roles on the change's own transaction, so no path (a form, the API, a script) can skip it.
pub(crate) async fn check_role_change(conn: &mut AnyConnection, ctx: &AuditContext, before: &[Role], after: &[Role]) -> Result<()> {
    let granter = match ctx.actor_id {
        Some(actor) => Some(
            sqlx::query("SELECT role FROM staff_roles WHERE staff_id = $1")
                .bind(actor.to_string())
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .filter_map(|r| Role::from_code(&r.get::<String, _>(0)))
                .collect::<Vec<_>>(),
        ),
        None => None,
    };
    hearth_domain::org::may_change_roles(granter.as_deref(), before, after).map_err(StoreError::Refused)
}

/// Audits a refused change of roles (the change itself was rolled back) and gives the refusal.
pub(crate) async fn refused_roles(store: &Store, ctx: &AuditContext, subject: Uuid, roles: &[Role], refusal: StoreError) -> StoreError {
    let event = Event::success("access.refused").about("staff", subject).outcome(Outcome::Denied).detail(serde_json::json!({
        "rule": "privileged_roles",
        "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    match audit::record(store, ctx, event).await {
        Ok(()) => refusal,
        Err(e) => e,
    }
}

async fn write_roles(conn: &mut AnyConnection, id: Uuid, roles: &[Role]) -> Result<()> {
    sqlx::query("DELETE FROM staff_roles WHERE staff_id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    for role in roles {
        sqlx::query("INSERT INTO staff_roles (staff_id, role) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(role.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Adds a member of staff, audited.
pub async fn create_staff(store: &Store, ctx: &AuditContext, staff: &NewStaff) -> Result<Uuid> {
    let id = new_id();
    let mut tx = store.begin().await?;
    if let Err(e) = check_role_change(&mut tx, ctx, &[], &staff.roles).await {
        drop(tx);
        return Err(refused_roles(store, ctx, id, &staff.roles, e).await);
    }
    check_references(&mut tx, staff.team_id, staff.line_manager_id).await?;
    insert_staff(&mut tx, id, staff).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("staff.created").about("staff", id).detail(serde_json::json!({
            "roles": staff.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "team_id": staff.team_id,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks a team and line manager exist (and the manager is active) before they are referenced,
/// so the person sees which field is wrong.
async fn check_references(conn: &mut AnyConnection, team_id: Option<Uuid>, manager_id: Option<Uuid>) -> Result<()> {
    if let Some(team) = team_id {
        let found = sqlx::query("SELECT 1 FROM teams WHERE id = $1").bind(team.to_string()).fetch_optional(&mut *conn).await?;
        if found.is_none() {
            return Err(StoreError::MissingReference { field: "team_id" });
        }
    }
    if let Some(manager) = manager_id {
        let found = sqlx::query("SELECT 1 FROM staff WHERE id = $1 AND status = 'active'")
            .bind(manager.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(StoreError::MissingReference { field: "line_manager_id" });
        }
    }
    Ok(())
}

/// Replaces a person's roles.
pub async fn set_roles(store: &Store, ctx: &AuditContext, id: Uuid, roles: &[Role], version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    claim_version(&mut tx, "staff", id, version).await?;
    let before: Vec<String> = sqlx::query("SELECT role FROM staff_roles WHERE staff_id = $1 ORDER BY role")
        .bind(id.to_string())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let held: Vec<Role> = before.iter().filter_map(|c| Role::from_code(c)).collect();
    if let Err(e) = check_role_change(&mut tx, ctx, &held, roles).await {
        drop(tx);
        return Err(refused_roles(store, ctx, id, roles, e).await);
    }
    write_roles(&mut tx, id, roles).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("staff.roles_changed").about("staff", id).detail(serde_json::json!({
            "from": before,
            "to": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why a move was refused, beyond store errors.
pub const MANAGER_CYCLE: &str = "line_manager_cycle";

/// Moves a person to a team and line manager. A person cannot be their own manager, directly or
/// through the people they manage.
pub async fn move_staff(
    store: &Store,
    ctx: &AuditContext,
    id: Uuid,
    team_id: Option<Uuid>,
    line_manager_id: Option<Uuid>,
    version: i64,
) -> Result<()> {
    let mut tx = store.begin().await?;
    check_references(&mut tx, team_id, line_manager_id).await?;
    if let Some(manager) = line_manager_id
        && (manager == id || managers_of(&mut *tx, manager).await?.contains(&id))
    {
        return Err(StoreError::MissingReference { field: MANAGER_CYCLE });
    }
    claim_version(&mut tx, "staff", id, version).await?;
    sqlx::query("UPDATE staff SET team_id = $1, line_manager_id = $2 WHERE id = $3")
        .bind(team_id.map(|t| t.to_string()))
        .bind(line_manager_id.map(|m| m.to_string()))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("staff.moved")
            .about("staff", id)
            .detail(serde_json::json!({ "team_id": team_id, "line_manager_id": line_manager_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a leaver: they can no longer sign in, and every session and API token of theirs ends now.
pub async fn record_leaver(store: &Store, ctx: &AuditContext, id: Uuid, left_on: Date, version: i64) -> Result<u64> {
    let mut tx = store.begin().await?;
    claim_version(&mut tx, "staff", id, version).await?;
    sqlx::query("UPDATE staff SET status = 'left', left_on = $1 WHERE id = $2")
        .bind(date_text(left_on))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let sessions = crate::auth::end_all_sessions(&mut tx, id).await?;
    crate::auth::revoke_all_tokens(&mut tx, id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("staff.left")
            .about("staff", id)
            .detail(serde_json::json!({ "left_on": date_text(left_on), "sessions_ended": sessions })),
    )
    .await?;
    tx.commit().await?;
    Ok(sessions)
}

/// Clears a person's MFA so they enrol again at their next sign-in, and ends their sessions.
pub async fn reset_mfa(store: &Store, ctx: &AuditContext, id: Uuid, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    claim_version(&mut tx, "staff", id, version).await?;
    sqlx::query("UPDATE staff SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    crate::auth::end_all_sessions(&mut tx, id).await?;
    audit::append(&mut tx, ctx, Event::success("staff.mfa_reset").about("staff", id)).await?;
    tx.commit().await?;
    Ok(())
}

/// People who can be chosen as a line manager: active managers, by name.
pub async fn manager_options(store: &Store) -> Result<Vec<NamedRef>> {
    let rows = sqlx::query(
        "SELECT DISTINCT s.id, s.name FROM staff s JOIN staff_roles r ON r.staff_id = s.id
         WHERE s.status = 'active' AND r.role IN ('team_manager', 'service_manager', 'national_leadership')
         ORDER BY s.name, s.id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) })).collect()
}

/// Records a refused access to a staff record.
pub async fn record_refusal(store: &Store, ctx: &AuditContext, action: &str, subject_type: &str, subject_id: &str) -> Result<()> {
    audit::record(store, ctx, Event::success(action).about(subject_type, subject_id).outcome(Outcome::Denied)).await?;
    Ok(())
}

// ---- Members, for workload ----

/// A member of staff with what workload and allocation need: contract, FTE, skills and place.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
    pub team: Option<NamedRef>,
    pub service_area_id: Option<Uuid>,
    pub line_manager_id: Option<Uuid>,
    pub contract: ContractType,
    pub fte: Fte,
    pub qualified_date: Option<Date>,
    pub skills: Vec<Skill>,
    pub practitioner: bool,
    pub active: bool,
}

/// Whose members to read.
#[derive(Debug, Clone, Copy)]
pub enum Members {
    /// Everyone in a team (who has not left).
    Team(Uuid),
    /// The bank and associate practitioners of a service area: the pool cases can be offered to.
    PoolOf(Uuid),
    /// Every active practitioner: the national batch benchmark.
    Everyone,
    One(Uuid),
}

/// Everyone's team now, leavers included: where their figures count.
pub async fn team_of_everyone(store: &Store) -> Result<std::collections::HashMap<Uuid, Option<Uuid>>> {
    let rows = sqlx::query("SELECT id, team_id FROM staff").fetch_all(store.pool()).await?;
    rows.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<Option<String>, _>(1).map(|t| parse_id(&t)).transpose()?))).collect()
}

pub async fn members(store: &Store, which: Members) -> Result<Vec<Member>> {
    members_on(store.pool(), which).await
}

/// [`members`] on a given connection: inside a transaction that must see its own writes and
/// hold its locks (allocation's eligibility check).
pub(crate) async fn members_on<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, which: Members) -> Result<Vec<Member>> {
    let (filter, id) = match which {
        Members::Team(t) => ("s.team_id = $1 AND s.status = 'active'", Some(t)),
        Members::PoolOf(a) => ("t.service_area_id = $1 AND s.status = 'active' AND s.contract IN ('bank', 'associate')", Some(a)),
        Members::Everyone => ("s.status = 'active' AND $1 IS NULL", None),
        Members::One(s) => ("s.id = $1", Some(s)),
    };
    let sql = format!(
        "SELECT s.id, s.name, t.id, t.name, t.service_area_id, s.line_manager_id, s.contract, s.fte_hundredths, s.qualified_date, s.status,
           EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = 'practitioner'),
           (SELECT string_agg(k.skill, ',') FROM staff_skills k WHERE k.staff_id = s.id)
         FROM staff s LEFT JOIN teams t ON t.id = s.team_id
         WHERE {filter} ORDER BY s.name, s.id",
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.map(|i| i.to_string())).fetch_all(ex).await?;
    rows.iter()
        .map(|r| {
            let opt_id = |i: usize| r.get::<Option<String>, _>(i).map(|s| parse_id(&s)).transpose();
            Ok(Member {
                id: parse_id(&r.get::<String, _>(0))?,
                name: r.get(1),
                team: named(r.get(2), r.get(3))?,
                service_area_id: opt_id(4)?,
                line_manager_id: opt_id(5)?,
                contract: ContractType::from_code(&r.get::<String, _>(6)).unwrap_or(ContractType::Employed),
                fte: Fte::from_hundredths(r.get(7)).unwrap_or(Fte::FULL_TIME),
                qualified_date: r.get::<Option<String>, _>(8).map(|d| parse_date(&d)).transpose()?,
                active: r.get::<String, _>(9) == "active",
                practitioner: crate::bool_col(r, 10),
                skills: r.get::<Option<String>, _>(11).unwrap_or_default().split(',').filter_map(Skill::from_code).collect(),
            })
        })
        .collect()
}
