//! JSON `$batch` over real HTTP: what the server receives (ids, methods, relative URLs,
//! headers, bodies, `dependsOn`), typed replies, failed steps as typed OData errors
//! (peer bug msgraph-sdk-dotnet#2010), chunks of 20 that keep dependency chains, and inner
//! `429`s re-sent after their `Retry-After` (peer bug msgraph-sdk-dotnet#1759).

mod common;
mod loopback;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Allotment;
use graph_runtime::batch::{Batch, StepId, MAX_STEPS};
use graph_runtime::{Error, NoContent, Page, Request, RequestPath};
use loopback::*;
use serde_json::{json, Value};

fn allotment(id: &str) -> Request<Allotment> {
    Request::new(http::Method::GET, RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments").key("allotment-id", id), None)
}

/// The steps of a received `$batch` request, after checking the request itself.
fn steps(r: &Received) -> Vec<Value> {
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/$batch"));
    assert!(r.query.is_empty());
    assert_authorized(r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let body = r.json();
    let steps = body["requests"].as_array().expect("a requests array").clone();
    assert!(!steps.is_empty() && steps.len() <= MAX_STEPS, "{} steps", steps.len());
    for s in &steps {
        let url = s["url"].as_str().unwrap();
        assert!(url.starts_with('/') && !url.contains("://") && !url.contains("127.0.0.1"), "relative URL: {url}");
        assert!(s.get("headers").and_then(|h| h.get("authorization")).is_none(), "no token inside a step");
    }
    steps
}

fn reply(id: &Value, status: u16, body: Value) -> Value {
    json!({"id": id, "status": status, "headers": {"Content-Type": "application/json"}, "body": body})
}

/// A Graph stand-in answering each step of each `$batch` with `answer(step)`.
async fn batch_server(answer: impl Fn(&Value) -> Value + Send + Sync + 'static) -> Server {
    Server::start(move |r, _| Reply::json(200, &json!({ "responses": steps(r).iter().map(&answer).collect::<Vec<_>>() }))).await
}

#[tokio::test]
async fn typed_steps_their_bodies_and_failed_steps_as_odata_errors() {
    let server = batch_server(|s| {
        let id = &s["id"];
        match s["url"].as_str().unwrap() {
                    "/admin/cloudLicensing/allotments/a%2F1?$select=id,allottedUnits" => reply(id, 200, json!({"id": "a/1", "allottedUnits": 5})),
                    "/admin/cloudLicensing/allotments/missing" => json!({"id": id, "status": 404,
                        "headers": {"Content-Type": "application/json; odata.metadata=minimal", "request-id": "step-404"},
                        "body": {"error": {"code": "Request_ResourceNotFound", "message": "Resource 'missing' does not exist.",
                                           "innerError": {"request-id": "step-404", "date": "2025-07-18T09:30:00"}}}}),
                    "/me/photo/$value" => json!({"id": id, "status": 200, "headers": {"Content-Type": "image/jpeg"}, "body": "/9j/4AAQSkZJRg=="}),
                    "/admin/cloudLicensing/assignments" => reply(id, 201, json!({"id": "new"})),
                    "/me/drive/root:/notes.txt:/content" => reply(id, 201, json!({"id": "file", "size": 5})),
                    "/admin/cloudLicensing/assignments/old" => json!({"id": id, "status": 204, "headers": {}}),
            "/reports/x.csv" => json!({"id": id, "status": 200, "headers": {"Content-Type": "text/csv", "Content-Length": 8}, "body": "aWQsbmFtZQo="}),
            "/reports/note" => json!({"id": id, "status": 200, "body": "plain"}),
            other => panic!("unexpected step {other}"),
        }
    })
    .await;
    let mut batch = Batch::new();
    let get = batch.add(&allotment("a/1").select_raw(["id", "allottedUnits"])).unwrap();
    let missing = batch.add(&allotment("missing")).unwrap();
    let photo = batch.add(&Request::<Value>::new(http::Method::GET, RequestPath::root().segment("me").segment("photo").segment("$value"), None)).unwrap();
    let create = batch
        .add(
            &Request::<common::Assignment>::new(http::Method::POST, RequestPath::root().segment("admin").segment("cloudLicensing").segment("assignments"), None)
                .with_json_body(&json!({"allotment@odata.bind": "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1"}))
                .header_str("x-ms-client-tag", "t1")
                .unwrap(),
        )
        .unwrap();
    let upload = batch
        .add_after(
            &Request::<Value>::new(http::Method::PUT, RequestPath::root().segment("me").segment("drive").segment("root:").segment("notes.txt:").segment("content"), None)
                .with_body("text/plain", b"hello".to_vec()),
            [create.id()],
        )
        .unwrap();
    let delete = batch.add(&Request::<NoContent>::new(http::Method::DELETE, RequestPath::root().segment("admin").segment("cloudLicensing").segment("assignments").key("id", "old"), None)).unwrap();
    let csv = batch.add(&Request::<Value>::new(http::Method::GET, RequestPath::root().segment("reports").segment("x.csv"), None)).unwrap();
    let note = batch.add(&Request::<String>::new(http::Method::GET, RequestPath::root().segment("reports").segment("note"), None)).unwrap();

    let replies = client(&server).send_batch(&batch).await.unwrap();

    let [r] = &server.received()[..] else { panic!("one $batch request") };
    assert_eq!(
        Value::Array(steps(r)),
        json!([
            {"id": "1", "method": "GET", "url": "/admin/cloudLicensing/allotments/a%2F1?$select=id,allottedUnits"},
            {"id": "2", "method": "GET", "url": "/admin/cloudLicensing/allotments/missing"},
            {"id": "3", "method": "GET", "url": "/me/photo/$value"},
            {"id": "4", "method": "POST", "url": "/admin/cloudLicensing/assignments",
             "headers": {"content-type": "application/json", "x-ms-client-tag": "t1"},
             "body": {"allotment@odata.bind": "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1"}},
            {"id": "5", "method": "PUT", "url": "/me/drive/root:/notes.txt:/content", "dependsOn": ["4"],
             "headers": {"content-type": "text/plain"}, "body": "aGVsbG8="},
            {"id": "6", "method": "DELETE", "url": "/admin/cloudLicensing/assignments/old"},
            {"id": "7", "method": "GET", "url": "/reports/x.csv"},
            {"id": "8", "method": "GET", "url": "/reports/note"}
        ])
    );

    let a: Allotment = replies.get(&get).unwrap();
    assert_eq!((a.id.as_deref(), a.allotted_units), (Some("a/1"), Some(5)));
    let created = replies.get_with_headers(&create).unwrap();
    assert_eq!((created.status.as_u16(), created.value.id.as_deref()), (201, Some("new")));
    assert_eq!(replies.get(&upload).unwrap()["size"], 5);
    assert_eq!(replies.get(&delete).unwrap(), NoContent);
    // A base64 body of non-JSON content is decoded to its bytes.
    let jpeg = replies.step(photo.id()).unwrap();
    assert_eq!((jpeg.status.as_u16(), &jpeg.body[..4]), (200, &[0xff, 0xd8, 0xff, 0xe0][..]));
    assert_eq!(jpeg.headers["content-type"], "image/jpeg");
    let csv = replies.step(csv.id()).unwrap();
    assert_eq!((&csv.body[..], csv.headers["content-length"].to_str().unwrap()), (&b"id,name\n"[..], "8"));
    // A string body without a content type is a JSON string.
    assert_eq!(replies.get(&note).unwrap(), "plain");
    // The failed step is a typed OData error with its own status and headers.
    let err = replies.get(&missing).unwrap_err();
    let g = err.as_graph().expect("a Graph error");
    assert_eq!(g.status, http::StatusCode::NOT_FOUND);
    assert_eq!(g.code(), Some("Request_ResourceNotFound"));
    let odata = g.odata.as_ref().unwrap();
    assert_eq!(odata.error.message, "Resource 'missing' does not exist.");
    assert_eq!(odata.error.inner_error.as_ref().unwrap().request_id.as_deref(), Some("step-404"));
    assert_eq!(g.headers["request-id"], "step-404");
    assert_eq!(replies.round_trips(), 1);
}

#[tokio::test]
async fn a_batch_of_one_step() {
    let server = batch_server(|s| reply(&s["id"], 200, json!({"value": [{"id": "a"}], "@odata.count": 1}))).await;
    let mut batch = Batch::new();
    let list = batch.add(&Request::<Page<Allotment>>::new(http::Method::GET, RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments"), None).top(1)).unwrap();
    let replies = client(&server).send_batch(&batch).await.unwrap();
    let page = replies.get(&list).unwrap();
    assert_eq!((page.value.len(), page.count), (1, Some(1)));
    let [r] = &server.received()[..] else { panic!("one request") };
    assert_eq!(Value::Array(steps(r)), json!([{"id": "1", "method": "GET", "url": "/admin/cloudLicensing/allotments?$top=1"}]));
}

#[tokio::test]
async fn more_than_twenty_steps_go_in_chunks_that_keep_dependency_chains() {
    // Step 5 fails; 30 depends on it. Steps 19 → 20 → 21 → 22 are a chain across the
    // first chunk boundary.
    let server = batch_server(|s| match s["id"].as_str().unwrap() {
        "5" => reply(&s["id"], 404, json!({"error": {"code": "NotFound", "message": "gone"}})),
        id => reply(&s["id"], 200, json!({"id": format!("a{id}")})),
    })
    .await;
    let mut batch = Batch::new();
    let mut handles = Vec::new();
    for i in 1..=45 {
        let deps: Vec<StepId> = match i {
            20..=22 => vec![handles[i - 2]],
            30 => vec![handles[4]],
            _ => vec![],
        };
        let h = batch.add_after(&allotment(&format!("x{i}")), deps).unwrap();
        handles.push(h.id());
        assert_eq!(h.id().as_string(), i.to_string());
    }
    let replies = client(&server).send_batch(&batch).await.unwrap();

    let chunks: Vec<Vec<Value>> = server.received().iter().map(steps).collect();
    let ids = |c: &[Value]| c.iter().map(|s| s["id"].as_str().unwrap().parse::<usize>().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&chunks[0]), (1..=20).collect::<Vec<_>>());
    assert_eq!(ids(&chunks[1]), (21..=29).chain(31..=41).collect::<Vec<_>>());
    assert_eq!(ids(&chunks[2]), (42..=45).collect::<Vec<_>>());
    assert_eq!(chunks.len(), 3);
    assert_eq!(replies.round_trips(), 3);
    let depends_on: BTreeMap<&str, &Value> = chunks.iter().flatten().filter_map(|s| Some((s["id"].as_str()?, s.get("dependsOn")?))).collect();
    // 20 runs after 19 in the same batch; 21's dependency succeeded in the first batch, so
    // it no longer names it; 22 depends on 21 in the same (second) batch.
    assert_eq!(depends_on, BTreeMap::from([("20", &json!(["19"])), ("22", &json!(["21"]))]));
    for (i, h) in handles.iter().enumerate() {
        let step = replies.step(*h).unwrap();
        match i + 1 {
            5 => assert_eq!(step.status.as_u16(), 404),
            // Never sent: its dependency failed.
            30 => {
                assert_eq!(step.status.as_u16(), 424);
                let body: Value = serde_json::from_slice(&step.body).unwrap();
                assert_eq!(body["error"]["code"], "FailedDependency");
            }
            n => assert_eq!(serde_json::from_slice::<Value>(&step.body).unwrap()["id"], format!("a{n}")),
        }
    }
}

#[tokio::test]
async fn throttled_steps_are_sent_again_after_retry_after() {
    // Step 2 is throttled once (Retry-After: 1); step 3 depends on it, so Graph fails it
    // with 424; step 1 succeeds at once.
    let attempts: Arc<Mutex<BTreeMap<String, u32>>> = Arc::default();
    let seen = attempts.clone();
    let server = batch_server(move |s| {
        let mut seen = seen.lock().unwrap();
        let id = s["id"].as_str().unwrap().to_owned();
        *seen.entry(id.clone()).or_default() += 1;
        match (id.as_str(), seen.get("2").copied().unwrap_or(0)) {
            ("2", 1) => json!({"id": "2", "status": 429, "headers": {"Retry-After": "1", "Content-Type": "application/json"},
                               "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}}),
            // Sent with step 2 (which comes first) while 2 is throttled.
            ("3", 1) => reply(&s["id"], 424, json!({"error": {"code": "FailedDependency", "message": "2 failed"}})),
            _ => reply(&s["id"], 200, json!({"id": format!("a{id}")})),
        }
    })
    .await;
    let mut batch = Batch::new();
    let one = batch.add(&allotment("1")).unwrap();
    let two = batch.add(&allotment("2")).unwrap();
    let three = batch.add_after(&allotment("3"), [two.id()]).unwrap();
    let replies = client(&server).send_batch(&batch).await.unwrap();

    for (h, id) in [(one, "a1"), (two, "a2"), (three, "a3")] {
        assert_eq!(replies.get(&h).unwrap().id.as_deref(), Some(id));
    }
    let received = server.received();
    let chunks: Vec<Vec<Value>> = received.iter().map(steps).collect();
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].len(), 3);
    // Only the throttled step and its dependant again, still chained.
    assert_eq!(
        Value::Array(chunks[1].clone()),
        json!([
            {"id": "2", "method": "GET", "url": "/admin/cloudLicensing/allotments/2"},
            {"id": "3", "method": "GET", "url": "/admin/cloudLicensing/allotments/3", "dependsOn": ["2"]}
        ])
    );
    assert!(received[1].at.duration_since(received[0].at) >= Duration::from_secs(1), "waited for Retry-After");
    assert_eq!(*attempts.lock().unwrap(), BTreeMap::from([("1".into(), 1), ("2".into(), 2), ("3".into(), 2)]));
}

#[tokio::test]
async fn inner_retries_are_bounded() {
    let server = batch_server(|s| json!({"id": s["id"], "status": 503, "headers": {"Retry-After": "0"}})).await;
    let mut batch = Batch::new();
    let h = batch.add(&allotment("1")).unwrap();
    let replies = client(&server).max_retries(2).send_batch(&batch).await.unwrap();
    assert_eq!(server.received().len(), 3);
    let err = replies.get(&h).unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.as_graph().unwrap().retry_after(), Some(Duration::ZERO));
}

#[tokio::test]
async fn a_failed_batch_request_is_an_error() {
    let server = Server::start(|_, _| Reply::json(400, &json!({"error": {"code": "BadRequest", "message": "Invalid batch payload."}}))).await;
    let mut batch = Batch::new();
    batch.add(&allotment("1")).unwrap();
    let err = client(&server).send_batch(&batch).await.unwrap_err();
    assert_eq!(err.as_graph().unwrap().code(), Some("BadRequest"));
}

#[test]
fn depends_on_must_name_a_step_of_the_same_batch() {
    let mut a = Batch::new();
    let mut b = Batch::new();
    let in_a = a.add(&allotment("1")).unwrap();
    assert!(matches!(b.add_after(&allotment("2"), [in_a.id()]), Err(Error::Url(_))));
    assert!(b.is_empty());
    // A request that cannot be built is refused when added.
    let bad = allotment("1").if_match("bad\nvalue");
    assert!(matches!(a.add(&bad), Err(Error::InvalidHeader(_))));
    assert_eq!(a.len(), 1);
}
