//! The knowledge base as the decoder and the renderers see it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::sections::SectionKind;
use crate::{Problem, SourceFile};

/// Everything the decoder knows. Loaded once; read-only afterwards (the lookups below are
/// built on first use and would not see a later change).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct KnowledgeBase {
    pub products: Vec<Product>,
    pub errors: Vec<ErrorEntry>,
    pub causes: Vec<Cause>,
    /// Every Graph endpoint and the permissions it accepts (`permissions/*.tsv`), read the
    /// first time it is asked for.
    pub endpoint_permissions: EndpointPermissionFiles,
    /// What endpoints need beyond a permission (`requirements/*.toml`).
    pub endpoint_requirements: Vec<EndpointRequirement>,
    /// Operations named in words and the endpoints they call (`mentions/*.toml`).
    pub endpoint_mentions: Vec<EndpointMention>,
    #[serde(skip)]
    index: OnceLock<Index>,
}

/// The lookups over a knowledge base, built the first time one is asked for.
#[derive(Debug, Default, Clone)]
struct Index {
    errors: HashMap<String, usize>,
    causes: HashMap<String, usize>,
    products: HashMap<String, usize>,
    /// Lower-cased code to the entries that carry it, in knowledge-base order.
    by_code: HashMap<String, Vec<usize>>,
    /// Cause index to the entries that list it, in knowledge-base order.
    listed_by: Vec<Vec<usize>>,
}

impl KnowledgeBase {
    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            // The first of two entries with one id wins, as a linear search would find it
            // (`kb check` reports duplicates).
            fn first_wins<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
                let mut map = HashMap::new();
                for (index, id) in ids.enumerate() {
                    map.entry(id.to_string()).or_insert(index);
                }
                map
            }
            let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
            for (index, entry) in self.errors.iter().enumerate() {
                for code in &entry.codes {
                    let list = by_code.entry(code.to_ascii_lowercase()).or_default();
                    if list.last() != Some(&index) {
                        list.push(index);
                    }
                }
            }
            let causes = first_wins(self.causes.iter().map(|c| c.id.as_str()));
            let mut listed_by = vec![Vec::new(); self.causes.len()];
            for (index, entry) in self.errors.iter().enumerate() {
                for candidate in &entry.causes {
                    if let Some(&cause) = causes.get(&candidate.id) {
                        if listed_by[cause].last() != Some(&index) {
                            listed_by[cause].push(index);
                        }
                    }
                }
            }
            Index {
                errors: first_wins(self.errors.iter().map(|e| e.id.as_str())),
                causes,
                products: first_wins(self.products.iter().map(|p| p.id.as_str())),
                by_code,
                listed_by,
            }
        })
    }

    pub fn error(&self, id: &str) -> Option<&ErrorEntry> {
        self.error_index(id).map(|index| &self.errors[index])
    }

    /// The position of the entry `id` in [`KnowledgeBase::errors`].
    pub fn error_index(&self, id: &str) -> Option<usize> {
        self.index().errors.get(id).copied()
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.cause_index(id).map(|index| &self.causes[index])
    }

    /// The position of the cause `id` in [`KnowledgeBase::causes`].
    pub fn cause_index(&self, id: &str) -> Option<usize> {
        self.index().causes.get(id).copied()
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.product_index(id).map(|index| &self.products[index])
    }

    /// The position of the product `id` in [`KnowledgeBase::products`].
    pub fn product_index(&self, id: &str) -> Option<usize> {
        self.index().products.get(id).copied()
    }

    /// The entries that carry `code` (any ASCII case), in knowledge-base order (positions in
    /// [`KnowledgeBase::errors`]).
    pub fn errors_with_code(&self, code: &str) -> &[usize] {
        self.index().by_code.get(&code.to_ascii_lowercase()).map_or(&[], Vec::as_slice)
    }

    /// The entry a bare `code` means: the first one that carries it and needs nothing more
    /// ([`ErrorEntry::is_default_for_code`]), else the first that carries it.
    pub fn error_for_code(&self, code: &str) -> Option<&ErrorEntry> {
        let entries = self.errors_with_code(code);
        entries
            .iter()
            .map(|&index| &self.errors[index])
            .find(|entry| entry.is_default_for_code())
            .or_else(|| entries.first().map(|&index| &self.errors[index]))
    }

    /// The entries that list the cause at `cause` (its position in [`KnowledgeBase::causes`]),
    /// in knowledge-base order.
    pub fn entries_listing(&self, cause: usize) -> &[usize] {
        self.index().listed_by.get(cause).map_or(&[], Vec::as_slice)
    }

    /// Errors close to `asked`, an id or code that names none (`aadsts7000216` finds
    /// `aadsts7000215`): the indices of at most `limit` entries, best first. Entries whose id
    /// or a code shares the longest prefix with it (five characters at least) come first;
    /// without one, entries whose title holds most of its words. Only the first
    /// [`SUGGEST_CHARS`] characters are read, and each entry is compared once, so the cost is
    /// bounded whatever is asked.
    pub fn suggest(&self, asked: &str, limit: usize) -> Vec<usize> {
        let asked: String = asked
            .chars()
            .take(SUGGEST_CHARS)
            .map(|c| if c == '_' || c == '-' { ' ' } else { c.to_ascii_lowercase() })
            .collect();
        let asked = asked.trim();
        let words: Vec<&str> = asked.split_whitespace().filter(|w| w.len() >= 3).collect();
        let prefix = |key: &str| {
            let key = key.bytes().map(|b| if b == b'-' || b == b'_' { b' ' } else { b });
            key.zip(asked.bytes()).take_while(|(k, a)| k.eq_ignore_ascii_case(a)).count()
        };
        let mut scored: Vec<(usize, usize, usize)> = self
            .errors
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let shared = std::iter::once(entry.id.as_str())
                    .chain(entry.codes.iter().map(String::as_str))
                    .map(prefix)
                    .max()
                    .unwrap_or(0);
                let title = entry.title.to_ascii_lowercase();
                let found = words.iter().filter(|w| title.contains(**w)).count();
                (index, shared, found)
            })
            .collect();
        let by_prefix = scored.iter().any(|&(_, shared, _)| shared >= 5);
        if by_prefix {
            scored.retain(|&(_, shared, _)| shared >= 5);
            scored.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        } else {
            let wanted = words.len().div_ceil(2).max(1);
            scored.retain(|&(_, _, found)| found >= wanted);
            scored.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        }
        scored.into_iter().take(limit).map(|(index, ..)| index).collect()
    }
}

