//! URLs of every scheme the package may talk to (`https://`, `sftp://`, `redis://`...), JDBC
//! URLs (`jdbc:postgresql://`, `jdbc:sqlserver://host:1433;databaseName=x`,
//! `jdbc:oracle:thin:@host:1521/svc` and its `(HOST=..)(PORT=..)` descriptor form).

use super::host::{self, URL_SCHEMES};
use super::{Form, Hit, Vars};
use memchr::memmem;

/// Longest URL read; the scan goes on after it, so cost stays linear on hostile lines.
const MAX_URL: usize = 2048;
/// Longest scheme (with `jdbc:` sub-protocols).
const MAX_SCHEME: usize = 40;
/// Longest `url` kept in a finding.
pub const MAX_SHOWN: usize = 300;

/// Bytes that end a URL.
fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'|' | b'^' | b'\\')
}

/// Bytes that end the authority (`user@host:port`).
fn ends_authority(b: u8, multi_host: bool) -> bool {
    ends_url(b)
        || matches!(b, b'/' | b'?' | b'#' | b';' | b')' | b'(' | b'*')
        || (b == b',' && !multi_host)
}

/// Schemes whose authority may list several hosts, comma-separated.
fn multi_host(scheme: &str) -> bool {
    let base = scheme.rsplit(':').next().unwrap_or(scheme);
    matches!(
        base,
        "mongodb"
            | "mongodb+srv"
            | "kafka"
            | "redis"
            | "rediss"
            | "postgres"
            | "postgresql"
            | "mysql"
            | "mariadb"
    )
}

/// Cut `s` to at most `max` bytes on a character boundary.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", s.get(..end).unwrap_or(""))
}

/// The scheme that ends at `colon` (the `:` of `://`): letters, digits, `+.-`, and for
/// `jdbc:` URLs the colon-separated sub-protocols. Returns (start, lowercase scheme).
fn scheme_before(line: &str, colon: usize) -> Option<(usize, String)> {
    let b = line.as_bytes();
    let mut s = colon;
    while s > 0
        && colon - s < MAX_SCHEME
        && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'.' | b'-' | b':'))
    {
        s -= 1;
    }
    let raw = line.get(s..colon)?.to_ascii_lowercase();
    if let Some(j) = raw.rfind("jdbc:") {
        let scheme = raw.get(j..)?.to_string();
        return Some((s + j, scheme));
    }
    // Not JDBC: only the last colon-separated part (`url:http` → `http`).
    let start = raw.rfind(':').map_or(0, |k| k + 1);
    let mut scheme = raw.get(start..)?;
    // A scheme starts with a letter.
    let skip = scheme
        .bytes()
        .position(|c| c.is_ascii_alphabetic())
        .unwrap_or(scheme.len());
    scheme = scheme.get(skip..)?;
    if !URL_SCHEMES.contains(&scheme) {
        return None;
    }
    Some((s + start + skip, scheme.to_string()))
}

