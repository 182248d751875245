//! Kubernetes CronJobs, GitHub Actions schedules and Windows scheduled tasks through the whole
//! scanner: rule, line, description, command, user, next run and the maintenance window.

use crate::common::*;
use scanner_core::report::ScheduleInfo;
use scanner_core::{Finding, Profile, Report, Severity};

/// Servers in Berlin; the window is Saturday 2026-11-28 02:00-05:00 there (01:00-04:00Z).
const WINDOW: &str = "timezone = \"Europe/Berlin\"\n[maintenance_window]\nstart = \"2026-11-28T02:00:00+01:00\"\nend = \"2026-11-28T05:00:00+01:00\"\n";

fn profile() -> Profile {
    let p = Profile::from_toml(WINDOW);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

/// The finding of `rule` at `path`:`line`, and its schedule.
fn at<'r>(
    r: &'r Report,
    rule: &str,
    path: &str,
    line: u32,
) -> Option<(&'r Finding, &'r ScheduleInfo)> {
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == rule && f.path == path && f.line == Some(line));
    assert!(
        f.is_some(),
        "no {rule} at {path}:{line} in {:#?}",
        r.findings
    );
    let f = f?;
    let s = f.schedule.as_ref();
    assert!(s.is_some(), "{f:?}");
    Some((f, s?))
}

/// The `schedule.invalid` findings of a file, as (line, title).
fn invalid(r: &Report, path: &str) -> Vec<(u32, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule == "schedule.invalid" && f.path == path)
        .map(|f| (f.line.unwrap_or(0), f.title.clone()))
        .collect()
}

const CRONJOBS: &str = r#"# Acme suite 3.0: batch jobs
apiVersion: v1
kind: ConfigMap
metadata:
  name: importer
  namespace: acme
data:
  SOURCE: sftp://sftp-legacy.example.net/outbox
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-import
  namespace: acme
  labels:
    app.kubernetes.io/part-of: acme-suite
spec:
  schedule: "30 2 * * *"
  timeZone: "Europe/Berlin"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 600
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsUser: 1000
            runAsNonRoot: true
          containers:
            - name: importer
              image: acme/importer:3.0
              command: ["/opt/acme/bin/data-import.sh"]
              args: ["--since", "yesterday"]
              envFrom:
                - configMapRef:
                    name: importer
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: acme
spec:
  schedule: "0 12 * * 1-5"
  suspend: false
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: acme/report:3.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
  namespace: acme
spec:
  schedule: "@daily"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: cleanup
              image: busybox:1.36
              command: ["/bin/sh", "-c", "find /data/tmp -mtime +7 -delete"]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: broken
spec:
  schedule: "0 25 * * *"
  timeZone: Europe/Berlin
  jobTemplate: {}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: zoned
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Atlantis
  jobTemplate: {}
"#;

case! {
    fn kubernetes_cronjobs_in_a_multi_document_manifest() {
        let path = "deploy/k8s/cronjobs.yaml";
        let r = scan_with(&zip_of(&[(path, CRONJOBS.as_bytes())]), &profile());
        let Some((f, s)) = at(&r, "schedule.k8s-cronjob", path, 18) else { return };
        assert_eq!(f.severity, Severity::High);
        assert_eq!(s.kind, "k8s-cronjob");
        assert_eq!(s.expression, "30 2 * * *");
        assert_eq!(s.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(s.description, "At 02:30, every day (Europe/Berlin); CronJob acme/nightly-import; image acme/importer:3.0");
        assert_eq!(s.command.as_deref(), Some("/opt/acme/bin/data-import.sh --since yesterday"));
        assert_eq!(s.user.as_deref(), Some("uid 1000"));
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T01:30:00Z"));
        assert_eq!(s.window.as_deref(), Some("always"));
        assert_eq!(s.window_runs, ["2026-11-28T01:30:00Z"]);

        // No timeZone: the profile's zone stands in for the controller's.
        let Some((f, s)) = at(&r, "schedule.k8s-cronjob", path, 47) else { return };
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(s.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(s.command.as_deref(), Some("(entrypoint of acme/report:3.0)"));
        assert_eq!(s.user, None);
        assert!(s.description.contains("no spec.timeZone"), "{}", s.description);
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T11:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("never"));

        // Suspended: never fires, whatever its schedule.
        let Some((f, s)) = at(&r, "schedule.k8s-cronjob", path, 64) else { return };
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(s.expression, "@daily");
        assert!(s.description.ends_with("; suspended"), "{}", s.description);
        assert!(s.next_runs.is_empty());
        assert_eq!(s.window.as_deref(), Some("never"));
        assert_eq!(s.command.as_deref(), Some("/bin/sh -c 'find /data/tmp -mtime +7 -delete'"));

        let bad = invalid(&r, path);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [81, 91], "{bad:?}");
        assert!(bad.first().is_some_and(|b| b.1.contains("'0 25 * * *' is not a valid schedule")), "{bad:?}");
        assert!(bad.get(1).is_some_and(|b| b.1.contains("Europe/Atlantis")), "{bad:?}");
        assert_eq!(r.findings.iter().filter(|f| f.rule == "schedule.k8s-cronjob").count(), 3);
    }
}

