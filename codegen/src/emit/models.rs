//! Models: one file per type. Structs keep wire names, unknown properties and instance
//! annotations (`additional`), and `@odata.type`; enums keep unknown values raw; flags enums
//! are sets of members.

use super::doc_attr;
use crate::ir::naming::namespace_module;
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Path of a model's Rust type from anywhere in the output: `crate::cloud_licensing::Allotment`,
/// or in a split output the crate that holds it (`graph_generated_shared::microsoft_graph::User`;
/// every part names itself with `extern crate self as …`, so the path is the same everywhere).
pub fn model_path(ir: &Ir, qname: &str) -> TokenStream {
    tokens(&model_path_text(ir, qname))
}

/// [`model_path`] as text (the one spelling of both).
pub fn model_path_text(ir: &Ir, qname: &str) -> String {
    let krate = match ir.layout.model_part.get(qname) {
        Some(&p) => ir.layout.parts[p].lib.as_str(),
        None => "crate",
    };
    model_path_text_in(ir, qname, krate)
}

/// Tokens of a path or type written as text by the functions here.
pub(crate) fn tokens(text: &str) -> TokenStream {
    text.parse().expect("a generated path lexes")
}

/// The root path of a part's crate.
pub fn part_root(p: &Part) -> TokenStream {
    let lib = format_ident!("{}", p.lib);
    quote!(#lib)
}

/// The root of the crate that holds the builders: `crate` in a one-crate output.
pub fn requests_root(ir: &Ir) -> TokenStream {
    tokens(requests_root_text(ir))
}

/// The root of the crate that holds the operation data: `crate` in a one-crate output.
pub fn operations_root(ir: &Ir) -> TokenStream {
    tokens(operations_root_text(ir))
}

/// [`requests_root`] as text.
pub fn requests_root_text(ir: &Ir) -> &str {
    root_of(ir, ir.layout.requests)
}

/// [`operations_root`] as text.
pub fn operations_root_text(ir: &Ir) -> &str {
    root_of(ir, ir.layout.operations)
}

fn root_of(ir: &Ir, part: usize) -> &str {
    ir.layout.parts.get(part).map(|p| p.lib.as_str()).unwrap_or("crate")
}

/// Path of a model's Rust type under the crate root `krate` (`crate`, or `graph` in tests).
pub fn model_path_in(ir: &Ir, qname: &str, krate: &TokenStream) -> TokenStream {
    tokens(&model_path_text_in(ir, qname, &krate.to_string()))
}

fn model_path_text_in(ir: &Ir, qname: &str, krate: &str) -> String {
    match ir.models.get(qname) {
        Some(m) => format!("{krate}::{}::{}", namespace_module(&m.namespace), m.rust_name),
        None => "serde_json::Value".to_string(),
    }
}

fn flags_member_name(m: &Model) -> String {
    format!("{}Member", m.rust_name)
}

/// Rust type of one value of a field (no Option/Vec).
pub fn scalar_type(ir: &Ir, t: &FieldType, boxed: bool) -> TokenStream {
    tokens(&scalar_type_text(ir, t, boxed))
}

/// [`scalar_type`] as text (the one spelling of both).
pub fn scalar_type_text(ir: &Ir, t: &FieldType, boxed: bool) -> String {
    let s = match t {
        FieldType::String => "String",
        FieldType::Bool => "bool",
        FieldType::I16 => "i16",
        FieldType::I32 => "i32",
        FieldType::I64 => "i64",
        FieldType::U8 => "u8",
        FieldType::I8 => "i8",
        FieldType::F32 => "f32",
        FieldType::F64 => "f64",
        FieldType::Number => "serde_json::Number",
        FieldType::Guid => "graph_runtime::edm::Guid",
        FieldType::DateTimeOffset => "graph_runtime::edm::DateTimeOffset",
        FieldType::Date => "graph_runtime::edm::Date",
        FieldType::TimeOfDay => "graph_runtime::edm::TimeOfDay",
        FieldType::Duration => "graph_runtime::edm::Duration",
        FieldType::Json => "serde_json::Value",
        FieldType::Model(q) => {
            let p = model_path_text(ir, q);
            return match ir.models.get(q).map(|m| &m.kind) {
                Some(ModelKind::Struct(_)) if boxed => format!("Box<{p}>"),
                _ => p,
            };
        }
    };
    s.to_string()
}

pub fn emit_model(ir: &Ir, m: &Model) -> TokenStream {
    match &m.kind {
        ModelKind::Struct(s) => emit_struct(ir, m, s),
        ModelKind::Enum(e) => emit_enum(m, e),
    }
}

/// The rustdoc of a struct model.
pub(crate) fn struct_doc(m: &Model, s: &StructModel) -> String {
    let mut doc = m.doc.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Wire type: `{}`.", m.qname.split('#').next().unwrap_or(&m.qname)));
    if s.opaque {
        doc.push_str(" Referenced from outside the generated namespaces: kept opaque, every field is preserved in `additional`.");
    }
    doc
}

/// The rustdoc of a field.
pub(crate) fn field_doc(s: &StructModel, f: &Field) -> String {
    let mut fdoc = f.doc.clone().unwrap_or_default();
    let mut notes = Vec::new();
    if f.read_only && s.write.is_none() {
        notes.push("read-only");
    }
    if f.nullable && s.write.is_none() {
        notes.push("nullable: `Some(None)` is an explicit `null`");
    }
    if f.filterable {
        notes.push("supports `$filter`");
    }
    if f.navigation {
        notes.push("navigation property: present when expanded");
    }
    if !notes.is_empty() {
        if !fdoc.is_empty() {
            fdoc.push_str("\n\n");
        }
        fdoc.push_str(&format!("Wire name `{}`; {}.", f.wire, notes.join("; ")));
    }
    fdoc
}

/// The type of a field in its struct, as text.
pub(crate) fn field_type_text(ir: &Ir, s: &StructModel, f: &Field) -> String {
    let inner = scalar_type_text(ir, &f.ty, !f.collection);
    let value = if f.collection { format!("Vec<{inner}>") } else { inner };
    match field_repr(s, f) {
        Repr::Required => value,
        Repr::TriState => format!("Option<Option<{value}>>"),
        Repr::Optional => format!("Option<{value}>"),
    }
}

/// One field of a struct, without its rustdoc.
pub(crate) fn field_tokens(ir: &Ir, s: &StructModel, f: &Field) -> TokenStream {
    let rust = format_ident!("{}", f.rust);
    let ty = tokens(&field_type_text(ir, s, f));
    quote!(pub #rust: #ty,)
}

/// A create body with required fields has no `Default`.
pub(crate) fn struct_derives(s: &StructModel) -> &'static str {
    if s.fields.iter().any(|f| matches!(field_repr(s, f), Repr::Required)) {
        "#[derive(Clone)]"
    } else {
        "#[derive(Clone, Default)]"
    }
}

/// What `from_wire` takes and `to_wire` puts for a field: the `Object` method and the
/// `Fields` method.
pub(crate) fn field_wire_calls(s: &StructModel, f: &Field) -> (&'static str, &'static str) {
    match field_repr(s, f) {
        // `None` stops here; the error waits in `o`.
        Repr::Required => ("take_required", "req"),
        Repr::TriState => ("take_nullable", "opt"),
        Repr::Optional => ("take", "opt"),
    }
}

fn emit_struct(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let def = struct_def(ir, m, s);
    let wire = wire_impl(m, s);
    let serde = serde_impls(m);
    let resource = if s.write.is_none() { emit_resource_impls(ir, m, s) } else { quote!() };
    quote!(#def #wire #serde #resource)
}

/// The struct itself.
pub(crate) fn struct_def(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let doc = doc_attr(&struct_doc(m, s));
    let fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let fdoc = doc_attr(&field_doc(s, f));
            let field = field_tokens(ir, s, f);
            quote!(#fdoc #field)
        })
        .collect();
    let derives = tokens(struct_derives(s));
    quote! {
        #doc
        #derives
        pub struct #name {
            /// `@odata.type`: the concrete type on the wire (`#microsoft.graph…`).
            pub odata_type: Option<String>,
            #(#fields)*
            /// Properties and instance annotations the schema does not name (`x@odata.count`,
            /// computed `$apply` values, `@odata.bind`, …), kept so nothing is lost.
            pub additional: serde_json::Map<String, serde_json::Value>,
        }
    }
}

