//! CSDL XML reader: EDMX/CSDL XML (as served by Graph's `$metadata`) into the schema model.
//!
//! Streaming, on `quick-xml`'s pull reader; no DOM. Two passes over the text:
//! 1. a cheap scan for `Schema`/`edmx:Include` aliases, so that every reference (which may
//!    use an alias declared further down the document) is resolved while reading;
//! 2. the real read: a stack of frames, one per open element, each owning the model value
//!    being built; closing an element hands the finished value to its parent.
//!
//! Out-of-line `<Annotations Target="…">` blocks are collected and applied once everything
//! is read, since their targets may come later in the document.
//!
//! Only the annotations the model has room for are kept; unknown elements, attributes and
//! terms are skipped silently. The first XML syntax error stops the read with a
//! `csdl-xml-syntax` diagnostic; what was complete by then is returned.

use crate::csdl::{
    split_qualified, Annotations, ContainerChild, EntityContainer, EnumMember, EnumType, Namespace, Operation,
    OperationKind, Parameter, Property, PropertyKind, ReturnType, Schema, StructuredKind, StructuredType, TypeDef,
    TypeDefinition, TypeRef,
};
use crate::diag::{Diagnostic, Origin};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;

mod annotations;
mod reading;
use annotations::*;
use reading::*;

/// Malformed XML (syntax errors, truncated input, no root element).
pub const CODE_SYNTAX: &str = "csdl-xml-syntax";
/// A type name declared twice in one namespace; the first declaration is kept.
pub const CODE_DUPLICATE_TYPE: &str = "csdl-duplicate-type";

const CORE: &str = "Org.OData.Core.V1";
const CAPABILITIES: &str = "Org.OData.Capabilities.V1";
const VALIDATION: &str = "Org.OData.Validation.V1";

/// Reads one EDMX/CSDL XML document. `file` is only used for diagnostics and origins.
pub fn read(file: &str, text: &str) -> (Schema, Vec<Diagnostic>) {
    // A byte-order mark is not content (and editors do not count it as a column); dropping it
    // here keeps `quick-xml`'s offsets and ours the same.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let resolver = Resolver::scan(text);
    let mut p = Parser {
        file,
        lines: Lines::new(text),
        res: resolver,
        schema: Schema::default(),
        diags: Vec::new(),
        stack: Vec::new(),
        cur_ns: None,
        pending: Vec::new(),
        saw_root: false,
    };
    p.run(text);
    let Parser { mut schema, pending, res, mut diags, .. } = p;
    for block in &pending {
        apply_out_of_line(&mut schema, &res, block);
    }
    diags.extend(schema.base_cycle_diagnostics());
    diags.sort_by(|a, b| (&a.origin, a.code, &a.message).cmp(&(&b.origin, b.code, &b.message)));
    (schema, diags)
}

// ---------------------------------------------------------------------------------------------
// Annotation values

enum Frame {
    /// `edmx:Edmx`, `edmx:DataServices`, and anything else outside a `Schema`.
    Outer,
    /// An element (and subtree) the model has no use for.
    Ignore,
    Schema,
    Structured(StructuredType),
    Key,
    Property(Property),
    Enum(EnumType),
    Member(EnumMember),
    Definition(TypeDefinition),
    Operation(Operation),
    Container(EntityContainer),
    Child { child: ContainerChild, singleton: bool },
    /// Out-of-line `<Annotations Target>`.
    Annotations(Pending),
    Annotation { term: String, value: Option<Expr> },
    Expr(ExprFrame),
}

struct Pending {
    target: String,
    items: Vec<(String, Option<Expr>)>,
}

struct Parser<'a> {
    file: &'a str,
    lines: Lines<'a>,
    res: Resolver,
    schema: Schema,
    diags: Vec<Diagnostic>,
    stack: Vec<Frame>,
    cur_ns: Option<String>,
    pending: Vec<Pending>,
    saw_root: bool,
}

impl<'a> Parser<'a> {
    fn origin(&mut self, offset: u64) -> Origin {
        let (line, col) = self.lines.at(offset);
        Origin::new(self.file, line, col)
    }

    fn syntax(&mut self, offset: u64, msg: String) {
        let o = self.origin(offset);
        self.diags.push(Diagnostic::error(CODE_SYNTAX, o, msg));
    }

