//! The `config` detector through the whole scanner: every format's keys (with their lines)
//! against the profile's deprecation matrix, Kubernetes API versions against the target
//! release, caps and hostile input.

use crate::common::*;
use scanner_core::report::ConfigInfo;
use scanner_core::{Finding, Profile, Report, Severity};

const MATRIX: &str = r#"
[[deprecations]]
component = "acme-suite"
key = "cache.redis.*"
deprecated_in = "5.0"
removed_in = "5.2.0"
replacement = "cache.valkey.*"

[[deprecations]]
component = "acme-suite"
key = "server.legacy-mode"
deprecated_in = "5.1"
removed_in = "6.0"
replacement = "server.compat.mode"

[[deprecations]]
component = "acme-suite"
key = "future.key"
deprecated_in = "5.3"
removed_in = "6.0"

[[deprecations]]
component = "billing"
key = "billing.smtp.host"
removed_in = "3.0"
replacement = "billing.mail.host"

[[deprecations]]
component = "acme-suite"
key = "servers.*.weight"
deprecated_in = "4.0"
replacement = "servers.*.priority"
"#;

fn profile(toml: &str) -> Profile {
    let p = Profile::from_toml(toml);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

/// The matrix with `acme-suite` at 5.2.0 and Kubernetes at 1.30.0.
fn targeted() -> Profile {
    profile(&format!(
        "[target_versions]\nacme-suite = \"5.2.0\"\nkubernetes = \"1.30.0\"\n{MATRIX}"
    ))
}

fn is_mine(f: &Finding) -> bool {
    [
        "config.removed-key",
        "config.deprecated-key",
        "config.k8s-removed-api",
        "config.k8s-deprecated-api",
        "config.deprecations-capped",
    ]
    .contains(&f.rule.as_str())
}

/// The config findings at `path`, in line order.
fn at<'r>(r: &'r Report, path: &str) -> Vec<&'r Finding> {
    let mut v: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| is_mine(f) && f.path == path)
        .collect();
    v.sort_by_key(|f| (f.line, f.title.clone()));
    v
}

fn info(f: &Finding) -> ConfigInfo {
    f.config.clone().unwrap_or_default()
}

/// (line, rule, severity, key) of each finding.
fn rows(fs: &[&Finding]) -> Vec<(Option<u32>, String, Severity, String)> {
    fs.iter()
        .map(|f| (f.line, f.rule.clone(), f.severity, info(f).key))
        .collect()
}

fn row(line: u32, rule: &str, sev: Severity, key: &str) -> (Option<u32>, String, Severity, String) {
    (Some(line), rule.to_string(), sev, key.to_string())
}

fn scan_one(path: &str, body: &str, p: &Profile) -> Report {
    scan_with(&zip_of(&[(path, body.as_bytes())]), p)
}

