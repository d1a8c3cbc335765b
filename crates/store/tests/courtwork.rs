//! Court work on both engines: drafting with stale saves refused, sign-off, filing as an immutable
//! document with its SHA-256 audited, earned autonomy, and authority checked inside the filing
//! transaction even when a revocation races it.

mod common;

use hearth_domain::cases::CaseStatus;
use hearth_domain::courtwork::{FilingMethod, FilingRoute, Sections, WorkStatus, default_template};
use hearth_domain::documents::sha256_hex;
use hearth_domain::org::Role;
use hearth_domain::quality::{AutonomyChange, AutonomySettings, Grade, WorkType};
use hearth_store::courtwork::{self, Filing};
use hearth_store::documents::{self, Files};
use hearth_store::{AuditContext, Store, StoreError, cases, quality, testing};
use sqlx::Row;
use uuid::Uuid;

const N3: AutonomySettings = AutonomySettings { pieces_to_earn: 3 };

struct Team {
    manager: Uuid,
    worker: Uuid,
    case: Uuid,
}

async fn team(store: &Store) -> Team {
    let o = common::small_org(store).await;
    let manager = common::add(store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
    let worker = common::add(store, "Wes Worker", &[Role::Practitioner], Some(o.team), Some(manager)).await;
    let case = open_case(store, o.team, worker).await;
    Team { manager, worker, case }
}

async fn open_case(store: &Store, team: Uuid, worker: Uuid) -> Uuid {
    let id = common::open_private_case(store, team).await;
    let v = cases::case_record(store, id).await.unwrap().version;
    hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), id, Some(worker), "Knows the family", Default::default(), v).await.unwrap();
    id
}

fn as_(who: Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

/// Every required section of a section 7 report, written.
fn complete() -> Sections {
    default_template(WorkType::Section7Report).into_iter().map(|s| (s.key.clone(), format!("What I found about {}.", s.heading.to_lowercase()))).collect()
}

async fn draft(store: &Store, t: &Team) -> (Uuid, i64) {
    let id = courtwork::start(store, &as_(t.worker), t.case, WorkType::Section7Report, t.worker).await.unwrap();
    let v = courtwork::save(store, &as_(t.worker), id, &complete(), 1).await.unwrap();
    (id, v)
}

fn filing(pdf: &[u8], version: i64) -> Filing<'_> {
    Filing { method: FilingMethod::SecureEmail, withheld_from: None, pdf, title: "Section 7 report", version }
}

/// Drafts, submits and approves one report with a grade, then files it.
async fn signed_off(store: &Store, files: &Files, t: &Team, grade: Grade) -> Option<AutonomyChange> {
    let (id, v) = draft(store, t).await;
    courtwork::submit(store, &as_(t.worker), id, v).await.unwrap();
    let change = courtwork::approve(store, &as_(t.manager), id, grade, v + 1, &N3).await.unwrap();
    courtwork::file(store, files, &Default::default(), &as_(t.worker), id, &filing(b"%PDF-1.7 signed off", v + 2)).await.unwrap();
    change
}

