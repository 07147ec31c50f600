//! SARIF 2.1.0, shaped for GitHub code scanning: a rule descriptor (with the migration
//! recipe as help) for every rule that ran, results with repository-relative URIs under
//! `%SRCROOT%`, 1-based regions in Unicode code points with their snippet and a context
//! region (the lines around them), `primaryLocationLineHash` as the upload action computes
//! it, fixes for fixable findings, one invocation with a notification per file that could
//! not be scanned, `versionControlProvenance` (the git checkout's repository and commit)
//! and `automationDetails`: `adalint/`, or inside Azure Pipelines the
//! `azuredevops/pipeline/build/...` id and properties that GitHub Advanced Security for
//! Azure DevOps requires (see `provenance`).
//!
//! GitHub rejects a run with more than 25,000 results or an upload over 10 MB compressed.
//! Rather than write such a file, the emitter keeps the most severe 25,000 results, then
//! drops fixes (GitHub ignores them) and results until the file is under 10 MiB
//! uncompressed, and says so in a warning and in the run's notifications.
//!
//! Built from the wire structs in `log`.

use std::collections::BTreeMap;
use std::io::{self, Write};

mod log;

use log::{
    ArtifactChange, ArtifactContent, ArtifactLocation, AutomationDetails, BaseLocation,
    Configuration, ContextRegion, Descriptor, Driver, Help, Invocation, Location, Message,
    NotebookCell, Notification, PhysicalLocation, Region, RelatedLocation, Replacement,
    ResultProperties, RuleProperties, Run, SarifFix, SarifLog, SarifResult, Tool,
    VersionControlDetails,
};

use super::{Emitter, RuleDoc, RunReport};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fingerprint::line_hashes;
use crate::fix::Applicability;
use crate::lint::{FileReport, Severity as ErrorSeverity};
use crate::provenance::Provenance;
use crate::redact::Redactor;
use crate::source::SourceText;

/// GitHub's limit on results per run.
pub const MAX_RESULTS: usize = 25_000;
/// Uncompressed size that keeps an upload under GitHub's 10 MB compressed limit whatever
/// the compression ratio.
pub const MAX_SIZE: usize = 10 * 1024 * 1024;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The top of the git checkout, where `versionControlProvenance` maps the repository.
const REPOROOT: &str = "REPOROOT";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Default)]
pub(super) struct SarifEmitter {
    warnings: Vec<String>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &RuleDoc) -> Descriptor {
    let mut tags = vec![
        "adal".to_string(),
        "migration".to_string(),
        rule.pack.clone(),
    ];
    tags.extend(rule.languages.iter().map(|l| l.name().to_string()));
    tags.dedup();
    let summary = rule.summary.trim_end();
    let full = match first_paragraph(&rule.help) {
        paragraph if paragraph.is_empty() => summary.to_string(),
        paragraph if summary.ends_with(['.', '!', '?']) => format!("{summary} {paragraph}"),
        paragraph => format!("{summary}. {paragraph}"),
    };
    Descriptor {
        id: rule.id.clone(),
        name: rule.name(),
        short_description: Message {
            text: limit(&rule.summary, 1024),
        },
        full_description: Message {
            text: limit(full.trim(), 1024),
        },
        help: Help {
            text: rule.help.trim_end().to_string(),
            markdown: rule.help_markdown(),
        },
        help_uri: rule.url.clone(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            precision: "high",
            problem_severity: match rule.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    }
}

/// The help's first paragraph when it is prose (not code).
fn first_paragraph(help: &str) -> String {
    let paragraph: Vec<&str> = help
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .collect();
    if paragraph.iter().any(|line| line.starts_with("    ")) {
        return String::new();
    }
    paragraph.join(" ")
}

fn limit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// A path as a URI reference: unreserved characters and `/` as they are, the rest
/// percent-encoded.
fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// A file URI for an absolute path.
fn file_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    format!("file://{}", encode_path(&text))
}

