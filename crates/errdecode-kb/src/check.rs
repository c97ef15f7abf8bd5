//! Structural checks over the whole knowledge base: references resolve, ids and codes are
//! unique, pages have their sections. The checks that need the decoder live in
//! `errdecode-core::kb_check`.

use std::collections::{HashMap, HashSet};

use crate::model::*;
use crate::parse::line_in_file;
use crate::sections::{CAUSE_SECTIONS, ERROR_SECTIONS};
use crate::{Problem, SourceFile};

/// Minimum number of variations a rich page lists.
pub const RICH_MIN_VARIATIONS: usize = 3;

pub fn check(kb: &KnowledgeBase, files: &[SourceFile], problems: &mut Vec<Problem>) {
    let texts: HashMap<&str, &str> =
        files.iter().map(|f| (f.path.as_str(), f.text.as_str())).collect();
    // Locates `needle` in the file of `origin`: the entry's own line for table rows.
    let locate = |origin: &Origin, needle: &str| -> Option<usize> {
        let text = texts.get(origin.path.as_str())?;
        if origin.line > 1 {
            let after: String = text.lines().skip(origin.line - 1).collect::<Vec<_>>().join("\n");
            return line_in_file(&after, needle).map(|l| l + origin.line - 1).or(Some(origin.line));
        }
        line_in_file(text, needle)
    };

    let cause_ids: HashSet<&str> = kb.causes.iter().map(|c| c.id.as_str()).collect();
    let error_ids: HashSet<&str> = kb.errors.iter().map(|e| e.id.as_str()).collect();
    let products: HashMap<&str, &Product> =
        kb.products.iter().map(|p| (p.id.as_str(), p)).collect();

    let mut seen: HashMap<&str, &Origin> = HashMap::new();
    let all_ids = kb
        .errors
        .iter()
        .map(|e| (e.id.as_str(), &e.origin))
        .chain(kb.causes.iter().map(|c| (c.id.as_str(), &c.origin)))
        .chain(kb.products.iter().map(|p| (p.id.as_str(), &p.origin)));
    for (id, origin) in all_ids {
        if !is_slug(id) {
            problems.push(Problem::new(
                &origin.path,
                locate(origin, id),
                format!("the id `{id}` must be lower-case letters, digits and `-`"),
            ));
        }
        if let Some(first) = seen.insert(id, origin) {
            problems.push(
                Problem::new(
                    &origin.path,
                    locate(origin, id),
                    format!("the id `{id}` is already used by {}", first.path),
                )
                .with_hint("ids are shared by errors, causes and products; pick another"),
            );
        }
    }

    for product in &kb.products {
        let detect = &product.detect;
        let recognisable = !detect.words.is_empty()
            || !detect.hosts.is_empty()
            || !detect.cmdlets.is_empty()
            || detect.authority
            || detect.challenge;
        if !recognisable {
            problems.push(
                Problem::new(&product.origin.path, Some(1), "the product has no `[detect]` rules")
                    .with_hint(
                        "without them a paste is never recognised as this product's and its \
                         status pages never match; add `[detect]` with `words`, `hosts` or `cmdlets`",
                    ),
            );
        }
    }

    for entry in &kb.errors {
        let at = |needle: &str| locate(&entry.origin, needle);
        let path = entry.origin.path.as_str();
        match products.get(entry.product.as_str()) {
            None => problems.push(
                Problem::new(path, at("product"), format!("unknown product `{}`", entry.product))
                    .with_hint(format!(
                        "add products/{}.md or use one of: {}",
                        entry.product,
                        sorted(products.keys().copied())
                    )),
            ),
            Some(product) if !product.topics.iter().any(|t| t == &entry.topic) => problems.push(
                Problem::new(
                    path,
                    at("topic"),
                    format!("the topic `{}` is not one of {}'s topics", entry.topic, product.id),
                )
                .with_hint(format!(
                    "add it to products/{}.md or use one of: {}",
                    product.id,
                    product.topics.join(", ")
                )),
            ),
            Some(_) => {}
        }
        if entry.codes.is_empty() && entry.messages.is_empty() && entry.http_status.is_empty() {
            problems.push(Problem::new(
                path,
                at("id"),
                "the entry has no code, message template or HTTP status to be found by",
            ));
        }
        for candidate in &entry.causes {
            if !cause_ids.contains(candidate.id.as_str()) {
                problems.push(
                    Problem::new(
                        path,
                        at(&format!("\"{}\"", candidate.id)),
                        format!("unknown cause `{}`", candidate.id),
                    )
                    .with_hint(format!("add causes/{}.md or fix the id", candidate.id)),
                );
            }
            if !(0.0..=1.0).contains(&candidate.prior) {
                problems.push(Problem::new(
                    path,
                    at(&format!("\"{}\"", candidate.id)),
                    format!("the prior of `{}` must lie in [0, 1]", candidate.id),
                ));
            }
        }
        let mut listed = HashSet::new();
        for candidate in &entry.causes {
            if !listed.insert(candidate.id.as_str()) {
                problems.push(Problem::new(
                    path,
                    at(&format!("\"{}\"", candidate.id)),
                    format!("the cause `{}` is listed twice", candidate.id),
                ));
            }
        }
        for related in &entry.related {
            if !error_ids.contains(related.as_str()) {
                problems.push(Problem::new(
                    path,
                    at(related),
                    format!("the related error `{related}` does not exist"),
                ));
            } else if related == &entry.id {
                problems.push(Problem::new(
                    path,
                    at(related),
                    "an entry cannot be related to itself",
                ));
            }
        }
        for template in &entry.messages {
            if template.trim().len() < 8 || template.split("{}").all(|part| part.trim().len() < 6) {
                problems.push(
                    Problem::new(
                        path,
                        at(template),
                        format!(
                            "the message template `{template}` is too short to identify the error"
                        ),
                    )
                    .with_hint("keep at least one literal run of six or more characters"),
                );
            }
        }
        let required: &[_] = match entry.tier {
            Tier::Rich => &ERROR_SECTIONS,
            Tier::Basic => &ERROR_SECTIONS[..1],
        };
        for kind in required {
            if entry.section(*kind).is_none_or(|s| s.markdown.trim().is_empty()) {
                problems.push(Problem::new(
                    path,
                    Some(entry.origin.line),
                    format!("missing the section `## {}`", kind.canonical_heading()),
                ));
            }
        }
        if entry.tier.is_rich() {
            if entry.variations.len() < RICH_MIN_VARIATIONS {
                problems.push(Problem::new(
                    path,
                    at("variations"),
                    format!("a rich page lists at least {RICH_MIN_VARIATIONS} variations; this one has {}", entry.variations.len()),
                ));
            }
            for (field, empty) in [
                ("faq", entry.faq.is_empty()),
                ("related_searches", entry.related_searches.is_empty()),
                ("related", entry.related.is_empty()),
                ("affected_products", entry.affected_products.is_empty()),
            ] {
                if empty {
                    problems.push(Problem::new(
                        path,
                        Some(entry.origin.line),
                        format!("a rich page needs `{field}`"),
                    ));
                }
            }
        }
        if entry.sources.is_empty() {
            problems.push(
                Problem::new(path, Some(entry.origin.line), "the entry names no `sources`")
                    .with_hint("name the fact source it rests on (a shared/data file or a Microsoft Learn page)"),
            );
        }
        if entry.causes.is_empty() {
            problems.push(Problem::new(
                path,
                Some(entry.origin.line),
                "the entry lists no candidate causes",
            ));
        }
    }

    check_shared_codes(kb, &locate, problems);
    check_status_pages(kb, &locate, problems);

    for cause in &kb.causes {
        let path = cause.origin.path.as_str();
        for kind in CAUSE_SECTIONS {
            if cause.section(kind).is_none_or(|s| s.markdown.trim().is_empty()) {
                problems.push(Problem::new(
                    path,
                    Some(1),
                    format!("missing the section `## {}`", kind.canonical_heading()),
                ));
            }
        }
        for rule in cause.support.iter().chain(&cause.refute) {
            if !(0.0..=1.0).contains(&rule.weight) {
                problems.push(Problem::new(
                    path,
                    Some(rule.line),
                    "a rule's weight must lie in [0, 1]",
                ));
            }
        }
        for rule in &cause.support {
            if rule.rule_out {
                problems.push(Problem::new(
                    path,
                    Some(rule.line),
                    "`rule_out` belongs to `[[refute]]` rules",
                ));
            }
        }
    }

    for product in &kb.products {
        if product.topics.is_empty() {
            problems.push(Problem::new(
                &product.origin.path,
                locate(&product.origin, "topics"),
                "a product needs at least one topic",
            ));
        }
    }
}

