//! Models: types of the generated namespaces and the opaque types they refer to, write models
//! of request bodies, and unique Rust names for all of them.

use super::*;

/// Names that a model's items must not take: std prelude types used by generated code.
pub(super) const RESERVED_ITEMS: &[&str] = &["String", "Option", "Vec", "Box", "Result", "Some", "None", "Ok", "Err", "Self_"];
/// Module names used by the generated crate inside a namespace module.
pub(super) const RESERVED_MODULES: &[&str] = &["requests", "operations", "mod", "self", "super", "crate"];

/// Item names a model file declares (they are glob re-exported by the namespace module).
pub(super) fn model_items(rust: &str, kind: &ModelKind) -> Vec<String> {
    match kind {
        ModelKind::Struct(s) if s.write.is_none() => vec![rust.to_string(), format!("{rust}Field"), format!("{rust}Expand")],
        ModelKind::Struct(_) => vec![rust.to_string()],
        ModelKind::Enum(e) if e.flags => vec![rust.to_string(), format!("{rust}Member")],
        ModelKind::Enum(_) => vec![rust.to_string()],
    }
}

/// Makes module (file) names and every re-exported item name unique within each namespace
/// module, whatever the case conversion made of the wire names. Type models are named first
/// (stable), then write models; a colliding name gets a number (`Foo2`, `foo_2`).
pub(super) fn fix_model_names(ir: &mut Ir) {
    let mut order: Vec<(bool, String, String)> = ir
        .models
        .values()
        .map(|m| (matches!(&m.kind, ModelKind::Struct(s) if s.write.is_some()), m.namespace.clone(), m.qname.clone()))
        .collect();
    order.sort();
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut items: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, ns, q) in order {
        let m = ir.models.get_mut(&q).expect("model exists");
        let mods = modules.entry(ns.clone()).or_insert_with(|| RESERVED_MODULES.iter().map(|s| s.to_string()).collect());
        let its = items.entry(ns).or_insert_with(|| RESERVED_ITEMS.iter().map(|s| s.to_string()).collect());
        let base_rust = m.rust_name.clone();
        let mut i = 1;
        loop {
            let rust = if i == 1 { base_rust.clone() } else { format!("{base_rust}{i}") };
            let wanted = model_items(&rust, &m.kind);
            if wanted.iter().all(|w| !its.contains(w)) {
                its.extend(wanted);
                m.rust_name = rust;
                break;
            }
            i += 1;
        }
        let base_mod = m.module.clone();
        let mut i = 1;
        loop {
            let module = if i == 1 { base_mod.clone() } else { format!("{base_mod}_{i}") };
            if mods.insert(module.clone()) {
                m.module = module;
                break;
            }
            i += 1;
        }
    }
}

pub(super) fn field_type(t: &TypeRef) -> FieldType {
    match t.name.as_str() {
        "Edm.String" | "Edm.Binary" => FieldType::String,
        "Edm.Boolean" => FieldType::Bool,
        "Edm.Int16" => FieldType::I16,
        "Edm.Int32" => FieldType::I32,
        "Edm.Int64" => FieldType::I64,
        "Edm.Byte" => FieldType::U8,
        "Edm.SByte" => FieldType::I8,
        "Edm.Single" => FieldType::F32,
        "Edm.Double" => FieldType::F64,
        "Edm.Decimal" => FieldType::Number,
        "Edm.Guid" => FieldType::Guid,
        "Edm.DateTimeOffset" => FieldType::DateTimeOffset,
        "Edm.Date" => FieldType::Date,
        "Edm.TimeOfDay" => FieldType::TimeOfDay,
        "Edm.Duration" => FieldType::Duration,
        n if n.starts_with("Edm.") => FieldType::Json,
        n => FieldType::Model(n.to_string()),
    }
}

pub(super) fn model_names(qname: &str) -> (String, String, String) {
    let (ns, simple) = split_qualified(qname);
    (ns.to_string(), snake(simple), camel(simple))
}

