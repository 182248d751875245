//! Configuration keys against the deprecation matrix and Kubernetes API versions against the
//! target release.
//!
//! ## What it does
//! Every configuration file of the package (by name: `.properties`, `.yml`/`.yaml`, `.json`,
//! `.toml`, `.ini`/`.conf`/`.cfg`/`.cnf`, `.env`/`*.env`/`.env.*`, `.xml`) outside
//! documentation folders is flattened into dotted keys with their lines ([`flatten`]), and
//! every key is compared with every row of the profile's `[[deprecations]]` ([`glob`] says how:
//! as found, with list indexes either way, relaxed like Spring's binding, and environment
//! style). A key matching a row gives one finding per (file, key, row), at the key's line:
//!
//! - removed at or below the component's target version: `config.removed-key`, high;
//! - else deprecated at or below the target: `config.deprecated-key`, medium;
//! - the profile has no target for the component: low, the title says to set
//!   `target_versions.<component>` (removed-key when the row has a removal release);
//! - both releases above the target: nothing (the key is fine for this upgrade).
//!
//! A key inside a section that already matched the same row is not reported again (the YAML
//! section `cache.redis.pool` matched by `cache.redis.*` hides `cache.redis.pool.size`).
//!
//! YAML and JSON documents with a top-level `apiVersion` and `kind` (Helm templates too, and
//! the items of a `kind: List`) are compared with the built-in table of Kubernetes API
//! removals ([`k8s`]) and `target_versions.kubernetes`, with the same severities
//! (`config.k8s-removed-api`, `config.k8s-deprecated-api`): one finding per (file, apiVersion,
//! kind), at the first object, naming the objects. Helm `.Capabilities.APIVersions.Has`
//! branches are not evaluated: each literal apiVersion of a template counts.
//!
//! At most 500 findings per file; past that, one `config.deprecations-capped` finding says how
//! many were left out. Files over 8 MiB are not read.
//!
//! ## Why is this bad?
//! A removed key is ignored or rejected by the new version; a removed API version is refused
//! by the new cluster.

pub mod flatten;
pub mod glob;
pub mod k8s;

use super::{Detector, EntryInfo, NewFinding, TextEntry};
use crate::profile::{Deprecation, Profile};
use crate::report::{ConfigInfo, Severity};
use crate::rules::config::{
    DEPRECATED_KEY, FINDINGS_CAPPED, K8S_DEPRECATED_API, K8S_REMOVED_API, REMOVED_KEY, RULES,
};
use crate::rules::Rule;
use crate::version::Version;
use flatten::{Flat, Format};
use glob::Glob;
use regex::RegexSet;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most findings reported for one file.
pub const MAX_FINDINGS_PER_FILE: usize = 500;
/// Largest file flattened, in bytes.
pub const MAX_TEXT: usize = 8 << 20;

/// A matrix row and its compiled glob.
struct Row {
    dep: Deprecation,
    glob: Glob,
}

/// The config detector.
pub struct Configs {
    rows: Vec<Row>,
    exact: Option<RegexSet>,
    relaxed: Option<RegexSet>,
    targets: BTreeMap<String, Version>,
}

impl Configs {
    /// A detector for one scan.
    pub fn new(profile: &Profile) -> Self {
        let rows: Vec<Row> = profile
            .deprecations
            .iter()
            .filter_map(|d| {
                Some(Row {
                    dep: d.clone(),
                    glob: Glob::new(&d.key)?,
                })
            })
            .collect();
        let set = |f: &dyn Fn(&Row) -> &str| {
            regex::RegexSetBuilder::new(rows.iter().map(f))
                .size_limit(64 << 20)
                .build()
                .ok()
        };
        let exact = set(&|r: &Row| r.glob.exact.as_str());
        let relaxed = set(&|r: &Row| r.glob.relaxed.as_str());
        Configs {
            rows,
            exact,
            relaxed,
            targets: profile.target_versions.clone(),
        }
    }

    /// Rows whose glob matches `form` (relaxed or as written), with the `*` captures.
    fn matching(&self, form: &str, relaxed: bool) -> Vec<(usize, Vec<String>)> {
        fn re(r: &Row, relaxed: bool) -> &regex::Regex {
            if relaxed {
                &r.glob.relaxed
            } else {
                &r.glob.exact
            }
        }
        let set = if relaxed { &self.relaxed } else { &self.exact };
        let candidates: Vec<usize> = match set {
            Some(s) => s.matches(form).into_iter().collect(),
            None => (0..self.rows.len()).collect(),
        };
        candidates
            .into_iter()
            .filter_map(|i| {
                let row = self.rows.get(i)?;
                Some((i, glob::captures(re(row, relaxed), form)?))
            })
            .collect()
    }

