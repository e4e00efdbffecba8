//! The tenant tool over real HTTP: reqwest against loopback servers playing Graph (delta
//! rounds, an upload session) and the app's webhook endpoint (the tool's inbox), with checks
//! on what each received.

mod support;

use std::sync::{Arc, Mutex};

use graph_runtime::client::{Client, ReqwestTransport, StaticToken};
use graph_runtime::delta::DeltaToken;
use graph_runtime::upload::{ChunkSize, Progress};
use graph_sdk_demo::tenant::{assignment_ids, react, read_assignment, upload_file, NotificationInbox, SyncSummary, UserDirectory};
use serde_json::json;
use support::*;

const SECRET: &str = "tenant-tool-secret";
const UNIT: usize = 320 * 1024;

fn transport() -> ReqwestTransport {
    ReqwestTransport::from_client(reqwest::Client::builder().no_proxy().build().unwrap())
}

/// Graph: two delta rounds of `/users/delta()` and one upload session.
fn graph(total: usize) -> impl Fn(&Received, &str) -> Reply + Send + Sync {
    let stored: Arc<Mutex<Vec<u8>>> = Arc::default();
    move |r, base| {
        let first: Option<(&str, &str)> = r.query.first().map(|(k, v)| (k.as_str(), v.as_str()));
        match (r.method.as_str(), r.path.as_str(), first) {
            ("GET", "/users/delta()", Some(("$select", _))) => Reply::json(200, &json!({
                "@odata.nextLink": format!("{base}/users/delta()?$skiptoken=s1"),
                "value": [{"id": "u1", "displayName": "Adele Vance", "mail": "adele@contoso.com"},
                          {"id": "u2", "displayName": "Alex Wilber", "mail": "alex@contoso.com"}]})),
            ("GET", "/users/delta()", Some(("$skiptoken", "s1"))) => Reply::json(200, &json!({
                "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=d1"),
                "value": [{"id": "u3", "displayName": "Megan Bowen", "mail": "megan@contoso.com"}]})),
            ("GET", "/users/delta()", Some(("$deltatoken", "d1"))) => Reply::json(200, &json!({
                "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=d2"),
                "value": [{"id": "u2", "displayName": "Alex W."}, {"id": "u3", "@removed": {"reason": "deleted"}}]})),
            ("POST", "/drives/b%21d1/items/01ITEM/createUploadSession", None) => Reply::json(200, &json!({
                "uploadUrl": format!("{base}/upload/s9?tempauth=abc"), "expirationDateTime": "2025-01-29T09:21:55Z",
                "nextExpectedRanges": ["0-"]})),
            ("PUT", "/upload/s9", _) => {
                let mut stored = stored.lock().unwrap();
                stored.extend_from_slice(&r.body);
                if stored.len() == total {
                    Reply::json(201, &json!({"id": "01ITEM", "name": "report.bin", "size": total}))
                } else {
                    Reply::json(202, &json!({"nextExpectedRanges": [format!("{}-", stored.len())]}))
                }
            }
            _ => Reply::json(400, &json!({"error": {"code": "NoRoute", "message": r.target.clone()}})),
        }
    }
}

/// The app's webhook endpoint: the tool's inbox behind the test server.
fn webhook(inbox: Arc<NotificationInbox>) -> impl Fn(&Received, &str) -> Reply + Send + Sync {
    move |r, _| Reply::from_http(inbox.handle(&r.to_http()))
}

