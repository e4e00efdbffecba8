//! The fuzz targets as plain functions, shared by the libFuzzer binaries (`fuzz_targets/`,
//! nightly + cargo-fuzz) and the stable `smoke` harness (`src/bin/smoke.rs`).
//!
//! Each target takes arbitrary bytes, decodes them the way `xtask` does (lossy UTF-8) and
//! drives one reader, then the code that consumes what it read. A target fails only by
//! panicking (or hanging); diagnostics are the expected outcome for bad input.

use codegen::csdl::{self, Schema};
use codegen::docs::{markdown, read_page, tolerant, DocTree};
use codegen::extract;
use codegen::pipeline::{self, Input};

/// A fuzz target: arbitrary bytes in, fails only by panicking or hanging.
pub type Target = fn(&[u8]);

/// Every target, by name (the names of the libFuzzer binaries).
pub const TARGETS: &[(&str, Target)] = &[
    ("markdown_page", markdown_page),
    ("tolerant_page", tolerant_page),
    ("csdl_xml", csdl_xml),
    ("csdl_yaml", csdl_yaml),
    ("pipeline", pipeline),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A tree in which includes of a fuzzed page can resolve (and may be fuzzed too).
fn tree_with(path: &str, text: &str) -> DocTree {
    let mut tree = DocTree::default();
    tree.files.insert(path.to_string(), text.to_string());
    tree.files.insert(
        "includes/permissions/x-permissions.md".into(),
        "|Permission type|Least privileged permissions|Higher privileged permissions|\n|:---|:---|:---|\n|Delegated (work or school account)|A.Read|B.Read|\n".into(),
    );
    tree
}

fn facts(page: &codegen::docs::Page) {
    let _ = extract::resource(page);
    let _ = extract::api(page);
}

fn touch(schema: &Schema) {
    for (n, ns) in &schema.namespaces {
        for t in ns.types.keys() {
            let q = format!("{n}.{t}");
            let _ = schema.ancestry(&q);
            let _ = schema.all_properties(&q);
        }
    }
    let _ = schema.base_cycles();
}

/// Markdown page reader (and the dispatching `read_page`), then fact extraction.
pub fn markdown_page(data: &[u8]) {
    let t = text(data);
    let tree = tree_with("api/page.md", &t);
    let (page, _) = read_page(&tree, "api/page.md", &t);
    facts(&page);
    let (page, _) = markdown::read(&tree, "api/page.md", &t);
    facts(&page);
}

/// Tolerant reader (pages that lost their markup), then fact extraction.
pub fn tolerant_page(data: &[u8]) {
    let t = text(data);
    let tree = tree_with("resources/page.md", &t);
    let _ = tolerant::needs_tolerant(&t);
    let (page, _) = tolerant::read(&tree, "resources/page.md", &t);
    facts(&page);
}

/// CSDL XML reader.
pub fn csdl_xml(data: &[u8]) {
    let (schema, _) = csdl::xml::read("fuzz.csdl.xml", &text(data));
    touch(&schema);
}

/// CSDL-JSON-as-YAML reader, and a write → read round trip of what it read.
pub fn csdl_yaml(data: &[u8]) {
    let (schema, _) = csdl::yaml::read("fuzz.csdl.yaml", &text(data));
    touch(&schema);
    let names: Vec<&str> = schema.namespaces.keys().map(String::as_str).collect();
    let written = csdl::yaml::write(&schema, &names, &[]);
    let (again, _) = csdl::yaml::read("again.csdl.yaml", &written);
    touch(&again);
}

/// Paths the pipeline target gives to the pieces of its input.
const PIPELINE_PATHS: &[&str] = &[
    "resources/a.md",
    "api/a-get.md",
    "resources/b.md",
    "api/b-list.md",
    "includes/permissions/a-get-permissions.md",
    "api/b-post.md",
];

/// The whole pipeline on a small tree: the input is split at NUL bytes into up to six
/// files (resource, API and include pages); a seventh piece, when present, is CSDL XML.
pub fn pipeline(data: &[u8]) {
    let mut tree = DocTree::default();
    let mut csdl_xml = None;
    for (i, piece) in data.split(|b| *b == 0).enumerate() {
        match PIPELINE_PATHS.get(i) {
            Some(p) => {
                tree.files.insert(p.to_string(), text(piece));
            }
            None => {
                csdl_xml = Some(("fuzz.csdl.xml".to_string(), text(piece)));
                break;
            }
        }
    }
    let input = Input { docs: tree, docs_label: "docs/".into(), csdl_xml, ..Default::default() };
    let _ = pipeline::run(&input);
}
