//! Typed `$filter` / `$orderby` handles: one associated const per property on the field enum
//! (`UserField::DISPLAY_NAME`), typed by the owner, the literal type of the property's Edm
//! type, the operators the schema allows and whether it sorts. All operators live once in
//! `graph_runtime::filter::typed`; the per-property cost is one `const` line.

use super::models::model_path;
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
fn scalar_lit(ir: &Ir, t: &FieldType) -> TokenStream {
    match t {
        FieldType::String => quote!(ft::lit::Str),
        FieldType::Bool => quote!(ft::lit::Bool),
        FieldType::I16 | FieldType::I32 | FieldType::I64 | FieldType::U8 | FieldType::I8 => quote!(ft::lit::Int),
        FieldType::F32 | FieldType::F64 => quote!(ft::lit::Float),
        FieldType::Number => quote!(ft::lit::Decimal),
        FieldType::Guid => quote!(ft::lit::Guid),
        FieldType::DateTimeOffset => quote!(ft::lit::DateTimeOffset),
        FieldType::Date => quote!(ft::lit::Date),
        FieldType::TimeOfDay => quote!(ft::lit::TimeOfDay),
        FieldType::Duration => quote!(ft::lit::Duration),
        FieldType::Json => quote!(ft::lit::Any),
        FieldType::Model(q) => {
            let p = model_path(ir, q);
            match ir.models.get(q).map(|m| &m.kind) {
                Some(ModelKind::Enum(e)) if e.flags => {
                    let member = member_path(&p);
                    quote!(ft::lit::Flags<#member>)
                }
                Some(ModelKind::Enum(_)) => quote!(ft::lit::Enum<#p>),
                _ => quote!(ft::lit::Complex<#p>),
            }
        }
    }
}

/// `crate::ns::Colors` → `crate::ns::ColorsMember` (the member enum of a flags set).
fn member_path(p: &TokenStream) -> TokenStream {
    let s = p.to_string().replace(' ', "");
    let path: syn::Path = syn::parse_str(&format!("{s}Member")).expect("valid path");
    quote!(#path)
}

/// The `Ops<…>` type of an operator list (`None`: the default, every operator).
fn ops_type(ops: &Option<Vec<String>>) -> Option<TokenStream> {
    let ops = ops.as_ref()?;
    if ops.is_empty() {
        return Some(quote!(ft::NoOps));
    }
    let flags: Vec<TokenStream> =
        OPERATOR_GROUPS.iter().map(|g| if ops.iter().any(|o| o == g) { quote!(ft::Y) } else { quote!(ft::N) }).collect();
    Some(quote!(ft::Ops<#(#flags),*>))
}

/// The handles of a model's properties, as an `impl` block on its field enum.
pub fn field_handles(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let field_enum = format_ident!("{}Field", m.rust_name);
    let owner = format_ident!("{}", m.rust_name);
    // Private to the model's file (only public items are re-exported), so it cannot collide.
    let h = format_ident!("{}Handle", m.rust_name);
    let consts: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| has_handle(f))
        .map(|f| {
            let name = format_ident!("{}", handle_name(f));
            let wire = &f.wire;
            let inner = scalar_lit(ir, &f.ty);
            let lit = if f.collection { quote!(ft::lit::Coll<#inner>) } else { inner };
            let sort = (!f.sortable).then(|| quote!(ft::Unsortable));
            let ty = match (ops_type(&f.filter_ops), sort) {
                (None, None) => quote!(#h<#lit>),
                (Some(o), None) => quote!(#h<#lit, #o>),
                (o, Some(s)) => {
                    let o = o.unwrap_or(quote!(ft::Ops));
                    quote!(#h<#lit, #o, #s>)
                }
            };
            let doc = restriction_doc(f);
            quote!(#doc pub const #name: #ty = ft::Prop::new(#wire);)
        })
        .collect();
    if consts.is_empty() {
        return quote!();
    }
    let doc = super::doc_attr(&format!(
        "Typed `$filter` / `$orderby` operands of [`{}`], one per property: `{}Field::NAME.eq(…)`, \
         `.orderby({}Field::NAME, false)`. Operators the schema does not allow for a property, and \
         literals of another type, do not compile; a property that neither filters nor sorts has none.",
        m.rust_name, m.rust_name, m.rust_name
    ));
    quote! {
        use graph_runtime::filter::typed as ft;
        type #h<L, O = ft::Ops, S = ft::Sortable> = ft::Prop<#owner, L, O, S>;
        #doc
        #[allow(clippy::type_complexity)]
        impl #field_enum { #(#consts)* }
    }
}

/// What the schema restricts, in the handle's rustdoc (nothing when it restricts nothing).
fn restriction_doc(f: &Field) -> TokenStream {
    let mut notes = Vec::new();
    match &f.filter_ops {
        Some(o) if o.is_empty() => notes.push("not filterable".to_string()),
        Some(o) => notes.push(format!("`$filter` operators: {}", o.join(", "))),
        None => {}
    }
    if !f.sortable {
        notes.push("not sortable".into());
    }
    if notes.is_empty() {
        quote!()
    } else {
        super::doc_attr(&format!("`{}`: {}.", f.wire, notes.join("; ")))
    }
}
