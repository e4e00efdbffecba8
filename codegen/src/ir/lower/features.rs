//! Area features: which builders and models each container child (and namespace) needs.

use super::*;

/// Models a model needs to compile: field types and `$expand` targets.
pub(super) fn model_deps(ir: &Ir, q: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Model { kind: ModelKind::Struct(s), .. }) = ir.models.get(q) {
        for f in &s.fields {
            if let FieldType::Model(m) = &f.ty {
                out.push(m.clone());
            }
        }
        out.extend(s.expands.iter().map(|(_, _, t)| t.clone()));
    }
    out
}

/// Area features: one per container child (`users`, `me`, …) with the builders it reaches
/// and the models those need, and one per namespace other than those in `container_ns`
/// (`ns-security`, …) with its models. Each is closed: enabling any set of features compiles.
pub fn compute_features(ir: &mut Ir, container_ns: &BTreeSet<String>) {
    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    let model_closure = |ir: &Ir, start: Vec<String>, f: &mut Feature| {
        let mut stack = start;
        while let Some(q) = stack.pop() {
            if !ir.models.contains_key(&q) || !f.models.insert(q.clone()) {
                continue;
            }
            stack.extend(model_deps(ir, &q));
        }
    };
    for root in &ir.roots {
        let mut f = Feature { roots: vec![root.segment.clone()], ..Default::default() };
        let mut stack = vec![root.builder.clone()];
        let mut models = Vec::new();
        while let Some(b) = stack.pop() {
            if !f.builders.insert(b.clone()) {
                continue;
            }
            let Some(bd) = ir.builders.get(&b) else { continue };
            models.push(bd.target.clone());
            stack.extend(bd.children.iter().map(|c| c.builder.clone()));
            stack.extend(bd.item.iter().map(|(i, _)| i.clone()));
            for op in &bd.operations {
                if let Shape::Entity(q) | Shape::Page(q) = &op.response {
                    models.push(q.clone());
                }
                models.extend(op.body.iter().cloned());
            }
        }
        model_closure(ir, models, &mut f);
        features.insert(feature_name(&root.fn_name), f);
    }
    let mut by_ns: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in ir.models.values() {
        by_ns.entry(m.namespace.as_str()).or_default().push(m.qname.clone());
    }
    for ns in &ir.namespaces {
        if container_ns.contains(ns) {
            continue;
        }
        let mut f = Feature::default();
        let start: Vec<String> = by_ns.get(ns.as_str()).cloned().unwrap_or_default();
        model_closure(ir, start, &mut f);
        let name = format!("ns-{}", feature_name(&crate::ir::naming::namespace_module(ns)));
        features.insert(name, f);
    }
    // Gates: each model and builder is compiled when any area that needs it is on. Sets of
    // more than `MAX_GATE` areas become one shared feature those areas enable, so every cfg
    // stays short.
    const MAX_GATE: usize = 4;
    let mut model_sets: BTreeMap<String, BTreeSet<String>> = ir.models.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    let mut builder_sets: BTreeMap<String, BTreeSet<String>> = ir.builders.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (n, f) in &features {
        for m in &f.models {
            model_sets.entry(m.clone()).or_default().insert(n.clone());
        }
        for b in &f.builders {
            builder_sets.entry(b.clone()).or_default().insert(n.clone());
        }
    }
    let big: BTreeSet<&BTreeSet<String>> =
        model_sets.values().chain(builder_sets.values()).filter(|s| s.len() > MAX_GATE).collect();
    let mut shared_of: BTreeMap<&BTreeSet<String>, String> = BTreeMap::new();
    for (i, set) in big.into_iter().enumerate() {
        let name = format!("_shared-{:03}", i + 1);
        ir.shared_features.insert(name.clone(), set.iter().cloned().collect());
        shared_of.insert(set, name);
    }
    let gate = |set: &BTreeSet<String>| -> Vec<String> {
        match shared_of.get(set) {
            Some(n) => vec![n.clone()],
            None => set.iter().cloned().collect(),
        }
    };
    ir.model_gates = model_sets.iter().map(|(k, v)| (k.clone(), gate(v))).collect();
    ir.builder_gates = builder_sets.iter().map(|(k, v)| (k.clone(), gate(v))).collect();
    ir.features = features;
}

/// Cargo feature name of an area: kebab-case.
pub fn feature_name(s: &str) -> String {
    snake(s).trim_end_matches('_').replace('_', "-")
}
