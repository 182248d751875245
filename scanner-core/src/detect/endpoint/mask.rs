//! Keeping secrets out of `url` and evidence: passwords in URL user info, in `key=value`
//! pairs whose key names a secret, and on command lines (`sshpass -p`, `net use ... /user:`).
//! The credentials detector reports the secrets themselves.

/// What a masked secret reads as.
pub const MASK: &str = "***";

/// Every masking below, in turn.
pub fn redact(s: &str) -> String {
    command_line(&key_values(&user_info(s)))
}

/// `scheme://user:password@host` → `scheme://user:***@host`, for every URL in `s`; also
/// Oracle's `jdbc:oracle:thin:user/password@host`.
pub fn user_info(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = super::find_bytes(rest.as_bytes(), b"://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let auth_end = tail
            .find(|c: char| {
                matches!(
                    c,
                    '/' | '?' | '#' | ' ' | '\t' | '"' | '\'' | '<' | '>' | '`'
                )
            })
            .unwrap_or(tail.len());
        let (auth, after) = tail.split_at(auth_end);
        match auth.rfind('@') {
            Some(at) => {
                let (info, host) = auth.split_at(at);
                match info.split_once(':') {
                    Some((user, pass)) if !pass.is_empty() => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(MASK);
                    }
                    _ => out.push_str(info),
                }
                out.push_str(host);
            }
            None => out.push_str(auth),
        }
        rest = after;
    }
    out.push_str(rest);
    oracle_user(&out)
}

/// `jdbc:oracle:thin:scott/tiger@host` → `jdbc:oracle:thin:scott/***@host`.
fn oracle_user(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let Some(i) = lower.find("jdbc:oracle:") else {
        return s.to_string();
    };
    let after = i + "jdbc:oracle:".len();
    let Some(tail) = s.get(after..) else {
        return s.to_string();
    };
    // `thin:` or `oci:`, then `user/password@`.
    let Some(colon) = tail.find(':') else {
        return s.to_string();
    };
    let Some(cred) = tail.get(colon + 1..) else {
        return s.to_string();
    };
    let Some(at) = cred.find('@') else {
        return s.to_string();
    };
    let Some(who) = cred.get(..at) else {
        return s.to_string();
    };
    match who.split_once('/') {
        Some((user, pass))
            if !pass.is_empty() && !who.contains(|c: char| c.is_whitespace() || c == '"') =>
        {
            let start = after + colon + 1;
            format!(
                "{}{user}/{MASK}{}",
                s.get(..start).unwrap_or(""),
                cred.get(at..).unwrap_or("")
            )
        }
        _ => s.to_string(),
    }
}

/// Words that make a key's value a secret.
fn secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let k = k.trim_start_matches('-');
    [
        "password",
        "passwd",
        "pwd",
        "pass",
        "secret",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "accesskey",
        "access_key",
        "secretkey",
        "secret_key",
        "credential",
        "credentials",
        "sig",
    ]
    .iter()
    .any(|w| k.ends_with(w))
        && !k.ends_with("bypass")
}

