//! The feedback report (`errdecode feedback report`) in its three formats: text for people,
//! JSON (the report's own serde shape) for scripts, CSV for spreadsheets. CSV makes sense for
//! this table only, so it lives here rather than as a format of every [`super::Renderer`].

use std::io::{self, Write};

use errdecode_feedback::report::Report;
use owo_colors::OwoColorize;

use crate::cli::ReportFormat;

/// The one place a report format becomes a writer.
pub fn report(format: ReportFormat, out: &mut dyn Write, report: &Report) -> io::Result<()> {
    match format {
        ReportFormat::Text => text(out, report),
        ReportFormat::Json => super::json::write(out, report),
        ReportFormat::Csv => csv(out, report),
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |x| format!("{x}"))
}

/// One block per error, then the causes whose confirmations disagree most with their priors.
pub fn text(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "{} {} verdicts (knowledge base {})",
        "Feedback:".bold(),
        report.verdicts,
        report.kb_version
    )?;
    for error in &report.errors {
        let name = error.entry.as_deref().unwrap_or("(no known error matched)");
        writeln!(
            out,
            "\n{}: {} verdicts, {} \"none of these\"",
            name.cyan(),
            error.verdicts,
            error.none_of_these
        )?;
        if let Some(title) = &error.title {
            writeln!(out, "  {}", title.dimmed())?;
        }
        for c in &error.causes {
            writeln!(
                out,
                "  {:<48} confirmed {:>4}  rejected {:>4}  prior {:>5}  share {:>5}",
                c.cause,
                c.confirmed,
                c.rejected,
                opt(c.prior),
                opt(c.share)
            )?;
        }
    }
    writeln!(out, "\n{}", "Causes whose confirmations disagree most with their priors:".bold())?;
    if report.disagreements.is_empty() {
        writeln!(out, "  none yet")?;
    }
    for d in &report.disagreements {
        writeln!(
            out,
            "  {} / {}: prior {} but confirmed in {} of {} answers ({}); suggested prior {} (z {})",
            d.entry, d.cause, d.prior, d.confirmed, d.answers, d.share, d.suggested_prior, d.z
        )?;
    }
    Ok(())
}

/// RFC 4180: one line per entry (its totals, no cause) and one per entry and cause.
pub fn csv(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "entry,cause,verdicts,confirmed,rejected,none_of_these,prior,share")?;
    for error in &report.errors {
        let entry = csv_field(error.entry.as_deref().unwrap_or(""));
        writeln!(out, "{entry},,{},,,{},,", error.verdicts, error.none_of_these)?;
        for c in &error.causes {
            writeln!(
                out,
                "{entry},{},,{},{},,{},{}",
                csv_field(&c.cause),
                c.confirmed,
                c.rejected,
                opt(c.prior),
                opt(c.share)
            )?;
        }
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use errdecode_feedback::report::{CauseCounts, ErrorReport};

    fn sample() -> Report {
        Report {
            kb_version: "v".into(),
            verdicts: 3,
            errors: vec![ErrorReport {
                entry: Some("some,entry".into()),
                title: None,
                verdicts: 3,
                none_of_these: 1,
                causes: vec![CauseCounts {
                    cause: "token-expired".into(),
                    confirmed: 2,
                    rejected: 0,
                    prior: Some(0.5),
                    share: Some(0.667),
                }],
            }],
            disagreements: vec![],
        }
    }

    #[test]
    fn csv_quotes_fields_and_leaves_blanks_empty() {
        let mut out = Vec::new();
        csv(&mut out, &sample()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "entry,cause,verdicts,confirmed,rejected,none_of_these,prior,share\n\
             \"some,entry\",,3,,,1,,\n\
             \"some,entry\",token-expired,,2,0,,0.5,0.667\n"
        );
    }
}
