//! Permissions Graph defines by rule for routes the data does not list, derived after the
//! data is attached and always marked as derived (`PermissionFacts::derived_from`: the route
//! they are taken from), so rustdoc and the report keep them apart from stated ones.
//!
//! One rule, Graph's documented behaviour: **`GET …/$count` takes the permissions of listing
//! that collection** (`GET …`). `$count` is a part of the list operation in Graph's reference:
//! "List users" shows `GET /users/$count` among its examples under that page's one
//! permissions table. Nothing else is derived: reads of an item, writes, or a path's other
//! methods can need other permissions, and the data is the only authority for them. Other
//! candidates (a cast as its uncast path, content as the entity's `GET`, another path of the
//! same containment, a relative path as below its singleton) agree with the data on 43–90%
//! of the pairs where it states both sides, below the 95% a rule needs
//! (`codegen/tests/permissions_soundness.rs` measures them).

use crate::ir::{Ir, OpKind};
use graph_runtime::permissions::normalize_template;

/// Gives each `$count` operation the permissions of its collection's list operation, path by
/// path (each list template with permissions stated for it yields `template/$count`). A path
/// that already has permissions keeps them. Returns the number of templates derived.
pub fn derive(ir: &mut Ir) -> usize {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for b in ir.builders.values().filter(|b| b.collection) {
        let of = |k: OpKind| b.operations.iter().find(|o| o.kind == k).map(|o| o.operation_const.clone());
        if let (Some(list), Some(count)) = (of(OpKind::List), of(OpKind::Count)) {
            pairs.push((list, count));
        }
    }
    pairs.sort();
    pairs.dedup();
    let mut derived = 0;
    for (list, count) in pairs {
        let Some(l) = ir.operations.get(&list) else { continue };
        let method = l.method.clone();
        let stated: Vec<(String, crate::extract::PermissionFacts)> = l
            .paths
            .iter()
            .filter_map(|(t, p)| p.as_ref().filter(|p| p.derived_from.is_none()).map(|p| (t.clone(), p.clone())))
            .collect();
        let Some(c) = ir.operations.get_mut(&count) else { continue };
        let mut keys: Vec<String> = c.paths.iter().map(|(t, _)| normalize_template(t)).collect();
        for (t, mut facts) in stated {
            let template = format!("{}/$count", t.trim_end_matches('/'));
            facts.derived_from = Some(format!("{method} {t}"));
            let key = normalize_template(&template);
            match keys.iter().position(|k| *k == key).map(|i| &mut c.paths[i].1) {
                Some(p @ None) => *p = Some(facts),
                Some(_) => continue,
                None => {
                    c.paths.push((template, Some(facts)));
                    keys.push(key);
                }
            }
            derived += 1;
        }
    }
    derived
}
