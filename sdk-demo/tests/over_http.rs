//! The SDK over real HTTP: real sockets on 127.0.0.1, real reqwest (rustls build), a
//! server inside the test serving the docs' example responses, and checks on what the
//! server received (method, path, decoded query, headers, body).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph::cloud_licensing::{operations, AssignmentUpdate};
use graph_runtime::client::{Client, ReqwestTransport, TokenProvider};
use graph_runtime::{Error, Page};
use graph_sdk_demo::{run_demo, set_disabled_plans, DemoInput, LicenseReport, SkuLine};
use serde_json::json;
use support::*;

const TOKEN: &str = "test-token";

/// A token provider that counts how often the client asked for a token.
#[derive(Default)]
struct CountingToken(AtomicUsize);

impl TokenProvider for CountingToken {
    async fn token(&self) -> Result<String, Error> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(TOKEN.into())
    }
}

/// reqwest without proxies: loopback traffic must never go through one, whatever the
/// environment says.
fn transport() -> ReqwestTransport {
    ReqwestTransport::from_client(reqwest::Client::builder().no_proxy().build().unwrap())
}

fn client(server: &Server, token: &Arc<CountingToken>) -> Client<ReqwestTransport, Arc<CountingToken>> {
    Client::new(server.base.clone(), transport(), token.clone())
}

fn odata_error(code: &str, message: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message,
        "innerError": {"request-id": "7b0bdc49-4d1f-4b3a-9d0c-6d1f3e1d9b0e", "date": "2025-07-18T09:30:00"}}})
}

fn not_found() -> Reply {
    Reply::json(404, &odata_error("Request_ResourceNotFound", "Resource '405ee855-dd74-f695-8d7e-be35a6788fe8' does not exist."))
        .header("request-id", "7b0bdc49-4d1f-4b3a-9d0c-6d1f3e1d9b0e")
}

fn assert_json_request(r: &Received) {
    assert_eq!(r.header("authorization"), Some("Bearer test-token"), "{} {}", r.method, r.target);
    assert_eq!(r.header("content-type"), Some("application/json"), "{} {}", r.method, r.target);
    assert_eq!(r.header("content-length"), Some(r.body.len().to_string().as_str()));
}

fn assert_bodyless_request(r: &Received) {
    assert_eq!(r.header("authorization"), Some("Bearer test-token"), "{} {}", r.method, r.target);
    assert_eq!(r.header("content-type"), None, "{} {}: no body, no Content-Type", r.method, r.target);
    assert!(r.body.is_empty(), "{} {}: unexpected body", r.method, r.target);
}

