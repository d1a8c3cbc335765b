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
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// `json` for JSON logs, anything else for human-readable ones.
    pub log_format: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./hearth-data"),
            database_url: None,
            addr: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            log_format: "text".into(),
        }
    }
}

impl Config {
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
        .merge(Env::prefixed("HEARTH_").only(&["data_dir", "database_url", "addr", "public_url", "session_idle_minutes", "session_absolute_hours", "log_format"]));
    if let Some(dir) = data_dir_flag {
        figment = figment.merge(Serialized::default("data_dir", dir));
    }
    let config: Config = figment.extract()?;
    if config.session_idle_minutes < 1 || config.session_absolute_hours < 1 {
        anyhow::bail!("session timeouts must be positive");
    }
    Ok(config)
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
