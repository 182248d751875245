//! Just enough Python and Ruby lexing to find migration calls, their arguments and the SQL in
//! their string literals, with byte offsets into the file.
//!
//! Every byte of the file is classed as code, string or comment; calls are looked for in code
//! only. String literals keep their offsets, so SQL taken from them reports the lines of the
//! host file. Interpolations (`f"{x}"`, `"#{x}"`) become placeholder names of the same length.

use super::sql::{Embedded, Origin};
use std::borrow::Cow;

/// The host language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Python (Alembic, Django).
    Python,
    /// Ruby (Rails).
    Ruby,
}

const CODE: u8 = 0;
const STRING: u8 = 1;
const COMMENT: u8 = 2;

/// A string literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Literal {
    /// Offset of its first byte (prefix or opening quote; `<<~` for heredocs).
    pub start: usize,
    /// Its content: start and end offsets.
    pub content: (usize, usize),
    /// Interpolation applies (`f"..."`, Ruby `"..."` and heredocs).
    pub interpolates: bool,
}

/// A lexed file.
pub struct Code<'a> {
    /// The text.
    pub text: &'a str,
    class: Vec<u8>,
    /// Its string literals in order of their start.
    pub literals: Vec<Literal>,
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Code<'a> {
    /// Lex a file.
    pub fn new(text: &'a str, lang: Lang) -> Self {
        let mut c = Code {
            text,
            class: vec![CODE; text.len()],
            literals: Vec::new(),
        };
        match lang {
            Lang::Python => c.lex_python(),
            Lang::Ruby => c.lex_ruby(),
        }
        c.literals.sort_by_key(|l| l.start);
        c
    }

    fn mark(&mut self, from: usize, to: usize, class: u8) {
        let to = to.min(self.class.len());
        if let Some(s) = self.class.get_mut(from..to) {
            s.fill(class);
        }
    }

    fn line_end(&self, i: usize) -> usize {
        memchr::memchr(b'\n', self.text.as_bytes().get(i..).unwrap_or(&[]))
            .map_or(self.text.len(), |n| i + n)
    }

    fn lex_python(&mut self) {
        let b = self.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'#' {
                let e = self.line_end(i);
                self.mark(i, e, COMMENT);
                i = e;
                continue;
            }
            if c != b'\'' && c != b'"' {
                i += 1;
                continue;
            }
            // Prefix letters right before the quote (r, b, u, f, rb, fr...).
            let mut start = i;
            let mut fstring = false;
            while start > 0 && start + 2 >= i && b[start - 1].is_ascii_alphabetic() {
                start -= 1;
            }
            if start > 0 && is_ident(b[start - 1]) {
                start = i;
            }
            for p in b.get(start..i).unwrap_or(&[]) {
                match p.to_ascii_lowercase() {
                    b'f' => fstring = true,
                    b'r' | b'b' | b'u' => {}
                    _ => {
                        start = i;
                        fstring = false;
                        break;
                    }
                }
            }
            let triple = b
                .get(i..i + 3)
                .is_some_and(|t| t[0] == c && t[1] == c && t[2] == c);
            let qlen = if triple { 3 } else { 1 };
            let content_start = i + qlen;
            let mut j = content_start;
            let end = loop {
                if j >= b.len() {
                    break b.len();
                }
                let d = b[j];
                // A backslash escapes the next character (in raw strings it still keeps the
                // quote from closing the literal).
                if d == b'\\' {
                    j += 2;
                    continue;
                }
                if !triple && d == b'\n' {
                    break j;
                }
                if d == c && (!triple || b.get(j..j + 3).is_some_and(|t| t[1] == c && t[2] == c)) {
                    break j;
                }
                j += 1;
            };
            let content_end = end.min(b.len());
            let after = (content_end + qlen).min(b.len());
            self.mark(start, after, STRING);
            self.literals.push(Literal {
                start,
                content: (content_start.min(content_end), content_end),
                interpolates: fstring,
            });
            i = after.max(i + 1);
        }
    }

    fn lex_ruby(&mut self) {
        let b = self.text.as_bytes();
        let mut i = 0;
        // Heredocs opened on the current line: (opener, id, squiggly/dash, interpolates).
        let mut pending: Vec<(usize, String, bool, bool)> = Vec::new();
        while i < b.len() {
            let c = b[i];
            if c == b'\n' {
                i += 1;
                for (opener, id, indented, interp) in std::mem::take(&mut pending) {
                    let body_start = i;
                    let mut k = i;
                    let mut found = None;
                    while k < b.len() {
                        let e = self.line_end(k);
                        let line = self.text.get(k..e).unwrap_or("");
                        let t = if indented {
                            line.trim()
                        } else {
                            line.trim_end()
                        };
                        if t == id {
                            found = Some((k, e));
                            break;
                        }
                        k = e + 1;
                    }
                    let (body_end, next) = found.unwrap_or((b.len(), b.len()));
                    self.mark(body_start, next, STRING);
                    self.literals.push(Literal {
                        start: opener,
                        content: (body_start, body_end.max(body_start)),
                        interpolates: interp,
                    });
                    i = (next + 1).min(b.len()).max(i);
                }
                continue;
            }
            if c == b'#' {
                let e = self.line_end(i);
                self.mark(i, e, COMMENT);
                i = e;
                continue;
            }
            if c == b'='
                && (i == 0 || b[i - 1] == b'\n')
                && self.text.get(i..i + 6) == Some("=begin")
            {
                let rest = self.text.get(i..).unwrap_or("");
                let e = rest
                    .find("\n=end")
                    .map_or(b.len(), |k| self.line_end(i + k + 1));
                self.mark(i, e, COMMENT);
                i = e;
                continue;
            }
            if c == b'<' && b.get(i + 1) == Some(&b'<') {
                if let Some((id, indented, interp, len)) =
                    heredoc_opener(b.get(i + 2..).unwrap_or(&[]))
                {
                    pending.push((i, id, indented, interp));
                    i += 2 + len;
                    continue;
                }
            }
            let (open, close, interp) = match c {
                b'\'' => (i, b'\'', false),
                b'"' => (i, b'"', true),
                b'%' => match percent_literal(b, i) {
                    Some((qstart, close, interp)) => (qstart, close, interp),
                    None => {
                        i += 1;
                        continue;
                    }
                },
                _ => {
                    i += 1;
                    continue;
                }
            };
            let opening = b[open];
            let nests = opening != close;
            let mut depth = 0usize;
            let mut j = open + 1;
            while j < b.len() {
                let d = b[j];
                if d == b'\\' {
                    j += 2;
                    continue;
                }
                if interp && d == b'#' && b.get(j + 1) == Some(&b'{') {
                    let mut braces = 0usize;
                    while j < b.len() {
                        if b[j] == b'{' {
                            braces += 1;
                        } else if b[j] == b'}' {
                            braces = braces.saturating_sub(1);
                            if braces == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    j += 1;
                    continue;
                }
                if nests && d == opening {
                    depth += 1;
                } else if d == close {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                j += 1;
            }
            let end = j.min(b.len());
            self.mark(i, (end + 1).min(b.len()), STRING);
            self.literals.push(Literal {
                start: i,
                content: (open + 1, end.max(open + 1)),
                interpolates: interp,
            });
            i = end + 1;
        }
    }

    /// Whether byte `i` is code.
    pub fn is_code(&self, i: usize) -> bool {
        self.class.get(i) == Some(&CODE)
    }

    /// The literal starting at `i`.
    pub fn literal_at(&self, i: usize) -> Option<&Literal> {
        let k = self.literals.partition_point(|l| l.start < i);
        self.literals.get(k).filter(|l| l.start == i)
    }

    /// Literals starting inside `from..to`.
    pub fn literals_in(&self, from: usize, to: usize) -> &[Literal] {
        let a = self.literals.partition_point(|l| l.start < from);
        let b = self.literals.partition_point(|l| l.start < to);
        self.literals.get(a..b).unwrap_or(&[])
    }
}

/// `<<~ID`, `<<-ID`, `<<ID`, with optional quotes: (id, indented, interpolates, bytes read).
fn heredoc_opener(b: &[u8]) -> Option<(String, bool, bool, usize)> {
    let mut i = 0;
    let indented = matches!(b.first(), Some(b'~' | b'-'));
    if indented {
        i += 1;
    }
    let quote = b.get(i).copied().filter(|q| *q == b'\'' || *q == b'"');
    if quote.is_some() {
        i += 1;
    }
    let start = i;
    while b.get(i).is_some_and(|c| is_ident(*c)) {
        i += 1;
    }
    let id = std::str::from_utf8(b.get(start..i)?).ok()?;
    if id.is_empty() || id.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // `a << b` is an append: a bare heredoc id must be uppercase.
    if !indented
        && quote.is_none()
        && !id
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c == b'_' || c.is_ascii_digit())
    {
        return None;
    }
    if let Some(q) = quote {
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    Some((id.to_string(), indented, quote != Some(b'\''), i))
}

/// A `%q(...)`, `%Q{...}`, `%(...)`, `%w[...]` literal at `i`: (offset of the opening
/// delimiter, closing delimiter, interpolates).
fn percent_literal(b: &[u8], i: usize) -> Option<(usize, u8, bool)> {
    let mut j = i + 1;
    let mut interp = true;
    if let Some(k) = b.get(j).filter(|k| b"qQwWiI".contains(k)) {
        interp = matches!(k, b'Q' | b'W' | b'I');
        j += 1;
    }
    let open = *b.get(j)?;
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        b'|' | b'!' | b'/' => open,
        _ => return None,
    };
    // `a % (b)` is arithmetic: require no space before the delimiter and a non-identifier
    // before the `%`.
    if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b')') {
        return None;
    }
    Some((j, close, interp))
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Keyword, when it is a keyword argument.
    pub key: Option<String>,
    /// Offset where its value starts.
    pub start: usize,
    /// Offset where it ends.
    pub end: usize,
}

