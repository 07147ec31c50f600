//! Baselines, so a team can adopt adalint on a codebase with known findings and ratchet
//! down: `--write-baseline FILE` records today's findings, `--baseline FILE` reports only
//! findings that are not recorded and counts recorded ones that are gone.
//!
//! A finding is recorded by a key that survives lines moving: its rule id, its path, a
//! hash of the flagged code with all whitespace removed (secrets masked first), and its
//! occurrence among findings with the same three (the second identical call in a file is
//! occurrence 2). Line numbers are not part of it, so inserting lines above old findings
//! changes nothing, while a new, identical finding is still new.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::fingerprint::stable_hash;
use crate::lint::FileReport;
use crate::redact::Redactor;
use crate::settings::BaselineMode;

const VERSION: u32 = 1;

/// The file `--write-baseline` writes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    /// Hash of the flagged code, whitespace removed and secrets masked.
    pub code: String,
    /// 1-based, among findings with the same rule, path and code.
    pub occurrence: usize,
}

/// What comparing a run with a baseline found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Findings hidden because the baseline records them.
    pub known: usize,
    /// Entries of scanned (or deleted) files that no longer match a finding: fixed.
    pub gone: usize,
}

/// The keys of one file's findings, in the findings' order.
pub fn entries(file: &FileReport) -> Vec<Entry> {
    let redactor = Redactor::new(&file.secrets);
    let text = file.diagnostic_text();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|diagnostic| {
            let code = code_hash(text, diagnostic, &redactor);
            let occurrence = seen
                .entry((diagnostic.rule().to_string(), code.clone()))
                .or_insert(0);
            *occurrence += 1;
            Entry {
                rule: diagnostic.rule().to_string(),
                path: file.display_path.clone(),
                code,
                occurrence: *occurrence,
            }
        })
        .collect()
}

fn code_hash(text: &str, diagnostic: &Diagnostic, redactor: &Redactor) -> String {
    let range = diagnostic.range();
    let code = text.get(range).unwrap_or_default();
    let normalised: String = redactor
        .redact(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    stable_hash(&normalised)
}

/// Writes the baseline of every finding in `files`; returns how many it records.
pub fn write(path: &Path, files: &[FileReport]) -> anyhow::Result<usize> {
    let mut all: Vec<Entry> = files.iter().flat_map(entries).collect();
    all.sort();
    let count = all.len();
    let file = BaselineFile {
        version: VERSION,
        entries: all,
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the baseline `{}`", path.display()))?;
    Ok(count)
}

/// Does what the settings ask with a baseline: records the findings (which the run then
/// no longer reports) or hides the recorded ones. Returns the notices to show.
pub fn apply(mode: &BaselineMode, files: &mut [FileReport]) -> anyhow::Result<Vec<String>> {
    match mode {
        BaselineMode::Off => Ok(Vec::new()),
        BaselineMode::Write(path) => {
            let count = write(path, files)?;
            for file in files.iter_mut() {
                file.diagnostics.clear();
            }
            Ok(vec![format!(
                "recorded {count} findings in the baseline `{}`",
                path.display()
            )])
        }
        BaselineMode::Compare(path) => {
            let comparison = Baseline::load(path)?.filter(files);
            let advice = if comparison.gone > 0 {
                "; run with `--write-baseline` to ratchet it down"
            } else {
                ""
            };
            Ok(vec![format!(
                "baseline `{}`: {} known findings not shown; {} baseline entries are gone (fixed){advice}",
                path.display(),
                comparison.known,
                comparison.gone,
            )])
        }
    }
}

/// A loaded baseline.
#[derive(Debug)]
pub struct Baseline {
    entries: BTreeSet<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline `{}`", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text).with_context(|| {
            format!(
                "`{}` is not an adalint baseline (write one with `--write-baseline`)",
                path.display()
            )
        })?;
        if file.version != VERSION {
            anyhow::bail!(
                "the baseline `{}` has version {}; this adalint reads version {VERSION}",
                path.display(),
                file.version
            );
        }
        Ok(Baseline {
            entries: file.entries.into_iter().collect(),
        })
    }

    /// Removes the recorded findings from `files`.
    pub fn filter(&self, files: &mut [FileReport]) -> Comparison {
        let mut comparison = Comparison::default();
        let mut matched: HashSet<&Entry> = HashSet::new();
        for file in files.iter_mut() {
            let keys = entries(file);
            let mut index = 0;
            file.diagnostics.retain(|_| {
                let key = &keys[index];
                index += 1;
                match self.entries.get(key) {
                    Some(entry) => {
                        matched.insert(entry);
                        comparison.known += 1;
                        false
                    }
                    None => true,
                }
            });
        }
        let scanned: HashSet<&str> = files.iter().map(|f| f.display_path.as_str()).collect();
        comparison.gone = self
            .entries
            .iter()
            .filter(|entry| !matched.contains(entry))
            .filter(|entry| {
                scanned.contains(entry.path.as_str()) || !Path::new(&entry.path).exists()
            })
            .count();
        comparison
    }
}
