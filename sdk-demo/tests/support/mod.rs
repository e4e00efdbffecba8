//! Test support: a minimal HTTP/1.1 server on a loopback socket that records what it
//! receives, and readers for the docs' examples and permission tables.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub method: String,
    /// The request target as sent (`/path?query`, still percent-encoded).
    pub target: String,
    /// The path as sent (percent-encoded).
    pub path: String,
    /// The query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The only value of header `name`; panics when it is repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        let all: Vec<&str> = self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect();
        assert!(all.len() <= 1, "header {name} sent {} times", all.len());
        all.first().copied()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{} {}: body is not JSON ({e}): {:?}", self.method, self.target, String::from_utf8_lossy(&self.body)))
    }

    /// `(method, path, query)` for comparing request sequences.
    pub fn line(&self) -> (String, String, Vec<(String, String)>) {
        (self.method.clone(), self.path.clone(), self.query.clone())
    }

    /// The request as the `http::Request` a web framework would hand to a handler.
    pub fn to_http(&self) -> graph_runtime::http::Request<Vec<u8>> {
        let mut b = graph_runtime::http::Request::builder().method(self.method.as_str()).uri(self.target.as_str());
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        b.body(self.body.clone()).unwrap()
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply { status, headers: vec![("Content-Type".into(), "application/json".into())], body: serde_json::to_vec(body).unwrap() }
    }
    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }
    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.as_bytes().to_vec() }
    }
    /// A handler's `http::Response` as the reply.
    pub fn from_http(resp: graph_runtime::http::Response<Vec<u8>>) -> Reply {
        let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
        Reply { status: resp.status().as_u16(), headers, body: resp.into_body() }
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Received, &str) -> Reply + Send + Sync;

/// A server on `127.0.0.1:0`. The handler gets each request and the server's base URL
/// (`http://127.0.0.1:port`), e.g. to write `@odata.nextLink`s. One request per
/// connection (`Connection: close`). Stops when dropped.
pub struct Server {
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(handler: impl Fn(&Received, &str) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, url) = (received.clone(), base.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (log, url, handler) = (log.clone(), url.clone(), handler.clone());
                tokio::spawn(async move { serve(stream, &url, &*handler, &log).await });
            }
        });
        Server { base, received, task }
    }

    /// Everything received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, base: &str, handler: &Handler, log: &Mutex<Vec<Received>>) {
    let reply = match read_request(&mut stream).await {
        Ok(req) => {
            let reply = handler(&req, base);
            log.lock().unwrap().push(req);
            reply
        }
        Err(e) => Reply::text(400, "text/plain", &e),
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", reply.body.len()));
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&reply.body).await;
    let _ = stream.shutdown().await;
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    }
}

async fn read_request(stream: &mut TcpStream) -> Result<Received, String> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Err("request head too large".into());
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed in the request head".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let at = Instant::now();
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| "request head is not UTF-8".to_string())?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let [method, target, version] = request_line.split(' ').collect::<Vec<_>>()[..] else {
        return Err(format!("bad request line {request_line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported version {version}"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let (k, v) = line.split_once(':').ok_or_else(|| format!("bad header line {line:?}"))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    if headers.iter().any(|(k, _)| k == "transfer-encoding") {
        return Err("chunked request bodies are not supported by this test server".into());
    }
    let length = match headers.iter().find(|(k, _)| k == "content-length") {
        Some((_, v)) => v.parse::<usize>().map_err(|_| format!("bad Content-Length {v:?}"))?,
        None => 0,
    };
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed in the body".into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if body.len() != length {
        return Err("more bytes than Content-Length".into());
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect::<Result<_, String>>()?;
    Ok(Received { at, method: method.into(), target: target.into(), path: path.into(), query, headers, body })
}

/// `%XX` decoding (no `+` → space: OData URLs use `%20`).
pub fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(|| format!("truncated escape in {s:?}"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {s:?}"))?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{s:?} is not UTF-8 once decoded"))
}

/// `(name, value)` pairs from `&[(&str, &str)]`.
pub fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// ---- the docs ----

pub fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/docs")
}

pub fn read_doc(rel: &str) -> String {
    let p = docs_dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// An HTTP message of a docs example: the first line, headers and JSON body.
#[derive(Clone, Debug)]
pub struct DocMessage {
    pub first_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

impl DocMessage {
    /// The status code of a response.
    pub fn status(&self) -> u16 {
        self.first_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status in {:?}", self.first_line))
    }
    pub fn body(&self) -> serde_json::Value {
        self.body.clone().expect("the example has a body")
    }
    /// The reply the docs show.
    pub fn reply(&self) -> Reply {
        match &self.body {
            Some(b) => Reply::json(self.status(), b),
            None => Reply::empty(self.status()),
        }
    }
}

/// The request and response of the example named `name` in `api/<page>`.
pub fn doc_example(page: &str, name: &str) -> (DocMessage, DocMessage) {
    let text = read_doc(&format!("api/{page}"));
    let at = text.find(&format!("\"name\": \"{name}\"")).unwrap_or_else(|| panic!("no example {name} in {page}"));
    let (request, rest) = next_http_block(&text[at..]);
    let resp_at = rest.find("\"blockType\": \"response\"").unwrap_or_else(|| panic!("no response after {name} in {page}"));
    let (response, _) = next_http_block(&rest[resp_at..]);
    (parse_message(&request), parse_message(&response))
}

fn next_http_block(s: &str) -> (String, &str) {
    let start = s.find("```http\n").expect("an http block") + "```http\n".len();
    let len = s[start..].find("\n```").expect("end of the http block");
    (s[start..start + len].to_owned(), &s[start + len..])
}

fn parse_message(block: &str) -> DocMessage {
    let (head, body) = block.split_once("\n\n").unwrap_or((block, ""));
    let mut lines = head.lines();
    let first_line = lines.next().unwrap_or_default().trim().to_owned();
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    let body = (!body.trim().is_empty()).then(|| serde_json::from_str(body).unwrap_or_else(|e| panic!("example body is not JSON ({e}): {body}")));
    DocMessage { first_line, headers, body }
}

/// One row per scheme of a permission table: (least, higher); "Not supported." is empty.
pub type Table = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// Parses a `|Permission type|Least privileged permissions|Higher privileged permissions|`
/// table in `text`.
pub fn parse_permission_table(text: &str) -> Option<Table> {
    let mut table = Table::new();
    let mut in_table = false;
    for line in text.lines().map(str::trim) {
        if !line.starts_with('|') {
            if in_table {
                break;
            }
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.first().is_some_and(|c| c.eq_ignore_ascii_case("Permission type")) {
            in_table = true;
            continue;
        }
        if !in_table || cells.iter().all(|c| c.starts_with(':') || c.starts_with('-')) {
            continue;
        }
        let list = |c: &str| -> Vec<String> {
            if c.trim_end_matches('.').eq_ignore_ascii_case("Not supported") || c.trim_end_matches('.').eq_ignore_ascii_case("Not available") {
                Vec::new()
            } else {
                c.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
            }
        };
        table.insert(cells[0].to_owned(), (list(cells[1]), list(cells.get(2).copied().unwrap_or(""))));
    }
    in_table.then_some(table)
}
