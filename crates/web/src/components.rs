//! Typed GOV.UK Frontend components, each an askama template whose markup matches the
//! `fixtures.json` shipped in the pinned `govuk-frontend` package (see `tests/components.rs`).
//! Pages embed them with `{{ component|safe }}`: the component escapes its own text.

use askama::Template;
use hearth_domain::FieldError;

/// Finds the message for a field among a form's errors.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field.as_ref() == field).map(|e| e.message.clone())
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let parts: Vec<String> = [hint.then(|| format!("{id}-hint")), error.then(|| format!("{id}-error"))].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/input.html")]
pub struct Input {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub value: Option<String>,
    pub input_type: String,
    pub autocomplete: Option<String>,
    pub inputmode: Option<String>,
    pub spellcheck: Option<bool>,
    pub classes: String,
    /// The page's one field: the cursor starts in it (a page with nothing else to do, such as
    /// the security code).
    pub autofocus: bool,
}

impl Input {
    /// A text input whose id and name are the field name.
    pub fn text(field: &str, label: &str) -> Self {
        Self { id: field.into(), name: field.into(), label: label.into(), input_type: "text".into(), ..Default::default() }
    }

    pub fn kind(mut self, t: &str) -> Self {
        self.input_type = t.into();
        self
    }

    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(h.into());
        self
    }

    pub fn value(mut self, v: &str) -> Self {
        self.value = Some(v.into());
        self
    }

    pub fn autocomplete(mut self, a: &str) -> Self {
        self.autocomplete = Some(a.into());
        self
    }

    pub fn classes(mut self, c: &str) -> Self {
        self.classes = c.into();
        self
    }

    pub fn inputmode(mut self, m: &str) -> Self {
        self.inputmode = Some(m.into());
        self
    }

    pub fn no_spellcheck(mut self) -> Self {
        self.spellcheck = Some(false);
        self
    }

    pub fn autofocus(mut self) -> Self {
        self.autofocus = true;
        self
    }

    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        self
    }

    fn described_by(&self) -> Option<String> {
        described_by(&self.id, self.hint.is_some(), self.error.is_some())
    }
}

/// The design system's date input: day, month and year as three number fields in a fieldset.
/// They are sent as `{name}-day`, `{name}-month` and `{name}-year`, and `input::guard` joins
/// them into the one `{name}` value (`year-month-day`) the handlers read, so a form's date is
/// shown back exactly as typed, and an impossible one is named rather than blanked as a
/// browser's own date picker would.
#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/date_input.html")]
pub struct DateInput {
    pub id: String,
    pub name: String,
    pub legend: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// Day, month and year as typed (or as stored).
    pub values: [Option<String>; 3],
    /// Which of day, month and year to mark as wrong, beside the error.
    pub wrong: [bool; 3],
}

pub struct DatePart {
    pub name: &'static str,
    pub label: &'static str,
    pub width: &'static str,
    pub value: Option<String>,
    pub wrong: bool,
}

impl DateInput {
    /// A date input for a field, with the design system's example as its hint.
    pub fn new(field: &str, legend: &str) -> Self {
        Self { id: field.into(), name: field.into(), legend: legend.into(), hint: Some(Self::EXAMPLE.into()), ..Default::default() }
    }

    const EXAMPLE: &'static str = "For example, 27 3 2026";

    /// Words before the example: "Needed for a child. For example, 27 3 2026".
    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(format!("{h} {}", Self::EXAMPLE));
        self
    }

    /// The field's value, `year-month-day` as stored or as joined from what was typed; a day or
    /// month is shown as people write it, without a leading zero.
    pub fn value(mut self, v: &str) -> Self {
        if v.trim().is_empty() {
            return self;
        }
        let mut parts = v.splitn(3, '-').map(|p| p.trim().to_string());
        let (year, month, day) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let plain = |p: String| match p.parse::<u32>() {
            Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
            _ => p,
        };
        self.values = [Some(plain(day)), Some(plain(month)), Some(year)];
        self
    }

    /// The field's error, and which parts it is about: those left empty or not numbers, or all
    /// three when each part reads but the date is not a real one.
    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        if self.error.is_some() {
            let bad = |v: &Option<String>| v.as_deref().is_none_or(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()));
            let wrong = [bad(&self.values[0]), bad(&self.values[1]), bad(&self.values[2]) || self.values[2].as_deref().is_some_and(|y| y.len() != 4)];
            self.wrong = if wrong.iter().any(|w| *w) { wrong } else { [true; 3] };
        }
        self
    }

    pub fn parts(&self) -> Vec<DatePart> {
        [("day", "Day", "govuk-input--width-2"), ("month", "Month", "govuk-input--width-2"), ("year", "Year", "govuk-input--width-4")]
            .into_iter()
            .enumerate()
            .map(|(i, (name, label, width))| DatePart { name, label, width, value: self.values[i].clone(), wrong: self.wrong[i] })
            .collect()
    }

    fn described_by(&self) -> Option<String> {
        described_by(&self.id, self.hint.is_some(), self.error.is_some())
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/textarea.html")]
pub struct Textarea {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub value: String,
    pub rows: u8,
    /// Offer a microphone button where the browser can dictate (progressive enhancement).
    pub dictation: bool,
}

impl Textarea {
    pub fn new(field: &str, label: &str) -> Self {
        Self { id: field.into(), name: field.into(), label: label.into(), rows: 5, ..Default::default() }
    }

    pub fn value(mut self, v: &str) -> Self {
        self.value = v.into();
        self
    }

    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(h.into());
        self
    }

    pub fn rows(mut self, rows: u8) -> Self {
        self.rows = rows;
        self
    }

    pub fn dictation(mut self) -> Self {
        self.dictation = true;
        self
    }

    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        self
    }

    fn described_by(&self) -> Option<String> {
        described_by(&self.id, self.hint.is_some(), self.error.is_some())
    }
}

