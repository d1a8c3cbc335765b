//! Sign-in, sessions, the API and stale edits through the real router on real databases.

mod common;

use common::{App, PASSWORD, SECRET, account, body, location, session_cookie};

use axum::http::{Method, StatusCode};
use hearth_domain::auth::{TotpSecret, step_at};
use hearth_domain::org::Role;
use hearth_store::{AuditContext, PageRequest, Store, audit, auth, org, testing};
use uuid::Uuid;


fn code() -> String {
    TotpSecret::from_base32(SECRET).unwrap().code_at_step(step_at(time::OffsetDateTime::now_utc()))
}

/// Password then MFA: returns the full session's cookie value.
async fn sign_in(app: &App, email: &str) -> String {
    let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email={email}&password={}", PASSWORD.replace(' ', "+")))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/mfa");
    let partial = session_cookie(&res).expect("a session after the password");
    let res = app.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={}", code()))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body(res).await);
    let full = session_cookie(&res).expect("a new session after MFA");
    assert_ne!(partial, full, "the session id changes when MFA completes");
    full
}

#[tokio::test]
async fn sign_in_needs_password_and_an_unused_code() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        account(&store, "worker@hearth.example", &[Role::Practitioner]).await;

        // Password alone reaches only the MFA pages.
        let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email=worker@hearth.example&password={}", PASSWORD.replace(' ', "+")))).await;
        let partial = session_cookie(&res).unwrap();
        assert_eq!(location(&app.send(Method::GET, "/", Some(&partial), None).await), "/mfa");
        assert_eq!(app.send(Method::GET, "/api/v1/me", Some(&partial), None).await.status(), StatusCode::UNAUTHORIZED);

        let res = app.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={}", code()))).await;
        let full = session_cookie(&res).unwrap();
        assert_eq!(app.send(Method::GET, "/", Some(&full), None).await.status(), StatusCode::OK);
        assert_eq!(location(&app.send(Method::GET, "/", Some(&partial), None).await), "/sign-in", "the pre-MFA session is gone");

        // The same code again, in a new sign-in, is refused.
        let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email=worker@hearth.example&password={}", PASSWORD.replace(' ', "+")))).await;
        let again = session_cookie(&res).unwrap();
        let res = app.send(Method::POST, "/mfa", Some(&again), Some(&format!("code={}", code()))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("already been used"));

        // Sign out ends the session on the server.
        assert_eq!(app.send(Method::POST, "/sign-out", Some(&full), Some("")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&app.send(Method::GET, "/", Some(&full), None).await), "/sign-in");
    }
}

#[tokio::test]
async fn the_eleventh_attempt_is_refused_and_says_nothing_about_the_account() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        account(&store, "target@hearth.example", &[Role::Practitioner]).await;
        for email in ["target@hearth.example", "nobody@hearth.example"] {
            for _ in 0..10 {
                let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email={email}&password=wrong+password+here"))).await;
                assert_eq!(res.status(), StatusCode::BAD_REQUEST);
                assert!(body(res).await.contains("Enter a correct email address and password"));
            }
            let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email={email}&password={}", PASSWORD.replace(' ', "+")))).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{email}: even the right password is refused now");
            assert!(body(res).await.contains("too many attempts"), "{email}: the same message whether or not the account exists");
        }
    }
}

/// A password attempt from an address, with a device cookie if given.
async fn password_from(app: &App, address: &str, email: &str, password: &str, device: Option<&str>) -> axum::http::Response<axum::body::Body> {
    let mut cookie = format!("hearth_csrf={}", common::CSRF);
    if let Some(d) = device {
        cookie.push_str(&format!("; hearth_device={d}"));
    }
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("csrf_token={}&email={email}&password={}", common::CSRF, password.replace(' ', "+"))))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    app.request(req).await
}

#[tokio::test]
async fn mfa_codes_cannot_be_guessed_by_entering_the_password_again() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        account(&store, "guessed@hearth.example", &[Role::Practitioner]).await;
        let wrong = if code() == "000000" { "111111" } else { "000000" };
        let res = password_from(&app, "192.0.2.1", "guessed@hearth.example", PASSWORD, None).await;
        let partial = session_cookie(&res).unwrap();
        for _ in 0..10 {
            let res = app.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={wrong}"))).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST);
            assert!(body(res).await.contains("wrong or has already been used"));
        }
        // The password again gives a new pre-MFA session, but MFA's count stands: even the right
        // code is refused for now.
        let res = password_from(&app, "192.0.2.1", "guessed@hearth.example", PASSWORD, None).await;
        assert_eq!(location(&res), "/mfa", "the password itself is still accepted");
        let again = session_cookie(&res).unwrap();
        let res = app.send(Method::POST, "/mfa", Some(&again), Some(&format!("code={}", code()))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("too many wrong codes"));
        assert_eq!(location(&app.send(Method::GET, "/", Some(&again), None).await), "/mfa", "still not signed in");
    }
}

