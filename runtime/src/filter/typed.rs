//! Typed `$filter` and `$orderby` operands: one zero-sized handle per property, every operator
//! implemented once, generically, here.
//!
//! A generated field enum carries one associated const per property, e.g.
//! `UserField::DISPLAY_NAME: Prop<User, lit::Str, Ops, Sortable>`. Its type says
//! - the owner (`User`): paths (`manager/displayName`) and `$orderby` check it;
//! - the literal type, from the Edm type ([`lit`]): `eq` on a `Guid` property takes an
//!   [`edm::Guid`](crate::edm::Guid), on an enum property a member of that enum, and so on;
//! - the operators the schema allows ([`Ops`], one [`Y`]/[`N`] per operator; all [`Y`] when
//!   the schema says nothing);
//! - whether `$orderby` accepts it ([`Sortable`] / [`Unsortable`]).
//!
//! A property the schema marks neither filterable nor sortable has no handle at all. So a
//! misuse does not compile, while all the code per property is one `const` line.
//!
//! ```
//! use graph_runtime::filter::typed::{lit, Prop, Ops, Y, N, Sortable};
//! use graph_runtime::filter::{not, Where};
//! struct User;
//! const NAME: Prop<User, lit::Str> = Prop::new("displayName");
//! const MAIL: Prop<User, lit::Str, Ops<Y, N, N, N, N, Y, N, N, N, N>> = Prop::new("mail");
//! let f: Where<User> = NAME.starts_with("A").and(not(NAME.ends_with("z"))).or(MAIL.eq("a@b"));
//! assert_eq!(f.to_string(), "startswith(displayName,'A') and not(endswith(displayName,'z')) or mail eq 'a@b'");
//! ```
//! `MAIL` supports only `eq` and `startsWith`:
//! ```compile_fail
//! # use graph_runtime::filter::typed::{lit, Prop, Ops, Y, N};
//! # struct User;
//! const MAIL: Prop<User, lit::Str, Ops<Y, N, N, N, N, Y, N, N, N, N>> = Prop::new("mail");
//! let _ = MAIL.ends_with("z");
//! ```

use std::borrow::Cow;
use std::marker::PhantomData;

use super::cond::Cond;
use super::{Filter, Literal, Prec};
use crate::edm;
use crate::enums::{Flags, WireEnum};

/// The operator is allowed.
pub struct Y;
/// The operator is not allowed.
pub struct N;

/// The operators a property supports in `$filter`, one [`Y`] or [`N`] each, in this order:
/// `eq`, `ne`, `not`, comparisons (`gt`, `ge`, `lt`, `le`), `in`, `startsWith`, `endsWith`,
/// `contains`, `has`, lambdas (`any`, `all`). `Ops` alone allows them all.
#[allow(clippy::type_complexity)]
pub struct Ops<Eq = Y, Ne = Y, Not = Y, Cmp = Y, In = Y, Starts = Y, Ends = Y, Contains = Y, Has = Y, Lambda = Y>(
    PhantomData<fn() -> (Eq, Ne, Not, Cmp, In, Starts, Ends, Contains, Has, Lambda)>,
);

/// No `$filter` operator: the handle of a property that is only sortable.
pub type NoOps = Ops<N, N, N, N, N, N, N, N, N, N>;

/// Reads the flags of an [`Ops`] set.
pub trait OpSet {
    /// `eq` (and `eq null`).
    type Eq;
    /// `ne` (and `ne null`).
    type Ne;
    /// `not(…)` around a condition on this property.
    type Not;
    /// `gt`, `ge`, `lt`, `le`.
    type Cmp;
    /// `in (…)`.
    type In;
    /// `startsWith`.
    type Starts;
    /// `endsWith`.
    type Ends;
    /// `contains`.
    type Contains;
    /// `has`.
    type Has;
    /// `any`, `all`.
    type Lambda;
}

