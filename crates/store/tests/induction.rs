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

#[tokio::test]
async fn a_new_template_version_is_copied_into_plans_started_after_it_and_a_stale_save_is_refused() {
    use hearth_domain::people::induction::{StepKind, TemplateStep};
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin], None, None).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let early = common::add(&store, "Eli Early", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let later = common::add(&store, "Lou Later", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let mentor = common::add(&store, "Mo Mentor", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let (ctx, admin_ctx) = (AuditContext::actor(manager, None), AuditContext::actor(admin, None));
        let today = hearth_store::now().date();
        let draft = InductionDraft { mentor, starts_on: today };

        let shipped = induction::template(&store).await.unwrap();
        assert_eq!((shipped.version, shipped.steps.len()), (0, TEMPLATE.len()), "the shipped template until someone saves one");
        induction::start(&store, &ctx, early, manager, &draft, &Default::default(), &Default::default()).await.unwrap();

        let steps = vec![
            TemplateStep { week: 1, kind: StepKind::Meeting, title: "Meet your mentor".into() },
            TemplateStep { week: 2, kind: StepKind::CourtVisit, title: "Sit in on a hearing".into() },
        ];
        assert_eq!(induction::save_template(&store, &admin_ctx, admin, 0, &steps, "Shorter").await.unwrap(), 1);
        assert!(matches!(induction::save_template(&store, &admin_ctx, admin, 0, &steps, "Again").await, Err(StoreError::Conflict { current: 1 })), "a save from an old read is refused");
        let t = induction::template(&store).await.unwrap();
        assert_eq!((t.version, t.steps.clone(), t.changes.as_str(), t.saved_by.map(|b| b.id)), (1, steps.clone(), "Shorter", Some(admin)));

        induction::start(&store, &ctx, later, manager, &draft, &Default::default(), &Default::default()).await.unwrap();
        let (a, b) = (induction::for_starter(&store, &ctx, early).await.unwrap().unwrap(), induction::for_starter(&store, &ctx, later).await.unwrap().unwrap());
        assert_eq!((a.template_version, a.steps.len()), (0, TEMPLATE.len()), "a plan under way keeps its steps");
        assert_eq!((b.template_version, b.steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>()), (1, vec!["Meet your mentor", "Sit in on a hearing"]));
    }
}

#[tokio::test]
async fn office_days_count_each_day_once_whether_recorded_or_at_a_team_meeting_in_the_office() {
    use hearth_domain::people::meetings::{Attendance, Attendee, MeetingDraft};
    use hearth_store::people::{Whose, office};
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let starter = common::add(&store, "Sia Starter", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let ctx = AuditContext::actor(starter, None);
        let today = hearth_store::now().date();
        let (monday, tuesday) = (today - time::Duration::days(10), today - time::Duration::days(9));
        office::set_day(&store, &ctx, starter, monday, true).await.unwrap();
        office::set_day(&store, &ctx, starter, monday, true).await.unwrap();
        office::set_day(&store, &ctx, starter, today, true).await.unwrap();
        assert!(office::recorded_on(&store, starter, today).await.unwrap());
        office::set_day(&store, &ctx, starter, today, false).await.unwrap();
        assert!(!office::recorded_on(&store, starter, today).await.unwrap(), "taken back");
        // A team meeting in the office on a day already recorded counts once; one on another day counts too.
        for day in [monday, tuesday] {
            let d = MeetingDraft { held_on: day, office_id: None, agenda: "Caseloads".into(), attendees: vec![Attendee { staff_id: starter, attendance: Attendance::Office, reason: None }, Attendee { staff_id: manager, attendance: Attendance::Remote, reason: None }], actions: vec![] };
            hearth_store::people::meetings::record(&store, &AuditContext::actor(manager, None), o.team, Some(manager), &d).await.unwrap();
        }
        let counts = office::counts(&store, Whose::Team(o.team), today - time::Duration::days(27), today).await.unwrap();
        assert_eq!((counts.get(&starter).copied(), counts.get(&manager).copied()), (Some(2), None), "Monday once, Tuesday at the meeting; joining remotely is not the office");
        let everyone = office::counts(&store, Whose::Everyone, today - time::Duration::days(27), today).await.unwrap();
        assert_eq!(everyone.get(&starter).copied(), Some(2));
        assert!(office::counts(&store, Whose::Person(starter), today - time::Duration::days(5), today).await.unwrap().is_empty(), "outside the window");
    }
}
