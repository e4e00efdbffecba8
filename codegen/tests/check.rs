//! Example checks (`codegen::check`): one small inline page per diagnostic kind, checked
//! against the project's own schema (`schema/cloudLicensing.csdl.yaml`) as base schema, plus
//! the figures of the seed pages in `../shared/seeds`.

use codegen::check::{self, Checked};
use codegen::csdl::{self, Schema};
use codegen::docs::DocTree;
use codegen::pipeline::{self, Input};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn base() -> Schema {
    let text = std::fs::read_to_string(root().join("schema/cloudLicensing.csdl.yaml")).unwrap();
    let (s, ds) = csdl::yaml::read("schema/cloudLicensing.csdl.yaml", &text);
    assert!(ds.iter().all(|d| !d.is_error()), "{ds:?}");
    s
}

fn run(files: &[(&str, &str)]) -> Checked {
    let mut docs = DocTree::default();
    for (p, t) in files {
        docs.files.insert((*p).to_string(), (*t).to_string());
    }
    let out = pipeline::run_with_base(&Input { docs, ..Default::default() }, Some(&base()));
    check::check_output(&out, "")
}

/// An API page with the allotment GET/list paths, one request and one response example.
/// Line of the request URL: 24; the response body starts at line 32.
fn page(response_text: &str, request: &str, body: &str) -> String {
    format!(
        r#"---
title: "Get allotment"
doc_type: apiPageType
---
# Get allotment

Namespace: microsoft.graph.cloudLicensing

## HTTP request

``` http
GET /admin/cloudLicensing/allotments/{{allotmentId}}
GET /admin/cloudLicensing/allotments
```

## Response

{response_text}

## Examples

<!-- {{ "blockType": "request", "name": "x" }} -->
``` http
{request}
```

<!-- {{ "blockType": "response", "truncated": true }} -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{body}
```
"#
    )
}

const ONE: &str = "If successful, this method returns a `200 OK` response code and an [allotment](../resources/cloudlicensing-allotment.md) object in the response body.";
const GET: &str = "GET https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1";
const LIST: &str = "GET https://graph.microsoft.com/beta/admin/cloudLicensing/allotments";
const GOOD: &str = r##"{
  "@odata.type": "#microsoft.graph.cloudLicensing.allotment",
  "id": "a1",
  "allottedUnits": 250,
  "assignableTo": "user,group",
  "skuId": "4b9405b0-7788-4568-add1-99614e613b69",
  "services": [{"@odata.type": "#microsoft.graph.cloudLicensing.service", "planName": "X", "assignableTo": "none"}],
  "subscriptions": [{"startDate": "2025-07-18", "state": "active"}],
  "assignments@odata.count": 3
}"##;

fn codes(c: &Checked) -> Vec<(&'static str, u32, u32)> {
    c.diagnostics.iter().map(|d| (d.code, d.origin.line, d.origin.col)).collect()
}

fn has(c: &Checked, code: &str, line: u32) -> bool {
    c.diagnostics.iter().any(|d| d.code == code && d.origin.line == line)
}

#[test]
fn a_correct_example_has_no_findings() {
    let c = run(&[("api/x.md", &page(ONE, GET, GOOD))]);
    let ex: Vec<_> = c.diagnostics.iter().filter(|d| d.code.starts_with("example-") || d.code.starts_with("doc-response")).collect();
    assert!(ex.is_empty(), "{ex:#?}");
    assert_eq!((c.figures.requests, c.figures.requests_matched, c.figures.responses, c.figures.responses_ok), (1, 1, 1, 1));
}

#[test]
fn int32_given_as_a_string() {
    let body = GOOD.replace("\"allottedUnits\": 250", "\"allottedUnits\": \"250\"");
    let c = run(&[("api/x.md", &page(ONE, GET, &body))]);
    assert!(has(&c, "example-type-mismatch", 35), "{:?}", codes(&c));
    assert_eq!(c.figures.responses_ok, 0);
}

#[test]
fn single_entity_wrapped_in_value() {
    let body = format!("{{\n  \"value\": {GOOD}\n}}");
    let c = run(&[("api/x.md", &page(ONE, GET, &body))]);
    assert!(has(&c, "example-response-value-wrapper", 33), "{:?}", codes(&c));
    assert_eq!(c.figures.responses_ok, 0);
}

#[test]
fn list_response_without_value() {
    let c = run(&[("api/x.md", &page(ONE, LIST, GOOD))]);
    assert!(has(&c, "example-response-not-collection", 32), "{:?}", codes(&c));
}

#[test]
fn response_section_says_collection_for_one_entity() {
    let text = page(
        "If successful, this method returns a `200 OK` response code and a collection of [allotment](../resources/cloudlicensing-allotment.md) objects in the response body.",
        GET,
        GOOD,
    )
    .replace("GET /admin/cloudLicensing/allotments\n", "");
    let c = run(&[("api/x.md", &text)]);
    assert!(c.diagnostics.iter().any(|d| d.code == "doc-response-shape-mismatch"), "{:?}", codes(&c));
}

#[test]
fn annotation_says_collection_for_one_entity() {
    let text = page(ONE, GET, GOOD).replace(
        r#"{ "blockType": "response", "truncated": true }"#,
        r#"{ "blockType": "response", "@odata.type": "Collection(microsoft.graph.cloudLicensing.allotment)" }"#,
    );
    let c = run(&[("api/x.md", &text)]);
    assert!(c.diagnostics.iter().any(|d| d.code == "example-annotation-shape-mismatch"), "{:?}", codes(&c));
}

#[test]
fn odata_type_without_hash() {
    let body = GOOD.replace("\"#microsoft.graph.cloudLicensing.service\"", "\"microsoft.graph.cloudLicensing.service\"");
    let c = run(&[("api/x.md", &page(ONE, GET, &body))]);
    assert!(has(&c, "example-odata-type-missing-hash", 38), "{:?}", codes(&c));
}

#[test]
fn json_cut_short_in_a_truncated_example() {
    let body = GOOD.lines().take(5).collect::<Vec<_>>().join("\n");
    let c = run(&[("api/x.md", &page(ONE, GET, &body))]);
    let d = c.diagnostics.iter().find(|d| d.code == "example-json-invalid").expect("diagnosed");
    assert_eq!(d.origin.line, 36, "{d}");
    assert!(d.message.contains("truncated"), "{d}");
    assert_eq!(c.figures.responses_ok, 0);
}

#[test]
fn unknown_property_wrong_formats_and_enum_members() {
    let body = GOOD
        .replace("\"id\": \"a1\",", "\"id\": \"a1\", \"color\": \"red\",")
        .replace("4b9405b0-7788-4568-add1-99614e613b69", "not-a-guid")
        .replace("\"2025-07-18\"", "\"2025-07-18T00:00:00Z\"")
        .replace("\"user,group\"", "\"user,robot\"")
        .replace("\"planName\": \"X\"", "\"planName\": 7");
    let c = run(&[("api/x.md", &page(ONE, GET, &body))]);
    for code in ["example-unknown-property", "example-value-format", "example-enum-member", "example-type-mismatch"] {
        assert!(c.diagnostics.iter().any(|d| d.code == code), "{code}: {:?}", codes(&c));
    }
    // Two wrong formats: the Guid and the Date.
    assert_eq!(c.diagnostics.iter().filter(|d| d.code == "example-value-format").count(), 2, "{:?}", codes(&c));
}

#[test]
fn apply_aliases_and_instance_annotations_are_allowed() {
    let req = format!("{GET}?$apply=compute(allottedUnits sub consumedUnits as availableUnits)&$select=id,availableUnits");
    let body = GOOD.replace("\"id\": \"a1\",", "\"id\": \"a1\", \"availableUnits\": 3, \"@odata.etag\": \"W/1\",");
    let c = run(&[("api/x.md", &page(ONE, &req, &body))]);
    assert!(c.diagnostics.iter().all(|d| !d.code.starts_with("example-")), "{:?}", codes(&c));
    assert_eq!(c.figures.responses_ok, 1);
}

#[test]
fn query_options_are_checked_recursively() {
    let ok = format!(
        "{GET}?$expand=assignments($expand=assignedTo($select=id,displayName);$count=true;$top=0),services($filter=assignableTo eq 'user,group')&$select=id,skuId"
    );
    let c = run(&[("api/x.md", &page(ONE, &ok, GOOD))]);
    assert_eq!(c.figures.requests_matched, 1, "{:?}", codes(&c));

    for (q, code) in [
        ("$select=id,colour", "example-query-unknown-property"),
        ("$expand=assignments($select=nope)", "example-query-unknown-property"),
        ("$expand=skuId", "example-query-not-expandable"),
        ("$filter=colour eq 'x'", "example-query-unknown-property"),
        ("$expand=assignments($top=many)", "example-query-invalid-value"),
        ("$sellect=id", "example-query-unknown-option"),
    ] {
        let c = run(&[("api/x.md", &page(ONE, &format!("{GET}?{q}"), GOOD))]);
        assert!(has(&c, code, 24), "{q}: {:?}", codes(&c));
        assert_eq!(c.figures.requests_matched, 0, "{q}");
    }
}

#[test]
fn filter_literals_are_not_properties() {
    let q = "$filter=skuId in (639dec6b-bb19-468b-871c-c5c441c4b0cb, a403ebcc-fae0-4ca2-8c8c-7a907fd6c235) and skuPartNumber eq 'it''s (x) & #/é' and startswith(skuPartNumber,'E')";
    let c = run(&[("api/x.md", &page(ONE, &format!("{GET}?{q}"), GOOD))]);
    assert!(c.diagnostics.iter().all(|d| !d.code.starts_with("example-query")), "{:?}", codes(&c));
}

#[test]
fn unresolved_paths_and_wrong_methods() {
    let c = run(&[("api/x.md", &page(ONE, "GET https://graph.microsoft.com/beta/me/cloudLicensing/allotments/a1", GOOD))]);
    assert!(has(&c, "example-path-unresolved", 24), "{:?}", codes(&c));
    assert!(c.diagnostics.iter().any(|d| d.code == "example-response-unchecked"), "{:?}", codes(&c));
    assert_eq!(c.figures.requests_matched, 0);

    let c = run(&[("api/x.md", &page(ONE, "DELETE https://graph.microsoft.com/beta/admin/cloudLicensing/allotments", GOOD))]);
    assert!(has(&c, "example-method-mismatch", 24), "{:?}", codes(&c));

    // Resolves, but no page documents a PATCH of an allotment.
    let c = run(&[("api/x.md", &page(ONE, "PATCH https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1", GOOD))]);
    assert!(has(&c, "example-request-unmatched", 24), "{:?}", codes(&c));
}

#[test]
fn resource_page_lacking_a_property_examples_use() {
    // A stale usageRight page without relationships; the base schema has `assignments`.
    let resource = r#"---
title: "usageRight resource type"
doc_type: resourcePageType
---
# usageRight resource type

Namespace: microsoft.graph.cloudLicensing

Inherits from [microsoft.graph.entity](../resources/entity.md).

## Properties

|Property|Type|Description|
|:---|:---|:---|
|id|String|Identifier.|
|skuId|Guid|SKU.|

## Relationships

None.
"#;
    let api = page(ONE, "GET https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1", GOOD)
        .replace("GET https://graph.microsoft.com/beta/admin/cloudLicensing/allotments/a1", "GET https://graph.microsoft.com/beta/users/u1/cloudLicensing/usageRights/r1?$expand=assignments")
        .replace("GET /admin/cloudLicensing/allotments/{allotmentId}", "GET /users/{userId}/cloudLicensing/usageRights/{usageRightId}")
        .replace(GOOD, r##"{"@odata.type": "#microsoft.graph.cloudLicensing.usageRight", "id": "r1", "assignments": []}"##);
    let c = run(&[("resources/cloudlicensing-usageright.md", resource), ("api/x.md", &api)]);
    let d = c.diagnostics.iter().find(|d| d.code == "doc-resource-missing-property").expect("diagnosed");
    assert!(d.origin.file.ends_with("cloudlicensing-usageright.md") && d.message.contains("`assignments`"), "{d}");
    // The example itself still matches and passes: the base schema knows the relationship.
    assert_eq!((c.figures.requests_matched, c.figures.responses_ok), (1, 1), "{:?}", codes(&c));
}

#[test]
fn seed_pages_figures() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/seeds"));
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("skipped: {} not found", dir.display());
        return;
    };
    let mut docs = DocTree::default();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        docs.files.insert(name, std::fs::read_to_string(e.path()).unwrap());
    }
    let out = pipeline::run_with_base(&Input { docs, ..Default::default() }, Some(&base()));
    assert_eq!(out.counts.read, 3);
    assert_eq!(out.counts.tolerant, 2);
    assert_eq!(out.endpoints, 6, "the three GET paths of each API seed");
    assert_eq!(out.paths, 6);
    let c = check::check_output(&out, "");
    assert_eq!((c.figures.requests, c.figures.requests_matched), (8, 8), "{:#?}", c.diagnostics);
    assert_eq!(c.figures.responses, 8);
    let at = |code: &str, file: &str, line: u32| {
        c.diagnostics.iter().any(|d| d.code == code && d.origin.file.starts_with(file) && d.origin.line == line)
    };
    // The known doc errors of seed 000 and 002.
    assert!(at("doc-response-shape-mismatch", "000_", 84));
    assert!(at("example-response-value-wrapper", "000_", 118));
    assert!(at("example-type-mismatch", "000_", 122));
    assert!(at("example-odata-type-missing-hash", "000_", 127));
    assert!(at("example-odata-type-missing-hash", "002_", 189));
    assert_eq!(c.figures.responses_ok, 7);
}

#[test]
fn nested_filters_are_counted_as_the_emitter_types_them() {
    // A nested `$filter` on a navigation, named in another case (Graph reads it as
    // `assignments`): typed against the navigation's target, like the emitter does.
    let q = format!("{LIST}?$expand=Assignments($filter=id eq 'x';$select=id)");
    let c = run(&[("api/x.md", &page(ONE, &q, &format!("{{\"value\": [{GOOD}]}}")))]);
    let f = &c.figures;
    assert_eq!((f.filters, f.filters_typed, f.filters_unresolved), (1, 1, 0), "{:?}", codes(&c));
    assert!(c.diagnostics.iter().all(|d| !d.code.starts_with("example-query")), "{:?}", codes(&c));
    // `services` is complex: the checker reads into it, the typed builders do not expand it,
    // so its nested `$filter` is generated raw, and counted so.
    let q = format!("{GET}?$expand=services($filter=assignableTo eq 'user,group')");
    let c = run(&[("api/x.md", &page(ONE, &q, GOOD))]);
    let f = &c.figures;
    assert_eq!((f.filters, f.filters_typed, f.filters_unresolved), (1, 0, 0), "{:?}", codes(&c));
    assert!(has(&c, "example-filter-untyped", 24), "{:?}", codes(&c));
    // A path the checker cannot follow: unresolved.
    let q = format!("{GET}?$expand=microsoft.graph.x/y($filter=a eq 1)");
    let c = run(&[("api/x.md", &page(ONE, &q, GOOD))]);
    assert_eq!((c.figures.filters, c.figures.filters_unresolved), (0, 1), "{:?}", codes(&c));
}

#[test]
fn typed_options_in_another_case_are_replayed_in_the_schemas_spelling() {
    // Names in another case type (Graph reads them so); the test compares the request with the
    // documented URL in the form the handles write, so both must use the schema's spelling.
    let q = format!("{LIST}?$filter=SkuId eq 4b9405b0-7788-4568-add1-99614e613b69&$orderby=AllottedUnits desc&$expand=Assignments($filter=ID eq 'x')");
    let mut docs = DocTree::default();
    docs.files.insert("api/x.md".into(), page(ONE, &q, &format!("{{\"value\": [{GOOD}]}}")));
    let out = pipeline::run_with_base(&Input { docs, ..Default::default() }, Some(&base()));
    let c = check::check_output(&out, "");
    assert_eq!((c.figures.filters, c.figures.filters_typed, c.figures.orderby_typed), (2, 2, 1), "{:?}", codes(&c));
    let tests = &out.files["tests/doc_examples.rs"];
    assert!(
        tests.contains("?$filter=skuId eq 4b9405b0-7788-4568-add1-99614e613b69&$orderby=allottedUnits desc&$expand=assignments($filter=id eq 'x')"),
        "{tests}"
    );
}

// ---------------------------------------------------------------------------------------------
// Response shapes and example blocks against a small metadata document (docs + CSDL).

const SHAPES_CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="attachment" BaseType="graph.entity" Abstract="true">
        <Property Name="name" Type="Edm.String" />
      </EntityType>
      <EntityType Name="fileAttachment" BaseType="graph.attachment">
        <Property Name="contentBytes" Type="Edm.Binary" />
      </EntityType>
      <EntityType Name="message" BaseType="graph.entity">
        <NavigationProperty Name="attachments" Type="Collection(graph.attachment)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="reportRoot" BaseType="graph.entity" />
      <Function Name="getDetail" IsBound="true">
        <Parameter Name="reportRoot" Type="graph.reportRoot" />
        <Parameter Name="period" Type="Edm.String" />
        <ReturnType Type="Edm.Stream" Nullable="false" />
      </Function>
      <Function Name="getDetail" IsBound="true">
        <Parameter Name="reportRoot" Type="graph.reportRoot" />
        <Parameter Name="date" Type="Edm.Date" />
        <ReturnType Type="Edm.Stream" Nullable="false" />
      </Function>
      <Function Name="getSummary" IsBound="true">
        <Parameter Name="reportRoot" Type="graph.reportRoot" />
        <Parameter Name="period" Type="Edm.String" />
        <ReturnType Type="graph.message" />
      </Function>
      <Action Name="verify" IsBound="true">
        <Parameter Name="reportRoot" Type="graph.reportRoot" />
        <Parameter Name="domain" Type="Edm.String" />
        <ReturnType Type="Edm.Boolean" Nullable="false" />
      </Action>
      <EntityContainer Name="GraphService">
        <EntitySet Name="messages" EntityType="graph.message" />
        <Singleton Name="reports" Type="graph.reportRoot" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

/// An API page whose example section is `examples` (blocks as a real page writes them).
fn api_page(examples: &str) -> String {
    format!("---\ntitle: \"x\"\ndoc_type: apiPageType\n---\n# x\n\n## Example\n\n{examples}\n")
}

fn run_shapes(page: &str) -> Checked {
    let mut docs = DocTree::default();
    docs.files.insert("api/x.md".into(), page.to_string());
    let input = Input { docs, csdl_xml: Some(("shapes.xml".into(), SHAPES_CSDL.into())), ..Default::default() };
    check::check_output(&pipeline::run(&input), "")
}

/// The 1-based line of the first line of `page` containing `needle`.
fn line_of(page: &str, needle: &str) -> u32 {
    page.lines().position(|l| l.contains(needle)).map(|i| i as u32 + 1).unwrap_or_else(|| panic!("{needle} not in page"))
}

fn errors(c: &Checked) -> Vec<(&'static str, u32)> {
    c.diagnostics.iter().filter(|d| d.is_error()).map(|d| (d.code, d.origin.line)).collect()
}

const VERIFY: &str = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/reports/verify\nContent-type: application/json\n\n{\"domain\": \"contoso.com\"}\n```\n";

#[test]
fn a_single_primitive_result_is_answered_inside_value() {
    let resp = |body: &str| format!("{VERIFY}\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{body}\n```\n");
    let ok = run_shapes(&api_page(&resp("{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean\",\n  \"value\": true\n}")));
    assert_eq!(errors(&ok), vec![]);
    assert_eq!((ok.figures.responses, ok.figures.responses_ok), (1, 1));
    // The value must still have the declared type, and stand inside `value`.
    let page = api_page(&resp("{\n  \"value\": \"yes\"\n}"));
    assert_eq!(errors(&run_shapes(&page)), vec![("example-type-mismatch", line_of(&page, "\"yes\""))]);
    let page = api_page(&resp("true"));
    assert_eq!(errors(&run_shapes(&page)), vec![("example-response-value-missing", line_of(&page, "true"))]);
    let page = api_page(&resp("{\n  \"value\": true,\n  \"extra\": 1\n}"));
    assert_eq!(errors(&run_shapes(&page)), vec![("example-unknown-property", line_of(&page, "\"extra\""))]);
}

#[test]
fn a_stream_result_is_raw_content_and_a_redirects_target_is_its_response() {
    // The request block is marked `ignored` (a note to Microsoft's checker): still a request.
    // The 302 and the CSV after it are two responses of that one request.
    let page = api_page(
        "<!-- { \"blockType\": \"ignored\" } -->\n```msgraph-interactive\nGET https://graph.microsoft.com/v1.0/reports/getDetail(period='D7')\n```\n\n\
         <!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 302 Found\nLocation: https://reports.office.com/data/x\n```\n\n\
         <!-- { \"blockType\": \"ignored\" } -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\nReport Refresh Date,Send,Receive\n```\n",
    );
    let c = run_shapes(&page);
    assert_eq!(errors(&c), vec![]);
    assert_eq!((c.figures.requests, c.figures.requests_matched, c.figures.responses, c.figures.responses_ok), (1, 1, 1, 1));
    assert!(c.diagnostics.iter().all(|d| d.code != "example-unpaired-response"), "{:?}", codes(&c));
}

#[test]
fn derived_properties_without_odata_type_name_the_derived_type() {
    let page = api_page(
        "<!-- { \"blockType\": \"request\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/messages/m1/attachments/a1\n```\n\n\
         <!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\n  \"id\": \"a1\",\n  \"contentBytes\": \"R0lG\"\n}\n```\n",
    );
    let c = run_shapes(&page);
    assert_eq!(errors(&c), vec![("example-odata-type-missing", line_of(&page, "contentBytes"))]);
    let d = c.diagnostics.iter().find(|d| d.code == "example-odata-type-missing").unwrap();
    assert!(d.message.contains("`fileAttachment`"), "{}", d.message);
    // Named by `@odata.type`, the same payload is fine.
    let c = run_shapes(&page.replace("\"id\": \"a1\",", "\"@odata.type\": \"#microsoft.graph.fileAttachment\",\n  \"id\": \"a1\","));
    assert_eq!(errors(&c), vec![]);
}

#[test]
fn bare_json_blocks_are_a_requests_body_or_a_response() {
    // The body in a block of its own after the request line, and a response without its
    // status line under a "Response" heading: one example, body and response checked.
    let page = api_page(
        "#### Request\n\n```http\nPOST https://graph.microsoft.com/v1.0/reports/verify\nContent-type: application/json\n```\n\n\
         ```json\n{\n  \"domain\": 7\n}\n```\n\n#### Response\n\n```http\n{\n  \"value\": false\n}\n```\n",
    );
    let c = run_shapes(&page);
    assert_eq!(errors(&c), vec![("example-type-mismatch", line_of(&page, "\"domain\": 7"))]);
    assert_eq!((c.figures.requests, c.figures.responses, c.figures.responses_ok), (1, 1, 1));
}

#[test]
fn bodies_that_say_they_are_not_json_are_not_read_as_json() {
    let page = api_page(
        "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/reports/verify\nContent-type: multipart/form-data; boundary=B\n\n--B\nContent-Disposition: form-data; name=\"domain\"\n\ncontoso.com\n--B--\n```\n",
    );
    assert_eq!(errors(&run_shapes(&page)), vec![]);
    assert_eq!(errors(&run_shapes(&page.replace("multipart/form-data; boundary=B", "application/json"))), vec![("example-request-body-invalid", line_of(&page, "--B") )]);
}

#[test]
fn calls_to_other_hosts_are_not_graph_requests() {
    let page = api_page(
        "<!-- { \"blockType\": \"request\" } -->\n```http\nPUT https://sn3302.up.1drv.com/up/fe6987415ace\nContent-Range: bytes 0-25/128\n```\n\n\
         <!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 202 Accepted\nContent-type: application/json\n\n{\n  \"nextExpectedRanges\": [\"26-\"]\n}\n```\n",
    );
    let c = run_shapes(&page);
    assert!(has(&c, "example-request-external", line_of(&page, "PUT https://sn3302")), "{:?}", codes(&c));
    assert_eq!(errors(&c), vec![]);
    assert_eq!((c.figures.requests, c.figures.responses), (0, 0));
    // Every national cloud's Graph host is Graph.
    let c = run_shapes(&page.replace("https://sn3302.up.1drv.com/up/fe6987415ace", "https://graph.microsoft.us/v1.0/reports/verify"));
    assert!(c.diagnostics.iter().all(|d| d.code != "example-request-external"), "{:?}", codes(&c));
    assert_eq!(c.figures.requests, 1);
}

#[test]
fn each_overload_of_a_function_is_an_operation_and_examples_pick_theirs() {
    let req = |args: &str| format!("<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/reports/getDetail({args})\n```\n");
    let page = api_page(&format!("{}\n{}\n{}", req("period='D7'"), req("date=2020-05-01"), req("day=3")));
    let mut docs = DocTree::default();
    docs.files.insert("api/x.md".into(), page.clone());
    let out = pipeline::run(&Input { docs, csdl_xml: Some(("shapes.xml".into(), SHAPES_CSDL.into())), ..Default::default() });
    let reports = out.ir.builders.values().find(|b| b.target == "microsoft.graph.reportRoot" && !b.collection).expect("reportRoot builder");
    let mut params: Vec<Vec<String>> = reports
        .operations
        .iter()
        .filter(|o| o.segment.as_deref() == Some("getDetail"))
        .map(|o| o.function_params.iter().flatten().map(|(w, _)| w.clone()).collect())
        .collect();
    params.sort();
    assert_eq!(params, vec![vec!["date".to_string()], vec!["period".to_string()]]);
    // The first overload keeps the name; the others say their parameters.
    let mut names: Vec<&str> = reports.operations.iter().filter(|o| o.segment.as_deref() == Some("getDetail")).map(|o| o.method_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["get_detail", "get_detail_date"]);
    let c = check::check_output(&out, "");
    // `day` fills neither overload.
    assert_eq!((c.figures.requests, c.figures.requests_matched), (3, 2), "{:?}", codes(&c));
    assert!(has(&c, "example-request-unmatched", line_of(&page, "day=3")), "{:?}", codes(&c));
}

#[test]
fn a_bound_operation_called_with_the_wrong_method_still_checks_its_response() {
    let page = |body: &str| {
        api_page(&format!(
            "<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/reports/verify\n```\n\n\
             <!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{body}\n```\n"
        ))
    };
    let c = run_shapes(&page("{\n  \"value\": true\n}"));
    assert_eq!((c.figures.requests_matched, c.figures.responses, c.figures.responses_ok), (0, 1, 1));
    assert_eq!(c.figures.requests_not_matched.get("example-method-mismatch"), Some(&1));
    let c = run_shapes(&page("{\n  \"value\": \"yes\"\n}"));
    assert_eq!(c.figures.responses_ok, 0);
    assert_eq!(c.figures.responses_not_ok.get("example-type-mismatch"), Some(&1));
}

#[test]
fn a_request_relative_to_a_parent_says_no_chain_starts_there() {
    let page = api_page("<!-- { \"blockType\": \"request\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/attachments/a1\n```\n");
    let c = run_shapes(&page);
    let d = c.diagnostics.iter().find(|d| d.code == "example-request-unmatched").unwrap_or_else(|| panic!("{:?}", codes(&c)));
    assert_eq!(d.origin.line, line_of(&page, "attachments/a1"));
    assert!(d.message.contains("starts at `attachments`, a navigation property"), "{}", d.message);
}

#[test]
fn what_a_redirect_leads_to_is_not_the_operations_result() {
    let page = |status: &str| {
        let redirect = if status == "302" {
            "<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 302 Found\nLocation: https://reports.office.com/data/x\n```\n\n"
        } else {
            ""
        };
        api_page(&format!(
            "<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/reports/getSummary(period='D7')\n```\n\n{redirect}\
             <!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\nReport Refresh Date,Send\n```\n"
        ))
    };
    let c = run_shapes(&page("302"));
    assert_eq!(errors(&c), vec![]);
    assert_eq!((c.figures.responses, c.figures.responses_ok), (1, 1));
    // Without the redirect, the CSV is the operation's answer, which is a message: not JSON.
    let p = page("200");
    assert_eq!(errors(&run_shapes(&p)), vec![("example-json-invalid", line_of(&p, "Report Refresh Date"))]);
}
