// `nickname` filters but is in `NonSortableProperties`.
use graph::microsoft_graph::UserField;

fn main() {
    let _ = graph::users().list().filter(UserField::NICKNAME.eq("x"));
    let _ = graph::users().list().orderby(UserField::NICKNAME, false);
}
