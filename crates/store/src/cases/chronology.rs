//! The chronology: reading a case's entries, and writing notes, their edits within a day and
//! their addenda after it.

use super::*;

/// One entry in the chronology.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: Uuid,
    pub kind: EntryKind,
    pub occurred_on: Date,
    pub summary: String,
    pub body: Option<String>,
    pub author: Option<NamedRef>,
    pub amends_id: Option<Uuid>,
    pub written_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub version: i64,
    /// Where a visit or court attendance was, when the note says.
    pub place: Option<String>,
}

/// Filters for the chronology: by kind and date range.
#[derive(Debug, Clone, Default)]
pub struct ChronologyFilter {
    pub kinds: Vec<EntryKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The newest this many entries, after skipping `offset`; everything when `None`.
    pub limit: Option<i64>,
    pub offset: i64,
}

pub(crate) const ENTRY: &str = "SELECT e.id, e.kind, e.occurred_on, e.summary, e.body, s.id, s.name, e.amends_id, e.written_at, e.edited_at, e.version, e.place
     FROM chronology e LEFT JOIN staff s ON s.id = e.author_id";

/// The chronology, most recent first; addenda follow the note they amend.
pub async fn chronology(store: &Store, case_id: Uuid, filter: &ChronologyFilter) -> Result<Vec<Entry>> {
    let mut sql = format!("{ENTRY} WHERE e.case_id = $1");
    let mut binds = vec![case_id.to_string()];
    if !filter.kinds.is_empty() {
        let mut ps = Vec::new();
        for k in &filter.kinds {
            binds.push(k.code().to_string());
            ps.push(format!("${}", binds.len()));
        }
        sql.push_str(&format!(" AND e.kind IN ({})", ps.join(", ")));
    }
    if let Some(from) = filter.from {
        binds.push(date_text(from));
        sql.push_str(&format!(" AND e.occurred_on >= ${}", binds.len()));
    }
    if let Some(to) = filter.to {
        binds.push(date_text(to));
        sql.push_str(&format!(" AND e.occurred_on <= ${}", binds.len()));
    }
    sql.push_str(" ORDER BY e.occurred_on DESC, e.written_at DESC");
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {} OFFSET {}", limit.max(0), filter.offset.max(0)));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_all(store.pool()).await?.iter().map(entry).collect()
}

pub(crate) fn entry(r: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: parse_id(&r.get::<String, _>(0))?,
        kind: code(r.get(1), EntryKind::from_code)?,
        occurred_on: parse_date(&r.get::<String, _>(2))?,
        summary: r.get(3),
        body: r.get(4),
        author: named(r.get(5), r.get(6))?,
        amends_id: opt_id(r.get(7))?,
        written_at: parse_ts(&r.get::<String, _>(8))?,
        edited_at: r.get::<Option<String>, _>(9).map(|t| parse_ts(&t)).transpose()?,
        version: r.get(10),
        place: r.get(11),
    })
}

pub async fn entry_of(store: &Store, case_id: Uuid, entry_id: Uuid) -> Result<Entry> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{ENTRY} WHERE e.case_id = $1 AND e.id = $2")))
        .bind(case_id.to_string())
        .bind(entry_id.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    entry(&row)
}

/// Writes a note in the chronology.
pub async fn add_note(store: &Store, ctx: &AuditContext, case_id: Uuid, note: &NewNote) -> Result<Uuid> {
    let (ctx, note) = (ctx.clone(), note.clone());
    crate::audit::group_commit::submit(store, move |reply| Box::new(QueuedNote { ctx, case_id, note, id: None, reply })).await
}

/// A note waiting for the group-commit writer: notes written together share one commit, and a
/// note refused (a closed case) is refused before it writes, so it takes no other with it.
pub(crate) struct QueuedNote {
    ctx: AuditContext,
    case_id: Uuid,
    note: NewNote,
    id: Option<Uuid>,
    reply: tokio::sync::oneshot::Sender<Result<Uuid>>,
}

