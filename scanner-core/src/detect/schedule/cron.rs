//! Crontabs, periodic directories and anacrontab.
//!
//! ## What it does
//! Reads system crontabs (`etc/crontab`, `etc/cron.d/*`: minute hour dom month dow **user**
//! command), user crontabs (`var/spool/cron/**`, files named `crontab`, `*.cron`, `*.crontab`:
//! no user field), `@reboot`/`@daily`... macros, names, ranges, steps, `~` random ranges and the
//! environment lines cron honours (`CRON_TZ`/`TZ`, `RANDOM_DELAY`, `MAILTO`, `SHELL`, `PATH`).
//! Scripts in `etc/cron.{hourly,daily,weekly,monthly}/` are tasks timed by the package's own
//! crontab or anacrontab when it has one, else by Debian's defaults. anacrontab lines (period,
//! delay, job id, command; `START_HOURS_RANGE`, `RANDOM_DELAY`) are tasks too.
//!
//! ## Why is this bad?
//! A job that fires during the maintenance window runs against a half-upgraded system.

use crate::schedule::{CronDialect, CronRecurrence, Kind, Task, Timing};
use chrono::Duration;
use chrono_tz::Tz;

/// Which crontab format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrontabFlavor {
    /// System crontab: a user field after the schedule.
    System,
    /// User crontab: no user field.
    User,
}

/// Classify a path (inside its container) as a crontab.
pub fn crontab_flavor(path: &str) -> Option<CrontabFlavor> {
    let p = path.trim_start_matches("./").trim_start_matches('/');
    let name = p.rsplit('/').next().unwrap_or(p);
    if p == "etc/crontab" || p.ends_with("/etc/crontab") {
        return Some(CrontabFlavor::System);
    }
    if let Some(i) = p.find("etc/cron.d/") {
        if (i == 0 || p[..i].ends_with('/')) && !name.is_empty() {
            return Some(CrontabFlavor::System);
        }
    }
    if p.contains("var/spool/cron/")
        || name == "crontab"
        || name.ends_with(".cron")
        || name.ends_with(".crontab")
    {
        return Some(CrontabFlavor::User);
    }
    None
}

/// The periodic directory a script lives in, as (directory, period word).
pub fn periodic_dir(path: &str) -> Option<(&'static str, &'static str)> {
    let p = path.trim_start_matches("./").trim_start_matches('/');
    for (dir, word) in [
        ("etc/cron.hourly/", "hourly"),
        ("etc/cron.daily/", "daily"),
        ("etc/cron.weekly/", "weekly"),
        ("etc/cron.monthly/", "monthly"),
    ] {
        if let Some(i) = p.find(dir) {
            let rest = &p[i + dir.len()..];
            if (i == 0 || p[..i].ends_with('/')) && !rest.is_empty() && !rest.contains('/') {
                return Some((&dir[..dir.len() - 1], word));
            }
        }
    }
    None
}

/// True for anacrontab files.
pub fn is_anacrontab(path: &str) -> bool {
    path.rsplit('/').next() == Some("anacrontab")
}

/// A line cron could not read: (line, what is wrong, the line).
pub type Invalid = (u32, String, String);

/// What a crontab holds.
#[derive(Debug, Default)]
pub struct Crontab {
    /// Its tasks.
    pub tasks: Vec<Task>,
    /// Lines that are not valid cron.
    pub invalid: Vec<Invalid>,
    /// `run-parts DIR` lines: (directory without leading `/`, the task's schedule as written,
    /// its description).
    pub run_parts: Vec<RunParts>,
}

/// A crontab line that runs a periodic directory.
#[derive(Debug, Clone)]
pub struct RunParts {
    /// Directory, e.g. `etc/cron.daily`.
    pub dir: String,
    /// Schedule as written.
    pub expression: String,
    /// Where: `etc/crontab:12`.
    pub source: String,
    /// The pattern for croner.
    pub pattern: String,
    /// Its zone.
    pub timezone: Option<Tz>,
    /// Random delay.
    pub jitter: Duration,
}

/// The schedule macros of Vixie cron and cronie (`@reboot` aside), with their patterns.
pub const MACROS: [(&str, &str); 7] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

/// Replace cronie's `a~b` random ranges by `a-b` (the value is picked at random in it).
fn normalise_random(field: &str) -> (String, bool) {
    if !field.contains('~') {
        return (field.to_string(), false);
    }
    let parts: Vec<String> = field
        .split(',')
        .map(|p| match p.split_once('~') {
            Some(("", "")) => "*".to_string(),
            Some((a, b)) => format!("{}-{}", if a.is_empty() { "0" } else { a }, b),
            None => p.to_string(),
        })
        .collect();
    (parts.join(","), true)
}

