//! Endpoints: every place the package will talk to, as `endpoint` findings.
//!
//! ## What it does
//! Reads every text entry line by line and finds, in this order:
//! - URLs of every scheme (`https://`, `sftp://`, `redis://`, `mongodb+srv://`, `file:`...) and
//!   JDBC URLs (`jdbc:postgresql://`, `jdbc:sqlserver://h:1433;databaseName=x`,
//!   `jdbc:oracle:thin:@h:1521/svc`) ([`url`]);
//! - ADO.NET and ODBC connection strings (`Server=tcp:h,1433;Database=..`) ([`connstr`]);
//! - UNC paths (`\\host\share`) ([`unc`]);
//! - `scp`/`rsync`/`ssh`/`sftp` destinations, with `$VAR` resolved from the script's own
//!   assignments ([`remote`]);
//! - host values of keys named like a host (`SFTP_HOST=..`, `cache.redis.host=..`, YAML
//!   `host: db01`) ([`config`]);
//! - IPv4 and IPv6 literals ([`ip`]).
//!
//! Each endpoint gets its host (lowercase), port (given, or the scheme's default), scheme and
//! a `url` with passwords masked (`user:***@`, `Password=***`). One finding per line and host.
//! The endpoint's class is `documentation` when it only appears in documentation (licences,
//! READMEs, changelogs, `*.md`/`*.rst`/HTML, man pages, anything under `doc/`, `examples/`,
//! `tests/`, package metadata and lock files), in an XML namespace, schema location or DTD,
//! or in a comment or docstring of a source file; else `local` (localhost, loopback,
//! `0.0.0.0`, `file:`, sockets, named pipes); else `runtime`. A documentation host is reported
//! once per file, at its first line, with the number of lines that mention it.
//!
//! ## Why is this bad?
//! An upgrade changes where software connects, and a package that still points at a host the
//! organisation has retired fails at its first run after the window. A runtime endpoint on a
//! host listed in the profile's `retired_hosts` is critical; plain-text protocols to a remote
//! host are medium; other runtime endpoints are low, to be checked against the target
//! environment. Local and documentation endpoints are `info` and never ranked as risks.

pub mod config;
pub mod connstr;
pub mod host;
pub mod ip;
pub mod mask;
pub mod remote;
pub mod unc;
pub mod url;

use super::{Detector, EntryInfo, NewFinding, TextEntry};
use crate::profile::Profile;
use crate::report::{EndpointInfo, Severity};
use crate::rules::{self, Rule};
use crate::text::visible;
use memchr::memmem;
use std::collections::{HashMap, HashSet};

/// Which form found an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A URL (JDBC included).
    Url,
    /// An ADO.NET or ODBC connection string.
    ConnectionString,
    /// A UNC path.
    Unc,
    /// An `scp`/`rsync`/`ssh`/`sftp` destination.
    RemoteCopy,
    /// A host value of a configuration key.
    ConfigHost,
    /// An address literal.
    Ip,
}

/// One endpoint found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The form that found it.
    pub form: Form,
    /// Byte offset in the line where it starts.
    pub start: usize,
    /// As written (masked when it becomes a finding; connection strings come masked).
    pub url: String,
    /// Scheme (`sftp`, `jdbc:postgresql`, `unc`, `host`, `ip`...), lowercase.
    pub scheme: String,
    /// Host, lowercase.
    pub host: String,
    /// Port, given or the scheme's default.
    pub port: Option<u16>,
    /// The context says it is a name, not a connection (namespace, schema location).
    pub doc: bool,
    /// It is the machine itself (`file:`, sockets, loopback).
    pub local: bool,
}

/// Shell variables assigned earlier in a script.
#[derive(Debug, Default)]
pub struct Vars(HashMap<String, String>);

impl Vars {
    /// Remember `NAME=value`.
    pub fn set(&mut self, name: &str, value: &str) {
        if self.0.len() < 10_000 {
            self.0.insert(name.to_string(), value.to_string());
        }
    }

