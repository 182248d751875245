//! SQL text: dialects, statement splitting, tokens, lines.
//!
//! Everything here works on byte offsets into the SQL it is given and never panics on
//! arbitrary text: delimiters are ASCII, so every offset it returns is a char boundary, and
//! slices are taken with `get`.

use std::borrow::Cow;

/// Most statements read from one piece of SQL; the rest is left out.
pub const MAX_STATEMENTS: usize = 20_000;
/// Most tokens read from one statement; the rest of a longer statement is ignored.
const MAX_TOKENS: usize = 50_000;

/// An SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// Microsoft SQL Server.
    SqlServer,
    /// Oracle.
    Oracle,
    /// SQLite.
    Sqlite,
    /// Not stated, no decisive marker.
    Unknown,
}

impl Dialect {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgresql",
            Dialect::Mysql => "mysql",
            Dialect::SqlServer => "sqlserver",
            Dialect::Oracle => "oracle",
            Dialect::Sqlite => "sqlite",
            Dialect::Unknown => "unknown",
        }
    }

    /// A dialect from a name as Liquibase `dbms` attributes and folder names write it.
    pub fn from_name(name: &str) -> Option<Dialect> {
        let n = name.trim().to_ascii_lowercase();
        Some(match n.as_str() {
            "postgresql" | "postgres" | "pg" | "pgsql" | "psql" | "cockroachdb" => {
                Dialect::Postgres
            }
            "mysql" | "mariadb" => Dialect::Mysql,
            "mssql" | "sqlserver" | "sql-server" | "tsql" => Dialect::SqlServer,
            "oracle" | "oracledb" => Dialect::Oracle,
            "sqlite" | "sqlite3" => Dialect::Sqlite,
            _ => return None,
        })
    }

    /// Lock rules apply: PostgreSQL, MySQL, or unknown (checked as PostgreSQL).
    pub fn checks_locks(self) -> bool {
        matches!(self, Dialect::Postgres | Dialect::Mysql | Dialect::Unknown)
    }
}

/// Markers of each dialect and their weight.
const MARKERS: &[(Dialect, &str, u32)] = &[
    (Dialect::Mysql, "`", 2),
    (Dialect::Mysql, "engine=", 3),
    (Dialect::Mysql, "engine =", 3),
    (Dialect::Mysql, "auto_increment", 3),
    (Dialect::Mysql, " unsigned", 2),
    (Dialect::Mysql, "default charset", 2),
    (Dialect::Mysql, "tinyint", 1),
    (Dialect::Mysql, "mediumtext", 1),
    (Dialect::Mysql, "longtext", 1),
    (Dialect::Mysql, "algorithm=", 1),
    (Dialect::Mysql, "algorithm =", 1),
    (Dialect::Mysql, "modify column", 1),
    (Dialect::Mysql, "mysql", 1),
    (Dialect::Postgres, " serial", 2),
    (Dialect::Postgres, "bigserial", 2),
    (Dialect::Postgres, "::", 2),
    (Dialect::Postgres, "concurrently", 3),
    (Dialect::Postgres, "$$", 2),
    (Dialect::Postgres, "jsonb", 3),
    (Dialect::Postgres, "timestamptz", 3),
    (Dialect::Postgres, "bytea", 2),
    (Dialect::Postgres, "create extension", 3),
    (Dialect::Postgres, "plpgsql", 3),
    (Dialect::Postgres, "not valid", 2),
    (Dialect::Postgres, "gen_random_uuid", 2),
    (Dialect::Postgres, "uuid_generate_v4", 2),
    (Dialect::Postgres, "using gin", 2),
    (Dialect::Postgres, "lock_timeout", 2),
    (Dialect::Postgres, "postgresql", 1),
    (Dialect::Postgres, "enable_extension", 2),
    (Dialect::SqlServer, "nvarchar", 2),
    (Dialect::SqlServer, "[dbo]", 3),
    (Dialect::SqlServer, "identity(1,1)", 3),
    (Dialect::SqlServer, "\ngo\n", 3),
    (Dialect::SqlServer, "getdate()", 2),
    (Dialect::SqlServer, "sp_rename", 3),
    (Dialect::Oracle, "varchar2", 3),
    (Dialect::Oracle, "number(", 2),
    (Dialect::Oracle, "sysdate", 2),
    (Dialect::Oracle, "nvl(", 1),
    (Dialect::Sqlite, "autoincrement", 3),
    (Dialect::Sqlite, "pragma ", 3),
];