impl crate::audit::group_commit::GroupWrite for QueuedNote {
    fn check<'a>(&'a self, conn: &'a mut AnyConnection) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(require_open(conn, self.case_id))
    }

    fn apply<'a>(&'a mut self, conn: &'a mut AnyConnection, head: &'a mut audit::ChainHead) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let (case_id, note) = (self.case_id, &self.note);
            let id = entry_row(conn, case_id, note.kind, note.occurred_on, &note.summary, Some(&note.body), self.ctx.actor_id).await?;
            if !note.place.is_empty() {
                sqlx::query("UPDATE chronology SET place = $1 WHERE id = $2").bind(&note.place).bind(id.to_string()).execute(&mut *conn).await?;
            }
            head.append(conn, &self.ctx, Event::success("case.note_written").about("case", case_id).detail(serde_json::json!({ "entry_id": id, "kind": note.kind }))).await?;
            self.id = Some(id);
            Ok(())
        })
    }

    fn finish(self: Box<Self>, outcome: Result<()>) {
        let _ = self.reply.send(outcome.and_then(|()| self.id.ok_or(StoreError::NotFound)));
    }
}

/// Edits a note in place: only its author, only within the edit window, only at the version read.
pub async fn edit_note(store: &Store, ctx: &AuditContext, case_id: Uuid, entry_id: Uuid, note: &NewNote, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let row = sqlx::query("SELECT kind, author_id, written_at FROM chronology WHERE id = $1 AND case_id = $2")
        .bind(entry_id.to_string())
        .bind(case_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let kind = code(row.get(0), EntryKind::from_code)?;
    let author = opt_id(row.get(1))?;
    if !kind.is_note() || author != ctx.actor_id || ctx.actor_id.is_none() {
        return Err(StoreError::NotEditable("Only the person who wrote a note can change it."));
    }
    if !note_editable(parse_ts(&row.get::<String, _>(2))?, now()) {
        return Err(StoreError::NotEditable("Notes can be changed for 24 hours. Add an addendum instead."));
    }
    let n = sqlx::query(
        "UPDATE chronology SET kind = $1, occurred_on = $2, summary = $3, body = $4, edited_at = $5, version = version + 1, place = $8
         WHERE id = $6 AND version = $7",
    )
    .bind(note.kind.code())
    .bind(date_text(note.occurred_on))
    .bind(&note.summary)
    .bind(&note.body)
    .bind(ts(now()))
    .bind(entry_id.to_string())
    .bind(version)
    .bind((!note.place.is_empty()).then_some(&note.place))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(&mut tx, "chronology", entry_id).await);
    }
    reindex_entry(&mut tx, entry_id, case_id, &note.summary, Some(&note.body)).await?;
    audit::append(&mut tx, ctx, Event::success("case.note_edited").about("case", case_id).detail(serde_json::json!({ "entry_id": entry_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an addendum to a note, keeping the note exactly as it was.
pub async fn add_addendum(store: &Store, ctx: &AuditContext, case_id: Uuid, entry_id: Uuid, text: &str) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let original = sqlx::query("SELECT kind, summary FROM chronology WHERE id = $1 AND case_id = $2")
        .bind(entry_id.to_string())
        .bind(case_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !code(original.get(0), EntryKind::from_code)?.is_note() {
        return Err(StoreError::NotEditable("Only notes can have an addendum."));
    }
    let summary: String = original.get(1);
    let id = new_id();
    sqlx::query(
        "INSERT INTO chronology (id, case_id, kind, occurred_on, summary, body, author_id, amends_id, written_at, version)
         VALUES ($1, $2, 'addendum', $3, $4, $5, $6, $7, $8, 1)",
    )
    .bind(id.to_string())
    .bind(case_id.to_string())
    .bind(date_text(now().date()))
    .bind(format!("Addendum to: {summary}"))
    .bind(text)
    .bind(ctx.actor_id.map(|a| a.to_string()))
    .bind(entry_id.to_string())
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    index_entry(&mut tx, id, case_id, &summary, Some(text)).await?;
    audit::append(&mut tx, ctx, Event::success("case.addendum_written").about("case", case_id).detail(serde_json::json!({ "entry_id": id, "amends": entry_id }))).await?;
    tx.commit().await?;
    Ok(id)
}