/// URLs on one line.
pub fn find(line: &str, finder: &memmem::Finder<'_>, vars: &Vars, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let Some(rel) = b.get(pos..).and_then(|t| finder.find(t)) else {
            break;
        };
        let colon = pos + rel;
        pos = colon + 3;
        let Some((start, scheme)) = scheme_before(line, colon) else {
            continue;
        };
        // The whole URL: up to a delimiter, at most MAX_URL bytes.
        let mut end = colon + 3;
        while end < b.len() && end - start < MAX_URL && !ends_url(b[end]) {
            end += 1;
        }
        while end > colon + 3 && !line.is_char_boundary(end) {
            end -= 1;
        }
        pos = pos.max(end);
        let Some(raw) = line.get(start..end) else {
            continue;
        };
        let raw = trim_trailing(raw);
        let multi = multi_host(&scheme);
        let Some(rest) = line.get(colon + 3..end) else {
            continue;
        };
        let auth_len = rest
            .bytes()
            .position(|c| ends_authority(c, multi))
            .unwrap_or(rest.len());
        let auth = rest.get(..auth_len).unwrap_or("");
        let hostlist = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
        // Masked and clipped when it becomes a finding.
        let url = raw.to_string();
        let base = scheme.rsplit(':').next().unwrap_or(&scheme).to_string();
        let local_scheme = matches!(base.as_str(), "file" | "unix" | "http+unix");
        // `<https://..>` and `` `https://..` `` are how prose and markup quote a link.
        let quoted_link = start
            .checked_sub(1)
            .and_then(|k| b.get(k))
            .is_some_and(|c| matches!(c, b'<' | b'`'))
            && b.get(start + raw.len())
                .is_some_and(|c| matches!(c, b'>' | b'`'));
        let doc = quoted_link || doc_context(line, start, raw);
        if local_scheme {
            out.push(Hit {
                form: Form::Url,
                start,
                url,
                scheme,
                host: "localhost".into(),
                port: None,
                doc,
                local: true,
            });
            continue;
        }
        for one in hostlist.split(',') {
            let one = one.trim();
            let resolved;
            let one = match vars.resolve(one) {
                Some(v) => {
                    resolved = v;
                    resolved.as_str()
                }
                None => one,
            };
            let Some((h, p)) = host::host_port(one) else {
                continue;
            };
            out.push(Hit {
                form: Form::Url,
                start,
                url: url.clone(),
                port: p.or_else(|| host::default_port(&scheme)),
                scheme: scheme.clone(),
                host: h,
                doc,
                local: false,
            });
        }
    }
}

/// Trailing punctuation that belongs to the sentence, not the URL.
fn trim_trailing(s: &str) -> &str {
    let mut t = s;
    loop {
        let before = t.len();
        t = t.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if t.ends_with(')') && !t.contains('(') {
            t = t.get(..t.len() - 1).unwrap_or(t);
        }
        if t.ends_with(']') && !t.contains('[') {
            t = t.get(..t.len() - 1).unwrap_or(t);
        }
        if t.ends_with('}') && !t.contains('{') {
            t = t.get(..t.len() - 1).unwrap_or(t);
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Hosts whose URLs name things rather than places to connect to: XML namespaces, schemas,
/// licences.
const NAME_HOSTS: &[&str] = &[
    "www.w3.org",
    "w3.org",
    "json-schema.org",
    "schemas.xmlsoap.org",
    "schemas.microsoft.com",
    "schemas.openxmlformats.org",
    "schemas.android.com",
    "java.sun.com",
    "xmlns.jcp.org",
    "xmlns.oracle.com",
    "jakarta.ee",
    "purl.org",
    "ns.adobe.com",
    "docbook.org",
    "www.oasis-open.org",
    "relaxng.org",
    "opensource.org",
    "creativecommons.org",
    "spdx.org",
];

/// Hosts that serve pages for people to read (manuals, encyclopaedias, link shorteners):
/// software links to them, it does not connect to them.
fn link_host(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "wikipedia.org",
        "readthedocs.io",
        "readthedocs.org",
        "stackoverflow.com",
        "developer.mozilla.org",
    ];
    const HOSTS: &[&str] = &["bit.ly", "goo.gl", "tinyurl.com", "strftime.org"];
    host.starts_with("docs.")
        || HOSTS.contains(&host)
        || SUFFIXES
            .iter()
            .any(|s| host == *s || host.strip_suffix(s).is_some_and(|h| h.ends_with('.')))
}

/// True when the URL at `start` is a name (XML namespace, schema location, DTD, licence
/// reference) rather than a place the software connects to.
fn doc_context(line: &str, start: usize, url: &str) -> bool {
    let lower_url = url.to_ascii_lowercase();
    let after_scheme = lower_url.split_once("://").map_or("", |(_, r)| r);
    let host = after_scheme
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("");
    if NAME_HOSTS.contains(&host) || link_host(host) {
        return true;
    }
    let path = after_scheme.get(host.len()..).unwrap_or("");
    // Links to a page of a code host's web interface: a file, an issue, a pull request.
    if matches!(host, "github.com" | "gitlab.com" | "bitbucket.org")
        && [
            "/blob/",
            "/tree/",
            "/issues/",
            "/pull/",
            "/wiki",
            "/commit/",
            "/releases/tag/",
        ]
        .iter()
        .any(|p| path.contains(p))
    {
        return true;
    }
    if path.ends_with(".dtd")
        || path.ends_with(".xsd")
        || path.contains("/licenses/")
        || path.contains("/licence")
        || path.contains("/schema/")
        || path.starts_with("/xml/ns/")
        || path.starts_with("/pom/")
    {
        return true;
    }
    // The attribute or key the URL is the value of: `xmlns="`, `xmlns:x="`,
    // `xsi:schemaLocation="a b c d"`, `"$schema": "`.
    let before = line.get(..start).unwrap_or("");
    let tail_start = before.len().saturating_sub(400);
    let mut ts = tail_start;
    while ts > 0 && !before.is_char_boundary(ts) {
        ts -= 1;
    }
    let tail = before.get(ts..).unwrap_or("").to_ascii_lowercase();
    if tail.contains("<!doctype") || tail.contains(" system \"") || tail.contains(" public \"") {
        return true;
    }
    // The separator: `=` for attributes and properties, `":` for JSON keys.
    let sep = tail.rfind('=').or_else(|| tail.rfind("\":").map(|i| i + 1));
    if let Some(eq) = sep {
        let key = tail
            .get(..eq)
            .unwrap_or("")
            .trim_end_matches(['"', '\'', ' ']);
        let word_start = key
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '$')))
            .map_or(0, |i| i + 1);
        let attr = key.get(word_start..).unwrap_or("");
        let attr = attr.trim_start_matches(['"', '\'']);
        // Only if the value is still open (no closing quote between `=` and the URL), or
        // this is the first thing after the separator.
        let value = tail.get(eq + 1..).unwrap_or("");
        let open = value.matches('"').count() <= 1 && value.matches('\'').count() <= 1;
        if open
            && (attr.starts_with("xmlns")
                || attr.ends_with("schemalocation")
                || attr == "$schema"
                || attr.ends_with("namespace"))
        {
            return true;
        }
    }
    false
}

