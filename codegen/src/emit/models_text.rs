//! Model files written directly as formatted text: byte-identical to prettyplease's
//! formatting of [`models::emit_model`] (the reference; `codegen/tests/models_text.rs`
//! compares both on generated inputs). Models are most of the output, and nearly all of them
//! are regular: every line fits the margin as written here. An item (or struct field, or impl
//! member) with a line that does not is formatted by prettyplease from its tokens, that one
//! item only.

use super::filters::{self, has_handle, handle_name, handle_type, restriction_doc};
use super::models::{self, *};
use super::text::{self, arm, doc_lines, impl_header, line, or_unparse, unparse, unparse_members, Within};
use std::fmt::Write;
use super::text::layout::{Node, Printer};
use super::CrateSettings;
use crate::ir::*;

/// A model's file: as `format_file(settings, models::emit_model(ir, m))`.
pub fn model_file(settings: &CrateSettings, ir: &Ir, m: &Model) -> Result<String, String> {
    let mut out = String::with_capacity(4096);
    out.push_str(&super::header(settings));
    out.push('\n');
    match &m.kind {
        ModelKind::Struct(s) => struct_text(&mut out, ir, m, s)?,
        ModelKind::Enum(e) => enum_text(&mut out, m, e)?,
    }
    Ok(out)
}

fn struct_text(out: &mut String, ir: &Ir, m: &Model, s: &StructModel) -> Result<(), String> {
    out.push_str(&struct_def_text(ir, m, s)?);
    out.push_str(&or_unparse(wire_impl_text(m, s), || wire_impl(m, s))?);
    out.push_str(&or_unparse(serde_impls_text(m), || serde_impls(m))?);
    if s.write.is_some() {
        return Ok(());
    }
    let has_fields = has_field_enum(s);
    if has_fields {
        out.push_str(&or_unparse(field_enum_def_text(m, s), || field_enum_def(m, s))?);
        out.push_str(&or_unparse(field_enum_impls_text(m, s), || field_enum_impls(m, s))?);
    }
    let resource = resource_impl_text(m, s);
    text::count_text(&resource);
    out.push_str(&resource);
    if s.searchable {
        let t = format!("impl graph_runtime::Searchable for {} {{}}\n", m.rust_name);
        out.push_str(&or_unparse(t, || searchable_impl(m, s))?);
    }
    if has_fields {
        handles_text(out, ir, m, s)?;
        expand_text(out, ir, m, s)?;
    }
    Ok(())
}

fn struct_def_text(ir: &Ir, m: &Model, s: &StructModel) -> Result<String, String> {
    let mut o = String::with_capacity(256 + s.fields.len() * 160);
    doc_lines(&mut o, 0, &struct_doc(m, s));
    line(&mut o, 0, struct_derives(s));
    let open = format!("pub struct {} {{", m.rust_name);
    if open.len() > text::MARGIN {
        return unparse(struct_def(ir, m, s));
    }
    line(&mut o, 0, &open);
    o.push_str("    /// `@odata.type`: the concrete type on the wire (`#microsoft.graph…`).\n");
    o.push_str("    pub odata_type: Option<String>,\n");
    for f in &s.fields {
        doc_lines(&mut o, 4, &field_doc(s, f));
        let mut p = Printer::new(4);
        p.word("pub ");
        p.word(&f.rust);
        p.word(": ");
        p.node(&Node::ty(&field_type_text(ir, s, f)), 4, 1);
        p.word(",");
        member(&mut o, "", p, Within::Struct, || field_tokens(ir, s, f))?;
    }
    o.push_str(
        "    /// Properties and instance annotations the schema does not name (`x@odata.count`,\n\
         \x20   /// computed `$apply` values, `@odata.bind`, …), kept so nothing is lost.\n\
         \x20   pub additional: serde_json::Map<String, serde_json::Value>,\n}\n",
    );
    Ok(o)
}

