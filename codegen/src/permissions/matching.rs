//! Matching the data's (method, path template) routes to the IR's operations.
//!
//! The rule: a route is resolved by the one shared resolver ([`paths::resolve`]) and
//! classified by the one request rule ([`crate::ir::classify::classify`]: GET on a collection
//! lists, GET on an item gets, POST on a collection creates, PATCH / PUT / DELETE on an item,
//! `$count`, `$ref`, `$value`, or a bound action or function) to a builder node (type ×
//! collection or single) and an operation kind; the operation is the node's builder method
//! of that kind (bound operations by name, case-insensitively, whatever method the data
//! gives). Paths the resolver reads only relative to a parent are not matched.
//! The route's template then joins that operation's paths,
//! compared by [`normalize_template`] (parameter names and ASCII case ignored), the rule the
//! runtime's `Operation::permissions_for` applies to a request's own template.
//!
//! `/me/…` and `/users/{id}/…` are matched as written; when the data has only one of the two
//! for a method, the other template gets the same permissions too.
//!
//! Routes that match nothing are not errors: they are counted by why ([`Category`]).

use super::reader::{DataPath, PermissionData};
use crate::csdl::Schema;
use crate::extract::PermissionFacts;
use crate::ir::{Builder, Ir, OpKind};
use crate::paths::{self, PathError, SegKind};
use graph_runtime::permissions::normalize_template;
use std::collections::BTreeMap;

/// Why a route of the data matched no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// The path carries a query (`?$filter=…`): a variant of another path.
    QueryInPath,
    /// A drive-item path (`…:/{path}:`) after what cannot take one (a collection).
    DriveItemPath,
    /// A `{id | userPrincipalName}` style alternative key.
    KeyAlternatives,
    /// A key in parentheses naming no property of the type (`items(nope={id})`): no alternate
    /// key of it. Alternate keys that name a property match the item's operations.
    KeyInParentheses,
    /// A bound function of the metadata called with parameters the resolver did not take.
    FunctionParameters,
    /// `$value`, `$ref`, `$count`.
    DollarSegment,
    /// A qualified segment naming a type (a cast, `…/microsoft.graph.user`).
    TypeCast,
    /// A segment that names a child or operation only when compared case-insensitively.
    SegmentCase,
    /// A literal segment after a collection read as a key: an operation name in another case
    /// (`/directoryobjects/getbyids`), or a name the metadata lacks.
    LiteralAsKey,
    /// Navigation after a function or action (`…/range(…)/format`).
    AfterOperation,
    /// The first segment is no entity set or singleton of the metadata (beta-only or newer).
    UnknownRoot,
    /// A later segment is in no type of the metadata (beta-only, newer, or another version).
    UnknownSegment,
    /// The path resolves, but the node has no builder (nothing useful reached in the inputs).
    NoBuilder,
    /// A primitive, enum or collection-valued structural property (`/me/deletedDateTime`), or a
    /// segment after one (`…/responsibilities/{id}`): only single complex-valued properties
    /// have builders, and OData addresses no part of a value.
    StructuralProperty,
    /// The path resolves, but no generated operation has that method (e.g. Capabilities
    /// forbid it).
    MethodNotGenerated,
    /// The method is no operation on what the path addresses (`DELETE` on a collection).
    NotAnOperation,
    /// The path starts below a parent (no entity set or singleton leads to it).
    Relative,
    /// The path elides segments (`…`).
    Elided,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::QueryInPath => "query-in-path",
            Category::DriveItemPath => "drive-item-path-addressing",
            Category::KeyAlternatives => "key-alternatives",
            Category::KeyInParentheses => "key-in-parentheses",
            Category::FunctionParameters => "function-parameters",
            Category::DollarSegment => "dollar-segment",
            Category::TypeCast => "type-cast",
            Category::SegmentCase => "segment-case",
            Category::AfterOperation => "navigation-after-operation",
            Category::LiteralAsKey => "literal-read-as-key",
            Category::UnknownRoot => "not-in-metadata-root",
            Category::UnknownSegment => "not-in-metadata-segment",
            Category::NoBuilder => "no-builder",
            Category::StructuralProperty => "structural-property",
            Category::MethodNotGenerated => "method-not-generated",
            Category::NotAnOperation => "method-not-an-operation",
            Category::Relative => "relative-path",
            Category::Elided => "elided-path",
        }
    }

    /// Whether the route is blocked by a path convention the resolver does not read yet (as
    /// opposed to a path the metadata lacks).
    pub fn is_resolver_convention(self) -> bool {
        !matches!(
            self,
            Category::UnknownRoot | Category::UnknownSegment | Category::NoBuilder | Category::StructuralProperty | Category::MethodNotGenerated | Category::NotAnOperation
        )
    }
}