const HELM: &str = r#"{{- if .Values.import.enabled }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "acme.fullname" . }}-import
  labels:
    {{- include "acme.labels" . | nindent 4 }}
spec:
  schedule: "0 3 * * 6"
  timeZone: {{ .Values.timeZone | default "Europe/Berlin" | quote }}
  jobTemplate:
    spec:
      template:
        spec:
          {{- with .Values.podSecurityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          containers:
            - name: import
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
              command: ["/opt/acme/bin/data-import.sh"]
              resources:
                {{- toYaml .Values.resources | nindent 16 }}
{{- end }}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "acme.fullname" . }}-sync
spec:
  schedule: {{ .Values.sync.schedule | quote }}
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: sync
              image: acme/sync:3.0
"#;

case! {
    fn helm_templates_do_not_stop_the_reader() {
        let path = "charts/acme/templates/cronjob-import.yaml";
        let r = scan_with(&zip_of(&[(path, HELM.as_bytes())]), &profile());
        // A templated zone cannot be read: the CronJob is reported as not understood.
        let bad = invalid(&r, path);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [10, 32], "{bad:?}");
        assert!(bad.first().is_some_and(|b| b.1.contains("spec.timeZone") && b.1.contains(".Values.timeZone")), "{bad:?}");
        assert!(bad.get(1).is_some_and(|b| b.1.contains("{{ .Values.sync.schedule | quote }}")), "{bad:?}");
        assert_eq!(r.findings.iter().filter(|f| f.rule == "schedule.k8s-cronjob").count(), 0);

        // Without the templated zone, the schedule is read and the image keeps its template.
        let text = HELM.replace("  timeZone: {{ .Values.timeZone | default \"Europe/Berlin\" | quote }}\n", "  timeZone: Europe/Berlin\n");
        let r = scan_with(&zip_of(&[(path, text.as_bytes())]), &profile());
        let Some((f, s)) = at(&r, "schedule.k8s-cronjob", path, 9) else { return };
        assert_eq!(f.severity, Severity::High);
        assert_eq!(s.command.as_deref(), Some("/opt/acme/bin/data-import.sh"));
        assert_eq!(
            s.description,
            "At 03:00, on Saturday (Europe/Berlin); CronJob {{ include \"acme.fullname\" . }}-import; image {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
        );
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-28T02:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("always"));
    }
}

const WORKFLOW: &str = r#"name: Nightly
on:
  schedule:
    # Saturday night build, and the weekday reports
    - cron: '30 1 * * 6'
    - cron: "0 6 * * 1-5"
    - cron: "0 4 * * *"
      timezone: "Europe/Lisbon"
    - cron: "0 4 * * *"
      timezone: "Europe/Springfield"
  workflow_dispatch:

permissions:
  contents: read

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make dist VERSION=${{ github.ref_name }}
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: make test
"#;

