//! Sign-in screens: password, MFA enrolment and challenge, sign-out, and the person's own account.

use askama::Template;
use crate::form::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::audit::Outcome;
use hearth_domain::auth::{TotpSecret, decoy_hash, verify_password};
use hearth_store::AuditContext;
use hearth_domain::auth::MFA_MEMORY;
use hearth_store::auth::{self as store_auth, Attempt, Session, Step, account_key};
use serde::Deserialize;

use crate::components::{ErrorSummary, Input};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::security::{csrf_cookie_name, set_csrf_cookie};
use crate::session::{Auth, ClientAddress, Ctx, DEVICE_COOKIE_DAYS, cookie, device_cookie_name, read_cookie, request_id, session_cookie_name};
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
    /// Back from choosing a first password with an invitation.
    invited: Option<String>,
}

/// Where to go after sign-in: only a path on Hearth itself, so a link cannot send someone elsewhere.
/// The value is parsed as a URL relative to Hearth and kept only if it stays on Hearth; control
/// characters and backslashes are refused before parsing, because browsers drop or reinterpret
/// them (`/\t/evil.example` and `/\\evil.example` both lead off-site).
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next.filter(|n| n.starts_with('/')) else { return "/".into() };
    if next.chars().any(|c| c.is_control() || c == '\\') {
        return "/".into();
    }
    let base = url::Url::parse("https://hearth.invalid/").expect("a fixed, valid base URL");
    match base.join(next) {
        Ok(url) if url.origin() == base.origin() => url[url::Position::BeforePath..].to_string(),
        _ => "/".into(),
    }
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    email: Input,
    password: Input,
    next: String,
    notice: Option<&'static str>,
}

fn sign_in_page(ctx: &PageCtx, email: &str, errors: &[FieldError], next: &str, notice: Option<&'static str>) -> SignInPage {
    SignInPage {
        shell: ctx.shell("Sign in"),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        email: Input::text("email", "Email address").kind("email").autocomplete("username").no_spellcheck().value(email).errors(errors),
        password: Input::text("password", "Password").kind("password").autocomplete("current-password").errors(errors),
        next: next.to_string(),
        notice,
    }
}

pub async fn sign_in_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    if matches!(ctx.auth, Auth::Staff { .. }) {
        return Redirect::to("/").into_response();
    }
    let notice = match (q.signed_out.as_deref(), q.invited.is_some()) {
        (_, true) => Some("Your password is set. Sign in with it to set up your authenticator app."),
        (Some("everywhere"), _) => Some("You have been signed out on every device."),
        (Some(_), _) => Some("You have been signed out."),
        (None, false) => None,
    };
    render(&sign_in_page(&ctx, "", &[], &safe_next(q.next.as_deref()), notice))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The one message for a wrong email or password, so it never says whether an account exists.
const WRONG: &str = "Enter a correct email address and password";
const LOCKED: &str = "There have been too many attempts to sign in to this account. Wait 5 minutes and try again";

