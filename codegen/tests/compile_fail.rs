//! The typed `$filter` / `$orderby` handles turn misuse into compile errors: each case below
//! differs from `compile_fail/typed_ok.rs` (which builds and runs) by one misuse, and its
//! expected compiler output is checked in beside it. The crate they use is `goldens/filters`,
//! emitted from `tests/fixtures/filters.csdl.xml` (Capabilities restrictions on `user`).
//! `TRYBUILD=overwrite cargo test -p codegen --test compile_fail` accepts new compiler output.

#[test]
fn typed_query_options_reject_misuse_at_compile_time() {
    let t = trybuild::TestCases::new();
    t.pass("tests/compile_fail/typed_ok.rs");
    for case in ["not_filterable", "unsupported_operator", "unsupported_not", "wrong_literal_type", "unsortable_orderby", "foreign_property", "nested_foreign_filter", "unsearchable", "count_on_entity"] {
        t.compile_fail(format!("tests/compile_fail/{case}.rs"));
    }
}
