//! Doc pages: the generic, format-level reading of one Graph reference page.
//!
//! `read_page` turns the text of one page into a [`Page`]: front matter, namespace, kind, and
//! the page's blocks (headings, paragraphs, tables, fenced code) in document order, each with
//! its line and the `<!-- { ... } -->` annotation bound to it. Pages that lost their markup
//! (front matter as a table, no headings, bare JSON, or the text of a rendered web page) go
//! through `tolerant`, which recovers the same blocks and marks the page `tolerant`.
//!
//! What the blocks *mean* (types, endpoints, permissions, examples) is decided later, in
//! `extract`. No I/O: include files are looked up in the [`DocTree`] the caller loaded.

pub mod markdown;
pub mod tolerant;

use crate::diag::{Diagnostic, Origin};
use std::collections::BTreeMap;

/// Where a byte scan of JSON text is with respect to strings: feed every byte to [`step`],
/// which says whether the byte is outside a string (so brackets in it count).
///
/// [`step`]: JsonStrings::step
#[derive(Default)]
pub(crate) struct JsonStrings {
    in_str: bool,
    esc: bool,
}

impl JsonStrings {
    /// Takes the next byte; `true` when it is outside a string (a `"` that opens one is not).
    pub(crate) fn step(&mut self, b: u8) -> bool {
        if self.in_str {
            match (self.esc, b) {
                (true, _) => self.esc = false,
                (false, b'\\') => self.esc = true,
                (false, b'"') => self.in_str = false,
                _ => {}
            }
            return false;
        }
        if b == b'"' {
            self.in_str = true;
            return false;
        }
        true
    }

    pub(crate) fn in_string(&self) -> bool {
        self.in_str
    }
}

/// Every file of a docs tree, by path relative to the tree's root (`/`-separated).
/// Loaded by the caller (xtask); codegen never touches the filesystem.
#[derive(Debug, Clone, Default)]
pub struct DocTree {
    pub files: BTreeMap<String, String>,
    /// Files whose bytes were not valid UTF-8 (the loader decoded them lossily, replacing
    /// invalid bytes with U+FFFD): path → line and column of the first invalid byte.
    /// `read_page` reports each as `doc-not-utf8`.
    pub not_utf8: BTreeMap<String, (u32, u32)>,
}

impl DocTree {
    /// Resolve `target` (as written in an `[!INCLUDE …](target)` or a link) relative to the
    /// page `from`; returns the normalised path when the tree has that file.
    pub fn resolve(&self, from: &str, target: &str) -> Option<String> {
        let path = normalise_relative(from, target)?;
        self.files.contains_key(&path).then_some(path)
    }

    /// Paths of the pages to read: markdown/text files outside `includes/`.
    pub fn page_paths(&self) -> Vec<&str> {
        self.files
            .keys()
            .map(String::as_str)
            .filter(|p| is_page_path(p))
            .collect()
    }
}

/// `microsoft.graph.cloudLicensing`: identifiers (ASCII letters, digits, `_`) joined by dots.
pub fn is_namespace_name(ns: &str) -> bool {
    !ns.is_empty()
        && ns.split('.').all(|seg| {
            !seg.is_empty()
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !seg.as_bytes()[0].is_ascii_digit()
        })
}

/// True for a text with nothing but whitespace (and byte-order marks) in it.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

/// Pages are `.md`/`.txt` files that are not includes and not the tree's own notes.
pub fn is_page_path(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    (lower.ends_with(".md") || lower.ends_with(".txt"))
        && !lower.split('/').any(|seg| seg == "includes")
        && !matches!(name, "sources.md" | "readme.md" | "corrections.md")
}

/// `api/x.md` + `../includes/y.md` -> `includes/y.md`. `None` when it climbs above the root.
pub fn normalise_relative(from: &str, target: &str) -> Option<String> {
    let target = target.split('#').next().unwrap_or("").trim();
    if target.is_empty() || target.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut v: Vec<&str> = from.split('/').collect();
        v.pop();
        v
    };
    for seg in target.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageKind {
    Resource,
    Api,
    Enum,
    Other,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Resource => "resource",
            PageKind::Api => "api",
            PageKind::Enum => "enum",
            PageKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Path relative to the docs root.
    pub file: String,
    /// Front matter keys and values (quotes stripped), from YAML or a key/value table.
    pub front_matter: BTreeMap<String, String>,
    /// First H1 text, else front matter `title`.
    pub title: Option<String>,
    /// From the `Namespace: microsoft.graph.X` line.
    pub namespace: Option<String>,
    pub kind: PageKind,
    /// True when the page was read by the tolerant path (markup lost).
    pub tolerant: bool,
    pub blocks: Vec<Block>,
}

impl Page {
    /// A page with no blocks yet (kind `Other` until read).
    pub fn empty(file: &str, tolerant: bool) -> Self {
        Page {
            file: file.to_string(),
            front_matter: BTreeMap::new(),
            title: None,
            namespace: None,
            kind: PageKind::Other,
            tolerant,
            blocks: Vec::new(),
        }
    }

