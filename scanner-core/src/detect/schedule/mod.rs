//! Scheduled tasks in every format, as `schedule` findings.
//!
//! Each format has its own module that turns file text into [`Task`]s. This detector collects
//! them while the package is walked and, once every entry is known, times the periodic
//! directories, links each command to the package entry it runs, evaluates each task against
//! the reference instant and the maintenance window, and emits one finding per task.

pub mod calendar;
pub mod celery;
pub mod cron;
pub mod github;
pub mod jenkins;
pub mod k8s;
pub mod quartz;
pub mod spring;
pub mod systemd;
pub mod windows;

use super::{Detector, EntryInfo, EntryType, NewFinding, Scope, TextEntry};
use crate::profile::{Profile, Window};
use crate::report::{ScheduleInfo, Severity};
use crate::rules::{self, Rule};
use crate::schedule::{rfc3339, CronDialect, CronRecurrence, Kind, Task, Timing, WindowFit};
use crate::text::visible;
use aho_corasick::AhoCorasick;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use memchr::memmem;
use std::collections::BTreeMap;

/// What a format module read from one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Tasks found.
    pub tasks: Vec<Task>,
    /// Schedules that could not be read: (line, what is wrong, the line as written).
    pub invalid: Vec<cron::Invalid>,
}

/// The single-file formats, tried in order; the first that recognises a file reads it.
type Detect = fn(&str, &str) -> Option<Parsed>;
/// Whether a format's reader could take a text (path, text): its own first test, cheap.
type Wants = fn(&str, &str) -> bool;
const FORMATS: [(Kind, Wants, Detect); 7] = [
    (Kind::K8sCronJob, k8s::wants, k8s::detect),
    (Kind::GithubActions, github::wants, github::detect),
    (Kind::WindowsTask, windows::wants, windows::detect),
    (Kind::Quartz, quartz::wants, quartz::detect),
    (Kind::Spring, spring::wants, spring::detect),
    (Kind::Jenkins, jenkins::wants, jenkins::detect),
    (Kind::Celery, celery::wants, celery::detect),
];

/// Unreadable schedule lines reported per file at most (a script mistaken for a crontab would
/// otherwise give one finding per line).
const MAX_INVALID_PER_FILE: usize = 20;

/// The schedules detector.
#[derive(Debug)]
pub struct Schedules {
    now: DateTime<Utc>,
    tz: Tz,
    window: Option<Window>,
    tasks: Vec<Task>,
    /// Scripts in periodic directories: (full path, inner path, directory, period word).
    periodic: Vec<(String, String, &'static str, &'static str)>,
    /// The package's own run-parts timing, from its crontab: dir -> how.
    run_parts: BTreeMap<String, cron::RunParts>,
    /// The package's anacrontab run-parts jobs: dir -> (anchor words, source).
    anacron_parts: BTreeMap<String, (String, String)>,
    /// Every file path, inner path first (for linking commands to entries).
    files: Vec<(String, String)>,
    /// Scripts and the absolute paths they read (`. /etc/acme/env`, `--config /etc/x.yml`),
    /// by full path.
    sourced: std::collections::HashMap<String, Vec<String>>,
    /// systemd units, resolved at the end.
    systemd: systemd::Units,
    /// Finds what a configuration path a script names ends or starts with (see
    /// [`may_read_files`]); `None` only if it could not be built, and then every script is
    /// read.
    config_words: Option<AhoCorasick>,
}

const RULES: &[Rule] = &[
    rules::SCHEDULE_CRON,
    rules::SCHEDULE_CRON_PERIODIC,
    rules::SCHEDULE_ANACRON,
    rules::SCHEDULE_SYSTEMD_TIMER,
    rules::SCHEDULE_K8S_CRONJOB,
    rules::SCHEDULE_WINDOWS_TASK,
    rules::SCHEDULE_QUARTZ,
    rules::SCHEDULE_SPRING,
    rules::SCHEDULE_GITHUB_ACTIONS,
    rules::SCHEDULE_JENKINS,
    rules::SCHEDULE_CELERY,
    rules::SCHEDULE_INVALID,
];

/// The rule for a task of this kind.
fn rule_for(kind: Kind) -> &'static Rule {
    match kind {
        Kind::Cron => &rules::SCHEDULE_CRON,
        Kind::CronPeriodic => &rules::SCHEDULE_CRON_PERIODIC,
        Kind::Anacron => &rules::SCHEDULE_ANACRON,
        Kind::SystemdTimer => &rules::SCHEDULE_SYSTEMD_TIMER,
        Kind::K8sCronJob => &rules::SCHEDULE_K8S_CRONJOB,
        Kind::WindowsTask => &rules::SCHEDULE_WINDOWS_TASK,
        Kind::Quartz => &rules::SCHEDULE_QUARTZ,
        Kind::Spring => &rules::SCHEDULE_SPRING,
        Kind::GithubActions => &rules::SCHEDULE_GITHUB_ACTIONS,
        Kind::Jenkins => &rules::SCHEDULE_JENKINS,
        Kind::Celery => &rules::SCHEDULE_CELERY,
    }
}