fn refused_field(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Refused(e)) => e.field.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_report_goes_from_draft_through_return_and_approval_to_a_filed_document() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let files = documents::memory_files();
        let id = courtwork::start(&store, &as_(t.worker), t.case, WorkType::Section7Report, t.worker).await.unwrap();
        let partial = Sections::from([("wishes_and_feelings".to_string(), "She wants to stay at her school.".to_string())]);
        assert_eq!(courtwork::save(&store, &as_(t.worker), id, &partial, 1).await.unwrap(), 2);
        // A save from a page read before that one is refused, not merged.
        assert!(matches!(courtwork::save(&store, &as_(t.worker), id, &complete(), 1).await, Err(StoreError::Conflict { current: 2 })));
        assert_eq!(courtwork::get(&store, id).await.unwrap().sections, partial);
        assert_eq!(refused_field(courtwork::submit(&store, &as_(t.worker), id, 2).await), "section-needs", "incomplete work is not submitted");

        courtwork::save(&store, &as_(t.worker), id, &complete(), 2).await.unwrap();
        courtwork::submit(&store, &as_(t.worker), id, 3).await.unwrap();
        assert_eq!(refused_field(courtwork::save(&store, &as_(t.worker), id, &partial, 4).await), "sections", "submitted work waits for the manager");
        assert_eq!(refused_field(courtwork::approve(&store, &as_(t.worker), id, Grade::Good, 4, &N3).await), "decision", "nobody signs off their own work");
        assert_eq!(refused_field(courtwork::return_work(&store, &as_(t.manager), id, &[], 4).await), "comments");

        let comment = ("analysis".to_string(), "Say how the checklist points weigh against each other.".to_string());
        courtwork::return_work(&store, &as_(t.manager), id, std::slice::from_ref(&comment), 4).await.unwrap();
        let w = courtwork::get(&store, id).await.unwrap();
        assert_eq!(w.status, WorkStatus::Returned);
        let comments = courtwork::comments(&store, id).await.unwrap();
        assert_eq!((comments[0].round, comments[0].section_key.as_str(), comments[0].body.as_str()), (1, "analysis", comment.1.as_str()));
        assert_eq!(refused_field(courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(b"%PDF-1.7", 5)).await), "authority", "no authority yet, so no filing without sign-off");

        let mut better = complete();
        better.insert("analysis".into(), "Weighed together, the checklist favours her staying with her mother.".into());
        courtwork::save(&store, &as_(t.worker), id, &better, 5).await.unwrap();
        courtwork::submit(&store, &as_(t.worker), id, 6).await.unwrap();
        assert_eq!(courtwork::approve(&store, &as_(t.manager), id, Grade::Good, 7, &N3).await.unwrap(), None, "one good piece of three");

        let pdf = b"%PDF-1.7 the filed report".to_vec();
        let filed = courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(&pdf, 8)).await.unwrap();
        assert_eq!((filed.route, filed.sha256.as_str()), (FilingRoute::AfterSignOff, sha256_hex(&pdf).as_str()));
        let w = courtwork::get(&store, id).await.unwrap();
        assert_eq!((w.status, w.filing_method, w.filed_by.map(|f| f.id), w.document_id), (WorkStatus::Filed, Some(FilingMethod::SecureEmail), Some(t.worker), Some(filed.document_id)));
        let (doc, bytes) = documents::download(&store, &files, &as_(t.worker), t.case, filed.document_id).await.unwrap();
        assert_eq!((doc.sha256, bytes.to_vec()), (sha256_hex(&pdf), pdf.clone()));
        assert_eq!(refused_field(courtwork::save(&store, &as_(t.worker), id, &partial, 9).await), "sections", "filed work never changes");
        let audited: String = sqlx::query("SELECT detail FROM audit_events WHERE action = 'work.filed'").fetch_one(store.pool()).await.unwrap().get(0);
        assert!(audited.contains(&sha256_hex(&pdf)), "the filed PDF's SHA-256 is in the audit trail: {audited}");
        assert_eq!(courtwork::revisions(&store, id).await.unwrap().len(), 3, "every save is kept");
        hearth_store::audit::verify(&store).await.unwrap().expect("the audit chain is whole");
    }
}

#[tokio::test]
async fn three_good_pieces_earn_autonomy_and_one_below_good_takes_it_away() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let files = documents::memory_files();
        assert_eq!(signed_off(&store, &files, &t, Grade::Good).await, None);
        assert_eq!(signed_off(&store, &files, &t, Grade::Outstanding).await, None);
        assert_eq!(signed_off(&store, &files, &t, Grade::Good).await, Some(AutonomyChange::Granted));
        let standing = quality::standing(&store, t.worker).await.unwrap();
        assert!(standing.iter().find(|(w, _)| *w == WorkType::Section7Report).unwrap().1.authorised);
        assert!(!standing.iter().find(|(w, _)| *w == WorkType::SafeguardingLetter).unwrap().1.authorised, "never carried to another work type");

        // The fourth is filed straight from the draft.
        let (id, v) = draft(&store, &t).await;
        let filed = courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(b"%PDF-1.7 four", v)).await.unwrap();
        assert_eq!(filed.route, FilingRoute::OwnAuthority);

        // A piece graded below good at sign-off takes it away.
        assert_eq!(signed_off(&store, &files, &t, Grade::RequiresImprovement).await, Some(AutonomyChange::Lost));
        let (id, v) = draft(&store, &t).await;
        assert_eq!(refused_field(courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(b"%PDF-1.7 six", v)).await), "authority");
        let history = quality::history(&store, t.worker, 50).await.unwrap();
        assert_eq!(history.iter().filter_map(|e| e.change).collect::<Vec<_>>(), vec![AutonomyChange::Lost, AutonomyChange::Granted]);
        let actions: Vec<String> = sqlx::query("SELECT action FROM audit_events WHERE action LIKE 'autonomy.%' ORDER BY seq").fetch_all(store.pool()).await.unwrap().iter().map(|r| r.get(0)).collect();
        assert_eq!(actions, vec!["autonomy.granted", "autonomy.lost"]);
    }
}

