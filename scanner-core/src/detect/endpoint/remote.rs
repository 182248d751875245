//! Remote copies and shells in commands: `scp f user@host:/path`, `rsync -a d/ host:/d`,
//! `rsync host::module`, `ssh user@host`, `sftp -b batch user@host` (also behind `sshpass`),
//! with `$VAR`/`${VAR}` resolved from assignments earlier in the same script.

use super::host;
use super::{Form, Hit, Vars};

/// Commands that talk to a remote host over SSH (or rsync's own protocol).
const COMMANDS: &[&str] = &["scp", "rsync", "ssh", "sftp"];

/// One-letter options of these commands that take a value.
const OPTS_WITH_VALUE: &[u8] = b"bBcDEeFIiJLlmOoPpQRSWw";

/// A shell assignment: `NAME=value`, `export NAME="value"`. The value unquoted; values that
/// run commands (`$(..)`, backticks) are not kept.
pub fn assignment(line: &str) -> Option<(&str, String)> {
    let mut t = line.trim_start();
    for p in ["export ", "readonly ", "local ", "declare "] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.trim_start();
        }
    }
    let eq = t.find('=')?;
    let name = t.get(..eq)?;
    let first = name.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'_')
        || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return None;
    }
    let rest = t.get(eq + 1..)?;
    let value = match rest.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => {
            let inner = rest.get(1..)?;
            let close = inner.find(*q as char)?;
            inner.get(..close)?
        }
        _ => rest
            .split(|c: char| c.is_whitespace() || c == ';' || c == '#')
            .next()
            .unwrap_or(""),
    };
    if value.is_empty() || value.contains("$(") || value.contains('`') {
        return None;
    }
    Some((name, value.to_string()))
}

/// Remote destinations on one command line.
pub fn find(line: &str, vars: &Vars, out: &mut Vec<Hit>) {
    let b = line.as_bytes();
    if !COMMANDS
        .iter()
        .any(|c| super::find_bytes(b, c.as_bytes()).is_some())
    {
        return;
    }
    let mut cmd: Option<&'static str> = None;
    let mut skip_next = false;
    let mut port_next = false;
    let mut port: Option<u16> = None;
    for (start, raw) in tokens(line) {
        if matches!(raw, "|" | ";" | "&&" | "||" | "&")
            || raw.starts_with('>')
            || raw.starts_with('<')
        {
            cmd = None;
            continue;
        }
        let tok = raw.trim_matches(|c| c == '"' || c == '\'' || c == '(' || c == ')');
        let ends_command = raw.ends_with(';');
        let tok = tok.trim_end_matches(';');
        let base = tok.rsplit('/').next().unwrap_or(tok);
        if let Some(c) = COMMANDS.iter().find(|c| **c == base) {
            cmd = Some(c);
            skip_next = false;
            port_next = false;
            port = None;
            continue;
        }
        let Some(c) = cmd else { continue };
        if skip_next {
            skip_next = false;
            if port_next {
                port_next = false;
                port = host::port(tok);
            }
            continue;
        }
        if let Some(opt) = tok.strip_prefix('-') {
            if let Some(p) = opt
                .strip_prefix("oPort=")
                .or_else(|| opt.strip_prefix("o Port="))
            {
                port = host::port(p);
            } else if opt.len() == 1 && opt.bytes().all(|o| OPTS_WITH_VALUE.contains(&o)) {
                skip_next = true;
                port_next =
                    (opt == "P" && matches!(c, "scp" | "sftp")) || (opt == "p" && c == "ssh");
            }
            continue;
        }
        if let Some(h) = destination(c, tok, vars, port) {
            out.push(Hit { start, ..h });
            if matches!(c, "ssh" | "sftp") {
                // The rest of an ssh line is the remote command.
                cmd = None;
            }
        } else if matches!(c, "ssh" | "sftp") {
            cmd = None;
        }
        if ends_command {
            cmd = None;
        }
    }
}

/// Whitespace-separated tokens with their byte offsets.
fn tokens(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let rest = line.get(pos..)?;
        let skip = rest.len() - rest.trim_start().len();
        let start = pos + skip;
        let tail = line.get(start..)?;
        if tail.is_empty() {
            return None;
        }
        let len = tail.find(char::is_whitespace).unwrap_or(tail.len());
        pos = start + len;
        Some((start, tail.get(..len)?))
    })
}