fn wire_impl_text(m: &Model, s: &StructModel) -> String {
    let mut o = String::with_capacity(400 + s.fields.len() * 100);
    impl_header(&mut o, "impl graph_runtime::wire::WireModel", &m.rust_name);
    o.push_str(
        "    fn from_wire(o: &mut graph_runtime::wire::Object) -> Option<Self> {\n        Some(Self {\n            \
         odata_type: o.take(\"@odata.type\"),\n",
    );
    let mut ok = true;
    for f in &s.fields {
        let (take, _) = field_wire_calls(s, f);
        let required = take == "take_required";
        // A field value: `o.take(…)` breaks before `.take` when it does not fit.
        let mut p = Printer::new(12);
        p.word(&f.rust);
        p.word(": ");
        let call = Node::Call(format!(".{take}"), vec![Node::Atom(text::lit(&f.wire))]);
        p.node(&Node::Chain(Box::new(Node::atom("o")), vec![call]), 12, if required { 2 } else { 1 });
        p.word(if required { "?," } else { "," });
        ok &= push_printed(&mut o, p);
    }
    o.push_str(
        "            additional: o.rest(),\n        })\n    }\n    \
         fn to_wire<'a>(&'a self, w: &mut graph_runtime::wire::Fields<'a>) {\n        \
         w.opt(\"@odata.type\", &self.odata_type);\n",
    );
    for f in &s.fields {
        let (_, put) = field_wire_calls(s, f);
        // `w` is a short receiver at the start of a line: no break before `.opt`.
        let mut p = Printer::new(8);
        p.node(&Node::Call(format!("w.{put}"), vec![Node::Atom(text::lit(&f.wire)), Node::Flat(format!("&self.{}", f.rust))]), 8, 1);
        p.word(";");
        ok &= push_printed(&mut o, p);
    }
    o.push_str("        w.additional(&self.additional);\n    }\n}\n");
    if !ok {
        // A line [`or_unparse`] rejects: the whole impl is formatted by prettyplease.
        o.push_str(&"x".repeat(text::MARGIN + 1));
    }
    o
}

/// The printed lines appended to `o`; whether the layout was one written here.
fn push_printed(o: &mut String, p: Printer) -> bool {
    let (t, ok) = p.finish();
    o.push_str(&t);
    ok
}

fn serde_impls_text(m: &Model) -> String {
    let n = &m.rust_name;
    let mut o = String::with_capacity(900);
    impl_header(&mut o, "impl<'de> serde::Deserialize<'de>", n);
    o.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n        \
         graph_runtime::wire::deserialize(d)\n    }\n}\n",
    );
    impl_header(&mut o, "impl serde::Serialize", n);
    o.push_str(
        "    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n        \
         graph_runtime::wire::serialize(self, s)\n    }\n}\n",
    );
    impl_header(&mut o, "impl std::fmt::Debug", n);
    o.push_str("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
    line(&mut o, 8, &format!("graph_runtime::wire::debug(self, {}, f)", text::lit(n)));
    o.push_str("    }\n}\n/// Equal when both write the same JSON.\n");
    impl_header(&mut o, "impl PartialEq", n);
    o.push_str("    fn eq(&self, other: &Self) -> bool {\n        graph_runtime::wire::eq(self, other)\n    }\n}\n");
    o
}

fn resource_impl_text(m: &Model, s: &StructModel) -> String {
    let field = if has_field_enum(s) { format!("{}Field", m.rust_name) } else { "graph_runtime::NoFields".into() };
    let mut o = String::with_capacity(200);
    impl_header(&mut o, "impl graph_runtime::Resource", &m.rust_name);
    // A `&'static str` const never breaks, however long its literal.
    let _ = writeln!(o, "    const ODATA_TYPE: &'static str = {};", text::lit(&format!("#{}", m.qname)));
    line(&mut o, 4, &format!("type Field = {field};"));
    o.push_str("}\n");
    o
}

fn field_enum_def_text(m: &Model, s: &StructModel) -> String {
    let mut o = String::with_capacity(200 + s.fields.len() * 60);
    doc_lines(&mut o, 0, &field_enum_doc(m));
    o.push_str("#[derive(Clone, Copy)]\n");
    line(&mut o, 0, &format!("pub enum {}Field {{", m.rust_name));
    for f in &s.fields {
        doc_lines(&mut o, 4, &format!("`{}`", f.wire));
        line(&mut o, 4, &format!("{},", f.variant));
    }
    o.push_str("}\n");
    o
}

