//! `errdecode serve` and `errdecode export`: the web crate's site, through the CLI.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use super::KbSource;
use crate::cli::{ExportArgs, ServeArgs};

/// `HOST:PORT` with a name (`localhost:8080`) or an address; the first address it resolves to.
pub fn resolve(addr: &str) -> Result<SocketAddr> {
    if let Ok(parsed) = addr.parse::<SocketAddr>() {
        return Ok(parsed);
    }
    let mut found = addr.to_socket_addrs().with_context(|| {
        format!("`{addr}` is not an address to listen on; give HOST:PORT, such as 127.0.0.1:8080 or localhost:8080")
    })?;
    // localhost names IPv6 and IPv4 loopback; take IPv4 first, as browsers will reach it.
    let all: Vec<SocketAddr> = found.by_ref().collect();
    all.iter()
        .find(|a| a.is_ipv4())
        .or_else(|| all.first())
        .copied()
        .with_context(|| format!("`{addr}` resolves to no address"))
}

pub fn run(source: &KbSource, args: ServeArgs) -> Result<ExitCode> {
    let addr = resolve(&args.addr)?;
    let decoder = source.load()?;
    let feedback = match &args.feedback_db {
        Some(spec) => {
            Some(errdecode_web::feedback::Feedback::new(super::feedback::open(spec)?, decoder.kb()))
        }
        None => None,
    };
    let site = errdecode_web::Site::new(Arc::new(decoder))
        .context("the site's templates did not compile")?;
    errdecode_web::init_logging();
    let mut out = anstream::stdout().lock();
    errdecode_web::serve_forever_with(site, addr, feedback, |bound| {
        let _ = writeln!(out, "errdecode: serving on http://{bound}/ (Ctrl-C to stop)");
        let _ = out.flush();
    })
    .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(source: &KbSource, args: ExportArgs) -> Result<ExitCode> {
    let decoder = source.load()?;
    let site = errdecode_web::Site::new(Arc::new(decoder))
        .context("the site's templates did not compile")?;
    let summary =
        errdecode_web::export::export(&site, &args.dir, errdecode_web::export::Progress::auto())?;
    writeln!(
        anstream::stdout().lock(),
        "wrote {} pages ({} files, {:.1} MB) to {}",
        summary.pages,
        summary.files,
        summary.bytes as f64 / 1_000_000.0,
        summary.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
