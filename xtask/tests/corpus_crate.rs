//! The crate from the 2020 v1.0 corpus and the v1.0 metadata, built as a user builds it:
//! `regen` exits 0 naming the skipped pages, `cargo check --all-features` has no error and no
//! warning, and the users' and groups' example tests pass. Heavy (minutes on 2 cores), so
//! ignored by default: `cargo test -p xtask --test corpus_crate -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let o = cmd.output().unwrap();
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

#[test]
#[ignore = "builds all of Graph v1.0: minutes"]
fn the_corpus_crate_checks_warning_free_and_its_examples_pass() {
    let shared = root().join("../shared");
    let (docs, csdl) = (shared.join("graph-docs-2020/v1.0"), shared.join("csdl/graph-v1.0.csdl.xml"));
    if !docs.is_dir() || !csdl.is_file() {
        eprintln!("../shared is not here: nothing to build");
        return;
    }
    let out = std::env::temp_dir().join(format!("graph-corpus-crate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (ok, text) = run(Command::new(env!("CARGO_BIN_EXE_xtask")).arg("regen").arg("--docs").arg(&docs).arg("--csdl").arg(&csdl).arg("--out").arg(&out));
    assert!(ok, "{text}");
    assert!(text.contains("skipped: "), "the skipped pages are named");
    let cargo = || {
        let mut c = Command::new(env!("CARGO"));
        c.current_dir(&out).env("CARGO_TARGET_DIR", out.join("target")).env_remove("RUSTFLAGS");
        c
    };
    let (ok, text) = run(cargo().args(["check", "--all-features", "--message-format=short"]));
    assert!(ok, "{text}");
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("warning:") && !l.contains("generated")).collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    let (ok, text) = run(cargo().args(["test", "--features", "users,groups"]));
    assert!(ok, "{text}");
    let _ = std::fs::remove_dir_all(&out);
}