#[tokio::test]
async fn license_report_over_http() {
    let (_, allotments) = doc_example("cloudlicensing-admincloudlicensing-list-allotments.md", "list_admin_assignment_allotment");
    let (_, page1) = doc_example("cloudlicensing-admincloudlicensing-list-assignments.md", "list_admin_assignments_with_allotments");
    let (_, page2) = doc_example("cloudlicensing-admincloudlicensing-list-assignments.md", "list_admin_assignments_filtered_skudId");
    let (create_req, created) = doc_example("cloudlicensing-admincloudlicensing-post-assignments.md", "create_cloudlicensing_assignment");
    let (_, updated) = doc_example("cloudlicensing-assignment-update.md", "update_assignment");
    let (_, deleted) = doc_example("cloudlicensing-assignment-delete.md", "delete_assignment");
    let (reprocess_req, reprocessed) = doc_example("cloudlicensing-assignment-reprocessassignments.md", "assignmentthis.reprocessassignments");
    assert_eq!((created.status(), updated.status(), deleted.status(), reprocessed.status()), (201, 200, 204, 200));

    let throttled = Arc::new(AtomicUsize::new(0));
    let gone = Arc::new(Mutex::new(false));
    let (t, g) = (throttled.clone(), gone.clone());
    let server = Server::start(move |r, base| {
        let assignment = "/admin/cloudLicensing/assignments/405ee855-dd74-f695-8d7e-be35a6788fe8";
        let skiptoken = r.query.iter().any(|(k, _)| k == "$skiptoken");
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/admin/cloudLicensing/allotments") => allotments.reply(),
            ("GET", "/admin/cloudLicensing/assignments") if !skiptoken => {
                let mut body = page1.body();
                body["@odata.nextLink"] = json!(format!("{base}/admin/cloudLicensing/assignments?$expand=assignedTo,allotment&$skiptoken=page%2B2"));
                Reply::json(200, &body)
            }
            ("GET", "/admin/cloudLicensing/assignments") if t.fetch_add(1, Ordering::SeqCst) == 0 => {
                Reply::json(429, &odata_error("TooManyRequests", "Too many requests")).header("Retry-After", "1")
            }
            ("GET", "/admin/cloudLicensing/assignments") => page2.reply(),
            ("POST", "/admin/cloudLicensing/assignments") => created.reply(),
            ("PATCH", p) if p == assignment => updated.reply(),
            ("DELETE", p) if p == assignment => {
                *g.lock().unwrap() = true;
                deleted.reply()
            }
            ("GET", p) if p == assignment && *g.lock().unwrap() => not_found(),
            ("POST", "/users/43fe5b38-7328-40b9-a2f6-85d86ae8c34d/cloudLicensing/assignments/reprocessAssignments") => reprocessed.reply(),
            _ => Reply::json(400, &odata_error("NoRoute", "not served by the test")),
        }
    })
    .await;

    // The tenant facts, taken from the docs' create example.
    let doc_body = create_req.body();
    let input = DemoInput {
        allotment_url: doc_body["allotment@odata.bind"].as_str().unwrap().into(),
        user_url: doc_body["assignedTo@odata.bind"].as_str().unwrap().into(),
        user_id: "43fe5b38-7328-40b9-a2f6-85d86ae8c34d".into(),
        disabled_plan: doc_body["disabledServicePlanIds"][0].as_str().unwrap().parse().unwrap(),
    };
    let token = Arc::new(CountingToken::default());
    let client = client(&server, &token);
    let mut out = Vec::new();
    let report = run_demo(&client, &input, &mut out).await.unwrap_or_else(|e| panic!("demo failed: {e}\n{}", String::from_utf8_lossy(&out)));
    let out = String::from_utf8(out).unwrap();
    println!("{out}");

    // What the server received, in order.
    let got = server.received();
    let expand = ("$expand", "assignedTo,allotment");
    let assignment = "/admin/cloudLicensing/assignments/405ee855-dd74-f695-8d7e-be35a6788fe8";
    let lines: Vec<_> = got.iter().map(Received::line).collect();
    let want = [
        ("GET", "/admin/cloudLicensing/allotments", q(&[])),
        ("GET", "/admin/cloudLicensing/assignments", q(&[expand])),
        ("GET", "/admin/cloudLicensing/assignments", q(&[expand, ("$skiptoken", "page+2")])), // 429
        ("GET", "/admin/cloudLicensing/assignments", q(&[expand, ("$skiptoken", "page+2")])),
        ("POST", "/admin/cloudLicensing/assignments", q(&[])),
        ("PATCH", assignment, q(&[])),
        ("DELETE", assignment, q(&[])),
        ("GET", assignment, q(&[])),
        ("POST", "/users/43fe5b38-7328-40b9-a2f6-85d86ae8c34d/cloudLicensing/assignments/reprocessAssignments", q(&[])),
    ]
    .map(|(m, p, q)| (m.to_owned(), p.to_owned(), q));
    assert_eq!(lines, want);
    // The next link was followed exactly as given (still encoded).
    assert_eq!(got[3].target, "/admin/cloudLicensing/assignments?$expand=assignedTo,allotment&$skiptoken=page%2B2");
    // One token per attempt, the retry included.
    assert_eq!(token.0.load(Ordering::SeqCst), got.len());

    // Throttling: the retry waited for Retry-After (1 s).
    let waited = got[3].at - got[2].at;
    assert!(waited >= Duration::from_millis(950), "retried after {waited:?}");

    for r in [&got[0], &got[1], &got[2], &got[3], &got[6], &got[7], &got[8]] {
        assert_bodyless_request(r);
    }
    // Create: exactly the docs' example body (typed NewAssignment, `@odata.bind`s).
    assert_json_request(&got[4]);
    assert_eq!(got[4].json(), doc_body);
    // Update: only the property that was set.
    assert_json_request(&got[5]);
    assert_eq!(got[5].json(), json!({"disabledServicePlanIds": []}));
    // The docs' reprocess request is what was sent.
    assert_eq!(reprocess_req.first_line, format!("POST https://graph.microsoft.com/beta{}", got[8].path));

    assert_eq!(
        report,
        LicenseReport {
            lines: vec![
                SkuLine { sku_part_number: "EXCHANGESTANDARD".into(), sku_id: "4b9405b0-7788-4568-add1-99614e613b69".into(), allotted: 250, consumed: 224, assignments: 1 },
                SkuLine { sku_part_number: "Teams_Ess".into(), sku_id: "f245ecc8-75af-4f8e-b61f-27d8114de5f3".into(), allotted: 100, consumed: 84, assignments: 1 },
            ]
        }
    );
    assert_eq!(report.lines[0].available(), 26);
    for expected in [
        "allotments: 1",
        "assignments page 1: 1 item(s)",
        "assignments page 2: 1 item(s)",
        "→ Steve Fred (Teams_Ess)",
        "created assignment 405ee855-dd74-f695-8d7e-be35a6788fe8",
        "updated assignment 405ee855-dd74-f695-8d7e-be35a6788fe8: 1 plan(s) disabled",
        "still exists: false",
        "reprocessing assignments of user 43fe5b38",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    let row = out.lines().find(|l| l.starts_with("EXCHANGESTANDARD")).unwrap();
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["EXCHANGESTANDARD", "4b9405b0-7788-4568-add1-99614e613b69", "250", "224", "26", "1"]);
}