/// A call found in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The dotted name as written (`op.create_index`, `migrations.AddIndex`, `add_index`).
    pub name: String,
    /// Offset of the name.
    pub start: usize,
    /// Offset after the call (closing parenthesis or end of the argument list).
    pub end: usize,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Offset where the arguments start.
    pub args_start: usize,
}

impl Code<'_> {
    /// The first offset after `i` (from `i`) that is code and not blank, on any line.
    fn skip_blank(&self, mut i: usize, end: usize) -> usize {
        let b = self.text.as_bytes();
        while i < end && (b[i].is_ascii_whitespace() || !self.is_code(i)) {
            if !self.is_code(i) && self.class.get(i) == Some(&STRING) {
                break;
            }
            i += 1;
        }
        i
    }

    /// Calls in `from..to` whose dotted name passes `want`. Python calls need parentheses;
    /// Ruby calls may go without (`add_index :t, :c`), their arguments then run to the end of
    /// the line (and on while a line ends with a comma or brackets are open).
    pub fn calls(
        &self,
        from: usize,
        to: usize,
        lang: Lang,
        want: &dyn Fn(&str) -> bool,
    ) -> Vec<Call> {
        let b = self.text.as_bytes();
        let to = to.min(b.len());
        // Each call's arguments are read to their closing parenthesis; unclosed ones read to
        // the end. A budget keeps many of those linear.
        let mut budget = (to.saturating_sub(from))
            .saturating_mul(8)
            .saturating_add(1 << 20);
        let mut out = Vec::new();
        let mut i = from;
        while i < to && out.len() < 20_000 {
            if !self.is_code(i)
                || !(b[i].is_ascii_alphabetic() || b[i] == b'_')
                || (i > 0
                    && (is_ident(b[i - 1])
                        || b[i - 1] == b'.'
                        || b[i - 1] == b':'
                        || b[i - 1] == b'@'))
            {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i;
            while j < to
                && (is_ident(b[j])
                    || (b[j] == b'.' && b.get(j + 1).is_some_and(|c| is_ident(*c)))
                    || (lang == Lang::Ruby && b[j] == b'!'))
            {
                j += 1;
            }
            let name = self.text.get(start..j).unwrap_or("");
            if !want(name) {
                i = j.max(i + 1);
                continue;
            }
            // Where the arguments start, and whether they are in parentheses.
            let open = if b.get(j) == Some(&b'(') {
                Some((j + 1, true))
            } else if lang == Lang::Ruby && b.get(j).is_some_and(|c| *c == b' ' || *c == b'\t') {
                Some((j + 1, false))
            } else if lang == Lang::Python {
                // `op.create_index (` with a space is legal but rare; take it too.
                let k = self.skip_blank(j, to);
                (b.get(k) == Some(&b'(') && self.text.get(j..k).is_some_and(|s| !s.contains('\n')))
                    .then_some((k + 1, true))
            } else {
                None
            };
            let Some((a, paren)) = open else {
                i = j.max(i + 1);
                continue;
            };
            let (args, end) = self.args(a, to, paren);
            budget = budget.saturating_sub(end.saturating_sub(a));
            if budget == 0 {
                break;
            }
            out.push(Call {
                name: name.to_string(),
                start,
                end: if paren { (end + 1).min(b.len()) } else { end },
                args,
                args_start: a,
            });
            i = j + 1;
        }
        out
    }

    /// Arguments from `a`: up to the closing parenthesis (`paren`) or the end of the Ruby
    /// statement. Returns them and the offset where they end.
    fn args(&self, a: usize, to: usize, paren: bool) -> (Vec<Arg>, usize) {
        let b = self.text.as_bytes();
        let mut depth = 0usize;
        let mut arg_start = a;
        let mut args = Vec::new();
        let mut i = a;
        let mut last_code = 0u8;
        let push = |args: &mut Vec<Arg>, s: usize, e: usize| {
            if args.len() < 64 {
                if let Some(arg) = self.make_arg(s, e) {
                    args.push(arg);
                }
            }
        };
        while i < to {
            let c = b[i];
            if self.is_code(i) {
                match c {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => {
                        if depth == 0 {
                            push(&mut args, arg_start, i);
                            return (args, i);
                        }
                        depth -= 1;
                    }
                    b',' if depth == 0 => {
                        push(&mut args, arg_start, i);
                        arg_start = i + 1;
                    }
                    b'\n' if !paren && depth == 0 && last_code != b',' && last_code != b'\\' => {
                        push(&mut args, arg_start, i);
                        return (args, i);
                    }
                    b'd' if !paren
                        && depth == 0
                        && self.text.get(i..i + 3) == Some("do ")
                        && i > 0
                        && b[i - 1] == b' ' =>
                    {
                        // A block starts: `create_table :t do |t|`.
                        push(&mut args, arg_start, i);
                        return (args, i);
                    }
                    _ => {}
                }
                if !c.is_ascii_whitespace() {
                    last_code = c;
                }
            }
            i += 1;
        }
        push(&mut args, arg_start, to);
        (args, to)
    }

    fn make_arg(&self, s: usize, e: usize) -> Option<Arg> {
        let raw = self.text.get(s..e)?;
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return None;
        }
        let start = s + lead;
        let end = start + trimmed.len();
        let ident_len = trimmed.bytes().take_while(|c| is_ident(*c)).count();
        let (ident, rest) = trimmed.split_at_checked(ident_len).unwrap_or(("", trimmed));
        // Python `key=value`, Ruby `key: value` and `:key => value`.
        let kw = if ident_len > 0
            && rest.trim_start().starts_with('=')
            && !rest.trim_start().starts_with("==")
            && !rest.trim_start().starts_with("=>")
        {
            let eq = trimmed.find('=').unwrap_or(0);
            Some((ident.to_string(), eq + 1))
        } else if ident_len > 0 && rest.starts_with(':') && !rest.starts_with("::") {
            Some((ident.to_string(), ident_len + 1))
        } else if let Some(sym) = trimmed.strip_prefix(':') {
            let n = sym.bytes().take_while(|c| is_ident(*c)).count();
            let after = sym.get(n..).unwrap_or("");
            after.trim_start().starts_with("=>").then(|| {
                (
                    sym.get(..n).unwrap_or("").to_string(),
                    1 + n + after.find("=>").unwrap_or(0) + 2,
                )
            })
        } else {
            None
        };
        Some(match kw {
            Some((key, skip)) => {
                let vstart = start + skip;
                let v = self.text.get(vstart..end).unwrap_or("");
                Arg {
                    key: Some(key),
                    start: vstart + (v.len() - v.trim_start().len()),
                    end,
                }
            }
            None => Arg {
                key: None,
                start,
                end,
            },
        })
    }

    /// The text of an argument's value.
    pub fn value(&self, a: &Arg) -> &str {
        self.text.get(a.start..a.end).unwrap_or("").trim()
    }

    /// A name given as a literal or a Ruby symbol (`"orders"`, `:orders`).
    pub fn name(&self, a: &Arg) -> Option<String> {
        let v = self.value(a);
        if let Some(sym) = v.strip_prefix(':') {
            let n = sym.bytes().take_while(|c| is_ident(*c)).count();
            return sym.get(..n).filter(|s| !s.is_empty()).map(str::to_string);
        }
        let lit = self.literal_at(a.start)?;
        if lit.content.1 > a.end {
            return None;
        }
        self.text
            .get(lit.content.0..lit.content.1)
            .map(str::to_string)
    }

    /// The SQL of an argument made of string literals (adjacent ones joined, wrappers such as
    /// `sa.text(...)` looked through, a list of literals giving one piece per element).
    pub fn sql(&self, a: &Arg) -> Vec<Embedded<'static>> {
        let v = self.value(a);
        if v.starts_with('[') {
            // A list: one piece per literal element.
            return self
                .literals_in(a.start, a.end)
                .iter()
                .filter(|l| l.content.1 <= a.end)
                .filter_map(|l| self.embed(&[*l]))
                .collect();
        }
        let lits: Vec<Literal> = self
            .literals_in(a.start, a.end)
            .iter()
            .copied()
            .filter(|l| l.content.1 <= a.end)
            .collect();
        // Heredocs: the opener is in the argument, the body after it.
        if let Some(h) = self.literals.iter().find(|l| {
            l.start >= a.start
                && l.start < a.end
                && self.text.get(l.start..l.start + 2) == Some("<<")
        }) {
            return self.embed(&[*h]).into_iter().collect();
        }
        if lits.is_empty() {
            return Vec::new();
        }
        // Only literals, `+`, parentheses, blanks and one wrapper name (`sa.text`) may make
        // up the value: anything else (`%`, `.format(...)`, variables) is not literal SQL.
        let rest: String = (a.start..a.end)
            .filter(|&i| self.is_code(i))
            .filter_map(|i| self.text.as_bytes().get(i).copied())
            .filter(|c| !c.is_ascii_whitespace() && !matches!(c, b'+' | b'\\' | b'(' | b')'))
            .map(char::from)
            .collect();
        let wrapper_ok = rest.is_empty()
            || (rest.bytes().all(|c| is_ident(c) || c == b'.')
                && rest
                    .bytes()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_'));
        if !wrapper_ok {
            return Vec::new();
        }
        self.embed(&lits).into_iter().collect()
    }

    /// The host text from the first literal's content to the last's, with everything that is
    /// not literal content blanked (newlines kept) and interpolations made placeholders.
    fn embed(&self, lits: &[Literal]) -> Option<Embedded<'static>> {
        let first = lits.first()?;
        let last = lits.last()?;
        let (s, e) = (first.content.0, last.content.1.max(first.content.0));
        let host = self.text.as_bytes().get(s..e)?;
        let mut out: Vec<u8> = host
            .iter()
            .map(|&c| if c == b'\n' { b'\n' } else { b' ' })
            .collect();
        for l in lits {
            let (ls, le) = (l.content.0.max(s), l.content.1.min(e));
            if ls >= le {
                continue;
            }
            if let (Some(dst), Some(src)) = (
                out.get_mut(ls - s..le - s),
                self.text.as_bytes().get(ls..le),
            ) {
                dst.copy_from_slice(src);
                if l.interpolates {
                    placeholders(dst);
                }
            }
        }
        let sql = String::from_utf8(out).ok()?;
        Some(Embedded {
            sql: Cow::Owned(sql),
            origin: Origin::Byte(s),
        })
    }

    /// Keyword argument `key`, or positional argument `pos`.
    pub fn arg<'c>(&self, args: &'c [Arg], key: &str, pos: Option<usize>) -> Option<&'c Arg> {
        args.iter()
            .find(|a| a.key.as_deref() == Some(key))
            .or_else(|| pos.and_then(|p| args.iter().filter(|a| a.key.is_none()).nth(p)))
    }

    /// Keyword argument `key` has a value that reads as true (`True`, `true`, a non-false
    /// expression for `algorithm: :concurrently`).
    pub fn flag(&self, args: &[Arg], key: &str) -> Option<bool> {
        let a = args.iter().find(|a| a.key.as_deref() == Some(key))?;
        let v = self.value(a);
        Some(!matches!(v, "False" | "false" | "None" | "nil" | "0"))
    }
}

