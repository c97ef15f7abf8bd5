//! Words for similarity search: a small TF-IDF index over the knowledge base.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "not", "with", "this", "that", "are", "was", "you", "your", "from",
    "have", "has", "but", "can", "its", "it's", "when", "what", "which", "who", "how", "why",
    "get", "got", "use", "used", "using", "also", "any", "all", "our", "out", "one", "does", "did",
    "into", "there", "their", "then", "than", "them", "they", "will", "would", "should", "could",
    "been", "being", "were", "some", "such", "only", "same", "more", "other", "about", "after",
    "before", "just", "like", "because", "error", "errors", "http", "https", "com",
];

static STOPWORD_SET: std::sync::LazyLock<HashSet<&'static str>> =
    std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());

/// Lower-case words of three or more letters, without stop words; at most the first 20,000.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 3 && w.len() <= 40)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORD_SET.contains(w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .take(20_000)
        .collect()
}

/// The first `count` characters of `text` (all of it when shorter). The decoder's patterns
/// match a run of any length and bound it here: a counted repetition such as `{3,600}` makes
/// a large automaton and slow captures.
pub fn first_chars(text: &str, count: usize) -> &str {
    text.char_indices().nth(count).map_or(text, |(end, _)| &text[..end])
}

/// The first character boundary of `text` at or after `at`: where a window that starts a
/// fixed number of bytes back may begin without cutting a character.
pub fn boundary_at_or_after(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Which bytes are word bytes: ASCII letters, digits and `_`.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_';
        byte += 1;
    }
    table
};

pub fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[byte as usize]
}

/// Every run of word bytes in `text`, as `(start, end)` byte offsets: the words, read by a
/// byte loop (far faster than Unicode-aware splitting; the knowledge base's own words are
/// ASCII). A run lies between two non-word bytes, so its ends are character boundaries.
pub fn word_spans(text: &str) -> Vec<(u32, u32)> {
    let mut spans = Vec::with_capacity(text.len() / 6);
    let mut start = None;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        match (is_word_byte(byte), start) {
            (true, None) => start = Some(at),
            (false, Some(begun)) => {
                spans.push((begun as u32, at as u32));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begun) = start {
        spans.push((begun as u32, text.len() as u32));
    }
    spans
}

/// The words of `text` of at least `shortest` bytes, with where each starts.
pub fn ascii_words(text: &str, shortest: usize) -> Vec<(usize, &str)> {
    let spans = word_spans(text);
    let long_enough = spans.into_iter().filter(|(start, end)| (end - start) as usize >= shortest);
    long_enough.map(|(start, end)| (start as usize, &text[start as usize..end as usize])).collect()
}

/// The words at `spans` (from [`word_spans`] of a text with the same byte layout) of at least
/// `shortest` bytes, with where each starts.
pub fn words_of<'t>(
    text: &'t str,
    spans: &'t [(u32, u32)],
    shortest: usize,
) -> impl Iterator<Item = (usize, &'t str)> {
    spans
        .iter()
        .map(|&(start, end)| (start as usize, end as usize))
        .filter(move |(start, end)| end - start >= shortest)
        .map(move |(start, end)| (start, &text[start..end]))
}

/// An inverted index of the entries' words with their inverse document frequencies.
pub struct TermIndex {
    ids: FxHashMap<String, u32>,
    idf: Vec<f32>,
    /// For each term id, the documents holding it.
    postings: Vec<Vec<u32>>,
    /// For each document, the summed idf of its distinct terms.
    weights: Vec<f32>,
}

