//! Markdown reader: pulldown-cmark over the page body, YAML-ish front matter, annotations
//! (`<!-- { ... } -->`) bound to the next table / code block / include, and include expansion.
//!
//! Every line number is a 1-based line of the ORIGINAL file (front matter included).
//! Never panics; everything odd becomes a [`Diagnostic`].

use super::*;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use std::ops::Range;

/// Includes inside includes are followed at most this deep (guards against cycles).
const MAX_INCLUDE_DEPTH: u32 = 2;
/// Annotation comments longer than this are not repaired (keeps the repair bounded).
const MAX_REPAIR_LEN: usize = 64 * 1024;

pub fn read(tree: &DocTree, file: &str, text: &str) -> (Page, Vec<Diagnostic>) {
    read_at_depth(tree, file, text, 0)
}

fn read_at_depth(tree: &DocTree, file: &str, text: &str, depth: u32) -> (Page, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut page = Page::empty(file, false);
    if is_blank(text) {
        diags.push(Diagnostic::warning("doc-empty", Origin::new(file, 1, 1), "page is empty"));
        page.kind = infer_kind(&page.front_matter, None, file);
        return (page, diags);
    }
    let (front_matter, body_start) = split_front_matter(text);
    let mut r = Reader {
        tree,
        file,
        text,
        base: body_start,
        lines: LineIndex::new(text),
        depth,
        blocks: Vec::new(),
        diags: Vec::new(),
        section: String::new(),
        pending: None,
        h1: None,
        tab_lead: None,
    };
    r.run();
    page.title = r.h1.take().or_else(|| front_matter.get("title").cloned());
    page.namespace = find_namespace(&text[body_start..]);
    page.kind = infer_kind(&front_matter, page.title.as_deref(), file);
    page.front_matter = front_matter;
    page.blocks = std::mem::take(&mut r.blocks);
    diags.append(&mut r.diags);
    (page, diags)
}

// ---------------------------------------------------------------------------------------------
// Lines and front matter
// ---------------------------------------------------------------------------------------------

/// Byte offset -> 1-based line / column, by binary search over line starts.
pub(super) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    pub(super) fn line(&self, off: usize) -> u32 {
        self.starts.partition_point(|&s| s <= off).max(1) as u32
    }
    pub(super) fn col(&self, off: usize) -> u32 {
        let l = self.line(off) as usize;
        (off.saturating_sub(self.starts[l - 1]) + 1) as u32
    }
}

/// Splits off YAML front matter (`---` … `---` at the very start). Returns the parsed
/// `key: value` pairs and the byte offset where the body starts (0 when there is none).
pub(super) fn split_front_matter(text: &str) -> (BTreeMap<String, String>, usize) {
    let mut map = BTreeMap::new();
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut pos = start;
    let mut first = true;
    let mut fm_lines: Vec<&str> = Vec::new();
    while pos < text.len() {
        let end = text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len());
        let line = text[pos..end].trim_end();
        if first {
            if line != "---" {
                return (map, 0);
            }
            first = false;
        } else if line == "---" || line == "..." {
            for l in fm_lines {
                if let Some((k, v)) = parse_kv_line(l) {
                    map.insert(k, v);
                }
            }
            return (map, end);
        } else {
            fm_lines.push(line);
        }
        pos = end;
    }
    (BTreeMap::new(), 0)
}

fn parse_kv_line(line: &str) -> Option<(String, String)> {
    if line.starts_with(char::is_whitespace) || line.starts_with('-') || line.starts_with('#') {
        return None;
    }
    let (k, v) = line.split_once(':')?;
    let k = k.trim();
    if k.is_empty() {
        return None;
    }
    Some((k.to_string(), unquote(v.trim()).to_string()))
}

