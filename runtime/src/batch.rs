//! JSON `$batch` (feature `batch`): many typed requests in few HTTP round trips.
//!
//! [`Batch::add`] takes any [`Request<R>`] and returns a [`StepHandle<R>`]; after
//! [`Client::send_batch`], [`BatchResponse::get`] parses that step's reply as `R`, or gives
//! its failure as [`Error::Graph`] with the step's status, headers and typed
//! [`ODataError`](crate::ODataError). [`Batch::add_after`] adds a step that runs only after
//! others succeeded (`dependsOn`).
//!
//! What is sent: `POST {base}/$batch` with `{"requests": [...]}`; each step has a unique id
//! (`"1"`, `"2"`, … in the order added), its method, its URL relative to the API version
//! (`/users/{id}?$select=…`, never a host), its headers (never `Authorization`: the batch
//! request carries the token) and its body: JSON bodies as JSON, other bodies base64 with
//! their `Content-Type`. Replies' bodies are JSON, or base64 text for non-JSON content.
//!
//! # Chunks and retries
//!
//! Graph takes at most [`MAX_STEPS`] (20) steps per batch, and `dependsOn` may only name
//! steps of the same batch. Steps are sent in rounds; each round fills one batch in the
//! order steps were added (so a step's dependencies, added before it, come first) with
//! every pending step whose dependencies are each either *already succeeded* in an earlier
//! round (its `dependsOn` entry is then dropped: the order is already guaranteed) or
//! *in this batch* (its `dependsOn` entry is kept). A step whose dependency failed is not
//! sent: it answers `424 Failed Dependency`, as Graph does. So a dependent step is always
//! in the same batch as what it depends on, or in a later one after that succeeded, and a
//! chain longer than 20 steps still runs, in order.
//!
//! A step answered `429` or `503` is sent again in a later round, after its `Retry-After`
//! (or 1 s, 2 s, 4 s, … without one), at most [`max_retries`](Client::max_retries) times
//! and only when the wait is within [`max_retry_delay`](Client::max_retry_delay); then its
//! last answer is its result. A step Graph answered `424` because a dependency in the same
//! batch was throttled is sent again with that dependency (without using a retry). The
//! whole-batch request is itself retried on `429`/`503` like any request.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::prelude::{Engine, BASE64_STANDARD};
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::client::{retry_delay, throttled, Client, TokenProvider, Transport};
use crate::error::Error;
use crate::request::{parse_absolute_uri, parse_response, Request};
use crate::response::{parse_response_with_headers, Response};

/// Most steps Graph accepts in one `$batch` request.
pub const MAX_STEPS: usize = 20;

static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Requests to send together; see the [module documentation](self).
#[derive(Debug)]
pub struct Batch {
    id: u64,
    steps: Vec<Step>,
}

#[derive(Debug)]
struct Step {
    method: http::Method,
    url: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    depends_on: Vec<usize>,
}

/// The id of a step in its batch (what `dependsOn` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepId {
    batch: u64,
    index: usize,
}

impl StepId {
    /// The id sent in the batch (`"1"` for the first step added).
    pub fn as_string(&self) -> String {
        (self.index + 1).to_string()
    }
}

/// A step whose reply parses as `R`.
#[derive(Debug)]
pub struct StepHandle<R> {
    id: StepId,
    _r: PhantomData<fn() -> R>,
}

impl<R> Clone for StepHandle<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for StepHandle<R> {}

impl<R> StepHandle<R> {
    /// The step's id, e.g. for [`Batch::add_after`].
    pub fn id(&self) -> StepId {
        self.id
    }
}

