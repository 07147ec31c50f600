//! Dependency manifests and lock files: which files they are, what each declares, and where
//! a declaration can be replaced, removed or added without touching anything else.
//!
//! Manifests are not parsed with tree-sitter (only `setup.py` is Python). Each format family
//! has a scanner that records byte ranges (`requirement` for pip's line formats, `toml_file`
//! for `pyproject.toml` and `Pipfile`, `json` for `package.json`, `bower.json` and
//! `angular.json`, `setup_py`, `dockerfile` for the install commands of a `Dockerfile`, and
//! `lock` for lock files), so edits (`edit`) keep the file's formatting and comments.
//! Findings and fixes are planned for the whole project at once by `project` (with `addition`
//! for the successors fixed code imports), after the sources are linted, because whether a
//! manifest edit is safe depends on what the code imports.

mod addition;
mod dockerfile;
mod edit;
mod json;
mod lock;
pub(crate) mod notebook;
pub(crate) mod project;
mod requirement;
mod setup_py;
mod toml_file;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::rule::Ecosystem;

/// A file that declares dependencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManifestKind {
    /// pip requirements or constraints (`requirements*.txt`, `constraints.txt`, `*.in`).
    Requirements,
    SetupPy,
    SetupCfg,
    /// `pyproject.toml`: PEP 621, PEP 735 groups and Poetry.
    Pyproject,
    Pipfile,
    /// Conda's `environment.yml`: its conda packages and its `pip:` section.
    CondaEnvironment,
    PackageJson,
    BowerJson,
    /// An Angular workspace's `angular.json`: the packages of `allowedCommonJsDependencies`
    /// and the `scripts` it bundles from `node_modules`.
    AngularJson,
    /// A `Dockerfile` (or `Containerfile`): the packages its `RUN` lines install with pip or
    /// npm.
    Dockerfile,
    /// A lock file: reported, never edited.
    Lock(LockKind),
}

/// A lock file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockKind {
    PackageLock,
    YarnLock,
    PnpmLock,
    PoetryLock,
    PipfileLock,
}

/// A manifest or lock file to scan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManifestPath {
    pub path: PathBuf,
    pub kind: ManifestKind,
}

impl ManifestKind {
    /// The kind of a file, from its name.
    pub fn from_path(path: &Path) -> Option<ManifestKind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let kind = match name.as_str() {
            "setup.py" => ManifestKind::SetupPy,
            "setup.cfg" => ManifestKind::SetupCfg,
            "pyproject.toml" => ManifestKind::Pyproject,
            "pipfile" => ManifestKind::Pipfile,
            // Azure ML environments' conda specifications are named after the SDK v1
            // `CondaDependencies` class by convention.
            "environment.yml"
            | "environment.yaml"
            | "conda_dependencies.yml"
            | "conda_dependencies.yaml" => ManifestKind::CondaEnvironment,
            "package.json" => ManifestKind::PackageJson,
            "bower.json" => ManifestKind::BowerJson,
            "angular.json" => ManifestKind::AngularJson,
            "dockerfile" | "containerfile" => ManifestKind::Dockerfile,
            _ if name.ends_with(".dockerfile") || is_dockerfile_variant(&name) => {
                ManifestKind::Dockerfile
            }
            "package-lock.json" | "npm-shrinkwrap.json" => {
                ManifestKind::Lock(LockKind::PackageLock)
            }
            "yarn.lock" => ManifestKind::Lock(LockKind::YarnLock),
            "pnpm-lock.yaml" => ManifestKind::Lock(LockKind::PnpmLock),
            "poetry.lock" => ManifestKind::Lock(LockKind::PoetryLock),
            "pipfile.lock" => ManifestKind::Lock(LockKind::PipfileLock),
            _ if is_requirements_name(path, &name) => ManifestKind::Requirements,
            _ => return None,
        };
        Some(kind)
    }

    /// The registry whose packages it names.
    pub(crate) fn ecosystem(self) -> Ecosystem {
        match self {
            ManifestKind::PackageJson
            | ManifestKind::BowerJson
            | ManifestKind::AngularJson
            | ManifestKind::Lock(LockKind::PackageLock | LockKind::YarnLock | LockKind::PnpmLock) => {
                Ecosystem::Npm
            }
            // A Dockerfile installs from both: each entry says which (`Entry::ecosystem`).
            _ => Ecosystem::Pypi,
        }
    }

    /// The line-comment marker, for fixtures' `expect:` markers (`None`: JSON has none).
    pub fn comment_prefix(self) -> Option<&'static str> {
        match self {
            ManifestKind::PackageJson
            | ManifestKind::BowerJson
            | ManifestKind::AngularJson
            | ManifestKind::Lock(LockKind::PackageLock | LockKind::PipfileLock) => None,
            _ => Some("#"),
        }
    }
}