/// Guess the dialect of a text from its markers (at most the first 512 KiB are read).
pub fn guess(text: &str) -> Dialect {
    guess_with(text, false)
}

/// [`guess`] for Python and Ruby sources, where `::` is a namespace, not a cast.
pub fn guess_code(text: &str) -> Dialect {
    guess_with(text, true)
}

fn guess_with(text: &str, code: bool) -> Dialect {
    let head = prefix(text, 512 * 1024).to_ascii_lowercase();
    let mut scores: [(Dialect, u32); 5] = [
        (Dialect::Postgres, 0),
        (Dialect::Mysql, 0),
        (Dialect::SqlServer, 0),
        (Dialect::Oracle, 0),
        (Dialect::Sqlite, 0),
    ];
    for (d, marker, weight) in MARKERS {
        if code && (*marker == "::" || *marker == "`") {
            continue;
        }
        if head.contains(marker) {
            if let Some(s) = scores.iter_mut().find(|(sd, _)| sd == d) {
                s.1 += weight;
            }
        }
    }
    scores.sort_by_key(|s| std::cmp::Reverse(s.1));
    match scores {
        [(_, 0), ..] => Dialect::Unknown,
        [(d, a), (_, b), ..] if a > b => d,
        _ => Dialect::Unknown,
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Where SQL taken out of a host file starts in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Byte `i` of the SQL is byte `base + i` of the host file.
    Byte(usize),
    /// The SQL's first line is this line of the host file, and its lines follow the host's.
    Line(u32),
}

/// SQL embedded in a host file (the file itself, a string literal, an XML element...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded<'a> {
    /// The SQL.
    pub sql: Cow<'a, str>,
    /// Where it is in the host file.
    pub origin: Origin,
}

/// Line starts of a text, to turn byte offsets into 1-based lines.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Index a text.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let n = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(n.max(1)).unwrap_or(u32::MAX)
    }

    /// Byte range of a 1-based line (without its newline).
    pub fn range(&self, line: u32) -> Option<(usize, usize)> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self
            .starts
            .get(i + 1)
            .map_or(usize::MAX, |e| e.saturating_sub(1));
        Some((start, end))
    }
}

/// One statement found by [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// Byte offset of its first character in the SQL.
    pub start: usize,
    /// Its text, without the terminator and trailing blanks.
    pub text: &'a str,
    /// Why it could not be read to its end, if it could not.
    pub problem: Option<&'static str>,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Where a line comment starting at `i` ends (the newline, or the end).
fn line_end(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', b.get(i..).unwrap_or(&[])).map_or(b.len(), |n| i + n)
}

/// Skip a block comment opening at `i` (`/*`); nested comments count. `None` if unterminated.
fn skip_block_comment(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < b.len() {
        match (b[j], b[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => j += 1,
        }
    }
    None
}

/// Skip a quoted run opening at `i` with `q`; doubled quotes escape, and backslashes too when
/// `backslash`. Returns the index after the closing quote, `None` if unterminated.
fn skip_quoted(b: &[u8], i: usize, q: u8, backslash: bool) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if backslash && c == b'\\' {
            j += 2;
        } else if c == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
            } else {
                return Some(j + 1);
            }
        } else {
            j += 1;
        }
    }
    None
}

/// A PostgreSQL dollar quote opening at `i` (`$$` or `$tag$`): the index after its end, or
/// `Some(None)` when it is a dollar quote without an end, `None` when `$` opens none.
fn skip_dollar(b: &[u8], i: usize) -> Option<Option<usize>> {
    let mut j = i + 1;
    if b.get(j).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    while j < b.len() && is_ident_byte(b[j]) {
        j += 1;
    }
    if b.get(j) != Some(&b'$') {
        return None;
    }
    let tag = b.get(i..=j)?;
    let body = b.get(j + 1..)?;
    Some(memchr::memmem::find(body, tag).map(|k| j + 1 + k + tag.len()))
}

/// Whether only blanks precede `i` on its line.
fn at_line_start(b: &[u8], i: usize) -> bool {
    b.get(..i)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|&&c| c != b'\n')
        .all(|c| *c == b' ' || *c == b'\t' || *c == b'\r')
}

