//! The case record through the real router on real databases: break-glass and its alert, reading
//! only under it, restricted cases, the API's answers to bad input, and stale saves.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, location, multipart, session, staff, upload};
use hearth_domain::cases::{ApplicationKind, CaseFlag, LawType, NewCase};
use hearth_domain::org::Role;
use hearth_store::{AuditContext, PageRequest, Store, audit, cases, new_id, org, testing};
use uuid::Uuid;

struct World {
    app: App,
    worker: Uuid,
    manager: Uuid,
    outsider: Uuid,
    case: Uuid,
    restricted: Uuid,
    team: Uuid,
    /// A team in another area, where the manager may not open cases.
    other: Uuid,
}

async fn case_in(store: &Store, team: Uuid, worker: Uuid, flags: Vec<CaseFlag>) -> Uuid {
    let c = NewCase {
        court_case_number: "BS26P00042".into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: org::courts(store).await.unwrap()[0].id,
        local_authority_id: None,
        team_id: team,
        received_on: time::macros::date!(2026 - 11 - 02),
        urgent: false,
        first_hearing_on: Some(time::macros::date!(2026 - 12 - 07)),
        issued_on: None,
        flags,
    };
    let (id, _) = cases::create(store, &AuditContext::system(), &c, &[]).await.unwrap();
    hearth_store::workload::allocate(store, &Default::default(), &AuditContext::system(), id, Some(worker), "Has capacity and knows the family", Default::default(), 1).await.unwrap();
    id
}

async fn world(store: &Store) -> World {
    org::ensure_reference_data(store).await.unwrap();
    let areas = org::area_refs(store).await.unwrap();
    let (team, other) = (new_id(), new_id());
    let mut tx = store.begin().await.unwrap();
    org::insert_team(&mut tx, team, "Home team", areas[0].id, None).await.unwrap();
    org::insert_team(&mut tx, other, "Far team", areas[1].id, None).await.unwrap();
    tx.commit().await.unwrap();
    let manager = staff(store, "Mara Manager", &[Role::TeamManager], team, None).await;
    let worker = staff(store, "Wil Worker", &[Role::Practitioner], team, Some(manager)).await;
    let outsider = staff(store, "Otto Outsider", &[Role::Practitioner], other, None).await;
    let case = case_in(store, team, worker, vec![]).await;
    let restricted = case_in(store, team, worker, vec![CaseFlag::Restricted]).await;
    World { app: App::new(store).await, worker, manager, outsider, case, restricted, team, other }
}

#[tokio::test]
async fn break_glass_opens_a_case_for_reading_only_audits_it_and_alerts_the_manager() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let app = &w.app;
        let o = session(&store, w.outsider).await;
        let path = format!("/cases/{}", w.case);

        let res = app.send(Method::GET, &path, Some(&o), None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(body(res).await.contains(&format!("/cases/{}/break-glass", w.case)), "break-glass is offered");

        let res = app.send(Method::POST, &format!("{path}/break-glass"), Some(&o), Some("reason=because")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("at least 10 characters"));
        assert!(!cases::has_break_glass(&store, w.case, w.outsider).await.unwrap(), "a refused reason grants nothing");

        let res = app.send(Method::POST, &format!("{path}/break-glass"), Some(&o), Some("reason=Covering+the+FHDRA+today+for+a+colleague+off+sick")).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, path.clone()));
        assert_eq!(app.send(Method::GET, &path, Some(&o), None).await.status(), StatusCode::OK);
        let note = "kind=visit&occurred_on=2026-11-20&summary=Visit&body=Seen";
        assert_eq!(app.send(Method::POST, &format!("{path}/notes/new"), Some(&o), Some(note)).await.status(), StatusCode::FORBIDDEN, "reading only");

        let m = session(&store, w.manager).await;
        let home = body(app.send(Method::GET, "/", Some(&m), None).await).await;
        assert!(home.contains("Otto Outsider used break-glass to open HRT-2026-000001"), "the worker's manager is alerted");
        let events = audit::search(&store, &audit::AuditQuery { subject_id: Some(w.case.to_string()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        for a in ["access.refused", "case.break_glass", "case.viewed"] {
            assert!(actions.contains(&a), "{a} in {actions:?}");
        }
        let alert = cases::alerts_for(&store, w.manager).await.unwrap()[0].id;
        let res = app.send(Method::POST, &format!("/alerts/{alert}/dismiss"), Some(&m), Some("")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(cases::alerts_for(&store, w.manager).await.unwrap().is_empty());
        let res = app.send(Method::POST, &format!("/alerts/{alert}/dismiss"), Some(&o), Some("")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "nobody dismisses another person's alert");
    }
}

#[tokio::test]
async fn a_restricted_case_offers_no_break_glass_and_is_hidden_from_the_team_list() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let o = session(&store, w.outsider).await;
        let res = w.app.send(Method::GET, &format!("/cases/{}", w.restricted), Some(&o), None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!body(res).await.contains("break-glass"));
        let refusals = || async {
            let q = audit::AuditQuery { actor_id: Some(w.outsider.to_string()), subject_id: Some(w.restricted.to_string()), action_prefix: Some("access.refused".into()), ..Default::default() };
            audit::search(&store, &q, PageRequest::new(None, None)).await.unwrap().total
        };
        let before = refusals().await;
        let res = w.app.send(Method::POST, &format!("/cases/{}/break-glass", w.restricted), Some(&o), Some("reason=I+would+like+to+see+it+please")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(refusals().await, before + 1, "a refused break-glass is recorded");
        assert_eq!(w.app.send(Method::GET, &format!("/cases/{}/break-glass", w.restricted), Some(&o), None).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(refusals().await, before + 2);

        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], w.team, Some(w.manager)).await;
        let c = session(&store, colleague).await;
        let list = body(w.app.send(Method::GET, "/cases?show=team", Some(&c), None).await).await;
        assert!(!list.contains("HRT-2026-000001"), "a colleague off duty does not see the team's cases");
        org::set_duty(&store, &AuditContext::system(), colleague, true).await.unwrap();
        let list = body(w.app.send(Method::GET, "/cases?show=team", Some(&c), None).await).await;
        assert!(list.contains("HRT-2026-000001") && !list.contains("HRT-2026-000002"), "on duty: the team's cases, but not the restricted one");
        let api = body(w.app.send(Method::GET, "/api/v1/cases?q=HRT-2026-000002", Some(&c), None).await).await;
        assert!(api.contains("\"total\":0"), "nor found by search: {api}");
        let mine = session(&store, w.worker).await;
        assert_eq!(w.app.send(Method::GET, &format!("/cases/{}", w.restricted), Some(&mine), None).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_search_too_long_to_run_is_answered_on_the_page_and_by_the_api() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = session(&store, w.worker).await;
        let long = "a".repeat(201);
        let res = w.app.send(Method::GET, &format!("/cases?show=all&q={long}"), Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("There is a problem") && page.contains("href=\"#q\"") && page.contains("Enter a search of up to 200 characters"), "{page}");
        assert!(page.contains("0 cases found"), "nothing is listed as if the search had been run");
        let res = w.app.send(Method::GET, &format!("/api/v1/search?q={long}"), Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"q\""));
        let res = w.app.send(Method::GET, &format!("/cases?show=all&q={}", "a".repeat(200)), Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::OK, "200 characters is allowed");
    }
}

