//! Commands that name units: `systemctl`, `service`, `invoke-rc.d`, `deb-systemd-invoke`,
//! `deb-systemd-helper`, `update-rc.d`, `chkconfig`, `journalctl -u`, RPM's `%systemd_*`
//! macros; and commands that put a unit file in place (`cp`/`install`/`mv`/`ln`/`tee` or a
//! redirection into a unit directory, `systemctl link|enable /path/x.service`).
//!
//! Commands are found after `sudo`, `env`, `exec`, `nohup`, `timeout`, shell keywords,
//! assignments and YAML or Dockerfile prefixes (`shell:`, `command:`, `run:`, `- `, `RUN`),
//! and inside `sh -c '…'`, `su -c '…'` and a quoted command line.

use super::name;
use super::shell::{self, Command, Word};
use super::{Event, Need};

/// Words that, when one occurs in a line, make the line worth lexing.
pub const KEYWORDS: &[&str] = &[
    "systemctl",
    "service",
    "invoke-rc.d",
    "deb-systemd-",
    "update-rc.d",
    "chkconfig",
    "journalctl",
    "systemd/",
    "%systemd_",
];

/// How deep `sh -c '…'` is followed.
const MAX_NESTING: u32 = 3;

/// Words that come before the command itself.
const KEYWORD_PREFIXES: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "-",
    "RUN", "CMD", "exec", "nohup", "command", "builtin", "setsid", "stdbuf", "nice", "ionice",
    "chrt", "xargs", "-exec",
];

/// YAML keys whose value is a command line (Ansible, CI files, compose).
const COMMAND_KEYS: &[&str] = &[
    "shell:",
    "command:",
    "cmd:",
    "run:",
    "script:",
    "raw:",
    "exec:",
    "entrypoint:",
];

/// Wrappers whose options are skipped; the first word after them that is no option is the
/// command. (wrapper, options that take a separate value)
const WRAPPERS: &[(&str, &[&str])] = &[
    (
        "sudo",
        &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"],
    ),
    ("doas", &["-u", "-C"]),
    ("env", &["-u", "-C", "-S"]),
    ("runuser", &["-u", "-g", "-G", "-l"]),
    ("timeout", &["-s", "-k", "--signal", "--kill-after"]),
];

