//! The package's name, version and components, and the upgrade path from what is installed.
//!
//! ## What it does
//! While the package is walked, reads the names and versions it declares ([`manifests`],
//! [`names`]):
//! - components: `package.json`/`manifest.json` (`name`, `version`), `pom.xml` (`groupId:
//!   artifactId`, version inherited from `<parent>`, `${..}` resolved from `<properties>`),
//!   `META-INF/MANIFEST.MF` (`Implementation-Title`/`-Version`, else `Bundle-SymbolicName`/
//!   `-Version`; inside nested jars too), Helm `Chart.yaml` (`name`, `version`, `appVersion`),
//!   dpkg `control` files (`Package`, `Version`), `VERSION`/`version.txt` (named after their
//!   folder, or the package), and the names of `.deb`, `.rpm`, `.jar`, `.war` and `.ear`
//!   files. A jar's file name is dropped when its own manifest or pom gives the same version;
//!   the same name and version declared twice in one container is listed once;
//! - dependencies: `Cargo.lock`, `package-lock.json`/`npm-shrinkwrap.json`,
//!   `requirements*.txt` pins, `go.mod` requires, and the `node_modules/*/package.json` of a
//!   bundled tree. A reviewer wants the inventory as a table of what the package *is*, not
//!   thousands of rows of transitive libraries: each such file is one `inventory.dependencies`
//!   finding listing its pins (at most 2,000 per file, 50,000 kept in all), and a dependency
//!   gets a row of its own only when the profile names it.
//!
//! The **package itself** is, in this order: a top-level manifest (at the root, or one folder
//! down) or the package file's name (`acme-suite-3.0.0-upgrade.zip`) whose name the profile
//! uses; a top-level manifest named like the package file; a manifest at the root; a manifest
//! one folder down when everything sits in that one folder; else the file name, when it has a
//! version. Manifests rank package.json, Chart.yaml, pom.xml, dpkg control, MANIFEST.MF,
//! VERSION. When the chosen manifest and the file name disagree on the version, that is a
//! finding.
//!
//! After the walk, each component the profile lists as `installed` (names compared without
//! case; `log4j-core` also matches `org.apache.logging.log4j:log4j-core`) is looked up, the
//! package itself first, then components, then dependencies, and the path from the installed
//! version to the package's is searched over the profile's `upgrade_paths` ([`path`]).
//!
//! ## Why is this bad?
//! Vendors support upgrades along certain hops only: installing 3.0 over 2.1 when only 2.2
//! upgrades to 3.0 skips migrations; a package older than what runs is a downgrade; a
//! component that is installed but no longer in the package may be removed; and a package
//! that is not the version the change was approved for invalidates the review.

pub mod manifests;
pub mod names;
pub mod path;

use super::{Detector, EntryInfo, EntryType, NewFinding, Scope, TextEntry};
use crate::profile::Profile;
use crate::report::InventoryInfo;
use crate::rules::inventory::{
    INVENTORY_COMPONENT, INVENTORY_DEPENDENCIES, INVENTORY_DOWNGRADE, INVENTORY_INSTALLED_UNKNOWN,
    INVENTORY_NOT_IN_PACKAGE, INVENTORY_NO_UPGRADE_PATH, INVENTORY_SAME_VERSION,
    INVENTORY_TARGET_MISMATCH, INVENTORY_TRUNCATED, INVENTORY_UPGRADE_PATH,
    INVENTORY_UPGRADE_UNCHECKED, INVENTORY_VERSION_MISMATCH, RULES,
};
use crate::rules::Rule;
use crate::version::Version;
use manifests::{Deps, Found};
use names::Named;
use path::{Hop, Plan};
use std::collections::BTreeMap;

/// Components kept (and checked against the profile).
const MAX_RECORDS: usize = 5_000;
/// Component rows reported.
const MAX_ROWS: usize = 2_000;
/// Dependencies listed per file.
const MAX_DEPS_PER_LIST: usize = 2_000;
/// Dependencies kept over the whole package.
const MAX_DEPS_TOTAL: usize = 50_000;
/// Dependency files kept.
const MAX_LISTS: usize = 1_000;
/// Distinct versions of one component checked against the profile.
const MAX_VERSIONS: usize = 5;
/// Dependencies quoted in a summary's evidence.
const EVIDENCE_DEPS: usize = 10;

/// Where a name and version were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// `package.json` or `manifest.json`.
    PackageJson,
    /// Helm `Chart.yaml`.
    Chart,
    /// Maven `pom.xml`.
    Pom,
    /// dpkg `control`.
    Dpkg,
    /// `META-INF/MANIFEST.MF`.
    ManifestMf,
    /// `VERSION` / `version.txt`.
    VersionFile,
    /// A file's name.
    FileName,
    /// `Cargo.lock`.
    CargoLock,
    /// `package-lock.json`.
    PackageLock,
    /// `requirements*.txt`.
    Requirements,
    /// `go.mod`.
    GoMod,
}

