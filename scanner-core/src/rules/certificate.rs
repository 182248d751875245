//! Rules of the `certificate` category.

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// One per certificate: the inventory the certificates view is built from.
    CERTIFICATE_INVENTORY = "certificate.inventory", Certificate, Info, "Certificate in the package",
        what: "An X.509 certificate the package ships: a PEM block in any text file (.pem, .crt, YAML, properties, JSON...), a DER file, or a PKCS#7 bundle. The finding carries its subject, issuer, names, validity, key, signature algorithm, fingerprint and place in its chain.",
        why: "Certificates are replaced on their own schedule, not the vendor's: the reviewer needs to know which ones the upgrade installs, which systems they name, and until when they are valid.",
        fix: "Nothing to do; compare the list with the certificates the target systems use today.";
    /// Expired certificates.
    CERTIFICATE_EXPIRED = "certificate.expired", Certificate, High, "Certificate has expired",
        what: "A certificate whose validity ended before the scan's reference time. Medium for a root (a trust anchor some clients still accept for older chains); low under test, example and documentation folders.",
        why: "Installed as it is, a server presents a certificate every client refuses, and a client or trust store that relies on it fails its TLS handshakes after the upgrade.",
        fix: "Ask the vendor for a current certificate, or plan to replace it with the organisation's own during the window; check that the configuration points at the replacement.";
    /// Certificates expiring before the window ends.
    CERTIFICATE_EXPIRING = "certificate.expiring", Certificate, High, "Certificate expires soon",
        what: "A certificate still valid now that expires before the profile's maintenance window ends (high), or within 30 days of the reference time (medium): the upgraded system meets it in its first weeks.",
        why: "The upgrade installs a certificate that breaks TLS during or right after the window, when nobody expects a certificate problem and the people who could renew it may be busy with the upgrade.",
        fix: "Renew it before the window and ship or install the renewed one, or plan the replacement as a step of the upgrade.";
    /// Not yet valid.
    CERTIFICATE_NOT_YET_VALID = "certificate.not-yet-valid", Certificate, Medium, "Certificate is not valid yet",
        what: "A certificate whose validity starts after the reference time. Low when it becomes valid before the maintenance window starts.",
        why: "Until its start date every client refuses it: installed during the window it breaks TLS, and a start date in the future often means a clock or build problem at the vendor.",
        fix: "Check the start date with the vendor; do not install it before it is valid, or keep the current certificate until then.";
    /// Weak keys.
    CERTIFICATE_WEAK_KEY = "certificate.weak-key", Certificate, High, "Certificate has a weak key",
        what: "A certificate whose key is RSA below 2048 bits, DSA of any size, or an elliptic curve below 256 bits.",
        why: "Current TLS libraries and operating systems refuse such keys at their default security level: after an upgrade of OpenSSL, Java or the OS, the handshake fails although the certificate did not change.",
        fix: "Replace the certificate with one on an RSA key of at least 2048 bits or an EC key on P-256 or larger.";
    /// Weak signatures.
    CERTIFICATE_WEAK_SIGNATURE = "certificate.weak-signature", Certificate, High, "Certificate signed with SHA-1 or MD5",
        what: "A certificate signed with a broken hash (MD2, MD4, MD5, SHA-1, or RSA-PSS over SHA-1). Low for a self-signed root: clients trust a root for being in their store and never check its own signature.",
        why: "Current clients refuse chains with such signatures: after an upgrade of the TLS library, Java or the OS, connections that worked before fail.",
        fix: "Ask the issuer for a certificate signed with SHA-256 or stronger and install it with the upgrade.";
    /// Bundle order.
    CERTIFICATE_CHAIN_ORDER = "certificate.chain-order", Certificate, Medium, "Certificate bundle in the wrong order",
        what: "A file with several certificates whose order is not leaf first, then each issuer after the certificate it signed. Low when the bundle holds no leaf (a CA bundle, where order rarely matters).",
        why: "Servers send a certificate file in its order: most present the first certificate as their own and some clients reject a chain out of order, so a reordered bundle breaks TLS for some clients only, which is hard to diagnose.",
        fix: "Reorder the file: leaf first, then each intermediate, root last (or left out). The evidence shows the order found.";
    /// Missing issuer.
    CERTIFICATE_MISSING_ISSUER = "certificate.missing-issuer", Certificate, Medium, "Certificate's issuer is not in the package",
        what: "A certificate that is not self-signed and whose issuer is in no file of the package (matched by issuer name and key identifier). Medium for a leaf: the intermediate a server must send is missing, unless a root signed it directly. Info for a CA certificate: its issuer is usually a root the clients must already trust.",
        why: "A server that sends a leaf without its intermediate works in browsers that fetch or cache intermediates and fails in Java, curl, scripts and other services, often only after the upgrade changed the configuration.",
        fix: "Add the intermediate certificate to the bundle the server sends, or confirm that the issuer is a root in every client's trust store.";
    /// Key stores.
    CERTIFICATE_KEYSTORE = "certificate.keystore", Certificate, Low, "Key store not opened",
        what: "A key store (PKCS#12 .p12/.pfx, Java JKS or JCEKS, Bouncy Castle BKS or BCFKS). Its certificates and keys need the store's password and were not read. Info for a Java runtime's own trust store (lib/security/cacerts).",
        why: "The certificates inside can be expired, weak or incomplete like any other, and a key store usually holds a private key: none of that is in this review.",
        fix: "Open it with the vendor's password (`keytool -list -v -keystore ..`, `openssl pkcs12 -info -in ..`) and check its certificates' dates and keys by hand.";
    /// Broken certificates.
    CERTIFICATE_UNREADABLE = "certificate.unreadable", Certificate, Low, "Certificate cannot be read",
        what: "A PEM certificate block or a certificate file whose content is not a valid X.509 certificate.",
        why: "Software that loads it fails at start-up or at its first TLS connection; it may also be a truncated copy of the intended certificate.",
        fix: "Compare the file with the vendor's original and replace it with a complete certificate.";
}
