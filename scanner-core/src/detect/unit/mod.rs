//! Systemd units: the units the package ships and the units it refers to.
//!
//! ## What it does
//! Collects, while the package is walked:
//! - the units it **ships**: files named `*.service`, `*.timer`, `*.socket`, `*.path`,
//!   `*.target`, `*.mount`, `*.automount`, `*.swap`, `*.slice`, `*.scope`, `*.device` in a
//!   unit directory (`…/systemd/system/`, `…/systemd/user/`), and anywhere else when their
//!   content is a unit file (a `[Unit]`, `[Service]`, `[Timer]`… section); `Alias=` names;
//!   links in a unit directory (an alias when the link's name differs from its target's);
//!   SysV scripts in `init.d/` (systemd runs `foo` as `foo.service`); debhelper's
//!   `debian/pkg.name.service` as `name.service`; and unit files that scripts put in place
//!   (`cp`/`install`/`mv`/`tee`/`>` into a unit directory, `systemctl link`,
//!   `systemctl enable /path/x.service`, alias links made by `ln -s`);
//! - the units it **refers to** ([`script`], [`unitfile`], [`ansible`]): `systemctl` verbs
//!   (options and `--now`, several units per command, no suffix meaning `.service`),
//!   `service x restart`, `invoke-rc.d`, `deb-systemd-invoke`, `deb-systemd-helper`,
//!   `update-rc.d`, `chkconfig`, `journalctl -u`, RPM `%systemd_*` macros, in any text file
//!   and in the `Exec…=` lines of unit files; dependency directives (`Requires=`, `Wants=`,
//!   `After=`, `Before=`, `BindsTo=`, `PartOf=`, `Requisite=`, `Conflicts=`, `OnFailure=`...),
//!   `[Install]` targets, what a timer, path or socket starts (`Unit=`, `Service=`, else the
//!   same-name `.service`), `.wants/`/`.requires/` links and drop-in directories
//!   (`x.service.d/`); Ansible `systemd`/`service` tasks. Variables, globs and unknown
//!   specifiers are skipped; `%i` in a template names the template.
//!
//! Once the walk is over, every reference is matched against the shipped names (an instance
//! `foo@bar.service` is shipped by the template `foo@.service`, an alias by its unit), then
//! against the units the system provides ([`known`]). Devices, mounts, swaps, slices and
//! scopes, which the system makes up by itself, are never reported.
//!
//! ## Why is this bad?
//! Upgrades rename units. A maintainer script that still restarts the old name fails the
//! upgrade (`Unit acme-importer.service not found`), a `Requires=` on it keeps the new unit
//! from starting, and an enablement link or drop-in for it silently does nothing. A
//! reference that is neither shipped nor a system unit is a finding at the referring line,
//! with the closest shipped name as the likely new name: high when the unit is started,
//! restarted, enabled or required; low for ordering only (`After=`, `Before=`, `Wants=`) and
//! in documentation; medium otherwise. Each shipped unit is also listed (info), with the
//! places that refer to it.

pub mod ansible;
pub mod known;
pub mod name;
pub mod script;
pub mod shell;
pub mod unitfile;

use super::{Detector, EntryInfo, EntryType, NewFinding, Scope, TextEntry};
use crate::profile::Profile;
use crate::report::{Severity, UnitInfo};
use crate::rules::{unit as rules, unit::RULES, Rule};
use crate::text::visible;
use aho_corasick::AhoCorasick;
use known::KnownUnits;
use memchr::memmem;
use std::collections::{BTreeMap, HashMap};

/// How much a reference needs the unit it names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Need {
    /// Only orders against it, or only reads about it (`After=`, `Wants=`, `journalctl -u`).
    Ordering,
    /// Acts on it without starting it (`stop`, `disable`, `PartOf=`, `WantedBy=`).
    Uses,
    /// Starts, restarts, enables or requires it: a missing unit fails.
    Starts,
}

impl Need {
    fn severity(self) -> Severity {
        match self {
            Need::Ordering => Severity::Low,
            Need::Uses => Severity::Medium,
            Need::Starts => Severity::High,
        }
    }
}