    pub fn origin(&self, line: u32) -> Origin {
        Origin::new(self.file.clone(), line, 1)
    }
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
    pub fn code_blocks(&self) -> impl Iterator<Item = &CodeBlock> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Code(c) => Some(c),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(Heading),
    Paragraph(Paragraph),
    Table(Table),
    Code(CodeBlock),
    /// An `[!INCLUDE [label](target)]` line. Tables in a resolved include are also emitted as
    /// `Block::Table` right after this block, with `Table::include` set.
    Include(Include),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Plain text: markup removed, link texts kept, inline code kept without backticks.
    pub text: String,
    /// Link targets in the paragraph, in order.
    pub links: Vec<String>,
    pub line: u32,
    /// Text of the nearest heading above (empty when none).
    pub section: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// Property | Type | Description
    Properties,
    /// Relationship | Type | Description
    Relationships,
    /// Method | Return type | Description
    Methods,
    /// Member | (Value |) Description
    Members,
    /// Permission type | Least privileged … | Higher privileged …
    Permissions,
    /// Name | Description (request headers)
    Headers,
    /// Parameter | Type | Description (request body of actions, query parameters)
    Parameters,
    /// Anything else.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: TableKind,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub line: u32,
    pub section: String,
    pub annotation: Option<Annotation>,
    /// Set when the table came from an include file: that file's tree path.
    pub include: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Plain text (links replaced by their text, backticks and emphasis removed, `<br/>` as space).
    pub text: String,
    /// Link targets inside the cell, in order.
    pub links: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    /// Info string, lowercased and trimmed (`http`, `json`, ``), or what the tolerant reader inferred.
    pub lang: String,
    pub text: String,
    /// Line of the first content line.
    pub line: u32,
    pub section: String,
    pub annotation: Option<Annotation>,
    /// Text of the paragraph right before the block (e.g. "Permissions to get … for a user:").
    pub lead: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// Parsed JSON object (`Null` when the JSON was broken; a diagnostic says so).
    pub value: serde_json::Value,
    pub line: u32,
}

impl Annotation {
    pub fn block_type(&self) -> Option<&str> {
        self.value.get("blockType").and_then(|v| v.as_str())
    }
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(|v| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    pub target: String,
    /// Tree path when it was found.
    pub resolved: Option<String>,
    pub line: u32,
    pub annotation: Option<Annotation>,
}

/// Pages (and includes) larger than this are not read: no real reference page comes near it
/// (the largest are a few hundred KB), and refusing keeps time and memory bounded.
pub const MAX_PAGE_BYTES: usize = 8 << 20;

/// Reads one page. Never panics; problems become diagnostics with file and line.
pub fn read_page(tree: &DocTree, file: &str, text: &str) -> (Page, Vec<Diagnostic>) {
    if text.len() > MAX_PAGE_BYTES {
        let page = Page { kind: infer_kind(&BTreeMap::new(), None, file), ..Page::empty(file, false) };
        let d = Diagnostic::error(
            "doc-too-large",
            Origin::new(file, 1, 1),
            format!("page is {} bytes, over the limit of {MAX_PAGE_BYTES}; not read", text.len()),
        );
        return (page, vec![d]);
    }
    let (mut page, mut diags) =
        if tolerant::needs_tolerant(text) { tolerant::read(tree, file, text) } else { markdown::read(tree, file, text) };
    // Namespaces become file and module names: only dotted identifiers are taken.
    if let Some(ns) = page.namespace.as_deref().filter(|ns| !is_namespace_name(ns)) {
        let line = text.lines().position(|l| l.contains("Namespace:")).map_or(1, |i| i + 1);
        diags.push(Diagnostic::error(
            "doc-namespace-invalid",
            Origin::new(file, u32::try_from(line).unwrap_or(u32::MAX), 1),
            format!("namespace `{ns}` is not a dotted name (letters, digits, `_` and `.`); page ignored for its namespace"),
        ));
        page.namespace = None;
    }
    if let Some(&(line, col)) = tree.not_utf8.get(file) {
        diags.insert(
            0,
            Diagnostic::warning(
                "doc-not-utf8",
                Origin::new(file, line, col),
                "page is not valid UTF-8; invalid bytes were replaced with U+FFFD",
            ),
        );
    }
    (page, diags)
}

/// Page kind from `doc_type`, else inferred from title and path.
pub fn infer_kind(front_matter: &BTreeMap<String, String>, title: Option<&str>, file: &str) -> PageKind {
    match front_matter.get("doc_type").map(|s| s.trim()) {
        Some("resourcePageType") => return PageKind::Resource,
        Some("apiPageType") => return PageKind::Api,
        Some("enumPageType") => return PageKind::Enum,
        Some(_) => return PageKind::Other,
        None => {}
    }
    let t = title.unwrap_or("").to_ascii_lowercase();
    if t.ends_with("resource type") {
        PageKind::Resource
    } else if t.ends_with("enum type") {
        PageKind::Enum
    } else if file.contains("/api/") || file.starts_with("api/") {
        PageKind::Api
    } else if file.contains("resources/") {
        PageKind::Resource
    } else {
        PageKind::Other
    }
}

/// Classifies a table by its header row.
pub fn classify_table(header: &[String]) -> TableKind {
    let h: Vec<String> = header.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    let first = h.first().map(String::as_str).unwrap_or("");
    let second = h.get(1).map(String::as_str).unwrap_or("");
    match first {
        "property" if second == "type" => TableKind::Properties,
        "relationship" => TableKind::Relationships,
        "method" | "methods" => TableKind::Methods,
        "member" | "members" => TableKind::Members,
        "permission type" => TableKind::Permissions,
        "name" | "header" if h.len() == 2 => TableKind::Headers,
        "parameter" | "name" if second == "type" => TableKind::Parameters,
        _ => TableKind::Other,
    }
}