#[tokio::test]
async fn the_api_names_what_was_wrong_and_saves_nothing() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let res = w.app.json(Method::POST, "/api/v1/cases", &m, "{not json").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert!(body(res).await.contains("\"field\":\"body\""));

        let res = w.app.json(Method::POST, "/api/v1/cases", &m, r#"{"law":"private","applications":["care_order"]}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = body(res).await;
        for field in ["court_case_number", "court_id", "team_id", "received_on", "applications"] {
            assert!(text.contains(&format!("\"field\":\"{field}\"")), "{field} named in {text}");
        }
        let all = cases::list(&store, &Default::default(), PageRequest::new(None, None)).await.unwrap();
        assert_eq!(all.total, 2, "nothing was added");

        let court = org::courts(&store).await.unwrap()[0].id;
        let good = format!(r#"{{"court_case_number":"BS26P07777","law":"private","applications":["child_arrangements"],"court_id":"{court}","team_id":"{}","received_on":"2026-11-20","first_hearing_on":"2026-12-21"}}"#, w.team);
        let res = w.app.json(Method::POST, "/api/v1/cases", &m, &good).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let id = created["id"].as_str().unwrap();
        let detail: serde_json::Value = serde_json::from_str(&body(w.app.send(Method::GET, &format!("/api/v1/cases/{id}"), Some(&m), None).await).await).unwrap();
        assert_eq!(detail["law"], "private");
        // 21 December 2026 less 3 working days is Wednesday 16 December.
        let letter = detail["deadlines"].as_array().unwrap().iter().find(|d| d["key"] == "safeguarding_letter").unwrap();
        assert_eq!(letter["due"], "2026-12-16");

        // Opening a case in a team the manager does not manage is answered on the field, and
        // recorded as the refusal it is.
        let far = good.replace(&w.team.to_string(), &w.other.to_string());
        let res = w.app.json(Method::POST, "/api/v1/cases", &m, &far).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"team_id\""));
        let q = audit::AuditQuery { actor_id: Some(w.manager.to_string()), subject_id: Some(w.other.to_string()), action_prefix: Some("access.refused".into()), ..Default::default() };
        assert_eq!(audit::search(&store, &q, PageRequest::new(None, None)).await.unwrap().total, 1);

        // A control character is refused on every engine, naming its field, and nothing is kept:
        // SQLite would store a NUL that PostgreSQL refuses.
        let entries = || async { cases::chronology(&store, uuid::Uuid::parse_str(id).unwrap(), &Default::default()).await.unwrap().len() };
        let before = entries().await;
        let res = w.app.json(Method::POST, &format!("/api/v1/cases/{id}/notes"), &m, r#"{"kind":"visit","occurred_on":"2026-11-20","summary":"Seen\u0000at home"}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert!(body(res).await.contains("\"field\":\"summary\""));
        let res = w.app.send(Method::POST, &format!("/cases/{id}/notes/new"), Some(&m), Some("kind=visit&occurred_on=2026-11-20&summary=Seen&body=Bell%07here")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("govuk-error-summary") && page.contains("Body contains a hidden control character (U+0007)"), "{page}");
        let res = w.app.send(Method::GET, "/cases?q=a%00b", Some(&m), None).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a search is checked too, never a 500 on PostgreSQL");
        // A form body that is not text once decoded, or is not a form at all, is refused, never
        // read as an empty form or with its bytes replaced.
        let res = w.app.send(Method::POST, &format!("/cases/{id}/notes/new"), Some(&m), Some("kind=visit&occurred_on=2026-11-20&summary=%FF%FE&body=Seen")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("could not be read as a form"));
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/cases/{id}/notes/new"))
            .header("cookie", format!("hearth_csrf={}; hearth_session={m}", common::CSRF))
            .header("x-csrf-token", common::CSRF)
            .header("content-type", "text/plain")
            .body(axum::body::Body::from("kind=visit&summary=Seen"))
            .unwrap();
        assert_eq!(w.app.request(req).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(entries().await, before, "nothing was written");

        let res = w.app.json(Method::POST, &format!("/api/v1/cases/{id}/notes"), &m, r#"{"kind":"dream","summary":""}"#).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"kind\""));
    }
}

#[tokio::test]
async fn a_form_that_cannot_be_read_as_its_type_is_refused_and_changes_nothing() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let before = cases::case_record(&store, w.case).await.unwrap();
        let refused = |path: String, form: &'static str| {
            let (app, m) = (&w.app, &m);
            async move {
                let res = app.send(Method::POST, &path, Some(m), Some(form)).await;
                assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path} {form}");
                let page = body(res).await;
                assert!(page.contains("govuk-error-summary") || page.contains("There is a problem with what was sent"), "{page}");
                page
            }
        };
        // A version that is not a number, and one missing: never read as "no version" or 0.
        let page = refused(format!("/cases/{}/stage", w.case), "stage=allocated&version=two").await;
        assert!(page.contains("could not be read as a form"), "{page}");
        let page = refused(format!("/cases/{}/close", w.case), "reason=withdrawn&outcome=Withdrawn+by+consent").await;
        assert!(page.contains("The form was incomplete"), "{page}");
        refused(format!("/cases/{}/allocate", w.case), "worker_id=&reason=Back+to+the+hub").await;
        // A checkbox group of ids where one is not an id.
        refused(format!("/cases/{}/checks/new", w.case), "local_authority_id=not-an-id").await;
        refused(format!("/cases/{}/offer", w.case), "worker_ids=0&note=").await;
        let after = cases::case_record(&store, w.case).await.unwrap();
        assert_eq!((after.version, after.stage, after.status, after.allocated_to.map(|a| a.id)), (before.version, before.stage, before.status, before.allocated_to.map(|a| a.id)), "nothing was written");
    }
}

