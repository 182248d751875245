//! The detectors that see only the texts they ask for (`Detector::wants_text`) find exactly
//! what they find when handed every text: a `false` there must never hide a finding or a
//! piece of state another entry's finding needs (a script's sourced files, a shipped unit, an
//! issuer certificate, the other half of a migration pair).
//!
//! Each package is scanned with `scan` and with `scan_unfiltered`, and the findings and
//! checklists are compared as JSON. Real packages named in `PREFLIGHT_FILTER_PACKAGES`
//! (colon-separated paths) are compared too, for a local run:
//! `PREFLIGHT_FILTER_PACKAGES=/tmp/bench-usr.zip cargo test --release --test filters`.

use crate::common::{fixture, window_profile, zip_of, NOW};
use scanner_core::{scan, scan_unfiltered, NoSink, Profile, Report, ScanInput};
use std::io::Cursor;

/// One JSON line per item, for a readable difference.
fn json_lines<T: serde::Serialize>(items: &[T]) -> Vec<String> {
    items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap_or_default())
        .collect()
}

/// Scan `bytes` both ways and compare; the filtered report, for further checks.
fn same(bytes: &[u8], name: &str, profile: &Profile) -> Option<Report> {
    let input = ScanInput {
        name,
        profile,
        now: NOW.parse().unwrap_or_default(),
    };
    let filtered = scan(Cursor::new(bytes), &input, &mut NoSink);
    let unfiltered = scan_unfiltered(Cursor::new(bytes), &input, &mut NoSink);
    assert!(filtered.is_ok(), "{name}: {:?}", filtered.as_ref().err());
    assert!(
        unfiltered.is_ok(),
        "{name}: {:?}",
        unfiltered.as_ref().err()
    );
    let (Ok(filtered), Ok(unfiltered)) = (filtered, unfiltered) else {
        return None;
    };
    for (what, got, want) in [
        (
            "findings",
            json_lines(&filtered.findings),
            json_lines(&unfiltered.findings),
        ),
        (
            "checklist",
            json_lines(&filtered.checklist),
            json_lines(&unfiltered.checklist),
        ),
    ] {
        if got != want {
            let lost: Vec<&String> = want.iter().filter(|w| !got.contains(w)).take(5).collect();
            let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).take(5).collect();
            assert!(
                got == want,
                "{name}: the {what} differ with the filters ({} filtered, {} unfiltered)\n\
                 only unfiltered: {lost:#?}\nonly filtered: {extra:#?}",
                got.len(),
                want.len()
            );
        }
    }
    Some(filtered)
}

/// Findings of one rule.
fn count(r: &Report, rule: &str) -> usize {
    r.findings.iter().filter(|f| f.rule == rule).count()
}

/// Scripts run by schedules, reading files every way `read_files` knows, and one way it does
/// not (a URL). Every script is run by a task, so whatever it reads shows in a finding.
const SCHEDULES: &str = r#"
//- /etc/crontab
SHELL=/bin/sh
17 * * * * root cd / && run-parts --report /etc/cron.hourly
25 2 * * * root run-parts --report /etc/cron.daily
//- /etc/cron.d/acme
0 3 * * * root /opt/acme/bin/import.sh
15 3 * * * root /opt/acme/bin/quoted.sh
30 3 * * * acme /opt/acme/bin/report.py
45 3 * * * acme /opt/acme/bin/archive.pl
0 4 * * * acme /opt/acme/bin/rotate.rb --config /opt/acme/conf/rotate.yml
5 4 * * * acme /opt/acme/bin/unicode-source.sh
7 4 * * * acme /opt/acme/bin/unicode-word.sh
10 4 * * * acme /opt/acme/bin/url.py
12 4 * * * acme /opt/acme/bin/toml.sh
14 4 * * * acme /opt/acme/bin/quoted-conf.sh
16 4 * * * acme /opt/acme/bin/settings.py
20 4 * * * acme /opt/acme/bin/indented.sh
25 4 * * * acme /opt/acme/bin/noext
*/5 * * * * root /opt/acme/bin/equals.sh
bad line here
//- /etc/cron.daily/acme-clean
#!/bin/sh
. /etc/default/acme
find /var/lib/acme -mtime +7 -delete
//- /etc/cron.hourly/acme.dpkg-old
#!/bin/sh
echo skipped by run-parts
//- /etc/anacrontab
START_HOURS_RANGE=3-22
1 5 acme.daily /opt/acme/bin/import.sh
//- /etc/default/acme
ACME_HOME=/opt/acme
//- /opt/acme/bin/import.sh
#!/bin/sh
. /opt/acme/etc/env
//- /opt/acme/bin/toml.sh
#!/bin/sh
exec /opt/acme/bin/import --config=/opt/acme/etc/import.toml
//- /opt/acme/bin/quoted.sh
#!/bin/bash
source "/opt/acme/lib/common.sh"
//- /opt/acme/bin/quoted-conf.sh
#!/bin/bash
cat '/etc/acme/quoted.conf'
//- /opt/acme/bin/indented.sh
#!/bin/bash
if true; then
    . '/opt/acme/lib/common.sh'
