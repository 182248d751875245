//! Telling secrets from placeholders, and masking them.

use sha2::{Digest, Sha256};

/// Shannon entropy of the characters of `s`, in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts: Vec<(char, u32)> = Vec::new();
    let mut n = 0u32;
    for c in s.chars() {
        n += 1;
        match counts.iter_mut().find(|(k, _)| *k == c) {
            Some((_, v)) => *v += 1,
            None => counts.push((c, 1)),
        }
        // Distinct characters are few in practice; a value this varied is random enough.
        if counts.len() > 128 {
            return 8.0;
        }
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .map(|&(_, c)| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Placeholders any rule drops: documentation values and template variables.
pub fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    const PARTS: &[&str] = &[
        "example",
        "xxxx",
        "****",
        "••",
        "${",
        "{{",
        "$(",
        "%(",
        "#{",
        "<your",
        "your_",
        "your-",
        "yourpass",
        "yourkey",
        "yourtoken",
        "placeholder",
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "dummy",
        "redacted",
        "replace_",
        "replace-",
        "replaceme",
        "insert_",
        "insert-",
        "0123456789",
        "1234567890",
        "abcdefgh",
        "abcd1234",
        "...",
        "…",
        "sample",
        "password",
        "username",
        "anonymous",
        // The password documentation uses (Oracle's scott/tiger is checked whole below). Weak
        // real passwords (`S3cr3t`, `Passw0rd`) are not placeholders: they are findings.
        "hunter2",
        // Well-known published sample keys (Azurite / storage emulator).
        "eby8vdm02xnocqflquwjpllmetlcdxj1ouzft50usrz6ifsufq2uvercz4i6tq",
        // RFC 6749 (OAuth 2.0) examples.
        "2yotnfzfejr1zcsicmwpaa",
        "tgzv3jokf0xg5qx2tlkwia",
        "czzcagrsa3f0mzpnwdfmqmf0m2jw",
        // RFC 7519 and jwt.io examples.
        "eyjzdwiioiixmjm0nty3odkwiiwibmftzsi6ikpvag4grg9liiwiawf0ijoxnte2mjm5mdiyfq",
        "eyjzb21lijoicgf5bg9hzcj9",
    ];
    if PARTS.iter().any(|p| lower.contains(p)) {
        return true;
    }
    let t = secret.trim();
    // `<password>`, `[token]`, `{secret}`, `%VAR%`, `@db.password@`
    let wrapped = |a: char, b: char| t.len() >= 2 && t.starts_with(a) && t.ends_with(b);
    // `@ACCESS_KEY` (a template token filled in at install time).
    let token = t.strip_prefix('@').is_some_and(|r| {
        r.len() >= 2
            && r.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
    });
    token
        || lower == "tiger"
        || wrapped('<', '>')
        || wrapped('[', ']')
        || wrapped('{', '}')
        || wrapped('%', '%')
        || wrapped('@', '@')
        || wrapped('(', ')')
}

/// Values a password assignment carries that are not passwords.
const WORDS: &[&str] = &[
    "password",
    "passwd",
    "passwort",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "test",
    "tests",
    "testing",
    "tester",
    "example",
    "sample",
    "dummy",
    "null",
    "nil",
    "none",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "undefined",
    "empty",
    "blank",
    "default",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "text",
    "value",
    "foo",
    "bar",
    "baz",
    "foobar",
    "hidden",
    "masked",
    "secure",
    "todo",
    "tbd",
    "n/a",
    "na",
    "unset",
    "unknown",
    "changeme",
    "changeit",
    "admin",
    "user",
    "username",
    "root",
    "guest",
    "demo",
    "mypassword",
    "mysecret",
    "yourpassword",
    "secretkey",
    "secret_key",
    "private",
    "public",
    "auth",
    "bearer",
    "basic",
    "digest",
    "oauth",
    "oauth2",
    "jwt",
    "ntlm",
    "kerberos",
    "login",
    "password1",
    "password123",
    "qwerty",
    "letmein",
    "abc123",
    "prompt",
    "ask",
    "stdin",
    "env",
    "environment",
    "random",
    "generated",
    "auto",
    "file",
    "keyring",
    "vault",
    "s3cr3t",
    "pa55word",
    "p4ssw0rd",
    "hunter2",
    "notasecret",
    "insecure",
    "nopass",
    "nopassword",
    "anonymous",
];

/// Markers of a value read from somewhere else rather than written in.
const LOOKUPS: &[&str] = &[
    "environ",
    "getenv",
    "process.env",
    "env[",
    "env.",
    "env:",
    "getenvironmentvariable",
    "getpass",
    "getproperty",
    "settings.",
    "config.",
    "conf.",
    "self.",
    "this.",
    "params.",
    "param(",
    "args.",
    "request.",
    "vault:",
    "secret:",
    "secretsmanager",
    "keyring",
    "lookup(",
    "file://",
    "http://",
    "https://",
    "/dev/",
    "/run/secrets",
];

/// True when a value assigned to a password-like key is not a secret: a placeholder, a word
/// that documents the field, a variable, an environment lookup, a path, code. `literal`: the
/// value sits where code cannot (a URL's user-info), so dotted and call-shaped values stay.
pub fn generic_rejects(secret: &str, literal: bool) -> bool {
    let t = secret.trim().trim_end_matches([';', ',']);
    let n = t.chars().count();
    if n < 4 || is_placeholder(t) {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) || LOOKUPS.iter().any(|l| lower.contains(l)) {
        return true;
    }
    // Variables and template syntax of shells, Windows, Ansible, Maven, Spring, ERB, Go...
    if t.starts_with('$') || t.starts_with('%') || t.starts_with('!') || t.starts_with('#') {
        return true;
    }
    if t.chars().any(char::is_whitespace) {
        return true;
    }
    if t.chars().all(|c| c.is_ascii_digit()) && n < 6 {
        return true;
    }
    // Versions, dates, addresses: `1.9600`, `2024-01-01`, `10.0.0.1`.
    if t.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | ':'))
        && !t.chars().all(|c| c.is_ascii_digit())
    {
        return true;
    }
    // Names of things (`_RSAPrivateKey`, `SECRET_NAME`): identifiers without digits.
    if t.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
        return true;
    }
    let mut chars = t.chars();
    if let Some(first) = chars.next() {
        if chars.all(|c| c == first) {
            return true;
        }
    }
    // Paths and file names: `/etc/app/db.pass`, `./secret.txt`, `C:\keys\x`, `db.key`.
    if t.starts_with('/') || t.starts_with("./") || t.starts_with("~/") || t.contains(":\\") {
        return true;
    }
    const FILE_ENDINGS: &[&str] = &[
        ".pem",
        ".key",
        ".txt",
        ".json",
        ".jks",
        ".p12",
        ".pfx",
        ".crt",
        ".cer",
        ".yml",
        ".yaml",
        ".conf",
        ".properties",
        ".file",
        ".pass",
        ".cfg",
        ".ini",
        ".keystore",
        ".gpg",
    ];
    if FILE_ENDINGS.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    // Code: dotted names (`cfg.db.password`), calls (`get_password()`), indexing.
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let head = t.split(['(', '[']).next().unwrap_or(t);
    if !literal && (t.ends_with(')') || t.ends_with(']')) && head.split('.').all(ident) {
        return true;
    }
    if !literal && t.contains('.') && t.split('.').all(ident) {
        return true;
    }
    // A single identifier-like word with a type or unit meaning (`SecretString`, `secret_name`)
    // only counts when it looks like a password: two kinds of characters at least, or long
    // and varied.
    let classes = [
        t.chars().any(|c| c.is_ascii_lowercase()),
        t.chars().any(|c| c.is_ascii_uppercase()),
        t.chars().any(|c| c.is_ascii_digit()),
        t.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if classes < 2 && !(n >= 12 && entropy(t) >= 3.0) {
        return true;
    }
    // snake_case or kebab-case words are names, not passwords (`db-credentials`,
    // `app_secret_key`): only lowercase letters and separators.
    if t.chars()
        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-' || c == '.')
    {
        return true;
    }
    // CamelCase identifiers (`SecretString`, `ApiKeyAuth`): letters only, starting uppercase.
    if t.chars().all(|c| c.is_ascii_alphabetic()) && n < 20 {
        return true;
    }
    false
}

