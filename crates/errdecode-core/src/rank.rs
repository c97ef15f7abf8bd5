//! Ranking root causes for this paste: priors from the matched errors, moved by evidence.
//!
//! A cause starts at the prior its matched error gives it, scaled by how well that error
//! matched. Each supporting rule that fires raises it (`c = 1 - (1 - c)(1 - w)`), each
//! refuting rule lowers it (`c = c(1 - w)`), and a refuting rule marked `rule_out` removes it
//! to the ruled-out list with its evidence as the reason. Evidence can bring in a cause the
//! matched error did not list, at a discount.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use errdecode_kb::{Cause, EvidenceRule, KnowledgeBase, Trigger};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};
use serde::Serialize;

use crate::cause_search::CauseSearch;
use crate::haystack::Haystack;
use crate::matcher::{Match, OFF_DOMAIN_CEILING};
use crate::signals::{Signal, CATALOGUE};

/// How much a cause brought in by evidence alone counts, next to one its error lists.
const UNLISTED_DISCOUNT: f32 = 0.5;
/// Evidence alone brings in a cause only when its rules together are at least this strong;
/// one piece of context such as "the flow is app-only" supports listed causes but introduces
/// none, while two that point the same way (a user-assigned identity and the identity
/// endpoint's 400) may.
const UNLISTED_MIN_WEIGHT: f32 = 0.4;
/// A match scoring this much or more lends its causes full weight.
const CONFIDENT_MATCH: f32 = 0.85;
/// When nothing matched well, causes are held to this share of their evidence.
const WEAK_MATCH_FLOOR: f32 = 0.35;
/// A cause's description must share at least this much with the paste's words to count.
const SEARCH_MIN_SIMILARITY: f32 = 0.05;
/// The similar-wording fallback fills the list up to this many causes.
const SEARCH_FILL: usize = 3;
/// A cause found by similar wording alone gets at most this confidence (for the closest one),
/// and always less than any cause with evidence of its own.
const SEARCH_ALONE_WEIGHT: f32 = 0.15;

#[derive(Debug, Clone, Serialize)]
pub struct RankedCause {
    pub id: String,
    pub title: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
    pub summary: String,
    /// The matched error that lists this cause, when one does.
    pub listed_by: Option<String>,
    pub prior: f32,
    /// How often the matched error comes from this cause before any evidence: the base rate,
    /// kept apart from the evidence found in the paste.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_rate: Option<String>,
    /// How to confirm it (Markdown), from the cause's page.
    pub how_to_confirm: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuledOut {
    pub id: String,
    pub title: String,
    pub because: String,
}

/// A pattern rule's regex, built the first time a paste could match it.
struct PatternRule {
    source: String,
    regex: OnceLock<Option<Regex>>,
}

/// A cause on its way into the list, before its page's text is copied.
struct Candidate {
    cause: usize,
    confidence: f32,
    prior: f32,
    evidence: Vec<String>,
    listed_by: Option<String>,
    base_rate: Option<String>,
}

/// What an evidence rule looks at, resolved once: a signal by its place in the catalogue, a
/// pattern by its index in `Ranker::rules`.
#[derive(Clone, Copy)]
enum RuleKey {
    Signal(Option<usize>),
    Pattern(usize),
}

/// An evidence rule resolved once: what it looks at, and the signals its `when` also needs
/// (by their place in the catalogue; `None` for a name `kb check` refuses).
struct ResolvedRule {
    key: RuleKey,
    when: Vec<Option<usize>>,
}

impl PatternRule {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                Regex::builder()
                    .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                    .build(&self.source)
                    .ok()
            })
            .as_ref()
    }
}