case! {
    fn properties_removed_deprecated_unknown_target_and_above_target() {
        let r = scan_one(
            "opt/acme/conf/application.properties",
            "# cache\ncache.redis.host=cache01.example.net\ncache.redis.password=S3cret\nserver.legacy-mode=true\nfuture.key=1\nbilling.smtp.host=mail\nunrelated=1\n",
            &targeted(),
        );
        let fs = at(&r, "opt/acme/conf/application.properties");
        assert_eq!(
            rows(&fs),
            [
                row(2, "config.removed-key", Severity::High, "cache.redis.host"),
                row(3, "config.removed-key", Severity::High, "cache.redis.password"),
                row(4, "config.deprecated-key", Severity::Medium, "server.legacy-mode"),
                row(6, "config.removed-key", Severity::Low, "billing.smtp.host"),
            ]
        );
        assert_eq!(
            fs[0].title,
            "cache.redis.host: removed in acme-suite 5.2.0; the target is 5.2.0; use cache.valkey.host instead"
        );
        assert_eq!(
            fs[2].title,
            "server.legacy-mode: deprecated in acme-suite 5.1 and removed in 6.0; the target is 5.2.0; use server.compat.mode instead"
        );
        assert_eq!(
            fs[3].title,
            "billing.smtp.host: removed in billing 3.0; the target is unknown (set target_versions.billing); use billing.mail.host instead"
        );
        let i = info(fs[0]);
        assert_eq!(
            i,
            ConfigInfo {
                key: "cache.redis.host".into(),
                format: "properties".into(),
                component: "acme-suite".into(),
                matched: "cache.redis.*".into(),
                deprecated_in: Some("5.0".into()),
                removed_in: Some("5.2.0".into()),
                replacement: Some("cache.valkey.host".into()),
                target: Some("5.2.0".into()),
                status: "removed".into(),
                api_version: None,
                kind: None,
            }
        );
        assert_eq!(info(fs[3]).target, None);
        assert_eq!(info(fs[3]).status, "removed");
        // Values never reach these findings; the JSON keeps `target` null and leaves out the
        // Kubernetes fields.
        let json: Vec<serde_json::Value> = fs
            .iter()
            .filter_map(|f| serde_json::to_value(f).ok())
            .collect();
        assert_eq!(json.len(), 4);
        for j in &json {
            assert!(!j.to_string().contains("S3cret"), "{j}");
            assert!(j.pointer("/config/api_version").is_none(), "{j}");
        }
        assert_eq!(json[3].pointer("/config/target"), Some(&serde_json::Value::Null));
    }
}

case! {
    fn properties_continuations_escapes_and_colons() {
        let r = scan_one(
            "app/config.properties",
            "a=1\nlong.value = one, \\\n    two\ncache.redis.port : 6379\ncache\\.redis.timeout=5\n! comment cache.redis.x=1\n",
            &targeted(),
        );
        let fs = at(&r, "app/config.properties");
        assert_eq!(
            rows(&fs),
            [
                row(4, "config.removed-key", Severity::High, "cache.redis.port"),
                row(5, "config.removed-key", Severity::High, "cache.redis.timeout"),
            ]
        );
    }
}

case! {
    fn yaml_nested_sequences_documents_and_sections() {
        let r = scan_one(
            "opt/acme/conf/application.yml",
            "server:\n  legacy-mode: true\ncache:\n  redis:\n    host: a\n    pool:\n      size: 4\n      max: 8\nservers:\n  - name: a\n    weight: 2\n  - name: b\n    weight: 3\n---\ncache:\n  redis:\n    host: again\n    port: 1\n",
            &targeted(),
        );
        let fs = at(&r, "opt/acme/conf/application.yml");
        assert_eq!(
            rows(&fs),
            [
                row(2, "config.deprecated-key", Severity::Medium, "server.legacy-mode"),
                row(5, "config.removed-key", Severity::High, "cache.redis.host"),
                row(6, "config.removed-key", Severity::High, "cache.redis.pool"),
                row(11, "config.deprecated-key", Severity::Medium, "servers[0].weight"),
                row(13, "config.deprecated-key", Severity::Medium, "servers[1].weight"),
                row(18, "config.removed-key", Severity::High, "cache.redis.port"),
            ]
        );
        assert_eq!(info(fs[2]).replacement.as_deref(), Some("cache.valkey.pool"));
        assert_eq!(info(fs[3]).replacement.as_deref(), Some("servers.0.priority"));
        assert_eq!(info(fs[3]).format, "yaml");
        // servers.*.weight has no removal: deprecated.
        assert_eq!(info(fs[3]).status, "deprecated");
        assert_eq!(info(fs[3]).removed_in, None);
    }
}

