//! Lowering: schema + API facts → IR. Named passes, each a plain function:
//! `attach_operations` (resolve every documented request line to a builder and an operation),
//! `useful_nodes` (dependency closure: only builders on a path to an operation),
//! `lower_models` (types of the generated namespaces + opaque referenced types),
//! `lower_builders`, `lower_examples`.

use super::naming::{camel, dedupe, dedupe_camel, snake};
use super::*;
use crate::csdl::*;
use crate::derive::parse_type_text;
use crate::diag::{Diagnostic, Origin};
use crate::extract::{ApiFacts, PermissionFacts, Row};
use crate::paths::{self, SegKind};
use std::collections::{BTreeMap, BTreeSet};

/// A builder node: a type addressed as a collection or as a single entity.
type Node = (String, bool);
/// Operations attached to each node, by (kind, action segment).
type NodeOps = BTreeMap<Node, BTreeMap<(OpKind, String), OpAccum>>;

#[derive(Default)]
struct OpAccum {
    kind: Option<OpKind>,
    http_method: String,
    segment: Option<String>,
    action_qname: Option<String>,
    titles: BTreeSet<String>,
    pages: BTreeSet<String>,
    paths: BTreeMap<String, Option<PermissionFacts>>,
    headers: BTreeMap<String, (Option<String>, bool)>,
    query: BTreeSet<String>,
    body_rows: Vec<Row>,
    body_rels: Vec<Row>,
    pages_with_body: BTreeSet<String>,
    /// CSDL-only: the operation this method calls (parameters, return type), and a
    /// representative path template of the node.
    csdl: Option<Operation>,
    csdl_path: Option<String>,
}

/// Same least/higher permissions per scheme (where the tables come from does not matter).
fn same_permissions(a: &PermissionFacts, b: &PermissionFacts) -> bool {
    a.delegated_work == b.delegated_work && a.delegated_personal == b.delegated_personal && a.application == b.application
}

fn is_required(r: &Row) -> bool {
    let d = r.description.to_ascii_lowercase();
    d.contains("required") && !d.contains("not required")
}

/// One write model serves every page of an operation (e.g. POST to an allotment's or a
/// user's assignments): a field is required only where every page requires it.
fn merge_body_rows(acc: &mut Vec<Row>, page: &[Row], first: bool) {
    for r in acc.iter_mut() {
        let on_page = page.iter().find(|p| p.name == r.name);
        if is_required(r) && !on_page.is_some_and(is_required) {
            r.description = format!("{} (optional on some paths)", r.description.replace("Required.", "").trim());
        }
    }
    for p in page {
        if !acc.iter().any(|r| r.name == p.name) {
            let mut p = p.clone();
            if !first && is_required(&p) {
                p.description = format!("{} (optional on some paths)", p.description.replace("Required.", "").trim());
            }
            acc.push(p);
        }
    }
}

pub struct Lowered {
    pub ir: Ir,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of documented request lines that resolved.
    pub paths_resolved: usize,
}

fn op_kind(method: &str, collection: bool) -> Option<OpKind> {
    Some(match (method, collection) {
        ("GET", true) => OpKind::List,
        ("GET", false) => OpKind::Get,
        ("POST", true) => OpKind::Create,
        ("PATCH", false) => OpKind::Update,
        ("PUT", false) => OpKind::Replace,
        ("DELETE", false) => OpKind::Delete,
        _ => return None,
    })
}

fn kind_word(k: OpKind) -> &'static str {
    match k {
        OpKind::Get => "get",
        OpKind::List => "list",
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Replace => "replace",
        OpKind::Delete => "delete",
        OpKind::Action => "action",
    }
}

/// Lowers the schema (`schema` holds the generated namespaces and everything they refer to)
/// and the API pages into the IR.
pub fn lower(schema: &Schema, namespaces: &[String], apis: &[ApiFacts]) -> Lowered {
    let mut diags = Vec::new();
    let (ops, resolved) = attach_operations(schema, apis, &mut diags);
    let mut ir = lower_types_and_builders(schema, namespaces, &ops, &mut diags);
    lower_examples(schema, apis, &mut ir, &mut diags);
    Lowered { ir, diagnostics: diags, paths_resolved: resolved }
}

/// The passes shared by docs and CSDL-only lowering, once the operations are attached:
/// dependency closure, models, builders (which add write models), Rust names.
fn lower_types_and_builders(schema: &Schema, namespaces: &[String], ops: &NodeOps, diags: &mut Vec<Diagnostic>) -> Ir {
    let useful = useful_nodes(schema, ops);
    let mut ir = Ir { namespaces: namespaces.to_vec(), ..Default::default() };
    lower_models(schema, namespaces, &useful, &mut ir);
    fix_model_names(&mut ir);
    lower_builders(schema, ops, &useful, &mut ir, diags);
    // Builders add write models: name those too.
    fix_model_names(&mut ir);
    ir
}

/// Depth (segments after the root segment) of the path-template figure.
pub const PATH_DEPTH: usize = 4;

/// Lowers a schema without docs: operations come from the entity container (entity sets,
/// singletons, navigation, Capabilities restrictions) and bound actions and functions. Keeps
/// the navigation-graph shape: one item and one collection builder per reachable type, so the
/// number of builders is bounded by types, not by paths.
pub fn lower_csdl(schema: &Schema, namespaces: &[String]) -> Lowered {
    let mut diags = Vec::new();
    let reach = reachable(schema);
    let ops = csdl_operations(schema, &reach);
    let mut ir = lower_types_and_builders(schema, namespaces, &ops, &mut diags);
    // Namespaces that declare the container are covered by its areas, not by a namespace feature.
    let container_ns: BTreeSet<String> =
        schema.namespaces.iter().filter(|(_, n)| n.container.is_some()).map(|(k, _)| k.clone()).collect();
    compute_features(&mut ir, &container_ns);
    ir.figures = Figures {
        reachable_nodes: reach.len(),
        path_templates: count_path_templates(schema, &reach, &ops, PATH_DEPTH),
        path_depth: PATH_DEPTH,
    };
    Lowered { ir, diagnostics: diags, paths_resolved: 0 }
}