    /// `s` with every `$NAME`, `${NAME}` and `${NAME:-default}` replaced; `None` when `s` has
    /// no variable or one is unknown.
    pub fn resolve(&self, s: &str) -> Option<String> {
        if !s.contains('$') {
            return None;
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('$') {
            out.push_str(rest.get(..i)?);
            let after = rest.get(i + 1..)?;
            let (name, default, used) = if let Some(inner) = after.strip_prefix('{') {
                let close = inner.find('}')?;
                let body = inner.get(..close)?;
                match body.split_once(":-") {
                    Some((n, d)) => (n, Some(d), close + 2),
                    None => (body, None, close + 2),
                }
            } else {
                let n = after
                    .bytes()
                    .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
                    .unwrap_or(after.len());
                (after.get(..n)?, None, n)
            };
            match (self.0.get(name), default) {
                (Some(v), _) => out.push_str(v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => return None,
            }
            rest = after.get(used..)?;
        }
        out.push_str(rest);
        Some(out)
    }
}

/// How a file's lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    /// `#` comments (shell, YAML, properties, TOML, INI with `;` too).
    Hash,
    /// `#` comments and docstrings.
    Python,
    /// `#` comments and POD.
    Perl,
    /// `//` and `/* */`.
    CLike,
    /// `--` and `/* */`.
    Sql,
    /// `REM` and `::`.
    Bat,
    /// `<!-- -->`.
    Xml,
    /// No comments (JSON, unknown).
    Plain,
}

/// What the detector knows about a file before reading it.
#[derive(Debug, Clone, Copy)]
struct FileKind {
    /// Documentation, examples, package metadata: every endpoint is `documentation`.
    doc: bool,
    lang: Lang,
    /// Program source: host keys count only with quoted values.
    source_code: bool,
    /// A shell script or env file: assignments are remembered.
    shell: bool,
}

/// Directory names whose content is documentation or examples.
const DOC_DIRS: &[&str] = &[
    "doc",
    "docs",
    "documentation",
    "man",
    "examples",
    "example",
    "samples",
    "sample",
    "javadoc",
    "apidocs",
    "licenses",
    "licences",
    "legal",
    "test",
    "tests",
    "testdata",
    "test-data",
    "testing",
    "fixtures",
    "jtwork",
    // Translations: message catalogues quote links, they do not open them.
    "locale",
    "locales",
    "lc_messages",
    "i18n",
];

/// File names (before any extension) that are documentation.
const DOC_NAMES: &[&str] = &[
    "license",
    "licence",
    "copying",
    "copyright",
    "notice",
    "readme",
    "changelog",
    "changes",
    "history",
    "news",
    "authors",
    "contributors",
    "contributing",
    "thanks",
    "credits",
    "code_of_conduct",
    "patents",
    "todo",
    "faq",
    "install",
    "upgrading",
    "metadata",
    "pkg-info",
];

/// Extensions of documentation files.
const DOC_EXTS: &[&str] = &[
    "md", "markdown", "mdown", "rst", "adoc", "asciidoc", "html", "htm", "xhtml", "shtml", "pod",
    "tex", "texi", "texinfo", "info", "man", "rtf", "dtd", "xsd", "example", "sample", "dist",
    "lock", "sum", "egg-info", "jtr", "po", "pot", "map",
];

/// Lock files and build manifests: where packages were downloaded from and where their
/// projects live, known at build time, not run-time endpoints.
const LOCK_FILES: &[&str] = &[
    "package.json",
    "composer.json",
    "bower.json",
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "composer.lock",
    "go.sum",
];

impl FileKind {
    fn of(path: &str, text: &str) -> FileKind {
        let lower = path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s, e),
            _ => (name, ""),
        };
        let dirs: Vec<&str> = lower.split('/').collect();
        let dir_doc =
            dirs.iter().take(dirs.len().saturating_sub(1)).any(|d| {
                DOC_DIRS.contains(d) || d.ends_with(".dist-info") || d.ends_with(".egg-info")
            }) || lower.contains("share/doc/");
        let name_doc = DOC_NAMES.iter().any(|n| {
            stem == *n
                || stem.starts_with(&format!("{n}."))
                || stem.starts_with(&format!("{n}-"))
                || stem.starts_with(&format!("{n}_"))
        }) && (ext.is_empty()
            || matches!(
                ext,
                "md" | "txt" | "rst" | "markdown" | "html" | "adoc" | "gz"
            ))
            || DOC_NAMES.contains(&name);
        let man = {
            let eb = ext.as_bytes();
            eb.first().is_some_and(|c| (b'1'..=b'9').contains(c))
                && eb.len() <= 5
                && (lower.contains("/man")
                    || lower.starts_with("man")
                    || text.starts_with(".TH")
                    || text.starts_with(".\\\"")
                    || text.starts_with("'\\\""))
        };
        let test_file = (stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
            || stem.ends_with(".test")
            || stem.ends_with(".spec"))
            && !ext.is_empty();
        let doc = dir_doc
            || name_doc
            || test_file
            || man
            || DOC_EXTS.contains(&ext)
            || LOCK_FILES.contains(&name);
        let shebang = text.starts_with("#!");
        let first_line = text.split('\n').next().unwrap_or("");
        let lang = match ext {
            "py" | "pyw" | "pyi" => Lang::Python,
            "pl" | "pm" | "t" | "pod" => Lang::Perl,
            "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh" | "java" | "js" | "mjs" | "cjs"
            | "jsx" | "ts" | "tsx" | "go" | "rs" | "cs" | "kt" | "kts" | "scala" | "swift"
            | "groovy" | "gradle" | "css" | "scss" | "less" | "dart" | "proto" | "php" | "m"
            | "jsonc" => Lang::CLike,
            "sql" | "lua" | "hs" => Lang::Sql,
            "bat" | "cmd" => Lang::Bat,
            "xml" | "xsd" | "wsdl" | "config" | "csproj" | "vbproj" | "props" | "targets"
            | "pom" | "svg" | "xsl" | "xslt" | "xaml" | "plist" | "jsp" | "html" | "htm"
            | "xhtml" | "jelly" | "xul" => Lang::Xml,
            "json" | "csv" | "tsv" => Lang::Plain,
            "" if shebang && first_line.contains("python") => Lang::Python,
            "" if shebang && first_line.contains("perl") => Lang::Perl,
            _ => Lang::Hash,
        };
        let source_code = matches!(lang, Lang::Python | Lang::Perl | Lang::CLike)
            || matches!(ext, "rb" | "tcl" | "lua" | "r" | "ps1" | "psm1" | "vbs");
        let shell = matches!(ext, "sh" | "bash" | "zsh" | "ksh" | "env" | "profile")
            || (ext.is_empty() && (shebang && first_line.contains("sh") || name == ".env"));
        FileKind {
            doc,
            lang,
            source_code,
            shell,
        }
    }
}

