//! The scope plan: the smallest set of permissions that lets every request of a list run.

use super::{AuthScheme, Permissions};

/// What one call accepts under one scheme, borrowed from wherever the tables live (the
/// generated statics, or the code generator's own tables in `cargo xtask report`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Need<'a> {
    /// Least-privileged permissions (any one suffices).
    pub least: Vec<&'a str>,
    /// Higher-privileged permissions that also work, least privileged first.
    pub higher: Vec<&'a str>,
    /// `(permission, companions)`: the permission works only with one of the companions.
    pub also_requires: Vec<(&'a str, Vec<&'a str>)>,
}

impl<'a> Need<'a> {
    /// What `permissions` accepts under `scheme`.
    pub fn of(permissions: &'a Permissions, scheme: AuthScheme) -> Need<'a> {
        let s = permissions.scheme(scheme);
        Need {
            least: s.least.to_vec(),
            higher: s.higher.to_vec(),
            also_requires: s.also_requires.iter().map(|a| (a.permission, a.one_of.to_vec())).collect(),
        }
    }

    fn accepts(&self, p: &str) -> bool {
        self.least.iter().chain(&self.higher).any(|x| x.eq_ignore_ascii_case(p))
    }

    /// Position in the call's own privilege order: 0 for least privileged, 1… for higher.
    fn rank(&self, p: &str) -> Option<usize> {
        if self.least.iter().any(|x| x.eq_ignore_ascii_case(p)) {
            return Some(0);
        }
        self.higher.iter().position(|x| x.eq_ignore_ascii_case(p)).map(|i| i + 1)
    }

    fn companions(&self, p: &str) -> Option<&[&'a str]> {
        self.also_requires.iter().find(|(x, _)| x.eq_ignore_ascii_case(p)).map(|(_, c)| c.as_slice())
    }
}

/// The result of [`plan`]: scopes to request, and the calls no scope of the scheme allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan<'a> {
    /// The permissions to request, sorted by name.
    pub scopes: Vec<&'a str>,
    /// Indexes of the calls the scheme does not support at all.
    pub unsupported: Vec<usize>,
    /// Indexes of the calls whose permissions are not known (no data for their path).
    pub unknown: Vec<usize>,
}

