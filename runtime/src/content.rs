//! Responses and bodies that are not JSON models: `$count` (a plain-text integer), raw
//! content (`$value`, `Edm.Stream` properties), and references (`$ref` bodies).

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The answer of `GET …/$count`: Graph sends the number as `text/plain`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(pub u64);

impl Count {
    /// The number of items.
    pub fn get(self) -> u64 {
        self.0
    }
}

struct CountVisitor;

impl Visitor<'_> for CountVisitor {
    type Value = Count;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer (as JSON or as plain text)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
        Ok(Count(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
        u64::try_from(v).map(Count).map_err(|_| E::custom(format!("a count cannot be negative: {v}")))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
        v.trim().parse().map(Count).map_err(|_| E::custom(format!("not a count: `{}`", v.trim())))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Count, E> {
        let text = std::str::from_utf8(v).map_err(|_| E::custom("a count is ASCII digits"))?;
        self.visit_str(text)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CountVisitor)
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Raw content: the body of `GET …/$value` or of a stream property, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// The content.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
    /// The content, owned.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

struct BytesVisitor;

impl Visitor<'_> for BytesVisitor {
    type Value = Bytes;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw content")
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
        Ok(Bytes(v.as_bytes().to_vec()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Bytes, E> {
        Ok(Bytes::default())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_byte_buf(BytesVisitor)
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// The body of `POST …/$ref` and `PUT …/$ref`: `{"@odata.id": "<url of the entity>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Absolute URL of the entity referred to (`https://graph.microsoft.com/v1.0/directoryObjects/{id}`).
    pub odata_id: String,
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("@odata.id", &self.odata_id)?;
        m.end()
    }
}

impl crate::Shape for Count {
    type Target = Count;
}

impl crate::Shape for Bytes {
    type Target = Bytes;
}
