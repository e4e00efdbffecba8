//! Replaying documented examples: the assertions the generated example tests call.
//!
//! A request example is rebuilt with the typed builders and compared with the documented
//! method, path (percent-decoded), query (parsed, so order and encoding do not matter) and JSON
//! body (a `$count=true` the request added itself for an advanced query may be left out). A
//! response example must deserialise into the declared type and serialise back to the
//! same JSON value: nothing lost, nothing invented.

use crate::{QueryOptions, Request};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Panics (naming `origin`, the example's file:line) unless `request` is the documented one.
pub fn assert_request<R>(request: &Request<R>, method: &str, url: &str, body: Option<&str>, origin: &str) {
    assert_eq!(request.method().as_str(), method, "method of the example at {origin}");
    let built = request.relative_url();
    let (built_path, built_query) = built.split_once('?').unwrap_or((built.as_str(), ""));
    let (doc_path, doc_query) = url.split_once('?').unwrap_or((url, ""));
    assert_eq!(decode(built_path), decode(doc_path), "path of the example at {origin}");
    let mut built_query = QueryOptions::parse(built_query).expect("built query parses");
    let doc_query = QueryOptions::parse(doc_query).expect("documented query parses");
    // An advanced query on directory objects gets `$count=true` by itself; an example that
    // leaves it out documents the same request.
    if request.added_for_advanced_query().count && doc_query.count.is_none() {
        built_query.count = None;
    }
    assert_eq!(built_query, doc_query, "query of the example at {origin}");
    if let Some(body) = body {
        let sent: serde_json::Value = serde_json::from_slice(request.body().expect("a body is sent")).expect("body is JSON");
        let documented: serde_json::Value = serde_json::from_str(body).expect("documented body is JSON");
        assert_eq!(sent, documented, "body of the example at {origin}");
    }
    let http = request.to_http("https://graph.microsoft.com/beta").expect("request converts to http::Request");
    assert_eq!(http.method().as_str(), method);
}

/// Panics (naming `origin`) unless `body` deserialises into `T` and serialises back unchanged.
pub fn round_trip<T: DeserializeOwned + Serialize>(body: &str, origin: &str) {
    let documented: serde_json::Value = serde_json::from_str(body).expect("documented response is JSON");
    let typed: T = serde_json::from_value(documented.clone())
        .unwrap_or_else(|e| panic!("response example at {origin} does not fit the declared type: {e}"));
    let back = serde_json::to_value(&typed).expect("serialises");
    assert_eq!(back, documented, "response example at {origin} does not round-trip");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RequestPath;

    #[test]
    fn equal_meaning_passes_and_a_lossy_type_fails() {
        let path = RequestPath::root().segment("admin").segment("x").key("x-id", "a b");
        let r: Request<serde_json::Value> = Request::new(http::Method::GET, path, None).select_raw(["id", "name"]).top(2);
        assert_request(&r, "GET", "/admin/x/a b?$top=2&$select=id,name", None, "here");
        round_trip::<serde_json::Value>(r#"{"a":[1,{"b":null}]}"#, "here");
        let lossy = std::panic::catch_unwind(|| round_trip::<std::collections::BTreeMap<String, i32>>(r#"{"a":1,"b":null}"#, "here"));
        assert!(lossy.is_err());
    }
}
