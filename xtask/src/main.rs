//! `cargo xtask …`: the only part of the project that reads or writes files.

mod bench;
mod fsio;
mod report;
mod requests;

use clap::{Parser, Subcommand};
use codegen::diag::Diagnostic;
use codegen::emit::CrateSettings;
use codegen::ir::Split;
use codegen::pipeline::{self, Input};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "xtask", about = "Graph docs → typed Rust: generate, check, report")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Derive the schema and generate the crate (default: `schema/docs` → `schema/`, `generated/`).
    Regen(RegenArgs),
    /// Read and check a docs tree (and optional CSDL); writes nothing.
    Report(report::ReportArgs),
    /// Generation time, peak memory and scaling for the v1.0 CSDL; cargo check of its crate.
    Bench(bench::BenchArgs),
    /// (internal) One measured generation run, spawned by `bench`.
    #[command(hide = true)]
    BenchChild(bench::ChildArgs),
    /// (internal) Run a command; print its wall time and the peak RSS of its process tree.
    #[command(hide = true)]
    BenchPeak(bench::PeakArgs),
}

#[derive(clap::Args)]
struct RegenArgs {
    /// Write nothing; exit 1 naming every file that differs from what regen would write.
    #[arg(long)]
    check: bool,
    /// Docs tree to read (default: schema/docs).
    #[arg(long)]
    docs: Option<PathBuf>,
    /// Real CSDL XML ($metadata) to read as well.
    #[arg(long)]
    csdl: Option<PathBuf>,
    /// Namespace to generate (repeatable; default: every namespace of the pages).
    #[arg(long = "namespace")]
    namespaces: Vec<String>,
    /// Microsoft's permissions data (`permissions.json`): permissions for every operation it
    /// covers (not used by default).
    #[arg(long)]
    permissions: Option<PathBuf>,
    /// Write a complete crate into DIR instead of `generated/` (schema files go to DIR/schema).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Any error in the pages stops the run (always so for `schema/docs`). Without it, an
    /// external docs tree skips the pages it cannot use, names each, and goes on.
    #[arg(long)]
    strict: bool,
    /// How `--out` is laid out: `auto` (several crates checked in parallel when the output is
    /// big: models over area crates, builders apart, one facade re-exporting them), `one` (a
    /// single crate), or a number of area crates.
    #[arg(long, default_value = "auto", value_parser = parse_split)]
    crates: Split,
}

fn parse_split(s: &str) -> Result<Split, String> {
    match s {
        "auto" => Ok(Split::Auto),
        "one" => Ok(Split::One),
        n => match n.parse::<usize>() {
            Ok(k) if k >= 1 => Ok(Split::Areas(k)),
            _ => Err(format!("`{s}`: expected `auto`, `one` or a number of area crates (at least 1)")),
        },
    }
}

/// True when `a` and `b` name the same directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The workspace root (parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

fn main() -> ExitCode {
    // Run as `RUSTC_WRAPPER` by `bench` (its timed checks): not a command line of ours.
    if let Some(log) = std::env::var_os(bench::RUSTC_TIMES_ENV) {
        return bench::rustc_wrapper(&log);
    }
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Regen(a) => regen(a),
        Cmd::Report(a) => report::run(a),
        Cmd::Bench(a) => bench::run(a),
        Cmd::BenchChild(a) => bench::child(a),
        Cmd::BenchPeak(a) => bench::peak(a),
    }
}

