//! Endpoints through the whole scanner: every form in realistic files, classes, retired
//! hosts, masking, and the story of a cron job whose script talks to a retired host.

use crate::common::*;
use scanner_core::{EndpointInfo, Finding, Profile, Report, Severity};

const STORY_PROFILE: &str = "timezone = \"Europe/Berlin\"
retired_hosts = [\"sftp-legacy.example.net\"]
[maintenance_window]
start = \"2026-11-28T02:00:00+01:00\"
end = \"2026-11-28T05:00:00+01:00\"
";

fn profile(toml: &str) -> Profile {
    let p = Profile::from_toml(toml);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

fn endpoints(r: &Report) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.category == scanner_core::Category::Endpoint)
        .collect()
}

/// The endpoint findings at `path`, in line order.
fn at<'r>(r: &'r Report, path: &str) -> Vec<&'r Finding> {
    let mut v: Vec<&Finding> = endpoints(r)
        .into_iter()
        .filter(|f| f.path == path)
        .collect();
    v.sort_by_key(|f| f.line);
    v
}

fn info(f: &Finding) -> EndpointInfo {
    f.endpoint.clone().unwrap_or(EndpointInfo {
        url: String::new(),
        scheme: String::new(),
        host: String::new(),
        port: None,
        class: String::new(),
        retired: false,
    })
}

/// (line, rule, severity, scheme, host, port, class, retired) of each finding.
type Row = (
    Option<u32>,
    String,
    Severity,
    String,
    String,
    Option<u16>,
    String,
    bool,
);

