//! The `inventory` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// A component of the package and its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryInfo {
    /// Component name.
    pub component: String,
    /// Version the package carries.
    pub version: String,
}
