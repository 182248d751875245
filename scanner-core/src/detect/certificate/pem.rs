//! PEM blocks anywhere in a text: whole `.pem` files, and blocks embedded in YAML (indented
//! block scalars), properties, JSON strings (`\n` escapes) or XML.

use super::der;
use memchr::memmem;

/// Blocks read per file.
pub const MAX_BLOCKS: usize = 500;
/// Largest decoded block (a PKCS#7 bundle of many certificates fits).
pub const MAX_BLOCK_BYTES: usize = 4 << 20;

/// One `-----BEGIN <label>-----` .. `-----END <label>-----` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// The label (`CERTIFICATE`, `PRIVATE KEY`...).
    pub label: &'a str,
    /// 1-based line of the BEGIN marker.
    pub line: u32,
    /// The text between the markers.
    pub body: &'a str,
}

impl Block<'_> {
    /// The decoded body; `None` when it is not plain Base64 (encrypted keys carry headers).
    pub fn decode(&self) -> Option<Vec<u8>> {
        der::base64(self.body, MAX_BLOCK_BYTES)
    }
}

/// The PEM blocks of `text`, in order, at most [`MAX_BLOCKS`]. A BEGIN marker without its END
/// is skipped.
pub fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let begin = memmem::Finder::new(b"-----BEGIN ");
    let bytes = text.as_bytes();
    let mut from = 0usize;
    // Lines are counted incrementally: `line` is the line of byte `counted`.
    let mut line: u32 = 1;
    let mut counted = 0usize;
    // Labels whose END marker is nowhere after some BEGIN: nowhere after a later one either.
    let mut unterminated: Vec<&str> = Vec::new();
    while out.len() < MAX_BLOCKS {
        let Some(rel) = bytes.get(from..).and_then(|b| begin.find(b)) else {
            break;
        };
        let at = from + rel;
        let label_start = at + "-----BEGIN ".len();
        let after = bytes.get(label_start..).unwrap_or(&[]);
        let label_len = after
            .iter()
            .take(64)
            .position(|&c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' '))
            .unwrap_or(after.len().min(64));
        let label = text.get(label_start..label_start + label_len).unwrap_or("");
        let body_start = label_start + label_len + 5;
        if label.is_empty() || bytes.get(label_start + label_len..body_start) != Some(b"-----") {
            from = label_start;
            continue;
        }
        if unterminated.contains(&label) {
            from = body_start;
            continue;
        }
        let end_marker = format!("-----END {label}-----");
        let Some(end_rel) = bytes
            .get(body_start..)
            .and_then(|b| memmem::find(b, end_marker.as_bytes()))
        else {
            unterminated.push(label);
            if unterminated.len() >= 64 {
                // Each failed search reads the rest of the text: stop before that adds up.
                break;
            }
            from = body_start;
            continue;
        };
        let body_end = body_start + end_rel;
        line = line.saturating_add(count_newlines(bytes.get(counted..at).unwrap_or(&[])));
        counted = at;
        if let Some(body) = text.get(body_start..body_end) {
            out.push(Block { label, line, body });
        }
        from = body_end + end_marker.len();
    }
    out
}

fn count_newlines(b: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', b).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_with_lines_in_any_text() {
        let text = "a: 1\ncert: |\n  -----BEGIN CERTIFICATE-----\n  TWFu\n  -----END CERTIFICATE-----\nkey: \"-----BEGIN PRIVATE KEY-----\\nTWE=\\n-----END PRIVATE KEY-----\\n\"\n";
        let got = blocks(text);
        assert_eq!(got.len(), 2, "{got:?}");
        let labels: Vec<(&str, u32)> = got.iter().map(|b| (b.label, b.line)).collect();
        assert_eq!(labels, vec![("CERTIFICATE", 3), ("PRIVATE KEY", 6)]);
        let decoded: Vec<Option<Vec<u8>>> = got.iter().map(Block::decode).collect();
        assert_eq!(decoded, vec![Some(b"Man".to_vec()), Some(b"Ma".to_vec())]);
    }

    #[test]
    fn broken_markers_are_skipped() {
        assert!(blocks("-----BEGIN CERTIFICATE-----\nTWFu\n").is_empty());
        assert!(blocks("-----BEGIN -----\n-----END -----").is_empty());
        assert!(blocks("-----BEGIN cert-----x-----END cert-----").is_empty());
        assert!(blocks("-----BEGIN ").is_empty());
        let odd = "-----BEGIN X-----é-----END X-----\n-----BEGIN Y-----\nTWFu\n-----END Y-----";
        let got = blocks(odd);
        assert_eq!(got.iter().map(|b| b.label).collect::<Vec<_>>(), ["X", "Y"]);
        assert_eq!(got.first().and_then(Block::decode), None);
        assert_eq!(got.get(1).map(|b| b.line), Some(2));
    }

    #[test]
    fn many_unterminated_markers_stay_linear() {
        let text = "-----BEGIN A-----\n".repeat(200_000);
        assert!(blocks(&text).is_empty());
    }

    #[test]
    fn block_count_is_bounded() {
        let text = "-----BEGIN A-----\n-----END A-----\n".repeat(MAX_BLOCKS + 10);
        assert_eq!(blocks(&text).len(), MAX_BLOCKS);
    }
}
