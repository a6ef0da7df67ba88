//! OpenPGP checks of InRelease / Release.gpg against an archive keyring, with apt's policy.
//!
//! rPGP's `Signature::verify` is bare cryptography; this module adds the
//! policy apt applies through gpgv:
//! - the issuer of a signature must be a key (or signing subkey) of the
//!   keyring chosen for the archive, found by fingerprint or key id;
//! - keys count only with a valid self-signature; subkeys only with a valid
//!   binding signature (and back-signature); revoked and expired keys and
//!   subkeys do not count, at signing time or now;
//! - MD5, SHA-1 and RIPEMD-160 signatures are rejected;
//! - the file is accepted when at least one trusted signature is good.
//!
//! Third-party certifications (Debian cross-certifies its archive keys) are
//! ignored rather than verified: rPGP's `verify_bindings` fails on them.
//! The current time is a parameter, so everything here stays pure.

use std::io::Cursor;

use pgp::composed::{CleartextSignedMessage, Deserializable, DetachedSignature, SignedPublicKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{PublicKey, PublicSubkey, Signature, SignatureType};
use pgp::types::{Fingerprint, KeyDetails, KeyId, Tag};

/// Debian's archive signing keys for bullseye, bookworm and trixie (main
/// archive, security archive and stable release keys), from the
/// `debian-archive-keyring` package; see `keys/README.md`.
pub const DEBIAN_ARCHIVE_KEYS: &[(&str, &[u8])] = &[
    (
        "debian-bullseye-automatic",
        include_bytes!("../keys/debian-bullseye-automatic.pgp"),
    ),
    (
        "debian-bullseye-security-automatic",
        include_bytes!("../keys/debian-bullseye-security-automatic.pgp"),
    ),
    (
        "debian-bullseye-stable",
        include_bytes!("../keys/debian-bullseye-stable.pgp"),
    ),
    (
        "debian-bookworm-automatic",
        include_bytes!("../keys/debian-bookworm-automatic.pgp"),
    ),
    (
        "debian-bookworm-security-automatic",
        include_bytes!("../keys/debian-bookworm-security-automatic.pgp"),
    ),
    (
        "debian-bookworm-stable",
        include_bytes!("../keys/debian-bookworm-stable.pgp"),
    ),
    (
        "debian-trixie-automatic",
        include_bytes!("../keys/debian-trixie-automatic.pgp"),
    ),
    (
        "debian-trixie-security-automatic",
        include_bytes!("../keys/debian-trixie-security-automatic.pgp"),
    ),
    (
        "debian-trixie-stable",
        include_bytes!("../keys/debian-trixie-stable.pgp"),
    ),
];

/// Ubuntu's archive signing keys (the 2012 and 2018 automatic signing keys
/// and the 2012 CD image key), byte for byte as Debian's `ubuntu-keyring`
/// package ships `ubuntu-archive-keyring.gpg`; see `keys/README.md`.
pub const UBUNTU_ARCHIVE_KEYS: &[(&str, &[u8])] = &[(
    "ubuntu-archive-keyring",
    include_bytes!("../keys/ubuntu-archive-keyring.pgp"),
)];

/// A shipped key file by name (`debian-bookworm-automatic`,
/// `ubuntu-archive-keyring`).
pub fn archive_key(name: &str) -> Option<&'static [u8]> {
    DEBIAN_ARCHIVE_KEYS
        .iter()
        .chain(UBUNTU_ARCHIVE_KEYS)
        .find(|(key, _)| *key == name)
        .map(|(_, bytes)| *bytes)
}

/// Why a keyring or a signed file was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("keyring {name}: {message}")]
    Keyring { name: String, message: String },
    #[error("keyring {0} holds no usable signing key")]
    EmptyKeyring(String),
    #[error("not a clearsigned file: {0}")]
    NotClearsigned(String),
    #[error("unreadable detached signature: {0}")]
    BadDetachedSignature(String),
    #[error("no trusted signature is good: {}", .0.join("; "))]
    NoGoodSignature(Vec<String>),
}

