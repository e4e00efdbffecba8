//! The schema model: one in-memory shape for OData CSDL, whichever way it arrived
//! (derived from doc pages, read from our CSDL-JSON-as-YAML files, or read from real
//! EDMX/CSDL XML). Plain data, `BTreeMap`-ordered by qualified name; members keep their
//! declared order (it is part of the input and stable).

pub mod yaml;
pub mod xml;

use crate::diag::Origin;
use std::collections::BTreeMap;

/// A whole schema: every namespace in scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub namespaces: BTreeMap<String, Namespace>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Namespace {
    pub name: String,
    /// `Alias` of the XML `<Schema>` (e.g. `graph`); resolved away by readers.
    pub alias: Option<String>,
    /// Types by simple name.
    pub types: BTreeMap<String, TypeDef>,
    /// Actions and functions by simple name; CSDL allows overloads, hence a list.
    pub operations: BTreeMap<String, Vec<Operation>>,
    pub container: Option<EntityContainer>,
    /// True for namespaces that are only referenced (kept opaque in generated code).
    pub external: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Structured(StructuredType),
    Enum(EnumType),
    Definition(TypeDefinition),
}

impl TypeDef {
    pub fn origin(&self) -> &Origin {
        match self {
            TypeDef::Structured(t) => &t.origin,
            TypeDef::Enum(t) => &t.origin,
            TypeDef::Definition(t) => &t.origin,
        }
    }
    pub fn as_structured(&self) -> Option<&StructuredType> {
        match self {
            TypeDef::Structured(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StructuredKind {
    Entity,
    Complex,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructuredType {
    pub name: String,
    pub kind: StructuredKind,
    /// Qualified name of the base type.
    pub base: Option<String>,
    pub is_abstract: bool,
    pub open: bool,
    pub has_stream: bool,
    /// Key property names (entity types only; may be inherited instead).
    pub key: Vec<String>,
    /// Structural and navigation properties in declared order.
    pub properties: Vec<Property>,
    pub annotations: Annotations,
    pub origin: Origin,
}

impl StructuredType {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeRef {
    /// Qualified name: `Edm.Int32`, `microsoft.graph.cloudLicensing.service`.
    pub name: String,
    pub collection: bool,
}

impl TypeRef {
    pub fn new(name: impl Into<String>, collection: bool) -> Self {
        TypeRef { name: name.into(), collection }
    }
    pub fn is_edm(&self) -> bool {
        self.name.starts_with("Edm.")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    Structural,
    Navigation { contains_target: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub kind: PropertyKind,
    pub annotations: Annotations,
    pub origin: Origin,
}

impl Property {
    pub fn is_navigation(&self) -> bool {
        matches!(self.kind, PropertyKind::Navigation { .. })
    }
}

/// The annotations a client cares about. Anything else is skipped by the readers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    pub description: Option<String>,
    /// `Core.Computed`: read-only, set by the service.
    pub computed: bool,
    /// `Core.Immutable`: set on create, never changed.
    pub immutable: bool,
    /// Supports `$filter` (from the docs' "Supports `$filter`" or Capabilities.FilterRestrictions).
    pub filterable: Option<bool>,
    /// The `$filter` operators the property supports, canonical and space-separated
    /// (`eq ne not in startswith`), when the docs or the CSDL's `FilterExpressionRestrictions`
    /// list them; `None` when nothing says (then every operator is allowed).
    pub filter_operators: Option<String>,
    /// Supports `$orderby` (from the docs' "Supports `$orderby`"; the CSDL says it per type).
    pub sortable: Option<bool>,
    /// Capabilities restrictions (entity sets, navigation properties, types).
    pub capabilities: Capabilities,
    /// `Validation.DerivedTypeConstraint`.
    pub derived_type_constraint: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub filterable: Option<bool>,
    pub expandable: Option<bool>,
    pub selectable: Option<bool>,
    pub countable: Option<bool>,
    pub top_supported: Option<bool>,
    pub skip_supported: Option<bool>,
    pub searchable: Option<bool>,
    pub insertable: Option<bool>,
    pub updatable: Option<bool>,
    pub deletable: Option<bool>,
    pub non_filterable_properties: Vec<String>,
    pub non_expandable_properties: Vec<String>,
    /// `SortRestrictions`: `Sortable` and `NonSortableProperties`.
    pub sortable: Option<bool>,
    pub non_sortable_properties: Vec<String>,
    /// `FilterRestrictions/FilterExpressionRestrictions`: (property, allowed expressions as
    /// written, e.g. `ge le` or `any`).
    pub filter_expressions: Vec<(String, String)>,
}

impl Capabilities {
    pub fn is_empty(&self) -> bool {
        *self == Capabilities::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub name: String,
    pub is_flags: bool,
    pub underlying: Option<String>,
    pub members: Vec<EnumMember>,
    pub annotations: Annotations,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    pub name: String,
    pub value: i64,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition {
    pub name: String,
    pub underlying: String,
    pub annotations: Annotations,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: String,
    pub kind: OperationKind,
    pub bound: bool,
    /// For bound operations the first parameter is the binding parameter.
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub composable: bool,
    pub entity_set_path: Option<String>,
    pub annotations: Annotations,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    pub ty: TypeRef,
    pub nullable: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityContainer {
    pub name: String,
    pub entity_sets: BTreeMap<String, ContainerChild>,
    pub singletons: BTreeMap<String, ContainerChild>,
    pub action_imports: BTreeMap<String, String>,
    pub function_imports: BTreeMap<String, String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerChild {
    pub name: String,
    /// Qualified entity type name.
    pub ty: String,
    /// NavigationPropertyBinding: path -> target.
    pub bindings: BTreeMap<String, String>,
    pub annotations: Annotations,
    pub origin: Origin,
}

/// Splits `a.b.c.name` into (`a.b.c`, `name`).
pub fn split_qualified(q: &str) -> (&str, &str) {
    match q.rfind('.') {
        Some(i) => (&q[..i], &q[i + 1..]),
        None => ("", q),
    }
}

impl Schema {
    pub fn get(&self, qualified: &str) -> Option<&TypeDef> {
        let (ns, name) = split_qualified(qualified);
        self.namespaces.get(ns)?.types.get(name)
    }

    pub fn structured(&self, qualified: &str) -> Option<&StructuredType> {
        self.get(qualified)?.as_structured()
    }

    /// Base-type chain starting at `qualified` (itself first). Stops on cycles or unknown types.
    pub fn ancestry(&self, qualified: &str) -> Vec<&StructuredType> {
        // `lineage` while the names are structured types, without building the names: this
        // runs for every path segment resolved.
        let Some(first) = self.structured(qualified) else { return Vec::new() };
        let mut out = vec![first];
        let mut seen: Vec<&str> = vec![qualified];
        let mut base = first.base.as_deref();
        while let Some(b) = base {
            let Some(t) = self.structured(b).filter(|_| !seen.contains(&b)) else { break };
            seen.push(b);
            out.push(t);
            base = t.base.as_deref();
        }
        out
    }

    /// Qualified names of `qualified` and its base types, nearest first. Stops on a cycle or
    /// at a type that is not a known structured type (which is still listed, first or last).
    pub fn lineage(&self, qualified: &str) -> Vec<String> {
        self.lineage_names(qualified).into_iter().map(str::to_string).collect()
    }

    /// [`Schema::lineage`], borrowed from the schema (and `qualified`) instead of copied.
    pub fn lineage_names<'a>(&'a self, qualified: &'a str) -> Vec<&'a str> {
        let mut out = vec![qualified];
        while let Some(b) = out.last().and_then(|l| self.structured(l)).and_then(|t| t.base.as_deref()) {
            if out.contains(&b) {
                break;
            }
            out.push(b);
        }
        out
    }

    /// The structured types derived from `qualified`, directly or not (not itself), by
    /// qualified name, in schema order.
    pub fn descendants(&self, qualified: &str) -> Vec<(String, &StructuredType)> {
        let mut out = Vec::new();
        if self.structured(qualified).is_none() {
            return out;
        }
        for (n, ns) in &self.namespaces {
            for (t, def) in &ns.types {
                let TypeDef::Structured(st) = def else { continue };
                let q = format!("{n}.{t}");
                if q != qualified && self.lineage(&q).iter().any(|b| b == qualified) {
                    out.push((q, st));
                }
            }
        }
        out
    }

    /// Base-type cycles (`a: b`, `b: a`; or `a: a`), each once: the qualified names on the
    /// cycle starting at the smallest, in base order. Types whose chain only *leads into* a
    /// cycle are not on it and are not listed.
    pub fn base_cycles(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for (n, ns) in &self.namespaces {
            for (t, def) in &ns.types {
                let TypeDef::Structured(_) = def else { continue };
                let start = format!("{n}.{t}");
                // Walk the chain from `start`; a cycle through `start` returns to it.
                let mut chain = vec![start.clone()];
                let mut cur = self.structured(&start).and_then(|s| s.base.clone());
                while let Some(q) = cur {
                    if q == start {
                        // Report each cycle once: from its smallest member.
                        if chain.iter().all(|c| *c >= start) {
                            out.push(chain);
                        }
                        break;
                    }
                    // A cycle not through `start` (it is reported from its own members).
                    if chain.contains(&q) {
                        break;
                    }
                    cur = self.structured(&q).and_then(|s| s.base.clone());
                    chain.push(q);
                }
            }
        }
        out
    }

    /// One `schema-base-cycle` error per cycle, at the first type of the cycle.
    pub fn base_cycle_diagnostics(&self) -> Vec<crate::diag::Diagnostic> {
        self.base_cycles()
            .into_iter()
            .map(|cycle| {
                let origin = self.get(&cycle[0]).map(|t| t.origin().clone()).unwrap_or_default();
                let mut path = cycle.clone();
                path.push(cycle[0].clone());
                crate::diag::Diagnostic::error(
                    "schema-base-cycle",
                    origin,
                    format!("base types form a cycle: {}", path.join(" → ")),
                )
            })
            .collect()
    }

    /// Every property of a type including inherited ones, base first.
    pub fn all_properties(&self, qualified: &str) -> Vec<&Property> {
        let mut chain = self.ancestry(qualified);
        chain.reverse();
        let mut out: Vec<&Property> = Vec::new();
        // Where each name is in `out` (a scan per property was quadratic in the size of a
        // lineage like `user`'s, and this runs for every path segment resolved).
        let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for t in chain {
            for p in &t.properties {
                if let Some(&i) = at.get(p.name.as_str()) {
                    out[i] = p;
                } else {
                    at.insert(p.name.as_str(), out.len());
                    out.push(p);
                }
            }
        }
        out
    }

    /// Merges `other` into `self`; types already present are kept (first wins).
    pub fn merge(&mut self, other: Schema) {
        for (name, ns) in other.namespaces {
            match self.namespaces.get_mut(&name) {
                None => {
                    self.namespaces.insert(name, ns);
                }
                Some(mine) => {
                    for (t, def) in ns.types {
                        mine.types.entry(t).or_insert(def);
                    }
                    for (o, ops) in ns.operations {
                        mine.operations.entry(o).or_insert(ops);
                    }
                    if mine.container.is_none() {
                        mine.container = ns.container;
                    } else if let (Some(c), Some(theirs)) = (mine.container.as_mut(), ns.container) {
                        for (k, v) in theirs.entity_sets {
                            c.entity_sets.entry(k).or_insert(v);
                        }
                        for (k, v) in theirs.singletons {
                            c.singletons.entry(k).or_insert(v);
                        }
                    }
                    mine.external &= ns.external;
                }
            }
        }
    }

    /// The first entity container found (namespaces in order).
    pub fn container(&self) -> Option<(&str, &EntityContainer)> {
        self.namespaces.iter().find_map(|(n, ns)| ns.container.as_ref().map(|c| (n.as_str(), c)))
    }
}
