//! Host names, addresses and ports: what a valid host looks like, which hosts are the local
//! machine, which port a scheme uses, and whether a host is retired.

use core::net::{Ipv4Addr, Ipv6Addr};

/// The port a scheme uses when the address names none. `jdbc:` schemes use their
/// sub-protocol (`jdbc:postgresql` → 5432).
pub fn default_port(scheme: &str) -> Option<u16> {
    let s = scheme.to_ascii_lowercase();
    let parts: Vec<&str> = s.split(':').collect();
    // `jdbc:jtds:sqlserver`, `jdbc:mysql:loadbalance`: the first known part wins.
    parts
        .iter()
        .filter(|p| **p != "jdbc")
        .find_map(|p| port_of(p))
}

fn port_of(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "http" | "ws" => 80,
        "https" | "wss" | "s3" | "grpcs" | "git+https" => 443,
        "ftp" => 21,
        "ftps" => 990,
        "sftp" | "ssh" | "scp" | "git+ssh" | "svn+ssh" | "ssh+git" => 22,
        "telnet" => 23,
        "smtp" => 25,
        "smtps" => 465,
        "submission" => 587,
        "imap" => 143,
        "imaps" => 993,
        "pop3" => 110,
        "pop3s" => 995,
        "ldap" => 389,
        "ldaps" => 636,
        "rsync" => 873,
        "smb" | "cifs" | "unc" => 445,
        "nfs" => 2049,
        "git" => 9418,
        "svn" => 3690,
        "amqp" => 5672,
        "amqps" => 5671,
        "mqtt" => 1883,
        "mqtts" => 8883,
        "kafka" => 9092,
        "redis" | "rediss" => 6379,
        "memcached" => 11211,
        "mongodb" | "mongodb+srv" | "mongo" => 27017,
        "postgres" | "postgresql" | "pgsql" => 5432,
        "mysql" | "mariadb" | "mysqlx" => 3306,
        "sqlserver" | "mssql" => 1433,
        "oracle" => 1521,
        "db2" => 50000,
        "derby" => 1527,
        "hsqldb" | "hsql" => 9001,
        "clickhouse" => 8123,
        "cassandra" => 9042,
        "nats" => 4222,
        "zookeeper" | "zk" => 2181,
        "elasticsearch" => 9200,
        _ => return None,
    })
}

/// Schemes the URL form recognises (besides every `jdbc:` URL).
pub const URL_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ftp",
    "ftps",
    "sftp",
    "ssh",
    "scp",
    "rsync",
    "telnet",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "imap",
    "imaps",
    "pop3",
    "pop3s",
    "amqp",
    "amqps",
    "mqtt",
    "mqtts",
    "kafka",
    "redis",
    "rediss",
    "memcached",
    "mongodb",
    "mongodb+srv",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "sqlserver",
    "mssql",
    "oracle",
    "clickhouse",
    "cassandra",
    "nats",
    "zookeeper",
    "s3",
    "ws",
    "wss",
    "file",
    "smb",
    "cifs",
    "nfs",
    "git",
    "git+ssh",
    "git+https",
    "svn",
    "svn+ssh",
    "grpc",
    "grpcs",
    "tcp",
    "udp",
    "unix",
    "http+unix",
];

/// True for schemes that send everything in clear.
pub fn unencrypted(scheme: &str) -> bool {
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "ftp" | "ldap" | "telnet" | "ws"
    )
}

/// A host as written: a DNS name (labels of letters, digits, `-`, `_`), an IPv4 address, or an
/// IPv6 address (without brackets). Returns it lowercase, without a trailing dot.
pub fn normalize(host: &str) -> Option<String> {
    let h = host.strip_suffix('.').unwrap_or(host);
    if h.is_empty() || h.len() > 253 {
        return None;
    }
    if h.parse::<Ipv4Addr>().is_ok() {
        return Some(h.to_string());
    }
    if h.contains(':') {
        return h.parse::<Ipv6Addr>().ok().map(|_| h.to_ascii_lowercase());
    }
    let mut last = "";
    for label in h.split('.') {
        let b = label.as_bytes();
        let (Some(first), Some(end)) = (b.first(), b.last()) else {
            return None;
        };
        if b.len() > 63
            || *first == b'-'
            || *end == b'-'
            || !b
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        {
            return None;
        }
        last = label;
    }
    // `1.2.3` or `10.0.0.300` is not a name.
    if last.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(h.to_ascii_lowercase())
}