/// A key that may sign archive files, with the facts the policy needs.
#[derive(Debug, Clone)]
struct SigningComponent {
    key: ComponentKey,
    /// Fingerprint of the primary key it belongs to (what we report).
    primary: Fingerprint,
    created: u32,
    /// Seconds since the epoch after which it is expired.
    expires: Option<u32>,
    revoked: bool,
}

#[derive(Debug, Clone)]
enum ComponentKey {
    Primary(PublicKey),
    Sub(PublicSubkey),
}

impl ComponentKey {
    fn fingerprint(&self) -> Fingerprint {
        match self {
            Self::Primary(key) => key.fingerprint(),
            Self::Sub(key) => key.fingerprint(),
        }
    }

    fn key_id(&self) -> KeyId {
        match self {
            Self::Primary(key) => key.legacy_key_id(),
            Self::Sub(key) => key.legacy_key_id(),
        }
    }

    fn verify(&self, signature: &Signature, data: &[u8]) -> Result<(), String> {
        let result = match self {
            Self::Primary(key) => signature.verify(key, data),
            Self::Sub(key) => signature.verify(key, data),
        };
        result.map_err(|err| err.to_string())
    }
}

/// The keys trusted to sign an archive.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    components: Vec<SigningComponent>,
    /// Primary fingerprints, uppercase hex, for reports.
    pub fingerprints: Vec<String>,
}

/// A good signature: who made it and what text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signed text, with `\n` line endings (for InRelease: the Release
    /// paragraph; for Release.gpg: the Release file as given).
    pub text: String,
    /// Uppercase hex fingerprint of the primary key whose key signed.
    pub signer: String,
}

impl Keyring {
    /// Debian's archive keys shipped with crossport.
    pub fn debian() -> Result<Self, SignatureError> {
        let mut keyring = Self::default();
        for (name, bytes) in DEBIAN_ARCHIVE_KEYS {
            keyring.add_file(name, bytes)?;
        }
        Ok(keyring)
    }

    /// The shipped keys the releases table names for `release`.
    pub fn for_release(release: &crate::distro::KnownRelease) -> Result<Self, SignatureError> {
        let mut keyring = Self::default();
        for name in release.keys {
            let bytes = archive_key(name).ok_or_else(|| SignatureError::Keyring {
                name: (*name).to_owned(),
                message: "not shipped with this build".to_owned(),
            })?;
            keyring.add_file(name, bytes)?;
        }
        if keyring.components.is_empty() {
            return Err(SignatureError::EmptyKeyring(release.codename.to_owned()));
        }
        Ok(keyring)
    }

    /// A keyring from one file's bytes: a binary keyring (`.gpg`/`.pgp`,
    /// any number of keys) or ASCII armour (any number of blocks).
    pub fn from_file(name: &str, bytes: &[u8]) -> Result<Self, SignatureError> {
        let mut keyring = Self::default();
        keyring.add_file(name, bytes)?;
        if keyring.components.is_empty() {
            return Err(SignatureError::EmptyKeyring(name.to_owned()));
        }
        Ok(keyring)
    }

