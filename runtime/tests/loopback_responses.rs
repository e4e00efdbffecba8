//! Responses over real HTTP: status and headers of every call, `If-Match` from a read
//! model's `@odata.etag`, and next pages that keep the first request's headers (the peer
//! bug dotnet#2731: `Prefer` applied to the first page only); with `futures`, the pager as
//! a `Stream`.

mod loopback;

use graph_runtime::wire::{Fields, Object, WireModel};
use graph_runtime::{ETagged, Error, Page, Request, RequestPath, Response};
use loopback::*;
use serde_json::json;

/// A model as the generator emits it: `@odata.etag` is not a declared property, so it is
/// kept in `additional`.
#[derive(Clone, Default)]
struct PlannerTask {
    id: Option<String>,
    title: Option<String>,
    percent_complete: Option<i32>,
    additional: serde_json::Map<String, serde_json::Value>,
}

impl WireModel for PlannerTask {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(PlannerTask { id: o.take("id"), title: o.take("title"), percent_complete: o.take("percentComplete"), additional: o.rest() })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.opt("id", &self.id);
        w.opt("title", &self.title);
        w.opt("percentComplete", &self.percent_complete);
        w.additional(&self.additional);
    }
}

graph_runtime::wire_model_serde!(PlannerTask);

impl std::fmt::Debug for PlannerTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        graph_runtime::wire::debug(self, "PlannerTask", f)
    }
}

const ETAG: &str = "W/\"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc=\"";

fn task_path(id: &str) -> RequestPath {
    RequestPath::root().segment("planner").segment("tasks").key("plannerTask-id", id)
}

#[tokio::test]
async fn send_with_headers_gives_status_headers_and_value() {
    let server = Server::start(|_, _| {
        Reply::json(201, &json!({"id": "t1", "title": "Plan"}))
            .header("ETag", ETAG)
            .header("request-id", "0d2b7c0e-1111-2222-3333-444455556666")
            .header("Location", "https://graph.microsoft.com/v1.0/planner/tasks/t1")
    })
    .await;
    let create: Request<PlannerTask> = Request::new(http::Method::POST, RequestPath::root().segment("planner").segment("tasks"), None)
        .with_json_body(&json!({"title": "Plan", "planId": "p1"}))
        .select_raw(["id", "title"]);
    let resp: Response<PlannerTask> = client(&server).send_with_headers(&create).await.unwrap();
    assert_eq!(resp.status, http::StatusCode::CREATED);
    assert_eq!(resp.request_id(), Some("0d2b7c0e-1111-2222-3333-444455556666"));
    assert_eq!(resp.header("location"), Some("https://graph.microsoft.com/v1.0/planner/tasks/t1"));
    assert_eq!(resp.value.title.as_deref(), Some("Plan"));
    // The ETag header wins over the body's (absent here) annotation.
    assert_eq!(resp.etag().as_deref(), Some(ETAG));

    let [r] = &server.received()[..] else { panic!("one request") };
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/planner/tasks"));
    assert_eq!(r.query, q(&[("$select", "id,title")]));
    assert_authorized(r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"title": "Plan", "planId": "p1"}));

    // A failure keeps its headers as well.
    let server = Server::start(|_, _| {
        Reply::json(412, &json!({"error": {"code": "PreconditionFailed", "message": "etag mismatch"}})).header("request-id", "r-412")
    })
    .await;
    let err = client(&server).send_with_headers(&create).await.unwrap_err();
    let g = err.as_graph().unwrap();
    assert_eq!((g.status.as_u16(), g.code(), g.headers["request-id"].to_str().unwrap()), (412, Some("PreconditionFailed"), "r-412"));
}

#[tokio::test]
async fn an_update_sends_if_match_from_the_model_it_read() {
    let server = Server::start(|r, _| match r.method.as_str() {
        "GET" => Reply::json(200, &json!({"@odata.etag": ETAG, "id": "t1", "title": "Plan", "percentComplete": 0})),
        _ => Reply::empty(204),
    })
    .await;
    let client = client(&server);
    let task: PlannerTask = client.send(&Request::new(http::Method::GET, task_path("t1"), None)).await.unwrap();
    assert_eq!(task.etag().as_deref(), Some(ETAG));
    let update: Request<graph_runtime::NoContent> = Request::new(http::Method::PATCH, task_path("t1"), None)
        .with_json_body(&json!({"percentComplete": 50}))
        .if_match_from(&task);
    client.send(&update).await.unwrap();

    let received = server.received();
    assert_eq!(received.len(), 2);
    let patch = &received[1];
    assert_eq!((patch.method.as_str(), patch.path.as_str()), ("PATCH", "/planner/tasks/t1"));
    assert!(patch.query.is_empty());
    assert_authorized(patch);
    assert_eq!(patch.header("if-match"), Some(ETAG));
    assert_eq!(patch.json(), json!({"percentComplete": 50}));
    assert_eq!(received[0].header("if-match"), None);

    // A model read without its etag: the update is refused before any I/O, not sent
    // without the precondition.
    let bare = PlannerTask { id: Some("t1".into()), ..Default::default() };
    let update: Request<graph_runtime::NoContent> = Request::new(http::Method::PATCH, task_path("t1"), None).if_match_from(&bare);
    assert!(matches!(client.send(&update).await, Err(Error::InvalidHeader(m)) if m.contains("@odata.etag")));
    assert_eq!(server.received().len(), 2);
}

