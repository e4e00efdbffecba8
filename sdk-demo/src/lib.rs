//! A small SDK on top of the generated Graph crate (`graph`) and its runtime
//! (`graph_runtime`): cloud licensing calls and a license report.
//!
//! Everything here is what an SDK author writes: no URL strings, no JSON, no paging loop,
//! no error parsing. Requests come from the generated builders, bodies from the generated
//! write models, and the runtime [`Client`] sends them over any [`Transport`] (the demo
//! uses [`ReqwestTransport`](graph_runtime::client::ReqwestTransport)).
//!
//! [`tenant`] is a tenant tool on the same pieces: a user directory kept current by delta
//! queries (resumed from a saved token), a webhook inbox for change notifications, and
//! large-file upload in ranges.
//!
//! The example `examples/license_report.rs` runs [`run_demo`] against Graph; the
//! integration test `tests/over_http.rs` runs it against a local HTTP server that serves
//! the docs' example responses.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;

use graph::cloud_licensing::{Allotment, Assignment, AssignmentExpand, AssignmentUpdate, NewAssignment};
use graph_runtime::client::{Client, TokenProvider, Transport};
use graph_runtime::edm::Guid;
use graph_runtime::Error;

pub use graph_runtime::client::StaticToken;

pub mod tenant;

/// Every allotment of the tenant (`GET /admin/cloudLicensing/allotments`, all pages).
pub async fn list_allotments<T: Transport, P: TokenProvider>(client: &Client<T, P>) -> Result<Vec<Allotment>, Error> {
    client.pages(graph::admin().cloud_licensing().allotments().list()).collect_all().await
}

/// Every assignment with the object it is assigned to and its allotment
/// (`GET /admin/cloudLicensing/assignments?$expand=assignedTo,allotment`), following
/// `@odata.nextLink` until the last page. `on_page` sees each page's item count.
pub async fn list_assignments_expanded<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    mut on_page: impl FnMut(usize),
) -> Result<Vec<Assignment>, Error> {
    let list = graph::admin()
        .cloud_licensing()
        .assignments()
        .list()
        .expand(AssignmentExpand::assigned_to())
        .expand(AssignmentExpand::allotment());
    let mut pages = client.pages(list);
    let mut all = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page?;
        on_page(page.value.len());
        all.extend(page.value);
    }
    Ok(all)
}

/// Assigns licenses from an allotment to a user (`POST /admin/cloudLicensing/assignments`),
/// switching off `disabled_plans`.
pub async fn assign_license<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    allotment_url: &str,
    user_url: &str,
    disabled_plans: Vec<Guid>,
) -> Result<Assignment, Error> {
    let body = NewAssignment {
        odata_type: Some("#microsoft.graph.cloudLicensing.assignment".into()),
        disabled_service_plan_ids: disabled_plans,
        allotment_bind: Some(allotment_url.into()),
        assigned_to_bind: Some(user_url.into()),
        additional: Default::default(),
    };
    client.send(&graph::admin().cloud_licensing().assignments().create(&body)).await
}

/// Replaces the disabled service plans of an assignment (`PATCH`); only that property is
/// sent. `None` sends an explicit `null`.
pub async fn set_disabled_plans<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    assignment_id: &str,
    plans: Option<Vec<Guid>>,
) -> Result<Assignment, Error> {
    let patch = AssignmentUpdate { disabled_service_plan_ids: Some(plans), ..Default::default() };
    client.send(&graph::admin().cloud_licensing().assignments().by_id(assignment_id).update(&patch)).await
}

/// Removes an assignment (`DELETE`, `204 No Content`).
pub async fn remove_assignment<T: Transport, P: TokenProvider>(client: &Client<T, P>, assignment_id: &str) -> Result<(), Error> {
    client.send(&graph::admin().cloud_licensing().assignments().by_id(assignment_id).delete()).await.map(drop)
}

/// Whether an assignment exists: `Ok(false)` when Graph answers `404` (with its OData
/// error), any other failure is an error.
pub async fn assignment_exists<T: Transport, P: TokenProvider>(client: &Client<T, P>, assignment_id: &str) -> Result<bool, Error> {
    match client.send(&graph::admin().cloud_licensing().assignments().by_id(assignment_id).get()).await {
        Ok(_) => Ok(true),
        Err(e) if e.status() == Some(graph_runtime::http::StatusCode::NOT_FOUND) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Asks Graph to re-evaluate a user's license assignments
/// (`POST /users/{id}/cloudLicensing/assignments/reprocessAssignments`).
pub async fn reprocess_user<T: Transport, P: TokenProvider>(client: &Client<T, P>, user_id: &str) -> Result<(), Error> {
    client.send(&graph::users().by_id(user_id).cloud_licensing().assignments().reprocess_assignments()).await.map(drop)
}

/// One SKU of a [`LicenseReport`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkuLine {
    /// SKU part number (e.g. `EXCHANGESTANDARD`), or `?` when not known.
    pub sku_part_number: String,
    /// SKU id (GUID text), or empty when not known.
    pub sku_id: String,
    /// Licenses in the SKU's allotments.
    pub allotted: i64,
    /// Licenses used.
    pub consumed: i64,
    /// Assignments seen that draw on the SKU's allotments.
    pub assignments: usize,
}

impl SkuLine {
    /// Licenses left (negative when over-consumed).
    pub fn available(&self) -> i64 {
        self.allotted - self.consumed
    }
}

/// Allotted, consumed and available units per SKU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenseReport {
    /// One line per SKU, ordered by part number.
    pub lines: Vec<SkuLine>,
}

