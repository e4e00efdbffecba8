//! Example requests: path and method against the builders, query options against the type
//! addressed (`$select`, `$expand` with nested options, `$filter`, `$orderby`, paging).

use super::*;
use crate::emit::examples::typed_expand;
use crate::emit::filter_exprs::{typed_filter, typed_orderby, FILTER_UNTYPED};

pub(super) fn check_request(
    cx: &mut Cx,
    ir: &Ir,
    api: &ApiFacts,
    req: &ExampleRequest,
    aliases: &mut BTreeSet<String>,
) -> (bool, Option<Declared>) {
    let origin = Origin::new(api.file.clone(), req.line, 1);
    let shown = format!("{} {}", req.method, req.url);
    let resolved = match paths::resolve(cx.schema, &req.url) {
        Ok(r) => r,
        Err(e) => {
            cx.typed.filters_unresolved += paths::query_part(&req.url).map_or(0, |q| count_filters(&decode(q)));
            cx.diags.push(Diagnostic::error(PATH_UNRESOLVED, origin, format!("`{shown}` does not resolve: {}", e.message)));
            return (false, None);
        }
    };
    // Navigation through properties the resource pages lack.
    for w in resolved.segments.windows(2) {
        if matches!(w[1].kind, SegKind::Nav { .. } | SegKind::Property { .. }) {
            cx.note_use(&w[0].ty.name, &w[1].text, &origin);
        }
    }
    let target = resolved.target();
    let c = match classify(&req.method, &resolved) {
        Ok(c) => c,
        // A primitive or collection-valued property: a real request no builder offers; its
        // response is still the property's value (`{"value": …}`).
        Err(why) if matches!(target.kind, SegKind::Property { .. }) => {
            cx.diags.push(Diagnostic::error(REQUEST_UNMATCHED, origin, format!("`{shown}`: {why}")));
            let t = target.ty.name.clone();
            return (false, Some(if target.ty.collection { Declared::Page(t) } else { Declared::Entity(t) }));
        }
        Err(why) => {
            cx.diags.push(Diagnostic::error(METHOD_MISMATCH, origin, format!("`{shown}`: {why}")));
            // The wrong method of a bound operation (a function called with POST): the request
            // stays unmatched, and its response is still the operation's result.
            let op = match &target.kind {
                SegKind::Operation { .. } => paths::bound_operation(cx.schema, &target.ty, split_call_name(&target.text)).map(|(_, o)| o),
                _ => None,
            };
            return (false, op.map(|o| crate::ir::classify::return_shape(o.return_type.as_ref())));
        }
    };
    let ty = c.node.0.clone();
    let bound = match c.kind {
        OpKind::Action => paths::bound_operation(cx.schema, &target.ty, split_call_name(&target.text)).map(|(_, o)| o),
        _ => None,
    };
    check_request_body(cx, api, req, &c, bound);
    let declared = match c.kind {
        OpKind::Action => {
            // The overload bound to the type addressed (names are shared by many bindings).
            let op = bound;
            let want = match op.map(|o| o.kind) {
                Some(crate::csdl::OperationKind::Function) => "GET",
                _ => "POST",
            };
            if req.method != want {
                cx.diags.push(Diagnostic::error(
                    METHOD_MISMATCH,
                    origin,
                    format!("`{shown}`: `{}` is called with {want}, not {}", target.text, req.method),
                ));
                return (false, Some(crate::ir::classify::return_shape(op.and_then(|o| o.return_type.as_ref()))));
            }
            crate::ir::classify::return_shape(op.and_then(|o| o.return_type.as_ref()))
        }
        OpKind::List => Declared::Page(ty),
        OpKind::Get | OpKind::Create | OpKind::Update | OpKind::Replace => Declared::Entity(ty),
        OpKind::Delete | OpKind::PutContent | OpKind::AddRef | OpKind::RemoveRef | OpKind::SetRef => Declared::NoContent,
        OpKind::Count => Declared::Count,
        OpKind::GetContent => Declared::Bytes,
    };
    let mut ok = true;
    if lower::example_chain(cx.schema, ir, &req.method, &req.url).is_none() {
        let why = match resolved.segments.first().map(|s| &s.kind) {
            // `/drive/…`, `/workbook/…`: read through the navigation property of that name.
            Some(SegKind::Relative { .. }) => format!(
                "`{shown}` starts at `{}`, a navigation property and no entity set or singleton: no builder chain starts there",
                resolved.segments[0].text
            ),
            _ => format!("`{shown}` matches no documented operation"),
        };
        cx.diags.push(Diagnostic::error(REQUEST_UNMATCHED, origin.clone(), why));
        ok = false;
    } else {
        // The example's path should be one the page lists.
        let shape = resolved.shape();
        let listed = api.http_lines.iter().any(|l| {
            l.method == req.method && paths::resolve(cx.schema, &l.path).is_ok_and(|r| r.shape() == shape)
        });
        if !listed && !api.http_lines.is_empty() {
            cx.diags.push(Diagnostic::note(
                PATH_NOT_LISTED,
                origin.clone(),
                format!("the path of `{shown}` is not among the page's HTTP request paths"),
            ));
        }
    }
    if let Some(q) = paths::query_part(&req.url) {
        let q = decode(q);
        let opts = parse_options(&q, '&');
        collect_aliases(&opts, aliases);
        let (ty, coll) = match &declared {
            Declared::Page(t) => (t.clone(), true),
            Declared::Entity(t) => (t.clone(), false),
            _ => (target.ty.name.clone(), target.ty.collection),
        };
        let mut problems = Vec::new();
        if !matches!(target.kind, SegKind::Operation { .. } | SegKind::Value | SegKind::Stream | SegKind::Ref) {
            check_options(cx, &ty, coll, &opts, aliases, &origin, &mut problems, Some(&ty));
        }
        for (code, msg) in problems {
            ok = false;
            cx.diags.push(Diagnostic::error(code, origin.clone(), format!("`{shown}`: {msg}")));
        }
    }
    (ok, Some(declared))
}