case! {
    fn github_actions_schedules_run_in_utc() {
        let path = "acme-3.0/.github/workflows/nightly.yml";
        let r = scan_with(&zip_of(&[(path, WORKFLOW.as_bytes())]), &profile());
        let Some((f, s)) = at(&r, "schedule.github-actions", path, 5) else { return };
        assert_eq!(f.severity, Severity::High);
        assert_eq!(s.kind, "github-actions");
        assert_eq!(s.timezone.as_deref(), Some("UTC"));
        assert_eq!(s.description, "At 01:30, on Saturday (UTC); GitHub runs schedules in UTC and may delay them under load");
        assert_eq!(s.command.as_deref(), Some("workflow 'Nightly' jobs build, test"));
        assert_eq!(s.user, None);
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-28T01:30:00Z"));
        assert_eq!(s.window.as_deref(), Some("always"));

        let Some((f, s)) = at(&r, "schedule.github-actions", path, 6) else { return };
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T06:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("never"));

        // The 2026 `timezone` key: 04:00 in Lisbon is 04:00Z in winter, after the window.
        let Some((_, s)) = at(&r, "schedule.github-actions", path, 7) else { return };
        assert_eq!(s.timezone.as_deref(), Some("Europe/Lisbon"));
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T04:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("never"));

        let bad = invalid(&r, path);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [10], "{bad:?}");
        assert!(bad.first().is_some_and(|b| b.1.contains("Europe/Springfield")), "{bad:?}");
    }
}

