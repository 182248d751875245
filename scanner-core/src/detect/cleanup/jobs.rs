//! Temporary jobs: scheduled tasks and scripts named or commented as one-shot, Kubernetes Jobs
//! the upgrade creates, and Helm install/upgrade hooks nobody deletes.

use super::{compiled, evidence, is_comment, name, FileKind, Sink};
use crate::rules::cleanup::TEMPORARY_JOB;
use regex::Regex;
use std::sync::OnceLock;

fn temporary_name() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)(?:^|[-_.])(once|oneshot|one-shot|oneoff|one-off|temporary|temp)(?:[-_.]|$)",
    )
}

fn temporary_comment() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(remove\s+(?:it\s+|this\s+|me\s+)?(?:after|once)\s+(?:the\s+)?(?:upgrade|migration|release|cut-?over)|delete\s+(?:it\s+|this\s+)?(?:after|once)\s+(?:the\s+)?(?:upgrade|migration)|temporary\s+(?:job|task|cron(?:job)?|script|entry|timer|hook|workaround)|(?:this|it)\s+is\s+temporary|one-?off|one-?shot|run\s+once|runs\s+once)\b",
    )
}

/// The lower-cased path and extension of a file.
fn lower_ext(path: &str) -> (String, String) {
    let l = path.to_ascii_lowercase();
    let name = l.rsplit(['/', '\\']).next().unwrap_or(&l);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .unwrap_or("")
        .to_string();
    (l, ext)
}

/// A path that names a job by itself: a crontab or cron folder, a systemd unit, a shell or
/// Windows script. Python, Ruby or Perl files count only as scripts with a `#!` line (library
/// modules are not jobs).
fn job_path(lower: &str, ext: &str) -> bool {
    let cron = lower
        .split('/')
        .any(|seg| seg == "crontab" || seg.starts_with("cron.") || seg == "cron");
    cron || matches!(
        ext,
        "cron" | "timer" | "service" | "sh" | "bash" | "ps1" | "bat" | "cmd"
    )
}

/// Whether a file is a job: a crontab, a systemd unit, a Windows task, a script, a manifest.
fn job_file(path: &str, lines: &[&str]) -> bool {
    let (l, ext) = lower_ext(path);
    job_path(&l, &ext)
        || lines.first().is_some_and(|f| f.starts_with("#!"))
        || ((ext == "xml") && lines.iter().take(5).any(|x| x.contains("<Task")))
        || ((ext == "yml" || ext == "yaml")
            && lines
                .iter()
                .any(|x| x.trim_start().starts_with("kind: Job") || x.contains("kind: CronJob")))
}

/// Whether [`scan`] can report anything for this file, from its name and one search over its
/// text: a YAML manifest with a Job or a Helm hook, or a file that may be a job and has a
/// temporary name or a comment saying it is temporary.
pub(super) fn may_match(path: &str, text: &str) -> bool {
    let (l, ext) = lower_ext(path);
    let yaml = matches!(ext.as_str(), "yml" | "yaml");
    if yaml && (text.contains("helm.sh/hook") || text.contains("kind: Job")) {
        return true;
    }
    let maybe_job = job_path(&l, &ext) || text.starts_with("#!") || ext == "xml" || yaml;
    if !maybe_job {
        return false;
    }
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
    temporary_name().is_none_or(|re| re.is_match(stem))
        || temporary_comment().is_none_or(|re| re.is_match(text))
}

/// Report temporary jobs of a file.
pub(super) fn scan(path: &str, lines: &[&str], kind: FileKind, sink: &mut Sink<'_>) {
    if kind.yaml {
        manifests(lines, sink);
    }
    if !job_file(path, lines) {
        return;
    }
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
    if let Some(re) = temporary_name() {
        if re.is_match(stem) {
            sink.push(
                &TEMPORARY_JOB,
                None,
                "file".to_string(),
                format!("Temporary job `{}`", name(file)),
                evidence(
                    lines
                        .iter()
                        .find(|l| !l.trim().is_empty())
                        .copied()
                        .unwrap_or(""),
                ),
            );
            return;
        }
    }
    let Some(re) = temporary_comment() else {
        return;
    };
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !is_comment(t) || t.starts_with("#!") {
            continue;
        }
        if let Some(m) = re.find(t) {
            let said = m.as_str().to_ascii_lowercase();
            sink.push(
                &TEMPORARY_JOB,
                Some(i),
                "file".to_string(),
                format!(
                    "Temporary job `{}` (marked \u{201c}{}\u{201d})",
                    name(file),
                    name(&said)
                ),
                evidence(t),
            );
            return;
        }
    }
}

/// One YAML document's facts.
#[derive(Default)]
struct Doc {
    kind: Option<(usize, String)>,
    name: Option<String>,
    hook: Option<String>,
    delete_policy: bool,
    ttl: bool,
}

fn value_of<'a>(t: &'a str, key: &str) -> Option<&'a str> {
    let rest = t.strip_prefix(key)?;
    let rest = rest.strip_prefix(':')?;
    Some(rest.trim().trim_matches(['"', '\'']))
}

/// Kubernetes Jobs named after the upgrade, and Helm hooks without a delete policy.
fn manifests(lines: &[&str], sink: &mut Sink<'_>) {
    let mut doc = Doc::default();
    let mut in_metadata = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t == "---" {
            report(&std::mem::take(&mut doc), lines, sink);
            in_metadata = false;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_metadata = t == "metadata:";
        }
        if indent == 0 {
            if let Some(k) = value_of(t, "kind") {
                doc.kind = Some((i, k.to_string()));
            }
        } else if in_metadata && doc.name.is_none() && indent <= 2 {
            if let Some(n) = value_of(t, "name") {
                doc.name = Some(n.to_string());
            }
        }
        let unquoted = t.trim_start_matches(['"', '\'']);
        if let Some(rest) = unquoted.strip_prefix("helm.sh/hook") {
            let rest = rest.trim_start_matches(['"', '\'']);
            if let Some(v) = rest.strip_prefix(':') {
                doc.hook = Some(v.trim().trim_matches(['"', '\'']).to_string());
            } else if rest.starts_with("-delete-policy") {
                doc.delete_policy = true;
            }
        }
        if t.starts_with("ttlSecondsAfterFinished:") {
            doc.ttl = true;
        }
    }
    report(&doc, lines, sink);
}

fn report(doc: &Doc, lines: &[&str], sink: &mut Sink<'_>) {
    let Some((line, kind)) = &doc.kind else {
        return;
    };
    let object = format!("{kind}/{}", doc.name.as_deref().unwrap_or("?"));
    let ev = evidence(lines.get(*line).copied().unwrap_or(""));
    if let Some(hook) = &doc.hook {
        let h = hook.to_ascii_lowercase();
        if (h.contains("upgrade") || h.contains("install")) && !doc.delete_policy {
            sink.push(
                &TEMPORARY_JOB,
                Some(*line),
                format!("k8s:{object}"),
                format!(
                    "Helm hook `{}` ({}) is never deleted",
                    name(&object),
                    name(hook)
                ),
                ev,
            );
        }
        return;
    }
    let n = doc.name.as_deref().unwrap_or("").to_ascii_lowercase();
    if kind == "Job" && (n.contains("upgrade") || n.contains("migrat")) && !doc.ttl {
        sink.push(
            &TEMPORARY_JOB,
            Some(*line),
            format!("k8s:{object}"),
            format!("Upgrade Job `{}` stays in the cluster", name(&object)),
            ev,
        );
    }
}
