//! Documents and photos on a case: the upload form (a file, or a photo from the phone's camera),
//! downloads with a safe name (audited), thumbnails, and the same through the API.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::cases::PartyRole;
use hearth_domain::documents::{DocumentKind, FileType, check_upload, clean_image, content_disposition, image_pixels, megabytes};
use hearth_domain::{FieldError, FieldErrors};
use hearth_store::StoreError;
use hearth_store::cases::{self, CaseRecord};
use hearth_store::documents::{self, Document, NewDocument};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::forms::open_case;
use crate::dates::long_date;
use crate::components::{Choices, ErrorSummary, FileUpload, Input, Select};
use crate::error::{ApiError, Problem};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// What was sent, kept so a form with a mistake comes back as it was (less the file itself).
#[derive(Default)]
struct Sent {
    kind: String,
    title: String,
    withheld_from: String,
    file_name: String,
    file: Vec<u8>,
}

/// What a multipart body that failed to arrive becomes: a body cut off by the size limit is "too
/// large"; anything else is a broken upload, named on the file's field.
pub(crate) fn broken_upload(field: &'static str) -> impl Fn(axum::extract::multipart::MultipartError) -> AppError {
    move |e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { AppError::TooLarge } else { AppError::Invalid(vec![FieldError::new(field, "The upload did not arrive whole. Try again")]) }
}

/// A file that must be a photo or a PDF (a receipt, a fit note): its type by its bytes within the
/// size limit, and anything else named on the field as `what` must be.
pub(crate) fn photo_or_pdf(field: &'static str, what: &str, bytes: &[u8], limit: u64) -> Result<FileType, FieldError> {
    let refused = || FieldError::new(field, format!("{what} must be a photo (JPEG or PNG) or a PDF"));
    if bytes.is_empty() {
        return Err(FieldError::new(field, format!("Choose {}, or take a photo of it", what.to_lowercase())));
    }
    match check_upload(field, bytes, limit) {
        Ok(t @ (FileType::Pdf | FileType::Jpeg | FileType::Png)) => Ok(t),
        Ok(_) => Err(refused()),
        // Too large, or empty: said as it is. Anything not recognised: the list for this field.
        Err(e) if hearth_domain::documents::sniff(bytes).is_some() => Err(e),
        Err(_) => Err(refused()),
    }
}

