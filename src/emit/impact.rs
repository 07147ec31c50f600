//! `--format impact` and `--format impact-json`: the migration map of a repository, by
//! module (source file or manifest). For each: what uses ADAL directly and how much of it
//! the fixes cover (safe, unsafe), what is left by hand (display-only fixes with their
//! reasons, findings without a fix), the project wrappers it defines, and what it uses
//! through which wrapper (the `adal-wrapper-use` findings, whose related location is the
//! wrapper). The estimate of the work is in sites: one per finding left by hand and one per
//! use of a wrapper. Built from the reports alone, in path order: deterministic.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, RunReport};
use crate::diagnostic::Diagnostic;
use crate::fix::Applicability;
use crate::redact::Redactor;
use crate::source::SourceText;

/// The rule of a use of a project wrapper (`rules/adalint.toml`).
const WRAPPER_USE: &str = "adal-wrapper-use";
/// adalint's own checks that are not uses of ADAL.
const NOT_USES: &[&str] = &["unused-suppression"];

/// Which shape the map is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Text,
    Json,
}

pub(super) struct ImpactEmitter {
    pub(super) shape: Shape,
}

#[derive(Serialize, Default)]
struct Map {
    version: u32,
    modules: Vec<ModuleImpact>,
    summary: Summary,
}

#[derive(Serialize, Default)]
struct ModuleImpact {
    path: String,
    /// Findings of ADAL rules in the module, by what their fix covers.
    direct: Direct,
    /// Wrappers of ADAL this module defines, with the modules that use each.
    wrappers: Vec<WrapperImpact>,
    /// Wrappers of other modules this module uses, with the lines of the uses.
    through: Vec<Through>,
    /// What is left by hand: display-only fixes (with the reason) and findings without a fix.
    by_hand: Vec<ByHand>,
    /// Sites of work by hand: findings left by hand and uses of wrappers.
    estimate_sites: usize,
}

#[derive(Serialize, Default)]
struct Direct {
    sites: usize,
    safe: usize,
    #[serde(rename = "unsafe")]
    unsafe_: usize,
    display_only: usize,
    no_fix: usize,
}

#[derive(Serialize)]
struct WrapperImpact {
    name: String,
    line: usize,
    /// What the wrapper is, as the uses' related locations say (`getClient` wraps ADAL,
    /// through `TokenClient`).
    description: String,
    used_by: Vec<String>,
}

#[derive(Serialize)]
struct Through {
    wrapper: String,
    path: String,
    line: usize,
    lines: Vec<usize>,
}

#[derive(Serialize)]
struct ByHand {
    line: usize,
    rule: String,
    reason: String,
}

#[derive(Serialize, Default)]
struct Summary {
    modules: usize,
    modules_direct: usize,
    modules_through_wrappers: usize,
    wrappers: usize,
    sites: usize,
    fixed_safe: usize,
    fixed_unsafe: usize,
    by_hand: usize,
    wrapper_uses: usize,
}

fn is_use(diagnostic: &Diagnostic) -> bool {
    !NOT_USES.contains(&diagnostic.rule())
}

