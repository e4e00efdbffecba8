//! The matching and derivation rules of the permissions pass, each on a tiny CSDL fixture:
//! reference operations the data writes without `/$ref`, content uploads it writes without
//! `/$value`, operation names in another case after a collection, alternate keys in
//! parentheses, drive-item paths, `$count` as its list (marked as derived), how misses are
//! counted, and the shared permission sets of the emitted operation data.

use codegen::extract::PermissionFacts;
use codegen::ir::OpKind;
use codegen::permissions::Category;
use codegen::pipeline::{run, Input, Output};
use graph_runtime::permissions::normalize_template;

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="directoryObject" BaseType="graph.entity" />
      <EntityType Name="message" BaseType="graph.entity">
        <Property Name="subject" Type="Edm.String" />
      </EntityType>
      <EntityType Name="user" BaseType="graph.directoryObject">
        <Property Name="displayName" Type="Edm.String" />
        <Property Name="userPrincipalName" Type="Edm.String" />
        <NavigationProperty Name="manager" Type="graph.directoryObject" />
        <NavigationProperty Name="memberOf" Type="Collection(graph.directoryObject)" />
        <NavigationProperty Name="messages" Type="Collection(graph.message)" ContainsTarget="true" />
        <NavigationProperty Name="drive" Type="graph.drive" ContainsTarget="true" />
        <NavigationProperty Name="photo" Type="graph.profilePhoto" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="profilePhoto" BaseType="graph.entity" HasStream="true" />
      <EntityType Name="drive" BaseType="graph.entity">
        <NavigationProperty Name="root" Type="graph.driveItem" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="driveItem" BaseType="graph.entity">
        <NavigationProperty Name="children" Type="Collection(graph.driveItem)" ContainsTarget="true" />
      </EntityType>
      <Action Name="getByIds" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.directoryObject)" />
        <Parameter Name="ids" Type="Collection(Edm.String)" Nullable="false" />
        <ReturnType Type="Collection(graph.directoryObject)" />
      </Action>
      <Function Name="getDetail" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.user" />
        <Parameter Name="date" Type="Edm.Date" />
        <ReturnType Type="Edm.Stream" />
      </Function>
      <Function Name="getDetail" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.user" />
        <Parameter Name="period" Type="Edm.String" />
        <ReturnType Type="Edm.Stream" />
      </Function>
      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="graph.user" />
        <EntitySet Name="directoryObjects" EntityType="graph.directoryObject" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

/// One permission per name, least privileged (delegated) on each of its routes, so each
/// assertion sees where a table came from.
fn data(routes: &[(&str, &str, &str)]) -> String {
    let mut by_name: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for (name, method, path) in routes {
        by_name.entry(name).or_default().push(format!(
            r#"{{"schemeKeys": ["DelegatedWork"], "methods": ["{method}"], "paths": {{"{path}": "least=DelegatedWork"}}}}"#
        ));
    }
    let perms: Vec<String> = by_name
        .iter()
        .map(|(name, sets)| format!(r#""{name}": {{"schemes": {{"DelegatedWork": {{"privilegeLevel": 1}}}}, "pathSets": [{}]}}"#, sets.join(", ")))
        .collect();
    format!(r#"{{"permissions": {{{}}}}}"#, perms.join(",\n"))
}

fn run_with(routes: &[(&str, &str, &str)], emit: bool) -> Output {
    let out = run(&Input {
        csdl_xml: Some(("fixture.xml".into(), CSDL.into())),
        permissions: Some(("permissions.json".into(), data(routes))),
        skip_emit: !emit,
        ..Default::default()
    });
    let errors: Vec<String> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    out
}

/// The operation of `kind` on `target` (collection or not) and its paths.
fn op<'a>(out: &'a Output, target: &str, collection: bool, kind: OpKind) -> &'a codegen::ir::OperationInfo {
    let b = out
        .ir
        .builders
        .values()
        .find(|b| b.target == target && b.collection == collection)
        .unwrap_or_else(|| panic!("no builder for {target} {collection}"));
    let m = b.operations.iter().find(|o| o.kind == kind).unwrap_or_else(|| panic!("no {kind:?} on {target}"));
    &out.ir.operations[&m.operation_const]
}

fn at<'a>(o: &'a codegen::ir::OperationInfo, template: &str) -> Option<&'a PermissionFacts> {
    let key = normalize_template(template);
    o.paths.iter().find(|(t, _)| normalize_template(t) == key).and_then(|(_, p)| p.as_ref())
}

fn least(p: Option<&PermissionFacts>) -> Vec<String> {
    p.map(|p| p.delegated_work.least.clone()).unwrap_or_default()
}