pub(super) fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// First `Namespace: microsoft.graph.X` line.
pub(super) fn find_namespace(body: &str) -> Option<String> {
    for line in body.lines() {
        let l = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>' || c == '*' || c == '_');
        let Some(rest) = l.strip_prefix("Namespace:") else { continue };
        let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
        let ns: String = rest
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| c == '`' || c == '*' || c == '_' || c == '.' || c == ',')
            .to_string();
        if !ns.is_empty() {
            return Some(ns);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// Collapses whitespace runs to one space and trims.
pub(super) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn is_br(html: &str) -> bool {
    let h = html.trim().to_ascii_lowercase();
    h.starts_with("<br") && h.ends_with('>')
}

/// Plain text and link targets of a piece of inline markdown (used for cells and lines the
/// tolerant reader rebuilds).
pub(super) fn inline_plain(s: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut links = Vec::new();
    for ev in Parser::new_ext(s, Options::empty()) {
        match ev {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Html(h) | Event::InlineHtml(h) if is_br(&h) => text.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Item) => {
                text.push(' ')
            }
            _ => {}
        }
    }
    (squash(&text), links)
}

/// Strips leading blockquote markers and indentation.
fn strip_container(line: &str) -> &str {
    line.trim_start_matches(['>', ' ', '\t'])
}

/// `[!INCLUDE [label](target)]` -> (label, target). Also `[!INCLUDE label]` with no target
/// (as left in pages that lost their markup): target is then the label.
pub(super) fn parse_include_line(line: &str) -> Option<(String, String)> {
    let l = strip_container(line).trim_end();
    let head = l.get(..9)?;
    if !head.eq_ignore_ascii_case("[!INCLUDE") {
        return None;
    }
    let rest = l[9..].trim_start();
    let rest = rest.strip_suffix(']')?.trim_end();
    if let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']')?;
        let label = &inner[..close];
        let after = inner[close + 1..].trim_start();
        let target = after.strip_prefix('(')?.strip_suffix(')')?;
        let target = target.split_whitespace().next().unwrap_or("");
        Some((label.trim().to_string(), target.to_string()))
    } else if !rest.is_empty() && !rest.contains(['[', ']', '(', ')']) {
        Some((rest.to_string(), rest.to_string()))
    } else {
        None
    }
}

/// Number of cells in a raw pipe-table row (GFM: outer pipes optional, `\|` escapes).
pub(super) fn count_raw_cells(line: &str) -> usize {
    split_raw_cells(line).len()
}

/// Splits a raw pipe-table row into raw cell texts.
pub(super) fn split_raw_cells(line: &str) -> Vec<String> {
    let mut s = strip_container(line).trim();
    if let Some(x) = s.strip_prefix('|') {
        s = x;
    }
    if s.ends_with('|') && !s.ends_with("\\|") {
        s = &s[..s.len() - 1];
    }
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut prev_backslash = false;
    for c in s.chars() {
        if c == '|' && !prev_backslash {
            cells.push(std::mem::take(&mut cur));
        } else if c == '|' {
            cur.pop();
            cur.push('|');
        } else {
            cur.push(c);
        }
        prev_backslash = c == '\\' && !prev_backslash;
    }
    cells.push(cur);
    cells
}

// ---------------------------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------------------------

/// Parses the JSON of an annotation comment. Broken JSON is repaired when a lenient fix works
/// (value kept, still warned), else the value is `Null` (warned).
pub(super) fn parse_annotation(json: &str, file: &str, line: u32, col: u32, diags: &mut Vec<Diagnostic>) -> Annotation {
    let raw = json;
    let json = json.trim();
    match serde_json::from_str::<Value>(json) {
        Ok(value) => Annotation { value, line },
        Err(e) => {
            let origin = json_error_origin(raw, &e, file, line, col);
            // The place is in the origin; drop serde_json's own (comment-relative) one.
            let e = e.to_string();
            let e = e.split(" at line ").next().unwrap_or("");
            match repair_json(json) {
                Some(value) => {
                    diags.push(Diagnostic::warning(
                        "doc-annotation-json",
                        origin,
                        format!("annotation JSON is malformed ({e}); read leniently after repair"),
                    ));
                    Annotation { value, line }
                }
                None => {
                    diags.push(Diagnostic::warning(
                        "doc-annotation-json",
                        origin,
                        format!("annotation JSON is malformed ({e}); annotation ignored"),
                    ));
                    Annotation { value: Value::Null, line }
                }
            }
        }
    }
}

