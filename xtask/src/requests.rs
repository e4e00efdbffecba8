use crate::report::ReportArgs; use std::process::ExitCode; pub fn run(_a: &ReportArgs) -> ExitCode { ExitCode::FAILURE }
