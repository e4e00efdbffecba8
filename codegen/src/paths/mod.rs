//! Resolving request paths (`/users/{userId}/cloudLicensing/assignments/{id}`, or an example
//! URL with real ids) through the entity container and navigation properties of a schema.
//! Builders, example matching, checks, permissions and reconciliation all use this one walk.
//!
//! The URL conventions it understands (OData 4.01 and Graph's own):
//! - segment names compared exactly, then case-insensitively (`/me/contactfolders`; after a
//!   collection a bare segment naming a bound operation in another case is that operation,
//!   `/directoryobjects/getbyids`, else a key);
//! - keys as segments (`/users/{id}`, `/users/a@b.c`), in parentheses (`users('id')`,
//!   `worksheets('Sheet1')`, `items(id)`), alternate keys in parentheses naming their property
//!   (`applications(appId='{appId}')`: the entity addressed by that key, the property kept in
//!   [`SegKind::Key`]) and alternative-key placeholders (`{id | userPrincipalName}`);
//! - type casts as a segment (`…/members/microsoft.graph.user`, any case): the cast type must
//!   be the current type or derive from it;
//! - bound actions and functions by simple or qualified name, with or without `()`, with
//!   inline arguments (`f(period='D7')`) or aliases (`f(p=@x)?@x=…`);
//! - `$value` (media and raw content), `$ref` (references), `$count` (collections), and
//!   `Edm.Stream` properties (`…/content`);
//! - structural properties of a single entity or complex value (`/me/mailboxSettings`,
//!   `…/mailboxSettings/automaticRepliesSetting`): [`SegKind::Property`];
//! - drive-item path addressing: `root:/folder/file.txt:` then `/children`, `:/content`;
//! - paths documented relative to a parent (`/workbook/worksheets`): when the first segment is
//!   no container child, the unique type that declares a navigation property of that name
//!   starts the path;
//! - `…` elisions in documented paths are refused with [`PathErrorKind::Elided`] so callers
//!   can report them as notes.

use crate::csdl::*;

mod lookup;
mod text;

