//! `<!-- { … } -->` annotation JSON: parsing, the located origin of a JSON error, and the
//! lenient repair of the mistakes real pages make (trailing commas, unquoted keys, …).

use super::*;

/// Annotation comments longer than this are not repaired (keeps the repair bounded).
pub(in crate::docs) const MAX_REPAIR_LEN: usize = 64 * 1024;

/// Parses the JSON of an annotation comment. Broken JSON is repaired when a lenient fix works
/// (value kept, still warned), else the value is `Null` (warned).
pub(in crate::docs) fn parse_annotation(json: &str, file: &str, line: u32, col: u32, diags: &mut Vec<Diagnostic>) -> Annotation {
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
pub(in crate::docs) fn json_error_origin(raw: &str, e: &serde_json::Error, file: &str, line: u32, col: u32) -> Origin {
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
pub(in crate::docs) fn repair_json(s: &str) -> Option<Value> {
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
    let mut strings = crate::docs::JsonStrings::default();
    for b in s.bytes() {
        if !strings.step(b) {
            continue;
        }
        match b {
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            b'}' | b']' if stack.pop() != Some(b) => return None,
            _ => {}
        }
    }
    if !stack.is_empty() && !strings.in_string() {
        let mut t = s.to_string();
        while let Some(c) = stack.pop() {
            t.push(c as char);
        }
        return try_parse(&t);
    }
    None
}

pub(in crate::docs) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `b[start]` is `"`; returns the index just past the closing quote.
pub(in crate::docs) fn string_end(b: &[u8], start: usize) -> Option<usize> {
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

pub(in crate::docs) fn outside_string_positions(s: &str, target: u8) -> Vec<usize> {
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

pub(in crate::docs) fn strip_trailing_commas(s: &str) -> String {
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