pub async fn sign_in(State(state): State<AppState>, ctx: PageCtx, address: ClientAddress, headers: axum::http::HeaderMap, Form(form): Form<SignInForm>) -> Response {
    let next = safe_next(Some(&form.next));
    let mut errors = Vec::new();
    if form.email.trim().is_empty() {
        errors.push(FieldError::new("email", "Enter your email address"));
    }
    if form.password.is_empty() {
        errors.push(FieldError::new("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return render_with(StatusCode::BAD_REQUEST, &sign_in_page(&ctx, &form.email, &errors, &next, None));
    }
    let audit = AuditContext { actor_id: None, request_id: request_id(&headers), noted: None };
    let device = read_cookie(&headers, device_cookie_name(state.config.secure_cookies));
    match check_password(&state, &audit, address, device, &form.email, &form.password).await {
        Ok(Ok(creds)) => {
            let mut tx = match state.store.begin().await {
                Ok(tx) => tx,
                Err(e) => return AppError::from(e).into_response(),
            };
            let token = match store_auth::create_session(&mut tx, creds.staff_id, false).await {
                Ok(t) => t,
                Err(e) => return AppError::from(e).into_response(),
            };
            if let Err(e) = tx.commit().await {
                return AppError::Internal(e.to_string()).into_response();
            }
            let to = if creds.totp_secret.is_some() { "/mfa" } else { "/mfa/enrol" };
            let to = if next == "/" { to.to_string() } else { format!("{to}?next={}", crate::page::url_encode(&next)) };
            signed_in_redirect(&state, &to, &token, None)
        }
        Ok(Err(message)) => {
            let errors = [FieldError::new("email", message)];
            render_with(StatusCode::BAD_REQUEST, &sign_in_page(&ctx, &form.email, &errors, &next, None))
        }
        Err(e) => e.into_response(),
    }
}

/// Checks a password under the sign-in limits (`SignInLimit`). The inner error is the message to show.
async fn check_password(
    state: &AppState,
    audit: &AuditContext,
    address: ClientAddress,
    device: Option<&str>,
    email: &str,
    password: &str,
) -> Result<Result<store_auth::Credentials, &'static str>, AppError> {
    let key = account_key(email);
    let limit = state.config.sign_in_limit;
    let creds = store_auth::credentials_by_email(&state.store, &email.trim().to_lowercase()).await?;
    let staff_id = creds.as_ref().map(|c| c.staff_id);
    let known_device = match (staff_id, device) {
        (Some(id), Some(d)) => store_auth::is_known_device(&state.store, id, d).await?,
        _ => false,
    };
    let source = store_auth::source_key(address.0, device.filter(|_| known_device));
    let attempt = Attempt { account_key: &key, source_key: &source, step: Step::Password, staff_id };
    let failures = store_auth::password_failures(&state.store, &key, &source, hearth_store::now() - limit.window).await?;
    if limit.refuses_password(&failures, known_device) {
        store_auth::record_attempt(&state.store, audit, attempt, "auth.sign_in", Outcome::Denied, "too many attempts").await?;
        return Ok(Err(LOCKED));
    }
    // Verify against a decoy when there is no usable hash, so timing does not reveal the account.
    let hash = creds.as_ref().and_then(|c| c.password_hash.clone()).unwrap_or_else(|| decoy_hash().to_string());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match creds {
        Some(c) if matches && c.active && c.password_hash.is_some() => {
            store_auth::record_attempt(&state.store, audit, attempt, "auth.sign_in", Outcome::Success, "password").await?;
            Ok(Ok(c))
        }
        c => {
            let reason = match c {
                None => "unknown account",
                Some(c) if !c.active => "account disabled",
                _ => "wrong password",
            };
            store_auth::record_attempt(&state.store, audit, attempt, "auth.sign_in", Outcome::Failure, reason).await?;
            Ok(Err(WRONG))
        }
    }
}

/// Redirects with a new session cookie and a new CSRF token, and a device cookie when MFA has
/// just been completed on a browser not known before.
fn signed_in_redirect(state: &AppState, to: &str, token: &str, device: Option<&str>) -> Response {
    let secure = state.config.secure_cookies;
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie(session_cookie_name(secure), token, secure, true, None)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Some(device) = device
        && let Ok(v) = HeaderValue::from_str(&cookie(device_cookie_name(secure), device, secure, true, Some(DEVICE_COOKIE_DAYS * 86_400)))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    set_csrf_cookie(&mut res, csrf_cookie_name(secure), &hearth_domain::auth::random_token(), secure);
    res
}

fn pending_session(ctx: &PageCtx) -> Result<Session, AppError> {
    match &ctx.auth {
        Auth::MfaPending { session } => Ok(session.clone()),
        _ => Err(AppError::Unauthenticated),
    }
}

#[derive(Template)]
#[template(path = "auth/mfa.html")]
struct MfaPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    code: Input,
    next: String,
}