/// `WireModel`: the properties named in two plain functions.
pub(crate) fn wire_impl(m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let mut takes = Vec::new();
    let mut puts = Vec::new();
    for f in &s.fields {
        let rust = format_ident!("{}", f.rust);
        let wire = &f.wire;
        let (take, put) = field_wire_calls(s, f);
        let (take, put) = (format_ident!("{}", take), format_ident!("{}", put));
        let q = matches!(field_repr(s, f), Repr::Required).then(|| quote!(?));
        takes.push(quote! { #rust: o.#take(#wire)#q, });
        puts.push(quote!(w.#put(#wire, &self.#rust);));
    }
    quote! {
        impl graph_runtime::wire::WireModel for #name {
            fn from_wire(o: &mut graph_runtime::wire::Object) -> Option<Self> {
                Some(Self { odata_type: o.take("@odata.type"), #(#takes)* additional: o.rest() })
            }
            fn to_wire<'a>(&'a self, w: &mut graph_runtime::wire::Fields<'a>) {
                w.opt("@odata.type", &self.odata_type);
                #(#puts)*
                w.additional(&self.additional);
            }
        }
    }
}

/// Serde, `Debug` and `PartialEq` over `graph_runtime::wire` instead of derives: the generic
/// glue is one line each. That is most of the compile time of a crate with thousands of
/// models (see the module docs).
pub(crate) fn serde_impls(m: &Model) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let name_str = &m.rust_name;
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                graph_runtime::wire::deserialize(d)
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                graph_runtime::wire::serialize(self, s)
            }
        }
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                graph_runtime::wire::debug(self, #name_str, f)
            }
        }
        /// Equal when both write the same JSON.
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                graph_runtime::wire::eq(self, other)
            }
        }
    }
}