/// What a line or an entry says about units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The package ships (or puts in place) a unit under this name.
    Ships {
        /// Full unit name.
        name: String,
        /// For an alias, the unit it names.
        alias_of: Option<String>,
    },
    /// The package refers to a unit.
    Refers {
        /// Full unit name.
        name: String,
        /// How: `systemctl restart`, `Requires=`...
        directive: String,
        /// How much it needs the unit.
        need: Need,
    },
}

/// Most shipped names and references kept for one package.
const MAX_RECORDS: usize = 10_000;
/// Most `unit.missing` findings for one package.
const MAX_MISSING: usize = 2_000;
/// Most `unit.shipped` findings for one package.
const MAX_SHIPPED: usize = 2_000;
/// Most referring places listed per unit.
const MAX_REFERRERS: usize = 50;
/// Most shipping places listed per unit.
const MAX_SHIPPED_AT: usize = 20;
/// Most distinct missing names a close shipped name is looked for.
const MAX_SUGGESTED: usize = 500;
/// Most shipped names compared when looking for a close one.
const MAX_CANDIDATES: usize = 2_000;
/// Most edit distances computed for one package (each of names of at most 48 bytes).
const MAX_COMPARISONS: usize = 50_000;
/// Longest logical line (continuations joined) lexed.
const MAX_LOGICAL_LINE: usize = 64 * 1024;
/// Characters of evidence.
const MAX_EVIDENCE: usize = 200;

/// A shipped name.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Ship {
    path: usize,
    line: Option<u32>,
    name: String,
    alias_of: Option<String>,
}

/// A reference.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Ref {
    path: usize,
    line: Option<u32>,
    name: String,
    directive: String,
    need: Need,
    evidence: String,
}

/// The unit detector.
pub struct Units {
    known: KnownUnits,
    paths: Vec<String>,
    ships: Vec<Ship>,
    refs: Vec<Ref>,
    /// Finds any of [`script::KEYWORDS`] in one pass (see [`Detector::wants_text`]); `None`
    /// only if it could not be built, and then every text is read.
    keywords: Option<AhoCorasick>,
}

impl Units {
    /// A detector for one scan, with the built-in list of system units.
    pub fn new(_profile: &Profile) -> Self {
        Units::with_known(KnownUnits::builtin())
    }

    /// A detector that takes `known` as the units the target system provides.
    pub fn with_known(known: KnownUnits) -> Self {
        Units {
            known,
            paths: Vec::new(),
            ships: Vec::new(),
            refs: Vec::new(),
            keywords: AhoCorasick::new(script::KEYWORDS).ok(),
        }
    }

    /// Append what another part of the package recorded: its path numbers move past ours, and
    /// the record limits cut the joined lists where a single walk would have stopped.
    fn append(&mut self, paths: Vec<String>, ships: Vec<Ship>, refs: Vec<Ref>) {
        let offset = self.paths.len();
        self.paths.extend(paths);
        let room = MAX_RECORDS.saturating_sub(self.ships.len());
        self.ships
            .extend(ships.into_iter().take(room).map(|s| Ship {
                path: s.path + offset,
                ..s
            }));
        let room = MAX_RECORDS.saturating_sub(self.refs.len());
        self.refs.extend(refs.into_iter().take(room).map(|r| Ref {
            path: r.path + offset,
            ..r
        }));
    }

    fn path_id(&mut self, path: &str) -> usize {
        match self.paths.last() {
            Some(last) if last == path => self.paths.len() - 1,
            _ => {
                self.paths.push(path.to_string());
                self.paths.len() - 1
            }
        }
    }

    /// Keep what a place says; `doc` lowers every reference to ordering strength.
    fn record(&mut self, path: &str, line: Option<u32>, raw: &str, event: Event, doc: bool) {
        match event {
            Event::Ships { name, alias_of } => {
                if self.ships.len() >= MAX_RECORDS {
                    return;
                }
                let path = self.path_id(path);
                self.ships.push(Ship {
                    path,
                    line,
                    name,
                    alias_of,
                });
            }
            Event::Refers {
                name,
                directive,
                need,
            } => {
                if self.refs.len() >= MAX_RECORDS {
                    return;
                }
                let path = self.path_id(path);
                let same_place = self
                    .refs
                    .iter()
                    .rev()
                    .take_while(|r| r.path == path && r.line == line)
                    .any(|r| r.name == name && r.directive == directive);
                if same_place {
                    return;
                }
                self.refs.push(Ref {
                    path,
                    line,
                    name,
                    directive,
                    need: if doc { Need::Ordering } else { need },
                    evidence: shorten(&visible(raw.trim()), MAX_EVIDENCE),
                });
            }
        }
    }

