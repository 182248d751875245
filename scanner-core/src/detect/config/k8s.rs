//! The built-in table of Kubernetes API versions the API server stopped serving
//! (`k8s-apis.toml`, compiled in and read once), and the objects of a manifest.

use super::flatten::Flat;
use crate::version::Version;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One (apiVersion, kind) the API server stopped serving.
#[derive(Debug, Clone)]
pub struct Api {
    /// `extensions/v1beta1`.
    pub api_version: String,
    /// `Ingress`.
    pub kind: String,
    /// Deprecated (a successor served) from this release.
    pub deprecated_in: Option<Version>,
    /// Not served from this release on.
    pub removed_in: Version,
    /// The next apiVersion of the kind; `None`: nothing replaces it.
    pub replacement: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    api: Vec<RawApi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApi {
    api_version: String,
    kind: String,
    #[serde(default)]
    deprecated_in: Option<String>,
    removed_in: String,
    #[serde(default)]
    replacement: Option<String>,
}

/// The table's source.
pub const SOURCE: &str = include_str!("k8s-apis.toml");

/// Parse the table; rows with unreadable versions are errors.
pub fn parse(text: &str) -> Result<Vec<Api>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
    raw.api
        .into_iter()
        .map(|r| {
            let removed_in = Version::parse(&r.removed_in)
                .ok_or_else(|| format!("{} {}: bad removed_in", r.api_version, r.kind))?;
            let deprecated_in =
                match r.deprecated_in {
                    Some(d) => Some(Version::parse(&d).ok_or_else(|| {
                        format!("{} {}: bad deprecated_in", r.api_version, r.kind)
                    })?),
                    None => None,
                };
            Ok(Api {
                api_version: r.api_version,
                kind: r.kind,
                deprecated_in,
                removed_in,
                replacement: r.replacement,
            })
        })
        .collect()
}

/// The built-in table (empty if it does not parse, which a unit test rules out).
pub fn table() -> &'static [Api] {
    static TABLE: OnceLock<Vec<Api>> = OnceLock::new();
    TABLE.get_or_init(|| parse(SOURCE).unwrap_or_default())
}

/// The row of an (apiVersion, kind).
pub fn find<'t>(table: &'t [Api], api_version: &str, kind: &str) -> Option<&'t Api> {
    table
        .iter()
        .find(|a| a.api_version == api_version && a.kind == kind)
}

/// What to move to at `target`: the row's replacement, followed while that one is itself
/// removed at or below the target. `None`: nothing replaces it.
pub fn replacement_at(table: &[Api], api: &Api, target: Option<&Version>) -> Option<String> {
    let mut current = api.replacement.clone()?;
    for _ in 0..table.len() {
        let Some(t) = target else { break };
        match find(table, &current, &api.kind) {
            Some(next) if next.removed_in <= *t => current = next.replacement.clone()?,
            _ => break,
        }
    }
    Some(current)
}

/// A Kubernetes object found in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Its apiVersion.
    pub api_version: String,
    /// Its kind.
    pub kind: String,
    /// `metadata.name`, when literal.
    pub name: Option<String>,
    /// Line of `apiVersion`.
    pub line: u32,
}

/// The objects of a flattened manifest: each document's top-level `apiVersion` + `kind`, and
/// the `items` of a `kind: List`. A templated (non-literal) apiVersion or kind is skipped;
/// several `apiVersion` keys in one object (Helm `if`/`else` branches) give one object each.
pub fn objects(keys: &[Flat]) -> Vec<Object> {
    // Prefix of the object a key belongs to: "" (top level) or "items[N]."
    fn split(key: &str) -> Option<(&str, &str)> {
        if let Some(rest) = key.strip_prefix("items[") {
            let close = rest.find("].")?;
            let digits = rest.get(..close)?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let at = "items[".len() + close + 2;
            return Some((key.get(..at)?, key.get(at..)?));
        }
        Some(("", key))
    }
    let mut fields: HashMap<(u32, &str, &str), &str> = HashMap::new();
    for k in keys {
        if let (Some((prefix, field)), Some(value)) = (split(&k.key), k.value.as_deref()) {
            if field == "kind" || field == "metadata.name" {
                fields.entry((k.doc, prefix, field)).or_insert(value);
            }
        }
    }
    let mut out = Vec::new();
    for f in keys {
        let Some((prefix, field)) = split(&f.key) else {
            continue;
        };
        if field != "apiVersion" {
            continue;
        }
        let Some(api_version) = f.value.as_deref() else {
            continue;
        };
        let Some(kind) = fields.get(&(f.doc, prefix, "kind")) else {
            continue;
        };
        out.push(Object {
            api_version: api_version.trim().to_string(),
            kind: kind.trim().to_string(),
            name: fields
                .get(&(f.doc, prefix, "metadata.name"))
                .map(|n| n.to_string()),
            line: f.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<Version> {
        Version::parse(s)
    }

    #[test]
    fn the_table_parses_and_is_consistent() {
        let t = parse(SOURCE);
        assert!(t.is_ok(), "{t:?}");
        let t = t.unwrap_or_default();
        assert!(t.len() >= 40);
        assert_eq!(table().len(), t.len());
        for (i, a) in t.iter().enumerate() {
            if let Some(d) = &a.deprecated_in {
                assert!(*d < a.removed_in, "{} {}", a.api_version, a.kind);
            }
            assert!(
                !t.iter()
                    .skip(i + 1)
                    .any(|b| b.api_version == a.api_version && b.kind == a.kind),
                "duplicate {} {}",
                a.api_version,
                a.kind
            );
        }
        assert!(find(&t, "policy/v1beta1", "PodSecurityPolicy")
            .is_some_and(|a| a.replacement.is_none()));
        assert!(find(&t, "batch/v1beta1", "CronJob").is_some_and(
            |a| a.removed_in == Version::parse("1.25").unwrap_or(a.removed_in.clone())
        ));
    }

    #[test]
    fn replacement_chains() {
        let t = table();
        let fs = find(t, "flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema");
        assert!(fs.is_some(), "row missing");
        let Some(fs) = fs else { return };
        let at = |s: &str| replacement_at(t, fs, v(s).as_ref());
        assert_eq!(
            at("1.26").as_deref(),
            Some("flowcontrol.apiserver.k8s.io/v1beta2")
        );
        assert_eq!(
            at("1.29").as_deref(),
            Some("flowcontrol.apiserver.k8s.io/v1beta3")
        );
        assert_eq!(
            at("1.33").as_deref(),
            Some("flowcontrol.apiserver.k8s.io/v1")
        );
        let psp = find(t, "extensions/v1beta1", "PodSecurityPolicy");
        assert!(psp.is_some_and(|p| replacement_at(t, p, v("1.20").as_ref()).is_some()));
        assert!(psp.is_some_and(|p| replacement_at(t, p, v("1.25").as_ref()).is_none()));
    }

    #[test]
    fn objects_of_a_list() {
        let f = super::super::flatten::yaml(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1beta1\n  kind: CronJob\n  metadata:\n    name: a\n",
        );
        let o = objects(&f.keys);
        assert_eq!(
            o,
            vec![
                Object {
                    api_version: "v1".into(),
                    kind: "List".into(),
                    name: None,
                    line: 1
                },
                Object {
                    api_version: "batch/v1beta1".into(),
                    kind: "CronJob".into(),
                    name: Some("a".into()),
                    line: 4
                },
            ]
        );
    }
}