pub use lookup::{bound_operation, bound_operation_exact, composable_return, qualified_of};
use lookup::{bound_operation_in, find_name, property, relative_start};
pub use text::{path_part, query_part};
use text::{group_item_paths, is_elision, looks_like_call, split_args, split_call, split_segments, unquote, RawSeg};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegKind {
    /// Entity set or singleton of the container.
    Root { collection: bool },
    /// First segment of a path documented relative to a parent: a navigation property of the
    /// (unique) structured type `parent` that declares it.
    Relative { parent: String, collection: bool },
    /// Key after a collection: `{param}` in templates (as a segment or in parentheses), a
    /// literal id in examples. `alternate`: the property a key in parentheses names
    /// (`applications(appId='{appId}')`, an alternate key), as written.
    Key { param: Option<String>, alternate: Option<String> },
    Nav { collection: bool },
    /// A structural property of a single entity or complex value (`/me/mailboxSettings`):
    /// its value. `complex`: of a complex type (its properties, and navigation declared on
    /// it, may follow); else a primitive, enum or type-definition value.
    Property { collection: bool, complex: bool },
    /// Bound action or function (qualified name) and the arguments written inline.
    /// `returns`: for a composable function, the type it returns, which the rest of the path
    /// (and a builder) continues on.
    /// `function`: called with parentheses (`delta()`), as the builders write it.
    Operation { qname: String, args: Vec<(String, String)>, returns: Option<TypeRef>, function: bool },
    /// Type-cast segment (qualified name of the cast type).
    Cast { qname: String },
    /// `$value`: the raw content of a media entity.
    Value,
    /// An `Edm.Stream` property (`content`): raw content too.
    Stream,
    /// `$ref`: the reference itself (add, remove or set it).
    Ref,
    /// `$count`: the number of items of a collection, as plain text.
    Count,
    /// Drive-item path addressing (`root:/a/b.txt:`): the item at `path` below the previous one.
    ItemPath { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The segment as the schema spells it (a key or an item path as written).
    pub text: String,
    pub kind: SegKind,
    /// Type addressed after this segment.
    pub ty: TypeRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub segments: Vec<Segment>,
}

impl Resolved {
    /// What the path addresses: a type (collection or single) or an operation.
    pub fn target(&self) -> &Segment {
        self.segments.last().expect("resolved paths are never empty")
    }
    /// Template with `{}` for every key and argument: the shape used to compare paths
    /// (parameter names, argument values and the case of the input do not matter).
    pub fn shape(&self) -> String {
        self.render(true)
    }
    /// The path as the schema spells it: keys as segments, names in their declared case.
    pub fn canonical(&self) -> String {
        self.render(false)
    }
    fn render(&self, shape: bool) -> String {
        let mut s = String::new();
        for seg in &self.segments {
            match &seg.kind {
                SegKind::ItemPath { path } => {
                    s.push_str(":/");
                    s.push_str(if shape { "{}" } else { path });
                    s.push(':');
                    continue;
                }
                SegKind::Relative { parent, .. } if shape => s.push_str(&format!("{{{parent}}}")),
                // An alternate key stays in parentheses: `/{value}` would be the key itself.
                SegKind::Key { alternate: Some(a), .. } => {
                    let value = match &seg.kind {
                        _ if shape => "{}".to_string(),
                        SegKind::Key { param: Some(_), .. } => seg.text.clone(),
                        _ => format!("'{}'", seg.text.replace('\'', "''")),
                    };
                    s.push_str(&format!("({a}={value})"));
                    continue;
                }
                _ => {}
            }
            s.push('/');
            match &seg.kind {
                SegKind::Key { .. } if shape => s.push_str("{}"),
                SegKind::Operation { args, function, .. } if *function || !args.is_empty() => {
                    let list: Vec<String> = args
                        .iter()
                        .map(|(k, v)| if shape { format!("{k}={{}}") } else { format!("{k}={v}") })
                        .collect();
                    s.push_str(&format!("{}({})", seg.text, list.join(",")));
                }
                _ => s.push_str(&seg.text),
            }
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathErrorKind {
    /// A segment names nothing the schema has.
    Unresolved,
    /// The documented path elides segments (`…`, `...`): nothing to resolve.
    Elided,
    /// A segment after a primitive value or a collection of values (`…/fields/icon` where
    /// `fields` is a collection of complex values): OData addresses no part of those.
    AfterValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Index of the segment that did not resolve.
    pub index: usize,
    pub message: String,
    pub kind: PathErrorKind,
}

impl PathError {
    fn at(index: usize, message: String) -> Self {
        PathError { index, message, kind: PathErrorKind::Unresolved }
    }
}

/// The segments of `path` as [`resolve`] counts them ([`PathError::index`]): split outside
/// quotes and parentheses, a drive-item path (`root:/a/b:`) grouped with the segment before
/// it. Each with whether an item path follows it.
pub fn segments_of(path: &str) -> Vec<(&str, bool)> {
    group_item_paths(&split_segments(path_part(path).trim())).into_iter().map(|r| (r.text, r.item_path.is_some())).collect()
}

/// Resolves a path (template or concrete) against the first container in `schema`.
pub fn resolve(schema: &Schema, path: &str) -> Result<Resolved, PathError> {
    resolve_with(schema, path, None)
}

/// Bound operations by binding (qualified type, collection): (namespace, name, operation).
type BoundByBinding<'s> = std::collections::HashMap<(&'s str, bool), Vec<(&'s str, &'s str, &'s Operation)>>;

/// Lookups a caller that resolves many paths builds once for [`resolve_with`]: the start of
/// a relative path by navigation name, and bound operations by binding type. The result of a
/// resolution is the same with or without it (a property test checks this).
pub struct Index<'s> {
    /// [`lookup::relative_start`] of every navigation name (lower case).
    relative: std::collections::HashMap<String, Option<(String, Property)>>,
    /// Bound operations by binding (qualified type, collection), in namespace, name and
    /// overload order: (namespace, name, operation).
    bound: BoundByBinding<'s>,
    /// [`Schema::ancestry`] of every structured type (qualified).
    chains: std::collections::HashMap<String, Vec<&'s StructuredType>>,
}

impl<'s> Index<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        let mut chains = std::collections::HashMap::new();
        for (n, ns) in &schema.namespaces {
            for (t, def) in &ns.types {
                if let TypeDef::Structured(_) = def {
                    let q = format!("{n}.{t}");
                    let chain = schema.ancestry(&q);
                    chains.insert(q, chain);
                }
            }
        }
        Index { relative: lookup::relative_starts(schema), bound: lookup::bound_by_binding(schema), chains }
    }

    /// [`Schema::ancestry`] of `qualified`, from the index when it has it.
    fn ancestry<'a>(index: Option<&'a Self>, schema: &'s Schema, qualified: &str) -> std::borrow::Cow<'a, [&'s StructuredType]> {
        match index.and_then(|x| x.chains.get(qualified)) {
            Some(a) => std::borrow::Cow::Borrowed(a),
            None => std::borrow::Cow::Owned(schema.ancestry(qualified)),
        }
    }

    /// Names of the operations bound to `binding` (qualified) itself, one per overload.
    pub fn bound_names<'k>(&'k self, binding: &'k str, collection: bool) -> impl Iterator<Item = &'k str> + 'k {
        // The index is covariant: looked at with the key's shorter lifetime.
        let index: &'k Index<'k> = self;
        index.bound.get(&(binding, collection)).into_iter().flatten().map(|(_, n, _)| *n)
    }
}

