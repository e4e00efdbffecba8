//! The URL conventions of real pages and of OData, in the one resolver: each convention
//! resolves to the path the schema spells, classifies to the operation it means, and is
//! rebuilt by a builder chain a user can call. A property test: no input makes it panic.

use codegen::csdl::{xml, Schema};
use codegen::ir::classify::classify;
use codegen::ir::lower::{self, example_chain, Authority};
use codegen::ir::{Call, OpKind};
use codegen::paths::{resolve, PathErrorKind};
use proptest::prelude::*;

fn schema() -> Schema {
    let text = include_str!("fixtures/conventions/csdl.xml");
    let (s, diags) = xml::read("conventions.xml", text);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    s
}

/// (method, documented URL, canonical path, operation kind, node type, node is a collection)
const CASES: &[(&str, &str, &str, OpKind, &str, bool)] = &[
    // Segment names in any case; `/me` is a user.
    ("GET", "/me/contactfolders", "/me/contactFolders", OpKind::List, "microsoft.graph.contactFolder", true),
    // Alternative-key placeholders and keys in parentheses.
    ("GET", "/users/{id | userPrincipalName}", "/users/{id | userPrincipalName}", OpKind::Get, "microsoft.graph.user", false),
    ("GET", "/users('a@b.c')/manager", "/users/a@b.c/manager", OpKind::Get, "microsoft.graph.directoryObject", false),
    // An alternate key in parentheses addresses the item; it stays in parentheses (the
    // property spelt as the schema does), a placeholder bare, a value quoted.
    ("GET", "/users(userprincipalname={upn})", "/users(userPrincipalName={upn})", OpKind::Get, "microsoft.graph.user", false),
    ("GET", "/users(userPrincipalName='a@b.c')/manager", "/users(userPrincipalName='a@b.c')/manager", OpKind::Get, "microsoft.graph.directoryObject", false),
    // Type casts as a segment, any case.
    ("GET", "/groups/{id}/members/microsoft.graph.user", "/groups/{id}/members/microsoft.graph.user", OpKind::List, "microsoft.graph.user", true),
    ("GET", "/groups/{id}/members/Microsoft.Graph.User", "/groups/{id}/members/microsoft.graph.user", OpKind::List, "microsoft.graph.user", true),
    // `$count`, `$value`, `$ref` and stream properties.
    ("GET", "/users/$count", "/users/$count", OpKind::Count, "microsoft.graph.user", true),
    ("GET", "/me/photo/$value", "/me/photo/$value", OpKind::GetContent, "microsoft.graph.profilePhoto", false),
    ("PUT", "/me/photo/$value", "/me/photo/$value", OpKind::PutContent, "microsoft.graph.profilePhoto", false),
    ("POST", "/groups/{id}/members/$ref", "/groups/{id}/members/$ref", OpKind::AddRef, "microsoft.graph.directoryObject", true),
    ("DELETE", "/groups/{id}/members/{member-id}/$ref", "/groups/{id}/members/{member-id}/$ref", OpKind::RemoveRef, "microsoft.graph.directoryObject", false),
    ("PUT", "/users/{id}/manager/$ref", "/users/{id}/manager/$ref", OpKind::SetRef, "microsoft.graph.directoryObject", false),
    ("GET", "/me/drive/items/{id}/content", "/me/drive/items/{id}/content", OpKind::GetContent, "microsoft.graph.driveItem", false),
    // Drive-item path addressing.
    ("GET", "/me/drive/root:/folder/file.txt:", "/me/drive/root:/folder/file.txt:", OpKind::Get, "microsoft.graph.driveItem", false),
    ("GET", "/me/drive/root:/folder:/children", "/me/drive/root:/folder:/children", OpKind::List, "microsoft.graph.driveItem", true),
    ("PUT", "/me/drive/root:/folder/file.txt:/content", "/me/drive/root:/folder/file.txt:/content", OpKind::PutContent, "microsoft.graph.driveItem", false),
    // Functions with parameters, inline and as aliases; functions without parentheses.
    ("GET", "/reports/getUsagePages(period='D7')", "/reports/getUsagePages(period='D7')", OpKind::Action, "microsoft.graph.reportRoot", false),
    ("GET", "/reports/getUsagePages(period=@p)?@p='D7'", "/reports/getUsagePages(period=@p)", OpKind::Action, "microsoft.graph.reportRoot", false),
    ("GET", "/users/delta", "/users/delta()", OpKind::Action, "microsoft.graph.user", true),
    // After a collection, an operation named in another case is that operation, not a key;
    // a `{…}` placeholder or a quoted value stays a key.
    ("GET", "/users/DELTA", "/users/delta()", OpKind::Action, "microsoft.graph.user", true),
    ("GET", "/users/{delta}", "/users/{delta}", OpKind::Get, "microsoft.graph.user", false),
    // A composable function, then the type it returns (here a complex-valued property of it).
    ("GET", "/me/drive/items/{id}/workbook/worksheets/{w}/range(address='A1:B2')/dimensions", "/me/drive/items/{id}/workbook/worksheets/{w}/range(address='A1:B2')/dimensions", OpKind::Get, "microsoft.graph.rangeDimensions", false),
    // Paths documented relative to a parent: the one type whose navigation starts them.
    ("GET", "/workbook/worksheets", "/workbook/worksheets", OpKind::List, "microsoft.graph.workbookWorksheet", true),
];

