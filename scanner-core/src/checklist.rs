//! The checklist: preflight, cleanup and rollback steps generated from the findings, each
//! linked to the findings behind it.

use crate::profile::Profile;
use crate::report::{ChecklistItem, Finding};

/// The checklist for these findings (already linked and in report order).
pub fn checklist(_findings: &[Finding], _profile: &Profile) -> Vec<ChecklistItem> {
    Vec::new()
}
