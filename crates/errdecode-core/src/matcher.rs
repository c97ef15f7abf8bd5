//! Matching a paste against the known errors: exact code first, then message templates,
//! then HTTP status pages, then word similarity (which alone is never confident).

use std::collections::{HashMap, HashSet};

use errdecode_kb::{ErrorEntry, KnowledgeBase};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::extract::{CodeKind, Facts};
use crate::haystack::{Caseless, Found, Haystack};
use crate::signals::Signal;
use crate::text::{ascii_words, words_of, TermIndex};

/// What similar wording counts for in an entry of a product the paste is not about.
const OTHER_PRODUCT_SIMILARITY: f32 = 0.5;
/// The most a match found only by similar wording may score: it suggests, never asserts.
pub const SIMILARITY_CEILING: f32 = 0.45;
/// The most anything may score in a paste that names nothing of Microsoft's.
pub const OFF_DOMAIN_CEILING: f32 = 0.45;

/// An entry that shares its code and is told apart by a message the paste does not hold: it
/// is a suggestion, below the "fairly sure" line.
const VARIANT_WITHOUT_MESSAGE: f32 = 0.45;

/// How an entry was matched, for the user and for tests.
/// What a word of a paste means to the matcher.
#[derive(Default)]
struct WordUse {
    /// Its id in the similarity index.
    term: Option<u32>,
    /// The templates it keys, and which of their words it is.
    keys: Vec<(usize, u8)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    Code,
    CodeAndMessage,
    Message,
    Status,
    Similarity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// Index into `KnowledgeBase::errors`.
    #[serde(skip)]
    pub entry: usize,
    pub score: f32,
    pub matched_by: MatchedBy,
    /// What in the paste matched: the code, the message, the status.
    pub on: String,
}

/// Everything needed to match quickly, built once per knowledge base.
pub struct MatchIndex {
    /// Every word the matcher looks up in a paste, read once word by word: the similarity
    /// index's terms, and the longest words of each template. A template is tried only when
    /// the paste holds all of its words (one automaton for hundreds of templates costs more to
    /// build than many decodes).
    words: FxHashMap<String, WordUse>,
    /// For each template, how many words it is keyed by.
    template_word_counts: Vec<u8>,
    /// Templates without a word long enough to search for; always tried.
    unkeyed_templates: Vec<usize>,
    /// For each template, the entry it belongs to.
    template_entries: Vec<usize>,
    /// The templates one by one, compiled the first time one matches (to quote what it matched).
    template_regexes: Vec<(String, std::sync::OnceLock<Option<Caseless>>)>,
    terms: TermIndex,
}

impl MatchIndex {
    pub fn new(kb: &KnowledgeBase) -> MatchIndex {
        let mut patterns = Vec::new();
        let mut template_entries = Vec::new();
        let mut template_sources: Vec<String> = Vec::new();
        let message_templates = message_templates(kb);
        for (index, entry) in kb.errors.iter().enumerate() {
            for template in entry.messages.iter().chain(message_templates[index].as_ref()) {
                patterns.push(template_to_regex(template));
                template_sources.push(template.clone());
                template_entries.push(index);
            }
        }
        let terms = TermIndex::new(&kb.errors.iter().map(entry_text).collect::<Vec<_>>());
        let mut words: FxHashMap<String, WordUse> = terms
            .terms()
            .map(|(term, id)| (term.to_string(), WordUse { term: Some(id), keys: Vec::new() }))
            .collect();
        let mut unkeyed_templates = Vec::new();
        let mut template_word_counts = Vec::new();
        for (index, template) in template_sources.iter().enumerate() {
            let keys = longest_words(template, 3);
            if keys.is_empty() {
                unkeyed_templates.push(index);
            }
            template_word_counts.push(keys.len() as u8);
            for (position, word) in keys.into_iter().enumerate() {
                words.entry(word).or_default().keys.push((index, position as u8));
            }
        }
        let template_regexes =
            patterns.iter().map(|p| (p.clone(), std::sync::OnceLock::new())).collect();
        MatchIndex {
            words,
            template_word_counts,
            unkeyed_templates,
            template_entries,
            template_regexes,
            terms,
        }
    }