/// Whether a word is a shell assignment (`X=1`).
fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((n, _)) => {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
                && !n.bytes().next().is_some_and(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The command name and its arguments, prefixes skipped.
fn resolve(words: &[Word]) -> Option<(&str, &[Word])> {
    let mut i = 0;
    loop {
        let w = words.get(i)?;
        let t = w.text.as_str();
        // A shell prompt in documentation (`$ sudo systemctl restart acme`).
        if t == "$" && i == 0 {
            i += 1;
            continue;
        }
        if w.dynamic {
            return None;
        }
        if KEYWORD_PREFIXES.contains(&t) || is_assignment(t) || COMMAND_KEYS.contains(&t) {
            i += 1;
            continue;
        }
        let base = if t.contains(char::is_whitespace) {
            t
        } else {
            t.rsplit('/').next().unwrap_or(t)
        };
        if let Some((wrapper, takes)) = WRAPPERS.iter().find(|(n, _)| *n == base) {
            i += 1;
            let mut skipped_duration = false;
            while let Some(o) = words.get(i) {
                let ot = o.text.as_str();
                if ot == "--" {
                    i += 1;
                    break;
                }
                if ot.starts_with('-') && ot.len() > 1 {
                    i += if takes.contains(&ot) { 2 } else { 1 };
                } else if is_assignment(ot) {
                    i += 1;
                } else if *wrapper == "timeout" && !skipped_duration {
                    skipped_duration = true;
                    i += 1;
                } else {
                    break;
                }
            }
            continue;
        }
        return Some((base, words.get(i + 1..).unwrap_or_default()));
    }
}

/// Options of systemctl that take a separate value.
const SYSTEMCTL_VALUED: &[&str] = &[
    "-t",
    "--type",
    "-p",
    "--property",
    "-s",
    "--signal",
    "-H",
    "--host",
    "-M",
    "--machine",
    "-n",
    "--lines",
    "-o",
    "--output",
    "--root",
    "--image",
    "--state",
    "--job-mode",
    "--kill-whom",
    "--kill-value",
    "--what",
    "--timestamp",
    "--preset-mode",
    "--boot-loader-entry",
    "--reboot-argument",
    "--message",
    "--drop-in",
    "--when",
];

/// Which arguments of a verb are units.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Args {
    All,
    First,
    /// Paths of unit files to link in.
    Paths,
}

/// systemctl verbs that take units.
const SYSTEMCTL_VERBS: &[(&str, Need, Args)] = &[
    ("start", Need::Starts, Args::All),
    ("restart", Need::Starts, Args::All),
    ("reload", Need::Starts, Args::All),
    ("try-restart", Need::Starts, Args::All),
    ("reload-or-restart", Need::Starts, Args::All),
    ("try-reload-or-restart", Need::Starts, Args::All),
    ("reload-or-try-restart", Need::Starts, Args::All),
    ("force-reload", Need::Starts, Args::All),
    ("condrestart", Need::Starts, Args::All),
    ("condreload", Need::Starts, Args::All),
    ("enable", Need::Starts, Args::All),
    ("reenable", Need::Starts, Args::All),
    ("isolate", Need::Starts, Args::First),
    ("set-default", Need::Starts, Args::First),
    ("stop", Need::Uses, Args::All),
    ("condstop", Need::Uses, Args::All),
    ("kill", Need::Uses, Args::All),
    ("clean", Need::Uses, Args::All),
    ("freeze", Need::Uses, Args::All),
    ("thaw", Need::Uses, Args::All),
    ("is-active", Need::Uses, Args::All),
    ("is-failed", Need::Uses, Args::All),
    ("is-enabled", Need::Uses, Args::All),
    ("status", Need::Uses, Args::All),
    ("show", Need::Uses, Args::All),
    ("cat", Need::Uses, Args::All),
    ("help", Need::Uses, Args::All),
    ("list-dependencies", Need::Uses, Args::All),
    ("disable", Need::Uses, Args::All),
    ("mask", Need::Uses, Args::All),
    ("unmask", Need::Uses, Args::All),
    ("preset", Need::Uses, Args::All),
    ("revert", Need::Uses, Args::All),
    ("reset-failed", Need::Uses, Args::All),
    ("edit", Need::Uses, Args::All),
    ("add-wants", Need::Uses, Args::All),
    ("add-requires", Need::Uses, Args::All),
    ("set-property", Need::Uses, Args::First),
    ("bind", Need::Uses, Args::First),
    ("mount-image", Need::Uses, Args::First),
    ("link", Need::Uses, Args::Paths),
];

/// SysV actions (`service x restart`, `invoke-rc.d x restart`) and how much they need the unit.
fn sysv_action(action: &str) -> Option<Need> {
    match action {
        "start" | "restart" | "reload" | "force-reload" | "try-restart" | "condrestart"
        | "reload-or-restart" | "--full-restart" => Some(Need::Starts),
        "stop" | "status" | "condstop" | "force-stop" => Some(Need::Uses),
        _ => None,
    }
}

/// Debian helper actions of `deb-systemd-helper`.
fn helper_action(action: &str) -> Option<Need> {
    match action {
        "enable" | "reenable" => Some(Need::Starts),
        "disable" | "purge" | "mask" | "unmask" | "is-enabled" | "was-enabled"
        | "debian-installed" | "update-state" => Some(Need::Uses),
        _ => None,
    }
}

/// The positional arguments: options (and the values of `valued` ones) dropped.
fn positional<'a>(args: &'a [Word], valued: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut options = true;
    while let Some(w) = args.get(i) {
        i += 1;
        let t = w.text.as_str();
        if options && t == "--" {
            options = false;
            continue;
        }
        if options && t.starts_with('-') && t.len() > 1 && !w.dynamic {
            if valued.contains(&t) {
                i += 1;
            }
            continue;
        }
        out.push(w);
    }
    out
}

fn refers(out: &mut Vec<Event>, word: &Word, directive: String, need: Need) {
    if word.dynamic {
        return;
    }
    if let Some(n) = name::from_command(&word.text) {
        out.push(Event::Refers {
            name: n,
            directive,
            need,
        });
    }
}

/// A unit file put in place at `path` (a unit name in a unit directory).
fn ships_path(out: &mut Vec<Event>, path: &str) {
    let base = path.rsplit('/').next().unwrap_or(path);
    if name::is_valid(base) {
        out.push(Event::Ships {
            name: base.to_string(),
            alias_of: None,
        });
    }
}

/// Whether a directory is a unit directory.
fn is_unit_dir(dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    ["systemd/system", "systemd/user"]
        .iter()
        .any(|d| dir.ends_with(d))
}