#[tokio::test]
async fn patch_sends_exactly_what_was_set() {
    let (_, updated) = doc_example("cloudlicensing-assignment-update.md", "update_assignment");
    let server = Server::start(move |_, _| updated.reply()).await;
    let token = Arc::new(CountingToken::default());
    let client = client(&server, &token);
    let plan: graph_runtime::edm::Guid = "bed136c6-b799-4462-824d-fc045d3a9d25".parse().unwrap();

    let a = set_disabled_plans(&client, "a b/c", Some(vec![plan.clone()])).await.unwrap();
    assert_eq!(a.disabled_service_plan_ids, Some(vec![plan.clone()]));
    set_disabled_plans(&client, "x", None).await.unwrap();
    let nothing = graph::admin().cloud_licensing().assignments().by_id("x").update(&AssignmentUpdate::default());
    client.send(&nothing).await.unwrap();

    let got = server.received();
    assert_eq!(got.len(), 3);
    for r in &got {
        assert_eq!(r.method, "PATCH");
        assert_json_request(r);
    }
    // The key is one path segment, percent-encoded.
    assert_eq!(got[0].path, "/admin/cloudLicensing/assignments/a%20b%2Fc");
    assert_eq!(got[0].json(), json!({"disabledServicePlanIds": ["bed136c6-b799-4462-824d-fc045d3a9d25"]}));
    // Set to null: an explicit null, byte for byte.
    assert_eq!(String::from_utf8(got[1].body.clone()).unwrap(), r#"{"disabledServicePlanIds":null}"#);
    // Nothing set: nothing sent.
    assert_eq!(String::from_utf8(got[2].body.clone()).unwrap(), "{}");
}

#[tokio::test]
async fn odata_errors_are_typed() {
    let server = Server::start(|r, _| match r.path.as_str() {
        "/admin/cloudLicensing/assignments/gone/allotment" => not_found(),
        "/admin/cloudLicensing/allotments" => Reply::text(502, "text/html", "<html>bad gateway</html>"),
        _ => Reply::json(429, &odata_error("TooManyRequests", "slow down")).header("Retry-After", "0"),
    })
    .await;
    let token = Arc::new(CountingToken::default());
    let client = client(&server, &token).max_retries(2);

    let get = graph::admin().cloud_licensing().assignments().by_id("gone").allotment().get();
    let err = client.send(&get).await.unwrap_err();
    let Error::Graph(g) = &err else { panic!("not a Graph error: {err:?}") };
    assert_eq!(g.status, 404);
    assert_eq!(g.code(), Some("Request_ResourceNotFound"));
    let body = &g.odata.as_ref().unwrap().error;
    assert_eq!(body.message, "Resource '405ee855-dd74-f695-8d7e-be35a6788fe8' does not exist.");
    let inner = body.inner_error.as_ref().unwrap();
    assert_eq!(inner.request_id.as_deref(), Some("7b0bdc49-4d1f-4b3a-9d0c-6d1f3e1d9b0e"));
    assert_eq!(inner.date.as_deref(), Some("2025-07-18T09:30:00"));
    assert_eq!(g.headers["request-id"], "7b0bdc49-4d1f-4b3a-9d0c-6d1f3e1d9b0e");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&g.raw_body).unwrap(), odata_error("Request_ResourceNotFound", "Resource '405ee855-dd74-f695-8d7e-be35a6788fe8' does not exist."));
    assert!(err.to_string().contains("Request_ResourceNotFound") && err.to_string().contains("request-id 7b0bdc49"), "{err}");

    // Not JSON: no OData error, the body is kept.
    let err = client.send(&graph::admin().cloud_licensing().allotments().list()).await.unwrap_err();
    let g = err.as_graph().unwrap();
    assert_eq!((g.status.as_u16(), g.odata.is_none(), g.raw_body.as_slice()), (502, true, b"<html>bad gateway</html>".as_slice()));

    // Throttled for good: 1 + 2 retries, then the 429 with its Retry-After.
    let err = client.send(&graph::admin().cloud_licensing().assignments().list()).await.unwrap_err();
    let g = err.as_graph().unwrap();
    assert_eq!((g.status.as_u16(), g.code(), g.retry_after()), (429, Some("TooManyRequests"), Some(Duration::ZERO)));
    let got = server.received();
    assert_eq!(got.len(), 1 + 1 + 3);
    assert!(got[2..].iter().all(|r| r.path == "/admin/cloudLicensing/assignments"));
}

