//! A project that is itself one of the libraries adalint migrates from or to: the scanned
//! tree holds the source of `adal`, `adal-node`, `msrestazure`, `msal`, an
//! `@azure/msal-*` package, ... (a fork, a checkout, a copy kept beside the code). Its own
//! manifest says so: the `name` of its `package.json`, the `name` its `setup.py`,
//! `setup.cfg` or `pyproject.toml` declares. Everything under that manifest's directory is
//! the library's implementation, not a use of it, and is set aside before linting: neither
//! reported nor fixed, with one run notice per such project. Which names count is data: the
//! `libraries` of the packs (`rules/dependencies.toml`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::manifest::{ManifestKind, ManifestPath};
use crate::registry::Registry;
use crate::walk::{Walked, display};

/// A library's own source tree found among the scanned paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryProject {
    /// The directory of the manifest that names it.
    pub root: PathBuf,
    /// The package name the manifest declares.
    pub name: String,
    pub manifest: PathBuf,
}

/// Removes from `walked` the files and manifests of every library's own project, and says
/// what was set aside (one notice per project).
pub fn set_aside(walked: &mut Walked, registry: &Registry) -> Vec<String> {
    let mut notices = set_aside_installed(walked, registry);
    let projects = find(&walked.manifests, &registry.libraries);
    if projects.is_empty() {
        return notices;
    }
    let inside = |path: &Path| projects.iter().position(|p| path.starts_with(&p.root));
    let mut counts = vec![0usize; projects.len()];
    // The files are sorted, so each project's are one run of them: found by a binary
    // search, not by testing every file against every project.
    let mut aside = vec![false; walked.files.len()];
    for (index, project) in projects.iter().enumerate() {
        let start = walked.files.partition_point(|f| f.path < project.root);
        for (slot, file) in aside[start..].iter_mut().zip(&walked.files[start..]) {
            if !file.path.starts_with(&project.root) {
                break;
            }
            if !*slot {
                *slot = true;
                counts[index] += 1;
            }
        }
    }
    let mut flags = aside.into_iter();
    walked
        .files
        .retain(|_| !flags.next().expect("a flag per file"));
    walked
        .manifests
        .retain(|manifest| match inside(&manifest.path) {
            Some(index) => {
                // `setup.py` is both a source and a manifest: counted once, as a source.
                if manifest.kind != ManifestKind::SetupPy {
                    counts[index] += 1;
                }
                false
            }
            None => true,
        });
    notices.extend(projects.iter().zip(counts).map(|(project, count)| {
        format!(
            "`{}` is the `{}` package itself (its `{}` names it): its {} the library, not uses of it, and {} not reported",
            display(&project.root),
            project.name,
            display(&project.manifest),
            files_are(count),
            if count == 1 { "is" } else { "are" },
        )
    }));
    notices
}

fn files_are(count: usize) -> String {
    if count == 1 {
        "1 file is".to_string()
    } else {
        format!("{count} files are")
    }
}

/// Removes the files of installed copies of the libraries (a vendored `site-packages`:
/// `adal/` beside `adal-1.2.7.dist-info/`), as their distribution's `RECORD` lists them.
fn set_aside_installed(walked: &mut Walked, registry: &Registry) -> Vec<String> {
    // Each recorded file, with the distribution that lists it.
    let mut owners: HashMap<PathBuf, usize> = HashMap::new();
    let mut libraries: Vec<(&Path, String)> = Vec::new();
    for record in &walked.distributions {
        let Some(name) = distribution_name(record) else {
            continue;
        };
        if !is_library(&name, &registry.libraries) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(record) else {
            continue;
        };
        let base = record
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        for relative in recorded_files(&text) {
            owners.entry(base.join(relative)).or_insert(libraries.len());
        }
        libraries.push((record, name));
    }
    if owners.is_empty() {
        return Vec::new();
    }
    let mut counts = vec![0usize; libraries.len()];
    walked.files.retain(|file| match owners.get(&file.path) {
        Some(&index) => {
            counts[index] += 1;
            false
        }
        None => true,
    });
    libraries
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|((record, name), count)| {
            format!(
                "`{}` lists the installed `{name}` package: its {} the library, not uses of it, and {} not reported",
                display(record),
                files_are(count),
                if count == 1 { "is" } else { "are" },
            )
        })
        .collect()
}

/// The `Name:` of the distribution whose `RECORD` this is, from the `METADATA` beside it.
fn distribution_name(record: &Path) -> Option<String> {
    let metadata = std::fs::read_to_string(record.with_file_name("METADATA")).ok()?;
    metadata
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| line.strip_prefix("Name:"))
        .map(|name| name.trim().to_string())
}

/// The paths a `RECORD` lists (its first CSV column), inside the installation directory.
fn recorded_files(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter_map(|line| line.split(',').next())
        .map(|path| path.trim_matches('"'))
        .filter(|path| !path.is_empty() && !path.split('/').any(|part| part == ".."))
}

/// The projects among `manifests` whose declared name is one of `libraries` (`*` at the end
/// of one matches any rest: `@azure/msal-*`). A project inside another keeps its own.
pub fn find(manifests: &[ManifestPath], libraries: &[String]) -> Vec<LibraryProject> {
    let mut projects: Vec<LibraryProject> = manifests
        .iter()
        .filter_map(|manifest| {
            let name = declared_name(manifest)?;
            is_library(&name, libraries).then(|| LibraryProject {
                root: manifest
                    .path
                    .parent()
                    .map_or_else(PathBuf::new, Path::to_path_buf),
                name,
                manifest: manifest.path.clone(),
            })
        })
        .collect();
    projects.sort_by(|a, b| a.root.cmp(&b.root));
    projects.dedup_by(|b, a| b.root.starts_with(&a.root));
    projects
}

