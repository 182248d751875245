//! The `inventory` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// A component of the package and its version, with what the profile says about it.
///
/// An `inventory.component` finding carries one row of the inventory table: the component,
/// its version, where it was read and its role. An `inventory.dependencies` finding sums up
/// one lock file (or one bundled `node_modules` tree): `dependencies` lists what it pins.
/// The upgrade findings (`inventory.upgrade-path`, `inventory.no-upgrade-path`,
/// `inventory.downgrade`...) add the installed version and the path between the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryInfo {
    /// Component name as the package writes it (`acme-suite`, `com.acme:acme-api`); for a
    /// dependency summary, the project the list belongs to, else the file's path.
    pub component: String,
    /// Version the package carries, as written; empty when the package does not carry the
    /// component (an installed component missing from it) and for a dependency summary.
    pub version: String,
    /// Where it was read: `pom`, `manifest-mf`, `chart`, `dpkg`, `package-json`,
    /// `version-file`, `cargo-lock`, `package-lock`, `requirements`, `go-mod`, `file-name`;
    /// `profile` when only the profile names it.
    #[serde(default)]
    pub source: String,
    /// `package` (the package itself), `component` (something it ships) or `dependency`
    /// (pinned by a lock file or bundled in `node_modules`).
    #[serde(default)]
    pub role: String,
    /// A Helm chart's `appVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// The version installed today, from the profile's `installed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed: Option<String>,
    /// The version the reviewer plans to install, from the profile's `target_versions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Whether the profile's upgrade paths lead from `installed` to `version`; absent when
    /// that was not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported: Option<bool>,
    /// The supported hops of the route, in order, as `from → to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// The hops the route lacks, as `from → to`: the step no supported hop covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// For a dependency summary: `name version` of each dependency, at most 2,000.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// For a dependency summary: how many dependencies the file lists in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency_count: Option<u64>,
}

impl InventoryInfo {
    /// A row with only the component, its version, source and role.
    pub fn new(component: &str, version: &str, source: &str, role: &str) -> Self {
        InventoryInfo {
            component: component.to_string(),
            version: version.to_string(),
            source: source.to_string(),
            role: role.to_string(),
            app_version: None,
            installed: None,
            target: None,
            supported: None,
            path: Vec::new(),
            missing: Vec::new(),
            dependencies: Vec::new(),
            dependency_count: None,
        }
    }
}
