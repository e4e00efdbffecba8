//! Typed OData query options (`$select`, `$expand`, `$filter`, …) and their URL form.

use std::fmt;
use std::marker::PhantomData;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet};

use crate::filter::FilterOn;
use crate::path::KEY_SET;

/// Characters percent-encoded inside query values (see the module documentation).
const VALUE_SET: &AsciiSet = &KEY_SET
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// Characters percent-encoded inside custom parameter names: as values, plus `=`.
const NAME_SET: &AsciiSet = &VALUE_SET.add(b'=');

/// A generated field enum of a resource type: one variant per property.
pub trait Field: Copy + 'static {
    /// The property name on the wire (e.g. `"displayName"`).
    fn wire_name(self) -> &'static str;
}

/// `PartialEq`, `Eq` and `Hash` of a generated field enum (unit variants only), by its
/// discriminant: what the derives mean, in one line per body instead of their expansion
/// (there is a field enum per model, thousands in all of Graph).
///
/// ```
/// #[derive(Clone, Copy, Debug)]
/// enum F { A, B }
/// graph_runtime::field_enum!(F);
/// assert_eq!(F::A, F::A);
/// assert_ne!(F::A, F::B);
/// let set: std::collections::HashSet<F> = [F::A, F::B, F::A].into_iter().collect();
/// assert_eq!(set.len(), 2);
/// ```
#[macro_export]
macro_rules! field_enum {
    ($t:ty) => {
        impl ::core::cmp::PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                *self as usize == *other as usize
            }
        }
        impl ::core::cmp::Eq for $t {}
        impl ::core::hash::Hash for $t {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                state.write_usize(*self as usize)
            }
        }
    };
}

/// A model type that can be requested, selected and expanded.
pub trait Resource: serde::Serialize + serde::de::DeserializeOwned {
    /// The qualified OData type name with its `#`, e.g. `"#microsoft.graph.cloudLicensing.allotment"`.
    const ODATA_TYPE: &'static str;
    /// The field enum used by typed `$select` / `$orderby`.
    type Field: Field;

    /// This value as the derived type `T`, when its `@odata.type` names `T`.
    ///
    /// A collection of a base type carries derived payloads (`/me/memberOf` lists
    /// `directoryObject`s that are groups, directory roles, …). Read as the base type, the
    /// derived properties are kept in its `additional` data, so the conversion loses nothing:
    /// `for o in page.value { if let Some(g) = o.cast::<Group>() { … } }`. `None` when the
    /// payload names another type (or none) or does not fit `T`.
    fn cast<T: Resource>(&self) -> Option<T>
    where
        Self: Sized,
    {
        let value = serde_json::to_value(self).ok()?;
        let named = value.get("@odata.type")?.as_str()?;
        if named.trim_start_matches('#') != T::ODATA_TYPE.trim_start_matches('#') {
            return None;
        }
        serde_json::from_value(value).ok()
    }
}

/// A resource type whose collections accept `$search`: generated for every type the schema
/// does not mark unsearchable (CSDL `SearchRestrictions/Searchable`), so
/// [`Request::search`](crate::Request::search) on another type does not compile.
pub trait Searchable {}

/// The field enum of types without known properties (opaque types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoFields {}

impl Field for NoFields {
    fn wire_name(self) -> &'static str {
        match self {}
    }
}