/// Split off the first `n` whitespace-separated fields; the rest (command) keeps its spacing.
fn split_fields(line: &str, n: usize) -> Option<(Vec<&str>, &str)> {
    let mut fields = Vec::with_capacity(n);
    let mut rest = line.trim_start();
    for _ in 0..n {
        let end = rest.find(char::is_whitespace)?;
        fields.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    Some((fields, rest))
}

/// Parse a crontab.
pub fn parse_crontab(path: &str, text: &str, flavor: CrontabFlavor) -> Crontab {
    let mut out = Crontab::default();
    let mut tz: Option<Tz> = None;
    let mut jitter = Duration::zero();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Environment lines: NAME=value (the name is a word, before any space).
        if let Some((name, value)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                match name {
                    "CRON_TZ" | "TZ" => match value.parse::<Tz>() {
                        Ok(z) => tz = Some(z),
                        Err(_) => out.invalid.push((
                            line_no,
                            format!("unknown time zone '{value}' in {name}"),
                            raw.to_string(),
                        )),
                    },
                    "RANDOM_DELAY" => match value.parse::<i64>() {
                        Ok(m) if m >= 0 => jitter = Duration::minutes(m),
                        _ => out.invalid.push((
                            line_no,
                            format!("RANDOM_DELAY must be whole minutes, not '{value}'"),
                            raw.to_string(),
                        )),
                    },
                    _ => {}
                }
                continue;
            }
        }
        let user_field = flavor == CrontabFlavor::System;
        let (expression, pattern, randomized, rest) = if line.starts_with('@') {
            let n = if user_field { 2 } else { 1 };
            let Some((fields, rest)) = split_fields(line, n) else {
                out.invalid.push((
                    line_no,
                    "a schedule without a command".into(),
                    raw.to_string(),
                ));
                continue;
            };
            let mac = fields[0].to_ascii_lowercase();
            let user = fields.get(1).copied();
            if mac == "@reboot" {
                out.tasks.push(Task {
                    kind: Kind::Cron,
                    path: path.to_string(),
                    line: line_no,
                    expression: fields[0].to_string(),
                    timing: Timing::Event {
                        event: "at every boot (@reboot), and so after a restart during the upgrade"
                            .into(),
                    },
                    timezone: tz,
                    command: Some(rest.to_string()),
                    user: user.map(str::to_string),
                    note: None,
                    enabled: true,
                });
                continue;
            }
            let Some((_, pattern)) = MACROS.iter().find(|(m, _)| *m == mac) else {
                out.invalid.push((
                    line_no,
                    format!("unknown schedule macro '{}'", fields[0]),
                    raw.to_string(),
                ));
                continue;
            };
            let rest_with_user = match user {
                Some(u) => format!("{u} {rest}"),
                None => rest.to_string(),
            };
            (
                fields[0].to_string(),
                pattern.to_string(),
                false,
                rest_with_user,
            )
        } else {
            let Some((fields, rest)) = split_fields(line, 5) else {
                out.invalid.push((
                    line_no,
                    "fewer than five schedule fields".into(),
                    raw.to_string(),
                ));
                continue;
            };
            let mut randomized = false;
            let normal: Vec<String> = fields
                .iter()
                .map(|f| {
                    let (n, r) = normalise_random(f);
                    randomized |= r;
                    n
                })
                .collect();
            (
                fields.join(" "),
                normal.join(" "),
                randomized,
                rest.to_string(),
            )
        };
        let (user, command) = if user_field {
            match split_fields(&rest, 1) {
                Some((u, cmd)) if !cmd.is_empty() => (Some(u[0].to_string()), cmd.to_string()),
                _ => {
                    out.invalid.push((
                        line_no,
                        "a system crontab line needs a user and a command".into(),
                        raw.to_string(),
                    ));
                    continue;
                }
            }
        } else {
            (None, rest.clone())
        };
        if command.is_empty() {
            out.invalid.push((
                line_no,
                "a schedule without a command".into(),
                raw.to_string(),
            ));
            continue;
        }
        let recurrence = match CronRecurrence::parse(&pattern, CronDialect::default()) {
            Ok(r) => r,
            Err(e) => {
                out.invalid.push((
                    line_no,
                    format!("'{expression}' is not a valid schedule: {e}"),
                    raw.to_string(),
                ));
                continue;
            }
        };
        if let Some(dir) = run_parts_dir(&command) {
            out.run_parts.push(RunParts {
                dir,
                expression: expression.clone(),
                source: format!("{path}:{line_no}"),
                pattern: pattern.clone(),
                timezone: tz,
                jitter,
            });
        }
        out.tasks.push(Task {
            kind: Kind::Cron,
            path: path.to_string(),
            line: line_no,
            expression,
            timing: Timing::Clock {
                recurrence: Box::new(recurrence),
                jitter,
                randomized,
            },
            timezone: tz,
            command: Some(command),
            user,
            note: None,
            enabled: true,
        });
    }
    out
}