#[test]
fn reference_operations_written_without_ref() {
    let out = run_with(
        &[
            ("Add.Member", "POST", "/users/{id}/memberof"),
            ("Remove.Member", "DELETE", "/users/{id}/memberof/{id}"),
            ("Set.Manager", "PUT", "/users/{id}/manager"),
            ("Create.Message", "POST", "/users/{id}/messages"),
        ],
        false,
    );
    let dobj = "microsoft.graph.directoryObject";
    assert_eq!(least(at(op(&out, dobj, true, OpKind::AddRef), "/users/{id}/memberOf/$ref")), ["Add.Member"]);
    assert_eq!(least(at(op(&out, dobj, false, OpKind::RemoveRef), "/users/{id}/memberOf/{id}/$ref")), ["Remove.Member"]);
    assert_eq!(least(at(op(&out, dobj, false, OpKind::SetRef), "/users/{id}/manager/$ref")), ["Set.Manager"]);
    // A contained navigation creates: no reference there.
    assert_eq!(least(at(op(&out, "microsoft.graph.message", true, OpKind::Create), "/users/{id}/messages")), ["Create.Message"]);
    // The reference routes do not leak to the entity's own operations.
    let delete = op(&out, dobj, false, OpKind::Delete);
    assert!(at(delete, "/users/{id}/memberOf/{id}").is_none(), "{:?}", delete.paths);
    assert_eq!(out.permissions.references, 3);
    assert_eq!(out.permissions.routes_matched, 4, "{:?}", out.permissions.unmatched);
}

#[test]
fn operation_names_in_another_case_after_a_collection() {
    let routes = [
        ("Read.ByIds", "POST", "/directoryobjects/GETBYIDS"),
        ("Some.Key", "GET", "/users/literal"),
        ("Read.Messages", "GET", "/users/wellknown/messages"),
    ];
    let out = run_with(&routes, false);
    let b = out.ir.builders.values().find(|b| b.target == "microsoft.graph.directoryObject" && b.collection).unwrap();
    let m = b.operations.iter().find(|o| o.kind == OpKind::Action).unwrap();
    assert_eq!(least(at(&out.ir.operations[&m.operation_const], "/directoryobjects/getbyids")), ["Read.ByIds"]);
    // A literal that names no operation is still a key the data would have written `{id}`:
    // at the end of a path it may be an operation the metadata lacks, so it is not matched;
    // followed by the item's navigation it is a key (a well-known one, `mailFolders/inbox`).
    assert_eq!(out.permissions.unmatched[&Category::LiteralAsKey], ["GET /users/literal"]);
    let messages = op(&out, "microsoft.graph.message", true, OpKind::List);
    assert_eq!(least(at(messages, "/users/wellknown/messages")), ["Read.Messages"]);
}

#[test]
fn count_takes_the_permissions_of_its_list_marked_as_derived() {
    let out = run_with(&[("List.Users", "GET", "/users"), ("Stated.Count", "GET", "/users/{id}/memberof/$count")], false);
    let count = op(&out, "microsoft.graph.user", true, OpKind::Count);
    let p = at(count, "/users/$count").expect("derived");
    assert_eq!(p.delegated_work.least, ["List.Users"]);
    assert_eq!(p.derived_from.as_deref(), Some("GET /users"));
    // Stated for its own path: kept, not derived.
    let members = op(&out, "microsoft.graph.directoryObject", true, OpKind::Count);
    let stated = at(members, "/users/{id}/memberOf/$count").expect("stated");
    assert_eq!((stated.delegated_work.least.as_slice(), stated.derived_from.as_deref()), (&["Stated.Count".to_string()][..], None));
    // A list without permissions gives its count none.
    assert!(at(members, "/directoryObjects/$count").is_none());
    let f = &out.permissions;
    assert_eq!(f.derived_paths, 1);
    assert_eq!(f.with_derived_permissions_only, 1);
    assert_eq!(f.with_stated_permissions + f.with_derived_permissions_only, f.with_permissions);
    // What is left, by what the data has: `POST /users` is a method the data does not list
    // for a path it lists; `GET /directoryObjects/$count` counts an unlisted collection.
    assert_eq!(f.without_by_reason.values().sum::<usize>(), f.operations - f.with_permissions);
    assert!(f.without_by_reason["data-lists-other-methods"] >= 1, "{:?}", f.without_by_reason);
    assert!(f.without_by_reason["count-of-unlisted-collection"] >= 1, "{:?}", f.without_by_reason);
}

#[test]
fn functions_the_metadata_lacks_are_not_in_metadata() {
    let routes = [
        ("X", "GET", "/users/{id}/nosuchfunction(period={value})"),
        ("Y", "GET", "/users(appid={value})"),
        // Bound to the collection only: on an item it is no operation of the metadata, not a
        // name in another case.
        ("Z", "POST", "/users/{id}/getByIds"),
    ];
    let out = run_with(&routes, false);
    let u = &out.permissions.unmatched;
    assert_eq!(u[&Category::UnknownSegment], ["GET /users/{id}/nosuchfunction(period={value})", "POST /users/{id}/getByIds"]);
    assert!(!u.contains_key(&Category::SegmentCase), "{u:?}");
    assert_eq!(u[&Category::KeyInParentheses], ["GET /users(appid={value})"]);
    assert!(!u.contains_key(&Category::FunctionParameters));
}

