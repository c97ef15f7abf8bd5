//! The report: per error, how often each cause was confirmed, rejected, and "none of these";
//! and the causes whose confirmations disagree most with their priors.
//!
//! An entry's prior for a cause says how often that cause is the answer before any evidence.
//! What the verdicts say about the same thing is the cause's *share*: its confirmations over
//! every verdict that named the answer for that entry (all confirmations, plus "none of these",
//! whose answer is a cause not ranked). The suggested prior moves the prior towards the share
//! as verdicts accumulate: `(confirmed + K * prior) / (answers + K)`, with `K` = 10 verdicts'
//! worth of trust in the prior as written.

use std::collections::BTreeMap;

use errdecode_kb::KnowledgeBase;
use serde::Serialize;

use crate::store::Tally;

/// How many verdicts the written prior counts for.
pub const PRIOR_WEIGHT: f64 = 10.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub kb_version: String,
    /// Every verdict stored.
    pub verdicts: u64,
    /// Per error, most verdicts first.
    pub errors: Vec<ErrorReport>,
    /// Causes whose share of confirmations is furthest from their prior, most first.
    pub disagreements: Vec<Disagreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorReport {
    /// The matched entry (`None`: pastes that matched no entry).
    pub entry: Option<String>,
    pub title: Option<String>,
    pub verdicts: u64,
    pub none_of_these: u64,
    pub causes: Vec<CauseCounts>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseCounts {
    pub cause: String,
    pub confirmed: u64,
    pub rejected: u64,
    /// The entry's prior for this cause, when the entry lists it.
    pub prior: Option<f64>,
    /// Confirmations over the entry's answers (confirmations and "none of these").
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub entry: String,
    pub cause: String,
    pub prior: f64,
    pub share: f64,
    /// Verdicts that named the answer for this entry.
    pub answers: u64,
    pub confirmed: u64,
    pub suggested_prior: f64,
    /// How far the share is from the prior, in standard errors of a share of `answers`
    /// verdicts if the prior were right.
    pub z: f64,
}

/// Builds the report from the tallies and the knowledge base the verdicts refer to.
pub fn build(kb: &KnowledgeBase, kb_version: &str, tallies: &[Tally]) -> Report {
    #[derive(Default)]
    struct Acc {
        none: u64,
        causes: BTreeMap<String, (u64, u64)>,
    }
    let mut by_entry: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    let mut verdicts = 0;
    for tally in tallies {
        verdicts += tally.count;
        let acc = by_entry.entry(tally.entry.clone()).or_default();
        match (tally.verdict.as_str(), &tally.cause) {
            ("none", _) => acc.none += tally.count,
            ("confirmed", Some(cause)) => {
                acc.causes.entry(cause.clone()).or_default().0 += tally.count
            }
            ("rejected", Some(cause)) => {
                acc.causes.entry(cause.clone()).or_default().1 += tally.count
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let mut disagreements = Vec::new();
    for (entry, acc) in by_entry {
        let kb_entry = entry.as_deref().and_then(|id| kb.error(id));
        let confirmed_total: u64 = acc.causes.values().map(|(c, _)| c).sum();
        let answers = confirmed_total + acc.none;
        let mut causes: Vec<CauseCounts> = acc
            .causes
            .iter()
            .map(|(cause, &(confirmed, rejected))| {
                let prior = kb_entry
                    .and_then(|e| e.causes.iter().find(|c| &c.id == cause))
                    .map(|c| round(f64::from(c.prior), 3));
                let share = (answers > 0).then(|| round(confirmed as f64 / answers as f64, 3));
                CauseCounts { cause: cause.clone(), confirmed, rejected, prior, share }
            })
            .collect();
        // Listed causes nobody confirmed still disagree with their prior.
        if let Some(kb_entry) = kb_entry {
            for listed in &kb_entry.causes {
                if !causes.iter().any(|c| c.cause == listed.id) {
                    causes.push(CauseCounts {
                        cause: listed.id.clone(),
                        confirmed: 0,
                        rejected: 0,
                        prior: Some(round(f64::from(listed.prior), 3)),
                        share: (answers > 0).then_some(0.0),
                    });
                }
            }
        }
        causes.sort_by(|a, b| {
            (b.confirmed, b.rejected)
                .cmp(&(a.confirmed, a.rejected))
                .then_with(|| a.cause.cmp(&b.cause))
        });
        if let (Some(entry), true) = (&entry, answers > 0) {
            for c in &causes {
                let Some(prior) = c.prior else { continue };
                let share = c.confirmed as f64 / answers as f64;
                let p = prior.clamp(0.02, 0.98);
                let z = (share - prior) / (p * (1.0 - p) / answers as f64).sqrt();
                let suggested =
                    (c.confirmed as f64 + PRIOR_WEIGHT * prior) / (answers as f64 + PRIOR_WEIGHT);
                disagreements.push(Disagreement {
                    entry: entry.clone(),
                    cause: c.cause.clone(),
                    prior,
                    share: round(share, 3),
                    answers,
                    confirmed: c.confirmed,
                    suggested_prior: round(suggested, 2),
                    z: round(z, 2),
                });
            }
        }
        let verdicts = acc.causes.values().map(|(c, r)| c + r).sum::<u64>() + acc.none;
        errors.push(ErrorReport {
            title: kb_entry.map(|e| e.title.clone()),
            entry,
            verdicts,
            none_of_these: acc.none,
            causes,
        });
    }
    errors.sort_by(|a, b| b.verdicts.cmp(&a.verdicts).then_with(|| a.entry.cmp(&b.entry)));
    disagreements.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then_with(|| a.entry.cmp(&b.entry))
            .then_with(|| a.cause.cmp(&b.cause))
    });
    disagreements.retain(|d| d.z.abs() >= 1.0);
    Report { kb_version: kb_version.to_string(), verdicts, errors, disagreements }
}

fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}
