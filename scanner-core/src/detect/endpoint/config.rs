//! Host values in configuration keys named like a host: `SFTP_HOST=sftp-legacy.example.net`,
//! `cache.redis.host=cache01`, YAML `host: db01`, JSON `"server": "db01:5432"`, TOML
//! `address = "10.0.0.5"`, XML `<host>db01</host>`, Kafka's `bootstrap.servers=k1:9092,k2:9092`.
//! Values that are URLs are left to the URL form.

use super::host;
use super::{Form, Hit};

/// The last word of a key that holds a host.
const HOST_WORDS: &[&str] = &[
    "host",
    "hostname",
    "hosts",
    "server",
    "servers",
    "address",
    "addr",
    "url",
    "uri",
    "endpoint",
    "endpoints",
    "broker",
    "brokers",
];

/// Last words that may hold a single-label name (`host: db01`); `url: x` or `address: x`
/// needs a dot, a port or an address.
const NAME_WORDS: &[&str] = &[
    "host", "hostname", "hosts", "server", "servers", "broker", "brokers",
];

/// Values that are words, not hosts.
const NOT_HOSTS: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "none",
    "nil",
    "default",
    "auto",
    "any",
    "all",
    "localhost-only",
    "required",
    "optional",
    "enabled",
    "disabled",
    "host",
    "server",
    "hostname",
    "address",
    "url",
    "uri",
    "endpoint",
    "string",
    "str",
    "int",
    "value",
    "example",
    "changeme",
    "todo",
    "tbd",
    "xxx",
    "undefined",
    "empty",
    "self",
    "this",
    "local",
    "remote",
];

/// A key, its separator and its value, from a line of a properties, env, shell, YAML, JSON,
/// TOML/INI or simple XML file. Returns (key, value as written, value was quoted).
pub fn key_value(line: &str) -> Option<(&str, &str, bool)> {
    let mut t = line.trim_start();
    for p in ["export ", "set ", "SET ", "- "] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.trim_start();
        }
    }
    // XML: `<host>db01</host>`.
    if let Some(r) = t.strip_prefix('<') {
        let close = r.find('>')?;
        let tag = r.get(..close)?;
        if tag.is_empty()
            || !tag
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
        {
            return None;
        }
        let body = r.get(close + 1..)?;
        let end = body.find("</")?;
        return Some((tag, body.get(..end)?.trim(), false));
    }
    let quoted_key = t.starts_with('"') || t.starts_with('\'');
    let t = if quoted_key { t.get(1..)? } else { t };
    let k_len = t
        .bytes()
        .position(|c| {
            !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/' | b'[' | b']'))
        })
        .unwrap_or(t.len());
    let key = t.get(..k_len)?;
    if key.is_empty() {
        return None;
    }
    let mut rest = t.get(k_len..)?;
    if quoted_key {
        rest = rest.strip_prefix(['"', '\''])?;
    }
    let rest = rest.trim_start();
    let rest = if let Some(r) = rest.strip_prefix('=') {
        r
    } else if let Some(r) = rest.strip_prefix(':') {
        // YAML needs a space after the colon (`host:port` is not a key).
        if !(quoted_key || r.is_empty() || r.starts_with([' ', '\t'])) {
            return None;
        }
        r
    } else {
        return None;
    };
    let v = rest.trim();
    let (value, quoted) = match v.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => {
            let inner = v.get(1..)?;
            let close = inner.find(*q as char)?;
            (inner.get(..close)?, true)
        }
        _ => {
            // Unquoted: up to a comment or the end, without a trailing `,` or `;`.
            let cut = v
                .find(" #")
                .or_else(|| v.find(" //"))
                .or_else(|| v.find(" ;"))
                .unwrap_or(v.len());
            (v.get(..cut)?.trim().trim_end_matches([',', ';']), false)
        }
    };
    Some((key, value, quoted))
}

/// The words of a key: `cache.redis.host` → cache, redis, host; `dbHost` → db, host.
pub fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The service a key names, as (scheme, port): `SFTP_HOST` → sftp, 22.
fn service(words: &[String]) -> Option<(&'static str, u16)> {
    for w in words.iter().rev() {
        let s = match w.as_str() {
            "sftp" => ("sftp", 22),
            "ssh" | "scp" | "bastion" => ("ssh", 22),
            "ftp" => ("ftp", 21),
            "ftps" => ("ftps", 990),
            "smtp" | "mail" | "mailhost" | "relay" => ("smtp", 25),
            "imap" => ("imap", 143),
            "ldap" | "ad" => ("ldap", 389),
            "ldaps" => ("ldaps", 636),
            "redis" => ("redis", 6379),
            "memcached" | "memcache" => ("memcached", 11211),
            "mongo" | "mongodb" => ("mongodb", 27017),
            "postgres" | "postgresql" | "pg" | "pgsql" => ("postgres", 5432),
            "mysql" | "mariadb" => ("mysql", 3306),
            "mssql" | "sqlserver" => ("sqlserver", 1433),
            "oracle" => ("oracle", 1521),
            "kafka" => ("kafka", 9092),
            "amqp" | "rabbit" | "rabbitmq" => ("amqp", 5672),
            "elasticsearch" | "elastic" => ("elasticsearch", 9200),
            "zookeeper" => ("zookeeper", 2181),
            "http" => ("http", 80),
            "https" => ("https", 443),
            _ => continue,
        };
        return Some(s);
    }
    None
}