/// Nodes reachable from the container, each with the shortest path template reaching it
/// (breadth first; roots in name order, edges in declared order: deterministic).
fn reachable(schema: &Schema) -> BTreeMap<Node, String> {
    let mut seen: BTreeMap<Node, String> = BTreeMap::new();
    let mut queue: std::collections::VecDeque<(Node, String)> =
        roots(schema).into_iter().map(|(name, n)| (n, format!("/{name}"))).collect();
    while let Some((n, path)) = queue.pop_front() {
        if seen.contains_key(&n) {
            continue;
        }
        for (seg, t) in edges(schema, &n) {
            if !seen.contains_key(&t) {
                let next = if seg == "{key}" {
                    format!("{path}/{{{}-id}}", split_qualified(&n.0).1)
                } else {
                    format!("{path}/{seg}")
                };
                queue.push_back((t, next));
            }
        }
        seen.insert(n, path);
    }
    seen
}

/// How many distinct path templates the container allows with at most `depth` segments after
/// the root segment, counted over the node graph `nodes` (never materialised). The bound
/// operations of `ops` count as a final segment.
fn count_path_templates(schema: &Schema, nodes: &BTreeMap<Node, String>, ops: &NodeOps, depth: usize) -> u128 {
    let bound: BTreeMap<&Node, usize> =
        ops.iter().map(|(n, by)| (n, by.keys().filter(|(k, _)| *k == OpKind::Action).count())).collect();
    let mut cur: BTreeMap<Node, u128> = BTreeMap::new();
    for (_, n) in roots(schema) {
        *cur.entry(n).or_default() += 1;
    }
    let mut total: u128 = 0;
    for d in 0..=depth {
        let mut next: BTreeMap<Node, u128> = BTreeMap::new();
        for (n, count) in &cur {
            total = total.saturating_add(*count);
            if d == depth {
                continue;
            }
            // Operations end a path: one more segment each.
            let calls = bound.get(n).copied().unwrap_or(0) as u128;
            total = total.saturating_add(count.saturating_mul(calls));
            for (_, t) in edges(schema, n) {
                if nodes.contains_key(&t) {
                    let e = next.entry(t).or_default();
                    *e = e.saturating_add(*count);
                }
            }
        }
        cur = next;
    }
    total
}

/// Bound operations by binding node (binding type, collection), in schema order.
fn bound_operations(schema: &Schema) -> BTreeMap<Node, Vec<(&str, &str, &Operation)>> {
    let mut by: BTreeMap<Node, Vec<(&str, &str, &Operation)>> = BTreeMap::new();
    for (ns_name, ns) in &schema.namespaces {
        for (name, overloads) in &ns.operations {
            for op in overloads.iter().filter(|o| o.bound) {
                if let Some(b) = op.parameters.first() {
                    by.entry((b.ty.name.clone(), b.ty.collection)).or_default().push((ns_name, name, op));
                }
            }
        }
    }
    by
}

/// The bound operations callable on `node`: those bound to its type or to a base type (an
/// operation bound to `directoryObject` is called on `/users/{id}` too), by call segment.
/// The nearest binding wins; between overloads of one binding, the first.
fn operations_on<'s>(schema: &Schema, bound: &BTreeMap<Node, Vec<(&'s str, &'s str, &'s Operation)>>, node: &Node) -> BTreeMap<String, (&'s str, &'s str, &'s Operation)> {
    let mut out = BTreeMap::new();
    for ty in schema.lineage(&node.0) {
        for &(ns_name, name, op) in bound.get(&(ty, node.1)).into_iter().flatten() {
            // Operations of the default namespace are called by simple name, others qualified.
            let segment = if ns_name == "microsoft.graph" { name.to_string() } else { format!("{ns_name}.{name}") };
            out.entry(segment).or_insert((ns_name, name, op));
        }
    }
    out
}

/// Operations derived from the container: list/create on collections, get/update/delete on
/// items (by Capabilities restrictions on the container children and navigation properties
/// that reach the node; allowed unless every way in forbids it), and bound actions/functions.
fn csdl_operations(schema: &Schema, reach: &BTreeMap<Node, String>) -> NodeOps {
    // Capabilities of the ways into each node: (insertable, updatable, deletable) allowed?
    #[derive(Default, Clone, Copy)]
    struct Allowed {
        insert: bool,
        update: bool,
        delete: bool,
    }
    let mut allowed: BTreeMap<Node, Allowed> = BTreeMap::new();
    let mut allow = |n: Node, c: &Capabilities, deletable: bool| {
        let a = allowed.entry(n).or_default();
        a.insert |= c.insertable != Some(false);
        a.update |= c.updatable != Some(false);
        a.delete |= deletable && c.deletable != Some(false);
    };
    if let Some((_, c)) = schema.container() {
        for s in c.entity_sets.values() {
            allow((s.ty.clone(), true), &s.annotations.capabilities, true);
            allow((s.ty.clone(), false), &s.annotations.capabilities, true);
        }
        for s in c.singletons.values() {
            // A singleton can be read and updated, never deleted.
            allow((s.ty.clone(), false), &s.annotations.capabilities, false);
        }
    }
    for n in reach.keys().filter(|n| !n.1) {
        for p in schema.all_properties(&n.0).into_iter().filter(|p| p.is_navigation()) {
            let t = (p.ty.name.clone(), p.ty.collection);
            allow(t.clone(), &p.annotations.capabilities, true);
            if p.ty.collection {
                allow((p.ty.name.clone(), false), &p.annotations.capabilities, true);
            }
        }
    }
    let mut ops: NodeOps = BTreeMap::new();
    for (node, path) in reach {
        let a = allowed.get(node).copied().unwrap_or_default();
        let mut kinds = vec![if node.1 { OpKind::List } else { OpKind::Get }];
        if node.1 && a.insert {
            kinds.push(OpKind::Create);
        }
        if !node.1 && a.update {
            kinds.push(OpKind::Update);
        }
        if !node.1 && a.delete {
            kinds.push(OpKind::Delete);
        }
        for k in kinds {
            let acc = ops.entry(node.clone()).or_default().entry((k, String::new())).or_default();
            acc.kind = Some(k);
            acc.http_method = match k {
                OpKind::List | OpKind::Get => "GET",
                OpKind::Create => "POST",
                OpKind::Update => "PATCH",
                OpKind::Replace => "PUT",
                OpKind::Delete => "DELETE",
                OpKind::Action => "POST",
            }
            .into();
            acc.csdl_path = Some(path.clone());
        }
    }
    let bound = bound_operations(schema);
    for (node, path) in reach {
        for (segment, (ns_name, name, op)) in operations_on(schema, &bound, node) {
            // `operations_on` gives each segment once, and the loop above adds no actions.
            let acc = ops.entry(node.clone()).or_default().entry((OpKind::Action, segment.clone())).or_default();
            acc.kind = Some(OpKind::Action);
            acc.http_method = if op.kind == OperationKind::Function { "GET" } else { "POST" }.into();
            acc.segment = Some(segment.clone());
            acc.action_qname = Some(format!("{ns_name}.{name}"));
            let args = if op.kind == OperationKind::Function {
                let ps: Vec<String> = op.parameters.iter().skip(1).map(|p| format!("{0}={{{0}}}", p.name)).collect();
                format!("({})", ps.join(","))
            } else {
                String::new()
            };
            acc.csdl_path = Some(format!("{path}/{segment}{args}"));
            acc.csdl = Some(op.clone());
        }
    }
    ops
}