/// [`resolve`], with the lookups of an [`Index`] when given (for callers that resolve many
/// paths). The result is the same.
pub fn resolve_with(schema: &Schema, path: &str, index: Option<&Index>) -> Result<Resolved, PathError> {
    let parts = raw_parts(path)?;
    let container = container_of(schema, &parts)?;
    let mut segments = Vec::new();
    walk(schema, container, index, &parts, 0, &mut segments, &mut Vec::new())?;
    Ok(Resolved { segments })
}

/// [`resolve_with`] of each path, in order. What a path resolves to after a segment depends
/// only on the segments before it, so each path continues from the resolution of the leading
/// segments it shares with the path before it: sorted paths share most. The results are
/// those of [`resolve_with`].
pub fn resolve_many(schema: &Schema, paths: &[&str], index: Option<&Index>) -> Vec<Result<Resolved, PathError>> {
    let mut out = Vec::with_capacity(paths.len());
    // The previous path's parts, its segments, and the segment count after each part it
    // resolved.
    let (mut prev, mut segments, mut marks): (Vec<RawSeg>, Vec<Segment>, Vec<usize>) = Default::default();
    for path in paths {
        let parts = match raw_parts(path).and_then(|p| container_of(schema, &p).map(|c| (p, c))) {
            Ok(p) => p,
            Err(e) => {
                out.push(Err(e));
                continue;
            }
        };
        let (parts, container) = parts;
        let common = prev.iter().zip(&parts).take(marks.len()).take_while(|(a, b)| a.text == b.text && a.item_path == b.item_path).count();
        segments.truncate(common.checked_sub(1).map_or(0, |k| marks[k]));
        marks.truncate(common);
        let r = walk(schema, container, index, &parts, common, &mut segments, &mut marks);
        out.push(r.map(|()| Resolved { segments: segments.clone() }));
        prev = parts;
    }
    out
}

/// A path's segments as written, or the error its resolution gives before any lookup.
fn raw_parts(path: &str) -> Result<Vec<RawSeg<'_>>, PathError> {
    let path = path_part(path);
    let parts = split_segments(path.trim());
    if let Some(i) = parts.iter().position(|p| is_elision(p)) {
        return Err(PathError { index: i, message: "the documented path elides segments (`…`)".into(), kind: PathErrorKind::Elided });
    }
    Ok(group_item_paths(&parts))
}

/// The container paths start at, when `parts` is a path at all.
fn container_of<'s>(schema: &'s Schema, parts: &[RawSeg]) -> Result<&'s EntityContainer, PathError> {
    let Some((_, container)) = schema.container() else {
        return Err(PathError::at(0, "the schema has no entity container".into()));
    };
    if parts.is_empty() {
        return Err(PathError::at(0, "empty path".into()));
    }
    Ok(container)
}

/// Resolves `parts[from..]` onto `segments` (the resolution of `parts[..from]`), pushing onto
/// `marks` the number of segments after each part resolved.
fn walk(
    schema: &Schema,
    container: &EntityContainer,
    index: Option<&Index>,
    parts: &[RawSeg],
    from: usize,
    segments: &mut Vec<Segment>,
    marks: &mut Vec<usize>,
) -> Result<(), PathError> {
    for (i, raw) in parts.iter().enumerate().skip(from) {
        if i == 0 {
            first_segment(schema, container, index, raw.text, segments)?;
        } else {
            step(schema, index, segments, raw.text, i)?;
        }
        if let Some(p) = &raw.item_path {
            push_item_path(segments, p, i)?;
        }
        marks.push(segments.len());
    }
    Ok(())
}

