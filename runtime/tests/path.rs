//! RequestPath: key values can never add a segment, a query or a fragment, or traverse.

use graph_runtime::RequestPath;
use percent_encoding::percent_decode_str;

const PIECES: &[&str] = &[
    "/", "?", "#", "%", "..", ".", " ", "'", "é", "日本", "%2F", "a", "&", "+", "=", ";", "\\", "\0", "\n", "{x}", "~", "-_",
    "@", ":", "\u{1F600}",
];

fn check(id: &str) {
    let base = RequestPath::root().segment("admin").segment("cloudLicensing").segment("assignments");
    let p = base.key("assignment-id", id).segment("allotment");
    let s = p.as_str();
    assert_eq!(p.template(), "/admin/cloudLicensing/assignments/{assignment-id}/allotment");
    let segs: Vec<&str> = s.split('/').collect();
    assert_eq!(segs.len(), 6, "segment count changed for {id:?}: {s}");
    assert_eq!(segs[5], "allotment");
    assert!(!s.contains('?') && !s.contains('#'), "query/fragment in {s}");
    assert!(s.is_ascii(), "non-ASCII in {s}");
    assert!(segs[4] != "." && segs[4] != "..", "traversal segment for {id:?}");
    assert_eq!(percent_decode_str(segs[4]).decode_utf8().unwrap(), id, "decoding {s}");
    // The http crate accepts it, with the same path and no query.
    let uri: http::Uri = format!("https://graph.microsoft.com/beta{s}").parse().unwrap();
    assert_eq!(uri.path(), format!("/beta{s}"));
    assert_eq!(uri.query(), None);
}

#[test]
fn key_encoding_never_breaks_structure() {
    let mut n = 0;
    for a in PIECES {
        check(a);
        for b in PIECES {
            check(&format!("{a}{b}"));
            for c in PIECES {
                check(&format!("{a}{b}{c}"));
                n += 1;
            }
        }
    }
    assert!(n > 10_000);
}

#[test]
fn examples() {
    let p = RequestPath::root().segment("users").key("user-id", "a b'c");
    assert_eq!(p.as_str(), "/users/a%20b%27c");
    assert_eq!(RequestPath::root().segment("users").key("user-id", "..").as_str(), "/users/%2E%2E");
    assert_eq!(RequestPath::root().segment("users").key("user-id", "x.y~z").as_str(), "/users/x.y~z");
    assert_eq!(RequestPath::root().segment("users").key("user-id", "é").as_str(), "/users/%C3%A9");
}

#[test]
fn function_arguments_stay_in_their_segment() {
    use graph_runtime::filter::Literal;
    let p = RequestPath::root().segment("reports").function("f", &[("period", Literal::from("a')/b?#")), ("n", Literal::Int(3))]);
    assert_eq!(p.as_str(), "/reports/f(period='a''%29%2Fb%3F%23',n=3)");
    assert_eq!(p.template(), "/reports/f(period={period},n={n})");
}
