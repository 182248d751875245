//! One X.509 certificate, read from DER into what the detector keeps: the reviewer's
//! [`CertificateInfo`] and the few raw values chain building and key matching compare.

use super::der::{self, tag};
use crate::report::CertificateInfo;
use crate::text::visible;
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;

/// Subject alternative names kept per certificate.
const MAX_SANS: usize = 100;
/// Characters kept of a name or a SAN.
const MAX_NAME_CHARS: usize = 512;

/// A parsed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    /// What the report shows (chain fields are filled later).
    pub info: CertificateInfo,
    /// Short name for titles: the first common name, else the subject.
    pub name: String,
    /// DER of the subject name.
    pub subject_raw: Vec<u8>,
    /// DER of the issuer name.
    pub issuer_raw: Vec<u8>,
    /// Subject key identifier.
    pub ski: Option<Vec<u8>>,
    /// Authority key identifier.
    pub aki: Option<Vec<u8>>,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// Basic constraints present and saying "not a CA".
    pub not_ca: bool,
    /// Why the key is weak (`RSA 1024`, `DSA 2048`, `EC P-192`), if it is.
    pub weak_key: Option<String>,
    /// The weak hash of the signature (`SHA-1`, `MD5`...), if it is one.
    pub weak_hash: Option<&'static str>,
    /// SHA-256 over the public key's identifying value (RSA modulus, EC point, EdDSA key),
    /// to pair the certificate with a private key.
    pub key_id: Option<[u8; 32]>,
}

/// Read the certificate at the start of `der`; returns it and the bytes after it.
pub fn parse<'a>(der: &'a [u8], format: &str) -> Option<(Cert, &'a [u8])> {
    let (rest, x) = x509_parser::parse_x509_certificate(der).ok()?;
    let used = der.len().checked_sub(rest.len())?;
    let raw = der.get(..used)?;
    let cert = describe(&x, raw, format)?;
    Some((cert, rest))
}

fn name_text(s: &str) -> String {
    let v = visible(s);
    if v.chars().count() > MAX_NAME_CHARS {
        let mut t: String = v.chars().take(MAX_NAME_CHARS).collect();
        t.push('…');
        t
    } else {
        v.into_owned()
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn describe(x: &X509Certificate<'_>, raw: &[u8], format: &str) -> Option<Cert> {
    let tbs = &x.tbs_certificate;
    let not_before = DateTime::<Utc>::from_timestamp(tbs.validity.not_before.timestamp(), 0)?;
    let not_after = DateTime::<Utc>::from_timestamp(tbs.validity.not_after.timestamp(), 0)?;
    let subject = name_text(&tbs.subject.to_string());
    let issuer = name_text(&tbs.issuer.to_string());
    let cn = tbs
        .subject
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(name_text)
        .filter(|s| !s.is_empty());
    let name = cn.unwrap_or_else(|| {
        if subject.is_empty() {
            "(empty subject)".to_string()
        } else {
            subject.clone()
        }
    });

    let mut ski = None;
    let mut aki = None;
    let mut sans = Vec::new();
    let mut basic: Option<bool> = None;
    for ext in tbs.iter_extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            ParsedExtension::BasicConstraints(bc) => basic = Some(bc.ca),
            ParsedExtension::SubjectAlternativeName(san) => {
                for g in &san.general_names {
                    if sans.len() >= MAX_SANS {
                        break;
                    }
                    if let Some(s) = general_name(g) {
                        sans.push(s);
                    }
                }
            }
            _ => {}
        }
    }
    let is_ca = basic == Some(true);
    let self_signed = tbs.subject.as_raw() == tbs.issuer.as_raw()
        && match (&aki, &ski) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        };
    let spki = key::describe(tbs.subject_pki.raw);
    let sig = signature::describe(
        x.signature_algorithm.algorithm.as_bytes(),
        x.signature_algorithm
            .parameters
            .as_ref()
            .map(|p| p.as_bytes()),
    );
    let role = if self_signed && basic != Some(false) {
        "root"
    } else if is_ca {
        "intermediate"
    } else {
        "leaf"
    };
    let info = CertificateInfo {
        subject,
        format: format.to_string(),
        issuer,
        sans,
        not_before: Some(rfc3339(not_before)),
        not_after: Some(rfc3339(not_after)),
        key: Some(spki.label.clone()),
        signature_algorithm: Some(sig.name.clone()),
        serial: Some(der::hex(tbs.raw_serial())),
        sha256: Some(der::hex(&Sha256::digest(raw))),
        is_ca,
        self_signed,
        role: Some(role.to_string()),
        subject_key_id: ski.as_deref().map(der::hex),
        authority_key_id: aki.as_deref().map(der::hex),
        ..CertificateInfo::default()
    };
    Some(Cert {
        info,
        name,
        subject_raw: tbs.subject.as_raw().to_vec(),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        ski,
        aki,
        not_before,
        not_after,
        not_ca: basic == Some(false),
        weak_key: spki.weak.then(|| spki.label.clone()),
        weak_hash: sig.weak_hash,
        key_id: spki.key_id,
    })
}

