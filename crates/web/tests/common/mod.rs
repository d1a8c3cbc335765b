//! Shared helpers for the web integration tests: the real router on a real store.
#![allow(dead_code)]

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, Response};
use hearth_store::Store;
use tower::ServiceExt;
use uuid::Uuid;

/// A full (MFA-complete) session for a member of staff, without going through the sign-in pages.
pub async fn session(store: &Store, staff: Uuid) -> String {
    let mut tx = store.begin().await.unwrap();
    let token = hearth_store::auth::create_session(&mut tx, staff, true).await.unwrap();
    tx.commit().await.unwrap();
    token
}

/// A member of staff in a team, with a line manager if given.
/// A team, named `name`, in the first service area, with the reference data it needs.
pub async fn team(store: &Store, name: &str) -> Uuid {
    hearth_store::org::ensure_reference_data(store).await.unwrap();
    let areas = hearth_store::org::area_refs(store).await.unwrap();
    let team = hearth_store::new_id();
    let mut tx = store.begin().await.unwrap();
    hearth_store::org::insert_team(&mut tx, team, name, areas[0].id, None).await.unwrap();
    tx.commit().await.unwrap();
    team
}

/// A team in another service area than [`team`]'s: for the people outside a team's reach.
pub async fn far_team(store: &Store, name: &str) -> Uuid {
    hearth_store::org::ensure_reference_data(store).await.unwrap();
    let areas = hearth_store::org::area_refs(store).await.unwrap();
    let team = hearth_store::new_id();
    let mut tx = store.begin().await.unwrap();
    hearth_store::org::insert_team(&mut tx, team, name, areas[1].id, None).await.unwrap();
    tx.commit().await.unwrap();
    team
}

pub async fn staff(store: &Store, name: &str, roles: &[hearth_domain::org::Role], team: Uuid, manager: Option<Uuid>) -> Uuid {
    let s = hearth_domain::org::NewStaff {
        name: name.into(),
        email: hearth_domain::text::EmailAddress::parse("email", &format!("{}@hearth.example", name.to_lowercase().replace(' ', "."))).unwrap(),
        roles: roles.to_vec(),
        team_id: Some(team),
        line_manager_id: manager,
        fte: hearth_domain::org::Fte::FULL_TIME,
        contract: hearth_domain::org::ContractType::Employed,
        start_date: time::macros::date!(2024 - 01 - 01),
        qualified_date: None,
        skills: vec![],
    };
    hearth_store::org::create_staff(store, &hearth_store::AuditContext::system(), &s).await.unwrap()
}

/// The password and authenticator secret of accounts made by [`account`].
pub const PASSWORD: &str = "a perfectly long passphrase";
pub const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A member of staff with a password and an enrolled authenticator, in no team.
pub async fn account(store: &Store, email: &str, roles: &[hearth_domain::org::Role]) -> Uuid {
    use hearth_domain::org::{ContractType, Fte, NewStaff};
    hearth_store::org::ensure_reference_data(store).await.unwrap();
    let staff = NewStaff {
        name: format!("Person {email}"),
        email: hearth_domain::text::EmailAddress::parse("email", email).unwrap(),
        roles: roles.to_vec(),
        team_id: None,
        line_manager_id: None,
        fte: Fte::FULL_TIME,
        contract: ContractType::Employed,
        start_date: time::macros::date!(2024 - 01 - 01),
        qualified_date: None,
        skills: vec![],
    };
    let id = hearth_store::org::create_staff(store, &hearth_store::AuditContext::system(), &staff).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    hearth_store::auth::set_password_hash(&mut tx, id, &hearth_domain::auth::hash_password(PASSWORD)).await.unwrap();
    hearth_store::auth::set_totp_secret(&mut tx, id, SECRET).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub struct App {
    pub router: axum::Router,
    pub store: Store,
}

impl App {
    pub async fn new(store: &Store) -> Self {
        Self::with_config(store, hearth_web::WebConfig::default()).await
    }

    pub async fn with_config(store: &Store, config: hearth_web::WebConfig) -> Self {
        let state = hearth_web::AppState::new(store.clone(), config).await.unwrap();
        Self { router: hearth_web::router(state), store: store.clone() }
    }

    pub async fn send(&self, method: Method, path: &str, session: Option<&str>, form: Option<&str>) -> Response<Body> {
        let mut cookie = format!("hearth_csrf={CSRF}");
        if let Some(s) = session {
            cookie.push_str(&format!("; hearth_session={s}"));
        }
        let mut req = Request::builder().method(method).uri(path).header("cookie", cookie);
        let body = match form {
            Some(f) => {
                req = req.header("content-type", "application/x-www-form-urlencoded");
                Body::from(format!("csrf_token={CSRF}&{f}"))
            }
            None => Body::empty(),
        };
        self.router.clone().oneshot(req.body(body).unwrap()).await.unwrap()
    }

    /// Sends JSON to the API as a signed-in session (bearer-less calls need the CSRF pair too).
    pub async fn json(&self, method: Method, path: &str, session: &str, json: &str) -> Response<Body> {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", format!("hearth_csrf={CSRF}; hearth_session={session}"))
            .header("x-csrf-token", CSRF)
            .header("content-type", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.router.clone().oneshot(req).await.unwrap()
    }

    /// Sends a request built by the test as it is.
    pub async fn request(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.unwrap()
    }

    pub async fn bearer(&self, path: &str, token: &str) -> Response<Body> {
        let req = Request::builder().uri(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        self.router.clone().oneshot(req).await.unwrap()
    }
}

pub fn session_cookie(res: &Response<Body>) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("hearth_session=").map(|v| v.split(';').next().unwrap().to_string()))
        .filter(|v| !v.is_empty())
}

/// The value a response sets for a cookie, if it sets it.
pub fn set_cookie(res: &Response<Body>, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(|v| v.split(';').next().unwrap().to_string()))
        .filter(|v| !v.is_empty())
}

pub fn location(res: &Response<Body>) -> String {
    res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

pub async fn body(res: Response<Body>) -> String {
    String::from_utf8(to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec()).unwrap()
}


/// A multipart body with text fields and one file field.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "hearth-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(app: &App, path: &str, session: &str, csrf_in_query: bool, fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> axum::http::Response<axum::body::Body> {
    use tower::ServiceExt;
    let (content_type, body) = multipart(fields, file);
    let uri = if csrf_in_query { format!("{path}?csrf_token={}", CSRF) } else { path.to_string() };
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("cookie", format!("hearth_csrf={}; hearth_session={session}", CSRF))
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    app.router.clone().oneshot(req).await.unwrap()
}