#[tokio::test]
async fn authority_revoked_a_moment_before_filing_is_never_used() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let files = documents::memory_files();
        for g in [Grade::Good, Grade::Good, Grade::Good] {
            signed_off(&store, &files, &t, g).await;
        }
        // Revoked, then filed: refused.
        quality::revoke(&store, &as_(t.manager), t.worker, WorkType::Section7Report, "Concerns raised by the court", &N3).await.unwrap();
        let (id, v) = draft(&store, &t).await;
        assert_eq!(refused_field(courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(b"%PDF-1.7", v)).await), "authority");
        assert_eq!(courtwork::get(&store, id).await.unwrap().status, WorkStatus::Draft, "nothing of the refused filing is kept");

        // Revocation and filing at the same moment, many times: the filing uses authority only if
        // it committed before the revocation did.
        let mut filed_alone = 0;
        for round in 0..8 {
            for g in [Grade::Good, Grade::Good, Grade::Good] {
                signed_off(&store, &files, &t, g).await;
            }
            let (id, v) = draft(&store, &t).await;
            let pdf = format!("%PDF-1.7 race {round}").into_bytes();
            let f = filing(&pdf, v);
            let ctx_w = as_(t.worker);
            let ctx_m = as_(t.manager);
            let deadlines = Default::default();
            let (filed, revoked) = tokio::join!(
                courtwork::file(&store, &files, &deadlines, &ctx_w, id, &f),
                quality::revoke(&store, &ctx_m, t.worker, WorkType::Section7Report, "Spot check found gaps", &N3)
            );
            revoked.unwrap();
            let seq = |action: &'static str| {
                let store = &store;
                async move {
                    let r = sqlx::query("SELECT MAX(seq) FROM audit_events WHERE action = $1").bind(action).fetch_one(store.pool()).await.unwrap();
                    r.get::<Option<i64>, _>(0)
                }
            };
            match filed {
                Ok(f) => {
                    assert_eq!(f.route, FilingRoute::OwnAuthority);
                    let (filed_at, revoked_at) = (seq("work.filed").await.unwrap(), seq("autonomy.revoked").await.unwrap());
                    assert!(filed_at < revoked_at, "filed on authority after it was revoked (round {round})");
                    filed_alone += 1;
                }
                Err(StoreError::Refused(e)) => assert_eq!(e.field, "authority"),
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        println!("{:?}: filed before the revocation in {filed_alone} of 8 rounds", store.engine());
        hearth_store::audit::verify(&store).await.unwrap().expect("the audit chain is whole");
    }
}

#[tokio::test]
async fn filing_a_case_closure_closes_the_case_and_a_letter_can_be_withheld_only_from_a_party() {
    for store in testing::stores().await {
        let t = team(&store).await;
        let files = documents::memory_files();
        let letter = courtwork::start(&store, &as_(t.worker), t.case, WorkType::SafeguardingLetter, t.worker).await.unwrap();
        let text: Sections = default_template(WorkType::SafeguardingLetter).into_iter().map(|s| (s.key, "Checked.".to_string())).collect();
        let v = courtwork::save(&store, &as_(t.worker), letter, &text, 1).await.unwrap();
        courtwork::submit(&store, &as_(t.worker), letter, v).await.unwrap();
        courtwork::approve(&store, &as_(t.manager), letter, Grade::Good, v + 1, &N3).await.unwrap();
        let mut f = filing(b"%PDF-1.7 letter", v + 2);
        f.withheld_from = Some(Uuid::now_v7());
        assert!(matches!(courtwork::file(&store, &files, &Default::default(), &as_(t.worker), letter, &f).await, Err(StoreError::MissingReference { field: "withheld_from" })));

        let closure = courtwork::start(&store, &as_(t.worker), t.case, WorkType::CaseClosure, t.worker).await.unwrap();
        let text: Sections = default_template(WorkType::CaseClosure).into_iter().map(|s| (s.key, "Final order made by consent.".to_string())).collect();
        let v = courtwork::save(&store, &as_(t.worker), closure, &text, 1).await.unwrap();
        courtwork::submit(&store, &as_(t.worker), closure, v).await.unwrap();
        courtwork::approve(&store, &as_(t.manager), closure, Grade::Good, v + 1, &N3).await.unwrap();
        courtwork::file(&store, &files, &Default::default(), &as_(t.worker), closure, &filing(b"%PDF-1.7 closure", v + 2)).await.unwrap();
        assert_eq!(cases::case_record(&store, t.case).await.unwrap().status, CaseStatus::Closed);
        assert!(matches!(courtwork::start(&store, &as_(t.worker), t.case, WorkType::Section7Report, t.worker).await, Err(StoreError::Closed)));
    }
}

