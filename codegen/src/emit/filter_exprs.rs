//! A documented `$filter` / `$orderby` rebuilt with the typed handles: the
//! [`crate::filter_parse`] tree resolved against the target model's properties (paths, lambda
//! variables, literal types, the operators the schema allows) and turned into the builder
//! calls an SDK user would write. What cannot be typed is an [`Untyped`] reason with a stable
//! diagnostic code; the example checker reports it and the emitter falls back to raw text.
//! One function decides for both, so the report's figures are exactly what is generated.

use super::filters::{handle_name, has_handle};
use super::models::model_path_in;
use crate::check::{is_date, is_datetime, is_duration, is_time};
use crate::filter_parse::{parse, render, CmpOp, Expr, Func, Lit};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub const FILTER_SYNTAX: &str = "example-filter-syntax";
pub const FILTER_FORBIDDEN: &str = "example-filter-forbidden";
pub const FILTER_UNTYPED: &str = "example-filter-untyped";
pub const ORDERBY_UNSORTABLE: &str = "example-orderby-unsortable";
pub const ORDERBY_UNTYPED: &str = "example-orderby-untyped";

/// Why an expression stays raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untyped {
    pub code: &'static str,
    pub message: String,
}

fn untyped<T>(message: impl Into<String>) -> Result<T, Untyped> {
    Err(Untyped { code: FILTER_UNTYPED, message: message.into() })
}

fn forbidden<T>(message: impl Into<String>) -> Result<T, Untyped> {
    Err(Untyped { code: FILTER_FORBIDDEN, message: message.into() })
}

/// A typed expression: the calls, and the text they render (canonical form of the documented one).
pub struct Typed {
    pub tokens: TokenStream,
    pub text: String,
}

struct Cx<'a> {
    ir: &'a Ir,
    krate: &'a TokenStream,
    /// The target model.
    root: &'a str,
    /// Lambda variables in scope: (name, Rust ident, element type).
    vars: Vec<(String, proc_macro2::Ident, FieldType)>,
}

/// What a path resolves to.
struct Operand<'a> {
    tokens: TokenStream,
    ty: FieldType,
    collection: bool,
    /// The property's field (`None` for a bare lambda variable: every operator allowed).
    field: Option<&'a Field>,
    shown: String,
    /// The path as the handles write it: the schema's spelling of each property.
    wire: Vec<String>,
}

impl Operand<'_> {
    fn allows(&self, group: &str) -> bool {
        self.field.is_none_or(|f| f.filter_ops.as_ref().is_none_or(|o| o.iter().any(|g| g == group)))
    }
    fn require(&self, group: &str, what: &str) -> Result<(), Untyped> {
        if self.field.is_some_and(|f| f.filter_ops.as_ref().is_some_and(Vec::is_empty)) {
            return forbidden(format!("`{}` is not filterable", self.shown));
        }
        if !self.allows(group) {
            let ops = self.field.and_then(|f| f.filter_ops.as_ref()).map(|o| o.join(", ")).unwrap_or_default();
            return forbidden(format!("`{}` does not support `{what}` (the schema allows {ops})", self.shown));
        }
        Ok(())
    }
}

fn struct_of<'a>(ir: &'a Ir, q: &str) -> Option<(&'a Model, &'a StructModel)> {
    let m = ir.models.get(q)?;
    match &m.kind {
        ModelKind::Struct(s) if !s.opaque && !s.fields.is_empty() && s.write.is_none() => Some((m, s)),
        _ => None,
    }
}

