//! Duplicate records of a person: finding likely pairs within the caller's reach, and merging
//! them into one.

use super::*;

/// Two person records that are probably one person: the same name and date of birth.
#[derive(Debug, Clone, Serialize)]
pub struct LikelyDuplicate {
    pub first: PersonSummary,
    pub second: PersonSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub id: Uuid,
    pub full_name: String,
    pub date_of_birth: Option<Date>,
    /// The references of the cases the record is in.
    pub cases: Vec<String>,
}

/// People in a case within `visible`, as SQL on the person `alias`.
pub(crate) fn person_visible(alias: &str, visible: &Option<Visibility>, bind: &mut impl FnMut(String) -> String) -> String {
    // The set of people in visible cases, found once: as a correlated EXISTS, SQLite would build
    // the visibility clause's lists again for every person asked about.
    match visible {
        Some(v) => format!("{alias}.id IN (SELECT cp.person_id FROM case_participants cp JOIN cases c ON c.id = cp.case_id WHERE {})", visible_clause(v, bind)),
        None => "1 = 1".into(),
    }
}

/// Likely duplicates among people the caller can see in cases, most recently added first.
pub async fn likely_duplicates(store: &Store, visible: &Option<Visibility>, limit: i64) -> Result<Vec<LikelyDuplicate>> {
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |v: String| {
        binds.push(v);
        format!("${}", binds.len())
    };
    let (va, vb) = (person_visible("a", visible, &mut bind), person_visible("b", visible, &mut bind));
    let sql = format!(
        "SELECT a.id, b.id FROM people a JOIN people b ON b.full_name = a.full_name AND b.date_of_birth = a.date_of_birth AND b.id > a.id
         WHERE a.merged_into IS NULL AND b.merged_into IS NULL AND a.date_of_birth IS NOT NULL AND {va} AND {vb}
         ORDER BY b.created_at DESC LIMIT {limit}"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in &binds {
        q = q.bind(b.clone());
    }
    let mut out = Vec::new();
    for r in q.fetch_all(store.pool()).await? {
        let (a, b) = (parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?);
        out.push(LikelyDuplicate { first: person_summary(store, a).await?, second: person_summary(store, b).await? });
    }
    Ok(out)
}

pub(crate) async fn person_summary(store: &Store, id: Uuid) -> Result<PersonSummary> {
    let r = sqlx::query("SELECT full_name, date_of_birth FROM people WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    let cases = sqlx::query("SELECT c.reference FROM case_participants cp JOIN cases c ON c.id = cp.case_id WHERE cp.person_id = $1 ORDER BY c.reference")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(PersonSummary { id, full_name: r.get(0), date_of_birth: opt_date(r.get(1))?, cases })
}

/// Whether a person appears in a case within `visible`.
pub async fn person_is_visible(store: &Store, person: Uuid, visible: &Option<Visibility>) -> Result<bool> {
    let mut binds: Vec<String> = vec![person.to_string()];
    let mut bind = |v: String| {
        binds.push(v);
        format!("${}", binds.len())
    };
    let clause = person_visible("p", visible, &mut bind);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT 1 FROM people p WHERE p.id = $1 AND {clause}")));
    for b in &binds {
        q = q.bind(b.clone());
    }
    Ok(q.fetch_optional(store.pool()).await?.is_some())
}

/// Merges `remove` into `keep`: its case places, addresses and withheld-from markings move to
/// `keep`, and it points at `keep` from then on. Only records with the same name and date of birth
/// merge. Every affected case's chronology says so, and the audit records both ids.
pub async fn merge_people(store: &Store, ctx: &AuditContext, keep: Uuid, remove: Uuid) -> Result<Vec<Uuid>> {
    if keep == remove {
        return Err(StoreError::NotEditable("Choose two different records."));
    }
    let mut tx = store.begin().await?;
    let both = sqlx::query("SELECT id, full_name, date_of_birth, merged_into FROM people WHERE id IN ($1, $2)")
        .bind(keep.to_string())
        .bind(remove.to_string())
        .fetch_all(&mut *tx)
        .await?;
    if both.len() != 2 {
        return Err(StoreError::NotFound);
    }
    let facts: Vec<(String, Option<String>, Option<String>)> = both.iter().map(|r| (r.get(1), r.get(2), r.get(3))).collect();
    if facts.iter().any(|f| f.2.is_some()) {
        return Err(StoreError::NotEditable("One of these records has already been merged."));
    }
    if facts[0].0 != facts[1].0 || facts[0].1 != facts[1].1 || facts[0].1.is_none() {
        return Err(StoreError::NotEditable("Only records with the same name and date of birth can be merged."));
    }
    let cases: Vec<Uuid> = sqlx::query("SELECT case_id FROM case_participants WHERE person_id = $1")
        .bind(remove.to_string())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| parse_id(&r.get::<String, _>(0)))
        .collect::<Result<_>>()?;
    // Where both are already in the same case, the kept place (and its name keys) stands.
    for sql in [
        "DELETE FROM case_name_keys WHERE person_id = $1 AND case_id IN (SELECT case_id FROM case_participants WHERE person_id = $2)",
        "DELETE FROM case_participants WHERE person_id = $1 AND case_id IN (SELECT case_id FROM case_participants WHERE person_id = $2)",
    ] {
        sqlx::query(sql).bind(remove.to_string()).bind(keep.to_string()).execute(&mut *tx).await?;
    }
    // The two share a name, so the removed record's keys serve the kept one unchanged.
    for sql in [
        "UPDATE case_participants SET person_id = $1 WHERE person_id = $2",
        "UPDATE case_name_keys SET person_id = $1 WHERE person_id = $2",
        "UPDATE addresses SET person_id = $1 WHERE person_id = $2",
    ] {
        sqlx::query(sql).bind(keep.to_string()).bind(remove.to_string()).execute(&mut *tx).await?;
    }
    crate::documents::withhold_from_instead(&mut tx, remove, keep).await?;
    sqlx::query("UPDATE people SET merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(keep.to_string())
        .bind(ts(now()))
        .bind(remove.to_string())
        .execute(&mut *tx)
        .await?;
    for case_id in &cases {
        entry_row(&mut tx, *case_id, EntryKind::ContactLog, now().date(), &format!("Duplicate records of {} merged", facts[0].0), None, ctx.actor_id).await?;
    }
    audit::append(&mut tx, ctx, Event::success("person.merged").about("person", keep).detail(serde_json::json!({ "kept": keep, "removed": remove, "cases": cases }))).await?;
    tx.commit().await?;
    Ok(cases)
}