impl Source {
    /// The name used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::PackageJson => "package-json",
            Source::Chart => "chart",
            Source::Pom => "pom",
            Source::Dpkg => "dpkg",
            Source::ManifestMf => "manifest-mf",
            Source::VersionFile => "version-file",
            Source::FileName => "file-name",
            Source::CargoLock => "cargo-lock",
            Source::PackageLock => "package-lock",
            Source::Requirements => "requirements",
            Source::GoMod => "go-mod",
        }
    }
}

/// What a component is to the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The package itself.
    Package,
    /// Something the package ships.
    Component,
    /// A pinned or bundled dependency.
    Dependency,
}

impl Role {
    /// The name used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Package => "package",
            Role::Component => "component",
            Role::Dependency => "dependency",
        }
    }
}

/// A name and version found in the package.
#[derive(Debug, Clone)]
struct Record {
    name: String,
    version: String,
    /// The version as compared (epoch and Debian revision dropped).
    cmp: Option<Version>,
    source: Source,
    role: Role,
    path: String,
    line: Option<u32>,
    /// The archive it sits in (the path before the last `!/`), or the jar it names.
    container: String,
    /// For a manifest of the package itself (depth 0): folders between the root and what it
    /// describes (0 or 1). `None` otherwise.
    top: Option<usize>,
    detail: String,
    app_version: Option<String>,
}

/// The dependencies one file pins.
#[derive(Debug, Clone)]
struct DepList {
    path: String,
    source: Source,
    owner: Option<String>,
    items: Vec<(String, String)>,
    total: u64,
}

/// What the profile says about one row, for the component table.
#[derive(Debug, Clone, Default)]
struct Note {
    installed: Option<String>,
    target: Option<String>,
    supported: Option<bool>,
    path: Vec<String>,
    missing: Vec<String>,
}

/// The inventory detector.
pub struct Inventory {
    installed: Vec<(String, Version)>,
    targets: Vec<(String, Version)>,
    hops: Vec<(String, Hop)>,
    file: Option<Named>,
    stem: String,
    records: Vec<Record>,
    dropped: u64,
    lists: Vec<DepList>,
    node_modules: BTreeMap<String, usize>,
    deps_kept: usize,
    root_files: bool,
    top_folders: Vec<String>,
}

impl Inventory {
    /// A detector for one scan of the package file named `package`.
    pub fn new(profile: &Profile, package: &str) -> Self {
        Inventory {
            installed: profile
                .installed
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            targets: profile
                .target_versions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            hops: profile
                .upgrade_paths
                .iter()
                .map(|u| {
                    (
                        u.component.clone(),
                        Hop {
                            from: u.from.clone(),
                            to: u.to.clone(),
                        },
                    )
                })
                .collect(),
            file: names::package_file(package).and_then(|n| {
                Some(Named {
                    name: manifests::clean(&n.name)?,
                    version: manifests::clean(&n.version)?,
                    extra: n.extra,
                })
            }),
            stem: names::package_stem(package),
            records: Vec::new(),
            dropped: 0,
            lists: Vec::new(),
            node_modules: BTreeMap::new(),
            deps_kept: 0,
            root_files: false,
            top_folders: Vec::new(),
        }
    }

