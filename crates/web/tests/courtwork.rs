//! Court work through the real router on real databases, with the real typesetter: a section 7
//! report drafted, refused while incomplete, returned with comments, approved and filed as a PDF;
//! earned autonomy letting the fourth go straight to court; and the API's answers to bad input.

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::{App, body, location, session, staff};
use hearth_domain::cases::{ApplicationKind, LawType, NewAddress, NewCase, NewParticipant, PartyRole, PersonKind};
use hearth_domain::courtwork::default_template;
use hearth_domain::org::Role;
use hearth_domain::quality::WorkType;
use hearth_store::{AuditContext, Store, cases, new_id, org, testing};
use uuid::Uuid;

struct World {
    app: App,
    worker: Uuid,
    manager: Uuid,
    colleague: Uuid,
    case: Uuid,
}

async fn case_for(store: &Store, team: Uuid, worker: Uuid) -> Uuid {
    let c = NewCase {
        court_case_number: "BS26P00077".into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: org::courts(store).await.unwrap()[0].id,
        local_authority_id: None,
        team_id: team,
        received_on: time::macros::date!(2026 - 11 - 02),
        urgent: false,
        first_hearing_on: Some(time::macros::date!(2026 - 12 - 07)),
        issued_on: None,
        flags: vec![],
    };
    let ctx = AuditContext::system();
    let (id, _) = cases::create(store, &ctx, &c, &[]).await.unwrap();
    hearth_store::workload::allocate(store, &Default::default(), &ctx, id, Some(worker), "Has capacity", Default::default(), 1).await.unwrap();
    let child = NewParticipant {
        full_name: "Poppy Amberley".into(),
        date_of_birth: Some(time::macros::date!(2018 - 03 - 09)),
        kind: PersonKind::Child,
        role: PartyRole::SubjectChild,
        relationship: None,
        contact: None,
        no_texts: false,
        address_withheld: false,
        interpreter_language: None,
        address: Some(NewAddress { line: "2 Mill Lane".into(), postcode: "BS1 4DJ".into(), local_authority_id: None, from: time::macros::date!(2018 - 03 - 09), to: None }),
    };
    cases::add_participant(store, &ctx, id, &child).await.unwrap();
    id
}

