//! The reviewer's profile (TOML) and the scan limits it carries.
//!
//! A profile that cannot be read is an error at its line, never a silent default.

use crate::version::Version;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// Explicit bounds on what a scan may cost. Reaching one is an `archive` finding
/// (see [`crate::rules`]), and the walk goes on with the rest of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// File entries visited at most, nested ones included.
    pub max_entries: u64,
    /// Uncompressed bytes read at most, over the whole scan.
    pub max_total_bytes: u64,
    /// Bytes of one entry given to the text detectors; the rest is not scanned.
    pub max_entry_bytes: u64,
    /// Largest uncompressed-to-compressed ratio allowed for one entry (only checked once the
    /// entry has produced more than [`Limits::RATIO_GRACE_BYTES`]).
    pub max_ratio: u64,
    /// How deep nested archives are opened (the package itself is depth 0).
    pub max_depth: u32,
    /// Largest nested ZIP held in memory to open it.
    pub max_nested_bytes: u64,
}

impl Limits {
    /// Bytes an entry may inflate to before the ratio limit applies: small files with
    /// extreme ratios (a run of spaces) are harmless.
    pub const RATIO_GRACE_BYTES: u64 = 1 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 250_000,
            max_total_bytes: 16 << 30,
            max_entry_bytes: 32 << 20,
            max_ratio: 1_000,
            max_depth: 5,
            max_nested_bytes: 256 << 20,
        }
    }
}

/// The maintenance window: the upgrade happens between `start` and `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start (inclusive).
    pub start: DateTime<FixedOffset>,
    /// End (exclusive).
    pub end: DateTime<FixedOffset>,
}

/// What the reviewer tells the scanner about their environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The servers' time zone, for schedules that name none (IANA name; default UTC).
    pub timezone: Tz,
    /// When the upgrade happens.
    pub maintenance_window: Option<Window>,
    /// Hosts that no longer exist: exact names or `*.suffix`.
    pub retired_hosts: Vec<String>,
    /// Finding ids to leave out of the report.
    pub ignore: Vec<String>,
    /// Scan limits.
    pub limits: Limits,
    /// The reviewer's own credential rules (`[[rules]]`, gitleaks format).
    pub rules: Vec<UserRule>,
    /// What the upgrade moves to: component -> version (`kubernetes = "1.30.0"`).
    pub target_versions: BTreeMap<String, Version>,
    /// What runs today: component -> version (`acme-suite = "2.1.4"`).
    pub installed: BTreeMap<String, Version>,
    /// The config-key matrix (`[[deprecations]]`).
    pub deprecations: Vec<Deprecation>,
    /// Supported upgrade hops (`[[upgrade_paths]]`).
    pub upgrade_paths: Vec<UpgradePath>,
}

/// One row of the config-key deprecation matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The component whose configuration this is (matched against `target_versions`).
    pub component: String,
    /// A glob over flattened keys: `cache.redis.*`, `spring.datasource.*.url`; `*` is one or
    /// more key segments' worth of characters, `?` one character.
    pub key: String,
    /// Deprecated from this version on.
    pub deprecated_in: Option<Version>,
    /// Removed from this version on.
    pub removed_in: Option<Version>,
    /// What to use instead (a key or a glob with the same `*`s).
    pub replacement: Option<String>,
}

/// A supported upgrade hop: from any version matching `from` (a prefix: `2.2` is any 2.2.x)
/// to one matching `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradePath {
    /// The component.
    pub component: String,
    /// The version (prefix) the hop starts from.
    pub from: Version,
    /// The version (prefix) it reaches.
    pub to: Version,
}

/// A credential rule of the profile, in gitleaks' format (`[[rules]]`). Its regexes were
/// compiled once when the profile was read, so the detector can rely on them.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRule {
    /// Short id, shown as the finding's credential kind.
    pub id: String,
    /// What it finds.
    pub description: String,
    /// The pattern (Rust `regex` syntax, which is close to Go's RE2).
    pub regex: String,
    /// The capture group that holds the secret (0: the whole match; default 1 when the regex
    /// has groups).
    pub secret_group: Option<usize>,
    /// Words one of which must occur in the text (case-insensitive) for the rule to be tried.
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per character) of the secret.
    pub entropy: Option<f64>,
    /// Only files whose path matches this regex.
    pub path: Option<String>,
    /// Exceptions.
    pub allowlists: Vec<UserAllowlist>,
}

// `entropy` is checked to be finite when the profile is read, so equality is total.
impl Eq for UserRule {}