#[tokio::test]
async fn a_stale_allocation_is_refused_and_the_first_stands() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let version = cases::case_record(&store, w.case).await.unwrap().version;
        let path = format!("/cases/{}/allocate", w.case);
        let first = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id=&reason=Back+to+the+hub&version={version}"))).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let second = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=Continuity&version={version}", w.worker))).await;
        assert_eq!(second.status(), StatusCode::CONFLICT);
        let page = body(second).await;
        assert!(page.contains("This case changed since you opened it"), "{page}");
        assert!(page.contains("Nobody (the allocation hub)") && page.contains("Wil Worker"), "both versions side by side");
        assert!(cases::case_record(&store, w.case).await.unwrap().allocated_to.is_none(), "the first save stands");
        // Choosing "Save my version" sends the manager's choice again at the version now saved.
        let now = cases::case_record(&store, w.case).await.unwrap().version;
        assert!(page.contains(&format!("name=\"version\" value=\"{now}\"")) && page.contains(&format!("name=\"worker_id\" value=\"{}\"", w.worker)));
        let mine = w.app.send(Method::POST, &path, Some(&m), Some(&format!("worker_id={}&reason=Continuity&version={now}", w.worker))).await;
        assert_eq!(mine.status(), StatusCode::SEE_OTHER);
        assert_eq!(cases::case_record(&store, w.case).await.unwrap().allocated_to.map(|a| a.id), Some(w.worker));
    }
}

