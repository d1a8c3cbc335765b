//! Who is calling: the session cookie or API bearer token, resolved once per request into [`Auth`],
//! and the [`Ctx`] extractor that handlers use for record-level permission checks.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use hearth_domain::access::{Permission, Relationships, may_break_glass, permits};
use hearth_domain::audit::Outcome;
use hearth_store::audit::{AuditContext, Event};
use hearth_store::auth::Session;
use hearth_store::org::Principal;
use uuid::Uuid;

use crate::routes::RoutePermission;
use crate::{AppError, AppState};

/// The caller, as far as sign-in has got.
#[derive(Clone, Debug)]
pub enum Auth {
    Anonymous,
    /// Password accepted, MFA still to do.
    MfaPending { session: Session },
    /// Fully signed in: by session (password and MFA) or by API token (no session).
    Staff { principal: Arc<Principal>, session: Option<Session> },
}

/// The session cookie's name: `__Host-` (which requires `Secure`) when served over TLS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-hearth_session" } else { "hearth_session" }
}

/// The cookie of a browser that has completed MFA for someone before (see `SignInLimit`).
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-hearth_device" } else { "hearth_device" }
}

/// How long a browser is remembered as a known device.
pub const DEVICE_COOKIE_DAYS: i64 = 400;

/// The address a request came from: the connection's peer, or with `trust_forwarded_for` (Hearth
/// behind a load balancer that appends the address it saw) the last `X-Forwarded-For` entry,
/// the one written by that balancer rather than anything the client sent.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).last();
            return Ok(ClientAddress(forwarded.and_then(|a| a.trim().parse().ok())));
        }
        Ok(ClientAddress(parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// Builds a `Set-Cookie` value with the attributes every Hearth cookie carries.
pub fn cookie(name: &str, value: &str, secure: bool, http_only: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// Reads one cookie from the request.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer token, if the request authenticates by one (the only `Authorization` scheme Hearth takes).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Resolves the caller and puts [`Auth`] in the request's extensions.
pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let auth = match resolve(&state, req.headers(), req.uri().path()).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::error!(error = %e, "could not resolve the caller");
            return crate::error::AppError::Internal(e.to_string()).into_response_for(req.uri().path());
        }
    };
    req.extensions_mut().insert(auth);
    next.run(req).await
}

async fn resolve(state: &AppState, headers: &HeaderMap, path: &str) -> Result<Auth, hearth_store::StoreError> {
    if path.starts_with("/api/")
        && let Some(token) = bearer(headers)
    {
        return Ok(staff(hearth_store::auth::token_principal(&state.store, token).await?, None));
    }
    let Some(token) = read_cookie(headers, session_cookie_name(state.config.secure_cookies)) else {
        return Ok(Auth::Anonymous);
    };
    let Some((session, principal)) = hearth_store::auth::session_and_principal(&state.store, token).await? else {
        return Ok(Auth::Anonymous);
    };
    let now = hearth_store::now();
    if !state.config.session.is_live(session.created_at, session.last_seen_at, now) {
        hearth_store::auth::delete_session(&state.store, &session.id_hash).await?;
        return Ok(Auth::Anonymous);
    }
    hearth_store::auth::touch_session(&state.store, &session).await?;
    if !session.mfa_verified {
        return Ok(Auth::MfaPending { session });
    }
    Ok(staff(principal, Some(session)))
}

/// A signed-in member of staff, if they are still active.
fn staff(principal: Option<Principal>, session: Option<Session>) -> Auth {
    match principal {
        Some(p) if p.active => Auth::Staff { principal: Arc::new(p), session },
        _ => Auth::Anonymous,
    }
}

/// The request id that tower-http assigned, for audit events.
pub fn request_id(parts_headers: &HeaderMap) -> Option<String> {
    parts_headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string)
}

pub fn audit_context(actor: Uuid, req: &Request) -> AuditContext {
    AuditContext::actor(actor, request_id(req.headers()))
}

