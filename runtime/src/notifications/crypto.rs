//! Decryption of rich notifications' `encryptedContent` (feature `notifications-crypto`).
//!
//! 1. `dataKey` (base64) is decrypted with the app's RSA private key, RSA-OAEP with SHA-1:
//!    the 32-byte symmetric key.
//! 2. HMAC-SHA256 of the base64-decoded `data`, keyed with it, must equal `dataSignature`
//!    (compared in constant time) before anything is decrypted.
//! 3. `data` is decrypted with AES-256-CBC, PKCS7 padding, the first 16 key bytes as the IV.

use std::fmt;

use aes::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde::de::DeserializeOwned;

use super::EncryptedContent;

/// The RSA crate, to load the private key (e.g. `rsa::PrivateKey::from_pkcs8_pem` with
/// `rsa::pkcs8::DecodePrivateKey`).
pub use rsa;

/// Why `encryptedContent` could not be decrypted.
#[derive(Debug)]
#[non_exhaustive]
pub enum DecryptError {
    /// A member is not valid base64 (its name).
    Base64(&'static str),
    /// `dataKey` does not decrypt with this private key (another certificate, or tampered).
    DataKey(rsa::Error),
    /// The decrypted key is not 32 bytes long.
    KeyLength(usize),
    /// `dataSignature` does not match `data`: tampered, or another key.
    Signature,
    /// `data` does not decrypt (bad padding or length).
    Data,
    /// The decrypted data is not the JSON expected.
    Json(serde_json::Error),
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptError::Base64(m) => write!(f, "encryptedContent.{m} is not base64"),
            DecryptError::DataKey(e) => write!(f, "encryptedContent.dataKey does not decrypt with this key: {e}"),
            DecryptError::KeyLength(n) => write!(f, "the decrypted data key has {n} bytes, not 32"),
            DecryptError::Signature => f.write_str("encryptedContent.dataSignature does not match the data"),
            DecryptError::Data => f.write_str("encryptedContent.data does not decrypt"),
            DecryptError::Json(e) => write!(f, "decrypted resource data: {e}"),
        }
    }
}

impl std::error::Error for DecryptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecryptError::DataKey(e) => Some(e),
            DecryptError::Json(e) => Some(e),
            _ => None,
        }
    }
}

fn b64(field: &'static str, text: &str) -> Result<Vec<u8>, DecryptError> {
    base64::engine::general_purpose::STANDARD.decode(text.trim()).map_err(|_| DecryptError::Base64(field))
}

impl EncryptedContent {
    /// The decrypted resource data, after checking its signature; see the module docs.
    pub fn decrypt(&self, key: &rsa::PrivateKey) -> Result<Vec<u8>, DecryptError> {
        let wrapped = b64("dataKey", &self.data_key)?;
        let data = b64("data", &self.data)?;
        let signature = b64("dataSignature", &self.data_signature)?;
        let sym = key.oaep_decrypt::<sha1::Sha1>(&wrapped).map_err(DecryptError::DataKey)?;
        if sym.len() != 32 {
            return Err(DecryptError::KeyLength(sym.len()));
        }
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&sym).map_err(|_| DecryptError::KeyLength(sym.len()))?;
        mac.update(&data);
        mac.verify_slice(&signature).map_err(|_| DecryptError::Signature)?;
        let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(&sym, &sym[..16]).map_err(|_| DecryptError::KeyLength(sym.len()))?;
        decryptor.decrypt_padded_vec::<Pkcs7>(&data).map_err(|_| DecryptError::Data)
    }

    /// The decrypted resource data read as `T` (a model, or `serde_json::Value`).
    pub fn decrypt_json<T: DeserializeOwned>(&self, key: &rsa::PrivateKey) -> Result<T, DecryptError> {
        serde_json::from_slice(&self.decrypt(key)?).map_err(DecryptError::Json)
    }
}
