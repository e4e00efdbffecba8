//! The operation tables (`src/<ns>/operations.rs`) and the index (`src/index.rs`) written
//! directly as formatted text. They are regular data, a fifth of the output for all of Graph,
//! and going through tokens, `syn` and prettyplease cost as much per byte as the models. The
//! text is byte-identical to what prettyplease gives for the tokens of
//! [`builders::emit_operations`] and [`index::emit_index`] (the reference, kept for the test
//! `codegen/tests/tables_text.rs`, which compares both on generated inputs).
//!
//! The layout rules are prettyplease's for these shapes (margin 89, indent 4): a struct
//! literal of more than 34 columns is always broken, one field per line; an array of string
//! literals stays on one line when the line fits, as does a `#[cfg(…)]`, which otherwise
//! breaks inside its parentheses (and then inside `any(…)` if that does not fit either); an
//! attribute on a statement shares its line with the statement when both fit. Where an item
//! would need a layout not written here (a string array or a `Some("…")` that does not fit),
//! that one item is formatted by prettyplease from its tokens.

use super::builders::{self, operation_gates};
use super::index::index_rows;
use super::CrateSettings;
use crate::extract::{PermissionFacts, SchemeFacts};
use crate::ir::{Ir, OperationInfo};
use std::collections::BTreeMap;
use super::text::{cfg_inner, cfg_text, doc_lines, lit, MARGIN};
use std::fmt::Write;

/// `name: &["a", "b"],` at `indent`: on one line when it fits, else one item per line.
/// `None` when an item does not fit on its own line (a layout not written here).
fn str_array_field(out: &mut String, indent: usize, name: &str, items: &[String]) -> Option<()> {
    let elems: Vec<String> = items.iter().map(|s| lit(s)).collect();
    let line = format!("{:indent$}{name}: &[{}],", "", elems.join(", "));
    if items.is_empty() || line.len() <= MARGIN {
        out.push_str(&line);
        out.push('\n');
        return Some(());
    }
    if elems.iter().any(|e| indent + 4 + e.len() + 1 > MARGIN) {
        return None;
    }
    let _ = writeln!(out, "{:indent$}{name}: &[", "");
    for e in &elems {
        let _ = writeln!(out, "{:w$}{e},", "", w = indent + 4);
    }
    let _ = writeln!(out, "{:indent$}],", "");
    Some(())
}

fn scheme_text(out: &mut String, indent: usize, name: &str, s: &SchemeFacts) -> Option<()> {
    let _ = writeln!(out, "{:indent$}{name}: graph_runtime::Scheme {{", "");
    str_array_field(out, indent + 4, "least", &s.least)?;
    str_array_field(out, indent + 4, "higher", &s.higher)?;
    let w = indent + 4;
    if s.also_requires.is_empty() {
        let _ = writeln!(out, "{:w$}also_requires: &[],", "");
    } else {
        // Each `AlsoRequires` literal is wider than a struct literal stays on one line.
        let _ = writeln!(out, "{:w$}also_requires: &[", "");
        for (permission, one_of) in &s.also_requires {
            let _ = writeln!(out, "{:w$}graph_runtime::AlsoRequires {{", "", w = w + 4);
            let line = format!("{:w$}permission: {},", "", lit(permission), w = w + 8);
            if line.len() > MARGIN {
                return None;
            }
            out.push_str(&line);
            out.push('\n');
            str_array_field(out, w + 8, "one_of", one_of)?;
            let _ = writeln!(out, "{:w$}}},", "", w = w + 4);
        }
        let _ = writeln!(out, "{:w$}],", "");
    }
    let _ = writeln!(out, "{:indent$}}},", "");
    Some(())
}

/// The three schemes of a permission set, as the fields of a `graph_runtime::Permissions`.
fn schemes_text(out: &mut String, indent: usize, p: &PermissionFacts) -> Option<()> {
    scheme_text(out, indent, "delegated_work", &p.delegated_work)?;
    scheme_text(out, indent, "delegated_personal", &p.delegated_personal)?;
    scheme_text(out, indent, "application", &p.application)
}

