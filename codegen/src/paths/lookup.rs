//! Names looked up in the schema for the resolver: bound operations (nearest binding,
//! exact name first, then any case), properties over an ancestry, the start of a relative
//! path, composable functions' return types.

use crate::csdl::*;

/// Bound operations whose binding parameter is `ty` (or a base type of it) with the given
/// collection flag, by simple name (or `namespace.name`); exact match first, then any case.
pub fn bound_operation<'a>(schema: &'a Schema, ty: &TypeRef, name: &str) -> Option<(String, &'a Operation)> {
    bound_operation_exact(schema, ty, name).or_else(|| bound_operation_in(schema, None, ty, name, false))
}

/// [`bound_operation`], names compared exactly only.
pub fn bound_operation_exact<'a>(schema: &'a Schema, ty: &TypeRef, name: &str) -> Option<(String, &'a Operation)> {
    bound_operation_in(schema, None, ty, name, true)
}

pub(super) fn bound_operation_in<'a>(
    schema: &'a Schema,
    index: Option<&super::Index<'a>>,
    ty: &TypeRef,
    name: &str,
    exact: bool,
) -> Option<(String, &'a Operation)> {
    // The name as namespace `ns` would spell it: `microsoft.graph.delta` names `delta` of
    // that namespace; a name without a namespace's prefix names an operation in any.
    let simple_in = |ns_name: &str| -> &str {
        name.get(..ns_name.len())
            .filter(|h| h.eq_ignore_ascii_case(ns_name))
            .and_then(|_| name.get(ns_name.len()..))
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(name)
    };
    if let Some(index) = index {
        // The same rule over the operations bound to each type of the lineage.
        for t in schema.lineage_names(&ty.name) {
            let Some(ops) = index.bound.get(&(t, ty.collection)) else { continue };
            let hit = ops.iter().find(|(ns, n, _)| if exact { *n == simple_in(ns) } else { n.eq_ignore_ascii_case(simple_in(ns)) });
            if let Some((ns, n, o)) = hit {
                return Some((format!("{ns}.{n}"), *o));
            }
        }
        return None;
    }
    // Every overload of the name, in any namespace.
    let mut candidates: Vec<(String, &Operation)> = Vec::new();
    for (ns_name, ns) in &schema.namespaces {
        let simple = simple_in(ns_name);
        let hits: Vec<(&String, &Vec<Operation>)> = if exact {
            ns.operations.get_key_value(simple).into_iter().collect()
        } else {
            any_case(&ns.operations, simple)
        };
        for (op_name, ops) in hits {
            candidates.extend(ops.iter().filter(|o| o.bound).map(|o| (format!("{ns_name}.{op_name}"), o)));
        }
    }
    if candidates.is_empty() {
        return None;
    }
    // The nearest binding wins: the type itself, then its base types in order.
    for t in schema.lineage(&ty.name) {
        let hit = candidates.iter().find(|(_, o)| o.parameters.first().is_some_and(|b| b.ty.collection == ty.collection && b.ty.name == t));
        if let Some((q, o)) = hit {
            return Some((q.clone(), *o));
        }
    }
    None
}

/// Bound operations by binding (qualified type, collection) for [`super::Index`], in the
/// order [`bound_operation_in`] meets them: namespace, name, overload.
pub(super) fn bound_by_binding(schema: &Schema) -> super::BoundByBinding<'_> {
    let mut out = super::BoundByBinding::default();
    for (ns_name, ns) in &schema.namespaces {
        for (op_name, ops) in &ns.operations {
            for o in ops.iter().filter(|o| o.bound) {
                if let Some(b) = o.parameters.first() {
                    out.entry((b.ty.name.as_str(), b.ty.collection)).or_default().push((ns_name.as_str(), op_name.as_str(), o));
                }
            }
        }
    }
    out
}

/// Entries of `map` whose key equals `name` in any ASCII case. Only the keys that start with
/// the first letter in either case are compared (two ranges of the sorted map), not every key.
fn any_case<'a, V>(map: &'a std::collections::BTreeMap<String, V>, name: &str) -> Vec<(&'a String, &'a V)> {
    let Some(first) = name.bytes().next().filter(u8::is_ascii_alphabetic) else {
        return map.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).collect();
    };
    let mut out = Vec::new();
    for c in [first.to_ascii_uppercase(), first.to_ascii_lowercase()] {
        let (lo, hi) = ((c as char).to_string(), ((c + 1) as char).to_string());
        out.extend(map.range::<str, _>((std::ops::Bound::Included(lo.as_str()), std::ops::Bound::Excluded(hi.as_str()))).filter(|(k, _)| k.eq_ignore_ascii_case(name)));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// The one entry of `map` whose key equals `name` in any ASCII case ([`find_name`]'s second
/// rule, over the two ranges [`any_case`] compares instead of every key).
pub(super) fn unique_any_case<'a, V>(map: &'a std::collections::BTreeMap<String, V>, name: &str) -> Option<(&'a str, &'a V)> {
    match any_case(map, name).as_slice() {
        [(k, v)] => Some((k.as_str(), *v)),
        _ => None,
    }
}

