//! The page functions: one per kind of page, each building a view of the knowledge base (or
//! of a decode document) and rendering it through the templates. The server's handlers and
//! the static export both call these, and nothing else produces HTML.

use errdecode_core::document::MatchedError;
use errdecode_core::extract::{AuthorityTenant, RequestTarget};
use errdecode_core::matcher::MatchedBy;
use errdecode_core::token::{SignatureState, TokenFlow, TokenKind, TokenReport, TokenSource};
use errdecode_core::{DecodeDocument, SearchHit, SearchResults};
use errdecode_kb::{Cause, ErrorEntry, EvidenceRule, Product, SectionKind, Trigger};
use minijinja::Error;
use serde::Serialize;

use crate::markdown;
use crate::site::Site;
use crate::urls;

/// How many search results a page shows.
pub const SEARCH_LIMIT: usize = 50;
/// How much of a paste the result page puts back in the box for another try.
pub const ECHO_LIMIT: usize = 256 * 1024;

/// Example pastes offered on the home page; each is a one-click decode, with or without
/// JavaScript.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "Graph 401 on calendar events from a daemon",
        include_str!("../../../examples/graph-calendar-401.txt"),
    ),
    ("/me called with an app-only token", include_str!("../../../examples/graph-me-app-only.txt")),
    (
        "AADSTS7000215 with the secret's ID as the secret",
        include_str!("../../../examples/aadsts7000215-secret.txt"),
    ),
];

// ---------------------------------------------------------------------------------------------
// Views shared by several pages.

#[derive(Serialize)]
struct ErrorRef {
    id: String,
    url: String,
    title: String,
    gist: String,
    rich: bool,
}

impl ErrorRef {
    fn new(entry: &ErrorEntry) -> ErrorRef {
        ErrorRef {
            id: entry.id.clone(),
            url: urls::error(&entry.id),
            title: entry.title.clone(),
            gist: entry.gist.clone(),
            rich: entry.tier.is_rich(),
        }
    }
}

