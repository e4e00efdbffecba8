//! CSDL JSON (OASIS OData CSDL JSON 4.01) serialised as YAML: the format of `schema/*.csdl.yaml`.
//!
//! `write` renders a [`Schema`] (only the namespaces asked for); `read` parses it back.
//! Defaults follow the standard: `$Type` is `Edm.String`, `$Nullable` is false, `$Kind` of a
//! member is `Property`. A round trip gives back the same model (tested).

use super::*;
use crate::diag::{Diagnostic, Origin};
use serde_json::{json, Map, Value};

const DESCRIPTION: &str = "@Core.Description";
const COMPUTED: &str = "@Core.Computed";
const IMMUTABLE: &str = "@Core.Immutable";
const FILTERABLE: &str = "@Capabilities.Filterable";
/// Property-level shorthand of `FilterRestrictions/FilterExpressionRestrictions`:
/// the operators a property supports (`eq ne not in startswith`).
const ALLOWED_EXPRESSIONS: &str = "@Capabilities.AllowedExpressions";
/// Property-level shorthand of `SortRestrictions`.
const SORTABLE: &str = "@Capabilities.Sortable";
const DERIVED: &str = "@Validation.DerivedTypeConstraint";

/// Renders the given namespaces of `schema` as one CSDL-JSON-in-YAML document.
/// `references` lists other documents (file name → namespaces) the schema refers to.
pub fn write(schema: &Schema, namespaces: &[&str], references: &[(&str, &[&str])]) -> String {
    let mut root = Map::new();
    root.insert("$Version".into(), json!("4.01"));
    if !references.is_empty() {
        let mut refs = Map::new();
        for (uri, nss) in references {
            let inc: Vec<Value> = nss.iter().map(|n| json!({"$Namespace": n})).collect();
            refs.insert((*uri).to_string(), json!({"$Include": inc}));
        }
        root.insert("$Reference".into(), Value::Object(refs));
    }
    for ns_name in namespaces {
        let Some(ns) = schema.namespaces.get(*ns_name) else { continue };
        if let Some(c) = &ns.container {
            root.insert("$EntityContainer".into(), json!(format!("{}.{}", ns.name, c.name)));
        }
        root.insert(ns.name.clone(), Value::Object(namespace_value(ns)));
    }
    let mut out = serde_norway::to_string(&Value::Object(root)).unwrap_or_default();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn namespace_value(ns: &Namespace) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(a) = &ns.alias {
        m.insert("$Alias".into(), json!(a));
    }
    for (name, def) in &ns.types {
        let v = match def {
            TypeDef::Structured(t) => structured_value(t),
            TypeDef::Enum(e) => enum_value(e),
            TypeDef::Definition(d) => {
                let mut o = Map::new();
                o.insert("$Kind".into(), json!("TypeDefinition"));
                o.insert("$UnderlyingType".into(), json!(d.underlying));
                annotations_into(&mut o, &d.annotations);
                o
            }
        };
        m.insert(name.clone(), Value::Object(v));
    }
    for (name, ops) in &ns.operations {
        let arr: Vec<Value> = ops.iter().map(|o| Value::Object(operation_value(o))).collect();
        m.insert(name.clone(), Value::Array(arr));
    }
    if let Some(c) = &ns.container {
        let mut o = Map::new();
        o.insert("$Kind".into(), json!("EntityContainer"));
        for (name, child) in &c.entity_sets {
            o.insert(name.clone(), Value::Object(child_value(child, true)));
        }
        for (name, child) in &c.singletons {
            o.insert(name.clone(), Value::Object(child_value(child, false)));
        }
        m.insert(c.name.clone(), Value::Object(o));
    }
    m
}

fn child_value(c: &ContainerChild, set: bool) -> Map<String, Value> {
    let mut o = Map::new();
    if set {
        o.insert("$Collection".into(), json!(true));
    }
    o.insert("$Type".into(), json!(c.ty));
    if !c.bindings.is_empty() {
        let b: Map<String, Value> = c.bindings.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        o.insert("$NavigationPropertyBinding".into(), Value::Object(b));
    }
    annotations_into(&mut o, &c.annotations);
    o
}

