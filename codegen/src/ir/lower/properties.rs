//! Builders for structural properties that requests address (`GET /me/mailboxSettings`,
//! `PATCH …/mailboxSettings`, `GET …/mailboxSettings/automaticRepliesSetting`).
//!
//! The rule: a single complex-valued structural property of a single entity (or of such a
//! complex value) gets a builder edge when an input addresses it: a documented request line
//! of the pages or a route of the permissions data passes through it. The property's builder
//! is the item builder of its complex type (nodes are types, as for navigation). A property
//! nothing addresses gets no edge, so the output grows only with what the inputs ask for
//! (every complex property of every reachable type would be thousands of builders).
//! Primitive, enum and collection-valued properties get none (`doc-property-no-builder`).

use super::*;

/// Addressed complex properties by owner type (qualified): (property name as declared,
/// complex type), in name order.
pub(super) type PropEdges = BTreeMap<String, Vec<(String, String)>>;

/// The navigation graph of the builders: navigation properties (from the schema), composable
/// functions, and the complex properties the inputs address.
pub(super) struct Graph {
    pub comp: Composable,
    pub props: PropEdges,
}

/// Every documented request line of `apis`, resolved once (per page, in line order): what
/// [`addressed_properties`] and `attach_operations` both read.
pub(super) type DocLines = Vec<Vec<Result<paths::Resolved, paths::PathError>>>;

pub(super) fn resolve_lines(schema: &Schema, apis: &[ApiFacts]) -> DocLines {
    // (The index pays for itself only over many lines.)
    let index = apis.iter().any(|a| !a.http_lines.is_empty()).then(|| paths::Index::new(schema));
    apis.iter().map(|a| a.http_lines.iter().map(|l| paths::resolve_with(schema, &l.path, index.as_ref())).collect()).collect()
}

/// The complex properties the documented request lines (`lines`) and the resolved `routes`
/// (the permissions data's) pass through (see the module's rule). Lines that do not resolve
/// add nothing (their diagnostics come from where they are attached).
pub(super) fn addressed_properties(schema: &Schema, lines: &DocLines, routes: &[&paths::Resolved]) -> PropEdges {
    let documented = lines.iter().flatten().filter_map(|r| r.as_ref().ok());
    let mut set: BTreeSet<(String, String, String)> = BTreeSet::new();
    for r in documented.chain(routes.iter().copied()) {
        for w in r.segments.windows(2) {
            if !matches!(w[1].kind, SegKind::Property { collection: false, complex: true }) {
                continue;
            }
            let owner = match &w[0].kind {
                SegKind::Operation { returns: Some(t), .. } => t.name.clone(),
                _ => w[0].ty.name.clone(),
            };
            let complex = schema.structured(&w[1].ty.name).is_some_and(|s| s.kind == StructuredKind::Complex);
            if complex {
                set.insert((owner, w[1].text.clone(), w[1].ty.name.clone()));
            }
        }
    }
    let mut out = PropEdges::new();
    for (owner, name, ty) in set {
        out.entry(owner).or_default().push((name, ty));
    }
    out
}

/// Whether a structural property's value may be updated: not computed, not immutable, and
/// not `Updatable=false` in its Capabilities (the rule navigation properties follow).
pub(super) fn property_updatable(p: &Property) -> bool {
    !p.annotations.computed && !p.annotations.immutable && p.annotations.capabilities.updatable != Some(false)
}
