//! Reconciliation: the schema derived from the docs against real CSDL metadata. Every fact the
//! two disagree on is one diagnostic with a stable code, placed on the docs side (file:line of
//! the resource or API page) or on the CSDL side when the fact only exists there.
//!
//! Pure: schemas and API facts in, diagnostics out. Codes:
//! - `reconcile-type-missing-in-csdl` / `reconcile-type-missing-in-docs`
//! - `reconcile-type-kind` (entity vs complex vs enum), `reconcile-base-type`
//! - `reconcile-property-missing-in-csdl` / `reconcile-property-missing-in-docs`
//! - `reconcile-navigation-missing` (a navigation property one side has and the other lacks,
//!   or has as a structural property)
//! - `reconcile-property-type`, `reconcile-collection`, `reconcile-nullability`
//! - `reconcile-flags`, `reconcile-enum-member`
//! - `reconcile-path-unreachable`: a documented request path that the CSDL container does not
//!   reach.
//!
//! Which types count as documented: a type of `docs_schema` whose origin is the very origin
//! of the same type in `csdl` came from the CSDL (the pipeline merges the real metadata in
//! for referenced types), so it is not counted as documented. Diagnostics on API pages carry
//! the page path as given in [`ApiFacts::file`]; callers add their display prefix.

use crate::csdl::{Property, Schema, StructuredKind, TypeDef};
use crate::diag::{Diagnostic, Origin};
use crate::extract::ApiFacts;
use crate::paths;
use std::collections::BTreeSet;

pub const TYPE_MISSING_IN_CSDL: &str = "reconcile-type-missing-in-csdl";
pub const TYPE_MISSING_IN_DOCS: &str = "reconcile-type-missing-in-docs";
pub const TYPE_KIND: &str = "reconcile-type-kind";
pub const BASE_TYPE: &str = "reconcile-base-type";
pub const PROPERTY_MISSING_IN_CSDL: &str = "reconcile-property-missing-in-csdl";
pub const PROPERTY_MISSING_IN_DOCS: &str = "reconcile-property-missing-in-docs";
pub const NAVIGATION_MISSING: &str = "reconcile-navigation-missing";
pub const PROPERTY_TYPE: &str = "reconcile-property-type";
pub const COLLECTION: &str = "reconcile-collection";
pub const NULLABILITY: &str = "reconcile-nullability";
pub const FLAGS: &str = "reconcile-flags";
pub const ENUM_MEMBER: &str = "reconcile-enum-member";
pub const PATH_UNREACHABLE: &str = "reconcile-path-unreachable";

fn kind_name(t: &TypeDef) -> &'static str {
    match t {
        TypeDef::Structured(s) if s.kind == StructuredKind::Entity => "entity type",
        TypeDef::Structured(_) => "complex type",
        TypeDef::Enum(_) => "enum type",
        TypeDef::Definition(_) => "type definition",
    }
}

/// True when `docs_def` is really the CSDL's definition merged into the docs schema.
fn from_csdl(docs_def: &TypeDef, csdl_def: Option<&TypeDef>) -> bool {
    csdl_def.is_some_and(|c| {
        let (a, b) = (docs_def.origin(), c.origin());
        !a.file.is_empty() && a == b
    })
}

fn ty_text(p: &Property) -> String {
    if p.ty.collection {
        format!("Collection({})", p.ty.name)
    } else {
        p.ty.name.clone()
    }
}

/// Compares `docs_schema` (derived from pages) with `csdl` (real metadata) over `namespaces`
/// (empty: every non-external namespace of `docs_schema`), and checks that every documented
/// request path of `apis` is reachable from the CSDL container.
pub fn reconcile(docs_schema: &Schema, csdl: &Schema, namespaces: &[String], apis: &[ApiFacts]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let namespaces: Vec<String> = if namespaces.is_empty() {
        docs_schema.namespaces.iter().filter(|(_, n)| !n.external).map(|(k, _)| k.clone()).collect()
    } else {
        namespaces.to_vec()
    };
    for ns in &namespaces {
        let docs_ns = docs_schema.namespaces.get(ns);
        let csdl_ns = csdl.namespaces.get(ns);
        let mut names: BTreeSet<&String> = BTreeSet::new();
        if let Some(d) = docs_ns {
            names.extend(d.types.keys());
        }
        if let Some(c) = csdl_ns {
            names.extend(c.types.keys());
        }
        for name in names {
            let q = format!("{ns}.{name}");
            let c = csdl_ns.and_then(|n| n.types.get(name));
            let d = docs_ns.and_then(|n| n.types.get(name)).filter(|d| !from_csdl(d, c));
            match (d, c) {
                (Some(d), None) => out.push(Diagnostic::warning(
                    TYPE_MISSING_IN_CSDL,
                    d.origin().clone(),
                    format!("the docs define {} `{q}`; the CSDL does not", kind_name(d)),
                )),
                (None, Some(c)) => out.push(Diagnostic::warning(
                    TYPE_MISSING_IN_DOCS,
                    c.origin().clone(),
                    format!("the CSDL defines {} `{q}`; the docs do not", kind_name(c)),
                )),
                (Some(d), Some(c)) => compare_type(&q, d, c, &mut out),
                (None, None) => {}
            }
        }
    }
    check_paths(csdl, apis, &mut out);
    out.sort_by(|a, b| (&a.origin, a.code, &a.message).cmp(&(&b.origin, b.code, &b.message)));
    out.dedup();
    out
}

