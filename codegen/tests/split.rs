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

/// A CSDL whose `shared` is a cycle (`person` ↔ `team`) on top of two groups of models that
/// name nothing of each other (`alpha…`, `beta…`): all areas need all of it, and `devices`
/// (its own heavy model) goes in the other area crate than `people` and `teams`.
fn layered_csdl() -> String {
    let props = |n: usize| (0..n).map(|i| format!("<Property Name=\"p{i}\" Type=\"Edm.String\" />")).collect::<String>();
    let chain = |name: &str| {
        (0..6)
            .map(|i| {
                let next = if i < 5 { format!("<Property Name=\"next\" Type=\"graph.{name}{}\" />", i + 1) } else { String::new() };
                format!("<ComplexType Name=\"{name}{i}\">{}{next}</ComplexType>", props(12))
            })
            .collect::<String>()
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{alpha}{beta}
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityType Name="person" BaseType="graph.entity"><Property Name="a" Type="graph.alpha0" /><NavigationProperty Name="team" Type="graph.team" /></EntityType>
<EntityType Name="team" BaseType="graph.entity"><Property Name="b" Type="graph.beta0" /><NavigationProperty Name="lead" Type="graph.person" /></EntityType>
<EntityType Name="device" BaseType="graph.entity">{device}<NavigationProperty Name="owner" Type="graph.person" /></EntityType>
<EntityContainer Name="GraphService"><EntitySet Name="devices" EntityType="microsoft.graph.device" /><EntitySet Name="people" EntityType="microsoft.graph.person" /><EntitySet Name="teams" EntityType="microsoft.graph.team" /></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#,
        alpha = chain("alpha"),
        beta = chain("beta"),
        device = props(30),
    )
}

/// `shared`, checked first with little beside it, is split below the cycle at its top into
/// base crates that check in parallel; the cycle and what reaches it stay in `shared`.
#[test]
fn shared_splits_below_its_cycle_into_parallel_bases() {
    let input = Input {
        csdl_xml: Some(("layered.csdl.xml".into(), layered_csdl())),
        namespaces: vec!["microsoft.graph".into()],
        settings: CrateSettings { split: Split::Areas(2), ..Default::default() },
        ..Default::default()
    };
    let out = run(&input);
    let errors = layout_errors(&out.ir);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(part_of(&out, "person"), "shared");
    assert_eq!(part_of(&out, "team"), "shared");
    let (a, b) = (part_of(&out, "alpha0"), part_of(&out, "beta0"));
    assert!(a.starts_with("shared-base-") && b.starts_with("shared-base-") && a != b, "{a} {b}");
    for i in 1..6 {
        assert_eq!(part_of(&out, &format!("alpha{i}")), a);
        assert_eq!(part_of(&out, &format!("beta{i}")), b);
    }
    let l = &out.ir.layout;
    let shared = l.parts.iter().position(|p| p.suffix == "shared").unwrap();
    let bases: Vec<usize> = (0..l.parts.len()).filter(|&i| l.parts[i].suffix.starts_with("shared-base-")).collect();
    assert!(bases.iter().all(|b| l.parts[shared].deps.contains(b)));
    assert!(bases.iter().all(|&b| l.parts[b].deps.iter().all(|d| !bases.contains(d))), "bases depend on each other");
    let errors = common::area_part_errors(&out.ir, &out.files);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