/// The unit whose `.wants`/`.requires`/`.upholds` directory `dir` is.
fn deps_dir(dir: &str) -> Option<&str> {
    let (parent, last) = dir.trim_end_matches('/').rsplit_once('/')?;
    let unit = [".wants", ".requires", ".upholds"]
        .iter()
        .find_map(|s| last.strip_suffix(s))?;
    is_unit_dir(parent).then_some(unit)
}

/// Whether a path written by a script is in a unit directory (or a dependency directory of
/// one).
fn in_unit_dir(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    is_unit_dir(dir) || deps_dir(dir).is_some()
}

fn systemctl(args: &[Word], out: &mut Vec<Event>) {
    let pos = positional(args, SYSTEMCTL_VALUED);
    let Some((verb, units)) = pos.split_first() else {
        return;
    };
    if verb.dynamic {
        return;
    }
    let Some((v, need, which)) = SYSTEMCTL_VERBS.iter().find(|(v, _, _)| *v == verb.text) else {
        return;
    };
    let units: &[&Word] = match which {
        Args::First => units.get(..1).unwrap_or_default(),
        _ => units,
    };
    for u in units {
        if u.dynamic {
            continue;
        }
        let is_path = u.text.contains('/');
        if is_path && (*which == Args::Paths || matches!(*v, "enable" | "reenable")) {
            ships_path(out, &u.text);
        } else if !is_path && *which != Args::Paths {
            refers(out, u, format!("systemctl {v}"), *need);
        }
    }
}

/// `service NAME ACTION`, `invoke-rc.d NAME ACTION`.
fn sysv(tool: &str, args: &[Word], out: &mut Vec<Event>) {
    let pos = positional(args, &[]);
    let (Some(unit), Some(action)) = (pos.first(), pos.get(1)) else {
        return;
    };
    if let Some(need) = sysv_action(&action.text).filter(|_| !action.dynamic) {
        let a = action.text.trim_start_matches('-');
        refers(out, unit, format!("{tool} {a}"), need);
    }
}

/// `deb-systemd-invoke ACTION UNIT...`.
fn deb_invoke(args: &[Word], out: &mut Vec<Event>) {
    let pos = positional(args, &[]);
    let Some((action, units)) = pos.split_first() else {
        return;
    };
    // dh's generated snippets pass the action in a variable: the unit is still named.
    let (label, need) = if action.dynamic {
        ("deb-systemd-invoke".to_string(), Need::Uses)
    } else {
        match sysv_action(&action.text) {
            Some(n) => (format!("deb-systemd-invoke {}", action.text), n),
            None => return,
        }
    };
    for u in units {
        refers(out, u, label.clone(), need);
    }
}

/// `deb-systemd-helper ACTION UNIT...`.
fn deb_helper(args: &[Word], out: &mut Vec<Event>) {
    let pos = positional(args, &[]);
    let Some((action, units)) = pos.split_first() else {
        return;
    };
    let Some(need) = helper_action(&action.text).filter(|_| !action.dynamic) else {
        return;
    };
    for u in units {
        refers(out, u, format!("deb-systemd-helper {}", action.text), need);
    }
}

/// `update-rc.d [-f] NAME defaults|enable|disable|remove`.
fn update_rc(args: &[Word], out: &mut Vec<Event>) {
    let pos = positional(args, &[]);
    let (Some(unit), Some(action)) = (pos.first(), pos.get(1)) else {
        return;
    };
    let need = match action.text.as_str() {
        "defaults" | "enable" | "start" => Need::Starts,
        "disable" | "remove" | "stop" | "defaults-disabled" => Need::Uses,
        _ => return,
    };
    refers(out, unit, format!("update-rc.d {}", action.text), need);
}

/// `chkconfig NAME on|off`, `chkconfig --add|--del NAME`, `chkconfig --level 35 NAME on`.
fn chkconfig(args: &[Word], out: &mut Vec<Event>) {
    let mut rest = args;
    while let Some((w, tail)) = rest.split_first() {
        match w.text.as_str() {
            "--level" => rest = tail.get(1..).unwrap_or_default(),
            "--add" | "--del" => {
                if let Some(u) = tail.first() {
                    refers(out, u, format!("chkconfig {}", w.text), Need::Uses);
                }
                return;
            }
            t if t.starts_with('-') => rest = tail,
            _ => {
                let need = match tail.first().map(|a| a.text.as_str()) {
                    Some("on") => Need::Starts,
                    Some("off" | "reset") => Need::Uses,
                    _ => return,
                };
                refers(out, w, "chkconfig".to_string(), need);
                return;
            }
        }
    }
}

