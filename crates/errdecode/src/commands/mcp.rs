//! `errdecode mcp`: the Model Context Protocol server on stdio (see `crate::mcp`).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use super::KbSource;

pub fn run(source: &KbSource) -> Result<ExitCode> {
    let decoder = Arc::new(source.load()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the MCP server's runtime")?;
    runtime.block_on(crate::mcp::serve(decoder, super::now))?;
    Ok(ExitCode::SUCCESS)
}
