//! Backups and restores: a consistent copy taken while Hearth serves, with a manifest of
//! SHA-256 checksums that a restore checks before it writes anything.
//!
//! A backup is a directory:
//! - `manifest.json`: the engine, when it was made, the schema it holds, and every file with
//!   its size and SHA-256;
//! - on SQLite, `hearth.db` (`VACUUM INTO`: one read transaction, so one moment, while writers
//!   go on) and `audit-journal/`, the read and refusal events not yet moved into the chain;
//! - on PostgreSQL, `hearth.pgdump` (`pg_dump --format=custom`, itself one snapshot);
//! - `files/documents/<sha256>` and `files/thumbnails/…`, the document bytes, when they are kept
//!   in local files. A bucket keeps its own copies (versioning, replication), so for S3 the
//!   manifest lists the objects and their SHA-256 instead, and a restore checks they are there.
//!
//! Order is what makes it consistent. The journal is copied first, then the database: an event
//! acknowledged before the backup began is either still in a journal file (copied) or was moved
//! into the chain before the snapshot (in it). One that is in both is moved once: the journal
//! skips a file whose first event is already in the trail. Files are copied last: a document's
//! bytes are stored before its row, so every row in the snapshot finds its file.

use std::io::Read;
use std::path::{Path, PathBuf};

use object_store::path::Path as ObjectPath;
use object_store::ObjectStoreExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::documents::Files;
use crate::{Engine, Result, Store, StoreError};

/// What a backup holds, written as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// This layout's version: a restore refuses one it does not know.
    pub format: u32,
    pub engine: String,
    /// When the copy began (UTC, RFC 3339).
    pub made_at: String,
    /// The latest migration the database had.
    pub schema_version: i64,
    pub hearth_version: String,
    /// Every file in the backup, its path relative to the backup's directory.
    pub files: Vec<FileEntry>,
    /// Documents kept in a bucket, not copied: their keys and SHA-256.
    pub bucket_objects: Vec<ObjectEntry>,
    /// How many documents the database names.
    pub documents: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectEntry {
    pub key: String,
    pub sha256: String,
}

const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "hearth.db";
const PG_DUMP_FILE: &str = "hearth.pgdump";
const JOURNAL_DIR: &str = "audit-journal";
const FILES_DIR: &str = "files";

/// Where document bytes live, as far as a backup cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilesKept {
    /// Local files: copied into the backup.
    Copied,
    /// A bucket: listed in the manifest, not copied.
    Listed,
}

/// Makes a backup of `store` and its documents in `to`, which must not exist or be empty.
pub async fn backup(store: &Store, files: &Files, kept: FilesKept, to: &Path) -> Result<Manifest> {
    let made_at = crate::ts(crate::now());
    prepare_empty(to)?;
    let schema_version = schema_version(store).await?;
    let mut copied: Vec<String> = Vec::new();
    match store.engine() {
        Engine::Sqlite => {
            let database = crate::audit::journal::database_file(store.pool()).await?.ok_or_else(|| files_error("the SQLite database has no file"))?;
            // The journal first (see the module's comment on order).
            let journal = crate::audit::journal::dir_beside(&database);
            if journal.is_dir() {
                std::fs::create_dir_all(to.join(JOURNAL_DIR)).map_err(io)?;
                for entry in std::fs::read_dir(&journal).map_err(io)? {
                    let entry = entry.map_err(io)?;
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name != "live" && !name.starts_with("closed-") {
                        continue;
                    }
                    let target = format!("{JOURNAL_DIR}/{name}");
                    match std::fs::copy(entry.path(), to.join(&target)) {
                        Ok(_) => copied.push(target),
                        // Moved into the chain since the listing: the snapshot below has it.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io(e)),
                    }
                }
            }
            let snapshot = to.join(SQLITE_FILE);
            let path = snapshot.to_str().ok_or_else(|| files_error("the backup's path is not UTF-8"))?;
            // VACUUM INTO takes its file name as a literal, not a parameter.
            sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{}'", path.replace('\'', "''")))).execute(store.pool()).await?;
            copied.push(SQLITE_FILE.into());
        }
        Engine::Postgres => {
            pg_tool("pg_dump", store.url(), &["--format=custom", "--no-owner", "--no-privileges", &format!("--file={}", to.join(PG_DUMP_FILE).display())]).await?;
            copied.push(PG_DUMP_FILE.into());
        }
    }
    // Files last: every document named in the snapshot was stored before its row.
    let objects = document_objects(store).await?;
    let mut bucket_objects = Vec::new();
    for (key, sha) in &objects {
        match kept {
            FilesKept::Copied => {
                let bytes = crate::documents::fetch(files, key).await?;
                let target = format!("{FILES_DIR}/{key}");
                let path = to.join(&target);
                std::fs::create_dir_all(path.parent().expect("a key has a folder")).map_err(io)?;
                std::fs::write(&path, &bytes).map_err(io)?;
                copied.push(target);
            }
            FilesKept::Listed => bucket_objects.push(ObjectEntry { key: key.clone(), sha256: sha.clone().unwrap_or_default() }),
        }
    }
    let mut entries = Vec::new();
    for path in copied {
        let full = to.join(&path);
        let (bytes, sha256) = tokio::task::spawn_blocking(move || checksum(&full)).await.map_err(|e| files_error(&e.to_string()))?.map_err(io)?;
        entries.push(FileEntry { path, bytes, sha256 });
    }
    let manifest = Manifest {
        format: FORMAT,
        engine: engine_name(store.engine()).into(),
        made_at,
        schema_version,
        hearth_version: env!("CARGO_PKG_VERSION").into(),
        files: entries,
        bucket_objects,
        documents: objects.iter().filter(|(k, _)| k.starts_with("documents/")).count(),
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| files_error(&e.to_string()))?;
    write_synced(&to.join(MANIFEST), &text)?;
    sync_tree(to)?;
    // A backup reads every record: it is in the trail like any other read.
    crate::audit::record(store, &crate::AuditContext::system(), backed_up("backup.made", &manifest, to)).await?;
    Ok(manifest)
}

