//! Supervision on both engines: a supervision's case decisions become management oversight in
//! each case's chronology with the actions as tasks, all or nothing; a case that may not be
//! discussed refuses the whole supervision; the worker acknowledges once.

mod common;

use hearth_domain::cases::{CaseEdit, CaseFlag, ClosureReason, EntryKind};
use hearth_domain::org::Role;
use hearth_domain::people::{Action, Discussion, NewSupervision, next_due};
use hearth_store::org::NamedRef;
use hearth_store::{AuditContext, PageRequest, Store, StoreError, cases, people, testing};
use sqlx::Row;
use time::macros::date;
use uuid::Uuid;

struct Team {
    manager: NamedRef,
    worker: Uuid,
    cases: [Uuid; 3],
    other_team: Uuid,
}

async fn team(store: &Store) -> Team {
    let o = common::small_org(store).await;
    let manager = common::add(store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
    let worker = common::add(store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
    let mut ids = [Uuid::nil(); 3];
    for id in ids.iter_mut() {
        *id = common::open_private_case(store, o.team).await;
        let v = cases::case_record(store, *id).await.unwrap().version;
        hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), *id, Some(worker), "Knows the family", Default::default(), v).await.unwrap();
    }
    Team { manager: NamedRef { id: manager, name: "Mina Manager".into() }, worker, cases: ids, other_team: o.other_team }
}

fn discussion(case_id: Uuid, action: Option<&str>) -> Discussion {
    Discussion {
        case_id,
        reflection: "Mother has engaged well since the last hearing.".into(),
        decision: "Recommend the contact plan continues; review after the next visit.".into(),
        action: action.map(|t| Action { title: t.into(), due_on: Some(date!(2026 - 12 - 18)) }),
    }
}

fn supervision(discussions: Vec<Discussion>) -> NewSupervision {
    NewSupervision { held_on: date!(2026 - 12 - 04), discussions, wellbeing: "Feeling stretched by the court list.".into(), development: "Wants DA training.".into() }
}

async fn oversight_entries(store: &Store, case_id: Uuid) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query("SELECT summary, body, author_id FROM chronology WHERE case_id = $1 AND kind = $2")
        .bind(case_id.to_string())
        .bind(EntryKind::ManagementOversight.code())
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(store.pool()).await.unwrap().get(0)
}

#[tokio::test]
async fn a_supervision_writes_its_decisions_into_each_case_discussed_and_the_worker_acknowledges_once() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let ctx = AuditContext::actor(t.manager.id, None);
        let before = hearth_store::people::facts_for(&store, t.worker).await.unwrap();
        assert_eq!(before.last_held_on, None);
        let s = supervision(vec![discussion(t.cases[0], Some("Visit the child at school")), discussion(t.cases[1], None)]);
        let id = people::record(&store, &ctx, t.worker, &t.manager, &s).await.unwrap();

        for case in &t.cases[..2] {
            let entries = oversight_entries(&store, *case).await;
            assert_eq!(entries.len(), 1, "one management oversight entry on each case discussed");
            let (summary, body, author) = &entries[0];
            assert!(summary.starts_with("Management oversight in supervision: Recommend the contact plan continues"), "{summary}");
            let body = body.as_deref().unwrap();
            assert!(body.contains("Mother has engaged well") && body.contains("Supervision with Mina Manager on 4 December 2026"), "{body}");
            assert!(!body.contains("stretched") && !body.contains("DA training"), "wellbeing and development never reach a case");
            assert_eq!(author.as_deref(), Some(t.manager.id.to_string().as_str()));
        }
        assert!(oversight_entries(&store, t.cases[2]).await.is_empty(), "a case not discussed is untouched");
        let tasks = cases::case_tasks(&store, t.cases[0]).await.unwrap();
        let action = tasks.iter().find(|k| k.title == "Visit the child at school").expect("the action is a task on the case");
        assert_eq!((action.due_on, action.assigned_to.as_ref().map(|a| a.id)), (Some(date!(2026 - 12 - 18)), Some(t.worker)));

        let after = hearth_store::people::facts_for(&store, t.worker).await.unwrap();
        assert_eq!(after.last_held_on, Some(date!(2026 - 12 - 04)));
        assert_eq!(next_due(&after, date!(2026 - 12 - 05), &Default::default()).on(), date!(2027 - 03 - 05), "a quarter on: they started years ago");

        let list = people::list_for(&store, t.worker, PageRequest::new(None, None)).await.unwrap();
        assert_eq!((list.total, list.items[0].cases_discussed, list.items[0].acknowledged_at.is_none()), (1, 2, true));
        let worker_ctx = AuditContext::actor(t.worker, None);
        let read = people::view(&store, &worker_ctx, t.worker, id).await.unwrap();
        assert_eq!((read.discussions.len(), read.wellbeing.as_str()), (2, "Feeling stretched by the court list."));
        assert!(matches!(people::view(&store, &worker_ctx, t.manager.id, id).await, Err(StoreError::NotFound)), "a supervision is found only under its own worker");

        people::acknowledge(&store, &worker_ctx, t.worker, id, "I see the contact plan a little differently.").await.unwrap();
        assert!(matches!(people::acknowledge(&store, &worker_ctx, t.worker, id, "Again").await, Err(StoreError::NotEditable(_))), "acknowledged once; never replaced");
        let read = people::view(&store, &worker_ctx, t.worker, id).await.unwrap();
        assert_eq!(read.worker_comment.as_deref(), Some("I see the contact plan a little differently."));

        hearth_store::audit::settle(&store).await.unwrap();
        let events = count(&store, "SELECT COUNT(*) FROM audit_events WHERE action IN ('supervision.recorded', 'case.oversight_recorded', 'supervision.viewed', 'supervision.acknowledged')").await;
        assert_eq!(events, 1 + 2 + 2 + 1, "recorded, each case's oversight, both reads, the acknowledgement");
    }
}

