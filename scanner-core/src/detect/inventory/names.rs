//! Names and versions read from file names: the package file itself
//! (`acme-suite-3.0.0-upgrade.zip`), Debian packages (`name_version_arch.deb`), RPMs
//! (`name-version-release.arch.rpm`) and Java archives (`name-1.2.3.jar`).

use crate::version::Version;

/// A name and version read from a file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The component name.
    pub name: String,
    /// The version, as written (without the archive's own qualifiers such as `-upgrade`).
    pub version: String,
    /// What else the name says: an architecture, an RPM release.
    pub extra: String,
}

/// Archive extensions stripped from a package file name, longest first.
const PACKAGE_EXTENSIONS: &[&str] = &[
    ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tgz", ".tar", ".zip", ".gz", ".jar", ".war",
    ".ear", ".nupkg", ".whl", ".pkg",
];

/// Labels after the numbers that belong to a version (`-rc.1`, `-SNAPSHOT`, `.Final`).
const QUALIFIERS: &[&str] = &[
    "alpha", "beta", "rc", "cr", "snapshot", "final", "release", "ga", "preview", "dev", "m",
    "pre", "sp",
];

/// The last segment of a path (`/` or `\` separated).
pub fn base(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `s` without the ASCII suffix `ext`, compared case-insensitively.
fn strip_suffix_ci<'a>(s: &'a str, ext: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(ext.len())?;
    let (head, tail) = (s.get(..cut)?, s.get(cut..)?);
    tail.eq_ignore_ascii_case(ext).then_some(head)
}

/// The version at the start of `rest` (`3.0.0-upgrade` gives `3.0.0`, `1.0-SNAPSHOT` keeps
/// its qualifier), when it reads as one.
fn leading_version(rest: &str) -> Option<String> {
    let v = Version::parse(rest)?;
    let numbers = rest.len().checked_sub(v.label.len())?;
    let mut out = rest.get(..numbers)?.to_string();
    let label = v.label.as_str();
    let mut chars = label.chars();
    if let Some(sep @ ('-' | '.' | '+' | '_')) = chars.next() {
        let token: String = chars
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let word = token.to_ascii_lowercase();
        let alpha: String = word.chars().take_while(char::is_ascii_alphabetic).collect();
        let known = QUALIFIERS.contains(&alpha.as_str())
            && (alpha.len() > 1 || word.chars().nth(1).is_some_and(|c| c.is_ascii_digit()));
        if sep != '_' && known && !token.is_empty() {
            out.push(sep);
            out.push_str(token.trim_end_matches('.'));
        }
    }
    let out = out.trim().trim_end_matches('.').to_string();
    (!out.is_empty()).then_some(out)
}

/// Split `name-1.2.3...` at the first `-` or `_` followed by a version.
pub fn split_name_version(stem: &str) -> Option<(String, String)> {
    for (i, c) in stem.char_indices() {
        if c != '-' && c != '_' || i == 0 {
            continue;
        }
        let rest = stem.get(i + 1..)?;
        let digits = rest.strip_prefix(['v', 'V']).unwrap_or(rest);
        if !digits.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let name = stem.get(..i)?;
        if let Some(version) = leading_version(rest) {
            return Some((name.to_string(), version));
        }
    }
    None
}

/// The package file's own name and version, when its name has both.
pub fn package_file(file: &str) -> Option<Named> {
    let b = base(file);
    let stem = PACKAGE_EXTENSIONS
        .iter()
        .find_map(|e| strip_suffix_ci(b, e))
        .unwrap_or(b);
    let (name, version) = split_name_version(stem)?;
    Some(Named {
        name,
        version,
        extra: String::new(),
    })
}

/// The package file's name without its archive extension (`acme-suite-3.0.0-upgrade`).
pub fn package_stem(file: &str) -> String {
    let b = base(file);
    PACKAGE_EXTENSIONS
        .iter()
        .find_map(|e| strip_suffix_ci(b, e))
        .unwrap_or(b)
        .to_string()
}

