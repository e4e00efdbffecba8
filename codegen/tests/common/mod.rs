//! Helpers shared by integration tests: the workspace root and loading a docs tree the way
//! xtask does (every file, `/`-separated relative paths), and what the robustness tests share.
#![allow(dead_code)]

use codegen::docs::DocTree;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is in the workspace").to_path_buf()
}

pub fn load(dir: &Path) -> DocTree {
    let mut tree = DocTree::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                tree.files.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    tree
}

/// Every `.md` / `.txt` file under `dir` (read lossily), as the robustness tests load pages:
/// a fixture's other files (its `csdl.xml`) are not pages.
pub fn load_pages(dir: &Path) -> DocTree {
    let mut tree = DocTree::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")) {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                tree.files.insert(rel, String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned());
            }
        }
    }
    tree
}

pub fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Proptest settings with `cases` cases; `ROBUSTNESS_SCALE=N` multiplies every case count
/// (long local runs; CI uses 1).
pub fn cfg(cases: u32) -> proptest::test_runner::Config {
    let scale: u32 = std::env::var("ROBUSTNESS_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    proptest::test_runner::Config { cases: cases.saturating_mul(scale), failure_persistence: None, max_shrink_iters: 2000, ..Default::default() }
}

/// A small, complete tree: a few resource pages, the API pages over them, their includes.
pub fn small_tree() -> &'static DocTree {
    static T: std::sync::OnceLock<DocTree> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let full = load_pages(&root().join("schema/docs"));
        let keep = |p: &str| {
            p.starts_with("includes/")
                || p.starts_with("resources/")
                || [
                    "api/cloudlicensing-allotment-get.md",
                    "api/cloudlicensing-assignment-get.md",
                    "api/cloudlicensing-allotment-list-assignments.md",
                    "api/cloudlicensing-admincloudlicensing-list-allotments.md",
                ]
                .contains(&p)
        };
        let files: std::collections::BTreeMap<_, _> = full.files.into_iter().filter(|(k, _)| keep(k)).collect();
        assert!(files.len() > 8, "small tree: {:?}", files.keys().collect::<Vec<_>>());
        DocTree { files, ..Default::default() }
    })
}

/// The whole pipeline over `tree` (labelled `docs/`) and, when given, a CSDL document.
pub fn run_pipeline(tree: DocTree, csdl_xml: Option<(String, String)>) -> codegen::pipeline::Output {
    let input = codegen::pipeline::Input { docs: tree, docs_label: "docs/".into(), csdl_xml, ..Default::default() };
    codegen::pipeline::run(&input)
}

/// The cloudLicensing schema of the real beta (usnat) metadata, in its own document.
pub fn usnat_cloud_licensing() -> (String, String) {
    let usnat = std::fs::read_to_string(root().join("../shared/csdl/graph-beta-usnat.csdl.xml")).unwrap();
    let lines: Vec<&str> = usnat.lines().collect();
    let start = lines.iter().position(|l| l.contains("<Schema Namespace=\"microsoft.graph.cloudLicensing\"")).unwrap();
    let end = start + lines[start..].iter().position(|l| l.trim() == "</Schema>").unwrap();
    let mut doc = lines[..3].join("\n");
    doc.push('\n');
    doc.push_str(&lines[start..=end].join("\n"));
    doc.push_str("\n  </edmx:DataServices>\n</edmx:Edmx>\n");
    ("usnat-cloudLicensing.csdl.xml".to_string(), doc)
}
