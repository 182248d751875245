//! UNC paths: `\\fileserver01\exports`, also written escaped in source strings
//! (`"\\\\fileserver01\\exports"`).

use super::host;
use super::{Form, Hit};

/// UNC paths on one line.
pub fn find(line: &str, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    let mut pos = 0;
    while let Some(rel) = b.get(pos..).and_then(|t| super::find_bytes(t, b"\\\\")) {
        let start = pos + rel;
        // The whole run of backslashes: 2 (`\\host\share`) or 4 (escaped: `\\\\host\\share`).
        let mut i = start;
        while i < b.len() && b[i] == b'\\' {
            i += 1;
        }
        let run = i - start;
        pos = i;
        // `C:\\Users` (an escaped drive path) and `a\\b` are not UNC paths.
        if start > 0 {
            let p = b[start - 1];
            if p.is_ascii_alphanumeric()
                || matches!(p, b':' | b'.' | b'_' | b'-' | b'\\' | b'/' | b'%' | b'$')
            {
                continue;
            }
        }
        if run != 2 && run != 4 {
            continue;
        }
        let sep = run / 2;
        // The host.
        let mut h_end = i;
        while h_end < b.len()
            && h_end - i <= 253
            && (b[h_end].is_ascii_alphanumeric() || matches!(b[h_end], b'.' | b'-' | b'_'))
        {
            h_end += 1;
        }
        let Some(h) = line.get(i..h_end) else {
            continue;
        };
        pos = h_end;
        // Then exactly one separator and a share name.
        let mut s = h_end;
        while s < b.len() && b[s] == b'\\' {
            s += 1;
        }
        if s - h_end != sep {
            continue;
        }
        let mut s_end = s;
        while s_end < b.len()
            && s_end - s < 80
            && (b[s_end].is_ascii_alphanumeric() || matches!(b[s_end], b'$' | b'_' | b'.' | b'-'))
        {
            s_end += 1;
        }
        let Some(share) = line.get(s..s_end) else {
            continue;
        };
        if share.is_empty() {
            continue;
        }
        let (host, local) = if h == "." || h == "?" {
            ("localhost".to_string(), true)
        } else {
            if h.len() < 2 {
                continue;
            }
            let Some(host) = host::normalize(h) else {
                continue;
            };
            let local = host::is_local(&host);
            (host, local)
        };
        pos = s_end;
        out.push(Hit {
            form: Form::Unc,
            start,
            url: format!("\\\\{h}\\{share}"),
            scheme: "unc".into(),
            host,
            port: Some(445),
            doc: false,
            local,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        find(line, &mut out);
        out.into_iter().map(|h| (h.host, h.url)).collect()
    }

    #[test]
    fn unc_paths() {
        assert_eq!(
            hits(r"net use Z: \\FileServer01.corp\exports$ /persistent:no"),
            [(
                "fileserver01.corp".to_string(),
                r"\\FileServer01.corp\exports$".to_string()
            )]
        );
        assert_eq!(
            hits(r#"var share = "\\\\nas02\\backup\\daily";"#),
            [("nas02".to_string(), r"\\nas02\backup".to_string())]
        );
        assert_eq!(hits(r"copy x \\.\pipe\foo").len(), 1);
    }

    #[test]
    fn not_unc_paths() {
        assert!(hits(r#"path = "C:\\Users\\me""#).is_empty());
        assert!(hits(r#"re = "\\d+\\s""#).is_empty());
        assert!(hits(r"printf('\\n')").is_empty());
        assert!(hits(r"\\host").is_empty());
        assert!(hits(r"\\\\\\\\\\").is_empty());
        assert!(hits("ü\\\\ä\\ö").is_empty());
    }
}