    fn scan_script(&mut self, path: &str, text: &str, shell_like: bool, doc: bool) {
        let present: Vec<&str> = script::KEYWORDS
            .iter()
            .copied()
            .filter(|k| memmem::find(text.as_bytes(), k.as_bytes()).is_some())
            .collect();
        if present.is_empty() {
            return;
        }
        let mut heredoc: Option<String> = None;
        let mut logical = String::new();
        let mut start: Option<(usize, &str)> = None;
        for (i, physical) in text.lines().enumerate() {
            if let Some(delim) = &heredoc {
                if physical.trim() == delim {
                    heredoc = None;
                }
                continue;
            }
            let (first_line, first_raw) = *start.get_or_insert((i, physical));
            let body = physical.trim_end_matches('\r');
            let trailing = body.bytes().rev().take_while(|b| *b == b'\\').count();
            let continues = trailing % 2 == 1;
            if logical.len() < MAX_LOGICAL_LINE {
                logical.push_str(
                    body.strip_suffix('\\')
                        .filter(|_| continues)
                        .unwrap_or(body),
                );
                logical.push(' ');
            }
            if continues {
                continue;
            }
            start = None;
            let l = std::mem::take(&mut logical);
            let opens_heredoc = shell_like && l.contains("<<");
            if !opens_heredoc && !present.iter().any(|k| l.contains(k)) {
                continue;
            }
            let (events, opens) = script::line(&l);
            if shell_like {
                heredoc = opens.filter(|d| !d.is_empty());
            }
            let line = u32::try_from(first_line + 1).unwrap_or(u32::MAX);
            for e in events {
                self.record(path, Some(line), first_raw, e, doc);
            }
        }
    }
}

/// The path inside its own container (after the last `!/`), without a leading `./` or `/`.
fn inner(path: &str) -> &str {
    let p = path.rsplit(crate::NESTED_SEPARATOR).next().unwrap_or(path);
    p.trim_start_matches("./").trim_start_matches('/')
}

/// Where an entry sits with respect to unit directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place<'a> {
    /// Directly in a unit directory.
    UnitDir,
    /// In the `.wants/`, `.requires/` or `.upholds/` directory of a unit: (unit, `.wants`).
    Deps(&'a str, &'static str),
    /// In the drop-in directory `unit.d/` (in a unit directory or not).
    DropIn(&'a str, bool),
    /// Elsewhere.
    Other,
}

/// Directory names right under `systemd/` that hold units.
const UNIT_DIRS: &[&str] = &["system", "user", "system.control", "user.control"];

fn place(inner: &str) -> Place<'_> {
    let dirs: Vec<&str> = inner.split('/').collect();
    let dirs = dirs.get(..dirs.len().saturating_sub(1)).unwrap_or_default();
    let base = dirs
        .windows(2)
        .rposition(|w| matches!(w, [s, d] if *s == "systemd" && UNIT_DIRS.contains(d)))
        .map(|i| i + 2);
    let rest = base.and_then(|b| dirs.get(b..));
    match rest {
        Some([]) => return Place::UnitDir,
        Some([one]) => {
            for suffix in [".wants", ".requires", ".upholds"] {
                if let Some(unit) = one.strip_suffix(suffix) {
                    return Place::Deps(unit, suffix);
                }
            }
        }
        _ => {}
    }
    let file = inner.rsplit('/').next().unwrap_or(inner);
    if let Some(unit) = dirs.last().and_then(|d| d.strip_suffix(".d")) {
        if name::is_valid(unit) && file.ends_with(".conf") {
            return Place::DropIn(unit, matches!(rest, Some([_])));
        }
    }
    Place::Other
}

