//! `azure_identity` credentials as the client's token provider, over real HTTP: the scope
//! asked for and the token sent to Graph. (The credential here is a test double of
//! azure_core's `TokenCredential`: the real ones refuse any authority that is not HTTPS, so
//! they cannot be pointed at a plain loopback server.)

mod loopback;

use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use graph_runtime::auth::AzureIdentity;
use graph_runtime::client::{Client, TokenProvider};
use graph_runtime::cloud::Cloud;
use graph_runtime::{Request, RequestPath};
use loopback::*;
use serde_json::json;

#[derive(Debug, Default)]
struct Recording {
    asked: Mutex<Vec<Vec<String>>>,
}

#[async_trait::async_trait]
impl TokenCredential for Recording {
    async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        let mut asked = self.asked.lock().unwrap();
        asked.push(scopes.iter().map(|s| s.to_string()).collect());
        let expires = azure_core::time::OffsetDateTime::UNIX_EPOCH + azure_core::time::Duration::days(40_000);
        Ok(AccessToken::new(format!("azure-token-{}", asked.len()), expires))
    }
}

#[tokio::test]
async fn an_azure_credential_supplies_the_bearer_token_for_the_clouds_scope() {
    let server = Server::start(|_, _| Reply::json(200, &json!({"id": "me"}))).await;
    let credential = Arc::new(Recording::default());
    let tokens = AzureIdentity::new(credential.clone(), Cloud::UsGovDoD);
    assert_eq!(tokens.scopes(), ["https://dod-graph.microsoft.us/.default"]);
    let client = Client::new(server.base.clone(), transport(), tokens);
    let me: Request<serde_json::Value> = Request::new(http::Method::GET, RequestPath::root().segment("me"), None);
    client.send(&me).await.unwrap();
    let [r] = &server.received()[..] else { panic!("one request") };
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/me"));
    assert_eq!(r.header("authorization"), Some("Bearer azure-token-1"));
    assert_eq!(*credential.asked.lock().unwrap(), [vec!["https://dod-graph.microsoft.us/.default".to_owned()]]);

    let delegated = AzureIdentity::with_scopes(credential.clone(), ["User.Read", "Mail.Read"]);
    assert_eq!(delegated.token().await.unwrap(), "azure-token-2");
    assert_eq!(credential.asked.lock().unwrap()[1], ["User.Read", "Mail.Read"]);
}
