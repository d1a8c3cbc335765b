//! Induction on both engines: a plan copied from the national template with a mentor buddy
//! from the starter's team, whose mentoring duty is written with it; one plan per starter;
//! steps ticked keep who ticked them.

mod common;

use hearth_domain::org::Role;
use hearth_domain::people::induction::{InductionDraft, InductionSettings, TEMPLATE};
use hearth_store::people::induction;
use hearth_store::{AuditContext, StoreError, testing};
use sqlx::Row;

#[tokio::test]
async fn a_plan_is_copied_from_the_template_with_a_mentor_whose_duty_counts() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let starter = common::add(&store, "Sia Starter", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let mentor = common::add(&store, "Mo Mentor", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let elsewhere = common::add(&store, "Ed Elsewhere", &[Role::Practitioner], Some(o.other_team), None).await;
        let ctx = AuditContext::actor(manager, None);
        let today = hearth_store::now().date();
        let settings = InductionSettings::default();
        let draft = |mentor| InductionDraft { mentor, starts_on: today };

        let far = induction::start(&store, &ctx, starter, manager, &draft(elsewhere), &settings, &Default::default()).await.unwrap_err();
        assert!(matches!(far, StoreError::Refused(ref e) if e.field == "mentor"), "a mentor from their own team: {far:?}");
        let id = induction::start(&store, &ctx, starter, manager, &draft(mentor), &settings, &Default::default()).await.unwrap();
        assert!(matches!(induction::start(&store, &ctx, starter, manager, &draft(mentor), &settings, &Default::default()).await.unwrap_err(), StoreError::NotEditable(_)));
        assert_eq!(induction::mentor_of(&store, starter).await.unwrap(), Some(mentor));
        assert_eq!(induction::mentees_of(&store, mentor).await.unwrap().iter().map(|m| m.id).collect::<Vec<_>>(), [starter]);

        // The mentoring counts against the mentor's capacity, linked from the plan.
        let duty = sqlx::query("SELECT d.kind, d.staff_id, d.last_day FROM inductions i JOIN duties d ON d.id = i.mentor_duty_id WHERE i.id = $1").bind(id.to_string()).fetch_one(store.pool()).await.unwrap();
        assert_eq!((duty.get::<String, _>(0), duty.get::<String, _>(1)), ("mentoring".to_string(), mentor.to_string()));
        assert_eq!(duty.get::<String, _>(2), settings.mentoring_until(today).to_string());

        let plan = induction::for_starter(&store, &ctx, starter).await.unwrap().unwrap();
        assert_eq!(plan.steps.len(), TEMPLATE.len());
        induction::tick(&store, &AuditContext::actor(mentor, None), starter, plan.steps[0].id, mentor, true).await.unwrap();
        let plan = induction::for_starter(&store, &ctx, starter).await.unwrap().unwrap();
        assert_eq!(plan.steps[0].done_by.as_ref().map(|b| b.id), Some(mentor));
        // A step of someone else's plan is not found through this starter.
        let other = common::add(&store, "Oli Other", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        assert!(matches!(induction::tick(&store, &ctx, other, plan.steps[1].id, manager, true).await.unwrap_err(), StoreError::NotFound));
    }
}
