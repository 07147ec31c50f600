//! Declares the command line; holds no behaviour (see `settings`).

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Find uses of Microsoft's retired ADAL libraries (Python `adal`, Node `adal-node`) and
/// rewrite them to MSAL or Azure Identity.
#[derive(Debug, Parser)]
#[command(name = "adalint", version, about, max_term_width = 100)]
pub struct Args {
    /// Files or directories to scan.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Apply safe fixes and write the files.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,

    /// Also apply unsafe fixes (with `--fix` or `--diff`): rewrites that need review.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Show the fixes as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,

    /// What fixes migrate to: MSAL applications, or Azure Identity credentials (app-only
    /// flows; others fall back to MSAL).
    #[arg(long, value_enum, default_value_t = TargetArg::Msal)]
    pub target: TargetArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Run only these rules (rule ids or pack names); repeat or separate with commas.
    #[arg(long, value_name = "RULE", value_delimiter = ',', num_args = 1..)]
    pub select: Vec<String>,

    /// Skip these rules (rule ids or pack names); repeat or separate with commas.
    #[arg(long, value_name = "RULE", value_delimiter = ',', num_args = 1..)]
    pub ignore: Vec<String>,

    /// Load rule packs from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// List every rule with its fix applicability, then exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Seconds one file may take to parse before it is reported and skipped.
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    pub parse_timeout: f64,

    /// Also scan files that `.gitignore`/`.ignore` exclude, and hidden files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Exit 0 even when findings remain (tool errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print findings only: no summary, no notices.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Msal,
    AzureIdentity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}