fn compare_type(q: &str, d: &TypeDef, c: &TypeDef, out: &mut Vec<Diagnostic>) {
    if kind_name(d) != kind_name(c) {
        out.push(Diagnostic::warning(
            TYPE_KIND,
            d.origin().clone(),
            format!("`{q}`: {} in the docs, {} in the CSDL ({})", kind_name(d), kind_name(c), c.origin()),
        ));
    }
    match (d, c) {
        (TypeDef::Structured(d), TypeDef::Structured(c)) => {
            if d.base != c.base {
                out.push(Diagnostic::warning(
                    BASE_TYPE,
                    d.origin.clone(),
                    format!(
                        "base type of `{q}`: docs `{}`, CSDL `{}`",
                        d.base.as_deref().unwrap_or("none"),
                        c.base.as_deref().unwrap_or("none")
                    ),
                ));
            }
            for dp in &d.properties {
                match c.property(&dp.name) {
                    None if dp.is_navigation() => out.push(Diagnostic::warning(
                        NAVIGATION_MISSING,
                        dp.origin.clone(),
                        format!("navigation property `{}` of `{q}` is documented but not in the CSDL", dp.name),
                    )),
                    None => out.push(Diagnostic::warning(
                        PROPERTY_MISSING_IN_CSDL,
                        dp.origin.clone(),
                        format!("property `{}` of `{q}` is documented but not in the CSDL", dp.name),
                    )),
                    Some(cp) => compare_property(q, dp, cp, out),
                }
            }
            for cp in &c.properties {
                if d.property(&cp.name).is_some() {
                    continue;
                }
                let (code, what) = if cp.is_navigation() {
                    (NAVIGATION_MISSING, "navigation property")
                } else {
                    (PROPERTY_MISSING_IN_DOCS, "property")
                };
                out.push(Diagnostic::warning(
                    code,
                    cp.origin.clone(),
                    format!("{what} `{}` of `{q}` is in the CSDL but not documented", cp.name),
                ));
            }
        }
        (TypeDef::Enum(d), TypeDef::Enum(c)) => {
            if d.is_flags != c.is_flags {
                out.push(Diagnostic::warning(
                    FLAGS,
                    d.origin.clone(),
                    format!("`{q}`: the docs say {}flags, the CSDL says {}flags", if d.is_flags { "" } else { "not " }, if c.is_flags { "" } else { "not " }),
                ));
            }
            for m in &d.members {
                match c.members.iter().find(|x| x.name == m.name) {
                    None => out.push(Diagnostic::warning(
                        ENUM_MEMBER,
                        d.origin.clone(),
                        format!("member `{}` of `{q}` is documented but not in the CSDL", m.name),
                    )),
                    Some(x) if x.value != m.value => out.push(Diagnostic::warning(
                        ENUM_MEMBER,
                        d.origin.clone(),
                        format!("member `{}` of `{q}`: docs value {}, CSDL value {}", m.name, m.value, x.value),
                    )),
                    Some(_) => {}
                }
            }
            for x in &c.members {
                if !d.members.iter().any(|m| m.name == x.name) {
                    out.push(Diagnostic::warning(
                        ENUM_MEMBER,
                        c.origin.clone(),
                        format!("member `{}` of `{q}` is in the CSDL but not documented", x.name),
                    ));
                }
            }
        }
        _ => {}
    }
}

