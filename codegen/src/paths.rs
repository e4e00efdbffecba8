//! Resolving request paths (`/users/{userId}/cloudLicensing/assignments/{id}`, or an example
//! URL with real ids) through the entity container and navigation properties of a schema.
//! Builders, example matching, checks, permissions and reconciliation all use this one walk.
//!
//! The URL conventions it understands (OData 4.01 and Graph's own):
//! - segment names compared exactly, then case-insensitively (`/me/contactfolders`; after a
//!   collection a bare segment naming a bound operation in another case is that operation,
//!   `/directoryobjects/getbyids`, else a key);
//! - keys as segments (`/users/{id}`, `/users/a@b.c`), in parentheses (`users('id')`,
//!   `worksheets('Sheet1')`, `items(id)`) and alternative-key placeholders
//!   (`{id | userPrincipalName}`);
//! - type casts as a segment (`…/members/microsoft.graph.user`, any case): the cast type must
//!   be the current type or derive from it;
//! - bound actions and functions by simple or qualified name, with or without `()`, with
//!   inline arguments (`f(period='D7')`) or aliases (`f(p=@x)?@x=…`);
//! - `$value` (media and raw content), `$ref` (references), `$count` (collections), and
//!   `Edm.Stream` properties (`…/content`);
//! - drive-item path addressing: `root:/folder/file.txt:` then `/children`, `:/content`;
//! - paths documented relative to a parent (`/workbook/worksheets`): when the first segment is
//!   no container child, the unique type that declares a navigation property of that name
//!   starts the path;
//! - `…` elisions in documented paths are refused with [`PathErrorKind::Elided`] so callers
//!   can report them as notes.

use crate::csdl::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegKind {
    /// Entity set or singleton of the container.
    Root { collection: bool },
    /// First segment of a path documented relative to a parent: a navigation property of the
    /// (unique) structured type `parent` that declares it.
    Relative { parent: String, collection: bool },
    /// Key after a collection: `{param}` in templates, a literal id in examples.
    Key { param: Option<String> },
    Nav { collection: bool },
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

/// Strips `https://host/version` and the query: `https://graph.microsoft.com/beta/me?x` → `/me`.
pub fn path_part(url: &str) -> &str {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map(|i| &p[i..]).unwrap_or("/");
    }
    for v in ["/beta/", "/v1.0/"] {
        if p.get(..v.len()).is_some_and(|h| h.eq_ignore_ascii_case(v)) {
            p = &p[v.len() - 1..];
            break;
        }
    }
    split_outside_quotes(p, &['?', '#']).0
}

/// Query part of a URL (after `?`), if any.
pub fn query_part(url: &str) -> Option<&str> {
    let (_, rest) = split_outside_quotes(url, &['?']);
    rest
}

/// Splits at the first of `seps` that is outside single quotes.
fn split_outside_quotes<'a>(s: &'a str, seps: &[char]) -> (&'a str, Option<&'a str>) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && seps.contains(&c) {
            return (&s[..i], Some(&s[i + 1..]));
        }
    }
    (s, None)
}

/// Bound operations whose binding parameter is `ty` (or a base type of it) with the given
/// collection flag, by simple name (or `namespace.name`); exact match first, then any case.
pub fn bound_operation<'a>(schema: &'a Schema, ty: &TypeRef, name: &str) -> Option<(String, &'a Operation)> {
    bound_operation_exact(schema, ty, name).or_else(|| bound_operation_in(schema, ty, name, false))
}

/// [`bound_operation`], names compared exactly only.
pub fn bound_operation_exact<'a>(schema: &'a Schema, ty: &TypeRef, name: &str) -> Option<(String, &'a Operation)> {
    bound_operation_in(schema, ty, name, true)
}

fn bound_operation_in<'a>(schema: &'a Schema, ty: &TypeRef, name: &str, exact: bool) -> Option<(String, &'a Operation)> {
    // Every overload of the name, in any namespace (`microsoft.graph.delta` names `delta` of
    // that namespace).
    let mut candidates: Vec<(String, &Operation)> = Vec::new();
    for (ns_name, ns) in &schema.namespaces {
        let simple = name
            .get(..ns_name.len())
            .filter(|h| h.eq_ignore_ascii_case(ns_name))
            .and_then(|_| name.get(ns_name.len()..))
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(name);
        let hits: Vec<(&String, &Vec<Operation>)> = if exact {
            ns.operations.get_key_value(simple).into_iter().collect()
        } else {
            any_case(&ns.operations, simple)
        };
        for (op_name, ops) in hits {
            candidates.extend(ops.iter().filter(|o| o.bound).map(|o| (format!("{ns_name}.{op_name}"), o)));
        }
    }
    if candidates.is_empty() {
        return None;
    }
    // The nearest binding wins: the type itself, then its base types in order.
    for t in schema.lineage(&ty.name) {
        let hit = candidates.iter().find(|(_, o)| o.parameters.first().is_some_and(|b| b.ty.collection == ty.collection && b.ty.name == t));
        if let Some((q, o)) = hit {
            return Some((q.clone(), *o));
        }
    }
    None
}

