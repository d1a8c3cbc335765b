//! Training and policies on both engines: mandatory courses follow a person's roles; a
//! completion brings them up to date and is audited; a stale course edit or policy publication
//! is refused; only the current version of a policy can be attested, once; reminders of expiring
//! courses are sent once per expiry date.

mod common;

use hearth_domain::org::Role;
use hearth_domain::people::training::{CourseDraft, PolicyDraft, Standing, TrainingSettings};
use hearth_store::people::training::{self as training, DemoCourse, Whose};
use hearth_store::{AuditContext, Store, StoreError, testing};
use sqlx::Row;
use time::Duration;
use time::macros::date;

fn draft(title: &str, renew_months: Option<i64>, roles: &[Role]) -> CourseDraft {
    CourseDraft { title: title.into(), summary: "Why it matters.".into(), body: "# Module\n\nRead this.".into(), renew_months, mandatory_for: roles.to_vec(), quiz: String::new(), pass_mark: None }
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(store.pool()).await.unwrap().get(0)
}

#[tokio::test]
async fn mandatory_courses_follow_roles_and_a_completion_brings_a_person_up_to_date() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let hr = common::add(&store, "Hana HR", &[Role::Hr], None, None).await;
        let ctx = AuditContext::actor(hr, None);
        let safeguarding = training::create_course(&store, &ctx, Some(hr), &draft("Safeguarding", Some(24), &[Role::Practitioner, Role::TeamManager])).await.unwrap();
        let optional = training::create_course(&store, &ctx, Some(hr), &draft("Court writing", None, &[])).await.unwrap();

        let reqs = training::requirements(&store, Whose::Person(worker)).await.unwrap().remove(&worker).unwrap();
        assert_eq!(reqs.iter().map(|r| r.course_id).collect::<Vec<_>>(), [safeguarding], "only the courses their role must do");
        assert!(training::requirements(&store, Whose::Person(hr)).await.unwrap().get(&hr).is_none(), "HR is not a practitioner");
        // Made mandatory today: someone who started in 2024 has a new starter's time from today.
        let today = hearth_store::now().date();
        let s = TrainingSettings::default();
        assert_eq!(reqs[0].standing(today, &s), Standing::Due { by: today + Duration::days(s.new_starter_days) });

        let done_on = today - Duration::days(3);
        training::record_completion(&store, &ctx, worker, safeguarding, done_on, hr).await.unwrap();
        let reqs = training::requirements(&store, Whose::Team(o.team)).await.unwrap().remove(&worker).unwrap();
        assert_eq!(reqs[0].last_completed, Some(done_on));
        assert!(matches!(reqs[0].standing(today, &s), Standing::Current { until: Some(_) }));
        let history = training::completions(&store, worker).await.unwrap();
        assert_eq!((history.len(), history[0].recorded_by.id, history[0].course_version), (1, hr, 1));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_events WHERE action = 'training.completed'").await, 1);

        // A date to come is refused, naming the field, and nothing is written.
        let refused = training::record_completion(&store, &ctx, worker, optional, today + Duration::days(1), hr).await.unwrap_err();
        assert!(matches!(refused, StoreError::Refused(ref e) if e.field == "completed_on"), "{refused:?}");
        assert_eq!(training::completions(&store, worker).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_course_changed_since_it_was_read_is_not_overwritten() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], Some(o.team), None).await;
        let ctx = AuditContext::actor(admin, None);
        let id = training::create_course(&store, &ctx, Some(admin), &draft("Data protection", Some(12), &[Role::Practitioner])).await.unwrap();
        assert_eq!(training::update_course(&store, &ctx, admin, id, 1, &draft("Data protection 2027", Some(12), &[Role::Practitioner, Role::Hr])).await.unwrap(), 2);
        let stale = training::update_course(&store, &ctx, admin, id, 1, &draft("Older edit", None, &[])).await.unwrap_err();
        assert!(matches!(stale, StoreError::Conflict { current: 2 }), "{stale:?}");
        let c = training::course(&store, id).await.unwrap();
        assert_eq!((c.title.as_str(), c.version, c.mandatory_for.clone()), ("Data protection 2027", 2, vec![Role::Practitioner, Role::Hr]));
        // A completion keeps the version it was done at.
        training::record_completion(&store, &ctx, admin, id, hearth_store::now().date(), admin).await.unwrap();
        assert_eq!(training::completions(&store, admin).await.unwrap()[0].course_version, 2);
    }
}

