//! What a host name says: which Microsoft service and which cloud.

use serde::Serialize;

/// A Microsoft cloud instance. Tokens from one do not work in another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cloud {
    Global,
    UsGovernment,
    UsGovernmentDod,
    China,
}

impl Cloud {
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Global => "the global cloud",
            Cloud::UsGovernment => "US Government (GCC High)",
            Cloud::UsGovernmentDod => "US Government DoD",
            Cloud::China => "China (21Vianet)",
        }
    }

    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "graph.microsoft.com",
            Cloud::UsGovernment => "graph.microsoft.us",
            Cloud::UsGovernmentDod => "dod-graph.microsoft.us",
            Cloud::China => "microsoftgraph.chinacloudapi.cn",
        }
    }

    /// GCC High and DoD share one sign-in host and token audience family; treat them as one
    /// cloud when comparing a token with a request.
    pub fn same_family(self, other: Cloud) -> bool {
        let family = |c: Cloud| match c {
            Cloud::UsGovernmentDod => Cloud::UsGovernment,
            c => c,
        };
        family(self) == family(other)
    }
}

/// The Microsoft service behind a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    MicrosoftGraph,
    AzureAdGraph,
    Login,
    ExchangeOnline,
    AzureResourceManager,
    SharePoint,
    Other,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::MicrosoftGraph => "Microsoft Graph",
            Service::AzureAdGraph => "Azure AD Graph (retired)",
            Service::Login => "the Microsoft identity platform",
            Service::ExchangeOnline => "Exchange Online",
            Service::AzureResourceManager => "Azure Resource Manager",
            Service::SharePoint => "SharePoint Online",
            Service::Other => "another service",
        }
    }
}

/// Classifies a host (lower-case, no port). `None` when the host is not Microsoft's.
pub fn classify_host(host: &str) -> Option<(Service, Cloud)> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host.as_str();
    let found = match host {
        "graph.microsoft.com" | "canary.graph.microsoft.com" => {
            (Service::MicrosoftGraph, Cloud::Global)
        }
        "graph.microsoft.us" => (Service::MicrosoftGraph, Cloud::UsGovernment),
        "dod-graph.microsoft.us" => (Service::MicrosoftGraph, Cloud::UsGovernmentDod),
        "microsoftgraph.chinacloudapi.cn" => (Service::MicrosoftGraph, Cloud::China),
        "graph.windows.net" => (Service::AzureAdGraph, Cloud::Global),
        "graph.chinacloudapi.cn" => (Service::AzureAdGraph, Cloud::China),
        "login.microsoftonline.com"
        | "login.windows.net"
        | "sts.windows.net"
        | "login.microsoft.com"
        | "login.live.com" => (Service::Login, Cloud::Global),
        "login.microsoftonline.us" => (Service::Login, Cloud::UsGovernment),
        "login.chinacloudapi.cn" | "login.partner.microsoftonline.cn" | "sts.chinacloudapi.cn" => {
            (Service::Login, Cloud::China)
        }
        "outlook.office365.com"
        | "outlook.office.com"
        | "smtp.office365.com"
        | "ps.outlook.com"
        | "substrate.office.com" => (Service::ExchangeOnline, Cloud::Global),
        "outlook.office365.us" | "smtp.office365.us" => {
            (Service::ExchangeOnline, Cloud::UsGovernment)
        }
        "partner.outlook.cn" => (Service::ExchangeOnline, Cloud::China),
        "management.azure.com" | "management.core.windows.net" => {
            (Service::AzureResourceManager, Cloud::Global)
        }
        "management.usgovcloudapi.net" => (Service::AzureResourceManager, Cloud::UsGovernment),
        "management.chinacloudapi.cn" => (Service::AzureResourceManager, Cloud::China),
        _ => {
            if host.ends_with(".sharepoint.com") {
                (Service::SharePoint, Cloud::Global)
            } else if host.ends_with(".sharepoint.us") {
                (Service::SharePoint, Cloud::UsGovernment)
            } else if host.ends_with(".sharepoint.cn") {
                (Service::SharePoint, Cloud::China)
            } else if host.ends_with(".microsoftonline.com")
                || host.ends_with(".microsoft.com")
                || host.ends_with(".office.com")
                || host.ends_with(".office365.com")
                || host.ends_with(".windows.net")
                || host.ends_with(".azure.com")
            {
                (Service::Other, Cloud::Global)
            } else if host.ends_with(".microsoft.us")
                || host.ends_with(".usgovcloudapi.net")
                || host.ends_with(".microsoftonline.us")
            {
                (Service::Other, Cloud::UsGovernment)
            } else if host.ends_with(".chinacloudapi.cn")
                || host.ends_with(".partner.microsoftonline.cn")
            {
                (Service::Other, Cloud::China)
            } else {
                return None;
            }
        }
    };
    Some(found)
}

/// Classifies a token audience: a URL, an `api://` URI or a GUID.
pub fn classify_audience(aud: &str) -> Option<(Service, Cloud)> {
    const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
    const AAD_GRAPH_APP_ID: &str = "00000002-0000-0000-c000-000000000000";
    const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
    const ARM_APP_ID: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
    let lower = aud.trim().to_ascii_lowercase();
    match lower.as_str() {
        GRAPH_APP_ID => return Some((Service::MicrosoftGraph, Cloud::Global)),
        AAD_GRAPH_APP_ID => return Some((Service::AzureAdGraph, Cloud::Global)),
        EXCHANGE_APP_ID => return Some((Service::ExchangeOnline, Cloud::Global)),
        ARM_APP_ID => return Some((Service::AzureResourceManager, Cloud::Global)),
        _ => {}
    }
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?
        .split(['/', ':'])
        .next()?;
    classify_host(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_hosts_and_audiences() {
        let cases = [
            ("https://graph.microsoft.com", Some((Service::MicrosoftGraph, Cloud::Global))),
            ("https://graph.microsoft.com/", Some((Service::MicrosoftGraph, Cloud::Global))),
            (
                "00000003-0000-0000-c000-000000000000",
                Some((Service::MicrosoftGraph, Cloud::Global)),
            ),
            (
                "https://microsoftgraph.chinacloudapi.cn",
                Some((Service::MicrosoftGraph, Cloud::China)),
            ),
            ("https://graph.microsoft.us", Some((Service::MicrosoftGraph, Cloud::UsGovernment))),
            ("https://graph.windows.net", Some((Service::AzureAdGraph, Cloud::Global))),
            ("https://outlook.office365.com", Some((Service::ExchangeOnline, Cloud::Global))),
            ("https://management.azure.com/", Some((Service::AzureResourceManager, Cloud::Global))),
            ("api://my-api", None),
            ("https://api.github.com", None),
        ];
        for (aud, expected) in cases {
            assert_eq!(classify_audience(aud), expected, "{aud}");
        }
    }
}
