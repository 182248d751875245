//! Readers for the manifests a package carries: each takes the decoded text and returns the
//! name and version it declares ([`Found`]) or the dependencies it pins ([`Deps`]).
//!
//! All of them are forgiving (a file that does not read as the format declares nothing) and
//! bounded: dependency lists stop at the cap they are given, and only count the rest.

use crate::version::Version;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;

/// Longest name or version kept; longer values are not versions anyone wrote by hand.
pub const MAX_VALUE: usize = 200;

/// A name and version a manifest declares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Found {
    /// The name, when the manifest says (a `VERSION` file does not).
    pub name: Option<String>,
    /// The version, as written.
    pub version: String,
    /// 1-based line of the version, when known.
    pub line: Option<u32>,
    /// What else is worth showing (a pom's parent, a bundle's symbolic name).
    pub detail: String,
    /// A Helm chart's `appVersion`.
    pub app_version: Option<String>,
}

/// Dependencies a lock file or requirements file pins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deps {
    /// The project they belong to, when the file says (`go.mod`'s module, a lock's root).
    pub owner: Option<String>,
    /// (name, version), in file order, at most the cap.
    pub items: Vec<(String, String)>,
    /// How many there are in all.
    pub total: u64,
}

impl Deps {
    fn push(&mut self, cap: usize, name: &str, version: &str) {
        let (Some(name), Some(version)) = (clean(name), clean(version)) else {
            return;
        };
        self.total = self.total.saturating_add(1);
        if self.items.len() < cap {
            self.items.push((name, version));
        }
    }
}

/// A value trimmed, with control characters replaced; `None` when too long or when it has
/// no letter or digit.
pub fn clean(s: &str) -> Option<String> {
    let t = s.trim().trim_matches(['"', '\'']).trim();
    if t.len() > MAX_VALUE || !t.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(
        t.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect(),
    )
}

/// A version value: clean, and starting like a version.
fn version_value(s: &str) -> Option<String> {
    let v = clean(s)?;
    let bare = v.split_once(':').map_or(v.as_str(), |(e, rest)| {
        if e.bytes().all(|b| b.is_ascii_digit()) {
            rest
        } else {
            v.as_str()
        }
    });
    Version::parse(bare).map(|_| v.clone())
}

fn line_no(i: usize) -> Option<u32> {
    u32::try_from(i.saturating_add(1)).ok()
}

/// `package.json` or `manifest.json`: the top-level `name` and `version`.
pub fn package_json(text: &str) -> Option<Found> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = value.as_object()?;
    let name = clean(obj.get("name")?.as_str()?)?;
    let version = version_value(obj.get("version")?.as_str()?)?;
    Some(Found {
        name: Some(name),
        version,
        ..Found::default()
    })
}