fn structured_value(t: &StructuredType) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert(
        "$Kind".into(),
        json!(match t.kind {
            StructuredKind::Entity => "EntityType",
            StructuredKind::Complex => "ComplexType",
        }),
    );
    if let Some(b) = &t.base {
        o.insert("$BaseType".into(), json!(b));
    }
    if t.is_abstract {
        o.insert("$Abstract".into(), json!(true));
    }
    if t.open {
        o.insert("$OpenType".into(), json!(true));
    }
    if t.has_stream {
        o.insert("$HasStream".into(), json!(true));
    }
    if !t.key.is_empty() {
        o.insert("$Key".into(), json!(t.key));
    }
    annotations_into(&mut o, &t.annotations);
    for p in &t.properties {
        o.insert(p.name.clone(), Value::Object(property_value(p)));
    }
    o
}

fn property_value(p: &Property) -> Map<String, Value> {
    let mut o = Map::new();
    if let PropertyKind::Navigation { contains_target } = p.kind {
        o.insert("$Kind".into(), json!("NavigationProperty"));
        if contains_target {
            o.insert("$ContainsTarget".into(), json!(true));
        }
    }
    if p.ty.collection {
        o.insert("$Collection".into(), json!(true));
    }
    if p.ty.name != "Edm.String" || p.is_navigation() {
        o.insert("$Type".into(), json!(p.ty.name));
    }
    if p.nullable {
        o.insert("$Nullable".into(), json!(true));
    }
    annotations_into(&mut o, &p.annotations);
    o
}

fn enum_value(e: &EnumType) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("$Kind".into(), json!("EnumType"));
    if e.is_flags {
        o.insert("$IsFlags".into(), json!(true));
    }
    if let Some(u) = &e.underlying {
        o.insert("$UnderlyingType".into(), json!(u));
    }
    annotations_into(&mut o, &e.annotations);
    for m in &e.members {
        o.insert(m.name.clone(), json!(m.value));
        if let Some(d) = &m.description {
            o.insert(format!("{}{}", m.name, DESCRIPTION), json!(d));
        }
    }
    o
}

fn operation_value(op: &Operation) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert(
        "$Kind".into(),
        json!(match op.kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        }),
    );
    if op.bound {
        o.insert("$IsBound".into(), json!(true));
    }
    if op.composable {
        o.insert("$IsComposable".into(), json!(true));
    }
    if let Some(p) = &op.entity_set_path {
        o.insert("$EntitySetPath".into(), json!(p));
    }
    if !op.parameters.is_empty() {
        let ps: Vec<Value> = op
            .parameters
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("$Name".into(), json!(p.name));
                type_into(&mut m, &p.ty, p.nullable);
                Value::Object(m)
            })
            .collect();
        o.insert("$Parameter".into(), Value::Array(ps));
    }
    if let Some(r) = &op.return_type {
        let mut m = Map::new();
        type_into(&mut m, &r.ty, r.nullable);
        o.insert("$ReturnType".into(), Value::Object(m));
    }
    annotations_into(&mut o, &op.annotations);
    o
}

fn type_into(m: &mut Map<String, Value>, ty: &TypeRef, nullable: bool) {
    if ty.collection {
        m.insert("$Collection".into(), json!(true));
    }
    if ty.name != "Edm.String" {
        m.insert("$Type".into(), json!(ty.name));
    }
    if nullable {
        m.insert("$Nullable".into(), json!(true));
    }
}

