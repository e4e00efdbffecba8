//! Structural properties that requests address (`/me/mailboxSettings`): what the resolver
//! reads, how a request on one is classified, which properties get a builder (the rule of
//! `ir::lower::properties`), and that examples check and permission routes attach. The
//! crate emitted from the same fixture is the golden `goldens/properties` (`golden.rs`).

use codegen::check;
use codegen::csdl::{xml, Schema};
use codegen::ir::classify::classify;
use codegen::ir::lower::{self, Authority};
use codegen::ir::{Ir, OpKind};
use codegen::paths::{resolve, PathErrorKind, SegKind};
use codegen::pipeline::{run, Input};

mod common;
use common::{load, root};

fn schema() -> Schema {
    let (s, diags) = xml::read("properties.csdl.xml", include_str!("fixtures/properties.csdl.xml"));
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    s
}

fn input(permissions: bool) -> Input {
    let fixtures = root().join("codegen/tests/fixtures");
    let read = |f: &str| std::fs::read_to_string(fixtures.join(f)).unwrap();
    Input {
        docs: load(&fixtures.join("properties")),
        csdl_xml: Some(("properties.csdl.xml".into(), read("properties.csdl.xml"))),
        permissions: permissions.then(|| ("properties.permissions.json".into(), read("properties.permissions.json"))),
        namespaces: vec!["microsoft.graph".into()],
        ..Default::default()
    }
}

#[test]
fn the_resolver_reads_structural_properties_as_values() {
    let s = schema();
    let r = resolve(&s, "/me/mailboxsettings/AutomaticRepliesSetting").unwrap();
    assert_eq!(r.canonical(), "/me/mailboxSettings/automaticRepliesSetting");
    assert_eq!(r.segments[1].kind, SegKind::Property { collection: false, complex: true });
    assert_eq!(r.target().ty.name, "microsoft.graph.automaticRepliesSetting");
    let p = resolve(&s, "/users/{id}/deletedDateTime").unwrap();
    assert_eq!(p.target().kind, SegKind::Property { collection: false, complex: false });
    assert_eq!(resolve(&s, "/me/deletedDateTime/$value").unwrap().target().kind, SegKind::Value);
    // Nothing addresses a part of a primitive value.
    let e = resolve(&s, "/me/mailboxSettings/timeZone/x").unwrap_err();
    assert_eq!((e.kind, e.index), (PathErrorKind::AfterValue, 3));
    // A property is no navigation: no `$ref`, no key.
    assert!(resolve(&s, "/me/mailboxSettings/$ref").is_err());
    assert!(resolve(&s, "/me/mailboxSettings('x')").is_err());
}

#[test]
fn requests_on_a_complex_property_are_get_update_and_replace_on_its_type() {
    let s = schema();
    let r = resolve(&s, "/me/mailboxSettings").unwrap();
    for (m, k) in [("GET", OpKind::Get), ("PATCH", OpKind::Update), ("PUT", OpKind::Replace)] {
        let c = classify(m, &r).unwrap();
        assert_eq!((c.node, c.kind, c.segment), (("microsoft.graph.mailboxSettings".to_string(), false), k, None), "{m}");
    }
    assert!(classify("DELETE", &r).is_err());
    assert!(classify("POST", &r).is_err());
    let why = classify("GET", &resolve(&s, "/me/mailboxSettings/timeZone").unwrap()).unwrap_err();
    assert!(why.contains("only a single complex-valued property has a builder"), "{why}");
}

fn builder_ops(ir: &Ir, name: &str) -> Option<Vec<OpKind>> {
    ir.builders.get(name).map(|b| b.operations.iter().map(|o| o.kind).collect())
}

