//! Example request bodies: valid JSON, and each value of the type its property (create,
//! update, replace) or parameter (actions) has. A body that is wrong is a doc error: it is
//! reported, and the example is not replayed as a test (it would fail to deserialise).

use super::*;
use crate::ir::classify::Classified;

/// Checks the body of `req`, which `c` classified; `op` is the bound operation for actions.
pub(super) fn check_request_body(cx: &mut Cx, api: &ApiFacts, req: &ExampleRequest, c: &Classified, op: Option<&crate::csdl::Operation>) {
    if c.kind == OpKind::Create {
        missing_required(cx, api, req, c);
    }
    let Some(body) = &req.body else { return };
    let takes_json = matches!(c.kind, OpKind::Create | OpKind::Update | OpKind::Replace | OpKind::AddRef | OpKind::SetRef)
        || (c.kind == OpKind::Action && op.is_some_and(|o| o.kind == crate::csdl::OperationKind::Action && o.parameters.len() > 1));
    // A body the request says is not JSON (`multipart/form-data` of a OneNote page, a zip
    // package) is not read as JSON.
    let declared_type = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.to_ascii_lowercase());
    if !takes_json || declared_type.is_some_and(|t| !t.contains("json")) {
        return;
    }
    let file = api.file.clone();
    let first = req.body_line.max(req.line);
    let at = |line: u32, col: u32| Origin::new(file.clone(), first + line.saturating_sub(1), col);
    let root = match parse_json(body) {
        Ok(v) => v,
        Err(e) => {
            cx.diags.push(Diagnostic::error(REQUEST_BODY_INVALID, at(e.line, e.col), format!("request body is not valid JSON: {}", e.msg)));
            return;
        }
    };
    let JVal::Obj(members) = &root.v else {
        cx.diags.push(Diagnostic::error(REQUEST_BODY_INVALID, at(root.line, root.col), "a request body is a JSON object"));
        return;
    };
    let aliases = BTreeSet::new();
    let mut vc = ValueCx::new(cx, &aliases, &at);
    match (c.kind, op) {
        (OpKind::Action, Some(op)) => {
            for (name, _, value) in members.iter().filter(|(k, _, _)| !k.starts_with('@') && !k.contains('@')) {
                match op.parameters.iter().skip(1).find(|p| &p.name == name) {
                    Some(p) => vc.value(value, &p.ty, name),
                    None => vc.unknown(value, name, &format!("a parameter of `{}`", op.name)),
                }
            }
        }
        (OpKind::AddRef | OpKind::SetRef, _) => {}
        _ => vc.object(members, &c.node.0),
    }
}

/// The required fields of the create model the example's operation takes (wire names).
fn required_of_create(ir: &crate::ir::Ir, node: &(String, bool)) -> Vec<String> {
    let body = ir
        .builders
        .values()
        .filter(|b| b.target == node.0 && b.collection == node.1)
        .flat_map(|b| &b.operations)
        .find(|o| o.kind == OpKind::Create)
        .and_then(|o| o.body.as_ref());
    match body.and_then(|q| ir.models.get(q)).map(|m| &m.kind) {
        Some(crate::ir::ModelKind::Struct(s)) if s.write == Some(crate::ir::WriteMode::Create) => {
            s.fields.iter().filter(|f| f.required).map(|f| f.wire.clone()).collect()
        }
        _ => Vec::new(),
    }
}

/// A create example whose body lacks a field its page requires is a doc error (the example
/// would not fit the create model): reported at the body, or at the request when it has none.
fn missing_required(cx: &mut Cx, api: &ApiFacts, req: &ExampleRequest, c: &Classified) {
    let required = required_of_create(cx.ir, &c.node);
    if required.is_empty() {
        return;
    }
    let present: Vec<String> = match req.body.as_deref().map(parse_json) {
        Some(Ok(JNode { v: JVal::Obj(members), .. })) => members.iter().map(|(k, _, _)| k.clone()).collect(),
        // Not an object: `check_request_body` reports it.
        Some(_) => return,
        None => Vec::new(),
    };
    let missing: Vec<&String> = required.iter().filter(|w| !present.contains(w)).collect();
    if missing.is_empty() {
        return;
    }
    let names: Vec<String> = missing.iter().map(|w| format!("`{w}`")).collect();
    let line = if req.body.is_some() { req.body_line.max(req.line) } else { req.line };
    cx.diags.push(Diagnostic::error(
        BODY_MISSING_REQUIRED,
        Origin::new(api.file.clone(), line, 1),
        format!("the create body lacks {}, which creating `{}` requires", names.join(", "), c.node.0),
    ));
}
