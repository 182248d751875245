//! Archive hygiene: entry names and entry kinds a reviewer must see before anything is
//! extracted.
//!
//! ## What it does
//! Flags names that climb out of the extraction folder (`../`), absolute names, drive letters,
//! names with bidirectional or other control characters, names that are not UTF-8, symbolic
//! links, and encrypted entries.
//!
//! ## Why is this bad?
//! Each one lets a package write or hide something other than what the reviewer saw; an
//! encrypted entry is simply not reviewed.

use super::{Detector, EntryInfo, EntryType, NewFinding};
use crate::report::Severity;
use crate::rules::{self, Rule};
use crate::text::{is_bidi_control, visible};

/// The archive-hygiene detector.
#[derive(Debug, Default)]
pub struct ArchiveHygiene;

const RULES: &[Rule] = &[
    rules::PATH_TRAVERSAL,
    rules::ABSOLUTE_PATH,
    rules::DRIVE_LETTER,
    rules::SYMLINK,
    rules::ENCRYPTED_ENTRY,
    rules::NON_UTF8_NAME,
    rules::BIDI_CONTROL,
    rules::CONTROL_CHARACTER,
];

/// Where a `..` in a name leads.
#[derive(Debug, PartialEq, Eq)]
enum Climb {
    None,
    Inside,
    Escapes,
}

fn climb(name: &str) -> Climb {
    let mut depth: i64 = 0;
    let mut seen = false;
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                seen = true;
                depth -= 1;
                if depth < 0 {
                    return Climb::Escapes;
                }
            }
            _ => depth += 1,
        }
    }
    if seen {
        Climb::Inside
    } else {
        Climb::None
    }
}

fn is_absolute(name: &str) -> bool {
    name.starts_with('/') || name.starts_with('\\')
}

fn has_drive_letter(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

impl Detector for ArchiveHygiene {
    fn name(&self) -> &'static str {
        "archive-hygiene"
    }

    fn scope(&self) -> crate::detect::Scope {
        crate::detect::Scope::Entry
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_entry(&mut self, e: &EntryInfo<'_>, out: &mut Vec<NewFinding>) {
        let shown = visible(e.name);
        let what = match e.kind {
            EntryType::Dir => "Folder",
            _ => "Entry",
        };
        match climb(e.name) {
            Climb::Escapes => out.push(
                NewFinding::new(
                    &rules::PATH_TRAVERSAL,
                    e.path,
                    format!("{what} name climbs out of the extraction folder: {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            ),
            Climb::Inside => out.push(
                NewFinding::new(
                    &rules::PATH_TRAVERSAL,
                    e.path,
                    format!("{what} name contains '..': {shown}"),
                )
                .severity(Severity::Medium)
                .evidence(shown.clone())
                .key(e.name),
            ),
            Climb::None => {}
        }
        if is_absolute(e.name) {
            out.push(
                NewFinding::new(
                    &rules::ABSOLUTE_PATH,
                    e.path,
                    format!("{what} name is an absolute path: {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            );
        }
        if has_drive_letter(e.name) {
            out.push(
                NewFinding::new(
                    &rules::DRIVE_LETTER,
                    e.path,
                    format!("{what} name starts with a drive letter: {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            );
        }
        if e.name.chars().any(is_bidi_control) {
            out.push(
                NewFinding::new(
                    &rules::BIDI_CONTROL,
                    e.path,
                    format!("{what} name contains a bidirectional control character: {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            );
        } else if e.name.chars().any(char::is_control) {
            out.push(
                NewFinding::new(
                    &rules::CONTROL_CHARACTER,
                    e.path,
                    format!("{what} name contains control characters: {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            );
        }
        if e.name_not_utf8 {
            out.push(
                NewFinding::new(
                    &rules::NON_UTF8_NAME,
                    e.path,
                    format!("{what} name is not valid UTF-8 (shown decoded as CP437): {shown}"),
                )
                .evidence(shown.clone())
                .key(e.name),
            );
        }
        if e.kind == EntryType::Link {
            let target = e.link_target.unwrap_or("");
            let leaves = is_absolute(target)
                || has_drive_letter(target)
                || climb(&format!("{}/../{target}", e.name)) == Climb::Escapes;
            let title = if target.is_empty() {
                format!("Symbolic link: {shown}")
            } else if leaves {
                format!(
                    "Symbolic link points outside the package: {shown} -> {}",
                    visible(target)
                )
            } else {
                format!("Symbolic link: {shown} -> {}", visible(target))
            };
            let f = NewFinding::new(&rules::SYMLINK, e.path, title)
                .evidence(format!("{shown} -> {}", visible(target)))
                .key(format!("{}\0{target}", e.name));
            out.push(if leaves {
                f.severity(Severity::High)
            } else {
                f
            });
        }
        if e.encrypted {
            out.push(
                NewFinding::new(
                    &rules::ENCRYPTED_ENTRY,
                    e.path,
                    format!("Encrypted entry, content not inspected: {shown}"),
                )
                .evidence(shown.into_owned())
                .key(e.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, kind: EntryType, target: Option<&str>) -> Vec<(String, Severity)> {
        let e = EntryInfo {
            path: name,
            name,
            kind,
            link_target: target,
            encrypted: false,
            name_not_utf8: false,
            size: 0,
            depth: 0,
        };
        let mut out = Vec::new();
        ArchiveHygiene.check_entry(&e, &mut out);
        out.into_iter()
            .map(|f| (f.rule.id.to_string(), f.severity.unwrap_or(f.rule.severity)))
            .collect()
    }

    #[test]
    fn clean_names_have_no_findings() {
        assert!(check("etc/cron.d/import", EntryType::File, None).is_empty());
        assert!(check("a/./b..c/d", EntryType::File, None).is_empty());
    }

    #[test]
    fn traversal_escaping_is_high_and_staying_inside_is_medium() {
        assert_eq!(
            check("../../etc/passwd", EntryType::File, None),
            [("archive.path-traversal".into(), Severity::High)]
        );
        assert_eq!(
            check("a\\..\\..\\x", EntryType::File, None),
            [("archive.path-traversal".into(), Severity::High)]
        );
        assert_eq!(
            check("a/b/../c", EntryType::File, None),
            [("archive.path-traversal".into(), Severity::Medium)]
        );
    }

    #[test]
    fn absolute_drive_and_control_names() {
        assert_eq!(
            check("/etc/shadow", EntryType::File, None)[0].0,
            "archive.absolute-path"
        );
        assert_eq!(
            check("C:/Windows/x.dll", EntryType::File, None)[0].0,
            "archive.drive-letter"
        );
        assert_eq!(
            check("invoice\u{202e}fdp.exe", EntryType::File, None)[0].0,
            "archive.bidi-control"
        );
        assert_eq!(
            check("bad\nname", EntryType::File, None)[0].0,
            "archive.control-character"
        );
    }

    #[test]
    fn symlinks_leaving_the_package_are_high() {
        assert_eq!(
            check("current", EntryType::Link, Some("releases/3.0")),
            [("archive.symlink".into(), Severity::Medium)]
        );
        assert_eq!(
            check("conf/link", EntryType::Link, Some("/etc/shadow")),
            [("archive.symlink".into(), Severity::High)]
        );
        assert_eq!(
            check("conf/link", EntryType::Link, Some("../../x")),
            [("archive.symlink".into(), Severity::High)]
        );
    }
}