/// `Dockerfile.dev`, `Dockerfile.prod`: a Dockerfile variant, not a document about one
/// (`Dockerfile.md`).
fn is_dockerfile_variant(name: &str) -> bool {
    name.strip_prefix("dockerfile.").is_some_and(|suffix| {
        !matches!(suffix, "md" | "markdown" | "rst" | "txt" | "adoc" | "html")
    })
}

/// `requirements.txt`, `requirements-dev.txt`, `dev-requirements.in`, `constraints.txt`, and any
/// `.txt` / `.in` file in a `requirements/` directory.
fn is_requirements_name(path: &Path, name: &str) -> bool {
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(extension, "txt" | "in") {
        return false;
    }
    let in_requirements_dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .is_some_and(|d| matches!(d.to_ascii_lowercase().as_str(), "requirements" | "reqs"));
    stem.contains("requirements") || stem.contains("constraints") || in_requirements_dir
}

/// The name registries compare: PEP 503 for PyPI (`Azure_Common` is `azure-common`), as
/// written for npm.
pub(crate) fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => {
            let mut out = String::with_capacity(name.len());
            let mut separator = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    separator = true;
                } else {
                    if separator && !out.is_empty() {
                        out.push('-');
                    }
                    separator = false;
                    out.push(c.to_ascii_lowercase());
                }
            }
            out
        }
        Ecosystem::Npm => name.to_string(),
    }
}

/// How a declaration is spelled, which decides how a replacement is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// A PEP 508 requirement, `adal>=1.2; python_version>"3"` (the marker is kept).
    Pep508,
    /// A TOML key with a version, `adal = "^1.2"` (Poetry, Pipfile).
    TomlKey,
    /// A JSON member, `"adal-node": "^0.2.4"`.
    JsonMember,
    /// An argument of `pip install` in a shell command, quoted: `"msal>=1.23.0"`.
    PipArgument,
    /// An argument of `npm install` in a shell command: `@azure/msal-node@^2.16.2`.
    NpmArgument,
    /// An argument of `npm install` as a JSON string (a Dockerfile's exec form):
    /// `"@azure/msal-node@^2.16.2"`.
    NpmArgumentQuoted,
}

/// What an entry is to the tool that reads it, which decides what a fix may do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// A dependency declaration: replaced by the successor.
    Dependency,
    /// A name in `allowedCommonJsDependencies`: silences a build warning; the successors
    /// are ES modules, so the entry goes.
    CommonJsAllowance,
    /// A script bundled as is (`angular.json` `scripts`): it defines globals that code may
    /// use without importing anything, so removing it is never certain.
    GlobalScript,
}

/// One declared dependency.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    /// The bytes a replacement rewrites: the requirement up to its marker, the key and value.
    pub(crate) spec: Range<usize>,
    /// The bytes a removal deletes: the list element, the member, the line.
    pub(crate) item: Range<usize>,
    pub(crate) spelling: Spelling,
    pub(crate) channel: Channel,
    /// The registry it installs from, when the file mixes them (a `Dockerfile`); otherwise
    /// the manifest kind's.
    pub(crate) ecosystem: Option<Ecosystem>,
    pub(crate) role: Role,
}

/// Where a declared package is installed from, which decides whether a replacement can be
/// written in its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    /// The package's registry, through pip, Poetry, Pipenv, npm or yarn.
    Registry,
    /// pip in hash-checking mode (a file that pins `--hash`es, or asks `--require-hashes`):
    /// every requirement needs its hashes, so a new one means regenerating the file.
    HashChecked,
    /// A conda package, from channels that include conda-forge (which publishes `msal`,
    /// `azure-identity` and `azure-ai-ml`).
    CondaForge,
    /// A conda package from other channels only.
    CondaOther,
}

/// Where new declarations go.
#[derive(Clone, Debug)]
pub(crate) enum Container {
    /// One declaration per line: a new line goes after `after` (the end of the last entry's
    /// line, or of the header line), indented like the others.
    Lines {
        after: usize,
        indent: String,
        prefix: &'static str,
        spelling: Spelling,
    },
    /// A bracketed, comma-separated list (a Python or TOML array, a JSON object).
    Delimited {
        /// Just after the opening bracket.
        open: usize,
        /// The items' byte ranges, in order.
        items: Vec<Range<usize>>,
        spelling: Spelling,
        quote: char,
    },
}

/// What a scanner found in one manifest.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) entries: Vec<Entry>,
    /// Where the main (runtime) dependencies are, when new ones can be added.
    pub(crate) main: Option<Container>,
    /// Other requirement files it includes (`-r base.txt`, `-c constraints.txt`).
    pub(crate) includes: Vec<String>,
}

impl Parsed {
    /// True when pip reads the file in hash-checking mode: an edit must not add a
    /// requirement without hashes.
    pub(crate) fn is_hash_checked(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.channel == Channel::HashChecked)
    }
}

