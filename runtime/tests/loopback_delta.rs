//! Delta queries over real HTTP: reqwest against a server on 127.0.0.1 that checks what it
//! received, page by page, through a sync and its resume.

mod loopback;

use loopback::{q, Received, Reply, Server};
use loopback::transport;
use graph_runtime::client::{Client, StaticToken};
use graph_runtime::delta::{Change, DeltaToken, RemovalReason};
use graph_runtime::{Error, Page, Request, RequestPath};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    display_name: Option<String>,
}

/// What `graph::users().delta()` is in the v1.0 crate (`Request<Page<User>>`), with options.
fn users_delta() -> Request<Page<User>> {
    Request::new(http::Method::GET, RequestPath::root().segment("users").function("delta", &[]), None)
        .select_raw(["displayName"])
        .prefer("odata.maxpagesize=2")
}

fn assert_get(r: &Received, path: &str, query: &[(&str, &str)]) {
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", path), "{}", r.target);
    assert_eq!(r.query, q(query), "{}", r.target);
    assert_eq!(r.header("authorization"), Some("Bearer tok"), "{}", r.target);
    assert_eq!(r.header("prefer"), Some("odata.maxpagesize=2"), "every page and the resume keep the first request's Prefer: {}", r.target);
    assert_eq!(r.header("content-type"), None);
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn delta_sync_pages_tombstones_token_and_resume() {
    let server = Server::start(|r, base| {
        let query: Vec<(&str, &str)> = r.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match query.as_slice() {
            [("$select", _)] => Reply::json(200, &json!({
                "@odata.context": format!("{base}/$metadata#users(displayName)"),
                "@odata.nextLink": format!("{base}/users/delta()?$skiptoken=page%2F2"),
                "value": [{"id": "u1", "displayName": "Adele"}, {"id": "u2", "displayName": "Alex"}]
            })),
            [("$skiptoken", "page/2")] => Reply::json(200, &json!({
                "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=t%2B1"),
                "value": [{"id": "u3", "displayName": "Megan"}, {"id": "u4", "@removed": {"reason": "changed"}}]
            })),
            [("$deltatoken", "t+1")] => Reply::json(200, &json!({
                "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=t2"),
                "value": [{"id": "u1", "displayName": "Adele V."}, {"id": "u2", "@removed": {"reason": "deleted"}}]
            })),
            _ => Reply::json(400, &json!({"error": {"code": "BadRequest", "message": r.target.clone()}})),
        }
    })
    .await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));

    let mut sync = client.delta(users_delta());
    let first = sync.next_page().await.unwrap().unwrap();
    assert_eq!(first.len(), 2);
    assert!(sync.token().is_none(), "no token before the page with the delta link");
    let second = sync.next_page().await.unwrap().unwrap();
    assert!(sync.next_page().await.is_none());
    assert_eq!(second[0], Change::Upsert(User { id: "u3".into(), display_name: Some("Megan".into()) }));
    let removed = second[1].removed().expect("a tombstone");
    assert_eq!((removed.id.as_str(), &removed.reason), ("u4", &RemovalReason::Changed));

    // The delta link comes out exactly as the server sent it: never empty (python-core #1117,
    // dotnet-core #619), with the base and the first request's headers.
    let token = sync.token().unwrap().clone();
    assert_eq!(token.delta_link(), format!("{}/users/delta()?$deltatoken=t%2B1", server.base));
    assert_eq!(token.base_url(), server.base);
    assert_eq!(token.headers(), [("prefer".to_owned(), "odata.maxpagesize=2".to_owned())]);

    // Stored and read back, then resumed.
    let saved = serde_json::to_string(&token).unwrap();
    let token: DeltaToken = serde_json::from_str(&saved).unwrap();
    let mut resumed = client.delta_resume::<User>(&token).unwrap();
    let mut changes = Vec::new();
    while let Some(change) = resumed.next_change().await {
        changes.push(change.unwrap());
    }
    let next = resumed.token().unwrap().clone();
    assert_eq!(changes[0].upserted().and_then(|u| u.display_name.as_deref()), Some("Adele V."));
    assert_eq!(changes[1].removed().map(|r| (r.id.as_str(), r.reason.clone())), Some(("u2", RemovalReason::Deleted)));
    assert_eq!(next.delta_link(), format!("{}/users/delta()?$deltatoken=t2", server.base));

    let got = server.received();
    assert_eq!(got.len(), 3);
    assert_get(&got[0], "/users/delta()", &[("$select", "displayName")]);
    assert_get(&got[1], "/users/delta()", &[("$skiptoken", "page/2")]);
    assert_get(&got[2], "/users/delta()", &[("$deltatoken", "t+1")]);
    // Links are used as sent, not re-encoded.
    assert_eq!(got[1].target, "/users/delta()?$skiptoken=page%2F2");
    assert_eq!(got[2].target, "/users/delta()?$deltatoken=t%2B1");
}