impl<A, B, C, D, E, F, G, H, I, J> OpSet for Ops<A, B, C, D, E, F, G, H, I, J> {
    type Eq = A;
    type Ne = B;
    type Not = C;
    type Cmp = D;
    type In = E;
    type Starts = F;
    type Ends = G;
    type Contains = H;
    type Has = I;
    type Lambda = J;
}

/// `$orderby` accepts the property.
pub struct Sortable;
/// `$orderby` does not accept the property.
pub struct Unsortable;

/// Literal types of properties, from their Edm types.
pub mod lit {
    use std::marker::PhantomData;

    macro_rules! kinds {
        ($($(#[$d:meta])* $n:ident),*) => { $($(#[$d])* pub struct $n;)* };
    }
    kinds!(
        /// `Edm.String` (and `Edm.Binary`).
        Str,
        /// `Edm.Guid`.
        Guid,
        /// `Edm.Byte`, `SByte`, `Int16`, `Int32`, `Int64`.
        Int,
        /// `Edm.Single`, `Edm.Double`.
        Float,
        /// `Edm.Decimal`.
        Decimal,
        /// `Edm.Boolean`.
        Bool,
        /// `Edm.DateTimeOffset`.
        DateTimeOffset,
        /// `Edm.Date`.
        Date,
        /// `Edm.TimeOfDay`.
        TimeOfDay,
        /// `Edm.Duration`.
        Duration,
        /// Untyped (`Edm.Untyped` and the like): any [`Literal`](crate::filter::Literal).
        Any
    );
    /// An enum type: member values only.
    pub struct Enum<E>(PhantomData<fn() -> E>);
    /// A flags enum whose members are `M`: `has` a member, `eq` a set.
    pub struct Flags<M>(PhantomData<fn() -> M>);
    /// A single-valued complex or navigation property of type `T`: reach its properties with
    /// [`Prop::at`](super::Prop::at).
    pub struct Complex<T>(PhantomData<fn() -> T>);
    /// A collection whose elements have literal type `L`: `any` / `all`.
    pub struct Coll<L>(PhantomData<fn() -> L>);
}

/// Literal types that compare with `eq`, `ne`, `in` (everything but collections and
/// structured values).
pub trait Scalar {}
/// Literal types with an order (`gt`, `ge`, `lt`, `le`).
pub trait Ordered: Scalar {}
macro_rules! scalars {
    ($($t:ty),*) => { $(impl Scalar for $t {} impl Ordered for $t {})* };
}
scalars!(lit::Str, lit::Guid, lit::Int, lit::Float, lit::Decimal, lit::DateTimeOffset, lit::Date, lit::TimeOfDay, lit::Duration, lit::Any);
impl Scalar for lit::Bool {}
impl<E> Scalar for lit::Enum<E> {}
impl<M> Scalar for lit::Flags<M> {}

/// A Rust value that is a literal of type `L`.
pub trait Value<L> {
    /// The literal.
    fn literal(self) -> Literal;
}

macro_rules! values {
    ($l:ty: $($t:ty => $f:expr),* $(,)?) => {
        $(impl Value<$l> for $t {
            fn literal(self) -> Literal {
                let f: fn($t) -> Literal = $f;
                f(self)
            }
        })*
    };
}
values!(lit::Str: &str => |s| Literal::Str(s.to_owned()), String => Literal::Str, &String => |s| Literal::Str(s.clone()));
values!(lit::Guid: edm::Guid => |g| Literal::Guid(g.into_string()), &edm::Guid => |g| Literal::Guid(g.as_str().to_owned()));
values!(lit::Int: i8 => |i| Literal::Int(i.into()), i16 => |i| Literal::Int(i.into()), i32 => |i| Literal::Int(i.into()),
    i64 => Literal::Int, u8 => |i| Literal::Int(i.into()), u16 => |i| Literal::Int(i.into()), u32 => |i| Literal::Int(i.into()));
values!(lit::Float: f64 => Literal::Float, f32 => |x| Literal::Float(x.into()), i32 => |i| Literal::Int(i.into()), i64 => Literal::Int);
values!(lit::Decimal: f64 => Literal::Float, i32 => |i| Literal::Int(i.into()), i64 => Literal::Int,
    serde_json::Number => |n| Literal::Raw(n.to_string()), &serde_json::Number => |n| Literal::Raw(n.to_string()));
values!(lit::Bool: bool => Literal::Bool);
values!(lit::DateTimeOffset: edm::DateTimeOffset => |d| Literal::DateTime(d.into_string()), &edm::DateTimeOffset => |d| Literal::DateTime(d.as_str().to_owned()));
values!(lit::Date: edm::Date => |d| Literal::DateTime(d.into_string()), &edm::Date => |d| Literal::DateTime(d.as_str().to_owned()));
values!(lit::TimeOfDay: edm::TimeOfDay => |d| Literal::DateTime(d.into_string()), &edm::TimeOfDay => |d| Literal::DateTime(d.as_str().to_owned()));
values!(lit::Duration: edm::Duration => |d| Literal::Raw(format!("duration'{d}'")), &edm::Duration => |d| Literal::Raw(format!("duration'{d}'")));
impl<T: Into<Literal>> Value<lit::Any> for T {
    fn literal(self) -> Literal {
        self.into()
    }
}
impl<E: WireEnum> Value<lit::Enum<E>> for E {
    fn literal(self) -> Literal {
        Literal::Enum(self.as_wire().to_owned())
    }
}
impl<E: WireEnum> Value<lit::Enum<E>> for &E {
    fn literal(self) -> Literal {
        Literal::Enum(self.as_wire().to_owned())
    }
}
impl<M: WireEnum> Value<lit::Flags<M>> for M {
    fn literal(self) -> Literal {
        Literal::Enum(self.as_wire().to_owned())
    }
}
impl<M: WireEnum> Value<lit::Flags<M>> for Flags<M> {
    fn literal(self) -> Literal {
        Literal::Enum(self.to_wire())
    }
}
impl<M: WireEnum> Value<lit::Flags<M>> for &Flags<M> {
    fn literal(self) -> Literal {
        Literal::Enum(self.to_wire())
    }
}

/// The handle of one property (or property path) of `Owner`, with literal type `L`, the
/// operators `O` and sortability `S`. See the [module documentation](self).
pub struct Prop<Owner, L, O = Ops, S = Sortable> {
    path: Cow<'static, str>,
    _p: Marker<Owner, L, O, S>,
}

type Marker<Owner, L, O, S> = PhantomData<fn() -> (Owner, L, O, S)>;

impl<Owner, L, O, S> Clone for Prop<Owner, L, O, S> {
    fn clone(&self) -> Self {
        Prop { path: self.path.clone(), _p: PhantomData }
    }
}

impl<Owner, L, O, S> std::fmt::Debug for Prop<Owner, L, O, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)
    }
}

