//! Documents and photos: rows here, bytes in an object store (local files by default, S3 at
//! scale, in memory in tests). Bytes are stored under their SHA-256, so writing them first and
//! the row second can never leave a row without its file; a failed row leaves only an unused
//! file, which is harmless.

use std::sync::Arc;

use bytes::Bytes;
use hearth_domain::cases::EntryKind;
use hearth_domain::documents::{DocumentKind, FileType, sha256_hex};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::code;
use crate::org::NamedRef;
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

/// Where document bytes live.
pub type Files = Arc<dyn ObjectStore>;

/// Files under a directory on this machine (`<data-dir>/files`).
pub fn local_files(dir: &std::path::Path) -> Result<Files> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Files(e.to_string()))?;
    let fs = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(|e| StoreError::Files(e.to_string()))?;
    Ok(Arc::new(fs))
}

/// Where an S3 (or S3-compatible) bucket is. Credentials are not here: they come from the
/// standard `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` environment
/// variables or the machine's instance role, so no secret sits in Hearth's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Unset: the AWS default for the environment (`AWS_REGION`, else `us-east-1`).
    pub region: Option<String>,
    /// Unset: AWS itself. Set for an S3-compatible store; `http://` is allowed only here, for a
    /// store on the same host or private network.
    pub endpoint: Option<String>,
}