/// The first segment: an entity set or singleton (with its key in parentheses), or the start
/// of a path documented relative to a parent.
fn first_segment(schema: &Schema, container: &EntityContainer, index: Option<&Index>, text: &str, segments: &mut Vec<Segment>) -> Result<(), PathError> {
    let (name, key) = split_call(text);
    let roots = container
        .singletons
        .iter()
        .map(|(k, c)| (k.as_str(), (c, false)))
        .chain(container.entity_sets.iter().map(|(k, c)| (k.as_str(), (c, true))));
    // An exact name is a map lookup; only a name in another case scans the children.
    let exact = container
        .singletons
        .get_key_value(name)
        .map(|(k, c)| (k.as_str(), (c, false)))
        .or_else(|| container.entity_sets.get_key_value(name).map(|(k, c)| (k.as_str(), (c, true))));
    match exact.or_else(|| find_name(roots, name)) {
        Some((n, (child, collection))) => segments.push(Segment {
            text: n.to_string(),
            kind: SegKind::Root { collection },
            ty: TypeRef::new(&child.ty, collection),
        }),
        None => match index.map_or_else(|| relative_start(schema, name), |x| x.relative.get(&name.to_ascii_lowercase()).cloned().flatten()) {
            Some((parent, p)) => segments.push(Segment {
                text: p.name.clone(),
                kind: SegKind::Relative { parent, collection: p.ty.collection },
                ty: p.ty.clone(),
            }),
            None => {
                return Err(PathError::at(0, format!("`{name}` is not an entity set or singleton")));
            }
        },
    }
    if let Some(k) = key {
        push_key(schema, segments, k, 0)?;
    }
    Ok(())
}

fn push_key(schema: &Schema, segments: &mut Vec<Segment>, key: &str, i: usize) -> Result<(), PathError> {
    let cur = segments.last().expect("non-empty").clone();
    if !cur.ty.collection {
        return Err(PathError::at(i, format!("`{}` is a single entity: it takes no key", cur.text)));
    }
    let args = split_args(key);
    let (name, value) = match args.as_slice() {
        [(n, v)] => (n, unquote(v)),
        _ => return Err(PathError::at(i, format!("`{}({key})`: one key value expected", cur.text))),
    };
    // `(appId={appId})` in a template: a placeholder, as `/{id}` is one.
    let param = value.strip_prefix('{').and_then(|p| p.strip_suffix('}')).map(|p| p.trim().to_string());
    // An alternate key names its property: spelt as the schema does when it has one.
    let alternate = Some(name.as_str()).filter(|n| !n.is_empty()).map(|n| {
        property(&schema.ancestry(&cur.ty.name), n).map_or(n, |(declared, _)| declared).to_string()
    });
    segments.push(Segment { text: value, kind: SegKind::Key { param, alternate }, ty: TypeRef::new(&cur.ty.name, false) });
    Ok(())
}

fn push_item_path(segments: &mut Vec<Segment>, path: &str, i: usize) -> Result<(), PathError> {
    let cur = segments.last().expect("non-empty").clone();
    if cur.ty.collection || cur.ty.is_edm() {
        return Err(PathError::at(i, format!("`{}:` addresses an item by path only after a single entity", cur.text)));
    }
    segments.push(Segment { text: path.to_string(), kind: SegKind::ItemPath { path: path.to_string() }, ty: cur.ty });
    Ok(())
}

