//! Permissions and headers of operations, as data.
//!
//! Generated code emits one `static` [`Operation`] per documented operation; requests
//! point at it, so [`Request::permissions`](crate::Request::permissions) can answer
//! "which scopes does this call need" before anything is sent.

/// Permissions of one scheme: the least-privileged ones and the higher-privileged alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scheme {
    /// Least-privileged permissions (any one suffices).
    pub least: &'static [&'static str],
    /// Higher-privileged permissions that also work.
    pub higher: &'static [&'static str],
}

impl Scheme {
    /// A scheme the operation does not support.
    pub const NOT_SUPPORTED: Scheme = Scheme { least: &[], higher: &[] };

    /// Whether the operation can be called under this scheme.
    pub fn supported(&self) -> bool {
        !self.least.is_empty()
    }

    /// Whether `permission` (least or higher) is accepted.
    pub fn accepts(&self, permission: &str) -> bool {
        self.least.iter().chain(self.higher).any(|p| p.eq_ignore_ascii_case(permission))
    }
}

/// Permissions per scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permissions {
    /// Delegated (work or school account).
    pub delegated_work: Scheme,
    /// Delegated (personal Microsoft account).
    pub delegated_personal: Scheme,
    /// Application.
    pub application: Scheme,
}

/// A request header documented for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HeaderSpec {
    /// Header name, e.g. `Content-Type`.
    pub name: &'static str,
    /// The fixed value when the documentation prescribes one (e.g. `application/json`).
    pub value: Option<&'static str>,
    /// Whether the documentation marks the header as required.
    pub required: bool,
}

/// Permissions for one of the operation's path templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PathPermissions {
    /// The path template, e.g. `/admin/cloudLicensing/assignments/{assignment-id}`.
    pub template: &'static str,
    /// Its permissions, when documented.
    pub permissions: Option<Permissions>,
}

/// A documented operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// Stable identifier, e.g. `cloudLicensing.assignment.update`.
    pub id: &'static str,
    /// HTTP method, e.g. `PATCH`.
    pub method: &'static str,
    /// The path templates the operation is documented under, with their permissions.
    pub paths: &'static [PathPermissions],
    /// Documented request headers.
    pub headers: &'static [HeaderSpec],
    /// Link to (or title of) the documentation page.
    pub doc: &'static str,
}

impl Operation {
    /// Permissions for the path `template`. Templates match when equal after replacing each
    /// `{parameter}` (optionally in quotes, `'{p}'`) by a placeholder, so parameter names do
    /// not matter; a trailing `/` and ASCII case are ignored as well.
    pub fn permissions_for(&self, template: &str) -> Option<&Permissions> {
        self.path(template).and_then(|p| p.permissions.as_ref())
    }

    /// The documented path matching `template` (same matching as
    /// [`permissions_for`](Self::permissions_for)). Unlike `permissions_for`, this tells a
    /// path whose permissions are not documented (`Some` with `permissions: None`) from a
    /// path the operation is not documented under (`None`).
    pub fn path(&self, template: &str) -> Option<&PathPermissions> {
        let wanted = normalize_template(template);
        self.paths.iter().find(|p| normalize_template(p.template) == wanted)
    }

    /// The header spec named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&HeaderSpec> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// `{x}`, `'{x}'` → `{}`; lower-case; no trailing `/`.
pub(crate) fn normalize_template(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
                if out.ends_with('\'') && chars.peek() == Some(&'\'') {
                    out.pop();
                    chars.next();
                }
                out.push_str("{}");
            }
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "cloudLicensing.assignment.update",
        method: "PATCH",
        paths: &[
            PathPermissions {
                template: "/admin/cloudLicensing/assignments/{assignment-id}",
                permissions: Some(Permissions {
                    delegated_work: Scheme { least: &["CloudLicensing.ReadWrite"], higher: &[] },
                    delegated_personal: Scheme::NOT_SUPPORTED,
                    application: Scheme { least: &["CloudLicensing.ReadWrite.All"], higher: &[] },
                }),
            },
            PathPermissions { template: "/reports/f(period='{period_value}')", permissions: None },
        ],
        headers: &[HeaderSpec { name: "Content-Type", value: Some("application/json"), required: true }],
        doc: "",
    };

    #[test]
    fn match_templates() {
        let p = OP.permissions_for("/admin/cloudLicensing/assignments/{id}").unwrap();
        assert!(p.delegated_work.supported());
        assert!(!p.delegated_personal.supported());
        assert!(OP.permissions_for("/admin/cloudLicensing/assignments").is_none());
        assert_eq!(normalize_template("/reports/f(period='{period_value}')"), normalize_template("/reports/f(period={period})"));
        assert!(OP.header("content-type").unwrap().required);
        let undocumented = OP.path("/reports/f(period='{p}')").unwrap();
        assert!(undocumented.permissions.is_none());
        assert!(OP.path("/reports/g(period='{p}')").is_none());
    }
}