/// A package version a lock file pins.
#[derive(Clone, Debug)]
pub(crate) struct Locked {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) range: Range<usize>,
}

/// Scans a manifest; `None` for lock files and text that is not valid for its format.
pub(crate) fn parse(kind: ManifestKind, text: &str) -> Option<Parsed> {
    match kind {
        ManifestKind::Requirements => Some(requirement::parse_requirements(text)),
        ManifestKind::SetupCfg => Some(requirement::parse_setup_cfg(text)),
        ManifestKind::CondaEnvironment => Some(requirement::parse_environment(text)),
        ManifestKind::SetupPy => setup_py::parse(text),
        ManifestKind::Pyproject => toml_file::parse_pyproject(text),
        ManifestKind::Pipfile => toml_file::parse_pipfile(text),
        ManifestKind::PackageJson | ManifestKind::BowerJson => json::parse_package(text),
        ManifestKind::AngularJson => json::parse_angular(text),
        ManifestKind::Dockerfile => Some(dockerfile::parse(text)),
        ManifestKind::Lock(_) => None,
    }
}

/// Scans a lock file.
pub(crate) fn parse_lock(kind: LockKind, text: &str) -> Vec<Locked> {
    lock::parse(kind, text)
}

/// True when an edited manifest still reads as its format (the re-parse guard).
pub(crate) fn is_well_formed(kind: ManifestKind, text: &str) -> bool {
    match kind {
        ManifestKind::Pyproject | ManifestKind::Pipfile => text.parse::<toml::Table>().is_ok(),
        ManifestKind::PackageJson | ManifestKind::BowerJson | ManifestKind::AngularJson => {
            serde_json::from_str::<serde_json::Value>(text).is_ok()
        }
        ManifestKind::SetupPy => setup_py::parse(text).is_some(),
        _ => parse(kind, text).is_some(),
    }
}

/// The declaration text for `name` with `requirement` in a spelling.
pub(crate) fn spell(spelling: Spelling, name: &str, requirement: &str) -> String {
    match spelling {
        Spelling::Pep508 => format!("{name}{requirement}"),
        Spelling::TomlKey => format!("{name} = \"{requirement}\""),
        Spelling::JsonMember => format!("\"{name}\": \"{requirement}\""),
        Spelling::PipArgument => format!("\"{name}{requirement}\""),
        Spelling::NpmArgument => format!("{name}@{requirement}"),
        Spelling::NpmArgumentQuoted => format!("\"{name}@{requirement}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_map_to_kinds() {
        let kind = |p: &str| ManifestKind::from_path(Path::new(p));
        assert_eq!(kind("a/requirements.txt"), Some(ManifestKind::Requirements));
        assert_eq!(
            kind("requirements-dev.txt"),
            Some(ManifestKind::Requirements)
        );
        assert_eq!(
            kind("dev-requirements.in"),
            Some(ManifestKind::Requirements)
        );
        assert_eq!(kind("constraints.txt"), Some(ManifestKind::Requirements));
        assert_eq!(
            kind("requirements/base.txt"),
            Some(ManifestKind::Requirements)
        );
        assert_eq!(kind("notes.txt"), None);
        assert_eq!(kind("Pipfile"), Some(ManifestKind::Pipfile));
        assert_eq!(
            kind("Pipfile.lock"),
            Some(ManifestKind::Lock(LockKind::PipfileLock))
        );
        assert_eq!(kind("web/package.json"), Some(ManifestKind::PackageJson));
        assert_eq!(
            kind("yarn.lock"),
            Some(ManifestKind::Lock(LockKind::YarnLock))
        );
        assert_eq!(kind("setup.py"), Some(ManifestKind::SetupPy));
        assert_eq!(
            kind("environment.yml"),
            Some(ManifestKind::CondaEnvironment)
        );
        assert_eq!(kind("web/angular.json"), Some(ManifestKind::AngularJson));
        assert_eq!(kind("Dockerfile"), Some(ManifestKind::Dockerfile));
        assert_eq!(kind("api.Dockerfile"), Some(ManifestKind::Dockerfile));
        assert_eq!(kind("Dockerfile.dev"), Some(ManifestKind::Dockerfile));
        assert_eq!(kind("dockerfile-notes.md"), None);
        assert_eq!(kind("Dockerfile.md"), None);
        assert_eq!(
            kind("npm-shrinkwrap.json"),
            Some(ManifestKind::Lock(LockKind::PackageLock))
        );
    }

    #[test]
    fn pypi_names_are_normalised() {
        assert_eq!(normalize(Ecosystem::Pypi, "Azure_Common"), "azure-common");
        assert_eq!(normalize(Ecosystem::Pypi, "azureml.core"), "azureml-core");
        assert_eq!(
            normalize(Ecosystem::Npm, "@azure/ms-rest-nodeauth"),
            "@azure/ms-rest-nodeauth"
        );
    }
}
