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
//!   One primitive value (an operation's result) stands in `{"value": …}`; a function
//!   returning `Edm.Stream` answers raw content; a member only a derived type has needs the
//!   `@odata.type` that names it. Further responses of one request (another outcome, what a
//!   redirect leads to) are checked against the same request. Calls to hosts that are not
//!   Graph (upload URLs) are not Graph examples and are not counted.
//! - **Pages**: a "Response" section that says collection where every path returns one entity
//!   (or the reverse); resource pages that lack a property the examples use and the base
//!   schema has (see [`crate::pipeline::fill_from_base`]).
//!
//! Codes about an example start with `example-`; every code is listed in `docs/diagnostics.md`.

use crate::odata_query::{decode, split_top};
use crate::csdl::{Schema, StructuredType, TypeDef, TypeRef};
use crate::diag::{Diagnostic, Origin};
use crate::extract::{ApiFacts, Example, ExampleRequest, ExampleResponse};
use crate::ir::classify::classify;
use crate::ir::lower;
use crate::ir::OpKind;
use crate::ir::Ir;
use crate::paths::{self, SegKind};
use crate::pipeline::Output;
use std::collections::{BTreeMap, BTreeSet};

mod body;
mod request;
mod response;
pub(crate) mod formats;
mod json;
use body::*;
use request::*;
use response::*;
pub use formats::{is_date, is_datetime, is_duration, is_guid, is_time};
pub use json::{parse_json, JNode, JsonError};
use json::{JVal, Pos};

pub const PATH_UNRESOLVED: &str = "example-path-unresolved";
pub const METHOD_MISMATCH: &str = "example-method-mismatch";
pub const REQUEST_EXTERNAL: &str = "example-request-external";
pub const REQUEST_UNMATCHED: &str = "example-request-unmatched";
pub const PATH_NOT_LISTED: &str = "example-path-not-listed";
pub const QUERY_UNKNOWN_PROPERTY: &str = "example-query-unknown-property";
pub const QUERY_NOT_EXPANDABLE: &str = "example-query-not-expandable";
pub const QUERY_UNKNOWN_OPTION: &str = "example-query-unknown-option";
pub const QUERY_INVALID_VALUE: &str = "example-query-invalid-value";
pub const JSON_INVALID: &str = "example-json-invalid";
pub const REQUEST_BODY_INVALID: &str = "example-request-body-invalid";
pub const BODY_MISSING_REQUIRED: &str = "example-body-missing-required";
pub const UNKNOWN_PROPERTY: &str = "example-unknown-property";
pub const TYPE_MISMATCH: &str = "example-type-mismatch";
pub const VALUE_FORMAT: &str = "example-value-format";
pub const ENUM_MEMBER: &str = "example-enum-member";
pub const ODATA_TYPE_HASH: &str = "example-odata-type-missing-hash";
pub const ODATA_TYPE_MISSING: &str = "example-odata-type-missing";
pub const ODATA_TYPE_MISMATCH: &str = "example-odata-type-mismatch";
pub const VALUE_WRAPPER: &str = "example-response-value-wrapper";
pub const VALUE_MISSING: &str = "example-response-value-missing";
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
    /// `$filter` options (nested ones included) of example requests that resolve to a type,
    /// and those the typed builders rebuild (the rest fall back to raw, each with a diagnostic).
    pub filters: usize,
    pub filters_typed: usize,
    /// `$filter` options of example requests with no type to check them against: the path
    /// does not resolve (no test is rebuilt), or they are nested in an `$expand` item that
    /// names no navigation property of the type.
    pub filters_unresolved: usize,
    /// The same for `$orderby` items.
    pub orderby: usize,
    pub orderby_typed: usize,
    /// Requests not matched, by the code of the error that decided it (the last one the
    /// request got: the path, the method, no operation, a query option).
    pub requests_not_matched: BTreeMap<&'static str, usize>,
    /// Responses not ok, by the code of their first error (`example-response-unchecked` when
    /// the request gives nothing to check them against).
    pub responses_not_ok: BTreeMap<&'static str, usize>,
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
        ir,
        typed: Figures::default(),
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
    figures.filters = cx.typed.filters;
    figures.filters_typed = cx.typed.filters_typed;
    figures.filters_unresolved = cx.typed.filters_unresolved;
    figures.orderby = cx.typed.orderby;
    figures.orderby_typed = cx.typed.orderby_typed;
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
    ir: &'a Ir,
    /// Filter and orderby figures (see [`Figures`]).
    typed: Figures,
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
/// ([`Schema::lineage`] while the names are structured types of the schema.)
fn qualified_ancestry(schema: &Schema, ty: &str) -> Vec<String> {
    schema.lineage_names(ty).into_iter().take_while(|q| schema.structured(q).is_some()).map(str::to_string).collect()
}

