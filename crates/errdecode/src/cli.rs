//! Command-line definitions and dispatch. Only this module and `commands/` know clap; each
//! command lives in its own file under `commands/`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

const EXAMPLES: &str = "\
Examples:
  errdecode decode paste.txt                 decode a saved paste (or: pbpaste | errdecode decode)
  errdecode decode --format json -           the decode document on stdout
  errdecode token eyJ0eXAiOi...              decode and check a JWT
  errdecode token --json --aud https://graph.microsoft.com token.txt
  errdecode show AADSTS7000215               the page of a known error (or a cause id)
  errdecode search --limit 5 insufficient privileges
  errdecode list --product exchange-online
  errdecode mcp                              the MCP server for AI assistants, on stdio
  errdecode completions zsh > ~/.zfunc/_errdecode

Exit codes:
  0  recognised / found / the token has no problem
  1  not recognised with confidence (decode), nothing found (search, show), the token has
     problems or no token was given (token), problems found (kb check)
  2  usage error or unreadable input
  A closed pipe (errdecode ... | head) is not an error.

Nothing you paste leaves your machine. NO_COLOR turns colours off, as --color never does.";

/// errdecode, the IT Error Decoder: paste a failing Microsoft Graph, Entra ID, Graph
/// PowerShell, MSAL or Exchange Online error; get the known error, its fix, and the root
/// causes ranked by the evidence in your paste. Nothing is sent anywhere.
#[derive(Parser, Debug)]
#[command(name = "errdecode", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
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
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// `--format` for the commands that print a report.
#[derive(Args, Debug, Clone, Copy)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `--format` for the commands that print data only (no Markdown).
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone, Copy)]
pub struct DataFormatArg {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = DataFormat::Text)]
    pub format: DataFormat,
}

