//! The permissions a bearer token carries: the `scp` (delegated) and `roles` (application)
//! claims of its JWT payload.
//!
//! **No signature check**: the payload is only base64url-decoded and read. This is a
//! client-side convenience (fail before sending instead of a 403 round trip), never an
//! authorisation decision: Graph checks the token itself. The decoder is a few lines here
//! rather than a base64 dependency, so the generated crate's build gains nothing.

use super::{AuthScheme, Permissions};

/// The tenant id of personal Microsoft accounts: delegated tokens issued in it are
/// [`AuthScheme::DelegatedPersonal`].
pub const PERSONAL_ACCOUNTS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Claims of an access token relevant to permissions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenClaims {
    /// Delegated permissions (`scp`, space-separated in the token).
    pub scopes: Vec<String>,
    /// Application permissions (`roles`).
    pub roles: Vec<String>,
    /// Tenant id (`tid`).
    pub tenant: Option<String>,
}

impl TokenClaims {
    /// Reads the payload (second part) of a JWT without verifying its signature.
    pub fn from_jwt(token: &str) -> Result<TokenClaims, String> {
        let token = token.trim();
        let token = token.strip_prefix("Bearer ").unwrap_or(token);
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("not a JWT (expected three `.`-separated parts)".into());
        };
        let bytes = base64url_decode(payload).ok_or("the JWT payload is not base64url")?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| format!("the JWT payload is not JSON: {e}"))?;
        let words = |v: Option<&serde_json::Value>| -> Vec<String> {
            match v {
                Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
                Some(serde_json::Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
                _ => Vec::new(),
            }
        };
        Ok(TokenClaims {
            scopes: words(v.get("scp")),
            roles: words(v.get("roles")),
            tenant: v.get("tid").and_then(|t| t.as_str()).map(str::to_owned),
        })
    }

    /// The scheme the token was issued for: application when it has roles and no scopes,
    /// delegated otherwise (personal in the personal-accounts tenant).
    pub fn scheme(&self) -> AuthScheme {
        if self.scopes.is_empty() && !self.roles.is_empty() {
            AuthScheme::Application
        } else if self.tenant.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(PERSONAL_ACCOUNTS_TENANT)) {
            AuthScheme::DelegatedPersonal
        } else {
            AuthScheme::DelegatedWork
        }
    }

    /// The permissions granted under [`scheme`](Self::scheme).
    pub fn granted(&self) -> &[String] {
        if self.scheme() == AuthScheme::Application {
            &self.roles
        } else {
            &self.scopes
        }
    }

    /// Whether the token allows a call with `permissions`: one granted permission is accepted
    /// (least or higher privileged) together with a companion it may need (`AlsoRequires`).
    pub fn allows(&self, permissions: &Permissions) -> bool {
        let s = permissions.scheme(self.scheme());
        let has = |p: &str| self.granted().iter().any(|g| g.eq_ignore_ascii_case(p));
        s.all().any(|p| {
            let companions = s.companions(p);
            has(p) && (companions.is_empty() || companions.iter().any(|c| has(c)))
        })
    }
}

/// Base64url (RFC 4648 §5), padding optional.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Base64url without padding (the JWT encoding): for building test tokens.
pub fn base64url_encode(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scheme;

    fn jwt(payload: &str) -> String {
        format!("{}.{}.sig", base64url_encode(br#"{"alg":"none"}"#), base64url_encode(payload.as_bytes()))
    }

    #[test]
    fn round_trip_and_claims() {
        for s in ["", "a", "ab", "abc", "abcd", "\u{00ff}\u{00fe}?>"] {
            assert_eq!(base64url_decode(&base64url_encode(s.as_bytes())).unwrap(), s.as_bytes());
        }
        let c = TokenClaims::from_jwt(&jwt(r#"{"scp":"User.Read Mail.Read","tid":"x"}"#)).unwrap();
        assert_eq!(c.scheme(), AuthScheme::DelegatedWork);
        assert_eq!(c.granted(), ["User.Read", "Mail.Read"]);
        let a = TokenClaims::from_jwt(&jwt(r#"{"roles":["User.Read.All"]}"#)).unwrap();
        assert_eq!(a.scheme(), AuthScheme::Application);
        let p = TokenClaims::from_jwt(&jwt(&format!(r#"{{"scp":"User.Read","tid":"{PERSONAL_ACCOUNTS_TENANT}"}}"#))).unwrap();
        assert_eq!(p.scheme(), AuthScheme::DelegatedPersonal);
        assert!(TokenClaims::from_jwt("opaque-token").is_err());
        assert!(TokenClaims::from_jwt("a.!!!.c").is_err());
    }

    #[test]
    fn allows_with_companions() {
        static P: Permissions = Permissions {
            delegated_work: Scheme {
                least: &["Card.Read"],
                higher: &["Card.ReadWrite"],
                also_requires: &[crate::AlsoRequires { permission: "Card.Read", one_of: &["Instance.Read"] }],
            },
            delegated_personal: Scheme::NOT_SUPPORTED,
            application: Scheme::NOT_SUPPORTED,
        };
        let t = |scp: &str| TokenClaims::from_jwt(&jwt(&format!(r#"{{"scp":"{scp}"}}"#))).unwrap();
        assert!(!t("Card.Read").allows(&P), "Card.Read needs Instance.Read");
        assert!(t("card.read instance.read").allows(&P));
        assert!(t("Card.ReadWrite").allows(&P));
        assert!(!t("Mail.Read").allows(&P));
    }
}
