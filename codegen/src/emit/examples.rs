//! Doc examples as tests: every request example rebuilt with the typed builders and compared
//! with the documented method, URL and body; every response example deserialised into the
//! declared type and serialised back to the same JSON.

use super::models::model_path_in;

fn model_path(ir: &Ir, q: &str) -> TokenStream {
    model_path_in(ir, q, &quote!(graph))
}
use super::filter_exprs::{orderby_words, typed_filter, typed_orderby};
use crate::odata_query::{expand_item, parse, split_top};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn struct_model<'a>(ir: &'a Ir, q: &str) -> Option<(&'a Model, &'a StructModel)> {
    let m = ir.models.get(q)?;
    match &m.kind {
        ModelKind::Struct(s) if !s.opaque && !s.fields.is_empty() => Some((m, s)),
        _ => None,
    }
}

fn field_enum_path(ir: &Ir, m: &Model) -> TokenStream {
    let p = model_path(ir, &m.qname);
    let s = p.to_string().replace(' ', "");
    let path: syn::Path = syn::parse_str(&format!("{s}Field")).expect("valid path");
    quote!(#path)
}

fn expand_path(ir: &Ir, m: &Model) -> TokenStream {
    let p = model_path(ir, &m.qname);
    let s = p.to_string().replace(' ', "");
    let path: syn::Path = syn::parse_str(&format!("{s}Expand")).expect("valid path");
    quote!(#path)
}

/// The `$expand` item `nav` of model `q` as the example emitter rebuilds it: the model and the
/// navigation (wire name, Rust constructor, target model), the exact name first, then in any
/// case (the constructor writes the schema's spelling). `None`: the item is replayed as text,
/// nested options included. The checker counts nested `$filter`s with it, so its figures are
/// what is generated.
pub(crate) fn typed_expand<'a>(ir: &'a Ir, q: &str, nav: &str) -> Option<(&'a Model, &'a (String, String, String))> {
    let (m, s) = struct_model(ir, q)?;
    let e = s.expands.iter().find(|e| e.0 == nav).or_else(|| s.expands.iter().find(|e| e.0.eq_ignore_ascii_case(nav)))?;
    Some((m, e))
}

/// Characters of a rebuilt option value that would change how the query string splits or
/// decodes; the rest stays readable (as the runtime writes it).
const REBUILT_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b'%').add(b'&').add(b'#').add(b'+');

