// What the misuse cases change, written correctly: this builds and runs.
use graph::microsoft_graph::{AssignedLicenseField, AudienceMember, DirectoryObjectField, UserExpand, UserField, UserKind};
use graph_runtime::filter::not;

fn main() {
    let sku: graph_runtime::edm::Guid = "639dec6b-bb19-468b-871c-c5c441c4b0cb".parse().unwrap();
    let f = UserField::DISPLAY_NAME
        .starts_with("A")
        .and(UserField::MAIL.eq("a@contoso.com"))
        .and(UserField::MAIL.starts_with("a"))
        .and(not(UserField::DISPLAY_NAME.ends_with("z")))
        .and(UserField::OBJECT_GUID.eq(sku.clone()))
        .and(UserField::AGE.ge(18))
        .and(UserField::KIND.eq(UserKind::Guest))
        .and(UserField::AUDIENCES.has(AudienceMember::External))
        .and(UserField::MANAGER.at(DirectoryObjectField::ID).eq("m"))
        .and(UserField::ASSIGNED_LICENSES.any("l", |l| l.at(AssignedLicenseField::SKU_ID).eq(sku)))
        .and(UserField::PROXY_ADDRESSES.any("p", |p| p.starts_with("smtp:")));
    let request = graph::users().list().filter(f).orderby(UserField::DISPLAY_NAME, false);
    let http = request.to_http("https://graph.microsoft.com/v1.0").unwrap();
    // `endsWith` and `not`, and `$orderby` with `$filter`: an advanced query on directory objects.
    assert_eq!(http.headers()["consistencylevel"], "eventual");
    assert_eq!(request.query().count, Some(true));
    assert_eq!(
        request.query().filter.as_deref(),
        Some(
            "startswith(displayName,'A') and mail eq 'a@contoso.com' and startswith(mail,'a') \
             and not(endswith(displayName,'z')) and objectGuid eq 639dec6b-bb19-468b-871c-c5c441c4b0cb \
             and age ge 18 and kind eq 'guest' and audiences has 'external' and manager/id eq 'm' \
             and assignedLicenses/any(l:l/skuId eq 639dec6b-bb19-468b-871c-c5c441c4b0cb) \
             and proxyAddresses/any(p:startswith(p,'smtp:'))"
        )
    );
    // Options nested in `$expand` are typed by the navigation's target (`directoryObject`).
    let nested = graph::users()
        .list()
        .expand(
            UserExpand::member_of()
                .select([DirectoryObjectField::Id])
                .filter(DirectoryObjectField::ID.eq("g;1)").or(graph_runtime::filter::not(DirectoryObjectField::DELETED_DATE_TIME.eq_null())))
                .orderby(DirectoryObjectField::ID, true)
                .top(5),
        )
        .expand(UserExpand::manager().select([DirectoryObjectField::Id]));
    assert_eq!(
        nested.relative_url(),
        "/users?$expand=memberOf($select=id;$filter=id%20eq%20'g;1)'%20or%20not(deletedDateTime%20eq%20null);$orderby=id%20desc;$top=5),manager($select=id)"
    );
}
