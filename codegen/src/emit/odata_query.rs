//! A small reader for OData query strings as written in doc examples
//! (`$expand=a($expand=b($select=x,y);$top=1)&$select=…`), used to emit typed builder calls.

/// One system query option (`$select`, …) or custom parameter, with nested options for
/// `$expand` items.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryItem {
    pub name: String,
    pub value: String,
}

/// Splits on `sep` at parenthesis depth 0 and outside single-quoted strings.
pub fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter().filter(|x| !x.trim().is_empty()).collect()
}

/// Percent-decodes (`%20` → space, `+` kept).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `$a=x&$b=y` (top level, `&`-separated) or `$a=x;$b=y` (nested, `;`-separated).
pub fn parse(q: &str, sep: char) -> Vec<QueryItem> {
    split_top(q, sep)
        .into_iter()
        .map(|part| {
            let part = decode(&part);
            match part.split_once('=') {
                Some((k, v)) => QueryItem { name: k.trim().to_string(), value: v.trim().to_string() },
                None => QueryItem { name: part.trim().to_string(), value: String::new() },
            }
        })
        .collect()
}

/// `assignments($expand=…;$top=0)` → (`assignments`, Some(`$expand=…;$top=0`)).
pub fn expand_item(s: &str) -> (String, Option<String>) {
    let s = s.trim();
    match s.find('(') {
        Some(i) if s.ends_with(')') => (s[..i].trim().to_string(), Some(s[i + 1..s.len() - 1].to_string())),
        _ => (s.to_string(), None),
    }
}