/// OData system query options plus custom parameters. Everything is kept as text so that
/// options round-trip exactly.
///
/// # Encoding
///
/// [`QueryOptions::to_query_string`] writes options in a canonical order
/// (`$select`, `$expand`, `$filter`, `$orderby`, `$top`, `$skip`, `$count`, `$search`,
/// `$apply`, then custom parameters in insertion order) and percent-encodes each value with
/// one rule: RFC 3986 unreserved characters and the sub-delimiters OData syntax uses,
/// `! $ ' ( ) * , ; = : @ / ?`, stay readable; everything else is percent-encoded as UTF-8 —
/// in particular space (`%20`), `&` (`%26`), `+` (`%2B`), `#` (`%23`), `%` (`%25`), `"` (`%22`),
/// control characters and all non-ASCII characters. So a value can never end its parameter
/// (`&`), start a fragment (`#`), be read as a space (`+`) or produce an invalid URI, while
/// URLs stay close to the ones in Graph's documentation (`$filter=id%20eq%20'x'`,
/// `$expand=a($select=id,name)`).
/// Custom parameter names are encoded the same way, plus `=`. Nested `$expand` options are
/// rendered as `path(opt=value;opt=value)` before that encoding; literals built with
/// [`filter`](crate::filter) are quoted, so `;` and `)` inside them stay inside their option
/// (only hand-written text with unbalanced parentheses outside quotes could leave it).
///
/// [`QueryOptions::parse`] is the inverse: it splits on `&`, percent-decodes names and values
/// (`+` is left as `+`), accepts option names with or without `$` in any case, and parses
/// nested `$expand` options (separated by `;`, with parentheses and quotes nested).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryOptions {
    /// `$select` items.
    pub select: Vec<String>,
    /// `$expand` items, each with nested options.
    pub expand: Vec<ExpandItem>,
    /// `$filter` expression.
    pub filter: Option<String>,
    /// `$orderby` items such as `displayName desc`.
    pub orderby: Vec<String>,
    /// `$top`.
    pub top: Option<u32>,
    /// `$skip`.
    pub skip: Option<u32>,
    /// `$count`.
    pub count: Option<bool>,
    /// `$search`, verbatim (Graph usually wants it in double quotes: `"displayName:ab"`).
    pub search: Option<String>,
    /// `$apply`.
    pub apply: Option<String>,
    /// Other parameters (`$skiptoken`, `$levels`, function parameters, …) in order.
    pub extra: Vec<(String, String)>,
}

/// One `$expand` item: a navigation path and its nested options.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpandItem {
    /// The navigation property (or path, e.g. `microsoft.graph.group/members`, or `*`).
    pub path: String,
    /// Options applied to the expanded items.
    pub options: QueryOptions,
}

/// Error from [`QueryOptions::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryParseError(pub String);

impl fmt::Display for QueryParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid query string: {}", self.0)
    }
}

impl std::error::Error for QueryParseError {}

impl QueryOptions {
    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self == &QueryOptions::default()
    }

    /// Options as unencoded `(name, value)` pairs in canonical order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if !self.select.is_empty() {
            out.push(("$select".into(), self.select.join(",")));
        }
        if !self.expand.is_empty() {
            let items: Vec<String> = self.expand.iter().map(ExpandItem::render).collect();
            out.push(("$expand".into(), items.join(",")));
        }
        if let Some(f) = &self.filter {
            out.push(("$filter".into(), f.clone()));
        }
        if !self.orderby.is_empty() {
            out.push(("$orderby".into(), self.orderby.join(",")));
        }
        if let Some(n) = self.top {
            out.push(("$top".into(), n.to_string()));
        }
        if let Some(n) = self.skip {
            out.push(("$skip".into(), n.to_string()));
        }
        if let Some(b) = self.count {
            out.push(("$count".into(), b.to_string()));
        }
        if let Some(s) = &self.search {
            out.push(("$search".into(), s.clone()));
        }
        if let Some(s) = &self.apply {
            out.push(("$apply".into(), s.clone()));
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    /// The encoded query string, without the leading `?` (empty when no option is set).
    /// See [the encoding](QueryOptions#encoding).
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        for (name, value) in self.pairs() {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(&name, NAME_SET));
            out.push('=');
            out.extend(utf8_percent_encode(&value, VALUE_SET));
        }
        out
    }

    /// Parses a query string (with or without a leading `?`).
    pub fn parse(query: &str) -> Result<Self, QueryParseError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut pairs = Vec::new();
        for piece in query.split('&') {
            if piece.is_empty() {
                continue;
            }
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            pairs.push((decode(name)?, decode(value)?));
        }
        QueryOptions::from_pairs(pairs)
    }

    /// Builds options from decoded `(name, value)` pairs.
    fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, QueryParseError> {
        let mut q = QueryOptions::default();
        for (name, value) in pairs {
            let lower = name.to_ascii_lowercase();
            let key = lower.strip_prefix('$').unwrap_or(&lower);
            let dup = || QueryParseError(format!("duplicate option {name}"));
            match key {
                "select" => {
                    if !q.select.is_empty() {
                        return Err(dup());
                    }
                    q.select = split_top(&value, ',')?.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
                }
                "expand" => {
                    if !q.expand.is_empty() {
                        return Err(dup());
                    }
                    for item in split_top(&value, ',')? {
                        let item = item.trim();
                        if !item.is_empty() {
                            q.expand.push(ExpandItem::parse(item)?);
                        }
                    }
                }
                "orderby" => {
                    if !q.orderby.is_empty() {
                        return Err(dup());
                    }
                    q.orderby = split_top(&value, ',')?
                        .into_iter()
                        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|s| !s.is_empty())
                        .collect();
                }
                "filter" => set_once(&mut q.filter, value.trim().to_owned(), &name)?,
                "search" => set_once(&mut q.search, value, &name)?,
                "apply" => set_once(&mut q.apply, value, &name)?,
                "top" => set_once(&mut q.top, parse_u32(&value, &name)?, &name)?,
                "skip" => set_once(&mut q.skip, parse_u32(&value, &name)?, &name)?,
                "count" => {
                    let b = match value.trim().to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(QueryParseError(format!("{name} must be true or false, got {value:?}"))),
                    };
                    set_once(&mut q.count, b, &name)?
                }
                _ => q.extra.push((name, value)),
            }
        }
        Ok(q)
    }
}

