//! Quartz cron triggers in `.properties` and XML.
//!
//! Not written yet: [`detect`] recognises nothing.

use super::Parsed;

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(_path: &str, _text: &str) -> Option<Parsed> {
    None
}