impl From<DataFormat> for Format {
    fn from(format: DataFormat) -> Format {
        match format {
            DataFormat::Text => Format::Text,
            DataFormat::Json => Format::Json,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode a paste: the known error, ranked causes with evidence, what is ruled out.
    #[command(
        after_help = "Examples:\n  errdecode decode paste.txt\n  pbpaste | errdecode decode\n  errdecode decode --format markdown paste.txt > diagnosis.md\n  errdecode decode --format json --now 1763638928 paste.txt   (the same document on any day)\n\nExit codes: 0 recognised, 1 not recognised with confidence, 2 unreadable input.\nUTF-8 (with or without a BOM), UTF-16 (PowerShell's `>`), CRLF and clipboard spaces are read as they are."
    )]
    Decode(DecodeArgs),
    /// Decode a JWT (or every token in a paste), explain its claims and check it: expiry,
    /// not-before, audience, issuer, shape.
    #[command(
        after_help = "Examples:\n  errdecode token eyJ0eXAiOi...\n  errdecode token --json token.txt | jq .valid\n  errdecode token --at 2025-11-20T11:42:08Z --aud https://graph.microsoft.com -\n\nThe signature is never checked (that needs the issuer's keys; Microsoft Graph tokens carry a\nnonce and only Graph can check them) and never printed.\n\nExit codes: 0 the token decodes and has no problem, 1 it has problems or no token was found,\n2 usage error or unreadable input."
    )]
    Token(TokenArgs),
    /// Show the page of a known error or a cause.
    #[command(
        after_help = "Examples:\n  errdecode show AADSTS7000215\n  errdecode show token-expired\n\nExit codes: 0 found, 1 no such error or cause (suggestions on stderr)."
    )]
    Show(ShowArgs),
    /// Search the known errors by code, title, message or variation.
    #[command(
        after_help = "Examples:\n  errdecode search insufficient privileges\n  errdecode search --limit 3 --format json AADSTS700\n\nExit codes: 0 found, 1 nothing found."
    )]
    Search(SearchArgs),
    /// List the known errors.
    #[command(
        after_help = "Examples:\n  errdecode list --product entra-id --limit 20\n  errdecode list --format markdown > errors.md"
    )]
    List(ListArgs),
    /// Serve the web site and the JSON API on the embedded (or --kb) knowledge base.
    #[cfg(feature = "web")]
    #[command(
        after_help = "Examples:\n  errdecode serve\n  errdecode serve --addr localhost:3000\n  errdecode serve --feedback-db feedback.sqlite\n\nERRDECODE_LOG=off|warn|info sets the request log (on stderr). With --feedback-db,\nERRDECODE_ADMIN_TOKEN (16 characters or more) opens the report at /admin/feedback."
    )]
    Serve(ServeArgs),
    /// Write the site as static files (every browse, error and cause page, search, assets).
    #[cfg(feature = "web")]
    Export(ExportArgs),
    /// Run the Model Context Protocol server on stdio, for AI assistants (tools: decode,
    /// token, show_error, show_cause, search). Nothing leaves the machine.
    #[cfg(feature = "mcp")]
    #[command(
        after_help = "Configure your MCP client to start `errdecode mcp`, for example:\n  {\"mcpServers\": {\"errdecode\": {\"command\": \"errdecode\", \"args\": [\"mcp\"]}}}"
    )]
    Mcp,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  errdecode completions bash > ~/.local/share/bash-completion/completions/errdecode\n  errdecode completions zsh > ~/.zfunc/_errdecode\n  errdecode completions fish > ~/.config/fish/completions/errdecode.fish\n  errdecode completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), generated from these definitions.
    #[command(
        after_help = "Examples:\n  errdecode man | man -l -\n  errdecode man > /usr/local/share/man/man1/errdecode.1"
    )]
    Man,
    /// What the verdicts given on diagnoses say (`serve --feedback-db`): the report, and the
    /// prior changes they suggest.
    Feedback {
        #[command(subcommand)]
        command: FeedbackCommand,
    },
    /// Knowledge-base tools.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// File holding the paste; `-` or nothing reads standard input.
    pub file: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
    /// Decode as if it were this time instead of now, for reproducible output (whether a
    /// token in the paste is still live depends on the clock): Unix seconds, RFC 3339, or
    /// `2025-11-20 11:42:08` as UTC.
    #[arg(long, value_name = "UNIX-SECONDS", value_parser = parse_time)]
    pub now: Option<i64>,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The token, a file holding it, or `-`/nothing for standard input.
    pub token: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
    /// The verdict as JSON ({"valid", "tokens": [{"valid", "problems", ...}]}); same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Check expiry and not-before at this time instead of now (RFC 3339, `2025-11-20 11:42:08`
    /// as UTC, or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub at: Option<i64>,
    /// The audience the token must have (an app id URI, a URL or an app id).
    #[arg(long, value_name = "AUD")]
    pub aud: Option<String>,
    /// The issuer the token must have.
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// An error id (`aadsts50012`), a code (`AADSTS50012`) or a cause id (`token-expired`).
    pub id: String,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// At most this many results.
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N")]
    pub limit: usize,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only this product (microsoft-graph, entra-id, graph-powershell, msal, exchange-online, ...).
    #[arg(long)]
    pub product: Option<String>,
    /// At most this many errors.
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[cfg(feature = "web")]
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on: `HOST:PORT` (`127.0.0.1:8080`, `localhost:3000`, `[::1]:8080`).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub addr: String,
    /// Take feedback on diagnoses into this store: a SQLite file (created when missing) or
    /// postgres://... (off without it).
    #[arg(long, value_name = "PATH|postgres://...")]
    pub feedback_db: Option<String>,
}

#[cfg(feature = "web")]
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Folder to write into: new, empty, or an earlier export.
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Subcommand, Debug)]
pub enum KbCommand {
    /// Validate the knowledge base; every problem at once, with file and line.
    Check(DataFormatArg),
    /// Count what the knowledge base covers.
    Stats(DataFormatArg),
}

