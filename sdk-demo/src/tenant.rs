//! A tenant tool: reads several things in one `$batch`, streams a paged list, keeps a user
//! directory in step with Graph through delta queries (resumed from a saved token), reacts
//! to change notifications on a webhook, and uploads files in ranges through an upload
//! session.
//!
//! Everything goes through the runtime: [`Client::send_batch`], `Pager::into_items`,
//! [`Client::delta`] / [`Client::delta_resume`],
//! [`notifications`](graph_runtime::notifications), [`upload`](graph_runtime::upload).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use futures::TryStreamExt;
use graph::cloud_licensing::{Allotment, Assignment};
use graph::microsoft_graph::{DirectoryObject, User};
use graph_runtime::batch::Batch;
use graph_runtime::client::{Client, TokenProvider, Transport};
use graph_runtime::delta::{Change, DeltaToken};
use graph_runtime::http;
use graph_runtime::notifications::{accepted, read_webhook, validation_response, ChangeNotification, LifecycleEvent, Webhook};
use graph_runtime::upload::{ChunkSize, LargeFileUpload, Progress, UploadSession};
use graph_runtime::wire::{Fields, Object, WireModel};
use graph_runtime::{Error, Page, Request, RequestPath};

/// Errors of the tool's steps.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The three reads of [`read_assignment`], each its own result (a failed step is that
/// step's typed error, the others still stand).
#[derive(Debug)]
pub struct AssignmentReads {
    /// `GET /admin/cloudLicensing/allotments/{id}`.
    pub allotment: Result<Allotment, Error>,
    /// `GET /admin/cloudLicensing/assignments/{id}`.
    pub assignment: Result<Assignment, Error>,
    /// `GET /admin/cloudLicensing/assignments/{id}/assignedTo`.
    pub assigned_to: Result<DirectoryObject, Error>,
    /// HTTP round trips the batch took.
    pub round_trips: usize,
}

/// Reads an allotment, an assignment and whom it is assigned to in one `$batch`.
pub async fn read_assignment<T: Transport, P: TokenProvider>(client: &Client<T, P>, allotment_id: &str, assignment_id: &str) -> Result<AssignmentReads, Error> {
    let cl = graph::admin().cloud_licensing();
    let mut batch = Batch::new();
    let allotment = batch.add(&cl.allotments().by_id(allotment_id).get())?;
    let assignment = batch.add(&cl.assignments().by_id(assignment_id).get())?;
    let assigned_to = batch.add(&cl.assignments().by_id(assignment_id).assigned_to().get())?;
    let replies = client.send_batch(&batch).await?;
    Ok(AssignmentReads {
        allotment: replies.get(&allotment),
        assignment: replies.get(&assignment),
        assigned_to: replies.get(&assigned_to),
        round_trips: replies.round_trips(),
    })
}

/// The ids of every assignment, streamed item by item across pages
/// (`GET /admin/cloudLicensing/assignments`, following `@odata.nextLink`).
pub async fn assignment_ids<T: Transport, P: TokenProvider>(client: &Client<T, P>) -> Result<Vec<String>, Error> {
    let items = client.pages(graph::admin().cloud_licensing().assignments().list().top(2)).into_items();
    items.try_filter_map(|a: Assignment| std::future::ready(Ok(a.id))).try_collect().await
}

/// `GET /users/delta()?$select=displayName,mail` (in the v1.0 crate this is
/// `graph::users().delta()`; the docs this crate is generated from do not document it, so
/// the request is built on the generated `users()` path).
pub fn users_delta() -> Request<Page<User>> {
    Request::new(http::Method::GET, graph::users().path().function("delta", &[]), None).select_raw(["displayName", "mail"])
}

/// What one sync changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Users added or changed.
    pub upserted: usize,
    /// Users removed.
    pub removed: usize,
    /// Whether the sync resumed from a token (only the changes since) or started over.
    pub resumed: bool,
}

/// The tenant's users by id, kept current by delta queries.
#[derive(Clone, Debug, Default)]
pub struct UserDirectory {
    /// Users by id.
    pub users: BTreeMap<String, User>,
    token: Option<DeltaToken>,
}

impl UserDirectory {
    /// An empty directory: the first [`sync`](Self::sync) reads every user.
    pub fn new() -> Self {
        Self::default()
    }

    /// A directory that resumes from a saved token (`users` as saved with it).
    pub fn resume_from(users: BTreeMap<String, User>, token: DeltaToken) -> Self {
        UserDirectory { users, token: Some(token) }
    }

    /// The token of the last sync: save it (it is serde-serialisable) to resume later.
    pub fn token(&self) -> Option<&DeltaToken> {
        self.token.as_ref()
    }

