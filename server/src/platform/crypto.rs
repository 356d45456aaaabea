//! Key material: the master key, the encryption of brand secrets at rest, and the JWT signing key, both derived
//! from the master key with HKDF so that one secret is all an operator keeps.

use std::path::{Path, PathBuf};

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, OsRng, rand_core::RngCore},
};
use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::config::Config;

/// The 32-byte master key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// Parses 64 hex characters or base64 of 32 bytes.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .or_else(|| STANDARD.decode(text).ok())
            .context("the master key must be 32 bytes as 64 hex characters or base64")?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("the master key must be exactly 32 bytes"))?;
        Ok(Self(key))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// The key as hex, for writing the key file.
    pub fn to_hex(&self) -> SecretString {
        SecretString::from(hex::encode(self.0))
    }

    /// The configured key; for SQLite without one, the key file beside the database (created on first use).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        if let Some(key) = &config.master_key {
            return Self::parse(key.expose_secret());
        }
        let Some(file) = key_file_for(&config.database_url) else {
            bail!("CHAM_MASTER_KEY must be set when the store is PostgreSQL");
        };
        if file.exists() {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            return Self::parse(&text);
        }
        let key = Self::generate();
        write_private(&file, key.to_hex().expose_secret())?;
        tracing::warn!(
            file = %file.display(),
            "CHAM_MASTER_KEY is not set: generated a master key and saved it beside the database; set CHAM_MASTER_KEY in production"
        );
        Ok(key)
    }

    fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"cham"), &self.0)
            .expand(purpose, &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    /// The key that signs session JWTs.
    pub fn jwt_secret(&self) -> [u8; 32] {
        self.derive(b"session-jwt-v1")
    }

    /// The key of person marks (keyed hashes kept after an erasure; see `profiles::marks`).
    pub fn person_mark_key(&self) -> [u8; 32] {
        self.derive(b"person-marks-v1")
    }

    /// The key member QR codes are signed with.
    pub fn member_qr_key(&self) -> QrKey {
        QrKey(self.derive(b"member-qr-v1"))
    }

    /// The sealer for brand secrets.
    pub fn sealer(&self) -> Sealer {
        Sealer(Aes256Gcm::new(&self.derive(b"brand-secrets-v1").into()))
    }
}

fn key_file_for(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let db = Path::new(rest.split('?').next()?);
    Some(db.parent().unwrap_or(Path::new(".")).join("master.key"))
}

fn write_private(file: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, contents).with_context(|| format!("writing {}", file.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Signs member QR codes (HMAC-SHA256); its `Debug` never shows the key.
#[derive(Clone)]
pub struct QrKey([u8; 32]);

impl std::fmt::Debug for QrKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QrKey(..)")
    }
}

impl QrKey {
    fn mac(&self, parts: &[&str]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(b"\x1f");
        }
        mac
    }

    /// The first 16 bytes of the HMAC of `parts`, in hex.
    pub fn sign(&self, parts: &[&str]) -> String {
        hex::encode(&self.mac(parts).finalize().into_bytes()[..16])
    }

    /// Whether `signature` (hex) is [`QrKey::sign`] of `parts`, compared in constant time.
    pub fn verify(&self, parts: &[&str], signature: &str) -> bool {
        hex::decode(signature)
            .is_ok_and(|bytes| bytes.len() == 16 && self.mac(parts).verify_truncated_left(&bytes).is_ok())
    }
}

/// Encrypts and decrypts brand secrets (AES-256-GCM, a random nonce each time).
#[derive(Clone)]
pub struct Sealer(Aes256Gcm);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer")
    }
}

const SEALED_PREFIX: &str = "v1:";

impl Sealer {
    /// Encrypts `plain` to `v1:` + base64(nonce ‖ ciphertext).
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .0
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", STANDARD.encode(out))
    }

    /// Decrypts what [`Sealer::seal`] produced; fails on a wrong key or tampering.
    pub fn open(&self, sealed: &str) -> anyhow::Result<SecretString> {
        let data = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|d| d.len() > 12)
            .context("a sealed secret is malformed")?;
        let (nonce, ciphertext) = data.split_at(12);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("a sealed secret does not open with this master key"))?;
        Ok(SecretString::from(String::from_utf8(plain)?))
    }
}

/// `n` random bytes as URL-safe base64 without padding: tokens, codes, passwords.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256, for storing tokens that must be looked up but never read back.
pub fn sha256_hex(data: &str) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(data.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_same_key_only() {
        let key = MasterKey::generate();
        let sealed = key.sealer().seal("app-secret");
        assert!(!sealed.contains("app-secret"));
        assert_eq!(key.sealer().open(&sealed).unwrap().expose_secret(), "app-secret");
        assert!(MasterKey::generate().sealer().open(&sealed).is_err());
        let mut tampered = sealed;
        tampered.push('A');
        assert!(key.sealer().open(&tampered).is_err());
    }

    #[test]
    fn master_keys_parse_from_hex_or_base64_of_32_bytes() {
        let hex_key = "00".repeat(32);
        assert!(MasterKey::parse(&hex_key).is_ok());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(MasterKey::parse("short").is_err());
        assert!(!format!("{:?}", MasterKey::parse(&hex_key).unwrap()).contains("00"));
    }
}