/// A file to upload as the design system shows it: a fieldset with a file chooser and, on a
/// phone, the camera (`photo`, sent beside the file; whichever was used is read). For documents,
/// receipts and fit notes alike.
#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/file_upload.html")]
pub struct FileUpload {
    pub name: String,
    pub legend: String,
    pub hint: String,
    pub error: Option<String>,
    /// The `accept` list: extensions and media types.
    pub accept: String,
}

impl FileUpload {
    /// A photo or a PDF.
    pub fn photo_or_pdf(field: &str, legend: &str, hint: &str) -> Self {
        Self { name: field.into(), legend: legend.into(), hint: hint.into(), accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png".into(), error: None }
    }

    pub fn accept(mut self, accept: &str) -> Self {
        self.accept = accept.into();
        self
    }

    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        self
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/error_summary.html")]
pub struct ErrorSummary {
    /// (link target, message)
    pub errors: Vec<(String, String)>,
}

impl ErrorSummary {
    /// Links each error to its field: `#field`, or the first option for choices.
    pub fn of(errors: &[FieldError]) -> Self {
        Self { errors: errors.iter().map(|e| (format!("#{}", e.field), e.message.clone())).collect() }
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/tag.html")]
pub struct Tag {
    pub text: String,
    pub classes: String,
}

impl Tag {
    pub fn new(text: &str, colour: &str) -> Self {
        Self { text: text.into(), classes: if colour.is_empty() { String::new() } else { format!("govuk-tag--{colour}") } }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SummaryAction {
    pub href: String,
    pub text: String,
    /// Said after the link text to screen readers: "Change" + " roles".
    pub hidden: String,
}

#[derive(Debug, Clone, Default)]
pub struct SummaryRow {
    pub key: String,
    pub value: String,
    pub href: Option<String>,
    pub actions: Vec<SummaryAction>,
}

impl SummaryRow {
    pub fn new(key: &str, value: impl Into<String>) -> Self {
        Self { key: key.into(), value: value.into(), ..Default::default() }
    }

    pub fn link(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    pub fn action(mut self, href: impl Into<String>, text: &str, hidden: &str) -> Self {
        self.actions.push(SummaryAction { href: href.into(), text: text.into(), hidden: hidden.into() });
        self
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/summary_list.html")]
pub struct SummaryList {
    pub rows: Vec<SummaryRow>,
}

impl SummaryList {
    fn any_actions(&self) -> bool {
        self.rows.iter().any(|r| !r.actions.is_empty())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub numeric: bool,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Self {
        Self { text: t.into(), ..Default::default() }
    }

    pub fn link(t: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: t.into(), href: Some(href.into()), numeric: false }
    }

    pub fn number(n: impl ToString) -> Self {
        Self { text: n.to_string(), href: None, numeric: true }
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/table.html")]
pub struct Table {
    pub caption: Option<String>,
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    /// On a phone, each row becomes a card whose cells are named by their column (`hearth-grid`),
    /// so no column is hidden off to the side.
    pub cards: bool,
}

impl Table {
    /// The column a cell is in, said beside it on a card.
    fn label(&self, column: usize) -> &str {
        self.head.get(column).map(|c| c.text.as_str()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default)]
pub struct SelectItem {
    pub value: String,
    pub text: String,
    pub selected: bool,
    pub disabled: bool,
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/select.html")]
pub struct Select {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub items: Vec<SelectItem>,
}

impl Select {
    /// A select of (value, text) options with one selected, and an optional blank first option.
    pub fn new(field: &str, label: &str, blank: Option<&str>, options: &[(String, String)], selected: &str) -> Self {
        let mut items: Vec<SelectItem> = blank
            .map(|b| SelectItem { value: String::new(), text: b.into(), selected: selected.is_empty(), disabled: false })
            .into_iter()
            .collect();
        items.extend(options.iter().map(|(v, t)| SelectItem { value: v.clone(), text: t.clone(), selected: v == selected, disabled: false }));
        Self { id: field.into(), name: field.into(), label: label.into(), items, ..Default::default() }
    }

    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        self
    }

    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(h.into());
        self
    }

    fn described_by(&self) -> Option<String> {
        described_by(&self.id, self.hint.is_some(), self.error.is_some())
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChoiceItem {
    pub id: Option<String>,
    pub value: String,
    pub text: String,
    pub hint: Option<String>,
    pub checked: bool,
    /// Fields shown only while this item is chosen: the design system's conditional reveal, but
    /// switched by Hearth's own script (`data-hearth-reveals`, in `static/hearth.js`) rather than
    /// GOV.UK Frontend's, which marks the radio `aria-expanded`, an attribute axe-core does not
    /// allow on a radio. Without JavaScript they are always shown. Rendered markup.
    pub conditional: Option<String>,
}

/// Checkboxes or radios: the same markup with a different name.
#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/choices.html")]
pub struct Choices {
    pub radios: bool,
    pub id_prefix: String,
    pub name: String,
    pub legend: String,
    pub legend_classes: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub items: Vec<ChoiceItem>,
}

impl Choices {
    /// Options as (value, text), with the checked values.
    pub fn new(radios: bool, field: &str, legend: &str, options: &[(&str, &str)], checked: &[String]) -> Self {
        Self {
            radios,
            id_prefix: field.into(),
            name: field.into(),
            legend: legend.into(),
            legend_classes: "govuk-fieldset__legend--s".into(),
            items: options
                .iter()
                .map(|(v, t)| ChoiceItem {
                    id: None,
                    value: (*v).into(),
                    text: (*t).into(),
                    hint: None,
                    checked: checked.iter().any(|c| c == v),
                    conditional: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.error = error_for(errors, &self.name);
        self
    }

    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(h.into());
        self
    }

    /// Shows `fields` under the option `value` only while it is chosen.
    pub fn reveal(mut self, value: &str, fields: String) -> Self {
        if let Some(item) = self.items.iter_mut().find(|i| i.value == value) {
            item.conditional = Some(fields);
        }
        self
    }

    fn kind(&self) -> &'static str {
        if self.radios { "radios" } else { "checkboxes" }
    }

    fn input_type(&self) -> &'static str {
        if self.radios { "radio" } else { "checkbox" }
    }

    /// GOV.UK's ids: the prefix for the first item, then `prefix-2`, `prefix-3`...
    fn item_id(&self, i: &usize) -> String {
        match &self.items[*i].id {
            Some(id) => id.clone(),
            None if *i == 0 => self.id_prefix.clone(),
            None => format!("{}-{}", self.id_prefix, i + 1),
        }
    }

    fn described_by(&self) -> Option<String> {
        described_by(&self.id_prefix, self.hint.is_some(), self.error.is_some())
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/button.html")]
pub struct Button {
    pub text: String,
    pub classes: String,
    pub name: Option<String>,
    pub href: Option<String>,
}

impl Button {
    pub fn submit(text: &str) -> Self {
        Self { text: text.into(), ..Default::default() }
    }

    pub fn secondary(text: &str) -> Self {
        Self { text: text.into(), classes: "govuk-button--secondary".into(), ..Default::default() }
    }

    pub fn warning(text: &str) -> Self {
        Self { text: text.into(), classes: "govuk-button--warning".into(), ..Default::default() }
    }

    pub fn link(text: &str, href: &str) -> Self {
        Self { text: text.into(), href: Some(href.into()), ..Default::default() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PageItem {
    pub number: i64,
    /// `None` draws an ellipsis.
    pub href: Option<String>,
    pub current: bool,
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/pagination.html")]
pub struct Pagination {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub items: Vec<PageItem>,
}

impl Pagination {
    /// Links for `page` of `last`, using `href(n)` for page n: first, last, and two either side.
    pub fn around(page: i64, last: i64, href: impl Fn(i64) -> String) -> Option<Self> {
        if last <= 1 {
            return None;
        }
        let mut items = Vec::new();
        let mut gap = false;
        for n in 1..=last {
            if n == 1 || n == last || (n - page).abs() <= 2 {
                items.push(PageItem { number: n, href: Some(href(n)), current: n == page });
                gap = false;
            } else if !gap {
                items.push(PageItem { number: 0, href: None, current: false });
                gap = true;
            }
        }
        Some(Self {
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < last).then(|| href(page + 1)),
            items,
        })
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/back_link.html")]
pub struct BackLink {
    pub href: String,
    pub text: String,
}

impl BackLink {
    pub fn to(href: &str) -> Self {
        Self { href: href.into(), text: "Back".into() }
    }
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/inset_text.html")]
pub struct InsetText {
    pub text: String,
}

#[derive(Template, Debug, Clone, Default)]
#[template(path = "components/warning_text.html")]
pub struct WarningText {
    pub text: String,
}