/// Whether a request that reads a record has recorded an audit event of its own: the route layer
/// (`routes::enforce`) puts one in every read of a case, a piece of work or a person, every
/// [`Ctx`]'s audit context notes in it, and the layer records the read itself when nothing did.
#[derive(Debug, Clone, Default)]
pub struct ReadNote(pub Arc<std::sync::atomic::AtomicBool>);

impl ReadNote {
    pub fn recorded(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A fully signed-in caller, for handlers behind `SignedIn` or a permission.
pub struct Ctx {
    pub principal: Arc<Principal>,
    pub session: Option<Session>,
    pub audit: AuditContext,
    permission: Option<Permission>,
    path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Staff { principal, session }) => Ok(Ctx {
                principal: principal.clone(),
                session: session.clone(),
                audit: AuditContext::actor(principal.id, request_id(&parts.headers)).noting(parts.extensions.get::<ReadNote>().map(|n| n.0.clone())),
                permission: parts.extensions.get::<RoutePermission>().map(|p| p.0),
                path: parts.uri.path().to_string(),
            }),
            _ => Err(AppError::Unauthenticated),
        }
    }
}

impl Ctx {
    pub fn id(&self) -> Uuid {
        self.principal.id
    }

    /// May the caller use `permission` somewhere? For showing or hiding links.
    pub fn can(&self, permission: Permission) -> bool {
        hearth_domain::access::permits_somewhere(&self.principal.roles, permission)
    }

    /// May the caller do this route's permission to this member of staff's record? A refusal is audited.
    pub async fn authorize_staff(&self, state: &AppState, subject: Uuid) -> Result<(), AppError> {
        let permission = self.route_permission()?;
        if permits(&self.principal.roles, permission, &self.relationships_to_staff(state, permission, subject).await?) {
            return Ok(());
        }
        Err(self.refuse(state, "staff", subject).await?)
    }

    /// How the caller stands to a member of staff for `permission`: from both placements, and,
    /// where the permission reaches mentors, whether the caller is the person's mentor buddy.
    async fn relationships_to_staff(&self, state: &AppState, permission: Permission, subject: Uuid) -> Result<Relationships, AppError> {
        let placement = hearth_store::org::placement(&state.store, subject).await?;
        let mut rel = Relationships::between(&self.principal.placement, &placement);
        if hearth_domain::access::reaches_mentors(permission) && !permits(&self.principal.roles, permission, &rel) {
            rel.mentor = hearth_store::people::induction::mentor_of(&state.store, subject).await? == Some(self.id());
        }
        Ok(rel)
    }

    /// May the caller do this route's permission within a team (deciding a transfer into it, say)?
    /// A refusal is audited.
    pub async fn authorize_team(&self, state: &AppState, team_id: Uuid, service_area_id: Uuid) -> Result<(), AppError> {
        let permission = self.route_permission()?;
        if permits(&self.principal.roles, permission, &Relationships::to_team(&self.principal.placement, team_id, service_area_id)) {
            return Ok(());
        }
        Err(self.refuse(state, "team", team_id).await?)
    }

    /// Whether the caller holds a permission for a team, without refusing: to decide what a
    /// page offers.
    pub fn may_for_team(&self, permission: Permission, team_id: Uuid, service_area_id: Uuid) -> bool {
        permits(&self.principal.roles, permission, &Relationships::to_team(&self.principal.placement, team_id, service_area_id))
    }

    fn route_permission(&self) -> Result<Permission, AppError> {
        self.permission.ok_or_else(|| AppError::Internal("route declared no permission".into()))
    }

    /// Records a refusal of this route's permission on a record, and gives the 403 to return.
    pub(crate) async fn refuse(&self, state: &AppState, subject_type: &'static str, subject: Uuid) -> Result<AppError, AppError> {
        hearth_store::audit::record(
            &state.store,
            &self.audit,
            Event::success("access.refused")
                .about(subject_type, subject)
                .outcome(Outcome::Denied)
                .detail(serde_json::json!({ "permission": self.permission, "path": self.path })),
        )
        .await?;
        Ok(AppError::Forbidden)
    }

