//! The paste as the decoder searches it, and case-insensitive patterns that search it fast.
//!
//! Most of what the decoder looks for is case-insensitive (`client_secret`, `Client Secret`),
//! and a case-insensitive regex is slow to search for: each letter of its literals can be
//! either case, so the engine cannot pick a literal to skip ahead to and reads every byte.
//! [`Haystack`] keeps, beside the normalized text, a copy with ASCII letters lower-cased (the
//! byte offsets are the same), and [`Caseless`] compiles a pattern for that copy with only
//! lower-case letters left in it: its literals are plain again, the engine's literal
//! prefilters work, and every match is read back from the original text at the same offsets.
//!
//! Some patterns have no literal at all to skip ahead to (a UPN, a timestamp, a status number
//! followed by its reason). Each of those is searched only in the lines around the marks that
//! every match of it must hold (an `@`, a `dddd-dd-dd` date, a three-digit number), which a
//! byte search finds far faster than the regex engine can read the whole paste.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Repetition,
};

use crate::budget::Meter;
use crate::text::ascii_boundaries;

/// The normalized paste, with its ASCII-lower-cased copy for [`Caseless`] patterns, and the
/// meter every stage charges its work to (see [`crate::budget`]).
pub struct Haystack<'a> {
    text: &'a str,
    lower: String,
    words: Vec<(u32, u32)>,
    meter: Meter,
}

impl<'a> Haystack<'a> {
    pub fn new(text: &'a str) -> Haystack<'a> {
        Haystack::with_meter(text, Meter::unbounded())
    }

    /// A haystack whose readers charge their work to `meter`.
    pub fn with_meter(text: &'a str, meter: Meter) -> Haystack<'a> {
        meter.charge(2 * text.len() as u64);
        Haystack {
            text,
            lower: text.to_ascii_lowercase(),
            words: crate::text::word_spans(text),
            meter,
        }
    }

    /// Counts `steps` of work; `false` when the decode must stop (the loop that asks breaks
    /// off and keeps what it has).
    #[inline]
    pub fn charge(&self, steps: u64) -> bool {
        self.meter.charge(steps)
    }

    pub fn meter(&self) -> &Meter {
        &self.meter
    }

    /// Where the words are (see [`crate::text::word_spans`]), found once for every reader
    /// that goes word by word.
    pub fn word_spans(&self) -> &[(u32, u32)] {
        &self.words
    }

    /// The text as pasted (after normalization).
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The same text with ASCII letters lower-cased; every byte offset means the same in both.
    pub fn lower(&self) -> &str {
        &self.lower
    }

    /// The lines around `marks` (byte offsets, ascending), each with the line before and the
    /// line after, merged: where a pattern that never spans more than a line can match when
    /// every match of it holds one of the marks. Line ends are left out of the ranges, so a
    /// pattern's `\b` sees the same thing at a range's end as in the whole text (the patterns
    /// searched this way use neither `$` nor `\z`, which would match at a range's end).
    pub fn lines_around(&self, marks: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
        let bytes = self.text.as_bytes();
        let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let line_end = |at: usize| {
            memchr::memchr(b'\n', &bytes[at.min(bytes.len())..]).map_or(bytes.len(), |i| at + i)
        };
        let mut windows: Vec<Range<usize>> = Vec::new();
        for mark in marks {
            let mark = mark.min(bytes.len());
            if windows.last().is_some_and(|window| mark < window.end) {
                continue;
            }
            let start = line_start(line_start(mark).saturating_sub(1));
            let end = line_end(line_end(mark) + 1);
            match windows.last_mut() {
                Some(window) if start <= window.end => window.end = window.end.max(end),
                _ => windows.push(start..end),
            }
        }
        windows
    }

    /// The offsets of every occurrence of each of `needles` in any ASCII case, ascending.
    /// `needles` must be lower-case.
    pub fn marks(&self, needles: &[&str]) -> Vec<usize> {
        let mut marks: Vec<usize> = needles
            .iter()
            .inspect(|needle| debug_assert!(!needle.bytes().any(|b| b.is_ascii_uppercase())))
            .flat_map(|needle| memchr::memmem::find_iter(self.lower.as_bytes(), needle.as_bytes()))
            .collect();
        marks.sort_unstable();
        marks
    }

    /// Whether the text holds `needle` in any ASCII case. `needle` must be lower-case.
    pub fn contains_lower(&self, needle: &str) -> bool {
        debug_assert!(
            !needle.bytes().any(|b| b.is_ascii_uppercase()),
            "{needle} is not lower-case"
        );
        self.lower.contains(needle)
    }
}

/// A match, read from the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'h> {
    text: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Found<'h> {
    pub fn as_str(&self) -> &'h str {
        &self.text[self.start..self.end]
    }

    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The groups of one match, read from the original text.
pub struct CaselessCaptures<'h> {
    text: &'h str,
    captures: regex::Captures<'h>,
}

