//! The permissions pass: Microsoft's permissions data attached to the operations of the
//! project's cloudLicensing pages, reconciled with their tables, unmatched routes counted.

mod common;

use codegen::diag::Diagnostic;
use codegen::permissions::{reconcile, Category};
use codegen::pipeline::{run, Input, Output};
use common::{load, root};

/// A small data file in the real shape: one route as the docs have it, one that differs,
/// one `/me` route without its `/users/{id}` side, routes our inputs cannot match.
const DATA: &str = r#"{"$schema": "https://example/schema.json", "permissions": {
  "CloudLicensing.Read": {"authorizationType": "oAuth2",
    "schemes": {"DelegatedWork": {"privilegeLevel": 2, "adminDisplayName": "x"}},
    "pathSets": [
      {"schemeKeys": ["DelegatedWork"], "methods": ["GET"], "paths": {
        "/admin/cloudLicensing/allotments": "least=DelegatedWork",
        "/me/cloudLicensing/usageRights": "least=DelegatedWork",
        "/users/{id}/cloudLicensing/usageRights/{id}": "least=DelegatedWork",
        "/nowhere/{id}": "least=DelegatedWork",
        "/admin/cloudLicensing/allotments/{id}/nosuch": "least=DelegatedWork"}}]},
  "CloudLicensing.Read.All": {"schemes": {"DelegatedWork": {"privilegeLevel": 3}, "Application": {"privilegeLevel": 3}},
    "pathSets": [
      {"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/admin/cloudLicensing/allotments": ""}},
      {"schemeKeys": ["Application"], "methods": ["GET"], "paths": {"/admin/cloudLicensing/allotments": "least=Application"}}]},
  "Directory.Read.All": {"schemes": {"DelegatedWork": {"privilegeLevel": 4}, "Application": {"privilegeLevel": 4}},
    "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/admin/cloudLicensing/allotments": ""}}]},
  "Directory.ReadWrite.All": {"schemes": {"DelegatedWork": {"privilegeLevel": 5}, "Application": {"privilegeLevel": 5}},
    "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/admin/cloudLicensing/allotments": ""}}]},
  "Other.Read": {"schemes": {"DelegatedWork": {"privilegeLevel": 1}, "Application": {"privilegeLevel": 1}},
    "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"],
      "paths": {"/ADMIN/cloudlicensing/allotments/{allotment-id}": "least=DelegatedWork,Application"}}]}
}}"#;

fn input(data: Option<&str>) -> Input {
    Input {
        docs: load(&root().join("schema/docs")),
        docs_label: "schema/docs/".into(),
        permissions: data.map(|d| ("permissions.json".to_string(), d.to_string())),
        strict: true,
        skip_emit: true,
        ..Default::default()
    }
}

fn codes<'a>(out: &'a Output, code: &str) -> Vec<&'a Diagnostic> {
    out.diagnostics.iter().filter(|d| d.code == code).collect()
}

/// The permissions of `method template` in the IR (templates compared by the runtime's rule).
fn perms(out: &Output, method: &str, template: &str) -> Option<codegen::extract::PermissionFacts> {
    let key = graph_runtime::permissions::normalize_template(template);
    out.ir
        .operations
        .values()
        .filter(|o| o.method == method)
        .flat_map(|o| &o.paths)
        .find(|(t, _)| graph_runtime::permissions::normalize_template(t) == key)
        .and_then(|(_, p)| p.clone())
}