/// The code is the page's one question, so the cursor starts in it; with errors it starts on the
/// error summary instead, as the design system's script moves it there.
fn code_input(errors: &[FieldError]) -> Input {
    let input = Input::text("code", "Security code")
        .hint("The 6-digit code from your authenticator app")
        .autocomplete("one-time-code")
        .inputmode("numeric")
        .classes("govuk-input--width-5 govuk-input--extra-letter-spacing")
        .no_spellcheck()
        .errors(errors);
    if errors.is_empty() { input.autofocus() } else { input }
}

pub async fn mfa_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    if matches!(ctx.auth, Auth::Staff { .. }) {
        return Redirect::to("/").into_response();
    }
    render(&MfaPage { shell: ctx.shell("Enter your security code"), errors: None, code: code_input(&[]), next: safe_next(q.next.as_deref()) })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

pub async fn mfa(State(state): State<AppState>, ctx: PageCtx, headers: axum::http::HeaderMap, Form(form): Form<CodeForm>) -> Response {
    let next = safe_next(Some(&form.next));
    let session = match pending_session(&ctx) {
        Ok(s) => s,
        Err(_) => return Redirect::to("/").into_response(),
    };
    let result = verify_code(&state, &session, &headers, &form.code, None).await;
    match result {
        Ok(Ok(done)) => signed_in_redirect(&state, &next, &done.session, done.device.as_deref()),
        Ok(Err(message)) => {
            let errors = [FieldError::new("code", message)];
            let page = MfaPage { shell: ctx.shell("Enter your security code"), errors: Some(ErrorSummary::of(&errors)), code: code_input(&errors), next };
            render_with(StatusCode::BAD_REQUEST, &page)
        }
        Err(e) => e.into_response(),
    }
}

/// Checks a TOTP code for the session's account under MFA's own limit (`SignInLimit`: counted
/// by account, apart from passwords), completing MFA if right. `enrolling` is the secret being
/// set up, or `None` to check the enrolled one.
async fn verify_code(
    state: &AppState,
    session: &Session,
    headers: &axum::http::HeaderMap,
    code: &str,
    enrolling: Option<&str>,
) -> Result<Result<store_auth::Completed, String>, AppError> {
    let creds = store_auth::credentials_by_id(&state.store, session.staff_id).await?.ok_or(AppError::Unauthenticated)?;
    let audit = AuditContext::actor(session.staff_id, request_id(headers));
    let key = account_key(&creds.email);
    let device = read_cookie(headers, device_cookie_name(state.config.secure_cookies));
    let known_device = match device {
        Some(d) => store_auth::is_known_device(&state.store, creds.staff_id, d).await?,
        None => false,
    };
    let source = store_auth::source_key(None, device.filter(|_| known_device));
    let attempt = Attempt { account_key: &key, source_key: &source, step: Step::Mfa, staff_id: Some(creds.staff_id) };
    let now = hearth_store::now();
    let (failures, last) = store_auth::mfa_failures(&state.store, &key, now - MFA_MEMORY).await?;
    if let Some(until) = state.config.sign_in_limit.mfa_locked_until(failures, last).filter(|u| *u > now) {
        store_auth::record_attempt(&state.store, &audit, attempt, "auth.mfa", Outcome::Denied, "too many wrong codes").await?;
        let minutes = ((until - now).whole_seconds() + 59) / 60;
        return Ok(Err(format!("There have been too many wrong codes. Wait {minutes} minute{} and try again", if minutes == 1 { "" } else { "s" })));
    }
    if code.trim().is_empty() {
        return Ok(Err("Enter the 6-digit security code".into()));
    }
    let secret_text = enrolling.map(str::to_string).or(creds.totp_secret.clone());
    let Some(secret) = secret_text.as_deref().and_then(TotpSecret::from_base32) else {
        return Err(AppError::Unauthenticated);
    };
    let last_step = if enrolling.is_some() { None } else { creds.totp_last_step };
    let Some(step) = secret.verify(code, now, last_step) else {
        store_auth::record_attempt(&state.store, &audit, attempt, "auth.mfa", Outcome::Failure, "wrong or used code").await?;
        return Ok(Err("The security code is wrong or has already been used. Wait for a new code and try again".into()));
    };
    match store_auth::complete_mfa(&state.store, &audit, session, step, enrolling, known_device).await? {
        Some(done) => {
            store_auth::record_attempt(&state.store, &audit, attempt, "auth.mfa", Outcome::Success, "code").await?;
            Ok(Ok(done))
        }
        None => Ok(Err("That security code has already been used. Wait for a new code and try again".into())),
    }
}

