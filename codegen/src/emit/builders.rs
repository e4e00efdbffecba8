//! Request builders (one file per addressed type, item and collection together) and the
//! operation data they point at (permissions, headers) as `static`s.

use super::doc_attr;
use super::models::{model_path, model_path_text, operations_root, requests_root_text, tokens};
use crate::extract::{PermissionFacts, SchemeFacts};
use crate::ir::naming::namespace_module;
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Builders grouped by (namespace module, file module).
pub fn group(ir: &Ir) -> BTreeMap<(String, String), Vec<&Builder>> {
    let mut out: BTreeMap<(String, String), Vec<&Builder>> = BTreeMap::new();
    for b in ir.builders.values() {
        out.entry((namespace_module(&b.namespace), b.module.clone())).or_default().push(b);
    }
    out
}

fn builder_path(ir: &Ir, name: &str) -> TokenStream {
    tokens(&builder_path_text(ir, name))
}

/// The path of a builder type, as text (the one spelling of text and tokens).
pub(crate) fn builder_path_text(ir: &Ir, name: &str) -> String {
    let b = ir.builders.get(name).expect("builder exists");
    format!("{}::{}::requests::{}", requests_root_text(ir), namespace_module(&b.namespace), b.rust_name)
}

fn response_type(ir: &Ir, s: &Shape) -> TokenStream {
    tokens(&response_type_text(ir, s))
}

/// The response type of an operation, as text.
pub(crate) fn response_type_text(ir: &Ir, s: &Shape) -> String {
    match s {
        Shape::Entity(q) => model_path_text(ir, q),
        Shape::Page(q) => format!("graph_runtime::Page<{}>", model_path_text(ir, q)),
        Shape::NoContent => "graph_runtime::NoContent".into(),
        Shape::Count => "graph_runtime::Count".into(),
        Shape::Bytes => "graph_runtime::Bytes".into(),
    }
}

pub(crate) fn op_doc(ir: &Ir, op: &OpMethod) -> String {
    let info = ir.operations.get(&op.operation_const);
    let mut d = String::new();
    if let Some(i) = info {
        d.push_str(&format!("{}: `{}`.\n", i.title, i.method));
        d.push_str("\nDocumented paths and least-privileged permissions:\n");
        for (p, perms) in &i.paths {
            let least = perms
                .as_ref()
                .map(|p| {
                    let mut v = Vec::new();
                    if !p.delegated_work.least.is_empty() {
                        v.push(format!("delegated `{}`", p.delegated_work.least.join("`, `")));
                    }
                    if !p.application.least.is_empty() {
                        v.push(format!("application `{}`", p.application.least.join("`, `")));
                    }
                    let v = if v.is_empty() { "none documented".to_string() } else { v.join("; ") };
                    match &p.derived_from {
                        Some(from) => format!("{v} (derived: as for `{from}`)"),
                        None => v,
                    }
                })
                .unwrap_or_else(|| "not documented".into());
            d.push_str(&format!("- `{} {}`: {}\n", i.method, p, least));
        }
        let headers: Vec<String> = i.headers.iter().map(|(n, _, _)| format!("`{n}`")).collect();
        if !headers.is_empty() {
            d.push_str(&format!("\nRequest headers set or documented: {}.\n", headers.join(", ")));
        }
        if !i.doc_pages.is_empty() {
            d.push_str(&format!("\nFrom `{}`.", i.doc_pages.join("`, `")));
        }
    }
    d
}

/// Builders of one file; `file_gate` is the gate of the whole file (items whose own gate
/// differs get their own `#[cfg]`).
pub fn emit_builders(ir: &Ir, builders: &[&Builder], file_gate: Option<&Vec<String>>) -> TokenStream {
    let items: Vec<TokenStream> = builders
        .iter()
        .map(|b| {
            let own = ir.builder_gates.get(&b.rust_name);
            let cfg = if own == file_gate { quote!() } else { super::cfg_attr(own) };
            emit_builder(ir, b, cfg)
        })
        .collect();
    quote!(#(#items)*)
}

fn emit_builder(ir: &Ir, b: &Builder, cfg: TokenStream) -> TokenStream {
    let name = format_ident!("{}", b.rust_name);
    let doc = doc_attr(&builder_doc(b));
    let by_id = by_id_fn(ir, b);
    let by_path = b.by_path.then(by_path_fn);
    let children: Vec<TokenStream> = b.children.iter().map(|c| child_fn(ir, c)).collect();
    let casts: Vec<TokenStream> = b.casts.iter().map(|c| cast_fn(ir, c)).collect();
    let ops: Vec<TokenStream> = b.operations.iter().map(|op| op_fn(ir, b, op)).collect();
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name { path: graph_runtime::RequestPath }
        #cfg
        impl #name {
            pub(crate) fn new(path: graph_runtime::RequestPath) -> Self { Self { path } }
            /// The path built so far (encoded) and its template.
            pub fn path(&self) -> &graph_runtime::RequestPath { &self.path }
            #by_id
            #by_path
            #(#children)*
            #(#casts)*
            #(#ops)*
        }
    }
}