impl<'h> CaselessCaptures<'h> {
    pub fn get(&self, group: usize) -> Option<Found<'h>> {
        self.captures.get(group).map(|m| Found { text: self.text, start: m.start(), end: m.end() })
    }

    /// Every group after the whole match, `None` where a group did not take part.
    pub fn groups(&self) -> impl Iterator<Item = Option<Found<'h>>> + '_ {
        (1..self.captures.len()).map(|group| self.get(group))
    }
}

impl std::ops::Index<usize> for CaselessCaptures<'_> {
    type Output = str;

    /// The text of a group; panics when the group did not take part, as `regex` does.
    fn index(&self, group: usize) -> &str {
        let m = self.captures.get(group).unwrap_or_else(|| panic!("no group {group}"));
        &self.text[m.range()]
    }
}

/// A case-insensitive pattern (ASCII letters), searched in [`Haystack::lower`].
///
/// The regex is compiled the first time a haystack holds one of the literal prefixes every
/// match must start with (when the pattern has such a set): compiling is most of what the
/// decoder's fixed patterns cost, and most pastes give most patterns nothing to look at.
#[derive(Debug, Clone)]
pub struct Caseless {
    /// The pattern as compiled: ASCII letters lower-cased (see [`fold`]).
    folded: String,
    /// Lower-case prefixes one of which starts every match; `None` when there is no such set.
    prefixes: Option<Vec<Vec<u8>>>,
    /// Looks for many prefixes in one pass; built with the regex.
    prefix_finder: OnceLock<Option<AhoCorasick>>,
    regex: OnceLock<Option<regex::Regex>>,
}

/// Above this many prefixes, one Aho-Corasick pass replaces a byte search per prefix.
const PREFIXES_SEARCHED_ONE_BY_ONE: usize = 4;

impl Caseless {
    /// Compiles `pattern` as if it carried `(?i)`. `\b` is an ASCII word boundary, as in
    /// [`crate::text::re`]. Panics on an invalid pattern: these are the decoder's constants,
    /// covered by tests.
    pub fn new(pattern: &str) -> Caseless {
        Caseless::try_new(pattern).unwrap_or_else(|error| panic!("{pattern}: {error}"))
    }

    /// [`Caseless::new`] for patterns that come from data. The syntax is checked now; the
    /// regex is built when first needed.
    pub fn try_new(pattern: &str) -> Result<Caseless, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&ascii_boundaries(pattern))
            .map_err(|e| e.to_string())?;
        let folded = fold(&hir);
        Ok(Caseless {
            folded: folded.to_string(),
            prefixes: match_prefixes(&folded),
            prefix_finder: OnceLock::new(),
            regex: OnceLock::new(),
        })
    }

    fn regex(&self) -> Option<&regex::Regex> {
        self.regex.get_or_init(|| regex::Regex::new(&self.folded).ok()).as_ref()
    }

    /// The regex, when `lower` holds one of the prefixes a match needs (or there are none).
    fn regex_for(&self, lower: &str) -> Option<&regex::Regex> {
        let Some(prefixes) = &self.prefixes else { return self.regex() };
        let bytes = lower.as_bytes();
        let found = if prefixes.len() <= PREFIXES_SEARCHED_ONE_BY_ONE {
            prefixes.iter().any(|prefix| memchr::memmem::find(bytes, prefix).is_some())
        } else {
            self.prefix_finder
                .get_or_init(|| AhoCorasick::new(prefixes).ok())
                .as_ref()
                .is_none_or(|finder| finder.is_match(bytes))
        };
        if found {
            self.regex()
        } else {
            None
        }
    }

    pub fn is_match(&self, haystack: &Haystack) -> bool {
        self.regex_for(&haystack.lower).is_some_and(|regex| regex.is_match(&haystack.lower))
    }

    pub fn find<'h>(&self, haystack: &'h Haystack) -> Option<Found<'h>> {
        let text = haystack.text;
        self.regex_for(&haystack.lower)?.find(&haystack.lower).map(|m| Found {
            text,
            start: m.start(),
            end: m.end(),
        })
    }

    pub fn find_iter<'h>(&'h self, haystack: &'h Haystack) -> impl Iterator<Item = Found<'h>> {
        let text = haystack.text;
        self.regex_for(&haystack.lower).into_iter().flat_map(move |regex| {
            regex.find_iter(&haystack.lower).map(move |m| Found {
                text,
                start: m.start(),
                end: m.end(),
            })
        })
    }

    pub fn captures_iter<'h>(
        &'h self,
        haystack: &'h Haystack,
    ) -> impl Iterator<Item = CaselessCaptures<'h>> {
        let text = haystack.text;
        self.regex_for(&haystack.lower).into_iter().flat_map(move |regex| {
            regex
                .captures_iter(&haystack.lower)
                .map(move |captures| CaselessCaptures { text, captures })
        })
    }

    /// [`Caseless::captures_iter`] within `windows` only (see [`Haystack::lines_around`]).
    pub fn captures_in<'h>(
        &'h self,
        haystack: &'h Haystack,
        windows: &'h [Range<usize>],
    ) -> impl Iterator<Item = CaselessCaptures<'h>> {
        let text = haystack.text;
        self.regex_for(&haystack.lower).into_iter().flat_map(move |regex| {
            captures_in(regex, &haystack.lower, windows)
                .map(move |captures| CaselessCaptures { text, captures })
        })
    }
}