impl TermIndex {
    pub fn new(documents: &[String]) -> TermIndex {
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut document_terms: Vec<Vec<u32>> = Vec::with_capacity(documents.len());
        for (index, document) in documents.iter().enumerate() {
            let mut seen: HashSet<u32> = HashSet::new();
            for term in terms(document) {
                let next = ids.len() as u32;
                let id = *ids.entry(term).or_insert(next);
                if id as usize == postings.len() {
                    postings.push(Vec::new());
                }
                if seen.insert(id) {
                    postings[id as usize].push(index as u32);
                }
            }
            // Sorted, so that the weights below are summed in the same order on every run.
            let mut distinct: Vec<u32> = seen.into_iter().collect();
            distinct.sort_unstable();
            document_terms.push(distinct);
        }
        let n = documents.len().max(1) as f32;
        let idf: Vec<f32> =
            postings.iter().map(|docs| (1.0 + n / docs.len() as f32).ln()).collect();
        let weights = document_terms
            .iter()
            .map(|terms| terms.iter().map(|id| idf[*id as usize]).sum::<f32>().max(1e-6))
            .collect();
        TermIndex { ids, idf, postings, weights }
    }

    /// The `limit` documents most similar to the query, with a similarity in [0, 1]: the share
    /// of the document's (idf-weighted) words that the query also holds, damped for queries
    /// that share only a word or two.
    pub fn similar(&self, query: &[String], limit: usize) -> Vec<(usize, f32)> {
        let ids = query.iter().filter_map(|t| self.ids.get(t).copied()).collect();
        self.similar_ids(ids, limit)
    }

    /// The id of a (lower-case) term, for [`TermIndex::similar_ids`].
    pub fn terms(&self) -> impl Iterator<Item = (&str, u32)> {
        self.ids.iter().map(|(term, id)| (term.as_str(), *id))
    }

    pub fn similar_ids(&self, mut query_ids: Vec<u32>, limit: usize) -> Vec<(usize, f32)> {
        query_ids.sort_unstable();
        query_ids.dedup();
        let mut shared_weight = vec![0.0f32; self.weights.len()];
        let mut shared_count = vec![0u32; self.weights.len()];
        for id in query_ids {
            let weight = self.idf[id as usize];
            for &document in &self.postings[id as usize] {
                shared_weight[document as usize] += weight;
                shared_count[document as usize] += 1;
            }
        }
        let mut scored: Vec<(usize, f32)> = shared_count
            .iter()
            .enumerate()
            .filter(|(_, count)| **count >= 2)
            .map(|(index, count)| {
                let coverage = shared_weight[index] / self.weights[index];
                let damping = (*count as f32 / 6.0).min(1.0);
                (index, (coverage * damping).min(1.0))
            })
            .collect();
        let best_first =
            |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if scored.len() > limit && limit > 0 {
            scored.select_nth_unstable_by(limit - 1, best_first);
        }
        scored.truncate(limit);
        scored.sort_by(best_first);
        scored
    }
}

/// `\b` as an ASCII word boundary: a Unicode one makes the regex engine leave its fast
/// automaton whenever the text holds a non-ASCII character, and pastes (mojibake, emoji,
/// accented names) usually do. Code words and error codes are ASCII anyway. The knowledge base
/// checks its patterns with the same rewrite.
pub use errdecode_kb::ascii_boundaries;

/// A regex for the decoder's own patterns (see [`ascii_boundaries`]). Panics on an invalid
/// pattern: these are constants, covered by tests.
pub fn re(pattern: &str) -> regex::Regex {
    regex::Regex::new(&ascii_boundaries(pattern)).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_word_bytes() {
        let text = "AADSTS50012: a_b-c9 é ok!";
        let words: Vec<&str> =
            word_spans(text).iter().map(|&(s, e)| &text[s as usize..e as usize]).collect();
        assert_eq!(words, ["AADSTS50012", "a_b", "c9", "ok"]);
        assert!(word_spans("").is_empty());
        assert_eq!(word_spans("end"), [(0, 3)]);
        assert_eq!(ascii_words("the tenant id", 3), [(0, "the"), (4, "tenant")]);
    }

    #[test]
    fn first_chars_cuts_at_characters() {
        assert_eq!(first_chars("héllo", 2), "hé");
        assert_eq!(first_chars("hi", 5), "hi");
    }
}