    /// Matrix findings of one file.
    fn match_keys(&self, path: &str, format: Format, keys: &[Flat], found: &mut Vec<NewFinding>) {
        struct Hit {
            row: usize,
            flat: usize,
            /// The key as the finding names it (an env var name from a container `env`).
            key: String,
            captures: Vec<String>,
            env: bool,
        }
        let mut hits: Vec<Hit> = Vec::new();
        let mut seen: HashSet<(usize, String)> = HashSet::new();
        for (fi, f) in keys.iter().enumerate() {
            // (form, relaxed glob, env style, key named)
            let mut forms: Vec<(String, bool, bool, Option<String>)> = Vec::with_capacity(4);
            forms.push((f.key.clone(), false, false, None));
            if let Some(u) = glob::unbracket(&f.key) {
                forms.push((u, false, false, None));
            }
            forms.push((glob::relax(&f.key), true, false, None));
            if glob::is_env_style(&f.key) {
                forms.push((glob::env_to_dotted(&f.key), true, true, None));
            } else if let Some((parent, last)) = f.key.rsplit_once('.') {
                if glob::is_env_style(last) {
                    forms.push((glob::env_to_dotted(last), true, true, None));
                }
                // A container's `env: [{name: CACHE_REDIS_HOST, value: ..}]`.
                let env_list = parent
                    .rsplit_once('[')
                    .is_some_and(|(list, _)| list == "env" || list.ends_with(".env"));
                if let (true, "name", Some(v)) = (env_list, last, f.value.as_deref()) {
                    if glob::is_env_style(v) {
                        forms.push((glob::env_to_dotted(v), true, true, Some(v.to_string())));
                    }
                }
            }
            for (form, relaxed, env, named) in forms {
                for (row, captures) in self.matching(&form, relaxed) {
                    let key = named.clone().unwrap_or_else(|| f.key.clone());
                    if !seen.insert((row, key.clone())) {
                        continue;
                    }
                    hits.push(Hit {
                        row,
                        flat: fi,
                        key,
                        captures,
                        env,
                    });
                }
            }
        }
        // A key under a section that matched the same row is covered by that finding.
        let matched: HashSet<(usize, &str)> =
            hits.iter().map(|h| (h.row, h.key.as_str())).collect();
        let covered = |h: &Hit| {
            h.key
                .char_indices()
                .filter(|(_, c)| *c == '.' || *c == '[')
                .any(|(p, _)| {
                    h.key
                        .get(..p)
                        .is_some_and(|prefix| matched.contains(&(h.row, prefix)))
                })
        };
        for h in hits.iter().filter(|h| !covered(h)) {
            let (Some(row), Some(f)) = (self.rows.get(h.row), keys.get(h.flat)) else {
                continue;
            };
            let d = &row.dep;
            let target = self.targets.get(&d.component);
            let Some((status, severity)) =
                assess(d.deprecated_in.as_ref(), d.removed_in.as_ref(), target)
            else {
                continue;
            };
            let replacement = d.replacement.as_ref().map(|r| {
                let r = if row.glob.stars == r.matches('*').count() {
                    glob::substitute(r, &h.captures)
                } else {
                    r.clone()
                };
                if h.env && !r.contains('*') {
                    glob::dotted_to_env(&r)
                } else {
                    r
                }
            });
            let rule: &'static Rule = if status == "removed" {
                &REMOVED_KEY
            } else {
                &DEPRECATED_KEY
            };
            let title = format!(
                "{}: {}{}",
                h.key,
                state_text(
                    (&d.component, &d.component),
                    status,
                    d.deprecated_in.as_ref(),
                    d.removed_in.as_ref(),
                    target
                ),
                replacement_text(replacement.as_deref(), status)
            );
            let evidence = if h.key == f.key {
                f.key.clone()
            } else {
                format!("{}: {}", f.key, h.key)
            };
            let mut finding = NewFinding::new(rule, path, title)
                .line(f.line)
                .severity(severity)
                .evidence(evidence)
                .key(format!("{} {} ~ {}", h.key, d.component, d.key));
            finding.config = Some(ConfigInfo {
                key: h.key.clone(),
                format: format.name().to_string(),
                component: d.component.clone(),
                matched: d.key.clone(),
                deprecated_in: d.deprecated_in.as_ref().map(|v| v.text.clone()),
                removed_in: d.removed_in.as_ref().map(|v| v.text.clone()),
                replacement,
                target: target.map(|t| t.text.clone()),
                status: status.to_string(),
                api_version: None,
                kind: None,
            });
            found.push(finding);
        }
    }

    /// Kubernetes API findings of one manifest file.
    fn k8s_apis(&self, path: &str, format: Format, keys: &[Flat], found: &mut Vec<NewFinding>) {
        let table = k8s::table();
        let target = self.targets.get("kubernetes");
        // (apiVersion, kind) -> objects, in file order.
        let mut groups: Vec<((String, String), Vec<k8s::Object>)> = Vec::new();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for o in k8s::objects(keys) {
            let k = (o.api_version.clone(), o.kind.clone());
            match index.get(&k) {
                Some(&i) => {
                    if let Some(g) = groups.get_mut(i) {
                        g.1.push(o);
                    }
                }
                None => {
                    index.insert(k.clone(), groups.len());
                    groups.push((k, vec![o]));
                }
            }
        }
        for ((api_version, kind), objects) in groups {
            let Some(api) = k8s::find(table, &api_version, &kind) else {
                continue;
            };
            let Some((status, severity)) =
                assess(api.deprecated_in.as_ref(), Some(&api.removed_in), target)
            else {
                continue;
            };
            let Some(first) = objects.first() else {
                continue;
            };
            let replacement = k8s::replacement_at(table, api, target);
            let names: Vec<&str> = objects.iter().filter_map(|o| o.name.as_deref()).collect();
            let who = match (objects.len(), names.as_slice()) {
                (1, [name]) => format!("{kind} {name}"),
                (1, _) => kind.clone(),
                (n, []) => format!("{n} {kind} objects"),
                (n, names) => {
                    let shown: Vec<&str> = names.iter().take(3).copied().collect();
                    let more = if names.len() > 3 { ", ..." } else { "" };
                    format!("{n} {kind} objects ({}{more})", shown.join(", "))
                }
            };
            let rule: &'static Rule = if status == "removed" {
                &K8S_REMOVED_API
            } else {
                &K8S_DEPRECATED_API
            };
            let verb = if objects.len() > 1 { "use" } else { "uses" };
            let title = format!(
                "{who} {verb} {api_version}, {}{}",
                state_text(
                    ("Kubernetes", "kubernetes"),
                    status,
                    api.deprecated_in.as_ref(),
                    Some(&api.removed_in),
                    target
                ),
                replacement_text(replacement.as_deref(), status)
            );
            let key = format!("{api_version}/{kind}");
            let mut finding = NewFinding::new(rule, path, title)
                .line(first.line)
                .severity(severity)
                .evidence(format!("apiVersion: {api_version}, kind: {kind}"))
                .key(key.clone());
            finding.config = Some(ConfigInfo {
                key: key.clone(),
                format: format.name().to_string(),
                component: "kubernetes".to_string(),
                matched: format!("{}/{}", api.api_version, api.kind),
                deprecated_in: api.deprecated_in.as_ref().map(|v| v.text.clone()),
                removed_in: Some(api.removed_in.text.clone()),
                replacement,
                target: target.map(|t| t.text.clone()),
                status: status.to_string(),
                api_version: Some(api_version.clone()),
                kind: Some(kind.clone()),
            });
            found.push(finding);
        }
    }
}

