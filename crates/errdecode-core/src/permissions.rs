//! Which permissions a Graph endpoint accepts.
//!
//! The knowledge base ships the table of every endpoint of Microsoft's permissions file
//! (`kb/permissions/graph-endpoints.tsv`, written by `scripts/gen-endpoint-permissions.py`). A
//! user can also load Microsoft's file itself (`--permissions FILE`, the format of
//! `microsoft-graph-devx-content/permissions/new/permissions.json`), read here with the same
//! rules as the script.
//!
//! Lookups go through a map keyed by method and template, then through a tree of the table's
//! paths in which a segment the request names literally may stand for an `{id}` slot.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use errdecode_kb::{EndpointPermissions, EndpointRow, EndpointTable};
use serde::Deserialize;

/// Endpoint permissions, looked up by method and path.
#[derive(Debug, Clone, Default)]
pub struct PermissionIndex {
    table: Arc<EndpointTable>,
    /// (method, template) to row.
    exact: HashMap<(String, String), usize>,
    /// The paths as a tree; node 0 is the root.
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Default)]
struct Node {
    /// The path that ends here.
    path: String,
    literal: HashMap<String, usize>,
    id: Option<usize>,
    /// Rows of the path that ends here, by method.
    rows: Vec<usize>,
}

/// Well-known mail folder names, which stand where a folder id goes.
const MAIL_FOLDERS: &[&str] = &[
    "inbox",
    "sentitems",
    "drafts",
    "deleteditems",
    "archive",
    "junkemail",
    "outbox",
    "msgfolderroot",
    "recoverableitemsdeletions",
    "clutter",
    "conflicts",
    "conversationhistory",
    "localfailures",
    "scheduled",
    "searchfolders",
    "serverfailures",
    "syncissues",
];

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
/// `/users/jo@contoso.com/mailFolders/Inbox/messages` → `/users/{id}/mailfolders/{id}/messages`.
pub fn template_path(path: &str) -> String {
    let mut out = String::new();
    let mut previous = String::new();
    for segment in segments(path) {
        let is_id = if segment == "{id}" {
            true
        } else if segment.contains('(') {
            false
        } else if stands_for_id(&previous, &segment) {
            true
        } else {
            looks_like_id(&segment)
                || (COLLECTIONS.contains(&previous.as_str())
                    && !KEYWORDS.contains(&segment.as_str()))
        };
        out.push('/');
        out.push_str(if is_id { "{id}" } else { &segment });
        previous = if is_id { "{id}".to_string() } else { segment };
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The API path of a request URL: no scheme, host, query or version prefix
/// (`https://graph.microsoft.com/v1.0/me/messages?$top=1` → `/me/messages`).
pub fn api_path(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => url,
    };
    let path = crate::extract::percent_decode(path);
    let trimmed = path.trim_start_matches('/');
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    if matches!(first.to_ascii_lowercase().as_str(), "v1.0" | "beta") {
        format!("/{rest}")
    } else {
        path
    }
}

/// A well-known name in an id's place: a mail folder's (`mailFolders/inbox`), a drive's root
/// item (`items/root`).
fn stands_for_id(previous: &str, segment: &str) -> bool {
    (matches!(previous, "mailfolders" | "childfolders") && MAIL_FOLDERS.contains(&segment))
        || (previous == "items" && segment == "root")
}

/// A path's segments, lower-case, in the table's spelling: `{anything}` and `<anything>` are
/// `{id}`, `name(arguments)` is `name(...)`, a drive item's path (`root:/a/b.txt:`) is
/// `root:/{id}:`.
fn segments(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut raw = path.split('/').filter(|s| !s.is_empty());
    while let Some(segment) = raw.next() {
        let mut segment = segment.to_ascii_lowercase();
        if (segment.starts_with('{') && segment.ends_with('}'))
            || (segment.starts_with('<') && segment.ends_with('>'))
        {
            segment = "{id}".into();
        } else if segment.starts_with('{') && segment.ends_with("}:") {
            segment = "{id}:".into();
        } else if let Some(open) = segment.find('(') {
            // OData key syntax (`users('id')`) or a function call with arguments (its closing
            // parenthesis may be cut off or followed by quoting: `url('a')")`).
            segment = format!("{}(...)", &segment[..open]);
        }
        let item_path = segment.ends_with(':') && segment.len() > 1 && !segment.starts_with('{');
        out.push(segment);
        if item_path {
            // `root:/folder/file.txt:/content`: the item's path up to the closing colon, or
            // to the end (`root:/folder/file.txt`).
            let rest: Vec<&str> = raw.clone().collect();
            if let Some(close) = rest.iter().position(|part| part.ends_with(':')) {
                raw.nth(close);
                out.push("{id}:".into());
            } else if rest.first().is_some_and(|part| !part.starts_with('{')) {
                raw.by_ref().for_each(drop);
                out.push("{id}".into());
            }
        }
    }
    out
}

/// A template from Microsoft's permissions file in the table's spelling: lower-case, every
/// placeholder `{id}`, a mail folder's name `{id}`, functions' arguments `(...)`.
pub fn normalize_template(path: &str) -> String {
    let mut out = String::new();
    let mut previous = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut segment = segment.to_ascii_lowercase();
        if segment.contains('{') && !segment.contains('(') {
            let colon = segment.ends_with(':');
            segment = if colon { "{id}:".into() } else { "{id}".into() };
        } else if let Some(open) = segment.find('(') {
            if segment.ends_with(')') {
                segment = format!("{}(...)", &segment[..open]);
            }
        } else if stands_for_id(&previous, &segment) {
            segment = "{id}".into();
        }
        out.push('/');
        out.push_str(&segment);
        previous = segment;
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

/// Methods tried, in order, when the request's method has no row or is unknown.
const METHOD_FALLBACK: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

impl PermissionIndex {
    pub fn new(table: impl Into<Arc<EndpointTable>>) -> PermissionIndex {
        let mut table = table.into();
        // The shipped table is written in the lookups' spelling already; another one is
        // respelled (on a copy of its own).
        if table.rows.iter().any(|row| normalize_template(&row.path) != row.path) {
            for row in &mut Arc::make_mut(&mut table).rows {
                row.path = normalize_template(&row.path);
            }
        }
        let mut index =
            PermissionIndex { table, exact: HashMap::new(), nodes: vec![Node::default()] };
        for at in 0..index.table.rows.len() {
            let path = index.table.rows[at].path.clone();
            let method = index.table.rows[at].method.clone();
            index.exact.entry((method, path.clone())).or_insert(at);
            let mut node = 0;
            for segment in path.split('/').filter(|s| !s.is_empty()) {
                let next = if segment == "{id}" {
                    index.nodes[node].id
                } else {
                    index.nodes[node].literal.get(segment).copied()
                };
                node = match next {
                    Some(next) => next,
                    None => {
                        let path = format!("{}/{segment}", index.nodes[node].path);
                        index.nodes.push(Node { path, ..Node::default() });
                        let new = index.nodes.len() - 1;
                        if segment == "{id}" {
                            index.nodes[node].id = Some(new);
                        } else {
                            index.nodes[node].literal.insert(segment.to_string(), new);
                        }
                        new
                    }
                };
            }
            index.nodes[node].rows.push(at);
        }
        index
    }

    /// How many endpoints (method and path) the table holds.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// How many distinct paths the table holds.
    pub fn paths(&self) -> usize {
        self.table.paths()
    }

    /// The permissions for `method` on `path` (a template or a concrete path, without the
    /// version prefix). A segment the table has no literal for may fill an `{id}` slot; when
    /// the path has no row for the method (or none is given), GET and then the other methods
    /// stand in.
    pub fn lookup(&self, method: Option<&str>, path: &str) -> Option<EndpointPermissions> {
        let method = method.unwrap_or("GET").to_ascii_uppercase();
        let segments = segments(path);
        if segments.len() > 40 {
            return None;
        }
        let written = format!("/{}", segments.join("/"));
        if let Some(&row) = self.exact.get(&(method.clone(), written)) {
            return Some(self.table.permissions(&self.table.rows[row]));
        }
        // Microsoft's file writes reference paths without `$ref` (`/groups/{id}/members/{id}`).
        let bare = match segments.split_last() {
            Some((last, rest)) if last == "$ref" => Some(rest),
            _ => None,
        };
        let found = self
            .walk(0, &segments, &method)
            .or_else(|| bare.and_then(|rest| self.walk(0, rest, &method)))
            .or_else(|| self.walk(0, &segments, ""))
            .or_else(|| bare.and_then(|rest| self.walk(0, rest, "")));
        let node = match found {
            Some(node) => node,
            None => {
                let template = template_path(path);
                let &row = self.exact.get(&(method.clone(), template))?;
                return Some(self.table.permissions(&self.table.rows[row]));
            }
        };
        let row_of = |node: usize, method: &str| {
            self.nodes[node].rows.iter().copied().find(|&r| self.table.rows[r].method == method)
        };
        let writes = ["POST", "PATCH", "PUT", "DELETE"];
        // A write without a row of its own takes another write's permissions (on the path or
        // its item: adding a member is allowed by what allows removing one) before GET's.
        let write_stand_in = || {
            if !writes.contains(&method.as_str()) {
                return None;
            }
            let item = self.nodes[node].id;
            [Some(node), item].into_iter().flatten().find_map(|n| {
                row_of(n, &method).or_else(|| writes.iter().find_map(|m| row_of(n, m)))
            })
        };
        let row = row_of(node, &method)
            .or_else(write_stand_in)
            .or_else(|| METHOD_FALLBACK.iter().find_map(|m| row_of(node, m)))
            .or_else(|| self.nodes[node].rows.first().copied())?;
        Some(self.table.permissions(&self.table.rows[row]))
    }

    /// The node the segments lead to that has a row for `method` (any row when empty): the
    /// literal child first, then the `{id}` slot.
    fn walk(&self, node: usize, segments: &[String], method: &str) -> Option<usize> {
        let Some((first, rest)) = segments.split_first() else {
            let rows = &self.nodes[node].rows;
            let fits = if method.is_empty() {
                !rows.is_empty()
            } else {
                rows.iter().any(|&r| self.table.rows[r].method == method)
            };
            return fits.then_some(node);
        };
        let here = &self.nodes[node];
        if first != "{id}" {
            if let Some(&next) = here.literal.get(first.as_str()) {
                if let Some(found) = self.walk(next, rest, method) {
                    return Some(found);
                }
            }
        }
        let slot = if first.ends_with(':') { here.literal.get("{id}:").copied() } else { here.id };
        self.walk(slot?, rest, method)
    }

    /// The endpoint a Graph PowerShell cmdlet calls, read from its name against the table's
    /// paths: `Get-MgUserMessage` → `GET /users/{id}/messages`, `New-MgGroupMemberByRef` →
    /// `POST /groups/{id}/members/$ref`, `Invoke-MgForwardUserMessage` →
    /// `POST /users/{id}/messages/{id}/forward`. `with_id` says the call names the last noun's
    /// id (`Get-MgUser -UserId ...`). Returns the method, the path template and whether the
    /// cmdlet is a beta one (`Get-MgBeta...`).
    pub fn cmdlet_endpoint(&self, cmdlet: &str, with_id: bool) -> Option<(String, String, bool)> {
        let (verb, noun) = cmdlet.split_once('-')?;
        let noun = noun.strip_prefix("Mg")?;
        let (noun, beta) = match noun.strip_prefix("Beta") {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => (rest, true),
            _ => (noun, false),
        };
        let (noun, by_ref) = match noun.strip_suffix("ByRef") {
            Some(rest) => (rest.strip_suffix("DirectoryObject").unwrap_or(rest), true),
            None => (noun, false),
        };
        let method = match verb.to_ascii_lowercase().as_str() {
            "get" => "GET",
            "new" | "invoke" | "add" | "send" | "test" | "grant" | "revoke" => "POST",
            "update" => "PATCH",
            "remove" => "DELETE",
            "set" => "PUT",
            _ => return None,
        };
        let words = camel_words(noun);
        if words.is_empty() || words.len() > 12 || self.nodes.is_empty() {
            return None;
        }
        let found = match verb.to_ascii_lowercase().as_str() {
            // Invoke-Mg<Action><Noun>: the action's words come first.
            "invoke" => (1..words.len()).find_map(|k| {
                let action = words[..k].concat().to_ascii_lowercase();
                let accept = |n: usize| self.action_node(n, &action).is_some();
                let node = self.noun_node(0, &words[k..], &accept)?;
                self.action_node(node, &action)
            }),
            "get" | "new" | "update" | "remove" | "set" => {
                let accept =
                    |n: usize| self.item_or_collection(n, method, with_id, by_ref).is_some();
                match self.noun_node(0, &words, &accept) {
                    Some(node) => self.item_or_collection(node, method, with_id, by_ref),
                    // A trailing action (`Get-MgUserMemberOf`, a segment of its own).
                    None => (1..words.len()).rev().find_map(|k| {
                        let action = words[k..].concat().to_ascii_lowercase();
                        let accept = |n: usize| self.action_node(n, &action).is_some();
                        let node = self.noun_node(0, &words[..k], &accept)?;
                        self.action_node(node, &action)
                    }),
                }
            }
            // Send-MgUserMessage: the verb is the action (`messages/{id}/send`); Send-MgUserMail:
            // the verb and the last words are (`sendmail`).
            _ => (0..words.len()).rev().find_map(|k| {
                if k == 0 {
                    let action = verb.to_ascii_lowercase();
                    let accept = |n: usize| self.action_node(n, &action).is_some();
                    let node = self.noun_node(0, &words, &accept)?;
                    return self.action_node(node, &action);
                }
                let action = format!("{verb}{}", words[k..].concat()).to_ascii_lowercase();
                let accept = |n: usize| self.action_node(n, &action).is_some();
                let node = self.noun_node(0, &words[..k], &accept)?;
                self.action_node(node, &action)
            }),
        }?;
        let has_method =
            self.nodes[found].rows.iter().any(|&r| self.table.rows[r].method == method);
        has_method.then(|| (method.to_string(), self.nodes[found].path.clone(), beta))
    }

    /// The node the noun's words lead to: each group of words a segment (singular or plural),
    /// an `{id}` slot between.
    fn noun_node(
        &self,
        node: usize,
        words: &[String],
        accept: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        if words.is_empty() {
            return accept(node).then_some(node);
        }
        for k in (1..=words.len()).rev() {
            let joined = words[..k].concat().to_ascii_lowercase();
            let mut forms = vec![format!("{joined}s"), joined.clone(), format!("{joined}es")];
            if let Some(stem) = joined.strip_suffix('y') {
                forms.push(format!("{stem}ies"));
            }
            for form in forms {
                let Some(&child) = self.nodes[node].literal.get(&form) else { continue };
                let rest = &words[k..];
                if rest.is_empty() {
                    if accept(child) {
                        return Some(child);
                    }
                    continue;
                }
                // Through the item (`users/{id}/messages`), else straight on (`me/drive/root`).
                if let Some(found) =
                    self.nodes[child].id.and_then(|item| self.noun_node(item, rest, accept))
                {
                    return Some(found);
                }
                if let Some(found) = self.noun_node(child, rest, accept) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// An action segment on the item (`messages/{id}/forward`) or on the node itself.
    fn action_node(&self, node: usize, action: &str) -> Option<usize> {
        let on_item = self.nodes[node].id.and_then(|item| self.nodes[item].literal.get(action));
        on_item.or_else(|| self.nodes[node].literal.get(action)).copied()
    }

    /// A collection's item or the collection itself, as the method calls for.
    fn item_or_collection(
        &self,
        node: usize,
        method: &str,
        with_id: bool,
        by_ref: bool,
    ) -> Option<usize> {
        let has =
            |n: usize| self.nodes[n].rows.iter().any(|&r| self.table.rows[r].method == method);
        let item = self.nodes[node].id;
        if by_ref {
            // Microsoft's file writes most references without `$ref`.
            let base = if method == "DELETE" { item.unwrap_or(node) } else { node };
            return self.nodes[base]
                .literal
                .get("$ref")
                .copied()
                .or_else(|| has(base).then_some(base));
        }
        let prefer_item = match method {
            "GET" => with_id,
            "POST" => false,
            _ => true,
        };
        let (first, second) = if prefer_item { (item, Some(node)) } else { (Some(node), item) };
        first.filter(|&n| has(n)).or(second.filter(|&n| has(n)))
    }

    /// Reads Microsoft's permissions file (`{"permissions": {"Name": {"authorizationType",
    /// "schemes", "pathSets": [{"schemeKeys", "methods", "paths": {"/path": "least=..."}}]}}}`)
    /// with the rules of `scripts/gen-endpoint-permissions.py`: no application permission on
    /// `/me`; an application scheme without an app role of its own (no privilege level) named
    /// by its `.All` sibling; per method and scheme, the least-privileged marks first (a mark on
    /// a path set shared by GET and writes does not make a write permission least for GET), then
    /// the endpoint's own resource, then `Directory.*`, then the rest, read before write for
    /// GET, then privilege level and name; Teams resource-specific permissions last.
    pub fn from_microsoft_json(text: &str) -> Result<PermissionIndex, String> {
        #[derive(Deserialize)]
        struct File {
            permissions: BTreeMap<String, Permission>,
        }
        #[derive(Deserialize)]
        struct Permission {
            #[serde(default, rename = "authorizationType")]
            authorization_type: String,
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
        let permissions = &file.permissions;
        let level = |name: &str, scheme: &str| {
            permissions
                .get(name)
                .and_then(|p| p.schemes.get(scheme))
                .and_then(|s| s.privilege_level)
                .unwrap_or(3)
        };
        // An application scheme without a privilege level whose `.All` sibling has one.
        let app_name = |name: &str| -> String {
            let own = permissions.get(name).and_then(|p| p.schemes.get("Application"));
            let all = format!("{name}.All");
            let sibling =
                permissions.get(&all).is_some_and(|p| p.schemes.contains_key("Application"));
            if own.is_some_and(|s| s.privilege_level.is_none()) && sibling {
                all
            } else {
                name.to_string()
            }
        };
        #[derive(Clone, Copy)]
        struct Entry {
            least: bool,
            level: u8,
            rsc: bool,
        }
        // (method, path) -> [delegated, application] name -> entry
        type Schemes = [BTreeMap<String, Entry>; 2];
        let mut table: BTreeMap<(String, String), Schemes> = BTreeMap::new();
        for (name, permission) in permissions {
            let rsc = permission.authorization_type == "RSC";
            for set in &permission.path_sets {
                let methods: Vec<String> =
                    set.methods.iter().map(|m| m.to_ascii_uppercase()).collect();
                let with_writes = methods
                    .iter()
                    .any(|m| matches!(m.as_str(), "POST" | "PATCH" | "PUT" | "DELETE"));
                for (raw, value) in &set.paths {
                    let path = normalize_template(raw);
                    let least: Vec<&str> = value
                        .split(';')
                        .filter_map(|pair| pair.trim().strip_prefix("least="))
                        .flat_map(|list| list.split(','))
                        .map(str::trim)
                        .collect();
                    let on_me = path == "/me" || path.starts_with("/me/");
                    for method in &methods {
                        let entry = table.entry((method.clone(), path.clone())).or_default();
                        for scheme in &set.scheme_keys {
                            let (slot, shown) = match scheme.as_str() {
                                "DelegatedWork" => (0, name.clone()),
                                "Application" if !on_me => (1, app_name(name)),
                                _ => continue,
                            };
                            let marked = least.contains(&scheme.as_str())
                                && !(method == "GET" && with_writes && !is_read(&shown));
                            let new = Entry { least: marked, level: level(&shown, scheme), rsc };
                            let list = &mut entry[slot];
                            match list.get_mut(&shown) {
                                Some(old) => old.least |= marked,
                                None => {
                                    list.insert(shown, new);
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut out = EndpointTable::default();
        let mut numbers: HashMap<String, u16> = HashMap::new();
        for ((method, path), schemes) in table {
            if schemes.iter().all(BTreeMap::is_empty) {
                continue;
            }
            let relevant: Vec<String> = schemes
                .iter()
                .flat_map(|s| s.iter().filter(|(_, e)| e.least).map(|(n, _)| family(n)))
                .collect();
            let words: Vec<&str> = path
                .split('/')
                .filter(|s| !s.is_empty() && !s.starts_with('{'))
                .map(singular)
                .collect();
            let mut lists: [(Vec<u16>, u8); 2] = Default::default();
            for (slot, entries) in schemes.iter().enumerate() {
                let mut ordered: Vec<(&String, &Entry)> = entries.iter().collect();
                ordered.sort_by_cached_key(|(name, e)| {
                    let own = family(name);
                    let tier = if relevant.contains(&own) || words.contains(&singular(&own)) {
                        0
                    } else if own == "directory" {
                        1
                    } else {
                        2
                    };
                    let write = method == "GET" && !is_read(name);
                    (e.rsc, !e.least, tier, write, e.level, (*name).clone())
                });
                for (name, e) in ordered {
                    let next = numbers.len() as u16;
                    let number = *numbers.entry(name.clone()).or_insert_with(|| {
                        out.names.push(name.clone());
                        out.resource_specific.push(false);
                        next
                    });
                    out.resource_specific[number as usize] |= e.rsc;
                    if e.least && !e.rsc {
                        lists[slot].1 += 1;
                    }
                    lists[slot].0.push(number);
                }
            }
            let [(delegated, delegated_least), (application, application_least)] = lists;
            out.rows.push(EndpointRow {
                needs_mailbox: path_needs_mailbox(&path),
                method,
                path,
                delegated,
                application,
                delegated_least,
                application_least,
            });
        }
        Ok(PermissionIndex::new(out))
    }
}

/// One kind of permission an endpoint accepts, for a "Needs" line: the least-privileged ones
/// first (marked), at least three names, then how many more; the Teams resource-specific ones
/// apart, since they need the app installed in the team or chat.
/// `Mail.ReadBasic (least privileged), Mail.Read, Mail.ReadWrite`.
pub fn needs_list(names: &[String], least: usize, resource_specific: &[String]) -> String {
    let plain: Vec<&String> = names.iter().filter(|n| !resource_specific.contains(n)).collect();
    let mut out = if plain.is_empty() {
        "none".to_string()
    } else {
        let least = least.min(plain.len());
        let shown = least.clamp(3, 5).min(plain.len());
        let mut parts: Vec<String> = Vec::new();
        if least > 0 {
            let names: Vec<&str> = plain[..least.min(shown)].iter().map(|n| n.as_str()).collect();
            parts.push(format!("{} (least privileged)", names.join(" or ")));
        }
        parts.extend(plain[least.min(shown)..shown].iter().map(|n| n.to_string()));
        let mut text = parts.join(", ");
        if plain.len() > shown {
            text.push_str(&format!(" (+{} more)", plain.len() - shown));
        }
        text
    };
    let rsc: Vec<&str> =
        names.iter().filter(|n| resource_specific.contains(n)).map(String::as_str).collect();
    if !rsc.is_empty() {
        out.push_str(&format!(
            "; or {} by resource-specific consent, with the Teams app installed in the team or chat",
            rsc.join(", ")
        ));
    }
    out
}

/// The "Needs" line of an endpoint: its delegated and application permissions.
pub fn needs_line(permissions: &EndpointPermissions) -> String {
    let application = if permissions.application.is_empty()
        && (permissions.path == "/me" || permissions.path.starts_with("/me/"))
    {
        "none (/me needs a signed-in user)".to_string()
    } else {
        needs_list(
            &permissions.application,
            permissions.application_least,
            &permissions.resource_specific,
        )
    };
    format!(
        "delegated: {}; application: {}",
        needs_list(&permissions.delegated, permissions.delegated_least, &[]),
        application
    )
}

/// The CamelCase words of a cmdlet noun: `UserMailFolderMessage` → User, Mail, Folder, Message.
fn camel_words(noun: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = noun.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        let starts = at == 0
            || (c.is_ascii_uppercase()
                && (!chars[at - 1].is_ascii_uppercase()
                    || chars.get(at + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if !c.is_ascii_alphanumeric() {
            return Vec::new();
        }
        if starts {
            words.push(String::new());
        }
        words.last_mut().unwrap().push(c);
    }
    words
}

/// A read-only permission: its action (`Mail.Read`, `User.ReadBasic.All`) reads, not writes.
fn is_read(name: &str) -> bool {
    name.split('.')
        .nth(1)
        .is_some_and(|action| action.starts_with("Read") && !action.contains("Write"))
}

/// The resource a permission is about: `User-Mail.ReadWrite.All` → `user`.
fn family(name: &str) -> String {
    name.split(['.', '-']).next().unwrap_or(name).to_ascii_lowercase()
}

fn singular(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
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
    // Teams chats, channels and meetings have messages and events of their own.
    const NOT_MAILBOX: &[&str] =
        &["chats", "channels", "joinedteams", "teamwork", "onlinemeetings", "chat"];
    let segments: Vec<&str> = template.split('/').collect();
    let about_people = segments.get(1).is_some_and(|s| matches!(*s, "me" | "users"));
    about_people
        && !segments.iter().any(|s| NOT_MAILBOX.contains(s))
        && segments.iter().any(|s| MAILBOX_SEGMENTS.contains(s))
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
            ("/me/mailFolders/Inbox/messages", "/me/mailfolders/{id}/messages"),
            ("/me/mailFolders('SentItems')/messages", "/me/mailfolders(...)/messages"),
            (
                "/_api/web/getfolderbyserverrelativeurl('a%20b')\")",
                "/_api/web/getfolderbyserverrelativeurl(...)",
            ),
            (
                "/users/x@y.com/mailFolders/deleteditems/childFolders/archive",
                "/users/{id}/mailfolders/{id}/childfolders/{id}",
            ),
            ("/drives/b!abc/items/root/children", "/drives/{id}/items/{id}/children"),
            ("/me/drive/root/children", "/me/drive/root/children"),
            ("/me/drive/root:/Reports/Q1.xlsx:/content", "/me/drive/root:/{id}:/content"),
            ("/teams/{id}/archive", "/teams/{id}/archive"),
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
        assert_eq!(
            normalize_template("/drives/{drive-id}/root:/{item-path}:/content"),
            "/drives/{id}/root:/{id}:/content"
        );
        assert_eq!(
            normalize_template("/reports/getEmailActivityUserDetail(period={value})"),
            "/reports/getemailactivityuserdetail(...)"
        );
        assert_eq!(
            normalize_template("/users/{id}/mailfolders/inbox/messagerules"),
            "/users/{id}/mailfolders/{id}/messagerules"
        );
    }

    #[test]
    fn mailbox_paths() {
        assert!(path_needs_mailbox("/users/{id}/calendar/events"));
        assert!(path_needs_mailbox("/me/mailfolders/{id}/messages"));
        assert!(!path_needs_mailbox("/users/{id}"));
        assert!(!path_needs_mailbox("/groups/{id}/events"));
        assert!(!path_needs_mailbox("/users/{id}/chats/{id}/messages"));
        assert!(!path_needs_mailbox("/me/joinedteams/{id}/channels/{id}/messages"));
    }

    const SAMPLE: &str = r#"{"permissions": {
      "Calendars.Read": {"authorizationType": "oAuth2", "schemes": {"Application": {"privilegeLevel": 4}, "DelegatedWork": {"privilegeLevel": 2}},
        "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": "", "/me/calendar/events": ""}}]},
      "Calendars.ReadWrite": {"authorizationType": "oAuth2", "schemes": {"Application": {"privilegeLevel": 3}, "DelegatedWork": {"privilegeLevel": 2}},
        "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET", "POST"], "paths": {"/users/{id}/calendar/events": "least=DelegatedWork,Application", "/me/calendar/events": "least=DelegatedWork,Application"}}]},
      "Calendars.ReadBasic": {"authorizationType": "oAuth2", "schemes": {"Application": {}, "DelegatedWork": {"privilegeLevel": 2}},
        "pathSets": [{"schemeKeys": ["DelegatedWork", "Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": "least=DelegatedWork,Application", "/me/calendar/events": "least=DelegatedWork,Application"}}]},
      "Calendars.ReadBasic.All": {"authorizationType": "oAuth2", "schemes": {"Application": {"privilegeLevel": 3}}, "pathSets": []},
      "DeviceManagementApps.Read.All": {"authorizationType": "oAuth2", "schemes": {"Application": {"privilegeLevel": 3}},
        "pathSets": [{"schemeKeys": ["Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": ""}}]},
      "Calendars.Read.Group": {"authorizationType": "RSC", "schemes": {"Application": {"privilegeLevel": 2}},
        "pathSets": [{"schemeKeys": ["Application"], "methods": ["GET"], "paths": {"/users/{id}/calendar/events": "least=Application"}}]}
    }}"#;

    #[test]
    fn reads_microsoft_permission_format() {
        let index = PermissionIndex::from_microsoft_json(SAMPLE).unwrap();
        let endpoint = index.lookup(Some("GET"), "/users/{id}/calendar/events").unwrap();
        // Calendars.ReadBasic has no app role: its application scheme is Calendars.ReadBasic.All.
        // Calendars.ReadWrite is least-privileged for POST, not for GET; read before write;
        // another resource's permission after; the Teams resource-specific one last.
        assert_eq!(
            endpoint.application,
            [
                "Calendars.ReadBasic.All",
                "Calendars.Read",
                "Calendars.ReadWrite",
                "DeviceManagementApps.Read.All",
                "Calendars.Read.Group"
            ]
        );
        assert_eq!(endpoint.application_least, 1);
        assert_eq!(endpoint.resource_specific, ["Calendars.Read.Group"]);
        assert_eq!(
            endpoint.delegated,
            ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"]
        );
        assert!(endpoint.needs_mailbox);
        let post = index.lookup(Some("POST"), "/users/{id}/calendar/events").unwrap();
        assert_eq!((post.delegated_least, post.application_least), (1, 1));
        // /me cannot be called app-only.
        let me = index.lookup(Some("GET"), "/me/calendar/events").unwrap();
        assert!(me.application.is_empty());
        assert!(PermissionIndex::from_microsoft_json("[1,2").is_err());
    }

    #[test]
    fn looks_up_concrete_paths() {
        let index = PermissionIndex::from_microsoft_json(SAMPLE).unwrap();
        for path in [
            "/users/jo@contoso.com/calendar/events",
            "/users/adele/calendar/events",
            "/Users/{user-id}/Calendar/Events",
        ] {
            let found = index.lookup(None, path).unwrap();
            assert_eq!(found.path, "/users/{id}/calendar/events", "{path}");
            assert_eq!(found.method, "GET");
        }
        // No row for PATCH: another write stands in before GET.
        assert_eq!(index.lookup(Some("PATCH"), "/me/calendar/events").unwrap().method, "POST");
        assert!(index.lookup(Some("GET"), "/users/{id}/calendar").is_none());
        assert!(index.lookup(Some("GET"), "/groups").is_none());
    }

    /// The embedded table and Microsoft's file read with the same rules agree.
    #[test]
    fn embedded_table_matches_microsoft_file() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/graph-permissions/permissions.json");
        let Ok(text) = std::fs::read_to_string(&data) else {
            eprintln!("skipped: {} not found", data.display());
            return;
        };
        let from_file = PermissionIndex::from_microsoft_json(&text).unwrap();
        let kb = errdecode_kb::load_embedded().unwrap();
        let embedded = PermissionIndex::new(kb.endpoint_permissions.table().clone());
        assert_eq!(from_file.len(), embedded.len());
        assert_eq!(from_file.paths(), embedded.paths());
        let ours: HashMap<(&str, &str), EndpointPermissions> = embedded
            .table
            .rows
            .iter()
            .map(|r| ((r.method.as_str(), r.path.as_str()), embedded.table.permissions(r)))
            .collect();
        for row in &from_file.table.rows {
            let theirs = from_file.table.permissions(row);
            let key = (row.method.as_str(), row.path.as_str());
            assert_eq!(ours.get(&key), Some(&theirs), "{} {}", row.method, row.path);
        }
    }

    #[test]
    fn embedded_table_answers_the_audit() {
        let kb = errdecode_kb::load_embedded().unwrap();
        let table = kb.endpoint_permissions.table();
        assert!(kb.endpoint_permissions.problems().is_empty());
        assert_eq!(kb.endpoint_permissions.count(), table.len());
        // Written in the lookups' spelling: the index shares the table, no copy.
        let respelled: Vec<&str> = table
            .rows
            .iter()
            .filter(|r| normalize_template(&r.path) != r.path)
            .map(|r| r.path.as_str())
            .collect();
        assert!(respelled.is_empty(), "{:?}", &respelled[..respelled.len().min(5)]);
        let index = PermissionIndex::new(table.clone());
        assert!(Arc::ptr_eq(&index.table, table));
        assert!(index.paths() > 7000, "{}", index.paths());
        let users = index.lookup(Some("GET"), "/users").unwrap();
        assert_eq!(
            users.delegated[..3],
            ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"]
        );
        assert_eq!(users.application[..2], ["User.ReadBasic.All", "User.Read.All"]);
        for path in ["/me", "/me/messages", "/me/events", "/me/calendar/events", "/me/drive"] {
            assert!(index.lookup(Some("GET"), path).unwrap().application.is_empty(), "{path}");
        }
        let events = index.lookup(Some("GET"), "/users/x@y.com/events").unwrap();
        assert_eq!(events.application[0], "Calendars.ReadBasic.All");
        assert!(!events.application.contains(&"Calendars.ReadBasic".to_string()));
        assert!(events.needs_mailbox);
        let messages = index.lookup(Some("GET"), "/me/messages").unwrap();
        assert_eq!(messages.delegated, ["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"]);
        let channel =
            index.lookup(Some("GET"), "/teams/a/channels/19:x@thread.tacv2/messages").unwrap();
        assert_eq!(channel.application.last().unwrap(), "ChannelMessage.Read.Group");
        assert_eq!(channel.resource_specific, ["ChannelMessage.Read.Group"]);
        let inbox = index.lookup(Some("GET"), "/users/a@b.com/mailFolders/Inbox/messages").unwrap();
        assert_eq!(inbox.path, "/users/{id}/mailfolders/{id}/messages");
        assert!(inbox.needs_mailbox);
    }
}

#[cfg(test)]
mod cmdlet_tests {
    use super::*;

    /// Cmdlet names and the endpoints Microsoft's Graph PowerShell reference documents for them.
    #[test]
    fn cmdlets_map_to_their_documented_endpoints() {
        let kb = errdecode_kb::load_embedded().unwrap();
        let index = PermissionIndex::new(kb.endpoint_permissions.table().clone());
        let cases: &[(&str, bool, &str, &str)] = &[
            ("Get-MgUser", false, "GET", "/users"),
            ("Get-MgUser", true, "GET", "/users/{id}"),
            ("Update-MgUser", false, "PATCH", "/users/{id}"),
            ("New-MgUser", false, "POST", "/users"),
            ("Remove-MgUser", false, "DELETE", "/users/{id}"),
            ("Get-MgUserMessage", false, "GET", "/users/{id}/messages"),
            ("Get-MgUserMessage", true, "GET", "/users/{id}/messages/{id}"),
            ("Get-MgUserMailFolder", false, "GET", "/users/{id}/mailfolders"),
            ("Get-MgUserMailFolderMessage", false, "GET", "/users/{id}/mailfolders/{id}/messages"),
            ("Get-MgUserEvent", false, "GET", "/users/{id}/events"),
            ("New-MgUserEvent", false, "POST", "/users/{id}/events"),
            ("Get-MgUserCalendarView", false, "GET", "/users/{id}/calendarview"),
            ("Send-MgUserMail", false, "POST", "/users/{id}/sendmail"),
            ("Send-MgUserMessage", false, "POST", "/users/{id}/messages/{id}/send"),
            ("Invoke-MgForwardUserMessage", false, "POST", "/users/{id}/messages/{id}/forward"),
            ("Get-MgGroup", false, "GET", "/groups"),
            ("Get-MgGroupMember", false, "GET", "/groups/{id}/members"),
            // Microsoft's file writes the reference without `$ref` and has no POST on members.
            ("Remove-MgGroupMemberByRef", false, "DELETE", "/groups/{id}/members/{id}"),
            (
                "Remove-MgGroupMemberDirectoryObjectByRef",
                false,
                "DELETE",
                "/groups/{id}/members/{id}",
            ),
            ("Remove-MgGroupOwnerByRef", false, "DELETE", "/groups/{id}/owners/{id}"),
            ("Get-MgGroupOwner", false, "GET", "/groups/{id}/owners"),
            ("Get-MgTeam", true, "GET", "/teams/{id}"),
            ("Get-MgTeamChannel", false, "GET", "/teams/{id}/channels"),
            ("Get-MgTeamChannelMessage", false, "GET", "/teams/{id}/channels/{id}/messages"),
            ("New-MgTeamChannelMessage", false, "POST", "/teams/{id}/channels/{id}/messages"),
            ("Get-MgChatMessage", false, "GET", "/chats/{id}/messages"),
            ("New-MgChatMessage", false, "POST", "/chats/{id}/messages"),
            ("Get-MgApplication", false, "GET", "/applications"),
            ("Update-MgApplication", false, "PATCH", "/applications/{id}"),
            ("Get-MgServicePrincipal", false, "GET", "/serviceprincipals"),
            (
                "New-MgServicePrincipalAppRoleAssignment",
                false,
                "POST",
                "/serviceprincipals/{id}/approleassignments",
            ),
            ("Get-MgUserMemberOf", false, "GET", "/users/{id}/memberof"),
            ("Get-MgDriveItem", true, "GET", "/drives/{id}/items/{id}"),
            ("Get-MgSiteList", false, "GET", "/sites/{id}/lists"),
            ("Get-MgSiteListItem", false, "GET", "/sites/{id}/lists/{id}/items"),
            ("Get-MgAuditLogSignIn", false, "GET", "/auditlogs/signins"),
            ("Get-MgAuditLogDirectoryAudit", false, "GET", "/auditlogs/directoryaudits"),
            ("Get-MgDirectoryRole", false, "GET", "/directoryroles"),
            ("Get-MgUserOnlineMeeting", false, "GET", "/users/{id}/onlinemeetings"),
            ("Get-MgUserAuthenticationMethod", false, "GET", "/users/{id}/authentication/methods"),
            ("Get-MgSubscribedSku", false, "GET", "/subscribedskus"),
            ("Get-MgOrganization", false, "GET", "/organization"),
            ("Get-MgUserLicenseDetail", false, "GET", "/users/{id}/licensedetails"),
            ("Get-MgDevice", false, "GET", "/devices"),
            (
                "Get-MgDeviceManagementManagedDevice",
                false,
                "GET",
                "/devicemanagement/manageddevices",
            ),
        ];
        let mut wrong = Vec::new();
        for &(cmdlet, with_id, method, path) in cases {
            let found = index.cmdlet_endpoint(cmdlet, with_id);
            if found.as_ref().map(|(m, p, _)| (m.as_str(), p.as_str())) != Some((method, path)) {
                wrong.push(format!("{cmdlet}: {found:?}, documented {method} {path}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(
            index.cmdlet_endpoint("Get-MgBetaUserMessage", false),
            Some(("GET".into(), "/users/{id}/messages".into(), true))
        );
        assert_eq!(index.cmdlet_endpoint("Connect-MgGraph", false), None);
        assert_eq!(index.cmdlet_endpoint("Get-Mailbox", false), None);
    }
}
