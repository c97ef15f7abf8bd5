//! The terminal report. Colours go through anstream, which drops them when stdout is not a
//! terminal or `NO_COLOR` is set.

use std::io::{self, Write};

use errdecode_core::extract::RequestTarget;
use errdecode_core::token::{TokenReport, TokenVerdict};
use errdecode_core::{DecodeDocument, SearchHit};
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase, SectionKind, ERROR_SECTIONS};
use owo_colors::OwoColorize;

use super::{count, percent, public_sources, KbCheck, Renderer, Stats};

pub struct Text;

impl Renderer for Text {
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
        list(out, entries, total)
    }
    fn stats(&self, out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
        stats_table(out, stats)
    }
    fn kb_check(
        &self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        r: &KbCheck<'_>,
    ) -> io::Result<()> {
        if r.ok {
            writeln!(
                out,
                "knowledge base ok: {} errors, {} causes, {} products, {} endpoints",
                r.stats.errors, r.stats.causes, r.stats.products, r.stats.endpoints
            )
        } else {
            write!(err, "{}", errdecode_kb::Problems(r.problems.to_vec()))
        }
    }
}

pub fn decode(out: &mut dyn Write, doc: &DecodeDocument) -> io::Result<()> {
    let headline = if doc.recognised {
        doc.summary.bold().to_string()
    } else {
        doc.summary.yellow().to_string()
    };
    writeln!(out, "{headline}")?;
    for warning in &doc.warnings {
        writeln!(out, "{} {}", "warning:".red().bold(), warning.message)?;
    }
    writeln!(out)?;

    writeln!(out, "{}", "Found in the paste".bold().underline())?;
    let facts = &doc.facts;
    let mut found = false;
    let mut row = |out: &mut dyn Write, label: &str, value: String| -> io::Result<()> {
        found = true;
        writeln!(out, "  {:<13} {}", label.dimmed(), value)
    };
    if let Some(status) = facts.http_status {
        row(out, "HTTP status", status.to_string())?;
    }
    if !facts.error_codes.is_empty() {
        const SHOWN: usize = 6;
        let mut codes =
            facts.error_codes.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
        if facts.error_codes.len() > SHOWN {
            codes.push_str(&format!(" and {} more", facts.error_codes.len() - SHOWN));
        }
        row(out, "Error codes", codes)?;
    }
    if let Some(request) = &facts.request {
        let mut line = request.method.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
        if let Some(version) = &request.api_version {
            line.push_str(&format!("/{version}"));
        }
        line.push_str(&request.template);
        if let (Some(service), Some(cloud)) = (request.service, request.cloud) {
            line.push_str(&format!("  ({}, {})", service.name(), cloud.name()));
        }
        if request.named_in_words {
            line.push_str("  (named in words)");
        } else if request.inferred {
            line.push_str("  (read from the SDK call or cmdlet)");
        }
        row(out, "Request", line)?;
        if let Some(permissions) = &request.permissions {
            row(out, "Needs", errdecode_core::permissions::needs_line(permissions))?;
        }
        if let Some(RequestTarget::User(user)) = &request.target {
            row(out, "User", user.clone())?;
        }
    }
    for token in &facts.tokens {
        row(out, "Token", token_line(token))?;
    }
    for authority in &facts.authorities {
        row(
            out,
            "Authority",
            format!(
                "{} tenant {}",
                authority.host,
                serde_json::to_value(&authority.tenant)
                    .ok()
                    .and_then(|v| v.get("value").and_then(|v| v.as_str().map(String::from)))
                    .unwrap_or_else(|| format!("{:?}", authority.tenant).to_lowercase())
            ),
        )?;
    }
    if let Some(time) = facts.timestamps.iter().find(|t| t.is_error_time) {
        row(out, "Time", time.iso.clone())?;
    }
    for id in facts.ids.iter().take(3) {
        row(out, &id.kind, id.value.clone())?;
    }
    if !found {
        writeln!(out, "  {}", "no status, code, request or token found".dimmed())?;
    }
    writeln!(out)?;

    if !doc.matches.is_empty() {
        let heading = if doc.recognised {
            "Known error"
        } else {
            "Nearest known errors (not a confident match)"
        };
        writeln!(out, "{}", heading.bold().underline())?;
        for (i, m) in doc.matches.iter().take(if doc.recognised { 3 } else { 5 }).enumerate() {
            let score = percent(m.score);
            let line = format!("{}  {}", m.title, format!("[{score}, {}]", m.on).dimmed());
            if i == 0 && doc.recognised {
                writeln!(out, "  {} {}", "→".green().bold(), line.bold())?;
                writeln!(out, "    {}", m.gist)?;
                writeln!(out, "    {}", format!("errdecode show {}", m.id).cyan())?;
            } else {
                writeln!(out, "    {line}  {}", format!("({})", m.id).dimmed())?;
            }
        }
        writeln!(out)?;
    }

    if !doc.causes.is_empty() {
        writeln!(out, "{}", "Likely causes, for this paste".bold().underline())?;
        if let Some(assessment) = &doc.assessment {
            if assessment.fairly_sure {
                writeln!(out, "  {}", assessment.says.green())?;
            } else {
                writeln!(out, "  {}", assessment.says.yellow())?;
                if let Some(check) = &assessment.next_check {
                    writeln!(out, "  {} {check}", "check first:".cyan())?;
                }
            }
        }
        for (i, cause) in doc.causes.iter().take(6).enumerate() {
            let confidence = percent(cause.confidence);
            let badge = if cause.confidence >= errdecode_core::FAIRLY_SURE {
                confidence.green().bold().to_string()
            } else {
                confidence.yellow().to_string()
            };
            writeln!(
                out,
                "  {}. {} {}  {}",
                i + 1,
                badge,
                cause.title.bold(),
                format!("({})", cause.id).dimmed()
            )?;
            for line in &cause.evidence {
                writeln!(out, "       • {line}")?;
            }
            if let Some(base_rate) = &cause.base_rate {
                writeln!(out, "       {}", base_rate.dimmed())?;
            }
            if i < 3 {
                if let Some(confirm) = cause
                    .how_to_confirm
                    .as_deref()
                    .and_then(|text| super::plain::first_paragraph(text, 300))
                {
                    writeln!(out, "       {} {}", "check:".cyan(), confirm)?;
                }
            }
        }
        writeln!(out)?;
    }

    if !doc.ruled_out.is_empty() {
        writeln!(out, "{}", "Ruled out by the paste".bold().underline())?;
        for ruled in &doc.ruled_out {
            writeln!(
                out,
                "  {} {}  {}",
                "✗".red(),
                ruled.title,
                format!("({})", ruled.id).dimmed()
            )?;
            writeln!(out, "       {}", ruled.because)?;
        }
        writeln!(out)?;
    }

    if !doc.notes.is_empty() {
        for note in &doc.notes {
            writeln!(out, "{} {note}", "note:".dimmed())?;
        }
    }
    if let Some(top) = doc.matches.first().filter(|_| doc.recognised) {
        writeln!(
            out,
            "{}",
            format!("Full page: errdecode show {}   Causes: errdecode show <cause-id>", top.id)
                .dimmed()
        )?;
    }
    Ok(())
}

