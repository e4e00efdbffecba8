//! OData `$filter` expressions built from typed pieces.
//!
//! Literals are rendered the way Graph parses them: strings (and enum members) in single
//! quotes with `'` doubled, GUIDs, numbers, booleans and date-times unquoted. Operators get
//! parentheses where OData precedence (`not` > comparisons > `and` > `or`) needs them.
//!
//! ```
//! use graph_runtime::filter::{field, guid, not};
//! let f = field("displayName").starts_with("O'Neil")
//!     .and(field("id").eq(guid("6f2b2c0c-0000-0000-0000-000000000001")).or(field("x").eq(1)));
//! assert_eq!(f.to_string(),
//!     "startswith(displayName,'O''Neil') and (id eq 6f2b2c0c-0000-0000-0000-000000000001 or x eq 1)");
//! assert_eq!(not(field("a").eq(true)).to_string(), "not(a eq true)");
//! let any = field("services").any("c", |c| c.field("planId").eq(guid("113feb6c")));
//! assert_eq!(any.to_string(), "services/any(c:c/planId eq 113feb6c)");
//! ```

use std::fmt;

use crate::enums::{Flags, WireEnum};
use crate::query::Field;

pub mod cond;
pub mod typed;
pub use cond::{Cond, FilterOn, Negate, Where};

/// Binding strength of a rendered expression, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Compare,
    Primary,
}

/// A `$filter` expression. [`Display`](fmt::Display) gives the expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    text: String,
    prec: Prec,
}

impl Filter {
    /// An expression written by hand; it is parenthesised whenever combined.
    pub fn raw(s: impl Into<String>) -> Filter {
        Filter { text: s.into(), prec: Prec::Or }
    }

    /// The expression text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `self and other`.
    pub fn and(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        let text = format!("{} and {}", self.wrap(Prec::And), other.wrap(Prec::Compare));
        Filter { text, prec: Prec::And }
    }

    /// `self or other`.
    pub fn or(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        let text = format!("{} or {}", self.wrap(Prec::Or), other.wrap(Prec::And));
        Filter { text, prec: Prec::Or }
    }

    /// `not(self)`: `not` binds tighter than comparisons, so the operand is always parenthesised.
    fn negated(self) -> Filter {
        Filter { text: format!("not({})", self.text), prec: Prec::Primary }
    }

    /// Text of this expression, parenthesised when it binds less tightly than `min`.
    fn wrap(&self, min: Prec) -> String {
        if self.prec < min {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// `not(f)`: any [`Filter`] or [`Where`], or a [`Cond`] on a property that allows `not`; a
/// typed operand gives a typed result (same owner).
pub fn not<F: Negate>(f: F) -> F::Output {
    f.negate()
}

/// Whether a `$filter` text uses an operator that makes a query on directory objects an
/// advanced query: `ne`, `not` or `endsWith` outside string literals (any case).
pub fn uses_advanced_operators(text: &str) -> bool {
    let mut quoted = false;
    let mut word = String::new();
    let mut found = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c == '\'' {
            quoted = !quoted;
            word.clear();
            continue;
        }
        if !quoted && (c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '/') {
            word.push(c);
            continue;
        }
        if !quoted {
            let w = word.to_ascii_lowercase();
            found |= w == "ne" || w == "not" || (w == "endswith" && c == '(');
        }
        word.clear();
    }
    found
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        self.negated()
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<Filter> for String {
    fn from(f: Filter) -> String {
        f.text
    }
}

/// An OData literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A string: `'text'`, with `'` doubled.
    Str(String),
    /// A GUID, unquoted.
    Guid(String),
    /// An integer.
    Int(i64),
    /// A floating-point number (`NaN`, `INF`, `-INF` for the special values).
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An enum member or flags set in Graph's string form: `'user,group'`.
    Enum(String),
    /// A date, time-of-day or date-time-offset literal, unquoted (`2024-01-01T00:00:00Z`).
    DateTime(String),
    /// Literal text inserted as is.
    Raw(String),
}

/// A GUID literal (rendered unquoted).
pub fn guid(id: impl fmt::Display) -> Literal {
    Literal::Guid(id.to_string())
}

fn quote(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("'")?;
    f.write_str(&s.replace('\'', "''"))?;
    f.write_str("'")
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) | Literal::Enum(s) => quote(s, f),
            Literal::Guid(s) | Literal::DateTime(s) | Literal::Raw(s) => f.write_str(s),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) if x.is_nan() => f.write_str("NaN"),
            Literal::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "INF" } else { "-INF" }),
            Literal::Float(x) => write!(f, "{x}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_owned())
    }
}
impl From<&String> for Literal {
    fn from(s: &String) -> Self {
        Literal::Str(s.clone())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}
impl From<i32> for Literal {
    fn from(i: i32) -> Self {
        Literal::Int(i.into())
    }
}
impl From<i64> for Literal {
    fn from(i: i64) -> Self {
        Literal::Int(i)
    }
}
impl From<u32> for Literal {
    fn from(i: u32) -> Self {
        Literal::Int(i.into())
    }
}
impl From<f64> for Literal {
    fn from(x: f64) -> Self {
        Literal::Float(x)
    }
}
impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}
impl<T: WireEnum> From<T> for Literal {
    fn from(member: T) -> Self {
        Literal::Enum(member.as_wire().to_owned())
    }
}
impl<T: WireEnum> From<&Flags<T>> for Literal {
    fn from(flags: &Flags<T>) -> Self {
        Literal::Enum(flags.to_wire())
    }
}
impl<T: WireEnum> From<Flags<T>> for Literal {
    fn from(flags: Flags<T>) -> Self {
        Literal::Enum(flags.to_wire())
    }
}