/// Documentation: references there are instructions for people, not commands that run.
fn is_doc(inner: &str) -> bool {
    let lower = inner.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    let doc_ext = [
        "md", "markdown", "rst", "txt", "adoc", "asciidoc", "html", "htm", "tex", "texi", "pod",
        "man",
    ]
    .contains(&ext);
    // `INSTALL`, `README` (with a documentation extension they count by it; `install.sh`
    // is a script).
    let doc_name = [
        "readme",
        "changelog",
        "changes",
        "news",
        "install",
        "upgrading",
    ]
    .contains(&file);
    let doc_dir = lower.split('/').rev().skip(1).any(|d| {
        matches!(
            d,
            "doc" | "docs" | "documentation" | "man" | "examples" | "example"
        )
    });
    doc_ext || doc_name || doc_dir
}

/// YAML, where Ansible tasks may be.
fn is_yaml(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// Shell scripts, where `<<EOF` opens a here-document.
fn is_shell(inner: &str, text: &str) -> bool {
    let file = inner.rsplit('/').next().unwrap_or(inner);
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    let maint = ["postinst", "preinst", "postrm", "prerm", "config"];
    text.lines()
        .next()
        .is_some_and(|l| l.starts_with("#!") && l.contains("sh"))
        || ["sh", "bash", "ksh", "zsh", "spec"].contains(&ext)
        || maint.contains(&file)
        || maint.contains(&ext)
}

/// SysV init directory entries that are no service.
fn sysv_service(file: &str) -> Option<String> {
    let lower = file.to_ascii_lowercase();
    if file.starts_with('.')
        || lower.starts_with("readme")
        || ["skeleton", "functions", "rc", "rcs", "halt", "reboot"].contains(&lower.as_str())
    {
        return None;
    }
    name::from_command(file)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// A place as `path:line` (or `path`).
fn at(path: &str, line: Option<u32>) -> String {
    match line {
        Some(l) => format!("{path}:{l}"),
        None => path.to_string(),
    }
}

/// A unit the package ships, as assembled in [`Units::finish`].
#[derive(Debug, Default)]
struct Shipped {
    first: (usize, Option<u32>),
    at: Vec<String>,
    aliases: Vec<String>,
    referrers: Vec<String>,
    count: u32,
}

impl Detector for Units {
    fn name(&self) -> &'static str {
        "units"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_entry(&mut self, e: &EntryInfo<'_>, _out: &mut Vec<NewFinding>) {
        if e.kind == EntryType::Dir {
            return;
        }
        let path = inner(e.path);
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        if dir == "init.d" || dir.ends_with("/init.d") {
            if let Some(n) = sysv_service(file) {
                self.record(
                    e.path,
                    None,
                    path,
                    Event::Ships {
                        name: n,
                        alias_of: None,
                    },
                    false,
                );
            }
            return;
        }
        let target = e
            .link_target
            .filter(|_| e.kind == EntryType::Link)
            .map(str::trim);
        let target_unit = target
            .map(|t| t.rsplit('/').next().unwrap_or(t))
            .filter(|t| name::is_valid(t));
        let masked = target == Some("/dev/null");
        match place(path) {
            Place::UnitDir if name::is_valid(file) && !masked => {
                let alias_of = target_unit.filter(|t| *t != file);
                self.record(
                    e.path,
                    None,
                    path,
                    Event::Ships {
                        name: file.to_string(),
                        alias_of: alias_of.map(String::from),
                    },
                    false,
                );
                if let Some(t) = alias_of {
                    let event = Event::Refers {
                        name: t.to_string(),
                        directive: "alias link".to_string(),
                        need: Need::Uses,
                    };
                    self.record(e.path, None, path, event, false);
                }
            }
            Place::Deps(unit, suffix) if name::is_valid(file) && !masked => {
                let directive = format!("{suffix}/ link");
                for n in [Some(file), target_unit.filter(|t| *t != file)]
                    .into_iter()
                    .flatten()
                {
                    let event = Event::Refers {
                        name: n.to_string(),
                        directive: directive.clone(),
                        need: Need::Uses,
                    };
                    self.record(e.path, None, path, event, false);
                }
                if name::is_valid(unit) {
                    let event = Event::Refers {
                        name: unit.to_string(),
                        directive,
                        need: Need::Uses,
                    };
                    self.record(e.path, None, path, event, false);
                }
            }
            Place::DropIn(unit, true) => {
                let event = Event::Refers {
                    name: unit.to_string(),
                    directive: "drop-in".to_string(),
                    need: Need::Uses,
                };
                self.record(e.path, None, path, event, false);
            }
            _ => {}
        }
    }

    /// Whether a referenced unit is shipped is only known once every entry has been seen; what
    /// each entry ships and refers to is kept in lists that join by appending, so the texts
    /// are read where they are walked and only the lists travel.
    fn scope(&self) -> Scope {
        Scope::Merged
    }

    /// What [`Detector::check_text`] reads: files named like units (by name), drop-ins (by
    /// place), Ansible tasks (YAML naming the `systemd` or `service` module), and lines with
    /// one of the script keywords, without which a script yields nothing.
    fn save_state(&mut self) -> String {
        let state = (
            std::mem::take(&mut self.paths),
            std::mem::take(&mut self.ships),
            std::mem::take(&mut self.refs),
        );
        serde_json::to_string(&state).unwrap_or_default()
    }

    fn load_state(&mut self, state: &str) {
        if let Ok((paths, ships, refs)) =
            serde_json::from_str::<(Vec<String>, Vec<Ship>, Vec<Ref>)>(state)
        {
            self.append(paths, ships, refs);
        }
    }

    fn wants_text(&self, e: &EntryInfo<'_>, text: &str) -> bool {
        if e.kind != EntryType::File {
            return false;
        }
        let path = inner(e.path);
        let file = path.rsplit('/').next().unwrap_or(path);
        if name::is_valid(file) || matches!(place(path), Place::DropIn(..)) {
            return true;
        }
        let keyword = match &self.keywords {
            Some(k) => k.is_match(text),
            None => true,
        };
        keyword || (is_yaml(file) && memmem::find(text.as_bytes(), b"systemd").is_some())
    }

    fn check_text(&mut self, e: &EntryInfo<'_>, t: &TextEntry<'_>, _out: &mut Vec<NewFinding>) {
        if e.kind != EntryType::File {
            return;
        }
        let path = inner(e.path);
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let doc = is_doc(path);
        let where_ = place(path);
        if name::is_valid(file) {
            let parsed = unitfile::parse(t.text);
            let in_unit_dir = where_ == Place::UnitDir;
            if in_unit_dir || parsed.is_unit() {
                if !in_unit_dir {
                    let mut names = vec![file.to_string()];
                    // debhelper installs `debian/pkg.name.service` as `name.service`.
                    let debian = dir == "debian" || dir.ends_with("/debian");
                    if let Some((_, rest)) = file.split_once('.').filter(|_| debian) {
                        if name::is_valid(rest) {
                            names.push(rest.to_string());
                        }
                    }
                    for n in names {
                        let event = Event::Ships {
                            name: n,
                            alias_of: None,
                        };
                        self.record(e.path, None, path, event, false);
                    }
                }
                for l in unitfile::events(&parsed, file, true) {
                    self.record(e.path, l.line, &l.raw, l.event, doc);
                }
                return;
            }
        }
        if let Place::DropIn(unit, _) = where_ {
            let parsed = unitfile::parse(t.text);
            for l in unitfile::events(&parsed, unit, false) {
                self.record(e.path, l.line, &l.raw, l.event, doc);
            }
            return;
        }
        if is_yaml(file) {
            let lines: Vec<&str> = t.text.lines().collect();
            for task in ansible::tasks(t.text) {
                let raw = usize::try_from(task.line)
                    .ok()
                    .and_then(|l| l.checked_sub(1))
                    .and_then(|i| lines.get(i))
                    .copied()
                    .unwrap_or("");
                self.record(e.path, Some(task.line), raw, task.event, doc);
            }
        }
        self.scan_script(e.path, t.text, is_shell(path, t.text), doc);
    }

    fn finish(&mut self, out: &mut Vec<NewFinding>) {
        let ships = std::mem::take(&mut self.ships);
        let refs = std::mem::take(&mut self.refs);
        let paths = std::mem::take(&mut self.paths);
        let path_of = |i: usize| paths.get(i).map_or("", String::as_str);

        // Units shipped under their own name.
        let mut shipped: BTreeMap<String, Shipped> = BTreeMap::new();
        let mut aliases: HashMap<String, String> = HashMap::new();
        for s in ships.iter().filter(|s| s.alias_of.is_none()) {
            let u = shipped.entry(s.name.clone()).or_insert_with(|| Shipped {
                first: (s.path, s.line),
                ..Shipped::default()
            });
            let place = at(path_of(s.path), s.line);
            if u.at.len() < MAX_SHIPPED_AT && !u.at.contains(&place) {
                u.at.push(place);
            }
        }
        // Aliases: other names of a shipped unit; an alias of a unit the package lacks is a
        // name of its own (the reference to its unit is checked like any other).
        for s in &ships {
            let Some(of) = &s.alias_of else { continue };
            if shipped.contains_key(&s.name) {
                continue;
            }
            let canonical = if shipped.contains_key(of) {
                Some(of.clone())
            } else {
                aliases.get(of).cloned()
            };
            match canonical {
                Some(c) => {
                    if let Some(u) = shipped.get_mut(&c) {
                        if !u.aliases.contains(&s.name) && u.aliases.len() < MAX_SHIPPED_AT {
                            u.aliases.push(s.name.clone());
                        }
                    }
                    aliases.insert(s.name.clone(), c);
                }
                None => {
                    let u = shipped.entry(s.name.clone()).or_insert_with(|| Shipped {
                        first: (s.path, s.line),
                        ..Shipped::default()
                    });
                    let place = at(path_of(s.path), s.line);
                    if u.at.len() < MAX_SHIPPED_AT && !u.at.contains(&place) {
                        u.at.push(place);
                    }
                }
            }
        }
        let resolve = |n: &str| -> Option<String> {
            if shipped.contains_key(n) {
                return Some(n.to_string());
            }
            if let Some(c) = aliases.get(n) {
                return Some(c.clone());
            }
            let t = name::template_of(n)?;
            if shipped.contains_key(&t) {
                return Some(t);
            }
            aliases.get(&t).cloned()
        };

        // Each reference: to a shipped unit, to a system unit, or to nothing.
        let mut missing: Vec<&Ref> = Vec::new();
        let mut hits: Vec<(String, String)> = Vec::new();
        for r in &refs {
            if let Some(c) = resolve(&r.name) {
                hits.push((c, at(path_of(r.path), r.line)));
                continue;
            }
            let generated = name::kind(&r.name).is_some_and(|k| name::GENERATED.contains(&k));
            if generated || self.known.contains(&r.name) {
                continue;
            }
            missing.push(r);
        }
        for (c, place) in hits {
            if let Some(u) = shipped.get_mut(&c) {
                u.count = u.count.saturating_add(1);
                if u.referrers.len() < MAX_REFERRERS && !u.referrers.contains(&place) {
                    u.referrers.push(place);
                }
            }
        }

        // The missing references, with the closest shipped name.
        let candidates: Vec<&str> = shipped
            .keys()
            .map(String::as_str)
            .chain(aliases.keys().map(String::as_str))
            .take(MAX_CANDIDATES)
            .collect();
        let mut suggestions: HashMap<(&str, &str), Option<String>> = HashMap::new();
        let mut budget = MAX_COMPARISONS;
        for r in missing.into_iter().take(MAX_MISSING) {
            // Never the unit that holds the reference (a timer's own name for its service).
            let path = path_of(r.path);
            let file = path.rsplit('/').next().unwrap_or(path);
            let owner = match path.rsplit('/').nth(1).and_then(|d| d.strip_suffix(".d")) {
                Some(unit) if file.ends_with(".conf") => unit,
                _ => file,
            };
            let slot = (r.name.as_str(), owner);
            let suggestion = match suggestions.get(&slot) {
                Some(s) => s.clone(),
                None if suggestions.len() < MAX_SUGGESTED => {
                    let others = candidates.iter().copied().filter(|c| *c != owner);
                    let s = name::suggest(&r.name, others, &mut budget).map(String::from);
                    suggestions.insert(slot, s.clone());
                    s
                }
                None => None,
            };
            out.push(missing_finding(r, path_of(r.path), suggestion));
        }

        // The shipped units, with who refers to them.
        for (n, u) in shipped.into_iter().take(MAX_SHIPPED) {
            out.push(shipped_finding(n, u, path_of));
        }
    }
}

fn missing_finding(r: &Ref, path: &str, suggestion: Option<String>) -> NewFinding {
    let mut title = format!(
        "Unit {} is neither shipped nor a known system unit ({})",
        r.name, r.directive
    );
    if let Some(s) = &suggestion {
        title.push_str(&format!("; renamed to {s}?"));
    }
    let mut f = NewFinding::new(&rules::UNIT_MISSING, path, title)
        .evidence(r.evidence.clone())
        .key(format!("{} {}", r.name, r.directive))
        .severity(r.need.severity());
    if let Some(l) = r.line {
        f = f.line(l);
    }
    f.unit = Some(UnitInfo {
        kind: name::kind(&r.name).unwrap_or("service").to_string(),
        template: name::template_of(&r.name),
        name: r.name.clone(),
        shipped: false,
        shipped_at: Vec::new(),
        aliases: Vec::new(),
        referenced_by: vec![at(path, r.line)],
        reference_count: 1,
        directive: Some(r.directive.clone()),
        suggestion,
    });
    f
}

fn shipped_finding<'p>(n: String, u: Shipped, path_of: impl Fn(usize) -> &'p str) -> NewFinding {
    let mut title = format!("Unit {n} shipped");
    if !u.aliases.is_empty() {
        title.push_str(&format!(" (also as {})", u.aliases.join(", ")));
    }
    match u.count {
        0 => title.push_str("; nothing in the package refers to it"),
        1 => title.push_str("; referred to once in the package"),
        c => title.push_str(&format!("; referred to {c} times in the package")),
    }
    let (path, line) = u.first;
    let mut f = NewFinding::new(&rules::UNIT_SHIPPED, path_of(path), title)
        .evidence(shorten(&visible(&u.at.join(", ")), MAX_EVIDENCE))
        .key(n.clone());
    if let Some(l) = line {
        f = f.line(l);
    }
    f.unit = Some(UnitInfo {
        kind: name::kind(&n).unwrap_or("service").to_string(),
        template: None,
        name: n,
        shipped: true,
        shipped_at: u.at,
        aliases: u.aliases,
        referenced_by: u.referrers,
        reference_count: u.count,
        directive: None,
        suggestion: None,
    });
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(place("lib/systemd/system/a.service"), Place::UnitDir);
        assert_eq!(place("usr/lib/systemd/user/a.service"), Place::UnitDir);
        assert_eq!(
            place("etc/systemd/system/multi-user.target.wants/a.service"),
            Place::Deps("multi-user.target", ".wants")
        );
        assert_eq!(
            place("etc/systemd/system/a.service.d/override.conf"),
            Place::DropIn("a.service", true)
        );
        assert_eq!(
            place("opt/acme/a.service.d/override.conf"),
            Place::DropIn("a.service", false)
        );
        assert_eq!(place("opt/acme/systemd/a.service"), Place::Other);
        assert_eq!(place("lib/systemd/system/sub/dir/a.service"), Place::Other);
        assert_eq!(place("a.service"), Place::Other);
        assert_eq!(place(""), Place::Other);
    }

    #[test]
    fn file_kinds() {
        assert!(is_doc("usr/share/doc/acme/README"));
        assert!(is_doc("docs/upgrade.md"));
        assert!(!is_doc("debian/postinst"));
        assert!(!is_doc("install.sh"));
        assert!(is_doc("INSTALL"));
        assert!(is_shell("debian/postinst", "x"));
        assert!(is_shell("DEBIAN/acme.postinst", "x"));
        assert!(is_shell("opt/x/run", "#!/bin/bash\n"));
        assert!(!is_shell("opt/x/run.py", "#!/usr/bin/python3\n"));
        assert_eq!(sysv_service("acme").as_deref(), Some("acme.service"));
        assert_eq!(sysv_service("README"), None);
        assert_eq!(sysv_service(".depend.boot"), None);
    }

    #[test]
    fn shorten_respects_characters() {
        assert_eq!(shorten("äöü", 2), "äö…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