pub(super) fn lower_models(schema: &Schema, namespaces: &[String], useful: &BTreeSet<Node>, ir: &mut Ir) {
    let scope: BTreeSet<&str> = namespaces.iter().map(String::as_str).collect();
    let in_scope = |q: &str| scope.contains(split_qualified(q).0);
    // Closure: types of the generated namespaces, plus what they and the builders refer to.
    let mut want: BTreeSet<String> = BTreeSet::new();
    for n in namespaces {
        if let Some(ns) = schema.namespaces.get(n) {
            want.extend(ns.types.keys().map(|t| format!("{n}.{t}")));
        }
    }
    want.extend(useful.iter().map(|(t, _)| t.clone()));
    let mut queue: Vec<String> = want.iter().cloned().collect();
    while let Some(q) = queue.pop() {
        if !in_scope(&q) {
            continue;
        }
        let Some(TypeDef::Structured(_)) = schema.get(&q) else { continue };
        for p in schema.all_properties(&q) {
            if !p.ty.is_edm() && want.insert(p.ty.name.clone()) {
                queue.push(p.ty.name.clone());
            }
        }
    }
    for q in want {
        let Some(def) = schema.get(&q) else { continue };
        let (ns, module, rust) = model_names(&q);
        let kind = match def {
            TypeDef::Enum(e) => {
                let mut variants: Vec<String> = e.members.iter().map(|m| camel(&m.name)).collect();
                dedupe_camel(&mut variants, &["Unknown"]);
                ModelKind::Enum(EnumModel {
                    flags: e.is_flags,
                    members: e
                        .members
                        .iter()
                        .zip(variants)
                        .map(|(m, v)| (m.name.clone(), v, m.value, m.description.clone()))
                        .collect(),
                })
            }
            TypeDef::Definition(_) => continue,
            TypeDef::Structured(s) => {
                let opaque = !in_scope(&q);
                let props: Vec<&Property> = if opaque {
                    schema.all_properties(&q).into_iter().filter(|p| p.name == "id").collect()
                } else {
                    schema.all_properties(&q)
                };
                let mut rust_names: Vec<String> = props.iter().map(|p| snake(&p.name)).collect();
                dedupe(&mut rust_names, &["odata_type", "additional"]);
                let mut variants: Vec<String> = props.iter().map(|p| camel(&p.name)).collect();
                dedupe_camel(&mut variants, &[]);
                let fields: Vec<Field> = props
                    .iter()
                    .zip(rust_names)
                    .zip(variants)
                    .map(|((p, rust), variant)| {
                        let caps = crate::query_caps::property_caps(schema, &q, p);
                        Field {
                            wire: p.name.clone(),
                            rust,
                            variant,
                            ty: field_type(&p.ty),
                            collection: p.ty.collection,
                            nullable: p.nullable,
                            navigation: p.is_navigation(),
                            read_only: p.annotations.computed,
                            filterable: p.annotations.filterable.unwrap_or(false),
                            filter_ops: caps.filter,
                            sortable: caps.sortable,
                            required: false,
                            doc: p.annotations.description.clone(),
                        }
                    })
                    .collect();
                // OData expands navigation properties only; a complex-typed property is
                // always inline (Graph answers 400 to `$expand` on one).
                let expands = fields
                    .iter()
                    .filter(|f| f.navigation)
                    .filter_map(|f| match &f.ty {
                        FieldType::Model(m) => Some((f.wire.clone(), f.rust.clone(), m.clone())),
                        _ => None,
                    })
                    .collect();
                ModelKind::Struct(StructModel {
                    entity: s.kind == StructuredKind::Entity,
                    opaque,
                    fields,
                    expands,
                    write: None,
                    directory_object: schema.lineage(&q).iter().any(|t| t == "microsoft.graph.directoryObject"),
                    searchable: crate::query_caps::searchable(schema, &q),
                })
            }
        };
        let doc = match def {
            TypeDef::Structured(s) => s.annotations.description.clone(),
            TypeDef::Enum(e) => e.annotations.description.clone(),
            TypeDef::Definition(d) => d.annotations.description.clone(),
        };
        ir.models.insert(q.clone(), Model { qname: q, namespace: ns, module, rust_name: rust, doc, kind });
    }
    // Expands can only point at models we emit.
    let names: BTreeSet<String> = ir.models.keys().cloned().collect();
    for m in ir.models.values_mut() {
        if let ModelKind::Struct(s) = &mut m.kind {
            s.expands.retain(|(_, _, t)| names.contains(t));
            for f in &mut s.fields {
                if let FieldType::Model(t) = &f.ty {
                    if !names.contains(t) {
                        f.ty = FieldType::Json;
                    }
                }
            }
        }
    }
}

pub(super) fn write_model(schema: &Schema, target: &str, mode: WriteMode, rows: &[Row], rels: &[Row], ir: &mut Ir) -> Option<String> {
    if rows.is_empty() && rels.is_empty() {
        return None;
    }
    let ns = split_qualified(target).0;
    let qname = write_model_qname(target, mode);
    let resolve = |s: &str| -> String {
        let props = schema.all_properties(target);
        props
            .iter()
            .find(|p| p.ty.name.rsplit('.').next().is_some_and(|n| n.eq_ignore_ascii_case(s)))
            .map(|p| p.ty.name.clone())
            .unwrap_or_else(|| format!("{ns}.{s}"))
    };
    let mut fields = Vec::new();
    for r in rows {
        let ty = parse_type_text(&r.type_text, &resolve).unwrap_or(TypeRef::new("Edm.Untyped", false));
        let declared = schema.all_properties(target).into_iter().find(|p| p.name == r.name).cloned();
        let ty = declared.as_ref().map(|p| p.ty.clone()).unwrap_or(ty);
        let nullable = declared.map(|p| p.nullable).unwrap_or(true);
        fields.push(write_field(&r.name, field_type(&ty), ty.collection, nullable, is_required(r), r.description.clone()));
    }
    for r in rels {
        let collection = r.type_text.to_ascii_lowercase().ends_with("collection");
        fields.push(bind_field(&r.name, collection, is_required(r), format!("URL of the `{}` to bind ({}).", r.name, r.description)));
    }
    insert_write_model(ir, target, mode, fields);
    Some(qname)
}