    fn add(&mut self, r: Record) {
        if self.records.len() < MAX_RECORDS {
            self.records.push(r);
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    fn add_found(&mut self, entry: &EntryInfo<'_>, source: Source, f: Found, name: String) {
        let inner = inner_path(entry.name);
        let folders = inner.matches('/').count();
        // META-INF/MANIFEST.MF and DEBIAN/control describe the folder above theirs.
        let described = match source {
            Source::ManifestMf | Source::Dpkg => folders.saturating_sub(1),
            _ => folders,
        };
        let top = (entry.depth == 0 && described <= 1).then_some(described);
        let debian = source == Source::Dpkg;
        self.add(Record {
            cmp: comparable(&f.version, debian),
            name,
            version: f.version,
            source,
            role: Role::Component,
            path: entry.path.to_string(),
            line: f.line,
            container: container_of(entry.path).to_string(),
            top,
            detail: f.detail,
            app_version: f.app_version,
        });
    }

    fn add_list(&mut self, path: &str, source: Source, deps: Deps) {
        if deps.total == 0 || self.lists.len() >= MAX_LISTS {
            return;
        }
        let room = MAX_DEPS_TOTAL.saturating_sub(self.deps_kept);
        let mut items = deps.items;
        items.truncate(room);
        self.deps_kept += items.len();
        self.lists.push(DepList {
            path: path.to_string(),
            source,
            owner: deps.owner,
            items,
            total: deps.total,
        });
    }

    /// A `node_modules/<name>/package.json`: one more package of its tree.
    fn add_node_module(&mut self, entry: &EntryInfo<'_>, text: &str) {
        let inner = inner_path(entry.name);
        let Some(at) = inner.rfind("node_modules/") else {
            return;
        };
        let rest = inner.get(at + "node_modules/".len()..).unwrap_or_default();
        let segments: Vec<&str> = rest.split('/').collect();
        let direct = match segments.as_slice() {
            [_, "package.json"] => true,
            [scope, _, "package.json"] => scope.starts_with('@'),
            _ => false,
        };
        if !direct {
            return;
        }
        let Some(f) = manifests::package_json(text) else {
            return;
        };
        let Some(name) = f.name else { return };
        let Some(first) = entry.path.find("node_modules/") else {
            return;
        };
        let tree = entry
            .path
            .get(..first + "node_modules".len())
            .unwrap_or(entry.path)
            .to_string();
        let index = match self.node_modules.get(&tree) {
            Some(i) => *i,
            None => {
                if self.lists.len() >= MAX_LISTS {
                    return;
                }
                self.lists.push(DepList {
                    path: tree.clone(),
                    source: Source::PackageJson,
                    owner: None,
                    items: Vec::new(),
                    total: 0,
                });
                let i = self.lists.len() - 1;
                self.node_modules.insert(tree, i);
                i
            }
        };
        if let Some(list) = self.lists.get_mut(index) {
            list.total = list.total.saturating_add(1);
            if list.items.len() < MAX_DEPS_PER_LIST && self.deps_kept < MAX_DEPS_TOTAL {
                list.items.push((name, f.version));
                self.deps_kept += 1;
            }
        }
    }

    /// The name of a file that declares only a version: its folder, its archive, or the
    /// package.
    fn unnamed(&self, entry: &EntryInfo<'_>, skip_folders: usize) -> String {
        let inner = inner_path(entry.name);
        let mut folders: Vec<&str> = inner.split('/').collect();
        folders.pop();
        for _ in 0..skip_folders {
            folders.pop();
        }
        if let Some(folder) = folders.last().and_then(|f| manifests::clean(f)) {
            return folder;
        }
        let container = container_of(entry.path);
        if !container.is_empty() {
            if let Some(n) = names::java_archive(container) {
                return n.name;
            }
            return names::package_stem(container);
        }
        match &self.file {
            Some(f) => f.name.clone(),
            None => manifests::clean(&self.stem).unwrap_or_else(|| "package".to_string()),
        }
    }
}

/// The files the inventory reads, told apart by name alone: one place decides, so that
/// [`Detector::wants_text`] and [`Detector::check_text`] cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ManifestKind {
    /// `node_modules/…/package.json`.
    NodeModule,
    /// `package.json` or `manifest.json` outside `node_modules/`.
    PackageJson,
    Pom,
    /// `META-INF/MANIFEST.MF` at the root of its container.
    JarManifest,
    Chart,
    DpkgControl,
    /// `VERSION`, `version.txt`.
    VersionFile,
    CargoLock,
    /// `package-lock.json`, `npm-shrinkwrap.json` outside `node_modules/`.
    PackageLock,
    GoMod,
    /// `requirements*.txt`.
    Requirements,
}

impl ManifestKind {
    fn of(entry: &EntryInfo<'_>) -> Option<ManifestKind> {
        let inner = inner_path(entry.name);
        let lower = names::base(inner).to_ascii_lowercase();
        let in_node_modules = inner.contains("node_modules/");
        Some(match lower.as_str() {
            "package.json" if in_node_modules => ManifestKind::NodeModule,
            "package.json" | "manifest.json" if !in_node_modules => ManifestKind::PackageJson,
            "pom.xml" => ManifestKind::Pom,
            "manifest.mf" if inner.eq_ignore_ascii_case("META-INF/MANIFEST.MF") => {
                ManifestKind::JarManifest
            }
            "chart.yaml" => ManifestKind::Chart,
            "control" => ManifestKind::DpkgControl,
            "version" | "version.txt" => ManifestKind::VersionFile,
            "cargo.lock" => ManifestKind::CargoLock,
            "package-lock.json" | "npm-shrinkwrap.json" if !in_node_modules => {
                ManifestKind::PackageLock
            }
            "go.mod" => ManifestKind::GoMod,
            l if l.starts_with("requirements") && l.ends_with(".txt") => ManifestKind::Requirements,
            _ => return None,
        })
    }
}

/// The entry's path inside its own container, without a leading `./` or `/`.
fn inner_path(name: &str) -> &str {
    let mut s = name;
    loop {
        let t = s.trim_start_matches('/');
        match t.strip_prefix("./") {
            Some(r) => s = r,
            None => return t,
        }
    }
}

/// The archive an entry sits in: its path before the last `!/`; empty for the package.
fn container_of(path: &str) -> &str {
    path.rsplit_once("!/").map_or("", |(c, _)| c)
}

/// The version as compared: without a dpkg epoch, and for Debian versions without the
/// revision (`1:2.4.1-1` compares as `2.4.1`).
fn comparable(version: &str, debian: bool) -> Option<Version> {
    let mut v = version.trim();
    if let Some((epoch, rest)) = v.split_once(':') {
        if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) {
            v = rest;
        }
    }
    if debian {
        if let Some((upstream, _)) = v.rsplit_once('-') {
            v = upstream;
        }
    }
    Version::parse(v)
}

