//! The IR: plain data, `BTreeMap`-ordered, everything the emitters need and nothing they
//! must compute. Built by `lower` (schema + API facts → IR) and `naming` (Rust names).

pub mod classify;
pub mod lower;
pub mod naming;

use crate::extract::PermissionFacts;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ir {
    /// Models by qualified name.
    pub models: BTreeMap<String, Model>,
    /// Request builders by Rust name.
    pub builders: BTreeMap<String, Builder>,
    /// Entry points: container children that lead to operations.
    pub roots: Vec<Root>,
    /// Operation data (permissions, headers) by const name.
    pub operations: BTreeMap<String, OperationInfo>,
    /// Doc examples replayed as tests.
    pub examples: Vec<ExampleTest>,
    /// Examples the checks flag as doc errors: listed in the example file, not replayed.
    pub excluded_examples: Vec<ExcludedExample>,
    /// Namespaces generated in full (others are opaque).
    pub namespaces: Vec<String>,
    /// Cargo features (areas): feature name → what it gates in.
    pub features: BTreeMap<String, Feature>,
    /// Shared features: sets of areas that need the same items, named once (`_shared-3`),
    /// enabled by each of its areas. Name → areas.
    pub shared_features: BTreeMap<String, Vec<String>>,
    /// Features that gate each model / builder (any of them); a name absent here is ungated.
    /// Empty lists mean "only with `full`".
    pub model_gates: BTreeMap<String, Vec<String>>,
    pub builder_gates: BTreeMap<String, Vec<String>>,
    /// Navigation figures of the container (see `lower::count_path_templates`).
    pub figures: Figures,
    /// Which generated crate each item lives in (`lower::parts`); empty: one crate.
    pub layout: Layout,
}

/// How the output is split into crates (`lower::parts::assign_crates`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Split {
    /// Several crates when the output is big enough to gain from them.
    #[default]
    Auto,
    /// Always one crate.
    One,
    /// Models over this many area crates (plus shared, requests, and the types no area needs).
    Areas(usize),
}

/// The crates of a split output. Models live in the model parts; builders, operation data,
/// the index and the entry points in the requests part; the facade crate re-exports them all
/// under the paths of a one-crate output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Parts in dependency order: each depends only on parts before it.
    pub parts: Vec<Part>,
    /// Model qualified name → index in `parts`.
    pub model_part: BTreeMap<String, usize>,
    /// Index of the requests part (builders, entry points).
    pub requests: usize,
    /// Index of the operations part (operation data, `operations()`, the index).
    pub operations: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Part {
    /// Directory under `parts/` and package name suffix (`shared`, `area-1`, `requests`, …).
    pub suffix: String,
    /// Cargo package and Rust library name.
    pub package: String,
    pub lib: String,
    /// Indices of the parts it depends on.
    pub deps: Vec<usize>,
    /// What it holds, for its manifest's description.
    pub about: String,
    /// `None`: every build has it. `Some(areas)`: only the builds of these areas (or `full`)
    /// need it, so the crates that depend on it do so optionally, turned on by those features.
    pub only_for: Option<Vec<String>>,
}

impl Layout {
    pub fn is_split(&self) -> bool {
        !self.parts.is_empty()
    }
}