async fn world(store: &Store) -> World {
    let team = common::team(store, "Bristol team").await;
    let manager = staff(store, "Mara Manager", &[Role::TeamManager], team, None).await;
    let worker = staff(store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
    let colleague = staff(store, "Cleo Colleague", &[Role::Practitioner], team, Some(manager)).await;
    let case = case_for(store, team, worker).await;
    let config = hearth_web::WebConfig { typesetter: Arc::new(|r| hearth_docs::report_pdf(r).map_err(|e| e.to_string())), ..Default::default() };
    World { app: App::with_config(store, config).await, worker, manager, colleague, case }
}

fn encode(s: &str) -> String {
    hearth_web::page::url_encode(s)
}

/// The form body that writes every section of a section 7 report.
fn complete_form(version: i64, action: &str) -> String {
    let mut f = format!("version={version}&action={action}");
    for s in default_template(WorkType::Section7Report) {
        f.push_str(&format!("&section-{}={}", s.key, encode(&format!("Poppy's {}: written up.", s.heading.to_lowercase()))));
    }
    f
}

async fn version_of(app: &App, id: &str, who: &str) -> i64 {
    let res = app.json(Method::GET, &format!("/api/v1/work/{id}"), who, "").await;
    let v: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
    v["version"].as_i64().unwrap()
}

/// Starts a section 7 report through the page and gives its id.
async fn start(app: &App, case: Uuid, who: &str) -> String {
    let res = app.send(Method::POST, &format!("/cases/{case}/work/new"), Some(who), Some("work_type=section_7_report")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res).trim_start_matches("/work/").to_string()
}

#[tokio::test]
async fn a_report_is_drafted_returned_approved_and_filed_as_a_pdf_and_the_fourth_goes_straight_to_court() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let app = &w.app;
        let (me, boss, peer) = (session(&store, w.worker).await, session(&store, w.manager).await, session(&store, w.colleague).await);

        let id = start(app, w.case, &me).await;
        let page = body(app.send(Method::GET, &format!("/work/{id}"), Some(&me), None).await).await;
        assert!(page.contains("The child&#39;s wishes and feelings") || page.contains("The child's wishes and feelings"), "the template's sections are on the page");
        assert!(page.contains("0 of 3 towards section 7 report autonomy"));

        // Submitting with sections empty is refused with the GOV.UK error summary, and nothing is lost.
        let res = app.send(Method::POST, &format!("/work/{id}"), Some(&me), Some("version=1&action=submit&section-analysis=Half+an+analysis")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("Write the section"), "{page}");
        assert!(page.contains("Half an analysis"), "what was typed is kept");

        let res = app.send(Method::POST, &format!("/work/{id}"), Some(&me), Some(&complete_form(1, "submit"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(body(app.send(Method::GET, "/", Some(&boss), None).await).await.contains("Waiting for your sign-off"));

        // A colleague may neither review nor see grades; the manager returns it with a comment.
        assert_eq!(app.send(Method::GET, &format!("/work/{id}/review"), Some(&peer), None).await.status(), StatusCode::FORBIDDEN);
        let v = version_of(app, &id, &me).await;
        let res = app.send(Method::POST, &format!("/work/{id}/review"), Some(&boss), Some(&format!("version={v}&decision=return"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a return needs a comment");
        assert!(body(res).await.contains("Write a comment on at least one section"));
        let res = app.send(Method::POST, &format!("/work/{id}/review"), Some(&boss), Some(&format!("version={v}&decision=return&comment-analysis=Weigh+the+checklist+together"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &format!("/work/{id}"), Some(&me), None).await).await;
        assert!(page.contains("Returned with comments") && page.contains("Weigh the checklist together"), "the comment shows against its section");

        let v = version_of(app, &id, &me).await;
        assert_eq!(app.send(Method::POST, &format!("/work/{id}"), Some(&me), Some(&complete_form(v, "submit"))).await.status(), StatusCode::SEE_OTHER);
        let v = version_of(app, &id, &me).await;
        let res = app.send(Method::POST, &format!("/work/{id}/review"), Some(&boss), Some(&format!("version={v}&decision=approve"))).await;
        assert!(body(res).await.contains("Choose a grade"));
        let res = app.send(Method::POST, &format!("/work/{id}/review"), Some(&boss), Some(&format!("version={v}&decision=approve&grade=good"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        // Filing makes the PDF, keeps it on the case and audits its SHA-256.
        let v = version_of(app, &id, &me).await;
        let res = app.send(Method::POST, &format!("/work/{id}/file"), Some(&me), Some(&format!("version={v}"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a filing method is needed");
        let res = app.send(Method::POST, &format!("/work/{id}/file"), Some(&me), Some(&format!("version={v}&method=secure_email"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let detail: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/work/{id}"), &me, "").await).await).unwrap();
        assert_eq!((detail["status"].as_str(), detail["filing_route"].as_str()), (Some("filed"), Some("after_sign_off")));
        let doc = detail["document_id"].as_str().unwrap();
        let pdf = axum::body::to_bytes(app.send(Method::GET, &format!("/cases/{}/documents/{doc}", w.case), Some(&me), None).await.into_body(), 10 << 20).await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let sha = hearth_domain::documents::sha256_hex(&pdf);
        let audit = hearth_store::audit::search(&store, &hearth_store::audit::AuditQuery { action_prefix: Some("work.filed".into()), ..Default::default() }, hearth_store::PageRequest::new(None, None)).await.unwrap();
        assert!(audit.items[0].detail.as_deref().unwrap_or_default().contains(&sha), "the filed PDF's SHA-256 is audited");

        // Two more good pieces earn autonomy; the fourth is filed without sign-off.
        for _ in 0..2 {
            let id = start(app, w.case, &me).await;
            app.send(Method::POST, &format!("/work/{id}"), Some(&me), Some(&complete_form(1, "submit"))).await;
            let v = version_of(app, &id, &me).await;
            app.send(Method::POST, &format!("/work/{id}/review"), Some(&boss), Some(&format!("version={v}&decision=approve&grade=outstanding"))).await;
            let v = version_of(app, &id, &me).await;
            assert_eq!(app.send(Method::POST, &format!("/work/{id}/file"), Some(&me), Some(&format!("version={v}&method=court_portal"))).await.status(), StatusCode::SEE_OTHER);
        }
        let id = start(app, w.case, &me).await;
        let page = body(app.send(Method::GET, &format!("/work/{id}"), Some(&me), None).await).await;
        assert!(page.contains("Save and file without sign-off") && page.contains("Section 7 report: files without sign-off"));
        let res = app.send(Method::POST, &format!("/work/{id}"), Some(&me), Some(&complete_form(1, "file"))).await;
        assert_eq!(location(&res), format!("/work/{id}/file"));
        let res = app.send(Method::POST, &format!("/work/{id}/file"), Some(&me), Some("version=2&method=by_hand")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let detail: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/work/{id}"), &me, "").await).await).unwrap();
        assert_eq!(detail["filing_route"].as_str(), Some("own_authority"));

        // Grades are the worker's and their manager's, never a colleague's.
        assert_eq!(app.send(Method::GET, &format!("/staff/{}/autonomy", w.worker), Some(&peer), None).await.status(), StatusCode::FORBIDDEN);
        let mine: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/staff/{}/autonomy", w.worker), &me, "").await).await).unwrap();
        let s7 = mine["standing"].as_array().unwrap().iter().find(|s| s["work_type"] == "section_7_report").unwrap();
        assert_eq!(s7["authorised"], true);
        let page = body(app.send(Method::GET, &format!("/staff/{}/autonomy", w.worker), Some(&boss), None).await).await;
        assert!(page.contains("Revoke autonomy") && page.contains("Granted"));
        let res = app.send(Method::POST, &format!("/staff/{}/autonomy/revoke", w.worker), Some(&boss), Some("work_type=section_7_report&reason=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a revocation needs its reason");
        let res = app.send(Method::POST, &format!("/staff/{}/autonomy/revoke", w.worker), Some(&boss), Some("work_type=section_7_report&reason=The+court+raised+concerns")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&app.send(Method::GET, "/my/autonomy", Some(&me), None).await), format!("/staff/{}/autonomy", w.worker));
        let page = body(app.send(Method::GET, &format!("/staff/{}/autonomy", w.worker), Some(&me), None).await).await;
        assert!(page.contains("The court raised concerns") && page.contains("0 of 3 towards section 7 report autonomy"), "the worker sees the revocation and its reason");

        // Dip sampling: the manager gets a proposal; a colleague cannot sample.
        assert_eq!(app.send(Method::GET, "/samples", Some(&peer), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, "/samples/propose", Some(&boss), Some("")).await.status(), StatusCode::SEE_OTHER);
        let list: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, "/api/v1/samples", &boss, "").await).await).unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "three of the worker's four filed pieces");
        assert!(body(app.send(Method::GET, "/", Some(&boss), None).await).await.contains("3 due this period"));
        let sample = list["items"][0]["id"].as_str().unwrap().to_string();
        let res = app.send(Method::POST, &format!("/samples/{sample}"), Some(&boss), Some("version=1&grade=requires_improvement")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("Judge whether the child was safe") && page.contains("Enter the strengths of the work"), "every missing part is named");
        let form = "version=1&grade=requires_improvement&outcome-safe=good&outcome-heard=good&outcome-better_represented=requires_improvement&outcome-enabled=good\
            &strengths=Clear+voice+of+the+child&areas_to_develop=Weigh+the+risks&action-1=Supervision+on+analysis&action-1-due-day=1&action-1-due-month=1&action-1-due-year=2099";
        assert_eq!(app.send(Method::POST, &format!("/samples/{sample}"), Some(&boss), Some(form)).await.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &format!("/samples/{sample}"), Some(&boss), None).await).await;
        assert!(page.contains("Supervision on analysis") && page.contains("Requires improvement"));

        // A manager of another team holds the sampling permission, but not for this worker: every
        // route naming the sample refuses them (the sample exists: its own manager just read it).
        let elsewhere = new_id();
        let area = org::area_refs(&store).await.unwrap()[1].id;
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, elsewhere, "Far team", area, None).await.unwrap();
        tx.commit().await.unwrap();
        let other = staff(&store, "Otis Other", &[Role::TeamManager, Role::ServiceManager], elsewhere, None).await;
        let other = session(&store, other).await;
        for (method, path, form) in [
            (Method::GET, format!("/samples/{sample}"), None),
            (Method::POST, format!("/samples/{sample}"), Some(form)),
            (Method::GET, format!("/samples/{sample}/swap"), None),
            (Method::POST, format!("/samples/{sample}/swap"), Some("version=2&work_id=&reason=Swap")),
            (Method::POST, format!("/samples/{sample}/moderate"), Some("agrees=yes&comment=Fine")),
        ] {
            assert_eq!(app.send(method.clone(), &path, Some(&other), form).await.status(), StatusCode::FORBIDDEN, "{method} {path} by another team's manager");
        }
    }
}

#[tokio::test]
async fn the_api_refuses_stale_saves_unknown_sections_filing_without_authority_and_signing_off_ones_own_work() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let app = &w.app;
        let (me, boss) = (session(&store, w.worker).await, session(&store, w.manager).await);
        let res = app.json(Method::POST, &format!("/api/v1/cases/{}/work", w.case), &me, r#"{"work_type":"final_analysis"}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a public-law type on a private-law case");
        assert!(body(res).await.contains("work_type"));
        let res = app.json(Method::POST, &format!("/api/v1/cases/{}/work", w.case), &me, r#"{"work_type":"section_7_report"}"#).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let id = created["id"].as_str().unwrap().to_string();

        let patch = |version: Option<&str>, json: &str| {
            let req = axum::http::Request::builder()
                .method(Method::PATCH)
                .uri(format!("/api/v1/work/{id}"))
                .header("cookie", format!("hearth_csrf={}; hearth_session={me}", common::CSRF))
                .header("x-csrf-token", common::CSRF)
                .header("content-type", "application/json");
            let req = match version {
                Some(v) => req.header("if-match", v),
                None => req,
            };
            let req = req.body(axum::body::Body::from(json.to_string())).unwrap();
            let router = app.router.clone();
            async move { tower::ServiceExt::oneshot(router, req).await.unwrap() }
        };
        assert_eq!(patch(None, r#"{"sections":{}}"#).await.status(), StatusCode::PRECONDITION_REQUIRED);
        let res = patch(Some("\"1\""), r#"{"sections":{"no_such_section":"x"}}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("section-no_such_section"));
        let res = patch(Some("\"1\""), r#"{"sections":{"analysis":"First go."}}"#).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["etag"], "\"2\"");
        let res = patch(Some("\"1\""), r#"{"sections":{"analysis":"From a stale tab."}}"#).await;
        assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "a stale save is refused, never merged");
        let now: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/work/{id}"), &me, "").await).await).unwrap();
        assert_eq!(now["sections"]["analysis"], "First go.");

        let res = app.json(Method::POST, &format!("/api/v1/work/{id}/submit"), &me, r#"{"version":2}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "incomplete");
        let res = app.json(Method::POST, &format!("/api/v1/work/{id}/file"), &me, r#"{"version":2,"method":"secure_email"}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("authority"), "no authority to file without sign-off");

        // A manager writing their own case's report cannot sign it off themselves.
        let own_case = case_for(&store, org::placement(&store, w.manager).await.unwrap().team_id.unwrap(), w.manager).await;
        let res = app.json(Method::POST, &format!("/api/v1/cases/{own_case}/work"), &boss, r#"{"work_type":"safeguarding_letter"}"#).await;
        let created: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let letter = created["id"].as_str().unwrap().to_string();
        let sections: serde_json::Map<String, serde_json::Value> = default_template(WorkType::SafeguardingLetter).into_iter().map(|s| (s.key, serde_json::Value::from("Checked and safe."))).collect();
        let req = axum::http::Request::builder()
            .method(Method::PATCH)
            .uri(format!("/api/v1/work/{letter}"))
            .header("cookie", format!("hearth_csrf={}; hearth_session={boss}", common::CSRF))
            .header("x-csrf-token", common::CSRF)
            .header("if-match", "\"1\"")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(serde_json::json!({ "sections": sections }).to_string()))
            .unwrap();
        assert_eq!(tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap().status(), StatusCode::OK);
        assert_eq!(app.json(Method::POST, &format!("/api/v1/work/{letter}/submit"), &boss, r#"{"version":2}"#).await.status(), StatusCode::OK);
        let res = app.json(Method::POST, &format!("/api/v1/work/{letter}/approve"), &boss, r#"{"version":3,"grade":"good"}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("You cannot sign off your own work"));

        let doc: serde_json::Value = serde_json::from_str(&body(app.send(Method::GET, "/api/v1/openapi.json", None, None).await).await).unwrap();
        for path in ["/api/v1/cases/{id}/work", "/api/v1/work/{id}", "/api/v1/work/{id}/submit", "/api/v1/work/{id}/approve", "/api/v1/work/{id}/return", "/api/v1/work/{id}/file", "/api/v1/staff/{id}/autonomy"] {
            assert!(doc["paths"].get(path).is_some(), "{path} is in the OpenAPI document");
        }
    }
}

#[tokio::test]
async fn an_administrator_publishes_a_template_version_and_managers_see_quality_figures_for_their_reach_only() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let app = &w.app;
        let team = org::placement(&store, w.manager).await.unwrap().team_id.unwrap();
        let admin = staff(&store, "Ada Admin", &[Role::SystemAdmin], team, None).await;
        let (me, boss, root) = (session(&store, w.worker).await, session(&store, w.manager).await, session(&store, admin).await);

        // A draft started now keeps version 1 after version 2 is published.
        let old = start(app, w.case, &me).await;
        assert_eq!(app.send(Method::GET, "/admin/templates", Some(&me), None).await.status(), StatusCode::FORBIDDEN);
        let page = body(app.send(Method::GET, "/admin/templates/section_7_report", Some(&root), None).await).await;
        assert!(page.contains("Publish version 2"));
        let res = app.send(Method::POST, "/admin/templates/section_7_report", Some(&root), Some("version=1&heading-1=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a template needs a section");
        let form = "version=1&key-1=wishes_and_feelings&heading-1=The+child%27s+wishes+and+feelings&required=1&heading-2=Domestic+abuse+screening&guidance-2=Child+Impact+Assessment+Framework&required=2";
        assert_eq!(app.send(Method::POST, "/admin/templates/section_7_report", Some(&root), Some(form)).await.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, "/admin/templates/section_7_report", Some(&root), Some(form)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "publishing from a stale version is refused");
        let new = start(app, w.case, &me).await;
        let v: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/work/{new}"), &me, "").await).await).unwrap();
        assert_eq!((v["template_version"].as_i64(), v["template"].as_array().unwrap().len()), (Some(2), 2));
        assert_eq!(v["template"][1]["key"], "domestic_abuse_screening");
        let v: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/work/{old}"), &me, "").await).await).unwrap();
        assert_eq!(v["template_version"].as_i64(), Some(1), "a draft keeps the version it began on");

        // One approved piece gives the team a grade to count.
        app.send(Method::POST, &format!("/work/{old}"), Some(&me), Some(&complete_form(1, "submit"))).await;
        let ver = version_of(app, &old, &me).await;
        app.send(Method::POST, &format!("/work/{old}/review"), Some(&boss), Some(&format!("version={ver}&decision=approve&grade=good"))).await;

        let page = body(app.send(Method::GET, "/quality", Some(&boss), None).await).await;
        assert!(page.contains("Grades by quarter") && page.contains("<svg") && page.contains("Bristol team"), "the manager's own team");
        let res = app.send(Method::GET, "/quality.csv", Some(&boss), None).await;
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = body(res).await;
        assert!(csv.starts_with("quarter,outstanding,good,requires_improvement,inadequate"), "{csv}");
        assert!(csv.lines().nth(1).unwrap().contains(",0,1,0,0,\"100%\""), "one good grade this quarter: {csv}");
        assert_eq!(app.send(Method::GET, "/quality?scope=national", Some(&boss), None).await.status(), StatusCode::FORBIDDEN, "a team manager sees their team, not the nation");
        let area = org::team(&store, team).await.unwrap().service_area.id;
        assert_eq!(app.send(Method::GET, &format!("/quality?scope=area:{area}"), Some(&boss), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, "/quality", Some(&me), None).await.status(), StatusCode::FORBIDDEN, "a practitioner sees no one's figures");
        assert_eq!(app.send(Method::GET, "/quality?scope=nonsense", Some(&boss), None).await.status(), StatusCode::NOT_FOUND);
    }
}
