//! Ephemeral credentials: temporary secret keys, lines saying a secret must be revoked or
//! expires, temporary database users, and the commands that mint short-lived keys and tokens.
//! Titles name keys, users and commands, never a value.

use super::{compiled, evidence, is_comment, name, Keyed, Sink};
use crate::rules::cleanup::EPHEMERAL_CREDENTIAL;
use regex::Regex;
use std::sync::OnceLock;

/// Words of a key that holds a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "key",
    "apikey",
    "credential",
    "credentials",
    "cred",
    "creds",
    "auth",
];

fn revoke_phrase() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(revoke[sd]?(?:\s+\w+){0,3}?\s+(?:after|once|when|at\s+the\s+end)|expires?|expiry|expiration|short-lived|valid\s+for\s+\d+)\b",
    )
}

fn secret_word() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(tokens?|passwords?|credentials?|secrets?|access[\s_-]?keys?|api[\s_-]?keys?|users?|accounts?|logins?)\b",
    )
}

fn create_user() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r#"(?i)\bcreate\s+(?:user|role|login)\s+(?:if\s+not\s+exists\s+)?["'`\[]?([a-z0-9_$.@-]{1,64})"#,
    )
}

/// Commands that mint a credential, with the words a title uses.
fn mint_commands() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(aws\s+iam\s+create-access-key|vault\s+token\s+create|kubectl\s+(?:-n\s+\S+\s+)?create\s+token|gcloud\s+iam\s+service-accounts\s+keys\s+create|az\s+ad\s+sp\s+credential\s+reset)\b",
    )
}

fn option_value() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)(?:--user-name|--iam-account|-ttl|--ttl|--duration)[=\s]+['\x22]?([a-z0-9_.@:/-]{1,64})",
    )
}

/// Whether a name looks made for the upgrade only.
fn temporary_name(n: &str) -> bool {
    let l = n.to_ascii_lowercase();
    [
        "tmp",
        "temp",
        "upgrade",
        "migrat",
        "oneoff",
        "one_off",
        "ephemeral",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// Commands and SQL that create a credential.
/// Whether the whole text holds a command [`scan_commands`] reports (a line that matches is
/// part of a text that matches, so a text that does not match can be skipped).
pub(super) fn commands_possible(text: &str) -> bool {
    match (create_user(), mint_commands()) {
        (Some(user), Some(mint)) => user.is_match(text) || mint.is_match(text),
        _ => false,
    }
}

pub(super) fn scan_commands(lines: &[&str], sink: &mut Sink<'_>) {
    let (Some(user), Some(mint), Some(opt)) = (create_user(), mint_commands(), option_value())
    else {
        return;
    };
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || is_comment(t) {
            continue;
        }
        if let Some(c) = user.captures(t) {
            let who = c.get(1).map(|m| m.as_str()).unwrap_or("");
            if temporary_name(who) {
                sink.push(
                    &EPHEMERAL_CREDENTIAL,
                    Some(i),
                    format!("user:{}", who.to_ascii_lowercase()),
                    format!("Creates temporary database user `{}`", name(who)),
                    // Up to the user name: what follows may be its password.
                    evidence(c.get(0).map(|m| m.as_str()).unwrap_or("")),
                );
            }
        }
        if let Some(m) = mint.find(t) {
            let cmd = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
            let detail = opt
                .captures(t)
                .and_then(|c| Some((c.get(0)?.as_str(), c.get(1)?.as_str())))
                .map(|(all, v)| {
                    let flag = all.split(['=', ' ', '\t']).next().unwrap_or("");
                    format!(" ({flag} {})", name(v))
                })
                .unwrap_or_default();
            sink.push(
                &EPHEMERAL_CREDENTIAL,
                Some(i),
                format!("cmd:{}{detail}", cmd.to_ascii_lowercase()),
                format!("Creates a temporary credential: `{}`{detail}", name(&cmd)),
                evidence(t),
            );
        }
    }
}

/// Temporary secret keys, and secrets said to be revoked or to expire.
pub(super) fn scan_keys(lines: &[&str], keys: &[Keyed], sink: &mut Sink<'_>) {
    let (Some(revoke), Some(secret)) = (revoke_phrase(), secret_word()) else {
        return;
    };
    for k in keys {
        if k.value.trim().is_empty() {
            continue;
        }
        let last = k.key.rsplit(['.', '/']).next().unwrap_or(&k.key);
        let words = crate::detect::endpoint::config::key_words(last);
        let secretish = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()));
        if !secretish {
            continue;
        }
        let prefixed = last.starts_with("TEMP_")
            || last.starts_with("TMP_")
            || last.starts_with("tmp_")
            || last.starts_with("temp_")
            || last.starts_with("tmp.")
            || words.first().is_some_and(|w| w == "tmp" || w == "temp");
        let line = lines.get(k.index).copied().unwrap_or("");
        let above = k
            .index
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .map(|l| l.trim())
            .filter(|l| is_comment(l))
            .unwrap_or("");
        let said = revoke.is_match(line) || revoke.is_match(above);
        if !prefixed && !said {
            continue;
        }
        let title = if prefixed {
            format!("Temporary credential `{}`", name(&k.key))
        } else {
            format!(
                "Credential `{}` marked to be revoked or to expire",
                name(&k.key)
            )
        };
        // The key only: the value is the secret.
        let ev = match line.find(k.value.as_str()).filter(|_| !k.value.is_empty()) {
            Some(at) => format!("{}****", evidence(line.get(..at).unwrap_or(""))),
            None => format!("{} = ****", name(&k.key)),
        };
        sink.push(
            &EPHEMERAL_CREDENTIAL,
            Some(k.index),
            format!("key:{}", k.key),
            title,
            ev,
        );
    }
    // Comments that say a credential must be revoked, away from any key.
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !is_comment(t) || !revoke.is_match(t) || !secret.is_match(t) {
            continue;
        }
        let strong = t.to_ascii_lowercase().contains("revoke");
        if !strong {
            continue;
        }
        // Already reported through the key below it.
        let next_is_key = keys.iter().any(|k| k.index == i + 1);
        if next_is_key {
            continue;
        }
        let words: String = t
            .trim_start_matches(['#', '/', '-', ';', '*', ' '])
            .chars()
            .take(60)
            .collect::<String>()
            .to_ascii_lowercase();
        sink.push(
            &EPHEMERAL_CREDENTIAL,
            Some(i),
            format!("note:{words}"),
            "Credential to revoke after the upgrade".to_string(),
            evidence(t),
        );
    }
}