#[test]
fn data_attaches_reconciles_and_counts() {
    let out = run(&input(Some(DATA)));
    let f = &out.permissions;
    assert_eq!(f.routes_in_data, 6);
    assert_eq!(f.routes_matched, 4, "{:?}", f.unmatched);
    assert_eq!(f.unmatched[&Category::UnknownRoot], ["GET /nowhere/{id}"]);
    assert_eq!(f.unmatched[&Category::UnknownSegment], ["GET /admin/cloudLicensing/allotments/{id}/nosuch"]);

    // Same as the docs: no disagreement for that path, the data's order (privilege level).
    let list = perms(&out, "GET", "/admin/cloudLicensing/allotments").unwrap();
    assert_eq!(list.delegated_work.least, ["CloudLicensing.Read"]);
    assert_eq!(list.delegated_work.higher, ["CloudLicensing.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"]);
    assert_eq!(list.application.least, ["CloudLicensing.Read.All"]);

    // Matched whatever the case and parameter names; the data wins, the difference is located
    // at the docs' table.
    let get = perms(&out, "GET", "/admin/cloudLicensing/allotments/{allotmentId}").unwrap();
    assert_eq!(get.delegated_work.least, ["Other.Read"]);
    let differs = codes(&out, reconcile::LEAST_DIFFERS);
    let at = differs
        .iter()
        .find(|d| d.message.contains("`GET /admin/cloudLicensing/allotments/{allotmentId}`") && d.message.contains("Other.Read"))
        .unwrap_or_else(|| panic!("{differs:#?}"));
    assert!(at.origin.file.starts_with("schema/docs/includes/permissions/") && at.origin.line > 0, "{}", at.origin);
    assert!(f.disagreements >= differs.len() && f.disagreements > 0);

    // `/me` only in the data: the `/users/{id}` side keeps the docs' own table, and the
    // `/me` side gets the data.
    let me = perms(&out, "GET", "/me/cloudLicensing/usageRights").unwrap();
    assert_eq!(me.delegated_work.least, ["CloudLicensing.Read"]);
    assert!(me.application.least.is_empty(), "the data says no application permission for /me");
    // The data's `/users/{id}/…/{id}` without `/me` side: mirrored onto `/me/…/{id}`.
    assert!(f.mirrored >= 1);
}

#[test]
fn without_data_nothing_changes() {
    let plain = run(&input(None));
    let mut with = run(&input(Some(r#"{"permissions": {}}"#)));
    // Empty data: every docs' table has no data entry (notes), and nothing else differs.
    assert!(codes(&with, reconcile::NOT_IN_DATA).len() > 10);
    with.diagnostics.retain(|d| d.code != reconcile::NOT_IN_DATA);
    assert_eq!(plain.diagnostics, with.diagnostics);
    assert_eq!(plain.ir.operations, with.ir.operations);
    assert!(plain.permissions.with_permissions > 0 && plain.permissions.routes_in_data == 0);
}

#[test]
fn malformed_data_is_one_located_error() {
    let out = run(&input(Some("{\"permissions\": {\"A\": {\"pathSets\": [{\"paths\": []}]}}}")));
    let e = codes(&out, "permissions-data-invalid");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].origin.file.as_str(), e[0].origin.line), ("permissions.json", 1));
    assert!(e[0].origin.col > 1);
    assert!(e[0].is_error());
}

/// Microsoft's real data against our pages: every difference is a located diagnostic, and
/// the run is deterministic.
#[test]
fn real_data_against_the_cloud_licensing_pages() {
    let Ok(text) = std::fs::read_to_string(root().join("../shared/permissions/permissions.json")) else {
        eprintln!("../shared/permissions/permissions.json not present; skipped");
        return;
    };
    let a = run(&input(Some(&text)));
    let b = run(&input(Some(&text)));
    assert_eq!(a.diagnostics, b.diagnostics);
    assert_eq!(a.ir.operations, b.ir.operations);
    assert!(a.permissions.routes_matched > 0 && a.permissions.disagreements > 0);
    let ds: Vec<&Diagnostic> = a.diagnostics.iter().filter(|d| reconcile::DISAGREEMENTS.contains(&d.code)).collect();
    assert_eq!(ds.len(), a.permissions.disagreements);
    assert!(ds.iter().all(|d| d.origin.file.starts_with("schema/docs/") && d.origin.line > 0));
    // With the data every operation has permissions (the docs alone leave some out).
    assert!(run(&input(None)).permissions.with_permissions < a.permissions.with_permissions);
    // Where the data marks no least privileged permission, the docs' stays.
    let list = perms(&a, "GET", "/admin/cloudLicensing/allotments").unwrap();
    assert_eq!(list.delegated_work.least, ["CloudLicensing.Read"]);
    assert_eq!(a.permissions.operations, a.permissions.with_permissions);
}