fi
//- /opt/acme/bin/unicode-source.sh
#!/bin/sh
 . /opt/acme/etc/env
//- /opt/acme/bin/unicode-word.sh
#!/bin/sh
cat /opt/acme/conf/app.conf
//- /opt/acme/bin/equals.sh
#!/bin/sh
CONF=/opt/acme/conf/app.properties run
//- /opt/acme/bin/report.py
#!/usr/bin/env python3
import os
CONFIG = "/opt/acme/conf/report.ini"
print(os.environ.get("HOME"))
//- /opt/acme/bin/settings.py
open('/etc/acme/settings')
//- /opt/acme/bin/archive.pl
my $conf = "/opt/acme/conf/db.json";
//- /opt/acme/bin/rotate.rb
YAML.load_file("/opt/acme/conf/app.yml")
//- /opt/acme/bin/url.py
fetch("https://example.com/feeds/a.json")
fetch("file:/opt/acme/conf/app.conf")
//- /opt/acme/bin/noext
#!/usr/bin/perl
require "/opt/acme/lib/helpers.pl";
do "/opt/acme/conf/extra.cnf";
//- /opt/acme/etc/env
DB=postgres
//- /opt/acme/etc/import.toml
x = 1
//- /opt/acme/lib/common.sh
true
//- /etc/acme/quoted.conf
a=1
//- /etc/acme/settings
a=1
//- /opt/acme/conf/app.conf
a=1
//- /opt/acme/conf/app.properties
a=1
//- /opt/acme/conf/report.ini
a=1
//- /opt/acme/conf/db.json
{}
//- /opt/acme/conf/app.yml
a: 1
//- /opt/acme/conf/rotate.yml
a: 1
//- /opt/acme/conf/extra.cnf
a=1
//- /opt/acme/jobs.cron
#!/bin/sh
echo "a script named like a crontab"
//- /usr/share/doc/acme/examples/crontab
0 1 * * * /opt/acme/bin/example.sh
//- /var/spool/cron/crontabs/acme
0 2 * * 1 /opt/acme/bin/import.sh
//- /lib/systemd/system/acme-sync.timer
[Unit]
Description=Sync
[Timer]
OnCalendar=*-*-* 02:30:00
Persistent=true
[Install]
WantedBy=timers.target
//- /lib/systemd/system/acme-sync.service
[Service]
Type=oneshot
ExecStart=/opt/acme/bin/sync.sh
//- /lib/systemd/system/acme-orphan.timer
[Timer]
OnCalendar=daily
//- /lib/systemd/system/acme-broken.timer
[Timer]
OnBootSec=
//- /opt/acme/bin/sync.sh
#!/bin/sh
. /opt/acme/etc/env
//- /deploy/k8s/cleanup.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "30 2 * * *"
  timeZone: "Europe/Berlin"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: c
              image: acme/cleanup:3.0
              command: ["/opt/acme/bin/import.sh"]
//- /deploy/k8s/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: acme
//- /.github/workflows/nightly.yml
name: Nightly
on:
  schedule:
    - cron: '30 1 * * 6'
jobs:
  build:
    runs-on: self-hosted
    steps:
      - run: make