#[tokio::test]
async fn sign_in_limits_stop_guessing_without_letting_anyone_lock_a_colleague_out() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        account(&store, "victim@hearth.example", &[Role::Practitioner]).await;
        // The victim signs in on their own device once: it becomes a known device.
        let res = password_from(&app, "192.0.2.10", "victim@hearth.example", PASSWORD, None).await;
        let partial = session_cookie(&res).unwrap();
        let res = app.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={}", code()))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let device = common::set_cookie(&res, "hearth_device").expect("a device cookie after MFA");

        // Ten wrong passwords from one address: that address is refused for the account, even
        // with the right password...
        for _ in 0..10 {
            assert!(body(password_from(&app, "203.0.113.5", "victim@hearth.example", "wrong password here", None).await).await.contains("Enter a correct email address and password"));
        }
        let res = password_from(&app, "203.0.113.5", "victim@hearth.example", PASSWORD, None).await;
        assert!(body(res).await.contains("too many attempts"));
        // ...but the victim, from anywhere else, is not locked out.
        assert_eq!(location(&password_from(&app, "192.0.2.11", "victim@hearth.example", PASSWORD, None).await), "/mfa");

        // One address spraying a password across many accounts is stopped at 30 failures, for
        // every account, existing or not.
        for i in 0..30 {
            password_from(&app, "198.51.100.20", &format!("person{i}@hearth.example"), "summer2026 password", None).await;
        }
        assert!(body(password_from(&app, "198.51.100.20", "victim@hearth.example", PASSWORD, None).await).await.contains("too many attempts"));

        // One account guessed from many addresses is stopped at 50 failures in all: then only a
        // device that has completed MFA for it gets in.
        for i in 0..40 {
            password_from(&app, &format!("198.18.0.{}", i / 5 + 1), "victim@hearth.example", "wrong password here", None).await;
        }
        let res = password_from(&app, "192.0.2.12", "victim@hearth.example", PASSWORD, None).await;
        assert!(body(res).await.contains("too many attempts"), "a new address is refused once the account has had 50 failures");
        let res = password_from(&app, "192.0.2.12", "victim@hearth.example", PASSWORD, Some(&device)).await;
        assert_eq!(location(&res), "/mfa", "the victim's own device is let in");
        // A device cookie only counts for the account it completed MFA for.
        assert!(body(password_from(&app, "192.0.2.12", "victim@hearth.example", PASSWORD, Some("not-a-known-device")).await).await.contains("too many attempts"));
    }
}

#[tokio::test]
async fn sign_in_never_forwards_a_person_to_another_site() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        account(&store, "traveller@hearth.example", &[Role::Practitioner]).await;
        let res = app.send(Method::POST, "/sign-in", None, Some(&format!("email=traveller@hearth.example&password={}&next=%2F%09%2Fevil.example", PASSWORD.replace(' ', "+")))).await;
        assert_eq!(location(&res), "/mfa", "the crafted next is dropped");
        let partial = session_cookie(&res).unwrap();
        let page = body(app.send(Method::GET, "/mfa?next=%2F%0A%2Fevil.example", Some(&partial), None).await).await;
        assert!(!page.contains("evil.example"), "not carried into the MFA form");
        // Posted straight to the MFA step, it is answered with Hearth's home page, not a 500.
        let res = app.send(Method::POST, "/mfa", Some(&partial), Some(&format!("code={}&next=%2F%0A%2Fevil.example", code()))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/");
    }
}