impl Default for Batch {
    fn default() -> Self {
        Batch { id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed), steps: Vec::new() }
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether no step was added.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Adds `req` as a step. Fails when the request could not be built (an invalid header
    /// value, a body that did not serialise).
    pub fn add<R>(&mut self, req: &Request<R>) -> Result<StepHandle<R>, Error> {
        self.add_after(req, [])
    }

    /// Adds `req` as a step that runs only after the steps `depends_on` succeeded
    /// (`dependsOn`). They must be steps of this batch; as they were added before, no cycle
    /// can be built.
    pub fn add_after<R>(&mut self, req: &Request<R>, depends_on: impl IntoIterator<Item = StepId>) -> Result<StepHandle<R>, Error> {
        let mut deps = Vec::new();
        for d in depends_on {
            if d.batch != self.id || d.index >= self.steps.len() {
                return Err(Error::Url(format!("dependsOn step {} is not a step of this batch", d.as_string())));
            }
            if !deps.contains(&d.index) {
                deps.push(d.index);
            }
        }
        // Built against a placeholder base only to validate the request and get its parts.
        let http = req.to_http("http://batch.invalid")?;
        let (parts, body) = http.into_parts();
        let mut headers = parts.headers;
        headers.remove(AUTHORIZATION);
        let body = req.body().map(|_| body);
        let id = StepId { batch: self.id, index: self.steps.len() };
        self.steps.push(Step { method: parts.method, url: req.relative_url(), headers, body, depends_on: deps });
        Ok(StepHandle { id, _r: PhantomData })
    }

    /// The JSON of one `$batch` request with the steps `chunk`; `dependsOn` keeps the
    /// dependencies that are in the chunk.
    fn payload(&self, chunk: &[usize]) -> Value {
        let requests: Vec<Value> = chunk
            .iter()
            .map(|&i| {
                let step = &self.steps[i];
                let mut o = Map::new();
                o.insert("id".into(), Value::String((i + 1).to_string()));
                o.insert("method".into(), Value::String(step.method.as_str().to_owned()));
                o.insert("url".into(), Value::String(step.url.clone()));
                let deps: Vec<Value> = step.depends_on.iter().filter(|d| chunk.contains(d)).map(|d| Value::String((d + 1).to_string())).collect();
                if !deps.is_empty() {
                    o.insert("dependsOn".into(), Value::Array(deps));
                }
                if !step.headers.is_empty() {
                    o.insert("headers".into(), Value::Object(headers_to_json(&step.headers)));
                }
                if let Some(body) = &step.body {
                    let json = is_json(&step.headers).then(|| serde_json::from_slice::<Value>(body).ok()).flatten();
                    o.insert("body".into(), json.unwrap_or_else(|| Value::String(BASE64_STANDARD.encode(body))));
                }
                Value::Object(o)
            })
            .collect();
        json!({ "requests": requests })
    }
}

/// Header values joined by `, ` per name (the JSON batch format has one string per name).
fn headers_to_json(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for name in headers.keys() {
        let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        out.insert(name.as_str().to_owned(), Value::String(values.join(", ")));
    }
    out
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    })
}

/// One step's reply as received (body decoded from JSON or base64).
#[derive(Clone, Debug, PartialEq)]
pub struct StepResponse {
    /// The step's status.
    pub status: StatusCode,
    /// The step's headers.
    pub headers: HeaderMap,
    /// The body: JSON text for JSON content, the decoded bytes for base64 content.
    pub body: Vec<u8>,
}

impl StepResponse {
    fn to_http(&self) -> http::Response<Vec<u8>> {
        let mut resp = http::Response::new(self.body.clone());
        *resp.status_mut() = self.status;
        *resp.headers_mut() = self.headers.clone();
        resp
    }

    fn from_json(v: &Value) -> Result<(String, StepResponse), Error> {
        let bad = |what: &str| Error::Json(<serde_json::Error as serde::de::Error>::custom(format!("batch response: {what}")));
        let id = match v.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(bad("a response without an id")),
        };
        let status = v.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).and_then(|s| StatusCode::from_u16(s).ok());
        let status = status.ok_or_else(|| bad(&format!("step {id} has no valid status")))?;
        let mut headers = HeaderMap::new();
        for (k, v) in v.get("headers").and_then(Value::as_object).into_iter().flatten() {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let (Ok(name), Ok(value)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&text)) else {
                return Err(bad(&format!("step {id} has an invalid header {k:?}")));
            };
            headers.append(name, value);
        }
        let body = match v.get("body") {
            None | Some(Value::Null) => Vec::new(),
            // Non-JSON content arrives base64-encoded, its `Content-Type` saying what it is
            // (text that is not base64 is kept as it is).
            Some(Value::String(s)) if headers.contains_key(CONTENT_TYPE) && !is_json(&headers) => {
                BASE64_STANDARD.decode(s).unwrap_or_else(|_| s.clone().into_bytes())
            }
            Some(other) => serde_json::to_vec(other)?,
        };
        Ok((id, StepResponse { status, headers, body }))
    }

    fn failed_dependency(dep: usize, status: StatusCode) -> StepResponse {
        let body = json!({"error": {"code": "FailedDependency", "message": format!("not sent: step {} it depends on failed with {status}", dep + 1)}});
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        StepResponse { status: StatusCode::FAILED_DEPENDENCY, headers, body: serde_json::to_vec(&body).unwrap_or_default() }
    }
}

/// The replies of a sent [`Batch`], one per step.
#[derive(Clone, Debug)]
pub struct BatchResponse {
    batch: u64,
    steps: Vec<Option<StepResponse>>,
    round_trips: usize,
}

impl BatchResponse {
    /// The reply of step `h` parsed as `R`, or its failure: [`Error::Graph`] with the step's
    /// status, headers and OData error (a `424` for a step not sent because a dependency
    /// failed).
    pub fn get<R: DeserializeOwned>(&self, h: &StepHandle<R>) -> Result<R, Error> {
        parse_response(self.http(h.id)?)
    }

    /// Like [`get`](Self::get), keeping the step's status and headers.
    pub fn get_with_headers<R: DeserializeOwned>(&self, h: &StepHandle<R>) -> Result<Response<R>, Error> {
        parse_response_with_headers(self.http(h.id)?)
    }

    /// The raw reply of a step, if Graph answered for it.
    pub fn step(&self, id: StepId) -> Option<&StepResponse> {
        if id.batch != self.batch {
            return None;
        }
        self.steps.get(id.index)?.as_ref()
    }