#[tokio::test]
async fn a_stale_note_edit_shows_both_versions_and_loses_nothing() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = session(&store, w.worker).await;
        let note = hearth_domain::cases::NewNote {
            place: String::new(),
            kind: hearth_domain::cases::EntryKind::Visit,
            occurred_on: time::macros::date!(2026 - 11 - 20),
            summary: "Home visit".into(),
            body: "Children relaxed.".into(),
        };
        let ctx = AuditContext::actor(w.worker, None);
        let entry = cases::add_note(&store, &ctx, w.case, &note).await.unwrap();
        let path = format!("/cases/{}/notes/{entry}/edit", w.case);
        let first = w.app.send(Method::POST, &path, Some(&s), Some("kind=visit&occurred_on=2026-11-20&summary=Home+visit&body=Children+relaxed+and+fed.&version=1")).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let second = w.app.send(Method::POST, &path, Some(&s), Some("kind=visit&occurred_on=2026-11-20&summary=Home+visit&body=Mother+tearful.&version=1")).await;
        assert_eq!(second.status(), StatusCode::CONFLICT);
        let page = body(second).await;
        assert!(page.contains("Children relaxed and fed.") && page.contains("Mother tearful."), "both versions: {page}");
        assert!(page.contains("Different"), "the differing field is marked");
        assert_eq!(cases::entry_of(&store, w.case, entry).await.unwrap().body.as_deref(), Some("Children relaxed and fed."), "nothing overwritten");
    }
}

async fn upload_sized(app: &App, path: &str, session: &str, declare_length: bool, fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> axum::http::Response<axum::body::Body> {
    use tower::ServiceExt;
    let (content_type, body) = multipart(fields, Some(file));
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("{path}?csrf_token={}", common::CSRF))
        .header("cookie", format!("hearth_csrf={}; hearth_session={session}", common::CSRF))
        .header("content-type", content_type);
    if declare_length {
        req = req.header("content-length", body.len());
    }
    app.router.clone().oneshot(req.body(axum::body::Body::from(body)).unwrap()).await.unwrap()
}

