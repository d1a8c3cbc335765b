//! Improvement plans on both engines: opened with an HR partner, one open at a time; while open
//! the worker is supervised on the early cadence; reviews and closing refuse a stale version.

mod common;

use hearth_domain::org::Role;
use hearth_domain::people::improvement::{PlanDraft, PlanOutcome, Review};
use hearth_domain::people::{Cadence, SupervisionSettings, cadence};
use hearth_store::people::{self, plans};
use hearth_store::{AuditContext, StoreError, testing};
use time::Duration;

#[tokio::test]
async fn an_open_plan_brings_supervision_forward_until_it_closes() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let worker = common::add(&store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let hr = common::add(&store, "Hana HR", &[Role::Hr], None, None).await;
        let ctx = AuditContext::actor(manager, None);
        let today = hearth_store::now().date();
        let s = SupervisionSettings::default();
        // Started in 2024: quarterly, until a plan opens.
        assert_eq!(cadence(&people::facts_for(&store, worker).await.unwrap(), today, &s), Cadence::Standard);

        let draft = |partner| PlanDraft { goals: "Reports filed on time.".into(), support: "Weekly check-ins.".into(), first_review_on: today + Duration::days(30), hr_partner: partner };
        let not_hr = plans::open(&store, &ctx, worker, manager, &draft(manager)).await.unwrap_err();
        assert!(matches!(not_hr, StoreError::Refused(ref e) if e.field == "hr_partner"), "{not_hr:?}");
        let plan = plans::open(&store, &ctx, worker, manager, &draft(hr)).await.unwrap();
        assert!(matches!(plans::open(&store, &ctx, worker, manager, &draft(hr)).await.unwrap_err(), StoreError::NotEditable(_)), "one open plan at a time");
        assert_eq!(cadence(&people::facts_for(&store, worker).await.unwrap(), today, &s), Cadence::Early);

        let review = Review { progress: "Two reports on time.".into(), next_review_on: today + Duration::days(28) };
        plans::review(&store, &ctx, worker, plan, 1, manager, &review).await.unwrap();
        assert!(matches!(plans::review(&store, &ctx, worker, plan, 1, manager, &review).await.unwrap_err(), StoreError::Conflict { current: 2 }));
        let p = plans::view(&store, &ctx, worker, plan).await.unwrap();
        assert_eq!((p.reviews.len(), p.next_review_on, p.hr_partner.id), (1, today + Duration::days(28), hr));
        assert!(matches!(plans::view(&store, &ctx, manager, plan).await.unwrap_err(), StoreError::NotFound), "found only under its own worker");

        plans::close(&store, &ctx, worker, plan, 2, PlanOutcome::Met, "All goals met.").await.unwrap();
        assert!(matches!(plans::close(&store, &ctx, worker, plan, 3, PlanOutcome::Met, "Again").await.unwrap_err(), StoreError::NotEditable(_)));
        assert_eq!(cadence(&people::facts_for(&store, worker).await.unwrap(), today, &s), Cadence::Standard);
        let listed = plans::list_for(&store, worker).await.unwrap();
        assert_eq!((listed.len(), listed[0].outcome), (1, Some(PlanOutcome::Met)));
    }
}
