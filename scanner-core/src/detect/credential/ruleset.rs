//! Rule data: the built-in TOML rule files, the profile's `[[rules]]`, and their compiled form.
//!
//! A rule file is a `family` (which registry rule its findings carry) and a list of
//! `[[rules]]`, each with an `id`, a `description`, the credential `kind`, a `severity`, a
//! `regex` with the secret in `secret_group`, the `keywords` of the prefilter, an optional
//! minimum `entropy` of the secret, optional `paths`/`allow_paths` filters over the entry path,
//! a `generic` flag (apply the placeholder and look-like-a-password checks), a `literal` flag
//! (the secret sits where no code can: skip the code-shape checks), a `multiline` flag (the
//! match may span lines), and `tp`/`fp` samples the tests check.

use crate::profile::{compile_user_regex, UserRule};
use crate::report::Severity;
use crate::rules::{self, Rule};
use regex::Regex;
use serde::Deserialize;

/// The built-in rule files, compiled in.
pub const FILES: &[(&str, &str)] = &[
    ("cloud.toml", include_str!("rules/cloud.toml")),
    ("vcs-ci.toml", include_str!("rules/vcs-ci.toml")),
    ("registries.toml", include_str!("rules/registries.toml")),
    ("payment.toml", include_str!("rules/payment.toml")),
    (
        "chat-webhooks.toml",
        include_str!("rules/chat-webhooks.toml"),
    ),
    ("saas.toml", include_str!("rules/saas.toml")),
    ("databases.toml", include_str!("rules/databases.toml")),
    ("keys.toml", include_str!("rules/keys.toml")),
    ("auth.toml", include_str!("rules/auth.toml")),
    ("generic.toml", include_str!("rules/generic.toml")),
];

/// One rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// `cloud`, `vcs-ci`, ... (see [`family_rule`]).
    pub family: String,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RawRule>,
}

/// One built-in rule as written.
#[derive(Debug, Deserialize)]
#[cfg_attr(not(test), allow(dead_code))]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Stable id, e.g. `aws-access-key-id`.
    pub id: String,
    /// What it finds (the finding's title).
    pub description: String,
    /// `CredentialInfo.kind`.
    pub kind: String,
    /// Default severity.
    #[serde(default = "high")]
    pub severity: String,
    /// The pattern.
    pub regex: String,
    /// Capture group of the secret (default 1 when the regex has a group, else 0).
    #[serde(default)]
    pub secret_group: Option<usize>,
    /// Prefilter words (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret, bits per character.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Only entries whose path matches.
    #[serde(default)]
    pub paths: Option<String>,
    /// Never entries whose path matches.
    #[serde(default)]
    pub allow_paths: Option<String>,
    /// Apply the placeholder and password-likeness checks.
    #[serde(default)]
    pub generic: bool,
    /// The secret sits where a program cannot put an expression (a URL's user-info, a
    /// `user:password` argument, a query parameter), so a dotted or call-shaped value
    /// (`Kq9vLm2X.4rTz`) is a password there, not code: `generic` skips its code-shape checks.
    #[serde(default)]
    pub literal: bool,
    /// The match may span several lines.
    #[serde(default)]
    pub multiline: bool,
    /// A cheaper pattern that every match of `regex` contains a match of (the tests check it on
    /// the samples): a window without it is not searched with `regex`. Only for rules whose
    /// keywords are common words, where most windows hold no secret.
    #[serde(default)]
    pub precheck: Option<String>,
    /// Samples that must match this rule.
    #[serde(default)]
    pub tp: Vec<String>,
    /// Samples that must produce no finding at all.
    #[serde(default)]
    pub fp: Vec<String>,
    /// The entry path the samples are scanned under (default `conf/app.conf`).
    #[serde(default)]
    pub sample_path: Option<String>,
}

fn high() -> String {
    "high".into()
}

/// Exceptions compiled from a profile rule's allowlists.
#[derive(Debug, Default)]
pub struct Allow {
    /// Over the secret.
    pub regexes: Vec<Regex>,
    /// Over the path.
    pub paths: Vec<Regex>,
    /// Lowercase words contained in the secret.
    pub stopwords: Vec<String>,
}

/// A rule ready to run.
#[derive(Debug)]
pub struct Compiled {
    /// Rule id (TOML or profile).
    pub id: String,
    /// Finding title.
    pub description: String,
    /// Credential kind.
    pub kind: String,
    /// Severity before the path adjustment.
    pub severity: Severity,
    /// The registry rule its findings carry.
    pub family: &'static Rule,
    /// The pattern.
    pub regex: Regex,
    /// Group of the secret.
    pub secret_group: usize,
    /// Lowercase prefilter words.
    pub keywords: Vec<String>,
    /// Minimum entropy.
    pub entropy: Option<f64>,
    /// Path filter.
    pub paths: Option<Regex>,
    /// Path exclusion.
    pub allow_paths: Option<Regex>,
    /// Placeholder checks.
    pub generic: bool,
    /// See [`RawRule::literal`].
    pub literal: bool,
    /// May span lines.
    pub multiline: bool,
    /// See [`RawRule::precheck`].
    pub precheck: Option<Regex>,
    /// Profile exceptions.
    pub allow: Vec<Allow>,
}