    /// Adds the keys of one file.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), SignatureError> {
        let keyring_error = |message: String| SignatureError::Keyring {
            name: name.to_owned(),
            message,
        };
        for key in parse_keys(bytes).map_err(keyring_error)? {
            self.add_key(&key);
        }
        Ok(())
    }

    fn add_key(&mut self, key: &SignedPublicKey) {
        let primary = key.primary_key.fingerprint();
        let Some(self_signature) = newest_self_signature(key) else {
            return; // no valid self-signature: not a key we can trust
        };
        let primary_revoked = key.details.revocation_signatures.iter().any(|sig| {
            issued_by(sig, &key.primary_key) && sig.verify_key(&key.primary_key).is_ok()
        });
        let created = key.primary_key.created_at().as_secs();
        if may_sign(self_signature, key.primary_key.algorithm()) {
            self.components.push(SigningComponent {
                key: ComponentKey::Primary(key.primary_key.clone()),
                primary: primary.clone(),
                created,
                expires: expiry(created, self_signature),
                revoked: primary_revoked,
            });
        }
        for subkey in &key.public_subkeys {
            if let Some(component) = signing_subkey(key, subkey, primary_revoked) {
                self.components.push(component);
            }
        }
        self.fingerprints.push(format!("{primary:X}"));
    }

    /// Verifies a clearsigned InRelease file at time `now` (seconds since
    /// the epoch) and returns the signed text.
    pub fn verify_inrelease(&self, inrelease: &str, now: u64) -> Result<Verified, SignatureError> {
        let (message, _) = CleartextSignedMessage::from_string(inrelease)
            .map_err(|err| SignatureError::NotClearsigned(err.to_string()))?;
        let signed = message.signed_text();
        let signer = self.check_signatures(message.signatures(), signed.as_bytes(), now)?;
        Ok(Verified {
            text: signed.replace("\r\n", "\n"),
            signer,
        })
    }

    /// Verifies a Release file against its detached, armoured Release.gpg.
    pub fn verify_detached(
        &self,
        release: &[u8],
        release_gpg: &[u8],
        now: u64,
    ) -> Result<Verified, SignatureError> {
        let bad = |err: pgp::errors::Error| SignatureError::BadDetachedSignature(err.to_string());
        let (signatures, _) =
            DetachedSignature::from_armor_many(Cursor::new(release_gpg)).map_err(bad)?;
        let signatures = signatures
            .map(|sig| sig.map(|sig| sig.signature))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let signer = self.check_signatures(&signatures, release, now)?;
        Ok(Verified {
            text: String::from_utf8_lossy(release).into_owned(),
            signer,
        })
    }

    /// apt's rule: accept when at least one signature by a trusted, valid
    /// key is good. Returns the signer's primary fingerprint.
    fn check_signatures(
        &self,
        signatures: &[Signature],
        data: &[u8],
        now: u64,
    ) -> Result<String, SignatureError> {
        let mut problems = Vec::new();
        if signatures.is_empty() {
            problems.push("the file carries no signature".to_owned());
        }
        for signature in signatures {
            match self.check_one(signature, data, now) {
                Ok(primary) => return Ok(format!("{primary:X}")),
                Err(problem) => problems.push(problem),
            }
        }
        Err(SignatureError::NoGoodSignature(problems))
    }

    fn check_one(
        &self,
        signature: &Signature,
        data: &[u8],
        now: u64,
    ) -> Result<Fingerprint, String> {
        let issuer = describe_issuer(signature);
        if let Some(hash) = signature.hash_alg()
            && weak_hash(hash)
        {
            return Err(format!("signature by {issuer} uses the weak hash {hash}"));
        }
        let candidates: Vec<&SigningComponent> = self
            .components
            .iter()
            .filter(|component| matches_issuer(signature, &component.key))
            .collect();
        if candidates.is_empty() {
            return Err(format!(
                "signature by {issuer} is from a key not in the keyring"
            ));
        }
        let made = signature.created().map(|t| u64::from(t.as_secs()));
        let mut last = String::new();
        for component in candidates {
            if let Err(problem) = component_usable(component, made, now) {
                last = format!("signature by {issuer}: {problem}");
                continue;
            }
            match component.key.verify(signature, data) {
                Ok(()) => return Ok(component.primary.clone()),
                Err(err) => last = format!("bad signature by {issuer}: {err}"),
            }
        }
        Err(last)
    }
}

fn parse_keys(bytes: &[u8]) -> Result<Vec<SignedPublicKey>, String> {
    let text = std::str::from_utf8(bytes).ok();
    match text {
        Some(text) if text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") => {
            // `from_armor_many` reads only the first armoured block, so
            // split the blocks and parse each one on its own.
            let mut keys = Vec::new();
            for block in armored_blocks(text) {
                let (key, _) =
                    SignedPublicKey::from_string(block).map_err(|err| err.to_string())?;
                keys.push(key);
            }
            Ok(keys)
        }
        _ => SignedPublicKey::from_bytes_many(Cursor::new(without_trust_packets(bytes)))
            .map_err(|err| err.to_string())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| err.to_string()),
    }
}

