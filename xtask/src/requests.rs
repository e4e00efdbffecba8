//! `cargo xtask report --requests FILE`: does the typed crate cover an app's calls, and which
//! scopes must the app request?
//!
//! FILE holds one call per line, `METHOD URL` (absolute or a path; `#` starts a comment),
//! each optionally followed by a line with its JSON body; or a HAR file (`.har`, the
//! browsers' export: `log.entries[].request`). Each call is checked as a doc example is
//! (`codegen::check`: path, method, query options against the type), its body against the
//! operation's body model (property names), and matched to its operation by the rule the
//! permissions data uses (`codegen::permissions::matching`). The output gives each call's
//! operation and least-privileged permissions per scheme, the calls the typed surface does
//! not cover with the reason, and the scope plan per scheme (`graph_runtime::plan_needs`).

use crate::fsio;
use crate::report::{run_inputs, ReportArgs};
use codegen::diag::{Diagnostic, Origin};
use codegen::extract::{ApiFacts, Example, ExampleRequest, PermissionFacts, SchemeFacts};
use codegen::ir::{Ir, ModelKind, OpKind, OpMethod};
use codegen::paths;
use codegen::permissions::matching::Nodes;
use graph_runtime::permissions::{normalize_template, plan_needs, Need};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const BODY_INVALID: &str = "request-body-invalid";
pub const BODY_UNKNOWN_PROPERTY: &str = "request-body-unknown-property";
pub const FILE_INVALID: &str = "request-file-invalid";

/// Picks one scheme out of a call's permissions.
type SchemeOf = fn(&PermissionFacts) -> &SchemeFacts;

/// One call of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    pub url: String,
    pub body: Option<String>,
    pub line: u32,
}

const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

/// Reads `METHOD URL` lines (each optionally followed by a JSON body line). Lines that are
/// neither are diagnostics, never a stop.
pub fn parse_lines(file: &str, text: &str) -> (Vec<Call>, Vec<Diagnostic>) {
    let mut calls: Vec<Call> = Vec::new();
    let mut diags = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('{') || t.starts_with('[') {
            match calls.last_mut() {
                Some(c) if c.body.is_none() && c.line + 1 == line => c.body = Some(t.to_string()),
                _ => diags.push(Diagnostic::warning(FILE_INVALID, Origin::new(file, line, 1), "a JSON body line that follows no call line")),
            }
            continue;
        }
        let (m, url) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let m = m.to_ascii_uppercase();
        let url = url.trim();
        if !METHODS.contains(&m.as_str()) || url.is_empty() {
            diags.push(Diagnostic::warning(FILE_INVALID, Origin::new(file, line, 1), format!("not a `METHOD URL` line: `{t}`")));
            continue;
        }
        calls.push(Call { method: m, url: url.to_string(), body: None, line });
    }
    (calls, diags)
}

/// Reads a HAR file's requests (`log.entries[].request.{method,url,postData.text}`); the
/// line of each call is its entry's number (1-based).
pub fn parse_har(file: &str, text: &str) -> (Vec<Call>, Vec<Diagnostic>) {
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = Origin::new(file, e.line() as u32, e.column() as u32);
            return (Vec::new(), vec![Diagnostic::error(FILE_INVALID, at, format!("not a HAR file: {e}"))]);
        }
    };
    let Some(entries) = v.pointer("/log/entries").and_then(|e| e.as_array()) else {
        return (Vec::new(), vec![Diagnostic::error(FILE_INVALID, Origin::file(file), "not a HAR file: no `log.entries`")]);
    };
    let mut calls = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let r = &e["request"];
        let (Some(m), Some(url)) = (r["method"].as_str(), r["url"].as_str()) else { continue };
        let body = r.pointer("/postData/text").and_then(|t| t.as_str()).filter(|t| !t.trim().is_empty()).map(str::to_string);
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        calls.push(Call { method: m.to_ascii_uppercase(), url: url.to_string(), body, line });
    }
    (calls, Vec::new())
}