impl LicenseReport {
    /// Builds the report from the allotments and the assignments (with expanded
    /// `allotment`). Allotments are counted once by id; an allotment known only from an
    /// expanded assignment counts too. The first occurrence of an id wins.
    pub fn build(allotments: &[Allotment], assignments: &[Assignment]) -> Self {
        let mut by_id: BTreeMap<String, &Allotment> = BTreeMap::new();
        let expanded = assignments.iter().filter_map(|a| a.allotment.as_deref());
        for allotment in allotments.iter().chain(expanded) {
            if let Some(id) = &allotment.id {
                by_id.entry(id.clone()).or_insert(allotment);
            }
        }
        let sku_key = |a: &Allotment| {
            let id = a.sku_id.clone().flatten().map(|g| g.as_str().to_ascii_lowercase()).unwrap_or_default();
            let name = a.sku_part_number.clone().flatten().unwrap_or_else(|| "?".into());
            (name, id)
        };
        let mut lines: BTreeMap<(String, String), SkuLine> = BTreeMap::new();
        for a in by_id.values() {
            let (name, id) = sku_key(a);
            let line = lines.entry((name.clone(), id.clone())).or_insert_with(|| SkuLine { sku_part_number: name, sku_id: id, ..Default::default() });
            line.allotted += i64::from(a.allotted_units.unwrap_or(0));
            line.consumed += i64::from(a.consumed_units.unwrap_or(0));
        }
        for assignment in assignments {
            let canonical = assignment.allotment.as_ref().and_then(|a| a.id.as_ref()).and_then(|id| by_id.get(id));
            if let Some(line) = canonical.and_then(|a| lines.get_mut(&sku_key(a))) {
                line.assignments += 1;
            }
        }
        LicenseReport { lines: lines.into_values().collect() }
    }
}

impl fmt::Display for LicenseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<20} {:<36} {:>8} {:>8} {:>9} {:>11}", "SKU", "SKU id", "allotted", "consumed", "available", "assignments")?;
        for l in &self.lines {
            writeln!(f, "{:<20} {:<36} {:>8} {:>8} {:>9} {:>11}", l.sku_part_number, l.sku_id, l.allotted, l.consumed, l.available(), l.assignments)?;
        }
        Ok(())
    }
}

/// What [`run_demo`] needs to know about the tenant.
#[derive(Clone, Debug)]
pub struct DemoInput {
    /// URL of the allotment to assign from (for `allotment@odata.bind`).
    pub allotment_url: String,
    /// URL of the user to assign to (for `assignedTo@odata.bind`).
    pub user_url: String,
    /// Id of that user (for `reprocessAssignments`).
    pub user_id: String,
    /// Service plan to switch off in the new assignment.
    pub disabled_plan: Guid,
}

/// The whole scenario: list allotments, page through assignments (expanded), create an
/// assignment, switch all its services on (PATCH), delete it, check it is gone, reprocess
/// the user's assignments, and print the license report. Progress goes to `out`.
pub async fn run_demo<T: Transport, P: TokenProvider>(
    client: &Client<T, P>,
    input: &DemoInput,
    out: &mut impl Write,
) -> Result<LicenseReport, Box<dyn std::error::Error>> {
    let allotments = list_allotments(client).await?;
    writeln!(out, "allotments: {}", allotments.len())?;

    let mut page_no = 0;
    let assignments = list_assignments_expanded(client, |n| {
        page_no += 1;
        let _ = writeln!(out, "assignments page {page_no}: {n} item(s)");
    })
    .await?;
    for a in &assignments {
        let to = a.assigned_to.as_ref().and_then(|d| d.additional.get("displayName")).and_then(|v| v.as_str()).unwrap_or("?");
        let sku = a.allotment.as_ref().and_then(|al| al.sku_part_number.clone().flatten()).unwrap_or_else(|| "?".into());
        writeln!(out, "  assignment {} → {to} ({sku})", a.id.as_deref().unwrap_or("?"))?;
    }

    let created = assign_license(client, &input.allotment_url, &input.user_url, vec![input.disabled_plan.clone()]).await?;
    let id = created.id.clone().ok_or("created assignment has no id")?;
    writeln!(out, "created assignment {id}")?;

    let updated = set_disabled_plans(client, &id, Some(Vec::new())).await?;
    writeln!(out, "updated assignment {}: {} plan(s) disabled", updated.id.as_deref().unwrap_or(&id), updated.disabled_service_plan_ids.map_or(0, |p| p.len()))?;

    remove_assignment(client, &id).await?;
    writeln!(out, "deleted assignment {id}")?;
    writeln!(out, "assignment {id} still exists: {}", assignment_exists(client, &id).await?)?;

    reprocess_user(client, &input.user_id).await?;
    writeln!(out, "reprocessing assignments of user {}", input.user_id)?;

    let report = LicenseReport::build(&allotments, &assignments);
    write!(out, "\n{report}")?;
    Ok(report)
}

// Every `rust` code block of the repository README is compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;


