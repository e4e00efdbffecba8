//! Crate layout: a big output is split over several crates so that `cargo` checks them in
//! parallel and no single `rustc` holds the whole API. A pass over the finished IR.
//!
//! The rule, from the area features (`compute_features`), which already say which models each
//! area needs (each closed under the models a model names):
//! - areas are packed into `n` bins by the weight of the models only they need;
//! - a model lives in the crate of the set of bins whose areas need it: one bin, that bin's
//!   area crate (`area-K`); all bins, `shared`; some, `shared-I-J`; none, `unreached`;
//! - a crate depends on the crates of the supersets of its bins; `unreached` on all. Then, to a
//!   fixpoint, a model a crate names but may not depend on joins the crate of the union of both
//!   sets (a model a builder names leaves `unreached` for `shared`), and a partly shared crate
//!   too small to pay for its own `rustc` joins `shared`.
//! - `shared`, which every area needs and which is checked first with little beside it, keeps
//!   only its heaviest cycle and what reaches it; the rest, which names nothing of that top,
//!   goes into `shared-base-1`/`-2` of whole connected groups, checked in parallel before it.
//!
//! So the crates form `shared` → `shared-I-J` … → `area-1` … `area-n` → {`requests`,
//! `unreached`}, with `operations` (operation data and the index, which name no model) beside
//! them from the start; every reference points at the same crate or one it depends on. The
//! facade crate (the package users take) depends on every part and re-exports each under the
//! paths of a one-crate output; a model part some area does not need is an optional
//! dependency (`Part::only_for`), built only for the areas that need it.

use super::features::model_deps;
use super::*;

/// Below this many models one crate checks quickly enough: no split.
pub const SPLIT_MIN_MODELS: usize = 1000;
/// Area crates of an automatic split (the machines the budget is set for have two cores; three
/// bins keep both busy while `shared` is the only crate being checked for the least time).
pub const AUTO_AREAS: usize = 3;
/// A crate shared by some bins but not all needs at least 1/`MIN_SHARE` of the models' weight.
const MIN_SHARE: usize = 40;
/// Base crates of `shared`, when it is split (`shared_base`).
const SHARED_BASES: usize = 2;
/// `shared` is split only when it holds at least 1/`SHARED_BASE_MIN` of the models' weight.
const SHARED_BASE_MIN: usize = 8;

/// Rough size of a model's emitted code: what bins are balanced by.
fn weight(m: &Model) -> usize {
    match &m.kind {
        ModelKind::Struct(s) => 12 + 3 * s.fields.len() + s.expands.len(),
        ModelKind::Enum(e) => 4 + e.members.len(),
    }
}

/// Models a builder's code names: its target, responses and bodies.
fn builder_models(b: &Builder) -> impl Iterator<Item = &String> {
    std::iter::once(&b.target).chain(b.operations.iter().flat_map(|op| {
        let r = match &op.response {
            Shape::Entity(q) | Shape::Page(q) => Some(q),
            _ => None,
        };
        r.into_iter().chain(op.body.iter())
    }))
}

