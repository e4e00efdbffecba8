//! Reading Microsoft's permissions data (`permissions.json` of microsoft-graph-devx-content)
//! into one table per (method, path template): least-privileged and higher permissions per
//! scheme, and `AlsoRequires`.
//!
//! The file's shape: `{"permissions": {NAME: {"schemes": {SCHEME: {"privilegeLevel": n, …}},
//! "pathSets": [{"schemeKeys": [..], "methods": [..], "paths": {PATH: "markers"}}]}}}`, where
//! markers are `;`-separated: `least=SCHEME,…` (this permission is least privileged for
//! those schemes on that path), `AlsoRequires=PERM,…` (it works only with one of those), or
//! nothing (valid, not least privileged). Unknown fields and scheme names are ignored; a file
//! that is not JSON of this shape is one located diagnostic, never a panic.

use crate::diag::{Diagnostic, Origin};
use crate::extract::{PermissionFacts, SchemeFacts};
use graph_runtime::permissions::normalize_template;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const DATA_INVALID: &str = "permissions-data-invalid";

// Paths and markers are borrowed from the text where they have no escapes: the file spells
// about 100,000 (permission, path) pairs, most of them repeats.
#[derive(Deserialize)]
struct FileDef<'a> {
    #[serde(borrow)]
    permissions: BTreeMap<String, PermissionDef<'a>>,
}

#[derive(Deserialize)]
struct PermissionDef<'a> {
    #[serde(default)]
    schemes: BTreeMap<String, SchemeDef>,
    #[serde(default, rename = "pathSets", borrow)]
    path_sets: Vec<PathSet<'a>>,
}

#[derive(Deserialize)]
struct SchemeDef {
    #[serde(default, rename = "privilegeLevel")]
    privilege_level: Option<i64>,
}

#[derive(Deserialize)]
struct PathSet<'a> {
    #[serde(default, rename = "schemeKeys")]
    scheme_keys: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default, borrow)]
    paths: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
}

/// Index of a scheme in `[delegated work, delegated personal, application]`.
pub fn scheme_index(key: &str) -> Option<usize> {
    match key {
        "DelegatedWork" => Some(0),
        "DelegatedPersonal" => Some(1),
        "Application" => Some(2),
        _ => None,
    }
}

/// One scheme of one (method, path).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataScheme {
    pub least: BTreeSet<String>,
    pub higher: BTreeSet<String>,
    pub also_requires: BTreeMap<String, BTreeSet<String>>,
}

/// The permissions of one (method, path template).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataPath {
    /// The template as the file first writes it (files are read in permission-name order).
    pub template: String,
    pub schemes: [DataScheme; 3],
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PermissionData {
    /// Display path of the file.
    pub file: String,
    /// `(METHOD, normalised template)` → permissions.
    pub routes: BTreeMap<(String, String), DataPath>,
    /// Every permission named, with its privilege level per scheme where given.
    pub known: BTreeMap<String, [Option<i64>; 3]>,
}

impl PermissionData {
    /// Distinct normalised path templates (whatever the method).
    pub fn paths(&self) -> BTreeSet<&str> {
        self.routes.keys().map(|(_, p)| p.as_str()).collect()
    }

    /// Whether the data names `permission` at all (ASCII case-insensitive).
    pub fn knows(&self, permission: &str) -> bool {
        self.known.contains_key(permission) || self.known.keys().any(|k| k.eq_ignore_ascii_case(permission))
    }

    /// The route as permission facts: least and higher ordered by privilege level, then name.
    /// Where the data lists permissions for a scheme but marks none least privileged, those
    /// of the lowest privilege level (the data's `privilegeLevel`) are the least privileged.
    pub fn facts(&self, route: &DataPath) -> PermissionFacts {
        let scheme = |i: usize| {
            let s = &route.schemes[i];
            let level = |p: &String| self.known.get(p).and_then(|l| l[i]).unwrap_or(i64::MAX);
            // By level, then name: the set is in name order and the sort is stable.
            let order = |set: &BTreeSet<String>| {
                let mut v: Vec<String> = set.iter().cloned().collect();
                v.sort_by_key(level);
                v
            };
            let mut least = s.least.clone();
            let mut higher: BTreeSet<String> = s.higher.difference(&s.least).cloned().collect();
            if least.is_empty() {
                if let Some(min) = higher.iter().map(level).min() {
                    least = higher.iter().filter(|p| level(p) == min).cloned().collect();
                    higher.retain(|p| level(p) != min);
                }
            }
            SchemeFacts {
                least: order(&least),
                higher: order(&higher),
                also_requires: s.also_requires.iter().map(|(p, c)| (p.clone(), c.iter().cloned().collect())).collect(),
            }
        };
        PermissionFacts {
            delegated_work: scheme(0),
            delegated_personal: scheme(1),
            application: scheme(2),
            origin: Origin::file(self.file.clone()),
            derived_from: None,
        }
    }
}