// ---------------------------------------------------------------------------------------------
// Query options.

/// `name=value` pairs; names lowercased, with the `$` OData allows to omit put back for the
/// system query options.
pub(super) fn parse_options(s: &str, sep: char) -> Vec<(String, String)> {
    split_top(s, sep)
        .into_iter()
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p.as_str(), ""));
            let n = n.trim().to_ascii_lowercase();
            let known = ["select", "expand", "filter", "top", "skip", "count", "orderby", "search", "apply", "compute", "format", "skiptoken", "levels"];
            let n = if !n.starts_with('$') && known.contains(&n.as_str()) { format!("${n}") } else { n };
            (n, v.trim().to_string())
        })
        .collect()
}

/// Names introduced by `… as alias` in `$apply` / `$compute` (at any nesting level).
pub(super) fn collect_aliases(opts: &[(String, String)], out: &mut BTreeSet<String>) {
    for (n, v) in opts {
        match n.as_str() {
            "$apply" | "$compute" => {
                let words: Vec<&str> = v
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .collect();
                for w in words.windows(2) {
                    if w[0] == "as" {
                        out.insert(w[1].to_string());
                    }
                }
            }
            "$expand" => {
                for item in split_top(v, ',') {
                    if let Some(i) = item.find('(') {
                        let inner = item[i + 1..].trim_end().trim_end_matches(')');
                        collect_aliases(&parse_options(inner, ';'), out);
                    }
                }
            }
            _ => {}
        }
    }
}