#[tokio::test]
async fn only_the_current_version_of_a_policy_is_attested_and_a_new_one_asks_again() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let leader = common::add(&store, "Lee Leader", &[Role::NationalLeadership], None, None).await;
        let v1 = PolicyDraft { changes: "First.".into(), body: "Keep children safe.".into() };
        let (policy, _) = training::load_demo_policy(&store, "domestic_abuse", "Domestic abuse practice policy", &[Role::Practitioner], &[(v1, date!(2025 - 03 - 03))]).await.unwrap();
        assert_eq!(training::unattested(&store, worker, "domestic_abuse").await.unwrap().map(|a| a.number), Some(1));
        assert!(training::unattested(&store, leader, "domestic_abuse").await.unwrap().is_none(), "it does not apply to a national leader");

        let ctx = AuditContext::actor(worker, None);
        training::attest(&store, &ctx, worker, policy, 1).await.unwrap();
        training::attest(&store, &ctx, worker, policy, 1).await.unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM policy_attestations").await, 1, "attesting twice keeps the first");
        assert!(training::unattested(&store, worker, "domestic_abuse").await.unwrap().is_none());

        let lead = AuditContext::actor(leader, None);
        let v2 = PolicyDraft { changes: "Coercive control.".into(), body: "Keep children safe; assess patterns.".into() };
        assert_eq!(training::publish(&store, &lead, leader, policy, 1, &v2).await.unwrap(), 2);
        let stale = training::publish(&store, &lead, leader, policy, 1, &v2).await.unwrap_err();
        assert!(matches!(stale, StoreError::Conflict { current: 2 }), "{stale:?}");
        assert_eq!(training::policy(&store, policy).await.unwrap().version.number, 2);
        // The new version must be confirmed again; confirming the old one now is refused.
        assert_eq!(training::unattested(&store, worker, "domestic_abuse").await.unwrap().map(|a| a.number), Some(2));
        assert!(matches!(training::attest(&store, &ctx, worker, policy, 1).await.unwrap_err(), StoreError::Conflict { current: 2 }));
        training::attest(&store, &ctx, worker, policy, 2).await.unwrap();
        let team = training::attestations(&store, Whose::Team(o.team)).await.unwrap();
        assert!(team[&worker][0].attested_at.is_some());
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_events WHERE action = 'policy.attested'").await, 2);
    }
}

#[tokio::test]
async fn a_course_about_to_expire_is_reminded_once_per_expiry() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let other = common::add(&store, "Olu Other", &[Role::Practitioner], Some(o.team), None).await;
        let course = DemoCourse { title: "Safeguarding", summary: "s", body: "b", renew_months: Some(12), mandatory_for: &[Role::Practitioner], created_on: date!(2018 - 01 - 01), quiz: "", pass_mark: None };
        let id = training::load_demo_course(&store, &course).await.unwrap();
        let today = hearth_store::now().date();
        // One expires in ten days; the other's is a year away.
        training::load_demo_completions(&store, &[(worker, id, today - Duration::days(355)), (other, id, today - Duration::days(5))]).await.unwrap();
        let s = TrainingSettings::default();
        assert_eq!(training::remind_expiring(&store, today, &s).await.unwrap(), 1);
        assert_eq!(training::remind_expiring(&store, today, &s).await.unwrap(), 0, "never twice");
        let alerts = hearth_store::cases::alerts_for(&store, worker).await.unwrap();
        assert_eq!(alerts.len(), 1);
        assert!(alerts[0].message.starts_with("Your Safeguarding training expires on"), "{}", alerts[0].message);
        assert_eq!(alerts[0].link.as_deref(), Some(format!("/training/{id}").as_str()));
        assert!(hearth_store::cases::alerts_for(&store, other).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn finishing_a_module_with_a_quiz_keeps_every_attempt_and_records_it_done_only_on_a_pass() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), None).await;
        let ctx = AuditContext::actor(worker, None);
        let mut d = draft("Domestic abuse practice", Some(24), &[Role::Practitioner]);
        d.quiz = "? First?\n- No\n* Yes\n? Second?\n* Yes\n- No\n- Never".into();
        d.pass_mark = Some(50);
        let id = training::create_course(&store, &AuditContext::system(), None, &d).await.unwrap();

        let fail = training::finish_module(&store, &ctx, worker, id, 1, &[0, 1]).await.unwrap();
        assert_eq!((fail.correct, fail.questions, fail.passed), (0, 2, false));
        assert!(training::completions(&store, worker).await.unwrap().is_empty());
        assert!(matches!(training::finish_module(&store, &ctx, worker, id, 1, &[1]).await, Err(StoreError::Refused(_))), "every question answered");
        assert!(matches!(training::finish_module(&store, &ctx, worker, id, 7, &[1, 0]).await, Err(StoreError::NotEditable(_))), "only at the version shown");
        let pass = training::finish_module(&store, &ctx, worker, id, 1, &[1, 1]).await.unwrap();
        assert_eq!((pass.correct, pass.passed), (1, true), "half right meets a pass mark of 50");
        assert_eq!(training::completions(&store, worker).await.unwrap().len(), 1);
        let attempts: i64 = sqlx::query("SELECT COUNT(*) FROM quiz_attempts WHERE staff_id = $1").bind(worker.to_string()).fetch_one(store.pool()).await.unwrap().get(0);
        assert_eq!(attempts, 2, "the fail and the pass are both kept; a refused attempt is not");

        // A module without a quiz is done when finished.
        let plain = training::create_course(&store, &AuditContext::system(), None, &draft("Data protection", Some(12), &[Role::Practitioner])).await.unwrap();
        assert!(training::finish_module(&store, &ctx, worker, plain, 1, &[]).await.unwrap().passed);
        assert_eq!(training::completions(&store, worker).await.unwrap().len(), 2);
    }
}