/// A file URI for a directory, ending in `/` as a base URI must.
fn directory_uri(path: &std::path::Path) -> String {
    let mut uri = file_uri(path);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Where a file is: relative to `%SRCROOT%` (the current directory) when it is below it,
/// else an absolute file URI.
fn artifact(display_path: &str) -> ArtifactLocation {
    let outside = display_path.starts_with('/')
        || display_path.starts_with("../")
        || display_path == ".."
        || std::path::Path::new(display_path).is_absolute();
    if outside {
        let absolute = std::env::current_dir()
            .map(|cwd| cwd.join(display_path))
            .unwrap_or_else(|_| display_path.into());
        let absolute = std::fs::canonicalize(&absolute).unwrap_or(absolute);
        return ArtifactLocation {
            uri: file_uri(&absolute),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode_path(display_path),
        uri_base_id: Some(SRCROOT),
    }
}

fn result(
    file: &FileReport,
    text: &SourceText,
    hashes: &[String],
    diagnostic: &Diagnostic,
    rules: &[RuleDoc],
    redactor: &Redactor,
) -> SarifResult {
    let location = artifact(&file.display_path);
    let start = text.position(diagnostic.range().start);
    let end = text.position(diagnostic.range().end);
    let mut fingerprints = BTreeMap::new();
    if let Some(hash) = hashes.get(start.line - 1) {
        fingerprints.insert("primaryLocationLineHash", hash.clone());
    }
    let fixes = diagnostic
        .fix()
        .filter(|fix| fix.applicability() >= Applicability::Unsafe)
        .map(|fix| SarifFix {
            description: Message {
                text: redactor
                    .redact(&format!(
                        "{} ({} fix: {})",
                        fix.title(),
                        fix.applicability().as_str(),
                        fix.note()
                    ))
                    .into_owned(),
            },
            artifact_changes: vec![ArtifactChange {
                artifact_location: location.clone(),
                replacements: fix
                    .edits()
                    .iter()
                    .map(|edit| Replacement {
                        deleted_region: Region::new(
                            text.position(edit.range().start),
                            text.position(edit.range().end),
                        ),
                        inserted_content: Message {
                            text: redactor.redact(edit.content()).into_owned(),
                        },
                    })
                    .collect(),
            }],
        })
        .into_iter()
        .collect();
    let source = file.diagnostic_text();
    let range = diagnostic.range();
    let mut region = Region::new(start, end);
    region.snippet = source.get(range.clone()).map(|snippet| ArtifactContent {
        text: redactor.redact(snippet).into_owned(),
    });
    let (context_start, context_end) = context_lines(source, range.start, range.end);
    let context_region = source
        .get(context_start..context_end)
        .map(|snippet| ContextRegion {
            start_line: text.position(context_start).line,
            end_line: text.position(context_end).line,
            snippet: ArtifactContent {
                text: redactor.redact(snippet).into_owned(),
            },
        });
    let display_only = diagnostic
        .fix()
        .filter(|fix| fix.applicability() == Applicability::DisplayOnly);
    let notebook_cell = file
        .notebook
        .as_ref()
        .and_then(|notebook| notebook.cell_position(range.start))
        .map(|at| NotebookCell {
            number: at.cell,
            start_line: at.line,
            start_column: at.column,
        });
    let properties =
        (display_only.is_some() || notebook_cell.is_some()).then(|| ResultProperties {
            fix_applicability: display_only.map(|fix| fix.applicability().as_str()),
            fix_reason: display_only.map(|fix| redactor.redact(fix.note()).into_owned()),
            notebook_cell,
        });
    SarifResult {
        rule_id: diagnostic.rule().to_string(),
        rule_index: rules.iter().position(|r| r.id == diagnostic.rule()),
        level: level(diagnostic.severity()),
        message: Message {
            text: redactor.redact(diagnostic.message()).into_owned(),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: location,
                region: Some(region),
                context_region,
            },
        }],
        partial_fingerprints: fingerprints,
        related_locations: diagnostic
            .related()
            .iter()
            .enumerate()
            .map(|(id, related)| RelatedLocation {
                id,
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&related.path),
                    region: Some(Region {
                        start_line: related.line,
                        start_column: related.column,
                        end_line: related.line,
                        end_column: related.column + related.symbol.chars().count(),
                        snippet: None,
                    }),
                    context_region: None,
                },
                message: Message {
                    text: redactor.redact(&related.message).into_owned(),
                },
            })
            .collect(),
        fixes,
        properties,
    }
}

