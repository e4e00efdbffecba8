//! `cargo xtask report`: read and check a docs tree; writes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Docs tree to read.
    #[arg(long)]
    pub docs: PathBuf,
    /// Real CSDL XML to reconcile with.
    #[arg(long)]
    pub csdl: Option<PathBuf>,
    #[arg(long = "namespace")]
    pub namespaces: Vec<String>,
    /// One JSON object on stdout instead of the human form.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_a: ReportArgs) -> ExitCode {
    eprintln!("report: not implemented yet");
    ExitCode::FAILURE
}
