//! Doc page readers: golden tests on tiny fixtures, checks over the real Graph pages and the
//! seed pages, and a no-panic sweep over truncated and random inputs.
//!
//! Goldens: `tests/fixtures/reader/<name>.{md,txt}` -> `<name>.golden`. Regenerate with
//! `UPDATE_GOLDENS=1 cargo test -p codegen --test reader`.

use codegen::diag::Diagnostic;
use codegen::docs::{read_page, tolerant, Block, DocTree, Page, PageKind, TableKind};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reader");

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

fn load_tree(root: &Path) -> DocTree {
    fn walk(root: &Path, dir: &Path, tree: &mut DocTree) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, tree);
            } else if let Ok(text) = fs::read_to_string(&p) {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                tree.files.insert(rel, text);
            }
        }
    }
    let mut tree = DocTree::default();
    walk(root, root, &mut tree);
    tree
}

fn docs_tree() -> DocTree {
    load_tree(&Path::new(SHARED).join("graph-docs/beta"))
}

fn seed(name: &str) -> String {
    fs::read_to_string(Path::new(SHARED).join("seeds").join(name)).unwrap()
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

fn ann(a: &Option<codegen::docs::Annotation>) -> String {
    match a {
        Some(a) => format!(" ann@{}={}", a.line, a.value),
        None => String::new(),
    }
}

fn links(l: &[String]) -> String {
    if l.is_empty() {
        String::new()
    } else {
        format!(" links=[{}]", l.join(", "))
    }
}

/// A stable textual dump of a page and its diagnostics, one line per block (plus rows / code).
fn dump(page: &Page, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "page file={} title={} namespace={} kind={} tolerant={}\n",
        page.file,
        opt(&page.title),
        opt(&page.namespace),
        page.kind.as_str(),
        page.tolerant
    ));
    for (k, v) in &page.front_matter {
        out.push_str(&format!("fm {k} = {v}\n"));
    }
    for b in &page.blocks {
        match b {
            Block::Heading(h) => out.push_str(&format!("H{} L{} {}\n", h.level, h.line, h.text)),
            Block::Paragraph(p) => {
                out.push_str(&format!("P L{} §{} | {}{}\n", p.line, p.section, p.text, links(&p.links)))
            }
            Block::Table(t) => {
                out.push_str(&format!(
                    "T {:?} L{} §{} [{}]{}{}\n",
                    t.kind,
                    t.line,
                    t.section,
                    t.header.join(" | "),
                    t.include.as_ref().map(|i| format!(" include={i}")).unwrap_or_default(),
                    ann(&t.annotation)
                ));
                for r in &t.rows {
                    let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
                    let l: Vec<String> = r.cells.iter().flat_map(|c| c.links.clone()).collect();
                    out.push_str(&format!("  R L{} [{}]{}\n", r.line, cells.join(" | "), links(&l)));
                }
            }
            Block::Code(c) => {
                out.push_str(&format!(
                    "C {} L{} §{}{}{}\n",
                    if c.lang.is_empty() { "-" } else { &c.lang },
                    c.line,
                    c.section,
                    ann(&c.annotation),
                    c.lead.as_ref().map(|l| format!(" lead={l}")).unwrap_or_default()
                ));
                for l in c.text.lines() {
                    out.push_str(&format!("  > {l}\n"));
                }
            }
            Block::Include(i) => out.push_str(&format!(
                "I L{} {} -> {}{}\n",
                i.line,
                i.target,
                opt(&i.resolved),
                ann(&i.annotation)
            )),
        }
    }
    for d in diags {
        out.push_str(&format!("D {}[{}] {} {}\n", d.severity.as_str(), d.code, d.origin, d.message));
    }
    out
}

fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("{:>4} - {x}\n", i + 1));
                }
                if let Some(y) = y {
                    out.push_str(&format!("{:>4} + {y}\n", i + 1));
                }
            }
        }
    }
    out
}

fn code_blocks_of<'p>(page: &'p Page, block_type: &str) -> Vec<&'p codegen::docs::CodeBlock> {
    page.code_blocks()
        .filter(|c| c.annotation.as_ref().and_then(|a| a.block_type()) == Some(block_type))
        .collect()
}

fn json_body(http: &str) -> serde_json::Value {
    let start = http.find('{').expect("message has a JSON body");
    serde_json::from_str(&http[start..]).unwrap_or_else(|e| panic!("JSON body does not parse: {e}\n{http}"))
}