//- /.github/workflows/ci.yml
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
//- /app/src/main/java/com/acme/Jobs.java
package com.acme;
public class Jobs {
    @Scheduled(cron = "0 0 3 * * *", zone = "Europe/Berlin")
    public void purge() { }
    @Scheduled(fixedRate = 300000)
    public void refresh() { }
}
//- /app/src/main/kotlin/Jobs.kt
class Jobs {
    @Schedules(Scheduled(cron = "0 15 3 * * *"))
    fun run() {}
}
//- /app/src/main/resources/quartz.properties
jobs.invoices.CRONExpression = 0 30 2 ? * MON-FRI
jobs.invoices.jobClass = com.acme.jobs.InvoiceJob
//- /app/src/main/resources/quartz_data.xml
<?xml version="1.0" encoding="UTF-8"?>
<job-scheduling-data version="2.0">
<schedule>
<job><name>usSync</name><job-class>com.acme.UsSync</job-class></job>
<trigger><cron><name>t</name><job-name>usSync</job-name>
<cron-expression>0 0 3 ? * *</cron-expression></cron></trigger>
</schedule>
</job-scheduling-data>
//- /app/src/main/resources/tasks.xml
<beans xmlns:task="http://www.springframework.org/schema/task">
<task:scheduled-tasks scheduler="s">
<task:scheduled ref="bean" method="run" cron="0 0 2 * * *"/>
</task:scheduled-tasks>
</beans>
//- /jenkins/nightly/Jenkinsfile
pipeline {
    triggers { cron('H 3 * * *') }
}
//- /jenkins/jobs/poll/config.xml
<project><triggers><hudson.triggers.TimerTrigger><spec>H 2 * * *</spec></hudson.triggers.TimerTrigger></triggers></project>
//- /jenkins/seed.groovy
pipelineJob('acme-export') { triggers { scm('H/15 * * * *') } }
//- /worker/celeryconfig.py
from celery.schedules import crontab
beat_schedule = {
    'reindex': {'task': 'acme.reindex', 'schedule': crontab(minute=30, hour=3)},
}
//- /tasks/nightly-import.xml
<?xml version="1.0"?>
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T03:00:00</StartBoundary>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Actions><Exec><Command>C:\acme\import.exe</Command></Exec></Actions>
</Task>
"#;

case! {
    fn schedules_and_the_files_their_scripts_read_are_the_same_filtered() {
        // An em space before `. /opt` and a no-break space before `/opt/acme/conf/app.conf`
        // in the unicode scripts: Unicode whitespace splits words there too.
        let text = SCHEDULES
            .replace(" . /opt/acme/etc/env", "\u{2003}. /opt/acme/etc/env")
            .replace("cat /opt/acme/conf/app.conf", "cat\u{a0}/opt/acme/conf/app.conf");
        let pkg = fixture(&text);
        for profile in [Profile::default(), window_profile()] {
            let Some(r) = same(&pkg, "acme-3.0.zip", &profile) else { return };
            // The comparison means something only if the scripts' reads are in the findings.
            let sources: usize = r
                .findings
                .iter()
                .filter_map(|f| f.schedule.as_ref())
                .map(|s| s.sources.len())
                .sum();
            assert!(sources >= 12, "sources: {sources}\n{}", r.to_json());
            for rule in [
                "schedule.cron",
                "schedule.cron-periodic",
                "schedule.anacron",
                "schedule.systemd-timer",
                "schedule.k8s-cronjob",
                "schedule.github-actions",
                "schedule.windows-task",
                "schedule.quartz",
                "schedule.spring",
                "schedule.jenkins",
                "schedule.celery",
                "schedule.invalid",
            ] {
                assert!(count(&r, rule) > 0, "no {rule}:\n{}", r.to_json());
            }
        }
    }
}

