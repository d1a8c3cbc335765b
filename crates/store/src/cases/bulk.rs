//! Whole cases written in bulk, for the demo loader: each table's rows are held in memory and
//! written as multi-row INSERTs, so hundreds of thousands of cases cost a few thousand statements
//! rather than millions. No audit and no search index here: the loader records one event and
//! indexes every note once at the end ([`index_notes`]).

use hearth_domain::cases::{CaseStatus, ClosureReason, EntryKind, HearingKind, NewCase, NewParticipant, Stage, name_keys};
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Engine, Result, Store, date_text, new_id, ts};

/// One value of a row.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(Option<String>),
    Int(i64),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Some(s))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Some(s.to_string()))
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

/// Rows waiting for one table, already written out as SQL.
pub(crate) struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    /// Full calls' worth of statements, ready to send.
    calls: Vec<String>,
    /// The call being filled, ending in an unfinished statement of `in_statement` rows.
    sql: String,
    in_statement: usize,
    /// The first value that could not be written; `write` answers with it.
    refused: Option<hearth_domain::FieldError>,
}

/// Rows in one INSERT, and about how much SQL goes to the database in one call.
///
/// The loader's values are written into the SQL as literals, many statements to a call, rather
/// than bound: the SQLite driver hands every statement to its connection's thread and back, and
/// finds each numbered parameter by name among all of a statement's, so binding cost the load
/// more than SQLite spent writing (80 values a statement, about 400,000 statements: 98 s of
/// writing). Only generated demo values pass through here, quoted by `literal`.
///
/// The SQL is written as each row is pushed, not when the batch is written: the loader makes
/// one team's batch while the last one is written, so the text is made on the other core.
const ROWS_PER_STATEMENT: usize = 200;
const SQL_PER_CALL: usize = 1 << 20;

