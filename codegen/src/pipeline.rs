//! The whole job as one pure function: docs (+ optional CSDL) in, derived schema files and
//! generated crate files out, with diagnostics and figures. `xtask` only loads and writes.

use crate::csdl::{self, Schema};
use crate::derive;
use crate::diag::{Diagnostic, Diagnostics, Origin};
use crate::docs::{self, DocTree, Page, PageKind};
use crate::emit::{self, CrateSettings};
use crate::extract::{self, ApiFacts};
use crate::ir::lower;
use crate::ir::Ir;
use crate::paths;
use crate::permissions;
use std::collections::BTreeMap;

/// The built-in slice of `microsoft.graph` that namespace pages refer to (see the file).
pub const BUILTIN_GRAPH_YAML: &str = include_str!("builtin/microsoft.graph.csdl.yaml");
pub const BUILTIN_GRAPH_FILE: &str = "codegen/src/builtin/microsoft.graph.csdl.yaml";

#[derive(Debug, Clone, Default)]
pub struct Input {
    pub docs: DocTree,
    /// Display prefix for doc paths in diagnostics (`schema/docs/`).
    pub docs_label: String,
    /// Real CSDL XML: (display path, text).
    pub csdl_xml: Option<(String, String)>,
    /// Microsoft's permissions data (`permissions.json`): (display path, text).
    pub permissions: Option<(String, String)>,
    /// Namespaces to generate; empty = every namespace the resource pages name.
    pub namespaces: Vec<String>,
    pub settings: CrateSettings,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub read: usize,
    pub resource: usize,
    pub api: usize,
    pub r#enum: usize,
    pub other: usize,
    pub tolerant: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Output {
    pub pages: Vec<Page>,
    pub apis: Vec<ApiFacts>,
    pub counts: PageCounts,
    pub namespaces: Vec<String>,
    /// The schema used for lowering (generated namespaces + what they refer to).
    pub schema: Schema,
    /// `schema/<ns>.csdl.yaml` files: file name → contents.
    pub schema_files: BTreeMap<String, String>,
    pub ir: Ir,
    /// Generated crate: path → contents.
    pub files: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Documented request lines that resolved to an operation.
    pub endpoints: usize,
    /// Distinct documented path templates.
    pub paths: usize,
    /// Properties (type qname, property name) that the docs tree's own resource pages lack and
    /// that were taken from the base schema ([`run_with_base`]); empty without a base schema.
    pub borrowed: Vec<(String, String)>,
    /// Permissions figures (from the docs' tables alone when no permissions data was given).
    pub permissions: permissions::Figures,
}

/// File name of the derived schema of a namespace: `cloudLicensing.csdl.yaml`.
pub fn schema_file_name(ns: &str) -> String {
    format!("{}.csdl.yaml", ns.strip_prefix("microsoft.graph.").unwrap_or(ns))
}

/// Reads every page of the tree (sorted by path, so input order never matters).
pub fn read_pages(tree: &DocTree, label: &str, diags: &mut Diagnostics) -> Vec<Page> {
    let mut pages = Vec::new();
    for path in tree.page_paths() {
        let text = &tree.files[path];
        let (mut page, ds) = docs::read_page(tree, path, text);
        for mut d in ds {
            d.origin.file = format!("{label}{}", d.origin.file);
            diags.push(d);
        }
        page.file = path.to_string();
        pages.push(page);
    }
    pages
}

pub fn count_pages(pages: &[Page]) -> PageCounts {
    let mut c = PageCounts { read: pages.len(), ..Default::default() };
    for p in pages {
        match p.kind {
            PageKind::Resource => c.resource += 1,
            PageKind::Api => c.api += 1,
            PageKind::Enum => c.r#enum += 1,
            PageKind::Other => c.other += 1,
        }
        if p.tolerant {
            c.tolerant += 1;
        }
    }
    c
}

/// The external schema: the built-in `microsoft.graph` slice, overridden by real CSDL.
pub fn external_schema(input: &Input, diags: &mut Diagnostics) -> Schema {
    let (mut builtin, ds) = csdl::yaml::read(BUILTIN_GRAPH_FILE, BUILTIN_GRAPH_YAML);
    diags.extend(ds);
    for ns in builtin.namespaces.values_mut() {
        ns.external = true;
    }
    match &input.csdl_xml {
        Some((file, text)) => {
            let (mut real, ds) = csdl::xml::read(file, text);
            diags.extend(ds);
            real.merge(builtin);
            real
        }
        None => builtin,
    }
}

/// The permissions pass (see [`permissions::attach`]) over a lowered IR, when the input
/// has permissions data; figures from the IR alone otherwise.
fn apply_permissions(input: &Input, schema: &Schema, ir: &mut Ir, diags: &mut Diagnostics) -> permissions::Figures {
    let Some((file, text)) = &input.permissions else {
        let (operations, with_permissions) = permissions::coverage(ir);
        return permissions::Figures { operations, with_permissions, ..Default::default() };
    };
    match permissions::read(file, text) {
        Ok(data) => {
            let (ds, figures) = permissions::attach(schema, ir, &data);
            diags.extend(ds);
            figures
        }
        Err(d) => {
            diags.push(d);
            let (operations, with_permissions) = permissions::coverage(ir);
            permissions::Figures { operations, with_permissions, ..Default::default() }
        }
    }
}

fn relabel(mut d: Diagnostic, label: &str) -> Diagnostic {
    let f = &d.origin.file;
    if !f.starts_with(label) && !f.ends_with(".yaml") && !f.ends_with(".xml") && !f.ends_with(".json") {
        d.origin.file = format!("{label}{}", d.origin.file);
    }
    d
}

/// Runs read → extract → derive → (YAML round trip) → lower → emit.
pub fn run(input: &Input) -> Output {
    if input.docs.files.is_empty() && input.csdl_xml.is_some() {
        return run_csdl_only(input);
    }
    run_with_base(input, None)
}

/// Fills `schema` from `base`: types, operations and container children `schema` lacks are
/// added; structured types both have keep their own properties and gain the ones only `base`
/// has. Returns those borrowed properties as (type qname, property name).
pub fn fill_from_base(schema: &mut Schema, base: &Schema) -> Vec<(String, String)> {
    let mut borrowed = Vec::new();
    for (n, bns) in &base.namespaces {
        let Some(ns) = schema.namespaces.get_mut(n) else { continue };
        for (t, bdef) in &bns.types {
            if let (Some(csdl::TypeDef::Structured(mine)), csdl::TypeDef::Structured(theirs)) = (ns.types.get_mut(t), bdef) {
                for p in &theirs.properties {
                    if mine.property(&p.name).is_none() {
                        mine.properties.push(p.clone());
                        borrowed.push((format!("{n}.{t}"), p.name.clone()));
                    }
                }
            }
        }
    }
    schema.merge(base.clone());
    borrowed
}

/// [`run`] with a base schema (e.g. the project's `schema/*.csdl.yaml`) under the types the
/// docs tree derives: what the tree's pages say wins, what they lack comes from `base` (see
/// [`fill_from_base`]). Used by `cargo xtask report` on trees that hold only some pages.
pub fn run_with_base(input: &Input, base: Option<&Schema>) -> Output {
    let label = input.docs_label.as_str();
    let mut diags = Diagnostics::default();
    let pages = read_pages(&input.docs, label, &mut diags);
    let counts = count_pages(&pages);
    let namespaces: Vec<String> = if input.namespaces.is_empty() {
        let mut v: Vec<String> = pages
            .iter()
            .filter(|p| matches!(p.kind, PageKind::Resource | PageKind::Api))
            .filter_map(|p| p.namespace.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        input.namespaces.clone()
    };
    let external = external_schema(input, &mut diags);
    let derived = match base {
        // Names the tree's pages use but do not define may come from the base schema.
        Some(b) => {
            let mut known = external.clone();
            known.merge(b.clone());
            derive::derive(&pages, &namespaces, &known)
        }
        None => derive::derive(&pages, &namespaces, &external),
    };
    diags.extend(derived.diagnostics.into_iter().map(|d| relabel(d, label)));
    let mut schema = derived.schema;

    let mut apis = Vec::new();
    for p in pages.iter().filter(|p| p.kind == PageKind::Api) {
        if p.namespace.as_ref().is_some_and(|n| !namespaces.contains(n)) {
            continue;
        }
        let (facts, ds) = extract::api(p);
        diags.extend(ds.into_iter().map(|d| relabel(d, label)));
        apis.push(facts);
    }
    // Bound actions named by API pages.
    {
        let mut full = schema.clone();
        if let Some(b) = base {
            full.merge(b.clone());
        }
        full.merge(external.clone());
        let resolve_binding = |parent: &str| -> Option<csdl::TypeRef> {
            paths::resolve(&full, parent).ok().map(|r| r.target().ty.clone())
        };
        derive::derive_actions(&apis, &mut schema, &resolve_binding);
    }

    // Schema files, read back: what is lowered is exactly what is written.
    let mut schema_files = BTreeMap::new();
    let mut lowered_schema = Schema::default();
    for ns in &namespaces {
        let file = schema_file_name(ns);
        let text = csdl::yaml::write(&schema, &[ns.as_str()], &[]);
        let (back, ds) = csdl::yaml::read(&format!("schema/{file}"), &text);
        diags.extend(ds);
        lowered_schema.merge(back);
        schema_files.insert(file, text);
    }
    // Keep the origins of the pages (better diagnostics) where the model is the same.
    lowered_schema = restore_origins(lowered_schema, &schema);
    let borrowed = match base {
        Some(b) => fill_from_base(&mut lowered_schema, b),
        None => Vec::new(),
    };
    lowered_schema.merge(external);

    let mut lowered = lower::lower(&lowered_schema, &namespaces, &apis);
    diags.extend(lowered.diagnostics.drain(..).map(|d| relabel(d, label)));
    let mut pd = Diagnostics::default();
    let permission_figures = apply_permissions(input, &lowered_schema, &mut lowered.ir, &mut pd);
    diags.extend(pd.items.into_iter().map(|d| relabel(d, label)));
    let mut paths_set = std::collections::BTreeSet::new();
    for a in &apis {
        for l in &a.http_lines {
            paths_set.insert(format!("{} {}", l.method, l.path));
        }
    }
    let files = match emit::emit_crate(&lowered.ir, &input.settings) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error("emit-failed", Origin::file("generated"), e));
            BTreeMap::new()
        }
    };
    Output {
        pages,
        apis,
        counts,
        namespaces,
        schema: lowered_schema,
        schema_files,
        ir: lowered.ir,
        files,
        diagnostics: diags.sorted(),
        endpoints: lowered.paths_resolved,
        paths: paths_set.len(),
        borrowed,
        permissions: permission_figures,
    }
}

