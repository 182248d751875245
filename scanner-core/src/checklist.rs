//! The checklist: preflight, cleanup and rollback steps generated from the findings, each
//! linked to the findings behind it.
//!
//! Steps are grouped so that they stay few enough to read: one per scheduled task, retired
//! host, migration file, certificate file, configuration file, renamed unit, component.
//! Texts name files (with lines), tasks, hosts and keys from the findings' paths, titles and
//! objects, which the scan has already masked: no secret value reaches a step.
//!
//! ## Ids
//! A step's id is the first 16 hex digits of SHA-256 over its phase, its kind and the sorted
//! ids of its findings; the same package gives the same steps with the same ids. Two steps with
//! the same three (which the grouping avoids) are told apart by a counter.
//!
//! ## Order
//! Preflight, then cleanup, then rollback; within a phase the most severe finding behind a step
//! first, then the order steps were generated in.

use crate::profile::Profile;
use crate::report::{Category, ChecklistItem, Finding, Severity};
use crate::text::visible;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

#[cfg(test)]
mod tests;

/// Steps of one kind kept before the rest are folded into one.
const MAX_PER_KIND: usize = 25;
/// Places listed in one step before "and N more".
const MAX_LISTED: usize = 6;

/// Where the step belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Phase {
    Preflight,
    Cleanup,
    Rollback,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::Cleanup => "cleanup",
            Phase::Rollback => "rollback",
        }
    }
}

/// A step before its id is made.
struct Step {
    phase: Phase,
    kind: &'static str,
    severity: Severity,
    text: String,
    findings: Vec<String>,
}

/// Collects steps.
struct Steps<'f> {
    by_id: HashMap<&'f str, &'f Finding>,
    out: Vec<Step>,
}

impl<'f> Steps<'f> {
    fn add(&mut self, phase: Phase, kind: &'static str, text: String, findings: &[&Finding]) {
        let severity = findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let mut ids: Vec<String> = Vec::new();
        for f in findings {
            if !ids.contains(&f.id) {
                ids.push(f.id.clone());
            }
        }
        self.out.push(Step {
            phase,
            kind,
            severity,
            text,
            findings: ids,
        });
    }

    fn get(&self, id: &str) -> Option<&'f Finding> {
        self.by_id.get(id).copied()
    }
}

/// The checklist for these findings (already linked and in report order).
pub fn checklist(findings: &[Finding], profile: &Profile) -> Vec<ChecklistItem> {
    let mut steps = Steps {
        by_id: findings.iter().map(|f| (f.id.as_str(), f)).collect(),
        out: Vec::new(),
    };
    if findings.is_empty() {
        return Vec::new();
    }
    jobs(findings, &mut steps);
    retired_hosts(findings, &mut steps);
    migration_locks(findings, &mut steps);
    certificates(findings, &mut steps);
    config_keys(findings, &mut steps);
    inventory(findings, &mut steps);
    units(findings, &mut steps);
    downtime(findings, &mut steps);
    cleanup(findings, &mut steps);
    rollback_data(findings, &mut steps);
    rollback_config(findings, profile, &mut steps);
    finish(steps.out)
}

