//! The sections a page body may have, matched by their headings.

use serde::{Deserialize, Serialize};

/// A known section of an error or cause page. Headings are matched case-insensitively against
/// [`SectionKind::headings`], so that a typo in a heading is reported instead of silently lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    Meaning,
    Why,
    QuickFix,
    AdminFix,
    Steps,
    StillBroken,
    Confirm,
    Fix,
}

impl SectionKind {
    /// Headings accepted for this section, the first being the canonical one.
    pub fn headings(self) -> &'static [&'static str] {
        match self {
            SectionKind::Meaning => &["What it means", "What this error means"],
            SectionKind::Why => &["Why it happens", "Why this happens"],
            SectionKind::QuickFix => &["Quick fix for end users", "Quick fix"],
            SectionKind::AdminFix => &["Admin and engineer fix", "Admin / engineer fix"],
            SectionKind::Steps => &["Step by step", "Step-by-step fix"],
            SectionKind::StillBroken => &["Still broken?", "Still broken"],
            SectionKind::Confirm => &["How to confirm it", "How to confirm"],
            SectionKind::Fix => &["How to fix it", "How to fix"],
        }
    }

    pub fn canonical_heading(self) -> &'static str {
        self.headings()[0]
    }

    pub fn from_heading(heading: &str) -> Option<SectionKind> {
        let heading = heading.trim();
        ALL.iter().copied().find(|kind| {
            kind.headings().iter().any(|candidate| candidate.eq_ignore_ascii_case(heading))
        })
    }
}

const ALL: [SectionKind; 8] = [
    SectionKind::Meaning,
    SectionKind::Why,
    SectionKind::QuickFix,
    SectionKind::AdminFix,
    SectionKind::Steps,
    SectionKind::StillBroken,
    SectionKind::Confirm,
    SectionKind::Fix,
];

/// Sections of an error page, in page order. A rich page has them all; a basic one at least
/// the meaning.
pub const ERROR_SECTIONS: [SectionKind; 6] = [
    SectionKind::Meaning,
    SectionKind::Why,
    SectionKind::QuickFix,
    SectionKind::AdminFix,
    SectionKind::Steps,
    SectionKind::StillBroken,
];

/// Sections of a cause page, in page order; both are required.
pub const CAUSE_SECTIONS: [SectionKind; 2] = [SectionKind::Confirm, SectionKind::Fix];
