//! Search over the known errors, for `errdecode search`, the site's search page, the JSON API
//! and the MCP `search` tool: one ranking for all of them.
//!
//! Each entry is a document of fields (its codes, id, title, related searches, messages, gist
//! and variations), each with a weight, scored against the query with BM25F: a word counts
//! more in a heavier field, less the more entries hold it, and less in a long field than in a
//! short one. A query that names an entry's code (`AADSTS7000215`, `aadsts 7000215`,
//! `InvalidAuthenticationToken`) or id puts that entry ahead of every entry found by words
//! alone.
//!
//! Words are lower-cased runs of letters, digits and `_`; a run is also read as its parts,
//! split at `_`, between letters and digits and at a capital inside a word, so that
//! `AADSTS7000215` is found by `7000215` and `InvalidAuthenticationToken` by `invalid
//! authentication token`. A light plural cut makes `tokens` find `token`.
//!
//! Pure: no I/O, no clock, no global state; the index is built once from the knowledge base,
//! and the same query gives the same answer in the same order (ties go to rich pages, then to
//! the entry's id).

use errdecode_kb::{ErrorEntry, KnowledgeBase};
use rustc_hash::FxHashMap;

/// The fields of an entry that are searched, in the order of [`FIELD_WEIGHTS`].
#[derive(Clone, Copy)]
enum Field {
    Code = 0,
    Id,
    Title,
    RelatedSearch,
    Message,
    Gist,
    Variation,
}

const FIELDS: usize = 7;

/// How much a word counts in each field, as [`Field`] orders them: a word of a code or the
/// title says more of what the entry is than one in a variation (a whole pasted response).
const FIELD_WEIGHTS: [f32; FIELDS] = [4.0, 1.5, 3.0, 2.0, 1.5, 1.0, 0.7];

/// BM25's saturation: how fast more occurrences of a word stop counting.
const K1: f32 = 1.2;

/// BM25's length normalisation: how much a long field's words count for less.
const B: f32 = 0.6;

/// The share of a query's weight (the summed rarity of its words) that an entry must hold to
/// count as a result: below it an entry shares only common words with the query and is not
/// counted or shown, however many such entries there are.
pub const MATCH_SHARE: f32 = 0.4;

/// Words that say nothing about which error is meant.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "if", "in", "is",
    "it", "my", "of", "on", "or", "the", "this", "to", "was", "what", "when", "why", "with",
];

/// One entry's occurrences of one word: how many times in each field.
struct Posting {
    entry: u32,
    counts: [u16; FIELDS],
}

/// The knowledge base's errors, indexed for [`SearchIndex::search`]. Build once.
pub struct SearchIndex {
    words: FxHashMap<String, u32>,
    /// For each word, the entries holding it, in knowledge-base order.
    postings: Vec<Vec<Posting>>,
    /// For each word, its inverse document frequency.
    idf: Vec<f32>,
    /// For each entry, the number of words in each field.
    lengths: Vec<[f32; FIELDS]>,
    /// The mean of `lengths` over the entries that have the field.
    mean_lengths: [f32; FIELDS],
    /// A code or id as its runs joined (`aadsts7000215`, `5305757` for `530 5.7.57`), to the
    /// entries that carry it, in knowledge-base order.
    codes: FxHashMap<String, Vec<u32>>,
    /// Every such key, sorted, for codes that start with what was typed.
    code_keys: Vec<String>,
    /// The longest key, in bytes: how far a query's runs are joined when looking for a code.
    longest_code: usize,
    /// Per entry: rich page, the default entry for its code, and its id, for ties.
    order: Vec<(bool, bool, String)>,
}

/// What a search found: how many entries match in all, and the best of them.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SearchResults {
    /// Every entry that matches the query, however many are shown.
    pub total: usize,
    /// The best matches, best first, at most as many as asked for.
    pub hits: Vec<Scored>,
}

/// One entry found, by its position in [`KnowledgeBase::errors`], with its score in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scored {
    pub entry: usize,
    pub score: f32,
}

/// How an entry's codes and id fit the query.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum CodeFit {
    None,
    /// One of its codes starts with the query's one word (see [`SearchIndex::code_fits`]).
    Prefix,
    /// The query names one of its codes, or its id.
    Exact,
}

