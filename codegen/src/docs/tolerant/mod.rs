//! Tolerant reader for pages that lost their markup: front matter as a key/value table, no
//! headings, bare JSON, or the plain text of a rendered web page (tables flattened to lines,
//! bare `GET /path` request lines, bare `HTTP/1.1 200 OK` responses).
//!
//! It works line by line and recovers the same [`Page`] shape the markdown reader gives for a
//! properly annotated page: section lines become headings, runs of request lines become `http`
//! code blocks with the annotation the docs would have had (`ignored` in Permissions / HTTP
//! request, `request` in Examples), responses become `http` blocks annotated `response`,
//! flattened permission and header tables are rebuilt, a bare resource JSON becomes a `json`
//! block annotated `resource`. The page is marked `tolerant` and a `doc-tolerant-read` warning
//! says so. Linear in the input; never panics.

use super::markdown::{
    count_raw_cells, expand_include, find_namespace, inline_plain, parse_include_line, split_front_matter,
    split_raw_cells, unquote,
};
use super::*;
use serde_json::{json, Value};

mod tables;

/// True for a page without markdown structure: no `<!-- {` annotation, no YAML front matter,
/// no ATX heading and no code fence (and not empty: empty pages go to the markdown reader,
/// which reports them).
pub fn needs_tolerant(text: &str) -> bool {
    if is_blank(text) || has_annotation(text) {
        return false;
    }
    if text.trim_start_matches('\u{feff}').starts_with("---") {
        return false;
    }
    for line in text.lines() {
        let l = line.trim_start();
        if l.starts_with("```") || l.starts_with("~~~") || is_atx_heading(l) {
            return false;
        }
    }
    true
}

fn has_annotation(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("<!--") {
        rest = &rest[i + 4..];
        if rest.trim_start().starts_with('{') {
            return true;
        }
    }
    false
}

fn is_atx_heading(l: &str) -> bool {
    let n = l.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&n) && matches!(l.as_bytes().get(n), Some(b' ') | Some(b'\t') | None)
}

/// Web-page chrome that comes before the title of a rendered page.
const CHROME: &[&str] = &[
    "Edit",
    "Share via",
    "Share",
    "Print",
    "Table of contents",
    "Exit focus mode",
    "Read in English",
    "Add to plan",
    "Add to Collections",
    "Save",
    "Feedback",
    "Ask Learn",
];

const SECTIONS: &[&str] = &[
    "Permissions",
    "HTTP request",
    "Path parameters",
    "Optional query parameters",
    "Query parameters",
    "Request headers",
    "Request body",
    "Response",
    "Examples",
    "Example",
    "Properties",
    "Relationships",
    "Methods",
    "Members",
    "Functions",
    "Actions",
    "JSON representation",
    "Related content",
];

const SCHEMES: &[&str] = &["Delegated (work or school account)", "Delegated (personal Microsoft account)", "Application"];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Characters the balanced-JSON scans may look at in total, as a multiple of the input length
/// (keeps pathological inputs linear).
const SCAN_BUDGET_FACTOR: usize = 4;