/// The rest of the line starting at `i`, trimmed.
fn rest_of_line(s: &str, i: usize) -> &str {
    let b = s.as_bytes();
    s.get(i..line_end(b, i)).unwrap_or("").trim()
}

/// Split SQL into statements at `;` (or a MySQL `DELIMITER`, SQL Server `GO`, Oracle `/`),
/// skipping comments, strings, quoted names and dollar quotes. A statement with an
/// unterminated string, comment or dollar quote ends at the next `;` after it and is marked
/// with a problem, so the statements after it are still read.
pub fn split<'a>(sql: &'a str, dialect: Dialect) -> Vec<Piece<'a>> {
    let b = sql.as_bytes();
    let mysql = dialect == Dialect::Mysql;
    let mut out: Vec<Piece<'a>> = Vec::new();
    let mut delim: Vec<u8> = b";".to_vec();
    let mut start: Option<usize> = None;
    let mut problem: Option<&'static str> = None;
    let mut budget = b.len().saturating_mul(4).saturating_add(1 << 20);
    let mut i = 0;
    let push = |out: &mut Vec<Piece<'a>>, s: usize, e: usize, p: Option<&'static str>| {
        let text = sql.get(s..e).unwrap_or("").trim_end();
        if !text.is_empty() && out.len() < MAX_STATEMENTS {
            out.push(Piece {
                start: s,
                text,
                problem: p,
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        if start.is_none() {
            if c.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if c == b'-' && b.get(i + 1) == Some(&b'-') || (mysql && c == b'#') {
                i = line_end(b, i);
                continue;
            }
            if c == b'/' && b.get(i + 1) == Some(&b'*') {
                match skip_block_comment(b, i) {
                    Some(j) => i = j,
                    None => {
                        push(&mut out, i, b.len(), Some("unterminated comment"));
                        return out;
                    }
                }
                continue;
            }
            if mysql && at_line_start(b, i) {
                let line = rest_of_line(sql, i);
                let mut words = line.split_whitespace();
                if words
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("delimiter"))
                {
                    if let Some(d) = words.next() {
                        delim = d.as_bytes().to_vec();
                    }
                    i = line_end(b, i);
                    continue;
                }
            }
            if c == b'\\' && !mysql {
                // A psql meta-command (`\connect db`, `\set ...`): one line, not SQL.
                i = line_end(b, i);
                continue;
            }
            start = Some(i);
            problem = None;
        }
        let s = start.unwrap_or(i);
        // Batch separators alone on their line.
        if (dialect == Dialect::SqlServer || dialect == Dialect::Oracle) && at_line_start(b, i) {
            let line = rest_of_line(sql, i);
            if (dialect == Dialect::SqlServer && line.eq_ignore_ascii_case("go"))
                || (dialect == Dialect::Oracle && line == "/")
            {
                push(&mut out, s, i, problem);
                start = None;
                i = line_end(b, i);
                continue;
            }
        }
        if !delim.is_empty() && b.get(i..i + delim.len()) == Some(delim.as_slice()) {
            push(&mut out, s, i, problem);
            start = None;
            i += delim.len();
            continue;
        }
        let skipped: Option<Option<usize>> = match c {
            b'-' if b.get(i + 1) == Some(&b'-') => Some(Some(line_end(b, i))),
            b'#' if mysql => Some(Some(line_end(b, i))),
            b'/' if b.get(i + 1) == Some(&b'*') => Some(skip_block_comment(b, i)),
            b'\'' => {
                let e_string =
                    i > 0 && matches!(b[i - 1], b'e' | b'E') && (i < 2 || !is_ident_byte(b[i - 2]));
                Some(skip_quoted(b, i, b'\'', mysql || e_string))
            }
            b'"' => Some(skip_quoted(b, i, b'"', mysql)),
            b'`' => Some(skip_quoted(b, i, b'`', false)),
            b'[' if dialect == Dialect::SqlServer => Some(skip_quoted(b, i, b']', false)),
            b'$' if !mysql && (i == 0 || !is_ident_byte(b[i - 1])) => skip_dollar(b, i),
            _ => None,
        };
        match skipped {
            None => i += 1,
            Some(Some(j)) => i = j.max(i + 1),
            Some(None) => {
                // Unterminated: the statement ends at the next terminator, marked. Each such
                // search read to the end of the text: a budget keeps many of them linear.
                budget = budget.saturating_sub(b.len() - i);
                if budget == 0 {
                    push(
                        &mut out,
                        s,
                        b.len(),
                        Some("too many unterminated strings or comments; the rest was not read"),
                    );
                    return out;
                }
                let what = match c {
                    b'/' => "unterminated comment",
                    b'$' => "unterminated dollar-quoted string",
                    b'"' | b'`' | b'[' => "unterminated quoted name",
                    _ => "unterminated string",
                };
                let rest = b.get(i + 1..).unwrap_or(&[]);
                let stop = memchr::memmem::find(rest, &delim).map(|k| i + 1 + k);
                match stop {
                    Some(e) => {
                        push(&mut out, s, e, Some(what));
                        start = None;
                        i = e + delim.len();
                    }
                    None => {
                        push(&mut out, s, b.len(), Some(what));
                        return out;
                    }
                }
            }
        }
    }
    if let Some(s) = start {
        push(&mut out, s, b.len(), problem);
    }
    out
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bare word: keyword or name.
    Word,
    /// A quoted name (`"x"`, `` `x` ``, `[x]`); the text is the name without quotes.
    Quoted,
    /// A string literal (dollar quotes included), with its quotes.
    Str,
    /// A number.
    Num,
    /// Punctuation or an operator.
    Punct,
}

/// One token of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok<'a> {
    /// What it is.
    pub kind: Kind,
    /// Its text.
    pub text: &'a str,
    /// Parenthesis depth it sits at (a `(` sits at the depth outside it).
    pub depth: u32,
}

