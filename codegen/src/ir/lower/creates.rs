//! Create bodies of documented creates when the metadata is the authority: one `New…` model
//! of the target type whose fields are its writable properties (not computed; navigation
//! only as `@odata.bind` URLs, and only where it does not contain its target), the ones the
//! pages require plain, the others optional (`crate::body_required` reads the pages).

use super::*;

pub const CREATE_REQUIRED_UNKNOWN: &str = "doc-create-required-unknown";

/// Properties of the types derived from `target` that it lacks: a page creating one of them
/// through the base collection (`@odata.type` in the body) requires those of the kind it
/// creates, which are no requirement of the base create.
fn derived_only(schema: &Schema, target: &str) -> BTreeSet<String> {
    let own: BTreeSet<&str> = schema.all_properties(target).into_iter().map(|p| p.name.as_str()).collect();
    let mut out = BTreeSet::new();
    for (q, _) in schema.descendants(target) {
        out.extend(schema.all_properties(&q).into_iter().map(|p| p.name.clone()).filter(|n| !own.contains(n.as_str())));
    }
    out
}

/// A name as the pages write it found among `names`: exactly, else with its first letter in
/// lower case (a sentence starts "Id is …"); `x@odata.bind` names `x`.
fn find_name(names: &[String], w: &str) -> Option<String> {
    let base = w.strip_suffix("@odata.bind").unwrap_or(w);
    let mut lower_first = base.to_string();
    if let Some(c) = lower_first.get_mut(0..1) {
        c.make_ascii_lowercase();
    }
    names.iter().find(|p| *p == base).or_else(|| names.iter().find(|p| **p == lower_first)).cloned()
}

/// The names a page requires of a create body on `target` (table rows and prose), checked
/// against the type: a name it lacks is reported (located) and ignored, unless a type derived
/// from it has the property.
pub(super) fn page_required(schema: &Schema, target: &str, api: &ApiFacts, diags: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    if api.body_required.is_empty() && api.body_required_prose.is_empty() {
        return BTreeSet::new();
    }
    let props: Vec<String> = schema.all_properties(target).into_iter().map(|p| p.name.clone()).collect();
    let derived: Vec<String> = derived_only(schema, target).into_iter().collect();
    let find = |w: &str| find_name(&props, w);
    let mut out = BTreeSet::new();
    let unknown = |name: &str, line: u32, diags: &mut Vec<Diagnostic>| {
        if find_name(&derived, name).is_some() {
            return;
        }
        diags.push(Diagnostic::warning(
            CREATE_REQUIRED_UNKNOWN,
            Origin::new(api.file.clone(), line, 1),
            format!("`{name}` is stated as required to create `{target}`, which has no such property; it is ignored"),
        ));
    };
    for (name, line) in &api.body_required {
        match find(name) {
            Some(p) => {
                out.insert(p);
            }
            None => unknown(name, *line, diags),
        }
    }
    for (sentence, line) in &api.body_required_prose {
        for w in crate::body_required::candidate_names(sentence) {
            match find(&w) {
                Some(p) => {
                    out.insert(p);
                }
                None if crate::body_required::looks_like_property(&w) => unknown(&w, *line, diags),
                None => {}
            }
        }
    }
    out
}

/// The names a page's body tables mark as optional or conditional ("Optional.", "Required
/// if …"): no other page makes them required.
pub(super) fn page_optional(api: &ApiFacts) -> BTreeSet<String> {
    api.body_properties
        .iter()
        .chain(&api.body_relationships)
        .filter(|r| crate::body_required::cell_exempt(&r.description))
        .map(|r| r.name.strip_suffix("@odata.bind").unwrap_or(&r.name).to_string())
        .collect()
}

/// The create model of `target`: every writable property, `required` ones plain. The pages'
/// rows describe the fields they name; the metadata's descriptions the others.
pub(super) fn create_model(schema: &Schema, target: &str, required: &BTreeSet<String>, rows: &[Row], ir: &mut Ir) -> String {
    let described = |name: &str| rows.iter().find(|r| r.name.strip_suffix("@odata.bind").unwrap_or(&r.name) == name).map(|r| r.description.clone());
    let mut fields = Vec::new();
    for p in schema.all_properties(target) {
        if p.annotations.computed || p.ty.name == "Edm.Stream" {
            continue;
        }
        let doc = described(&p.name).or_else(|| p.annotations.description.clone()).unwrap_or_default();
        let req = required.contains(&p.name);
        match p.kind {
            PropertyKind::Navigation { contains_target: true } => {}
            PropertyKind::Navigation { contains_target: false } => {
                let doc = format!("URL of the `{}` to bind{}", p.name, if doc.is_empty() { ".".to_string() } else { format!(" ({doc})") });
                fields.push(bind_field(&p.name, p.ty.collection, req, doc));
            }
            PropertyKind::Structural => {
                let ty = match field_type(&p.ty) {
                    FieldType::Model(m) if !ir.models.contains_key(&m) => FieldType::Json,
                    t => t,
                };
                fields.push(write_field(&p.name, ty, p.ty.collection, p.nullable, req, doc));
            }
        }
    }
    insert_write_model(ir, target, WriteMode::Create, fields);
    write_model_qname(target, WriteMode::Create)
}

/// The report's `creates` figures: what body each create operation of the IR takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateFigures {
    /// Create operations.
    pub operations: usize,
    /// Those with doc pages.
    pub documented: usize,
    /// Documented creates taking a create write model (`New…`).
    pub documented_create_model: usize,
    /// Documented creates whose create model has at least one required (plain) field.
    pub documented_with_required: usize,
    /// Documented creates taking the read model.
    pub documented_read_model: usize,
    /// Required fields over all create models.
    pub required_fields: usize,
}

pub fn create_figures(ir: &Ir) -> CreateFigures {
    let mut f = CreateFigures::default();
    for op in ir.builders.values().flat_map(|b| &b.operations).filter(|o| o.kind == OpKind::Create) {
        f.operations += 1;
        let documented = ir.operations.get(&op.operation_const).is_some_and(|i| !i.doc_pages.is_empty());
        let model = op.body.as_ref().and_then(|q| ir.models.get(q));
        let create = match model.map(|m| &m.kind) {
            Some(ModelKind::Struct(s)) if s.write == Some(WriteMode::Create) => Some(s.fields.iter().filter(|x| x.required).count()),
            _ => None,
        };
        f.required_fields += create.unwrap_or(0);
        if !documented {
            continue;
        }
        f.documented += 1;
        match create {
            Some(n) => {
                f.documented_create_model += 1;
                f.documented_with_required += usize::from(n > 0);
            }
            None => f.documented_read_model += usize::from(model.is_some_and(|m| !matches!(&m.kind, ModelKind::Struct(s) if s.write.is_some()))),
        }
    }
    f
}
