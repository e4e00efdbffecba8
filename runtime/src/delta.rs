//! Delta queries: the changes since the last sync, as typed values, and the token to resume.
//!
//! Any delta function (`users().delta()`, `groups().delta()`, a drive root's `delta()`,
//! mail folders' `messages().delta()`, …) is a `Request<Page<T>>` in the generated crate;
//! [`Client::delta`] takes it as it is. The rounds of a delta query follow
//! `@odata.nextLink` (with every header of the first request, e.g. `Prefer:
//! odata.maxpagesize=…`) until a page carries `@odata.deltaLink`; that link, kept in a
//! [`DeltaToken`], starts the next sync ([`Client::delta_resume`]).
//!
//! Each item is a [`Change`]: an upserted item of type `T`, or a tombstone (`@removed`) with
//! its id and reason. Items are typed only after the tombstone check, so a tombstone (which
//! usually has nothing but an id) never has to fit `T`.
//!
//! ```
//! use graph_runtime::delta::{Change, DeltaToken};
//! let token = DeltaToken::new("https://graph.microsoft.com/v1.0",
//!     "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=abc");
//! let saved = serde_json::to_string(&token).unwrap();
//! assert_eq!(serde_json::from_str::<DeltaToken>(&saved).unwrap(), token);
//!
//! let change: Change<serde_json::Value> =
//!     serde_json::from_str(r#"{"id":"u1","@removed":{"reason":"deleted"}}"#).unwrap();
//! assert!(matches!(change, Change::Removed(r) if r.id == "u1"));
//! ```

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::client::{Client, Pager, TokenProvider, Transport};
use crate::enums::WireEnum;
use crate::error::Error;
use crate::page::Page;
use crate::request::Request;
use crate::wire::{self, Fields, Object, WireModel};

/// One entry of a delta response.
#[derive(Clone, Debug, PartialEq)]
pub enum Change<T> {
    /// An item created or changed since the last round (with the properties the service
    /// sent: for a change, often only the changed ones).
    Upsert(T),
    /// An item gone from the set (`{"id": …, "@removed": {"reason": …}}`).
    Removed(Removed),
}

impl<T> Change<T> {
    /// The upserted item, if this is one.
    pub fn upserted(&self) -> Option<&T> {
        match self {
            Change::Upsert(t) => Some(t),
            Change::Removed(_) => None,
        }
    }

    /// The tombstone, if this is one.
    pub fn removed(&self) -> Option<&Removed> {
        match self {
            Change::Removed(r) => Some(r),
            Change::Upsert(_) => None,
        }
    }
}

/// A tombstone of a delta response.
///
/// OneDrive reports deleted drive items differently: as items with a `deleted` facet, so
/// they are [`Change::Upsert`]s whose `deleted` property is set.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// The id of the removed item.
    pub id: String,
    /// Why it was removed.
    pub reason: RemovalReason,
    /// Every other member of the tombstone (`@odata.type`, …).
    pub additional: Map<String, Value>,
}

/// `@removed.reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemovalReason {
    /// `changed`: the item left the set (e.g. soft-deleted, or no longer in scope) and may
    /// come back.
    Changed,
    /// `deleted`: the item was deleted for good.
    Deleted,
    /// No reason was given.
    Unspecified,
    /// A reason this crate does not know, kept as sent.
    Unknown(String),
}

impl WireEnum for RemovalReason {
    fn from_wire(s: &str) -> Self {
        match s {
            "changed" => RemovalReason::Changed,
            "deleted" => RemovalReason::Deleted,
            "" => RemovalReason::Unspecified,
            other => RemovalReason::Unknown(other.to_owned()),
        }
    }
    fn as_wire(&self) -> &str {
        match self {
            RemovalReason::Changed => "changed",
            RemovalReason::Deleted => "deleted",
            RemovalReason::Unspecified => "",
            RemovalReason::Unknown(s) => s,
        }
    }
}

const REMOVED: &str = "@removed";

