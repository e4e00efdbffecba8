//! What the tests of the text emitters share (`tables_text.rs`, `models_text.rs`,
//! `builders_text.rs`): the fixtures' IRs, a small deterministic generator of values around
//! the line width, and a text comparison that names the first difference.
#![allow(dead_code)]

use codegen::emit::{builders, builders_text, format_file, index, models, models_text, tables, CrateSettings};
use codegen::ir::{Ir, Split};
use codegen::pipeline::{self, Input};

#[path = "../common/mod.rs"]
mod common;

/// A docs tree: its pages (`.md`, `.txt`), read lossily.
pub fn load(dir: &std::path::Path) -> codegen::docs::DocTree {
    common::load_pages(dir)
}

/// The IR of a fixture (docs and/or CSDL), laid out in crates as `split` says.
pub fn fixture_ir(docs: Option<&str>, csdl: Option<&str>, namespace: &str, split: Split) -> Ir {
    let root = common::root();
    let docs = docs.map(|d| common::load(&root.join(d))).unwrap_or_default();
    let csdl_xml = csdl.map(|c| (c.to_string(), std::fs::read_to_string(root.join(c)).unwrap()));
    let namespaces = if namespace.is_empty() { Vec::new() } else { vec![namespace.to_string()] };
    let mut out = pipeline::run(&Input { docs, csdl_xml, namespaces, skip_emit: true, ..Default::default() });
    codegen::ir::lower::assign_crates(&mut out.ir, "graph-generated", split);
    assert!(!out.ir.models.is_empty(), "fixture has models");
    out.ir
}

pub fn tiny() -> Ir {
    fixture_ir(Some("codegen/tests/fixtures/tiny"), Some("codegen/tests/fixtures/tiny.csdl.xml"), "microsoft.graph.tiny", Split::Auto)
}

pub fn filters() -> Ir {
    fixture_ir(None, Some("codegen/tests/fixtures/filters.csdl.xml"), "microsoft.graph", Split::Auto)
}

/// Every golden fixture and the embedded default (`schema/docs`), by name.
pub fn all_fixtures() -> Vec<(&'static str, Ir)> {
    vec![
        ("tiny", tiny()),
        ("filters.csdl.xml", filters()),
        ("split.csdl.xml", fixture_ir(None, Some("codegen/tests/fixtures/split.csdl.xml"), "microsoft.graph", Split::Areas(2))),
        ("names", fixture_ir(Some("codegen/tests/fixtures/names"), Some("codegen/tests/fixtures/names/csdl.xml"), "", Split::Auto)),
        ("properties", fixture_ir(Some("codegen/tests/fixtures/properties"), Some("codegen/tests/fixtures/properties.csdl.xml"), "microsoft.graph", Split::Auto)),
        ("schema/docs", fixture_ir(Some("schema/docs"), None, "", Split::Auto)),
    ]
}

/// Panics with the first differing line and its neighbours.
pub fn assert_text(want: &str, got: &str, what: &str) {
    if let Some(d) = difference(want, got, what) {
        panic!("{d}");
    }
}

/// The first differing line and its neighbours, if any.
pub fn difference(want: &str, got: &str, what: &str) -> Option<String> {
    if want == got {
        return None;
    }
    let line = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(want.lines().count().min(got.lines().count()));
    let show = |t: &str| t.lines().skip(line.saturating_sub(3)).take(8).collect::<Vec<_>>().join("\n");
    Some(format!("{what} differs at line {}:\nprettyplease:\n{}\ntext:\n{}", line + 1, show(want), show(got)))
}

/// Runs `f` over `items` on both cores and panics with the first difference it reports
/// (a difference is returned, not panicked, so no worker's failure can be lost).
fn on_cores<T: Sync>(items: &[T], f: impl Fn(&T) -> Option<String> + Sync) {
    let results = codegen::emit::parallel_map_with(2, items, f);
    assert_eq!(results.len(), items.len(), "a comparison thread panicked");
    if let Some(d) = results.into_iter().flatten().next() {
        panic!("{d}");
    }
}