/// The most of an id that [`KnowledgeBase::suggest`] reads.
pub const SUGGEST_CHARS: usize = 200;

/// Where an entry was written, for messages that point back at it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub path: String,
    /// 1-based line of the entry's first line (table rows share one file).
    pub line: usize,
}

/// A titled Markdown section of a page body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The heading as written.
    pub title: String,
    pub markdown: String,
}

/// How much a page says: rich pages carry every section of an error page; basic ones (most
/// table-driven codes) carry at least the meaning and the causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Rich,
    #[default]
    Basic,
}

impl Tier {
    pub fn is_rich(self) -> bool {
        self == Tier::Rich
    }
}

/// A known error: a code or message family with its page and candidate causes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorEntry {
    pub id: String,
    pub title: String,
    pub product: String,
    pub topic: String,
    /// Codes that name this error, most specific first (`AADSTS50012`, `ErrorAccessDenied`).
    pub codes: Vec<String>,
    pub http_status: Vec<u16>,
    /// Message templates; `{}` stands for any run of text (a name, a GUID, a time).
    pub messages: Vec<String>,
    /// Signals that must all fire for this entry to apply: how an entry that shares a code with
    /// another one (the same Graph code seen from PowerShell, say) tells itself apart.
    pub when: Vec<String>,
    /// The error message as people see it, for the page's first block.
    pub message: String,
    /// One line: what is going on.
    pub gist: String,
    /// Real-world phrasings of the same error; each must decode to this entry.
    pub variations: Vec<String>,
    pub causes: Vec<CandidateCause>,
    pub related: Vec<String>,
    pub related_searches: Vec<String>,
    pub affected_products: Vec<String>,
    pub faq: Vec<Faq>,
    pub sources: Vec<String>,
    pub last_reviewed: String,
    pub tier: Tier,
    pub sections: Vec<Section>,
    pub origin: Origin,
}

impl ErrorEntry {
    /// A product's page for a bare HTTP status: an entry with statuses and no code, message
    /// or condition, found only when the paste is about its product.
    pub fn is_status_page(&self) -> bool {
        self.codes.is_empty()
            && self.messages.is_empty()
            && self.when.is_empty()
            && !self.http_status.is_empty()
    }

    /// The entry a code means on its own: one that needs no signal (`when`) and no message
    /// to tell it apart from the other entries with its code.
    pub fn is_default_for_code(&self) -> bool {
        !self.codes.is_empty() && self.when.is_empty() && self.messages.is_empty()
    }

    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|section| section.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

/// A cause an error entry considers, with how often it is the answer before any evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateCause {
    pub id: String,
    /// Prior in [0, 1].
    pub prior: f32,
}