#[derive(Template)]
#[template(path = "auth/enrol.html")]
struct EnrolPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    code: Input,
    qr_svg: String,
    secret: String,
    next: String,
}

async fn enrol_page(state: &AppState, ctx: &PageCtx, session: &Session, errors: &[FieldError], next: String) -> Result<EnrolPage, AppError> {
    let creds = store_auth::credentials_by_id(&state.store, session.staff_id).await?.ok_or(AppError::Unauthenticated)?;
    // Keep the secret already offered in this session, so a wrong code does not change the QR code.
    let secret = match session.pending_totp_secret.as_deref().and_then(TotpSecret::from_base32) {
        Some(s) => s,
        None => {
            let s = TotpSecret::generate();
            store_auth::set_pending_totp(&state.store, session, s.as_base32()).await?;
            s
        }
    };
    let uri = secret.provisioning_uri(&creds.email);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .dark_color(qrcode::render::svg::Color("#0b0c0c"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .build()
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Drop the XML prolog and label the picture for screen readers.
    let qr_svg = qr_svg.trim_start_matches(|c| c != '<').replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1).replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" ",
        1,
    );
    Ok(EnrolPage {
        shell: ctx.shell("Set up your authenticator app"),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        code: code_input(errors),
        qr_svg,
        secret: secret.grouped(),
        next,
    })
}

pub async fn enrol_form(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    let Ok(session) = pending_session(&ctx) else {
        return Redirect::to("/").into_response();
    };
    match store_auth::credentials_by_id(&state.store, session.staff_id).await {
        Ok(Some(c)) if c.totp_secret.is_some() => return Redirect::to("/mfa").into_response(),
        Err(e) => return AppError::from(e).into_response(),
        _ => {}
    }
    match enrol_page(&state, &ctx, &session, &[], safe_next(q.next.as_deref())).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

pub async fn enrol(State(state): State<AppState>, ctx: PageCtx, headers: axum::http::HeaderMap, Form(form): Form<CodeForm>) -> Response {
    let next = safe_next(Some(&form.next));
    let Ok(session) = pending_session(&ctx) else {
        return Redirect::to("/").into_response();
    };
    let Some(pending) = session.pending_totp_secret.clone() else {
        return Redirect::to("/mfa/enrol").into_response();
    };
    match verify_code(&state, &session, &headers, &form.code, Some(&pending)).await {
        Ok(Ok(done)) => signed_in_redirect(&state, &next, &done.session, done.device.as_deref()),
        Ok(Err(message)) => {
            let errors = [FieldError::new("code", message)];
            match enrol_page(&state, &ctx, &session, &errors, next).await {
                Ok(page) => render_with(StatusCode::BAD_REQUEST, &page),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

fn signed_out(state: &AppState, to: &str) -> Response {
    let secure = state.config.secure_cookies;
    let mut res = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie(session_cookie_name(secure), "", secure, true, Some(0))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn sign_out(State(state): State<AppState>, ctx: PageCtx, headers: axum::http::HeaderMap) -> Response {
    let session = match &ctx.auth {
        Auth::MfaPending { session } => Some(session.clone()),
        Auth::Staff { session, .. } => session.clone(),
        Auth::Anonymous => None,
    };
    if let Some(session) = session {
        let audit = AuditContext::actor(session.staff_id, request_id(&headers));
        if let Err(e) = store_auth::sign_out(&state.store, &audit, &session).await {
            return AppError::from(e).into_response();
        }
    }
    signed_out(&state, "/sign-in?signed_out=1")
}

#[derive(Template)]
#[template(path = "auth/account.html")]
struct AccountPage {
    shell: Shell,
    name: String,
    email: String,
    roles: String,
}

pub async fn account(ctx: PageCtx, me: Ctx) -> Response {
    let roles = me.principal.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
    render(&AccountPage { shell: ctx.shell("Your account"), name: me.principal.name.clone(), email: me.principal.email.clone(), roles })
}

pub async fn sign_out_everywhere(State(state): State<AppState>, me: Ctx) -> Response {
    match store_auth::sign_out_everywhere(&state.store, &me.audit, me.id()).await {
        Ok(_) => signed_out(&state, "/sign-in?signed_out=everywhere"),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_on_hearth_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/cases/1?page=2#notes")), "/cases/1?page=2#notes");
        assert_eq!(safe_next(Some("/cases/../staff")), "/staff", "kept in its normal form");
        for away in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "evil.example",
            "/\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(safe_next(Some(away)), "/", "{away:?} must not be followed");
        }
        assert_eq!(safe_next(None), "/");
    }
}

// ---- Invitations: a new member of staff's first password ----

#[derive(Deserialize, Default)]
pub struct InvitationQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "auth/invitation.html")]
struct InvitationPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    name: String,
    token: String,
    password: Input,
    confirm: Input,
}

fn invitation_page(ctx: &PageCtx, name: &str, token: &str, errors: &[FieldError]) -> Response {
    let page = InvitationPage {
        shell: ctx.shell("Choose your password"),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        name: name.into(),
        token: token.into(),
        password: Input::text("password", "Password")
            .kind("password")
            .autocomplete("new-password")
            .hint(&format!("At least {} characters. A few words you will remember make a strong one.", hearth_domain::auth::PASSWORD_MIN_CHARS))
            .errors(errors),
        confirm: Input::text("confirm", "Type it again").kind("password").autocomplete("new-password").errors(errors),
    };
    if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) }
}

