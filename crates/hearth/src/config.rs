//! Layered configuration: defaults, then `hearth.toml`, then `HEARTH_*` environment variables, then flags.
//! Secrets (the database URL may hold a password) are never printed.

use std::path::PathBuf;

use anyhow::Result;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset means SQLite at `<data_dir>/hearth.db`.
    pub database_url: Option<String>,
    pub addr: String,
    /// How people reach Hearth. `https://` turns on Secure, `__Host-` cookies.
    pub public_url: String,
    /// Behind a load balancer that appends the client's address to `X-Forwarded-For`: sign-in
    /// limits count by that address rather than the balancer's.
    pub trust_forwarded_for: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// `json` for JSON logs, anything else for human-readable ones.
    pub log_format: String,
    /// The largest document or photo accepted, in megabytes.
    pub max_upload_mb: u64,
    /// National deadline settings (`[deadlines]` in hearth.toml); see `DeadlineSettings`.
    pub deadlines: hearth_domain::cases::deadlines::DeadlineSettings,
    /// National setting for earned autonomy (`[autonomy]` in hearth.toml): `pieces_to_earn`.
    pub autonomy: hearth_domain::quality::AutonomySettings,
    /// National setting for dip sampling (`[sampling]`): `per_worker` and `cadence`
    /// (`quarterly` or `monthly`).
    pub sampling: hearth_domain::quality::SamplingSettings,
    /// National settings for supervision (`[supervision]`): `early_weeks` (6) while new or on an
    /// improvement plan, `standard_weeks` (13) otherwise, `new_for_months` (12), `due_soon_days`.
    pub supervision: hearth_domain::people::SupervisionSettings,
    /// National settings for training (`[training]`): `expiring_days` (30) before a mandatory
    /// course expires it shows as due soon and its holder is reminded; `new_starter_days` (90).
    pub training: hearth_domain::people::training::TrainingSettings,
    /// National settings for induction (`[induction]`): `office_days_per_week` (3) for the first
    /// `office_first_months` (6); a mentor's mentoring counts for `mentoring_months` (6).
    pub induction: hearth_domain::people::induction::InductionSettings,
    /// National hot-desk rules (`[desks]`): book `horizon_days` (14) ahead, or
    /// `office_first_horizon_days` (28) for those expected in the office more; at most
    /// `days_per_week` (3); check in from `check_in_from` ("07:00") until `release_at` ("10:30"),
    /// when bookings nobody checked in to are released.
    pub desks: hearth_domain::workplace::DeskRules,
    /// How long chat messages are kept (`[chat]`): `keep_days` (730), then deleted.
    pub chat: hearth_domain::teamrooms::chat::ChatSettings,
    /// National settings for leave (`[leave]`): the year's start (1 April), a full-time week
    /// (37 hours), the entitlement by years of service and the carry-over cap (5 days).
    pub leave: hearth_domain::people::leave::LeaveSettings,
    /// National settings for sickness (`[sickness]`): `self_certify_days` (7), `long_term_days`
    /// (28), `interview_working_days` (3), `bradford_triggers` ([51, 201, 401]) over
    /// `bradford_weeks` (52).
    pub sickness: hearth_domain::people::sickness::SicknessSettings,
    /// National settings for expenses (`[expenses]`): mileage at `mileage_pence` (45) for the
    /// first `mileage_threshold_miles` (10,000) of the tax year and `mileage_after_pence` (25)
    /// after, `passenger_pence` (5), `road_factor_hundredths` (120) for estimates,
    /// `max_journey_miles` (500), `claim_within_months` (3), `approval_limit_pence` (25,000)
    /// and `max_line_pence` (100,000).
    pub expenses: hearth_domain::people::expenses::ExpenseSettings,
    /// National settings for workload (`[workload]`): weights, complexity, capacity, bands, offers.
    pub workload: hearth_domain::workload::WorkloadSettings,
    /// National targets for the key figures (`[insight]`).
    pub insight: hearth_domain::insight::KpiTargets,
    /// Extra or moved bank holidays: `"2027-06-07 Extra holiday"` adds, `"-2020-05-04"` removes.
    pub holiday_overrides: Vec<String>,
    /// Keep document bytes in this S3 bucket instead of `<data_dir>/files`.
    pub s3_bucket: Option<String>,
    pub s3_region: Option<String>,
    /// An S3-compatible store's address; unset means AWS itself.
    pub s3_endpoint: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./hearth-data"),
            database_url: None,
            addr: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            trust_forwarded_for: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            log_format: "text".into(),
            max_upload_mb: 20,
            deadlines: Default::default(),
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
            insight: Default::default(),
            holiday_overrides: vec![],
            s3_bucket: None,
            s3_region: None,
            s3_endpoint: None,
        }
    }
}

