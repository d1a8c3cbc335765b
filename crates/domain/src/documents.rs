//! Documents and photos on a case: what a file really is (by its first bytes, never its name),
//! the size limit, stripping a photo's metadata (GPS, camera) by re-encoding it, thumbnails, and a
//! download name that is safe in a `Content-Disposition` header.

use std::io::Cursor;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::FieldError;

coded_enum!(
    /// The file types Hearth accepts, decided by content.
    FileType {
        Pdf = "pdf", "PDF";
        Jpeg = "jpeg", "JPEG image";
        Png = "png", "PNG image";
        Docx = "docx", "Word document";
        Odt = "odt", "OpenDocument text";
    }
);

impl FileType {
    pub fn media_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Docx => "docx",
            FileType::Odt => "odt",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileType::Jpeg | FileType::Png)
    }
}

coded_enum!(
    /// What a document is, for filing and finding it.
    DocumentKind {
        CourtOrder = "court_order", "Court order or direction";
        Application = "application", "Application to the court";
        Report = "report", "Report or assessment";
        Letter = "letter", "Letter";
        Photo = "photo", "Photograph";
        Other = "other", "Other";
    }
);

/// Decides a file's type from its first bytes. DOCX and ODT are ZIP files: the ZIP's first entry
/// tells them apart (ODT's is `mimetype`, holding its media type; Word's is `[Content_Types].xml`
/// or a `word/` part).
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileType::Jpeg);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(FileType::Png);
    }
    if bytes.starts_with(b"PK\x03\x04") && bytes.len() > 30 {
        let name_len = u16::from_le_bytes([bytes[26], bytes[27]]) as usize;
        let name = bytes.get(30..30 + name_len)?;
        if name == b"mimetype" && bytes.windows(39).take(200).any(|w| w == b"application/vnd.oasis.opendocument.text") {
            return Some(FileType::Odt);
        }
        if name == b"[Content_Types].xml" || name.starts_with(b"word/") || name.starts_with(b"_rels/") {
            return Some(FileType::Docx);
        }
    }
    None
}

/// The size limit a person sees in messages, from bytes.
pub fn megabytes(bytes: u64) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

/// Checks an upload: something there, within the limit, and a type Hearth accepts.
pub fn check_upload(field: &'static str, bytes: &[u8], limit: u64) -> Result<FileType, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new(field, "Choose a file or take a photo"));
    }
    if bytes.len() as u64 > limit {
        return Err(FieldError::new(field, format!("The file must be {} or smaller", megabytes(limit))));
    }
    sniff(bytes).ok_or_else(|| FieldError::new(field, "The file must be a PDF, a JPEG or PNG photo, or a Word or OpenDocument file"))
}

/// The SHA-256 of a file, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A photo with its metadata gone, and its thumbnail.
#[derive(Debug)]
pub struct CleanImage {
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The largest photo Hearth will decode: 24 megapixels (a 6000 × 4000 camera photo), so a small
/// file cannot unpack into gigabytes, and one decode at this size (about 100 MB of pixels, with
/// its re-encoding) fits the server's memory budget. Checked from the file's header before any
/// pixel is decoded.
pub const MAX_PIXELS: u64 = 24_000_000;

/// How many pixels a photo holds, from its header alone (nothing is decoded), refused with a
/// reason a person can act on if it is more than [`MAX_PIXELS`] or cannot be read.
pub fn image_pixels(bytes: &[u8], kind: FileType) -> Result<u64, String> {
    let format = match kind {
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Png => image::ImageFormat::Png,
        _ => return Err("not an image".into()),
    };
    let (w, h) = image::ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(|e| format!("the photo could not be read: {e}"))?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_PIXELS {
        return Err(format!("the photo is {w} × {h} pixels; the most is {} megapixels", MAX_PIXELS / 1_000_000));
    }
    Ok(pixels)
}
const THUMBNAIL_EDGE: u32 = 320;

/// Re-encodes a photo from its pixels alone, so EXIF (GPS position, camera, times) and any other
/// metadata is left behind, and makes a JPEG thumbnail. Pure, but slow: call it off the async
/// runtime.
pub fn clean_image(bytes: &[u8], kind: FileType) -> Result<CleanImage, String> {
    let format = match kind {
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Png => image::ImageFormat::Png,
        _ => return Err("not an image".into()),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| format!("the photo could not be read: {e}"))?;
    if u64::from(img.width()) * u64::from(img.height()) > MAX_PIXELS {
        return Err("the photo is too large".into());
    }
    let mut out = Vec::new();
    // Encoded from the decoded pixels as they are: a copy of a large photo's pixels in another
    // layout would double what its upload holds in memory.
    let mut jpeg = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
    match (&img, kind) {
        (_, FileType::Png) => img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png),
        (image::DynamicImage::ImageRgb8(pixels), _) => jpeg.encode_image(pixels),
        (image::DynamicImage::ImageLuma8(pixels), _) => jpeg.encode_image(pixels),
        (other, _) => jpeg.encode_image(&other.to_rgb8()),
    }
    .map_err(|e| format!("the photo could not be saved: {e}"))?;
    let small = img.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE).to_rgb8();
    let mut thumbnail = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut thumbnail, 80).encode_image(&small).map_err(|e| format!("thumbnail: {e}"))?;
    Ok(CleanImage { bytes: out, thumbnail, width: img.width(), height: img.height() })
}

