//! Requests as values: method, path, query options, headers and body, typed by their response.

use std::fmt;
use std::marker::PhantomData;

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, GraphError};
use crate::filter::typed::OrderKey;
use crate::filter::Filter;
use crate::page::{NoContent, Page};
use crate::path::RequestPath;
use crate::permissions::{AuthScheme, Operation, Permissions};
use crate::query::{orderby_item, Expand, QueryOptions, Resource, Searchable};

/// A Graph request whose successful response deserialises to `R`.
///
/// Built by generated code, refined with query options and headers, then either turned
/// into an [`http::Request`] with [`to_http`](Request::to_http) (no I/O) or sent with
/// [`Client::send`](crate::client::Client::send).
pub struct Request<R> {
    method: http::Method,
    path: RequestPath,
    query: QueryOptions,
    headers: http::HeaderMap,
    body: Option<Vec<u8>>,
    operation: Option<&'static Operation>,
    /// A header error from an infallible builder method, reported by `to_http`.
    deferred_error: Option<String>,
    advanced: Advanced,
    _r: PhantomData<fn() -> R>,
}

/// Graph's advanced queries on directory objects: whether they apply to a request, whether the
/// request completes them by itself, and what it added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Advanced {
    /// The request reads directory objects (`directoryObject` or a type derived from it).
    directory: bool,
    /// The caller took over (`manual_consistency`).
    manual: bool,
    /// `ConsistencyLevel: eventual` was added automatically.
    added_header: bool,
    /// `$count=true` was added automatically.
    added_count: bool,
}

/// What an advanced query on directory objects needs, and why: see
/// [`Request::advanced_query`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdvancedQuery {
    /// `ConsistencyLevel: eventual` is needed.
    pub consistency_eventual: bool,
    /// `$count=true` is needed as well (`ne`, `not`, `endsWith` in `$filter`, or `$orderby`
    /// with `$filter`).
    pub count: bool,
}

const CONSISTENCY_LEVEL: &str = "consistencylevel";

impl<R> Clone for Request<R> {
    fn clone(&self) -> Self {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            operation: self.operation,
            deferred_error: self.deferred_error.clone(),
            advanced: self.advanced,
            _r: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Request<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.relative_url())
            .field("headers", &self.headers)
            .field("body", &self.body.as_deref().map(String::from_utf8_lossy))
            .field("operation", &self.operation.map(|o| o.id))
            .finish()
    }
}

impl<R> PartialEq for Request<R> {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.path == other.path
            && self.query == other.query
            && self.headers == other.headers
            && self.body == other.body
            && self.operation.map(|o| o.id) == other.operation.map(|o| o.id)
            && self.deferred_error == other.deferred_error
            && self.advanced == other.advanced
    }
}

impl<R> Request<R> {
    /// A request without query options, headers or body.
    pub fn new(method: http::Method, path: RequestPath, operation: Option<&'static Operation>) -> Self {
        Request {
            method,
            path,
            query: QueryOptions::default(),
            headers: http::HeaderMap::new(),
            body: None,
            operation,
            deferred_error: None,
            advanced: Advanced::default(),
            _r: PhantomData,
        }
    }

    /// Marks a request on directory objects (`directoryObject` or a type derived from it:
    /// users, groups, devices, applications, …), where Graph serves `$count`, `$search`,
    /// `ne` / `not` / `endsWith` in `$filter` and `$orderby` together with `$filter` only as
    /// *advanced queries*: with `ConsistencyLevel: eventual`, and for the filters and the
    /// `$orderby` + `$filter` combination also `$count=true` (otherwise 400 Bad Request).
    ///
    /// From then on the request adds what such a query needs as soon as it becomes one:
    /// the header, and `$count=true` unless `$count` was set. Both show in
    /// [`headers`](Self::headers) and [`query`](Self::query) before anything is sent;
    /// [`manual_consistency`](Self::manual_consistency) takes them back. Generated builders
    /// call this for every operation on directory objects.
    pub fn directory_objects(mut self) -> Self {
        self.advanced.directory = true;
        self.refresh_advanced();
        self
    }

    /// What this request needs as an advanced query on directory objects right now
    /// (`None` when it is not on directory objects or needs nothing).
    pub fn advanced_query(&self) -> Option<AdvancedQuery> {
        if !self.advanced.directory {
            return None;
        }
        let q = &self.query;
        let filter_needs = q.filter.as_deref().is_some_and(crate::filter::uses_advanced_operators);
        let order_needs = q.filter.is_some() && !q.orderby.is_empty();
        let count = filter_needs || order_needs;
        let consistency = count || q.count == Some(true) || q.search.is_some();
        (consistency || count).then_some(AdvancedQuery { consistency_eventual: consistency, count })
    }

