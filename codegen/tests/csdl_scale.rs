//! All of Graph v1.0 through the whole pipeline, in memory (no `cargo check`): no errors,
//! every type of the file emitted as a model, a bounded number of features and builders,
//! every emitted Rust file parses, and two runs are byte-identical.

use codegen::csdl::{xml, TypeDef};
use codegen::ir::ModelKind;
use codegen::pipeline::{self, Input};

mod common;

const V1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/csdl/graph-v1.0.csdl.xml");

#[test]
fn graph_v1_generates_completely_and_deterministically() {
    let text = String::from_utf8_lossy(&std::fs::read(V1).expect("v1.0 metadata")).into_owned();
    let input = Input { csdl_xml: Some(("graph-v1.0.csdl.xml".into(), text.clone())), ..Default::default() };
    let out = pipeline::run(&input);

    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    // Every structured and enum type of the file is a model of the generated crate.
    let (schema, _) = xml::read("v1", &text);
    let mut types = 0;
    for (ns, n) in &schema.namespaces {
        for (name, def) in &n.types {
            if matches!(def, TypeDef::Definition(_)) {
                continue;
            }
            types += 1;
            let q = format!("{ns}.{name}");
            let m = out.ir.models.get(&q).unwrap_or_else(|| panic!("`{q}` has no model"));
            if let ModelKind::Struct(s) = &m.kind {
                assert!(!s.opaque, "`{q}` is opaque");
            }
        }
    }
    assert_eq!(types, 1182 + 1780 + 861);
    let type_models = out.ir.models.keys().filter(|k| !k.contains('#')).count();
    assert_eq!(type_models, types);
    assert_eq!(out.namespaces.len(), 11);

    // Builders are bounded by types (one item + one collection per reachable type).
    assert!(out.ir.builders.len() <= 2 * (1182 + 1780), "{} builders", out.ir.builders.len());
    assert!(out.ir.builders.len() > 500);
    assert_eq!(out.ir.figures.reachable_nodes, out.ir.builders.len());
    assert!(out.ir.figures.path_templates > out.ir.builders.len() as u128);

    // Features: per area, well under crates.io's limit, all in Cargo.toml below the marker.
    let shared = out.ir.shared_features.len();
    let total = out.ir.features.len() + shared + 1;
    assert!(total < 300, "{total} features");
    let toml = &out.files["Cargo.toml"];
    let below = toml.split(codegen::emit::FEATURE_MARKER).nth(1).expect("marker");
    for f in out.ir.features.keys() {
        assert!(below.contains(&format!("\n{f} = [")), "feature {f} missing");
    }
    // A consumer by path is told how to build the crates without an incremental cache.
    assert!(toml.contains("#   [profile.dev.package.\"*\"]\n#   incremental = false\n"));

    // Split into crates (output this big): every name points into the same crate or one it
    // depends on, no crate holds more than a quarter of the code, and each area builds the
    // parts it needs and no other optional one.
    let layout = &out.ir.layout;
    assert!(layout.parts.len() >= 6, "{} parts", layout.parts.len());
    // `shared` (the user/group/drive/site cycle and what it names) splits below its top.
    assert!(layout.parts.iter().any(|p| p.suffix == "shared-base-2"), "no base crates under `shared`");
    // The models no area needs: those naming no area crate's model wait for no area crate
    // (`unreached-1`, checked beside them); the others (`unreached-2`) do.
    let part = |s: &str| layout.parts.iter().position(|p| p.suffix == s).unwrap_or_else(|| panic!("no part `{s}`"));
    let is_area = |i: &usize| layout.parts[*i].suffix.starts_with("area-");
    assert!(!layout.parts[part("unreached-1")].deps.iter().any(is_area), "unreached-1 waits for an area crate");
    assert!(layout.parts[part("unreached-2")].deps.iter().any(is_area), "unreached-2 names no area crate");
    let errors = codegen::ir::lower::parts::layout_errors(&out.ir);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let total_bytes: usize = out.files.values().map(String::len).sum();
    for p in &layout.parts {
        let prefix = format!("parts/{}/", p.suffix);
        let bytes: usize = out.files.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(_, v)| v.len()).sum();
        assert!(bytes * 4 < total_bytes, "`{}` holds {bytes} of {total_bytes} bytes", p.suffix);
        assert!(out.files.contains_key(&format!("{prefix}Cargo.toml")));
    }
    let errors = common::area_part_errors(&out.ir, &out.files);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for f in ["users", "groups", "me", "ns-security", "ns-call-records"] {
        assert!(out.ir.features.contains_key(f), "feature {f}");
    }

    // Every emitted Rust file parses.
    let mut rust_files = 0;
    for (path, text) in &out.files {
        if path.ends_with(".rs") {
            syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            rust_files += 1;
        }
    }
    assert!(rust_files > types);

    // Determinism.
    let again = pipeline::run(&input);
    assert!(again.files == out.files, "two runs differ");
}
