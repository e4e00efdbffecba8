//! QueryOptions encoding and parsing; filter literal escaping through the URL.

mod common;

use common::*;
use graph_runtime::filter::{self, field, guid, on};
use graph_runtime::{Expand, ExpandItem, QueryOptions, Request, RequestPath};
use percent_encoding::percent_decode_str;

fn roundtrip(q: &QueryOptions) {
    let s = q.to_query_string();
    let back = QueryOptions::parse(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(&back, q, "{s}");
    assert_eq!(back.to_query_string(), s);
}

#[test]
fn nested_expand_examples() {
    let cases = [
        ("$expand=assignments($expand=assignedTo($select=id,displayName))", "$expand=assignments($expand=assignedTo($select=id,displayName))"),
        ("$expand=services($filter=assignableTo eq 'user,group')", "$expand=services($filter=assignableTo%20eq%20'user,group')"),
        ("$expand=assignments($count=true;$top=0)", "$expand=assignments($top=0;$count=true)"),
        ("$select=id,skuId&$expand=assignments($select=id;$filter=x eq 'a;b)c'),allotment", "$select=id,skuId&$expand=assignments($select=id;$filter=x%20eq%20'a;b)c'),allotment"),
    ];
    for (doc, canonical) in cases {
        let q = QueryOptions::parse(doc).unwrap();
        assert_eq!(q.to_query_string(), canonical);
        roundtrip(&q);
    }
    let q = QueryOptions::parse(cases[0].0).unwrap();
    assert_eq!(q.expand.len(), 1);
    assert_eq!(q.expand[0].path, "assignments");
    let inner = &q.expand[0].options.expand[0];
    assert_eq!(inner.path, "assignedTo");
    assert_eq!(inner.options.select, vec!["id", "displayName"]);
    let q = QueryOptions::parse(cases[2].0).unwrap();
    assert_eq!(q.expand[0].options.count, Some(true));
    assert_eq!(q.expand[0].options.top, Some(0));
}

#[test]
fn full_canonical_order() {
    let q = QueryOptions {
        select: vec!["id".into(), "displayName".into()],
        expand: vec![ExpandItem { path: "members".into(), options: QueryOptions { select: vec!["id".into()], ..Default::default() } }],
        filter: Some("startswith(displayName,'a b')".into()),
        orderby: vec!["displayName desc".into(), "id".into()],
        top: Some(10),
        skip: Some(5),
        count: Some(true),
        search: Some("\"displayName:wa\"".into()),
        apply: Some("groupby((x))".into()),
        extra: vec![("$skiptoken".into(), "X&Y=".into()), ("custom param".into(), "é".into())],
    };
    assert_eq!(
        q.to_query_string(),
        "$select=id,displayName&$expand=members($select=id)&$filter=startswith(displayName,'a%20b')\
         &$orderby=displayName%20desc,id&$top=10&$skip=5&$count=true&$search=%22displayName:wa%22\
         &$apply=groupby((x))&$skiptoken=X%26Y=&custom%20param=%C3%A9"
    );
    roundtrip(&q);
    assert!(QueryOptions::default().is_empty());
    assert!(!q.is_empty());
}

#[test]
fn parse_variants() {
    let a = QueryOptions::parse("?$select=id&$orderBy=displayName   desc&$TOP=5&count=TRUE").unwrap();
    assert_eq!(a.select, vec!["id"]);
    assert_eq!(a.orderby, vec!["displayName desc"]);
    assert_eq!(a.top, Some(5));
    assert_eq!(a.count, Some(true));
    // Encoded and unencoded forms of the same options are equal.
    assert_eq!(
        QueryOptions::parse("$filter=name eq 'a b'").unwrap(),
        QueryOptions::parse("$filter=name%20eq%20%27a%20b%27").unwrap()
    );
    // Unknown options (also nested) are kept in order.
    let q = QueryOptions::parse("$expand=manager($levels=max;$select=id)&$skiptoken=abc").unwrap();
    assert_eq!(q.expand[0].options.extra, vec![("$levels".to_owned(), "max".to_owned())]);
    assert_eq!(q.extra, vec![("$skiptoken".to_owned(), "abc".to_owned())]);
    assert_eq!(q.to_query_string(), "$expand=manager($select=id;$levels=max)&$skiptoken=abc");
    // `$search` keeps quotes and apostrophes verbatim.
    let q = QueryOptions::parse("$search=\"displayName:it's\"").unwrap();
    assert_eq!(q.search.as_deref(), Some("\"displayName:it's\""));
}

#[test]
fn parse_errors() {
    for bad in ["$top=x", "$top=-1", "$count=yes", "$top=1&$top=2", "$expand=a($select=id", "$expand=a)", "$select=%FF", "$expand=a($filter=x eq 'y)"] {
        assert!(QueryOptions::parse(bad).is_err(), "{bad} should not parse");
    }
}

const NASTY: &[&str] =
    &["O'Neil", "a)b", "x&y", "#frag", "a/b", "日本語", "50%", "+plus", "semi;colon", "two''quotes", "eq 'x' or true", "\"dq\"", "tab\there", "a,b", "(", "?q=1"];

/// The value after `name=` in `s`, percent-decoded.
fn decoded_param(s: &str, name: &str) -> String {
    let raw = s.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap();
    percent_decode_str(raw).decode_utf8().unwrap().into_owned()
}

#[test]
fn filter_literals_survive_the_url() {
    for v in NASTY {
        let q = QueryOptions { filter: Some(field("displayName").eq(*v).to_string()), top: Some(1), ..Default::default() };
        let s = q.to_query_string();
        assert_eq!(s.matches('&').count(), 1, "{s}");
        assert!(!s.contains('#') && !s.contains(' ') && !s.contains('+') && s.is_ascii(), "{s}");
        let expected = format!("displayName eq '{}'", v.replace('\'', "''"));
        assert_eq!(decoded_param(&s, "$filter"), expected);
        assert_eq!(decoded_param(&s, "$top"), "1");
        roundtrip(&q);
        let uri: http::Uri = format!("https://graph.microsoft.com/beta/x?{s}").parse().unwrap();
        assert_eq!(uri.query(), Some(s.as_str()));
    }
}

#[test]
fn nested_filters_survive_parse() {
    for v in NASTY {
        let e: Expand<Allotment, Assignment> = Expand::new("assignments").filter(field("name").eq(*v)).top(2);
        let q = QueryOptions { expand: vec![e.into_item()], ..Default::default() };
        let s = q.to_query_string();
        assert!(!s.contains('#') && !s.contains(' ') && s.matches('&').count() == 0, "{s}");
        roundtrip(&q);
    }
}

#[test]
fn typed_builders() {
    let list: Request<graph_runtime::Page<Allotment>> =
        Request::new(http::Method::GET, RequestPath::root().segment("admin").segment("cloudLicensing").segment("allotments"), None);
    let list = list
        .select([AllotmentField::Id, AllotmentField::AllottedUnits])
        .expand(
            Expand::<Allotment, Assignment>::new("assignments")
                .select([AssignmentField::Id])
                .expand(Expand::<Assignment, Allotment>::new("allotment").select_raw(["skuId"]).count(true).skip(1))
                .orderby(AssignmentField::ID, true),
        )
        .filter(on(AllotmentField::SkuId).eq(guid("639dec6b-bb19-468b-871c-c5c441c4b0cb")).and(field("services").any("c", |c| c.field("planId").ne(filter::Literal::Null))))
        .orderby(AllotmentField::ALLOTTED_UNITS, false)
        .top(100)
        .count(true)
        .param("custom", "v");
    assert_eq!(
        list.relative_url(),
        "/admin/cloudLicensing/allotments?$select=id,allottedUnits\
         &$expand=assignments($select=id;$expand=allotment($select=skuId;$skip=1;$count=true);$orderby=id%20desc)\
         &$filter=skuId%20eq%20639dec6b-bb19-468b-871c-c5c441c4b0cb%20and%20services/any(c:c/planId%20ne%20null)\
         &$orderby=allottedUnits&$top=100&$count=true&custom=v"
    );
    roundtrip(list.query());
}

#[test]
fn typed_nested_options_render_as_graph_reads_them() {
    use graph_runtime::filter::{not, FilterOn, Where};
    // A nested condition typed by the navigation's target (`Assignment`), whose literal holds
    // every character that could end an option (`;`), an item (`,` `)`), the query (`&`, `#`).
    let cond: Where<Assignment> = AssignmentField::ID.eq("a;b,c)d&e#f'g").or(not(AssignmentField::ID.starts_with("x")));
    let inner = Expand::<Assignment, Allotment>::new("allotment")
        .select([AllotmentField::Id])
        .filter(AllotmentField::ALLOTTED_UNITS.gt(3))
        .orderby(AllotmentField::ALLOTTED_UNITS, true);
    let e = Expand::<Allotment, Assignment>::new("assignments")
        .filter(cond.clone())
        .select([AssignmentField::Id])
        .orderby(AssignmentField::ID, false)
        .top(5)
        .expand(inner)
        .expand_raw("assignedTo($select=id,displayName)");
    let q = QueryOptions { expand: vec![e.into_item()], ..Default::default() };
    let s = q.to_query_string();
    assert_eq!(
        s,
        "$expand=assignments($select=id;$expand=allotment($select=id;$filter=allottedUnits%20gt%203;$orderby=allottedUnits%20desc),\
         assignedTo($select=id,displayName);$filter=id%20eq%20'a;b,c)d%26e%23f''g'%20or%20not(startswith(id,'x'));$orderby=id;$top=5)"
    );
    roundtrip(&q);
    let back = QueryOptions::parse(&s).unwrap();
    assert_eq!(back.expand[0].options.filter.as_deref(), Some(FilterOn::<Assignment>::into_filter(cond).as_str()));
    assert_eq!(back.expand[0].options.expand[1].options.select, ["id", "displayName"]);
    // The escape hatch stays open for any target.
    let raw = Expand::<Allotment, Assignment>::new("assignments").filter(filter::Filter::raw("x eq 1")).orderby_raw("x", true);
    assert_eq!(QueryOptions { expand: vec![raw.into_item()], ..Default::default() }.to_query_string(), "$expand=assignments($filter=x%20eq%201;$orderby=x%20desc)");
}
