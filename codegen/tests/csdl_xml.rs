//! CSDL XML reader: the real Graph metadata files and small inline fixtures.

use codegen::csdl::{xml, OperationKind, PropertyKind, Schema, StructuredKind, TypeDef, TypeRef};
use codegen::diag::Diagnostic;
use std::time::Instant;

const V1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/csdl/graph-v1.0.csdl.xml");
const BETA_USNAT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/csdl/graph-beta-usnat.csdl.xml");

fn load(path: &str) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    entity: usize,
    complex: usize,
    enums: usize,
    actions: usize,
    functions: usize,
    properties: usize,
    navigation: usize,
    entity_sets: usize,
    singletons: usize,
}

fn counts(schema: &Schema) -> Counts {
    let mut c = Counts::default();
    for ns in schema.namespaces.values() {
        for t in ns.types.values() {
            match t {
                TypeDef::Structured(s) => {
                    match s.kind {
                        StructuredKind::Entity => c.entity += 1,
                        StructuredKind::Complex => c.complex += 1,
                    }
                    for p in &s.properties {
                        if p.is_navigation() {
                            c.navigation += 1;
                        } else {
                            c.properties += 1;
                        }
                    }
                }
                TypeDef::Enum(_) => c.enums += 1,
                TypeDef::Definition(_) => {}
            }
        }
        for op in ns.operations.values().flatten() {
            match op.kind {
                OperationKind::Action => c.actions += 1,
                OperationKind::Function => c.functions += 1,
            }
        }
        if let Some(cont) = &ns.container {
            c.entity_sets += cont.entity_sets.len();
            c.singletons += cont.singletons.len();
        }
    }
    c
}