/// `journalctl -u NAME`, `--unit NAME`, `--unit=NAME`, `-uNAME`, `--user-unit`.
fn journalctl(args: &[Word], out: &mut Vec<Event>) {
    let mut i = 0;
    while let Some(w) = args.get(i) {
        i += 1;
        let t = w.text.as_str();
        let value: Option<Word> = match t {
            "-u" | "--unit" | "--user-unit" => {
                i += 1;
                args.get(i - 1).cloned()
            }
            _ => t
                .strip_prefix("--unit=")
                .or_else(|| t.strip_prefix("--user-unit="))
                .or_else(|| t.strip_prefix("-u").filter(|v| !v.is_empty()))
                .map(|v| Word {
                    text: v.to_string(),
                    dynamic: w.dynamic,
                }),
        };
        if let Some(v) = value {
            refers(out, &v, "journalctl -u".to_string(), Need::Ordering);
        }
    }
}

/// `cp`, `install`, `mv`, `ln`: files put into a unit directory.
fn copies(tool: &str, args: &[Word], out: &mut Vec<Event>) {
    let valued: &[&str] = match tool {
        "install" => &["-m", "-o", "-g", "-t", "--mode", "--owner", "--group", "-S"],
        _ => &["-t", "-S", "--suffix"],
    };
    // `-t DIR` / `--target-directory=DIR` name the destination first.
    let mut target_dir: Option<&Word> = None;
    for (i, w) in args.iter().enumerate() {
        if w.text == "-t" {
            target_dir = args.get(i + 1);
        }
    }
    let pos = positional(args, valued);
    if pos.iter().any(|w| w.dynamic) {
        return;
    }
    let (dest, sources): (&str, Vec<&Word>) = match target_dir {
        Some(d) => (d.text.as_str(), pos.clone()),
        None => match pos.split_last() {
            Some((d, s)) if !s.is_empty() => (d.text.as_str(), s.to_vec()),
            _ => return,
        },
    };
    let dest_is_dir = dest.ends_with('/')
        || ["systemd/system", "systemd/user"]
            .iter()
            .any(|d| dest.ends_with(d));
    if tool == "ln" {
        // A link whose name differs from its target is an alias; the same name is an
        // enablement of a unit that must exist.
        if dest_is_dir || !in_unit_dir(dest) {
            return;
        }
        let Some(src) = sources.last() else { return };
        if src.text == "/dev/null" {
            return;
        }
        let link = dest.rsplit('/').next().unwrap_or(dest);
        let target = src.text.rsplit('/').next().unwrap_or(&src.text);
        if !name::is_valid(link) || !name::is_valid(target) {
            return;
        }
        if link != target {
            out.push(Event::Ships {
                name: link.to_string(),
                alias_of: Some(target.to_string()),
            });
        }
        let dir = dest.rsplit_once('/').map_or("", |(d, _)| d);
        let wanted_by = deps_dir(dir);
        out.push(Event::Refers {
            name: target.to_string(),
            directive: "ln -s".to_string(),
            need: if wanted_by.is_some() {
                Need::Uses
            } else {
                Need::Starts
            },
        });
        if let Some(unit) = wanted_by.filter(|u| name::is_valid(u)) {
            out.push(Event::Refers {
                name: unit.to_string(),
                directive: "ln -s".to_string(),
                need: Need::Uses,
            });
        }
        return;
    }
    if dest_is_dir {
        if ["systemd/system", "systemd/user"]
            .iter()
            .any(|d| dest.trim_end_matches('/').ends_with(d))
        {
            for s in sources {
                ships_path(out, &s.text);
            }
        }
    } else if in_unit_dir(dest) {
        ships_path(out, dest);
    }
}

/// RPM's `%systemd_post x.service`, `%systemd_postun_with_restart x.service`...
fn rpm_macro(macro_name: &str, args: &[Word], out: &mut Vec<Event>) {
    let need = if macro_name.ends_with("_with_restart") {
        Need::Starts
    } else {
        Need::Uses
    };
    for u in args {
        refers(out, u, macro_name.to_string(), need);
    }
}