fn general_name(g: &GeneralName<'_>) -> Option<String> {
    let s = match g {
        GeneralName::DNSName(s) => format!("DNS:{s}"),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::URI(s) => format!("URI:{s}"),
        GeneralName::IPAddress(b) => format!("IP:{}", ip(b)),
        GeneralName::DirectoryName(n) => format!("DirName:{n}"),
        GeneralName::RegisteredID(o) => format!("RID:{}", o.to_id_string()),
        GeneralName::OtherName(o, _) => format!("othername:{}", o.to_id_string()),
        _ => return None,
    };
    Some(name_text(&s))
}

fn ip(b: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        core::net::Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(b) {
        core::net::Ipv6Addr::from(v6).to_string()
    } else {
        der::hex(b)
    }
}

/// Public keys: what they are, whether they are weak, and an id to pair them with private keys.
pub mod key {
    use super::der::{self, tag};
    use sha2::{Digest, Sha256};

    /// `1.2.840.113549.1.1.1`.
    pub const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// `1.2.840.113549.1.1.10` (RSASSA-PSS keys).
    pub const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// `1.2.840.10045.2.1`.
    pub const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// `1.2.840.10040.4.1`.
    pub const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    /// `1.3.101.112`.
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    /// `1.3.101.113`.
    pub const ED448: &[u8] = &[0x2b, 0x65, 0x71];

