//! The inventory through the whole scanner: each manifest kind, file names, the package's own
//! identity, and the upgrade checks against the profile (path found, no path, downgrade,
//! same version, not in the package, installed version unknown, target mismatch).

use crate::common::*;
use scanner_core::report::InventoryInfo;
use scanner_core::{scan, Category, Finding, NoSink, Profile, Report, ScanInput};
use std::io::Cursor;

fn profile(toml: &str) -> Profile {
    let p = Profile::from_toml(toml);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

/// Scan `bytes` as the package file `name` with the profile `toml`.
fn scan_as(bytes: &[u8], name: &str, toml: &str) -> Report {
    let p = profile(toml);
    let input = ScanInput {
        name,
        profile: &p,
        now: NOW.parse().unwrap_or_default(),
    };
    let r = scan(Cursor::new(bytes), &input, &mut NoSink);
    assert!(r.is_ok(), "{r:?}");
    let Ok(r) = r else {
        return scan_bytes(b"");
    };
    r
}

/// The inventory findings as `severity rule path: title` lines.
fn inv(r: &Report) -> Vec<String> {
    lines(r)
        .into_iter()
        .filter(|l| l.contains(" inventory."))
        .collect()
}

fn has(r: &Report, line: &str) {
    let got = inv(r);
    assert!(
        got.iter().any(|l| l == line),
        "missing: {line}\ngot:\n{}",
        got.join("\n")
    );
}

fn hasnt(r: &Report, part: &str) {
    let got = inv(r);
    assert!(
        !got.iter().any(|l| l.contains(part)),
        "unexpected: {part}\ngot:\n{}",
        got.join("\n")
    );
}

/// The first inventory finding of `rule` whose title contains `part`.
fn find<'r>(r: &'r Report, rule: &str, part: &str) -> Option<&'r Finding> {
    r.findings
        .iter()
        .find(|f| f.category == Category::Inventory && f.rule == rule && f.title.contains(part))
}

fn info(r: &Report, rule: &str, part: &str) -> InventoryInfo {
    let i = find(r, rule, part).and_then(|f| f.inventory.clone());
    assert!(
        i.is_some(),
        "no {rule} with '{part}':\n{}",
        inv(r).join("\n")
    );
    i.unwrap_or_else(|| InventoryInfo::new("", "", "", ""))
}

const SUITE: &str = r#"
//- /package.json
{ "name": "acme-suite", "version": "3.0.0", "private": true }
//- /web/package.json
{ "name": "acme-web", "version": "3.0.0" }
//- /README.md
Acme suite.
"#;

const PATHS: &str = r#"
[[upgrade_paths]]
component = "acme-suite"
from = "2.2"
to = "3.0"
"#;

case! {
    fn package_json_at_the_root_is_the_package() {
        let r = scan_as(&fixture(SUITE), "package.zip", "");
        assert_eq!(
            inv(&r),
            [
                "info inventory.component package.json: Package acme-suite 3.0.0 (from package.json)",
                "info inventory.component web/package.json: Component acme-web 3.0.0 (from package.json)",
            ]
        );
        let i = info(&r, "inventory.component", "acme-suite");
        assert_eq!((i.source.as_str(), i.role.as_str()), ("package-json", "package"));
        assert_eq!(i.installed, None);
    }
}