fn suffixed(p: &TokenStream, suffix: &str) -> TokenStream {
    let s = p.to_string().replace(' ', "");
    let path: syn::Path = syn::parse_str(&format!("{s}{suffix}")).expect("valid path");
    quote!(#path)
}

impl<'a> Cx<'a> {
    /// The handle of property `name` of model `q` (exact wire name, else ignoring case).
    fn handle(&self, q: &str, name: &str, shown: &str) -> Result<(TokenStream, &'a Field), Untyped> {
        let Some((m, s)) = struct_of(self.ir, q) else {
            return untyped(format!("`{shown}`: `{q}` has no typed properties here"));
        };
        let f = s
            .fields
            .iter()
            .find(|f| f.wire == name)
            .or_else(|| s.fields.iter().find(|f| f.wire.eq_ignore_ascii_case(name)));
        let Some(f) = f else {
            return untyped(format!("`{shown}`: `{name}` is not a property of `{}`", m.qname));
        };
        if !has_handle(f) {
            return forbidden(format!("`{shown}` is neither filterable nor sortable"));
        }
        let fe = suffixed(&model_path_in(self.ir, q, self.krate), "Field");
        let c = format_ident!("{}", handle_name(f));
        Ok((quote!(#fe::#c), f))
    }

    fn operand(&self, path: &[String]) -> Result<Operand<'a>, Untyped> {
        let shown = path.join("/");
        let (mut tokens, mut ty, mut collection, mut field, segs) = match self.vars.iter().rev().find(|v| v.0 == path[0]) {
            Some((_, ident, elem)) => (Some(quote!(#ident)), elem.clone(), false, None, &path[1..]),
            None => (None, FieldType::Model(self.root.to_string()), false, None, path),
        };
        let mut wire: Vec<String> = path[..path.len() - segs.len()].to_vec();
        for seg in segs {
            if seg.contains('.') {
                return untyped(format!("`{shown}`: type casts (`{seg}`) are not typed"));
            }
            if collection {
                return untyped(format!("`{shown}` goes through a collection; use `any` / `all`"));
            }
            let FieldType::Model(q) = &ty else {
                return untyped(format!("`{shown}`: a primitive value has no property `{seg}`"));
            };
            let (h, f) = self.handle(q, seg, &shown)?;
            tokens = Some(match tokens {
                None => h,
                Some(t) => quote!(#t.at(#h)),
            });
            ty = f.ty.clone();
            collection = f.collection;
            field = Some(f);
            wire.push(f.wire.clone());
        }
        let tokens = tokens.expect("a path has a segment");
        Ok(Operand { tokens, ty, collection, field, shown, wire })
    }
}

/// A Rust identifier for a lambda variable (its OData name when it is a plain one).
fn var_ident(var: &str, depth: usize) -> proc_macro2::Ident {
    let plain = var.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && var.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && syn::parse_str::<syn::Ident>(var).is_ok();
    if plain {
        format_ident!("{}", var)
    } else {
        format_ident!("lambda_{}", depth)
    }
}

fn edm_parse(text: &str, ty: &str) -> TokenStream {
    let t = format_ident!("{}", ty);
    let msg = format!("documented {ty} literal");
    quote!(#text.parse::<graph_runtime::edm::#t>().expect(#msg))
}

fn number(n: &str) -> TokenStream {
    match n.parse::<i64>() {
        Ok(i) => quote!(#i),
        Err(_) => {
            let x: f64 = n.parse().unwrap_or(0.0);
            quote!(#x)
        }
    }
}

impl Cx<'_> {
    /// The Rust value of literal `lit` for a property of type `ty`; flags literals come back
    /// in the runtime's form (members joined by `,`).
    fn literal(&self, o: &Operand, lit: &Lit) -> Result<(TokenStream, Lit), Untyped> {
        let mismatch = || untyped(format!("`{}`: `{}` is not a literal of its type ({})", o.shown, lit.render(), type_name(&o.ty)));
        let same = |t: TokenStream| Ok((t, lit.clone()));
        match (&o.ty, lit) {
            (FieldType::String, Lit::Str(s)) => same(quote!(#s)),
            (FieldType::Guid, Lit::Guid(g)) => same(edm_parse(g, "Guid")),
            (FieldType::I16 | FieldType::I32 | FieldType::I64 | FieldType::U8 | FieldType::I8, Lit::Number(n)) if n.parse::<i64>().is_ok() => {
                same(number(n))
            }
            (FieldType::F32 | FieldType::F64 | FieldType::Number, Lit::Number(n)) => same(number(n)),
            (FieldType::Bool, Lit::Bool(b)) => same(quote!(#b)),
            (FieldType::DateTimeOffset, Lit::DateTime(t)) if is_datetime(t) => same(edm_parse(t, "DateTimeOffset")),
            (FieldType::Date, Lit::DateTime(t)) if is_date(t) => same(edm_parse(t, "Date")),
            (FieldType::TimeOfDay, Lit::DateTime(t)) if is_time(t) => same(edm_parse(t, "TimeOfDay")),
            (FieldType::Duration, Lit::Duration(d)) if is_duration(d) => same(edm_parse(d, "Duration")),
            (FieldType::Json, Lit::Str(s)) => same(quote!(#s)),
            (FieldType::Json, Lit::Number(n)) => same(number(n)),
            (FieldType::Json, Lit::Bool(b)) => same(quote!(#b)),
            (FieldType::Json, Lit::Guid(g)) => same(quote!(graph_runtime::filter::guid(#g))),
            (FieldType::Json, Lit::DateTime(t)) => same(quote!(graph_runtime::filter::Literal::DateTime(#t.to_owned()))),
            (FieldType::Model(q), Lit::Str(text)) => {
                let Some(Model { kind: ModelKind::Enum(e), .. }) = self.ir.models.get(q) else { return mismatch() };
                let path = model_path_in(self.ir, q, self.krate);
                let member_path = if e.flags { suffixed(&path, "Member") } else { path.clone() };
                let mut members = Vec::new();
                let mut wires = Vec::new();
                let pieces: Vec<&str> = if e.flags { text.split(',').map(str::trim).collect() } else { vec![text.as_str()] };
                for piece in pieces {
                    let m = e.members.iter().find(|m| m.0 == piece).or_else(|| e.members.iter().find(|m| m.0.eq_ignore_ascii_case(piece)));
                    let Some((wire, variant, _, _)) = m else {
                        return untyped(format!("`{}`: `{piece}` is not a member of `{q}`", o.shown));
                    };
                    let v = format_ident!("{}", variant);
                    members.push(quote!(#member_path::#v));
                    wires.push(wire.clone());
                }
                let tokens = if members.len() == 1 {
                    members.remove(0)
                } else {
                    quote!(graph_runtime::Flags::from_iter([#(#members),*]))
                };
                Ok((tokens, Lit::Str(wires.join(","))))
            }
            _ => mismatch(),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(TokenStream, Expr), Untyped> {
        match e {
            Expr::And(a, b) | Expr::Or(a, b) => {
                let (ta, ea) = self.expr(a)?;
                let (tb, eb) = self.expr(b)?;
                Ok(match e {
                    Expr::And(..) => (quote!(#ta.and(#tb)), Expr::And(Box::new(ea), Box::new(eb))),
                    _ => (quote!(#ta.or(#tb)), Expr::Or(Box::new(ea), Box::new(eb))),
                })
            }
            Expr::Not(x) => {
                // `not` of one condition needs the property to allow it; of a compound, always fine.
                if let Expr::Compare { path, .. } | Expr::In { path, .. } | Expr::Call { path, .. } | Expr::Lambda { path, .. } = &**x {
                    self.operand(path)?.require("not", "not")?;
                }
                let (t, inner) = self.expr(x)?;
                Ok((quote!(graph_runtime::filter::not(#t)), Expr::Not(Box::new(inner))))
            }
            Expr::Compare { path, op, lit } => {
                let o = self.operand(path)?;
                if o.collection {
                    return untyped(format!("`{}` is a collection: compare its elements with `any` / `all`", o.shown));
                }
                let (group, what) = match op {
                    CmpOp::Eq => ("eq", "eq"),
                    CmpOp::Ne => ("ne", "ne"),
                    CmpOp::Has => ("has", "has"),
                    _ => ("cmp", op.as_str()),
                };
                o.require(group, what)?;
                let p = &o.tokens;
                let m = format_ident!("{}", op.as_str());
                if *lit == Lit::Null {
                    let m = match op {
                        CmpOp::Eq => quote!(eq_null),
                        CmpOp::Ne => quote!(ne_null),
                        _ => return untyped(format!("`{}`: only `eq` and `ne` compare with `null`", o.shown)),
                    };
                    return Ok((quote!(#p.#m()), Expr::Compare { path: o.wire.clone(), op: *op, lit: Lit::Null }));
                }
                let flags = matches!(&o.ty, FieldType::Model(q) if matches!(self.ir.models.get(q).map(|m| &m.kind), Some(ModelKind::Enum(en)) if en.flags));
                let structured = matches!(&o.ty, FieldType::Model(q) if struct_of(self.ir, q).is_some() || !self.ir.models.contains_key(q));
                if structured {
                    return untyped(format!("`{}` is structured: compare its properties (`{}/…`)", o.shown, o.shown));
                }
                if *op == CmpOp::Has && !flags {
                    return untyped(format!("`has` needs a flags property; `{}` is {}", o.shown, type_name(&o.ty)));
                }
                let ordered = !matches!(o.ty, FieldType::Bool | FieldType::Model(_));
                if group == "cmp" && !ordered {
                    return untyped(format!("`{}` ({}) has no order for `{what}`", o.shown, type_name(&o.ty)));
                }
                let (v, lit) = self.literal(&o, lit)?;
                Ok((quote!(#p.#m(#v)), Expr::Compare { path: o.wire.clone(), op: *op, lit }))
            }
            Expr::In { path, items } => {
                let o = self.operand(path)?;
                if o.collection {
                    return untyped(format!("`{}` is a collection: `in` compares single values", o.shown));
                }
                o.require("in", "in")?;
                let mut vals = Vec::new();
                let mut lits = Vec::new();
                for it in items {
                    if *it == Lit::Null {
                        return untyped(format!("`{}`: `null` in an `in` list is not typed", o.shown));
                    }
                    let (v, l) = self.literal(&o, it)?;
                    vals.push(v);
                    lits.push(l);
                }
                if matches!(&o.ty, FieldType::Model(q) if struct_of(self.ir, q).is_some()) {
                    return untyped(format!("`{}` is structured", o.shown));
                }
                let p = &o.tokens;
                Ok((quote!(#p.in_([#(#vals),*])), Expr::In { path: o.wire.clone(), items: lits }))
            }
            Expr::Call { func, path, lit } => {
                let o = self.operand(path)?;
                let (group, m) = match func {
                    Func::StartsWith => ("startswith", quote!(starts_with)),
                    Func::EndsWith => ("endswith", quote!(ends_with)),
                    Func::Contains => ("contains", quote!(contains)),
                };
                if o.collection || o.ty != FieldType::String {
                    return untyped(format!("`{}({},…)` needs a string property; `{}` is {}", func.as_str(), o.shown, o.shown, type_name(&o.ty)));
                }
                o.require(group, func.as_str())?;
                let (v, _) = self.literal(&o, lit)?;
                let p = &o.tokens;
                Ok((quote!(#p.#m(#v)), Expr::Call { func: *func, path: o.wire.clone(), lit: lit.clone() }))
            }
            Expr::Lambda { path, all, var, body } => {
                let o = self.operand(path)?;
                if !o.collection {
                    return untyped(format!("`{}` is not a collection: `any` / `all` need one", o.shown));
                }
                o.require("lambda", if *all { "all" } else { "any" })?;
                let p = o.tokens.clone();
                let Some(body) = body else {
                    return Ok((quote!(#p.any_exists()), Expr::Lambda { path: o.wire.clone(), all: *all, var: var.clone(), body: None }));
                };
                let ident = var_ident(var, self.vars.len());
                self.vars.push((var.clone(), ident.clone(), o.ty.clone()));
                let inner = self.expr(body);
                self.vars.pop();
                let (tb, eb) = inner?;
                let m = if *all { quote!(all) } else { quote!(any) };
                Ok((
                    quote!(#p.#m(#var, |#ident| #tb)),
                    Expr::Lambda { path: o.wire.clone(), all: *all, var: var.clone(), body: Some(Box::new(eb)) },
                ))
            }
        }
    }
}

fn type_name(t: &FieldType) -> String {
    match t {
        FieldType::Model(q) => format!("`{q}`"),
        FieldType::Json => "untyped".into(),
        other => format!("{other:?}"),
    }
}

/// The typed builder argument for `$filter=text` on the model `target` (`krate`: the path of
/// the generated crate in the emitted code), with the text it renders.
pub fn typed_filter(ir: &Ir, target: &str, text: &str, krate: &TokenStream) -> Result<Typed, Untyped> {
    let e = parse(text).map_err(|p| Untyped {
        code: FILTER_SYNTAX,
        message: format!("`$filter={text}` does not read as an OData filter at character {}: {}", p.at + 1, p.message),
    })?;
    let mut cx = Cx { ir, krate, root: target, vars: Vec::new() };
    let (tokens, canonical) = cx.expr(&e)?;
    Ok(Typed { tokens, text: render(&canonical) })
}

/// A `$orderby` item `property [asc|desc]` (any case): the property path and whether descending.
pub fn orderby_words(item: &str) -> Option<(&str, bool)> {
    match item.split_whitespace().collect::<Vec<_>>().as_slice() {
        [p] => Some((p, false)),
        [p, d] if d.eq_ignore_ascii_case("asc") => Some((p, false)),
        [p, d] if d.eq_ignore_ascii_case("desc") => Some((p, true)),
        _ => None,
    }
}

/// One documented `$orderby` item (`displayName desc`): the typed handle, the direction, and
/// the item as the runtime writes it.
pub fn typed_orderby(ir: &Ir, target: &str, item: &str, krate: &TokenStream) -> Result<(TokenStream, bool, String), Untyped> {
    let Some((path, desc)) = orderby_words(item) else {
        return Err(Untyped { code: ORDERBY_UNTYPED, message: format!("`$orderby` item `{item}` is not `property [asc|desc]`") });
    };
    let segs: Vec<String> = path.split('/').map(str::to_string).collect();
    let cx = Cx { ir, krate, root: target, vars: Vec::new() };
    let o = cx.operand(&segs).map_err(|u| Untyped { code: ORDERBY_UNTYPED, message: u.message })?;
    if o.collection {
        return Err(Untyped { code: ORDERBY_UNTYPED, message: format!("`$orderby={item}`: `{path}` is a collection") });
    }
    if !o.field.is_some_and(|f| f.sortable) {
        return Err(Untyped { code: ORDERBY_UNSORTABLE, message: format!("`$orderby={item}`: `{path}` is not sortable") });
    }
    let wire = o.wire.join("/");
    let text = if desc { format!("{wire} desc") } else { wire };
    Ok((o.tokens, desc, text))
}
