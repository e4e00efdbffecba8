//! National clouds: each has its own Graph host, token authority and default scope.
//!
//! ```
//! use graph_runtime::cloud::Cloud;
//! assert_eq!(Cloud::UsGovDoD.base_url("v1.0"), "https://dod-graph.microsoft.us/v1.0");
//! assert_eq!(Cloud::China.default_scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
//! assert_eq!(Cloud::UsGov.authority(), "https://login.microsoftonline.us");
//! ```

use std::fmt;

use crate::client::{Client, TokenProvider, Transport};

/// A Microsoft cloud Graph is deployed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// The global service (`graph.microsoft.com`).
    #[default]
    Global,
    /// US Government L4 (GCC High; `graph.microsoft.us`).
    UsGov,
    /// US Government L5 (DoD; `dod-graph.microsoft.us`).
    UsGovDoD,
    /// Microsoft Graph China operated by 21Vianet (`microsoftgraph.chinacloudapi.cn`).
    China,
}

impl Cloud {
    /// Every cloud.
    pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGov, Cloud::UsGovDoD, Cloud::China];

    /// The Graph host name.
    pub const fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "graph.microsoft.com",
            Cloud::UsGov => "graph.microsoft.us",
            Cloud::UsGovDoD => "dod-graph.microsoft.us",
            Cloud::China => "microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The host of the Microsoft Entra token authority for this cloud (the US Government
    /// clouds share one).
    pub const fn authority_host(self) -> &'static str {
        match self {
            Cloud::Global => "login.microsoftonline.com",
            Cloud::UsGov | Cloud::UsGovDoD => "login.microsoftonline.us",
            Cloud::China => "login.chinacloudapi.cn",
        }
    }

    /// `https://<graph host>`.
    pub fn graph_url(self) -> String {
        format!("https://{}", self.graph_host())
    }

    /// The base URL of an API version (`"v1.0"`, `"beta"`): what [`Client::new`] takes.
    pub fn base_url(self, version: &str) -> String {
        format!("https://{}/{}", self.graph_host(), version.trim_matches('/'))
    }

    /// The scope that asks for every application permission granted to the app:
    /// `https://<graph host>/.default` (client credentials use it).
    pub fn default_scope(self) -> String {
        format!("https://{}/.default", self.graph_host())
    }

    /// `https://<authority host>`: tokens come from `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn authority(self) -> String {
        format!("https://{}", self.authority_host())
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.graph_host())
    }
}

impl<T: Transport, P: TokenProvider> Client<T, P> {
    /// A client for API `version` (`"v1.0"`, `"beta"`) of `cloud`.
    pub fn for_cloud(cloud: Cloud, version: &str, transport: T, token: P) -> Self {
        Client::new(cloud.base_url(version), transport, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cloud_has_its_hosts() {
        let rows: Vec<_> = Cloud::ALL.iter().map(|c| (c.base_url("/beta/"), c.default_scope(), c.authority())).collect();
        assert_eq!(
            rows,
            [
                ("https://graph.microsoft.com/beta".into(), "https://graph.microsoft.com/.default".into(), "https://login.microsoftonline.com".into()),
                ("https://graph.microsoft.us/beta".into(), "https://graph.microsoft.us/.default".into(), "https://login.microsoftonline.us".into()),
                ("https://dod-graph.microsoft.us/beta".into(), "https://dod-graph.microsoft.us/.default".into(), "https://login.microsoftonline.us".into()),
                ("https://microsoftgraph.chinacloudapi.cn/beta".into(), "https://microsoftgraph.chinacloudapi.cn/.default".into(), "https://login.chinacloudapi.cn".into()),
            ] as [(String, String, String); 4]
        );
    }
}