/// Entries of `map` whose key equals `name` in any ASCII case. Only the keys that start with
/// the first letter in either case are compared (two ranges of the sorted map), not every key.
fn any_case<'a, V>(map: &'a std::collections::BTreeMap<String, V>, name: &str) -> Vec<(&'a String, &'a V)> {
    let Some(first) = name.bytes().next().filter(u8::is_ascii_alphabetic) else {
        return map.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).collect();
    };
    let mut out = Vec::new();
    for c in [first.to_ascii_uppercase(), first.to_ascii_lowercase()] {
        let (lo, hi) = ((c as char).to_string(), ((c + 1) as char).to_string());
        out.extend(map.range::<str, _>((std::ops::Bound::Included(lo.as_str()), std::ops::Bound::Excluded(hi.as_str()))).filter(|(k, _)| k.eq_ignore_ascii_case(name)));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// Qualified name of a structured type found in `schema`.
pub fn qualified_of(schema: &Schema, t: &StructuredType) -> String {
    for (n, ns) in &schema.namespaces {
        if let Some(TypeDef::Structured(s)) = ns.types.get(&t.name) {
            if std::ptr::eq(s, t) {
                return format!("{n}.{}", t.name);
            }
        }
    }
    t.name.clone()
}

/// Splits a path into segments at `/` outside quotes and parentheses.
fn split_segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in path.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            '/' if !quoted && depth <= 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// `name(args)` → (`name`, Some(`args`)); anything else → (segment, None).
fn split_call(seg: &str) -> (&str, Option<&str>) {
    match (seg.find('('), seg.ends_with(')')) {
        (Some(i), true) if i > 0 => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
        _ => (seg, None),
    }
}

/// `a='x',b=@y` → [(a, 'x'), (b, @y)]; a lone value (`'Sheet1'`) is returned as ("", value).
fn split_args(args: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    let mut parts = Vec::new();
    for (i, c) in args.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&args[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        match split_outside_quotes(p, &['=']) {
            (k, Some(v)) => out.push((k.trim().to_string(), v.trim().to_string())),
            (v, None) => out.push((String::new(), v.to_string())),
        }
    }
    out
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => v.to_string(),
    }
}

/// A segment written as a call (`f()`, `f(a=1)`) or a name that is no key placeholder.
fn looks_like_call(seg: &str) -> bool {
    seg.ends_with(')')
}

fn is_elision(seg: &str) -> bool {
    let s = seg.trim();
    s == "…" || s == "..." || s.starts_with("...") || s.starts_with('…')
}

/// Looks `name` up in `names`: exact first, then the unique case-insensitive match.
fn find_name<'a, T>(items: impl Iterator<Item = (&'a str, T)> + Clone, name: &str) -> Option<(&'a str, T)> {
    if let Some(hit) = items.clone().find(|(k, _)| *k == name) {
        return Some(hit);
    }
    let mut hits = items.filter(|(k, _)| k.eq_ignore_ascii_case(name));
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// The property `name` of a type given by its ancestry (nearest first), with the rule of
/// [`find_name`] over [`Schema::all_properties`] without building that list: exact first (the
/// nearest declaration wins), else the one name equal in any case.
fn property<'a>(ancestry: &[&'a StructuredType], name: &str) -> Option<(&'a str, &'a Property)> {
    let declared = || ancestry.iter().flat_map(|t| t.properties.iter());
    if let Some(p) = declared().find(|p| p.name == name) {
        return Some((p.name.as_str(), p));
    }
    let mut hits = declared().filter(|p| p.name.eq_ignore_ascii_case(name));
    let first = hits.next()?;
    hits.all(|p| p.name == first.name).then_some((first.name.as_str(), first))
}