    /// What the request added by itself to complete an advanced query (the header, `$count=true`).
    pub fn added_for_advanced_query(&self) -> AdvancedQuery {
        AdvancedQuery { consistency_eventual: self.advanced.added_header, count: self.advanced.added_count }
    }

    /// Turns off the automatic completion of advanced queries and removes the
    /// `ConsistencyLevel` header and `$count=true` it added (those set by the caller stay).
    pub fn manual_consistency(mut self) -> Self {
        self.advanced.manual = true;
        if std::mem::take(&mut self.advanced.added_header) {
            self.headers.remove(CONSISTENCY_LEVEL);
        }
        if std::mem::take(&mut self.advanced.added_count) {
            self.query.count = None;
        }
        self
    }

    /// Adds what an advanced query needs, unless the caller took over.
    fn refresh_advanced(&mut self) {
        if self.advanced.manual {
            return;
        }
        let Some(need) = self.advanced_query() else { return };
        if need.consistency_eventual && !self.headers.contains_key(CONSISTENCY_LEVEL) {
            self.headers.insert(HeaderName::from_static(CONSISTENCY_LEVEL), HeaderValue::from_static("eventual"));
            self.advanced.added_header = true;
        }
        if need.count && self.query.count.is_none() {
            self.query.count = Some(true);
            self.advanced.added_count = true;
        }
    }