/// Units shipped, put in place by scripts and referred to from scripts, units, Ansible and
/// documentation; names that are shipped and names that are not.
const UNITS: &str = r#"
//- /lib/systemd/system/acme-api.service
[Unit]
Description=API
Requires=acme-db.service
After=network-online.target acme-cache.service
[Service]
ExecStart=/opt/acme/bin/api
ExecStartPost=/bin/systemctl restart acme-notify
[Install]
WantedBy=multi-user.target
Alias=acme.service
//- /lib/systemd/system/acme-import.timer
[Timer]
OnCalendar=daily
//- /lib/systemd/system/acme-import.service
[Service]
ExecStart=/opt/acme/bin/import.sh
//- /lib/systemd/system/acme-worker@.service
[Service]
ExecStart=/opt/acme/bin/worker %i
//- /etc/systemd/system/acme-api.service.d/override.conf
[Unit]
Wants=acme-metrics.service
//- /opt/acme/dropins/acme-legacy.service.d/limits.conf
[Service]
LimitNOFILE=65536
//- /opt/acme/units/acme-side.service
[Unit]
Description=a unit outside the unit directories, known by its content
[Service]
ExecStart=/opt/acme/bin/side
//- /opt/acme/templates/not-a-unit.service
just a template, no section
//- /debian/acme.acme-worker.service
[Service]
ExecStart=/opt/acme/bin/worker
//- /debian/postinst
#!/bin/sh
set -e
deb-systemd-helper enable acme-api.service
deb-systemd-invoke restart acme-api.service acme-importer.service
update-rc.d acme-legacy defaults
invoke-rc.d acme-legacy restart
//- /install.sh
#!/bin/bash
install -m 0644 units/acme-extra.service /etc/systemd/system/
cp units/acme-more.service /lib/systemd/system/acme-more.service
ln -s /lib/systemd/system/acme-api.service /etc/systemd/system/multi-user.target.wants/acme-api.service
ln -s /lib/systemd/system/acme-api.service /etc/systemd/system/acme-web.service
cat > /etc/systemd/system/acme-gen.service <<EOF
[Service]
ExecStart=/bin/true
systemctl restart inside-heredoc
EOF
systemctl daemon-reload
systemctl enable --now acme-extra acme-gen.service acme-renamed.service
sh -c 'systemctl restart acme-nested'
//- /opt/acme/bin/upgrade.sh
#!/bin/sh
service acme-old restart
sudo -u root systemctl --no-block stop acme-worker@1.service
journalctl -u acme-api --since today
chkconfig acme-legacy on
//- /opt/acme/bin/helper.py
import subprocess
subprocess.run(["systemctl", "restart", "acme-py"])
# this service is fine
//- /acme.spec
%post
%systemd_post acme-api.service
%systemd_postun_with_restart acme-spec.service
//- /deploy/roles/acme/tasks/main.yml
- name: restart the api
  systemd:
    name: acme-api
    state: restarted
    daemon_reload: yes
- name: legacy
  ansible.builtin.service: name=acme-legacy state=started
- name: a kubernetes service, not a task
  service:
    name: acme
    port: 8080
//- /deploy/roles/acme/handlers/main.yaml
- name: reload
  ansible.builtin.systemd:
    name: acme-reloaded
    enabled: true
//- /usr/share/doc/acme/UPGRADE.md
Run `sudo systemctl restart acme-oldname` after the upgrade.
//- /etc/init.d/acme-legacy
#!/bin/sh
echo legacy
//- /README.txt
The service is managed by systemd.
"#;

case! {
    fn units_shipped_and_referred_to_are_the_same_filtered() {
        let pkg = fixture(UNITS);
        let Some(r) = same(&pkg, "acme-3.0.zip", &Profile::default()) else { return };
        assert!(count(&r, "unit.missing") >= 5, "{}", r.to_json());
        assert!(count(&r, "unit.shipped") >= 5, "{}", r.to_json());
    }
}

const CERT: &str = include_str!("../fixtures/certificates/api.pem");
const INTERMEDIATE: &str = include_str!("../fixtures/certificates/intermediate-ca.pem");
const EXPIRED: &str = include_str!("../fixtures/certificates/expired.pem");
const KEY: &str = include_str!("../fixtures/certificates/leaf.key");
const LEAF: &str = include_str!("../fixtures/certificates/leaf.crt");