    /// Reads the paste word by word, once: the similarity terms it holds (the first 20,000
    /// words are enough to tell), and which template key words (bit per key, per template).
    fn read_words(&self, haystack: &Haystack) -> (Vec<u32>, Vec<u8>) {
        let mut terms = Vec::new();
        let mut found_keys = vec![0u8; self.template_word_counts.len()];
        let mut term_words = 0;
        for (_, word) in words_of(haystack.lower(), haystack.word_spans(), 3) {
            let is_term_word = word.len() <= 40 && term_words < 20_000;
            term_words += usize::from(is_term_word);
            let Some(known) = self.words.get(word) else { continue };
            if is_term_word {
                terms.extend(known.term);
            }
            for &(template, position) in &known.keys {
                found_keys[template] |= 1 << position;
            }
        }
        (terms, found_keys)
    }

    /// Indexes of the templates that match, ascending: those whose key words all occur
    /// (`found_words`, from [`MatchIndex::read_words`]), confirmed by their own regex.
    fn template_hits(&self, haystack: &Haystack, found_words: &[u8]) -> Vec<usize> {
        let mut candidates: Vec<usize> = self.unkeyed_templates.clone();
        candidates.extend(
            (0..found_words.len()).filter(|&t| self.template_word_counts[t] > 0).filter(|&t| {
                found_words[t].count_ones() == u32::from(self.template_word_counts[t])
            }),
        );
        // In template order, so that which of an entry's templates is quoted never varies.
        candidates.sort_unstable();
        candidates.into_iter().filter(|t| self.template_is_match(*t, haystack)).collect()
    }

    fn template_regex(&self, index: usize) -> Option<&Caseless> {
        let (pattern, regex) = &self.template_regexes[index];
        regex.get_or_init(|| Caseless::try_new(pattern).ok()).as_ref()
    }

    fn template_is_match(&self, index: usize, haystack: &Haystack) -> bool {
        self.template_regex(index).is_some_and(|regex| regex.is_match(haystack))
    }

