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
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Docs tree to read.
    #[arg(long)]
    pub docs: PathBuf,
    /// Real CSDL XML to reconcile with.
    #[arg(long)]
    pub csdl: Option<PathBuf>,
    #[arg(long = "namespace")]
    pub namespaces: Vec<String>,
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

pub fn run(a: ReportArgs) -> ExitCode {
    let root = workspace_root();
    let (docs, csdl_xml) = match fsio::load_inputs(Some(a.docs.as_path()), a.csdl.as_deref()) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let label = fsio::display_prefix(&root, &a.docs);
    let mut extra = Vec::new();
    let base = base_schema(&mut extra);
    let input = Input {
        docs,
        docs_label: label.clone(),
        csdl_xml: csdl_xml.clone(),
        namespaces: a.namespaces.clone(),
        strict: a.strict,
        skip_emit: true,
        ..Default::default()
    };
    let out = pipeline::run_with_base(&input, base.as_ref());
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
                         "filters": f.filters, "filters_typed": f.filters_typed, "filters_unresolved": f.filters_unresolved, "orderby": f.orderby, "orderby_typed": f.orderby_typed},
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
    }
    ExitCode::SUCCESS
}
