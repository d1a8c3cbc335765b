//! Small parse-don't-validate text types shared by several areas.

use crate::FieldError;

/// Whether a character may be kept in text: anything but control characters, except tab and
/// the line breaks a text area sends. A NUL would be refused by PostgreSQL and kept by SQLite, and
/// the rest only hide text or break documents made from it; refusing them keeps both engines alike.
pub fn allowed_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// Refuses text holding a character [`allowed_char`] does not allow, naming the field.
pub fn printable(field: &str, value: &str) -> Result<(), FieldError> {
    match value.chars().find(|c| !allowed_char(*c)) {
        None => Ok(()),
        Some(c) => Err(FieldError::new(
            field.to_string(),
            format!("{} contains a hidden control character (U+{:04X}) that cannot be saved. Remove it, or type the text again rather than pasting it", capitalise(&field.replace('_', " ")), c as u32),
        )),
    }
}

/// Trims a submitted value and checks it is present, printable and not too long.
pub fn required(field: impl Into<std::borrow::Cow<'static, str>>, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let field = field.into();
    if value.trim().is_empty() {
        return Err(FieldError::new(field, format!("Enter {label}")));
    }
    optional(field, label, value, max)
}

/// Trims a submitted value that may be left empty, and checks it is printable and not too long.
pub fn optional(field: impl Into<std::borrow::Cow<'static, str>>, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let field = field.into();
    let v = value.trim();
    printable(&field, v)?;
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("{} must be {max} characters or fewer", capitalise(label))));
    }
    Ok(v.to_string())
}

/// Upper-cases the first letter, for messages that start with a field's label.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// "day", "day and month", "day, month and year": a short list as it is said.
pub fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A work email address, normalised to lower case. Once one exists it is well formed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, FieldError> {
        let v = value.trim().to_lowercase();
        if v.is_empty() {
            return Err(FieldError::new(field, "Enter an email address"));
        }
        let valid = v.len() <= 254
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !v.contains(char::is_whitespace)
                    && v.matches('@').count() == 1
            });
        if !valid {
            return Err(FieldError::new(
                field,
                "Enter an email address in the correct format, like name@example.org",
            ));
        }
        Ok(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(EmailAddress::parse("email", " A.Person@Hearth.Example ").unwrap().as_str(), "a.person@hearth.example");
        for bad in ["", "no-at-sign", "a@b", "@x.org", "a@@x.org", "a b@x.org", "a@x.org."] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn control_characters_are_refused_but_tabs_and_line_breaks_kept() {
        assert!(printable("note", "Line one\r\nLine two\tindented").is_ok());
        for bad in ["nul\u{0}here", "bell\u{7}", "escape\u{1b}[31m", "delete\u{7f}", "c1\u{85}"] {
            let e = printable("summary", bad).unwrap_err();
            assert_eq!(e.field, "summary");
            assert!(e.message.starts_with("Summary contains a hidden control character"), "{}", e.message);
        }
        assert!(required("summary", "a summary", "a\u{0}b", 100).is_err(), "required text is checked too");
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required("name", "a name", "  Sam  ", 10).unwrap(), "Sam");
        assert_eq!(required("name", "a name", "   ", 10).unwrap_err().message, "Enter a name");
        assert!(required("name", "a name", "abcdefghijk", 10).unwrap_err().message.starts_with("A name must be"));
    }
}

/// "2 November 2026".
pub fn long_date(d: time::Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}
