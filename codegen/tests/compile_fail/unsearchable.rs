// `device` is `SearchRestrictions/Searchable=false`; `user` says nothing, so it searches.
fn main() {
    let _ = graph::users().list().search("\"displayName:a\"");
    let _ = graph::devices().list().search("\"displayName:a\"");
}
