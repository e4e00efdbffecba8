//! Loading inputs and writing outputs. Writes are staged: every changed file is first written
//! beside its target as a temporary file; only when all of them are written are they renamed
//! into place and stale files deleted. A failure before that leaves every file as it was.

use codegen::docs::DocTree;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Reads a file as UTF-8 text (invalid bytes are replaced, so a bad page is still reported
/// with its place rather than refused whole).
pub fn read_text(p: &Path) -> Result<String, String> {
    read_text_checked(p).map(|(text, _)| text)
}

/// Like [`read_text`], and also the line and column (1-based; column in characters) of the
/// first invalid byte when the file was not valid UTF-8.
pub fn read_text_checked(p: &Path) -> Result<(String, Option<(u32, u32)>), String> {
    let bytes = fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // The valid prefix is valid UTF-8 by definition.
            let prefix = std::str::from_utf8(valid).unwrap_or("");
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let at = (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX));
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    })
}

/// Loads every `.md`/`.txt` file under `dir` (recursively) by `/`-separated relative path.
pub fn load_tree(dir: &Path) -> Result<DocTree, String> {
    let meta = fs::metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut tree = DocTree::default();
    if meta.is_file() {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (text, bad) = read_text_checked(dir)?;
        if let Some(at) = bad {
            tree.not_utf8.insert(name.clone(), at);
        }
        tree.files.insert(name, text);
        return Ok(tree);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
            let path = entry.path();
            let ft = entry.file_type().map_err(|e| format!("{}: {e}", path.display()))?;
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
                if ext == "md" || ext == "txt" {
                    let rel = path.strip_prefix(dir).unwrap_or(&path);
                    let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                    let (text, bad) = read_text_checked(&path)?;
                    if let Some(at) = bad {
                        tree.not_utf8.insert(key.clone(), at);
                    }
                    tree.files.insert(key, text);
                }
            }
        }
    }
    Ok(tree)
}

/// Reads an optional input file (`--csdl`, `--permissions`) as (display path, text).
pub fn load_csdl(path: Option<&Path>) -> Result<Option<(String, String)>, String> {
    path.map(|p| read_text(p).map(|t| (p.display().to_string(), t))).transpose()
}

/// The inputs of `regen` and `report`: the docs tree (none when `docs` is `None`) and the
/// optional CSDL file.
pub fn load_inputs(docs: Option<&Path>, csdl: Option<&Path>) -> Result<(DocTree, Option<(String, String)>), String> {
    let tree = match docs {
        Some(d) => load_tree(d)?,
        None => DocTree::default(),
    };
    Ok((tree, load_csdl(csdl)?))
}

/// How diagnostics name files of a docs tree: relative to the workspace when inside it.
pub fn display_prefix(root: &Path, docs: &Path) -> String {
    let abs = fs::canonicalize(docs).unwrap_or_else(|_| docs.to_path_buf());
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let shown = match abs.strip_prefix(&root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => docs.to_path_buf(),
    };
    let s = shown.display().to_string();
    if s.is_empty() || s.ends_with('/') { s } else { format!("{s}/") }
}

struct DirPlan {
    root: PathBuf,
    files: BTreeMap<String, String>,
    owns: fn(&str) -> bool,
}

/// The files regen wants, per output directory, and which existing files it owns there.
#[derive(Default)]
pub struct Plan {
    dirs: Vec<DirPlan>,
}

pub struct Stale {
    pub path: PathBuf,
    pub diff: String,
}

#[derive(Debug, Default)]
pub struct ApplyStats {
    pub written: usize,
    pub unchanged: usize,
    pub deleted: usize,
    /// Wall time of comparing and staging, of making the staged files durable, and of the
    /// renames and deletions that commit them.
    pub stage: std::time::Duration,
    pub sync: std::time::Duration,
    pub commit: std::time::Duration,
}

