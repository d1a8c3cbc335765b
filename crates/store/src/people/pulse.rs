//! The wellbeing pulse's tables: surveys, who has taken each (so nobody answers twice), and the
//! answers as counts per team, question and score. Nothing here can say how one person answered.

use std::collections::HashMap;

use hearth_domain::FieldError;
use hearth_domain::people::pulse::{Answers, QUESTIONS, SurveyDraft};
use serde::Serialize;
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, ts};

#[derive(Debug, Clone, Serialize)]
pub struct Survey {
    pub id: Uuid,
    pub title: String,
    pub opens_on: Date,
    pub closes_on: Date,
}

impl Survey {
    pub fn open_on(&self, day: Date) -> bool {
        self.opens_on <= day && day <= self.closes_on
    }
}

fn survey_of(r: &sqlx::any::AnyRow) -> Result<Survey> {
    Ok(Survey { id: parse_id(&r.get::<String, _>(0))?, title: r.get(1), opens_on: parse_date(&r.get::<String, _>(2))?, closes_on: parse_date(&r.get::<String, _>(3))? })
}

/// Every survey, newest first.
pub async fn surveys(store: &Store) -> Result<Vec<Survey>> {
    sqlx::query("SELECT id, title, opens_on, closes_on FROM pulse_surveys ORDER BY opens_on DESC").fetch_all(store.pool()).await?.iter().map(survey_of).collect()
}

/// The survey open on `day`, if any (windows never overlap).
pub async fn open_on(store: &Store, day: Date) -> Result<Option<Survey>> {
    sqlx::query("SELECT id, title, opens_on, closes_on FROM pulse_surveys WHERE opens_on <= $1 AND closes_on >= $1")
        .bind(date_text(day))
        .fetch_optional(store.pool())
        .await?
        .as_ref()
        .map(survey_of)
        .transpose()
}

/// Opens a survey for its window. Windows never overlap: there is one pulse at a time.
pub async fn open_survey(store: &Store, ctx: &AuditContext, by: Uuid, d: &SurveyDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let clash = sqlx::query("SELECT title FROM pulse_surveys WHERE opens_on <= $1 AND closes_on >= $2")
        .bind(date_text(d.closes_on))
        .bind(date_text(d.opens_on))
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(r) = clash {
        return Err(StoreError::Refused(FieldError::new("opens_on", format!("“{}” is open during those days: choose days after it closes", r.get::<String, _>(0)))));
    }
    let id = new_id();
    sqlx::query("INSERT INTO pulse_surveys (id, title, opens_on, closes_on, opened_by, opened_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(&d.title)
        .bind(date_text(d.opens_on))
        .bind(date_text(d.closes_on))
        .bind(by.to_string())
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("pulse.opened").about("pulse_survey", id).detail(serde_json::json!({ "opens_on": date_text(d.opens_on), "closes_on": date_text(d.closes_on) }))).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn has_taken(store: &Store, survey: Uuid, staff: Uuid) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM pulse_taken WHERE survey_id = $1 AND staff_id = $2").bind(survey.to_string()).bind(staff.to_string()).fetch_optional(store.pool()).await?.is_some())
}

