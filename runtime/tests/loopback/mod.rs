#![allow(dead_code, unused_imports)]
//! Loopback tests through real reqwest: the HTTP server of `sdk-demo/tests/support` (one
//! copy, included here by path) and a client for it.

#[path = "../../../sdk-demo/tests/support/mod.rs"]
pub mod support;

use graph_runtime::client::{Client, ReqwestTransport, StaticToken};

pub use support::{q, Received, Reply, Server};

pub const TOKEN: &str = "secret-test-token-3f9a";

/// reqwest without proxies: loopback traffic must never go through one.
pub fn transport() -> ReqwestTransport {
    ReqwestTransport::from_client(reqwest::Client::builder().no_proxy().build().unwrap())
}

/// A client for `server` with a static token.
pub fn client(server: &Server) -> Client<ReqwestTransport, StaticToken> {
    Client::new(server.base.clone(), transport(), StaticToken::new(TOKEN))
}

/// The headers every request to Graph must carry.
pub fn assert_authorized(r: &Received) {
    assert_eq!(r.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()), "{} {}", r.method, r.target);
}