/// One segment after the first.
fn step(schema: &Schema, index: Option<&Index>, segments: &mut Vec<Segment>, part: &str, i: usize) -> Result<(), PathError> {
    let last = segments.last().expect("non-empty");
    let simple = |q: &str| split_qualified(q).1.to_string();
    // What the rest of the step needs of the previous segment: the type it addresses (a
    // composable function's return type), and whether `$ref` may follow it.
    let ty = match &last.kind {
        // A composable function is followed by segments on the type it returns.
        SegKind::Operation { returns: Some(ty), .. } => ty.clone(),
        SegKind::Operation { .. } => {
            return Err(PathError::at(i, format!("nothing can follow the operation `{}`", last.text)));
        }
        SegKind::Value | SegKind::Stream | SegKind::Ref | SegKind::Count => {
            return Err(PathError::at(i, format!("nothing can follow `{}`", last.text)));
        }
        // Only `$value`, `$count` follow a primitive value or a collection of values.
        SegKind::Property { collection, complex } if (*collection || !*complex) && !part.starts_with('$') => {
            let message = format!("only `$value` or `$count` can follow the value of `{}`", last.text);
            return Err(PathError { index: i, message, kind: PathErrorKind::AfterValue });
        }
        _ => last.ty.clone(),
    };
    let referable = matches!(last.kind, SegKind::Nav { .. } | SegKind::Key { .. } | SegKind::Relative { .. });
    let push = |segments: &mut Vec<Segment>, text: &str, kind: SegKind, ty: TypeRef| {
        segments.push(Segment { text: text.to_string(), kind, ty });
    };
    match part {
        "$value" if !ty.collection => {
            push(segments, "$value", SegKind::Value, ty.clone());
            return Ok(());
        }
        "$count" if ty.collection => {
            push(segments, "$count", SegKind::Count, ty.clone());
            return Ok(());
        }
        "$ref" if referable => {
            push(segments, "$ref", SegKind::Ref, ty.clone());
            return Ok(());
        }
        p if p.starts_with('$') => {
            return Err(PathError::at(i, format!("`{p}` cannot follow `{}`", segments.last().map_or("", |l| l.text.as_str()))));
        }
        _ => {}
    }
    let (name, args) = split_call(part);
    // Exact names first (operation, property), then any case: a segment that names a
    // property exactly never pays for a case-insensitive scan of every operation.
    let ancestry = Index::ancestry(index, schema, &ty.name);
    let exact_prop = !ty.collection && ancestry.iter().any(|t| t.properties.iter().any(|p| p.name == name));
    // After a collection a bare segment is a key unless it names a bound operation: exactly,
    // or in another case when it is no `{…}` placeholder or quoted value
    // (`/directoryobjects/getbyids`).
    let key_like = part.starts_with('{') || part.starts_with('\'');
    let op = match bound_operation_in(schema, index, &ty, name, true) {
        Some(hit) => Some(hit),
        None if exact_prop || (ty.collection && !looks_like_call(part) && key_like) => None,
        None => bound_operation_in(schema, index, &ty, name, false),
    };
    if let Some((qname, op)) = op {
        let args = args.map(split_args).unwrap_or_default();
        // As written when it names the operation exactly; else as the builders call it (simple
        // name in the default namespace, qualified elsewhere).
        let text = if name == op.name || name == qname {
            name.to_string()
        } else if split_qualified(&qname).0 == "microsoft.graph" {
            op.name.clone()
        } else {
            qname.clone()
        };
        let returns = composable_return(schema, &qname, &ty);
        let function = op.kind == OperationKind::Function;
        push(segments, &text, SegKind::Operation { qname, args, returns, function }, ty.clone());
        return Ok(());
    }
    // A type cast: the qualified name of the current type or of a type derived from it.
    if name.contains('.') && args.is_none() {
        let found = schema.namespaces.iter().find_map(|(n, ns)| {
            let rest = name.get(..n.len()).filter(|h| h.eq_ignore_ascii_case(n)).and(name.get(n.len()..))?;
            let t = rest.strip_prefix('.')?;
            let (tn, _) = ns
                .types
                .get_key_value(t)
                .map(|(k, v)| (k.as_str(), v))
                .or_else(|| lookup::unique_any_case(&ns.types, t))?;
            Some(format!("{n}.{tn}"))
        });
        if let Some(q) = found {
            if schema.lineage_names(&q).contains(&ty.name.as_str()) && schema.structured(&q).is_some() {
                push(segments, &q, SegKind::Cast { qname: q.clone() }, TypeRef::new(&q, ty.collection));
                return Ok(());
            }
            return Err(PathError::at(
                i,
                format!("`{name}` does not derive from `{}`: it cannot be cast to", simple(&ty.name)),
            ));
        }
    }
    if ty.collection {
        if args.is_some() {
            return Err(PathError::at(i, format!("`{}` has no bound function `{name}`", simple(&ty.name))));
        }
        let param = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')).map(|p| p.trim().to_string());
        let text = if param.is_some() { part.to_string() } else { unquote(part) };
        push(segments, &text, SegKind::Key { param, alternate: None }, TypeRef::new(&ty.name, false));
        return Ok(());
    }
    match property(&ancestry, name) {
        Some((_, p)) if p.ty.name == "Edm.Stream" && !p.is_navigation() && args.is_none() => {
            push(segments, &p.name, SegKind::Stream, ty.clone());
            Ok(())
        }
        Some((_, p)) if !p.is_navigation() => {
            let complex = schema.structured(&p.ty.name).is_some();
            push(segments, &p.name, SegKind::Property { collection: p.ty.collection, complex }, p.ty.clone());
            if args.is_some() {
                return Err(PathError::at(i, format!("`{}` is a structural property: it takes no key", p.name)));
            }
            Ok(())
        }
        Some((_, p)) => {
            push(segments, &p.name, SegKind::Nav { collection: p.ty.collection }, p.ty.clone());
            if let Some(k) = args {
                push_key(schema, segments, k, i)?;
            }
            Ok(())
        }
        None => Err(PathError::at(
            i,
            format!("`{}` has no navigation property or bound operation `{part}`", simple(&ty.name)),
        )),
    }
}