fn field_enum_impls_text(m: &Model, s: &StructModel) -> String {
    let mut o = String::with_capacity(400 + s.fields.len() * 40);
    impl_header(&mut o, "impl graph_runtime::Field", &format!("{}Field", m.rust_name));
    o.push_str("    fn wire_name(self) -> &'static str {\n");
    let names: Vec<String> = s.fields.iter().map(|f| text::lit(&f.wire)).collect();
    let flat = format!("        const NAMES: [&str; {}usize] = [{}];", names.len(), names.join(", "));
    if flat.len() <= text::MARGIN {
        o.push_str(&flat);
        o.push('\n');
    } else {
        line(&mut o, 8, &format!("const NAMES: [&str; {}usize] = [", names.len()));
        for n in &names {
            line(&mut o, 12, &format!("{n},"));
        }
        o.push_str("        ];\n");
    }
    o.push_str("        NAMES[self as usize]\n    }\n}\n");
    impl_header(&mut o, "impl std::fmt::Debug", &format!("{}Field", m.rust_name));
    o.push_str(
        "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n        \
         f.write_str(graph_runtime::Field::wire_name(*self))\n    }\n}\n",
    );
    text::macro_item(&mut o, "graph_runtime::field_enum", &format!("{}Field", m.rust_name));
    o
}

fn handles_text(out: &mut String, ir: &Ir, m: &Model, s: &StructModel) -> Result<(), String> {
    let fields: Vec<&Field> = s.fields.iter().filter(|f| has_handle(f)).collect();
    if fields.is_empty() {
        return Ok(());
    }
    let h = filters::handle_alias(m);
    let mut p = Printer::new(0);
    let head = format!("type {h}<L, O = ft::Ops, S = ft::Sortable> = ");
    p.word(&head);
    let args = [m.rust_name.as_str(), "L", "O", "S"].map(Node::atom).to_vec();
    p.node(&Node::Generic("ft::Prop".into(), args), 0, 1);
    p.word(";");
    let (t, ok) = p.finish();
    // A name so long that the alias's own parameters would break: prettyplease lays it out.
    if ok && head.len() <= text::MARGIN {
        out.push_str("use graph_runtime::filter::typed as ft;\n");
        text::count_text(&t);
        out.push_str(&t);
    } else {
        out.push_str(&unparse(filters::handles_prelude(m))?);
    }
    doc_lines(out, 0, &filters::handles_doc(m));
    out.push_str("#[allow(clippy::type_complexity)]\n");
    line(out, 0, &format!("impl {}Field {{", m.rust_name));
    for f in fields {
        if let Some(d) = restriction_doc(f) {
            doc_lines(out, 4, &d);
        }
        let mut p = Printer::new(4);
        p.word("pub const ");
        p.word(&handle_name(f));
        p.word(": ");
        // The type's brackets are measured up to ` = ` (a break point that never breaks).
        p.node(&Node::ty(&handle_type(ir, m, f)), 4, 3);
        p.word(" = ");
        p.node(&Node::Call("ft::Prop::new".into(), vec![Node::Atom(text::lit(&f.wire))]), 4, 1);
        p.word(";");
        member(out, "", p, Within::Impl, || filters::handle_const(ir, m, f))?;
    }
    out.push_str("}\n");
    Ok(())
}