/// OpenPGP packet tag of gpg's local trust packets.
const TRUST_PACKET: u8 = 12;

/// A binary keyring without its trust packets (tag 12). gpg writes them
/// after each key, user ID and signature in the keyrings it exports to
/// `/usr/share/keyrings` (Ubuntu's archive keyring has them); they are
/// local bookkeeping, never signed, and rPGP drops a user ID followed by
/// one. Input whose packet headers cannot be walked is returned as it is,
/// for the OpenPGP parser to report.
fn without_trust_packets(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut kept = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    let mut dropped = false;
    while !rest.is_empty() {
        let Some((tag, total)) = packet_extent(rest) else {
            return std::borrow::Cow::Borrowed(bytes);
        };
        if tag == TRUST_PACKET {
            dropped = true;
        } else {
            kept.extend_from_slice(&rest[..total]);
        }
        rest = &rest[total..];
    }
    if dropped {
        std::borrow::Cow::Owned(kept)
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// The tag and the full length (header and body) of the packet at the
/// start of `bytes` (RFC 4880 section 4.2); None for partial or
/// indeterminate lengths and for truncated input.
fn packet_extent(bytes: &[u8]) -> Option<(u8, usize)> {
    let first = *bytes.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let byte = |i: usize| bytes.get(i).map(|b| usize::from(*b));
    let (tag, header, body): (u8, usize, usize) = if first & 0x40 != 0 {
        let tag = first & 0x3f;
        match byte(1)? {
            len @ 0..=191 => (tag, 2, len),
            len @ 192..=223 => (tag, 3, ((len - 192) << 8) + byte(2)? + 192),
            255 => {
                let len = (byte(2)? << 24) | (byte(3)? << 16) | (byte(4)? << 8) | byte(5)?;
                (tag, 6, len)
            }
            _ => return None,
        }
    } else {
        let tag = (first >> 2) & 0x0f;
        match first & 0x03 {
            0 => (tag, 2, byte(1)?),
            1 => (tag, 3, (byte(1)? << 8) | byte(2)?),
            2 => {
                let len = (byte(1)? << 24) | (byte(2)? << 16) | (byte(3)? << 8) | byte(4)?;
                (tag, 5, len)
            }
            _ => return None,
        }
    };
    let total = header.checked_add(body)?;
    (total <= bytes.len()).then_some((tag, total))
}

fn armored_blocks(text: &str) -> Vec<&str> {
    const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let from_start = &rest[start..];
        let Some(end) = from_start.find(END) else {
            blocks.push(from_start);
            break;
        };
        blocks.push(&from_start[..end + END.len()]);
        rest = &from_start[end + END.len()..];
    }
    blocks
}

/// The newest self-certification of any user id (or direct-key signature)
/// that verifies; it carries the primary key's flags and expiry.
/// Whether a self-signature lets its key sign data. A signature without a
/// Key Flags subpacket (older keys, e.g. Ubuntu's 2012 and 2018 archive
/// keys) leaves the usage to the algorithm, as RFC 4880 section 5.2.3.21
/// and gpg do.
fn may_sign(
    self_signature: &Signature,
    algorithm: pgp::crypto::public_key::PublicKeyAlgorithm,
) -> bool {
    let has_key_flags = self_signature.config().is_some_and(|config| {
        config
            .hashed_subpackets()
            .any(|packet| matches!(packet.data, pgp::packet::SubpacketData::KeyFlags(_)))
    });
    if has_key_flags {
        self_signature.key_flags().sign()
    } else {
        algorithm.can_sign()
    }
}

fn newest_self_signature(key: &SignedPublicKey) -> Option<&Signature> {
    let primary = &key.primary_key;
    let certifications = key.details.users.iter().flat_map(|user| {
        user.signatures
            .iter()
            .filter(|sig| issued_by(sig, primary))
            .filter(move |sig| {
                sig.verify_certification(primary, Tag::UserId, &user.id)
                    .is_ok()
            })
    });
    let direct = key
        .details
        .direct_signatures
        .iter()
        .filter(|sig| issued_by(sig, primary) && sig.verify_key(primary).is_ok());
    certifications
        .chain(direct)
        .filter(|sig| sig.typ() != Some(SignatureType::CertRevocation))
        .max_by_key(|sig| sig.created().map(|t| t.as_secs()))
}

fn signing_subkey(
    key: &SignedPublicKey,
    subkey: &pgp::composed::SignedPublicSubKey,
    primary_revoked: bool,
) -> Option<SigningComponent> {
    let primary = &key.primary_key;
    let valid: Vec<&Signature> = subkey
        .signatures
        .iter()
        .filter(|sig| sig.verify_subkey_binding(primary, &subkey.key).is_ok())
        .collect();
    let revoked = valid
        .iter()
        .any(|sig| sig.typ() == Some(SignatureType::SubkeyRevocation));
    let binding = valid
        .iter()
        .filter(|sig| sig.typ() == Some(SignatureType::SubkeyBinding))
        .max_by_key(|sig| sig.created().map(|t| t.as_secs()))?;
    if !binding.key_flags().sign() {
        return None;
    }
    // A signing subkey must sign back (the primary key binding signature),
    // or anyone could bind someone else's signing key to their own.
    let back = binding.embedded_signature()?;
    back.verify_primary_key_binding(&subkey.key, primary).ok()?;
    let created = subkey.key.created_at().as_secs();
    Some(SigningComponent {
        key: ComponentKey::Sub(subkey.key.clone()),
        primary: primary.fingerprint(),
        created,
        expires: expiry(created, binding),
        revoked: revoked || primary_revoked,
    })
}

fn expiry(created: u32, signature: &Signature) -> Option<u32> {
    signature
        .key_expiration_time()
        .map(|duration| duration.as_secs())
        .filter(|secs| *secs > 0)
        .map(|secs| created.saturating_add(secs))
}

fn issued_by(signature: &Signature, key: &PublicKey) -> bool {
    let fingerprint = key.fingerprint();
    let key_id = key.legacy_key_id();
    signature.issuer_fingerprint().contains(&&fingerprint)
        || signature.issuer_key_id().contains(&&key_id)
}

fn matches_issuer(signature: &Signature, key: &ComponentKey) -> bool {
    let fingerprint = key.fingerprint();
    let key_id = key.key_id();
    signature.issuer_fingerprint().contains(&&fingerprint)
        || signature.issuer_key_id().contains(&&key_id)
}

fn component_usable(
    component: &SigningComponent,
    made: Option<u64>,
    now: u64,
) -> Result<(), String> {
    if component.revoked {
        return Err("the key is revoked".to_owned());
    }
    let made = made.ok_or("the signature has no creation time")?;
    if made < u64::from(component.created) {
        return Err("the signature predates its key".to_owned());
    }
    if let Some(expires) = component.expires {
        let expires = u64::from(expires);
        if made > expires || now > expires {
            return Err(format!("the key expired at {expires} (unix time)"));
        }
    }
    Ok(())
}

fn weak_hash(hash: HashAlgorithm) -> bool {
    matches!(
        hash,
        HashAlgorithm::None | HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Ripemd160
    )
}

fn describe_issuer(signature: &Signature) -> String {
    if let Some(fingerprint) = signature.issuer_fingerprint().first() {
        format!("{fingerprint:X}")
    } else if let Some(key_id) = signature.issuer_key_id().first() {
        format!("key id {key_id}")
    } else {
        "an unnamed key".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-23, when the captured InRelease files were current.
    const CAPTURED: u64 = 1_795_392_000;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../fixtures/sysroot/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
    }

    #[test]
    fn shipped_keys_all_load_with_a_signing_key() {
        for (name, bytes) in DEBIAN_ARCHIVE_KEYS {
            let keyring = Keyring::from_file(name, bytes).expect(name);
            assert_eq!(keyring.fingerprints.len(), 1, "{name}");
        }
        assert_eq!(Keyring::debian().expect("keys").fingerprints.len(), 9);
    }

    #[test]
    fn ubuntu_keyring_loads_per_release() {
        let jammy = crate::distro::known_release("jammy").expect("jammy");
        let keyring = Keyring::for_release(jammy).expect("ubuntu keys");
        for fingerprint in [
            "790BC7277767219C42C86F933B4FE6ACC0B21F32",
            "F6ECB3762474EDA9D21B7022871920D1991BC93C",
        ] {
            assert!(
                keyring.fingerprints.iter().any(|f| f == fingerprint),
                "{fingerprint} in {:?}",
                keyring.fingerprints
            );
        }
        let bookworm = crate::distro::known_release("bookworm").expect("bookworm");
        let debian = Keyring::for_release(bookworm).expect("debian keys");
        assert_eq!(debian.fingerprints.len(), 9);
        assert!(
            !debian
                .fingerprints
                .iter()
                .any(|f| f.ends_with("871920D1991BC93C"))
        );
    }

    #[test]
    fn real_bookworm_inrelease_verifies() {
        let keyring = Keyring::debian().expect("keys");
        for name in ["bookworm-updates_InRelease", "bookworm-security_InRelease"] {
            let verified = keyring
                .verify_inrelease(&fixture(name), CAPTURED)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            assert!(verified.text.starts_with("Origin: Debian"), "{name}");
            assert!(!verified.text.contains("BEGIN PGP"), "{name}");
        }
    }

    #[test]
    fn tampered_inrelease_is_refused() {
        let keyring = Keyring::debian().expect("keys");
        let text = fixture("bookworm-updates_InRelease").replacen("Suite: ", "Suite: x", 1);
        let err = keyring
            .verify_inrelease(&text, CAPTURED)
            .expect_err("tampered");
        assert!(matches!(err, SignatureError::NoGoodSignature(_)), "{err}");
        assert!(err.to_string().contains("bad signature"), "{err}");
    }

    #[test]
    fn wrong_keyring_and_expired_keys_are_refused() {
        let inrelease = fixture("bookworm-updates_InRelease");
        // Signed by the bookworm and trixie automatic keys, not by the
        // bullseye stable release key.
        let (name, bytes) = DEBIAN_ARCHIVE_KEYS[2];
        let wrong = Keyring::from_file(name, bytes).expect("bullseye stable key");
        let err = wrong
            .verify_inrelease(&inrelease, CAPTURED)
            .expect_err("wrong key");
        assert!(err.to_string().contains("not in the keyring"), "{err}");
        // The bookworm automatic key expires in 2031: a clock in 2040 sees
        // an expired key, not a good signature.
        let (name, bytes) = DEBIAN_ARCHIVE_KEYS[3];
        let bookworm = Keyring::from_file(name, bytes).expect("bookworm key");
        assert!(bookworm.verify_inrelease(&inrelease, CAPTURED).is_ok());
        let year_2040 = 2_208_988_800;
        let err = bookworm
            .verify_inrelease(&inrelease, year_2040)
            .expect_err("expired");
        assert!(err.to_string().contains("expired"), "{err}");
    }

    #[test]
    fn garbage_is_an_error() {
        let keyring = Keyring::debian().expect("keys");
        assert!(matches!(
            keyring.verify_inrelease("Origin: Debian\n", CAPTURED),
            Err(SignatureError::NotClearsigned(_))
        ));
        let mut with_leading = String::from("Origin: evil\n");
        with_leading.push_str(&fixture("bookworm-updates_InRelease"));
        assert!(keyring.verify_inrelease(&with_leading, CAPTURED).is_err());
        assert!(Keyring::from_file("junk", b"\x99\x01junk").is_err());
        assert!(matches!(
            keyring.verify_detached(b"x", b"not armour", CAPTURED),
            Err(SignatureError::BadDetachedSignature(_))
        ));
    }
}