/// Files under `root` that regen owns (recursively for the crate, top level for schema/).
fn owned_files(root: &Path, owns: fn(&str) -> bool, recursive: bool) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d)? {
            let e = e?;
            let ft = e.file_type()?;
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let name = e.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                // Never into build output or hidden directories (`.git`): not ours.
                if recursive && name != "target" && !name.starts_with('.') {
                    stack.push(p);
                }
            } else if ft.is_file() && owns(&key) && (!recursive || is_generated(&p)) {
                out.push(key);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether a file in a generated crate was written by regen (its first line has
/// [`GENERATED_MARK`](codegen::emit::GENERATED_MARK)): only such files are ever deleted there,
/// so `--out DIR` pointed at a directory with other files in it (a `Cargo.lock`, say) never
/// removes them.
fn is_generated(p: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 256];
    let n = fs::File::open(p).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let first = head[..n].split(|b| *b == b'\n').next().unwrap_or(&[]);
    let mark = codegen::emit::GENERATED_MARK.as_bytes();
    first.windows(mark.len()).any(|w| w == mark)
}

/// Refuses paths that leave `root` or pass through a symlink below it. `dirs` holds the
/// directories below `root` already found not to be symlinks (each is looked at once, not
/// once per file in it); the file itself is always looked at.
fn safe_target(root: &Path, rel: &str, dirs: &mut std::collections::HashSet<PathBuf>) -> io::Result<PathBuf> {
    if rel.split('/').any(|s| s == ".." || s.is_empty()) || rel.starts_with('/') {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write `{rel}` outside the output directory")));
    }
    let mut p = root.to_path_buf();
    let mut segs = rel.split('/').peekable();
    while let Some(seg) = segs.next() {
        p.push(seg);
        let is_dir = segs.peek().is_some();
        if is_dir && dirs.contains(&p) {
            continue;
        }
        if let Ok(m) = fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("refusing to write through the symlink {}", p.display()),
                ));
            }
        }
        if is_dir {
            dirs.insert(p.clone());
        }
    }
    Ok(p)
}

/// Threads for file system work: it waits on the kernel, not on a core, so more threads than
/// cores keep the file system busy.
const IO_THREADS: usize = 8;

/// `f` over `items` on [`IO_THREADS`] threads; the first error, if any.
fn io_all<T: Sync>(items: &[T], f: impl Fn(&T) -> io::Result<()> + Sync) -> io::Result<()> {
    let done = codegen::emit::parallel_map_with(IO_THREADS, items, f);
    if done.len() != items.len() {
        return Err(io::Error::other("an I/O thread panicked"));
    }
    done.into_iter().collect()
}

/// Names of the entries of each directory in `dirs` (a directory that does not exist has
/// none): one listing per directory instead of one failed open per file of a new crate.
fn existing_names<'a>(dirs: impl Iterator<Item = &'a Path>) -> io::Result<std::collections::HashSet<PathBuf>> {
    let mut out = std::collections::HashSet::new();
    for d in dirs {
        let entries = match fs::read_dir(d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for e in entries {
            out.insert(e?.path());
        }
    }
    Ok(out)
}

/// Creates `tmp` fresh (never through a link) with `text`. A leftover of an earlier run (or
/// a planted symlink) in its place is removed first.
fn write_new(tmp: &Path, text: &str) -> io::Result<()> {
    let open = || fs::OpenOptions::new().write(true).create_new(true).open(tmp);
    let mut f = match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(tmp)?;
            open()?
        }
        r => r?,
    };
    io::Write::write_all(&mut f, text.as_bytes())
}

fn short_diff(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(2).header("checked-in", "regenerated").to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > 30 {
        format!("{}\n  … {} more diff lines", lines[..30].join("\n"), lines.len() - 30)
    } else {
        text
    }
}

impl Plan {
    pub fn dir(&mut self, root: &Path, files: BTreeMap<String, String>, owns: fn(&str) -> bool) {
        self.dirs.push(DirPlan { root: root.to_path_buf(), files, owns });
    }

    pub fn len(&self) -> usize {
        self.dirs.iter().map(|d| d.files.len()).sum()
    }

    fn recursive(d: &DirPlan) -> bool {
        d.files.keys().any(|k| k.contains('/'))
    }

