//! IPv4 and IPv6 literals: `10.20.30.40`, `10.20.30.40:8080`, `[2001:db8::5]:443`,
//! `fe80::1`. Not version numbers (`version=1.2.3.4`, `v1.2.3.4`), OIDs (`1.3.6.1.4.1`),
//! networks (`10.0.0.0/8`, `x.x.x.0`), masks and broadcast addresses.

use super::host;
use super::{Form, Hit};
use core::net::{Ipv4Addr, Ipv6Addr};

/// Bytes an address token is made of.
fn token_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b'.' || b == b':'
}

/// Words that make a dotted number a version or an OID, when they come shortly before it.
const VERSION_WORDS: &[&str] = &[
    "version",
    "ver",
    "release",
    "build",
    "revision",
    "rev",
    "oid",
    "objectid",
    "identifier",
];

/// Address literals on one line.
pub fn find(line: &str, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    // Cheap test: an IPv4 needs three dots, an IPv6 two colons.
    if memchr::memchr(b'.', b).is_none() && memchr::memchr(b':', b).is_none() {
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if !token_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && token_byte(b[i]) {
            i += 1;
        }
        let end = i;
        if end - start < 3 || end - start > 60 {
            continue;
        }
        // Glued to a word (`v1.2.3.4`, `abc.def`, `x_1.2.3.4`)?
        let before = start.checked_sub(1).and_then(|k| b.get(k)).copied();
        let after = b.get(end).copied();
        let glued =
            |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80);
        if glued(before) || glued(after) {
            continue;
        }
        let Some(tok) = line.get(start..end) else {
            continue;
        };
        let tok = tok.trim_end_matches(['.', ':']);
        let bracketed = before == Some(b'[') && after == Some(b']');
        let hit = if bracketed {
            v6(tok).map(|h| (h, bracket_port(b, end)))
        } else if let Some(h) = v4(tok) {
            // `10.0.0.0/8`: a network, not a host.
            if after == Some(b'/') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            Some(h)
        } else {
            v6(tok).map(|h| (h, None))
        };
        let Some((h, port)) = hit else { continue };
        if !h.contains(':') && version_context(line, start) {
            continue;
        }
        out.push(Hit {
            form: Form::Ip,
            start,
            url: match port {
                Some(p) => host::display(&h, Some(p)),
                None => h.clone(),
            },
            scheme: "ip".into(),
            port,
            local: host::is_local(&h),
            host: h,
            doc: false,
        });
    }
}

/// `a.b.c.d` or `a.b.c.d:port` that is a plausible host address.
fn v4(tok: &str) -> Option<(String, Option<u16>)> {
    let (addr, port) = match tok.split_once(':') {
        Some((a, p)) => (a, Some(host::port(p)?)),
        None => (tok, None),
    };
    let parts: Vec<&str> = addr.split('.').collect();
    if parts.len() != 4
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')))
    {
        return None;
    }
    let ip: Ipv4Addr = addr.parse().ok()?;
    let o = ip.octets();
    if ip.is_unspecified() {
        return Some((addr.to_string(), port));
    }
    // Networks, masks, broadcast, multicast and reserved ranges, `0.x`.
    if o[0] == 0 || o[0] >= 224 || o[3] == 0 || o[3] == 255 {
        return None;
    }
    Some((addr.to_string(), port))
}

/// An IPv6 address with at least three groups (`a::b` is C++, not an address), or `::1`.
fn v6(tok: &str) -> Option<String> {
    if !tok.contains(':') {
        return None;
    }
    let ip: Ipv6Addr = tok.parse().ok()?;
    let groups = tok.split(':').filter(|g| !g.is_empty()).count();
    if !(ip.is_loopback() || groups >= 3)
        || ip.is_multicast()
        || !tok.bytes().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some(tok.to_ascii_lowercase())
}

/// `]:443` after a bracketed address.
fn bracket_port(b: &[u8], end: usize) -> Option<u16> {
    if b.get(end + 1) != Some(&b':') {
        return None;
    }
    let digits: Vec<u8> = b
        .iter()
        .skip(end + 2)
        .take(6)
        .take_while(|c| c.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok().and_then(host::port)
}

/// A version word shortly before the number (`Version: 1.2.3.4`, `ver 2.0.1.3`).
fn version_context(line: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(24);
    while from > 0 && !line.is_char_boundary(from) {
        from -= 1;
    }
    let before = line.get(from..start).unwrap_or("").to_ascii_lowercase();
    VERSION_WORDS.iter().any(|w| before.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str) -> Vec<(String, Option<u16>, bool)> {
        let mut out = Vec::new();
        find(line, &mut out);
        out.into_iter().map(|h| (h.host, h.port, h.local)).collect()
    }

    #[test]
    fn addresses() {
        assert_eq!(
            hits("db=10.20.30.40"),
            [("10.20.30.40".into(), None, false)]
        );
        assert_eq!(
            hits("upstream 192.168.1.10:8080;"),
            [("192.168.1.10".into(), Some(8080), false)]
        );
        assert_eq!(hits("bind 0.0.0.0"), [("0.0.0.0".into(), None, true)]);
        assert_eq!(
            hits("connect [2001:db8::5]:443 now"),
            [("2001:db8::5".into(), Some(443), false)]
        );
        assert_eq!(
            hits("peer fe80::1:2 ok"),
            [("fe80::1:2".into(), None, false)]
        );
        assert_eq!(hits("::1"), [("::1".into(), None, true)]);
    }

    #[test]
    fn not_addresses() {
        for l in [
            "version=1.2.3.4",
            "Version: 4.1.2.3",
            "v1.2.3.4",
            "oid 1.3.6.1.4.1.311",
            "KEY_USAGE = ObjectIdentifier(\"2.5.29.15\")",
            "route 10.0.0.0/8",
            "mask 255.255.255.0",
            "1.2.3",
            "at 12:30:45",
            "std::vector a::b",
            "mac 00:1a:2b:3c:4d:5e",
            "x.10.0.0.1",
            "010.001.002.003",
            "é1.2.3.4é",
            "deadbeef::cafe",
        ] {
            assert!(hits(l).is_empty(), "{l}: {:?}", hits(l));
        }
    }
}
