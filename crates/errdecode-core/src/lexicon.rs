//! Every literal the matcher and the ranker key on, found in one pass over the paste.
//!
//! A message template is tried only when the paste holds its longest words, and a cause's text
//! pattern only where the paste holds one of the literal prefixes every match of it starts
//! with. Each is a set of hundreds of literals; one Aho-Corasick automaton over both reads the
//! lower-cased paste once, instead of once per set. The literals are lower-case, so the
//! automaton needs no case folding of its own.

use aho_corasick::AhoCorasick;

use crate::haystack::Haystack;

/// Who asked for a literal, and its index in their list.
#[derive(Debug, Clone, Copy)]
enum Key {
    TemplateWord(u32),
    RulePrefix(u32),
}

pub struct Lexicon {
    automaton: Option<AhoCorasick>,
    keys: Vec<Key>,
}

/// Where the paste holds the literals.
#[derive(Debug, Default)]
pub struct LexiconHits {
    /// Indexes into the template words, each once.
    pub template_words: Vec<u32>,
    /// Indexes into the rule prefixes, with where each occurrence starts, in text order.
    pub rule_prefixes: Vec<(u32, usize)>,
}

impl Lexicon {
    /// `template_words` and `rule_prefixes` must be lower-case.
    pub fn new(template_words: &[String], rule_prefixes: &[String]) -> Lexicon {
        let mut literals: Vec<&str> = Vec::new();
        let mut keys = Vec::new();
        for (index, word) in template_words.iter().enumerate() {
            literals.push(word);
            keys.push(Key::TemplateWord(index as u32));
        }
        for (index, prefix) in rule_prefixes.iter().enumerate() {
            literals.push(prefix);
            keys.push(Key::RulePrefix(index as u32));
        }
        debug_assert!(literals.iter().all(|l| !l.bytes().any(|b| b.is_ascii_uppercase())));
        let automaton = AhoCorasick::new(&literals).ok();
        Lexicon { automaton, keys }
    }

    pub fn scan(&self, haystack: &Haystack) -> LexiconHits {
        let mut hits = LexiconHits::default();
        let Some(automaton) = &self.automaton else { return hits };
        for found in automaton.find_overlapping_iter(haystack.lower()) {
            match self.keys[found.pattern().as_usize()] {
                Key::TemplateWord(word) => hits.template_words.push(word),
                Key::RulePrefix(prefix) => hits.rule_prefixes.push((prefix, found.start())),
            }
        }
        hits.template_words.sort_unstable();
        hits.template_words.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_kinds_in_any_case_overlapping() {
        let words = vec!["tenant".to_string(), "exist".to_string(), "absent".to_string()];
        let prefixes = vec!["the ten".to_string(), "tenant".to_string()];
        let lexicon = Lexicon::new(&words, &prefixes);
        let hits = lexicon.scan(&Haystack::new("The TENANT does not exist; the tenant"));
        assert_eq!(hits.template_words, [0, 1]);
        assert_eq!(hits.rule_prefixes, [(0, 0), (1, 4), (0, 27), (1, 31)]);
    }
}