pub fn read(tree: &DocTree, file: &str, text: &str) -> (Page, Vec<Diagnostic>) {
    let mut diags = vec![Diagnostic::warning(
        "doc-tolerant-read",
        Origin::new(file, 1, 1),
        "page has no markdown annotations; read tolerantly",
    )];
    let mut page = Page::empty(file, true);
    if is_blank(text) {
        diags.push(Diagnostic::warning("doc-empty", Origin::new(file, 1, 1), "page is empty"));
        page.kind = infer_kind(&page.front_matter, None, file);
        return (page, diags);
    }
    let lines: Vec<&str> = text.lines().collect();
    let (mut fm, body_off) = split_front_matter(text);
    let mut i = text[..body_off].bytes().filter(|b| *b == b'\n').count();
    if fm.is_empty() {
        i = 0;
        if let Some((kv, next)) = kv_table(&lines, 0) {
            fm = kv;
            i = next;
        }
    }
    let mut t = Tolerant {
        tree,
        file,
        lines: &lines,
        blocks: Vec::new(),
        diags: Vec::new(),
        section: String::new(),
        in_examples: false,
        requests: 0,
        perm_tables: 0,
        title: fm.get("title").cloned(),
        resource_page: fm.get("doc_type").map(|s| s.trim() == "resourcePageType").unwrap_or(false),
        response_type: response_type(&lines),
        budget: text.len().saturating_mul(SCAN_BUDGET_FACTOR).saturating_add(1 << 20),
        stem: file_stem(file),
        truncated_note: false,
    };
    if let Some(title) = &t.title {
        t.resource_page |= title.to_ascii_lowercase().ends_with("resource type");
    }
    let need_title = t.title.is_none();
    t.run(i, need_title);

    page.namespace = find_namespace(text);
    page.title = t.title.clone();
    page.kind = if fm.contains_key("doc_type") {
        infer_kind(&fm, page.title.as_deref(), file)
    } else {
        t.infer_kind(&fm, file)
    };
    page.front_matter = fm;
    page.blocks = std::mem::take(&mut t.blocks);
    diags.append(&mut t.diags);
    (page, diags)
}

/// Front matter written as a two-column markdown table at the top of the page.
fn kv_table(lines: &[&str], start: usize) -> Option<(BTreeMap<String, String>, usize)> {
    let mut i = start;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let mut map = BTreeMap::new();
    let mut any = false;
    while i < lines.len() && lines[i].trim_start().starts_with('|') {
        let cells = split_raw_cells(lines[i]);
        if !is_delimiter_row(&cells) {
            if cells.len() != 2 {
                return None;
            }
            let k = cells[0].trim().to_string();
            let v = unquote(cells[1].trim()).to_string();
            if !k.is_empty() {
                map.insert(k, v);
            }
            any = true;
        }
        i += 1;
    }
    let looks_like_fm = map.contains_key("title") || map.contains_key("doc_type") || map.keys().any(|k| k.starts_with("ms."));
    (any && looks_like_fm).then_some((map, i))
}

fn is_delimiter_row(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim();
            !c.is_empty() && c.contains('-') && c.chars().all(|ch| ch == '-' || ch == ':' || ch == ' ')
        })
}

fn file_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

/// Section level of a line, when it is one of the section titles of a reference page.
fn section_level(t: &str, in_examples: bool) -> Option<u8> {
    if (t == "Request" || t == "Response") && in_examples {
        return Some(3);
    }
    if t == "Request" {
        return Some(3);
    }
    if let Some(rest) = t.strip_prefix("Example ") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && (rest.len() == digits || rest.as_bytes()[digits] == b':') {
            return Some(3);
        }
    }
    SECTIONS.contains(&t).then_some(2)
}

fn is_request_line(t: &str) -> bool {
    let mut parts = t.splitn(2, char::is_whitespace);
    let (Some(m), Some(rest)) = (parts.next(), parts.next()) else { return false };
    let rest = rest.trim_start();
    METHODS.contains(&m) && (rest.starts_with('/') || rest.starts_with("https://") || rest.starts_with("http://"))
}

fn is_status_line(t: &str) -> bool {
    let mut parts = t.split_whitespace();
    let (Some(v), Some(code)) = (parts.next(), parts.next()) else { return false };
    v.starts_with("HTTP/") && code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

fn is_header_line(t: &str) -> bool {
    let Some((name, _)) = t.split_once(':') else { return false };
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !t.starts_with(['{', '['])
}

fn starts_json(t: &str) -> bool {
    t.starts_with('{') || t == "[" || t.starts_with("[{") || t.starts_with("[ {")
}

/// `microsoft.graph.X` named in the top-level Response section text.
fn response_type(lines: &[&str]) -> Option<String> {
    let start = lines.iter().position(|l| l.trim() == "Response")?;
    for l in &lines[start + 1..] {
        let t = l.trim();
        if section_level(t, false).is_some() || is_status_line(t) {
            break;
        }
        if let Some(p) = t.find("microsoft.graph.") {
            let ty: String = t[p..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_').collect();
            let ty = ty.trim_end_matches('.');
            if ty.len() > "microsoft.graph.".len() {
                return Some(ty.to_string());
            }
        }
    }
    None
}

/// `@odata.type` of a JSON text (without the leading `#`).
fn odata_type(json_text: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<Value>(json_text) {
        if let Some(s) = v.get("@odata.type").and_then(Value::as_str) {
            return Some(s.trim_start_matches('#').to_string());
        }
    }
    let p = json_text.find("\"@odata.type\"")?;
    let rest = &json_text[p + 13..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].trim_start_matches('#').to_string())
}

struct Tolerant<'a> {
    tree: &'a DocTree,
    file: &'a str,
    lines: &'a [&'a str],
    blocks: Vec<Block>,
    diags: Vec<Diagnostic>,
    section: String,
    in_examples: bool,
    requests: usize,
    perm_tables: usize,
    title: Option<String>,
    resource_page: bool,
    response_type: Option<String>,
    budget: usize,
    stem: String,
    /// A "shortened for readability" note was seen since the last section line.
    truncated_note: bool,
}

