//! Example responses: the body against the declared shape and type, value by value.

use super::*;

pub(super) fn check_response(cx: &mut Cx, api: &ApiFacts, resp: &ExampleResponse, declared: &Declared, aliases: &BTreeSet<String>) {
    let Some(body) = &resp.body else { return };
    let file = api.file.clone();
    let at = |line: u32, col: u32| Origin::new(file.clone(), resp.body_line + line - 1, col);
    // The annotation's `@odata.type` against the declared shape.
    if let Some(t) = &resp.odata_type {
        let says_collection = t.trim().to_ascii_lowercase().starts_with("collection(");
        if says_collection && matches!(declared, Declared::Entity(_)) {
            cx.diags.push(Diagnostic::warning(
                ANNOTATION_SHAPE,
                Origin::new(file.clone(), resp.line, 1),
                format!("the response annotation says `{t}`, but the request returns one entity"),
            ));
        }
    }
    let root = match parse_json(body) {
        Ok(v) => v,
        Err(e) => {
            let trunc = if resp.truncated {
                " (the example is marked truncated: it may omit properties, but its JSON must be complete)"
            } else {
                ""
            };
            cx.diags.push(Diagnostic::error(JSON_INVALID, at(e.line, e.col), format!("response body is not valid JSON: {}{trunc}", e.msg)));
            return;
        }
    };
    let mut vc = ValueCx { cx, aliases, at: &at };
    match declared {
        Declared::Count | Declared::Bytes => {}
        Declared::NoContent => {
            vc.cx.diags.push(Diagnostic::warning(
                UNEXPECTED_BODY,
                at(root.line, root.col),
                "the operation returns no content, but the example response has a body",
            ));
        }
        // One primitive, enum or type-definition value (an operation's result, a property
        // of such a type): OData answers it as `{"value": …}`.
        Declared::Entity(ty) if ty.starts_with("Edm.") || matches!(vc.cx.schema.get(ty), Some(TypeDef::Enum(_) | TypeDef::Definition(_))) => {
            let elem = TypeRef::new(ty.clone(), false);
            match &root.v {
                JVal::Obj(members) => match members.iter().find(|(k, _, _)| k == "value") {
                    Some((_, _, inner)) => {
                        for (k, pos, _) in members {
                            if k != "value" && !k.starts_with('@') {
                                vc.cx.diags.push(Diagnostic::error(
                                    UNKNOWN_PROPERTY,
                                    at(pos.0, pos.1),
                                    format!("`{k}` is not a member of a single value's response (only `value` and `@odata.*` annotations)"),
                                ));
                            }
                        }
                        vc.value(inner, &elem, "value");
                    }
                    None => vc.single_value_unwrapped(&root, ty),
                },
                _ => vc.single_value_unwrapped(&root, ty),
            }
        }
        Declared::Entity(ty) => {
            if let JVal::Obj(members) = &root.v {
                let data: Vec<&(String, Pos, JNode)> = members.iter().filter(|(k, _, _)| !k.starts_with('@')).collect();
                let has_value_prop = find_property(vc.cx.schema, ty, "value").is_some();
                if data.len() == 1 && data[0].0 == "value" && !has_value_prop {
                    let (_, pos, inner) = data[0];
                    let (_, simple) = crate::csdl::split_qualified(ty);
                    let shape = if matches!(inner.v, JVal::Arr(_)) { "collection" } else { "object" };
                    vc.cx.diags.push(Diagnostic::error(
                        VALUE_WRAPPER,
                        at(pos.0, pos.1),
                        format!("the request returns one `{simple}`, but the example wraps it in a `value` {shape}"),
                    ));
                    let elem = TypeRef::new(ty.clone(), false);
                    match &inner.v {
                        JVal::Arr(items) => items.iter().for_each(|i| vc.value(i, &elem, "value")),
                        _ => vc.value(inner, &elem, "value"),
                    }
                    return;
                }
            }
            vc.value(&root, &TypeRef::new(ty.clone(), false), "response body");
        }
        Declared::Page(ty) => {
            let (_, simple) = crate::csdl::split_qualified(ty);
            let JVal::Obj(members) = &root.v else {
                vc.type_mismatch(&root, "response body", &format!("a collection page of `{simple}`"));
                return;
            };
            let Some((_, _, value)) = members.iter().find(|(k, _, _)| k == "value") else {
                vc.cx.diags.push(Diagnostic::error(
                    NOT_COLLECTION,
                    at(root.line, root.col),
                    format!("the request returns a collection of `{simple}`, but the example body is a single object, not a page with `value`"),
                ));
                vc.value(&root, &TypeRef::new(ty.clone(), false), "response body");
                return;
            };
            for (k, pos, _) in members {
                if k != "value" && !k.starts_with('@') && !k.contains('@') {
                    vc.cx.diags.push(Diagnostic::error(
                        UNKNOWN_PROPERTY,
                        at(pos.0, pos.1),
                        format!("`{k}` is not a member of a collection page (only `value` and `@odata.*` annotations)"),
                    ));
                }
            }
            vc.value(value, &TypeRef::new(ty.clone(), true), "value");
        }
    }
}

