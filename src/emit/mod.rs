//! How findings leave the process: the one place that knows every output format. Nothing
//! else writes to standard output. Emitters run after the parallel phase, on reports in
//! walk order, so output never depends on thread timing.

mod completions;
mod diff;
mod github;
mod impact;
mod inventory;
mod json;
mod progress;
mod rule_doc;
mod sarif;
mod statistics;
mod text;

use std::io::{self, Write};

use crate::fix::Applicability;
use crate::lint::{FileReport, FixMode};

pub use completions::completions;
pub use progress::{ProgressLine, ProgressMode};
pub use rule_doc::{RuleDoc, rule_documentation};
pub use sarif::{MAX_RESULTS, MAX_SIZE};
pub use text::ColorMode;

/// Everything a run found.
pub struct RunReport {
    pub files: Vec<FileReport>,
    /// Paths the walker could not enter or follow (display path, message).
    pub walk_errors: Vec<(String, String)>,
    pub mode: FixMode,
    /// The rules that ran, for formats that describe them (SARIF).
    pub rules: Vec<RuleDoc>,
    /// Things worth saying about the run as a whole (baseline results, for example).
    pub notices: Vec<String>,
    /// Source files and manifests the default excludes skipped (`node_modules`, `dist`, ...).
    pub excluded_by_default: usize,
    /// The checkout and the CI build the run happened in (for SARIF).
    pub provenance: crate::provenance::Provenance,
}

impl RunReport {
    /// Findings left, over all files.
    pub fn diagnostics(&self) -> usize {
        self.files.iter().map(|f| f.diagnostics.len()).sum()
    }

    /// Findings resolved by fixes, over all files.
    pub fn fixed(&self) -> usize {
        self.files.iter().map(|f| f.fixes_applied).sum()
    }

    /// How many remaining findings have a fix of each applicability.
    pub fn fixable(&self, applicability: Applicability) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == applicability)
            })
            .count()
    }
}

/// An output format.
pub trait Emitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()>;

    /// Warnings about the output itself (e.g. results cut to fit an upload limit), for
    /// standard error once the output is written.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Inventory,
    /// The migration map by module, as text.
    Impact,
    /// The migration map by module, as JSON.
    ImpactJson,
}

/// How much the text format says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Normal,
    /// Findings only: no summary, no notices.
    Quiet,
}

impl Format {
    /// The emitter for this format; in `--diff` mode the output is the diff itself.
    pub fn emitter(
        self,
        mode: FixMode,
        color: ColorMode,
        verbosity: Verbosity,
    ) -> Box<dyn Emitter> {
        match (mode, self) {
            (FixMode::Diff(_), _) => Box::new(diff::DiffEmitter { verbosity }),
            (_, Format::Text) => Box::new(text::TextEmitter { color, verbosity }),
            (_, Format::Json) => Box::new(json::JsonEmitter {
                notices: Vec::new(),
            }),
            (_, Format::Sarif) => Box::new(sarif::SarifEmitter::default()),
            (_, Format::Github) => Box::new(github::GithubEmitter),
            (_, Format::Inventory) => Box::new(inventory::InventoryEmitter),
            (_, Format::Impact) => Box::new(impact::ImpactEmitter {
                shape: impact::Shape::Text,
            }),
            (_, Format::ImpactJson) => Box::new(impact::ImpactEmitter {
                shape: impact::Shape::Json,
            }),
        }
    }

    /// `--statistics`: counts per rule instead of findings, as a table or JSON.
    pub fn statistics_emitter(self) -> Box<dyn Emitter> {
        Box::new(statistics::StatisticsEmitter {
            shape: match self {
                Format::Json | Format::Sarif | Format::ImpactJson => statistics::Shape::Json,
                Format::Text | Format::Github | Format::Inventory | Format::Impact => {
                    statistics::Shape::Table
                }
            },
        })
    }
}

/// `--list-rules`: every rule with its pack, severity and fix applicability.
/// Every rule as JSON, with the literals a file needs for it to be parsed (`triggers`: one
/// of these; `names`: and, when present, one of these).
pub fn list_rules_json(
    out: &mut dyn Write,
    registry: &crate::registry::Registry,
) -> io::Result<()> {
    let rules: Vec<serde_json::Value> = registry
        .rules()
        .map(|rule| {
            let need = rule.need(registry);
            serde_json::json!({
                "id": rule.id(),
                "pack": rule.pack(),
                "severity": rule.severity().as_str(),
                "fix": rule.fix_applicability().map(Applicability::as_str),
                "triggers": need.triggers,
                "names": need.names,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rules)?;
    writeln!(out)
}

pub fn list_rules(out: &mut dyn Write, registry: &crate::registry::Registry) -> io::Result<()> {
    for pack in registry.packs() {
        let mut languages: Vec<&str> = pack.languages.iter().map(|l| l.name()).collect();
        if languages.is_empty() {
            languages.push("dependency manifests");
        }
        writeln!(
            out,
            "{} ({} → {}; {})",
            pack.name,
            pack.library,
            pack.successor,
            languages.join(", ")
        )?;
        for rule in registry.rules().filter(|r| r.pack() == pack.name) {
            let fix = rule
                .fix_applicability()
                .map_or("no fix", Applicability::as_str);
            writeln!(
                out,
                "  {:<48} {:<8} {:<13} {}",
                rule.id(),
                rule.severity().as_str(),
                fix,
                rule.summary()
            )?;
        }
    }
    Ok(())
}