/// The state of a row at the target: (`removed` | `deprecated`, severity); `None` when the
/// target is below both releases.
fn assess(
    deprecated_in: Option<&Version>,
    removed_in: Option<&Version>,
    target: Option<&Version>,
) -> Option<(&'static str, Severity)> {
    match target {
        None => Some((
            if removed_in.is_some() {
                "removed"
            } else {
                "deprecated"
            },
            Severity::Low,
        )),
        Some(t) => {
            if removed_in.is_some_and(|r| r <= t) {
                Some(("removed", Severity::High))
            } else if deprecated_in.is_some_and(|d| d <= t) {
                Some(("deprecated", Severity::Medium))
            } else {
                None
            }
        }
    }
}

/// "removed in acme 5.2.0; the target is 5.2.0" and its variants; `component` is (name shown,
/// key in `target_versions`).
fn state_text(
    (component, key): (&str, &str),
    status: &str,
    deprecated_in: Option<&Version>,
    removed_in: Option<&Version>,
    target: Option<&Version>,
) -> String {
    let target_text = match target {
        Some(t) => format!("the target is {t}"),
        None => format!("the target is unknown (set target_versions.{key})"),
    };
    match (status, deprecated_in, removed_in) {
        ("removed", _, Some(r)) => format!("removed in {component} {r}; {target_text}"),
        (_, Some(d), Some(r)) => {
            format!("deprecated in {component} {d} and removed in {r}; {target_text}")
        }
        (_, Some(d), None) => format!("deprecated in {component} {d}; {target_text}"),
        (_, None, Some(r)) => format!("removed in {component} {r}; {target_text}"),
        (_, None, None) => format!("deprecated in {component}; {target_text}"),
    }
}

