//! Resolving request paths (`/users/{userId}/cloudLicensing/assignments/{id}`, or an example
//! URL with real ids) through the entity container and navigation properties of a schema.
//! Builders, example matching and reconciliation all use this one walk.

use crate::csdl::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegKind {
    /// Entity set or singleton of the container.
    Root { collection: bool },
    /// Key after a collection: `{param}` in templates, a literal id in examples.
    Key { param: Option<String> },
    Nav { collection: bool },
    /// Bound action or function (qualified name).
    Operation { qname: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
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
    /// Template with `{}` for every key: the shape used to compare paths.
    pub fn shape(&self) -> String {
        let mut s = String::new();
        for seg in &self.segments {
            s.push('/');
            match seg.kind {
                SegKind::Key { .. } => s.push_str("{}"),
                _ => s.push_str(&seg.text),
            }
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Index of the segment that did not resolve.
    pub index: usize,
    pub message: String,
}

/// Strips `https://host/version` and the query: `https://graph.microsoft.com/beta/me?x` → `/me`.
pub fn path_part(url: &str) -> &str {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map(|i| &p[i..]).unwrap_or("/");
        for v in ["/beta/", "/v1.0/"] {
            if p.starts_with(v) {
                p = &p[v.len() - 1..];
                break;
            }
        }
    }
    p.split(['?', '#']).next().unwrap_or("")
}

/// Query part of a URL (after `?`), if any.
pub fn query_part(url: &str) -> Option<&str> {
    url.split_once('?').map(|(_, q)| q)
}

/// Bound operations whose binding parameter is `ty` (or a base type of it) with the given
/// collection flag, by simple name.
pub fn bound_operation<'a>(schema: &'a Schema, ty: &TypeRef, name: &str) -> Option<(String, &'a Operation)> {
    let ancestry: Vec<String> = schema
        .ancestry(&ty.name)
        .iter()
        .map(|t| qualified_of(schema, t))
        .collect();
    let candidates = if ancestry.is_empty() { vec![ty.name.clone()] } else { ancestry };
    for (ns_name, ns) in &schema.namespaces {
        let Some(ops) = ns.operations.get(name) else { continue };
        for op in ops {
            if !op.bound {
                continue;
            }
            let Some(b) = op.parameters.first() else { continue };
            if b.ty.collection == ty.collection && candidates.iter().any(|c| c == &b.ty.name) {
                return Some((format!("{ns_name}.{name}"), op));
            }
        }
    }
    None
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

/// Resolves a path (template or concrete) against the first container in `schema`.
pub fn resolve(schema: &Schema, path: &str) -> Result<Resolved, PathError> {
    let path = path_part(path);
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let Some((_, container)) = schema.container() else {
        return Err(PathError { index: 0, message: "the schema has no entity container".into() });
    };
    let Some(first) = parts.first() else {
        return Err(PathError { index: 0, message: "empty path".into() });
    };
    let (child, collection) = match (container.singletons.get(*first), container.entity_sets.get(*first)) {
        (Some(c), _) => (c, false),
        (None, Some(c)) => (c, true),
        _ => {
            return Err(PathError { index: 0, message: format!("`{first}` is not an entity set or singleton") });
        }
    };
    let mut segments =
        vec![Segment { text: first.to_string(), kind: SegKind::Root { collection }, ty: TypeRef::new(&child.ty, collection) }];
    for (i, part) in parts.iter().enumerate().skip(1) {
        let cur = segments.last().expect("non-empty").clone();
        if matches!(cur.kind, SegKind::Operation { .. }) {
            return Err(PathError { index: i, message: format!("nothing can follow the operation `{}`", cur.text) });
        }
        if let Some((qname, _)) = bound_operation(schema, &cur.ty, part) {
            segments.push(Segment {
                text: part.to_string(),
                kind: SegKind::Operation { qname },
                ty: cur.ty.clone(),
            });
            continue;
        }
        if cur.ty.collection {
            let param = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')).map(str::to_string);
            segments.push(Segment {
                text: part.to_string(),
                kind: SegKind::Key { param },
                ty: TypeRef::new(&cur.ty.name, false),
            });
            continue;
        }
        let props = schema.all_properties(&cur.ty.name);
        match props.iter().find(|p| p.name == *part) {
            Some(p) => segments.push(Segment {
                text: part.to_string(),
                kind: SegKind::Nav { collection: p.ty.collection },
                ty: p.ty.clone(),
            }),
            None => {
                let (_, simple) = split_qualified(&cur.ty.name);
                return Err(PathError {
                    index: i,
                    message: format!("`{simple}` has no navigation property or bound operation `{part}`"),
                });
            }
        }
    }
    Ok(Resolved { segments })
}