/// The registry rule of a family name.
pub fn family_rule(family: &str) -> Option<&'static Rule> {
    Some(match family {
        "cloud" => &rules::CREDENTIAL_CLOUD,
        "vcs-ci" => &rules::CREDENTIAL_VCS_CI,
        "package-registry" => &rules::CREDENTIAL_PACKAGE_REGISTRY,
        "payment" => &rules::CREDENTIAL_PAYMENT,
        "messaging" => &rules::CREDENTIAL_MESSAGING,
        "saas" => &rules::CREDENTIAL_SAAS,
        "database" => &rules::CREDENTIAL_DATABASE,
        "private-key" => &rules::CREDENTIAL_PRIVATE_KEY,
        "auth" => &rules::CREDENTIAL_AUTH,
        "generic" => &rules::CREDENTIAL_GENERIC,
        "custom" => &rules::CREDENTIAL_CUSTOM,
        _ => return None,
    })
}

/// Largest compiled size of one built-in regex.
const SIZE_LIMIT: usize = 4 << 20;

/// Why a built-in rule could not be used (only tests see these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// File name.
    pub file: &'static str,
    /// Rule id, when the file parsed.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

/// Compile one built-in rule.
pub fn compile(raw: &RawRule, family: &'static Rule) -> Result<Compiled, String> {
    let build = |p: &str| {
        regex::RegexBuilder::new(p)
            .size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| e.to_string())
    };
    let regex = build(&raw.regex)?;
    let severity = raw.severity.parse::<Severity>()?;
    let secret_group = raw
        .secret_group
        .unwrap_or(if regex.captures_len() > 1 { 1 } else { 0 });
    if secret_group >= regex.captures_len() {
        return Err(format!("secret_group {secret_group} does not exist"));
    }
    Ok(Compiled {
        id: raw.id.clone(),
        description: raw.description.clone(),
        kind: raw.kind.clone(),
        severity,
        family,
        regex,
        secret_group,
        keywords: raw.keywords.iter().map(|k| k.to_lowercase()).collect(),
        entropy: raw.entropy,
        paths: raw.paths.as_deref().map(build).transpose()?,
        allow_paths: raw.allow_paths.as_deref().map(build).transpose()?,
        generic: raw.generic,
        literal: raw.literal,
        multiline: raw.multiline,
        precheck: raw.precheck.as_deref().map(build).transpose()?,
        allow: Vec::new(),
    })
}

/// Parse one built-in file.
pub fn parse_file(text: &str) -> Result<RawFile, String> {
    toml::from_str::<RawFile>(text).map_err(|e| e.to_string())
}

/// Every built-in rule that compiles, in file order, and the problems with the others.
pub fn builtin() -> (Vec<Compiled>, Vec<RuleError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in FILES {
        let parsed = match parse_file(text) {
            Ok(p) => p,
            Err(message) => {
                errors.push(RuleError {
                    file,
                    rule: String::new(),
                    message,
                });
                continue;
            }
        };
        let Some(family) = family_rule(&parsed.family) else {
            errors.push(RuleError {
                file,
                rule: String::new(),
                message: format!("unknown family '{}'", parsed.family),
            });
            continue;
        };
        for raw in &parsed.rules {
            match compile(raw, family) {
                Ok(c) => ok.push(c),
                Err(message) => errors.push(RuleError {
                    file,
                    rule: raw.id.clone(),
                    message,
                }),
            }
        }
    }
    (ok, errors)
}

/// Compile the profile's rules (already validated when the profile was read; a rule that
/// still fails is skipped).
pub fn user(rules: &[UserRule]) -> Vec<Compiled> {
    let mut out = Vec::new();
    for r in rules {
        let Ok(regex) = compile_user_regex(&r.regex) else {
            continue;
        };
        let secret_group = r
            .secret_group
            .unwrap_or(if regex.captures_len() > 1 { 1 } else { 0 });
        if secret_group >= regex.captures_len() {
            continue;
        }
        let paths = match r.path.as_deref().map(compile_user_regex).transpose() {
            Ok(p) => p,
            Err(_) => continue,
        };
        let allow = r
            .allowlists
            .iter()
            .map(|a| Allow {
                regexes: a
                    .regexes
                    .iter()
                    .filter_map(|p| compile_user_regex(p).ok())
                    .collect(),
                paths: a
                    .paths
                    .iter()
                    .filter_map(|p| compile_user_regex(p).ok())
                    .collect(),
                stopwords: a.stopwords.iter().map(|w| w.to_lowercase()).collect(),
            })
            .collect();
        out.push(Compiled {
            id: r.id.clone(),
            description: if r.description.is_empty() {
                format!("Secret matched by profile rule {}", r.id)
            } else {
                r.description.clone()
            },
            kind: r.id.clone(),
            severity: Severity::High,
            family: &rules::CREDENTIAL_CUSTOM,
            regex,
            secret_group,
            keywords: r.keywords.iter().map(|k| k.to_lowercase()).collect(),
            entropy: r.entropy,
            paths,
            allow_paths: None,
            generic: false,
            literal: false,
            multiline: false,
            precheck: None,
            allow,
        });
    }
    out
}