/// `jdbc:oracle:thin:@host:1521/svc`, `@//host:1521/svc`, `@host:1521:SID`, and the
/// descriptor form `@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))...)`.
pub fn oracle(line: &str, out: &mut Vec<Hit>) {
    let lower = line.to_ascii_lowercase();
    let mut from = 0;
    while let Some(rel) = lower.get(from..).and_then(|t| t.find("jdbc:oracle:")) {
        let start = from + rel;
        from = start + "jdbc:oracle:".len();
        let b = line.as_bytes();
        let mut end = from;
        while end < b.len()
            && end - start < MAX_URL
            && !matches!(b[end], b'"' | b'\'' | b'<' | b'>' | b'`')
            && !b[end].is_ascii_whitespace()
        {
            end += 1;
        }
        while end > from && !line.is_char_boundary(end) {
            end -= 1;
        }
        let Some(raw) = line.get(start..end) else {
            continue;
        };
        from = end.max(from);
        if raw.contains("://") {
            continue; // the URL form reads it
        }
        let raw = trim_trailing(raw);
        let lraw = raw.to_ascii_lowercase();
        // The sub-protocol (`thin`, `oci`) and what follows the `@`.
        let Some(at) = raw.find('@') else {
            continue;
        };
        let proto = lraw
            .get("jdbc:oracle:".len()..)
            .and_then(|t| t.split(':').next())
            .unwrap_or("thin");
        let scheme = format!("jdbc:oracle:{proto}");
        // Masked and clipped when it becomes a finding.
        let url = raw.to_string();
        let target = raw.get(at + 1..).unwrap_or("");
        let target = target.trim_start_matches("//");
        let mut hosts: Vec<(String, Option<u16>)> = Vec::new();
        if target.starts_with('(') {
            descriptor(target, &mut hosts);
        } else {
            let hp = target.split(['/', '?']).next().unwrap_or("");
            // host:port:SID or host:port
            let mut parts = hp.splitn(3, ':');
            let h = parts.next().unwrap_or("");
            let p = parts.next().and_then(host::port);
            if let Some(h) = host::normalize(h) {
                hosts.push((h, p));
            }
        }
        for (h, p) in hosts {
            out.push(Hit {
                form: Form::Url,
                start,
                url: url.clone(),
                scheme: scheme.clone(),
                port: p.or(Some(1521)),
                host: h,
                doc: false,
                local: false,
            });
        }
    }
}