/// Keys whose URL values point at project pages, not at services (package metadata).
pub fn metadata_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "homepage",
        "documentation",
        "docs",
        "repository",
        "repo",
        "bugs",
        "issues",
        "tracker",
        "changelog",
        "funding",
        "license",
        "licence",
        "website",
        "author",
        "maintainer",
        "download",
        "downloadurl",
        "sourcecode",
        "sponsor",
        "donate",
        "xmlns",
        "namespace",
        "schema",
        "schemalocation",
        "resolved",
        "projecturl",
        "bugreports",
    ]
    .iter()
    .any(|w| k.ends_with(w))
        || k.starts_with("projecturls")
}

/// A host value on one line. `source_code`: only quoted values count (`host = "db01"`, not
/// `host = args.host`).
pub fn find(line: &str, source_code: bool, out: &mut Vec<Hit>) {
    let Some((key, value, quoted)) = key_value(line) else {
        return;
    };
    if source_code && !quoted {
        return;
    }
    let words = key_words(key);
    let Some(last) = words.last() else { return };
    if !HOST_WORDS.contains(&last.as_str()) {
        return;
    }
    if value.is_empty() || value.contains("://") || value.len() > 1024 {
        return;
    }
    let (scheme, default) = match service(&words) {
        Some((s, p)) => (s.to_string(), Some(p)),
        None => ("host".to_string(), None),
    };
    let names_ok = NAME_WORDS.contains(&last.as_str());
    let start = line.find(key).unwrap_or(0);
    let parts: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 64 {
        return;
    }
    for part in parts {
        if part.contains([' ', '\t', '@', '/', '\\', '$', '%', '{', '<', '*']) {
            return; // a sentence, an e-mail, a path or a placeholder
        }
        if NOT_HOSTS.contains(&part.to_ascii_lowercase().as_str()) {
            continue;
        }
        let Some((h, p)) = host::host_port(part) else {
            continue;
        };
        let dotted = h.contains('.') || h.contains(':');
        if !dotted && !names_ok && p.is_none() && h != "localhost" {
            continue;
        }
        // A single word with no digit after `server:` is too often a name (`server: nginx`).
        if !dotted
            && p.is_none()
            && h != "localhost"
            && !h.bytes().any(|b| b.is_ascii_digit() || b == b'-')
            && last != "host"
            && last != "hostname"
        {
            continue;
        }
        out.push(Hit {
            form: Form::ConfigHost,
            start,
            url: part.to_string(),
            scheme: scheme.clone(),
            port: p.or(default),
            local: host::is_local(&h),
            host: h,
            doc: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str) -> Vec<(String, String, Option<u16>)> {
        let mut out = Vec::new();
        find(line, false, &mut out);
        out.into_iter()
            .map(|h| (h.scheme, h.host, h.port))
            .collect()
    }

    #[test]
    fn keys_in_every_syntax() {
        assert_eq!(
            hits("SFTP_HOST=sftp-legacy.example.net"),
            [("sftp".into(), "sftp-legacy.example.net".into(), Some(22))]
        );
        assert_eq!(
            hits("export SFTP_HOST=\"sftp-legacy.example.net\""),
            [("sftp".into(), "sftp-legacy.example.net".into(), Some(22))]
        );
        assert_eq!(
            hits("cache.redis.host=cache01.example.net"),
            [("redis".into(), "cache01.example.net".into(), Some(6379))]
        );
        assert_eq!(
            hits("  host: db01   # primary"),
            [("host".into(), "db01".into(), None)]
        );
        assert_eq!(
            hits(r#"  "endpoint": "api.example.net:8443","#),
            [("host".into(), "api.example.net".into(), Some(8443))]
        );
        assert_eq!(
            hits("<dbHost>pg01.example.net</dbHost>"),
            [("host".into(), "pg01.example.net".into(), None)]
        );
        assert_eq!(
            hits("bootstrap.servers=k1.example.net:9092,k2.example.net:9092").len(),
            2
        );
        assert_eq!(hits("listen_address = 0.0.0.0").len(), 1);
        assert_eq!(
            hits("mail.smtp.host = 10.0.0.25"),
            [("smtp".into(), "10.0.0.25".into(), Some(25))]
        );
    }

    #[test]
    fn not_hosts() {
        for l in [
            "ghost=casper.example.net",
            "host=${DB_HOST}",
            "url: /api/v1",
            "email_address: ops@example.net",
            "server: nginx",
            "server.port=8080",
            "address: 12 Main Street",
            "host: true",
            "endpoint: https://x.example.net/",
            "host:port",
            "uri = data",
        ] {
            assert!(hits(l).is_empty(), "{l}");
        }
        let mut out = Vec::new();
        find("host = args.host", true, &mut out);
        assert!(out.is_empty());
        find("host = \"db01\"", true, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn metadata() {
        assert!(metadata_key("Home-page"));
        assert!(metadata_key("\"homepage\""));
        assert!(!metadata_key("api.url"));
    }
}