case! {
    fn certificates_in_any_text_are_the_same_filtered() {
        // A PEM indented in YAML, one in a properties value, a chain split over two files, a
        // key paired with its certificate elsewhere, and texts with no PEM at all.
        let indented: String = CERT.lines().map(|l| format!("    {l}\n")).collect();
        let yaml = format!("tls:\n  cert: |\n{indented}  other: 1\n");
        let props = format!("ca={}\n", EXPIRED.replace('\n', "\\n"));
        let pkg = zip_of(&[
            ("deploy/values.yaml", yaml.as_bytes()),
            ("conf/app.properties", props.as_bytes()),
            ("etc/ssl/intermediate.pem", INTERMEDIATE.as_bytes()),
            ("etc/ssl/leaf.crt", LEAF.as_bytes()),
            ("etc/ssl/private/leaf.key", KEY.as_bytes()),
            ("README.md", b"Put your -----BEGIN CERTIFICATE----- here.\n"),
            ("notes.txt", b"no certificate here\n"),
        ]);
        let Some(r) = same(&pkg, "acme-3.0.zip", &Profile::default()) else { return };
        assert!(count(&r, "certificate.inventory") >= 4, "{}", r.to_json());
    }
}

const MIGRATIONS: &str = r#"
//- /db/migration/V1__init.sql
CREATE TABLE accounts (id int);
//- /db/migration/V2__drop_legacy.sql
DROP TABLE legacy;
//- /db/migration/U2__drop_legacy.sql
CREATE TABLE legacy (id int);
//- /db/migration/R__views.sql
CREATE OR REPLACE VIEW v AS SELECT 1;
//- /migrations/20260101120000_add_email.up.sql
ALTER TABLE accounts ADD COLUMN email text NOT NULL DEFAULT '';
//- /migrations/20260101120000_add_email.down.sql
ALTER TABLE accounts DROP COLUMN email;
//- /db/migrations/20260202_dbmate.sql
-- migrate:up
CREATE INDEX idx_email ON accounts (email);
-- migrate:down
DROP INDEX idx_email;
//- /sql/migrations/003_rename.sql
ALTER TABLE accounts RENAME COLUMN email TO mail;
//- /sql/migrations/down/003_rename.sql
ALTER TABLE accounts RENAME COLUMN mail TO email;
//- /sql/migrations/schema.sql
CREATE TABLE everything (id int);
//- /db/changelog/db.changelog-master.xml
<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
  <changeSet id="1" author="acme">
    <dropColumn tableName="accounts" columnName="legacy"/>
  </changeSet>
</databaseChangeLog>
//- /db/changelog/changes.yaml
databaseChangeLog:
  - changeSet:
      id: 2
      author: acme
      changes:
        - addColumn:
            tableName: accounts
            columns:
              - column:
                  name: status
                  type: varchar(16)
//- /db/changelog/formatted.sql
--liquibase formatted sql
--changeset acme:3
ALTER TABLE accounts ADD COLUMN x int;
//- /alembic/versions/ab12_add_flag.py
"""add flag"""
from alembic import op
revision = "ab12"
down_revision = "ab11"
def upgrade():
    op.add_column("accounts", sa.Column("flag", sa.Boolean(), nullable=False))
def downgrade():
    op.drop_column("accounts", "flag")
//- /app/accounts/migrations/0002_remove_field.py
from django.db import migrations
class Migration(migrations.Migration):
    operations = [migrations.RemoveField(model_name="account", name="legacy")]
//- /db/migrate/20260101000000_add_index.rb
class AddIndex < ActiveRecord::Migration[7.1]
  def change
    add_index :accounts, :email
  end
end
//- /app/models.py
class Account:
    def upgrade(self):
        pass
//- /docs/schema.yaml
title: not a changelog
"#;

case! {
    fn migrations_and_their_pairs_are_the_same_filtered() {
        let pkg = fixture(MIGRATIONS);
        let Some(r) = same(&pkg, "acme-3.0.zip", &Profile::default()) else { return };
        let migration = r.findings.iter().filter(|f| f.migration.is_some()).count();
        assert!(migration >= 8, "{}", r.to_json());
    }
}

