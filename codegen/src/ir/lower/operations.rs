//! Attaching operations to builder nodes: documented request lines (`attach_operations`) and
//! the container of real metadata (`csdl_operations`), with the navigation walks they share.

use super::*;

/// Same least/higher permissions per scheme (where the tables come from does not matter).
pub(super) fn same_permissions(a: &PermissionFacts, b: &PermissionFacts) -> bool {
    a.delegated_work == b.delegated_work && a.delegated_personal == b.delegated_personal && a.application == b.application
}

pub(super) fn is_required(r: &Row) -> bool {
    let d = r.description.to_ascii_lowercase();
    d.contains("required") && !d.contains("not required")
}

/// One write model serves every page of an operation (e.g. POST to an allotment's or a
/// user's assignments): a field is required only where every page requires it.
pub(super) fn merge_body_rows(acc: &mut Vec<Row>, page: &[Row], first: bool) {
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


/// Nodes reachable from the container, each with the shortest path template reaching it
/// (breadth first; roots in name order, edges in declared order: deterministic).
pub(super) fn reachable(schema: &Schema, g: &Graph) -> BTreeMap<Node, String> {
    let mut seen: BTreeMap<Node, String> = BTreeMap::new();
    let mut queue: std::collections::VecDeque<(Node, String)> =
        roots(schema).into_iter().map(|(name, n)| (n, format!("/{name}"))).collect();
    while let Some((n, path)) = queue.pop_front() {
        if seen.contains_key(&n) {
            continue;
        }
        for (seg, t) in edges(schema, g, &n) {
            if !seen.contains_key(&t) {
                let call = composable_on(schema, &g.comp, &n).into_iter().find(|e| e.0 == seg);
                let next = if seg == "{key}" {
                    format!("{path}/{{{}-id}}", split_qualified(&n.0).1)
                } else if let Some((_, params, _, _)) = call {
                    let ps: Vec<String> = params.iter().map(|p| format!("{p}={{{p}}}")).collect();
                    format!("{path}/{seg}({})", ps.join(","))
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
pub(super) fn count_path_templates(schema: &Schema, g: &Graph, nodes: &BTreeMap<Node, String>, ops: &NodeOps, depth: usize) -> u128 {
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
            for (_, t) in edges(schema, g, n) {
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
pub(super) fn bound_operations(schema: &Schema) -> BTreeMap<Node, Vec<(&str, &str, &Operation)>> {
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
/// The nearest binding wins; its overloads (`getEmailActivityUserDetail(date=…)` and
/// `(period=…)`) all come, in schema order.
pub(super) fn operations_on<'s>(schema: &Schema, bound: &BTreeMap<Node, Vec<(&'s str, &'s str, &'s Operation)>>, node: &Node) -> BTreeMap<String, Vec<(&'s str, &'s str, &'s Operation)>> {
    let mut out: BTreeMap<String, Vec<(&str, &str, &Operation)>> = BTreeMap::new();
    for ty in schema.lineage(&node.0) {
        let mut here: BTreeMap<String, Vec<(&str, &str, &Operation)>> = BTreeMap::new();
        for &(ns_name, name, op) in bound.get(&(ty, node.1)).into_iter().flatten() {
            // Operations of the default namespace are called by simple name, others qualified.
            let segment = if ns_name == "microsoft.graph" { name.to_string() } else { format!("{ns_name}.{name}") };
            here.entry(segment).or_default().push((ns_name, name, op));
        }
        for (segment, overloads) in here {
            out.entry(segment).or_insert(overloads);
        }
    }
    out
}

/// The key of an overload among a node's operations: the segment for the first, then
/// `segment(p1,p2)` with its parameter names.
pub(super) fn overload_key(segment: &str, index: usize, op: &Operation) -> String {
    if index == 0 {
        return segment.to_string();
    }
    let ps: Vec<&str> = op.parameters.iter().skip(1).map(|p| p.name.as_str()).collect();
    format!("{segment}({})", ps.join(","))
}

/// The key of the overload of the bound operation `segment` whose parameters the documented
/// arguments fill ([`crate::ir::classify::args_fit`]); the segment itself (the first overload) when none does.
pub(super) fn documented_overload(by: Option<&BTreeMap<(OpKind, String), OpAccum>>, segment: &str, args: &[(String, String)]) -> String {
    let fits = |op: &Operation| {
        let ps: Vec<&str> = op.parameters.iter().skip(1).map(|p| p.name.as_str()).collect();
        crate::ir::classify::args_fit(args, &ps)
    };
    let prefix = format!("{segment}(");
    by.into_iter()
        .flatten()
        .filter(|((k, key), _)| *k == OpKind::Action && (key == segment || key.starts_with(&prefix)))
        .find(|(_, acc)| acc.csdl.as_ref().is_some_and(fits))
        .map(|((_, key), _)| key.clone())
        .unwrap_or_else(|| segment.to_string())
}

/// Operations derived from the container: list/create on collections, get/update/delete on
/// items (by Capabilities restrictions on the container children and navigation properties
/// that reach the node; allowed unless every way in forbids it), and bound actions/functions.
pub(super) fn csdl_operations(schema: &Schema, g: &Graph, reach: &BTreeMap<Node, String>) -> NodeOps {
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
        // An addressed complex property: read, and updated where the property may be; its
        // value is never deleted or created.
        for (name, t) in g.props.get(&n.0).into_iter().flatten() {
            let Some(p) = schema.all_properties(&n.0).into_iter().find(|p| &p.name == name) else { continue };
            let caps = Capabilities { insertable: Some(false), updatable: Some(property_updatable(p)), ..Default::default() };
            allow((t.clone(), false), &caps, false);
        }
    }
    // References (`$ref`) exist where a navigation property does not contain its target.
    let mut refs: BTreeSet<Node> = BTreeSet::new();
    for n in reach.keys().filter(|n| !n.1) {
        for p in schema.all_properties(&n.0) {
            if matches!(p.kind, PropertyKind::Navigation { contains_target: false }) {
                refs.insert((p.ty.name.clone(), p.ty.collection));
            }
        }
    }
    let mut ops: NodeOps = BTreeMap::new();
    let mut add = |node: &Node, k: OpKind, segment: &str, path: String| {
        let acc = ops.entry(node.clone()).or_default().entry((k, segment.to_string())).or_default();
        acc.kind = Some(k);
        acc.http_method = method_of(k).into();
        acc.segment = (!segment.is_empty()).then(|| segment.to_string());
        acc.csdl_path = Some(path);
    };
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
            add(node, k, "", path.clone());
        }
        if node.1 {
            add(node, OpKind::Count, "$count", format!("{path}/$count"));
        }
        if refs.contains(node) {
            if node.1 {
                add(node, OpKind::AddRef, "$ref", format!("{path}/$ref"));
                add(node, OpKind::RemoveRef, "$ref", format!("{path}/$ref"));
                let item = (node.0.clone(), false);
                let key = format!("{path}/{{{}-id}}/$ref", split_qualified(&node.0).1);
                add(&item, OpKind::RemoveRef, "$ref", key);
            } else {
                add(node, OpKind::SetRef, "$ref", format!("{path}/$ref"));
                add(node, OpKind::RemoveRef, "$ref", format!("{path}/$ref"));
            }
        }
        if !node.1 {
            // Media entities (`HasStream`) and `Edm.Stream` properties: raw content in and out.
            if schema.ancestry(&node.0).iter().any(|t| t.has_stream) {
                add(node, OpKind::GetContent, "$value", format!("{path}/$value"));
                add(node, OpKind::PutContent, "$value", format!("{path}/$value"));
            }
            for p in schema.all_properties(&node.0) {
                if p.ty.name == "Edm.Stream" && !p.ty.collection && !p.is_navigation() {
                    add(node, OpKind::GetContent, &p.name, format!("{path}/{}", p.name));
                    add(node, OpKind::PutContent, &p.name, format!("{path}/{}", p.name));
                }
            }
        }
    }
    let bound = bound_operations(schema);
    for (node, path) in reach {
        for (segment, overloads) in operations_on(schema, &bound, node) {
            for (index, (ns_name, name, op)) in overloads.into_iter().enumerate() {
                // A composable function is a navigation edge (its builder's `get` calls it).
                if op.composable && paths::composable_return(schema, &format!("{ns_name}.{name}"), &TypeRef::new(&node.0, node.1)).is_some() {
                    continue;
                }
                // One accumulator per (segment, overload); the loop above adds no actions.
                let key = overload_key(&segment, index, op);
                let acc = ops.entry(node.clone()).or_default().entry((OpKind::Action, key)).or_default();
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
    }
    ops
}

/// Attaches every documented request line of `apis` to the operation it means, adding to
/// `ops` (empty for docs only; the container's operations when the metadata is the authority:
/// `from_metadata` flags documented operations it lacks).
pub(super) fn attach_operations(
    schema: &Schema,
    apis: &[ApiFacts],
    lines: &DocLines,
    ops: &mut NodeOps,
    from_metadata: bool,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let mut resolved_count = 0;
    for (api, resolved) in apis.iter().zip(lines) {
        // Shapes of the paths each permission group lists, resolved once per page.
        let group_shapes: Vec<Vec<(String, Option<String>)>> = api
            .permission_groups
            .iter()
            .map(|g| g.paths.iter().map(|p| (p.method.clone(), paths::resolve(schema, &p.path).ok().map(|x| x.shape()))).collect())
            .collect();
        for (line, r) in api.http_lines.iter().zip(resolved) {
            let origin = Origin::new(api.file.clone(), line.line, 1);
            let r = match r {
                Ok(r) => r,
                Err(e) if e.kind == PathErrorKind::Elided => {
                    diags.push(Diagnostic::note(
                        "doc-path-elided",
                        origin,
                        format!("`{} {}` elides segments; it is skipped", line.method, line.path),
                    ));
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "doc-path-unresolved",
                        origin,
                        format!("`{} {}` does not resolve: {}", line.method, line.path, e.message),
                    ));
                    continue;
                }
            };
            let c = match classify(&line.method, r) {
                Ok(c) => c,
                // A primitive or collection-valued property: a real request the builders do
                // not offer (see `properties`), not a doc error.
                Err(why) if matches!(r.target().kind, SegKind::Property { .. }) => {
                    diags.push(Diagnostic::warning("doc-property-no-builder", origin, format!("`{} {}`: {why}; it is skipped", line.method, line.path)));
                    continue;
                }
                Err(why) => {
                    diags.push(Diagnostic::error("doc-method-unsupported", origin, format!("`{} {}`: {why}", line.method, line.path)));
                    continue;
                }
            };
            let (node, kind, segment, action) = (c.node, c.kind, c.segment, c.action);
            // Overloads of one bound function: the one the documented arguments fill.
            let key = match (&r.target().kind, &segment) {
                (SegKind::Operation { args, .. }, Some(seg)) if kind == OpKind::Action => documented_overload(ops.get(&node), seg, args),
                _ => segment.clone().unwrap_or_default(),
            };
            if from_metadata && !ops.get(&node).is_some_and(|by| by.contains_key(&(kind, key.clone()))) {
                diags.push(Diagnostic::warning(
                    "reconcile-operation-missing-in-csdl",
                    origin.clone(),
                    format!("`{} {}` is documented; the metadata does not offer it (added from the docs)", line.method, line.path),
                ));
            }
            resolved_count += 1;
            let target = node.0.clone();
            let acc = ops.entry(node).or_default().entry((kind, key)).or_default();
            acc.kind = Some(kind);
            acc.http_method = line.method.clone();
            acc.segment = segment;
            acc.action_qname = action;
            acc.titles.insert(api.title.clone());
            acc.pages.insert(api.file.clone());
            // Permissions of the group listing this path (same method and path shape).
            let shape = r.shape();
            let perms = api.permission_groups.iter().zip(&group_shapes).find_map(|(g, shapes)| {
                shapes.iter().any(|(m, s)| *m == line.method && s.as_deref() == Some(shape.as_str())).then_some(g)
            });
            let entry = acc.paths.entry(r.canonical()).or_insert(None);
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
                if from_metadata && kind == OpKind::Create {
                    // Pages that require something vote (a field is required where each of
                    // them requires it); one that marks a field optional overrides them.
                    let page = page_required(schema, &target, api, diags);
                    let voted = acc.create_required.get_or_insert_with(BTreeSet::new);
                    if !page.is_empty() {
                        *voted = if acc.create_voters == 0 { page } else { voted.intersection(&page).cloned().collect() };
                        acc.create_voters += 1;
                    }
                    acc.create_optional.extend(page_optional(api));
                }
            }
        }
    }
    resolved_count
}

/// Composable bound functions (`range(address=…)` of a worksheet) by binding node: builders
/// continue on what they return, so they are navigation edges too. (call segment, parameter
/// names, qualified name, target node); the nearest binding wins, as for operations.
pub(super) type Composable = BTreeMap<Node, Vec<(String, Vec<String>, String, Node)>>;

pub(super) fn composable_functions(schema: &Schema) -> Composable {
    let mut out: Composable = BTreeMap::new();
    for (binding, ops) in bound_operations(schema) {
        for (ns_name, name, op) in ops {
            if op.kind != OperationKind::Function || !op.composable {
                continue;
            }
            let qname = format!("{ns_name}.{name}");
            let Some(ret) = paths::composable_return(schema, &qname, &TypeRef::new(&binding.0, binding.1)) else { continue };
            let segment = if ns_name == "microsoft.graph" { name.to_string() } else { qname.clone() };
            let params = op.parameters.iter().skip(1).map(|p| p.name.clone()).collect();
            let v = out.entry(binding.clone()).or_default();
            if !v.iter().any(|(s, ..)| *s == segment) {
                v.push((segment, params, qname, (ret.name, ret.collection)));
            }
        }
    }
    out
}

/// The composable functions callable on `node` (bound to its type or a base type).
pub(super) fn composable_on<'c>(schema: &Schema, comp: &'c Composable, node: &Node) -> Vec<&'c (String, Vec<String>, String, Node)> {
    let mut out: Vec<&(String, Vec<String>, String, Node)> = Vec::new();
    for ty in schema.lineage(&node.0) {
        for e in comp.get(&(ty, node.1)).into_iter().flatten() {
            if !out.iter().any(|x| x.0 == e.0) {
                out.push(e);
            }
        }
    }
    out
}

/// Navigation edges of a node: (method/segment name, target node): the key of a collection,
/// navigation properties, the complex properties the inputs address, and composable functions.
pub(super) fn edges(schema: &Schema, g: &Graph, node: &Node) -> Vec<(String, Node)> {
    let (ty, collection) = node;
    let mut out: Vec<(String, Node)> = if *collection {
        vec![("{key}".into(), (ty.clone(), false))]
    } else {
        schema
            .all_properties(ty)
            .into_iter()
            .filter(|p| p.is_navigation())
            .map(|p| (p.name.clone(), (p.ty.name.clone(), p.ty.collection)))
            .chain(g.props.get(ty).into_iter().flatten().map(|(name, t)| (name.clone(), (t.clone(), false))))
            .collect()
    };
    out.extend(composable_on(schema, &g.comp, node).into_iter().map(|(s, _, _, t)| (s.clone(), t.clone())));
    out
}

pub(super) fn roots(schema: &Schema) -> Vec<(String, Node)> {
    let Some((_, c)) = schema.container() else { return Vec::new() };
    let mut out: Vec<(String, Node)> =
        c.entity_sets.values().map(|s| (s.name.clone(), (s.ty.clone(), true))).collect();
    out.extend(c.singletons.values().map(|s| (s.name.clone(), (s.ty.clone(), false))));
    out.sort();
    out
}

/// Nodes reachable from the container that lead to at least one operation.
pub(super) fn useful_nodes(schema: &Schema, g: &Graph, ops: &NodeOps) -> BTreeSet<Node> {
    // Reachable set, with each node's edges (computed once).
    let mut reach: BTreeMap<Node, Vec<Node>> = BTreeMap::new();
    let mut stack: Vec<Node> = roots(schema).into_iter().map(|(_, n)| n).collect();
    while let Some(n) = stack.pop() {
        if reach.contains_key(&n) {
            continue;
        }
        let targets: Vec<Node> = edges(schema, g, &n).into_iter().map(|(_, t)| t).collect();
        stack.extend(targets.iter().filter(|t| !reach.contains_key(*t)).cloned());
        reach.insert(n, targets);
    }
    // Useful: has operations, or an edge to a useful node (fixpoint).
    let mut useful: BTreeSet<Node> = reach.keys().filter(|n| ops.contains_key(*n)).cloned().collect();
    loop {
        let before = useful.len();
        for (n, targets) in &reach {
            if !useful.contains(n) && targets.iter().any(|t| useful.contains(t)) {
                useful.insert(n.clone());
            }
        }
        if useful.len() == before {
            break;
        }
    }
    useful
}