#[tokio::test]
async fn a_case_that_may_not_be_discussed_refuses_the_whole_supervision_and_nothing_is_kept() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let ctx = AuditContext::actor(t.manager.id, None);
        let stranger_case = common::open_private_case(&store, t.other_team).await;
        let restricted = t.cases[1];
        let v = cases::case_record(&store, restricted).await.unwrap().version;
        cases::edit_case(&store, &AuditContext::system(), restricted, &CaseEdit { flags: Some(vec![CaseFlag::Restricted]), ..Default::default() }, v).await.unwrap();
        let closed = t.cases[2];
        let v = cases::case_record(&store, closed).await.unwrap().version;
        cases::close(&store, &Default::default(), &AuditContext::system(), closed, ClosureReason::Withdrawn, "Withdrawn by consent", v).await.unwrap();
        let before = (
            count(&store, "SELECT COUNT(*) FROM supervisions").await,
            count(&store, "SELECT COUNT(*) FROM chronology WHERE kind = 'management_oversight'").await,
            count(&store, "SELECT COUNT(*) FROM tasks").await,
        );
        for (bad, why) in [(stranger_case, "is not allocated to them"), (restricted, "is restricted"), (closed, "has closed")] {
            // The good case first, so a refusal after it shows the whole supervision is undone.
            let s = supervision(vec![discussion(t.cases[0], Some("Visit")), discussion(bad, None)]);
            match people::record(&store, &ctx, t.worker, &t.manager, &s).await {
                Err(StoreError::Refused(e)) => assert!(e.message.contains(why), "{}", e.message),
                other => panic!("expected a refusal naming the case, got {other:?}"),
            }
        }
        let after = (
            count(&store, "SELECT COUNT(*) FROM supervisions").await,
            count(&store, "SELECT COUNT(*) FROM chronology WHERE kind = 'management_oversight'").await,
            count(&store, "SELECT COUNT(*) FROM tasks").await,
        );
        assert_eq!(after, before, "nothing of a refused supervision is kept");

        // The agenda never shows the manager a restricted case that does not name them; the
        // worker who holds it sees it on their own.
        let on_agenda = |viewer: Uuid| {
            let store = store.clone();
            async move { people::agenda_cases(&store, t.worker, viewer, None, date!(2026 - 12 - 05)).await.unwrap().into_iter().map(|c| c.case_id).collect::<Vec<_>>() }
        };
        assert_eq!(on_agenda(t.manager.id).await, vec![t.cases[0]], "the closed case is not open, the restricted one not theirs to see");
        assert!(on_agenda(t.worker).await.contains(&restricted));
        // Named on the restricted case, the manager sees it and may discuss it.
        cases::named::name_staff(&store, &AuditContext::system(), restricted, t.manager.id).await.unwrap();
        assert!(on_agenda(t.manager.id).await.contains(&restricted));
        let held = people::record(&store, &ctx, t.worker, &t.manager, &supervision(vec![discussion(restricted, None)])).await.unwrap();
        assert_eq!(oversight_entries(&store, restricted).await.len(), 1);
        // The record shows what was said to the worker and to staff named on the case; anyone
        // else who reads the record (here a service manager) learns only that one was withheld.
        let above = common::add(&store, "Sid Senior", &[Role::ServiceManager], Some(t.other_team), None).await;
        let read = people::view(&store, &AuditContext::actor(above, None), t.worker, held).await.unwrap();
        assert_eq!((read.discussions.len(), read.restricted_withheld), (0, 1));
        for reader in [t.manager.id, t.worker] {
            let read = people::view(&store, &AuditContext::actor(reader, None), t.worker, held).await.unwrap();
            assert_eq!((read.discussions.len(), read.restricted_withheld), (1, 0));
        }
        // Nobody records their own supervision.
        let own = people::record(&store, &AuditContext::actor(t.worker, None), t.worker, &NamedRef { id: t.worker, name: "Wes Worker".into() }, &supervision(vec![])).await;
        assert!(matches!(own, Err(StoreError::Refused(_))));
    }
}