/// The left-hand side of a comparison: a property path or lambda variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand(String);

/// A property (or property path such as `assignedTo/id`) by wire name.
pub fn field(name: &str) -> Operand {
    Operand(name.to_owned())
}

/// A property by its generated field enum, e.g. `on(AllotmentField::SkuId)`.
pub fn on<F: Field>(f: F) -> Operand {
    Operand(f.wire_name().to_owned())
}

impl<F: Field> From<F> for Operand {
    fn from(f: F) -> Self {
        on(f)
    }
}

impl Operand {
    /// The operand text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A member of this operand: `self/name` (e.g. `c/planId` inside a lambda).
    pub fn field(&self, name: &str) -> Operand {
        Operand(format!("{}/{}", self.0, name))
    }

    /// A member of this operand by generated field enum.
    pub fn on<F: Field>(&self, f: F) -> Operand {
        self.field(f.wire_name())
    }

    fn compare(&self, op: &str, lit: Literal) -> Filter {
        Filter { text: format!("{} {} {}", self.0, op, lit), prec: Prec::Compare }
    }

    /// `self eq lit`.
    pub fn eq(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("eq", lit.into())
    }
    /// `self ne lit`.
    pub fn ne(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("ne", lit.into())
    }
    /// `self gt lit`.
    pub fn gt(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("gt", lit.into())
    }
    /// `self ge lit`.
    pub fn ge(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("ge", lit.into())
    }
    /// `self lt lit`.
    pub fn lt(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("lt", lit.into())
    }
    /// `self le lit`.
    pub fn le(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("le", lit.into())
    }
    /// `self has lit` (flags membership).
    pub fn has(&self, lit: impl Into<Literal>) -> Filter {
        self.compare("has", lit.into())
    }

    /// `self in (a,b,…)`.
    pub fn in_<L: Into<Literal>>(&self, values: impl IntoIterator<Item = L>) -> Filter {
        let items: Vec<String> = values.into_iter().map(|v| v.into().to_string()).collect();
        Filter { text: format!("{} in ({})", self.0, items.join(",")), prec: Prec::Compare }
    }

    /// `self/any(var:body)`, where `body` gets the lambda variable as its operand.
    pub fn any(&self, var: &str, body: impl FnOnce(Operand) -> Filter) -> Filter {
        let inner = body(Operand(var.to_owned()));
        Filter { text: format!("{}/any({}:{})", self.0, var, inner.text), prec: Prec::Primary }
    }

