//! Markdown output, for pasting a diagnosis into an issue or a chat.

use std::io::{self, Write};

use errdecode_core::extract::RequestTarget;
use errdecode_core::token::TokenVerdict;
use errdecode_core::{DecodeDocument, SearchHit};
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, SectionKind, ERROR_SECTIONS};

use super::{count, percent, public_sources, KbCheck, Renderer, Stats};

pub struct Markdown;

impl Renderer for Markdown {
    fn decode(&self, out: &mut dyn Write, doc: &DecodeDocument) -> io::Result<()> {
        decode(out, doc)
    }
    fn tokens(&self, out: &mut dyn Write, verdict: &TokenVerdict) -> io::Result<()> {
        tokens(out, verdict)
    }
    fn error_page(
        &self,
        out: &mut dyn Write,
        kb: &KnowledgeBase,
        e: &ErrorEntry,
    ) -> io::Result<()> {
        error_page(out, kb, e)
    }
    fn cause_page(&self, out: &mut dyn Write, kb: &KnowledgeBase, c: &Cause) -> io::Result<()> {
        cause_page(out, kb, c)
    }
    fn search(
        &self,
        out: &mut dyn Write,
        query: &str,
        hits: &[SearchHit],
        total: usize,
    ) -> io::Result<()> {
        search(out, query, hits, total)
    }
    fn list(&self, out: &mut dyn Write, entries: &[&ErrorEntry], total: usize) -> io::Result<()> {
        writeln!(out, "| id | product | title |\n|---|---|---|")?;
        for entry in entries {
            writeln!(out, "| `{}` | {} | {} |", entry.id, entry.product, cell(&entry.title))?;
        }
        let shown = if entries.len() < total {
            format!("{} of {total} errors", entries.len())
        } else {
            count(total, "error", "errors")
        };
        writeln!(out, "\n_{shown}_")
    }
    fn stats(&self, out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
        super::text::stats_table(out, stats)
    }
    fn kb_check(
        &self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        r: &KbCheck<'_>,
    ) -> io::Result<()> {
        super::text::Text.kb_check(out, err, r)
    }
}

pub fn decode(out: &mut dyn Write, doc: &DecodeDocument) -> io::Result<()> {
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
        let mut line = request.method.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
        if let Some(version) = &request.api_version {
            line.push_str(&format!("/{version}"));
        }
        line.push_str(&request.template);
        let mut row = format!("- Request: `{}`", line.replace('`', "'"));
        if let (Some(service), Some(cloud)) = (request.service, request.cloud) {
            row.push_str(&format!(" ({}, {})", service.name(), cloud.name()));
        }
        if request.inferred {
            row.push_str(" (read from the SDK call)");
        }
        writeln!(out, "{row}")?;
        if let Some(permissions) = &request.permissions {
            let shown = |list: &[String]| {
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.iter().take(4).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                }
            };
            writeln!(
                out,
                "- Needs: delegated: {}; application: {}",
                shown(&permissions.delegated),
                shown(&permissions.application)
            )?;
        }
        if let Some(RequestTarget::User(user)) = &request.target {
            writeln!(out, "- User: `{user}`")?;
        }
    }
    for token in &facts.tokens {
        writeln!(out, "- Token: {}", escape(&super::text::token_line(token)))?;
    }
    if let Some(time) = facts.timestamps.iter().find(|t| t.is_error_time) {
        writeln!(out, "- Time: `{}`", time.iso)?;
    }
    for id in facts.ids.iter().take(3) {
        writeln!(out, "- {}: `{}`", escape(&id.kind), id.value)?;
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

pub fn tokens(out: &mut dyn Write, verdict: &TokenVerdict) -> io::Result<()> {
    for warning in &verdict.warnings {
        writeln!(out, "> **Warning:** {}\n", escape(&warning.message))?;
    }
    for (i, check) in verdict.tokens.iter().enumerate() {
        let token = &check.token;
        writeln!(out, "## Token {}\n", i + 1)?;
        if !check.readable {
            writeln!(out, "**Opaque:** its contents cannot be read or checked.\n")?;
        } else if check.valid {
            writeln!(out, "**No problem found** in what the token says.\n")?;
        } else {
            writeln!(out, "**{}:**\n", count(check.problems.len(), "Problem", "Problems"))?;
            for problem in &check.problems {
                writeln!(out, "- `{}`: {}", problem.code, escape(&problem.message))?;
            }
            writeln!(out)?;
        }
        for note in token.notes.iter().chain(&check.checked) {
            writeln!(out, "- {}", escape(note))?;
        }
        if token.header.is_empty() && token.claims.is_empty() {
            writeln!(out)?;
            continue;
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

pub fn error_page(out: &mut dyn Write, kb: &KnowledgeBase, entry: &ErrorEntry) -> io::Result<()> {
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
    let sources = public_sources(&entry.sources);
    if !sources.is_empty() {
        writeln!(out, "Sources: {}\n", sources.join(", "))?;
    }
    writeln!(out, "_Last reviewed {}._", entry.last_reviewed)
}

pub fn cause_page(out: &mut dyn Write, _kb: &KnowledgeBase, cause: &Cause) -> io::Result<()> {
    writeln!(out, "# {}\n\n{}\n", escape(&cause.title), escape(&cause.summary))?;
    for kind in [SectionKind::Confirm, SectionKind::Fix] {
        if let Some(section) = cause.section(kind) {
            writeln!(out, "## {}\n\n{}\n", kind.canonical_heading(), section.markdown)?;
        }
    }
    Ok(())
}

pub fn search(
    out: &mut dyn Write,
    query: &str,
    hits: &[SearchHit],
    total: usize,
) -> io::Result<()> {
    writeln!(out, "## Search: {}\n", escape(query))?;
    for hit in hits {
        writeln!(out, "- `{}`: {}", hit.id, escape(&hit.title))?;
    }
    writeln!(out, "\n_{}_", shown(hits.len(), total))
}

/// "348 results, showing 50", or "3 results" when all are shown.
fn shown(shown: usize, total: usize) -> String {
    if shown < total {
        format!("{total} results, showing {shown}")
    } else {
        count(total, "result", "results")
    }
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