#[test]
fn only_the_properties_an_input_addresses_get_builders() {
    let s = schema();
    let ns = vec!["microsoft.graph".to_string()];
    // The metadata alone addresses no property.
    let ir = lower::lower(&s, &ns, &[], Authority::Metadata).ir;
    assert!(ir.builders.keys().all(|b| !b.contains("Settings") && !b.contains("Preferences") && !b.contains("Activity")), "{:?}", ir.builders.keys());
    // A route through a property gives it (and each complex property on the way) a builder.
    let routes = ["/me/printPreferences", "/users/{id}/signInActivity", "/me/deletedDateTime", "/me/mailboxSettings/automaticRepliesSetting"];
    let resolved: Vec<codegen::paths::Resolved> = routes.iter().filter_map(|r| codegen::paths::resolve(&s, r).ok()).collect();
    let ir = lower::lower_with(&s, &ns, &[], Authority::Metadata, &resolved.iter().collect::<Vec<_>>()).ir;
    assert_eq!(builder_ops(&ir, "PrintPreferencesItem"), Some(vec![OpKind::Get, OpKind::Update]));
    // `Core.Computed`: read only.
    assert_eq!(builder_ops(&ir, "SignInActivityItem"), Some(vec![OpKind::Get]));
    assert_eq!(builder_ops(&ir, "MailboxSettingsItem"), Some(vec![OpKind::Get, OpKind::Update]));
    let children: Vec<&str> = ir.builders["MailboxSettingsItem"].children.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(children, ["automatic_replies_setting"]);
    let user: Vec<&str> = ir.builders["UserItem"].children.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(user, ["mailbox_settings", "print_preferences", "sign_in_activity"]);
    // A primitive property gets none.
    assert!(ir.builders.keys().all(|b| !b.starts_with("Edm") && !b.contains("DateTime")), "{:?}", ir.builders.keys());
}

#[test]
fn documented_examples_match_and_are_checked_against_the_complex_type() {
    let out = run(&input(false));
    let c = check::check_output(&out, "");
    let f = &c.figures;
    assert_eq!((f.requests, f.requests_matched, f.responses, f.responses_ok), (3, 3, 3, 3), "{:#?}", c.diagnostics);
    // The primitive property's request line is a located warning, not an error.
    let w: Vec<_> = out.diagnostics.iter().filter(|d| d.code == "doc-property-no-builder").collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].origin.file.as_str(), w[0].origin.line), ("api/user-get-mailboxsettings.md", 26));
    assert!(!w[0].is_error());
}

#[test]
fn a_wrong_response_of_a_property_is_still_flagged() {
    let mut i = input(false);
    let page = "api/user-get-mailboxsettings.md";
    let text = i.docs.files[page].replace("\"status\": \"scheduled\"", "\"status\": \"Sometimes\"");
    i.docs.files.insert(page.into(), text);
    let c = check::check_output(&run(&i), "");
    assert_eq!(c.figures.responses_ok, 2);
    assert!(c.diagnostics.iter().any(|d| d.code == "example-enum-member" && d.origin.file == page), "{:#?}", c.diagnostics);
}

#[test]
fn permission_routes_attach_to_property_operations() {
    let out = run(&input(true));
    let p = &out.permissions;
    let unmatched: Vec<(&str, &Vec<String>)> = p.unmatched.iter().map(|(c, r)| (c.as_str(), r)).collect();
    assert_eq!(
        unmatched,
        [("structural-property", &vec!["GET /me/deleteddatetime".to_string(), "GET /me/mailboxsettings/timezone".to_string()])]
    );
    assert_eq!((p.routes_in_data, p.routes_matched), (7, 5));
    let op = &out.ir.operations["SIGN_IN_ACTIVITY_GET"];
    let (template, perms) = &op.paths[op.paths.len() - 1];
    assert_eq!(template, "/users/{id}/signinactivity");
    assert_eq!(perms.as_ref().unwrap().application.least, ["AuditLog.Read.All"]);
    let update = &out.ir.operations["MAILBOX_SETTINGS_UPDATE"];
    assert!(update.paths.iter().all(|(_, p)| p.as_ref().is_some_and(|p| p.delegated_work.least == ["MailboxSettings.ReadWrite"])), "{update:#?}");
}
