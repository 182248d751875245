//! Feature flags: keys named like flags, temporary when the key, its line or a comment right
//! above it says so.

use super::{compiled, evidence, is_comment, name, Keyed, Sink};
use crate::report::Severity;
use crate::rules::cleanup::TEMPORARY_FLAG;
use regex::Regex;
use std::sync::OnceLock;

/// Words that mark something as temporary.
pub(crate) fn temporary_words() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(temporary|temporarily|temp|remove\s+(?:it\s+|this\s+|me\s+)?(?:after|once|when|before)|delete\s+(?:it\s+|this\s+)?(?:after|once|when)|until|roll-?out|migration\s+toggle|todo:?\s*remove|one-?off|one-?shot)\b",
    )
}

/// Whether a flattened key is a feature flag: (in a feature namespace, a plain on/off switch).
fn flag_kind(key: &str) -> (bool, bool) {
    let l = key.to_ascii_lowercase();
    let last = l.rsplit(['.', '/']).next().unwrap_or(&l);
    let namespace = [
        "feature.",
        "features.",
        "feature_flags.",
        "featureflags.",
        "feature-flags.",
        "ff.",
    ]
    .iter()
    .any(|p| l.starts_with(p) || l.contains(&format!(".{p}")))
        || key.starts_with("FF_")
        || key.starts_with("FEATURE_")
        || key.contains("_FEATURE_");
    let switch = last.ends_with("_enabled")
        || last.ends_with("-enabled")
        || last == "enabled"
        || (last.ends_with("enabled")
            && key.contains(|c: char| c.is_ascii_uppercase())
            && !key.contains('_'));
    (namespace, switch)
}

/// Whether the key itself names something temporary (`FF_TEMP_IMPORT`, `features.tmp-x`).
fn temporary_key(key: &str) -> bool {
    crate::detect::endpoint::config::key_words(key)
        .iter()
        .any(|w| {
            matches!(
                w.as_str(),
                "temp" | "tmp" | "temporary" | "transition" | "migration"
            )
        })
}

/// Report the flag keys of a file.
pub(super) fn scan(lines: &[&str], keys: &[Keyed], sink: &mut Sink<'_>) {
    let Some(words) = temporary_words() else {
        return;
    };
    for k in keys {
        if k.value.is_empty() {
            continue;
        }
        let (namespace, switch) = flag_kind(&k.key);
        if !namespace && !switch {
            continue;
        }
        let line = lines.get(k.index).copied().unwrap_or("");
        // The marker: the line (its trailing comment included), or a comment right above.
        let mut marker: Option<usize> = words.is_match(line).then_some(k.index);
        if marker.is_none() {
            for back in 1..=2 {
                let Some(i) = k.index.checked_sub(back) else {
                    break;
                };
                let above = lines.get(i).map(|l| l.trim()).unwrap_or("");
                if !is_comment(above) {
                    break;
                }
                if words.is_match(above) {
                    marker = Some(i);
                    break;
                }
            }
        }
        let temporary = marker.is_some() || temporary_key(&k.key);
        if !temporary && !namespace {
            continue;
        }
        let ev = match marker {
            Some(i) if i != k.index => format!(
                "{} / {}",
                evidence(lines.get(i).copied().unwrap_or("")),
                evidence(line)
            ),
            _ => evidence(line),
        };
        let title = if temporary {
            format!("Temporary feature flag `{}`", name(&k.key))
        } else {
            format!("Feature flag `{}` set by the package", name(&k.key))
        };
        if let Some(f) = sink.push(&TEMPORARY_FLAG, Some(k.index), k.key.clone(), title, ev) {
            if !temporary {
                f.severity = Some(Severity::Info);
            }
        }
    }
}
