//! The crate split (`ir::lower::parts`) on the split fixture: the rule holds for every split
//! asked for, a small output stays one crate unless asked, and the layout is deterministic.

use codegen::emit::CrateSettings;
use codegen::ir::lower::parts::layout_errors;
use codegen::ir::Split;
use codegen::pipeline::{run, Input, Output};

mod common;
use common::root;

fn split_input(split: Split) -> Input {
    let path = root().join("codegen/tests/fixtures/split.csdl.xml");
    Input {
        csdl_xml: Some(("split.csdl.xml".into(), std::fs::read_to_string(path).unwrap())),
        namespaces: vec!["microsoft.graph".into()],
        settings: CrateSettings { split, ..Default::default() },
        ..Default::default()
    }
}

fn part_of<'a>(out: &'a Output, q: &str) -> &'a str {
    let l = &out.ir.layout;
    &l.parts[l.model_part[&format!("microsoft.graph.{q}")]].suffix
}

#[test]
fn every_split_keeps_names_within_dependencies() {
    for n in 1..=4 {
        let out = run(&split_input(Split::Areas(n)));
        assert!(out.ir.layout.is_split(), "{n} areas");
        let errors = layout_errors(&out.ir);
        assert!(errors.is_empty(), "{n} areas:\n{}", errors.join("\n"));
        // Every model in one crate's directory, and nothing of a one-crate output at the root
        // but the facade.
        for m in out.ir.models.values() {
            let suffix = part_of(&out, &m.qname["microsoft.graph.".len()..]);
            let path = format!("parts/{suffix}/src/microsoft_graph/{}.rs", m.module);
            assert!(out.files.contains_key(&path), "{path}");
        }
        let root_rs: Vec<&String> = out.files.keys().filter(|k| k.starts_with("src/")).collect();
        assert_eq!(root_rs, ["src/lib.rs"], "{n} areas");
    }
}

#[test]
fn shared_models_go_below_the_areas_that_need_them() {
    let out = run(&split_input(Split::Areas(2)));
    // Needed by areas in both area crates.
    assert_eq!(part_of(&out, "identitySet"), "shared");
    assert_eq!(part_of(&out, "auditNote"), "shared");
    // Needed by one area only: in an area crate, not shared.
    assert!(part_of(&out, "deviceHealth").starts_with("area-"));
    assert!(part_of(&out, "printJob").starts_with("area-"));
    // Reached by no area: apart, and the two groups of such models in two crates.
    assert!(part_of(&out, "orphanReport").starts_with("unreached"));
    assert_eq!(part_of(&out, "orphanReport"), part_of(&out, "orphanKind"));
    // Builders and operation data are crates of their own.
    let names: Vec<&str> = out.ir.layout.parts.iter().map(|p| p.suffix.as_str()).collect();
    assert!(names.contains(&"requests") && names.contains(&"operations"), "{names:?}");
}

#[test]
fn small_outputs_stay_one_crate_unless_asked() {
    for split in [Split::Auto, Split::One] {
        let out = run(&split_input(split));
        assert!(!out.ir.layout.is_split());
        assert!(out.files.keys().all(|k| !k.starts_with("parts/")));
    }
}

#[test]
fn the_split_is_deterministic() {
    let a = run(&split_input(Split::Areas(3)));
    let b = run(&split_input(Split::Areas(3)));
    assert_eq!(a.ir.layout, b.ir.layout);
    assert!(a.files == b.files);
}

/// Each area builds exactly the part crates it needs (`common::area_part_errors`); `full`
/// builds every part.
#[test]
fn an_area_turns_on_only_the_parts_it_needs() {
    for n in 1..=3 {
        let out = run(&split_input(Split::Areas(n)));
        let errors = common::area_part_errors(&out.ir, &out.files);
        assert!(errors.is_empty(), "{n} areas:\n{}", errors.join("\n"));
    }
}
