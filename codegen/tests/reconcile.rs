//! Reconciliation of docs-derived schema with CSDL: small inline cases, and the real beta
//! docs of the namespace against the beta-usnat metadata (an older, partial shape).

use codegen::csdl::{xml, yaml, Schema};
use codegen::diag::Diagnostic;
use codegen::docs::DocTree;
use codegen::extract::{ApiFacts, HttpLine};
use codegen::pipeline::{self, Input};
use codegen::reconcile::reconcile;

const DOCS_YAML: &str = r#"
$Version: "4.01"
microsoft.graph.demo:
  widget:
    $Kind: EntityType
    $BaseType: microsoft.graph.entity
    size: {$Type: Edm.Int32}
    label: {$Nullable: true}
    tags: {$Collection: true}
    parts: {$Kind: NavigationProperty, $Collection: true, $Type: microsoft.graph.demo.part}
    owner: {$Kind: NavigationProperty, $Type: microsoft.graph.demo.part}
  part:
    $Kind: EntityType
    $BaseType: microsoft.graph.entity
  onlyInDocs:
    $Kind: ComplexType
    x: {$Type: Edm.String}
  colour: {$Kind: EnumType, $IsFlags: true, red: 1, green: 2}
"#;

const CSDL_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityContainer Name="GraphService">
        <EntitySet Name="widgets" EntityType="microsoft.graph.demo.widget" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="widget" BaseType="graph.entity">
        <Property Name="size" Type="Edm.Int64" Nullable="false" />
        <Property Name="label" Type="Edm.String" Nullable="false" />
        <Property Name="tags" Type="Edm.String" />
        <Property Name="weight" Type="Edm.Double" />
        <NavigationProperty Name="parts" Type="Collection(microsoft.graph.demo.part)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="part" BaseType="graph.entity" />
      <ComplexType Name="onlyInCsdl" />
      <EnumType Name="colour">
        <Member Name="red" Value="1" />
        <Member Name="blue" Value="4" />
      </EnumType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn inline() -> (Schema, Schema) {
    let (docs, ds) = yaml::read("schema/demo.csdl.yaml", DOCS_YAML);
    assert!(ds.is_empty(), "{ds:?}");
    let (csdl, ds) = xml::read("demo.xml", CSDL_XML);
    assert!(ds.is_empty(), "{ds:?}");
    (docs, csdl)
}

fn has(diags: &[Diagnostic], code: &str, needle: &str) -> bool {
    diags.iter().any(|d| d.code == code && d.message.contains(needle))
}

fn api(file: &str, paths: &[&str]) -> ApiFacts {
    ApiFacts {
        file: file.into(),
        title: "t".into(),
        description: None,
        http_lines: paths.iter().enumerate().map(|(i, p)| HttpLine { method: "GET".into(), path: p.to_string(), line: 10 + i as u32 }).collect(),
        permission_groups: Vec::new(),
        headers: Vec::new(),
        body_properties: Vec::new(),
        body_relationships: Vec::new(),
        body_required: Vec::new(),
        body_required_prose: Vec::new(),
        query_options: Vec::new(),
        response: None,
        examples: Vec::new(),
    }
}