/// The first segment of a path that is no container child: a navigation property of that
/// name (any case) starts the path when every type that declares one gives it the same target
/// (so the rest of the path means the same whichever parent it hangs under). The parent
/// reported is the first such type by name.
fn relative_start(schema: &Schema, name: &str) -> Option<(String, Property)> {
    let mut found: Vec<(String, &Property)> = Vec::new();
    for (n, ns) in &schema.namespaces {
        for (t, def) in &ns.types {
            let TypeDef::Structured(s) = def else { continue };
            if let Some(p) = s.properties.iter().find(|p| p.is_navigation() && p.name.eq_ignore_ascii_case(name)) {
                found.push((format!("{n}.{t}"), p));
            }
        }
    }
    let (q, p) = found.first()?;
    found.iter().all(|(_, x)| x.ty == p.ty).then(|| (q.clone(), (*p).clone()))
}

/// The structured type a composable bound function returns, when it is one (`range()` of a
/// worksheet): builders and paths continue on it.
pub fn composable_return(schema: &Schema, qname: &str, binding: &TypeRef) -> Option<TypeRef> {
    let (ns, n) = split_qualified(qname);
    let ops = schema.namespaces.get(ns)?.operations.get(n)?;
    let lineage = schema.lineage(&binding.name);
    ops.iter()
        .filter(|o| o.composable && o.kind == OperationKind::Function)
        .find(|o| o.parameters.first().is_some_and(|b| b.ty.collection == binding.collection && lineage.contains(&b.ty.name)))
        .and_then(|o| o.return_type.as_ref())
        .filter(|r| !r.ty.is_edm() && schema.structured(&r.ty.name).is_some())
        .map(|r| r.ty.clone())
}

/// One raw segment, with the drive-item path that follows it (`root:` … `:`), if any.
struct RawSeg<'a> {
    text: &'a str,
    item_path: Option<String>,
}

/// Groups `root:`, `folder`, `file.txt:` into `root` + item path `folder/file.txt`.
fn group_item_paths<'a>(parts: &[&'a str]) -> Vec<RawSeg<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        // `root:` starts a path; `file.txt:` (or the end of the path) ends it. A segment like
        // `root:` always has something before the colon.
        if let Some(head) = p.strip_suffix(':').filter(|h| !h.is_empty() && !h.contains(':')) {
            let mut path = Vec::new();
            let mut j = i + 1;
            while j < parts.len() {
                let q = parts[j].trim_start_matches(':');
                if let Some(last) = q.strip_suffix(':') {
                    path.push(last);
                    j += 1;
                    break;
                }
                path.push(q);
                j += 1;
            }
            out.push(RawSeg { text: head, item_path: Some(path.join("/")) });
            i = j;
            continue;
        }
        out.push(RawSeg { text: p.trim_start_matches(':'), item_path: None });
        i += 1;
    }
    out
}

/// Resolves a path (template or concrete) against the first container in `schema`.
pub fn resolve(schema: &Schema, path: &str) -> Result<Resolved, PathError> {
    let path = path_part(path);
    let parts = split_segments(path.trim());
    if let Some(i) = parts.iter().position(|p| is_elision(p)) {
        return Err(PathError { index: i, message: "the documented path elides segments (`…`)".into(), kind: PathErrorKind::Elided });
    }
    let parts = group_item_paths(&parts);
    let Some((_, container)) = schema.container() else {
        return Err(PathError::at(0, "the schema has no entity container".into()));
    };
    let Some(first) = parts.first() else {
        return Err(PathError::at(0, "empty path".into()));
    };
    let mut segments = Vec::new();
    let (name, key) = split_call(first.text);
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
        None => match relative_start(schema, name) {
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
        push_key(&mut segments, k, 0)?;
    }
    if let Some(p) = &first.item_path {
        push_item_path(&mut segments, p, 0)?;
    }
    for (i, raw) in parts.iter().enumerate().skip(1) {
        step(schema, &mut segments, raw.text, i)?;
        if let Some(p) = &raw.item_path {
            push_item_path(&mut segments, p, i)?;
        }
    }
    Ok(Resolved { segments })
}