/// The part of a Maven coordinate after its last `:`.
fn artifact(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// True when a name the profile uses designates `name` from the package.
fn named_by(profile_name: &str, name: &str) -> bool {
    profile_name.eq_ignore_ascii_case(name)
        || (!profile_name.contains(':') && profile_name.eq_ignore_ascii_case(artifact(name)))
}

/// Two declarations of one component: same name (or artifact) and version.
fn same_component(a: &Record, b: &Record) -> bool {
    let names = a.name.eq_ignore_ascii_case(&b.name)
        || artifact(&a.name).eq_ignore_ascii_case(artifact(&b.name));
    names && same_version(a, b)
}

fn same_version(a: &Record, b: &Record) -> bool {
    match (&a.cmp, &b.cmp) {
        (Some(x), Some(y)) => x == y && x.label == y.label,
        _ => a.version == b.version,
    }
}

/// A version prefix as a line of versions: `2.2` reads `2.2.x`.
fn line(v: &Version) -> String {
    if v.parts.len() < 3 && v.label.is_empty() {
        format!("{}.x", v.text)
    } else {
        v.text.clone()
    }
}

fn hop_text(h: &Hop) -> String {
    format!("{} → {}", h.from.text, h.to.text)
}

impl Detector for Inventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_entry(&mut self, entry: &EntryInfo<'_>, _out: &mut Vec<NewFinding>) {
        if entry.depth == 0 {
            let inner = inner_path(entry.path);
            match inner.split_once('/') {
                Some((first, _)) => {
                    if !first.is_empty()
                        && self.top_folders.len() < 2
                        && !self.top_folders.iter().any(|f| f == first)
                    {
                        self.top_folders.push(first.to_string());
                    }
                }
                None => {
                    if entry.kind == EntryType::Dir {
                        if !inner.is_empty()
                            && self.top_folders.len() < 2
                            && !self.top_folders.iter().any(|f| f == inner)
                        {
                            self.top_folders.push(inner.to_string());
                        }
                    } else {
                        self.root_files = true;
                    }
                }
            }
        }
        if entry.kind != EntryType::File {
            return;
        }
        let lower = names::base(entry.name).to_ascii_lowercase();
        let (named, debian) = if lower.ends_with(".deb") {
            (names::deb(entry.name), true)
        } else if lower.ends_with(".rpm") {
            (names::rpm(entry.name), false)
        } else if lower.ends_with(".jar") || lower.ends_with(".war") || lower.ends_with(".ear") {
            (names::java_archive(entry.name), false)
        } else {
            return;
        };
        let Some(n) = named else { return };
        let (Some(name), Some(version)) = (manifests::clean(&n.name), manifests::clean(&n.version))
        else {
            return;
        };
        self.add(Record {
            cmp: comparable(&version, debian),
            name,
            version,
            source: Source::FileName,
            role: Role::Component,
            path: entry.path.to_string(),
            line: None,
            container: entry.path.to_string(),
            top: None,
            detail: n.extra,
            app_version: None,
        });
    }

    /// Component versions are compared across the whole package (the same component in two
    /// places, the package's own version against its file name).
    fn scope(&self) -> Scope {
        Scope::Package
    }

    /// Only the files [`ManifestKind::of`] names are read: the decision is on the name alone.
    fn wants_text(&self, entry: &EntryInfo<'_>, _text: &str) -> bool {
        ManifestKind::of(entry).is_some()
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        _out: &mut Vec<NewFinding>,
    ) {
        let Some(kind) = ManifestKind::of(entry) else {
            return;
        };
        let text = text.text;
        match kind {
            ManifestKind::NodeModule => self.add_node_module(entry, text),
            ManifestKind::PackageJson => {
                if let Some(f) = manifests::package_json(text) {
                    if let Some(name) = f.name.clone() {
                        self.add_found(entry, Source::PackageJson, f, name);
                    }
                }
            }
            ManifestKind::Pom => {
                if let Some(f) = manifests::pom(text) {
                    if let Some(name) = f.name.clone() {
                        self.add_found(entry, Source::Pom, f, name);
                    }
                }
            }
            ManifestKind::JarManifest => {
                if let Some(f) = manifests::manifest_mf(text) {
                    let name = f.name.clone().unwrap_or_else(|| self.unnamed(entry, 1));
                    self.add_found(entry, Source::ManifestMf, f, name);
                }
            }
            ManifestKind::Chart => {
                if let Some(f) = manifests::chart(text) {
                    if let Some(name) = f.name.clone() {
                        self.add_found(entry, Source::Chart, f, name);
                    }
                }
            }
            ManifestKind::DpkgControl => {
                if let Some(f) = manifests::dpkg_control(text) {
                    if let Some(name) = f.name.clone() {
                        self.add_found(entry, Source::Dpkg, f, name);
                    }
                }
            }
            ManifestKind::VersionFile => {
                if let Some(f) = manifests::version_file(text) {
                    let name = self.unnamed(entry, 0);
                    self.add_found(entry, Source::VersionFile, f, name);
                }
            }
            ManifestKind::CargoLock => {
                let deps = manifests::cargo_lock(text, MAX_DEPS_PER_LIST);
                self.add_list(entry.path, Source::CargoLock, deps);
            }
            ManifestKind::PackageLock => {
                let deps = manifests::package_lock(text, MAX_DEPS_PER_LIST);
                self.add_list(entry.path, Source::PackageLock, deps);
            }
            ManifestKind::GoMod => {
                let deps = manifests::go_mod(text, MAX_DEPS_PER_LIST);
                self.add_list(entry.path, Source::GoMod, deps);
            }
            ManifestKind::Requirements => {
                let deps = manifests::requirements(text, MAX_DEPS_PER_LIST);
                self.add_list(entry.path, Source::Requirements, deps);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<NewFinding>) {
        self.dedupe();
        let mut notes: Vec<Note> = Vec::new();
        let mut checks: Vec<NewFinding> = Vec::new();
        let mismatch = self.identify();
        self.check_profile(&mut notes, &mut checks);
        self.rows(&notes, out);
        self.summaries(out);
        out.extend(mismatch);
        out.extend(checks);
    }
}

impl Inventory {
    /// One record per component and container: the best source of equal declarations, and no
    /// jar file name when the jar's own manifest gives the version.
    fn dedupe(&mut self) {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.records.iter().enumerate() {
            groups.entry(r.container.as_str()).or_default().push(i);
        }
        let mut keep = vec![true; self.records.len()];
        for members in groups.values() {
            let mut order = members.clone();
            order.sort_by_key(|&i| self.records.get(i).map(|r| (r.source, r.top)));
            let mut kept: Vec<usize> = Vec::new();
            for i in order {
                let Some(r) = self.records.get(i) else {
                    continue;
                };
                let dup = kept.iter().filter_map(|&j| self.records.get(j)).any(|k| {
                    same_component(k, r)
                        || (r.source == Source::FileName
                            && r.path == r.container
                            && k.path != r.path
                            && same_version(k, r))
                });
                if dup {
                    if let Some(slot) = keep.get_mut(i) {
                        *slot = false;
                    }
                } else {
                    kept.push(i);
                }
            }
        }
        let mut flags = keep.into_iter();
        self.records.retain(|_| flags.next().unwrap_or(true));
    }

    /// True when the profile names `name` anywhere.
    fn profile_names(&self, name: &str) -> bool {
        self.installed.iter().any(|(n, _)| named_by(n, name))
            || self.targets.iter().any(|(n, _)| named_by(n, name))
            || self.hops.iter().any(|(n, _)| named_by(n, name))
    }

    /// Mark the package itself; returns the version-mismatch finding, if any.
    fn identify(&mut self) -> Option<NewFinding> {
        let single_folder = !self.root_files && self.top_folders.len() == 1;
        let file = self.file.clone();
        let best = |recs: &[Record], keep: &dyn Fn(&Record) -> bool| -> Option<usize> {
            recs.iter()
                .enumerate()
                .filter(|(_, r)| r.top.is_some() && keep(r))
                .min_by_key(|(_, r)| (r.top, r.source))
                .map(|(i, _)| i)
        };
        let eligible = |r: &Record| r.top == Some(0) || (r.top == Some(1) && single_folder);
        let by_file = |r: &Record| {
            file.as_ref().is_some_and(|f| {
                r.name.eq_ignore_ascii_case(&f.name)
                    || artifact(&r.name).eq_ignore_ascii_case(&f.name)
            })
        };
        let chosen = best(&self.records, &|r| {
            eligible(r) && self.profile_names(&r.name)
        })
        .map(Some)
        .or_else(|| {
            file.as_ref()
                .filter(|f| self.profile_names(&f.name))
                .map(|_| None)
        })
        .or_else(|| best(&self.records, &by_file).map(Some))
        .or_else(|| best(&self.records, &|r| r.top == Some(0)).map(Some))
        .or_else(|| best(&self.records, &eligible).map(Some))
        .or_else(|| file.as_ref().map(|_| None));
        match chosen {
            Some(Some(i)) => {
                let r = self.records.get_mut(i)?;
                r.role = Role::Package;
                let f = file?;
                let named_alike = r.name.eq_ignore_ascii_case(&f.name)
                    || artifact(&r.name).eq_ignore_ascii_case(&f.name);
                let fv = comparable(&f.version, false);
                let differs = match (&fv, &r.cmp) {
                    (Some(a), Some(b)) => a != b,
                    _ => f.version != r.version,
                };
                if !named_alike || !differs {
                    return None;
                }
                let info = InventoryInfo::new(&r.name, &r.version, r.source.as_str(), "package");
                let base = names::base(&r.path).to_string();
                let mut nf = NewFinding::new(
                    &INVENTORY_VERSION_MISMATCH,
                    &r.path,
                    format!(
                        "The package file name says {} {}, {} says {}",
                        f.name, f.version, base, r.version
                    ),
                )
                .evidence(format!(
                    "file name: {} {}; {}: {}",
                    f.name, f.version, base, r.version
                ))
                .key(format!(
                    "{}|{}|{}",
                    r.name.to_ascii_lowercase(),
                    f.version,
                    r.version
                ));
                if let Some(l) = r.line {
                    nf = nf.line(l);
                }
                nf.inventory = Some(info);
                Some(nf)
            }
            Some(None) => {
                let f = file?;
                self.records.insert(
                    0,
                    Record {
                        cmp: comparable(&f.version, false),
                        name: f.name,
                        version: f.version,
                        source: Source::FileName,
                        role: Role::Package,
                        path: String::new(),
                        line: None,
                        container: String::new(),
                        top: Some(0),
                        detail: String::new(),
                        app_version: None,
                    },
                );
                None
            }
            None => None,
        }
    }

    /// The records that carry the profile's `name`: of the closest role (the package, else
    /// components, else dependencies, which get a record of their own), one per version.
    fn lookup(&mut self, name: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| named_by(name, &r.name))
            .map(|(i, _)| i)
            .collect();
        if found.is_empty() {
            let mut extra: Vec<Record> = Vec::new();
            for list in &self.lists {
                for (n, v) in &list.items {
                    if named_by(name, n)
                        && !extra
                            .iter()
                            .any(|r| r.path == list.path && r.name == *n && r.version == *v)
                        && extra.len() < MAX_VERSIONS * 4
                    {
                        extra.push(Record {
                            cmp: comparable(v, false),
                            name: n.clone(),
                            version: v.clone(),
                            source: list.source,
                            role: Role::Dependency,
                            path: list.path.clone(),
                            line: None,
                            container: list.path.clone(),
                            top: None,
                            detail: String::new(),
                            app_version: None,
                        });
                    }
                }
            }
            let start = self.records.len();
            self.records.extend(extra);
            found = (start..self.records.len()).collect();
        }
        let Some(role) = found
            .iter()
            .filter_map(|&i| self.records.get(i))
            .map(|r| r.role)
            .min()
        else {
            return Vec::new();
        };
        let mut out: Vec<usize> = Vec::new();
        for i in found {
            let Some(r) = self.records.get(i) else {
                continue;
            };
            if r.role != role {
                continue;
            }
            let seen = out
                .iter()
                .filter_map(|&j| self.records.get(j))
                .any(|k| same_version(k, r));
            if !seen && out.len() < MAX_VERSIONS {
                out.push(i);
            }
        }
        out
    }

    /// Installed versions, upgrade paths and targets against what the package carries.
    fn check_profile(&mut self, notes: &mut Vec<Note>, out: &mut Vec<NewFinding>) {
        let mut cache: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut names: Vec<String> = Vec::new();
        for n in self
            .installed
            .iter()
            .map(|(n, _)| n)
            .chain(self.targets.iter().map(|(n, _)| n))
            .chain(self.hops.iter().map(|(n, _)| n))
        {
            let key = n.to_ascii_lowercase();
            if !names.contains(&key) {
                names.push(key);
            }
        }
        for key in names {
            let found = self.lookup(&key);
            cache.insert(key, found);
        }
        notes.resize(self.records.len(), Note::default());
        let matches = |name: &str| -> Vec<usize> {
            cache
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default()
        };

        // Targets first, so that every note carries its target.
        for (name, target) in &self.targets {
            for i in matches(name) {
                let (Some(r), Some(note)) = (self.records.get(i), notes.get_mut(i)) else {
                    continue;
                };
                note.target = Some(target.text.clone());
                let Some(v) = &r.cmp else { continue };
                if v == target || target.is_prefix_of(v) {
                    continue;
                }
                let mut info = self.info(r);
                info.target = Some(target.text.clone());
                out.push(self.finding(
                    &INVENTORY_TARGET_MISMATCH,
                    r,
                    format!(
                        "{}: the package carries {}, the profile targets {}",
                        r.name, r.version, target.text
                    ),
                    format!("target_versions.{name} = {}", target.text),
                    info,
                ));
            }
        }

        for (name, installed) in &self.installed {
            let found = matches(name);
            if found.is_empty() {
                let mut info = InventoryInfo::new(name, "", "profile", "component");
                info.installed = Some(installed.text.clone());
                let mut nf = NewFinding::new(
                    &INVENTORY_NOT_IN_PACKAGE,
                    "",
                    format!(
                        "{name} installed {} is not in the package: check it is not removed by the upgrade",
                        installed.text
                    ),
                )
                .evidence(format!("installed.{name} = {}", installed.text))
                .key(format!("{}|{}", name.to_ascii_lowercase(), installed.text));
                nf.inventory = Some(info);
                out.push(nf);
                continue;
            }
            let hops: Vec<Hop> = self
                .hops
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, h)| h.clone())
                .collect();
            for i in found {
                let Some(r) = self.records.get(i) else {
                    continue;
                };
                let mut info = self.info(r);
                info.installed = Some(installed.text.clone());
                info.target = notes.get(i).and_then(|n| n.target.clone());
                let (rule, title) = self.judge(r, installed, &hops, &mut info);
                if let Some(note) = notes.get_mut(i) {
                    note.installed = info.installed.clone();
                    note.supported = info.supported;
                    note.path = info.path.clone();
                    note.missing = info.missing.clone();
                }
                out.push(self.finding(
                    rule,
                    r,
                    title,
                    format!("installed.{name} = {}", installed.text),
                    info,
                ));
            }
        }

        let mut asked: Vec<String> = Vec::new();
        for (name, _) in &self.hops {
            let key = name.to_ascii_lowercase();
            if asked.contains(&key)
                || self
                    .installed
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                continue;
            }
            asked.push(key);
            for i in matches(name).into_iter().take(1) {
                let Some(r) = self.records.get(i) else {
                    continue;
                };
                let mut info = self.info(r);
                info.target = notes.get(i).and_then(|n| n.target.clone());
                out.push(self.finding(
                    &INVENTORY_INSTALLED_UNKNOWN,
                    r,
                    format!(
                        "{} {}: the profile lists upgrade paths but no installed version; set installed.{name} to check the path",
                        r.name, r.version
                    ),
                    format!("[[upgrade_paths]] component = {name}"),
                    info,
                ));
            }
        }
    }

    /// The rule and title for an installed version against a record, filling `info`.
    fn judge(
        &self,
        r: &Record,
        installed: &Version,
        hops: &[Hop],
        info: &mut InventoryInfo,
    ) -> (&'static Rule, String) {
        let head = format!("{} {} to {}", r.name, installed.text, r.version);
        let Some(v) = &r.cmp else {
            return (
                &INVENTORY_UPGRADE_UNCHECKED,
                format!(
                    "{head}: not checked, {} cannot be compared as a version",
                    r.version
                ),
            );
        };
        let plan = path::plan(installed, v, hops);
        let hop = |i: &usize| hops.get(*i);
        match plan {
            Plan::Same => (
                &INVENTORY_SAME_VERSION,
                format!("{} {} is already installed", r.name, r.version),
            ),
            Plan::Downgrade => (
                &INVENTORY_DOWNGRADE,
                format!(
                    "{} installed {} is newer than the package's {}: the upgrade is a downgrade",
                    r.name, installed.text, r.version
                ),
            ),
            Plan::Supported(list) if list.is_empty() => {
                info.supported = Some(true);
                (
                    &INVENTORY_UPGRADE_PATH,
                    format!("{head}: supported, same version line {}", line(installed)),
                )
            }
            Plan::Supported(list) => {
                info.supported = Some(true);
                info.path = list.iter().filter_map(hop).map(hop_text).collect();
                let chain: Vec<String> = std::iter::once(installed.text.clone())
                    .chain(list.iter().filter_map(hop).map(|h| h.to.text.clone()))
                    .collect();
                (
                    &INVENTORY_UPGRADE_PATH,
                    format!("{head}: supported, {}", chain.join(" → ")),
                )
            }
            Plan::Unsupported(_) if hops.is_empty() => (
                &INVENTORY_UPGRADE_UNCHECKED,
                format!(
                    "{head}: not checked, the profile lists no upgrade paths for {}",
                    r.name
                ),
            ),
            Plan::Unsupported(gap) => {
                info.supported = Some(false);
                let Some(entry) = &gap.to else {
                    info.missing = vec![format!("{} → {}", installed.text, r.version)];
                    return (
                        &INVENTORY_NO_UPGRADE_PATH,
                        format!(
                            "{head}: no supported path; no hop in the profile leads to {}",
                            r.version
                        ),
                    );
                };
                info.path = gap
                    .before
                    .iter()
                    .chain(&gap.after)
                    .filter_map(hop)
                    .map(hop_text)
                    .collect();
                info.missing = vec![format!("{} → {}", gap.from.text, line(entry))];
                let after: Vec<&Hop> = gap.after.iter().filter_map(hop).collect();
                let mut rest: Vec<String> = after
                    .iter()
                    .take(after.len().saturating_sub(1))
                    .map(|h| line(&h.to))
                    .collect();
                rest.push(r.version.clone());
                let rest = rest.join(", then ");
                let title = if entry < installed {
                    format!(
                        "{head}: no supported path; the supported hops to {} start from {}",
                        r.version,
                        line(entry)
                    )
                } else if gap.before.is_empty() {
                    format!(
                        "{head}: no supported path; go to {} first, then {rest}",
                        line(entry)
                    )
                } else {
                    let chain: Vec<String> = std::iter::once(installed.text.clone())
                        .chain(gap.before.iter().filter_map(hop).map(|h| h.to.text.clone()))
                        .collect();
                    format!(
                        "{head}: no supported path; after {} go to {}, then {rest}",
                        chain.join(" → "),
                        line(entry)
                    )
                };
                (&INVENTORY_NO_UPGRADE_PATH, title)
            }
        }
    }

    fn info(&self, r: &Record) -> InventoryInfo {
        let mut info = InventoryInfo::new(&r.name, &r.version, r.source.as_str(), r.role.as_str());
        info.app_version = r.app_version.clone();
        info
    }

    fn finding(
        &self,
        rule: &'static Rule,
        r: &Record,
        title: String,
        evidence: String,
        info: InventoryInfo,
    ) -> NewFinding {
        let key = format!(
            "{}|{}|{}",
            r.name.to_ascii_lowercase(),
            info.installed.as_deref().unwrap_or_default(),
            r.version
        );
        let mut nf = NewFinding::new(rule, &r.path, title)
            .evidence(evidence)
            .key(key);
        if let Some(l) = r.line {
            nf = nf.line(l);
        }
        nf.inventory = Some(info);
        nf
    }

    /// One `inventory.component` finding per record, the package first.
    fn rows(&self, notes: &[Note], out: &mut Vec<NewFinding>) {
        let mut order: Vec<usize> = (0..self.records.len()).collect();
        order.sort_by_key(|&i| self.records.get(i).map(|r| r.role));
        let mut listed = 0usize;
        for i in order {
            let Some(r) = self.records.get(i) else {
                continue;
            };
            if listed >= MAX_ROWS {
                break;
            }
            listed += 1;
            let mut info = self.info(r);
            if let Some(n) = notes.get(i) {
                info.installed = n.installed.clone();
                info.target = n.target.clone();
                info.supported = n.supported;
                info.path = n.path.clone();
                info.missing = n.missing.clone();
            }
            let what = match r.role {
                Role::Package => "Package",
                Role::Component => "Component",
                Role::Dependency => "Dependency",
            };
            let from = if r.path.is_empty() {
                "the package file name".to_string()
            } else {
                names::base(&r.path).to_string()
            };
            let mut evidence = format!("{} {} ({})", r.name, r.version, r.source.as_str());
            if !r.detail.is_empty() {
                evidence.push_str("; ");
                evidence.push_str(&r.detail);
            }
            let mut nf = NewFinding::new(
                &INVENTORY_COMPONENT,
                &r.path,
                format!("{what} {} {} (from {from})", r.name, r.version),
            )
            .evidence(evidence)
            .key(format!("{}|{}|{}", r.source.as_str(), r.name, r.version));
            if let Some(l) = r.line {
                nf = nf.line(l);
            }
            nf.inventory = Some(info);
            out.push(nf);
        }
        let more = (self.records.len() as u64)
            .saturating_sub(listed as u64)
            .saturating_add(self.dropped);
        if more > 0 {
            out.push(
                NewFinding::new(
                    &INVENTORY_TRUNCATED,
                    "",
                    format!("Inventory truncated: {more} more components are not listed"),
                )
                .key("truncated"),
            );
        }
    }

    /// One `inventory.dependencies` finding per dependency file or node_modules tree.
    fn summaries(&self, out: &mut Vec<NewFinding>) {
        for list in &self.lists {
            let what = if list.source == Source::PackageJson {
                "bundles"
            } else {
                "pins"
            };
            let noun = if list.total == 1 {
                "dependency"
            } else {
                "dependencies"
            };
            let title = format!("{} {what} {} {noun}", names::base(&list.path), list.total);
            let mut quoted: Vec<String> = list
                .items
                .iter()
                .take(EVIDENCE_DEPS)
                .map(|(n, v)| format!("{n} {v}"))
                .collect();
            if list.total > quoted.len() as u64 {
                quoted.push("...".into());
            }
            let component = list.owner.clone().unwrap_or_else(|| list.path.clone());
            let mut info = InventoryInfo::new(
                &component,
                "",
                list.source.as_str(),
                Role::Dependency.as_str(),
            );
            info.dependencies = list.items.iter().map(|(n, v)| format!("{n} {v}")).collect();
            info.dependency_count = Some(list.total);
            let mut nf = NewFinding::new(&INVENTORY_DEPENDENCIES, &list.path, title)
                .evidence(quoted.join(", "))
                .key(list.source.as_str());
            nf.inventory = Some(info);
            out.push(nf);
        }
    }
}
