//! Command-line definitions and dispatch. Only this module knows clap.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use errdecode_core::{DecodeOptions, Decoder, PermissionIndex};

use crate::{input, render};

/// errdecode, the IT Error Decoder: paste a failing Microsoft Graph, Entra ID, Graph
/// PowerShell, MSAL or Exchange Online error; get the known error, its fix, and the root
/// causes ranked by the evidence in your paste. Nothing is sent anywhere.
#[derive(Parser, Debug)]
#[command(name = "errdecode", version, about, long_about = None)]
pub struct Cli {
    /// Output format.
    #[arg(long, short, value_enum, global = true, default_value_t = Format::Text)]
    pub format: Format,
    /// Use the knowledge base in this folder instead of the embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    pub kb: Option<PathBuf>,
    /// Use Microsoft's Graph permissions file (permissions.json) for endpoint permissions.
    #[arg(long, global = true, value_name = "FILE")]
    pub permissions: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode a paste: the known error, ranked causes with evidence, what is ruled out.
    Decode {
        /// File holding the paste; `-` or nothing reads standard input.
        file: Option<String>,
    },
    /// Decode a JWT (or every token in a paste) and explain its claims.
    Token {
        /// The token, a file holding it, or `-`/nothing for standard input.
        token: Option<String>,
    },
    /// Show the page of a known error or a cause.
    Show {
        /// An error id (`aadsts50012`), a code (`AADSTS50012`) or a cause id (`token-expired`).
        id: String,
    },
    /// Search the known errors by code, title, message or variation.
    Search {
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
    },
    /// List the known errors.
    List {
        /// Only this product (microsoft-graph, entra-id, graph-powershell, msal, exchange-online).
        #[arg(long)]
        product: Option<String>,
    },
    /// Serve the web site and the JSON API on the embedded (or --kb) knowledge base.
    #[cfg(feature = "web")]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        addr: std::net::SocketAddr,
    },
    /// Write the site as static files (every browse, error and cause page, search, assets).
    #[cfg(feature = "web")]
    Export {
        /// Folder to write into: new, empty, or an earlier export.
        dir: PathBuf,
    },
    /// Knowledge-base tools.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum KbCommand {
    /// Validate the knowledge base; every problem at once, with file and line.
    Check,
    /// Count what the knowledge base covers.
    Stats,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    if matches!(cli.command, Command::Kb { command: KbCommand::Check }) {
        return kb_check(&cli);
    }
    let decoder = load_decoder(&cli)?;
    let mut out = anstream::stdout().lock();
    let format = cli.format;
    let options = DecodeOptions { now: Some(now()), ..Default::default() };
    match cli.command {
        Command::Decode { file } => {
            let paste = input::read_paste(file.as_deref())?;
            let document = decoder.decode(&paste, &options);
            // Rendered whole, then written through the redactor: no signature or secret
            // quoted from the paste reaches the terminal, a file or a chat.
            let mut rendered = Vec::new();
            match format {
                Format::Json => writeln!(rendered, "{}", document.to_json(true))?,
                Format::Text => render::text::decode(&mut rendered, &document)?,
                Format::Markdown => render::markdown::decode(&mut rendered, &document)?,
            }
            write_redacted(&mut out, &rendered)?;
            Ok(if document.recognised { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Token { token } => {
            let text = input::read_token_argument(token.as_deref())?;
            let (reports, warnings) = decoder.decode_tokens(&text, &options);
            if reports.is_empty() && format != Format::Json {
                bail!("no token found: give a JWT (eyJ...), a line with `Bearer <token>`, or pasted claims");
            }
            let mut rendered = Vec::new();
            match format {
                Format::Json => writeln!(
                    rendered,
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"tokens": reports, "warnings": warnings})
                    )?
                )?,
                Format::Text => render::text::tokens(&mut rendered, &reports, &warnings)?,
                Format::Markdown => render::markdown::tokens(&mut rendered, &reports, &warnings)?,
            }
            write_redacted(&mut out, &rendered)?;
            Ok(if reports.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Show { id } => {
            let kb = decoder.kb();
            // No id is longer than this: a longer one is cut before any lookup.
            let id: String = id.chars().take(errdecode_kb::SUGGEST_CHARS).collect();
            let wanted = id.to_ascii_lowercase();
            let entry = kb
                .error(&wanted)
                .or_else(|| {
                    kb.errors.iter().find(|e| {
                        e.codes.iter().any(|c| c.to_ascii_lowercase() == wanted)
                            && e.messages.is_empty()
                            && e.when.is_empty()
                    })
                })
                .or_else(|| {
                    kb.errors
                        .iter()
                        .find(|e| e.codes.iter().any(|c| c.to_ascii_lowercase() == wanted))
                });
            if let Some(entry) = entry {
                match format {
                    Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(entry)?)?,
                    Format::Text => render::text::error_page(&mut out, kb, entry)?,
                    Format::Markdown => render::markdown::error_page(&mut out, kb, entry)?,
                }
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(cause) = kb.cause(&wanted) {
                match format {
                    Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(cause)?)?,
                    Format::Text => render::text::cause_page(&mut out, kb, cause)?,
                    Format::Markdown => render::markdown::cause_page(&mut out, kb, cause)?,
                }
                return Ok(ExitCode::SUCCESS);
            }
            let hits = decoder.suggest(&id);
            let mut err = anstream::stderr().lock();
            let shown: String = id.chars().take(120).collect();
            let shown = errdecode_core::redact::redact(&shown);
            writeln!(err, "errdecode: no error or cause with the id `{shown}`")?;
            if !hits.is_empty() {
                writeln!(err, "did you mean:")?;
                for hit in hits {
                    writeln!(err, "  {}  {}", hit.id, hit.title)?;
                }
            }
            Ok(ExitCode::from(1))
        }
        Command::Search { query } => {
            let query = query.join(" ");
            let hits = decoder.search(&query, 20);
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?,
                Format::Text => render::text::search(&mut out, &query, &hits)?,
                Format::Markdown => render::markdown::search(&mut out, &query, &hits)?,
            }
            Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::List { product } => {
            let kb = decoder.kb();
            if let Some(product) = &product {
                if kb.product(product).is_none() {
                    let known: Vec<&str> = kb.products.iter().map(|p| p.id.as_str()).collect();
                    bail!("unknown product `{product}`; use one of: {}", known.join(", "));
                }
            }
            let entries: Vec<&errdecode_kb::ErrorEntry> = kb
                .errors
                .iter()
                .filter(|e| product.as_ref().is_none_or(|p| &e.product == p))
                .collect();
            match format {
                Format::Json => {
                    let rows: Vec<serde_json::Value> = entries
                        .iter()
                        .map(|e| serde_json::json!({"id": e.id, "product": e.product, "topic": e.topic, "codes": e.codes, "http_status": e.http_status, "title": e.title, "tier": e.tier}))
                        .collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
                }
                Format::Text | Format::Markdown => render::text::list(&mut out, &entries)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "web")]
        Command::Serve { addr } => {
            let site = errdecode_web::Site::new(std::sync::Arc::new(decoder))
                .context("the site's templates did not compile")?;
            errdecode_web::init_logging();
            errdecode_web::serve_forever(site, addr, |bound| {
                let _ = writeln!(out, "errdecode: serving on http://{bound}/ (Ctrl-C to stop)");
                let _ = out.flush();
            })
            .with_context(|| format!("cannot serve on {addr}"))?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "web")]
        Command::Export { dir } => {
            let site = errdecode_web::Site::new(std::sync::Arc::new(decoder))
                .context("the site's templates did not compile")?;
            let summary = errdecode_web::export::export(
                &site,
                &dir,
                errdecode_web::export::Progress::auto(),
            )?;
            writeln!(
                out,
                "wrote {} pages ({} files, {:.1} MB) to {}",
                summary.pages,
                summary.files,
                summary.bytes as f64 / 1_000_000.0,
                summary.dir.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Kb { command: KbCommand::Check } => unreachable!("handled before loading"),
        Command::Kb { command: KbCommand::Stats } => {
            let stats = render::stats(decoder.kb());
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?,
                _ => render::text::stats(&mut out, &stats)?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Every problem at once: the structural ones from parsing, then the ones that need the
/// decoder (signal names, variations that must decode to their own entry).
fn kb_check(cli: &Cli) -> Result<ExitCode> {
    let files = match &cli.kb {
        Some(dir) => errdecode_kb::read_dir(dir).map_err(|p| anyhow::anyhow!("{p}"))?,
        None => errdecode_kb::embedded_files(),
    };
    let (kb, mut problems) = errdecode_kb::parse(&files);
    let decoder = Decoder::new(kb);
    problems.extend(errdecode_core::kb_check::check(&decoder, &files));
    if problems.is_empty() {
        let kb = decoder.kb();
        let mut out = anstream::stdout().lock();
        writeln!(
            out,
            "knowledge base ok: {} errors, {} causes, {} products, {} endpoints",
            kb.errors.len(),
            kb.causes.len(),
            kb.products.len(),
            kb.endpoint_permissions.len()
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        let mut err = anstream::stderr().lock();
        write!(err, "{}", errdecode_kb::Problems(problems))?;
        Ok(ExitCode::from(1))
    }
}

fn load_decoder(cli: &Cli) -> Result<Decoder> {
    let kb = match &cli.kb {
        Some(dir) => errdecode_kb::load_dir(dir)
            .map_err(|problems| anyhow::anyhow!("{problems}"))
            .with_context(|| format!("the knowledge base in {} is not valid", dir.display()))?,
        None => errdecode_kb::load_embedded()
            .map_err(|problems| anyhow::anyhow!("{problems}"))
            .context("the embedded knowledge base is not valid")?,
    };
    let mut decoder = Decoder::new(kb);
    if let Some(path) = &cli.permissions {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let index = PermissionIndex::from_microsoft_json(&text)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{} is not a Graph permissions file", path.display()))?;
        decoder = decoder.with_permissions(index);
    }
    Ok(decoder)
}

/// Entries close to an id that does not exist: a search, then shorter and shorter prefixes
/// (`aadsts7000216` finds `aadsts7000215`).
/// Writes `rendered` with every signature and secret removed (see `errdecode_core::redact`).
fn write_redacted(out: &mut impl Write, rendered: &[u8]) -> Result<()> {
    let text = String::from_utf8_lossy(rendered);
    out.write_all(errdecode_core::redact::redact(&text).as_bytes())?;
    Ok(())
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
