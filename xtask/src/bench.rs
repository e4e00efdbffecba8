//! `cargo xtask bench`: generation time and peak memory for the real Graph v1.0 metadata,
//! scaling at 1×, 2× and 4× input (copies of every namespace under renamed namespaces), and
//! `cargo check` time of the generated crate with one area feature vs all features.
//!
//! A benchmark, not a test: it prints figures for this machine and asserts nothing. The
//! generation runs in a child process of the release-built xtask (`xtask bench-child`), which
//! reports its own wall time and peak RSS (`VmHWM` of `/proc/self/status`).
//!
//! `--against CRATE@VERSION` adds a side-by-side run: a cold `cargo check` of a one-line crate
//! that depends on the generated crate (every area) and of one that depends on the other crate,
//! each in a fresh target dir, in rotating order over `--rounds` rounds, with the peak RSS of
//! each build (`xtask bench-peak`, `getrusage(RUSAGE_CHILDREN)`).

mod checks;
mod rustc_times;
pub(crate) use rustc_times::{wrap as rustc_wrapper, LOG_ENV as RUSTC_TIMES_ENV};

use checks::{crate_alone_checks, side_by_side};
use codegen::csdl::{xml, EntityContainer, Schema};
use codegen::emit::{self, CrateSettings};
use codegen::ir::lower;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// CSDL XML to generate from (default: ../shared/csdl/graph-v1.0.csdl.xml).
    #[arg(long)]
    pub csdl: Option<PathBuf>,
    /// Area feature for the one-feature `cargo check` (default: `planner`).
    #[arg(long, default_value = "planner")]
    pub feature: String,
    /// Runs per scale (the fastest is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Skip the `cargo check` part.
    #[arg(long)]
    pub no_check: bool,
    /// Where the generated crate is written and checked (its own target dir beside it).
    #[arg(long, default_value = "/tmp/graph-bench")]
    pub dir: PathBuf,
    /// Compare cold `cargo check` side by side with a crate from crates.io, as dependencies of a
    /// one-line crate (e.g. `graph-rs-sdk@3.0.1`).
    #[arg(long, value_name = "CRATE@VERSION")]
    pub against: Option<String>,
    /// More crates for the side-by-side comparison, each `LABEL=DIR`: a generated crate at DIR
    /// (e.g. written by an earlier version of the generator), checked as ours are.
    #[arg(long, value_name = "LABEL=DIR")]
    pub also: Vec<String>,
    /// Rounds of the side-by-side comparison; the order of the builds rotates each round.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Permissions data for the with/without `--permissions` generation figure (default:
    /// ../shared/permissions/permissions.json; skipped when absent).
    #[arg(long)]
    pub permissions: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct PeakArgs {
    /// The command and its arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub cmd: Vec<String>,
}

#[derive(clap::Args)]
pub struct ChildArgs {
    #[arg(long)]
    pub csdl: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub copies: usize,
    /// Attach this permissions data after lowering (as `regen --permissions`).
    #[arg(long)]
    pub permissions: Option<PathBuf>,
    /// Read this docs tree too and run the whole pipeline (docs + CSDL) in memory.
    #[arg(long)]
    pub docs: Option<PathBuf>,
}

/// The text of the document with every namespace (and schema alias) renamed for copy `i`.
fn renamed_copy(text: &str, i: usize) -> String {
    if i == 1 {
        return text.to_string();
    }
    let suffix = format!("copy{i}");
    // `microsoft.graph` → `microsoft.graph.copy2`, `microsoft.graph.security` →
    // `microsoft.graph.copy2.security`, …
    let mut out = text.replace("microsoft.graph", &format!("microsoft.graph.{suffix}"));
    // Aliases declared on `<Schema>` elements, and their uses in attribute values.
    let mut aliases = Vec::new();
    for part in text.split("<Schema ").skip(1) {
        let head = part.split('>').next().unwrap_or("");
        if let Some(a) = head.split("Alias=\"").nth(1).and_then(|r| r.split('"').next()) {
            aliases.push(a.to_string());
        }
    }
    for a in aliases {
        out = out.replace(&format!("Alias=\"{a}\""), &format!("Alias=\"{a}{suffix}\""));
        out = out.replace(&format!("\"{a}."), &format!("\"{a}{suffix}."));
        out = out.replace(&format!("({a}."), &format!("({a}{suffix}."));
    }
    out
}