#[derive(Serialize)]
struct TopicRef {
    name: String,
    anchor: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct ProductCard {
    id: String,
    name: String,
    url: String,
    summary: String,
    count: usize,
    topics: Vec<TopicRef>,
}

impl ProductCard {
    fn new(site: &Site, product: &Product) -> ProductCard {
        let errors: Vec<&ErrorEntry> =
            site.kb().errors.iter().filter(|e| e.product == product.id).collect();
        ProductCard {
            id: product.id.clone(),
            name: product.name.clone(),
            url: urls::product(&product.id),
            summary: product.summary.clone(),
            count: errors.len(),
            topics: product
                .topics
                .iter()
                .map(|topic| TopicRef {
                    name: topic.clone(),
                    anchor: urls::slug(topic),
                    url: urls::topic(&product.id, topic),
                    count: errors.iter().filter(|e| &e.topic == topic).count(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    url: String,
}

fn render(site: &Site, template: &str, context: impl Serialize) -> Result<String, Error> {
    site.env.get_template(template)?.render(context)
}

fn product_name(site: &Site, id: &str) -> String {
    site.product(id).map_or_else(|| id.to_string(), |p| p.name.clone())
}

// ---------------------------------------------------------------------------------------------
// Home.

#[derive(Serialize)]
struct CommonGroup {
    product: String,
    url: String,
    errors: Vec<ErrorRef>,
}

#[derive(Serialize)]
struct Example {
    title: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct HomeView {
    products: Vec<ProductCard>,
    common: Vec<CommonGroup>,
    examples: Vec<Example>,
    error_count: usize,
    cause_count: usize,
    paste: PasteBox,
}

/// The paste box as a page shows it.
#[derive(Serialize, Default)]
struct PasteBox {
    /// Text to put back in the box (signatures already stripped by the formatter).
    text: String,
    /// Heading level and wording differ between the home page and the other pages.
    compact: bool,
}

pub fn render_home(site: &Site) -> Result<String, Error> {
    let kb = site.kb();
    let common = kb
        .products
        .iter()
        .map(|product| CommonGroup {
            product: product.name.clone(),
            url: urls::product(&product.id),
            errors: kb
                .errors
                .iter()
                .filter(|e| e.product == product.id && e.tier.is_rich())
                .map(ErrorRef::new)
                .collect(),
        })
        .filter(|group| !group.errors.is_empty())
        .collect();
    let view = HomeView {
        products: kb.products.iter().map(|p| ProductCard::new(site, p)).collect(),
        common,
        examples: EXAMPLES.iter().map(|(title, text)| Example { title, text }).collect(),
        error_count: kb.errors.len(),
        cause_count: kb.causes.len(),
        paste: PasteBox::default(),
    };
    render(site, "home.html", view)
}

// ---------------------------------------------------------------------------------------------
// Product hubs.

#[derive(Serialize)]
struct TopicGroup {
    name: String,
    anchor: String,
    errors: Vec<ErrorRef>,
}

#[derive(Serialize)]
struct ProductView {
    product: ProductCard,
    body_html: String,
    groups: Vec<TopicGroup>,
    crumbs: Vec<Crumb>,
}

pub fn render_product(site: &Site, product: &Product) -> Result<String, Error> {
    let kb = site.kb();
    let mut groups: Vec<TopicGroup> = product
        .topics
        .iter()
        .map(|topic| {
            let mut entries: Vec<&ErrorEntry> =
                kb.errors.iter().filter(|e| e.product == product.id && &e.topic == topic).collect();
            // Rich pages first, then the knowledge base's own order (codes ascending in tables).
            entries.sort_by_key(|e| !e.tier.is_rich());
            TopicGroup {
                name: topic.clone(),
                anchor: urls::slug(topic),
                errors: entries.into_iter().map(ErrorRef::new).collect(),
            }
        })
        .collect();
    groups.retain(|g| !g.errors.is_empty());
    let view = ProductView {
        product: ProductCard::new(site, product),
        body_html: markdown::to_html(&product.body_markdown),
        groups,
        crumbs: vec![Crumb { name: "Home".into(), url: urls::HOME.into() }],
    };
    render(site, "product.html", view)
}

// ---------------------------------------------------------------------------------------------
// Error pages.

#[derive(Serialize)]
struct CauseRef {
    url: String,
    title: String,
    summary: String,
}

#[derive(Serialize)]
struct Faq {
    question: String,
    answer_html: String,
    anchor: String,
}

#[derive(Serialize)]
struct Link {
    text: String,
    url: String,
}

#[derive(Serialize)]
struct ErrorView {
    id: String,
    title: String,
    product: ProductCard,
    topic: String,
    topic_url: String,
    codes: Vec<String>,
    http_status: Vec<u16>,
    message: String,
    gist: String,
    meaning: Option<String>,
    why: Option<String>,
    quick_fix: Option<String>,
    admin_fix: Option<String>,
    steps: Option<String>,
    still_broken: Option<String>,
    causes: Vec<CauseRef>,
    variations: Vec<String>,
    affected_products: Vec<String>,
    related: Vec<ErrorRef>,
    related_searches: Vec<Link>,
    faq: Vec<Faq>,
    references: Vec<String>,
    last_reviewed: String,
    rich: bool,
    crumbs: Vec<Crumb>,
    paste: PasteBox,
    /// The page's questions as schema.org `FAQPage` JSON-LD, escaped for a `<script>` block.
    faq_json_ld: Option<String>,
}

/// The questions an error page answers, as schema.org `FAQPage` JSON-LD: what causes the
/// error (its causes, most likely first), how to fix it (the quick fix, else the admin fix),
/// and the page's own FAQ. Every answer is text the page shows. `<`, `>` and `&` are written
/// as JSON escapes, so that the block cannot end its `<script>` early.
fn faq_json_ld(site: &Site, entry: &ErrorEntry) -> Option<String> {
    let name = entry.codes.first().unwrap_or(&entry.title);
    let mut questions = Vec::new();
    let mut question = |q: String, a: String| {
        if !a.is_empty() {
            questions.push(serde_json::json!({
                "@type": "Question",
                "name": q,
                "acceptedAnswer": { "@type": "Answer", "text": a },
            }));
        }
    };
    let mut candidates: Vec<&errdecode_kb::CandidateCause> = entry.causes.iter().collect();
    candidates.sort_by(|a, b| b.prior.total_cmp(&a.prior));
    let causes: Vec<String> = candidates
        .iter()
        .filter_map(|candidate| site.cause(&candidate.id))
        .map(|cause| format!("{}: {}", cause.title, cause.summary))
        .collect();
    question(format!("What causes {name}?"), causes.join(" "));
    let fix = entry.section(SectionKind::QuickFix).or_else(|| entry.section(SectionKind::AdminFix));
    if let Some(fix) = fix {
        question(format!("How do I fix {name}?"), markdown::plain_text(&fix.markdown));
    }
    for faq in &entry.faq {
        question(faq.question.clone(), markdown::plain_text(&faq.answer));
    }
    if questions.is_empty() {
        return None;
    }
    let document = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    });
    let json = serde_json::to_string(&document).ok()?;
    Some(json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

fn section_html(sections: Option<&errdecode_kb::Section>) -> Option<String> {
    sections.map(|s| markdown::to_html(&s.markdown))
}

pub fn render_error(site: &Site, entry: &ErrorEntry) -> Result<String, Error> {
    let product = match site.product(&entry.product) {
        Some(product) => ProductCard::new(site, product),
        None => ProductCard {
            id: entry.product.clone(),
            name: entry.product.clone(),
            url: urls::product(&entry.product),
            summary: String::new(),
            count: 0,
            topics: Vec::new(),
        },
    };
    // Most likely first, as the page says; ties keep the knowledge base's order.
    let mut candidates: Vec<&errdecode_kb::CandidateCause> = entry.causes.iter().collect();
    candidates.sort_by(|a, b| b.prior.total_cmp(&a.prior));
    let causes = candidates
        .into_iter()
        .filter_map(|candidate| {
            let cause = site.cause(&candidate.id)?;
            Some(CauseRef {
                url: urls::cause(&cause.id),
                title: cause.title.clone(),
                summary: cause.summary.clone(),
            })
        })
        .collect();
    let view = ErrorView {
        id: entry.id.clone(),
        title: entry.title.clone(),
        topic: entry.topic.clone(),
        topic_url: urls::topic(&entry.product, &entry.topic),
        codes: entry.codes.clone(),
        http_status: entry.http_status.clone(),
        message: entry.message.clone(),
        gist: entry.gist.clone(),
        meaning: section_html(entry.section(SectionKind::Meaning)),
        why: section_html(entry.section(SectionKind::Why)),
        quick_fix: section_html(entry.section(SectionKind::QuickFix)),
        admin_fix: section_html(entry.section(SectionKind::AdminFix)),
        steps: section_html(entry.section(SectionKind::Steps)),
        still_broken: section_html(entry.section(SectionKind::StillBroken)),
        causes,
        variations: entry.variations.clone(),
        affected_products: entry.affected_products.clone(),
        related: entry.related.iter().filter_map(|id| site.error(id)).map(ErrorRef::new).collect(),
        related_searches: entry
            .related_searches
            .iter()
            .map(|text| Link { text: text.clone(), url: urls::search(text) })
            .collect(),
        faq: entry
            .faq
            .iter()
            .enumerate()
            .map(|(i, faq)| Faq {
                question: faq.question.clone(),
                answer_html: markdown::inline_html(&faq.answer),
                anchor: format!("faq-{}", i + 1),
            })
            .collect(),
        references: entry.sources.iter().filter(|s| s.starts_with("https://")).cloned().collect(),
        last_reviewed: entry.last_reviewed.clone(),
        rich: entry.tier.is_rich(),
        crumbs: vec![
            Crumb { name: "Home".into(), url: urls::HOME.into() },
            Crumb { name: product.name.clone(), url: product.url.clone() },
            Crumb { name: entry.topic.clone(), url: urls::topic(&entry.product, &entry.topic) },
        ],
        product,
        paste: PasteBox { compact: true, ..PasteBox::default() },
        faq_json_ld: faq_json_ld(site, entry),
    };
    render(site, "error.html", view)
}

// ---------------------------------------------------------------------------------------------
// Cause pages.

#[derive(Serialize)]
struct RuleView {
    /// What fires the rule, in words.
    what: String,
    /// The signal's name, when a signal fires it.
    signal: Option<String>,
    strength: &'static str,
    rule_out: bool,
}

#[derive(Serialize)]
struct CauseView {
    id: String,
    title: String,
    summary: String,
    confirm_html: Option<String>,
    fix_html: Option<String>,
    support: Vec<RuleView>,
    refute: Vec<RuleView>,
    errors: Vec<ErrorRef>,
    references: Vec<String>,
    last_reviewed: String,
    crumbs: Vec<Crumb>,
}

/// The README's scale of weights: 0.1 a hint, 0.3 real evidence, 0.5 strong, 0.7+ nearly
/// decisive.
fn strength(weight: f32) -> &'static str {
    if weight >= 0.7 {
        "nearly decisive"
    } else if weight >= 0.5 {
        "strong"
    } else if weight >= 0.3 {
        "real evidence"
    } else {
        "a hint"
    }
}

fn rule_view(rule: &EvidenceRule) -> RuleView {
    let meaning_of = |name: &str| {
        errdecode_core::signals::CATALOGUE
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, meaning)| *meaning)
    };
    let (mut what, signal) = match &rule.trigger {
        Trigger::Signal(name) => {
            let meaning = meaning_of(name);
            let what = match (&rule.says, meaning) {
                (Some(says), _) => says.clone(),
                (None, Some(meaning)) => upper_first(meaning),
                (None, None) => name.clone(),
            };
            (what, Some(name.clone()))
        }
        Trigger::Pattern(_) => (rule.says.clone().unwrap_or_default(), None),
    };
    if !rule.when.is_empty() {
        let also: Vec<&str> =
            rule.when.iter().map(|name| meaning_of(name).unwrap_or(name)).collect();
        what = format!("{what} Counts only when also: {}.", also.join("; "));
    }
    RuleView { what, signal, strength: strength(rule.weight), rule_out: rule.rule_out }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

pub fn render_cause(site: &Site, cause: &Cause) -> Result<String, Error> {
    let errors = site
        .cause_index(&cause.id)
        .map(|i| site.errors_listing_cause(i).map(ErrorRef::new).collect())
        .unwrap_or_default();
    let view = CauseView {
        id: cause.id.clone(),
        title: cause.title.clone(),
        summary: cause.summary.clone(),
        confirm_html: section_html(cause.section(SectionKind::Confirm)),
        fix_html: section_html(cause.section(SectionKind::Fix)),
        support: cause.support.iter().map(rule_view).collect(),
        refute: cause.refute.iter().map(rule_view).collect(),
        errors,
        references: cause.sources.iter().filter(|s| s.starts_with("https://")).cloned().collect(),
        last_reviewed: cause.last_reviewed.clone(),
        crumbs: vec![
            Crumb { name: "Home".into(), url: urls::HOME.into() },
            Crumb { name: "Root causes".into(), url: urls::CAUSES.into() },
        ],
    };
    render(site, "cause.html", view)
}

#[derive(Serialize)]
struct CauseListItem {
    url: String,
    title: String,
    summary: String,
    error_count: usize,
}

#[derive(Serialize)]
struct CausesView {
    causes: Vec<CauseListItem>,
    crumbs: Vec<Crumb>,
}

/// Every root cause, alphabetically.
pub fn render_causes(site: &Site) -> Result<String, Error> {
    let kb = site.kb();
    let mut causes: Vec<CauseListItem> = kb
        .causes
        .iter()
        .enumerate()
        .map(|(i, cause)| CauseListItem {
            url: urls::cause(&cause.id),
            title: cause.title.clone(),
            summary: cause.summary.clone(),
            error_count: site.errors_listing_cause(i).count(),
        })
        .collect();
    causes.sort_by_key(|cause| cause.title.to_lowercase());
    let view =
        CausesView { causes, crumbs: vec![Crumb { name: "Home".into(), url: urls::HOME.into() }] };
    render(site, "causes.html", view)
}

// ---------------------------------------------------------------------------------------------
// Search and not found.

#[derive(Serialize)]
struct HitView {
    url: String,
    title: String,
    product: String,
    gist: String,
}

#[derive(Serialize)]
struct SearchView {
    query: String,
    /// Every entry that matches, however many are shown.
    total: usize,
    hits: Vec<HitView>,
    products: Vec<ProductCard>,
}

fn hit_views(site: &Site, hits: &[SearchHit]) -> Vec<HitView> {
    hits.iter()
        .map(|hit| HitView {
            url: urls::error(&hit.id),
            title: hit.title.clone(),
            product: product_name(site, &hit.product),
            gist: hit.gist.clone(),
        })
        .collect()
}

/// The search page for `query` (empty: the form alone, which the static copy fills in the
/// browser from the search index): the hits shown, and how many matched in all.
pub fn render_search(site: &Site, query: &str, found: &SearchResults) -> Result<String, Error> {
    let view = SearchView {
        query: query.to_string(),
        total: found.total,
        hits: hit_views(site, &found.hits),
        products: site.kb().products.iter().map(|p| ProductCard::new(site, p)).collect(),
    };
    render(site, "search.html", view)
}

#[derive(Serialize)]
struct NotFoundView {
    asked: Option<String>,
    suggestions: Vec<HitView>,
    products: Vec<ProductCard>,
    paste: PasteBox,
}

/// The 404 page: the paste box, the products, and suggestions when the address named
/// something that looked like an error.
pub fn render_not_found(
    site: &Site,
    asked: Option<&str>,
    suggestions: &[SearchHit],
) -> Result<String, Error> {
    let view = NotFoundView {
        asked: asked.map(str::to_string),
        suggestions: hit_views(site, suggestions),
        products: site.kb().products.iter().map(|p| ProductCard::new(site, p)).collect(),
        paste: PasteBox { compact: true, ..PasteBox::default() },
    };
    render(site, "not_found.html", view)
}

#[derive(Serialize)]
struct MessageView {
    status: u16,
    title: String,
    message: String,
    paste: PasteBox,
}

/// A page for a request the site cannot serve (too large, wrong form, server trouble).
pub fn render_message(
    site: &Site,
    status: u16,
    title: &str,
    message: &str,
) -> Result<String, Error> {
    let view = MessageView {
        status,
        title: title.to_string(),
        message: message.to_string(),
        paste: PasteBox { compact: true, ..PasteBox::default() },
    };
    render(site, "message.html", view)
}

// ---------------------------------------------------------------------------------------------
// The decode result.

/// What the result page knows about the request besides the document.
#[derive(Debug, Clone, Default)]
pub struct PasteInput {
    /// The paste as received (lossy UTF-8). Shown again in the box, signatures stripped.
    pub text: String,
    /// How many token signatures the browser removed before sending.
    pub stripped_in_browser: usize,
    /// The feedback forms' hidden fields, when the server takes feedback.
    pub feedback: Option<FeedbackForm>,
}

/// What the feedback forms of a result page post: the diagnosis in its stored shape and the
/// token that shows the form came from this server.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackForm {
    pub action: &'static str,
    pub api: &'static str,
    pub context: String,
    pub token: String,
}

#[derive(Serialize)]
struct MatchView {
    url: String,
    title: String,
    product: String,
    gist: String,
    score: f32,
    how: &'static str,
    on: String,
}

#[derive(Serialize)]
struct CauseResult {
    id: String,
    url: String,
    title: String,
    summary: String,
    confidence: f32,
    fairly_sure: bool,
    evidence: Vec<String>,
    /// How often the matched error comes from this cause before the paste is read, in words
    /// ("common for this error, about 65% of ... cases"): never shown as evidence.
    base_rate: Option<String>,
    /// Nothing in the paste moved it: its confidence is its base rate.
    base_rate_only: bool,
    confirm_html: Option<String>,
    listed_by: Option<Link>,
}

/// How much lower than the first a cause's confidence (or a known error's score) may be for it
/// to be called "also close": within this margin the paste does not tell the two apart, so
/// both are named at the top of the result with the check that separates them; further down
/// it is only a lower-ranked candidate.
pub const ALSO_CLOSE_MARGIN: f32 = 0.15;

/// What the top of a result says of the causes: fairly sure or not, the first cause and those
/// also close to it, and the check that tells them apart.
#[derive(Serialize)]
struct Verdict {
    fairly_sure: bool,
    /// The first cause leads on its base rate alone: nothing in the paste points at it.
    base_rate_only: bool,
    /// The first cause, then every cause within [`ALSO_CLOSE_MARGIN`] of it (three at most).
    leading: Vec<LeadingCause>,
    /// A check is named for at least one of `leading`.
    has_checks: bool,
}

#[derive(Serialize)]
struct LeadingCause {
    title: String,
    url: String,
    confidence: f32,
    /// The first step of its "How to confirm it".
    check: Option<String>,
}

fn verdict(causes: &[errdecode_core::rank::RankedCause]) -> Option<Verdict> {
    let first = causes.first()?;
    let leading: Vec<LeadingCause> = causes
        .iter()
        .take(3)
        .take_while(|cause| first.confidence - cause.confidence <= ALSO_CLOSE_MARGIN)
        .map(|cause| LeadingCause {
            title: cause.title.trim_end_matches('.').to_string(),
            url: urls::cause(&cause.id),
            confidence: cause.confidence,
            check: cause.how_to_confirm.as_deref().and_then(markdown::first_step),
        })
        .collect();
    Some(Verdict {
        fairly_sure: first.confidence >= errdecode_core::FAIRLY_SURE,
        base_rate_only: first.evidence.is_empty(),
        has_checks: leading.iter().any(|cause| cause.check.is_some()),
        leading,
    })
}

/// The base rate of a cause in words, from its prior for the matched error.
fn base_rate(site: &Site, cause: &errdecode_core::rank::RankedCause) -> Option<String> {
    let error = site.error(cause.listed_by.as_deref()?)?;
    let how = if cause.prior >= 0.4 {
        "Common for this error"
    } else if cause.prior >= 0.15 {
        "Sometimes the cause of this error"
    } else {
        "Uncommon for this error"
    };
    let name = error.codes.first().unwrap_or(&error.title);
    Some(format!(
        "{how}: about {:.0}% of {name} cases come from it, before anything in your paste is weighed.",
        cause.prior * 100.0
    ))
}

#[derive(Serialize)]
struct RuledOutView {
    url: String,
    title: String,
    because: String,
}

#[derive(Serialize)]
struct FactRow {
    label: &'static str,
    values: Vec<String>,
}

#[derive(Serialize)]
struct ClaimRow {
    claim: String,
    value: serde_json::Value,
    meaning: Option<&'static str>,
    reading: Option<String>,
}

#[derive(Serialize)]
struct TokenView {
    heading: String,
    summary: Vec<FactRow>,
    notes: Vec<String>,
    problems: Vec<String>,
    header: Vec<ClaimRow>,
    claims: Vec<ClaimRow>,
    signature: String,
}

#[derive(Serialize)]
struct SignalView {
    name: &'static str,
    evidence: String,
}

#[derive(Serialize)]
struct DecodeView {
    summary: String,
    recognised: bool,
    warnings: Vec<String>,
    stripped_in_browser: usize,
    top: Option<MatchView>,
    /// Under a recognised error: the errors within [`ALSO_CLOSE_MARGIN`] of it; otherwise the
    /// nearest errors.
    others: Vec<MatchView>,
    /// Under a recognised error: the errors further off.
    further: Vec<MatchView>,
    verdict: Option<Verdict>,
    causes: Vec<CauseResult>,
    ruled_out: Vec<RuledOutView>,
    tokens: Vec<TokenView>,
    facts: Vec<FactRow>,
    signals: Vec<SignalView>,
    notes: Vec<String>,
    paste: PasteBox,
    echo_cut: bool,
    feedback: Option<FeedbackForm>,
}

fn how_matched(by: MatchedBy) -> &'static str {
    match by {
        MatchedBy::Code => "by its code",
        MatchedBy::CodeAndMessage => "by its code and message",
        MatchedBy::Message => "by its message",
        MatchedBy::Status => "by the HTTP status",
        MatchedBy::Similarity => "by similar wording only",
    }
}

fn match_view(site: &Site, m: &MatchedError) -> MatchView {
    MatchView {
        url: urls::error(&m.id),
        title: m.title.clone(),
        product: product_name(site, &m.product),
        gist: m.gist.clone(),
        score: m.score,
        how: how_matched(m.matched_by),
        on: m.on.clone(),
    }
}

/// The first `limit` bytes of `text`, cut at a character boundary.
fn cut(text: &str, limit: usize) -> (&str, bool) {
    if text.len() <= limit {
        return (text, false);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

fn row(label: &'static str, values: Vec<String>) -> Option<FactRow> {
    if values.is_empty() {
        None
    } else {
        Some(FactRow { label, values })
    }
}

fn fact_rows(doc: &DecodeDocument) -> Vec<FactRow> {
    let facts = &doc.facts;
    let mut rows: Vec<Option<FactRow>> = Vec::new();
    rows.push(row("HTTP status", facts.http_status.map(|s| s.to_string()).into_iter().collect()));
    rows.push(row("Error codes", facts.error_codes.clone()));
    rows.push(row("Messages", facts.messages.clone()));
    if let Some(request) = &facts.request {
        let mut values = vec![format!(
            "{} {}",
            request.method.as_deref().unwrap_or("(method not shown)"),
            request.url
        )];
        let mut detail = Vec::new();
        if let Some(service) = request.service {
            detail.push(service.name().to_string());
        }
        if let Some(cloud) = request.cloud {
            detail.push(cloud.name().to_string());
        }
        if let Some(version) = &request.api_version {
            detail.push(format!("API version {version}"));
        }
        detail.push(format!("path {}", request.template));
        match &request.target {
            Some(RequestTarget::Me) => detail.push("for the signed-in user (/me)".into()),
            Some(RequestTarget::User(user)) => detail.push(format!("for the user {user}")),
            None => {}
        }
        if request.named_in_words {
            detail.push("inferred from the words of the paste".into());
        } else if request.inferred {
            detail.push("inferred from an SDK call or cmdlet".into());
        }
        values.push(detail.join(", "));
        if let Some(permissions) = &request.permissions {
            use errdecode_core::permissions::needs_list;
            if !permissions.delegated.is_empty() {
                values.push(format!(
                    "Delegated permissions this endpoint accepts: {}",
                    needs_list(&permissions.delegated, permissions.delegated_least, &[])
                ));
            }
            if !permissions.application.is_empty() {
                values.push(format!(
                    "Application permissions this endpoint accepts: {}",
                    needs_list(
                        &permissions.application,
                        permissions.application_least,
                        &permissions.resource_specific
                    )
                ));
            } else if permissions.path == "/me" || permissions.path.starts_with("/me/") {
                values.push("No application permission: /me needs a signed-in user.".into());
            }
            if permissions.needs_mailbox {
                values.push("The data lives in an Exchange Online mailbox.".into());
            }
        }
        rows.push(row("Failing request", values));
    }
    let main_url = facts.request.as_ref().map(|r| r.url.as_str());
    rows.push(row(
        "Other URLs",
        facts
            .requests
            .iter()
            .filter(|r| Some(r.url.as_str()) != main_url)
            .map(|r| match &r.method {
                Some(method) => format!("{method} {}", r.url),
                None => r.url.clone(),
            })
            .collect(),
    ));
    rows.push(row(
        "Sign-in authorities",
        facts
            .authorities
            .iter()
            .map(|a| {
                let tenant = match &a.tenant {
                    AuthorityTenant::Common => "common".to_string(),
                    AuthorityTenant::Organizations => "organizations".to_string(),
                    AuthorityTenant::Consumers => "consumers".to_string(),
                    AuthorityTenant::TenantId(id) => format!("tenant {id}"),
                    AuthorityTenant::Domain(domain) => format!("tenant {domain}"),
                    AuthorityTenant::Placeholder(p) => format!("placeholder {p}"),
                    AuthorityTenant::Invalid(value) => format!("invalid tenant segment {value}"),
                };
                let version = a.endpoint_version.as_deref().unwrap_or("v1.0");
                format!("{} ({tenant}, {version} endpoints, {})", a.host, a.cloud.name())
            })
            .collect(),
    ));
    rows.push(row(
        "Users",
        facts
            .users
            .iter()
            .map(|u| {
                let mut text = u.upn.clone();
                if u.guest {
                    text.push_str(" (guest)");
                }
                if u.consumer {
                    text.push_str(" (personal account)");
                }
                text
            })
            .collect(),
    ));
    rows.push(row(
        "Times",
        facts
            .timestamps
            .iter()
            .map(|t| {
                let mut text = t.iso.clone();
                if let Some(label) = &t.label {
                    text.push_str(&format!(" ({label})"));
                }
                if t.is_error_time {
                    text.push_str(", the time of the error");
                }
                text
            })
            .collect(),
    ));
    rows.push(row(
        "Ids for support",
        facts.ids.iter().map(|i| format!("{}: {}", i.kind, i.value)).collect(),
    ));
    rows.push(row(
        "WWW-Authenticate",
        facts
            .www_authenticate
            .iter()
            .map(|c| {
                let mut parts = vec![c.scheme.clone()];
                parts.extend(c.error.iter().map(|e| format!("error={e}")));
                parts.extend(c.error_description.iter().map(|d| format!("error_description={d}")));
                parts.extend(c.claims.iter().map(|claims| format!("claims={claims}")));
                parts.join(" ")
            })
            .collect(),
    ));
    let ps = &facts.powershell;
    let mut powershell: Vec<String> = ps.cmdlets.clone();
    powershell.extend(ps.connects.iter().map(|c| {
        let mut text = c.cmdlet.clone();
        text.push_str(if c.scopes { " with -Scopes" } else { " without -Scopes" });
        if c.app_credentials {
            text.push_str(", with app credentials");
        }
        if c.delegated_organization {
            text.push_str(", with -DelegatedOrganization");
        }
        text
    }));
    powershell.extend(
        ps.fully_qualified_error_ids.iter().map(|id| format!("FullyQualifiedErrorId {id}")),
    );
    powershell.extend(ps.categories.iter().map(|c| format!("CategoryInfo {c}")));
    rows.push(row("PowerShell", powershell));
    rows.push(row("Exceptions", facts.exceptions.clone()));
    rows.push(row("Scopes requested", facts.scopes.clone()));
    rows.push(row("Grant types", facts.grant_types.clone()));
    rows.push(row(
        "Client secrets",
        facts
            .secrets
            .iter()
            .map(|s| {
                let shape = if s.guid_shaped {
                    "shaped like a GUID: a secret's ID, not its value"
                } else if s.looks_live {
                    "shaped like a real secret value"
                } else {
                    "a secret value"
                };
                format!("{} in the {}, {shape}", s.preview, s.found_in)
            })
            .collect(),
    ));
    rows.push(row(
        "Libraries",
        facts.libraries.iter().map(|l| format!("{} {}", l.name, l.version)).collect(),
    ));
    rows.into_iter().flatten().collect()
}

fn token_heading(index: usize, token: &TokenReport) -> String {
    let kind = match (token.source, token.kind) {
        (TokenSource::Opaque, _) => "opaque token",
        (TokenSource::PastedClaims, _) => "pasted claims",
        (_, TokenKind::AccessToken) => "access token",
        (_, TokenKind::IdToken) => "ID token",
        (_, TokenKind::Unknown) => "token",
    };
    let flow = match token.flow {
        TokenFlow::AppOnly => ", app-only",
        TokenFlow::Delegated => ", delegated",
        TokenFlow::Unknown => "",
    };
    format!("Token {}: {kind}{flow}", index + 1)
}

fn token_view(index: usize, token: &TokenReport) -> TokenView {
    let mut summary: Vec<Option<FactRow>> = vec![
        row(
            "Audience",
            token
                .audience
                .iter()
                .map(|aud| match token.audience_service {
                    Some(service) => format!("{aud} ({})", service.name()),
                    None => aud.clone(),
                })
                .collect(),
        ),
        row("Cloud", token.cloud.iter().map(|c| c.name().to_string()).collect()),
        row("Tenant", token.tenant_id.iter().cloned().collect()),
        row("Issuer", token.issuer.iter().cloned().collect()),
        row(
            "App",
            token
                .app_id
                .iter()
                .map(|id| match &token.app_name {
                    Some(name) => format!("{name} ({id})"),
                    None => id.clone(),
                })
                .collect(),
        ),
        row("User", token.user.iter().cloned().collect()),
        row("Roles", token.roles.clone()),
        row("Scopes", token.scopes.clone()),
        row("Issued", token.issued_at.iter().cloned().collect()),
        row("Valid from", token.not_before.iter().cloned().collect()),
        row("Expires", token.expires_at.iter().cloned().collect()),
        row("Lifetime", token.lifetime_minutes.iter().map(|m| format!("{m} minutes")).collect()),
    ];
    if let Some(expired) = token.expired_at_error {
        summary.push(row(
            "At the time of the error",
            vec![if expired { "already expired" } else { "still valid" }.to_string()],
        ));
    }
    if token.personal_account {
        summary.push(row("Account", vec!["a personal Microsoft account".to_string()]));
    }
    let signature = match &token.signature {
        SignatureState::Present { length } => format!(
            "Present in the paste ({length} characters). It is neither stored nor shown."
        ),
        SignatureState::Missing => {
            "None: removed before sending, or not in the paste. Reading the claims does not need it."
                .to_string()
        }
        SignatureState::NotApplicable => "Not applicable.".to_string(),
    };
    let claim_rows = |lines: &[errdecode_core::token::ClaimLine]| {
        lines
            .iter()
            .map(|line| ClaimRow {
                claim: line.claim.clone(),
                value: line.value.clone(),
                meaning: line.meaning,
                reading: line.reading.clone(),
            })
            .collect()
    };
    TokenView {
        heading: token_heading(index, token),
        summary: summary.into_iter().flatten().collect(),
        notes: token.notes.clone(),
        problems: token.problems.clone(),
        header: claim_rows(&token.header),
        claims: claim_rows(&token.claims),
        signature,
    }
}

/// The decode result page for `doc`, decoded from `input`.
#[cfg(feature = "server")]
#[derive(Serialize)]
struct FeedbackReportView<'a> {
    report: Option<&'a errdecode_feedback::report::Report>,
    refused: bool,
    action: &'a str,
    titles: std::collections::BTreeMap<&'a str, &'a str>,
    paste: PasteBox,
}

/// The feedback report (`/admin/feedback`), or without one the form asking for the token.
#[cfg(feature = "server")]
pub fn render_feedback_report(
    site: &Site,
    report: Option<&errdecode_feedback::report::Report>,
    refused: bool,
    action: &str,
) -> Result<String, Error> {
    let titles = site.kb().causes.iter().map(|c| (c.id.as_str(), c.title.as_str())).collect();
    let view = FeedbackReportView {
        report,
        refused,
        action,
        titles,
        paste: PasteBox { compact: true, ..PasteBox::default() },
    };
    render(site, "feedback_report.html", view)
}

pub fn render_decode_result(
    site: &Site,
    doc: &DecodeDocument,
    input: &PasteInput,
) -> Result<String, Error> {
    let mut matches = doc.matches.iter().map(|m| match_view(site, m));
    let top = if doc.recognised { matches.next() } else { None };
    let mut others: Vec<MatchView> = matches.take(5).collect();
    // Under a recognised error, only the errors that fit about as well are "also close"; the
    // others are listed apart, as what the paste merely resembles.
    let mut further = Vec::new();
    if let Some(top) = &top {
        let split = others
            .iter()
            .position(|m| top.score - m.score > ALSO_CLOSE_MARGIN)
            .unwrap_or(others.len());
        further = others.split_off(split);
    }
    let causes = doc
        .causes
        .iter()
        .map(|cause| CauseResult {
            id: cause.id.clone(),
            url: urls::cause(&cause.id),
            title: cause.title.clone(),
            summary: cause.summary.clone(),
            confidence: cause.confidence,
            fairly_sure: cause.confidence >= errdecode_core::FAIRLY_SURE,
            evidence: cause.evidence.clone(),
            base_rate: base_rate(site, cause).or_else(|| cause.base_rate.clone()),
            base_rate_only: cause.evidence.is_empty(),
            confirm_html: cause.how_to_confirm.as_deref().map(markdown::to_html),
            listed_by: cause.listed_by.as_ref().map(|id| Link {
                text: site.error(id).map_or_else(|| id.clone(), |e| e.title.clone()),
                url: urls::error(id),
            }),
        })
        .collect();
    let ruled_out = doc
        .ruled_out
        .iter()
        .map(|r| RuledOutView {
            url: urls::cause(&r.id),
            title: r.title.clone(),
            because: r.because.clone(),
        })
        .collect();
    let (echo, echo_cut) = cut(&input.text, ECHO_LIMIT);
    // NUL is not allowed in an HTML document; a browser would show it as U+FFFD anyway.
    let echo = echo.replace('\0', "\u{FFFD}");
    let view = DecodeView {
        summary: doc.summary.clone(),
        recognised: doc.recognised,
        warnings: doc.warnings.iter().map(|w| w.message.clone()).collect(),
        stripped_in_browser: input.stripped_in_browser,
        top,
        others,
        further,
        verdict: verdict(&doc.causes),
        causes,
        ruled_out,
        tokens: doc.facts.tokens.iter().enumerate().map(|(i, t)| token_view(i, t)).collect(),
        facts: fact_rows(doc),
        signals: doc
            .signals
            .iter()
            .map(|s| SignalView { name: s.name, evidence: s.evidence.clone() })
            .collect(),
        notes: doc.notes.clone(),
        paste: PasteBox { text: echo, compact: true },
        echo_cut,
        feedback: input.feedback.clone(),
    };
    render(site, "decode.html", view)
}

// ---------------------------------------------------------------------------------------------
// The search index, for the static copy of the search page.

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    product: String,
    gist: &'a str,
    codes: &'a [String],
    rich: bool,
    /// The words the server searches, lower-cased: title, message, gist, codes, templates,
    /// variations.
    text: String,
}

#[derive(Serialize)]
struct SearchIndex<'a> {
    limit: usize,
    entries: Vec<IndexEntry<'a>>,
}

/// The search index as JSON: what `app.js` searches when there is no server to ask.
pub fn render_search_index(site: &Site) -> String {
    let index = SearchIndex {
        limit: SEARCH_LIMIT,
        entries: site
            .kb()
            .errors
            .iter()
            .map(|entry| IndexEntry {
                id: &entry.id,
                url: urls::error(&entry.id),
                title: &entry.title,
                product: product_name(site, &entry.product),
                gist: &entry.gist,
                codes: &entry.codes,
                rich: entry.tier.is_rich(),
                text: errdecode_core::matcher::entry_text(entry).to_lowercase(),
            })
            .collect(),
    };
    let json = serde_json::to_string(&index).expect("the index is plain data");
    site.decoder().redact(&json).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_character_boundaries() {
        assert_eq!(cut("héllo", 2), ("h", true));
        assert_eq!(cut("héllo", 3), ("hé", true));
        assert_eq!(cut("abc", 10), ("abc", false));
    }

    #[test]
    fn strength_follows_the_readme_scale() {
        assert_eq!(strength(0.1), "a hint");
        assert_eq!(strength(0.3), "real evidence");
        assert_eq!(strength(0.55), "strong");
        assert_eq!(strength(0.7), "nearly decisive");
    }
}