impl Rows {
    pub(crate) const fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self { table, columns, calls: Vec::new(), sql: String::new(), in_statement: 0, refused: None }
    }

    pub(crate) fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.columns.len(), "{}", self.table);
        if self.in_statement == ROWS_PER_STATEMENT {
            self.in_statement = 0;
            if self.sql.len() >= SQL_PER_CALL {
                self.calls.push(std::mem::take(&mut self.sql));
            } else {
                self.sql.push_str(";\n");
            }
        }
        if self.in_statement == 0 {
            self.sql.push_str("INSERT INTO ");
            self.sql.push_str(self.table);
            self.sql.push_str(" (");
            self.sql.push_str(&self.columns.join(", "));
            self.sql.push_str(") VALUES (");
        } else {
            self.sql.push_str(", (");
        }
        self.in_statement += 1;
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                self.sql.push_str(", ");
            }
            if let Err(e) = literal(&mut self.sql, v) {
                self.refused.get_or_insert(e);
            }
        }
        self.sql.push(')');
    }

    /// Sends the rows pushed so far, and starts again empty.
    pub(crate) async fn write(&mut self, conn: &mut AnyConnection) -> Result<()> {
        let mut calls = std::mem::take(&mut self.calls);
        calls.push(std::mem::take(&mut self.sql));
        self.in_statement = 0;
        if let Some(refused) = self.refused.take() {
            return Err(crate::StoreError::Refused(refused));
        }
        for sql in calls.into_iter().filter(|s| !s.is_empty()) {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Writes a value as an SQL literal, the same on both engines: text in single quotes with any
/// quote doubled (PostgreSQL's standard strings take backslashes as they are). A NUL could end
/// the text early, so it is refused rather than written.
fn literal(sql: &mut String, v: &Value) -> Result<(), hearth_domain::FieldError> {
    match v {
        Value::Int(i) => {
            use std::fmt::Write;
            let _ = write!(sql, "{i}");
        }
        Value::Text(None) => sql.push_str("NULL"),
        Value::Text(Some(t)) if t.contains('\0') => return Err(hearth_domain::FieldError::new("text", "Demo text cannot hold a NUL character")),
        Value::Text(Some(t)) => {
            sql.push('\'');
            for (i, part) in t.split('\'').enumerate() {
                if i > 0 {
                    sql.push_str("''");
                }
                sql.push_str(part);
            }
            sql.push('\'');
        }
    }
    Ok(())
}

/// Where a demo case has got to.
pub struct Outcome {
    pub worker: Option<Uuid>,
    pub allocated_on: Option<Date>,
    pub stage: Stage,
    pub closed_on: Option<Date>,
}

/// A batch of whole cases, written table by table in foreign-key order.
pub struct CaseBatch {
    at: String,
    cases: Rows,
    holders: Rows,
    applications: Rows,
    flags: Rows,
    named: Rows,
    people: Rows,
    addresses: Rows,
    keys: Rows,
    participants: Rows,
    chronology: Rows,
    hearings: Rows,
    checks: Rows,
    tasks: Rows,
}

impl CaseBatch {
    pub fn new(at: OffsetDateTime) -> Self {
        Self {
            at: ts(at),
            cases: Rows::new(
                "cases",
                &[
                    "id", "reference", "court_case_number", "law_type", "court_id", "local_authority_id", "team_id", "allocated_to", "allocated_on", "stage",
                    "status", "urgent", "received_on", "first_hearing_on", "issued_on", "closed_on", "closure_reason", "closure_outcome", "version",
                    "created_at", "updated_at",
                ],
            ),
            holders: Rows::new("case_allocations", &["case_id", "worker_id", "at"]),
            applications: Rows::new("case_applications", &["case_id", "kind"]),
            flags: Rows::new("case_flags", &["case_id", "flag"]),
            named: Rows::new("case_named_staff", &["case_id", "staff_id", "named_by", "named_at"]),
            people: Rows::new(
                "people",
                &["id", "full_name", "date_of_birth", "kind", "contact_channel", "no_texts", "interpreter_language", "version", "created_at", "updated_at"],
            ),
            addresses: Rows::new("addresses", &["id", "person_id", "line", "postcode", "local_authority_id", "lived_from", "lived_to", "created_at"]),
            keys: Rows::new("case_name_keys", &["case_id", "person_id", "key", "team_id"]),
            participants: Rows::new("case_participants", &["case_id", "person_id", "role", "relationship", "address_withheld", "added_at"]),
            chronology: Rows::new("chronology", &["id", "case_id", "kind", "occurred_on", "summary", "body", "author_id", "written_at", "version"]),
            hearings: Rows::new("hearings", &["id", "case_id", "kind", "starts_at", "court_id", "version", "created_at"]),
            checks: Rows::new(
                "checks",
                &["id", "case_id", "kind", "local_authority_id", "status", "requested_on", "returned_on", "result_summary", "version", "created_at", "updated_at"],
            ),
            tasks: Rows::new("tasks", &["id", "case_id", "title", "assigned_to", "due_on", "deadline_key", "done_at", "done_by", "version", "created_at"]),
        }
    }

    /// A case with its applications and flags, already where `outcome` says.
    pub fn case(&mut self, id: Uuid, reference: &str, case: &NewCase, outcome: &Outcome) {
        let closed = outcome.closed_on.is_some();
        self.cases.push([
            id.to_string().into(),
            reference.into(),
            case.court_case_number.clone().into(),
            case.law.code().into(),
            case.court_id.to_string().into(),
            case.local_authority_id.map(|l| l.to_string()).into(),
            case.team_id.to_string().into(),
            outcome.worker.map(|w| w.to_string()).into(),
            outcome.allocated_on.filter(|_| outcome.worker.is_some()).map(date_text).into(),
            (if closed { Stage::Closed } else { outcome.stage }).code().into(),
            (if closed { CaseStatus::Closed } else { CaseStatus::Open }).code().into(),
            i64::from(case.urgent).into(),
            date_text(case.received_on).into(),
            case.first_hearing_on.map(date_text).into(),
            case.issued_on.map(date_text).into(),
            outcome.closed_on.map(date_text).into(),
            closed.then(|| ClosureReason::FinalOrder.code().to_string()).into(),
            closed.then(|| "Final order made by consent.".to_string()).into(),
            1.into(),
            self.at.clone().into(),
            self.at.clone().into(),
        ]);
        for a in &case.applications {
            self.applications.push([id.to_string().into(), a.code().into()]);
        }
        for f in &case.flags {
            self.flags.push([id.to_string().into(), f.code().into()]);
        }
        if let (Some(worker), Some(on)) = (outcome.worker, outcome.allocated_on) {
            self.holders.push([id.to_string().into(), worker.to_string().into(), format!("{}T09:00:00Z", date_text(on)).into()]);
        }
    }

    /// Names someone on a restricted case.
    pub fn name(&mut self, case_id: Uuid, staff_id: Uuid) {
        self.named.push([case_id.to_string().into(), staff_id.to_string().into(), staff_id.to_string().into(), self.at.clone().into()]);
    }

    /// A child or adult in the case (which is in `team_id`): the person, their address, their
    /// name keys and their part.
    pub fn participant(&mut self, case_id: Uuid, team_id: Uuid, p: &NewParticipant) -> Uuid {
        let person = new_id();
        self.people.push([
            person.to_string().into(),
            p.full_name.clone().into(),
            p.date_of_birth.map(date_text).into(),
            p.kind.code().into(),
            p.contact.map(|c| c.code().to_string()).into(),
            i64::from(p.no_texts).into(),
            p.interpreter_language.clone().into(),
            1.into(),
            self.at.clone().into(),
            self.at.clone().into(),
        ]);
        if let Some(a) = &p.address {
            self.addresses.push([
                new_id().to_string().into(),
                person.to_string().into(),
                a.line.clone().into(),
                a.postcode.clone().into(),
                a.local_authority_id.map(|l| l.to_string()).into(),
                date_text(a.from).into(),
                a.to.map(date_text).into(),
                self.at.clone().into(),
            ]);
        }
        for k in name_keys(&p.full_name) {
            self.keys.push([case_id.to_string().into(), person.to_string().into(), k.into(), team_id.to_string().into()]);
        }
        self.participants.push([
            case_id.to_string().into(),
            person.to_string().into(),
            p.role.code().into(),
            p.relationship.map(|r| r.code().to_string()).into(),
            i64::from(p.address_withheld).into(),
            self.at.clone().into(),
        ]);
        person
    }

    pub fn entry(&mut self, case_id: Uuid, kind: EntryKind, on: Date, summary: &str, body: Option<&str>, author: Option<Uuid>) {
        self.chronology.push([
            new_id().to_string().into(),
            case_id.to_string().into(),
            kind.code().into(),
            date_text(on).into(),
            summary.into(),
            body.map(str::to_string).into(),
            author.map(|a| a.to_string()).into(),
            self.at.clone().into(),
            1.into(),
        ]);
    }

    pub fn hearing(&mut self, case_id: Uuid, kind: HearingKind, starts_at: OffsetDateTime, court_id: Uuid) {
        self.hearings.push([new_id().to_string().into(), case_id.to_string().into(), kind.code().into(), ts(starts_at).into(), court_id.to_string().into(), 1.into(), self.at.clone().into()]);
    }

    /// A safeguarding check: police when `local_authority` is `None`. Returned when both dates are given.
    pub fn check(&mut self, case_id: Uuid, local_authority: Option<Uuid>, requested: Option<Date>, returned: Option<Date>, result: Option<&str>) {
        let status = match (requested, returned) {
            (_, Some(_)) => "returned",
            (Some(_), None) => "requested",
            _ => "not_requested",
        };
        self.checks.push([
            new_id().to_string().into(),
            case_id.to_string().into(),
            (if local_authority.is_some() { "local_authority" } else { "police" }).into(),
            local_authority.map(|l| l.to_string()).into(),
            status.into(),
            requested.map(date_text).into(),
            returned.map(date_text).into(),
            result.map(str::to_string).into(),
            1.into(),
            self.at.clone().into(),
            self.at.clone().into(),
        ]);
    }

    /// A deadline's task, done when `done_at` says.
    pub fn task(&mut self, case_id: Uuid, title: &str, assigned_to: Option<Uuid>, due: Date, key: &str, done_at: Option<OffsetDateTime>) {
        self.tasks.push([
            new_id().to_string().into(),
            case_id.to_string().into(),
            title.into(),
            assigned_to.map(|a| a.to_string()).into(),
            date_text(due).into(),
            key.into(),
            done_at.map(ts).into(),
            done_at.and(assigned_to).map(|a| a.to_string()).into(),
            1.into(),
            self.at.clone().into(),
        ]);
    }

    /// Writes everything held, parents before children.
    pub async fn write(&mut self, conn: &mut AnyConnection) -> Result<()> {
        for rows in [
            &mut self.cases,
            &mut self.holders,
            &mut self.applications,
            &mut self.flags,
            &mut self.named,
            &mut self.people,
            &mut self.addresses,
            &mut self.keys,
            &mut self.participants,
            &mut self.chronology,
            &mut self.hearings,
            &mut self.checks,
            &mut self.tasks,
        ] {
            rows.write(conn).await?;
        }
        Ok(())
    }
}

/// Sets the last case number used in each year, after a bulk load numbered its own cases.
pub async fn set_case_numbers(conn: &mut AnyConnection, last: &[(i32, i64)]) -> Result<()> {
    for (year, n) in last {
        sqlx::query("INSERT INTO case_numbers (year, last) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET last = excluded.last")
            .bind(i64::from(*year))
            .bind(*n)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Indexes the words of every note, all at once: after a bulk load, which writes its notes
/// without indexing them one by one.
pub async fn index_notes(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    // Dialect: SQLite's FTS5 rows take the entry's rowid (see `index_entry`), and its index, which
    // holds no text, is emptied by command rather than by row.
    let (empty, fill) = match store.engine() {
        Engine::Sqlite => (
            "INSERT INTO chronology_fts (chronology_fts) VALUES ('delete-all')",
            "INSERT INTO chronology_fts (rowid, entry_id, case_id, text) SELECT rowid, id, case_id, summary || ' ' || body FROM chronology WHERE body IS NOT NULL",
        ),
        Engine::Postgres => (
            "DELETE FROM chronology_fts",
            "INSERT INTO chronology_fts (entry_id, case_id, text) SELECT id, case_id, summary || ' ' || body FROM chronology WHERE body IS NOT NULL",
        ),
    };
    sqlx::query(empty).execute(&mut *tx).await?;
    if store.engine() == Engine::Sqlite {
        sqlx::query(fill).execute(&mut *tx).await?;
        return Ok(tx.commit().await?);
    }
    tx.commit().await?;
    // PostgreSQL makes each note's tsvector as it is written, which takes a core: two halves at
    // once (by the last digit of the entry's id) take both. 34 s to 19 s on the national demo.
    let half = async |low: bool| -> Result<()> {
        let sql = format!("{fill} AND right(id, 1) {} '8'", if low { "<" } else { ">=" });
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(store.pool()).await?;
        Ok(())
    };
    tokio::try_join!(half(true), half(false))?;
    Ok(())
}

/// The tables a bulk load of cases fills.
const LOADED: &[&str] = &["cases", "case_allocations", "case_applications", "case_flags", "people", "addresses", "case_name_keys", "case_participants", "chronology", "hearings", "checks", "tasks"];

/// Drops the secondary indexes of the tables a bulk load fills and returns the SQL that made
/// them, for [`restore_indexes`]: building an index over millions of rows in one pass is far
/// quicker than keeping it in order row by row. Keys and unique constraints stay. A load that
/// fails between the two leaves its database without those indexes: loads are for data that can
/// be made again, in a fresh database.
pub async fn set_indexes_aside(store: &Store) -> Result<Vec<String>> {
    // Dialect: where each engine lists its indexes and the SQL that makes them. PostgreSQL's notes
    // index (a GIN over every note's words) is set aside too: SQLite's is a virtual table.
    let (list, tables) = match store.engine() {
        Engine::Sqlite => ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN", LOADED.to_vec()),
        Engine::Postgres => (
            "SELECT i.indexname::text, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
             WHERE i.schemaname = current_schema() AND NOT x.indisunique AND NOT x.indisprimary AND i.tablename IN",
            [LOADED, &["chronology_fts"]].concat(),
        ),
    };
    let marks: Vec<String> = (1..=tables.len()).map(|i| format!("${i}")).collect();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("{list} ({})", marks.join(", "))));
    for t in tables {
        q = q.bind(t);
    }
    let mut tx = store.begin().await?;
    let mut made = Vec::new();
    for r in q.fetch_all(&mut *tx).await? {
        let (name, sql): (String, String) = (sqlx::Row::get(&r, 0), sqlx::Row::get(&r, 1));
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX \"{name}\""))).execute(&mut *tx).await?;
        made.push(sql);
    }
    tx.commit().await?;
    Ok(made)
}