/// The directory a `run-parts` command runs, without its leading `/`.
pub fn run_parts_dir(command: &str) -> Option<String> {
    let mut words = command.split(|c: char| c.is_whitespace() || c == ';' || c == '{' || c == '}');
    while let Some(w) = words.next() {
        if w == "run-parts" || w.ends_with("/run-parts") {
            for arg in words.by_ref() {
                if arg.is_empty() || arg.starts_with('-') {
                    continue;
                }
                return Some(
                    arg.trim_start_matches('/')
                        .trim_end_matches('/')
                        .to_string(),
                );
            }
        }
    }
    None
}

/// What an anacrontab holds.
#[derive(Debug, Default)]
pub struct Anacrontab {
    /// Its jobs.
    pub tasks: Vec<Task>,
    /// Lines that are not valid.
    pub invalid: Vec<Invalid>,
    /// `run-parts` jobs: (directory, period words, source).
    pub run_parts: Vec<(String, String, String)>,
}

/// A recurrence for anacron: "once every N days, when the machine is up, within
/// START_HOURS_RANGE". Its exact instant depends on the last run, so it is an interval.
fn anacron_period(period: &str) -> Option<(Duration, String)> {
    match period {
        "@daily" => Some((Duration::days(1), "daily".into())),
        "@weekly" => Some((Duration::days(7), "weekly".into())),
        "@monthly" => Some((Duration::days(30), "monthly".into())),
        "@yearly" | "@annually" => Some((Duration::days(365), "yearly".into())),
        n => n
            .parse::<i64>()
            .ok()
            .filter(|d| *d > 0)
            .map(|d| (Duration::days(d), format!("every {d} days"))),
    }
}

/// Parse an anacrontab.
pub fn parse_anacrontab(path: &str, text: &str) -> Anacrontab {
    let mut out = Anacrontab::default();
    let mut hours: Option<String> = None;
    let mut random_delay: Option<i64> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            let name = name.trim();
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let value = value.trim();
                match name {
                    "START_HOURS_RANGE" => hours = Some(value.to_string()),
                    "RANDOM_DELAY" => random_delay = value.parse().ok(),
                    _ => {}
                }
                continue;
            }
        }
        let Some((f, command)) = split_fields(line, 3) else {
            out.invalid.push((
                line_no,
                "an anacrontab job needs period, delay, job id and command".into(),
                raw.to_string(),
            ));
            continue;
        };
        let Some((every, words)) = anacron_period(f[0]) else {
            out.invalid.push((
                line_no,
                format!(
                    "'{}' is not a period in days or @daily/@weekly/@monthly",
                    f[0]
                ),
                raw.to_string(),
            ));
            continue;
        };
        let Ok(delay) = f[1].parse::<i64>() else {
            out.invalid.push((
                line_no,
                format!("delay '{}' is not whole minutes", f[1]),
                raw.to_string(),
            ));
            continue;
        };
        let mut anchor = format!("the job's last run ({words}), {delay} min after anacron starts");
        if let Some(h) = &hours {
            anchor.push_str(&format!(", only between hours {h}"));
        }
        if let Some(r) = random_delay {
            anchor.push_str(&format!(", plus up to {r} min at random"));
        }
        if let Some(dir) = run_parts_dir(command) {
            out.run_parts
                .push((dir, anchor.clone(), format!("{path}:{line_no}")));
        }
        out.tasks.push(Task {
            kind: Kind::Anacron,
            path: path.to_string(),
            line: line_no,
            expression: format!("{} {} {}", f[0], f[1], f[2]),
            timing: Timing::Interval { every, anchor },
            timezone: None,
            command: Some(command.to_string()),
            user: Some("root".into()),
            note: Some(format!("job id {}", f[2])),
            enabled: true,
        });
    }
    out
}

/// Debian 12's `/etc/crontab` lines for the periodic directories: (dir, pattern).
pub const DEBIAN_DEFAULTS: [(&str, &str); 4] = [
    ("etc/cron.hourly", "17 * * * *"),
    ("etc/cron.daily", "25 6 * * *"),
    ("etc/cron.weekly", "47 6 * * 7"),
    ("etc/cron.monthly", "52 6 1 * *"),
];