case! {
    fn pom_with_parent_and_nested_jars() {
        let core = zip_of(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Title: acme-core\r\nImplementation-Version: 3.0.0\r\n".as_slice(),
        )]);
        let osgi = zip_of(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nBundle-SymbolicName: com.acme.osgi;singleton:=true\nBundle-Version: 1.4.2\n".as_slice(),
        )]);
        let plain = zip_of(&[("a/B.class", b"\xca\xfe\xba\xbe".as_slice())]);
        let pom = b"<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <parent>\n    <groupId>com.acme</groupId>\n    <artifactId>acme-parent</artifactId>\n    <version>3.0.0</version>\n  </parent>\n  <artifactId>acme-api</artifactId>\n</project>\n";
        let pkg = zip_of(&[
            ("acme-api/pom.xml", pom.as_slice()),
            ("lib/acme-core-3.0.0.jar", core.as_slice()),
            ("lib/osgi.jar", osgi.as_slice()),
            ("lib/commons-io-2.11.0.jar", plain.as_slice()),
        ]);
        let r = scan_as(&pkg, "package.zip", "");
        has(&r, "info inventory.component acme-api/pom.xml: Component com.acme:acme-api 3.0.0 (from pom.xml)");
        has(&r, "info inventory.component lib/acme-core-3.0.0.jar!/META-INF/MANIFEST.MF: Component acme-core 3.0.0 (from MANIFEST.MF)");
        has(&r, "info inventory.component lib/osgi.jar!/META-INF/MANIFEST.MF: Component com.acme.osgi 1.4.2 (from MANIFEST.MF)");
        has(&r, "info inventory.component lib/commons-io-2.11.0.jar: Component commons-io 2.11.0 (from commons-io-2.11.0.jar)");
        // The jar's file name says what its manifest says: one row.
        hasnt(&r, "lib/acme-core-3.0.0.jar: Component");
        let pom_row = find(&r, "inventory.component", "acme-api");
        assert!(pom_row.is_some_and(|f| f.evidence.contains("version of the parent")));
    }
}