/// Fold steps beyond [`MAX_PER_KIND`], order them and give them ids.
fn finish(steps: Vec<Step>) -> Vec<ChecklistItem> {
    let mut kept: Vec<Step> = Vec::new();
    let mut count: HashMap<(Phase, &'static str), usize> = HashMap::new();
    let mut folded: BTreeMap<(Phase, &'static str), Step> = BTreeMap::new();
    for s in steps {
        let n = count.entry((s.phase, s.kind)).or_insert(0);
        *n += 1;
        if *n <= MAX_PER_KIND {
            kept.push(s);
            continue;
        }
        let f = folded.entry((s.phase, s.kind)).or_insert_with(|| Step {
            phase: s.phase,
            kind: s.kind,
            severity: Severity::Info,
            text: String::new(),
            findings: Vec::new(),
        });
        f.severity = f.severity.max(s.severity);
        f.findings.extend(s.findings);
    }
    for ((phase, kind), mut s) in folded {
        let n = count.get(&(phase, kind)).copied().unwrap_or(0) - MAX_PER_KIND;
        s.text = format!("{n} more steps like the ones above ({kind}): see the linked findings.");
        kept.push(s);
    }
    kept.sort_by(|a, b| a.phase.cmp(&b.phase).then(b.severity.cmp(&a.severity)));
    let mut seen = HashSet::new();
    kept.into_iter()
        .map(|s| {
            let mut sorted = s.findings.clone();
            sorted.sort();
            let mut n = 0u32;
            let id = loop {
                let id = step_id(s.phase.as_str(), s.kind, &sorted, n);
                if seen.insert(id.clone()) {
                    break id;
                }
                n += 1;
            };
            ChecklistItem {
                id,
                phase: s.phase.as_str().to_string(),
                text: s.text,
                findings: s.findings,
                done: false,
                note: String::new(),
            }
        })
        .collect()
}

/// The stable id of a step (see the module docs).
fn step_id(phase: &str, kind: &str, sorted_ids: &[String], n: u32) -> String {
    let mut h = Sha256::new();
    for part in [phase, kind] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for id in sorted_ids {
        h.update(id.as_bytes());
        h.update([0]);
    }
    if n > 0 {
        h.update(n.to_le_bytes());
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `path:line`, or `path`.
fn at(f: &Finding) -> String {
    match f.line {
        Some(l) => format!("{}:{l}", visible(&f.path)),
        None => visible(&f.path).into_owned(),
    }
}

/// `a, b and c`, at most [`MAX_LISTED`] then "and N more".
fn list(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(MAX_LISTED).map(String::as_str).collect();
    let rest = items.len().saturating_sub(MAX_LISTED);
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        (many, 0) => {
            let (last, head) = many.split_last().map(|(l, h)| (*l, h)).unwrap_or(("", &[]));
            format!("{} and {last}", head.join(", "))
        }
        (many, n) => format!("{} and {n} more", many.join(", ")),
    }
}

/// Findings grouped by path, groups in first-seen order.
fn by_path<'f>(fs: impl Iterator<Item = &'f Finding>) -> Vec<(String, Vec<&'f Finding>)> {
    let mut order: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in fs {
        match order.iter_mut().find(|(p, _)| *p == f.path) {
            Some((_, v)) => v.push(f),
            None => order.push((f.path.clone(), vec![f])),
        }
    }
    order
}

/// A title with its first letter in lowercase, for use inside a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Statements the upgrade runs that take a blocking lock (the per-file summary, lock-timeout
/// notes and rollback steps, which run only in a rollback, left out).
fn is_lock(f: &Finding) -> bool {
    f.migration
        .as_ref()
        .is_some_and(|m| m.lock.is_some() && m.direction != "down")
        && f.rule != "migration.file"
        && f.rule != "migration.lock-timeout"
        && f.rule != "migration.destructive-rollback"
}

/// One lock, as listed: `V3__x.sql:4 ALTER TABLE orders ... (ACCESS EXCLUSIVE)`.
fn lock_line(f: &Finding) -> String {
    let m = f.migration.as_ref();
    let stmt = m
        .and_then(|m| m.statement.clone())
        .unwrap_or_else(|| f.title.clone());
    let stmt: String = stmt.chars().take(80).collect();
    let lock = m.and_then(|m| m.lock.clone()).unwrap_or_default();
    format!("{} {stmt} ({lock})", at(f))
}

// ---- preflight ------------------------------------------------------------------------------

/// One step per scheduled task that fires in the window or reaches a retired host.
fn jobs(findings: &[Finding], steps: &mut Steps<'_>) {
    for f in findings {
        let Some(s) = &f.schedule else { continue };
        if !s.enabled {
            continue;
        }
        let retired: Vec<&Finding> = f
            .related
            .iter()
            .filter_map(|id| steps.get(id))
            .filter(|r| r.endpoint.as_ref().is_some_and(|e| e.retired))
            .collect();
        let window = s.window.as_deref();
        let in_window = matches!(window, Some("always" | "may"));
        if !in_window && retired.is_empty() {
            continue;
        }
        let when = s.description.split(" (").next().unwrap_or(&s.description);
        let what = match (&s.entry, &s.command) {
            (Some(e), _) => visible(e).into_owned(),
            (None, Some(c)) => visible(c).chars().take(100).collect(),
            (None, None) => "a command the package does not ship".to_string(),
        };
        let mut text = if in_window {
            let fires = if window == Some("always") {
                "fires inside the maintenance window"
            } else {
                "may fire inside the maintenance window"
            };
            format!(
                "Disable or move the scheduled task in {} for the window: it {fires} ({when}) and runs {what}",
                at(f)
            )
        } else {
            format!(
                "Redirect the scheduled task in {} ({when}, runs {what}) before the upgrade",
                at(f)
            )
        };
        if !retired.is_empty() {
            let mut hosts: Vec<String> = Vec::new();
            for r in &retired {
                if let Some(e) = &r.endpoint {
                    let h = format!("{} ({})", visible(&e.host), at(r));
                    if !hosts.contains(&h) {
                        hosts.push(h);
                    }
                }
            }
            text.push_str(&format!(", which talks to retired host {}", list(&hosts)));
        }
        text.push('.');
        let mut linked = vec![f];
        linked.extend(retired);
        steps.add(Phase::Preflight, "job", text, &linked);
    }
}

/// One step per retired host.
fn retired_hosts(findings: &[Finding], steps: &mut Steps<'_>) {
    let mut hosts: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in findings {
        let Some(e) = f.endpoint.as_ref().filter(|e| e.retired) else {
            continue;
        };
        match hosts.iter_mut().find(|(h, _)| *h == e.host) {
            Some((_, v)) => v.push(f),
            None => hosts.push((e.host.clone(), vec![f])),
        }
    }
    for (host, fs) in hosts {
        let places: Vec<String> = fs.iter().map(|f| at(f)).collect();
        let text = format!(
            "Point {} at the host that replaced retired host {} (or remove the integration) before the window.",
            list(&places),
            visible(&host)
        );
        steps.add(Phase::Preflight, "retired-host", text, &fs);
    }
}

/// One step per migration file with blocking locks.
fn migration_locks(findings: &[Finding], steps: &mut Steps<'_>) {
    for (path, fs) in by_path(findings.iter().filter(|f| is_lock(f))) {
        let locks: Vec<String> = fs.iter().map(|f| lock_line(f)).collect();
        let mut linked = fs.clone();
        if let Some(file) = findings
            .iter()
            .find(|f| f.rule == "migration.file" && f.path == path)
        {
            linked.push(file);
        }
        let text = format!(
            "Back up the database and schedule {} inside the window: it takes blocking locks: {}. Time it on a copy of production data.",
            visible(&path),
            list(&locks)
        );
        steps.add(Phase::Preflight, "migration-lock", text, &linked);
    }
}

/// One step per certificate file with an expired, expiring or issuer-less certificate.
fn certificates(findings: &[Finding], steps: &mut Steps<'_>) {
    let wanted = [
        "certificate.expired",
        "certificate.expiring",
        "certificate.missing-issuer",
        "certificate.not-yet-valid",
    ];
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| wanted.contains(&f.rule.as_str())),
    ) {
        let mut parts = Vec::new();
        for f in &fs {
            let c = f.certificate.as_ref();
            let subject = c
                .map(|c| c.subject.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "a certificate".into());
            let until = c.and_then(|c| c.not_after.clone()).unwrap_or_default();
            let part = match f.rule.as_str() {
                "certificate.expired" => format!("renew {subject} (expired {until})"),
                "certificate.expiring" => format!("renew {subject} (expires {until})"),
                "certificate.not-yet-valid" => format!(
                    "wait for or replace {subject} (valid from {})",
                    c.and_then(|c| c.not_before.clone()).unwrap_or_default()
                ),
                _ => format!(
                    "add the issuer {} of {subject} to the bundle",
                    c.map(|c| c.issuer.clone()).unwrap_or_default()
                ),
            };
            parts.push(part);
        }
        let text = format!(
            "Install or renew certificates in {} before the window: {}.",
            visible(&path),
            list(&parts)
        );
        steps.add(Phase::Preflight, "certificate", text, &fs);
    }
}