impl fmt::Display for QueryOptions {
    /// The encoded query string (as [`to_query_string`](QueryOptions::to_query_string)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_query_string())
    }
}

impl ExpandItem {
    /// `path` or `path(opt=v;opt=v)`, unencoded.
    fn render(&self) -> String {
        if self.options.is_empty() {
            return self.path.clone();
        }
        let inner: Vec<String> = self.options.pairs().into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}({})", self.path, inner.join(";"))
    }

    /// An item written as text (`members($select=id)`): nested options read as
    /// [`QueryOptions::parse`] reads them, or the whole text as the path when they do not read.
    pub(crate) fn from_text(item: &str) -> Self {
        let item = item.trim();
        ExpandItem::parse(item).unwrap_or_else(|_| ExpandItem { path: item.to_owned(), options: QueryOptions::default() })
    }

    fn parse(item: &str) -> Result<Self, QueryParseError> {
        let Some(open) = find_top(item, '(') else {
            return Ok(ExpandItem { path: item.to_owned(), options: QueryOptions::default() });
        };
        let rest = &item[open + 1..];
        let inner = rest
            .strip_suffix(')')
            .ok_or_else(|| QueryParseError(format!("unbalanced parentheses in $expand item {item:?}")))?;
        let mut pairs = Vec::new();
        for opt in split_top(inner, ';')? {
            let opt = opt.trim();
            if opt.is_empty() {
                continue;
            }
            let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
            pairs.push((k.trim().to_owned(), v.to_owned()));
        }
        Ok(ExpandItem { path: item[..open].trim().to_owned(), options: QueryOptions::from_pairs(pairs)? })
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, name: &str) -> Result<(), QueryParseError> {
    if slot.is_some() {
        return Err(QueryParseError(format!("duplicate option {name}")));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_u32(value: &str, name: &str) -> Result<u32, QueryParseError> {
    value.trim().parse().map_err(|_| QueryParseError(format!("{name} must be a non-negative integer, got {value:?}")))
}

fn decode(s: &str) -> Result<String, QueryParseError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| QueryParseError(format!("{s:?} is not UTF-8 after percent-decoding")))
}

/// Tracks nesting while scanning OData text: parentheses outside quotes, `'…'` (with `''`)
/// and `"…"` strings.
struct Scanner {
    depth: i32,
    quote: Option<char>,
}

impl Scanner {
    fn new() -> Self {
        Scanner { depth: 0, quote: None }
    }
    /// Feeds one character; returns whether it is at top level (depth 0, outside quotes)
    /// *before* being consumed.
    fn feed(&mut self, c: char) -> Result<bool, QueryParseError> {
        let top = self.depth == 0 && self.quote.is_none();
        match (self.quote, c) {
            (Some(q), c) if c == q => self.quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => self.quote = Some(c),
            (None, '(') => self.depth += 1,
            (None, ')') => {
                self.depth -= 1;
                if self.depth < 0 {
                    return Err(QueryParseError("unbalanced ')'".into()));
                }
            }
            _ => {}
        }
        Ok(top)
    }
}