/// Typed calls for the query options `q` on a value whose target model is `target`, and the
/// query as those calls write it (documented items as they are, except typed `$filter` and
/// `$orderby`, which take the runtime's canonical form). `nested` = on an `Expand` (no
/// free-form parameters there).
fn query_calls(ir: &Ir, target: Option<&str>, q: &str, sep: char, nested: bool, page: bool) -> (Vec<TokenStream>, Vec<String>) {
    let model = target.and_then(|t| struct_model(ir, t));
    let krate = quote!(graph);
    let mut calls = Vec::new();
    let mut items = Vec::new();
    for (raw, item) in split_top(q, sep).into_iter().zip(parse(q, sep)) {
        let v = item.value.clone();
        let mut rebuilt: Option<String> = None;
        match item.name.as_str() {
            "$select" => {
                let names: Vec<String> = split_top(&v, ',').into_iter().map(|s| s.trim().to_string()).collect();
                let fields: Option<Vec<TokenStream>> = model.map(|(m, s)| {
                    let fe = field_enum_path(ir, m);
                    names
                        .iter()
                        .filter_map(|n| s.fields.iter().find(|f| &f.wire == n))
                        .map(|f| {
                            let var = format_ident!("{}", f.variant);
                            quote!(#fe::#var)
                        })
                        .collect()
                });
                match fields {
                    Some(f) if f.len() == names.len() => calls.push(quote!(.select([#(#f),*]))),
                    _ => calls.push(quote!(.select_raw([#(#names),*]))),
                }
            }
            "$expand" => {
                let mut parts = Vec::new();
                for part in split_top(&v, ',') {
                    let (nav, opts) = expand_item(&part);
                    match target.and_then(|t| typed_expand(ir, t, &nav)) {
                        Some((m, (wire, rust, t))) => {
                            let nav = wire.clone();
                            let ep = expand_path(ir, m);
                            let f = format_ident!("{}", rust);
                            let (inner, inner_items) = opts.map(|o| query_calls(ir, Some(t), &o, ';', true, true)).unwrap_or_default();
                            calls.push(quote!(.expand(#ep::#f() #(#inner)*)));
                            parts.push(if inner_items.is_empty() { nav } else { format!("{nav}({})", inner_items.join(";")) });
                        }
                        // As text, in the same `$expand` as the typed items.
                        None => {
                            calls.push(quote!(.expand_raw(#part)));
                            parts.push(part.trim().to_string());
                        }
                    }
                }
                rebuilt = Some(parts.join(","));
            }
            "$filter" => match target.map(|t| typed_filter(ir, t, &v, &krate)) {
                Some(Ok(t)) => {
                    let f = t.tokens;
                    calls.push(quote!(.filter(#f)));
                    rebuilt = Some(t.text);
                }
                _ => calls.push(quote!(.filter(graph_runtime::filter::Filter::raw(#v)))),
            },
            "$orderby" => {
                let typed: Option<Vec<(TokenStream, bool, String)>> = target.and_then(|t| {
                    split_top(&v, ',').iter().map(|i| typed_orderby(ir, t, i.trim(), &krate).ok()).collect()
                });
                match typed {
                    Some(keys) => {
                        for (k, desc, _) in &keys {
                            calls.push(quote!(.orderby(#k, #desc)));
                        }
                        rebuilt = Some(keys.iter().map(|k| k.2.clone()).collect::<Vec<_>>().join(","));
                    }
                    None if !nested => calls.push(quote!(.param("$orderby", #v))),
                    // Nested: by wire name, in the form the runtime writes.
                    None => {
                        let items = split_top(&v, ',');
                        let keys: Option<Vec<(&str, bool)>> = items.iter().map(|i| orderby_words(i)).collect();
                        if let Some(keys) = keys {
                            for (k, desc) in &keys {
                                calls.push(quote!(.orderby_raw(#k, #desc)));
                            }
                            let texts: Vec<String> = keys.iter().map(|(k, d)| if *d { format!("{k} desc") } else { k.to_string() }).collect();
                            rebuilt = Some(texts.join(","));
                        }
                    }
                }
            }
            "$top" | "$skip" => {
                let n: u32 = v.parse().unwrap_or(0);
                let m = format_ident!("{}", &item.name[1..]);
                calls.push(quote!(.#m(#n)));
            }
            // `$count` compiles on collections only, `$search` on searchable types only; a
            // documented one elsewhere is replayed as a plain parameter.
            "$count" if page || nested => {
                let b = v == "true";
                calls.push(quote!(.count(#b)));
            }
            "$search" if !nested && model.is_some_and(|(_, s)| s.searchable) => calls.push(quote!(.search(#v))),
            "$apply" if !nested => calls.push(quote!(.apply(#v))),
            _ if !nested => {
                let k = item.name.clone();
                calls.push(quote!(.param(#k, #v)));
            }
            _ => {}
        }
        items.push(match rebuilt {
            // Nested items are encoded once, with the `$expand` value they are part of.
            Some(r) if nested => format!("{}={r}", item.name),
            Some(r) => format!("{}={}", item.name, percent_encoding::utf8_percent_encode(&r, REBUILT_SET)),
            None => raw.trim().to_string(),
        });
    }
    (calls, items)
}

/// The builders a chain goes through, in order (the root's first).
fn chain_builders<'a>(ir: &'a Ir, chain: &[Call]) -> Vec<(&'a str, &'a Builder)> {
    let mut out: Vec<(&str, &Builder)> = Vec::new();
    for c in chain {
        let next = match (c, out.last().map(|x| x.1)) {
            (Call::Root(r), _) => ir.roots.iter().find(|x| &x.fn_name == r).map(|x| x.builder.as_str()),
            (Call::Method(m) | Call::Function(m, _), Some(b)) => {
                b.children.iter().chain(b.casts.iter()).find(|x| &x.method == m).map(|x| x.builder.as_str())
            }
            (Call::ById(_), Some(b)) => b.item.as_ref().map(|(i, _)| i.as_str()),
            _ => None,
        };
        if let Some((n, b)) = next.and_then(|n| ir.builders.get_key_value(n)) {
            out.push((n.as_str(), b));
        }
    }
    out
}

/// The response type of the operation a builder chain ends with (the `R` of its `Request<R>`).
fn chain_response<'a>(ir: &'a Ir, chain: &[Call]) -> Option<&'a Shape> {
    let (_, b) = *chain_builders(ir, chain).last()?;
    let Some(Call::Op(m, ..)) = chain.last() else { return None };
    b.operations.iter().find(|o| &o.method_name == m).map(|o| &o.response)
}

fn shape_type(ir: &Ir, s: &Shape) -> Option<TokenStream> {
    match s {
        Shape::Entity(q) => Some(model_path(ir, q)),
        Shape::Page(q) => {
            let t = model_path(ir, q);
            Some(quote!(graph_runtime::Page<#t>))
        }
        Shape::NoContent | Shape::Count | Shape::Bytes => None,
    }
}

/// A documented function argument: a quoted string as `&str`, anything else as written.
fn literal_arg(text: &str) -> TokenStream {
    let t = crate::odata_query::decode(text);
    match t.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        Some(s) => {
            let s = s.replace("''", "'");
            quote!(#s)
        }
        None => quote!(graph_runtime::filter::Literal::Raw(#t.to_string())),
    }
}

pub fn emit_examples(ir: &Ir) -> Result<TokenStream, String> {
    let mut tests = Vec::new();
    for ex in &ir.examples {
        let name = format_ident!("{}", ex.fn_name);
        let mut chain = Vec::new();
        let mut target: Option<String> = None;
        for c in &ex.chain {
            match c {
                Call::Root(r) => {
                    let f = format_ident!("{}", r);
                    chain.push(quote!(graph::#f()));
                }
                Call::Method(m) => {
                    let f = format_ident!("{}", m);
                    chain.push(quote!(.#f()));
                }
                Call::ById(id) => {
                    let id = crate::odata_query::decode(id);
                    chain.push(quote!(.by_id(#id)));
                }
                Call::Function(m, args) => {
                    let f = format_ident!("{}", m);
                    let args: Vec<TokenStream> = args.iter().map(|a| literal_arg(a)).collect();
                    chain.push(quote!(.#f(#(#args),*)));
                }
                Call::ByPath(p) => {
                    let p = crate::odata_query::decode(p);
                    chain.push(quote!(.by_path(#p)));
                }
                Call::Op(m, has_body, args) => {
                    let f = format_ident!("{}", m);
                    let args: Vec<TokenStream> = args.iter().map(|a| literal_arg(a)).collect();
                    match &ex.raw_body {
                        Some(RawBody::RefById(r)) => chain.push(quote!(.#f(#r))),
                        Some(RawBody::Reference(r, _)) => chain.push(quote!(.#f(#r))),
                        Some(RawBody::Content(c)) => chain.push(quote!(.#f("application/octet-stream", #c.as_bytes().to_vec()))),
                        None if *has_body => chain.push(quote!(.#f(&body #(, #args)*))),
                        None => chain.push(quote!(.#f(#(#args),*))),
                    }
                }
            }
        }
        if let Some((Shape::Entity(q) | Shape::Page(q), _)) = &ex.response {
            target = Some(q.clone());
        }
        if target.is_none() {
            target = ir
                .builders
                .values()
                .flat_map(|b| b.operations.iter())
                .find(|o| matches!(ex.chain.last(), Some(Call::Op(m, _, _)) if *m == o.method_name))
                .and_then(|o| match &o.response {
                    Shape::Entity(q) | Shape::Page(q) => Some(q.clone()),
                    _ => None,
                });
        }
        let page = matches!(chain_response(ir, &ex.chain), Some(Shape::Page(_)));
        let (query, items) = ex.query.as_deref().map(|q| query_calls(ir, target.as_deref(), q, '&', false, page)).unwrap_or_default();
        let method = &ex.method;
        // The documented URL, with typed `$filter` / `$orderby` in the form the runtime writes.
        let url = match ex.url.split_once('?') {
            Some((path, _)) if !items.is_empty() => format!("{path}?{}", items.join("&")),
            _ => ex.url.clone(),
        };
        let origin = format!("{}:{}", ex.file, ex.line);
        let (body_decl, body_arg) = match &ex.body {
            Some((t, text)) => {
                let bt = model_path(ir, t);
                (
                    quote! {
                        let body: #bt = serde_json::from_str(#text).expect("documented body fits the write model");
                    },
                    quote!(Some(#text)),
                )
            }
            None => match &ex.raw_body {
                Some(RawBody::Reference(_, text)) => (quote!(), quote!(Some(#text))),
                _ => (quote!(), quote!(None)),
            },
        };
        let response = match &ex.response {
            Some((shape, text)) => shape_type(ir, shape).map(|t| quote!(round_trip::<#t>(#text, #origin);)),
            None => None,
        };
        // An area feature compiles only its own examples: an example is on when every builder
        // of its chain is (a cast may reach a builder of another area).
        let gate = example_gate(ir, &ex.chain);
        tests.push(quote! {
            #[test]
            #gate
            fn #name() {
                #body_decl
                let request = #(#chain)* #(#query)*;
                assert_request(&request, #method, #url, #body_arg, #origin);
                #response
            }
        });
    }
    let mut excluded = String::new();
    if !ir.excluded_examples.is_empty() {
        excluded.push_str("Not replayed: examples the checks of `cargo xtask report` flag as doc errors\n(file:line, first code):\n");
        for e in &ir.excluded_examples {
            excluded.push_str(&format!("- `{}:{}` {}\n", e.file, e.line, e.code));
        }
    }
    let excluded_doc: Vec<TokenStream> = excluded.lines().map(|l| { let l = format!(" {l}"); quote!(#![doc = #l]) }).collect();
    Ok(quote! {
        //! Every example of the docs replayed: requests rebuilt with the typed builders,
        //! responses deserialised into the typed models and serialised back without loss.
        #(#excluded_doc)*
        #![allow(clippy::needless_borrows_for_generic_args)]

        use graph_runtime::testing::{assert_request, round_trip};

        #(#tests)*
    })
}

/// `#[cfg(all(…))]` of the gates of the builders an example's chain goes through.
fn example_gate(ir: &Ir, chain: &[Call]) -> TokenStream {
    if ir.features.is_empty() {
        return quote!();
    }
    let mut gates: Vec<&Vec<String>> = Vec::new();
    // The root function is gated by its own area.
    let root_feature = match chain.first() {
        Some(Call::Root(r)) => vec![crate::ir::lower::feature_name(r)],
        _ => Vec::new(),
    };
    if !root_feature.is_empty() {
        gates.push(&root_feature);
    }
    for (n, _) in chain_builders(ir, chain) {
        if let Some(g) = ir.builder_gates.get(n) {
            if !gates.contains(&g) {
                gates.push(g);
            }
        }
    }
    let parts: Vec<TokenStream> = gates
        .into_iter()
        .map(|g| match g.as_slice() {
            [] => quote!(feature = "full"),
            [f] => quote!(feature = #f),
            fs => quote!(any(#(feature = #fs),*)),
        })
        .collect();
    match parts.as_slice() {
        [] => quote!(),
        [one] => quote!(#[cfg(#one)]),
        _ => quote!(#[cfg(all(#(#parts),*))]),
    }
}