/// Adds one person's answers to their team's counts, once, while the survey is open. What is
/// kept of them is that they took it; the audit event says the same and nothing more.
pub async fn answer(store: &Store, ctx: &AuditContext, survey: Uuid, staff: Uuid, team: Option<Uuid>, answers: &Answers, today: Date) -> Result<()> {
    let mut tx = store.begin().await?;
    let s = sqlx::query("SELECT id, title, opens_on, closes_on FROM pulse_surveys WHERE id = $1").bind(survey.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    if !survey_of(&s)?.open_on(today) {
        return Err(StoreError::NotEditable("This pulse survey is not open."));
    }
    let fresh = sqlx::query("INSERT INTO pulse_taken (survey_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(survey.to_string()).bind(staff.to_string()).execute(&mut *tx).await?.rows_affected();
    if fresh == 0 {
        return Err(StoreError::NotEditable("You have already answered this pulse survey. Thank you."));
    }
    let team = team.map(|t| t.to_string()).unwrap_or_default();
    let rows = std::iter::once(("responses", 0)).chain(QUESTIONS.iter().zip(answers).map(|((code, _), score)| (*code, *score)));
    for (question, score) in rows {
        sqlx::query("INSERT INTO pulse_counts (survey_id, team_id, question, score, responses) VALUES ($1, $2, $3, $4, 1) ON CONFLICT (survey_id, team_id, question, score) DO UPDATE SET responses = pulse_counts.responses + 1")
            .bind(survey.to_string())
            .bind(&team)
            .bind(question)
            .bind(score)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, ctx, Event::success("pulse.taken").about("pulse_survey", survey)).await?;
    tx.commit().await?;
    Ok(())
}

/// One team's counts in one survey: how many responded, and for each question the count of
/// each score (index 0 is score 1).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TeamCounts {
    /// None for those with no team.
    pub team_id: Option<Uuid>,
    pub team: String,
    pub area_id: Uuid,
    pub area: String,
    pub responses: i64,
    pub by_question: [[i64; 5]; 5],
}

/// Every survey's counts, by survey: one query.
pub async fn counts(store: &Store) -> Result<HashMap<Uuid, Vec<TeamCounts>>> {
    counts_where(store, None).await
}

/// One survey's counts.
pub async fn counts_of(store: &Store, survey: Uuid) -> Result<Vec<TeamCounts>> {
    Ok(counts_where(store, Some(survey)).await?.remove(&survey).unwrap_or_default())
}

async fn counts_where(store: &Store, survey: Option<Uuid>) -> Result<HashMap<Uuid, Vec<TeamCounts>>> {
    let sql = format!(
        "SELECT c.survey_id, c.team_id, t.name, a.id, a.name, c.question, c.score, c.responses
           FROM pulse_counts c LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN service_areas a ON a.id = t.service_area_id{}",
        if survey.is_some() { " WHERE c.survey_id = $1" } else { "" }
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(s) = survey {
        q = q.bind(s.to_string());
    }
    let rows = q.fetch_all(store.pool()).await?;
    let mut out: HashMap<Uuid, HashMap<String, TeamCounts>> = HashMap::new();
    for r in rows {
        let survey = parse_id(&r.get::<String, _>(0))?;
        let team_key: String = r.get(1);
        let entry = out.entry(survey).or_default().entry(team_key.clone()).or_insert_with(|| TeamCounts {
            team_id: None,
            team: r.get::<Option<String>, _>(2).unwrap_or_default(),
            area_id: Uuid::nil(),
            area: r.get::<Option<String>, _>(4).unwrap_or_default(),
            ..Default::default()
        });
        if !team_key.is_empty() {
            entry.team_id = Some(parse_id(&team_key)?);
            entry.area_id = r.get::<Option<String>, _>(3).as_deref().map(parse_id).transpose()?.unwrap_or_default();
        }
        let (question, score, n): (String, i64, i64) = (r.get(5), r.get(6), r.get(7));
        match QUESTIONS.iter().position(|(code, _)| *code == question) {
            Some(q) if (1..=5).contains(&score) => entry.by_question[q][score as usize - 1] += n,
            _ => entry.responses += n,
        }
    }
    Ok(out.into_iter().map(|(s, teams)| (s, teams.into_values().collect())).collect())
}

// ---- Loading synthetic demo data (no audit: `hearth demo` records one event for the load) ----

/// A past or open survey with its answers as (person, team, answers).
pub async fn load_demo(store: &Store, d: &SurveyDraft, answers: &[(Uuid, Option<Uuid>, Answers)]) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = new_id();
    sqlx::query("INSERT INTO pulse_surveys (id, title, opens_on, closes_on, opened_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(&d.title)
        .bind(date_text(d.opens_on))
        .bind(date_text(d.closes_on))
        .bind(ts(d.opens_on.midnight().assume_utc()))
        .execute(&mut *tx)
        .await?;
    let mut counts: HashMap<(String, &str, i64), i64> = HashMap::new();
    for chunk in answers.chunks(500) {
        let values: Vec<String> = chunk.iter().map(|(staff, _, _)| format!("('{id}', '{staff}')")).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO pulse_taken (survey_id, staff_id) VALUES {}", values.join(", ")))).execute(&mut *tx).await?;
    }
    for (_, team, a) in answers {
        let team = team.map(|t| t.to_string()).unwrap_or_default();
        *counts.entry((team.clone(), "responses", 0)).or_default() += 1;
        for ((code, _), score) in QUESTIONS.iter().zip(a) {
            *counts.entry((team.clone(), code, *score)).or_default() += 1;
        }
    }
    let rows: Vec<_> = counts.into_iter().collect();
    for chunk in rows.chunks(500) {
        // Every value is an id, a fixed question code or a number Hearth made.
        let values: Vec<String> = chunk.iter().map(|((team, q, score), n)| format!("('{id}', '{team}', '{q}', {score}, {n})")).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO pulse_counts (survey_id, team_id, question, score, responses) VALUES {}", values.join(", ")))).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Everyone active, with their team, in a fixed order: whom the demo asks.
pub async fn demo_people(store: &Store) -> Result<Vec<(Uuid, Option<Uuid>)>> {
    sqlx::query("SELECT id, team_id FROM staff WHERE status = 'active' ORDER BY id")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get::<Option<String>, _>(1).as_deref().map(parse_id).transpose()?)))
        .collect()
}