impl Tok<'_> {
    /// A bare word equal to `w` (ASCII case-insensitive).
    pub fn is(&self, w: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(w)
    }

    /// Punctuation equal to `p`.
    pub fn punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// A name: a bare word or a quoted name.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

/// Tokens of one statement, and a problem when its parentheses do not balance.
pub fn tokens(stmt: &str, dialect: Dialect) -> (Vec<Tok<'_>>, Option<&'static str>) {
    let b = stmt.as_bytes();
    let mysql = dialect == Dialect::Mysql;
    let mut out: Vec<Tok<'_>> = Vec::new();
    let mut depth: i64 = 0;
    let mut problem = None;
    let mut i = 0;
    while i < b.len() && out.len() < MAX_TOKENS {
        let c = b[i];
        let tok_depth = u32::try_from(depth.max(0)).unwrap_or(0);
        let (kind, end, text_range) = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = line_end(b, i);
                continue;
            }
            b'#' if mysql => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i).unwrap_or(b.len());
                continue;
            }
            b'\'' => {
                let e_string = i > 0 && matches!(b[i - 1], b'e' | b'E');
                let e = skip_quoted(b, i, b'\'', mysql || e_string).unwrap_or(b.len());
                (Kind::Str, e, (i, e))
            }
            b'"' | b'`' => {
                let e = skip_quoted(b, i, c, mysql && c == b'"').unwrap_or(b.len());
                (Kind::Quoted, e, (i + 1, e.saturating_sub(1).max(i + 1)))
            }
            b'[' if dialect == Dialect::SqlServer => {
                let e = skip_quoted(b, i, b']', false).unwrap_or(b.len());
                (Kind::Quoted, e, (i + 1, e.saturating_sub(1).max(i + 1)))
            }
            b'$' if !mysql => match skip_dollar(b, i) {
                Some(e) => {
                    let e = e.unwrap_or(b.len());
                    (Kind::Str, e, (i, e))
                }
                None => {
                    let mut e = i + 1;
                    while e < b.len() && b[e].is_ascii_digit() {
                        e += 1;
                    }
                    (Kind::Punct, e, (i, e))
                }
            },
            _ if c.is_ascii_digit() => {
                let mut e = i;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'.') {
                    e += 1;
                }
                (Kind::Num, e, (i, e))
            }
            _ if is_ident_byte(c) => {
                let mut e = i;
                while e < b.len() && (is_ident_byte(b[e]) || b[e] == b'$') {
                    e += 1;
                }
                (Kind::Word, e, (i, e))
            }
            b':' if b.get(i + 1) == Some(&b':') => (Kind::Punct, i + 2, (i, i + 2)),
            _ => {
                // One character (a multi-byte one whole).
                let len = stmt
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                (Kind::Punct, i + len, (i, i + len))
            }
        };
        let text = stmt.get(text_range.0..text_range.1).unwrap_or("");
        let mut d = tok_depth;
        if kind == Kind::Punct && text == ")" {
            depth -= 1;
            if depth < 0 {
                problem = Some("unbalanced parentheses");
            }
            d = u32::try_from(depth.max(0)).unwrap_or(0);
        }
        out.push(Tok {
            kind,
            text,
            depth: d,
        });
        if kind == Kind::Punct && text == "(" {
            depth += 1;
        }
        i = end.max(i + 1);
    }
    if depth != 0 && problem.is_none() {
        problem = Some("unbalanced parentheses");
    }
    (out, problem)
}

