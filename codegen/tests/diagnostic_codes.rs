//! Every diagnostic code the project emits is documented in `docs/diagnostics.md`.
//!
//! Codes are found by scanning the sources of `codegen` and `xtask` for string literals that
//! look like codes (`"doc-…"`, `"example-…"`, `"csdl-…"`, `"schema-…"`, `"reconcile-…"`,
//! `"emit-…"`, …) and for `error[code]` / `warning[code]` in printed messages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PREFIXES: &[&str] = &["doc", "example", "csdl", "schema", "reconcile", "permissions", "request", "emit", "input", "output", "write"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_code(s: &str) -> bool {
    let Some((prefix, rest)) = s.split_once('-') else { return false };
    PREFIXES.contains(&prefix)
        && !rest.is_empty()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.ends_with('-')
}

/// Code-like tokens: `"code"` literals and `[code]` in message text.
fn codes_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (open, close) in [('"', '"'), ('[', ']')] {
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + 1..];
            let Some(j) = after.find(close) else { break };
            let cand = &after[..j];
            if is_code(cand) && (open == '"' || rest[..i].ends_with("error") || rest[..i].ends_with("warning") || rest[..i].ends_with("note")) {
                out.insert(cand.to_string());
            }
            rest = if open == '"' { &after[j + 1..] } else { after };
        }
    }
    out
}

#[test]
fn every_emitted_code_is_documented() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("docs/diagnostics.md")).expect("docs/diagnostics.md exists");
    let mut files = Vec::new();
    rust_files(&root.join("codegen/src"), &mut files);
    rust_files(&root.join("xtask/src"), &mut files);
    files.sort();
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut missing = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for c in codes_in(&text) {
            if !doc.contains(&format!("`{c}`")) {
                missing.push(format!("{c} (in {})", f.strip_prefix(&root).unwrap_or(f).display()));
            }
            found.insert(c);
        }
    }
    assert!(found.len() > 30, "the scan found too few codes ({}); is it still looking in the right places?", found.len());
    assert!(found.contains("example-type-mismatch") && found.contains("input-unreadable"));
    assert!(missing.is_empty(), "undocumented diagnostic codes; add them to docs/diagnostics.md:\n  {}", missing.join("\n  "));
}

#[test]
fn the_scanner_sees_literals_and_printed_codes() {
    let src = r#"Diagnostic::error("doc-new-thing", o, "m"); eprintln!("error[write-failed]: x"); let s = "not-a-code";"#;
    let c = codes_in(src);
    assert!(c.contains("doc-new-thing") && c.contains("write-failed") && !c.contains("not-a-code"), "{c:?}");
}