#[test]
fn every_convention_resolves_to_the_schema_spelling_and_its_operation() {
    let s = schema();
    for (method, url, canonical, kind, ty, collection) in CASES {
        let r = resolve(&s, url).unwrap_or_else(|e| panic!("{url}: {}", e.message));
        assert_eq!(r.canonical(), *canonical, "{url}");
        let c = classify(method, &r).unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        assert_eq!((c.kind, c.node.0.as_str(), c.node.1), (*kind, *ty, *collection), "{method} {url}");
    }
}

#[test]
fn shapes_ignore_parameter_names_argument_values_and_case() {
    let s = schema();
    let shape = |p: &str| resolve(&s, p).unwrap().shape();
    assert_eq!(shape("/users/{user-id}/manager"), shape("/Users/{id}/Manager"));
    assert_eq!(shape("/reports/getUsagePages(period='D7')"), shape("/reports/getUsagePages(period={period})"));
    assert_ne!(shape("/users/{id}"), shape("/users"));
    // Addressed by an alternate key is not addressed by the key.
    assert_eq!(shape("/users(userPrincipalName='a@b.c')"), shape("/Users(userprincipalname={upn})"));
    assert_ne!(shape("/users(userPrincipalName={upn})"), shape("/users/{id}"));
}

#[test]
fn elisions_and_bad_segments_are_errors_not_guesses() {
    let s = schema();
    assert_eq!(resolve(&s, "/me/…/children").unwrap_err().kind, PathErrorKind::Elided);
    assert_eq!(resolve(&s, "/me/.../children").unwrap_err().kind, PathErrorKind::Elided);
    // A cast to a type that does not derive from the current one.
    assert!(resolve(&s, "/groups/{id}/members/microsoft.graph.drive").is_err());
    // `$count` on a single entity, `$value` on a collection, something after `$ref`.
    for p in ["/me/$count", "/users/$value", "/groups/{id}/members/$ref/x", "/nowhere"] {
        assert!(resolve(&s, p).is_err(), "{p}");
    }
    // Not an operation: `PATCH` on a collection, `GET …/$ref` of a collection.
    assert!(classify("PATCH", &resolve(&s, "/users").unwrap()).is_err());
    assert!(classify("GET", &resolve(&s, "/groups/{id}/members/$ref").unwrap()).is_err());
    // A primitive property resolves (on the composable function's result) but has no builder.
    let r = resolve(&s, "/me/drive/items/{id}/workbook/worksheets/{w}/range(address='A1:B2')/address").unwrap();
    assert!(classify("GET", &r).is_err());
}