/// Interpolations (`{x}`, `#{x}`) become `x___` of the same length.
fn placeholders(buf: &mut [u8]) {
    let mut i = 0;
    while i < buf.len() {
        let open = if buf[i] == b'#' && buf.get(i + 1) == Some(&b'{') {
            Some(i + 1)
        } else if buf[i] == b'{' && buf.get(i + 1) != Some(&b'{') {
            Some(i)
        } else {
            None
        };
        let Some(o) = open else {
            i += 1;
            continue;
        };
        let Some(close) = buf.iter().skip(o).position(|&c| c == b'}').map(|k| o + k) else {
            break;
        };
        if let Some(span) = buf.get_mut(i..=close) {
            for (k, c) in span.iter_mut().enumerate() {
                *c = if k == 0 { b'x' } else { b'_' };
            }
        }
        i = close + 1;
    }
}

/// A function body: offset of the `def`, and the byte range of its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Def {
    /// Offset of `def`.
    pub at: usize,
    /// Body start.
    pub start: usize,
    /// Body end.
    pub end: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The first `def name(` (Python) or `def name` (Ruby, also `def self.name`) in code.
pub fn find_def(code: &Code<'_>, lang: Lang, names: &[&str]) -> Option<Def> {
    let text = code.text;
    let mut offset = 0usize;
    let mut found: Option<(usize, usize, usize)> = None; // def offset, indent, line end
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let t2 = t.strip_prefix("async ").unwrap_or(t);
        if let Some(rest) = t2.strip_prefix("def ") {
            let rest = rest.trim_start();
            let rest = if lang == Lang::Ruby {
                rest.strip_prefix("self.").unwrap_or(rest)
            } else {
                rest
            };
            let at = offset + indent_of(line);
            let matches = names.iter().any(|n| {
                rest.strip_prefix(n).is_some_and(|after| {
                    let c = after.bytes().next();
                    match lang {
                        Lang::Python => after.trim_start().starts_with('('),
                        Lang::Ruby => c.is_none_or(|c| !is_ident(c) && c != b'!' && c != b'?'),
                    }
                })
            });
            if matches && code.is_code(at) {
                found = Some((at, indent_of(line), offset + line.len()));
                break;
            }
        }
        offset += line.len();
    }
    let (at, indent, mut start) = found?;
    if lang == Lang::Python {
        // The body starts after the `:` that ends the signature (maybe on a later line).
        let b = text.as_bytes();
        let mut depth = 0i32;
        let mut i = at;
        while i < b.len() {
            if code.is_code(i) {
                match b[i] {
                    b'(' | b'[' => depth += 1,
                    b')' | b']' => depth -= 1,
                    b':' if depth == 0 => break,
                    _ => {}
                }
            }
            i += 1;
        }
        let line_end = code.line_end(i);
        let rest = text.get(i + 1..line_end).unwrap_or("");
        if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
            return Some(Def {
                at,
                start: i + 1,
                end: line_end,
            });
        }
        start = (line_end + 1).min(text.len());
    }
    let mut end = start;
    let mut o = start;
    for line in text.get(start..).unwrap_or("").split_inclusive('\n') {
        let t = line.trim();
        let ind = indent_of(line);
        let blank = t.is_empty() || (t.starts_with('#') && lang == Lang::Python);
        if !blank && ind <= indent && code.is_code(o + ind) {
            if lang == Lang::Ruby && t == "end" {
                end = o;
            }
            break;
        }
        o += line.len();
        end = o;
    }
    Some(Def {
        at,
        start,
        end: end.min(text.len()),
    })
}

