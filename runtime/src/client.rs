//! Sending requests: a runtime-agnostic [`Client`] over a pluggable [`Transport`] and
//! [`TokenProvider`], with retries on throttling and `@odata.nextLink` paging.
//!
//! ```
//! use graph_runtime::client::{Client, StaticToken, Transport};
//! use graph_runtime::{Error, Page, Request, RequestPath};
//! use std::time::Duration;
//!
//! /// A transport answering every request with one canned page (a test double).
//! struct Canned;
//! impl Transport for Canned {
//!     async fn send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
//!         assert_eq!(req.headers()["authorization"], "Bearer t0k3n");
//!         Ok(http::Response::new(br#"{"value":[1,2,3]}"#.to_vec()))
//!     }
//!     async fn sleep(&self, _: Duration) {}
//! }
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     use std::task::{Context, Poll, Waker};
//! #     let mut f = std::pin::pin!(f);
//! #     loop { if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(Waker::noop())) { return v; } }
//! # }
//! let client = Client::new("https://graph.microsoft.com/beta", Canned, StaticToken::new("t0k3n"));
//! let req: Request<Page<i32>> = Request::new(http::Method::GET, RequestPath::root().segment("numbers"), None);
//! let page = block_on(client.send(&req)).unwrap();
//! assert_eq!(page.value, vec![1, 2, 3]);
//! ```

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;

use crate::error::{retry_after, Error};
use crate::page::Page;
use crate::request::{parse_absolute_uri, parse_response, Request};
use crate::response::{parse_response_with_headers, Response};

/// Moves bytes: sends one HTTP request and returns the whole response. Also provides the
/// timer used between retries, so the client stays independent of any async runtime.
pub trait Transport: Send + Sync {
    /// Sends `req` and returns the response with its full body. Non-2xx statuses are
    /// responses, not errors; errors are for failures to get a response at all.
    fn send(&self, req: http::Request<Vec<u8>>) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send;

    /// Waits for `d` (e.g. `tokio::time::sleep`). Must really wait: the client relies on it
    /// to honour `Retry-After`.
    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send;
}

impl<T: Transport> Transport for &T {
    fn send(&self, req: http::Request<Vec<u8>>) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send {
        (**self).send(req)
    }
    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send {
        (**self).sleep(d)
    }
}

impl<T: Transport> Transport for Arc<T> {
    fn send(&self, req: http::Request<Vec<u8>>) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send {
        (**self).send(req)
    }
    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send {
        (**self).sleep(d)
    }
}

/// Supplies the OAuth access token sent as `Authorization: Bearer …`. Called before every
/// attempt, so an implementation may refresh tokens as they expire.
pub trait TokenProvider: Send + Sync {
    /// The current access token (without the `Bearer ` prefix).
    fn token(&self) -> impl Future<Output = Result<String, Error>> + Send;
}

impl<P: TokenProvider> TokenProvider for &P {
    fn token(&self) -> impl Future<Output = Result<String, Error>> + Send {
        (**self).token()
    }
}

impl<P: TokenProvider> TokenProvider for Arc<P> {
    fn token(&self) -> impl Future<Output = Result<String, Error>> + Send {
        (**self).token()
    }
}

/// A fixed access token.
#[derive(Clone)]
pub struct StaticToken(pub String);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> impl Future<Output = Result<String, Error>> + Send {
        std::future::ready(Ok(self.0.clone()))
    }
}

/// Sends [`Request`]s to Graph.
///
/// * adds `Authorization: Bearer <token>` (marked sensitive);
/// * retries `429 Too Many Requests` and `503 Service Unavailable` up to
///   [`max_retries`](Client::max_retries) times (default 3), waiting for `Retry-After`
///   (seconds or an HTTP date, see [`parse_retry_after`](crate::parse_retry_after)), or
///   1 s, 2 s, 4 s, … (capped at 32 s) when the header is missing or unreadable. A
///   `Retry-After` longer than [`max_retry_delay`](Client::max_retry_delay) (default 120 s)
///   is not waited for: the error is returned instead.
#[derive(Clone, Debug)]
pub struct Client<T, P> {
    pub(crate) base_url: String,
    pub(crate) transport: T,
    token: P,
    pub(crate) max_retries: u32,
    pub(crate) max_retry_delay: Duration,
}