/// Makes the indexes [`set_indexes_aside`] dropped, each in one pass.
pub async fn restore_indexes(store: &Store, made: Vec<String>) -> Result<()> {
    if store.engine() == Engine::Sqlite {
        let mut tx = store.begin().await?;
        for sql in made {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        return Ok(tx.commit().await?);
    }
    // PostgreSQL builds two at once, one on each core, each sorted in memory rather than in
    // temporary files.
    let build = async |share: Vec<String>| -> Result<()> {
        let mut tx = store.begin().await?;
        sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await?;
        for sql in share {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        Ok(tx.commit().await?)
    };
    let (even, odd): (Vec<(usize, String)>, Vec<(usize, String)>) = made.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let strip = |v: Vec<(usize, String)>| v.into_iter().map(|(_, sql)| sql).collect::<Vec<_>>();
    tokio::try_join!(build(strip(even)), build(strip(odd)))?;
    Ok(())
}

/// Where the demo's visits and court attendances happened: a court attendance at the case's
/// court, a visit at the family home. Mileage claims are prefilled from these.
pub async fn set_demo_places(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("UPDATE chronology SET place = (SELECT co.name FROM cases c JOIN courts co ON co.id = c.court_id WHERE c.id = chronology.case_id) WHERE kind = 'court_attendance' AND place IS NULL")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE chronology SET place = 'Family home' WHERE kind = 'visit' AND place IS NULL").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