/// The key of a deprecation finding.
fn config_key(f: &Finding) -> String {
    f.config
        .as_ref()
        .map(|c| c.key.clone())
        .unwrap_or_else(|| f.title.clone())
}

const CONFIG_RULES: [&str; 4] = [
    "config.removed-key",
    "config.deprecated-key",
    "config.k8s-removed-api",
    "config.k8s-deprecated-api",
];

/// One key, as listed: `` `cache.redis.host` (line 3): removed in acme-api 5.2.0, use `x` ``.
fn config_part(f: &Finding) -> String {
    let line = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
    let Some(c) = &f.config else {
        return format!("{}{line}", lower_first(&f.title));
    };
    let removed = c.status == "removed" || (c.status.is_empty() && f.rule.contains("removed"));
    let comp = if c.component.is_empty() {
        String::new()
    } else {
        format!(" {}", visible(&c.component))
    };
    let mut s = format!("`{}`{line}", visible(&c.key));
    match (removed, &c.removed_in, &c.deprecated_in) {
        (true, Some(v), _) => s.push_str(&format!(": removed in{comp} {}", visible(v))),
        (true, None, _) => s.push_str(": removed"),
        (false, _, Some(v)) => s.push_str(&format!(": deprecated in{comp} {}", visible(v))),
        (false, _, None) => s.push_str(": deprecated"),
    }
    if let Some(r) = &c.replacement {
        s.push_str(&format!(", use `{}`", visible(r)));
    }
    s
}

