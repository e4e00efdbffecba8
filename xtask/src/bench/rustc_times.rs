//! When and for how long `rustc` ran on each crate of a `cargo check`: `bench` runs its timed
//! crate-alone checks with this xtask as `RUSTC_WRAPPER`, which runs the real `rustc` and
//! appends one line per crate to a log. With at most as many crates at once as cores, the
//! summed times are the CPU the check needs, and the timeline shows what waited for what.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{SystemTime, UNIX_EPOCH};

/// Set (to the log's path) when this executable runs as `RUSTC_WRAPPER`.
pub(crate) const LOG_ENV: &str = "XTASK_RUSTC_TIMES_LOG";

/// Seconds since the epoch: what the log's times are in.
pub(crate) fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Runs `rustc` as Cargo asked (`argv[1]` is the compiler, the rest its arguments) and logs
/// `crate start end` (seconds since the epoch) for a compilation; Cargo's probes (no crate
/// name, or its `___`) are not logged.
pub(crate) fn wrap(log: &OsStr) -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(rustc) = args.next() else {
        eprintln!("error: {LOG_ENV} is set, but no compiler was given to run");
        return ExitCode::FAILURE;
    };
    let args: Vec<OsString> = args.collect();
    let name = args.windows(2).find(|w| w[0] == "--crate-name").map(|w| w[1].to_string_lossy().into_owned());
    let start = now();
    let status = match Command::new(&rustc).args(&args).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: running {}: {e}", Path::new(&rustc).display());
            return ExitCode::FAILURE;
        }
    };
    if let Some(name) = name.filter(|n| n != "___") {
        // One short line per write: appends of whole lines from parallel rustc runs do not mix.
        let line = format!("{name} {start:.3} {:.3}\n", now());
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = f.write_all(line.as_bytes());
        }
    }
    ExitCode::from(status.code().map(|c| c.clamp(0, 255) as u8).unwrap_or(1))
}

/// One crate's `rustc` run in a check: seconds from the check's start.
#[derive(Debug, PartialEq)]
pub(crate) struct CrateRun {
    pub name: String,
    pub start: f64,
    pub end: f64,
}

/// The crates of one check, timed from `since`, by start.
pub(crate) fn read(log: &Path, since: f64) -> Vec<CrateRun> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut rows: Vec<CrateRun> = text
        .lines()
        .filter_map(|l| {
            let mut it = l.split(' ');
            let (n, s, e) = (it.next()?, it.next()?.parse::<f64>().ok()?, it.next()?.parse::<f64>().ok()?);
            Some(CrateRun { name: n.to_string(), start: s - since, end: e - since })
        })
        .collect();
    rows.sort_by(|a, b| a.start.total_cmp(&b.start).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// `busy B s over W s; name start–end · …` (names without the package prefix `prefix`).
pub(crate) fn summary(rows: &[CrateRun], wall: f64, prefix: &str) -> String {
    let busy: f64 = rows.iter().map(|r| r.end - r.start).sum();
    let items: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {:.1}–{:.1}", r.name.strip_prefix(prefix).unwrap_or(&r.name), r.start, r.end))
        .collect();
    format!("rustc busy {busy:.1} s in {wall:.1} s; {}", items.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_start_and_summed() {
        let dir = std::env::temp_dir().join(format!("xtask-rustc-times-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("log");
        std::fs::write(&log, "b 101.0 104.0\na 100.5 101.5\nbad line\n").unwrap();
        let rows = read(&log, 100.0);
        let run = |n: &str, start: f64, end: f64| CrateRun { name: n.into(), start, end };
        assert_eq!(rows, vec![run("a", 0.5, 1.5), run("b", 1.0, 4.0)]);
        assert_eq!(summary(&rows, 4.2, ""), "rustc busy 4.0 s in 4.2 s; a 0.5–1.5 · b 1.0–4.0");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