/// Splits on `sep` at top level (outside parentheses and quotes).
fn split_top(s: &str, sep: char) -> Result<Vec<&str>, QueryParseError> {
    let mut sc = Scanner::new();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if sc.feed(c)? && c == sep {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    if sc.depth != 0 || sc.quote.is_some() {
        return Err(QueryParseError(format!("unbalanced parentheses or quotes in {s:?}")));
    }
    out.push(&s[start..]);
    Ok(out)
}

/// Byte index of the first top-level `c`.
fn find_top(s: &str, c: char) -> Option<usize> {
    let mut sc = Scanner::new();
    for (i, ch) in s.char_indices() {
        if sc.feed(ch).ok()? && ch == c {
            return Some(i);
        }
    }
    None
}

/// A typed `$expand` item: navigation from `Owner` to `Target`, with options typed by `Target`.
///
/// Generated code provides constructors (e.g. `AllotmentExpand::assignments()`) that call
/// [`Expand::new`] with the navigation property's wire name.
pub struct Expand<Owner, Target> {
    item: ExpandItem,
    _p: PhantomData<fn() -> (Owner, Target)>,
}

impl<O, T> Clone for Expand<O, T> {
    fn clone(&self) -> Self {
        Expand { item: self.item.clone(), _p: PhantomData }
    }
}

impl<O, T> fmt::Debug for Expand<O, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expand").field(&self.item).finish()
    }
}

impl<O, T: Resource> Expand<O, T> {
    /// Expands the navigation property `nav`.
    pub fn new(nav: &'static str) -> Self {
        Expand { item: ExpandItem { path: nav.to_owned(), options: QueryOptions::default() }, _p: PhantomData }
    }

    /// Nested `$select` of typed fields.
    pub fn select(mut self, fields: impl IntoIterator<Item = T::Field>) -> Self {
        self.item.options.select.extend(fields.into_iter().map(|f| f.wire_name().to_owned()));
        self
    }

    /// Nested `$select` by wire names (for properties of derived or opaque types).
    pub fn select_raw<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.item.options.select.extend(fields.into_iter().map(Into::into));
        self
    }

    /// Nested `$expand`.
    pub fn expand<U: Resource>(mut self, e: Expand<T, U>) -> Self {
        self.item.options.expand.push(e.item);
        self
    }

    /// Nested `$expand` item as text (`members($select=id)`), for a navigation the typed
    /// constructors do not cover (a derived type's, an opaque type's); nested options are read
    /// as [`QueryOptions::parse`] reads them, or kept as the path when they do not read.
    pub fn expand_raw(mut self, item: &str) -> Self {
        self.item.options.expand.push(ExpandItem::from_text(item));
        self
    }

    /// Nested `$filter` over the properties of the navigation's target `T`: conditions built
    /// with `T`'s handles (`DirectoryObjectField::ID.eq("x")` inside `members(…)`); a condition
    /// on another type's property does not compile. [`Filter::raw`](crate::filter::Filter::raw) is the escape hatch.
    pub fn filter(mut self, f: impl FilterOn<T>) -> Self {
        self.item.options.filter = Some(f.into_filter().to_string());
        self
    }

    /// Nested `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.item.options.top = Some(n);
        self
    }

    /// Nested `$skip`.
    pub fn skip(mut self, n: u32) -> Self {
        self.item.options.skip = Some(n);
        self
    }

    /// Nested `$count`.
    pub fn count(mut self, b: bool) -> Self {
        self.item.options.count = Some(b);
        self
    }

    /// Nested `$orderby` of a sortable property of `T` (call again for further keys).
    pub fn orderby(mut self, key: impl crate::filter::typed::OrderKey<T>, desc: bool) -> Self {
        self.item.options.orderby.push(orderby_item(key.order_path(), desc));
        self
    }

    /// Nested `$orderby` by wire name (call again for further keys).
    pub fn orderby_raw(mut self, name: &str, desc: bool) -> Self {
        self.item.options.orderby.push(orderby_item(name, desc));
        self
    }

    /// The untyped item.
    pub fn into_item(self) -> ExpandItem {
        self.item
    }
}

pub(crate) fn orderby_item(name: &str, desc: bool) -> String {
    if desc {
        format!("{name} desc")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_value_chars() {
        let q = QueryOptions { filter: Some("a eq 'x&y=#+%\"ü'".into()), ..Default::default() };
        assert_eq!(q.to_query_string(), "$filter=a%20eq%20'x%26y=%23%2B%25%22%C3%BC'");
    }

    #[test]
    fn split_respects_quotes() {
        assert_eq!(split_top("a,'b,c',(d,e)", ',').unwrap(), vec!["a", "'b,c'", "(d,e)"]);
        assert_eq!(split_top("'it''s',x", ',').unwrap(), vec!["'it''s'", "x"]);
        assert!(split_top("a)", ',').is_err());
        assert!(split_top("'a", ',').is_err());
    }
}