    /// Files whose contents differ, are missing, or should no longer exist.
    pub fn stale(&self) -> io::Result<Vec<Stale>> {
        let mut out = Vec::new();
        for d in &self.dirs {
            for (rel, want) in &d.files {
                let p = d.root.join(rel);
                match fs::read(&p) {
                    Ok(have) if have == want.as_bytes() => {}
                    Ok(have) => out.push(Stale { path: p, diff: short_diff(&String::from_utf8_lossy(&have), want) }),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        out.push(Stale { path: p, diff: "  (missing: regen would create it)".into() })
                    }
                    Err(e) => return Err(e),
                }
            }
            for rel in owned_files(&d.root, d.owns, Self::recursive(d))? {
                if !d.files.contains_key(&rel) {
                    out.push(Stale { path: d.root.join(&rel), diff: "  (no longer generated: regen would delete it)".into() });
                }
            }
        }
        Ok(out)
    }

    /// Stages every changed file, then commits them all (renames) and deletes stale ones.
    pub fn apply(&self) -> io::Result<ApplyStats> {
        let started = std::time::Instant::now();
        let mut stats = ApplyStats::default();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut delete: Vec<PathBuf> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        let tag = format!(".regen-{}.tmp", std::process::id());
        let result = (|| -> io::Result<()> {
            // Every target, checked for escapes and symlinks (each directory once).
            let mut wanted: Vec<(PathBuf, &str)> = Vec::new();
            for d in &self.dirs {
                fs::create_dir_all(&d.root)?;
                let mut dirs = std::collections::HashSet::new();
                for (rel, want) in &d.files {
                    wanted.push((safe_target(&d.root, rel, &mut dirs)?, want.as_str()));
                }
                for rel in owned_files(&d.root, d.owns, Self::recursive(d))? {
                    if !d.files.contains_key(&rel) && !rel.ends_with(&tag) {
                        delete.push(safe_target(&d.root, &rel, &mut dirs)?);
                    }
                }
            }
            // Which targets differ: those that exist are read and compared on several threads.
            let parents: std::collections::BTreeSet<&Path> = wanted.iter().filter_map(|(t, _)| t.parent()).collect();
            let existing = existing_names(parents.into_iter())?;
            let same = codegen::emit::parallel_map_with(IO_THREADS, &wanted, |(target, want)| {
                existing.contains(target) && fs::read(target).map(|h| h == want.as_bytes()).unwrap_or(false)
            });
            if same.len() != wanted.len() {
                return Err(io::Error::other("an I/O thread panicked"));
            }
            let mut changed: Vec<(PathBuf, &str)> = Vec::new();
            for ((target, want), same) in wanted.into_iter().zip(same) {
                if same {
                    stats.unchanged += 1;
                } else {
                    changed.push((target, want));
                }
            }
            // The directories they need, made once each; those made here are remembered, to
            // take them away on failure.
            let parents: std::collections::BTreeSet<&Path> = changed.iter().filter_map(|(t, _)| t.parent()).collect();
            for parent in parents {
                let mut missing: Vec<PathBuf> = parent.ancestors().take_while(|a| !a.exists()).map(Path::to_path_buf).collect();
                fs::create_dir_all(parent)?;
                missing.reverse();
                created.extend(missing);
            }
            staged = changed.iter().map(|(target, _)| (PathBuf::from(format!("{}{tag}", target.display())), target.clone())).collect();
            let jobs: Vec<(&Path, &str)> = staged.iter().zip(&changed).map(|((tmp, _), (_, want))| (tmp.as_path(), *want)).collect();
            io_all(&jobs, |(tmp, want)| write_new(tmp, want))
        })();
        stats.stage = started.elapsed();
        // Staged files reach the disk before any rename commits them: `fsync` from several
        // threads, so the file system can batch them (one after another they were most of the
        // time of writing a crate of thousands of files).
        let tmps: Vec<&Path> = staged.iter().map(|(tmp, _)| tmp.as_path()).collect();
        let result = result.and_then(|()| io_all(&tmps, |p| fs::File::open(p)?.sync_all()));
        stats.sync = started.elapsed() - stats.stage;
        // Before anything is committed: every target must be a plain file or not exist yet
        // (a directory or symlink there would fail the rename half-way through).
        let result = result.and_then(|()| {
            for (_, target) in &staged {
                match fs::symlink_metadata(target) {
                    Ok(m) if !m.file_type().is_file() => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            format!("{} exists and is not a regular file", target.display()),
                        ))
                    }
                    _ => {}
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            for d in created.iter().rev() {
                let _ = fs::remove_dir(d);
            }
            return Err(e);
        }
        for (i, (tmp, target)) in staged.iter().enumerate() {
            if let Err(e) = fs::rename(tmp, target) {
                for (tmp, _) in &staged[i..] {
                    let _ = fs::remove_file(tmp);
                }
                return Err(e);
            }
            stats.written += 1;
        }
        for p in &delete {
            fs::remove_file(p)?;
            stats.deleted += 1;
        }
        stats.commit = started.elapsed() - stats.stage - stats.sync;
        Ok(stats)
    }
}