impl Schedules {
    /// A detector for one scan.
    pub fn new(profile: &Profile, now: DateTime<Utc>) -> Self {
        Schedules {
            now,
            tz: profile.timezone,
            window: profile.maintenance_window,
            tasks: Vec::new(),
            periodic: Vec::new(),
            run_parts: BTreeMap::new(),
            anacron_parts: BTreeMap::new(),
            files: Vec::new(),
            systemd: systemd::Units::default(),
            sourced: std::collections::HashMap::new(),
            config_words: AhoCorasick::new(
                std::iter::once("/etc/").chain(CONFIG_EXTS.iter().copied()),
            )
            .ok(),
        }
    }
}

/// The path inside its own container (after the last `!/`), without a leading `./` or `/`.
fn inner(path: &str) -> &str {
    let p = path.rsplit(crate::NESTED_SEPARATOR).next().unwrap_or(path);
    p.trim_start_matches("./").trim_start_matches('/')
}

fn invalid(path: &str, kind: Kind, (line, message, raw): cron::Invalid) -> NewFinding {
    // The line as written, cut: it can be a whole minified or deeply nested file.
    let raw = shorten(raw.trim(), 200);
    let raw = raw.as_str();
    let mut f = NewFinding::new(
        &rules::SCHEDULE_INVALID,
        path,
        format!("Schedule not understood: {message}"),
    )
    .line(line)
    .evidence(visible(raw).into_owned())
    .key(raw.to_string());
    // The contract gives every schedule finding its schedule object; this one never fires.
    f.schedule = Some(ScheduleInfo {
        kind: kind.as_str().to_string(),
        expression: raw.to_string(),
        timezone: None,
        description: format!("Not understood: {message}"),
        command: None,
        user: None,
        next_runs: Vec::new(),
        window: None,
        window_runs: Vec::new(),
        week_runs: Vec::new(),
        enabled: false,
        entry: None,
        sources: Vec::new(),
    });
    f
}

impl Detector for Schedules {
    fn name(&self) -> &'static str {
        "schedules"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_entry(&mut self, e: &EntryInfo<'_>, _out: &mut Vec<NewFinding>) {
        if e.kind == EntryType::Dir {
            return;
        }
        let inner_path = inner(e.path).to_string();
        if let Some((dir, word)) = cron::periodic_dir(&inner_path) {
            self.periodic
                .push((e.path.to_string(), inner_path.clone(), dir, word));
        }
        self.files.push((inner_path, e.path.to_string()));
    }

    /// A task runs a script shipped elsewhere in the package, which may read files shipped
    /// elsewhere again; periodic scripts are timed by the package's own crontab.
    fn scope(&self) -> Scope {
        Scope::Package
    }

    /// The texts [`Detector::check_text`] takes something from: crontabs and anacrontabs (by
    /// name), systemd `.timer`/`.service` units (by name), a file one of the other formats
    /// would read (each format's own first test), and a script that names a file it reads.
    fn wants_text(&self, e: &EntryInfo<'_>, text: &str) -> bool {
        let path = inner(e.path);
        cron::crontab_flavor(path).is_some()
            || cron::is_anacrontab(path)
            || systemd::wants(e.path)
            || FORMATS.iter().any(|(_, wants, _)| wants(e.path, text))
            || script_kind(path, text)
                .is_some_and(|shell| may_read_files(self.config_words.as_ref(), shell, text))
    }

