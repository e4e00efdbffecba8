//! Large-file upload through an upload session (`createUploadSession` of drive items,
//! attachments, print documents, …).
//!
//! The session's `uploadUrl` is pre-authenticated: the bytes go there in ranges
//! (`Content-Range: bytes a-b/total`) straight through the [`Transport`], never through the
//! [`Client`], so no `Authorization` header is ever sent to it (personal OneDrive answers such
//! a request with 401). After a failed range the session's status (`GET uploadUrl`) says which
//! bytes are still missing (`nextExpectedRanges`), and the upload goes on from there.
//!
//! ```
//! use graph_runtime::upload::{ChunkSize, LargeFileUpload, UploadSession};
//! let session: UploadSession = serde_json::from_str(r#"{
//!     "uploadUrl": "https://contoso.sharepoint.com/up/abc?sig=1",
//!     "expirationDateTime": "2025-01-29T09:21:55.523Z",
//!     "nextExpectedRanges": ["0-"]}"#).unwrap();
//! let data = vec![0u8; 700 * 1024];
//! let upload = LargeFileUpload::new(session, &data).unwrap()
//!     .chunk_size(ChunkSize::new(320 * 1024).unwrap());
//! assert_eq!(upload.session().upload_url, "https://contoso.sharepoint.com/up/abc?sig=1");
//! assert!(ChunkSize::new(100_000).is_err()); // not a multiple of 320 KiB
//! ```

use std::fmt;
use std::time::Duration;

use http::header::{CONTENT_LENGTH, CONTENT_RANGE};
use serde::de::{self, DeserializeOwned};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{Client, TokenProvider, Transport};
use crate::error::{retry_after, Error};
use crate::page::NoContent;
use crate::request::{parse_absolute_uri, parse_response, Request};
use crate::wire::{Fields, Object, WireModel};

/// An upload session, as `createUploadSession` returns it and as its status URL reports it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct UploadSession {
    /// The pre-authenticated, absolute URL the bytes go to.
    pub upload_url: String,
    /// When the session expires (`DateTimeOffset` text), if said.
    pub expiration_date_time: Option<String>,
    /// Ranges still missing, e.g. `["0-"]` or `["12345-55232", "77829-99375"]`.
    pub next_expected_ranges: Vec<String>,
    /// Every other member.
    pub additional: Map<String, Value>,
}

crate::wire_model_serde!(UploadSession);

impl WireModel for UploadSession {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(UploadSession {
            upload_url: o.take("uploadUrl").unwrap_or_default(),
            expiration_date_time: o.take("expirationDateTime"),
            next_expected_ranges: o.take("nextExpectedRanges").unwrap_or_default(),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        if !self.upload_url.is_empty() {
            w.req("uploadUrl", &self.upload_url);
        }
        w.opt("expirationDateTime", &self.expiration_date_time);
        w.req("nextExpectedRanges", &self.next_expected_ranges);
        w.additional(&self.additional);
    }
}

impl UploadSession {
    /// Sends a `createUploadSession` request (with the client's authentication) and reads
    /// the session from its response, whatever model the request is typed with.
    pub async fn create<R, T: Transport, P: TokenProvider>(client: &Client<T, P>, req: &Request<R>) -> Result<Self, Error> {
        let resp = client.send_http(req.to_http(client.base_url())?).await?;
        let session: UploadSession = parse_response(resp)?;
        if session.upload_url.is_empty() {
            return Err(protocol("the upload session has no `uploadUrl`"));
        }
        Ok(session)
    }

    /// The session from any value that serialises to one (e.g. the generated
    /// `UploadSession` model).
    pub fn from_model<M: Serialize>(model: &M) -> Result<Self, Error> {
        Ok(serde_json::from_value(serde_json::to_value(model)?)?)
    }

    /// The session's status (`GET uploadUrl`, without `Authorization`): the ranges still
    /// missing. The upload URL is kept.
    pub async fn status<T: Transport>(&self, transport: &T) -> Result<UploadSession, Error> {
        let resp = transport.send(self.bare(http::Method::GET, Vec::new())?.body(Vec::new())?).await?;
        let mut status: UploadSession = parse_response(resp)?;
        if status.upload_url.is_empty() {
            status.upload_url = self.upload_url.clone();
        }
        Ok(status)
    }

