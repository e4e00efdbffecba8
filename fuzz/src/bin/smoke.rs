//! Stable-toolchain fuzz harness: runs every target (or the ones named) for N seconds each
//! over inputs mutated from seed files, with no coverage feedback. It finds what random
//! mutation finds: panics, and inputs that take far too long.
//!
//! ```text
//! cargo run --release --no-default-features --bin smoke -- [SECONDS] [TARGET…]
//! ```
//! (from `fuzz/`). Seeds: `fuzz/corpus/<target>/` when present, plus the repository's own
//! pages and schema files and `../shared` beside the repository. A crashing or slow input
//! is written to `fuzz/artifacts/<target>/` (the libFuzzer layout, so `cargo fuzz run
//! <target> <file>` replays it) and the exit status is 1. `SMOKE_SEED=n` fixes the
//! random seed (default: the clock; printed either way).

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One input taking longer than this is reported (and saved) as slow.
const SLOW: Duration = Duration::from_secs(2);
/// One input taking longer than this is a hang: saved, and the run stops.
const HANG: Duration = Duration::from_secs(60);
const MAX_INPUT: usize = 256 * 1024;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const DICT: &[&str] = &[
    "<!-- {", "-->", "}", "{", "```", "```http\n", "~~~", "\n---\n", "|", "|---|---|\n", "[!INCLUDE [x](../includes/",
    "Inherits from ", "Namespace: microsoft.graph.", "# ", "## Properties\n", "## Examples\n", "## HTTP request\n",
    "GET /", "POST https://graph.microsoft.com/beta/", "HTTP/1.1 200 OK\n", "\"@odata.type\": \"#microsoft.graph.",
    "\u{feff}", "\r\n", "\u{1F600}", "<br/>", "`", "\\", " collection", "Collection(", "<", ">", "/>", "</Schema>",
    "<EntityType Name=\"a\" BaseType=\"a\">", "<Annotations Target=\"(\">", "&amp;", "&#xD800;", "<![CDATA[", "]]>",
    "$Kind: EntityType", "$BaseType: ", ": ", "- ", "&a", "*a", "!!binary", "'", "\"", "\t", "\0",
];

fn mutate(rng: &mut Rng, seed: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = b.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            2 | 3 => {
                let t = DICT[rng.below(DICT.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            4 => {
                let end = (at + 1 + rng.below(256)).min(len);
                b.drain(at..end);
            }
            5 => {
                let end = (at + 1 + rng.below(256)).min(len);
                let chunk = b[at..end].to_vec();
                let reps = 1 + rng.below(4);
                for _ in 0..reps {
                    b.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                b.truncate(at);
                b.extend_from_slice(&other[from..]);
            }
            7 => b.truncate(at),
            8 => {
                let n = rng.below(64);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, bytes);
            }
            _ => {
                // Delete or duplicate a whole line.
                let start = b[..at].iter().rposition(|c| *c == b'\n').map_or(0, |i| i + 1);
                let end = b[at..].iter().position(|c| *c == b'\n').map_or(len, |i| at + i + 1);
                if rng.below(2) == 0 {
                    b.drain(start..end);
                } else {
                    let line = b[start..end].to_vec();
                    b.splice(start..start, line);
                }
            }
        }
    }
    b.truncate(MAX_INPUT);
    b
}

fn files_under(dir: &Path, ext: &[&str], out: &mut Vec<Vec<u8>>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if ext.is_empty() || ext.iter().any(|e| p.to_string_lossy().ends_with(e)) {
            if let Ok(b) = fs::read(&p) {
                if b.len() <= MAX_INPUT {
                    out.push(b);
                }
            }
        }
    }
}

