//! Binary containers: key stores recognised by their header (their content needs a password
//! and is not opened), DER certificates, and PKCS#7 certificate bundles.

use super::der::{self, tag};

/// A key store recognised by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Store {
    /// `pkcs12`, `jks`, `jceks`, `bks`, `bcfks`.
    pub format: &'static str,
    /// How people call it: `PKCS#12`, `JKS`...
    pub label: &'static str,
    /// Entries, when the header says.
    pub entries: Option<u32>,
}

/// `1.2.840.113549.1.7.1` (PKCS#7 data), as a DER TLV.
const PKCS7_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
/// `1.2.840.113549.1.7.2` (PKCS#7 signedData), as a DER TLV.
const PKCS7_SIGNED: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];
/// Certificates read from one PKCS#7 bundle or one DER file.
pub const MAX_CERTS: usize = 500;

/// The lowercase extension of an entry name.
pub fn extension(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Extensions of files that hold certificates or key stores.
pub const CERT_EXTENSIONS: &[&str] = &[
    "der",
    "cer",
    "crt",
    "cert",
    "pem",
    "p7b",
    "p7c",
    "spc",
    "p12",
    "pfx",
    "jks",
    "jceks",
    "keystore",
    "truststore",
    "ks",
    "ts",
    "bks",
    "uber",
    "ubr",
    "bcfks",
];

/// The key store `head` starts (the first bytes of an entry suffice).
pub fn sniff_store(ext: &str, head: &[u8]) -> Option<Store> {
    let word = |i: usize| -> Option<u32> {
        let b = head.get(i..i + 4)?;
        Some(u32::from_be_bytes([
            *b.first()?,
            *b.get(1)?,
            *b.get(2)?,
            *b.get(3)?,
        ]))
    };
    match word(0) {
        Some(0xfeed_feed) if matches!(word(4), Some(1 | 2)) => {
            return Some(Store {
                format: "jks",
                label: "JKS",
                entries: word(8),
            });
        }
        Some(0xcece_cece) if matches!(word(4), Some(1 | 2)) => {
            return Some(Store {
                format: "jceks",
                label: "JCEKS",
                entries: word(8),
            });
        }
        _ => {}
    }
    if is_pkcs12(head) {
        return Some(Store {
            format: "pkcs12",
            label: "PKCS#12",
            entries: None,
        });
    }
    match ext {
        // Bouncy Castle BKS/UBER: version, then a salt of 1 to 64 bytes.
        "bks" | "uber" | "ubr"
            if matches!(word(0), Some(1 | 2)) && matches!(word(4), Some(1..=64)) =>
        {
            Some(Store {
                format: "bks",
                label: "BKS",
                entries: None,
            })
        }
        // PKCS#12 in BER (indefinite lengths), or a Java key store of type PKCS12 under a
        // JKS name (keytool's default since Java 9).
        "p12" | "pfx" | "jks" | "keystore" | "truststore" | "ks"
            if head.first() == Some(&tag::SEQUENCE) && !looks_like_x509(head) =>
        {
            Some(Store {
                format: "pkcs12",
                label: "PKCS#12",
                entries: None,
            })
        }
        "bcfks" if head.first() == Some(&tag::SEQUENCE) => Some(Store {
            format: "bcfks",
            label: "BCFKS",
            entries: None,
        }),
        _ => None,
    }
}

/// `PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (data or signedData), .. }`.
fn is_pkcs12(head: &[u8]) -> bool {
    let Some((tag::SEQUENCE, hl, _)) = der::header(head) else {
        return false;
    };
    let Some(b) = head.get(hl..) else {
        return false;
    };
    if b.get(..3) != Some(&[tag::INTEGER, 0x01, 0x03]) {
        return false;
    }
    let Some(b) = b.get(3..) else { return false };
    let Some((tag::SEQUENCE, hl, _)) = der::header(b) else {
        return false;
    };
    let oid = b.get(hl..hl + PKCS7_DATA.len());
    oid == Some(PKCS7_DATA) || oid == Some(PKCS7_SIGNED)
}

/// `head` starts like a DER X.509 v2/v3 certificate: SEQUENCE { SEQUENCE { [0] { INTEGER
/// version } ...
pub fn looks_like_x509(head: &[u8]) -> bool {
    let Some((tag::SEQUENCE, hl, _)) = der::header(head) else {
        return false;
    };
    let Some(b) = head.get(hl..) else {
        return false;
    };
    let Some((tag::SEQUENCE, hl, _)) = der::header(b) else {
        return false;
    };
    matches!(
        b.get(hl..hl + 5),
        Some([tag::CTX0, 0x03, tag::INTEGER, 0x01, 0..=2])
    )
}

/// `head` starts like a PKCS#7 signedData ContentInfo.
pub fn looks_like_pkcs7(head: &[u8]) -> bool {
    let Some((tag::SEQUENCE, hl, _)) = der::header(head) else {
        return false;
    };
    head.get(hl..hl + PKCS7_SIGNED.len()) == Some(PKCS7_SIGNED)
}

/// The DER certificates of a PKCS#7 signedData bundle (`.p7b`), at most [`MAX_CERTS`];
/// `None` when `der_bytes` is not one.
pub fn pkcs7_certs(der_bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let (ci, _) = der::tagged(der_bytes, tag::SEQUENCE)?;
    let (oid, rest) = der::tagged(ci.content, tag::OID)?;
    if oid.whole != PKCS7_SIGNED {
        return None;
    }
    let (explicit, _) = der::tagged(rest, tag::CTX0)?;
    let (sd, _) = der::tagged(explicit.content, tag::SEQUENCE)?;
    let (_version, rest) = der::tagged(sd.content, tag::INTEGER)?;
    let (_digests, rest) = der::tagged(rest, tag::SET)?;
    let (_encap, rest) = der::tagged(rest, tag::SEQUENCE)?;
    let Some((certs, _)) = der::tagged(rest, tag::CTX0) else {
        return Some(Vec::new());
    };
    Some(
        der::children(certs.content, MAX_CERTS)
            .into_iter()
            .filter(|t| t.tag == tag::SEQUENCE)
            .map(|t| t.whole)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_store_headers() {
        let jks = [0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0];
        assert_eq!(
            sniff_store("", &jks),
            Some(Store {
                format: "jks",
                label: "JKS",
                entries: Some(3)
            })
        );
        let jceks = [0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1];
        assert_eq!(sniff_store("ks", &jceks).map(|s| s.format), Some("jceks"));
        // The magic alone, with a wrong version, is not a key store.
        assert_eq!(sniff_store("", &[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 9]), None);
        let bks = [0, 0, 0, 2, 0, 0, 0, 20, 1, 2, 3];
        assert_eq!(sniff_store("bks", &bks).map(|s| s.format), Some("bks"));
        assert_eq!(sniff_store("bin", &bks), None);
        let mut p12 = vec![
            0x30, 0x82, 0x09, 0x23, 0x02, 0x01, 0x03, 0x30, 0x82, 0x08, 0xd9,
        ];
        p12.extend_from_slice(PKCS7_DATA);
        assert_eq!(sniff_store("", &p12).map(|s| s.format), Some("pkcs12"));
        assert_eq!(sniff_store("bin", &p12[..6]), None);
        // BER with indefinite lengths, recognised by its extension.
        let ber = [0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80];
        assert_eq!(sniff_store("pfx", &ber).map(|s| s.format), Some("pkcs12"));
        assert_eq!(sniff_store("der", &ber), None);
        assert_eq!(sniff_store("", &[]), None);
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("a/b/Server.CRT"), "crt");
        assert_eq!(extension("a.zip!/x/.pem"), "");
        assert_eq!(extension("cacerts"), "");
    }

    #[test]
    fn pkcs7_without_certificates_is_empty_and_junk_is_none() {
        // ContentInfo { signedData, [0] { SEQUENCE { INTEGER 1, SET {}, SEQUENCE { data } } } }
        let mut sd = vec![0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b];
        sd.extend_from_slice(PKCS7_DATA);
        let mut seq = vec![0x30, sd.len() as u8];
        seq.extend_from_slice(&sd);
        let mut explicit = vec![0xa0, seq.len() as u8];
        explicit.extend_from_slice(&seq);
        let mut body = PKCS7_SIGNED.to_vec();
        body.extend_from_slice(&explicit);
        let mut ci = vec![0x30, body.len() as u8];
        ci.extend_from_slice(&body);
        assert!(looks_like_pkcs7(&ci));
        assert_eq!(pkcs7_certs(&ci), Some(Vec::new()));
        assert_eq!(pkcs7_certs(&[0x30, 0x02, 0x05, 0x00]), None);
        assert!(!looks_like_x509(&ci));
    }
}