#[tokio::test]
async fn csrf_is_waived_only_for_bearer_tokens_and_https_sends_hsts() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        let hr = account(&store, "hr.person@hearth.example", &[Role::Hr]).await;
        let session = sign_in_other(&app, &store, hr).await;
        // A cookie session that sends another Authorization scheme is still a cookie session.
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/cases")
            .header("cookie", format!("hearth_session={session}"))
            .header("authorization", "Basic aGVhcnRoOmhlYXJ0aA==")
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{}"))
            .unwrap();
        let res = app.request(req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(body(res).await.contains("CSRF"), "refused for its missing CSRF token");
        let refused = audit::search(&store, &audit::AuditQuery { action_prefix: Some("security.csrf_refused".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(refused.items[0].actor_id, Some(hr.to_string()), "the refusal names who was refused");
        // No credentials at all: 401, not a CSRF refusal.
        let req = axum::http::Request::builder().method(Method::POST).uri("/api/v1/cases").header("content-type", "application/json").body(axum::body::Body::from("{}")).unwrap();
        let res = app.request(req).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()["content-type"], "application/problem+json");

        assert!(app.send(Method::GET, "/sign-in", None, None).await.headers().get("strict-transport-security").is_none(), "not over plain HTTP");
        let tls = App::with_config(&store, hearth_web::WebConfig { secure_cookies: true, ..Default::default() }).await;
        let res = tls.send(Method::GET, "/sign-in", None, None).await;
        assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    }
}

#[tokio::test]
async fn the_api_takes_bearer_tokens_pages_and_names_bad_fields() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        let id = account(&store, "api.user@hearth.example", &[Role::Hr]).await;
        for i in 0..4 {
            account(&store, &format!("colleague{i}@hearth.example"), &[Role::Practitioner]).await;
        }
        let token = auth::create_api_token(&store, &AuditContext::system(), id, "test", time::Duration::days(1)).await.unwrap();

        let res = app.bearer("/api/v1/me", &token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let me: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(me["id"], id.to_string());
        assert_eq!(me["roles"][0], "hr");

        let res = app.bearer("/api/v1/staff?per_page=2&page=2", &token).await;
        let page: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(5), Some(2), Some(2)));
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        assert!(page["items"][0]["id"].is_string());

        let res = app.bearer("/api/v1/staff?per_page=0", &token).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(problem["errors"][0]["field"], "per_page");

        let res = app.bearer("/api/v1/staff?page=abc", &token).await;
        assert!(res.status().is_client_error(), "a non-number page is a 4xx, not a 500: {}", res.status());

        let res = app.bearer("/api/v1/me", "hearth_not-a-real-token").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()["content-type"], "application/problem+json");

        let spec: serde_json::Value = serde_json::from_str(&body(app.send(Method::GET, "/api/v1/openapi.json", None, None).await).await).unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
        for route in hearth_web::routes::all().iter().filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json") {
            assert!(spec["paths"][route.path].is_object(), "{} is missing from the OpenAPI document", route.path);
        }
    }
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_reads_and_refusals_are_audited() {
    for store in testing::stores().await {
        let app = App::new(&store).await;
        let admin = account(&store, "admin@hearth.example", &[Role::SystemAdmin]).await;
        let worker = account(&store, "worker@hearth.example", &[Role::Practitioner]).await;
        let other = account(&store, "other@hearth.example", &[Role::Practitioner]).await;
        let admin_session = sign_in(&app, "admin@hearth.example").await;

        let path = format!("/admin/staff/{worker}/roles");
        let first = app.send(Method::POST, &path, Some(&admin_session), Some("version=1&roles=team_manager")).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let stale = app.send(Method::POST, &path, Some(&admin_session), Some("version=1&roles=hr")).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        assert!(body(stale).await.contains("Someone else changed this record"));
        assert_eq!(org::staff_record(&store, worker).await.unwrap().roles, [Role::TeamManager]);

        // An HTML form with bad input gets an error summary, not a 500.
        let res = app.send(Method::POST, "/admin/staff/new", Some(&admin_session), Some("name=&email=not-an-email&fte=9")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let html = body(res).await;
        assert!(html.contains("govuk-error-summary") && html.contains("href=\"#email\""));

        // Reading a record is audited; so is being refused one.
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}"), Some(&admin_session), None).await.status(), StatusCode::OK);
        let viewed = audit::search(&store, &audit::AuditQuery { subject_id: Some(worker.to_string()), action_prefix: Some("staff.viewed".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(viewed.items[0].actor_id, Some(admin.to_string()));
        // The audit screen shows the read at once, though on SQLite it was journalled, not committed.
        let before = audit::search(&store, &audit::AuditQuery { subject_id: Some(worker.to_string()), action_prefix: Some("staff.viewed".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap().total;
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}"), Some(&admin_session), None).await.status(), StatusCode::OK);
        let screen = body(app.send(Method::GET, &format!("/admin/audit?subject={worker}"), Some(&admin_session), None).await).await;
        assert_eq!(screen.matches(">Viewed a staff record<").count() as i64, before + 1, "actions in words: {screen}");
        assert!(screen.contains(">Person admin@hearth.example<") && screen.contains(">Person worker@hearth.example<"), "people and records by name: {screen}");
        assert!(!screen.contains(&format!(">{}<", &admin.to_string()[..8])), "no bare id on screen");
        // A person and a record picked by name, not by id.
        let by_name = body(app.send(Method::GET, "/admin/audit?who=admin%40hearth.example&record=worker%40hearth", Some(&admin_session), None).await).await;
        assert!(by_name.contains("What Person admin@hearth.example did") && by_name.contains("Who viewed or changed Person worker@hearth.example"), "{by_name}");
        assert!(by_name.contains(">Viewed a staff record<"));
        let several = app.send(Method::GET, "/admin/audit?who=hearth.example", Some(&admin_session), None).await;
        assert_eq!(several.status(), StatusCode::BAD_REQUEST);
        let several = body(several).await;
        assert!(several.contains("people match") && several.contains(&format!("/admin/audit?actor={worker}")), "a choice of those it could mean: {several}");
        // A date that is not one is said so, rather than quietly searching every date.
        let res = app.send(Method::GET, &format!("/admin/audit?subject={worker}&from=2026-02-31&to=2026-01-01"), Some(&admin_session), None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let html = body(res).await;
        assert!(html.contains("govuk-error-summary") && html.contains("href=\"#from\"") && html.contains("The from date must be a real date"), "{html}");
        assert!(!html.contains(">Viewed a staff record<"), "no events beside the error");
        let res = app.send(Method::GET, "/admin/audit?from=2026-02-01&to=2026-01-01", Some(&admin_session), None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("The to date must be the same as or after the from date"));

        let other_session = sign_in_other(&app, &store, other).await;
        assert_eq!(app.send(Method::GET, &format!("/staff/{worker}"), Some(&other_session), None).await.status(), StatusCode::FORBIDDEN);
        let refused = audit::search(&store, &audit::AuditQuery { actor_id: Some(other.to_string()), action_prefix: Some("access.refused".into()), ..Default::default() }, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(refused.total, 1);
        assert_eq!(refused.items[0].outcome, "denied");

        // Recording a leaver ends their sessions at once.
        let res = app.send(Method::POST, &format!("/admin/staff/{other}/leaver"), Some(&admin_session), Some("version=1&confirm=yes&left_on=2026-11-20")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&app.send(Method::GET, "/", Some(&other_session), None).await), "/sign-in");
        assert_eq!(audit::verify(&store).await.unwrap().map(|n| n > 10), Ok(true));
    }
}

/// A full session without going through TOTP again (the shared test secret's code is spent).
async fn sign_in_other(_app: &App, store: &Store, id: Uuid) -> String {
    let mut tx = store.begin().await.unwrap();
    let token = auth::create_session(&mut tx, id, true).await.unwrap();
    tx.commit().await.unwrap();
    token
}

#[tokio::test]
async fn operators_get_health_readiness_and_metrics() {
    let store = testing::fresh(hearth_store::Engine::Sqlite).await;
    let app = App::new(&store).await;
    assert_eq!(app.send(Method::GET, "/healthz", None, None).await.status(), StatusCode::OK);
    assert_eq!(app.send(Method::GET, "/readyz", None, None).await.status(), StatusCode::OK);
    let metrics = body(app.send(Method::GET, "/metrics", None, None).await).await;
    assert!(metrics.contains("hearth_http_requests_total{method=\"GET\",status=\"2xx\"} 2"), "{metrics}");
    assert!(metrics.contains("hearth_audit_journal_waiting_files 0"), "{metrics}");
    // A closed journal file that has not been moved (as when moving fails) shows.
    let journal = testing::journal_dir(&store).await.unwrap();
    std::fs::write(journal.join("closed-00000000000000000009"), "").unwrap();
    let metrics = body(app.send(Method::GET, "/metrics", None, None).await).await;
    assert!(metrics.contains("hearth_audit_journal_waiting_files 1"), "{metrics}");
    let page = app.send(Method::GET, "/sign-in", None, None).await;
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"));
    let html = body(page).await;
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "scripts carry this response's nonce");
    assert!(!html.contains("<script>"), "no inline script");
}
