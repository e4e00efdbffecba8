//! Derive the schema of a namespace from its pages: resource and enum pages give types,
//! API pages whose title names an action (`assignment: reprocessAssignments`) give bound
//! actions. The result is written as `schema/<namespace>.csdl.yaml`.

use crate::csdl::*;
use crate::diag::{Diagnostic, Origin};
use crate::docs::{Page, PageKind};
use crate::extract::{self, ApiFacts, EnumFacts, ResourceFacts, Row};
use std::collections::BTreeMap;

/// Edm primitive for a docs type word (`Int32`, `GUID`, `String (identifier)`).
pub fn edm_primitive(word: &str) -> Option<&'static str> {
    let w = word.trim().to_ascii_lowercase();
    let w = w.split(" (").next().unwrap_or("").trim();
    Some(match w {
        "string" => "Edm.String",
        "int32" | "int" | "integer" => "Edm.Int32",
        "int64" => "Edm.Int64",
        "int16" => "Edm.Int16",
        "byte" => "Edm.Byte",
        "sbyte" => "Edm.SByte",
        "boolean" | "bool" => "Edm.Boolean",
        "guid" => "Edm.Guid",
        "datetimeoffset" => "Edm.DateTimeOffset",
        "date" => "Edm.Date",
        "timeofday" => "Edm.TimeOfDay",
        "duration" => "Edm.Duration",
        "double" => "Edm.Double",
        "single" => "Edm.Single",
        "decimal" => "Edm.Decimal",
        "binary" => "Edm.Binary",
        "stream" => "Edm.Stream",
        _ => return None,
    })
}

/// Parses the Type cell of a table: `String collection`, `microsoft.graph.x.y collection`,
/// `Collection(x)`, `directoryObject`. `resolve` maps a simple name to a qualified one.
pub fn parse_type_text(text: &str, resolve: &dyn Fn(&str) -> String) -> Option<TypeRef> {
    let mut t = text.trim().trim_matches('`').trim().to_string();
    let mut collection = false;
    let lower = t.to_ascii_lowercase();
    if let Some(stripped) = lower.strip_suffix(" collection") {
        t.truncate(stripped.len());
        collection = true;
    } else if lower.starts_with("collection(") && t.ends_with(')') {
        t = t["collection(".len()..t.len() - 1].to_string();
        collection = true;
    }
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(p) = edm_primitive(t) {
        return Some(TypeRef::new(p, collection));
    }
    if t.starts_with("Edm.") {
        return Some(TypeRef::new(t, collection));
    }
    let word = t.split_whitespace().next().unwrap_or(t);
    if !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') {
        return None;
    }
    let name = if word.contains('.') { word.to_string() } else { resolve(word) };
    Some(TypeRef::new(name, collection))
}

fn has(desc: &str, marker: &str) -> bool {
    desc.to_ascii_lowercase().contains(&marker.to_ascii_lowercase())
}

/// What the description text of a property says: (nullable, read-only, filterable).
fn markers(desc: &str, collection: bool) -> (bool, bool, Option<bool>) {
    let nullable = !collection && !has(desc, "not nullable");
    let read_only = has(desc, "read-only") || has(desc, "read only");
    let filter = has(desc, "supports `$filter`") || has(desc, "supports $filter");
    (nullable, read_only, filter.then_some(true))
}

/// Description without the trailing markers the tooling reads.
fn clean_description(desc: &str) -> Option<String> {
    let d = desc.trim();
    (!d.is_empty()).then(|| d.to_string())
}

pub struct Derived {
    pub schema: Schema,
    pub diagnostics: Vec<Diagnostic>,
}

/// Derives the namespaces in `namespaces` from `pages`. `external` is the schema used to
/// resolve names outside them (e.g. `microsoft.graph.entity`).
pub fn derive(pages: &[Page], namespaces: &[String], external: &Schema) -> Derived {
    let refs: Vec<&Page> = pages.iter().collect();
    derive_refs(&refs, namespaces, external)
}

