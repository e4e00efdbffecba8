//! `codegen`: Graph reference pages and CSDL in, Rust out.
//!
//! Layers (each a module, each plain functions over plain data; no I/O anywhere):
//! `docs` (read pages) → `extract` (facts from pages) → `derive` (schema from resource pages)
//! → `csdl` (schema model, YAML and XML readers/writers) → `ir` (lower + normalise)
//! → `emit` (TokenStreams) → `format` (prettyplease). `xtask` does all reading and writing.

pub mod diag;
pub mod docs;
pub mod csdl;
pub mod extract;
pub mod body_required;
pub mod derive;
pub mod odata_query;
pub mod filter_parse;
pub mod query_caps;
pub mod paths;
pub mod ir;
pub mod emit;
pub mod pipeline;
pub mod check;
pub mod reconcile;
pub mod permissions;
