//! Versions as packages write them (`2.1.4`, `v3.0`, `1.30.0-rc.1`, `5.2.0.Final`), compared
//! by their numeric parts, and version prefixes (`2.2` matches any `2.2.x`).

use std::cmp::Ordering;
use std::fmt;

/// A version: its numeric parts, and the rest (a pre-release or build label) kept for display.
/// Equality is the order's: `2.2` equals `2.2.0`.
#[derive(Debug, Clone)]
pub struct Version {
    /// Numeric parts, at most 8: `2.1.4` is `[2, 1, 4]`.
    pub parts: Vec<u64>,
    /// What follows the numbers (`-rc.1`, `.Final`, `+build5`), as written.
    pub label: String,
    /// The text as given, trimmed.
    pub text: String,
}

impl Version {
    /// Read a version: an optional `v`, then numbers separated by dots, then any label.
    /// `None` when it does not start with a number.
    pub fn parse(s: &str) -> Option<Version> {
        let text = s.trim();
        let t = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        let mut parts = Vec::new();
        let mut rest = t;
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 18 {
                break;
            }
            let (num, after) = rest.split_at(digits);
            parts.push(num.parse::<u64>().ok()?);
            rest = after;
            if parts.len() == 8 {
                break;
            }
            match rest.strip_prefix('.') {
                Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
                _ => break,
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(Version {
            parts,
            label: rest.to_string(),
            text: text.to_string(),
        })
    }

    /// The numeric part at `i`, 0 when the version is shorter (`2.2` is `2.2.0`).
    pub fn part(&self, i: usize) -> u64 {
        self.parts.get(i).copied().unwrap_or(0)
    }

    /// A pre-release (`-rc.1`, `-beta`, `.M2`): sorts before the release with the same numbers.
    pub fn is_prerelease(&self) -> bool {
        let l = self.label.to_ascii_lowercase();
        l.starts_with('-') && !l.starts_with("-final") && !l.starts_with("-release")
            || [
                "alpha", "beta", "rc", "snapshot", "preview", "dev", ".m", "-m",
            ]
            .iter()
            .any(|w| l.contains(w))
    }

    /// True when `self` is written as a prefix of `other`: `2.2` matches `2.2.0` and `2.2.7`,
    /// `3` matches every `3.x`, `2.2.1` matches only `2.2.1`.
    pub fn is_prefix_of(&self, other: &Version) -> bool {
        self.parts
            .iter()
            .enumerate()
            .all(|(i, p)| other.part(i) == *p)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.parts.len().max(other.parts.len());
        for i in 0..n {
            match self.part(i).cmp(&other.part(i)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        // Same numbers: a pre-release comes first; then the label decides, for a total order.
        match (self.is_prerelease(), other.is_prerelease()) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => self.label.cmp(&other.label),
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or(Version {
            parts: vec![],
            label: "unparsed".into(),
            text: s.into(),
        })
    }

    #[test]
    fn parsing() {
        assert_eq!(v("2.1.4").parts, [2, 1, 4]);
        assert_eq!(v("v3.0").parts, [3, 0]);
        assert_eq!(v("1.30.0-rc.1").parts, [1, 30, 0]);
        assert_eq!(v("1.30.0-rc.1").label, "-rc.1");
        assert_eq!(v("5.2.0.Final").label, ".Final");
        assert_eq!(v(" 7 ").parts, [7]);
        assert!(Version::parse("latest").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("99999999999999999999").is_none());
    }

    #[test]
    fn ordering() {
        assert!(v("2.2") == v("2.2"));
        assert_eq!(v("2.2").cmp(&v("2.2.0")), Ordering::Equal);
        assert!(v("2.10") > v("2.9"));
        assert!(v("3.0.0-rc.1") < v("3.0.0"));
        assert!(v("3.0.0") < v("3.0.1-beta"));
        assert!(v("1.30") < v("1.31.0"));
    }

    #[test]
    fn prefixes() {
        assert!(v("2.2").is_prefix_of(&v("2.2.7")));
        assert!(v("2.2").is_prefix_of(&v("2.2")));
        assert!(!v("2.2").is_prefix_of(&v("2.20.1")));
        assert!(v("3").is_prefix_of(&v("3.4.1")));
        assert!(!v("2.2.1").is_prefix_of(&v("2.2.0")));
    }
}