#[test]
fn alternate_keys_in_parentheses_address_the_item() {
    let routes = [
        ("Read.ByUpn", "GET", "/users(userprincipalname={value})"),
        ("Read.Messages", "GET", "/users(userPrincipalName={upn})/messages"),
        ("Delete.User", "DELETE", "/users({id})"),
    ];
    let out = run_with(&routes, false);
    // The item's operations, each under its template as written (the data's own table: the
    // data gives an alternate key's route other permissions than the key's in a quarter of
    // the pairs where it lists both, so nothing is taken from one for the other).
    let get = op(&out, "microsoft.graph.user", false, OpKind::Get);
    assert_eq!(least(at(get, "/users(userPrincipalName={upn})")), ["Read.ByUpn"]);
    assert!(at(get, "/users/{id}").is_none(), "{:?}", get.paths);
    let list = op(&out, "microsoft.graph.message", true, OpKind::List);
    assert_eq!(least(at(list, "/users(userprincipalname={x})/messages")), ["Read.Messages"]);
    assert_eq!(least(at(op(&out, "microsoft.graph.user", false, OpKind::Delete), "/users({id})")), ["Delete.User"]);
    assert_eq!(out.permissions.routes_matched, 3, "{:?}", out.permissions.unmatched);
}

#[test]
fn drive_item_paths_match_and_a_miss_after_one_is_the_segment_it_stops_at() {
    let routes = [
        ("Read.Item", "GET", "/users/{id}/drive/root:/{path}:"),
        ("Read.Children", "GET", "/users/{id}/drive/root:/{path}:/children"),
        ("Beta.Streams", "GET", "/users/{id}/drive/root:/{path}:/streams"),
    ];
    let out = run_with(&routes, false);
    let item = "microsoft.graph.driveItem";
    assert_eq!(least(at(op(&out, item, false, OpKind::Get), "/users/{id}/drive/root:/{p}:")), ["Read.Item"]);
    assert_eq!(least(at(op(&out, item, true, OpKind::List), "/users/{id}/drive/root:/{p}:/children")), ["Read.Children"]);
    // `streams` is in no type of the metadata: not a drive-item addressing the resolver misses.
    let u = &out.permissions.unmatched;
    assert_eq!(u[&Category::UnknownSegment], ["GET /users/{id}/drive/root:/{path}:/streams"]);
    assert!(!u.contains_key(&Category::DriveItemPath), "{u:?}");
}

#[test]
fn put_on_a_media_entity_without_replace_is_its_content_upload() {
    let out = run_with(&[("Upload.Photo", "PUT", "/users/{id}/photo")], false);
    let photo = "microsoft.graph.profilePhoto";
    assert_eq!(least(at(op(&out, photo, false, OpKind::PutContent), "/users/{id}/photo/$value")), ["Upload.Photo"]);
    // Not the entity's own operations.
    for kind in [OpKind::Update, OpKind::Get] {
        assert!(at(op(&out, photo, false, kind), "/users/{id}/photo").is_none(), "{kind:?}");
    }
    assert_eq!((out.permissions.content_uploads, out.permissions.references), (1, 0));
}

#[test]
fn emitted_sets_are_shared_and_derived_paths_say_so() {
    let out = run_with(&[("List.Users", "GET", "/users"), ("List.Users", "GET", "/directoryobjects")], true);
    let ops: String = out.files.iter().filter(|(f, _)| f.ends_with("operations.rs")).map(|(_, t)| t.as_str()).collect();
    // `GET /users` and `GET /directoryObjects` have the same set: one const, named twice.
    assert_eq!(ops.matches("pub const PERMISSION_SET_").count(), 1, "{ops}");
    assert!(ops.matches("permissions: Some(PERMISSION_SET_0)").count() >= 2, "{ops}");
    assert!(ops.contains("Permissions of `/users/$count` derived: as for `GET /users`."), "{ops}");
    let docs: String = out.files.values().map(String::as_str).collect();
    assert!(docs.contains("(derived: as for `GET /users`)"));
}

#[test]
fn overloads_of_a_function_take_the_routes_whose_arguments_they_take() {
    let out = run_with(
        &[("By.Date", "GET", "/users/{id}/getDetail(date={value})"), ("By.Period", "GET", "/users/{id}/getDetail(period='{value}')")],
        false,
    );
    let b = out.ir.builders.values().find(|b| b.target == "microsoft.graph.user" && !b.collection).unwrap();
    let mut got: Vec<(Vec<String>, Vec<String>)> = b
        .operations
        .iter()
        .filter(|o| o.segment.as_deref() == Some("getDetail"))
        .map(|o| {
            let info = &out.ir.operations[&o.operation_const];
            let params = o.function_params.iter().flatten().map(|(w, _)| w.clone()).collect();
            (params, info.paths.iter().filter_map(|(_, p)| p.as_ref()).flat_map(|p| p.delegated_work.least.clone()).collect())
        })
        .collect();
    got.sort();
    assert_eq!(got, vec![(vec!["date".to_string()], vec!["By.Date".to_string()]), (vec!["period".to_string()], vec!["By.Period".to_string()])]);
}