/// True for hosts that are the machine itself.
pub fn is_local(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost"
        || h.ends_with(".localhost")
        || h == "ip6-localhost"
        || h == "ip6-loopback"
        || h == "."
        || h == "(local)"
        || h.starts_with("(localdb)")
    {
        return true;
    }
    if let Ok(v4) = h.parse::<Ipv4Addr>() {
        return v4.is_loopback() || v4.is_unspecified();
    }
    if let Ok(v6) = h.parse::<Ipv6Addr>() {
        return v6.is_loopback() || v6.is_unspecified();
    }
    false
}

/// True when the profile lists the host as retired: an exact name, or `*.suffix` for any
/// subdomain of `suffix`.
pub fn is_retired(host: &str, retired: &[String]) -> bool {
    let h = host.strip_suffix('.').unwrap_or(host);
    retired.iter().any(|r| {
        let r = r.trim();
        let r = r.strip_suffix('.').unwrap_or(r);
        match r.strip_prefix("*.") {
            Some(suffix) => {
                h.len() > suffix.len() + 1
                    && h.get(h.len() - suffix.len()..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
                    && h.get(..h.len() - suffix.len())
                        .is_some_and(|start| start.ends_with('.'))
            }
            None => !r.is_empty() && h.eq_ignore_ascii_case(r),
        }
    })
}

/// Parse `host`, `host:port`, `[v6]` or `[v6]:port`; the host normalised. A port that is not a
/// number up to 65535 makes the whole thing unreadable.
pub fn host_port(s: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(port(p.strip_prefix(':')?)?),
        };
        return Some((inside.to_ascii_lowercase(), port));
    }
    // A bare IPv6 address has several colons.
    if s.bytes().filter(|b| *b == b':').count() > 1 {
        return normalize(s).map(|h| (h, None));
    }
    match s.split_once(':') {
        Some((h, "")) => normalize(h).map(|h| (h, None)),
        Some((h, p)) => Some((normalize(h)?, Some(port(p)?))),
        None => normalize(s).map(|h| (h, None)),
    }
}

/// A port number.
pub fn port(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// How a host and port read in a title: `db01:5432`, `[::1]:6379`.
pub fn display(host: &str, port: Option<u16>) -> String {
    let h = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match port {
        Some(p) => format!("{h}:{p}"),
        None => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_validated_and_lowercased() {
        assert_eq!(
            normalize("SFTP-Legacy.Example.NET."),
            Some("sftp-legacy.example.net".into())
        );
        assert_eq!(normalize("db01"), Some("db01".into()));
        assert_eq!(normalize("10.0.0.5"), Some("10.0.0.5".into()));
        assert_eq!(normalize("1.2.3"), None);
        assert_eq!(normalize("-bad.example"), None);
        assert_eq!(normalize("a..b"), None);
        assert_eq!(normalize("${HOST}"), None);
        assert_eq!(normalize("FE80::1"), Some("fe80::1".into()));
    }

    #[test]
    fn host_and_port() {
        assert_eq!(host_port("db:5432"), Some(("db".into(), Some(5432))));
        assert_eq!(host_port("[::1]:6379"), Some(("::1".into(), Some(6379))));
        assert_eq!(host_port("db:99999"), None);
        assert_eq!(host_port("db:"), Some(("db".into(), None)));
        assert_eq!(host_port("2001:db8::1"), Some(("2001:db8::1".into(), None)));
    }

    #[test]
    fn local_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "0.0.0.0",
            "app.localhost",
            ".",
        ] {
            assert!(is_local(h), "{h}");
        }
        for h in ["db01", "10.0.0.1", "localhost.example.net"] {
            assert!(!is_local(h), "{h}");
        }
    }

    #[test]
    fn retired_exact_and_wildcard() {
        let r = vec![
            "sftp-legacy.example.net".to_string(),
            "*.old.example".to_string(),
        ];
        assert!(is_retired("sftp-legacy.example.net", &r));
        assert!(is_retired("SFTP-LEGACY.example.net.", &r));
        assert!(is_retired("a.b.old.example", &r));
        assert!(!is_retired("old.example", &r));
        assert!(!is_retired("bold.example", &r));
        assert!(!is_retired("sftp.example.net", &r));
    }

    #[test]
    fn ports_by_scheme() {
        assert_eq!(default_port("sftp"), Some(22));
        assert_eq!(default_port("jdbc:postgresql"), Some(5432));
        assert_eq!(default_port("jdbc:jtds:sqlserver"), Some(1433));
        assert_eq!(default_port("JDBC:MySQL"), Some(3306));
        assert_eq!(default_port("file"), None);
        assert_eq!(display("::1", Some(1)), "[::1]:1");
    }
}
