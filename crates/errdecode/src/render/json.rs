//! JSON: serde's rendering of the core's own types (the decode document is the wire format).

use std::io::{self, Write};

use errdecode_core::token::TokenVerdict;
use errdecode_core::{DecodeDocument, SearchHit};
use errdecode_kb::{Cause, ErrorEntry, KnowledgeBase};
use serde::Serialize;
use serde_json::json;

use super::{KbCheck, Renderer, Stats};

pub struct Json;

pub fn write(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// The fields of an entry a listing shows.
pub fn entry_row(e: &ErrorEntry) -> serde_json::Value {
    json!({"id": e.id, "product": e.product, "topic": e.topic, "codes": e.codes, "http_status": e.http_status, "title": e.title, "tier": e.tier})
}

impl Renderer for Json {
    fn decode(&self, out: &mut dyn Write, doc: &DecodeDocument) -> io::Result<()> {
        write(out, doc)
    }

    fn tokens(&self, out: &mut dyn Write, verdict: &TokenVerdict) -> io::Result<()> {
        write(out, verdict)
    }

    fn error_page(&self, out: &mut dyn Write, _: &KnowledgeBase, e: &ErrorEntry) -> io::Result<()> {
        write(out, e)
    }

    fn cause_page(&self, out: &mut dyn Write, _: &KnowledgeBase, c: &Cause) -> io::Result<()> {
        write(out, c)
    }

    fn search(&self, out: &mut dyn Write, _: &str, hits: &[SearchHit], _: usize) -> io::Result<()> {
        write(out, &hits)
    }

    fn list(&self, out: &mut dyn Write, entries: &[&ErrorEntry], _: usize) -> io::Result<()> {
        let rows: Vec<serde_json::Value> = entries.iter().map(|e| entry_row(e)).collect();
        write(out, &rows)
    }

    fn stats(&self, out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
        write(out, stats)
    }

    fn kb_check(&self, out: &mut dyn Write, _: &mut dyn Write, r: &KbCheck<'_>) -> io::Result<()> {
        let problems: Vec<serde_json::Value> = r
            .problems
            .iter()
            .map(|p| json!({"path": p.path, "line": p.line, "message": p.message, "hint": p.hint}))
            .collect();
        write(out, &json!({"ok": r.ok, "problems": problems, "stats": r.stats}))
    }
}
