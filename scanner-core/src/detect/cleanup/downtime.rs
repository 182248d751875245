//! The downtime the documentation claims: "five-minute downtime", "downtime of about 10
//! minutes", "5 min downtime", "zero downtime", "no downtime", "requires a restart".

use super::{compiled, evidence, Sink};
use crate::rules::cleanup::CLAIMED_DOWNTIME;
use regex::Regex;
use std::sync::OnceLock;

const NUMBER: &str = r"\d{1,4}(?:[.,]\d)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-five|forty|sixty|ninety|half\s+an?";
const UNIT: &str = r"minutes?|mins?|hours?|hrs?|h|seconds?|secs?|s";
const DOWN: &str =
    r"down-?\s?time|outage|service\s+interruption|interruption|unavailab(?:le|ility)";

/// `5 minutes of downtime`, `five-minute downtime`, `5-10 min downtime`.
fn amount_first() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        &format!(
            r"(?i)\b(?P<n>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<m>{NUMBER}))?[\s-]*(?P<u>{UNIT})\b[\s-]*(?:of\s+)?(?:[a-z]+\s+){{0,2}}?(?:{DOWN})\b"
        ),
    )
}

/// `downtime of about 10 minutes`, `downtime: ~5 min`, `downtime is under 2 hours`.
fn amount_after() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        &format!(
            r"(?i)\b(?:{DOWN})\b[^.\n\d]{{0,40}}?\b(?P<n>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<m>{NUMBER}))?[\s-]*(?P<u>{UNIT})\b"
        ),
    )
}

fn none() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(?:zero|no|without(?:\s+any)?)[\s-]+(?:down-?\s?time|outage|service\s+interruption)\b",
    )
}

fn restart() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)\b(?:requires?|needs?|involves?)\s+(?:a\s+|an\s+)?(?:full\s+|short\s+|brief\s+)?(?:service\s+|server\s+|system\s+|application\s+)?(?:restart|reboot)\b",
    )
}

/// A number written in digits or words, in tenths (`1.5` is 15).
fn number(s: &str) -> Option<u32> {
    let l = s.trim().to_ascii_lowercase();
    let words = [
        ("a", 10),
        ("an", 10),
        ("one", 10),
        ("two", 20),
        ("three", 30),
        ("four", 40),
        ("five", 50),
        ("six", 60),
        ("seven", 70),
        ("eight", 80),
        ("nine", 90),
        ("ten", 100),
        ("eleven", 110),
        ("twelve", 120),
        ("fifteen", 150),
        ("twenty", 200),
        ("thirty", 300),
        ("forty", 400),
        ("forty-five", 450),
        ("sixty", 600),
        ("ninety", 900),
    ];
    if let Some((_, v)) = words.iter().find(|(w, _)| *w == l) {
        return Some(*v);
    }
    if l.starts_with("half") {
        return Some(5);
    }
    let l = l.replace(',', ".");
    let (int, frac) = l.split_once('.').unwrap_or((&l, "0"));
    let int: u32 = int.parse().ok()?;
    let frac: u32 = frac.get(..1).and_then(|f| f.parse().ok()).unwrap_or(0);
    int.checked_mul(10)?.checked_add(frac)
}

/// Whole minutes (rounded up) of an amount in tenths of a unit.
fn minutes(tenths: u32, unit: &str) -> u32 {
    let u = unit.to_ascii_lowercase();
    let seconds_per_unit: u64 = if u.starts_with('h') {
        3600
    } else if u.starts_with('s') {
        1
    } else {
        60
    };
    let secs = u64::from(tenths) * seconds_per_unit / 10;
    u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX)
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The words every claim names: downtime, an outage, an interruption, unavailability, a
/// restart or a reboot. Each pattern [`scan`] runs on a line only matches text that holds a
/// match of this one, and it has no anchors or word boundaries, so a match inside a line is a
/// match inside the whole text too.
fn claim_words() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(
        &RE,
        r"(?i)down-?\s?time|outage|interruption|unavailab|restart|reboot",
    )
}

/// Whether a text can hold a claim [`scan`] reports.
#[cfg(test)]
pub(super) fn possible(text: &str) -> bool {
    first_word(text).is_some()
}