/// `name_version_arch.deb`.
pub fn deb(file: &str) -> Option<Named> {
    let stem = strip_suffix_ci(base(file), ".deb")?;
    let mut parts = stem.splitn(3, '_');
    let name = parts.next().filter(|n| !n.is_empty())?;
    let version = parts.next()?.replace("%3a", ":").replace("%3A", ":");
    let arch = parts.next().unwrap_or_default();
    let bare = version.split_once(':').map_or(version.as_str(), |(_, v)| v);
    Version::parse(bare)?;
    Some(Named {
        name: name.to_string(),
        version,
        extra: arch.to_string(),
    })
}

/// `name-version-release.arch.rpm`.
pub fn rpm(file: &str) -> Option<Named> {
    let stem = strip_suffix_ci(base(file), ".rpm")?;
    let (rest, arch) = match stem.rsplit_once('.') {
        Some((r, a)) if !a.contains('-') && !a.is_empty() && r.matches('-').count() >= 2 => (r, a),
        _ => (stem, ""),
    };
    let (rest, release) = rest.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    if name.is_empty() || Version::parse(version).is_none() {
        return None;
    }
    let extra = [release, arch]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Named {
        name: name.to_string(),
        version: version.to_string(),
        extra: format!("release {extra}"),
    })
}

/// `name-1.2.3.jar` (also `.war` and `.ear`).
pub fn java_archive(file: &str) -> Option<Named> {
    let b = base(file);
    let stem = [".jar", ".war", ".ear"]
        .iter()
        .find_map(|e| strip_suffix_ci(b, e))?;
    let (name, version) = split_name_version(stem)?;
    Some(Named {
        name,
        version,
        extra: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nv(n: Option<Named>) -> Option<(String, String)> {
        n.map(|n| (n.name, n.version))
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_string(), b.to_string()))
    }

    #[test]
    fn package_files() {
        assert_eq!(
            nv(package_file("acme-suite-3.0.0-upgrade.zip")),
            pair("acme-suite", "3.0.0")
        );
        assert_eq!(
            nv(package_file("dl/acme_suite_v3.1.tar.gz")),
            pair("acme_suite", "v3.1")
        );
        assert_eq!(
            nv(package_file("acme-suite-3.0.0-rc.1.zip")),
            pair("acme-suite", "3.0.0-rc.1")
        );
        assert_eq!(nv(package_file("package.zip")), None);
        assert_eq!(nv(package_file("-3.0.zip")), None);
        assert_eq!(package_stem("x/acme-3.0.TGZ"), "acme-3.0");
    }

    #[test]
    fn debs_and_rpms() {
        assert_eq!(
            nv(deb("pool/acme-agent_2.4.1-1_amd64.deb")),
            pair("acme-agent", "2.4.1-1")
        );
        assert_eq!(nv(deb("acme.deb")), None);
        let r = rpm("acme-agent-3.0.0-1.el8.x86_64.rpm");
        assert_eq!(nv(r.clone()), pair("acme-agent", "3.0.0"));
        assert_eq!(r.map(|r| r.extra), Some("release 1.el8 x86_64".to_string()));
        assert_eq!(nv(rpm("acme-1.0-2.rpm")), pair("acme", "1.0"));
        assert_eq!(nv(rpm("acme.rpm")), None);
    }

    #[test]
    fn java_archives() {
        assert_eq!(
            nv(java_archive("lib/spring-core-5.3.20.jar")),
            pair("spring-core", "5.3.20")
        );
        assert_eq!(
            nv(java_archive("lib/log4j-core-2.17.1.jar")),
            pair("log4j-core", "2.17.1")
        );
        assert_eq!(
            nv(java_archive("acme-api-1.0-SNAPSHOT.war")),
            pair("acme-api", "1.0-SNAPSHOT")
        );
        assert_eq!(
            nv(java_archive("hibernate-core-5.6.15.Final.jar")),
            pair("hibernate-core", "5.6.15.Final")
        );
        assert_eq!(
            nv(java_archive("guava-31.1-jre.jar")),
            pair("guava", "31.1")
        );
        assert_eq!(nv(java_archive("acme.jar")), None);
        assert_eq!(nv(java_archive("acme.txt")), None);
    }
}
