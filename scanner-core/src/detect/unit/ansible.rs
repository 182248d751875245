//! Ansible tasks that act on units: the `systemd`, `systemd_service` and `service` modules
//! (also as `ansible.builtin.…` / `ansible.legacy.…`), block form (`name:` under the module)
//! or inline form (`service: name=acme state=restarted`).
//!
//! A block counts only when it also has a module option (`state`, `enabled`, `masked`,
//! `daemon_reload`, `scope`...): a Kubernetes `service:` block with `name:` and `port:` is
//! not a task.

use super::name;
use super::{Event, Need};

const MODULES: &[&str] = &["systemd", "systemd_service", "service"];

/// Options of the modules besides `name`.
const OPTIONS: &[&str] = &[
    "state",
    "enabled",
    "masked",
    "daemon_reload",
    "daemon_reexec",
    "scope",
    "no_block",
    "force",
    "sleep",
    "pattern",
    "runlevel",
    "arguments",
    "args",
    "use",
];

/// Most lines a module block is looked at.
const MAX_BLOCK: usize = 64;

/// A unit an Ansible task names, with the line of its `name:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Line of `name`.
    pub line: u32,
    /// The reference.
    pub event: Event,
}

fn module(key: &str) -> Option<&'static str> {
    let short = key
        .strip_prefix("ansible.builtin.")
        .or_else(|| key.strip_prefix("ansible.legacy."))
        .unwrap_or(key);
    MODULES.iter().copied().find(|m| *m == short)
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    let v = v.split(" #").next().unwrap_or(v).trim();
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v)
}

fn truthy(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "yes" | "true" | "on" | "1" | "y"
    )
}

fn task(module: &str, line: u32, opts: &[(String, String)]) -> Option<Task> {
    let get = |k: &str| {
        opts.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let unit = get("name")?;
    if !opts.iter().any(|(k, _)| OPTIONS.contains(&k.as_str())) || get("port").is_some() {
        return None;
    }
    if unit.contains("{{") || unit.contains('$') {
        return None;
    }
    let n = name::from_command(unit)?;
    let state = get("state").unwrap_or("");
    let need = if matches!(state, "started" | "restarted" | "reloaded")
        || get("enabled").is_some_and(truthy)
    {
        Need::Starts
    } else {
        Need::Uses
    };
    let directive = if state.is_empty() {
        format!("ansible {module}")
    } else {
        format!("ansible {module} state={state}")
    };
    Some(Task {
        line,
        event: Event::Refers {
            name: n,
            directive,
            need,
        },
    })
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

/// The unit references of an Ansible YAML file.
pub fn tasks(text: &str) -> Vec<Task> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let body = raw.trim_start_matches([' ', '-']);
        let Some((key, rest)) = body.split_once(':') else {
            continue;
        };
        let Some(m) = module(key.trim_end()) else {
            continue;
        };
        if key.contains(' ') {
            continue;
        }
        let rest = rest.trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            // Inline: `service: name=acme state=restarted`.
            let opts: Vec<(String, String)> = rest
                .split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), unquote(v).to_string()))
                .collect();
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            out.extend(task(m, line, &opts));
            continue;
        }
        let own = indent(raw);
        let mut opts: Vec<(String, String)> = Vec::new();
        let mut name_line = 0;
        let mut child: Option<usize> = None;
        for (j, l) in lines.iter().enumerate().skip(i + 1).take(MAX_BLOCK) {
            let t = l.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let ind = l.len() - l.trim_start().len();
            if ind <= own {
                break;
            }
            if *child.get_or_insert(ind) != ind {
                continue;
            }
            if let Some((k, v)) = t.split_once(':') {
                if k == "name" {
                    name_line = u32::try_from(j + 1).unwrap_or(u32::MAX);
                }
                opts.push((k.trim().to_string(), unquote(v).to_string()));
            }
        }
        out.extend(task(m, name_line, &opts));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(text: &str) -> Vec<(u32, String, String, Need)> {
        tasks(text)
            .into_iter()
            .filter_map(|t| match t.event {
                Event::Refers {
                    name,
                    directive,
                    need,
                } => Some((t.line, name, directive, need)),
                Event::Ships { .. } => None,
            })
            .collect()
    }

    #[test]
    fn block_and_inline_forms() {
        let text = "- hosts: app\n  tasks:\n    - name: restart the importer\n      ansible.builtin.systemd:\n        name: acme-importer\n        state: restarted\n        daemon_reload: true\n    - name: enable web\n      service: name=acme-web.service enabled=yes\n    - name: stop old\n      systemd_service:\n        name: \"acme-old\"  # retired\n        state: stopped\n    - name: loop\n      systemd:\n        name: \"{{ item }}\"\n        state: started\n";
        assert_eq!(
            got(text),
            [
                (
                    5,
                    "acme-importer.service".to_string(),
                    "ansible systemd state=restarted".to_string(),
                    Need::Starts
                ),
                (
                    9,
                    "acme-web.service".to_string(),
                    "ansible service".to_string(),
                    Need::Starts
                ),
                (
                    12,
                    "acme-old.service".to_string(),
                    "ansible systemd_service state=stopped".to_string(),
                    Need::Uses
                ),
            ]
        );
    }

    #[test]
    fn kubernetes_services_are_not_tasks() {
        let ingress = "spec:\n  rules:\n    - http:\n        paths:\n          - backend:\n              service:\n                name: acme-web\n                port:\n                  number: 80\n";
        assert!(tasks(ingress).is_empty());
        assert!(tasks("services:\n  web:\n    image: x\n").is_empty());
    }
}
