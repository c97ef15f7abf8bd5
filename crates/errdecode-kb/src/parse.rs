//! Turns knowledge-base files into the model, collecting every problem on the way.

use std::path::Path;

use serde::Deserialize;

use crate::frontmatter::{self, line_at, line_of};
use crate::model::*;
use crate::sections::SectionKind;
use crate::{check, mentions, requirements, tables, Problem};

/// A knowledge base as parsed, with every problem found on the way: what the build embeds
/// (see `build.rs`) and what [`crate::load_embedded`] reads back.
#[derive(Debug, Default, serde::Serialize, Deserialize)]
pub struct Parsed {
    pub kb: KnowledgeBase,
    pub problems: Vec<Problem>,
}

/// A file of the knowledge base: its path relative to the root, and its text.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Parses every file and checks the result; never stops at the first problem.
pub fn parse(files: &[SourceFile]) -> (KnowledgeBase, Vec<Problem>) {
    let mut kb = KnowledgeBase::default();
    let mut problems = Vec::new();
    for file in files {
        let path = file.path.as_str();
        if path.ends_with("README.md") {
            continue;
        }
        if path.starts_with("errors/") && path.ends_with(".md") {
            if let Some(entry) = parse_error_page(file, &mut problems) {
                kb.errors.push(entry);
            }
        } else if path.starts_with("causes/") && path.ends_with(".md") {
            if let Some(cause) = parse_cause(file, &mut problems) {
                kb.causes.push(cause);
            }
        } else if path.starts_with("products/") && path.ends_with(".md") {
            if let Some(product) = parse_product(file, &mut problems) {
                kb.products.push(product);
            }
        } else if path.starts_with("tables/") && path.ends_with(".toml") {
            kb.errors.extend(tables::parse_table(file, &mut problems));
        } else if path.starts_with("mentions/") && path.ends_with(".toml") {
            kb.endpoint_mentions.extend(mentions::parse_mentions(file, &mut problems));
        } else if path.starts_with("requirements/") && path.ends_with(".toml") {
            kb.endpoint_requirements.extend(requirements::parse_requirements(file, &mut problems));
        } else if path.starts_with("permissions/") && path.ends_with(".tsv") {
            kb.endpoint_permissions.push(file.clone());
        } else {
            problems.push(
                Problem::new(
                    path,
                    None,
                    "this file is not part of any known knowledge-base folder",
                )
                .with_hint(
                    "errors/**.md, causes/*.md, products/*.md, tables/*.toml, permissions/*.tsv, requirements/*.toml, mentions/*.toml",
                ),
            );
        }
    }
    kb.products.sort_by(|a, b| a.order.cmp(&b.order).then(a.id.cmp(&b.id)));
    check::check(&kb, files, &mut problems);
    (kb, problems)
}