/// An area feature: the models, builders and operation data it needs (its closure).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feature {
    /// Root functions (container children) the feature exposes.
    pub roots: Vec<String>,
    /// Qualified model names (including write models).
    pub models: BTreeSet<String>,
    /// Builder names.
    pub builders: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Nodes (type × collection/single) reachable from the container.
    pub reachable_nodes: usize,
    /// Distinct navigable path templates of at most `path_depth` segments after the root
    /// segment (keys, navigation properties and bound operations each count as one).
    pub path_templates: u128,
    pub path_depth: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub qname: String,
    pub namespace: String,
    /// Module (file) name and Rust type name.
    pub module: String,
    pub rust_name: String,
    pub doc: Option<String>,
    pub kind: ModelKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    Struct(StructModel),
    Enum(EnumModel),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructModel {
    pub entity: bool,
    /// Kept opaque: only `id`, `@odata.type` and additional data.
    pub opaque: bool,
    pub fields: Vec<Field>,
    /// Navigation properties usable in `$expand`: (wire name, Rust fn name, target model qname).
    pub expands: Vec<(String, String, String)>,
    /// Write models (request bodies) instead of read models.
    pub write: Option<WriteMode>,
    /// `directoryObject` or a type derived from it: queries on it can be advanced queries.
    pub directory_object: bool,
    /// `$search` is allowed on collections of it (no `SearchRestrictions/Searchable=false`).
    pub searchable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// POST body: required fields are plain, others optional.
    Create,
    /// PATCH body: every field tri-state (absent / null / value).
    Update,
    /// Action parameters.
    Parameters,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire: String,
    pub rust: String,
    /// Rust variant name in the `…Field` enum.
    pub variant: String,
    pub ty: FieldType,
    pub collection: bool,
    pub nullable: bool,
    pub navigation: bool,
    pub read_only: bool,
    pub filterable: bool,
    /// `$filter` operator groups the schema allows (`crate::query_caps::OPERATOR_GROUPS`):
    /// `None` every one, `Some(empty)` not filterable.
    pub filter_ops: Option<Vec<String>>,
    /// `$orderby` accepts the property.
    pub sortable: bool,
    /// Required in a write model.
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Bool,
    I16,
    I32,
    I64,
    U8,
    I8,
    F32,
    F64,
    /// Decimal and other numbers kept exact.
    Number,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    /// Anything untyped.
    Json,
    /// Another model, by qualified name.
    Model(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumModel {
    pub flags: bool,
    /// (wire name, Rust variant, value, doc)
    pub members: Vec<(String, String, i64, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    pub rust_name: String,
    /// Module under `requests` (namespace module of the target model).
    pub namespace: String,
    pub module: String,
    /// Qualified name of the model addressed.
    pub target: String,
    pub collection: bool,
    /// Navigation: (method name, wire segment, builder rust name, builder namespace module).
    pub children: Vec<Child>,
    /// For collections: the item builder reached with `by_id`, and the key parameter name.
    pub item: Option<(String, String)>,
    /// Type casts: (method name, qualified cast type, builder of the cast type).
    pub casts: Vec<Child>,
    /// Items addressed by path below this one (`root:/a/b.txt:`): the type is hierarchical.
    pub by_path: bool,
    pub operations: Vec<OpMethod>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub method: String,
    pub segment: String,
    pub builder: String,
    /// A composable function: its parameters as (wire, Rust) names.
    pub function_params: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OpKind {
    Get,
    List,
    Create,
    Update,
    Replace,
    Delete,
    Action,
    /// `GET …/$count`: the number of items, as plain text.
    Count,
    /// `GET …/$value` or `GET …/content`: raw bytes.
    GetContent,
    /// `PUT …/$value` or `PUT …/content`: raw bytes in.
    PutContent,
    /// `POST …/{collection}/$ref` with an `@odata.id` body.
    AddRef,
    /// `DELETE …/{id}/$ref` or `DELETE …/{single}/$ref`.
    RemoveRef,
    /// `PUT …/{single}/$ref` with an `@odata.id` body.
    SetRef,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Entity(String),
    Page(String),
    NoContent,
    /// A plain-text integer (`$count`).
    Count,
    /// Raw content (`$value`, stream properties).
    Bytes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpMethod {
    pub kind: OpKind,
    pub method_name: String,
    pub http_method: String,
    /// Extra path segment (bound actions).
    pub segment: Option<String>,
    pub response: Shape,
    /// Request body: qualified name of a model or write model.
    pub body: Option<String>,
    pub operation_const: String,
    /// Bound function (called with `RequestPath::function`): parameters as (wire, Rust) names.
    pub function_params: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Root {
    pub fn_name: String,
    pub segment: String,
    pub builder: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationInfo {
    pub const_name: String,
    pub id: String,
    pub method: String,
    pub title: String,
    pub doc_pages: Vec<String>,
    /// (path template as documented, permissions when documented)
    pub paths: Vec<(String, Option<PermissionFacts>)>,
    /// (name, fixed value, required)
    pub headers: Vec<(String, Option<String>, bool)>,
    pub query_options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleTest {
    pub fn_name: String,
    pub file: String,
    pub line: u32,
    /// Builder chain: root fn then method calls (`by_id` with its literal argument).
    pub chain: Vec<Call>,
    pub method: String,
    /// Documented URL (path + query) relative to the version root.
    pub url: String,
    pub query: Option<String>,
    /// Body type and documented body (JSON text).
    pub body: Option<(String, String)>,
    /// Response shape and documented body.
    pub response: Option<(Shape, String)>,
    /// Bodies that are not a model: a `$ref` body or raw content.
    pub raw_body: Option<RawBody>,
    /// Lines the example spans: from its request to the end of its response.
    pub lines: (u32, u32),
}

/// A documented example that is not replayed because the checks flag it as a doc error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedExample {
    pub file: String,
    pub line: u32,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawBody {
    /// `{"@odata.id": …}`: the `@odata.id` and the documented body text.
    Reference(String, String),
    /// Raw content (`PUT …/$value`, `…/content`) as documented.
    Content(String),
    /// `DELETE …/{collection}/$ref?$id=…`: the `$id` (removed from the replayed query).
    RefById(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Root(String),
    Method(String),
    ById(String),
    /// Operation method; `true` when it takes a body; function arguments as documented
    /// (literal text, in the order of the method's parameters).
    Op(String, bool, Vec<String>),
    /// `by_path` with the item path.
    ByPath(String),
    /// A composable function that continues the chain, with its documented arguments.
    Function(String, Vec<String>),
}
