//! The organisation's screens: staff directory and records, org structure, and staff administration.

pub mod admin;
pub mod pages;
