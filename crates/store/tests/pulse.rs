//! The wellbeing pulse on both engines: one answer each while a survey is open, kept only as
//! counts per team, question and score; windows never overlap.

mod common;

use hearth_domain::org::Role;
use hearth_domain::people::pulse::SurveyDraft;
use hearth_store::people::pulse;
use hearth_store::{AuditContext, StoreError, testing};
use sqlx::Row;
use time::Duration;

#[tokio::test]
async fn each_person_answers_once_and_only_counts_are_kept() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let leader = common::add(&store, "Lee Leader", &[Role::NationalLeadership], None, None).await;
        let a = common::add(&store, "Ann", &[Role::Practitioner], Some(o.team), None).await;
        let b = common::add(&store, "Ben", &[Role::Practitioner], Some(o.team), None).await;
        let today = hearth_store::now().date();
        let ctx = AuditContext::actor(leader, None);
        let d = SurveyDraft { title: "Winter pulse".into(), opens_on: today, closes_on: today + Duration::days(14) };
        let survey = pulse::open_survey(&store, &ctx, leader, &d).await.unwrap();
        let clash = SurveyDraft { title: "Another".into(), opens_on: today + Duration::days(7), closes_on: today + Duration::days(20) };
        assert!(matches!(pulse::open_survey(&store, &ctx, leader, &clash).await.unwrap_err(), StoreError::Refused(ref e) if e.field == "opens_on"));
        assert_eq!(pulse::open_on(&store, today).await.unwrap().map(|s| s.id), Some(survey));

        pulse::answer(&store, &AuditContext::actor(a, None), survey, a, Some(o.team), &[5, 2, 4, 4, 5], today).await.unwrap();
        pulse::answer(&store, &AuditContext::actor(b, None), survey, b, Some(o.team), &[4, 2, 1, 3, 5], today).await.unwrap();
        let again = pulse::answer(&store, &AuditContext::actor(a, None), survey, a, Some(o.team), &[1, 1, 1, 1, 1], today).await.unwrap_err();
        assert!(matches!(again, StoreError::NotEditable(_)), "{again:?}");
        let closed = pulse::answer(&store, &AuditContext::actor(leader, None), survey, leader, None, &[3, 3, 3, 3, 3], today + Duration::days(15)).await.unwrap_err();
        assert!(matches!(closed, StoreError::NotEditable(_)), "{closed:?}");
        assert!(pulse::has_taken(&store, survey, a).await.unwrap() && !pulse::has_taken(&store, survey, leader).await.unwrap());

        let counts = pulse::counts(&store).await.unwrap().remove(&survey).unwrap();
        assert_eq!(counts.len(), 1);
        let team = &counts[0];
        assert_eq!((team.team_id, team.responses), (Some(o.team), 2));
        assert_eq!(team.by_question[0], [0, 0, 0, 1, 1], "cared for: one 4, one 5");
        assert_eq!(team.by_question[2], [1, 0, 0, 1, 0], "manager: one 1, one 4");

        // Nothing kept says who answered what: who took it has no answers, the answers no one.
        let columns = |table: &'static str| {
            let store = store.store.clone();
            async move {
                let sql = match store.engine() {
                    hearth_store::Engine::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
                    hearth_store::Engine::Postgres => format!("SELECT CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_name = '{table}'"),
                };
                let mut names: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(store.pool()).await.unwrap().iter().map(|r| r.get(0)).collect();
                names.sort();
                names
            }
        };
        assert_eq!(columns("pulse_taken").await, ["staff_id", "survey_id"]);
        assert_eq!(columns("pulse_counts").await, ["question", "responses", "score", "survey_id", "team_id"]);
    }
}