/// Debian's `run-parts` runs only names made of letters, digits, `_` and `-`.
pub fn run_parts_runs(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::WindowFit;

    const DEBIAN_CRONTAB: &str = "\
# /etc/crontab: system-wide crontab
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# Example of job definition:
# .---------------- minute (0 - 59)
# m h dom mon dow user\tcommand
17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
";

    #[test]
    fn classifies_paths() {
        assert_eq!(crontab_flavor("etc/crontab"), Some(CrontabFlavor::System));
        assert_eq!(
            crontab_flavor("pkg/etc/cron.d/acme"),
            Some(CrontabFlavor::System)
        );
        assert_eq!(
            crontab_flavor("var/spool/cron/crontabs/acme"),
            Some(CrontabFlavor::User)
        );
        assert_eq!(
            crontab_flavor("deploy/backup.cron"),
            Some(CrontabFlavor::User)
        );
        assert_eq!(crontab_flavor("docs/cron.md"), None);
        assert_eq!(crontab_flavor("etc/cron.d/"), None);
        assert_eq!(
            periodic_dir("etc/cron.daily/logrotate"),
            Some(("etc/cron.daily", "daily"))
        );
        assert_eq!(periodic_dir("etc/cron.daily/sub/x"), None);
        assert!(run_parts_runs("acme-cleanup") && !run_parts_runs("acme.sh"));
    }

    #[test]
    fn debian_system_crontab() {
        let c = parse_crontab("etc/crontab", DEBIAN_CRONTAB, CrontabFlavor::System);
        assert!(c.invalid.is_empty(), "{:?}", c.invalid);
        assert_eq!(c.tasks.len(), 4);
        assert_eq!(c.tasks[0].user.as_deref(), Some("root"));
        assert_eq!(
            c.tasks[0].command.as_deref(),
            Some("cd / && run-parts --report /etc/cron.hourly")
        );
        assert_eq!(c.tasks[1].expression, "25 6 * * *");
        let dirs: Vec<_> = c.run_parts.iter().map(|r| r.dir.as_str()).collect();
        assert_eq!(
            dirs,
            [
                "etc/cron.hourly",
                "etc/cron.daily",
                "etc/cron.weekly",
                "etc/cron.monthly"
            ]
        );
    }

    #[test]
    fn env_lines_macros_and_user_crontabs() {
        let text = "CRON_TZ=Europe/Berlin\nRANDOM_DELAY=30\nMAILTO=ops@example.com\n@reboot /opt/app/start.sh\n@daily /opt/app/rotate.sh\n0~30 3 * * mon-fri /opt/app/import.sh\n";
        let c = parse_crontab("var/spool/cron/crontabs/app", text, CrontabFlavor::User);
        assert!(c.invalid.is_empty(), "{:?}", c.invalid);
        assert_eq!(c.tasks.len(), 3);
        assert!(matches!(c.tasks[0].timing, Timing::Event { .. }));
        assert_eq!(c.tasks[1].expression, "@daily");
        assert_eq!(c.tasks[2].timezone, Some(Tz::Europe__Berlin));
        assert_eq!(c.tasks[2].user, None);
        assert!(matches!(c.tasks[2].timing, Timing::Clock { .. }));
        if let Timing::Clock {
            jitter, randomized, ..
        } = &c.tasks[2].timing
        {
            assert_eq!(*jitter, Duration::minutes(30));
            assert!(*randomized);
        }
    }

    #[test]
    fn invalid_lines_say_what_is_wrong() {
        let text = "61 3 * * * root /x\n0 3 * *\n@sometimes root /y\nCRON_TZ=Nowhere/City\n0 3 * * * root\n";
        let c = parse_crontab("etc/cron.d/bad", text, CrontabFlavor::System);
        assert!(c.tasks.is_empty());
        let lines: Vec<u32> = c.invalid.iter().map(|i| i.0).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5]);
        assert!(
            c.invalid[0].1.contains("not a valid schedule"),
            "{:?}",
            c.invalid[0]
        );
        assert!(c.invalid[3].1.contains("Nowhere/City"));
    }

    #[test]
    fn anacrontab_jobs() {
        let text = "SHELL=/bin/sh\nSTART_HOURS_RANGE=3-22\nRANDOM_DELAY=45\n1\t5\tcron.daily\trun-parts --report /etc/cron.daily\n@monthly 45 cron.monthly run-parts --report /etc/cron.monthly\nx 1 bad /y\n";
        let a = parse_anacrontab("etc/anacrontab", text);
        assert_eq!(a.tasks.len(), 2);
        assert_eq!(a.invalid.len(), 1);
        assert_eq!(a.run_parts[0].0, "etc/cron.daily");
        let e = a.tasks[0].evaluate(Default::default(), Tz::UTC, None);
        assert!(
            e.description.contains("only between hours 3-22"),
            "{}",
            e.description
        );
        let _ = WindowFit::May;
    }
}
