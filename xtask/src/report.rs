//! `cargo xtask report`: read and check a docs tree (and optional CSDL); writes nothing.
//!
//! The project's own derived schema (`schema/*.csdl.yaml`) is the base under the types the
//! tree derives, so trees that hold only some pages (the seeds) still know every type; what
//! the tree's pages lack and examples use is reported (`doc-resource-missing-property`).

use crate::{fsio, workspace_root};
use codegen::csdl::{self, Schema};
use codegen::diag::{Diagnostic, Origin};
use codegen::pipeline::{self, Input};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Docs tree to read (with `--csdl` alone: the metadata only; default with `--requests`:
    /// none when `--csdl` is given, else `schema/docs`).
    #[arg(long)]
    pub docs: Option<PathBuf>,
    /// Real CSDL XML to reconcile with.
    #[arg(long)]
    pub csdl: Option<PathBuf>,
    #[arg(long = "namespace")]
    pub namespaces: Vec<String>,
    /// Microsoft's permissions data (`permissions.json`): attach, reconcile with the docs'
    /// tables, count what it covers.
    #[arg(long)]
    pub permissions: Option<PathBuf>,
    /// Check a list of real calls (`METHOD URL` lines, each optionally followed by a JSON
    /// body line, or a `.har` file) and print their permissions and the scope plan.
    #[arg(long)]
    pub requests: Option<PathBuf>,
    /// One JSON object on stdout instead of the human form.
    #[arg(long)]
    pub json: bool,
    /// Count pages with errors as used (as `regen --strict` would stop on them).
    #[arg(long)]
    pub strict: bool,
}

/// The project's derived schema files, read as one base schema.
fn base_schema(diags: &mut Vec<Diagnostic>) -> Option<Schema> {
    let dir = workspace_root().join("schema");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".csdl.yaml"))
        .collect();
    names.sort();
    let mut base = Schema::default();
    for p in names {
        let shown = format!("schema/{}", p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        match fsio::read_text(&p) {
            Ok(text) => {
                let (s, ds) = csdl::yaml::read(&shown, &text);
                diags.extend(ds);
                base.merge(s);
            }
            Err(e) => diags.push(Diagnostic::warning("input-unreadable", Origin::file(shown), e)),
        }
    }
    Some(base)
}

/// The pipeline over the report's inputs: the docs tree with the project's schema as base,
/// or the metadata alone (`--csdl` without `--docs`). `Err` when an input cannot be read.
pub fn run_inputs(a: &ReportArgs, docs_dir: Option<&Path>) -> Result<(pipeline::Output, String, Vec<Diagnostic>), String> {
    let root = workspace_root();
    let (docs, csdl_xml) = fsio::load_inputs(docs_dir, a.csdl.as_deref())?;
    let permissions = fsio::load_csdl(a.permissions.as_deref())?;
    let label = docs_dir.map(|d| fsio::display_prefix(&root, d)).unwrap_or_default();
    let mut extra = Vec::new();
    let input = Input {
        docs,
        docs_label: label.clone(),
        csdl_xml,
        permissions,
        namespaces: a.namespaces.clone(),
        strict: a.strict,
        skip_emit: true,
        ..Default::default()
    };
    let out = match docs_dir {
        Some(_) => {
            let base = base_schema(&mut extra);
            pipeline::run_with_base(&input, base.as_ref())
        }
        None => pipeline::run(&input),
    };
    Ok((out, label, extra))
}

