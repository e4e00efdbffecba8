//! Errors: Graph's OData error payload and the crate's error type.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::wire::{Fields, Object, WireModel};

/// The OData error payload Graph returns with non-2xx responses: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ODataError {
    /// The error.
    pub error: ODataErrorBody,
}

/// The body of an [`ODataError`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ODataErrorBody {
    /// Error code, e.g. `Request_ResourceNotFound`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The target of the error.
    pub target: Option<String>,
    /// Further details.
    pub details: Vec<ErrorDetail>,
    /// Graph's diagnostic information.
    pub inner_error: Option<InnerError>,
    /// Any other member.
    pub additional: serde_json::Map<String, serde_json::Value>,
}

/// One entry of [`ODataErrorBody::details`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorDetail {
    /// Error code.
    pub code: String,
    /// Message.
    pub message: String,
    /// Target.
    pub target: Option<String>,
    /// Any other member.
    pub additional: serde_json::Map<String, serde_json::Value>,
}

/// Graph's `innerError`: request ids and the time, useful for support cases.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InnerError {
    /// `request-id`.
    pub request_id: Option<String>,
    /// `client-request-id`.
    pub client_request_id: Option<String>,
    /// `date`.
    pub date: Option<String>,
    /// Any other member (nested `innerError`, `code`, …).
    pub additional: serde_json::Map<String, serde_json::Value>,
}

// Serde impls over `wire` (see `page.rs`): no derive macros needed to build the crate.
crate::wire_model_serde!(ODataError, ODataErrorBody, ErrorDetail, InnerError);

impl WireModel for ODataError {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(ODataError { error: o.take_required("error")? })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("error", &self.error);
    }
}

impl WireModel for ODataErrorBody {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(ODataErrorBody {
            code: o.take("code").unwrap_or_default(),
            message: o.take("message").unwrap_or_default(),
            target: o.take("target"),
            details: o.take("details").unwrap_or_default(),
            inner_error: o.take("innerError"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("code", &self.code);
        w.req("message", &self.message);
        w.opt("target", &self.target);
        if !self.details.is_empty() {
            w.req("details", &self.details);
        }
        w.opt("innerError", &self.inner_error);
        w.additional(&self.additional);
    }
}

impl WireModel for ErrorDetail {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(ErrorDetail {
            code: o.take("code").unwrap_or_default(),
            message: o.take("message").unwrap_or_default(),
            target: o.take("target"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("code", &self.code);
        w.req("message", &self.message);
        w.opt("target", &self.target);
        w.additional(&self.additional);
    }
}

impl WireModel for InnerError {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(InnerError {
            request_id: o.take("request-id"),
            client_request_id: o.take("client-request-id"),
            date: o.take("date"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.opt("request-id", &self.request_id);
        w.opt("client-request-id", &self.client_request_id);
        w.opt("date", &self.date);
        w.additional(&self.additional);
    }
}

/// A non-2xx response from Graph.
#[derive(Clone, Debug)]
pub struct GraphError {
    /// The status code.
    pub status: http::StatusCode,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The OData error, when the body was one.
    pub odata: Option<ODataError>,
    /// The body as received.
    pub raw_body: Vec<u8>,
}

impl GraphError {
    /// The `Retry-After` delay: the header's number of seconds, or the time left until its
    /// HTTP date (zero when that date has passed); see [`parse_retry_after`].
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }

    /// The OData error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.odata.as_ref().map(|o| o.error.code.as_str())
    }
}

pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let v = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(v, SystemTime::now())
}

/// Interprets a `Retry-After` value at time `now`: either delay-seconds (`"120"`) or an
/// HTTP date in the IMF-fixdate form (`"Wed, 21 Oct 2015 07:28:00 GMT"`, RFC 9110 §5.6.7),
/// giving the time left until then, or zero when it has passed. `None` when the value is
/// neither.
///
/// ```
/// use graph_runtime::parse_retry_after;
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 2015-10-21T07:27:50Z
/// assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate; the client refuses long waits anyway.
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at = parse_imf_fixdate(value)?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → seconds since the Unix epoch.
fn parse_imf_fixdate(s: &str) -> Option<u64> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (day_name, rest) = s.split_once(", ")?;
    if !DAYS.contains(&day_name) {
        return None;
    }
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let num = |t: &str, len: usize| (t.len() == len && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u64>().ok()).flatten();
    let day = num(day, 2)?;
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let year = num(year, 4)?;
    let hms: Vec<&str> = time.split(':').collect();
    let [h, m, sec] = hms.as_slice() else { return None };
    let (h, m, sec) = (num(h, 2)?, num(m, 2)?, num(sec, 2)?);
    if year < 1970 || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (March-based year).
    let (y, mo) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Graph returned {}", self.status)?;
        match &self.odata {
            Some(o) => {
                write!(f, ": {}: {}", o.error.code, o.error.message)?;
                if let Some(id) = o.error.inner_error.as_ref().and_then(|i| i.request_id.as_deref()) {
                    write!(f, " (request-id {id})")?;
                }
                Ok(())
            }
            None if !self.raw_body.is_empty() => {
                let body = String::from_utf8_lossy(&self.raw_body);
                let short: String = body.chars().take(200).collect();
                write!(f, ": {short}")
            }
            None => Ok(()),
        }
    }
}

impl std::error::Error for GraphError {}

/// Errors of this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Graph answered with a non-2xx status.
    Graph(GraphError),
    /// A body could not be serialised or a response could not be deserialised.
    Json(serde_json::Error),
    /// The HTTP request could not be built.
    Http(http::Error),
    /// A header value was rejected (e.g. it contained CR or LF).
    InvalidHeader(String),
    /// The transport failed (connection, TLS, timeout, …).
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// A URL was invalid or not allowed (e.g. a next link to another host).
    Url(String),
    /// The bearer token lacks the permissions the call needs; nothing was sent
    /// (see [`Client::check_token_scopes`](crate::client::Client::check_token_scopes)).
    MissingScopes(MissingScopes),
}

