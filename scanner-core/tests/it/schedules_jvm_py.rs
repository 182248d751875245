//! Quartz, Spring `@Scheduled`, Jenkins and Celery beat schedules through the whole scanner:
//! rule, line, words, command, next run and the maintenance window.

use crate::common::*;
use scanner_core::{Finding, Profile, Report, Severity};

const WINDOW: &str = "timezone = \"Europe/Berlin\"\n[maintenance_window]\nstart = \"2026-11-28T02:00:00+01:00\"\nend = \"2026-11-28T05:00:00+01:00\"\n";

fn profile() -> Profile {
    let p = Profile::from_toml(WINDOW);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

/// The finding at `path:line`, if any.
fn at<'r>(r: &'r Report, path: &str, line: u32) -> Option<&'r Finding> {
    let f = r
        .findings
        .iter()
        .find(|f| f.path == path && f.line == Some(line));
    assert!(
        f.is_some(),
        "no finding at {path}:{line}: {:#?}",
        r.findings
            .iter()
            .map(|f| (&f.rule, &f.path, f.line, &f.title))
            .collect::<Vec<_>>()
    );
    f
}

/// What a schedule finding says: (rule, description, command, first next run, window).
fn said(f: Option<&Finding>) -> (String, String, String, String, String) {
    let Some(f) = f else {
        return Default::default();
    };
    let s = f.schedule.as_ref();
    (
        f.rule.clone(),
        s.map(|s| s.description.clone()).unwrap_or_default(),
        s.and_then(|s| s.command.clone()).unwrap_or_default(),
        s.and_then(|s| s.next_runs.first().cloned())
            .unwrap_or_default(),
        s.and_then(|s| s.window.clone()).unwrap_or_default(),
    )
}

fn expect(
    rule: &str,
    description: &str,
    command: &str,
    next: &str,
    window: &str,
) -> (String, String, String, String, String) {
    (
        rule.into(),
        description.into(),
        command.into(),
        next.into(),
        window.into(),
    )
}

const PACKAGE: &str = r#"
//- /acme-3.0/app/src/main/java/com/acme/jobs/MaintenanceJobs.java
package com.acme.jobs;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

@Component
public class MaintenanceJobs {

    @Scheduled(cron = "0 0 3 * * *", zone = "Europe/Berlin")
    public void purgeExpiredSessions() {
        sessions.deleteExpired();
    }

    @Scheduled(fixedRate = 300000)
    public void refreshCaches() { }

    @Scheduled(cron = "${acme.reports.cron}")
    public void sendReports() { }

    @Scheduled(
        cron = "0 0 3 * *",
        zone = "Europe/Berlin")
    public void broken() { }

    @Scheduled(cron = "0 30 23 * * MON-FRI", zone = "UTC")
    public void lateExport() { }
}
//- /acme-3.0/app/src/main/resources/quartz.properties
org.quartz.scheduler.instanceName = AcmeScheduler
org.quartz.threadPool.threadCount = 4
jobs.invoices.cronExpression = 0 30 2 ? * MON-FRI
jobs.invoices.jobClass = com.acme.jobs.InvoiceJob
jobs.archive.cronExpression = 0 0 4 ? * SAT
jobs.archive.jobClass = com.acme.jobs.ArchiveJob
jobs.bad.cronExpression = 0 0 4 * * SAT
//- /acme-3.0/app/src/main/resources/quartz_data.xml
<?xml version="1.0" encoding="UTF-8"?>
<job-scheduling-data xmlns="http://www.quartz-scheduler.org/xml/JobSchedulingData" version="2.0">
<schedule>
<job>
<name>usSync</name>
<job-class>com.acme.jobs.UsSyncJob</job-class>
</job>
<trigger>
<cron>
<name>usSyncTrigger</name>
<job-name>usSync</job-name>
<cron-expression>0 0 3 ? * *</cron-expression>
<time-zone>America/New_York</time-zone>
</cron>
</trigger>
</schedule>
</job-scheduling-data>
//- /acme-3.0/jenkins/nightly-export/Jenkinsfile
pipeline {
    agent any
    triggers {
        cron('H 3 * * *')
        cron('H 3 * *')
    }
    stages {
        stage('Export') { steps { sh './export.sh' } }
    }
}
//- /acme-3.0/worker/celeryconfig.py
from celery.schedules import crontab

timezone = 'Europe/Berlin'

beat_schedule = {
    'reindex-nightly': {
        'task': 'acme.search.reindex',
        'schedule': crontab(minute=30, hour=3),
    },
    'heartbeat': {
        'task': 'acme.worker.heartbeat',
        'schedule': 60.0,
    },
    'broken': {
        'task': 'acme.worker.broken',
        'schedule': crontab(minute=0, hour=24),
    },
}
"#;