// ---------------------------------------------------------------------------------------------
// goldens
// ---------------------------------------------------------------------------------------------

#[test]
fn goldens() {
    let root = Path::new(FIXTURES);
    let tree = load_tree(root);
    let update = std::env::var_os("UPDATE_GOLDENS").is_some_and(|v| v == "1");
    let mut names: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "fixtures missing");
    let mut failures = Vec::new();
    for p in names {
        let file = p.file_name().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(&p).unwrap();
        let (page, diags) = read_page(&tree, &file, &text);
        let actual = dump(&page, &diags);
        let golden = p.with_extension("golden");
        if update {
            fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{}:\n{}", golden.display(), diff(&expected, &actual)));
        }
    }
    assert!(failures.is_empty(), "golden mismatch (UPDATE_GOLDENS=1 to regenerate):\n{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// real pages
// ---------------------------------------------------------------------------------------------

#[test]
fn real_pages_read_cleanly() {
    let tree = docs_tree();
    let mut n = 0;
    let mut broken = Vec::new();
    for (path, text) in &tree.files {
        if !(path.starts_with("api/") || path.starts_with("resources/")) {
            continue;
        }
        n += 1;
        assert!(!tolerant::needs_tolerant(text), "{path} must take the markdown path");
        let (page, diags) = read_page(&tree, path, text);
        assert!(!page.tolerant);
        assert!(!page.blocks.is_empty(), "{path}: no blocks");
        assert!(page.title.is_some(), "{path}: no title");
        for d in &diags {
            assert!(
                !matches!(d.code, "doc-unclosed-fence" | "doc-table-cells" | "doc-empty"),
                "{path}: unexpected {d}"
            );
            if d.code == "doc-annotation-json" {
                broken.push((path.clone(), d.origin.line, d.origin.col));
            }
        }
    }
    assert!(n >= 40, "only {n} pages");
    // The diagnostic points at the JSON error itself: the `]` that closes `requestUrls` early.
    assert_eq!(broken, vec![("api/cloudlicensing-assignment-get.md".to_string(), 44, 192)]);

    // The broken one is repaired: both request URLs kept, bound to the include and its table.
    let path = "api/cloudlicensing-assignment-get.md";
    let (page, _) = read_page(&tree, path, &tree.files[path]);
    let inc = page
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Include(i) if i.annotation.as_ref().and_then(|a| a.str_field("name")) == Some("cloudlicensing_assignment_get_user") => Some(i),
            _ => None,
        })
        .expect("include with the repaired annotation");
    let urls = inc.annotation.as_ref().unwrap().value["requestUrls"].as_array().unwrap();
    assert_eq!(urls.len(), 2);
    assert_eq!(inc.target, "../includes/permissions/cloudlicensing-assignment-get-2-permissions.md");
}

#[test]
fn include_tables_carry_the_page_annotation() {
    let tree = docs_tree();
    let path = "api/cloudlicensing-allotment-get.md";
    let (page, diags) = read_page(&tree, path, &tree.files[path]);
    assert!(diags.is_empty(), "{diags:?}");
    let includes: Vec<_> = page
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Include(i) if i.resolved.is_some() => Some(i),
            _ => None,
        })
        .collect();
    assert!(!includes.is_empty());
    for inc in includes {
        let resolved = inc.resolved.as_deref().unwrap();
        let t = page.tables().find(|t| t.include.as_deref() == Some(resolved)).expect("table from include");
        assert_eq!(t.kind, TableKind::Permissions);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.section, "Permissions");
        assert_eq!(t.annotation, inc.annotation, "page annotation on the include's table");
        // Lines are lines of the include file.
        let inc_text = &tree.files[resolved];
        let header_line = inc_text.lines().position(|l| l.starts_with("|Permission type")).unwrap() as u32 + 1;
        assert_eq!(t.line, header_line);
    }
}