fn push_key(segments: &mut Vec<Segment>, key: &str, i: usize) -> Result<(), PathError> {
    let cur = segments.last().expect("non-empty").clone();
    if !cur.ty.collection {
        return Err(PathError::at(i, format!("`{}` is a single entity: it takes no key", cur.text)));
    }
    let args = split_args(key);
    let value = match args.as_slice() {
        [(_, v)] => unquote(v),
        _ => return Err(PathError::at(i, format!("`{}({key})`: one key value expected", cur.text))),
    };
    segments.push(Segment { text: value, kind: SegKind::Key { param: None }, ty: TypeRef::new(&cur.ty.name, false) });
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
fn step(schema: &Schema, segments: &mut Vec<Segment>, part: &str, i: usize) -> Result<(), PathError> {
    let cur = segments.last().expect("non-empty").clone();
    let simple = |q: &str| split_qualified(q).1.to_string();
    let mut cur = cur;
    match &cur.kind {
        // A composable function is followed by segments on the type it returns.
        SegKind::Operation { returns: Some(ty), .. } => cur.ty = ty.clone(),
        SegKind::Operation { .. } => {
            return Err(PathError::at(i, format!("nothing can follow the operation `{}`", cur.text)));
        }
        SegKind::Value | SegKind::Stream | SegKind::Ref | SegKind::Count => {
            return Err(PathError::at(i, format!("nothing can follow `{}`", cur.text)));
        }
        _ => {}
    }
    let push = |segments: &mut Vec<Segment>, text: &str, kind: SegKind, ty: TypeRef| {
        segments.push(Segment { text: text.to_string(), kind, ty });
    };
    match part {
        "$value" if !cur.ty.collection => {
            push(segments, "$value", SegKind::Value, cur.ty.clone());
            return Ok(());
        }
        "$count" if cur.ty.collection => {
            push(segments, "$count", SegKind::Count, cur.ty.clone());
            return Ok(());
        }
        "$ref" if matches!(cur.kind, SegKind::Nav { .. } | SegKind::Key { .. } | SegKind::Relative { .. }) => {
            push(segments, "$ref", SegKind::Ref, cur.ty.clone());
            return Ok(());
        }
        p if p.starts_with('$') => {
            return Err(PathError::at(i, format!("`{p}` cannot follow `{}`", cur.text)));
        }
        _ => {}
    }
    let (name, args) = split_call(part);
    // Exact names first (operation, property), then any case: a segment that names a
    // property exactly never pays for a case-insensitive scan of every operation.
    let ancestry = schema.ancestry(&cur.ty.name);
    let exact_prop = !cur.ty.collection && ancestry.iter().any(|t| t.properties.iter().any(|p| p.name == name));
    // After a collection a bare segment is a key unless it names a bound operation: exactly,
    // or in another case when it is no `{…}` placeholder or quoted value
    // (`/directoryobjects/getbyids`).
    let key_like = part.starts_with('{') || part.starts_with('\'');
    let op = match bound_operation_exact(schema, &cur.ty, name) {
        Some(hit) => Some(hit),
        None if exact_prop || (cur.ty.collection && !looks_like_call(part) && key_like) => None,
        None => bound_operation_in(schema, &cur.ty, name, false),
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
        let returns = composable_return(schema, &qname, &cur.ty);
        let function = op.kind == OperationKind::Function;
        push(segments, &text, SegKind::Operation { qname, args, returns, function }, cur.ty.clone());
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
                .or_else(|| find_name(ns.types.iter().map(|(k, v)| (k.as_str(), v)), t))?;
            Some(format!("{n}.{tn}"))
        });
        if let Some(q) = found {
            if schema.lineage(&q).contains(&cur.ty.name) && schema.structured(&q).is_some() {
                push(segments, &q, SegKind::Cast { qname: q.clone() }, TypeRef::new(&q, cur.ty.collection));
                return Ok(());
            }
            return Err(PathError::at(
                i,
                format!("`{name}` does not derive from `{}`: it cannot be cast to", simple(&cur.ty.name)),
            ));
        }
    }
    if cur.ty.collection {
        if args.is_some() {
            return Err(PathError::at(i, format!("`{}` has no bound function `{name}`", simple(&cur.ty.name))));
        }
        let param = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')).map(|p| p.trim().to_string());
        let text = if param.is_some() { part.to_string() } else { unquote(part) };
        push(segments, &text, SegKind::Key { param }, TypeRef::new(&cur.ty.name, false));
        return Ok(());
    }
    match property(&ancestry, name) {
        Some((_, p)) if p.ty.name == "Edm.Stream" && !p.is_navigation() && args.is_none() => {
            push(segments, &p.name, SegKind::Stream, cur.ty.clone());
            Ok(())
        }
        Some((_, p)) => {
            push(segments, &p.name, SegKind::Nav { collection: p.ty.collection }, p.ty.clone());
            if let Some(k) = args {
                push_key(segments, k, i)?;
            }
            Ok(())
        }
        None => Err(PathError::at(
            i,
            format!("`{}` has no navigation property or bound operation `{part}`", simple(&cur.ty.name)),
        )),
    }
}
