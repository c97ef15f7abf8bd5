//! Markdown output, for pasting a diagnosis into an issue or a chat.

use std::io::{self, Write};

use errdecode_core::token::TokenReport;
use errdecode_core::{DecodeDocument, SearchHit, Warning};
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, SectionKind, ERROR_SECTIONS};

use super::percent;

pub fn decode(out: &mut impl Write, doc: &DecodeDocument) -> io::Result<()> {
    writeln!(out, "## {}\n", escape(&doc.summary))?;
    for warning in &doc.warnings {
        writeln!(out, "> **Warning:** {}\n", escape(&warning.message))?;
    }
    let facts = &doc.facts;
    writeln!(out, "### Found in the paste\n")?;
    if let Some(status) = facts.http_status {
        writeln!(out, "- HTTP status: `{status}`")?;
    }
    if !facts.error_codes.is_empty() {
        let codes: Vec<String> = facts.error_codes.iter().map(|c| format!("`{c}`")).collect();
        writeln!(out, "- Error codes: {}", codes.join(", "))?;
    }
    if let Some(request) = &facts.request {
        writeln!(
            out,
            "- Request: `{} {}{}`",
            request.method.as_deref().unwrap_or("?"),
            request.api_version.as_ref().map(|v| format!("/{v}")).unwrap_or_default(),
            request.template
        )?;
    }
    for token in &facts.tokens {
        writeln!(
            out,
            "- Token: {:?}, {:?}, aud `{}`, tenant `{}`",
            token.source,
            token.flow,
            token.audience.as_deref().unwrap_or("?"),
            token.tenant_id.as_deref().unwrap_or("?")
        )?;
    }
    writeln!(out)?;
    if !doc.matches.is_empty() {
        writeln!(
            out,
            "### {}\n",
            if doc.recognised { "Known error" } else { "Nearest known errors" }
        )?;
        for m in doc.matches.iter().take(3) {
            writeln!(
                out,
                "- **{}** ({}, `{}`): {}",
                escape(&m.title),
                percent(m.score),
                m.id,
                escape(&m.gist)
            )?;
        }
        writeln!(out)?;
    }
    if !doc.causes.is_empty() {
        writeln!(out, "### Likely causes\n")?;
        if let Some(assessment) = &doc.assessment {
            writeln!(out, "{}\n", escape(&assessment.says))?;
            if let Some(check) = &assessment.next_check {
                writeln!(out, "Check first: {}\n", escape(check))?;
            }
        }
        for (i, cause) in doc.causes.iter().take(6).enumerate() {
            writeln!(
                out,
                "{}. **{}** ({}, `{}`)",
                i + 1,
                escape(&cause.title),
                percent(cause.confidence),
                cause.id
            )?;
            for line in &cause.evidence {
                writeln!(out, "   - {}", escape(line))?;
            }
            if let Some(base_rate) = &cause.base_rate {
                writeln!(out, "   - _{}_", escape(base_rate))?;
            }
        }
        writeln!(out)?;
    }
    if !doc.ruled_out.is_empty() {
        writeln!(out, "### Ruled out\n")?;
        for ruled in &doc.ruled_out {
            writeln!(
                out,
                "- ~~{}~~ (`{}`): {}",
                escape(&ruled.title),
                ruled.id,
                escape(&ruled.because)
            )?;
        }
    }
    Ok(())
}

pub fn tokens(
    out: &mut impl Write,
    reports: &[TokenReport],
    warnings: &[Warning],
) -> io::Result<()> {
    for warning in warnings {
        writeln!(out, "> **Warning:** {}\n", escape(&warning.message))?;
    }
    for (i, token) in reports.iter().enumerate() {
        writeln!(out, "## Token {}\n", i + 1)?;
        for note in &token.notes {
            writeln!(out, "- {}", escape(note))?;
        }
        writeln!(out, "\n| claim | value | meaning |\n|---|---|---|")?;
        for line in token.header.iter().chain(&token.claims) {
            let value = match &line.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let value = match &line.reading {
                Some(reading) => format!("{value} ({reading})"),
                None => value,
            };
            writeln!(
                out,
                "| `{}` | {} | {} |",
                line.claim,
                cell(&value),
                cell(line.meaning.unwrap_or(""))
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn error_page(out: &mut impl Write, kb: &KnowledgeBase, entry: &ErrorEntry) -> io::Result<()> {
    writeln!(out, "# {}\n", escape(&entry.title))?;
    writeln!(out, "> {}\n", escape(&entry.message))?;
    writeln!(out, "{}\n", escape(&entry.gist))?;
    for kind in ERROR_SECTIONS {
        if let Some(section) = entry.section(kind) {
            writeln!(out, "## {}\n\n{}\n", kind.canonical_heading(), section.markdown)?;
        }
    }
    if !entry.causes.is_empty() {
        writeln!(out, "## Causes to check\n")?;
        for candidate in &entry.causes {
            let title = kb.cause(&candidate.id).map_or(candidate.id.as_str(), |c| c.title.as_str());
            writeln!(out, "- {} (`{}`)", escape(title), candidate.id)?;
        }
        writeln!(out)?;
    }
    if !entry.variations.is_empty() {
        writeln!(out, "## Common variations\n")?;
        for variation in &entry.variations {
            writeln!(out, "- `{}`", variation.replace('`', "'"))?;
        }
        writeln!(out)?;
    }
    if !entry.faq.is_empty() {
        writeln!(out, "## FAQ\n")?;
        for faq in &entry.faq {
            writeln!(out, "**{}**\n\n{}\n", escape(&faq.question), escape(&faq.answer))?;
        }
    }
    writeln!(out, "_Last reviewed {}._", entry.last_reviewed)
}

pub fn cause_page(out: &mut impl Write, _kb: &KnowledgeBase, cause: &Cause) -> io::Result<()> {
    writeln!(out, "# {}\n\n{}\n", escape(&cause.title), escape(&cause.summary))?;
    for kind in [SectionKind::Confirm, SectionKind::Fix] {
        if let Some(section) = cause.section(kind) {
            writeln!(out, "## {}\n\n{}\n", kind.canonical_heading(), section.markdown)?;
        }
    }
    Ok(())
}

pub fn search(out: &mut impl Write, query: &str, hits: &[SearchHit]) -> io::Result<()> {
    writeln!(out, "## Search: {}\n", escape(query))?;
    for hit in hits {
        writeln!(out, "- `{}`: {}", hit.id, escape(&hit.title))?;
    }
    Ok(())
}

/// Keeps pasted text from turning into Markdown or HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn cell(text: &str) -> String {
    escape(text).replace('\n', " ")
}
