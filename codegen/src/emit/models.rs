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
    let krate = match ir.layout.model_part.get(qname) {
        Some(&p) => part_root(&ir.layout.parts[p]),
        None => quote!(crate),
    };
    model_path_in(ir, qname, &krate)
}

/// The root path of a part's crate.
pub fn part_root(p: &Part) -> TokenStream {
    let lib = format_ident!("{}", p.lib);
    quote!(#lib)
}

/// The root of the crate that holds the builders: `crate` in a one-crate output.
pub fn requests_root(ir: &Ir) -> TokenStream {
    root_of(ir, ir.layout.requests)
}

/// The root of the crate that holds the operation data: `crate` in a one-crate output.
pub fn operations_root(ir: &Ir) -> TokenStream {
    root_of(ir, ir.layout.operations)
}

fn root_of(ir: &Ir, part: usize) -> TokenStream {
    ir.layout.parts.get(part).map(part_root).unwrap_or_else(|| quote!(crate))
}

/// Path of a model's Rust type under the crate root `krate` (`crate`, or `graph` in tests).
pub fn model_path_in(ir: &Ir, qname: &str, krate: &TokenStream) -> TokenStream {
    match ir.models.get(qname) {
        Some(m) => {
            let ns = format_ident!("{}", namespace_module(&m.namespace));
            let t = format_ident!("{}", m.rust_name);
            quote!(#krate::#ns::#t)
        }
        None => quote!(serde_json::Value),
    }
}

fn flags_member_name(m: &Model) -> String {
    format!("{}Member", m.rust_name)
}

/// Rust type of one value of a field (no Option/Vec).
pub fn scalar_type(ir: &Ir, t: &FieldType, boxed: bool) -> TokenStream {
    match t {
        FieldType::String => quote!(String),
        FieldType::Bool => quote!(bool),
        FieldType::I16 => quote!(i16),
        FieldType::I32 => quote!(i32),
        FieldType::I64 => quote!(i64),
        FieldType::U8 => quote!(u8),
        FieldType::I8 => quote!(i8),
        FieldType::F32 => quote!(f32),
        FieldType::F64 => quote!(f64),
        FieldType::Number => quote!(serde_json::Number),
        FieldType::Guid => quote!(graph_runtime::edm::Guid),
        FieldType::DateTimeOffset => quote!(graph_runtime::edm::DateTimeOffset),
        FieldType::Date => quote!(graph_runtime::edm::Date),
        FieldType::TimeOfDay => quote!(graph_runtime::edm::TimeOfDay),
        FieldType::Duration => quote!(graph_runtime::edm::Duration),
        FieldType::Json => quote!(serde_json::Value),
        FieldType::Model(q) => {
            let p = model_path(ir, q);
            match ir.models.get(q).map(|m| &m.kind) {
                Some(ModelKind::Struct(_)) if boxed => quote!(Box<#p>),
                _ => p,
            }
        }
    }
}

pub fn emit_model(ir: &Ir, m: &Model) -> TokenStream {
    match &m.kind {
        ModelKind::Struct(s) => emit_struct(ir, m, s),
        ModelKind::Enum(e) => emit_enum(m, e),
    }
}

fn emit_struct(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let name_str = &m.rust_name;
    let mut doc = m.doc.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Wire type: `{}`.", m.qname.split('#').next().unwrap_or(&m.qname)));
    if s.opaque {
        doc.push_str(" Referenced from outside the generated namespaces: kept opaque, every field is preserved in `additional`.");
    }
    let doc = doc_attr(&doc);
    let mut fields = Vec::new();
    let mut takes = Vec::new();
    let mut required = false;
    let mut puts = Vec::new();
    for f in &s.fields {
        let rust = format_ident!("{}", f.rust);
        let wire = &f.wire;
        let inner = scalar_type(ir, &f.ty, !f.collection);
        let value = if f.collection { quote!(Vec<#inner>) } else { inner };
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
            fdoc.push_str(&format!("Wire name `{wire}`; {}.", notes.join("; ")));
        }
        let fdoc = doc_attr(&fdoc);
        let ty = match field_repr(s, f) {
            Repr::Required => {
                // `None` stops here; the error waits in `o`.
                required = true;
                takes.push(quote! { #rust: o.take_required(#wire)?, });
                puts.push(quote!(w.req(#wire, &self.#rust);));
                value
            }
            Repr::TriState => {
                takes.push(quote! { #rust: o.take_nullable(#wire), });
                puts.push(quote!(w.opt(#wire, &self.#rust);));
                quote!(Option<Option<#value>>)
            }
            Repr::Optional => {
                takes.push(quote! { #rust: o.take(#wire), });
                puts.push(quote!(w.opt(#wire, &self.#rust);));
                quote!(Option<#value>)
            }
        };
        fields.push(quote! { #fdoc pub #rust: #ty, });
    }
    // A create body with required fields has no `Default`.
    let derives = if !required { quote!(#[derive(Clone, Default)]) } else { quote!(#[derive(Clone)]) };
    let resource = if s.write.is_none() {
        emit_resource_impls(ir, m, s)
    } else {
        quote!()
    };
    // Serde impls over `graph_runtime::wire` instead of derives: the properties are named in
    // two plain functions (`WireModel`), and the generic serde glue is one line each. That is
    // most of the compile time of a crate with thousands of models (see the module docs).
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
        #resource
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

fn emit_resource_impls(ir: &Ir, m: &Model, s: &StructModel) -> TokenStream {
    let name = format_ident!("{}", m.rust_name);
    let odata_type = format!("#{}", m.qname);
    let searchable = s.searchable.then(|| quote!(impl graph_runtime::Searchable for #name {}));
    if s.opaque || s.fields.is_empty() {
        return quote! {
            impl graph_runtime::Resource for #name {
                const ODATA_TYPE: &'static str = #odata_type;
                type Field = graph_runtime::NoFields;
            }
            #searchable
        };
    }
    let field_enum = format_ident!("{}Field", m.rust_name);
    let variants: Vec<_> = s.fields.iter().map(|f| format_ident!("{}", f.variant)).collect();
    let wires: Vec<_> = s.fields.iter().map(|f| f.wire.clone()).collect();
    let count = wires.len();
    let vdocs: Vec<_> = s.fields.iter().map(|f| doc_attr(&format!("`{}`", f.wire))).collect();
    let fdoc = doc_attr(&format!("Properties of [`{}`] for `$select`; its consts are the typed `$filter` and `$orderby` operands.", m.rust_name));
    let handles = super::filters::field_handles(ir, m, s);
    let expand = if s.expands.is_empty() {
        quote!()
    } else {
        let ename = format_ident!("{}Expand", m.rust_name);
        let fns: Vec<TokenStream> = s
            .expands
            .iter()
            .map(|(wire, rust, target)| {
                let f = format_ident!("{}", rust);
                let t = model_path(ir, target);
                let d = doc_attr(&format!("`$expand={wire}`"));
                quote! {
                    #d
                    pub fn #f() -> graph_runtime::Expand<#name, #t> { graph_runtime::Expand::new(#wire) }
                }
            })
            .collect();
        // Only a namespace for the constructors: no values, so no impls to check.
        let edoc = doc_attr(&format!("Typed `$expand` items of [`{}`] (constructors only; it has no values).", m.rust_name));
        // A navigation property named `default` makes an associated fn `default()`.
        let allow = s
            .expands
            .iter()
            .any(|(_, rust, _)| rust == "default")
            .then(|| quote!(#[allow(clippy::should_implement_trait)]));
        quote! {
            #edoc
            pub enum #ename {}
            #allow
            impl #ename { #(#fns)* }
        }
    };
    quote! {
        #fdoc
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #field_enum { #(#vdocs #variants,)* }
        // A table instead of a `match`, and `Debug` as the wire name instead of a derive:
        // there are thousands of these enums, and both are cheaper to compile.
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
        impl graph_runtime::Resource for #name {
            const ODATA_TYPE: &'static str = #odata_type;
            type Field = #field_enum;
        }
        #searchable
        #handles
        #expand
    }
}

fn emit_enum(m: &Model, e: &EnumModel) -> TokenStream {
    let enum_name = if e.flags { flags_member_name(m) } else { m.rust_name.clone() };
    let name = format_ident!("{}", enum_name);
    let variants: Vec<_> = e.members.iter().map(|(_, v, _, _)| format_ident!("{}", v)).collect();
    let wires: Vec<_> = e.members.iter().map(|(w, _, _, _)| w.clone()).collect();
    let values: Vec<i64> = e.members.iter().map(|(_, _, v, _)| *v).collect();
    let vdocs: Vec<_> = e
        .members
        .iter()
        .map(|(w, _, v, d)| {
            let text = match d {
                Some(d) => format!("`{w}` ({v}): {d}"),
                None => format!("`{w}` ({v})"),
            };
            doc_attr(&text)
        })
        .collect();
    let mut doc = m.doc.clone().unwrap_or_default();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Wire type: `{}`{}. Values this version does not know are kept in `Unknown`.",
        m.qname,
        if e.flags { " (a member of the flags set)" } else { "" }
    ));
    let doc = doc_attr(&doc);
    // An enum without members only has `Unknown` (a `match` would be a single binding).
    let from_wire_body = if e.members.is_empty() {
        quote!(Self::Unknown(s.to_string()))
    } else {
        quote!(match s { #(#wires => Self::#variants,)* other => Self::Unknown(other.to_string()) })
    };
    let flags_alias = if e.flags {
        let alias = format_ident!("{}", m.rust_name);
        let d = doc_attr(&format!("Flags `{}`: a set of [`{}`] (`\"user,group\"` on the wire).", m.qname, enum_name));
        quote! { #d pub type #alias = graph_runtime::Flags<#name>; }
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#vdocs #variants,)*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }
        impl #name {
            /// Numeric value from the schema, `None` for unknown values.
            pub fn value(&self) -> Option<i64> {
                match self { #(Self::#variants => Some(#values),)* Self::Unknown(_) => None }
            }
        }
        impl graph_runtime::WireEnum for #name {
            fn from_wire(s: &str) -> Self {
                #from_wire_body
            }
            fn as_wire(&self) -> &str {
                match self { #(Self::#variants => #wires,)* Self::Unknown(s) => s.as_str() }
            }
        }
        graph_runtime::wire_enum_serde!(#name);
        #flags_alias
    }
}
