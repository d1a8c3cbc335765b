//! Small parse-don't-validate text types shared by several areas.

use crate::FieldError;

/// Trims a submitted value and checks it is present and not too long.
pub fn required(field: &'static str, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("Enter {label}")));
    }
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