#[tokio::test]
async fn a_round_without_a_delta_link_is_an_error() {
    let server = Server::start(|r, _| match r.query.first().map(|(k, _)| k.as_str()) {
        Some("$select") => Reply::json(200, &json!({"value": [{"id": "u1"}], "@odata.deltaLink": ""})),
        _ => Reply::json(200, &json!({"value": [{"id": "u1"}]})),
    })
    .await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));
    for req in [users_delta(), users_delta().top(1)] {
        let err = client.delta(req).collect_all().await.unwrap_err();
        assert!(matches!(&err, Error::Json(e) if e.to_string().contains("@odata.deltaLink")), "{err}");
    }
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn resume_stays_on_the_clients_host() {
    let server = Server::start(|_, _| Reply::json(200, &json!({"value": [], "@odata.deltaLink": "x"}))).await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));
    // A token of another cloud is refused before any request.
    let other = DeltaToken::new("https://graph.microsoft.us/v1.0", "https://graph.microsoft.us/v1.0/users/delta()?$deltatoken=1");
    assert!(matches!(client.delta_resume::<User>(&other), Err(Error::Url(_))));
    // A token whose link points elsewhere never gets the access token.
    let forged = DeltaToken::new(server.base.clone(), "http://127.0.0.2:9/users/delta()?$deltatoken=1");
    let err = client.delta_resume::<User>(&forged).unwrap().collect_all().await.unwrap_err();
    assert!(matches!(err, Error::Url(_)), "{err}");
    assert!(server.received().is_empty());
    // Changes read back as they were sent.
    for entry in [json!({"id": "u9", "@removed": {"reason": "changed"}, "@odata.type": "#microsoft.graph.user"}), json!({"id": "u9", "@removed": {}}), json!({"id": "u9", "displayName": "X"})] {
        let change: Change<User> = serde_json::from_value(entry.clone()).unwrap();
        assert_eq!(serde_json::to_value(&change).unwrap(), entry);
    }
    // A tombstone needs an id.
    let bad = serde_json::from_value::<Change<User>>(json!({"@removed": {"reason": "deleted"}}));
    assert!(bad.unwrap_err().to_string().contains("without an `id`"));
}

#[cfg(feature = "futures")]
#[tokio::test]
async fn a_sync_as_a_stream_ends_with_its_token() {
    use futures::TryStreamExt;
    use graph_runtime::delta::DeltaEvent;
    let server = Server::start(|r, base| match r.query.first().map(|(k, _)| k.as_str()) {
        Some("$select") => Reply::json(200, &json!({"value": [{"id": "u1"}], "@odata.nextLink": format!("{base}/users/delta()?$skiptoken=2")})),
        _ => Reply::json(200, &json!({"value": [{"id": "u2", "@removed": {}}], "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=3")})),
    })
    .await;
    let client = Client::new(server.base.clone(), transport(), StaticToken::new("tok"));
    let events: Vec<DeltaEvent<serde_json::Value>> = client.delta(users_delta().with_response()).into_stream().try_collect().await.unwrap();
    assert_eq!(events.len(), 3);
    assert!(matches!(&events[0], DeltaEvent::Change(Change::Upsert(v)) if v["id"] == "u1"));
    assert!(matches!(&events[1], DeltaEvent::Change(Change::Removed(r)) if r.id == "u2" && r.reason == RemovalReason::Unspecified));
    assert!(matches!(&events[2], DeltaEvent::Token(t) if t.delta_link() == format!("{}/users/delta()?$deltatoken=3", server.base)));
    let got = server.received();
    assert_eq!(got.iter().map(|r| r.query.clone()).collect::<Vec<_>>(), [q(&[("$select", "displayName")]), q(&[("$skiptoken", "2")])]);
    for r in &got {
        assert_eq!((r.method.as_str(), r.path.as_str(), r.header("authorization")), ("GET", "/users/delta()", Some("Bearer tok")));
        assert_eq!(r.header("prefer"), Some("odata.maxpagesize=2"));
    }
}
