#[test]
#[ignore]
fn dbg() {
    let text = std::fs::read_to_string("../../shared/csdl/graph-v1.0.csdl.xml").unwrap();
    let (s, _) = codegen::csdl::xml::read("x", &text);
    for p in ["/groups/delta", "/me/drive/root/delta", "/me/drive/items/{id}/workbook/worksheets/{id}/charts/itemAt"] {
        let r = codegen::paths::resolve(&s, p).unwrap();
        let t = r.target();
        println!("{p}: {:?}", t);
        if let codegen::paths::SegKind::Operation { qname, .. } = &t.kind {
            let (ns, n) = codegen::csdl::split_qualified(qname);
            let ops = &s.namespaces[ns].operations[n];
            for o in ops.iter().take(3) { println!("  {:?} bound={} first={:?}", o.kind, o.bound, o.parameters.first().map(|p| &p.ty)); }
        }
    }
}