    /// One delta sync: from the token when there is one, from the start otherwise. Changed
    /// users are merged (a change carries only the changed properties), tombstones remove.
    pub async fn sync<T: Transport, P: TokenProvider>(&mut self, client: &Client<T, P>) -> Result<SyncSummary, Error> {
        let resumed = self.token.is_some();
        let mut delta = match &self.token {
            Some(token) => client.delta_resume::<User>(token)?,
            None => client.delta(users_delta()),
        };
        let mut summary = SyncSummary { resumed, ..Default::default() };
        while let Some(page) = delta.next_page().await {
            for change in page? {
                match change {
                    Change::Upsert(user) => {
                        let Some(id) = user.id.clone() else { continue };
                        let entry = self.users.entry(id).or_default();
                        entry.id = user.id;
                        entry.additional.extend(user.additional);
                        summary.upserted += 1;
                    }
                    Change::Removed(r) => {
                        self.users.remove(&r.id);
                        summary.removed += 1;
                    }
                }
            }
        }
        self.token = delta.token().cloned();
        Ok(summary)
    }

    /// The display names, in id order.
    pub fn display_names(&self) -> Vec<String> {
        self.users.values().map(|u| u.additional.get("displayName").and_then(|v| v.as_str()).unwrap_or("?").to_owned()).collect()
    }
}

/// The webhook endpoint of the tool: answers the validation handshake, keeps the
/// notifications whose `clientState` is the tool's secret, acknowledges with `202`.
/// Framework-agnostic: it takes and returns `http` types.
#[derive(Debug)]
pub struct NotificationInbox {
    client_state: String,
    pending: Mutex<Vec<ChangeNotification>>,
}

impl NotificationInbox {
    /// An inbox for subscriptions created with `clientState: client_state`.
    pub fn new(client_state: impl Into<String>) -> Self {
        NotificationInbox { client_state: client_state.into(), pending: Mutex::new(Vec::new()) }
    }

    /// Answers one request to the notification URL.
    pub fn handle(&self, req: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
        match read_webhook(req) {
            Ok(Webhook::Validation(token)) => validation_response(&token),
            Ok(Webhook::Notifications(batch)) => {
                let mine = batch.value.into_iter().filter(|n| n.client_state_matches(&self.client_state));
                self.pending.lock().unwrap_or_else(|e| e.into_inner()).extend(mine);
                accepted()
            }
            Err(e) => {
                let mut resp = http::Response::new(e.to_string().into_bytes());
                *resp.status_mut() = http::StatusCode::BAD_REQUEST;
                resp
            }
        }
    }

    /// The notifications received since the last call.
    pub fn take(&self) -> Vec<ChangeNotification> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Whether a notification means the user directory is stale: a change under `users`, or
/// notifications that were missed.
pub fn concerns_users(n: &ChangeNotification) -> bool {
    n.lifecycle_event == Some(LifecycleEvent::Missed) || n.resource.as_deref().is_some_and(|r| r.to_ascii_lowercase().starts_with("users"))
}

/// Handles notifications: when one concerns users, resumes the delta sync (once).
pub async fn react<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    directory: &mut UserDirectory,
    notifications: &[ChangeNotification],
    out: &mut impl Write,
) -> Result<Option<SyncSummary>, BoxError> {
    for n in notifications {
        writeln!(out, "notification: {:?} {}", n.change_type, n.resource.as_deref().unwrap_or("?"))?;
    }
    if !notifications.iter().any(concerns_users) {
        return Ok(None);
    }
    let summary = directory.sync(client).await?;
    writeln!(out, "resumed sync: {} changed, {} removed; {} users", summary.upserted, summary.removed, directory.users.len())?;
    Ok(Some(summary))
}

/// The drive item an upload ends with (the properties the tool shows, and the rest).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UploadedItem {
    /// Item id.
    pub id: Option<String>,
    /// File name.
    pub name: Option<String>,
    /// Size in bytes.
    pub size: Option<i64>,
    /// Every other property.
    pub additional: serde_json::Map<String, serde_json::Value>,
}

graph_runtime::wire_model_serde!(UploadedItem);

impl WireModel for UploadedItem {
    fn from_wire(o: &mut Object) -> Option<Self> {
        Some(UploadedItem { id: o.take("id"), name: o.take("name"), size: o.take("size"), additional: o.rest() })
    }
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
        w.opt("id", &self.id);
        w.opt("name", &self.name);
        w.opt("size", &self.size);
        w.additional(&self.additional);
    }
}

/// Replaces the content of a drive item with `bytes`
/// (`POST /drives/{drive-id}/items/{item-id}/createUploadSession`, then the ranges to the
/// session's upload URL, without `Authorization`).
pub async fn upload_file<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    drive_id: &str,
    item_id: &str,
    bytes: &[u8],
    chunk: ChunkSize,
    progress: impl FnMut(Progress),
) -> Result<UploadedItem, BoxError> {
    let path = RequestPath::root().segment("drives").key("drive-id", drive_id).segment("items").key("item-id", item_id).segment("createUploadSession");
    let body = serde_json::json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}});
    let create: Request<serde_json::Value> = Request::new(http::Method::POST, path, None).with_json_body(&body);
    let session = UploadSession::create(client, &create).await?;
    let mut upload = LargeFileUpload::new(session, bytes)?.chunk_size(chunk);
    Ok(upload.send(client.transport(), progress).await?)
}
