//! The `config` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// A configuration key (or Kubernetes API) the deprecation matrix knows, and the matrix row
/// it matched. Carried by the `config.removed-key`, `config.deprecated-key`,
/// `config.k8s-removed-api` and `config.k8s-deprecated-api` findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigInfo {
    /// The flattened key as found (`cache.redis.host`, `CACHE_REDIS_HOST`,
    /// `servers[0].host`), or `apiVersion/kind` for a Kubernetes object
    /// (`extensions/v1beta1/Ingress`).
    pub key: String,
    /// The file's format: `properties`, `yaml`, `json`, `toml`, `ini`, `env` or `xml`.
    #[serde(default)]
    pub format: String,
    /// The component the row is about (`kubernetes` for API versions).
    #[serde(default)]
    pub component: String,
    /// What matched: the row's key glob, or `apiVersion/kind` of the Kubernetes row.
    #[serde(default)]
    pub matched: String,
    /// The release that deprecated it, when the row says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_in: Option<String>,
    /// The release that removed it, when the row says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_in: Option<String>,
    /// What to use instead, with the glob's `*` parts filled from the key (in the key's own
    /// style: `CACHE_VALKEY_HOST` for an environment variable); for Kubernetes, the
    /// apiVersion to move to. Absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// The component's target version from the profile; `null` when the profile gives none.
    #[serde(default)]
    pub target: Option<String>,
    /// `removed` or `deprecated`: the state at the target version (with no target: `removed`
    /// when the row gives a removal release, else `deprecated`).
    #[serde(default)]
    pub status: String,
    /// Kubernetes objects: their apiVersion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kubernetes objects: their kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}