impl SearchIndex {
    pub fn new(kb: &KnowledgeBase) -> SearchIndex {
        let mut words: FxHashMap<String, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        let mut lengths = Vec::with_capacity(kb.errors.len());
        let mut codes: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (index, entry) in kb.errors.iter().enumerate() {
            let mut counts: FxHashMap<u32, [u16; FIELDS]> = FxHashMap::default();
            let mut length = [0f32; FIELDS];
            for (field, text) in fields(entry) {
                for word in terms(text) {
                    let next = words.len() as u32;
                    let id = *words.entry(word).or_insert(next);
                    if id as usize == postings.len() {
                        postings.push(Vec::new());
                    }
                    let slot = &mut counts.entry(id).or_default()[field as usize];
                    *slot = slot.saturating_add(1);
                    length[field as usize] += 1.0;
                }
            }
            let mut ids: Vec<(u32, [u16; FIELDS])> = counts.into_iter().collect();
            ids.sort_unstable_by_key(|(id, _)| *id);
            for (id, counts) in ids {
                postings[id as usize].push(Posting { entry: index as u32, counts });
            }
            lengths.push(length);
            for key in entry.codes.iter().flat_map(|c| code_keys(c)).chain([code_key(&entry.id)]) {
                if key.is_empty() {
                    continue;
                }
                let list = codes.entry(key).or_default();
                if list.last() != Some(&(index as u32)) {
                    list.push(index as u32);
                }
            }
        }
        let total = kb.errors.len().max(1) as f32;
        let idf = postings
            .iter()
            .map(|list| {
                let n = list.len() as f32;
                (1.0 + (total - n + 0.5) / (n + 0.5)).ln()
            })
            .collect();
        let mut mean_lengths = [1f32; FIELDS];
        for (field, mean) in mean_lengths.iter_mut().enumerate() {
            let with: Vec<f32> = lengths.iter().map(|l| l[field]).filter(|&l| l > 0.0).collect();
            if !with.is_empty() {
                *mean = with.iter().sum::<f32>() / with.len() as f32;
            }
        }
        let mut code_keys: Vec<String> = codes.keys().cloned().collect();
        code_keys.sort_unstable();
        let longest_code = code_keys.iter().map(String::len).max().unwrap_or(0);
        let order = kb
            .errors
            .iter()
            .map(|e| (e.tier.is_rich(), e.is_default_for_code(), e.id.clone()))
            .collect();
        SearchIndex {
            words,
            postings,
            idf,
            lengths,
            mean_lengths,
            codes,
            code_keys,
            longest_code,
            order,
        }
    }

    /// The entries that match `query`, best first: how many in all, and the first `limit`.
    /// Only the first [`crate::SEARCH_QUERY_CHARS`] characters of the query are read.
    pub fn search(&self, query: &str, limit: usize) -> SearchResults {
        let query = crate::text::first_chars(query, crate::SEARCH_QUERY_CHARS);
        let fits = self.code_fits(query);
        let mut wanted: Vec<(Option<u32>, f32)> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for word in terms(query) {
            if seen.contains(&word) {
                continue;
            }
            let id = self.words.get(&word).copied();
            // A word no entry holds is as rare as a word can be: it still weighs in the share.
            let idf = id.map_or_else(|| self.unseen_idf(), |id| self.idf[id as usize]);
            wanted.push((id, idf));
            seen.push(word);
        }
        let weight: f32 = wanted.iter().map(|(_, idf)| idf).sum();
        if weight == 0.0 && fits.is_empty() {
            return SearchResults::default();
        }
        let entries = self.lengths.len();
        let mut scores = vec![0f32; entries];
        let mut held = vec![0f32; entries];
        for &(id, idf) in &wanted {
            let Some(id) = id else { continue };
            for posting in &self.postings[id as usize] {
                let entry = posting.entry as usize;
                let mut frequency = 0.0;
                let fields =
                    posting.counts.iter().zip(&self.lengths[entry]).zip(&self.mean_lengths);
                for (field, ((&count, &length), &mean)) in fields.enumerate() {
                    if count > 0 {
                        let norm = 1.0 - B + B * length / mean;
                        frequency += FIELD_WEIGHTS[field] * f32::from(count) / norm;
                    }
                }
                scores[entry] += idf * frequency * (K1 + 1.0) / (K1 + frequency);
                held[entry] += idf;
            }
        }
        let most = weight * (K1 + 1.0);
        let mut found: Vec<Scored> = Vec::new();
        for entry in 0..entries {
            let fit = fits.get(&(entry as u32)).copied().unwrap_or(CodeFit::None);
            let words_fit = weight > 0.0 && held[entry] >= MATCH_SHARE * weight;
            if fit == CodeFit::None && !words_fit {
                continue;
            }
            let relevance = if most > 0.0 { scores[entry] / most } else { 0.0 };
            // A named code lies in [0.5, 1], so above every entry found by words alone (below
            // 0.5); the start of a code in [0.25, 0.75].
            let score = match fit {
                CodeFit::Exact => 0.5 + 0.5 * relevance,
                CodeFit::Prefix => 0.25 + 0.5 * relevance,
                CodeFit::None => 0.5 * relevance,
            };
            found.push(Scored { entry, score });
        }
        found.sort_by(|a, b| {
            let (rich_a, default_a, id_a) = &self.order[a.entry];
            let (rich_b, default_b, id_b) = &self.order[b.entry];
            b.score
                .total_cmp(&a.score)
                .then(default_b.cmp(default_a))
                .then(rich_b.cmp(rich_a))
                .then(id_a.cmp(id_b))
        });
        let total = found.len();
        found.truncate(limit);
        SearchResults { total, hits: found }
    }

