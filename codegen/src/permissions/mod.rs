//! Permissions from Microsoft's permissions data, attached to the IR's operations after
//! lowering: one named pass ([`attach`]), the same whatever the inputs (docs only, CSDL only,
//! or both).
//!
//! - [`reader`]: the file → one table per (method, path template) and scheme;
//! - [`matching`]: each route → the operation it calls, by the shared path resolver;
//! - [`reconcile`]: the docs' tables against the data (the data wins; see there);
//! - [`derive`]: permissions Graph defines by rule for routes the data does not list
//!   (`…/$count` as its list), marked as derived.

pub mod derive;
pub mod matching;
pub mod reader;
pub mod reconcile;

use crate::csdl::Schema;
use crate::diag::Diagnostic;
use crate::extract::PermissionFacts;
use crate::ir::Ir;
pub use matching::{Category, Resolutions};
pub use reader::{read, PermissionData};
use graph_runtime::permissions::normalize_template;
use std::collections::BTreeMap;

/// The report's `permissions` figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Operations generated, and those with permissions (from any source) on some path.
    pub operations: usize,
    pub with_permissions: usize,
    /// Operations with permissions stated for at least one of their paths (docs or data), and
    /// those whose permissions are all derived by a rule ([`derive`]).
    pub with_stated_permissions: usize,
    pub with_derived_permissions_only: usize,
    /// Templates whose permissions a rule derived.
    pub derived_paths: usize,
    /// Distinct normalised path templates of the data, and those with a matched route.
    pub paths_in_data: usize,
    pub paths_matched: usize,
    /// (method, path) routes of the data, and those matched.
    pub routes_in_data: usize,
    pub routes_matched: usize,
    /// Templates added by the `/me` ↔ `/users/{id}` fallback.
    pub mirrored: usize,
    /// Routes read as reference operations (the data writes them without `/$ref`).
    pub references: usize,
    /// Routes read as content uploads (the data's `PUT` on a media entity without `/$value`).
    pub content_uploads: usize,
    /// Differences between the docs' tables and the data (see [`reconcile::DISAGREEMENTS`]).
    pub disagreements: usize,
    /// Unmatched routes by category: `METHOD template` each.
    pub unmatched: BTreeMap<Category, Vec<String>>,
    /// Operations without permissions: `METHOD template` of their first path.
    pub without: Vec<String>,
    /// Operations without permissions by kind (`list`, `count`, `action`, …).
    pub without_by_kind: BTreeMap<String, usize>,
    /// Operations without permissions by what the data says about their paths (see
    /// [`without_by_reason`]).
    pub without_by_reason: BTreeMap<&'static str, usize>,
}

/// Operations, and those with permissions on at least one path.
pub fn coverage(ir: &Ir) -> (usize, usize) {
    let with = ir.operations.values().filter(|o| o.paths.iter().any(|(_, p)| p.is_some())).count();
    (ir.operations.len(), with)
}

/// Operations with stated permissions on some path, and those whose permissions are all
/// derived.
pub fn stated_and_derived(ir: &Ir) -> (usize, usize) {
    let (mut stated, mut derived) = (0, 0);
    for o in ir.operations.values() {
        let with: Vec<&PermissionFacts> = o.paths.iter().filter_map(|(_, p)| p.as_ref()).collect();
        if with.iter().any(|p| p.derived_from.is_none()) {
            stated += 1;
        } else if !with.is_empty() {
            derived += 1;
        }
    }
    (stated, derived)
}

/// Operations without permissions, by the kind of their builder method.
pub fn without_by_kind(ir: &Ir) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for b in ir.builders.values() {
        for m in &b.operations {
            let Some(o) = ir.operations.get(&m.operation_const) else { continue };
            if !o.paths.iter().any(|(_, p)| p.is_some()) {
                *out.entry(format!("{:?}", m.kind).to_ascii_lowercase()).or_default() += 1;
            }
        }
    }
    out
}

/// Operations without permissions by what the data has for their paths:
/// `data-lists-other-methods` (a path of the operation is in the data, for other methods
/// only: the metadata offers a method Graph does not list), `count-of-unlisted-collection`
/// (a `$count` whose list has no permissions either), `not-in-data`.
pub fn without_by_reason(ir: &Ir, data: &PermissionData) -> BTreeMap<&'static str, usize> {
    let listed = data.paths();
    let mut out = BTreeMap::new();
    for o in ir.operations.values().filter(|o| !o.paths.iter().any(|(_, p)| p.is_some())) {
        let keys: Vec<String> = o.paths.iter().map(|(t, _)| normalize_template(t)).collect();
        let reason = if keys.iter().any(|k| listed.contains(k.as_str())) {
            "data-lists-other-methods"
        } else if keys.iter().all(|k| k.ends_with("/$count")) && !keys.is_empty() {
            "count-of-unlisted-collection"
        } else {
            "not-in-data"
        };
        *out.entry(reason).or_default() += 1;
    }
    out
}

/// `METHOD template` (first path) of each operation without permissions.
pub fn without_permissions(ir: &Ir) -> Vec<String> {
    ir.operations
        .values()
        .filter(|o| !o.paths.iter().any(|(_, p)| p.is_some()))
        .map(|o| format!("{} {}", o.method, o.paths.first().map(|(t, _)| t.as_str()).unwrap_or("")))
        .collect()
}

