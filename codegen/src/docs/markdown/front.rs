//! Front matter, `Namespace:` lines and `[!INCLUDE …]` lines.

use super::*;

/// Includes inside includes are followed at most this deep (guards against cycles).
pub(in crate::docs) const MAX_INCLUDE_DEPTH: u32 = 2;
/// Splits off YAML front matter (`---` … `---` at the very start). Returns the parsed
/// `key: value` pairs and the byte offset where the body starts (0 when there is none).
pub(in crate::docs) fn split_front_matter(text: &str) -> (BTreeMap<String, String>, usize) {
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

pub(in crate::docs) fn parse_kv_line(line: &str) -> Option<(String, String)> {
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

pub(in crate::docs) fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// First `Namespace: microsoft.graph.X` line.
pub(in crate::docs) fn find_namespace(body: &str) -> Option<String> {
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

/// `[!INCLUDE [label](target)]` -> (label, target). Also `[!INCLUDE label]` with no target
/// (as left in pages that lost their markup): target is then the label.
pub(in crate::docs) fn parse_include_line(line: &str) -> Option<(String, String)> {
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

/// The `Include` block for `target` (seen on `line` of `file`) followed by the tables of the
/// include file when it resolves; a `doc-include-missing` warning for unresolved permission
/// tables. `annotation` (the comment before the include) goes on the include and its tables.
#[allow(clippy::too_many_arguments)]
pub(in crate::docs) fn expand_include(
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