/// The rustdoc of a builder.
pub(crate) fn builder_doc(b: &Builder) -> String {
    format!("Requests on {} `{}`.", if b.collection { "a collection of" } else { "one" }, b.target)
}

/// The rustdoc of a child (navigation or composable function).
pub(crate) fn child_doc(c: &Child) -> String {
    match &c.function_params {
        Some(_) => format!("`…/{}(…)`: a composable function; the request builder continues on what it returns.", c.segment),
        None => format!("`…/{}`", c.segment),
    }
}

/// A child's method.
pub(crate) fn child_fn(ir: &Ir, c: &Child) -> TokenStream {
    let m = format_ident!("{}", c.method);
    let seg = &c.segment;
    let t = builder_path(ir, &c.builder);
    let d = doc_attr(&child_doc(c));
    match &c.function_params {
        Some(params) => {
            let wires: Vec<&String> = params.iter().map(|(w, _)| w).collect();
            let idents: Vec<_> = params.iter().map(|(_, r)| format_ident!("{}", r)).collect();
            quote! {
                #d
                pub fn #m(&self #(, #idents: impl Into<graph_runtime::filter::Literal>)*) -> #t {
                    #t::new(self.path.function(#seg, &[#((#wires, #idents.into())),*]))
                }
            }
        }
        None => quote! {
            #d
            pub fn #m(&self) -> #t { #t::new(self.path.segment(#seg)) }
        },
    }
}

/// The rustdoc of `by_id`.
pub(crate) fn by_id_doc(param: &str) -> String {
    format!("`…/{{{param}}}`: one item by key. The key is percent-encoded: it can never change the path or the query.")
}

/// `by_id` of a collection builder.
pub(crate) fn by_id_fn(ir: &Ir, b: &Builder) -> Option<TokenStream> {
    let (item, param) = b.item.as_ref()?;
    let t = builder_path(ir, item);
    let d = doc_attr(&by_id_doc(param));
    Some(quote! {
        #d
        pub fn by_id(&self, id: &str) -> #t { #t::new(self.path.key(#param, id)) }
    })
}

/// The rustdoc of `by_path`.
pub(crate) const BY_PATH_DOC: &str = "`…:/{item-path}:`: the item at a path below this one (`a/b.txt`). Each segment is percent-encoded.";

fn by_path_fn() -> TokenStream {
    let d = doc_attr(BY_PATH_DOC);
    quote! {
        #d
        pub fn by_path(&self, item_path: &str) -> Self { Self::new(self.path.item_path(item_path)) }
    }
}

/// The rustdoc of a cast.
pub(crate) fn cast_doc(c: &Child) -> String {
    format!("`…/{}`: only the items of this type (a type cast).", c.segment)
}

/// A type cast's method, gated like its target: it widens no area.
pub(crate) fn cast_fn(ir: &Ir, c: &Child) -> TokenStream {
    let m = format_ident!("{}", c.method);
    let seg = &c.segment;
    let t = builder_path(ir, &c.builder);
    let d = doc_attr(&cast_doc(c));
    let cfg = super::cfg_attr(ir.builder_gates.get(&c.builder));
    quote! {
        #d
        #cfg
        pub fn #m(&self) -> #t { #t::new(self.path.segment(#seg)) }
    }
}

/// The extra rustdoc line of reference operations, if any.
pub(crate) fn ref_doc(b: &Builder, op: &OpMethod) -> Option<&'static str> {
    match op.kind {
        OpKind::RemoveRef if b.collection => Some(" `odata_id`: the absolute URL of the entity whose reference is removed (sent as `$id`)."),
        OpKind::AddRef | OpKind::SetRef => Some(" `odata_id`: the absolute URL of the entity referred to."),
        _ => None,
    }
}

