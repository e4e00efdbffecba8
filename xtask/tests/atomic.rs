//! Nothing lost: `regen` either writes everything or leaves every file as it was, and
//! `--out DIR` never writes outside DIR (nor through a symlink out of it), nor deletes a
//! file it did not generate. Failures are injected into a copy of the inputs in a temp dir;
//! the built `xtask` binary runs against it with `--docs` and `--out`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh temp dir (removed on drop).
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "xtask-atomic-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Temp(p)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file (and symlink) under `dir`: relative path → contents (or link target).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                out.insert(format!("{rel} ->"), fs::read_link(&p).unwrap().to_string_lossy().into_owned().into_bytes());
            } else if ft.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &p, out);
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn regen(docs: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("regen")
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("status {:?}\nstdout:\n{}\nstderr:\n{}", o.status, String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A temp workspace: `docs/` (a copy of schema/docs) and `out/` generated from it.
fn setup(name: &str) -> (Temp, PathBuf, PathBuf) {
    let t = Temp::new(name);
    let docs = t.0.join("docs");
    let out = t.0.join("out");
    copy_dir(&root().join("schema/docs"), &docs);
    let o = regen(&docs, &out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.join("Cargo.toml").is_file() && out.join("schema").is_dir(), "{}", text(&o));
    (t, docs, out)
}

/// An edit of the inputs that changes generated files (a model's docs and the schema).
fn change_inputs(docs: &Path) {
    let p = docs.join("resources/cloudlicensing-allotment.md");
    let s = fs::read_to_string(&p).unwrap();
    let s = s.replacen("## Properties", "Changed by the atomic test.\n\n## Properties", 1);
    fs::write(&p, s).unwrap();
}

fn assert_no_temp_files(dir: &Path) {
    let left: Vec<String> = snapshot(dir).into_keys().filter(|k| k.contains(".regen-")).collect();
    assert!(left.is_empty(), "temp files left behind: {left:?}");
}

#[test]
fn an_error_in_any_input_writes_nothing() {
    let (t, docs, out) = setup("input-error");
    change_inputs(&docs);
    // Each kind of input error, one at a time.
    let bad_pages: &[(&str, &str)] = &[
        (
            "resources/broken.md",
            "---\ntitle: \"broken resource type\"\ndoc_type: resourcePageType\n---\n# broken resource type\n\nNamespace: microsoft.graph.cloudLicensing\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|x|microsoft.graph.cloudLicensing.nowhere|Unknown type.|\n\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.cloudLicensing.broken\"} -->\n```json\n{}\n```\n",
        ),
        (
            "resources/cycle.md",
            "---\ntitle: \"cycle resource type\"\ndoc_type: resourcePageType\n---\n# cycle resource type\n\nNamespace: microsoft.graph.cloudLicensing\n\nInherits from [cycle](cycle.md).\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|x|String|X.|\n\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.cloudLicensing.cycle\"} -->\n```json\n{}\n```\n",
        ),
    ];
    let before = snapshot(&t.0.join("out"));
    for (path, page) in bad_pages {
        let p = docs.join(path);
        fs::write(&p, page).unwrap();
        // `--strict`: an external tree otherwise skips the page and goes on (tested below).
        let o = regen(&docs, &out, &["--strict"]);
        assert!(!o.status.success(), "{path}: {}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("nothing was written"), "{}", text(&o));
        assert_eq!(snapshot(&out), before, "{path}: output changed");
        fs::remove_file(&p).unwrap();
    }
    // A CSDL file that cannot be read, and a docs tree that does not exist.
    let o = regen(&docs, &out, &["--csdl", t.0.join("missing.xml").to_str().unwrap()]);
    assert!(!o.status.success(), "{}", text(&o));
    let o = regen(&t.0.join("no-such-docs"), &out, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert_eq!(snapshot(&out), before);
    assert_no_temp_files(&out);
}

#[test]
fn a_file_where_a_directory_must_be_leaves_everything() {
    let (_t, docs, out) = setup("file-for-dir");
    change_inputs(&docs);
    // The deepest directory of the crate becomes a file: staging fails part-way.
    let dir = out.join("src/cloud_licensing/requests");
    assert!(dir.is_dir());
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, "in the way").unwrap();
    let before = snapshot(&out);
    let o = regen(&docs, &out, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("write-failed"), "{}", text(&o));
    assert_eq!(snapshot(&out), before, "output changed after a failed write");
    assert_no_temp_files(&out);
}

#[test]
fn a_directory_where_a_file_must_be_leaves_everything() {
    let (_t, docs, out) = setup("dir-for-file");
    change_inputs(&docs);
    // A generated file that sorts last is now a directory: the commit would fail at the end.
    let last = snapshot(&out).into_keys().rfind(|k| k.ends_with(".rs")).unwrap();
    let p = out.join(&last);
    fs::remove_file(&p).unwrap();
    fs::create_dir_all(p.join("occupied")).unwrap();
    let before = snapshot(&out);
    let o = regen(&docs, &out, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert_eq!(snapshot(&out), before, "output changed after a failed commit");
    assert_no_temp_files(&out);
}

#[test]
fn never_writes_outside_out_nor_through_symlinks() {
    let (t, docs, out) = setup("symlinks");
    change_inputs(&docs);
    let outside = t.0.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("victim.rs"), "precious").unwrap();

    // 1. A directory of the crate is a symlink to a directory outside.
    let src_ns = out.join("src/cloud_licensing");
    let moved = t.0.join("moved");
    fs::rename(&src_ns, &moved).unwrap();
    std::os::unix::fs::symlink(&outside, &src_ns).unwrap();
    let before_out = snapshot(&out);
    let o = regen(&docs, &out, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("symlink"), "{}", text(&o));
    assert_eq!(snapshot(&outside), BTreeMap::from([("victim.rs".to_string(), b"precious".to_vec())]));
    assert_eq!(snapshot(&out), before_out);
    fs::remove_file(&src_ns).unwrap();
    fs::rename(&moved, &src_ns).unwrap();

    // 2. A generated file is a symlink to a file outside.
    let lib = out.join("src/lib.rs");
    fs::remove_file(&lib).unwrap();
    std::os::unix::fs::symlink(outside.join("victim.rs"), &lib).unwrap();
    let before_out = snapshot(&out);
    let o = regen(&docs, &out, &[]);
    assert!(!o.status.success(), "{}", text(&o));
    assert_eq!(fs::read_to_string(outside.join("victim.rs")).unwrap(), "precious");
    assert_eq!(snapshot(&out), before_out);
    assert_no_temp_files(&out);

    // 3. Nothing beside `out/` and `docs/` was touched by any of this.
    let names: Vec<String> = fs::read_dir(&t.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["docs", "out", "outside"]);
}

#[test]
fn a_namespace_cannot_steer_paths() {
    let (t, docs, out) = setup("namespace-path");
    // A namespace written to climb out of the schema directory.
    let page = "---\ntitle: \"evil resource type\"\ndoc_type: resourcePageType\n---\n# evil resource type\n\nNamespace: microsoft.graph.x/../../../escaped\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|id|String|Id.|\n\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.x/../../../escaped.evil\"} -->\n```json\n{}\n```\n";
    fs::write(docs.join("resources/evil.md"), page).unwrap();
    let before = snapshot(&out);
    let o = regen(&docs, &out, &["--strict"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[doc-namespace-invalid]"), "{}", text(&o));
    assert_eq!(snapshot(&out), before);
    let all = snapshot(&t.0);
    let outside: Vec<&String> = all.keys().filter(|k| !k.starts_with("docs") && !k.starts_with("out")).collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
}

#[test]
fn files_it_did_not_generate_are_kept() {
    let (_t, docs, out) = setup("foreign-files");
    fs::write(out.join("NOTES.md"), "mine").unwrap();
    fs::write(out.join("src/handwritten.rs"), "// mine\n").unwrap();
    fs::create_dir_all(out.join(".git")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    // Cargo's lockfile says `@generated` too, but not by regen.
    let lock = "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n";
    fs::write(out.join("Cargo.lock"), lock).unwrap();
    // A stale generated file (it has the header) is removed.
    fs::write(out.join("src/stale.rs"), "// @generated by `cargo xtask regen`: do not edit\n").unwrap();
    let o = regen(&docs, &out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(fs::read_to_string(out.join("NOTES.md")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(out.join("src/handwritten.rs")).unwrap(), "// mine\n");
    assert!(out.join(".git/HEAD").is_file());
    assert_eq!(fs::read_to_string(out.join("Cargo.lock")).unwrap(), lock);
    assert!(!out.join("src/stale.rs").exists());
}

#[test]
fn not_utf8_pages_are_reported_and_regen_goes_on() {
    let (_t, docs, out) = setup("not-utf8");
    let p = docs.join("resources/cloudlicensing-service.md");
    let mut bytes = fs::read(&p).unwrap();
    // Line 4 (`author: …`), column 10: an invalid byte.
    let line_start = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(2).unwrap().0 + 1;
    bytes.insert(line_start + 9, 0xff);
    fs::write(&p, bytes).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["report", "--docs"]).arg(&docs).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
    assert!(stderr.contains("warning[doc-not-utf8]"), "{}", text(&o));
    assert!(stderr.contains("resources/cloudlicensing-service.md:4:10"), "{}", text(&o));
    let o = regen(&docs, &out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("doc-not-utf8"), "{}", text(&o));
}

#[test]
fn an_external_tree_skips_a_broken_page_names_it_and_goes_on() {
    let (_t, docs, out) = setup("skip-page");
    let page = "---\ntitle: \"broken resource type\"\ndoc_type: resourcePageType\n---\n# broken resource type\n\nNamespace: microsoft.graph.cloudLicensing\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n|x|microsoft.graph.cloudLicensing.nowhere|Unknown type.|\n\n<!-- {\"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.cloudLicensing.broken\"} -->\n```json\n{}\n```\n";
    fs::write(docs.join("resources/broken.md"), page).unwrap();
    let o = regen(&docs, &out, &[]);
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    // The page's own diagnostic, located; the page named as skipped; the summary counts it.
    assert!(all.contains("error[doc-type-unknown]") && all.contains("resources/broken.md"), "{all}");
    assert!(all.contains("skipped: ") && all.contains("broken.md (doc-type-unknown)"), "{all}");
    assert!(all.contains("1 skipped)"), "{all}");
    // Nothing of the skipped page reached the crate; the rest did.
    let files = snapshot(&out);
    assert!(files.keys().any(|k| k.contains("allotment")), "{:?}", files.keys().collect::<Vec<_>>());
    assert!(!files.keys().any(|k| k.contains("broken")));
}
