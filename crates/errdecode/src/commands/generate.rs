//! `errdecode completions SHELL` and `errdecode man`: generated from the clap definitions, so
//! they never fall behind the commands.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "errdecode", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page: the main page, then one section per command with its options.
pub fn man() -> Result<ExitCode> {
    let command = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        render_subcommand(&mut page, sub, "errdecode")?;
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn render_subcommand(page: &mut Vec<u8>, sub: &clap::Command, parent: &str) -> Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    writeln!(page, ".SH \"{}\"", name.to_uppercase())?;
    let man = clap_mangen::Man::new(sub.clone().name(name.clone()));
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        writeln!(page, "{}", roff_text(&about.to_string()))?;
    }
    writeln!(page, ".PP\n\\fBUsage:\\fR")?;
    writeln!(
        page,
        "{}",
        roff_text(&sub.clone().bin_name(&name).render_usage().to_string().replace("Usage: ", ""))
    )?;
    let mut options = Vec::new();
    man.render_options_section(&mut options)?;
    // Keep the options but not their own section heading (this is one section already).
    let options =
        String::from_utf8_lossy(&options).replacen(".SH OPTIONS", ".PP\n\\fBOptions:\\fR", 1);
    page.extend_from_slice(options.as_bytes());
    if let Some(after) = sub.get_after_help() {
        writeln!(page, ".PP\n.nf\n{}\n.fi", roff_text(&after.to_string()))?;
    }
    for nested in sub.get_subcommands().filter(|s| s.get_name() != "help") {
        render_subcommand(page, nested, &name)?;
    }
    Ok(())
}

/// Text as roff: backslashes escaped, no line starting with a control character.
fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e")
        .lines()
        .map(|line| {
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