/// Where in the file a JSON error inside an annotation comment is: `raw` is the text right
/// after `<!--`, which is at `line`:`col`. Falls back to the comment itself.
fn json_error_origin(raw: &str, e: &serde_json::Error, file: &str, line: u32, col: u32) -> Origin {
    let lead = raw.len() - raw.trim_start().len();
    if e.line() == 0 {
        return Origin::new(file, line, col);
    }
    // Start of the error's line (1-based, within the trimmed JSON) as an offset in `raw`.
    let mut off = lead;
    for _ in 1..e.line() {
        match raw.get(off..).and_then(|r| r.find('\n')) {
            Some(i) => off += i + 1,
            None => return Origin::new(file, line, col),
        }
    }
    let before = raw.get(..off).unwrap_or("");
    let newlines = before.matches('\n').count();
    let err_line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
    let column = u32::try_from(e.column()).unwrap_or(u32::MAX).max(1);
    let err_col = if newlines == 0 {
        // Same line as `<!--`: after the comment opener and the leading whitespace.
        let lead_chars = u32::try_from(before.chars().count()).unwrap_or(u32::MAX);
        col.saturating_add(4).saturating_add(lead_chars).saturating_add(column - 1)
    } else {
        column
    };
    Origin::new(file, err_line, err_col)
}

/// Lenient repairs for the usual hand-editing slips: trailing commas, an array closed one
/// string too early (`["a"], "b"`), missing closers at the end.
fn repair_json(s: &str) -> Option<Value> {
    if s.len() > MAX_REPAIR_LEN {
        return None;
    }
    let try_parse = |t: &str| serde_json::from_str::<Value>(&strip_trailing_commas(t)).ok();
    if let Some(v) = try_parse(s) {
        return Some(v);
    }
    // A `]` closing an array before the strings that follow it.
    let closers: Vec<usize> = outside_string_positions(s, b']');
    for &p in closers.iter().take(16) {
        let bytes = s.as_bytes();
        let mut end = p + 1;
        let mut extended = false;
        loop {
            let mut q = skip_ws(bytes, end);
            if q >= bytes.len() || bytes[q] != b',' {
                break;
            }
            q = skip_ws(bytes, q + 1);
            if q >= bytes.len() || bytes[q] != b'"' {
                break;
            }
            let Some(str_end) = string_end(bytes, q) else { break };
            let after = skip_ws(bytes, str_end);
            if after < bytes.len() && bytes[after] == b':' {
                break; // that string is a key: the array really ended here
            }
            end = str_end;
            extended = true;
        }
        if extended {
            let candidate = format!("{}{}]{}", &s[..p], &s[p + 1..end], &s[end..]);
            if let Some(v) = try_parse(&candidate) {
                return Some(v);
            }
        }
    }
    // Missing closers at the end.
    let mut stack = Vec::new();
    let mut in_str = false;
    let mut esc = false;
    for b in s.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            b'}' | b']' if stack.pop() != Some(b) => return None,
            _ => {}
        }
    }
    if !stack.is_empty() && !in_str {
        let mut t = s.to_string();
        while let Some(c) = stack.pop() {
            t.push(c as char);
        }
        return try_parse(&t);
    }
    None
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `b[start]` is `"`; returns the index just past the closing quote.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn outside_string_positions(s: &str, target: u8) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            match string_end(b, i) {
                Some(e) => i = e,
                None => break,
            }
            continue;
        }
        if b[i] == target {
            out.push(i);
        }
        i += 1;
    }
    out
}

