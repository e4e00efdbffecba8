//! Rust names for wire names: keywords, case collisions, leading digits, odd characters.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

/// snake_case identifier (fields, methods, modules).
pub fn snake(wire: &str) -> String {
    let mut s = sanitize(wire).to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// UpperCamelCase identifier (types, variants).
pub fn camel(wire: &str) -> String {
    let mut s = sanitize(wire).to_upper_camel_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("N{s}");
    }
    if s == "Self" {
        s = "Self_".into();
    }
    s
}

/// `n` with a number: `foo_2` for snake_case names, `Foo2` for UpperCamelCase ones (so the
/// result still passes the case lints); a keyword's trailing `_` is dropped first
/// (`self_` → `self_2`, `Self_` → `Self2`).
fn numbered(n: &str, i: usize) -> String {
    let base = n.trim_end_matches('_');
    if base.starts_with(|c: char| c.is_ascii_uppercase()) {
        format!("{base}{i}")
    } else {
        format!("{base}_{i}")
    }
}

/// Makes every name in `names` unique by numbering later ones (`_2`/`2`, `_3`/`3`, … in
/// order; see [`numbered`]). Names in `reserved` are never produced.
pub fn dedupe(names: &mut [String], reserved: &[&str]) {
    let mut seen: std::collections::BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    // Names as given are kept where they are unique: a later `foo_2` must not be taken by
    // the numbering of an earlier `foo`.
    let given: std::collections::BTreeSet<String> = names.iter().cloned().collect();
    for n in names.iter_mut() {
        if seen.contains(n.as_str()) {
            let mut i = 2;
            while seen.contains(&numbered(n, i)) || given.contains(&numbered(n, i)) {
                i += 1;
            }
            *n = numbered(n, i);
        }
        seen.insert(n.clone());
    }
}

/// Module name for a namespace: `microsoft.graph.cloudLicensing` → `cloud_licensing`.
pub fn namespace_module(ns: &str) -> String {
    match ns.strip_prefix("microsoft.graph.") {
        Some(rest) => snake(&rest.replace('.', "_")),
        None => snake(&ns.replace('.', "_")),
    }
}

/// [`dedupe`] for UpperCamelCase names: suffixes `2`, `3`, … without an underscore. (The
/// same as `dedupe`, which numbers by the case of each name; it also drops a keyword's
/// trailing `_` first, so `Self_` becomes `Self2`, not the lint-failing `Self_2`.)
pub fn dedupe_camel(names: &mut [String], reserved: &[&str]) {
    dedupe(names, reserved);
}