/// Runs the causes' text patterns. Compiling hundreds of regexes up front would cost more than
/// a whole decode, so each pattern is compiled the first time a paste holds one of the literal
/// prefixes every match of it must start with (found in one pass with Aho-Corasick over the
/// lower-cased paste), and is then tried only where those prefixes stand. Patterns without such
/// a prefix (which `kb check` refuses) are always run.
pub struct Ranker {
    rules: Vec<PatternRule>,
    /// The lower-case literal prefixes of the rules' patterns.
    prefixes: Option<AhoCorasick>,
    /// For each prefix in `prefixes`, the rule it belongs to.
    prefix_rules: Vec<usize>,
    unfiltered_rules: Vec<usize>,
    /// For each cause, its support rules and its refute rules, resolved.
    rule_keys: Vec<(Vec<ResolvedRule>, Vec<ResolvedRule>)>,
    /// For each error entry, the causes it lists (by index) with their priors.
    entry_causes: Vec<Vec<(usize, f32)>>,
    /// Similar wording between the paste and the causes' descriptions.
    search: CauseSearch,
}

impl Ranker {
    pub fn new(kb: &KnowledgeBase) -> Ranker {
        let mut rules = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut prefix_rules = Vec::new();
        let mut unfiltered_rules = Vec::new();
        let mut key = |rule: &EvidenceRule| match &rule.trigger {
            Trigger::Signal(name) => RuleKey::Signal(signal_index(name)),
            Trigger::Pattern(pattern) => {
                let source = crate::text::ascii_boundaries(pattern);
                let index = rules.len();
                match required_prefixes(&source) {
                    Some(literals) => {
                        for literal in literals {
                            prefixes.push(literal);
                            prefix_rules.push(index);
                        }
                    }
                    None => unfiltered_rules.push(index),
                }
                rules.push(PatternRule { source, regex: OnceLock::new() });
                RuleKey::Pattern(index)
            }
        };
        let rule_keys = kb
            .causes
            .iter()
            .map(|cause| {
                let mut resolve = |rule: &EvidenceRule| ResolvedRule {
                    key: key(rule),
                    when: rule.when.iter().map(|name| signal_index(name)).collect(),
                };
                let support = cause.support.iter().map(&mut resolve).collect();
                let refute = cause.refute.iter().map(&mut resolve).collect();
                (support, refute)
            })
            .collect();
        let prefixes = AhoCorasick::new(&prefixes).ok();
        let entry_causes = kb
            .errors
            .iter()
            .map(|entry| {
                let mut listed: Vec<(usize, f32)> = Vec::new();
                for cause in &entry.causes {
                    let Some(index) = kb.cause_index(&cause.id) else { continue };
                    // The first listing of a cause is the one that counts.
                    if !listed.iter().any(|(known, _)| *known == index) {
                        listed.push((index, cause.prior));
                    }
                }
                listed
            })
            .collect();
        let search = CauseSearch::new(kb);
        Ranker { rules, prefixes, prefix_rules, unfiltered_rules, rule_keys, entry_causes, search }
    }

    /// For each cause, its prior for this paste and the matched entry that lends it: the best
    /// over the matched errors that list it, each scaled by how well it matched next to the
    /// best match. Only errors matched with some confidence lend their causes; the best match
    /// always does.
    fn priors(
        &self,
        matches: &[Match],
        top_score: f32,
        causes: usize,
    ) -> Vec<(f32, Option<usize>)> {
        let mut priors = vec![(0.0f32, None); causes];
        if top_score <= 0.0 {
            return priors;
        }
        for m in matches.iter().take(4).filter(|m| m.score >= 0.5 || m.score >= top_score) {
            for &(cause, listed_prior) in &self.entry_causes[m.entry] {
                let prior = listed_prior * (m.score / top_score);
                if prior > priors[cause].0 {
                    priors[cause] = (prior, Some(m.entry));
                }
            }
        }
        priors
    }

