//! Doc examples as tests: the builder chain that rebuilds each documented request.

use super::*;

pub(super) fn lower_examples(schema: &Schema, apis: &[ApiFacts], ir: &mut Ir, diags: &mut Vec<Diagnostic>) {
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
            let raw_body = match op.kind {
                OpKind::AddRef | OpKind::SetRef => {
                    let doc = req.body.clone().unwrap_or_default();
                    let id = serde_json::from_str::<serde_json::Value>(&doc).ok().and_then(|v| {
                        let o = v.as_object()?;
                        (o.len() == 1).then(|| o.get("@odata.id")?.as_str().map(str::to_string)).flatten()
                    });
                    let Some(id) = id else {
                        diags.push(Diagnostic::warning(
                            "example-reference-body",
                            origin,
                            format!("`{} {}`: a `$ref` body is `{{\"@odata.id\": \"…\"}}`", req.method, req.url),
                        ));
                        continue;
                    };
                    Some(RawBody::Reference(id, doc))
                }
                OpKind::PutContent => Some(RawBody::Content(req.body.clone().unwrap_or_default())),
                OpKind::RemoveRef if op_collection(ir, &op) => {
                    let id = paths::query_part(&req.url).and_then(|q| {
                        crate::odata_query::parse(q, '&').into_iter().find(|o| o.name == "$id").map(|o| o.value)
                    });
                    let Some(id) = id else {
                        diags.push(Diagnostic::warning(
                            "example-reference-body",
                            origin,
                            format!("`{} {}`: removing a reference from a collection names it with `$id`", req.method, req.url),
                        ));
                        continue;
                    };
                    Some(RawBody::RefById(id))
                }
                _ => None,
            };
            let response = ex.response.as_ref().and_then(|r| r.body.clone()).map(|b| (op.response.clone(), b));
            let body = match (&op.body, &req.body) {
                (Some(t), Some(b)) => Some((t.clone(), b.clone())),
                // The operation takes a body the example does not show: an empty one.
                (Some(t), None) if raw_body.is_none() => Some((t.clone(), "{}".to_string())),
                _ => None,
            };
            ir.examples.push(ExampleTest {
                fn_name,
                file: api.file.clone(),
                line: req.line,
                chain,
                method: req.method.clone(),
                // The documented URL as the schema spells it (declared case, keys as segments).
                url: paths::resolve(schema, &req.url).map(|r| r.canonical()).unwrap_or_default()
                    + &paths::query_part(&req.url).map(|q| format!("?{q}")).unwrap_or_default(),
                query: paths::query_part(&req.url)
                    .map(|q| if matches!(raw_body, Some(RawBody::RefById(_))) { without_option(q, "$id") } else { q.to_string() })
                    .filter(|q| !q.is_empty()),
                body,
                response,
                raw_body,
                // From the request line to the end of the request body or of the response.
                lines: {
                    let end_of = |start: u32, body: Option<&str>| start + body.map(|b| b.lines().count() as u32).unwrap_or(0);
                    let req_end = end_of(req.body_line.max(req.line), req.body.as_deref());
                    let resp_end = ex.response.as_ref().map(|r| end_of(r.body_line.max(r.line), r.body.as_deref())).unwrap_or(0);
                    (req.line, req_end.max(resp_end))
                },
            });
        }
    }
}

