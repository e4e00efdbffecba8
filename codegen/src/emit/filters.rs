//! Typed `$filter` / `$orderby` handles: one associated const per property on the field enum
//! (`UserField::DISPLAY_NAME`), typed by the owner, the literal type of the property's Edm
//! type, the operators the schema allows and whether it sorts. All operators live once in
//! `graph_runtime::filter::typed`; the per-property cost is one `const` line.

use super::models::{model_path_text, tokens};
use crate::ir::*;
use crate::query_caps::OPERATOR_GROUPS;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Name of a property's handle: its Rust field name in upper case (`display_name` → `DISPLAY_NAME`).
pub fn handle_name(f: &Field) -> String {
    f.rust.trim_start_matches("r#").trim_end_matches('_').to_ascii_uppercase()
}

/// Whether a property gets a handle: it filters or it sorts.
pub fn has_handle(f: &Field) -> bool {
    f.sortable || f.filter_ops.as_ref().is_none_or(|o| !o.is_empty())
}

/// The literal type of one value of a field (no collection), under the runtime's `lit`.
fn scalar_lit(ir: &Ir, t: &FieldType) -> String {
    let s = match t {
        FieldType::String => "ft::lit::Str",
        FieldType::Bool => "ft::lit::Bool",
        FieldType::I16 | FieldType::I32 | FieldType::I64 | FieldType::U8 | FieldType::I8 => "ft::lit::Int",
        FieldType::F32 | FieldType::F64 => "ft::lit::Float",
        FieldType::Number => "ft::lit::Decimal",
        FieldType::Guid => "ft::lit::Guid",
        FieldType::DateTimeOffset => "ft::lit::DateTimeOffset",
        FieldType::Date => "ft::lit::Date",
        FieldType::TimeOfDay => "ft::lit::TimeOfDay",
        FieldType::Duration => "ft::lit::Duration",
        FieldType::Json => "ft::lit::Any",
        FieldType::Model(q) => {
            let p = model_path_text(ir, q);
            return match ir.models.get(q).map(|m| &m.kind) {
                // The member enum of a flags set: `crate::ns::Colors` → `crate::ns::ColorsMember`.
                Some(ModelKind::Enum(e)) if e.flags => format!("ft::lit::Flags<{p}Member>"),
                Some(ModelKind::Enum(_)) => format!("ft::lit::Enum<{p}>"),
                _ => format!("ft::lit::Complex<{p}>"),
            };
        }
    };
    s.to_string()
}

/// The `Ops<…>` type of an operator list (`None`: the default, every operator).
fn ops_type(ops: &Option<Vec<String>>) -> Option<String> {
    let ops = ops.as_ref()?;
    if ops.is_empty() {
        return Some("ft::NoOps".into());
    }
    let flags: Vec<&str> = OPERATOR_GROUPS.iter().map(|g| if ops.iter().any(|o| o == g) { "ft::Y" } else { "ft::N" }).collect();
    Some(format!("ft::Ops<{}>", flags.join(", ")))
}

/// The name of a model's private handle alias.
pub(crate) fn handle_alias(m: &Model) -> String {
    // Private to the model's file (only public items are re-exported), so it cannot collide.
    format!("{}Handle", m.rust_name)
}

/// The type of a property's handle, as text (the one spelling of text and tokens).
pub(crate) fn handle_type(ir: &Ir, m: &Model, f: &Field) -> String {
    let h = handle_alias(m);
    let inner = scalar_lit(ir, &f.ty);
    let lit = if f.collection { format!("ft::lit::Coll<{inner}>") } else { inner };
    match (ops_type(&f.filter_ops), f.sortable) {
        (None, true) => format!("{h}<{lit}>"),
        (Some(o), true) => format!("{h}<{lit}, {o}>"),
        (o, false) => format!("{h}<{lit}, {}, ft::Unsortable>", o.as_deref().unwrap_or("ft::Ops")),
    }
}

/// One handle const, without its rustdoc.
pub(crate) fn handle_const(ir: &Ir, m: &Model, f: &Field) -> TokenStream {
    let name = format_ident!("{}", handle_name(f));
    let wire = &f.wire;
    let ty = tokens(&handle_type(ir, m, f));
    quote!(pub const #name: #ty = ft::Prop::new(#wire);)
}

/// The `use` of the runtime's typed module and the model's handle alias.
pub(crate) fn handles_prelude(m: &Model) -> TokenStream {
    let owner = format_ident!("{}", m.rust_name);
    let h = format_ident!("{}", handle_alias(m));
    quote! {
        use graph_runtime::filter::typed as ft;
        type #h<L, O = ft::Ops, S = ft::Sortable> = ft::Prop<#owner, L, O, S>;
    }
}

/// The rustdoc of the handles' impl block.
pub(crate) fn handles_doc(m: &Model) -> String {
    format!(
        "Typed `$filter` / `$orderby` operands of [`{}`], one per property: `{}Field::NAME.eq(…)`, \
         `.orderby({}Field::NAME, false)`. Operators the schema does not allow for a property, and \
         literals of another type, do not compile; a property that neither filters nor sorts has none.",
        m.rust_name, m.rust_name, m.rust_name
    )
}

/// The handles of a model's properties, as an `impl` block on its field enum.
pub fn field_handles(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let field_enum = format_ident!("{}Field", m.rust_name);
    let consts: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| has_handle(f))
        .map(|f| {
            let doc = restriction_doc(f).map(|d| super::doc_attr(&d));
            let c = handle_const(ir, m, f);
            quote!(#doc #c)
        })
        .collect();
    if consts.is_empty() {
        return quote!();
    }
    let prelude = handles_prelude(m);
    let doc = super::doc_attr(&handles_doc(m));
    quote! {
        #prelude
        #doc
        #[allow(clippy::type_complexity)]
        impl #field_enum { #(#consts)* }
    }
}

/// What the schema restricts, in the handle's rustdoc (nothing when it restricts nothing).
pub(crate) fn restriction_doc(f: &Field) -> Option<String> {
    let mut notes = Vec::new();
    match &f.filter_ops {
        Some(o) if o.is_empty() => notes.push("not filterable".to_string()),
        Some(o) => notes.push(format!("`$filter` operators: {}", o.join(", "))),
        None => {}
    }
    if !f.sortable {
        notes.push("not sortable".into());
    }
    (!notes.is_empty()).then(|| format!("`{}`: {}.", f.wire, notes.join("; ")))
}
