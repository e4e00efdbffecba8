// `secret` is in `NonFilterableProperties` and `NonSortableProperties`: it has no handle.
use graph::microsoft_graph::UserField;

fn main() {
    let _ = graph::users().list().filter(UserField::SECRET.eq("x"));
}
