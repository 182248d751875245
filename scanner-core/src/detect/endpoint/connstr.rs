//! ADO.NET and ODBC connection strings: `Server=tcp:host,1433;Database=..;User Id=..;
//! Password=..`, `Data Source=host\instance;..`, Npgsql's `Host=..;Port=..`, MySQL's
//! `Server=..;Port=3306;Uid=..`, ODBC `Driver={..};Server=..`.

use super::host;
use super::url::{clip, descriptor};
use super::{mask, Form, Hit};

/// Keys that name the server.
const SERVER_KEYS: &[&str] = &[
    "server",
    "data source",
    "datasource",
    "host",
    "hostname",
    "address",
    "addr",
    "network address",
    "servername",
];

/// Connection strings on one line. Cheap unless the line has both `;` and `=`.
pub fn find(line: &str, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    if memchr::memchr(b';', b).is_none() || memchr::memchr(b'=', b).is_none() {
        return;
    }
    // Regions between quotes (a JSON or XML value), or the whole line.
    let mut start = 0;
    for (i, c) in b
        .iter()
        .enumerate()
        .chain(std::iter::once((b.len(), &b'"')))
    {
        if matches!(*c, b'"' | b'\'' | b'`' | b'<' | b'>') {
            if let Some(region) = line.get(start..i) {
                region_hits(region, start, out);
            }
            start = i + 1;
        }
    }
}