impl<'a> Tolerant<'a> {
    fn run(&mut self, mut i: usize, mut need_title: bool) {
        let n = self.lines.len();
        while i < n {
            let raw = self.lines[i];
            let t = raw.trim();
            let line = (i + 1) as u32;
            if t.is_empty() {
                i += 1;
                continue;
            }
            if need_title {
                if CHROME.contains(&t) {
                    i += 1;
                    continue;
                }
                if !t.starts_with("Namespace:")
                    && !t.starts_with('|')
                    && !t.starts_with("[!")
                    && !starts_json(t)
                    && !is_request_line(t)
                    && t.chars().count() <= 200
                {
                    need_title = false;
                    self.title = Some(t.to_string());
                    self.section = t.to_string();
                    self.blocks.push(Block::Heading(Heading { level: 1, text: t.to_string(), line }));
                    i += 1;
                    continue;
                }
            }
            if let Some(level) = section_level(t, self.in_examples) {
                if t == "Examples" || t.starts_with("Example") {
                    self.in_examples = true;
                }
                self.section = t.to_string();
                self.truncated_note = false;
                self.blocks.push(Block::Heading(Heading { level, text: t.to_string(), line }));
                i += 1;
            } else if t.starts_with('|') {
                i = self.pipe_table(i);
            } else if let Some((_, target)) = parse_include_line(t) {
                let mut blocks = expand_include(self.tree, self.file, &target, line, None, &self.section, 0, &mut self.diags);
                self.blocks.append(&mut blocks);
                i += 1;
            } else if t.to_ascii_lowercase().starts_with("permission type") && t.contains("privileged") {
                i = self.permission_table(i);
            } else if t == "Name Description" {
                i = self.flat_table(i, vec!["Name".into(), "Description".into()], 1);
            } else if let Some(first) = ["Property", "Relationship", "Parameter"]
                .iter()
                .find(|w| t == format!("{w} Type Description"))
            {
                i = self.flat_table(i, vec![first.to_string(), "Type".into(), "Description".into()], 2);
            } else if is_request_line(t) {
                i = self.request(i);
            } else if is_status_line(t) {
                i = self.response(i);
            } else if starts_json(t) {
                i = self.bare_json(i);
            } else {
                let (text, links) = inline_plain(t);
                self.truncated_note |= text.contains("shortened for readability");
                if !text.is_empty() {
                    self.blocks.push(Block::Paragraph(Paragraph { text, links, line, section: self.section.clone() }));
                }
                i += 1;
            }
        }
    }

