//! Typed conditions: what the handles of [`typed`](super::typed) build, and how they combine.
//!
//! A condition remembers the type whose properties it tests (`Owner`), so a `$filter` typed
//! by a resource type takes conditions on that type only: a nested `$filter` inside
//! `$expand=members(…)` takes conditions on the navigation's target
//! ([`Expand::filter`](crate::Expand::filter)). Joining conditions with `and` / `or` / `not`
//! keeps the owner ([`Where`]); [`Filter`] is the untyped expression every typed one converts
//! to, and [`Filter::raw`] the escape hatch, accepted for any owner.
//!
//! ```
//! use graph_runtime::filter::typed::{lit, Prop};
//! use graph_runtime::filter::{not, Where};
//! struct User;
//! const NAME: Prop<User, lit::Str> = Prop::new("displayName");
//! const AGE: Prop<User, lit::Int> = Prop::new("age");
//! let w: Where<User> = NAME.starts_with("A").and(not(AGE.lt(18)));
//! assert_eq!(w.to_string(), "startswith(displayName,'A') and not(age lt 18)");
//! ```
//! A condition on another type's property is not a condition on `User`:
//! ```compile_fail
//! # use graph_runtime::filter::typed::{lit, Prop};
//! struct User;
//! struct Device;
//! const NAME: Prop<User, lit::Str> = Prop::new("displayName");
//! const OS: Prop<Device, lit::Str> = Prop::new("operatingSystem");
//! let _ = NAME.eq("a").and(OS.eq("b"));
//! ```

use std::fmt;
use std::marker::PhantomData;

use super::typed::Y;
use super::{Filter, Prec};

/// A condition on one property of `Owner`: a [`Filter`] that [`not`](super::not) accepts only
/// when the property allows it (`Neg` is the property's `not` flag).
pub struct Cond<Owner, Neg> {
    filter: Filter,
    _n: PhantomData<fn() -> (Owner, Neg)>,
}

/// A `$filter` expression over the properties of `Owner`: typed conditions joined by `and`,
/// `or` and `not`.
pub struct Where<Owner> {
    filter: Filter,
    _o: PhantomData<fn() -> Owner>,
}

impl<Owner, Neg> Cond<Owner, Neg> {
    pub(super) fn new(text: String, prec: Prec) -> Self {
        Cond { filter: Filter { text, prec }, _n: PhantomData }
    }
    /// `self and other`.
    pub fn and(self, other: impl FilterOn<Owner>) -> Where<Owner> {
        Where::of(self.filter.and(other.into_filter()))
    }
    /// `self or other`.
    pub fn or(self, other: impl FilterOn<Owner>) -> Where<Owner> {
        Where::of(self.filter.or(other.into_filter()))
    }
}

impl<Owner> Where<Owner> {
    fn of(filter: Filter) -> Self {
        Where { filter, _o: PhantomData }
    }
    /// `self and other`.
    pub fn and(self, other: impl FilterOn<Owner>) -> Where<Owner> {
        Where::of(self.filter.and(other.into_filter()))
    }
    /// `self or other`.
    pub fn or(self, other: impl FilterOn<Owner>) -> Where<Owner> {
        Where::of(self.filter.or(other.into_filter()))
    }
    /// The expression text.
    pub fn as_str(&self) -> &str {
        self.filter.as_str()
    }
}

/// What a `$filter` typed by `Owner` accepts: conditions on `Owner`'s properties ([`Cond`],
/// [`Where`]) and, as the escape hatch, any untyped [`Filter`] ([`Filter::raw`]).
pub trait FilterOn<Owner> {
    /// The expression.
    fn into_filter(self) -> Filter;
}

impl<Owner> FilterOn<Owner> for Filter {
    fn into_filter(self) -> Filter {
        self
    }
}
impl<Owner, Neg> FilterOn<Owner> for Cond<Owner, Neg> {
    fn into_filter(self) -> Filter {
        self.filter
    }
}
impl<Owner> FilterOn<Owner> for Where<Owner> {
    fn into_filter(self) -> Filter {
        self.filter
    }
}

/// What [`not`](super::not) accepts: any [`Filter`] or [`Where`], and conditions on properties
/// that allow `not`. The negation keeps the owner.
pub trait Negate {
    /// `not(self)`'s type: [`Filter`] for an untyped expression, [`Where`] for a typed one.
    type Output;
    /// `not(self)`.
    fn negate(self) -> Self::Output;
}

impl Negate for Filter {
    type Output = Filter;
    fn negate(self) -> Filter {
        self.negated()
    }
}
impl<Owner> Negate for Cond<Owner, Y> {
    type Output = Where<Owner>;
    fn negate(self) -> Where<Owner> {
        Where::of(self.filter.negated())
    }
}
impl<Owner> Negate for Where<Owner> {
    type Output = Where<Owner>;
    fn negate(self) -> Where<Owner> {
        Where::of(self.filter.negated())
    }
}

impl<Owner> std::ops::Not for Cond<Owner, Y> {
    type Output = Where<Owner>;
    fn not(self) -> Where<Owner> {
        self.negate()
    }
}
impl<Owner> std::ops::Not for Where<Owner> {
    type Output = Where<Owner>;
    fn not(self) -> Where<Owner> {
        self.negate()
    }
}

impl<Owner, Neg> From<Cond<Owner, Neg>> for Filter {
    fn from(c: Cond<Owner, Neg>) -> Filter {
        c.filter
    }
}
impl<Owner> From<Where<Owner>> for Filter {
    fn from(w: Where<Owner>) -> Filter {
        w.filter
    }
}
impl<Owner, Neg> From<Cond<Owner, Neg>> for Where<Owner> {
    fn from(c: Cond<Owner, Neg>) -> Where<Owner> {
        Where::of(c.filter)
    }
}

// Derives would bound `Owner` and `Neg` (marker types without these traits).
impl<Owner, Neg> Clone for Cond<Owner, Neg> {
    fn clone(&self) -> Self {
        Cond { filter: self.filter.clone(), _n: PhantomData }
    }
}
impl<Owner> Clone for Where<Owner> {
    fn clone(&self) -> Self {
        Where::of(self.filter.clone())
    }
}
impl<Owner, Neg> PartialEq for Cond<Owner, Neg> {
    fn eq(&self, other: &Self) -> bool {
        self.filter == other.filter
    }
}
impl<Owner> PartialEq for Where<Owner> {
    fn eq(&self, other: &Self) -> bool {
        self.filter == other.filter
    }
}
impl<Owner, Neg> fmt::Debug for Cond<Owner, Neg> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cond").field(&self.filter.text).finish()
    }
}
impl<Owner> fmt::Debug for Where<Owner> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Where").field(&self.filter.text).finish()
    }
}
impl<Owner, Neg> fmt::Display for Cond<Owner, Neg> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.filter, f)
    }
}
impl<Owner> fmt::Display for Where<Owner> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.filter, f)
    }
}
