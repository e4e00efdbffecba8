//! The text of a path: the path part of a URL, segments split outside quotes and
//! parentheses, calls and their arguments, drive-item `root:/…:` groups. No schema here.

/// Strips `https://host/version` and the query: `https://graph.microsoft.com/beta/me?x` → `/me`.
pub fn path_part(url: &str) -> &str {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map(|i| &p[i..]).unwrap_or("/");
    }
    for v in ["/beta/", "/v1.0/"] {
        if p.get(..v.len()).is_some_and(|h| h.eq_ignore_ascii_case(v)) {
            p = &p[v.len() - 1..];
            break;
        }
    }
    split_outside_quotes(p, &['?', '#']).0
}

/// Query part of a URL (after `?`), if any.
pub fn query_part(url: &str) -> Option<&str> {
    let (_, rest) = split_outside_quotes(url, &['?']);
    rest
}

/// Splits at the first of `seps` that is outside single quotes.
pub(super) fn split_outside_quotes<'a>(s: &'a str, seps: &[char]) -> (&'a str, Option<&'a str>) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && seps.contains(&c) {
            return (&s[..i], Some(&s[i + 1..]));
        }
    }
    (s, None)
}

/// Splits a path into segments at `/` outside quotes and parentheses.
pub(super) fn split_segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in path.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            '/' if !quoted && depth <= 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// `name(args)` → (`name`, Some(`args`)); anything else → (segment, None).
pub(super) fn split_call(seg: &str) -> (&str, Option<&str>) {
    match (seg.find('('), seg.ends_with(')')) {
        (Some(i), true) if i > 0 => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
        _ => (seg, None),
    }
}

/// `a='x',b=@y` → [(a, 'x'), (b, @y)]; a lone value (`'Sheet1'`) is returned as ("", value).
pub(super) fn split_args(args: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    let mut parts = Vec::new();
    for (i, c) in args.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        match split_outside_quotes(p, &['=']) {
            (k, Some(v)) => out.push((k.trim().to_string(), v.trim().to_string())),
            (v, None) => out.push((String::new(), v.to_string())),
        }
    }
    out
}

pub(super) fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => v.to_string(),
    }
}

/// A segment written as a call (`f()`, `f(a=1)`) or a name that is no key placeholder.
pub(super) fn looks_like_call(seg: &str) -> bool {
    seg.ends_with(')')
}

pub(super) fn is_elision(seg: &str) -> bool {
    let s = seg.trim();
    s == "…" || s == "..." || s.starts_with("...") || s.starts_with('…')
}

/// One raw segment, with the drive-item path that follows it (`root:` … `:`), if any.
pub(super) struct RawSeg<'a> {
    pub(super) text: &'a str,
    pub(super) item_path: Option<String>,
}

/// Groups `root:`, `folder`, `file.txt:` into `root` + item path `folder/file.txt`.
pub(super) fn group_item_paths<'a>(parts: &[&'a str]) -> Vec<RawSeg<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        // `root:` starts a path; `file.txt:` (or the end of the path) ends it. A segment like
        // `root:` always has something before the colon.
        if let Some(head) = p.strip_suffix(':').filter(|h| !h.is_empty() && !h.contains(':')) {
            let mut path = Vec::new();
            let mut j = i + 1;
            while j < parts.len() {
                let q = parts[j].trim_start_matches(':');
                if let Some(last) = q.strip_suffix(':') {
                    path.push(last);
                    j += 1;
                    break;
                }
                path.push(q);
                j += 1;
            }
            out.push(RawSeg { text: head, item_path: Some(path.join("/")) });
            i = j;
            continue;
        }
        out.push(RawSeg { text: p.trim_start_matches(':'), item_path: None });
        i += 1;
    }
    out
}