/// A statement shortened for display: blanks collapsed, secrets masked as in credential
/// findings (`CREATE USER app WITH PASSWORD 'Kx********** (12)'`), at most `max` characters.
pub fn short(text: &str, max: usize) -> String {
    // Masked over a longer cut, so a secret that straddles the end is still recognised.
    let wider = collapse(text, max.saturating_add(512));
    collapse(&crate::detect::credential::mask_secrets("", &wider), max)
}

/// Blanks collapsed, at most `max` characters.
fn collapse(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            if count >= max {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        for ch in word.chars() {
            if count >= max {
                out.push('…');
                return out;
            }
            out.push(ch);
            count += 1;
        }
    }
    out
}

/// A key for a statement: lowercase, blanks collapsed, at most 200 characters.
pub fn key_of(text: &str) -> String {
    short(text, 200).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, d: Dialect) -> Vec<(usize, String, Option<&'static str>)> {
        split(sql, d)
            .into_iter()
            .map(|p| (p.start, p.text.to_string(), p.problem))
            .collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql = "-- head\nCREATE TABLE a (x text default ';');\n/* ; */ INSERT INTO a VALUES ($$;$$);\nSELECT 'it''s';";
        let got = texts(sql, Dialect::Postgres);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1, "CREATE TABLE a (x text default ';')");
        assert_eq!(got[1].1, "INSERT INTO a VALUES ($$;$$)");
        assert_eq!(got[2].1, "SELECT 'it''s'");
        assert_eq!(got[0].0, 8);
    }

    #[test]
    fn unterminated_string_ends_at_next_semicolon() {
        let sql = "SELECT 'x;\nCREATE INDEX i ON t (a);\nDROP TABLE z;";
        let got = texts(sql, Dialect::Postgres);
        assert_eq!(got[0].2, Some("unterminated string"));
        assert!(got.iter().any(|g| g.1.starts_with("DROP TABLE z")));
    }

    #[test]
    fn mysql_delimiter() {
        let sql =
            "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;";
        let got = texts(sql, Dialect::Mysql);
        assert_eq!(got.len(), 2);
        assert!(got[0].1.ends_with("END"));
    }

    #[test]
    fn lines_and_dialects() {
        let idx = LineIndex::new("a\nb\n\nc");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 4);
        assert_eq!(
            guess("CREATE TABLE `a` (id int unsigned) ENGINE=InnoDB"),
            Dialect::Mysql
        );
        assert_eq!(
            guess("CREATE INDEX CONCURRENTLY i ON t (a::text)"),
            Dialect::Postgres
        );
        assert_eq!(guess("CREATE TABLE a (id int)"), Dialect::Unknown);
    }

    #[test]
    fn tokens_and_depth() {
        let (t, p) = tokens(
            "ALTER TABLE \"Orders\" ADD CONSTRAINT c CHECK (a > 0) NOT VALID",
            Dialect::Postgres,
        );
        assert!(p.is_none());
        assert!(t[2].kind == Kind::Quoted && t[2].text == "Orders");
        assert!(t.iter().any(|x| x.is("valid")));
        let (_, p) = tokens("SELECT (1", Dialect::Postgres);
        assert_eq!(p, Some("unbalanced parentheses"));
        assert_eq!(short("a   b\n c", 3), "a b…");
        let create = "CREATE USER app\n  WITH PASSWORD 'Kx9~mPq2vL@t';";
        assert_eq!(
            short(create, 200),
            "CREATE USER app WITH PASSWORD 'Kx********** (12)';"
        );
        // Cut inside the secret: what shows is the mask's start, never the rest of it.
        assert_eq!(short(create, 33), "CREATE USER app WITH PASSWORD 'Kx…");
    }
}