#[tokio::test]
async fn delta_sync_notification_resume_and_upload() {
    let file: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 % 256) as u8).collect();
    let server = Server::start(graph(file.len())).await;
    let inbox = Arc::new(NotificationInbox::new(SECRET));
    let app = Server::start(webhook(inbox.clone())).await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));
    let mut out = Vec::new();

    // 1. A full delta sync: two pages, then the token.
    let mut directory = UserDirectory::new();
    let full = directory.sync(&client).await.unwrap();
    assert_eq!(full, SyncSummary { upserted: 3, removed: 0, resumed: false });
    assert_eq!(directory.display_names(), ["Adele Vance", "Alex Wilber", "Megan Bowen"]);

    // 2. The tool stops; its state is saved and read back.
    let saved = serde_json::to_string(directory.token().unwrap()).unwrap();
    let token: DeltaToken = serde_json::from_str(&saved).unwrap();
    assert_eq!(token.delta_link(), format!("{}/users/delta()?$deltatoken=d1", server.base));
    let mut directory = UserDirectory::resume_from(directory.users, token);

    // 3. Graph validates the webhook, then notifies a change to a user.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let hello = http.post(format!("{}/notify?validationToken=Validation%3A+Testing+abc", app.base)).send().await.unwrap();
    assert_eq!((hello.status().as_u16(), hello.text().await.unwrap()), (200, "Validation: Testing abc".to_owned()));
    let note = json!({"value": [{"subscriptionId": "sub-1", "clientState": SECRET, "changeType": "updated",
        "resource": "Users/u2", "resourceData": {"@odata.type": "#Microsoft.Graph.User", "id": "u2"},
        "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95"}]});
    let sent = http.post(format!("{}/notify", app.base)).header("content-type", "application/json").body(note.to_string()).send().await.unwrap();
    assert_eq!(sent.status(), 202);

    // 4. The tool handles it: only the changes since the token.
    let pending = inbox.take();
    assert_eq!(pending.len(), 1);
    let resumed = react(&client, &mut directory, &pending, &mut out).await.unwrap();
    assert_eq!(resumed, Some(SyncSummary { upserted: 1, removed: 1, resumed: true }));
    assert_eq!(directory.display_names(), ["Adele Vance", "Alex W."]);
    assert_eq!(directory.users["u2"].additional["mail"], "alex@contoso.com", "a change merges into what was known");
    assert_eq!(directory.token().unwrap().delta_link(), format!("{}/users/delta()?$deltatoken=d2", server.base));

    // 5. A 1 MiB file in 320 KiB ranges.
    let seen = Mutex::new(Vec::new());
    let item = upload_file(&client, "b!d1", "01ITEM", &file, ChunkSize::new(UNIT).unwrap(), |p: Progress| seen.lock().unwrap().push(p.uploaded)).await.unwrap();
    assert_eq!((item.id.as_deref(), item.size), (Some("01ITEM"), Some(file.len() as i64)));
    assert_eq!(*seen.lock().unwrap(), [UNIT as u64, 2 * UNIT as u64, 3 * UNIT as u64, file.len() as u64]);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("resumed sync: 1 changed, 1 removed; 2 users"), "{out}");

    // What Graph received, in order.
    let got = server.received();
    let lines: Vec<_> = got.iter().map(Received::line).collect();
    let want = [
        ("GET", "/users/delta()", q(&[("$select", "displayName,mail")])),
        ("GET", "/users/delta()", q(&[("$skiptoken", "s1")])),
        ("GET", "/users/delta()", q(&[("$deltatoken", "d1")])),
        ("POST", "/drives/b%21d1/items/01ITEM/createUploadSession", q(&[])),
        ("PUT", "/upload/s9", q(&[("tempauth", "abc")])),
        ("PUT", "/upload/s9", q(&[("tempauth", "abc")])),
        ("PUT", "/upload/s9", q(&[("tempauth", "abc")])),
        ("PUT", "/upload/s9", q(&[("tempauth", "abc")])),
    ]
    .map(|(m, p, q)| (m.to_owned(), p.to_owned(), q));
    assert_eq!(lines, want);
    for r in &got[..4] {
        assert_eq!(r.header("authorization"), Some("Bearer tok"), "{}", r.target);
    }
    assert_eq!(got[3].json(), json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}}));
    for (i, r) in got[4..].iter().enumerate() {
        let (first, last) = (i * UNIT, ((i + 1) * UNIT).min(file.len()) - 1);
        assert_eq!(r.header("authorization"), None, "no Authorization to the upload URL (dotnet #2949)");
        assert_eq!(r.header("content-range"), Some(format!("bytes {first}-{last}/{}", file.len()).as_str()));
        assert_eq!(r.header("content-length"), Some((last + 1 - first).to_string().as_str()));
        assert!(r.body == file[first..=last], "range {i}");
    }
    // What the webhook received.
    let hooks = app.received();
    assert_eq!(hooks.iter().map(Received::line).collect::<Vec<_>>(), [
        ("POST".to_owned(), "/notify".to_owned(), q(&[("validationToken", "Validation:+Testing+abc")])),
        ("POST".to_owned(), "/notify".to_owned(), q(&[])),
    ]);
    assert_eq!(hooks[1].json(), note);
}