pub(super) fn token_line(token: &TokenReport) -> String {
    let mut parts =
        vec![format!("{:?}", token.source).to_lowercase().replace("pastedclaims", "pasted claims")];
    parts.push(format!("{:?}", token.flow).to_lowercase().replace("apponly", "app-only"));
    if let Some(version) = &token.version {
        parts.push(format!("v{version}"));
    }
    if let Some(aud) = &token.audience {
        parts.push(format!("aud {aud}"));
    }
    if let Some(tid) = &token.tenant_id {
        parts.push(format!("tenant {tid}"));
    }
    if !token.roles.is_empty() {
        parts.push(count(token.roles.len(), "role", "roles"));
    }
    if !token.scopes.is_empty() {
        parts.push(format!("scp {}", token.scopes.join(" ")));
    }
    if let Some(exp) = &token.expires_at {
        parts.push(format!("exp {exp}"));
    }
    parts.join(", ")
}

pub fn tokens(out: &mut dyn Write, verdict: &TokenVerdict) -> io::Result<()> {
    for warning in &verdict.warnings {
        writeln!(out, "{} {}", "warning:".red().bold(), warning.message)?;
    }
    for (i, check) in verdict.tokens.iter().enumerate() {
        let token = &check.token;
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", format!("Token {}: {}", i + 1, token_line(token)).bold())?;
        if !check.readable {
            writeln!(
                out,
                "  {} opaque: its contents cannot be read or checked",
                "?".yellow().bold()
            )?;
        } else if check.valid {
            writeln!(out, "  {} no problem found in what the token says", "✓".green().bold())?;
        } else {
            let problems = count(check.problems.len(), "problem", "problems");
            writeln!(out, "  {} {problems}:", "✗".red().bold())?;
            for problem in &check.problems {
                writeln!(out, "    {} {}", format!("[{}]", problem.code).red(), problem.message)?;
            }
        }
        for note in &token.notes {
            writeln!(out, "  • {note}")?;
        }
        for note in &check.checked {
            writeln!(out, "  {} {note}", "checked:".dimmed())?;
        }
        if !token.header.is_empty() {
            writeln!(out, "  {}", "Header".underline())?;
            for line in &token.header {
                claim_line(out, line)?;
            }
        }
        if !token.claims.is_empty() {
            writeln!(out, "  {}", "Claims".underline())?;
            for line in &token.claims {
                claim_line(out, line)?;
            }
        }
        let signature = match &token.signature {
            errdecode_core::token::SignatureState::Present { length } => {
                format!("present ({length} characters, not shown, not checked)")
            }
            errdecode_core::token::SignatureState::Missing => "missing".to_string(),
            errdecode_core::token::SignatureState::NotApplicable => "not applicable".to_string(),
        };
        writeln!(out, "  {} {signature}", "Signature".underline())?;
    }
    Ok(())
}

