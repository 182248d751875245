//! Pairs certificates with the private keys the credential detector reports
//! (`credential.private-key` findings of kind `private-key`), after the scan.

use crate::report::{Category, Finding};
use std::collections::HashMap;

/// The credential rule that reports private keys.
const PRIVATE_KEY_RULE: &str = "credential.private-key";

/// Words that name the role of a file rather than what it is for (`tls.key`/`tls.crt`,
/// `server-key.pem`/`server-cert.pem`, `privkey.pem`/`fullchain.pem`).
const ROLE_WORDS: &[&str] = &[
    "key",
    "privkey",
    "private",
    "priv",
    "cert",
    "certificate",
    "crt",
    "pub",
    "public",
    "fullchain",
    "chain",
    "bundle",
];

/// Extensions dropped before comparing names.
const EXTENSIONS: &[&str] = &["pem", "crt", "cer", "cert", "der", "key"];

/// What a certificate's file and a key's file are called once the role words are gone:
/// `etc/ssl/tls.crt` and `etc/ssl/tls.key` both give `tls`; `live/x/privkey.pem` and
/// `live/x/cert.pem` both give the empty name.
pub fn pair_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let mut stem = name.as_str();
    for _ in 0..2 {
        if let Some((s, ext)) = stem.rsplit_once('.') {
            if EXTENSIONS.contains(&ext) {
                stem = s;
            }
        }
    }
    let mut stem = stem.to_string();
    loop {
        let before = stem.len();
        for w in ROLE_WORDS {
            if stem == *w {
                stem.clear();
            }
            for sep in ['-', '_', '.'] {
                if let Some(s) = stem.strip_suffix(&format!("{sep}{w}")) {
                    stem = s.to_string();
                }
                if let Some(s) = stem.strip_prefix(&format!("{w}{sep}")) {
                    stem = s.to_string();
                }
            }
        }
        if stem.len() == before {
            return stem;
        }
    }
}

fn dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Add `related` ids both ways between certificate findings and the private-key findings of
/// their keys. A certificate is paired with a key when:
/// 1. its [`crate::report::CertificateInfo::private_key`] names the key's entry (the public
///    keys match; the key's line picks the finding when the entry has several keys); else
/// 2. the key is in the certificate's own file; else
/// 3. the key is in the same directory, in a file of the same name once role words and
///    extensions are dropped (see [`pair_stem`]).
///
/// Rules 2 and 3 only pair a key that rule 1 did not pair, with certificates that rule 1 did
/// not pair elsewhere; they prefer leaf certificates when the file has any (the CA
/// certificates of a chain file are not the key's). Every finding of a paired certificate in
/// that file (inventory, expiry, weak key...) gets the key's id.
pub fn link_keys(findings: &mut [Finding]) {
    let keys: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.category == Category::Credential
                && f.rule == PRIVATE_KEY_RULE
                && f.credential
                    .as_ref()
                    .is_some_and(|c| c.kind == "private-key")
        })
        .map(|(i, _)| i)
        .collect();
    if keys.is_empty() {
        return;
    }
    // Certificates: (path, fingerprint) -> the findings about them.
    let mut certs: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(fp) = f.certificate.as_ref().and_then(|c| c.sha256.clone()) else {
            continue;
        };
        let slot = (f.path.clone(), fp);
        let list = certs.entry(slot.clone()).or_default();
        if list.is_empty() {
            order.push(slot);
        }
        list.push(i);
    }
    let info = |i: usize| findings.get(i).and_then(|f| f.certificate.as_ref());
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut paired_keys: Vec<usize> = Vec::new();

    // 1. Matching public keys.
    for slot in &order {
        let Some(&first) = certs.get(slot).and_then(|v| v.first()) else {
            continue;
        };
        let Some(c) = info(first) else { continue };
        let Some(key_path) = c.private_key.as_deref() else {
            continue;
        };
        let at_path: Vec<usize> = keys
            .iter()
            .copied()
            .filter(|&k| findings.get(k).is_some_and(|f| f.path == key_path))
            .collect();
        let on_line: Vec<usize> = at_path
            .iter()
            .copied()
            .filter(|&k| {
                c.private_key_line.is_some()
                    && findings
                        .get(k)
                        .is_some_and(|f| f.line == c.private_key_line)
            })
            .collect();
        let chosen = if on_line.is_empty() { at_path } else { on_line };
        for k in chosen {
            paired_keys.push(k);
            pairs.extend(certs.get(slot).into_iter().flatten().map(|&f| (f, k)));
        }
    }

    // 2 and 3. Same file, then same directory and name.
    struct Meta<'s> {
        dir: &'s str,
        stem: String,
        free: bool,
        leaf: bool,
    }
    let meta: Vec<Meta<'_>> = order
        .iter()
        .map(|s| {
            let c = certs.get(s).and_then(|v| v.first()).and_then(|&i| info(i));
            Meta {
                dir: dir(&s.0),
                stem: pair_stem(&s.0),
                free: c.is_some_and(|c| c.private_key.is_none()),
                leaf: c.is_some_and(|c| c.role.as_deref() == Some("leaf")),
            }
        })
        .collect();
    for &k in &keys {
        if paired_keys.contains(&k) {
            continue;
        }
        let Some(key_path) = findings.get(k).map(|f| f.path.as_str()) else {
            continue;
        };
        let mut candidates: Vec<usize> = (0..order.len())
            .filter(|&c| {
                order.get(c).is_some_and(|s| s.0 == key_path) && meta.get(c).is_some_and(|m| m.free)
            })
            .collect();
        if candidates.is_empty() {
            let (key_dir, stem) = (dir(key_path), pair_stem(key_path));
            candidates = (0..order.len())
                .filter(|&c| {
                    order.get(c).is_some_and(|s| s.0 != key_path)
                        && meta
                            .get(c)
                            .is_some_and(|m| m.free && m.dir == key_dir && m.stem == stem)
                })
                .collect();
        }
        if candidates
            .iter()
            .any(|&c| meta.get(c).is_some_and(|m| m.leaf))
        {
            candidates.retain(|&c| meta.get(c).is_some_and(|m| m.leaf));
        }
        for c in candidates {
            let Some(slot) = order.get(c) else { continue };
            pairs.extend(certs.get(slot).into_iter().flatten().map(|&f| (f, k)));
        }
    }

    for (a, b) in pairs {
        let (Some(ida), Some(idb)) = (
            findings.get(a).map(|f| f.id.clone()),
            findings.get(b).map(|f| f.id.clone()),
        ) else {
            continue;
        };
        if let Some(f) = findings.get_mut(a) {
            if !f.related.contains(&idb) {
                f.related.push(idb);
            }
        }
        if let Some(f) = findings.get_mut(b) {
            if !f.related.contains(&ida) {
                f.related.push(ida);
            }
        }
    }
}