fn command(c: &Command, depth: u32, out: &mut Vec<Event>) {
    for w in &c.writes {
        if !w.dynamic && in_unit_dir(&w.text) {
            ships_path(out, &w.text);
        }
    }
    let Some((cmd, args)) = resolve(&c.words) else {
        return;
    };
    // A whole command line in one quoted word (`shell: "systemctl restart x"`).
    if cmd.contains(char::is_whitespace) {
        if depth >= MAX_NESTING {
            return;
        }
        if KEYWORDS.iter().any(|k| cmd.contains(k)) {
            for inner in shell::lex(cmd).commands {
                command(&inner, depth + 1, out);
            }
        }
        return;
    }
    match cmd {
        "systemctl" => systemctl(args, out),
        "service" | "invoke-rc.d" => sysv(cmd, args, out),
        "deb-systemd-invoke" => deb_invoke(args, out),
        "deb-systemd-helper" => deb_helper(args, out),
        "update-rc.d" => update_rc(args, out),
        "chkconfig" => chkconfig(args, out),
        "journalctl" => journalctl(args, out),
        "cp" | "install" | "mv" | "ln" => copies(cmd, args, out),
        "tee" => {
            for w in positional(args, &[]) {
                if !w.dynamic && in_unit_dir(&w.text) {
                    ships_path(out, &w.text);
                }
            }
        }
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "su" if depth < MAX_NESTING => {
            let script = args
                .iter()
                .position(|w| w.text == "-c" || w.text == "--command")
                .and_then(|i| args.get(i + 1));
            if let Some(s) = script.filter(|s| !s.dynamic) {
                for inner in shell::lex(&s.text).commands {
                    command(&inner, depth + 1, out);
                }
            }
        }
        m if m.starts_with("%systemd_") => rpm_macro(m, args, out),
        _ => {}
    }
}

/// What the commands of one logical line ship and refer to.
pub fn line_events(line: &str) -> Vec<Event> {
    let mut out = Vec::new();
    for c in shell::lex(line).commands {
        command(&c, 0, &mut out);
    }
    out
}

