//! Responses with their status and headers, and ETags read from models for `If-Match`.
//!
//! [`Client::send`] gives the parsed value only; [`Client::send_with_headers`] gives a
//! [`Response`] with the status and every response header too (`ETag`, `request-id`,
//! `Location`, `Preference-Applied`, …).
//!
//! Graph puts an entity's version in `@odata.etag` (Planner answers `412`/`428` without a
//! matching `If-Match`). Generated models keep it in their additional data, so [`ETagged`]
//! reads it from any model and [`Request::if_match_from`] sends it: an update built from a
//! read model needs no string copied by hand.
//!
//! ```
//! use graph_runtime::{ETagged, Request, RequestPath};
//! use serde_json::json;
//!
//! // Any generated model; here a JSON value stands in for one.
//! let task: serde_json::Value = json!({"id": "t1", "@odata.etag": "W/\"JzEtVGFzayAgQEBA\""});
//! assert_eq!(task.etag().as_deref(), Some("W/\"JzEtVGFzayAgQEBA\""));
//! let patch: Request<()> = Request::new(http::Method::PATCH, RequestPath::root().segment("planner").segment("tasks").key("id", "t1"), None)
//!     .with_json_body(&json!({"percentComplete": 50}))
//!     .if_match_from(&task);
//! assert_eq!(patch.headers()["if-match"], "W/\"JzEtVGFzayAgQEBA\"");
//! ```

use http::header::{HeaderMap, ETAG};
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::client::{Client, TokenProvider, Transport};
use crate::error::Error;
use crate::request::{parse_response, Request};
use crate::wire::{self, WireModel};

/// A successful response: status, headers and the parsed body.
#[derive(Clone, Debug, PartialEq)]
pub struct Response<T> {
    /// The status code (2xx).
    pub status: StatusCode,
    /// Every response header.
    pub headers: HeaderMap,
    /// The body, parsed.
    pub value: T,
}

impl<T> Response<T> {
    /// The value of header `name` when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Graph's `request-id` header (quote it in support cases).
    pub fn request_id(&self) -> Option<&str> {
        self.header("request-id")
    }

    /// The parsed body.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same response with its value converted.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, value: f(self.value) }
    }
}

/// Like [`parse_response`], keeping the status and headers of a successful response.
pub fn parse_response_with_headers<R: DeserializeOwned>(resp: http::Response<Vec<u8>>) -> Result<Response<R>, Error> {
    let (status, headers) = (resp.status(), resp.headers().clone());
    let value = parse_response(resp)?;
    Ok(Response { status, headers, value })
}

impl<T: Transport, P: TokenProvider> Client<T, P> {
    /// Sends `req` (with retries, like [`send`](Client::send)) and returns the parsed value
    /// with the response's status and headers. A non-2xx answer is [`Error::Graph`], which
    /// carries its headers too.
    pub async fn send_with_headers<R: DeserializeOwned>(&self, req: &Request<R>) -> Result<Response<R>, Error> {
        let resp = self.execute_request(req).await?;
        parse_response_with_headers(resp)
    }
}

/// A value that may carry an entity tag: its `@odata.etag`.
///
/// Implemented for every [`WireModel`] (all generated models, which keep `@odata.etag` in
/// their additional data, or in a property where the schema names one), for
/// `serde_json::Value`, and for a [`Response`] (its `ETag` header, else its value's).
pub trait ETagged {
    /// The entity tag, e.g. `W/"JzEtVGFzayAgQEBA"`.
    fn etag(&self) -> Option<String>;
}

/// The annotation Graph writes an entity's version to.
pub const ODATA_ETAG: &str = "@odata.etag";

impl<M: WireModel> ETagged for M {
    fn etag(&self) -> Option<String> {
        match wire::property(self, ODATA_ETAG)? {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl ETagged for serde_json::Value {
    fn etag(&self) -> Option<String> {
        self.get(ODATA_ETAG)?.as_str().map(str::to_owned)
    }
}

impl<T: ETagged> ETagged for Response<T> {
    fn etag(&self) -> Option<String> {
        self.headers.get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned).or_else(|| self.value.etag())
    }
}

