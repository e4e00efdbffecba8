//! Permissions as data: what the generated operations say, checked against the docs'
//! permission tables (the `[!INCLUDE]` files and inline tables of `schema/docs`).

mod support;

use std::collections::BTreeMap;

use graph::cloud_licensing::operations as cl;
use graph::microsoft_graph::operations as mg;
use graph_runtime::{Operation, Permissions, Scheme};
use support::*;

/// Every operation of the generated crate (`graph::operations()`). The test below fails when
/// a documented path belongs to none of these, so a new operation cannot be missed silently.
fn all_operations() -> Vec<&'static Operation> {
    let all = graph::operations();
    // The list is complete: it holds the statics the builders point at.
    for op in [&cl::ALLOTMENT_GET, &cl::ASSIGNMENT_UPDATE, &mg::DIRECTORY_OBJECT_GET] {
        assert!(all.iter().any(|o| std::ptr::eq(*o, op)), "{} missing from graph::operations()", op.id);
    }
    assert_eq!(all.len(), 15);
    all
}

/// `(METHOD, normalised path)`.
type Route = (String, String);

fn table_of(p: &Permissions) -> Table {
    let row = |s: &Scheme| (s.least.iter().map(|x| x.to_string()).collect(), s.higher.iter().map(|x| x.to_string()).collect());
    Table::from([
        ("Delegated (work or school account)".to_owned(), row(&p.delegated_work)),
        ("Delegated (personal Microsoft account)".to_owned(), row(&p.delegated_personal)),
        ("Application".to_owned(), row(&p.application)),
    ])
}

#[test]
fn get_allotment_admin_path_matches_the_documented_table() {
    let get = graph::admin().cloud_licensing().assignments().by_id("x").allotment().get();
    assert_eq!(get.path().template(), "/admin/cloudLicensing/assignments/{assignment-id}/allotment");
    let p = get.permissions().expect("the admin path's permissions are documented");

    // The seed page's table (shared/seeds/000_*): least privileged delegated CloudLicensing.Read.
    assert_eq!(p.delegated_work.least, ["CloudLicensing.Read"]);
    assert!(p.delegated_work.accepts("Directory.Read.All"));
    assert!(!p.delegated_personal.supported());
    assert_eq!(p.application.least, ["CloudLicensing.Read.All"]);

    // And the whole table, as the docs have it for this path.
    let page = read_doc("api/cloudlicensing-assignment-get-allotment.md");
    let documented = page_permissions(&page);
    let table = documented.get(&("GET".into(), norm("/admin/cloudLicensing/assignments/{assignmentId}/allotment"))).expect("documented in the page");
    assert_eq!(Some(table_of(p)), table.clone());
}