/// What a line of a script does, and the here-document it opens.
pub fn line(line: &str) -> (Vec<Event>, Option<String>) {
    let lexed = shell::lex(line);
    let mut out = Vec::new();
    for c in &lexed.commands {
        command(c, 0, &mut out);
    }
    (out, lexed.heredoc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, directive, need) of the references; ships as ("ships name", alias of, Uses).
    fn ev(line: &str) -> Vec<(String, String, Need)> {
        line_events(line)
            .into_iter()
            .map(|e| match e {
                Event::Refers {
                    name,
                    directive,
                    need,
                } => (name, directive, need),
                Event::Ships { name, alias_of } => (
                    format!("ships {name}"),
                    alias_of.unwrap_or_default(),
                    Need::Uses,
                ),
            })
            .collect()
    }

    fn r(name: &str, directive: &str, need: Need) -> (String, String, Need) {
        (name.into(), directive.into(), need)
    }

    #[test]
    fn systemctl_forms() {
        assert_eq!(
            ev("sudo -u root systemctl --no-block -q restart acme-importer acme.timer || true"),
            [
                r("acme-importer.service", "systemctl restart", Need::Starts),
                r("acme.timer", "systemctl restart", Need::Starts)
            ]
        );
        assert_eq!(
            ev("/usr/bin/systemctl enable --now 'acme.service'"),
            [r("acme.service", "systemctl enable", Need::Starts)]
        );
        assert_eq!(
            ev("systemctl -p MainPID show acme; systemctl daemon-reload"),
            [r("acme.service", "systemctl show", Need::Uses)]
        );
        assert_eq!(
            ev("systemctl stop \"$SVC\" ${UNIT} acme-*.service worker@{1..3}.service"),
            []
        );
        assert_eq!(
            ev("systemctl set-property acme.service CPUQuota=20%"),
            [r("acme.service", "systemctl set-property", Need::Uses)]
        );
        assert_eq!(
            ev("systemctl link /opt/acme/acme-web.service"),
            [r("ships acme-web.service", "", Need::Uses)]
        );
        assert_eq!(ev("echo systemctl restart acme"), []);
        assert_eq!(
            ev("if ! systemctl is-active --quiet acme; then"),
            [r("acme.service", "systemctl is-active", Need::Uses)]
        );
    }

    #[test]
    fn sysv_and_debian_forms() {
        assert_eq!(
            ev("service acme-importer restart >/dev/null 2>&1"),
            [r("acme-importer.service", "service restart", Need::Starts)]
        );
        assert_eq!(ev("service --status-all"), []);
        assert_eq!(ev("service is started by"), []);
        assert_eq!(
            ev("invoke-rc.d --quiet acme stop"),
            [r("acme.service", "invoke-rc.d stop", Need::Uses)]
        );
        assert_eq!(
            ev("deb-systemd-invoke $_dh_action 'acme.service' 'acme.timer' >/dev/null || true"),
            [
                r("acme.service", "deb-systemd-invoke", Need::Uses),
                r("acme.timer", "deb-systemd-invoke", Need::Uses)
            ]
        );
        assert_eq!(
            ev("if deb-systemd-helper --quiet was-enabled 'acme.service'; then"),
            [r(
                "acme.service",
                "deb-systemd-helper was-enabled",
                Need::Uses
            )]
        );
        assert_eq!(
            ev("deb-systemd-helper enable 'acme.service' >/dev/null || true"),
            [r("acme.service", "deb-systemd-helper enable", Need::Starts)]
        );
        assert_eq!(
            ev("update-rc.d acme defaults"),
            [r("acme.service", "update-rc.d defaults", Need::Starts)]
        );
        assert_eq!(
            ev("chkconfig --level 35 acme on; chkconfig --add acme-w"),
            [
                r("acme.service", "chkconfig", Need::Starts),
                r("acme-w.service", "chkconfig --add", Need::Uses)
            ]
        );
        assert_eq!(
            ev("journalctl -u acme --since today; journalctl --unit=b.timer"),
            [
                r("acme.service", "journalctl -u", Need::Ordering),
                r("b.timer", "journalctl -u", Need::Ordering)
            ]
        );
        assert_eq!(
            ev("%systemd_postun_with_restart acme.service"),
            [r(
                "acme.service",
                "%systemd_postun_with_restart",
                Need::Starts
            )]
        );
    }

    #[test]
    fn wrappers_and_nesting() {
        assert_eq!(
            ev("- shell: \"systemctl restart acme\""),
            [r("acme.service", "systemctl restart", Need::Starts)]
        );
        assert_eq!(
            ev("RUN systemctl enable acme"),
            [r("acme.service", "systemctl enable", Need::Starts)]
        );
        assert_eq!(
            ev("timeout 30 env A=1 sh -c 'systemctl start acme'"),
            [r("acme.service", "systemctl start", Need::Starts)]
        );
        assert_eq!(ev("ExecStop=x"), []);
        assert_eq!(ev("msg: \"systemctl restart acme failed\""), []);
        assert_eq!(
            ev("$ sudo systemctl restart acme"),
            [r("acme.service", "systemctl restart", Need::Starts)]
        );
        assert_eq!(ev("$SVC restart acme"), []);
        assert_eq!(ev("  - name: systemctl restart acme"), []);
        assert_eq!(
            ev("      run: sudo systemctl restart acme"),
            [r("acme.service", "systemctl restart", Need::Starts)]
        );
    }

    #[test]
    fn unit_files_put_in_place() {
        assert_eq!(
            ev("install -m 644 acme.service /lib/systemd/system/"),
            [r("ships acme.service", "", Need::Uses)]
        );
        assert_eq!(
            ev("cp /opt/acme/unit/acme-worker@.service /etc/systemd/system/acme-worker@.service"),
            [r("ships acme-worker@.service", "", Need::Uses)]
        );
        assert_eq!(
            ev("cat > /etc/systemd/system/acme-web.service <<EOF"),
            [r("ships acme-web.service", "", Need::Uses)]
        );
        assert_eq!(
            ev("ln -sf /lib/systemd/system/acme.service /etc/systemd/system/multi-user.target.wants/acme.service"),
            [
                r("acme.service", "ln -s", Need::Uses),
                r("multi-user.target", "ln -s", Need::Uses)
            ]
        );
        assert_eq!(
            ev("ln -s /lib/systemd/system/acme-import.service /etc/systemd/system/acme.service"),
            [
                r("ships acme.service", "acme-import.service", Need::Uses),
                r("acme-import.service", "ln -s", Need::Starts)
            ]
        );
        assert_eq!(ev("ln -s /dev/null /etc/systemd/system/acme.service"), []);
        assert_eq!(ev("cp a.service $DEST/"), []);
        assert_eq!(
            line("cat <<'EOF' > /etc/systemd/system/x.service")
                .1
                .as_deref(),
            Some("EOF")
        );
    }
}