impl<'de, T: DeserializeOwned> Deserialize<'de> for Change<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(d)?;
        let Some(removed) = map.remove(REMOVED) else {
            return T::deserialize(Value::Object(map)).map(Change::Upsert).map_err(de::Error::custom);
        };
        let reason = match removed.get("reason") {
            Some(Value::String(s)) => RemovalReason::from_wire(s),
            None | Some(Value::Null) => RemovalReason::Unspecified,
            Some(other) => return Err(de::Error::custom(format!("`@removed.reason` is not a string: {other}"))),
        };
        let id = match map.remove("id") {
            Some(Value::String(id)) if !id.is_empty() => id,
            _ => return Err(de::Error::custom("a `@removed` entry without an `id`")),
        };
        Ok(Change::Removed(Removed { id, reason, additional: map }))
    }
}

impl<T: Serialize> Serialize for Change<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Change::Upsert(t) => t.serialize(s),
            Change::Removed(r) => {
                let mut marker = Map::new();
                if r.reason != RemovalReason::Unspecified {
                    marker.insert("reason".into(), Value::String(r.reason.as_wire().to_owned()));
                }
                let marker = Value::Object(marker);
                wire::serialize_fields(s, |w| {
                    w.req("id", &r.id);
                    w.req(REMOVED, &marker);
                    w.additional(&r.additional);
                })
            }
        }
    }
}

/// Where the next sync starts: the `@odata.deltaLink` of the last round, with the base URL
/// of the client that got it and the headers of the request that started the query (sent
/// again on resume: `Prefer` values change what a delta query returns).
///
/// Serialises as `{"deltaLink": …, "baseUrl": …, "headers": [[name, value], …]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaToken {
    delta_link: String,
    base_url: String,
    headers: Vec<(String, String)>,
}

impl DeltaToken {
    /// A token for `delta_link` (absolute) got through a client for `base_url`.
    pub fn new(base_url: impl Into<String>, delta_link: impl Into<String>) -> Self {
        DeltaToken { delta_link: delta_link.into(), base_url: base_url.into(), headers: Vec::new() }
    }

    /// The same token, also sending `name: value` on resume.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `@odata.deltaLink` URL.
    pub fn delta_link(&self) -> &str {
        &self.delta_link
    }

    /// The base URL of the client the token belongs to (e.g. `https://graph.microsoft.com/v1.0`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The headers sent again on resume, as `(name, value)`.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn header_map(&self) -> Result<http::HeaderMap, Error> {
        let mut map = http::HeaderMap::new();
        for (k, v) in &self.headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| Error::InvalidHeader(format!("header name {k:?}")))?;
            let value = HeaderValue::from_str(v).map_err(|_| Error::InvalidHeader(format!("{k}: {v:?}")))?;
            map.append(name, value);
        }
        Ok(map)
    }
}

crate::wire_model_serde!(DeltaToken);

impl WireModel for DeltaToken {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(DeltaToken {
            delta_link: o.take_required("deltaLink")?,
            base_url: o.take_required("baseUrl")?,
            headers: o.take("headers").unwrap_or_default(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("deltaLink", &self.delta_link);
        w.req("baseUrl", &self.base_url);
        w.req("headers", &self.headers);
    }
}

fn same_base(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

impl<T: Transport, P: TokenProvider> Client<T, P> {
    /// Runs a delta query from its start (`users().delta()`, …): the first round of a sync.
    pub fn delta<I: DeserializeOwned>(&self, req: Request<Page<I>>) -> Delta<'_, I, T, P> {
        let headers = token_headers(req.headers());
        Delta { base_url: self.base_url().to_owned(), headers, pages: self.pages(req.with_response()), token: None, buffered: Default::default() }
    }

    /// Resumes a delta query from the token of the last sync: only what changed since.
    /// The token must belong to a client for the same base URL, and its link must be on
    /// that host (the access token is never sent elsewhere).
    pub fn delta_resume<I: DeserializeOwned>(&self, token: &DeltaToken) -> Result<Delta<'_, I, T, P>, Error> {
        if !same_base(token.base_url(), self.base_url()) {
            return Err(Error::Url(format!("delta token of {} resumed on a client for {}", token.base_url(), self.base_url())));
        }
        let pages = self.pages_from_link(token.delta_link(), token.header_map()?);
        Ok(Delta { base_url: self.base_url().to_owned(), headers: token.headers.clone(), pages, token: None, buffered: Default::default() })
    }
}

/// The headers a token keeps: those of the request, less the ones about its body.
fn token_headers(h: &http::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .filter(|(k, _)| *k != CONTENT_TYPE && *k != CONTENT_LENGTH && *k != http::header::AUTHORIZATION)
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect()
}

/// One sync of a delta query: its pages of [`Change`]s, then its [`DeltaToken`].
///
/// A page without `@odata.nextLink` must carry a non-empty `@odata.deltaLink`; otherwise
/// the sync fails (a sync that cannot be resumed is not done).
pub struct Delta<'c, I, T, P> {
    base_url: String,
    headers: Vec<(String, String)>,
    pages: Pager<'c, Change<I>, T, P>,
    token: Option<DeltaToken>,
    buffered: std::collections::VecDeque<Change<I>>,
}