    /// For each pattern rule, its first match in the paste, if any.
    fn fired_rules(&self, haystack: &Haystack) -> Vec<Option<Range<usize>>> {
        let text = haystack.text();
        let regions = evidence_regions(text);
        let in_regions = |at: usize| regions.iter().any(|region| region.contains(&at));
        let mut fired: Vec<Option<Range<usize>>> = vec![None; self.rules.len()];
        let mut done = vec![false; self.rules.len()];
        for &index in &self.unfiltered_rules {
            done[index] = true;
            fired[index] = self.rules[index].regex().and_then(|regex| {
                regions
                    .iter()
                    .find_map(|region| regex.find(Input::new(text).range(region.clone())))
                    .map(|m| m.range())
            });
        }
        // Each try reads at most RULE_WINDOW bytes, and a rule is tried at most RULE_TRIES
        // times: a paste that repeats a rule's prefix without its match costs linear time.
        let mut tries = vec![0u16; self.rules.len()];
        let prefix_hits =
            self.prefixes.iter().flat_map(|p| p.find_overlapping_iter(haystack.lower()));
        for hit in prefix_hits {
            let (index, start) = (self.prefix_rules[hit.pattern().as_usize()], hit.start());
            if done[index] || tries[index] >= RULE_TRIES || !in_regions(start) {
                continue;
            }
            tries[index] += 1;
            let end = text.len().min(start + RULE_WINDOW);
            let input = Input::new(text).range(start..end).anchored(Anchored::Yes);
            if let Some(m) = self.rules[index].regex().and_then(|regex| regex.find(input)) {
                done[index] = true;
                fired[index] = Some(m.range());
            }
        }
        fired
    }

