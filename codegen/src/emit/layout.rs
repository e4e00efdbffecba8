//! The crates of a split output (`ir.layout`, from `ir::lower::parts`): each part's manifest
//! and `lib.rs`, and the facade at the root, which depends on every part (optionally on the
//! parts only some areas need: `Part::only_for`) and re-exports them
//! so that every path (`graph::microsoft_graph::User`, `graph::users()`, `graph::lookup`) is
//! the one a one-crate output has.

use super::{base_dependencies, features_toml, format_file, inner_doc_attr, manifest, CrateSettings};
use crate::ir::{Ir, Part};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Path from a part's directory (`parts/NAME/`) to the runtime.
fn runtime_from_part(settings: &CrateSettings) -> String {
    if std::path::Path::new(&settings.runtime_path).is_absolute() {
        settings.runtime_path.clone()
    } else {
        format!("../../{}", settings.runtime_path)
    }
}

/// Adds every part's `Cargo.toml` and `src/lib.rs` and the facade's `Cargo.toml` and
/// `src/lib.rs`. `namespaces`: the namespace modules of each part; `ops_by_ns`: the
/// namespaces with operation data.
pub fn emit_parts<T>(
    ir: &Ir,
    settings: &CrateSettings,
    namespaces: &BTreeMap<usize, Vec<String>>,
    ops_by_ns: &BTreeMap<String, T>,
    files: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let layout = &ir.layout;
    let rt = runtime_from_part(settings);
    // Every part declares every feature (its cfgs name areas, shared features and `full`).
    let mut names: BTreeSet<&str> = ir.features.keys().map(String::as_str).collect();
    names.extend(ir.shared_features.keys().map(String::as_str));
    names.insert("full");
    for (i, p) in layout.parts.iter().enumerate() {
        let dir = format!("parts/{}/", p.suffix);
        let mut deps = base_dependencies(&rt);
        for &d in &p.deps {
            let dp: &Part = &layout.parts[d];
            deps.push_str(&dependency(dp, &format!("../{}", dp.suffix)));
        }
        // Each feature goes on in the parts it depends on as it does from the facade, so a part
        // builds alone with the features the facade gives it.
        let part_features: String = names
            .iter()
            .map(|n| {
                let on: Vec<String> = forward(ir, p.deps.iter().map(|&d| &layout.parts[d]), n).iter().map(|e| format!("\"{e}\"")).collect();
                format!("{n} = [{}]\n", on.join(", "))
            })
            .collect();
        let description = format!("Part of {}: {}. Depend on {0}, which re-exports it.", settings.package, p.about);
        files.insert(format!("{dir}Cargo.toml"), manifest(settings, &p.package, &p.lib, &description, &deps, &[], &part_features));
        let what = if i == layout.requests || i == layout.operations { "The" } else { "Models:" };
        let doc = inner_doc_attr(&format!(
            "{what} {} of `{}`: a part of that crate, which re-exports it; depend on it, not on this one.",
            p.about, settings.package
        ));
        let id = format_ident!("{}", p.lib);
        let mods: Vec<_> = namespaces.get(&i).into_iter().flatten().map(|n| format_ident!("{}", n)).collect();
        let deny = settings.deny_warnings.then(|| quote!(#![deny(warnings)]));
        let allows = super::crate_allows();
        let rest = if i == layout.requests {
            let roots = super::root_fns(ir);
            quote!(#(#roots)*)
        } else if i == layout.operations {
            let all = super::all_operations_fn(ops_by_ns.keys());
            quote!(pub mod index; pub use index::lookup; #all)
        } else {
            quote!()
        };
        let lib = quote! {
            #doc
            #deny
            #allows
            extern crate self as #id;
            #(pub mod #mods;)*
            #rest
        };
        files.insert(format!("{dir}src/lib.rs"), format_file(settings, lib)?);
    }
    // The facade.
    let mut deps = base_dependencies(&settings.runtime_path);
    for p in &layout.parts {
        deps.push_str(&dependency(p, &format!("parts/{}", p.suffix)));
    }
    let forward = |n: &str| forward(ir, layout.parts.iter(), n);
    let description = "Typed Microsoft Graph models and request builders, generated from the reference docs.";
    files.insert(
        "Cargo.toml".into(),
        manifest(settings, &settings.package, "graph", description, &deps, &settings.default_features, &features_toml(ir, settings, &forward)),
    );
    files.insert("src/lib.rs".into(), format_file(settings, facade_lib(ir, settings, namespaces))?);
    Ok(())
}

/// What feature `n` turns on in the dependencies `parts`: the same feature in each part it
/// needs (`dep:X`, `X/n`) or that is always built, and in the others only if something else
/// turned them on (`X?/n`).
fn forward<'a>(ir: &Ir, parts: impl Iterator<Item = &'a Part>, n: &str) -> Vec<String> {
    let mut on = Vec::new();
    for p in parts {
        match &p.only_for {
            None => on.push(format!("{}/{n}", p.package)),
            Some(_) if enables(ir, n, p) => on.extend([format!("dep:{}", p.package), format!("{}/{n}", p.package)]),
            Some(_) => on.push(format!("{}?/{n}", p.package)),
        }
    }
    on
}

/// A `[dependencies]` line for a part at `path`: optional when only some areas need it.
fn dependency(p: &Part, path: &str) -> String {
    let optional = if p.only_for.is_some() { ", optional = true" } else { "" };
    format!("{} = {{ path = \"{path}\"{optional} }}\n", p.package)
}

/// Whether feature `name` (an area, a shared feature or `full`) needs the optional part `p`. A
/// shared feature gates items every one of its areas needs, so it needs what all of them need
/// (and never turns on a part for an area that does not need it).
fn enables(ir: &Ir, name: &str, p: &Part) -> bool {
    let Some(areas) = &p.only_for else { return false };
    let needs = |a: &str| areas.iter().any(|x| x == a);
    name == "full" || needs(name) || ir.shared_features.get(name).is_some_and(|s| s.iter().all(|a| needs(a)))
}

/// `#[cfg(…)]` for what the facade takes from part `p`: present only when a feature turns it on.
fn part_cfg(p: &Part) -> TokenStream {
    match &p.only_for {
        None => quote!(),
        Some(areas) => {
            let mut all = areas.clone();
            all.push("full".into());
            super::cfg_attr(Some(&all))
        }
    }
}

fn facade_lib(ir: &Ir, settings: &CrateSettings, namespaces: &BTreeMap<usize, Vec<String>>) -> TokenStream {
    let layout = &ir.layout;
    let ns_list = ir.namespaces.join(", ");
    let parts: Vec<String> = layout.parts.iter().map(|p| format!("`{}` ({})", p.package, p.about)).collect();
    let doc = inner_doc_attr(&format!(
        "Typed models and request builders for Microsoft Graph ({ns_list}).\n\n\
         Models live in one module per namespace; request builders start at the functions below \
         and mirror the URL. Every request is a value (`graph_runtime::Request`) that turns into an \
         `http::Request` before any I/O.\n\n\
         The code is in {} crates that `cargo` checks in parallel, all re-exported here under \
         these paths: {}.",
        layout.parts.len(),
        parts.join(", ")
    ));
    let deny = settings.deny_warnings.then(|| quote!(#![deny(warnings)]));
    let req = super::models::part_root(&layout.parts[layout.requests]);
    let ops = super::models::part_root(&layout.parts[layout.operations]);
    // Namespace module → the parts that have it.
    let mut by_ns: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    for (i, list) in namespaces {
        let root = super::models::part_root(&layout.parts[*i]);
        let cfg = part_cfg(&layout.parts[*i]);
        for ns in list {
            let m = format_ident!("{}", ns);
            by_ns.entry(ns.as_str()).or_default().push(quote!(#cfg pub use #root::#m::*;));
        }
    }
    let mods: Vec<TokenStream> = by_ns
        .iter()
        .map(|(ns, uses)| {
            let m = format_ident!("{}", ns);
            // A part's module may have nothing in it for the features on.
            quote!(#[allow(unused_imports)] pub mod #m { #(#uses)* })
        })
        .collect();
    quote! {
        #doc
        #deny
        // The entry points; none with no area on.
        #[allow(unused_imports)]
        pub use #req::*;
        pub use #ops::{index, lookup, operations};
        pub use graph_runtime;
        #(#mods)*
    }
}