    fn template_find<'h>(&self, index: usize, haystack: &'h Haystack) -> Option<Found<'h>> {
        self.template_regex(index).and_then(|regex| regex.find(haystack))
    }

    pub fn matches(
        &self,
        kb: &KnowledgeBase,
        facts: &Facts,
        signals: &[Signal],
        haystack: &Haystack,
    ) -> Vec<Match> {
        let fired: HashSet<&str> = signals.iter().map(|s| s.name).collect();
        let mut best: HashMap<usize, Match> = HashMap::new();
        let mut offer = |m: Match| {
            let slot = best.entry(m.entry).or_insert_with(|| m.clone());
            if m.score > slot.score {
                *slot = m;
            }
        };

        let (terms, found_keys) = self.read_words(haystack);
        let template_hits = self.template_hits(haystack, &found_keys);
        let entry_template_hit =
            |entry: usize| template_hits.iter().any(|t| self.template_entries[*t] == entry);
        let template_text = |entry: usize| {
            template_hits
                .iter()
                .filter(|t| self.template_entries[**t] == entry)
                .find_map(|t| self.template_find(*t, haystack))
                .map(|m| shorten(m.as_str(), 120))
        };
        let when_ok = |entry: &ErrorEntry| entry.when.iter().all(|w| fired.contains(w.as_str()));
        // An entry whose `when` signals all fired is the more specific reading of its code.
        let when_bonus = |entry: &ErrorEntry| if entry.when.is_empty() { 0.0 } else { 0.03 };

        // Codes, most specific first; a code lower in the list weighs less.
        for (rank, code) in facts.codes.iter().enumerate() {
            let entries = kb.errors_with_code(&code.code);
            if entries.is_empty() {
                continue;
            }
            let mut base = match rank {
                0 => 0.92,
                1 => 0.83,
                2 => 0.76,
                _ => 0.68,
            };
            if rank > 0
                && matches!(
                    code.kind,
                    CodeKind::Generic
                        | CodeKind::OAuth
                        | CodeKind::Exception
                        | CodeKind::CompactToken
                        | CodeKind::AadstsWrapper
                )
            {
                base -= 0.1;
            }
            for &index in entries {
                let entry = &kb.errors[index];
                if !when_ok(entry) {
                    continue;
                }
                // An entry told apart by its templates yields, when they do not match, to a
                // sibling sharing its code that fits better: the code's default entry (neither
                // templates nor `when`), one whose template matched, or one whose `when` fired.
                let yields_to_default = !entry.messages.is_empty()
                    && entries.iter().any(|&other| {
                        let sibling = &kb.errors[other];
                        let is_default = sibling.is_default_for_code();
                        let fits = entry_template_hit(other)
                            || (!sibling.when.is_empty() && when_ok(sibling));
                        other != index && (is_default || fits)
                    });
                let (score, matched_by, on) = if entry_template_hit(index) {
                    (
                        base + 0.04,
                        MatchedBy::CodeAndMessage,
                        template_text(index).unwrap_or_else(|| code.code.clone()),
                    )
                } else if !yields_to_default {
                    (base, MatchedBy::Code, code.code.clone())
                } else {
                    (base * VARIANT_WITHOUT_MESSAGE, MatchedBy::Code, code.code.clone())
                };
                let score = score + when_bonus(entry);
                offer(Match { entry: index, score, matched_by, on });
            }
        }

        // Message templates alone.
        for &hit in &template_hits {
            let index = self.template_entries[hit];
            let entry = &kb.errors[index];
            if !when_ok(entry) {
                continue;
            }
            let status_bonus = if facts.http_status.is_some_and(|s| entry.http_status.contains(&s))
            {
                0.02
            } else {
                0.0
            };
            let on = self
                .template_find(hit, haystack)
                .map(|m| shorten(m.as_str(), 120))
                .unwrap_or_default();
            offer(Match {
                entry: index,
                score: 0.9 + status_bonus,
                matched_by: MatchedBy::Message,
                on,
            });
        }

        // Status pages: the product's page for a bare status.
        if let Some(status) = facts.http_status {
            for (index, entry) in kb.errors.iter().enumerate() {
                if !entry.is_status_page()
                    || !entry.http_status.contains(&status)
                    || !product_in_play(&entry.product, kb, facts, haystack)
                {
                    continue;
                }
                // A code that only restates the status (`Forbidden`) leaves the status page in charge.
                // A message template that matched is more specific than the status too.
                let specific = facts.codes.iter().any(|c| c.kind != CodeKind::Generic)
                    || !template_hits.is_empty();
                // A status named in words ("access denied") is a weaker hint than one printed.
                let score = match (specific, facts.http_status_in_words.is_some()) {
                    (true, _) => 0.35,
                    (false, true) => 0.45,
                    (false, false) => 0.6,
                };
                offer(Match {
                    entry: index,
                    score,
                    matched_by: MatchedBy::Status,
                    on: format!("HTTP {status}"),
                });
            }
        }

        // Similar wording: suggestions, never confident on their own.
        // An entry of a product the paste is not about (by the products' `[detect]` rules)
        // counts for less, when the paste is recognisably about some product: a Power BI
        // report's wording is close to many sign-in messages, and those are not its answer.
        let products_in_play: Vec<&str> = kb
            .products
            .iter()
            .filter(|product| product_in_play(&product.id, kb, facts, haystack))
            .map(|product| product.id.as_str())
            .collect();
        for (index, similarity) in self.terms.similar_ids(terms, 12) {
            let product = kb.errors[index].product.as_str();
            let elsewhere = !products_in_play.is_empty() && !products_in_play.contains(&product);
            let factor = if elsewhere { OTHER_PRODUCT_SIMILARITY } else { 1.0 };
            let score = SIMILARITY_CEILING * similarity * factor;
            if let Some(existing) = best.get_mut(&index) {
                existing.score += 0.02 * similarity;
            } else if score >= 0.08 {
                best.insert(
                    index,
                    Match {
                        entry: index,
                        score,
                        matched_by: MatchedBy::Similarity,
                        on: "similar wording".to_string(),
                    },
                );
            }
        }

        // A message template is Microsoft's own wording: matching one is context enough.
        let in_context = facts.microsoft_context || !template_hits.is_empty();
        let ceiling = if facts.success_only {
            0.3
        } else if in_context {
            0.99
        } else {
            OFF_DOMAIN_CEILING
        };
        let mut matches: Vec<Match> = best
            .into_values()
            .map(|mut m| {
                m.score = m.score.min(ceiling).clamp(0.0, 1.0);
                m.score = (m.score * 1000.0).round() / 1000.0;
                m
            })
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| kb.errors[a.entry].id.cmp(&kb.errors[b.entry].id))
        });
        matches.truncate(8);
        matches
    }
}