fn permissions_text(out: &mut String, indent: usize, p: &Option<PermissionFacts>) -> Option<()> {
    match p {
        None => {
            let _ = writeln!(out, "{:indent$}permissions: None,", "");
        }
        Some(p) => {
            let _ = writeln!(out, "{:indent$}permissions: Some(graph_runtime::Permissions {{", "");
            schemes_text(out, indent + 4, p)?;
            let _ = writeln!(out, "{:indent$}}}),", "");
        }
    }
    Some(())
}

/// One operation static, or `None` where its layout is not one written here.
fn operation_text(o: &OperationInfo, gate: Option<&Vec<String>>, sets: &builders::SharedSets) -> Option<String> {
    let mut out = String::new();
    let doc_pages = o.doc_pages.join(", ");
    doc_lines(&mut out, 0, &builders::operation_doc(o));
    if let Some(inner) = cfg_inner(gate) {
        out.push_str(&cfg_text(0, &inner).0);
        out.push('\n');
    }
    let _ = writeln!(out, "pub static {}: graph_runtime::Operation = graph_runtime::Operation {{", o.const_name);
    let _ = writeln!(out, "    id: {},", lit(&o.id));
    let _ = writeln!(out, "    method: {},", lit(&o.method));
    if o.paths.is_empty() {
        out.push_str("    paths: &[],\n");
    } else {
        out.push_str("    paths: &[\n");
        for (t, p) in &o.paths {
            out.push_str("        graph_runtime::PathPermissions {\n");
            let _ = writeln!(out, "            template: {},", lit(t));
            match p {
                // A set of the permissions data: named once per file (`builders::shared_sets`).
                Some(p) if builders::from_data(p) => {
                    let _ = writeln!(out, "            permissions: Some({}),", builders::set_name(sets[&builders::set_key(p)]));
                }
                _ => permissions_text(&mut out, 12, p)?,
            }
            out.push_str("        },\n");
        }
        out.push_str("    ],\n");
    }
    if o.headers.is_empty() {
        out.push_str("    headers: &[],\n");
    } else {
        out.push_str("    headers: &[\n");
        for (n, v, r) in &o.headers {
            out.push_str("        graph_runtime::HeaderSpec {\n");
            let _ = writeln!(out, "            name: {},", lit(n));
            let value = match v {
                Some(v) => format!("            value: Some({}),", lit(v)),
                None => "            value: None,".to_string(),
            };
            if value.len() > MARGIN {
                return None;
            }
            out.push_str(&value);
            out.push('\n');
            let _ = writeln!(out, "            required: {r},");
            out.push_str("        },\n");
        }
        out.push_str("    ],\n");
    }
    let _ = writeln!(out, "    doc: {},", lit(&doc_pages));
    out.push_str("};\n");
    Some(out)
}

/// `all.push(&NAME);` at `indent`: on one line when it fits, else its argument on a line
/// of its own.
fn push_stmt(out: &mut String, indent: usize, name: &str) {
    let flat = format!("all.push(&{name});");
    if indent + flat.len() <= MARGIN {
        let _ = writeln!(out, "{:indent$}{flat}", "");
    } else {
        let _ = writeln!(out, "{:indent$}all.push(\n{:w$}&{name},\n{:indent$});", "", "", "", w = indent + 4);
    }
}

/// `#[cfg(…)] all.push(&NAME);` inside `all()`.
fn push_text(out: &mut String, name: &str, gate: Option<&Vec<String>>) {
    let Some(inner) = cfg_inner(gate) else { return push_stmt(out, 4, name) };
    let (cfg, _) = cfg_text(4, &inner);
    // The statement follows on the attribute's last line when it fits there whole.
    let last = cfg.rsplit('\n').next().unwrap_or(&cfg).len();
    let flat = format!("all.push(&{name});");
    if last + 1 + flat.len() <= MARGIN {
        let _ = writeln!(out, "{cfg} {flat}");
    } else {
        out.push_str(&cfg);
        out.push('\n');
        push_stmt(out, 4, name);
    }
}

