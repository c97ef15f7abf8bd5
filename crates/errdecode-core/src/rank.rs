//! Ranking root causes for this paste: priors from the matched errors, moved by evidence.
//!
//! A cause starts at the prior its matched error gives it, scaled by how well that error
//! matched. Each supporting rule that fires raises it (`c = 1 - (1 - c)(1 - w)`), each
//! refuting rule lowers it (`c = c(1 - w)`), and a refuting rule marked `rule_out` removes it
//! to the ruled-out list with its evidence as the reason. Evidence can bring in a cause the
//! matched error did not list, at a discount.

use std::ops::Range;
use std::sync::OnceLock;

use errdecode_kb::{Cause, KnowledgeBase, Trigger};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use serde::Serialize;

use crate::haystack::Haystack;
use crate::matcher::{Match, OFF_DOMAIN_CEILING};
use crate::signals::Signal;

/// How much a cause brought in by evidence alone counts, next to one its error lists.
const UNLISTED_DISCOUNT: f32 = 0.5;
/// Evidence alone brings in a cause only when one of its rules is at least this strong;
/// context such as "the flow is app-only" supports listed causes but introduces none.
const UNLISTED_MIN_WEIGHT: f32 = 0.4;
/// A match scoring this much or more lends its causes full weight.
const CONFIDENT_MATCH: f32 = 0.85;
/// When nothing matched well, causes are held to this share of their evidence.
const WEAK_MATCH_FLOOR: f32 = 0.35;

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
    /// How to confirm it (Markdown), from the cause's page.
    pub how_to_confirm: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuledOut {
    pub id: String,
    pub title: String,
    pub because: String,
}

/// Where one pattern rule lives, and its regex, built the first time a paste could match it.
struct PatternRule {
    cause: usize,
    rule: usize,
    refute: bool,
    source: String,
    regex: OnceLock<Option<Regex>>,
}

/// A rule whose pattern matched, with where.
struct FiredRule<'a> {
    rule: &'a PatternRule,
    span: std::ops::Range<usize>,
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
/// prefixes every match of it must start with (found by the [`crate::lexicon`]), and is then
/// tried only where those prefixes stand. Patterns without such a prefix are always run.
pub struct Ranker {
    rules: Vec<PatternRule>,
    /// Lower-case literal prefixes of the rules' patterns.
    prefixes: Vec<String>,
    /// For each prefix in `prefixes`, the rule it belongs to.
    prefix_rules: Vec<usize>,
    unfiltered_rules: Vec<usize>,
}

impl Ranker {
    pub fn new(kb: &KnowledgeBase) -> Ranker {
        let mut rules = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut prefix_rules = Vec::new();
        let mut unfiltered_rules = Vec::new();
        for (cause_index, cause) in kb.causes.iter().enumerate() {
            for (refute, list) in [(false, &cause.support), (true, &cause.refute)] {
                for (rule_index, rule) in list.iter().enumerate() {
                    let Trigger::Pattern(pattern) = &rule.trigger else { continue };
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
                    rules.push(PatternRule {
                        cause: cause_index,
                        rule: rule_index,
                        refute,
                        source,
                        regex: OnceLock::new(),
                    });
                }
            }
        }
        Ranker { rules, prefixes, prefix_rules, unfiltered_rules }
    }

    /// The literal prefixes the rules' patterns are keyed by, lower-case, for the
    /// [`crate::lexicon::Lexicon`].
    pub fn rule_prefixes(&self) -> &[String] {
        &self.prefixes
    }