/// `pom.xml`: `groupId:artifactId` and version, inherited from `<parent>` when missing;
/// `${...}` resolved from `<properties>` and the project's own coordinates.
pub fn pom(text: &str) -> Option<Found> {
    const MAX_DEPTH: usize = 64;
    const MAX_PROPERTIES: usize = 500;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut fields: HashMap<&'static str, String> = HashMap::new();
    let mut props: HashMap<String, String> = HashMap::new();
    let mut current: Option<(&'static str, String)> = None;
    let mut version_at: Option<usize> = None;
    let mut events: usize = 0;
    loop {
        events += 1;
        if events > 1_000_000 {
            break;
        }
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) => break,
        };
        match event {
            Event::Start(s) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let local = s.local_name();
                let name: &str = local.as_ref();
                stack.push(name.to_string());
                let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                let slot: Option<&'static str> = match path.as_slice() {
                    ["project", "groupId"] => Some("groupId"),
                    ["project", "artifactId"] => Some("artifactId"),
                    ["project", "version"] => Some("version"),
                    ["project", "parent", "groupId"] => Some("parent.groupId"),
                    ["project", "parent", "version"] => Some("parent.version"),
                    ["project", "properties", _] => Some("property"),
                    _ => None,
                };
                if slot == Some("version") {
                    version_at = Some(before);
                }
                current = slot.map(|s| (s, String::new()));
            }
            Event::End(_) => {
                if let Some((slot, value)) = current.take() {
                    if slot == "property" {
                        if let Some(key) = stack.last() {
                            if props.len() < MAX_PROPERTIES {
                                props.insert(key.clone(), value.trim().to_string());
                            }
                        }
                    } else {
                        fields.insert(slot, value.trim().to_string());
                    }
                }
                stack.pop();
            }
            Event::Text(t) => {
                if let Some((_, v)) = current.as_mut() {
                    if v.len() < 4096 {
                        v.push_str(&t.xml10_content());
                    }
                }
            }
            Event::CData(c) => {
                if let Some((_, v)) = current.as_mut() {
                    if v.len() < 4096 {
                        v.push_str(&c.xml10_content());
                    }
                }
            }
            Event::Empty(_) => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    let artifact = fields.get("artifactId").filter(|a| !a.is_empty())?.clone();
    let own_version = fields.get("version").filter(|v| !v.is_empty()).cloned();
    let parent_version = fields.get("parent.version").cloned().unwrap_or_default();
    let group = fields
        .get("groupId")
        .or_else(|| fields.get("parent.groupId"))
        .cloned()
        .unwrap_or_default();
    let inherited = own_version.is_none();
    let raw = own_version.unwrap_or_else(|| parent_version.clone());
    props.insert("project.parent.version".into(), parent_version.clone());
    props.insert("parent.version".into(), parent_version);
    props.insert("project.groupId".into(), group.clone());
    props.insert("project.artifactId".into(), artifact.clone());
    let version = resolve(&raw, &props);
    let version = version_value(&version).or_else(|| clean(&version))?;
    let name = if group.is_empty() {
        artifact
    } else {
        format!("{group}:{artifact}")
    };
    let line = if inherited {
        None
    } else {
        version_at
            .and_then(|at| text.get(..at.min(text.len())))
            .map(|b| b.matches('\n').count())
            .and_then(line_no)
    };
    Some(Found {
        name: clean(&name),
        detail: if inherited {
            format!("{name} {version} (version of the parent)")
        } else {
            format!("{name} {version}")
        },
        version,
        line,
        app_version: None,
    })
}

/// `${name}` references replaced from `props`, a few rounds deep.
fn resolve(value: &str, props: &HashMap<String, String>) -> String {
    let mut out = value.to_string();
    for _ in 0..5 {
        let Some(start) = out.find("${") else { break };
        let Some(len) = out.get(start..).and_then(|s| s.find('}')) else {
            break;
        };
        let key = out.get(start + 2..start + len).unwrap_or_default();
        let Some(v) = props.get(key) else { break };
        if v.contains(&format!("${{{key}}}")) || out.len() > 1024 {
            break;
        }
        out = format!(
            "{}{}{}",
            out.get(..start).unwrap_or_default(),
            v,
            out.get(start + len + 1..).unwrap_or_default()
        );
    }
    out
}

/// `META-INF/MANIFEST.MF`: `Implementation-Title`/`-Version`, else `Bundle-SymbolicName`/
/// `Bundle-Version`. The name is `None` when the manifest has a version but no title.
pub fn manifest_mf(text: &str) -> Option<Found> {
    // Main section only (up to the first blank line); continuation lines start with a space.
    let mut attrs: Vec<(String, String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if attrs.is_empty() {
                continue;
            }
            break;
        }
        if let Some(more) = line.strip_prefix(' ') {
            if let Some(last) = attrs.last_mut() {
                if last.1.len() < 4096 {
                    last.1.push_str(more);
                }
            }
            continue;
        }
        if attrs.len() >= 500 {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            attrs.push((k.trim().to_ascii_lowercase(), v.trim().to_string(), i));
        }
    }
    let get = |k: &str| {
        attrs
            .iter()
            .find(|(key, v, _)| key == k && !v.is_empty())
            .map(|(_, v, i)| (v.clone(), *i))
    };
    let symbolic = get("bundle-symbolicname").map(|(v, i)| {
        let name = v.split(';').next().unwrap_or_default().trim().to_string();
        (name, i)
    });
    let title = get("implementation-title");
    let (version, line) = get("implementation-version").or_else(|| get("bundle-version"))?;
    let version = version_value(&version)?;
    let name = title
        .map(|(t, _)| t)
        .or_else(|| symbolic.as_ref().map(|(s, _)| s.clone()))
        .and_then(|n| clean(&n));
    let detail = match (&symbolic, &name) {
        (Some((s, _)), Some(n)) if s != n => format!("bundle {s}"),
        _ => String::new(),
    };
    Some(Found {
        name,
        version,
        line: line_no(line),
        detail,
        app_version: None,
    })
}

