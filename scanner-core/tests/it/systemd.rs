//! systemd timers: `OnCalendar=` arithmetic checked against `systemd-analyze calendar`
//! (tests/data/systemd-calendar/, see its README.md), and timers with their services through
//! the whole scanner.

use crate::common::*;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use scanner_core::detect::schedule::calendar::CalendarEvent;
use scanner_core::report::ScheduleInfo;
use scanner_core::schedule::{rfc3339, Recurrence};
use scanner_core::{Finding, Profile, Report, Severity};

/// base (UTC) \t expression \t systemd's normalized form \t systemd's next elapses (UTC).
const CASES: &str = include_str!("../data/systemd-calendar/cases.tsv");
/// expression \t systemd-analyze's error.
const INVALID: &str = include_str!("../data/systemd-calendar/invalid.tsv");

fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').collect())
}

/// The first `n` elapses after `base`, in UTC (systemd-analyze ran with TZ=UTC).
fn elapses(ev: &CalendarEvent, base: DateTime<Utc>, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut t = base;
    while out.len() < n {
        let Some(next) = ev.next_after(t, Tz::UTC) else {
            break;
        };
        assert!(next > t, "{}: {next} is not after {t}", ev.expression());
        out.push(rfc3339(next));
        t = next;
    }
    out
}

case! {
    fn calendar_events_elapse_as_systemd_analyze_says() {
        let mut checked = 0;
        let mut wrong = Vec::new();
        for row in rows(CASES) {
            let [base, expr, normalized, runs] = row.as_slice() else {
                wrong.push(format!("malformed row {row:?}"));
                continue;
            };
            let Ok(base) = NaiveDateTime::parse_from_str(base, "%Y-%m-%d %H:%M:%S") else {
                wrong.push(format!("bad base time in {row:?}"));
                continue;
            };
            let ev = match CalendarEvent::parse(expr) {
                Ok(ev) => ev,
                Err(e) => {
                    wrong.push(format!("{expr:?}: rejected: {e}"));
                    continue;
                }
            };
            if ev.normalized() != *normalized {
                wrong.push(format!("{expr:?}: normalized {:?}, systemd {normalized:?}", ev.normalized()));
            }
            let want: Vec<String> = if *runs == "never" {
                Vec::new()
            } else {
                runs.split(' ').map(String::from).collect()
            };
            let got = elapses(&ev, base.and_utc(), 8);
            if got != want {
                wrong.push(format!("{expr:?} after {base}:\n  ours    {got:?}\n  systemd {want:?}"));
            }
            checked += 1;
        }
        assert!(wrong.is_empty(), "{} of {checked} differ:\n{}", wrong.len(), wrong.join("\n"));
        assert_eq!(checked, 53);
    }
}

case! {
    fn expressions_systemd_rejects_are_rejected() {
        let mut checked = 0;
        for row in rows(INVALID) {
            let expr = row.first().copied().unwrap_or_default();
            let r = CalendarEvent::parse(expr);
            assert!(r.is_err(), "{expr:?} is accepted: {r:?}");
            if let Err(e) = r {
                assert!(!e.is_empty());
            }
            checked += 1;
        }
        // The empty expression's row starts with its tab: it is the first row.
        assert_eq!(checked, 27);
    }
}

const WINDOW: &str = "timezone = \"Europe/Berlin\"
[maintenance_window]
start = \"2026-11-28T02:00:00+01:00\"
end = \"2026-11-28T05:00:00+01:00\"
";

fn profile() -> Profile {
    let p = Profile::from_toml(WINDOW);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

fn finding<'r>(r: &'r Report, rule: &str, path: &str) -> Option<&'r Finding> {
    let f = r.findings.iter().find(|f| f.rule == rule && f.path == path);
    assert!(f.is_some(), "no {rule} at {path}: {:#?}", r.findings);
    f
}

fn info(f: &Finding) -> Option<&ScheduleInfo> {
    assert!(f.schedule.is_some(), "{f:?}");
    f.schedule.as_ref()
}