/// Byte offsets of the context of `start..end`: from the start of the line before the
/// region's first line to the end of the line after its last (line breaks excluded).
fn context_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i);
    let first = line_start(start);
    let context_start = if first == 0 { 0 } else { line_start(first - 1) };
    let last = line_end(end);
    let context_end = if last >= text.len() {
        text.len()
    } else {
        line_end(last + 1)
    };
    let context_end = if text[..context_end].ends_with('\r') {
        context_end - 1
    } else {
        context_end
    };
    (context_start, context_end.max(context_start))
}

/// The automation details: GitHub's category (`adalint/`), or in an Azure Pipelines build
/// the id and properties GitHub Advanced Security for Azure DevOps identifies it by.
fn automation_details(provenance: &Provenance) -> AutomationDetails {
    let Some(pipeline) = &provenance.pipeline else {
        return AutomationDetails {
            id: "adalint/".to_string(),
            properties: BTreeMap::new(),
        };
    };
    let properties = BTreeMap::from([
        (
            "azuredevops/pipeline/build/buildDefinitionId",
            pipeline.definition_id.clone(),
        ),
        (
            "azuredevops/pipeline/build/buildDefinitionName",
            pipeline.definition_name.clone(),
        ),
        (
            "azuredevops/pipeline/build/phaseId",
            pipeline.phase_id.clone(),
        ),
        (
            "azuredevops/pipeline/build/phaseName",
            pipeline.phase_name.clone(),
        ),
    ]);
    AutomationDetails {
        id: pipeline.automation_id(),
        properties,
    }
}

/// `%SRCROOT%`, the directory adalint ran in, and the base id the repository maps to: the
/// same when adalint ran at the top of the checkout (as CI does); else `REPOROOT`, the top,
/// with `%SRCROOT%` given relative to it, so results are still placed in the repository.
fn base_ids(provenance: &Provenance) -> (BTreeMap<&'static str, BaseLocation>, &'static str) {
    let mut ids = BTreeMap::new();
    let Ok(cwd) = std::env::current_dir() else {
        return (ids, SRCROOT);
    };
    let srcroot = |uri, uri_base_id| BaseLocation {
        uri,
        uri_base_id,
        description: Message {
            text: "The directory adalint ran in; result paths are relative to it.".to_string(),
        },
    };
    let below_root = provenance.repository.as_ref().and_then(|repository| {
        let root = std::fs::canonicalize(&repository.root).ok()?;
        let cwd = std::fs::canonicalize(&cwd).ok()?;
        let relative = cwd.strip_prefix(&root).ok()?;
        Some((root.clone(), relative.to_path_buf()))
    });
    match below_root {
        Some((root, relative)) if !relative.as_os_str().is_empty() => {
            let relative = relative.to_string_lossy().replace('\\', "/");
            ids.insert(
                SRCROOT,
                srcroot(format!("{}/", encode_path(&relative)), Some(REPOROOT)),
            );
            ids.insert(
                REPOROOT,
                BaseLocation {
                    uri: directory_uri(&root),
                    uri_base_id: None,
                    description: Message {
                        text: "The top of the git checkout adalint ran in.".to_string(),
                    },
                },
            );
            (ids, REPOROOT)
        }
        _ => {
            ids.insert(SRCROOT, srcroot(directory_uri(&cwd), None));
            (ids, SRCROOT)
        }
    }
}

