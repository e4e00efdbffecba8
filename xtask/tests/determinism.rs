//! Determinism through the binary: the same docs, written to disk in opposite orders (so
//! directory listing order differs), generate byte-identical crates, run after run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Copies `from` into `to`, creating files in the given order.
fn copy_in_order(from: &Path, to: &Path, reverse: bool) {
    let mut all = Vec::new();
    files(from, &mut all);
    all.sort();
    if reverse {
        all.reverse();
    }
    for p in all {
        let dest = to.join(p.strip_prefix(from).unwrap());
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&p, &dest).unwrap();
    }
}

/// Every file under `dir`, with the directory's own path (named in generated headers) masked.
/// Every file of `dir`, with the paths of the run (`dir`, and the `docs` tree the header's
/// command names) replaced by placeholders.
fn snapshot(dir: &Path, docs: &Path) -> BTreeMap<String, String> {
    let mut all = Vec::new();
    files(dir, &mut all);
    all.into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&p)
                .unwrap()
                .replace(&dir.display().to_string(), "<OUT>")
                .replace(&docs.display().to_string(), "<DOCS>");
            (rel, text)
        })
        .collect()
}

fn regen(docs: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("regen").arg("--docs").arg(docs).arg("--out").arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn same_output_whatever_the_file_order() {
    let base = std::env::temp_dir().join(format!("xtask-determinism-{}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    let src = root().join("schema/docs");
    let (docs_a, docs_b) = (base.join("docs-a"), base.join("docs-b"));
    copy_in_order(&src, &docs_a, false);
    copy_in_order(&src, &docs_b, true);
    let (out_a, out_b, out_c) = (base.join("out-a"), base.join("out-b"), base.join("out-c"));
    regen(&docs_a, &out_a);
    regen(&docs_b, &out_b);
    regen(&docs_a, &out_c);
    let (a, b, c) = (snapshot(&out_a, &docs_a), snapshot(&out_b, &docs_b), snapshot(&out_c, &docs_a));
    let _ = fs::remove_dir_all(&base);
    assert!(a.len() > 10);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b[k] == *v, "{k} differs with the file order");
        assert!(c[k] == *v, "{k} differs between runs");
    }
}