#[tokio::test]
async fn a_record_is_changed_by_its_manager_for_24_hours_with_the_case_entries_then_only_by_addendum() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let ctx = AuditContext::actor(t.manager.id, None);
        let id = people::record(&store, &ctx, t.worker, &t.manager, &supervision(vec![discussion(t.cases[0], Some("Visit the child at school")), discussion(t.cases[1], None)])).await.unwrap();
        let revision = hearth_domain::people::Revision {
            discussions: vec![(t.cases[0], "Mother has engaged well; father less so.".into(), "Contact plan continues with a review in January.".into())],
            wellbeing: "Court list eased.".into(),
            development: String::new(),
        };
        assert!(
            matches!(people::revise(&store, &AuditContext::actor(t.worker, None), t.worker, id, t.worker, 1, &revision).await, Err(StoreError::NotEditable(_))),
            "only the manager who recorded it"
        );
        people::revise(&store, &ctx, t.worker, id, t.manager.id, 1, &revision).await.unwrap();
        assert!(matches!(people::revise(&store, &ctx, t.worker, id, t.manager.id, 1, &revision).await, Err(StoreError::Conflict { current: 2 })), "a stale change is refused");

        let (summary, body, _) = oversight_entries(&store, t.cases[0]).await.remove(0);
        assert!(summary.contains("Contact plan continues with a review in January"), "{summary}");
        let body = body.unwrap();
        assert!(body.contains("father less so") && body.contains("Action: Visit the child at school, by 18 December 2026"), "the action stays as it was set: {body}");
        assert!(oversight_entries(&store, t.cases[1]).await[0].1.as_deref().unwrap().contains("Mother has engaged well since the last hearing."), "a case not changed keeps its words");
        let read = people::view(&store, &ctx, t.worker, id).await.unwrap();
        assert_eq!((read.wellbeing.as_str(), read.version, read.edited_at.is_some()), ("Court list eased.", 2, true));

        // Once acknowledged, only an addendum; the worker is told of it.
        let worker_ctx = AuditContext::actor(t.worker, None);
        people::acknowledge(&store, &worker_ctx, t.worker, id, "").await.unwrap();
        assert!(matches!(people::revise(&store, &ctx, t.worker, id, t.manager.id, 3, &revision).await, Err(StoreError::NotEditable(_))), "acknowledged: no more changes");
        people::add_addendum(&store, &ctx, t.worker, id, t.manager.id, "Father has since engaged: see the January visit.").await.unwrap();
        let read = people::view(&store, &ctx, t.worker, id).await.unwrap();
        assert_eq!((read.addenda.len(), read.addenda[0].author.id, read.addenda[0].body.as_str()), (1, t.manager.id, "Father has since engaged: see the January visit."));
        assert_eq!(read.wellbeing, "Court list eased.", "the record stays as it was");
        let alerts = count(&store, &format!("SELECT COUNT(*) FROM alerts WHERE recipient_id = '{}' AND link = '/staff/{}/supervisions/{id}'", t.worker, t.worker)).await;
        assert_eq!(alerts, 1, "the worker is told of the addendum");
        assert!(matches!(people::add_addendum(&store, &ctx, t.manager.id, id, t.manager.id, "Wrong person").await, Err(StoreError::NotFound)), "an addendum is found only under the record's worker");

        // A record older than a day cannot be changed, acknowledged or not.
        let old = people::record(&store, &ctx, t.worker, &t.manager, &supervision(vec![])).await.unwrap();
        sqlx::query("UPDATE supervisions SET recorded_at = '2026-01-01T09:00:00Z' WHERE id = $1").bind(old.to_string()).execute(store.pool()).await.unwrap();
        let private = hearth_domain::people::Revision { discussions: vec![], wellbeing: "Later".into(), development: String::new() };
        assert!(matches!(people::revise(&store, &ctx, t.worker, old, t.manager.id, 1, &private).await, Err(StoreError::NotEditable(_))));

        hearth_store::audit::settle(&store).await.unwrap();
        let events = count(&store, "SELECT COUNT(*) FROM audit_events WHERE action IN ('supervision.edited', 'case.oversight_edited', 'supervision.addendum_written')").await;
        assert_eq!(events, 1 + 1 + 1, "the change, the one case entry changed, the addendum");
    }
}