/// Routes matched to operations, and the rest by category.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Operation const → (template, permissions, mirrored?) in route order; a mirrored
    /// template (the `/me` ↔ `/users/{id}` fallback) fills only a path nothing else speaks for.
    pub by_operation: BTreeMap<String, Vec<(String, PermissionFacts, bool)>>,
    /// Matched route keys.
    pub matched: Vec<(String, String)>,
    /// Category → `METHOD template` of each unmatched route.
    pub unmatched: BTreeMap<Category, Vec<String>>,
    /// Templates added by the `/me` ↔ `/users/{id}` fallback.
    pub mirrored: usize,
    /// Routes read as reference operations (the data's spelling without `/$ref`).
    pub references: usize,
    /// Routes read as content uploads (the data's `PUT` on a media entity, without `/$value`).
    pub content_uploads: usize,
}

/// Builders by the node they address: (target type, collection).
pub struct Nodes<'a> {
    schema: &'a Schema,
    by_node: BTreeMap<(&'a str, bool), &'a Builder>,
    /// Names below a path prefix (lower case), for classifying misses: see [`prefix_names`].
    prefix_names: std::sync::Mutex<BTreeMap<String, std::sync::Arc<PrefixNames>>>,
    /// The resolver's lookups, built once for the many routes (and bound operations by
    /// binding type for classifying misses).
    index: paths::Index<'a>,
}

/// Children and bound operations below a prefix.
type PrefixNames = (Vec<String>, Vec<String>);

impl<'a> Nodes<'a> {
    pub fn new(schema: &'a Schema, ir: &'a Ir) -> Self {
        Self::of_schema(schema).with_ir(ir)
    }

    /// What resolving needs (the schema and its index), without the builders yet.
    fn of_schema(schema: &'a Schema) -> Self {
        Nodes { schema, by_node: BTreeMap::new(), prefix_names: Default::default(), index: paths::Index::new(schema) }
    }

    fn with_ir(mut self, ir: &'a Ir) -> Self {
        self.by_node = ir.builders.values().map(|b| ((b.target.as_str(), b.collection), b)).collect();
        self
    }

    /// The operation of the template `method path` (keys written `{…}`, as in the data): its
    /// const name, or why there is none.
    pub fn operation_of(&self, method: &str, path: &str) -> Result<String, Category> {
        operation_of(self, method, path, true)
    }

    /// The same for a concrete URL (keys are values: `/users/a@b.c/messages`).
    pub fn operation_of_url(&self, method: &str, url: &str) -> Result<String, Category> {
        operation_of(self, method, url, false)
    }
}

/// A route matched: the operation's const and the template it joins (the route's own, or the
/// route with `/$ref` when the data writes a reference operation without it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub operation: String,
    pub template: String,
}

fn operation_of(nodes: &Nodes, method: &str, path: &str, template: bool) -> Result<String, Category> {
    hit_of(nodes, method, path, template).map(|h| h.operation)
}

fn hit_of(nodes: &Nodes, method: &str, path: &str, template: bool) -> Result<Hit, Category> {
    hit_from(nodes, method, path, &resolve(nodes, path), template)
}

/// A path resolved, or why not: what [`hit_from`] needs, whatever the method.
fn resolve(nodes: &Nodes, path: &str) -> Result<paths::Resolved, Category> {
    paths::resolve_with(nodes.schema, path, Some(&nodes.index)).map_err(|e| classify(nodes, path, &e))
}

