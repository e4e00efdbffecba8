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
    /// Any error stops the run (always so for the project's own `schema/docs`). Otherwise a
    /// page whose facts cannot be used is skipped with its diagnostics, and the rest goes on.
    pub strict: bool,
    /// Emit the crate files (`report` needs only the IR).
    pub skip_emit: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub read: usize,
    pub resource: usize,
    pub api: usize,
    pub r#enum: usize,
    pub other: usize,
    pub tolerant: usize,
    /// Pages whose facts could not be used (see [`Output::skipped`]).
    pub skipped: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Output {
    pub pages: Vec<Page>,
    /// Facts of every API page read (also of the skipped ones: `report` checks their examples).
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
    /// Pages skipped (non-strict runs): page path → the first error that made it unusable.
    pub skipped: BTreeMap<String, String>,
    /// Permissions figures (from the docs' tables alone when no permissions data was given).
    pub permissions: permissions::Figures,
    /// Wall time of each phase, in order (for `cargo xtask bench`; never part of any output).
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

/// Wall time per phase: each `lap` closes the phase that ran since the previous one.
struct Phases {
    last: std::time::Instant,
    done: Vec<(&'static str, std::time::Duration)>,
}

impl Phases {
    fn start() -> Self {
        Phases { last: std::time::Instant::now(), done: Vec::new() }
    }
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.done.push((name, now - self.last));
        self.last = now;
    }
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

/// The external schema: the built-in `microsoft.graph` slice, overridden by real metadata.
pub fn external_schema(real: Option<&Schema>, diags: &mut Diagnostics) -> Schema {
    let (mut builtin, ds) = csdl::yaml::read(BUILTIN_GRAPH_FILE, BUILTIN_GRAPH_YAML);
    diags.extend(ds);
    for ns in builtin.namespaces.values_mut() {
        ns.external = true;
    }
    match real {
        Some(real) => {
            // Real metadata has its own container: the slice adds types only.
            if real.container().is_some() {
                for ns in builtin.namespaces.values_mut() {
                    ns.container = None;
                }
            }
            let mut real = real.clone();
            real.merge(builtin);
            real
        }
        None => builtin,
    }
}

/// Figures of the permissions pass: its own, or from the IR alone without the data.
fn permission_figures(pass: Option<(Vec<Diagnostic>, permissions::Figures)>, ir: &Ir, diags: &mut Diagnostics) -> permissions::Figures {
    match pass {
        Some((ds, figures)) => {
            diags.extend(ds);
            figures
        }
        None => {
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

/// Runs read → extract → derive → (YAML round trip) → merge with the metadata → lower → emit.
pub fn run(input: &Input) -> Output {
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

/// What the pages say, before it meets the metadata.
struct DocFacts {
    schema: Schema,
    apis: Vec<ApiFacts>,
    diagnostics: Vec<Diagnostic>,
}

fn doc_facts(pages: &[&Page], namespaces: &[String], known: &Schema, label: &str) -> DocFacts {
    let mut diags = Vec::new();
    let derived = derive::derive_refs(pages, namespaces, known);
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
    let mut full = schema.clone();
    full.merge(known.clone());
    let resolve_binding = |parent: &str| -> Option<csdl::TypeRef> { paths::resolve(&full, parent).ok().map(|r| r.target().ty.clone()) };
    derive::derive_actions(&apis, &mut schema, &resolve_binding);
    DocFacts { schema, apis, diagnostics: diags }
}

/// [`run`] with a base schema (e.g. the project's `schema/*.csdl.yaml`) under the types the
/// docs tree derives: what the tree's pages say wins, what they lack comes from `base` (see
/// [`fill_from_base`]). Used by `cargo xtask report` on trees that hold only some pages. The
/// base is not used when real metadata is given: the metadata is the authority then.
pub fn run_with_base(input: &Input, base: Option<&Schema>) -> Output {
    // The permissions data is read on another thread while the pages and metadata are.
    let permissions = input.permissions.as_ref().map(|(f, t)| (f.as_str(), t.as_str()));
    std::thread::scope(|scope| {
        let data = permissions.map(|(file, text)| permissions::Reading::start(scope, file, text));
        run_reading(input, base, data)
    })
}

/// [`run_with_base`], with the permissions data being read meanwhile.
fn run_reading(input: &Input, base: Option<&Schema>, data: Option<permissions::Reading>) -> Output {
    let label = input.docs_label.as_str();
    let mut phases = Phases::start();
    let mut diags = Diagnostics::default();
    let pages = read_pages(&input.docs, label, &mut diags);
    let mut counts = count_pages(&pages);
    phases.lap("read pages");
    // Real metadata, when given, is read once; it is the authority for types and operations.
    let real: Option<Schema> = input.csdl_xml.as_ref().map(|(file, text)| {
        let (s, ds) = csdl::xml::read(file, text);
        diags.extend(ds);
        s
    });
    phases.lap("read metadata");
    let base = if real.is_some() { None } else { base };
    let doc_namespaces: Vec<String> = if input.namespaces.is_empty() || real.is_some() {
        let mut v: Vec<String> = pages
            .iter()
            .filter(|p| matches!(p.kind, PageKind::Resource | PageKind::Api))
            .filter_map(|p| p.namespace.clone())
            .filter(|n| input.namespaces.is_empty() || input.namespaces.contains(n))
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        input.namespaces.clone()
    };
    let external = external_schema(real.as_ref(), &mut diags);
    let mut known = external.clone();
    if let Some(b) = base {
        // Names the tree's pages use but do not define may come from the base schema.
        known.merge(b.clone());
    }

    // Page isolation: a page with an error is left out and the facts are derived again
    // without it, until no used page has an error (strict runs keep every page).
    let mut skipped: BTreeMap<String, String> = BTreeMap::new();
    let read_errors: Vec<(String, &'static str)> =
        diags.items.iter().filter(|d| d.is_error()).map(|d| (d.origin.file.clone(), d.code)).collect();
    let page_of = |file: &str| file.strip_prefix(label).unwrap_or(file).to_string();
    if !input.strict {
        for (f, code) in &read_errors {
            skipped.entry(page_of(f)).or_insert_with(|| code.to_string());
        }
    }
    let mut skipped_diags: Vec<Diagnostic> = Vec::new();
    let facts = loop {
        let used: Vec<&Page> = pages.iter().filter(|p| !skipped.contains_key(&p.file)).collect();
        let facts = doc_facts(&used, &doc_namespaces, &known, label);
        if input.strict {
            break facts;
        }
        let bad: BTreeMap<String, &'static str> = facts
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (page_of(&d.origin.file), d.code))
            .filter(|(p, _)| pages.iter().any(|x| &x.file == p))
            .collect();
        if bad.is_empty() {
            break facts;
        }
        skipped_diags.extend(facts.diagnostics.into_iter().filter(|d| bad.contains_key(&page_of(&d.origin.file))));
        for (p, code) in bad {
            skipped.insert(p, code.to_string());
        }
    };
    diags.extend(skipped_diags);
    diags.extend(facts.diagnostics);
    let schema = facts.schema;
    let apis = facts.apis;
    phases.lap("derive (page isolation)");

    // Schema files, read back: what is lowered is exactly what is written.
    let mut schema_files = BTreeMap::new();
    let mut docs_schema = Schema::default();
    for ns in &doc_namespaces {
        let file = schema_file_name(ns);
        let text = csdl::yaml::write(&schema, &[ns.as_str()], &[]);
        let (back, ds) = csdl::yaml::read(&format!("schema/{file}"), &text);
        diags.extend(ds);
        docs_schema.merge(back);
        schema_files.insert(file, text);
    }
    // Keep the origins of the pages (better diagnostics) where the model is the same.
    docs_schema = restore_origins(docs_schema, &schema);
    phases.lap("YAML round trip");
    let borrowed = match base {
        Some(b) => fill_from_base(&mut docs_schema, b),
        None => Vec::new(),
    };
    let (lowered_schema, namespaces, authority) = match &real {
        None => {
            docs_schema.merge(external);
            (docs_schema, doc_namespaces.clone(), lower::Authority::Docs)
        }
        Some(real) => {
            // Every disagreement between the pages and the metadata is a diagnostic.
            let mut as_documented = docs_schema.clone();
            as_documented.merge(external.clone());
            // Without pages there is nothing to reconcile (every type would be "missing in docs").
            if !doc_namespaces.is_empty() {
                let ds = crate::reconcile::reconcile(&as_documented, real, &doc_namespaces, &apis);
                diags.extend(ds.into_iter().map(|d| relabel(d, label)));
            }
            let mut merged = external;
            crate::reconcile::overlay_docs(&mut merged, &docs_schema, &doc_namespaces);
            let mut namespaces: Vec<String> = if input.namespaces.is_empty() {
                merged.namespaces.iter().filter(|(_, n)| !n.external).map(|(k, _)| k.clone()).collect()
            } else {
                input.namespaces.clone()
            };
            namespaces.extend(doc_namespaces.iter().cloned());
            namespaces.sort();
            namespaces.dedup();
            (merged, namespaces, lower::Authority::Metadata)
        }
    };

    phases.lap("reconcile + merge");
    let mut pd = Diagnostics::default();
    let data = data.and_then(|r| r.finish().map_err(|d| pd.push(d)).ok());
    // The data's routes (resolved first) add the complex properties they address to the
    // builders; then they are matched to the lowered IR.
    let (mut lowered, pass) = permissions::lower_and_attach(&lowered_schema, data.as_ref(), |routes| {
        lower::lower_with(&lowered_schema, &namespaces, &apis, authority, routes)
    });
    diags.extend(lowered.diagnostics.drain(..).map(|d| relabel(d, label)));
    phases.lap("lower + permissions");
    let permission_figures = permission_figures(pass, &lowered.ir, &mut pd);
    diags.extend(pd.items.into_iter().map(|d| relabel(d, label)));
    // Documented request lines whose page has nothing usable left count the page as skipped.
    if !input.strict {
        for d in diags.items.iter().filter(|d| d.is_error()) {
            let p = page_of(&d.origin.file);
            if apis.iter().any(|a| a.file == p) {
                skipped.entry(p).or_insert_with(|| d.code.to_string());
            }
        }
        let used_any: std::collections::BTreeSet<&str> = lowered.used_pages.iter().map(String::as_str).collect();
        skipped.retain(|p, _| !used_any.contains(p.as_str()));
    }
    counts.skipped = skipped.len();
    // Only what is emitted needs it (`report` checks every example itself).
    if !input.skip_emit {
        exclude_flagged_examples(&mut lowered.ir, &lowered_schema, &apis, &borrowed, label);
    }
    phases.lap("check examples");
    // The report checks the examples of every API page, skipped or not.
    let mut all_apis = apis.clone();
    for p in pages.iter().filter(|p| p.kind == PageKind::Api && skipped.contains_key(&p.file)) {
        if p.namespace.as_ref().is_some_and(|n| !doc_namespaces.contains(n)) || all_apis.iter().any(|a| a.file == p.file) {
            continue;
        }
        all_apis.push(extract::api(p).0);
    }
    all_apis.sort_by(|a, b| a.file.cmp(&b.file));
    let mut paths_set = std::collections::BTreeSet::new();
    for a in &apis {
        for l in &a.http_lines {
            paths_set.insert(format!("{} {}", l.method, l.path));
        }
    }
    phases.lap("report facts");
    let files = if input.skip_emit {
        BTreeMap::new()
    } else {
        crate::ir::lower::assign_crates(&mut lowered.ir, &input.settings.package, input.settings.split);
        match emit::emit_crate(&lowered.ir, &input.settings) {
            Ok(f) => f,
            Err(e) => {
                diags.push(Diagnostic::error("emit-failed", Origin::file("generated"), e));
                BTreeMap::new()
            }
        }
    };
    phases.lap("emit + format");
    let endpoints = match authority {
        lower::Authority::Docs => lowered.paths_resolved,
        lower::Authority::Metadata => lowered.ir.builders.values().map(|b| b.operations.len()).sum(),
    };
    Output {
        pages,
        apis: all_apis,
        counts,
        namespaces,
        schema: lowered_schema,
        schema_files,
        ir: lowered.ir,
        files,
        diagnostics: diags.sorted(),
        endpoints,
        paths: paths_set.len(),
        borrowed,
        skipped,
        permissions: permission_figures,
        phases: phases.done,
    }
}

/// Examples the checks flag with an error (a doc error: wrong wrapper, unknown property, a
/// value not of its type, …) would be failing tests. They are not replayed; each is listed,
/// with its file, line and the first code, in the generated example file.
fn exclude_flagged_examples(ir: &mut Ir, schema: &Schema, apis: &[ApiFacts], borrowed: &[(String, String)], label: &str) {
    if ir.examples.is_empty() {
        return;
    }
    let checked = crate::check::check(schema, ir, apis, borrowed, label);
    let errors: Vec<(String, u32, &'static str)> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.origin.file.strip_prefix(label).unwrap_or(&d.origin.file).to_string(), d.origin.line, d.code))
        .collect();
    let mut kept = Vec::new();
    for ex in std::mem::take(&mut ir.examples) {
        let hit = errors.iter().find(|(f, l, _)| {
            *f == ex.file && (ex.lines.0..=ex.lines.1).contains(l)
        });
        match hit {
            Some((_, _, code)) => ir.excluded_examples.push(crate::ir::ExcludedExample { file: ex.file.clone(), line: ex.line, code: code.to_string() }),
            None => kept.push(ex),
        }
    }
    ir.examples = kept;
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