/// Tracks comments and docstrings across lines.
#[derive(Debug)]
struct Comments {
    lang: Lang,
    /// Inside a block: its end marker, and whether the block is documentation.
    block: Option<(&'static str, bool)>,
}

/// `marker` at `i` starts a comment: at the line start or after a space or punctuation.
fn starts_comment(b: &[u8], i: usize) -> bool {
    i == 0
        || b.get(i - 1).is_some_and(|c| {
            c.is_ascii_whitespace() || matches!(c, b';' | b')' | b'{' | b'}' | b',')
        })
}

impl Comments {
    fn new(lang: Lang) -> Self {
        Comments { lang, block: None }
    }

    /// The part of the line that is a comment or documentation, as a byte range.
    fn scan(&mut self, line: &str) -> Option<(usize, usize)> {
        let len = line.len();
        let b = line.as_bytes();
        if let Some((end, doc)) = self.block {
            let found = if end == "=cut" {
                line.starts_with("=cut").then_some(0)
            } else {
                find_bytes(b, end.as_bytes())
            };
            if let Some(e) = found {
                self.block = None;
                return doc.then_some((0, e + end.len()));
            }
            return doc.then_some((0, len));
        }
        let trimmed = line.trim_start();
        let indent = len - trimmed.len();
        match self.lang {
            Lang::Perl
                if line.starts_with('=')
                    && line.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) =>
            {
                if !line.starts_with("=cut") {
                    self.block = Some(("=cut", true));
                }
                Some((0, len))
            }
            Lang::Python => {
                let t = trimmed.trim_start_matches(['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F']);
                for q in ["\"\"\"", "'''"] {
                    if let Some(after) = t.strip_prefix(q) {
                        if !after.contains(q) {
                            self.block = Some((q, true));
                        }
                        return Some((indent, len));
                    }
                }
                // A triple-quoted string that is not a docstring: follow it to its end. One
                // assigned to a constant (`DOCUMENTATION = r'''`, `EXAMPLES = """`, `USAGE`)
                // is documentation.
                for q in ["\"\"\"", "'''"] {
                    let Some(at) = find_bytes(b, q.as_bytes()) else {
                        continue;
                    };
                    if count_bytes(b, q.as_bytes()) % 2 == 1 {
                        let doc = constant_assignment(line.get(..at).unwrap_or(""));
                        self.block = Some((q, doc));
                        if doc {
                            return Some((at, len));
                        }
                        return hash(b).filter(|(c, _)| *c < at);
                    }
                }
                hash(b)
            }
            Lang::Hash | Lang::Perl => {
                if trimmed.starts_with(';')
                    || trimmed.starts_with('!')
                        && self.lang == Lang::Hash
                        && !trimmed.starts_with("!=")
                {
                    return Some((indent, len));
                }
                hash(b)
            }
            Lang::CLike | Lang::Sql => {
                if trimmed.starts_with("* ") || trimmed == "*" || trimmed.starts_with("*/") {
                    return Some((indent, len));
                }
                let line_marker: &[u8] = if self.lang == Lang::CLike {
                    b"//"
                } else {
                    b"--"
                };
                let mut first: Option<(usize, bool)> = None;
                for (marker, block) in [(line_marker, false), (&b"/*"[..], true)] {
                    let mut from = 0;
                    while let Some(rel) = b.get(from..).and_then(|t| find_bytes(t, marker)) {
                        let at = from + rel;
                        if starts_comment(b, at) {
                            if first.is_none_or(|(f, _)| at < f) {
                                first = Some((at, block));
                            }
                            break;
                        }
                        from = at + 2;
                    }
                }
                match first {
                    Some((at, true)) => match b.get(at + 2..).and_then(|t| find_bytes(t, b"*/")) {
                        Some(e) => Some((at, at + 2 + e + 2)),
                        None => {
                            self.block = Some(("*/", true));
                            Some((at, len))
                        }
                    },
                    Some((at, false)) => Some((at, len)),
                    None => None,
                }
            }
            Lang::Bat => {
                let l = trimmed.to_ascii_lowercase();
                let l = l.trim_start_matches('@');
                (l.starts_with("rem ") || l == "rem" || l.starts_with("::"))
                    .then_some((indent, len))
            }
            Lang::Xml => {
                let at = find_bytes(b, b"<!--")?;
                match b.get(at + 4..).and_then(|t| find_bytes(t, b"-->")) {
                    Some(e) => Some((at, at + 4 + e + 3)),
                    None => {
                        self.block = Some(("-->", true));
                        Some((at, len))
                    }
                }
            }
            Lang::Plain => None,
        }
    }
}

/// For each byte offset of `text` (in any order), whether it lies in documentation: a
/// documentation file (README, `doc/`, man page...), or a comment or docstring of the file's
/// language. Shared with the credential detector, so both read a file the same way.
pub fn in_documentation(path: &str, text: &str, offsets: &[usize]) -> Vec<bool> {
    let kind = FileKind::of(inner(path), text);
    if kind.doc {
        return vec![true; offsets.len()];
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets.get(i).copied().unwrap_or(usize::MAX));
    let mut comments = Comments::new(kind.lang);
    let mut out = vec![false; offsets.len()];
    let mut next = order.into_iter().peekable();
    let mut pos = 0;
    while pos <= text.len() && next.peek().is_some() {
        let end = memchr::memchr(b'\n', text.as_bytes().get(pos..).unwrap_or(&[]))
            .map_or(text.len(), |i| pos + i);
        let line = text.get(pos..end).unwrap_or("");
        let comment = comments.scan(line.strip_suffix('\r').unwrap_or(line));
        while let Some(&i) = next.peek() {
            let at = offsets.get(i).copied().unwrap_or(usize::MAX);
            if at > end {
                break;
            }
            let col = at.saturating_sub(pos);
            if let Some(slot) = out.get_mut(i) {
                *slot = comment.is_some_and(|(a, z)| col >= a && col < z);
            }
            next.next();
        }
        pos = end + 1;
    }
    out
}