fn hit_from(nodes: &Nodes, method: &str, path: &str, r: &Result<paths::Resolved, Category>, template: bool) -> Result<Hit, Category> {
    let r = r.as_ref().map_err(|c| *c)?;
    // The data writes reference operations without `/$ref` (`POST /groups/{id}/members`,
    // `DELETE /groups/{id}/members/{id}`, `PUT /users/{id}/manager`): on a navigation
    // without `ContainsTarget` the entity lives elsewhere, so adding, removing or setting
    // there is the reference operation. Read so only where the node offers it.
    if template && is_reference_route(nodes.schema, method, r) {
        let with_ref = format!("{}/$ref", path.trim_end_matches('/'));
        if let Ok(op) = plain_operation_of(nodes, method, &with_ref, template) {
            return Ok(Hit { operation: op, template: with_ref });
        }
    }
    let plain = plain_from(nodes, method, r, template);
    // The data writes uploading a media entity's content as `PUT` on the entity
    // (`PUT /me/photo`; the pages write `…/$value`): where the node offers no replace, a
    // `PUT` there can only be the upload.
    if template && method == "PUT" && plain == Err(Category::MethodNotGenerated) && is_media_entity(nodes.schema, r) {
        let with_value = format!("{}/$value", path.trim_end_matches('/'));
        if let Ok(op) = plain_operation_of(nodes, method, &with_value, template) {
            return Ok(Hit { operation: op, template: with_value });
        }
    }
    plain.map(|op| Hit { operation: op, template: path.to_string() })
}

/// A single entity whose type (or a base type) has a stream (`HasStream`).
fn is_media_entity(schema: &Schema, r: &paths::Resolved) -> bool {
    let t = r.target();
    !t.ty.collection
        && matches!(t.kind, SegKind::Root { .. } | SegKind::Nav { .. } | SegKind::Key { .. } | SegKind::ItemPath { .. })
        && schema.ancestry(&t.ty.name).iter().any(|s| s.has_stream)
}

fn plain_operation_of(nodes: &Nodes, method: &str, path: &str, template: bool) -> Result<String, Category> {
    match paths::resolve_with(nodes.schema, path, Some(&nodes.index)) {
        Ok(r) => plain_from(nodes, method, &r, template),
        Err(e) => Err(classify(nodes, path, &e)),
    }
}

/// `POST` on a collection navigation, `PUT` on a single one or `DELETE` on one item of a
/// collection navigation, where that navigation is not contained (`ContainsTarget` false).
pub fn is_reference_route(schema: &Schema, method: &str, r: &paths::Resolved) -> bool {
    let n = r.segments.len();
    let nav_at = match (method, &r.target().kind) {
        ("POST", SegKind::Nav { collection: true }) | ("PUT", SegKind::Nav { collection: false }) => n - 1,
        ("DELETE", SegKind::Key { .. }) if n >= 2 && matches!(r.segments[n - 2].kind, SegKind::Nav { collection: true }) => n - 2,
        _ => return false,
    };
    let Some(owner) = nav_at.checked_sub(1).map(|i| &r.segments[i]) else { return false };
    let name = &r.segments[nav_at].text;
    // The nearest declaration of the name, as `all_properties` would give it.
    schema
        .ancestry(&owner.ty.name)
        .iter()
        .find_map(|t| t.properties.iter().find(|p| &p.name == name))
        .is_some_and(|p| p.kind == crate::csdl::PropertyKind::Navigation { contains_target: false })
}