/// One step per configuration file with removed or deprecated keys.
fn config_keys(findings: &[Finding], steps: &mut Steps<'_>) {
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| CONFIG_RULES.contains(&f.rule.as_str())),
    ) {
        let parts: Vec<String> = fs.iter().map(|f| config_part(f)).collect();
        let k8s = fs.iter().all(|f| f.rule.starts_with("config.k8s-"));
        let text = if k8s {
            format!(
                "Move the Kubernetes objects in {} to APIs the target release serves: {}.",
                visible(&path),
                list(&parts)
            )
        } else {
            format!(
                "Fix the removed or deprecated keys in {} before the upgrade: {}.",
                visible(&path),
                list(&parts)
            )
        };
        steps.add(Phase::Preflight, "config-key", text, &fs);
    }
}

/// One step per component with an upgrade-path gap or another inventory problem.
fn inventory(findings: &[Finding], steps: &mut Steps<'_>) {
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in findings {
        if f.category != Category::Inventory || f.severity == Severity::Info {
            continue;
        }
        let comp = f
            .inventory
            .as_ref()
            .map(|i| i.component.clone())
            .unwrap_or_default();
        match groups.iter_mut().find(|(c, _)| *c == comp) {
            Some((_, v)) => v.push(f),
            None => groups.push((comp, vec![f])),
        }
    }
    for (comp, fs) in groups {
        let gap = fs.iter().any(|f| f.rule.contains("path"));
        let parts: Vec<String> = fs
            .iter()
            .map(|f| {
                let mut t = lower_first(&f.title);
                if let Some(i) = &f.inventory {
                    let mut facts = Vec::new();
                    if let Some(v) = &i.installed {
                        facts.push(format!("installed {}", visible(v)));
                    }
                    if !i.version.is_empty() {
                        facts.push(format!("package {}", visible(&i.version)));
                    }
                    if !i.missing.is_empty() {
                        let hops: Vec<String> =
                            i.missing.iter().map(|h| visible(h).into_owned()).collect();
                        facts.push(format!("missing hop {}", list(&hops)));
                    }
                    if !facts.is_empty() {
                        t.push_str(&format!(" ({})", facts.join(", ")));
                    }
                }
                t
            })
            .collect();
        let name = if comp.is_empty() {
            "the package".to_string()
        } else {
            format!("`{}`", visible(&comp))
        };
        let text = if gap {
            format!(
                "Close the upgrade-path gap for {name} before the window (install the intermediate releases first, or get the vendor's supported path): {}.",
                list(&parts)
            )
        } else {
            format!(
                "Check the versions of {name} before the window: {}.",
                list(&parts)
            )
        };
        steps.add(Phase::Preflight, "upgrade-path", text, &fs);
    }
}

/// One step per unit name the package refers to but does not ship.
fn units(findings: &[Finding], steps: &mut Steps<'_>) {
    let mut groups: Vec<(String, Option<String>, Vec<&Finding>)> = Vec::new();
    for f in findings {
        if f.rule != "unit.missing" {
            continue;
        }
        let Some(u) = &f.unit else { continue };
        match groups.iter_mut().find(|(n, _, _)| *n == u.name) {
            Some((_, _, v)) => v.push(f),
            None => groups.push((u.name.clone(), u.suggestion.clone(), vec![f])),
        }
    }
    for (name, suggestion, fs) in groups {
        let places: Vec<String> = fs.iter().map(|f| at(f)).collect();
        let text = match &suggestion {
            Some(s) => format!(
                "Replace unit `{}` with `{}` (the name the package now ships) in {}.",
                visible(&name),
                visible(s),
                list(&places)
            ),
            None => format!(
                "Confirm that unit `{}` exists on the target system, or fix the references in {}.",
                visible(&name),
                list(&places)
            ),
        };
        steps.add(Phase::Preflight, "unit-rename", text, &fs);
    }
}

