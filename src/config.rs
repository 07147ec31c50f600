//! The configuration file: `adalint.toml`, or `[tool.adalint]` in `pyproject.toml`, found
//! by walking up from the first scanned path (the nearest wins, as in ruff), or named with
//! `--config`. It may set `select`, `ignore`, `exclude` (globs that replace the default
//! excludes), `extend-exclude` (globs added to them), `force-exclude`, `per-file-ignores`,
//! the fix `target` and the default `format`; flags on the command line override it.
//! Unknown keys are errors that point at their line.
//!
//! Globs are relative to the directory of the file that holds them. A glob without `/`
//! matches a file or directory name anywhere below it (`build`, `*_pb2.py`); one with `/`
//! matches the path from that directory (`tests/**`, `legacy/*.js`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::emit::Format;
use crate::error::ConfigError;
use crate::exclusion::NamedPaths;
use crate::settings::{ConfigSource, FixTarget, Settings};

const FILE_NAME: &str = "adalint.toml";
const PYPROJECT: &str = "pyproject.toml";

/// The keys a configuration may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigDef {
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    force_exclude: Option<bool>,
    per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    target: Option<FixTarget>,
    format: Option<FormatName>,
}

/// The formats a configuration may choose.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum FormatName {
    Text,
    Json,
    Sarif,
    Github,
    Inventory,
    Impact,
    ImpactJson,
}

impl From<FormatName> for Format {
    fn from(name: FormatName) -> Format {
        match name {
            FormatName::Text => Format::Text,
            FormatName::Json => Format::Json,
            FormatName::Sarif => Format::Sarif,
            FormatName::Github => Format::Github,
            FormatName::Inventory => Format::Inventory,
            FormatName::Impact => Format::Impact,
            FormatName::ImpactJson => Format::ImpactJson,
        }
    }
}

#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<PyProjectTools>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTools {
    adalint: Option<ConfigDef>,
}

/// A loaded configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    /// The directory globs are relative to.
    pub root: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub target: Option<FixTarget>,
    pub format: Option<Format>,
    /// `exclude`: replaces the default excludes when set.
    exclude: Option<GlobSet>,
    /// `extend-exclude`: added to the excludes (default or not).
    extend_exclude: GlobSet,
    /// `force-exclude`: whether the excludes apply to paths named on the command line.
    named_paths: NamedPaths,
    per_file_ignores: Vec<(GlobSet, Vec<String>)>,
}

impl Config {
    /// True when a walked file or directory is excluded by `exclude` or `extend-exclude`.
    pub fn excludes(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|relative| {
            self.extend_exclude.is_match(&relative)
                || self
                    .exclude
                    .as_ref()
                    .is_some_and(|globs| globs.is_match(&relative))
        })
    }

    /// True when the configuration sets `exclude`, which replaces the default excludes.
    pub fn replaces_default_excludes(&self) -> bool {
        self.exclude.is_some()
    }

    /// `force-exclude = true`: excludes apply to paths named on the command line too.
    pub fn named_paths(&self) -> NamedPaths {
        self.named_paths
    }

    /// The rules ignored for one file by `per-file-ignores`, sorted.
    pub fn ignored_for(&self, path: &Path) -> Vec<String> {
        let Some(relative) = self.relative(path) else {
            return Vec::new();
        };
        let mut ignored: Vec<String> = self
            .per_file_ignores
            .iter()
            .filter(|(globs, _)| globs.is_match(&relative))
            .flat_map(|(_, rules)| rules.iter().cloned())
            .collect();
        ignored.sort();
        ignored.dedup();
        ignored
    }

    /// The path relative to the configuration's directory (walked paths may be relative
    /// to the current directory).
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        absolute
            .strip_prefix(&self.root)
            .ok()
            .map(Path::to_path_buf)
    }
}

/// Finds and loads the configuration the settings ask for.
pub fn load(source: &ConfigSource, paths: &[PathBuf]) -> Result<Option<Config>, ConfigError> {
    match source {
        ConfigSource::Ignore => Ok(None),
        ConfigSource::File(path) => load_file(path).map(Some),
        ConfigSource::Discover => {
            let Some(start) = paths.first() else {
                return Ok(None);
            };
            match discover(start) {
                Some(path) => load_file(&path).map(Some),
                None => Ok(None),
            }
        }
    }
}

/// The settings with the configuration's values where the command line gave none.
pub fn merge(settings: &Settings, config: Option<&Config>) -> Settings {
    let mut merged = settings.clone();
    let Some(config) = config else {
        return merged;
    };
    if merged.select.is_empty() {
        merged.select = config.select.clone().unwrap_or_default();
    }
    if merged.ignore.is_empty() {
        merged.ignore = config.ignore.clone().unwrap_or_default();
    }
    merged.format = merged.format.or(config.format);
    merged.target = merged.target.or(config.target);
    merged
}

/// The nearest `adalint.toml`, or `pyproject.toml` with a `[tool.adalint]` table, at or
/// above `start`.
fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    for directory in first.ancestors() {
        let candidate = directory.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        let pyproject = directory.join(PYPROJECT);
        if pyproject.is_file()
            && std::fs::read_to_string(&pyproject).is_ok_and(|text| {
                text.lines()
                    .any(|l| l.trim_start().starts_with("[tool.adalint"))
            })
        {
            return Some(pyproject);
        }
    }
    None
}

