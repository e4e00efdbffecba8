//! Change notifications (webhooks): the payloads Graph posts to a subscription's
//! `notificationUrl`, the validation handshake, and (feature `notifications-crypto`) the
//! decryption of rich notifications' `encryptedContent`.
//!
//! The payload types are written here, not generated, and `resourceData` stays JSON with a
//! typed accessor ([`ChangeNotification::resource_data_as`]): a change in the generated
//! models can never break webhook handling, and one handler serves subscriptions to any
//! resource. Unknown members are kept in `additional`.
//!
//! A handler answers the handshake and acknowledges notifications:
//!
//! ```
//! use graph_runtime::notifications::{read_webhook, Webhook};
//!
//! fn handle(req: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
//!     match read_webhook(req) {
//!         Ok(Webhook::Validation(token)) => graph_runtime::notifications::validation_response(&token),
//!         Ok(Webhook::Notifications(batch)) => {
//!             for n in batch.value.iter().filter(|n| n.client_state_matches("secret")) {
//!                 println!("{:?} {:?}", n.change_type, n.resource);
//!             }
//!             graph_runtime::notifications::accepted()
//!         }
//!         Err(_) => http::Response::builder().status(400).body(Vec::new()).unwrap(),
//!     }
//! }
//!
//! let hello = http::Request::post("https://app.example/hook?validationToken=Validation%3A+Testing")
//!     .body(Vec::new()).unwrap();
//! let answer = handle(&hello);
//! assert_eq!((answer.status().as_u16(), answer.body().as_slice()), (200, &b"Validation: Testing"[..]));
//! ```

#[cfg(feature = "notifications-crypto")]
mod crypto;

#[cfg(feature = "notifications-crypto")]
pub use crypto::{rsa, DecryptError};

use http::header::{HeaderValue, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::enums::WireEnum;
use crate::error::Error;
use crate::wire::{Fields, Object, WireModel};

/// The body Graph posts to a notification URL: `{"value": [changeNotification, …]}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeNotificationCollection {
    /// The notifications.
    pub value: Vec<ChangeNotification>,
    /// For rich notifications: JWTs to validate the payload's origin with (`validationTokens`).
    pub validation_tokens: Option<Vec<String>>,
    /// Every other member.
    pub additional: Map<String, Value>,
}

/// One change notification, or a lifecycle notification when
/// [`lifecycle_event`](Self::lifecycle_event) is set.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChangeNotification {
    /// The notification's id.
    pub id: Option<String>,
    /// The subscription that produced it.
    pub subscription_id: Option<String>,
    /// When that subscription expires (`DateTimeOffset` text).
    pub subscription_expiration_date_time: Option<String>,
    /// The `clientState` given when subscribing: compare it with
    /// [`client_state_matches`](Self::client_state_matches) before trusting the notification.
    pub client_state: Option<String>,
    /// What happened (`created`, `updated`, `deleted`).
    pub change_type: Option<ChangeType>,
    /// The changed resource, relative to the service root (e.g. `Users/{id}`).
    pub resource: Option<String>,
    /// The changed resource's data (`@odata.type`, `@odata.id`, `id`, …), as JSON; see
    /// [`resource_data_as`](Self::resource_data_as).
    pub resource_data: Option<Value>,
    /// The tenant the notification comes from.
    pub tenant_id: Option<String>,
    /// For lifecycle notifications: which event.
    pub lifecycle_event: Option<LifecycleEvent>,
    /// For rich notifications: the resource data, encrypted with the app's certificate.
    pub encrypted_content: Option<EncryptedContent>,
    /// Every other member (`@odata.type`, …).
    pub additional: Map<String, Value>,
}

/// `changeType` of a notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeType {
    /// `created`.
    Created,
    /// `updated`.
    Updated,
    /// `deleted`.
    Deleted,
    /// A value this crate does not know, kept as sent.
    Unknown(String),
}

impl WireEnum for ChangeType {
    fn from_wire(s: &str) -> Self {
        match s {
            "created" => ChangeType::Created,
            "updated" => ChangeType::Updated,
            "deleted" => ChangeType::Deleted,
            other => ChangeType::Unknown(other.to_owned()),
        }
    }
    fn as_wire(&self) -> &str {
        match self {
            ChangeType::Created => "created",
            ChangeType::Updated => "updated",
            ChangeType::Deleted => "deleted",
            ChangeType::Unknown(s) => s,
        }
    }
}

/// `lifecycleEvent` of a lifecycle notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// `subscriptionRemoved`: the subscription is gone; create a new one.
    SubscriptionRemoved,
    /// `missed`: notifications were dropped; resynchronise (e.g. with a delta query).
    Missed,
    /// `reauthorizationRequired`: reauthorise or renew the subscription soon.
    ReauthorizationRequired,
    /// A value this crate does not know, kept as sent.
    Unknown(String),
}

impl WireEnum for LifecycleEvent {
    fn from_wire(s: &str) -> Self {
        match s {
            "subscriptionRemoved" => LifecycleEvent::SubscriptionRemoved,
            "missed" => LifecycleEvent::Missed,
            "reauthorizationRequired" => LifecycleEvent::ReauthorizationRequired,
            other => LifecycleEvent::Unknown(other.to_owned()),
        }
    }
    fn as_wire(&self) -> &str {
        match self {
            LifecycleEvent::SubscriptionRemoved => "subscriptionRemoved",
            LifecycleEvent::Missed => "missed",
            LifecycleEvent::ReauthorizationRequired => "reauthorizationRequired",
            LifecycleEvent::Unknown(s) => s,
        }
    }
}