fn compare_property(q: &str, dp: &Property, cp: &Property, out: &mut Vec<Diagnostic>) {
    let name = &dp.name;
    if dp.is_navigation() != cp.is_navigation() {
        let (docs, csdl) = if dp.is_navigation() { ("a navigation", "a structural") } else { ("a structural", "a navigation") };
        out.push(Diagnostic::warning(
            NAVIGATION_MISSING,
            dp.origin.clone(),
            format!("`{name}` of `{q}` is {docs} property in the docs but {csdl} property in the CSDL ({})", cp.origin),
        ));
    }
    if dp.ty.name != cp.ty.name {
        out.push(Diagnostic::warning(
            PROPERTY_TYPE,
            dp.origin.clone(),
            format!("type of `{q}.{name}`: docs `{}`, CSDL `{}` ({})", ty_text(dp), ty_text(cp), cp.origin),
        ));
    }
    if dp.ty.collection != cp.ty.collection {
        out.push(Diagnostic::warning(
            COLLECTION,
            dp.origin.clone(),
            format!(
                "`{q}.{name}` is {} in the docs but {} in the CSDL ({})",
                if dp.ty.collection { "a collection" } else { "single-valued" },
                if cp.ty.collection { "a collection" } else { "single-valued" },
                cp.origin
            ),
        ));
    }
    // Nullability of collections is about their elements (and the docs say nothing about it);
    // navigation properties are absent unless expanded. Compare single structural values only.
    if !dp.ty.collection && !cp.ty.collection && !dp.is_navigation() && !cp.is_navigation() && dp.nullable != cp.nullable {
        out.push(Diagnostic::warning(
            NULLABILITY,
            dp.origin.clone(),
            format!(
                "`{q}.{name}` is {} in the docs but {} in the CSDL ({})",
                if dp.nullable { "nullable" } else { "not nullable" },
                if cp.nullable { "nullable" } else { "not nullable" },
                cp.origin
            ),
        ));
    }
}

fn check_paths(csdl: &Schema, apis: &[ApiFacts], out: &mut Vec<Diagnostic>) {
    let csdl_has_container = csdl.container().is_some();
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for api in apis {
        for line in &api.http_lines {
            if !seen.insert((api.file.clone(), line.method.clone(), line.path.clone())) {
                continue;
            }
            let origin = Origin::new(api.file.clone(), line.line, 1);
            if !csdl_has_container {
                out.push(Diagnostic::warning(
                    PATH_UNREACHABLE,
                    origin,
                    format!("`{} {}`: the CSDL has no entity container", line.method, line.path),
                ));
                continue;
            }
            if let Err(e) = paths::resolve(csdl, &line.path) {
                let parts: Vec<&str> =
                    paths::path_part(&line.path).trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
                let reached = parts.iter().take(e.index).copied().collect::<Vec<_>>().join("/");
                let at = if reached.is_empty() { String::new() } else { format!(" after `/{reached}`") };
                out.push(Diagnostic::warning(
                    PATH_UNREACHABLE,
                    origin,
                    format!(
                        "`{} {}` is not reachable from the CSDL container{at}: {}",
                        line.method, line.path, e.message
                    ),
                ));
            }
        }
    }
}

/// The merge rule when real metadata is given: the metadata (`schema`) is the authority for
/// types, properties, navigation, the container and operations. The pages (`docs`, over
/// `namespaces`) add only what the metadata lacks — types, properties (names compared in any
/// case), enum members and bound operations, each also reported by [`reconcile`] — and
/// descriptions where the metadata has none. A fact both give and disagree on keeps the
/// metadata's value; [`reconcile`] reports it.
pub fn overlay_docs(schema: &mut Schema, docs: &Schema, namespaces: &[String]) {
    for n in namespaces {
        let Some(dns) = docs.namespaces.get(n) else { continue };
        let ns = schema.namespaces.entry(n.clone()).or_insert_with(|| crate::csdl::Namespace {
            name: n.clone(),
            ..Default::default()
        });
        ns.external = false;
        for (t, ddef) in &dns.types {
            let Some(mine) = ns.types.get_mut(t) else {
                ns.types.insert(t.clone(), ddef.clone());
                continue;
            };
            match (mine, ddef) {
                (TypeDef::Structured(m), TypeDef::Structured(d)) => {
                    if m.annotations.description.is_none() {
                        m.annotations.description = d.annotations.description.clone();
                    }
                    for dp in &d.properties {
                        match m.properties.iter_mut().find(|p| p.name.eq_ignore_ascii_case(&dp.name)) {
                            Some(p) => {
                                if p.annotations.description.is_none() {
                                    p.annotations.description = dp.annotations.description.clone();
                                }
                                if p.annotations.filterable.is_none() {
                                    p.annotations.filterable = dp.annotations.filterable;
                                }
                            }
                            None => m.properties.push(dp.clone()),
                        }
                    }
                }
                (TypeDef::Enum(m), TypeDef::Enum(d)) => {
                    if m.annotations.description.is_none() {
                        m.annotations.description = d.annotations.description.clone();
                    }
                    for dm in &d.members {
                        match m.members.iter_mut().find(|x| x.name.eq_ignore_ascii_case(&dm.name)) {
                            Some(x) if x.description.is_none() => x.description = dm.description.clone(),
                            Some(_) => {}
                            None => m.members.push(dm.clone()),
                        }
                    }
                }
                _ => {}
            }
        }
        for (o, ops) in &dns.operations {
            if !ns.operations.keys().any(|k| k.eq_ignore_ascii_case(o)) {
                ns.operations.insert(o.clone(), ops.clone());
            }
        }
    }
}
