//! Token providers: OAuth 2.0 client credentials over any [`Transport`], and (with the
//! `azure-identity` feature) any `azure_identity` credential.
//!
//! [`ClientCredentials`] posts `grant_type=client_credentials` with the app's id, secret and
//! scope to `{authority}/{tenant}/oauth2/v2.0/token` and keeps the access token until
//! [`refresh_margin`](ClientCredentials::refresh_margin) (default 5 minutes) before it
//! expires; the next call after that fetches a new one. The authority and scope default to
//! the [`Cloud`]'s and can be overridden (a private authority, a loopback test server).
//!
//! ```no_run
//! use graph_runtime::auth::ClientCredentials;
//! use graph_runtime::client::{Client, ReqwestTransport};
//! use graph_runtime::cloud::Cloud;
//!
//! let cloud = Cloud::UsGov;
//! let creds = ClientCredentials::new(cloud, "contoso.onmicrosoft.us", "app-id", "secret", ReqwestTransport::new());
//! let client = Client::for_cloud(cloud, "v1.0", ReqwestTransport::new(), creds);
//! ```

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::client::{TokenProvider, Transport};
use crate::cloud::Cloud;
use crate::error::{Error, GraphError};
use crate::request::parse_absolute_uri;

/// `application/x-www-form-urlencoded` values and path segments: all but `A-Za-z0-9-._~`.
const FORM_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An app's client-credentials grant (client id + secret), with a cached token.
///
/// Concurrent callers that find the token stale may each fetch one; the last one stored
/// wins (they are equally valid).
pub struct ClientCredentials<T> {
    transport: T,
    authority: String,
    tenant: String,
    client_id: String,
    client_secret: String,
    scope: String,
    refresh_margin: Duration,
    cache: Mutex<Option<CachedToken>>,
}

#[derive(Clone)]
struct CachedToken {
    token: String,
    /// When to stop using it: its expiry minus the refresh margin.
    refresh_at: Instant,
}

impl<T> fmt::Debug for ClientCredentials<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url())
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl<T> ClientCredentials<T> {
    /// Credentials of app `client_id` in `tenant` (a tenant id or domain) for Graph in
    /// `cloud`: that cloud's authority and `https://<graph host>/.default` scope.
    pub fn new(cloud: Cloud, tenant: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<String>, transport: T) -> Self {
        ClientCredentials {
            transport,
            authority: cloud.authority(),
            tenant: tenant.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scope: cloud.default_scope(),
            refresh_margin: Duration::from_secs(300),
            cache: Mutex::new(None),
        }
    }

    /// Another authority base URL (scheme and host, e.g. `https://login.microsoftonline.com`).
    pub fn authority(mut self, url: impl Into<String>) -> Self {
        self.authority = url.into();
        self
    }

    /// Another scope (space-separated scopes are sent as given).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// How long before its expiry a token is replaced (default 5 minutes).
    pub fn refresh_margin(mut self, d: Duration) -> Self {
        self.refresh_margin = d;
        self
    }

    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority.trim_end_matches('/'), utf8_percent_encode(&self.tenant, FORM_SET))
    }

    /// Forgets the cached token (e.g. after Graph rejected it).
    pub fn clear_cache(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<CachedToken>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn form(&self) -> Vec<u8> {
        let pairs = [("grant_type", "client_credentials"), ("client_id", &self.client_id), ("client_secret", &self.client_secret), ("scope", &self.scope)];
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, FORM_SET))).collect();
        encoded.join("&").into_bytes()
    }
}

impl<T: Transport> ClientCredentials<T> {
    async fn fetch(&self) -> Result<CachedToken, Error> {
        let mut req = http::Request::builder().method(http::Method::POST).uri(parse_absolute_uri(&self.token_url())?);
        if let Some(h) = req.headers_mut() {
            h.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
            h.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        let asked = Instant::now();
        let resp = self.transport.send(req.body(self.form())?).await?;
        let (parts, body) = resp.into_parts();
        if !parts.status.is_success() {
            // Entra's error body (`error`, `error_description`) is not an OData error; it is
            // kept as the raw body, which `Display` shows.
            return Err(Error::Graph(GraphError { status: parts.status, headers: parts.headers, odata: None, raw_body: body }));
        }
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        let token = v.get("access_token").and_then(|t| t.as_str()).filter(|t| !t.is_empty());
        let token = token.ok_or_else(|| <serde_json::Error as serde::de::Error>::custom("token response without access_token"))?;
        // `expires_in` is seconds, a number (some servers send it as a string).
        let expires_in = match v.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let expires_in = expires_in.ok_or_else(|| <serde_json::Error as serde::de::Error>::custom("token response without a valid expires_in"))?;
        let lifetime = Duration::from_secs(expires_in).saturating_sub(self.refresh_margin);
        Ok(CachedToken { token: token.to_owned(), refresh_at: asked + lifetime })
    }
}

impl<T: Transport> TokenProvider for ClientCredentials<T> {
    async fn token(&self) -> Result<String, Error> {
        let cached = self.lock().clone();
        if let Some(c) = cached.filter(|c| Instant::now() < c.refresh_at) {
            return Ok(c.token);
        }
        let fresh = self.fetch().await?;
        let token = fresh.token.clone();
        *self.lock() = Some(fresh);
        Ok(token)
    }
}

#[cfg(feature = "azure-identity")]
pub use self::azure::AzureIdentity;

#[cfg(feature = "azure-identity")]
mod azure {
    use std::sync::Arc;

    use azure_core::credentials::TokenCredential;

    use crate::client::TokenProvider;
    use crate::cloud::Cloud;
    use crate::error::Error;

    /// Any `azure_identity` credential (`ClientSecretCredential`, `ManagedIdentityCredential`,
    /// `AzureCliCredential`, `WorkloadIdentityCredential`, …) as a [`TokenProvider`], for the
    /// default scope of a [`Cloud`] or given scopes. The credential caches and refreshes its
    /// tokens itself.
    ///
    /// ```no_run
    /// # fn f() -> Result<(), Box<dyn std::error::Error>> {
    /// use graph_runtime::auth::AzureIdentity;
    /// use graph_runtime::cloud::Cloud;
    /// let credential = azure_identity::ManagedIdentityCredential::new(None)?;
    /// let tokens = AzureIdentity::new(credential, Cloud::Global);
    /// # Ok(()) }
    /// ```
    #[derive(Clone, Debug)]
    pub struct AzureIdentity {
        credential: Arc<dyn TokenCredential>,
        scopes: Vec<String>,
    }

    impl AzureIdentity {
        /// Tokens from `credential` for `cloud`'s default scope (`https://<graph host>/.default`).
        pub fn new(credential: Arc<dyn TokenCredential>, cloud: Cloud) -> Self {
            AzureIdentity { credential, scopes: vec![cloud.default_scope()] }
        }

        /// Tokens for other scopes (e.g. delegated `User.Read` with a user credential).
        pub fn with_scopes<S: Into<String>>(credential: Arc<dyn TokenCredential>, scopes: impl IntoIterator<Item = S>) -> Self {
            AzureIdentity { credential, scopes: scopes.into_iter().map(Into::into).collect() }
        }

        /// The scopes asked for.
        pub fn scopes(&self) -> &[String] {
            &self.scopes
        }
    }

    impl TokenProvider for AzureIdentity {
        async fn token(&self) -> Result<String, Error> {
            let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
            let token = self.credential.get_token(&scopes, None).await.map_err(|e| Error::Transport(Box::new(e)))?;
            Ok(token.token.secret().to_owned())
        }
    }
}
