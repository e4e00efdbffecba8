//! Runtime support for the generated Microsoft Graph crate.
//!
//! Generated code describes Graph; this crate does the rest:
//!
//! * [`Request`] — a request as a value: method, [`RequestPath`] (keys percent-encoded),
//!   typed [`QueryOptions`], headers, body and the documented [`Operation`]
//!   (permissions and headers as data). [`Request::to_http`] turns it into an
//!   [`http::Request`] without any I/O; [`Request::parse_response`] reads the answer.
//! * [`filter`] — `$filter` expressions with correctly escaped literals; [`filter::typed`]:
//!   the per-property handles generated field enums carry (`UserField::DISPLAY_NAME
//!   .starts_with("A")`), typed by literal, allowed operators and sortability.
//! * Advanced queries on directory objects complete themselves
//!   ([`Request::directory_objects`]): `ConsistencyLevel: eventual` and `$count=true`.
//! * [`Page`], [`NoContent`] — collection pages and empty responses; [`Count`] (`$count`),
//!   [`Bytes`] (`$value`, stream properties), [`Reference`] (`$ref` bodies).
//! * [`WireEnum`], [`Flags`], [`wire_enum_serde!`] — forward-compatible enums and flags.
//! * [`wire`], [`wire_model_serde!`] — the serde, `Debug` and `==` of models, without derives.
//! * [`Error`], [`GraphError`], [`ODataError`] — failures, including Graph's error payload.
//! * [`client`] — a runtime-agnostic client: pluggable transport and token provider,
//!   throttling retries, `@odata.nextLink` paging; `ReqwestTransport` with the `reqwest`
//!   feature; [`Client::check_token_scopes`](client::Client::check_token_scopes) fails a call
//!   the token's scopes do not allow before it is sent.
//! * [`permissions`] — least-privileged permissions per scheme, the scope [`plan`] of a list
//!   of calls, and [`lookup`] of a URL's operation in a generated crate's index.
//! * [`delta`] — delta queries as [`Change`](delta::Change)s and a resumable
//!   [`DeltaToken`](delta::DeltaToken).
//! * [`upload`] — large files in ranges through an upload session, never sending
//!   `Authorization` to its pre-authenticated URL.
//! * [`notifications`] — change notification payloads, the webhook handshake and (feature
//!   `notifications-crypto`) decryption of rich notifications.
//! * [`Response`], [`ETagged`] — status and headers of any call
//!   ([`Client::send_with_headers`](client::Client::send_with_headers)); `If-Match` from a
//!   model's `@odata.etag` ([`Request::if_match_from`]).
//! * `batch` (feature `batch`) — JSON `$batch` with typed steps, `dependsOn`, chunks of 20
//!   and inner throttling retries.
//! * [`cloud`], [`auth`] — national clouds; client-credentials and (feature
//!   `azure-identity`) `azure_identity` token providers.
//! * Features `futures` (the pager as a `Stream`), `tracing` (a span per request), `uuid`,
//!   `time`, `chrono` (conversions of the [`edm`] types).
//!
//! ```
//! use graph_runtime::{filter, Expand, Field, Request, RequestPath, Resource};
//! use serde::{Deserialize, Serialize};
//!
//! // What generated code provides for a model:
//! #[derive(Serialize, Deserialize)]
//! struct Allotment { id: Option<String> }
//! #[derive(Clone, Copy)]
//! enum AllotmentField { Id, SkuId }
//! impl Field for AllotmentField {
//!     fn wire_name(self) -> &'static str {
//!         match self { AllotmentField::Id => "id", AllotmentField::SkuId => "skuId" }
//!     }
//! }
//! impl Resource for Allotment {
//!     const ODATA_TYPE: &'static str = "microsoft.graph.cloudLicensing.allotment";
//!     type Field = AllotmentField;
//! }
//!
//! // What an SDK user writes:
//! let path = RequestPath::root().segment("admin").segment("cloudLicensing")
//!     .segment("allotments").key("allotment-id", "a/b");
//! let get: Request<Allotment> = Request::new(http::Method::GET, path, None)
//!     .select([AllotmentField::Id, AllotmentField::SkuId])
//!     .expand(Expand::<Allotment, Allotment>::new("self").select_raw(["id"]))
//!     .filter(filter::on(AllotmentField::SkuId).eq(filter::guid("0000-11")));
//! let http = get.to_http("https://graph.microsoft.com/beta/").unwrap();
//! assert_eq!(http.uri(), "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a%2Fb\
//!     ?$select=id,skuId&$expand=self($select=id)&$filter=skuId%20eq%200000-11");
//! ```
#![deny(missing_docs)]
// `Error::Graph` carries the whole response (status, headers, body) by design.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod client;
mod content;
pub mod delta;
pub mod upload;
pub mod edm;
pub mod wire;
mod enums;
mod error;
pub mod filter;
pub mod notifications;
pub mod testing;
mod page;
mod path;
pub mod permissions;
mod query;
mod request;
mod response;
mod trace;
#[cfg(feature = "batch")]
pub mod batch;
pub mod cloud;
pub mod auth;
#[cfg(feature = "futures")]
mod stream;
mod edm_conv;

pub use content::*;
pub use enums::*;
pub use error::*;
pub use page::*;
pub use path::*;
pub use permissions::*;
pub use query::*;
pub use request::*;
pub use response::*;

pub use http;
pub use serde;
pub use serde_json;