/// Qualified name of a structured type found in `schema`.
pub fn qualified_of(schema: &Schema, t: &StructuredType) -> String {
    for (n, ns) in &schema.namespaces {
        if let Some(TypeDef::Structured(s)) = ns.types.get(&t.name) {
            if std::ptr::eq(s, t) {
                return format!("{n}.{}", t.name);
            }
        }
    }
    t.name.clone()
}

/// Looks `name` up in `names`: exact first, then the unique case-insensitive match.
pub(super) fn find_name<'a, T>(items: impl Iterator<Item = (&'a str, T)> + Clone, name: &str) -> Option<(&'a str, T)> {
    if let Some(hit) = items.clone().find(|(k, _)| *k == name) {
        return Some(hit);
    }
    let mut hits = items.filter(|(k, _)| k.eq_ignore_ascii_case(name));
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// The property `name` of a type given by its ancestry (nearest first), with the rule of
/// [`find_name`] over [`Schema::all_properties`] without building that list: exact first (the
/// nearest declaration wins), else the one name equal in any case.
pub(super) fn property<'a>(ancestry: &[&'a StructuredType], name: &str) -> Option<(&'a str, &'a Property)> {
    let declared = || ancestry.iter().flat_map(|t| t.properties.iter());
    if let Some(p) = declared().find(|p| p.name == name) {
        return Some((p.name.as_str(), p));
    }
    let mut hits = declared().filter(|p| p.name.eq_ignore_ascii_case(name));
    let first = hits.next()?;
    hits.all(|p| p.name == first.name).then_some((first.name.as_str(), first))
}

/// The first segment of a path that is no container child: a navigation property of that
/// name (any case) starts the path when every type that declares one gives it the same target
/// (so the rest of the path means the same whichever parent it hangs under). The parent
/// reported is the first such type by name.
pub(super) fn relative_start(schema: &Schema, name: &str) -> Option<(String, Property)> {
    let mut found: Vec<(String, &Property)> = Vec::new();
    for (n, ns) in &schema.namespaces {
        for (t, def) in &ns.types {
            let TypeDef::Structured(s) = def else { continue };
            if let Some(p) = s.properties.iter().find(|p| p.is_navigation() && p.name.eq_ignore_ascii_case(name)) {
                found.push((format!("{n}.{t}"), p));
            }
        }
    }
    unique_start(&found)
}

/// The rule of [`relative_start`] given the types that declare the name, in schema order.
fn unique_start(found: &[(String, &Property)]) -> Option<(String, Property)> {
    let (q, p) = found.first()?;
    found.iter().all(|(_, x)| x.ty == p.ty).then(|| (q.clone(), (*p).clone()))
}

/// [`relative_start`] of every navigation name (lower case), in one pass over the schema.
pub(super) fn relative_starts(schema: &Schema) -> std::collections::HashMap<String, Option<(String, Property)>> {
    let mut by_name: std::collections::HashMap<String, Vec<(String, &Property)>> = Default::default();
    for (n, ns) in &schema.namespaces {
        for (t, def) in &ns.types {
            let TypeDef::Structured(s) = def else { continue };
            // A type counts once per name: its first navigation property of that name in any case.
            let mut seen: Vec<String> = Vec::new();
            for p in s.properties.iter().filter(|p| p.is_navigation()) {
                let lower = p.name.to_ascii_lowercase();
                if seen.contains(&lower) {
                    continue;
                }
                seen.push(lower.clone());
                by_name.entry(lower).or_default().push((format!("{n}.{t}"), p));
            }
        }
    }
    by_name.into_iter().map(|(k, found)| (k, unique_start(&found))).collect()
}

/// The structured type a composable bound function returns, when it is one (`range()` of a
/// worksheet): builders and paths continue on it.
pub fn composable_return(schema: &Schema, qname: &str, binding: &TypeRef) -> Option<TypeRef> {
    let (ns, n) = split_qualified(qname);
    let ops = schema.namespaces.get(ns)?.operations.get(n)?;
    let lineage = schema.lineage(&binding.name);
    ops.iter()
        .filter(|o| o.composable && o.kind == OperationKind::Function)
        .find(|o| o.parameters.first().is_some_and(|b| b.ty.collection == binding.collection && lineage.contains(&b.ty.name)))
        .and_then(|o| o.return_type.as_ref())
        .filter(|r| !r.ty.is_edm() && schema.structured(&r.ty.name).is_some())
        .map(|r| r.ty.clone())
}
