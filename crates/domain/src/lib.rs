//! Hearth's domain: the types and rules of the service, with no I/O.
//!
//! Every area has the same name here as in `hearth-store` and `hearth-web`.
//! Rules take plain values (and the time, when they need it) and return decisions.

/// Declares a text-backed enum: its stored code, its label for people, and parsing back from the code.
/// Stored codes are what the database CHECK constraints list.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label()) }
        }
    };
}

pub mod access;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod courtwork;
pub mod documents;
pub mod insight;
pub mod org;
pub mod people;
pub mod quality;
pub mod teamrooms;
pub mod text;
pub mod workload;
pub mod workplace;

/// A field-level validation failure: which field, and a message written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Usually a form field's fixed name; a court report's sections are named by their template.
    pub field: std::borrow::Cow<'static, str>,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<std::borrow::Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// All the field errors of one submitted form, in the order the fields appear.
pub type FieldErrors = Vec<FieldError>;

/// Gathers the field errors of a form while its fields are parsed, so they all show together.
#[derive(Debug, Default)]
pub struct Collect(pub FieldErrors);

impl Collect {
    /// The parsed value, or `None` with its error kept.
    pub fn keep<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