/// The pass: reconciles the docs' tables with `data`, then gives every operation the data's
/// permissions for each of its routes (the data wins where both speak). Returns the
/// reconciliation diagnostics and the figures.
pub fn attach(schema: &Schema, ir: &mut Ir, data: &PermissionData) -> (Vec<Diagnostic>, Figures) {
    attach_resolved(ir, data, matching::resolve_routes(schema, data))
}

/// The data being read on another thread of a scope (reading needs nothing else, so it runs
/// while the pages and the metadata are read).
pub struct Reading<'scope> {
    file: &'scope str,
    handle: std::thread::ScopedJoinHandle<'scope, Result<PermissionData, Diagnostic>>,
}

impl<'scope> Reading<'scope> {
    pub fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, file: &'scope str, text: &'scope str) -> Self {
        Reading { file, handle: scope.spawn(move || read(file, text)) }
    }

    /// What [`read`] gives.
    pub fn finish(self) -> Result<PermissionData, Diagnostic> {
        let file = self.file;
        self.handle.join().unwrap_or_else(|_| {
            Err(Diagnostic::error(reader::DATA_INVALID, crate::diag::Origin::file(file.to_string()), "reading stopped on this data".to_string()))
        })
    }
}

/// Lowering (`lower`, given the resolved routes of the data) and the permissions pass around
/// it: the data's routes are resolved first, since the complex properties they address get
/// builders ([`crate::ir::lower::lower_with`]); then they are matched to the lowered IR. The
/// results are those of lowering with the routes and then [`attach`].
pub fn lower_and_attach(
    schema: &Schema,
    data: Option<&PermissionData>,
    lower: impl FnOnce(&[&crate::paths::Resolved]) -> crate::ir::lower::Lowered,
) -> (crate::ir::lower::Lowered, Option<(Vec<Diagnostic>, Figures)>) {
    let Some(data) = data else { return (lower(&[]), None) };
    let resolved = matching::resolve_routes(schema, data);
    let mut lowered = lower(&resolved.paths());
    let pass = attach_resolved(&mut lowered.ir, data, resolved);
    (lowered, Some(pass))
}

/// [`attach`] with the routes already resolved.
pub fn attach_resolved(ir: &mut Ir, data: &PermissionData, resolved: Resolutions) -> (Vec<Diagnostic>, Figures) {
    let mut diags = Vec::new();
    // The docs' tables against the data, path by path; `decided` is what each such path gets.
    let mut decided: BTreeMap<(String, String), PermissionFacts> = BTreeMap::new();
    for (c, op) in &ir.operations {
        for (template, docs) in &op.paths {
            let Some(docs) = docs else { continue };
            let route = format!("{} {template}", op.method);
            match matching::route(data, &op.method, template) {
                Some(r) => {
                    let (facts, ds) = reconcile::decide(&route, docs, r, data);
                    diags.extend(ds);
                    decided.insert((c.clone(), normalize_template(template)), facts);
                }
                None => diags.push(reconcile::not_in_data(&route, docs, data)),
            }
        }
    }
    let m = matching::match_resolved(resolved, ir, data);
    for (c, entries) in m.by_operation {
        let Some(op) = ir.operations.get_mut(&c) else { continue };
        // Each template of the operation normalised once (entries can add many).
        let mut keys: Vec<String> = op.paths.iter().map(|(t, _)| normalize_template(t)).collect();
        for (template, facts, mirrored) in entries {
            let key = normalize_template(&template);
            match keys.iter().position(|k| *k == key).map(|i| &mut op.paths[i].1) {
                Some(p) if mirrored => {
                    if p.is_none() {
                        *p = Some(facts);
                    }
                }
                Some(p) => *p = Some(decided.remove(&(c.clone(), key)).unwrap_or(facts)),
                None => {
                    op.paths.push((template, Some(facts)));
                    keys.push(key);
                }
            }
        }
    }
    // Documented paths the data lists under an operation the matching did not reach keep
    // the decision too.
    for ((c, key), facts) in decided {
        if let Some(op) = ir.operations.get_mut(&c) {
            if let Some((_, p)) = op.paths.iter_mut().find(|(t, _)| normalize_template(t) == key) {
                *p = Some(facts);
            }
        }
    }
    let derived_paths = derive::derive(ir);
    let (operations, with_permissions) = coverage(ir);
    let (with_stated_permissions, with_derived_permissions_only) = stated_and_derived(ir);
    let matched_paths: std::collections::BTreeSet<&str> = m.matched.iter().map(|(_, p)| p.as_str()).collect();
    let figures = Figures {
        operations,
        with_permissions,
        with_stated_permissions,
        with_derived_permissions_only,
        derived_paths,
        paths_in_data: data.paths().len(),
        paths_matched: matched_paths.len(),
        routes_in_data: data.routes.len(),
        routes_matched: m.matched.len(),
        mirrored: m.mirrored,
        references: m.references,
        content_uploads: m.content_uploads,
        disagreements: diags.iter().filter(|d| reconcile::DISAGREEMENTS.contains(&d.code)).count(),
        unmatched: m.unmatched,
        without: without_permissions(ir),
        without_by_kind: without_by_kind(ir),
        without_by_reason: without_by_reason(ir, data),
    };
    (diags, figures)
}
