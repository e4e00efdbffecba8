//! Awkward wire names: the `names` fixture emitted as the `goldens/names` crate, and the
//! naming rules under property tests: always a valid, lint-clean, unique Rust name.

use codegen::pipeline::{self, Input};
use proptest::prelude::*;
use std::fs;

mod common;
use common::*;

// ---------------------------------------------------------------------------------------------
// Names: the `names` fixture → the `goldens/names` crate (a workspace member, so it is built,
// linted and its example tests run with the workspace)
// ---------------------------------------------------------------------------------------------

const NAMES_COMMAND: &str = "UPDATE_GOLDENS=1 cargo test -p codegen --test names names_fixture";

fn names_output() -> pipeline::Output {
    let fixture = root().join("codegen/tests/fixtures/names");
    let input = Input {
        docs: load_pages(&fixture),
        docs_label: "codegen/tests/fixtures/names/".into(),
        csdl_xml: Some((
            "codegen/tests/fixtures/names/csdl.xml".into(),
            fs::read_to_string(fixture.join("csdl.xml")).unwrap(),
        )),
        settings: codegen::emit::CrateSettings {
            package: "golden-names".into(),
            runtime_path: "../../runtime".into(),
            command: NAMES_COMMAND.into(),
            deny_warnings: true,
            default_features: vec!["full".into()],
            split: Default::default(),
        },
        ..Default::default()
    };
    pipeline::run(&input)
}

/// The crate as checked in: the generated files (schema under `schema/`); emitted with
/// `#![deny(warnings)]`, so any warning in code emitted for awkward names fails the build.
fn names_files(out: &pipeline::Output) -> std::collections::BTreeMap<String, String> {
    let mut files = out.files.clone();
    for (name, text) in &out.schema_files {
        files.insert(format!("schema/{name}"), text.clone());
    }
    files
}

#[test]
fn names_fixture_matches_the_golden_crate() {
    let out = names_output();
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let files = names_files(&out);
    check_golden_dir(&root().join("goldens/names"), &files, NAMES_COMMAND);
}

#[test]
fn names_fixture_keeps_every_wire_name() {
    let out = names_output();
    let model = out.files.iter().find(|(k, _)| k.ends_with("/thing.rs") && !k.contains("requests")).map(|(_, v)| v).unwrap();
    for wire in [
        "type", "ref", "self", "match", "move", "async", "crate", "super", "Self", "skuId", "SkuId", "sku_id", "SKU_ID",
        "2fa", "365days", "odata.etag", "x-ms-header", "café", "名前", "additional", "odataType", "kind", "Thing",
    ] {
        assert!(model.contains(&format!("\"{wire}\"")), "wire name `{wire}` not kept:\n{model}");
    }
    // Rust names are unique within the struct (the file parses and the crate compiles;
    // this is the cheap check).
    let file = syn::parse_file(model).unwrap();
    for item in &file.items {
        if let syn::Item::Struct(s) = item {
            let mut names: Vec<String> = s.fields.iter().filter_map(|f| f.ident.as_ref().map(|i| i.to_string())).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "duplicate field names in {}", s.ident);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Naming: whatever the wire name, a valid, lint-clean, unique Rust name
// ---------------------------------------------------------------------------------------------

fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

proptest! {
    #![proptest_config(cfg(500))]
    #[test]
    fn names_are_identifiers(wire in "\\PC{0,40}") {
        use codegen::ir::naming::{camel, snake};
        let s = snake(&wire);
        prop_assert!(is_ident(&s), "snake({wire:?}) = {s:?}");
        prop_assert!(!s.contains("__") && !s.starts_with('_') && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "snake({wire:?}) = {s:?}");
        let c = camel(&wire);
        prop_assert!(is_ident(&c), "camel({wire:?}) = {c:?}");
        prop_assert!(c.starts_with(|ch: char| ch.is_ascii_uppercase()) && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'), "camel({wire:?}) = {c:?}");
    }

    #[test]
    fn deduped_names_are_unique_and_lint_clean(wires in prop::collection::vec("(self|Self|type|skuId|SkuId|sku_id|SKU_ID|2fa|a|A|a_2|A2|unknown|Unknown)", 0..12)) {
        use codegen::ir::naming::{camel, dedupe, snake};
        for (conv, reserved) in [(snake as fn(&str) -> String, &["odata_type", "additional"][..]), (camel, &["Unknown"][..])] {
            let mut names: Vec<String> = wires.iter().map(|w| conv(w)).collect();
            dedupe(&mut names, reserved);
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), names.len(), "{:?}", names);
            for n in &names {
                prop_assert!(is_ident(n) && !n.contains("__") && !reserved.contains(&n.as_str()), "{:?}", names);
                if n.starts_with(|c: char| c.is_ascii_uppercase()) {
                    // UpperCamelCase: no `_` before a digit (the case lint rejects `Foo_2`).
                    prop_assert!(!n.contains('_') || n.ends_with('_') && !n[..n.len() - 1].contains('_'), "{:?}", names);
                }
            }
        }
    }
}
