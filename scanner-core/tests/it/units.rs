//! Systemd units through the whole scanner: what a package ships, every form of reference,
//! templates, aliases, links and drop-ins, system units, skipped variables, the suggestion
//! for a renamed unit, severities, and the shape of the `unit` object.

use crate::common::*;
use scanner_core::report::UnitInfo;
use scanner_core::{Category, Finding, Report, Severity};

fn units(r: &Report) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.category == Category::Unit)
        .collect()
}

fn info(f: &Finding) -> UnitInfo {
    f.unit.clone().unwrap_or(UnitInfo {
        name: String::new(),
        shipped: false,
        kind: String::new(),
        template: None,
        shipped_at: Vec::new(),
        aliases: Vec::new(),
        referenced_by: Vec::new(),
        reference_count: 0,
        directive: None,
        suggestion: None,
    })
}

/// `severity path:line name (directive) -> suggestion` of each missing-unit finding, sorted.
fn missing(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = units(r)
        .into_iter()
        .filter(|f| f.rule == "unit.missing")
        .map(|f| {
            let u = info(f);
            let mut s = format!(
                "{} {}:{} {} ({})",
                f.severity,
                f.path,
                f.line.map_or("-".to_string(), |l| l.to_string()),
                u.name,
                u.directive.unwrap_or_default()
            );
            if let Some(sug) = u.suggestion {
                s.push_str(&format!(" -> {sug}"));
            }
            s
        })
        .collect();
    v.sort();
    v
}

