//! The client's token check (`Client::check_token_scopes`) over real HTTP: a call the bearer
//! token's `scp` / `roles` claims do not allow fails before it is sent, naming the scopes it
//! needs; an allowed call reaches the loopback server. Tokens are built here (unsigned JWTs:
//! the check decodes the payload only).

mod support;

use graph_runtime::client::{Client, ReqwestTransport, StaticToken};
use graph_runtime::permissions::base64url_encode;
use graph_runtime::{AuthScheme, Error};
use serde_json::json;
use support::*;

fn jwt(claims: serde_json::Value) -> String {
    let header = base64url_encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = base64url_encode(claims.to_string().as_bytes());
    format!("{header}.{payload}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk")
}

fn client(server: &Server, token: String) -> Client<ReqwestTransport, StaticToken> {
    let transport = ReqwestTransport::from_client(reqwest::Client::builder().no_proxy().build().unwrap());
    Client::new(server.base.clone(), transport, StaticToken::new(token)).check_token_scopes(true)
}

async fn server() -> Server {
    Server::start(|_, _| Reply::json(200, &json!({"value": []}))).await
}

#[tokio::test]
async fn a_missing_scope_fails_before_sending() {
    let server = server().await;
    let list = graph::admin().cloud_licensing().allotments().list();
    let needed = list.least(AuthScheme::DelegatedWork);
    assert_eq!(needed, ["CloudLicensing.Read"], "the docs' least-privileged permission");

    let c = client(&server, jwt(json!({"scp": "User.Read Mail.Read", "tid": "contoso"})));
    let err = c.send(&list).await.unwrap_err();
    let Error::MissingScopes(m) = &err else { panic!("{err}") };
    assert_eq!(m.scheme, AuthScheme::DelegatedWork);
    assert_eq!(m.needed, ["CloudLicensing.Read"]);
    assert_eq!(m.granted, ["User.Read", "Mail.Read"]);
    let text = err.to_string();
    assert!(text.contains("CloudLicensing.Read") && text.contains("GET /admin/cloudLicensing/allotments"), "{text}");
    assert!(server.received().is_empty(), "nothing may reach the server");

    // An application token without the role: also refused, naming the application scope.
    let app = client(&server, jwt(json!({"roles": ["User.Read.All"]})));
    let Error::MissingScopes(m) = app.send(&list).await.unwrap_err() else { panic!() };
    assert_eq!((m.scheme, m.needed.as_slice()), (AuthScheme::Application, ["CloudLicensing.Read.All"].as_slice()));
    // A token that is not a JWT grants nothing.
    let opaque = client(&server, "opaque-token".into());
    assert!(matches!(opaque.send(&list).await, Err(Error::MissingScopes(_))));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_granted_scope_is_sent() {
    let server = server().await;
    let list = graph::admin().cloud_licensing().allotments().list();
    // A higher-privileged scope works too (case-insensitively).
    for scp in ["CloudLicensing.Read", "directory.read.all"] {
        let page = client(&server, jwt(json!({"scp": scp}))).send(&list).await.unwrap();
        assert!(page.value.is_empty());
    }
    let app = client(&server, jwt(json!({"roles": ["CloudLicensing.Read.All"]})));
    app.send(&list).await.unwrap();
    assert_eq!(server.received().len(), 3);
    // Without the option the client sends whatever the token.
    let transport = ReqwestTransport::from_client(reqwest::Client::builder().no_proxy().build().unwrap());
    let plain = Client::new(server.base.clone(), transport, StaticToken::new(jwt(json!({"scp": "User.Read"}))));
    plain.send(&list).await.unwrap();
    assert_eq!(server.received().len(), 4);
}

/// The generated index finds the operation and permissions of a URL got elsewhere, and the
/// plan of several builder requests is their least-privileged scopes, merged.
#[test]
fn index_lookup_and_scope_plan() {
    let found = graph::lookup("GET", "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/5f1c7b8e?$select=id").unwrap();
    assert!(std::ptr::eq(found.operation, &graph::cloud_licensing::operations::ALLOTMENT_GET));
    assert_eq!(found.path.template, "/admin/cloudLicensing/allotments/{allotmentId}");
    assert_eq!(found.path.permissions.unwrap().least(AuthScheme::DelegatedWork), ["CloudLicensing.Read"]);
    assert!(graph::lookup("PUT", "/admin/cloudLicensing/allotments/x").is_none());
    // Every index row points at an operation that has the row's path.
    for row in graph::index::INDEX {
        assert!(row.operation.path(row.template).is_some(), "{} {}", row.method, row.template);
    }
    assert!(graph::index::INDEX.windows(2).all(|w| (w[0].method, w[0].template) < (w[1].method, w[1].template)), "sorted");

    let read = graph::admin().cloud_licensing().allotments().list();
    let update = graph::admin().cloud_licensing().assignments().by_id("a").update(&Default::default());
    let plan = graph_runtime::plan(&[read.permissions(), update.permissions()], AuthScheme::DelegatedWork);
    assert!(plan.unsupported.is_empty() && plan.unknown.is_empty());
    // The docs' tables: listing needs CloudLicensing.Read, updating CloudLicensing.AssignLicenses,
    // and neither accepts the other: both stay.
    assert_eq!(update.least(AuthScheme::DelegatedWork), ["CloudLicensing.AssignLicenses"]);
    assert!(!read.all(AuthScheme::DelegatedWork).contains(&"CloudLicensing.AssignLicenses"));
    assert_eq!(plan.scopes, ["CloudLicensing.AssignLicenses", "CloudLicensing.Read"]);
    let twice = graph_runtime::plan(&[read.permissions(), read.permissions()], AuthScheme::Application);
    assert_eq!(twice.scopes, ["CloudLicensing.Read.All"]);
    let personal = graph_runtime::plan(&[read.permissions()], AuthScheme::DelegatedPersonal);
    assert_eq!(personal.unsupported, [0]);
}
