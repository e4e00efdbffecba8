//! Support for the serde impls the generator emits for models.
//!
//! `#[derive(Serialize, Deserialize)]` on thousands of types (with `#[serde(flatten)]` for the
//! additional-data map) is most of the compile time of a Graph crate. The generated impls are
//! instead a few lines per type on top of these helpers: a model deserialises into a JSON
//! object and takes its known properties out by name; what is left is its additional data.
//! Serialising writes the known properties in declared order, then the additional data.
//! Behaviour matches the derive it replaces: absent properties are `None`, `null` on a
//! nullable property is `Some(None)`, unknown properties are kept.

use serde::de::{self, DeserializeOwned};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A JSON object being taken apart by a generated `Deserialize` impl.
#[derive(Debug)]
pub struct Object(Map<String, Value>);

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Map::deserialize(d).map(Object)
    }
}

fn convert<T: DeserializeOwned, E: de::Error>(name: &str, v: Value) -> Result<T, E> {
    T::deserialize(v).map_err(|e| E::custom(format_args!("property `{name}`: {e}")))
}

impl Object {
    /// An optional property: absent → `None`. (`null` on a non-nullable property is also
    /// `None`, as with a derived `Option`.)
    pub fn take<T: DeserializeOwned, E: de::Error>(&mut self, name: &str) -> Result<Option<T>, E> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => convert(name, v).map(Some),
        }
    }

    /// A nullable property: absent → `None`, `null` → `Some(None)`, value → `Some(Some(v))`.
    pub fn take_nullable<T: DeserializeOwned, E: de::Error>(&mut self, name: &str) -> Result<Option<Option<T>>, E> {
        match self.0.remove(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => convert(name, v).map(|t| Some(Some(t))),
        }
    }

    /// A required property (request bodies): absent is an error.
    pub fn take_required<T: DeserializeOwned, E: de::Error>(&mut self, name: &str) -> Result<T, E> {
        match self.0.remove(name) {
            None => Err(E::custom(format_args!("missing property `{name}`"))),
            Some(v) => convert(name, v),
        }
    }

    /// Everything not taken: the model's additional data.
    pub fn rest(self) -> Map<String, Value> {
        self.0
    }
}

/// A JSON object being written by a generated `Serialize` impl.
pub struct Writer<M: SerializeMap>(M);

impl<M: SerializeMap> Writer<M> {
    /// Starts an object with room for `len` entries.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(s: S, len: Option<usize>) -> Result<Self, M::Error> {
        s.serialize_map(len).map(Writer)
    }

    /// An optional property: written unless `None`.
    pub fn opt<T: Serialize + ?Sized>(&mut self, name: &str, v: Option<&T>) -> Result<(), M::Error> {
        match v {
            Some(v) => self.0.serialize_entry(name, v),
            None => Ok(()),
        }
    }

    /// A nullable property: `None` is not written, `Some(None)` is written as `null`.
    pub fn nullable<T: Serialize>(&mut self, name: &str, v: &Option<Option<T>>) -> Result<(), M::Error> {
        match v {
            Some(v) => self.0.serialize_entry(name, v),
            None => Ok(()),
        }
    }

    /// A required property.
    pub fn req<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) -> Result<(), M::Error> {
        self.0.serialize_entry(name, v)
    }

    /// The additional data, after the known properties, then the end of the object.
    pub fn finish(mut self, additional: &Map<String, Value>) -> Result<M::Ok, M::Error> {
        for (k, v) in additional {
            self.0.serialize_entry(k, v)?;
        }
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct M {
        a: Option<i32>,
        b: Option<Option<String>>,
        c: String,
        additional: Map<String, Value>,
    }

    impl<'de> Deserialize<'de> for M {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let mut o = Object::deserialize(d)?;
            Ok(M { a: o.take("a")?, b: o.take_nullable("b")?, c: o.take_required("c")?, additional: o.rest() })
        }
    }

    impl Serialize for M {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut w = Writer::new(s, None)?;
            w.opt("a", self.a.as_ref())?;
            w.nullable("b", &self.b)?;
            w.req("c", &self.c)?;
            w.finish(&self.additional)
        }
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
    }
}