/// The owner of a lambda variable (`c` in `services/any(c:…)`).
pub struct Lambda;

impl<Owner, L, O, S> Prop<Owner, L, O, S> {
    /// The handle of the property `name` (generated code calls this).
    pub const fn new(name: &'static str) -> Self {
        Prop { path: Cow::Borrowed(name), _p: PhantomData }
    }

    /// The property path text (`displayName`, `manager/displayName`, `c/planId`).
    pub fn path(&self) -> &str {
        &self.path
    }
}

fn with_path<Owner, L, O, S>(path: String) -> Prop<Owner, L, O, S> {
    Prop { path: Cow::Owned(path), _p: PhantomData }
}

impl<Owner, T, O, S> Prop<Owner, lit::Complex<T>, O, S> {
    /// A property of this complex or single-valued navigation property: `self/inner`
    /// (`UserField::MANAGER.at(DirectoryObjectField::ID)` is `manager/id`). The result keeps
    /// the inner property's literal type, operators and sortability.
    pub fn at<L2, O2, S2>(&self, inner: Prop<T, L2, O2, S2>) -> Prop<Owner, L2, O2, S2> {
        with_path(format!("{}/{}", self.path, inner.path))
    }
}

type NotOf<O> = <O as OpSet>::Not;

impl<Owner, L, O: OpSet, S> Prop<Owner, L, O, S> {
    fn compare(&self, op: &str, lit: Literal) -> Cond<Owner, NotOf<O>> {
        Cond::new(format!("{} {} {}", self.path, op, lit), Prec::Compare)
    }
    fn call(&self, name: &str, lit: Literal) -> Cond<Owner, NotOf<O>> {
        Cond::new(format!("{}({},{})", name, self.path, lit), Prec::Primary)
    }
}

