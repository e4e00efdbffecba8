// `mail` supports `eq` and `startsWith` only (`FilterExpressionRestrictions`).
use graph::microsoft_graph::UserField;

fn main() {
    let _ = graph::users().list().filter(UserField::MAIL.ends_with("@contoso.com"));
}