/// `{x}` → `{}`, lower case (as the runtime matches templates).
fn norm(path: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for c in path.chars() {
        match c {
            '{' => {
                skip = true;
                out.push_str("{}");
            }
            '}' => skip = false,
            _ if !skip => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

/// The HTTP request paths of an API page: `(METHOD, normalised path)`.
fn page_paths(page: &str) -> Vec<(String, String)> {
    let at = page.find("## HTTP request").expect("an HTTP request section");
    let start = page[at..].find("```http\n").unwrap() + at + "```http\n".len();
    let end = page[start..].find("```").unwrap() + start;
    page[start..end]
        .lines()
        .filter_map(|l| l.trim().split_once(' '))
        .map(|(m, p)| (m.to_owned(), norm(p.trim())))
        .collect()
}

/// Permission tables of an API page by `(METHOD, normalised path)`; `None` when the page
/// says the path's permissions are not documented. A permissions block without
/// `requestUrls` applies to every path of the page.
fn page_permissions(page: &str) -> BTreeMap<(String, String), Option<Table>> {
    let mut out = BTreeMap::new();
    let mut rest = page;
    let section_end = page.find("## HTTP request").unwrap_or(page.len());
    while let Some(at) = rest.find("<!--") {
        let offset = page.len() - rest.len() + at;
        if offset > section_end {
            break;
        }
        let close = rest[at..].find("-->").unwrap() + at;
        let annotation: serde_json::Value = match serde_json::from_str(&rest[at + 4..close]) {
            Ok(v) => v,
            Err(_) => {
                rest = &rest[close..];
                continue;
            }
        };
        rest = &rest[close + 3..];
        if annotation["blockType"] != "permissions" {
            continue;
        }
        // What follows the annotation: an include, an inline table, or "not documented".
        let next_heading = rest.find("\n<!--").unwrap_or(rest.len()).min(rest.find("\n## ").unwrap_or(rest.len()));
        let body = &rest[..next_heading];
        let table = if let Some(inc) = body.find("[!INCLUDE") {
            let target = &body[inc..];
            let open = target.find("](").unwrap() + 2;
            let close = target[open..].find(')').unwrap() + open;
            let rel = target[open..close].trim_start_matches("../");
            parse_permission_table(&read_doc(rel))
        } else {
            parse_permission_table(body)
        };
        if table.is_none() {
            assert!(body.to_ascii_lowercase().contains("not documented"), "a permissions block with neither a table nor a note: {body}");
        }
        let urls: Vec<(String, String)> = match annotation["requestUrls"].as_array() {
            Some(urls) => urls.iter().map(|u| u.as_str().unwrap().split_once(' ').unwrap()).map(|(m, p)| (m.to_owned(), norm(p))).collect(),
            None => page_paths(page),
        };
        for key in urls {
            out.insert(key, table.clone());
        }
    }
    // Paths listed in the Permissions section and followed by "not documented" prose.
    let perms_start = page.find("## Permissions").expect("a Permissions section");
    let mut section = &page[perms_start..section_end];
    while let Some(at) = section.find("```http\n") {
        let start = at + "```http\n".len();
        let end = section[start..].find("```").unwrap() + start;
        let paths: Vec<(String, String)> =
            section[start..end].lines().filter_map(|l| l.trim().split_once(' ')).map(|(m, p)| (m.to_owned(), norm(p.trim()))).collect();
        let after = &section[end + 3..];
        let prose = &after[..after.find("<!--").unwrap_or(after.len())];
        if prose.contains("not documented") {
            for key in paths {
                assert!(out.insert(key.clone(), None).is_none(), "{key:?} both documented and not");
            }
        }
        section = after;
    }
    // Pages with no permissions block at all say so in prose.
    if out.is_empty() {
        let perms = &page[page.find("## Permissions").unwrap()..section_end];
        assert!(perms.contains("not documented"), "no permission table and no note:\n{perms}");
        for key in page_paths(page) {
            out.insert(key, None);
        }
    }
    out
}

#[test]
fn every_documented_path_has_permissions_as_data_or_says_undocumented() {
    let ops = all_operations();
    let mut pages = std::fs::read_dir(docs_dir().join("api")).unwrap().map(|e| e.unwrap().path()).collect::<Vec<_>>();
    pages.sort();
    // (method, path) → the tables the pages give it (`None`: "not documented"), with the page.
    let mut documented: BTreeMap<Route, Vec<(String, Option<Table>)>> = BTreeMap::new();
    for path in pages {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let page = std::fs::read_to_string(&path).unwrap();
        let tables = page_permissions(&page);
        for (method, template) in page_paths(&page) {
            // Exactly one operation answers this method and path, and names the page.
            let owners: Vec<_> = ops.iter().filter(|o| o.method == method && o.path(&template).is_some()).collect();
            assert_eq!(owners.len(), 1, "{name}: {method} {template} belongs to {:?}", owners.iter().map(|o| o.id).collect::<Vec<_>>());
            assert!(owners[0].doc.contains(&format!("api/{name}")), "{}: doc {:?} does not name {name}", owners[0].id, owners[0].doc);
            let key = (method.clone(), template.clone());
            let table = tables.get(&key).unwrap_or_else(|| panic!("{name}: no permissions block or note covers {method} {template}"));
            documented.entry(key).or_default().push((name.clone(), table.clone()));
        }
    }
    assert!(documented.len() >= 60, "only {} documented paths found", documented.len());

    for ((method, template), sources) in &documented {
        let op = ops.iter().find(|o| o.method == *method && o.path(template).is_some()).unwrap();
        let generated = op.path(template).unwrap().permissions;
        let tables: Vec<&Table> = sources.iter().filter_map(|(_, t)| t.as_ref()).collect();
        match &generated {
            // Documented: the data is a table the docs give for this path. (A path documented
            // on two pages with different tables is a docs inconsistency, see
            // schema/docs/CORRECTIONS.md; the data must still be one of them.)
            Some(p) => {
                assert!(tables.contains(&&table_of(p)), "{method} {template}: generated {p:?} is none of the documented tables {sources:?}");
                assert!(p.delegated_work.supported() || p.application.supported(), "{method} {template} supports no scheme");
            }
            // Undocumented: every page says so.
            None => assert!(tables.is_empty(), "{method} {template}: documented in {sources:?} but the data says undocumented"),
        }
    }

    // Every path of every operation is one the docs list (no invented paths).
    for op in &ops {
        assert!(!op.paths.is_empty(), "{}", op.id);
        for p in op.paths {
            assert!(p.template.starts_with('/'), "{}: {}", op.id, p.template);
            let pages: Vec<&str> = op.doc.split(", ").collect();
            let listed = pages.iter().any(|doc| page_paths(&read_doc(doc)).contains(&(op.method.to_owned(), norm(p.template))));
            assert!(listed, "{} {}: not in {:?}", op.method, p.template, pages);
        }
    }
}

#[test]
fn builders_reach_the_permissions_of_their_path() {
    let least = |p: Option<&Permissions>| p.map(|p| p.delegated_work.least.to_vec());
    assert_eq!(least(graph::admin().cloud_licensing().allotments().list().permissions()), Some(vec!["CloudLicensing.Read"]));
    assert_eq!(least(graph::admin().cloud_licensing().assignments().by_id("x").delete().permissions()), Some(vec!["CloudLicensing.AssignLicenses"]));
    assert_eq!(least(graph::me().cloud_licensing().assignments().by_id("x").update(&Default::default()).permissions()), Some(vec!["User-CloudLicensing.AssignLicenses"]));
    assert_eq!(
        least(graph::users().by_id("u").cloud_licensing().assignments().reprocess_assignments().permissions()),
        Some(vec!["CloudLicensing.AssignLicenses"])
    );
    // Documented path, permissions not documented: `None`, and the operation says so.
    let get = graph::admin().cloud_licensing().assignments().by_id("x").get();
    assert_eq!(get.permissions(), None);
    assert!(get.operation().unwrap().path(get.path().template()).is_some_and(|p| p.permissions.is_none()));
}