    fn run(&mut self, text: &str) {
        let mut reader = Reader::from_str(text);
        loop {
            let start = reader.buffer_position();
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    self.saw_root = true;
                    self.start(&e, start);
                }
                Ok(Event::Empty(e)) => {
                    self.saw_root = true;
                    self.start(&e, start);
                    self.end();
                }
                Ok(Event::End(_)) => self.end(),
                Ok(Event::Text(t)) => {
                    if self.wants_text() {
                        match t.decode() {
                            Ok(s) => self.push_text(&s),
                            Err(err) => self.syntax(start, format!("invalid text: {err}")),
                        }
                    }
                }
                Ok(Event::CData(t)) => {
                    if self.wants_text() {
                        if let Ok(s) = t.decode() {
                            self.push_text(&s);
                        }
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    if self.wants_text() {
                        let s = resolve_ref(&r);
                        self.push_text(&s);
                    }
                }
                Ok(Event::Eof) => {
                    if !self.saw_root {
                        self.syntax(0, "no XML element found (empty or non-XML input)".into());
                    } else if !self.stack.is_empty() {
                        let open = self.stack.len();
                        self.syntax(
                            text.len() as u64,
                            format!("unexpected end of input: {open} element(s) not closed (truncated file?)"),
                        );
                    }
                    break;
                }
                Ok(_) => {} // declarations, comments, processing instructions, DOCTYPE
                Err(err) => {
                    let at = reader.error_position();
                    self.syntax(at, format!("malformed XML: {err}"));
                    break;
                }
            }
        }
    }

    fn wants_text(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Expr(x)) if matches!(x.kind, ExprKind::Text | ExprKind::Bool))
    }

    fn push_text(&mut self, s: &str) {
        if let Some(Frame::Expr(x)) = self.stack.last_mut() {
            x.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, offset: u64) {
        let attrs = match attributes(e) {
            Ok(a) => a,
            Err(msg) => {
                self.syntax(offset, format!("malformed attributes: {msg}"));
                self.stack.push(Frame::Ignore);
                return;
            }
        };
        let local = e.local_name();
        let name = String::from_utf8_lossy(local.as_ref());
        let frame = self.frame_for(&name, &attrs, offset);
        self.stack.push(frame);
    }

    /// Decides what an opening element means, given its parent frame.
    fn frame_for(&mut self, name: &str, attrs: &Attrs, offset: u64) -> Frame {
        let origin = self.origin(offset);
        let res = &self.res;
        let attr = |k: &str| get(attrs, k).map(str::to_string);
        match (self.stack.last_mut(), name) {
            (None | Some(Frame::Outer), "Schema") => {
                let Some(ns) = attr("Namespace").filter(|n| !n.is_empty()) else { return Frame::Ignore };
                let alias = attr("Alias").filter(|a| !a.is_empty());
                let entry = self.schema.namespaces.entry(ns.clone()).or_insert_with(|| Namespace {
                    name: ns.clone(),
                    alias: None,
                    ..Namespace::default()
                });
                if entry.alias.is_none() {
                    entry.alias = alias;
                }
                entry.external = false;
                self.cur_ns = Some(ns);
                Frame::Schema
            }
            (None | Some(Frame::Outer), _) => Frame::Outer,
            (Some(Frame::Schema), "EntityType" | "ComplexType") => {
                let Some(n) = attr("Name") else { return Frame::Ignore };
                Frame::Structured(StructuredType {
                    name: n,
                    kind: if name == "EntityType" { StructuredKind::Entity } else { StructuredKind::Complex },
                    base: get(attrs, "BaseType").map(|b| res.name(b)),
                    is_abstract: flag(attrs, "Abstract", false),
                    open: flag(attrs, "OpenType", false),
                    has_stream: flag(attrs, "HasStream", false),
                    key: Vec::new(),
                    properties: Vec::new(),
                    annotations: Annotations::default(),
                    origin,
                })
            }
            (Some(Frame::Schema), "EnumType") => {
                let Some(n) = attr("Name") else { return Frame::Ignore };
                Frame::Enum(EnumType {
                    name: n,
                    is_flags: flag(attrs, "IsFlags", false),
                    underlying: get(attrs, "UnderlyingType").map(|u| res.name(u)),
                    members: Vec::new(),
                    annotations: Annotations::default(),
                    origin,
                })
            }
            (Some(Frame::Schema), "TypeDefinition") => {
                let Some(n) = attr("Name") else { return Frame::Ignore };
                Frame::Definition(TypeDefinition {
                    name: n,
                    underlying: get(attrs, "UnderlyingType").map(|u| res.name(u)).unwrap_or_default(),
                    annotations: Annotations::default(),
                    origin,
                })
            }
            (Some(Frame::Schema), "Action" | "Function") => {
                let Some(n) = attr("Name") else { return Frame::Ignore };
                Frame::Operation(Operation {
                    name: n,
                    kind: if name == "Action" { OperationKind::Action } else { OperationKind::Function },
                    bound: flag(attrs, "IsBound", false),
                    parameters: Vec::new(),
                    return_type: None,
                    composable: flag(attrs, "IsComposable", false),
                    entity_set_path: attr("EntitySetPath"),
                    annotations: Annotations::default(),
                    origin,
                })
            }
            (Some(Frame::Schema), "EntityContainer") => {
                Frame::Container(EntityContainer { name: attr("Name").unwrap_or_default(), origin, ..Default::default() })
            }
            (Some(Frame::Schema), "Annotations") => match attr("Target") {
                Some(target) => Frame::Annotations(Pending { target, items: Vec::new() }),
                None => Frame::Ignore,
            },
            (Some(Frame::Structured(_)), "Property" | "NavigationProperty") => {
                let (Some(n), Some(t)) = (attr("Name"), get(attrs, "Type")) else { return Frame::Ignore };
                let ty = res.type_ref(t);
                let nullable = flag(attrs, "Nullable", true);
                let kind = if name == "Property" {
                    PropertyKind::Structural
                } else {
                    PropertyKind::Navigation { contains_target: flag(attrs, "ContainsTarget", false) }
                };
                Frame::Property(Property { name: n, ty, nullable, kind, annotations: Annotations::default(), origin })
            }
            (Some(Frame::Structured(_)), "Key") => Frame::Key,
            (Some(Frame::Key), "PropertyRef") => {
                if let (Some(n), Some(Frame::Structured(t))) = (attr("Name"), self.stack.iter_mut().rev().nth(1)) {
                    t.key.push(n);
                }
                Frame::Ignore
            }
            (Some(Frame::Enum(en)), "Member") => {
                let Some(n) = attr("Name") else { return Frame::Ignore };
                let implicit = en.members.last().map_or(0, |m| m.value.saturating_add(1));
                let value = get(attrs, "Value").and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(implicit);
                Frame::Member(EnumMember { name: n, value, description: None })
            }
            (Some(Frame::Operation(op)), "Parameter") => {
                if let (Some(n), Some(t)) = (attr("Name"), get(attrs, "Type")) {
                    op.parameters.push(Parameter { name: n, ty: res.type_ref(t), nullable: flag(attrs, "Nullable", true) });
                }
                Frame::Ignore
            }
            (Some(Frame::Operation(op)), "ReturnType") => {
                if let Some(t) = get(attrs, "Type") {
                    op.return_type = Some(ReturnType { ty: res.type_ref(t), nullable: flag(attrs, "Nullable", true) });
                }
                Frame::Ignore
            }
            (Some(Frame::Container(_)), "EntitySet" | "Singleton") => {
                let ty_attr = if name == "EntitySet" { "EntityType" } else { "Type" };
                let (Some(n), Some(t)) = (attr("Name"), get(attrs, ty_attr)) else { return Frame::Ignore };
                let ty = res.name(t);
                Frame::Child {
                    child: ContainerChild {
                        name: n,
                        ty,
                        bindings: Default::default(),
                        annotations: Annotations::default(),
                        origin,
                    },
                    singleton: name == "Singleton",
                }
            }
            (Some(Frame::Container(c)), "ActionImport" | "FunctionImport") => {
                let op_attr = if name == "ActionImport" { "Action" } else { "Function" };
                if let (Some(n), Some(op)) = (attr("Name"), get(attrs, op_attr)) {
                    let map = if name == "ActionImport" { &mut c.action_imports } else { &mut c.function_imports };
                    map.entry(n).or_insert_with(|| res.name(op));
                }
                Frame::Ignore
            }
            (Some(Frame::Child { child, .. }), "NavigationPropertyBinding") => {
                if let (Some(p), Some(t)) = (get(attrs, "Path"), get(attrs, "Target")) {
                    child.bindings.entry(res.path(p)).or_insert_with(|| res.path(t));
                }
                Frame::Ignore
            }
            (
                Some(
                    Frame::Schema
                    | Frame::Structured(_)
                    | Frame::Property(_)
                    | Frame::Enum(_)
                    | Frame::Member(_)
                    | Frame::Definition(_)
                    | Frame::Operation(_)
                    | Frame::Container(_)
                    | Frame::Child { .. }
                    | Frame::Annotations(_),
                ),
                "Annotation",
            ) => match get(attrs, "Term") {
                Some(t) => Frame::Annotation { term: res.term(t), value: attr_constant(attrs) },
                None => Frame::Ignore,
            },
            (Some(Frame::Annotation { .. } | Frame::Expr(_)), _) => {
                let kind = match name {
                    "Record" => ExprKind::Record,
                    "PropertyValue" => ExprKind::PropertyValue,
                    "Collection" => ExprKind::Collection,
                    "Bool" => ExprKind::Bool,
                    "String" | "EnumMember" | "Int" | "Decimal" | "Float" | "Date" | "DateTimeOffset" | "Duration"
                    | "Guid" | "TimeOfDay" | "Binary" | "Path" | "PropertyPath" | "NavigationPropertyPath"
                    | "AnnotationPath" | "ModelElementPath" | "NavigationPropertyBinding" => ExprKind::Text,
                    _ => ExprKind::Ignored,
                };
                Frame::Expr(ExprFrame {
                    kind,
                    property: attr("Property").unwrap_or_default(),
                    text: String::new(),
                    fields: Vec::new(),
                    items: Vec::new(),
                    value: if kind == ExprKind::PropertyValue { attr_constant(attrs) } else { None },
                })
            }
            _ => Frame::Ignore,
        }
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        match frame {
            Frame::Outer | Frame::Ignore | Frame::Key => {}
            Frame::Schema => self.cur_ns = None,
            Frame::Structured(t) => self.add_type(TypeDef::Structured(t)),
            Frame::Enum(t) => self.add_type(TypeDef::Enum(t)),
            Frame::Definition(t) => self.add_type(TypeDef::Definition(t)),
            Frame::Property(p) => {
                if let Some(Frame::Structured(t)) = self.stack.last_mut() {
                    t.properties.push(p);
                }
            }
            Frame::Member(m) => {
                if let Some(Frame::Enum(e)) = self.stack.last_mut() {
                    e.members.push(m);
                }
            }
            Frame::Operation(op) => {
                if let Some(ns) = self.current_ns() {
                    ns.operations.entry(op.name.clone()).or_default().push(op);
                }
            }
            Frame::Container(c) => {
                if let Some(ns) = self.current_ns() {
                    match ns.container.as_mut() {
                        None => ns.container = Some(c),
                        Some(mine) => {
                            for (k, v) in c.entity_sets {
                                mine.entity_sets.entry(k).or_insert(v);
                            }
                            for (k, v) in c.singletons {
                                mine.singletons.entry(k).or_insert(v);
                            }
                            for (k, v) in c.action_imports {
                                mine.action_imports.entry(k).or_insert(v);
                            }
                            for (k, v) in c.function_imports {
                                mine.function_imports.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            Frame::Child { child, singleton } => {
                if let Some(Frame::Container(c)) = self.stack.last_mut() {
                    let map = if singleton { &mut c.singletons } else { &mut c.entity_sets };
                    map.entry(child.name.clone()).or_insert(child);
                }
            }
            Frame::Annotations(p) => self.pending.push(p),
            Frame::Annotation { term, value } => {
                let res = &self.res;
                let target = match self.stack.last_mut() {
                    Some(Frame::Structured(t)) => Some(&mut t.annotations),
                    Some(Frame::Property(p)) => Some(&mut p.annotations),
                    Some(Frame::Enum(e)) => Some(&mut e.annotations),
                    Some(Frame::Definition(d)) => Some(&mut d.annotations),
                    Some(Frame::Operation(o)) => Some(&mut o.annotations),
                    Some(Frame::Child { child, .. }) => Some(&mut child.annotations),
                    Some(Frame::Member(m)) => {
                        member_description(m, &term, value.as_ref());
                        None
                    }
                    Some(Frame::Annotations(p)) => {
                        p.items.push((term.clone(), value.clone()));
                        None
                    }
                    _ => None,
                };
                if let Some(a) = target {
                    apply_term(a, &term, value.as_ref(), res);
                }
            }
            Frame::Expr(x) => {
                let kind = x.kind;
                let property = x.property.clone();
                let Some(v) = x.finish() else { return };
                match self.stack.last_mut() {
                    Some(Frame::Annotation { value, .. }) => *value = Some(v),
                    Some(Frame::Expr(parent)) => match parent.kind {
                        ExprKind::Record if kind == ExprKind::PropertyValue => parent.fields.push((property, v)),
                        ExprKind::Collection => parent.items.push(v),
                        ExprKind::PropertyValue => parent.value = Some(v),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
    }

    fn current_ns(&mut self) -> Option<&mut Namespace> {
        let ns = self.cur_ns.as_ref()?;
        self.schema.namespaces.get_mut(ns)
    }

    fn add_type(&mut self, def: TypeDef) {
        let name = match &def {
            TypeDef::Structured(t) => t.name.clone(),
            TypeDef::Enum(t) => t.name.clone(),
            TypeDef::Definition(t) => t.name.clone(),
        };
        let Some(ns_name) = self.cur_ns.clone() else { return };
        let Some(ns) = self.schema.namespaces.get_mut(&ns_name) else { return };
        if let Some(first) = ns.types.get(&name) {
            let msg = format!(
                "type `{ns_name}.{name}` is declared more than once (first at {}); keeping the first",
                first.origin()
            );
            self.diags.push(Diagnostic::error(CODE_DUPLICATE_TYPE, def.origin().clone(), msg));
            return;
        }
        ns.types.insert(name, def);
    }
}