/// Reads a backup's manifest and checks every file against it: present, the same size, the same
/// SHA-256. The error names the first file that fails.
pub async fn check(from: &Path) -> Result<Manifest> {
    let text = std::fs::read(from.join(MANIFEST)).map_err(|e| files_error(&format!("{}: {e}", from.join(MANIFEST).display())))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| files_error(&format!("manifest.json cannot be read: {e}")))?;
    if manifest.format != FORMAT {
        return Err(files_error(&format!("this backup's format ({}) is not one this Hearth reads ({FORMAT})", manifest.format)));
    }
    for entry in &manifest.files {
        if entry.path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(files_error(&format!("{}: not a path inside the backup", entry.path)));
        }
        let full = from.join(&entry.path);
        let (bytes, sha) = tokio::task::spawn_blocking(move || checksum(&full))
            .await
            .map_err(|e| files_error(&e.to_string()))?
            .map_err(|e| files_error(&format!("{}: {e}", entry.path)))?;
        if bytes != entry.bytes || sha != entry.sha256 {
            return Err(files_error(&format!("{}: its checksum does not match the manifest (the backup is damaged)", entry.path)));
        }
    }
    Ok(manifest)
}

/// What a restore put back.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: Manifest,
    /// Document files put into the document store.
    pub files_restored: usize,
    /// Objects the manifest lists in a bucket, each found there.
    pub objects_found: usize,
}

/// Restores the backup in `from` into an empty database at `database_url` (a SQLite file that
/// does not yet exist, or a PostgreSQL database with no tables) and its document store. Every
/// checksum, and every object listed in a bucket, is checked before anything is written.
pub async fn restore(from: &Path, database_url: &str, files: &Files) -> Result<Restored> {
    let manifest = check(from).await?;
    // Documents kept in a bucket must be there, before anything is written.
    let mut objects_found = 0;
    for object in &manifest.bucket_objects {
        files.head(&ObjectPath::from(object.key.as_str())).await.map_err(|e| files_error(&format!("{} is listed in the backup but not in the bucket: {e}", object.key)))?;
        objects_found += 1;
    }
    let engine = Store::engine_of(database_url);
    if manifest.engine != engine_name(engine) {
        return Err(files_error(&format!("this is a {} backup: restore it into {} (database_url)", manifest.engine, manifest.engine)));
    }
    match engine {
        Engine::Sqlite => {
            let database = PathBuf::from(database_url.trim_start_matches("sqlite://").split('?').next().unwrap_or_default());
            if database.exists() {
                return Err(files_error(&format!("{} already exists: restore into an empty data directory", database.display())));
            }
            if let Some(dir) = database.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let journal = crate::audit::journal::dir_beside(&database);
            for entry in &manifest.files {
                if entry.path == SQLITE_FILE {
                    std::fs::copy(from.join(SQLITE_FILE), &database).map_err(io)?;
                } else if let Some(name) = entry.path.strip_prefix(&format!("{JOURNAL_DIR}/")) {
                    std::fs::create_dir_all(&journal).map_err(io)?;
                    std::fs::copy(from.join(&entry.path), journal.join(name)).map_err(io)?;
                }
            }
            std::fs::File::open(&database).and_then(|f| f.sync_all()).map_err(io)?;
        }
        Engine::Postgres => {
            let target = Store::connect(database_url).await?;
            let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetch_one(target.pool()).await?;
            target.close().await;
            if tables > 0 {
                return Err(files_error("the PostgreSQL database already has tables: restore into an empty database"));
            }
            pg_tool("pg_restore", database_url, &["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", &from.join(PG_DUMP_FILE).display().to_string()]).await?;
            // A restored database has no planner statistics, like a bulk load: gather them now,
            // or its first hours are served by sequential scans.
            let restored = Store::connect_for_loading(database_url).await?;
            restored.finish_loading().await?;
            restored.close().await;
        }
    }
    let mut files_restored = 0;
    for entry in manifest.files.iter().filter(|e| e.path.starts_with(&format!("{FILES_DIR}/"))) {
        let key = &entry.path[FILES_DIR.len() + 1..];
        let bytes = std::fs::read(from.join(&entry.path)).map_err(io)?;
        files.put(&ObjectPath::from(key), bytes.into()).await.map_err(|e| files_error(&format!("{key}: {e}")))?;
        files_restored += 1;
    }
    Ok(Restored { manifest, files_restored, objects_found })
}

