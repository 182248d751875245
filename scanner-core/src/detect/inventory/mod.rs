//! The package's name, version and components, and the upgrade path from what is installed.

use super::Detector;
use crate::profile::Profile;
use crate::rules::{inventory::RULES, Rule};

/// The inventory detector.
pub struct Inventory {}

impl Inventory {
    /// A detector for one scan.
    pub fn new(_profile: &Profile) -> Self {
        Inventory {}
    }
}

impl Detector for Inventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }
}