#[tokio::test]
async fn a_group_session_holds_only_the_teams_own_people() {
    use hearth_domain::people::group::{SessionDraft, SessionKind};
    for store in testing::stores().await {
        let t = team(&store).await;
        let o_team = hearth_store::org::staff_record(&store, t.worker).await.unwrap().team.unwrap().id;
        let second = common::add(&store, "Sol Second", &[Role::Practitioner], Some(o_team), Some(t.manager.id)).await;
        let outsider = common::add(&store, "Olu Outside", &[Role::Practitioner], Some(t.other_team), None).await;
        let ctx = AuditContext::actor(t.manager.id, None);
        let draft = |attendees: Vec<Uuid>| SessionDraft { kind: SessionKind::ReflectivePractice, held_on: date!(2026 - 12 - 03), theme: "Hearing the quieter child".into(), notes: "Ask each child alone first.".into(), attendees };
        let refused = hearth_store::people::group::record(&store, &ctx, o_team, t.manager.id, &draft(vec![t.worker, outsider])).await;
        assert!(matches!(refused, Err(StoreError::Refused(ref e)) if e.field == "attendees"), "someone from another team refuses the session: {refused:?}");
        let id = hearth_store::people::group::record(&store, &ctx, o_team, t.manager.id, &draft(vec![t.worker, second])).await.unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM group_sessions").await, 1, "the refused session left nothing");
        let s = hearth_store::people::group::view(&store, &ctx, o_team, id).await.unwrap();
        assert_eq!((s.attendees.len(), s.facilitator.id, s.kind), (2, t.manager.id, SessionKind::ReflectivePractice));
        assert!(matches!(hearth_store::people::group::view(&store, &ctx, t.other_team, id).await, Err(StoreError::NotFound)), "found only under its own team");
        let mine = hearth_store::people::group::attended_by(&store, second).await.unwrap();
        assert_eq!(mine.iter().map(|g| g.id).collect::<Vec<_>>(), [id]);
        assert!(hearth_store::people::group::attended_by(&store, outsider).await.unwrap().is_empty());
        let facts = people::facts_for(&store, t.worker).await.unwrap();
        assert_eq!(facts.last_held_on, None, "a group session does not stand for one-to-one supervision");
    }
}