/// `NAME = ` (with string prefixes like `r`) where NAME is an upper-case constant.
fn constant_assignment(before: &str) -> bool {
    let t = before
        .trim_end()
        .trim_end_matches(['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F']);
    let Some(name) = t.trim_end().strip_suffix('=') else {
        return false;
    };
    let name = name.trim();
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// Programs whose command lines name a place to connect to; a string literal that starts with
/// one is a command, not a message.
const COMMANDS: &[&str] = &[
    "curl",
    "wget",
    "ssh",
    "scp",
    "sftp",
    "rsync",
    "git",
    "ftp",
    "lftp",
    "psql",
    "mysql",
    "nc",
    "telnet",
    "mongo",
    "mongosh",
    "redis-cli",
    "ldapsearch",
    "smbclient",
];

/// The URL at `start..end` sits inside a quoted string of source code that is a sentence
/// (`"See https://x/docs for more"`): an error message or help text links to it, the program
/// does not connect there.
fn in_message(line: &str, start: usize, end: usize) -> bool {
    let before = line.get(..start).unwrap_or("");
    let Some(open) = before.rfind(['"', '\'', '`']) else {
        return false;
    };
    let quote = before.as_bytes().get(open).copied().unwrap_or(b'"');
    let after = line.get(end..).unwrap_or("");
    let close = after
        .bytes()
        .position(|c| c == quote)
        .unwrap_or(after.len());
    let head = before.get(open + 1..).unwrap_or("");
    let tail = after.get(..close).unwrap_or("");
    if head
        .split_whitespace()
        .next()
        .is_some_and(|w| COMMANDS.contains(&w))
    {
        return false;
    }
    let words = head
        .split_whitespace()
        .chain(tail.split_whitespace())
        .filter(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.chars().count() >= 2 && w.chars().all(char::is_alphabetic)
        })
        .count();
    words >= 2
}

/// More ranked endpoints than this in one file make it a table (see `scan_text`).
const CATALOGUE: usize = 40;

/// Folders of third-party code bundled into the package: its endpoints are the library's own
/// defaults and links, listed but not ranked.
const VENDORED_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "site-packages",
    "dist-packages",
    "vendor",
    "third_party",
    "third-party",
    "thirdparty",
];

/// The entry belongs to bundled third-party code.
fn vendored(path: &str) -> bool {
    path.split(['/', '!'])
        .any(|seg| VENDORED_DIRS.iter().any(|d| seg.eq_ignore_ascii_case(d)))
}

/// The next occurrence of something in a text, at or after a position; searched again only
/// once the scan has passed it, so that the searches over one text cost one pass.
#[derive(Debug, Default)]
struct NextAt {
    /// `None`: not searched yet; `Some(None)`: no more occurrences.
    at: Option<Option<usize>>,
}

impl NextAt {
    /// True when an occurrence lies in `start..end`.
    fn within(
        &mut self,
        start: usize,
        end: usize,
        search: impl FnOnce(usize) -> Option<usize>,
    ) -> bool {
        let at = match self.at {
            Some(Some(at)) if at >= start => Some(at),
            Some(None) => None,
            _ => {
                let found = search(start);
                self.at = Some(found);
                found
            }
        };
        at.is_some_and(|at| at < end)
    }
}

/// Where `needle` first occurs in `hay`. For the short needles of this module: no searcher
/// to build per call (lines are many and short), and at most `needle.len()` comparisons
/// per candidate byte.
pub fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    memchr::memchr_iter(first, hay).find(|&i| hay.get(i + 1..i + 1 + rest.len()) == Some(rest))
}

/// How many times `needle` occurs in `hay`, without overlaps.
fn count_bytes(hay: &[u8], needle: &[u8]) -> usize {
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|t| find_bytes(t, needle)) {
        n += 1;
        from += i + needle.len().max(1);
    }
    n
}

/// A `#` comment: at the line start or after whitespace.
fn hash(b: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(rel) = b.get(from..).and_then(|t| memchr::memchr(b'#', t)) {
        let at = from + rel;
        if at == 0 || b.get(at - 1).is_some_and(u8::is_ascii_whitespace) {
            return Some((at, b.len()));
        }
        from = at + 1;
    }
    None
}

/// The endpoints detector.
#[derive(Debug)]
pub struct Endpoints {
    retired: Vec<String>,
    finder: memmem::Finder<'static>,
}

const RULES: &[Rule] = &[
    rules::ENDPOINT_RETIRED_HOST,
    rules::ENDPOINT_URL,
    rules::ENDPOINT_CONNECTION_STRING,
    rules::ENDPOINT_UNC_PATH,
    rules::ENDPOINT_REMOTE_COPY,
    rules::ENDPOINT_CONFIG_HOST,
    rules::ENDPOINT_IP_ADDRESS,
    rules::ENDPOINT_DOCUMENTATION,
    rules::ENDPOINT_MORE,
];

/// Most informational endpoints of one file listed one by one; the rest are counted in one
/// `endpoint.more` finding (a log of a few MB can name a hundred thousand addresses).
const MAX_INFO_PER_FILE: usize = 100;