fn users_request() -> Request<Page<serde_json::Value>> {
    Request::new(http::Method::GET, RequestPath::root().segment("users"), None)
        .prefer("odata.maxpagesize=2")
        .prefer("include-unknown-enum-members")
        .consistency_level_eventual()
        .header_str("x-ms-client-tag", "sync-42")
        .unwrap()
        .count(true)
        .filter(graph_runtime::filter::Filter::raw("startswith(displayName,'a')"))
}

/// Three pages; each next link carries a `$skiptoken`.
fn paged_users(r: &Received, base: &str) -> Reply {
    let token = r.query.iter().find(|(k, _)| k == "$skiptoken").map(|(_, v)| v.as_str());
    let (items, next) = match token {
        None => (json!([{"id": "1"}, {"id": "2"}]), Some("p2")),
        Some("p2") => (json!([{"id": "3"}, {"id": "4"}]), Some("p3")),
        Some(_) => (json!([{"id": "5"}]), None),
    };
    let mut body = json!({"@odata.count": 5, "value": items});
    if let Some(next) = next {
        body["@odata.nextLink"] = json!(format!("{base}/users?$count=true&$skiptoken={next}"));
    }
    Reply::json(200, &body).header("request-id", &format!("rid-{}", token.unwrap_or("/users?")))
}

fn assert_three_pages_with_the_first_headers(received: &[Received]) {
    let lines: Vec<_> = received.iter().map(Received::line).collect();
    let filter = ("$filter", "startswith(displayName,'a')");
    assert_eq!(
        lines,
        [
            ("GET".to_string(), "/users".to_string(), q(&[filter, ("$count", "true")])),
            ("GET".into(), "/users".into(), q(&[("$count", "true"), ("$skiptoken", "p2")])),
            ("GET".into(), "/users".into(), q(&[("$count", "true"), ("$skiptoken", "p3")])),
        ]
    );
    for r in received {
        assert_authorized(r);
        let prefer: Vec<&str> = r.headers.iter().filter(|(k, _)| k == "prefer").map(|(_, v)| v.as_str()).collect();
        assert_eq!(prefer, ["odata.maxpagesize=2", "include-unknown-enum-members"], "{}", r.target);
        assert_eq!(r.header("consistencylevel"), Some("eventual"), "{}", r.target);
        assert_eq!(r.header("x-ms-client-tag"), Some("sync-42"), "{}", r.target);
        assert!(r.body.is_empty());
    }
}

#[tokio::test]
async fn every_next_page_carries_the_first_requests_headers() {
    let server = Server::start(paged_users).await;
    let client = client(&server);
    let mut pager = client.pages(users_request());
    let mut ids = Vec::new();
    let mut request_ids = Vec::new();
    while let Some(page) = pager.next_response().await {
        let page = page.unwrap();
        assert_eq!((page.status.as_u16(), page.value.count), (200, Some(5)));
        request_ids.push(page.request_id().unwrap().to_owned());
        ids.extend(page.value.value.into_iter().map(|v| v["id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    // Each page's own response headers.
    assert_eq!(request_ids, ["rid-/users?", "rid-p2", "rid-p3"]);
    assert_three_pages_with_the_first_headers(&server.received());
}

#[cfg(feature = "futures")]
mod streams {
    use super::*;
    use futures::{StreamExt, TryStreamExt};

    fn assert_send<S: Send>(s: S) -> S {
        s
    }

    #[tokio::test]
    async fn the_pager_streams_pages_and_items_with_the_first_headers() {
        let server = Server::start(paged_users).await;
        let client = client(&server);
        let pages: Vec<Page<serde_json::Value>> = assert_send(client.pages(users_request()).into_stream()).try_collect().await.unwrap();
        assert_eq!(pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(), [2, 2, 1]);
        assert_three_pages_with_the_first_headers(&server.received());

        let server = Server::start(paged_users).await;
        let client = loopback::client(&server);
        let items = client.pages(users_request()).into_items();
        // Taking three items needs two pages, no more.
        let first3: Vec<_> = items.take(3).map(|i| i.unwrap()["id"].as_str().unwrap().to_owned()).collect().await;
        assert_eq!(first3, ["1", "2", "3"]);
        assert_eq!(server.received().len(), 2);

        let server = Server::start(paged_users).await;
        let client = loopback::client(&server);
        let all: Vec<serde_json::Value> = client.pages(users_request()).into_items().try_collect().await.unwrap();
        assert_eq!(all.len(), 5);
        assert_three_pages_with_the_first_headers(&server.received());
    }

    #[tokio::test]
    async fn a_failed_page_is_yielded_then_the_stream_ends() {
        let server = Server::start(|r, base| {
            if r.query.iter().any(|(k, _)| k == "$skiptoken") {
                Reply::json(400, &json!({"error": {"code": "BadRequest", "message": "expired skiptoken"}}))
            } else {
                Reply::json(200, &json!({"value": [{"id": "1"}], "@odata.nextLink": format!("{base}/users?$skiptoken=x")}))
            }
        })
        .await;
        let client = client(&server);
        let results: Vec<Result<serde_json::Value, Error>> = client.pages(users_request()).into_items().collect().await;
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].as_ref().unwrap()["id"], "1");
        assert_eq!(results[1].as_ref().unwrap_err().as_graph().unwrap().code(), Some("BadRequest"));
        assert_eq!(server.received().len(), 2);
    }
}