fn region_hits(region: &str, offset: usize, out: &mut Vec<Hit>) {
    if !region.contains(';') || !region.contains('=') || region.contains("://") {
        return;
    }
    // key=value pairs; `Name=Server=x;...` (an environment variable holding the string)
    // counts from its inner key.
    let mut pairs: Vec<(String, &str)> = Vec::new();
    for part in region.split(';') {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let mut key = k.trim().to_ascii_lowercase();
        let mut value = v.trim();
        if !SERVER_KEYS.contains(&key.as_str()) {
            if let Some((k2, v2)) = value.split_once('=') {
                let k2 = k2.trim().to_ascii_lowercase();
                if SERVER_KEYS.contains(&k2.as_str()) {
                    key = k2;
                    value = v2.trim();
                }
            }
        }
        pairs.push((key, value));
    }
    if pairs.len() < 2 {
        return;
    }
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| *v);
    let Some((server_key, server)) = pairs
        .iter()
        .find(|(k, _)| SERVER_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), *v))
    else {
        return;
    };
    // What kind of database: from the driver, the port, the keys.
    let driver = get("driver")
        .or_else(|| get("provider"))
        .unwrap_or("")
        .to_ascii_lowercase();
    let port = get("port").and_then(host::port);
    let has = |k: &str| pairs.iter().any(|(key, _)| key == k);
    let kind = if driver.contains("postgres") || driver.contains("npgsql") {
        "postgres"
    } else if driver.contains("mysql") || driver.contains("maria") {
        "mysql"
    } else if driver.contains("oracle") || driver.contains("oraoledb") {
        "oracle"
    } else if driver.contains("sql server")
        || driver.contains("sqlncli")
        || driver.contains("sqloledb")
        || driver.contains("msoledbsql")
    {
        "sqlserver"
    } else if port == Some(3306) || (has("uid") && port.is_some()) || (has("sslmode") && has("uid"))
    {
        "mysql"
    } else if port == Some(5432) || server_key == "host" {
        "postgres"
    } else if port == Some(1521) {
        "oracle"
    } else {
        "sqlserver"
    };
    let url = clip(&mask::key_values(region.trim()), 300);
    let mut hosts: Vec<(String, Option<u16>)> = Vec::new();
    let mut local = false;
    if server.starts_with('(') && server.to_ascii_lowercase().contains("(host") {
        descriptor(server, &mut hosts);
    } else {
        for one in server
            .split(',')
            .take(if kind == "sqlserver" { 1 } else { 16 })
        {
            let mut s = one.trim();
            // Protocol prefixes: `tcp:`, `np:` (named pipe), `lpc:` (shared memory).
            let lower = s.to_ascii_lowercase();
            if lower.starts_with("lpc:") || lower.starts_with("np:") {
                local = true;
            }
            for p in ["tcp:", "np:", "lpc:", "admin:"] {
                if lower.starts_with(p) {
                    s = s.get(p.len()..).unwrap_or("");
                }
            }
            let lower = s.to_ascii_lowercase();
            if lower == "."
                || lower == "(local)"
                || lower.starts_with("(localdb)")
                || lower.starts_with(".\\")
            {
                local = true;
                hosts.push(("localhost".into(), None));
                continue;
            }
            // SQLite and file databases: `Data Source=app.db`.
            if [
                ".db", ".sqlite", ".sqlite3", ".sdf", ".mdb", ".accdb", ".fdb",
            ]
            .iter()
            .any(|e| lower.ends_with(e))
                || lower.contains('/')
                || lower.contains(":\\")
                || lower.starts_with("|datadirectory|")
            {
                return;
            }
            // `host\instance`, `host,1433` (SQL Server), `host:5432` (Npgsql).
            let s = s.split('\\').next().unwrap_or(s);
            let (h, p) = match kind {
                "sqlserver" => {
                    let mut it = server.split(',');
                    let _ = it.next();
                    (
                        host::normalize(s),
                        it.next().and_then(|p| host::port(p.trim())),
                    )
                }
                _ => match host::host_port(s) {
                    Some((h, p)) => (Some(h), p),
                    None => (None, None),
                },
            };
            if let Some(h) = h {
                hosts.push((h, p));
            }
        }
    }
    for (h, p) in hosts {
        out.push(Hit {
            form: Form::ConnectionString,
            start: offset,
            url: url.clone(),
            scheme: kind.to_string(),
            port: p.or(port).or_else(|| host::default_port(kind)),
            local: local || host::is_local(&h),
            host: h,
            doc: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        find(line, &mut out);
        out
    }

    #[test]
    fn ado_net_sql_server() {
        let v = hits(
            r#"    "Default": "Server=tcp:SQL01.corp.example.net,1433;Database=Acme;User Id=acme;Password=Wint3r!;Encrypt=True;""#,
        );
        let Some(h) = v.first() else {
            panic_free(&v);
            return;
        };
        assert_eq!(v.len(), 1);
        assert_eq!(h.scheme, "sqlserver");
        assert_eq!(h.host, "sql01.corp.example.net");
        assert_eq!(h.port, Some(1433));
        assert_eq!(
            h.url,
            "Server=tcp:SQL01.corp.example.net,1433;Database=Acme;User Id=acme;Password=***;Encrypt=True;"
        );
    }

    fn panic_free(v: &[Hit]) {
        assert!(!v.is_empty(), "no hit");
    }

    #[test]
    fn data_source_instances_and_local() {
        let v = hits("Data Source=DB02\\SQLEXPRESS;Initial Catalog=x;Integrated Security=SSPI");
        assert_eq!(
            v.first().map(|h| (h.host.as_str(), h.port)),
            Some(("db02", Some(1433)))
        );
        let v = hits("Data Source=(localdb)\\MSSQLLocalDB;Initial Catalog=x");
        assert!(v.first().is_some_and(|h| h.local));
        assert!(hits("Data Source=app.db;Cache=Shared").is_empty());
        assert!(hits("Data Source=/var/lib/x.sqlite;Version=3").is_empty());
    }

    #[test]
    fn npgsql_and_mysql() {
        let v =
            hits("ConnectionStrings__Main=Host=pg01.example.net;Port=5433;Username=app;Password=x");
        assert_eq!(
            v.first()
                .map(|h| (h.scheme.as_str(), h.host.as_str(), h.port)),
            Some(("postgres", "pg01.example.net", Some(5433)))
        );
        assert!(v.first().is_some_and(|h| !h.url.contains("Password=x")));
        let v = hits("Server=my01;Port=3306;Database=a;Uid=u;Pwd=p;");
        assert_eq!(
            v.first().map(|h| (h.scheme.as_str(), h.port)),
            Some(("mysql", Some(3306)))
        );
        let v = hits("Driver={PostgreSQL Unicode};Server=pg02;Database=a");
        assert_eq!(
            v.first().map(|h| (h.scheme.as_str(), h.port)),
            Some(("postgres", Some(5432)))
        );
    }

    #[test]
    fn not_connection_strings() {
        assert!(hits("a=1; b=2").is_empty());
        assert!(hits("for (i=0; i<n; i++) {}").is_empty());
        assert!(hits("host=x").is_empty());
        assert!(hits("Server=;Database=").is_empty());
    }
}