/// The literal prefixes one of which starts every match of `hir`, sorted and without repeats,
/// or `None` when the pattern has no finite set of non-empty ones (it can match the empty
/// string, or starts with an unbounded class). A necessary condition only: the regex still
/// decides. Also what [`crate::rank::required_prefixes`] narrows to the rare ones.
pub(crate) fn match_prefixes(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(250);
    let seq = extractor.extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|literal| literal.as_bytes().is_empty()) {
        return None;
    }
    let mut prefixes: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    prefixes.sort();
    prefixes.dedup();
    Some(prefixes)
}

/// Every match of `regex` in `text` that lies within one of `windows` (ascending, disjoint),
/// found with the text before each window as context for look-behind such as `\b`.
pub fn captures_in<'h>(
    regex: &'h regex::Regex,
    text: &'h str,
    windows: &'h [Range<usize>],
) -> impl Iterator<Item = regex::Captures<'h>> {
    windows.iter().flat_map(move |window| {
        let within = &text[..window.end];
        let mut at = window.start;
        std::iter::from_fn(move || {
            if at > within.len() {
                return None;
            }
            let captures = regex.captures_at(within, at)?;
            let found = captures.get(0)?;
            at = if found.is_empty() { next_boundary(within, found.end()) } else { found.end() };
            Some(captures)
        })
    })
}

/// The first character boundary after `at`.
fn next_boundary(text: &str, at: usize) -> usize {
    (at + 1..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len() + 1)
}

/// `hir` made case-insensitive for lower-cased text: literals lower-cased, and every class
/// that admits an upper-case ASCII letter admits its lower-case one instead. Text without
/// upper-case ASCII letters then matches exactly where the pattern with `(?i)` would match
/// the original text (for ASCII letters; other scripts keep their case).
fn fold(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Literal(literal) => Hir::literal(literal.0.to_ascii_lowercase()),
        HirKind::Class(Class::Unicode(class)) => Hir::class(Class::Unicode(fold_unicode(class))),
        HirKind::Class(Class::Bytes(class)) => Hir::class(Class::Bytes(fold_bytes(class))),
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(fold(&repetition.sub)),
            ..repetition.clone()
        }),
        HirKind::Capture(capture) => {
            Hir::capture(Capture { sub: Box::new(fold(&capture.sub)), ..capture.clone() })
        }
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(fold).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(fold).collect()),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
    }
}

fn fold_unicode(class: &ClassUnicode) -> ClassUnicode {
    let upper = ClassUnicode::new([ClassUnicodeRange::new('A', 'Z')]);
    let mut lowered = class.clone();
    lowered.intersect(&upper);
    let mut folded = ClassUnicode::new(lowered.ranges().iter().map(|range| {
        ClassUnicodeRange::new(range.start().to_ascii_lowercase(), range.end().to_ascii_lowercase())
    }));
    folded.union(class);
    folded.difference(&upper);
    folded
}

