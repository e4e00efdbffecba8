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

/// The manifests of a generated output (`files`, path → text), read once for
/// [`Manifests::resolve`].
pub struct Manifests {
    /// Package name → its path dependencies (name, optional) and features.
    by_name: std::collections::BTreeMap<String, Manifest>,
    /// Manifest path → package name.
    by_path: std::collections::BTreeMap<String, String>,
}

struct Manifest {
    deps: Vec<(String, bool)>,
    features: std::collections::BTreeMap<String, Vec<String>>,
}

impl Manifests {
    pub fn parse(files: &std::collections::BTreeMap<String, String>) -> Self {
        let mut out = Manifests { by_name: Default::default(), by_path: Default::default() };
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with("Cargo.toml")) {
            let name = text.lines().find_map(|l| l.strip_prefix("name = \"")).unwrap().trim_end_matches('"').to_string();
            let mut m = Manifest { deps: Vec::new(), features: Default::default() };
            let mut section = "";
            for line in text.lines() {
                if line.starts_with('[') {
                    section = line;
                } else if let (Some((k, v)), "[dependencies]") = (line.split_once(" = "), section) {
                    if v.contains("path = ") {
                        m.deps.push((k.to_string(), v.contains("optional = true")));
                    }
                } else if let (Some((k, v)), "[features]") = (line.split_once(" = "), section) {
                    let items = v.trim_matches(|c| c == '[' || c == ']');
                    let list = items.split(", ").filter(|s| !s.is_empty()).map(|s| s.trim_matches('"').to_string()).collect();
                    m.features.insert(k.to_string(), list);
                }
            }
            out.by_path.insert(path.clone(), name.clone());
            out.by_name.insert(name, m);
        }
        out
    }

    /// The crates and features `cargo` turns on for `--no-default-features --features
    /// FEATURE` on the crate whose manifest is `start` (the facade: `Cargo.toml`): a small
    /// model of Cargo's feature resolution (`dep:X`, `X/f`, `X?/f`, non-optional
    /// dependencies). Package name → its features that are on.
    pub fn resolve(&self, start: &str, feature: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
        use std::collections::{BTreeMap, BTreeSet};
        let start = self.by_path.get(start).cloned().unwrap_or_default();
        let mut on: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut queue: Vec<(String, Option<String>)> = vec![(start, Some(feature.to_string()))];
        let mut weak: Vec<(String, String)> = Vec::new();
        loop {
            while let Some((pkg, f)) = queue.pop() {
                let Some(m) = self.by_name.get(&pkg) else { continue };
                let new_pkg = !on.contains_key(&pkg);
                let set = on.entry(pkg.clone()).or_default();
                if new_pkg {
                    queue.extend(m.deps.iter().filter(|(_, opt)| !opt).map(|(d, _)| (d.clone(), None)));
                }
                let Some(f) = f else { continue };
                if !set.insert(f.clone()) {
                    continue;
                }
                for e in m.features.get(&f).into_iter().flatten() {
                    if let Some(d) = e.strip_prefix("dep:") {
                        queue.push((d.to_string(), None));
                    } else if let Some((d, g)) = e.split_once("?/") {
                        weak.push((d.to_string(), g.to_string()));
                    } else if let Some((d, g)) = e.split_once('/') {
                        queue.push((d.to_string(), Some(g.to_string())));
                    } else {
                        queue.push((pkg.clone(), Some(e.clone())));
                    }
                }
            }
            let ready: Vec<(String, Option<String>)> =
                weak.iter().filter(|(d, g)| on.get(d).is_some_and(|s| !s.contains(g))).map(|(d, g)| (d.clone(), Some(g.clone()))).collect();
            if ready.is_empty() {
                return on;
            }
            queue.extend(ready);
        }
    }
}

/// What is wrong with the features of a split output: an area that does not turn on, with its
/// feature, a part holding one of its models (or the builders, or the operation data); an area
/// that builds an optional part it does not need; `full` not building every part.
pub fn area_part_errors(ir: &codegen::ir::Ir, files: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let l = &ir.layout;
    let mut errors = Vec::new();
    let manifests = Manifests::parse(files);
    for (area, f) in &ir.features {
        let on = manifests.resolve("Cargo.toml", area);
        let mut need: std::collections::BTreeSet<usize> = f.models.iter().map(|q| l.model_part[q]).collect();
        need.extend([l.requests, l.operations]);
        for (i, p) in l.parts.iter().enumerate() {
            let got = on.get(&p.package);
            if need.contains(&i) && !got.is_some_and(|s| s.contains(area)) {
                errors.push(format!("`{area}` does not turn on `{}` with its feature", p.suffix));
            } else if !need.contains(&i) && p.only_for.is_some() && got.is_some() {
                errors.push(format!("`{area}` builds `{}`, which it does not need", p.suffix));
            }
        }
    }
    // A part checked alone with an area's feature turns on what it names for that area.
    for (area, f) in &ir.features {
        let need: std::collections::BTreeSet<usize> = f.models.iter().map(|q| l.model_part[q]).collect();
        for p in &l.parts {
            let on = manifests.resolve(&format!("parts/{}/Cargo.toml", p.suffix), area);
            for &d in p.deps.iter().filter(|d| need.contains(d)) {
                if !on.get(&l.parts[d].package).is_some_and(|s| s.contains(area)) {
                    errors.push(format!("`{}` alone with `{area}` does not turn on `{}` with it", p.suffix, l.parts[d].suffix));
                }
            }
        }
    }
    let full = manifests.resolve("Cargo.toml", "full");
    for p in &l.parts {
        if !full.get(&p.package).is_some_and(|s| s.contains("full")) {
            errors.push(format!("`full` misses `{}`", p.suffix));
        }
    }
    errors
}

/// Every file below `dir`, as a path relative to it with `/` separators.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    out.sort();
    out
}

/// Removes the directories below `dir` left empty (deepest first).
pub fn remove_empty_dirs(dir: &Path) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_empty_dirs(&p);
            let _ = std::fs::remove_dir(&p);
        }
    }
}

/// Compares `files` (relative path → text) with the golden directory `dir`: a file that
/// differs, or one there that is not generated (a renamed crate, a removed model), fails,
/// naming `accept`, the command that rewrites it (`UPDATE_GOLDENS` set: written and removed).
pub fn check_golden_dir(dir: &Path, files: &std::collections::BTreeMap<String, String>, accept: &str) {
    let update = std::env::var_os("UPDATE_GOLDENS").is_some();
    let mut failures = Vec::new();
    for (rel, want) in files {
        let p = dir.join(rel);
        let have = std::fs::read_to_string(&p).unwrap_or_default();
        if have != *want {
            if update {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, want).unwrap();
            } else {
                let diff = similar::TextDiff::from_lines(&have, want).unified_diff().context_radius(2).to_string();
                failures.push(format!("{rel}:\n{}", diff.lines().take(40).collect::<Vec<_>>().join("\n")));
            }
        }
    }
    for rel in files_under(dir) {
        if !files.contains_key(&rel) {
            if update {
                std::fs::remove_file(dir.join(&rel)).unwrap();
            } else {
                failures.push(format!("{rel}: in the golden directory, not generated"));
            }
        }
    }
    if update {
        remove_empty_dirs(dir);
    }
    assert!(
        failures.is_empty(),
        "{} differs (`{accept}` accepts):\n{}",
        dir.display(),
        failures.join("\n")
    );
}
