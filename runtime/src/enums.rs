//! Forward-compatible enumerations and flags sets.
//!
//! Graph adds enum members over time (and signals that with the `unknownFutureValue`
//! sentinel), so generated enums carry an `Unknown(String)` variant that keeps any
//! member this crate was generated without. Flags enums travel as one comma-separated
//! string (`"user,group"`); [`Flags`] holds such a set without losing unknown members.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An enumeration whose wire form is a string.
///
/// Implementations must round-trip: `T::from_wire(t.as_wire()) == t` for every value,
/// including values built from unknown wire strings.
pub trait WireEnum: Sized + Clone + PartialEq {
    /// Builds the member for a wire string; unknown strings are kept (e.g. in `Unknown(String)`).
    fn from_wire(s: &str) -> Self;
    /// The wire string of this member.
    fn as_wire(&self) -> &str;
}

/// Serialises a [`WireEnum`] as its wire string. Used by [`wire_enum_serde!`](crate::wire_enum_serde).
#[doc(hidden)]
pub fn serialize_wire_enum<T: WireEnum, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_wire())
}

/// Deserialises a [`WireEnum`] from a string. Used by [`wire_enum_serde!`](crate::wire_enum_serde).
#[doc(hidden)]
pub fn deserialize_wire_enum<'de, T: WireEnum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(WireVisitor(PhantomData))
}

struct WireVisitor<T>(PhantomData<fn() -> T>);

impl<T: WireEnum> Visitor<'_> for WireVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an enumeration member as a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from_wire(v))
    }
}

/// Implements `Serialize` and `Deserialize` for a type implementing [`WireEnum`]:
/// the value travels as its wire string, unknown strings become the type's unknown member.
///
/// ```
/// use graph_runtime::WireEnum;
/// #[derive(Clone, Debug, PartialEq)]
/// enum Color { Red, Unknown(String) }
/// impl WireEnum for Color {
///     fn from_wire(s: &str) -> Self { match s { "red" => Color::Red, o => Color::Unknown(o.into()) } }
///     fn as_wire(&self) -> &str { match self { Color::Red => "red", Color::Unknown(s) => s } }
/// }
/// graph_runtime::wire_enum_serde!(Color);
/// assert_eq!(serde_json::from_str::<Color>("\"blue\"").unwrap(), Color::Unknown("blue".into()));
/// assert_eq!(serde_json::to_string(&Color::Red).unwrap(), "\"red\"");
/// ```
#[macro_export]
macro_rules! wire_enum_serde {
    ($t:ty) => {
        impl $crate::serde::Serialize for $t {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::serialize_wire_enum(self, serializer)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                $crate::deserialize_wire_enum(deserializer)
            }
        }
    };
}

/// Everything a generated enum implements beside its derived `Debug` and `Clone`: the serde
/// impls of [`wire_enum_serde!`](crate::wire_enum_serde), and `PartialEq`, `Eq`, `Hash`,
/// `PartialOrd` and `Ord`, all by the wire string ([`WireEnum::as_wire`]).
///
/// Comparing wire strings is what the round-trip contract of [`WireEnum`] asks for: a member
/// equals its own wire string read back, even when it was built as `Unknown`. Order is the
/// order of the wire strings, so it does not move when a later schema inserts a member. One
/// line per impl body instead of derives over every variant: thousands of these enums are
/// checked in a build of all of Graph.
///
/// ```
/// use graph_runtime::WireEnum;
/// #[derive(Clone, Debug)]
/// enum Color { Red, Green, Unknown(String) }
/// impl WireEnum for Color {
///     fn from_wire(s: &str) -> Self {
///         match s { "red" => Color::Red, "green" => Color::Green, o => Color::Unknown(o.into()) }
///     }
///     fn as_wire(&self) -> &str {
///         match self { Color::Red => "red", Color::Green => "green", Color::Unknown(s) => s }
///     }
/// }
/// graph_runtime::wire_enum!(Color);
/// assert_eq!(Color::Unknown("red".into()), Color::Red);
/// assert_ne!(Color::Red, Color::Green);
/// assert!(Color::Green < Color::Red);
/// assert_eq!(serde_json::to_string(&Color::Green).unwrap(), "\"green\"");
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($t:ty) => {
        $crate::wire_enum_serde!($t);
        impl ::core::cmp::PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                $crate::WireEnum::as_wire(self) == $crate::WireEnum::as_wire(other)
            }
        }
        impl ::core::cmp::Eq for $t {}
        impl ::core::hash::Hash for $t {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                ::core::hash::Hash::hash($crate::WireEnum::as_wire(self), state)
            }
        }
        impl ::core::cmp::PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }
        impl ::core::cmp::Ord for $t {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                ::core::cmp::Ord::cmp($crate::WireEnum::as_wire(self), $crate::WireEnum::as_wire(other))
            }
        }
    };
}