/// The claimed downtime against what the migrations lock.
fn downtime(findings: &[Finding], steps: &mut Steps<'_>) {
    let claims: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "config.claimed-downtime")
        .collect();
    let locks: Vec<&Finding> = findings.iter().filter(|f| is_lock(f)).collect();
    let listed: Vec<String> = locks.iter().map(|f| lock_line(f)).collect();
    if claims.is_empty() {
        let text = if locks.is_empty() {
            "Agree on the downtime with the vendor and the service owners: the package's documentation states none.".to_string()
        } else {
            format!(
                "Agree on the downtime with the vendor and the service owners: the documentation states none, and the migrations take blocking locks: {}.",
                list(&listed)
            )
        };
        steps.add(Phase::Preflight, "downtime", text, &locks);
        return;
    }
    if locks.is_empty() {
        return;
    }
    let claimed: Vec<String> = claims
        .iter()
        .map(|f| format!("{} ({})", claim_words(&f.title), at(f)))
        .collect();
    let text = format!(
        "Check the claimed downtime, {}: it assumes the migrations finish within it, but they take blocking locks: {}. Time them on a copy of production data.",
        list(&claimed),
        list(&listed)
    );
    let mut linked = claims;
    linked.extend(locks);
    steps.add(Phase::Preflight, "downtime", text, &linked);
}

/// "about 5 minutes of downtime" out of a claim's title.
fn claim_words(title: &str) -> String {
    let t = title
        .strip_prefix("Documentation claims ")
        .or_else(|| title.strip_prefix("Documentation says the upgrade "))
        .unwrap_or(title);
    t.to_string()
}

// ---- cleanup --------------------------------------------------------------------------------

fn cleanup(findings: &[Finding], steps: &mut Steps<'_>) {
    let of = |rule: &'static str| move |f: &&Finding| f.rule == rule && f.severity > Severity::Info;
    let groups: [(&str, &'static str, &'static str); 4] = [
        (
            "config.temporary-flag",
            "flag",
            "Once the upgrade is confirmed, remove or flip to their final value the temporary feature flags in",
        ),
        (
            "config.webhook-registration",
            "webhook",
            "Deregister the webhooks registered through",
        ),
        (
            "config.ephemeral-credential",
            "ephemeral-credential",
            "Revoke the temporary credentials created or set in",
        ),
        (
            "config.temporary-job",
            "temporary-job",
            "Remove or disable the temporary jobs of",
        ),
    ];
    for (rule, kind, lead) in groups {
        for (path, fs) in by_path(findings.iter().filter(of(rule))) {
            let parts: Vec<String> = fs
                .iter()
                .map(|f| match f.line {
                    Some(l) => format!("{} (line {l})", lower_first(&f.title)),
                    None => lower_first(&f.title),
                })
                .collect();
            let tail = match kind {
                "webhook" => " once the upgrade is done, and before a rollback",
                "ephemeral-credential" | "temporary-job" => " after the upgrade",
                _ => "",
            };
            let text = format!("{lead} {}{tail}: {}.", visible(&path), list(&parts));
            steps.add(Phase::Cleanup, kind, text, &fs);
        }
    }
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| f.category == Category::Credential),
    ) {
        let parts: Vec<String> = fs
            .iter()
            .map(|f| {
                let kind = f
                    .credential
                    .as_ref()
                    .map(|c| c.kind.clone())
                    .unwrap_or_else(|| "secret".into());
                match f.line {
                    Some(l) => format!("{kind} at line {l}"),
                    None => kind,
                }
            })
            .collect();
        let text = format!(
            "Rotate the credentials the package carries in {} ({}) and move them to the secret store: they have been disclosed with the package.",
            visible(&path),
            list(&parts)
        );
        steps.add(Phase::Cleanup, "rotate-credential", text, &fs);
    }
}

// ---- rollback -------------------------------------------------------------------------------

