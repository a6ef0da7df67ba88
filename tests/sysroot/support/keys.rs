//! OpenPGP test keys, generated per test run (no secret key is committed),
//! and the clearsigning / detached signing a Debian archive does.

use std::sync::OnceLock;

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, DetachedSignature, KeyType, SecretKeyParamsBuilder,
    SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::types::Password;

/// A generated signing key.
pub struct TestKey {
    secret: SignedSecretKey,
}

impl TestKey {
    fn generate(user: &str) -> Self {
        Self::generate_with(user, KeyType::Ed25519Legacy)
    }

    fn generate_with(user: &str, key_type: KeyType) -> Self {
        let params = SecretKeyParamsBuilder::default()
            .key_type(key_type)
            .can_certify(true)
            .can_sign(true)
            .primary_user_id(user.into())
            .build()
            .expect("key parameters");
        let secret = params
            .generate(rand_pgp::thread_rng())
            .expect("generate test key");
        Self { secret }
    }

    /// The public key, ASCII-armoured, for `--keyring`.
    pub fn public_armored(&self) -> String {
        SignedPublicKey::from(self.secret.clone())
            .to_armored_string(ArmorOptions::default())
            .expect("armour public key")
    }

    /// The text clearsigned, as an InRelease file.
    pub fn clearsign(&self, text: &str) -> String {
        CleartextSignedMessage::sign(
            rand_pgp::thread_rng(),
            text,
            &self.secret.primary_key,
            &Password::empty(),
        )
        .expect("clearsign")
        .to_armored_string(ArmorOptions::default())
        .expect("armour clearsigned")
    }

    /// A detached, armoured signature, as a Release.gpg file.
    pub fn detached(&self, data: &[u8]) -> String {
        self.detached_with(data, HashAlgorithm::Sha256)
    }

    /// A detached signature made with the given hash algorithm.
    pub fn detached_with(&self, data: &[u8], hash: HashAlgorithm) -> String {
        DetachedSignature::sign_binary_data(
            rand_pgp::thread_rng(),
            &self.secret.primary_key,
            &Password::empty(),
            hash,
            data,
        )
        .expect("detached signature")
        .to_armored_string(ArmorOptions::default())
        .expect("armour signature")
    }
}

/// The archive's key (what `--keyring` trusts in the tests).
pub fn archive_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::generate("crossport test archive key <test@invalid>"))
}

/// Another key, which the keyring does not hold.
pub fn stranger_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::generate("someone else <stranger@invalid>"))
}

/// A second archive key, RSA (Ed25519 cannot sign with SHA-1, RSA can),
/// also in the test keyring.
pub fn rsa_archive_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        TestKey::generate_with(
            "crossport test RSA archive key <rsa@invalid>",
            KeyType::Rsa(2048),
        )
    })
}
