//! Annotations: constant and nested expressions (`Expr`), applied to a term (`apply_term`),
//! and out-of-line `<Annotations Target=…>` applied to their targets.

use super::*;

/// The part of the CSDL expression language annotations here use.
#[derive(Debug, Clone)]
pub(super) enum Expr {
    Bool(bool),
    Str(String),
    Record(Vec<(String, Expr)>),
    Collection(Vec<Expr>),
}

impl Expr {
    pub(super) fn as_bool(&self) -> Option<bool> {
        match self {
            Expr::Bool(b) => Some(*b),
            Expr::Str(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(super) fn field(&self, name: &str) -> Option<&Expr> {
        match self {
            Expr::Record(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
    pub(super) fn strings(&self) -> Vec<String> {
        match self {
            Expr::Collection(items) => items.iter().filter_map(|i| i.as_str().map(|s| s.trim().to_string())).collect(),
            Expr::Str(s) => vec![s.trim().to_string()],
            _ => Vec::new(),
        }
    }
}

/// Constant expression written as an attribute (`Bool="false"`, `String="…"`, …).
pub(super) fn attr_constant(attrs: &Attrs) -> Option<Expr> {
    for (k, v) in attrs {
        match k.as_str() {
            "Bool" => return Some(Expr::Bool(v.trim() == "true")),
            "String" | "EnumMember" | "Int" | "Decimal" | "Float" | "Date" | "DateTimeOffset" | "Duration" | "Guid"
            | "TimeOfDay" | "Binary" | "Path" | "PropertyPath" | "NavigationPropertyPath" | "AnnotationPath" => {
                return Some(Expr::Str(v.clone()))
            }
            _ => {}
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ExprKind {
    Record,
    PropertyValue,
    Collection,
    Bool,
    /// Any other constant or path element; its text is the value.
    Text,
    /// Not understood (nested annotations, dynamic expressions); dropped.
    Ignored,
}

#[derive(Debug)]
pub(super) struct ExprFrame {
    pub(super) kind: ExprKind,
    pub(super) property: String,
    pub(super) text: String,
    pub(super) fields: Vec<(String, Expr)>,
    pub(super) items: Vec<Expr>,
    pub(super) value: Option<Expr>,
}

impl ExprFrame {
    pub(super) fn finish(self) -> Option<Expr> {
        match self.kind {
            ExprKind::Record => Some(Expr::Record(self.fields)),
            ExprKind::Collection => Some(Expr::Collection(self.items)),
            ExprKind::Bool => Some(Expr::Bool(self.text.trim() == "true")),
            ExprKind::Text => Some(Expr::Str(self.text)),
            ExprKind::PropertyValue => self.value,
            ExprKind::Ignored => None,
        }
    }
}

/// Applies one annotation (qualified term, optional value) to an `Annotations`.
pub(super) fn apply_term(a: &mut Annotations, term: &str, value: Option<&Expr>, res: &Resolver) {
    let (ns, name) = split_qualified(term);
    let tag = |v: Option<&Expr>| v.map_or(Some(true), Expr::as_bool);
    let rec_bool = |field: &str| value.and_then(|v| v.field(field)).and_then(Expr::as_bool);
    let caps = &mut a.capabilities;
    match (ns, name) {
        (CORE, "Description") => {
            if let Some(s) = value.and_then(Expr::as_str) {
                a.description = Some(s.to_string());
            }
        }
        (CORE, "Computed") => a.computed = tag(value).unwrap_or(a.computed),
        (CORE, "Immutable") => a.immutable = tag(value).unwrap_or(a.immutable),
        (CAPABILITIES, "FilterRestrictions") => {
            if let Some(b) = rec_bool("Filterable") {
                caps.filterable = Some(b);
                a.filterable = Some(b);
            }
            if let Some(v) = value.and_then(|v| v.field("NonFilterableProperties")) {
                caps.non_filterable_properties = v.strings();
            }
            if let Some(Expr::Collection(items)) = value.and_then(|v| v.field("FilterExpressionRestrictions")) {
                caps.filter_expressions = items
                    .iter()
                    .filter_map(|r| {
                        let prop = r.field("Property")?.as_str()?.trim().to_string();
                        let allowed = r.field("AllowedExpressions")?.as_str()?.trim().to_string();
                        Some((prop, allowed))
                    })
                    .collect();
            }
        }
        (CAPABILITIES, "SortRestrictions") => {
            if let Some(b) = rec_bool("Sortable") {
                caps.sortable = Some(b);
            }
            if let Some(v) = value.and_then(|v| v.field("NonSortableProperties")) {
                caps.non_sortable_properties = v.strings();
            }
        }
        (CAPABILITIES, "ExpandRestrictions") => {
            if let Some(b) = rec_bool("Expandable") {
                caps.expandable = Some(b);
            }
            if let Some(v) = value.and_then(|v| v.field("NonExpandableProperties")) {
                caps.non_expandable_properties = v.strings();
            }
        }
        (CAPABILITIES, "SelectRestrictions") => {
            if let Some(b) = rec_bool("Selectable") {
                caps.selectable = Some(b);
            }
        }
        (CAPABILITIES, "SelectSupport") => {
            if let Some(b) = rec_bool("Supported") {
                caps.selectable = Some(b);
            }
        }
        (CAPABILITIES, "CountRestrictions") => {
            if let Some(b) = rec_bool("Countable") {
                caps.countable = Some(b);
            }
        }
        (CAPABILITIES, "SearchRestrictions") => {
            if let Some(b) = rec_bool("Searchable") {
                caps.searchable = Some(b);
            }
        }
        (CAPABILITIES, "InsertRestrictions") => {
            if let Some(b) = rec_bool("Insertable") {
                caps.insertable = Some(b);
            }
        }
        (CAPABILITIES, "UpdateRestrictions") => {
            if let Some(b) = rec_bool("Updatable") {
                caps.updatable = Some(b);
            }
        }
        (CAPABILITIES, "DeleteRestrictions") => {
            if let Some(b) = rec_bool("Deletable") {
                caps.deletable = Some(b);
            }
        }
        (CAPABILITIES, "TopSupported") => caps.top_supported = tag(value).or(caps.top_supported),
        (CAPABILITIES, "SkipSupported") => caps.skip_supported = tag(value).or(caps.skip_supported),
        (VALIDATION, "DerivedTypeConstraint") => {
            if let Some(v) = value {
                a.derived_type_constraint = v.strings().iter().map(|s| res.name(s)).collect();
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The reader proper

pub(super) fn member_description(m: &mut EnumMember, term: &str, value: Option<&Expr>) {
    if split_qualified(term) == (CORE, "Description") {
        if let Some(s) = value.and_then(Expr::as_str) {
            m.description = Some(s.to_string());
        }
    }
}

pub(super) fn resolve_ref(r: &BytesRef<'_>) -> String {
    if r.is_char_ref() {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            return c.to_string();
        }
    }
    let name = r.decode().map(|c| c.into_owned()).unwrap_or_default();
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}

// ---------------------------------------------------------------------------------------------
// Out-of-line annotations

pub(super) fn apply_out_of_line(schema: &mut Schema, res: &Resolver, block: &Pending) {
    let target = block.target.trim();
    if let Some(open) = target.find('(') {
        apply_to_operation(schema, res, block, open);
        return;
    }
    let segments: Vec<&str> = target.split('/').collect();
    let head = res.name(segments[0]);
    let (ns_name, name) = split_qualified(&head);
    let Some(ns) = schema.namespaces.get_mut(ns_name) else { return };
    let each = |a: &mut Annotations| {
        for (term, value) in &block.items {
            apply_term(a, term, value.as_ref(), res);
        }
    };
    if let Some(def) = ns.types.get_mut(name) {
        match (def, &segments[1..]) {
            (TypeDef::Structured(t), []) => each(&mut t.annotations),
            (TypeDef::Structured(t), [prop]) => {
                if let Some(p) = t.properties.iter_mut().find(|p| p.name == *prop) {
                    each(&mut p.annotations);
                }
            }
            (TypeDef::Enum(e), []) => each(&mut e.annotations),
            (TypeDef::Enum(e), [member]) => {
                if let Some(m) = e.members.iter_mut().find(|m| m.name == *member) {
                    for (term, value) in &block.items {
                        member_description(m, term, value.as_ref());
                    }
                }
            }
            (TypeDef::Definition(d), []) => each(&mut d.annotations),
            _ => {}
        }
        return;
    }
    if let Some(c) = ns.container.as_mut().filter(|c| c.name == name) {
        if let [child] = &segments[1..] {
            if let Some(ch) = c.entity_sets.get_mut(*child).or_else(|| c.singletons.get_mut(*child)) {
                each(&mut ch.annotations);
            }
        }
        return;
    }
    if segments.len() == 1 {
        if let Some(ops) = ns.operations.get_mut(name) {
            for op in ops {
                each(&mut op.annotations);
            }
        }
    }
}

/// `ns.op(T1, Collection(T2))` targets: functions list every parameter type, actions only the
/// binding parameter (or, as Graph writes them, every parameter type). A trailing `/param` addresses a parameter, which the model does not keep.
pub(super) fn apply_to_operation(schema: &mut Schema, res: &Resolver, block: &Pending, open: usize) {
    let target = block.target.trim();
    let Some(close) = target.rfind(')').filter(|c| *c > open) else { return };
    if !target[close + 1..].trim().is_empty() {
        return;
    }
    let head = res.name(&target[..open]);
    let inner = target[open + 1..close].trim();
    let sig: Vec<TypeRef> =
        if inner.is_empty() { Vec::new() } else { inner.split(',').map(|t| res.type_ref(t)).collect() };
    let (ns_name, name) = split_qualified(&head);
    let Some(ops) = schema.namespaces.get_mut(ns_name).and_then(|ns| ns.operations.get_mut(name)) else { return };
    for op in ops {
        let types: Vec<&TypeRef> = op.parameters.iter().map(|p| &p.ty).collect();
        let all = types.len() == sig.len() && types.iter().zip(&sig).all(|(a, b)| *a == b);
        // Graph also writes every parameter type for actions; accept both spellings.
        let matches = all
            || match op.kind {
                OperationKind::Function => false,
                OperationKind::Action if op.bound => sig.len() == 1 && types.first() == Some(&&sig[0]),
                OperationKind::Action => sig.is_empty(),
            };
        if matches {
            for (term, value) in &block.items {
                apply_term(&mut op.annotations, term, value.as_ref(), res);
            }
        }
    }
}
