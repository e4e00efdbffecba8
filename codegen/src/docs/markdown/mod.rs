//! Markdown reader: pulldown-cmark over the page body, YAML-ish front matter, annotations
//! (`<!-- { ... } -->`) bound to the next table / code block / include, and include expansion.
//!
//! Every line number is a 1-based line of the ORIGINAL file (front matter included).
//! Never panics; everything odd becomes a [`Diagnostic`].

use super::*;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use std::ops::Range;

mod annotation;
mod front;
use annotation::*;
pub(in crate::docs) use front::*;

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