pub fn run(a: ReportArgs) -> ExitCode {
    if a.requests.is_some() {
        return crate::requests::run(&a);
    }
    let docs_dir = match (&a.docs, &a.csdl) {
        (Some(d), _) => Some(d.as_path()),
        (None, Some(_)) => None,
        (None, None) => {
            eprintln!("error[input-unreadable]: `report` needs `--docs DIR`, `--csdl FILE` or `--requests FILE`");
            return ExitCode::FAILURE;
        }
    };
    let (out, label, extra) = match run_inputs(&a, docs_dir) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let checked = codegen::check::check_output(&out, &label);

    let mut diags: Vec<Diagnostic> = extra;
    // The check's `example-request-unmatched` replaces the lowering's (same examples).
    diags.extend(out.diagnostics.iter().filter(|d| d.code != codegen::check::REQUEST_UNMATCHED).cloned());
    diags.extend(checked.diagnostics.iter().cloned());
    let mut all = codegen::diag::Diagnostics::default();
    all.extend(diags);
    let diags = all.sorted();

    let types: usize = out
        .namespaces
        .iter()
        .filter_map(|n| out.schema.namespaces.get(n))
        .map(|ns| ns.types.len())
        .sum();
    let c = &out.counts;
    // Documented request lines (HTTP request sections) and what became of them.
    let lines: usize = out.apis.iter().map(|a| a.http_lines.len()).sum();
    let count_code = |code: &str| diags.iter().filter(|d| d.code == code).count();
    let f = &checked.figures;
    let cr = codegen::ir::lower::create_figures(&out.ir);
    if a.json {
        let ds: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| {
                json!({
                    "severity": d.severity.as_str(),
                    "code": d.code,
                    "file": d.origin.file,
                    "line": d.origin.line,
                    "col": d.origin.col,
                    "message": d.message,
                })
            })
            .collect();
        let v = json!({
            "pages": {"read": c.read, "resource": c.resource, "api": c.api, "enum": c.r#enum, "other": c.other, "tolerant": c.tolerant, "skipped": c.skipped},
            "types": types,
            "endpoints": out.endpoints,
            "paths": out.paths,
            "examples": {"requests": f.requests, "requests_matched": f.requests_matched, "responses": f.responses, "responses_ok": f.responses_ok,
                         "filters": f.filters, "filters_typed": f.filters_typed, "filters_unresolved": f.filters_unresolved, "orderby": f.orderby, "orderby_typed": f.orderby_typed,
                         "requests_not_matched": f.requests_not_matched, "responses_not_ok": f.responses_not_ok},
            "permissions": permissions_json(&out.permissions),
            "creates": {"operations": cr.operations, "documented": cr.documented, "documented_create_model": cr.documented_create_model,
                        "documented_with_required": cr.documented_with_required, "documented_read_model": cr.documented_read_model, "required_fields": cr.required_fields},
            "request_lines": {"documented": lines, "unresolved": count_code("doc-path-unresolved"), "elided": count_code("doc-path-elided"), "method_unsupported": count_code("doc-method-unsupported")},
            "diagnostics": ds,
        });
        println!("{v}");
    } else {
        for d in &diags {
            println!("{d}\n");
        }
        let count = |s: codegen::diag::Severity| diags.iter().filter(|d| d.severity == s).count();
        println!(
            "report: {} pages read ({} resource, {} api, {} enum, {} other, {} read tolerantly, {} skipped), {} types, {} endpoints, {} paths",
            c.read, c.resource, c.api, c.r#enum, c.other, c.tolerant, c.skipped,
            types,
            out.endpoints, out.paths
        );
        println!(
            "examples: {}/{} requests matched, {}/{} responses ok, {}/{} filters and {}/{} orderby keys typed; {} errors, {} warnings, {} notes",
            f.requests_matched,
            f.requests,
            f.responses_ok,
            f.responses,
            f.filters_typed,
            f.filters,
            f.orderby_typed,
            f.orderby,
            count(codegen::diag::Severity::Error),
            count(codegen::diag::Severity::Warning),
            count(codegen::diag::Severity::Note),
        );
        let by_code = |m: &std::collections::BTreeMap<&str, usize>| m.iter().map(|(c, n)| format!("{n} {c}")).collect::<Vec<_>>().join(", ");
        if !f.requests_not_matched.is_empty() || !f.responses_not_ok.is_empty() {
            println!("requests not matched by cause: {}", by_code(&f.requests_not_matched));
            println!("responses not ok by cause: {}", by_code(&f.responses_not_ok));
        }
        print_permissions(&out.permissions, a.permissions.is_some());
        println!(
            "creates: {} operations, {} documented: {} take a create model ({} with required fields, {} in all), {} the read model",
            cr.operations, cr.documented, cr.documented_create_model, cr.documented_with_required, cr.required_fields, cr.documented_read_model
        );
    }
    ExitCode::SUCCESS
}

/// The report's `permissions` object (DESIGN.md), with the unmatched routes of the data by
/// category.
pub fn permissions_json(p: &codegen::permissions::Figures) -> serde_json::Value {
    let unmatched: serde_json::Map<String, serde_json::Value> = p
        .unmatched
        .iter()
        .map(|(c, routes)| {
            (c.as_str().to_string(), json!({"count": routes.len(), "resolver_convention": c.is_resolver_convention(), "routes": routes}))
        })
        .collect();
    json!({
        "operations": p.operations,
        "with_permissions": p.with_permissions,
        "with_stated_permissions": p.with_stated_permissions,
        "with_derived_permissions_only": p.with_derived_permissions_only,
        "derived_paths": p.derived_paths,
        "paths_in_data": p.paths_in_data,
        "paths_matched": p.paths_matched,
        "disagreements": p.disagreements,
        "routes_in_data": p.routes_in_data,
        "routes_matched": p.routes_matched,
        "mirrored": p.mirrored,
        "references": p.references,
        "content_uploads": p.content_uploads,
        "unmatched": unmatched,
        "without_permissions_by_kind": p.without_by_kind,
        "without_permissions_by_reason": p.without_by_reason,
        "operations_without_permissions": p.without,
    })
}

fn print_permissions(p: &codegen::permissions::Figures, with_data: bool) {
    let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
    println!(
        "permissions: {}/{} operations ({:.1}%) carry permissions",
        p.with_permissions,
        p.operations,
        pct(p.with_permissions, p.operations)
    );
    if !with_data {
        return;
    }
    println!(
        "  {} with permissions stated for a path, {} only derived by rule ({} templates: `GET …/$count` as for listing the collection)",
        p.with_stated_permissions, p.with_derived_permissions_only, p.derived_paths
    );
    let kinds: Vec<String> = p.without_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  without permissions, by kind: {}", kinds.join(", "));
    let reasons: Vec<String> = p.without_by_reason.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  without permissions, by what the data has: {}", reasons.join(", "));
    println!(
        "permissions data: {}/{} paths matched ({} of {} method+path routes, {} of them reference operations written without /$ref, {} content uploads written without /$value; {} templates added by the /me <-> /users/{{id}} fallback), {} disagreements with the docs' tables",
        p.paths_matched, p.paths_in_data, p.routes_matched, p.routes_in_data, p.references, p.content_uploads, p.mirrored, p.disagreements
    );
    for (c, routes) in &p.unmatched {
        let kind = if c.is_resolver_convention() { "path convention the resolver does not read" } else { "not in the inputs" };
        println!("  unmatched {:>5}  {} ({kind}), e.g. {}", routes.len(), c.as_str(), routes.iter().take(2).cloned().collect::<Vec<_>>().join(" | "));
    }
}