/// The audit event of a backup made or restored: where, when it was made, and its size.
pub fn backed_up<'a>(action: &'a str, manifest: &Manifest, place: &Path) -> crate::audit::Event<'a> {
    crate::audit::Event::success(action).detail(serde_json::json!({
        "place": place.display().to_string(),
        "made_at": manifest.made_at,
        "engine": manifest.engine,
        "files": manifest.files.len(),
        "bytes": manifest.files.iter().map(|f| f.bytes).sum::<u64>(),
        "documents": manifest.documents,
    }))
}

/// Every document and thumbnail key the database names, with the document's SHA-256.
async fn document_objects(store: &Store) -> Result<Vec<(String, Option<String>)>> {
    let rows = sqlx::query("SELECT storage_key, sha256, thumbnail_key FROM documents").fetch_all(store.pool()).await?;
    let mut keys: Vec<(String, Option<String>)> = Vec::new();
    for r in rows {
        keys.push((r.get(0), Some(r.get(1))));
        if let Some(thumbnail) = r.get::<Option<String>, _>(2) {
            keys.push((thumbnail, None));
        }
    }
    // The same bytes uploaded twice share one object.
    keys.sort();
    keys.dedup_by(|a, b| a.0 == b.0);
    Ok(keys)
}

async fn schema_version(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = TRUE").fetch_one(store.pool()).await?)
}


fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

/// Runs `pg_dump` or `pg_restore` against `url`. The password, if the URL has one, goes to the
/// tool in `PGPASSWORD` rather than on its command line, where other users of the machine could
/// read it.
async fn pg_tool(tool: &'static str, url: &str, args: &[&str]) -> Result<()> {
    let (url, password) = split_password(url);
    let mut command = std::process::Command::new(tool);
    command.arg(format!("--dbname={url}")).args(args);
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| files_error(&e.to_string()))?
        .map_err(|e| files_error(&format!("{tool} could not be run (install PostgreSQL's client tools): {e}")))?;
    if !output.status.success() {
        return Err(files_error(&format!("{tool} failed: {}", String::from_utf8_lossy(&output.stderr).trim())));
    }
    Ok(())
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `secret`), decoded.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return (url.to_string(), None) };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else { return (url.to_string(), None) };
    let Some(colon) = rest[..at].find(':') else { return (url.to_string(), None) };
    let password = percent_decode(&rest[colon + 1..at]);
    (format!("{}{}{}", &url[..scheme_end], &rest[..colon], &rest[at..]), Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The size and SHA-256 of a file, read in pieces.
fn checksum(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// Makes the backup's directory, readable by its owner alone: it holds every case record.
fn prepare_empty(to: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if to.exists() && std::fs::read_dir(to).map_err(io)?.next().is_some() {
        return Err(files_error(&format!("{} is not empty: back up into a new directory", to.display())));
    }
    std::fs::create_dir_all(to).map_err(io)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).map_err(io)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(io)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io)
}

/// Syncs every file and directory of the backup, so it is on disk when the command says done.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(io)?;
        }
    }
    std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io)
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Backup(e.to_string())
}

fn files_error(message: &str) -> StoreError {
    StoreError::Backup(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url_for_the_environment() {
        assert_eq!(split_password("postgres://root@127.0.0.1:5432/db"), ("postgres://root@127.0.0.1:5432/db".into(), None));
        assert_eq!(split_password("postgres://hearth:s%40cret@db.internal/hearth?sslmode=require"), ("postgres://hearth@db.internal/hearth?sslmode=require".into(), Some("s@cret".into())));
        assert_eq!(split_password("postgres://db.internal/hearth"), ("postgres://db.internal/hearth".into(), None));
    }
}
