//! Helpers shared by integration tests: the workspace root and loading a docs tree the way
//! xtask does (every file, `/`-separated relative paths).

use codegen::docs::DocTree;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen is in the workspace").to_path_buf()
}

pub fn load(dir: &Path) -> DocTree {
    let mut tree = DocTree::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                tree.files.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    tree
}