#[derive(Subcommand, Debug)]
pub enum FeedbackCommand {
    /// Per error, how often each cause was confirmed, rejected, and "none of these"; and the
    /// causes whose confirmations disagree most with their priors.
    #[command(
        after_help = "Examples:\n  errdecode feedback report --feedback-db feedback.sqlite\n  errdecode feedback report --feedback-db postgres://errdecode@db/errdecode --format json\n  errdecode feedback report --feedback-db feedback.sqlite --format csv > feedback.csv"
    )]
    Report(FeedbackReportArgs),
    /// The prior changes the verdicts suggest, as a unified diff of the knowledge base's files
    /// (printed; review it and apply it with `git apply`).
    #[command(
        after_help = "Examples:\n  errdecode feedback priors --feedback-db feedback.sqlite > priors.diff\n  errdecode --kb kb feedback priors --feedback-db feedback.sqlite | git apply\n\nNothing is printed on stdout when no change is worth a review (the reason goes to stderr)."
    )]
    Priors(FeedbackPriorsArgs),
}

/// `--format` of the feedback report: CSV as well, for spreadsheets.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct FeedbackReportArgs {
    /// The store `serve --feedback-db` wrote: a SQLite file or postgres://...
    #[arg(long, value_name = "PATH|postgres://...")]
    pub feedback_db: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Args, Debug)]
pub struct FeedbackPriorsArgs {
    /// The store `serve --feedback-db` wrote: a SQLite file or postgres://...
    #[arg(long, value_name = "PATH|postgres://...")]
    pub feedback_db: String,
    /// Verdicts naming the answer an error needs before its priors are worth changing.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub min_verdicts: u64,
    /// The smallest change worth a review.
    #[arg(long, default_value_t = 0.05, value_name = "X")]
    pub min_change: f64,
}

/// `--at`: RFC 3339, a date and time taken as UTC, or Unix seconds.
fn parse_time(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(unix) = text.parse::<i64>() {
        return Ok(unix);
    }
    if let Ok(moment) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        return Ok(moment.unix_timestamp());
    }
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let alt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(text, &format)
        .or_else(|_| time::PrimitiveDateTime::parse(text, &alt))
        .map(|moment| moment.assume_utc().unix_timestamp())
        .map_err(|_| {
            "give a time as 2025-11-20T11:42:08Z, 2025-11-20 11:42:08 (UTC) or Unix seconds"
                .to_string()
        })
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    let source = commands::KbSource { dir: cli.kb.clone(), permissions: cli.permissions.clone() };
    match cli.command {
        Command::Decode(args) => commands::decode::run(&source, args),
        Command::Token(args) => commands::token::run(&source, args),
        Command::Show(args) => commands::show::run(&source, args),
        Command::Search(args) => commands::search::run(&source, args),
        Command::List(args) => commands::list::run(&source, args),
        #[cfg(feature = "web")]
        Command::Serve(args) => commands::serve::run(&source, args),
        #[cfg(feature = "web")]
        Command::Export(args) => commands::serve::export(&source, args),
        #[cfg(feature = "mcp")]
        Command::Mcp => commands::mcp::run(&source),
        Command::Completions(args) => commands::generate::completions(args.shell),
        Command::Man => commands::generate::man(),
        Command::Kb { command: KbCommand::Check(format) } => {
            commands::kb::check(&source, format.format)
        }
        Command::Kb { command: KbCommand::Stats(format) } => {
            commands::kb::stats(&source, format.format)
        }
        Command::Feedback { command: FeedbackCommand::Report(args) } => {
            commands::feedback::report(&source, args)
        }
        Command::Feedback { command: FeedbackCommand::Priors(args) } => {
            commands::feedback::priors(&source, args)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_hold_together() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn reads_times() {
        assert_eq!(parse_time("1763638928"), Ok(1763638928));
        assert_eq!(parse_time("2025-11-20T11:42:08Z"), Ok(1763638928));
        assert_eq!(parse_time("2025-11-20 11:42:08"), Ok(1763638928));
        assert_eq!(parse_time("2025-11-20T12:42:08+01:00"), Ok(1763638928));
        assert!(parse_time("yesterday").is_err());
    }
}
