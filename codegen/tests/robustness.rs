//! Robustness: no reader panics, whatever the input, and every broken input is reported
//! with a stable code and a place.
//!
//! * Property tests (proptest) over mutated real pages (our own `schema/docs` and the real
//!   Graph beta pages in `../shared/graph-docs/beta`): byte flips, line deletions and
//!   duplications, truncations, splices between pages and insertions of markup fragments;
//!   and over arbitrary bytes. Targets: `docs::read_page` (and both of its paths directly),
//!   `extract::{resource, api}`, `csdl::yaml::read`, `csdl::xml::read` and the whole
//!   `pipeline::run` on a small tree. Case counts are set per test (a few thousand in all),
//!   sized to keep this file well under a minute in a debug build on two cores.
//! * Specific inputs, each asserting the diagnostic code and its line.
//! * Large inputs: a 20 MB page here; the 200 MB page is `#[ignore]`d (see docs/robustness.md).
//!
//! Failures are not persisted (no `proptest-regressions` files); a failing case is printed
//! shrunk, and is turned into a specific test below.

use codegen::csdl::{self, Schema};
use codegen::diag::Diagnostic;
use codegen::docs::{markdown, read_page, tolerant, DocTree};
use codegen::extract;
use codegen::pipeline;
use proptest::prelude::*;
use std::fs;
use std::sync::OnceLock;

mod common;
use common::*;

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------



/// One docs tree holding our pages (`own/…`), the real beta pages (`beta/…`) and the seeds
/// (`seeds/…`), so includes still resolve relative to each page.
fn corpus_tree() -> &'static DocTree {
    static T: OnceLock<DocTree> = OnceLock::new();
    T.get_or_init(|| {
        let mut tree = DocTree::default();
        let shared = root().join("../shared");
        for (prefix, dir) in [
            ("own", root().join("schema/docs")),
            ("beta", shared.join("graph-docs/beta")),
            ("seeds", shared.join("seeds")),
        ] {
            for (k, v) in load_pages(&dir).files {
                tree.files.insert(format!("{prefix}/{k}"), v);
            }
        }
        tree
    })
}

/// Every file of the corpus (pages and includes): (path, text).
fn corpus() -> &'static [(String, String)] {
    static C: OnceLock<Vec<(String, String)>> = OnceLock::new();
    C.get_or_init(|| {
        let v: Vec<(String, String)> = corpus_tree().files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert!(v.len() > 40, "corpus not found: {} files", v.len());
        v
    })
}

/// Markup fragments that mutations insert: the tokens the readers key on.
const FRAGMENTS: &[&str] = &[
    "<!-- {",
    "<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.x.y\"",
    "-->",
    "}",
    "```",
    "```http\n",
    "~~~",
    "\n---\n",
    "---\n",
    "| a | b |\n|---|---|\n",
    "|",
    "||||",
    "[!INCLUDE [x](../includes/",
    "[!INCLUDE [p](../../../../includes/permissions/x.md)]\n",
    "Inherits from ",
    "Namespace: microsoft.graph.",
    "# ",
    "## Properties\n",
    "## Examples\n",
    "GET /admin/",
    "POST https://graph.microsoft.com/beta/",
    "HTTP/1.1 200 OK\n",
    "{\"@odata.type\": \"#microsoft.graph.",
    "\u{feff}",
    "\u{0}",
    "\r",
    "\u{1F600}é",
    "<br/>",
    "`",
    "\\",
    " collection",
    "Collection(",
    "Permission type | Least privileged permissions | Higher privileged permissions\n",
    "Delegated (work or school account) ",
    "Property Type Description\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte with a mask.
    Flip(usize, u8),
    DeleteLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
    /// Replace everything from a point with the tail of another corpus file.
    Splice(usize, usize, usize),
    /// Insert a markup fragment.
    Insert(usize, usize),
    /// Delete a byte range.
    Cut(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 1u8..=255).prop_map(|(p, m)| Mutation::Flip(p, m)),
        3 => any::<usize>().prop_map(Mutation::DeleteLine),
        2 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(a, b, c)| Mutation::Splice(a, b, c)),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        1 => (any::<usize>(), 0usize..200).prop_map(|(a, b)| Mutation::Cut(a, b)),
    ]
}

fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(b.iter().enumerate().filter(|(_, c)| **c == b'\n').map(|(i, _)| i + 1));
    v
}

fn line_range(b: &[u8], k: usize) -> (usize, usize) {
    let starts = line_starts(b);
    let i = k % starts.len();
    let end = starts.get(i + 1).copied().unwrap_or(b.len());
    (starts[i], end)
}