/// Helm `Chart.yaml`: top-level `name`, `version` and `appVersion`.
pub fn chart(text: &str) -> Option<Found> {
    let mut name = None;
    let mut version = None;
    let mut app = None;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.split(" #").next().unwrap_or_default();
        match k.trim() {
            "name" if name.is_none() => name = clean(v),
            "version" if version.is_none() => version = version_value(v).map(|v| (v, i)),
            "appVersion" if app.is_none() => app = clean(v),
            _ => {}
        }
    }
    let (version, line) = version?;
    Some(Found {
        name: Some(name?),
        detail: app
            .as_ref()
            .map(|a| format!("appVersion {a}"))
            .unwrap_or_default(),
        version,
        line: line_no(line),
        app_version: app,
    })
}

/// A dpkg `control` file: `Package` and `Version` of its first paragraph.
pub fn dpkg_control(text: &str) -> Option<Found> {
    let mut name = None;
    let mut version = None;
    let mut arch = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if name.is_some() || version.is_some() {
                break;
            }
            continue;
        }
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "package" if name.is_none() => name = clean(v),
            "version" if version.is_none() => version = version_value(v).map(|v| (v, i)),
            "architecture" if arch.is_none() => arch = clean(v),
            _ => {}
        }
    }
    let (version, line) = version?;
    Some(Found {
        name: Some(name?),
        version,
        line: line_no(line),
        detail: arch
            .map(|a| format!("architecture {a}"))
            .unwrap_or_default(),
        app_version: None,
    })
}

/// A `VERSION` or `version.txt` file: its first non-empty line, when that is just a version.
pub fn version_file(text: &str) -> Option<Found> {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())?;
    let t = line.trim().trim_start_matches('\u{feff}');
    if t.len() > 64 || t.contains(char::is_whitespace) {
        return None;
    }
    Some(Found {
        version: version_value(t)?,
        line: line_no(i),
        ..Found::default()
    })
}

/// `Cargo.lock`: every `[[package]]`'s `name` and `version`.
pub fn cargo_lock(text: &str, cap: usize) -> Deps {
    let mut deps = Deps::default();
    let mut in_package = false;
    let mut name: Option<&str> = None;
    let mut version: Option<&str> = None;
    let flush = |name: &mut Option<&str>, version: &mut Option<&str>, deps: &mut Deps| {
        if let (Some(n), Some(v)) = (name.take(), version.take()) {
            deps.push(cap, n, v);
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            flush(&mut name, &mut version, &mut deps);
            in_package = t == "[[package]]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some((k, v)) = t.split_once('=') {
            match k.trim() {
                "name" => name = Some(v.trim()),
                "version" => version = Some(v.trim()),
                _ => {}
            }
        }
    }
    flush(&mut name, &mut version, &mut deps);
    deps
}

