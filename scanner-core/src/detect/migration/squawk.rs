//! PostgreSQL statements checked with squawk (`squawk-linter`, parser from `squawk-syntax`).
//!
//! A piece of PostgreSQL SQL is parsed once; squawk's parse errors become "not understood"
//! findings at their statement, and the violations of the rules below become our
//! [`Check`]s at the statement their range starts in. Rules squawk does not have or that the
//! detector decides itself (CONCURRENTLY inside the tool's transaction, `lock_timeout` across
//! a whole changelog, destructive statements, VACUUM FULL before PostgreSQL 19) stay with
//! [`super::checks`].

use super::checks::Check;
use squawk_linter::{Linter, Rule};
use squawk_syntax::SourceFile;

/// Larger SQL is not given to squawk (it is checked by the scanner's own reading).
pub const MAX_BYTES: usize = 2 << 20;

/// The squawk rules used, and the check each one is reported as.
const RULES: &[(Rule, Check)] = &[
    (Rule::RequireConcurrentIndexCreation, Check::CreateIndex),
    (Rule::RequireConcurrentIndexDeletion, Check::DropIndex),
    (Rule::RequireConcurrentReindex, Check::Reindex),
    (Rule::AddingForeignKeyConstraint, Check::ForeignKey),
    (Rule::ConstraintMissingNotValid, Check::CheckConstraint),
    (Rule::DisallowedUniqueConstraint, Check::UniqueConstraint),
    (Rule::AddingSerialPrimaryKeyField, Check::PrimaryKey),
    (Rule::AddingNotNullableField, Check::SetNotNull),
    (Rule::ChangingColumnType, Check::ColumnType),
    (Rule::AddingFieldWithDefault, Check::RewriteColumn),
    (Rule::AddingRequiredField, Check::RequiredColumn),
    (Rule::RenamingColumn, Check::RenameColumn),
    (Rule::RenamingTable, Check::RenameTable),
    (
        Rule::RequireConcurrentPartitionDetach,
        Check::DetachPartition,
    ),
];

/// What squawk says about one piece of SQL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lint {
    /// Violations: the check and the byte offset where squawk's range starts.
    pub hits: Vec<(Check, usize)>,
    /// Parse errors: byte offset and squawk's message.
    pub errors: Vec<(usize, String)>,
}

/// Parse and lint `sql`; `in_transaction` tells squawk the tool wraps it in a transaction
/// (tables created earlier in it are then new).
pub fn lint(sql: &str, in_transaction: bool) -> Lint {
    // squawk's parser recurses once per nesting level: a package's `((((...` would overflow
    // the stack (and end a WebAssembly worker). Too deep is "not understood", unparsed.
    if let Some(at) = too_deep(sql) {
        return Lint {
            hits: Vec::new(),
            errors: vec![(
                at,
                format!("nested more than {MAX_NESTING} levels deep; not parsed"),
            )],
        };
    }
    let parse = SourceFile::parse(sql);
    let errors = parse
        .errors()
        .into_iter()
        .take(1_000)
        .map(|e| (usize::from(e.range().start()), e.message().to_string()))
        .collect();
    let mut linter = Linter::from(RULES.iter().map(|(r, _)| *r));
    linter.settings.assume_in_transaction = in_transaction;
    let hits = linter
        .lint(&parse, sql)
        .into_iter()
        .filter_map(|v| {
            let (_, check) = RULES.iter().find(|(r, _)| *r == v.code)?;
            Some((*check, usize::from(v.text_range.start())))
        })
        .collect();
    Lint { hits, errors }
}

/// Deepest nesting (parentheses, brackets, prefix `NOT` and signs) handed to squawk's parser.
pub const MAX_NESTING: usize = 100;

/// The offset where `sql` first nests deeper than [`MAX_NESTING`], outside quotes and comments.
pub fn too_deep(sql: &str) -> Option<usize> {
    let b = sql.as_bytes();
    let (mut depth, mut prefix, mut i) = (0usize, 0usize, 0usize);
    while let Some(&c) = b.get(i) {
        match c {
            b'\'' | b'"' => {
                i = memchr::memchr(c, b.get(i + 1..).unwrap_or(&[])).map_or(b.len(), |n| i + n + 1);
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = memchr::memchr(b'\n', b.get(i..).unwrap_or(&[])).map_or(b.len(), |n| i + n);
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'-' | b'+' | b'~' => prefix += 1,
            _ if b
                .get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"not ")) =>
            {
                prefix += 1;
                i += 3;
            }
            _ if c.is_ascii_whitespace() => {}
            _ => prefix = 0,
        }
        if depth + prefix > MAX_NESTING {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_and_errors_have_offsets() {
        let sql = "SELECT 1;\nCREATE INDEX i ON t (a);\nALTR TABLE t;\n";
        let l = lint(sql, false);
        assert_eq!(l.hits, vec![(Check::CreateIndex, 10)]);
        assert!(l.errors.iter().any(|(at, _)| *at >= 35));
    }
}
