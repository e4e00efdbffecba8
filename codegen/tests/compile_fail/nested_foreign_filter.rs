// A `$filter` nested in `$expand=memberOf(…)` filters directory objects: a condition on a
// property of `user` (the owner of the navigation) is not one on its target.
use graph::microsoft_graph::{UserExpand, UserField};

fn main() {
    let _ = graph::users().list().expand(UserExpand::member_of().filter(UserField::DISPLAY_NAME.eq("x")));
}
