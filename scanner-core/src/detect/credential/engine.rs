//! Running a rule set over one text: keyword prefilter, windowed regex search, filters,
//! overlap resolution.
//!
//! Cost: one Aho-Corasick pass over the text finds every keyword of every rule. A rule is
//! tried only in a window around a hit of one of its keywords (the hit's line, or a bounded
//! slice of a very long line; a few KiB after the hit for multi-line rules), and a window
//! already searched for that rule is not searched again. So each byte is searched at most a
//! couple of times per rule whose keyword occurs near it, and rules whose keywords never occur
//! cost nothing.

use super::filter::{entropy, generic_rejects, is_placeholder};
use super::ruleset::Compiled;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Lines longer than this are searched in slices around each keyword hit.
const LONG_LINE: usize = 4096;
/// Bytes before a hit searched on a long line.
const BEFORE: usize = 512;
/// Bytes after a hit searched on a long line.
const AFTER: usize = 1024;
/// Bytes after a hit searched by multi-line rules.
const MULTILINE_AFTER: usize = 16 * 1024;
/// Candidate matches kept per text at most.
pub const MAX_CANDIDATES: usize = 2000;
/// The line marker that silences credential findings.
pub const ALLOW_MARKER: &str = "preflight:allow";

/// Rules with their prefilter.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// The rules, in priority order.
    pub rules: Vec<Compiled>,
    ac: Option<AhoCorasick>,
    /// Pattern index -> rules with that keyword.
    by_keyword: Vec<Vec<usize>>,
    /// Rules without keywords: tried on every text.
    always: Vec<usize>,
    /// Rule index -> which distinct precheck pattern it has (rules with the same pattern
    /// share the answer for the same window).
    precheck_group: Vec<Option<usize>>,
}

impl RuleSet {
    /// Build the prefilter over the rules' keywords.
    pub fn new(rules: Vec<Compiled>) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut by_keyword: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let kws: Vec<&String> = r.keywords.iter().filter(|k| !k.is_empty()).collect();
            if kws.is_empty() {
                always.push(i);
            }
            for k in kws {
                match words.iter().position(|w| w == k) {
                    Some(p) => {
                        if let Some(v) = by_keyword.get_mut(p) {
                            v.push(i);
                        }
                    }
                    None => {
                        words.push(k.clone());
                        by_keyword.push(vec![i]);
                    }
                }
            }
        }
        // The search reports the longest keyword at each place and does not overlap matches
        // (the fast path of the automaton): a keyword found also triggers the rules of every
        // keyword it contains (`password` triggers the rules keyed on `pass`).
        let direct = by_keyword.clone();
        for (i, w) in words.iter().enumerate() {
            for (j, k) in words.iter().enumerate() {
                if i != j && w.contains(k.as_str()) {
                    if let (Some(extra), Some(list)) = (direct.get(j), by_keyword.get_mut(i)) {
                        for r in extra {
                            if !list.contains(r) {
                                list.push(*r);
                            }
                        }
                    }
                }
            }
        }
        let ac = if words.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&words)
                .ok()
        };
        if ac.is_none() {
            // Without a prefilter every rule is tried (never happens with valid keywords).
            always = (0..rules.len()).collect();
        }
        let mut patterns: Vec<&str> = Vec::new();
        let precheck_group = rules
            .iter()
            .map(|r| {
                let p = r.precheck.as_ref()?.as_str();
                Some(match patterns.iter().position(|q| *q == p) {
                    Some(i) => i,
                    None => {
                        patterns.push(p);
                        patterns.len() - 1
                    }
                })
            })
            .collect();
        RuleSet {
            rules,
            ac,
            by_keyword,
            always,
            precheck_group,
        }
    }
}

/// A match that passed the rule's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Which set (0: built-in, 1: profile) and rule.
    pub set: usize,
    /// Rule index in its set.
    pub rule: usize,
    /// Byte span of the secret in the text.
    pub start: usize,
    /// End of the secret (exclusive).
    pub end: usize,
    /// Start of the whole match (its line is the finding's line).
    pub anchor: usize,
    /// Lower wins when secrets overlap: specific built-in rules, then profile rules, then
    /// the generic assignment rules.
    pub priority: usize,
}