/// A root cause: what tells it apart, how to confirm it, how to fix it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cause {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Evidence that makes this cause more likely.
    pub support: Vec<EvidenceRule>,
    /// Evidence that makes it less likely, or rules it out.
    pub refute: Vec<EvidenceRule>,
    pub sources: Vec<String>,
    pub last_reviewed: String,
    /// The cause can be behind any error (a library's bug, an outage, a clock), so no error
    /// lists it: evidence for it counts in full instead of at the discount for causes the
    /// matched error does not list.
    pub any_error: bool,
    pub sections: Vec<Section>,
    pub origin: Origin,
}

impl Cause {
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|section| section.kind == kind)
    }
}

/// What fires a piece of evidence: a typed signal the decoder derives, or a pattern in the
/// paste's text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// A signal name from the decoder's catalogue (`token.app_only`).
    Signal(String),
    /// A case-insensitive regular expression run over the normalized paste. The knowledge
    /// base checks its syntax; the decoder compiles all of them into one set.
    Pattern(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceRule {
    pub trigger: Trigger,
    /// How much the evidence moves the cause, in [0, 1].
    pub weight: f32,
    /// The evidence line shown to the user; a signal brings its own sentence when this is empty.
    pub says: Option<String>,
    /// For refuting evidence: the cause is ruled out instead of merely weakened.
    pub rule_out: bool,
    /// Signals that must all fire as well for the rule to count: the rule then stands for two
    /// facts told together (a client secret *and* a SharePoint request), which neither is alone.
    #[serde(default)]
    pub when: Vec<String>,
    /// Line of the rule in its file.
    pub line: usize,
}

/// A product hub: Microsoft Graph, Entra ID sign-in, ...
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub summary: String,
    /// Topics in the order the hub page shows them.
    pub topics: Vec<String>,
    /// Where the product stands in lists: lower first.
    pub order: u32,
    /// How a paste is recognised as being about this product.
    pub detect: ProductDetect,
    pub body_markdown: String,
    pub origin: Origin,
}

/// How a paste is recognised as being about a product: it is when any of these holds. It decides
/// whether the product's status pages (an entry with a status and nothing else) apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductDetect {
    /// Lower-case words or phrases found anywhere in the paste.
    #[serde(default)]
    pub words: Vec<String>,
    /// Host suffixes of a request URL in the paste (`graph.microsoft.com`, `.sharepoint.com`).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Substrings of a PowerShell cmdlet name in the paste (`-Mg`, `-PnP`).
    #[serde(default)]
    pub cmdlets: Vec<String>,
    /// An Entra authority URL (`login.microsoftonline.com/...`) in the paste.
    #[serde(default)]
    pub authority: bool,
    /// A `WWW-Authenticate` challenge in a paste that is about Microsoft.
    #[serde(default)]
    pub challenge: bool,
}

/// The permissions that let a caller use one Graph endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointPermissions {
    pub method: String,
    /// Path template without the version prefix, lower-case, with `{id}` slots.
    pub path: String,
    /// Delegated (work or school) permissions in the order to show them: the least-privileged
    /// first, then those of the endpoint's own resource, read before write for GET.
    pub delegated: Vec<String>,
    /// Application permissions in the same order; Teams resource-specific ones last.
    pub application: Vec<String>,
    /// How many of `delegated` (from the start) Microsoft marks least-privileged.
    pub delegated_least: usize,
    /// How many of `application` (from the start) Microsoft marks least-privileged.
    pub application_least: usize,
    /// Those of `application` that are Teams resource-specific consent permissions: granted
    /// to a Teams app installed in the team or chat, never in the token's roles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_specific: Vec<String>,
    /// The data behind it lives in an Exchange Online mailbox.
    pub needs_mailbox: bool,
}

/// The files of the endpoint permission table (`permissions/*.tsv`), parsed the first time the
/// table is asked for: a command that looks at no endpoint (`token`, `show`, `list`) never
/// parses them.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct EndpointPermissionFiles {
    files: Vec<SourceFile>,
    #[serde(skip)]
    parsed: OnceLock<(Arc<EndpointTable>, Vec<Problem>)>,
}

impl EndpointPermissionFiles {
    /// Adds a table file (before the table is first asked for).
    pub fn push(&mut self, file: SourceFile) {
        self.files.push(file);
        self.parsed = OnceLock::new();
    }