#[test]
fn every_kind_of_disagreement_is_a_diagnostic() {
    let (docs, csdl) = inline();
    let ns = vec!["microsoft.graph.demo".to_string()];
    let apis = vec![api("api/widget-get.md", &["/widgets/{id}", "/widgets/{id}/owner", "/gadgets"])];
    let d = reconcile(&docs, &csdl, &ns, &apis);
    let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    let text = text.join("\n");
    assert!(has(&d, "reconcile-type-missing-in-csdl", "onlyInDocs"), "{text}");
    assert!(has(&d, "reconcile-type-missing-in-docs", "onlyInCsdl"), "{text}");
    assert!(has(&d, "reconcile-property-type", "widget.size"), "{text}");
    assert!(has(&d, "reconcile-nullability", "widget.label"), "{text}");
    assert!(has(&d, "reconcile-collection", "widget.tags"), "{text}");
    assert!(has(&d, "reconcile-property-missing-in-docs", "weight"), "{text}");
    assert!(has(&d, "reconcile-navigation-missing", "owner"), "{text}");
    assert!(has(&d, "reconcile-flags", "colour"), "{text}");
    assert!(has(&d, "reconcile-enum-member", "`green`"), "{text}");
    assert!(has(&d, "reconcile-enum-member", "`blue`"), "{text}");
    // The docs schema has no container here: every path unreachable in the CSDL is reported,
    // with the page's line.
    let unreachable: Vec<&Diagnostic> = d.iter().filter(|d| d.code == "reconcile-path-unreachable").collect();
    assert_eq!(unreachable.len(), 2, "{text}");
    assert!(unreachable.iter().any(|d| d.origin.file == "api/widget-get.md" && d.origin.line == 11 && d.message.contains("owner")));
    assert!(unreachable.iter().any(|d| d.message.contains("/gadgets")));
    // Docs-side facts carry the docs origin; CSDL-only facts the CSDL origin.
    let only_csdl = d.iter().find(|d| d.code == "reconcile-type-missing-in-docs").unwrap();
    assert_eq!(only_csdl.origin.file, "demo.xml");
    assert!(only_csdl.origin.line > 0);
    let only_docs = d.iter().find(|d| d.code == "reconcile-type-missing-in-csdl").unwrap();
    assert_eq!(only_docs.origin.file, "schema/demo.csdl.yaml");
}

#[test]
fn identical_schemas_agree() {
    let (_, csdl) = inline();
    // The same facts read from another file: nothing disagrees.
    let (docs, _) = xml::read("docs.xml", CSDL_XML);
    let d = reconcile(&docs, &csdl, &["microsoft.graph.demo".into()], &[api("a.md", &["/widgets/{id}/parts/{id2}"])]);
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn csdl_types_merged_into_the_docs_schema_do_not_count_as_documented() {
    let (mut docs, csdl) = inline();
    docs.merge(csdl.clone());
    let d = reconcile(&docs, &csdl, &["microsoft.graph.demo".into()], &[]);
    assert!(has(&d, "reconcile-type-missing-in-docs", "onlyInCsdl"), "{d:?}");
    // Deterministic order.
    assert_eq!(d, reconcile(&docs, &csdl, &["microsoft.graph.demo".into()], &[]));
}

fn load_tree(dir: &std::path::Path) -> DocTree {
    let mut tree = DocTree::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                tree.files.insert(rel, String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned());
            }
        }
    }
    tree
}

#[test]
fn beta_docs_against_usnat_metadata() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let docs = load_tree(&root.join("graph-docs/beta"));
    let file = "graph-beta-usnat.csdl.xml";
    let text = String::from_utf8_lossy(&std::fs::read(root.join("csdl").join(file)).unwrap()).into_owned();
    let ns = vec!["microsoft.graph.cloudLicensing".to_string()];
    let input = Input { docs, docs_label: String::new(), csdl_xml: Some((file.into(), text.clone())), namespaces: ns.clone(), ..Default::default() };
    // The pipeline reconciles the pages with the metadata it is given.
    let out = pipeline::run(&input);
    let d: Vec<_> = out.diagnostics.iter().filter(|x| x.code.starts_with("reconcile-")).cloned().collect();
    let text: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    let text = text.join("\n");
    // The metadata lacks most of the namespace.
    for t in ["allotment", "assignment", "assignmentError", "subscription", "waitingMember", "adminCloudLicensing"] {
        assert!(has(&d, "reconcile-type-missing-in-csdl", &format!("cloudLicensing.{t}`")), "{t}\n{text}");
    }
    // userCloudLicensing is an entity type in the docs, a complex type in the metadata.
    assert!(has(&d, "reconcile-type-kind", "userCloudLicensing"), "{text}");
    // Navigation only in the docs.
    assert!(d.iter().any(|x| x.code == "reconcile-navigation-missing" && x.origin.file.ends_with(".md")), "{text}");
    // Documented endpoints the old container cannot reach, with their page lines.
    assert!(d.iter().any(|x| x.code == "reconcile-path-unreachable" && x.origin.file.starts_with("api/") && x.origin.line > 0), "{text}");
    if std::env::var_os("RECONCILE_PRINT").is_some() {
        eprintln!("{text}");
    }
    // Every docs-side diagnostic points at a page line.
    for x in &d {
        assert!(x.origin.line > 0 || x.origin.file.ends_with(".xml"), "{x}");
        assert!(x.code.starts_with("reconcile-"));
    }
}