/// Where the first of the [`claim_words`] starts (0 without the pattern), or `None` when the
/// text cannot hold a claim [`scan`] reports.
pub(super) fn first_word(text: &str) -> Option<usize> {
    match claim_words() {
        Some(re) => re.find(text).map(|m| m.start()),
        None => Some(0),
    }
}

/// The indices of the lines that can hold a claim: those that share a byte with a match of
/// [`claim_words`] in the whole text. A line holding a match of its own always shares a byte
/// with one of the matches a search over the whole text reports (that search, coming from the
/// left, reports a match starting at or before it, and skips past it only by covering it), so
/// no line that could report is left out. `starts` are the byte offsets of `lines` in `text`;
/// `from` is where [`first_word`] found the first match (the search goes on from there).
/// Every line, when the pattern is missing.
fn candidate_lines(text: &str, from: usize, lines: &[&str], starts: &[usize]) -> Vec<usize> {
    let (Some(re), Some(rest)) = (claim_words(), text.get(from..)) else {
        return (0..lines.len()).collect();
    };
    let mut out: Vec<usize> = Vec::new();
    for m in re.find_iter(rest) {
        let m = (from + m.start())..(from + m.end());
        // The first line that ends after the match starts, then every line starting before
        // the match ends.
        let mut i = starts.partition_point(|&s| s <= m.start).saturating_sub(1);
        while let (Some(&s), Some(l)) = (starts.get(i), lines.get(i)) {
            if s >= m.end {
                break;
            }
            if s + l.len() > m.start && out.last() != Some(&i) {
                out.push(i);
            }
            i += 1;
        }
    }
    out
}

/// Report the downtime claims of a documentation file (`starts`: the byte offset of each of
/// `lines` in `text`; `from`: what [`first_word`] said).
pub(super) fn scan(text: &str, from: usize, lines: &[&str], starts: &[usize], sink: &mut Sink<'_>) {
    let (Some(first), Some(after), Some(zero), Some(restart)) =
        (amount_first(), amount_after(), none(), restart())
    else {
        return;
    };
    // Running four patterns on every line of a long manual cost more than the rest of the
    // detector together; only the few lines that name downtime or a restart can match.
    for i in candidate_lines(text, from, lines, starts) {
        let Some(line) = lines.get(i) else { continue };
        let caps = first.captures(line).or_else(|| after.captures(line));
        if let Some(c) = caps {
            let unit = c.name("u").map(|m| m.as_str()).unwrap_or("min");
            let low = c.name("n").and_then(|m| number(m.as_str()));
            let high = c.name("m").and_then(|m| number(m.as_str()));
            // A bare `s`/`h` must follow digits (`5s`, `2h`), not a word ("a s").
            let bare = unit.len() == 1
                && c.name("n")
                    .is_some_and(|m| !m.as_str().starts_with(|ch: char| ch.is_ascii_digit()));
            if let (Some(low), false) = (low, bare) {
                let lo = minutes(low, unit);
                let title = match high.map(|h| minutes(h, unit)) {
                    Some(hi) if hi > lo => {
                        format!("Documentation claims {lo} to {hi} minutes of downtime")
                    }
                    _ => format!(
                        "Documentation claims about {lo} minute{} of downtime",
                        plural(lo)
                    ),
                };
                let hi = high.map(|h| minutes(h, unit)).unwrap_or(lo).max(lo);
                sink.push(
                    &CLAIMED_DOWNTIME,
                    Some(i),
                    format!("minutes:{hi}"),
                    title,
                    evidence(line),
                );
                continue;
            }
        }
        if zero.is_match(line) {
            sink.push(
                &CLAIMED_DOWNTIME,
                Some(i),
                "minutes:0".to_string(),
                "Documentation claims no downtime (0 minutes)".to_string(),
                evidence(line),
            );
            continue;
        }
        if restart.is_match(line) {
            sink.push(
                &CLAIMED_DOWNTIME,
                Some(i),
                "restart".to_string(),
                "Documentation says the upgrade requires a restart (minutes not stated)"
                    .to_string(),
                evidence(line),
            );
        }
    }
}
