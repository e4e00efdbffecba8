//! Model files are written as text (`emit::models_text`): byte-identical to prettyplease's
//! formatting of the token emitter (`emit::models::emit_model`), on the fixtures as they are
//! and on their IR with every name, doc, wire name, type and flag the models print replaced
//! by generated values (lengths across the line width, escapes, non-ASCII, raw identifiers,
//! negative enum values, empty enums, write models).

mod text_support;

use codegen::ir::*;
use text_support::{all_fixtures, check_fixtures, check_generated, same_models as assert_same, Gen};


fn field_type(g: &mut Gen, keys: &[String]) -> FieldType {
    use FieldType::*;
    let all = [String, Bool, I16, I32, I64, U8, I8, F32, F64, Number, Guid, DateTimeOffset, Date, TimeOfDay, Duration, Json];
    if !keys.is_empty() && g.below(2) == 0 {
        return Model(keys[g.below(keys.len() as u64) as usize].clone());
    }
    all[g.below(all.len() as u64) as usize].clone()
}

fn scramble(ir: &mut Ir, g: &mut Gen) {
    let keys: Vec<String> = ir.models.keys().cloned().collect();
    for m in ir.models.values_mut() {
        let n = g.name_len();
        m.rust_name = g.camel(n);
        m.doc = g.doc();
        if g.below(2) == 0 {
            let n = g.len();
            m.qname = g.text(n);
        }
        match &mut m.kind {
            ModelKind::Struct(s) => {
                s.searchable = g.below(2) == 0;
                if g.below(8) == 0 {
                    s.opaque = !s.opaque;
                }
                if g.below(5) == 0 {
                    s.write = [None, Some(WriteMode::Create), Some(WriteMode::Update), Some(WriteMode::Parameters)][g.below(4) as usize];
                }
                let count = if g.below(6) == 0 { 0 } else { 1 + g.below(12) };
                s.fields = (0..count)
                    .map(|_| {
                        let (a, b, c) = (g.name_len(), g.name_len(), g.name_len());
                        let filter_ops = match g.below(3) {
                            0 => None,
                            1 => Some(Vec::new()),
                            _ => Some(codegen::query_caps::OPERATOR_GROUPS.iter().filter(|_| g.below(2) == 0).map(|s| s.to_string()).collect()),
                        };
                        Field {
                            wire: g.text(a),
                            rust: g.ident(b),
                            variant: g.camel(c),
                            ty: field_type(g, &keys),
                            collection: g.below(2) == 0,
                            nullable: g.below(2) == 0,
                            navigation: g.below(4) == 0,
                            read_only: g.below(3) == 0,
                            filterable: g.below(3) == 0,
                            filter_ops,
                            sortable: g.below(3) > 0,
                            required: g.below(2) == 0,
                            doc: g.doc(),
                        }
                    })
                    .collect();
                s.expands = (0..g.below(4))
                    .map(|_| {
                        let (a, b) = (g.name_len(), g.name_len());
                        let rust = if g.below(10) == 0 { "default".to_string() } else { g.ident(b) };
                        (g.text(a), rust, keys[g.below(keys.len() as u64) as usize].clone())
                    })
                    .collect();
            }
            ModelKind::Enum(e) => {
                e.flags = g.below(3) == 0;
                let count = if g.below(6) == 0 { 0 } else { 1 + g.below(8) };
                e.members = (0..count)
                    .map(|_| {
                        let (a, b) = (g.name_len(), g.name_len());
                        let v = if g.below(4) == 0 { -(g.below(1 << 40) as i64) } else { g.below(1 << 20) as i64 };
                        (g.text(a), g.camel(b), v, g.doc())
                    })
                    .collect();
            }
        }
    }
}

#[test]
fn fixtures_as_they_are() {
    check_fixtures(assert_same);
}

#[test]
fn generated_values_in_every_field() {
    let bases: Vec<Ir> = all_fixtures().into_iter().map(|(_, ir)| ir).take(3).collect();
    check_generated(&bases, 120, 7, scramble, assert_same);
}