    pub fn rank(
        &self,
        kb: &KnowledgeBase,
        matches: &[Match],
        signals: &[Signal],
        haystack: &Haystack,
        microsoft_context: bool,
    ) -> (Vec<RankedCause>, Vec<RuledOut>) {
        let top_score = matches.first().map_or(0.0, |m| m.score);
        let match_factor = if top_score >= CONFIDENT_MATCH {
            1.0
        } else {
            (top_score / CONFIDENT_MATCH).max(WEAK_MATCH_FLOOR)
        };
        let ceiling = if microsoft_context { 0.99 } else { OFF_DOMAIN_CEILING };
        let text = haystack.text();
        let fired_patterns = self.fired_rules(haystack);
        let mut fired_signals: Vec<Option<&Signal>> = vec![None; CATALOGUE.len()];
        for signal in signals {
            if let Some(index) = signal_index(signal.name) {
                fired_signals[index] = Some(signal);
            }
        }
        // The evidence line of a rule that fired: its own, then those of the signals its
        // `when` needs, unless the rule says it in its own words.
        let evidence = |rule: &EvidenceRule, resolved: &ResolvedRule| -> Option<String> {
            let also: Vec<&Signal> = resolved
                .when
                .iter()
                .map(|index| fired_signals[(*index)?])
                .collect::<Option<_>>()?;
            let mut line = match resolved.key {
                RuleKey::Signal(index) => {
                    let signal = fired_signals[index?]?;
                    rule.says.clone().unwrap_or_else(|| signal.evidence.clone())
                }
                RuleKey::Pattern(index) => {
                    let span = fired_patterns[index].clone()?;
                    let quote = quote(&text[span]);
                    let says = rule.says.clone().unwrap_or_default();
                    if quote.is_empty() {
                        says
                    } else {
                        format!("{says} (\"{quote}\")")
                    }
                }
            };
            if rule.says.is_none() {
                for signal in also {
                    line.push(' ');
                    line.push_str(&signal.evidence);
                }
            }
            Some(line)
        };

        // The pages' text is copied only for the causes that make the list.
        let mut ranked: Vec<Candidate> = Vec::new();
        let mut ruled_out = Vec::new();
        let priors = self.priors(matches, top_score, kb.causes.len());
        for (cause_index, cause) in kb.causes.iter().enumerate() {
            let (prior, listed_by) = match priors[cause_index] {
                (prior, Some(entry)) => {
                    let entry = &kb.errors[entry];
                    let name = entry.codes.first().unwrap_or(&entry.title).clone();
                    (prior, Some((entry.id.clone(), name)))
                }
                (prior, None) => (prior, None),
            };
            let (support_keys, refute_keys) = &self.rule_keys[cause_index];
            let support: Vec<(f32, String)> = cause
                .support
                .iter()
                .zip(support_keys)
                .filter_map(|(rule, resolved)| Some((rule.weight, evidence(rule, resolved)?)))
                .collect();
            let combined = support.iter().fold(0.0f32, |c, (weight, _)| raise(c, *weight));
            // (With a tolerance: one rule of exactly the threshold must pass after the float
            // arithmetic.)
            if prior <= 0.0 && combined + 1e-4 < UNLISTED_MIN_WEIGHT {
                continue;
            }
            let refute: Vec<(f32, bool, String)> = cause
                .refute
                .iter()
                .zip(refute_keys)
                .filter_map(|(rule, resolved)| {
                    Some((rule.weight, rule.rule_out, evidence(rule, resolved)?))
                })
                .collect();
            if let Some((_, _, because)) = refute.iter().find(|(_, rule_out, _)| *rule_out) {
                ruled_out.push(RuledOut {
                    id: cause.id.clone(),
                    title: cause.title.clone(),
                    because: because.clone(),
                });
                continue;
            }
            let mut confidence = prior;
            for (weight, _) in &support {
                confidence = raise(confidence, *weight);
            }
            if prior <= 0.0 && !cause.any_error {
                confidence *= UNLISTED_DISCOUNT;
            }
            let base_rate = listed_by.as_ref().map(|(_, name)| {
                format!(
                    "Before any evidence, about {}% of {name} cases come from this cause.",
                    (prior * 100.0).round()
                )
            });
            let mut lines: Vec<String> = support.into_iter().map(|(_, line)| line).collect();
            for (weight, _, line) in refute {
                confidence *= 1.0 - weight;
                lines.push(format!("Against: {line}"));
            }
            confidence = (confidence * match_factor).min(ceiling).clamp(0.0, 1.0);
            confidence = (confidence * 1000.0).round() / 1000.0;
            if confidence < 0.05 {
                continue;
            }
            ranked.push(Candidate {
                cause: cause_index,
                confidence,
                prior,
                evidence: lines,
                listed_by: listed_by.map(|(id, _)| id),
                base_rate,
            });
        }
        ranked.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(b.prior.total_cmp(&a.prior))
                .then(kb.causes[a.cause].id.cmp(&kb.causes[b.cause].id))
        });
        if microsoft_context {
            self.fill_from_similar_wording(text, &mut ranked, &ruled_out, kb);
        }
        ranked.truncate(10);
        let ranked = ranked
            .into_iter()
            .map(|candidate| {
                let cause = &kb.causes[candidate.cause];
                RankedCause {
                    id: cause.id.clone(),
                    title: cause.title.clone(),
                    confidence: candidate.confidence,
                    evidence: candidate.evidence,
                    summary: cause.summary.clone(),
                    listed_by: candidate.listed_by,
                    prior: candidate.prior,
                    base_rate: candidate.base_rate,
                    how_to_confirm: cause
                        .section(errdecode_kb::SectionKind::Confirm)
                        .map(|s| s.markdown.clone()),
                }
            })
            .collect();
        ruled_out.sort_by(|a, b| a.id.cmp(&b.id));
        (ranked, ruled_out)
    }
}

