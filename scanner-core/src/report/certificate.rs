//! The `certificate` object of a finding (extension to `preflight-report/1`).

use serde::{Deserialize, Serialize};

/// An X.509 certificate or a key store. Every finding of the `certificate` category carries
/// one; the `certificate.inventory` finding of each certificate is the complete record the
/// page draws its certificates view and validity timeline from.
///
/// For key stores only `subject` (empty), `format` and, when the header says, `entries` are
/// set: their content is not opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject distinguished name (`O=Acme, CN=app.example.com`, attributes in the order the
    /// certificate stores them); empty for key stores.
    pub subject: String,
    /// How it is stored: `pem`, `der`, `pkcs7` (a `.p7b` bundle, PEM or DER), or a key store
    /// format: `pkcs12`, `jks`, `jceks`, `bks`, `bcfks`.
    #[serde(default)]
    pub format: String,
    /// Issuer distinguished name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
    /// Subject alternative names as `DNS:name`, `IP:address`, `email:..`, `URI:..`,
    /// `DirName:..`, `RID:..`, `othername:<oid>` (at most 100).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
    /// Start of validity (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// End of validity (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Key type and size: `RSA 2048`, `EC P-256`, `Ed25519`, `DSA 1024`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Signature algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`,
    /// `rsassaPss(sha256)`...), or the dotted OID of one not known by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
    /// Serial number, lowercase hex as encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// SHA-256 fingerprint of the DER certificate, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Basic constraints say it is a CA. Written only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_ca: bool,
    /// Issued by itself (issuer equals subject, key identifiers agree). Written only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub self_signed: bool,
    /// Place in a chain: `leaf`, `intermediate` (a CA issued by another) or `root` (a
    /// self-signed CA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Subject key identifier, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_key_id: Option<String>,
    /// Authority key identifier (the issuer's subject key identifier), lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// 1-based position of the certificate in its file (bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Fingerprint (`sha256`) of the certificate in the package that issued this one; absent
    /// for self-signed certificates and when the issuer is not in the package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_sha256: Option<String>,
    /// Entry path of a PEM private key whose public key is this certificate's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// Line of that private key in its entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_line: Option<u32>,
    /// Key stores: the number of entries their header declares (JKS, JCEKS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<u32>,
}

fn is_false(b: &bool) -> bool {
    !*b
}