/// Counts by plain textual scan, independent of the reader.
fn textual_counts(text: &str) -> Counts {
    let n = |needle: &str| text.matches(needle).count();
    Counts {
        entity: n("<EntityType "),
        complex: n("<ComplexType "),
        enums: n("<EnumType "),
        actions: n("<Action "),
        functions: n("<Function "),
        properties: n("<Property "),
        navigation: n("<NavigationProperty "),
        entity_sets: n("<EntitySet "),
        singletons: n("<Singleton "),
    }
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn reads_graph_v1_metadata() {
    let text = load(V1);
    let t0 = Instant::now();
    let (schema, diags) = xml::read("graph-v1.0.csdl.xml", &text);
    let elapsed = t0.elapsed();
    println!("read graph-v1.0.csdl.xml ({} bytes) in {:?}", text.len(), elapsed);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");

    let got = counts(&schema);
    println!("{got:?}");
    assert_eq!(got, textual_counts(&text));
    // Published figures for this file (see shared/csdl/SOURCES.md).
    assert_eq!((got.entity, got.complex, got.enums), (1182, 1780, 861));
    assert_eq!((got.actions, got.functions), (857, 324));

    for ns in schema.namespaces.values() {
        assert!(!ns.external, "{}", ns.name);
    }
    let graph = &schema.namespaces["microsoft.graph"];
    assert_eq!(graph.alias.as_deref(), Some("graph"));

    // microsoft.graph.user
    let user = schema.structured("microsoft.graph.user").expect("user");
    assert_eq!(user.kind, StructuredKind::Entity);
    assert_eq!(user.base.as_deref(), Some("microsoft.graph.directoryObject"));
    assert_eq!((user.origin.file.as_str(), user.origin.line), ("graph-v1.0.csdl.xml", 20879));
    assert_eq!(user.origin.col, 7);
    let ae = user.property("accountEnabled").expect("accountEnabled");
    assert_eq!(ae.ty, TypeRef::new("Edm.Boolean", false));
    assert!(ae.nullable);
    assert_eq!(ae.kind, PropertyKind::Structural);
    assert!(ae.origin.line > user.origin.line);
    let al = user.property("assignedLicenses").expect("assignedLicenses");
    assert_eq!(al.ty, TypeRef::new("microsoft.graph.assignedLicense", true));
    assert!(!al.nullable, "assignedLicenses is declared Nullable=\"false\"");
    let manager = user.property("manager").expect("manager");
    assert!(manager.is_navigation());
    assert_eq!(manager.ty, TypeRef::new("microsoft.graph.directoryObject", false));
    // Keys are declared on the root entity.
    assert_eq!(schema.structured("microsoft.graph.entity").unwrap().key, vec!["id".to_string()]);
    // Inherited properties resolve through the (alias-resolved) base chain.
    assert!(schema.all_properties("microsoft.graph.user").iter().any(|p| p.name == "id"));

    // Container.
    let (_, container) = schema.container().expect("container");
    assert_eq!(container.name, "GraphService");
    assert_eq!(container.entity_sets["users"].ty, "microsoft.graph.user");
    assert_eq!(container.singletons["me"].ty, "microsoft.graph.user");
    assert!(!container.entity_sets["applications"].bindings.is_empty());
    // This file declares no action or function imports.
    assert!(container.action_imports.is_empty() && container.function_imports.is_empty());

    // Inline annotations: descriptions on properties, derived type constraints.
    let described = schema
        .namespaces
        .values()
        .flat_map(|ns| ns.types.values())
        .filter_map(TypeDef::as_structured)
        .flat_map(|t| &t.properties)
        .filter(|p| p.annotations.description.is_some())
        .count();
    assert!(described > 1000, "{described} described properties");
    let au = schema.structured("microsoft.graph.administrativeUnit").unwrap();
    let members = au.property("members").unwrap();
    assert!(members.annotations.derived_type_constraint.contains(&"microsoft.graph.user".to_string()));

    // Out-of-line annotations: a FilterRestrictions on a type of another namespace;
    // `microsoft.graph.site` is not deletable or insertable; a description on
    // `microsoft.graph.user/deviceEnrollmentLimit`; `microsoft.graph.GraphService/users`
    // carries capabilities on the entity set.
    let wf = schema.structured("microsoft.graph.identityGovernance.workflowBase").unwrap();
    assert_eq!(wf.annotations.capabilities.filterable, Some(true));
    assert_eq!(wf.annotations.filterable, Some(true));
    let limit = user.property("deviceEnrollmentLimit").unwrap();
    assert!(limit.annotations.description.as_deref().unwrap().starts_with("The limit on the maximum number of devices"));
    assert_eq!(container.entity_sets["users"].annotations.capabilities.skip_supported, Some(false));
    let site = schema.structured("microsoft.graph.site").unwrap();
    assert_eq!(site.annotations.capabilities.deletable, Some(false));
    assert_eq!(site.annotations.capabilities.insertable, Some(false));
    assert!(!container.entity_sets["users"].annotations.capabilities.is_empty());
    // Exactly these container children carry a capability the model keeps (checked by hand:
    // `applications` and `servicePrincipals` only have Read/Upsert restrictions).
    let mut with_caps: Vec<&str> = container
        .entity_sets
        .values()
        .chain(container.singletons.values())
        .filter(|c| !c.annotations.capabilities.is_empty())
        .map(|c| c.name.as_str())
        .collect();
    with_caps.sort();
    assert_eq!(
        with_caps,
        ["applicationTemplates", "chats", "contacts", "drives", "employeeExperience", "groups", "teams", "users"]
    );
    let chats = &container.entity_sets["chats"].annotations.capabilities;
    assert_eq!(chats.expandable, Some(true));
    assert_eq!(chats.non_expandable_properties, ["installedApps", "messages", "permissionGrants", "tabs", "targetedMessages"]);
    // Navigation-property targets (`microsoft.graph.security/alerts`).
    let sec = schema.structured("microsoft.graph.security").unwrap();
    assert_eq!(sec.property("alerts").unwrap().annotations.capabilities.deletable, Some(false));

    // Enums: an IsFlags enum with explicit values.
    let flags = schema.get("microsoft.graph.applicationDataType");
    let Some(TypeDef::Enum(flags)) = flags else { panic!("applicationDataType: {flags:?}") };
    assert!(flags.is_flags);
    assert!(!flags.members.is_empty());
    let Some(TypeDef::Enum(e)) = schema.get("microsoft.graph.accessPackageAssignmentFilterByCurrentUserOptions")
    else {
        panic!()
    };
    let values: Vec<i64> = e.members.iter().map(|m| m.value).collect();
    assert_eq!(values, vec![1, 2, 99, 100, 101]);

    // Operations: aliases resolved in parameter and return types.
    let ops = schema.namespaces.values().flat_map(|ns| ns.operations.values().flatten());
    for op in ops {
        for p in &op.parameters {
            assert!(!p.ty.name.starts_with("graph."), "{}: {:?}", op.name, p.ty);
        }
        if let Some(r) = &op.return_type {
            assert!(!r.ty.name.starts_with("graph."), "{}: {:?}", op.name, r.ty);
        }
        assert!(op.origin.line > 0);
        if op.bound {
            assert!(!op.parameters.is_empty(), "{}", op.name);
        }
    }
    // Out-of-line annotations on operations, by signature.
    let assign = &graph.operations["assignUserToDevice"];
    assert_eq!(assign[0].annotations.description.as_deref(), Some("Assigns user to Autopilot devices."));
    let onboarding = &graph.operations["beginOnboarding"];
    assert!(onboarding[0].annotations.description.as_deref().unwrap().starts_with("A request to start onboarding."));

    // Every type reference is qualified (no stray aliases anywhere).
    for ns in schema.namespaces.values() {
        for t in ns.types.values().filter_map(TypeDef::as_structured) {
            if let Some(b) = &t.base {
                assert!(b.starts_with("microsoft.graph"), "{}: base {b}", t.name);
            }
            for p in &t.properties {
                assert!(p.ty.name.starts_with("microsoft.graph") || p.ty.is_edm(), "{}.{}: {:?}", t.name, p.name, p.ty);
            }
        }
    }
}

#[test]
fn reads_beta_usnat_cloud_licensing() {
    let text = load(BETA_USNAT);
    let (schema, diags) = xml::read("graph-beta-usnat.csdl.xml", &text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    assert_eq!(counts(&schema), textual_counts(&text));

    let ns = &schema.namespaces["microsoft.graph.cloudLicensing"];
    assert!(!ns.external);
    let names: Vec<&str> = ns.types.keys().map(String::as_str).collect();
    assert_eq!(names, ["assigneeTypes", "groupCloudLicensing", "service", "usageRight", "userCloudLicensing"]);

    let Some(TypeDef::Enum(assignee)) = schema.get("microsoft.graph.cloudLicensing.assigneeTypes") else { panic!() };
    assert!(assignee.is_flags);
    let values: Vec<(&str, i64)> = assignee.members.iter().map(|m| (m.name.as_str(), m.value)).collect();
    assert_eq!(values, [("none", 0), ("user", 1), ("group", 2), ("device", 4), ("unknownFutureValue", 8)]);

    let right = schema.structured("microsoft.graph.cloudLicensing.usageRight").unwrap();
    assert_eq!(right.kind, StructuredKind::Entity);
    assert_eq!(right.base.as_deref(), Some("microsoft.graph.entity"));
    let services = right.property("services").unwrap();
    assert_eq!(services.ty, TypeRef::new("microsoft.graph.cloudLicensing.service", true));
    assert!(!services.nullable);

    let ucl = schema.structured("microsoft.graph.cloudLicensing.userCloudLicensing").unwrap();
    assert_eq!(ucl.kind, StructuredKind::Complex);
    let ur = ucl.property("usageRights").unwrap();
    assert_eq!(ur.kind, PropertyKind::Navigation { contains_target: true });
    assert_eq!(ur.ty, TypeRef::new("microsoft.graph.cloudLicensing.usageRight", true));

    // And it is referenced from microsoft.graph.user.
    let user = schema.structured("microsoft.graph.user").unwrap();
    assert_eq!(
        user.property("cloudLicensing").unwrap().ty,
        TypeRef::new("microsoft.graph.cloudLicensing.userCloudLicensing", false)
    );
}

const FIXTURE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml">
    <edmx:Include Namespace="Org.OData.Capabilities.V1" Alias="Caps" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="example.things" Alias="th" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="label">
        <Property Name="text" Type="Edm.String" Nullable="false" />
      </ComplexType>
    </Schema>
    <Schema Namespace="example.main" Alias="ex" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="colour">
        <Member Name="red" />
        <Member Name="green" />
        <Member Name="blue">
          <Annotation Term="Core.Description" String="The blue one." />
        </Member>
      </EnumType>
      <EnumType Name="perms" IsFlags="true" UnderlyingType="Edm.Int32">
        <Member Name="none" Value="0" />
        <Member Name="read" Value="1" />
        <Member Name="write" Value="2" />
      </EnumType>
      <TypeDefinition Name="weight" UnderlyingType="Edm.Decimal" />
      <EntityType Name="base" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false">
          <Annotation Term="Org.OData.Core.V1.Computed" />
        </Property>
      </EntityType>
      <EntityType Name="widget" BaseType="ex.base" OpenType="true" HasStream="true">
        <Annotation Term="Core.Description">
          <String>A widget &amp; friends.</String>
        </Annotation>
        <Property Name="labels" Type="Collection(th.label)" />
        <Property Name="colour" Type="ex.colour" />
        <Property Name="created" Type="Edm.DateTimeOffset">
          <Annotation Term="Core.Immutable" Bool="true" />
        </Property>
        <NavigationProperty Name="parts" Type="Collection(ex.widget)" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="ex.base" Nullable="false" />
      </EntityType>
      <Action Name="polish" IsBound="true">
        <Parameter Name="bindingParameter" Type="ex.widget" />
        <Parameter Name="level" Type="Edm.Int32" Nullable="false" />
        <ReturnType Type="Collection(th.label)" Nullable="false" />
      </Action>
      <Function Name="measure" IsBound="true" IsComposable="true" EntitySetPath="bindingParameter/parts">
        <Parameter Name="bindingParameter" Type="Collection(ex.widget)" />
        <ReturnType Type="ex.weight" />
      </Function>
      <Function Name="measure" IsBound="true">
        <Parameter Name="bindingParameter" Type="ex.widget" />
        <Parameter Name="unit" Type="Edm.String" />
        <ReturnType Type="ex.weight" />
      </Function>
      <EntityContainer Name="Service">
        <EntitySet Name="widgets" EntityType="ex.widget">
          <NavigationPropertyBinding Path="ex.widget/owner" Target="ex.Service/bases" />
          <Annotation Term="Caps.TopSupported" Bool="false" />
        </EntitySet>
        <EntitySet Name="bases" EntityType="ex.base" />
        <Singleton Name="favourite" Type="ex.widget" />
        <ActionImport Name="reset" Action="ex.reset" />
        <FunctionImport Name="count" Function="ex.count" />
      </EntityContainer>
      <Annotations Target="ex.widget/parts">
        <Annotation Term="Caps.ExpandRestrictions">
          <Record>
            <PropertyValue Property="Expandable">
              <Bool>false</Bool>
            </PropertyValue>
            <PropertyValue Property="NonExpandableProperties">
              <Collection>
                <NavigationPropertyPath>owner</NavigationPropertyPath>
              </Collection>
            </PropertyValue>
          </Record>
        </Annotation>
        <Annotation Term="Org.OData.Validation.V1.DerivedTypeConstraint">
          <Collection>
            <String>ex.widget</String>
          </Collection>
        </Annotation>
      </Annotations>
      <Annotations Target="ex.Service/widgets">
        <Annotation Term="Caps.FilterRestrictions">
          <Record>
            <PropertyValue Property="Filterable" Bool="true" />
            <PropertyValue Property="NonFilterableProperties">
              <Collection>
                <PropertyPath>labels</PropertyPath>
              </Collection>
            </PropertyValue>
          </Record>
        </Annotation>
        <Annotation Term="Caps.SkipSupported" />
        <Annotation Term="Caps.SelectSupport">
          <Record><PropertyValue Property="Supported" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Caps.CountRestrictions">
          <Record><PropertyValue Property="Countable" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Caps.SearchRestrictions">
          <Record><PropertyValue Property="Searchable" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Caps.UpdateRestrictions">
          <Record><PropertyValue Property="Updatable" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Some.Unknown.Term" String="ignored" />
      </Annotations>
      <Annotations Target="ex.colour/green">
        <Annotation Term="Core.Description" String="Green, out of line." />
      </Annotations>
      <Annotations Target="example.things.label">
        <Annotation Term="Core.Description" String="A label." />
      </Annotations>
      <Annotations Target="ex.measure(Collection(ex.widget))">
        <Annotation Term="Core.Description" String="Measure many." />
      </Annotations>
      <Annotations Target="ex.polish(ex.widget)">
        <Annotation Term="Core.Description" String="Polish it." />
      </Annotations>
      <Annotations Target="ex.nothing/here">
        <Annotation Term="Core.Description" String="No such target; skipped." />
      </Annotations>
      <SomethingUnknown Foo="bar"><Nested /></SomethingUnknown>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

#[test]
fn fixture_aliases_and_types() {
    let (schema, diags) = xml::read("fixture.xml", FIXTURE);
    assert!(diags.is_empty(), "{diags:#?}");
    let widget = schema.structured("example.main.widget").unwrap();
    assert_eq!(widget.base.as_deref(), Some("example.main.base"));
    assert!(widget.open && widget.has_stream && !widget.is_abstract);
    assert_eq!(widget.origin.line, 35);
    assert_eq!(widget.annotations.description.as_deref(), Some("A widget & friends."));
    assert_eq!(widget.property("labels").unwrap().ty, TypeRef::new("example.things.label", true));
    assert_eq!(widget.property("colour").unwrap().ty, TypeRef::new("example.main.colour", false));
    assert!(widget.property("created").unwrap().annotations.immutable);
    let parts = widget.property("parts").unwrap();
    assert_eq!(parts.kind, PropertyKind::Navigation { contains_target: true });
    assert_eq!(parts.ty, TypeRef::new("example.main.widget", true));
    let owner = widget.property("owner").unwrap();
    assert!(!owner.nullable);
    assert_eq!(owner.origin.line, 45);
    assert_eq!(owner.origin.col, 9);

    let base = schema.structured("example.main.base").unwrap();
    assert!(base.is_abstract);
    assert_eq!(base.key, ["id"]);
    assert!(base.property("id").unwrap().annotations.computed);
    assert!(!base.property("id").unwrap().nullable);

    let Some(TypeDef::Definition(w)) = schema.get("example.main.weight") else { panic!() };
    assert_eq!(w.underlying, "Edm.Decimal");
    let Some(TypeDef::Enum(perms)) = schema.get("example.main.perms") else { panic!() };
    assert!(perms.is_flags);
    assert_eq!(perms.underlying.as_deref(), Some("Edm.Int32"));

    assert_eq!(schema.namespaces["example.main"].alias.as_deref(), Some("ex"));
    assert_eq!(schema.namespaces["example.things"].alias.as_deref(), Some("th"));
}

#[test]
fn fixture_implicit_enum_values_and_member_descriptions() {
    let (schema, _) = xml::read("fixture.xml", FIXTURE);
    let Some(TypeDef::Enum(colour)) = schema.get("example.main.colour") else { panic!() };
    let values: Vec<(&str, i64)> = colour.members.iter().map(|m| (m.name.as_str(), m.value)).collect();
    assert_eq!(values, [("red", 0), ("green", 1), ("blue", 2)]);
    assert!(!colour.is_flags);
    assert_eq!(colour.members[2].description.as_deref(), Some("The blue one."));
    assert_eq!(colour.members[1].description.as_deref(), Some("Green, out of line."));
    assert_eq!(colour.members[0].description, None);
}

#[test]
fn fixture_operations_and_container() {
    let (schema, _) = xml::read("fixture.xml", FIXTURE);
    let ns = &schema.namespaces["example.main"];
    let polish = &ns.operations["polish"][0];
    assert_eq!(polish.kind, OperationKind::Action);
    assert!(polish.bound);
    assert_eq!(polish.parameters.len(), 2);
    assert_eq!(polish.parameters[0].ty, TypeRef::new("example.main.widget", false));
    assert!(!polish.parameters[1].nullable);
    let rt = polish.return_type.as_ref().unwrap();
    assert_eq!(rt.ty, TypeRef::new("example.things.label", true));
    assert!(!rt.nullable);
    assert_eq!(polish.annotations.description.as_deref(), Some("Polish it."));

    let measure = &ns.operations["measure"];
    assert_eq!(measure.len(), 2);
    assert!(measure[0].composable);
    assert_eq!(measure[0].entity_set_path.as_deref(), Some("bindingParameter/parts"));
    assert_eq!(measure[0].return_type.as_ref().unwrap().ty, TypeRef::new("example.main.weight", false));
    // The out-of-line annotation names the first overload only.
    assert_eq!(measure[0].annotations.description.as_deref(), Some("Measure many."));
    assert_eq!(measure[1].annotations.description, None);

    let c = ns.container.as_ref().unwrap();
    assert_eq!(c.name, "Service");
    let widgets = &c.entity_sets["widgets"];
    assert_eq!(widgets.ty, "example.main.widget");
    assert_eq!(widgets.bindings["example.main.widget/owner"], "example.main.Service/bases");
    assert_eq!(widgets.origin.line, 62);
    assert_eq!(c.singletons["favourite"].ty, "example.main.widget");
    assert_eq!(c.action_imports["reset"], "example.main.reset");
    assert_eq!(c.function_imports["count"], "example.main.count");
}

#[test]
fn fixture_annotations_in_and_out_of_line() {
    let (schema, _) = xml::read("fixture.xml", FIXTURE);
    let c = &schema.namespaces["example.main"].container.as_ref().unwrap();
    let caps = &c.entity_sets["widgets"].annotations.capabilities;
    assert_eq!(caps.top_supported, Some(false)); // inline
    assert_eq!(caps.skip_supported, Some(true)); // tagging term without value
    assert_eq!(caps.filterable, Some(true));
    assert_eq!(caps.non_filterable_properties, ["labels"]);
    assert_eq!(caps.selectable, Some(false));
    assert_eq!(caps.countable, Some(false));
    assert_eq!(caps.searchable, Some(false));
    assert_eq!(caps.updatable, Some(false));
    assert_eq!(caps.insertable, None);
    assert_eq!(c.entity_sets["widgets"].annotations.filterable, Some(true));
    assert!(c.entity_sets["bases"].annotations.capabilities.is_empty());

    let widget = schema.structured("example.main.widget").unwrap();
    let parts = &widget.property("parts").unwrap().annotations;
    assert_eq!(parts.capabilities.expandable, Some(false));
    assert_eq!(parts.capabilities.non_expandable_properties, ["owner"]);
    assert_eq!(parts.derived_type_constraint, ["example.main.widget"]);

    let label = schema.structured("example.things.label").unwrap();
    assert_eq!(label.annotations.description.as_deref(), Some("A label."));
}

#[test]
fn malformed_xml_reports_line_and_column() {
    let text = "<edmx:Edmx xmlns:edmx=\"x\">\n  <edmx:DataServices>\n    <Schema Namespace=\"a\">\n      <EntityType Name=\"t\">\n      </ComplexType>\n    </Schema>\n";
    let (_, diags) = xml::read("bad.xml", text);
    assert_eq!(codes(&diags), ["csdl-xml-syntax"], "{diags:#?}");
    assert_eq!(diags[0].origin.file, "bad.xml");
    assert_eq!(diags[0].origin.line, 5, "{}", diags[0]);
    assert_eq!(diags[0].origin.col, 7, "{}", diags[0]);
    assert!(diags[0].is_error());
}

#[test]
fn truncated_input_reports_and_keeps_complete_types() {
    let cut = FIXTURE.find("<Action Name=\"polish\"").unwrap() + 20;
    let (schema, diags) = xml::read("cut.xml", &FIXTURE[..cut]);
    assert_eq!(codes(&diags), ["csdl-xml-syntax"], "{diags:#?}");
    assert!(diags[0].origin.line >= 40, "{}", diags[0]);
    assert!(schema.structured("example.main.widget").is_some());
    assert!(schema.namespaces["example.main"].operations.is_empty());

    // Cut between elements: everything still open is reported.
    let cut = FIXTURE.find("<EntityContainer").unwrap();
    let (schema, diags) = xml::read("cut.xml", &FIXTURE[..cut]);
    assert_eq!(codes(&diags), ["csdl-xml-syntax"], "{diags:#?}");
    assert_eq!(schema.namespaces["example.main"].operations["measure"].len(), 2);
}

#[test]
fn empty_and_garbage_input_do_not_panic() {
    for text in ["", "   \n\t", "not xml at all", "\u{feff}", "<", "<a", "<a b=>", "<?xml version=\"1.0\"?>"] {
        let (schema, diags) = xml::read("junk.xml", text);
        assert!(schema.namespaces.is_empty(), "{text:?}");
        assert!(diags.iter().any(|d| d.code == "csdl-xml-syntax"), "{text:?}: {diags:#?}");
    }
    // Arbitrary bytes, decoded lossily as the caller does: never panics.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..300 {
        let mut bytes: Vec<u8> = FIXTURE.as_bytes().to_vec();
        for _ in 0..(1 + round % 20) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed % bytes.len() as u64) as usize;
            bytes[i] = (seed >> 32) as u8;
        }
        let len = (seed >> 40) as usize % (bytes.len() + 1);
        let text = String::from_utf8_lossy(&bytes[..len]);
        let _ = xml::read("fuzz.xml", &text);
    }
}

#[test]
fn duplicate_type_is_reported_and_first_kept() {
    let text = r#"<edmx:Edmx xmlns:edmx="x"><edmx:DataServices>
<Schema Namespace="d" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="thing"><Property Name="first" Type="Edm.String" /></ComplexType>
  <EnumType Name="thing"><Member Name="a" /></EnumType>
</Schema>
<Schema Namespace="d">
  <ComplexType Name="thing"><Property Name="third" Type="Edm.String" /></ComplexType>
</Schema>
</edmx:DataServices></edmx:Edmx>"#;
    let (schema, diags) = xml::read("dup.xml", text);
    assert_eq!(codes(&diags), ["csdl-duplicate-type", "csdl-duplicate-type"], "{diags:#?}");
    assert_eq!((diags[0].origin.line, diags[1].origin.line), (4, 7));
    let thing = schema.structured("d.thing").expect("first declaration kept");
    assert_eq!(thing.property("first").unwrap().name, "first");
}
