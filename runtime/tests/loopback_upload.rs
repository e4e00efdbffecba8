//! Large-file upload over real HTTP: reqwest against a server on 127.0.0.1 playing the
//! upload session, checking every range it received and that none carried `Authorization`.

mod loopback;

use std::sync::{Arc, Mutex};

use loopback::transport;
use loopback::{q, Received, Reply, Server};
use graph_runtime::client::{Client, StaticToken};
use graph_runtime::upload::{ChunkSize, InvalidUpload, LargeFileUpload, Progress, UploadSession};
use graph_runtime::{Request, RequestPath};
use serde_json::json;

const UNIT: usize = 320 * 1024;
const EXPIRES: &str = "2025-01-29T09:21:55.523Z";

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn create_session() -> Request<serde_json::Value> {
    let path = RequestPath::root().segment("drives").key("drive-id", "d1").segment("items").segment("root:/report.bin:").segment("createUploadSession");
    Request::new(http::Method::POST, path, None).with_json_body(&json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}}))
}

/// The service side of one session: what it has stored, and one PUT that it fails after
/// keeping only half of it.
fn session_server(total: usize, fail_at: Option<usize>) -> impl Fn(&Received, &str) -> Reply + Send + Sync {
    let stored: Arc<Mutex<Vec<u8>>> = Arc::default();
    let failed = Arc::new(Mutex::new(false));
    move |r, base| {
        let mut stored = stored.lock().unwrap();
        let ranges = |n: usize| json!({"expirationDateTime": EXPIRES, "nextExpectedRanges": [format!("{n}-")]});
        match (r.method.as_str(), r.path.as_str()) {
            ("POST", "/drives/d1/items/root:/report.bin:/createUploadSession") => Reply::json(200, &json!({
                "@odata.context": format!("{base}/$metadata#microsoft.graph.uploadSession"),
                "uploadUrl": format!("{base}/up/s1?sig=a%2Bb"),
                "expirationDateTime": EXPIRES,
                "nextExpectedRanges": ["0-"]
            })),
            ("PUT", "/up/s1") => {
                let range = r.header("content-range").unwrap_or_default();
                let start: usize = range.trim_start_matches("bytes ").split('-').next().unwrap().parse().unwrap();
                assert_eq!(start, stored.len(), "ranges arrive where the service expects them");
                let mut failed = failed.lock().unwrap();
                if fail_at == Some(start) && !*failed {
                    *failed = true;
                    stored.extend_from_slice(&r.body[..r.body.len() / 2]);
                    return Reply::json(500, &json!({"error": {"code": "generalException", "message": "try again"}})).header("Retry-After", "0");
                }
                stored.extend_from_slice(&r.body);
                if stored.len() == total {
                    Reply::json(201, &json!({"id": "01BYE5RZ", "name": "report.bin", "size": total, "file": {}}))
                } else {
                    Reply::json(202, &ranges(stored.len()))
                }
            }
            ("GET", "/up/s1") => Reply::json(200, &ranges(stored.len())),
            ("DELETE", "/up/s1") => Reply::empty(204),
            _ => Reply::json(404, &json!({"error": {"code": "itemNotFound", "message": r.target.clone()}})),
        }
    }
}

/// Every request to the pre-authenticated URL: its path and query, and no `Authorization`.
fn assert_to_upload_url(r: &Received) {
    assert_eq!((r.path.as_str(), r.query.clone()), ("/up/s1", q(&[("sig", "a+b")])), "{} {}", r.method, r.target);
    assert_eq!(r.target, "/up/s1?sig=a%2Bb", "the upload URL is used as sent");
    assert_eq!(r.header("authorization"), None, "{} {}: Authorization sent to the upload URL (dotnet #2949)", r.method, r.target);
}

fn assert_range(r: &Received, bytes: &[u8], first: usize, last: usize) {
    assert_to_upload_url(r);
    assert_eq!(r.method, "PUT");
    assert_eq!(r.header("content-range"), Some(format!("bytes {first}-{last}/{}", bytes.len()).as_str()));
    assert_eq!(r.header("content-length"), Some((last + 1 - first).to_string().as_str()));
    assert!(r.body == bytes[first..=last], "body of range {first}-{last}");
}

#[tokio::test]
async fn upload_in_ranges_without_authorization_resuming_after_a_failed_range() {
    let bytes = data(3 * UNIT + 1000);
    let server = Server::start(session_server(bytes.len(), Some(UNIT))).await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));

    let session = UploadSession::create(&client, &create_session()).await.unwrap();
    assert_eq!(session.upload_url, format!("{}/up/s1?sig=a%2Bb", server.base));
    assert_eq!(session.next_expected_ranges, ["0-"]);

    let mut seen = Vec::new();
    let mut upload = LargeFileUpload::new(session, &bytes).unwrap().chunk_size(ChunkSize::new(UNIT).unwrap());
    let item: serde_json::Value = upload.send(client.transport(), |p| seen.push(p)).await.unwrap();
    assert_eq!(item["id"], "01BYE5RZ");
    assert_eq!(item["size"], bytes.len());
    let total = bytes.len() as u64;
    let at = |n: usize| Progress { uploaded: n as u64, total };
    assert_eq!(seen, [at(UNIT), at(UNIT + UNIT / 2 + UNIT), at(bytes.len())]);

    let got = server.received();
    assert_eq!(got.len(), 6, "{:#?}", got.iter().map(Received::line).collect::<Vec<_>>());
    // The session is created with the client's token and the JSON body…
    assert_eq!((got[0].method.as_str(), got[0].header("authorization")), ("POST", Some("Bearer tok")));
    assert_eq!(got[0].json(), json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}}));
    // …the ranges go without it.
    assert_range(&got[1], &bytes, 0, UNIT - 1);
    assert_range(&got[2], &bytes, UNIT, 2 * UNIT - 1); // fails; half of it is kept
    assert_to_upload_url(&got[3]);
    assert_eq!((got[3].method.as_str(), got[3].body.len(), got[3].header("content-range")), ("GET", 0, None));
    let resume = UNIT + UNIT / 2;
    assert_range(&got[4], &bytes, resume, resume + UNIT - 1);
    assert_range(&got[5], &bytes, resume + UNIT, bytes.len() - 1);
}

