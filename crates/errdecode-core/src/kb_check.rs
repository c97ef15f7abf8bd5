//! The knowledge-base checks that need the decoder: signal names exist, and every variation
//! of an entry decodes to that entry.

use errdecode_kb::{Problem, SourceFile, Trigger};

use crate::rank::required_prefixes;
use crate::signals::is_known_signal;
use crate::{DecodeOptions, Decoder};

/// Runs the semantic checks. `files` (optional) lets problems point at the exact line.
pub fn check(decoder: &Decoder, files: &[SourceFile]) -> Vec<Problem> {
    let kb = decoder.kb();
    // The permission table is parsed on first use, not when the knowledge base loads.
    let mut problems = kb.endpoint_permissions.problems().to_vec();
    let line_of = |path: &str, start: usize, needle: &str| -> Option<usize> {
        let file = files.iter().find(|f| f.path == path)?;
        file.text
            .lines()
            .enumerate()
            .skip(start.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
    };
    for cause in &kb.causes {
        for rule in cause.support.iter().chain(&cause.refute) {
            if let Trigger::Pattern(pattern) = &rule.trigger {
                let compiled = regex::RegexBuilder::new(&crate::text::ascii_boundaries(pattern))
                    .case_insensitive(true)
                    .build();
                if let Err(error) = compiled {
                    let reason =
                        error.to_string().lines().last().unwrap_or("invalid").trim().to_string();
                    problems.push(Problem::new(
                        &cause.origin.path,
                        Some(rule.line),
                        format!("the pattern does not compile: {reason}"),
                    ));
                } else if required_prefixes(&crate::text::ascii_boundaries(pattern)).is_none() {
                    problems.push(
                        Problem::new(
                            &cause.origin.path,
                            Some(rule.line),
                            "the pattern does not start with a literal of 3 or more characters (or 2 punctuation marks), so it would be run over every paste in full",
                        )
                        .with_hint("begin each alternative with a word; `[(\\[] ?Delegated` is fine, `\\w+ \\(Delegated` is not"),
                    );
                }
            }
            if let Trigger::Signal(name) = &rule.trigger {
                if !is_known_signal(name) {
                    problems.push(
                        Problem::new(
                            &cause.origin.path,
                            Some(rule.line),
                            format!("unknown signal `{name}`"),
                        )
                        .with_hint("see the signal catalogue in kb/README.md"),
                    );
                }
            }
        }
    }
    for mention in &kb.endpoint_mentions {
        if crate::rank::required_prefixes(&crate::text::ascii_boundaries(&mention.pattern))
            .is_none()
        {
            problems.push(
                Problem::new(
                    &mention.origin.path,
                    Some(mention.origin.line),
                    "the pattern does not start with a literal of 3 or more characters",
                )
                .with_hint("begin each alternative with a word"),
            );
        }
    }
    for rule in &kb.endpoint_requirements {
        if !rule.signal.starts_with("endpoint.") || !is_known_signal(&rule.signal) {
            problems.push(
                Problem::new(
                    &rule.origin.path,
                    Some(rule.origin.line),
                    format!("unknown endpoint signal `{}`", rule.signal),
                )
                .with_hint("a requirement raises one of the `endpoint.*` signals of kb/README.md"),
            );
        }
    }
    for entry in &kb.errors {
        for name in &entry.when {
            if !is_known_signal(name) {
                problems.push(Problem::new(
                    &entry.origin.path,
                    line_of(&entry.origin.path, entry.origin.line, name),
                    format!("unknown signal `{name}` in `when`"),
                ));
            }
        }
        for variation in &entry.variations {
            let document = decoder.decode(variation.as_bytes(), &DecodeOptions::default());
            let top = document.matches.first();
            if top.is_none_or(|m| m.id != entry.id) {
                let got = top.map_or_else(
                    || "nothing".to_string(),
                    |m| format!("`{}` ({:.2})", m.id, m.score),
                );
                let needle: String = variation.chars().take(30).collect();
                problems.push(
                    Problem::new(&entry.origin.path, line_of(&entry.origin.path, entry.origin.line, &needle), format!("the variation \"{}\" decodes to {got}, not to this entry", shorten(variation)))
                        .with_hint("make the variation carry this entry's code or message, or adjust the templates"),
                );
            } else if top.is_some_and(|m| m.score < 0.5) {
                problems.push(Problem::new(
                    &entry.origin.path,
                    line_of(
                        &entry.origin.path,
                        entry.origin.line,
                        &variation.chars().take(30).collect::<String>(),
                    ),
                    format!(
                        "the variation \"{}\" matches this entry only weakly",
                        shorten(variation)
                    ),
                ));
            }
        }
    }
    problems
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 70 {
        format!("{}…", text.chars().take(70).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cause_with_pattern(pattern: &str) -> Vec<Problem> {
        let file = |path: &str, text: String| SourceFile { path: path.to_string(), text };
        let files = vec![
            file("products/p.md", "+++\nid = \"p\"\nname = \"P\"\nsummary = \"s\"\ntopics = [\"T\"]\n[detect]\nwords = [\"p\"]\n+++\nHub.\n".into()),
            file("causes/c.md", format!("+++\nid = \"c\"\ntitle = \"T\"\nsummary = \"S\"\nlast_reviewed = 2026-11-20\n\n[[support]]\npattern = '{pattern}'\nweight = 0.5\nsays = \"Evidence.\"\n+++\n## How to confirm it\nCheck.\n## How to fix it\nFix.\n")),
        ];
        let (kb, problems) = errdecode_kb::parse(&files);
        assert!(problems.is_empty(), "{problems:?}");
        check(&Decoder::new(kb), &files)
    }

    #[test]
    fn patterns_must_start_with_a_literal() {
        for pattern in [r"\w+\.Read \(Delegated\)", r"(?:a|b)c", r"[A-Z]{3} failed"] {
            let problems = cause_with_pattern(pattern);
            assert!(
                problems.iter().any(|p| p.message.contains("does not start with a literal")
                    && p.path == "causes/c.md"
                    && p.line == Some(7)),
                "{pattern}: {problems:?}"
            );
        }
        for pattern in [r"[(\[] ?Delegated ?[)\]]", r"tenant (?:id|name) missing", r"/\$\{?[a-z]+"]
        {
            assert!(cause_with_pattern(pattern).is_empty(), "{pattern}");
        }
    }
}
