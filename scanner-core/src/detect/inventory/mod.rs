//! The package's name, version and components, and the upgrade path from what is installed.

use super::Detector;
use crate::profile::Profile;
use crate::rules::{inventory::RULES, Rule};

/// The inventory detector.
pub struct Inventory {}

impl Inventory {
    /// A detector for one scan of the package file named `package`.
    pub fn new(_profile: &Profile, _package: &str) -> Self {
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