/// A property of a write model (no query capabilities: it is never selected or filtered).
pub(super) fn write_field(wire: &str, ty: FieldType, collection: bool, nullable: bool, required: bool, doc: String) -> Field {
    Field {
        wire: wire.to_string(),
        rust: snake(wire),
        variant: camel(wire),
        ty,
        collection,
        nullable,
        navigation: false,
        read_only: false,
        filterable: false,
        filter_ops: None,
        sortable: true,
        required,
        doc: Some(doc),
    }
}

/// The `{name}@odata.bind` field of a write model: the URL (or URLs) of the entity to bind.
pub(super) fn bind_field(name: &str, collection: bool, required: bool, doc: String) -> Field {
    Field {
        wire: format!("{name}@odata.bind"),
        rust: format!("{}_bind", snake(name)),
        ..write_field(name, FieldType::String, collection, false, required, doc)
    }
}

/// The qualified name of the write model of `target` in `mode` (`…#create`).
pub(super) fn write_model_qname(target: &str, mode: WriteMode) -> String {
    let suffix = match mode {
        WriteMode::Create => "#create",
        WriteMode::Update => "#update",
        WriteMode::Parameters => "#parameters",
    };
    format!("{target}{suffix}")
}

/// Adds the write model of `target` in `mode` with `fields` (Rust names made unique).
pub(super) fn insert_write_model(ir: &mut Ir, target: &str, mode: WriteMode, mut fields: Vec<Field>) {
    let (ns, module, rust) = model_names(target);
    let (rust_name, module) = match mode {
        WriteMode::Create => (format!("New{rust}"), format!("new_{module}")),
        WriteMode::Update => (format!("{rust}Update"), format!("{module}_update")),
        WriteMode::Parameters => (format!("{rust}Parameters"), format!("{module}_parameters")),
    };
    let qname = write_model_qname(target, mode);
    let mut names: Vec<String> = fields.iter().map(|f| f.rust.clone()).collect();
    dedupe(&mut names, &["odata_type", "additional"]);
    for (f, n) in fields.iter_mut().zip(names) {
        f.rust = n;
    }
    ir.models.insert(
        qname.clone(),
        Model {
            qname,
            namespace: ns,
            module,
            rust_name,
            doc: Some(format!("Request body of the {} operation on `{target}`.", match mode {
                WriteMode::Create => "create",
                WriteMode::Update => "update",
                WriteMode::Parameters => "action",
            })),
            kind: ModelKind::Struct(StructModel { entity: false, opaque: false, fields, expands: Vec::new(), write: Some(mode), directory_object: false, searchable: false }),
        },
    );
}

/// Request body of a bound action from its CSDL parameters (binding parameter excluded).
/// Named after the binding type, so types that inherit the action share one model.
pub(super) fn parameters_model(schema: &Schema, action_qname: &str, op: &Operation, ir: &mut Ir) -> Option<String> {
    let params: Vec<&Parameter> = op.parameters.iter().skip(1).collect();
    let binding = op.parameters.first()?;
    if params.is_empty() {
        return None;
    }
    let node = &(binding.ty.name.clone(), binding.ty.collection);
    let (ns, simple) = split_qualified(action_qname);
    let (_, _, target_rust) = model_names(&node.0);
    let rust_name = format!("{target_rust}{}{}Parameters", if node.1 { "Collection" } else { "" }, camel(simple));
    let qname = format!("{}#{}{}", node.0, if node.1 { "collection." } else { "" }, simple);
    let mut rust: Vec<String> = params.iter().map(|p| snake(&p.name)).collect();
    dedupe(&mut rust, &["odata_type", "additional"]);
    let mut variants: Vec<String> = params.iter().map(|p| camel(&p.name)).collect();
    dedupe_camel(&mut variants, &[]);
    let fields = params
        .iter()
        .zip(rust)
        .zip(variants)
        .map(|((p, rust), variant)| Field {
            wire: p.name.clone(),
            rust,
            variant,
            ty: match field_type(&p.ty) {
                FieldType::Model(m) if !ir.models.contains_key(&m) => FieldType::Json,
                t => t,
            },
            collection: p.ty.collection,
            nullable: p.nullable,
            navigation: false,
            read_only: false,
            filterable: false,
            filter_ops: None,
            sortable: true,
            required: !p.nullable,
            doc: None,
        })
        .collect();
    let _ = schema;
    ir.models.insert(
        qname.clone(),
        Model {
            qname: qname.clone(),
            namespace: split_qualified(&node.0).0.to_string(),
            module: snake(&rust_name),
            rust_name,
            doc: Some(format!("Parameters of the `{ns}.{simple}` action on `{}`.", node.0)),
            kind: ModelKind::Struct(StructModel { entity: false, opaque: false, fields, expands: Vec::new(), write: Some(WriteMode::Parameters), directory_object: false, searchable: false }),
        },
    );
    Some(qname)
}
