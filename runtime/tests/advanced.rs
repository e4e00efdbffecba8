//! Advanced queries on directory objects: the request adds `ConsistencyLevel: eventual` and
//! `$count=true` by itself, visibly, and the caller can take them back.

mod common;

use common::*;
use graph_runtime::filter::typed::{lit, Prop};
use graph_runtime::filter::{not, Filter};
use graph_runtime::{AdvancedQuery, Page, Request, RequestPath};

const NAME: Prop<Allotment, lit::Str> = Prop::new("displayName");
const MAIL: Prop<Allotment, lit::Str> = Prop::new("mail");

fn users() -> Request<Page<Allotment>> {
    Request::new(http::Method::GET, RequestPath::root().segment("users"), None)
}

fn header(r: &Request<Page<Allotment>>) -> Option<String> {
    let h = r.to_http("https://graph.microsoft.com/v1.0").unwrap();
    h.headers().get("consistencylevel").map(|v| v.to_str().unwrap().to_owned())
}

#[test]
fn ends_with_on_directory_objects_sends_consistency_and_count() {
    let r = users().directory_objects().filter(MAIL.ends_with("@contoso.com"));
    assert_eq!(r.advanced_query(), Some(AdvancedQuery { consistency_eventual: true, count: true }));
    assert_eq!(r.added_for_advanced_query(), AdvancedQuery { consistency_eventual: true, count: true });
    // A doc example that leaves out the `$count=true` Graph requires documents the same request.
    graph_runtime::testing::assert_request(&r, "GET", "/users?$filter=endswith(mail,'@contoso.com')", None, "here");
    assert_eq!(header(&r).as_deref(), Some("eventual"));
    assert_eq!(r.relative_url(), "/users?$filter=endswith(mail,'@contoso.com')&$count=true");
    // The same query elsewhere is not an advanced query.
    let plain = users().filter(MAIL.ends_with("@contoso.com"));
    assert_eq!(plain.advanced_query(), None);
    assert_eq!(header(&plain), None);
    assert_eq!(plain.relative_url(), "/users?$filter=endswith(mail,'@contoso.com')");
}

#[test]
fn each_advanced_form_is_recognised() {
    let cases: Vec<(Request<Page<Allotment>>, bool, bool)> = vec![
        (users().directory_objects().filter(MAIL.ne("x")), true, true),
        (users().directory_objects().filter(not(MAIL.starts_with("x"))), true, true),
        (users().directory_objects().filter(Filter::raw("NOT (mail eq 'x')")), true, true),
        (users().directory_objects().filter(MAIL.eq("ne not endswith(")), false, false),
        (users().directory_objects().orderby(NAME, false), false, false),
        (users().directory_objects().orderby(NAME, false).filter(MAIL.eq("x")), true, true),
        (users().directory_objects().search("\"displayName:a\""), true, false),
        (users().directory_objects().count(true), true, false),
        (users().directory_objects().count(false), false, false),
        (users().directory_objects().top(5), false, false),
    ];
    for (i, (r, consistency, count)) in cases.into_iter().enumerate() {
        assert_eq!(header(&r).is_some(), consistency, "case {i}: {}", r.relative_url());
        assert_eq!(r.query().count == Some(true), count || r.query().count == Some(true), "case {i}");
        if count {
            assert_eq!(r.query().count, Some(true), "case {i}: {}", r.relative_url());
        }
    }
}

#[test]
fn the_caller_sees_and_overrides_it() {
    let r = users().directory_objects().filter(MAIL.ne("x"));
    assert_eq!(r.headers().get("consistencylevel").unwrap(), "eventual");
    assert_eq!(r.query().count, Some(true));
    // Explicit `$count=false` wins over the automatic `$count=true`.
    let explicit = users().directory_objects().count(false).filter(MAIL.ne("x"));
    assert_eq!(explicit.query().count, Some(false));
    // Taken back: nothing automatic is left, and nothing is added later.
    let manual = r.manual_consistency().orderby(NAME, true);
    assert_eq!(header(&manual), None);
    assert_eq!(manual.query().count, None);
    assert_eq!(manual.relative_url(), "/users?$filter=mail%20ne%20'x'&$orderby=displayName%20desc");
    // A header the caller set is the caller's: `manual_consistency` keeps it.
    let kept = users().directory_objects().consistency_level_eventual().search("a").manual_consistency();
    assert_eq!(header(&kept).as_deref(), Some("eventual"));
}