fn annotations_into(o: &mut Map<String, Value>, a: &Annotations) {
    if let Some(d) = &a.description {
        o.insert(DESCRIPTION.into(), json!(d));
    }
    if a.computed {
        o.insert(COMPUTED.into(), json!(true));
    }
    if a.immutable {
        o.insert(IMMUTABLE.into(), json!(true));
    }
    if let Some(f) = a.filterable {
        o.insert(FILTERABLE.into(), json!(f));
    }
    if let Some(ops) = &a.filter_operators {
        o.insert(ALLOWED_EXPRESSIONS.into(), json!(ops));
    }
    if let Some(s) = a.sortable {
        o.insert(SORTABLE.into(), json!(s));
    }
    if !a.derived_type_constraint.is_empty() {
        o.insert(DERIVED.into(), json!(a.derived_type_constraint));
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

struct Reader<'a> {
    file: &'a str,
    /// (line, indent, key) of every mapping key in the text, for diagnostics.
    keys: Vec<(u32, usize, String)>,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Line of `key` nested under the path (best effort: first matching key after the parent).
    fn line_of(&self, path: &[&str]) -> u32 {
        let mut from = 0usize;
        let mut line = 0u32;
        for (depth, k) in path.iter().enumerate() {
            let _ = depth;
            match self.keys[from..].iter().position(|(_, _, key)| key == k) {
                Some(i) => {
                    from += i;
                    line = self.keys[from].0;
                    from += 1;
                }
                None => break,
            }
        }
        line
    }
    fn origin(&self, path: &[&str]) -> Origin {
        Origin::new(self.file, self.line_of(path), 1)
    }
    fn err(&mut self, code: &'static str, path: &[&str], msg: String) {
        let o = self.origin(path);
        self.diags.push(Diagnostic::error(code, o, msg));
    }
}

/// The key named by serde_norway's `duplicate entry with key "x"` error.
fn duplicate_key(msg: &str) -> Option<String> {
    let rest = &msg[msg.find("duplicate entry with key ")? + "duplicate entry with key ".len()..];
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

fn scan_keys(text: &str) -> Vec<(u32, usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim_start().trim_start_matches("- ");
        if t.starts_with('#') {
            continue;
        }
        if let Some(colon) = t.find(':') {
            let k = t[..colon].trim().trim_matches('"').trim_matches('\'');
            if !k.is_empty() && !k.contains(' ') {
                out.push((i as u32 + 1, indent, k.to_string()));
            }
        }
    }
    out
}

/// Parses a CSDL-JSON-as-YAML document. Problems become diagnostics (`schema-yaml`,
/// `schema-yaml-shape`) with file and line; the model keeps whatever could be read.
pub fn read(file: &str, text: &str) -> (Schema, Vec<Diagnostic>) {
    let mut r = Reader { file, keys: scan_keys(text), diags: Vec::new() };
    let mut schema = Schema::default();
    // Duplicate keys: serde_json's map keeps the last silently, YAML's own value refuses them.
    if let Err(e) = serde_norway::from_str::<serde_norway::Value>(text) {
        if let Some(key) = duplicate_key(&e.to_string()) {
            let first = e.location().map(|l| l.line() as u32).unwrap_or(0);
            // The second occurrence of the key at the indent of its first one after the mapping start.
            let mut hits = r.keys.iter().filter(|(l, _, k)| *l >= first && k == &key);
            let line = match (hits.next(), hits.next()) {
                (Some(_), Some((l, _, _))) => *l,
                (Some((l, _, _)), None) => *l,
                _ => first.max(1),
            };
            let msg = format!("duplicate key `{key}`; the last one would silently win");
            r.diags.push(Diagnostic::error("schema-yaml", Origin::new(file, line, 1), msg));
            return (schema, r.diags);
        }
    }
    let root: Value = match serde_norway::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, col) = e.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((0, 0));
            r.diags.push(Diagnostic::error("schema-yaml", Origin::new(file, line, col), format!("not valid YAML: {e}")));
            return (schema, r.diags);
        }
    };
    let Some(root) = root.as_object() else {
        let msg = if root.is_null() { "the document is empty; it must be a mapping" } else { "the document must be a mapping" };
        r.diags.push(Diagnostic::error("schema-yaml-shape", Origin::new(file, 1, 1), msg));
        return (schema, r.diags);
    };
    for (key, v) in root {
        if key.starts_with('$') || key.starts_with('@') {
            continue;
        }
        let Some(obj) = v.as_object() else {
            r.err("schema-yaml-shape", &[key], format!("namespace `{key}` must be a mapping"));
            continue;
        };
        let ns = read_namespace(&mut r, key, obj);
        schema.namespaces.insert(key.clone(), ns);
    }
    r.diags.extend(schema.base_cycle_diagnostics());
    (schema, r.diags)
}

