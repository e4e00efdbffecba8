// `mail` does not list `not`, so a condition on it cannot be negated.
use graph::microsoft_graph::UserField;
use graph_runtime::filter::not;

fn main() {
    let _ = graph::users().list().filter(not(UserField::MAIL.eq("a@contoso.com")));
}
