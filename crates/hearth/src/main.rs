//! The Hearth command line: serve, migrate, demo, backup, restore, token, audit, user.

mod bench;
mod periodic;
mod config;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use hearth_domain::org::{ContractType, Fte, NewStaff, Role};
use hearth_domain::text::EmailAddress;
use hearth_store::{AuditContext, Store};

#[derive(Parser)]
#[command(name = "hearth", version, about = "Hearth: family court social work, one system")]
struct Cli {
    /// Where Hearth keeps its SQLite database and files.
    #[arg(long, global = true, env = "HEARTH_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies migrations first).
    Serve {
        /// Address to listen on.
        #[arg(long)]
        addr: Option<String>,
    },
    /// Apply database migrations and load reference data.
    Migrate,
    /// Build a deterministic synthetic organisation, clearly marked as demo data.
    Demo {
        #[arg(long, value_enum, default_value = "national")]
        scale: demo::Scale,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Make a consistent backup while Hearth serves: the database, the audit events not yet in
    /// the chain, and the document files (or, for S3, a list of them), with SHA-256 checksums.
    Backup {
        /// A new or empty directory.
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty data directory (SQLite) or empty database (PostgreSQL),
    /// refusing it if any checksum fails, then verify the audit trail.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Measure how long a court report takes to typeset to PDF (no server or database needed).
    BenchPdf {
        /// How long a report to make, in pages.
        #[arg(long, default_value_t = 10)]
        pages: usize,
        /// How many times to typeset it.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Measure the workload budgets on the demo data: My People, suggestions and the batch plan.
    BenchWorkload {
        /// How many teams' My People (and one suggestion each) to time.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// How many waiting cases the batch plan takes (the national hub, repeated).
        #[arg(long, default_value_t = 3000)]
        waiting: usize,
    },
    /// Measure the case record's budgets against a running server on the same database.
    Bench {
        /// The running server.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// Connections kept busy at once, one request in flight on each.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Requests per scenario.
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        /// Whose view to measure: their visible cases are the ones read.
        #[arg(long, default_value = "demo.team-manager@hearth.example")]
        email: String,
        /// Which scenarios: `cases` (notes, the case page, chronology, search), `workload`
        /// (My People, the allocate page's suggestions, the key figures) or `measuring` (the case
        /// page steady, then while the key figures are measured again and again) or `people` (the
        /// supervision agenda, its form, saving a supervision of ten cases, and My People) or
        /// `leave` (the sickness figures; a person's sickness and leave pages, the team's month,
        /// approving a request) or `desks` (an office's desks on a day, by API and page, and
        /// booking the first free desk, each booking by a different person) or `rooms` (the
        /// caller's team room, a deep page of it, a thread, the API's list, and replying) or
        /// `fan-out` (an event stream for each of `--requests` people, then a national
        /// announcement by the caller, timed until every stream has it).
        #[arg(long, default_value = "cases", value_parser = ["cases", "workload", "measuring", "people", "leave", "desks", "rooms", "fan-out"])]
        set: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token that acts with this person's permissions, and print it once.
    Create {
        #[arg(long)]
        email: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        ttl: i64,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first bad event.
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account with a password (read from HEARTH_NEW_PASSWORD or standard input).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Role codes, comma separated: practitioner, team_manager, service_manager, business_support, hr, national_leadership, system_admin.
        #[arg(long, value_delimiter = ',', default_value = "practitioner")]
        roles: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match config::load(cli.data_dir.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hearth: configuration: {e:#}");
            return ExitCode::from(2);
        }
    };
    config::init_logging(&config);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("start the async runtime");
    match rt.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hearth: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &config::Config) -> Result<Store> {
    open_with(config, Store::connect(&config.database_url())).await
}

async fn open_with(config: &config::Config, connect: impl std::future::Future<Output = hearth_store::Result<Store>>) -> Result<Store> {
    if config.database_url().starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("create data directory {}", config.data_dir.display()))?;
    }
    let store = connect.await.with_context(|| format!("open {}", config.database_name()))?;
    store.migrate().await.context("apply migrations")?;
    hearth_store::org::ensure_reference_data(&store).await.context("load reference data")?;
    Ok(store)
}

async fn run(command: Command, config: config::Config) -> Result<ExitCode> {
    match command {
        Command::Serve { addr } => {
            let store = open(&config).await?;
            let addr = addr.unwrap_or_else(|| config.addr.clone());
            serve(store, &config, &addr).await?;
        }
        Command::Backup { to } => {
            // Opened as it is, without migrating: a backup copies what is there.
            let store = Store::connect(&config.database_url()).await.with_context(|| format!("open {}", config.database_name()))?;
            let started = std::time::Instant::now();
            let manifest = hearth_store::backup::backup(&store, &config.files()?, files_kept(&config), &to).await.context("back up")?;
            store.close().await;
            let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
            println!(
                "Backed up {} ({} files, {:.1} MB, {} documents{}) to {} in {:.1}s.",
                config.database_name(),
                manifest.files.len(),
                bytes as f64 / 1e6,
                manifest.documents,
                if manifest.bucket_objects.is_empty() { String::new() } else { format!(", {} objects listed in the bucket", manifest.bucket_objects.len()) },
                to.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Restore { from } => {
            let url = config.database_url();
            if url.starts_with("sqlite:") {
                std::fs::create_dir_all(&config.data_dir).with_context(|| format!("create data directory {}", config.data_dir.display()))?;
            }
            let restored = hearth_store::backup::restore(&from, &url, &config.files()?).await.context("restore")?;
            let store = open(&config).await?;
            let verified = hearth_store::audit::verify(&store).await?;
            if verified.is_ok() {
                hearth_store::audit::record(&store, &AuditContext::system(), hearth_store::backup::backed_up("backup.restored", &restored.manifest, &from)).await?;
            }
            store.close().await;
            println!(
                "Restored the backup made {} into {}: {} document files put back, {} bucket objects found.",
                restored.manifest.made_at,
                config.database_name(),
                restored.files_restored,
                restored.objects_found
            );
            match verified {
                Ok(n) => println!("Audit trail intact: {n} events verified."),
                Err(broken) => {
                    eprintln!("Audit trail broken: {broken}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Migrate => {
            open(&config).await?;
            println!("Database is up to date.");
        }
        Command::Demo { scale, seed } => {
            let store = open_with(&config, Store::connect_for_loading(&config.database_url())).await?;
            let files = config.files()?;
            hearth_store::documents::check_files(&files).await.context("document storage cannot be reached")?;
            demo::generate(&store, &files, scale, seed).await.context("making the demo data")?;
            store.finish_loading().await.context("finishing the load")?;
        }
        Command::Token { command: TokenCommand::Create { email, ttl } } => {
            if !(1..=366).contains(&ttl) {
                bail!("--ttl must be between 1 and 366 days");
            }
            let store = open(&config).await?;
            let creds = hearth_store::auth::credentials_by_email(&store, &email.trim().to_lowercase())
                .await?
                .filter(|c| c.active)
                .with_context(|| format!("no active member of staff has the email {email}"))?;
            let token = hearth_store::auth::create_api_token(&store, &AuditContext::system(), creds.staff_id, "cli", time::Duration::days(ttl)).await?;
            println!("{token}");
        }
        Command::BenchPdf { pages, runs } => {
            if pages == 0 || runs == 0 {
                bail!("--pages and --runs must be at least 1");
            }
            bench::pdf(pages, runs)?;
        }
        Command::BenchWorkload { runs, waiting } => {
            let store = open(&config).await?;
            bench::workload(&store, &config.workload, &config.deadlines, &config.calendar()?, runs, waiting).await?;
        }
        Command::Bench { base_url, concurrency, requests, email, set } => {
            if concurrency == 0 || requests == 0 {
                bail!("--concurrency and --requests must be at least 1");
            }
            let store = open(&config).await?;
            let secure = config.public_url.starts_with("https://");
            // The measurement as the server makes it: on its own one-connection store.
            let measuring = match set.as_str() {
                "measuring" => Some(bench::Measuring {
                    store: Store::connect_for_background(&config.database_url()).await.context("open the database for the key figures")?,
                    settings: config.workload.clone(),
                    calendar: config.calendar()?,
                }),
                _ => None,
            };
            bench::run(&store, secure, bench::Options { base_url, concurrency, requests, email, set, measuring }).await?;
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let store = open(&config).await?;
            match hearth_store::audit::verify(&store).await? {
                Ok(n) => println!("Audit trail intact: {n} events verified."),
                Err(broken) => {
                    eprintln!("Audit trail broken: {broken}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::User { command: UserCommand::Create { email, name, roles } } => {
            let store = open(&config).await?;
            let email = EmailAddress::parse("email", &email).map_err(|e| anyhow::anyhow!(e.message))?;
            let roles = hearth_domain::org::parse_roles("roles", &roles).map_err(|e| anyhow::anyhow!(e.message))?;
            let password = match std::env::var("HEARTH_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Password (12 to 128 characters), then Enter:");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            hearth_domain::auth::check_new_password("password", &password, Some(&email)).map_err(|e| anyhow::anyhow!(e.message))?;
            let staff = NewStaff {
                name: hearth_domain::text::required("name", "a name", &name, 100).map_err(|e| anyhow::anyhow!(e.message))?,
                email,
                roles,
                team_id: None,
                line_manager_id: None,
                fte: Fte::FULL_TIME,
                contract: ContractType::Employed,
                start_date: time::OffsetDateTime::now_utc().date(),
                qualified_date: None,
                skills: vec![],
            };
            let id = hearth_store::org::create_staff(&store, &AuditContext::system(), &staff).await?;
            let hash = tokio::task::spawn_blocking(move || hearth_domain::auth::hash_password(&password)).await?;
            let mut tx = store.begin().await?;
            hearth_store::auth::set_password_hash(&mut tx, id, &hash).await?;
            tx.commit().await?;
            println!("Created {} ({id}). They set up their authenticator app at first sign-in.", staff.name);
            let _ = Role::ALL;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a backup copies the document files (kept on this machine) or lists them (in a bucket).
fn files_kept(config: &config::Config) -> hearth_store::backup::FilesKept {
    match config.s3_location() {
        Some(_) => hearth_store::backup::FilesKept::Listed,
        None => hearth_store::backup::FilesKept::Copied,
    }
}

async fn serve(store: Store, config: &config::Config, addr: &str) -> Result<()> {
    // A database that can be read but not written, or whose file is damaged, would start and
    // answer every write (or some reads) with an error: refuse to serve, saying why.
    store.check_usable().await.with_context(|| format!("{} cannot be used", config.database_name()))?;
    for warning in store.setting_warnings().await? {
        tracing::warn!("{warning}");
    }
    let files = config.files()?;
    hearth_store::documents::check_files(&files).await.context("document storage cannot be reached")?;
    let web = hearth_web::WebConfig {
        secure_cookies: config.public_url.starts_with("https://"),
        public_url: config.public_url.clone(),
        trust_forwarded_for: config.trust_forwarded_for,
        session: hearth_domain::auth::SessionPolicy {
            idle: time::Duration::minutes(config.session_idle_minutes),
            absolute: time::Duration::hours(config.session_absolute_hours),
        },
        deadlines: config.deadlines.clone(),
        calendar: config.calendar()?,
        files: files.clone(),
        max_upload_bytes: config.max_upload_mb * 1024 * 1024,
        autonomy: config.autonomy,
        sampling: config.sampling,
        supervision: config.supervision,
        training: config.training,
        induction: config.induction,
        desks: config.desks.clone(),
        chat: config.chat,
        leave: config.leave.clone(),
        sickness: config.sickness.clone(),
        expenses: config.expenses.clone(),
        workload: config.workload.clone(),
        targets: config.insight,
        typesetter: std::sync::Arc::new(|report| hearth_docs::report_pdf(report).map_err(|e| e.to_string())),
        ..Default::default()
    };
    let policy = web.session;
    let state = hearth_web::AppState::new(store.clone(), web).await?;
    // The key figures are measured on their own one-connection store, so the measurement never
    // takes more than one core from the people served.
    let measurer = Store::connect_for_background(&config.database_url()).await.context("open the database for the key figures")?;
    tokio::spawn(periodic::run(store.clone(), measurer, state.clone(), policy, config.workload.clone(), config.calendar()?));
    // On PostgreSQL, live events from the other instances reach this one's streams.
    tokio::spawn(hearth_store::live::listen(store.clone()));
    let closing = store.clone();
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listen on {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, engine = ?store.engine(), "Hearth is listening");
    println!("Hearth is running at http://{}", listener.local_addr()?);
    // The peer address reaches handlers for the sign-in limits (`ClientAddress`).
    axum::serve(listener, hearth_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            // Ctrl-C at a terminal, or SIGTERM from a service manager or container runtime.
            let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match terminate.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
            // Open event streams would otherwise hold the shutdown up for ever.
            closing.close_live();
        })
        .await?;
    // Reads' audit events wait in the journal for up to a second: put them in the trail now.
    store.close().await;
    Ok(())
}
