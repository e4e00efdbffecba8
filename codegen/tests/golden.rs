//! Golden tests of the deriver and the emitters on a tiny fixture: the derived schema and
//! the whole emitted crate are compared with `goldens/tiny/`, a workspace member, so every
//! golden is also compiled (and linted with `-D warnings` in CI) and its example tests run.
//! `UPDATE_GOLDENS=1 cargo test -p codegen --test golden` accepts changes.

use codegen::emit::CrateSettings;
use codegen::pipeline::{run, Input};
use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{check_golden_dir, load, root};

fn tiny_input() -> Input {
    let fixtures = root().join("codegen/tests/fixtures");
    Input {
        docs: load(&fixtures.join("tiny")),
        docs_label: "codegen/tests/fixtures/tiny/".into(),
        csdl_xml: Some((
            "codegen/tests/fixtures/tiny.csdl.xml".into(),
            std::fs::read_to_string(fixtures.join("tiny.csdl.xml")).unwrap(),
        )),
        namespaces: vec!["microsoft.graph.tiny".into()],
        settings: settings("golden-tiny", Default::default()),
        strict: true,
        skip_emit: false,
        ..Default::default()
    }
}

/// The settings of a golden crate: a workspace member beside `runtime/`, linted strictly.
fn settings(package: &str, split: codegen::ir::Split) -> CrateSettings {
    CrateSettings {
        package: package.into(),
        runtime_path: "../../runtime".into(),
        command: "UPDATE_GOLDENS=1 cargo test -p codegen --test golden".into(),
        deny_warnings: true,
        default_features: vec!["full".into()],
        split,
    }
}

/// `common::check_golden_dir` with this file's accept command.
fn check_dir(dir: &Path, files: &BTreeMap<String, String>) {
    check_golden_dir(dir, files, "UPDATE_GOLDENS=1 cargo test -p codegen --test golden");
}

#[test]
fn tiny_fixture_derives_and_emits_the_golden_crate() {
    let out = run(&tiny_input());
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut files = out.files.clone();
    for (name, text) in &out.schema_files {
        files.insert(format!("schema/{name}"), text.clone());
    }
    check_dir(&root().join("goldens/tiny"), &files);
}

/// The typed-filter fixture: CSDL only, with Capabilities restrictions; its crate is what the
/// compile-fail tests (`codegen/tests/compile_fail.rs`) use.
#[test]
fn filters_fixture_emits_the_golden_crate() {
    let fixtures = root().join("codegen/tests/fixtures");
    let input = Input {
        csdl_xml: Some((
            "codegen/tests/fixtures/filters.csdl.xml".into(),
            std::fs::read_to_string(fixtures.join("filters.csdl.xml")).unwrap(),
        )),
        namespaces: vec!["microsoft.graph".into()],
        settings: settings("golden-filters", Default::default()),
        ..Default::default()
    };
    let out = run(&input);
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    check_dir(&root().join("goldens/filters"), &out.files);
}

/// The crate split: the same emitters with every model in a part crate (`goldens/split/parts/*`,
/// workspace members), the facade re-exporting them; compiled and its example tests run.
#[test]
fn split_fixture_emits_the_golden_crates() {
    let fixtures = root().join("codegen/tests/fixtures");
    let input = Input {
        csdl_xml: Some((
            "codegen/tests/fixtures/split.csdl.xml".into(),
            std::fs::read_to_string(fixtures.join("split.csdl.xml")).unwrap(),
        )),
        namespaces: vec!["microsoft.graph".into()],
        settings: settings("golden-split", codegen::ir::Split::Areas(2)),
        ..Default::default()
    };
    let out = run(&input);
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let parts: Vec<&str> = out.ir.layout.parts.iter().map(|p| p.suffix.as_str()).collect();
    assert!(parts.len() >= 5, "{parts:?}");
    check_dir(&root().join("goldens/split"), &out.files);
}

/// Structural properties requests address: docs + CSDL + permissions data. Documented
/// request lines give `mailboxSettings` (get, update) and its `automaticRepliesSetting` (get)
/// builders, the data's route gives the computed `signInActivity` one (get only); the
/// unaddressed `printPreferences` and the primitive `timeZone` get none.
pub fn properties_input() -> Input {
    let fixtures = root().join("codegen/tests/fixtures");
    let read = |f: &str| std::fs::read_to_string(fixtures.join(f)).unwrap();
    Input {
        docs: load(&fixtures.join("properties")),
        docs_label: "codegen/tests/fixtures/properties/".into(),
        csdl_xml: Some(("codegen/tests/fixtures/properties.csdl.xml".into(), read("properties.csdl.xml"))),
        permissions: Some(("codegen/tests/fixtures/properties.permissions.json".into(), read("properties.permissions.json"))),
        namespaces: vec!["microsoft.graph".into()],
        settings: settings("golden-properties", Default::default()),
        ..Default::default()
    }
}

#[test]
fn properties_fixture_emits_the_golden_crate() {
    let out = run(&properties_input());
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    check_dir(&root().join("goldens/properties"), &out.files);
}

#[test]
fn tiny_fixture_derives_the_expected_model() {
    let out = run(&tiny_input());
    let widget = out.schema.structured("microsoft.graph.tiny.widget").expect("widget derived");
    assert_eq!(widget.base.as_deref(), Some("microsoft.graph.entity"));
    let p = |n: &str| widget.property(n).unwrap_or_else(|| panic!("{n}"));
    assert_eq!(p("size").ty.name, "Edm.Int32");
    assert!(!p("size").nullable, "\"Not nullable.\" is read");
    assert!(p("label").nullable);
    assert_eq!(p("label").annotations.filterable, Some(true));
    assert!(p("tags").ty.collection);
    assert!(p("createdDateTime").annotations.computed, "\"Read-only.\" is read");
    assert!(p("owner").is_navigation());
    assert!(widget.property("id").is_none(), "inherited properties stay on the base type");
    let colors = match out.schema.get("microsoft.graph.tiny.colors") {
        Some(codegen::csdl::TypeDef::Enum(e)) => e.clone(),
        other => panic!("{other:?}"),
    };
    assert!(colors.is_flags, "multi-valued with a `none` member is a flags enum");
    let state = match out.schema.get("microsoft.graph.tiny.partState") {
        Some(codegen::csdl::TypeDef::Enum(e)) => e.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!state.is_flags);
    assert_eq!(state.members.iter().map(|m| m.value).collect::<Vec<_>>(), vec![0, 1, 2]);
}