case! {
    fn json_toml_ini_env_and_xml_keys_with_lines() {
        let package = fixture(
            r#"
//- /opt/acme/conf/appsettings.json
{
  "server": { "legacy-mode": true },
  "cache": {
    "redis": { "host": "a" }
  }
}
//- /opt/acme/conf/acme.toml
title = "acme"
[cache.redis]
host = "a"
[[servers]]
weight = 1
//- /opt/acme/conf/acme.ini
[server]
legacy-mode = on
[cache]
redis.host = a
//- /opt/acme/conf/acme.cfg
; billing
[billing]
smtp.host = mail
//- /opt/acme/.env
# env
export CACHE_REDIS_HOST=cache01
SERVER_LEGACYMODE=1
//- /opt/acme/conf/context.xml
<?xml version="1.0"?>
<cache>
  <redis host="a"/>
</cache>
//- /opt/acme/conf/settings.xml
<properties>
  <entry key="server.legacy-mode">true</entry>
</properties>
"#,
        );
        let r = scan_with(&package, &targeted());
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/appsettings.json")),
            [
                row(2, "config.deprecated-key", Severity::Medium, "server.legacy-mode"),
                row(4, "config.removed-key", Severity::High, "cache.redis.host"),
            ]
        );
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/acme.toml")),
            [
                row(3, "config.removed-key", Severity::High, "cache.redis.host"),
                row(5, "config.deprecated-key", Severity::Medium, "servers[0].weight"),
            ]
        );
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/acme.ini")),
            [
                row(2, "config.deprecated-key", Severity::Medium, "server.legacy-mode"),
                row(4, "config.removed-key", Severity::High, "cache.redis.host"),
            ]
        );
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/acme.cfg")),
            [row(3, "config.removed-key", Severity::Low, "billing.smtp.host")]
        );
        let env = at(&r, "opt/acme/.env");
        assert_eq!(
            rows(&env),
            [
                row(2, "config.removed-key", Severity::High, "CACHE_REDIS_HOST"),
                row(3, "config.deprecated-key", Severity::Medium, "SERVER_LEGACYMODE"),
            ]
        );
        // An environment variable's replacement is spelled as one.
        assert_eq!(info(env[0]).replacement.as_deref(), Some("CACHE_VALKEY_HOST"));
        assert_eq!(info(env[1]).replacement.as_deref(), Some("SERVER_COMPAT_MODE"));
        assert_eq!(info(env[0]).format, "env");
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/context.xml")),
            [row(3, "config.removed-key", Severity::High, "cache.redis.@host")]
        );
        assert_eq!(
            rows(&at(&r, "opt/acme/conf/settings.xml")),
            [row(2, "config.deprecated-key", Severity::Medium, "server.legacy-mode")]
        );
    }
}

case! {
    fn relaxed_binding_and_environment_forms() {
        let package = fixture(
            r#"
//- /app/application.yaml
server:
  legacyMode: true
cache:
  Redis:
    max_idle: 3
//- /deploy/docker-compose.yml
services:
  app:
    environment:
      CACHE_REDIS_HOST: cache01
      OTHER_THING: x
//- /deploy/k8s/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: SERVER_LEGACYMODE
              value: "true"
            - name: PLAIN
              value: x
"#,
        );
        let r = scan_with(&package, &targeted());
        let app = at(&r, "app/application.yaml");
        assert_eq!(
            rows(&app),
            [
                row(2, "config.deprecated-key", Severity::Medium, "server.legacyMode"),
                row(5, "config.removed-key", Severity::High, "cache.Redis.max_idle"),
            ]
        );
        assert_eq!(info(app[1]).replacement.as_deref(), Some("cache.valkey.maxidle"));
        let compose = at(&r, "deploy/docker-compose.yml");
        assert_eq!(
            rows(&compose),
            [row(4, "config.removed-key", Severity::High, "services.app.environment.CACHE_REDIS_HOST")]
        );
        assert_eq!(info(compose[0]).replacement.as_deref(), Some("CACHE_VALKEY_HOST"));
        let deploy = at(&r, "deploy/k8s/deployment.yaml");
        assert_eq!(
            rows(&deploy),
            [row(11, "config.deprecated-key", Severity::Medium, "SERVER_LEGACYMODE")]
        );
        assert!(deploy[0].evidence.contains("env[0].name"), "{}", deploy[0].evidence);
    }
}