#[test]
fn allotment_resource_page() {
    let tree = docs_tree();
    let path = "resources/cloudlicensing-allotment.md";
    let (page, diags) = read_page(&tree, path, &tree.files[path]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(page.kind, PageKind::Resource);
    assert_eq!(page.title.as_deref(), Some("allotment resource type"));
    assert_eq!(page.namespace.as_deref(), Some("microsoft.graph.cloudLicensing"));
    let props = page.tables().find(|t| t.kind == TableKind::Properties).unwrap();
    assert_eq!(props.rows.len(), 8);
    assert_eq!(props.section, "Properties");
    let services = &props.rows[4];
    assert_eq!(services.cells[1].text, "microsoft.graph.cloudLicensing.service collection");
    assert_eq!(services.cells[1].links, vec!["../resources/cloudlicensing-service.md"]);
    assert_eq!(page.tables().find(|t| t.kind == TableKind::Relationships).unwrap().rows.len(), 2);
    assert_eq!(page.tables().find(|t| t.kind == TableKind::Methods).unwrap().rows.len(), 5);
    let json = page.code_blocks().find(|c| c.lang == "json").unwrap();
    let a = json.annotation.as_ref().unwrap();
    assert_eq!(a.block_type(), Some("resource"));
    assert_eq!(a.str_field("keyProperty"), Some("id"));
    assert_eq!(json.lead.as_deref(), Some("The following JSON representation shows the resource type."));
    // Lines are lines of the original file (front matter counted).
    let text = &tree.files[path];
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1;
    assert_eq!(props.line, line_of("|Property|Type|Description|"));
    assert_eq!(props.rows[0].line, line_of("|allottedUnits|"));
    assert_eq!(json.line, line_of("``` json") + 1);
}

// ---------------------------------------------------------------------------------------------
// seeds
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_000_annotated_page() {
    let tree = docs_tree();
    let text = seed("000_172225bedc71b50b.txt");
    assert!(!tolerant::needs_tolerant(&text));
    let (page, diags) = read_page(&tree, "api/cloudlicensing-assignment-get-allotment.md", &text);
    assert!(!page.tolerant);
    assert_eq!(page.kind, PageKind::Api);
    assert_eq!(page.title.as_deref(), Some("Get allotment"));
    assert_eq!(code_blocks_of(&page, "request").len(), 5);
    let responses = code_blocks_of(&page, "response");
    assert_eq!(responses.len(), 5);
    for r in &responses {
        json_body(&r.text);
    }
    let perms: Vec<_> = page
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Include(i) if i.annotation.as_ref().and_then(|a| a.block_type()) == Some("permissions") => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(perms.len(), 3);
    // Those includes are not in the tree: reported, the beta disclaimer is not.
    let missing: Vec<_> = diags.iter().filter(|d| d.code == "doc-include-missing").collect();
    assert_eq!(missing.len(), 3);
    assert!(missing.iter().all(|d| d.message.contains("permissions")));
    let ignored = code_blocks_of(&page, "ignored");
    assert_eq!(ignored.len(), 4);
    assert_eq!(ignored[0].lead.as_deref(), Some("Permissions to get an allotment for an admin:"));
    assert_eq!(ignored[3].section, "HTTP request");
    assert_eq!(ignored[3].text.lines().count(), 3);
}

#[test]
fn seed_001_table_front_matter() {
    let tree = docs_tree();
    let text = seed("001_b9028c474d210027.txt");
    assert!(tolerant::needs_tolerant(&text));
    let (page, diags) = read_page(&tree, "resources/cloudlicensing-allotment.md", &text);
    assert!(page.tolerant);
    assert!(diags.iter().any(|d| d.code == "doc-tolerant-read" && d.origin.line == 1));
    assert_eq!(page.kind, PageKind::Resource);
    assert_eq!(page.front_matter.get("doc_type").map(String::as_str), Some("resourcePageType"));
    assert_eq!(page.front_matter.get("ms.date").map(String::as_str), Some("07/18/2025"));
    assert_eq!(page.title.as_deref(), Some("allotment resource type"));
    assert_eq!(page.namespace.as_deref(), Some("microsoft.graph.cloudLicensing"));
    let count = |k: TableKind| page.tables().find(|t| t.kind == k).map(|t| t.rows.len());
    assert_eq!(count(TableKind::Properties), Some(8));
    assert_eq!(count(TableKind::Relationships), Some(2));
    assert_eq!(count(TableKind::Methods), Some(5));
    let json = page.code_blocks().find(|c| c.lang == "json").expect("json block");
    let a = json.annotation.as_ref().unwrap();
    assert_eq!(a.block_type(), Some("resource"));
    assert_eq!(a.str_field("@odata.type"), Some("microsoft.graph.cloudLicensing.allotment"));
    let v: serde_json::Value = serde_json::from_str(&json.text).unwrap();
    assert_eq!(v["skuId"], "Guid");
    assert!(page.blocks.iter().any(|b| matches!(b, Block::Paragraph(p) if p.text == "Inherits from entity.")));
    assert!(diags.iter().all(|d| d.code == "doc-tolerant-read"), "{diags:?}");
}

#[test]
fn seed_002_rendered_web_page() {
    let tree = docs_tree();
    let text = seed("002_120b01e419d9b9c5.txt");
    assert!(tolerant::needs_tolerant(&text));
    let (page, diags) = read_page(&tree, "api/cloudlicensing-admincloudlicensing-list-assignments.md", &text);
    assert!(page.tolerant);
    assert!(diags.iter().any(|d| d.code == "doc-tolerant-read" && d.origin.line == 1));
    assert_eq!(page.title.as_deref(), Some("List assignments"));
    assert_eq!(page.namespace.as_deref(), Some("microsoft.graph.cloudLicensing"));
    assert_eq!(page.kind, PageKind::Api);
    // Same kind inferred whatever the file is called.
    assert_eq!(read_page(&tree, "x/seed.txt", &text).0.kind, PageKind::Api);

    let ignored = code_blocks_of(&page, "ignored");
    let in_perms: Vec<_> = ignored.iter().filter(|c| c.section == "Permissions").collect();
    assert_eq!(in_perms.len(), 3);
    for c in &in_perms {
        assert_eq!(c.lang, "http");
        assert_eq!(c.text.lines().count(), 1);
        assert!(c.text.starts_with("GET /"));
        assert!(c.lead.as_deref().unwrap().starts_with("Permissions to get a list of assignments for"));
    }
    assert_eq!(in_perms[1].lead.as_deref(), Some("Permissions to get a list of assignments for a user:"));
    let http_request: Vec<_> = ignored.iter().filter(|c| c.section == "HTTP request").collect();
    assert_eq!(http_request.len(), 1);
    assert_eq!(http_request[0].text.lines().count(), 3);

    let perms: Vec<_> = page.tables().filter(|t| t.kind == TableKind::Permissions).collect();
    assert_eq!(perms.len(), 3);
    for t in &perms {
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows.iter().all(|r| r.cells.len() == 3));
        assert_eq!(t.rows[1].cells[1].text, "Not supported.");
        assert_eq!(t.rows[1].cells[2].text, "Not supported.");
    }
    let user = perms[1];
    assert_eq!(user.rows[2].cells[0].text, "Application");
    assert_eq!(user.rows[2].cells[1].text, "CloudLicensing.Read.All");
    assert!(user.rows[2].cells[2].text.starts_with("User-CloudLicensing.Read.All, User.Read.All"));
    assert_eq!(user.rows[0].cells[1].text, "CloudLicensing.Read");

    let headers = page.tables().find(|t| t.kind == TableKind::Headers).unwrap();
    assert_eq!(headers.rows.len(), 1);
    assert_eq!(headers.rows[0].cells[0].text, "Authorization");
    assert!(headers.rows[0].cells[1].text.starts_with("Bearer {token}. Required."));

    let requests = code_blocks_of(&page, "request");
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|c| c.text.starts_with("GET https://graph.microsoft.com/beta/admin/")));
    let names: std::collections::BTreeSet<_> =
        requests.iter().map(|c| c.annotation.as_ref().unwrap().str_field("name").unwrap().to_string()).collect();
    assert_eq!(names.len(), 3, "synthetic request names are distinct");
    let responses = code_blocks_of(&page, "response");
    assert_eq!(responses.len(), 3);
    for r in &responses {
        assert!(r.text.starts_with("HTTP/1.1 200 OK\nContent-Type: application/json\n"));
        let v = json_body(&r.text);
        assert!(v["value"].is_array());
        let a = r.annotation.as_ref().unwrap();
        assert_eq!(a.str_field("@odata.type"), Some("microsoft.graph.cloudLicensing.assignment"));
    }
    let headings: Vec<_> = page
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(&headings[..7], &["List assignments", "Permissions", "HTTP request", "Optional query parameters", "Request headers", "Request body", "Response"]);
    assert!(headings.contains(&"Example 3: Get assignments filtered by skuId"));
}