    /// The rules whose pattern matches `text`, each with its first match. `prefix_hits` are
    /// where the paste holds the rules' prefixes (indexes into [`Ranker::rule_prefixes`]).
    fn fired_rules(&self, text: &str, prefix_hits: &[(u32, usize)]) -> Vec<FiredRule<'_>> {
        let regions = evidence_regions(text);
        let in_regions = |at: usize| regions.iter().any(|region| region.contains(&at));
        let mut fired: Vec<FiredRule<'_>> = Vec::new();
        let mut done = vec![false; self.rules.len()];
        for &index in &self.unfiltered_rules {
            done[index] = true;
            let rule = &self.rules[index];
            let found = rule.regex().and_then(|regex| {
                regions.iter().find_map(|region| regex.find(Input::new(text).range(region.clone())))
            });
            if let Some(m) = found {
                fired.push(FiredRule { rule, span: m.range() });
            }
        }
        for &(prefix, start) in prefix_hits {
            let index = self.prefix_rules[prefix as usize];
            if done[index] || !in_regions(start) {
                continue;
            }
            let rule = &self.rules[index];
            let input = Input::new(text).range(start..).anchored(Anchored::Yes);
            if let Some(m) = rule.regex().and_then(|regex| regex.find(input)) {
                done[index] = true;
                fired.push(FiredRule { rule, span: m.range() });
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
        prefix_hits: &[(u32, usize)],
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
        let fired_patterns = self.fired_rules(text, prefix_hits);

        let mut ranked = Vec::new();
        let mut ruled_out = Vec::new();
        for (cause_index, cause) in kb.causes.iter().enumerate() {
            let (prior, listed_by) = prior_for(kb, matches, top_score, &cause.id);
            let mut support: Vec<(f32, String)> = Vec::new();
            let mut refute: Vec<(f32, bool, String)> = Vec::new();
            for (index, rule) in cause.support.iter().enumerate() {
                if let Some(evidence) =
                    fired(rule, signals, text, &fired_patterns, cause_index, index, false)
                {
                    support.push((rule.weight, evidence));
                }
            }
            for (index, rule) in cause.refute.iter().enumerate() {
                if let Some(evidence) =
                    fired(rule, signals, text, &fired_patterns, cause_index, index, true)
                {
                    refute.push((rule.weight, rule.rule_out, evidence));
                }
            }
            let strongest = support.iter().map(|(weight, _)| *weight).fold(0.0f32, f32::max);
            if prior <= 0.0 && strongest < UNLISTED_MIN_WEIGHT {
                continue;
            }
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
                confidence = 1.0 - (1.0 - confidence) * (1.0 - weight);
            }
            if prior <= 0.0 {
                confidence *= UNLISTED_DISCOUNT;
            }
            let mut evidence: Vec<String> = Vec::new();
            if let Some((_, name)) = &listed_by {
                evidence.push(format!("A usual cause of {name}."));
            }
            evidence.extend(support.into_iter().map(|(_, line)| line));
            for (weight, _, line) in refute {
                confidence *= 1.0 - weight;
                evidence.push(format!("Against: {line}"));
            }
            confidence = (confidence * match_factor).min(ceiling).clamp(0.0, 1.0);
            confidence = (confidence * 1000.0).round() / 1000.0;
            if confidence < 0.05 {
                continue;
            }
            ranked.push(RankedCause {
                id: cause.id.clone(),
                title: cause.title.clone(),
                confidence,
                evidence,
                summary: cause.summary.clone(),
                listed_by: listed_by.map(|(id, _)| id),
                prior,
                how_to_confirm: cause
                    .section(errdecode_kb::SectionKind::Confirm)
                    .map(|s| s.markdown.clone()),
            });
        }
        ranked.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(b.prior.total_cmp(&a.prior))
                .then(a.id.cmp(&b.id))
        });
        ranked.truncate(10);
        ruled_out.sort_by(|a, b| a.id.cmp(&b.id));
        (ranked, ruled_out)
    }
}

/// The prior of `cause` for this paste: the best over the matched errors that list it, each
/// scaled by how well it matched next to the best match.
/// Returns the prior and the listing entry's id and display name.
fn prior_for(
    kb: &KnowledgeBase,
    matches: &[Match],
    top_score: f32,
    cause: &str,
) -> (f32, Option<(String, String)>) {
    let mut best = (0.0f32, None);
    if top_score <= 0.0 {
        return best;
    }
    // Only errors matched with some confidence lend their causes; the best match always does.
    for m in matches.iter().take(4).filter(|m| m.score >= 0.5 || m.score >= top_score) {
        let entry = &kb.errors[m.entry];
        if let Some(candidate) = entry.causes.iter().find(|c| c.id == cause) {
            let prior = candidate.prior * (m.score / top_score);
            if prior > best.0 {
                let name =
                    entry.codes.first().map_or_else(|| entry.title.clone(), |code| code.clone());
                best = (prior, Some((entry.id.clone(), name)));
            }
        }
    }
    best
}

fn fired(
    rule: &errdecode_kb::EvidenceRule,
    signals: &[Signal],
    text: &str,
    fired_patterns: &[FiredRule<'_>],
    cause: usize,
    index: usize,
    refute: bool,
) -> Option<String> {
    match &rule.trigger {
        Trigger::Signal(name) => signals
            .iter()
            .find(|s| s.name == name)
            .map(|s| rule.says.clone().unwrap_or_else(|| s.evidence.clone())),
        Trigger::Pattern(_) => {
            let fired = fired_patterns.iter().find(|f| {
                f.rule.cause == cause && f.rule.rule == index && f.rule.refute == refute
            })?;
            let quote = quote(&text[fired.span.clone()]);
            let says = rule.says.clone().unwrap_or_default();
            Some(if quote.is_empty() { says } else { format!("{says} (\"{quote}\")") })
        }
    }
}

/// The parts of a long paste that text patterns are looked for in: the first 448 KiB and the
/// last 64 KiB. Hundreds of patterns over megabytes of logs cost more than they find; codes,
/// statuses and tokens are still read from the whole paste.
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
    let mut tail_start = text.len() - TAIL;
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
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
        .map(|(sign, rule)| match &rule.trigger {
            Trigger::Signal(name) => format!("{sign}{} signal {name}", rule.weight),
            Trigger::Pattern(pattern) => format!("{sign}{} pattern {pattern}", rule.weight),
        })
        .collect()
}

/// Lower-case literal prefixes that every match of `pattern` starts with, or `None` when there
/// is no useful set (too short, too many, or unbounded).
fn required_prefixes(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(250);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().len() < 3) {
        return None;
    }
    let mut prefixes: Vec<String> = literals
        .iter()
        .map(|l| String::from_utf8_lossy(l.as_bytes()).to_ascii_lowercase())
        .collect();
    prefixes.sort();
    prefixes.dedup();
    Some(prefixes)
}
