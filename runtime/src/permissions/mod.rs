//! Permissions and headers of operations, as data.
//!
//! Generated code emits one `static` [`Operation`] per documented operation; requests
//! point at it, so [`Request::permissions`](crate::Request::permissions) can answer
//! "which scopes does this call need" before anything is sent.
//!
//! * [`Permissions::least`], [`Permissions::all`], [`Permissions::supports`] per
//!   [`AuthScheme`] (the same on [`Request`](crate::Request) for its own path);
//! * [`plan`]: the smallest set of scopes that lets every request of a list run;
//! * [`lookup`]: the operation and permissions of a URL obtained elsewhere, through the
//!   generated crate's sorted index of (method, path template);
//! * [`TokenClaims`]: the `scp` / `roles` claims of a bearer token, for the client's check
//!   before sending ([`Client::check_token_scopes`](crate::client::Client::check_token_scopes)).

mod index;
mod plan;
mod token;
pub use index::*;
pub use plan::*;
pub use token::*;

/// The three ways an app can be authorised: the columns of Graph's permission tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthScheme {
    /// Delegated, work or school account.
    DelegatedWork,
    /// Delegated, personal Microsoft account.
    DelegatedPersonal,
    /// Application (app-only, `roles` claim).
    Application,
}

impl AuthScheme {
    /// Every scheme, in table order.
    pub const ALL: [AuthScheme; 3] = [AuthScheme::DelegatedWork, AuthScheme::DelegatedPersonal, AuthScheme::Application];

    /// The name used by Microsoft's permissions data (`DelegatedWork`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::DelegatedWork => "DelegatedWork",
            AuthScheme::DelegatedPersonal => "DelegatedPersonal",
            AuthScheme::Application => "Application",
        }
    }
}

impl std::fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `permission` is accepted only together with one of `one_of` (the data's `AlsoRequires`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlsoRequires {
    /// The permission that needs a companion.
    pub permission: &'static str,
    /// Any one of these must be granted as well.
    pub one_of: &'static [&'static str],
}

/// Permissions of one scheme: the least-privileged ones and the higher-privileged alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scheme {
    /// Least-privileged permissions (any one suffices).
    pub least: &'static [&'static str],
    /// Higher-privileged permissions that also work, least privileged first where the
    /// permissions data gives privilege levels.
    pub higher: &'static [&'static str],
    /// Permissions that work only together with another one.
    pub also_requires: &'static [AlsoRequires],
}

impl Scheme {
    /// A scheme the operation does not support.
    pub const NOT_SUPPORTED: Scheme = Scheme { least: &[], higher: &[], also_requires: &[] };

    /// Whether the operation can be called under this scheme.
    pub fn supported(&self) -> bool {
        !self.least.is_empty()
    }

    /// Whether `permission` (least or higher) is accepted.
    pub fn accepts(&self, permission: &str) -> bool {
        self.least.iter().chain(self.higher).any(|p| p.eq_ignore_ascii_case(permission))
    }

    /// Least-privileged permissions first, then the higher ones.
    pub fn all(&self) -> impl Iterator<Item = &'static str> {
        self.least.iter().chain(self.higher).copied()
    }

    /// The companions `permission` needs (empty when it needs none).
    pub fn companions(&self, permission: &str) -> &'static [&'static str] {
        self.also_requires.iter().find(|a| a.permission.eq_ignore_ascii_case(permission)).map(|a| a.one_of).unwrap_or(&[])
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

impl Permissions {
    /// The permissions of one scheme.
    pub fn scheme(&self, scheme: AuthScheme) -> &Scheme {
        match scheme {
            AuthScheme::DelegatedWork => &self.delegated_work,
            AuthScheme::DelegatedPersonal => &self.delegated_personal,
            AuthScheme::Application => &self.application,
        }
    }

    /// Least-privileged permissions under `scheme` (any one suffices; empty when unsupported).
    pub fn least(&self, scheme: AuthScheme) -> &'static [&'static str] {
        self.scheme(scheme).least
    }

    /// Every permission accepted under `scheme`: least privileged first, then higher.
    pub fn all(&self, scheme: AuthScheme) -> impl Iterator<Item = &'static str> {
        self.scheme(scheme).all()
    }

    /// Whether the call can be made under `scheme` at all.
    pub fn supports(&self, scheme: AuthScheme) -> bool {
        self.scheme(scheme).supported()
    }
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

/// The one rule by which path templates are compared, here and in the code generator:
/// `{x}` and `'{x}'` → `{}` (parameter names do not matter), ASCII lower case, an empty
/// argument list `()` dropped (`delta()` = `delta`), no trailing `/`.
pub fn normalize_template(t: &str) -> String {
    // Byte by byte: the rule only looks at ASCII (`{`, `}`, `'`, `(`, `)`, `/`), and ASCII
    // lower-casing keeps UTF-8 valid.
    let bytes = t.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                i += bytes[i..].iter().position(|&b| b == b'}').map_or(bytes.len() - i, |n| n + 1);
                if out.last() == Some(&b'\'') && bytes.get(i) == Some(&b'\'') {
                    out.pop();
                    i += 1;
                }
                out.extend_from_slice(b"{}");
                continue;
            }
            // `()/` → `/` (an empty argument list inside the path).
            b'/' if out.ends_with(b"()") => {
                out.truncate(out.len() - 2);
                out.push(b'/');
            }
            b => out.push(b.to_ascii_lowercase()),
        }
        i += 1;
    }
    if out.ends_with(b"()") {
        out.truncate(out.len() - 2);
    }
    while out.len() > 1 && out.ends_with(b"/") {
        out.pop();
    }
    // Only ASCII bytes were changed or removed, whole: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
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
                    delegated_work: Scheme { least: &["CloudLicensing.ReadWrite"], higher: &[], also_requires: &[] },
                    delegated_personal: Scheme::NOT_SUPPORTED,
                    application: Scheme { least: &["CloudLicensing.ReadWrite.All"], higher: &[], also_requires: &[] },
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
        assert_eq!(normalize_template("/Users/{user-id}/Delta()/"), "/users/{}/delta");
        assert!(p.supports(AuthScheme::Application) && !p.supports(AuthScheme::DelegatedPersonal));
        assert_eq!(p.least(AuthScheme::DelegatedWork), ["CloudLicensing.ReadWrite"]);
        assert_eq!(p.all(AuthScheme::Application).collect::<Vec<_>>(), ["CloudLicensing.ReadWrite.All"]);
    }

    /// The rule written plainly, char by char, to check the byte-wise one against.
    fn normalize_plainly(t: &str) -> String {
        let mut out = String::new();
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '{' {
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
            } else {
                out.push(c.to_ascii_lowercase());
            }
        }
        let mut out = out.replace("()/", "/");
        if out.ends_with("()") {
            out.truncate(out.len() - 2);
        }
        while out.len() > 1 && out.ends_with('/') {
            out.pop();
        }
        out
    }

    #[test]
    fn normalize_template_follows_the_plain_rule_on_every_short_string() {
        let alphabet = ['{', '}', '\'', '(', ')', '/', 'a', 'B', 'é'];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = words.iter().flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}"))).collect();
            for w in &longer {
                assert_eq!(normalize_template(w), normalize_plainly(w), "{w:?}");
            }
            words = longer;
        }
    }
}