/// How a field is represented in its struct.
enum Repr {
    /// Plain `T`: required in a create body.
    Required,
    /// `Option<Option<T>>`: absent / `null` / value (nullable properties, update bodies).
    TriState,
    /// `Option<T>`: Graph omits properties that were not selected.
    Optional,
}

fn field_repr(s: &StructModel, f: &Field) -> Repr {
    match s.write {
        Some(WriteMode::Create) if f.required => Repr::Required,
        Some(WriteMode::Update) => Repr::TriState,
        Some(_) => Repr::Optional,
        None if f.nullable => Repr::TriState,
        None => Repr::Optional,
    }
}

/// Whether a read model has a field enum (else `graph_runtime::NoFields`).
pub(crate) fn has_field_enum(s: &StructModel) -> bool {
    !s.opaque && !s.fields.is_empty()
}

fn emit_resource_impls(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let resource = resource_impl(m, s);
    let searchable = searchable_impl(m, s);
    if !has_field_enum(s) {
        return quote!(#resource #searchable);
    }
    let def = field_enum_def(m, s);
    let impls = field_enum_impls(m, s);
    let handles = super::filters::field_handles(ir, m, s);
    let expand = expand_items(ir, m, s);
    quote!(#def #impls #resource #searchable #handles #expand)
}

/// `impl Resource`.
pub(crate) fn resource_impl(m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let odata_type = format!("#{}", m.qname);
    let field = if has_field_enum(s) {
        let f = format_ident!("{}Field", m.rust_name);
        quote!(#f)
    } else {
        quote!(graph_runtime::NoFields)
    };
    quote! {
        impl graph_runtime::Resource for #name {
            const ODATA_TYPE: &'static str = #odata_type;
            type Field = #field;
        }
    }
}

/// `impl Searchable` when the type is not marked unsearchable.
pub(crate) fn searchable_impl(m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    if s.searchable {
        quote!(impl graph_runtime::Searchable for #name {})
    } else {
        quote!()
    }
}

/// The rustdoc of the field enum.
pub(crate) fn field_enum_doc(m: &Model) -> String {
    format!("Properties of [`{}`] for `$select`; its consts are the typed `$filter` and `$orderby` operands.", m.rust_name)
}

/// The field enum.
pub(crate) fn field_enum_def(m: &Model, s: &StructModel) -> TokenStream {
    let field_enum = format_ident!("{}Field", m.rust_name);
    let variants: Vec<_> = s.fields.iter().map(|f| format_ident!("{}", f.variant)).collect();
    let vdocs: Vec<_> = s.fields.iter().map(|f| doc_attr(&format!("`{}`", f.wire))).collect();
    let fdoc = doc_attr(&field_enum_doc(m));
    quote! {
        #fdoc
        #[derive(Clone, Copy)]
        pub enum #field_enum { #(#vdocs #variants,)* }
    }
}

/// `Field` and `Debug` of the field enum: a table instead of a `match`, and `Debug` as the
/// wire name instead of a derive (there are thousands of these enums, and both are cheaper
/// to compile).
pub(crate) fn field_enum_impls(m: &Model, s: &StructModel) -> TokenStream {
    let field_enum = format_ident!("{}Field", m.rust_name);
    let wires: Vec<_> = s.fields.iter().map(|f| f.wire.clone()).collect();
    let count = wires.len();
    quote! {
        impl graph_runtime::Field for #field_enum {
            fn wire_name(self) -> &'static str {
                const NAMES: [&str; #count] = [#(#wires,)*];
                NAMES[self as usize]
            }
        }
        impl std::fmt::Debug for #field_enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(graph_runtime::Field::wire_name(*self))
            }
        }
        graph_runtime::field_enum!(#field_enum);
    }
}

/// The rustdoc of the `…Expand` enum.
pub(crate) fn expand_doc(m: &Model) -> String {
    format!("Typed `$expand` items of [`{}`] (constructors only; it has no values).", m.rust_name)
}

/// One constructor of a typed `$expand` item.
pub(crate) fn expand_fn(ir: &Ir, m: &Model, (wire, rust, target): &(String, String, String)) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let f = format_ident!("{}", rust);
    let t = model_path(ir, target);
    let d = doc_attr(&format!("`$expand={wire}`"));
    quote! {
        #d
        pub fn #f() -> graph_runtime::Expand<#name, #t> { graph_runtime::Expand::new(#wire) }
    }
}

