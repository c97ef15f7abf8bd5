//! Which permissions a Graph endpoint accepts.
//!
//! The knowledge base ships a table of the endpoints people call most
//! (`kb/permissions/graph-endpoints.tsv`, written from Microsoft's permissions data). A user
//! can also load Microsoft's full permissions file (`--permissions FILE`, the format of
//! `microsoft-graph-devx-content/permissions/new/permissions.json`), parsed here from text.

use std::collections::BTreeMap;

use errdecode_kb::EndpointPermissions;
use serde::Deserialize;

/// Endpoint permissions, looked up by method and path template.
#[derive(Debug, Clone, Default)]
pub struct PermissionIndex {
    endpoints: Vec<EndpointPermissions>,
}

/// Segments after which the next segment is an id, whatever it looks like.
const COLLECTIONS: &[&str] = &[
    "users",
    "groups",
    "applications",
    "serviceprincipals",
    "devices",
    "events",
    "messages",
    "mailfolders",
    "childfolders",
    "calendars",
    "calendargroups",
    "contacts",
    "contactfolders",
    "drives",
    "items",
    "sites",
    "lists",
    "teams",
    "channels",
    "chats",
    "subscriptions",
    "directoryroles",
    "members",
    "owners",
    "approleassignments",
    "oauth2permissiongrants",
    "onlinemeetings",
    "attachments",
    "tasks",
    "plans",
    "buckets",
    "todo",
    "directoryobjects",
    "administrativeunits",
    "policies",
    "organization",
    "domains",
    "signins",
    "directoryaudits",
    "conditionalaccess",
    "identityproviders",
    "permissiongrants",
    "extensions",
    "columns",
    "contenttypes",
    "pages",
    "tabs",
    "installedapps",
    "replies",
    "instances",
    "attendees",
    "versions",
    "permissions",
    "schedules",
    "shifts",
    "rolemanagement",
    "roleassignments",
    "roledefinitions",
    "tenants",
    "contracts",
    "invitations",
    "threads",
    "posts",
    "conversations",
];

/// Segments that are never ids, even right after a collection.
const KEYWORDS: &[&str] = &[
    "delta",
    "count",
    "$count",
    "$value",
    "$ref",
    "root",
    "children",
    "content",
    "inbox",
    "sentitems",
    "drafts",
    "deleteditems",
    "junkemail",
    "archive",
    "outbox",
    "calendar",
    "calendarview",
    "events",
    "messages",
    "mailfolders",
    "members",
    "owners",
    "manager",
    "memberof",
    "transitivememberof",
    "photo",
    "drive",
    "drives",
    "sendmail",
    "mailboxsettings",
    "presence",
    "onlinemeetings",
    "joinedteams",
    "chats",
    "contacts",
    "people",
    "insights",
    "todo",
    "lists",
    "tasks",
    "getbyids",
    "search",
    "microsoft.graph.delta",
    "me",
    "items",
    "sites",
    "channels",
    "teams",
    "allchannels",
    "primarychannel",
    "approleassignments",
    "checkmembergroups",
    "getmembergroups",
    "reply",
    "forward",
    "send",
    "move",
    "copy",
    "createreplyall",
    "createreply",
    "accept",
    "decline",
    "tentativelyaccept",
    "cancel",
    "findmeetingtimes",
    "getschedule",
    "createuploadsession",
    "invite",
    "sharedwithme",
    "recent",
    "followed",
    "lastsignin",
    "audit",
    "auditlogs",
    "reports",
    "security",
    "serviceprincipals",
    "applications",
    "groups",
    "users",
    "directoryroles",
    "organization",
    "subscribedskus",
    "licensedetails",
    "assignlicense",
    "authentication",
    "methods",
    "signins",
    "directoryaudits",
    "provisioning",
    "approles",
    "oauth2permissiongrants",
];