/// `Password=x;`, `pwd: x`, `?token=x&`, `"password": "x"` → the value masked. Linear: each
/// separator looks back a bounded distance, and values do not overlap.
pub fn key_values(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'=' && c != b':' {
            i += 1;
            continue;
        }
        // The key before the separator (skipping a closing quote and spaces).
        let mut k_end = i;
        while k_end > 0 && matches!(b[k_end - 1], b' ' | b'"' | b'\'') && i - k_end < 3 {
            k_end -= 1;
        }
        let mut k_start = k_end;
        while k_start > 0
            && k_end - k_start < 40
            && (b[k_start - 1].is_ascii_alphanumeric()
                || matches!(b[k_start - 1], b'_' | b'-' | b'.'))
        {
            k_start -= 1;
        }
        // `://` is a URL, not a key.
        let url = c == b':' && b.get(i + 1) == Some(&b'/');
        let key = s.get(k_start..k_end).unwrap_or("");
        if url || key.is_empty() || !secret_key(key.rsplit('.').next().unwrap_or(key)) {
            i += 1;
            continue;
        }
        // The value: after spaces and an opening quote, up to a delimiter.
        let mut v = i + 1;
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        let quote = match b.get(v) {
            Some(q @ (b'"' | b'\'')) => {
                v += 1;
                Some(*q)
            }
            _ => None,
        };
        let mut e = v;
        while e < b.len() {
            let d = b[e];
            let stop = match quote {
                Some(q) => d == q,
                None => matches!(
                    d,
                    b';' | b'&' | b',' | b' ' | b'\t' | b'"' | b'\'' | b'<' | b')'
                ),
            };
            if stop {
                break;
            }
            e += 1;
        }
        if e > v {
            out.push_str(s.get(copied..v).unwrap_or(""));
            out.push_str(MASK);
            copied = e;
        }
        i = e.max(i + 1);
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    out
}

/// `sshpass -p secret`, `sshpass -psecret`, `net use ... /user:name secret`.
pub fn command_line(s: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut mask_next = false;
    let mut after_sshpass = false;
    let mut changed = false;
    // Split on spaces only, keeping the exact spacing by re-joining single spaces per gap.
    for w in s.split(' ') {
        if mask_next && !w.is_empty() {
            mask_next = false;
            if !w.starts_with('/') {
                words.push(MASK.to_string());
                changed = true;
                continue;
            }
        }
        let lw = w.to_ascii_lowercase();
        if lw.ends_with("sshpass") {
            after_sshpass = true;
        } else if after_sshpass && w == "-p" {
            mask_next = true;
            after_sshpass = false;
        } else if after_sshpass && w.len() > 2 && w.starts_with("-p") {
            words.push(format!("-p{MASK}"));
            changed = true;
            after_sshpass = false;
            continue;
        } else if lw.starts_with("/user:") || lw.starts_with("/u:") {
            mask_next = true;
        }
        words.push(w.to_string());
    }
    if changed {
        words.join(" ")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords() {
        assert_eq!(
            user_info("redis://:s3cret@cache:6379/0"),
            "redis://:***@cache:6379/0"
        );
        assert_eq!(
            user_info("see ftp://bob:pw@h/x and https://a@b/"),
            "see ftp://bob:***@h/x and https://a@b/"
        );
        assert_eq!(
            user_info("jdbc:oracle:thin:scott/tiger@db:1521:orcl"),
            "jdbc:oracle:thin:scott/***@db:1521:orcl"
        );
        assert_eq!(user_info("no url ü here"), "no url ü here");
    }

    #[test]
    fn key_value_secrets() {
        assert_eq!(
            key_values("Server=tcp:db,1433;User Id=app;Password=Wint3r!;Encrypt=true"),
            "Server=tcp:db,1433;User Id=app;Password=***;Encrypt=true"
        );
        assert_eq!(key_values(r#""password": "x y""#), r#""password": "***""#);
        assert_eq!(key_values("a?token=abc&b=1"), "a?token=***&b=1");
        assert_eq!(key_values("pwd="), "pwd=");
        assert_eq!(key_values("http://x:1/"), "http://x:1/");
        assert_eq!(key_values("ünïcode=päss"), "ünïcode=päss");
    }

    #[test]
    fn command_line_secrets() {
        assert_eq!(
            command_line(r#"sshpass -p "hunter2" sftp u@h"#),
            "sshpass -p *** sftp u@h"
        );
        assert_eq!(
            command_line("sshpass -phunter2 sftp u@h"),
            "sshpass -p*** sftp u@h"
        );
        assert_eq!(
            command_line(r"net use Z: \\fs\x /user:ACME\svc P@ss /persistent:no"),
            r"net use Z: \\fs\x /user:ACME\svc *** /persistent:no"
        );
    }
}
