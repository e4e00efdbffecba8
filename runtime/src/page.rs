//! Collection pages (`{"value": [...], "@odata.nextLink": ...}`) and empty responses.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::{self, Object};

/// One page of a collection response.
///
/// Annotations other than the ones with fields here (e.g. `@odata.context`) are kept in
/// [`additional`](Page::additional), and absent annotations stay absent when serialised,
/// so a page round-trips without loss.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page (empty when the member is absent).
    pub value: Vec<T>,
    /// URL of the next page (`@odata.nextLink`; absolute, use as is).
    pub next_link: Option<String>,
    /// Total count (`@odata.count`), when `$count=true` was requested.
    pub count: Option<i64>,
    /// Delta link (`@odata.deltaLink`), on the last page of a delta query.
    pub delta_link: Option<String>,
    /// Every other member (`@odata.context`, …).
    pub additional: serde_json::Map<String, serde_json::Value>,
}

// Serde impls over `wire`, like the generated models', so that neither this crate nor the
// generated one needs serde's derive macros (and their build) at all.
impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        wire::serialize_fields(s, |w| {
            w.req("value", &self.value);
            w.opt("@odata.nextLink", &self.next_link);
            w.opt("@odata.count", &self.count);
            w.opt("@odata.deltaLink", &self.delta_link);
            w.additional(&self.additional);
        })
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut o = Object::deserialize(d)?;
        let page = Page {
            value: o.take("value").unwrap_or_default(),
            next_link: o.take("@odata.nextLink"),
            count: o.take("@odata.count"),
            delta_link: o.take("@odata.deltaLink"),
            additional: o.rest(),
        };
        o.finish(Some(page))
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { value: Vec::new(), next_link: None, count: None, delta_link: None, additional: serde_json::Map::new() }
    }
}

/// The response of operations that return no content (`204 No Content`).
///
/// Deserialises from anything (`null`, an empty body, or a body it ignores) and serialises
/// as `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoContent;

impl Serialize for NoContent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_none()
    }
}

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| NoContent)
    }
}

impl fmt::Display for NoContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no content")
    }
}