    fn infer_kind(&self, fm: &BTreeMap<String, String>, file: &str) -> PageKind {
        let has_http_request = self.blocks.iter().any(|b| matches!(b, Block::Heading(h) if h.text == "HTTP request"));
        let has_request_code = self.blocks.iter().any(|b| {
            matches!(b, Block::Code(c) if c.lang == "http" && c.text.split_whitespace().next().is_some_and(|m| METHODS.contains(&m)))
        });
        let has_resource_json = self
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Code(c) if c.annotation.as_ref().and_then(|a| a.block_type()) == Some("resource")));
        if has_http_request && has_request_code {
            PageKind::Api
        } else if self.resource_page || has_resource_json {
            PageKind::Resource
        } else {
            infer_kind(fm, self.title.as_deref(), file)
        }
    }

    fn lead(&self) -> Option<String> {
        match self.blocks.last() {
            Some(Block::Paragraph(p)) => Some(p.text.clone()),
            _ => None,
        }
    }

    fn push_code(&mut self, lang: &str, from: usize, to: usize, annotation: Option<Value>) {
        let mut text = String::new();
        for l in &self.lines[from..=to] {
            text.push_str(l.trim_end());
            text.push('\n');
        }
        let line = (from + 1) as u32;
        let lead = self.lead();
        self.blocks.push(Block::Code(CodeBlock {
            lang: lang.to_string(),
            text,
            line,
            section: self.section.clone(),
            annotation: annotation.map(|value| Annotation { value, line }),
            lead,
        }));
    }

    /// Last line of a balanced JSON value starting on line `i`; `None` when it does not close
    /// (or the scan budget is spent).
    fn json_end(&mut self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut strings = JsonStrings::default();
        let mut started = false;
        for (k, l) in self.lines.iter().enumerate().skip(i) {
            for b in l.bytes() {
                if self.budget == 0 {
                    return None;
                }
                self.budget -= 1;
                // Before the value starts, quotes are prose, not strings.
                if started && !strings.step(b) {
                    continue;
                }
                match b {
                    b'{' | b'[' => {
                        started = true;
                        depth += 1;
                    }
                    b'}' | b']' if started => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(k);
                        }
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// Line before the next blank line (fallback extent for JSON that does not balance).
    fn until_blank(&self, i: usize) -> usize {
        let mut j = i;
        while j + 1 < self.lines.len() && !self.lines[j + 1].trim().is_empty() {
            j += 1;
        }
        j
    }

    /// Extent of an HTTP message starting on line `i`: start line, header lines, then (when
    /// `body`) a JSON body after blank lines. Returns the last line index.
    fn message_end(&mut self, i: usize, body: bool) -> usize {
        let n = self.lines.len();
        let mut j = i + 1;
        while j < n && is_header_line(self.lines[j].trim()) {
            j += 1;
        }
        let mut end = j - 1;
        if body {
            let mut k = j;
            while k < n && self.lines[k].trim().is_empty() {
                k += 1;
            }
            if k < n && starts_json(self.lines[k].trim()) {
                end = match self.json_end(k) {
                    Some(e) => e,
                    None => self.until_blank(k),
                };
            }
        }
        end
    }

    fn request(&mut self, i: usize) -> usize {
        let n = self.lines.len();
        let mut j = i;
        while j + 1 < n && is_request_line(self.lines[j + 1].trim()) {
            j += 1;
        }
        if self.in_examples {
            self.requests += 1;
            let method = self.lines[i].split_whitespace().next().unwrap_or("");
            let end = if i == j { self.message_end(i, matches!(method, "POST" | "PUT" | "PATCH")) } else { j };
            let name = format!("{}_example_{}", self.stem, self.requests);
            self.push_code("http", i, end, Some(json!({"blockType": "request", "name": name})));
            end + 1
        } else {
            self.push_code("http", i, j, Some(json!({"blockType": "ignored"})));
            j + 1
        }
    }

    fn response(&mut self, i: usize) -> usize {
        let end = self.message_end(i, true);
        let mut ann = json!({"blockType": "response"});
        if self.truncated_note {
            ann["truncated"] = Value::Bool(true);
        }
        if let Some(ty) = &self.response_type {
            ann["@odata.type"] = Value::String(ty.clone());
        }
        self.push_code("http", i, end, Some(ann));
        end + 1
    }

    fn bare_json(&mut self, i: usize) -> usize {
        let end = match self.json_end(i) {
            Some(e) => e,
            None => self.until_blank(i),
        };
        let text: String = self.lines[i..=end].join("\n");
        let ann = if self.resource_page {
            odata_type(&text).map(|ty| json!({"blockType": "resource", "@odata.type": ty}))
        } else {
            None
        };
        self.push_code("json", i, end, ann);
        end + 1
    }
}