fn read_namespace(r: &mut Reader, ns_name: &str, obj: &Map<String, Value>) -> Namespace {
    let mut ns = Namespace { name: ns_name.to_string(), ..Default::default() };
    ns.alias = obj.get("$Alias").and_then(Value::as_str).map(str::to_string);
    for (name, v) in obj {
        if name.starts_with('$') || name.starts_with('@') {
            continue;
        }
        let path = [ns_name, name.as_str()];
        if let Some(arr) = v.as_array() {
            let ops: Vec<Operation> =
                arr.iter().filter_map(|o| o.as_object()).map(|o| read_operation(r, &path, name, o)).collect();
            ns.operations.insert(name.clone(), ops);
            continue;
        }
        let Some(o) = v.as_object() else {
            r.err("schema-yaml-shape", &path, format!("`{ns_name}.{name}` must be a mapping or a list"));
            continue;
        };
        let origin = r.origin(&path);
        match o.get("$Kind").and_then(Value::as_str) {
            Some("EntityType") | Some("ComplexType") => {
                let t = read_structured(r, &path, name, o, origin);
                ns.types.insert(name.clone(), TypeDef::Structured(t));
            }
            Some("EnumType") => {
                let e = read_enum(r, &path, name, o, origin);
                ns.types.insert(name.clone(), TypeDef::Enum(e));
            }
            Some("TypeDefinition") => {
                let d = TypeDefinition {
                    name: name.clone(),
                    underlying: str_of(o, "$UnderlyingType").unwrap_or("Edm.String").to_string(),
                    annotations: read_annotations(o, ""),
                    origin,
                };
                ns.types.insert(name.clone(), TypeDef::Definition(d));
            }
            Some("EntityContainer") => ns.container = Some(read_container(r, &path, name, o, origin)),
            other => {
                let msg = match other {
                    Some(k) => format!("`{ns_name}.{name}` has unknown $Kind `{k}`"),
                    None => format!("`{ns_name}.{name}` has no $Kind"),
                };
                r.err("schema-yaml-shape", &path, msg);
            }
        }
    }
    ns
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}
fn bool_of(o: &Map<String, Value>, k: &str) -> bool {
    o.get(k).and_then(Value::as_bool).unwrap_or(false)
}