fn plain_from(nodes: &Nodes, method: &str, r: &paths::Resolved, template: bool) -> Result<String, Category> {
    // A path documented below a parent is no template a request has.
    if r.segments.iter().any(|s| matches!(s.kind, SegKind::Relative { .. })) {
        return Err(Category::Relative);
    }
    // The data writes every key as `{…}`: a literal read as a key is a name the resolver
    // did not recognise (e.g. a function the metadata lacks, after a collection), unless
    // the item's own navigation follows it (`/me/mailFolders/inbox/messageRules`: a
    // well-known key; an operation is followed by nothing, or by its return type).
    let literal_key = |i: usize| {
        matches!(r.segments[i].kind, SegKind::Key { param: None, .. })
            && !r.segments.get(i + 1).is_some_and(|n| matches!(n.kind, SegKind::Nav { .. } | SegKind::Property { .. }))
    };
    if template && (0..r.segments.len()).any(literal_key) {
        return Err(Category::LiteralAsKey);
    }
    // `applications(appId={appId})`: an alternate key addresses the same entity as its key,
    // so the route is that item's operation (its template, as written, joins the
    // operation's paths). A name that is no property of the type is no key of it.
    if r.segments.iter().any(|s| matches!(&s.kind, SegKind::Key { alternate: Some(a), .. } if !has_property(nodes.schema, &s.ty.name, a))) {
        return Err(Category::KeyInParentheses);
    }
    // Operations by name whatever the method the data gives: a composable function
    // (`…/rows/itemAt`, written with POST) is read as the GET that calls it.
    let method = match &r.target().kind {
        SegKind::Operation { returns: Some(_), .. } => "GET",
        _ => method,
    };
    let c = match crate::ir::classify::classify(method, r) {
        Ok(c) => c,
        Err(_) if matches!(r.target().kind, SegKind::Property { .. }) => return Err(Category::StructuralProperty),
        Err(_) => return Err(Category::NotAnOperation),
    };
    let Some(b) = nodes.by_node.get(&(c.node.0.as_str(), c.node.1)) else {
        return Err(Category::NoBuilder);
    };
    fn simple(s: &str) -> &str {
        s.rsplit('.').next().unwrap_or(s)
    }
    let named: Vec<&crate::ir::OpMethod> = b
        .operations
        .iter()
        .filter(|o| {
            o.kind == c.kind
                && match (&o.segment, &c.segment) {
                    // Bound operations by name, whatever the method the data gives (workbook
                    // functions are documented with POST as well as GET).
                    (Some(a), Some(b)) if c.kind == OpKind::Action => simple(a).eq_ignore_ascii_case(simple(b)),
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    (a, b) => a.is_none() && b.is_none(),
                }
        })
        .collect();
    // Overloads of one function: the one whose parameters the route's arguments fill.
    let fitting = |o: &&&crate::ir::OpMethod| match (&r.target().kind, &o.function_params) {
        (SegKind::Operation { args, .. }, Some(ps)) => crate::ir::classify::args_fit(args, &ps.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>()),
        _ => false,
    };
    let op = if named.len() > 1 { named.iter().find(fitting).or(named.first()) } else { named.first() };
    op.map(|o| o.operation_const.clone()).ok_or(Category::MethodNotGenerated)
}

/// Whether `ty` (or a base type) has a property `name`, in any case.
fn has_property(schema: &Schema, ty: &str, name: &str) -> bool {
    schema.ancestry(ty).iter().any(|t| t.properties.iter().any(|p| p.name.eq_ignore_ascii_case(name)))
}

/// `/me/x` ↔ `/users/{id}/x` (`None` for other paths).
fn mirror(template: &str) -> Option<String> {
    let t = template.trim_end_matches('/');
    let lower = t.to_ascii_lowercase();
    if lower == "/me" || lower.starts_with("/me/") {
        return Some(format!("/users/{{id}}{}", &t[3..]));
    }
    if lower.starts_with("/users/{") {
        let rest = &t[7..];
        let end = rest.find('}')?;
        return Some(format!("/me{}", &rest[end + 1..]));
    }
    None
}

/// The half of the matching that needs only the schema and the data, resolved before lowering
/// ([`super::lower_and_attach`]): every distinct template of the routes and of their
/// `/me` ↔ `/users/{id}` mirrors, resolved (or why not).
pub struct Resolutions<'s> {
    nodes: Nodes<'s>,
    /// Normalised template → its resolution.
    by_template: BTreeMap<String, Result<paths::Resolved, Category>>,
    /// Per route (in `data.routes` order): its mirror template and that template normalised.
    mirrors: Vec<Option<(String, String)>>,
}

/// A route of the data with its mirror: (method and normalised template, route, mirror).
type RouteItem<'d> = (&'d (String, String), &'d DataPath, &'d Option<(String, String)>);

