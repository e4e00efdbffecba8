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

/// Makes every name in `names` unique by suffixing `_2`, `_3`, … in order.
pub fn dedupe(names: &mut [String], reserved: &[&str]) {
    let mut seen: std::collections::BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    for n in names.iter_mut() {
        if seen.contains(n.as_str()) {
            let mut i = 2;
            while seen.contains(&format!("{n}_{i}")) {
                i += 1;
            }
            *n = format!("{n}_{i}");
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