/// Names that a model's items must not take: std prelude types used by generated code.
const RESERVED_ITEMS: &[&str] = &["String", "Option", "Vec", "Box", "Result", "Some", "None", "Ok", "Err", "Self_"];
/// Module names used by the generated crate inside a namespace module.
const RESERVED_MODULES: &[&str] = &["requests", "operations", "mod", "self", "super", "crate"];

/// Item names a model file declares (they are glob re-exported by the namespace module).
fn model_items(rust: &str, kind: &ModelKind) -> Vec<String> {
    match kind {
        ModelKind::Struct(s) if s.write.is_none() => vec![rust.to_string(), format!("{rust}Field"), format!("{rust}Expand")],
        ModelKind::Struct(_) => vec![rust.to_string()],
        ModelKind::Enum(e) if e.flags => vec![rust.to_string(), format!("{rust}Member")],
        ModelKind::Enum(_) => vec![rust.to_string()],
    }
}

/// Makes module (file) names and every re-exported item name unique within each namespace
/// module, whatever the case conversion made of the wire names. Type models are named first
/// (stable), then write models; a colliding name gets a number (`Foo2`, `foo_2`).
fn fix_model_names(ir: &mut Ir) {
    let mut order: Vec<(bool, String, String)> = ir
        .models
        .values()
        .map(|m| (matches!(&m.kind, ModelKind::Struct(s) if s.write.is_some()), m.namespace.clone(), m.qname.clone()))
        .collect();
    order.sort();
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut items: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, ns, q) in order {
        let m = ir.models.get_mut(&q).expect("model exists");
        let mods = modules.entry(ns.clone()).or_insert_with(|| RESERVED_MODULES.iter().map(|s| s.to_string()).collect());
        let its = items.entry(ns).or_insert_with(|| RESERVED_ITEMS.iter().map(|s| s.to_string()).collect());
        let base_rust = m.rust_name.clone();
        let mut i = 1;
        loop {
            let rust = if i == 1 { base_rust.clone() } else { format!("{base_rust}{i}") };
            let wanted = model_items(&rust, &m.kind);
            if wanted.iter().all(|w| !its.contains(w)) {
                its.extend(wanted);
                m.rust_name = rust;
                break;
            }
            i += 1;
        }
        let base_mod = m.module.clone();
        let mut i = 1;
        loop {
            let module = if i == 1 { base_mod.clone() } else { format!("{base_mod}_{i}") };
            if mods.insert(module.clone()) {
                m.module = module;
                break;
            }
            i += 1;
        }
    }
}