fn find_property<'s>(schema: &'s Schema, ty: &str, name: &str) -> Option<&'s crate::csdl::Property> {
    schema.all_properties(ty).into_iter().find(|p| p.name == name)
}

/// A property named in a query option (`$select`, `$expand`, `$filter`, `$orderby`): the exact
/// name first, then in any case, the rule of the path resolver and of the typed filters (Graph
/// reads `$expand=Extensions(…)` as `extensions`). JSON bodies keep [`find_property`].
fn find_query_property<'s>(schema: &'s Schema, ty: &str, name: &str) -> Option<&'s crate::csdl::Property> {
    let all = schema.all_properties(ty);
    all.iter().find(|p| p.name == name).or_else(|| all.iter().find(|p| p.name.eq_ignore_ascii_case(name))).copied()
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

/// What a response body must be: the builders' response shape (`$count` is a plain-text
/// integer, raw content is not JSON).
type Declared = crate::ir::Shape;

fn check_example(cx: &mut Cx, ir: &Ir, api: &ApiFacts, ex: &Example, figures: &mut Figures) {
    let mut declared: Option<Declared> = None;
    let mut aliases = BTreeSet::new();
    if let Some((req, host)) = ex.request.as_ref().and_then(|r| Some((r, external_host(&r.url)?))) {
        cx.diags.push(Diagnostic::note(
            REQUEST_EXTERNAL,
            Origin::new(api.file.clone(), req.line, 1),
            format!(
                "`{} {}` goes to `{host}`, not to a Graph host: a URL the service handed out (upload, download) \
                 or another service, not a Graph request; it and its responses are not counted",
                req.method, req.url
            ),
        ));
        return;
    }
    if let Some(req) = &ex.request {
        figures.requests += 1;
        let start = cx.diags.len();
        let (ok, d) = check_request(cx, ir, api, req, &mut aliases);
        if ok {
            figures.requests_matched += 1;
        } else if let Some(last) = cx.diags[start..].iter().rev().find(|d| d.is_error()) {
            *figures.requests_not_matched.entry(last.code).or_default() += 1;
        }
        declared = d;
    }
    let mut redirected = false;
    for resp in ex.response.iter().chain(&ex.more) {
        // After a redirect (a report's `302`), the next response is what its `Location`
        // serves (a CSV download), not the operation's own result.
        let d = if redirected { Some(Declared::Bytes) } else { declared.clone() };
        check_one_response(cx, api, resp, d.as_ref(), &aliases, figures);
        redirected = resp.status.is_some_and(|s| (300..400).contains(&s));
    }
}

/// One response of an example (the first or a further one) against what its request declares.
fn check_one_response(
    cx: &mut Cx,
    api: &ApiFacts,
    resp: &ExampleResponse,
    declared: Option<&Declared>,
    aliases: &BTreeSet<String>,
    figures: &mut Figures,
) {
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
        *figures.responses_not_ok.entry(RESPONSE_UNCHECKED).or_default() += 1;
        return;
    };
    let start = cx.diags.len();
    match declared {
        Declared::Count => {
            let body = resp.body.as_deref().unwrap_or("").trim();
            if body.parse::<u64>().is_err() {
                cx.diags.push(Diagnostic::error(TYPE_MISMATCH, origin, format!("a `$count` answers a plain integer, not `{body}`")));
            }
        }
        // Raw content is whatever the service stores.
        Declared::Bytes => {}
        _ => check_response(cx, api, resp, declared, aliases),
    }
    match cx.diags[start..].iter().find(|d| d.is_error()) {
        None => figures.responses_ok += 1,
        Some(first) => *figures.responses_not_ok.entry(first.code).or_default() += 1,
    }
}

/// The host of an absolute `url` when it is not the Graph host of any national cloud.
fn external_host(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = host.split(':').next().unwrap_or(host);
    let graph = graph_runtime::cloud::Cloud::ALL.iter().any(|c| c.graph_host().eq_ignore_ascii_case(name));
    (!graph).then_some(host)
}

fn short(q: &str) -> &str {
    crate::csdl::split_qualified(q).1
}
