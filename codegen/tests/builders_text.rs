//! Builder files are written as text (`emit::builders_text`): byte-identical to
//! prettyplease's formatting of the token emitter (`emit::builders::emit_builders`), on the
//! fixtures as they are and on their IR with every builder, method, segment, parameter,
//! gate and model name replaced by generated values around the line width.

mod text_support;

use codegen::ir::*;
use std::collections::BTreeMap;
use text_support::{all_fixtures, check_fixtures, check_generated, same_builders as assert_same, Gen};


fn scramble(ir: &mut Ir, g: &mut Gen) {
    for m in ir.models.values_mut() {
        let n = g.name_len();
        m.rust_name = g.camel(n);
        if g.below(4) == 0 {
            m.namespace = g.lower(30);
        }
    }
    let names: Vec<String> = ir.builders.keys().cloned().collect();
    for b in ir.builders.values_mut() {
        b.target = g.name_text();
        if g.below(3) == 0 {
            b.namespace = g.lower(30);
        }
        if g.below(3) == 0 {
            b.by_path = !b.by_path;
        }
        if let Some((item, param)) = &mut b.item {
            *param = g.name_text();
            let _ = item;
        }
        for c in b.children.iter_mut().chain(b.casts.iter_mut()) {
            c.method = g.name_ident();
            c.segment = g.name_text();
            if g.below(4) == 0 {
                c.function_params = Some(g.params());
            }
        }
        for op in &mut b.operations {
            op.method_name = g.name_ident();
            if g.below(2) == 0 {
                op.segment = Some(g.name_text());
            }
            if g.below(4) == 0 {
                op.function_params = Some(g.params());
            }
            op.http_method = ["GET", "POST", "PATCH", "PUT", "DELETE"][g.below(5) as usize].to_string();
            op.kind = [OpKind::Get, OpKind::List, OpKind::Create, OpKind::PutContent, OpKind::AddRef, OpKind::RemoveRef, OpKind::SetRef][g.below(7) as usize];
        }
    }
    // Builder names (and so paths) of every length; the operations they point at renamed too.
    let renamed: BTreeMap<String, String> = names.iter().map(|k| (k.clone(), { let n = g.name_len(); g.camel(n) })).collect();
    let mut builders = BTreeMap::new();
    for (k, mut b) in std::mem::take(&mut ir.builders) {
        b.rust_name = renamed[&k].clone();
        if let Some((item, _)) = &mut b.item {
            *item = renamed.get(item).cloned().unwrap_or(item.clone());
        }
        for c in b.children.iter_mut().chain(b.casts.iter_mut()) {
            c.builder = renamed.get(&c.builder).cloned().unwrap_or(c.builder.clone());
        }
        builders.insert(b.rust_name.clone(), b);
    }
    ir.builders = builders;
    ir.builder_gates = std::mem::take(&mut ir.builder_gates).into_iter().filter_map(|(k, v)| renamed.get(&k).map(|n| (n.clone(), v))).collect();
    let all: Vec<String> = ir.builders.keys().cloned().collect();
    for b in all {
        match g.below(4) {
            0 => {
                ir.builder_gates.remove(&b);
            }
            1 => {
                ir.builder_gates.insert(b, Vec::new());
            }
            _ => {
                let gate = (0..1 + g.below(5)).map(|_| g.lower(30).replace('.', "-")).collect::<Vec<_>>();
                ir.builder_gates.insert(b, gate);
            }
        }
    }
    // Operation data: headers (consistency level), titles and paths feed the rustdoc.
    let consts: Vec<String> = ir.operations.keys().cloned().collect();
    let mut ops = BTreeMap::new();
    for k in consts {
        let mut o = ir.operations.remove(&k).unwrap();
        o.const_name = { let n = g.name_len(); format!("{}_{}", g.word(n).replace('.', "_"), ops.len()) };
        o.title = { let n = g.len(); g.text(n) };
        if g.below(2) == 0 {
            o.headers.push(("ConsistencyLevel".into(), Some("eventual".into()), g.below(2) == 0));
        }
        for b in ir.builders.values_mut() {
            for op in &mut b.operations {
                if op.operation_const == k {
                    op.operation_const = o.const_name.clone();
                }
            }
        }
        ops.insert(o.const_name.clone(), o);
    }
    ir.operations = ops;
    // Response and body models: any model, so directory objects (advanced queries) too.
    let keys: Vec<String> = ir.models.keys().cloned().collect();
    for b in ir.builders.values_mut() {
        for op in &mut b.operations {
            let q = keys[g.below(keys.len() as u64) as usize].clone();
            op.response = match g.below(5) {
                0 => Shape::Entity(q),
                1 => Shape::Page(q),
                2 => Shape::NoContent,
                3 => Shape::Count,
                _ => Shape::Bytes,
            };
            op.body = (g.below(2) == 0).then(|| keys[g.below(keys.len() as u64) as usize].clone());
        }
    }
    for m in ir.models.values_mut() {
        if let ModelKind::Struct(s) = &mut m.kind {
            s.directory_object = g.below(3) == 0;
        }
    }
}

#[test]
fn fixtures_as_they_are() {
    check_fixtures(assert_same);
}

#[test]
fn generated_values_in_every_field() {
    let bases: Vec<Ir> = all_fixtures().into_iter().map(|(_, ir)| ir).collect();
    check_generated(&bases, 60, 11, scramble, assert_same);
}
