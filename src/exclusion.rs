//! Which paths a run leaves out, and which code it never rewrites. By default the walk skips
//! the directories ruff and ESLint skip: installed packages (`node_modules`,
//! `site-packages`, `.venv`, ...), build output (`build`, `dist`, `_build`) and tool state
//! (`.git`, `.tox`, `.mypy_cache`, ...), counting the source files and manifests it skipped
//! there. The configuration's `exclude` replaces these defaults and `extend-exclude` adds to
//! them, as in ruff; `--no-default-excludes` turns the defaults off. Paths named on the
//! command line are scanned whatever the excludes say, unless `--force-exclude` applies
//! them there too. Whatever is scanned, a file inside an installed package's directory is
//! another package's code: it is reported, never fixed.

use std::path::{Component, Path};

use crate::config::Config;

/// Directory (and file) names skipped by default: ruff's default `exclude` list, plus what
/// ESLint and npm tooling skip (`bower_components`, `jspm_packages`).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "bower_components",
    "buck-out",
    "build",
    "dist",
    "jspm_packages",
    "node_modules",
    "site-packages",
    "venv",
];

/// Directories package managers install other packages' code into. A file below one is
/// never fixed, even when it is scanned (named on the command line, defaults turned off).
const INSTALLED_PACKAGES: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "site-packages",
    "dist-packages",
    "__pypackages__",
];

/// Whether the default excludes apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultExcludes {
    Apply,
    /// `--no-default-excludes`, or a configuration `exclude` that replaces them.
    Off,
}

/// Whether the excludes apply to the paths named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedPaths {
    /// Scanned whatever the excludes say.
    Scan,
    /// `--force-exclude`: excluded like walked paths.
    Exclude,
}

/// Why a path is left out, if it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Included,
    /// By one of [`DEFAULT_EXCLUDES`]: counted in the summary.
    Default,
    /// By the configuration's `exclude` or `extend-exclude`.
    Configured,
}

/// The run's excludes.
#[derive(Clone, Copy, Debug)]
pub struct Exclusion<'c> {
    defaults: DefaultExcludes,
    config: Option<&'c Config>,
    named: NamedPaths,
}

impl Default for Exclusion<'_> {
    fn default() -> Self {
        Exclusion {
            defaults: DefaultExcludes::Apply,
            config: None,
            named: NamedPaths::Scan,
        }
    }
}

impl<'c> Exclusion<'c> {
    /// The excludes of a run: the defaults unless turned off on the command line or
    /// replaced by the configuration's `exclude`; `--force-exclude` from either.
    pub fn new(defaults: DefaultExcludes, named: NamedPaths, config: Option<&'c Config>) -> Self {
        let defaults = match config {
            Some(config) if config.replaces_default_excludes() => DefaultExcludes::Off,
            _ => defaults,
        };
        let named = match (named, config) {
            (NamedPaths::Scan, Some(config)) => config.named_paths(),
            (named, _) => named,
        };
        Exclusion {
            defaults,
            config,
            named,
        }
    }

    /// Nothing excluded (tests that lint fixture trees as they are).
    pub fn none() -> Self {
        Exclusion {
            defaults: DefaultExcludes::Off,
            config: None,
            named: NamedPaths::Scan,
        }
    }

    /// A path found by walking, `depth` components below the root it was found under.
    pub fn of_walked(&self, path: &Path, depth: usize) -> Verdict {
        if depth > 0 && self.defaults == DefaultExcludes::Apply {
            let below_root = path.components().rev().take(depth);
            if below_root.into_iter().any(|c| is_default_exclude(&c)) {
                return Verdict::Default;
            }
        }
        if self.config.is_some_and(|config| config.excludes(path)) {
            return Verdict::Configured;
        }
        Verdict::Included
    }

    /// A path named on the command line: included unless `--force-exclude`, then judged by
    /// every component of it below the current directory.
    pub fn of_named(&self, path: &Path) -> Verdict {
        if self.named == NamedPaths::Scan {
            return Verdict::Included;
        }
        let relative = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf());
        let depth = relative
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count();
        self.of_walked(&relative, depth)
    }
}

fn is_default_exclude(component: &Component<'_>) -> bool {
    match component {
        Component::Normal(name) => name
            .to_str()
            .is_some_and(|name| DEFAULT_EXCLUDES.contains(&name)),
        _ => false,
    }
}

/// The installed-packages directory (`node_modules`, `site-packages`, ...) a path is inside,
/// as given or once resolved (a run started inside `node_modules/pkg` names `./lib/x.js`),
/// if any: its code belongs to another package and is never fixed.
pub fn installed_package_directory(path: &Path) -> Option<&'static str> {
    installed_package_component(path).or_else(|| {
        std::fs::canonicalize(path)
            .ok()
            .and_then(|resolved| installed_package_component(&resolved))
    })
}

fn installed_package_component(path: &Path) -> Option<&'static str> {
    path.components().find_map(|component| match component {
        Component::Normal(name) => name
            .to_str()
            .and_then(|name| INSTALLED_PACKAGES.iter().find(|&&d| d == name).copied()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_below_the_root_only() {
        let exclusion = Exclusion::default();
        let path = Path::new("node_modules/app/node_modules/adal-node/lib/adal.js");
        assert_eq!(exclusion.of_walked(path, 5), Verdict::Default);
        // Named `node_modules/app`: its own name is not judged, the one below it is.
        assert_eq!(exclusion.of_walked(path, 4), Verdict::Default);
        let named = Path::new("node_modules/adal-node/lib/adal.js");
        assert_eq!(exclusion.of_walked(named, 2), Verdict::Included);
        assert_eq!(
            exclusion.of_walked(Path::new("src/distance.py"), 2),
            Verdict::Included
        );
        assert_eq!(
            Exclusion::none().of_walked(path, 5),
            Verdict::Included,
            "no defaults"
        );
    }

    #[test]
    fn named_paths_are_scanned_unless_forced() {
        let path = Path::new("dist/app.js");
        assert_eq!(Exclusion::default().of_named(path), Verdict::Included);
        let forced = Exclusion::new(DefaultExcludes::Apply, NamedPaths::Exclude, None);
        assert_eq!(forced.of_named(path), Verdict::Default);
        assert_eq!(forced.of_named(Path::new("src/app.js")), Verdict::Included);
    }

    #[test]
    fn installed_packages_are_found_at_any_depth() {
        assert_eq!(
            installed_package_directory(Path::new("web/node_modules/adal-node/lib/adal.js")),
            Some("node_modules")
        );
        assert_eq!(
            installed_package_directory(Path::new(".venv/lib/python3.12/site-packages/adal/x.py")),
            Some("site-packages")
        );
        assert_eq!(
            installed_package_directory(Path::new("src/node_modules.py")),
            None
        );
        assert_eq!(installed_package_directory(Path::new("dist/app.js")), None);
    }
}
