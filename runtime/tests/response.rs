//! Requests as values: to_http, headers, permissions, and parse_response.

mod common;

use common::*;
use graph_runtime::{
    Error, HeaderSpec, NoContent, Operation, PathPermissions, Permissions, Request, RequestPath, Scheme,
};
use serde_json::json;

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

fn allotment_path() -> RequestPath {
    RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments").key("allotment-id", "a/1")
}

static UPDATE: Operation = Operation {
    id: "cloudLicensing.allotment.update",
    method: "PATCH",
    paths: &[PathPermissions {
        template: "/admin/cloudLicensing/allotments/{id}",
        permissions: Some(Permissions {
            delegated_work: Scheme { least: &["CloudLicensing.ReadWrite"], higher: &["Directory.ReadWrite.All"], also_requires: &[] },
            delegated_personal: Scheme::NOT_SUPPORTED,
            application: Scheme { least: &["CloudLicensing.ReadWrite.All"], higher: &[], also_requires: &[] },
        }),
    }],
    headers: &[HeaderSpec { name: "Content-Type", value: Some("application/json"), required: true }],
    doc: "https://learn.microsoft.com/graph/api/cloudlicensing-allotment-update",
};

#[test]
fn to_http_builds_the_request() {
    let body = Allotment { id: None, allotted_units: Some(5), additional: Default::default() };
    let req: Request<NoContent> = Request::new(http::Method::PATCH, allotment_path(), Some(&UPDATE))
        .with_json_body(&body)
        .if_match("W/\"etag\"")
        .prefer("return=minimal")
        .prefer("odata.maxpagesize=5")
        .consistency_level_eventual();
    let h = req.to_http("https://graph.microsoft.com/beta/").unwrap();
    assert_eq!(h.method(), http::Method::PATCH);
    assert_eq!(h.uri(), "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a%2F1");
    assert_eq!(h.headers()["content-type"], "application/json");
    assert_eq!(h.headers()["if-match"], "W/\"etag\"");
    assert_eq!(h.headers().get_all("prefer").iter().count(), 2);
    assert_eq!(h.headers()["consistencylevel"], "eventual");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(h.body()).unwrap(), json!({"allottedUnits": 5}));
    assert_eq!(req.to_http("https://graph.microsoft.com/beta").unwrap().uri(), h.uri());
    assert_eq!(req.relative_url(), "/admin/cloudLicensing/allotments/a%2F1");
    assert_eq!(req.operation().unwrap().id, "cloudLicensing.allotment.update");
    let perms = req.permissions().unwrap();
    assert_eq!(perms.delegated_work.least, &["CloudLicensing.ReadWrite"]);
    assert!(!perms.delegated_personal.supported());
    assert!(Request::<NoContent>::new(http::Method::GET, RequestPath::root().segment("me"), Some(&UPDATE)).permissions().is_none());
    assert!(matches!(req.to_http("not a url"), Err(Error::Url(_))));
}

#[test]
fn header_values_are_validated() {
    let req: Request<NoContent> = Request::new(http::Method::GET, allotment_path(), None);
    assert!(matches!(req.clone().header(http::header::IF_MATCH, "a\r\nX-Injected: 1"), Err(Error::InvalidHeader(_))));
    assert!(req.clone().header_str("bad name", "x").is_err());
    let ok = req.clone().header_str("ConsistencyLevel", "eventual").unwrap();
    assert_eq!(ok.headers()["consistencylevel"], "eventual");
    // Infallible setters report the problem when the request is built.
    let bad = req.prefer("a\nb");
    assert!(matches!(bad.to_http("https://graph.microsoft.com/beta"), Err(Error::InvalidHeader(_))));
}

#[test]
fn parse_200_json() {
    let req: Request<Allotment> = Request::new(http::Method::GET, allotment_path(), None);
    let a = req.parse_response(response(200, &[("content-type", "application/json")], r#"{"id":"x","allottedUnits":3}"#)).unwrap();
    assert_eq!(a.id.as_deref(), Some("x"));
    assert_eq!(a.allotted_units, Some(3));
    assert!(matches!(req.parse_response(response(200, &[], "<html>")), Err(Error::Json(_))));
}

#[test]
fn parse_204_empty() {
    let req: Request<NoContent> = Request::new(http::Method::DELETE, allotment_path(), None);
    assert_eq!(req.parse_response(response(204, &[], "")).unwrap(), NoContent);
    assert_eq!(req.parse_response(response(200, &[], "  \n")).unwrap(), NoContent);
    assert_eq!(req.parse_response(response(200, &[], r#"{"unexpected":1}"#)).unwrap(), NoContent);
    let unit: Request<()> = Request::new(http::Method::DELETE, allotment_path(), None);
    unit.parse_response(response(204, &[], "")).unwrap();
    let opt: Request<Option<Allotment>> = Request::new(http::Method::POST, allotment_path(), None);
    assert_eq!(opt.parse_response(response(204, &[], "")).unwrap(), None);
}

#[test]
fn parse_404_odata_error() {
    let body = r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.",
        "details":[{"code":"d","message":"m","target":"t"}],
        "innerError":{"date":"2024-01-01T00:00:00","request-id":"rid","client-request-id":"cid","extra":1}}}"#;
    let req: Request<Allotment> = Request::new(http::Method::GET, allotment_path(), None);
    let err = req.parse_response(response(404, &[("content-type", "application/json")], body)).unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    let g = err.as_graph().unwrap();
    assert_eq!(g.code(), Some("Request_ResourceNotFound"));
    let inner = g.odata.as_ref().unwrap().error.inner_error.as_ref().unwrap();
    assert_eq!(inner.request_id.as_deref(), Some("rid"));
    assert_eq!(inner.client_request_id.as_deref(), Some("cid"));
    assert_eq!(inner.additional["extra"], json!(1));
    assert_eq!(g.odata.as_ref().unwrap().error.details[0].target.as_deref(), Some("t"));
    let text = err.to_string();
    assert!(text.contains("404") && text.contains("Request_ResourceNotFound") && text.contains("rid"), "{text}");
    // The payload round-trips.
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(serde_json::to_value(g.odata.as_ref().unwrap()).unwrap(), v);
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn parse_non_json_error() {
    let req: Request<Allotment> = Request::new(http::Method::GET, allotment_path(), None);
    let err = req.parse_response(response(502, &[("retry-after", "12")], "<html>Bad gateway</html>")).unwrap_err();
    let g = err.as_graph().unwrap();
    assert!(g.odata.is_none());
    assert_eq!(g.raw_body, b"<html>Bad gateway</html>");
    assert_eq!(g.retry_after(), Some(std::time::Duration::from_secs(12)));
    assert!(err.to_string().contains("Bad gateway"));
}