fn claim_line(out: &mut dyn Write, line: &errdecode_core::token::ClaimLine) -> io::Result<()> {
    let value = match &line.value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let value = if value.chars().count() > 100 {
        format!("{}…", value.chars().take(100).collect::<String>())
    } else {
        value
    };
    write!(out, "    {:<18} {}", line.claim.cyan(), value)?;
    if let Some(reading) = &line.reading {
        write!(out, "  {}", format!("→ {reading}").green())?;
    }
    writeln!(out)?;
    if let Some(meaning) = line.meaning {
        writeln!(out, "    {:<18} {}", "", meaning.dimmed())?;
    }
    Ok(())
}

pub fn error_page(out: &mut dyn Write, kb: &KnowledgeBase, entry: &ErrorEntry) -> io::Result<()> {
    writeln!(out, "{}", entry.title.bold())?;
    let product = kb.product(&entry.product).map_or(entry.product.as_str(), |p| p.name.as_str());
    writeln!(
        out,
        "{}",
        format!("{product} · {} · last reviewed {}", entry.topic, entry.last_reviewed).dimmed()
    )?;
    writeln!(out)?;
    writeln!(out, "  {}", entry.message.italic())?;
    writeln!(out)?;
    writeln!(out, "{}", entry.gist)?;
    for kind in ERROR_SECTIONS {
        if let Some(section) = entry.section(kind) {
            writeln!(out, "\n{}", kind.canonical_heading().bold().underline())?;
            writeln!(out, "{}", section.markdown)?;
        }
    }
    if !entry.causes.is_empty() {
        writeln!(out, "\n{}", "Causes to check".bold().underline())?;
        for candidate in &entry.causes {
            let title = kb.cause(&candidate.id).map_or(candidate.id.as_str(), |c| c.title.as_str());
            writeln!(
                out,
                "  • {title}  {}",
                format!("(errdecode show {})", candidate.id).dimmed()
            )?;
        }
    }
    if !entry.variations.is_empty() {
        writeln!(out, "\n{}", "Common variations".bold().underline())?;
        for variation in &entry.variations {
            writeln!(out, "  • {variation}")?;
        }
    }
    if !entry.affected_products.is_empty() {
        writeln!(out, "\n{} {}", "Affected products:".bold(), entry.affected_products.join(", "))?;
    }
    if !entry.related.is_empty() {
        writeln!(out, "\n{}", "Related errors".bold().underline())?;
        for id in &entry.related {
            let title = kb.error(id).map_or(id.as_str(), |e| e.title.as_str());
            writeln!(out, "  • {title}  {}", format!("({id})").dimmed())?;
        }
    }
    if !entry.faq.is_empty() {
        writeln!(out, "\n{}", "FAQ".bold().underline())?;
        for faq in &entry.faq {
            writeln!(out, "  {}\n  {}\n", faq.question.bold(), faq.answer)?;
        }
    }
    if !entry.related_searches.is_empty() {
        writeln!(out, "{} {}", "Related searches:".bold(), entry.related_searches.join(" · "))?;
    }
    let sources = public_sources(&entry.sources);
    if !sources.is_empty() {
        writeln!(out, "{} {}", "Sources:".dimmed(), sources.join(", ").dimmed())?;
    }
    writeln!(
        out,
        "{}",
        format!("Browse more errors in {product}: errdecode list --product {}", entry.product)
            .dimmed()
    )?;
    Ok(())
}