crate::wire_enum_serde!(ChangeType);
crate::wire_enum_serde!(LifecycleEvent);

/// `encryptedContent` of a rich notification. With the `notifications-crypto` feature,
/// `decrypt` checks and decrypts it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EncryptedContent {
    /// The encrypted resource data (base64).
    pub data: String,
    /// HMAC-SHA256 of the encrypted `data`, keyed with the symmetric key (base64).
    pub data_signature: String,
    /// The symmetric key, encrypted with the certificate's public key (RSA-OAEP, base64).
    pub data_key: String,
    /// The id of the certificate given when subscribing.
    pub encryption_certificate_id: Option<String>,
    /// The thumbprint of that certificate.
    pub encryption_certificate_thumbprint: Option<String>,
    /// Every other member.
    pub additional: Map<String, Value>,
}

crate::wire_model_serde!(ChangeNotificationCollection, ChangeNotification, EncryptedContent);

impl WireModel for ChangeNotificationCollection {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(ChangeNotificationCollection {
            value: o.take("value").unwrap_or_default(),
            validation_tokens: o.take("validationTokens"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("value", &self.value);
        w.opt("validationTokens", &self.validation_tokens);
        w.additional(&self.additional);
    }
}

impl WireModel for ChangeNotification {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(ChangeNotification {
            id: o.take("id"),
            subscription_id: o.take("subscriptionId"),
            subscription_expiration_date_time: o.take("subscriptionExpirationDateTime"),
            client_state: o.take("clientState"),
            change_type: o.take("changeType"),
            resource: o.take("resource"),
            resource_data: o.take("resourceData"),
            tenant_id: o.take("tenantId"),
            lifecycle_event: o.take("lifecycleEvent"),
            encrypted_content: o.take("encryptedContent"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.opt("id", &self.id);
        w.opt("subscriptionId", &self.subscription_id);
        w.opt("subscriptionExpirationDateTime", &self.subscription_expiration_date_time);
        w.opt("clientState", &self.client_state);
        w.opt("changeType", &self.change_type);
        w.opt("resource", &self.resource);
        w.opt("resourceData", &self.resource_data);
        w.opt("tenantId", &self.tenant_id);
        w.opt("lifecycleEvent", &self.lifecycle_event);
        w.opt("encryptedContent", &self.encrypted_content);
        w.additional(&self.additional);
    }
}

impl WireModel for EncryptedContent {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(EncryptedContent {
            data: o.take_required("data")?,
            data_signature: o.take_required("dataSignature")?,
            data_key: o.take_required("dataKey")?,
            encryption_certificate_id: o.take("encryptionCertificateId"),
            encryption_certificate_thumbprint: o.take("encryptionCertificateThumbprint"),
            additional: o.rest(),
        })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.req("data", &self.data);
        w.req("dataSignature", &self.data_signature);
        w.req("dataKey", &self.data_key);
        w.opt("encryptionCertificateId", &self.encryption_certificate_id);
        w.opt("encryptionCertificateThumbprint", &self.encryption_certificate_thumbprint);
        w.additional(&self.additional);
    }
}

impl ChangeNotification {
    /// Whether this is a lifecycle notification.
    pub fn is_lifecycle(&self) -> bool {
        self.lifecycle_event.is_some()
    }

    /// `resourceData` read as `T` (a generated model, or a type of the caller's own):
    /// `Ok(None)` when absent.
    pub fn resource_data_as<T: DeserializeOwned>(&self) -> Result<Option<T>, Error> {
        self.resource_data.as_ref().map(|v| T::deserialize(v).map_err(Error::Json)).transpose()
    }

    /// Whether `clientState` is `expected`, compared in constant time (it is a shared secret).
    pub fn client_state_matches(&self, expected: &str) -> bool {
        let Some(sent) = self.client_state.as_deref() else { return false };
        let (a, b) = (sent.as_bytes(), expected.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// What a request to the notification URL is.
#[derive(Clone, Debug, PartialEq)]
pub enum Webhook {
    /// The handshake when subscribing: answer with [`validation_response`] within 10 s.
    Validation(String),
    /// Notifications: answer with [`accepted`] (within 3 s), then process them.
    Notifications(ChangeNotificationCollection),
}

/// Reads a request to the notification URL: a `validationToken` query parameter makes it
/// the handshake; otherwise the body must be a notification collection.
pub fn read_webhook<B: AsRef<[u8]>>(req: &http::Request<B>) -> Result<Webhook, Error> {
    if let Some(token) = req.uri().query().and_then(validation_token) {
        return Ok(Webhook::Validation(token));
    }
    Ok(Webhook::Notifications(serde_json::from_slice(req.body().as_ref())?))
}

/// The `validationToken` of a query string, decoded (`%XX`, and `+` as a space).
pub fn validation_token(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == "validationToken").then(|| percent_encoding::percent_decode_str(&v.replace('+', " ")).decode_utf8_lossy().into_owned())
    })
}

/// The handshake answer: `200 OK`, `text/plain`, the token as the body (as plain text with
/// `nosniff`, so a reflected token cannot become markup).
pub fn validation_response(token: &str) -> http::Response<Vec<u8>> {
    let mut resp = http::Response::new(token.as_bytes().to_vec());
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}

/// The acknowledgement of notifications: `202 Accepted`, no body.
pub fn accepted() -> http::Response<Vec<u8>> {
    let mut resp = http::Response::new(Vec::new());
    *resp.status_mut() = http::StatusCode::ACCEPTED;
    resp
}
