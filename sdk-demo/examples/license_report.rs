//! License report over Microsoft Graph (beta): lists allotments, pages through assignments
//! with `$expand=assignedTo,allotment`, creates / updates / deletes an assignment, reprocesses
//! a user's assignments and prints allotted / consumed / available units per SKU.
//!
//! ```text
//! GRAPH_TOKEN=eyJ0… GRAPH_ALLOTMENT_ID=… GRAPH_USER_ID=… GRAPH_DISABLED_PLAN=<guid> \
//!     cargo run -p graph-sdk-demo --example license_report
//! ```
//!
//! `GRAPH_BASE_URL` (default `https://graph.microsoft.com/beta`) points it elsewhere, e.g.
//! at a local test server. The token needs `CloudLicensing.Read` and
//! `CloudLicensing.AssignLicenses` (delegated); the program prints what each call needs.

use graph_runtime::client::{Client, ReqwestTransport};
use graph_sdk_demo::{run_demo, DemoInput, StaticToken};

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("GRAPH_BASE_URL").unwrap_or_else(|_| "https://graph.microsoft.com/beta".into());
    let base = base.trim_end_matches('/').to_owned();
    let allotment_id = env("GRAPH_ALLOTMENT_ID")?;
    let user_id = env("GRAPH_USER_ID")?;
    let input = DemoInput {
        allotment_url: format!("{base}/admin/cloudLicensing/allotments/{allotment_id}"),
        user_url: format!("{base}/users/{user_id}"),
        user_id,
        disabled_plan: env("GRAPH_DISABLED_PLAN")?.parse()?,
    };

    // Permissions as data, before anything is sent.
    let calls = [
        ("list allotments", graph::admin().cloud_licensing().allotments().list().permissions()),
        ("list assignments", graph::admin().cloud_licensing().assignments().list().permissions()),
        ("delete assignment", graph::admin().cloud_licensing().assignments().by_id("x").delete().permissions()),
    ];
    for (what, permissions) in calls {
        match permissions {
            Some(p) => println!("{what}: delegated {:?}, application {:?}", p.delegated_work.least, p.application.least),
            None => println!("{what}: permissions not documented"),
        }
    }

    let client = Client::new(base, ReqwestTransport::new(), StaticToken::new(env("GRAPH_TOKEN")?));
    run_demo(&client, &input, &mut std::io::stdout()).await?;
    Ok(())
}
