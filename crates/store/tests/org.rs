//! Staff records on both engines: creation, stale edits, moves, leavers and placement.

mod common;

use hearth_domain::org::Role;
use hearth_store::{AuditContext, PageRequest, StoreError, auth, org, testing};
use org::DirectoryQuery;

#[tokio::test]
async fn reference_data_loads_once() {
    for store in testing::stores().await {
        org::ensure_reference_data(&store).await.unwrap();
        org::ensure_reference_data(&store).await.unwrap();
        assert_eq!(org::area_refs(&store).await.unwrap().len(), 17);
        let courts = org::courts(&store).await.unwrap();
        assert!(courts.len() > 50 && courts.iter().any(|c| c.name == "Central Family Court"));
        assert!(org::local_authorities(&store).await.unwrap().len() > 150);
    }
}

#[tokio::test]
async fn a_duplicate_email_is_named() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        common::add(&store, "Sam Okafor", &[Role::Practitioner], Some(o.team), None).await;
        let again = org::create_staff(&store, &AuditContext::system(), &common::new_staff("Sam Okafor", &[Role::Practitioner], None, None)).await;
        assert!(matches!(again, Err(StoreError::Duplicate { field: "email" })), "{again:?}");
    }
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_the_current_version() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let id = common::add(&store, "Ana Silva", &[Role::Practitioner], Some(o.team), None).await;
        let ctx = AuditContext::system();
        org::set_roles(&store, &ctx, id, &[Role::TeamManager], 1).await.unwrap();
        let stale = org::set_roles(&store, &ctx, id, &[Role::Hr], 1).await;
        assert!(matches!(stale, Err(StoreError::Conflict { current: 2 })), "{stale:?}");
        assert_eq!(org::staff_record(&store, id).await.unwrap().roles, [Role::TeamManager], "the first save stands");
    }
}

#[tokio::test]
async fn placement_follows_the_line_management_chain() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let head = common::add(&store, "Head Person", &[Role::ServiceManager], Some(o.other_team), None).await;
        let manager = common::add(&store, "Team Manager", &[Role::TeamManager], Some(o.team), Some(head)).await;
        let worker = common::add(&store, "Front Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let p = org::placement(&store, worker).await.unwrap();
        assert_eq!(p.managers, [manager, head]);
        assert_eq!(p.team_id, Some(o.team));
        assert_eq!(p.service_area_id, Some(o.area));

        // A manager cannot be moved under someone they manage.
        let cycle = org::move_staff(&store, &AuditContext::system(), head, Some(o.team), Some(worker), 1).await;
        assert!(matches!(cycle, Err(StoreError::MissingReference { field: org::MANAGER_CYCLE })), "{cycle:?}");
        org::move_staff(&store, &AuditContext::system(), worker, Some(o.other_team), Some(head), 1).await.unwrap();
        assert_eq!(org::placement(&store, worker).await.unwrap().managers, [head]);
    }
}

#[tokio::test]
async fn a_leaver_loses_every_session_at_once() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let id = common::add(&store, "Leaving Soon", &[Role::Practitioner], Some(o.team), None).await;
        let mut tokens = Vec::new();
        for _ in 0..3 {
            let mut tx = store.begin().await.unwrap();
            tokens.push(auth::create_session(&mut tx, id, true).await.unwrap());
            tx.commit().await.unwrap();
        }
        let api = auth::create_api_token(&store, &AuditContext::system(), id, "test", time::Duration::days(1)).await.unwrap();
        assert_eq!(auth::api_token_owner(&store, &api).await.unwrap(), Some(id));
        let ended = org::record_leaver(&store, &AuditContext::system(), id, time::macros::date!(2026 - 11 - 20), 1).await.unwrap();
        assert_eq!(ended, 3);
        for t in &tokens {
            assert!(auth::session(&store, t).await.unwrap().is_none());
        }
        assert_eq!(auth::api_token_owner(&store, &api).await.unwrap(), None);
        let creds = auth::credentials_by_id(&store, id).await.unwrap().unwrap();
        assert!(!creds.active);
    }
}