    /// How many `$batch` requests were sent (chunks plus rounds of retries).
    pub fn round_trips(&self) -> usize {
        self.round_trips
    }

    fn http(&self, id: StepId) -> Result<http::Response<Vec<u8>>, Error> {
        match self.step(id) {
            Some(s) => Ok(s.to_http()),
            None if id.batch != self.batch => Err(Error::Url(format!("step {} is not a step of this batch", id.as_string()))),
            None => Err(Error::Json(<serde_json::Error as serde::de::Error>::custom(format!("the batch response has no reply for step {}", id.as_string())))),
        }
    }
}

/// Where a step stands between rounds.
#[derive(Clone)]
enum State {
    /// Not answered yet: send when its dependencies allow, not before the instant (a
    /// throttled step's `Retry-After`).
    Waiting(Option<Instant>),
    /// Its final reply.
    Done(StepResponse),
    /// Sent, but the batch response had no reply for it.
    NoReply,
}

impl State {
    fn succeeded(&self) -> bool {
        matches!(self, State::Done(r) if r.status.is_success())
    }
    fn failed(&self) -> Option<StatusCode> {
        match self {
            State::Done(r) if !r.status.is_success() => Some(r.status),
            State::NoReply => Some(StatusCode::BAD_GATEWAY),
            _ => None,
        }
    }
    fn waiting(&self) -> bool {
        matches!(self, State::Waiting(_))
    }
}

impl<T: Transport, P: TokenProvider> Client<T, P> {
    /// Sends `batch` in as many `$batch` requests as needed (see the
    /// [module documentation](crate::batch)). Fails only when a `$batch` request itself
    /// fails (transport error, non-2xx answer, unreadable body); step failures are in the
    /// [`BatchResponse`].
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResponse, Error> {
        let mut state = vec![State::Waiting(None); batch.steps.len()];
        let mut retries = vec![0u32; batch.steps.len()];
        let mut round_trips = 0;
        let uri = parse_absolute_uri(&format!("{}/$batch", self.base_url.trim_end_matches('/')))?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        while state.iter().any(State::waiting) {
            let chunk = next_chunk(batch, &mut state, Instant::now());
            if chunk.is_empty() {
                // Everything left waits for a Retry-After, directly or through a dependency.
                let until = state.iter().filter_map(|s| match s {
                    State::Waiting(t) => *t,
                    _ => None,
                });
                let Some(until) = until.min() else { break };
                self.transport.sleep(until.saturating_duration_since(Instant::now())).await;
                continue;
            }
            let body = serde_json::to_vec(&batch.payload(&chunk))?;
            let resp = self.execute(&http::Method::POST, &uri, &headers, &body, "/$batch").await?;
            round_trips += 1;
            let replies: Value = parse_response(resp)?;
            let mut answered = Vec::new();
            for r in replies.get("responses").and_then(Value::as_array).into_iter().flatten() {
                let (id, step) = StepResponse::from_json(r)?;
                if let Some(&i) = chunk.iter().find(|&&i| (i + 1).to_string() == id) {
                    answered.push((i, step));
                }
            }
            for &i in &chunk {
                if !answered.iter().any(|(j, _)| *j == i) {
                    state[i] = State::NoReply;
                }
            }
            // Throttled steps first, so that a 424 they caused is recognised below.
            answered.sort_by_key(|(i, s)| (!throttled(s.status), *i));
            let now = Instant::now();
            for (i, step) in answered {
                if throttled(step.status) && retries[i] < self.max_retries {
                    let delay: Duration = retry_delay(&step.headers, retries[i]);
                    if delay <= self.max_retry_delay {
                        crate::trace::retrying(step.status, delay);
                        retries[i] += 1;
                        state[i] = State::Waiting(Some(now + delay));
                        continue;
                    }
                }
                let dependency_requeued = batch.steps[i].depends_on.iter().any(|&d| state[d].waiting());
                state[i] = if step.status == StatusCode::FAILED_DEPENDENCY && dependency_requeued { State::Waiting(None) } else { State::Done(step) };
            }
        }
        let steps = state.into_iter().map(|s| if let State::Done(r) = s { Some(r) } else { None }).collect();
        Ok(BatchResponse { batch: batch.id, steps, round_trips })
    }
}

/// The steps of the next round (see the module documentation); resolves steps whose
/// dependency failed as `424` on the way.
fn next_chunk(batch: &Batch, state: &mut [State], now: Instant) -> Vec<usize> {
    let mut chunk = Vec::new();
    for i in 0..batch.steps.len() {
        let State::Waiting(not_before) = state[i] else { continue };
        let deps = &batch.steps[i].depends_on;
        if let Some((d, status)) = deps.iter().find_map(|&d| state[d].failed().map(|s| (d, s))) {
            state[i] = State::Done(StepResponse::failed_dependency(d, status));
            continue;
        }
        if chunk.len() == MAX_STEPS || not_before.is_some_and(|t| t > now) {
            continue;
        }
        if deps.iter().all(|&d| state[d].succeeded() || chunk.contains(&d)) {
            chunk.push(i);
        }
    }
    chunk
}