fn attach_operations(
    schema: &Schema,
    apis: &[ApiFacts],
    diags: &mut Vec<Diagnostic>,
) -> (NodeOps, usize) {
    let mut ops: NodeOps = BTreeMap::new();
    let mut resolved_count = 0;
    for api in apis {
        for line in &api.http_lines {
            let origin = Origin::new(api.file.clone(), line.line, 1);
            let r = match paths::resolve(schema, &line.path) {
                Ok(r) => r,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "doc-path-unresolved",
                        origin,
                        format!("`{} {}` does not resolve: {}", line.method, line.path, e.message),
                    ));
                    continue;
                }
            };
            let target = r.target();
            let (node, kind, segment, action) = match &target.kind {
                SegKind::Operation { qname } => {
                    ((target.ty.name.clone(), target.ty.collection), OpKind::Action, Some(target.text.clone()), Some(qname.clone()))
                }
                _ => {
                    let Some(k) = op_kind(&line.method, target.ty.collection) else {
                        diags.push(Diagnostic::error(
                            "doc-method-unsupported",
                            origin,
                            format!("`{}` on a {} is not an operation a client can build", line.method,
                                if target.ty.collection { "collection" } else { "single entity" }),
                        ));
                        continue;
                    };
                    ((target.ty.name.clone(), target.ty.collection), k, None, None)
                }
            };
            resolved_count += 1;
            let acc = ops.entry(node).or_default().entry((kind, segment.clone().unwrap_or_default())).or_default();
            acc.kind = Some(kind);
            acc.http_method = line.method.clone();
            acc.segment = segment;
            acc.action_qname = action;
            acc.titles.insert(api.title.clone());
            acc.pages.insert(api.file.clone());
            // Permissions of the group listing this path (same method and path shape).
            let shape = r.shape();
            let perms = api.permission_groups.iter().find(|g| {
                g.paths.iter().any(|p| {
                    p.method == line.method && paths::resolve(schema, &p.path).map(|x| x.shape()) == Ok(shape.clone())
                })
            });
            let entry = acc.paths.entry(line.path.clone()).or_insert(None);
            if let Some(new) = perms.and_then(|g| g.permissions.as_ref()) {
                match entry {
                    None => *entry = Some(new.clone()),
                    // Two pages document the same path with different tables: the first (in
                    // page order) is kept, and the disagreement is reported.
                    Some(kept) if !same_permissions(kept, new) => diags.push(Diagnostic::warning(
                        "doc-permissions-conflict",
                        new.origin.clone(),
                        format!(
                            "permissions for `{} {}` differ from the table at {}, which is kept",
                            line.method, line.path, kept.origin
                        ),
                    )),
                    Some(_) => {}
                }
            }
            for h in &api.headers {
                if h.name.eq_ignore_ascii_case("authorization") {
                    continue;
                }
                let required = h.description.to_ascii_lowercase().contains("required");
                let first = h.description.split(['.', ' ']).next().unwrap_or("").trim();
                let value = (!first.is_empty() && !first.contains('{') && (first.contains('/') || first == "eventual"))
                    .then(|| first.to_string());
                acc.headers.insert(h.name.clone(), (value, required));
            }
            acc.query.extend(api.query_options.iter().cloned());
            if !acc.pages_with_body.contains(&api.file) {
                acc.pages_with_body.insert(api.file.clone());
                merge_body_rows(&mut acc.body_rows, &api.body_properties, acc.pages_with_body.len() == 1);
                merge_body_rows(&mut acc.body_rels, &api.body_relationships, acc.pages_with_body.len() == 1);
            }
        }
    }
    (ops, resolved_count)
}

/// Navigation edges of a node: (method/segment name, target node).
fn edges(schema: &Schema, node: &Node) -> Vec<(String, Node)> {
    let (ty, collection) = node;
    if *collection {
        return vec![("{key}".into(), (ty.clone(), false))];
    }
    schema
        .all_properties(ty)
        .into_iter()
        .filter(|p| p.is_navigation())
        .map(|p| (p.name.clone(), (p.ty.name.clone(), p.ty.collection)))
        .collect()
}

fn roots(schema: &Schema) -> Vec<(String, Node)> {
    let Some((_, c)) = schema.container() else { return Vec::new() };
    let mut out: Vec<(String, Node)> =
        c.entity_sets.values().map(|s| (s.name.clone(), (s.ty.clone(), true))).collect();
    out.extend(c.singletons.values().map(|s| (s.name.clone(), (s.ty.clone(), false))));
    out.sort();
    out
}

/// Nodes reachable from the container that lead to at least one operation.
fn useful_nodes(schema: &Schema, ops: &NodeOps) -> BTreeSet<Node> {
    // Reachable set.
    let mut reach: BTreeSet<Node> = BTreeSet::new();
    let mut stack: Vec<Node> = roots(schema).into_iter().map(|(_, n)| n).collect();
    while let Some(n) = stack.pop() {
        if !reach.insert(n.clone()) {
            continue;
        }
        for (_, t) in edges(schema, &n) {
            if !reach.contains(&t) {
                stack.push(t);
            }
        }
    }
    // Useful: has operations, or an edge to a useful node (fixpoint).
    let mut useful: BTreeSet<Node> = reach.iter().filter(|n| ops.contains_key(*n)).cloned().collect();
    loop {
        let before = useful.len();
        for n in &reach {
            if !useful.contains(n) && edges(schema, n).iter().any(|(_, t)| useful.contains(t)) {
                useful.insert(n.clone());
            }
        }
        if useful.len() == before {
            break;
        }
    }
    useful
}

fn field_type(t: &TypeRef) -> FieldType {
    match t.name.as_str() {
        "Edm.String" | "Edm.Binary" => FieldType::String,
        "Edm.Boolean" => FieldType::Bool,
        "Edm.Int16" => FieldType::I16,
        "Edm.Int32" => FieldType::I32,
        "Edm.Int64" => FieldType::I64,
        "Edm.Byte" => FieldType::U8,
        "Edm.SByte" => FieldType::I8,
        "Edm.Single" => FieldType::F32,
        "Edm.Double" => FieldType::F64,
        "Edm.Decimal" => FieldType::Number,
        "Edm.Guid" => FieldType::Guid,
        "Edm.DateTimeOffset" => FieldType::DateTimeOffset,
        "Edm.Date" => FieldType::Date,
        "Edm.TimeOfDay" => FieldType::TimeOfDay,
        "Edm.Duration" => FieldType::Duration,
        n if n.starts_with("Edm.") => FieldType::Json,
        n => FieldType::Model(n.to_string()),
    }
}

fn model_names(qname: &str) -> (String, String, String) {
    let (ns, simple) = split_qualified(qname);
    (ns.to_string(), snake(simple), camel(simple))
}

