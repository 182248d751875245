//! The reviewer's profile (TOML) and the scan limits it carries.
//!
//! A profile that cannot be read is an error at its line, never a silent default.

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

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

/// The maintenance window: the upgrade happens between `start` and `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start (inclusive).
    pub start: DateTime<FixedOffset>,
    /// End (exclusive).
    pub end: DateTime<FixedOffset>,
}

/// What the reviewer tells the scanner about their environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The servers' time zone, for schedules that name none (IANA name; default UTC).
    pub timezone: Tz,
    /// When the upgrade happens.
    pub maintenance_window: Option<Window>,
    /// Hosts that no longer exist: exact names or `*.suffix`.
    pub retired_hosts: Vec<String>,
    /// Finding ids to leave out of the report.
    pub ignore: Vec<String>,
    /// Scan limits.
    pub limits: Limits,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            timezone: Tz::UTC,
            maintenance_window: None,
            retired_hosts: Vec::new(),
            ignore: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// The TOML shape, with spans for the values checked after parsing.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawProfile {
    timezone: Option<Spanned<String>>,
    maintenance_window: Option<RawWindow>,
    retired_hosts: Vec<String>,
    ignore: Vec<String>,
    limits: Limits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    start: Spanned<String>,
    end: Spanned<String>,
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
        let raw = toml::from_str::<RawProfile>(text).map_err(|e| {
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
        })?;
        let at = |span: std::ops::Range<usize>, message: String| {
            let (l, c) = line_col(text, span.start);
            ProfileError {
                line: Some(l),
                column: Some(c),
                message,
            }
        };
        let timezone = match raw.timezone {
            None => Tz::UTC,
            Some(tz) => tz.get_ref().parse::<Tz>().map_err(|_| {
                at(
                    tz.span(),
                    format!(
                        "unknown time zone '{}' (use an IANA name such as Europe/Berlin or UTC)",
                        tz.get_ref()
                    ),
                )
            })?,
        };
        let maintenance_window = match raw.maintenance_window {
            None => None,
            Some(w) => {
                let instant = |v: &Spanned<String>| {
                    DateTime::parse_from_rfc3339(v.get_ref()).map_err(|e| {
                        at(
                            v.span(),
                            format!(
                                "'{}' is not an RFC 3339 instant with offset ({e}), e.g. 2026-11-28T02:00:00+01:00",
                                v.get_ref()
                            ),
                        )
                    })
                };
                let start = instant(&w.start)?;
                let end = instant(&w.end)?;
                if end <= start {
                    return Err(at(
                        w.end.span(),
                        "the maintenance window ends before it starts".into(),
                    ));
                }
                Some(Window { start, end })
            }
        };
        Ok(Profile {
            timezone,
            maintenance_window,
            retired_hosts: raw.retired_hosts,
            ignore: raw.ignore,
            limits: raw.limits,
        })
    }

    /// The profile as TOML (what the page keeps and offers for download).
    pub fn to_toml(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "timezone = {:?}", self.timezone.name());
        let list = |v: &[String]| {
            v.iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(s, "retired_hosts = [{}]", list(&self.retired_hosts));
        let _ = writeln!(s, "ignore = [{}]", list(&self.ignore));
        if let Some(w) = &self.maintenance_window {
            let _ = writeln!(
                s,
                "\n[maintenance_window]\nstart = \"{}\"\nend = \"{}\"",
                w.start.to_rfc3339(),
                w.end.to_rfc3339()
            );
        }
        let l = &self.limits;
        let _ = writeln!(
            s,
            "\n[limits]\nmax_entries = {}\nmax_total_bytes = {}\nmax_entry_bytes = {}\nmax_ratio = {}\nmax_depth = {}\nmax_nested_bytes = {}",
            l.max_entries, l.max_total_bytes, l.max_entry_bytes, l.max_ratio, l.max_depth, l.max_nested_bytes
        );
        s
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
            ..Profile::default()
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
    fn window_timezone_and_hosts() {
        let text = "timezone = \"Europe/Berlin\"\nretired_hosts = [\"sftp-legacy.example.net\"]\n[maintenance_window]\nstart = \"2026-11-28T02:00:00+01:00\"\nend = \"2026-11-28T05:00:00+01:00\"\n";
        let p = Profile::from_toml(text);
        assert!(p.is_ok(), "{p:?}");
        let Ok(p) = p else { return };
        assert_eq!(p.timezone, Tz::Europe__Berlin);
        assert_eq!(p.retired_hosts, ["sftp-legacy.example.net"]);
        let w = p
            .maintenance_window
            .map(|w| (w.start.to_rfc3339(), w.end.to_rfc3339()));
        assert_eq!(
            w,
            Some((
                "2026-11-28T02:00:00+01:00".to_string(),
                "2026-11-28T05:00:00+01:00".to_string()
            ))
        );
        // And back: the TOML the page keeps reads as the same profile.
        assert_eq!(Profile::from_toml(&p.to_toml()), Ok(p));
    }

    #[test]
    fn bad_zone_and_window_name_their_line() {
        let e = Profile::from_toml("timezone = \"Mars/Olympus\"\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.message.contains("Mars/Olympus"), "{e}");
        let e = Profile::from_toml(
            "[maintenance_window]\nstart = \"2026-11-28T05:00:00Z\"\nend = \"2026-11-28T02:00:00Z\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Profile::from_toml("[maintenance_window]\nstart = \"Saturday 2am\"\nend = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn wrong_type_is_an_error_at_its_line() {
        let e = Profile::from_toml("[limits]\nmax_depth = \"five\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }
}