case! {
    fn a_nightly_timer_fires_inside_the_window_and_links_its_script() {
        let pkg = fixture(r#"
            //- /lib/systemd/system/acme-backup.timer
            [Unit]
            Description=Nightly Acme backup

            [Timer]
            OnCalendar=*-*-* 03:30
            Persistent=true

            [Install]
            WantedBy=timers.target
            //- /lib/systemd/system/acme-backup.service
            [Unit]
            Description=Acme backup

            [Service]
            Type=oneshot
            User=acme
            ExecStart=/opt/acme/bin/backup.sh --full
            //- /opt/acme/bin/backup.sh
            #!/bin/sh
            tar czf /var/backups/acme.tgz /var/lib/acme
        "#);
        let r = scan_with(&pkg, &profile());
        let Some(f) = finding(&r, "schedule.systemd-timer", "lib/systemd/system/acme-backup.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(5));
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.title, "At 03:30, every day: runs /opt/acme/bin/backup.sh --full as acme; fires inside the maintenance window");
        assert_eq!(s.kind, "systemd-timer");
        assert_eq!(s.expression, "*-*-* 03:30");
        assert_eq!(s.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(s.description, "At 03:30, every day (Europe/Berlin); catches up missed runs at boot (Persistent=true)");
        assert_eq!(s.command.as_deref(), Some("/opt/acme/bin/backup.sh --full"));
        assert_eq!(s.user.as_deref(), Some("acme"));
        assert_eq!(
            s.next_runs,
            [
                "2026-11-26T02:30:00Z",
                "2026-11-27T02:30:00Z",
                "2026-11-28T02:30:00Z",
                "2026-11-29T02:30:00Z",
                "2026-11-30T02:30:00Z"
            ]
        );
        assert_eq!(s.window.as_deref(), Some("always"));
        assert_eq!(s.window_runs, ["2026-11-28T02:30:00Z"]);
        assert_eq!(s.entry.as_deref(), Some("opt/acme/bin/backup.sh"));
        // Only the timer is a task; the service and the script are not.
        let tasks = r.findings.iter().filter(|f| f.schedule.is_some()).count();
        assert_eq!(tasks, 1, "{:#?}", r.findings);
    }
}

case! {
    fn debian_man_db_may_fire_through_its_random_delay() {
        // /lib/systemd/system/man-db.{timer,service} of Debian 12.
        let pkg = fixture(r#"
            //- /lib/systemd/system/man-db.timer
            [Unit]
            Description=Daily man-db regeneration
            Documentation=man:mandb(8)

            [Timer]
            OnCalendar=daily
            RandomizedDelaySec=12h
            Persistent=true

            [Install]
            WantedBy=timers.target
            //- /lib/systemd/system/man-db.service
            [Unit]
            Description=Daily man-db regeneration
            Documentation=man:mandb(8)
            ConditionACPower=true

            [Service]
            Type=oneshot
            # Recover from deletion, per FHS.
            ExecStart=+/usr/bin/install -d -o man -g man -m 0755 /var/cache/man
            # Expunge old catman pages which have not been read in a week.
            ExecStart=/usr/bin/find /var/cache/man -type f -name *.gz -atime +6 -delete
            # Regenerate man database.
            ExecStart=/usr/bin/mandb --quiet
            User=man
            Nice=19
        "#);
        let r = scan_with(&pkg, &profile());
        let Some(f) = finding(&r, "schedule.systemd-timer", "lib/systemd/system/man-db.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(6));
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(s.description, "At 00:00, every day, plus a random delay of up to 12 hours (Europe/Berlin); catches up missed runs at boot (Persistent=true)");
        assert_eq!(
            s.command.as_deref(),
            Some("/usr/bin/install -d -o man -g man -m 0755 /var/cache/man; /usr/bin/find /var/cache/man -type f -name *.gz -atime +6 -delete; /usr/bin/mandb --quiet")
        );
        assert_eq!(s.user.as_deref(), Some("man"));
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-26T23:00:00Z"));
        assert_eq!(s.window.as_deref(), Some("may"));
        // Midnight of the 28th, up to 12 hours before 05:00.
        assert_eq!(s.window_runs, ["2026-11-27T23:00:00Z"]);
        assert_eq!(s.entry, None);
    }
}

case! {
    fn weekly_and_sunday_timers_miss_a_saturday_window() {
        // e2scrub_all.timer and fstrim.timer of Debian 12, with their services absent.
        let pkg = fixture(r#"
            //- /lib/systemd/system/e2scrub_all.timer
            [Unit]
            Description=Periodic ext4 Online Metadata Check for All Filesystems

            [Timer]
            # Run on Sunday at 3:10am, to avoid running afoul of DST changes
            OnCalendar=Sun *-*-* 03:10:00
            RandomizedDelaySec=60
            Persistent=true

            [Install]
            WantedBy=timers.target
            //- /lib/systemd/system/fstrim.timer
            [Unit]
            Description=Discard unused blocks once a week
            Documentation=man:fstrim
            ConditionVirtualization=!container
            ConditionPathExists=!/etc/initrd-release

            [Timer]
            OnCalendar=weekly
            AccuracySec=1h
            Persistent=true
            RandomizedDelaySec=6000

            [Install]
            WantedBy=timers.target
        "#);
        let r = scan_with(&pkg, &profile());
        let Some(f) = finding(&r, "schedule.systemd-timer", "lib/systemd/system/e2scrub_all.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(6));
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(s.window.as_deref(), Some("never"));
        assert_eq!(s.command, None);
        assert_eq!(s.user, None);
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-29T02:10:00Z"));
        assert_eq!(s.description, "Sun at 03:10, plus a random delay of up to 1 min (Europe/Berlin); catches up missed runs at boot (Persistent=true); service e2scrub_all.service not in the package");
        let Some(f) = finding(&r, "schedule.systemd-timer", "lib/systemd/system/fstrim.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(s.window.as_deref(), Some("never"));
        assert_eq!(s.next_runs.first().map(String::as_str), Some("2026-11-29T23:00:00Z"));
        assert!(s.description.starts_with("Mon at 00:00, plus a random delay of up to 100 min (Europe/Berlin)"), "{}", s.description);
        assert!(s.description.contains("may fire up to 1 hour late (AccuracySec=1h)"), "{}", s.description);
        assert!(s.description.ends_with("service fstrim.service not in the package"), "{}", s.description);
    }
}

case! {
    fn monotonic_timers_may_fire_and_say_what_they_count_from() {
        // systemd-tmpfiles-clean.timer, with its service.
        let pkg = fixture(r#"
            //- /usr/lib/systemd/system/systemd-tmpfiles-clean.timer
            [Unit]
            Description=Daily Cleanup of Temporary Directories

            [Timer]
            OnBootSec=15min
            OnUnitActiveSec=1d
            //- /usr/lib/systemd/system/systemd-tmpfiles-clean.service
            [Service]
            Type=oneshot
            ExecStart=systemd-tmpfiles --clean
        "#);
        let r = scan_with(&pkg, &profile());
        let Some(f) = finding(&r, "schedule.systemd-timer", "usr/lib/systemd/system/systemd-tmpfiles-clean.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(5));
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(s.expression, "OnBootSec=15min; OnUnitActiveSec=1d");
        assert_eq!(s.description, "Every 1 day, counted from the last start of systemd-tmpfiles-clean.service; also 15 min after boot (OnBootSec=15min)");
        assert_eq!(s.window.as_deref(), Some("may"));
        assert!(s.next_runs.is_empty());
        assert_eq!(s.command.as_deref(), Some("systemd-tmpfiles --clean"));
        assert_eq!(s.user.as_deref(), Some("root"));
    }
}

case! {
    fn a_zone_in_the_expression_and_several_calendar_lines() {
        let pkg = fixture(r#"
            //- /etc/systemd/system/report.timer
            [Timer]
            OnCalendar=Mon..Fri *-*-* 22:00 UTC
            OnCalendar=Sat 02:15 UTC
            OnBootSec=5min
            Unit=report-run.service
            //- /opt/acme/units/report-run.service
            [Service]
            ExecStart=-/opt/acme/bin/report.sh
        "#);
        let r = scan_with(&pkg, &profile());
        let Some(f) = finding(&r, "schedule.systemd-timer", "etc/systemd/system/report.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(2));
        assert_eq!(s.expression, "Mon..Fri *-*-* 22:00 UTC; Sat 02:15 UTC");
        assert_eq!(s.timezone.as_deref(), Some("UTC"));
        assert_eq!(s.description, "Mon..Fri at 22:00; Sat at 02:15 (UTC); also 5 min after boot (OnBootSec=5min)");
        assert_eq!(s.next_runs, ["2026-11-26T22:00:00Z", "2026-11-27T22:00:00Z", "2026-11-28T02:15:00Z", "2026-11-30T22:00:00Z", "2026-12-01T22:00:00Z"]);
        // Saturday 02:15 UTC is 03:15 in Berlin: inside.
        assert_eq!(s.window.as_deref(), Some("always"));
        assert_eq!(s.window_runs, ["2026-11-28T02:15:00Z"]);
        assert_eq!(s.command.as_deref(), Some("/opt/acme/bin/report.sh"));
    }
}

case! {
    fn broken_triggers_are_reported_and_the_rest_still_counts() {
        let pkg = fixture(r#"
            //- /lib/systemd/system/sync.timer
            [Timer]
            OnCalendar=Mon..Fri 25:00
            OnCalendar=*:0/20
            OnBootSec=soon
            //- /lib/systemd/system/sync.service
            [Service]
            ExecStart=/usr/bin/acme-sync
            //- /lib/systemd/system/nothing.timer
            [Timer]
            Persistent=true
        "#);
        let r = scan_with(&pkg, &profile());
        let invalid: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == "schedule.invalid")
            .map(|f| (f.path.as_str(), f.line, f.title.as_str()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(
            invalid,
            [
                ("lib/systemd/system/nothing.timer", Some(1), "Schedule not understood: a [Timer] without OnCalendar= or On…Sec= trigger: systemd refuses to load it"),
                ("lib/systemd/system/sync.timer", Some(2), "Schedule not understood: OnCalendar 'Mon..Fri 25:00' is not a calendar event: hour 25 is outside 0..23"),
                ("lib/systemd/system/sync.timer", Some(4), "Schedule not understood: OnBootSec=: 'soon' is not a time span (e.g. 15min, 1h 30min, 2d, 90)"),
            ]
        );
        let Some(f) = finding(&r, "schedule.systemd-timer", "lib/systemd/system/sync.timer") else { return };
        let Some(s) = info(f) else { return };
        assert_eq!(f.line, Some(3));
        assert_eq!(s.description, "Every 20 minutes (Europe/Berlin)");
        assert_eq!(s.window.as_deref(), Some("always"));
        assert_eq!(s.window_runs.len(), 9);
    }
}