/// The largest char boundary `<= i`.
pub fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary `>= i`.
pub fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Start of the line holding `pos`, if it lies within `limit` bytes before it.
fn line_start_within(text: &str, pos: usize, limit: usize) -> Option<usize> {
    let lo = floor_boundary(text, pos.saturating_sub(limit));
    let seg = text.get(lo..pos)?;
    match seg.rfind('\n') {
        Some(i) => Some(lo + i + 1),
        None if lo == 0 => Some(0),
        None => None,
    }
}

/// End of the line holding `pos` (before the `\n`), if within `limit` bytes after it.
fn line_end_within(text: &str, pos: usize, limit: usize) -> Option<usize> {
    let hi = ceil_boundary(text, pos.saturating_add(limit));
    let seg = text.get(pos..hi)?;
    match seg.find('\n') {
        Some(i) => Some(pos + i),
        None if hi == text.len() => Some(hi),
        None => None,
    }
}

/// The window searched for a rule around a keyword hit `[p, q)`, and whether it ends at the
/// end of a line.
fn window(text: &str, p: usize, q: usize, multiline: bool) -> (usize, usize, bool) {
    let a = line_start_within(text, p, BEFORE.max(LONG_LINE / 4))
        .unwrap_or_else(|| floor_boundary(text, p.saturating_sub(BEFORE)));
    if multiline {
        let b = ceil_boundary(text, q.saturating_add(MULTILINE_AFTER));
        return (a, b, b == text.len());
    }
    match line_end_within(text, q, LONG_LINE) {
        Some(b) => (a, b, true),
        None => (a, ceil_boundary(text, q.saturating_add(AFTER)), false),
    }
}

/// Per-text state of one rule.
#[derive(Clone, Copy)]
struct Searched {
    start: usize,
    end: usize,
    to_line_end: bool,
    path_ok: Option<bool>,
}

/// The last precheck answered: (group, window start, window end, whether it matched). The
/// rules sharing a precheck also share their keywords, so they ask about the same window one
/// after the other.
type LastPrecheck = Option<(usize, usize, usize, bool)>;

/// Whether rule `ri` can match in `text[a..b]`: false only when its precheck finds nothing
/// there (every match of the rule contains a match of the precheck).
fn may_match(
    set: &RuleSet,
    ri: usize,
    text: &str,
    a: usize,
    b: usize,
    last: &mut LastPrecheck,
) -> bool {
    let (Some(rule), Some(Some(group))) = (set.rules.get(ri), set.precheck_group.get(ri)) else {
        return true;
    };
    let Some(pre) = &rule.precheck else {
        return true;
    };
    if let Some((g, la, lb, found)) = *last {
        if g == *group && la == a && lb == b {
            return found;
        }
    }
    let found = text.get(a..b).is_none_or(|hay| pre.is_match(hay));
    *last = Some((*group, a, b, found));
    found
}