impl<Owner, L: Scalar, O: OpSet<Eq = Y>, S> Prop<Owner, L, O, S> {
    /// `self eq value`.
    pub fn eq(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("eq", value.literal())
    }
}

impl<Owner, L, O: OpSet<Eq = Y>, S> Prop<Owner, L, O, S> {
    /// `self eq null`.
    pub fn eq_null(&self) -> Cond<Owner, NotOf<O>> {
        self.compare("eq", Literal::Null)
    }
}

impl<Owner, L: Scalar, O: OpSet<Ne = Y>, S> Prop<Owner, L, O, S> {
    /// `self ne value`. On directory objects an advanced query (see [`Request`](crate::Request)).
    pub fn ne(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("ne", value.literal())
    }
}

impl<Owner, L, O: OpSet<Ne = Y>, S> Prop<Owner, L, O, S> {
    /// `self ne null`.
    pub fn ne_null(&self) -> Cond<Owner, NotOf<O>> {
        self.compare("ne", Literal::Null)
    }
}

impl<Owner, L: Ordered, O: OpSet<Cmp = Y>, S> Prop<Owner, L, O, S> {
    /// `self gt value`.
    pub fn gt(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("gt", value.literal())
    }
    /// `self ge value`.
    pub fn ge(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("ge", value.literal())
    }
    /// `self lt value`.
    pub fn lt(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("lt", value.literal())
    }
    /// `self le value`.
    pub fn le(&self, value: impl Value<L>) -> Cond<Owner, NotOf<O>> {
        self.compare("le", value.literal())
    }
}

impl<Owner, L: Scalar, O: OpSet<In = Y>, S> Prop<Owner, L, O, S> {
    /// `self in (a,b,…)`.
    pub fn in_<V: Value<L>>(&self, values: impl IntoIterator<Item = V>) -> Cond<Owner, NotOf<O>> {
        let items: Vec<String> = values.into_iter().map(|v| v.literal().to_string()).collect();
        Cond::new(format!("{} in ({})", self.path, items.join(",")), Prec::Compare)
    }
}

impl<Owner, O: OpSet<Starts = Y>, S> Prop<Owner, lit::Str, O, S> {
    /// `startswith(self,value)`.
    pub fn starts_with(&self, value: impl Value<lit::Str>) -> Cond<Owner, NotOf<O>> {
        self.call("startswith", value.literal())
    }
}

impl<Owner, O: OpSet<Ends = Y>, S> Prop<Owner, lit::Str, O, S> {
    /// `endswith(self,value)`. On directory objects an advanced query.
    pub fn ends_with(&self, value: impl Value<lit::Str>) -> Cond<Owner, NotOf<O>> {
        self.call("endswith", value.literal())
    }
}

impl<Owner, O: OpSet<Contains = Y>, S> Prop<Owner, lit::Str, O, S> {
    /// `contains(self,value)`.
    pub fn contains(&self, value: impl Value<lit::Str>) -> Cond<Owner, NotOf<O>> {
        self.call("contains", value.literal())
    }
}

