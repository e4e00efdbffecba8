//! The CSDL XML reader's plumbing: byte offsets to line and column, alias resolution (the
//! first pass), and element attributes.

use super::*;

// ---------------------------------------------------------------------------------------------
// Positions

/// Byte offset → (line, col), incrementally: offsets asked for are (almost always) increasing,
/// so each call only scans the bytes since the previous one.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lines { bytes: text.as_bytes(), pos: 0, line: 1, line_start: 0 }
    }

    pub(super) fn at(&mut self, offset: u64) -> (u32, u32) {
        let off = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        if off < self.pos {
            self.pos = 0;
            self.line = 1;
            self.line_start = 0;
        }
        for (i, b) in self.bytes[self.pos..off].iter().enumerate() {
            if *b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = off;
        let span = &self.bytes[self.line_start..off];
        // Column in characters (not bytes) for ordinary lines; bytes on absurdly long lines
        // (minified documents), to stay linear.
        let col = if span.len() <= 4096 {
            span.iter().filter(|b| (**b & 0xC0) != 0x80).count()
        } else {
            span.len()
        };
        (self.line, u32::try_from(col).unwrap_or(u32::MAX).saturating_add(1))
    }
}

// ---------------------------------------------------------------------------------------------
// Alias resolution

pub(super) struct Resolver {
    /// Alias → namespace, from `<Schema Alias>` and `<edmx:Include Alias>`.
    pub(super) aliases: HashMap<String, String>,
}

impl Resolver {
    pub(super) fn scan(text: &str) -> Resolver {
        let mut aliases = HashMap::new();
        let mut reader = Reader::from_str(text);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    let local = e.local_name();
                    if local.as_ref() == b"Schema" || local.as_ref() == b"Include" {
                        let attrs = attributes(&e).unwrap_or_default();
                        if let (Some(ns), Some(alias)) = (get(&attrs, "Namespace"), get(&attrs, "Alias")) {
                            if !alias.is_empty() && !ns.is_empty() {
                                aliases.entry(alias.to_string()).or_insert_with(|| ns.to_string());
                            }
                        }
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Resolver { aliases }
    }

    /// `graph.user` → `microsoft.graph.user` when `graph` is an alias; anything else unchanged.
    pub(super) fn name(&self, q: &str) -> String {
        let q = q.trim();
        let (ns, name) = split_qualified(q);
        match self.aliases.get(ns) {
            Some(full) if !ns.is_empty() => format!("{full}.{name}"),
            _ => q.to_string(),
        }
    }

    /// `Collection(graph.x)` → `TypeRef { name: "microsoft.graph.x", collection: true }`.
    pub(super) fn type_ref(&self, t: &str) -> TypeRef {
        let t = t.trim();
        match t.strip_prefix("Collection(").and_then(|r| r.strip_suffix(')')) {
            Some(inner) => TypeRef::new(self.name(inner), true),
            None => TypeRef::new(self.name(t), false),
        }
    }

    /// A path whose segments may be qualified names (type casts, container names).
    pub(super) fn path(&self, p: &str) -> String {
        p.split('/').map(|s| if s.contains('.') { self.name(s) } else { s.to_string() }).collect::<Vec<_>>().join("/")
    }

    /// An annotation term, qualified. The usual vocabulary aliases (`Core`, `Capabilities`,
    /// `Validation`) are understood even when the document does not declare them.
    pub(super) fn term(&self, t: &str) -> String {
        let t = t.trim();
        let (ns, name) = split_qualified(t);
        if let Some(full) = self.aliases.get(ns) {
            return format!("{full}.{name}");
        }
        match ns {
            "Core" => format!("{CORE}.{name}"),
            "Capabilities" => format!("{CAPABILITIES}.{name}"),
            "Validation" => format!("{VALIDATION}.{name}"),
            _ => t.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes

pub(super) type Attrs = Vec<(String, String)>;

pub(super) fn attributes(e: &BytesStart<'_>) -> Result<Attrs, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(err) => return Err(format!("attribute `{key}`: {err}")),
        };
        out.push((key, value));
    }
    Ok(out)
}

pub(super) fn get<'a>(attrs: &'a Attrs, key: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub(super) fn flag(attrs: &Attrs, key: &str, default: bool) -> bool {
    match get(attrs, key).map(str::trim) {
        Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        _ => default,
    }
}