case! {
    fn versions_above_the_target_are_not_reported() {
        let p = profile(&format!("[target_versions]\nacme-suite = \"4.9\"\n{MATRIX}"));
        let r = scan_one(
            "conf/app.properties",
            "cache.redis.host=a\nserver.legacy-mode=1\nfuture.key=2\nservers[0].weight=1\n",
            &p,
        );
        // Only servers.*.weight (deprecated in 4.0) is due by 4.9; the bracket form matches
        // the dotted glob.
        assert_eq!(
            rows(&at(&r, "conf/app.properties")),
            [row(4, "config.deprecated-key", Severity::Medium, "servers[0].weight")]
        );
        let p = profile(&format!("[target_versions]\nacme-suite = \"5.1.5\"\n{MATRIX}"));
        let r = scan_one("conf/app.properties", "cache.redis.host=a\n", &p);
        let fs = at(&r, "conf/app.properties");
        assert_eq!(rows(&fs), [row(1, "config.deprecated-key", Severity::Medium, "cache.redis.host")]);
        assert_eq!(
            fs[0].title,
            "cache.redis.host: deprecated in acme-suite 5.0 and removed in 5.2.0; the target is 5.1.5; use cache.valkey.host instead"
        );
    }
}

case! {
    fn no_target_is_low_and_says_so() {
        let p = profile(MATRIX);
        let r = scan_one("conf/app.properties", "future.key=2\ncache.redis.host=a\n", &p);
        let fs = at(&r, "conf/app.properties");
        assert_eq!(
            rows(&fs),
            [
                row(1, "config.removed-key", Severity::Low, "future.key"),
                row(2, "config.removed-key", Severity::Low, "cache.redis.host"),
            ]
        );
        assert_eq!(
            fs[0].title,
            "future.key: removed in acme-suite 6.0; the target is unknown (set target_versions.acme-suite); nothing replaces it"
        );
    }
}

case! {
    fn one_finding_per_key_and_row_and_stable_ids() {
        let a = scan_one("c/app.properties", "cache.redis.host=a\ncache.redis.host=b\n", &targeted());
        assert_eq!(at(&a, "c/app.properties").len(), 1);
        let b = scan_one("c/app.properties", "x=1\n\n\ncache.redis.host=a\n", &targeted());
        let (fa, fb) = (at(&a, "c/app.properties"), at(&b, "c/app.properties"));
        assert_eq!(fa.first().map(|f| f.id.clone()), fb.first().map(|f| f.id.clone()));
        assert_eq!(fb.first().and_then(|f| f.line), Some(4));
    }
}

case! {
    fn documentation_is_skipped() {
        let package = fixture(
            "//- /docs/application.properties\ncache.redis.host=a\n//- /pkg/doc/example.yml\napiVersion: extensions/v1beta1\nkind: Ingress\n//- /README.md\ncache.redis.host=a\n",
        );
        let r = scan_with(&package, &targeted());
        assert!(!r.findings.iter().any(is_mine), "{}", r.to_json());
    }
}

const MANIFESTS: &str = r#"
//- /deploy/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: web
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fine
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
//- /deploy/policy.yaml
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
//- /deploy/list.json
{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "nightly"}}
]}
//- /chart/acme/templates/ingress.yaml
{{- if .Values.ingress.enabled -}}
{{- $fullName := include "acme.fullname" . -}}
{{- if .Capabilities.APIVersions.Has "networking.k8s.io/v1/Ingress" }}
apiVersion: networking.k8s.io/v1
{{- else }}
apiVersion: networking.k8s.io/v1beta1
{{- end }}
kind: Ingress
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "acme.labels" . | nindent 4 }}
spec:
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
    {{- end }}
{{- end }}
//- /chart/acme/templates/flow.yaml
apiVersion: flowcontrol.apiserver.k8s.io/v1beta1
kind: FlowSchema
metadata:
  name: {{ .Release.Name }}
"#;

