//! The operation tables and the index are written as text (`emit::tables`): byte-identical to
//! prettyplease's formatting of the token emitters, on the fixtures as they are and on their
//! IR with every string, list and feature gate the tables print replaced by generated values
//! (lengths across the line width, escapes, non-ASCII, newlines in titles, long gates).

mod text_support;

use codegen::extract::{PermissionFacts, SchemeFacts};
use codegen::ir::{Ir, Split};
use std::collections::BTreeMap;
use text_support::{filters, fixture_ir, same_tables as assert_same, tiny, Gen};


fn scheme(g: &mut Gen) -> SchemeFacts {
    let also_requires = if g.below(6) == 0 { vec![(g.word(12), g.list(2, 20))] } else { Vec::new() };
    SchemeFacts { least: g.list(4, 45), higher: g.list(3, 30), also_requires }
}

fn scramble(ir: &mut Ir, g: &mut Gen) {
    // Operation names of every length (they end lines of `all()` and of the index).
    let renamed: BTreeMap<String, String> = ir
        .operations
        .keys()
        .enumerate()
        .map(|(i, k)| {
            let n = g.len();
            (k.clone(), format!("{}_{i}", g.word(n).replace('.', "_")))
        })
        .collect();
    ir.operations = std::mem::take(&mut ir.operations)
        .into_iter()
        .map(|(k, mut o)| {
            o.const_name = renamed[&k].clone();
            (o.const_name.clone(), o)
        })
        .collect();
    for b in ir.builders.values_mut() {
        for op in &mut b.operations {
            if let Some(n) = renamed.get(&op.operation_const) {
                op.operation_const = n.clone();
            }
        }
    }
    for o in ir.operations.values_mut() {
        let n = g.len();
        o.title = g.text(n);
        if g.below(5) == 0 {
            let n = g.len();
            o.title = format!("{}\n{}\n\n{}  ", o.title, g.text(n), g.text(3));
        }
        o.doc_pages = (0..g.below(3)).map(|_| { let n = g.len(); g.text(n) }).collect();
        o.paths = (0..g.below(4))
            .map(|_| {
                let n = g.len();
                let t = g.text(n);
                // Sets of the permissions data (no line: named once per file, some derived)
                // and docs' tables (a line: inline).
                let p = (g.below(3) > 0).then(|| {
                    let mut p = PermissionFacts {
                        delegated_work: scheme(g),
                        delegated_personal: scheme(g),
                        application: scheme(g),
                        ..Default::default()
                    };
                    if g.below(2) == 0 {
                        p.origin.line = 1 + g.below(40) as u32;
                    } else if g.below(3) == 0 {
                        let n = g.len();
                        p.derived_from = Some(format!("GET {}", g.text(n)));
                    }
                    p
                });
                (t, p)
            })
            .collect();
        o.headers = (0..g.below(3))
            .map(|_| {
                let n = g.len();
                let name = g.text(n);
                let value = (g.below(2) == 0).then(|| { let n = g.len(); g.text(n) });
                (name, value, g.below(2) == 0)
            })
            .collect();
    }
    let names: Vec<String> = ir.builder_gates.keys().cloned().collect();
    for b in names {
        let gate = match g.below(4) {
            0 => None,
            1 => Some(Vec::new()),
            _ => Some((0..1 + g.below(5)).map(|_| { let n = 1 + g.below(30) as usize; g.word(n).to_ascii_lowercase().replace('.', "-") }).collect()),
        };
        match gate {
            Some(v) => {
                ir.builder_gates.insert(b, v);
            }
            None => {
                ir.builder_gates.remove(&b);
            }
        }
    }
    // Gates for builders that had none (docs-only fixtures have no features).
    let all: Vec<String> = ir.builders.keys().cloned().collect();
    for b in all {
        if g.below(3) == 0 {
            let n = 5 + g.below(25) as usize;
            ir.builder_gates.entry(b).or_insert_with(|| vec![g.word(n).to_ascii_lowercase()]);
        }
    }
}

#[test]
fn fixtures_as_they_are() {
    assert_same(&tiny(), "tiny");
    assert_same(&filters(), "filters.csdl.xml");
    assert_same(&fixture_ir(Some("schema/docs"), None, "", Split::Auto), "schema/docs");
}

#[test]
fn generated_values_in_every_field() {
    let bases = [tiny(), filters()];
    for seed in 0..150u64 {
        for (i, base) in bases.iter().enumerate() {
            let mut ir = base.clone();
            scramble(&mut ir, &mut Gen(seed * 7 + i as u64));
            assert_same(&ir, &format!("seed {seed}, fixture {i}"));
        }
    }
}