    fn check_text(&mut self, e: &EntryInfo<'_>, t: &TextEntry<'_>, out: &mut Vec<NewFinding>) {
        let path = inner(e.path);
        let sources = read_files(path, t.text);
        if !sources.is_empty() {
            self.sourced.insert(e.path.to_string(), sources);
        }
        if let Some(flavor) = cron::crontab_flavor(path) {
            let c = cron::parse_crontab(e.path, t.text, flavor);
            // A file that is a crontab only by its name (`*.cron`, `crontab`) and reads as a
            // script (a `#!` line, or nothing but unreadable lines) is a script, not a crontab.
            let by_location = path.ends_with("etc/crontab")
                || path.contains("etc/cron.d/")
                || path.contains("var/spool/cron/");
            let not_a_crontab =
                t.text.starts_with("#!") || (c.tasks.is_empty() && c.invalid.len() >= 3);
            // An example shipped with the documentation is not installed as a crontab.
            let example = ["share/doc/", "/doc/", "/docs/", "/examples/", "/example/"]
                .iter()
                .any(|d| format!("/{path}").contains(d));
            if !by_location && (not_a_crontab || example) {
                return;
            }
            out.extend(
                c.invalid
                    .into_iter()
                    .take(MAX_INVALID_PER_FILE)
                    .map(|i| invalid(e.path, Kind::Cron, i)),
            );
            if path.ends_with("etc/crontab") {
                for rp in c.run_parts {
                    self.run_parts.insert(rp.dir.clone(), rp);
                }
            }
            self.tasks.extend(c.tasks);
        } else if cron::is_anacrontab(path) {
            let a = cron::parse_anacrontab(e.path, t.text);
            out.extend(
                a.invalid
                    .into_iter()
                    .map(|i| invalid(e.path, Kind::Anacron, i)),
            );
            for (dir, anchor, source) in a.run_parts {
                self.anacron_parts.insert(dir, (anchor, source));
            }
            self.tasks.extend(a.tasks);
        } else {
            self.systemd.add(e.path, t.text);
            let found = FORMATS
                .iter()
                .find_map(|(kind, _, detect)| detect(e.path, t.text).map(|p| (*kind, p)));
            if let Some((kind, p)) = found {
                out.extend(p.invalid.into_iter().map(|i| invalid(e.path, kind, i)));
                self.tasks.extend(p.tasks);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<NewFinding>) {
        self.time_periodic_scripts();
        let units = self.systemd.finish();
        for (path, line, message, raw) in units.invalid_at {
            out.push(invalid(&path, Kind::SystemdTimer, (line, message, raw)));
        }
        self.tasks.extend(units.tasks);
        let tasks = std::mem::take(&mut self.tasks);
        for task in &tasks {
            out.push(self.finding(task));
        }
    }
}

impl Schedules {
    /// Each script in a periodic directory becomes a task, timed by the package's own crontab
    /// or anacrontab, else by Debian's defaults.
    fn time_periodic_scripts(&mut self) {
        for (full, inner_path, dir, word) in std::mem::take(&mut self.periodic) {
            let name = inner_path.rsplit('/').next().unwrap_or("");
            let runs = cron::run_parts_runs(name);
            let skipped = (!runs).then(|| {
                format!("not run: run-parts skips names with characters other than letters, digits, '_' and '-' ('{}')", visible(name))
            });
            let (timing, expression, source) = if let Some(rp) = self.run_parts.get(dir) {
                let Ok(r) = CronRecurrence::parse(&rp.pattern, CronDialect::default()) else {
                    continue;
                };
                (
                    Timing::Clock {
                        recurrence: Box::new(r),
                        jitter: rp.jitter,
                        randomized: false,
                    },
                    rp.expression.clone(),
                    format!("timed by the package's {}", rp.source),
                )
            } else if let Some((anchor, source)) = self.anacron_parts.get(dir) {
                let every = match word {
                    "weekly" => Duration::days(7),
                    "monthly" => Duration::days(30),
                    "hourly" => Duration::hours(1),
                    _ => Duration::days(1),
                };
                (
                    Timing::Interval {
                        every,
                        anchor: anchor.clone(),
                    },
                    format!("anacron {word}"),
                    format!("timed by the package's {source}"),
                )
            } else {
                let Some((_, pattern)) = cron::DEBIAN_DEFAULTS.iter().find(|(d, _)| *d == dir)
                else {
                    continue;
                };
                let Ok(r) = CronRecurrence::parse(pattern, CronDialect::default()) else {
                    continue;
                };
                (
                    Timing::Clock { recurrence: Box::new(r), jitter: Duration::zero(), randomized: false },
                    (*pattern).to_string(),
                    "timed by Debian's default /etc/crontab (the package ships none); with anacron installed it runs at boot or 07:30 instead".to_string(),
                )
            };
            let note = match skipped {
                Some(s) => format!("{source}; {s}"),
                None => source,
            };
            self.tasks.push(Task {
                kind: Kind::CronPeriodic,
                path: full.clone(),
                line: 1,
                expression,
                timing,
                timezone: None,
                command: Some(format!("/{inner_path}")),
                user: Some("root".into()),
                note: Some(note),
                enabled: runs,
            });
        }
    }

    /// The package entry a command runs: an absolute path in the command that names a file of
    /// the package (also under a top folder, `pkg-3.0/opt/x.sh` for `/opt/x.sh`).
    fn entry_for(&self, task: &Task) -> Option<String> {
        if task.kind == Kind::CronPeriodic {
            return Some(task.path.clone());
        }
        let command = task.command.as_deref()?;
        let candidates = command
            .split(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        ';' | '&' | '|' | '"' | '\'' | '(' | ')' | '{' | '}' | '<' | '>' | '='
                    )
            })
            .filter(|w| w.starts_with('/') && w.len() > 1)
            .collect::<Vec<_>>();
        candidates.into_iter().find_map(|want| self.find_file(want))
    }

