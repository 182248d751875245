//! Units the system provides by itself: a package may refer to them without shipping them.
//!
//! The built-in list ([`BUILTIN`], `known-units.txt`) holds systemd's own units and targets
//! and the units of daemons distributions commonly ship. [`KnownUnits`] is built from it and
//! can take more names (a profile's list, later).

use super::name;
use std::collections::HashSet;

/// The compiled-in list: one name per line, `#` comments, templates, one `*` per pattern.
pub const BUILTIN: &str = include_str!("known-units.txt");

/// Longest list of patterns kept (exact names are a set and cost nothing to look up).
const MAX_PATTERNS: usize = 1_000;

/// A set of unit names the target system is expected to have.
#[derive(Debug, Clone, Default)]
pub struct KnownUnits {
    exact: HashSet<String>,
    /// (before the `*`, after the `*`).
    patterns: Vec<(String, String)>,
}

impl KnownUnits {
    /// The built-in list.
    pub fn builtin() -> Self {
        let mut k = KnownUnits::default();
        k.extend_from_list(BUILTIN);
        k
    }

    /// Add the names of a list in the format of [`BUILTIN`].
    pub fn extend_from_list(&mut self, list: &str) {
        self.extend(
            list.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty()),
        );
    }

    /// Add names: exact names, templates (`foo@.service`) or patterns with one `*`.
    pub fn extend<I, S>(&mut self, names: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for n in names {
            let n = n.as_ref().trim();
            if n.is_empty() {
                continue;
            }
            match n.split_once('*') {
                Some((before, after)) if !after.contains('*') => {
                    if self.patterns.len() < MAX_PATTERNS {
                        self.patterns.push((before.to_string(), after.to_string()));
                    }
                }
                Some(_) => {}
                None => {
                    self.exact.insert(n.to_string());
                }
            }
        }
    }

    /// Whether the system provides `unit` (a full name with its type suffix): listed, an
    /// instance of a listed template, or matched by a pattern.
    pub fn contains(&self, unit: &str) -> bool {
        let matches = |n: &str| {
            self.exact.contains(n)
                || self.patterns.iter().any(|(before, after)| {
                    n.len() >= before.len() + after.len()
                        && n.starts_with(before.as_str())
                        && n.ends_with(after.as_str())
                })
        };
        matches(unit) || name::template_of(unit).is_some_and(|t| matches(&t))
    }

    /// How many names and patterns the set holds.
    pub fn len(&self) -> usize {
        self.exact.len() + self.patterns.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list() {
        let k = KnownUnits::builtin();
        assert!(k.len() > 200, "{}", k.len());
        for yes in [
            "multi-user.target",
            "network-online.target",
            "systemd-journald.service",
            "getty@tty1.service",
            "postgresql@16-main.service",
            "php8.2-fpm.service",
            "dbus.socket",
        ] {
            assert!(k.contains(yes), "{yes}");
        }
        for no in ["acme-import.service", "systemd.service", "php.service"] {
            assert!(!k.contains(no), "{no}");
        }
        // Every line of the list is a valid unit name or a pattern.
        for l in BUILTIN.lines().map(str::trim) {
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            assert!(l.contains('*') || name::is_valid(l), "{l}");
        }
    }

    #[test]
    fn extended() {
        let mut k = KnownUnits::default();
        assert!(k.is_empty());
        k.extend(["acme.service", "vendor-*.timer", "a*b*c.service", " "]);
        k.extend_from_list("# c\nother@.service # the template\n");
        assert!(k.contains("acme.service"));
        assert!(k.contains("vendor-x.timer"));
        assert!(!k.contains("vendor-x.service"));
        assert!(k.contains("other@1.service"));
        assert!(!k.contains("abc.service"));
        assert_eq!(k.len(), 3);
    }
}
