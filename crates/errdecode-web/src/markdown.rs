//! Knowledge-base Markdown to HTML, with nothing passed through raw.
//!
//! Raw HTML in the Markdown is shown as text, never interpreted: the knowledge base is
//! reviewed, but a page that can only ever contain the markup this module writes cannot be
//! turned into a script by a careless edit. Links keep only safe schemes, images become their
//! alt text, and fenced code becomes a block with a copy button that `app.js` brings to life.

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders block Markdown (a page section, a cause's checks).
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = sanitize(Parser::new_ext(markdown, options));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Renders one paragraph of Markdown without the `<p>` around it (FAQ answers, summaries).
pub fn inline_html(markdown: &str) -> String {
    let html = to_html(markdown);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|rest| rest.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// The words of Markdown without its markup, for structured data (a FAQ answer): text and
/// code as written, blocks and line breaks as spaces.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first step of a "How to confirm it" section, as plain text: the first paragraph of
/// its first list item, or without a list its first paragraph; cut after [`STEP_CHARS`]
/// characters at a word.
pub fn first_step(markdown: &str) -> Option<String> {
    let mut paragraph: Option<String> = None;
    let mut item: Option<String> = None;
    let mut current: Option<String> = None;
    let mut in_item = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Item) => in_item += 1,
            Event::End(TagEnd::Item) => {
                if let Some(text) = current.take().filter(|t| !t.trim().is_empty()) {
                    item.get_or_insert(text);
                }
                in_item = in_item.saturating_sub(1);
            }
            // A tight list item holds its text without a paragraph.
            Event::Start(Tag::Paragraph) => current = Some(String::new()),
            Event::Text(words) | Event::Code(words) => {
                current.get_or_insert_with(String::new).push_str(&words)
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(text) = current.as_mut() {
                    text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph)
            | Event::Start(Tag::List(_))
            | Event::End(TagEnd::List(_)) => {
                if let Some(text) = current.take().filter(|t| !t.trim().is_empty()) {
                    if in_item > 0 && item.is_none() {
                        item = Some(text);
                    } else if in_item == 0 && paragraph.is_none() {
                        paragraph = Some(text);
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                if let Some(text) = current.take().filter(|t| !t.trim().is_empty()) {
                    if in_item > 0 && item.is_none() {
                        item = Some(text);
                    }
                }
            }
            _ => {}
        }
        if item.is_some() {
            break;
        }
    }
    let text = item.or(paragraph)?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // "... in the sign-in logs. From PowerShell:" introduces a block left out: end at the
    // sentence before it.
    let text = match text.trim_end().strip_suffix(':') {
        Some(lead) => lead.rfind(". ").map_or(lead, |end| &lead[..=end]).trim().to_string(),
        None => text.trim().to_string(),
    };
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= STEP_CHARS {
        return Some(text);
    }
    let cut: String = text.chars().take(STEP_CHARS).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    Some(format!("{at_word}…"))
}

/// The most of a step [`first_step`] keeps.
pub const STEP_CHARS: usize = 300;

fn sanitize<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    // Links dropped for an unsafe scheme: their closing tag must go too.
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    for event in parser {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match &kind {
                    CodeBlockKind::Fenced(info) => language_of(info),
                    CodeBlockKind::Indented => String::new(),
                };
                events.push(Event::Html(CowStr::from(code_block_open(&language))));
            }
            Event::End(TagEnd::CodeBlock) => {
                events.push(Event::Html(CowStr::Borrowed("</code></pre></div>\n")));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let safe = is_safe_url(&dest_url);
                dropped_links.push(!safe);
                if safe {
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                }
            }
            Event::End(TagEnd::Link) => {
                if !dropped_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            // Column alignment would come out as `style` attributes, which the
            // Content-Security-Policy refuses; the stylesheet aligns tables instead.
            // A table wider than the screen scrolls inside its own box, which Tab reaches.
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">",
                )));
                events.push(Event::Start(Tag::Table(vec![Alignment::None; alignments.len()])));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            // An image would load from wherever it points; show its alt text instead.
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            other => events.push(other),
        }
    }
    debug_assert_eq!(in_image, 0);
    events
}

