//! The `cargo check` half of `cargo xtask bench`: the generated crate alone (every part
//! touched, dependencies prebuilt) and the side-by-side cold checks against another crate
//! (`--against`), each in a fresh target dir with its peak RSS.

use super::rustc_times;
use super::{field, timed, BenchArgs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub(super) fn crate_alone_checks(a: &BenchArgs, crate_dir: &Path) -> Result<(), String> {
    // cargo check of the generated crate alone: dependencies prebuilt by a first check, then
    // the crate is touched and checked again. Incremental compilation is off for both checks:
    // with it, the second check reuses the first one's query results and measures almost
    // nothing (a user's first build of the crate has no such cache).
    let check_target = a.dir.join("target");
    // The timed check runs with this xtask as `RUSTC_WRAPPER`, which logs each crate's rustc.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let times_log = a.dir.join("rustc-times.log");
    let cargo_check = |features: &[&str], log: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg("check").args(features).current_dir(crate_dir).env("CARGO_TARGET_DIR", &check_target).env("CARGO_INCREMENTAL", "0");
        if let Some(log) = log {
            cmd.env("RUSTC_WRAPPER", &exe).env(rustc_times::LOG_ENV, log);
        }
        timed(&mut cmd)
    };
    // Every crate of the output: the root one and, when split, each part.
    let mut libs = vec![crate_dir.join("src/lib.rs")];
    if let Ok(parts) = std::fs::read_dir(crate_dir.join("parts")) {
        let mut more: Vec<PathBuf> = parts.flatten().map(|e| e.path().join("src/lib.rs")).filter(|p| p.exists()).collect();
        more.sort();
        libs.extend(more);
    }
    let check = |features: &[&str]| -> Result<(Duration, Vec<rustc_times::CrateRun>), String> {
        cargo_check(features, None)?;
        for lib in &libs {
            std::fs::write(lib, std::fs::read(lib).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        }
        let _ = std::fs::remove_file(&times_log);
        let since = rustc_times::now();
        let d = cargo_check(features, Some(&times_log))?;
        Ok((d, rustc_times::read(&times_log, since)))
    };
    println!(
        "cargo check of the generated crate alone ({} crate{}; dependencies prebuilt, target {}):",
        libs.len(),
        if libs.len() == 1 { "" } else { "s checked in parallel" },
        check_target.display()
    );
    for (label, args) in [
        ("no features".to_string(), vec![]),
        (format!("--features {}", a.feature), vec!["--features", a.feature.as_str()]),
        ("--features users".to_string(), vec!["--features", "users"]),
        ("--all-features".to_string(), vec!["--all-features"]),
    ] {
        let (d, rows) = check(&args).map_err(|e| format!("cargo check {label} failed:\n{e}"))?;
        println!("  {label:<24} {:>7.2} s", d.as_secs_f64());
        if rows.len() > 1 {
            println!("      {}", rustc_times::summary(&rows, d.as_secs_f64(), "graph_generated_"));
        }
    }
    Ok(())
}

/// One build of the side-by-side comparison: a one-line crate at `dir` whose only dependency
/// is `dep` (a TOML line), with `profile` (TOML, maybe empty) after it.
struct Contender {
    label: String,
    dir: PathBuf,
    dep: String,
    profile: &'static str,
}

impl Contender {
    /// Writes the crate, then resolves and downloads its dependencies (the network is not
    /// part of the figure).
    fn prepare(&self) -> Result<(), String> {
        let dir = &self.dir;
        let io = |e: std::io::Error| format!("{}: {e}", dir.display());
        std::fs::create_dir_all(dir.join("src")).map_err(io)?;
        let manifest = format!(
            "# Written by `cargo xtask bench --against`: a one-line crate, to time a cold check of its dependency.\n\
             [package]\nname = \"bench-consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{}\n{}\n[workspace]\n",
            self.dep, self.profile
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
        std::fs::write(dir.join("src/lib.rs"), "").map_err(io)?;
        let out = Command::new(env!("CARGO")).args(["fetch", "--quiet"]).current_dir(dir).output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!("cargo fetch in {} failed:\n{}", dir.display(), String::from_utf8_lossy(&out.stderr)));
        }
        Ok(())
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Cold `cargo check` of the generated crate (every area, as a path dependency) and of another
/// crate from crates.io, side by side in one run.
pub(super) fn side_by_side(exe: &Path, a: &BenchArgs, crate_dir: &Path, one_dir: &Path, against: &str) -> Result<(), String> {
    let (name, version) = match against.split_once('@') {
        Some((n, v)) => (n, format!("={v}")),
        None => (against, "*".to_string()),
    };
    // A generated crate as the one dependency, every area on.
    let dependency = |dir: &Path| -> Result<String, String> {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| format!("{}: {e}", dir.display()))?;
        let features = if manifest.contains("\nfull = [") { ", features = [\"full\"]" } else { "" };
        Ok(format!("graph-generated = {{ path = {:?}{features} }}", dir.display().to_string()))
    };
    let ours = dependency(crate_dir)?;
    let one = dependency(one_dir)?;
    // A path dependency is built with incremental compilation, as the workspace's own crates
    // are; a registry or git dependency is not. Both are shown: the profile override is what a
    // consumer of the generated crate by path can add to build it like a registry dependency.
    // (`"*"`: every crate of a split output; registry crates are built so anyway.)
    let no_incr = "[profile.dev.package.\"*\"]\nincremental = false\n";
    let mut contenders = vec![
        Contender { label: against.to_string(), dir: a.dir.join("vs-theirs"), dep: format!("{name} = {version:?}"), profile: "" },
        Contender { label: "ours, every area".into(), dir: a.dir.join("vs-ours"), dep: ours.clone(), profile: no_incr },
        Contender { label: "ours, every area, incremental".into(), dir: a.dir.join("vs-ours-incremental"), dep: ours, profile: "" },
        Contender { label: "ours, every area, one crate".into(), dir: a.dir.join("vs-ours-one"), dep: one, profile: no_incr },
    ];
    for (k, also) in a.also.iter().enumerate() {
        let Some((label, dir)) = also.split_once('=') else {
            return Err(format!("--also {also}: expected LABEL=DIR"));
        };
        let dep = dependency(Path::new(dir))?;
        contenders.push(Contender { label: label.to_string(), dir: a.dir.join(format!("vs-also-{}", k + 1)), dep, profile: no_incr });
    }
    for c in &contenders {
        c.prepare()?;
    }
    println!(
        "side by side: cold `cargo check` of a one-line crate depending on each (fresh target dir per build, {} rounds, order rotating):",
        a.rounds
    );
    let mut secs: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut peaks: Vec<u64> = vec![0; contenders.len()];
    for round in 0..a.rounds.max(1) {
        let mut line = format!("  round {}:", round + 1);
        for k in 0..contenders.len() {
            let i = (k + round) % contenders.len();
            let c = &contenders[i];
            let target = c.dir.join("target");
            let _ = std::fs::remove_dir_all(&target);
            let out = Command::new(exe)
                .args(["bench-peak", env!("CARGO"), "check", "--quiet"])
                .current_dir(&c.dir)
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("CARGO_INCREMENTAL")
                .output()
                .map_err(|e| e.to_string())?;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let figures = stdout.lines().find(|l| l.starts_with("bench-peak"));
            let (Some(figures), true) = (figures, out.status.success()) else {
                return Err(format!("cargo check of {} failed:\n{}", c.label, String::from_utf8_lossy(&out.stderr)));
            };
            let s = field(figures, "wall_ms") as f64 / 1000.0;
            let kib = field(figures, "peak_kib");
            secs[i].push(s);
            peaks[i] = peaks[i].max(kib);
            line.push_str(&format!("  {} {s:.1} s ({:.2} GiB)", c.label, kib as f64 / (1024.0 * 1024.0)));
        }
        println!("{line}");
    }
    let theirs: Vec<f64> = secs[0].clone();
    for (i, c) in contenders.iter().enumerate() {
        let mut ratios: Vec<f64> = secs[i].iter().zip(&theirs).map(|(o, t)| o / t).collect();
        let ratio = median(&mut ratios);
        let m = median(&mut secs[i].clone());
        let vs = if i == 0 { String::new() } else { format!(", median ratio to {against} {ratio:.2}x") };
        println!("  {:<34} median {m:>6.1} s, peak RSS {:.2} GiB{vs}", c.label, peaks[i] as f64 / (1024.0 * 1024.0));
    }
    Ok(())
}