/// Keep the first [`MAX_INFO_PER_FILE`] informational findings of this file (those from
/// `first` on in `out`) and count the rest in one finding.
fn collapse_info(path: &str, first: usize, out: &mut Vec<NewFinding>) {
    let is_info = |f: &NewFinding| f.severity.unwrap_or(f.rule.severity) == Severity::Info;
    let infos = out.iter().skip(first).filter(|f| is_info(f)).count();
    if infos <= MAX_INFO_PER_FILE {
        return;
    }
    let mut kept = 0;
    let mut first_dropped: Option<u32> = None;
    let mut index = 0;
    out.retain(|f| {
        let keep = index < first || !is_info(f) || {
            kept += 1;
            kept <= MAX_INFO_PER_FILE
        };
        if !keep && first_dropped.is_none() {
            first_dropped = f.line;
        }
        index += 1;
        keep
    });
    let more = infos - MAX_INFO_PER_FILE;
    let mut summary = NewFinding::new(
        &rules::ENDPOINT_MORE,
        path,
        format!("{more} more informational endpoints in this file are counted, not listed"),
    )
    .key("more-endpoints");
    if let Some(line) = first_dropped {
        summary = summary.line(line);
    }
    out.push(summary);
}

fn rule_for(form: Form) -> &'static Rule {
    match form {
        Form::Url => &rules::ENDPOINT_URL,
        Form::ConnectionString => &rules::ENDPOINT_CONNECTION_STRING,
        Form::Unc => &rules::ENDPOINT_UNC_PATH,
        Form::RemoteCopy => &rules::ENDPOINT_REMOTE_COPY,
        Form::ConfigHost => &rules::ENDPOINT_CONFIG_HOST,
        Form::Ip => &rules::ENDPOINT_IP_ADDRESS,
    }
}

/// The path inside its own container (after the last `!/`), without a leading `./` or `/`.
fn inner(path: &str) -> &str {
    let p = path.rsplit(crate::NESTED_SEPARATOR).next().unwrap_or(path);
    p.trim_start_matches("./").trim_start_matches('/')
}

/// A short excerpt of the line around byte `at`, secrets masked.
fn excerpt(line: &str, at: usize) -> String {
    const WIDE: usize = 240;
    let text = if line.len() <= WIDE {
        line
    } else {
        let mut from = at.saturating_sub(80);
        while from > 0 && !line.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (at + 160).min(line.len());
        while to < line.len() && !line.is_char_boundary(to) {
            to += 1;
        }
        let w = line.get(from..to).unwrap_or("");
        // Start at a word boundary so that no secret is cut in half and shown.
        if from > 0 {
            let skip = w
                .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '&' | '"' | '\''))
                .unwrap_or(0);
            w.get(skip..).unwrap_or(w)
        } else {
            w
        }
    };
    visible(mask::redact(text).trim()).into_owned()
}

impl Endpoints {
    /// A detector for one scan.
    pub fn new(profile: &Profile) -> Self {
        Endpoints {
            retired: profile.retired_hosts.clone(),
            finder: memmem::Finder::new("://").into_owned(),
        }
    }

    /// The endpoints of one file's text, as findings.
    fn scan_text(&self, path: &str, text: &str, out: &mut Vec<NewFinding>) {
        let kind = FileKind::of(inner(path), text);
        let mut comments = Comments::new(kind.lang);
        let mut vars = Vars::default();
        let mut hits: Vec<Hit> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        // Documentation hosts already reported in this file: host -> (index in `out`, lines).
        let mut docs: HashMap<String, (usize, u32)> = HashMap::new();
        let bundled = vendored(path);
        let first = out.len();
        // Whole-text gates: most files have no UNC path, JDBC Oracle URL or remote command.
        let tb = text.as_bytes();
        let has = |n: &[u8]| memmem::find(tb, n).is_some();
        // The next `://`, `;` and `\\` in the text, searched again only once passed: one
        // pass over the text per needle instead of a search per line.
        let mut next_url = NextAt::default();
        let mut next_semi = NextAt::default();
        let mut next_unc = NextAt::default();
        let has_oracle = has(b"jdbc:oracle:") || has(b"JDBC:ORACLE:");
        let has_remote = !kind.doc && (has(b"scp") || has(b"ssh") || has(b"sftp") || has(b"rsync"));
        let mut line_no: u32 = 0;
        let mut pos = 0;
        while pos <= tb.len() {
            let end =
                memchr::memchr(b'\n', tb.get(pos..).unwrap_or(&[])).map_or(tb.len(), |i| pos + i);
            let raw = text.get(pos..end).unwrap_or("");
            let line_start = pos;
            pos = end + 1;
            line_no = line_no.saturating_add(1);
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let comment = comments.scan(line);
            if line.len() < 4 {
                continue;
            }
            hits.clear();
            let line_end = line_start + line.len();
            if next_url.within(line_start, line_end, |from| {
                tb.get(from..)
                    .and_then(|t| self.finder.find(t))
                    .map(|i| from + i)
            }) {
                url::find(line, &self.finder, &vars, &mut hits);
            }
            if has_oracle {
                url::oracle(line, &mut hits);
            }
            if next_semi.within(line_start, line_end, |from| {
                tb.get(from..)
                    .and_then(|t| memchr::memchr(b';', t))
                    .map(|i| from + i)
            }) {
                connstr::find(line, &mut hits);
            }
            if next_unc.within(line_start, line_end, |from| {
                tb.get(from..)
                    .and_then(|t| find_bytes(t, b"\\\\"))
                    .map(|i| from + i)
            }) {
                unc::find(line, &mut hits);
            }
            if !kind.doc {
                if has_remote {
                    remote::find(line, &vars, &mut hits);
                }
                let in_comment =
                    |start: usize| comment.is_some_and(|(a, z)| start >= a && start < z);
                let before = hits.len();
                config::find(line, kind.source_code, &mut hits);
                ip::find(line, &mut hits);
                // Host keys and bare addresses in comments are prose, not configuration.
                let mut k = 0;
                hits.retain(|h| {
                    k += 1;
                    k <= before || !in_comment(h.start)
                });
            }
            if kind.shell {
                if let Some((k, v)) = remote::assignment(line) {
                    vars.set(k, &v);
                }
            }
            if hits.is_empty() {
                continue;
            }
            let metadata = config::key_value(line).is_some_and(|(k, _, _)| config::metadata_key(k));
            seen.clear();
            for h in hits.drain(..) {
                if !seen.insert(h.host.clone()) {
                    continue;
                }
                let doc = kind.doc
                    || h.doc
                    || metadata
                    || comment.is_some_and(|(a, z)| h.start >= a && h.start < z)
                    || (kind.source_code || kind.lang == Lang::Plain)
                        && h.form == Form::Url
                        && in_message(line, h.start, h.start + h.url.len());
                // Documentation: one finding per host and file, at its first line.
                if doc {
                    if let Some((_, n)) = docs.get_mut(&h.host) {
                        *n = n.saturating_add(1);
                        continue;
                    }
                    docs.insert(h.host.clone(), (out.len(), 1));
                }
                let f = self.finding(path, line_no, line, h, doc, bundled);
                out.push(f);
            }
        }
        // A file with this many places is a table (a catalogue of mail providers, a module's
        // bug trackers): its rows are listed, not ranked one by one. Retired hosts still are.
        let ranked: Vec<usize> = (first..out.len())
            .filter(|&i| {
                out.get(i).is_some_and(|f| {
                    matches!(f.severity, Some(Severity::Low | Severity::Medium))
                        && f.rule.id != rules::ENDPOINT_RETIRED_HOST.id
                })
            })
            .collect();
        if ranked.len() > CATALOGUE {
            let n = ranked.len();
            for i in ranked {
                if let Some(f) = out.get_mut(i) {
                    f.severity = Some(Severity::Info);
                    f.title.push_str(&format!("; one of {n} in a table"));
                }
            }
        }
        for (i, n) in docs.into_values() {
            if n > 1 {
                if let Some(f) = out.get_mut(i) {
                    f.title.push_str(&format!(" ({n} lines)"));
                }
            }
        }
        collapse_info(path, first, out);
    }