/// Files in an S3 bucket, addressed path-style so S3-compatible stores work too.
pub fn s3_files(location: &S3Location) -> Result<Files> {
    let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
    if let Some(region) = &location.region {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = &location.endpoint {
        builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
    }
    let s3 = builder.build().map_err(|e| StoreError::Files(e.to_string()))?;
    Ok(Arc::new(s3))
}

/// Checks the files can be reached, so a wrong bucket or missing credentials stop `hearth serve`
/// at start rather than the first upload. A listing, not a read of one key: S3 answers "not
/// found" alike for a missing key and a missing bucket, but refuses to list a missing bucket.
pub async fn check_files(files: &Files) -> Result<()> {
    files.list_with_delimiter(Some(&ObjectPath::from("documents"))).await.map_err(|e| StoreError::Files(e.to_string()))?;
    Ok(())
}

/// Files held in memory: for tests and for a web layer built without a data directory.
pub fn memory_files() -> Files {
    Arc::new(object_store::memory::InMemory::new())
}

/// A document to add, already checked: its type sniffed, and a photo already stripped of metadata.
pub struct NewDocument {
    pub kind: DocumentKind,
    pub title: String,
    pub file_type: FileType,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
    /// A party this document must not be shown or sent to.
    pub withheld_from: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: DocumentKind,
    pub title: String,
    pub file_type: FileType,
    pub size_bytes: i64,
    pub sha256: String,
    pub has_thumbnail: bool,
    pub withheld_from: Option<NamedRef>,
    pub uploaded_by: Option<NamedRef>,
    pub uploaded_at: OffsetDateTime,
    #[serde(skip)]
    storage_key: String,
    #[serde(skip)]
    thumbnail_key: Option<String>,
}

async fn put(files: &Files, key: &str, bytes: Vec<u8>) -> Result<()> {
    files.put(&ObjectPath::from(key), PutPayload::from(bytes)).await.map_err(|e| StoreError::Files(e.to_string()))?;
    Ok(())
}

/// Stores the bytes, then the row, its chronology entry and its audit event (with the SHA-256)
/// in one transaction.
pub async fn add(store: &Store, files: &Files, ctx: &AuditContext, case_id: Uuid, doc: &NewDocument) -> Result<Uuid> {
    let sha = put_document(files, &doc.bytes).await?;
    let thumbnail_key = match &doc.thumbnail {
        Some(t) => Some(put_thumbnail(files, &sha, t).await?),
        None => None,
    };
    let mut tx = store.begin().await?;
    crate::cases::require_open(&mut tx, case_id).await?;
    let id = insert_row(&mut tx, ctx, case_id, doc.kind, &doc.title, doc.file_type, doc.bytes.len(), &sha, thumbnail_key, doc.withheld_from).await?;
    let summary = format!("{} added: {}", doc.kind.label(), doc.title);
    crate::cases::entry_row(&mut tx, case_id, EntryKind::Document, now().date(), &summary, None, ctx.actor_id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("document.uploaded")
            .about("case", case_id)
            .detail(serde_json::json!({ "document_id": id, "sha256": sha, "size_bytes": doc.bytes.len(), "type": doc.file_type, "withheld_from": doc.withheld_from })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a document's row for bytes already stored under their SHA-256, checking that a party it
/// is withheld from is on the case. The caller writes the chronology entry and audit event.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_row(
    tx: &mut sqlx::AnyConnection,
    ctx: &AuditContext,
    case_id: Uuid,
    kind: DocumentKind,
    title: &str,
    file_type: FileType,
    size: usize,
    sha: &str,
    thumbnail_key: Option<String>,
    withheld_from: Option<Uuid>,
) -> Result<Uuid> {
    if let Some(person) = withheld_from {
        let party = sqlx::query("SELECT 1 FROM case_participants WHERE case_id = $1 AND person_id = $2")
            .bind(case_id.to_string())
            .bind(person.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if party.is_none() {
            return Err(StoreError::MissingReference { field: "withheld_from" });
        }
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO documents (id, case_id, kind, title, file_type, size_bytes, sha256, storage_key, thumbnail_key, withheld_from, uploaded_by, uploaded_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
    )
    .bind(id.to_string())
    .bind(case_id.to_string())
    .bind(kind.code())
    .bind(title)
    .bind(file_type.code())
    .bind(size as i64)
    .bind(sha)
    .bind(format!("documents/{sha}"))
    .bind(thumbnail_key)
    .bind(withheld_from.map(|p| p.to_string()))
    .bind(ctx.actor_id.map(|a| a.to_string()))
    .bind(ts(now()))
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Puts a photo's thumbnail in the file store beside its document; gives its key.
pub(crate) async fn put_thumbnail(files: &Files, sha: &str, bytes: &[u8]) -> Result<String> {
    let key = format!("thumbnails/{sha}.jpg");
    put(files, &key, bytes.to_vec()).await?;
    Ok(key)
}

/// Puts a document's bytes in the file store under their SHA-256, before any row names them, so a
/// row never lacks its file. Gives the SHA-256.
pub(crate) async fn put_document(files: &Files, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    put(files, &format!("documents/{sha}"), bytes.to_vec()).await?;
    Ok(sha)
}

const SELECT: &str = "SELECT d.id, d.case_id, d.kind, d.title, d.file_type, d.size_bytes, d.sha256, d.storage_key, d.thumbnail_key,
        p.id, p.full_name, s.id, s.name, d.uploaded_at
     FROM documents d LEFT JOIN people p ON p.id = d.withheld_from LEFT JOIN staff s ON s.id = d.uploaded_by";

fn document(r: &sqlx::any::AnyRow) -> Result<Document> {
    Ok(Document {
        id: parse_id(&r.get::<String, _>(0))?,
        case_id: parse_id(&r.get::<String, _>(1))?,
        kind: code(r.get(2), DocumentKind::from_code)?,
        title: r.get(3),
        file_type: code(r.get(4), FileType::from_code)?,
        size_bytes: r.get(5),
        sha256: r.get(6),
        storage_key: r.get(7),
        has_thumbnail: r.get::<Option<String>, _>(8).is_some(),
        thumbnail_key: r.get(8),
        withheld_from: crate::org::named(r.get(9), r.get(10))?,
        uploaded_by: crate::org::named(r.get(11), r.get(12))?,
        uploaded_at: parse_ts(&r.get::<String, _>(13))?,
    })
}

/// A case's documents, newest first.
pub async fn list(store: &Store, case_id: Uuid) -> Result<Vec<Document>> {
    let sql = format!("{SELECT} WHERE d.case_id = $1 ORDER BY d.uploaded_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).fetch_all(store.pool()).await?.iter().map(document).collect()
}

pub async fn get(store: &Store, case_id: Uuid, id: Uuid) -> Result<Document> {
    let sql = format!("{SELECT} WHERE d.case_id = $1 AND d.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    document(&row)
}

pub(crate) async fn fetch(files: &Files, key: &str) -> Result<Bytes> {
    let got = files.get(&ObjectPath::from(key)).await.map_err(|e| StoreError::Files(e.to_string()))?;
    got.bytes().await.map_err(|e| StoreError::Files(e.to_string()))
}

/// Reads a document's bytes for a person, recording the download.
pub async fn download(store: &Store, files: &Files, ctx: &AuditContext, case_id: Uuid, id: Uuid) -> Result<(Document, Bytes)> {
    let doc = get(store, case_id, id).await?;
    let bytes = fetch(files, &doc.storage_key).await?;
    audit::record(store, ctx, Event::success("document.downloaded").about("case", case_id).detail(serde_json::json!({ "document_id": id, "sha256": doc.sha256 }))).await?;
    Ok((doc, bytes))
}

/// A photo's thumbnail. Not audited on its own: it is shown on the case page, whose read is.
pub async fn thumbnail(store: &Store, files: &Files, case_id: Uuid, id: Uuid) -> Result<Bytes> {
    let doc = get(store, case_id, id).await?;
    let key = doc.thumbnail_key.ok_or(StoreError::NotFound)?;
    fetch(files, &key).await
}

/// Documents withheld from one person are withheld from another instead, inside the caller's
/// transaction: when two records of one person are merged.
pub(crate) async fn withhold_from_instead(conn: &mut sqlx::AnyConnection, from: Uuid, instead: Uuid) -> Result<()> {
    sqlx::query("UPDATE documents SET withheld_from = $1 WHERE withheld_from = $2").bind(instead.to_string()).bind(from.to_string()).execute(conn).await?;
    Ok(())
}