fn read_annotations(o: &Map<String, Value>, prefix: &str) -> Annotations {
    let key = |s: &str| format!("{prefix}{s}");
    Annotations {
        description: o.get(&key(DESCRIPTION)).and_then(Value::as_str).map(str::to_string),
        computed: o.get(&key(COMPUTED)).and_then(Value::as_bool).unwrap_or(false),
        immutable: o.get(&key(IMMUTABLE)).and_then(Value::as_bool).unwrap_or(false),
        filterable: o.get(&key(FILTERABLE)).and_then(Value::as_bool),
        filter_operators: o.get(&key(ALLOWED_EXPRESSIONS)).and_then(Value::as_str).map(str::to_string),
        sortable: o.get(&key(SORTABLE)).and_then(Value::as_bool),
        capabilities: Capabilities::default(),
        derived_type_constraint: o
            .get(&key(DERIVED))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

fn read_structured(r: &mut Reader, path: &[&str], name: &str, o: &Map<String, Value>, origin: Origin) -> StructuredType {
    let kind = if str_of(o, "$Kind") == Some("EntityType") { StructuredKind::Entity } else { StructuredKind::Complex };
    let mut t = StructuredType {
        name: name.to_string(),
        kind,
        base: str_of(o, "$BaseType").map(str::to_string),
        is_abstract: bool_of(o, "$Abstract"),
        open: bool_of(o, "$OpenType"),
        has_stream: bool_of(o, "$HasStream"),
        key: o
            .get("$Key")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default(),
        properties: Vec::new(),
        annotations: read_annotations(o, ""),
        origin,
    };
    for (pname, pv) in o {
        if pname.starts_with('$') || pname.starts_with('@') {
            continue;
        }
        let mut ppath = path.to_vec();
        ppath.push(pname);
        let Some(po) = pv.as_object() else {
            r.err("schema-yaml-shape", &ppath, format!("property `{name}.{pname}` must be a mapping"));
            continue;
        };
        let kind = match str_of(po, "$Kind") {
            Some("NavigationProperty") => PropertyKind::Navigation { contains_target: bool_of(po, "$ContainsTarget") },
            None | Some("Property") => PropertyKind::Structural,
            Some(k) => {
                r.err("schema-yaml-shape", &ppath, format!("property `{name}.{pname}` has unknown $Kind `{k}`"));
                continue;
            }
        };
        t.properties.push(Property {
            name: pname.clone(),
            ty: TypeRef::new(str_of(po, "$Type").unwrap_or("Edm.String"), bool_of(po, "$Collection")),
            nullable: bool_of(po, "$Nullable"),
            kind,
            annotations: read_annotations(po, ""),
            origin: r.origin(&ppath),
        });
    }
    t
}

fn read_enum(r: &mut Reader, path: &[&str], name: &str, o: &Map<String, Value>, origin: Origin) -> EnumType {
    let mut e = EnumType {
        name: name.to_string(),
        is_flags: bool_of(o, "$IsFlags"),
        underlying: str_of(o, "$UnderlyingType").map(str::to_string),
        members: Vec::new(),
        annotations: read_annotations(o, ""),
        origin,
    };
    for (m, v) in o {
        if m.starts_with('$') || m.contains('@') {
            continue;
        }
        let Some(value) = v.as_i64() else {
            let mut p = path.to_vec();
            p.push(m);
            r.err("schema-yaml-shape", &p, format!("enum member `{name}.{m}` needs an integer value"));
            continue;
        };
        let description = o.get(&format!("{m}{DESCRIPTION}")).and_then(Value::as_str).map(str::to_string);
        e.members.push(EnumMember { name: m.clone(), value, description });
    }
    e
}

fn read_type(o: &Map<String, Value>) -> (TypeRef, bool) {
    (TypeRef::new(str_of(o, "$Type").unwrap_or("Edm.String"), bool_of(o, "$Collection")), bool_of(o, "$Nullable"))
}

fn read_operation(r: &mut Reader, path: &[&str], name: &str, o: &Map<String, Value>) -> Operation {
    let kind = if str_of(o, "$Kind") == Some("Function") { OperationKind::Function } else { OperationKind::Action };
    let parameters = o
        .get("$Parameter")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(Value::as_object)
                .map(|p| {
                    let (ty, nullable) = read_type(p);
                    Parameter { name: str_of(p, "$Name").unwrap_or("").to_string(), ty, nullable }
                })
                .collect()
        })
        .unwrap_or_default();
    let return_type = o.get("$ReturnType").and_then(Value::as_object).map(|rt| {
        let (ty, nullable) = read_type(rt);
        ReturnType { ty, nullable }
    });
    Operation {
        name: name.to_string(),
        kind,
        bound: bool_of(o, "$IsBound"),
        parameters,
        return_type,
        composable: bool_of(o, "$IsComposable"),
        entity_set_path: str_of(o, "$EntitySetPath").map(str::to_string),
        annotations: read_annotations(o, ""),
        origin: r.origin(path),
    }
}

fn read_container(r: &mut Reader, path: &[&str], name: &str, o: &Map<String, Value>, origin: Origin) -> EntityContainer {
    let mut c = EntityContainer { name: name.to_string(), origin, ..Default::default() };
    for (cname, v) in o {
        if cname.starts_with('$') || cname.starts_with('@') {
            continue;
        }
        let mut p = path.to_vec();
        p.push(cname);
        let Some(co) = v.as_object() else { continue };
        let Some(ty) = str_of(co, "$Type") else {
            r.err("schema-yaml-shape", &p, format!("container child `{cname}` has no $Type"));
            continue;
        };
        let child = ContainerChild {
            name: cname.clone(),
            ty: ty.to_string(),
            bindings: co
                .get("$NavigationPropertyBinding")
                .and_then(Value::as_object)
                .map(|b| b.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
                .unwrap_or_default(),
            annotations: read_annotations(co, ""),
            origin: r.origin(&p),
        };
        if bool_of(co, "$Collection") {
            c.entity_sets.insert(cname.clone(), child);
        } else {
            c.singletons.insert(cname.clone(), child);
        }
    }
    c
}