    /// The package file at an absolute path (also under a top folder).
    fn find_file(&self, want: &str) -> Option<String> {
        let want = want.trim_start_matches('/');
        self.files
            .iter()
            .find(|(inner_path, _)| {
                inner_path == want
                    || inner_path
                        .strip_suffix(want)
                        .is_some_and(|prefix| prefix.ends_with('/'))
            })
            .map(|(_, full)| full.clone())
    }

    fn finding(&self, task: &Task) -> NewFinding {
        let e = task.evaluate(self.now, self.tz, self.window.as_ref());
        let entry = self.entry_for(task);
        // The files the task reads: those its script sources or names, and configuration
        // files on its own command line (`import --config /opt/acme/etc/import.yml`).
        let mut sources: Vec<String> = Vec::new();
        let named = entry
            .as_ref()
            .and_then(|p| self.sourced.get(p))
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(task.command.as_deref().into_iter().flat_map(config_paths));
        for target in named {
            if let Some(file) = self.find_file(target) {
                if Some(&file) != entry.as_ref() && !sources.contains(&file) {
                    sources.push(file);
                }
            }
        }
        let severity = if !task.enabled {
            Severity::Info
        } else {
            match e.window {
                Some(WindowFit::Always) => Severity::High,
                Some(WindowFit::May) => Severity::Medium,
                Some(WindowFit::Never) | None => Severity::Low,
            }
        };
        let what = task
            .command
            .as_deref()
            .map(|c| visible(c).into_owned())
            .unwrap_or_default();
        let who = task
            .user
            .as_deref()
            .map(|u| format!(" as {}", visible(u)))
            .unwrap_or_default();
        let when = match e.window {
            Some(WindowFit::Always) => "; fires inside the maintenance window",
            Some(WindowFit::May) => "; may fire inside the maintenance window",
            _ => "",
        };
        let lead = e.description.split(" (").next().unwrap_or(&e.description);
        let runs = if what.trim().is_empty() {
            // The command is unknown (a timer whose service is not shipped): say why.
            match &task.note {
                Some(note) => format!("command unknown ({})", shorten(&visible(note), 120)),
                None => "command unknown".to_string(),
            }
        } else {
            format!("runs {}", shorten(&what, 120))
        };
        let title = format!("{lead}: {runs}{who}{when}");
        let info = ScheduleInfo {
            kind: task.kind.as_str().to_string(),
            expression: task.expression.clone(),
            timezone: Some(e.timezone.name().to_string()),
            description: e.description.clone(),
            command: task.command.clone(),
            user: task.user.clone(),
            next_runs: e.next_runs.iter().map(|t| rfc3339(*t)).collect(),
            window: e.window.map(|w| w.as_str().to_string()),
            window_runs: e.window_runs.iter().map(|t| rfc3339(*t)).collect(),
            week_runs: e.week_runs.iter().map(|t| rfc3339(*t)).collect(),
            enabled: task.enabled,
            entry,
            sources,
        };
        let mut f = NewFinding::new(rule_for(task.kind), &task.path, title)
            .line(task.line)
            .severity(severity)
            .evidence(format!("{} {}", task.expression, shorten(&what, 200)))
            .key(format!(
                "{}\0{}\0{}",
                task.kind.as_str(),
                task.expression,
                task.command.as_deref().unwrap_or("")
            ));
        f.schedule = Some(info);
        f
    }
}

/// The files a script reads, by absolute path: what a shell script sources
/// (`. /etc/acme/env`, `source /opt/x/lib.sh`), and the configuration files any script names
/// (`--config /etc/acme/import.yml`, `CONF=/opt/acme/conf/app.properties`). Only paths that
/// are files of the package count later (see `Schedules::find_file`).
fn read_files(path: &str, text: &str) -> Vec<String> {
    let Some(shell) = script_kind(path, text) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let push = |t: &str, out: &mut Vec<String>| {
        if t.starts_with('/') && t.len() > 1 && out.len() < 64 && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    };
    for line in text.lines().take(10_000) {
        let l = line.trim_start();
        if l.starts_with('#') && !l.starts_with("#!") {
            continue;
        }
        if shell {
            let rest = l
                .strip_prefix("source ")
                .or_else(|| l.strip_prefix(". "))
                .map(str::trim_start);
            if let Some(rest) = rest {
                let target = rest
                    .split(|c: char| c.is_whitespace() || c == ';')
                    .next()
                    .unwrap_or("")
                    .trim_matches(|c| c == '"' || c == '\'');
                push(target, &mut out);
                continue;
            }
        }
        for token in config_paths(l) {
            push(token, &mut out);
        }
    }
    out
}

