//! Configuration files flattened into dotted keys, each with the 1-based line it is on.
//!
//! One function per format; every one is total (never fails, never panics) and bounded: at
//! most [`MAX_KEYS`] keys, keys of at most [`MAX_KEY_LEN`] bytes, nesting read to
//! [`MAX_DEPTH`] levels. What a broken file still yields before the break is kept.
//!
//! - properties: Java's rules: `#`/`!` comments, `=`, `:` or blanks between key and value,
//!   `\` continuation lines, `\` escapes in keys (`\:`, `\=`, `\ `, `\uXXXX`).
//! - YAML: multi-document (`---`), nested maps `a.b.c`, sequences `a.b[0].c`; scalar items
//!   of sequences are values, not keys. Both the mapping keys and the leaves are keys (so a
//!   row can name a whole section). Aliases are leaves (never expanded), merge keys (`<<`)
//!   and complex keys are skipped. Helm/Go template actions (`{{ ... }}`) are blanked first
//!   (see [`untemplate`]); keys that come from a template are skipped.
//! - JSON: nested objects `a.b.c`, arrays `a[0].b`; `//` and `/* */` comments tolerated;
//!   several top-level values (JSON lines) are documents.
//! - TOML: tables, dotted keys, inline tables, arrays of tables `servers[0].host`.
//! - INI/.conf/.cfg: `[section]` + `key = value` (or `key: value`) -> `section.key`;
//!   `[section "sub"]` -> `section.sub.key`; `;` and `#` comments.
//! - .env: `KEY=value` and `export KEY=value`.
//! - XML: element paths from the root `a.b.c` (local names), attributes `a.b.@attr`
//!   (namespace declarations skipped); repeated siblings share a path (no index). Java's XML
//!   properties (`<properties><entry key="k">`) also yield `k` itself.

use quick_xml::events::Event as XmlEvent;
use saphyr_parser::{Event, Parser};

/// Most keys read from one file.
pub const MAX_KEYS: usize = 100_000;
/// Longest key kept, in bytes.
pub const MAX_KEY_LEN: usize = 1024;
/// Deepest nesting read.
pub const MAX_DEPTH: usize = 64;
/// Longest scalar value kept (in bytes); longer values are dropped.
const MAX_VALUE: usize = 256;
/// What template actions become.
pub const TPL: &str = "__tpl__";

/// The formats the detector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Java `.properties`.
    Properties,
    /// YAML (`.yml`, `.yaml`), Helm templates included.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
    /// INI, `.conf`, `.cfg`, `.cnf`.
    Ini,
    /// `.env` files.
    Env,
    /// XML.
    Xml,
}

impl Format {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Properties => "properties",
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Ini => "ini",
            Format::Env => "env",
            Format::Xml => "xml",
        }
    }

    /// The format of a file, by its name (`name` is the last path segment).
    pub fn of_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
            return Some(Format::Env);
        }
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "properties" => Format::Properties,
            "yml" | "yaml" => Format::Yaml,
            "json" => Format::Json,
            "toml" => Format::Toml,
            "ini" | "conf" | "cfg" | "cnf" => Format::Ini,
            "xml" => Format::Xml,
            _ => return None,
        })
    }

    /// Flatten a text of this format.
    pub fn flatten(self, text: &str) -> Flattened {
        match self {
            Format::Properties => properties(text),
            Format::Yaml => yaml(text),
            Format::Json => json(text),
            Format::Toml => toml(text),
            Format::Ini => ini(text),
            Format::Env => env(text),
            Format::Xml => xml(text),
        }
    }
}

/// One flattened key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flat {
    /// The key: `cache.redis.host`, `servers[0].host`, `beans.bean.@class`.
    pub key: String,
    /// 1-based line of the key.
    pub line: u32,
    /// Document number in the file (YAML `---`, JSON lines), from 0.
    pub doc: u32,
    /// The scalar value, when short and not templated.
    pub value: Option<String>,
}

/// The keys of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flattened {
    /// The keys, in file order (TOML: table order).
    pub keys: Vec<Flat>,
    /// [`MAX_KEYS`] was reached and the rest was not read.
    pub truncated: bool,
}