/// Resolves each distinct template once, on every core; methods then only classify. Results
/// come back in order, so the outcome does not depend on the thread count.
pub fn resolve_routes<'s>(schema: &'s Schema, data: &PermissionData) -> Resolutions<'s> {
    let nodes = Nodes::of_schema(schema);
    let mirrors: Vec<Option<(String, String)>> = data
        .routes
        .values()
        .map(|r| mirror(&r.template).map(|m| {
            let k = normalize_template(&m);
            (m, k)
        }))
        .collect();
    let mut templates: BTreeMap<&str, &str> = BTreeMap::new();
    for (((_, key), route), other) in data.routes.iter().zip(&mirrors) {
        templates.entry(key.as_str()).or_insert(route.template.as_str());
        if let Some((m, k)) = other {
            templates.entry(k.as_str()).or_insert(m.as_str());
        }
    }
    let distinct: Vec<(&&str, &&str)> = templates.iter().collect();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    // In sorted runs, each continuing from the segments it shares with the one before it.
    let runs: Vec<&[(&&str, &&str)]> = distinct.chunks(distinct.len().div_ceil(cores * 8).max(1)).collect();
    let resolved: Vec<Result<paths::Resolved, Category>> = crate::emit::parallel_map_with(cores, &runs, |run| {
        let paths: Vec<&str> = run.iter().map(|(_, t)| **t).collect();
        let all = paths::resolve_many(nodes.schema, &paths, Some(&nodes.index));
        all.into_iter().zip(&paths).map(|(r, p)| r.map_err(|e| classify(&nodes, p, &e))).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let by_template = distinct.iter().map(|(k, _)| k.to_string()).zip(resolved).collect();
    Resolutions { nodes, by_template, mirrors }
}

impl Resolutions<'_> {
    /// The templates that resolve, in template order.
    pub fn paths(&self) -> Vec<&paths::Resolved> {
        self.by_template.values().filter_map(|r| r.as_ref().ok()).collect()
    }
}

pub fn match_routes(schema: &Schema, ir: &Ir, data: &PermissionData) -> Matches {
    match_resolved(resolve_routes(schema, data), ir, data)
}

/// The half of the matching that needs the IR: each route's method classified on its
/// template's resolution, to an operation of the builders.
pub fn match_resolved(r: Resolutions, ir: &Ir, data: &PermissionData) -> Matches {
    let Resolutions { nodes, by_template, mirrors } = r;
    let nodes = nodes.with_ir(ir);
    let mut m = Matches::default();
    let routes: Vec<(&(String, String), &DataPath)> = data.routes.iter().collect();
    let items: Vec<RouteItem> = routes.iter().zip(&mirrors).map(|((k, r), o)| (*k, *r, o)).collect();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let found = crate::emit::parallel_map_with(cores, &items, |((method, key), route, other)| {
        let hit = hit_from(&nodes, method, &route.template, &by_template[key.as_str()], true);
        let mirrored = match (&hit, other) {
            (Ok(h), Some((other, k))) => {
                if data.routes.contains_key(&(method.clone(), k.clone())) {
                    None
                } else {
                    hit_from(&nodes, method, other, &by_template[k.as_str()], true).ok().filter(|o| o.operation == h.operation).map(|o| o.template)
                }
            }
            _ => None,
        };
        (hit, mirrored)
    });
    for (((method, key), route), (hit, mirrored)) in routes.into_iter().zip(found) {
        match hit {
            Ok(hit) => {
                m.matched.push((method.clone(), key.clone()));
                if hit.template.ends_with("/$value") && !route.template.ends_with("/$value") {
                    m.content_uploads += 1;
                } else if hit.template != route.template {
                    m.references += 1;
                }
                let facts = data.facts(route);
                if let Some(other) = mirrored {
                    m.by_operation.entry(hit.operation.clone()).or_default().push((other, facts.clone(), true));
                    m.mirrored += 1;
                }
                m.by_operation.entry(hit.operation).or_default().push((hit.template, facts, false));
            }
            Err(c) => m.unmatched.entry(c).or_default().push(format!("{method} {}", route.template)),
        }
    }
    m
}