/// The `unit.shipped` findings' units, by name.
fn shipped(r: &Report) -> Vec<UnitInfo> {
    let mut v: Vec<UnitInfo> = units(r)
        .into_iter()
        .filter(|f| f.rule == "unit.shipped")
        .map(info)
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

fn shipped_names(r: &Report) -> Vec<String> {
    shipped(r).into_iter().map(|u| u.name).collect()
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const RENAMED: &str = r#"
//- /lib/systemd/system/acme-import.service
[Unit]
Description=Acme importer
Requires=acme-db.service
After=network-online.target acme-db.service

[Service]
ExecStart=/opt/acme/bin/import

[Install]
WantedBy=multi-user.target
//- /lib/systemd/system/acme-import.timer
[Timer]
OnCalendar=*-*-* 03:00:00

[Install]
WantedBy=timers.target
//- /lib/systemd/system/acme-db.service
[Service]
ExecStart=/opt/acme/bin/db
//- /debian/postinst
#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
    systemctl daemon-reload
    systemctl restart acme-importer.service
    systemctl enable --now acme-import.timer
fi
"#;

case! {
    fn a_renamed_unit_in_a_maintainer_script_is_high_with_the_new_name() {
        let r = scan_bytes(&fixture(RENAMED));
        assert_eq!(
            missing(&r),
            ["high debian/postinst:5 acme-importer.service (systemctl restart) -> acme-import.service"]
        );
        let f = units(&r).into_iter().find(|f| f.rule == "unit.missing");
        let Some(f) = f else { return };
        assert_eq!(
            f.title,
            "Unit acme-importer.service is neither shipped nor a known system unit (systemctl restart); renamed to acme-import.service?"
        );
        assert_eq!(f.evidence, "systemctl restart acme-importer.service");
        let u = info(f);
        assert!(!u.shipped);
        assert_eq!(u.kind, "service");
        assert_eq!(u.referenced_by, ["debian/postinst:5"]);
        assert_eq!(
            shipped_names(&r),
            ["acme-db.service", "acme-import.service", "acme-import.timer"]
        );
    }
}

case! {
    fn shipped_units_list_where_they_are_and_who_refers_to_them() {
        let r = scan_bytes(&fixture(RENAMED));
        let s = shipped(&r);
        let db = s.iter().find(|u| u.name == "acme-db.service");
        assert_eq!(
            db.map(|u| (u.shipped, u.shipped_at.clone(), u.referenced_by.clone(), u.reference_count)),
            Some((
                true,
                vec!["lib/systemd/system/acme-db.service".to_string()],
                vec![
                    "lib/systemd/system/acme-import.service:3".to_string(),
                    "lib/systemd/system/acme-import.service:4".to_string()
                ],
                2
            ))
        );
        // The timer starts acme-import.service implicitly; postinst enables the timer.
        let svc = s.iter().find(|u| u.name == "acme-import.service");
        assert_eq!(
            svc.map(|u| u.referenced_by.clone()),
            Some(vec!["lib/systemd/system/acme-import.timer:1".to_string()])
        );
        let timer = s.iter().find(|u| u.name == "acme-import.timer");
        assert_eq!(
            timer.map(|u| (u.kind.clone(), u.referenced_by.clone())),
            Some(("timer".to_string(), vec!["debian/postinst:6".to_string()]))
        );
        let finding = units(&r)
            .into_iter()
            .find(|f| f.rule == "unit.shipped" && f.path.ends_with("acme-db.service"));
        assert_eq!(
            finding.map(|f| (f.severity, f.title.as_str())),
            Some((Severity::Info, "Unit acme-db.service shipped; referred to 2 times in the package"))
        );
    }
}

case! {
    fn unit_file_directives_have_their_severities() {
        let pkg = fixture(
            r#"
//- /usr/lib/systemd/system/acme-web.service
[Unit]
Requires=acme-cache.service
BindsTo=acme-store.service
Requisite=acme-net.service
Wants=acme-metrics.service
After=acme-early.service
Before=acme-late.service
Conflicts=acme-legacy.service
PartOf=acme.target
OnFailure=acme-alert.service

[Service]
ExecStart=/opt/acme/web
ExecStartPost=-/bin/systemctl --no-block restart acme-warmup
Sockets=acme-web-admin.socket

[Install]
WantedBy=acme-suite.target
Also=acme-web-helper.service
//- /usr/lib/systemd/system/acme-report.timer
[Timer]
OnCalendar=daily
Unit=acme-reporting.service
//- /usr/lib/systemd/system/acme-report.service
[Service]
ExecStart=/opt/acme/report
//- /usr/lib/systemd/system/acme-sync.timer
[Timer]
OnCalendar=hourly
//- /usr/lib/systemd/system/acme-api.socket
[Socket]
ListenStream=8080
Service=acme-api-server.service
//- /usr/lib/systemd/system/acme-spool.path
[Path]
PathChanged=/var/spool/acme
"#,
        );
        let r = scan_bytes(&pkg);
        let p = "usr/lib/systemd/system";
        assert_eq!(
            missing(&r),
            sorted(&[
                &format!("high {p}/acme-web.service:2 acme-cache.service (Requires=)"),
                &format!("high {p}/acme-web.service:3 acme-store.service (BindsTo=)"),
                &format!("high {p}/acme-web.service:4 acme-net.service (Requisite=)"),
                &format!("low {p}/acme-web.service:5 acme-metrics.service (Wants=)"),
                &format!("low {p}/acme-web.service:6 acme-early.service (After=)"),
                &format!("low {p}/acme-web.service:7 acme-late.service (Before=)"),
                &format!("low {p}/acme-web.service:8 acme-legacy.service (Conflicts=)"),
                &format!("medium {p}/acme-web.service:9 acme.target (PartOf=)"),
                &format!("medium {p}/acme-web.service:10 acme-alert.service (OnFailure=)"),
                &format!("high {p}/acme-web.service:14 acme-warmup.service (systemctl restart)"),
                &format!("medium {p}/acme-web.service:15 acme-web-admin.socket (Sockets=)"),
                &format!("medium {p}/acme-web.service:18 acme-suite.target (WantedBy=)"),
                &format!("medium {p}/acme-web.service:19 acme-web-helper.service (Also=)"),
                &format!("high {p}/acme-report.timer:3 acme-reporting.service (Unit=) -> acme-report.service"),
                &format!("high {p}/acme-sync.timer:1 acme-sync.service (implicit unit of acme-sync.timer)"),
                &format!("high {p}/acme-api.socket:3 acme-api-server.service (Service=)"),
                &format!("high {p}/acme-spool.path:1 acme-spool.service (implicit unit of acme-spool.path)"),
            ])
        );
    }
}

case! {
    fn every_script_form_is_recognised() {
        let pkg = fixture(
            r#"
//- /opt/acme/bin/upgrade.sh
#!/bin/bash
systemctl stop acme-a acme-b.service
sudo -u root /usr/bin/systemctl --quiet disable acme-c
systemctl mask acme-d.service; systemctl unmask acme-e
if systemctl is-active --quiet acme-f; then echo up; fi
systemctl status acme-g || journalctl -u acme-h --since today
systemctl kill -s HUP acme-i
systemctl try-restart acme-j && systemctl reload acme-k
service acme-l restart
service acme-m stop
invoke-rc.d acme-n start
deb-systemd-invoke restart acme-o.service
deb-systemd-helper enable acme-p.service
deb-systemd-helper purge acme-q.service
update-rc.d acme-r defaults
chkconfig acme-s on
x=$(systemctl show -p MainPID --value acme-t)
bash -c 'systemctl start acme-u'
systemctl start \
    acme-v
systemctl isolate acme-w.target
systemctl set-default acme-x.target
"#,
        );
        let r = scan_bytes(&pkg);
        let p = "opt/acme/bin/upgrade.sh";
        let want = [
            "medium 2 acme-a.service (systemctl stop)",
            "medium 2 acme-b.service (systemctl stop)",
            "medium 3 acme-c.service (systemctl disable)",
            "medium 4 acme-d.service (systemctl mask)",
            "medium 4 acme-e.service (systemctl unmask)",
            "medium 5 acme-f.service (systemctl is-active)",
            "medium 6 acme-g.service (systemctl status)",
            "low 6 acme-h.service (journalctl -u)",
            "medium 7 acme-i.service (systemctl kill)",
            "high 8 acme-j.service (systemctl try-restart)",
            "high 8 acme-k.service (systemctl reload)",
            "high 9 acme-l.service (service restart)",
            "medium 10 acme-m.service (service stop)",
            "high 11 acme-n.service (invoke-rc.d start)",
            "high 12 acme-o.service (deb-systemd-invoke restart)",
            "high 13 acme-p.service (deb-systemd-helper enable)",
            "medium 14 acme-q.service (deb-systemd-helper purge)",
            "high 15 acme-r.service (update-rc.d defaults)",
            "high 16 acme-s.service (chkconfig)",
            "medium 17 acme-t.service (systemctl show)",
            "high 18 acme-u.service (systemctl start)",
            "high 19 acme-v.service (systemctl start)",
            "high 21 acme-w.target (systemctl isolate)",
            "high 22 acme-x.target (systemctl set-default)",
        ];
        let want: Vec<String> = want
            .iter()
            .map(|w| {
                let (sev, rest) = w.split_once(' ').unwrap_or_default();
                let (line, rest) = rest.split_once(' ').unwrap_or_default();
                format!("{sev} {p}:{line} {rest}")
            })
            .collect();
        let mut want = want;
        want.sort();
        assert_eq!(missing(&r), want);
    }
}

case! {
    fn templates_instances_and_aliases() {
        let pkg = fixture(
            r#"
//- /lib/systemd/system/acme-worker@.service
[Unit]
Description=Acme worker %i
BindsTo=acme-queue@%i.service
After=acme-db@%i.service

[Service]
ExecStart=/opt/acme/worker %i

[Install]
WantedBy=multi-user.target
//- /lib/systemd/system/acme-queue@.service
[Service]
ExecStart=/opt/acme/queue %i
//- /lib/systemd/system/acme-api.service
[Service]
ExecStart=/opt/acme/api

[Install]
Alias=acme-rest.service acme-http.service
//- /debian/postinst
#!/bin/sh
systemctl enable --now acme-worker@eu.service acme-worker@us
systemctl restart acme-rest acme-http.service acme-api
systemctl restart acme-wrker@eu.service
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(
            missing(&r),
            [
                "high debian/postinst:4 acme-wrker@eu.service (systemctl restart) -> acme-worker@.service",
                "low lib/systemd/system/acme-worker@.service:4 acme-db@.service (After=)",
            ]
        );
        let missing_instance = units(&r)
            .into_iter()
            .find(|f| f.rule == "unit.missing" && f.path == "debian/postinst")
            .map(info);
        assert_eq!(
            missing_instance.and_then(|u| u.template),
            Some("acme-wrker@.service".to_string())
        );
        let s = shipped(&r);
        let worker = s.iter().find(|u| u.name == "acme-worker@.service");
        assert_eq!(
            worker.map(|u| (u.reference_count, u.referenced_by.clone())),
            Some((2, vec!["debian/postinst:2".to_string()]))
        );
        let api = s.iter().find(|u| u.name == "acme-api.service");
        assert_eq!(
            api.map(|u| (u.aliases.clone(), u.reference_count)),
            Some((
                vec!["acme-rest.service".to_string(), "acme-http.service".to_string()],
                3
            ))
        );
        let queue = s.iter().find(|u| u.name == "acme-queue@.service");
        assert_eq!(queue.map(|u| u.reference_count), Some(1));
        // Aliases are names of the unit, not units of their own.
        assert_eq!(
            shipped_names(&r),
            ["acme-api.service", "acme-queue@.service", "acme-worker@.service"]
        );
    }
}

case! {
    fn system_units_and_generated_units_are_not_reported() {
        let pkg = fixture(
            r#"
//- /etc/systemd/system/acme.service
[Unit]
Requires=network-online.target postgresql@16-main.service
After=network.target nss-lookup.target time-sync.target remote-fs.target dbus.socket
Wants=systemd-networkd-wait-online.service
RequiresMountsFor=/srv/acme
After=srv-acme.mount dev-sdb1.device acme.slice
[Service]
Slice=acme.slice
ExecStart=/opt/acme/run
[Install]
WantedBy=multi-user.target graphical.target
//- /opt/acme/post-install.sh
#!/bin/sh
systemctl restart nginx redis-server.service docker php8.2-fpm
systemctl daemon-reload
systemctl is-system-running
service ssh reload
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(missing(&r), Vec::<String>::new());
        assert_eq!(shipped_names(&r), ["acme.service"]);
    }
}

case! {
    fn variables_globs_and_unknown_specifiers_are_skipped() {
        let pkg = fixture(
            r#"
//- /opt/acme/bin/ctl.sh
#!/bin/sh
SVC=acme-import
systemctl restart "$SVC" ${SVC}.service $SVC-worker
systemctl stop 'acme-*.service' acme-worker@{1..4}.service
for u in acme-a acme-b; do systemctl restart "$u"; done
systemctl restart "$(cat /etc/acme/unit)"
# systemctl restart acme-commented
echo "run: systemctl restart acme-echoed"
//- /lib/systemd/system/acme-host@.service
[Unit]
After=acme-%H.service acme-%u.target
[Service]
ExecStart=/opt/acme/host
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(missing(&r), Vec::<String>::new());
    }
}

case! {
    fn links_drop_ins_and_sysv_scripts() {
        let link = |name: &str, target: &str| RawEntry {
            unix_mode: Some(0o120777),
            ..RawEntry::stored(name, target)
        };
        let zip = RawZip::default()
            .push(RawEntry::stored(
                "lib/systemd/system/acme-import.service",
                "[Service]\nExecStart=/opt/acme/import\n",
            ))
            .push(link(
                "etc/systemd/system/multi-user.target.wants/acme-import.service",
                "/lib/systemd/system/acme-import.service",
            ))
            .push(link(
                "etc/systemd/system/multi-user.target.wants/acme-importer.service",
                "/lib/systemd/system/acme-importer.service",
            ))
            .push(link(
                "etc/systemd/system/acme-legacy.service",
                "/lib/systemd/system/acme-import.service",
            ))
            .push(link("etc/systemd/system/acme-old.service", "/dev/null"))
            .push(RawEntry::stored(
                "etc/systemd/system/acme-importer.service.d/override.conf",
                "[Service]\nEnvironment=X=1\n[Unit]\nAfter=acme-db.service\n",
            ))
            .push(RawEntry::stored("etc/init.d/acme-agent", "#!/bin/sh\n"))
            .push(RawEntry::stored("etc/init.d/README", "text\n"))
            .push(RawEntry::stored(
                "debian/postinst",
                "#!/bin/sh\nservice acme-agent restart\nsystemctl restart acme-legacy\n",
            ))
            .build();
        let r = scan_bytes(&zip);
        assert_eq!(
            missing(&r),
            [
                "low etc/systemd/system/acme-importer.service.d/override.conf:4 acme-db.service (After=)",
                "medium etc/systemd/system/acme-importer.service.d/override.conf:- acme-importer.service (drop-in) -> acme-import.service",
                "medium etc/systemd/system/multi-user.target.wants/acme-importer.service:- acme-importer.service (.wants/ link) -> acme-import.service",
            ]
        );
        let s = shipped(&r);
        assert_eq!(
            s.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            ["acme-agent.service", "acme-import.service"]
        );
        let import = s.iter().find(|u| u.name == "acme-import.service");
        assert_eq!(
            import.map(|u| (u.aliases.clone(), u.reference_count)),
            Some((vec!["acme-legacy.service".to_string()], 3))
        );
        let agent = s.iter().find(|u| u.name == "acme-agent.service");
        assert_eq!(
            agent.map(|u| (u.shipped_at.clone(), u.referenced_by.clone())),
            Some((
                vec!["etc/init.d/acme-agent".to_string()],
                vec!["debian/postinst:2".to_string()]
            ))
        );
    }
}

case! {
    fn units_outside_unit_directories_count_by_content() {
        let pkg = fixture(
            r#"
//- /opt/acme/systemd/acme-web.service
[Unit]
Description=Web
[Service]
ExecStart=/opt/acme/web
//- /opt/acme/templates/not-a-unit.service
just a placeholder
//- /debian/acme.acme-worker.service
[Service]
ExecStart=/opt/acme/worker
//- /debian/acme.postinst
#!/bin/sh
systemctl enable acme-web acme-worker
systemctl restart not-a-unit
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(
            missing(&r),
            ["high debian/acme.postinst:3 not-a-unit.service (systemctl restart)"]
        );
        assert_eq!(
            shipped_names(&r),
            ["acme-web.service", "acme-worker.service", "acme.acme-worker.service"]
        );
    }
}

case! {
    fn scripts_that_put_unit_files_in_place() {
        let pkg = fixture(
            r#"
//- /install.sh
#!/bin/sh
install -m 0644 files/acme-a.service /lib/systemd/system/
cp files/acme-b.service /etc/systemd/system/acme-b.service
cat > /etc/systemd/system/acme-c.service <<'EOF'
[Unit]
Requires=acme-inside-heredoc.service
EOF
systemctl link /opt/acme/acme-d.service
ln -s /lib/systemd/system/acme-a.service /etc/systemd/system/acme-e.service
systemctl enable acme-a acme-b acme-c acme-d acme-e
systemctl restart billing
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(
            missing(&r),
            ["high install.sh:11 billing.service (systemctl restart)"]
        );
        let s = shipped(&r);
        assert_eq!(
            s.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            ["acme-a.service", "acme-b.service", "acme-c.service", "acme-d.service"]
        );
        let a = s.iter().find(|u| u.name == "acme-a.service");
        assert_eq!(
            a.map(|u| (u.shipped_at.clone(), u.aliases.clone())),
            Some((
                vec!["install.sh:2".to_string()],
                vec!["acme-e.service".to_string()]
            ))
        );
    }
}

case! {
    fn ansible_tasks_and_documentation() {
        let pkg = fixture(
            r#"
//- /deploy/roles/acme/tasks/main.yml
- name: restart importer
  ansible.builtin.systemd:
    name: acme-importer
    state: restarted
    daemon_reload: true
- name: stop the old one
  service: name=acme-old state=stopped
- name: all workers
  systemd:
    name: "{{ item }}"
    state: started
  loop: [a, b]
- name: raw
  shell: "systemctl reload acme-raw"
//- /lib/systemd/system/acme-import.service
[Service]
ExecStart=/opt/acme/import
//- /usr/share/doc/acme/UPGRADE.md
After the upgrade run `systemctl restart acme-importer` once.
"#,
        );
        let r = scan_bytes(&pkg);
        assert_eq!(
            missing(&r),
            [
                "high deploy/roles/acme/tasks/main.yml:14 acme-raw.service (systemctl reload)",
                "high deploy/roles/acme/tasks/main.yml:3 acme-importer.service (ansible systemd state=restarted) -> acme-import.service",
                "low usr/share/doc/acme/UPGRADE.md:1 acme-importer.service (systemctl restart) -> acme-import.service",
                "medium deploy/roles/acme/tasks/main.yml:7 acme-old.service (ansible service state=stopped)",
            ]
        );
    }
}

case! {
    fn ids_do_not_depend_on_lines() {
        let a = scan_bytes(&fixture(
            "//- /postinst\n#!/bin/sh\nsystemctl restart acme-x\n",
        ));
        let b = scan_bytes(&fixture(
            "//- /postinst\n#!/bin/sh\n\n# moved\nsystemctl restart acme-x\n",
        ));
        let ids = |r: &Report| -> Vec<String> { units(r).iter().map(|f| f.id.clone()).collect() };
        assert_eq!(ids(&a).len(), 1);
        assert_eq!(ids(&a), ids(&b));
    }
}

case! {
    fn hostile_input_is_bounded_and_harmless() {
        let mut script = String::from("#!/bin/sh\n");
        for i in 0..20_000 {
            script.push_str(&format!("systemctl restart acme-{i}\n"));
        }
        script.push_str("systemctl restart \"unterminated $(\n\\\n");
        script.push_str("systemctl restart é\u{202e}x ' \" ` $( ) <<\n");
        let mut long = "systemctl start ".to_string();
        long.push_str(&"a".repeat(100_000));
        let pkg = fixture(&format!(
            "//- /x.sh\n{script}//- /lib/systemd/system/y.service\n[Unit]\nRequires={long}.service %\n[Install]\nAlias=%\n//- /z.sh\n{long}\n"
        ));
        let r = scan_bytes(&pkg);
        let n = units(&r).len();
        assert!(n > 1_000 && n <= 2_100, "{n}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn unit_objects_match_the_schema() {
    let schema: Result<serde_json::Value, _> =
        serde_json::from_str(include_str!("../../schema/preflight-report-1.schema.json"));
    assert!(schema.is_ok(), "{schema:?}");
    let Ok(schema) = schema else { return };
    let validator = jsonschema::options().build(&schema);
    assert!(validator.is_ok(), "the schema does not compile");
    let Ok(validator) = validator else { return };
    let r = scan_bytes(&fixture(RENAMED));
    assert!(units(&r).len() >= 4);
    let doc: Result<serde_json::Value, _> = serde_json::from_str(&r.to_json());
    let Ok(doc) = doc else {
        assert!(doc.is_ok(), "the report is not JSON");
        return;
    };
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A unit object with every optional field, checked on its own.
    let full = serde_json::json!({
        "name": "acme-worker@eu.service", "shipped": false, "kind": "service",
        "template": "acme-worker@.service", "referenced_by": ["debian/postinst:3"],
        "reference_count": 1, "directive": "systemctl restart", "suggestion": "acme-work@.service"
    });
    let unit_schema = serde_json::json!({
        "$ref": "#/$defs/unit", "$defs": schema.get("$defs").cloned().unwrap_or_default()
    });
    let unit_validator = jsonschema::options().build(&unit_schema);
    assert!(unit_validator.is_ok(), "the unit schema does not compile");
    let Ok(unit_validator) = unit_validator else {
        return;
    };
    assert!(unit_validator.is_valid(&full));
    let mut bad = full.clone();
    bad["kind"] = serde_json::json!("daemon");
    assert!(!unit_validator.is_valid(&bad));
    let parsed: Result<UnitInfo, _> = serde_json::from_value(full);
    assert!(parsed.is_ok(), "{parsed:?}");
}
