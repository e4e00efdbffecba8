//! The operation tables and the index are written as text (`emit::tables`): byte-identical to
//! prettyplease's formatting of the token emitters, on the fixtures as they are and on their
//! IR with every string, list and feature gate the tables print replaced by generated values
//! (lengths across the line width, escapes, non-ASCII, newlines in titles, long gates).

mod common;

use codegen::emit::{builders, format_file, index, tables, CrateSettings};
use codegen::extract::{PermissionFacts, SchemeFacts};
use codegen::ir::Ir;
use codegen::pipeline::{self, Input};
use std::collections::BTreeMap;

fn fixture_ir(docs: Option<&str>, csdl: Option<&str>, namespace: &str) -> Ir {
    let root = common::root();
    let docs = docs.map(|d| common::load(&root.join(d))).unwrap_or_default();
    let csdl_xml = csdl.map(|c| (c.to_string(), std::fs::read_to_string(root.join(c)).unwrap()));
    let namespaces = if namespace.is_empty() { Vec::new() } else { vec![namespace.to_string()] };
    let out = pipeline::run(&Input { docs, csdl_xml, namespaces, skip_emit: true, ..Default::default() });
    assert!(!out.ir.operations.is_empty(), "fixture has operations");
    out.ir
}

fn tiny() -> Ir {
    fixture_ir(Some("codegen/tests/fixtures/tiny"), Some("codegen/tests/fixtures/tiny.csdl.xml"), "microsoft.graph.tiny")
}

fn filters() -> Ir {
    fixture_ir(None, Some("codegen/tests/fixtures/filters.csdl.xml"), "microsoft.graph")
}

/// Both ways, every file; the first difference named.
fn assert_same(ir: &Ir, what: &str) {
    let settings = CrateSettings::default();
    let gates = builders::operation_gates(ir);
    for (ns, ops) in builders::operations_by_namespace(ir) {
        let want = format_file(&settings, builders::emit_operations(&ops, &gates)).unwrap();
        let got = tables::operations_file(&settings, &ops, &gates).unwrap();
        assert_text(&want, &got, &format!("{what}: src/{ns}/operations.rs"));
    }
    let want = format_file(&settings, index::emit_index(ir)).unwrap();
    assert_text(&want, &tables::index_file(&settings, ir), &format!("{what}: src/index.rs"));
}

fn assert_text(want: &str, got: &str, what: &str) {
    if want != got {
        let line = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(want.lines().count().min(got.lines().count()));
        let show = |t: &str| t.lines().skip(line.saturating_sub(3)).take(8).collect::<Vec<_>>().join("\n");
        panic!("{what} differs at line {}:\nprettyplease:\n{}\ntext:\n{}", line + 1, show(want), show(got));
    }
}

/// A small deterministic generator (the same values on every run).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn len(&mut self) -> usize {
        // Mostly around the line width (where layouts change), sometimes short or very long.
        match self.below(4) {
            0 => self.below(12) as usize,
            1 => 50 + self.below(50) as usize,
            2 => 60 + self.below(30) as usize,
            _ => self.below(160) as usize,
        }
    }
    fn text(&mut self, len: usize) -> String {
        const PIECES: &[&str] = &["a", "Z", "/", ".", " ", "{id}", "-", "é", "日", "\"", "\\", "'", "\t", "$", "(", ")", "ü"];
        let mut s = String::new();
        while s.len() < len {
            s.push_str(PIECES[self.below(PIECES.len() as u64 * 3) as usize % PIECES.len()]);
            if self.below(3) > 0 {
                s.push('x');
            }
        }
        s
    }
    fn word(&mut self, len: usize) -> String {
        (0..len.max(1)).map(|i| if i % 7 == 6 { '.' } else { (b'A' + self.below(26) as u8) as char }).collect()
    }
    fn list(&mut self, max: u64, each: u64) -> Vec<String> {
        (0..self.below(max + 1)).map(|_| {
            let n = 1 + self.below(each) as usize;
            self.word(n)
        }).collect()
    }
    fn scheme(&mut self) -> SchemeFacts {
        let also_requires = if self.below(6) == 0 { vec![(self.word(12), self.list(2, 20))] } else { Vec::new() };
        SchemeFacts { least: self.list(4, 45), higher: self.list(3, 30), also_requires }
    }
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
                        delegated_work: g.scheme(),
                        delegated_personal: g.scheme(),
                        application: g.scheme(),
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
    assert_same(&fixture_ir(Some("schema/docs"), None, ""), "schema/docs");
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
