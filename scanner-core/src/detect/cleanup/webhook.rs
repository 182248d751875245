//! Webhook registrations: POST requests to registration paths in scripts, and webhook or
//! callback URLs in configuration keys. Titles name the host and the registration path
//! segment only: the rest of a webhook URL is often its secret.

use super::{compiled, evidence, is_comment, name, Keyed, Sink};
use crate::rules::cleanup::WEBHOOK_REGISTRATION;
use regex::Regex;
use std::sync::OnceLock;

fn registration_path() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)/(register|registrations?|webhooks?|hooks|subscriptions?|subscribe|callbacks?)(?:[/?'\x22\s]|$)",
    )
}

fn url() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\bhttps?://(?:[^\s/@'\x22]*@)?([a-z0-9.\-\[\]:]+|\$\{?[a-z_][a-z0-9_]*\}?)",
    )
}

fn post_command() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\bcurl\b.*(?:-X\s*['\x22]?POST\b|--request\s+['\x22]?POST\b|\s-d\b|--data\b|--json\b|\s-F\b)|(?-i:\bhttps?\s+(?:-{1,2}[a-z-]+\s+)*POST\s)|\bwget\b.*--post-(?:data|file)\b",
    )
}

fn powershell_post() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\bInvoke-(?:RestMethod|WebRequest)\b.*-Method\s+['\x22]?Post\b",
    )
}

/// The host of the first URL of a text, lowercase, or `None`.
fn host_of(text: &str) -> Option<String> {
    let re = url()?;
    let c = re.captures(text)?;
    Some(c.get(1)?.as_str().to_ascii_lowercase())
}

/// Registration commands in scripts (and upgrade instructions).
/// Whether the whole text holds a POST [`scan_commands`] may report (see
/// `ephemeral::commands_possible`).
pub(super) fn commands_possible(text: &str) -> bool {
    match (post_command(), powershell_post()) {
        (Some(post), Some(ps)) => post.is_match(text) || ps.is_match(text),
        _ => false,
    }
}

pub(super) fn scan_commands(lines: &[&str], sink: &mut Sink<'_>) {
    let (Some(post), Some(ps), Some(path)) =
        (post_command(), powershell_post(), registration_path())
    else {
        return;
    };
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || is_comment(t) {
            continue;
        }
        let segment = if post.is_match(t) {
            let Some(c) = path.captures(t) else { continue };
            c.get(1).map(|m| m.as_str().to_ascii_lowercase())
        } else if ps.is_match(t) && {
            let l = t.to_ascii_lowercase();
            ["hook", "subscri", "register", "callback"]
                .iter()
                .any(|w| l.contains(w))
        } {
            path.captures(t)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_ascii_lowercase())
                .or_else(|| Some("webhook".to_string()))
        } else {
            continue;
        };
        let Some(segment) = segment else { continue };
        let host = host_of(t);
        let title = match &host {
            Some(h) => format!("Registers a webhook with {} (POST …/{segment})", name(h)),
            None => format!("Registers a webhook (POST …/{segment})"),
        };
        let key = format!("{}/{segment}", host.as_deref().unwrap_or(""));
        sink.push(&WEBHOOK_REGISTRATION, Some(i), key, title, evidence(t));
    }
}

/// Whether a flattened key holds a webhook or callback URL.
fn webhook_key(key: &str) -> bool {
    let words = crate::detect::endpoint::config::key_words(key);
    let has = |w: &str| words.iter().any(|x| x == w);
    let hook = has("webhook") || has("webhooks") || words.iter().any(|w| w.ends_with("webhook"));
    let callback = has("callback") || has("callbacks");
    let url = has("url") || has("uri") || has("endpoint") || has("address") || has("target");
    let last_is_hook = words.last().is_some_and(|w| w.contains("webhook"));
    (url && (hook || callback)) || (hook && last_is_hook)
}

/// Webhook and callback URLs in configuration keys.
pub(super) fn scan_keys(lines: &[&str], keys: &[Keyed], sink: &mut Sink<'_>) {
    for k in keys {
        let v = k.value.trim();
        if v.is_empty() || !webhook_key(&k.key) {
            continue;
        }
        if !(v.contains("://") || v.starts_with("${") || v.starts_with('$')) {
            continue;
        }
        // The URL's host only: the rest of a webhook URL is often its secret.
        let shown = match (v.split_once("://"), host_of(v)) {
            (Some((scheme, _)), Some(h)) => format!("{}://{}/…", name(scheme), name(&h)),
            _ => evidence(v),
        };
        let _ = lines;
        let title = match host_of(v) {
            Some(h) => format!("Webhook URL in `{}` ({})", name(&k.key), name(&h)),
            None => format!("Webhook URL in `{}`", name(&k.key)),
        };
        sink.push(
            &WEBHOOK_REGISTRATION,
            Some(k.index),
            format!("key:{}", k.key),
            title,
            format!("{}: {shown}", name(&k.key)),
        );
    }
}
