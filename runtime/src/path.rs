//! Request paths: the percent-encoded path of a request together with its template.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::filter::Literal;

/// Everything except RFC 3986 *unreserved* characters (`ALPHA DIGIT - . _ ~`).
pub(crate) const KEY_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Function parameters additionally keep `'` (literal quotes) and `:` (date-time literals) readable.
const FUNCTION_ARG_SET: &AsciiSet = &KEY_SET.remove(b'\'').remove(b':');

/// The path of a Graph request, e.g. `/admin/cloudLicensing/assignments/abc%2F1`, along with
/// its template `/admin/cloudLicensing/assignments/{assignment-id}`.
///
/// Literal segments come from generated code; key values are percent-encoded so that no
/// value can add a segment, start a query or fragment, or traverse with `.`/`..`.
///
/// ```
/// use graph_runtime::RequestPath;
/// let p = RequestPath::root().segment("users").key("user-id", "a/b?c");
/// assert_eq!(p.as_str(), "/users/a%2Fb%3Fc");
/// assert_eq!(p.template(), "/users/{user-id}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct RequestPath {
    path: String,
    template: String,
}

impl RequestPath {
    /// The empty path (the service root); [`as_str`](Self::as_str) renders it as `/`.
    pub fn root() -> Self {
        RequestPath::default()
    }

    /// Appends a literal segment (as written in the documentation, e.g. `"cloudLicensing"` or
    /// `"microsoft.graph.delta()"`). The literal is trusted: it is not encoded.
    pub fn segment(&self, lit: &'static str) -> Self {
        let lit = lit.trim_start_matches('/');
        let mut next = self.clone();
        next.path.push('/');
        next.path.push_str(lit);
        next.template.push('/');
        next.template.push_str(lit);
        next
    }

    /// Appends a key segment. The value is percent-encoded except for RFC 3986 unreserved
    /// characters; a value that is exactly `.` or `..` has its dots encoded (`%2E`) so it can
    /// never be taken as a relative-path step. The template gets `{param}`.
    pub fn key(&self, param: &'static str, value: &str) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.path.push_str(&encode_key(value));
        next.template.push('/');
        next.template.push('{');
        next.template.push_str(param);
        next.template.push('}');
        next
    }

    /// Appends a function-call segment `name(p1=v1,p2=v2)`. Each argument is rendered as an
    /// OData literal (strings quoted, `'` doubled) and percent-encoded (keeping `'` and `:`
    /// readable) so it cannot leave its segment. The template gets `name(p1={p1},p2={p2})`.
    ///
    /// ```
    /// use graph_runtime::{RequestPath, filter::Literal};
    /// let p = RequestPath::root().segment("reports")
    ///     .function("getTeamsUserActivityUserDetail", &[("period", Literal::from("D7"))]);
    /// assert_eq!(p.as_str(), "/reports/getTeamsUserActivityUserDetail(period='D7')");
    /// assert_eq!(p.template(), "/reports/getTeamsUserActivityUserDetail(period={period})");
    /// ```
    pub fn function(&self, name: &'static str, args: &[(&'static str, Literal)]) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.path.push_str(name);
        next.path.push('(');
        next.template.push('/');
        next.template.push_str(name);
        next.template.push('(');
        for (i, (param, value)) in args.iter().enumerate() {
            if i > 0 {
                next.path.push(',');
                next.template.push(',');
            }
            next.path.push_str(param);
            next.path.push('=');
            next.path.extend(utf8_percent_encode(&value.to_string(), FUNCTION_ARG_SET));
            next.template.push_str(param);
            next.template.push_str("={");
            next.template.push_str(param);
            next.template.push('}');
        }
        next.path.push(')');
        next.template.push(')');
        next
    }

    /// Addresses an item by its path below the current one (drive items: `root:/a/b.txt:`).
    /// Each segment of `item_path` is percent-encoded on its own, so `/` separates folders
    /// and nothing else can leave the path. The template gets `:{item-path}:`.
    ///
    /// ```
    /// use graph_runtime::RequestPath;
    /// let p = RequestPath::root().segment("me").segment("drive").segment("root").item_path("/Docs/a b.txt");
    /// assert_eq!(p.as_str(), "/me/drive/root:/Docs/a%20b.txt:");
    /// assert_eq!(p.template(), "/me/drive/root:{item-path}:");
    /// ```
    pub fn item_path(&self, item_path: &str) -> Self {
        let mut next = self.clone();
        next.path.push(':');
        for seg in item_path.split('/').filter(|s| !s.is_empty()) {
            next.path.push('/');
            next.path.push_str(&encode_key(seg));
        }
        next.path.push(':');
        next.template.push_str(":{item-path}:");
        next
    }

    /// The encoded path, starting with `/` (the root is `/`).
    pub fn as_str(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }

    /// The template, with `{param}` in place of each key (the root is `/`).
    pub fn template(&self) -> &str {
        if self.template.is_empty() {
            "/"
        } else {
            &self.template
        }
    }
}

impl std::fmt::Display for RequestPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn encode_key(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, KEY_SET).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_segments() {
        assert_eq!(RequestPath::root().as_str(), "/");
        let p = RequestPath::root().segment("admin").segment("cloudLicensing").segment("assignments").key("assignment-id", "abc/1");
        assert_eq!(p.as_str(), "/admin/cloudLicensing/assignments/abc%2F1");
        assert_eq!(p.template(), "/admin/cloudLicensing/assignments/{assignment-id}");
    }

    #[test]
    fn dots() {
        let p = RequestPath::root().segment("users");
        assert_eq!(p.key("id", "..").as_str(), "/users/%2E%2E");
        assert_eq!(p.key("id", ".").as_str(), "/users/%2E");
        assert_eq!(p.key("id", "a.b").as_str(), "/users/a.b");
        assert_eq!(p.key("id", "...").as_str(), "/users/...");
    }
}