/// Why `path` does not resolve: the convention of the segment where the resolver stopped.
pub fn classify(nodes: &Nodes, path: &str, e: &PathError) -> Category {
    let schema = nodes.schema;
    match e.kind {
        paths::PathErrorKind::Elided => return Category::Elided,
        paths::PathErrorKind::AfterValue => return Category::StructuralProperty,
        paths::PathErrorKind::Unresolved => {}
    }
    if path.contains('?') {
        return Category::QueryInPath;
    }
    // The segments as the resolver counted them: a drive-item path (`root:/{path}:`) is read,
    // so a miss there is a miss of the segment where it stopped, like any other.
    let grouped = paths::segments_of(path);
    let parts: Vec<&str> = grouped.iter().map(|(s, _)| *s).collect();
    let Some(&(seg, item_path)) = grouped.get(e.index) else { return Category::UnknownSegment };
    if item_path && e.message.contains("addresses an item by path") {
        return Category::DriveItemPath;
    }
    if seg.contains('|') {
        return Category::KeyAlternatives;
    }
    if seg.starts_with('$') {
        return Category::DollarSegment;
    }
    if e.message.starts_with("nothing can follow") {
        return Category::AfterOperation;
    }
    // What the prefix addresses, to compare names case-insensitively: children (entity
    // sets, singletons, properties) and bound operations apart.
    // Many routes fail below the same prefix: its names are looked up once (a pure function
    // of the prefix, so the cache does not change any result).
    let prefix = format!("/{}", parts[..e.index].join("/")).to_ascii_lowercase();
    let cached = nodes.prefix_names.lock().ok().and_then(|c| c.get(&prefix).cloned());
    let names = match cached {
        Some(n) => n,
        None => {
            let n = std::sync::Arc::new(prefix_names(nodes, &parts[..e.index]));
            if let Ok(mut c) = nodes.prefix_names.lock() {
                c.insert(prefix, n.clone());
            }
            n
        }
    };
    let (children, operations) = (&names.0, &names.1);
    let is_child = |name: &str| children.iter().any(|c| c.eq_ignore_ascii_case(name));
    let is_operation = |name: &str| operations.iter().any(|c| c.eq_ignore_ascii_case(name));
    let named = |name: &str| is_child(name) || is_operation(name);
    let unknown = if e.index == 0 { Category::UnknownRoot } else { Category::UnknownSegment };
    if let Some((name, _)) = seg.split_once('(') {
        // A key in parentheses on a child; arguments of an operation the prefix has; or a
        // name the metadata lacks (a beta or newer function).
        let simple = name.rsplit('.').next().unwrap_or(name);
        return if is_child(name) {
            Category::KeyInParentheses
        } else if is_operation(simple) {
            Category::FunctionParameters
        } else {
            unknown
        };
    }
    if seg.contains('.') {
        // `namespace.type` in any case, without building each qualified name.
        let is_type = schema.namespaces.iter().any(|(n, ns)| {
            seg.get(..n.len()).is_some_and(|h| h.eq_ignore_ascii_case(n))
                && seg.get(n.len()..).and_then(|r| r.strip_prefix('.')).is_some_and(|t| ns.types.keys().any(|k| k.eq_ignore_ascii_case(t)))
        });
        if is_type {
            return Category::TypeCast;
        }
    }
    let simple = seg.rsplit('.').next().unwrap_or(seg);
    if named(seg) || named(simple) {
        return Category::SegmentCase;
    }
    unknown
}

/// What `parts` addresses can be followed by: children (entity sets and singletons at the
/// root, else properties) and bound operations.
fn prefix_names(nodes: &Nodes, parts: &[&str]) -> PrefixNames {
    let schema = nodes.schema;
    if parts.is_empty() {
        let c = schema
            .container()
            .map(|(_, c)| c.entity_sets.keys().chain(c.singletons.keys()).cloned().collect())
            .unwrap_or_default();
        return (c, Vec::new());
    }
    match paths::resolve_with(schema, &format!("/{}", parts.join("/")), Some(&nodes.index)) {
        Ok(r) => {
            let ty = &r.target().ty;
            let names: Vec<String> = schema.all_properties(&ty.name).iter().map(|p| p.name.clone()).collect();
            let mut ops = Vec::new();
            for t in schema.lineage_names(&ty.name) {
                ops.extend(nodes.index.bound_names(t, ty.collection).map(str::to_string));
            }
            (names, ops)
        }
        Err(_) => (Vec::new(), Vec::new()),
    }
}

/// Used by the reconciliation: the data's route for `method template`, if any.
pub fn route<'d>(data: &'d PermissionData, method: &str, template: &str) -> Option<&'d DataPath> {
    data.routes.get(&(method.to_ascii_uppercase(), normalize_template(template)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors() {
        assert_eq!(mirror("/me/messages").as_deref(), Some("/users/{id}/messages"));
        assert_eq!(mirror("/me").as_deref(), Some("/users/{id}"));
        assert_eq!(mirror("/users/{user-id}/messages/{id}").as_deref(), Some("/me/messages/{id}"));
        assert_eq!(mirror("/groups/{id}"), None);
        assert_eq!(mirror("/users"), None);
        assert_eq!(mirror("/mentions"), None);
    }
}