/// `(HOST=h)(PORT=p)` pairs of an Oracle descriptor (also used for ADO.NET `Data Source=`).
pub fn descriptor(text: &str, hosts: &mut Vec<(String, Option<u16>)>) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(rel) = lower.get(from..).and_then(|t| t.find("(host")) {
        let i = from + rel + "(host".len();
        from = i;
        let Some(tail) = lower.get(i..) else { break };
        let tail = tail.trim_start();
        let Some(value) = tail.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let v_end = value.find(')').unwrap_or(value.len());
        let Some(h) = value.get(..v_end).map(str::trim).and_then(host::normalize) else {
            continue;
        };
        // The PORT of the same ADDRESS: the next `(port=` before the next `(host`.
        let next_host = value.find("(host").unwrap_or(value.len());
        let port = value
            .get(..next_host)
            .and_then(|seg| seg.find("(port").and_then(|k| seg.get(k + 5..)))
            .and_then(|t| t.trim_start().strip_prefix('='))
            .and_then(|t| t.split(')').next())
            .and_then(|t| host::port(t.trim()));
        hosts.push((h, port));
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask;
    use super::*;

    fn urls(line: &str) -> Vec<Hit> {
        let f = memmem::Finder::new("://");
        let mut out = Vec::new();
        find(line, &f, &Vars::default(), &mut out);
        oracle(line, &mut out);
        for h in &mut out {
            h.url = clip(&mask::redact(&h.url), MAX_SHOWN);
        }
        out
    }

    fn one(line: &str) -> Option<Hit> {
        let v = urls(line);
        assert_eq!(v.len(), 1, "{line}: {v:?}");
        v.into_iter().next()
    }

    #[test]
    fn plain_urls_with_default_ports() {
        let Some(h) = one("  upload: sftp://import@sftp-legacy.example.net/in/") else {
            return;
        };
        assert_eq!(h.scheme, "sftp");
        assert_eq!(h.host, "sftp-legacy.example.net");
        assert_eq!(h.port, Some(22));
        assert_eq!(h.url, "sftp://import@sftp-legacy.example.net/in/");
        let Some(h) = one("see <https://Docs.Example.org:8443/x>.") else {
            return;
        };
        assert_eq!((h.host.as_str(), h.port), ("docs.example.org", Some(8443)));
        assert_eq!(h.url, "https://Docs.Example.org:8443/x");
    }

    #[test]
    fn passwords_are_masked() {
        let Some(h) = one("spring.redis.url=redis://:s3cr3t@cache01.example.net:6380/0") else {
            return;
        };
        assert_eq!(h.url, "redis://:***@cache01.example.net:6380/0");
        assert_eq!(h.port, Some(6380));
        let Some(h) = one("amqp://user:pw@mq/vhost?heartbeat=10&password=zz") else {
            return;
        };
        assert_eq!(h.url, "amqp://user:***@mq/vhost?heartbeat=10&password=***");
    }

    #[test]
    fn jdbc_urls() {
        let Some(h) = one("db.url=jdbc:postgresql://db.example.net/acme?ssl=true") else {
            return;
        };
        assert_eq!(h.scheme, "jdbc:postgresql");
        assert_eq!(h.port, Some(5432));
        let Some(h) =
            one("jdbc:sqlserver://SQL01.corp:1433;databaseName=acme;user=sa;password=Secr3t;")
        else {
            return;
        };
        assert_eq!(h.scheme, "jdbc:sqlserver");
        assert_eq!(h.host, "sql01.corp");
        assert_eq!(
            h.url,
            "jdbc:sqlserver://SQL01.corp:1433;databaseName=acme;user=sa;password=***"
        );
        let Some(h) = one("url=jdbc:oracle:thin:@ora01.example.net:1521/ORCLPDB") else {
            return;
        };
        assert_eq!(
            (h.scheme.as_str(), h.host.as_str(), h.port),
            ("jdbc:oracle:thin", "ora01.example.net", Some(1521))
        );
        let Some(h) = one("jdbc:oracle:thin:scott/tiger@//ora02:1522/svc") else {
            return;
        };
        assert_eq!((h.host.as_str(), h.port), ("ora02", Some(1522)));
        assert_eq!(h.url, "jdbc:oracle:thin:scott/***@//ora02:1522/svc");
        let v = urls("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=rac1)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=rac2)(PORT=1526))))");
        let got: Vec<_> = v.iter().map(|h| (h.host.as_str(), h.port)).collect();
        assert_eq!(got, [("rac1", Some(1521)), ("rac2", Some(1526))]);
    }

    #[test]
    fn multi_host_and_ipv6() {
        let v = urls("mongodb://app:pw@m1.example.net:27017,m2.example.net/db?replicaSet=rs0");
        let got: Vec<_> = v.iter().map(|h| (h.host.as_str(), h.port)).collect();
        assert_eq!(
            got,
            [
                ("m1.example.net", Some(27017)),
                ("m2.example.net", Some(27017))
            ]
        );
        let Some(h) = one("http://[::1]:8080/health") else {
            return;
        };
        assert_eq!((h.host.as_str(), h.port), ("::1", Some(8080)));
    }

    #[test]
    fn local_schemes_and_names() {
        let Some(h) = one("file:///var/lib/acme/data") else {
            return;
        };
        assert!(h.local);
        let Some(h) = one(r#"<beans xmlns="http://www.springframework.org/schema/beans""#) else {
            return;
        };
        assert!(h.doc);
        let Some(h) = one(r#"xsi:schemaLocation="urn:x http://acme.example.net/ns/a.xsd""#) else {
            return;
        };
        assert!(h.doc);
        let Some(h) =
            one(r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://dtd.example/x.dtd">"#)
        else {
            return;
        };
        assert!(h.doc);
        let Some(h) = one(r#"endpoint: "https://api.example.net/v2""#) else {
            return;
        };
        assert!(!h.doc);
    }

    #[test]
    fn pages_for_people_are_links() {
        for (line, doc) in [
            ("u = 'https://en.wikipedia.org/wiki/MD5'", true),
            ("u = 'https://docs.acme.example/topics/'", true),
            ("u = 'https://acme.readthedocs.io/en/latest/'", true),
            ("u = 'https://github.com/acme/app/blob/main/x.py'", true),
            ("u = 'https://github.com/acme/app/issues/12'", true),
            ("u = 'https://github.com/acme/app.git'", false),
            ("u = 'https://api.github.com/repos'", false),
            ("u = 'https://notwikipedia.org/'", false),
        ] {
            let hits = urls(line);
            assert_eq!(hits.len(), 1, "{line}");
            assert_eq!(hits.first().map(|h| h.doc), Some(doc), "{line}");
        }
    }

    #[test]
    fn not_urls() {
        assert!(
            urls("chrome://settings and c://x and ://nothing and http:// and http://${HOST}/")
                .is_empty()
        );
        assert!(urls("héllo wörld ://").is_empty());
    }

    #[test]
    fn variables_resolve() {
        let mut vars = Vars::default();
        vars.set("API_HOST", "api.example.net");
        let f = memmem::Finder::new("://");
        let mut out = Vec::new();
        find("curl https://${API_HOST}/v1", &f, &vars, &mut out);
        assert_eq!(
            out.first().map(|h| h.host.as_str()),
            Some("api.example.net")
        );
    }

    #[test]
    fn hostile_lines_stay_linear() {
        let line = "http://a".repeat(200_000) + &"é://".repeat(1000);
        let v = urls(&line);
        assert!(v.len() < 1000);
        let line = "x://".repeat(100_000);
        assert!(urls(&line).is_empty());
    }
}
