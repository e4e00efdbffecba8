//! The docs' permission tables against the permissions data, path by path.
//!
//! **The data wins** where both speak: the docs' tables are generated from it (Microsoft's
//! permission includes say "Automatically generated file"), it is per path where a page's
//! one table serves every path the page lists, and it is newer than any copy of the pages.
//! Every difference is a `permissions-*` diagnostic at the docs' table, so a page that is
//! out of date is named and the value that was not used stays visible.

use super::reader::PermissionData;
use crate::diag::Diagnostic;
use crate::extract::{PermissionFacts, SchemeFacts};
use std::collections::BTreeSet;

pub const LEAST_DIFFERS: &str = "permissions-least-differs";
pub const HIGHER_DIFFERS: &str = "permissions-higher-differs";
pub const SCHEME_DIFFERS: &str = "permissions-scheme-differs";
pub const UNKNOWN: &str = "permissions-unknown";
pub const NOT_IN_DATA: &str = "permissions-path-not-in-data";

/// Codes that count as disagreements in the report's figures.
pub const DISAGREEMENTS: &[&str] = &[LEAST_DIFFERS, HIGHER_DIFFERS, SCHEME_DIFFERS, UNKNOWN];

const SCHEMES: [&str; 3] = ["delegated (work or school account)", "delegated (personal Microsoft account)", "application"];

fn schemes(p: &PermissionFacts) -> [&SchemeFacts; 3] {
    [&p.delegated_work, &p.delegated_personal, &p.application]
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_ascii_lowercase()).collect()
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        format!("`{}`", v.join("`, `"))
    }
}

/// Differences between the docs' table `docs` and the data's `data_facts` for `route`
/// (`METHOD template`), located at the docs' table.
pub fn compare(route: &str, docs: &PermissionFacts, data_facts: &PermissionFacts, data: &PermissionData) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = || docs.origin.clone();
    for (i, (d, x)) in schemes(docs).into_iter().zip(schemes(data_facts)).enumerate() {
        let scheme = SCHEMES[i];
        let d_on = !d.least.is_empty() || !d.higher.is_empty();
        let x_on = !x.least.is_empty() || !x.higher.is_empty();
        if d_on != x_on {
            let (yes, no) = if d_on { ("the docs' table", "the permissions data") } else { ("the permissions data", "the docs' table") };
            out.push(Diagnostic::warning(
                SCHEME_DIFFERS,
                at(),
                format!("`{route}`: {yes} supports {scheme} permissions, {no} does not (the data is used: least {}, higher {})", list(&x.least), list(&x.higher)),
            ));
            continue;
        }
        if set(&d.least) != set(&x.least) {
            out.push(Diagnostic::warning(
                LEAST_DIFFERS,
                at(),
                format!(
                    "`{route}`: least privileged {scheme} permissions are {} in the docs' table, {} in the permissions data (the data is used)",
                    list(&d.least),
                    list(&x.least)
                ),
            ));
        } else if set(&d.higher) != set(&x.higher) {
            out.push(Diagnostic::note(
                HIGHER_DIFFERS,
                at(),
                format!(
                    "`{route}`: higher privileged {scheme} permissions are {} in the docs' table, {} in the permissions data (the data is used)",
                    list(&d.higher),
                    list(&x.higher)
                ),
            ));
        }
    }
    let mut unknown: BTreeSet<&str> = BTreeSet::new();
    for s in schemes(docs) {
        unknown.extend(s.least.iter().chain(&s.higher).map(String::as_str).filter(|p| !data.knows(p)));
    }
    for p in unknown {
        out.push(Diagnostic::warning(UNKNOWN, at(), format!("`{route}`: the docs' table names `{p}`, a permission the permissions data does not know")));
    }
    out
}

/// A docs' table for a path the data does not list (the docs' table is kept).
pub fn not_in_data(route: &str, docs: &PermissionFacts, data: &PermissionData) -> Diagnostic {
    Diagnostic::note(
        NOT_IN_DATA,
        docs.origin.clone(),
        format!("`{route}` has a permissions table in the docs but no entry in {}; the docs' table is kept", data.file),
    )
}
