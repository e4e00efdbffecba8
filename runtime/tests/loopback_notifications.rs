//! Change notifications over real HTTP: a webhook endpoint on 127.0.0.1 built from the
//! runtime's handshake and payload functions, called with reqwest as Graph calls it; plus
//! decryption of rich notifications (feature `notifications-crypto`) with a generated key.

mod loopback;

use std::sync::{Arc, Mutex};

use loopback::{q, Received, Reply, Server};
use graph_runtime::notifications::{accepted, read_webhook, validation_response, ChangeNotification, ChangeType, LifecycleEvent, Webhook};
use serde::Deserialize;
use serde_json::json;

const SECRET: &str = "secretClientValue";

/// A webhook endpoint: answers the handshake, keeps the notifications whose `clientState`
/// matches, acknowledges with 202; a body that is not a notification collection gets 400.
fn endpoint(kept: Arc<Mutex<Vec<ChangeNotification>>>) -> impl Fn(&Received, &str) -> Reply + Send + Sync {
    move |r, _| match read_webhook(&r.to_http()) {
        Ok(Webhook::Validation(token)) => Reply::from_http(validation_response(&token)),
        Ok(Webhook::Notifications(batch)) => {
            kept.lock().unwrap().extend(batch.value.into_iter().filter(|n| n.client_state_matches(SECRET)));
            Reply::from_http(accepted())
        }
        Err(e) => Reply::text(400, "text/plain", &e.to_string()),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[derive(Debug, Deserialize, PartialEq)]
struct MessageRef {
    #[serde(rename = "@odata.type")]
    odata_type: String,
    id: String,
}

fn notifications_body() -> serde_json::Value {
    json!({"value": [
        {"id": "lsgTZMr9KwAAA", "subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
         "subscriptionExpirationDateTime": "2025-01-29T17:10:00.0000000-07:00",
         "clientState": SECRET, "changeType": "updated", "resource": "Users/123/Messages/AAk9",
         "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
         "resourceData": {"@odata.type": "#Microsoft.Graph.Message", "@odata.id": "Users/123/Messages/AAk9",
                          "@odata.etag": "W/\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\"", "id": "AAk9"}},
        {"subscriptionId": "7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "clientState": SECRET,
         "lifecycleEvent": "reauthorizationRequired", "resource": "Users/123/Messages",
         "subscriptionExpirationDateTime": "2025-01-29T17:10:00.0000000-07:00", "organizationId": "84bd8158"},
        {"subscriptionId": "forged", "clientState": "guess", "changeType": "deleted", "resource": "Users/123/Messages/x"}
    ]})
}

#[tokio::test]
async fn webhook_handshake_and_notifications_over_http() {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let server = Server::start(endpoint(kept.clone())).await;
    let http = client();

    // The handshake Graph sends when subscribing.
    let hello = "Validation%3A+Testing+client+application+reachability+for+subscription+Request-Id%3A+4f9bf3a1";
    let resp = http.post(format!("{}/hook?validationToken={hello}", server.base)).header("content-type", "text/plain; charset=utf-8").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.text().await.unwrap(), "Validation: Testing client application reachability for subscription Request-Id: 4f9bf3a1");

    // Notifications: acknowledged with 202 and no body.
    let body = notifications_body();
    let resp = http.post(format!("{}/hook", server.base)).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
    assert_eq!(resp.status(), 202);
    assert!(resp.bytes().await.unwrap().is_empty());

    // Not a notification collection: 400.
    let resp = http.post(format!("{}/hook", server.base)).body("[1]").send().await.unwrap();
    assert_eq!(resp.status(), 400);

    let got = server.received();
    assert_eq!(got.len(), 3);
    assert_eq!((got[0].method.as_str(), got[0].path.as_str()), ("POST", "/hook"));
    assert_eq!(got[0].query, q(&[("validationToken", "Validation:+Testing+client+application+reachability+for+subscription+Request-Id:+4f9bf3a1")]));
    assert!(got[0].body.is_empty());
    assert_eq!((got[1].method.as_str(), got[1].target.as_str()), ("POST", "/hook"));
    assert_eq!(got[1].header("content-type"), Some("application/json"));
    assert_eq!(got[1].json(), body);

    // What the handler kept: the two with the right clientState, typed.
    let kept = kept.lock().unwrap();
    assert_eq!(kept.len(), 2);
    let change = &kept[0];
    assert_eq!((change.change_type.clone(), change.is_lifecycle()), (Some(ChangeType::Updated), false));
    assert_eq!(change.tenant_id.as_deref(), Some("84bd8158-6d4d-4958-8b9f-9d6445542f95"));
    let data: MessageRef = change.resource_data_as().unwrap().unwrap();
    assert_eq!(data, MessageRef { odata_type: "#Microsoft.Graph.Message".into(), id: "AAk9".into() });
    assert_eq!(kept[1].lifecycle_event, Some(LifecycleEvent::ReauthorizationRequired));
    assert_eq!(kept[1].additional["organizationId"], "84bd8158");
    // Nothing lost: the payload reads back to what was sent.
    let batch: graph_runtime::notifications::ChangeNotificationCollection = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&batch).unwrap(), body);
}

