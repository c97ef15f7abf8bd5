//! Search over the embedded knowledge base: what people type finds what they mean.

use std::sync::LazyLock;

use errdecode_core::Decoder;

static DECODER: LazyLock<Decoder> = LazyLock::new(|| {
    Decoder::new(errdecode_kb::load_embedded().expect("the embedded knowledge base is valid"))
});

fn ids(query: &str, limit: usize) -> Vec<String> {
    DECODER.search(query, limit).into_iter().map(|hit| hit.id).collect()
}

/// Each entry's related searches are what people type when they meet it: every one of them
/// finds its entry among the first three.
#[test]
fn every_related_search_finds_its_entry_in_the_top_three() {
    let mut total = 0;
    let mut misses = Vec::new();
    for entry in &DECODER.kb().errors {
        for query in &entry.related_searches {
            total += 1;
            let found = ids(query, 3);
            if !found.contains(&entry.id) {
                misses.push(format!("{query:?} should find {}, found {found:?}", entry.id));
            }
        }
    }
    assert!(total > 800, "the knowledge base lists {total} related searches");
    assert!(misses.is_empty(), "{} of {total} miss:\n{}", misses.len(), misses.join("\n"));
}

#[test]
fn a_code_is_found_however_it_is_written() {
    for query in ["AADSTS7000215", "aadsts7000215", "7000215", "AADSTS 7000215", "AADSTS-7000215"] {
        assert_eq!(ids(query, 1), ["aadsts7000215"], "{query}");
    }
    assert_eq!(ids("530 5.7.57", 1), ["exo-smtp-530-5-7-57"]);
    assert_eq!(ids("5.7.57", 1), ["exo-smtp-530-5-7-57"]);
    assert_eq!(ids("AuthenticationFailedException", 1), ["client-authenticationfailedexception"]);
    let hits = DECODER.search("AADSTS7000215", 1);
    assert!(hits[0].score >= 0.5, "a named code scores as sure: {hits:?}");
}

#[test]
fn a_code_with_words_puts_the_code_first() {
    assert_eq!(ids("AADSTS65001 on-behalf-of knownClientApplications", 1), ["aadsts65001"]);
    assert_eq!(
        ids("graph api 401 invalid authentication token", 1)[0],
        "graph-invalid-authentication-token"
    );
}

#[test]
fn a_code_being_typed_finds_the_codes_it_starts() {
    let found = ids("AADSTS70001", 20);
    assert!(found.contains(&"aadsts70001".to_string()) && found.len() > 1, "{found:?}");
    // A plain word is searched as a word, not as the start of a code.
    assert!(DECODER.search("token", 1)[0].score < 0.5);
}

#[test]
fn words_rank_the_entry_that_holds_the_rarest_of_them_first() {
    let found = ids("insufficient privileges", 2);
    assert!(found.contains(&"graph-authorization-request-denied".to_string()), "{found:?}");
    assert!(found.contains(&"mgps-insufficient-privileges".to_string()), "{found:?}");
}

#[test]
fn the_total_counts_every_match_not_only_those_shown() {
    let some = DECODER.search_counted("token", 5);
    let all = DECODER.search_counted("token", usize::MAX);
    assert_eq!(some.hits.len(), 5);
    assert_eq!(some.total, all.total);
    assert_eq!(all.hits.len(), all.total);
    assert!(some.total > 50, "{}", some.total);
    assert_eq!(
        some.hits.iter().map(|h| &h.id).collect::<Vec<_>>(),
        all.hits.iter().take(5).map(|h| &h.id).collect::<Vec<_>>()
    );
}

#[test]
fn nothing_is_found_for_nothing() {
    for query in ["", "   ", "the of and", "zzqxv"] {
        let found = DECODER.search_counted(query, 10);
        assert_eq!(found.total, 0, "{query:?}: {found:?}");
        assert!(found.hits.is_empty());
    }
}

#[test]
fn scores_lie_in_zero_to_one_and_fall() {
    for query in ["AADSTS50076", "mailbox not found app only", "401", "token expired"] {
        let hits = DECODER.search(query, 100);
        assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.score)), "{query}: {hits:?}");
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{query}: {hits:?}");
    }
}