    /// May the caller do this route's permission to this case? A refusal is audited. Returns how
    /// the caller stands to the case, so the page can decide its links without asking again.
    pub async fn authorize_case(&self, state: &AppState, case_id: Uuid) -> Result<Relationships, AppError> {
        let permission = self.route_permission()?;
        let placement = hearth_store::cases::placement(&state.store, case_id).await?;
        let rel = Relationships::to_case(&self.principal.placement, &placement);
        if self.may(permission, &rel) {
            return Ok(rel);
        }
        let glass = may_break_glass(&self.principal.roles, permission, placement.restricted);
        if glass && hearth_store::cases::has_break_glass(&state.store, case_id, self.id()).await? {
            // Reading under a live break-glass grant: no standing relationship, so nothing more.
            return Ok(Relationships::default());
        }
        let refused = self.refuse(state, "case", case_id).await?;
        Err(if glass { AppError::BreakGlassOffered(case_id) } else { refused })
    }

    /// May the caller do this route's permission to this piece of court work? Reading and drafting
    /// follow its case; signing off follows its author (the managers above them), and never
    /// reaches into a restricted case the manager is not named on. A refusal is audited. Gives the
    /// work and how the caller stands to its case.
    pub async fn authorize_work(&self, state: &AppState, work_id: Uuid) -> Result<(hearth_store::courtwork::Work, Relationships), AppError> {
        let permission = self.route_permission()?;
        let work = hearth_store::courtwork::get(&state.store, work_id).await?;
        if permission != Permission::ApproveWork {
            let rel = self.authorize_case(state, work.case_id).await?;
            return Ok((work, rel));
        }
        let (author, case) = tokio::try_join!(hearth_store::org::placement(&state.store, work.author.id), hearth_store::cases::placement(&state.store, work.case_id))?;
        let to_case = Relationships::to_case(&self.principal.placement, &case);
        if !to_case.shut_out && self.may(permission, &Relationships::between(&self.principal.placement, &author)) {
            return Ok((work, to_case));
        }
        Err(self.refuse(state, "work", work_id).await?)
    }

    /// May the caller do `permission` to a record they stand in `rel` to? For links; not audited.
    pub fn may(&self, permission: Permission, rel: &Relationships) -> bool {
        permits(&self.principal.roles, permission, rel)
    }

    /// Checks this route's permission against a team room, as the caller stands to it (its
    /// members, its area, or the service); refusals are recorded. Moderation takes the kind of
    /// room into account (`teamrooms::moderation`).
    pub async fn authorize_room(&self, state: &AppState, room: &hearth_store::teamrooms::Room) -> Result<(), AppError> {
        let permission = self.route_permission()?;
        if self.may_in_room(permission, room) {
            return Ok(());
        }
        Err(self.refuse(state, "room", room.id).await?)
    }

    /// Whether the caller may do `permission` in a room, without refusing: to decide what a page offers.
    pub fn may_in_room(&self, permission: Permission, room: &hearth_store::teamrooms::Room) -> bool {
        use hearth_domain::teamrooms::{moderation, standing};
        let permission = if permission == Permission::ModerateRoom { moderation(room.kind) } else { permission };
        permits(&self.principal.roles, permission, &standing(&self.principal.placement, &room.place()))
    }

    /// Whether the caller may do `permission` to a given staff record, without auditing: for links.
    pub async fn may_for_staff(&self, state: &AppState, permission: Permission, subject: Uuid) -> bool {
        match self.relationships_to_staff(state, permission, subject).await {
            Ok(rel) => permits(&self.principal.roles, permission, &rel),
            Err(_) => false,
        }
    }
}