/// What one call is, for the report.
struct Checked {
    call: Call,
    operation: Option<String>,
    permissions: Option<PermissionFacts>,
    /// Why the typed surface does not cover it (`None`: covered).
    reason: Option<String>,
}

/// The permissions of `op` for the path of `url` (same shape, the runtime's template rule).
fn permissions_for(ir: &Ir, schema: &codegen::csdl::Schema, op: &str, url: &str) -> Option<PermissionFacts> {
    let info = ir.operations.get(op)?;
    let shape = normalize_template(&paths::resolve(schema, url).ok()?.shape());
    info.paths.iter().find(|(t, _)| normalize_template(t) == shape).and_then(|(_, p)| p.clone())
}

/// Property names of `body` that its type lacks: the type its `@odata.type` names, else the
/// entity written (create, update, replace), else the operation's parameters model.
fn body_problems(out: &codegen::pipeline::Output, op: &OpMethod, target: &str, body: &str, at: &Origin) -> Vec<Diagnostic> {
    let v: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return vec![Diagnostic::error(BODY_INVALID, at.clone(), format!("the body is not JSON: {e}"))],
    };
    let Some(obj) = v.as_object() else { return Vec::new() };
    let cast = obj.get("@odata.type").and_then(|t| t.as_str()).map(|t| t.trim_start_matches('#').to_string());
    let (ty, names): (String, Vec<String>) = match (&cast, op.kind) {
        (Some(t), _) => match out.schema.structured(t) {
            Some(_) => (t.clone(), out.schema.all_properties(t).iter().map(|p| p.name.clone()).collect()),
            None => return Vec::new(),
        },
        (None, OpKind::Create | OpKind::Update | OpKind::Replace) => {
            (target.to_string(), out.schema.all_properties(target).iter().map(|p| p.name.clone()).collect())
        }
        (None, _) => match op.body.as_deref().and_then(|q| out.ir.models.get(q)) {
            Some(m) => match &m.kind {
                ModelKind::Struct(s) if !s.opaque => (m.qname.clone(), s.fields.iter().map(|f| f.wire.clone()).collect()),
                _ => return Vec::new(),
            },
            None => return Vec::new(),
        },
    };
    // Open types accept any property.
    if out.schema.ancestry(&ty).iter().any(|t| t.open) {
        return Vec::new();
    }
    obj.keys()
        .filter(|k| !k.starts_with('@') && !k.contains('@'))
        .filter(|k| !names.iter().any(|n| n == *k))
        .map(|k| Diagnostic::error(BODY_UNKNOWN_PROPERTY, at.clone(), format!("the body's `{k}` is not a property of `{ty}`")))
        .collect()
}