/// [`derive`] over a selection of pages.
pub fn derive_refs(pages: &[&Page], namespaces: &[String], external: &Schema) -> Derived {
    let mut diags = Vec::new();
    let in_scope = |ns: &Option<String>| ns.as_ref().is_some_and(|n| namespaces.iter().any(|x| x == n));
    let resources: Vec<(ResourceFacts, &Page)> = pages
        .iter()
        .copied()
        .filter(|p| matches!(p.kind, PageKind::Resource | PageKind::Enum) && in_scope(&p.namespace))
        .map(|p| (extract::resource(p), p))
        .collect();

    // Simple-name index (case-insensitive) of the types the pages define, for resolving
    // unqualified names (`usageRight`, `assigneeTypes`).
    let mut index: BTreeMap<String, String> = BTreeMap::new();
    for (r, p) in &resources {
        if let (Some(q), PageKind::Resource) = (&r.qname, p.kind) {
            let (_, simple) = split_qualified(q);
            index.insert(simple.to_ascii_lowercase(), q.clone());
        }
        let ns = p.namespace.clone().unwrap_or_default();
        for e in &r.enums {
            index.entry(e.name.to_ascii_lowercase()).or_insert_with(|| format!("{ns}.{}", e.name));
        }
    }
    for ns in external.namespaces.values() {
        for t in ns.types.keys() {
            index.entry(t.to_ascii_lowercase()).or_insert_with(|| format!("{}.{}", ns.name, t));
        }
    }
    let resolve = |simple: &str| -> String {
        index.get(&simple.to_ascii_lowercase()).cloned().unwrap_or_else(|| format!("microsoft.graph.{simple}"))
    };

    let mut schema = Schema::default();
    for n in namespaces {
        schema.namespaces.insert(n.clone(), Namespace { name: n.clone(), ..Default::default() });
    }
    // Enum facts by qualified name, and property descriptions that mention them (for flags).
    let mut enum_facts: BTreeMap<String, Vec<EnumFacts>> = BTreeMap::new();
    let mut multivalued: BTreeMap<String, bool> = BTreeMap::new();

    for (r, page) in &resources {
        let ns_name = page.namespace.clone().unwrap_or_default();
        for e in &r.enums {
            enum_facts.entry(format!("{ns_name}.{}", e.name)).or_default().push(e.clone());
        }
        if page.kind != PageKind::Resource {
            continue;
        }
        let Some(qname) = r.qname.clone() else {
            diags.push(Diagnostic::warning(
                "doc-resource-name",
                r.origin.clone(),
                "resource page has no `resource` annotation with an @odata.type and no `… resource type` title",
            ));
            continue;
        };
        let (ns, simple) = split_qualified(&qname);
        if !namespaces.iter().any(|n| n == ns) {
            continue;
        }
        let base = r.base_text.as_deref().map(|b| {
            let word = b.split_whitespace().next().unwrap_or(b);
            if word.contains('.') { word.to_string() } else { resolve(word) }
        });
        let mut props = Vec::new();
        let mut push = |row: &Row, nav: bool, diags: &mut Vec<Diagnostic>| {
            if has(&row.description, "inherited from") {
                return;
            }
            let Some(ty) = parse_type_text(&row.type_text, &resolve) else {
                diags.push(Diagnostic::error(
                    "doc-type-unknown",
                    page.origin(row.line),
                    format!("cannot read the type `{}` of `{}`", row.type_text, row.name),
                ));
                return;
            };
            if !ty.is_edm() && (has(&row.description, "multi-valued") || has(&row.description, "multivalued")) {
                multivalued.insert(ty.name.clone(), true);
            }
            let (nullable, read_only, filterable) = markers(&row.description, ty.collection);
            if props.iter().any(|p: &Property| p.name == row.name) {
                diags.push(Diagnostic::error(
                    "doc-duplicate-property",
                    page.origin(row.line),
                    format!("property `{}` is listed twice in `{qname}`", row.name),
                ));
                return;
            }
            props.push(Property {
                name: row.name.clone(),
                ty,
                nullable,
                kind: if nav { PropertyKind::Navigation { contains_target: false } } else { PropertyKind::Structural },
                annotations: Annotations {
                    description: clean_description(&row.description),
                    computed: read_only,
                    filterable,
                    filter_operators: crate::query_caps::doc_filter_operators(&row.description),
                    sortable: crate::query_caps::doc_sortable(&row.description),
                    ..Default::default()
                },
                origin: page.origin(row.line),
            });
        };
        for row in &r.properties {
            push(row, false, &mut diags);
        }
        for row in &r.relationships {
            push(row, true, &mut diags);
        }
        let entity = base.is_some()
            || r.key.as_ref().is_some_and(|k| props.iter().any(|p| &p.name == k))
            || props.iter().any(|p| p.is_navigation());
        let key = match (&r.key, &base) {
            (Some(k), None) if props.iter().any(|p| &p.name == k) => vec![k.clone()],
            _ => Vec::new(),
        };
        let t = StructuredType {
            name: simple.to_string(),
            kind: if entity { StructuredKind::Entity } else { StructuredKind::Complex },
            base,
            is_abstract: false,
            open: r.open,
            has_stream: false,
            key,
            properties: props,
            annotations: Annotations { description: r.description.clone(), ..Default::default() },
            origin: r.origin.clone(),
        };
        let nsm = schema.namespaces.get_mut(ns).expect("namespace inserted above");
        if let Some(prev) = nsm.types.get(simple) {
            diags.push(Diagnostic::error(
                "doc-duplicate-type",
                r.origin.clone(),
                format!("type `{qname}` is also defined at {}", prev.origin()),
            ));
            continue;
        }
        nsm.types.insert(simple.to_string(), TypeDef::Structured(t));
    }

    for (qname, facts) in &enum_facts {
        let (ns, simple) = split_qualified(qname);
        let Some(nsm) = schema.namespaces.get_mut(ns) else { continue };
        if let Some(e) = merge_enum(simple, facts, multivalued.contains_key(qname), &mut diags) {
            nsm.types.insert(simple.to_string(), TypeDef::Enum(e));
        }
    }

    // Every named type a property refers to must exist somewhere.
    let mut known = schema.clone();
    known.merge(external.clone());
    for ns in schema.namespaces.values() {
        for t in ns.types.values() {
            let TypeDef::Structured(s) = t else { continue };
            if let Some(b) = &s.base {
                if known.get(b).is_none() {
                    diags.push(Diagnostic::error(
                        "doc-base-unknown",
                        s.origin.clone(),
                        format!("base type `{b}` of `{}` is not defined", s.name),
                    ));
                }
            }
            for p in &s.properties {
                if !p.ty.is_edm() && known.get(&p.ty.name).is_none() {
                    diags.push(Diagnostic::error(
                        "doc-type-unknown",
                        p.origin.clone(),
                        format!("`{}.{}` refers to `{}`, which no page or schema defines", s.name, p.name, p.ty.name),
                    ));
                }
            }
        }
    }
    // Report each base-type cycle, then break it (at its first type) so that nothing
    // downstream (YAML, lowering, emitters) sees a cycle or reports it again.
    diags.extend(schema.base_cycle_diagnostics());
    for cycle in schema.base_cycles() {
        let (ns, simple) = split_qualified(&cycle[0]);
        if let Some(TypeDef::Structured(t)) = schema.namespaces.get_mut(ns).and_then(|n| n.types.get_mut(simple)) {
            t.base = None;
        }
    }
    Derived { schema, diagnostics: diags }
}

