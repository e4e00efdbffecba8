//! Checking doc examples against the schema model: the figures and diagnostics of
//! `cargo xtask report`. Pure: the pipeline's output in, figures and diagnostics out.
//!
//! - **Requests**: each example request must resolve ([`paths::resolve`]) to an operation the
//!   builders offer ([`lower::example_chain`]) with a fitting method, and its query options
//!   must be valid for the type addressed: `$select` names properties (incl. inherited ones,
//!   and `$apply`/`$compute` aliases), `$expand` names navigation or structured properties,
//!   nested options are checked against the expanded type, `$filter`/`$orderby` name
//!   properties, `$top`/`$skip` are numbers, `$count` is a boolean.
//! - **Responses**: each example response body is checked against the declared shape (entity,
//!   collection page with `value`, no content) and type: every property exists on the type or
//!   the derived type its `@odata.type` names (instance annotations, `prop@odata.*` and aliases
//!   of the request are allowed, open and external types accept anything), primitive values
//!   have their Edm type and format, enum values are members (flags: comma-separated),
//!   collections are arrays. Truncated examples may omit properties, never change types.
//! - **Pages**: a "Response" section that says collection where every path returns one entity
//!   (or the reverse); resource pages that lack a property the examples use and the base
//!   schema has (see [`crate::pipeline::fill_from_base`]).
//!
//! Codes about an example start with `example-`; every code is listed in `docs/diagnostics.md`.

use crate::odata_query::{decode, split_top};
use crate::csdl::{Schema, StructuredType, TypeDef, TypeRef};
use crate::diag::{Diagnostic, Origin};
use crate::extract::{ApiFacts, Example, ExampleRequest, ExampleResponse};
use crate::ir::lower;
use crate::ir::Ir;
use crate::paths::{self, SegKind};
use crate::pipeline::Output;
use std::collections::{BTreeMap, BTreeSet};

pub const PATH_UNRESOLVED: &str = "example-path-unresolved";
pub const METHOD_MISMATCH: &str = "example-method-mismatch";
pub const REQUEST_UNMATCHED: &str = "example-request-unmatched";
pub const PATH_NOT_LISTED: &str = "example-path-not-listed";
pub const QUERY_UNKNOWN_PROPERTY: &str = "example-query-unknown-property";
pub const QUERY_NOT_EXPANDABLE: &str = "example-query-not-expandable";
pub const QUERY_UNKNOWN_OPTION: &str = "example-query-unknown-option";
pub const QUERY_INVALID_VALUE: &str = "example-query-invalid-value";
pub const JSON_INVALID: &str = "example-json-invalid";
pub const UNKNOWN_PROPERTY: &str = "example-unknown-property";
pub const TYPE_MISMATCH: &str = "example-type-mismatch";
pub const VALUE_FORMAT: &str = "example-value-format";
pub const ENUM_MEMBER: &str = "example-enum-member";
pub const ODATA_TYPE_HASH: &str = "example-odata-type-missing-hash";
pub const ODATA_TYPE_MISMATCH: &str = "example-odata-type-mismatch";
pub const VALUE_WRAPPER: &str = "example-response-value-wrapper";
pub const NOT_COLLECTION: &str = "example-response-not-collection";
pub const UNEXPECTED_BODY: &str = "example-response-unexpected-body";
pub const RESPONSE_UNCHECKED: &str = "example-response-unchecked";
pub const ANNOTATION_SHAPE: &str = "example-annotation-shape-mismatch";
pub const DOC_RESPONSE_SHAPE: &str = "doc-response-shape-mismatch";
pub const DOC_MISSING_PROPERTY: &str = "doc-resource-missing-property";

/// The figures of the report's `examples` object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub requests: usize,
    pub requests_matched: usize,
    pub responses: usize,
    pub responses_ok: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub figures: Figures,
    /// Sorted; files carry the display label.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every example of `out` (the result of [`crate::pipeline::run`]). `label` is the