/// Reads the file. `Err` is a `permissions-data-invalid` error at the line and column where
/// the JSON or its shape goes wrong.
pub fn read(file: &str, text: &str) -> Result<PermissionData, Diagnostic> {
    let def: FileDef = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            DATA_INVALID,
            Origin::new(file, e.line() as u32, e.column() as u32),
            format!("not Microsoft's permissions data: {e}"),
        )
    })?;
    let mut data = PermissionData { file: file.to_string(), ..Default::default() };
    // Permissions share paths: each spelling is normalised once, and routes are found by
    // (method, normalised path) ids while reading, keyed by their text once at the end.
    let mut normalised: HashMap<&str, usize> = HashMap::new();
    let mut norms: Vec<String> = Vec::new();
    let mut norm_ids: HashMap<String, usize> = HashMap::new();
    // Methods as the data spells them, upper case (a handful).
    let mut method_names: Vec<String> = Vec::new();
    let mut routes: HashMap<(usize, usize), usize> = HashMap::new();
    let mut built: Vec<(usize, usize, DataPath)> = Vec::new();
    for (name, p) in &def.permissions {
        let mut levels = [None; 3];
        for (k, s) in &p.schemes {
            if let Some(i) = scheme_index(k) {
                levels[i] = s.privilege_level;
            }
        }
        data.known.insert(name.clone(), levels);
        for set in &p.path_sets {
            let schemes: Vec<usize> = set.scheme_keys.iter().filter_map(|k| scheme_index(k)).collect();
            let methods: Vec<usize> = set
                .methods
                .iter()
                .map(|m| {
                    let m = m.trim().to_ascii_uppercase();
                    method_names.iter().position(|k| *k == m).unwrap_or_else(|| {
                        method_names.push(m);
                        method_names.len() - 1
                    })
                })
                .collect();
            for (path, markers) in &set.paths {
                let mut least: BTreeSet<usize> = BTreeSet::new();
                let mut also: BTreeSet<String> = BTreeSet::new();
                for m in markers.split(';').map(str::trim).filter(|m| !m.is_empty()) {
                    let (k, v) = m.split_once('=').unwrap_or((m, ""));
                    let list = v.split(',').map(str::trim).filter(|x| !x.is_empty());
                    if k.trim().eq_ignore_ascii_case("least") {
                        least.extend(list.filter_map(scheme_index));
                    } else if k.trim().eq_ignore_ascii_case("alsorequires") {
                        also.extend(list.map(str::to_string));
                    }
                }
                // Spellings with one normalised form are one route.
                let norm = *normalised.entry(path.as_ref()).or_insert_with(|| {
                    let n = normalize_template(path);
                    let next = norms.len();
                    *norm_ids.entry(n).or_insert_with_key(|n| {
                        norms.push(n.clone());
                        next
                    })
                });
                for &method in &methods {
                    let at = *routes.entry((method, norm)).or_insert_with(|| {
                        built.push((method, norm, DataPath { template: path.to_string(), ..Default::default() }));
                        built.len() - 1
                    });
                    let route = &mut built[at].2;
                    for &i in &schemes {
                        let s = &mut route.schemes[i];
                        if least.contains(&i) {
                            s.least.insert(name.clone());
                        } else {
                            s.higher.insert(name.clone());
                        }
                        if !also.is_empty() {
                            s.also_requires.entry(name.clone()).or_default().extend(also.iter().cloned());
                        }
                    }
                }
            }
        }
    }
    data.routes = built.into_iter().map(|(m, n, route)| ((method_names[m].clone(), norms[n].clone()), route)).collect();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = r#"{"$schema": "x", "permissions": {
      "User.Read": {"authorizationType": "oAuth2", "schemes": {"DelegatedWork": {"privilegeLevel": 1}, "Future": {}},
        "pathSets": [{"schemeKeys": ["DelegatedWork"], "methods": ["GET"], "paths": {"/me": "least=DelegatedWork", "/users/{id}": ""}}]},
      "User.Read.All": {"schemes": {"DelegatedWork": {"privilegeLevel": 3}, "Application": {"privilegeLevel": 3}},
        "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"],
          "paths": {"/me": "", "/Users/{user-id}": "least=DelegatedWork,Application;AlsoRequires=Directory.Read.All"}}], "ownerInfo": {}}
    }}"#;

    #[test]
    fn reads_routes_schemes_and_markers() {
        let d = read("p.json", DATA).unwrap();
        let me = &d.routes[&("GET".to_string(), "/me".to_string())];
        assert_eq!(me.schemes[0].least, BTreeSet::from(["User.Read".to_string()]));
        let f = d.facts(me);
        assert_eq!(f.delegated_work.least, ["User.Read"]);
        assert_eq!(f.delegated_work.higher, ["User.Read.All"]);
        assert_eq!(f.application.least, ["User.Read.All"], "none marked: the lowest privilege level");
        assert!(f.application.higher.is_empty());
        let user = &d.routes[&("GET".to_string(), "/users/{}".to_string())];
        assert_eq!(user.template, "/users/{id}", "first spelling in permission-name order");
        let f = d.facts(user);
        assert_eq!(f.delegated_work.least, ["User.Read.All"]);
        assert_eq!(f.delegated_work.higher, ["User.Read"]);
        assert_eq!(f.application.also_requires, [("User.Read.All".to_string(), vec!["Directory.Read.All".to_string()])]);
        assert!(d.knows("user.read") && !d.knows("Mail.Read"));
    }

    #[test]
    fn malformed_files_are_located() {
        let e = read("p.json", "{\"permissions\": {\n  \"A\": {\"pathSets\": 3}}}").unwrap_err();
        assert_eq!((e.code, e.origin.line), (DATA_INVALID, 2));
        assert!(e.origin.col > 0);
        assert!(read("p.json", "").is_err());
        assert!(read("p.json", "[]").is_err());
        assert!(read("p.json", "{}").is_err(), "no `permissions` object");
        assert!(read("p.json", r#"{"permissions": {}}"#).unwrap().routes.is_empty());
    }
}