fn merge_enum(name: &str, facts: &[EnumFacts], multivalued: bool, diags: &mut Vec<Diagnostic>) -> Option<EnumType> {
    // Prefer the table that gives values (an enum page), else the first.
    let best = facts.iter().find(|f| f.members.iter().all(|m| m.1.is_some())).or(facts.first())?;
    let has_none = best.members.iter().any(|m| m.0 == "none");
    let flags_hint = facts.iter().any(|f| f.flags_hint);
    let is_flags = flags_hint || (multivalued && has_none);
    if multivalued && !has_none && !flags_hint {
        diags.push(Diagnostic::warning(
            "doc-enum-flags-ambiguous",
            best.origin.clone(),
            format!("`{name}` is called multi-valued but has no `none` member; read as a plain enum"),
        ));
    }
    let mut members = Vec::new();
    let mut next_flag = 1i64;
    for (i, (m, v, d)) in best.members.iter().enumerate() {
        let value = match v {
            Some(v) => *v,
            None if is_flags && m == "none" => 0,
            None if is_flags => {
                let v = next_flag;
                next_flag *= 2;
                v
            }
            None => i as i64,
        };
        members.push(EnumMember { name: m.clone(), value, description: (!d.is_empty()).then(|| d.clone()) });
    }
    // Two tables for one enum must agree on the member names.
    for f in facts {
        let a: Vec<&str> = f.members.iter().map(|m| m.0.as_str()).collect();
        let b: Vec<&str> = best.members.iter().map(|m| m.0.as_str()).collect();
        if a != b {
            diags.push(Diagnostic::warning(
                "doc-enum-mismatch",
                f.origin.clone(),
                format!("members of `{name}` differ from {}: {:?} vs {:?}", best.origin, a, b),
            ));
        }
    }
    Some(EnumType {
        name: name.to_string(),
        is_flags,
        underlying: None,
        members,
        annotations: Annotations::default(),
        origin: best.origin.clone(),
    })
}

/// Actions documented by API pages (`type: action` titles whose path ends in the action name).
pub fn derive_actions(apis: &[ApiFacts], schema: &mut Schema, resolve_binding: &dyn Fn(&str) -> Option<TypeRef>) {
    for a in apis {
        let Some((_, action)) = a.title.split_once(':') else { continue };
        let action = action.trim();
        for l in &a.http_lines {
            let path = l.path.split('?').next().unwrap_or("");
            let Some((parent, last)) = path.rsplit_once('/') else { continue };
            if last != action {
                continue;
            }
            let Some(binding) = resolve_binding(parent) else { continue };
            let (ns, _) = split_qualified(&binding.name);
            let Some(nsm) = schema.namespaces.get_mut(ns) else { continue };
            if nsm.operations.contains_key(action) {
                continue;
            }
            let parameters = std::iter::once(Parameter { name: "bindingParameter".into(), ty: binding.clone(), nullable: false })
                .chain(a.body_properties.iter().filter_map(|r| {
                    let ty = parse_type_text(&r.type_text, &|s| format!("{ns}.{s}"))?;
                    Some(Parameter { name: r.name.clone(), ty, nullable: !has(&r.description, "required") })
                }))
                .collect();
            nsm.operations.insert(
                action.to_string(),
                vec![Operation {
                    name: action.to_string(),
                    kind: OperationKind::Action,
                    bound: true,
                    parameters,
                    return_type: None,
                    composable: false,
                    entity_set_path: None,
                    annotations: Annotations { description: a.description.clone(), ..Default::default() },
                    origin: Origin::new(a.file.clone(), l.line, 1),
                }],
            );
        }
    }
}