fn version_control(provenance: &Provenance, base: &'static str) -> Vec<VersionControlDetails> {
    provenance
        .repository
        .iter()
        .map(|repository| VersionControlDetails {
            repository_uri: repository.uri.clone(),
            revision_id: repository.revision.clone(),
            branch: repository.branch.clone(),
            mapped_to: ArtifactLocation {
                uri: String::new(),
                uri_base_id: Some(base),
            },
        })
        .collect()
}

fn notification(level: &'static str, path: Option<&str>, message: String) -> Notification {
    Notification {
        level,
        message: Message { text: message },
        locations: path
            .filter(|p| !p.is_empty())
            .map(|p| Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(p),
                    region: None,
                    context_region: None,
                },
            })
            .into_iter()
            .collect(),
    }
}

/// Keeps the `max` most severe results, in their original order.
fn keep_most_severe(results: Vec<SarifResult>, max: usize) -> Vec<SarifResult> {
    if results.len() <= max {
        return results;
    }
    let rank = |level: &str| match level {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by_key(|&i| rank(results[i].level));
    let mut keep = vec![false; results.len()];
    for &i in order.iter().take(max) {
        keep[i] = true;
    }
    results
        .into_iter()
        .zip(keep)
        .filter_map(|(result, kept)| kept.then_some(result))
        .collect()
}

impl SarifEmitter {
    fn run(&mut self, report: &RunReport) -> Run {
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        for (path, message) in &report.walk_errors {
            notifications.push(notification("error", Some(path), message.clone()));
        }
        for file in &report.files {
            for error in &file.errors {
                let level = match error.severity {
                    ErrorSeverity::Fatal => "error",
                    ErrorSeverity::Notice => "warning",
                };
                notifications.push(notification(
                    level,
                    Some(&file.display_path),
                    error.message.clone(),
                ));
            }
            if file.diagnostics.is_empty() {
                continue;
            }
            let text = SourceText::new(file.diagnostic_text());
            let bom = file.source.as_ref().is_some_and(SourceText::has_bom);
            let stored = if bom {
                format!("\u{feff}{}", file.diagnostic_text())
            } else {
                file.diagnostic_text().to_string()
            };
            let hashes = line_hashes(&stored);
            let redactor = Redactor::new(&file.secrets);
            for diagnostic in &file.diagnostics {
                results.push(result(
                    file,
                    &text,
                    &hashes,
                    diagnostic,
                    &report.rules,
                    &redactor,
                ));
            }
        }
        let execution_successful = !notifications.iter().any(|n| n.level == "error");
        for notice in &report.notices {
            notifications.push(notification("note", None, notice.clone()));
        }
        if results.len() > MAX_RESULTS {
            let warning = format!(
                "{} results exceed GitHub code scanning's limit of {MAX_RESULTS} per run; the {MAX_RESULTS} most severe are kept",
                results.len()
            );
            results = keep_most_severe(results, MAX_RESULTS);
            notifications.push(notification("warning", None, warning.clone()));
            self.warnings.push(warning);
        }
        let (original_uri_base_ids, repository_base) = base_ids(&report.provenance);
        Run {
            tool: Tool {
                driver: Driver {
                    name: "adalint",
                    full_name: format!(
                        "adalint {} (rules {})",
                        env!("CARGO_PKG_VERSION"),
                        crate::registry::embedded_version()
                    ),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: report.rules.iter().map(descriptor).collect(),
                },
            },
            automation_details: automation_details(&report.provenance),
            version_control_provenance: version_control(&report.provenance, repository_base),
            original_uri_base_ids,
            column_kind: "unicodeCodePoints",
            invocations: vec![Invocation {
                execution_successful,
                tool_execution_notifications: notifications,
            }],
            results,
        }
    }

    /// Serialises the log, cutting fixes and then results until it fits `MAX_SIZE`.
    fn serialise(&mut self, mut run: Run) -> io::Result<String> {
        loop {
            let log = SarifLog {
                schema: SCHEMA,
                version: "2.1.0",
                runs: vec![run],
            };
            let text = serde_json::to_string_pretty(&log)?;
            let Some(taken) = log.runs.into_iter().next() else {
                return Ok(text);
            };
            run = taken;
            if text.len() <= MAX_SIZE {
                return Ok(text);
            }
            let warning = if run.results.iter().any(|r| !r.fixes.is_empty()) {
                for result in &mut run.results {
                    result.fixes.clear();
                }
                "the SARIF output would exceed GitHub's 10 MB upload limit; fixes were left out (use `--diff` for them)".to_string()
            } else if run.results.is_empty() {
                return Ok(text);
            } else {
                let before = run.results.len();
                let keep = (before * MAX_SIZE / text.len()).saturating_mul(9) / 10;
                run.results = keep_most_severe(run.results, keep.min(before - 1));
                format!(
                    "the SARIF output would exceed GitHub's 10 MB upload limit; {} of {before} results were left out, the most severe kept",
                    before - run.results.len()
                )
            };
            if let Some(invocation) = run.invocations.first_mut() {
                invocation.tool_execution_notifications.push(notification(
                    "warning",
                    None,
                    warning.clone(),
                ));
            }
            self.warnings.push(warning);
        }
    }
}

impl Emitter for SarifEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let run = self.run(report);
        let text = self.serialise(run)?;
        out.write_all(text.as_bytes())?;
        writeln!(out)
    }

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded_except_unreserved_characters_and_slashes() {
        assert_eq!(encode_path("src/my app/é.py"), "src/my%20app/%C3%A9.py");
        assert_eq!(encode_path("a/b-c_d.e~f.js"), "a/b-c_d.e~f.js");
    }

    #[test]
    fn relative_paths_get_the_source_root_and_outside_paths_a_file_uri() {
        let inside = artifact("billing/auth.py");
        assert_eq!(inside.uri, "billing/auth.py");
        assert_eq!(inside.uri_base_id, Some(SRCROOT));
        let outside = artifact("/elsewhere/x.py");
        assert!(outside.uri.starts_with("file:///"));
        assert_eq!(outside.uri_base_id, None);
    }

    #[test]
    fn the_context_is_the_lines_around_the_region() {
        let text = "one\ntwo\nthree\nfour\nfive\n";
        let start = text.find("three").unwrap();
        let (a, b) = context_lines(text, start, start + 5);
        assert_eq!(&text[a..b], "two\nthree\nfour");
        let (a, b) = context_lines(text, 0, 3);
        assert_eq!(&text[a..b], "one\ntwo");
        let crlf = "a\r\nb\r\nc";
        let (a, b) = context_lines(crlf, 3, 4);
        assert_eq!(&crlf[a..b], "a\r\nb\r\nc");
        let (a, b) = context_lines(crlf, 0, 1);
        assert_eq!(&crlf[a..b], "a\r\nb");
    }

    #[test]
    fn cutting_results_keeps_the_most_severe_in_order() {
        let make = |level: &'static str, id: &str| SarifResult {
            rule_id: id.to_string(),
            rule_index: None,
            level,
            message: Message {
                text: String::new(),
            },
            locations: Vec::new(),
            partial_fingerprints: BTreeMap::new(),
            related_locations: Vec::new(),
            fixes: Vec::new(),
            properties: None,
        };
        let kept = keep_most_severe(
            vec![
                make("note", "a"),
                make("error", "b"),
                make("warning", "c"),
                make("error", "d"),
            ],
            3,
        );
        let ids: Vec<&str> = kept.iter().map(|r| r.rule_id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"]);
    }
}