    fn finding(
        &self,
        path: &str,
        line_no: u32,
        line: &str,
        h: Hit,
        doc: bool,
        bundled: bool,
    ) -> NewFinding {
        let local = h.local || host::is_local(&h.host);
        // In documentation, even a local address is only documentation.
        let class = if doc {
            "documentation"
        } else if local {
            "local"
        } else {
            "runtime"
        };
        let retired = host::is_retired(&h.host, &self.retired);
        let place = if h.host == "localhost" && h.port.is_none() && h.form == Form::Url {
            visible(&url::clip(&mask::redact(&h.url), 80)).into_owned()
        } else {
            host::display(&h.host, h.port)
        };
        let (rule, severity, title) = match class {
            "documentation" => (
                &rules::ENDPOINT_DOCUMENTATION,
                Severity::Info,
                format!(
                    "Mentions {place} ({}) in documentation{}",
                    h.scheme,
                    if retired { "; a retired host" } else { "" }
                ),
            ),
            "local" => (
                rule_for(h.form),
                Severity::Info,
                format!("Connects to {place} ({}), on the local machine", h.scheme),
            ),
            _ if retired => (
                &rules::ENDPOINT_RETIRED_HOST,
                Severity::Critical,
                format!("Connects to {place} ({}), a retired host", h.scheme),
            ),
            _ if bundled => (
                rule_for(h.form),
                Severity::Info,
                format!(
                    "Connects to {place} ({}), in bundled third-party code",
                    h.scheme
                ),
            ),
            _ if host::unencrypted(&h.scheme) => (
                rule_for(h.form),
                Severity::Medium,
                format!("Connects to {place} ({}), unencrypted", h.scheme),
            ),
            _ => (
                rule_for(h.form),
                Severity::Low,
                format!("Connects to {place} ({})", h.scheme),
            ),
        };
        let url = url::clip(&mask::redact(&h.url), url::MAX_SHOWN);
        let key = format!("{} {} {url}", h.scheme, h.host);
        let mut f = NewFinding::new(rule, path, title)
            .line(line_no)
            .evidence(excerpt(line, h.start))
            .key(key)
            .severity(severity);
        f.endpoint = Some(EndpointInfo {
            url,
            scheme: h.scheme,
            host: h.host,
            port: h.port,
            class: class.to_string(),
            retired,
        });
        f
    }
}