fn rows(fs: &[&Finding]) -> Vec<Row> {
    fs.iter()
        .map(|f| {
            let e = info(f);
            (
                f.line,
                f.rule.clone(),
                f.severity,
                e.scheme,
                e.host,
                e.port,
                e.class,
                e.retired,
            )
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // one column per field of the expected row
fn row(
    line: u32,
    rule: &str,
    sev: Severity,
    scheme: &str,
    host: &str,
    port: Option<u16>,
    class: &str,
    retired: bool,
) -> Row {
    (
        Some(line),
        rule.to_string(),
        sev,
        scheme.to_string(),
        host.to_string(),
        port,
        class.to_string(),
        retired,
    )
}

const PACKAGE: &str = r#"
//- /opt/acme/bin/data-import.sh
#!/bin/bash
# Nightly import from the partner; see https://wiki.example.net/import
set -euo pipefail
SFTP_HOST=sftp-legacy.example.net
SFTP_USER=import
SFTP_PASS='Wint3r!2024'
sshpass -p "$SFTP_PASS" sftp -oBatchMode=no -b /opt/acme/etc/batch.txt "$SFTP_USER@$SFTP_HOST"
curl -fsS http://status.example.net/ping >/dev/null
rsync -az /var/acme/out/ backup01.example.net:/srv/acme/
//- /opt/acme/conf/application.properties
spring.datasource.url=jdbc:postgresql://db01.example.net:5432/acme?user=acme&password=S3cret
spring.datasource.password=S3cret
cache.redis.host=cache01.example.net
cache.redis.port=6379
server.address=0.0.0.0
management.url=https://admin:Adm1n@mgmt.example.net/actuator
//- /opt/acme/conf/appsettings.json
{
  "ConnectionStrings": {
    "Default": "Server=tcp:sql01.example.net,1433;Database=Acme;User Id=acme;Password=Wint3r!;Encrypt=True;"
  },
  "Partner": { "Endpoint": "https://partner.example.net/api/v2" }
}
//- /README.md
# Acme 3.0
Docs at https://docs.example.com/acme and the API at <https://api.example.org/>.
Upload with `sftp import@sftp-legacy.example.net`.
//- /LICENSE
Licensed under the Apache License, Version 2.0 (the "License");
you may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
//- /opt/acme/conf/beans.xml
<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd">
  <!-- legacy: http://old-soap.example.net/ws -->
  <bean id="client"><property name="url" value="http://soap.example.net/ws"/></bean>
</beans>
//- /opt/acme/bin/copy-reports.bat
@echo off
REM Copy the daily reports to the file server
net use Z: \\fileserver01.example.net\reports /user:ACME\svc-reports P@ssw0rd
copy C:\acme\out\*.csv \\fileserver01.example.net\reports\daily\
"#;

fn scan_package() -> Report {
    scan_with(
        &fixture(PACKAGE),
        &profile("retired_hosts = [\"sftp-legacy.example.net\", \"*.old.example.net\"]\n"),
    )
}

case! {
    fn a_shell_script_with_sshpass_sftp_to_a_host_from_a_variable() {
        let r = scan_package();
        let fs = at(&r, "opt/acme/bin/data-import.sh");
        assert_eq!(
            rows(&fs),
            [
                row(2, "endpoint.documentation", Severity::Info, "https", "wiki.example.net", Some(443), "documentation", false),
                row(4, "endpoint.retired-host", Severity::Critical, "sftp", "sftp-legacy.example.net", Some(22), "runtime", true),
                row(7, "endpoint.retired-host", Severity::Critical, "sftp", "sftp-legacy.example.net", Some(22), "runtime", true),
                row(8, "endpoint.url", Severity::Medium, "http", "status.example.net", Some(80), "runtime", false),
                row(9, "endpoint.remote-copy", Severity::Low, "rsync", "backup01.example.net", Some(22), "runtime", false),
            ]
        );
        let titles: Vec<&str> = fs.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles[1], "Connects to sftp-legacy.example.net:22 (sftp), a retired host");
        assert_eq!(titles[3], "Connects to status.example.net:80 (http), unencrypted");
        assert_eq!(info(fs[2]).url, "import@sftp-legacy.example.net");
        // The password is nowhere in the report.
        assert!(!r.to_json().contains("Wint3r!2024"));
        assert!(fs[2].evidence.contains("sshpass -p ***"), "{}", fs[2].evidence);
    }
}

case! {
    fn application_properties_with_jdbc_and_a_redis_host() {
        let r = scan_package();
        let fs = at(&r, "opt/acme/conf/application.properties");
        assert_eq!(
            rows(&fs),
            [
                row(1, "endpoint.url", Severity::Low, "jdbc:postgresql", "db01.example.net", Some(5432), "runtime", false),
                row(3, "endpoint.config-host", Severity::Low, "redis", "cache01.example.net", Some(6379), "runtime", false),
                row(5, "endpoint.config-host", Severity::Info, "host", "0.0.0.0", None, "local", false),
                row(6, "endpoint.url", Severity::Low, "https", "mgmt.example.net", Some(443), "runtime", false),
            ]
        );
        assert_eq!(info(fs[0]).url, "jdbc:postgresql://db01.example.net:5432/acme?user=acme&password=***");
        assert_eq!(info(fs[3]).url, "https://admin:***@mgmt.example.net/actuator");
        assert!(!fs.iter().any(|f| f.evidence.contains("S3cret") || f.evidence.contains("Adm1n")));
    }
}

case! {
    fn appsettings_json_with_an_ado_net_connection_string() {
        let r = scan_package();
        let fs = at(&r, "opt/acme/conf/appsettings.json");
        assert_eq!(
            rows(&fs),
            [
                row(3, "endpoint.connection-string", Severity::Low, "sqlserver", "sql01.example.net", Some(1433), "runtime", false),
                row(5, "endpoint.url", Severity::Low, "https", "partner.example.net", Some(443), "runtime", false),
            ]
        );
        assert_eq!(
            info(fs[0]).url,
            "Server=tcp:sql01.example.net,1433;Database=Acme;User Id=acme;Password=***;Encrypt=True;"
        );
        assert!(!fs[0].evidence.contains("Wint3r"));
    }
}

case! {
    fn readme_and_licence_links_are_documentation() {
        let r = scan_package();
        let readme = at(&r, "README.md");
        assert_eq!(
            rows(&readme),
            [
                row(2, "endpoint.documentation", Severity::Info, "https", "api.example.org", Some(443), "documentation", false),
                row(2, "endpoint.documentation", Severity::Info, "https", "docs.example.com", Some(443), "documentation", false),
            ]
        );
        let licence = at(&r, "LICENSE");
        assert_eq!(
            rows(&licence),
            [row(2, "endpoint.documentation", Severity::Info, "http", "www.apache.org", Some(80), "documentation", false)]
        );
        assert_eq!(licence[0].title, "Mentions www.apache.org:80 (http) in documentation");
    }
}

case! {
    fn xml_namespaces_and_comments_are_documentation_values_are_runtime() {
        let r = scan_package();
        let fs = at(&r, "opt/acme/conf/beans.xml");
        let got: Vec<(Option<u32>, String, String)> =
            fs.iter().map(|f| (f.line, info(f).host, info(f).class)).collect();
        assert_eq!(
            got,
            [
                (Some(2), "www.springframework.org".into(), "documentation".into()),
                (Some(3), "www.w3.org".into(), "documentation".into()),
                (Some(5), "old-soap.example.net".into(), "documentation".into()),
                (Some(6), "soap.example.net".into(), "runtime".into()),
            ]
        );
        assert_eq!(fs[3].severity, Severity::Medium);
    }
}

case! {
    fn a_windows_batch_file_with_a_unc_path() {
        let r = scan_package();
        let fs = at(&r, "opt/acme/bin/copy-reports.bat");
        assert_eq!(
            rows(&fs),
            [
                row(3, "endpoint.unc-path", Severity::Low, "unc", "fileserver01.example.net", Some(445), "runtime", false),
                row(4, "endpoint.unc-path", Severity::Low, "unc", "fileserver01.example.net", Some(445), "runtime", false),
            ]
        );
        assert_eq!(info(fs[0]).url, r"\\fileserver01.example.net\reports");
        assert!(!fs[0].evidence.contains("P@ssw0rd"), "{}", fs[0].evidence);
        // Same url on two lines: two findings with distinct ids.
        assert_ne!(fs[0].id, fs[1].id);
    }
}

case! {
    fn the_import_job_runs_a_script_that_talks_to_a_retired_host() {
        let pkg = fixture(r#"
            //- /etc/cron.d/import
            0 3 * * * acme /opt/acme/bin/data-import.sh
            //- /opt/acme/bin/data-import.sh
            #!/bin/sh
            sftp -b /opt/acme/etc/batch.txt import@sftp-legacy.example.net
        "#);
        let r = scan_with(&pkg, &profile(STORY_PROFILE));
        let ep = at(&r, "opt/acme/bin/data-import.sh");
        assert_eq!(
            rows(&ep),
            [row(2, "endpoint.retired-host", Severity::Critical, "sftp", "sftp-legacy.example.net", Some(22), "runtime", true)]
        );
        let cron: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "schedule.cron").collect();
        assert_eq!(cron.len(), 1, "{:#?}", r.findings);
        let (Some(cron), Some(ep)) = (cron.first(), ep.first()) else {
            return;
        };
        // Inside the window (high), possibly raised by the story it joins.
        assert!(cron.severity >= Severity::High, "{:?}", cron.severity);
        assert!(cron.related.contains(&ep.id), "{:?}", cron.related);
        assert!(ep.related.contains(&cron.id), "{:?}", ep.related);
        assert_eq!(ep.title, "Connects to sftp-legacy.example.net:22 (sftp), a retired host");
    }
}

case! {
    fn a_story_names_every_host_in_one_clause() {
        let pkg = fixture(r#"
            //- /etc/cron.d/import
            0 3 * * * acme /opt/acme/bin/data-import.sh
            //- /opt/acme/bin/data-import.sh
            #!/bin/sh
            sftp -b /opt/acme/etc/batch.txt import@sftp-legacy.example.net
            curl -s https://api.example.com/v2/orders
        "#);
        let r = scan_with(&pkg, &profile(STORY_PROFILE));
        let stories = scanner_core::story::stories(&r.findings);
        let Some(s) = stories.iter().find(|s| s.sentence.contains("data-import.sh")) else {
            panic!("no story: {stories:?}");
        };
        assert!(s.sentence.contains("connects to "), "{}", s.sentence);
        assert_eq!(s.sentence.matches("connects to").count(), 1, "{}", s.sentence);
        assert!(s.sentence.contains(" and "), "{}", s.sentence);
        assert!(s.sentence.contains("sftp-legacy.example.net (retired)"), "{}", s.sentence);
        assert!(s.sentence.contains("api.example.com"), "{}", s.sentence);
    }
}

case! {
    fn findings_are_stable_and_deduplicated() {
        let pkg = fixture(r#"
            //- /etc/acme/mirrors.conf
            mirrors = https://m1.example.net/a https://m1.example.net/b https://M1.EXAMPLE.NET/c
            legacy = https://x.old.example.net/
        "#);
        let p = profile("retired_hosts = [\"*.old.example.net\"]\n");
        let a = scan_with(&pkg, &p);
        let b = scan_with(&pkg, &p);
        let fa = endpoints(&a);
        assert_eq!(fa.len(), 2);
        assert_eq!(fa.iter().map(|f| &f.id).collect::<Vec<_>>(), endpoints(&b).iter().map(|f| &f.id).collect::<Vec<_>>());
        assert!(fa.iter().any(|f| f.rule == "endpoint.retired-host" && info(f).host == "x.old.example.net"));
    }
}

case! {
    fn hostile_and_binary_like_text_does_not_panic() {
        let long = "http://".repeat(50_000) + &"\\\\a\\b ".repeat(10_000) + "jdbc:oracle:thin:@" + &"(HOST=".repeat(10_000);
        let pkg = zip_of(&[
            ("a.sh", long.as_bytes()),
            ("b.properties", "host=\u{feff}é.example\nurl=ftp://[::1\n".as_bytes()),
            ("c.py", b"'''\n\"\"\"\nx = '''\n"),
        ]);
        let r = scan_bytes(&pkg);
        assert!(endpoints(&r).len() < 10, "{:#?}", endpoints(&r));
    }
}