fn rollback_data(findings: &[Finding], steps: &mut Steps<'_>) {
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| f.rule == "migration.missing-rollback"),
    ) {
        let text = format!(
            "Data rollback for {}: it has no down step, so undoing it means restoring from the backup taken before the window; take and verify that backup.",
            visible(&path)
        );
        steps.add(Phase::Rollback, "data-restore", text, &fs);
    }
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| f.rule == "migration.destructive-rollback"),
    ) {
        let stmts: Vec<String> = fs.iter().map(|f| statement_at(f)).collect();
        let text = format!(
            "Data rollback for {}: its rollback deletes data ({}); export those tables before rolling back, or restore from backup instead.",
            visible(&path),
            list(&stmts)
        );
        steps.add(Phase::Rollback, "destructive-rollback", text, &fs);
    }
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| f.rule == "migration.destructive-statement"),
    ) {
        let stmts: Vec<String> = fs.iter().map(|f| statement_at(f)).collect();
        let text = format!(
            "Data rollback for {}: it deletes data going forward ({}); only a restore from backup brings that back.",
            visible(&path),
            list(&stmts)
        );
        steps.add(Phase::Rollback, "data-restore", text, &fs);
    }
}

fn statement_at(f: &Finding) -> String {
    let stmt = f
        .migration
        .as_ref()
        .and_then(|m| m.statement.clone())
        .unwrap_or_else(|| f.title.clone());
    let stmt: String = stmt.chars().take(80).collect();
    match f.line {
        Some(l) => format!("line {l}: {stmt}"),
        None => stmt,
    }
}

fn rollback_config(findings: &[Finding], profile: &Profile, steps: &mut Steps<'_>) {
    for (path, fs) in by_path(
        findings
            .iter()
            .filter(|f| CONFIG_RULES.contains(&f.rule.as_str())),
    ) {
        let keys: Vec<String> = fs
            .iter()
            .map(|f| format!("`{}`", visible(&config_key(f))))
            .collect();
        let text = format!(
            "Configuration rollback: keep a copy of the current {}; a rollback puts back its changed keys: {}.",
            visible(&path),
            list(&keys)
        );
        steps.add(Phase::Rollback, "config-revert", text, &fs);
    }
    for f in findings.iter().filter(|f| f.rule == "unit.missing") {
        let Some(u) = &f.unit else { continue };
        let Some(s) = &u.suggestion else { continue };
        // One step per renamed unit: the first reference stands for the others.
        let first = findings.iter().find(|g| {
            g.rule == "unit.missing" && g.unit.as_ref().is_some_and(|x| x.name == u.name)
        });
        if first.map(|g| g.id.as_str()) != Some(f.id.as_str()) {
            continue;
        }
        let all: Vec<&Finding> = findings
            .iter()
            .filter(|g| {
                g.rule == "unit.missing" && g.unit.as_ref().is_some_and(|x| x.name == u.name)
            })
            .collect();
        let text = format!(
            "Configuration rollback: restore unit `{}` (the new version ships `{}` instead), re-enable it and disable `{}`.",
            visible(&u.name),
            visible(s),
            visible(s)
        );
        steps.add(Phase::Rollback, "unit-revert", text, &all);
    }
    let certs: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "certificate.inventory" || f.rule == "certificate.keystore")
        .collect();
    if !certs.is_empty() {
        let mut files: Vec<String> = Vec::new();
        for f in &certs {
            let p = visible(&f.path).into_owned();
            if !files.contains(&p) {
                files.push(p);
            }
        }
        let text = format!(
            "Configuration rollback: keep a copy of the certificates and key stores the package replaces ({}) so a rollback can put the current ones back.",
            list(&files)
        );
        steps.add(Phase::Rollback, "certificate-keep", text, &certs);
    }
    let inventory: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.category == Category::Inventory)
        .collect();
    let installed: Vec<String> = profile
        .installed
        .iter()
        .map(|(c, v)| format!("{} {}", visible(c), visible(&v.text)))
        .collect();
    let text = if installed.is_empty() {
        "Keep the package of the version running today, with its configuration, so a rollback can reinstall it.".to_string()
    } else {
        format!(
            "Keep the package of the version running today ({}), with its configuration, so a rollback can reinstall it.",
            list(&installed)
        )
    };
    steps.add(Phase::Rollback, "previous-package", text, &inventory);
}