fn seeds(fuzz: &Path, target: &str) -> Vec<Vec<u8>> {
    let repo = fuzz.parent().unwrap_or(fuzz);
    let shared = repo.join("../shared");
    let mut out = Vec::new();
    files_under(&fuzz.join("corpus").join(target), &[], &mut out);
    match target {
        "markdown_page" | "tolerant_page" => {
            files_under(&repo.join("schema/docs"), &[".md"], &mut out);
            files_under(&shared.join("graph-docs/beta"), &[".md"], &mut out);
            files_under(&shared.join("seeds"), &[], &mut out);
        }
        "csdl_yaml" => {
            files_under(&repo.join("schema"), &[".csdl.yaml"], &mut out);
            files_under(&repo.join("codegen/src/builtin"), &[".yaml"], &mut out);
        }
        "csdl_xml" => {
            // The real metadata is too large for one input: windows of whole lines of it,
            // each wrapped as a document, as extra seeds.
            if let Ok(text) = fs::read_to_string(shared.join("csdl/graph-beta-usnat.csdl.xml")) {
                let lines: Vec<&str> = text.lines().collect();
                let head = lines.iter().take(4).copied().collect::<Vec<_>>().join("\n");
                for start in (4..lines.len()).step_by(2500).take(8) {
                    let body = lines[start..(start + 300).min(lines.len())].join("\n");
                    out.push(format!("{head}\n{body}\n</Schema></edmx:DataServices></edmx:Edmx>\n").into_bytes());
                }
            }
        }
        "pipeline" => {
            // Whole small trees in the target's format: pieces separated by NUL bytes.
            let docs = repo.join("schema/docs");
            let pick = |rel: &str| fs::read(docs.join(rel)).unwrap_or_default();
            for (res, api) in [
                ("resources/cloudlicensing-allotment.md", "api/cloudlicensing-allotment-get.md"),
                ("resources/cloudlicensing-assignment.md", "api/cloudlicensing-assignment-get.md"),
                ("resources/cloudlicensing-usageright.md", "api/cloudlicensing-usageright-get.md"),
            ] {
                let mut b = pick(res);
                b.push(0);
                b.extend(pick(api));
                b.push(0);
                b.extend(pick("resources/cloudlicensing-service.md"));
                out.push(b);
            }
        }
        _ => {}
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

fn save(fuzz: &Path, target: &str, kind: &str, input: &[u8]) -> PathBuf {
    let dir = fuzz.join("artifacts").join(target);
    let _ = fs::create_dir_all(&dir);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in input {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
    }
    let p = dir.join(format!("{kind}-{h:016x}"));
    let _ = fs::write(&p, input);
    p
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(10);
    let only: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let seed = std::env::var("SMOKE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1));
    println!("smoke: {secs} s per target, SMOKE_SEED={seed}");

    // Panics are caught and reported by the loop; keep the default hook quiet.
    let last_panic: Arc<Mutex<String>> = Arc::new(Mutex::new(String::new()));
    {
        let last = last_panic.clone();
        panic::set_hook(Box::new(move |info| {
            if let Ok(mut l) = last.lock() {
                *l = info.to_string();
            }
        }));
    }
    // Watchdog: an input running past HANG is saved and the process exits.
    let current: Arc<Mutex<(String, Vec<u8>)>> = Arc::new(Mutex::new((String::new(), Vec::new())));
    let started = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    {
        let (current, started, fuzz) = (current.clone(), started.clone(), fuzz.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            let s = started.load(Ordering::Relaxed);
            if s != 0 && epoch.elapsed().as_millis() as u64 - s > HANG.as_millis() as u64 {
                if let Ok(c) = current.lock() {
                    let p = save(&fuzz, &c.0, "timeout", &c.1);
                    eprintln!("HANG in {}: input saved to {}", c.0, p.display());
                }
                std::process::exit(1);
            }
        });
    }
    {
        let mut failed = false;
        for (name, f) in codegen_fuzz::TARGETS {
            if !only.is_empty() && !only.contains(name) {
                continue;
            }
            let seeds = seeds(&fuzz, name);
            let mut rng = Rng(seed ^ (name.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let t0 = Instant::now();
            let (mut runs, mut crashes, mut slow) = (0u64, 0u64, 0u64);
            let mut slowest = Duration::ZERO;
            while t0.elapsed() < Duration::from_secs(secs) {
                let base = &seeds[rng.below(seeds.len())];
                // Now and then an input of pure noise.
                let input = if rng.below(20) == 0 {
                    (0..rng.below(4096)).map(|_| rng.next() as u8).collect()
                } else {
                    mutate(&mut rng, base, &seeds)
                };
                if let Ok(mut c) = current.lock() {
                    *c = (name.to_string(), input.clone());
                }
                let t = Instant::now();
                started.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
                let r = panic::catch_unwind(AssertUnwindSafe(|| f(&input)));
                started.store(0, Ordering::Relaxed);
                let took = t.elapsed();
                slowest = slowest.max(took);
                runs += 1;
                if r.is_err() {
                    crashes += 1;
                    let p = save(&fuzz, name, "crash", &input);
                    let msg = last_panic.lock().map(|m| m.clone()).unwrap_or_default();
                    eprintln!("CRASH in {name}: {msg}\n  input saved to {}", p.display());
                } else if took > SLOW {
                    slow += 1;
                    let p = save(&fuzz, name, "slow", &input);
                    eprintln!("SLOW in {name}: {took:.2?} for {} bytes; input saved to {}", input.len(), p.display());
                }
            }
            failed |= crashes > 0 || slow > 0;
            println!(
                "{name:<14} {runs:>8} runs in {:>5.1?}  {crashes} crashes  {slow} slow  slowest {slowest:.1?}  ({} seeds)",
                t0.elapsed(),
                seeds.len()
            );
        }
        std::process::exit(i32::from(failed));
    }
}
