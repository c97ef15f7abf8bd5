//! Suggested prior changes as a unified diff of the knowledge base's files, for a person to
//! review and apply (`git apply`). Nothing here changes a file; decoding never reads verdicts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use errdecode_kb::{KnowledgeBase, SourceFile};

use crate::report::Report;

/// What is needed before a prior is worth changing.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Verdicts that named the answer for the entry.
    pub min_answers: u64,
    /// The smallest change worth a review.
    pub min_change: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds { min_answers: 10, min_change: 0.05 }
    }
}

/// One suggested change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub entry: String,
    pub cause: String,
    pub from: f64,
    pub to: f64,
}

/// The changes the report suggests, in entry and cause order.
pub fn changes(report: &Report, thresholds: Thresholds) -> Vec<Change> {
    let mut out: Vec<Change> = report
        .errors
        .iter()
        .filter_map(|e| e.entry.as_ref().map(|id| (id, e)))
        .flat_map(|(entry, e)| {
            let answers = e.causes.iter().map(|c| c.confirmed).sum::<u64>() + e.none_of_these;
            e.causes.iter().filter_map(move |c| {
                let prior = c.prior?;
                if answers < thresholds.min_answers {
                    return None;
                }
                let to = ((c.confirmed as f64 + crate::report::PRIOR_WEIGHT * prior)
                    / (answers as f64 + crate::report::PRIOR_WEIGHT)
                    * 100.0)
                    .round()
                    / 100.0;
                let to = to.clamp(0.01, 0.99);
                ((to - prior).abs() >= thresholds.min_change - 1e-9).then(|| Change {
                    entry: entry.clone(),
                    cause: c.cause.clone(),
                    from: prior,
                    to,
                })
            })
        })
        .collect();
    out.sort_by(|a, b| a.entry.cmp(&b.entry).then_with(|| a.cause.cmp(&b.cause)));
    out
}

/// A prior as the knowledge base writes it: `0.35`, `0.5`.
fn format_prior(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// Rewrites the `prior = ...` of `cause` in the entry that starts at `start` (0-based line);
/// false when the entry does not write that cause's prior on one line.
fn rewrite(lines: &mut [String], start: usize, cause: &str, to: f64) -> bool {
    let needle = format!("\"{cause}\"");
    for (i, line) in lines.iter_mut().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if i > start && (trimmed.starts_with("[[entry]]") || trimmed == "---") {
            return false;
        }
        if line.contains(&needle) {
            if let Some(at) = line.find("prior") {
                let rest = &line[at..];
                let Some(eq) = rest.find('=') else { continue };
                let value_start = at + eq + 1;
                let after = &line[value_start..];
                let lead = after.len() - after.trim_start().len();
                let number_len = after
                    .trim_start()
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(after.trim_start().len());
                let from = value_start + lead;
                line.replace_range(from..from + number_len, &format_prior(to));
                return true;
            }
        }
    }
    false
}

/// The diff for `changes` against `files` (the knowledge base's sources, paths relative to
/// its folder); `prefix` is the folder as the diff should name it (`kb`). Changes whose line
/// cannot be found are listed after the diff as comments.
pub fn diff(kb: &KnowledgeBase, files: &[SourceFile], prefix: &str, changes: &[Change]) -> String {
    let mut by_file: BTreeMap<&str, Vec<(&Change, usize)>> = BTreeMap::new();
    let mut missing = Vec::new();
    for change in changes {
        match kb.error(&change.entry) {
            Some(entry) => by_file
                .entry(entry.origin.path.as_str())
                .or_default()
                .push((change, entry.origin.line.saturating_sub(1))),
            None => missing.push(change),
        }
    }
    let mut out = String::new();
    for (path, file_changes) in by_file {
        let Some(file) = files.iter().find(|f| f.path == path) else {
            missing.extend(file_changes.iter().map(|(c, _)| *c));
            continue;
        };
        let old: Vec<String> = file.text.lines().map(str::to_string).collect();
        let mut new = old.clone();
        for (change, start) in &file_changes {
            if !rewrite(&mut new, *start, &change.cause, change.to) {
                missing.push(change);
            }
        }
        let name = if prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", prefix.trim_end_matches('/'))
        };
        out.push_str(&unified(&name, &old, &new));
    }
    for change in missing {
        let _ = writeln!(
            out,
            "# not found in the sources: {} / {} prior {} -> {}",
            change.entry, change.cause, change.from, change.to
        );
    }
    out
}

/// A unified diff of two versions of a file that differ only in replaced lines (same count),
/// with three lines of context.
fn unified(name: &str, old: &[String], new: &[String]) -> String {
    const CONTEXT: usize = 3;
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let mut i = 0;
    while i < changed.len() {
        // A hunk takes every change within 2 * CONTEXT lines of the previous one.
        let mut j = i;
        while j + 1 < changed.len() && changed[j + 1] - changed[j] <= 2 * CONTEXT {
            j += 1;
        }
        let start = changed[i].saturating_sub(CONTEXT);
        let end = (changed[j] + CONTEXT + 1).min(old.len());
        let len = end - start;
        let _ = writeln!(out, "@@ -{},{len} +{},{len} @@", start + 1, start + 1);
        for k in start..end {
            if old[k] == new[k] {
                let _ = writeln!(out, " {}", old[k]);
            } else {
                let _ = writeln!(out, "-{}", old[k]);
                let _ = writeln!(out, "+{}", new[k]);
            }
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_are_written_as_the_kb_writes_them() {
        assert_eq!(format_prior(0.5), "0.5");
        assert_eq!(format_prior(0.35), "0.35");
        assert_eq!(format_prior(0.1), "0.1");
    }

    #[test]
    fn a_hunk_shows_the_changed_line_in_context() {
        let old: Vec<String> = (1..=10).map(|i| format!("line {i}")).collect();
        let mut new = old.clone();
        new[4] = "changed".into();
        let diff = unified("kb/x.md", &old, &new);
        assert_eq!(
            diff,
            "--- a/kb/x.md\n+++ b/kb/x.md\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed\n line 6\n line 7\n line 8\n"
        );
    }
}