/// display prefix of doc paths (as `Input::docs_label`).
pub fn check_output(out: &Output, label: &str) -> Checked {
    check(&out.schema, &out.ir, &out.apis, &out.borrowed, label)
}

/// Checks the examples of `apis` against `schema` (and the builders of `ir`). `borrowed`
/// lists (type, property) pairs the docs' resource pages lack (taken from a base schema).
pub fn check(schema: &Schema, ir: &Ir, apis: &[ApiFacts], borrowed: &[(String, String)], label: &str) -> Checked {
    let mut cx = Cx {
        schema,
        borrowed: borrowed.iter().cloned().collect(),
        borrowed_uses: BTreeMap::new(),
        diags: Vec::new(),
    };
    let mut figures = Figures::default();
    for api in apis {
        check_response_section(&mut cx, api);
        for ex in &api.examples {
            check_example(&mut cx, ir, api, ex, &mut figures);
        }
    }
    for ((ty, prop), use_at) in std::mem::take(&mut cx.borrowed_uses) {
        let (_, simple) = crate::csdl::split_qualified(&ty);
        let origin = schema.get(&ty).map(|d| d.origin().clone()).unwrap_or_else(|| Origin::file(ty.clone()));
        cx.diags.push(Diagnostic::warning(
            DOC_MISSING_PROPERTY,
            origin,
            format!(
                "the `{simple}` resource page lacks `{prop}`, which examples use (first at {label}{use_at}); \
                 taken from the base schema"
            ),
        ));
    }
    let mut diags = crate::diag::Diagnostics::default();
    for mut d in cx.diags {
        let f = &d.origin.file;
        if !f.starts_with(label) && !f.ends_with(".yaml") && !f.ends_with(".xml") {
            d.origin.file = format!("{label}{f}");
        }
        diags.push(d);
    }
    Checked { figures, diagnostics: diags.sorted() }
}

struct Cx<'a> {
    schema: &'a Schema,
    borrowed: BTreeSet<(String, String)>,
    /// Borrowed properties examples use → first place of use.
    borrowed_uses: BTreeMap<(String, String), String>,
    diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    /// Records a use of `prop` on `ty` when the docs' resource pages lack it.
    fn note_use(&mut self, ty: &str, prop: &str, at: &Origin) {
        for q in qualified_ancestry(self.schema, ty) {
            let key = (q, prop.to_string());
            if self.borrowed.contains(&key) {
                self.borrowed_uses.entry(key).or_insert_with(|| at.to_string());
                return;
            }
        }
    }
    /// The type and its ancestors are documented here (not external, not open): unknown
    /// names are errors.
    fn is_closed(&self, ty: &str) -> bool {
        let chain = qualified_ancestry(self.schema, ty);
        if chain.is_empty() {
            return false;
        }
        let first = &chain[0];
        let external = |q: &str| {
            let (ns, _) = crate::csdl::split_qualified(q);
            self.schema.namespaces.get(ns).is_none_or(|n| n.external)
        };
        !external(first) && !self.schema.ancestry(ty).iter().any(|t| t.open)
    }
}

/// Qualified names of `ty` and its base types (itself first).
fn qualified_ancestry(schema: &Schema, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Some(ty.to_string());
    while let Some(q) = cur {
        if out.contains(&q) {
            break;
        }
        let Some(t) = schema.structured(&q) else { break };
        cur = t.base.clone();
        out.push(q);
    }
    out
}

fn find_property<'s>(schema: &'s Schema, ty: &str, name: &str) -> Option<&'s crate::csdl::Property> {
    schema.all_properties(ty).into_iter().find(|p| p.name == name)
}

// ---------------------------------------------------------------------------------------------
// The "Response" section of an API page.

