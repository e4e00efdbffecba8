//! Markdown reader (pulldown-cmark). Placeholder until implemented.
use super::*;
pub fn read(_tree: &DocTree, file: &str, _text: &str) -> (Page, Vec<Diagnostic>) {
    (Page { file: file.to_string(), front_matter: Default::default(), title: None, namespace: None, kind: PageKind::Other, tolerant: false, blocks: vec![] }, vec![])
}