/// A navigation property named `default` makes an associated fn `default()`.
pub(crate) fn expand_needs_allow(s: &StructModel) -> bool {
    s.expands.iter().any(|(_, rust, _)| rust == "default")
}

fn expand_items(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    if s.expands.is_empty() {
        return quote!();
    }
    let ename = format_ident!("{}Expand", m.rust_name);
    let fns: Vec<TokenStream> = s.expands.iter().map(|e| expand_fn(ir, m, e)).collect();
    // Only a namespace for the constructors: no values, so no impls to check.
    let edoc = doc_attr(&expand_doc(m));
    let allow = expand_needs_allow(s).then(|| quote!(#[allow(clippy::should_implement_trait)]));
    quote! {
        #edoc
        pub enum #ename {}
        #allow
        impl #ename { #(#fns)* }
    }
}

/// The name of an enum model's Rust enum (the member enum of a flags set).
pub(crate) fn enum_name(m: &Model, e: &EnumModel) -> String {
    if e.flags {
        flags_member_name(m)
    } else {
        m.rust_name.clone()
    }
}

/// The rustdoc of an enum model.
pub(crate) fn enum_doc(m: &Model, e: &EnumModel) -> String {
    let mut doc = m.doc.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Wire type: `{}`{}. Values this version does not know are kept in `Unknown`.",
        m.qname,
        if e.flags { " (a member of the flags set)" } else { "" }
    ));
    doc
}