/// Applies mutations to bytes (positions taken modulo the current length).
fn mutate(base: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let files = corpus();
    let mut b = base.to_vec();
    for m in muts {
        let len = b.len();
        match *m {
            Mutation::Flip(p, mask) => {
                if len > 0 {
                    b[p % len] ^= mask;
                }
            }
            Mutation::DeleteLine(k) => {
                let (s, e) = line_range(&b, k);
                b.drain(s..e);
            }
            Mutation::DuplicateLine(k) => {
                let (s, e) = line_range(&b, k);
                let line = b[s..e].to_vec();
                b.splice(s..s, line);
            }
            Mutation::Truncate(p) => b.truncate(p % (len + 1)),
            Mutation::Splice(p, f, q) => {
                let other = files[f % files.len()].1.as_bytes();
                b.truncate(p % (len + 1));
                b.extend_from_slice(&other[q % (other.len() + 1)..]);
            }
            Mutation::Insert(p, f) => {
                let at = p % (len + 1);
                let frag = FRAGMENTS[f % FRAGMENTS.len()].as_bytes();
                b.splice(at..at, frag.iter().copied());
            }
            Mutation::Cut(p, n) => {
                let s = p % (len + 1);
                let e = (s + n).min(len);
                b.drain(s..e);
            }
        }
    }
    b
}



/// Every diagnostic is well formed: a stable code (`lowercase-words`), a file, and a line
/// within the file it names (when that file is known).
fn check_diags(diags: &[Diagnostic], texts: &dyn Fn(&str) -> Option<usize>) {
    for d in diags {
        assert!(
            !d.code.is_empty()
                && d.code.split('-').count() >= 2
                && d.code.split('-').all(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "bad code: {d}"
        );
        assert!(!d.origin.file.is_empty(), "no file: {d}");
        if let Some(lines) = texts(&d.origin.file) {
            assert!(d.origin.line as usize <= lines + 1, "line {} past the end ({lines} lines): {d}", d.origin.line);
        }
    }
}

fn count_lines(s: &str) -> usize {
    s.lines().count().max(1)
}

/// Reads one page every way the pipeline can, and extracts its facts.
fn read_all_ways(tree: &DocTree, file: &str, text: &str) {
    let known = |f: &str| -> Option<usize> {
        if f == file {
            Some(count_lines(text))
        } else {
            tree.files.get(f).map(|t| count_lines(t))
        }
    };
    let (page, diags) = read_page(tree, file, text);
    check_diags(&diags, &known);
    let _ = extract::resource(&page);
    let (_, diags) = extract::api(&page);
    check_diags(&diags, &known);
    let (page, diags) = markdown::read(tree, file, text);
    check_diags(&diags, &known);
    let _ = extract::resource(&page);
    let _ = extract::api(&page);
    let (page, diags) = tolerant::read(tree, file, text);
    check_diags(&diags, &known);
    let _ = extract::resource(&page);
    let _ = extract::api(&page);
}

// ---------------------------------------------------------------------------------------------
// Property tests: doc pages
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cfg(700))]
    #[test]
    fn mutated_pages_never_panic(idx in any::<usize>(), muts in prop::collection::vec(mutation(), 1..8)) {
        let files = corpus();
        let (path, text) = &files[idx % files.len()];
        let text = lossy(&mutate(text.as_bytes(), &muts));
        read_all_ways(corpus_tree(), path, &text);
    }
}

proptest! {
    #![proptest_config(cfg(500))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_all_ways(corpus_tree(), "own/api/x.md", &lossy(&bytes));
    }

    #[test]
    fn arbitrary_markup_soup_never_panics(parts in prop::collection::vec((0..FRAGMENTS.len(), "[a-z |{}\"\n:.-]{0,12}"), 0..40)) {
        let mut text = String::new();
        for (f, filler) in parts {
            text.push_str(FRAGMENTS[f]);
            text.push_str(&filler);
        }
        read_all_ways(corpus_tree(), "own/resources/x.md", &text);
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: CSDL YAML and XML
// ---------------------------------------------------------------------------------------------

fn yaml_corpus() -> &'static [(String, String)] {
    static C: OnceLock<Vec<(String, String)>> = OnceLock::new();
    C.get_or_init(|| {
        let mut v = vec![(pipeline::BUILTIN_GRAPH_FILE.to_string(), pipeline::BUILTIN_GRAPH_YAML.to_string())];
        for e in fs::read_dir(root().join("schema")).unwrap() {
            let p = e.unwrap().path();
            if p.to_string_lossy().ends_with(".csdl.yaml") {
                v.push((p.display().to_string(), fs::read_to_string(&p).unwrap()));
            }
        }
        v
    })
}