/// `[user@]host:path` (scp, rsync), `host::module` (rsync daemon), `[user@]host[:path]`
/// (ssh, sftp).
fn destination(cmd: &'static str, tok: &str, vars: &Vars, port: Option<u16>) -> Option<Hit> {
    let resolved = vars.resolve(tok);
    let from_var = resolved.is_some();
    let t = resolved.as_deref().unwrap_or(tok);
    if t.contains('$') || t.contains('%') || t.contains('{') {
        return None;
    }
    let (userhost, daemon) = match cmd {
        "scp" | "rsync" => {
            let (left, right) = t.split_once(':')?;
            (left, right.starts_with(':'))
        }
        _ => (t.split(':').next().unwrap_or(t), false),
    };
    if userhost.contains('/') || userhost.len() < 2 {
        return None; // a local path or a drive letter
    }
    let (user, h) = match userhost.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, userhost),
    };
    let host = host::normalize(h)?;
    // `ssh to host` in prose: a destination has a user, a dot, a digit, or came from a variable.
    if user.is_none()
        && !from_var
        && !host.contains('.')
        && !host.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (scheme, default) = if daemon { ("rsync", 873) } else { (cmd, 22) };
    Some(Hit {
        form: Form::RemoteCopy,
        start: 0,
        url: t.to_string(),
        scheme: scheme.to_string(),
        port: port.or(Some(default)),
        local: host::is_local(&host),
        host,
        doc: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str, vars: &Vars) -> Vec<(String, String, Option<u16>, String)> {
        let mut out = Vec::new();
        find(line, vars, &mut out);
        out.into_iter()
            .map(|h| (h.scheme, h.host, h.port, h.url))
            .collect()
    }

    fn one(line: &str) -> Vec<(String, String, Option<u16>, String)> {
        hits(line, &Vars::default())
    }

    #[test]
    fn scp_rsync_ssh_sftp() {
        assert_eq!(
            one("scp -P 2222 -i ~/.ssh/id /tmp/x.csv import@files.example.net:/in/"),
            [(
                "scp".into(),
                "files.example.net".into(),
                Some(2222),
                "import@files.example.net:/in/".into()
            )]
        );
        assert_eq!(
            one("rsync -az /data/ backup01:/srv/backup/")[0].1,
            "backup01"
        );
        assert_eq!(
            one("rsync -az /data/ mirror.example.net::pub")[0].2,
            Some(873)
        );
        assert_eq!(
            one("ssh -p 2200 ops@bastion.example.net 'scp a b:'"),
            [(
                "ssh".into(),
                "bastion.example.net".into(),
                Some(2200),
                "ops@bastion.example.net".into()
            )]
        );
        assert_eq!(
            one("sshpass -p pw sftp -oBatchMode=no -b - acme@10.1.2.3")[0].1,
            "10.1.2.3"
        );
    }

    #[test]
    fn variables_from_the_script() {
        let mut vars = Vars::default();
        for l in [
            "SFTP_HOST=sftp-legacy.example.net",
            "export SFTP_USER=\"import\"",
        ] {
            if let Some((k, v)) = assignment(l) {
                vars.set(k, &v);
            }
        }
        let got = hits(
            r#"sshpass -p "$SFTP_PASS" sftp -b - "$SFTP_USER@${SFTP_HOST}" <<EOF"#,
            &vars,
        );
        assert_eq!(
            got,
            [(
                "sftp".into(),
                "sftp-legacy.example.net".into(),
                Some(22),
                "import@sftp-legacy.example.net".into()
            )]
        );
        assert_eq!(assignment("X=$(hostname)"), None);
        assert_eq!(
            assignment("A_B='x y' # c"),
            Some(("A_B", "x y".to_string()))
        );
    }

    #[test]
    fn not_destinations() {
        assert!(one("use ssh to connect to the host").is_empty());
        assert!(one("scp ./a ./b").is_empty());
        assert!(one("scp C:/x d").is_empty());
        assert!(one("ssh $UNKNOWN").is_empty());
        assert!(one("ssh-keygen -t ed25519 user@host").is_empty());
        assert!(one("ssh ü@é").is_empty());
    }
}