    /// Sets a JSON body and `Content-Type: application/json`.
    ///
    /// Serialising Graph models cannot fail in practice; should it fail (e.g. a map with
    /// non-string keys), the error is reported by [`to_http`](Self::to_http).
    pub fn with_json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(bytes);
                self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(e) => self.deferred_error = Some(format!("request body: {e}")),
        }
        self
    }

    /// Sets a `$ref` body: `{"@odata.id": odata_id}`, the absolute URL of the entity referred
    /// to (`https://graph.microsoft.com/v1.0/directoryObjects/{id}`).
    pub fn with_reference(self, odata_id: &str) -> Self {
        self.with_json_body(&crate::Reference { odata_id: odata_id.to_string() })
    }

    /// Sets a raw body with the given content type.
    pub fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self.set_header(CONTENT_TYPE, content_type, false);
        self
    }

    /// The method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path.
    pub fn path(&self) -> &RequestPath {
        &self.path
    }

    /// The query options.
    pub fn query(&self) -> &QueryOptions {
        &self.query
    }

    /// The query options, mutably.
    pub fn query_mut(&mut self) -> &mut QueryOptions {
        &mut self.query
    }

    /// The headers set so far (the `Authorization` header is added by the client).
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// Sets (replaces) a header. Fails when the value is not a valid header value
    /// (CR, LF, NUL or other control characters, non-ASCII).
    pub fn header(mut self, name: HeaderName, value: &str) -> Result<Self, Error> {
        let v = HeaderValue::from_str(value).map_err(|_| Error::InvalidHeader(format!("{name}: {value:?}")))?;
        self.headers.insert(name, v);
        Ok(self)
    }

    /// Sets (replaces) a header given by name (e.g. a documented custom header).
    pub fn header_str(self, name: &str, value: &str) -> Result<Self, Error> {
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidHeader(format!("header name {name:?}")))?;
        self.header(n, value)
    }

    /// Infallible header setter: an invalid value is remembered and reported by `to_http`.
    fn set_header(&mut self, name: HeaderName, value: &str, append: bool) {
        match HeaderValue::from_str(value) {
            Ok(v) if append => {
                self.headers.append(name, v);
            }
            Ok(v) => {
                self.headers.insert(name, v);
            }
            Err(_) => {
                if self.deferred_error.is_none() {
                    self.deferred_error = Some(format!("{name}: {value:?}"));
                }
            }
        }
    }

    /// The documented operation this request performs.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.operation
    }

    /// Permissions documented for this request's path template.
    pub fn permissions(&self) -> Option<&'static Permissions> {
        self.operation?.permissions_for(self.path.template())
    }

    /// Least-privileged permissions of this request under `scheme` (empty when unknown or
    /// unsupported; see [`supports`](Self::supports)).
    pub fn least(&self, scheme: AuthScheme) -> &'static [&'static str] {
        self.permissions().map(|p| p.least(scheme)).unwrap_or(&[])
    }

    /// Every permission that allows this request under `scheme`, least privileged first.
    pub fn all(&self, scheme: AuthScheme) -> Vec<&'static str> {
        self.permissions().map(|p| p.all(scheme).collect()).unwrap_or_default()
    }

    /// Whether this request can be made under `scheme`; `None` when its permissions are unknown.
    pub fn supports(&self, scheme: AuthScheme) -> Option<bool> {
        self.permissions().map(|p| p.supports(scheme))
    }

    /// The path plus `?query` when there are query options.
    pub fn relative_url(&self) -> String {
        let q = self.query.to_query_string();
        if q.is_empty() {
            self.path.as_str().to_owned()
        } else {
            format!("{}?{}", self.path.as_str(), q)
        }
    }

    /// The absolute URL against `base_url` (e.g. `https://graph.microsoft.com/beta`;
    /// a trailing `/` is tolerated).
    pub fn url(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.relative_url())
    }

    /// The request as an [`http::Request`], without any I/O.
    pub fn to_http(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(e) = &self.deferred_error {
            return Err(Error::InvalidHeader(e.clone()));
        }
        let uri = parse_absolute_uri(&self.url(base_url))?;
        let mut builder = http::Request::builder().method(self.method.clone()).uri(uri);
        if let Some(h) = builder.headers_mut() {
            h.extend(self.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Ok(builder.body(self.body.clone().unwrap_or_default())?)
    }

    /// `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.query.top = Some(n);
        self
    }

    /// `$skip`.
    pub fn skip(mut self, n: u32) -> Self {
        self.query.skip = Some(n);
        self
    }

    /// `$apply`.
    pub fn apply(mut self, s: &str) -> Self {
        self.query.apply = Some(s.to_owned());
        self
    }

    /// `$filter`. Typed conditions come from the generated field enums
    /// (`UserField::DISPLAY_NAME.starts_with("A")`); [`Filter::raw`] is the escape hatch. On
    /// directory objects `ne`, `not` and `endsWith` make an advanced query (see
    /// [`directory_objects`](Self::directory_objects)).
    pub fn filter(mut self, f: impl Into<Filter>) -> Self {
        self.query.filter = Some(f.into().to_string());
        self.refresh_advanced();
        self
    }

    /// `$select` by wire names.
    pub fn select_raw<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.query.select.extend(fields.into_iter().map(Into::into));
        self
    }

    /// `$expand` item as text (`members($select=id)`), beside the typed ones in the same
    /// `$expand`: for a navigation the typed constructors do not cover (a derived type's, an
    /// opaque type's).
    pub fn expand_raw(mut self, item: &str) -> Self {
        self.query.expand.push(crate::query::ExpandItem::from_text(item));
        self
    }

    /// `$orderby` by wire name (call again for further keys).
    pub fn orderby_raw(mut self, name: &str, desc: bool) -> Self {
        self.query.orderby.push(orderby_item(name, desc));
        self.refresh_advanced();
        self
    }

    /// A custom query parameter (e.g. a function parameter or `$skiptoken`).
    pub fn param(mut self, k: &str, v: &str) -> Self {
        self.query.extra.push((k.to_owned(), v.to_owned()));
        self
    }

    /// `ConsistencyLevel: eventual` (needed for advanced queries on directory objects).
    pub fn consistency_level_eventual(mut self) -> Self {
        self.headers.insert(HeaderName::from_static(CONSISTENCY_LEVEL), HeaderValue::from_static("eventual"));
        self.advanced.added_header = false;
        self
    }

    /// Adds a `Prefer` header value (several may be added).
    pub fn prefer(mut self, v: &str) -> Self {
        self.set_header(HeaderName::from_static("prefer"), v, true);
        self
    }

    /// `If-Match: etag`.
    pub fn if_match(mut self, etag: &str) -> Self {
        self.set_header(http::header::IF_MATCH, etag, false);
        self
    }

    /// The same request, its response read as `U` (e.g. a delta query's `Page<T>` as
    /// `Page<Change<T>>`).
    pub fn with_response<U>(self) -> Request<U> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            operation: self.operation,
            deferred_error: self.deferred_error,
            advanced: self.advanced,
            _r: PhantomData,
        }
    }

    /// `If-Match` with the entity tag of `model` (its `@odata.etag`, see
    /// [`ETagged`](crate::ETagged)): an update of what was read, failing with `412` if it
    /// changed since. A model without one (e.g. read with a `$select` that left it out) is
    /// reported by [`to_http`](Self::to_http) rather than sent without the precondition.
    pub fn if_match_from(mut self, model: &impl crate::response::ETagged) -> Self {
        match model.etag() {
            Some(etag) => self.set_header(http::header::IF_MATCH, &etag, false),
            None => {
                if self.deferred_error.is_none() {
                    self.deferred_error = Some("If-Match: the model has no @odata.etag".into());
                }
            }
        }
        self
    }
}

