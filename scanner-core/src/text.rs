//! Turning entry bytes into text: UTF-8, UTF-16 with a byte-order mark, Latin-1 as the
//! fallback, and recognising binary content that text detectors must skip.

use std::borrow::Cow;

/// How an entry's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    /// UTF-8 (a BOM, if any, is dropped).
    Utf8,
    /// UTF-16 little-endian, announced by a BOM.
    Utf16Le,
    /// UTF-16 big-endian, announced by a BOM.
    Utf16Be,
    /// Not valid UTF-8: each byte is one ISO-8859-1 character.
    Latin1,
}

impl Encoding {
    /// The name shown to people and written into reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Latin1 => "latin-1",
        }
    }
}

/// How many leading bytes decide whether content is binary.
const SNIFF_LEN: usize = 8 * 1024;

/// True when the bytes look like binary data rather than text: a NUL byte in the first 8 KiB
/// (git's rule) or a high share of control characters. UTF-16 text with a BOM is not binary.
pub fn is_binary(bytes: &[u8]) -> bool {
    if utf16_bom(bytes).is_some() {
        return false;
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    // More than 10% control characters is not text anyone wrote.
    !head.is_empty() && controls * 10 > head.len()
}

fn utf16_bom(bytes: &[u8]) -> Option<Encoding> {
    match bytes {
        [0xff, 0xfe, ..] => Some(Encoding::Utf16Le),
        [0xfe, 0xff, ..] => Some(Encoding::Utf16Be),
        _ => None,
    }
}

/// Decode text. Never fails: invalid UTF-16 units become U+FFFD, invalid UTF-8 falls back to
/// Latin-1 for the whole entry. When `truncated` (the bytes are a prefix cut at the scan limit),
/// a UTF-8 sequence cut at the very end is dropped rather than forcing Latin-1.
pub fn decode(bytes: &[u8], truncated: bool) -> (Cow<'_, str>, Encoding) {
    if let Some(enc) = utf16_bom(bytes) {
        let body = &bytes[2..];
        let units = body.chunks_exact(2).map(|c| match enc {
            Encoding::Utf16Le => u16::from_le_bytes([c[0], c[1]]),
            _ => u16::from_be_bytes([c[0], c[1]]),
        });
        let text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        return (Cow::Owned(text), enc);
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => (Cow::Borrowed(s), Encoding::Utf8),
        Err(e) if truncated && e.error_len().is_none() && body.len() - e.valid_up_to() < 4 => {
            // A multi-byte character cut by the scan limit: keep the valid prefix.
            let valid = &body[..e.valid_up_to()];
            (
                Cow::Borrowed(std::str::from_utf8(valid).unwrap_or_default()),
                Encoding::Utf8,
            )
        }
        Err(_) => (
            Cow::Owned(body.iter().map(|&b| b as char).collect()),
            Encoding::Latin1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"a=1\n", false), ("a=1\n".into(), Encoding::Utf8));
        assert_eq!(
            decode(b"\xef\xbb\xbfa=1", false),
            ("a=1".into(), Encoding::Utf8)
        );
    }

    #[test]
    fn utf16_le_and_be() {
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<Task>é".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&le, false), ("<Task>é".into(), Encoding::Utf16Le));
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain("x".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(&be, false), ("x".into(), Encoding::Utf16Be));
        assert!(!is_binary(&le), "UTF-16 has NULs but is text");
    }

    #[test]
    fn latin1_fallback() {
        assert_eq!(decode(b"caf\xe9", false), ("café".into(), Encoding::Latin1));
    }

    #[test]
    fn utf8_cut_mid_character_stays_utf8() {
        let s = "größe".as_bytes();
        let cut = &s[..3]; // "gr" + first byte of 'ö'
        assert_eq!(decode(cut, true), ("gr".into(), Encoding::Utf8));
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"\x7fELF\x02\x01\x01\x00\x00"));
        assert!(is_binary(&[1u8, 2, 3, 4, 5, 6, 7, 8]));
        assert!(!is_binary(b"#!/bin/sh\necho hi\n"));
        assert!(!is_binary(b""));
    }
}

/// True for characters that reorder text (bidirectional controls): they make a name display
/// differently from what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// The text with control and bidirectional characters written as `<U+XXXX>`, so that a name
/// shown to a person is exactly what is stored.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() || is_bidi_control(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod visible_tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_spelled_out() {
        assert_eq!(visible("plain.txt"), "plain.txt");
        assert_eq!(visible("a\u{202e}fdp.exe"), "a<U+202E>fdp.exe");
        assert_eq!(visible("x\ny"), "x<U+000A>y");
    }
}