/// A JPEG photo carrying an EXIF block with a GPS position in it.
fn photo_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 300, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 60]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
    let marker = b"Exif\0\0GPSLatitude 51.4545 N";
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((marker.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(marker);
    [&plain[..2], &app1[..], &plain[2..]].concat()
}

#[tokio::test]
async fn a_photographed_document_loses_its_location_and_downloads_safely_and_audited() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = session(&store, w.worker).await;
        let path = format!("/cases/{}/documents/new", w.case);
        let res = upload(&w.app, &path, &s, true, &[("kind", "court_order")], Some(("photo", "IMG_2041.jpg", &photo_with_gps()))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let doc = &hearth_store::documents::list(&store, w.case).await.unwrap()[0];
        assert_eq!(doc.title, "IMG_2041");
        let res = w.app.send(Method::GET, &format!("/cases/{}/documents/{}", w.case, doc.id), Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert_eq!(res.headers()["content-disposition"], "inline; filename=\"IMG_2041.jpg\"; filename*=UTF-8''IMG_2041.jpg", "a photo opens in the browser");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap();
        assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"), "the location is not kept");
        assert_eq!(hearth_domain::documents::sha256_hex(&bytes), doc.sha256, "the recorded SHA-256 is of what is kept");
        let thumb = w.app.send(Method::GET, &format!("/cases/{}/documents/{}/thumbnail", w.case, doc.id), Some(&s), None).await;
        assert_eq!((thumb.status(), thumb.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "image/jpeg"));
        assert_eq!(thumb.headers()["cache-control"], "no-store", "never kept in the browser's cache");
        let events = audit::search(&store, &audit::AuditQuery { subject_id: Some(w.case.to_string()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        let uploaded = events.items.iter().find(|e| e.action == "document.uploaded").expect("the upload is audited");
        assert!(uploaded.detail.as_deref().unwrap_or_default().contains(&doc.sha256), "with its SHA-256");
        assert!(events.items.iter().any(|e| e.action == "document.downloaded"));
        let page = body(w.app.send(Method::GET, &format!("/cases/{}", w.case), Some(&s), None).await).await;
        assert!(page.contains("IMG_2041") && page.contains("/thumbnail"), "the case page lists it with its thumbnail");

        // Someone with no grant on the case cannot download it.
        let o = session(&store, w.outsider).await;
        assert_eq!(w.app.send(Method::GET, &format!("/cases/{}/documents/{}", w.case, doc.id), Some(&o), None).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn documents_are_kept_in_an_s3_bucket_when_one_is_configured() {
    let Some(files) = testing::s3_test_files() else { return };
    hearth_store::documents::check_files(&files).await.expect("the S3 test bucket answers");
    for store in testing::stores().await {
        let mut w = world(&store).await;
        w.app = App::with_config(&store, hearth_web::WebConfig { files: files.clone(), ..Default::default() }).await;
        let s = session(&store, w.worker).await;
        let photo = photo_with_gps();
        let res = upload(&w.app, &format!("/cases/{}/documents/new", w.case), &s, true, &[("kind", "court_order")], Some(("photo", "order.jpg", &photo))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let doc = &hearth_store::documents::list(&store, w.case).await.unwrap()[0];

        // The bytes are in the bucket under their hash, and come back through Hearth intact.
        let key = object_store::path::Path::from(format!("documents/{}", doc.sha256));
        let kept = object_store::ObjectStoreExt::get(files.as_ref(), &key).await.expect("the photo is in the bucket").bytes().await.unwrap();
        assert_eq!(hearth_domain::documents::sha256_hex(&kept), doc.sha256);
        let res = w.app.send(Method::GET, &format!("/cases/{}/documents/{}", w.case, doc.id), Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap(), kept);
        let thumb = w.app.send(Method::GET, &format!("/cases/{}/documents/{}/thumbnail", w.case, doc.id), Some(&s), None).await;
        assert_eq!(thumb.status(), StatusCode::OK, "the thumbnail is in the bucket too");
    }
    // A bucket that does not exist is found out at once, not at the first upload.
    let missing = hearth_store::documents::s3_files(&hearth_store::documents::S3Location {
        bucket: "no-such-hearth-bucket".into(),
        region: Some("eu-west-2".into()),
        endpoint: std::env::var("HEARTH_TEST_S3_ENDPOINT").ok(),
    })
    .unwrap();
    assert!(hearth_store::documents::check_files(&missing).await.is_err());
}

#[tokio::test]
async fn bad_uploads_are_refused_clearly_and_nothing_is_kept() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let s = session(&store, w.worker).await;
        let path = format!("/cases/{}/documents/new", w.case);

        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run in DOS mode.".to_vec();
        let res = upload(&w.app, &path, &s, true, &[("kind", "report")], Some(("file", "report.pdf", &exe))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The file must be a PDF"), "an EXE renamed .pdf is refused by its content");

        let big = vec![b'%'; 21 * 1024 * 1024];
        let mut big_pdf = b"%PDF-1.7\n".to_vec();
        big_pdf.extend_from_slice(&big);
        let res = upload(&w.app, &path, &s, true, &[("kind", "report")], Some(("file", "big.pdf", &big_pdf))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The file must be 20 MB or smaller"));

        // Far over the limit: refused as too large, whether the length is declared up front (as
        // browsers do) or only found while reading.
        let huge = vec![b'%'; 30 * 1024 * 1024];
        for declared in [true, false] {
            let res = upload_sized(&w.app, &path, &s, declared, &[("kind", "report")], ("file", "huge.pdf", &huge)).await;
            assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "declared length: {declared}");
            assert!(body(res).await.contains("The file or form was too large"));
        }

        // A small file that would unpack into a huge picture is refused from its header, before
        // any of it is decoded.
        let mut huge_png = Vec::new();
        image::RgbImage::from_pixel(7000, 7000, image::Rgb([200, 200, 200])).write_to(&mut std::io::Cursor::new(&mut huge_png), image::ImageFormat::Png).unwrap();
        assert!(huge_png.len() < 1024 * 1024, "{} bytes", huge_png.len());
        let res = upload(&w.app, &path, &s, true, &[("kind", "report")], Some(("photo", "wall.png", &huge_png))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("the photo is 7000 × 7000 pixels; the most is 24 megapixels"));

        let res = upload(&w.app, &path, &s, false, &[("kind", "report")], Some(("file", "order.pdf", b"%PDF-1.4 order"))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "an upload without its CSRF token is refused");

        let api = format!("/api/v1/cases/{}/documents", w.case);
        let res = upload(&w.app, &api, &s, true, &[("kind", "report"), ("withheld_from", &Uuid::now_v7().to_string())], Some(("file", "order.pdf", b"%PDF-1.4 order"))).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("\"field\":\"withheld_from\""));

        assert!(hearth_store::documents::list(&store, w.case).await.unwrap().is_empty(), "nothing was kept");
        let res = upload(&w.app, &api, &s, true, &[("kind", "court_order"), ("title", "Order of 7 December")], Some(("file", "x.bin", b"%PDF-1.4 order"))).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let list = body(w.app.send(Method::GET, &api, Some(&s), None).await).await;
        assert!(list.contains("\"file_type\":\"pdf\"") && list.contains("Order of 7 December"));
    }
}

#[tokio::test]
async fn patch_needs_the_version_read_and_a_stale_one_changes_nothing() {
    use tower::ServiceExt;
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let path = format!("/api/v1/cases/{}", w.case);
        let res = w.app.send(Method::GET, &path, Some(&m), None).await;
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        let patch = |if_match: Option<String>, json: &'static str| {
            let mut req = axum::http::Request::builder()
                .method(Method::PATCH)
                .uri(&path)
                .header("cookie", format!("hearth_csrf={}; hearth_session={m}", common::CSRF))
                .header("x-csrf-token", common::CSRF)
                .header("content-type", "application/json");
            if let Some(v) = if_match {
                req = req.header("if-match", v);
            }
            w.app.router.clone().oneshot(req.body(axum::body::Body::from(json)).unwrap())
        };
        let res = patch(None, r#"{"urgent":true}"#).await.unwrap();
        assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
        let res = patch(Some(etag.clone()), r#"{"urgent":"yes","colour":"blue"}"#).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = body(res).await;
        assert!(text.contains("\"field\":\"urgent\"") && text.contains("colour cannot be changed here"), "{text}");
        let res = patch(Some(etag.clone()), r#"{"urgent":true,"first_hearing_on":"2026-12-14","flags":["domestic_abuse"]}"#).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let after: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((after["urgent"].as_bool(), after["flags"][0].as_str()), (Some(true), Some("domestic_abuse")));
        let res = patch(Some(etag), r#"{"urgent":false}"#).await.unwrap();
        assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "a stale If-Match is refused");
        assert!(cases::case_record(&store, w.case).await.unwrap().urgent, "and the first save stands");
        let deadlines = body(w.app.send(Method::GET, &format!("{path}/deadlines"), Some(&m), None).await).await;
        assert!(deadlines.contains("\"key\":\"fhdra\"") && deadlines.contains("2026-12-14"), "deadlines follow the new date: {deadlines}");
    }
}

#[tokio::test]
async fn a_manager_merges_duplicates_in_their_team_and_nobody_merges_beyond_their_grant() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let ctx = AuditContext::system();
        let adult = |name: &str| hearth_domain::cases::NewParticipant {
            full_name: name.into(),
            date_of_birth: Some(time::macros::date!(1990 - 02 - 03)),
            kind: hearth_domain::cases::PersonKind::Adult,
            role: hearth_domain::cases::PartyRole::Applicant,
            relationship: Some(hearth_domain::cases::Relationship::Mother),
            contact: None,
            no_texts: false,
            address_withheld: false,
            interpreter_language: None,
            address: None,
        };
        let a = cases::add_participant(&store, &ctx, w.case, &adult("Kim Duplicate")).await.unwrap();
        let second_case = case_in(&store, w.team, w.worker, vec![]).await;
        let b = cases::add_participant(&store, &ctx, second_case, &adult("Kim Duplicate")).await.unwrap();
        // A namesake in a restricted case is not offered: the team grant does not reach it.
        cases::add_participant(&store, &ctx, w.restricted, &adult("Kim Duplicate")).await.unwrap();

        let m = session(&store, w.manager).await;
        let page = body(w.app.send(Method::GET, "/people/duplicates", Some(&m), None).await).await;
        assert_eq!(page.matches("Kim Duplicate, born 3 February 1990").count(), 1, "one pair, not the restricted namesake: {page}");
        let o = session(&store, w.outsider).await;
        assert_eq!(w.app.send(Method::GET, "/people/duplicates", Some(&o), None).await.status(), StatusCode::FORBIDDEN, "practitioners do not merge");

        let res = w.app.send(Method::POST, "/people/merge", Some(&m), Some(&format!("pair={a},{b}"))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "which to keep must be chosen");
        let res = w.app.send(Method::POST, "/people/merge", Some(&m), Some(&format!("pair={a},{b}&keep={a}"))).await;
        assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/people/duplicates"));
        let events = audit::search(&store, &audit::AuditQuery { subject_id: Some(a.to_string()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert!(events.items.iter().any(|e| e.action == "person.merged"));
    }
}

#[tokio::test]
async fn only_named_staff_see_a_restricted_case_and_names_come_and_go_from_the_case_page() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let (m, path) = (session(&store, w.manager).await, format!("/cases/{}", w.restricted));
        assert_eq!(w.app.send(Method::GET, &path, Some(&m), None).await.status(), StatusCode::FORBIDDEN, "not even the worker's manager, unnamed");
        cases::name_staff(&store, &AuditContext::system(), w.restricted, w.manager).await.unwrap();
        let page = body(w.app.send(Method::GET, &path, Some(&m), None).await).await;
        assert!(page.contains("Mara Manager") && page.contains("Name someone on the case"), "named: the manager sees it and who else can");

        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], w.team, Some(w.manager)).await;
        let c = session(&store, colleague).await;
        let res = w.app.send(Method::POST, &format!("{path}/named"), Some(&m), Some("staff_id=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Choose who to name on the case"));
        let res = w.app.send(Method::POST, &format!("{path}/named"), Some(&m), Some(&format!("staff_id={}", new_id()))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a stranger's id is a field error, not a 500");
        let res = w.app.send(Method::POST, &format!("{path}/named"), Some(&m), Some(&format!("staff_id={colleague}"))).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, path.clone()));
        assert_eq!(w.app.send(Method::GET, &path, Some(&c), None).await.status(), StatusCode::OK, "named: they see it at once");
        let res = w.app.send(Method::POST, &format!("{path}/named/{colleague}/remove"), Some(&m), Some("")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(w.app.send(Method::GET, &path, Some(&c), None).await.status(), StatusCode::FORBIDDEN, "and lose it at once");
        let events = audit::search(&store, &audit::AuditQuery { subject_id: Some(w.restricted.to_string()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"case.staff_named") && actions.contains(&"case.staff_unnamed"), "{actions:?}");
    }
}

#[tokio::test]
async fn a_case_moves_team_when_the_receiving_manager_accepts_from_their_hub() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let far = org::teams(&store, None).await.unwrap().into_iter().find(|t| t.name == "Far team").unwrap().id;
        let receiver = staff(&store, "Rae Receiver", &[Role::TeamManager], far, None).await;
        let (m, r) = (session(&store, w.manager).await, session(&store, receiver).await);
        let path = format!("/cases/{}", w.case);
        let version = cases::case_record(&store, w.case).await.unwrap().version;

        let res = w.app.send(Method::POST, &format!("{path}/transfer"), Some(&m), Some(&format!("to_team_id={}&reason=&version={version}", w.team))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("already in that team") && page.contains("Enter the reason for the transfer"), "both fields named");
        let offer = format!("to_team_id={far}&reason=The+family+moved+to+the+far+area&version={version}");
        let res = w.app.send(Method::POST, &format!("{path}/transfer"), Some(&m), Some(&offer)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(body(w.app.send(Method::GET, &path, Some(&m), None).await).await.contains("Offered to Far team"));
        let o = session(&store, w.outsider).await;
        let transfer = cases::transfers::open_for_case(&store, w.case).await.unwrap().unwrap().id;
        let decide = format!("/transfers/{transfer}");
        assert_eq!(w.app.send(Method::GET, &decide, Some(&o), None).await.status(), StatusCode::FORBIDDEN, "a practitioner decides nothing");
        assert_eq!(w.app.send(Method::GET, &decide, Some(&m), None).await.status(), StatusCode::FORBIDDEN, "nor does the sending manager");

        let hub = body(w.app.send(Method::GET, "/cases/hub", Some(&r), None).await).await;
        assert!(hub.contains(&decide) && hub.contains("The family moved to the far area"));
        let res = w.app.send(Method::POST, &decide, Some(&r), Some("decision=reject&reason=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter why your team cannot take the case"));
        let res = w.app.send(Method::POST, &decide, Some(&r), Some("decision=accept&reason=")).await;
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/cases/hub".to_string()));
        let case = cases::case_record(&store, w.case).await.unwrap();
        assert_eq!((case.team.id, case.allocated_to), (far, None));
        assert_eq!(w.app.send(Method::GET, &path, Some(&r), None).await.status(), StatusCode::OK, "the receiving manager has it now");
        let w_session = session(&store, w.worker).await;
        assert_eq!(w.app.send(Method::GET, &path, Some(&w_session), None).await.status(), StatusCode::FORBIDDEN, "the old worker loses it at once");
        assert_eq!(w.app.send(Method::POST, &decide, Some(&r), Some("decision=accept")).await.status(), StatusCode::NOT_FOUND, "decided once");
    }
}

#[tokio::test]
async fn a_manager_puts_a_practitioner_on_duty_from_the_hub() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let (m, o) = (session(&store, w.manager).await, session(&store, w.outsider).await);
        let colleague = staff(&store, "Cal Colleague", &[Role::Practitioner], w.team, Some(w.manager)).await;
        let c = session(&store, colleague).await;
        let path = format!("/cases/{}", w.case);
        assert!(w.app.send(Method::GET, &path, Some(&c), None).await.status() == StatusCode::FORBIDDEN);
        assert!(body(w.app.send(Method::GET, "/cases/hub", Some(&m), None).await).await.contains("Duty desk: Home team"));
        assert_eq!(w.app.send(Method::POST, &format!("/staff/{colleague}/duty"), Some(&o), Some("on_duty=yes")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(w.app.send(Method::POST, &format!("/staff/{colleague}/duty"), Some(&m), Some("on_duty=maybe")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(w.app.send(Method::POST, &format!("/staff/{colleague}/duty"), Some(&m), Some("on_duty=yes")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(w.app.send(Method::GET, &path, Some(&c), None).await.status(), StatusCode::OK, "on duty: the team's case opens");
        assert_eq!(w.app.send(Method::POST, &format!("/staff/{colleague}/duty"), Some(&m), Some("on_duty=no")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(w.app.send(Method::GET, &path, Some(&c), None).await.status(), StatusCode::FORBIDDEN, "off duty: gone on the next request");
    }
}

#[tokio::test]
async fn a_deadline_is_met_by_its_own_task_not_by_another_with_the_same_title() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        // Opened as a person would, so its deadlines make their tasks.
        let court = org::courts(&store).await.unwrap()[0].id;
        let new = format!(r#"{{"court_case_number":"BS26P08888","law":"private","applications":["child_arrangements"],"court_id":"{court}","team_id":"{}","received_on":"2026-11-20","first_hearing_on":"2026-12-21"}}"#, w.team);
        let created: serde_json::Value = serde_json::from_str(&body(w.app.json(Method::POST, "/api/v1/cases", &m, &new).await).await).unwrap();
        let case = Uuid::parse_str(created["id"].as_str().unwrap()).unwrap();
        let path = format!("/cases/{case}");
        // Deadlines shown as met: "Done" tags in the deadlines section only (tasks show theirs too).
        let done_tags = |html: &str| {
            let from = html.find("id=\"deadlines\"").unwrap();
            let to = html[from..].find("id=\"people\"").map_or(html.len(), |t| from + t);
            html[from..to].matches(">Done<").count()
        };
        let before = done_tags(&body(w.app.send(Method::GET, &path, Some(&m), None).await).await);
        // A task written by hand with the very title of one of the case's deadlines, then done.
        let deadline = cases::case_tasks(&store, case).await.unwrap().into_iter().find(|t| t.deadline_key.is_some()).expect("a task made from a deadline");
        let res = w.app.send(Method::POST, &format!("{path}/tasks/new"), Some(&m), Some(&format!("title={}&due_on=", deadline.title.replace(' ', "+")))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let twin = cases::case_tasks(&store, case).await.unwrap().into_iter().find(|t| t.title == deadline.title && t.deadline_key.is_none()).unwrap();
        let res = w.app.send(Method::POST, &format!("{path}/tasks/{}/done", twin.id), Some(&m), Some(&format!("version={}", twin.version))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let after = done_tags(&body(w.app.send(Method::GET, &path, Some(&m), None).await).await);
        assert_eq!(after, before, "the deadline is not met by a task that only shares its title");
        // Its own task done: met.
        let own = cases::case_tasks(&store, case).await.unwrap().into_iter().find(|t| t.id == deadline.id).unwrap();
        w.app.send(Method::POST, &format!("{path}/tasks/{}/done", own.id), Some(&m), Some(&format!("version={}", own.version))).await;
        assert_eq!(done_tags(&body(w.app.send(Method::GET, &path, Some(&m), None).await).await), before + 1);
    }
}

/// A search matching more cases than it lists answers with as many as it lists and says there are
/// more, on the page and in the API: never a refusal, never "0 cases found" beneath it.
#[tokio::test]
async fn a_broad_search_lists_what_it_may_and_says_there_are_more() {
    use hearth_domain::cases::{NewParticipant, PartyRole, PersonKind};
    use hearth_store::cases::bulk::{CaseBatch, Outcome};
    for store in testing::stores().await {
        let w = world(&store).await;
        let court = org::courts(&store).await.unwrap()[0].id;
        let mut batch = CaseBatch::new(hearth_store::now());
        let outcome = Outcome { worker: None, allocated_on: None, stage: hearth_domain::cases::Stage::IntakeScreening, closed_on: None };
        for i in 0..(cases::SEARCH_MOST + 5) {
            let id = new_id();
            let c = NewCase {
                court_case_number: "BS26P00043".into(),
                law: LawType::Private,
                applications: vec![ApplicationKind::ChildArrangements],
                court_id: court,
                local_authority_id: None,
                team_id: w.team,
                received_on: time::macros::date!(2026 - 01 - 01) + time::Duration::days(i),
                urgent: false,
                first_hearing_on: None,
                issued_on: None,
                flags: vec![],
            };
            batch.case(id, &format!("HTH-D{i}"), &c, &outcome);
            let child = NewParticipant {
                full_name: "Ada Dixon".into(),
                date_of_birth: Some(time::macros::date!(2019 - 05 - 04)),
                kind: PersonKind::Child,
                role: PartyRole::SubjectChild,
                relationship: None,
                contact: None,
                no_texts: false,
                address_withheld: false,
                interpreter_language: None,
                address: None,
            };
            batch.participant(id, w.team, &child);
        }
        let mut tx = store.begin().await.unwrap();
        batch.write(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let leader = staff(&store, "Nia National", &[Role::NationalLeadership], w.team, None).await;
        let s = session(&store, leader).await;
        let res = w.app.send(Method::GET, "/cases?show=all&q=Dixon&status=any", Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = body(res).await;
        assert!(html.contains("More than 250 cases match. Here are 250 of them, most recently received first."), "{html}");
        assert!(!html.contains("govuk-error-summary") && !html.contains("cases found"), "no refusal, no contradiction");
        let res = w.app.send(Method::GET, "/api/v1/search?q=Dixon", Some(&s), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((page["total"].as_i64(), page["more"].as_bool()), (Some(cases::SEARCH_MOST), Some(true)));
    }
}

/// The open-case page shows each law type's own fields only under it: what was typed under the
/// law type not chosen (then hidden) is not read, so it neither refuses the form nor is saved.
#[tokio::test]
async fn the_other_law_types_hidden_fields_are_not_read() {
    for store in testing::stores().await {
        let w = world(&store).await;
        let m = session(&store, w.manager).await;
        let court = org::courts(&store).await.unwrap()[0].id;
        let la = org::local_authorities(&store).await.unwrap()[0].id;
        let form = format!(
            "court_case_number=BS26P07778&law=private&applications=child_arrangements&court_id={court}&team_id={}&received_on-day=20&received_on-month=11&received_on-year=2026\
             &first_hearing_on-day=21&first_hearing_on-month=12&first_hearing_on-year=2026&local_authority_id={la}&issued_on-day=31&issued_on-month=2&issued_on-year=2026",
            w.team
        );
        let res = w.app.send(Method::POST, "/cases/new", Some(&m), Some(&form)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
        let id: Uuid = location(&res).trim_start_matches("/cases/").parse().unwrap();
        let case = cases::case_record(&store, id).await.unwrap();
        assert_eq!((case.local_authority, case.issued_on), (None, None), "public law's fields were not kept");
        assert_eq!(case.first_hearing_on, Some(time::macros::date!(2026 - 12 - 21)));
    }
}
