//! Builder files written directly as formatted text: byte-identical to prettyplease's
//! formatting of [`builders::emit_builders`] (the reference; `codegen/tests/builders_text.rs`
//! compares both on generated inputs). Each method is laid out by [`text::layout`]; one whose
//! layout is not modelled there (a path expression that does not fit its line) is formatted by
//! prettyplease from its tokens, that method only.

use super::builders::{self, *};
use super::models::{model_path_text, operations_root_text};
use super::models_text::member;
use super::text::layout::{Node, Printer};
use super::text::{cfg_lines, doc_lines, line, lit, Within};
use super::CrateSettings;
use crate::ir::naming::namespace_module;
use crate::ir::*;

/// A builder file: as `format_file(settings, builders::emit_builders(ir, bs, file_gate))`.
pub fn builders_file(settings: &CrateSettings, ir: &Ir, bs: &[&Builder], file_gate: Option<&Vec<String>>) -> Result<String, String> {
    let mut out = String::with_capacity(bs.len() * 4096);
    out.push_str(&super::header(settings));
    out.push('\n');
    for b in bs {
        let own = ir.builder_gates.get(&b.rust_name);
        builder_text(&mut out, ir, b, if own == file_gate { None } else { own })?;
    }
    Ok(out)
}

fn builder_text(out: &mut String, ir: &Ir, b: &Builder, gate: Option<&Vec<String>>) -> Result<(), String> {
    doc_lines(out, 0, &builder_doc(b));
    cfg_lines(out, 0, gate);
    out.push_str("#[derive(Debug, Clone, PartialEq)]\n");
    line(out, 0, &format!("pub struct {} {{", b.rust_name));
    out.push_str("    path: graph_runtime::RequestPath,\n}\n");
    cfg_lines(out, 0, gate);
    line(out, 0, &format!("impl {} {{", b.rust_name));
    out.push_str(
        "    pub(crate) fn new(path: graph_runtime::RequestPath) -> Self {\n        Self { path }\n    }\n    \
         /// The path built so far (encoded) and its template.\n    \
         pub fn path(&self) -> &graph_runtime::RequestPath {\n        &self.path\n    }\n",
    );
    if let Some((item, param)) = &b.item {
        let mut doc = String::new();
        doc_lines(&mut doc, 4, &by_id_doc(param));
        let t = builder_path_text(ir, item);
        let params = [Node::atom("&self"), Node::atom("id: &str")];
        let body = Node::Call(format!("{t}::new"), vec![Node::Flat(format!("self.path.key({}, id)", lit(param)))]);
        let p = method("pub fn by_id", &params, &Node::Atom(t), &body);
        member(out, &doc, p, Within::Impl, || by_id_fn(ir, b).unwrap_or_default())?;
    }
    if b.by_path {
        doc_lines(out, 4, BY_PATH_DOC);
        out.push_str(
            "    pub fn by_path(&self, item_path: &str) -> Self {\n        \
             Self::new(self.path.item_path(item_path))\n    }\n",
        );
    }
    for c in &b.children {
        let mut doc = String::new();
        doc_lines(&mut doc, 4, &child_doc(c));
        let t = builder_path_text(ir, &c.builder);
        let mut params = vec![Node::atom("&self")];
        let path = match &c.function_params {
            Some(fp) => {
                params.extend(fp.iter().map(|(_, r)| literal_param(r)));
                function_path(&c.segment, fp)
            }
            None => format!("self.path.segment({})", lit(&c.segment)),
        };
        let body = Node::Call(format!("{t}::new"), vec![Node::Flat(path)]);
        let p = method(&format!("pub fn {}", c.method), &params, &Node::Atom(t), &body);
        member(out, &doc, p, Within::Impl, || child_fn(ir, c))?;
    }
    for c in &b.casts {
        let mut attrs = String::new();
        doc_lines(&mut attrs, 4, &cast_doc(c));
        cfg_lines(&mut attrs, 4, ir.builder_gates.get(&c.builder));
        let t = builder_path_text(ir, &c.builder);
        let body = Node::Call(format!("{t}::new"), vec![Node::Flat(format!("self.path.segment({})", lit(&c.segment)))]);
        let p = method(&format!("pub fn {}", c.method), &[Node::atom("&self")], &Node::Atom(t), &body);
        member(out, &attrs, p, Within::Impl, || cast_fn(ir, c))?;
    }
    for op in &b.operations {
        op_text(out, ir, b, op)?;
    }
    out.push_str("}\n");
    Ok(())
}

