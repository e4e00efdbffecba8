//! CSDL-only lowering on a small fixture: bound operations reach derived types.

use codegen::ir::Ir;
use codegen::pipeline::{self, Input};

const FIXTURE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.main" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="ex.thing">
        <Property Name="size" Type="Edm.Int32" />
      </EntityType>
      <EntityType Name="gadget" BaseType="ex.widget" />
      <Action Name="touch" IsBound="true">
        <Parameter Name="bindingParameter" Type="ex.thing" />
        <Parameter Name="force" Type="Edm.Boolean" Nullable="false" />
      </Action>
      <Action Name="touch" IsBound="true">
        <Parameter Name="bindingParameter" Type="ex.gadget" />
      </Action>
      <Function Name="census" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(ex.thing)" />
        <ReturnType Type="Edm.Int32" />
      </Function>
      <EntityContainer Name="Service">
        <EntitySet Name="widgets" EntityType="ex.widget" />
        <EntitySet Name="gadgets" EntityType="ex.gadget" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn lower() -> Ir {
    let out = pipeline::run(&Input { csdl_xml: Some(("fixture.xml".into(), FIXTURE.into())), ..Default::default() });
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    out.ir
}

/// (method name, body model, path template) of `builder`'s bound operations.
fn bound_ops(ir: &Ir, builder: &str) -> Vec<(String, Option<String>, Vec<String>)> {
    let b = ir.builders.get(builder).unwrap_or_else(|| panic!("no builder {builder}: {:?}", ir.builders.keys().collect::<Vec<_>>()));
    b.operations
        .iter()
        .filter(|o| o.kind == codegen::ir::OpKind::Action)
        .map(|o| {
            let info = ir.operations.get(&o.operation_const);
            (o.method_name.clone(), o.body.clone(), info.map(|i| i.paths.iter().map(|p| p.0.clone()).collect()).unwrap_or_default())
        })
        .collect()
}

#[test]
fn bound_operations_reach_derived_types_and_the_nearest_binding_wins() {
    let ir = lower();
    // `touch` is bound to the abstract base: a widget item has it, with the base's parameters.
    let widget = bound_ops(&ir, "WidgetItem");
    assert_eq!(widget.len(), 1, "{widget:?}");
    assert_eq!(widget[0].0, "touch");
    // Outside `microsoft.graph`, operations are called by qualified name.
    assert_eq!(widget[0].2, ["/widgets/{widget-id}/example.main.touch"]);
    let body = widget[0].1.clone().expect("parameters body");
    // One parameters model, named after the binding type, shared by every type that inherits.
    assert_eq!(ir.models[&body].rust_name, "ThingTouchParameters");
    assert_eq!(ir.models.values().filter(|m| m.rust_name.ends_with("TouchParameters")).count(), 1);
    // A gadget has its own `touch` (no parameters): the nearer binding wins.
    let gadget = bound_ops(&ir, "GadgetItem");
    assert_eq!(gadget.len(), 1, "{gadget:?}");
    assert_eq!((gadget[0].0.as_str(), gadget[0].1.as_ref()), ("touch", None));
    // A function bound to a collection of the base is on collections of derived types.
    for (b, path) in [("WidgetCollection", "/widgets/example.main.census()"), ("GadgetCollection", "/gadgets/example.main.census()")] {
        let ops = bound_ops(&ir, b);
        assert_eq!(ops.len(), 1, "{b}: {ops:?}");
        assert_eq!((ops[0].0.as_str(), ops[0].2.as_slice()), ("census", [path.to_string()].as_slice()));
    }
}
