//! Every sentence of the knowledge base is written in our own words: no run of ten or more
//! words may be shared with the fact sources in `../shared/data/`. Quotations of what a
//! service prints (an entry's `message`, its templates and variations) are exempt: those are
//! the error texts people paste, not prose.
//!
//! The check against the fact sources needs `../shared/data` beside the checkout, so it is
//! `#[ignore]`d in a plain `cargo test`; `.ci/run` runs it by name.

use std::collections::HashSet;
use std::path::Path;

use errdecode_kb::{parse, read_dir, KnowledgeBase};

const RUN: usize = 10;

fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !w.contains("://"))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

fn runs(text: &str) -> Vec<String> {
    let words = words(text);
    words.windows(RUN).map(|w| w.join(" ")).collect()
}

/// Text of the fact sources: the TSV meaning columns and notes, the Markdown fact sheets, and
/// Microsoft's permission descriptions.
fn source_runs(data: &Path) -> HashSet<String> {
    let mut texts: Vec<String> = Vec::new();
    for name in
        ["aadsts-codes.tsv", "aadsts-oauth-errors.tsv", "graph-error-codes.tsv", "token-claims.tsv"]
    {
        let text =
            std::fs::read_to_string(data.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Each cell on its own, so that runs never bridge two columns.
        texts.extend(text.lines().flat_map(|line| line.split('\t').map(String::from)));
    }
    for name in [
        "graph-facts.md",
        "README.md",
        "aadsts-codes.README.md",
        "graph-error-codes.README.md",
        "graph-permissions/README.md",
    ] {
        texts.push(
            std::fs::read_to_string(data.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")),
        );
    }
    let descriptions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("graph-permissions/permissions-descriptions.json"))
            .unwrap(),
    )
    .unwrap();
    for list in ["delegatedScopesList", "applicationScopesList"] {
        for item in descriptions[list].as_array().unwrap() {
            for field in
                ["adminConsentDescription", "consentDescription", "adminConsentDisplayName"]
            {
                if let Some(text) = item[field].as_str() {
                    texts.push(text.to_string());
                }
            }
        }
    }
    texts.iter().flat_map(|t| runs(t)).collect()
}

/// The prose of every entry, cause and product, labelled by where it stands.
fn prose(kb: &KnowledgeBase) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in &kb.errors {
        let at = format!("{}:{}", entry.origin.path, entry.origin.line);
        out.push((at.clone(), format!("{}\n{}", entry.title, entry.gist)));
        for section in &entry.sections {
            out.push((format!("{at} ({})", section.title), section.markdown.clone()));
        }
        for faq in &entry.faq {
            out.push((format!("{at} (FAQ)"), format!("{}\n{}", faq.question, faq.answer)));
        }
    }
    for cause in &kb.causes {
        let at = cause.origin.path.clone();
        out.push((at.clone(), format!("{}\n{}", cause.title, cause.summary)));
        for section in &cause.sections {
            out.push((format!("{at} ({})", section.title), section.markdown.clone()));
        }
        for rule in cause.support.iter().chain(&cause.refute) {
            if let Some(says) = &rule.says {
                out.push((format!("{at}:{}", rule.line), says.clone()));
            }
        }
    }
    for product in &kb.products {
        out.push((
            product.origin.path.clone(),
            format!("{}\n{}", product.summary, product.body_markdown),
        ));
    }
    out
}

#[test]
#[ignore = "needs ../shared/data beside the checkout; .ci/run runs it"]
fn no_ten_word_run_is_copied_from_the_fact_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = root.join("../shared/data");
    assert!(data.is_dir(), "the fact sources are expected at {}", data.display());
    let sources = source_runs(&data);
    assert!(sources.len() > 10_000, "the fact sources look empty");
    let (kb, problems) = parse(&read_dir(&root.join("kb")).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    let mut copied = Vec::new();
    for (at, text) in prose(&kb) {
        if let Some(run) = runs(&text).into_iter().find(|run| sources.contains(run)) {
            copied.push(format!("{at}: \"{run}\""));
        }
    }
    assert!(
        copied.is_empty(),
        "{} passage(s) copied from shared/data:\n{}",
        copied.len(),
        copied.join("\n")
    );
}

#[test]
fn the_check_catches_a_copied_sentence() {
    // A made-up source cell, split into runs the way `source_runs` splits the TSV cells.
    let cell = "the application presented a credential that the directory could not match against \
                any registered secret or certificate";
    let sources: HashSet<String> = runs(cell).into_iter().collect();
    let copied = format!("Why it happens: {cell}, which is common after a rotation.");
    assert!(runs(&copied).iter().any(|r| sources.contains(r)));
    assert!(!runs("this sentence is our own and shares nothing with any of the sources at all")
        .iter()
        .any(|r| sources.contains(r)));
}