fn restore_origins(mut read_back: Schema, derived: &Schema) -> Schema {
    for (n, ns) in read_back.namespaces.iter_mut() {
        let Some(dns) = derived.namespaces.get(n) else { continue };
        for (t, def) in ns.types.iter_mut() {
            let Some(d) = dns.types.get(t) else { continue };
            match (def, d) {
                (csdl::TypeDef::Structured(a), csdl::TypeDef::Structured(b)) => {
                    a.origin = b.origin.clone();
                    for p in a.properties.iter_mut() {
                        if let Some(q) = b.property(&p.name) {
                            p.origin = q.origin.clone();
                        }
                    }
                }
                (csdl::TypeDef::Enum(a), csdl::TypeDef::Enum(b)) => a.origin = b.origin.clone(),
                _ => {}
            }
        }
    }
    read_back
}

/// CSDL only (no docs pages): every namespace of the metadata (or the ones asked for) is
/// generated; operations come from the entity container and bound actions/functions.
pub fn run_csdl_only(input: &Input) -> Output {
    let mut diags = Diagnostics::default();
    let Some((file, text)) = &input.csdl_xml else { return Output::default() };
    let (schema, ds) = csdl::xml::read(file, text);
    diags.extend(ds);
    let namespaces: Vec<String> =
        if input.namespaces.is_empty() { schema.namespaces.keys().cloned().collect() } else { input.namespaces.clone() };
    let mut lowered = lower::lower_csdl(&schema, &namespaces);
    diags.extend(lowered.diagnostics.drain(..));
    let permission_figures = apply_permissions(input, &schema, &mut lowered.ir, &mut diags);
    let files = match emit::emit_crate(&lowered.ir, &input.settings) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error("emit-failed", Origin::file("generated"), e));
            BTreeMap::new()
        }
    };
    let endpoints = lowered.ir.builders.values().map(|b| b.operations.len()).sum();
    Output {
        namespaces,
        schema,
        ir: lowered.ir,
        files,
        diagnostics: diags.sorted(),
        endpoints,
        permissions: permission_figures,
        ..Default::default()
    }
}