    /// Named curves: OID content, name, bits.
    const CURVES: &[(&[u8], &str, u32)] = &[
        (
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            "P-256",
            256,
        ),
        (&[0x2b, 0x81, 0x04, 0x00, 0x22], "P-384", 384),
        (&[0x2b, 0x81, 0x04, 0x00, 0x23], "P-521", 521),
        (&[0x2b, 0x81, 0x04, 0x00, 0x21], "P-224", 224),
        (
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01],
            "P-192",
            192,
        ),
        (&[0x2b, 0x81, 0x04, 0x00, 0x0a], "secp256k1", 256),
        (
            &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07],
            "brainpoolP256r1",
            256,
        ),
        (
            &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b],
            "brainpoolP384r1",
            384,
        ),
        (
            &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d],
            "brainpoolP512r1",
            512,
        ),
    ];

    /// What a subject public key is.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct KeyInfo {
        /// `RSA 2048`, `EC P-256`, `Ed25519`, `DSA 2048`, or the algorithm's OID.
        pub label: String,
        /// RSA below 2048 bits, DSA, EC below 256 bits.
        pub weak: bool,
        /// See [`super::Cert::key_id`].
        pub key_id: Option<[u8; 32]>,
    }

    /// The id of an RSA public key: its modulus.
    pub fn rsa_id(modulus: &[u8]) -> [u8; 32] {
        id(b"rsa", der::strip_zeros(modulus))
    }

    /// The id of an EC public key: its point.
    pub fn ec_id(point: &[u8]) -> [u8; 32] {
        id(b"ec", point)
    }

    /// The id of an EdDSA public key: its bytes.
    pub fn ed_id(key: &[u8]) -> [u8; 32] {
        id(b"ed", key)
    }

    fn id(kind: &[u8], value: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(kind);
        h.update([0]);
        h.update(value);
        h.finalize().into()
    }

    /// The modulus of a PKCS#1 `RSAPublicKey` or `RSAPrivateKey` (whose version comes first).
    pub fn rsa_modulus(seq: &[u8], private: bool) -> Option<&[u8]> {
        let (s, _) = der::tagged(seq, tag::SEQUENCE)?;
        let mut inner = s.content;
        if private {
            inner = der::tagged(inner, tag::INTEGER)?.1;
        }
        let (n, _) = der::tagged(inner, tag::INTEGER)?;
        Some(n.content)
    }

    /// Describe a DER `SubjectPublicKeyInfo`.
    pub fn describe(spki: &[u8]) -> KeyInfo {
        let unknown = |label: String| KeyInfo {
            label,
            weak: false,
            key_id: None,
        };
        let Some((seq, _)) = der::tagged(spki, tag::SEQUENCE) else {
            return unknown("unknown".into());
        };
        let Some((alg, rest)) = der::tagged(seq.content, tag::SEQUENCE) else {
            return unknown("unknown".into());
        };
        let Some((oid, params)) = der::tagged(alg.content, tag::OID) else {
            return unknown("unknown".into());
        };
        // The key bits, without the BIT STRING's unused-bits octet.
        let bits = der::tagged(rest, tag::BIT_STRING)
            .and_then(|(b, _)| b.content.get(1..))
            .unwrap_or(&[]);
        match oid.content {
            o if o == RSA || o == RSA_PSS => {
                let name = if o == RSA { "RSA" } else { "RSA-PSS" };
                match rsa_modulus(bits, false) {
                    Some(n) => {
                        let size = der::bit_len(n);
                        KeyInfo {
                            label: format!("{name} {size}"),
                            weak: size < 2048,
                            key_id: Some(rsa_id(n)),
                        }
                    }
                    None => unknown(name.into()),
                }
            }
            o if o == EC => {
                let curve = der::tagged(params, tag::OID).and_then(|(c, _)| {
                    CURVES
                        .iter()
                        .find(|(oid, _, _)| *oid == c.content)
                        .map(|&(_, name, size)| (name.to_string(), size))
                        .or_else(|| der::oid_string(c.content).map(|s| (s, 0)))
                });
                // Unknown or explicit curves: size from the point (uncompressed: 04 || X || Y).
                let point_bits = match bits.first() {
                    Some(4) => u32::try_from(bits.len().saturating_sub(1) * 4).unwrap_or(0),
                    Some(2 | 3) => u32::try_from(bits.len().saturating_sub(1) * 8).unwrap_or(0),
                    _ => 0,
                };
                let (label, size) = match curve {
                    Some((name, size)) if size > 0 => (format!("EC {name}"), size),
                    Some((name, _)) => (format!("EC {name}"), point_bits),
                    None => (format!("EC {point_bits}"), point_bits),
                };
                KeyInfo {
                    label,
                    weak: size > 0 && size < 256,
                    key_id: (!bits.is_empty()).then(|| ec_id(bits)),
                }
            }
            o if o == DSA => {
                let p_bits = der::tagged(params, tag::SEQUENCE)
                    .and_then(|(s, _)| der::tagged(s.content, tag::INTEGER))
                    .map(|(p, _)| der::bit_len(p.content));
                KeyInfo {
                    label: match p_bits {
                        Some(b) => format!("DSA {b}"),
                        None => "DSA".into(),
                    },
                    weak: true,
                    key_id: None,
                }
            }
            o if o == ED25519 || o == ED448 => KeyInfo {
                label: if o == ED25519 { "Ed25519" } else { "Ed448" }.into(),
                weak: false,
                key_id: (!bits.is_empty()).then(|| ed_id(bits)),
            },
            o => {
                let name = match der::oid_string(o).as_deref() {
                    Some("1.3.101.110") => "X25519".to_string(),
                    Some("1.3.101.111") => "X448".to_string(),
                    Some("1.2.156.10197.1.301") => "SM2".to_string(),
                    Some(s) => s.to_string(),
                    None => "unknown".to_string(),
                };
                unknown(name)
            }
        }
    }
}

/// Signature algorithms: names as OpenSSL prints them, and which hashes are weak.
pub mod signature {
    use super::der::{self, tag};

