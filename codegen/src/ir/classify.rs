//! What a request means: `(method, resolved path)` → the builder node it runs on, the kind of
//! operation and its call segment. One rule for lowering (documented request lines), example
//! replay, the checks of `report` and the permissions data.

use super::OpKind;
use crate::paths::{Resolved, SegKind};

/// A request classified: the node (type, collection?) whose builder offers the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub node: (String, bool),
    pub kind: OpKind,
    /// Call segment for operations that add one (`$count`, `$ref`, `$value`, `content`, a bound
    /// operation); `None` for plain CRUD on the node itself.
    pub segment: Option<String>,
    /// Qualified name of a bound operation.
    pub action: Option<String>,
}

/// What a bound action or function answers, from its return type: nothing, a page of a
/// collection, raw content for `Edm.Stream` (a report's CSV, a file), else one value of the
/// type. Lowering (the builder's response type) and the checks of doc examples share it.
pub fn return_shape(rt: Option<&crate::csdl::ReturnType>) -> super::Shape {
    use super::Shape;
    match rt {
        None => Shape::NoContent,
        Some(r) if r.ty.collection => Shape::Page(r.ty.name.clone()),
        Some(r) if r.ty.name == "Edm.Stream" => Shape::Bytes,
        Some(r) => Shape::Entity(r.ty.name.clone()),
    }
}

/// True when documented function arguments fill exactly the parameters `params` (wire names):
/// every one by name in any case, or a lone positional argument a lone parameter. Picks the
/// overload of a bound function (`getEmailActivityUserDetail(period='D7')` vs `(date=…)`) for
/// lowering, example replay and the permissions data alike.
pub fn args_fit(args: &[(String, String)], params: &[&str]) -> bool {
    match args {
        [(k, _)] if k.is_empty() => params.len() == 1,
        _ => params.len() == args.len() && params.iter().all(|p| args.iter().any(|(k, _)| k.eq_ignore_ascii_case(p))),
    }
}

/// The HTTP method of each kind (actions: POST; functions are GET, decided by the caller).
pub fn method_of(k: OpKind) -> &'static str {
    match k {
        OpKind::List | OpKind::Get | OpKind::Count | OpKind::GetContent => "GET",
        OpKind::Create | OpKind::Action | OpKind::AddRef => "POST",
        OpKind::Update => "PATCH",
        OpKind::Replace | OpKind::PutContent | OpKind::SetRef => "PUT",
        OpKind::Delete | OpKind::RemoveRef => "DELETE",
    }
}

/// Classifies `method` on `r`; `Err` says why no client operation fits.
pub fn classify(method: &str, r: &Resolved) -> Result<Classified, String> {
    let target = r.target();
    let ty = target.ty.name.clone();
    let single = |kind: OpKind, seg: &str| Classified { node: (ty.clone(), false), kind, segment: Some(seg.to_string()), action: None };
    let before = r.segments.len().checked_sub(2).map(|i| &r.segments[i]);
    let what = |c: bool| if c { "a collection" } else { "a single entity" };
    match (&target.kind, method) {
        // A composable function is a way to its result: GET reads it like any entity.
        (SegKind::Operation { returns: Some(t), .. }, "GET") => {
            let kind = if t.collection { OpKind::List } else { OpKind::Get };
            Ok(Classified { node: (t.name.clone(), t.collection), kind, segment: None, action: None })
        }
        (SegKind::Operation { returns: Some(_), .. }, m) => Err(format!("`{m}` on the function `{}` is not an operation", target.text)),
        (SegKind::Operation { qname, .. }, _) => Ok(Classified {
            node: (ty, target.ty.collection),
            kind: OpKind::Action,
            segment: Some(target.text.clone()),
            action: Some(qname.clone()),
        }),
        (SegKind::Count, "GET") => Ok(Classified { node: (ty, true), kind: OpKind::Count, segment: Some("$count".into()), action: None }),
        (SegKind::Value | SegKind::Stream, "GET") => Ok(single(OpKind::GetContent, &target.text)),
        (SegKind::Value | SegKind::Stream, "PUT") => Ok(single(OpKind::PutContent, &target.text)),
        (SegKind::Ref, m) => {
            // What the reference is on: a collection navigation, one item of it, or a single one.
            let on_collection = before.is_some_and(|b| b.ty.collection);
            let on_item = before.is_some_and(|b| matches!(b.kind, SegKind::Key { .. }));
            match (m, on_collection, on_item) {
                ("POST", true, _) => Ok(Classified { node: (ty, true), kind: OpKind::AddRef, segment: Some("$ref".into()), action: None }),
                ("DELETE", false, _) => Ok(single(OpKind::RemoveRef, "$ref")),
                // OData 4.01: `DELETE …/{collection}/$ref?$id=…` names the reference in `$id`.
                ("DELETE", true, _) => Ok(Classified { node: (ty, true), kind: OpKind::RemoveRef, segment: Some("$ref".into()), action: None }),
                ("PUT", false, false) => Ok(single(OpKind::SetRef, "$ref")),
                _ => Err(format!("`{m} …/$ref` is not a reference operation on {}", what(on_collection))),
            }
        }
        (SegKind::Count | SegKind::Value | SegKind::Stream, m) => Err(format!("`{m}` on `{}` is not an operation", target.text)),
        // A complex-valued property of a single entity: read, update (a partial value) or
        // replace its value, on the builder of the complex type.
        (SegKind::Property { collection: false, complex: true }, m) => {
            let kind = match m {
                "GET" => OpKind::Get,
                "PATCH" => OpKind::Update,
                "PUT" => OpKind::Replace,
                _ => return Err(format!("`{m}` on the property `{}` is not an operation a client can build", target.text)),
            };
            Ok(Classified { node: (ty, false), kind, segment: None, action: None })
        }
        (SegKind::Property { .. }, m) => Err(format!(
            "`{m}` on `{}`, a primitive or collection-valued property: only a single complex-valued property has a builder",
            target.text
        )),
        (_, m) => {
            let c = target.ty.collection;
            let kind = match (m, c) {
                ("GET", true) => OpKind::List,
                ("GET", false) => OpKind::Get,
                ("POST", true) => OpKind::Create,
                ("PATCH", false) => OpKind::Update,
                ("PUT", false) => OpKind::Replace,
                ("DELETE", false) => OpKind::Delete,
                _ => return Err(format!("`{m}` on {} is not an operation a client can build", what(c))),
            };
            Ok(Classified { node: (ty, c), kind, segment: None, action: None })
        }
    }
}
