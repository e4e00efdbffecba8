// `objectGuid` is an `Edm.Guid`: a string (a GUID quoted as text) is not one.
use graph::microsoft_graph::UserField;

fn main() {
    let _ = graph::users().list().filter(UserField::OBJECT_GUID.eq("639dec6b-bb19-468b-871c-c5c441c4b0cb"));
}
