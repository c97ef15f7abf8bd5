//! PowerShell: cmdlets, error records and how Connect-MgGraph / Connect-ExchangeOnline were
//! called.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::{bounded, Facts, LIMITS};
use crate::haystack::{Caseless, Haystack};

/// A `Connect-MgGraph` (or `Connect-Graph`, `Connect-ExchangeOnline`) call as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectCall {
    pub cmdlet: String,
    /// `-Scopes` was given.
    pub scopes: bool,
    /// App credentials were given (`-ClientId`/`-AppId` with a certificate or secret, `-Identity`).
    pub app_credentials: bool,
    /// `-DelegatedOrganization` was given.
    pub delegated_organization: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PowerShellFacts {
    pub cmdlets: Vec<String>,
    pub connects: Vec<ConnectCall>,
    pub fully_qualified_error_ids: Vec<String>,
    pub categories: Vec<String>,
}

static CMDLET: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::re(
        r"\b(?:Connect|Disconnect|Get|New|Set|Update|Remove|Invoke|Add|Test|Grant|Revoke|Install|Import|Send|Find|Select)-(?:Mg[A-Za-z]*(?:_[A-Za-z]+)?|Graph|EXO[A-Za-z]*|Exchange[A-Za-z]*|Cs[A-Za-z]+|Mailbox[A-Za-z]*|CASMailbox|ApplicationAccessPolicy|ServicePrincipal[A-Za-z]*|ManagementRole[A-Za-z]*|ManagementScope|Module|TransportConfig)\b",
    )
});
static FQID: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"FullyQualifiedErrorId\s*:\s*(\S+)"));
static CATEGORY: LazyLock<Regex> =
    LazyLock::new(|| crate::text::re(r"CategoryInfo\s*:\s*([^\n]+)"));
static CONNECT: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(r"\b(Connect-MgGraph|Connect-Graph|Connect-ExchangeOnline)\b([^\n|;]*)")
});

pub fn extract_powershell(haystack: &Haystack, facts: &mut Facts) {
    let text = haystack.text();
    let ps = &mut facts.powershell;
    for m in CMDLET.find_iter(text) {
        if ps.cmdlets.len() >= LIMITS.cmdlets || !haystack.charge(1) {
            break;
        }
        // `Get-MgUser_List` names the cmdlet's parameter set after `_`.
        let name = m.as_str().split('_').next().unwrap_or(m.as_str()).to_string();
        if !ps.cmdlets.contains(&name) {
            ps.cmdlets.push(name);
        }
    }
    for caps in FQID.captures_iter(text).take(LIMITS.powershell_lines) {
        ps.fully_qualified_error_ids.push(bounded(&caps[1]).to_string());
    }
    for caps in CATEGORY.captures_iter(text).take(LIMITS.powershell_lines) {
        ps.categories.push(bounded(&caps[1]).trim().to_string());
    }
    for caps in CONNECT.captures_iter(haystack).take(LIMITS.powershell_lines) {
        let args = bounded(&caps[2]).to_ascii_lowercase();
        let has = |flag: &str| args.split_whitespace().any(|word| word.starts_with(flag));
        let app_credentials = has("-certificate")
            || has("-identity")
            || has("-clientsecretcredential")
            || has("-accesstoken")
            || ((has("-clientid") || has("-appid"))
                && (has("-certificate") || has("-tenantid") || has("-organization")));
        ps.connects.push(ConnectCall {
            cmdlet: caps[1].to_string(),
            scopes: has("-scopes"),
            app_credentials,
            delegated_organization: has("-delegatedorganization"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    #[test]
    fn reads_cmdlets_and_connect_calls() {
        let mut facts = Facts::default();
        extract_powershell(&Haystack::new("PS> Connect-MgGraph\nPS> Get-MgUser -All\nConnect-ExchangeOnline -AppId $id -CertificateFilePath x -Organization o -DelegatedOrganization o\nFullyQualifiedErrorId : Authorization_RequestDenied,Microsoft.Graph.PowerShell.Cmdlets.GetMgUser_List"), &mut facts);
        let ps = facts.powershell;
        assert_eq!(ps.cmdlets, ["Connect-MgGraph", "Get-MgUser", "Connect-ExchangeOnline"]);
        assert!(!ps.connects[0].scopes && !ps.connects[0].app_credentials);
        assert!(ps.connects[1].app_credentials && ps.connects[1].delegated_organization);
        assert_eq!(ps.fully_qualified_error_ids.len(), 1);
    }
}
