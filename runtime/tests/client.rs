//! Client over an in-memory transport: auth, throttling retries, paging.

mod common;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use common::*;
use graph_runtime::client::{Client, StaticToken, Transport};
use graph_runtime::{Error, Page, Request, RequestPath};

#[derive(Default)]
struct Fake {
    responses: Mutex<VecDeque<http::Response<Vec<u8>>>>,
    requests: Mutex<Vec<http::Request<Vec<u8>>>>,
    sleeps: Mutex<Vec<Duration>>,
}

impl Fake {
    fn with(responses: Vec<http::Response<Vec<u8>>>) -> Self {
        Fake { responses: Mutex::new(responses.into()), ..Default::default() }
    }
    fn uris(&self) -> Vec<String> {
        self.requests.lock().unwrap().iter().map(|r| r.uri().to_string()).collect()
    }
}

impl Transport for Fake {
    async fn send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        self.requests.lock().unwrap().push(req);
        self.responses.lock().unwrap().pop_front().ok_or_else(|| Error::Transport("no more canned responses".into()))
    }
    async fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
    }
}

fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

const BASE: &str = "https://graph.microsoft.com/beta";

fn get_allotment() -> Request<Allotment> {
    Request::new(http::Method::GET, RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments").key("id", "x"), None)
}

fn assert_send<F: Send>(f: F) -> F {
    f
}

#[test]
fn retries_429_honouring_retry_after() {
    let fake = Fake::with(vec![resp(429, &[("retry-after", "7")], r#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#), resp(200, &[], r#"{"id":"x"}"#)]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    let req = get_allotment();
    let a = block_on(assert_send(client.send(&req))).unwrap();
    assert_eq!(a.id.as_deref(), Some("x"));
    assert_eq!(*fake.sleeps.lock().unwrap(), vec![Duration::from_secs(7)]);
    let reqs = fake.requests.lock().unwrap();
    assert_eq!(reqs.len(), 2);
    for r in reqs.iter() {
        assert_eq!(r.headers()["authorization"], "Bearer tok");
        assert!(r.headers()["authorization"].is_sensitive());
        assert_eq!(r.uri(), "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/x");
    }
}

#[test]
fn retry_after_http_date() {
    // A date in the past: retry at once. The date form is what some proxies send.
    let fake = Fake::with(vec![resp(503, &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")], ""), resp(200, &[], r#"{"id":"x"}"#)]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    assert!(block_on(client.send(&get_allotment())).is_ok());
    assert_eq!(*fake.sleeps.lock().unwrap(), vec![Duration::ZERO]);
    // Unreadable: exponential backoff as if absent.
    let fake = Fake::with(vec![resp(429, &[("retry-after", "in a while")], ""), resp(200, &[], r#"{"id":"x"}"#)]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    assert!(block_on(client.send(&get_allotment())).is_ok());
    assert_eq!(*fake.sleeps.lock().unwrap(), vec![Duration::from_secs(1)]);
}

#[test]
fn retry_after_parsing() {
    use graph_runtime::parse_retry_after;
    use std::time::UNIX_EPOCH;
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), Some(Duration::from_secs(60)));
    assert_eq!(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(86_400)));
    assert_eq!(parse_retry_after("Thu, 29 Feb 2024 00:00:00 GMT", UNIX_EPOCH), Some(Duration::from_secs(1_709_164_800)));
    assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", UNIX_EPOCH), Some(Duration::ZERO));
    assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
    for bad in ["", "-1", "1.5", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT"] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
}

#[test]
fn retries_are_bounded() {
    let fake = Fake::with((0..10).map(|_| resp(503, &[], "")).collect());
    let client = Client::new(BASE, &fake, StaticToken::new("tok")).max_retries(2);
    let err = block_on(client.send(&get_allotment())).unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(fake.requests.lock().unwrap().len(), 3);
    // No Retry-After: exponential backoff.
    assert_eq!(*fake.sleeps.lock().unwrap(), vec![Duration::from_secs(1), Duration::from_secs(2)]);

    let fake = Fake::with(vec![resp(429, &[("retry-after", "1")], "")]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok")).max_retries(0);
    assert_eq!(block_on(client.send(&get_allotment())).unwrap_err().status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert!(fake.sleeps.lock().unwrap().is_empty());
}

#[test]
fn excessive_retry_after_is_not_waited_for() {
    let fake = Fake::with(vec![resp(429, &[("retry-after", "3600")], ""), resp(200, &[], "{}")]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok")).max_retry_delay(Duration::from_secs(60));
    let err = block_on(client.send(&get_allotment())).unwrap_err();
    assert_eq!(err.as_graph().unwrap().retry_after(), Some(Duration::from_secs(3600)));
    assert!(fake.sleeps.lock().unwrap().is_empty());
}

#[test]
fn other_errors_are_not_retried() {
    let fake = Fake::with(vec![resp(400, &[], r#"{"error":{"code":"BadRequest","message":"no"}}"#)]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    let err = block_on(client.send(&get_allotment())).unwrap_err();
    assert_eq!(err.as_graph().unwrap().code(), Some("BadRequest"));
    assert_eq!(fake.requests.lock().unwrap().len(), 1);
}

#[test]
fn pager_follows_next_links() {
    let next1 = "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments?$top=2&$skiptoken=abc";
    let next2 = "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments?$top=2&$skiptoken=d%2Fef";
    let fake = Fake::with(vec![
        resp(200, &[], &format!(r#"{{"value":[{{"id":"1"}},{{"id":"2"}}],"@odata.nextLink":"{next1}"}}"#)),
        resp(429, &[("retry-after", "2")], ""),
        resp(200, &[], &format!(r#"{{"value":[{{"id":"3"}},{{"id":"4"}}],"@odata.nextLink":"{next2}"}}"#)),
        resp(200, &[], r#"{"value":[{"id":"5"}]}"#),
    ]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    let list: Request<Page<Allotment>> =
        Request::new(http::Method::GET, RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments"), None)
            .top(2)
            .consistency_level_eventual();
    let mut pager = client.pages(list);
    let mut ids = Vec::new();
    let mut pages = 0;
    while let Some(page) = block_on(assert_send(pager.next_page())) {
        pages += 1;
        ids.extend(page.unwrap().value.into_iter().map(|a| a.id.unwrap()));
    }
    assert!(block_on(pager.next_page()).is_none());
    assert_eq!(pages, 3);
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(fake.uris(), vec![format!("{BASE}/admin/cloudLicensing/allotments?$top=2"), next1.to_owned(), next1.to_owned(), next2.to_owned()]);
    assert_eq!(*fake.sleeps.lock().unwrap(), vec![Duration::from_secs(2)]);
    for r in fake.requests.lock().unwrap().iter() {
        assert_eq!(r.method(), http::Method::GET);
        assert_eq!(r.headers()["consistencylevel"], "eventual");
        assert_eq!(r.headers()["authorization"], "Bearer tok");
    }
}

#[test]
fn pager_refuses_foreign_next_link_and_stops_after_errors() {
    let fake = Fake::with(vec![resp(200, &[], r#"{"value":[],"@odata.nextLink":"https://evil.example/steal"}"#)]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    let list: Request<Page<Allotment>> = Request::new(http::Method::GET, RequestPath::root().segment("x"), None);
    let mut pager = client.pages(list);
    assert!(block_on(pager.next_page()).unwrap().is_ok());
    assert!(matches!(block_on(pager.next_page()), Some(Err(Error::Url(_)))));
    assert!(block_on(pager.next_page()).is_none());
    assert_eq!(fake.requests.lock().unwrap().len(), 1);
}

#[test]
fn collect_all() {
    let fake = Fake::with(vec![
        resp(200, &[], r#"{"value":[{"id":"1"}],"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=1"}"#),
        resp(200, &[], r#"{"value":[{"id":"2"}]}"#),
    ]);
    let client = Client::new(BASE, &fake, StaticToken::new("tok"));
    let list: Request<Page<Allotment>> = Request::new(http::Method::GET, RequestPath::root().segment("x"), None);
    let all = block_on(client.pages(list).collect_all()).unwrap();
    assert_eq!(all.len(), 2);
}