/// Two entries may claim the same code only when they say how they differ: each one but a
/// single default must carry message templates that pick it out.
fn check_shared_codes(
    kb: &KnowledgeBase,
    locate: &dyn Fn(&Origin, &str) -> Option<usize>,
    problems: &mut Vec<Problem>,
) {
    let mut by_code: HashMap<String, Vec<&ErrorEntry>> = HashMap::new();
    for entry in &kb.errors {
        for code in &entry.codes {
            by_code.entry(code.to_ascii_lowercase()).or_default().push(entry);
        }
    }
    let mut codes: Vec<_> = by_code.into_iter().filter(|(_, entries)| entries.len() > 1).collect();
    codes.sort_by(|a, b| a.0.cmp(&b.0));
    for (code, entries) in codes {
        let defaults: Vec<&&ErrorEntry> =
            entries.iter().filter(|e| e.is_default_for_code()).collect();
        if defaults.len() > 1 {
            let names: Vec<&str> = defaults.iter().map(|e| e.id.as_str()).collect();
            let entry = defaults[1];
            problems.push(
                Problem::new(&entry.origin.path, locate(&entry.origin, "codes"), format!("the code `{code}` is claimed by {} without saying how they differ", names.join(", ")))
                    .with_hint("give all but one of them `messages` templates or `when` signals that tell them apart"),
            );
        }
    }
}

fn is_slug(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut items: Vec<&str> = items.collect();
    items.sort_unstable();
    items.join(", ")
}

/// An entry with an HTTP status but no code and no message is the page for that status; a
/// product has at most one per status.
fn check_status_pages(
    kb: &KnowledgeBase,
    locate: &dyn Fn(&Origin, &str) -> Option<usize>,
    problems: &mut Vec<Problem>,
) {
    let mut seen: HashMap<(&str, u16), &str> = HashMap::new();
    for entry in &kb.errors {
        if !entry.is_status_page() {
            continue;
        }
        for status in &entry.http_status {
            if let Some(first) = seen.insert((entry.product.as_str(), *status), entry.id.as_str()) {
                problems.push(Problem::new(
                    &entry.origin.path,
                    locate(&entry.origin, "http_status"),
                    format!("{first} is already the {} page for HTTP {status}", entry.product),
                ));
            }
        }
    }
}
