//! Support for the serde impls the generator emits for models.
//!
//! `#[derive(Serialize, Deserialize)]` on thousands of types (with `#[serde(flatten)]` for the
//! additional-data map) is most of the compile time of a Graph crate. A generated model
//! instead implements [`WireModel`]: two plain functions that name its properties, one to
//! fill them from a JSON object and one to list them for writing. Its serde, `Debug` and
//! `PartialEq` impls are one line each, calling [`deserialize`], [`serialize`], [`debug`]
//! and [`eq`] here.
//!
//! Behaviour matches the derive it replaces: absent properties are `None`, `null` on a
//! nullable property is `Some(None)`, unknown properties are kept, and the first malformed
//! property is the error.
//!
//! Why this shape (compile time, measured on the generated crate for all of Graph v1.0):
//! rustc checks a body much faster when it is not generic over the (de)serializer, so the
//! per-property code is in two plain functions and the generic parts live here, once. The
//! per-property calls return plain values instead of `Result`s: a `?` per property in a
//! generic body makes the compiler infer and convert the error type once per property. The
//! first error waits in the [`Object`] instead. (Handing each property over as a trait
//! object, which has nothing to infer, measured slower still.)

use serde::de::{self, DeserializeOwned};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A model whose serde impls are generated over this module.
pub trait WireModel: Sized {
    /// Takes the known properties out of `o`; what is left is the additional data. `None`
    /// when a required property is missing (the error is in `o`).
    fn from_wire(o: &mut Object) -> Option<Self>;
    /// Lists the properties to write: known ones in declared order, then the additional data.
    fn to_wire<'a>(&'a self, w: &mut Fields<'a>);
}

/// `Serialize` and `Deserialize` for [`WireModel`] types written by hand:
/// `graph_runtime::wire_model_serde!(ODataError, InnerError);`. (The generator writes the
/// same two one-line impls out in each model file.)
#[macro_export]
macro_rules! wire_model_serde {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::serde::Serialize for $t {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::serialize(self, s)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize(d)
            }
        }
    )+};
}

/// The body of a generated `Deserialize` impl.
pub fn deserialize<'de, M: WireModel, D: Deserializer<'de>>(d: D) -> Result<M, D::Error> {
    let mut o = Object::deserialize(d)?;
    let value = M::from_wire(&mut o);
    o.finish(value)
}

/// The properties `list` hands over, in order.
fn collect<'a>(list: impl FnOnce(&mut Fields<'a>)) -> Vec<(&'a str, &'a dyn erased_serde::Serialize)> {
    let mut fields = Fields(Vec::new());
    list(&mut fields);
    fields.0
}

fn fields<M: WireModel>(m: &M) -> Vec<(&str, &dyn erased_serde::Serialize)> {
    collect(|w| m.to_wire(w))
}

/// The JSON value a model writes for property `name` (a declared property or one kept in its
/// additional data, such as `@odata.etag`), if it writes one.
pub fn property<M: WireModel>(m: &M, name: &str) -> Option<Value> {
    let (_, value) = fields(m).into_iter().find(|(k, _)| *k == name)?;
    serde_json::to_value(value).ok()
}

/// The body of a generated `Serialize` impl.
pub fn serialize<M: WireModel, S: Serializer>(m: &M, s: S) -> Result<S::Ok, S::Error> {
    serialize_fields(s, |w| m.to_wire(w))
}

/// Writes the properties `list` hands over, as one object (for hand-written impls whose
/// type parameters differ between `Serialize` and `Deserialize`, such as `Page<T>`).
pub fn serialize_fields<'a, S: Serializer>(s: S, list: impl FnOnce(&mut Fields<'a>)) -> Result<S::Ok, S::Error> {
    let fields = collect(list);
    let mut map = s.serialize_map(Some(fields.len()))?;
    for (name, value) in fields {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// The body of a generated `Debug` impl: the type name and the properties that are present,
/// by wire name, each value as compact JSON (`PlannerTask { id: "t1", percentComplete: 50 }`).
/// Absent properties are left out: a Graph type can have a hundred of them.
pub fn debug<M: WireModel>(m: &M, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    struct Json<'a>(&'a dyn erased_serde::Serialize);
    impl fmt::Debug for Json<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match serde_json::to_string(self.0) {
                Ok(text) => f.write_str(&text),
                Err(e) => write!(f, "<not JSON: {e}>"),
            }
        }
    }
    let mut s = f.debug_struct(name);
    for (name, value) in fields(m) {
        s.field(name, &Json(value));
    }
    s.finish()
}

