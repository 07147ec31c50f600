//! Turns raw arguments into validated, resolved settings: the fix mode and threshold, the
//! output format and colour, the rule selection and the walker's options.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{Args, ColorArg, FormatArg, Subcommand, TargetArg};
use crate::emit::{ColorMode, Format, ProgressMode, Verbosity};
use crate::exclusion::{DefaultExcludes, NamedPaths};
use crate::fix::FixThreshold;
use crate::lint::FixMode;
pub use crate::rule::FixTarget;
use crate::walk::IgnoreFiles;

/// Where rules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSource {
    Embedded,
    Directory(PathBuf),
}

/// What a run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Lint,
    ListRules,
    /// `adalint rule ID`.
    ShowRule(String),
    /// `adalint completions SHELL`.
    Completions(clap_complete::Shell),
}

/// Whether the output is the findings or per-rule counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Findings,
    Statistics,
}

/// What a run does with a baseline file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineMode {
    Off,
    /// Hide the findings it records.
    Compare(PathBuf),
    /// Record every current finding.
    Write(PathBuf),
}

/// Where the configuration comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// The nearest `adalint.toml` / `pyproject.toml` above the first path.
    Discover,
    File(PathBuf),
    /// `--isolated`: none.
    Ignore,
}

/// Whether remaining findings fail the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingsExit {
    Fail,
    Succeed,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub command: Command,
    pub paths: Vec<PathBuf>,
    pub mode: FixMode,
    /// `None`: the configuration's format, else text.
    pub format: Option<Format>,
    pub report: Report,
    pub baseline: BaselineMode,
    pub config: ConfigSource,
    /// `None`: the configuration's target, else MSAL.
    pub target: Option<FixTarget>,
    pub color: ColorMode,
    pub verbosity: Verbosity,
    /// Whether a progress line is drawn on standard error while files are scanned.
    pub progress: ProgressMode,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rules: RuleSource,
    pub threads: usize,
    pub parse_time_limit: std::time::Duration,
    pub ignore_files: IgnoreFiles,
    pub default_excludes: DefaultExcludes,
    /// `--force-exclude`: whether named paths are excluded too.
    pub named_paths: NamedPaths,
    pub findings_exit: FindingsExit,
}

impl Settings {
    pub fn from_args(args: Args) -> Settings {
        let threshold = if args.unsafe_fixes {
            FixThreshold::SafeAndUnsafe
        } else {
            FixThreshold::SafeOnly
        };
        let mode = if args.diff {
            FixMode::Diff(threshold)
        } else if args.fix {
            FixMode::Apply(threshold)
        } else {
            FixMode::Check
        };
        let color = match args.color {
            ColorArg::Always => ColorMode::Always,
            ColorArg::Never => ColorMode::Never,
            ColorArg::Auto => {
                if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                    ColorMode::Always
                } else {
                    ColorMode::Never
                }
            }
        };
        let threads = args
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let command = match (args.command, args.list_rules) {
            (Some(Subcommand::Rule { id }), _) => Command::ShowRule(id),
            (Some(Subcommand::Completions { shell }), _) => Command::Completions(shell),
            (None, true) => Command::ListRules,
            (None, false) => Command::Lint,
        };
        let baseline = match (args.baseline, args.write_baseline) {
            (_, Some(path)) => BaselineMode::Write(path),
            (Some(path), None) => BaselineMode::Compare(path),
            (None, None) => BaselineMode::Off,
        };
        let config = match (args.config, args.isolated) {
            (Some(path), _) => ConfigSource::File(path),
            (None, true) => ConfigSource::Ignore,
            (None, false) => ConfigSource::Discover,
        };
        Settings {
            command,
            paths: args.paths,
            mode,
            format: args.format.map(|format| match format {
                FormatArg::Text => Format::Text,
                FormatArg::Json => Format::Json,
                FormatArg::Sarif => Format::Sarif,
                FormatArg::Github => Format::Github,
                FormatArg::Inventory => Format::Inventory,
                FormatArg::Impact => Format::Impact,
                FormatArg::ImpactJson => Format::ImpactJson,
            }),
            report: if args.statistics {
                Report::Statistics
            } else {
                Report::Findings
            },
            baseline,
            config,
            target: args.target.map(|target| match target {
                TargetArg::Msal => FixTarget::Msal,
                TargetArg::AzureIdentity => FixTarget::AzureIdentity,
            }),
            color,
            verbosity: if args.quiet {
                Verbosity::Quiet
            } else {
                Verbosity::Normal
            },
            progress: if args.quiet {
                ProgressMode::Off
            } else {
                ProgressMode::detect()
            },
            select: args.select,
            ignore: args.ignore,
            rules: args
                .rules
                .map_or(RuleSource::Embedded, RuleSource::Directory),
            threads,
            parse_time_limit: std::time::Duration::try_from_secs_f64(args.parse_timeout)
                .unwrap_or(crate::lint::PARSE_TIME_LIMIT),
            ignore_files: if args.no_ignore {
                IgnoreFiles::Disregard
            } else {
                IgnoreFiles::Respect
            },
            default_excludes: if args.no_default_excludes {
                DefaultExcludes::Off
            } else {
                DefaultExcludes::Apply
            },
            named_paths: if args.force_exclude {
                NamedPaths::Exclude
            } else {
                NamedPaths::Scan
            },
            findings_exit: if args.exit_zero {
                FindingsExit::Succeed
            } else {
                FindingsExit::Fail
            },
        }
    }
}
