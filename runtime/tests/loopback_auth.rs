//! Client credentials against a loopback token endpoint: the form posted, caching until
//! shortly before expiry, refresh after, errors; and the token reaching Graph requests.

mod loopback;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use graph_runtime::auth::ClientCredentials;
use graph_runtime::client::{Client, TokenProvider};
use graph_runtime::cloud::Cloud;
use graph_runtime::{Request, RequestPath};
use loopback::*;
use serde_json::json;

const TENANT: &str = "contoso.onmicrosoft.us";
const TOKEN_PATH: &str = "/contoso.onmicrosoft.us/oauth2/v2.0/token";

/// A token endpoint issuing `tok-1`, `tok-2`, … valid for `expires_in` seconds, that also
/// answers Graph requests.
async fn token_server(expires_in: u64) -> Server {
    let issued = Arc::new(AtomicUsize::new(0));
    Server::start(move |r, _| {
        if r.path == TOKEN_PATH {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::json(200, &json!({"token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in, "access_token": format!("tok-{n}")}))
        } else {
            Reply::json(200, &json!({"id": "me"}))
        }
    })
    .await
}

fn form(r: &Received) -> Vec<(String, String)> {
    std::str::from_utf8(&r.body)
        .unwrap()
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (support_decode(k), support_decode(v))
        })
        .collect()
}

fn support_decode(s: &str) -> String {
    loopback::support::percent_decode(s).unwrap()
}

fn assert_token_request(r: &Received, scope: &str) {
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", TOKEN_PATH));
    assert!(r.query.is_empty());
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("authorization"), None, "the token endpoint gets no bearer token");
    assert_eq!(
        form(r),
        q(&[("grant_type", "client_credentials"), ("client_id", "app-1"), ("client_secret", "s3cr&t=+/%"), ("scope", scope)])
    );
}

fn credentials(server: &Server, cloud: Cloud) -> ClientCredentials<graph_runtime::client::ReqwestTransport> {
    ClientCredentials::new(cloud, TENANT, "app-1", "s3cr&t=+/%", transport()).authority(server.base.clone())
}

#[tokio::test]
async fn a_token_is_fetched_once_and_cached_until_shortly_before_expiry() {
    let server = token_server(3600).await;
    let creds = credentials(&server, Cloud::UsGov);
    assert_eq!(creds.token_url(), format!("{}{TOKEN_PATH}", server.base));
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_token_request(&received[0], "https://graph.microsoft.us/.default");
    assert!(!format!("{creds:?}").contains("s3cr"), "Debug hides the secret");

    // Forgetting the cache fetches a new one.
    creds.clear_cache();
    assert_eq!(creds.token().await.unwrap(), "tok-2");
}

#[tokio::test]
async fn a_token_within_the_refresh_margin_is_replaced_on_the_next_call() {
    // Valid for 60 s, but the margin is 5 minutes: each call fetches a fresh token.
    let server = token_server(60).await;
    let creds = credentials(&server, Cloud::China);
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    assert_eq!(creds.token().await.unwrap(), "tok-2");
    let received = server.received();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_token_request(r, "https://microsoftgraph.chinacloudapi.cn/.default");
    }
    // With a margin of 50 s the 60 s token is kept.
    let server = token_server(60).await;
    let creds = credentials(&server, Cloud::China).refresh_margin(Duration::from_secs(50));
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    // ... until it is within the margin: a 1 s token with no margin expires after 1 s.
    let server = token_server(1).await;
    let creds = credentials(&server, Cloud::China).refresh_margin(Duration::ZERO);
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    assert_eq!(creds.token().await.unwrap(), "tok-1");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(creds.token().await.unwrap(), "tok-2");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn the_client_sends_the_fetched_token_to_graph() {
    let server = token_server(3600).await;
    let creds = credentials(&server, Cloud::Global).scope("api://custom/.default");
    let client = Client::new(server.base.clone(), transport(), creds);
    let me: Request<serde_json::Value> = Request::new(http::Method::GET, RequestPath::root().segment("me"), None);
    client.send(&me).await.unwrap();
    client.send(&me).await.unwrap();
    let received = server.received();
    assert_eq!(received.iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), [TOKEN_PATH, "/me", "/me"]);
    assert_token_request(&received[0], "api://custom/.default");
    for r in &received[1..] {
        assert_eq!(r.header("authorization"), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn token_endpoint_errors_are_reported() {
    let server = Server::start(|_, _| {
        Reply::json(401, &json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}))
    })
    .await;
    let creds = credentials(&server, Cloud::Global);
    let err = creds.token().await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert!(err.to_string().contains("AADSTS7000215"), "{err}");

    let server = Server::start(|_, _| Reply::json(200, &json!({"token_type": "Bearer"}))).await;
    let err = credentials(&server, Cloud::Global).token().await.unwrap_err();
    assert!(err.to_string().contains("access_token"), "{err}");
}