    /// Cancels the upload (`DELETE uploadUrl`, without `Authorization`): the service drops
    /// the bytes received so far.
    pub async fn cancel<T: Transport>(&self, transport: &T) -> Result<(), Error> {
        let resp = transport.send(self.bare(http::Method::DELETE, Vec::new())?.body(Vec::new())?).await?;
        parse_response::<NoContent>(resp).map(drop)
    }

    /// A request to the upload URL with the given headers and nothing else: the URL is
    /// pre-authenticated, and an `Authorization` header makes some services refuse it.
    fn bare(&self, method: http::Method, headers: Vec<(http::HeaderName, String)>) -> Result<http::request::Builder, Error> {
        let mut b = http::Request::builder().method(method).uri(parse_absolute_uri(&self.upload_url)?);
        for (k, v) in headers {
            b = b.header(k, v);
        }
        Ok(b)
    }

    /// The first missing range as `(start, inclusive end)`, if any.
    fn first_missing(&self, total: u64) -> Result<Option<(u64, Option<u64>)>, Error> {
        let Some(range) = self.next_expected_ranges.first() else { return Ok(None) };
        let bad = || protocol(&format!("unreadable `nextExpectedRanges` entry {range:?}"));
        let (start, end) = range.trim().split_once('-').ok_or_else(bad)?;
        let start: u64 = start.parse().map_err(|_| bad())?;
        let end = if end.is_empty() { None } else { Some(end.parse::<u64>().map_err(|_| bad())?) };
        if start >= total || end.is_some_and(|e| e < start) {
            return Err(bad());
        }
        Ok(Some((start, end)))
    }
}

fn protocol(message: &str) -> Error {
    Error::Json(<serde_json::Error as de::Error>::custom(message))
}

/// The size of each uploaded range: a multiple of 320 KiB, under 60 MiB (the service's rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkSize(usize);

impl ChunkSize {
    /// Ranges must be multiples of this (320 KiB).
    pub const UNIT: usize = 320 * 1024;
    /// Ranges must be smaller than this (60 MiB).
    pub const LIMIT: usize = 60 * 1024 * 1024;

    /// A chunk size of `bytes`, if it is a non-zero multiple of 320 KiB under 60 MiB.
    // `usize::is_multiple_of` is newer than the crate's MSRV (1.80).
    #[allow(clippy::manual_is_multiple_of)]
    pub fn new(bytes: usize) -> Result<Self, InvalidUpload> {
        if bytes == 0 || bytes % Self::UNIT != 0 || bytes >= Self::LIMIT {
            return Err(InvalidUpload::ChunkSize(bytes));
        }
        Ok(ChunkSize(bytes))
    }

    /// The size in bytes.
    pub fn bytes(self) -> usize {
        self.0
    }
}

impl Default for ChunkSize {
    /// 10 MiB (32 × 320 KiB).
    fn default() -> Self {
        ChunkSize(32 * Self::UNIT)
    }
}

/// An upload that cannot start: a bad chunk size, no bytes, or an upload URL that is not
/// an absolute URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidUpload {
    /// A chunk size that is zero, not a multiple of 320 KiB, or not under 60 MiB.
    ChunkSize(usize),
    /// No bytes: an upload session needs at least one (upload empty files with a plain `PUT`).
    Empty,
    /// The session's upload URL is not an absolute URL.
    UploadUrl(String),
}

impl fmt::Display for InvalidUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidUpload::ChunkSize(n) => write!(f, "chunk size {n} is not a non-zero multiple of 320 KiB under 60 MiB"),
            InvalidUpload::Empty => f.write_str("nothing to upload: an upload session needs at least one byte"),
            InvalidUpload::UploadUrl(u) => write!(f, "upload URL {u:?} is not an absolute URL"),
        }
    }
}

impl std::error::Error for InvalidUpload {}

/// How far an upload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes the service has acknowledged (the start of the next missing range).
    pub uploaded: u64,
    /// Size of the file.
    pub total: u64,
}

/// Uploads bytes into an [`UploadSession`]; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct LargeFileUpload<'a> {
    session: UploadSession,
    data: &'a [u8],
    chunk: ChunkSize,
    max_retries: u32,
}