fn fold_bytes(class: &ClassBytes) -> ClassBytes {
    let upper = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
    let mut lowered = class.clone();
    lowered.intersect(&upper);
    let mut folded = ClassBytes::new(lowered.ranges().iter().map(|range| {
        ClassBytesRange::new(range.start().to_ascii_lowercase(), range.end().to_ascii_lowercase())
    }));
    folded.union(class);
    folded.difference(&upper);
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(pattern: &str, text: &str) -> Vec<String> {
        let haystack = Haystack::new(text);
        Caseless::new(pattern).find_iter(&haystack).map(|m| m.as_str().to_string()).collect()
    }

    #[test]
    fn matches_as_case_insensitive_and_quotes_the_original() {
        assert_eq!(
            all("client_secret", "CLIENT_SECRET and Client_Secret"),
            ["CLIENT_SECRET", "Client_Secret"]
        );
        assert_eq!(all(r"\bSPA\b", "an spa, a Spa; spam"), ["spa", "Spa"]);
        assert_eq!(all(r"[A-Z]{3}\d", "abc1 XYZ2"), ["abc1", "XYZ2"]);
        assert_eq!(all(r#"[^"]+x"#, "\"ABX\""), ["ABX"]);
        assert_eq!(all("é", "É é"), ["é"], "non-ASCII letters keep their case");
    }

    #[test]
    fn agrees_with_the_case_insensitive_regex() {
        let patterns = [
            r"(?:returns?|got an?)\s+([45]\d\d)\b",
            r"\b(trace[ _-]?id|correlation[ _-]?id)\s*[:=]\s*([0-9a-f-]{36})",
            r"[A-Za-z]\.[A-Za-z]+\S*",
            r"\bMSA\b|#EXT#|[^\s]{2}Q~",
        ];
        let texts = [
            "It RETURNS 401 and Got a 403. Trace ID: 80AD7758-A570-42F0-97B7-AE2DDED006C7",
            "Mail.Read, USER.READ.ALL and msa #ext# abc8Q~xyz",
            "naïve ÉCOLE Straße ǅ",
        ];
        for pattern in patterns {
            let reference =
                regex::Regex::new(&format!("(?i){}", ascii_boundaries(pattern))).unwrap();
            let caseless = Caseless::new(pattern);
            for text in texts {
                let haystack = Haystack::new(text);
                let expected: Vec<_> = reference.find_iter(text).map(|m| m.range()).collect();
                let got: Vec<_> = caseless.find_iter(&haystack).map(|m| m.range()).collect();
                assert_eq!(got, expected, "{pattern} on {text}");
            }
        }
    }

    #[test]
    fn windows_cover_the_lines_around_marks() {
        let text = "a\nb @\nc\nd\ne\nf\ng @ @\nh";
        let haystack = Haystack::new(text);
        let marks: Vec<usize> = text.match_indices('@').map(|(i, _)| i).collect();
        let windows = haystack.lines_around(marks);
        let lines: Vec<&str> = windows.iter().map(|w| &text[w.clone()]).collect();
        assert_eq!(lines, ["a\nb @\nc", "f\ng @ @\nh"]);
        let first = haystack.lines_around([0]);
        assert_eq!(first.first(), Some(&(0..5)), "the first line has no line before it");
        assert!(Haystack::new("").lines_around([0]).iter().all(|w| w.is_empty()));
    }

    #[test]
    fn windowed_search_finds_what_the_whole_search_finds_near_the_marks() {
        let text = "x@y.com is here\nnothing\nnothing\nnothing\nnothing\nmail: Bob@Contoso.com.";
        let regex = crate::text::re(r"\b\w+@\w+\.com\b");
        let haystack = Haystack::new(text);
        let windows = haystack.lines_around(text.match_indices('@').map(|(i, _)| i));
        let found: Vec<&str> =
            captures_in(&regex, text, &windows).map(|c| c.get(0).unwrap().as_str()).collect();
        let everywhere: Vec<&str> = regex.find_iter(text).map(|m| m.as_str()).collect();
        assert_eq!(found, everywhere);
        // Look-behind sees the text before a window: no word boundary inside `ab@c.com`.
        let regex = crate::text::re(r"\bb@c\.com");
        let text = "line\nab@c.com";
        let line = 6..text.len();
        assert_eq!(captures_in(&regex, text, std::slice::from_ref(&line)).count(), 0);
    }

    #[test]
    fn captures_read_the_original_text() {
        let haystack = Haystack::new("Scope: Mail.Read User.Read");
        let caseless = Caseless::new(r"scope:\s*(\S+)\s+(x)?");
        let caps = caseless.captures_iter(&haystack).next().unwrap();
        assert_eq!(&caps[1], "Mail.Read");
        assert_eq!(caps.get(2), None);
        assert_eq!(caps.groups().count(), 2);
    }
}
