//! What the schema says a property supports in `$filter` and `$orderby`, from every source:
//! the docs' "Supports `$filter` (eq, ne, not, in, startsWith)" / "Supports `$orderby`" and
//! the CSDL's `Capabilities.FilterRestrictions` (`Filterable`, `NonFilterableProperties`,
//! `FilterExpressionRestrictions`) and `SortRestrictions` (`Sortable`,
//! `NonSortableProperties`) on the type or one of its base types. Where nothing is said,
//! everything is allowed.

use crate::csdl::{Property, Schema};

/// The operator groups of the runtime's `Ops` set, in its order. `cmp` is `gt ge lt le`,
/// `lambda` is `any all`.
pub const OPERATOR_GROUPS: [&str; 10] = ["eq", "ne", "not", "cmp", "in", "startswith", "endswith", "contains", "has", "lambda"];

/// The group of one operator word (`startsWith` → `startswith`, `ge` → `cmp`, `any` → `lambda`).
pub fn operator_group(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    let g = match w.as_str() {
        "gt" | "ge" | "lt" | "le" => "cmp",
        "any" | "all" => "lambda",
        _ => return OPERATOR_GROUPS.iter().copied().find(|g| *g == w),
    };
    Some(g)
}

/// Canonical operator list (space-separated groups in [`OPERATOR_GROUPS`] order) of a text
/// listing operators (`eq, ne, not, ge, le, in, startsWith, and eq on null values`, or the
/// CSDL's `ge le`); `None` when it names no operator.
pub fn canonical_operators(text: &str) -> Option<String> {
    let mut seen = [false; OPERATOR_GROUPS.len()];
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if let Some(g) = operator_group(w) {
            if let Some(i) = OPERATOR_GROUPS.iter().position(|x| *x == g) {
                seen[i] = true;
            }
        }
    }
    let out: Vec<&str> = OPERATOR_GROUPS.iter().zip(seen).filter(|(_, s)| *s).map(|(g, _)| *g).collect();
    (!out.is_empty()).then(|| out.join(" "))
}

/// The operator list after "Supports `$filter`" in a description, when it gives one in
/// parentheses: `Supports `$filter` (`eq`, `ne`, `in`).`
pub fn doc_filter_operators(desc: &str) -> Option<String> {
    let lower = desc.to_ascii_lowercase();
    for marker in ["supports `$filter`", "supports $filter"] {
        if let Some(i) = lower.find(marker) {
            let rest = desc[i + marker.len()..].trim_start();
            if let Some(inner) = rest.strip_prefix('(') {
                let inner = &inner[..inner.find(')').unwrap_or(inner.len())];
                return canonical_operators(inner);
            }
        }
    }
    None
}

/// Whether a description says the property supports `$orderby`
/// ("Supports `$orderby`", "Supports `$filter` and `$orderby`").
pub fn doc_sortable(desc: &str) -> Option<bool> {
    let lower = desc.to_ascii_lowercase();
    let i = lower.find("supports")?;
    lower[i..].contains("$orderby").then_some(true)
}

/// What `$filter` and `$orderby` accept for one property of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyCaps {
    /// `None`: every operator; `Some(groups)`: only those ([`OPERATOR_GROUPS`] names);
    /// `Some(empty)`: not filterable.
    pub filter: Option<Vec<String>>,
    pub sortable: bool,
}

/// The capabilities of `prop` as a property of `owner` (the nearest type of its lineage that
/// says something decides).
pub fn property_caps(schema: &Schema, owner: &str, prop: &Property) -> PropertyCaps {
    let a = &prop.annotations;
    let mut filter: Option<Vec<String>> = match (a.filterable, &a.filter_operators) {
        (Some(false), _) => Some(Vec::new()),
        (_, Some(ops)) => Some(ops.split_whitespace().map(str::to_string).collect()),
        _ => None,
    };
    let mut sortable = a.sortable;
    for t in schema.ancestry(owner) {
        let c = &t.annotations.capabilities;
        if filter.is_none() {
            if c.filterable == Some(false) || c.non_filterable_properties.iter().any(|p| p == &prop.name) {
                filter = Some(Vec::new());
            } else if let Some((_, allowed)) = c.filter_expressions.iter().find(|(p, _)| p == &prop.name) {
                filter = canonical_operators(allowed).map(|s| s.split(' ').map(str::to_string).collect());
            }
        }
        if sortable.is_none() {
            if c.sortable == Some(false) || c.non_sortable_properties.iter().any(|p| p == &prop.name) {
                sortable = Some(false);
            } else if c.sortable == Some(true) {
                sortable = Some(true);
            }
        }
    }
    PropertyCaps { filter, sortable: sortable.unwrap_or(true) }
}

/// Whether collections of `owner` accept `$search`: the nearest type of its lineage with a
/// `SearchRestrictions/Searchable` decides; where none says, they do.
pub fn searchable(schema: &Schema, owner: &str) -> bool {
    schema.ancestry(owner).iter().find_map(|t| t.annotations.capabilities.searchable).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_lists_from_docs() {
        let d = "The name. Supports `$filter` (`eq`, `ne`, `not`, `ge`, `le`, `in`, `startsWith`, and `eq` on `null` values), `$orderby`.";
        assert_eq!(doc_filter_operators(d).as_deref(), Some("eq ne not cmp in startswith"));
        assert_eq!(doc_sortable(d), Some(true));
        assert_eq!(doc_filter_operators("Supports $filter."), None);
        assert_eq!(doc_sortable("Supports $filter."), None);
        assert_eq!(doc_sortable("Supports $filter and $orderby."), Some(true));
        assert_eq!(canonical_operators("any"), Some("lambda".into()));
        assert_eq!(canonical_operators("on values"), None);
    }
}
