//! Configuration keys against the deprecation matrix and Kubernetes API versions against the target release.

use super::Detector;
use crate::profile::Profile;
use crate::rules::{config::RULES, Rule};

/// The config detector.
pub struct Configs {}

impl Configs {
    /// A detector for one scan.
    pub fn new(_profile: &Profile) -> Self {
        Configs {}
    }
}

impl Detector for Configs {
    fn name(&self) -> &'static str {
        "config"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }
}