/// A small deterministic generator (the same values on every run).
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn len(&mut self) -> usize {
        // Mostly around the line width (where layouts change), sometimes short or very long.
        match self.below(4) {
            0 => self.below(12) as usize,
            1 => 50 + self.below(50) as usize,
            2 => 60 + self.below(30) as usize,
            _ => self.below(160) as usize,
        }
    }
    /// A length for a name inside a longer line: short or up to the width.
    pub fn name_len(&mut self) -> usize {
        match self.below(3) {
            0 => 1 + self.below(10) as usize,
            1 => 10 + self.below(30) as usize,
            _ => 1 + self.below(80) as usize,
        }
    }
    pub fn text(&mut self, len: usize) -> String {
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
    pub fn word(&mut self, len: usize) -> String {
        (0..len.max(1)).map(|i| if i % 7 == 6 { '.' } else { (b'A' + self.below(26) as u8) as char }).collect()
    }
    /// A snake-case Rust identifier of about `len` bytes, never a keyword (a numbered suffix),
    /// sometimes a raw one.
    pub fn ident(&mut self, len: usize) -> String {
        if self.below(25) == 0 {
            return ["r#type", "r#match", "r#self_"][self.below(3) as usize].to_string();
        }
        let body: String = (0..len.saturating_sub(3).max(1))
            .map(|i| if i % 6 == 5 { '_' } else { (b'a' + self.below(26) as u8) as char })
            .collect();
        format!("{}_{}", body.trim_end_matches('_'), self.below(90))
    }
    /// A CamelCase Rust identifier of about `len` bytes.
    pub fn camel(&mut self, len: usize) -> String {
        let body: String = (0..len.saturating_sub(2).max(1))
            .map(|i| if i % 5 == 0 { (b'A' + self.below(26) as u8) as char } else { (b'a' + self.below(26) as u8) as char })
            .collect();
        format!("{body}{}", self.below(90))
    }
    /// A text of [`Gen::name_len`].
    pub fn name_text(&mut self) -> String {
        let n = self.name_len();
        self.text(n)
    }
    /// An identifier of [`Gen::name_len`].
    pub fn name_ident(&mut self) -> String {
        let n = self.name_len();
        self.ident(n)
    }
    /// A lower-case word of up to `max` letters (and `.`).
    pub fn lower(&mut self, max: u64) -> String {
        let n = 1 + self.below(max) as usize;
        self.word(n).to_ascii_lowercase()
    }
    /// Function parameters: (wire name, Rust name).
    pub fn params(&mut self) -> Vec<(String, String)> {
        (0..self.below(4))
            .map(|_| {
                let w = self.name_text();
                let n = 1 + self.below(20) as usize;
                (w, self.ident(n))
            })
            .collect()
    }
    pub fn list(&mut self, max: u64, each: u64) -> Vec<String> {
        (0..self.below(max + 1))
            .map(|_| {
                let n = 1 + self.below(each) as usize;
                self.word(n)
            })
            .collect()
    }
    /// A doc text: none, short, or several lines (some blank, some with trailing spaces).
    pub fn doc(&mut self) -> Option<String> {
        match self.below(4) {
            0 => None,
            1 => { let n = self.len(); Some(self.text(n)) }
            2 => Some(String::new()),
            _ => {
                let (a, b) = (self.len(), self.len());
                Some(format!("{}\n\n{}  \n{}", self.text(a), self.text(b), self.text(3)))
            }
        }
    }
}

/// Each base IR scrambled with `seeds` seeds (`salt` spreads them) and compared by `same`;
/// both the text layout and the prettyplease fallback must have been taken (the generated
/// values aim at the line width).
pub fn check_generated(bases: &[Ir], seeds: u64, salt: u64, scramble: impl Fn(&mut Ir, &mut Gen), same: impl Fn(&Ir, &str)) {
    let before = codegen::emit::text::counts();
    for seed in 0..seeds {
        for (i, base) in bases.iter().enumerate() {
            let mut ir = base.clone();
            scramble(&mut ir, &mut Gen(seed * salt + i as u64));
            same(&ir, &format!("seed {seed}, fixture {i}"));
        }
    }
    let after = codegen::emit::text::counts();
    assert!(after.fallback_items > before.fallback_items && after.text_items > before.text_items, "{before:?} {after:?}");
}

/// `same` on every fixture as it is.
pub fn check_fixtures(same: impl Fn(&Ir, &str)) {
    for (name, ir) in all_fixtures() {
        same(&ir, name);
    }
}

/// Every model file both ways; the first difference named.
pub fn same_models(ir: &Ir, what: &str) {
    let settings = CrateSettings::default();
    let models: Vec<_> = ir.models.values().collect();
    on_cores(&models, |m| {
        let want = format_file(&settings, models::emit_model(ir, m)).unwrap();
        let got = models_text::model_file(&settings, ir, m).unwrap();
        difference(&want, &got, &format!("{what}: model {}", m.qname))
    });
}

/// Every builder file both ways (with the gate of its first builder as the file's gate: items
/// with and without their own `#[cfg]`); the first difference named.
pub fn same_builders(ir: &Ir, what: &str) {
    let settings = CrateSettings::default();
    let groups: Vec<_> = builders::group(ir).into_iter().collect();
    on_cores(&groups, |((ns, file), bs)| {
        let file_gate = bs.first().and_then(|b| ir.builder_gates.get(&b.rust_name));
        let want = format_file(&settings, builders::emit_builders(ir, bs, file_gate)).unwrap();
        let got = builders_text::builders_file(&settings, ir, bs, file_gate).unwrap();
        difference(&want, &got, &format!("{what}: src/{ns}/requests/{file}.rs"))
    });
}

/// The operation tables and the index both ways; the first difference named.
pub fn same_tables(ir: &Ir, what: &str) {
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