case! {
    fn charts_dpkg_version_files_and_package_names() {
        let pkg = fixture(r#"
//- /charts/acme/Chart.yaml
apiVersion: v2
name: acme
version: 3.0.0
appVersion: "2.4.1"
//- /agent/DEBIAN/control
Package: acme-agent
Version: 1:2.4.1-1
Architecture: amd64
//- /tools/acme-cli/VERSION
2.4.1
//- /pool/acme-agent_2.4.1-1_amd64.deb
not really a deb
//- /rpms/acme-agent-3.0.0-1.el8.x86_64.rpm
not really an rpm
"#);
        let r = scan_as(&pkg, "package.zip", "");
        has(&r, "info inventory.component charts/acme/Chart.yaml: Component acme 3.0.0 (from Chart.yaml)");
        has(&r, "info inventory.component agent/DEBIAN/control: Component acme-agent 1:2.4.1-1 (from control)");
        has(&r, "info inventory.component tools/acme-cli/VERSION: Component acme-cli 2.4.1 (from VERSION)");
        has(&r, "info inventory.component pool/acme-agent_2.4.1-1_amd64.deb: Component acme-agent 2.4.1-1 (from acme-agent_2.4.1-1_amd64.deb)");
        has(&r, "info inventory.component rpms/acme-agent-3.0.0-1.el8.x86_64.rpm: Component acme-agent 3.0.0 (from acme-agent-3.0.0-1.el8.x86_64.rpm)");
        let chart = info(&r, "inventory.component", "Component acme 3.0.0");
        assert_eq!(chart.app_version.as_deref(), Some("2.4.1"));
        assert_eq!(chart.source, "chart");
        let control = find(&r, "inventory.component", "acme-agent 1:2.4.1-1");
        assert_eq!(control.and_then(|f| f.line), Some(2));
    }
}

case! {
    fn lock_files_are_one_summary_each() {
        let mut cargo = String::from("version = 3\n");
        for i in 0..2_100 {
            cargo.push_str(&format!("\n[[package]]\nname = \"crate{i}\"\nversion = \"1.0.{i}\"\n"));
        }
        let files = format!(
            "//- /Cargo.lock\n{cargo}\n{}",
            r#"
//- /ui/package-lock.json
{"name":"acme-ui","lockfileVersion":3,"packages":{"":{"name":"acme-ui","version":"3.0.0"},"node_modules/lodash":{"version":"4.17.21"},"node_modules/@acme/icons":{"version":"1.2.0"}}}
//- /py/requirements-prod.txt
requests==2.31.0
urllib3[socks]==2.0.7 ; python_version > "3"
flask>=2
//- /svc/go.mod
module example.com/acme/svc

require (
	github.com/google/uuid v1.6.0
	golang.org/x/net v0.20.0 // indirect
)
//- /ui/node_modules/lodash/package.json
{ "name": "lodash", "version": "4.17.21" }
//- /ui/node_modules/@acme/icons/package.json
{ "name": "@acme/icons", "version": "1.2.0" }
//- /ui/node_modules/lodash/fp/package.json
{ "name": "lodash-fp", "version": "0.0.1" }
"#
        );
        let r = scan_as(&fixture(&files), "package.zip", "");
        has(&r, "info inventory.dependencies Cargo.lock: Cargo.lock pins 2100 dependencies");
        has(&r, "info inventory.dependencies ui/package-lock.json: package-lock.json pins 2 dependencies");
        has(&r, "info inventory.dependencies py/requirements-prod.txt: requirements-prod.txt pins 2 dependencies");
        has(&r, "info inventory.dependencies svc/go.mod: go.mod pins 2 dependencies");
        has(&r, "info inventory.dependencies ui/node_modules: node_modules bundles 2 dependencies");
        hasnt(&r, "inventory.component");
        let cargo = info(&r, "inventory.dependencies", "Cargo.lock");
        assert_eq!(cargo.dependencies.len(), 2_000);
        assert_eq!(cargo.dependency_count, Some(2_100));
        assert_eq!(cargo.role, "dependency");
        let lock = info(&r, "inventory.dependencies", "package-lock.json");
        assert_eq!(lock.component, "acme-ui");
        assert_eq!(lock.dependencies, ["@acme/icons 1.2.0", "lodash 4.17.21"]);
        assert_eq!(info(&r, "inventory.dependencies", "go.mod").component, "example.com/acme/svc");
    }
}

case! {
    fn the_package_file_name_names_the_package() {
        let pkg = fixture("//- /README.md\nAcme.\n");
        let r = scan_as(&pkg, "acme-suite-3.0.0-upgrade.zip", "");
        assert_eq!(
            inv(&r),
            ["info inventory.component : Package acme-suite 3.0.0 (from the package file name)"]
        );
        let i = info(&r, "inventory.component", "acme-suite");
        assert_eq!((i.source.as_str(), i.role.as_str()), ("file-name", "package"));
        // No version in the name: no identity.
        assert!(inv(&scan_as(&pkg, "package.zip", "")).is_empty());
    }
}

case! {
    fn a_manifest_named_like_the_file_is_the_package() {
        let pkg = fixture(r#"
//- /acme-web/package.json
{ "name": "acme-web", "version": "3.0.0" }
//- /acme-suite/package.json
{ "name": "acme-suite", "version": "3.0.1" }
"#);
        let r = scan_as(&pkg, "acme-suite-3.0.0.zip", "");
        has(&r, "info inventory.component acme-suite/package.json: Package acme-suite 3.0.1 (from package.json)");
        has(&r, "info inventory.component acme-web/package.json: Component acme-web 3.0.0 (from package.json)");
        has(&r, "low inventory.version-mismatch acme-suite/package.json: The package file name says acme-suite 3.0.0, package.json says 3.0.1");
        // One top folder: the manifest in it is the package.
        let single = fixture("//- /acme-suite-3.0.0/Chart.yaml\nname: acme\nversion: 3.0.0\n");
        has(&scan_as(&single, "bundle.zip", ""), "info inventory.component acme-suite-3.0.0/Chart.yaml: Package acme 3.0.0 (from Chart.yaml)");
    }
}

case! {
    fn a_supported_path_is_listed_with_its_hops() {
        let toml = format!("[installed]\nacme-suite = \"2.2.4\"\n{PATHS}");
        let r = scan_as(&fixture(SUITE), "package.zip", &toml);
        has(&r, "info inventory.upgrade-path package.json: acme-suite 2.2.4 to 3.0.0: supported, 2.2.4 → 3.0");
        let i = info(&r, "inventory.upgrade-path", "acme-suite");
        assert_eq!(i.supported, Some(true));
        assert_eq!(i.path, ["2.2 → 3.0"]);
        assert_eq!(i.installed.as_deref(), Some("2.2.4"));
        // The table row carries it too.
        let row = info(&r, "inventory.component", "acme-suite");
        assert_eq!((row.installed.as_deref(), row.supported), (Some("2.2.4"), Some(true)));
    }
}

case! {
    fn several_hops_take_the_shortest_path() {
        let toml = r#"
[installed]
ACME-Suite = "1.9.2"
[[upgrade_paths]]
component = "acme-suite"
from = "1.9"
to = "2.0"
[[upgrade_paths]]
component = "acme-suite"
from = "2.0"
to = "2.2"
[[upgrade_paths]]
component = "acme-suite"
from = "2.2"
to = "3.0"
"#;
        let r = scan_as(&fixture(SUITE), "package.zip", toml);
        has(&r, "info inventory.upgrade-path package.json: acme-suite 1.9.2 to 3.0.0: supported, 1.9.2 → 2.0 → 2.2 → 3.0");
    }
}

case! {
    fn no_path_says_which_version_to_reach_first() {
        let toml = format!("[installed]\nacme-suite = \"2.1.4\"\n{PATHS}");
        let r = scan_as(&fixture(SUITE), "package.zip", &toml);
        has(&r, "high inventory.no-upgrade-path package.json: acme-suite 2.1.4 to 3.0.0: no supported path; go to 2.2.x first, then 3.0.0");
        let i = info(&r, "inventory.no-upgrade-path", "acme-suite");
        assert_eq!(i.supported, Some(false));
        assert_eq!(i.missing, ["2.1.4 → 2.2.x"]);
        assert_eq!(i.path, ["2.2 → 3.0"]);
    }
}

case! {
    fn no_hop_leads_to_the_package_version() {
        let toml = "[installed]\nacme-suite = \"2.1.4\"\n[[upgrade_paths]]\ncomponent = \"acme-suite\"\nfrom = \"2.1\"\nto = \"2.5\"\n";
        let r = scan_as(&fixture(SUITE), "package.zip", toml);
        has(&r, "high inventory.no-upgrade-path package.json: acme-suite 2.1.4 to 3.0.0: no supported path; no hop in the profile leads to 3.0.0");
    }
}

case! {
    fn downgrade_same_version_and_unchecked() {
        let r = scan_as(&fixture(SUITE), "package.zip", &format!("[installed]\nacme-suite = \"3.1.0\"\n{PATHS}"));
        has(&r, "high inventory.downgrade package.json: acme-suite installed 3.1.0 is newer than the package's 3.0.0: the upgrade is a downgrade");
        let r = scan_as(&fixture(SUITE), "package.zip", &format!("[installed]\nacme-suite = \"3.0.0\"\n{PATHS}"));
        has(&r, "info inventory.same-version package.json: acme-suite 3.0.0 is already installed");
        let r = scan_as(&fixture(SUITE), "package.zip", "[installed]\nacme-web = \"2.9.0\"\n");
        has(&r, "info inventory.upgrade-unchecked web/package.json: acme-web 2.9.0 to 3.0.0: not checked, the profile lists no upgrade paths for acme-web");
    }
}

case! {
    fn installed_components_missing_from_the_package() {
        let r = scan_as(&fixture(SUITE), "package.zip", "[installed]\nacme-db = \"1.4\"\n");
        has(&r, "low inventory.not-in-package : acme-db installed 1.4 is not in the package: check it is not removed by the upgrade");
        let i = info(&r, "inventory.not-in-package", "acme-db");
        assert_eq!((i.version.as_str(), i.source.as_str()), ("", "profile"));
    }
}

case! {
    fn paths_without_an_installed_version_ask_for_it() {
        let r = scan_as(&fixture(SUITE), "package.zip", PATHS);
        has(&r, "info inventory.installed-unknown package.json: acme-suite 3.0.0: the profile lists upgrade paths but no installed version; set installed.acme-suite to check the path");
    }
}

case! {
    fn a_package_that_is_not_the_target() {
        let toml = "[target_versions]\nacme-suite = \"3.1.0\"\nacme-web = \"3.0\"\nkubernetes = \"1.30.0\"\n";
        let r = scan_as(&fixture(SUITE), "package.zip", toml);
        has(&r, "medium inventory.target-mismatch package.json: acme-suite: the package carries 3.0.0, the profile targets 3.1.0");
        // 3.0 is the line of 3.0.0; kubernetes is not in the package: nothing to say.
        hasnt(&r, "acme-web: the package");
        hasnt(&r, "kubernetes");
        assert_eq!(info(&r, "inventory.component", "acme-web").target.as_deref(), Some("3.0"));
    }
}

case! {
    fn dependencies_the_profile_names_get_a_row() {
        let pkg = fixture(r#"
//- /package-lock.json
{"lockfileVersion":3,"packages":{"node_modules/lodash":{"version":"4.17.21"},"node_modules/log4js":{"version":"6.9.1"}}}
//- /lib/pom.xml
<project><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.17.1</version></project>
"#);
        let toml = "[installed]\nlodash = \"4.17.20\"\nlog4j-core = \"2.14.1\"\n[[upgrade_paths]]\ncomponent = \"log4j-core\"\nfrom = \"2.14\"\nto = \"2.17\"\n";
        let r = scan_as(&pkg, "package.zip", toml);
        has(&r, "info inventory.component package-lock.json: Dependency lodash 4.17.21 (from package-lock.json)");
        has(&r, "info inventory.upgrade-unchecked package-lock.json: lodash 4.17.20 to 4.17.21: not checked, the profile lists no upgrade paths for lodash");
        has(&r, "info inventory.upgrade-path lib/pom.xml: org.apache.logging.log4j:log4j-core 2.14.1 to 2.17.1: supported, 2.14.1 → 2.17");
        hasnt(&r, "log4js");
    }
}

case! {
    fn hostile_manifests_do_not_hurt() {
        let deep = format!("<project>{}</project>", "<a>".repeat(5_000));
        let pkg = zip_of(&[
            ("pom.xml", deep.as_bytes()),
            ("package.json", b"{\"name\": \"x\", \"version\": [1,2]}".as_slice()),
            ("manifest.json", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[".as_slice()),
            ("VERSION", "\u{202e}1.0".as_bytes()),
            ("META-INF/MANIFEST.MF", b"Implementation-Version: 99999999999999999999999\n".as_slice()),
            ("Chart.yaml", b"name: [\nversion: :\n".as_slice()),
            ("a/control", b"Package:\nVersion:\n".as_slice()),
            ("x_.deb", b"".as_slice()),
            ("-1.0.jar", b"".as_slice()),
            ("requirements.txt", b"==1.0\n a b==2\n".as_slice()),
        ]);
        let r = scan_as(&pkg, "\u{0}-1.0.zip", "[installed]\nx = \"1\"\n");
        assert!(inv(&r).iter().all(|l| !l.contains("inventory.component")), "{:?}", inv(&r));
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn inventory_findings_match_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/preflight-report-1.schema.json"))
            .unwrap_or_default();
    let validator = jsonschema::options().build(&schema);
    assert!(validator.is_ok(), "the schema compiles");
    let Ok(validator) = validator else { return };
    let pkg = fixture(&format!(
        "{SUITE}\n//- /Cargo.lock\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n//- /c/Chart.yaml\nname: c\nversion: 1.0.0\nappVersion: 2.0.0\n"
    ));
    let toml = format!(
        "[installed]\nacme-suite = \"2.1.4\"\nacme-db = \"1.4\"\n[target_versions]\nacme-suite = \"3.1.0\"\n{PATHS}"
    );
    let r = scan_as(&pkg, "acme-suite-3.0.0.zip", &toml);
    let doc: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let kinds: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.category == Category::Inventory)
        .map(|f| f.rule.as_str())
        .collect();
    for rule in [
        "inventory.component",
        "inventory.dependencies",
        "inventory.no-upgrade-path",
        "inventory.not-in-package",
        "inventory.target-mismatch",
    ] {
        assert!(kinds.contains(&rule), "{rule} in {kinds:?}");
    }
}
