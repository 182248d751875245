//! GitHub Actions workflows' `on.schedule`.
//!
//! ## What it does
//! Reads workflows in `.github/workflows/*.yml|yaml` (also under a top folder of the package):
//! each `- cron: '...'` of `on.schedule` is a task, at the line of its `cron:` key. The pattern
//! is POSIX cron as GitHub takes it: five fields of numbers, month and day names, `*`, `,`, `-`,
//! `/`; no `@daily` macros and no `L`/`W`/`#`. Schedules run in UTC unless the entry sets
//! `timezone:` (an IANA zone, which GitHub added in 2026). The key `on` is also read when a
//! YAML 1.1 tool wrote it as `true`. The task's command names the workflow and its jobs; the
//! note says that GitHub may delay runs, runs nothing more often than every 5 minutes, and when
//! jobs run on self-hosted runners (machines the upgrade may touch).
//!
//! ## Why is this bad?
//! A workflow that fires during the maintenance window deploys, tests or syncs against a
//! half-upgraded system; on self-hosted runners it runs on the machines being upgraded.

use super::k8s::{
    check_plain_fields, is_github_workflow, parse_document, raw_line, split_documents, Data, Node,
};
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// Most job names listed in a task's command.
const JOBS_LISTED: usize = 8;

/// Whether [`detect`] could read anything from `text`: a workflow that mentions `schedule`.
pub fn wants(path: &str, text: &str) -> bool {
    is_github_workflow(path) && text.contains("schedule")
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let mut out = Parsed::default();
    for (first, doc) in split_documents(text) {
        match parse_document(&doc, first) {
            Ok(roots) => {
                for root in &roots {
                    read_workflow(path, text, root, &mut out);
                }
            }
            Err(e) => {
                if doc.contains("cron") {
                    out.invalid.push((
                        e.line,
                        format!("the workflow is not valid YAML: {}", e.message),
                        raw_line(text, e.line),
                    ));
                }
            }
        }
    }
    (!out.tasks.is_empty() || !out.invalid.is_empty()).then_some(out)
}

/// "workflow 'Nightly' jobs build, test".
fn command(path: &str, root: &Node) -> String {
    let name = root
        .get("name")
        .and_then(Node::scalar)
        .map(str::to_string)
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_string());
    let jobs: Vec<&str> = match root.get("jobs").map(|j| &j.data) {
        Some(Data::Map(entries)) => entries.iter().filter_map(|(k, _)| k.scalar()).collect(),
        _ => Vec::new(),
    };
    let mut s = format!("workflow '{name}'");
    if !jobs.is_empty() {
        let listed: Vec<&str> = jobs.iter().take(JOBS_LISTED).copied().collect();
        s.push_str(if jobs.len() == 1 { " job " } else { " jobs " });
        s.push_str(&listed.join(", "));
        if jobs.len() > JOBS_LISTED {
            s.push_str(&format!(", … ({} jobs)", jobs.len()));
        }
    }
    s
}

/// True when a job runs on a self-hosted runner.
fn self_hosted(root: &Node) -> bool {
    let Some(Data::Map(jobs)) = root.get("jobs").map(|j| &j.data) else {
        return false;
    };
    jobs.iter().any(|(_, job)| {
        let Some(runs_on) = job.get("runs-on") else {
            return false;
        };
        let labels: Vec<&Node> = match &runs_on.data {
            Data::Seq(items) => items.iter().collect(),
            Data::Map(_) => runs_on.get("labels").map_or_else(Vec::new, |l| {
                if l.items().is_empty() {
                    vec![l]
                } else {
                    l.items().iter().collect()
                }
            }),
            Data::Scalar { .. } => vec![runs_on],
        };
        labels
            .iter()
            .filter_map(|l| l.scalar())
            .any(|l| l.eq_ignore_ascii_case("self-hosted"))
    })
}