/// Exceptions to a [`UserRule`]: a match is dropped when its secret matches one of `regexes`,
/// contains one of `stopwords`, or its file path matches one of `paths`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserAllowlist {
    /// Regexes over the secret.
    pub regexes: Vec<String>,
    /// Regexes over the file path.
    pub paths: Vec<String>,
    /// Words that, contained in the secret (case-insensitive), drop it.
    pub stopwords: Vec<String>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            timezone: Tz::UTC,
            maintenance_window: None,
            retired_hosts: Vec::new(),
            ignore: Vec::new(),
            limits: Limits::default(),
            rules: Vec::new(),
            target_versions: BTreeMap::new(),
            installed: BTreeMap::new(),
            deprecations: Vec::new(),
            upgrade_paths: Vec::new(),
        }
    }
}

/// The TOML shape, with spans for the values checked after parsing.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawProfile {
    timezone: Option<Spanned<String>>,
    maintenance_window: Option<RawWindow>,
    retired_hosts: Vec<String>,
    ignore: Vec<String>,
    limits: Limits,
    rules: Vec<RawRule>,
    target_versions: BTreeMap<String, Spanned<String>>,
    installed: BTreeMap<String, Spanned<String>>,
    deprecations: Vec<RawDeprecation>,
    upgrade_paths: Vec<RawUpgradePath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeprecation {
    component: Spanned<String>,
    key: Spanned<String>,
    #[serde(default)]
    deprecated_in: Option<Spanned<String>>,
    #[serde(default)]
    removed_in: Option<Spanned<String>>,
    #[serde(default)]
    replacement: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpgradePath {
    component: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    description: String,
    regex: Spanned<String>,
    #[serde(default, rename = "secretGroup", alias = "secret_group")]
    secret_group: Option<usize>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    entropy: Option<Spanned<f64>>,
    #[serde(default)]
    path: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
    /// gitleaks' older single-allowlist form.
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawAllowlist {
    description: String,
    regexes: Vec<Spanned<String>>,
    paths: Vec<Spanned<String>>,
    stopwords: Vec<String>,
}

/// Largest compiled size of one profile regex (a guard against patterns that explode).
pub const USER_REGEX_SIZE_LIMIT: usize = 2 << 20;

/// Compile a profile regex with the scanner's limits.
pub fn compile_user_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(USER_REGEX_SIZE_LIMIT)
        .build()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    start: Spanned<String>,
    end: Spanned<String>,
}

/// A profile that could not be read, with the place of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "profile line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "profile line {l}: {}", self.message),
            _ => write!(f, "profile: {}", self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Parse a TOML profile. An empty text is the default profile.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let raw = toml::from_str::<RawProfile>(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ProfileError {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let at = |span: std::ops::Range<usize>, message: String| {
            let (l, c) = line_col(text, span.start);
            ProfileError {
                line: Some(l),
                column: Some(c),
                message,
            }
        };
        let timezone = match raw.timezone {
            None => Tz::UTC,
            Some(tz) => tz.get_ref().parse::<Tz>().map_err(|_| {
                at(
                    tz.span(),
                    format!(
                        "unknown time zone '{}' (use an IANA name such as Europe/Berlin or UTC)",
                        tz.get_ref()
                    ),
                )
            })?,
        };
        let maintenance_window = match raw.maintenance_window {
            None => None,
            Some(w) => {
                let instant = |v: &Spanned<String>| {
                    DateTime::parse_from_rfc3339(v.get_ref()).map_err(|e| {
                        at(
                            v.span(),
                            format!(
                                "'{}' is not an RFC 3339 instant with offset ({e}), e.g. 2026-11-28T02:00:00+01:00",
                                v.get_ref()
                            ),
                        )
                    })
                };
                let start = instant(&w.start)?;
                let end = instant(&w.end)?;
                if end <= start {
                    return Err(at(
                        w.end.span(),
                        "the maintenance window ends before it starts".into(),
                    ));
                }
                Some(Window { start, end })
            }
        };
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in raw.rules {
            let _ = &r.tags;
            if r.id.get_ref().trim().is_empty() {
                return Err(at(r.id.span(), "a rule needs a non-empty id".into()));
            }
            let check = |v: &Spanned<String>, what: &str| {
                compile_user_regex(v.get_ref()).map_err(|e| {
                    let msg = e.to_string();
                    let first = msg.lines().last().unwrap_or("").trim().to_string();
                    at(
                        v.span(),
                        format!(
                            "rule '{}': {what} is not a valid regex: {first}",
                            r.id.get_ref()
                        ),
                    )
                })
            };
            let re = check(&r.regex, "regex")?;
            if let Some(g) = r.secret_group {
                if g >= re.captures_len() {
                    return Err(at(
                        r.regex.span(),
                        format!(
                            "rule '{}': secretGroup {g} but the regex has {} group(s)",
                            r.id.get_ref(),
                            re.captures_len().saturating_sub(1)
                        ),
                    ));
                }
            }
            if let Some(p) = &r.path {
                check(p, "path")?;
            }
            let entropy = match r.entropy {
                None => None,
                Some(e) => {
                    let v = *e.get_ref();
                    if !v.is_finite() || v < 0.0 {
                        return Err(at(
                            e.span(),
                            format!("rule '{}': entropy must be a number >= 0", r.id.get_ref()),
                        ));
                    }
                    Some(v)
                }
            };
            let mut allowlists = Vec::new();
            for a in r.allowlists.into_iter().chain(r.allowlist) {
                let _ = &a.description;
                for v in &a.regexes {
                    check(v, "allowlist regex")?;
                }
                for v in &a.paths {
                    check(v, "allowlist path")?;
                }
                allowlists.push(UserAllowlist {
                    regexes: a.regexes.into_iter().map(Spanned::into_inner).collect(),
                    paths: a.paths.into_iter().map(Spanned::into_inner).collect(),
                    stopwords: a.stopwords,
                });
            }
            rules.push(UserRule {
                id: r.id.into_inner(),
                description: r.description,
                regex: r.regex.into_inner(),
                secret_group: r.secret_group,
                keywords: r.keywords,
                entropy,
                path: r.path.map(Spanned::into_inner),
                allowlists,
            });
        }
        let version = |v: &Spanned<String>, what: &str| {
            Version::parse(v.get_ref()).ok_or_else(|| {
                at(
                    v.span(),
                    format!(
                        "{what}: '{}' is not a version (numbers separated by dots, e.g. 2.2 or 3.0.1)",
                        v.get_ref()
                    ),
                )
            })
        };
        let versions = |map: BTreeMap<String, Spanned<String>>, table: &str| {
            map.into_iter()
                .map(|(k, v)| Ok((k.clone(), version(&v, &format!("[{table}] {k}"))?)))
                .collect::<Result<BTreeMap<String, Version>, ProfileError>>()
        };
        let target_versions = versions(raw.target_versions, "target_versions")?;
        let installed = versions(raw.installed, "installed")?;
        let mut deprecations = Vec::with_capacity(raw.deprecations.len());
        for d in raw.deprecations {
            if d.key.get_ref().trim().is_empty() {
                return Err(at(
                    d.key.span(),
                    "a deprecation needs a non-empty key".into(),
                ));
            }
            if d.deprecated_in.is_none() && d.removed_in.is_none() {
                return Err(at(
                    d.key.span(),
                    format!(
                        "deprecation of '{}': give deprecated_in, removed_in or both",
                        d.key.get_ref()
                    ),
                ));
            }
            let deprecated_in = match &d.deprecated_in {
                Some(v) => Some(version(v, "deprecated_in")?),
                None => None,
            };
            let removed_in = match &d.removed_in {
                Some(v) => Some(version(v, "removed_in")?),
                None => None,
            };
            deprecations.push(Deprecation {
                component: d.component.into_inner(),
                key: d.key.into_inner(),
                deprecated_in,
                removed_in,
                replacement: d.replacement,
            });
        }
        let mut upgrade_paths = Vec::with_capacity(raw.upgrade_paths.len());
        for p in raw.upgrade_paths {
            let from = version(&p.from, "upgrade path from")?;
            let to = version(&p.to, "upgrade path to")?;
            if to <= from {
                return Err(at(
                    p.to.span(),
                    format!(
                        "upgrade path of '{}' goes from {from} back to {to}",
                        p.component.get_ref()
                    ),
                ));
            }
            upgrade_paths.push(UpgradePath {
                component: p.component.into_inner(),
                from,
                to,
            });
        }
        Ok(Profile {
            timezone,
            maintenance_window,
            retired_hosts: raw.retired_hosts,
            ignore: raw.ignore,
            limits: raw.limits,
            rules,
            target_versions,
            installed,
            deprecations,
            upgrade_paths,
        })
    }

    /// The profile as TOML (what the page keeps and offers for download).
    pub fn to_toml(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "timezone = {}", toml_string(self.timezone.name()));
        // TOML strings, not Rust's `{:?}`: that writes `\u{88}`, which TOML rejects.
        let list = |v: &[String]| {
            v.iter()
                .map(|h| toml_string(h))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(s, "retired_hosts = [{}]", list(&self.retired_hosts));
        let _ = writeln!(s, "ignore = [{}]", list(&self.ignore));
        if let Some(w) = &self.maintenance_window {
            let _ = writeln!(
                s,
                "\n[maintenance_window]\nstart = \"{}\"\nend = \"{}\"",
                w.start.to_rfc3339(),
                w.end.to_rfc3339()
            );
        }
        for (table, map) in [
            ("target_versions", &self.target_versions),
            ("installed", &self.installed),
        ] {
            if !map.is_empty() {
                let _ = writeln!(s, "\n[{table}]");
                for (k, v) in map {
                    let _ = writeln!(s, "{} = {}", toml_key(k), toml_string(&v.text));
                }
            }
        }
        for d in &self.deprecations {
            let _ = writeln!(
                s,
                "\n[[deprecations]]\ncomponent = {}\nkey = {}",
                toml_string(&d.component),
                toml_string(&d.key)
            );
            if let Some(v) = &d.deprecated_in {
                let _ = writeln!(s, "deprecated_in = {}", toml_string(&v.text));
            }
            if let Some(v) = &d.removed_in {
                let _ = writeln!(s, "removed_in = {}", toml_string(&v.text));
            }
            if let Some(r) = &d.replacement {
                let _ = writeln!(s, "replacement = {}", toml_string(r));
            }
        }
        for p in &self.upgrade_paths {
            let _ = writeln!(
                s,
                "\n[[upgrade_paths]]\ncomponent = {}\nfrom = {}\nto = {}",
                toml_string(&p.component),
                toml_string(&p.from.text),
                toml_string(&p.to.text)
            );
        }
        let l = &self.limits;
        let _ = writeln!(
            s,
            "\n[limits]\nmax_entries = {}\nmax_total_bytes = {}\nmax_entry_bytes = {}\nmax_ratio = {}\nmax_depth = {}\nmax_nested_bytes = {}",
            l.max_entries, l.max_total_bytes, l.max_entry_bytes, l.max_ratio, l.max_depth, l.max_nested_bytes
        );
        let strings = |v: &[String]| {
            v.iter()
                .map(|x| toml_string(x))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for r in &self.rules {
            let _ = writeln!(
                s,
                "\n[[rules]]\nid = {}\ndescription = {}\nregex = {}",
                toml_string(&r.id),
                toml_string(&r.description),
                toml_string(&r.regex)
            );
            if let Some(g) = r.secret_group {
                let _ = writeln!(s, "secretGroup = {g}");
            }
            let _ = writeln!(s, "keywords = [{}]", strings(&r.keywords));
            if let Some(e) = r.entropy {
                // `{:?}` keeps a decimal point, so the value reads back as a float.
                let _ = writeln!(s, "entropy = {e:?}");
            }
            if let Some(p) = &r.path {
                let _ = writeln!(s, "path = {}", toml_string(p));
            }
            for a in &r.allowlists {
                let _ = writeln!(
                    s,
                    "[[rules.allowlists]]\nregexes = [{}]\npaths = [{}]\nstopwords = [{}]",
                    strings(&a.regexes),
                    strings(&a.paths),
                    strings(&a.stopwords)
                );
            }
        }
        s
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        k.to_string()
    } else {
        toml_string(k)
    }
}

/// A TOML basic string.
fn toml_string(v: &str) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(s, "\\u{:04X}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_profile_is_default() {
        assert_eq!(Profile::from_toml(""), Ok(Profile::default()));
    }

    #[test]
    fn limits_can_be_set() {
        let expected = Profile {
            ignore: vec!["abc".to_string()],
            limits: Limits {
                max_depth: 2,
                ..Limits::default()
            },
            ..Profile::default()
        };
        assert_eq!(
            Profile::from_toml("ignore = [\"abc\"]\n[limits]\nmax_depth = 2\n"),
            Ok(expected)
        );
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let e = Profile::from_toml("ignore = []\n\n[limits]\nmax_dpth = 2\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("max_dpth"), "{e}");
    }

    #[test]
    fn window_timezone_and_hosts() {
        let text = "timezone = \"Europe/Berlin\"\nretired_hosts = [\"sftp-legacy.example.net\"]\n[maintenance_window]\nstart = \"2026-11-28T02:00:00+01:00\"\nend = \"2026-11-28T05:00:00+01:00\"\n";
        let p = Profile::from_toml(text);
        assert!(p.is_ok(), "{p:?}");
        let Ok(p) = p else { return };
        assert_eq!(p.timezone, Tz::Europe__Berlin);
        assert_eq!(p.retired_hosts, ["sftp-legacy.example.net"]);
        let w = p
            .maintenance_window
            .map(|w| (w.start.to_rfc3339(), w.end.to_rfc3339()));
        assert_eq!(
            w,
            Some((
                "2026-11-28T02:00:00+01:00".to_string(),
                "2026-11-28T05:00:00+01:00".to_string()
            ))
        );
        // And back: the TOML the page keeps reads as the same profile.
        assert_eq!(Profile::from_toml(&p.to_toml()), Ok(p));
    }

    #[test]
    fn bad_zone_and_window_name_their_line() {
        let e = Profile::from_toml("timezone = \"Mars/Olympus\"\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.message.contains("Mars/Olympus"), "{e}");
        let e = Profile::from_toml(
            "[maintenance_window]\nstart = \"2026-11-28T05:00:00Z\"\nend = \"2026-11-28T02:00:00Z\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Profile::from_toml("[maintenance_window]\nstart = \"Saturday 2am\"\nend = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn wrong_type_is_an_error_at_its_line() {
        let e = Profile::from_toml("[limits]\nmax_depth = \"five\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn user_rules_read_and_round_trip() {
        let text = r#"ignore = []

[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_([a-z0-9]{24})\b'''
secretGroup = 1
keywords = ["acme_"]
entropy = 3.0
path = '''\.conf$'''
[[rules.allowlists]]
regexes = ['''^0+$''']
paths = ['''test/''']
stopwords = ["sample"]
"#;
        let p = Profile::from_toml(text);
        assert!(p.is_ok(), "{p:?}");
        let Ok(p) = p else { return };
        assert_eq!(p.rules.len(), 1);
        let Some(r) = p.rules.first() else { return };
        assert_eq!(r.id, "acme-token");
        assert_eq!(r.regex, r"acme_([a-z0-9]{24})\b");
        assert_eq!(r.secret_group, Some(1));
        assert_eq!(r.entropy, Some(3.0));
        assert_eq!(
            r.allowlists.first().map(|a| a.stopwords.clone()),
            Some(vec!["sample".to_string()])
        );
        assert_eq!(Profile::from_toml(&p.to_toml()), Ok(p));
    }

    #[test]
    fn bad_user_regex_names_its_line() {
        let e = Profile::from_toml(
            "ignore = []\n[[rules]]\nid = \"x\"\nregex = \"acme_([a-z\"\nkeywords = [\"acme\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("rule 'x'"), "{e}");
        let e = Profile::from_toml(
            "[[rules]]\nid = \"x\"\nregex = \"a\"\n[[rules.allowlists]]\nregexes = [\"(\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        let e = Profile::from_toml("[[rules]]\nid = \"x\"\nregex = \"a(b)\"\nsecretGroup = 3\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Profile::from_toml("[[rules]]\nid = \"x\"\nregx = \"a\"\n").unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }

    const MATRIX: &str = r#"
[target_versions]
kubernetes = "1.30.0"
acme-api = "5.2.0"

[installed]
acme-suite = "2.1.4"

[[deprecations]]
component = "acme-api"
key = "cache.redis.*"
deprecated_in = "5.0.0"
removed_in = "5.2.0"
replacement = "cache.store.redis.*"

[[upgrade_paths]]
component = "acme-suite"
from = "2.2"
to = "3.0"
"#;

    #[test]
    fn versions_matrix_and_paths() {
        let p = Profile::from_toml(MATRIX);
        assert!(p.is_ok(), "{p:?}");
        let Ok(p) = p else { return };
        assert_eq!(
            p.target_versions.get("kubernetes").map(|v| v.parts.clone()),
            Some(vec![1, 30, 0])
        );
        assert_eq!(p.installed.len(), 1);
        assert_eq!(p.deprecations.len(), 1);
        assert_eq!(
            p.deprecations.first().and_then(|d| d.replacement.clone()),
            Some("cache.store.redis.*".to_string())
        );
        assert_eq!(
            p.upgrade_paths
                .first()
                .map(|u| (u.from.text.clone(), u.to.text.clone())),
            Some(("2.2".to_string(), "3.0".to_string()))
        );
        assert_eq!(Profile::from_toml(&p.to_toml()), Ok(p));
    }

    #[test]
    fn bad_versions_and_rows_name_their_line() {
        let e = Profile::from_toml("[installed]\nacme = \"latest\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("latest"), "{e}");
        let e =
            Profile::from_toml("[[deprecations]]\ncomponent = \"a\"\nkey = \"x.*\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Profile::from_toml(
            "[[upgrade_paths]]\ncomponent = \"a\"\nfrom = \"3.0\"\nto = \"2.2\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        let e = Profile::from_toml("[[upgrade_paths]]\ncomponent = \"a\"\nfrom = \"3.0\"\n")
            .unwrap_err();
        assert!(e.message.contains("to"), "{e}");
    }
}
