//! `errdecode list`.

use std::process::ExitCode;

use anyhow::{bail, Result};
use errdecode_kb::ErrorEntry;

use super::KbSource;
use crate::cli::ListArgs;
use crate::render;

pub fn run(source: &KbSource, args: ListArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let kb = decoder.kb();
    if let Some(product) = &args.product {
        if kb.product(product).is_none() {
            let known: Vec<&str> = kb.products.iter().map(|p| p.id.as_str()).collect();
            bail!("unknown product `{product}`; use one of: {}", known.join(", "));
        }
    }
    let matching: Vec<&ErrorEntry> = kb
        .errors
        .iter()
        .filter(|e| args.product.as_ref().is_none_or(|p| &e.product == p))
        .collect();
    let total = matching.len();
    let shown = &matching[..args.limit.unwrap_or(total).min(total)];
    let mut out = anstream::stdout().lock();
    render::renderer(args.format.format).list(&mut out, shown, total)?;
    Ok(ExitCode::SUCCESS)
}