impl Flattened {
    /// Add a key; false once full (the caller may stop).
    fn push(&mut self, key: &str, line: u32, doc: u32, value: Option<&str>) -> bool {
        if self.keys.len() >= MAX_KEYS {
            self.truncated = true;
            return false;
        }
        if key.is_empty() || key.len() > MAX_KEY_LEN || key.contains(TPL) {
            return true;
        }
        let value = value
            .filter(|v| v.len() <= MAX_VALUE && !v.contains(TPL))
            .map(str::to_string);
        self.keys.push(Flat {
            key: key.to_string(),
            line,
            doc,
            value,
        });
        true
    }

    /// The keys only (for tests).
    pub fn names(&self) -> Vec<(&str, u32)> {
        self.keys.iter().map(|f| (f.key.as_str(), f.line)).collect()
    }
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1)
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        let mut s = String::with_capacity(base.len() + key.len() + 1);
        s.push_str(base);
        s.push('.');
        s.push_str(key);
        s
    }
}

fn index(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

/// Byte offsets of line starts, for offset -> line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut v = vec![0];
        v.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines(v)
    }

    fn line(&self, offset: usize) -> u32 {
        line_no(self.0.partition_point(|&s| s <= offset).saturating_sub(1))
    }
}

// ---------------------------------------------------------------------------------------------
// properties

/// Flatten a Java `.properties` file.
pub fn properties(text: &str) -> Flattened {
    let mut out = Flattened::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let first = lines.get(i).copied().unwrap_or("").trim_end_matches('\r');
        i += 1;
        let trimmed = first.trim_start_matches([' ', '\t', '\u{c}']);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        // Join continuation lines: an odd number of trailing backslashes continues.
        let mut logical = String::new();
        let mut piece = trimmed;
        loop {
            let slashes = piece.bytes().rev().take_while(|&b| b == b'\\').count();
            if slashes % 2 == 1 {
                logical.push_str(piece.get(..piece.len() - 1).unwrap_or(""));
                match lines.get(i) {
                    Some(next) => {
                        i += 1;
                        piece = next
                            .trim_end_matches('\r')
                            .trim_start_matches([' ', '\t', '\u{c}']);
                    }
                    None => break,
                }
            } else {
                logical.push_str(piece);
                break;
            }
        }
        let (key, value) = property_split(&logical);
        if !out.push(&key, line_no(start), 0, Some(value.as_str())) {
            break;
        }
    }
    out
}

/// Split a logical properties line into its unescaped key and its (unescaped) value.
fn property_split(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.char_indices().peekable();
    let mut rest_at = line.len();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    key.push(unescape(e, &mut chars));
                }
            }
            '=' | ':' | ' ' | '\t' | '\u{c}' => {
                rest_at = at;
                break;
            }
            c => key.push(c),
        }
    }
    let rest = line.get(rest_at..).unwrap_or("");
    let rest = rest.trim_start_matches([' ', '\t', '\u{c}']);
    let rest = rest
        .strip_prefix('=')
        .or_else(|| rest.strip_prefix(':'))
        .unwrap_or(rest)
        .trim_start_matches([' ', '\t', '\u{c}']);
    let mut value = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '\\' {
            if let Some((_, e)) = chars.next() {
                value.push(unescape(e, &mut chars));
            }
        } else {
            value.push(c);
        }
    }
    (key, value)
}