/// The body of a generated `PartialEq` impl: two models are equal when they write the same
/// JSON (the same properties present, with equal values; additional data compared as a map).
/// An explicit `null` differs from an absent property, as `Some(None)` differs from `None`.
pub fn eq<M: WireModel>(a: &M, b: &M) -> bool {
    fn value<M: WireModel>(m: &M) -> Option<Map<String, Value>> {
        fields(m).into_iter().map(|(k, v)| serde_json::to_value(v).ok().map(|v| (k.to_owned(), v))).collect()
    }
    match (value(a), value(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The properties of a model to write, as borrowed type-erased values.
pub struct Fields<'a>(Vec<(&'a str, &'a dyn erased_serde::Serialize)>);

impl<'a> Fields<'a> {
    /// An optional property (`Option<T>`): written unless `None`. A nullable one is an
    /// `Option<Option<T>>`, so `Some(None)` is written, as `null`.
    pub fn opt<T: Serialize>(&mut self, name: &'a str, v: &'a Option<T>) {
        if let Some(v) = v {
            self.0.push((name, v));
        }
    }

    /// A required property.
    pub fn req<T: Serialize>(&mut self, name: &'a str, v: &'a T) {
        self.0.push((name, v));
    }

    /// The additional data, after the known properties.
    pub fn additional(&mut self, additional: &'a Map<String, Value>) {
        self.0.extend(additional.iter().map(|(k, v)| (k.as_str(), v as &dyn erased_serde::Serialize)));
    }
}

/// A JSON object being taken apart by a generated `Deserialize` impl.
#[derive(Debug)]
pub struct Object {
    map: Map<String, Value>,
    error: Option<String>,
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Map::deserialize(d).map(|map| Object { map, error: None })
    }
}

impl Object {
    fn convert<T: DeserializeOwned>(&mut self, name: &str, v: Value) -> Option<T> {
        match T::deserialize(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.fail_with(|| format!("property `{name}`: {e}"));
                None
            }
        }
    }

    fn fail_with(&mut self, message: impl FnOnce() -> String) {
        if self.error.is_none() {
            self.error = Some(message());
        }
    }

    /// An optional property: absent → `None`. (`null` on a non-nullable property is also
    /// `None`, as with a derived `Option`.)
    pub fn take<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        match self.map.remove(name) {
            None | Some(Value::Null) => None,
            Some(v) => self.convert(name, v),
        }
    }

    /// A nullable property: absent → `None`, `null` → `Some(None)`, value → `Some(Some(v))`.
    pub fn take_nullable<T: DeserializeOwned>(&mut self, name: &str) -> Option<Option<T>> {
        match self.map.remove(name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => self.convert(name, v).map(Some),
        }
    }

    /// A required property (request bodies): `None` when it is absent or malformed; the
    /// error is kept.
    pub fn take_required<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        match self.map.remove(name) {
            None => {
                self.fail_with(|| format!("missing property `{name}`"));
                None
            }
            Some(v) => self.convert(name, v),
        }
    }

    /// Everything not taken: the model's additional data.
    pub fn rest(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }

    /// The value built from this object, or its first error (`None` without one: a
    /// required property was missing).
    pub fn finish<T, E: de::Error>(self, value: Option<T>) -> Result<T, E> {
        match (value, self.error) {
            (Some(value), None) => Ok(value),
            (_, error) => Err(E::custom(error.unwrap_or_else(|| "invalid object".to_owned()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct M {
        a: Option<i32>,
        b: Option<Option<String>>,
        c: String,
        additional: Map<String, Value>,
    }

    impl WireModel for M {
        fn from_wire(o: &mut Object) -> Option<Self> {
            Some(M { a: o.take("a"), b: o.take_nullable("b"), c: o.take_required("c")?, additional: o.rest() })
        }
        fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
            w.opt("a", &self.a);
            w.opt("b", &self.b);
            w.req("c", &self.c);
            w.additional(&self.additional);
        }
    }

    crate::wire_model_serde!(M, Derived);

    impl fmt::Debug for M {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug(self, "M", f)
        }
    }

    impl PartialEq for M {
        fn eq(&self, other: &Self) -> bool {
            eq(self, other)
        }
    }

    #[test]
    fn debug_lists_present_properties_as_json() {
        let m: M = serde_json::from_str(r#"{"c":"x\"y","b":null,"z@odata.count":3}"#).unwrap();
        assert_eq!(format!("{m:?}"), r#"M { b: null, c: "x\"y", z@odata.count: 3 }"#);
        assert!(format!("{m:#?}").contains("\n    c: \"x\\\"y\",\n"), "{m:#?}");
    }

    #[test]
    fn equality_is_equality_of_the_written_json() {
        let parse = |s: &str| serde_json::from_str::<M>(s).unwrap();
        assert_eq!(parse(r#"{"c":"x","p":1,"q":2}"#), parse(r#"{"q":2,"c":"x","p":1}"#));
        assert_ne!(parse(r#"{"c":"x","b":null}"#), parse(r#"{"c":"x"}"#));
        assert_ne!(parse(r#"{"c":"x","a":1}"#), parse(r#"{"c":"x","a":2}"#));
        assert_ne!(parse(r#"{"c":"x"}"#), parse(r#"{"c":"x","extra":false}"#));
    }

    #[test]
    fn round_trips_keep_null_absent_and_unknown() {
        for text in [r#"{"a":1,"b":null,"c":"x","z@odata.count":3}"#, r#"{"c":"x"}"#, r#"{"b":"v","c":"","a":-2}"#] {
            let m: M = serde_json::from_str(text).unwrap();
            let back: Value = serde_json::to_value(&m).unwrap();
            assert_eq!(back, serde_json::from_str::<Value>(text).unwrap(), "{text}");
        }
        let m: M = serde_json::from_str(r#"{"b":null,"c":"x"}"#).unwrap();
        assert_eq!(m.b, Some(None));
        assert_eq!(m.a, None);
    }

    #[test]
    fn errors_name_the_property() {
        let e = serde_json::from_str::<M>(r#"{"a":"250","c":"x"}"#).unwrap_err().to_string();
        assert!(e.contains("property `a`"), "{e}");
        let e = serde_json::from_str::<M>(r#"{"a":1}"#).unwrap_err().to_string();
        assert!(e.contains("missing property `c`"), "{e}");
        assert!(serde_json::from_str::<M>("[1]").is_err());
        // The first malformed property is the error, as with a derive.
        let e = serde_json::from_str::<M>(r#"{"a":"x","b":7,"c":"x"}"#).unwrap_err().to_string();
        assert!(e.contains("property `a`") && !e.contains("property `b`"), "{e}");
    }

    #[test]
    fn serialises_to_any_serializer_in_declared_order() {
        let m: M = serde_json::from_str(r#"{"z":true,"c":"x","b":null,"a":1}"#).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":1,"b":null,"c":"x","z":true}"#);
        let pretty = serde_json::to_string_pretty(&m).unwrap();
        assert!(pretty.starts_with("{\n  \"a\": 1"), "{pretty}");
    }

    #[derive(Clone, Default)]
    struct Derived {
        odata_type: Option<String>,
        size: Option<i32>,
        additional: Map<String, Value>,
    }

    impl WireModel for Derived {
        fn from_wire(o: &mut Object) -> Option<Self> {
            Some(Derived { odata_type: o.take("@odata.type"), size: o.take("size"), additional: o.rest() })
        }
        fn to_wire<'a>(&'a self, w: &mut Fields<'a>) {
            w.opt("@odata.type", &self.odata_type);
            w.opt("size", &self.size);
            w.additional(&self.additional);
        }
    }

    impl crate::Resource for Derived {
        const ODATA_TYPE: &'static str = "#x.derived";
        type Field = crate::NoFields;
    }

    impl crate::Resource for M {
        const ODATA_TYPE: &'static str = "#x.m";
        type Field = crate::NoFields;
    }

    #[test]
    fn cast_reads_a_derived_payload_kept_in_a_base_type() {
        use crate::Resource;
        let base: M = serde_json::from_str(r##"{"@odata.type":"#x.derived","c":"k","size":3,"z":1}"##).unwrap();
        let d: Derived = base.cast().expect("names x.derived");
        assert_eq!((d.size, d.odata_type.as_deref()), (Some(3), Some("#x.derived")));
        assert_eq!(serde_json::to_value(&d.additional).unwrap(), serde_json::json!({"c": "k", "z": 1}));
        // Another type named, or none: no cast.
        let other: M = serde_json::from_str(r##"{"@odata.type":"#x.other","c":"k"}"##).unwrap();
        assert!(other.cast::<Derived>().is_none());
        let untyped: M = serde_json::from_str(r#"{"c":"k","size":3}"#).unwrap();
        assert!(untyped.cast::<Derived>().is_none());
        // Named, but the payload does not fit: no cast.
        let bad: M = serde_json::from_str(r#"{"@odata.type":"x.derived","c":"k","size":"big"}"#).unwrap();
        assert!(bad.cast::<Derived>().is_none());
    }
}
