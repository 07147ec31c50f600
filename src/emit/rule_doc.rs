//! A rule's documentation as output formats show it: `adalint rule ID`, and the SARIF
//! rule descriptors (help as text and as Markdown, with the migration recipe's code in
//! fenced blocks).

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::language::Language;
use crate::registry::RuleInfo;

/// What output formats say about a rule.
#[derive(Clone, Debug)]
pub struct RuleDoc {
    pub id: String,
    pub pack: String,
    pub languages: Vec<Language>,
    pub severity: Severity,
    /// The message as written.
    pub summary: String,
    /// The migration recipe: prose with indented before/after code.
    pub help: String,
    pub url: String,
    pub fix: Option<FixDoc>,
}

/// A rule's fix, described.
#[derive(Clone, Debug)]
pub struct FixDoc {
    pub applicability: Applicability,
    pub title: String,
    pub reason: String,
}

impl From<RuleInfo<'_>> for RuleDoc {
    fn from(rule: RuleInfo<'_>) -> RuleDoc {
        RuleDoc {
            id: rule.id().to_string(),
            pack: rule.pack().to_string(),
            languages: rule.languages().to_vec(),
            severity: rule.severity(),
            summary: rule.summary(),
            help: rule.help().to_string(),
            url: rule.url().to_string(),
            fix: rule.fix_applicability().zip(rule.fix_description()).map(
                |(applicability, (title, reason))| FixDoc {
                    applicability,
                    title: title.to_string(),
                    reason: reason.to_string(),
                },
            ),
        }
    }
}

impl RuleDoc {
    /// `AdalAcquireTokenWithClientCredentials` for `adal-acquire-token-with-client-credentials`.
    pub fn name(&self) -> String {
        self.id
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    }

    /// The help as Markdown: indented code becomes fenced blocks in the rule's language.
    pub fn help_markdown(&self) -> String {
        let fence = match self.languages.as_slice() {
            [Language::Python] => "python",
            [Language::JavaScript] => "javascript",
            _ => "",
        };
        let mut markdown = format!("{}\n\n", self.summary);
        let mut code: Vec<&str> = Vec::new();
        let flush = |code: &mut Vec<&str>, markdown: &mut String| {
            while code.last().is_some_and(|l| l.trim().is_empty()) {
                code.pop();
            }
            if code.is_empty() {
                return;
            }
            markdown.push_str(&format!("```{fence}\n"));
            for line in code.drain(..) {
                markdown.push_str(line.strip_prefix("    ").unwrap_or(line.trim_start()));
                markdown.push('\n');
            }
            markdown.push_str("```\n");
        };
        for line in self.help.trim_end().lines() {
            let is_code = line.starts_with("    ") || (!code.is_empty() && line.trim().is_empty());
            if is_code {
                code.push(line);
            } else {
                flush(&mut code, &mut markdown);
                markdown.push_str(line);
                markdown.push('\n');
            }
        }
        flush(&mut code, &mut markdown);
        if let Some(fix) = &self.fix {
            markdown.push_str(&format!(
                "\n**Fix** ({}): {}. {}\n",
                fix.applicability.as_str(),
                fix.title,
                fix.reason
            ));
        }
        markdown.push_str(&format!("\n[Documentation]({})\n", self.url));
        markdown
    }
}

/// `adalint rule ID`: everything about one rule.
pub fn rule_documentation(out: &mut dyn Write, rule: &RuleDoc) -> io::Result<()> {
    let languages: Vec<&str> = rule.languages.iter().map(|l| l.name()).collect();
    writeln!(out, "{}", rule.id)?;
    writeln!(out)?;
    writeln!(out, "pack:      {} ({})", rule.pack, languages.join(", "))?;
    writeln!(out, "severity:  {}", rule.severity.as_str())?;
    match &rule.fix {
        Some(fix) => {
            writeln!(
                out,
                "fix:       {} ({})",
                fix.title,
                fix.applicability.as_str()
            )?;
            writeln!(out, "           {}", fix.reason)?;
        }
        None => writeln!(out, "fix:       none")?,
    }
    writeln!(out, "docs:      {}", rule.url)?;
    writeln!(out)?;
    writeln!(out, "{}", rule.summary)?;
    writeln!(out)?;
    writeln!(out, "{}", rule.help.trim_end())
}
