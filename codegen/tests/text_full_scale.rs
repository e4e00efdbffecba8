//! The text emitters against prettyplease on all of Graph v1.0 (`../shared`), heavy, so
//! `#[ignore]`d: `cargo test --release -p codegen --test text_full_scale -- --ignored`.
//! Every model file, builder file, operation table and the index of three IRs: the v1.0
//! metadata alone, with Microsoft's permissions data, and the 2020 v1.0 pages over the
//! metadata. Prints how much was written as text and how much formatted by prettyplease.

mod text_support;

use codegen::emit::text;
use codegen::ir::Split;
use codegen::pipeline::{self, Input};
use std::path::PathBuf;
use text_support::{same_builders, same_models, same_tables};

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared").join(rel)
}

fn check(what: &str, docs: bool, permissions: bool) {
    let csdl = shared("csdl/graph-v1.0.csdl.xml");
    let input = Input {
        docs: if docs { text_support::load(&shared("graph-docs-2020/v1.0")) } else { Default::default() },
        csdl_xml: Some(("graph-v1.0.csdl.xml".into(), std::fs::read_to_string(&csdl).expect("../shared/csdl/graph-v1.0.csdl.xml"))),
        permissions: permissions
            .then(|| ("permissions.json".into(), std::fs::read_to_string(shared("permissions/permissions.json")).expect("permissions.json"))),
        skip_emit: true,
        ..Default::default()
    };
    let mut out = pipeline::run(&input);
    codegen::ir::lower::assign_crates(&mut out.ir, "graph-generated", Split::Auto);
    assert!(out.ir.models.len() > 4000, "{what}: all of v1.0");
    let before = text::counts();
    same_models(&out.ir, what);
    same_builders(&out.ir, what);
    same_tables(&out.ir, what);
    let after = text::counts();
    let (t, f) = (after.text_bytes - before.text_bytes, after.fallback_bytes - before.fallback_bytes);
    println!(
        "{what}: {} items ({:.1} MB) written as text, {} ({:.2} MB, {:.1}%) formatted by prettyplease",
        after.text_items - before.text_items,
        t as f64 / 1e6,
        after.fallback_items - before.fallback_items,
        f as f64 / 1e6,
        100.0 * f as f64 / (t + f).max(1) as f64
    );
    // The fallback is for rare shapes; if it grew, the text path stopped paying.
    assert!(f * 20 < t, "{what}: fallback {f} bytes against {t} as text");
}

#[test]
#[ignore]
fn v1_csdl() {
    check("v1.0 CSDL", false, false);
}

#[test]
#[ignore]
fn v1_csdl_with_permissions() {
    check("v1.0 CSDL + permissions", false, true);
}

#[test]
#[ignore]
fn v1_docs_and_csdl() {
    check("2020 v1.0 docs + v1.0 CSDL", true, false);
}