const JAVA: &str = "acme-3.0/app/src/main/java/com/acme/jobs/MaintenanceJobs.java";
const PROPS: &str = "acme-3.0/app/src/main/resources/quartz.properties";
const XML: &str = "acme-3.0/app/src/main/resources/quartz_data.xml";
const JENKINS: &str = "acme-3.0/jenkins/nightly-export/Jenkinsfile";
const CELERY: &str = "acme-3.0/worker/celeryconfig.py";

case! {
    fn spring_methods_are_timed_against_the_window() {
        let r = scan_with(&fixture(PACKAGE), &profile());
        let cron = at(&r, JAVA, 9);
        assert_eq!(
            said(cron),
            expect(
                "schedule.spring",
                "At 03:00, every day (Europe/Berlin)",
                "MaintenanceJobs.purgeExpiredSessions()",
                "2026-11-26T02:00:00Z",
                "always"
            )
        );
        assert_eq!(cron.map(|f| f.severity), Some(Severity::High));
        assert_eq!(cron.and_then(|f| f.schedule.as_ref()).map(|s| s.expression.as_str()), Some("0 0 3 * * *"));
        assert_eq!(cron.and_then(|f| f.schedule.as_ref()).and_then(|s| s.window_runs.first().cloned()).as_deref(), Some("2026-11-28T02:00:00Z"));
        assert_eq!(
            said(at(&r, JAVA, 14)),
            expect(
                "schedule.spring",
                "Every 5 min, counted from application start",
                "MaintenanceJobs.refreshCaches()",
                "",
                "may"
            )
        );
        assert_eq!(
            said(at(&r, JAVA, 17)),
            expect(
                "schedule.spring",
                "When property acme.reports.cron says; schedule comes from property acme.reports.cron",
                "MaintenanceJobs.sendReports()",
                "",
                "may"
            )
        );
        // 23:30 UTC on weekdays: never inside a Saturday-night window.
        let late = at(&r, JAVA, 25);
        assert_eq!(said(late).4, "never");
        assert_eq!(late.map(|f| f.severity), Some(Severity::Low));
        assert_eq!(late.and_then(|f| f.schedule.as_ref()).and_then(|s| s.timezone.clone()).as_deref(), Some("UTC"));
        // The five-field cron is refused, at the annotation's line.
        let bad = at(&r, JAVA, 20);
        assert_eq!(bad.map(|f| f.rule.as_str()), Some("schedule.invalid"));
        assert!(
            bad.is_some_and(|f| f.title.contains("Spring cron needs exactly 6 fields") && f.title.contains("'0 0 3 * *' has 5")),
            "{bad:?}"
        );
        assert_eq!(bad.map(|f| f.evidence.as_str()), Some("@Scheduled("));
    }
}

case! {
    fn quartz_properties_and_job_data() {
        let r = scan_with(&fixture(PACKAGE), &profile());
        // 02:30 on weekdays: the window is on a Saturday.
        assert_eq!(
            said(at(&r, PROPS, 3)),
            expect(
                "schedule.quartz",
                "At 02:30, on Monday, Tuesday, Wednesday, Thursday, and Friday (Europe/Berlin)",
                "com.acme.jobs.InvoiceJob",
                "2026-11-26T01:30:00Z",
                "never"
            )
        );
        assert_eq!(
            said(at(&r, PROPS, 5)),
            expect(
                "schedule.quartz",
                "At 04:00, on Saturday (Europe/Berlin)",
                "com.acme.jobs.ArchiveJob",
                "2026-11-28T03:00:00Z",
                "always"
            )
        );
        let bad = at(&r, PROPS, 7);
        assert_eq!(bad.map(|f| f.rule.as_str()), Some("schedule.invalid"));
        assert!(
            bad.is_some_and(|f| f.title.contains("Support for specifying both a day-of-week AND a day-of-month parameter is not implemented")),
            "{bad:?}"
        );
        // 03:00 in New York is 09:00 in Berlin.
        assert_eq!(
            said(at(&r, XML, 12)),
            expect(
                "schedule.quartz",
                "At 03:00, every day (America/New_York)",
                "usSync (com.acme.jobs.UsSyncJob)",
                "2026-11-26T08:00:00Z",
                "never"
            )
        );
    }
}