/// `package-lock.json` / `npm-shrinkwrap.json`: lockfile v2/v3 `packages` (the root entry
/// names the owner), else v1 `dependencies`.
pub fn package_lock(text: &str, cap: usize) -> Deps {
    let mut deps = Deps::default();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return deps;
    };
    deps.owner = value.get("name").and_then(|n| n.as_str()).and_then(clean);
    if let Some(packages) = value.get("packages").and_then(|p| p.as_object()) {
        for (key, entry) in packages {
            if key.is_empty() {
                continue;
            }
            let Some(version) = entry.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let name = entry
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_else(|| key.rsplit("node_modules/").next().unwrap_or(key));
            deps.push(cap, name, version);
        }
    } else if let Some(list) = value.get("dependencies").and_then(|p| p.as_object()) {
        for (name, entry) in list {
            if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
                deps.push(cap, name, version);
            }
        }
    }
    deps
}

/// `requirements*.txt`: pinned lines `name==version` (extras and markers dropped).
pub fn requirements(text: &str, cap: usize) -> Deps {
    let mut deps = Deps::default();
    for line in text.lines() {
        let t = line.split(" #").next().unwrap_or_default().trim();
        if t.is_empty() || t.starts_with(['#', '-']) {
            continue;
        }
        let t = t.split(';').next().unwrap_or_default();
        let Some((name, version)) = t.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or_default().trim();
        let version = version
            .trim_start_matches('=')
            .split(',')
            .next()
            .unwrap_or_default();
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        if version_value(version).is_some() {
            deps.push(cap, name, version.trim());
        }
    }
    deps
}

