//! The `unit` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// A systemd unit the package ships or refers to.
///
/// A `unit.shipped` finding describes one shipped unit: where it is shipped, its other names
/// and the places that refer to it. A `unit.missing` finding describes one reference to a
/// unit that is neither shipped nor a known system unit: how it is referred to and the
/// closest shipped name. Together they make the view "shipped vs referenced" of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInfo {
    /// Unit name with its type suffix, e.g. `acme-import.service` (as referred to, for a
    /// reference: an instance stays an instance).
    pub name: String,
    /// The package ships a file (or link, or script that installs one) for it.
    pub shipped: bool,
    /// Unit type: the suffix without its dot (`service`, `timer`, `socket`, `target`...).
    #[serde(default)]
    pub kind: String,
    /// The template an instance name is run from (`foo@.service` for `foo@bar.service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Where the package ships it: entry paths, or `path:line` of a script line that puts
    /// the unit file in place. At most 20.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipped_at: Vec<String>,
    /// Other names of the unit the package ships (`Alias=`, alias links). At most 20.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Places in the package that refer to it, as `path:line` (`path` for links and
    /// directories). At most 50; see `reference_count`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_by: Vec<String>,
    /// How many references there are in all.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reference_count: u32,
    /// For a reference: how the unit is referred to, e.g. `systemctl restart`, `Requires=`,
    /// `service restart`, `.wants/ link`, `drop-in`, `implicit unit of acme.timer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directive: Option<String>,
    /// For a unit the package lacks: the shipped name it was most likely renamed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
