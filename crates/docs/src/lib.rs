//! Court reports as PDFs, typeset with typst.
//!
//! A report's words never become typst markup: the whole report goes to the template as one JSON
//! input (`sys.inputs.report`), which the template reads as data and sets as plain text. So a
//! worker who types `#`, `*` or `=` in a section sees exactly that in the filed PDF, and nothing
//! typed can run typst code.
//!
//! Rendering is deterministic: the same report gives the same bytes, so the SHA-256 recorded when
//! a report is filed identifies exactly what the court received.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

pub use hearth_domain::courtwork::{Report, ReportChild as Child, ReportSection as Section, Signature};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The template could not be typeset: a fault in Hearth, never in what a worker typed.
    #[error("the report could not be typeset: {0}")]
    Typeset(String),
}

const TEMPLATE: &str = include_str!("report.typ");

/// Typesets a report as a tagged (accessible) PDF.
pub fn report_pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    let json = serde_json::to_string(report).map_err(|e| RenderError::Typeset(e.to_string()))?;
    let world = ReportWorld::new(json);
    let document = typst::compile::<typst_layout::PagedDocument>(&world).output.map_err(|errors| RenderError::Typeset(messages(&errors)))?;
    let options = typst_pdf::PdfOptions { tagged: true, ..Default::default() };
    typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Typeset(messages(&errors)))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// The fonts shipped inside the binary (Libertinus Serif, New Computer Modern, DejaVu Sans
/// Mono), loaded once: a report never depends on the fonts of the machine it runs on.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

/// Everything typst may read while typesetting one report: the template, the report as an input,
/// and the bundled fonts. No files, no packages, no clock.
struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
}

impl ReportWorld {
    fn new(report_json: String) -> Self {
        let mut inputs = Dict::new();
        inputs.insert("report".into(), report_json.into_value());
        let id = FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new("report.typ").expect("a valid virtual path")));
        Self { library: LazyHash::new(Library::builder().with_inputs(inputs).build()), main: Source::new(id, TEMPLATE.to_string()) }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}
