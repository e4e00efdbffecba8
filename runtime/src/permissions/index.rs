//! Looking up the operation of a URL obtained elsewhere (a log, a `@odata.nextLink`, a
//! HAR file): the generated crate emits one static table of (method, path template) sorted
//! by method and normalised template, and [`lookup`] walks the slice of one method.

use super::{normalize_template, Operation, PathPermissions};

/// One row of the generated index: a path template of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IndexEntry {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// The template, normalised by [`normalize_template`] (`/users/{}/messages`).
    pub template: &'static str,
    /// The operation.
    pub operation: &'static Operation,
}

/// What [`lookup`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The operation.
    pub operation: &'static Operation,
    /// Its path (with permissions, when known) that matched.
    pub path: &'static PathPermissions,
}

/// The operation and path of `method url` in `index` (sorted by method, then template;
/// unsorted tables simply find less). `url` may be absolute (`https://graph.microsoft.com/v1.0/…`)
/// or a path, with or without a query; templates (`/users/{id}`) are accepted too.
///
/// A `{}` segment of a template matches any one segment of the URL; a function segment
/// (`range(address={})`) matches its name with any argument values; other segments compare
/// ASCII case-insensitively. Of several matches, the one with the most literal segments wins
/// (`/me/events/delta` over `/me/events/{}`).
pub fn lookup(index: &'static [IndexEntry], method: &str, url: &str) -> Option<Found> {
    let method = method.to_ascii_uppercase();
    let start = index.partition_point(|e| e.method < method.as_str());
    let end = index.partition_point(|e| e.method <= method.as_str());
    let wanted = normalize_template(path_of(url));
    let segs: Vec<&str> = split(&wanted);
    let mut best: Option<(usize, &IndexEntry)> = None;
    for e in &index[start..end] {
        let t = split(e.template);
        if t.len() != segs.len() {
            continue;
        }
        let mut literal = 0;
        let ok = t.iter().zip(&segs).all(|(t, u)| {
            if *t == "{}" {
                true
            } else if t.contains("{}") {
                glob(t, u)
            } else {
                literal += 1;
                t == u
            }
        });
        let better = match best {
            None => true,
            Some((l, _)) => literal > l,
        };
        if ok && better {
            best = Some((literal, e));
        }
    }
    let (_, e) = best?;
    let path = e.operation.path(e.template)?;
    Some(Found { operation: e.operation, path })
}

fn split(p: &str) -> Vec<&str> {
    p.split('/').filter(|s| !s.is_empty()).collect()
}

/// `https://host/v1.0/a/b?x` → `/a/b`.
fn path_of(url: &str) -> &str {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map(|i| &p[i..]).unwrap_or("/");
        for v in ["/beta/", "/v1.0/"] {
            if p.len() >= v.len() && p[..v.len()].eq_ignore_ascii_case(v) {
                p = &p[v.len() - 1..];
                break;
            }
        }
    }
    p.split(['?', '#']).next().unwrap_or("")
}

/// `{}` in `pattern` matches any run of characters of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("{}").collect();
    let (first, rest) = parts.split_first().expect("split gives at least one part");
    let Some(mut t) = text.strip_prefix(first) else { return false };
    for (i, part) in rest.iter().enumerate() {
        if i == rest.len() - 1 {
            return t.ends_with(part);
        }
        match t.find(part) {
            Some(j) => t = &t[j + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Permissions, Scheme};

    static P: Permissions = Permissions {
        delegated_work: Scheme { least: &["Mail.Read"], higher: &[], also_requires: &[] },
        delegated_personal: Scheme::NOT_SUPPORTED,
        application: Scheme::NOT_SUPPORTED,
    };
    static LIST: Operation = Operation {
        id: "message.list",
        method: "GET",
        paths: &[
            PathPermissions { template: "/me/messages", permissions: Some(P) },
            PathPermissions { template: "/users/{user-id}/messages", permissions: None },
        ],
        headers: &[],
        doc: "",
    };
    static DELTA: Operation = Operation {
        id: "message.delta",
        method: "GET",
        paths: &[PathPermissions { template: "/me/messages/delta()", permissions: None }],
        headers: &[],
        doc: "",
    };
    static GET: Operation = Operation {
        id: "message.get",
        method: "GET",
        paths: &[PathPermissions { template: "/me/messages/{message-id}", permissions: None }],
        headers: &[],
        doc: "",
    };
    static RANGE: Operation = Operation {
        id: "range",
        method: "GET",
        paths: &[PathPermissions { template: "/me/drive/items/{id}/workbook/worksheets/{id}/range(address='{address}')", permissions: None }],
        headers: &[],
        doc: "",
    };
    static INDEX: &[IndexEntry] = &[
        IndexEntry { method: "GET", template: "/me/drive/items/{}/workbook/worksheets/{}/range(address={})", operation: &RANGE },
        IndexEntry { method: "GET", template: "/me/messages", operation: &LIST },
        IndexEntry { method: "GET", template: "/me/messages/delta", operation: &DELTA },
        IndexEntry { method: "GET", template: "/me/messages/{}", operation: &GET },
        IndexEntry { method: "GET", template: "/users/{}/messages", operation: &LIST },
    ];

    #[test]
    fn finds_urls_and_templates() {
        let f = lookup(INDEX, "get", "https://graph.microsoft.com/v1.0/me/Messages?$top=5").unwrap();
        assert_eq!(f.operation.id, "message.list");
        assert_eq!(f.path.permissions.unwrap().delegated_work.least, ["Mail.Read"]);
        assert_eq!(lookup(INDEX, "GET", "/users/a%40b.com/messages").unwrap().path.template, "/users/{user-id}/messages");
        assert_eq!(lookup(INDEX, "GET", "/users/{id}/messages").unwrap().operation.id, "message.list");
        assert_eq!(lookup(INDEX, "GET", "/me/messages/delta()").unwrap().operation.id, "message.delta");
        assert_eq!(lookup(INDEX, "GET", "/me/messages/AAMkAD").unwrap().operation.id, "message.get");
        assert_eq!(lookup(INDEX, "GET", "/me/drive/items/1/workbook/worksheets/S1/range(address='A1:B2')").unwrap().operation.id, "range");
        assert!(lookup(INDEX, "POST", "/me/messages").is_none());
        assert!(lookup(INDEX, "GET", "/me/events").is_none());
    }

    #[test]
    fn globs() {
        assert!(glob("f(a={},b={})", "f(a='x',b=2)"));
        assert!(!glob("f(a={})", "g(a=1)"));
        assert!(!glob("f(a={})x", "f(a=1)"));
    }
}