impl Config {
    /// The database as an operator would name it: the SQLite file, or PostgreSQL (never its URL,
    /// which may hold a password).
    pub fn database_name(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => "the PostgreSQL database".into(),
            _ => format!("the database file {}", self.data_dir.join("hearth.db").display()),
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => hearth_store::Store::sqlite_url(&self.data_dir),
        }
    }
}

pub fn load(data_dir_flag: Option<PathBuf>) -> Result<Config> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()))
        .merge(Toml::file("hearth.toml"))
        .merge(Env::prefixed("HEARTH_").only(&["data_dir", "database_url", "addr", "public_url", "trust_forwarded_for", "session_idle_minutes", "session_absolute_hours", "log_format", "max_upload_mb", "s3_bucket", "s3_region", "s3_endpoint"]));
    if let Some(dir) = data_dir_flag {
        figment = figment.merge(Serialized::default("data_dir", dir));
    }
    let config: Config = figment.extract()?;
    if config.session_idle_minutes < 1 || config.session_absolute_hours < 1 {
        anyhow::bail!("session timeouts must be positive");
    }
    if !(1..=200).contains(&config.max_upload_mb) {
        anyhow::bail!("max_upload_mb must be between 1 and 200");
    }
    config.calendar()?;
    config.autonomy.validate().map_err(|e| anyhow::anyhow!("[autonomy] {e}"))?;
    config.sampling.validate().map_err(|e| anyhow::anyhow!("[sampling] {e}"))?;
    config.supervision.validate().map_err(|e| anyhow::anyhow!("[supervision] {e}"))?;
    config.training.validate().map_err(|e| anyhow::anyhow!("[training] {e}"))?;
    config.induction.validate().map_err(|e| anyhow::anyhow!("[induction] {e}"))?;
    config.desks.validate().map_err(|e| anyhow::anyhow!("[desks] {e}"))?;
    config.chat.validate().map_err(|e| anyhow::anyhow!("[chat] {e}"))?;
    config.leave.validate().map_err(|e| anyhow::anyhow!("[leave] {e}"))?;
    config.sickness.validate().map_err(|e| anyhow::anyhow!("[sickness] {e}"))?;
    config.expenses.validate().map_err(|e| anyhow::anyhow!("[expenses] {e}"))?;
    config.workload.validate().map_err(|e| anyhow::anyhow!("[workload] {e}"))?;
    config.insight.validate().map_err(|e| anyhow::anyhow!("[insight] {e}"))?;
    if config.s3_location().is_none() && (config.s3_region.is_some() || config.s3_endpoint.is_some()) {
        anyhow::bail!("s3_region and s3_endpoint need s3_bucket");
    }
    if let Some(endpoint) = config.s3_endpoint.as_deref().filter(|e| !e.is_empty()) {
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            anyhow::bail!("s3_endpoint must start with https:// (or http:// for a store on a private network)");
        }
    }
    Ok(config)
}

impl Config {
    /// The configured S3 bucket, if document bytes are to go there.
    pub fn s3_location(&self) -> Option<hearth_store::documents::S3Location> {
        let present = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        Some(hearth_store::documents::S3Location { bucket: present(&self.s3_bucket)?, region: present(&self.s3_region), endpoint: present(&self.s3_endpoint) })
    }

    /// Where document bytes live: the S3 bucket when one is configured, else `<data_dir>/files`.
    pub fn files(&self) -> Result<hearth_store::documents::Files> {
        Ok(match self.s3_location() {
            Some(location) => hearth_store::documents::s3_files(&location)?,
            None => hearth_store::documents::local_files(&self.data_dir.join("files"))?,
        })
    }

    /// The working-day calendar: the rules, the known historical moves, and configured overrides.
    pub fn calendar(&self) -> Result<hearth_domain::calendar::WorkingCalendar> {
        use hearth_domain::calendar::{WorkingCalendar, parse_override};
        let mut overrides = WorkingCalendar::known_changes();
        for o in &self.holiday_overrides {
            overrides.push(parse_override(o).map_err(|e| anyhow::anyhow!("holiday_overrides: {e}"))?);
        }
        Ok(WorkingCalendar::new(overrides))
    }
}

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn document_bytes_go_to_s3_only_when_a_bucket_is_named() {
        assert_eq!(Config::default().s3_location(), None);
        let blank = Config { s3_bucket: Some(String::new()), ..Default::default() };
        assert_eq!(blank.s3_location(), None, "an empty setting (as from an empty environment variable) is unset");
        let s3 = Config { s3_bucket: Some("hearth-docs".into()), s3_region: Some("eu-west-2".into()), ..Default::default() };
        let location = s3.s3_location().unwrap();
        assert_eq!((location.bucket.as_str(), location.region.as_deref(), location.endpoint), ("hearth-docs", Some("eu-west-2"), None));
    }
}