pub(super) type Problems = Vec<(&'static str, String)>;

/// Checks the query options `opts` on type `ty`. `typed_as`: the model the example emitter
/// types this level's `$filter` / `$orderby` by (`None`: an `$expand` item it replays as text,
/// see [`typed_expand`]), so the figures count what is generated.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_options(
    cx: &mut Cx,
    ty: &str,
    collection: bool,
    opts: &[(String, String)],
    aliases: &BTreeSet<String>,
    at: &Origin,
    problems: &mut Problems,
    typed_as: Option<&str>,
) {
    let schema = cx.schema;
    let (_, simple) = crate::csdl::split_qualified(ty);
    let closed = cx.is_closed(ty);
    let known = |cx: &mut Cx, name: &str, problems: &mut Problems, what: &str| -> bool {
        if name == "*" || aliases.contains(name) || name.contains('.') || name.starts_with('$') {
            return true;
        }
        if let Some(p) = find_query_property(schema, ty, name) {
            cx.note_use(ty, &p.name, at);
            return true;
        }
        if closed {
            problems.push((QUERY_UNKNOWN_PROPERTY, format!("{what} names `{name}`, which is not a property of `{simple}`")));
        }
        false
    };
    for (name, value) in opts {
        match name.as_str() {
            "$select" => {
                for item in split_top(value, ',') {
                    let item = item.trim();
                    let first = item.split('/').next().unwrap_or(item);
                    known(cx, first, problems, "$select");
                }
            }
            "$expand" => {
                for item in split_top(value, ',') {
                    let item = item.trim();
                    let (head, inner) = match item.find('(') {
                        Some(i) => (&item[..i], Some(item[i + 1..].trim_end().strip_suffix(')').unwrap_or(&item[i + 1..]))),
                        None => (item, None),
                    };
                    let head = head.trim().trim_end_matches("/$ref").trim_end_matches("/$count");
                    // Nested options of an item the checker cannot follow have no type.
                    let untracked = inner.map_or(0, count_filters);
                    if head.contains('/') || head == "*" || head.contains('.') {
                        cx.typed.filters_unresolved += untracked;
                        continue;
                    }
                    if !known(cx, head, problems, "$expand") {
                        cx.typed.filters_unresolved += untracked;
                        continue;
                    }
                    let Some(p) = find_query_property(schema, ty, head) else {
                        cx.typed.filters_unresolved += untracked;
                        continue;
                    };
                    let structured = matches!(schema.get(&p.ty.name), Some(TypeDef::Structured(_)));
                    if !p.is_navigation() && !structured {
                        problems.push((
                            QUERY_NOT_EXPANDABLE,
                            format!("$expand names `{head}`, a primitive property of `{simple}`; only navigation properties expand"),
                        ));
                        cx.typed.filters_unresolved += untracked;
                        continue;
                    }
                    if let Some(inner) = inner {
                        let nested = parse_options(inner, ';');
                        let target = typed_as.and_then(|t| typed_expand(cx.ir, t, head)).map(|(_, e)| e.2.as_str());
                        if target.is_none() && typed_as.is_some() && untracked > 0 {
                            cx.diags.push(Diagnostic::warning(
                                FILTER_UNTYPED,
                                at.clone(),
                                format!("`$expand={head}(…)`: the typed builders do not expand `{head}` of `{simple}`; its nested `$filter` stays raw"),
                            ));
                        }
                        check_options(cx, &p.ty.name, p.ty.collection, &nested, aliases, at, problems, target);
                    }
                }
            }
            "$filter" => {
                for id in filter_identifiers(value) {
                    known(cx, &id, problems, "$filter");
                }
                cx.typed.filters += 1;
                match typed_as.map(|t| typed_filter(cx.ir, t, value, &quote::quote!(graph))) {
                    Some(Ok(_)) => cx.typed.filters_typed += 1,
                    Some(Err(u)) => cx.diags.push(Diagnostic::warning(u.code, at.clone(), format!("{}; the example's `$filter` stays raw", u.message))),
                    None => {}
                }
            }
            "$orderby" => {
                for item in split_top(value, ',') {
                    let first = item.split_whitespace().next().unwrap_or("");
                    let first = first.split('/').next().unwrap_or(first);
                    known(cx, first, problems, "$orderby");
                    cx.typed.orderby += 1;
                    match typed_as.map(|t| typed_orderby(cx.ir, t, item.trim(), &quote::quote!(graph))) {
                        Some(Ok(_)) => cx.typed.orderby_typed += 1,
                        Some(Err(u)) => cx.diags.push(Diagnostic::warning(u.code, at.clone(), format!("{}; the example's `$orderby` stays raw", u.message))),
                        None => {}
                    }
                }
            }
            "$top" | "$skip" | "$levels" if value.parse::<u64>().is_err() && !(name == "$levels" && value == "max") => {
                problems.push((QUERY_INVALID_VALUE, format!("{name} must be a non-negative integer, not `{value}`")));
            }
            "$top" | "$skip" | "$levels" => {}
            "$count" => {
                if !matches!(value.as_str(), "true" | "false") {
                    problems.push((QUERY_INVALID_VALUE, format!("$count must be `true` or `false`, not `{value}`")));
                }
                let _ = collection;
            }
            "$search" | "$apply" | "$compute" | "$format" | "$skiptoken" | "$deltatoken" => {}
            n if n.starts_with('$') => {
                problems.push((QUERY_UNKNOWN_OPTION, format!("`{n}` is not an OData query option")));
            }
            _ => {}
        }
    }
}

/// `$filter` options in a query string, nested ones included.
fn count_filters(q: &str) -> usize {
    q.to_ascii_lowercase().matches("$filter=").count()
}

pub(super) const FILTER_WORDS: &[&str] = &[
    "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "has", "add", "sub", "mul", "div", "mod", "true", "false",
    "null", "any", "all", "asc", "desc",
];

pub(super) fn is_guid_at(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 36 && is_guid(&s[..36]) && b.get(36).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// First path segments of the property paths a `$filter` expression names (literals,
/// keywords, functions, lambda variables and qualified names skipped).
pub(super) fn filter_identifiers(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lambda_vars: BTreeSet<String> = BTreeSet::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut tokens: Vec<(String, char)> = Vec::new(); // (identifier path, next non-space char)
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        let rest: String = chars[i..].iter().collect();
        if is_guid_at(&rest) {
            i += 36;
            continue;
        }
        if c.is_ascii_digit() || c == '-' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | ':' | '.' | '+')) {
                i += 1;
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' || c == '@' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '@' | '.' | '/')) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let next = chars.get(j).copied().unwrap_or(' ');
            // A qualified literal such as `microsoft.graph.x'v'` is followed by a quote.
            tokens.push((word, next));
            continue;
        }
        i += 1;
    }
    for (w, next) in &tokens {
        if *next == ':' {
            lambda_vars.insert(w.clone());
        }
    }
    for (w, next) in tokens {
        if next == '(' || next == '\'' || next == ':' {
            continue;
        }
        let first = w.split('/').next().unwrap_or(&w).to_string();
        if FILTER_WORDS.contains(&first.as_str())
            || lambda_vars.contains(&first)
            || first.starts_with('$')
            || first.starts_with('@')
            || first.contains('.')
        {
            continue;
        }
        out.push(first);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Responses.

/// `f(a=1)` → `f`.
fn split_call_name(seg: &str) -> &str {
    seg.split('(').next().unwrap_or(seg)
}
