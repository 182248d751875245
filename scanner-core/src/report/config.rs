//! The `config` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// A configuration key (or Kubernetes API) the deprecation matrix knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// The flattened key as found, e.g. `cache.redis.host`, or `apiVersion/kind` for a
    /// Kubernetes object.
    pub key: String,
}
