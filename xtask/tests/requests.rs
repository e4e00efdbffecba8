//! `cargo xtask report --requests` through the binary, on the project's own pages.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn report(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("report").args(args).arg("--json").current_dir(root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn calls_are_checked_matched_and_planned() {
    let v = report(&["--requests", "xtask/tests/fixtures/requests-cloudlicensing.txt", "--docs", "schema/docs"]);
    assert_eq!(v["requests"], 6);
    let calls = v["calls"].as_array().unwrap();
    let call = |line: u64| calls.iter().find(|c| c["line"] == line).unwrap();
    // Real ids, query options, absolute URLs: matched like doc examples.
    assert_eq!(call(2)["covered"], true, "{}", call(2));
    assert_eq!(call(3)["operation"], "microsoft.graph.cloudLicensing.allotment.get");
    assert_eq!(call(3)["permissions"]["delegated_work"]["least"][0], "CloudLicensing.Read");
    assert_eq!(call(4)["covered"], true, "{}", call(4));
    // A body property the type lacks, and a path that resolves to nothing.
    assert_eq!(call(6)["covered"], false);
    assert!(call(6)["reason"].as_str().unwrap().contains("noSuchProperty"));
    assert_eq!(call(9)["covered"], false);
    assert_eq!(v["covered"], 4);
    // The plan: least privileged per call, one scope per distinct need.
    let plan = &v["plan"]["delegated_work"]["scopes"];
    assert!(plan.as_array().unwrap().iter().any(|s| s == "CloudLicensing.Read"), "{plan}");
    assert_eq!(v["plan"]["delegated_work"]["unknown_lines"], serde_json::json!([9]));
}

#[test]
fn har_files_are_read() {
    let dir = std::env::temp_dir().join(format!("xtask-har-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let har = dir.join("app.har");
    std::fs::write(
        &har,
        r#"{"log": {"version": "1.2", "entries": [
          {"request": {"method": "GET", "url": "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments", "headers": []}},
          {"request": {"method": "DELETE", "url": "https://graph.microsoft.com/beta/admin/cloudLicensing/assignments/x"}}]}}"#,
    )
    .unwrap();
    let v = report(&["--requests", har.to_str().unwrap(), "--docs", "schema/docs"]);
    assert_eq!(v["requests"], 2);
    assert_eq!(v["covered"], 2, "{v}");
    std::fs::remove_dir_all(&dir).unwrap();
}