fn lower_models(schema: &Schema, namespaces: &[String], useful: &BTreeSet<Node>, ir: &mut Ir) {
    let scope: BTreeSet<&str> = namespaces.iter().map(String::as_str).collect();
    let in_scope = |q: &str| scope.contains(split_qualified(q).0);
    // Closure: types of the generated namespaces, plus what they and the builders refer to.
    let mut want: BTreeSet<String> = BTreeSet::new();
    for n in namespaces {
        if let Some(ns) = schema.namespaces.get(n) {
            want.extend(ns.types.keys().map(|t| format!("{n}.{t}")));
        }
    }
    want.extend(useful.iter().map(|(t, _)| t.clone()));
    let mut queue: Vec<String> = want.iter().cloned().collect();
    while let Some(q) = queue.pop() {
        if !in_scope(&q) {
            continue;
        }
        let Some(TypeDef::Structured(_)) = schema.get(&q) else { continue };
        for p in schema.all_properties(&q) {
            if !p.ty.is_edm() && want.insert(p.ty.name.clone()) {
                queue.push(p.ty.name.clone());
            }
        }
    }
    for q in want {
        let Some(def) = schema.get(&q) else { continue };
        let (ns, module, rust) = model_names(&q);
        let kind = match def {
            TypeDef::Enum(e) => {
                let mut variants: Vec<String> = e.members.iter().map(|m| camel(&m.name)).collect();
                dedupe_camel(&mut variants, &["Unknown"]);
                ModelKind::Enum(EnumModel {
                    flags: e.is_flags,
                    members: e
                        .members
                        .iter()
                        .zip(variants)
                        .map(|(m, v)| (m.name.clone(), v, m.value, m.description.clone()))
                        .collect(),
                })
            }
            TypeDef::Definition(_) => continue,
            TypeDef::Structured(s) => {
                let opaque = !in_scope(&q);
                let props: Vec<&Property> = if opaque {
                    schema.all_properties(&q).into_iter().filter(|p| p.name == "id").collect()
                } else {
                    schema.all_properties(&q)
                };
                let mut rust_names: Vec<String> = props.iter().map(|p| snake(&p.name)).collect();
                dedupe(&mut rust_names, &["odata_type", "additional"]);
                let mut variants: Vec<String> = props.iter().map(|p| camel(&p.name)).collect();
                dedupe_camel(&mut variants, &[]);
                let fields: Vec<Field> = props
                    .iter()
                    .zip(rust_names)
                    .zip(variants)
                    .map(|((p, rust), variant)| Field {
                        wire: p.name.clone(),
                        rust,
                        variant,
                        ty: field_type(&p.ty),
                        collection: p.ty.collection,
                        nullable: p.nullable,
                        navigation: p.is_navigation(),
                        read_only: p.annotations.computed,
                        filterable: p.annotations.filterable.unwrap_or(false),
                        required: false,
                        doc: p.annotations.description.clone(),
                    })
                    .collect();
                // OData expands navigation properties only; a complex-typed property is
                // always inline (Graph answers 400 to `$expand` on one).
                let expands = fields
                    .iter()
                    .filter(|f| f.navigation)
                    .filter_map(|f| match &f.ty {
                        FieldType::Model(m) => Some((f.wire.clone(), f.rust.clone(), m.clone())),
                        _ => None,
                    })
                    .collect();
                ModelKind::Struct(StructModel {
                    entity: s.kind == StructuredKind::Entity,
                    opaque,
                    fields,
                    expands,
                    write: None,
                })
            }
        };
        let doc = match def {
            TypeDef::Structured(s) => s.annotations.description.clone(),
            TypeDef::Enum(e) => e.annotations.description.clone(),
            TypeDef::Definition(d) => d.annotations.description.clone(),
        };
        ir.models.insert(q.clone(), Model { qname: q, namespace: ns, module, rust_name: rust, doc, kind });
    }
    // Expands can only point at models we emit.
    let names: BTreeSet<String> = ir.models.keys().cloned().collect();
    for m in ir.models.values_mut() {
        if let ModelKind::Struct(s) = &mut m.kind {
            s.expands.retain(|(_, _, t)| names.contains(t));
            for f in &mut s.fields {
                if let FieldType::Model(t) = &f.ty {
                    if !names.contains(t) {
                        f.ty = FieldType::Json;
                    }
                }
            }
        }
    }
}

fn builder_name(ir: &Ir, node: &Node) -> String {
    let rust = ir.models.get(&node.0).map(|m| m.rust_name.clone()).unwrap_or_else(|| camel(split_qualified(&node.0).1));
    format!("{rust}{}", if node.1 { "Collection" } else { "Item" })
}

fn write_model(schema: &Schema, target: &str, mode: WriteMode, rows: &[Row], rels: &[Row], ir: &mut Ir) -> Option<String> {
    if rows.is_empty() && rels.is_empty() {
        return None;
    }
    let (ns, module, rust) = model_names(target);
    let (suffix, rust_name, module) = match mode {
        WriteMode::Create => ("#create", format!("New{rust}"), format!("new_{module}")),
        WriteMode::Update => ("#update", format!("{rust}Update"), format!("{module}_update")),
        WriteMode::Parameters => ("#parameters", format!("{rust}Parameters"), format!("{module}_parameters")),
    };
    let qname = format!("{target}{suffix}");
    let resolve = |s: &str| -> String {
        let props = schema.all_properties(target);
        props
            .iter()
            .find(|p| p.ty.name.rsplit('.').next().is_some_and(|n| n.eq_ignore_ascii_case(s)))
            .map(|p| p.ty.name.clone())
            .unwrap_or_else(|| format!("{ns}.{s}"))
    };
    let mut fields = Vec::new();
    for r in rows {
        let ty = parse_type_text(&r.type_text, &resolve).unwrap_or(TypeRef::new("Edm.Untyped", false));
        let declared = schema.all_properties(target).into_iter().find(|p| p.name == r.name).cloned();
        let ty = declared.as_ref().map(|p| p.ty.clone()).unwrap_or(ty);
        fields.push(Field {
            wire: r.name.clone(),
            rust: snake(&r.name),
            variant: camel(&r.name),
            ty: field_type(&ty),
            collection: ty.collection,
            nullable: declared.map(|p| p.nullable).unwrap_or(true),
            navigation: false,
            read_only: false,
            filterable: false,
            required: is_required(r),
            doc: Some(r.description.clone()),
        });
    }
    for r in rels {
        fields.push(Field {
            wire: format!("{}@odata.bind", r.name),
            rust: format!("{}_bind", snake(&r.name)),
            variant: camel(&r.name),
            ty: FieldType::String,
            collection: r.type_text.to_ascii_lowercase().ends_with("collection"),
            nullable: false,
            navigation: false,
            read_only: false,
            filterable: false,
            required: is_required(r),
            doc: Some(format!("URL of the `{}` to bind ({}).", r.name, r.description)),
        });
    }
    let mut names: Vec<String> = fields.iter().map(|f| f.rust.clone()).collect();
    dedupe(&mut names, &["odata_type", "additional"]);
    for (f, n) in fields.iter_mut().zip(names) {
        f.rust = n;
    }
    ir.models.insert(
        qname.clone(),
        Model {
            qname: qname.clone(),
            namespace: ns,
            module,
            rust_name,
            doc: Some(format!("Request body of the {} operation on `{target}`.", match mode {
                WriteMode::Create => "create",
                WriteMode::Update => "update",
                WriteMode::Parameters => "action",
            })),
            kind: ModelKind::Struct(StructModel { entity: false, opaque: false, fields, expands: Vec::new(), write: Some(mode) }),
        },
    );
    Some(qname)
}

