//! Key globs of the deprecation matrix and the forms a key is compared in.
//!
//! A glob's `*` stands for one or more characters (dots included: `cache.*` matches
//! `cache.redis.host`), `?` for exactly one; everything else is literal. Globs are compiled to
//! anchored regexes, so matching is linear and the `*` parts can be captured for the
//! replacement.
//!
//! A key is tried in these forms, first match wins:
//! 1. as found, case-sensitive (`cache.redis.host`, `servers[0].host`);
//! 2. with list indexes as segments (`servers.0.host`), so `servers.*.host` matches too;
//! 3. relaxed, against the relaxed glob: lower case, `[n]` as `.n`, `-` and `_` dropped
//!    (Spring's relaxed binding: `cache.redis.max-idle`, `cache.redis.maxIdle` and
//!    `cache.redis.max_idle` are one key);
//! 4. environment style, for UPPER_SNAKE keys (`CACHE_REDIS_HOST` reads `cache.redis.host`):
//!    the whole key, the last segment of a longer key (docker-compose `environment:` maps,
//!    ConfigMap `data:`), and the `name:` of a Kubernetes container `env` entry.

use regex::{Regex, RegexBuilder};

/// Compiled size limit of one glob's regex.
const SIZE_LIMIT: usize = 1 << 20;

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Glob {
    /// Anchored regex of the glob as written.
    pub exact: Regex,
    /// Anchored regex of the relaxed glob.
    pub relaxed: Regex,
    /// Number of `*` in the glob.
    pub stars: usize,
}

impl Glob {
    /// Compile a glob; `None` when it is too large to compile.
    pub fn new(glob: &str) -> Option<Glob> {
        let build = |p: String| RegexBuilder::new(&p).size_limit(SIZE_LIMIT).build().ok();
        Some(Glob {
            exact: build(pattern(glob))?,
            relaxed: build(pattern(&relax(glob)))?,
            stars: glob.matches('*').count(),
        })
    }
}

/// The anchored regex source of a glob.
pub fn pattern(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len() + 8);
    out.push('^');
    let mut lit = String::new();
    for c in glob.chars() {
        if c == '*' || c == '?' {
            out.push_str(&regex::escape(&lit));
            lit.clear();
            out.push_str(if c == '*' { "(.+?)" } else { "." });
        } else {
            lit.push(c);
        }
    }
    out.push_str(&regex::escape(&lit));
    out.push('$');
    out
}

/// The relaxed form of a key or glob: lower case, `[n]` as `.n`, `-` and `_` dropped.
pub fn relax(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '-' | '_' | ']' => {}
            '[' => out.push('.'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The key with list indexes written as segments (`a[0].b` -> `a.0.b`); `None` when it has
/// none.
pub fn unbracket(key: &str) -> Option<String> {
    if !key.contains('[') {
        return None;
    }
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            ']' => {}
            '[' => out.push('.'),
            c => out.push(c),
        }
    }
    Some(out)
}

/// An environment-variable style name: upper-case letters, digits and `_`, with at least one
/// letter and one `_` (a single word like `DEBUG` is left to the other forms).
pub fn is_env_style(s: &str) -> bool {
    !s.is_empty()
        && s.contains('_')
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// `CACHE_REDIS_HOST` -> `cache.redis.host` (empty parts from `__` are dropped).
pub fn env_to_dotted(s: &str) -> String {
    s.split('_')
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(".")
}

/// `cache.valkey.max-idle` -> `CACHE_VALKEY_MAXIDLE`, `a[0].b` -> `A_0_B`: how Spring spells
/// a key as an environment variable.
pub fn dotted_to_env(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '.' | '[' => out.push('_'),
            '-' | ']' => {}
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// Fill the `*`s of `replacement` with `captures`, in order, when there are as many of each;
/// otherwise the replacement as written.
pub fn substitute(replacement: &str, captures: &[String]) -> String {
    let stars = replacement.matches('*').count();
    if stars == 0 || stars != captures.len() {
        return replacement.to_string();
    }
    let mut out = String::with_capacity(replacement.len() + 16);
    let mut parts = captures.iter();
    for c in replacement.chars() {
        if c == '*' {
            if let Some(p) = parts.next() {
                out.push_str(p);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Match `text` against `re`, returning the `*` captures.
pub fn captures(re: &Regex, text: &str) -> Option<Vec<String>> {
    let caps = re.captures(text)?;
    Some(
        caps.iter()
            .skip(1)
            .map(|m| m.map_or(String::new(), |m| m.as_str().to_string()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, key: &str) -> Option<Vec<String>> {
        let g = Glob::new(glob)?;
        captures(&g.exact, key)
    }

    #[test]
    fn stars_and_questions() {
        assert_eq!(
            m("cache.redis.*", "cache.redis.host"),
            Some(vec!["host".into()])
        );
        assert_eq!(
            m("cache.redis.*", "cache.redis.pool.max"),
            Some(vec!["pool.max".into()])
        );
        assert_eq!(m("cache.redis.*", "cache.redis."), None);
        assert_eq!(m("cache.redis.*", "cache.redis"), None);
        assert_eq!(m("a.?", "a.b"), Some(vec![]));
        assert_eq!(m("a.?", "a.bc"), None);
        assert_eq!(m("a.(b)+", "a.(b)+"), Some(vec![]));
        assert_eq!(m("Cache.host", "cache.host"), None);
        assert_eq!(
            m("spring.*.url", "spring.datasource.url"),
            Some(vec!["datasource".into()])
        );
    }

    #[test]
    fn relaxed_forms() {
        assert_eq!(relax("cache.redis.max-idle"), "cache.redis.maxidle");
        assert_eq!(relax("cache.redis.maxIdle"), "cache.redis.maxidle");
        assert_eq!(relax("servers[0].host"), "servers.0.host");
        assert_eq!(
            unbracket("servers[0].host").as_deref(),
            Some("servers.0.host")
        );
        assert_eq!(unbracket("servers.host"), None);
        assert!(is_env_style("CACHE_REDIS_HOST"));
        assert!(!is_env_style("DEBUG"));
        assert!(!is_env_style("cache_redis"));
        assert!(!is_env_style("_"));
        assert_eq!(env_to_dotted("CACHE__REDIS_HOST"), "cache.redis.host");
        assert_eq!(
            dotted_to_env("cache.valkey.max-idle"),
            "CACHE_VALKEY_MAXIDLE"
        );
        assert_eq!(dotted_to_env("a[0].b"), "A_0_B");
    }

    #[test]
    fn substitution() {
        let caps = vec!["host".to_string()];
        assert_eq!(substitute("cache.valkey.*", &caps), "cache.valkey.host");
        assert_eq!(substitute("cache.valkey.*.*", &caps), "cache.valkey.*.*");
        assert_eq!(substitute("cache.valkey", &caps), "cache.valkey");
        assert_eq!(substitute("ä.*", &caps), "ä.host");
    }
}
