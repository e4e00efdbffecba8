// `$orderby` of a users request takes a property of `user`, not of another type.
use graph::microsoft_graph::AssignedLicenseField;

fn main() {
    let _ = graph::users().list().orderby(AssignedLicenseField::SKU_ID, false);
}
