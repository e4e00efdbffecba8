//! Flags, wire enums, double_option, Page and NoContent (de)serialisation.

mod common;

use common::*;
use graph_runtime::filter::{field, Literal};
use graph_runtime::{Flags, NoContent, Page, WireEnum};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[test]
fn wire_enum_keeps_unknown_members() {
    let v: Vec<AssigneeTypes> = serde_json::from_value(json!(["user", "unknownFutureValue", "servicePrincipal"])).unwrap();
    assert_eq!(v, vec![AssigneeTypes::User, AssigneeTypes::UnknownFutureValue, AssigneeTypes::Unknown("servicePrincipal".into())]);
    assert_eq!(serde_json::to_value(&v).unwrap(), json!(["user", "unknownFutureValue", "servicePrincipal"]));
    assert!(serde_json::from_value::<AssigneeTypes>(json!(3)).is_err());
    assert_eq!(field("state").eq(AssigneeTypes::Group).to_string(), "state eq 'group'");
}

#[test]
fn flags_parse_and_serialise() {
    let f: Flags<AssigneeTypes> = Flags::parse("user,group");
    assert!(f.contains(&AssigneeTypes::User) && f.contains(&AssigneeTypes::Group) && !f.contains(&AssigneeTypes::None));
    assert_eq!(f.len(), 2);
    assert_eq!(f.to_wire(), "user,group");
    assert_eq!(f.to_string(), "user,group");
    assert_eq!(format!("{f:?}"), "{User, Group}");
    assert_eq!(f, Flags::parse("group, user")); // order-insensitive equality, spaces tolerated
    assert_eq!(Flags::<AssigneeTypes>::parse("group, user").to_wire(), "group,user"); // wire order kept

    // "none" is just the member none; "" is the empty set.
    let none: Flags<AssigneeTypes> = serde_json::from_value(json!("none")).unwrap();
    assert_eq!(none.iter().collect::<Vec<_>>(), vec![&AssigneeTypes::None]);
    assert_eq!(serde_json::to_value(&none).unwrap(), json!("none"));
    let empty: Flags<AssigneeTypes> = serde_json::from_value(json!("")).unwrap();
    assert!(empty.is_empty());
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!(""));

    // Unknown members survive a round trip.
    let f: Flags<AssigneeTypes> = serde_json::from_value(json!("user,servicePrincipal")).unwrap();
    assert!(f.contains(&AssigneeTypes::Unknown("servicePrincipal".into())));
    assert_eq!(serde_json::to_value(&f).unwrap(), json!("user,servicePrincipal"));

    let mut built: Flags<AssigneeTypes> = [AssigneeTypes::Group, AssigneeTypes::User, AssigneeTypes::Group].into_iter().collect();
    assert_eq!(built.to_wire(), "group,user");
    built.insert(AssigneeTypes::User);
    assert_eq!(built.len(), 2);
    assert!(built.remove(&AssigneeTypes::Group));
    assert_eq!(built.to_wire(), "user");
    assert_eq!(Flags::<AssigneeTypes>::default(), Flags::new());
    assert_eq!(Literal::from(&f).to_string(), "'user,servicePrincipal'");
    assert_eq!(field("assignableTo").eq(&Flags::parse("user,group") as &Flags<AssigneeTypes>).to_string(), "assignableTo eq 'user,group'");
    assert_eq!(AssigneeTypes::from_wire("group").as_wire(), "group");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Patch {
    #[serde(default, with = "graph_runtime::double_option", skip_serializing_if = "Option::is_none")]
    note: Option<Option<String>>,
    #[serde(default, with = "graph_runtime::double_option", skip_serializing_if = "Option::is_none")]
    units: Option<Option<i32>>,
}

#[test]
fn double_option() {
    let cases = [
        (json!({}), Patch { note: None, units: None }),
        (json!({"note": null}), Patch { note: Some(None), units: None }),
        (json!({"note": "x", "units": 3}), Patch { note: Some(Some("x".into())), units: Some(Some(3)) }),
        (json!({"units": null}), Patch { note: None, units: Some(None) }),
    ];
    for (wire, value) in cases {
        assert_eq!(serde_json::from_value::<Patch>(wire.clone()).unwrap(), value);
        assert_eq!(serde_json::to_value(&value).unwrap(), wire);
    }
}

#[test]
fn page_round_trip() {
    let wire = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#admin/cloudLicensing/allotments",
        "@odata.count": 2,
        "@odata.nextLink": "https://graph.microsoft.com/beta/admin/cloudLicensing/allotments?$skiptoken=abc",
        "value": [
            {"id": "1", "allottedUnits": 5, "assignments@odata.count": 3},
            {"id": "2", "unknownProperty": {"nested": true}}
        ],
        "@vendor.annotation": [1]
    });
    let page: Page<Allotment> = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(page.count, Some(2));
    assert_eq!(page.next_link.as_deref(), Some("https://graph.microsoft.com/beta/admin/cloudLicensing/allotments?$skiptoken=abc"));
    assert_eq!(page.delta_link, None);
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[0].additional["assignments@odata.count"], json!(3));
    assert!(page.additional.contains_key("@odata.context") && page.additional.contains_key("@vendor.annotation"));
    assert_eq!(serde_json::to_value(&page).unwrap(), wire);

    let last = json!({"value": [], "@odata.deltaLink": "https://x/delta?token=1"});
    let page: Page<Allotment> = serde_json::from_value(last.clone()).unwrap();
    assert_eq!(page.delta_link.as_deref(), Some("https://x/delta?token=1"));
    assert_eq!(serde_json::to_value(&page).unwrap(), last);
}

#[test]
fn no_content() {
    assert_eq!(serde_json::from_str::<NoContent>("null").unwrap(), NoContent);
    assert_eq!(serde_json::from_str::<NoContent>("{\"ignored\":1}").unwrap(), NoContent);
    assert_eq!(serde_json::to_string(&NoContent).unwrap(), "null");
}

#[test]
fn odata_error_round_trip() {
    use graph_runtime::ODataError;
    let wire = serde_json::json!({"error": {
        "code": "Request_ResourceNotFound", "message": "Not found.", "target": "id",
        "details": [{"code": "x", "message": "y", "extra": 1}],
        "innerError": {"date": "2025-07-18T00:00:00", "request-id": "r1", "client-request-id": "c1", "innerError": {"code": "deeper"}},
        "@odata.context": "kept"
    }});
    let e: ODataError = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(e.error.code, "Request_ResourceNotFound");
    assert_eq!(e.error.details[0].additional["extra"], 1);
    let inner = e.error.inner_error.as_ref().unwrap();
    assert_eq!((inner.request_id.as_deref(), inner.additional["innerError"]["code"].as_str()), (Some("r1"), Some("deeper")));
    assert_eq!(serde_json::to_value(&e).unwrap(), wire);
    // Lenient where Graph is: code and message default to empty, details to none.
    let bare: ODataError = serde_json::from_value(serde_json::json!({"error": {}})).unwrap();
    assert_eq!(serde_json::to_value(&bare).unwrap(), serde_json::json!({"error": {"code": "", "message": ""}}));
    assert!(serde_json::from_value::<ODataError>(serde_json::json!({"err": {}})).is_err());
}
