//! Unit files: their sections and assignments, the names they ship (`Alias=`) and the units
//! they refer to (dependencies, `[Install]` targets, what a timer, path or socket starts, and
//! the `systemctl` commands of their `Exec…=` lines).

use super::name;
use super::script;
use super::{Event, Need};

/// Section headers that make a file a unit file.
const UNIT_SECTIONS: &[&str] = &[
    "Unit",
    "Service",
    "Socket",
    "Timer",
    "Path",
    "Mount",
    "Automount",
    "Swap",
    "Slice",
    "Scope",
    "Install",
];

/// One `Key=Value` line, continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Index into [`Parsed::sections`]; `None` before the first header.
    pub section: Option<usize>,
    /// The key, trimmed.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// Line of the key.
    pub line: u32,
    /// The physical line of the key, trimmed.
    pub raw: String,
}

/// A unit file read the way systemd reads it: `[Section]` headers, `#`/`;` comments (also
/// inside continuations), lines continued by a trailing `\`.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Section names with the line of their header.
    pub sections: Vec<(String, u32)>,
    /// Every assignment, in order.
    pub assignments: Vec<Assignment>,
}

impl Parsed {
    /// The section an assignment belongs to.
    pub fn section_of(&self, a: &Assignment) -> &str {
        a.section
            .and_then(|i| self.sections.get(i))
            .map_or("", |(s, _)| s.as_str())
    }

    /// Whether the text has a section header of a unit file.
    pub fn is_unit(&self) -> bool {
        self.sections
            .iter()
            .any(|(s, _)| UNIT_SECTIONS.contains(&s.as_str()))
    }

    /// The line of the first header of a section.
    fn header(&self, section: &str) -> Option<u32> {
        self.sections
            .iter()
            .find(|(s, _)| s == section)
            .map(|(_, l)| *l)
    }
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// The line without its continuation backslash, when it ends with an unescaped one.
fn continued(line: &str) -> Option<&str> {
    let trailing = line.bytes().rev().take_while(|b| *b == b'\\').count();
    if trailing % 2 == 1 {
        line.strip_suffix('\\')
    } else {
        None
    }
}

/// Read a unit file.
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Parsed::default();
    // (line, raw first line, text so far)
    let mut pending: Option<(u32, String, String)> = None;
    let take = |out: &mut Parsed, line: u32, raw: String, logical: &str| {
        let t = logical.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            out.sections.push((name.to_string(), line));
            return;
        }
        if let Some((key, value)) = t.split_once('=') {
            out.assignments.push(Assignment {
                section: out.sections.len().checked_sub(1),
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                line,
                raw,
            });
        }
    };
    for (i, physical) in text.lines().enumerate() {
        let line = physical.trim_end_matches('\r');
        let lead = line.trim_start();
        if lead.starts_with('#') || lead.starts_with(';') {
            continue;
        }
        let (start, raw, mut acc) = match pending.take() {
            Some(p) => p,
            None if lead.is_empty() => continue,
            None => (line_no(i), lead.trim_end().to_string(), String::new()),
        };
        match continued(line) {
            Some(body) => {
                acc.push_str(body.trim_start());
                acc.push(' ');
                pending = Some((start, raw, acc));
            }
            None => {
                acc.push_str(lead);
                take(&mut out, start, raw, &acc);
            }
        }
    }
    if let Some((start, raw, acc)) = pending {
        take(&mut out, start, raw, &acc);
    }
    out
}

/// systemd's boolean values.
fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

/// How a dependency directive needs the unit it names; `None` for keys that name no unit.
fn directive(section: &str, key: &str) -> Option<Need> {
    Some(match (section, key) {
        ("Unit", "Requires" | "Requisite" | "BindsTo") => Need::Starts,
        ("Unit", "Wants" | "After" | "Before" | "Conflicts") => Need::Ordering,
        (
            "Unit",
            "PartOf"
            | "Upholds"
            | "OnFailure"
            | "OnSuccess"
            | "PropagatesReloadTo"
            | "ReloadPropagatedFrom"
            | "PropagatesStopTo"
            | "StopPropagatedFrom"
            | "JoinsNamespaceOf",
        ) => Need::Uses,
        ("Install", "WantedBy" | "RequiredBy" | "UpheldBy" | "Also") => Need::Uses,
        ("Timer" | "Path", "Unit") | ("Socket", "Service") => Need::Starts,
        ("Service", "Sockets") => Need::Uses,
        _ => return None,
    })
}

/// Keys whose value is a command line.
const EXEC_KEYS: &[&str] = &[
    "ExecCondition",
    "ExecStartPre",
    "ExecStart",
    "ExecStartPost",
    "ExecReload",
    "ExecStop",
    "ExecStopPost",
];

/// An event with its line and the line as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// What was found.
    pub event: Event,
    /// Where.
    pub line: Option<u32>,
    /// The line as written.
    pub raw: String,
}

