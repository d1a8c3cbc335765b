//! Search: matching a query's words against names (by start and by sound), dates of birth,
//! references and the words of notes, driven by the matches so the caller's filter applies.
//! The notes index is the one dialect difference (FTS5 on SQLite, tsvector on PostgreSQL).

use super::*;

/// The most cases a search lists: ten pages. Past this it is refused as too broad, naming the
/// field: nobody reads further to find a case, and a longer list shows far more children's names
/// than anyone needs to see.
pub const SEARCH_MOST: i64 = 250;

/// The ids (a column `id`) of the cases matching the search: its reference or court number, a
/// person in it by name or date of birth, or words in its notes. (`visible_clause` still applies.)
///
/// The matches drive, never the cases the caller sees, so a large area or the whole country costs
/// no more than what matches. A name is found through the keys of the teams the caller sees, by
/// (team, key), so a common name across the country costs a team manager only their own team's
/// matches; cases they reach through people (their own, their reports', restricted cases naming
/// them) outside those teams are searched from those cases.
pub(crate) fn text_match(engine: Engine, terms: &SearchTerms, visible: Option<&Visibility>, bind: &mut impl FnMut(String) -> String) -> String {
    let exact = bind(terms.exact.clone());
    let mut matches = vec![format!("SELECT x.id FROM cases x WHERE x.reference = {exact}"), format!("SELECT x.id FROM cases x WHERE x.court_case_number = {exact}")];
    if !terms.names.is_empty() {
        let names = NameMatch::new(&terms.names, bind);
        match visible.filter(|v| !v.everywhere) {
            None => matches.push(names.keyed("SELECT a.id FROM teams a")),
            Some(v) => {
                let me = bind(v.staff_id.to_string());
                let teams = teams_of(v, bind);
                if let Some(teams) = &teams {
                    matches.push(names.keyed(teams));
                }
                // Outside those teams (the index on (allocated_to, status, team_id) answers that
                // without reading the cases).
                let outside = teams.map_or_else(String::new, |t| format!(" AND c.team_id NOT IN ({t})"));
                matches.extend(people_reach(v, &me, bind).iter().map(|reach| names.of_cases(&format!("{reach}{outside}"))));
            }
        }
    }
    if let Some(d) = terms.date_of_birth {
        let d = bind(date_text(d));
        matches.push(format!("SELECT cp.case_id FROM people p JOIN case_participants cp ON cp.person_id = p.id WHERE p.date_of_birth = {d}"));
    }
    if !terms.words.is_empty() {
        let query = bind(notes_query(engine, &terms.words));
        matches.push(notes_match(engine, &query));
    }
    matches.join(" UNION ALL ")
}

/// Every name word matching one of the same person's names in a case, by its start or its sound.
pub(crate) struct NameMatch {
    /// For each word, its two ways to match: a range of keys starting with it, and its sound key.
    ways: Vec<[String; 2]>,
    /// Joins making the second and later words match the same person as the first.
    same_person: String,
}

impl NameMatch {
    fn new(names: &[(String, String)], bind: &mut impl FnMut(String) -> String) -> Self {
        let ways: Vec<[String; 2]> = names
            .iter()
            .enumerate()
            .map(|(i, (word, sound))| {
                let (lo, hi, sx) = (bind(word.clone()), bind(prefix_end(word)), bind(sound.clone()));
                [format!("k{i}.key >= {lo} AND k{i}.key < {hi}"), format!("k{i}.key = {sx}")]
            })
            .collect();
        let same_person = ways
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, w)| format!(" JOIN case_name_keys k{i} ON k{i}.case_id = k0.case_id AND k{i}.person_id = k0.person_id AND {}", Self::either(w)))
            .collect();
        Self { ways, same_person }
    }

    fn either([start, sound]: &[String; 2]) -> String {
        format!("(({start}) OR {sound})")
    }

    /// The matching cases of these teams, from the keys: one indexed range per way of matching
    /// the first word (an OR of the two would have the database read every key of the team).
    fn keyed(&self, teams: &str) -> String {
        let same_person = &self.same_person;
        let per_way: Vec<String> = self.ways[0].iter().map(|way| format!("SELECT k0.case_id FROM case_name_keys k0{same_person} WHERE k0.team_id IN ({teams}) AND {way}")).collect();
        per_way.join(" UNION ALL ")
    }

    /// The matching cases among those meeting `reach` (a condition on `c`), case by case.
    fn of_cases(&self, reach: &str) -> String {
        format!("SELECT k0.case_id FROM cases c JOIN case_name_keys k0 ON k0.case_id = c.id{} WHERE {reach} AND {}", self.same_person, Self::either(&self.ways[0]))
    }
}

/// The first string after every string that starts with `prefix`, for an indexed prefix range.
pub(crate) fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    if let Some(last) = chars.pop() {
        chars.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
    }
    chars.into_iter().collect()
}

// ---- Dialect: full-text search of notes (FTS5 on SQLite, tsvector on PostgreSQL) ----

/// The case ids whose notes contain every word; `param` is the bound query from [`notes_query`].
pub(crate) fn notes_match(engine: Engine, param: &str) -> String {
    match engine {
        Engine::Sqlite => format!("SELECT case_id FROM chronology_fts WHERE chronology_fts MATCH {param}"),
        Engine::Postgres => format!("SELECT case_id FROM chronology_fts WHERE tsv @@ plainto_tsquery('english', {param})"),
    }
}

/// The words as each engine's query: FTS5 gets each word quoted, so nothing typed is syntax.
pub(crate) fn notes_query(engine: Engine, words: &[String]) -> String {
    match engine {
        Engine::Sqlite => words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" "),
        Engine::Postgres => words.join(" "),
    }
}

/// Indexes a new chronology entry's words. SQLite's FTS5 row takes the entry's own rowid, so it
/// can be found again without scanning (FTS5 cannot index `entry_id`); PostgreSQL indexes
/// `entry_id` plainly.
pub(crate) async fn index_entry(conn: &mut AnyConnection, entry_id: Uuid, case_id: Uuid, summary: &str, body: Option<&str>) -> Result<()> {
    // Only entries a person wrote words in (notes, reasons) are searched: "case opened" is not.
    if body.is_none() {
        return Ok(());
    }
    let sql = if is_sqlite(conn) {
        "INSERT INTO chronology_fts (rowid, entry_id, case_id, text) VALUES ((SELECT rowid FROM chronology WHERE id = $1), $1, $2, $3)"
    } else {
        "INSERT INTO chronology_fts (entry_id, case_id, text) VALUES ($1, $2, $3)"
    };
    sqlx::query(sql)
        .bind(entry_id.to_string())
        .bind(case_id.to_string())
        .bind(format!("{summary} {}", body.unwrap_or_default()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replaces an edited entry's words in the index.
pub(crate) async fn reindex_entry(conn: &mut AnyConnection, entry_id: Uuid, case_id: Uuid, summary: &str, body: Option<&str>) -> Result<()> {
    let sql = if is_sqlite(conn) {
        "DELETE FROM chronology_fts WHERE rowid = (SELECT rowid FROM chronology WHERE id = $1)"
    } else {
        "DELETE FROM chronology_fts WHERE entry_id = $1"
    };
    sqlx::query(sql).bind(entry_id.to_string()).execute(&mut *conn).await?;
    index_entry(conn, entry_id, case_id, summary, body).await
}

pub(crate) fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("sqlite")
}
