//! The few DER and Base64 primitives the certificate detector needs beyond `x509-parser`:
//! walking TLVs of key stores, PKCS#7 bundles and private keys, and decoding PEM bodies.
//! Every function returns `None` on malformed input; none allocates more than its input.

/// DER tags used here.
pub mod tag {
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// SEQUENCE.
    pub const SEQUENCE: u8 = 0x30;
    /// SET.
    pub const SET: u8 = 0x31;
    /// `[0]`, constructed.
    pub const CTX0: u8 = 0xa0;
    /// `[1]`, constructed.
    pub const CTX1: u8 = 0xa1;
}

/// One DER element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag byte (only single-byte tags are read).
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// The whole element, header included.
    pub whole: &'a [u8],
}

/// The header of the element at the start of `b`: (tag, header length, content length). The
/// content itself need not be present (for sniffing the first bytes of an entry). Indefinite
/// lengths and multi-byte tags are refused.
pub fn header(b: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *b.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *b.get(1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = len
            .checked_mul(256)?
            .checked_add(usize::from(*b.get(2 + i)?))?;
    }
    Some((tag, 2 + n, len))
}

/// The element at the start of `b` and what follows it.
pub fn tlv(b: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (tag, hl, len) = header(b)?;
    let end = hl.checked_add(len)?;
    let whole = b.get(..end)?;
    let content = whole.get(hl..)?;
    Some((
        Tlv {
            tag,
            content,
            whole,
        },
        b.get(end..)?,
    ))
}

/// The element at the start of `b`, which must carry `want` as its tag.
pub fn tagged(b: &[u8], want: u8) -> Option<(Tlv<'_>, &[u8])> {
    tlv(b).filter(|(t, _)| t.tag == want)
}

/// The elements inside `content`, in order (at most `max`); stops at the first malformed one.
pub fn children(mut content: &[u8], max: usize) -> Vec<Tlv<'_>> {
    let mut out = Vec::new();
    while !content.is_empty() && out.len() < max {
        let Some((t, rest)) = tlv(content) else { break };
        out.push(t);
        content = rest;
    }
    out
}

/// An unsigned big-endian integer without its leading zero bytes.
pub fn strip_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&x| x == 0).count();
    b.get(n..).unwrap_or(&[])
}

/// Bits of an unsigned big-endian integer (a modulus, a prime).
pub fn bit_len(b: &[u8]) -> u32 {
    let b = strip_zeros(b);
    match b.first() {
        None => 0,
        Some(&first) => {
            let bytes = u32::try_from(b.len()).unwrap_or(u32::MAX / 8);
            bytes.saturating_mul(8) - first.leading_zeros()
        }
    }
}

/// Dotted form of OID content octets (`1.2.840.113549.1.1.11`), `None` when malformed.
pub fn oid_string(content: &[u8]) -> Option<String> {
    use std::fmt::Write;
    content.first()?;
    let mut out = String::new();
    let mut value: u64 = 0;
    let mut started = false;
    for (i, &b) in content.iter().enumerate() {
        value = value.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        if b & 0x80 != 0 {
            continue;
        }
        if !started {
            let (a, rest) = match value {
                0..=39 => (0, value),
                40..=79 => (1, value - 40),
                _ => (2, value - 80),
            };
            let _ = write!(out, "{a}.{rest}");
            started = true;
        } else {
            let _ = write!(out, ".{value}");
        }
        value = 0;
        if i + 1 == content.len() {
            return Some(out);
        }
    }
    // The last byte had its continuation bit set.
    None
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Decode standard Base64 (RFC 4648 alphabet, `=` padding optional), ignoring ASCII
/// whitespace and the escapes `\n`, `\r`, `\t` written literally (PEM inside JSON strings).
/// `None` on any other character or on bytes after the padding.
pub fn base64(text: &str, max_out: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity((text.len() / 4 * 3).min(max_out));
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padded = false;
    let mut chars = text.bytes().peekable();
    while let Some(c) = chars.next() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padded = true;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' | 0x0c => continue,
            b'\\' if matches!(chars.peek(), Some(b'n' | b'r' | b't')) => {
                chars.next();
                continue;
            }
            _ => return None,
        };
        if padded {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if out.len() >= max_out {
                return None;
            }
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_pem_bodies() {
        assert_eq!(base64("TWFu", 10), Some(b"Man".to_vec()));
        assert_eq!(base64("TWE=\n", 10), Some(b"Ma".to_vec()));
        assert_eq!(base64("  T Q\r\n==", 10), Some(b"M".to_vec()));
        assert_eq!(base64("TW\\nFu", 10), Some(b"Man".to_vec()));
        assert_eq!(base64("TW?u", 10), None);
        assert_eq!(base64("TQ==TQ", 10), None);
        assert_eq!(base64("TWFuTWFu", 4), None);
        assert_eq!(base64("", 4), Some(Vec::new()));
    }

    #[test]
    fn tlv_reads_short_and_long_lengths() {
        let b = [0x30, 0x03, 0x02, 0x01, 0x05, 0xff];
        let got = tlv(&b);
        assert!(got.is_some());
        let Some((t, rest)) = got else { return };
        assert_eq!(t.tag, 0x30);
        assert_eq!(t.content, &[0x02, 0x01, 0x05]);
        assert_eq!(rest, &[0xff]);
        let long = [0x04, 0x81, 0x02, 0xaa, 0xbb];
        assert_eq!(tlv(&long).map(|(t, _)| t.content), Some(&[0xaa, 0xbb][..]));
        // Truncated, indefinite, oversized length fields.
        assert_eq!(tlv(&[0x30, 0x05, 0x00]), None);
        assert_eq!(tlv(&[0x30, 0x80, 0x00, 0x00]), None);
        assert_eq!(tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(tlv(&[]), None);
        assert_eq!(header(&[0x30, 0x82, 0x01, 0x00]), Some((0x30, 4, 256)));
    }

    #[test]
    fn oids_and_integers() {
        let sha256_rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
        assert_eq!(
            oid_string(&sha256_rsa).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(
            oid_string(&[0x2b, 0x65, 0x70]).as_deref(),
            Some("1.3.101.112")
        );
        assert_eq!(oid_string(&[0x2a, 0x86]), None);
        assert_eq!(oid_string(&[]), None);
        assert_eq!(bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_len(&[0x01, 0xff]), 9);
        assert_eq!(bit_len(&[0, 0]), 0);
        assert_eq!(hex(&[0x0a, 0xff]), "0aff");
    }
}
