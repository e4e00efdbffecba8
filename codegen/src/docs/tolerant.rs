//! Tolerant reader for pages that lost their markup. Placeholder until implemented.
use super::*;
pub fn needs_tolerant(_text: &str) -> bool { false }
pub fn read(tree: &DocTree, file: &str, text: &str) -> (Page, Vec<Diagnostic>) { super::markdown::read(tree, file, text) }
