//! `cargo test` runs the drift check: the checked-in `generated/` crate and `schema/*.csdl.yaml`
//! must be exactly what `cargo xtask regen` produces from `schema/docs`.

use std::process::Command;

#[test]
fn checked_in_output_matches_the_inputs() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check"])
        .output()
        .expect("xtask runs");
    assert!(
        out.status.success(),
        "generated files are stale; run `cargo xtask regen` and commit.\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
