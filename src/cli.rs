//! Declares the command line and the version line `--version` prints; holds no behaviour
//! (see `settings`).

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

/// Find uses of Microsoft's retired ADAL libraries (Python `adal`, Node `adal-node`) and
/// rewrite them to MSAL or Azure Identity.
#[derive(Debug, Parser)]
#[command(
    name = "adalint",
    version,
    about,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Subcommand>,

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

    /// Output format (default: the configuration's `format`, else text).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Print how many findings each rule has, and how many are fixable, instead of the
    /// findings.
    #[arg(long)]
    pub statistics: bool,

    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Use this configuration file instead of looking for `adalint.toml` or
    /// `pyproject.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files.
    #[arg(long)]
    pub isolated: bool,

    /// What fixes migrate to (default: the configuration's `target`, else msal).
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,

    /// Run only these rules (rule ids or pack names; `ALL` for every rule, those whose rule
    /// file says `opt-in = true` included): one value per flag, a comma-separated list
    /// allowed; repeat the flag for more.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (rule ids or pack names): one value per flag, a comma-separated
    /// list allowed; repeat the flag for more.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
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

    /// Also scan the directories skipped by default (`node_modules`, `dist`, `.venv`, ...).
    #[arg(long)]
    pub no_default_excludes: bool,

    /// Apply the excludes to paths named on the command line too.
    #[arg(long)]
    pub force_exclude: bool,

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

/// Commands other than linting.
#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Print a rule's documentation: what it flags, the migration recipe and its fix.
    Rule {
        /// The rule id (see `--list-rules`).
        id: String,
    },
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// What `--version` prints after the name: adalint's version and its embedded rule packs'.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (rules {})",
        env!("CARGO_PKG_VERSION"),
        crate::registry::embedded_version()
    )
});

impl Args {
    /// Parses the process's arguments (exits with clap's message on a usage error, and
    /// after `--help` or `--version`).
    pub fn parse_with_version() -> Args {
        let matches = Self::command().version(VERSION.as_str()).get_matches();
        match Args::from_arg_matches(&matches) {
            Ok(args) => args,
            Err(error) => error.exit(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other viewers.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// Per file: the client ids, authorities and resources passed to ADAL.
    Inventory,
    /// The migration map by module: direct uses, uses through project wrappers, what fixes
    /// cover, what is left by hand, and an estimate in sites.
    Impact,
    /// `impact` as JSON.
    ImpactJson,
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