    fn unseen_idf(&self) -> f32 {
        let total = self.lengths.len().max(1) as f32;
        (1.0 + (total + 0.5) / 0.5).ln()
    }

    /// The entries whose code or id the query names, or whose code starts with a word of it.
    fn code_fits(&self, query: &str) -> FxHashMap<u32, CodeFit> {
        let mut fits: FxHashMap<u32, CodeFit> = FxHashMap::default();
        let runs = runs(query);
        let mut mark = |entries: &[u32], fit: CodeFit| {
            for &entry in entries {
                let slot = fits.entry(entry).or_insert(fit);
                if fit > *slot {
                    *slot = fit;
                }
            }
        };
        // Runs joined from each start (`aadsts 7000215`, `invalid authentication token`).
        for start in 0..runs.len() {
            let mut joined = String::new();
            for run in &runs[start..] {
                joined.push_str(run);
                if joined.len() > self.longest_code {
                    break;
                }
                if let Some(entries) = self.codes.get(&joined) {
                    mark(entries, CodeFit::Exact);
                }
            }
        }
        // A code being typed: one word that starts some codes, of five characters or more with
        // a digit (`aadsts700`), or eight or more (`errorquota`), so that a plain word
        // (`token`) is searched as a word.
        if let [only] = runs.as_slice() {
            let digit = only.bytes().any(|b| b.is_ascii_digit());
            if (digit && only.len() >= 5) || only.len() >= 8 {
                let from = self.code_keys.partition_point(|key| key.as_str() < only.as_str());
                for key in self.code_keys[from..].iter().take_while(|k| k.starts_with(only)) {
                    mark(&self.codes[key], CodeFit::Prefix);
                }
            }
        }
        fits
    }
}

/// The searched text of an entry, field by field.
fn fields(entry: &ErrorEntry) -> impl Iterator<Item = (Field, &str)> {
    let codes = entry.codes.iter().map(|c| (Field::Code, c.as_str()));
    let id = std::iter::once((Field::Id, entry.id.as_str()));
    let title = std::iter::once((Field::Title, entry.title.as_str()));
    let related = entry.related_searches.iter().map(|s| (Field::RelatedSearch, s.as_str()));
    let message = std::iter::once((Field::Message, entry.message.as_str()))
        .chain(entry.messages.iter().map(|m| (Field::Message, m.as_str())));
    let gist = std::iter::once((Field::Gist, entry.gist.as_str()));
    let variations = entry.variations.iter().map(|v| (Field::Variation, v.as_str()));
    codes.chain(id).chain(title).chain(related).chain(message).chain(gist).chain(variations)
}

/// A code or id as a key: its runs of letters, digits and `_`, lower-cased and joined.
fn code_key(code: &str) -> String {
    runs(code).concat()
}

