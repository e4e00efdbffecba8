//! Lowering: schema + API facts → IR. Named passes, each a plain function:
//! `attach_operations` (resolve every documented request line to a builder and an operation),
//! `useful_nodes` (dependency closure: only builders on a path to an operation),
//! `lower_models` (types of the generated namespaces + opaque referenced types),
//! `lower_builders`, `lower_examples`, `compute_features`. One module per concern:
//! `operations` (operations per node, from docs or from the container), `models`, `builders`,
//! `examples`, `features`; this file holds the entry points and the data they pass around.

use super::naming::{camel, dedupe, dedupe_camel, snake};
use super::*;
use crate::csdl::*;
use crate::derive::parse_type_text;
use crate::diag::{Diagnostic, Origin};
use crate::extract::{ApiFacts, PermissionFacts, Row};
use crate::paths::{self, PathErrorKind, SegKind};
use super::classify::{classify, method_of};
use std::collections::{BTreeMap, BTreeSet};

mod operations;
mod models;
mod builders;
mod examples;
mod features;
mod creates;
mod properties;
pub mod parts;
use operations::*;
use models::*;
use builders::*;
use examples::*;
use creates::*;
use properties::*;
pub use creates::{create_figures, CreateFigures, CREATE_REQUIRED_UNKNOWN};
pub use examples::example_chain;
pub use features::{compute_features, feature_name};
pub use parts::assign_crates;

/// A builder node: a type addressed as a collection or as a single entity.
type Node = (String, bool);
/// Operations attached to each node, by (kind, action segment).
type NodeOps = BTreeMap<Node, BTreeMap<(OpKind, String), OpAccum>>;

#[derive(Default)]
struct OpAccum {
    kind: Option<OpKind>,
    http_method: String,
    segment: Option<String>,
    action_qname: Option<String>,
    titles: BTreeSet<String>,
    pages: BTreeSet<String>,
    paths: BTreeMap<String, Option<PermissionFacts>>,
    headers: BTreeMap<String, (Option<String>, bool)>,
    query: BTreeSet<String>,
    body_rows: Vec<Row>,
    body_rels: Vec<Row>,
    pages_with_body: BTreeSet<String>,
    /// Creates documented over metadata: the names every page of the operation requires.
    create_required: Option<BTreeSet<String>>,
    /// How many pages stated requirements, and the names any page marks optional.
    create_voters: usize,
    create_optional: BTreeSet<String>,
    /// CSDL-only: the operation this method calls (parameters, return type), and a
    /// representative path template of the node.
    csdl: Option<Operation>,
    csdl_path: Option<String>,
}

pub struct Lowered {
    pub ir: Ir,
    pub diagnostics: Vec<Diagnostic>,
    /// Number of documented request lines that resolved.
    pub paths_resolved: usize,
    /// API pages at least one of whose request lines became (part of) an operation.
    pub used_pages: BTreeSet<String>,
}

fn kind_word(k: OpKind) -> &'static str {
    match k {
        OpKind::Get => "get",
        OpKind::List => "list",
        OpKind::Create => "create",
        OpKind::Update => "update",
        OpKind::Replace => "replace",
        OpKind::Delete => "delete",
        OpKind::Action => "action",
        OpKind::Count => "count",
        OpKind::GetContent => "get_content",
        OpKind::PutContent => "put_content",
        OpKind::AddRef => "add_ref",
        OpKind::RemoveRef => "remove_ref",
        OpKind::SetRef => "set_ref",
    }
}

/// Where the operations come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// Only the documented request lines are operations (our own pages, `schema/docs`).
    Docs,
    /// Real metadata: its container gives every operation; documented request lines enrich
    /// them (permissions, headers, bodies, titles) and add what it lacks, flagged.
    Metadata,
}

/// Depth (segments after the root segment) of the path-template figure.
pub const PATH_DEPTH: usize = 4;

/// The one lowering entry point, whatever the inputs: the schema (`schema` holds the
/// generated namespaces and everything they refer to) and the API pages into the IR.
///
/// With [`Authority::Metadata`] the operations come from the entity container (entity sets,
/// singletons, navigation, Capabilities restrictions, bound actions and functions) and the
/// crate gets area features; the navigation-graph shape holds either way: one item and one
/// collection builder per useful type, so the number of builders is bounded by types.
pub fn lower(schema: &Schema, namespaces: &[String], apis: &[ApiFacts], authority: Authority) -> Lowered {
    lower_with(schema, namespaces, apis, authority, &[])
}

/// [`lower`], with more request paths that address structural properties (`routes`: the
/// permissions data's templates, resolved): a complex property any documented request line
/// or any of these passes through gets a builder (see `properties`).
pub fn lower_with(schema: &Schema, namespaces: &[String], apis: &[ApiFacts], authority: Authority, routes: &[&crate::paths::Resolved]) -> Lowered {
    let mut diags = Vec::new();
    let metadata = authority == Authority::Metadata;
    let lines = resolve_lines(schema, apis);
    let g = Graph { comp: composable_functions(schema), props: addressed_properties(schema, &lines, routes) };
    let reach = if metadata { reachable(schema, &g) } else { BTreeMap::new() };
    let mut ops = if metadata { csdl_operations(schema, &g, &reach) } else { NodeOps::new() };
    let resolved = attach_operations(schema, apis, &lines, &mut ops, metadata, &mut diags);
    let useful = useful_nodes(schema, &g, &ops);
    let mut ir = Ir { namespaces: namespaces.to_vec(), ..Default::default() };
    lower_models(schema, namespaces, &useful, &mut ir);
    fix_model_names(&mut ir);
    lower_builders(schema, &g, &ops, &useful, &mut ir, &mut diags);
    // Builders add write models: name those too.
    fix_model_names(&mut ir);
    lower_examples(schema, apis, &mut ir, &mut diags);
    if metadata {
        // Namespaces that declare the container are covered by its areas, not by a namespace feature.
        let container_ns: BTreeSet<String> =
            schema.namespaces.iter().filter(|(_, n)| n.container.is_some()).map(|(k, _)| k.clone()).collect();
        compute_features(&mut ir, &container_ns);
        ir.figures = Figures {
            reachable_nodes: reach.len(),
            path_templates: count_path_templates(schema, &g, &reach, &ops, PATH_DEPTH),
            path_depth: PATH_DEPTH,
        };
    }
    let used_pages = ops.values().flat_map(|by| by.values()).flat_map(|a| a.pages.iter().cloned()).collect();
    Lowered { ir, diagnostics: diags, paths_resolved: resolved, used_pages }
}