/// Reads every file below `dir` (I/O; the rest of this crate does none).
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, Problem> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), Problem> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Problem::new(dir.display().to_string(), None, format!("cannot read the folder: {e}"))
        })?;
        let mut paths: Vec<_> = entries.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let relative =
                    path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                if relative.starts_with('.') {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    Problem::new(relative.clone(), None, format!("cannot read the file: {e}"))
                })?;
                out.push(SourceFile { path: relative, text });
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    if files.is_empty() {
        return Err(Problem::new(
            dir.display().to_string(),
            None,
            "the folder holds no knowledge-base files",
        ));
    }
    Ok(files)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCandidate {
    pub id: String,
    pub prior: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorFrontMatter {
    id: String,
    title: String,
    product: String,
    topic: String,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    http_status: Vec<u16>,
    #[serde(default)]
    messages: Vec<String>,
    #[serde(default)]
    when: Vec<String>,
    message: String,
    gist: String,
    #[serde(default)]
    variations: Vec<String>,
    #[serde(default)]
    causes: Vec<RawCandidate>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    related_searches: Vec<String>,
    #[serde(default)]
    affected_products: Vec<String>,
    #[serde(default)]
    faq: Vec<RawFaq>,
    #[serde(default)]
    sources: Vec<String>,
    last_reviewed: toml::value::Datetime,
    #[serde(default)]
    tier: RawTier,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawTier {
    Rich,
    #[default]
    Basic,
}

impl From<RawTier> for Tier {
    fn from(raw: RawTier) -> Tier {
        match raw {
            RawTier::Rich => Tier::Rich,
            RawTier::Basic => Tier::Basic,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFaq {
    pub q: String,
    pub a: String,
}

fn parse_error_page(file: &SourceFile, problems: &mut Vec<Problem>) -> Option<ErrorEntry> {
    let (split, raw): (_, ErrorFrontMatter) = front_matter(file, problems)?;
    let sections = parse_sections(&file.path, split.body, split.body_line, problems);
    let causes = candidates(raw.causes);
    Some(ErrorEntry {
        id: raw.id,
        title: raw.title,
        product: raw.product,
        topic: raw.topic,
        codes: raw.codes,
        http_status: raw.http_status,
        messages: raw.messages,
        when: raw.when,
        message: raw.message,
        gist: raw.gist,
        variations: raw.variations,
        causes,
        related: raw.related,
        related_searches: raw.related_searches,
        affected_products: raw.affected_products,
        faq: raw.faq.into_iter().map(|f| Faq { question: f.q, answer: f.a }).collect(),
        sources: raw.sources,
        last_reviewed: raw.last_reviewed.to_string(),
        tier: raw.tier.into(),
        sections,
        origin: Origin { path: file.path.clone(), line: 1 },
    })
}

pub(crate) fn candidates(raw: Vec<RawCandidate>) -> Vec<CandidateCause> {
    raw.into_iter().map(|c| CandidateCause { id: c.id, prior: c.prior }).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CauseFrontMatter {
    id: String,
    title: String,
    summary: String,
    #[serde(default)]
    support: Vec<RawRule>,
    #[serde(default)]
    refute: Vec<RawRule>,
    #[serde(default)]
    sources: Vec<String>,
    last_reviewed: toml::value::Datetime,
    #[serde(default)]
    any_error: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    signal: Option<String>,
    pattern: Option<String>,
    #[serde(default = "default_weight")]
    weight: f32,
    says: Option<String>,
    #[serde(default)]
    rule_out: bool,
    #[serde(default)]
    when: Vec<String>,
}

fn default_weight() -> f32 {
    0.3
}

fn parse_cause(file: &SourceFile, problems: &mut Vec<Problem>) -> Option<Cause> {
    let (split, raw): (_, CauseFrontMatter) = front_matter(file, problems)?;
    let sections = parse_sections(&file.path, split.body, split.body_line, problems);
    let rules = |raw_rules: Vec<RawRule>, table: &str, problems: &mut Vec<Problem>| {
        let mut rules = Vec::new();
        for (line_cursor, rule) in raw_rules.into_iter().enumerate() {
            // Each `[[support]]` / `[[refute]]` header in order gives the rule's line.
            let line = nth_header_line(split.front_matter, table, line_cursor)
                .map(|l| l + split.front_matter_line - 1)
                .unwrap_or(split.front_matter_line);
            let trigger = match (rule.signal, rule.pattern) {
                (Some(signal), None) => Trigger::Signal(signal),
                (None, Some(pattern)) => match check_pattern(&pattern) {
                    Ok(()) => Trigger::Pattern(pattern),
                    Err(error) => {
                        problems.push(Problem::new(
                            &file.path,
                            Some(line),
                            format!("the pattern does not compile: {error}"),
                        ));
                        continue;
                    }
                },
                _ => {
                    problems.push(Problem::new(
                        &file.path,
                        Some(line),
                        "a rule needs exactly one of `signal` or `pattern`",
                    ));
                    continue;
                }
            };
            if matches!(trigger, Trigger::Pattern(_)) && rule.says.is_none() {
                problems.push(Problem::new(
                    &file.path,
                    Some(line),
                    "a pattern rule needs `says`, the evidence line shown to the user",
                ));
            }
            rules.push(EvidenceRule {
                trigger,
                weight: rule.weight,
                says: rule.says,
                rule_out: rule.rule_out,
                when: rule.when,
                line,
            });
        }
        rules
    };
    let support = rules(raw.support, "[[support]]", problems);
    let refute = rules(raw.refute, "[[refute]]", problems);
    Some(Cause {
        id: raw.id,
        title: raw.title,
        summary: raw.summary,
        support,
        refute,
        sources: raw.sources,
        last_reviewed: raw.last_reviewed.to_string(),
        any_error: raw.any_error,
        sections,
        origin: Origin { path: file.path.clone(), line: 1 },
    })
}

/// Checks a pattern's syntax without building anything from it: loading stays cheap, and
/// the decoder compiles each pattern when a paste first needs it (`kb check` compiles them
/// all, to catch what only compilation finds).
pub(crate) fn check_pattern(pattern: &str) -> Result<(), String> {
    regex_syntax::ast::parse::Parser::new().parse(&ascii_boundaries(pattern)).map(|_| ()).map_err(
        |error| error.to_string().lines().last().unwrap_or("invalid pattern").trim().to_string(),
    )
}

fn nth_header_line(front_matter: &str, header: &str, n: usize) -> Option<usize> {
    front_matter
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == header)
        .nth(n)
        .map(|(index, _)| index + 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductFrontMatter {
    id: String,
    name: String,
    summary: String,
    topics: Vec<String>,
    /// Where the product stands in lists (home page, hubs): lower first.
    #[serde(default = "default_order")]
    order: u32,
    #[serde(default)]
    detect: crate::model::ProductDetect,
}

fn default_order() -> u32 {
    100
}

fn parse_product(file: &SourceFile, problems: &mut Vec<Problem>) -> Option<Product> {
    let (split, raw): (_, ProductFrontMatter) = front_matter(file, problems)?;
    Some(Product {
        id: raw.id,
        name: raw.name,
        summary: raw.summary,
        topics: raw.topics,
        order: raw.order,
        detect: ProductDetect {
            words: raw.detect.words.iter().map(|word| word.to_lowercase()).collect(),
            hosts: raw.detect.hosts.iter().map(|host| host.to_lowercase()).collect(),
            ..raw.detect
        },
        body_markdown: split.body.trim().to_string(),
        origin: Origin { path: file.path.clone(), line: 1 },
    })
}

fn front_matter<'a, T: serde::de::DeserializeOwned>(
    file: &'a SourceFile,
    problems: &mut Vec<Problem>,
) -> Option<(frontmatter::Split<'a>, T)> {
    let split = match frontmatter::split(&file.text) {
        Ok(split) => split,
        Err(message) => {
            problems.push(Problem::new(&file.path, Some(1), message));
            return None;
        }
    };
    match toml::from_str::<T>(split.front_matter) {
        Ok(raw) => Some((split, raw)),
        Err(error) => {
            let line = error
                .span()
                .map(|span| line_at(split.front_matter, span.start) + split.front_matter_line - 1);
            problems.push(Problem::new(
                &file.path,
                line,
                format!("front matter: {}", error.message()),
            ));
            None
        }
    }
}

/// Splits a Markdown body into `## ` sections; text before the first heading is not allowed,
/// and so are headings that are not known sections (a typo would otherwise hide a section).
pub(crate) fn parse_sections(
    path: &str,
    body: &str,
    first_line: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_code = false;
    for (index, line) in body.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code {
            if let Some(heading) = line.strip_prefix("## ") {
                match SectionKind::from_heading(heading) {
                    Some(kind) => {
                        if sections.iter().any(|s| s.kind == kind) {
                            problems.push(Problem::new(
                                path,
                                Some(first_line + index),
                                format!("the section `{}` appears twice", heading.trim()),
                            ));
                        }
                        sections.push(Section {
                            kind,
                            title: heading.trim().to_string(),
                            markdown: String::new(),
                        });
                    }
                    None => problems.push(
                        Problem::new(
                            path,
                            Some(first_line + index),
                            format!("unknown section heading `{}`", heading.trim()),
                        )
                        .with_hint(known_headings()),
                    ),
                }
                continue;
            }
        }
        match sections.last_mut() {
            Some(section) => {
                section.markdown.push_str(line);
                section.markdown.push('\n');
            }
            None if !line.trim().is_empty() => {
                problems.push(Problem::new(
                    path,
                    Some(first_line + index),
                    "text before the first `## ` section heading",
                ));
            }
            None => {}
        }
    }
    for section in &mut sections {
        section.markdown = section.markdown.trim().to_string();
    }
    sections
}

fn known_headings() -> String {
    let all = [
        SectionKind::Meaning,
        SectionKind::Why,
        SectionKind::QuickFix,
        SectionKind::AdminFix,
        SectionKind::Steps,
        SectionKind::StillBroken,
        SectionKind::Confirm,
        SectionKind::Fix,
    ];
    let names: Vec<String> = all.iter().map(|k| format!("`{}`", k.canonical_heading())).collect();
    format!("use one of {}", names.join(", "))
}

/// Finds the line of `needle` in a file's text, for problems raised after parsing.
pub(crate) fn line_in_file(text: &str, needle: &str) -> Option<usize> {
    line_of(text, 1, needle)
}

/// `\b` as an ASCII word boundary: a Unicode one makes the regex engine leave its fast
/// automaton on any non-ASCII paste.
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(ch);
        }
    }
    out
}