/// What [`Error::MissingScopes`] reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingScopes {
    /// `METHOD /path/template` of the call.
    pub call: String,
    /// The scheme the token was issued for.
    pub scheme: crate::AuthScheme,
    /// The least-privileged permissions the call needs (any one); empty when the scheme is
    /// not supported for the call.
    pub needed: Vec<&'static str>,
    /// The permissions the token has.
    pub granted: Vec<String>,
}

impl fmt::Display for MissingScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let granted = if self.granted.is_empty() { "none".to_owned() } else { self.granted.join(", ") };
        if self.needed.is_empty() {
            write!(f, "`{}` cannot be called with {} permissions (the token has: {granted}); not sent", self.call, self.scheme)
        } else {
            write!(
                f,
                "`{}` needs one of {} ({}), which the token lacks (it has: {granted}); not sent",
                self.call,
                self.needed.join(", "),
                self.scheme
            )
        }
    }
}

impl Error {
    /// The Graph error, if this is one.
    pub fn as_graph(&self) -> Option<&GraphError> {
        match self {
            Error::Graph(g) => Some(g),
            _ => None,
        }
    }

    /// The HTTP status, if Graph answered.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.as_graph().map(|g| g.status)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Graph(e) => e.fmt(f),
            Error::Json(e) => write!(f, "JSON error: {e}"),
            Error::Http(e) => write!(f, "invalid HTTP request: {e}"),
            Error::InvalidHeader(e) => write!(f, "invalid header: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Url(e) => write!(f, "invalid URL: {e}"),
            Error::MissingScopes(m) => m.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Graph(e) => Some(e),
            Error::Json(e) => Some(e),
            Error::Http(e) => Some(e),
            Error::Transport(e) => Some(&**e),
            Error::InvalidHeader(_) | Error::Url(_) | Error::MissingScopes(_) => None,
        }
    }
}

impl From<GraphError> for Error {
    fn from(e: GraphError) -> Self {
        Error::Graph(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e)
    }
}

impl From<http::Error> for Error {
    fn from(e: http::Error) -> Self {
        Error::Http(e)
    }
}
