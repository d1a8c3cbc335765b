//! Hearth's domain: the types and rules of the service, with no I/O.
//!
//! Every area has the same name here as in `hearth-store` and `hearth-web`.
//! Rules take plain values (and the time, when they need it) and return decisions.

pub mod access;
pub mod audit;
pub mod auth;
pub mod org;
pub mod text;

/// A field-level validation failure: which field, and a message written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// All the field errors of one submitted form, in the order the fields appear.
pub type FieldErrors = Vec<FieldError>;