case! {
    fn kubernetes_removed_and_deprecated_apis() {
        let r = scan_with(&fixture(MANIFESTS), &targeted());
        let ing = at(&r, "deploy/ingress.yaml");
        assert_eq!(
            rows(&ing),
            [
                row(1, "config.k8s-removed-api", Severity::High, "extensions/v1beta1/Ingress"),
                row(19, "config.k8s-removed-api", Severity::High, "autoscaling/v2beta2/HorizontalPodAutoscaler"),
            ]
        );
        assert_eq!(
            ing[0].title,
            "2 Ingress objects (web, api) use extensions/v1beta1, removed in Kubernetes 1.22; the target is 1.30.0; use networking.k8s.io/v1 instead"
        );
        let i = info(ing[0]);
        assert_eq!(i.api_version.as_deref(), Some("extensions/v1beta1"));
        assert_eq!(i.kind.as_deref(), Some("Ingress"));
        assert_eq!(i.component, "kubernetes");
        assert_eq!(i.replacement.as_deref(), Some("networking.k8s.io/v1"));
        assert_eq!(i.target.as_deref(), Some("1.30.0"));
        assert_eq!(
            rows(&at(&r, "deploy/policy.yaml")),
            [row(1, "config.k8s-removed-api", Severity::High, "policy/v1beta1/PodSecurityPolicy")]
        );
        assert!(at(&r, "deploy/policy.yaml")[0].title.ends_with("nothing replaces it"));
        let list = at(&r, "deploy/list.json");
        assert_eq!(
            rows(&list),
            [row(2, "config.k8s-removed-api", Severity::High, "batch/v1beta1/CronJob")]
        );
        assert_eq!(info(list[0]).format, "json");
        // The Helm template: the v1beta1 branch counts, the v1 one is fine.
        assert_eq!(
            rows(&at(&r, "chart/acme/templates/ingress.yaml")),
            [row(6, "config.k8s-removed-api", Severity::High, "networking.k8s.io/v1beta1/Ingress")]
        );
        // A chain of replacements: v1beta2 is gone too at 1.30, v1beta3 is still served.
        let flow = at(&r, "chart/acme/templates/flow.yaml");
        assert_eq!(
            info(flow[0]).replacement.as_deref(),
            Some("flowcontrol.apiserver.k8s.io/v1beta3")
        );
        assert_eq!(flow[0].title, "FlowSchema uses flowcontrol.apiserver.k8s.io/v1beta1, removed in Kubernetes 1.26; the target is 1.30.0; use flowcontrol.apiserver.k8s.io/v1beta3 instead");
    }
}

case! {
    fn kubernetes_deprecated_and_without_target() {
        let p = profile("[target_versions]\nkubernetes = \"1.24\"\n");
        let r = scan_with(&fixture(MANIFESTS), &p);
        assert_eq!(
            rows(&at(&r, "deploy/ingress.yaml")),
            [
                row(1, "config.k8s-removed-api", Severity::High, "extensions/v1beta1/Ingress"),
                row(19, "config.k8s-deprecated-api", Severity::Medium, "autoscaling/v2beta2/HorizontalPodAutoscaler"),
            ]
        );
        assert_eq!(
            rows(&at(&r, "deploy/policy.yaml")),
            [row(1, "config.k8s-deprecated-api", Severity::Medium, "policy/v1beta1/PodSecurityPolicy")]
        );
        let r = scan_with(&fixture(MANIFESTS), &Profile::default());
        let ing = at(&r, "deploy/ingress.yaml");
        assert_eq!(
            rows(&ing),
            [
                row(1, "config.k8s-removed-api", Severity::Low, "extensions/v1beta1/Ingress"),
                row(19, "config.k8s-removed-api", Severity::Low, "autoscaling/v2beta2/HorizontalPodAutoscaler"),
            ]
        );
        assert_eq!(
            ing[1].title,
            "HorizontalPodAutoscaler web uses autoscaling/v2beta2, removed in Kubernetes 1.26; the target is unknown (set target_versions.kubernetes); use autoscaling/v2 instead"
        );
        assert_eq!(info(ing[1]).target, None);
        // Kubernetes 1.8: a target below every release of these rows.
        let p = profile("[target_versions]\nkubernetes = \"1.8\"\n");
        let r = scan_with(&fixture(MANIFESTS), &p);
        assert!(at(&r, "deploy/ingress.yaml").is_empty());
    }
}

