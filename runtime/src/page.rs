//! Collection pages (`{"value": [...], "@odata.nextLink": ...}`) and empty responses.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One page of a collection response.
///
/// Annotations other than the ones with fields here (e.g. `@odata.context`) are kept in
/// [`additional`](Page::additional), and absent annotations stay absent when serialised,
/// so a page round-trips without loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    /// URL of the next page (absolute; use as is).
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    /// Total count, when `$count=true` was requested.
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Delta link, on the last page of a delta query.
    #[serde(rename = "@odata.deltaLink", default, skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    /// Every other member (`@odata.context`, …).
    #[serde(flatten)]
    pub additional: serde_json::Map<String, serde_json::Value>,
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
