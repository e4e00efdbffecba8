//! Specific broken inputs: each gives a diagnostic with a stable code and its place (the
//! property tests are in `robustness.rs`).

use codegen::csdl;
use codegen::diag::{Diagnostic, Severity};
use codegen::docs::{self, read_page, DocTree};
use codegen::extract;

mod common;
use common::*;

// ---------------------------------------------------------------------------------------------
// Specific inputs: each gives a diagnostic with a stable code and its place
// ---------------------------------------------------------------------------------------------

fn diag_of<'d>(diags: &'d [Diagnostic], code: &str) -> &'d Diagnostic {
    diags.iter().find(|d| d.code == code).unwrap_or_else(|| {
        panic!("no `{code}` diagnostic; got:\n{}", diags.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

fn assert_at(diags: &[Diagnostic], code: &str, file: &str, line: u32) -> Diagnostic {
    let d = diag_of(diags, code);
    assert_eq!((d.origin.file.as_str(), d.origin.line), (file, line), "{d}");
    assert!(d.origin.col >= 1, "no column: {d}");
    d.clone()
}

fn page(file: &str, text: &str) -> Vec<Diagnostic> {
    let tree = DocTree::default();
    let (p, mut diags) = read_page(&tree, file, text);
    diags.extend(extract::api(&p).1);
    diags
}

const RESOURCE_HEAD: &str = "---\ntitle: \"widget resource type\"\ndoc_type: resourcePageType\n---\n\n# widget resource type\n\nNamespace: microsoft.graph.robust\n\n";

fn resource_page(name: &str, props: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{name} resource type\"\ndoc_type: resourcePageType\n---\n\n# {name} resource type\n\nNamespace: microsoft.graph.robust\n\n{extra}## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n{props}\n## JSON representation\n<!-- {{\n  \"blockType\": \"resource\",\n  \"@odata.type\": \"microsoft.graph.robust.{name}\"\n}}\n-->\n```json\n{{}}\n```\n"
    )
}

fn derive_diags(pages: &[(&str, String)]) -> Vec<Diagnostic> {
    let mut tree = DocTree::default();
    for (f, t) in pages {
        tree.files.insert(f.to_string(), t.clone());
    }
    let out = run_pipeline(tree, None);
    out.diagnostics
}

#[test]
fn broken_annotation_json() {
    let text = format!("{RESOURCE_HEAD}## JSON representation\n<!-- {{\n  \"blockType\": \"resource\",,\n  \"@odata.type\": \n-->\n```json\n{{}}\n```\n");
    // Line 12 holds `"blockType": "resource",,`: the second comma (column 27) is the error.
    let d = assert_at(&page("r.md", &text), "doc-annotation-json", "r.md", 12);
    assert_eq!(d.origin.col, 27, "{d}");
    assert!(!d.message.contains("at line"), "{d}");
}

#[test]
fn table_rows_with_missing_and_extra_cells() {
    let text = format!("{RESOURCE_HEAD}## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|a|String|\n|b|String|x|extra|\n");
    let diags = page("r.md", &text);
    let lines: Vec<u32> = diags.iter().filter(|d| d.code == "doc-table-cells").map(|d| d.origin.line).collect();
    assert_eq!(lines, vec![13, 14], "{diags:?}");
}

#[test]
fn unterminated_code_fence() {
    let text = format!("{RESOURCE_HEAD}## JSON representation\n```json\n{{\"a\": 1}}\n");
    assert_at(&page("r.md", &text), "doc-unclosed-fence", "r.md", 11);
}

#[test]
fn empty_and_blank_pages() {
    assert_at(&page("e.md", ""), "doc-empty", "e.md", 1);
    assert_at(&page("e.md", " \n\n\t\n"), "doc-empty", "e.md", 1);
    assert_at(&page("e.md", "\u{feff}"), "doc-empty", "e.md", 1);
}

#[test]
fn duplicate_type_names() {
    let a = resource_page("widget", "|id|String|Id.|", "");
    let diags = derive_diags(&[("resources/a.md", a.clone()), ("resources/b.md", a)]);
    // The second page (by path) is reported at its resource annotation.
    assert_at(&diags, "doc-duplicate-type", "docs/resources/b.md", 15);
}

#[test]
fn duplicate_property_names() {
    let a = resource_page("widget", "|id|String|Id.|\n|name|String|Name.|\n|name|Int32|Again.|", "");
    let diags = derive_diags(&[("resources/a.md", a)]);
    assert_at(&diags, "doc-duplicate-property", "docs/resources/a.md", 15);
}

#[test]
fn unknown_types() {
    let a = resource_page("widget", "|id|String|Id.|\n|gadget|microsoft.graph.robust.gadget|Nowhere.|\n|odd|<b>what</b>|Unreadable.|", "");
    let diags = derive_diags(&[("resources/a.md", a)]);
    let lines: Vec<u32> = diags.iter().filter(|d| d.code == "doc-type-unknown").map(|d| d.origin.line).collect();
    assert!(lines.contains(&14) && lines.contains(&15), "{diags:?}");
}

#[test]
fn missing_base_type() {
    let a = resource_page("widget", "|name|String|Name.|", "Inherits from [gadget](gadget.md).\n\n");
    let diags = derive_diags(&[("resources/a.md", a)]);
    // At the type (its `resource` annotation).
    assert_at(&diags, "doc-base-unknown", "docs/resources/a.md", 17);
}

#[test]
fn cyclic_base_types_in_pages() {
    let a = resource_page("alpha", "|name|String|Name.|", "Inherits from [beta](b.md).\n\n");
    let b = resource_page("beta", "|size|Int32|Size.|", "Inherits from [alpha](a.md).\n\n");
    let c = resource_page("gamma", "|x|Int32|X.|", "Inherits from [gamma](c.md).\n\n");
    let diags = derive_diags(&[("resources/a.md", a), ("resources/b.md", b), ("resources/c.md", c)]);
    let cycles: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "schema-base-cycle").collect();
    // Each cycle once, at its first type; the derived schema has it broken, so the YAML
    // round trip and the lowering do not report it again.
    assert_eq!(cycles.len(), 2, "{diags:?}");
    assert!(cycles.iter().any(|d| d.origin.file == "docs/resources/a.md" && d.origin.line == 17), "{diags:?}");
    assert!(cycles.iter().any(|d| d.origin.file == "docs/resources/c.md" && d.origin.line == 17), "{diags:?}");
    assert!(cycles.iter().all(|d| d.severity == Severity::Error));
}

#[test]
fn cyclic_base_types_in_yaml() {
    let text = "$Version: \"4.01\"\nrobust:\n  a:\n    $Kind: ComplexType\n    $BaseType: robust.b\n  b:\n    $Kind: ComplexType\n    $BaseType: robust.a\n  c:\n    $Kind: EntityType\n    $BaseType: robust.c\n";
    let (schema, diags) = csdl::yaml::read("x.csdl.yaml", text);
    assert_at(&diags, "schema-base-cycle", "x.csdl.yaml", 3);
    assert!(diags.iter().any(|d| d.code == "schema-base-cycle" && d.origin.line == 9), "{diags:?}");
    assert_eq!(schema.ancestry("robust.a").len(), 2);
    assert_eq!(schema.all_properties("robust.c").len(), 0);
}

#[test]
fn cyclic_base_types_in_xml() {
    let text = "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n<Schema Namespace=\"robust\" Alias=\"r\">\n<ComplexType Name=\"a\" BaseType=\"r.b\"/>\n<ComplexType Name=\"b\" BaseType=\"robust.a\"/>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";
    let (schema, diags) = csdl::xml::read("x.xml", text);
    assert_at(&diags, "schema-base-cycle", "x.xml", 4);
    assert_eq!(schema.ancestry("robust.b").len(), 2);
}

#[test]
fn duplicate_types_in_csdl() {
    let xml = "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n<edmx:DataServices>\n<Schema Namespace=\"robust\">\n<ComplexType Name=\"a\"/>\n<EnumType Name=\"a\"/>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";
    assert_at(&csdl::xml::read("x.xml", xml).1, "csdl-duplicate-type", "x.xml", 5);
    let yaml = "robust:\n  a:\n    $Kind: ComplexType\n  a:\n    $Kind: EnumType\n";
    let d = assert_at(&csdl::yaml::read("x.yaml", yaml).1, "schema-yaml", "x.yaml", 4);
    assert!(d.message.contains("duplicate"), "{d}");
}

#[test]
fn empty_and_garbage_csdl() {
    for text in ["", "\n\n", "\u{feff}"] {
        let (_, diags) = csdl::yaml::read("e.yaml", text);
        let d = diags.iter().find(|d| d.code.starts_with("schema-yaml")).unwrap_or_else(|| panic!("{text:?}: {diags:?}"));
        assert!(d.origin.line >= 1, "{d}");
        let (_, diags) = csdl::xml::read("e.xml", text);
        assert_at(&diags, "csdl-xml-syntax", "e.xml", 1);
    }
    let (_, diags) = csdl::xml::read("g.xml", "\n\n<a><b></a>");
    assert_at(&diags, "csdl-xml-syntax", "g.xml", 3);
}

#[test]
fn not_utf8_pages() {
    let mut tree = DocTree::default();
    let bytes = b"# x resource type\n\nNamespace: microsoft.graph.robust\n\nbad \xff\xfe here\n";
    tree.files.insert("r.md".into(), lossy(bytes));
    tree.not_utf8.insert("r.md".into(), (5, 5));
    let (_, diags) = read_page(&tree, "r.md", &tree.files["r.md"]);
    let d = assert_at(&diags, "doc-not-utf8", "r.md", 5);
    assert_eq!(d.origin.col, 5);
}

/// A page of `n` table rows: a realistic shape that grows without bound.
fn big_page(target_bytes: usize) -> String {
    use std::fmt::Write;
    let mut rows = String::with_capacity(target_bytes);
    let mut i = 0usize;
    while rows.len() + 400 < target_bytes {
        let _ = writeln!(rows, "|p{i}|String|Property {i}, with `code` and a [link](x.md).|");
        i += 1;
    }
    resource_page("big", rows.trim_end(), "")
}

#[test]
fn page_too_large() {
    let text = big_page(20 << 20);
    let (page, diags) = read_page(&DocTree::default(), "big.md", &text);
    let d = assert_at(&diags, "doc-too-large", "big.md", 1);
    assert!(d.is_error());
    assert!(page.blocks.is_empty());
}

#[test]
#[ignore = "200 MB page: run with --ignored (see docs/robustness.md)"]
fn page_too_large_200mb() {
    let text = big_page(200 << 20);
    let (_, diags) = read_page(&DocTree::default(), "big.md", &text);
    assert_at(&diags, "doc-too-large", "big.md", 1);
}

#[test]
fn largest_accepted_page_is_read() {
    // Just under the limit: read in full (linear; no timing assertion here).
    let text = big_page(docs::MAX_PAGE_BYTES - 4096);
    let (page, diags) = read_page(&DocTree::default(), "big.md", &text);
    assert!(!diags.iter().any(|d| d.is_error()), "{:?}", &diags[..diags.len().min(5)]);
    let rows: usize = page.tables().map(|t| t.rows.len()).sum();
    assert!(rows > 10_000, "{rows}");
}

#[test]
fn small_tree_baseline_is_clean() {
    let out = run_pipeline(small_tree().clone(), None);
    assert!(!out.files.is_empty());
    assert!(!out.diagnostics.iter().any(|d| d.is_error()), "{:?}", out.diagnostics);
}

#[test]
fn namespace_that_is_not_a_dotted_name() {
    let text = "# x resource type\n\nNamespace: microsoft.graph.a/../../b\n\n<!-- {\"blockType\": \"resource\"} -->\n```json\n{}\n```\n";
    let (page, diags) = read_page(&DocTree::default(), "r.md", text);
    assert_at(&diags, "doc-namespace-invalid", "r.md", 3);
    assert_eq!(page.namespace, None);
}