#[tokio::test]
async fn paging_keeps_query_and_headers() {
    let (_, first) = doc_example("cloudlicensing-admincloudlicensing-list-allotments.md", "list_admin_assignment_allotment");
    let (_, second) = doc_example("cloudlicensing-admincloudlicensing-list-allotments.md", "list_admin_assignment_allotment_with_waitingmembers");
    let server = Server::start(move |r, base| {
        if r.query.iter().any(|(k, _)| k == "$skiptoken") {
            second.reply()
        } else {
            let mut body = first.body();
            body["@odata.count"] = json!(2);
            body["@odata.nextLink"] = json!(format!("{base}/admin/cloudLicensing/allotments?$top=1&$count=true&$skiptoken=X%27Y"));
            Reply::json(200, &body)
        }
    })
    .await;
    let token = Arc::new(CountingToken::default());
    let client = client(&server, &token);
    let list = graph::admin().cloud_licensing().allotments().list().top(1).count(true).consistency_level_eventual();
    assert!(list.operation().unwrap().headers.is_empty(), "the docs name no headers but Authorization");
    let mut pager = client.pages(list);
    let mut pages: Vec<Page<graph::cloud_licensing::Allotment>> = Vec::new();
    while let Some(page) = pager.next_page().await {
        pages.push(page.unwrap());
    }
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].count, Some(2));
    assert_eq!(pages[0].value[0].allotted_units, Some(250));
    assert_eq!(pages[1].value[0].waiting_members.as_ref().map(Vec::len), Some(1));

    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].query, q(&[("$top", "1"), ("$count", "true")]));
    assert_eq!(got[1].query, q(&[("$top", "1"), ("$count", "true"), ("$skiptoken", "X'Y")]));
    for r in &got {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/admin/cloudLicensing/allotments"));
        assert_eq!(r.header("consistencylevel"), Some("eventual"), "the next link carries the first request's headers");
        assert_bodyless_request(r);
    }
}

#[tokio::test]
async fn documented_headers_are_data_and_sent() {
    // Create: the docs' request headers table says `Content-Type: application/json`, required.
    let spec = operations::ASSIGNMENT_CREATE.header("content-type").expect("documented");
    assert_eq!((spec.name, spec.value, spec.required), ("Content-Type", Some("application/json"), true));
    assert!(operations::ASSIGNMENT_UPDATE.header("Content-Type").is_some_and(|h| h.required));
    // Authorization stays the client's job: it is never part of an operation's headers.
    for op in [&operations::ASSIGNMENT_CREATE, &operations::ASSIGNMENT_UPDATE, &operations::ASSIGNMENT_DELETE, &operations::ALLOTMENT_LIST] {
        assert!(op.header("Authorization").is_none(), "{}", op.id);
    }
    assert!(operations::ASSIGNMENT_DELETE.header("Content-Type").is_none());

    let (create_req, created) = doc_example("cloudlicensing-admincloudlicensing-post-assignments.md", "create_cloudlicensing_assignment");
    let body: graph::cloud_licensing::NewAssignment = serde_json::from_value(create_req.body()).unwrap();
    let req = graph::admin().cloud_licensing().assignments().create(&body);
    let op = req.operation().unwrap();
    let server = Server::start(move |_, _| created.reply()).await;
    let token = Arc::new(CountingToken::default());
    client(&server, &token).send(&req).await.unwrap();
    let got = server.received();
    // Every documented header with a fixed value was sent with it.
    for h in op.headers.iter().filter(|h| h.required) {
        assert_eq!(got[0].header(h.name), h.value, "{}", h.name);
    }
    assert_eq!(got[0].json(), create_req.body());
    assert_eq!(create_req.headers, vec![("Content-Type".to_owned(), "application/json".to_owned())]);
}