impl Ranker {
    /// When the rules leave fewer than [`SEARCH_FILL`] causes, adds those whose descriptions
    /// the paste's words come closest to, after every cause with evidence of its own and at a
    /// confidence that says how little it rests on. The fallback for reports told in words.
    fn fill_from_similar_wording(
        &self,
        text: &str,
        ranked: &mut Vec<Candidate>,
        ruled_out: &[RuledOut],
        kb: &KnowledgeBase,
    ) {
        if ranked.len() >= SEARCH_FILL {
            return;
        }
        let paste_terms = crate::text::terms(text);
        let found = self.search.similar(&paste_terms, SEARCH_FILL * 2);
        let best = found.first().map_or(1.0, |s| s.score.max(1e-6));
        let floor = ranked.iter().map(|c| c.confidence).fold(1.0f32, f32::min);
        for similar in found {
            if ranked.len() >= SEARCH_FILL {
                break;
            }
            if similar.score < SEARCH_MIN_SIMILARITY
                || ranked.iter().any(|c| c.cause == similar.cause)
                || ruled_out.iter().any(|r| r.id == kb.causes[similar.cause].id)
            {
                continue;
            }
            let confidence = (SEARCH_ALONE_WEIGHT * similar.score / best).min(floor * 0.9);
            ranked.push(Candidate {
                cause: similar.cause,
                confidence: round3(confidence),
                prior: 0.0,
                evidence: vec![format!(
                    "No rule points here; the paste's words are close to this cause's description ({}).",
                    similar.shared.join(", ")
                )],
                listed_by: None,
                base_rate: None,
            });
        }
    }
}

/// A confidence raised by a supporting rule of `weight`: `1 - (1 - c)(1 - w)`.
fn raise(confidence: f32, weight: f32) -> f32 {
    1.0 - (1.0 - confidence) * (1.0 - weight)
}

fn round3(value: f32) -> f32 {
    (value * 1000.0).round() / 1000.0
}

/// The parts of a long paste that text patterns are looked for in: the first 448 KiB and the
/// last 64 KiB. Hundreds of patterns over megabytes of logs cost more than they find; codes,
/// statuses and tokens are still read from the whole paste.
/// How far past its prefix a cause pattern is read (its match is a phrase, not a page).
const RULE_WINDOW: usize = 4096;
/// How many places a cause pattern is tried at.
const RULE_TRIES: u16 = 64;

fn evidence_regions(text: &str) -> [Range<usize>; 2] {
    const HEAD: usize = 448 * 1024;
    const TAIL: usize = 64 * 1024;
    if text.len() <= HEAD + TAIL {
        return [0..text.len(), text.len()..text.len()];
    }
    let mut head_end = HEAD;
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let tail_start = crate::text::boundary_at_or_after(text, text.len() - TAIL);
    [0..head_end, tail_start..text.len()]
}

/// A short, single-line quote of matched text.
fn quote(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

/// Used by tests and tools that want a cause's rules in one line each.
pub fn describe_rules(cause: &Cause) -> Vec<String> {
    cause
        .support
        .iter()
        .map(|r| ("+", r))
        .chain(cause.refute.iter().map(|r| ("-", r)))
        .map(|(sign, rule)| {
            let what = match &rule.trigger {
                Trigger::Signal(name) => format!("{sign}{} signal {name}", rule.weight),
                Trigger::Pattern(pattern) => format!("{sign}{} pattern {pattern}", rule.weight),
            };
            if rule.when.is_empty() {
                what
            } else {
                format!("{what} when {}", rule.when.join(" and "))
            }
        })
        .collect()
}

/// Lower-case literal prefixes that every match of `pattern` starts with, or `None` when there
/// is no useful set (too common, too many, or unbounded). `kb check` requires one for every
/// cause pattern (see [`crate::kb_check`]).
pub fn required_prefixes(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?;
    let literals = crate::haystack::match_prefixes(&hir)?;
    // A prefix must be rare enough that the places it stands are few: three characters, or
    // two that are both punctuation (`/$`, `${`).
    let rare = |literal: &[u8]| {
        literal.len() >= 3 || (literal.len() == 2 && literal.iter().all(u8::is_ascii_punctuation))
    };
    if !literals.iter().all(|literal| rare(literal)) {
        return None;
    }
    let mut prefixes: Vec<String> = literals
        .iter()
        .map(|literal| String::from_utf8_lossy(literal).to_ascii_lowercase())
        .collect();
    prefixes.sort();
    prefixes.dedup();
    Some(prefixes)
}

/// A signal's place in [`CATALOGUE`].
fn signal_index(name: &str) -> Option<usize> {
    CATALOGUE.iter().position(|(known, _)| *known == name)
}