/// Turns a concrete path into a template: lower-case, ids replaced by `{id}`.
/// `/users/jo@contoso.com/calendar/events` → `/users/{id}/calendar/events`.
pub fn template_path(path: &str) -> String {
    let mut out = String::new();
    let mut previous = String::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let segment = raw.to_ascii_lowercase();
        let is_id = if segment.starts_with('{') || segment.starts_with('<') {
            true
        } else if segment.contains('(') {
            false
        } else {
            looks_like_id(&segment)
                || (COLLECTIONS.contains(&previous.as_str())
                    && !KEYWORDS.contains(&segment.as_str()))
        };
        out.push('/');
        if is_id {
            out.push_str("{id}");
        } else if let Some(open) = segment.find('(') {
            // OData key syntax: users('id') or a function call with arguments.
            out.push_str(&segment[..open]);
            out.push_str("(...)");
        } else {
            out.push_str(&segment);
        }
        previous = if is_id { "{id}".to_string() } else { segment };
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn looks_like_id(segment: &str) -> bool {
    let is_guid = segment.len() == 36 && segment.chars().filter(|c| *c == '-').count() == 4;
    let has_digit = segment.chars().any(|c| c.is_ascii_digit());
    is_guid
        || segment.contains('@')
        || (segment.len() >= 16 && has_digit)
        || segment.chars().all(|c| c.is_ascii_digit())
}

impl PermissionIndex {
    pub fn new(endpoints: Vec<EndpointPermissions>) -> PermissionIndex {
        let endpoints = endpoints
            .into_iter()
            .map(|mut e| {
                e.path = template_path(&e.path);
                e
            })
            .collect();
        PermissionIndex { endpoints }
    }

    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The permissions for `method` on a templated path. Falls back to GET on the same path
    /// when the method is unknown.
    pub fn lookup(&self, method: Option<&str>, template: &str) -> Option<&EndpointPermissions> {
        let method = method.unwrap_or("GET").to_ascii_uppercase();
        self.endpoints
            .iter()
            .find(|e| e.method == method && e.path == template)
            .or_else(|| self.endpoints.iter().find(|e| e.path == template))
    }

    /// Parses Microsoft's permissions file (`{"permissions": {"Name": {"schemes": ..,
    /// "pathSets": [{"schemeKeys", "methods", "paths": {"/path": "least=..."}}]}}}`).
    /// Least-privileged permissions come first, then the others by privilege level.
    pub fn from_microsoft_json(text: &str) -> Result<PermissionIndex, String> {
        #[derive(Deserialize)]
        struct File {
            permissions: BTreeMap<String, Permission>,
        }
        #[derive(Deserialize)]
        struct Permission {
            #[serde(default)]
            schemes: BTreeMap<String, Scheme>,
            #[serde(default, rename = "pathSets")]
            path_sets: Vec<PathSet>,
        }
        #[derive(Deserialize)]
        struct Scheme {
            #[serde(default, rename = "privilegeLevel")]
            privilege_level: Option<u8>,
        }
        #[derive(Deserialize)]
        struct PathSet {
            #[serde(default, rename = "schemeKeys")]
            scheme_keys: Vec<String>,
            #[serde(default)]
            methods: Vec<String>,
            #[serde(default)]
            paths: BTreeMap<String, String>,
        }
        let file: File = serde_json::from_str(text)
            .map_err(|e| format!("not a Microsoft Graph permissions file: {e}"))?;
        // (method, path) -> (delegated, application) lists of (least, level, name)
        type Ranked = Vec<(bool, u8, String)>;
        let mut table: BTreeMap<(String, String), (Ranked, Ranked)> = BTreeMap::new();
        for (name, permission) in &file.permissions {
            for set in &permission.path_sets {
                for (path, value) in &set.paths {
                    let least: Vec<&str> = value
                        .split(';')
                        .filter_map(|pair| pair.trim().strip_prefix("least="))
                        .flat_map(|list| list.split(','))
                        .collect();
                    for method in &set.methods {
                        let key = (method.to_ascii_uppercase(), template_path(path));
                        let entry = table.entry(key).or_default();
                        for scheme in &set.scheme_keys {
                            let level = permission
                                .schemes
                                .get(scheme)
                                .and_then(|s| s.privilege_level)
                                .unwrap_or(3);
                            let ranked = (least.contains(&scheme.as_str()), level, name.clone());
                            match scheme.as_str() {
                                "DelegatedWork" => entry.0.push(ranked),
                                "Application" => entry.1.push(ranked),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        let order = |mut list: Ranked| -> Vec<String> {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let mut names: Vec<String> = Vec::new();
            for (_, _, name) in list {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        };
        let endpoints = table
            .into_iter()
            .map(|((method, path), (delegated, application))| {
                let needs_mailbox = path_needs_mailbox(&path);
                EndpointPermissions {
                    method,
                    path,
                    delegated: order(delegated),
                    application: order(application),
                    needs_mailbox,
                }
            })
            .collect();
        Ok(PermissionIndex { endpoints })
    }
}

/// Mail, calendar, contacts and mailbox settings live in Exchange Online.
pub fn path_needs_mailbox(template: &str) -> bool {
    const MAILBOX_SEGMENTS: &[&str] = &[
        "messages",
        "mailfolders",
        "sendmail",
        "events",
        "calendar",
        "calendars",
        "calendarview",
        "calendargroups",
        "contacts",
        "contactfolders",
        "mailboxsettings",
        "inferenceclassification",
        "outlook",
        "findmeetingtimes",
        "getschedule",
    ];
    let segments: Vec<&str> = template.split('/').collect();
    let about_people = segments.get(1).is_some_and(|s| matches!(*s, "me" | "users"));
    about_people && segments.iter().any(|s| MAILBOX_SEGMENTS.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_paths() {
        let cases = [
            ("/users/jo@contoso.com/calendar/events", "/users/{id}/calendar/events"),
            ("/users/{user_id}/calendar/events", "/users/{id}/calendar/events"),
            ("/users/<id>/messages", "/users/{id}/messages"),
            ("/me/mailFolders/Inbox/messages", "/me/mailfolders/inbox/messages"),
            ("/groups/3f2504e0-4f89-11d3-9a0c-0305e82c3301/members", "/groups/{id}/members"),
            ("/me/messages/AAMkAGI2TG93AAA=", "/me/messages/{id}"),
            ("/sites/root/lists", "/sites/root/lists"),
            ("/users/adele/events/delta", "/users/{id}/events/delta"),
            ("/me", "/me"),
            ("/", "/"),
        ];
        for (path, expected) in cases {
            assert_eq!(template_path(path), expected, "{path}");
        }
    }

    #[test]
    fn mailbox_paths() {
        assert!(path_needs_mailbox("/users/{id}/calendar/events"));
        assert!(path_needs_mailbox("/me/mailfolders/inbox/messages"));
        assert!(!path_needs_mailbox("/users/{id}"));
        assert!(!path_needs_mailbox("/groups/{id}/events"));
    }

    #[test]
    fn reads_microsoft_permission_format() {
        let json = r#"{"permissions": {
          "Calendars.Read": {"schemes": {"Application": {"privilegeLevel": 3}, "DelegatedWork": {"privilegeLevel": 3}},
            "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": ""}}]},
          "Calendars.ReadBasic": {"schemes": {"Application": {"privilegeLevel": 2}},
            "pathSets": [{"schemeKeys": ["Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": "least=Application"}}]}
        }}"#;
        let index = PermissionIndex::from_microsoft_json(json).unwrap();
        let endpoint = index.lookup(Some("GET"), "/users/{id}/calendar/events").unwrap();
        assert_eq!(endpoint.application, ["Calendars.ReadBasic", "Calendars.Read"]);
        assert_eq!(endpoint.delegated, ["Calendars.Read"]);
        assert!(endpoint.needs_mailbox);
        assert!(PermissionIndex::from_microsoft_json("[1,2").is_err());
    }
}
