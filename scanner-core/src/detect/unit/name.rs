//! Unit names: what makes a valid one, templates and instances, the default `.service`
//! suffix, `%` specifiers, and the closest shipped name for a name the package lacks.

/// The unit types, as file suffixes without the dot.
pub const SUFFIXES: &[&str] = &[
    "service",
    "socket",
    "target",
    "timer",
    "path",
    "mount",
    "automount",
    "swap",
    "slice",
    "scope",
    "device",
];

/// Unit types the system makes up by itself (devices from udev, mounts and swaps from
/// fstab, slices implicitly, scopes at run time): a reference to one that the package does
/// not ship is no sign of a renamed unit.
pub const GENERATED: &[&str] = &["mount", "automount", "swap", "slice", "scope", "device"];

/// Longest unit name systemd accepts.
const MAX_NAME: usize = 255;

/// The unit type of a name (`service` for `foo.service`), when its suffix is one.
pub fn kind(name: &str) -> Option<&'static str> {
    let (stem, suffix) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    SUFFIXES.iter().copied().find(|s| *s == suffix)
}

/// The name without its type suffix (`foo@` for `foo@.service`).
pub fn stem(name: &str) -> &str {
    match kind(name) {
        Some(k) => name.get(..name.len() - k.len() - 1).unwrap_or(name),
        None => name,
    }
}

/// Characters systemd allows in a unit name (besides a single `@`).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '.' | '\\' | '-')
}

/// Whether `name` is a valid unit name with a type suffix: allowed characters only, at most
/// one `@` (not first), not longer than systemd allows.
pub fn is_valid(name: &str) -> bool {
    if name.is_empty() || name.len() > MAX_NAME || kind(name).is_none() {
        return false;
    }
    let s = stem(name);
    let (prefix, instance) = match s.split_once('@') {
        Some((p, i)) => (p, Some(i)),
        None => (s, None),
    };
    !prefix.is_empty()
        && prefix.chars().all(name_char)
        && instance.is_none_or(|i| i.chars().all(name_char))
}

/// The template of an instance name (`foo@.service` for `foo@bar.service`); `None` for a
/// template or a plain name.
pub fn template_of(name: &str) -> Option<String> {
    let k = kind(name)?;
    let (prefix, instance) = stem(name).split_once('@')?;
    (!instance.is_empty()).then(|| format!("{prefix}@.{k}"))
}

/// A unit name as a command line writes it (`systemctl restart acme`, `service acme
/// restart`): trailing punctuation of prose dropped, `.service` added when the name carries
/// no unit type (what systemctl does). `None` for anything that is not a literal unit name:
/// variables, globs, paths, options, numbers.
pub fn from_command(word: &str) -> Option<String> {
    let w = word.trim_end_matches([',', ';', ':', '.']);
    if w.is_empty()
        || w.starts_with('-')
        || w.bytes().all(|b| b.is_ascii_digit())
        || w.len() > MAX_NAME
    {
        return None;
    }
    let name = if kind(w).is_some() {
        w.to_string()
    } else {
        format!("{w}.service")
    };
    is_valid(&name).then_some(name)
}

/// A unit name as a unit file writes it, `%` specifiers expanded for the unit `owner`
/// (`%n`, `%N`, `%p`, `%P`, `%i`, `%I`, `%j`, `%J`, `%%`); in a template an instance
/// specifier is empty, so `bar@%i.service` names the template `bar@.service`. `None` when the
/// name is not valid or uses a specifier only the running system knows (`%H`, `%u`...).
pub fn from_unit_file(word: &str, owner: &str) -> Option<String> {
    let name = if word.contains('%') {
        expand(word, owner)?
    } else {
        word.to_string()
    };
    is_valid(&name).then_some(name)
}

fn expand(word: &str, owner: &str) -> Option<String> {
    let full = stem(owner);
    let (prefix, instance) = full.split_once('@').unwrap_or((full, ""));
    let last = prefix.rsplit('-').next().unwrap_or(prefix);
    let mut out = String::with_capacity(word.len() + owner.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            'n' => out.push_str(owner),
            'N' => out.push_str(full),
            'p' | 'P' => out.push_str(prefix),
            'i' | 'I' => out.push_str(instance),
            'j' | 'J' => out.push_str(last),
            _ => return None,
        }
        if out.len() > MAX_NAME {
            return None;
        }
    }
    Some(out)
}

/// Bytes of a name's stem compared when looking for a close name.
const COMPARED: usize = 48;

