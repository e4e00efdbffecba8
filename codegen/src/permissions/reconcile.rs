//! The docs' permission tables against the permissions data, path by path.
//!
//! **The data wins** where both speak: the docs' tables are generated from it (Microsoft's
//! permission includes say "Automatically generated file"), it is per path where a page's
//! one table serves every path the page lists, and it is newer than any copy of the pages.
//! One exception, where the data itself is silent: a scheme whose permissions the data lists
//! without marking any least privileged keeps the docs' least privileged (the data's join
//! the higher ones); see [`decide`]. Every difference is a `permissions-*` diagnostic at the
//! docs' table, so a page that is out of date is named and the value not used stays visible.

use super::reader::{DataPath, PermissionData};
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

/// What `route` (`METHOD template`) gets where the docs' table `docs` and the data's
/// `data_route` both speak, and every difference, located at the docs' table. Per scheme:
/// - the data marks least-privileged permissions: the data's table;
/// - the data lists the path but no permission of the scheme: not supported (the data's);
/// - the data lists permissions without marking any least privileged: the docs' least
///   privileged stay, the data's permissions join the higher privileged ones.
pub fn decide(route: &str, docs: &PermissionFacts, data_route: &DataPath, data: &PermissionData) -> (PermissionFacts, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let x_all = data.facts(data_route);
    let mut result = x_all.clone();
    result.origin = docs.origin.clone();
    let at = || docs.origin.clone();
    let results: [&mut SchemeFacts; 3] = [&mut result.delegated_work, &mut result.delegated_personal, &mut result.application];
    for (i, ((d, x), r)) in schemes(docs).into_iter().zip(schemes(&x_all)).zip(results).enumerate() {
        let scheme = SCHEMES[i];
        let raw = &data_route.schemes[i];
        let d_on = !d.least.is_empty() || !d.higher.is_empty();
        let x_on = !raw.least.is_empty() || !raw.higher.is_empty();
        let marked = !raw.least.is_empty();
        if d_on != x_on {
            let (yes, no) = if d_on { ("the docs' table", "the permissions data") } else { ("the permissions data", "the docs' table") };
            out.push(Diagnostic::warning(
                SCHEME_DIFFERS,
                at(),
                format!("`{route}`: {yes} supports {scheme} permissions, {no} does not (the data is used: least {}, higher {})", list(&x.least), list(&x.higher)),
            ));
            continue;
        }
        if !d_on {
            continue;
        }
        if !marked && !d.least.is_empty() {
            // The data says what is accepted, not what is least privileged: the docs say that.
            let mut higher: Vec<String> = d.higher.clone();
            for p in x.least.iter().chain(&x.higher) {
                if !d.least.iter().chain(&higher).any(|q| q.eq_ignore_ascii_case(p)) {
                    higher.push(p.clone());
                }
            }
            if set(&d.higher) != set(&higher) || set(&d.least) != set(&x.least) {
                out.push(Diagnostic::warning(
                    LEAST_DIFFERS,
                    at(),
                    format!(
                        "`{route}`: the permissions data marks no least privileged {scheme} permission (it accepts {}); the docs' least privileged {} are kept, the data's join the higher privileged",
                        list(&[x.least.clone(), x.higher.clone()].concat()),
                        list(&d.least)
                    ),
                ));
            }
            *r = SchemeFacts { least: d.least.clone(), higher, also_requires: x.also_requires.clone() };
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
    (result, out)
}

/// A docs' table for a path the data does not list (the docs' table is kept).
pub fn not_in_data(route: &str, docs: &PermissionFacts, data: &PermissionData) -> Diagnostic {
    Diagnostic::note(
        NOT_IN_DATA,
        docs.origin.clone(),
        format!("`{route}` has a permissions table in the docs but no entry in {}; the docs' table is kept", data.file),
    )
}