/// A small but feature-complete CSDL XML document: aliases, every kind of type, inline and
/// out-of-line annotations, operations and a container; plus the real cloudLicensing schema
/// of the beta (usnat) metadata.
const SAMPLE_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color" IsFlags="true">
        <Member Name="none" Value="0" />
        <Member Name="red" Value="1"><Annotation Term="Core.Description" String="Red &amp; hot" /></Member>
        <Member Name="blue" />
      </EnumType>
      <TypeDefinition Name="text" UnderlyingType="Edm.String" />
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="graph.entity" OpenType="true">
        <Property Name="name" Type="Edm.String"><Annotation Term="Core.Computed" Bool="true" /></Property>
        <Property Name="colors" Type="Collection(graph.color)" />
        <Property Name="size" Type="graph.size" />
        <NavigationProperty Name="parts" Type="Collection(graph.part)" ContainsTarget="true" />
        <Annotation Term="Org.OData.Capabilities.V1.FilterRestrictions">
          <Record>
            <PropertyValue Property="Filterable" Bool="true" />
            <PropertyValue Property="NonFilterableProperties"><Collection><PropertyPath>size</PropertyPath></Collection></PropertyValue>
          </Record>
        </Annotation>
      </EntityType>
      <EntityType Name="part" BaseType="graph.entity" />
      <ComplexType Name="size"><Property Name="w" Type="Edm.Int32" Nullable="false" /></ComplexType>
      <Action Name="spin" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.widget" />
        <Parameter Name="speed" Type="Edm.Int32" />
        <ReturnType Type="graph.size" />
      </Action>
      <Function Name="count" IsBound="true" IsComposable="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.widget)" />
        <ReturnType Type="Edm.Int64" Nullable="false" />
      </Function>
      <EntityContainer Name="GraphService">
        <EntitySet Name="widgets" EntityType="graph.widget">
          <NavigationPropertyBinding Path="parts" Target="widgets" />
        </EntitySet>
        <Singleton Name="me" Type="graph.widget" />
        <ActionImport Name="spinAll" Action="graph.spin" />
      </EntityContainer>
      <Annotations Target="graph.widget/name">
        <Annotation Term="Core.Description"><String>The name.</String></Annotation>
      </Annotations>
      <Annotations Target="graph.spin(graph.widget)">
        <Annotation Term="Core.Description" String="Spins." />
      </Annotations>
      <Annotations Target="graph.GraphService/widgets">
        <Annotation Term="Org.OData.Capabilities.V1.CountRestrictions"><Record><PropertyValue Property="Countable" Bool="false" /></Record></Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn xml_corpus() -> &'static [(String, String)] {
    static C: OnceLock<Vec<(String, String)>> = OnceLock::new();
    C.get_or_init(|| {
        let mut v = vec![("sample.csdl.xml".to_string(), SAMPLE_XML.to_string())];
        v.push(usnat_cloud_licensing());
        v
    })
}

const XML_FRAGMENTS: &[&str] = &[
    "<",
    ">",
    "/>",
    "</Schema>",
    "<Schema Namespace=\"a.b\" Alias=\"graph\">",
    "<EntityType Name=\"widget\" BaseType=\"graph.widget\">",
    "<ComplexType Name=\"x\" BaseType=\"graph.y\"/><ComplexType Name=\"y\" BaseType=\"graph.x\"/>",
    "<Property Name=\"\" Type=\"Collection(\"/>",
    "<Annotations Target=\"(\">",
    "<Annotations Target=\"graph.spin(\">",
    "<Annotations Target=\"\">",
    "<Annotation Term=\"Core.Description\">",
    "<Record><PropertyValue Property=\"x\">",
    "<Collection>",
    "&amp;",
    "&#xD800;",
    "&#99999999;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml?>",
    "\"",
    "=",
    "\u{feff}",
    "\u{0}",
    "é",
];

fn mutate_with(base: &[u8], muts: &[(usize, usize, u8, u8)], frags: &[&str]) -> Vec<u8> {
    // (position, fragment, op, mask): op 0 flip, 1 insert fragment, 2 delete line, 3 truncate,
    // 4 duplicate line, 5 cut 1..64 bytes.
    let mut b = base.to_vec();
    for &(p, f, op, mask) in muts {
        let len = b.len();
        match op % 6 {
            0 if len > 0 => b[p % len] ^= mask.max(1),
            1 => {
                let at = p % (len + 1);
                b.splice(at..at, frags[f % frags.len()].bytes());
            }
            2 => {
                let (s, e) = line_range(&b, p);
                b.drain(s..e);
            }
            3 => b.truncate(p % (len + 1)),
            4 => {
                let (s, e) = line_range(&b, p);
                let line = b[s..e].to_vec();
                b.splice(s..s, line);
            }
            5 => {
                let s = p % (len + 1);
                let e = (s + 1 + (mask as usize % 64)).min(len);
                b.drain(s..e);
            }
            _ => {}
        }
    }
    b
}

