//! The reviewer's profile (TOML) and the scan limits it carries.
//!
//! A profile that cannot be read is an error at its line, never a silent default.

use serde::Deserialize;
use std::fmt;

/// Explicit bounds on what a scan may cost. Reaching one is an `archive` finding
/// (see [`crate::rules`]), and the walk goes on with the rest of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// File entries visited at most, nested ones included.
    pub max_entries: u64,
    /// Uncompressed bytes read at most, over the whole scan.
    pub max_total_bytes: u64,
    /// Bytes of one entry given to the text detectors; the rest is not scanned.
    pub max_entry_bytes: u64,
    /// Largest uncompressed-to-compressed ratio allowed for one entry (only checked once the
    /// entry has produced more than [`Limits::RATIO_GRACE_BYTES`]).
    pub max_ratio: u64,
    /// How deep nested archives are opened (the package itself is depth 0).
    pub max_depth: u32,
    /// Largest nested ZIP held in memory to open it.
    pub max_nested_bytes: u64,
}

impl Limits {
    /// Bytes an entry may inflate to before the ratio limit applies: small files with
    /// extreme ratios (a run of spaces) are harmless.
    pub const RATIO_GRACE_BYTES: u64 = 1 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 250_000,
            max_total_bytes: 16 << 30,
            max_entry_bytes: 32 << 20,
            max_ratio: 1_000,
            max_depth: 5,
            max_nested_bytes: 256 << 20,
        }
    }
}

/// What the reviewer tells the scanner about their environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Finding ids to leave out of the report.
    pub ignore: Vec<String>,
    /// Scan limits.
    pub limits: Limits,
}

/// A profile that could not be read, with the place of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "profile line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "profile line {l}: {}", self.message),
            _ => write!(f, "profile: {}", self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Parse a TOML profile. An empty text is the default profile.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        toml::from_str::<Profile>(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            ProfileError {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_profile_is_default() {
        assert_eq!(Profile::from_toml(""), Ok(Profile::default()));
    }

    #[test]
    fn limits_can_be_set() {
        let expected = Profile {
            ignore: vec!["abc".to_string()],
            limits: Limits {
                max_depth: 2,
                ..Limits::default()
            },
        };
        assert_eq!(
            Profile::from_toml("ignore = [\"abc\"]\n[limits]\nmax_depth = 2\n"),
            Ok(expected)
        );
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let e = Profile::from_toml("ignore = []\n\n[limits]\nmax_dpth = 2\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("max_dpth"), "{e}");
    }

    #[test]
    fn wrong_type_is_an_error_at_its_line() {
        let e = Profile::from_toml("[limits]\nmax_depth = \"five\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }
}