#[tokio::test]
async fn the_directory_finds_people_and_pages() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        for i in 0..30 {
            common::add(&store, &format!("Person {i:02}"), &[Role::Practitioner], Some(if i % 2 == 0 { o.team } else { o.other_team }), None).await;
        }
        let mgr = common::add(&store, "Zoe_Manager", &[Role::TeamManager], Some(o.team), None).await;
        let page = org::directory(&store, &DirectoryQuery::default(), PageRequest::new(Some(2), Some(10))).await.unwrap();
        assert_eq!((page.total, page.items.len(), page.last_page()), (31, 10, 4));
        assert_eq!(page.items[0].name, "Person 10");

        let team = org::directory(&store, &DirectoryQuery { team_id: Some(o.team), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(team.total, 16);
        let found = org::directory(&store, &DirectoryQuery { text: Some("zoe_".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(found.items.iter().map(|e| e.id).collect::<Vec<_>>(), [mgr]);
        assert_eq!(found.items[0].roles, [Role::TeamManager]);
        let wildcard = org::directory(&store, &DirectoryQuery { text: Some("%".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(wildcard.total, 0, "a typed % is a literal, not a wildcard");
        let by_role = org::directory(&store, &DirectoryQuery { role: Some(Role::TeamManager), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(by_role.total, 1);
    }
}

#[tokio::test]
async fn sign_in_failures_are_counted_by_account_source_and_step() {
    use hearth_domain::audit::Outcome;
    use hearth_domain::auth::PasswordFailures;
    use hearth_store::auth::{Attempt, Step, source_key};
    for store in testing::stores().await {
        let key = auth::account_key("Nobody@Hearth.Example");
        assert_eq!(key, auth::account_key("nobody@hearth.example "));
        let other = auth::account_key("other@hearth.example");
        let here = source_key(Some("192.0.2.7".parse().unwrap()), None);
        let there = source_key(Some("198.51.100.9".parse().unwrap()), None);
        assert!(!here.contains("192.0.2.7"), "an address is kept only as a hash");
        let since = hearth_store::now() - time::Duration::minutes(5);
        let fail = |account_key, source_key, step| Attempt { account_key, source_key, step, staff_id: None };
        for _ in 0..4 {
            auth::record_attempt(&store, &AuditContext::system(), fail(&key, &here, Step::Password), "auth.sign_in", Outcome::Failure, "unknown account").await.unwrap();
        }
        auth::record_attempt(&store, &AuditContext::system(), fail(&other, &here, Step::Password), "auth.sign_in", Outcome::Failure, "unknown account").await.unwrap();
        auth::record_attempt(&store, &AuditContext::system(), fail(&key, &there, Step::Password), "auth.sign_in", Outcome::Failure, "unknown account").await.unwrap();
        auth::record_attempt(&store, &AuditContext::system(), fail(&key, &there, Step::Mfa), "auth.mfa", Outcome::Failure, "wrong code").await.unwrap();
        // A refusal under a limit is recorded in the trail but is not counted as another guess.
        auth::record_attempt(&store, &AuditContext::system(), fail(&key, &here, Step::Password), "auth.sign_in", Outcome::Denied, "too many attempts").await.unwrap();
        assert_eq!(
            auth::password_failures(&store, &key, &here, since).await.unwrap(),
            PasswordFailures { account_and_source: 4, address: 5, account: 5, overall: 6 }
        );
        assert_eq!(auth::mfa_failures(&store, &key, since).await.unwrap().0, 1);
        // A correct password clears that account's password failures from that source only, and
        // never its wrong codes.
        auth::record_attempt(&store, &AuditContext::system(), fail(&key, &here, Step::Password), "auth.sign_in", Outcome::Success, "password").await.unwrap();
        assert_eq!(
            auth::password_failures(&store, &key, &here, since).await.unwrap(),
            PasswordFailures { account_and_source: 0, address: 1, account: 1, overall: 2 }
        );
        assert_eq!(auth::mfa_failures(&store, &key, since).await.unwrap().0, 1, "a correct password leaves MFA's count alone");
        auth::record_attempt(&store, &AuditContext::system(), fail(&key, &there, Step::Mfa), "auth.mfa", Outcome::Success, "code").await.unwrap();
        assert_eq!(auth::mfa_failures(&store, &key, since).await.unwrap().0, 0, "a correct code clears it");
    }
}

#[tokio::test]
async fn jobs_are_claimed_once_and_retried_after_failure() {
    use hearth_store::jobs;
    for store in testing::stores().await {
        let mut tx = store.begin().await.unwrap();
        jobs::enqueue(&mut tx, "email", &serde_json::json!({"n": 1}), hearth_store::now()).await.unwrap();
        tx.commit().await.unwrap();
        let lease = time::Duration::minutes(5);
        let job = jobs::claim(&store, "email", lease).await.unwrap().expect("a due job");
        assert_eq!(job.payload["n"], 1);
        assert!(jobs::claim(&store, "email", lease).await.unwrap().is_none(), "a leased job is not claimed twice");
        jobs::fail(&store, job.id, "smtp down", hearth_store::now()).await.unwrap();
        let again = jobs::claim(&store, "email", lease).await.unwrap().expect("retried");
        assert_eq!(again.attempts, 2);
        jobs::complete(&store, again.id).await.unwrap();
        assert!(jobs::claim(&store, "email", lease).await.unwrap().is_none());
    }
}

/// An invitation works once, for its person while they are here and have no password, and a new
/// one ends the old; its use and the password commit together, audited as them.
#[tokio::test]
async fn an_invitation_sets_a_first_password_once() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let hr = common::add(&store, "Hana Hr", &[Role::Hr], Some(o.team), None).await;
        let new = common::add(&store, "Nia New", &[Role::Practitioner], Some(o.team), None).await;
        let ctx = AuditContext::actor(hr, None);
        let first = auth::invite(&store, &ctx, new).await.unwrap();
        let second = auth::invite(&store, &ctx, new).await.unwrap();
        assert_eq!(auth::invited(&store, &first).await.unwrap(), None, "a new link ends the old one");
        assert_eq!(auth::invited(&store, &second).await.unwrap().map(|(id, name, _)| (id, name)), Some((new, "Nia New".to_string())));
        assert!(matches!(auth::accept_invitation(&store, &first, "hash", None).await, Err(StoreError::NotFound)));
        assert_eq!(auth::accept_invitation(&store, &second, "the-hash", None).await.unwrap(), new);
        assert_eq!(auth::credentials_by_id(&store, new).await.unwrap().unwrap().password_hash.as_deref(), Some("the-hash"));
        assert!(matches!(auth::accept_invitation(&store, &second, "again", None).await, Err(StoreError::NotFound)), "it works once");
        assert!(matches!(auth::invite(&store, &ctx, new).await, Err(StoreError::NotEditable(_))), "they have a password now");
        let used = hearth_store::audit::search(
            &store,
            &hearth_store::audit::AuditQuery { actor_id: Some(new.to_string()), action_prefix: Some("auth.invitation_used".into()), ..Default::default() },
            PageRequest::new(None, None),
        )
        .await
        .unwrap();
        assert_eq!(used.total, 1, "audited as the person themselves");
        // Someone who has left cannot be invited, and their link stops working.
        let leaving = common::add(&store, "Lee Leaving", &[Role::Practitioner], Some(o.team), None).await;
        let link = auth::invite(&store, &ctx, leaving).await.unwrap();
        org::record_leaver(&store, &ctx, leaving, time::macros::date!(2026 - 11 - 30), 1).await.unwrap();
        assert_eq!(auth::invited(&store, &link).await.unwrap(), None);
        assert!(auth::invite(&store, &ctx, leaving).await.is_err());
    }
}