/// A set of flags-enum members, travelling as one comma-separated string (`"user,group"`).
///
/// Members keep the order in which they arrived (or were inserted), so a value read from
/// the wire is written back unchanged; equality ignores order. Unknown members are kept
/// through the enum's unknown variant. Nothing is special-cased: `"none"` is the member
/// `none` (when the enum has it), and `""` is the empty set.
pub struct Flags<T> {
    members: Vec<T>,
}

impl<T: WireEnum> Flags<T> {
    /// The empty set.
    pub fn new() -> Self {
        Flags { members: Vec::new() }
    }

    /// Whether `member` is in the set.
    pub fn contains(&self, member: &T) -> bool {
        self.members.iter().any(|m| m == member)
    }

    /// Adds `member` (no effect when already present).
    pub fn insert(&mut self, member: T) {
        if !self.contains(&member) {
            self.members.push(member);
        }
    }

    /// Removes `member`; returns whether it was present.
    pub fn remove(&mut self, member: &T) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m != member);
        before != self.members.len()
    }

    /// The members, in wire order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.members.iter()
    }

    /// Whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// The wire form: members joined with `,` (no spaces), e.g. `"user,group"`.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(m.as_wire());
        }
        out
    }

    /// Parses the wire form. Members are split on `,` and trimmed; empty pieces are skipped.
    pub fn parse(s: &str) -> Self {
        let mut flags = Flags::new();
        for piece in s.split(',') {
            let piece = piece.trim();
            if !piece.is_empty() {
                flags.insert(T::from_wire(piece));
            }
        }
        flags
    }
}

impl<T: WireEnum> Default for Flags<T> {
    fn default() -> Self {
        Flags::new()
    }
}

impl<T: Clone> Clone for Flags<T> {
    fn clone(&self) -> Self {
        Flags { members: self.members.clone() }
    }
}

impl<T: WireEnum + fmt::Debug> fmt::Debug for Flags<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.members.iter()).finish()
    }
}

impl<T: WireEnum> PartialEq for Flags<T> {
    fn eq(&self, other: &Self) -> bool {
        self.members.len() == other.members.len() && self.members.iter().all(|m| other.contains(m))
    }
}

impl<T: WireEnum> fmt::Display for Flags<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl<T: WireEnum> FromIterator<T> for Flags<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut flags = Flags::new();
        for m in iter {
            flags.insert(m);
        }
        flags
    }
}

impl<T: WireEnum> Extend<T> for Flags<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for m in iter {
            self.insert(m);
        }
    }
}

impl<T: WireEnum> From<T> for Flags<T> {
    fn from(member: T) -> Self {
        Flags { members: vec![member] }
    }
}

impl<T: WireEnum> Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire())
    }
}

impl<'de, T: WireEnum> Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagsVisitor<T>(PhantomData<fn() -> T>);
        impl<T: WireEnum> Visitor<'_> for FlagsVisitor<T> {
            type Value = Flags<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a comma-separated list of flags members")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flags<T>, E> {
                Ok(Flags::parse(v))
            }
        }
        deserializer.deserialize_str(FlagsVisitor(PhantomData))
    }
}

/// Serde helper for `Option<Option<T>>` fields that distinguish "absent" from `null`.
///
/// * absent → `None`
/// * `null` → `Some(None)`
/// * a value → `Some(Some(v))`
///
/// Use together with `default` and `skip_serializing_if` so that absent stays absent:
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Patch {
///     #[serde(default, with = "graph_runtime::double_option", skip_serializing_if = "Option::is_none")]
///     note: Option<Option<String>>,
/// }
/// let cleared: Patch = serde_json::from_str(r#"{"note":null}"#).unwrap();
/// assert_eq!(cleared.note, Some(None));
/// assert_eq!(serde_json::to_string(&cleared).unwrap(), r#"{"note":null}"#);
/// let absent: Patch = serde_json::from_str("{}").unwrap();
/// assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
/// ```
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serialises `Some(None)` as `null` and `Some(Some(v))` as `v`. `None` should be skipped
    /// with `skip_serializing_if = "Option::is_none"`; if it is not, it is written as `null`.
    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(v)) => v.serialize(serializer),
            _ => serializer.serialize_none(),
        }
    }

    /// Deserialises a present field: `null` → `Some(None)`, value → `Some(Some(v))`.
    /// (An absent field never reaches this function; `#[serde(default)]` makes it `None`.)
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