fn expand_text(out: &mut String, ir: &Ir, m: &Model, s: &StructModel) -> Result<(), String> {
    if s.expands.is_empty() {
        return Ok(());
    }
    doc_lines(out, 0, &expand_doc(m));
    line(out, 0, &format!("pub enum {}Expand {{}}", m.rust_name));
    if expand_needs_allow(s) {
        out.push_str("#[allow(clippy::should_implement_trait)]\n");
    }
    line(out, 0, &format!("impl {}Expand {{", m.rust_name));
    for e in &s.expands {
        let (wire, rust, target) = e;
        let mut p = Printer::new(4);
        let ret = Node::Generic("graph_runtime::Expand".into(), vec![Node::atom(&m.rust_name), Node::Atom(model_path_text(ir, target))]);
        p.signature(&format!("pub fn {rust}"), &[], Some(&ret), 4);
        p.newline(8);
        p.node(&Node::Call("graph_runtime::Expand::new".into(), vec![Node::Atom(text::lit(wire))]), 8, 0);
        p.newline(4);
        p.word("}");
        let mut doc = String::new();
        doc_lines(&mut doc, 4, &format!("`$expand={wire}`"));
        member(out, &doc, p, Within::Impl, || expand_fn(ir, m, e))?;
    }
    out.push_str("}\n");
    Ok(())
}

fn enum_text(out: &mut String, m: &Model, e: &EnumModel) -> Result<(), String> {
    let name = enum_name(m, e);
    let mut def = String::with_capacity(300 + e.members.len() * 80);
    doc_lines(&mut def, 0, &enum_doc(m, e));
    def.push_str("#[derive(Debug, Clone)]\n");
    line(&mut def, 0, &format!("pub enum {name} {{"));
    for mm in &e.members {
        doc_lines(&mut def, 4, &member_doc(mm));
        line(&mut def, 4, &format!("{},", mm.1));
    }
    def.push_str("    /// A value this version of the crate does not know, kept as sent.\n    Unknown(String),\n}\n");
    out.push_str(&or_unparse(def, || models::enum_def(m, e))?);

    let mut value = format!(
        "impl {name} {{\n    /// Numeric value from the schema, `None` for unknown values.\n    \
         pub fn value(&self) -> Option<i64> {{\n        match self {{\n"
    );
    for (_, v, n, _) in &e.members {
        arm(&mut value, 12, &format!("Self::{v}"), &format!("Some({n}i64)"));
    }
    value.push_str("            Self::Unknown(_) => None,\n        }\n    }\n}\n");
    out.push_str(&or_unparse(value, || enum_value_impl(m, e))?);

    let mut wire = String::with_capacity(300 + e.members.len() * 120);
    impl_header(&mut wire, "impl graph_runtime::WireEnum", &name);
    wire.push_str("    fn from_wire(s: &str) -> Self {\n");
    if e.members.is_empty() {
        wire.push_str("        Self::Unknown(s.to_string())\n");
    } else {
        wire.push_str("        match s {\n");
        for (w, v, _, _) in &e.members {
            arm(&mut wire, 12, &text::lit(w), &format!("Self::{v}"));
        }
        wire.push_str("            other => Self::Unknown(other.to_string()),\n        }\n");
    }
    wire.push_str("    }\n    fn as_wire(&self) -> &str {\n        match self {\n");
    for (w, v, _, _) in &e.members {
        arm(&mut wire, 12, &format!("Self::{v}"), &text::lit(w));
    }
    wire.push_str("            Self::Unknown(s) => s.as_str(),\n        }\n    }\n}\n");
    out.push_str(&or_unparse(wire, || enum_wire_impl(m, e))?);

    let mut rest = String::new();
    text::macro_item(&mut rest, "graph_runtime::wire_enum", &name);
    if e.flags {
        doc_lines(&mut rest, 0, &flags_doc(m, e));
        line(&mut rest, 0, &format!("pub type {} = graph_runtime::Flags<{name}>;", m.rust_name));
    }
    out.push_str(&or_unparse(rest, || enum_serde_and_alias(m, e))?);
    Ok(())
}

/// A struct field or impl member laid out by `p`, or formatted by prettyplease from `tokens`
/// where the layout gave up.
/// `attrs`: its attributes as text, written before it when it is laid out here (the tokens
/// carry them too).
pub(crate) fn member(
    out: &mut String,
    attrs: &str,
    p: Printer,
    within: Within,
    tokens: impl FnOnce() -> proc_macro2::TokenStream,
) -> Result<(), String> {
    let (t, ok) = p.finish();
    if ok {
        text::count_text(&t);
        out.push_str(attrs);
        out.push_str(&t);
    } else {
        out.push_str(&unparse_members(within, tokens())?);
    }
    Ok(())
}