impl<I: DeserializeOwned, T: Transport, P: TokenProvider> Delta<'_, I, T, P> {
    /// The changes of the next page, or `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<Vec<Change<I>>, Error>> {
        if self.token.is_some() {
            return None;
        }
        let page = match self.pages.next_page().await? {
            Ok(page) => page,
            Err(e) => return Some(Err(e)),
        };
        match (&page.next_link, page.delta_link) {
            (Some(_), _) => {}
            (None, Some(link)) if !link.trim().is_empty() => {
                self.token = Some(DeltaToken { delta_link: link, base_url: self.base_url.clone(), headers: self.headers.clone() });
            }
            (None, _) => {
                let e = <serde_json::Error as de::Error>::custom("the last page of a delta round has no `@odata.deltaLink`");
                return Some(Err(Error::Json(e)));
            }
        }
        Some(Ok(page.value))
    }

    /// The next change, reading pages as needed; `None` after the last one (then
    /// [`token`](Self::token) is set) or after an error.
    pub async fn next_change(&mut self) -> Option<Result<Change<I>, Error>> {
        loop {
            if let Some(change) = self.buffered.pop_front() {
                return Some(Ok(change));
            }
            match self.next_page().await? {
                Ok(page) => self.buffered.extend(page),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// The token to resume from, once the last page has been read.
    pub fn token(&self) -> Option<&DeltaToken> {
        self.token.as_ref()
    }

    /// Reads every remaining page: all the changes, in order, and the token of the next sync.
    pub async fn collect_all(mut self) -> Result<(Vec<Change<I>>, DeltaToken), Error> {
        let mut changes = Vec::new();
        while let Some(page) = self.next_page().await {
            changes.extend(page?);
        }
        match self.token {
            Some(token) => Ok((changes, token)),
            // `next_page` ends without a token only after an error, which was returned.
            None => Err(Error::Json(<serde_json::Error as de::Error>::custom("delta round ended without a token"))),
        }
    }
}

/// An item of [`Delta::into_stream`]: a change, and last the token of the next sync.
#[derive(Clone, Debug, PartialEq)]
pub enum DeltaEvent<T> {
    /// One change.
    Change(Change<T>),
    /// The end of the round: where the next sync starts.
    Token(DeltaToken),
}

#[cfg(feature = "futures")]
impl<'c, I: DeserializeOwned + 'c, T: Transport, P: TokenProvider> Delta<'c, I, T, P> {
    /// The sync as a [`futures::Stream`] (feature `futures`): every change, then the
    /// [`DeltaToken`]. An error ends the stream after it is yielded.
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<DeltaEvent<I>, Error>> + 'c {
        futures::stream::unfold(Some(self), |delta| async move {
            let mut delta = delta?;
            match delta.next_change().await {
                Some(Ok(change)) => Some((Ok(DeltaEvent::Change(change)), Some(delta))),
                Some(Err(e)) => Some((Err(e), None)),
                None => delta.token.take().map(|t| (Ok(DeltaEvent::Token(t)), None)),
            }
        })
    }
}