fn load_file(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ConfigError::new(path, "", None, format!("cannot read the file: {error}"))
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == PYPROJECT);
    let parsed = if is_pyproject {
        toml::from_str::<PyProject>(&text)
            .map(|p| p.tool.and_then(|t| t.adalint).unwrap_or_default())
    } else {
        toml::from_str::<ConfigDef>(&text)
    };
    let definition = parsed.map_err(|error| {
        ConfigError::new(path, &text, error.span(), error.message().to_string())
    })?;
    let root = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let compile = |patterns: &[Spanned<String>]| -> Result<GlobSet, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            for glob in globs(pattern.get_ref()) {
                builder.add(glob.map_err(|error| {
                    ConfigError::new(path, &text, Some(pattern.span()), error.to_string())
                })?);
            }
        }
        builder
            .build()
            .map_err(|error| ConfigError::new(path, &text, None, error.to_string()))
    };
    let exclude = definition.exclude.as_deref().map(&compile).transpose()?;
    let extend_exclude = compile(definition.extend_exclude.as_deref().unwrap_or_default())?;
    let mut per_file_ignores = Vec::new();
    for (pattern, rules) in definition.per_file_ignores.unwrap_or_default() {
        let spanned = [Spanned::new(0..0, pattern)];
        per_file_ignores.push((compile(&spanned)?, rules));
    }
    Ok(Config {
        path: path.to_path_buf(),
        root,
        select: definition.select,
        ignore: definition.ignore,
        target: definition.target,
        format: definition.format.map(Format::from),
        exclude,
        extend_exclude,
        named_paths: if definition.force_exclude == Some(true) {
            NamedPaths::Exclude
        } else {
            NamedPaths::Scan
        },
        per_file_ignores,
    })
}

/// `name` matches a name at any depth; `dir/name` matches from the root; both also match
/// everything inside a matching directory.
fn globs(pattern: &str) -> Vec<Result<Glob, globset::Error>> {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let anchored = pattern.contains('/');
    let base = if anchored {
        pattern.to_string()
    } else {
        format!("**/{pattern}")
    };
    [base.clone(), format!("{base}/**")]
        .iter()
        .map(|p| GlobBuilder::new(p).literal_separator(true).build())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str, name: &str) -> (tempfile::TempDir, Result<Config, ConfigError>) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write config");
        let loaded = load_file(&path);
        (dir, loaded)
    }

    #[test]
    fn unknown_key_is_an_error_on_its_line() {
        let (_dir, loaded) = config("select = [\"adal-import\"]\nignroe = [\"x\"]\n", FILE_NAME);
        let error = loaded.expect_err("unknown key");
        assert_eq!(error.line(), Some(2));
        assert!(error.message().contains("ignroe"), "{}", error.message());
    }

    #[test]
    fn pyproject_table_is_read_and_other_tools_are_left_alone() {
        let text = "[tool.black]\nline-length = 100\n[tool.adalint]\nignore = [\"adal-import\"]\ntarget = \"azure-identity\"\nformat = \"sarif\"\n";
        let (_dir, loaded) = config(text, PYPROJECT);
        let loaded = loaded.expect("loads");
        assert_eq!(loaded.ignore, Some(vec!["adal-import".to_string()]));
        assert_eq!(loaded.target, Some(FixTarget::AzureIdentity));
        assert_eq!(loaded.format, Some(Format::Sarif));
    }

    #[test]
    fn unknown_key_in_pyproject_points_into_the_tool_table() {
        let text = "[project]\nname = \"x\"\n\n[tool.adalint]\nselekt = []\n";
        let (_dir, loaded) = config(text, PYPROJECT);
        assert_eq!(loaded.expect_err("unknown key").line(), Some(5));
    }

    #[test]
    fn globs_without_a_slash_match_names_at_any_depth() {
        let text = "exclude = [\"vendor\", \"legacy/*.py\"]\n[per-file-ignores]\n\"tests/**\" = [\"adal-import\"]\n";
        let (dir, loaded) = config(text, FILE_NAME);
        let loaded = loaded.expect("loads");
        let root = std::fs::canonicalize(dir.path()).expect("root");
        assert!(loaded.excludes(&root.join("a/vendor/x.py")));
        assert!(loaded.excludes(&root.join("legacy/old.py")));
        assert!(!loaded.excludes(&root.join("legacy/sub/old.py")));
        assert!(!loaded.excludes(&root.join("src/app.py")));
        assert_eq!(
            loaded.ignored_for(&root.join("tests/unit/t.py")),
            vec!["adal-import".to_string()]
        );
        assert!(loaded.ignored_for(&root.join("src/t.py")).is_empty());
        assert!(loaded.replaces_default_excludes());
    }

    #[test]
    fn extend_exclude_keeps_the_defaults() {
        let text = "extend-exclude = [\"generated\"]\nforce-exclude = true\n";
        let (dir, loaded) = config(text, FILE_NAME);
        let loaded = loaded.expect("loads");
        let root = std::fs::canonicalize(dir.path()).expect("root");
        assert!(loaded.excludes(&root.join("generated/client.py")));
        assert!(!loaded.replaces_default_excludes());
        assert_eq!(loaded.named_paths(), NamedPaths::Exclude);
    }
}