/// True when the pattern fires twice within 5 minutes somewhere (sampled over a week).
fn faster_than_five_minutes(r: &CronRecurrence, tz: Tz) -> bool {
    let Ok(start) = "2026-01-05T00:00:00Z".parse::<DateTime<Utc>>() else {
        return false;
    };
    let end = start + Duration::days(7);
    let mut t = start;
    let mut last: Option<DateTime<Utc>> = None;
    for _ in 0..2_100 {
        let Some(n) = r.next_after(t, tz) else { break };
        if n <= t || n > end {
            break;
        }
        if last.is_some_and(|l| n - l < Duration::minutes(5)) {
            return true;
        }
        last = Some(n);
        t = n;
    }
    false
}

fn read_workflow(path: &str, text: &str, root: &Node, out: &mut Parsed) {
    let Some(on) = root.get("on").or_else(|| root.get("true")) else {
        return;
    };
    let Some((skey, schedule)) = on.entry("schedule") else {
        return;
    };
    let invalid = |line: u32, message: String| (line, message, raw_line(text, line));
    let Data::Seq(entries) = &schedule.data else {
        out.invalid.push(invalid(
            skey.line,
            "on.schedule must be a list of '- cron: ...' entries".into(),
        ));
        return;
    };
    let command = command(path, root);
    let hosted = self_hosted(root);
    for entry in entries {
        let Some((ckey, cron)) = entry.entry("cron") else {
            out.invalid.push(invalid(
                entry.line,
                "an on.schedule entry without cron".into(),
            ));
            continue;
        };
        let line = ckey.line;
        let Some(expression) = cron.scalar().map(str::trim) else {
            out.invalid
                .push(invalid(line, "cron must be a quoted cron pattern".into()));
            continue;
        };
        let mut timezone = None;
        if let Some((zkey, zone)) = entry.entry("timezone") {
            let name = zone.scalar().unwrap_or("").trim();
            match name.parse::<Tz>() {
                Ok(z) => timezone = Some(z),
                Err(_) => {
                    out.invalid.push(invalid(
                        zkey.line,
                        format!("unknown time zone '{name}' in the schedule's timezone"),
                    ));
                    continue;
                }
            }
        }
        let checked = if expression.starts_with('@') {
            Err(format!(
                "GitHub Actions does not take macros such as '{expression}': write five cron fields"
            ))
        } else {
            check_plain_fields(expression, false)
                .and_then(|()| CronRecurrence::parse(expression, CronDialect::default()))
        };
        let recurrence = match checked {
            Ok(r) => r,
            Err(e) => {
                out.invalid.push(invalid(
                    line,
                    format!("'{expression}' is not a valid schedule: {e}"),
                ));
                continue;
            }
        };
        let mut notes = vec![if timezone.is_some() {
            "GitHub may delay scheduled runs under load".to_string()
        } else {
            "GitHub runs schedules in UTC and may delay them under load".to_string()
        }];
        if faster_than_five_minutes(&recurrence, timezone.unwrap_or(Tz::UTC)) {
            notes.push("GitHub runs scheduled workflows at most every 5 minutes".into());
        }
        if hosted {
            notes.push("jobs run on self-hosted runners".into());
        }
        out.tasks.push(Task {
            kind: Kind::GithubActions,
            path: path.to_string(),
            line,
            expression: expression.to_string(),
            timing: Timing::Clock {
                recurrence: Box::new(recurrence),
                jitter: Duration::zero(),
                randomized: false,
            },
            timezone: Some(timezone.unwrap_or(Tz::UTC)),
            command: Some(command.clone()),
            user: None,
            note: Some(notes.join("; ")),
            enabled: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rfc3339;

    const WORKFLOW: &str = "\
name: Nightly
on:
  push:
    branches: [main]
  schedule:
    # Weekdays before the office opens.
    - cron: '30 4 * * 1-5'
    - cron: \"0 2 * * SUN\"
      timezone: Europe/Berlin
  workflow_dispatch:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make ${{ matrix.target }}
  test:
    runs-on: [self-hosted, linux]
    steps:
      - run: ./scripts/test.sh
";

    #[test]
    fn two_crons_two_tasks() {
        let p = detect("acme-3.0/.github/workflows/nightly.yml", WORKFLOW);
        assert!(p.is_some());
        let Some(p) = p else { return };
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        assert_eq!(p.tasks.len(), 2);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.line, 7);
        assert_eq!(t.expression, "30 4 * * 1-5");
        assert_eq!(t.timezone, Some(Tz::UTC));
        assert_eq!(
            t.command.as_deref(),
            Some("workflow 'Nightly' jobs build, test")
        );
        assert_eq!(
            t.note.as_deref(),
            Some("GitHub runs schedules in UTC and may delay them under load; jobs run on self-hosted runners")
        );
        let now = "2026-11-26T00:00:00Z".parse().unwrap_or_default();
        let e = t.evaluate(now, Tz::Europe__Berlin, None);
        assert_eq!(
            e.next_runs.first().map(|t| rfc3339(*t)).as_deref(),
            Some("2026-11-26T04:30:00Z")
        );
        assert!(e.description.contains("(UTC)"), "{}", e.description);
        let Some(t) = p.tasks.get(1) else { return };
        assert_eq!(t.line, 8);
        assert_eq!(t.timezone, Some(Tz::Europe__Berlin));
        let e = t.evaluate(now, Tz::UTC, None);
        assert_eq!(
            e.next_runs.first().map(|t| rfc3339(*t)).as_deref(),
            Some("2026-11-29T01:00:00Z")
        );
    }

    #[test]
    fn on_written_as_true_and_invalid_entries() {
        let text = "true:\n  schedule:\n    - cron: '@daily'\n    - cron: '0 3 L * *'\n    - cron: '*/2 * * * *'\n    - cron: '0 3 * * *'\n      timezone: Moon/Base\n    - timezone: UTC\n";
        let p = detect(".github/workflows/x.yaml", text);
        assert!(p.is_some());
        let Some(p) = p else { return };
        let lines: Vec<u32> = p.invalid.iter().map(|i| i.0).collect();
        assert_eq!(lines, [3, 4, 7, 8], "{:?}", p.invalid);
        assert_eq!(p.tasks.len(), 1);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.command.as_deref(), Some("workflow 'x.yaml'"));
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.contains("at most every 5 minutes")));
    }

    #[test]
    fn only_workflow_files() {
        assert!(detect("docs/nightly.yml", WORKFLOW).is_none());
        assert!(detect(".github/workflows/sub/nightly.yml", WORKFLOW).is_none());
        assert!(detect(".github/workflows/nightly.txt", WORKFLOW).is_none());
        assert!(detect(".github/workflows/ci.yml", "on: push\njobs: {}\n").is_none());
        assert!(detect("a.zip!/.github/workflows/n.yml", WORKFLOW).is_some());
    }

    #[test]
    fn never_panics_on_mutations() {
        let set = [
            '{', '}', '[', ']', ':', '-', '&', '*', '!', '|', '>', '\'', '"', '@', '#', '\n', ' ',
            '?', ',',
        ];
        let now = "2026-11-26T00:00:00Z".parse().unwrap_or_default();
        for m in crate::detect::schedule::k8s::tests::mutations(WORKFLOW, 3_000, &set) {
            if let Some(p) = detect(".github/workflows/n.yml", &m) {
                for t in &p.tasks {
                    let _ = t.evaluate(now, Tz::UTC, None);
                }
            }
        }
    }

    #[test]
    fn never_panics_on_prefixes() {
        for end in 0..WORKFLOW.len() {
            if let Some(prefix) = WORKFLOW.get(..end) {
                let _ = detect(".github/workflows/n.yml", prefix);
            }
        }
    }
}