// ---------------------------------------------------------------------------------------------
// robustness
// ---------------------------------------------------------------------------------------------

fn all_real_texts() -> Vec<(String, String)> {
    let tree = docs_tree();
    let mut v: Vec<(String, String)> = tree
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("api/") || p.starts_with("resources/"))
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    for s in ["000_172225bedc71b50b.txt", "001_b9028c474d210027.txt", "002_120b01e419d9b9c5.txt"] {
        v.push((format!("api/{s}"), seed(s)));
    }
    v
}

#[test]
fn truncations_never_panic() {
    let tree = docs_tree();
    for (path, text) in all_real_texts() {
        for k in 0..50 {
            let mut cut = text.len() * k / 50;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = read_page(&tree, &path, &text[..cut]);
            let _ = read_page(&tree, &path, &text[cut..]);
        }
    }
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[test]
fn random_inputs_never_panic() {
    let tree = docs_tree();
    let pieces: &[&str] = &[
        "\n", "\n\n", " ", "|", "| a | b |\n", "|---|---|\n", "#", "## ", "```", "``` http\n", "~~~", "<!--", "-->",
        "<!-- { \"blockType\": \"request\" } -->\n", "{", "}", "[", "]", "\"", ",", ":", "---\n", "[!INCLUDE [x](../includes/permissions/a.md)]\n",
        "GET /x\n", "HTTP/1.1 200 OK\n", "Permission type Least privileged permissions Higher privileged permissions\n",
        "Application A B, C\n", "Name Description\n", "Response\n", "Examples\n", "<br/>", "**", "`", "\\", "é", "\u{feff}",
        "> ", "- ", "1. ", "    ", "\t", "\r\n",
    ];
    let mut rng = Lcg(0x5eed);
    for round in 0..400 {
        let mut s = String::new();
        let len = rng.below(300);
        if round % 2 == 0 {
            for _ in 0..len {
                s.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
            }
        } else {
            let bytes: Vec<u8> = (0..len * 4).map(|_| rng.below(256) as u8).collect();
            s = String::from_utf8_lossy(&bytes).into_owned();
        }
        let _ = read_page(&tree, "api/random.md", &s);
        let _ = codegen::docs::markdown::read(&tree, "api/random.md", &s);
        let _ = tolerant::read(&tree, "api/random.md", &s);
    }
}

#[test]
fn huge_inputs_stay_linear() {
    let tree = DocTree::default();
    let inputs: Vec<String> = vec![
        "{\n".repeat(100_000),
        "{\n\n".repeat(60_000),
        "| a | b |\n".repeat(50_000),
        "<!-- { \"a\": [\"x\"], \"y\" }\n".repeat(20_000),
        format!("<!-- {{ {} -->\n```\n", "\"a\": [\"x\"], \"y\", ".repeat(5_000)),
        "GET /a\nHTTP/1.1 200 OK\n{\n".repeat(30_000),
        "Permission type Least privileged Higher privileged\nApplication A B\n".repeat(30_000),
        "[!INCLUDE [p](permissions.md)]\n".repeat(30_000),
        "HTTP/1.1 200 OK\nNote: shortened\n".repeat(30_000),
        "[".repeat(200_000),
        "> ".repeat(50_000),
        "- ".repeat(50_000),
        "*a_".repeat(100_000),
        "|".repeat(200_000),
        "<!--".repeat(50_000),
        "`".repeat(100_000),
        "Name Description\n".repeat(50_000),
    ];
    for s in inputs {
        let t = Instant::now();
        let _ = tolerant::read(&tree, "api/huge.md", &s);
        let _ = codegen::docs::markdown::read(&tree, "api/huge.md", &s);
        assert!(t.elapsed() < Duration::from_secs(20), "took {:?} on {:?}…", t.elapsed(), &s[..40]);
    }
}

/// `READER_DUMP=path/to/page.md cargo test -p codegen --test reader dump_page -- --ignored --nocapture`
/// prints the dump of any page (read with the shared beta docs as the tree).
#[test]
#[ignore]
fn dump_page() {
    let path = std::env::var("READER_DUMP").expect("set READER_DUMP");
    let text = fs::read_to_string(&path).unwrap();
    let name = std::env::var("READER_AS").unwrap_or_else(|_| path.rsplit('/').next().unwrap().to_string());
    let (page, diags) = read_page(&docs_tree(), &name, &text);
    println!("{}", dump(&page, &diags));
}