/// Reads the multipart body: `kind`, `title`, `withheld_from`, and the bytes of `file` or `photo`
/// (whichever was used). The route's body limit caps how much can arrive.
async fn read_upload(mut multipart: Multipart) -> Result<Sent, AppError> {
    let mut sent = Sent::default();
    let broken = broken_upload("file");
    while let Some(field) = multipart.next_field().await.map_err(&broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" | "photo" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(&broken)?;
                if !bytes.is_empty() && sent.file.is_empty() {
                    sent.file = bytes.to_vec();
                    sent.file_name = file_name;
                }
            }
            "kind" | "title" | "withheld_from" => {
                let text = field.text().await.map_err(&broken)?;
                match name.as_str() {
                    "kind" => sent.kind = text,
                    "title" => sent.title = text,
                    _ => sent.withheld_from = text,
                }
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// A photo's share of the decoding budget: its pixels in whole megapixels, at least one.
fn megapixels(pixels: u64) -> u32 {
    pixels.div_ceil(1_000_000).max(1) as u32
}

/// Checks what was sent and makes the document: type by content, size, a photo re-encoded
/// without its metadata (off the async runtime, within the server's pixel budget), and a title.
async fn prepare(state: &AppState, sent: &Sent) -> Result<NewDocument, FieldErrors> {
    let limit = state.config.max_upload_bytes;
    let mut errors = hearth_domain::Collect::default();
    let kind = errors.keep(DocumentKind::from_code(sent.kind.trim()).ok_or_else(|| FieldError::new("kind", "Select what the document is")));
    let file_type = errors.keep(check_upload("file", &sent.file, limit));
    let withheld_from = errors.keep(hearth_domain::org::optional_id("withheld_from", "party", &sent.withheld_from));
    let title = if sent.title.trim().is_empty() {
        // A file's own name may carry characters nobody typed: leave them out rather than refuse.
        let stem: String = sent.file_name.rsplit_once('.').map_or(sent.file_name.as_str(), |(s, _)| s).chars().filter(|c| hearth_domain::text::allowed_char(*c)).collect::<String>().trim().to_string();
        if stem.is_empty() { format!("Photograph taken {}", long_date(crate::dates::today())) } else { stem }
    } else {
        sent.title.trim().to_string()
    };
    if title.chars().count() > 150 {
        errors.push(FieldError::new("title", "Title must be 150 characters or fewer"));
    }
    if let Err(e) = hearth_domain::text::printable("title", &title) {
        errors.push(e);
    }
    let (Some(kind), Some(file_type), Some(withheld_from)) = (kind, file_type, withheld_from) else { return Err(errors.0) };
    if !errors.is_empty() {
        return Err(errors.0);
    }
    let (bytes, thumbnail) = cleaned(state, "file", file_type, &sent.file).await?;
    Ok(NewDocument { kind, title, file_type, bytes, thumbnail, withheld_from })
}

/// A file as it is kept: a photo decoded within the server's pixel budget, off the async
/// runtime, and re-encoded without its metadata, with its thumbnail; anything else as sent.
/// Documents and expense receipts both come through here.
pub(crate) async fn cleaned(state: &AppState, field: &'static str, file_type: FileType, bytes: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), FieldErrors> {
    if !file_type.is_image() {
        return Ok((bytes.to_vec(), None));
    }
    let pixels = image_pixels(bytes, file_type).map_err(|why| vec![FieldError::new(field, format!("The photo could not be used: {why}. Take it at a lower resolution, or upload it as a PDF"))])?;
    // Decoding holds every pixel in memory: photos wait their turn for the budget rather
    // than decode all at once (eight large uploads together once took the server to 670 MB).
    let permit = state.image_budget.clone().acquire_many_owned(megapixels(pixels)).await.map_err(|_| vec![FieldError::new(field, "The photo could not be read")])?;
    let original = bytes.to_vec();
    let cleaned = tokio::task::spawn_blocking(move || {
        let cleaned = clean_image(&original, file_type);
        drop(permit);
        cleaned
    })
    .await
    .map_err(|_| vec![FieldError::new(field, "The photo could not be read")])?;
    match cleaned {
        Ok(c) => Ok((c.bytes, Some(c.thumbnail))),
        Err(_) => Err(vec![FieldError::new(field, "The photo could not be read. Try taking it again, or upload it as a PDF")]),
    }
}

/// Saves a prepared document, turning a refusal a person can fix into a field error.
async fn save(state: &AppState, me: &Ctx, case_id: Uuid, doc: &NewDocument) -> Result<Result<Uuid, FieldErrors>, AppError> {
    match documents::add(&state.store, &state.config.files, &me.audit, case_id, doc).await {
        Ok(id) => Ok(Ok(id)),
        Err(StoreError::MissingReference { .. }) => Ok(Err(vec![FieldError::new("withheld_from", "Select a party in this case")])),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "cases/upload.html")]
struct UploadPage {
    shell: Shell,
    id: Uuid,
    reference: String,
    errors: Option<ErrorSummary>,
    file: FileUpload,
    kind: Choices,
    title: Input,
    withheld: Select,
    limit: String,
}

async fn upload_page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, sent: &Sent, errors: &[FieldError]) -> Result<UploadPage, AppError> {
    let kinds: Vec<(&str, &str)> = DocumentKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    let parties: Vec<(String, String)> = cases::participants(&state.store, case.id)
        .await?
        .into_iter()
        .filter(|p| p.role != PartyRole::SubjectChild)
        .map(|p| (p.person_id.to_string(), format!("{} ({})", p.full_name, p.role.label().to_lowercase())))
        .collect();
    Ok(UploadPage {
        shell: ctx.shell(format!("Add a document – {}", case.reference)),
        id: case.id,
        reference: case.reference.clone(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        file: FileUpload::photo_or_pdf("file", "The document", "Choose a file, or on a phone take a photo of the document.")
            .accept(".pdf,.jpg,.jpeg,.png,.docx,.odt,application/pdf,image/jpeg,image/png")
            .errors(errors),
        kind: Choices::new(true, "kind", "What is it?", &kinds, std::slice::from_ref(&sent.kind)).errors(errors),
        title: Input::text("title", "Title (optional)").hint("If you leave this empty, the file's name is used.").value(&sent.title).errors(errors),
        withheld: Select::new("withheld_from", "Withhold from a party (optional)", Some("Not withheld"), &parties, &sent.withheld_from)
            .hint("Choose a party if showing them this document would put someone at risk.")
            .errors(errors),
        limit: megabytes(state.config.max_upload_bytes),
    })
}

pub async fn upload_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    Ok(render(&upload_page(&state, &ctx, &case, &Sent::default(), &[]).await?))
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Ctx,
    Path(id): Path<Uuid>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    // The case's permission first: a refusal must not depend on how the body was sent.
    let case = open_case(&state, &me, id).await?;
    let multipart = multipart.map_err(|_| AppError::Invalid(vec![FieldError::new("file", "Send the form as a file upload")]));
    let (sent, errors) = match async { read_upload(multipart?).await }.await {
        Ok(sent) => match prepare(&state, &sent).await {
            Ok(doc) => match save(&state, &me, id, &doc).await? {
                Ok(_) => return Ok(Redirect::to(&format!("/cases/{id}#documents")).into_response()),
                Err(errors) => (sent, errors),
            },
            Err(errors) => (sent, errors),
        },
        Err(AppError::Invalid(errors)) => (Sent::default(), errors),
        Err(e) => return Err(e),
    };
    Ok(render_with(StatusCode::BAD_REQUEST, &upload_page(&state, &ctx, &case, &sent, &errors).await?))
}

pub async fn download(State(state): State<AppState>, me: Ctx, Path((id, document)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    let (doc, bytes) = documents::download(&state.store, &state.config.files, &me.audit, id, document).await?;
    Ok((
        [
            (header::CONTENT_TYPE, doc.file_type.media_type().to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(&doc.title, doc.file_type)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn thumbnail(State(state): State<AppState>, me: Ctx, Path((id, document)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_case(&state, id).await?;
    let bytes = documents::thumbnail(&state.store, &state.config.files, id, document).await?;
    // A child's photo, however small, is never kept in the browser's cache (`security::headers`
    // says `no-store` on everything but Hearth's own assets; this says the same here).
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")], bytes).into_response())
}

/// A document as the case page lists it.
pub struct DocumentRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub file_type: FileType,
    pub size: String,
    pub uploaded: String,
    pub withheld_from: Option<String>,
    pub has_thumbnail: bool,
}

pub fn rows(docs: &[Document]) -> Vec<DocumentRow> {
    docs.iter()
        .map(|d| DocumentRow {
            id: d.id,
            title: d.title.clone(),
            kind: d.kind.label().to_string(),
            file_type: d.file_type,
            size: if d.size_bytes >= 1024 * 1024 { format!("{:.1} MB", d.size_bytes as f64 / 1_048_576.0) } else { format!("{} KB", (d.size_bytes + 1023) / 1024) },
            uploaded: format!("{} by {}", long_date(d.uploaded_at.date()), d.uploaded_by.as_ref().map(|u| u.name.as_str()).unwrap_or("Hearth")),
            withheld_from: d.withheld_from.as_ref().map(|p| p.name.clone()),
            has_thumbnail: d.has_thumbnail,
        })
        .collect()
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct DocumentJson {
    pub id: Uuid,
    /// `court_order`, `application`, `report`, `letter`, `photo` or `other`.
    pub kind: String,
    pub title: String,
    /// `pdf`, `jpeg`, `png`, `docx` or `odt`, decided by the file's content.
    pub file_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub withheld_from: Option<Uuid>,
    pub uploaded_at: String,
    /// Where to download it (the download is audited).
    pub href: String,
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<DocumentJson>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_list(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Vec<DocumentJson>>, ApiError> {
    me.authorize_case(&state, id).await?;
    let docs = documents::list(&state.store, id).await?;
    Ok(Json(
        docs.into_iter()
            .map(|d| DocumentJson {
                href: format!("/cases/{id}/documents/{}", d.id),
                id: d.id,
                kind: d.kind.code().into(),
                title: d.title,
                file_type: d.file_type.code().into(),
                size_bytes: d.size_bytes,
                sha256: d.sha256,
                withheld_from: d.withheld_from.map(|p| p.id),
                uploaded_at: hearth_store::ts(d.uploaded_at),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    pub id: Uuid,
}

/// Uploads a document as `multipart/form-data` with fields `kind`, `file`, and optionally `title`
/// and `withheld_from` (a party's person id).
#[utoipa::path(post, path = "/api/v1/cases/{id}/documents", params(("id" = Uuid, Path)), request_body(content_type = "multipart/form-data"), responses((status = 201, body = Uploaded), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn api_upload(
    State(state): State<AppState>,
    me: Ctx,
    Path(id): Path<Uuid>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    open_case(&state, &me, id).await?;
    let multipart = multipart.map_err(|_| ApiError(AppError::Invalid(vec![FieldError::new("body", "Send the document as multipart/form-data")])))?;
    let sent = read_upload(multipart).await?;
    let doc = prepare(&state, &sent).await.map_err(|e| ApiError(AppError::Invalid(e)))?;
    match save(&state, &me, id, &doc).await? {
        Ok(doc) => Ok((StatusCode::CREATED, Json(Uploaded { id: doc }))),
        Err(errors) => Err(ApiError(AppError::Invalid(errors))),
    }
}