/// A method `prefix(params) -> ret { body }` at indent 4.
fn method(prefix: &str, params: &[Node], ret: &Node, body: &Node) -> Printer {
    let mut p = Printer::new(4);
    p.signature(prefix, params, Some(ret), 4);
    p.newline(8);
    p.node(body, 8, 0);
    p.newline(4);
    p.word("}");
    p
}

/// `name: impl Into<graph_runtime::filter::Literal>`.
fn literal_param(rust: &str) -> Node {
    Node::Generic(format!("{rust}: impl Into"), vec![Node::atom("graph_runtime::filter::Literal")])
}

/// `self.path.function("seg", &[("a", a.into()), …])`.
fn function_path(segment: &str, params: &[(String, String)]) -> String {
    let args: Vec<String> = params.iter().map(|(w, r)| format!("({}, {r}.into())", lit(w))).collect();
    format!("self.path.function({}, &[{}])", lit(segment), args.join(", "))
}

fn op_text(out: &mut String, ir: &Ir, b: &Builder, op: &OpMethod) -> Result<(), String> {
    let mut doc = String::new();
    doc_lines(&mut doc, 4, &op_doc(ir, op));
    let directory = is_directory_get(ir, op);
    if directory {
        doc.push_str("    ///\n");
        line(&mut doc, 4, &format!("///{}", builders::ADVANCED_DOC.trim_end_matches(' ')));
    }
    let ref_line = ref_doc(b, op);
    if let Some(r) = ref_line {
        doc.push_str("    ///\n");
        line(&mut doc, 4, &format!("///{}", r.trim_end_matches(' ')));
    }
    let path = match (&op.segment, &op.function_params) {
        (Some(s), Some(fp)) => function_path(s, fp),
        (Some(s), None) => format!("self.path.segment({})", lit(s)),
        (None, _) => "self.path.clone()".to_string(),
    };
    let operation = format!("&{}::{}::operations::{}", operations_root_text(ir), namespace_module(&b.namespace), op.operation_const);
    let recv = Node::Call(
        "graph_runtime::Request::new".into(),
        vec![
            Node::Atom(format!("graph_runtime::http::Method::{}", op.http_method)),
            Node::Flat(path),
            Node::Call("Some".into(), vec![Node::Atom(operation)]),
        ],
    );
    let mut params = vec![Node::atom("&self")];
    let mut calls = Vec::new();
    // Parameters of a bound function (called at its own segment).
    let args = || op.segment.as_ref().and(op.function_params.as_ref()).into_iter().flatten().map(|(_, r)| literal_param(r));
    match op.kind {
        OpKind::PutContent => {
            params.push(Node::atom("content_type: &str"));
            params.push(Node::Generic("content: Vec".into(), vec![Node::atom("u8")]));
            calls.push(Node::Call(".with_body".into(), vec![Node::atom("content_type"), Node::atom("content")]));
        }
        OpKind::RemoveRef if b.collection => {
            params.push(Node::atom("odata_id: &str"));
            calls.push(Node::Call(".param".into(), vec![Node::atom("\"$id\""), Node::atom("odata_id")]));
        }
        OpKind::AddRef | OpKind::SetRef => {
            params.push(Node::atom("odata_id: &str"));
            calls.push(Node::Call(".with_reference".into(), vec![Node::atom("odata_id")]));
        }
        _ => match &op.body {
            Some(body) => {
                params.push(Node::Atom(format!("body: &{}", model_path_text(ir, body))));
                params.extend(args());
                calls.push(Node::Call(".with_json_body".into(), vec![Node::atom("body")]));
            }
            None => params.extend(args()),
        },
    }
    for _ in 0..eventual_headers(ir, op) {
        calls.push(Node::Call(".consistency_level_eventual".into(), Vec::new()));
    }
    if directory {
        calls.push(Node::Call(".directory_objects".into(), Vec::new()));
    }
    let body = if calls.is_empty() { recv } else { Node::Chain(Box::new(recv), calls) };
    let ret = Node::Generic("graph_runtime::Request".into(), vec![Node::ty(&response_type_text(ir, &op.response))]);
    let p = method(&format!("pub fn {}", op.method_name), &params, &ret, &body);
    member(out, &doc, p, Within::Impl, || op_fn(ir, b, op))
}