pub fn run(a: &ReportArgs) -> ExitCode {
    let Some(file) = a.requests.as_deref() else { return ExitCode::FAILURE };
    let text = match fsio::read_text(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shown = file.display().to_string();
    let is_har = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("har"));
    let (calls, mut diags) = if is_har { parse_har(&shown, &text) } else { parse_lines(&shown, &text) };
    // Inputs: the metadata alone with `--csdl`, else the docs tree (default `schema/docs`).
    let default_docs: PathBuf = crate::workspace_root().join("schema/docs");
    let docs_dir: Option<&Path> = match (&a.docs, &a.csdl) {
        (Some(d), _) => Some(d.as_path()),
        (None, Some(_)) => None,
        (None, None) => Some(default_docs.as_path()),
    };
    let (out, label, extra) = match run_inputs(a, docs_dir) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error[input-unreadable]: {e}");
            return ExitCode::FAILURE;
        }
    };
    diags.extend(extra);
    diags.extend(out.diagnostics.iter().filter(|d| d.is_error() && d.origin.file.ends_with(".json")).cloned());
    // The calls as doc examples of one page: checked by the same code.
    let api = ApiFacts {
        file: shown.clone(),
        title: "requests".into(),
        examples: calls
            .iter()
            .map(|c| Example {
                request: Some(ExampleRequest {
                    name: None,
                    method: c.method.clone(),
                    url: c.url.clone(),
                    headers: Vec::new(),
                    body: c.body.clone(),
                    line: c.line,
                    body_line: c.line + 1,
                }),
                response: None,
                more: Vec::new(),
            })
            .collect(),
        ..Default::default()
    };
    let checked = codegen::check::check(&out.schema, &out.ir, std::slice::from_ref(&api), &[], &label);
    let nodes = Nodes::new(&out.schema, &out.ir);
    let mut results: Vec<Checked> = Vec::new();
    for c in &calls {
        let at = Origin::new(shown.clone(), c.line, 1);
        let mut problems: Vec<Diagnostic> =
            checked.diagnostics.iter().filter(|d| d.is_error() && d.origin.line == c.line && d.origin.file.ends_with(&shown)).cloned().collect();
        let op = nodes.operation_of_url(&c.method, &c.url);
        let permissions = op.as_ref().ok().and_then(|o| permissions_for(&out.ir, &out.schema, o, &c.url));
        if let (Ok(o), Some(body)) = (&op, &c.body) {
            let found = out.ir.builders.values().find_map(|b| b.operations.iter().find(|m| &m.operation_const == o).map(|m| (b, m)));
            if let Some((b, m)) = found {
                problems.extend(body_problems(&out, m, &b.target, body, &at));
            }
        }
        let reason = match (&op, problems.first()) {
            (Err(cat), first) => Some(first.map(|d| d.message.clone()).unwrap_or_else(|| format!("no operation ({})", cat.as_str()))),
            (Ok(_), Some(d)) => Some(d.message.clone()),
            (Ok(_), None) => None,
        };
        diags.extend(problems);
        results.push(Checked {
            call: c.clone(),
            operation: op.ok().and_then(|o| out.ir.operations.get(&o).map(|i| i.id.clone())),
            permissions,
            reason,
        });
    }
    let mut all = codegen::diag::Diagnostics::default();
    all.extend(diags);
    let diags = all.sorted();
    let schemes: [(&str, SchemeOf); 3] = [
        ("delegated_work", |p| &p.delegated_work),
        ("delegated_personal", |p| &p.delegated_personal),
        ("application", |p| &p.application),
    ];
    let plans: Vec<(&str, graph_runtime::permissions::Plan)> = schemes
        .iter()
        .map(|(name, get)| {
            let needs: Vec<Option<Need>> = results
                .iter()
                .map(|r| {
                    r.permissions.as_ref().map(|p| {
                        let s = get(p);
                        Need {
                            least: s.least.iter().map(String::as_str).collect(),
                            higher: s.higher.iter().map(String::as_str).collect(),
                            also_requires: s.also_requires.iter().map(|(p, c)| (p.as_str(), c.iter().map(String::as_str).collect())).collect(),
                        }
                    })
                })
                .collect();
            (*name, plan_needs(&needs))
        })
        .collect();
    let covered = results.iter().filter(|r| r.reason.is_none()).count();
    let with_permissions = results.iter().filter(|r| r.permissions.is_some()).count();
    let line_of = |i: &usize| results[*i].call.line;
    if a.json {
        let calls: Vec<serde_json::Value> = results
            .iter()
            .map(|r| {
                let perms = r.permissions.as_ref().map(|p| {
                    let m: serde_json::Map<String, serde_json::Value> = schemes
                        .iter()
                        .map(|(n, get)| (n.to_string(), json!({"least": get(p).least, "higher": get(p).higher})))
                        .collect();
                    serde_json::Value::Object(m)
                });
                json!({"line": r.call.line, "method": r.call.method, "url": r.call.url, "operation": r.operation,
                       "covered": r.reason.is_none(), "reason": r.reason, "permissions": perms})
            })
            .collect();
        let plan: serde_json::Map<String, serde_json::Value> = plans
            .iter()
            .map(|(n, p)| {
                let unsupported: Vec<u32> = p.unsupported.iter().map(line_of).collect();
                let unknown: Vec<u32> = p.unknown.iter().map(line_of).collect();
                (n.to_string(), json!({"scopes": p.scopes, "unsupported_lines": unsupported, "unknown_lines": unknown}))
            })
            .collect();
        let ds: Vec<serde_json::Value> = diags
            .iter()
            .map(|d| json!({"severity": d.severity.as_str(), "code": d.code, "file": d.origin.file, "line": d.origin.line, "col": d.origin.col, "message": d.message}))
            .collect();
        let examples = &checked.figures;
        println!(
            "{}",
            json!({"requests": results.len(), "covered": covered, "with_permissions": with_permissions,
                   "examples": {"requests": examples.requests, "requests_matched": examples.requests_matched},
                   "calls": calls, "plan": plan, "diagnostics": ds})
        );
        return ExitCode::SUCCESS;
    }
    let least = |s: &SchemeFacts| if s.least.is_empty() { "not supported".to_string() } else { s.least.join(" | ") };
    for r in &results {
        let c = &r.call;
        let what = match (&r.operation, &r.permissions) {
            (Some(o), Some(p)) => format!(
                "{o}: delegated (work) {}; delegated (personal) {}; application {}",
                least(&p.delegated_work),
                least(&p.delegated_personal),
                least(&p.application)
            ),
            (Some(o), None) => format!("{o}: permissions not known for this path"),
            (None, _) => "no operation".into(),
        };
        println!("{shown}:{}: {} {}\n    {what}", c.line, c.method, c.url);
    }
    let uncovered: Vec<&Checked> = results.iter().filter(|r| r.reason.is_some()).collect();
    if !uncovered.is_empty() {
        println!("\nnot covered by the typed surface ({}):", uncovered.len());
        for r in uncovered {
            println!("  {shown}:{}: {} {}: {}", r.call.line, r.call.method, r.call.url, r.reason.as_deref().unwrap_or(""));
        }
    }
    println!("\nscope plan (least privileged, merged where a higher scope in the set covers a call):");
    for (n, p) in &plans {
        let scopes = if p.scopes.is_empty() { "none".to_string() } else { p.scopes.join(", ") };
        println!("  {n}: {scopes}");
        if !p.unsupported.is_empty() {
            println!("    not possible under this scheme: lines {:?}", p.unsupported.iter().map(line_of).collect::<Vec<_>>());
        }
        if !p.unknown.is_empty() {
            println!("    permissions unknown: lines {:?}", p.unknown.iter().map(line_of).collect::<Vec<_>>());
        }
    }
    for d in diags.iter().filter(|d| d.is_error() && d.origin.file != shown) {
        println!("{d}");
    }
    println!(
        "\nrequests: {} calls, {} covered by the typed surface, {} with known permissions; {}/{} pass the example checks",
        results.len(),
        covered,
        with_permissions,
        checked.figures.requests_matched,
        checked.figures.requests
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_bodies() {
        let (calls, diags) = parse_lines("r.txt", "# my app\nGET /me\nPOST https://graph.microsoft.com/v1.0/me/sendMail\n{\"message\": {}}\n\nfoo bar\n{}\n");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].body.as_deref(), Some("{\"message\": {}}"));
        assert_eq!(calls[1].line, 3);
        assert_eq!(diags.len(), 2, "{diags:?}");
    }

    #[test]
    fn har_entries() {
        let har = r#"{"log": {"entries": [
            {"request": {"method": "get", "url": "https://graph.microsoft.com/v1.0/me/messages?$top=2"}},
            {"request": {"method": "POST", "url": "https://graph.microsoft.com/v1.0/me/events", "postData": {"text": "{\"subject\":\"x\"}"}}}
        ]}}"#;
        let (calls, diags) = parse_har("a.har", har);
        assert!(diags.is_empty());
        assert_eq!(calls[0].method, "GET");
        assert_eq!(calls[1].body.as_deref(), Some("{\"subject\":\"x\"}"));
        assert_eq!(parse_har("a.har", "{").1[0].code, FILE_INVALID);
    }
}