#[test]
fn handshake_token_is_decoded_and_echoed_as_plain_text() {
    use graph_runtime::notifications::validation_token;
    assert_eq!(validation_token("a=1&validationToken=%3Cscript%3Ex%3C%2Fscript%3E").as_deref(), Some("<script>x</script>"));
    assert_eq!(validation_token("validationTokenX=1"), None);
    let resp = validation_response("<script>x</script>");
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(resp.body(), b"<script>x</script>");
    // resourceData of an unexpected shape is an error of the accessor, not of the payload.
    let n: ChangeNotification = serde_json::from_value(json!({"resourceData": {"id": 5}})).unwrap();
    assert!(n.resource_data_as::<MessageRef>().is_err());
    assert!(!n.client_state_matches(""));
}

#[cfg(feature = "notifications-crypto")]
mod crypto {
    use super::*;
    use aes::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine as _;
    use graph_runtime::notifications::rsa::PrivateKey;
    use graph_runtime::notifications::{DecryptError, EncryptedContent};
    use hmac::{KeyInit, Mac};

    /// Encrypts `plain` as Graph does for a rich notification, for the certificate of `key`.
    fn encrypt(key: &PrivateKey, sym: &[u8; 32], plain: &[u8]) -> EncryptedContent {
        let data = cbc::Encryptor::<aes::Aes256>::new_from_slices(sym, &sym[..16]).unwrap().encrypt_padded_vec::<Pkcs7>(plain);
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(sym).unwrap();
        mac.update(&data);
        let signature = mac.finalize().into_bytes();
        let data_key = key.to_public_key().oaep_encrypt_with_rng::<sha1::Sha1, _>(&mut getrandom::SysRng, sym).unwrap();
        EncryptedContent {
            data: B64.encode(&data),
            data_signature: B64.encode(signature),
            data_key: B64.encode(data_key),
            encryption_certificate_id: Some("cert-1".into()),
            ..Default::default()
        }
    }

    /// A 2048-bit key, as Graph's certificates have. Generating it takes about 0.1 s here
    /// because the workspace builds dependencies with `opt-level = 1` (unoptimised, seconds).
    fn key() -> PrivateKey {
        PrivateKey::new(&mut getrandom::SysRng, 2048).unwrap()
    }

    #[tokio::test]
    async fn rich_notification_decrypts_over_http_and_tampering_is_rejected() {
        let key = key();
        let mut sym = [0u8; 32];
        getrandom::fill(&mut sym).unwrap();
        let resource = json!({"@odata.type": "#Microsoft.Graph.ChatMessage", "id": "1614", "body": {"content": "hello"}});
        let content = encrypt(&key, &sym, resource.to_string().as_bytes());

        // Posted to the endpoint like any notification, then decrypted from what it kept.
        let kept = Arc::new(Mutex::new(Vec::new()));
        let server = Server::start(endpoint(kept.clone())).await;
        let body = json!({"value": [{"subscriptionId": "s1", "clientState": SECRET, "changeType": "created",
            "resource": "teams('t')/channels('c')/messages('1614')", "encryptedContent": content}],
            "validationTokens": ["eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig"]});
        let resp = client().post(format!("{}/hook", server.base)).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
        assert_eq!(resp.status(), 202);
        assert_eq!(server.received()[0].json(), body);
        let got = kept.lock().unwrap()[0].encrypted_content.clone().unwrap();
        assert_eq!(got, content);
        assert_eq!(got.decrypt_json::<serde_json::Value>(&key).unwrap(), resource);

        // A signature that does not match, or data changed after signing: refused.
        let mut bad = content.clone();
        let mut sig = B64.decode(&bad.data_signature).unwrap();
        sig[0] ^= 1;
        bad.data_signature = B64.encode(sig);
        assert!(matches!(bad.decrypt(&key), Err(DecryptError::Signature)));
        let mut bad = content.clone();
        let mut data = B64.decode(&bad.data).unwrap();
        data[3] ^= 0x80;
        bad.data = B64.encode(data);
        assert!(matches!(bad.decrypt(&key), Err(DecryptError::Signature)));
        // Another app's key, and garbage.
        assert!(matches!(content.decrypt(&self::key()), Err(DecryptError::DataKey(_))));
        let bad = EncryptedContent { data_key: "not base64!".into(), ..content.clone() };
        assert!(matches!(bad.decrypt(&key), Err(DecryptError::Base64("dataKey"))));
    }
}
