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

/// Refuses paths that leave `root` or pass through a symlink below it.
fn safe_target(root: &Path, rel: &str) -> io::Result<PathBuf> {
    if rel.split('/').any(|s| s == ".." || s.is_empty()) || rel.starts_with('/') {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write `{rel}` outside the output directory")));
    }
    let mut p = root.to_path_buf();
    for seg in rel.split('/') {
        p.push(seg);
        if let Ok(m) = fs::symlink_metadata(&p) {
            if m.file_type().is_symlink() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("refusing to write through the symlink {}", p.display()),
                ));
            }
        }
    }
    Ok(p)
}

/// `fsync`s every file of `paths`, from several threads; the first error, if any.
fn sync_all<'a>(paths: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    let paths: Vec<&Path> = paths.collect();
    // I/O bound: more threads than cores, so the file system has many to batch.
    let done = codegen::emit::parallel_map_with(8, &paths, |p| fs::File::open(p)?.sync_all());
    if done.len() != paths.len() {
        return Err(io::Error::other("sync thread panicked"));
    }
    done.into_iter().collect()
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
        let mut stats = ApplyStats::default();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut delete: Vec<PathBuf> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        let tag = format!(".regen-{}.tmp", std::process::id());
        let result = (|| -> io::Result<()> {
            for d in &self.dirs {
                fs::create_dir_all(&d.root)?;
                for (rel, want) in &d.files {
                    let target = safe_target(&d.root, rel)?;
                    if fs::read(&target).map(|h| h == want.as_bytes()).unwrap_or(false) {
                        stats.unchanged += 1;
                        continue;
                    }
                    if let Some(parent) = target.parent() {
                        // Remember the directories made here, to take them away on failure.
                        let mut missing: Vec<PathBuf> = parent.ancestors().take_while(|a| !a.exists()).map(Path::to_path_buf).collect();
                        fs::create_dir_all(parent)?;
                        missing.reverse();
                        created.extend(missing);
                    }
                    let tmp = PathBuf::from(format!("{}{tag}", target.display()));
                    // A leftover of an earlier run (or a planted symlink) goes first; the new
                    // file is created fresh, so it is never written through a link.
                    let _ = fs::remove_file(&tmp);
                    staged.push((tmp.clone(), target));
                    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
                    io::Write::write_all(&mut f, want.as_bytes())?;
                }
                for rel in owned_files(&d.root, d.owns, Self::recursive(d))? {
                    if !d.files.contains_key(&rel) && !rel.ends_with(&tag) {
                        delete.push(safe_target(&d.root, &rel)?);
                    }
                }
            }
            Ok(())
        })();
        // Staged files reach the disk before any rename commits them. One `fsync` after
        // another was most of the time of writing a crate of thousands of files; issued from
        // several threads, the file system can batch them.
        let result = result.and_then(|()| sync_all(staged.iter().map(|(tmp, _)| tmp.as_path())));
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
        Ok(stats)
    }
}