case! {
    fn findings_are_capped_per_file() {
        let body: String = (0..700).map(|i| format!("cache.redis.k{i}=1\n")).collect();
        let r = scan_one("c/big.properties", &body, &targeted());
        let fs = at(&r, "c/big.properties");
        assert_eq!(fs.len(), 501);
        let capped: Vec<&&Finding> = fs.iter().filter(|f| f.rule == "config.deprecations-capped").collect();
        assert_eq!(capped.len(), 1);
        assert_eq!(capped[0].severity, Severity::Info);
        assert!(capped[0].title.starts_with("200 more"), "{}", capped[0].title);
    }
}

case! {
    fn hostile_inputs_do_not_break_the_scan() {
        let deep_json = "{\"a\":".repeat(50_000);
        let deep_yaml = "- ".repeat(20_000) + "x\n";
        let deep_xml = "<a>".repeat(50_000);
        let junk = "\u{0}\u{1}{{ }}\\\"é:=[]\n".repeat(1000);
        let anchors = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ncache: {redis: {host: *d}}\n";
        let files: Vec<(&str, String)> = vec![
            ("c/deep.json", deep_json),
            ("c/deep.yaml", deep_yaml),
            ("c/deep.xml", deep_xml),
            ("c/junk.properties", junk.clone()),
            ("c/junk.yaml", junk.clone()),
            ("c/junk.json", junk.clone()),
            ("c/junk.toml", junk.clone()),
            ("c/junk.ini", junk.clone()),
            ("c/junk.env", junk.clone()),
            ("c/junk.xml", junk),
            ("c/anchors.yaml", anchors.to_string()),
            ("c/unterminated.json", "{\"cache\": {\"redis\": {\"host".to_string()),
            ("c/tpl.yaml", "{{ if }}\ncache:\n  redis:\n    {{ .x }}: 1\n    host: {{ .y }}\n{{".to_string()),
        ];
        let entries: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_bytes())).collect();
        let r = scan_with(&zip_of(&entries), &targeted());
        assert_eq!(
            rows(&at(&r, "c/anchors.yaml")),
            [row(5, "config.removed-key", Severity::High, "cache.redis.host")]
        );
        assert_eq!(
            rows(&at(&r, "c/tpl.yaml")),
            [row(5, "config.removed-key", Severity::High, "cache.redis.host")]
        );
        assert!(at(&r, "c/unterminated.json").is_empty() || at(&r, "c/unterminated.json").len() == 1);
    }
}

/// The reports with config findings validate against the report schema.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn reports_validate_against_the_schema() {
    let schema = serde_json::from_str::<serde_json::Value>(include_str!(
        "../../schema/preflight-report-1.schema.json"
    ));
    assert!(schema.is_ok(), "{schema:?}");
    let Ok(schema) = schema else { return };
    let validator = jsonschema::options().build(&schema);
    assert!(validator.is_ok(), "the schema does not compile");
    let Ok(validator) = validator else { return };
    for p in [targeted(), Profile::default()] {
        let package = fixture(&format!(
            "{MANIFESTS}//- /opt/acme/.env\nCACHE_REDIS_HOST=x\n//- /c/app.properties\ncache.redis.host=a\nbilling.smtp.host=b\n"
        ));
        let r = scan_with(&package, &p);
        assert!(r.findings.iter().filter(|f| f.config.is_some()).count() >= 6);
        let doc = serde_json::from_str::<serde_json::Value>(&r.to_json());
        assert!(doc.is_ok());
        let Ok(doc) = doc else { return };
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
