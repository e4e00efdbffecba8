//! Tracing over real HTTP: one span per request with method, path template, status,
//! `request-id` and retries, and never the token (a small capturing subscriber records
//! every span field and event).

mod loopback;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use graph_runtime::{Page, Request, RequestPath};
use loopback::*;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Spans (name and fields, in order of recording) and events as text.
#[derive(Default)]
struct Captured {
    spans: Vec<(String, Vec<(String, String)>)>,
    events: Vec<Vec<(String, String)>>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut c = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        c.spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(c.spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut c = self.0.lock().unwrap();
        let (_, fields) = &mut c.spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = vec![("target".to_owned(), event.metadata().target().to_owned())];
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().events.push(fields);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl Capture {
    /// Each `graph.request` span's fields as `name=value` (Empty fields never recorded).
    fn requests(&self) -> Vec<Vec<String>> {
        let c = self.0.lock().unwrap();
        c.spans.iter().filter(|(n, _)| n == "graph.request").map(|(_, f)| f.iter().map(|(k, v)| format!("{k}={v}")).collect()).collect()
    }
    fn everything(&self) -> String {
        let c = self.0.lock().unwrap();
        format!("{:?} {:?}", c.spans, c.events)
    }
}

#[tokio::test]
async fn one_span_per_request_with_template_status_request_id_and_retries_never_the_token() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = Server::start(move |r, base| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match r.path.as_str() {
            "/users/u%2F1" if n == 0 => Reply::json(429, &json!({"error": {"code": "TooManyRequests", "message": "later"}})).header("Retry-After", "0"),
            "/users/u%2F1" => Reply::json(200, &json!({"id": "u/1"})).header("request-id", "rid-user"),
            "/users" if r.query.is_empty() => Reply::json(200, &json!({"value": [1], "@odata.nextLink": format!("{base}/users?$skiptoken=2")})).header("request-id", "rid-p1"),
            "/users" => Reply::json(200, &json!({"value": [2]})).header("request-id", "rid-p2"),
            _ => Reply::json(404, &json!({"error": {"code": "NotFound", "message": "no"}})).header("request-id", "rid-404"),
        }
    })
    .await;
    let client = client(&server);
    let user: Request<serde_json::Value> = Request::new(http::Method::GET, RequestPath::root().segment("users").key("user-id", "u/1"), None);
    client.send(&user).await.unwrap();
    let items = client.pages(Request::<Page<i32>>::new(http::Method::GET, RequestPath::root().segment("users"), None)).collect_all().await.unwrap();
    assert_eq!(items, [1, 2]);
    let missing: Request<serde_json::Value> = Request::new(http::Method::DELETE, RequestPath::root().segment("groups").key("group-id", "g1"), None);
    assert!(client.send(&missing).await.is_err());

    assert_eq!(
        capture.requests(),
        [
            vec!["method=GET", "path=/users/{user-id}", "retries=1", "status=200", "request_id=rid-user"],
            vec!["method=GET", "path=/users", "retries=0", "status=200", "request_id=rid-p1"],
            // The next page is traced under the first request's template.
            vec!["method=GET", "path=/users", "retries=0", "status=200", "request_id=rid-p2"],
            vec!["method=DELETE", "path=/groups/{group-id}", "retries=0", "status=404", "request_id=rid-404"],
        ]
    );
    // Our events only (reqwest's dependencies trace too).
    let events: Vec<_> = capture.0.lock().unwrap().events.iter().filter(|e| e[0].1.starts_with("graph_runtime")).cloned().collect();
    let field = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(events, [vec![field("target", "graph_runtime::trace"), field("message", "throttled; retrying"), field("status", "429"), field("delay_ms", "0")]]);

    // The token was sent, and never traced.
    let received = server.received();
    assert_eq!(received.len(), 5);
    received.iter().for_each(assert_authorized);
    let traced = capture.everything();
    assert!(!traced.contains(TOKEN) && !traced.to_ascii_lowercase().contains("bearer"), "{traced}");
}

#[tokio::test]
async fn transport_failures_are_traced_as_errors() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // A loopback port nothing listens on any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = graph_runtime::client::Client::new(base, transport(), graph_runtime::client::StaticToken::new(TOKEN));
    let req: Request<serde_json::Value> = Request::new(http::Method::GET, RequestPath::root().segment("me"), None);
    assert!(client.send(&req).await.is_err());
    let spans = capture.requests();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0][..3], ["method=GET", "path=/me", "retries=0"]);
    assert!(spans[0][3].starts_with("error=transport error"), "{spans:?}");
    assert!(!capture.everything().contains(TOKEN));
}