impl ImpactEmitter {
    fn map(report: &RunReport) -> Map {
        let mut modules: BTreeMap<String, ModuleImpact> = BTreeMap::new();
        // Wrappers by (path, name, line): description and users.
        let mut wrappers: BTreeMap<(String, usize, String), (String, Vec<String>)> =
            BTreeMap::new();
        for file in &report.files {
            let uses: Vec<&Diagnostic> = file.diagnostics.iter().filter(|d| is_use(d)).collect();
            if uses.is_empty() {
                continue;
            }
            let text = SourceText::new(file.diagnostic_text());
            let redactor = Redactor::new(&file.secrets);
            let module = modules
                .entry(file.display_path.clone())
                .or_insert_with(|| ModuleImpact {
                    path: file.display_path.clone(),
                    ..ModuleImpact::default()
                });
            for diagnostic in uses {
                let line = text.position(diagnostic.range().start).line;
                if diagnostic.rule() == WRAPPER_USE {
                    for related in diagnostic.related() {
                        match module
                            .through
                            .iter_mut()
                            .find(|t| t.path == related.path && t.line == related.line)
                        {
                            Some(through) => through.lines.push(line),
                            None => module.through.push(Through {
                                wrapper: related.symbol.clone(),
                                path: related.path.clone(),
                                line: related.line,
                                lines: vec![line],
                            }),
                        }
                        let entry = wrappers
                            .entry((related.path.clone(), related.line, related.symbol.clone()))
                            .or_insert_with(|| (related.message.clone(), Vec::new()));
                        if !entry.1.contains(&file.display_path) {
                            entry.1.push(file.display_path.clone());
                        }
                    }
                    module.estimate_sites += 1;
                    continue;
                }
                module.direct.sites += 1;
                match diagnostic.fix().map(|f| f.applicability()) {
                    Some(Applicability::Safe) => module.direct.safe += 1,
                    Some(Applicability::Unsafe) => module.direct.unsafe_ += 1,
                    Some(Applicability::DisplayOnly) => {
                        module.direct.display_only += 1;
                        module.estimate_sites += 1;
                        module.by_hand.push(ByHand {
                            line,
                            rule: diagnostic.rule().to_string(),
                            reason: redactor
                                .redact(diagnostic.fix().map_or("", |f| f.note()))
                                .into_owned(),
                        });
                    }
                    None => {
                        module.direct.no_fix += 1;
                        module.estimate_sites += 1;
                        module.by_hand.push(ByHand {
                            line,
                            rule: diagnostic.rule().to_string(),
                            reason: redactor.redact(diagnostic.message()).into_owned(),
                        });
                    }
                }
            }
        }
        for ((path, line, name), (description, used_by)) in wrappers {
            let module = modules.entry(path.clone()).or_insert_with(|| ModuleImpact {
                path,
                ..ModuleImpact::default()
            });
            module.wrappers.push(WrapperImpact {
                name,
                line,
                description,
                used_by,
            });
        }
        let modules: Vec<ModuleImpact> = modules.into_values().collect();
        let summary = Summary {
            modules: modules.len(),
            modules_direct: modules.iter().filter(|m| m.direct.sites > 0).count(),
            modules_through_wrappers: modules.iter().filter(|m| !m.through.is_empty()).count(),
            wrappers: modules.iter().map(|m| m.wrappers.len()).sum(),
            sites: modules.iter().map(|m| m.direct.sites).sum::<usize>()
                + modules
                    .iter()
                    .flat_map(|m| &m.through)
                    .map(|t| t.lines.len())
                    .sum::<usize>(),
            fixed_safe: modules.iter().map(|m| m.direct.safe).sum(),
            fixed_unsafe: modules.iter().map(|m| m.direct.unsafe_).sum(),
            by_hand: modules.iter().map(|m| m.estimate_sites).sum(),
            wrapper_uses: modules
                .iter()
                .flat_map(|m| &m.through)
                .map(|t| t.lines.len())
                .sum(),
        };
        Map {
            version: 1,
            modules,
            summary,
        }
    }
}

fn lines(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().map(usize::to_string).collect();
    let noun = if lines.len() == 1 { "line" } else { "lines" };
    format!("{noun} {}", shown.join(", "))
}

impl Emitter for ImpactEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let map = Self::map(report);
        if self.shape == Shape::Json {
            serde_json::to_writer_pretty(&mut *out, &map)?;
            return writeln!(out);
        }
        writeln!(out, "Migration impact, by module")?;
        for module in &map.modules {
            writeln!(out)?;
            writeln!(out, "{}", module.path)?;
            let direct = &module.direct;
            if direct.sites > 0 {
                writeln!(
                    out,
                    "  uses ADAL directly: {} sites; fixes cover {} (safe {}, unsafe {}); by hand {} (display-only {}, no fix {})",
                    direct.sites,
                    direct.safe + direct.unsafe_,
                    direct.safe,
                    direct.unsafe_,
                    direct.display_only + direct.no_fix,
                    direct.display_only,
                    direct.no_fix
                )?;
            }
            for wrapper in &module.wrappers {
                writeln!(
                    out,
                    "  wrapper `{}` (line {}): {}; used by {}",
                    wrapper.name,
                    wrapper.line,
                    wrapper.description,
                    wrapper.used_by.join(", ")
                )?;
            }
            for through in &module.through {
                writeln!(
                    out,
                    "  uses ADAL through `{}` ({}:{}): {}",
                    through.wrapper,
                    through.path,
                    through.line,
                    lines(&through.lines)
                )?;
            }
            for item in &module.by_hand {
                writeln!(
                    out,
                    "  by hand, line {} [{}]: {}",
                    item.line, item.rule, item.reason
                )?;
            }
            writeln!(out, "  estimate: {} sites by hand", module.estimate_sites)?;
        }
        let s = &map.summary;
        writeln!(out)?;
        writeln!(
            out,
            "{} modules: {} use ADAL directly, {} through {} project wrappers; {} sites: fixes cover {} (safe {}, unsafe {}), {} by hand ({} of them uses of wrappers)",
            s.modules,
            s.modules_direct,
            s.modules_through_wrappers,
            s.wrappers,
            s.sites,
            s.fixed_safe + s.fixed_unsafe,
            s.fixed_safe,
            s.fixed_unsafe,
            s.by_hand,
            s.wrapper_uses
        )
    }
}