/// The smallest set of scopes that lets every request run under `scheme`.
///
/// `requests` are the permissions of each call ([`Request::permissions`](crate::Request::permissions),
/// `None` when unknown). See [`plan_needs`] for the rule.
///
/// ```
/// use graph_runtime::{plan, AuthScheme, Permissions, Scheme};
/// static READ: Permissions = Permissions {
///     delegated_work: Scheme { least: &["Mail.Read"], higher: &["Mail.ReadWrite"], also_requires: &[] },
///     delegated_personal: Scheme::NOT_SUPPORTED,
///     application: Scheme::NOT_SUPPORTED,
/// };
/// static WRITE: Permissions = Permissions {
///     delegated_work: Scheme { least: &["Mail.ReadWrite"], higher: &[], also_requires: &[] },
///     delegated_personal: Scheme::NOT_SUPPORTED,
///     application: Scheme::NOT_SUPPORTED,
/// };
/// let p = plan(&[Some(&READ), Some(&WRITE)], AuthScheme::DelegatedWork);
/// assert_eq!(p.scopes, ["Mail.ReadWrite"]); // Mail.Read is covered by Mail.ReadWrite
/// ```
pub fn plan(requests: &[Option<&'static Permissions>], scheme: AuthScheme) -> Plan<'static> {
    let needs: Vec<Option<Need<'static>>> = requests.iter().map(|r| r.map(|p| Need::of(p, scheme))).collect();
    plan_needs(&needs)
}

/// The plan over borrowed needs (`None`: permissions unknown). The rule:
///
/// 1. each call gets one of its least-privileged permissions, preferring one already chosen
///    for another call, then the one most other calls also list as least privileged;
/// 2. a chosen permission is dropped when the others already chosen cover every call it was
///    chosen for (a higher-privileged permission another call needs covers a lower one),
///    trying the most privileged first (by each call's own order: least, then higher in the
///    data's privilege order), so what stays is least privileged;
/// 3. a permission that works only with a companion (`AlsoRequires`) brings one: one already
///    in the set, else the first listed.
///
/// Deterministic: the same needs give the same plan whatever their order.
pub fn plan_needs<'a>(needs: &[Option<Need<'a>>]) -> Plan<'a> {
    let mut out = Plan::default();
    let mut calls: Vec<&Need<'a>> = Vec::new();
    for (i, n) in needs.iter().enumerate() {
        match n {
            None => out.unknown.push(i),
            Some(n) if n.least.is_empty() => out.unsupported.push(i),
            Some(n) => calls.push(n),
        }
    }
    // Process calls in a canonical order so that input order does not matter.
    calls.sort_by(|a, b| (&a.least, &a.higher).cmp(&(&b.least, &b.higher)));
    let mut chosen: Vec<&'a str> = Vec::new();
    for c in &calls {
        if c.least.iter().any(|p| chosen.iter().any(|x| x.eq_ignore_ascii_case(p))) {
            continue;
        }
        let shared = |p: &&str| calls.iter().filter(|o| o.least.iter().any(|x| x.eq_ignore_ascii_case(p))).count();
        let mut best: Option<(&'a str, usize)> = None;
        for p in &c.least {
            let n = shared(p);
            let better = match best {
                None => true,
                Some((bp, bn)) => n > bn || (n == bn && *p < bp),
            };
            if better {
                best = Some((p, n));
            }
        }
        if let Some((p, _)) = best {
            chosen.push(p);
        }
    }
    // Drop what others cover, most privileged first.
    let rank = |p: &str| calls.iter().filter_map(|c| c.rank(p)).max().unwrap_or(0);
    let mut order = chosen.clone();
    order.sort_by(|a, b| rank(b).cmp(&rank(a)).then(b.cmp(a)));
    for p in order {
        let rest: Vec<&'a str> = chosen.iter().copied().filter(|x| *x != p).collect();
        if calls.iter().all(|c| rest.iter().any(|x| c.accepts(x))) {
            chosen = rest;
        }
    }
    // Companions.
    let mut extra: Vec<&'a str> = Vec::new();
    for c in &calls {
        for p in chosen.clone() {
            if !c.accepts(p) {
                continue;
            }
            if let Some(comp) = c.companions(p) {
                let have = |x: &&str| chosen.iter().chain(&extra).any(|y| y.eq_ignore_ascii_case(x));
                if !comp.is_empty() && !comp.iter().any(have) {
                    extra.push(comp[0]);
                }
            }
        }
    }
    chosen.extend(extra);
    chosen.sort_unstable();
    chosen.dedup();
    out.scopes = chosen;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need<'a>(least: &[&'a str], higher: &[&'a str]) -> Option<Need<'a>> {
        Some(Need { least: least.to_vec(), higher: higher.to_vec(), also_requires: vec![] })
    }

    #[test]
    fn one_scope_covers_two_calls() {
        let p = plan_needs(&[need(&["Mail.Read"], &["Mail.ReadWrite"]), need(&["Mail.ReadWrite"], &[])]);
        assert_eq!(p.scopes, ["Mail.ReadWrite"]);
        let p = plan_needs(&[need(&["User.Read"], &["User.ReadWrite"]), need(&["User.Read"], &["User.Read.All"])]);
        assert_eq!(p.scopes, ["User.Read"]);
    }

    #[test]
    fn unrelated_calls_keep_their_own_least_scope() {
        let p = plan_needs(&[need(&["Mail.Read"], &["Directory.ReadWrite.All"]), need(&["User.Read"], &["Directory.ReadWrite.All"])]);
        assert_eq!(p.scopes, ["Mail.Read", "User.Read"], "never one broad scope instead of two least ones");
    }

    #[test]
    fn shared_least_scope_is_preferred() {
        // The first call could use A or B; B is also what the second call needs.
        let p = plan_needs(&[need(&["A", "B"], &[]), need(&["B"], &[])]);
        assert_eq!(p.scopes, ["B"]);
        let q = plan_needs(&[need(&["B"], &[]), need(&["A", "B"], &[])]);
        assert_eq!(p, q, "order does not matter");
    }

    #[test]
    fn a_call_only_an_application_permission_allows() {
        use crate::Scheme;
        static READ_ME: Permissions = Permissions {
            delegated_work: Scheme { least: &["User.Read"], higher: &["User.ReadWrite"], also_requires: &[] },
            delegated_personal: Scheme { least: &["User.Read"], higher: &[], also_requires: &[] },
            application: Scheme { least: &["User.Read.All"], higher: &[], also_requires: &[] },
        };
        static APP_ONLY: Permissions = Permissions {
            delegated_work: Scheme::NOT_SUPPORTED,
            delegated_personal: Scheme::NOT_SUPPORTED,
            application: Scheme { least: &["AuditLog.Read.All"], higher: &["Directory.Read.All"], also_requires: &[] },
        };
        let calls = [Some(&READ_ME), Some(&APP_ONLY)];
        let delegated = plan(&calls, AuthScheme::DelegatedWork);
        assert_eq!(delegated.scopes, ["User.Read"]);
        assert_eq!(delegated.unsupported, [1], "the app-only call cannot run delegated");
        let app = plan(&calls, AuthScheme::Application);
        assert_eq!(app.scopes, ["AuditLog.Read.All", "User.Read.All"]);
        assert!(app.unsupported.is_empty());
    }

    #[test]
    fn unsupported_unknown_and_companions() {
        let mut with_companion = need(&["AgentCard.Read.All"], &[]).unwrap();
        with_companion.also_requires = vec![("AgentCard.Read.All", vec!["AgentInstance.Read.All", "AgentInstance.ReadWrite.All"])];
        let p = plan_needs(&[need(&[], &[]), None, Some(with_companion)]);
        assert_eq!(p.unsupported, [0]);
        assert_eq!(p.unknown, [1]);
        assert_eq!(p.scopes, ["AgentCard.Read.All", "AgentInstance.Read.All"]);
    }
}