/// The keys a code is found by: [`code_key`], the number of a code that is letters then a
/// number of four digits or more, an SMTP code's enhanced status (`5.7.57` of `530 5.7.57`),
/// and for a dotted type name
/// (`Azure.Identity.AuthenticationFailedException`) its last part as well.
fn code_keys(code: &str) -> Vec<String> {
    let mut keys = vec![code_key(code)];
    // `AADSTS7000215`, `IDX10214`: the number alone names the code as well.
    let letters = keys[0].trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &keys[0][letters.len()..];
    if digits.len() >= 4 && !letters.is_empty() && letters.bytes().all(|b| b.is_ascii_lowercase()) {
        keys.push(digits.to_string());
    }
    // `530 5.7.57`: the enhanced status code alone.
    if let Some((first, rest)) = code.split_once(' ') {
        if first.len() == 3 && first.bytes().all(|b| b.is_ascii_digit()) && rest.contains('.') {
            keys.push(code_key(rest));
        }
    }
    if code.contains('.') {
        if let Some(last) = runs(code).pop() {
            if last.len() >= 8 && last.chars().any(char::is_alphabetic) && last != keys[0] {
                keys.push(last);
            }
        }
    }
    keys
}

/// The lower-cased runs of letters, digits and `_` in `text`.
fn runs(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|run| !run.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words searched for in `text`: each run of letters, digits and `_` (lower-cased, at
/// least two characters, not a stop word, plurals cut), and, when the run has parts, each part.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if run.is_empty() || run.len() > 80 {
            continue;
        }
        push_term(&mut out, run);
        let parts = parts(run);
        if parts.len() > 1 {
            for part in parts {
                push_term(&mut out, part);
            }
        }
    }
    out
}

fn push_term(out: &mut Vec<String>, word: &str) {
    let word = word.trim_matches('_').to_lowercase();
    if word.chars().count() < 2 || STOPWORDS.contains(&word.as_str()) {
        return;
    }
    out.push(stem(word));
}

/// The parts of a run: split at `_`, between letters and digits, before a capital that follows
/// a small letter (`accessToken`), and before the last capital of a run of capitals followed by
/// a small letter (`SPOTenant`).
fn parts(run: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let (_, before) = chars[i - 1];
        let after = chars.get(i + 1).map(|&(_, c)| c);
        let cut = c == '_'
            || before == '_'
            || (c.is_ascii_digit() != before.is_ascii_digit()
                && c.is_alphanumeric()
                && before.is_alphanumeric())
            || (c.is_uppercase() && before.is_lowercase())
            || (c.is_uppercase() && before.is_uppercase() && after.is_some_and(char::is_lowercase));
        if cut {
            if at > start {
                out.push(&run[start..at]);
            }
            start = at;
        }
    }
    out.push(&run[start..]);
    out.into_iter().map(|p| p.trim_matches('_')).filter(|p| !p.is_empty()).collect()
}

/// A light plural cut: `tokens` -> `token`, `policies` -> `policy`; not `access`, `status`.
fn stem(word: String) -> String {
    if word.len() < 5 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word;
    }
    if let Some(base) = word.strip_suffix("ies") {
        return format!("{base}y");
    }
    if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        let mut word = word;
        word.pop();
        return word;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_read_whole_and_in_parts() {
        // The same cut whatever the case: `aadsts` is searched as `aadst` in both.
        assert_eq!(terms("AADSTS7000215"), ["aadsts7000215", "aadst", "7000215"]);
        assert_eq!(
            terms("InvalidAuthenticationToken"),
            ["invalidauthenticationtoken", "invalid", "authentication", "token"]
        );
        assert_eq!(terms("Set-SPOTenant"), ["set", "spotenant", "spo", "tenant"]);
        assert_eq!(terms("invalid_client"), ["invalid_client", "invalid", "client"]);
        assert_eq!(terms("the tokens of policies"), ["token", "policy"]);
        assert_eq!(terms("AADSTS aadsts"), ["aadst", "aadst"]);
        assert_eq!(terms("access status 401"), ["access", "status", "401"]);
    }

    #[test]
    fn codes_are_keyed_by_their_runs() {
        assert_eq!(code_key("530 5.7.57"), "5305757");
        assert_eq!(code_key("AADSTS7000215"), "aadsts7000215");
        assert_eq!(code_key("graph-throttled"), "graphthrottled");
        assert_eq!(code_keys("AADSTS7000215"), ["aadsts7000215", "7000215"]);
        assert_eq!(code_keys("530 5.7.57"), ["5305757", "5757"]);
        assert_eq!(
            code_keys("Azure.Identity.AuthenticationFailedException"),
            ["azureidentityauthenticationfailedexception", "authenticationfailedexception"]
        );
    }
}