impl Detector for Endpoints {
    fn name(&self) -> &'static str {
        "endpoints"
    }

    fn scope(&self) -> crate::detect::Scope {
        crate::detect::Scope::Entry
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        out: &mut Vec<NewFinding>,
    ) {
        self.scan_text(entry.path, text.text, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(path: &str, text: &str, retired: &[&str]) -> Vec<NewFinding> {
        let profile = Profile {
            retired_hosts: retired.iter().map(|s| s.to_string()).collect(),
            ..Profile::default()
        };
        let d = Endpoints::new(&profile);
        let mut out = Vec::new();
        d.scan_text(path, text, &mut out);
        out
    }

    fn ep(f: &NewFinding) -> (String, String, Option<u16>, String, bool) {
        match &f.endpoint {
            Some(e) => (
                e.scheme.clone(),
                e.host.clone(),
                e.port,
                e.class.clone(),
                e.retired,
            ),
            None => Default::default(),
        }
    }

    #[test]
    fn shell_script_with_a_variable_host() {
        let out = scan(
            "opt/acme/bin/data-import.sh",
            "#!/bin/sh\n# Upload to the partner (see https://wiki.example.net/import)\nSFTP_HOST=sftp-legacy.example.net\nSFTP_USER=import\nsshpass -p 'Wint3r!' sftp -b /tmp/batch \"$SFTP_USER@$SFTP_HOST\"\n",
            &["sftp-legacy.example.net"],
        );
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.line, f.rule.id, f.severity, ep(f)))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some(2),
                    "endpoint.documentation",
                    Some(Severity::Info),
                    (
                        "https".into(),
                        "wiki.example.net".into(),
                        Some(443),
                        "documentation".into(),
                        false
                    )
                ),
                (
                    Some(3),
                    "endpoint.retired-host",
                    Some(Severity::Critical),
                    (
                        "sftp".into(),
                        "sftp-legacy.example.net".into(),
                        Some(22),
                        "runtime".into(),
                        true
                    )
                ),
                (
                    Some(5),
                    "endpoint.retired-host",
                    Some(Severity::Critical),
                    (
                        "sftp".into(),
                        "sftp-legacy.example.net".into(),
                        Some(22),
                        "runtime".into(),
                        true
                    )
                ),
            ]
        );
        let Some(last) = out.last() else { return };
        assert_eq!(
            last.title,
            "Connects to sftp-legacy.example.net:22 (sftp), a retired host"
        );
        assert!(!last.evidence.contains("Wint3r"), "{}", last.evidence);
        assert_eq!(
            last.endpoint.as_ref().map(|e| e.url.as_str()),
            Some("import@sftp-legacy.example.net")
        );
    }

    #[test]
    fn one_finding_per_host_and_line() {
        let out = scan(
            "app.conf",
            "mirror=http://a.example.net/x http://a.example.net/y https://b.example.net/\n",
            &[],
        );
        assert_eq!(out.len(), 2);
        assert_eq!(
            out.first().map(|f| f.severity),
            Some(Some(Severity::Medium))
        );
        assert_eq!(
            out.first().map(|f| f.title.as_str()),
            Some("Connects to a.example.net:80 (http), unencrypted")
        );
    }

    #[test]
    fn documentation_files_and_comments() {
        for path in [
            "README.md",
            "LICENSE",
            "usr/share/doc/x/copyright",
            "docs/setup.txt",
            "man/man1/x.1",
            "etc/app.conf.example",
            "lib/x.dist-info/METADATA",
        ] {
            let out = scan(
                path,
                "see https://www.apache.org/foo and ftp://ftp.example.org/\n",
                &[],
            );
            assert!(
                out.iter().all(|f| f.rule.id == "endpoint.documentation"),
                "{path}"
            );
            assert_eq!(out.len(), 2, "{path}");
        }
        let out = scan(
            "lib/client.py",
            "\"\"\"Client.\n\nSee https://docs.example.net/api.\n\"\"\"\nURL = \"https://api.example.net/v1\"  # prod, see https://status.example.net\n",
            &[],
        );
        let classes: Vec<_> = out.iter().map(|f| ep(f).3).collect();
        assert_eq!(classes, ["documentation", "runtime", "documentation"]);
        let out = scan("Foo.pm", "=head1 SEE ALSO\n\nL<http://perl.example.org/>\n\n=cut\nmy $u = 'http://api.example.net/';\n", &[]);
        let classes: Vec<_> = out.iter().map(|f| ep(f).3).collect();
        assert_eq!(classes, ["documentation", "runtime"]);
        let out = scan("src/App.java", "/*\n * http://one.example.net\n */\nString u = \"http://two.example.net\"; // http://three.example.net\n", &[]);
        let classes: Vec<_> = out.iter().map(|f| ep(f).3).collect();
        assert_eq!(classes, ["documentation", "runtime", "documentation"]);
    }

    #[test]
    fn translations_manifests_and_source_maps_are_documentation() {
        for path in [
            "app/locale/de/LC_MESSAGES/django.po",
            "po/messages.pot",
            "package/package.json",
            "pom.xml",
            "dist/app.min.js.map",
        ] {
            let out = scan(
                path,
                "\"url\": \"https://github.example.net/acme/app\"\n",
                &[],
            );
            assert_eq!(out.len(), 1, "{path}");
            assert_eq!(ep(&out[0]).3, "documentation", "{path}");
        }
    }

    #[test]
    fn messages_in_source_code_are_documentation_commands_are_not() {
        let out = scan(
            "lib/schema.js",
            concat!(
                "throw new Error('Invalid type. See https://docs.example.net/types for more.');\n",
                "const base = 'https://api.example.net/v2';\n",
                "const u = `https://files.example.net/${dir} ok`;\n",
                "run(\"curl -s https://get.example.net/install | sh\");\n",
            ),
            &[],
        );
        let classes: Vec<_> = out.iter().map(|f| ep(f).3).collect();
        assert_eq!(classes, ["documentation", "runtime", "runtime", "runtime"]);
        let out = scan(
            "modules/get_url.py",
            "DOCUMENTATION = r\'\'\'\nurl: http://files.example.net/a.conf\n\'\'\'\nQUERY = \"\"\"\nSELECT 1\n\"\"\"\nBASE = \"https://api.example.net\"\n",
            &[],
        );
        let classes: Vec<_> = out.iter().map(|f| ep(f).3).collect();
        assert_eq!(classes, ["documentation", "runtime"]);
    }

    #[test]
    fn informational_endpoints_beyond_the_cap_are_counted() {
        let mut text = String::new();
        for i in 0..(MAX_INFO_PER_FILE + 30) {
            text.push_str(&format!(
                "{} GET /index from 10.1.{}.{}\n",
                i,
                i / 200,
                i % 200 + 1
            ));
        }
        text.push_str("sftp batch@files.retired.example\n");
        let out = scan("var/log/access.log", &text, &["files.retired.example"]);
        let info = out
            .iter()
            .filter(|f| f.severity.unwrap_or(f.rule.severity) == Severity::Info)
            .count();
        // The first hundred, and one finding that counts the other thirty.
        assert_eq!(info, MAX_INFO_PER_FILE + 1, "{out:?}");
        let more: Vec<_> = out
            .iter()
            .filter(|f| f.rule.id == "endpoint.more")
            .collect();
        assert_eq!(more.len(), 1);
        assert!(
            more.iter().all(|f| f.title.starts_with("30 more")),
            "{more:?}"
        );
        // A retired host is never folded away.
        assert!(out.iter().any(|f| f.severity == Some(Severity::Critical)));
    }

    #[test]
    fn tables_of_endpoints_are_listed_not_ranked() {
        let mut text = String::from("{\n");
        for i in 0..=CATALOGUE {
            text.push_str(&format!("  \"host\": \"smtp{i}.example.net\",\n"));
        }
        text.push_str("  \"host\": \"smtp.retired.example\"\n}\n");
        let out = scan("lib/services.json", &text, &["smtp.retired.example"]);
        assert_eq!(out.len(), CATALOGUE + 2);
        let ranked: Vec<_> = out
            .iter()
            .filter(|f| f.severity != Some(Severity::Info))
            .map(|f| f.severity)
            .collect();
        assert_eq!(ranked, [Some(Severity::Critical)]);
        // One host fewer: a configuration, every row ranked.
        let short: String = text.lines().skip(2).collect::<Vec<_>>().join("\n");
        let out = scan("lib/services.json", &short, &["smtp.retired.example"]);
        assert_eq!(out.len(), CATALOGUE + 1);
        assert!(
            out.iter()
                .all(|f| matches!(f.severity, Some(Severity::Low | Severity::Critical))),
            "{out:?}"
        );
    }

    #[test]
    fn documentation_offsets() {
        let text = "\"\"\"Use token='abc' here.\n\"\"\"\nTOKEN = 'real'  # or 'other'\n";
        let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
        let got = in_documentation(
            "lib/x.py",
            text,
            &[at("real"), at("abc"), at("other"), text.len() + 5],
        );
        assert_eq!(got, [false, true, true, false]);
        assert_eq!(in_documentation("README.md", "token=x", &[6]), [true]);
    }

    #[test]
    fn bundled_libraries_are_listed_not_ranked_unless_retired() {
        let text =
            "const smtp = 'smtp://mail.example.net';\nconst old = 'https://old.example.net';\n";
        let out = scan(
            "app/node_modules/mailer/lib/x.js",
            text,
            &["old.example.net"],
        );
        let sev: Vec<_> = out.iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Some(Severity::Info), Some(Severity::Critical)]);
        assert_eq!(ep(&out[0]).3, "runtime");
        let out = scan("app/lib/x.js", text, &[]);
        assert!(out.iter().all(|f| f.severity != Some(Severity::Info)));
    }

    #[test]
    fn runtime_config_on_example_net_stays_runtime() {
        let out = scan(
            "opt/acme/conf/application.properties",
            "cache.redis.host=cache01.example.net\n",
            &[],
        );
        assert_eq!(
            out.first().map(ep),
            Some((
                "redis".into(),
                "cache01.example.net".into(),
                Some(6379),
                "runtime".into(),
                false
            ))
        );
        assert_eq!(out.first().map(|f| f.rule.id), Some("endpoint.config-host"));
    }

    #[test]
    fn local_endpoints() {
        let out = scan(
            "etc/app.yaml",
            "redis: redis://localhost:6379/0\nlisten: 0.0.0.0:8080\ndata: file:///var/lib/acme\n",
            &[],
        );
        let got: Vec<_> = out
            .iter()
            .map(|f| (ep(f).3, f.severity))
            .map(|(c, s)| (if c == "local" { "local" } else { "other" }, s))
            .collect();
        assert_eq!(got, [("local", Some(Severity::Info)); 3]);
    }

    #[test]
    fn retired_wildcards_and_docs() {
        let out = scan(
            "etc/app.env",
            "API=https://api.old.example.com/\n",
            &["*.old.example.com"],
        );
        assert_eq!(
            out.first().map(|f| f.rule.id),
            Some("endpoint.retired-host")
        );
        let out = scan(
            "README.md",
            "API=https://api.old.example.com/\n",
            &["*.old.example.com"],
        );
        assert_eq!(
            out.first().map(|f| (f.rule.id, f.severity)),
            Some(("endpoint.documentation", Some(Severity::Info)))
        );
        assert!(out.first().is_some_and(|f| ep(f).4));
    }

    #[test]
    fn hostile_text_is_handled() {
        let big = "a".repeat(100_000)
            + "://"
            + &"\\\\".repeat(50_000)
            + &"1.".repeat(50_000)
            + "ssh "
            + &"x@y:".repeat(10_000);
        let out = scan("x.sh", &big, &[]);
        assert!(out.len() < 10);
        let out = scan("x", "é\u{0}\r\n\\\\é\\é http://ü.example/ 1.2.3.4é ", &[]);
        assert!(out.is_empty(), "{out:?}");
        let out = scan("x.py", "'''\n", &[]);
        assert!(out.is_empty());
    }
}