impl<R: Shape> Request<R>
where
    R::Target: Resource,
{
    /// `$select` of typed fields of the response's resource type.
    pub fn select(mut self, fields: impl IntoIterator<Item = <R::Target as Resource>::Field>) -> Self {
        self.query.select.extend(fields.into_iter().map(|f| crate::query::Field::wire_name(f).to_owned()));
        self
    }

    /// `$expand` of a navigation property of the response's resource type.
    pub fn expand<U: Resource>(mut self, e: Expand<R::Target, U>) -> Self {
        self.query.expand.push(e.into_item());
        self
    }

    /// `$orderby` of a sortable property of the response's resource type (call again for
    /// further keys): `.orderby(UserField::DISPLAY_NAME, false)`. A property the schema marks
    /// unsortable does not compile here; [`orderby_raw`](Self::orderby_raw) is the escape hatch.
    pub fn orderby(mut self, key: impl OrderKey<R::Target>, desc: bool) -> Self {
        self.query.orderby.push(orderby_item(key.order_path(), desc));
        self.refresh_advanced();
        self
    }
}

impl<T> Request<Page<T>> {
    /// `$count`. On directory objects `$count=true` is an advanced query (see
    /// [`directory_objects`](Self::directory_objects)).
    pub fn count(mut self, b: bool) -> Self {
        self.query.count = Some(b);
        self.advanced.added_count = false;
        self.refresh_advanced();
        self
    }
}

impl<R: Shape> Request<R>
where
    R::Target: Searchable,
{
    /// `$search`, verbatim (Graph usually expects double quotes: `"\"displayName:ab\""`).
    /// On directory objects an advanced query (see [`directory_objects`](Self::directory_objects)).
    pub fn search(mut self, s: &str) -> Self {
        self.query.search = Some(s.to_owned());
        self.refresh_advanced();
        self
    }

    /// `$search="property:value"` (or `"value"` without a property): one search phrase whose
    /// value is escaped (`\` and `"` are backslash-escaped), so it can never end the phrase
    /// or add search operators. Use [`Request::search`] for a hand-written expression.
    pub fn search_phrase(self, property: Option<&str>, value: &str) -> Self {
        let phrase = crate::filter::search_phrase(property, value);
        self.search(&phrase)
    }
}

impl<R: DeserializeOwned> Request<R> {
    /// Interprets a response to this request; see [`parse_response`].
    pub fn parse_response(&self, resp: http::Response<Vec<u8>>) -> Result<R, Error> {
        parse_response(resp)
    }
}

/// Interprets a response: a 2xx status deserialises the body as JSON (an empty body is read
/// as `null`, so [`NoContent`], `()` and `Option<T>` work); any other status becomes
/// [`Error::Graph`], with the OData error when the body is one.
pub fn parse_response<R: DeserializeOwned>(resp: http::Response<Vec<u8>>) -> Result<R, Error> {
    let (parts, body) = resp.into_parts();
    if parts.status.is_success() {
        // Raw content (`$value`, `$count` as `text/plain`) is handed over as bytes: only
        // [`Bytes`](crate::Bytes), [`Count`](crate::Count) and [`NoContent`] accept it.
        let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.is_empty() && !content_type.to_ascii_lowercase().contains("json") {
            let d = serde::de::value::BytesDeserializer::<serde_json::Error>::new(&body);
            return Ok(R::deserialize(d)?);
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(serde_json::from_value(serde_json::Value::Null)?)
        } else {
            Ok(serde_json::from_slice(&body)?)
        }
    } else {
        let odata = serde_json::from_slice(&body).ok();
        Err(Error::Graph(GraphError { status: parts.status, headers: parts.headers, odata, raw_body: body }))
    }
}

pub(crate) fn parse_absolute_uri(url: &str) -> Result<http::Uri, Error> {
    let uri: http::Uri = url.parse().map_err(|e| Error::Url(format!("{url}: {e}")))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::Url(format!("{url}: not an absolute URL")));
    }
    Ok(uri)
}

/// Relates a response type to the resource type its query options are typed by:
/// a single entity `X` has target `X`, a [`Page<X>`] has target `X`.
///
/// Every [`Resource`](crate::Resource) is its own target (one blanket impl: no code per model).
pub trait Shape {
    /// The resource type whose fields `$select`, `$expand` and `$orderby` use.
    type Target;
}

impl<T> Shape for Page<T> {
    type Target = T;
}

impl Shape for NoContent {
    type Target = NoContent;
}

impl<T: crate::Resource> Shape for T {
    type Target = T;
}