#[tokio::test]
async fn three_reads_in_one_batch_and_a_streamed_list() {
    let server = Server::start(|r, base| match (r.method.as_str(), r.path.as_str()) {
        ("POST", "/$batch") => {
            let responses: Vec<_> = r.json()["requests"].as_array().unwrap().iter().map(|step| {
                let body = match step["url"].as_str().unwrap() {
                    "/admin/cloudLicensing/allotments/a1" => json!({"id": "a1", "skuPartNumber": "EMS", "allottedUnits": 10}),
                    "/admin/cloudLicensing/assignments/as1" => json!({"id": "as1"}),
                    "/admin/cloudLicensing/assignments/as1/assignedTo" => json!({"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Adele"}),
                    other => panic!("unexpected step {other}"),
                };
                json!({"id": step["id"], "status": 200, "headers": {"content-type": "application/json"}, "body": body})
            }).collect();
            Reply::json(200, &json!({"responses": responses}))
        }
        ("GET", "/admin/cloudLicensing/assignments") if r.query.iter().any(|(k, _)| k == "$skiptoken") => Reply::json(200, &json!({"value": [{"id": "as3"}]})),
        ("GET", "/admin/cloudLicensing/assignments") => Reply::json(200, &json!({
            "value": [{"id": "as1"}, {"id": "as2"}],
            "@odata.nextLink": format!("{base}/admin/cloudLicensing/assignments?$top=2&$skiptoken=p2")})),
        _ => Reply::json(400, &json!({"error": {"code": "NoRoute", "message": r.target.clone()}})),
    })
    .await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));

    let reads = read_assignment(&client, "a1", "as1").await.unwrap();
    assert_eq!(reads.round_trips, 1);
    let allotment = reads.allotment.unwrap();
    assert_eq!((allotment.id.as_deref(), allotment.allotted_units), (Some("a1"), Some(10)));
    assert_eq!(reads.assignment.unwrap().id.as_deref(), Some("as1"));
    assert_eq!(reads.assigned_to.unwrap().additional["displayName"], "Adele");

    assert_eq!(assignment_ids(&client).await.unwrap(), ["as1", "as2", "as3"]);

    let got = server.received();
    let lines: Vec<_> = got.iter().map(Received::line).collect();
    let want = [
        ("POST", "/$batch", q(&[])),
        ("GET", "/admin/cloudLicensing/assignments", q(&[("$top", "2")])),
        ("GET", "/admin/cloudLicensing/assignments", q(&[("$top", "2"), ("$skiptoken", "p2")])),
    ]
    .map(|(m, p, q)| (m.to_owned(), p.to_owned(), q));
    assert_eq!(lines, want);
    for r in &got {
        assert_eq!(r.header("authorization"), Some("Bearer tok"), "{}", r.target);
    }
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    assert_eq!(got[0].json(), json!({"requests": [
        {"id": "1", "method": "GET", "url": "/admin/cloudLicensing/allotments/a1"},
        {"id": "2", "method": "GET", "url": "/admin/cloudLicensing/assignments/as1"},
        {"id": "3", "method": "GET", "url": "/admin/cloudLicensing/assignments/as1/assignedTo"},
    ]}));
    assert!(got[1].body.is_empty() && got[2].body.is_empty());
}