fn check_response_section(cx: &mut Cx, api: &ApiFacts) {
    let Some(resp) = &api.response else { return };
    let mut shapes = BTreeSet::new();
    for l in &api.http_lines {
        if l.method != "GET" {
            return;
        }
        let Ok(r) = paths::resolve(cx.schema, &l.path) else { continue };
        let t = r.target();
        if matches!(t.kind, SegKind::Operation { .. }) {
            return;
        }
        shapes.insert(t.ty.collection);
    }
    if shapes.len() != 1 {
        return;
    }
    let collection = shapes.contains(&true);
    if resp.collection != collection {
        let (said, is) = if resp.collection {
            ("a collection", "one entity")
        } else {
            ("one object", "a collection")
        };
        cx.diags.push(Diagnostic::warning(
            DOC_RESPONSE_SHAPE,
            Origin::new(api.file.clone(), resp.line, 1),
            format!("the Response section says the method returns {said}, but its paths return {is}"),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Examples.

/// What a response body must be.
#[derive(Debug, Clone, PartialEq)]
enum Declared {
    Entity(String),
    Page(String),
    NoContent,
}

fn check_example(cx: &mut Cx, ir: &Ir, api: &ApiFacts, ex: &Example, figures: &mut Figures) {
    let mut declared: Option<Declared> = None;
    let mut aliases = BTreeSet::new();
    if let Some(req) = &ex.request {
        figures.requests += 1;
        let (ok, d) = check_request(cx, ir, api, req, &mut aliases);
        if ok {
            figures.requests_matched += 1;
        }
        declared = d;
    }
    let Some(resp) = &ex.response else { return };
    if resp.body.is_none() {
        return;
    }
    figures.responses += 1;
    let origin = Origin::new(api.file.clone(), resp.line, 1);
    let Some(declared) = declared else {
        cx.diags.push(Diagnostic::warning(
            RESPONSE_UNCHECKED,
            origin,
            "response example not checked: its request does not resolve to an operation",
        ));
        return;
    };
    let before = cx.diags.iter().filter(|d| d.is_error()).count();
    check_response(cx, api, resp, &declared, &aliases);
    if cx.diags.iter().filter(|d| d.is_error()).count() == before {
        figures.responses_ok += 1;
    }
}

fn check_request(
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
            cx.diags.push(Diagnostic::error(PATH_UNRESOLVED, origin, format!("`{shown}` does not resolve: {}", e.message)));
            return (false, None);
        }
    };
    // Navigation through properties the resource pages lack.
    for w in resolved.segments.windows(2) {
        if matches!(w[1].kind, SegKind::Nav { .. }) {
            cx.note_use(&w[0].ty.name, &w[1].text, &origin);
        }
    }
    let target = resolved.target();
    let declared = match &target.kind {
        SegKind::Operation { qname } => {
            let (ns, n) = crate::csdl::split_qualified(qname);
            let op = cx.schema.namespaces.get(ns).and_then(|x| x.operations.get(n)).and_then(|o| o.first());
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
                return (false, None);
            }
            match op.and_then(|o| o.return_type.as_ref()) {
                Some(r) if r.ty.collection => Declared::Page(r.ty.name.clone()),
                Some(r) => Declared::Entity(r.ty.name.clone()),
                None => Declared::NoContent,
            }
        }
        _ => {
            let ty = target.ty.name.clone();
            match (req.method.as_str(), target.ty.collection) {
                ("GET", true) => Declared::Page(ty),
                ("GET", false) | ("POST", true) | ("PATCH", false) | ("PUT", false) => Declared::Entity(ty),
                ("DELETE", false) => Declared::NoContent,
                (m, c) => {
                    cx.diags.push(Diagnostic::error(
                        METHOD_MISMATCH,
                        origin,
                        format!(
                            "`{shown}`: {m} is not an operation on {}",
                            if c { "a collection" } else { "a single entity" }
                        ),
                    ));
                    return (false, None);
                }
            }
        }
    };
    let mut ok = true;
    if lower::example_chain(cx.schema, ir, &req.method, &req.url).is_none() {
        cx.diags.push(Diagnostic::error(
            REQUEST_UNMATCHED,
            origin.clone(),
            format!("`{shown}` matches no documented operation"),
        ));
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
            Declared::NoContent => (target.ty.name.clone(), target.ty.collection),
        };
        let mut problems = Vec::new();
        if !matches!(target.kind, SegKind::Operation { .. }) {
            check_options(cx, &ty, coll, &opts, aliases, &origin, &mut problems);
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
fn parse_options(s: &str, sep: char) -> Vec<(String, String)> {
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
fn collect_aliases(opts: &[(String, String)], out: &mut BTreeSet<String>) {
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

type Problems = Vec<(&'static str, String)>;

fn check_options(
    cx: &mut Cx,
    ty: &str,
    collection: bool,
    opts: &[(String, String)],
    aliases: &BTreeSet<String>,
    at: &Origin,
    problems: &mut Problems,
) {
    let schema = cx.schema;
    let (_, simple) = crate::csdl::split_qualified(ty);
    let closed = cx.is_closed(ty);
    let known = |cx: &mut Cx, name: &str, problems: &mut Problems, what: &str| -> bool {
        if name == "*" || aliases.contains(name) || name.contains('.') || name.starts_with('$') {
            return true;
        }
        if find_property(schema, ty, name).is_some() {
            cx.note_use(ty, name, at);
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
                    if head.contains('/') || head == "*" || head.contains('.') {
                        continue;
                    }
                    if !known(cx, head, problems, "$expand") {
                        continue;
                    }
                    let Some(p) = find_property(schema, ty, head) else { continue };
                    let structured = matches!(schema.get(&p.ty.name), Some(TypeDef::Structured(_)));
                    if !p.is_navigation() && !structured {
                        problems.push((
                            QUERY_NOT_EXPANDABLE,
                            format!("$expand names `{head}`, a primitive property of `{simple}`; only navigation properties expand"),
                        ));
                        continue;
                    }
                    if let Some(inner) = inner {
                        let nested = parse_options(inner, ';');
                        check_options(cx, &p.ty.name, p.ty.collection, &nested, aliases, at, problems);
                    }
                }
            }
            "$filter" => {
                for id in filter_identifiers(value) {
                    known(cx, &id, problems, "$filter");
                }
            }
            "$orderby" => {
                for item in split_top(value, ',') {
                    let first = item.split_whitespace().next().unwrap_or("");
                    let first = first.split('/').next().unwrap_or(first);
                    known(cx, first, problems, "$orderby");
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

const FILTER_WORDS: &[&str] = &[
    "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "in", "has", "add", "sub", "mul", "div", "mod", "true", "false",
    "null", "any", "all", "asc", "desc",
];

fn is_guid_at(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 36 && is_guid(&s[..36]) && b.get(36).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// First path segments of the property paths a `$filter` expression names (literals,
/// keywords, functions, lambda variables and qualified names skipped).
fn filter_identifiers(expr: &str) -> Vec<String> {
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

fn check_response(cx: &mut Cx, api: &ApiFacts, resp: &ExampleResponse, declared: &Declared, aliases: &BTreeSet<String>) {
    let Some(body) = &resp.body else { return };
    let file = api.file.clone();
    let at = |line: u32, col: u32| Origin::new(file.clone(), resp.body_line + line - 1, col);
    // The annotation's `@odata.type` against the declared shape.
    if let Some(t) = &resp.odata_type {
        let says_collection = t.trim().to_ascii_lowercase().starts_with("collection(");
        if says_collection && matches!(declared, Declared::Entity(_)) {
            cx.diags.push(Diagnostic::warning(
                ANNOTATION_SHAPE,
                Origin::new(file.clone(), resp.line, 1),
                format!("the response annotation says `{t}`, but the request returns one entity"),
            ));
        }
    }
    let root = match parse_json(body) {
        Ok(v) => v,
        Err(e) => {
            let trunc = if resp.truncated {
                " (the example is marked truncated: it may omit properties, but its JSON must be complete)"
            } else {
                ""
            };
            cx.diags.push(Diagnostic::error(JSON_INVALID, at(e.line, e.col), format!("response body is not valid JSON: {}{trunc}", e.msg)));
            return;
        }
    };
    let mut vc = ValueCx { cx, aliases, at: &at };
    match declared {
        Declared::NoContent => {
            vc.cx.diags.push(Diagnostic::warning(
                UNEXPECTED_BODY,
                at(root.line, root.col),
                "the operation returns no content, but the example response has a body",
            ));
        }
        Declared::Entity(ty) => {
            if let JVal::Obj(members) = &root.v {
                let data: Vec<&(String, Pos, JNode)> = members.iter().filter(|(k, _, _)| !k.starts_with('@')).collect();
                let has_value_prop = find_property(vc.cx.schema, ty, "value").is_some();
                if data.len() == 1 && data[0].0 == "value" && !has_value_prop {
                    let (_, pos, inner) = data[0];
                    let (_, simple) = crate::csdl::split_qualified(ty);
                    let shape = if matches!(inner.v, JVal::Arr(_)) { "collection" } else { "object" };
                    vc.cx.diags.push(Diagnostic::error(
                        VALUE_WRAPPER,
                        at(pos.0, pos.1),
                        format!("the request returns one `{simple}`, but the example wraps it in a `value` {shape}"),
                    ));
                    let elem = TypeRef::new(ty.clone(), false);
                    match &inner.v {
                        JVal::Arr(items) => items.iter().for_each(|i| vc.value(i, &elem, "value")),
                        _ => vc.value(inner, &elem, "value"),
                    }
                    return;
                }
            }
            vc.value(&root, &TypeRef::new(ty.clone(), false), "response body");
        }
        Declared::Page(ty) => {
            let (_, simple) = crate::csdl::split_qualified(ty);
            let JVal::Obj(members) = &root.v else {
                vc.type_mismatch(&root, "response body", &format!("a collection page of `{simple}`"));
                return;
            };
            let Some((_, _, value)) = members.iter().find(|(k, _, _)| k == "value") else {
                vc.cx.diags.push(Diagnostic::error(
                    NOT_COLLECTION,
                    at(root.line, root.col),
                    format!("the request returns a collection of `{simple}`, but the example body is a single object, not a page with `value`"),
                ));
                vc.value(&root, &TypeRef::new(ty.clone(), false), "response body");
                return;
            };
            for (k, pos, _) in members {
                if k != "value" && !k.starts_with('@') && !k.contains('@') {
                    vc.cx.diags.push(Diagnostic::error(
                        UNKNOWN_PROPERTY,
                        at(pos.0, pos.1),
                        format!("`{k}` is not a member of a collection page (only `value` and `@odata.*` annotations)"),
                    ));
                }
            }
            vc.value(value, &TypeRef::new(ty.clone(), true), "value");
        }
    }
}

struct ValueCx<'a, 'c, 's> {
    cx: &'c mut Cx<'s>,
    aliases: &'a BTreeSet<String>,
    at: &'a dyn Fn(u32, u32) -> Origin,
}

impl ValueCx<'_, '_, '_> {
    fn origin(&self, n: &JNode) -> Origin {
        (self.at)(n.line, n.col)
    }

    fn type_mismatch(&mut self, n: &JNode, what: &str, want: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(
            TYPE_MISMATCH,
            o,
            format!("`{what}` must be {want}, but the example gives {}", n.describe()),
        ));
    }

    fn format_error(&mut self, n: &JNode, what: &str, edm: &str, s: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(
            VALUE_FORMAT,
            o,
            format!("`{what}` is {edm}, but \"{s}\" is not in its format"),
        ));
    }

    fn value(&mut self, n: &JNode, ty: &TypeRef, what: &str) {
        if matches!(n.v, JVal::Null) {
            return;
        }
        if ty.collection {
            let JVal::Arr(items) = &n.v else {
                self.type_mismatch(n, what, &format!("a collection (JSON array) of {}", short(&ty.name)));
                return;
            };
            let elem = TypeRef::new(ty.name.clone(), false);
            for i in items {
                self.value(i, &elem, what);
            }
            return;
        }
        let name = ty.name.as_str();
        if let Some(edm) = name.strip_prefix("Edm.") {
            self.primitive(n, edm, what);
            return;
        }
        match self.cx.schema.get(name) {
            Some(TypeDef::Enum(e)) => {
                let JVal::Str(s) = &n.v else {
                    self.type_mismatch(n, what, &format!("a `{}` member name (string)", e.name));
                    return;
                };
                let parts: Vec<&str> = if e.is_flags { s.split(',').map(str::trim).collect() } else { vec![s.as_str()] };
                for p in parts {
                    if !e.members.iter().any(|m| m.name == p) {
                        let o = self.origin(n);
                        let members: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
                        self.cx.diags.push(Diagnostic::error(
                            ENUM_MEMBER,
                            o,
                            format!("`{what}`: \"{p}\" is not a member of `{}` ({})", e.name, members.join(", ")),
                        ));
                    }
                }
            }
            Some(TypeDef::Definition(d)) => {
                let u = d.underlying.clone();
                self.value(n, &TypeRef::new(u, false), what);
            }
            Some(TypeDef::Structured(_)) => {
                let JVal::Obj(members) = &n.v else {
                    self.type_mismatch(n, what, &format!("an object of type `{}`", short(name)));
                    return;
                };
                self.object(members, name);
            }
            None => {}
        }
    }

    fn object(&mut self, members: &[(String, Pos, JNode)], declared: &str) {
        let schema = self.cx.schema;
        let mut ty = declared.to_string();
        let mut checkable = true;
        if let Some((_, _, tn)) = members.iter().find(|(k, _, _)| k == "@odata.type") {
            if let JVal::Str(s) = &tn.v {
                if !s.starts_with('#') {
                    let o = self.origin(tn);
                    self.cx.diags.push(Diagnostic::warning(
                        ODATA_TYPE_HASH,
                        o,
                        format!("`@odata.type` values start with `#`: \"#{s}\", not \"{s}\""),
                    ));
                }
                let named = s.trim_start_matches('#');
                if named != declared {
                    match schema.get(named) {
                        Some(TypeDef::Structured(_)) => {
                            if qualified_ancestry(schema, named).iter().any(|q| q == declared) {
                                ty = named.to_string();
                            } else {
                                let o = self.origin(tn);
                                self.cx.diags.push(Diagnostic::error(
                                    ODATA_TYPE_MISMATCH,
                                    o,
                                    format!("`@odata.type` \"{s}\" is not `{}` or a type derived from it", short(declared)),
                                ));
                            }
                        }
                        // A type outside the schema: nothing to check its members against.
                        _ => checkable = false,
                    }
                }
            }
        }
        let closed = checkable && self.cx.is_closed(&ty);
        let st: Option<&StructuredType> = schema.structured(&ty);
        for (k, pos, v) in members {
            if k.starts_with('@') || k.contains('@') || self.aliases.contains(k) {
                continue;
            }
            match find_property(schema, &ty, k) {
                Some(p) => {
                    let at = (self.at)(pos.0, pos.1);
                    self.cx.note_use(&ty, k, &at);
                    let pty = p.ty.clone();
                    self.value(v, &pty, k);
                }
                None if closed && st.is_some() => {
                    let o = (self.at)(pos.0, pos.1);
                    self.cx.diags.push(Diagnostic::error(
                        UNKNOWN_PROPERTY,
                        o,
                        format!("`{k}` is not a property of `{}`", short(&ty)),
                    ));
                }
                None => {}
            }
        }
    }

    fn primitive(&mut self, n: &JNode, edm: &str, what: &str) {
        let want_str = |s: &str| format!("a JSON string ({s})");
        match edm {
            "String" | "Binary" | "Stream" if !matches!(n.v, JVal::Str(_)) => self.type_mismatch(n, what, "a JSON string"),
            "Boolean" if !matches!(n.v, JVal::Bool(_)) => self.type_mismatch(n, what, "`true` or `false`"),
            "String" | "Binary" | "Stream" | "Boolean" => {}
            "Int16" | "Int32" | "Int64" | "Byte" | "SByte" => match &n.v {
                JVal::Num(s) if !s.contains(['.', 'e', 'E']) => {}
                _ => self.type_mismatch(n, what, &format!("an Edm.{edm} (a JSON integer)")),
            },
            "Double" | "Single" | "Decimal" => match &n.v {
                JVal::Num(_) => {}
                JVal::Str(s) if matches!(s.as_str(), "NaN" | "INF" | "-INF") => {}
                _ => self.type_mismatch(n, what, &format!("an Edm.{edm} (a JSON number)")),
            },
            "Guid" | "DateTimeOffset" | "Date" | "TimeOfDay" | "Duration" => {
                let JVal::Str(s) = &n.v else {
                    self.type_mismatch(n, what, &want_str(&format!("Edm.{edm}")));
                    return;
                };
                let ok = match edm {
                    "Guid" => is_guid(s),
                    "DateTimeOffset" => is_datetime(s),
                    "Date" => is_date(s),
                    "TimeOfDay" => is_time(s),
                    _ => is_duration(s),
                };
                if !ok {
                    let s = s.clone();
                    self.format_error(n, what, &format!("Edm.{edm}"), &s);
                }
            }
            _ => {}
        }
    }
}

fn short(q: &str) -> &str {
    crate::csdl::split_qualified(q).1
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn is_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    p.len() == 3 && digits(p[0], 4) && digits(p[1], 2) && digits(p[2], 2)
}

pub fn is_time(s: &str) -> bool {
    let (hms, frac) = s.split_once('.').unwrap_or((s, "0"));
    let p: Vec<&str> = hms.split(':').collect();
    (p.len() == 2 || p.len() == 3) && p.iter().all(|x| digits(x, 2)) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_datetime(s: &str) -> bool {
    let Some((d, t)) = s.split_once(['T', 't']) else { return false };
    if !is_date(d) {
        return false;
    }
    let (time, zone_ok) = if let Some(t) = t.strip_suffix(['Z', 'z']) {
        (t, true)
    } else if let Some(i) = t.rfind(['+', '-']) {
        let z = &t[i + 1..];
        let zp: Vec<&str> = z.split(':').collect();
        (&t[..i], zp.len() == 2 && zp.iter().all(|x| digits(x, 2)))
    } else {
        (t, false)
    };
    zone_ok && is_time(time)
}

pub fn is_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || matches!(c, 'Y' | 'M' | 'W' | 'D' | 'T' | 'H' | 'S' | '.'))
}

// ---------------------------------------------------------------------------------------------
// A small JSON reader that keeps the line and column of every value and key.

/// (line, col), 1-based, within the parsed text.
pub type Pos = (u32, u32);

#[derive(Debug, Clone, PartialEq)]
pub enum JVal {
    Null,
    Bool(bool),
    /// The number as written.
    Num(String),
    Str(String),
    Arr(Vec<JNode>),
    /// Members in order: (key, key position, value).
    Obj(Vec<(String, Pos, JNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JNode {
    pub v: JVal,
    pub line: u32,
    pub col: u32,
}

impl JNode {
    fn describe(&self) -> String {
        match &self.v {
            JVal::Null => "null".into(),
            JVal::Bool(b) => format!("the boolean {b}"),
            JVal::Num(n) => format!("the number {n}"),
            JVal::Str(s) => format!("the string \"{s}\""),
            JVal::Arr(_) => "an array".into(),
            JVal::Obj(_) => "an object".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub line: u32,
    pub col: u32,
    pub msg: String,
}

/// Parses strict JSON, keeping positions.
pub fn parse_json(text: &str) -> Result<JNode, JsonError> {
    let mut p = Parser { c: text.chars().collect(), i: 0, line: 1, col: 1 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.c.len() {
        return Err(p.err("unexpected text after the end of the JSON value"));
    }
    Ok(v)
}

struct Parser {
    c: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
}

impl Parser {
    fn err(&self, msg: &str) -> JsonError {
        JsonError { line: self.line, col: self.col, msg: msg.to_string() }
    }
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let ch = self.c.get(self.i).copied()?;
        self.i += 1;
        if ch == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(ch)
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }
    fn expect(&mut self, ch: char, what: &str) -> Result<(), JsonError> {
        self.ws();
        match self.peek() {
            Some(c) if c == ch => {
                self.bump();
                Ok(())
            }
            None => Err(self.err(&format!("the JSON ends early: expected {what}"))),
            Some(c) => Err(self.err(&format!("expected {what}, found `{c}`"))),
        }
    }
    fn value(&mut self, depth: usize) -> Result<JNode, JsonError> {
        if depth > 200 {
            return Err(self.err("nesting too deep"));
        }
        self.ws();
        let (line, col) = (self.line, self.col);
        let v = match self.peek() {
            None => return Err(self.err("the JSON ends early: expected a value")),
            Some('{') => {
                self.bump();
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some('}') {
                    self.bump();
                } else {
                    loop {
                        self.ws();
                        let kpos = (self.line, self.col);
                        if self.peek() != Some('"') {
                            return Err(match self.peek() {
                                None => self.err("the JSON ends early: expected a member name"),
                                Some(c) => self.err(&format!("expected a member name in double quotes, found `{c}`")),
                            });
                        }
                        let k = self.string()?;
                        self.expect(':', "`:`")?;
                        let v = self.value(depth + 1)?;
                        members.push((k, kpos, v));
                        self.ws();
                        match self.bump() {
                            Some(',') => continue,
                            Some('}') => break,
                            None => return Err(self.err("the JSON ends early: expected `,` or `}`")),
                            Some(c) => return Err(self.err(&format!("expected `,` or `}}`, found `{c}`"))),
                        }
                    }
                }
                JVal::Obj(members)
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(']') {
                    self.bump();
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.bump() {
                            Some(',') => continue,
                            Some(']') => break,
                            None => return Err(self.err("the JSON ends early: expected `,` or `]`")),
                            Some(c) => return Err(self.err(&format!("expected `,` or `]`, found `{c}`"))),
                        }
                    }
                }
                JVal::Arr(items)
            }
            Some('"') => JVal::Str(self.string()?),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let mut s = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                        s.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                if s.parse::<f64>().is_err() {
                    return Err(JsonError { line, col, msg: format!("`{s}` is not a number") });
                }
                JVal::Num(s)
            }
            Some(_) => {
                let mut w = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphabetic() {
                        w.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                match w.as_str() {
                    "true" => JVal::Bool(true),
                    "false" => JVal::Bool(false),
                    "null" => JVal::Null,
                    _ => {
                        let found = if w.is_empty() { self.peek().map(String::from).unwrap_or_default() } else { w };
                        return Err(JsonError { line, col, msg: format!("expected a value, found `{found}`") });
                    }
                }
            }
        };
        Ok(JNode { v, line, col })
    }
    fn string(&mut self) -> Result<String, JsonError> {
        self.bump(); // opening quote
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err("the JSON ends early: unterminated string")),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('b') => s.push('\u{8}'),
                    Some('f') => s.push('\u{c}'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) => s.push(c),
                            None => s.push('\u{fffd}'),
                        }
                    }
                    Some(c) => s.push(c),
                    None => return Err(self.err("the JSON ends early: unterminated string")),
                },
                Some('\n') => return Err(self.err("unterminated string (line break inside a string)")),
                Some(c) => s.push(c),
            }
        }
    }
}