fn strip_trailing_commas(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] == b'"' {
            i = string_end(b, i).unwrap_or(b.len());
            continue;
        }
        if b[i] == b',' {
            let j = skip_ws(b, i + 1);
            if j < b.len() && (b[j] == b'}' || b[j] == b']') {
                out.push_str(&s[last..i]);
                last = i + 1;
            }
        }
        i += 1;
    }
    out.push_str(&s[last..]);
    out
}

// ---------------------------------------------------------------------------------------------
// Includes
// ---------------------------------------------------------------------------------------------

/// The `Include` block for `target` (seen on `line` of `file`) followed by the tables of the
/// include file when it resolves; a `doc-include-missing` warning for unresolved permission
/// tables. `annotation` (the comment before the include) goes on the include and its tables.
#[allow(clippy::too_many_arguments)]
pub(super) fn expand_include(
    tree: &DocTree,
    file: &str,
    target: &str,
    line: u32,
    annotation: Option<Annotation>,
    section: &str,
    depth: u32,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    let resolved = tree.resolve(file, target);
    let mut out = vec![Block::Include(Include {
        target: target.to_string(),
        resolved: resolved.clone(),
        line,
        annotation: annotation.clone(),
    })];
    match resolved {
        Some(path) => {
            let inc_text = tree.files.get(&path).map(String::as_str).unwrap_or("");
            if inc_text.len() > MAX_PAGE_BYTES {
                diags.push(Diagnostic::error(
                    "doc-too-large",
                    Origin::new(file, line, 1),
                    format!("include `{path}` is {} bytes, over the limit of {MAX_PAGE_BYTES}; not read", inc_text.len()),
                ));
            } else if depth < MAX_INCLUDE_DEPTH {
                let (inc, mut inc_diags) = read_at_depth(tree, &path, inc_text, depth + 1);
                inc_diags.retain(|d| d.code != "doc-empty");
                diags.append(&mut inc_diags);
                for b in inc.blocks {
                    if let Block::Table(mut t) = b {
                        t.include = Some(t.include.take().unwrap_or_else(|| path.clone()));
                        t.section = section.to_string();
                        if annotation.is_some() {
                            t.annotation = annotation.clone();
                        }
                        out.push(Block::Table(t));
                    }
                }
            }
        }
        None => {
            if target.to_ascii_lowercase().contains("permissions") {
                diags.push(Diagnostic::warning(
                    "doc-include-missing",
                    Origin::new(file, line, 1),
                    format!("permissions include `{target}` not found in the docs tree"),
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The event walk
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum InlKind {
    Para,
    Heading(u8),
    Cell,
    Item,
}

struct Inline {
    kind: InlKind,
    text: String,
    links: Vec<String>,
    start: usize,
}

struct TableBuf {
    line: u32,
    header: Vec<String>,
    header_len: usize,
    rows: Vec<Row>,
    cur: Vec<Cell>,
    row_line: u32,
    annotation: Option<Annotation>,
}

struct CodeBuf {
    lang: String,
    text: String,
    start: usize,
    fenced: bool,
}

struct HtmlBuf {
    text: String,
    /// (offset in `text`, absolute offset in the file) for each piece.
    segs: Vec<(usize, usize)>,
}

struct Reader<'t> {
    tree: &'t DocTree,
    file: &'t str,
    text: &'t str,
    base: usize,
    lines: LineIndex,
    depth: u32,
    blocks: Vec<Block>,
    diags: Vec<Diagnostic>,
    section: String,
    pending: Option<Annotation>,
    h1: Option<String>,
    /// (index of a tab heading block, text of the paragraph right before it): a code block
    /// right after a tab label (`# [HTTP](#tab/http)`) still gets that paragraph as its lead.
    tab_lead: Option<(usize, String)>,
}

impl<'t> Reader<'t> {
    fn line(&self, rel: usize) -> u32 {
        self.lines.line(self.base + rel)
    }

    fn run(&mut self) {
        let body = &self.text[self.base..];
        let parser = Parser::new_ext(body, Options::ENABLE_TABLES);
        let mut inl: Option<Inline> = None;
        let mut table: Option<TableBuf> = None;
        let mut code: Option<CodeBuf> = None;
        let mut html: Option<HtmlBuf> = None;
        let mut item_depth = 0usize;

        for (ev, range) in parser.into_offset_iter() {
            match ev {
                Event::Start(tag) => {
                    let is_inline_tag = matches!(
                        tag,
                        Tag::Link { .. }
                            | Tag::Image { .. }
                            | Tag::Emphasis
                            | Tag::Strong
                            | Tag::Strikethrough
                            | Tag::Superscript
                            | Tag::Subscript
                            | Tag::TableCell
                            | Tag::TableRow
                            | Tag::TableHead
                    );
                    if !is_inline_tag {
                        self.flush_item(&mut inl);
                    }
                    match tag {
                        Tag::Paragraph => inl = Some(Inline::new(InlKind::Para, range.start)),
                        Tag::Heading { level, .. } => {
                            inl = Some(Inline::new(InlKind::Heading(level as u8), range.start))
                        }
                        Tag::CodeBlock(kind) => {
                            let (lang, fenced) = match kind {
                                CodeBlockKind::Fenced(info) => (info.trim().to_lowercase(), true),
                                CodeBlockKind::Indented => (String::new(), false),
                            };
                            code = Some(CodeBuf { lang, text: String::new(), start: range.start, fenced });
                        }
                        Tag::HtmlBlock => html = Some(HtmlBuf { text: String::new(), segs: Vec::new() }),
                        Tag::Table(_) => {
                            table = Some(TableBuf {
                                line: self.line(range.start),
                                header: Vec::new(),
                                header_len: 0,
                                rows: Vec::new(),
                                cur: Vec::new(),
                                row_line: self.line(range.start),
                                annotation: self.pending.take(),
                            })
                        }
                        Tag::TableHead | Tag::TableRow => {
                            if let Some(t) = table.as_mut() {
                                t.cur.clear();
                                t.row_line = self.line(range.start);
                            }
                        }
                        Tag::TableCell => inl = Some(Inline::new(InlKind::Cell, range.start)),
                        Tag::Item => item_depth += 1,
                        Tag::Link { dest_url, .. } => {
                            if let Some(i) = inl.as_mut() {
                                i.links.push(dest_url.to_string());
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(end) => match end {
                    TagEnd::Paragraph => {
                        if let Some(i) = inl.take() {
                            self.finish_paragraph(i, range);
                        }
                    }
                    TagEnd::Heading(_) => {
                        if let Some(i) = inl.take() {
                            self.finish_heading(i);
                        }
                    }
                    TagEnd::CodeBlock => {
                        if let Some(c) = code.take() {
                            self.finish_code(c, range);
                        }
                    }
                    TagEnd::HtmlBlock => {
                        if let Some(h) = html.take() {
                            self.finish_html(h);
                        }
                    }
                    TagEnd::TableCell => {
                        if let (Some(i), Some(t)) = (inl.take(), table.as_mut()) {
                            t.cur.push(Cell { text: squash(&i.text), links: i.links });
                        }
                    }
                    TagEnd::TableHead => {
                        if let Some(t) = table.as_mut() {
                            t.header = t.cur.drain(..).map(|c| c.text).collect();
                            t.header_len = t.header.len();
                        }
                    }
                    TagEnd::TableRow => {
                        if let Some(t) = table.as_mut() {
                            let raw_line = body[range.start.min(body.len())..].lines().next().unwrap_or("");
                            let raw = count_raw_cells(raw_line);
                            if raw != t.header_len {
                                self.diags.push(Diagnostic::warning(
                                    "doc-table-cells",
                                    Origin::new(self.file, t.row_line, 1),
                                    format!("table row has {raw} cells, header has {}", t.header_len),
                                ));
                            }
                            let cells = std::mem::take(&mut t.cur);
                            t.rows.push(Row { cells, line: t.row_line });
                        }
                    }
                    TagEnd::Table => {
                        if let Some(t) = table.take() {
                            self.blocks.push(Block::Table(Table {
                                kind: classify_table(&t.header),
                                header: t.header,
                                rows: t.rows,
                                line: t.line,
                                section: self.section.clone(),
                                annotation: t.annotation,
                                include: None,
                            }));
                        }
                    }
                    TagEnd::Item => {
                        self.flush_item(&mut inl);
                        item_depth = item_depth.saturating_sub(1);
                    }
                    TagEnd::Link | TagEnd::Image | TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {}
                    _ => self.flush_item(&mut inl),
                },
                Event::Text(t) => {
                    if let Some(c) = code.as_mut() {
                        c.text.push_str(&t);
                    } else if let Some(h) = html.as_mut() {
                        h.segs.push((h.text.len(), self.base + range.start));
                        h.text.push_str(&t);
                    } else {
                        if let Some(i) = Self::inline_target(&mut inl, item_depth, range.start) {
                            i.text.push_str(&t);
                        }
                    }
                }
                Event::Code(t) => {
                    if let Some(i) = Self::inline_target(&mut inl, item_depth, range.start) {
                        i.text.push_str(&t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(i) = inl.as_mut() {
                        i.text.push(' ');
                    }
                }
                Event::Html(h) => {
                    if let Some(hb) = html.as_mut() {
                        hb.segs.push((hb.text.len(), self.base + range.start));
                        hb.text.push_str(&h);
                    }
                }
                Event::InlineHtml(h) => {
                    if let (true, Some(i)) = (is_br(&h), inl.as_mut()) {
                        i.text.push(' ');
                    }
                }
                Event::Rule => self.flush_item(&mut inl),
                _ => {}
            }
        }
        // The parser closes everything at the end; these only matter if it did not.
        if let Some(c) = code.take() {
            let len = body.len();
            self.finish_code(c, len..len);
        }
        self.flush_item(&mut inl);
    }

    fn inline_target(inl: &mut Option<Inline>, item_depth: usize, start: usize) -> Option<&mut Inline> {
        if inl.is_none() && item_depth > 0 {
            *inl = Some(Inline::new(InlKind::Item, start));
        }
        inl.as_mut()
    }

    /// Text directly inside a (tight) list item becomes a paragraph.
    fn flush_item(&mut self, inl: &mut Option<Inline>) {
        if inl.as_ref().map(|i| i.kind) == Some(InlKind::Item) {
            let i = inl.take().unwrap_or_else(|| Inline::new(InlKind::Item, 0));
            let text = squash(&i.text);
            if !text.is_empty() {
                let line = self.line(i.start);
                self.blocks.push(Block::Paragraph(Paragraph { text, links: i.links, line, section: self.section.clone() }));
            }
        }
    }

    fn finish_paragraph(&mut self, i: Inline, range: Range<usize>) {
        let body = &self.text[self.base..];
        let raw = body.get(range.start..range.end.min(body.len())).unwrap_or("");
        let start_line = self.line(range.start);
        // A paragraph made only of `[!INCLUDE …]` lines.
        let mut includes = Vec::new();
        let mut only_includes = true;
        for (n, l) in raw.lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            match parse_include_line(l) {
                Some((_, target)) => includes.push((target, start_line + n as u32)),
                None => {
                    only_includes = false;
                    break;
                }
            }
        }
        if only_includes && !includes.is_empty() {
            for (target, line) in includes {
                let ann = self.pending.take();
                let mut blocks =
                    expand_include(self.tree, self.file, &target, line, ann, &self.section, self.depth, &mut self.diags);
                self.blocks.append(&mut blocks);
            }
            return;
        }
        let text = squash(&i.text);
        if text.is_empty() {
            return;
        }
        self.blocks.push(Block::Paragraph(Paragraph { text, links: i.links, line: start_line, section: self.section.clone() }));
    }

    fn finish_heading(&mut self, i: Inline) {
        let text = squash(&i.text);
        let level = match i.kind {
            InlKind::Heading(l) => l,
            _ => 1,
        };
        let line = self.line(i.start);
        // `# [HTTP](#tab/http)`: a tab label of a code-sample switcher, not a section.
        let is_tab = !i.links.is_empty() && i.links.iter().all(|l| l.starts_with("#tab/"));
        if is_tab {
            if let Some(Block::Paragraph(p)) = self.blocks.last() {
                self.tab_lead = Some((self.blocks.len(), p.text.clone()));
            }
        } else {
            if level == 1 && self.h1.is_none() && !text.is_empty() {
                self.h1 = Some(text.clone());
            }
            self.section = text.clone();
            self.pending = None;
        }
        self.blocks.push(Block::Heading(Heading { level, text, line }));
    }

    fn finish_code(&mut self, c: CodeBuf, range: Range<usize>) {
        let body = &self.text[self.base..];
        let open_line = self.line(c.start);
        let line = if c.fenced { open_line + 1 } else { open_line };
        if c.fenced {
            let raw = body.get(c.start..range.end.min(body.len())).unwrap_or("");
            if !fence_closed(raw) {
                self.diags.push(Diagnostic::warning(
                    "doc-unclosed-fence",
                    Origin::new(self.file, open_line, 1),
                    "code fence is never closed; it runs to the end of its container",
                ));
            }
        }
        let lead = match self.blocks.last() {
            Some(Block::Paragraph(p)) => Some(p.text.clone()),
            Some(Block::Heading(_)) => match &self.tab_lead {
                Some((idx, text)) if *idx + 1 == self.blocks.len() => Some(text.clone()),
                _ => None,
            },
            _ => None,
        };
        self.blocks.push(Block::Code(CodeBlock {
            lang: c.lang,
            text: c.text,
            line,
            section: self.section.clone(),
            annotation: self.pending.take(),
            lead,
        }));
    }

    fn finish_html(&mut self, h: HtmlBuf) {
        let abs = |idx: usize| -> usize {
            let k = h.segs.partition_point(|&(o, _)| o <= idx);
            match k.checked_sub(1).and_then(|k| h.segs.get(k)) {
                Some(&(o, a)) => a + (idx - o),
                None => 0,
            }
        };
        let mut pos = 0;
        while let Some(i) = h.text[pos..].find("<!--") {
            let open = pos + i;
            let inner_start = open + 4;
            let (inner, next) = match h.text[inner_start..].find("-->") {
                Some(j) => (&h.text[inner_start..inner_start + j], inner_start + j + 3),
                None => (&h.text[inner_start..], h.text.len()),
            };
            if inner.trim_start().starts_with('{') {
                let at = abs(open);
                let (line, col) = (self.lines.line(at), self.lines.col(at));
                let ann = parse_annotation(inner, self.file, line, col, &mut self.diags);
                self.pending = Some(ann);
            }
            pos = next;
        }
    }
}

impl Inline {
    fn new(kind: InlKind, start: usize) -> Self {
        Inline { kind, text: String::new(), links: Vec::new(), start }
    }
}

/// Whether the raw source of a fenced code block ends with a closing fence.
fn fence_closed(raw: &str) -> bool {
    let mut lines = raw.trim_end().lines();
    let Some(open) = lines.next() else { return false };
    let open = strip_container(open);
    let Some(ch) = open.chars().next().filter(|c| *c == '`' || *c == '~') else { return false };
    let n = open.chars().take_while(|c| *c == ch).count();
    let Some(last) = lines.last() else { return false };
    let last = strip_container(last).trim_end();
    last.len() >= n && last.chars().all(|c| c == ch)
}