fn replacement_text(replacement: Option<&str>, status: &str) -> String {
    match replacement {
        Some(r) => format!("; use {r} instead"),
        None if status == "removed" => "; nothing replaces it".to_string(),
        None => "; no replacement given".to_string(),
    }
}

/// Documentation: keys there are examples for people, not configuration that runs.
fn is_doc(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let inner = lower.rsplit("!/").next().unwrap_or(&lower);
    let file = inner.rsplit('/').next().unwrap_or(inner);
    let doc_name = ["readme", "changelog", "changes", "license"]
        .iter()
        .any(|n| file.starts_with(n));
    let doc_dir = inner.split('/').rev().skip(1).any(|d| {
        matches!(
            d,
            "doc" | "docs" | "documentation" | "javadoc" | "apidocs" | "man"
        )
    });
    doc_name || doc_dir
}

impl Detector for Configs {
    fn name(&self) -> &'static str {
        "config"
    }

    fn scope(&self) -> crate::detect::Scope {
        crate::detect::Scope::Entry
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        out: &mut Vec<NewFinding>,
    ) {
        let file = entry.name.rsplit('/').next().unwrap_or(entry.name);
        let Some(format) = Format::of_name(file) else {
            return;
        };
        if is_doc(entry.path) || text.text.len() > MAX_TEXT {
            return;
        }
        let manifest =
            matches!(format, Format::Yaml | Format::Json) && text.text.contains("apiVersion");
        if self.rows.is_empty() && !manifest {
            return;
        }
        let flat = format.flatten(text.text);
        let mut found = Vec::new();
        if !self.rows.is_empty() {
            self.match_keys(entry.path, format, &flat.keys, &mut found);
        }
        if manifest {
            self.k8s_apis(entry.path, format, &flat.keys, &mut found);
        }
        found.sort_by_key(|f| f.line);
        let extra = found.len().saturating_sub(MAX_FINDINGS_PER_FILE);
        found.truncate(MAX_FINDINGS_PER_FILE);
        out.extend(found);
        if extra > 0 || flat.truncated {
            let mut parts = Vec::new();
            if extra > 0 {
                parts.push(format!(
                    "{extra} more deprecated keys or API versions are not reported (at most {MAX_FINDINGS_PER_FILE} per file)"
                ));
            }
            if flat.truncated {
                parts.push(format!(
                    "only the first {} keys were compared with the matrix",
                    flatten::MAX_KEYS
                ));
            }
            out.push(
                NewFinding::new(&FINDINGS_CAPPED, entry.path, parts.join("; "))
                    .key("capped".to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<Version> {
        Version::parse(s)
    }

    #[test]
    fn assessment() {
        let (d, r) = (v("5.0"), v("5.2.0"));
        let at = |t: &str| assess(d.as_ref(), r.as_ref(), v(t).as_ref());
        assert_eq!(at("5.2.0"), Some(("removed", Severity::High)));
        assert_eq!(at("5.3"), Some(("removed", Severity::High)));
        assert_eq!(at("5.1.9"), Some(("deprecated", Severity::Medium)));
        assert_eq!(at("5.0.0"), Some(("deprecated", Severity::Medium)));
        assert_eq!(at("4.9"), None);
        assert_eq!(
            assess(d.as_ref(), r.as_ref(), None),
            Some(("removed", Severity::Low))
        );
        assert_eq!(
            assess(d.as_ref(), None, None),
            Some(("deprecated", Severity::Low))
        );
        assert_eq!(assess(None, r.as_ref(), v("5.1").as_ref()), None);
    }

    #[test]
    fn texts() {
        let t = v("5.2.0");
        assert_eq!(
            state_text(
                ("acme", "acme"),
                "removed",
                v("5.0").as_ref(),
                v("5.2.0").as_ref(),
                t.as_ref()
            ),
            "removed in acme 5.2.0; the target is 5.2.0"
        );
        assert_eq!(
            state_text(
                ("acme", "acme"),
                "deprecated",
                v("5.0").as_ref(),
                None,
                None
            ),
            "deprecated in acme 5.0; the target is unknown (set target_versions.acme)"
        );
    }

    #[test]
    fn documentation_paths() {
        assert!(is_doc("pkg/docs/application.yml"));
        assert!(is_doc("pkg.zip!/doc/x.properties"));
        assert!(is_doc("README.yaml"));
        assert!(!is_doc("opt/acme/conf/application.yml"));
        assert!(!is_doc("opt/docs-tool/conf/app.yml"));
    }
}