    /// `self/all(var:body)`.
    pub fn all(&self, var: &str, body: impl FnOnce(Operand) -> Filter) -> Filter {
        let inner = body(Operand(var.to_owned()));
        Filter { text: format!("{}/all({}:{})", self.0, var, inner.text), prec: Prec::Primary }
    }

    /// `self/any()`: the collection is not empty.
    pub fn any_exists(&self) -> Filter {
        Filter { text: format!("{}/any()", self.0), prec: Prec::Primary }
    }

    fn call(&self, name: &str, lit: Literal) -> Filter {
        Filter { text: format!("{}({},{})", name, self.0, lit), prec: Prec::Primary }
    }

    /// `startswith(self,lit)`.
    pub fn starts_with(&self, lit: impl Into<Literal>) -> Filter {
        self.call("startswith", lit.into())
    }
    /// `endswith(self,lit)`.
    pub fn ends_with(&self, lit: impl Into<Literal>) -> Filter {
        self.call("endswith", lit.into())
    }
    /// `contains(self,lit)`.
    pub fn contains(&self, lit: impl Into<Literal>) -> Filter {
        self.call("contains", lit.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let a = field("a").eq(1);
        let b = field("b").eq(2);
        let c = field("c").eq(3);
        assert_eq!(a.clone().or(b.clone()).and(c.clone()).to_string(), "(a eq 1 or b eq 2) and c eq 3");
        assert_eq!(a.clone().and(b.clone().or(c.clone())).to_string(), "a eq 1 and (b eq 2 or c eq 3)");
        assert_eq!(a.clone().and(b.clone()).or(c.clone()).to_string(), "a eq 1 and b eq 2 or c eq 3");
        assert_eq!(a.clone().or(b.clone().or(c.clone())).to_string(), "a eq 1 or (b eq 2 or c eq 3)");
        assert_eq!((!a.clone()).to_string(), "not(a eq 1)");
        assert_eq!((!field("x").starts_with("y")).to_string(), "not(startswith(x,'y'))");
        assert_eq!((!!a.clone()).to_string(), "not(not(a eq 1))");
        assert_eq!(Filter::raw("x eq 1 or y eq 2").and(c).to_string(), "(x eq 1 or y eq 2) and c eq 3");
    }

    #[test]
    fn literals() {
        assert_eq!(Literal::from("it's").to_string(), "'it''s'");
        assert_eq!(Literal::Enum("user,group".into()).to_string(), "'user,group'");
        assert_eq!(Literal::Float(1.5).to_string(), "1.5");
        assert_eq!(Literal::Float(f64::NEG_INFINITY).to_string(), "-INF");
        assert_eq!(Literal::Null.to_string(), "null");
        assert_eq!(field("a").in_(["x", "y'"]).to_string(), "a in ('x','y''')");
    }
}

/// One `$search` phrase: `"property:value"` (or `"value"`), with `\\` and `"` in the value and
/// property backslash-escaped so the text can never close the phrase early.
pub fn search_phrase(property: Option<&str>, value: &str) -> String {
    fn esc(s: &str) -> String {
        s.replace('\\', "\\\\").replace('"', "\\\"")
    }
    match property {
        Some(p) => format!("\"{}:{}\"", esc(p), esc(value)),
        None => format!("\"{}\"", esc(value)),
    }
}

#[cfg(test)]
mod search_tests {
    use super::search_phrase;

    #[test]
    fn search_phrases_are_escaped() {
        assert_eq!(search_phrase(Some("displayName"), "Contoso"), r#""displayName:Contoso""#);
        assert_eq!(search_phrase(None, r#"a" OR "b"#), r#""a\" OR \"b""#);
        assert_eq!(search_phrase(None, r"back\slash"), r#""back\\slash""#);
        // Whatever the value, the phrase is one quoted token: unescaped quotes only at the ends.
        for v in [r#"""#, r#"\""#, r#"x\"#, "日本 & # %", r#"")(""#] {
            let p = search_phrase(Some("p"), v);
            let inner = &p[1..p.len() - 1];
            let mut escaped = false;
            for c in inner.chars() {
                assert!(escaped || c != '"', "{p}");
                escaped = !escaped && c == '\\';
            }
            assert!(!escaped, "{p}");
        }
    }
}
