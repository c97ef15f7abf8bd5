//! Table files (`tables/*.toml`): many short error entries in one file, for code families with
//! hundreds of members such as AADSTS. Each `[[entry]]` becomes a basic-tier [`ErrorEntry`]
//! whose page sections come from its `meaning`, `why` and `fix` fields.

use serde::Deserialize;

use crate::model::*;
use crate::parse::{candidates, RawCandidate, RawFaq, RawTier};
use crate::sections::SectionKind;
use crate::{Problem, SourceFile};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    defaults: Defaults,
    #[serde(default)]
    entry: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    product: String,
    topic: String,
    #[serde(default)]
    sources: Vec<String>,
    last_reviewed: toml::value::Datetime,
    #[serde(default)]
    affected_products: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    id: Option<String>,
    codes: Vec<String>,
    title: String,
    product: Option<String>,
    topic: Option<String>,
    #[serde(default)]
    http_status: Vec<u16>,
    #[serde(default)]
    messages: Vec<String>,
    #[serde(default)]
    when: Vec<String>,
    message: Option<String>,
    gist: String,
    meaning: String,
    why: Option<String>,
    fix: Option<String>,
    #[serde(default)]
    variations: Vec<String>,
    #[serde(default)]
    causes: Vec<RawCandidate>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    related_searches: Vec<String>,
    #[serde(default)]
    faq: Vec<RawFaq>,
    #[serde(default)]
    sources: Vec<String>,
    last_reviewed: Option<toml::value::Datetime>,
    tier: Option<RawTier>,
}

pub fn parse_table(file: &SourceFile, problems: &mut Vec<Problem>) -> Vec<ErrorEntry> {
    let Some(table) = crate::frontmatter::parse_toml_file::<TableFile>(file, problems, "table: ")
    else {
        return Vec::new();
    };
    let row_lines = crate::frontmatter::array_table_lines(&file.text, "[[entry]]");
    let defaults = table.defaults;
    table
        .entry
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let line = row_lines.get(index).copied().unwrap_or(1);
            let id = row.id.unwrap_or_else(|| {
                row.codes.first().map(|code| slug(code)).unwrap_or_else(|| format!("row-{line}"))
            });
            let mut sections = vec![Section {
                kind: SectionKind::Meaning,
                title: SectionKind::Meaning.canonical_heading().to_string(),
                markdown: row.meaning.trim().to_string(),
            }];
            if let Some(why) = row.why {
                sections.push(Section {
                    kind: SectionKind::Why,
                    title: SectionKind::Why.canonical_heading().to_string(),
                    markdown: why.trim().to_string(),
                });
            }
            if let Some(fix) = row.fix {
                sections.push(Section {
                    kind: SectionKind::AdminFix,
                    title: SectionKind::AdminFix.canonical_heading().to_string(),
                    markdown: fix.trim().to_string(),
                });
            }
            let message = row.message.unwrap_or_else(|| row.codes.join(" / "));
            ErrorEntry {
                id,
                title: row.title,
                product: row.product.unwrap_or_else(|| defaults.product.clone()),
                topic: row.topic.unwrap_or_else(|| defaults.topic.clone()),
                codes: row.codes,
                http_status: row.http_status,
                messages: row.messages,
                when: row.when,
                message,
                gist: row.gist,
                variations: row.variations,
                causes: candidates(row.causes),
                related: row.related,
                related_searches: row.related_searches,
                affected_products: defaults.affected_products.clone(),
                faq: row.faq.into_iter().map(|f| Faq { question: f.q, answer: f.a }).collect(),
                sources: if row.sources.is_empty() {
                    defaults.sources.clone()
                } else {
                    row.sources
                },
                last_reviewed: row.last_reviewed.unwrap_or(defaults.last_reviewed).to_string(),
                tier: row.tier.map(Tier::from).unwrap_or(Tier::Basic),
                sections,
                origin: Origin { path: file.path.clone(), line },
            }
        })
        .collect()
}

/// `AADSTS50012` → `aadsts50012`; other text → lower-case words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}