/// The code of a range without strings, comments and blanks (to see whether a body is empty).
pub fn bare_code(code: &Code<'_>, from: usize, to: usize) -> String {
    (from..to.min(code.text.len()))
        .filter(|&i| code.is_code(i))
        .filter_map(|i| code.text.as_bytes().get(i).copied())
        .filter(|c| !c.is_ascii_whitespace())
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_calls_and_sql() {
        let text = "def upgrade():\n    # op.drop_table('x')\n    op.execute(\n        \"ALTER TABLE a \"\n        f\"ADD b {t}\"\n    )\n    op.create_index('i', 'orders', ['a'], postgresql_concurrently=True)\n\ndef downgrade():\n    pass\n";
        let code = Code::new(text, Lang::Python);
        let calls = code.calls(0, text.len(), Lang::Python, &|n| n.starts_with("op."));
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "op.execute");
        let sql = code.sql(&calls[0].args[0]);
        assert_eq!(sql.len(), 1);
        assert!(sql[0].sql.contains("ALTER TABLE a"));
        assert!(sql[0].sql.contains("ADD b x__"));
        assert_eq!(code.name(&calls[1].args[1]).as_deref(), Some("orders"));
        assert_eq!(
            code.flag(&calls[1].args, "postgresql_concurrently"),
            Some(true)
        );
        let down = find_def(&code, Lang::Python, &["downgrade"]);
        assert!(down.is_some_and(|d| bare_code(&code, d.start, d.end) == "pass"));
    }

    #[test]
    fn ruby_calls_and_heredoc() {
        let text = "class A < ActiveRecord::Migration[7.0]\n  def change\n    add_index :orders, :user_id, algorithm: :concurrently\n    execute <<~SQL\n      UPDATE orders SET a = 1 WHERE b = '#{x}';\n    SQL\n  end\nend\n";
        let code = Code::new(text, Lang::Ruby);
        let def = find_def(&code, Lang::Ruby, &["change"]);
        assert!(def.is_some());
        let Some(def) = def else { return };
        let calls = code.calls(def.start, def.end, Lang::Ruby, &|n| {
            n == "add_index" || n == "execute"
        });
        assert_eq!(calls.len(), 2);
        assert_eq!(code.name(&calls[0].args[0]).as_deref(), Some("orders"));
        assert_eq!(code.value(&calls[0].args[2]), ":concurrently");
        let sql = code.sql(&calls[1].args[0]);
        assert_eq!(sql.len(), 1);
        assert!(sql[0].sql.contains("UPDATE orders SET a = 1"));
        assert!(sql[0].sql.contains("x___"));
    }
}