/// Sets `ir.layout` for the package `package`.
pub fn assign_crates(ir: &mut Ir, package: &str, split: Split) {
    ir.layout = Layout::default();
    let bins = match split {
        Split::One => return,
        Split::Auto if ir.models.len() < SPLIT_MIN_MODELS => return,
        Split::Auto => AUTO_AREAS,
        Split::Areas(n) => n.max(1),
    };
    // Without area features there is nothing to split by.
    if ir.features.is_empty() {
        return;
    }
    let mut sets: BTreeMap<&str, BTreeSet<&str>> = ir.models.keys().map(|k| (k.as_str(), BTreeSet::new())).collect();
    for (area, f) in &ir.features {
        for m in &f.models {
            if let Some(s) = sets.get_mut(m.as_str()) {
                s.insert(area.as_str());
            }
        }
    }
    // Areas into bins, heaviest first, each into the lightest bin (ties: the lower bin, then
    // the area name): deterministic.
    let mut own: BTreeMap<&str, usize> = ir.features.keys().map(|a| (a.as_str(), 0)).collect();
    for (q, s) in &sets {
        if let (1, Some(a)) = (s.len(), s.first()) {
            *own.entry(a).or_default() += weight(&ir.models[*q]);
        }
    }
    let mut areas: Vec<(&str, usize)> = own.into_iter().collect();
    areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let (packed, _) = pack(areas.iter().map(|(_, w)| *w), bins);
    let bin_of: BTreeMap<&str, usize> = areas.iter().map(|(a, _)| *a).zip(packed).collect();
    // Each model's part while assigning: the set of bins whose areas need it. One bin: that
    // bin's area crate; several: a shared crate of exactly those bins; none: `unreached`.
    let all_bins: BTreeSet<usize> = (0..bins).collect();
    let mut part: BTreeMap<String, BTreeSet<usize>> =
        sets.iter().map(|(q, s)| (q.to_string(), s.iter().map(|a| bin_of[a]).collect())).collect();
    // A crate may name its own models and those of crates of a superset of its bins;
    // `unreached` may name any.
    let may_use =
        |from: &BTreeSet<usize>, to: &BTreeSet<usize>| to == from || (!to.is_empty() && (from.is_empty() || to.is_superset(from)));
    let weight_of = |part: &BTreeMap<String, BTreeSet<usize>>| {
        let mut w: BTreeMap<BTreeSet<usize>, usize> = BTreeMap::new();
        for (q, p) in part {
            *w.entry(p.clone()).or_default() += weight(&ir.models[q]);
        }
        w
    };
    let total: usize = ir.models.values().map(weight).sum();
    loop {
        let mut moves: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (q, p) in &part {
            for d in model_deps(ir, q) {
                if let Some(pd) = part.get(&d).filter(|pd| !may_use(p, pd)) {
                    let to = moves.entry(d.clone()).or_insert_with(|| pd.clone());
                    to.extend(p.iter().copied());
                    if to.is_empty() {
                        // From `unreached` only to a part: the bins of the one that names it.
                        to.extend(all_bins.iter().copied());
                    }
                }
            }
        }
        for b in ir.builders.values() {
            for q in builder_models(b) {
                if part.get(q).is_some_and(BTreeSet::is_empty) {
                    moves.insert(q.clone(), all_bins.clone());
                }
            }
        }
        // A shared crate too small to pay for its own rustc joins the crate of every bin.
        if moves.is_empty() {
            for (set, w) in weight_of(&part) {
                if set.len() > 1 && set != all_bins && w * MIN_SHARE < total {
                    moves.extend(part.iter().filter(|(_, p)| **p == set).map(|(q, _)| (q.clone(), all_bins.clone())));
                }
            }
        }
        if moves.is_empty() {
            break;
        }
        for (q, to) in moves {
            part.insert(q, to);
        }
    }
    // Parts in dependency order: operation data (names no model), shared crates from the most
    // bins to the fewest, area crates, then requests and the `unreached` crates.
    let used: BTreeSet<BTreeSet<usize>> = part.values().cloned().collect();
    let mut parts = Vec::new();
    let add = |suffix: String, about: String, deps: Vec<usize>, parts: &mut Vec<Part>| {
        let package = format!("{package}-{suffix}");
        let lib = package.replace('-', "_");
        parts.push(Part { suffix, package, lib, deps, about, only_for: None });
        parts.len() - 1
    };
    let operations = add("operations".into(), "operation data: paths, permissions, headers; and the index".into(), vec![], &mut parts);
    let mut index: BTreeMap<BTreeSet<usize>, usize> = BTreeMap::new();
    let mut shared: Vec<&BTreeSet<usize>> = used.iter().filter(|s| s.len() > 1).collect();
    shared.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let area_names = |set: &BTreeSet<usize>| -> String {
        let mut names: Vec<&str> = bin_of.iter().filter(|(_, b)| set.contains(b)).map(|(a, _)| *a).collect();
        names.sort();
        names.join(", ")
    };
    // `shared` is checked first, with only `operations` beside it: its models below the cycle
    // at its top go first, in groups that check in parallel.
    let mut base_of: BTreeMap<String, usize> = BTreeMap::new();
    for set in shared {
        if *set == all_bins {
            let models: Vec<&String> = part.iter().filter(|(_, p)| *p == set).map(|(q, _)| q).collect();
            for (k, group) in shared_base(ir, &models, total).into_iter().enumerate() {
                let about = "models `shared` is built on, in groups that name nothing of each other".to_string();
                let i = add(format!("shared-base-{}", k + 1), about, vec![], &mut parts);
                base_of.extend(group.into_iter().map(|q| (q, i)));
            }
        }
        let (suffix, about) = if *set == all_bins {
            ("shared".to_string(), "models that areas of several crates need".to_string())
        } else {
            let name = set.iter().map(|b| (b + 1).to_string()).collect::<Vec<_>>().join("-");
            (format!("shared-{name}"), format!("models that only areas of area crates {name} need"))
        };
        let i = add(suffix, about, vec![], &mut parts);
        index.insert(set.clone(), i);
    }
    for b in 0..bins {
        let set: BTreeSet<usize> = [b].into();
        if used.contains(&set) {
            let about = format!("models only these areas need: {}", area_names(&set));
            let i = add(format!("area-{}", b + 1), about, vec![], &mut parts);
            index.insert(set, i);
        }
    }
    let requests = add("requests".into(), "request builders and their entry points".into(), vec![], &mut parts);
    let mut model_part: BTreeMap<String, usize> = BTreeMap::new();
    let mut unreached: Vec<&String> = Vec::new();
    for (q, p) in &part {
        match base_of.get(q).or(index.get(p)) {
            Some(&i) => {
                model_part.insert(q.clone(), i);
            }
            None => unreached.push(q),
        }
    }
    // Models no area needs are named by no other crate. Those that name no model of an area
    // crate (nor such a model) wait only for the shared crates: their crate is checked beside
    // the area crates. The rest wait for the area crates, and are checked beside `requests`.
    if !unreached.is_empty() {
        let (early, late) = unreached_by_wait(ir, &unreached, &model_part, &index);
        let weigh = |g: &[&String]| g.iter().map(|q| weight(&ir.models[*q])).sum::<usize>();
        // An empty or too small group (it weighs under 1/`MIN_SHARE`) does not pay for a crate.
        let groups: Vec<(Vec<&String>, &str)> = if weigh(&early).min(weigh(&late)) * MIN_SHARE < total {
            vec![(unreached, "models no area needs, compiled only with `full`")]
        } else {
            vec![
                (early, "models no area needs that name no model of an area crate (checked beside them), compiled only with `full`"),
                (late, "models no area needs that name models of area crates, compiled only with `full`"),
            ]
        };
        let n = groups.len();
        for (k, (group, about)) in groups.into_iter().enumerate() {
            let suffix = if n == 1 { "unreached".to_string() } else { format!("unreached-{}", k + 1) };
            let i = add(suffix, about.into(), vec![], &mut parts);
            model_part.extend(group.into_iter().map(|q| (q.clone(), i)));
        }
    }
    // Each crate depends on the crates it names; a name of a later crate would be a cycle
    // (never, by the rule above): then the output stays one crate.
    let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); parts.len()];
    for (q, &p) in &model_part {
        for d in model_deps(ir, q) {
            if let Some(&pd) = model_part.get(&d) {
                if pd != p {
                    deps[p].insert(pd);
                }
            }
        }
    }
    deps[requests].insert(operations);
    for b in ir.builders.values() {
        for q in builder_models(b) {
            if let Some(&pd) = model_part.get(q) {
                deps[requests].insert(pd);
            }
        }
    }
    if deps.iter().enumerate().any(|(i, d)| d.iter().any(|&j| j >= i)) {
        return;
    }
    // A model crate that some area does not need is optional: on for the areas that need one
    // of its models (each area's models are closed under the models they name, so an item
    // compiled for an area only names crates that area turns on).
    let mut needed_by: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); parts.len()];
    for (q, &p) in &model_part {
        needed_by[p].extend(sets[q.as_str()].iter().copied());
    }
    for (i, (p, d)) in parts.iter_mut().zip(deps).enumerate() {
        p.deps = d.into_iter().collect();
        if i != requests && i != operations && needed_by[i].len() < ir.features.len() {
            p.only_for = Some(needed_by[i].iter().map(|a| a.to_string()).collect());
        }
    }
    ir.layout = Layout { parts, model_part, requests, operations };
}