/// What the unit file (or drop-in) of unit `owner` ships and refers to. `whole` is false for a
/// drop-in: the implicit unit of a timer, path or socket is then the main file's business.
pub fn events(parsed: &Parsed, owner: &str, whole: bool) -> Vec<Located> {
    let mut out: Vec<Located> = Vec::new();
    let mut explicit_unit = false;
    let mut accept = false;
    for a in &parsed.assignments {
        let section = parsed.section_of(a);
        let key = a.key.as_str();
        if section == "Install" && key == "Alias" {
            for w in a.value.split_whitespace() {
                if let Some(n) = name::from_unit_file(w, owner) {
                    out.push(Located {
                        event: Event::Ships {
                            name: n,
                            alias_of: Some(owner.to_string()),
                        },
                        line: Some(a.line),
                        raw: a.raw.clone(),
                    });
                }
            }
            continue;
        }
        if section == "Socket" && key == "Accept" {
            accept = boolean(&a.value).unwrap_or(false);
            continue;
        }
        if EXEC_KEYS.contains(&key) && section != "Install" && section != "Unit" {
            let cmd = a.value.trim_start_matches(['-', '@', ':', '+', '!']);
            for event in script::line_events(cmd) {
                out.push(Located {
                    event,
                    line: Some(a.line),
                    raw: a.raw.clone(),
                });
            }
            continue;
        }
        let Some(need) = directive(section, key) else {
            continue;
        };
        let label = format!("{key}=");
        if matches!(
            (section, key),
            ("Timer" | "Path", "Unit") | ("Socket", "Service")
        ) {
            explicit_unit = true;
        }
        if a.value.is_empty() {
            // An empty assignment resets the list.
            out.retain(
                |l| !matches!(&l.event, Event::Refers { directive, .. } if *directive == label),
            );
            continue;
        }
        for w in a.value.split_whitespace() {
            if let Some(n) = name::from_unit_file(w, owner) {
                out.push(Located {
                    event: Event::Refers {
                        name: n,
                        directive: label.clone(),
                        need,
                    },
                    line: Some(a.line),
                    raw: a.raw.clone(),
                });
            }
        }
    }
    if whole && !explicit_unit {
        let kind = name::kind(owner);
        let s = name::stem(owner);
        let implicit = match kind {
            Some("timer") => Some(("Timer", format!("{s}.service"))),
            Some("path") => Some(("Path", format!("{s}.service"))),
            Some("socket") if accept => Some(("Socket", format!("{s}@.service"))),
            Some("socket") => Some(("Socket", format!("{s}.service"))),
            _ => None,
        };
        if let Some((section, unit)) = implicit {
            if let Some(line) = parsed.header(section) {
                if name::is_valid(&unit) {
                    out.push(Located {
                        event: Event::Refers {
                            name: unit,
                            directive: format!("implicit unit of {owner}"),
                            need: Need::Starts,
                        },
                        line: Some(line),
                        raw: format!("[{section}]"),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str, owner: &str) -> Vec<(String, String, Need, Option<u32>)> {
        events(&parse(text), owner, true)
            .into_iter()
            .filter_map(|l| match l.event {
                Event::Refers {
                    name,
                    directive,
                    need,
                } => Some((name, directive, need, l.line)),
                Event::Ships { .. } => None,
            })
            .collect()
    }

    fn r(
        name: &str,
        directive: &str,
        need: Need,
        line: u32,
    ) -> (String, String, Need, Option<u32>) {
        (name.into(), directive.into(), need, Some(line))
    }

    #[test]
    fn syntax() {
        let p = parse("\u{feff}# c\n[Unit]\nRequires=a.service \\\n; skipped\n  b.service\n\n[Install]\nWantedBy=multi-user.target\n");
        assert!(p.is_unit());
        let got: Vec<_> = p
            .assignments
            .iter()
            .map(|a| (p.section_of(a), a.key.as_str(), a.value.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Unit", "Requires", "a.service  b.service", 3),
                ("Install", "WantedBy", "multi-user.target", 8)
            ]
        );
        assert!(!parse("just text\nkey=value\n").is_unit());
        assert_eq!(continued("a\\\\"), None);
        assert_eq!(continued("a\\"), Some("a"));
    }

    #[test]
    fn dependencies_and_install() {
        let text = "[Unit]\nRequires=db.service\nWants=cache.service\nAfter=network-online.target db.service\nBindsTo=x@%i.service\nWants=\nOnFailure=notify@%n.service\n[Service]\nExecStartPost=-/bin/systemctl --no-block restart helper\n[Install]\nWantedBy=multi-user.target\nAlias=acme.service\n";
        assert_eq!(
            refs(text, "acme-import@.service"),
            [
                r("db.service", "Requires=", Need::Starts, 2),
                r("network-online.target", "After=", Need::Ordering, 4),
                r("db.service", "After=", Need::Ordering, 4),
                r("x@.service", "BindsTo=", Need::Starts, 5),
                r("helper.service", "systemctl restart", Need::Starts, 9),
                r("multi-user.target", "WantedBy=", Need::Uses, 11),
            ]
        );
        let ships: Vec<_> = events(&parse(text), "acme-import@.service", true)
            .into_iter()
            .filter_map(|l| match l.event {
                Event::Ships { name, alias_of } => Some((name, alias_of)),
                Event::Refers { .. } => None,
            })
            .collect();
        assert_eq!(
            ships,
            [(
                "acme.service".to_string(),
                Some("acme-import@.service".to_string())
            )]
        );
    }

    #[test]
    fn implicit_units() {
        let timer = "[Unit]\nDescription=x\n[Timer]\nOnCalendar=daily\n";
        assert_eq!(
            refs(timer, "backup.timer"),
            [r(
                "backup.service",
                "implicit unit of backup.timer",
                Need::Starts,
                3
            )]
        );
        assert_eq!(
            refs("[Timer]\nUnit=other.service\n", "backup.timer"),
            [r("other.service", "Unit=", Need::Starts, 2)]
        );
        assert_eq!(
            refs("[Socket]\nListenStream=1\nAccept=yes\n", "acme.socket"),
            [r(
                "acme@.service",
                "implicit unit of acme.socket",
                Need::Starts,
                1
            )]
        );
        assert_eq!(
            refs("[Path]\nPathChanged=/x\n", "watch.path"),
            [r(
                "watch.service",
                "implicit unit of watch.path",
                Need::Starts,
                1
            )]
        );
        // A drop-in does not imply anything.
        assert!(events(&parse(timer), "backup.timer", false).is_empty());
    }
}