impl<T: Transport, P: TokenProvider> Client<T, P> {
    /// A client for `base_url` (e.g. `https://graph.microsoft.com/v1.0`).
    pub fn new(base_url: impl Into<String>, transport: T, token: P) -> Self {
        Client { base_url: base_url.into(), transport, token, max_retries: 3, max_retry_delay: Duration::from_secs(120) }
    }

    /// Maximum number of retries after throttling (`0` disables retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Longest `Retry-After` the client waits for.
    pub fn max_retry_delay(mut self, d: Duration) -> Self {
        self.max_retry_delay = d;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends `req` (with retries) and parses the response as `R`.
    pub async fn send<R: DeserializeOwned>(&self, req: &Request<R>) -> Result<R, Error> {
        let resp = self.execute_request(req).await?;
        parse_response(resp)
    }

    /// Sends a prepared HTTP request with authentication and retries; the response is
    /// returned whatever its status. (Traced with the literal path: a prepared request has
    /// no template.)
    pub async fn send_http(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, body) = req.into_parts();
        self.execute(&parts.method, &parts.uri, &parts.headers, &body, parts.uri.path()).await
    }

    /// Sends `req` with authentication and retries; the response whatever its status.
    pub(crate) async fn execute_request<R>(&self, req: &Request<R>) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, body) = req.to_http(&self.base_url)?.into_parts();
        self.execute(&parts.method, &parts.uri, &parts.headers, &body, req.path().template()).await
    }

    /// One logical request (`template` names it in traces), retried after throttling.
    pub(crate) async fn execute(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers: &http::HeaderMap,
        body: &[u8],
        template: &str,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let span = crate::trace::RequestSpan::new(method, template);
        let mut retries = 0u32;
        let result = span.instrument(self.attempts(method, uri, headers, body, &mut retries)).await;
        span.finish(&result, retries);
        result
    }

    async fn attempts(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers: &http::HeaderMap,
        body: &[u8],
        attempt: &mut u32,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        loop {
            let token = self.token.token().await?;
            let mut auth = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| Error::InvalidHeader("Authorization: the token is not a valid header value".into()))?;
            auth.set_sensitive(true);
            let mut builder = http::Request::builder().method(method.clone()).uri(uri.clone());
            if let Some(h) = builder.headers_mut() {
                h.extend(headers.iter().map(|(k, v)| (k.clone(), v.clone())));
                h.insert(AUTHORIZATION, auth);
            }
            let req = builder.body(body.to_vec())?;
            let resp = self.transport.send(req).await?;
            let status = resp.status();
            if throttled(status) && *attempt < self.max_retries {
                let delay = retry_delay(resp.headers(), *attempt);
                if delay <= self.max_retry_delay {
                    crate::trace::retrying(status, delay);
                    self.transport.sleep(delay).await;
                    *attempt += 1;
                    continue;
                }
            }
            return Ok(resp);
        }
    }

    /// Pages through a collection, following `@odata.nextLink`.
    ///
    /// Next links are absolute URLs used as is; they must have the same scheme and host as
    /// the client's base URL (so the token is never sent elsewhere). They are requested with
    /// `GET` and the first request's headers (`ConsistencyLevel`, `Prefer`, …).
    pub fn pages<I: DeserializeOwned>(&self, req: Request<Page<I>>) -> Pager<'_, I, T, P> {
        Pager { client: self, state: PagerState::First(Box::new(req)) }
    }
}

/// Whether a status asks to come back later (`429 Too Many Requests`, `503 Service Unavailable`).
pub(crate) fn throttled(status: http::StatusCode) -> bool {
    status == http::StatusCode::TOO_MANY_REQUESTS || status == http::StatusCode::SERVICE_UNAVAILABLE
}

