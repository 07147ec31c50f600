//! `--statistics`: how many findings each rule has and how many of them a fix can
//! resolve, most frequent first, as a table or as JSON.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, RunReport};
use crate::fix::Applicability;

/// How the counts are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Table,
    Json,
}

pub(super) struct StatisticsEmitter {
    pub(super) shape: Shape,
}

#[derive(Default, Serialize)]
struct RuleCount {
    rule: String,
    count: usize,
    /// Findings with a fix `--fix` applies.
    safe_fixes: usize,
    /// Findings with a fix `--fix --unsafe-fixes` applies.
    unsafe_fixes: usize,
    /// Findings whose fix is only shown.
    suggestions: usize,
}

fn counts(report: &RunReport) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for diagnostic in report.files.iter().flat_map(|f| &f.diagnostics) {
        let entry = by_rule
            .entry(diagnostic.rule())
            .or_insert_with(|| RuleCount {
                rule: diagnostic.rule().to_string(),
                ..RuleCount::default()
            });
        entry.count += 1;
        match diagnostic.fix().map(|f| f.applicability()) {
            Some(Applicability::Safe) => entry.safe_fixes += 1,
            Some(Applicability::Unsafe) => entry.unsafe_fixes += 1,
            Some(Applicability::DisplayOnly) => entry.suggestions += 1,
            None => {}
        }
    }
    let mut counts: Vec<RuleCount> = by_rule.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    counts
}

impl Emitter for StatisticsEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let counts = counts(report);
        if self.shape == Shape::Json {
            serde_json::to_writer_pretty(&mut *out, &counts)?;
            return writeln!(out);
        }
        if counts.is_empty() {
            return writeln!(out, "No findings.");
        }
        let width = counts
            .iter()
            .map(|c| c.rule.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            out,
            "{:>6}  {:<width$}  {:>4}  {:>6}  {:>10}",
            "count", "rule", "safe", "unsafe", "suggestion"
        )?;
        for count in &counts {
            writeln!(
                out,
                "{:>6}  {:<width$}  {:>4}  {:>6}  {:>10}",
                count.count, count.rule, count.safe_fixes, count.unsafe_fixes, count.suggestions
            )?;
        }
        let total: usize = counts.iter().map(|c| c.count).sum();
        writeln!(out, "{total:>6}  total")?;
        for notice in &report.notices {
            writeln!(out, "note: {notice}")?;
        }
        Ok(())
    }
}