/// The models of `unreached` that wait only for the shared crates, and those that wait for an
/// area crate: they name a model of one (`index` maps a set of one bin to its area crate), or
/// name such a model of `unreached`.
fn unreached_by_wait<'a>(
    ir: &Ir,
    unreached: &[&'a String],
    model_part: &BTreeMap<String, usize>,
    index: &BTreeMap<BTreeSet<usize>, usize>,
) -> (Vec<&'a String>, Vec<&'a String>) {
    let areas: BTreeSet<usize> = index.iter().filter(|(set, _)| set.len() == 1).map(|(_, &i)| i).collect();
    let deps: BTreeMap<&str, Vec<String>> = unreached.iter().map(|q| (q.as_str(), model_deps(ir, q))).collect();
    let mut late: BTreeSet<&str> = BTreeSet::new();
    for (q, ds) in &deps {
        if ds.iter().any(|d| model_part.get(d).is_some_and(|p| areas.contains(p))) {
            late.insert(q);
        }
    }
    // Waiting is inherited through the models of `unreached` that name each other.
    loop {
        let more: Vec<&str> =
            deps.iter().filter(|(q, ds)| !late.contains(*q) && ds.iter().any(|d| late.contains(d.as_str()))).map(|(q, _)| *q).collect();
        if more.is_empty() {
            break;
        }
        late.extend(more);
    }
    unreached.iter().partition(|q| !late.contains(q.as_str()))
}