fn edit() -> impl Strategy<Value = (usize, usize, u8, u8)> {
    (any::<usize>(), any::<usize>(), any::<u8>(), any::<u8>())
}

fn touch_schema(s: &Schema) {
    // Everything that walks the model must terminate on whatever was read.
    for (n, ns) in &s.namespaces {
        for t in ns.types.keys() {
            let q = format!("{n}.{t}");
            // `ancestry` is `lineage` while the names are structured types.
            let by_names: Vec<_> = s.lineage(&q).iter().map_while(|l| s.structured(l)).collect();
            let ancestry = s.ancestry(&q);
            assert!(ancestry.len() == by_names.len() && ancestry.iter().zip(&by_names).all(|(a, b)| std::ptr::eq(*a, *b)), "{q}");
            let _ = s.all_properties(&q);
        }
    }
    let _ = csdl::yaml::write(s, &s.namespaces.keys().map(String::as_str).collect::<Vec<_>>(), &[]);
}

proptest! {
    #![proptest_config(cfg(400))]
    #[test]
    fn mutated_yaml_never_panics(idx in any::<usize>(), muts in prop::collection::vec(edit(), 1..6)) {
        let files = yaml_corpus();
        let (file, text) = &files[idx % files.len()];
        let text = lossy(&mutate_with(text.as_bytes(), &muts, &["$Kind: EntityType", "$BaseType: x", ":", "- ", "{", "[", "'", "\"", "\t", "&a", "*a", "!!binary", "@Core.Description", "$Collection: yes", "99999999999999999999999"]));
        let (schema, diags) = csdl::yaml::read(file, &text);
        check_diags(&diags, &|f| (f == file).then(|| count_lines(&text)));
        touch_schema(&schema);
    }

    #[test]
    fn mutated_xml_never_panics(idx in any::<usize>(), muts in prop::collection::vec(edit(), 1..8)) {
        let files = xml_corpus();
        let (file, text) = &files[idx % files.len()];
        let text = lossy(&mutate_with(text.as_bytes(), &muts, XML_FRAGMENTS));
        let (schema, diags) = csdl::xml::read(file, &text);
        check_diags(&diags, &|f| (f == file).then(|| count_lines(&text)));
        touch_schema(&schema);
    }
}

proptest! {
    #![proptest_config(cfg(300))]
    #[test]
    fn arbitrary_bytes_csdl_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let text = lossy(&bytes);
        let (s, _) = csdl::yaml::read("x.csdl.yaml", &text);
        touch_schema(&s);
        let (s, _) = csdl::xml::read("x.csdl.xml", &text);
        touch_schema(&s);
    }
}

// ---------------------------------------------------------------------------------------------
// Property tests: the whole pipeline on a small tree
// ---------------------------------------------------------------------------------------------



proptest! {
    #![proptest_config(cfg(60))]
    #[test]
    fn pipeline_on_mutated_tree_never_panics(
        edits in prop::collection::vec((any::<usize>(), prop::collection::vec(mutation(), 1..5)), 1..4),
        xml in prop::option::of((any::<usize>(), prop::collection::vec(edit(), 0..4))),
    ) {
        let mut tree = small_tree().clone();
        let keys: Vec<String> = tree.files.keys().cloned().collect();
        for (k, muts) in edits {
            let key = &keys[k % keys.len()];
            let text = lossy(&mutate(tree.files[key].as_bytes(), &muts));
            tree.files.insert(key.clone(), text);
        }
        let csdl = xml.map(|(i, muts)| {
            let (f, t) = &xml_corpus()[i % xml_corpus().len()];
            (f.clone(), lossy(&mutate_with(t.as_bytes(), &muts, XML_FRAGMENTS)))
        });
        let out = run_pipeline(tree, csdl);
        // Generated files, when there are any, are Rust that parses.
        for (path, text) in &out.files {
            if path.ends_with(".rs") {
                prop_assert!(syn::parse_file(text).is_ok(), "{path} does not parse");
            }
        }
    }

    #[test]
    fn pipeline_on_arbitrary_files_never_panics(files in prop::collection::vec(("(api|resources|includes)/[a-z]{1,3}\\.md", prop::collection::vec(any::<u8>(), 0..600)), 0..6)) {
        let mut tree = DocTree::default();
        for (k, v) in files {
            tree.files.insert(k, lossy(&v));
        }
        let _ = run_pipeline(tree, None);
    }
}