pub fn cause_page(out: &mut dyn Write, kb: &KnowledgeBase, cause: &Cause) -> io::Result<()> {
    writeln!(out, "{}", cause.title.bold())?;
    writeln!(
        out,
        "{}\n",
        format!("cause {} · last reviewed {}", cause.id, cause.last_reviewed).dimmed()
    )?;
    writeln!(out, "{}", cause.summary)?;
    for kind in [SectionKind::Confirm, SectionKind::Fix] {
        if let Some(section) = cause.section(kind) {
            writeln!(out, "\n{}", kind.canonical_heading().bold().underline())?;
            writeln!(out, "{}", section.markdown)?;
        }
    }
    let listed: Vec<&ErrorEntry> =
        kb.errors.iter().filter(|e| e.causes.iter().any(|c| c.id == cause.id)).collect();
    if !listed.is_empty() {
        writeln!(out, "\n{}", "Errors it causes".bold().underline())?;
        for entry in listed.iter().take(15) {
            writeln!(out, "  • {}  {}", entry.title, format!("({})", entry.id).dimmed())?;
        }
        if listed.len() > 15 {
            writeln!(out, "  … and {} more", listed.len() - 15)?;
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
    if hits.is_empty() {
        writeln!(out, "nothing found for \"{query}\"; try a code (AADSTS50076), a word of the message, or paste the whole error into `errdecode decode`")?;
        return Ok(());
    }
    for hit in hits {
        writeln!(out, "{:<44} {}", hit.id.cyan(), hit.title)?;
    }
    let shown = if hits.len() < total {
        format!("{total} results, showing {} (--limit)", hits.len())
    } else {
        count(total, "result", "results")
    };
    writeln!(out, "{}", shown.dimmed())
}

pub fn list(out: &mut dyn Write, entries: &[&ErrorEntry], total: usize) -> io::Result<()> {
    for entry in entries {
        writeln!(out, "{:<46} {:<17} {}", entry.id.cyan(), entry.product.dimmed(), entry.title)?;
    }
    let counted = if entries.len() < total {
        format!("{} of {total} errors (--limit)", entries.len())
    } else {
        count(total, "error", "errors")
    };
    writeln!(out, "{}", counted.dimmed())
}

pub fn stats_table(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "errors           {} ({} rich pages)", stats.errors, stats.rich_pages)?;
    for (product, count) in &stats.errors_by_product {
        writeln!(out, "  {product:<15} {count}")?;
    }
    writeln!(out, "codes            {} ({} AADSTS)", stats.codes, stats.aadsts_codes)?;
    writeln!(out, "status pages     {}", stats.http_status_pages)?;
    writeln!(out, "variations       {}", stats.variations)?;
    writeln!(out, "causes           {}", stats.causes)?;
    writeln!(out, "products         {}", stats.products)?;
    writeln!(
        out,
        "endpoints        {} (method and path) on {} Graph paths",
        stats.endpoints, stats.endpoint_paths
    )
}