case! {
    fn jenkins_h_is_a_maybe() {
        let r = scan_with(&fixture(PACKAGE), &profile());
        let h = at(&r, JENKINS, 4);
        assert_eq!(
            said(h),
            expect(
                "schedule.jenkins",
                "At a fixed minute Jenkins picks between 0 and 59 past hour 3, every day, at a random point of the ranges given (Europe/Berlin)",
                "Jenkins job nightly-export (stages: Export)",
                "2026-11-26T02:00:00Z",
                "may"
            )
        );
        assert_eq!(h.map(|f| f.severity), Some(Severity::Medium));
        assert_eq!(h.and_then(|f| f.schedule.as_ref()).map(|s| s.expression.as_str()), Some("H 3 * * *"));
        let bad = at(&r, JENKINS, 5);
        assert_eq!(bad.map(|f| f.rule.as_str()), Some("schedule.invalid"));
        assert!(bad.is_some_and(|f| f.title.contains("Jenkins cron needs 5 fields")), "{bad:?}");
    }
}

case! {
    fn celery_beat_entries() {
        let r = scan_with(&fixture(PACKAGE), &profile());
        assert_eq!(
            said(at(&r, CELERY, 8)),
            expect(
                "schedule.celery",
                "At 03:30, every day (Europe/Berlin); beat entry 'reindex-nightly'",
                "acme.search.reindex",
                "2026-11-26T02:30:00Z",
                "always"
            )
        );
        assert_eq!(
            said(at(&r, CELERY, 12)),
            expect(
                "schedule.celery",
                "Every 1 min, counted from celery beat's start, then each run; beat entry 'heartbeat'",
                "acme.worker.heartbeat",
                "",
                "may"
            )
        );
        let bad = at(&r, CELERY, 16);
        assert_eq!(bad.map(|f| f.rule.as_str()), Some("schedule.invalid"));
        assert!(bad.is_some_and(|f| f.title.contains("hour: 24 is outside 0-23")), "{bad:?}");
    }
}

case! {
    fn one_finding_per_schedule_and_nothing_else() {
        let r = scan_with(&fixture(PACKAGE), &profile());
        let mut got: Vec<(String, String, u32)> = r
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("schedule."))
            .map(|f| (f.rule.clone(), f.path.clone(), f.line.unwrap_or(0)))
            .collect();
        got.sort();
        let want = [
            ("schedule.celery", CELERY, 8),
            ("schedule.celery", CELERY, 12),
            ("schedule.invalid", JAVA, 20),
            ("schedule.invalid", PROPS, 7),
            ("schedule.invalid", JENKINS, 5),
            ("schedule.invalid", CELERY, 16),
            ("schedule.jenkins", JENKINS, 4),
            ("schedule.quartz", PROPS, 3),
            ("schedule.quartz", PROPS, 5),
            ("schedule.quartz", XML, 12),
            ("schedule.spring", JAVA, 9),
            ("schedule.spring", JAVA, 14),
            ("schedule.spring", JAVA, 17),
            ("schedule.spring", JAVA, 25),
        ];
        let mut want: Vec<(String, String, u32)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
            .collect();
        want.sort();
        assert_eq!(got, want);
    }
}

case! {
    fn a_jenkins_tz_line_sets_the_zone_without_a_profile() {
        let pkg = fixture("//- /ci/Jenkinsfile\npipeline { triggers { cron('''TZ=Europe/Berlin\n@midnight''') } }\n");
        let r = scan_bytes(&pkg);
        let f = at(&r, "ci/Jenkinsfile", 2);
        let s = f.and_then(|f| f.schedule.as_ref());
        assert_eq!(s.and_then(|s| s.timezone.clone()).as_deref(), Some("Europe/Berlin"));
        assert_eq!(s.map(|s| s.window.is_none()), Some(true));
        assert!(s.is_some_and(|s| s.description.contains("between 0 and 2")), "{s:?}");
        assert_eq!(f.map(|f| f.severity), Some(Severity::Low));
    }
}

case! {
    fn hostile_inputs_do_not_break_the_scan() {
        let pkg = fixture(
            "//- /a/Broken.java\n@Scheduled(cron = \"0 0 3 * * *\n@Schedules({@Scheduled(\n//- /b/Jenkinsfile\ncron('''\n//- /c/beat.py\nbeat_schedule = {'x': {'schedule': crontab(hour='\u{e9}\u{fc}')}}\n//- /d/quartz.properties\na.cronExpression=\u{e9} \u{fc} 1 2 3 4\n//- /e/q.xml\n<cron><cron-expression>\u{e9}</cron-expression>\n",
        );
        let r = scan_with(&pkg, &profile());
        assert!(r.complete);
    }
}