/// Unique builder names: `{Model}Item` / `{Model}Collection`, prefixed with the namespace
/// module when two namespaces have a model of the same name.
fn builder_names(ir: &Ir, useful: &BTreeSet<Node>) -> BTreeMap<Node, String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for node in useful {
        let mut name = builder_name(ir, node);
        if !taken.insert(name.clone()) {
            let ns = camel(&super::naming::namespace_module(split_qualified(&node.0).0));
            name = format!("{ns}{name}");
            let base = name.clone();
            let mut i = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{i}");
                i += 1;
            }
        }
        out.insert(node.clone(), name);
    }
    out
}

fn lower_builders(
    schema: &Schema,
    ops: &NodeOps,
    useful: &BTreeSet<Node>,
    ir: &mut Ir,
    _diags: &mut Vec<Diagnostic>,
) {
    let names = builder_names(ir, useful);
    for (name, node) in roots(schema) {
        if useful.contains(&node) {
            ir.roots.push(Root { fn_name: snake(&name), segment: name.clone(), builder: names[&node].clone() });
        }
    }
    for node in useful {
        let rust_name = names[node].clone();
        let (ns, _, _) = model_names(&node.0);
        let module = ir.models.get(&node.0).map(|m| m.module.clone()).unwrap_or_else(|| snake(split_qualified(&node.0).1));
        let mut b = Builder {
            rust_name: rust_name.clone(),
            namespace: ns,
            module,
            target: node.0.clone(),
            collection: node.1,
            children: Vec::new(),
            item: None,
            operations: Vec::new(),
        };
        // Method names of one builder are unique: `new`, `path`, `by_id`, children, operations.
        let mut methods: BTreeSet<String> = ["new", "path", "by_id"].iter().map(|s| s.to_string()).collect();
        let mut unique = |m: String| -> String {
            let mut name = m.clone();
            let mut i = 2;
            while !methods.insert(name.clone()) {
                name = format!("{m}_{i}");
                i += 1;
            }
            name
        };
        for (seg, t) in edges(schema, node) {
            if !useful.contains(&t) {
                continue;
            }
            if seg == "{key}" {
                b.item = Some((names[&t].clone(), format!("{}-id", split_qualified(&node.0).1)));
            } else {
                b.children.push(Child { method: unique(snake(&seg)), segment: seg, builder: names[&t].clone() });
            }
        }
        if let Some(node_ops) = ops.get(node) {
            for ((kind, seg), acc) in node_ops {
                let target_rust = ir.models.get(&node.0).map(|m| m.rust_name.clone()).unwrap_or_default();
                let simple_seg = seg.rsplit('.').next().unwrap_or(seg).to_string();
                let mut const_name = format!(
                    "{}_{}",
                    snake(&target_rust).to_ascii_uppercase(),
                    if *kind == OpKind::Action {
                        format!("{}{}", if node.1 { "COLLECTION_" } else { "" }, snake(&simple_seg).to_ascii_uppercase())
                    } else {
                        kind_word(*kind).to_ascii_uppercase()
                    }
                );
                if ir.operations.contains_key(&const_name) {
                    let base = const_name.clone();
                    let mut i = 2;
                    while ir.operations.contains_key(&const_name) {
                        const_name = format!("{base}_{i}");
                        i += 1;
                    }
                }
                let op_def: Option<Operation> = acc.csdl.clone().or_else(|| {
                    acc.action_qname.as_ref().and_then(|q| {
                        let (ns, n) = split_qualified(q);
                        schema.namespaces.get(ns)?.operations.get(n)?.first().cloned()
                    })
                });
                let response = match kind {
                    OpKind::List => Shape::Page(node.0.clone()),
                    OpKind::Get | OpKind::Create | OpKind::Update | OpKind::Replace => Shape::Entity(node.0.clone()),
                    OpKind::Delete => Shape::NoContent,
                    OpKind::Action => match op_def.as_ref().and_then(|o| o.return_type.clone()) {
                        Some(r) if r.ty.collection => Shape::Page(r.ty.name),
                        Some(r) => Shape::Entity(r.ty.name),
                        None => Shape::NoContent,
                    },
                };
                let is_function = acc.csdl.as_ref().is_some_and(|o| o.kind == OperationKind::Function);
                let body = match kind {
                    OpKind::Create => write_model(schema, &node.0, WriteMode::Create, &acc.body_rows, &acc.body_rels, ir)
                        .or_else(|| Some(node.0.clone())),
                    OpKind::Update => write_model(schema, &node.0, WriteMode::Update, &acc.body_rows, &acc.body_rels, ir)
                        .or_else(|| Some(node.0.clone())),
                    OpKind::Replace => Some(node.0.clone()),
                    OpKind::Action if is_function => None,
                    OpKind::Action => match &acc.csdl {
                        Some(op) => parameters_model(schema, &acc.action_qname.clone().unwrap_or_default(), op, ir),
                        None => write_model(schema, &format!("{}.{}", node.0, seg), WriteMode::Parameters, &acc.body_rows, &[], ir),
                    },
                    _ => None,
                };
                let function_params = is_function.then(|| {
                    let params: Vec<&Parameter> = acc.csdl.as_ref().map(|o| o.parameters.iter().skip(1).collect()).unwrap_or_default();
                    let mut rust: Vec<String> = params.iter().map(|p| snake(&p.name)).collect();
                    dedupe(&mut rust, &["self"]);
                    params.iter().zip(rust).map(|(p, r)| (p.name.clone(), r)).collect::<Vec<_>>()
                });
                let method_name = unique(match kind {
                    OpKind::Action => snake(&simple_seg),
                    k => kind_word(*k).to_string(),
                });
                let title = acc.titles.iter().next().cloned().unwrap_or_else(|| {
                    op_def
                        .as_ref()
                        .and_then(|o| o.annotations.description.clone())
                        .unwrap_or_else(|| format!("{} `{}`", kind_word(*kind), if *kind == OpKind::Action { seg.as_str() } else { node.0.as_str() }))
                });
                let mut paths: Vec<(String, Option<PermissionFacts>)> =
                    acc.paths.iter().map(|(p, perm)| (p.clone(), perm.clone())).collect();
                if paths.is_empty() {
                    if let Some(p) = &acc.csdl_path {
                        paths.push((p.clone(), None));
                    }
                }
                ir.operations.insert(
                    const_name.clone(),
                    OperationInfo {
                        const_name: const_name.clone(),
                        id: format!("{}.{}", node.0, method_name),
                        method: acc.http_method.clone(),
                        title,
                        doc_pages: acc.pages.iter().cloned().collect(),
                        paths,
                        headers: acc.headers.iter().map(|(n, (v, r))| (n.clone(), v.clone(), *r)).collect(),
                        query_options: acc.query.iter().cloned().collect(),
                    },
                );
                b.operations.push(OpMethod {
                    kind: *kind,
                    method_name,
                    http_method: acc.http_method.clone(),
                    segment: acc.segment.clone(),
                    response,
                    body,
                    operation_const: const_name,
                    function_params,
                });
            }
        }
        ir.builders.insert(rust_name, b);
    }
}