/// The rustdoc of one member.
pub(crate) fn member_doc((w, _, v, d): &(String, String, i64, Option<String>)) -> String {
    match d {
        Some(d) => format!("`{w}` ({v}): {d}"),
        None => format!("`{w}` ({v})"),
    }
}

/// The rustdoc of a flags set's alias.
pub(crate) fn flags_doc(m: &Model, e: &EnumModel) -> String {
    format!("Flags `{}`: a set of [`{}`] (`\"user,group\"` on the wire).", m.qname, enum_name(m, e))
}

fn emit_enum(m: &Model, e: &EnumModel) -> TokenStream {
    let def = enum_def(m, e);
    let value = enum_value_impl(m, e);
    let wire = enum_wire_impl(m, e);
    let rest = enum_serde_and_alias(m, e);
    quote!(#def #value #wire #rest)
}

/// The enum itself.
pub(crate) fn enum_def(m: &Model, e: &EnumModel) -> TokenStream {
    let name = format_ident!("{}", enum_name(m, e));
    let variants: Vec<_> = e.members.iter().map(|(_, v, _, _)| format_ident!("{}", v)).collect();
    let vdocs: Vec<_> = e.members.iter().map(|mm| doc_attr(&member_doc(mm))).collect();
    let doc = doc_attr(&enum_doc(m, e));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#vdocs #variants,)*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }
    }
}

/// `value()`.
pub(crate) fn enum_value_impl(m: &Model, e: &EnumModel) -> TokenStream {
    let name = format_ident!("{}", enum_name(m, e));
    let variants: Vec<_> = e.members.iter().map(|(_, v, _, _)| format_ident!("{}", v)).collect();
    let values: Vec<i64> = e.members.iter().map(|(_, _, v, _)| *v).collect();
    quote! {
        impl #name {
            /// Numeric value from the schema, `None` for unknown values.
            pub fn value(&self) -> Option<i64> {
                match self { #(Self::#variants => Some(#values),)* Self::Unknown(_) => None }
            }
        }
    }
}

/// `WireEnum`.
pub(crate) fn enum_wire_impl(m: &Model, e: &EnumModel) -> TokenStream {
    let name = format_ident!("{}", enum_name(m, e));
    let variants: Vec<_> = e.members.iter().map(|(_, v, _, _)| format_ident!("{}", v)).collect();
    let wires: Vec<_> = e.members.iter().map(|(w, _, _, _)| w.clone()).collect();
    // An enum without members only has `Unknown` (a `match` would be a single binding).
    let from_wire_body = if e.members.is_empty() {
        quote!(Self::Unknown(s.to_string()))
    } else {
        quote!(match s { #(#wires => Self::#variants,)* other => Self::Unknown(other.to_string()) })
    };
    quote! {
        impl graph_runtime::WireEnum for #name {
            fn from_wire(s: &str) -> Self {
                #from_wire_body
            }
            fn as_wire(&self) -> &str {
                match self { #(Self::#variants => #wires,)* Self::Unknown(s) => s.as_str() }
            }
        }
    }
}

/// The serde impls (a macro of the runtime) and, for a flags set, its alias.
pub(crate) fn enum_serde_and_alias(m: &Model, e: &EnumModel) -> TokenStream {
    let name = format_ident!("{}", enum_name(m, e));
    let flags_alias = if e.flags {
        let alias = format_ident!("{}", m.rust_name);
        let d = doc_attr(&flags_doc(m, e));
        quote! { #d pub type #alias = graph_runtime::Flags<#name>; }
    } else {
        quote!()
    };
    quote! {
        graph_runtime::wire_enum!(#name);
        #flags_alias
    }
}