/// Base crates for `shared` (whose `models` weigh a share of the `total`): the heaviest cycle
/// of models naming each other and every model that reaches it stay in `shared`; the rest,
/// which name nothing of that top, in [`SHARED_BASES`] crates of whole connected groups. None
/// when `shared` is too small to pay for more crates, its top is too big to gain, or the groups
/// do not balance.
fn shared_base(ir: &Ir, models: &[&String], total: usize) -> Vec<Vec<String>> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let w: usize = models.iter().map(|q| weight(&ir.models[*q])).sum();
    if w * SHARED_BASE_MIN < total {
        return Vec::new();
    }
    let pos: BTreeMap<&str, usize> = models.iter().enumerate().map(|(i, q)| (q.as_str(), i)).collect();
    let mut g: DiGraph<(), ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = models.iter().map(|_| g.add_node(())).collect();
    for (i, q) in models.iter().enumerate() {
        for d in model_deps(ir, q) {
            if let Some(&j) = pos.get(d.as_str()) {
                g.add_edge(nodes[i], nodes[j], ());
            }
        }
    }
    // The heaviest cycle (ties: the one with the first name), then all that reach it.
    let cycle_weight = |c: &Vec<NodeIndex>| c.iter().map(|n| weight(&ir.models[models[n.index()]])).sum::<usize>();
    let first = |c: &Vec<NodeIndex>| c.iter().map(|n| models[n.index()]).min();
    let Some(cycle) = petgraph::algo::kosaraju_scc(&g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .max_by(|a, b| cycle_weight(a).cmp(&cycle_weight(b)).then(first(b).cmp(&first(a))))
    else {
        return Vec::new();
    };
    let mut top: BTreeSet<usize> = cycle.iter().map(|n| n.index()).collect();
    let mut stack: Vec<NodeIndex> = cycle;
    while let Some(n) = stack.pop() {
        for m in g.neighbors_directed(n, petgraph::Direction::Incoming) {
            if top.insert(m.index()) {
                stack.push(m);
            }
        }
    }
    let top_w: usize = top.iter().map(|&i| weight(&ir.models[models[i]])).sum();
    let rest: Vec<&String> = (0..models.len()).filter(|i| !top.contains(i)).map(|i| models[i]).collect();
    let groups = connected_groups(ir, &rest);
    let (packed, loads) = pack(groups.iter().map(|(gw, _)| *gw), SHARED_BASES);
    // Worth it only if the top is at most a quarter and every base at least a quarter.
    if top_w * 4 > w || loads.iter().any(|bw| bw * 4 < w) {
        return Vec::new();
    }
    let mut bases: Vec<Vec<String>> = vec![Vec::new(); SHARED_BASES];
    for ((_, g), b) in groups.into_iter().zip(packed) {
        bases[b].extend(g);
    }
    for g in &mut bases {
        g.sort();
    }
    bases
}