const INVENTORY: &str = r#"
//- /acme-3.0/package.json
{"name": "acme-web", "version": "3.0.1", "dependencies": {"express": "^5.0.0"}}
//- /acme-3.0/package-lock.json
{"name": "acme-web", "lockfileVersion": 3, "packages": {"node_modules/express": {"version": "5.0.1"}}}
//- /acme-3.0/node_modules/express/package.json
{"name": "express", "version": "5.0.1"}
//- /acme-3.0/node_modules/@acme/util/package.json
{"name": "@acme/util", "version": "1.2.3"}
//- /acme-3.0/node_modules/express/lib/package.json
{"name": "not-direct", "version": "9.9.9"}
//- /acme-3.0/pom.xml
<project><groupId>com.acme</groupId><artifactId>acme-core</artifactId><version>3.0.0</version></project>
//- /acme-3.0/VERSION
3.0.0
//- /acme-3.0/opt/plugin/version.txt
1.4.2
//- /acme-3.0/charts/acme/Chart.yaml
apiVersion: v2
name: acme
version: 3.0.0
appVersion: "3.0.0"
//- /acme-3.0/debian/control
Package: acme
Version: 3.0.0-1
//- /acme-3.0/Cargo.lock
[[package]]
name = "serde"
version = "1.0.200"
//- /acme-3.0/go.mod
module example.com/acme
go 1.22
require github.com/lib/pq v1.10.9
//- /acme-3.0/requirements-prod.txt
requests==2.32.0
//- /acme-3.0/META-INF/MANIFEST.MF
Manifest-Version: 1.0
Implementation-Title: acme-app
Implementation-Version: 3.0.0
//- /acme-3.0/docs/version-history.md
3.0.0 is the current version
"#;

case! {
    fn inventory_manifests_are_the_same_filtered() {
        let pkg = fixture(INVENTORY);
        let Some(r) = same(&pkg, "acme-suite-3.0.zip", &Profile::default()) else { return };
        let rows = r.findings.iter().filter(|f| f.inventory.is_some()).count();
        assert!(rows >= 8, "{}", r.to_json());
    }
}

case! {
    fn nested_archives_are_the_same_filtered() {
        // Inside a jar: the manifest, a crontab running a script of the outer package, a
        // certificate, a migration and a unit; paths there carry `!/`.
        let jar = fixture(&format!(
            "//- /META-INF/MANIFEST.MF\nManifest-Version: 1.0\nImplementation-Title: inner\nImplementation-Version: 2.1\n\
             //- /etc/cron.d/inner\n0 3 * * * root /opt/acme/bin/import.sh\n\
             //- /certs/leaf.crt\n{LEAF}\
             //- /db/migration/V9__drop.sql\nDROP TABLE t;\n\
             //- /lib/systemd/system/inner.service\n[Service]\nExecStart=/bin/true\n\
             //- /bin/start.sh\n#!/bin/sh\nsystemctl start inner outer-missing\n. /opt/acme/etc/env\n"
        ));
        let pkg = zip_of(&[
            ("lib/inner.jar", &jar),
            ("opt/acme/bin/import.sh", b"#!/bin/sh\n. /opt/acme/etc/env\n"),
            ("opt/acme/etc/env", b"A=1\n"),
            ("etc/ssl/intermediate.pem", INTERMEDIATE.as_bytes()),
        ]);
        for profile in [Profile::default(), window_profile()] {
            let Some(r) = same(&pkg, "acme-3.0.zip", &profile) else { return };
            assert!(r.findings.iter().any(|f| f.path.contains("!/")), "{}", r.to_json());
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_sample_package_is_the_same_filtered() {
    let pkg = crate::common::sample_package();
    assert!(pkg.is_some(), "the sample package is there");
    let pkg = pkg.unwrap_or_default();
    for profile in [Profile::default(), window_profile()] {
        let r = same(&pkg, "acme-suite-3.0-upgrade.zip", &profile);
        assert!(r.is_some_and(|r| !r.findings.is_empty()));
    }
}

/// Real packages named in `PREFLIGHT_FILTER_PACKAGES` (colon-separated paths).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn packages_from_the_environment_are_the_same_filtered() {
    let Ok(list) = std::env::var("PREFLIGHT_FILTER_PACKAGES") else {
        return;
    };
    for path in list.split(':').filter(|p| !p.is_empty()) {
        let bytes = std::fs::read(path).unwrap_or_default();
        assert!(!bytes.is_empty(), "cannot read {path}");
        let name = path.rsplit('/').next().unwrap_or(path);
        same(&bytes, name, &Profile::default());
        same(&bytes, name, &window_profile());
    }
}