/// The wait before retry number `attempt + 1` of a throttled request: its `Retry-After`,
/// else 1 s, 2 s, 4 s, … capped at 32 s.
pub(crate) fn retry_delay(headers: &http::HeaderMap, attempt: u32) -> Duration {
    retry_after(headers).unwrap_or_else(|| Duration::from_secs(1 << attempt.min(5)))
}

/// Iterates over the pages of a collection; see [`Client::pages`].
pub struct Pager<'c, I, T, P> {
    client: &'c Client<T, P>,
    state: PagerState<I>,
}

enum PagerState<I> {
    First(Box<Request<Page<I>>>),
    Next { url: String, headers: http::HeaderMap, template: String },
    Done,
}

impl<I: DeserializeOwned, T: Transport, P: TokenProvider> Pager<'_, I, T, P> {
    /// The next page, or `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<Page<I>, Error>> {
        Some(self.next_response().await?.map(Response::into_value))
    }

    /// Like [`next_page`](Self::next_page), with the page response's status and headers.
    pub async fn next_response(&mut self) -> Option<Result<Response<Page<I>>, Error>> {
        let state = std::mem::replace(&mut self.state, PagerState::Done);
        let (result, mut headers, template) = match state {
            PagerState::Done => return None,
            PagerState::First(req) => {
                let headers = req.headers().clone();
                (self.client.send_with_headers(&req).await, headers, req.path().template().to_owned())
            }
            PagerState::Next { url, headers, template } => (self.fetch_next(&url, &headers, &template).await, headers, template),
        };
        match result {
            Ok(page) => {
                if let Some(next) = &page.value.next_link {
                    headers.remove(CONTENT_TYPE);
                    headers.remove(CONTENT_LENGTH);
                    self.state = PagerState::Next { url: next.clone(), headers, template };
                }
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }

    async fn fetch_next(&self, url: &str, headers: &http::HeaderMap, template: &str) -> Result<Response<Page<I>>, Error> {
        let uri = parse_absolute_uri(url)?;
        let base = parse_absolute_uri(&self.client.base_url)?;
        if uri.scheme() != base.scheme() || uri.authority().map(|a| a.as_str().to_ascii_lowercase()) != base.authority().map(|a| a.as_str().to_ascii_lowercase()) {
            return Err(Error::Url(format!("next link {url} is not on {}", self.client.base_url)));
        }
        let resp = self.client.execute(&http::Method::GET, &uri, headers, &[], template).await?;
        parse_response_with_headers(resp)
    }

    /// All remaining items of all remaining pages.
    pub async fn collect_all(mut self) -> Result<Vec<I>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.value);
        }
        Ok(items)
    }
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_transport::ReqwestTransport;

#[cfg(feature = "reqwest")]
mod reqwest_transport {
    use super::*;

    /// A [`Transport`] over [`reqwest`] (rustls) with tokio timers.
    #[derive(Clone, Debug, Default)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
    }

    impl ReqwestTransport {
        /// A transport with a default `reqwest::Client`.
        pub fn new() -> Self {
            Self::default()
        }

        /// A transport over a configured client (timeouts, proxies, …).
        pub fn from_client(client: reqwest::Client) -> Self {
            ReqwestTransport { client }
        }
    }

    fn transport_error(e: reqwest::Error) -> Error {
        Error::Transport(Box::new(e))
    }

    impl Transport for ReqwestTransport {
        fn send(&self, req: http::Request<Vec<u8>>) -> impl Future<Output = Result<http::Response<Vec<u8>>, Error>> + Send {
            let client = self.client.clone();
            async move {
                let req = reqwest::Request::try_from(req).map_err(transport_error)?;
                let resp = client.execute(req).await.map_err(transport_error)?;
                let status = resp.status();
                let version = resp.version();
                let headers = resp.headers().clone();
                let body = resp.bytes().await.map_err(transport_error)?.to_vec();
                let mut out = http::Response::new(body);
                *out.status_mut() = status;
                *out.version_mut() = version;
                *out.headers_mut() = headers;
                Ok(out)
            }
        }

        fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send {
            tokio::time::sleep(d)
        }
    }
}