/// Find every candidate of `set` in `text` (entry `path`), appending to `out`.
pub fn collect(set: &RuleSet, set_no: usize, path: &str, text: &str, out: &mut Vec<Candidate>) {
    let mut last: LastPrecheck = None;
    let mut state: Vec<Searched> = vec![
        Searched {
            start: 0,
            end: 0,
            to_line_end: false,
            path_ok: None,
        };
        set.rules.len()
    ];
    for &ri in &set.always {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        if let Some(rule) = set.rules.get(ri) {
            if path_ok(rule, path) && may_match(set, ri, text, 0, text.len(), &mut last) {
                search(set_no, ri, rule, path, text, 0, text.len(), out);
            }
        }
    }
    let Some(ac) = &set.ac else { return };
    for m in ac.find_iter(text) {
        let (p, q) = (m.start(), m.end());
        let Some(rules) = set.by_keyword.get(m.pattern().as_usize()) else {
            continue;
        };
        for &ri in rules {
            if out.len() >= MAX_CANDIDATES {
                return;
            }
            let (Some(rule), Some(st)) = (set.rules.get(ri), state.get_mut(ri)) else {
                continue;
            };
            if set.always.contains(&ri) {
                continue;
            }
            let ok = *st.path_ok.get_or_insert_with(|| path_ok(rule, path));
            if !ok {
                continue;
            }
            let covered =
                p >= st.start && q <= st.end && (st.to_line_end || q.saturating_add(256) <= st.end);
            if covered {
                continue;
            }
            let (a, b, to_line_end) = window(text, p, q, rule.multiline);
            *st = Searched {
                start: a,
                end: b,
                to_line_end,
                path_ok: Some(true),
            };
            if may_match(set, ri, text, a, b, &mut last) {
                search(set_no, ri, rule, path, text, a, b, out);
            }
        }
    }
}

fn path_ok(rule: &Compiled, path: &str) -> bool {
    if let Some(p) = &rule.paths {
        if !p.is_match(path) {
            return false;
        }
    }
    if let Some(p) = &rule.allow_paths {
        if p.is_match(path) {
            return false;
        }
    }
    !rule
        .allow
        .iter()
        .any(|a| a.paths.iter().any(|p| p.is_match(path)))
}

#[allow(clippy::too_many_arguments)]
fn search(
    set_no: usize,
    ri: usize,
    rule: &Compiled,
    _path: &str,
    text: &str,
    a: usize,
    b: usize,
    out: &mut Vec<Candidate>,
) {
    let Some(hay) = text.get(a..b) else { return };
    let mut at = 0;
    while at <= hay.len() {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        let Some(caps) = rule.regex.captures_at(hay, at) else {
            return;
        };
        let whole = caps.get(0).map_or((at, at), |m| (m.start(), m.end()));
        // Alternatives (`'x'|"x"|x`) put the secret in different groups: the first group from
        // `secret_group` on that took part is the secret.
        let g = (rule.secret_group..caps.len()).find_map(|i| caps.get(i));
        // The next search starts where the secret ends, not where the match does: what a rule
        // reads after the secret (a URL's host) may hold the start of the next secret
        // (`postgres://a:s1@hostpostgres://a:s2@host`).
        let resume = g.map_or(whole.1, |g| g.end());
        at = if resume > whole.0 {
            resume
        } else {
            // An empty match or secret at the match's start: one character on.
            whole.0
                + hay
                    .get(whole.0..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
        };
        let Some(g) = g else { continue };
        let secret = g.as_str();
        if secret.trim().is_empty() || !accept(rule, secret) {
            continue;
        }
        let c = Candidate {
            set: set_no,
            rule: ri,
            start: a + g.start(),
            end: a + g.end(),
            anchor: a + caps.get(0).map_or(g.start(), |m| m.start()),
            priority: match (set_no, rule.generic) {
                (0, false) => ri,
                (_, false) => 100_000 + ri,
                (_, true) => 200_000 + ri,
            },
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
}

/// The rule's own filters over the secret.
pub fn accept(rule: &Compiled, secret: &str) -> bool {
    if let Some(min) = rule.entropy {
        if entropy(secret) < min {
            return false;
        }
    }
    if is_placeholder(secret) {
        return false;
    }
    if rule.generic && generic_rejects(secret, rule.literal) {
        return false;
    }
    let lower = secret.to_lowercase();
    !rule.allow.iter().any(|a| {
        a.regexes.iter().any(|r| r.is_match(secret))
            || a.stopwords
                .iter()
                .any(|w| !w.is_empty() && lower.contains(w))
    })
}

/// Keep candidates whose secrets do not overlap a higher-priority one, in text order.
pub fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by_key(|c| (c.priority, c.start));
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        if !kept.iter().any(|k| k.start < c.end && c.start < k.end) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| (c.start, c.end));
    kept
}
