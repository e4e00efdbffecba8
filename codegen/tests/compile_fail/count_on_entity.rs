// `$count` counts a collection; one user is not one.
fn main() {
    let _ = graph::users().list().count(true);
    let _ = graph::users().by_id("u").get().count(true);
}