/// `models` (sorted) in groups connected by the models they name among themselves, each
/// sorted and with its weight, the groups heaviest first (ties: by their names).
fn connected_groups(ir: &Ir, models: &[&String]) -> Vec<(usize, Vec<String>)> {
    let pos: BTreeMap<&str, usize> = models.iter().enumerate().map(|(i, q)| (q.as_str(), i)).collect();
    let mut sets = petgraph::unionfind::UnionFind::<usize>::new(models.len());
    for (i, q) in models.iter().enumerate() {
        for d in model_deps(ir, q) {
            if let Some(&j) = pos.get(d.as_str()) {
                sets.union(i, j);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, q) in models.iter().enumerate() {
        groups.entry(sets.find_mut(i)).or_default().push(q.to_string());
    }
    let mut out: Vec<(usize, Vec<String>)> =
        groups.into_values().map(|g| (g.iter().map(|q| weight(&ir.models[q])).sum(), g)).collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out
}

/// Greedy packing of weights, in the order given (heaviest first), each into the lightest of
/// `n` bins (ties: the lower bin): the bin of each and the bins' loads.
fn pack(weights: impl IntoIterator<Item = usize>, n: usize) -> (Vec<usize>, Vec<usize>) {
    let mut load = vec![0usize; n.max(1)];
    let bins = weights
        .into_iter()
        .map(|w| {
            let b = (0..load.len()).min_by_key(|&i| (load[i], i)).unwrap_or(0);
            load[b] += w;
            b
        })
        .collect();
    (bins, load)
}

/// What is wrong with `ir.layout`, if anything (the tests' check of the rule above): a model
/// without a crate, a name of a model in a crate its crate does not depend on, a dependency on
/// a later crate.
pub fn layout_errors(ir: &Ir) -> Vec<String> {
    let l = &ir.layout;
    let mut errors = Vec::new();
    if !l.is_split() {
        return errors;
    }
    for (i, p) in l.parts.iter().enumerate() {
        if let Some(d) = p.deps.iter().find(|&&d| d >= i) {
            errors.push(format!("`{}` depends on the later `{}`", p.suffix, l.parts[*d].suffix));
        }
    }
    let may = |from: usize, to: usize| from == to || l.parts[from].deps.contains(&to);
    for q in ir.models.keys() {
        let Some(&p) = l.model_part.get(q) else {
            errors.push(format!("`{q}` is in no crate"));
            continue;
        };
        for d in model_deps(ir, q) {
            if let Some(&pd) = l.model_part.get(&d) {
                if !may(p, pd) {
                    errors.push(format!("`{q}` in `{}` names `{d}` in `{}`", l.parts[p].suffix, l.parts[pd].suffix));
                }
            }
        }
    }
    for b in ir.builders.values() {
        for q in builder_models(b) {
            if let Some(&pd) = l.model_part.get(q) {
                if !may(l.requests, pd) {
                    errors.push(format!("builder `{}` names `{q}` in `{}`", b.rust_name, l.parts[pd].suffix));
                }
            }
        }
    }
    errors
}