/// Request body of a bound action from its CSDL parameters (binding parameter excluded).
/// Named after the binding type, so types that inherit the action share one model.
fn parameters_model(schema: &Schema, action_qname: &str, op: &Operation, ir: &mut Ir) -> Option<String> {
    let params: Vec<&Parameter> = op.parameters.iter().skip(1).collect();
    let binding = op.parameters.first()?;
    if params.is_empty() {
        return None;
    }
    let node = &(binding.ty.name.clone(), binding.ty.collection);
    let (ns, simple) = split_qualified(action_qname);
    let (_, _, target_rust) = model_names(&node.0);
    let rust_name = format!("{target_rust}{}{}Parameters", if node.1 { "Collection" } else { "" }, camel(simple));
    let qname = format!("{}#{}{}", node.0, if node.1 { "collection." } else { "" }, simple);
    let mut rust: Vec<String> = params.iter().map(|p| snake(&p.name)).collect();
    dedupe(&mut rust, &["odata_type", "additional"]);
    let mut variants: Vec<String> = params.iter().map(|p| camel(&p.name)).collect();
    dedupe_camel(&mut variants, &[]);
    let fields = params
        .iter()
        .zip(rust)
        .zip(variants)
        .map(|((p, rust), variant)| Field {
            wire: p.name.clone(),
            rust,
            variant,
            ty: match field_type(&p.ty) {
                FieldType::Model(m) if !ir.models.contains_key(&m) => FieldType::Json,
                t => t,
            },
            collection: p.ty.collection,
            nullable: p.nullable,
            navigation: false,
            read_only: false,
            filterable: false,
            required: !p.nullable,
            doc: None,
        })
        .collect();
    let _ = schema;
    ir.models.insert(
        qname.clone(),
        Model {
            qname: qname.clone(),
            namespace: split_qualified(&node.0).0.to_string(),
            module: snake(&rust_name),
            rust_name,
            doc: Some(format!("Parameters of the `{ns}.{simple}` action on `{}`.", node.0)),
            kind: ModelKind::Struct(StructModel { entity: false, opaque: false, fields, expands: Vec::new(), write: Some(WriteMode::Parameters) }),
        },
    );
    Some(qname)
}

fn lower_examples(schema: &Schema, apis: &[ApiFacts], ir: &mut Ir, diags: &mut Vec<Diagnostic>) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    for api in apis {
        for (i, ex) in api.examples.iter().enumerate() {
            let Some(req) = &ex.request else { continue };
            let origin = Origin::new(api.file.clone(), req.line, 1);
            let Some(chain_info) = example_chain(schema, ir, &req.method, &req.url) else {
                diags.push(Diagnostic::warning(
                    "example-request-unmatched",
                    origin,
                    format!("`{} {}` matches no generated builder", req.method, req.url),
                ));
                continue;
            };
            let (chain, op) = chain_info;
            let stem = api.file.rsplit('/').next().unwrap_or(&api.file).trim_end_matches(".md");
            let mut fn_name = format!("{}_example_{}", snake(stem), i + 1);
            while !used.insert(fn_name.clone()) {
                fn_name.push('_');
            }
            let response = ex.response.as_ref().and_then(|r| r.body.clone()).map(|b| (op.response.clone(), b));
            let body = match (&op.body, &req.body) {
                (Some(t), Some(b)) => Some((t.clone(), b.clone())),
                _ => None,
            };
            ir.examples.push(ExampleTest {
                fn_name,
                file: api.file.clone(),
                line: req.line,
                chain,
                method: req.method.clone(),
                url: paths::path_part(&req.url).to_string()
                    + &paths::query_part(&req.url).map(|q| format!("?{q}")).unwrap_or_default(),
                query: paths::query_part(&req.url).map(str::to_string),
                body,
                response,
            });
        }
    }
}