/// Whether a paste is about an entry's product, for status pages that have nothing but a
/// status. How each product is recognised is data: its hub's `[detect]` table.
fn product_in_play(product: &str, kb: &KnowledgeBase, facts: &Facts, haystack: &Haystack) -> bool {
    let Some(detect) = kb.product(product).map(|product| &product.detect) else {
        return false;
    };
    detect.words.iter().any(|word| haystack.contains_lower(word))
        || facts.requests.iter().any(|request| {
            request.host.as_deref().is_some_and(|host| {
                let host = host.to_ascii_lowercase();
                detect.hosts.iter().any(|suffix| host.ends_with(suffix.as_str()))
            })
        })
        || facts
            .powershell
            .cmdlets
            .iter()
            .any(|cmdlet| detect.cmdlets.iter().any(|part| cmdlet.contains(part.as_str())))
        || (detect.authority && !facts.authorities.is_empty())
        || (detect.challenge && !facts.www_authenticate.is_empty() && facts.microsoft_context)
}

/// A message template as a regex: literal text, `{}` for any short run, flexible spaces.
pub fn template_to_regex(template: &str) -> String {
    // A slot at either end changes nothing about whether the template matches; a leading one
    // would make every match start at the paste's beginning, and the engine read every byte.
    let template = template.trim_start_matches("{}").trim_end_matches("{}");
    let mut pattern = String::new();
    for (i, part) in template.split("{}").enumerate() {
        if i > 0 {
            // An unbounded lazy gap: counted repetition ({0,200}) would blow up the automaton
            // of a set of hundreds of templates.
            pattern.push_str(r"(?s:.)*?");
        }
        let words: Vec<String> = part.split_whitespace().map(regex::escape).collect();
        let mut literal = words.join(r"\s+");
        if part.starts_with(char::is_whitespace) && !literal.is_empty() {
            literal.insert_str(0, r"\s*");
        }
        if part.ends_with(char::is_whitespace) && !literal.is_empty() {
            literal.push_str(r"\s*");
        }
        pattern.push_str(&literal);
    }
    pattern
}

/// Up to `count` of the longest distinct words of a template's literal text, lower-cased:
/// words a paste must hold, as words of their own, for the template to match. A word counts
/// only where the template's literal text goes on at both sides of it, so that it stands
/// alone in any text the template matches: not at the template's ends (the match may begin
/// or end inside a longer word) nor beside a `{}` slot (the slot's text may run into it).
fn longest_words(template: &str, count: usize) -> Vec<String> {
    let mut words: Vec<String> = ascii_words(template, 4)
        .into_iter()
        .filter(|(start, word)| {
            let before = template[..*start].trim_end();
            let after = template[start + word.len()..].trim_start();
            !before.is_empty()
                && !before.ends_with('}')
                && !after.is_empty()
                && !after.starts_with('{')
        })
        .map(|(_, word)| word.to_ascii_lowercase())
        .collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    words.truncate(count);
    words
}

