//! Facts from pages: what a resource page says about its type, what an API page says about
//! its endpoints, permissions, headers, body and examples. Works on the generic [`Page`]
//! blocks, so annotated and tolerantly read pages give the same facts.

use crate::diag::{Diagnostic, Origin};
use crate::docs::{Block, CodeBlock, Page, PageKind, Table, TableKind};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub type_text: String,
    pub description: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumFacts {
    /// Simple name (`assigneeTypes`).
    pub name: String,
    pub members: Vec<(String, Option<i64>, String)>,
    /// The page says the enum is a set of flags.
    pub flags_hint: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceFacts {
    pub file: String,
    /// Qualified name, from the `resource` annotation's `@odata.type` or the title.
    pub qname: Option<String>,
    pub base_text: Option<String>,
    pub key: Option<String>,
    pub open: bool,
    pub description: Option<String>,
    pub properties: Vec<Row>,
    pub relationships: Vec<Row>,
    pub enums: Vec<EnumFacts>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpLine {
    pub method: String,
    pub path: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct SchemeFacts {
    pub least: Vec<String>,
    pub higher: Vec<String>,
    /// `(permission, companions)`: the permission works only with one of the companions
    /// (the permissions data's `AlsoRequires`; doc tables never say).
    pub also_requires: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PermissionFacts {
    pub delegated_work: SchemeFacts,
    pub delegated_personal: SchemeFacts,
    pub application: SchemeFacts,
    pub origin: Origin,
    /// Derived by one of Graph's rules from another route's permissions (`GET /users` for
    /// `GET /users/$count`): that route, `METHOD template`; `None` when stated for this path.
    pub derived_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PermissionGroup {
    pub paths: Vec<HttpLine>,
    pub permissions: Option<PermissionFacts>,
    pub lead: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFacts {
    pub status: Option<u16>,
    /// Type named in the Response section (qualified when written so).
    pub type_text: Option<String>,
    pub collection: bool,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    pub name: Option<String>,
    pub method: String,
    /// As written: absolute URL or path, with query.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub line: u32,
    pub body_line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleResponse {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub odata_type: Option<String>,
    pub truncated: bool,
    pub line: u32,
    pub body_line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub request: Option<ExampleRequest>,
    pub response: Option<ExampleResponse>,
    /// Further responses of the same request, in page order: another outcome of it, or what
    /// a redirect leads to (a report's `302`, then its CSV). Checked like `response`.
    pub more: Vec<ExampleResponse>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiFacts {
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub http_lines: Vec<HttpLine>,
    pub permission_groups: Vec<PermissionGroup>,
    pub headers: Vec<Row>,
    pub body_properties: Vec<Row>,
    pub body_relationships: Vec<Row>,
    /// Names the "Request body" tables make required (a cell saying so, or a table introduced
    /// as the properties required to create the entity), with their rows' lines.
    pub body_required: Vec<(String, u32)>,
    /// Requirement sentences of the "Request body" prose, with their lines: the names in them
    /// are resolved against the target type when lowering.
    pub body_required_prose: Vec<(String, u32)>,
    /// `$select`, `$expand`, … named in the "Optional query parameters" section.
    pub query_options: Vec<String>,
    pub response: Option<ResponseFacts>,
    pub examples: Vec<Example>,
}

fn rows(t: &Table) -> Vec<Row> {
    t.rows
        .iter()
        .filter(|r| !r.cells.is_empty() && !r.cells[0].text.trim().is_empty())
        .map(|r| {
            let cell = |i: usize| r.cells.get(i).map(|c| c.text.trim().to_string()).unwrap_or_default();
            let (ty, desc) = if t.header.len() >= 3 { (cell(1), cell(2)) } else { (String::new(), cell(1)) };
            Row { name: cell(0).trim_matches('*').to_string(), type_text: ty, description: desc, line: r.line }
        })
        .collect()
}

fn lower_section(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// Facts of a resource (or enum) page.
pub fn resource(page: &Page) -> ResourceFacts {
    let mut f = ResourceFacts {
        file: page.file.clone(),
        qname: None,
        base_text: None,
        key: None,
        open: false,
        description: page.front_matter.get("description").cloned(),
        properties: Vec::new(),
        relationships: Vec::new(),
        enums: Vec::new(),
        origin: page.origin(1),
    };
    for b in &page.blocks {
        match b {
            Block::Code(c) => {
                if let Some(a) = &c.annotation {
                    if a.block_type() == Some("resource") {
                        if let Some(t) = a.str_field("@odata.type") {
                            f.qname = Some(t.trim_start_matches('#').to_string());
                            f.origin = page.origin(a.line);
                        }
                        f.key = a.str_field("keyProperty").map(str::to_string);
                        f.open = a.value.get("openType").and_then(|v| v.as_bool()).unwrap_or(false);
                    }
                }
            }
            Block::Paragraph(p) => {
                let t = p.text.trim();
                if let Some(rest) = t.strip_prefix("Inherits from ") {
                    let name = rest.trim().trim_end_matches('.').trim().to_string();
                    f.base_text = Some(name);
                }
            }
            Block::Table(t) => match t.kind {
                TableKind::Properties if lower_section(&t.section) != "request body" => f.properties.extend(rows(t)),
                TableKind::Relationships => f.relationships.extend(rows(t)),
                TableKind::Members => {
                    let name = enum_name_for(page, t);
                    let members = t
                        .rows
                        .iter()
                        .filter(|r| !r.cells.is_empty())
                        .map(|r| {
                            let c = |i: usize| r.cells.get(i).map(|c| c.text.trim().to_string()).unwrap_or_default();
                            let has_value = t.header.iter().any(|h| h.trim().eq_ignore_ascii_case("value"));
                            if has_value {
                                (c(0), c(1).parse::<i64>().ok(), c(2))
                            } else {
                                (c(0), None, c(1))
                            }
                        })
                        .collect();
                    let page_desc = page.front_matter.get("description").map(|d| d.to_ascii_lowercase()).unwrap_or_default();
                    f.enums.push(EnumFacts {
                        name,
                        members,
                        flags_hint: page.kind == PageKind::Enum && page_desc.contains("flag"),
                        origin: page.origin(t.line),
                    });
                }
                _ => {}
            },
            _ => {}
        }
    }
    if f.qname.is_none() && page.kind == PageKind::Resource {
        // Tolerant fallback: "allotment resource type" + namespace.
        if let (Some(t), Some(ns)) = (&page.title, &page.namespace) {
            if let Some(n) = t.strip_suffix(" resource type") {
                f.qname = Some(format!("{ns}.{}", n.trim()));
            }
        }
    }
    f
}

/// Enum name for a members table: `### assigneeTypes values` heading, else the enum page title.
fn enum_name_for(page: &Page, t: &Table) -> String {
    let s = t.section.trim();
    if let Some(n) = s.strip_suffix(" values") {
        return n.trim().to_string();
    }
    if let Some(title) = &page.title {
        if let Some(n) = title.strip_suffix(" enum type") {
            return n.trim().to_string();
        }
    }
    s.to_string()
}

/// Parses `METHOD path` lines of an http block (headers and bodies ignored).
pub fn http_lines(c: &CodeBlock) -> Vec<HttpLine> {
    let mut out = Vec::new();
    for (i, l) in c.text.lines().enumerate() {
        let l = l.trim();
        let mut parts = l.splitn(2, char::is_whitespace);
        let (Some(m), Some(p)) = (parts.next(), parts.next()) else { continue };
        if matches!(m, "GET" | "POST" | "PATCH" | "PUT" | "DELETE") {
            out.push(HttpLine { method: m.to_string(), path: p.trim().to_string(), line: c.line + i as u32 });
        }
    }
    out
}

fn split_names(s: &str) -> Vec<String> {
    let t = s.trim().trim_end_matches('.');
    if t.is_empty() || t.eq_ignore_ascii_case("not supported") || t.eq_ignore_ascii_case("not available") {
        return Vec::new();
    }
    t.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// Reads a permissions table (Permission type | Least privileged | Higher privileged).
pub fn permission_table(page: &Page, t: &Table) -> PermissionFacts {
    let mut p = PermissionFacts {
        origin: Origin::new(t.include.clone().unwrap_or_else(|| page.file.clone()), t.line, 1),
        ..Default::default()
    };
    for r in &t.rows {
        let c = |i: usize| r.cells.get(i).map(|c| c.text.clone()).unwrap_or_default();
        let scheme = SchemeFacts { least: split_names(&c(1)), higher: split_names(&c(2)), ..Default::default() };
        let kind = c(0).to_ascii_lowercase();
        if kind.contains("personal") {
            p.delegated_personal = scheme;
        } else if kind.contains("delegated") {
            p.delegated_work = scheme;
        } else if kind.contains("application") {
            p.application = scheme;
        }
    }
    p
}

/// `METHOD url` (an HTTP method in capitals, then a path or an absolute URL).
fn is_request_line(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let mut it = first.split_whitespace();
    let method = it.next().unwrap_or("");
    let url = it.next().unwrap_or("");
    matches!(method, "GET" | "POST" | "PATCH" | "PUT" | "DELETE") && (url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://"))
}

fn parse_status(line: &str) -> Option<u16> {
    let mut it = line.split_whitespace();
    let proto = it.next()?;
    if !proto.starts_with("HTTP/") {
        return None;
    }
    it.next()?.parse().ok()
}

/// Splits an http block into first line, headers and body.
fn split_http(c: &CodeBlock) -> (String, Vec<(String, String)>, Option<String>, u32) {
    let text = c.text.as_str();
    let mut lines = text.lines().enumerate().skip_while(|(_, l)| l.trim().is_empty()).peekable();
    // A block that starts with the JSON body has no request or status line.
    let starts_with_json = lines.peek().is_some_and(|(_, l)| l.trim_start().starts_with(['{', '[']));
    let first = if starts_with_json { String::new() } else { lines.next().map(|(_, l)| l.trim().to_string()).unwrap_or_default() };
    let mut headers = Vec::new();
    let mut body_start = None;
    for (i, l) in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() {
            body_start = Some(i + 1);
            break;
        }
        if t.starts_with('{') || t.starts_with('[') {
            body_start = Some(i);
            break;
        }
        if let Some((k, v)) = t.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    // The body starts at its first non-blank line (so JSON positions map to file lines).
    let body_start = body_start.map(|s| s + text.lines().skip(s).take_while(|l| l.trim().is_empty()).count());
    let body = body_start.and_then(|s| {
        let b: String = text.lines().skip(s).collect::<Vec<_>>().join("\n");
        let b = b.trim().to_string();
        (!b.is_empty()).then_some(b)
    });
    let body_line = body_start.map(|s| c.line + s as u32).unwrap_or(c.line);
    (first, headers, body, body_line)
}

/// Facts of an API page. Diagnostics: examples without a partner, unknown request lines.
pub fn api(page: &Page) -> (ApiFacts, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut f = ApiFacts {
        file: page.file.clone(),
        title: page.title.clone().unwrap_or_default(),
        description: page.front_matter.get("description").cloned(),
        http_lines: Vec::new(),
        permission_groups: Vec::new(),
        headers: Vec::new(),
        body_properties: Vec::new(),
        body_relationships: Vec::new(),
        body_required: Vec::new(),
        body_required_prose: Vec::new(),
        query_options: Vec::new(),
        response: None,
        examples: Vec::new(),
    };
    // A requirement introducing the next request-body table, and the rows it made required.
    let mut blanket = false;
    let mut by_blanket: Vec<(String, u32)> = Vec::new();
    let mut pending_paths: Vec<HttpLine> = Vec::new();
    let mut pending_lead: Option<String> = None;
    let mut in_examples = false;
    for b in &page.blocks {
        match b {
            Block::Heading(h) => {
                let t = lower_section(&h.text);
                if h.level <= 2 {
                    in_examples = t.starts_with("example");
                }
            }
            Block::Paragraph(p) => {
                let sec = lower_section(&p.section);
                if sec == "permissions" {
                    pending_lead = Some(p.text.clone());
                } else if sec == "optional query parameters" {
                    for w in p.text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '$')) {
                        if w.starts_with('$') && w.len() > 1 && !f.query_options.iter().any(|q| q == w) {
                            f.query_options.push(w.to_string());
                        }
                    }
                } else if sec == "request body" {
                    for s in crate::body_required::sentences(&p.text) {
                        if crate::body_required::is_blanket(s) {
                            blanket = true;
                        } else if crate::body_required::states_requirement(s) {
                            f.body_required_prose.push((s.to_string(), p.line));
                        }
                    }
                } else if sec == "response" && f.response.is_none() {
                    f.response = response_facts(&p.text, &p.links, p.line);
                }
            }
            Block::Code(c) => {
                let bt = c.annotation.as_ref().and_then(|a| a.block_type()).unwrap_or("");
                let sec = lower_section(&c.section);
                let text = c.text.trim_start();
                // Blocks of an example section without a request or response annotation: one
                // marked `ignored` (a note to Microsoft's own checker) or not marked at all is a
                // request when it starts with a request line; bare JSON under a "Response"
                // heading is a response without its status line, and bare JSON right after a
                // request without a body is that request's body in a block of its own.
                let unmarked = in_examples && matches!(bt, "" | "ignored" | "example");
                let bare_json = bt.is_empty() && in_examples && (text.starts_with('{') || text.starts_with('['));
                let pending_body = f.examples.last().and_then(|e| e.request.as_ref().filter(|r| r.body.is_none() && e.response.is_none()));
                if bare_json && !sec.starts_with("response") && pending_body.is_some() {
                    if let Some(r) = f.examples.last_mut().and_then(|e| e.request.as_mut()) {
                        r.body = Some(c.text.trim().to_string());
                        r.body_line = c.line + c.text.lines().take_while(|l| l.trim().is_empty()).count() as u32;
                    }
                } else if bt == "request" || (unmarked && is_request_line(text)) {
                    let (first, headers, body, body_line) = split_http(c);
                    let mut parts = first.splitn(2, char::is_whitespace);
                    let method = parts.next().unwrap_or("").to_string();
                    let url = parts.next().unwrap_or("").trim().to_string();
                    let name = c.annotation.as_ref().and_then(|a| a.str_field("name")).map(str::to_string);
                    f.examples.push(Example {
                        request: Some(ExampleRequest { name, method, url, headers, body, line: c.line, body_line }),
                        response: None,
                        more: Vec::new(),
                    });
                } else if bt == "response" || (in_examples && text.starts_with("HTTP/")) || (bare_json && sec.starts_with("response")) {
                    let (first, headers, body, body_line) = split_http(c);
                    let a = c.annotation.as_ref();
                    let resp = ExampleResponse {
                        status: parse_status(&first),
                        headers,
                        body,
                        odata_type: a.and_then(|a| a.str_field("@odata.type")).map(str::to_string),
                        truncated: a.and_then(|a| a.value.get("truncated")).and_then(|v| v.as_bool()).unwrap_or(false),
                        line: c.line,
                        body_line,
                    };
                    match f.examples.last_mut() {
                        Some(e) if e.response.is_none() => e.response = Some(resp),
                        Some(e) if e.request.is_some() => e.more.push(resp),
                        _ => {
                            diags.push(Diagnostic::warning(
                                "example-unpaired-response",
                                page.origin(c.line),
                                "response example has no request example before it",
                            ));
                            f.examples.push(Example { request: None, response: Some(resp), more: Vec::new() });
                        }
                    }
                } else if sec == "permissions" {
                    pending_paths = http_lines(c);
                    if let Some(lead) = &c.lead {
                        pending_lead = Some(lead.clone());
                    }
                } else if sec == "http request" {
                    f.http_lines.extend(http_lines(c));
                }
            }
            Block::Table(t) => {
                let sec = lower_section(&t.section);
                match t.kind {
                    TableKind::Permissions => {
                        let perms = permission_table(page, t);
                        let mut paths = std::mem::take(&mut pending_paths);
                        if paths.is_empty() {
                            paths = request_urls(t.annotation.as_ref().map(|a| &a.value), t.line);
                        }
                        f.permission_groups.push(PermissionGroup {
                            paths,
                            permissions: Some(perms),
                            lead: pending_lead.take(),
                            line: t.line,
                        });
                    }
                    TableKind::Headers if sec == "request headers" => f.headers.extend(rows(t)),
                    TableKind::Properties | TableKind::Parameters | TableKind::Relationships if sec == "request body" => {
                        let rs = rows(t);
                        let introduced = std::mem::take(&mut blanket);
                        for r in &rs {
                            if crate::body_required::cell_required(&r.description) {
                                f.body_required.push((r.name.clone(), r.line));
                            } else if introduced && !crate::body_required::cell_exempt(&r.description) {
                                by_blanket.push((r.name.clone(), r.line));
                            }
                        }
                        if t.kind == TableKind::Relationships {
                            f.body_relationships.extend(rs)
                        } else {
                            f.body_properties.extend(rs)
                        }
                    }
                    _ => {}
                }
            }
            Block::Include(inc) => {
                // A permissions include that could not be resolved still closes its group.
                let is_perm = inc.annotation.as_ref().and_then(|a| a.block_type()) == Some("permissions")
                    || inc.target.contains("permissions");
                if is_perm && inc.resolved.is_none() {
                    let mut paths = std::mem::take(&mut pending_paths);
                    if paths.is_empty() {
                        paths = request_urls(inc.annotation.as_ref().map(|a| &a.value), inc.line);
                    }
                    f.permission_groups.push(PermissionGroup {
                        paths,
                        permissions: None,
                        lead: pending_lead.take(),
                        line: inc.line,
                    });
                }
            }
        }
    }
    shown_requirements(page, &f.examples, by_blanket, &mut f.body_required, &mut diags);
    // A single table with no path block of its own covers every path of the page.
    for g in &mut f.permission_groups {
        if g.paths.is_empty() {
            g.paths = f.http_lines.clone();
        }
    }
    (f, diags)
}

/// A table's introduction says all its rows are required; the page's own create examples
/// (POST bodies that are JSON objects) show which really are: a row every example sends stays
/// required, one an example omits is taken as optional and noted.
fn shown_requirements(page: &Page, examples: &[Example], blanket: Vec<(String, u32)>, required: &mut Vec<(String, u32)>, diags: &mut Vec<Diagnostic>) {
    let bodies: Vec<serde_json::Map<String, serde_json::Value>> = examples
        .iter()
        .filter_map(|e| e.request.as_ref())
        .filter(|r| r.method.eq_ignore_ascii_case("POST"))
        .filter_map(|r| serde_json::from_str::<serde_json::Value>(r.body.as_deref()?).ok())
        .filter_map(|v| v.as_object().cloned())
        .collect();
    for (name, line) in blanket {
        let bind = format!("{name}@odata.bind");
        match bodies.iter().find(|b| !b.contains_key(&name) && !b.contains_key(&bind)) {
            None => required.push((name, line)),
            Some(_) => diags.push(Diagnostic::note(
                "doc-create-required-unshown",
                page.origin(line),
                format!("`{name}` is in a table of required properties, but the page's example request omits it: taken as optional"),
            )),
        }
    }
}

fn request_urls(v: Option<&serde_json::Value>, line: u32) -> Vec<HttpLine> {
    let Some(arr) = v.and_then(|v| v.get("requestUrls")).and_then(|v| v.as_array()) else { return Vec::new() };
    arr.iter()
        .filter_map(|s| s.as_str())
        .filter_map(|s| {
            let (m, p) = s.trim().split_once(' ')?;
            Some(HttpLine { method: m.to_string(), path: p.trim().to_string(), line })
        })
        .collect()
}

/// "returns a `200 OK` response code and a collection of [x](…) objects"
fn response_facts(text: &str, links: &[String], line: u32) -> Option<ResponseFacts> {
    let status = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 3 && (w.starts_with('2')))
        .and_then(|w| w.parse().ok());
    status?;
    let lower = text.to_ascii_lowercase();
    let collection = lower.contains("collection of");
    // Type: the word before " object" — prefer a qualified name in the text, else the link file.
    let mut type_text = text
        .split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '(' || c == ')')
        .find(|w| w.starts_with("microsoft.graph."))
        .map(|w| w.trim_end_matches(['.', ',']).to_string());
    if type_text.is_none() && (lower.contains(" object") || collection) {
        type_text = links.iter().find_map(|l| {
            let file = l.rsplit('/').next()?.trim_end_matches(".md");
            Some(file.rsplit('-').next()?.to_string())
        });
        if type_text.is_none() {
            // Tolerant pages lose links: take the word before "object(s)".
            let words: Vec<&str> = text.split_whitespace().collect();
            type_text = words
                .windows(2)
                .find(|w| w[1].starts_with("object"))
                .map(|w| w[0].trim_matches(|c: char| !c.is_alphanumeric() && c != '.').to_string());
        }
    }
    Some(ResponseFacts { status, type_text, collection, line })
}
