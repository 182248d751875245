//! What the upgrade leaves behind to clean up (temporary feature flags, webhook registrations,
//! ephemeral credentials, temporary jobs) and the downtime the package's documentation claims.

use super::Detector;
use crate::profile::Profile;
use crate::rules::{cleanup::RULES, Rule};

/// The cleanup detector.
pub struct Cleanup {}

impl Cleanup {
    /// A detector for one scan.
    pub fn new(_profile: &Profile) -> Self {
        Cleanup {}
    }
}

impl Detector for Cleanup {
    fn name(&self) -> &'static str {
        "cleanup"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }
}