#[tokio::test]
async fn cancel_deletes_the_session_and_errors_end_or_bound_the_upload() {
    let bytes = data(UNIT + 1);
    let server = Server::start(session_server(bytes.len(), None)).await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));
    let session = UploadSession::create(&client, &create_session()).await.unwrap();
    session.cancel(client.transport()).await.unwrap();
    let got = server.received();
    assert_eq!(got[1].method, "DELETE");
    assert_to_upload_url(&got[1]);
    assert!(got[1].body.is_empty());

    // A session that is gone (404) ends the upload at once.
    let mut gone = session.clone();
    gone.upload_url = format!("{}/up/expired", server.base);
    let err = LargeFileUpload::new(gone, &bytes).unwrap().send::<serde_json::Value, _>(client.transport(), |_| {}).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    assert_eq!(server.received().len(), 3);

    // A service that keeps failing is retried a bounded number of times (range, status, range).
    let failing = Server::start(|r, _| match r.method.as_str() {
        "GET" => Reply::json(200, &json!({"nextExpectedRanges": ["0-"]})),
        _ => Reply::empty(503).header("Retry-After", "0"),
    })
    .await;
    let mut s = session.clone();
    s.upload_url = format!("{}/up/s1?sig=a%2Bb", failing.base);
    let err = LargeFileUpload::new(s, &bytes).unwrap().chunk_size(ChunkSize::new(UNIT).unwrap()).max_retries(1).send::<serde_json::Value, _>(client.transport(), |_| {}).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    let got = failing.received();
    assert_eq!(got.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(), ["PUT", "GET", "PUT"]);
    got.iter().for_each(assert_to_upload_url);
    assert_range(&got[0], &bytes, 0, UNIT - 1);
    assert_range(&got[2], &bytes, 0, UNIT - 1);
}

#[test]
fn chunk_sizes_are_multiples_of_320_kib_under_60_mib() {
    assert_eq!(ChunkSize::default().bytes(), 32 * UNIT);
    assert_eq!(ChunkSize::new(UNIT).unwrap().bytes(), UNIT);
    assert_eq!(ChunkSize::new(187 * UNIT).unwrap().bytes(), 187 * UNIT);
    for bad in [0, 1, UNIT - 1, UNIT + 1, 10 * 1000 * 1000, 192 * UNIT, 60 * 1024 * 1024, 200 * UNIT] {
        assert_eq!(ChunkSize::new(bad), Err(InvalidUpload::ChunkSize(bad)), "{bad}");
    }
    let session: UploadSession = serde_json::from_value(json!({"uploadUrl": "/relative"})).unwrap();
    assert!(matches!(LargeFileUpload::new(session.clone(), b"x"), Err(InvalidUpload::UploadUrl(_))));
    let session = UploadSession { upload_url: "https://h/up".into(), ..session };
    assert_eq!(LargeFileUpload::new(session, b"").unwrap_err(), InvalidUpload::Empty);
}

#[tokio::test]
async fn an_empty_202_goes_on_after_the_range_and_200_ends_it() {
    let bytes = data(UNIT + 10);
    let server = Server::start(|r, _| match r.header("content-range") {
        Some(range) if range.starts_with("bytes 0-") => Reply::empty(202),
        _ => Reply::json(200, &json!({"id": "done"})),
    })
    .await;
    let session = UploadSession { upload_url: format!("{}/up/s1?sig=a%2Bb", server.base), ..Default::default() };
    let item: serde_json::Value = LargeFileUpload::new(session, &bytes).unwrap().chunk_size(ChunkSize::new(UNIT).unwrap()).send(&transport(), |_| {}).await.unwrap();
    assert_eq!(item["id"], "done");
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_range(&got[0], &bytes, 0, UNIT - 1);
    assert_range(&got[1], &bytes, UNIT, UNIT + 9);
}

#[tokio::test]
async fn a_session_found_gone_after_a_failed_range_ends_the_upload() {
    let server = Server::start(|r, _| match r.method.as_str() {
        "PUT" => Reply::empty(500).header("Retry-After", "0"),
        _ => Reply::json(404, &json!({"error": {"code": "itemNotFound", "message": "The upload session was not found"}})),
    })
    .await;
    let session = UploadSession { upload_url: format!("{}/up/s1?sig=a%2Bb", server.base), ..Default::default() };
    let bytes = data(10);
    let err = LargeFileUpload::new(session, &bytes).unwrap().send::<serde_json::Value, _>(&transport(), |_| {}).await.unwrap_err();
    assert_eq!(err.as_graph().and_then(|g| g.code()), Some("itemNotFound"));
    let got = server.received();
    assert_eq!(got.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(), ["PUT", "GET"]);
    got.iter().for_each(assert_to_upload_url);
    assert_range(&got[0], &bytes, 0, 9);
}