impl<'a> LargeFileUpload<'a> {
    /// An upload of `data` (at least one byte) into `session`, in ranges of the default
    /// [`ChunkSize`], starting at the session's first missing range (so a session read back
    /// with [`UploadSession::status`] continues where it stopped; no ranges listed means
    /// from the start).
    pub fn new(session: UploadSession, data: &'a [u8]) -> Result<Self, InvalidUpload> {
        if data.is_empty() {
            return Err(InvalidUpload::Empty);
        }
        if parse_absolute_uri(&session.upload_url).is_err() {
            return Err(InvalidUpload::UploadUrl(session.upload_url));
        }
        let mut session = session;
        if session.next_expected_ranges.is_empty() {
            // A new session need not list its ranges: everything is missing.
            session.next_expected_ranges = vec!["0-".to_owned()];
        }
        Ok(LargeFileUpload { session, data, chunk: ChunkSize::default(), max_retries: 3 })
    }

    /// Sets the range size.
    pub fn chunk_size(mut self, chunk: ChunkSize) -> Self {
        self.chunk = chunk;
        self
    }

    /// How many failed ranges in a row are retried (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The session as last reported by the service.
    pub fn session(&self) -> &UploadSession {
        &self.session
    }

    /// Sends the missing ranges, one after another, through `transport` (without
    /// `Authorization`), and returns the created item (`200` or `201`) as `R`.
    ///
    /// A range that fails (transport error, `5xx`, `429`, `416`) is followed, after its
    /// `Retry-After` or 1 s, 2 s, 4 s, …, by a status request, and the upload goes on from
    /// the first range the service still expects. Other errors (`404`: the session is gone)
    /// end the upload. `progress` sees each acknowledged offset.
    pub async fn send<R: DeserializeOwned, T: Transport>(&mut self, transport: &T, mut progress: impl FnMut(Progress)) -> Result<R, Error> {
        let total = self.data.len() as u64;
        let mut failures = 0u32;
        let mut check_status = false;
        loop {
            if check_status {
                match self.session.status(transport).await {
                    Ok(status) => {
                        self.session = status;
                        check_status = false;
                    }
                    // The session is gone: nothing to resume.
                    Err(e) if e.status() == Some(http::StatusCode::NOT_FOUND) => return Err(e),
                    Err(e) => {
                        self.back_off(transport, &mut failures, e, None).await?;
                        continue;
                    }
                }
            }
            let Some((start, range_end)) = self.session.first_missing(total)? else {
                return Err(protocol("the upload session expects no more bytes but has not returned the item"));
            };
            let end = (start + self.chunk.bytes() as u64).min(total).min(range_end.map_or(total, |e| e + 1));
            let body = self.data[start as usize..end as usize].to_vec();
            let headers = vec![(CONTENT_RANGE, format!("bytes {start}-{}/{total}", end - 1)), (CONTENT_LENGTH, body.len().to_string())];
            let req = self.session.bare(http::Method::PUT, headers)?.body(body)?;
            let resp = match transport.send(req).await {
                Ok(resp) => resp,
                Err(e) => {
                    self.back_off(transport, &mut failures, e, None).await?;
                    check_status = true;
                    continue;
                }
            };
            let status = resp.status();
            if status == http::StatusCode::OK || status == http::StatusCode::CREATED {
                progress(Progress { uploaded: total, total });
                return parse_response(resp);
            }
            if status == http::StatusCode::ACCEPTED {
                // An empty 202 is read as "go on after this range".
                let next = parse_response::<Option<UploadSession>>(resp)?.unwrap_or_default();
                self.session.next_expected_ranges = next.next_expected_ranges;
                if next.expiration_date_time.is_some() {
                    self.session.expiration_date_time = next.expiration_date_time;
                }
                if self.session.next_expected_ranges.is_empty() {
                    self.session.next_expected_ranges = vec![format!("{end}-")];
                }
                let uploaded = self.session.first_missing(total)?.map_or(end, |(s, _)| s);
                progress(Progress { uploaded, total });
                failures = 0;
                continue;
            }
            let retryable = status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS || status == http::StatusCode::RANGE_NOT_SATISFIABLE;
            let delay = retry_after(resp.headers());
            let err = parse_response::<NoContent>(resp).err().unwrap_or_else(|| protocol("unexpected upload response"));
            if !retryable {
                return Err(err);
            }
            self.back_off(transport, &mut failures, err, delay).await?;
            check_status = true;
        }
    }

    /// Counts a failure: returns it once retries are used up, otherwise waits.
    async fn back_off<T: Transport>(&self, transport: &T, failures: &mut u32, err: Error, delay: Option<Duration>) -> Result<(), Error> {
        if *failures >= self.max_retries {
            return Err(err);
        }
        let delay = delay.unwrap_or_else(|| Duration::from_secs(1 << (*failures).min(5)));
        *failures += 1;
        transport.sleep(delay).await;
        Ok(())
    }
}