/// `src/<ns>/operations.rs`: as `format_file(settings, builders::emit_operations(ops, gates))`.
pub fn operations_file(settings: &CrateSettings, ops: &[&OperationInfo], gate_of: &BTreeMap<&str, Option<&Vec<String>>>) -> Result<String, String> {
    let gate = |o: &OperationInfo| gate_of.get(o.const_name.as_str()).copied().flatten();
    let mut out = String::with_capacity(ops.len() * 700);
    out.push_str(&super::header(settings));
    out.push('\n');
    out.push_str("//! Operation data: documented paths with their permissions per scheme, and headers.\n");
    let sets = builders::shared_sets(ops);
    for o in ops {
        match operation_text(o, gate(o), &sets) {
            Some(t) => out.push_str(&t),
            None => out.push_str(&formatted_item(o, gate_of, &sets)?),
        }
    }
    out.push_str("/// Every operation of this namespace (those enabled by the crate's features).\n");
    out.push_str("#[allow(clippy::vec_init_then_push)]\n");
    out.push_str("pub fn all() -> Vec<&'static graph_runtime::Operation> {\n");
    out.push_str("    #[allow(unused_mut)]\n");
    out.push_str("    let mut all: Vec<&'static graph_runtime::Operation> = Vec::new();\n");
    for o in ops {
        push_text(&mut out, &o.const_name, gate(o));
    }
    out.push_str("    all\n}\n");
    // The shared permission sets, in order of first use; one whose layout is not written
    // here is laid out by prettyplease.
    for (i, p) in builders::set_first_uses(ops, &sets) {
        let mut text = String::new();
        text.push_str("#[doc(hidden)]\n");
        let _ = writeln!(text, "pub const {}: graph_runtime::Permissions = graph_runtime::Permissions {{", builders::set_name(i));
        match schemes_text(&mut text, 4, p) {
            Some(()) => {
                text.push_str("};\n");
                out.push_str(&text);
            }
            None => {
                let item = builders::set_const(i, p);
                let file: syn::File = syn::parse2(item).map_err(|e| format!("emitted tokens do not parse: {e}"))?;
                out.push_str(&prettyplease::unparse(&file));
            }
        }
    }
    Ok(out)
}

/// One operation static formatted by prettyplease from its tokens (the file of that one
/// operation, without its module doc and its `all()`).
fn formatted_item(
    o: &OperationInfo,
    gate_of: &BTreeMap<&str, Option<&Vec<String>>>,
    sets: &builders::SharedSets,
) -> Result<String, String> {
    let tokens = builders::operations_tokens(&[o], gate_of, sets, false);
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("emitted tokens do not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    let start = text.find('\n').map(|i| i + 1).unwrap_or(0);
    let end = text.rfind("/// Every operation of this namespace").unwrap_or(text.len());
    Ok(text[start..end.max(start)].to_string())
}

/// `src/index.rs`: as `format_file(settings, index::emit_index(ir))`.
pub fn index_file(settings: &CrateSettings, ir: &Ir) -> String {
    let gates = operation_gates(ir);
    let rows = index_rows(ir);
    let mut out = String::with_capacity(rows.len() * 260 + 1024);
    out.push_str(&super::header(settings));
    out.push('\n');
    out.push_str(
        "//! Every (method, path template) of the crate's operations, sorted: look up the\n\
         //! operation and permissions of a URL obtained elsewhere with [`lookup`].\n\
         /// The rows, sorted by method and normalised template (see\n\
         /// `graph_runtime::permissions::normalize_template`); rows of disabled features are absent.\n",
    );
    if rows.is_empty() {
        out.push_str("pub static INDEX: &[graph_runtime::IndexEntry] = &[];\n");
    } else {
        out.push_str("pub static INDEX: &[graph_runtime::IndexEntry] = &[\n");
        for ((method, template), (ns, c)) in &rows {
            if let Some(inner) = cfg_inner(gates.get(c.as_str()).copied().flatten()) {
                out.push_str(&cfg_text(4, &inner).0);
                out.push('\n');
            }
            out.push_str("    graph_runtime::IndexEntry {\n");
            let _ = writeln!(out, "        method: {},", lit(method));
            let _ = writeln!(out, "        template: {},", lit(template));
            let _ = writeln!(out, "        operation: &crate::{ns}::operations::{c},");
            out.push_str("    },\n");
        }
        out.push_str("];\n");
    }
    out.push_str(
        "/// The operation and documented path of `method url` (absolute URL, path or template),\n\
         /// with its permissions when known.\n\
         pub fn lookup(method: &str, url: &str) -> Option<graph_runtime::Found> {\n    \
         graph_runtime::lookup(INDEX, method, url)\n}\n",
    );
    out
}