    fn parsed(&self) -> &(Arc<EndpointTable>, Vec<Problem>) {
        self.parsed.get_or_init(|| {
            let mut table = EndpointTable::default();
            let mut problems = Vec::new();
            for file in &self.files {
                crate::permissions::parse_table(&file.path, &file.text, &mut table, &mut problems);
            }
            (Arc::new(table), problems)
        })
    }

    /// The table, parsed on first use.
    pub fn table(&self) -> &Arc<EndpointTable> {
        &self.parsed().0
    }

    /// The problems of the table files (`kb check` reports them).
    pub fn problems(&self) -> &[Problem] {
        &self.parsed().1
    }

    /// How many endpoints (method and path) the files hold, counted without parsing them.
    pub fn count(&self) -> usize {
        match self.parsed.get() {
            Some((table, _)) => table.len(),
            None => self.files.iter().map(|f| crate::permissions::count_rows(&f.text)).sum(),
        }
    }

    /// How many endpoints (method and path) the table holds.
    pub fn len(&self) -> usize {
        self.table().len()
    }

    pub fn is_empty(&self) -> bool {
        self.table().is_empty()
    }

    /// How many distinct paths the table holds.
    pub fn paths(&self) -> usize {
        self.table().paths()
    }
}

/// The permission table: Graph endpoints with permission names interned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointTable {
    /// Permission names; rows refer to them by index.
    pub names: Vec<String>,
    /// Per name: a Teams resource-specific consent permission.
    pub resource_specific: Vec<bool>,
    pub rows: Vec<EndpointRow>,
}

/// One method of one path in an [`EndpointTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRow {
    pub method: String,
    /// Path template as [`EndpointPermissions::path`].
    pub path: String,
    /// Indexes into [`EndpointTable::names`], in the order to show them.
    pub delegated: Vec<u16>,
    pub application: Vec<u16>,
    /// How many of the lists (from the start) are least-privileged.
    pub delegated_least: u8,
    pub application_least: u8,
    pub needs_mailbox: bool,
}

impl EndpointTable {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many distinct paths the rows cover.
    pub fn paths(&self) -> usize {
        let mut paths: Vec<&str> = self.rows.iter().map(|r| r.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    }

    /// The number of `name`, added when new.
    pub fn intern(&mut self, name: &str, resource_specific: bool) -> u16 {
        if let Some(at) = self.names.iter().position(|n| n == name) {
            self.resource_specific[at] |= resource_specific;
            return at as u16;
        }
        self.names.push(name.to_string());
        self.resource_specific.push(resource_specific);
        (self.names.len() - 1) as u16
    }

    /// A row with its names written out.
    pub fn permissions(&self, row: &EndpointRow) -> EndpointPermissions {
        let names = |list: &[u16]| -> Vec<String> {
            list.iter().map(|&i| self.names[i as usize].clone()).collect()
        };
        EndpointPermissions {
            method: row.method.clone(),
            path: row.path.clone(),
            delegated: names(&row.delegated),
            application: names(&row.application),
            delegated_least: row.delegated_least as usize,
            application_least: row.application_least as usize,
            resource_specific: row
                .application
                .iter()
                .filter(|&&i| self.resource_specific[i as usize])
                .map(|&i| self.names[i as usize].clone())
                .collect(),
            needs_mailbox: row.needs_mailbox,
        }
    }
}

/// Which tokens an endpoint requirement concerns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementFlow {
    /// Any caller.
    #[default]
    Any,
    /// App-only callers (client credentials).
    AppOnly,
    /// Callers acting for a signed-in user.
    Delegated,
}

/// Something an endpoint needs beyond a permission; raises `signal` with `says` as evidence
/// when the failing request matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointRequirement {
    /// An `endpoint.*` signal of the decoder's catalogue.
    pub signal: String,
    /// Path templates (lower-case, `{id}` slots); a trailing `*` also covers every path below.
    pub paths: Vec<String>,
    /// Methods it applies to; empty for all.
    pub methods: Vec<String>,
    pub flow: RequirementFlow,
    /// Applies only when the token holds one of these permissions (roles or scopes); empty for
    /// any token, or none.
    pub token_holds: Vec<String>,
    pub says: String,
    pub sources: Vec<String>,
    /// The file and line of the rule.
    pub origin: Origin,
}

/// An operation named in words ("add a member to a group") and the Graph endpoint it calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointMention {
    /// A case-insensitive pattern that starts with a literal word.
    pub pattern: String,
    pub method: String,
    /// The path template, lower-case with `{id}` slots.
    pub path: String,
    pub origin: Origin,
}