/// The builder chain for each convention (the golden of what a user writes).
#[test]
fn each_convention_has_a_builder_a_user_can_call() {
    let s = schema();
    let ns = vec!["microsoft.graph".to_string()];
    let ir = lower::lower(&s, &ns, &[], Authority::Metadata).ir;
    let chain = |m: &str, url: &str| -> String {
        let (calls, _) = example_chain(&s, &ir, m, url).unwrap_or_else(|| panic!("no chain for {m} {url}"));
        calls
            .iter()
            .map(|c| match c {
                Call::Root(r) => format!("{r}()"),
                Call::Method(m) => format!(".{m}()"),
                Call::ById(id) => format!(".by_id({id:?})"),
                Call::ByPath(p) => format!(".by_path({p:?})"),
                Call::Function(m, args) => format!(".{m}({})", args.join(", ")),
                Call::Op(m, body, args) => format!(".{m}({}{})", if *body { "body" } else { "" }, args.join(", ")),
            })
            .collect()
    };
    let golden = [
        ("GET", "/users/$count", "users().count()"),
        ("GET", "/groups/g/members/microsoft.graph.user", "groups().by_id(\"g\").members().as_user().list()"),
        ("POST", "/groups/g/members/$ref", "groups().by_id(\"g\").members().add_ref()"),
        ("DELETE", "/groups/g/members/m/$ref", "groups().by_id(\"g\").members().by_id(\"m\").remove_ref()"),
        ("PUT", "/users/u/manager/$ref", "users().by_id(\"u\").manager().set_ref()"),
        ("GET", "/me/photo/$value", "me().photo().get_value()"),
        ("GET", "/me/drive/items/i/content", "me().drive().items().by_id(\"i\").get_content()"),
        ("GET", "/me/drive/root:/a/b.txt:", "me().drive().root().by_path(\"a/b.txt\").get()"),
        ("GET", "/reports/getUsagePages(period='D7')", "reports().get_usage_pages('D7')"),
        ("GET", "/me/drive/items/i/workbook/worksheets/w/range(address='A1')", "me().drive().items().by_id(\"i\").workbook().worksheets().by_id(\"w\").range('A1').get()"),
        ("GET", "/users('u')/contactFolders", "users().by_id(\"u\").contact_folders().list()"),
    ];
    for (m, url, want) in golden {
        assert_eq!(chain(m, url), want, "{m} {url}");
    }
    // No builder addresses an alternate key: `by_id(value)` would be another request.
    assert!(example_chain(&s, &ir, "GET", "/users(userPrincipalName='a@b.c')").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    /// Arbitrary text never makes the resolver (or the classifier) panic.
    #[test]
    fn the_resolver_never_panics_on_arbitrary_paths(p in ".{0,80}") {
        let s = schema();
        if let Ok(r) = resolve(&s, &p) {
            let _ = (r.canonical(), r.shape(), classify("GET", &r), classify("DELETE", &r));
        }
    }

    /// Path-like text built from the pieces the conventions use.
    #[test]
    fn the_resolver_never_panics_on_path_like_input(parts in proptest::collection::vec(
        prop_oneof![
            Just("users".to_string()), Just("me".to_string()), Just("drive".to_string()), Just("root:".to_string()),
            Just("$ref".to_string()), Just("$count".to_string()), Just("$value".to_string()), Just("{id}".to_string()),
            Just("microsoft.graph.user".to_string()), Just("range(address='A1')".to_string()), Just(":".to_string()),
            Just("…".to_string()), Just("('x')".to_string()), Just("workbook".to_string()), "[a-zA-Z(){}:'.$@=|é]{0,8}",
        ],
        0..8,
    )) {
        let s = schema();
        let p = format!("/{}", parts.join("/"));
        let plain = resolve(&s, &p);
        // The index only spares work: the same answer.
        let index = codegen::paths::Index::new(&s);
        prop_assert_eq!(&plain, &codegen::paths::resolve_with(&s, &p, Some(&index)));
        if let Ok(r) = plain {
            let _ = (r.canonical(), r.shape(), classify("POST", &r), classify("PUT", &r));
        }
    }

    /// Many paths resolved together (each continuing from what it shares with the one
    /// before it) resolve as each alone, sorted or not.
    #[test]
    fn resolving_many_paths_is_resolving_each(paths in proptest::collection::vec(proptest::collection::vec(
        prop_oneof![
            Just("users".to_string()), Just("me".to_string()), Just("drive".to_string()), Just("root:".to_string()),
            Just("$ref".to_string()), Just("$count".to_string()), Just("{id}".to_string()), Just("messages".to_string()),
            Just("microsoft.graph.user".to_string()), Just("range(address='A1')".to_string()), Just("workbook".to_string()),
            Just("a.txt:".to_string()), Just("…".to_string()), "[a-zA-Z(){}:'.$]{0,6}",
        ],
        0..6,
    ), 0..12), sort in any::<bool>()) {
        let s = schema();
        let index = codegen::paths::Index::new(&s);
        let mut paths: Vec<String> = paths.iter().map(|p| format!("/{}", p.join("/"))).collect();
        if sort {
            paths.sort();
        }
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let many = codegen::paths::resolve_many(&s, &refs, Some(&index));
        let each: Vec<_> = refs.iter().map(|p| resolve(&s, p)).collect();
        prop_assert_eq!(many, each);
    }
}
