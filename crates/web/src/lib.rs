//! Hearth's HTTP side: GOV.UK-styled pages and the JSON API on one axum router.
//!
//! Every route is declared once in [`routes`] with the permission it needs; the router is built
//! from that list, and the authorisation-matrix test walks the same list.

pub mod api;
mod assets;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod components;
pub mod courtwork;
pub mod dates;
pub mod error;
pub mod form;
mod home;
pub mod input;
pub mod insight;
mod markdown;
pub mod metrics;
pub mod ops;
pub mod org;
pub mod page;
pub mod people;
pub mod quality;
pub mod routes;
pub mod saved;
pub mod security;
pub mod session;
pub mod teamrooms;
pub mod workload;
pub mod workplace;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware::from_fn_with_state;
use hearth_domain::auth::{SessionPolicy, SignInLimit};
use hearth_store::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use error::AppError;

/// Settings the web layer needs.
#[derive(Clone)]
pub struct WebConfig {
    /// Set when Hearth is reached over TLS: cookies then carry `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    /// Where people reach Hearth, for links given to them to use elsewhere (an invitation).
    pub public_url: String,
    pub session: SessionPolicy,
    pub sign_in_limit: SignInLimit,
    /// Behind a load balancer that appends the client's address to `X-Forwarded-For`: take the
    /// address from there rather than the connection (which is the balancer's).
    pub trust_forwarded_for: bool,
    /// How long a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// National settings for computed deadlines.
    pub deadlines: hearth_domain::cases::deadlines::DeadlineSettings,
    /// Working days: England and Wales bank holidays with any configured overrides.
    pub calendar: hearth_domain::calendar::WorkingCalendar,
    /// Where document bytes are kept (in memory unless the binary gives it a directory).
    pub files: hearth_store::documents::Files,
    /// The largest document or photo accepted.
    pub max_upload_bytes: u64,
    /// National setting: how many good pieces in a row earn autonomy in a work type.
    pub autonomy: hearth_domain::quality::AutonomySettings,
    /// National setting: how many pieces per worker, how often, managers dip-sample.
    pub sampling: hearth_domain::quality::SamplingSettings,
    pub supervision: hearth_domain::people::SupervisionSettings,
    pub training: hearth_domain::people::training::TrainingSettings,
    pub induction: hearth_domain::people::induction::InductionSettings,
    pub desks: hearth_domain::workplace::DeskRules,
    pub chat: hearth_domain::teamrooms::chat::ChatSettings,
    pub leave: hearth_domain::people::leave::LeaveSettings,
    pub sickness: hearth_domain::people::sickness::SicknessSettings,
    pub expenses: hearth_domain::people::expenses::ExpenseSettings,
    /// National settings: the workload weighting tool, capacity rules, bands and offers.
    pub workload: hearth_domain::workload::WorkloadSettings,
    /// National targets for the key figures.
    pub targets: hearth_domain::insight::KpiTargets,
    /// Typesets court reports to PDF. The binary gives it `hearth-docs`; the web crate stays free
    /// of typst, so a change here never rebuilds or relinks it into every web test.
    pub typesetter: Typesetter,
}

/// Turns a report into PDF bytes, or says why it could not.
pub type Typesetter = Arc<dyn Fn(&hearth_domain::courtwork::Report) -> Result<Vec<u8>, String> + Send + Sync>;

/// For a server given no typesetter: filing is refused with this reason rather than half done.
fn no_typesetter() -> Typesetter {
    Arc::new(|_| Err("This server cannot make PDFs, so nothing can be filed. Tell the service desk.".into()))
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            session: SessionPolicy::default(),
            sign_in_limit: SignInLimit::default(),
            trust_forwarded_for: false,
            request_timeout: Duration::from_secs(30),
            deadlines: Default::default(),
            calendar: hearth_domain::calendar::WorkingCalendar::with_known_changes(),
            files: hearth_store::documents::memory_files(),
            max_upload_bytes: 20 * 1024 * 1024,
            autonomy: Default::default(),
            sampling: Default::default(),
            supervision: Default::default(),
            training: Default::default(),
            induction: Default::default(),
            desks: Default::default(),
            chat: Default::default(),
            leave: Default::default(),
            sickness: Default::default(),
            expenses: Default::default(),
            workload: Default::default(),
            targets: Default::default(),
            typesetter: no_typesetter(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub metrics: metrics::Metrics,
    /// Whether this installation holds demo data, read once at start.
    pub demo: bool,
    /// Megapixels of photos being decoded at once (`cases::documents`): at most one photo of
    /// the largest size, or several smaller ones, so uploads cannot multiply the memory they take.
    pub image_budget: Arc<tokio::sync::Semaphore>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn new(store: Store, config: WebConfig) -> Result<Self, hearth_store::StoreError> {
        let demo = store.is_demo().await?;
        let image_budget = Arc::new(tokio::sync::Semaphore::new((hearth_domain::documents::MAX_PIXELS / 1_000_000) as usize));
        Ok(Self(Arc::new(Inner { store, config, metrics: metrics::Metrics::default(), demo, image_budget })))
    }
}

/// The whole application: every declared route, behind the shared layers.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes::all() {
        router = router.route(route.path, route.into_method_router(&state));
    }
    router
        .nest_service("/static", assets::service())
        .fallback(error::not_found)
        // Layers run outside-in from the bottom of this list.
        .layer(axum::middleware::from_fn(input::guard))
        .layer(from_fn_with_state(state.clone(), saved::layer))
        .layer(from_fn_with_state(state.clone(), page::render_error_pages))
        .layer(from_fn_with_state(state.clone(), security::csrf))
        .layer(from_fn_with_state(state.clone(), session::load))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout,
        ))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(ops::request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(tower_http::compression::CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .with_state(state)
}