/// The language of a fenced block, reduced to characters that are safe anywhere.
fn language_of(info: &str) -> String {
    info.split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_'))
        .take(24)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn code_block_open(language: &str) -> String {
    let label = match language {
        "" | "text" | "txt" => "code",
        "powershell" | "ps1" | "pwsh" => "PowerShell",
        "bash" | "sh" | "shell" | "console" => "shell",
        "http" => "HTTP",
        "json" => "JSON",
        "csharp" | "cs" | "c#" => "C#",
        "javascript" | "js" => "JavaScript",
        "typescript" | "ts" => "TypeScript",
        "python" | "py" => "Python",
        other => other,
    };
    let class =
        if language.is_empty() { String::new() } else { format!(" class=\"language-{language}\"") };
    let name = if label == "code" { "Code".to_string() } else { format!("{label} code") };
    // A block wider than the screen scrolls inside itself: keyboard users reach it with Tab
    // and scroll it with the arrow keys, and it is named for what it holds.
    format!(
        "<div class=\"code-block\"><div class=\"code-head\"><span class=\"code-lang\">{label}</span>\
         <button type=\"button\" class=\"copy\" hidden>Copy</button></div>\
         <pre tabindex=\"0\" role=\"group\" aria-label=\"{name}\"><code{class}>"
    )
}

/// http, https and mailto links, page-relative paths and anchors; nothing that runs.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            // A colon after the first slash, `?` or `#` is part of a path, not a scheme.
            let first_separator = lower.find(['/', '?', '#']).unwrap_or(usize::MAX);
            if first_separator < colon {
                return true;
            }
            matches!(&lower[..colon], "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_step_is_the_first_items_whole_paragraph() {
        let markdown = "Some context.\n\n1. Decode the token (only the\n   payload) and read `exp`:\n\n   ```bash\n   run\n   ```\n2. Second.\n";
        assert_eq!(
            first_step(markdown).unwrap(),
            "Decode the token (only the payload) and read exp"
        );
        assert_eq!(first_step("- one\n- two\n").unwrap(), "one");
        assert_eq!(
            first_step("Just a paragraph\nover two lines.").unwrap(),
            "Just a paragraph over two lines."
        );
        assert_eq!(first_step("```\ncode\n```\n"), None);
        assert_eq!(
            first_step("Open the logs. From PowerShell:\n\n```\nrun\n```").unwrap(),
            "Open the logs."
        );
        let long = "word ".repeat(200);
        assert!(first_step(&long).unwrap().ends_with("word…"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html(
            "Hello <script>alert(1)</script> and <b>bold</b>\n\n<div onclick=x>block</div>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<div onclick"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn code_blocks_get_a_copy_button_and_stay_escaped() {
        let html = to_html("```powershell\nGet-Mailbox | Where { $_.Name -lt \"<x>\" }\n```");
        assert!(html.contains("class=\"code-block\""), "{html}");
        assert!(html.contains("<button type=\"button\" class=\"copy\" hidden>Copy</button>"));
        assert!(html.contains("class=\"language-powershell\""), "{html}");
        assert!(html.contains("&quot;&lt;x&gt;&quot;") || html.contains("\"&lt;x&gt;\""), "{html}");
        let hostile = to_html("```\"><script>x</script>\ncode\n```");
        assert!(!hostile.contains("<script"), "{hostile}");
    }

    #[test]
    fn unsafe_links_lose_their_link() {
        let html = to_html("[a](javascript:alert(1)) [b](https://learn.microsoft.com/x) [c](/errors/x/) [d](data:text/html,hi)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("<a href=\"https://learn.microsoft.com/x\">b</a>"), "{html}");
        assert!(html.contains("<a href=\"/errors/x/\">c</a>"), "{html}");
        assert!(html.contains('a') && html.contains('d'));
    }

    #[test]
    fn images_become_text() {
        let html = to_html("![the alt](https://example.com/x.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("the alt"), "{html}");
    }

    #[test]
    fn tables_render_without_inline_styles() {
        let html = to_html("| a | b |\n|---|---|\n| `x` | y |");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<code>x</code>"), "{html}");
        let aligned = to_html("| a | b |\n|:---|---:|\n| 1 | 2 |");
        assert!(!aligned.contains("style="), "{aligned}");
    }

    #[test]
    fn inline_strips_the_paragraph() {
        assert_eq!(inline_html("Use `Connect-MgGraph`."), "Use <code>Connect-MgGraph</code>.");
        assert!(inline_html("one\n\ntwo").contains("<p>two</p>"));
    }
}
