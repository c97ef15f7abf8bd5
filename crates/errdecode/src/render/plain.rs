//! Knowledge-base Markdown read as plain text, for one-line summaries in the terminal.

/// The first paragraph of `markdown` as plain text (no `**`, backticks or link syntax), cut at
/// a sentence end when it runs past `max` characters, or at a word with "…" when no sentence
/// ends in time.
pub fn first_paragraph(markdown: &str, max: usize) -> Option<String> {
    let mut lines = markdown.lines().map(str::trim).skip_while(|l| l.is_empty()).peekable();
    // A list gives its first item only.
    let is_item = |line: &str| list_marker(line).is_some();
    let first_is_item = lines.peek().is_some_and(|l| is_item(l));
    let mut paragraph: Vec<&str> = Vec::new();
    for line in lines {
        if line.is_empty()
            || line.starts_with("```")
            || (first_is_item && !paragraph.is_empty() && is_item(line))
        {
            break;
        }
        paragraph
            .push(list_marker(line).unwrap_or(line).trim_start_matches(['>', '#']).trim_start());
    }
    let text = plain(&paragraph.join(" "));
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= max {
        return Some(text);
    }
    let limit = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..limit];
    let sentence_end = head.match_indices(". ").map(|(i, _)| i).filter(|&i| {
        let before = head[..i].chars().next_back();
        let after = head[i + 2..].chars().next();
        before.is_some_and(|c| !c.is_ascii_digit()) && after.is_some_and(char::is_uppercase)
    });
    if let Some(end) = sentence_end.filter(|&end| end > max / 3).last() {
        return Some(text[..=end].to_string());
    }
    let cut = head.rfind(' ').unwrap_or(limit);
    Some(format!("{}…", head[..cut].trim_end_matches([',', ';', ':'])))
}

/// The text after a list marker (`- `, `* `, `1. `), when the line is a list item.
fn list_marker(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(rest);
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits < 3 {
        return line[digits..].strip_prefix(". ").or_else(|| line[digits..].strip_prefix(") "));
    }
    None
}

/// Inline Markdown as the words it shows: `[text](url)` as text, no emphasis or code marks.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find("](")
            .and_then(|close| after[close + 2..].find(')').map(|end| (close, close + 2 + end)))
        {
            Some((close, end)) if !after[..close].contains('[') => {
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_reads_as_text() {
        assert_eq!(
            plain("Run **`Get-MgContext`** and see [the docs](https://learn.microsoft.com/x)."),
            "Run Get-MgContext and see the docs."
        );
        let long = format!("{}. {}", "a".repeat(50), "Word ".repeat(80));
        let cut = first_paragraph(&long, 100).unwrap();
        assert_eq!(cut, format!("{}.", "a".repeat(50)));
        assert_eq!(
            first_paragraph("1. Ask what changed.\n2. Look at the logs.", 300).as_deref(),
            Some("Ask what changed.")
        );
        let cut = first_paragraph(&"word ".repeat(80), 100).unwrap();
        assert!(cut.ends_with('…') && cut.chars().count() <= 101, "{cut}");
    }
}
