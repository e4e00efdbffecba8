//! The index of the generated crate: every (method, path template) of every operation in one
//! static table sorted by method and normalised template, so an SDK can find the operation
//! and permissions of a URL it got elsewhere (`graph::lookup("GET", url)`). One row per path
//! and no code per entry: the table costs the compiler little even for all of Graph.

use super::builders::operation_gates;
use crate::ir::naming::namespace_module;
use crate::ir::Ir;
use graph_runtime::permissions::normalize_template;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Rows of the index: (method, normalised template) → (namespace module, operation const).
/// The first operation (by const name) keeps a (method, template) two operations share.
pub fn index_rows(ir: &Ir) -> BTreeMap<(String, String), (String, String)> {
    let mut owner: BTreeMap<&str, String> = BTreeMap::new();
    for b in ir.builders.values() {
        for op in &b.operations {
            owner.entry(op.operation_const.as_str()).or_insert_with(|| namespace_module(&b.namespace));
        }
    }
    let mut rows = BTreeMap::new();
    for (name, info) in &ir.operations {
        let Some(ns) = owner.get(name.as_str()) else { continue };
        for (template, _) in &info.paths {
            rows.entry((info.method.to_ascii_uppercase(), normalize_template(template)))
                .or_insert_with(|| (ns.clone(), name.clone()));
        }
    }
    rows
}

pub fn emit_index(ir: &Ir) -> TokenStream {
    let gates = operation_gates(ir);
    let rows: Vec<TokenStream> = index_rows(ir)
        .into_iter()
        .map(|((method, template), (ns, c))| {
            let cfg = super::cfg_attr(gates.get(c.as_str()).copied().flatten());
            let ns = format_ident!("{}", ns);
            let c = format_ident!("{}", c);
            quote!(#cfg graph_runtime::IndexEntry { method: #method, template: #template, operation: &crate::#ns::operations::#c })
        })
        .collect();
    quote! {
        //! Every (method, path template) of the crate's operations, sorted: look up the
        //! operation and permissions of a URL obtained elsewhere with [`lookup`].

        /// The rows, sorted by method and normalised template (see
        /// `graph_runtime::permissions::normalize_template`); rows of disabled features are absent.
        pub static INDEX: &[graph_runtime::IndexEntry] = &[#(#rows),*];

        /// The operation and documented path of `method url` (absolute URL, path or template),
        /// with its permissions when known.
        pub fn lookup(method: &str, url: &str) -> Option<graph_runtime::Found> {
            graph_runtime::lookup(INDEX, method, url)
        }
    }
}
