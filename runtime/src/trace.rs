//! Tracing of requests: with the `tracing` feature, one span per logical request (retries
//! included), named `graph.request`, with fields `method`, `path` (the path template, e.g.
//! `/users/{user-id}`, so ids stay out of traces), `status`, `request_id` (the `request-id`
//! response header), `retries` and `error`; and a `debug` event before each retry. No header
//! is ever recorded, so neither is the token. Without the feature this is all no-ops.

use std::future::Future;
use std::time::Duration;

use crate::error::Error;

#[cfg(feature = "tracing")]
pub(crate) struct RequestSpan(tracing::Span);

#[cfg(feature = "tracing")]
impl RequestSpan {
    pub(crate) fn new(method: &http::Method, template: &str) -> Self {
        use tracing::field::Empty;
        RequestSpan(tracing::info_span!(
            "graph.request",
            method = method.as_str(),
            path = template,
            status = Empty,
            request_id = Empty,
            retries = Empty,
            error = Empty
        ))
    }

    pub(crate) fn instrument<F: Future>(&self, f: F) -> tracing::instrument::Instrumented<F> {
        tracing::Instrument::instrument(f, self.0.clone())
    }

    pub(crate) fn finish(&self, result: &Result<http::Response<Vec<u8>>, Error>, retries: u32) {
        self.0.record("retries", retries);
        match result {
            Ok(resp) => {
                self.0.record("status", resp.status().as_u16());
                if let Some(id) = resp.headers().get("request-id").and_then(|v| v.to_str().ok()) {
                    self.0.record("request_id", id);
                }
            }
            Err(e) => {
                self.0.record("error", tracing::field::display(e));
            }
        }
    }
}

#[cfg(feature = "tracing")]
pub(crate) fn retrying(status: http::StatusCode, delay: Duration) {
    tracing::debug!(status = status.as_u16(), delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "throttled; retrying");
}

#[cfg(not(feature = "tracing"))]
pub(crate) struct RequestSpan;

#[cfg(not(feature = "tracing"))]
impl RequestSpan {
    pub(crate) fn new(_: &http::Method, _: &str) -> Self {
        RequestSpan
    }

    pub(crate) fn instrument<F: Future>(&self, f: F) -> F {
        f
    }

    pub(crate) fn finish(&self, _: &Result<http::Response<Vec<u8>>, Error>, _: u32) {}
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn retrying(_: http::StatusCode, _: Duration) {}