/// Levenshtein distance of two short byte strings.
fn distance(a: &[u8], b: &[u8]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let best = if ca == cb {
                diag
            } else {
                diag.min(above).min(left).saturating_add(1)
            };
            diag = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// A stem as compared: lowercase, `_` as `-`, at most [`COMPARED`] bytes.
fn folded(name: &str) -> Vec<u8> {
    stem(name)
        .bytes()
        .take(COMPARED)
        .map(|b| match b.to_ascii_lowercase() {
            b'_' => b'-',
            other => other,
        })
        .collect()
}

/// How close a candidate is to a wanted name: `None` when it is not a plausible rename.
/// Lower is closer: (one name is the other grown by letters or not, edit distance, longer
/// common prefix first).
fn closeness(want: &[u8], have: &[u8], budget: &mut usize) -> Option<(usize, usize, usize)> {
    let common = want.iter().zip(have).take_while(|(a, b)| a == b).count();
    let shorter = want.len().min(have.len());
    // `redis` and `redis-server`: one is the other plus a word.
    let extended = shorter >= 3
        && common == shorter
        && [want, have]
            .iter()
            .find(|s| s.len() > shorter)
            .and_then(|s| s.get(shorter))
            .is_some_and(|b| matches!(b, b'-' | b'@' | b'.'));
    // `acme-api` and `acme-apiserver`, `acme-sync` and `acme-synchronizer`: the shorter name
    // is the start of the longer one and ends in a word of three letters or more after its
    // vendor part.
    let grown = common == shorter
        && [want, have]
            .iter()
            .find(|s| s.len() == shorter)
            .and_then(|s| s.iter().rposition(|&b| b == b'-').map(|i| s.len() - i - 1))
            .is_some_and(|last| last >= 3);
    let limit = (shorter / 3).max(1);
    // The distance is at least the difference in length.
    if !extended && !grown && want.len().abs_diff(have.len()) > limit {
        return None;
    }
    if *budget == 0 {
        return None;
    }
    *budget -= 1;
    let d = distance(want, have);
    let near = d <= limit && d < shorter;
    // A name kept whole inside the other beats a closer but different one.
    (near || extended || grown).then(|| (usize::from(!grown), d, usize::MAX - common))
}

/// The shipped name closest to `want` (same unit type; else the same stem with another
/// type), when one is close enough to be a rename. Each edit distance computed takes one
/// from `budget`; none is computed once it is spent.
pub fn suggest<'a>(
    want: &str,
    shipped: impl Iterator<Item = &'a str> + Clone,
    budget: &mut usize,
) -> Option<&'a str> {
    let want_kind = kind(want)?;
    let w = folded(want);
    let best = shipped
        .clone()
        .filter(|c| kind(c) == Some(want_kind) && *c != want)
        .filter_map(|c| closeness(&w, &folded(c), budget).map(|score| (score, c)))
        .min();
    if let Some((_, c)) = best {
        return Some(c);
    }
    shipped
        .filter(|c| kind(c) != Some(want_kind) && folded(c) == w)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_validity() {
        assert_eq!(kind("acme.service"), Some("service"));
        assert_eq!(kind("-.mount"), Some("mount"));
        assert_eq!(kind(".service"), None);
        assert_eq!(kind("acme.conf"), None);
        assert_eq!(stem("acme@.service"), "acme@");
        assert!(is_valid("acme@.service"));
        assert!(is_valid("acme@x\\x2dy.service"));
        assert!(is_valid("-.slice"));
        assert!(!is_valid("@x.service"));
        assert!(!is_valid("a@b@c.service"));
        assert!(!is_valid("acme-*.service"));
        assert!(!is_valid("$SVC.service"));
        assert!(!is_valid("acme"));
        assert!(!is_valid(&format!("{}.service", "a".repeat(300))));
    }

    #[test]
    fn templates() {
        assert_eq!(
            template_of("acme@eu.service").as_deref(),
            Some("acme@.service")
        );
        assert_eq!(template_of("acme@.service"), None);
        assert_eq!(template_of("acme.service"), None);
    }

    #[test]
    fn command_words() {
        assert_eq!(from_command("acme").as_deref(), Some("acme.service"));
        assert_eq!(from_command("acme.timer").as_deref(), Some("acme.timer"));
        assert_eq!(
            from_command("acme.service.").as_deref(),
            Some("acme.service")
        );
        assert_eq!(
            from_command("acme.conf").as_deref(),
            Some("acme.conf.service")
        );
        for no in ["", "-q", "1234", "acme*", "a/b", "x=y", "é"] {
            assert_eq!(from_command(no), None, "{no:?}");
        }
    }

    #[test]
    fn specifiers() {
        let f = |w: &str, o: &str| from_unit_file(w, o);
        assert_eq!(
            f("bar@%i.service", "foo@.service").as_deref(),
            Some("bar@.service")
        );
        assert_eq!(
            f("bar@%i.service", "foo@eu.service").as_deref(),
            Some("bar@eu.service")
        );
        assert_eq!(
            f("%p.socket", "foo@.service").as_deref(),
            Some("foo.socket")
        );
        assert_eq!(f("%N.socket", "foo.service").as_deref(), Some("foo.socket"));
        assert_eq!(
            f("%j-x.service", "acme-db.service").as_deref(),
            Some("db-x.service")
        );
        assert_eq!(f("%H.service", "foo.service"), None);
        assert_eq!(f("x%", "foo.service"), None);
    }

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(distance(b"kitten", b"sitting"), 3);
        assert_eq!(distance(b"", b"abc"), 3);
        let shipped = ["acme-import.service", "acme-export.service", "backup.timer"];
        let mut budget = 100;
        let mut s = |w: &str| suggest(w, shipped.iter().copied(), &mut budget);
        assert_eq!(s("acme-importer.service"), Some("acme-import.service"));
        assert_eq!(s("acme_export.service"), Some("acme-export.service"));
        assert_eq!(s("backup.service"), Some("backup.timer"));
        assert_eq!(s("nginx.service"), None);
        assert_eq!(s("bkup.service"), None);
        let redis = ["redis-server.service"];
        assert_eq!(
            suggest("redis.service", redis.iter().copied(), &mut budget),
            Some("redis-server.service")
        );
        let mut spent = 0;
        assert_eq!(
            suggest("redis.service", redis.iter().copied(), &mut spent),
            None
        );
        // Renamed by growing or shrinking the last word.
        let acme = [
            "acme-apiserver.service",
            "acme-sync.service",
            "acme-a.service",
        ];
        let mut s = |w: &str| suggest(w, acme.iter().copied(), &mut budget);
        assert_eq!(s("acme-api.service"), Some("acme-apiserver.service"));
        assert_eq!(s("acme-synchronizer.service"), Some("acme-sync.service"));
        assert_eq!(s("acme-ab.service"), Some("acme-a.service"));
        assert_eq!(s("acme-b.service"), Some("acme-a.service"));
        assert_eq!(s("acme-synthetic.service"), None);
    }
}