impl<Owner, M, O: OpSet<Has = Y>, S> Prop<Owner, lit::Flags<M>, O, S> {
    /// `self has value` (a member, or a set of members).
    pub fn has(&self, value: impl Value<lit::Flags<M>>) -> Cond<Owner, NotOf<O>> {
        self.compare("has", value.literal())
    }
}

impl<Owner, E, O: OpSet<Lambda = Y>, S> Prop<Owner, lit::Coll<E>, O, S> {
    fn lambda(&self, kind: &str, var: &str, body: impl FnOnce(Prop<Lambda, E>) -> Filter) -> Cond<Owner, NotOf<O>> {
        let inner = body(with_path(var.to_owned()));
        Cond::new(format!("{}/{}({}:{})", self.path, kind, var, inner.text), Prec::Primary)
    }

    /// `self/any(var:body)`: `body` gets the element as the lambda variable `var`, typed by
    /// the element type (`c.at(ServicePlanField::PLAN_ID)` for structured elements, `c`
    /// itself for primitive ones).
    pub fn any<F: Into<Filter>>(&self, var: &str, body: impl FnOnce(Prop<Lambda, E>) -> F) -> Cond<Owner, NotOf<O>> {
        self.lambda("any", var, |v| body(v).into())
    }

    /// `self/all(var:body)`.
    pub fn all<F: Into<Filter>>(&self, var: &str, body: impl FnOnce(Prop<Lambda, E>) -> F) -> Cond<Owner, NotOf<O>> {
        self.lambda("all", var, |v| body(v).into())
    }

    /// `self/any()`: the collection is not empty.
    pub fn any_exists(&self) -> Cond<Owner, NotOf<O>> {
        Cond::new(format!("{}/any()", self.path), Prec::Primary)
    }
}

/// What `$orderby` of a request on `Owner` accepts: a sortable property handle of `Owner`.
pub trait OrderKey<Owner> {
    /// The property path.
    fn order_path(&self) -> &str;
}

impl<Owner, L, O> OrderKey<Owner> for Prop<Owner, L, O, Sortable> {
    fn order_path(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use crate::filter::not;

    struct Plan;
    struct Allot;
    const SKU: Prop<Allot, lit::Guid> = Prop::new("skuId");
    const SERVICES: Prop<Allot, lit::Coll<lit::Complex<Plan>>> = Prop::new("services");
    const TAGS: Prop<Allot, lit::Coll<lit::Str>> = Prop::new("tags");
    const PLAN: Prop<Plan, lit::Guid> = Prop::new("planId");
    const UNITS: Prop<Allot, lit::Int, Ops<Y, N, N, Y, N, N, N, N, N, N>, Unsortable> = Prop::new("allottedUnits");

    fn g(s: &str) -> edm::Guid {
        s.parse().unwrap()
    }

    #[test]
    fn typed_operators_render() {
        let a = "639dec6b-bb19-468b-871c-c5c441c4b0cb";
        assert_eq!(SKU.eq(g(a)).to_string(), format!("skuId eq {a}"));
        assert_eq!(SKU.in_([g(a), g(a)]).to_string(), format!("skuId in ({a},{a})"));
        let any = SERVICES.any("c", |c| c.at(PLAN).eq(g(a)));
        assert_eq!(any.to_string(), format!("services/any(c:c/planId eq {a})"));
        assert_eq!(TAGS.any("t", |t| t.starts_with("x").or(t.eq("y"))).to_string(), "tags/any(t:startswith(t,'x') or t eq 'y')");
        assert_eq!(UNITS.gt(3).and(UNITS.le(9i64)).to_string(), "allottedUnits gt 3 and allottedUnits le 9");
        assert_eq!(not(SKU.eq_null()).to_string(), "not(skuId eq null)");
        assert_eq!((!TAGS.any_exists()).to_string(), "not(tags/any())");
    }
}