/// `go.mod`: the `module` (as owner) and every `require`d module.
pub fn go_mod(text: &str, cap: usize) -> Deps {
    let mut deps = Deps::default();
    let mut in_block = false;
    for line in text.lines() {
        let t = line.split("//").next().unwrap_or_default().trim();
        if in_block {
            if t.starts_with(')') {
                in_block = false;
                continue;
            }
            let mut words = t.split_whitespace();
            if let (Some(n), Some(v)) = (words.next(), words.next()) {
                deps.push(cap, n, v);
            }
            continue;
        }
        let mut words = t.split_whitespace();
        match words.next() {
            Some("module") => deps.owner = words.next().and_then(clean),
            Some("require") => match (words.next(), words.next()) {
                (Some("("), _) => in_block = true,
                (Some(n), Some(v)) => deps.push(cap, n, v),
                _ => {}
            },
            _ => {}
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nv(f: Option<Found>) -> Option<(Option<String>, String, Option<u32>)> {
        f.map(|f| (f.name, f.version, f.line))
    }

    fn some(n: &str, v: &str, line: Option<u32>) -> Option<(Option<String>, String, Option<u32>)> {
        Some((Some(n.to_string()), v.to_string(), line))
    }

    #[test]
    fn package_json_reads_name_and_version() {
        assert_eq!(
            nv(package_json(r#"{"name":"acme-suite","version":"3.0.0"}"#)),
            some("acme-suite", "3.0.0", None)
        );
        assert_eq!(nv(package_json(r#"{"name":"x","version":"next"}"#)), None);
        assert_eq!(nv(package_json("[1,2]")), None);
        assert_eq!(nv(package_json("{")), None);
    }

    #[test]
    fn pom_with_parent_and_properties() {
        let own = "<project>\n  <parent><groupId>com.acme</groupId><version>2.0.0</version></parent>\n  <artifactId>acme-api</artifactId>\n  <version>${revision}</version>\n  <properties><revision>3.1.0</revision></properties>\n  <dependencies><dependency><version>9</version></dependency></dependencies>\n</project>\n";
        assert_eq!(nv(pom(own)), some("com.acme:acme-api", "3.1.0", Some(4)));
        let inherited = "<project><parent><groupId>g</groupId><version>2.0.0</version></parent><artifactId>a</artifactId></project>";
        let f = pom(inherited);
        assert_eq!(nv(f.clone()), some("g:a", "2.0.0", None));
        assert!(f.is_some_and(|f| f.detail.contains("parent")));
        assert_eq!(nv(pom("<project><version>1</version></project>")), None);
        assert_eq!(nv(pom("not xml <<<")), None);
    }

    #[test]
    fn manifest_mf_titles_and_bundles() {
        let m = "Manifest-Version: 1.0\r\nImplementation-Title: acme-core\r\nImplementation-Version: 3.0.0\r\n\r\nName: x\r\nImplementation-Version: 9\r\n";
        assert_eq!(nv(manifest_mf(m)), some("acme-core", "3.0.0", Some(3)));
        let b = "Manifest-Version: 1.0\nBundle-SymbolicName: com.acme.core;singleton:=true\nBundle-Version: 3.0.0.v2026\n";
        assert_eq!(
            nv(manifest_mf(b)),
            some("com.acme.core", "3.0.0.v2026", Some(3))
        );
        let long = "Implementation-Title: acme-very-long-na\n me\nImplementation-Version: 1.2\n";
        assert_eq!(
            nv(manifest_mf(long)),
            some("acme-very-long-name", "1.2", Some(3))
        );
        assert_eq!(
            manifest_mf("Implementation-Version: 1.2\n").map(|f| f.name),
            Some(None)
        );
        assert_eq!(
            nv(manifest_mf("Manifest-Version: 1.0\nCreated-By: x\n")),
            None
        );
    }

    #[test]
    fn charts_controls_and_version_files() {
        let c = "apiVersion: v2\nname: acme\nversion: 3.0.0 # chart\nappVersion: \"2.4.1\"\ndependencies:\n  - name: redis\n    version: 17.0.0\n";
        let f = chart(c);
        assert_eq!(nv(f.clone()), some("acme", "3.0.0", Some(3)));
        assert_eq!(f.and_then(|f| f.app_version), Some("2.4.1".to_string()));
        let d = "Package: acme-agent\nVersion: 1:2.4.1-1\nArchitecture: amd64\n\nPackage: other\n";
        assert_eq!(
            nv(dpkg_control(d)),
            some("acme-agent", "1:2.4.1-1", Some(2))
        );
        assert_eq!(nv(dpkg_control("Source: acme\n\nPackage: acme\n")), None);
        assert_eq!(
            version_file("\n3.0.0\n").map(|f| (f.version, f.line)),
            Some(("3.0.0".to_string(), Some(2)))
        );
        assert_eq!(version_file("release three\n"), None);
    }

    #[test]
    fn lock_files() {
        let cargo = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"x\"\n\n[[package]]\nname = \"acme\"\nversion = \"0.1.0\"\n[metadata]\nname = \"no\"\n";
        let d = cargo_lock(cargo, 1);
        assert_eq!(d.items, vec![("serde".to_string(), "1.0.200".to_string())]);
        assert_eq!(d.total, 2);
        let lock = r#"{"name":"acme-ui","lockfileVersion":3,"packages":{"":{"name":"acme-ui","version":"3.0.0"},"node_modules/lodash":{"version":"4.17.21"},"node_modules/a/node_modules/@s/b":{"version":"1.0.0"}}}"#;
        let d = package_lock(lock, 10);
        assert_eq!(d.owner.as_deref(), Some("acme-ui"));
        assert_eq!(
            d.items,
            vec![
                ("@s/b".to_string(), "1.0.0".to_string()),
                ("lodash".to_string(), "4.17.21".to_string())
            ]
        );
        let v1 = r#"{"dependencies":{"left-pad":{"version":"1.3.0"}}}"#;
        assert_eq!(package_lock(v1, 10).total, 1);
        let req = "# pins\nrequests==2.31.0\nurllib3[socks]==2.0.7 ; python_version>'3'\nflask>=2\n-r other.txt\n";
        let d = requirements(req, 10);
        assert_eq!(
            d.items,
            vec![
                ("requests".to_string(), "2.31.0".to_string()),
                ("urllib3".to_string(), "2.0.7".to_string())
            ]
        );
        let gomod = "module example.com/acme\n\ngo 1.22\n\nrequire github.com/a/b v1.2.3\nrequire (\n\tgolang.org/x/net v0.20.0 // indirect\n)\n";
        let d = go_mod(gomod, 10);
        assert_eq!(d.owner.as_deref(), Some("example.com/acme"));
        assert_eq!(d.total, 2);
    }
}