/// The builder chain that builds `method url`, and the operation it ends in.
pub fn example_chain(schema: &Schema, ir: &Ir, method: &str, url: &str) -> Option<(Vec<Call>, OpMethod)> {
    let r = paths::resolve(schema, url).ok()?;
    let mut chain = Vec::new();
    let mut builder: Option<&Builder> = None;
    for seg in &r.segments {
        match &seg.kind {
            SegKind::Root { .. } => {
                let root = ir.roots.iter().find(|x| x.segment == seg.text)?;
                chain.push(Call::Root(root.fn_name.clone()));
                builder = ir.builders.get(&root.builder);
            }
            SegKind::Key { .. } => {
                let b = builder?;
                let (item, _) = b.item.as_ref()?;
                chain.push(Call::ById(seg.text.clone()));
                builder = ir.builders.get(item);
            }
            SegKind::Nav { .. } => {
                let b = builder?;
                let c = b.children.iter().find(|c| c.segment == seg.text)?;
                chain.push(Call::Method(c.method.clone()));
                builder = ir.builders.get(&c.builder);
            }
            SegKind::Operation { .. } => {
                let b = builder?;
                let op = b.operations.iter().find(|o| o.segment.as_deref() == Some(seg.text.as_str()))?;
                chain.push(Call::Op(op.method_name.clone(), op.body.is_some()));
                return Some((chain, op.clone()));
            }
        }
    }
    let b = builder?;
    let kind = op_kind(method, b.collection)?;
    let op = b.operations.iter().find(|o| o.kind == kind)?;
    chain.push(Call::Op(op.method_name.clone(), op.body.is_some()));
    Some((chain, op.clone()))
}


/// Models a model needs to compile: field types and `$expand` targets.
fn model_deps(ir: &Ir, q: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Model { kind: ModelKind::Struct(s), .. }) = ir.models.get(q) {
        for f in &s.fields {
            if let FieldType::Model(m) = &f.ty {
                out.push(m.clone());
            }
        }
        out.extend(s.expands.iter().map(|(_, _, t)| t.clone()));
    }
    out
}

/// Area features: one per container child (`users`, `me`, …) with the builders it reaches
/// and the models those need, and one per namespace other than those in `container_ns`
/// (`ns-security`, …) with its models. Each is closed: enabling any set of features compiles.
pub fn compute_features(ir: &mut Ir, container_ns: &BTreeSet<String>) {
    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    let model_closure = |ir: &Ir, start: Vec<String>, f: &mut Feature| {
        let mut stack = start;
        while let Some(q) = stack.pop() {
            if !ir.models.contains_key(&q) || !f.models.insert(q.clone()) {
                continue;
            }
            stack.extend(model_deps(ir, &q));
        }
    };
    for root in &ir.roots {
        let mut f = Feature { roots: vec![root.segment.clone()], ..Default::default() };
        let mut stack = vec![root.builder.clone()];
        let mut models = Vec::new();
        while let Some(b) = stack.pop() {
            if !f.builders.insert(b.clone()) {
                continue;
            }
            let Some(bd) = ir.builders.get(&b) else { continue };
            models.push(bd.target.clone());
            stack.extend(bd.children.iter().map(|c| c.builder.clone()));
            stack.extend(bd.item.iter().map(|(i, _)| i.clone()));
            for op in &bd.operations {
                if let Shape::Entity(q) | Shape::Page(q) = &op.response {
                    models.push(q.clone());
                }
                models.extend(op.body.iter().cloned());
            }
        }
        model_closure(ir, models, &mut f);
        features.insert(feature_name(&root.fn_name), f);
    }
    let mut by_ns: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in ir.models.values() {
        by_ns.entry(m.namespace.as_str()).or_default().push(m.qname.clone());
    }
    for ns in &ir.namespaces {
        if container_ns.contains(ns) {
            continue;
        }
        let mut f = Feature::default();
        let start: Vec<String> = by_ns.get(ns.as_str()).cloned().unwrap_or_default();
        model_closure(ir, start, &mut f);
        let name = format!("ns-{}", feature_name(&super::naming::namespace_module(ns)));
        features.insert(name, f);
    }
    // Gates: each model and builder is compiled when any area that needs it is on. Sets of
    // more than `MAX_GATE` areas become one shared feature those areas enable, so every cfg
    // stays short.
    const MAX_GATE: usize = 4;
    let mut model_sets: BTreeMap<String, BTreeSet<String>> = ir.models.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    let mut builder_sets: BTreeMap<String, BTreeSet<String>> = ir.builders.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (n, f) in &features {
        for m in &f.models {
            model_sets.entry(m.clone()).or_default().insert(n.clone());
        }
        for b in &f.builders {
            builder_sets.entry(b.clone()).or_default().insert(n.clone());
        }
    }
    let big: BTreeSet<&BTreeSet<String>> =
        model_sets.values().chain(builder_sets.values()).filter(|s| s.len() > MAX_GATE).collect();
    let mut shared_of: BTreeMap<&BTreeSet<String>, String> = BTreeMap::new();
    for (i, set) in big.into_iter().enumerate() {
        let name = format!("_shared-{:03}", i + 1);
        ir.shared_features.insert(name.clone(), set.iter().cloned().collect());
        shared_of.insert(set, name);
    }
    let gate = |set: &BTreeSet<String>| -> Vec<String> {
        match shared_of.get(set) {
            Some(n) => vec![n.clone()],
            None => set.iter().cloned().collect(),
        }
    };
    ir.model_gates = model_sets.iter().map(|(k, v)| (k.clone(), gate(v))).collect();
    ir.builder_gates = builder_sets.iter().map(|(k, v)| (k.clone(), gate(v))).collect();
    ir.features = features;
}

/// Cargo feature name of an area: kebab-case.
pub fn feature_name(s: &str) -> String {
    snake(s).trim_end_matches('_').replace('_', "-")
}
