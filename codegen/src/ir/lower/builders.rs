//! Request builders: one item and one collection builder per useful node, with their
//! children, operations and operation data.

use super::*;

pub(super) fn builder_name(ir: &Ir, node: &Node) -> String {
    let rust = ir.models.get(&node.0).map(|m| m.rust_name.clone()).unwrap_or_else(|| camel(split_qualified(&node.0).1));
    format!("{rust}{}", if node.1 { "Collection" } else { "Item" })
}

/// Unique builder names: `{Model}Item` / `{Model}Collection`, prefixed with the namespace
/// module when two namespaces have a model of the same name.
pub(super) fn builder_names(ir: &Ir, useful: &BTreeSet<Node>) -> BTreeMap<Node, String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for node in useful {
        let mut name = builder_name(ir, node);
        if !taken.insert(name.clone()) {
            let ns = camel(&crate::ir::naming::namespace_module(split_qualified(&node.0).0));
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

pub(super) fn lower_builders(
    schema: &Schema,
    g: &Graph,
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
    // Casts: the useful nodes of the same shape below each type, found once (in `useful`
    // order) instead of a scan of every useful node per builder.
    let mut derived: BTreeMap<Node, Vec<&Node>> = BTreeMap::new();
    for t in useful {
        // `lineage` lists `t` itself first and each type once.
        for base in schema.lineage(&t.0).into_iter().skip(1) {
            derived.entry((base, t.1)).or_default().push(t);
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
            casts: Vec::new(),
            by_path: false,
            operations: Vec::new(),
        };
        // Hierarchical items (a collection navigation to their own type, like a folder's
        // children) can be addressed by path below one another: `root:/a/b.txt:`.
        b.by_path = !node.1
            && schema.all_properties(&node.0).iter().any(|p| {
                p.is_navigation() && p.ty.collection && schema.lineage(&node.0).contains(&p.ty.name)
            });
        // Method names of one builder are unique: `new`, `path`, `by_id`, `by_path`, children,
        // casts, operations.
        let mut methods: BTreeSet<String> = ["new", "path", "by_id", "by_path"].iter().map(|s| s.to_string()).collect();
        let mut unique = |m: String| -> String {
            let mut name = m.clone();
            let mut i = 2;
            while !methods.insert(name.clone()) {
                name = format!("{m}_{i}");
                i += 1;
            }
            name
        };
        let calls = composable_on(schema, &g.comp, node);
        for (seg, t) in edges(schema, g, node) {
            if !useful.contains(&t) {
                continue;
            }
            if seg == "{key}" {
                b.item = Some((names[&t].clone(), format!("{}-id", split_qualified(&node.0).1)));
            } else if let Some((_, params, _, _)) = calls.iter().find(|c| c.0 == seg) {
                let simple = seg.rsplit('.').next().unwrap_or(&seg).to_string();
                let mut rust: Vec<String> = params.iter().map(|p| snake(p)).collect();
                dedupe(&mut rust, &["self"]);
                let function_params = Some(params.iter().cloned().zip(rust).collect());
                b.children.push(Child { method: unique(snake(&simple)), segment: seg, builder: names[&t].clone(), function_params });
            } else {
                b.children.push(Child { method: unique(snake(&seg)), segment: seg, builder: names[&t].clone(), function_params: None });
            }
        }
        // Casts to the derived types that have builders of the same shape.
        for t in derived.get(node).into_iter().flatten() {
            let method = unique(format!("as_{}", snake(split_qualified(&t.0).1)));
            b.casts.push(Child { method, segment: t.0.clone(), builder: names[*t].clone(), function_params: None });
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
                    } else if matches!(kind, OpKind::GetContent | OpKind::PutContent) && seg != "$value" {
                        format!("{}_{}", if *kind == OpKind::GetContent { "GET" } else { "PUT" }, snake(seg).to_ascii_uppercase())
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
                // The overload bound to this node (one name has many bindings).
                let op_def: Option<Operation> = acc.csdl.clone().or_else(|| {
                    let q = acc.action_qname.as_ref()?;
                    paths::bound_operation(schema, &TypeRef::new(&node.0, node.1), q).map(|(_, o)| o.clone())
                });
                let response = match kind {
                    OpKind::List => Shape::Page(node.0.clone()),
                    OpKind::Get | OpKind::Create | OpKind::Update | OpKind::Replace => Shape::Entity(node.0.clone()),
                    OpKind::Delete | OpKind::PutContent | OpKind::AddRef | OpKind::RemoveRef | OpKind::SetRef => Shape::NoContent,
                    OpKind::Count => Shape::Count,
                    OpKind::GetContent => Shape::Bytes,
                    OpKind::Action => crate::ir::classify::return_shape(op_def.as_ref().and_then(|o| o.return_type.as_ref())),
                };
                let is_function = *kind == OpKind::Action && op_def.as_ref().is_some_and(|o| o.kind == OperationKind::Function);
                let body = match kind {
                    OpKind::Create => match &acc.create_required {
                        Some(required) => {
                            let required: BTreeSet<String> = required.difference(&acc.create_optional).cloned().collect();
                            Some(create_model(schema, &node.0, &required, &[&acc.body_rows[..], &acc.body_rels[..]].concat(), ir))
                        }
                        None => write_model(schema, &node.0, WriteMode::Create, &acc.body_rows, &acc.body_rels, ir)
                            .or_else(|| Some(node.0.clone())),
                    },
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
                    let params: Vec<&Parameter> = op_def.as_ref().map(|o| o.parameters.iter().skip(1).collect()).unwrap_or_default();
                    let mut rust: Vec<String> = params.iter().map(|p| snake(&p.name)).collect();
                    dedupe(&mut rust, &["self"]);
                    params.iter().zip(rust).map(|(p, r)| (p.name.clone(), r)).collect::<Vec<_>>()
                });
                let method_name = unique(match kind {
                    OpKind::Action => snake(&simple_seg),
                    OpKind::GetContent | OpKind::PutContent => {
                        let verb = if *kind == OpKind::GetContent { "get" } else { "put" };
                        format!("{verb}_{}", if seg == "$value" { "value".to_string() } else { snake(seg) })
                    }
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
