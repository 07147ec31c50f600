//! Turns raw arguments into validated, resolved settings: the fix mode and threshold, the
//! output format and colour, the rule selection and the walker's options.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{Args, ColorArg, FormatArg, TargetArg};
use crate::emit::{ColorMode, Format, Verbosity};
use crate::fix::FixThreshold;
use crate::lint::FixMode;
use crate::rule::FixTarget;
use crate::walk::IgnoreFiles;

/// Where rules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSource {
    Embedded,
    Directory(PathBuf),
}

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Lint,
    ListRules,
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
    pub target: FixTarget,
    pub format: Format,
    pub color: ColorMode,
    pub verbosity: Verbosity,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rules: RuleSource,
    pub threads: usize,
    pub parse_time_limit: std::time::Duration,
    pub ignore_files: IgnoreFiles,
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
        Settings {
            command: if args.list_rules {
                Command::ListRules
            } else {
                Command::Lint
            },
            paths: args.paths,
            mode,
            target: match args.target {
                TargetArg::Msal => FixTarget::Msal,
                TargetArg::AzureIdentity => FixTarget::AzureIdentity,
            },
            format: match args.format {
                FormatArg::Text => Format::Text,
                FormatArg::Json => Format::Json,
            },
            color,
            verbosity: if args.quiet {
                Verbosity::Quiet
            } else {
                Verbosity::Normal
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
            findings_exit: if args.exit_zero {
                FindingsExit::Succeed
            } else {
                FindingsExit::Fail
            },
        }
    }
}
