//! What a run of bytes is, by its magic numbers, never by its file name.

/// The bytes needed to recognise every format below (tar's magic sits at offset 257).
pub const SNIFF_BYTES: usize = 512;

/// Content types the walker distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ZIP and everything built on it (jar, war, ear, whl, nupkg, apk, docx...).
    Zip,
    /// A gzip stream (single file, or tar.gz).
    Gzip,
    /// A POSIX or GNU tar archive.
    Tar,
    /// An archive format the walker recognises but does not open.
    Unsupported(&'static str),
    /// Anything else: text or a binary file.
    Other,
}

/// Recognise `head`, the first bytes of some content (at least [`SNIFF_BYTES`] when available).
pub fn sniff(head: &[u8]) -> Kind {
    match head {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] | [b'P', b'K', 7, 8, ..] => Kind::Zip,
        [0x1f, 0x8b, 8, ..] => Kind::Gzip,
        [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, ..] => Kind::Unsupported("7z"),
        [b'R', b'a', b'r', b'!', 0x1a, 0x07, ..] => Kind::Unsupported("RAR"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Kind::Unsupported("xz"),
        [b'B', b'Z', b'h', b'1'..=b'9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, ..] => {
            Kind::Unsupported("bzip2")
        }
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Kind::Unsupported("zstd"),
        [0xed, 0xab, 0xee, 0xdb, ..] => Kind::Unsupported("RPM"),
        [b'!', b'<', b'a', b'r', b'c', b'h', b'>', b'\n', ..] => Kind::Unsupported("ar/deb"),
        [b'M', b'S', b'C', b'F', 0, 0, 0, 0, ..] => Kind::Unsupported("CAB"),
        _ if is_tar_header(head) => Kind::Tar,
        _ => Kind::Other,
    }
}

/// True when `head` starts with a tar header: the `ustar` magic, or (for old v7 archives) a
/// valid header checksum over a plausible name.
pub fn is_tar_header(head: &[u8]) -> bool {
    if head.len() < 512 {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    // v7 tar: no magic, so demand a valid checksum and a printable, non-empty name.
    let name = &head[..100];
    if name[0] == 0 || name.iter().take_while(|&&b| b != 0).any(|&b| b < 0x20) {
        return false;
    }
    let Some(stored) = parse_octal(&head[148..156]) else {
        return false;
    };
    let sum: u64 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                b as u64
            }
        })
        .sum();
    stored == sum
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|&b| (b'0'..=b'7').contains(&b))
        .fold(None, |acc: Option<u64>, b| {
            Some(acc.unwrap_or(0).checked_mul(8)? + (b - b'0') as u64)
        });
    s
}

/// A human name for common non-archive content, for the "not an archive" message.
pub fn describe(head: &[u8]) -> &'static str {
    match head {
        [0x89, b'P', b'N', b'G', ..] => "a PNG image",
        [0xff, 0xd8, 0xff, ..] => "a JPEG image",
        [b'%', b'P', b'D', b'F', ..] => "a PDF document",
        [0x7f, b'E', b'L', b'F', ..] => "an ELF executable",
        [b'M', b'Z', ..] => "a Windows executable",
        [] => "an empty file",
        _ if crate::text::is_binary(head) => "binary data of an unknown format",
        _ => "a text file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_archives_by_magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(sniff(b"PK\x05\x06"), Kind::Zip);
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Kind::Gzip);
        assert_eq!(sniff(b"7z\xbc\xaf\x27\x1cxx"), Kind::Unsupported("7z"));
        assert_eq!(sniff(b"hello world"), Kind::Other);
        let mut tar = vec![0u8; 512];
        tar[..5].copy_from_slice(b"a.txt");
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(sniff(&tar), Kind::Tar);
    }

    #[test]
    fn v7_tar_needs_a_valid_checksum() {
        let mut h = vec![0u8; 512];
        h[..5].copy_from_slice(b"a.txt");
        let sum: u64 = h.iter().map(|&b| b as u64).sum::<u64>() + 8 * 32;
        let field = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(field.as_bytes());
        assert!(is_tar_header(&h));
        h[0] = b'b';
        assert!(!is_tar_header(&h), "checksum no longer matches");
    }
}
