//! Crontabs, periodic directories and anacrontab through the whole scanner: timing, window,
//! the entry a task runs, and stories.

use crate::common::*;
use scanner_core::{Finding, Profile, Report, Severity};

fn profile() -> Profile {
    window_profile()
}

/// Tasks (schedule findings other than `schedule.invalid`).
fn schedules(r: &Report) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.schedule.is_some() && f.rule != "schedule.invalid")
        .collect()
}

fn by_path<'r>(r: &'r Report, path: &str) -> &'r Finding {
    let f = r.findings.iter().find(|f| f.path == path);
    assert!(f.is_some(), "no finding at {path}: {:#?}", r.findings);
    f.unwrap_or(&r.findings[0])
}

case! {
    fn the_03_00_import_fires_inside_the_window_and_links_its_script() {
        let pkg = fixture(r#"
            //- /etc/cron.d/acme-import
            # Nightly import
            MAILTO=ops@example.com
            0 3 * * * acme /opt/acme/bin/data-import.sh --since yesterday
            */15 * * * * acme /opt/acme/bin/healthcheck.sh >/dev/null 2>&1
            30 22 * * 1-5 acme /opt/acme/bin/report.sh
            //- /opt/acme/bin/data-import.sh
            #!/bin/sh
            sftp import@sftp-legacy.example.net
        "#);
        let r = scan_with(&pkg, &profile());
        let s = schedules(&r);
        assert_eq!(s.len(), 3, "{s:#?}");
        let import = s.iter().find(|f| f.line == Some(3)).map(|f| (*f).clone()).unwrap_or_else(|| s[0].clone());
        let info = import.schedule.clone().unwrap_or_else(panic_free_default);
        assert_eq!(import.rule, "schedule.cron");
        assert_eq!(import.severity, Severity::High);
        assert_eq!(import.title, "At 03:00, every day: runs /opt/acme/bin/data-import.sh --since yesterday as acme; fires inside the maintenance window");
        assert_eq!(info.description, "At 03:00, every day (Europe/Berlin)");
        assert_eq!(info.user.as_deref(), Some("acme"));
        assert_eq!(info.next_runs[0], "2026-11-26T02:00:00Z");
        assert_eq!(info.window.as_deref(), Some("always"));
        assert_eq!(info.window_runs, ["2026-11-28T02:00:00Z"]);
        assert_eq!(info.entry.as_deref(), Some("opt/acme/bin/data-import.sh"));
        assert_eq!(info.week_runs.len(), 7);
        // Every 15 minutes is inside too; 22:30 on weekdays is not.
        let every15 = s.iter().find(|f| f.line == Some(4)).and_then(|f| f.schedule.clone()).unwrap_or_else(panic_free_default);
        assert_eq!(every15.window.as_deref(), Some("always"));
        assert_eq!(every15.window_runs.len(), 12);
        let evening = s.iter().find(|f| f.line == Some(5)).map(|f| f.severity);
        assert_eq!(evening, Some(Severity::Low));
    }
}

/// A placeholder for `unwrap_or_else` in tests, so that a missing value fails the asserts
/// after it rather than panicking here.
fn panic_free_default() -> scanner_core::report::ScheduleInfo {
    scanner_core::report::ScheduleInfo {
        kind: String::new(),
        expression: String::new(),
        timezone: None,
        description: String::new(),
        command: None,
        user: None,
        next_runs: vec![String::new()],
        window: None,
        window_runs: Vec::new(),
        week_runs: Vec::new(),
        enabled: true,
        entry: None,
        sources: Vec::new(),
    }
}

case! {
    fn without_a_window_there_is_no_window_verdict() {
        let pkg = fixture("//- /etc/cron.d/x\n0 3 * * * root /bin/true\n");
        let r = scan_bytes(&pkg);
        let info = r.findings[0].schedule.clone().unwrap_or_else(panic_free_default);
        assert_eq!(info.window, None);
        assert_eq!(info.timezone.as_deref(), Some("UTC"));
        assert_eq!(r.findings[0].severity, Severity::Low);
    }
}

case! {
    fn periodic_scripts_use_debian_defaults_or_the_package_crontab() {
        let pkg = fixture(r#"
            //- /etc/cron.daily/acme-cleanup
            #!/bin/sh
            find /var/lib/acme/tmp -mtime +7 -delete
            //- /etc/cron.daily/acme.sh
            #!/bin/sh
            echo never runs
        "#);
        let r = scan_with(&pkg, &profile());
        let cleanup = by_path(&r, "etc/cron.daily/acme-cleanup");
        let info = cleanup.schedule.clone().unwrap_or_else(panic_free_default);
        assert_eq!(cleanup.rule, "schedule.cron-periodic");
        assert_eq!(info.expression, "25 6 * * *");
        assert!(info.description.contains("Debian's default /etc/crontab"), "{}", info.description);
        assert_eq!(info.window.as_deref(), Some("never"));
        let skipped = by_path(&r, "etc/cron.daily/acme.sh");
        assert_eq!(skipped.severity, Severity::Info);
        assert!(skipped.schedule.as_ref().is_some_and(|s| s.description.contains("run-parts skips names")));

        // The package's own crontab runs cron.daily at 03:30: inside the window.
        let pkg = fixture(r#"
            //- /etc/crontab
            SHELL=/bin/sh
            30 3 * * * root cd / && run-parts --report /etc/cron.daily
            //- /etc/cron.daily/acme-cleanup
            #!/bin/sh
            true
        "#);
        let r = scan_with(&pkg, &profile());
        let cleanup = by_path(&r, "etc/cron.daily/acme-cleanup");
        let info = cleanup.schedule.clone().unwrap_or_else(panic_free_default);
        assert_eq!(info.expression, "30 3 * * *");
        assert!(info.description.contains("timed by the package's etc/crontab:2"), "{}", info.description);
        assert_eq!(info.window.as_deref(), Some("always"));
    }
}

case! {
    fn anacron_and_reboot_may_fire_in_the_window() {
        let pkg = fixture(r#"
            //- /etc/anacrontab
            START_HOURS_RANGE=3-22
            1 5 acme.daily /opt/acme/bin/rotate.sh
            //- /var/spool/cron/crontabs/acme
            @reboot /opt/acme/bin/start-agent.sh
        "#);
        let r = scan_with(&pkg, &profile());
        let s = schedules(&r);
        assert_eq!(s.len(), 2);
        for f in s {
            assert_eq!(f.severity, Severity::Medium, "{f:#?}");
            assert_eq!(f.schedule.as_ref().and_then(|s| s.window.as_deref()), Some("may"));
        }
    }
}

case! {
    fn invalid_lines_are_findings_and_the_rest_is_read() {
        let pkg = fixture("//- /etc/cron.d/broken\n0 25 * * * root /bin/a\n0 3 * * * root /bin/b\n");
        let r = scan_with(&pkg, &profile());
        let invalid = r.findings.iter().find(|f| f.rule == "schedule.invalid");
        assert!(invalid.is_some_and(|f| f.line == Some(1) && f.title.contains("'0 25 * * *' is not a valid schedule")), "{:#?}", r.findings);
        assert_eq!(schedules(&r).len(), 1);
    }
}

case! {
    fn a_task_and_the_findings_in_what_it_runs_are_one_story() {
        let zip = RawZip::default()
            .push(RawEntry::stored("etc/cron.d/sync", "0 3 * * * root /opt/acme/bin/sync.sh\n"))
            .push(RawEntry { flags: 1, ..RawEntry::stored("opt/acme/bin/sync.sh", "secret") })
            .build();
        let r = scan_with(&zip, &profile());
        let task = by_path(&r, "etc/cron.d/sync");
        let encrypted = by_path(&r, "opt/acme/bin/sync.sh");
        assert_eq!(encrypted.rule, "archive.encrypted-entry");
        assert_eq!(task.related, std::slice::from_ref(&encrypted.id));
        assert_eq!(encrypted.related, std::slice::from_ref(&task.id));
        let stories = scanner_core::story::stories(&r.findings);
        assert_eq!(stories.len(), 1);
        assert_eq!(
            stories[0].sentence,
            "At 03:00, every day (inside the maintenance window): etc/cron.d/sync runs opt/acme/bin/sync.sh. Also: encrypted entry, content not inspected: opt/acme/bin/sync.sh."
        );
        assert_eq!(stories[0].severity, Severity::High);
    }
}

case! {
    fn scripts_and_doc_examples_named_like_crontabs_are_not_crontabs() {
        let pkg = fixture(r#"
            //- /usr/share/doc/passwd/examples/passwd.expire.cron
            #!/usr/bin/perl
            $LOW_UID=1000;
            @shent = split(':', $_);
            //- /deploy/backup.cron
            if [ -x /x ]; then
            run it
            fi
            //- /usr/share/doc/sysstat/examples/crontab
            0 * * * * root /usr/lib/sysstat/sa1 600 6
            //- /deploy/real.cron
            0 4 * * * /opt/acme/bin/backup.sh
        "#);
        let r = scan_bytes(&pkg);
        let rules: Vec<_> = r.findings.iter().map(|f| (f.rule.as_str(), f.path.as_str())).collect();
        assert_eq!(rules, [("schedule.cron", "deploy/real.cron")]);
    }
}

case! {
    fn what_a_script_sources_joins_the_story() {
        let pkg = fixture(r#"
            //- /etc/cron.d/import
            0 3 * * * acme /opt/acme/bin/import.sh
            //- /opt/acme/bin/import.sh
            #!/bin/sh
            . /etc/acme/import.env
            sftp "$SFTP_USER@$SFTP_HOST:/out" .
            //- /etc/acme/import.env
            SFTP_HOST=sftp-legacy.example.net
            SFTP_PASSWORD='Tq8#Lm2!Vz5x'
        "#);
        let p = Profile::from_toml(&format!("retired_hosts = [\"sftp-legacy.example.net\"]\n{WINDOW}"));
        assert!(p.is_ok(), "{p:?}");
        let r = scan_with(&pkg, &p.unwrap_or_default());
        let task = by_path(&r, "etc/cron.d/import");
        let info = task.schedule.clone().unwrap_or_else(panic_free_default);
        assert_eq!(info.sources, ["etc/acme/import.env"]);
        let in_env: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.path == "etc/acme/import.env")
            .map(|f| f.id.as_str())
            .collect();
        assert!(in_env.len() >= 2, "{:#?}", r.findings);
        for id in &in_env {
            assert!(task.related.iter().any(|r| r == id), "{id} not related to the task");
        }
        assert_eq!(task.severity, Severity::Critical);
        let stories = scanner_core::story::stories(&r.findings);
        assert!(stories[0].sentence.contains("runs opt/acme/bin/import.sh (reading etc/acme/import.env), which "), "{}", stories[0].sentence);
        assert!(stories[0].sentence.contains("connects to sftp-legacy.example.net (retired)"), "{}", stories[0].sentence);
        assert!(!r.to_json().contains("Tq8#Lm2!Vz5x"));
    }
}

case! {
    fn configuration_a_program_reads_joins_the_story() {
        let pkg = fixture(r#"
            //- /etc/cron.d/sync
            30 2 * * * acme /opt/acme/bin/sync --config /opt/acme/etc/sync.yml
            15 4 * * * acme /opt/acme/bin/report.py
            //- /opt/acme/bin/sync
            binary-ish launcher
            //- /opt/acme/etc/sync.yml
            upstream:
              url: sftp://sync@sftp-legacy.example.net/in
            //- /opt/acme/bin/report.py
            #!/usr/bin/env python3
            # Reads /etc/acme/unused.conf only in this comment.
            CONFIG = "/opt/acme/etc/report.ini"
            //- /opt/acme/etc/report.ini
            [mail]
            host = smtp-old.example.net
        "#);
        let p = Profile::from_toml(&format!("retired_hosts = [\"sftp-legacy.example.net\", \"smtp-old.example.net\"]\n{WINDOW}"));
        assert!(p.is_ok(), "{p:?}");
        let r = scan_with(&pkg, &p.unwrap_or_default());
        let tasks: Vec<&Finding> = r.findings.iter().filter(|f| f.schedule.is_some()).collect();
        assert_eq!(tasks.len(), 2, "{:#?}", r.findings);
        let sources: Vec<Vec<String>> = tasks
            .iter()
            .map(|t| t.schedule.as_ref().map(|s| s.sources.clone()).unwrap_or_default())
            .collect();
        assert!(sources.contains(&vec!["opt/acme/etc/sync.yml".to_string()]), "{sources:?}");
        assert!(sources.contains(&vec!["opt/acme/etc/report.ini".to_string()]), "{sources:?}");
        for t in &tasks {
            let retired: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| f.endpoint.as_ref().is_some_and(|e| e.retired) && t.related.contains(&f.id))
                .collect();
            assert_eq!(retired.len(), 1, "{} is linked to {:?}", t.title, t.related);
        }
    }
}