fn is_library(name: &str, libraries: &[String]) -> bool {
    libraries
        .iter()
        .any(|library| match library.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => library.eq_ignore_ascii_case(name),
        })
}

/// The package name a manifest declares, for the kinds that declare one.
fn declared_name(manifest: &ManifestPath) -> Option<String> {
    let reads_name = matches!(
        manifest.kind,
        ManifestKind::PackageJson
            | ManifestKind::SetupPy
            | ManifestKind::SetupCfg
            | ManifestKind::Pyproject
    );
    if !reads_name {
        return None;
    }
    let text = std::fs::read_to_string(&manifest.path).ok()?;
    name_in(manifest.kind, &text)
}

fn name_in(kind: ManifestKind, text: &str) -> Option<String> {
    match kind {
        ManifestKind::PackageJson => serde_json::from_str::<serde_json::Value>(text)
            .ok()?
            .get("name")?
            .as_str()
            .map(str::to_string),
        ManifestKind::Pyproject => {
            let table = text.parse::<toml::Table>().ok()?;
            let project = table.get("project").and_then(|p| p.get("name"));
            let poetry = || {
                table
                    .get("tool")
                    .and_then(|t| t.get("poetry"))
                    .and_then(|p| p.get("name"))
            };
            project.or_else(poetry)?.as_str().map(str::to_string)
        }
        ManifestKind::SetupCfg => {
            let mut in_metadata = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with('[') {
                    in_metadata = line == "[metadata]";
                } else if in_metadata {
                    if let Some((key, value)) = line.split_once('=') {
                        if key.trim() == "name" {
                            return Some(value.trim().to_string());
                        }
                    }
                }
            }
            None
        }
        ManifestKind::SetupPy => setup_py_name(text),
        _ => None,
    }
}

/// The string literal passed as `name=` in a `setup.py` (`setup(name='adal', ...)`).
fn setup_py_name(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find("name") {
        let start = from + found;
        from = start + 4;
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            continue;
        };
        let value = &rest[1..];
        if let Some(end) = value.find(quote) {
            return Some(value[..end].to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_from_each_manifest_kind() {
        assert_eq!(
            name_in(
                ManifestKind::PackageJson,
                r#"{"name": "adal-node", "version": "0.2.4"}"#
            ),
            Some("adal-node".to_string())
        );
        assert_eq!(
            name_in(ManifestKind::Pyproject, "[project]\nname = \"msal\"\n"),
            Some("msal".to_string())
        );
        assert_eq!(
            name_in(ManifestKind::Pyproject, "[tool.poetry]\nname = \"adal\"\n"),
            Some("adal".to_string())
        );
        assert_eq!(
            name_in(
                ManifestKind::SetupCfg,
                "[options]\nname = x\n[metadata]\nname = msrestazure\n"
            ),
            Some("msrestazure".to_string())
        );
        let setup = "import re\nfilename = 'x'\nsetup(\n    name='adal',\n    version=v,\n)\n";
        assert_eq!(
            name_in(ManifestKind::SetupPy, setup),
            Some("adal".to_string())
        );
    }

    #[test]
    fn a_star_matches_any_rest() {
        let libraries = vec!["adal".to_string(), "@azure/msal-*".to_string()];
        assert!(is_library("@azure/msal-node", &libraries));
        assert!(is_library("adal", &libraries));
        assert!(!is_library("adal-angular-wrapper-app", &libraries));
        assert!(!is_library("@azure/identity", &libraries));
    }

    #[test]
    fn an_installed_copy_of_a_library_is_set_aside_by_its_record() {
        let root = std::env::temp_dir().join(format!("adalint-installed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let write = |relative: &str, text: &str| {
            let path = root.join(relative);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write("app.py", "import adal\n");
        write(
            "vendor/adal/__init__.py",
            "from .authentication_context import AuthenticationContext\n",
        );
        write("vendor/adal/log.py", "import adal\n");
        write(
            "vendor/adal-1.2.7.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: adal\nVersion: 1.2.7\n\nimport adal\n",
        );
        write(
            "vendor/adal-1.2.7.dist-info/RECORD",
            "adal/__init__.py,sha256=x,10\nadal/log.py,sha256=y,12\nadal-1.2.7.dist-info/RECORD,,\n../../bin/tool,,\n",
        );
        // Another distribution that is not one of the libraries stays.
        write("vendor/requests/api.py", "import adal\n");
        write("vendor/requests-2.0.dist-info/METADATA", "Name: requests\n");
        write(
            "vendor/requests-2.0.dist-info/RECORD",
            "requests/api.py,,\n",
        );
        let registry = Registry::embedded().expect("embedded rules load");
        let mut walked = crate::walk::walk(
            std::slice::from_ref(&root),
            crate::walk::IgnoreFiles::Respect,
            1,
        );
        let notices = set_aside(&mut walked, &registry);
        let left: Vec<String> = walked
            .files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(&root)
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(left, ["app.py", "vendor/requests/api.py"]);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].contains("the installed `adal` package: its 2 files are the library"),
            "{}",
            notices[0]
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