fn unescape(e: char, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> char {
    match e {
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        'f' => '\u{c}',
        'u' => {
            let mut code = 0u32;
            let mut n = 0;
            while n < 4 {
                match chars.peek().and_then(|(_, c)| c.to_digit(16)) {
                    Some(d) => {
                        code = code * 16 + d;
                        chars.next();
                        n += 1;
                    }
                    None => break,
                }
            }
            char::from_u32(code).unwrap_or('\u{fffd}')
        }
        c => c,
    }
}

// ---------------------------------------------------------------------------------------------
// .env

/// Flatten a `.env` file (`KEY=value`, `export KEY=value`).
pub fn env(text: &str) -> Flattened {
    let mut out = Flattened::default();
    for (i, line) in text.split('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let t = t
            .strip_prefix("export ")
            .or_else(|| t.strip_prefix("export\t"))
            .map_or(t, str::trim_start);
        let Some((key, value)) = t.split_once('=') else {
            continue;
        };
        let key = key.trim_end();
        let ok = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !ok {
            continue;
        }
        let value = value.trim();
        let value = strip_quotes(value);
        if !out.push(key, line_no(i), 0, Some(value)) {
            break;
        }
    }
    out
}

fn strip_quotes(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// INI

/// Flatten an INI-style file (`[section]`, `key = value`).
pub fn ini(text: &str) -> Flattened {
    let mut out = Flattened::default();
    let mut section = String::new();
    for (i, line) in text.split('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with(';') || t.starts_with('#') {
            continue;
        }
        if let Some(inner) = t.strip_prefix('[') {
            let Some(end) = inner.rfind(']') else {
                continue;
            };
            let name = inner.get(..end).unwrap_or("").trim();
            // `[section "sub"]` (git style) -> section.sub
            section = match name.split_once(char::is_whitespace) {
                Some((a, b)) if b.trim().starts_with('"') => join(a, b.trim().trim_matches('"')),
                _ => name.to_string(),
            };
            if !section.is_empty() && !out.push(&section, line_no(i), 0, None) {
                break;
            }
            continue;
        }
        let (key, value, colon) = match t.find('=') {
            Some(at) => (
                t.get(..at).unwrap_or(""),
                t.get(at + 1..).unwrap_or(""),
                false,
            ),
            None => match t.split_once(':') {
                Some((k, v)) => (k, v, true),
                None => continue,
            },
        };
        let key = key.trim();
        let bad = key.is_empty()
            || key.contains(['{', '}', '(', ')', '<', '>', ';', '"', '\'', '$', '`', '|'])
            || (colon && key.contains(char::is_whitespace));
        if bad {
            continue;
        }
        let value = strip_quotes(value.trim());
        if !out.push(&join(&section, key), line_no(i), 0, Some(value)) {
            break;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Replace Helm/Go template actions (`{{ ... }}`) so the rest reads as YAML: a line made only
/// of actions and blanks becomes empty, an inline action becomes [`TPL`]. Newlines inside an
/// action are kept, so every line keeps its number.
pub fn untemplate(text: &str) -> String {
    if !text.contains("{{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let (before, from) = rest.split_at(i);
        let Some(j) = from.find("}}") else { break };
        let end = (j + 2).min(from.len());
        let action = from.get(..end).unwrap_or("");
        out.push_str(before);
        out.push_str(TPL);
        out.extend(std::iter::repeat_n('\n', action.matches('\n').count()));
        rest = from.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out.split('\n')
        .map(|line| {
            if line.contains(TPL) && line.replace(TPL, "").trim().is_empty() {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The documents of a YAML text: (byte offset, 0-based line of the first line), split at
/// `---` lines so a broken document does not hide the next.
fn yaml_documents(text: &str) -> Vec<(usize, usize)> {
    let mut docs = vec![(0, 0)];
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let is_marker = line
            .strip_prefix("---")
            .is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace));
        if is_marker && i > 0 {
            docs.push((offset, i));
        }
        offset += line.len();
    }
    docs
}

enum YFrame {
    /// A mapping: its key prefix, and the key read but not yet given a value.
    Map(String, Option<(String, u32)>),
    /// A sequence: its key prefix and the next index.
    Seq(String, usize),
}

/// Flatten a YAML text (all its documents).
pub fn yaml(text: &str) -> Flattened {
    let text = untemplate(text);
    let mut out = Flattened::default();
    let docs = yaml_documents(&text);
    for (n, w) in docs.iter().enumerate() {
        let (start, first_line) = *w;
        let end = docs.get(n + 1).map_or(text.len(), |d| d.0);
        let Some(doc_text) = text.get(start..end) else {
            continue;
        };
        let doc = u32::try_from(n).unwrap_or(u32::MAX);
        if !yaml_document(doc_text, first_line, doc, &mut out) {
            break;
        }
    }
    out
}

/// One document; false once the key limit is reached.
fn yaml_document(text: &str, first_line: usize, doc: u32, out: &mut Flattened) -> bool {
    let mut stack: Vec<YFrame> = Vec::new();
    // Depth of a subtree being skipped (complex key, merge key, too deep, templated key).
    let mut skip: usize = 0;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return true;
        };
        let line = line_no(first_line + span.start.line().saturating_sub(1));
        let (start, scalar) = match &event {
            Event::SequenceStart(..) | Event::MappingStart(..) => (true, None),
            Event::SequenceEnd | Event::MappingEnd => {
                if skip > 0 {
                    skip -= 1;
                } else {
                    stack.pop();
                }
                continue;
            }
            Event::Scalar(v, ..) => (false, Some(v.as_ref())),
            Event::Alias(_) => (false, None),
            _ => continue,
        };
        if skip > 0 {
            if start {
                skip += 1;
            }
            continue;
        }
        // Where this node goes.
        let target: Option<String> = match stack.last_mut() {
            None => Some(String::new()),
            Some(YFrame::Map(base, pending)) => match pending.take() {
                None => {
                    // A key.
                    match scalar {
                        Some(k) if !start && k != "<<" => {
                            *pending = Some((k.to_string(), line));
                        }
                        _ => {
                            // Complex, alias or merge key: skip it and its value.
                            *pending = Some((String::new(), line));
                            if start {
                                skip = 1;
                            }
                        }
                    }
                    continue;
                }
                Some((k, kline)) => {
                    if k.is_empty() || k.contains(TPL) {
                        None
                    } else {
                        let full = join(base, &k);
                        if !out.push(&full, kline, doc, scalar) {
                            return false;
                        }
                        Some(full)
                    }
                }
            },
            Some(YFrame::Seq(base, i)) => {
                let full = index(base, *i);
                *i += 1;
                Some(full)
            }
        };
        if start {
            match target {
                Some(prefix) if stack.len() < MAX_DEPTH && prefix.len() <= MAX_KEY_LEN => {
                    stack.push(if matches!(event, Event::SequenceStart(..)) {
                        YFrame::Seq(prefix, 0)
                    } else {
                        YFrame::Map(prefix, None)
                    });
                }
                _ => skip = 1,
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// JSON

enum JFrame {
    Obj(String, Option<(String, u32)>),
    Arr(String, usize),
}

/// Flatten a JSON text (several top-level values are documents).
pub fn json(text: &str) -> Flattened {
    let mut out = Flattened::default();
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut line = 1u32;
    let mut stack: Vec<JFrame> = Vec::new();
    let mut overflow = 0usize;
    let mut doc = 0u32;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(b' ');
        match c {
            b'\n' => {
                line = line.saturating_add(1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b',' | b':' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', b.get(i..).unwrap_or(&[])).map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(b.get(i + 2..).unwrap_or(&[]), b"*/")
                    .map_or(b.len(), |n| i + 2 + n + 2);
                let skipped = b.get(i..end.min(b.len())).unwrap_or(&[]);
                line = line.saturating_add(
                    u32::try_from(memchr::memchr_iter(b'\n', skipped).count()).unwrap_or(0),
                );
                i = end;
            }
            b'}' | b']' => {
                if overflow > 0 {
                    overflow -= 1;
                } else if stack.pop().is_some() && stack.is_empty() {
                    doc = doc.saturating_add(1);
                }
                i += 1;
            }
            _ => {
                // A value or a key: a string, a container start, or a literal.
                let at_line = line;
                let (start, scalar, next) = if c == b'"' {
                    let (s, next, nl) = json_string(text, i);
                    line = line.saturating_add(nl);
                    (false, Some(s), next)
                } else if c == b'{' || c == b'[' {
                    (true, None, i + 1)
                } else {
                    let len = b
                        .get(i..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|&&x| !b" \t\r\n,:]}[{\"/".contains(&x))
                        .count()
                        .max(1);
                    let lit = text.get(i..i + len).map(str::to_string);
                    (false, lit, i + len)
                };
                i = next;
                if overflow > 0 {
                    if start {
                        overflow += 1;
                    }
                    continue;
                }
                let target = match stack.last_mut() {
                    None => Some(String::new()),
                    Some(JFrame::Obj(base, pending)) => match pending.take() {
                        None if c == b'"' => {
                            *pending = Some((scalar.unwrap_or_default(), at_line));
                            continue;
                        }
                        None => None,
                        Some((k, kline)) => {
                            let full = join(base, &k);
                            if !out.push(&full, kline, doc, scalar.as_deref()) {
                                return out;
                            }
                            Some(full)
                        }
                    },
                    Some(JFrame::Arr(base, n)) => {
                        let full = index(base, *n);
                        *n += 1;
                        Some(full)
                    }
                };
                if start {
                    match target {
                        Some(p) if stack.len() < MAX_DEPTH && p.len() <= MAX_KEY_LEN => {
                            stack.push(if c == b'{' {
                                JFrame::Obj(p, None)
                            } else {
                                JFrame::Arr(p, 0)
                            })
                        }
                        _ => overflow += 1,
                    }
                } else if stack.is_empty() {
                    doc = doc.saturating_add(1);
                }
            }
        }
    }
    out
}

/// A JSON string starting at `i` (the quote): its decoded text, the offset after it, and the
/// newlines it spanned (only in broken JSON).
fn json_string(text: &str, i: usize) -> (String, usize, u32) {
    let b = text.as_bytes();
    let mut j = i + 1;
    let mut nl = 0u32;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => break,
            b'\n' => {
                nl = nl.saturating_add(1);
                j += 1;
            }
            _ => j += 1,
        }
    }
    let end = (j + 1).min(b.len());
    let raw = text.get(i..end).unwrap_or("");
    let s = serde_json::from_str::<String>(raw).unwrap_or_else(|_| {
        raw.trim_start_matches('"')
            .trim_end_matches('"')
            .to_string()
    });
    (s, end.max(i + 1), nl)
}

// ---------------------------------------------------------------------------------------------
// TOML

/// Flatten a TOML text.
pub fn toml(text: &str) -> Flattened {
    use toml::de::{DeTable, DeValue};
    let mut out = Flattened::default();
    let lines = Lines::new(text);
    let (root, _errors) = DeTable::parse_recoverable(text);

    fn walk(
        table: &DeTable<'_>,
        base: &str,
        depth: usize,
        lines: &Lines,
        out: &mut Flattened,
    ) -> bool {
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (k, v) in entries {
            let full = join(base, k.get_ref());
            let line = lines.line(k.span().start);
            let value = match v.get_ref() {
                DeValue::String(s) => Some(s.as_ref()),
                _ => None,
            };
            if !out.push(&full, line, 0, value) {
                return false;
            }
            if depth >= MAX_DEPTH || full.len() > MAX_KEY_LEN {
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) if !walk(t, &full, depth + 1, lines, out) => return false,
                DeValue::Array(items) => {
                    for (n, item) in items.iter().enumerate() {
                        if let DeValue::Table(t) = item.get_ref() {
                            if !walk(t, &index(&full, n), depth + 1, lines, out) {
                                return false;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        true
    }

    walk(root.get_ref(), "", 0, &lines, &mut out);
    let mut keys = std::mem::take(&mut out.keys);
    keys.sort_by_key(|f| f.line);
    out.keys = keys;
    out
}

// ---------------------------------------------------------------------------------------------
// XML

/// Flatten an XML text.
pub fn xml(text: &str) -> Flattened {
    let mut out = Flattened::default();
    let lines = Lines::new(text);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut overflow = 0usize;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let Ok(event) = reader.read_event() else {
            break;
        };
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let tag_at = text
            .get(before..after)
            .and_then(|s| s.find('<'))
            .map_or(before, |i| before + i);
        match event {
            XmlEvent::Start(s) | XmlEvent::Empty(s) => {
                let empty = after >= 2 && text.get(after - 2..after) == Some("/>");
                if overflow > 0 || stack.len() >= MAX_DEPTH {
                    if !empty {
                        overflow += 1;
                    }
                    continue;
                }
                let local = s.local_name();
                let name = local.as_ref().to_string();
                let base = stack.last().map_or("", String::as_str);
                let path = join(base, &name);
                let line = lines.line(tag_at);
                if !out.push(&path, line, 0, None) {
                    break;
                }
                let java_entry = base == "properties" && name == "entry";
                for a in s.attributes().flatten().take(256) {
                    let raw_key = a.key.as_ref();
                    if raw_key == "xmlns" || raw_key.starts_with("xmlns:") {
                        continue;
                    }
                    let local = a.key.local_name();
                    let key = local.as_ref().to_string();
                    let value = a.value.to_string();
                    if !out.push(&format!("{path}.@{key}"), line, 0, Some(&value)) {
                        return out;
                    }
                    if java_entry && key == "key" && !out.push(&value, line, 0, None) {
                        return out;
                    }
                }
                if !empty {
                    stack.push(path);
                }
            }
            XmlEvent::End(_) => {
                if overflow > 0 {
                    overflow -= 1;
                } else {
                    stack.pop();
                }
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(f: &Flattened) -> Vec<(&str, u32)> {
        f.names()
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(
            Format::of_name("application.properties"),
            Some(Format::Properties)
        );
        assert_eq!(Format::of_name("values.YAML"), Some(Format::Yaml));
        assert_eq!(Format::of_name(".env"), Some(Format::Env));
        assert_eq!(Format::of_name(".env.production"), Some(Format::Env));
        assert_eq!(Format::of_name("app.env"), Some(Format::Env));
        assert_eq!(Format::of_name("my.cnf"), Some(Format::Ini));
        assert_eq!(Format::of_name("Makefile"), None);
        assert_eq!(Format::of_name("run.sh"), None);
    }

    #[test]
    fn properties_rules() {
        let f = properties(
            "# comment\n! also\ncache.redis.host=a\ncache.redis.port : 6379\nplain value\n\
             long.key = one, \\\n   two\nnext=1\na\\:b\\=c=d\n\\u0041x=1\n  indented=2\n=novalue\nodd\\\\=x\n",
        );
        assert_eq!(
            names(&f),
            vec![
                ("cache.redis.host", 3),
                ("cache.redis.port", 4),
                ("plain", 5),
                ("long.key", 6),
                ("next", 8),
                ("a:b=c", 9),
                ("Ax", 10),
                ("indented", 11),
                ("odd\\", 13),
            ]
        );
        assert_eq!(
            f.keys.get(3).and_then(|k| k.value.as_deref()),
            Some("one, two")
        );
        assert_eq!(f.keys.get(1).and_then(|k| k.value.as_deref()), Some("6379"));
    }

    #[test]
    fn properties_continuation_at_end_and_comment_backslash() {
        let f = properties("# comment \\\nreal=1\nlast=a\\");
        assert_eq!(names(&f), vec![("real", 2), ("last", 3)]);
    }

    #[test]
    fn env_files() {
        let f = env(
            "# c\nCACHE_REDIS_HOST=x\nexport SPRING_PROFILES=\"prod\"\n  bad key=1\n1X=2\nNOEQ\n",
        );
        assert_eq!(
            names(&f),
            vec![("CACHE_REDIS_HOST", 2), ("SPRING_PROFILES", 3)]
        );
        assert_eq!(f.keys.get(1).and_then(|k| k.value.as_deref()), Some("prod"));
    }

    #[test]
    fn ini_files() {
        let f = ini("top=1\n[cache]\n; c\n# c\nredis.host = a\nport: 1\n[remote \"origin\"]\nurl=x\n<VirtualHost *:80>\nListen 0.0.0.0:80\n[broken\n");
        assert_eq!(
            names(&f),
            vec![
                ("top", 1),
                ("cache", 2),
                ("cache.redis.host", 5),
                ("cache.port", 6),
                ("remote.origin", 7),
                ("remote.origin.url", 8),
            ]
        );
    }

    #[test]
    fn yaml_nesting_sequences_and_documents() {
        let f = yaml(
            "cache:\n  redis:\n    host: a\n    port: 1\nservers:\n  - host: x\n    port: 2\n  - host: y\ntags: [a, b]\n---\nkind: Deployment\nspec:\n  x: 1\n",
        );
        assert_eq!(
            names(&f),
            vec![
                ("cache", 1),
                ("cache.redis", 2),
                ("cache.redis.host", 3),
                ("cache.redis.port", 4),
                ("servers", 5),
                ("servers[0].host", 6),
                ("servers[0].port", 7),
                ("servers[1].host", 8),
                ("tags", 9),
                ("kind", 11),
                ("spec", 12),
                ("spec.x", 13),
            ]
        );
        assert_eq!(f.keys.get(9).map(|k| k.doc), Some(1));
        assert_eq!(
            f.keys.get(9).and_then(|k| k.value.as_deref()),
            Some("Deployment")
        );
    }

    #[test]
    fn yaml_aliases_merges_and_complex_keys() {
        let f = yaml("base: &b\n  x: 1\nother:\n  <<: *b\n  y: *b\n? [a, b]\n: v\nz: 1\n");
        assert_eq!(
            names(&f),
            vec![
                ("base", 1),
                ("base.x", 2),
                ("other", 3),
                ("other.y", 5),
                ("z", 8)
            ]
        );
    }

    #[test]
    fn yaml_helm_templates() {
        let text = "{{- if .Values.enabled }}\napiVersion: {{ include \"x.apiVersion\" . }}\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n  {{ .Values.key }}: 1\nspec:\n  rules: {{ toYaml\n .Values.rules }}\n  after: 2\n{{- end }}\n";
        let f = yaml(text);
        assert_eq!(
            names(&f),
            vec![
                ("apiVersion", 2),
                ("kind", 3),
                ("metadata", 4),
                ("metadata.name", 5),
                ("metadata.labels", 6),
                ("spec", 9),
                ("spec.rules", 10),
                ("spec.after", 12),
            ]
        );
        assert_eq!(f.keys.first().and_then(|k| k.value.clone()), None);
    }

    #[test]
    fn yaml_broken_document_keeps_the_rest() {
        let f = yaml("a: 1\nb: [unclosed\n---\nc: 2\n");
        assert_eq!(names(&f), vec![("a", 1), ("b", 2), ("c", 4)]);
    }

    #[test]
    fn json_nesting() {
        let f = json(
            "{\n  \"cache\": {\"redis\": {\n    \"host\": \"a\"}},\n  // note\n  \"servers\": [ {\"host\": 1}, {\"host\": 2} ],\n  /* block\n  */ \"k\\\"q\": true,\n  \"list\": [1, 2]\n}\n{\"second\": 1}\n",
        );
        assert_eq!(
            names(&f),
            vec![
                ("cache", 2),
                ("cache.redis", 2),
                ("cache.redis.host", 3),
                ("servers", 5),
                ("servers[0].host", 5),
                ("servers[1].host", 5),
                ("k\"q", 7),
                ("list", 8),
                ("second", 10),
            ]
        );
        assert_eq!(f.keys.last().map(|k| k.doc), Some(1));
        assert_eq!(f.keys.get(2).and_then(|k| k.value.as_deref()), Some("a"));
    }

    #[test]
    fn toml_tables() {
        let f = toml(
            "title = \"x\"\n[cache.redis]\nhost = \"a\"\n[[servers]]\nhost = \"b\"\n[[servers]]\nhost = \"c\"\ninline = { a = 1 }\n",
        );
        assert_eq!(
            names(&f),
            vec![
                ("title", 1),
                ("cache", 2),
                ("cache.redis", 2),
                ("cache.redis.host", 3),
                ("servers", 4),
                ("servers[0].host", 5),
                ("servers[1].host", 7),
                ("servers[1].inline", 8),
                ("servers[1].inline.a", 8),
            ]
        );
    }

    #[test]
    fn xml_paths() {
        let f = xml(
            "<?xml version=\"1.0\"?>\n<beans xmlns=\"http://x\" xmlns:p=\"http://p\">\n  <bean id=\"a\" class=\"X\">\n    <property name=\"n\" value=\"v\"/>\n  </bean>\n</beans>\n",
        );
        assert_eq!(
            names(&f),
            vec![
                ("beans", 2),
                ("beans.bean", 3),
                ("beans.bean.@id", 3),
                ("beans.bean.@class", 3),
                ("beans.bean.property", 4),
                ("beans.bean.property.@name", 4),
                ("beans.bean.property.@value", 4),
            ]
        );
        let p = xml("<properties>\n<entry key=\"cache.redis.host\">a</entry>\n</properties>");
        assert!(names(&p).contains(&("cache.redis.host", 2)));
    }

    #[test]
    fn hostile_inputs() {
        let deep = "[".repeat(100_000);
        assert!(json(&deep).keys.is_empty());
        let deep_obj = "{\"a\":".repeat(10_000);
        assert_eq!(json(&deep_obj).keys.len(), MAX_DEPTH);
        let deep_yaml = "[".repeat(10_000);
        assert!(yaml(&deep_yaml).keys.is_empty());
        let deep_xml = "<a>".repeat(10_000);
        assert_eq!(xml(&deep_xml).keys.len(), MAX_DEPTH);
        for s in [
            "\"",
            "{\"a",
            "{\"a\":",
            "\\",
            "é\\",
            "{{",
            "}}{{",
            "[a\n",
            "<a b='",
            "\u{feff}x=1",
        ] {
            let _ = (
                properties(s),
                env(s),
                ini(s),
                yaml(s),
                json(s),
                toml(s),
                xml(s),
            );
        }
        let many: String = (0..MAX_KEYS + 10).map(|i| format!("k{i}=1\n")).collect();
        let f = properties(&many);
        assert_eq!(f.keys.len(), MAX_KEYS);
        assert!(f.truncated);
        let long = format!("{}=1\nok=2\n", "k".repeat(MAX_KEY_LEN + 1));
        assert_eq!(names(&properties(&long)), vec![("ok", 2)]);
    }
}