/// A link that was used, ran out, or never was: said plainly, with who can help.
fn invitation_gone(ctx: &PageCtx) -> Response {
    crate::page::message_page(
        ctx,
        StatusCode::GONE,
        "This link no longer works",
        "It has been used, or it is more than 7 days old, or a newer link replaced it. Ask whoever added you to Hearth for a new one.",
    )
}

pub async fn invitation_form(ctx: PageCtx, State(state): State<AppState>, Query(q): Query<InvitationQuery>) -> Result<Response, AppError> {
    match store_auth::invited(&state.store, &q.token).await? {
        Some((_, name, _)) => Ok(invitation_page(&ctx, &name, &q.token, &[])),
        None => Ok(invitation_gone(&ctx)),
    }
}

#[derive(Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn accept_invitation(ctx: PageCtx, State(state): State<AppState>, headers: axum::http::HeaderMap, Form(f): Form<InvitationForm>) -> Result<Response, AppError> {
    let Some((_, name, email)) = store_auth::invited(&state.store, &f.token).await? else { return Ok(invitation_gone(&ctx)) };
    let email = hearth_domain::text::EmailAddress::parse("email", &email).ok();
    let mut errors = vec![];
    if let Err(e) = hearth_domain::auth::check_new_password("password", &f.password, email.as_ref()) {
        errors.push(e);
    } else if f.confirm != f.password {
        errors.push(FieldError::new("confirm", "The passwords do not match: type the same one twice"));
    }
    if !errors.is_empty() {
        return Ok(invitation_page(&ctx, &name, &f.token, &errors));
    }
    let hash = hearth_domain::auth::hash_password(&f.password);
    match store_auth::accept_invitation(&state.store, &f.token, &hash, request_id(&headers)).await {
        Ok(_) => Ok(Redirect::to("/sign-in?invited=1").into_response()),
        Err(hearth_store::StoreError::NotFound) => Ok(invitation_gone(&ctx)),
        Err(e) => Err(e.into()),
    }
}