/// The mask shown instead of a secret: its first two characters (fewer for short secrets),
/// `*` for the rest (at most 10), and its length: `Wi********** (11)`.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let shown = match n {
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    };
    let prefix: String = secret.chars().take(shown).collect();
    let stars = "*".repeat(n.saturating_sub(shown).clamp(1, 10));
    format!("{prefix}{stars} ({n})")
}

/// The finding key: a salted hash of the secret, never the secret.
pub fn fingerprint(secret: &str) -> String {
    use std::fmt::Write;
    let mut h = Sha256::new();
    h.update(b"preflight-credential\0");
    h.update(secret.as_bytes());
    h.finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Entries whose secrets are most likely samples: under test, example or documentation
/// folders, or named `*.example`, `*.sample`...
pub fn is_sample_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "testing",
        "testdata",
        "test-data",
        "__tests__",
        "spec",
        "specs",
        "fixtures",
        "example",
        "examples",
        "sample",
        "samples",
        "demo",
        "demos",
        "doc",
        "docs",
        "documentation",
        "man",
    ];
    let mut parts = lower
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "!");
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let dir_hit = parts.any(|p| p != name && DIRS.contains(&p));
    const ENDINGS: &[&str] = &[
        ".example",
        ".sample",
        ".dist",
        ".template",
        ".tmpl",
        ".orig",
    ];
    const DOC_NAMES: &[&str] = &[
        "pkg-info",
        "metadata",
        "readme",
        "changelog",
        "changes",
        "news",
    ];
    dir_hit
        || lower.contains(".egg-info/")
        || lower.contains(".dist-info/")
        || DOC_NAMES.iter().any(|d| name.starts_with(d))
        || ENDINGS.iter().any(|e| name.ends_with(e))
        || name.contains(".example.")
        || name.contains(".sample.")
        || name.contains("-example.")
        || name.contains("_example.")
        || name.starts_with("test_")
        || name.contains("_test.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_tokens_and_documentation_passwords_are_placeholders() {
        for v in ["@ACCESS_KEY", "@SECRET_2", "tiger", "Hunter2"] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            "@",
            "@a",
            "@Kx9#mP2",
            "tigerLily42!",
            "S3cr3t-Pr0d-Passw0rd",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn redaction_shape() {
        assert_eq!(redact("Winter2024!"), "Wi********* (11)");
        assert_eq!(redact("abc"), "*** (3)");
        assert_eq!(redact("secret1"), "s****** (7)");
        assert_eq!(redact(&"a".repeat(40)), "aa********** (40)");
        assert_eq!(redact("é€漢字ab"), "é***** (6)");
    }

    #[test]
    fn entropy_values() {
        assert!(entropy("") == 0.0);
        assert!(entropy("aaaa") == 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn fingerprints_are_salted_hashes() {
        let f = fingerprint("Winter2024!");
        assert_eq!(f.len(), 64);
        assert!(!f.contains("Winter"));
        assert_ne!(f, fingerprint("Winter2025!"));
    }

    #[test]
    fn sample_paths() {
        for p in [
            "app/src/test/resources/app.properties",
            "docs/install.md",
            "conf/app.properties.example",
            "conf/config.sample.yml",
            "usr/share/doc/pkg/README",
        ] {
            assert!(is_sample_path(p), "{p}");
        }
        for p in ["conf/app.properties", "bin/latest.sh", "opt/contest/x.sh"] {
            assert!(!is_sample_path(p), "{p}");
        }
    }
}