/// The builder chain that builds `method url`, and the operation it ends in.
pub fn example_chain(schema: &Schema, ir: &Ir, method: &str, url: &str) -> Option<(Vec<Call>, OpMethod)> {
    let r = paths::resolve(schema, url).ok()?;
    let c = classify(method, &r).ok()?;
    let mut chain = Vec::new();
    let mut builder: Option<&Builder> = None;
    let last = r.segments.len() - 1;
    for (i, seg) in r.segments.iter().enumerate() {
        match &seg.kind {
            SegKind::Root { .. } => {
                let root = ir.roots.iter().find(|x| x.segment == seg.text)?;
                chain.push(Call::Root(root.fn_name.clone()));
                builder = ir.builders.get(&root.builder);
            }
            // A path relative to a parent has no root to start a chain from.
            SegKind::Relative { .. } => return None,
            // Builders address an item by its key only: `by_id(value)` would be another request.
            SegKind::Key { alternate: Some(_), .. } => return None,
            SegKind::Key { .. } => {
                let b = builder?;
                let (item, _) = b.item.as_ref()?;
                chain.push(Call::ById(seg.text.clone()));
                builder = ir.builders.get(item);
            }
            SegKind::Nav { .. } | SegKind::Property { .. } => {
                let b = builder?;
                let c = b.children.iter().find(|c| c.segment == seg.text)?;
                chain.push(Call::Method(c.method.clone()));
                builder = ir.builders.get(&c.builder);
            }
            SegKind::Cast { qname } => {
                let b = builder?;
                let c = b.casts.iter().find(|c| &c.segment == qname)?;
                chain.push(Call::Method(c.method.clone()));
                builder = ir.builders.get(&c.builder);
            }
            SegKind::ItemPath { path } => {
                if !builder?.by_path {
                    return None;
                }
                chain.push(Call::ByPath(path.clone()));
            }
            // A composable function continues the chain on what it returns.
            SegKind::Operation { returns: Some(_), args, .. } => {
                let b = builder?;
                let c = b.children.iter().find(|c| c.segment == seg.text && c.function_params.is_some())?;
                let params = c.function_params.as_ref()?;
                chain.push(Call::Function(c.method.clone(), arguments(args, params)?));
                builder = ir.builders.get(&c.builder);
            }
            // The operation ends the chain.
            SegKind::Operation { .. } | SegKind::Value | SegKind::Stream | SegKind::Ref | SegKind::Count if i == last => break,
            SegKind::Operation { .. } | SegKind::Value | SegKind::Stream | SegKind::Ref | SegKind::Count => return None,
        }
    }
    let b = builder?;
    // Overloads share the segment (`getEmailActivityUserDetail(period=…)` and `(date=…)`): the
    // one whose parameters the documented arguments fill.
    let candidates: Vec<&OpMethod> = b.operations.iter().filter(|o| o.kind == c.kind && o.segment == c.segment).collect();
    let (op, args) = candidates.iter().find_map(|op| {
        let args = match (&r.target().kind, &op.function_params) {
            (SegKind::Operation { args, .. }, Some(params)) => {
                let wire: Vec<&str> = params.iter().map(|(w, _)| w.as_str()).collect();
                if candidates.len() > 1 && !crate::ir::classify::args_fit(args, &wire) {
                    return None;
                }
                arguments(args, params)?
            }
            _ => Vec::new(),
        };
        Some((*op, args))
    })?;
    chain.push(Call::Op(op.method_name.clone(), op.body.is_some(), args));
    Some((chain, op.clone()))
}

/// True when `op` belongs to a collection builder.
fn op_collection(ir: &Ir, op: &OpMethod) -> bool {
    ir.builders.values().any(|b| b.collection && b.operations.iter().any(|o| o.operation_const == op.operation_const))
}

/// The query `q` without the option `name`.
fn without_option(q: &str, name: &str) -> String {
    q.split('&').filter(|kv| kv.split('=').next() != Some(name)).collect::<Vec<_>>().join("&")
}

/// Documented function arguments in the order of the method's parameters: by name (any case),
/// all of them; a lone positional one (`range('A1')`) fills a single parameter.
fn arguments(args: &[(String, String)], params: &[(String, String)]) -> Option<Vec<String>> {
    match (args, params.len()) {
        ([(k, v)], 1) if k.is_empty() => Some(vec![v.clone()]),
        _ => params
            .iter()
            .map(|(w, _)| args.iter().find(|(k, _)| k.eq_ignore_ascii_case(w)).map(|(_, v)| v.clone()))
            .collect(),
    }
}