    /// A signature algorithm, described.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SigInfo {
        /// `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `rsassaPss(sha256)`...
        pub name: String,
        /// `MD2`, `MD4`, `MD5` or `SHA-1` when the hash is one of those.
        pub weak_hash: Option<&'static str>,
    }

    /// Known algorithms by dotted OID: name and weak hash.
    const KNOWN: &[(&str, &str, Option<&str>)] = &[
        ("1.2.840.113549.1.1.2", "md2WithRSAEncryption", Some("MD2")),
        ("1.2.840.113549.1.1.3", "md4WithRSAEncryption", Some("MD4")),
        ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", Some("MD5")),
        (
            "1.2.840.113549.1.1.5",
            "sha1WithRSAEncryption",
            Some("SHA-1"),
        ),
        ("1.3.14.3.2.29", "sha1WithRSAEncryption", Some("SHA-1")),
        ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption", None),
        ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption", None),
        ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption", None),
        ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption", None),
        ("1.2.840.10045.4.1", "ecdsa-with-SHA1", Some("SHA-1")),
        ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224", None),
        ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256", None),
        ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384", None),
        ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512", None),
        ("1.2.840.10040.4.3", "dsa-with-SHA1", Some("SHA-1")),
        ("2.16.840.1.101.3.4.3.1", "dsa_with_SHA224", None),
        ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256", None),
        ("1.3.101.112", "ED25519", None),
        ("1.3.101.113", "ED448", None),
        ("1.2.156.10197.1.501", "SM2-with-SM3", None),
    ];

    /// Hash algorithms named in RSASSA-PSS parameters.
    const HASHES: &[(&str, &str, Option<&str>)] = &[
        ("1.3.14.3.2.26", "sha1", Some("SHA-1")),
        ("2.16.840.1.101.3.4.2.1", "sha256", None),
        ("2.16.840.1.101.3.4.2.2", "sha384", None),
        ("2.16.840.1.101.3.4.2.3", "sha512", None),
        ("2.16.840.1.101.3.4.2.4", "sha224", None),
    ];

    /// Describe an `AlgorithmIdentifier` from its OID content octets and the content of its
    /// parameters.
    pub fn describe(oid: &[u8], params: Option<&[u8]>) -> SigInfo {
        let dotted = der::oid_string(oid).unwrap_or_else(|| "unknown".into());
        if dotted == "1.2.840.113549.1.1.10" {
            // RSASSA-PSS: the hash is the first, optional, [0] parameter; SHA-1 by default.
            let hash = params
                .and_then(|p| der::tagged(p, tag::CTX0))
                .and_then(|(h, _)| der::tagged(h.content, tag::SEQUENCE))
                .and_then(|(alg, _)| der::tagged(alg.content, tag::OID))
                .and_then(|(o, _)| der::oid_string(o.content));
            let (name, weak) = match hash {
                None => ("sha1", Some("SHA-1")),
                Some(h) => match HASHES.iter().find(|(o, _, _)| *o == h) {
                    Some(&(_, n, w)) => (n, w),
                    None => ("unknown hash", None),
                },
            };
            return SigInfo {
                name: format!("rsassaPss({name})"),
                weak_hash: weak,
            };
        }
        match KNOWN.iter().find(|(o, _, _)| *o == dotted) {
            Some(&(_, name, weak)) => SigInfo {
                name: name.to_string(),
                weak_hash: weak,
            },
            None => SigInfo {
                name: dotted,
                weak_hash: None,
            },
        }
    }
}

/// The public key id of a PEM private key (`RSA PRIVATE KEY`, `EC PRIVATE KEY`, unencrypted
/// PKCS#8 `PRIVATE KEY`), to find the certificate it belongs to. Nothing of the private key is
/// kept. `None` for encrypted keys and keys that do not carry their public half (PKCS#8 v1
/// Ed25519).
pub fn private_key_id(label: &str, der_bytes: &[u8]) -> Option<[u8; 32]> {
    match label {
        "RSA PRIVATE KEY" => key::rsa_modulus(der_bytes, true).map(key::rsa_id),
        "EC PRIVATE KEY" => sec1_point(der_bytes).map(key::ec_id),
        "PRIVATE KEY" => {
            let (seq, _) = der::tagged(der_bytes, tag::SEQUENCE)?;
            let (_version, rest) = der::tagged(seq.content, tag::INTEGER)?;
            let (alg, rest) = der::tagged(rest, tag::SEQUENCE)?;
            let (oid, _) = der::tagged(alg.content, tag::OID)?;
            let (inner, rest) = der::tagged(rest, tag::OCTET_STRING)?;
            if oid.content == key::RSA || oid.content == key::RSA_PSS {
                key::rsa_modulus(inner.content, true).map(key::rsa_id)
            } else if oid.content == key::EC {
                sec1_point(inner.content).map(key::ec_id)
            } else if oid.content == key::ED25519 || oid.content == key::ED448 {
                // OneAsymmetricKey (v2): attributes [0], then the public key [1] IMPLICIT.
                der::children(rest, 4)
                    .into_iter()
                    .find(|t| t.tag == 0x81)
                    .and_then(|t| t.content.get(1..))
                    .map(key::ed_id)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The public point of a SEC 1 `ECPrivateKey` (its optional `[1]` field).
fn sec1_point(b: &[u8]) -> Option<&[u8]> {
    let (seq, _) = der::tagged(b, tag::SEQUENCE)?;
    der::children(seq.content, 6)
        .into_iter()
        .find(|t| t.tag == tag::CTX1)
        .and_then(|t| der::tagged(t.content, tag::BIT_STRING))
        .and_then(|(bits, _)| bits.content.get(1..))
}