/// UTF-16LE with a byte-order mark, as Task Scheduler exports.
fn utf16le(text: &str) -> Vec<u8> {
    [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

const TASK: &str = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r
<Task version=\"1.4\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\r
  <RegistrationInfo>\r
    <Date>2026-01-05T10:12:44.5171206</Date>\r
    <Author>ACME\\deploy</Author>\r
    <URI>\\Acme\\Nightly Import</URI>\r
  </RegistrationInfo>\r
  <Triggers>\r
    <CalendarTrigger>\r
      <StartBoundary>2026-01-01T03:00:00</StartBoundary>\r
      <Enabled>true</Enabled>\r
      <ScheduleByDay>\r
        <DaysInterval>1</DaysInterval>\r
      </ScheduleByDay>\r
    </CalendarTrigger>\r
    <CalendarTrigger>\r
      <Repetition>\r
        <Interval>PT15M</Interval>\r
        <Duration>PT1H</Duration>\r
        <StopAtDurationEnd>false</StopAtDurationEnd>\r
      </Repetition>\r
      <StartBoundary>2026-01-01T07:00:00</StartBoundary>\r
      <ScheduleByWeek>\r
        <DaysOfWeek>\r
          <Monday />\r
          <Wednesday />\r
          <Friday />\r
        </DaysOfWeek>\r
        <WeeksInterval>1</WeeksInterval>\r
      </ScheduleByWeek>\r
    </CalendarTrigger>\r
    <BootTrigger>\r
      <Delay>PT2M</Delay>\r
    </BootTrigger>\r
    <TimeTrigger>\r
      <StartBoundary>2026-13-01T03:00:00</StartBoundary>\r
    </TimeTrigger>\r
  </Triggers>\r
  <Principals>\r
    <Principal id=\"Author\">\r
      <UserId>ACME\\svc-import</UserId>\r
      <LogonType>Password</LogonType>\r
      <RunLevel>HighestAvailable</RunLevel>\r
    </Principal>\r
  </Principals>\r
  <Settings>\r
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\r
    <StartWhenAvailable>true</StartWhenAvailable>\r
    <Enabled>true</Enabled>\r
    <ExecutionTimeLimit>PT4H</ExecutionTimeLimit>\r
  </Settings>\r
  <Actions Context=\"Author\">\r
    <Exec>\r
      <Command>\"C:\\Program Files\\Acme\\bin\\import.exe\"</Command>\r
      <Arguments>--since yesterday --target \"\\\\fs01\\imports\"</Arguments>\r
      <WorkingDirectory>C:\\Program Files\\Acme</WorkingDirectory>\r
    </Exec>\r
  </Actions>\r
</Task>\r
";

case! {
    fn windows_task_xml_in_utf16() {
        let path = "windows/tasks/Acme Nightly Import.xml";
        let disabled = TASK
            .replace("<Enabled>true</Enabled>\r\n    <ExecutionTimeLimit>", "<Enabled>false</Enabled>\r\n    <ExecutionTimeLimit>")
            .replace("\\Acme\\Nightly Import", "\\Acme\\Legacy Sync");
        let disabled_path = "Windows/System32/Tasks/Acme/Legacy Sync";
        let r = scan_with(
            &zip_of(&[(path, &utf16le(TASK)), (disabled_path, &utf16le(&disabled))]),
            &profile(),
        );
        let Some((f, s)) = at(&r, "schedule.windows-task", path, 9) else { return };
        assert_eq!(f.severity, Severity::High);
        assert_eq!(s.kind, "windows-task");
        assert_eq!(s.expression, "CalendarTrigger daily 03:00:00 from 2026-01-01");
        assert_eq!(s.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(
            s.description,
            "At 03:00, every day (Europe/Berlin); task \\Acme\\Nightly Import; runs with highest privileges (RunLevel HighestAvailable); a missed start runs as soon as possible (StartWhenAvailable)"
        );
        assert_eq!(s.command.as_deref(), Some("\"C:\\Program Files\\Acme\\bin\\import.exe\" --since yesterday --target \"\\\\fs01\\imports\""));
        assert_eq!(s.user.as_deref(), Some("ACME\\svc-import"));
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T02:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("always"));
        assert_eq!(s.window_runs, ["2026-11-28T02:00:00Z"]);

        // Every 15 minutes for an hour from 07:00 on Monday, Wednesday and Friday.
        let Some((f, s)) = at(&r, "schedule.windows-task", path, 16) else { return };
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(s.expression, "CalendarTrigger weekly Mon,Wed,Fri 07:00:00 from 2026-01-01, every PT15M for PT1H");
        assert!(s.description.starts_with("Every 15 min for 1 hour from 07:00, on Monday, Wednesday and Friday (cron */15 7 * * 1,3,5) (Europe/Berlin); "), "{}", s.description);
        assert_eq!(s.next_runs, ["2026-11-27T06:00:00Z", "2026-11-27T06:15:00Z", "2026-11-27T06:30:00Z", "2026-11-27T06:45:00Z", "2026-11-30T06:00:00Z"]);
        assert_eq!(s.window.as_deref(), Some("never"));

        // A restart during the upgrade starts it.
        let Some((f, s)) = at(&r, "schedule.windows-task", path, 32) else { return };
        assert_eq!(f.severity, Severity::Medium);
        assert!(s.description.starts_with("At boot, and so when the upgrade restarts the machine, after a delay of 2 min; "), "{}", s.description);
        assert_eq!(s.window.as_deref(), Some("may"));

        // Month 13 does not exist.
        let bad = invalid(&r, path);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), [36], "{bad:?}");
        assert!(bad.first().is_some_and(|b| b.1.contains("StartBoundary '2026-13-01T03:00:00'")), "{bad:?}");

        // The whole task disabled: every trigger is info and never fires.
        let Some((f, s)) = at(&r, "schedule.windows-task", disabled_path, 9) else { return };
        assert_eq!(f.severity, Severity::Info);
        assert!(s.description.contains("task \\Acme\\Legacy Sync; "), "{}", s.description);
        assert!(s.description.contains("; task disabled"), "{}", s.description);
        assert!(s.next_runs.is_empty());
        assert_eq!(s.window.as_deref(), Some("never"));
        assert_eq!(r.findings.iter().filter(|f| f.rule == "schedule.windows-task").count(), 6);
    }
}

case! {
    fn other_xml_and_yaml_are_left_alone() {
        let pkg = zip_of(&[
            ("conf/app.xml", b"<Task><Name>not a scheduled task</Name></Task>".as_slice()),
            ("deploy/k8s/deployment.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n".as_slice()),
            (".github/workflows/ci.yml", b"on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n".as_slice()),
            ("docs/CronJob.yaml", b"title: How our CronJob works\n".as_slice()),
        ]);
        let r = scan_with(&pkg, &profile());
        let schedules: Vec<&Finding> = r.findings.iter().filter(|f| f.rule.starts_with("schedule.")).collect();
        assert!(schedules.is_empty(), "{schedules:#?}");
    }
}