/// Reads the renamed copies and merges them into one schema whose (first) container
/// holds every copy's entity sets and singletons (renamed `users` → `usersCopy2`), so builders
/// scale with the input too.
fn scaled_schema(texts: &[String]) -> Schema {
    let mut all = Schema::default();
    for (i, text) in texts.iter().enumerate() {
        let i = i + 1;
        let (mut s, _) = xml::read("bench.xml", text);
        if i > 1 {
            let mut moved = Vec::new();
            for ns in s.namespaces.values_mut() {
                if let Some(c) = ns.container.take() {
                    // An empty container stays: the namespace still declares one.
                    ns.container = Some(EntityContainer { name: c.name.clone(), ..Default::default() });
                    moved.push(c);
                }
            }
            let main = all.namespaces.values_mut().find_map(|n| n.container.as_mut()).expect("first copy has a container");
            for c in moved {
                for (k, mut v) in c.entity_sets {
                    v.name = format!("{k}Copy{i}");
                    main.entity_sets.insert(v.name.clone(), v);
                }
                for (k, mut v) in c.singletons {
                    v.name = format!("{k}Copy{i}");
                    main.singletons.insert(v.name.clone(), v);
                }
            }
        }
        all.merge(s);
    }
    all
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child: read, lower and emit in memory; print one line of figures.
/// The child for docs + CSDL: the whole pipeline in memory (inputs loaded before the clock).
fn child_with_docs(a: &ChildArgs, docs: &Path) -> ExitCode {
    let (tree, csdl_xml) = match crate::fsio::load_inputs(Some(docs), Some(&a.csdl)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let permissions = match a.permissions.as_deref().map(crate::fsio::read_text).transpose() {
        Ok(p) => p.map(|t| ("permissions.json".to_string(), t)),
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pages = tree.files.len();
    let input = codegen::pipeline::Input { docs: tree, csdl_xml, permissions, ..Default::default() };
    let start = Instant::now();
    let out = codegen::pipeline::run(&input);
    let wall = start.elapsed();
    let bytes: usize = out.files.values().map(String::len).sum();
    // Each phase as `phase:<name>=<ms>` (spaces in names as `_`).
    let phases: Vec<String> =
        out.phases.iter().map(|(n, d)| format!("phase:{}={}", n.replace(' ', "_"), d.as_millis())).collect();
    println!(
        "bench-child docs_files={pages} wall_ms={} vmhwm_kib={} models={} builders={} operations={} examples={} files={} bytes={} {}",
        wall.as_millis(),
        vm_hwm_kib(),
        out.ir.models.len(),
        out.ir.builders.len(),
        out.ir.operations.len(),
        out.ir.examples.len(),
        out.files.len(),
        bytes,
        phases.join(" ")
    );
    ExitCode::SUCCESS
}

/// The `phase:<name>=<ms>` fields of a child's line, in order, as `name ms`.
fn phases(line: &str) -> String {
    let parts: Vec<String> = line
        .split_whitespace()
        .filter_map(|kv| kv.strip_prefix("phase:"))
        .filter_map(|kv| kv.split_once('='))
        .map(|(n, ms)| format!("{} {ms}", n.replace('_', " ")))
        .collect();
    parts.join(", ")
}

pub fn child(a: ChildArgs) -> ExitCode {
    if let Some(docs) = a.docs.clone() {
        return child_with_docs(&a, &docs);
    }
    let text = match crate::fsio::read_text(&a.csdl) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The renamed copies are made before the clock starts: only generation is measured.
    let texts: Vec<String> = (1..=a.copies.max(1)).map(|i| renamed_copy(&text, i)).collect();
    drop(text);
    let permissions = match a.permissions.as_deref().map(crate::fsio::read_text).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    // As `regen --permissions` runs it: the data read while the metadata is, its routes
    // resolved before lowering and matched after it.
    let (schema, data, read) = std::thread::scope(|scope| {
        let reading = permissions.as_deref().map(|text| codegen::permissions::Reading::start(scope, "permissions.json", text));
        let schema = scaled_schema(&texts);
        let read = start.elapsed();
        (schema, reading.map(|r| r.finish()), read)
    });
    let data = match data.transpose() {
        Ok(d) => d,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let namespaces: Vec<String> = schema.namespaces.keys().cloned().collect();
    let (mut lowered, _) = codegen::permissions::lower_and_attach(&schema, data.as_ref(), |routes| {
        lower::lower_with(&schema, &namespaces, &[], lower::Authority::Metadata, routes)
    });
    let lowered_at = start.elapsed();
    let settings = CrateSettings::default();
    codegen::ir::lower::assign_crates(&mut lowered.ir, &settings.package, settings.split);
    let files = match emit::emit_crate(&lowered.ir, &settings) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error[emit-failed]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let wall = start.elapsed();
    let bytes: usize = files.values().map(String::len).sum();
    let t = emit::text::counts();
    println!(
        "bench-child copies={} wall_ms={} read_ms={} lower_ms={} emit_ms={} vmhwm_kib={} models={} builders={} files={} bytes={} \
         text_items={} text_bytes={} fallback_items={} fallback_bytes={}",
        a.copies,
        wall.as_millis(),
        read.as_millis(),
        (lowered_at - read).as_millis(),
        (wall - lowered_at).as_millis(),
        vm_hwm_kib(),
        lowered.ir.models.len(),
        lowered.ir.builders.len(),
        files.len(),
        bytes,
        t.text_items,
        t.text_bytes,
        t.fallback_items,
        t.fallback_bytes
    );
    ExitCode::SUCCESS
}

fn field(line: &str, key: &str) -> u64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn run_child(exe: &Path, csdl: &Path, copies: usize, permissions: Option<&Path>) -> Result<String, String> {
    let mut cmd = Command::new(exe);
    cmd.args(["bench-child", "--csdl"]).arg(csdl).args(["--copies", &copies.to_string()]);
    if let Some(p) = permissions {
        cmd.arg("--permissions").arg(p);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines().find(|l| l.starts_with("bench-child")).map(str::to_string).ok_or_else(|| "no figures printed".into())
}

fn timed(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).lines().rev().take(15).collect::<Vec<_>>().join("\n"));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("warning:") {
        eprintln!("bench: the generated crate has warnings:\n{stderr}");
    }
    Ok(start.elapsed())
}

pub fn run(a: BenchArgs) -> ExitCode {
    let root = crate::workspace_root();
    let csdl = a.csdl.clone().unwrap_or_else(|| root.join("../shared/csdl/graph-v1.0.csdl.xml"));
    println!("bench: building the release xtask …");
    let status = Command::new(env!("CARGO")).args(["build", "--release", "--quiet", "-p", "xtask"]).current_dir(&root).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("error: `cargo build --release -p xtask` failed");
        return ExitCode::FAILURE;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let exe = target.join("release/xtask");

    // Generation at 1×, 2×, 4×: fastest of `runs` child processes each.
    let mut base_ms = 0u64;
    println!("generation (read + lower + emit + format, in memory; release; fastest of {} runs):", a.runs);
    for copies in [1usize, 2, 4] {
        let mut best: Option<String> = None;
        for _ in 0..a.runs.max(1) {
            match run_child(&exe, &csdl, copies, None) {
                Ok(line) => {
                    if best.as_ref().is_none_or(|b| field(&line, "wall_ms") < field(b, "wall_ms")) {
                        best = Some(line);
                    }
                }
                Err(e) => {
                    eprintln!("error: bench child failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let line = best.expect("at least one run");
        let ms = field(&line, "wall_ms");
        if copies == 1 {
            base_ms = ms.max(1);
        }
        println!(
            "  {copies}x: {:>6} ms (read {} + lower {} + emit/format {})  peak RSS {:>5} MiB  ratio {:.2}x  ({} models, {} builders, {} files, {:.1} MB)",
            ms,
            field(&line, "read_ms"),
            field(&line, "lower_ms"),
            field(&line, "emit_ms"),
            field(&line, "vmhwm_kib") / 1024,
            ms as f64 / base_ms as f64,
            field(&line, "models"),
            field(&line, "builders"),
            field(&line, "files"),
            field(&line, "bytes") as f64 / 1e6
        );
    }

    // With and without the permissions data, side by side (1×, fastest of `runs` each, the
    // runs interleaved so that a busy machine slows both alike).
    let permissions = a.permissions.clone().unwrap_or_else(|| root.join("../shared/permissions/permissions.json"));
    if permissions.exists() {
        let (mut without, mut with) = (u64::MAX, u64::MAX);
        for _ in 0..a.runs.max(1) {
            for (p, best) in [(None, &mut without), (Some(permissions.as_path()), &mut with)] {
                match run_child(&exe, &csdl, 1, p) {
                    Ok(line) => *best = (*best).min(field(&line, "wall_ms")),
                    Err(e) => {
                        eprintln!("error: bench child failed: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
        }
        println!(
            "generation with --permissions: {with} ms against {without} ms without (+{:.1}%; target at most +10%)",
            100.0 * (with as f64 - without as f64) / without.max(1) as f64
        );
    }

    // Docs + CSDL: the 2020 v1.0 pages over the metadata, the whole pipeline in memory.
    let docs = root.join("../shared/graph-docs-2020/v1.0");
    if docs.is_dir() {
        let mut best: Option<String> = None;
        for _ in 0..a.runs.max(1) {
            let out = Command::new(&exe).args(["bench-child", "--csdl"]).arg(&csdl).arg("--docs").arg(&docs).output();
            match out {
                Ok(o) if o.status.success() => {
                    let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
                    if best.as_ref().is_none_or(|b| field(&line, "wall_ms") < field(b, "wall_ms")) {
                        best = Some(line);
                    }
                }
                Ok(o) => {
                    eprintln!("error: bench child (docs) failed: {}", String::from_utf8_lossy(&o.stderr));
                    return ExitCode::FAILURE;
                }
                Err(e) => {
                    eprintln!("error: bench child (docs) failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        if let Some(line) = best {
            println!(
                "docs + CSDL (2020 v1.0 pages over the v1.0 metadata, in memory): {} ms, peak RSS {} MiB, {} operations, {} example tests, {:.1} MB of output (targets: <= 3 s, <= 1 GiB)",
                field(&line, "wall_ms"),
                field(&line, "vmhwm_kib") / 1024,
                field(&line, "operations"),
                field(&line, "examples"),
                field(&line, "bytes") as f64 / 1e6
            );
            println!("  phases (ms): {}", phases(&line));
        }
    }

    // End to end, as a user runs it: `regen --csdl … --out DIR` (reads, generates, writes).
    let crate_dir = a.dir.join("crate");
    let _ = std::fs::remove_dir_all(&crate_dir);
    let started = Instant::now();
    let regen = Command::new(&exe).arg("regen").arg("--csdl").arg(&csdl).arg("--out").arg(&crate_dir).output();
    match regen {
        Ok(o) if o.status.success() => {
            // regen's summary ends with where the time went: `(read …, generate …, write …)`.
            let summary = String::from_utf8_lossy(&o.stdout);
            let last = summary.lines().last().unwrap_or("");
            let phases = last.find("(read ").map(|i| &last[i + 1..last.len() - 1]).unwrap_or("");
            println!(
                "regen --csdl v1.0 --out DIR (cold output dir, writes every file): {:.2} s ({phases})",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(o) => {
            eprintln!("error: regen failed: {}", String::from_utf8_lossy(&o.stderr));
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: regen failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    if !a.no_check {
        if let Err(e) = crate_alone_checks(&a, &crate_dir) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(against) = &a.against {
        // The same output as one crate, beside the split one: what the split buys.
        let one_dir = a.dir.join("crate-one");
        let _ = std::fs::remove_dir_all(&one_dir);
        if let Err(e) = timed(Command::new(&exe).arg("regen").arg("--csdl").arg(&csdl).arg("--crates").arg("one").arg("--out").arg(&one_dir)) {
            eprintln!("error: regen --crates one failed: {e}");
            return ExitCode::FAILURE;
        }
        if let Err(e) = side_by_side(&exe, &a, &crate_dir, &one_dir, against) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// `xtask bench-peak CMD …`: runs CMD and prints its wall time and the largest peak RSS of the
/// processes it waited for (for `cargo check`, the biggest `rustc`).
pub fn peak(a: PeakArgs) -> ExitCode {
    let start = Instant::now();
    let status = Command::new(&a.cmd[0]).args(&a.cmd[1..]).status();
    let wall = start.elapsed();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("error: `{}` exited with {s}", a.cmd.join(" "));
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: `{}`: {e}", a.cmd[0]);
            return ExitCode::FAILURE;
        }
    }
    println!("bench-peak wall_ms={} peak_kib={}", wall.as_millis(), children_peak_kib());
    ExitCode::SUCCESS
}

#[cfg(unix)]
fn children_peak_kib() -> u64 {
    // SAFETY: `rusage` is plain data; getrusage only writes into the value we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) } == 0 {
        u64::try_from(ru.ru_maxrss).unwrap_or(0)
    } else {
        0
    }
}

#[cfg(not(unix))]
fn children_peak_kib() -> u64 {
    0
}