/// Words too common in service messages to make one distinctive.
const GENERIC_MESSAGE_WORDS: &[&str] = &[
    "error",
    "errors",
    "request",
    "invalid",
    "failed",
    "failure",
    "please",
    "again",
    "with",
    "this",
    "that",
    "from",
    "have",
    "does",
    "into",
    "your",
    "been",
    "were",
    "when",
    "will",
    "operation",
    "value",
    "there",
    "unable",
    "cannot",
    "could",
    "should",
    "which",
];

/// For each entry, its own `message` as one more template when the message is the service's
/// wording and distinctive (four or more uncommon words, no slot), no template of the entry
/// already covers it, and no other entry shows the same message. A person often pastes the
/// message without its code ("Access is denied. Check credentials and try again.", library
/// reports gh-ms365-mail-5 and gh-azurecat-devcamp-44).
fn message_templates(kb: &KnowledgeBase) -> Vec<Option<String>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for entry in &kb.errors {
        *seen.entry(entry.message.trim().to_ascii_lowercase()).or_default() += 1;
    }
    kb.errors
        .iter()
        .map(|entry| {
            let message = entry.message.trim();
            let distinctive = ascii_words(message, 4)
                .iter()
                .map(|(_, word)| word.to_ascii_lowercase())
                .filter(|word| !GENERIC_MESSAGE_WORDS.contains(&word.as_str()))
                .filter(|word| !word.bytes().all(|b| b.is_ascii_digit()))
                .collect::<HashSet<_>>()
                .len();
            let lower = message.to_ascii_lowercase();
            let covered =
                entry.messages.iter().any(|template| literal_parts_in_order(template, &lower));
            let shared = seen.get(&message.to_ascii_lowercase()).copied().unwrap_or(0) > 1;
            (distinctive >= 4 && !covered && !shared && !message.contains("{}"))
                .then(|| message.to_string())
        })
        .collect()
}

/// Whether `text` (lower-case) holds the literal parts of `template` in order: a template
/// match without compiling it.
fn literal_parts_in_order(template: &str, text: &str) -> bool {
    let mut rest = text;
    for part in template.to_ascii_lowercase().split("{}") {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The words an entry is found by in similarity search.
pub fn entry_text(entry: &ErrorEntry) -> String {
    let mut text =
        format!("{} {} {} {}", entry.title, entry.message, entry.gist, entry.codes.join(" "));
    for template in &entry.messages {
        text.push(' ');
        text.push_str(&template.replace("{}", " "));
    }
    for variation in &entry.variations {
        text.push(' ');
        text.push_str(variation);
    }
    text
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_keyed_by_words_that_stand_alone() {
        assert_eq!(
            longest_words("The tenant for tenant guid '{}' does not exist{}", 3),
            ["tenant", "does", "guid"]
        );
        assert_eq!(longest_words("{}Exception: token expired at {}", 3), ["expired", "token"]);
        assert!(longest_words("Azure CLI not installed{}", 3).is_empty(), "only edge words");
    }

    #[test]
    fn templates_tolerate_slots_and_spacing() {
        let matches = |template: &str, text: &str| {
            Caseless::new(&template_to_regex(template)).is_match(&Haystack::new(text))
        };
        let tenant = "The tenant for tenant guid '{}' does not exist{}";
        assert!(matches(tenant, "Error Message: The tenant for tenant guid '' does not exist."));
        assert!(matches(tenant, "the tenant for tenant  guid '950a4376-c358' does not exist"));
        assert!(matches(
            "/me request is only valid with delegated authentication flow{}",
            r#""message":"/me request is only valid with delegated authentication flow.""#
        ));
    }
}