/// Whether an operation's request is an advanced query on directory objects.
pub(crate) fn is_directory_get(ir: &Ir, op: &OpMethod) -> bool {
    op.http_method.eq_ignore_ascii_case("GET") && directory_target(ir, &op.response)
}

/// How many `.consistency_level_eventual()` an operation's request gets.
pub(crate) fn eventual_headers(ir: &Ir, op: &OpMethod) -> usize {
    ir.operations
        .get(&op.operation_const)
        .map(|i| {
            i.headers
                .iter()
                .filter(|(n, v, _)| n.eq_ignore_ascii_case("consistencylevel") && v.as_deref() == Some("eventual"))
                .count()
        })
        .unwrap_or(0)
}

/// An operation's method.
pub(crate) fn op_fn(ir: &Ir, b: &Builder, op: &OpMethod) -> TokenStream {
    let m = format_ident!("{}", op.method_name);
    let resp = response_type(ir, &op.response);
    let method = format_ident!("{}", op.http_method);
    let ns = format_ident!("{}", namespace_module(&b.namespace));
    let c = format_ident!("{}", op.operation_const);
    let krate = operations_root(ir);
    let (path, args) = match (&op.segment, &op.function_params) {
        (Some(s), Some(params)) => {
            let wires: Vec<&String> = params.iter().map(|(w, _)| w).collect();
            let idents: Vec<_> = params.iter().map(|(_, r)| format_ident!("{}", r)).collect();
            (
                quote!(self.path.function(#s, &[#((#wires, #idents.into())),*])),
                quote!(#(, #idents: impl Into<graph_runtime::filter::Literal>)*),
            )
        }
        (Some(s), None) => (quote!(self.path.segment(#s)), quote!()),
        (None, _) => (quote!(self.path.clone()), quote!()),
    };
    let d = doc_attr(&op_doc(ir, op));
    let headers: Vec<TokenStream> = (0..eventual_headers(ir, op)).map(|_| quote!(.consistency_level_eventual())).collect();
    let directory = is_directory_get(ir, op);
    let headers = if directory { quote!(#(#headers)* .directory_objects()) } else { quote!(#(#headers)*) };
    let d = if directory { quote!(#d #[doc = ""] #[doc = #ADVANCED_DOC]) } else { d };
    let d = match ref_doc(b, op) {
        Some(r) => quote!(#d #[doc = ""] #[doc = #r]),
        None => d,
    };
    let new_request = quote!(graph_runtime::Request::new(graph_runtime::http::Method::#method, #path, Some(&#krate::#ns::operations::#c)));
    match op.kind {
        OpKind::PutContent => {
            return quote! {
                #d
                pub fn #m(&self, content_type: &str, content: Vec<u8>) -> graph_runtime::Request<#resp> {
                    #new_request.with_body(content_type, content) #headers
                }
            };
        }
        OpKind::RemoveRef if b.collection => {
            return quote! {
                #d
                pub fn #m(&self, odata_id: &str) -> graph_runtime::Request<#resp> {
                    #new_request.param("$id", odata_id) #headers
                }
            };
        }
        OpKind::AddRef | OpKind::SetRef => {
            return quote! {
                #d
                pub fn #m(&self, odata_id: &str) -> graph_runtime::Request<#resp> {
                    #new_request.with_reference(odata_id) #headers
                }
            };
        }
        _ => {}
    }
    match &op.body {
        Some(body) => {
            let bt = model_path(ir, body);
            quote! {
                #d
                pub fn #m(&self, body: &#bt #args) -> graph_runtime::Request<#resp> {
                    #new_request.with_json_body(body) #headers
                }
            }
        }
        None => quote! {
            #d
            pub fn #m(&self #args) -> graph_runtime::Request<#resp> {
                #new_request #headers
            }
        },
    }
}

/// Rustdoc of operations on directory objects.
pub(crate) const ADVANCED_DOC: &str = " Directory objects: `$count`, `$search`, `ne` / `not` / `endsWith` in `$filter` and \
`$orderby` with `$filter` make this an advanced query, so the request adds `ConsistencyLevel: eventual` \
(and `$count=true` where Graph requires it) by itself; see `Request::advanced_query` and \
`Request::manual_consistency`.";

/// Whether a response is (a page of) `directoryObject` or a type derived from it.
fn directory_target(ir: &Ir, s: &Shape) -> bool {
    let (Shape::Entity(q) | Shape::Page(q)) = s else { return false };
    matches!(ir.models.get(q).map(|m| &m.kind), Some(ModelKind::Struct(s)) if s.directory_object)
}

/// Operation data grouped by the namespace module of the builder that owns it.
pub fn operations_by_namespace(ir: &Ir) -> BTreeMap<String, Vec<&OperationInfo>> {
    let mut out: BTreeMap<String, Vec<&OperationInfo>> = BTreeMap::new();
    let mut seen: std::collections::BTreeSet<(String, &str)> = std::collections::BTreeSet::new();
    for b in ir.builders.values() {
        for op in &b.operations {
            if let Some(info) = ir.operations.get(&op.operation_const) {
                let ns = namespace_module(&b.namespace);
                if seen.insert((ns.clone(), info.const_name.as_str())) {
                    out.entry(ns).or_default().push(info);
                }
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.const_name.cmp(&b.const_name));
    }
    out
}

fn scheme(s: &SchemeFacts) -> TokenStream {
    let least = &s.least;
    let higher = &s.higher;
    let also: Vec<TokenStream> = s
        .also_requires
        .iter()
        .map(|(p, one_of)| quote!(graph_runtime::AlsoRequires { permission: #p, one_of: &[#(#one_of),*] }))
        .collect();
    quote!(graph_runtime::Scheme { least: &[#(#least),*], higher: &[#(#higher),*], also_requires: &[#(#also),*] })
}

fn permissions(p: &Option<PermissionFacts>) -> TokenStream {
    match p {
        None => quote!(None),
        Some(p) => {
            let w = scheme(&p.delegated_work);
            let d = scheme(&p.delegated_personal);
            let a = scheme(&p.application);
            quote!(Some(graph_runtime::Permissions { delegated_work: #w, delegated_personal: #d, application: #a }))
        }
    }
}

/// The gate of each operation static: the gate of the builder that uses it.
pub fn operation_gates(ir: &Ir) -> BTreeMap<&str, Option<&Vec<String>>> {
    let mut gate_of: BTreeMap<&str, Option<&Vec<String>>> = BTreeMap::new();
    for b in ir.builders.values() {
        for op in &b.operations {
            gate_of.insert(op.operation_const.as_str(), ir.builder_gates.get(&b.rust_name));
        }
    }
    gate_of
}

/// Whether a permission set comes from Microsoft's permissions data (stated at no line of a
/// page) rather than from a docs' table.
pub(crate) fn from_data(p: &PermissionFacts) -> bool {
    p.origin.line == 0
}

/// The permission sets of the permissions data used in `ops`, each once, in order of first
/// use: the data's sets repeat across thousands of paths (about 900 distinct sets for 6,000
/// paths of v1.0), so each is one `pub const` of the operations file that paths name.
/// Docs' tables stay inline.
pub(crate) fn shared_sets<'a>(ops: &[&'a OperationInfo]) -> SharedSets<'a> {
    let mut out = BTreeMap::new();
    for p in ops.iter().flat_map(|o| &o.paths).filter_map(|(_, p)| p.as_ref()).filter(|p| from_data(p)) {
        let n = out.len();
        out.entry(set_key(p)).or_insert(n);
    }
    out
}

/// What makes two permission sets the same const: the three schemes (not where they were
/// stated).
pub(crate) type SetKey<'a> = [&'a SchemeFacts; 3];

/// Permission set → index of its `PERMISSION_SET_n` (see [`shared_sets`]).
pub(crate) type SharedSets<'a> = BTreeMap<SetKey<'a>, usize>;

pub(crate) fn set_key(p: &PermissionFacts) -> SetKey<'_> {
    [&p.delegated_work, &p.delegated_personal, &p.application]
}

/// The rustdoc of an operation static: title, method, where it is documented, and which
/// path's permissions are derived from another route.
pub(crate) fn operation_doc(o: &OperationInfo) -> String {
    let doc_pages = o.doc_pages.join(", ");
    let mut text = if doc_pages.is_empty() {
        format!("{} (`{}`), from the CSDL.", o.title, o.method)
    } else {
        format!("{} (`{}`), documented in `{}`.", o.title, o.method, doc_pages)
    };
    for (t, p) in &o.paths {
        if let Some(from) = p.as_ref().and_then(|p| p.derived_from.as_ref()) {
            text.push_str(&format!("\n\nPermissions of `{t}` derived: as for `{from}`."));
        }
    }
    text
}

pub(crate) fn set_name(i: usize) -> proc_macro2::Ident {
    format_ident!("PERMISSION_SET_{}", i)
}

/// The sets `ops` use, each at its first use: (index, set).
pub(crate) fn set_first_uses<'a>(ops: &[&'a OperationInfo], sets: &SharedSets) -> Vec<(usize, &'a PermissionFacts)> {
    let mut seen = std::collections::BTreeSet::new();
    ops.iter()
        .flat_map(|o| &o.paths)
        .filter_map(|(_, p)| p.as_ref())
        .filter(|p| from_data(p))
        .map(|p| (sets[&set_key(p)], p))
        .filter(|(i, _)| seen.insert(*i))
        .collect()
}

/// The `pub const PERMISSION_SET_n` item of one set.
pub(crate) fn set_const(i: usize, p: &PermissionFacts) -> TokenStream {
    let name = set_name(i);
    let (w, d, a) = (scheme(&p.delegated_work), scheme(&p.delegated_personal), scheme(&p.application));
    quote! {
        #[doc(hidden)]
        pub const #name: graph_runtime::Permissions = graph_runtime::Permissions { delegated_work: #w, delegated_personal: #d, application: #a };
    }
}

/// The `pub const PERMISSION_SET_n` items of the sets `ops` use, in order of first use.
pub(crate) fn set_consts(ops: &[&OperationInfo], sets: &SharedSets) -> Vec<TokenStream> {
    set_first_uses(ops, sets).into_iter().map(|(i, p)| set_const(i, p)).collect()
}

pub fn emit_operations(ops: &[&OperationInfo], gate_of: &BTreeMap<&str, Option<&Vec<String>>>) -> TokenStream {
    operations_tokens(ops, gate_of, &shared_sets(ops), true)
}

/// The operation statics of `ops` naming the permission sets `sets` (numbered for their
/// whole file), with the sets' consts when `with_sets`, and `all()`.
pub(crate) fn operations_tokens(
    ops: &[&OperationInfo],
    gate_of: &BTreeMap<&str, Option<&Vec<String>>>,
    sets: &SharedSets,
    with_sets: bool,
) -> TokenStream {
    let set_items = if with_sets { set_consts(ops, sets) } else { Vec::new() };
    let items: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let name = format_ident!("{}", o.const_name);
            let id = &o.id;
            let method = &o.method;
            let doc_pages = o.doc_pages.join(", ");
            let paths: Vec<TokenStream> = o
                .paths
                .iter()
                .map(|(t, p)| {
                    let perms = match p {
                        Some(p) if from_data(p) => {
                            let name = set_name(sets[&set_key(p)]);
                            quote!(Some(#name))
                        }
                        _ => permissions(p),
                    };
                    quote!(graph_runtime::PathPermissions { template: #t, permissions: #perms })
                })
                .collect();
            let headers: Vec<TokenStream> = o
                .headers
                .iter()
                .map(|(n, v, r)| {
                    let v = match v {
                        Some(v) => quote!(Some(#v)),
                        None => quote!(None),
                    };
                    quote!(graph_runtime::HeaderSpec { name: #n, value: #v, required: #r })
                })
                .collect();
            let d = doc_attr(&operation_doc(o));
            let cfg = super::cfg_attr(gate_of.get(o.const_name.as_str()).copied().flatten());
            quote! {
                #d
                #cfg
                pub static #name: graph_runtime::Operation = graph_runtime::Operation {
                    id: #id,
                    method: #method,
                    paths: &[#(#paths),*],
                    headers: &[#(#headers),*],
                    doc: #doc_pages,
                };
            }
        })
        .collect();
    let pushes: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let name = format_ident!("{}", o.const_name);
            let cfg = super::cfg_attr(gate_of.get(o.const_name.as_str()).copied().flatten());
            quote!(#cfg all.push(&#name);)
        })
        .collect();
    let all = super::operation_list_fn(
        quote! {
            /// Every operation of this namespace (those enabled by the crate's features).
        },
        format_ident!("all"),
        &pushes,
    );
    quote! {
        //! Operation data: documented paths with their permissions per scheme, and headers.
        #(#items)*
        #all
        #(#set_items)*
    }
}