/// A `Content-Disposition` value under a safe name: the ASCII fallback keeps letters, digits,
/// spaces, dots, dashes and underscores; the RFC 5987 form keeps the rest. A photo (re-encoded on
/// upload, so nothing in it but the picture) opens in the browser; anything else downloads.
pub fn content_disposition(name: &str, kind: FileType) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let stem: String = stem.chars().filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"')).take(100).collect();
    let stem = if stem.trim().is_empty() { "document".to_string() } else { stem.trim().to_string() };
    let ascii: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_') { c } else { '_' }).collect();
    let encoded: String = format!("{stem}.{}", kind.extension())
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let how = if kind.is_image() { "inline" } else { "attachment" };
    format!("{how}; filename=\"{ascii}.{}\"; filename*=UTF-8''{encoded}", kind.extension())
}

/// Facts about a stored document that lists and the API show.
#[derive(Debug, Clone, Serialize)]
pub struct FileFacts {
    pub file_type: FileType,
    pub size_bytes: u64,
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_with_first_entry(name: &str, rest: &[u8]) -> Vec<u8> {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend_from_slice(&[0u8; 22]);
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(rest);
        b
    }

    #[test]
    fn files_are_known_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileType::Png));
        assert_eq!(sniff(&zip_with_first_entry("[Content_Types].xml", b"<Types/>")), Some(FileType::Docx));
        assert_eq!(sniff(&zip_with_first_entry("mimetype", b"application/vnd.oasis.opendocument.text")), Some(FileType::Odt));
        assert_eq!(sniff(&zip_with_first_entry("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")), None);
        assert_eq!(sniff(b"MZ\x90\x00\x03 this is a Windows program renamed report.pdf"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn uploads_are_checked_for_size_and_type() {
        assert_eq!(check_upload("file", b"", 10).unwrap_err().message, "Choose a file or take a photo");
        assert_eq!(check_upload("file", &[b'%'; 2 * 1024 * 1024], 1024 * 1024).unwrap_err().message, "The file must be 1 MB or smaller");
        assert!(check_upload("file", b"MZ\x90\x00", 1024).unwrap_err().message.starts_with("The file must be a PDF"));
        assert_eq!(check_upload("file", b"%PDF-1.4", 1024).unwrap(), FileType::Pdf);
    }

    #[test]
    fn a_photo_loses_its_metadata_and_gets_a_thumbnail() {
        // A JPEG with an EXIF block holding a made-up GPS marker.
        let img = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]));
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
        let marker = b"Exif\0\0GPSLatitude 53.8008 N GPSLongitude 1.5491 W";
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((marker.len() + 2) as u16).to_be_bytes());
        app1.extend_from_slice(marker);
        let with_exif = [&plain[..2], &app1[..], &plain[2..]].concat();
        assert!(with_exif.windows(11).any(|w| w == b"GPSLatitude"));

        let clean = clean_image(&with_exif, FileType::Jpeg).unwrap();
        assert!(!clean.bytes.windows(11).any(|w| w == b"GPSLatitude"), "the GPS position is gone");
        assert!(!clean.bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block at all");
        assert_eq!(sniff(&clean.bytes), Some(FileType::Jpeg));
        assert_eq!((clean.width, clean.height), (640, 480));
        let thumb = image::load_from_memory(&clean.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
        assert!(clean_image(b"\xFF\xD8\xFFnot really", FileType::Jpeg).is_err(), "a broken photo is refused, not a panic");
    }

    #[test]
    fn download_names_are_safe_in_a_header() {
        assert_eq!(content_disposition("Court order.pdf", FileType::Pdf), "attachment; filename=\"Court order.pdf\"; filename*=UTF-8''Court%20order.pdf");
        let evil = content_disposition("a\"; filename=evil.exe\r\n.pdf", FileType::Pdf);
        assert!(!evil.contains('\r') && !evil.contains("evil.exe\""), "{evil}");
        assert!(content_disposition("Zoë's letter.docx", FileType::Docx).contains("filename*=UTF-8''Zo%C3%AB%27s%20letter.docx"));
        assert_eq!(content_disposition("", FileType::Png), "inline; filename=\"document.png\"; filename*=UTF-8''document.png", "a photo opens in the browser");
    }
}
