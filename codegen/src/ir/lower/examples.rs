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
