//! Creates documented over metadata: one `New…` model of the target type (writable
//! properties, `@odata.bind` for non-contained navigation), the fields the page requires plain;
//! a required name the type lacks is a located diagnostic; an example without a required field
//! is excluded, not emitted.

use codegen::docs::DocTree;
use codegen::ir::{Ir, ModelKind, WriteMode};
use codegen::pipeline::{self, Input};

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.main" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="widget">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="displayName" Type="Edm.String" />
        <Property Name="kind" Type="Edm.String" />
        <Property Name="size" Type="Edm.Int32" />
        <Property Name="createdDateTime" Type="Edm.DateTimeOffset">
          <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
        </Property>
        <NavigationProperty Name="owner" Type="ex.widget" />
        <NavigationProperty Name="parts" Type="Collection(ex.widget)" ContainsTarget="true" />
      </EntityType>
      <EntityContainer Name="Service">
        <EntitySet Name="widgets" EntityType="ex.widget" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

const PAGE: &str = r#"---
title: "Create widget"
doc_type: apiPageType
---

# Create widget

Namespace: example.main

## HTTP request

```http
POST /widgets
```

## Request body

In the request body, supply a JSON representation of a widget. The request body must contain **displayName**, which is a required property. The **size** is required if the widget is big.

|Property|Type|Description|
|:---|:---|:---|
|kind|String|The kind. Required.|
|colour|String|The colour. Required.|
|size|Int32|The size. Optional.|

## Response

If successful, this method returns `201 Created` and a widget object in the response body.

## Examples

### Request

```http
POST https://graph.microsoft.com/v1.0/widgets
Content-type: application/json

{
  "displayName": "A",
  "kind": "round"
}
```

### Request

```http
POST https://graph.microsoft.com/v1.0/widgets
Content-type: application/json

{
  "kind": "square"
}
```
"#;

fn run() -> pipeline::Output {
    let mut docs = DocTree::default();
    docs.files.insert("api/widget-post.md".into(), PAGE.into());
    pipeline::run(&Input {
        docs,
        docs_label: "docs/".into(),
        csdl_xml: Some(("fixture.xml".into(), CSDL.into())),
        namespaces: vec!["example.main".into()],
        ..Default::default()
    })
}

fn create_model(ir: &Ir) -> Vec<(String, bool)> {
    let m = ir.models.get("example.main.widget#create").expect("a create model");
    assert_eq!(m.rust_name, "NewWidget");
    let ModelKind::Struct(s) = &m.kind else { panic!("a struct") };
    assert_eq!(s.write, Some(WriteMode::Create));
    s.fields.iter().map(|f| (f.wire.clone(), f.required)).collect()
}

#[test]
fn documented_create_takes_a_create_model_with_the_required_fields_plain() {
    let out = run();
    let fields = create_model(&out.ir);
    let want: Vec<(String, bool)> = [("id", false), ("displayName", true), ("kind", true), ("size", false), ("owner@odata.bind", false)]
        .iter()
        .map(|(w, r)| (w.to_string(), *r))
        .collect();
    assert_eq!(fields, want, "writable properties in declared order; computed and contained navigation left out");
    let op = out.ir.builders.values().flat_map(|b| &b.operations).find(|o| o.kind == codegen::ir::OpKind::Create).expect("create");
    assert_eq!(op.body.as_deref(), Some("example.main.widget#create"));
}

#[test]
fn a_required_name_the_type_lacks_is_located_and_ignored() {
    let out = run();
    let d: Vec<_> = out.diagnostics.iter().filter(|d| d.code == "doc-create-required-unknown").collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("`colour`"));
    assert_eq!((d[0].origin.file.as_str(), d[0].origin.line), ("docs/api/widget-post.md", 23));
    assert!(!create_model(&out.ir).iter().any(|(w, _)| w == "colour"));
}

#[test]
fn an_example_without_a_required_field_is_excluded_not_emitted() {
    let out = run();
    let excluded: Vec<_> = out.ir.excluded_examples.iter().map(|e| (e.file.as_str(), e.line, e.code.as_str())).collect();
    assert_eq!(excluded, [("api/widget-post.md", 47, "example-body-missing-required")]);
    assert_eq!(out.ir.examples.iter().filter(|e| e.file == "api/widget-post.md").count(), 1);
}