fn regen(a: RegenArgs) -> ExitCode {
    let start = Instant::now();
    let root = workspace_root();
    let docs_dir = a.docs.clone().unwrap_or_else(|| root.join("schema/docs"));
    let (out_dir, schema_dir, settings) = match &a.out {
        None => (root.join("generated"), root.join("schema"), CrateSettings::default()),
        Some(out) => {
            let runtime = root.join("runtime");
            let settings = CrateSettings {
                package: "graph-generated".into(),
                runtime_path: runtime.display().to_string(),
                // The command as given, so the header tells how to make this crate again.
                command: format!("cargo xtask {}", std::env::args().skip(1).collect::<Vec<_>>().join(" ")),
                deny_warnings: false,
                default_features: Vec::new(),
                split: a.crates,
            };
            (out.clone(), out.join("schema"), settings)
        }
    };
    // `--csdl` without `--docs`: the metadata alone, no pages read.
    let csdl_only = a.csdl.is_some() && a.docs.is_none();
    let (docs, csdl_xml) = match fsio::load_inputs((!csdl_only).then_some(docs_dir.as_path()), a.csdl.as_deref()) {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let permissions = match fsio::load_csdl(a.permissions.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let label = fsio::display_prefix(&root, &docs_dir);
    // Our own pages are always strict: an error there is ours to fix.
    let strict = a.strict || a.docs.as_ref().is_none_or(|d| same_dir(d, &root.join("schema/docs")));
    let input = Input { docs, docs_label: label.clone(), csdl_xml, permissions, namespaces: a.namespaces.clone(), settings, strict, skip_emit: false };
    let read = start.elapsed();
    let mut out = pipeline::run(&input);
    let generated = start.elapsed();
    // A non-strict run goes on past errors in the pages (each page or request line it cannot
    // use is left out, with its diagnostic); an error anywhere else (metadata, output) stops it.
    let in_tree = |d: &Diagnostic| !label.is_empty() && d.origin.file.starts_with(label.as_str());
    let stops = |d: &&Diagnostic| d.is_error() && (strict || !in_tree(d));
    let errors: Vec<&Diagnostic> = out.diagnostics.iter().filter(stops).collect();
    if !errors.is_empty() {
        print_diagnostics(&out.diagnostics);
        eprintln!(
            "error: regen stopped: {} error(s) in the inputs; nothing was written",
            errors.len()
        );
        return ExitCode::FAILURE;
    }
    print_diagnostics(&out.diagnostics);
    // Everything to write: generated crate files + derived schema files.
    let mut plan = fsio::Plan::default();
    plan.dir(&out_dir, std::mem::take(&mut out.files), |_| true);
    plan.dir(&schema_dir, std::mem::take(&mut out.schema_files), |name| name.ends_with(".csdl.yaml"));
    if a.check {
        let stale = match plan.stale() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error[output-unreadable]: {e}");
                return ExitCode::FAILURE;
            }
        };
        if stale.is_empty() {
            println!("regen --check: {} files up to date ({:.2?})", plan.len(), start.elapsed());
            return ExitCode::SUCCESS;
        }
        for s in &stale {
            let shown = s.path.strip_prefix(&root).unwrap_or(&s.path);
            eprintln!("stale: {}\n{}", shown.display(), s.diff);
        }
        eprintln!(
            "error: {} generated file(s) are stale; run `cargo xtask regen` and commit the result",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    match plan.apply() {
        Ok(stats) => {
            // Where the time went (the bench reads this line).
            let phases = format!(
                "read {:.2}s, generate {:.2}s, write {:.2}s (stage {:.2}s, sync {:.2}s, commit {:.2}s)",
                read.as_secs_f64(),
                (generated - read).as_secs_f64(),
                (start.elapsed() - generated).as_secs_f64(),
                stats.stage.as_secs_f64(),
                stats.sync.as_secs_f64(),
                stats.commit.as_secs_f64()
            );
            if csdl_only {
                let f = &out.ir.figures;
                println!(
                    "regen: CSDL only, {} namespaces, {} models, {} builders, {} operations, {} features, {} reachable nodes, {} path templates (depth {}), {} files written, {} unchanged, {} deleted in {:.2?} ({phases})",
                    out.namespaces.len(),
                    out.ir.models.len(),
                    out.ir.builders.len(),
                    out.endpoints,
                    out.ir.features.len(),
                    f.reachable_nodes,
                    f.path_templates,
                    f.path_depth,
                    stats.written,
                    stats.unchanged,
                    stats.deleted,
                    start.elapsed()
                );
                return ExitCode::SUCCESS;
            }
            for (page, code) in &out.skipped {
                eprintln!("skipped: {label}{page} ({code})");
            }
            println!(
                "regen: {} pages read ({} resource, {} api, {} enum; {} used, {} skipped), {}{} namespaces, {} types, {} endpoints, {} files written, {} unchanged, {} deleted in {:.2?} ({phases})",
                out.counts.read,
                out.counts.resource,
                out.counts.api,
                out.counts.r#enum,
                out.counts.read - out.counts.skipped,
                out.counts.skipped,
                if input.csdl_xml.is_some() { "metadata + docs, " } else { "" },
                out.namespaces.len(),
                out.ir.models.len(),
                out.endpoints,
                stats.written,
                stats.unchanged,
                stats.deleted,
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error[write-failed]: {e}; previous files were left in place");
            ExitCode::FAILURE
        }
    }
}