/// Whether a text is a script [`read_files`] reads, and then whether it is a shell script
/// (where `. file` and `source file` read a file).
fn script_kind(path: &str, text: &str) -> Option<bool> {
    let first = text.lines().next().unwrap_or("");
    let shell = first.starts_with("#!") && first.contains("sh")
        || path.ends_with(".sh")
        || path.ends_with(".bash");
    let script = shell
        || first.starts_with("#!")
        || [".py", ".pl", ".rb", ".ps1", ".bat", ".cmd"]
            .iter()
            .any(|e| path.ends_with(e));
    script.then_some(shell)
}

/// Extensions that make an absolute path configuration (see [`config_paths`]).
const CONFIG_EXTS: &[&str] = &[
    ".conf",
    ".cfg",
    ".cnf",
    ".ini",
    ".yml",
    ".yaml",
    ".json",
    ".properties",
    ".env",
    ".xml",
    ".toml",
    ".rc",
];

/// The characters that split a line into words in [`config_paths`], besides whitespace.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '=' | ',' | ';' | '(' | ')' | '`' | '<' | '>'
    )
}

/// The bytes a configuration path is made of in [`config_paths`].
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-')
}

/// Absolute paths in a line that name configuration: under `/etc/`, or with a configuration
/// extension (`.conf`, `.yml`, `.properties`, `.env`...).
fn config_paths(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || is_separator(c))
        .filter(|t| {
            t.starts_with('/')
                && t.bytes().all(is_path_byte)
                && (t.starts_with("/etc/") || CONFIG_EXTS.iter().any(|e| t.ends_with(e)))
        })
}

/// Whether a word may start after this byte (`None`: the start of the text): a separator or
/// whitespace. A byte of a character beyond ASCII may belong to a Unicode space, so it counts.
fn starts_word_after(prev: Option<u8>) -> bool {
    prev.is_none_or(|b| {
        !b.is_ascii() || b.is_ascii_whitespace() || b == 0x0b || is_separator(char::from(b))
    })
}

/// Whether [`read_files`] could find anything in a script, without reading it line by line:
/// every path it keeps is a word of path characters that starts with `/etc/` or ends with a
/// configuration extension, or (in shell) follows `source ` or `. ` at the start of a line.
/// Each occurrence of those literals is checked where it stands; `true` when one could be
/// such a word (comment lines and the line limit are not looked at: they only take away).
fn may_read_files(words: Option<&AhoCorasick>, shell: bool, text: &str) -> bool {
    let Some(words) = words else {
        return true;
    };
    let b = text.as_bytes();
    let before = |i: usize| i.checked_sub(1).and_then(|j| b.get(j)).copied();
    let path_word = words.find_overlapping_iter(text).any(|m| {
        if m.pattern().as_usize() == 0 {
            // `/etc/`: the word must start here.
            return starts_word_after(before(m.start()));
        }
        // An extension: the word must end here and start, further back, with `/`.
        if b.get(m.end()).is_some_and(|&n| is_path_byte(n)) {
            return false;
        }
        let mut start = m.start();
        while before(start).is_some_and(is_path_byte) {
            start -= 1;
        }
        b.get(start) == Some(&b'/') && starts_word_after(before(start))
    });
    if path_word {
        return true;
    }
    if !shell {
        return false;
    }
    // `source X` / `. X` first on a line (after blanks), `X` an absolute path maybe quoted.
    [&b"source "[..], &b". "[..]].iter().any(|lead| {
        memmem::find_iter(b, lead).any(|at| {
            let mut i = at;
            while let Some(p) = before(i) {
                if p == b'\n' {
                    break;
                }
                if !(p.is_ascii_whitespace() || p == 0x0b || !p.is_ascii()) {
                    return false;
                }
                i -= 1;
            }
            let mut rest = b.get(at + lead.len()..).unwrap_or_default().iter();
            rest.find(|&&c| !(c.is_ascii_whitespace() || c == 0x0b || c == b'"' || c == b'\''))
                .is_some_and(|&c| c == b'/' || !c.is_ascii())
        })
    })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}