pub(super) struct ValueCx<'a, 'c, 's> {
    cx: &'c mut Cx<'s>,
    aliases: &'a BTreeSet<String>,
    at: &'a dyn Fn(u32, u32) -> Origin,
}

impl<'a, 'c, 's> ValueCx<'a, 'c, 's> {
    pub(super) fn new(cx: &'c mut Cx<'s>, aliases: &'a BTreeSet<String>, at: &'a dyn Fn(u32, u32) -> Origin) -> Self {
        ValueCx { cx, aliases, at }
    }

    /// A member that names nothing of `of`.
    pub(super) fn unknown(&mut self, n: &JNode, name: &str, of: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(UNKNOWN_PROPERTY, o, format!("`{name}` is not {of}")));
    }

    fn origin(&self, n: &JNode) -> Origin {
        (self.at)(n.line, n.col)
    }

    fn type_mismatch(&mut self, n: &JNode, what: &str, want: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(
            TYPE_MISMATCH,
            o,
            format!("`{what}` must be {want}, but the example gives {}", n.describe()),
        ));
    }

    /// A single primitive value given without the `{"value": …}` object OData puts it in.
    fn single_value_unwrapped(&mut self, n: &JNode, ty: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(
            VALUE_MISSING,
            o,
            format!("the request returns one `{}`, which is answered as `{{\"value\": …}}`, but the example gives {}", short(ty), n.describe()),
        ));
    }

    fn format_error(&mut self, n: &JNode, what: &str, edm: &str, s: &str) {
        let o = self.origin(n);
        self.cx.diags.push(Diagnostic::error(
            VALUE_FORMAT,
            o,
            format!("`{what}` is {edm}, but \"{s}\" is not in its format"),
        ));
    }

    pub(super) fn value(&mut self, n: &JNode, ty: &TypeRef, what: &str) {
        if matches!(n.v, JVal::Null) {
            return;
        }
        if ty.collection {
            let JVal::Arr(items) = &n.v else {
                self.type_mismatch(n, what, &format!("a collection (JSON array) of {}", short(&ty.name)));
                return;
            };
            let elem = TypeRef::new(ty.name.clone(), false);
            for i in items {
                self.value(i, &elem, what);
            }
            return;
        }
        let name = ty.name.as_str();
        if let Some(edm) = name.strip_prefix("Edm.") {
            self.primitive(n, edm, what);
            return;
        }
        match self.cx.schema.get(name) {
            Some(TypeDef::Enum(e)) => {
                let JVal::Str(s) = &n.v else {
                    self.type_mismatch(n, what, &format!("a `{}` member name (string)", e.name));
                    return;
                };
                let parts: Vec<&str> = if e.is_flags { s.split(',').map(str::trim).collect() } else { vec![s.as_str()] };
                for p in parts {
                    if !e.members.iter().any(|m| m.name == p) {
                        let o = self.origin(n);
                        let members: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
                        self.cx.diags.push(Diagnostic::error(
                            ENUM_MEMBER,
                            o,
                            format!("`{what}`: \"{p}\" is not a member of `{}` ({})", e.name, members.join(", ")),
                        ));
                    }
                }
            }
            Some(TypeDef::Definition(d)) => {
                let u = d.underlying.clone();
                self.value(n, &TypeRef::new(u, false), what);
            }
            Some(TypeDef::Structured(_)) => {
                let JVal::Obj(members) = &n.v else {
                    self.type_mismatch(n, what, &format!("an object of type `{}`", short(name)));
                    return;
                };
                self.object(members, name);
            }
            None => {}
        }
    }

    pub(super) fn object(&mut self, members: &[(String, Pos, JNode)], declared: &str) {
        let schema = self.cx.schema;
        let mut ty = declared.to_string();
        let mut checkable = true;
        if let Some((_, _, tn)) = members.iter().find(|(k, _, _)| k == "@odata.type") {
            if let JVal::Str(s) = &tn.v {
                if !s.starts_with('#') {
                    let o = self.origin(tn);
                    self.cx.diags.push(Diagnostic::warning(
                        ODATA_TYPE_HASH,
                        o,
                        format!("`@odata.type` values start with `#`: \"#{s}\", not \"{s}\""),
                    ));
                }
                let named = s.trim_start_matches('#');
                if named != declared {
                    match schema.get(named) {
                        Some(TypeDef::Structured(_)) => {
                            if qualified_ancestry(schema, named).iter().any(|q| q == declared) {
                                ty = named.to_string();
                            } else {
                                let o = self.origin(tn);
                                self.cx.diags.push(Diagnostic::error(
                                    ODATA_TYPE_MISMATCH,
                                    o,
                                    format!("`@odata.type` \"{s}\" is not `{}` or a type derived from it", short(declared)),
                                ));
                            }
                        }
                        // A type outside the schema: nothing to check its members against.
                        _ => checkable = false,
                    }
                }
            }
        }
        let closed = checkable && self.cx.is_closed(&ty);
        let st: Option<&StructuredType> = schema.structured(&ty);
        for (k, pos, v) in members {
            if k.starts_with('@') || k.contains('@') || self.aliases.contains(k) {
                continue;
            }
            match find_property(schema, &ty, k) {
                Some(p) => {
                    let at = (self.at)(pos.0, pos.1);
                    self.cx.note_use(&ty, k, &at);
                    let pty = p.ty.clone();
                    self.value(v, &pty, k);
                }
                None if closed && st.is_some() => {
                    let o = (self.at)(pos.0, pos.1);
                    let derived = derived_with_property(schema, &ty, k);
                    let d = if derived.is_empty() {
                        Diagnostic::error(UNKNOWN_PROPERTY, o, format!("`{k}` is not a property of `{}`", short(&ty)))
                    } else {
                        // OData names a derived type in `@odata.type` whenever the payload is
                        // one: without it, a reader takes the declared type and loses `k`.
                        let names: Vec<&str> = derived.iter().map(|q| short(q)).collect();
                        Diagnostic::error(
                            ODATA_TYPE_MISSING,
                            o,
                            format!(
                                "`{k}` is a property of `{}` (derived from `{}`), but the object has no `@odata.type` naming it",
                                names.join("`, `"),
                                short(&ty)
                            ),
                        )
                    };
                    self.cx.diags.push(d);
                }
                None => {}
            }
        }
    }

    fn primitive(&mut self, n: &JNode, edm: &str, what: &str) {
        let want_str = |s: &str| format!("a JSON string ({s})");
        match edm {
            "String" | "Binary" | "Stream" if !matches!(n.v, JVal::Str(_)) => self.type_mismatch(n, what, "a JSON string"),
            "Boolean" if !matches!(n.v, JVal::Bool(_)) => self.type_mismatch(n, what, "`true` or `false`"),
            "String" | "Binary" | "Stream" | "Boolean" => {}
            "Int16" | "Int32" | "Int64" | "Byte" | "SByte" => match &n.v {
                JVal::Num(s) if !s.contains(['.', 'e', 'E']) => {}
                _ => self.type_mismatch(n, what, &format!("an Edm.{edm} (a JSON integer)")),
            },
            "Double" | "Single" | "Decimal" => match &n.v {
                JVal::Num(_) => {}
                JVal::Str(s) if matches!(s.as_str(), "NaN" | "INF" | "-INF") => {}
                _ => self.type_mismatch(n, what, &format!("an Edm.{edm} (a JSON number)")),
            },
            "Guid" | "DateTimeOffset" | "Date" | "TimeOfDay" | "Duration" => {
                let JVal::Str(s) = &n.v else {
                    self.type_mismatch(n, what, &want_str(&format!("Edm.{edm}")));
                    return;
                };
                let ok = match edm {
                    "Guid" => is_guid(s),
                    "DateTimeOffset" => is_datetime(s),
                    "Date" => is_date(s),
                    "TimeOfDay" => is_time(s),
                    _ => is_duration(s),
                };
                if !ok {
                    let s = s.clone();
                    self.format_error(n, what, &format!("Edm.{edm}"), &s);
                }
            }
            _ => {}
        }
    }
}

/// The types derived from `ty` (directly or not) that have a property `name`, by qualified
/// name. Only asked for a member `ty` lacks, so a scan of the schema is cheap enough.
fn derived_with_property(schema: &Schema, ty: &str, name: &str) -> Vec<String> {
    schema.descendants(ty).into_iter().filter(|(_, st)| st.properties.iter().any(|p| p.name == name)).map(|(q, _)| q).collect()
}