#[tokio::test]
async fn a_dip_sample_is_proposed_swapped_audited_and_moderated_and_its_grade_can_take_autonomy_away() {
    use hearth_domain::quality::{Cadence, ImpactOutcome, Period};
    use hearth_store::quality::samples::{self, SampleAudit};
    for store in testing::stores().await {
        let t = team(&store).await;
        let files = documents::memory_files();
        for g in [Grade::Good, Grade::Good, Grade::Good] {
            signed_off(&store, &files, &t, g).await;
        }
        for n in 0..3 {
            let (id, v) = draft(&store, &t).await;
            courtwork::file(&store, &files, &Default::default(), &as_(t.worker), id, &filing(format!("%PDF-1.7 alone {n}").as_bytes(), v)).await.unwrap();
        }
        let period = Period::containing(hearth_store::now().date(), Cadence::Quarterly);
        // The three filed on authority just earned are the risky ones; the draw itself is tested
        // in the domain, with fixed seeds (these ids, and so this draw's seed, change every run).
        let mut conn = store.pool().acquire().await.unwrap();
        let pool = samples::candidates(&mut conn, t.worker, &period, &Default::default()).await.unwrap();
        drop(conn);
        assert_eq!((pool.len(), pool.iter().filter(|(_, c)| c.newly_autonomous).count()), (6, 3));
        assert_eq!(samples::propose(&store, &as_(t.manager), t.manager, &[t.worker], &period, &Default::default()).await.unwrap(), 3);
        assert_eq!(samples::propose(&store, &as_(t.manager), t.manager, &[t.worker], &period, &Default::default()).await.unwrap(), 0, "K per worker per period, not more");
        let list = samples::for_workers(&store, &[t.worker]).await.unwrap();
        assert_eq!(list.len(), 3);
        use hearth_domain::quality::SampleBasis;
        assert!(list.iter().all(|s| matches!(s.basis, SampleBasis::Random | SampleBasis::NewlyAutonomous)), "each says why it was chosen");

        // Swap one for the one piece not proposed, with a reason.
        let filed: Vec<Uuid> = courtwork::for_case(&store, t.case).await.unwrap().into_iter().filter(|w| w.status == WorkStatus::Filed).map(|w| w.id).collect();
        let spare = *filed.iter().find(|w| !list.iter().any(|s| s.work_id == **w)).unwrap();
        let first = &list[0];
        samples::swap(&store, &as_(t.manager), first.id, spare, "The court asked about this one", first.version).await.unwrap();
        let swapped = samples::get(&store, first.id).await.unwrap();
        assert_eq!((swapped.work_id, swapped.swap_reason.as_deref()), (spare, Some("The court asked about this one")));
        assert!(matches!(samples::swap(&store, &as_(t.manager), first.id, list[1].work_id, "x", swapped.version).await, Err(StoreError::Duplicate { .. })), "a piece is sampled once");

        // Graded requires improvement: the worker's section 7 autonomy goes.
        let audit = SampleAudit {
            grade: Grade::RequiresImprovement,
            outcomes: ImpactOutcome::ALL.iter().map(|o| (*o, Grade::Good)).collect(),
            strengths: "Warm, child-centred writing.".into(),
            areas_to_develop: "Analysis did not weigh the risk.".into(),
            actions: vec![("Reflective supervision on risk analysis".into(), time::macros::date!(2027 - 01 - 15))],
        };
        assert_eq!(samples::audit_sample(&store, &as_(t.manager), first.id, &audit, swapped.version, &N3).await.unwrap(), Some(AutonomyChange::Lost));
        let done = samples::get(&store, first.id).await.unwrap();
        assert_eq!((done.grade, done.actions.len(), done.outcomes.len()), (Some(Grade::RequiresImprovement), 1, 4));
        assert!(!quality::standing(&store, t.worker).await.unwrap().iter().find(|(w, _)| *w == WorkType::Section7Report).unwrap().1.authorised);
        assert!(matches!(samples::audit_sample(&store, &as_(t.manager), first.id, &audit, swapped.version, &N3).await, Err(StoreError::Conflict { .. })), "audited once");

        // Moderation: never by the auditor; another manager agrees or not.
        assert!(matches!(samples::moderate(&store, &as_(t.manager), first.id, true, None, "Fair").await, Err(StoreError::Refused(_))));
        let second = common::add(&store, "Sam Second", &[Role::TeamManager], None, None).await;
        samples::moderate(&store, &as_(second), first.id, false, Some(Grade::Inadequate), "The risk gaps make it inadequate").await.unwrap();
        let m = samples::get(&store, first.id).await.unwrap().moderation.unwrap();
        assert_eq!((m.agrees, m.grade), (false, Some(Grade::Inadequate)));
    }
}
