//! Lock files: which package versions they pin. They are reported, to show where ADAL is
//! installed (often pulled in by another package), and never edited: the package manager
//! rewrites them from the manifests.

use super::{LockKind, Locked, json};

pub(super) fn parse(kind: LockKind, text: &str) -> Vec<Locked> {
    match kind {
        LockKind::PackageLock => json::parse_package_lock(text),
        LockKind::PipfileLock => json::parse_pipfile_lock(text),
        LockKind::YarnLock => parse_yarn(text),
        LockKind::PnpmLock => parse_pnpm(text),
        LockKind::PoetryLock => parse_poetry(text),
    }
}

/// Lines with their start offsets.
/// Lines with their start offsets, without line endings or a trailing ` # comment`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let line = match line.find(" #") {
            Some(comment) if !line.trim_start().starts_with('#') => line[..comment].trim_end(),
            _ => line,
        };
        (start, line)
    })
}

/// The package name in a `name@range` descriptor (`@scope/name@^1`, `name@npm:^1`).
fn descriptor_name(descriptor: &str) -> &str {
    let descriptor = descriptor.trim().trim_matches('"');
    let from = usize::from(descriptor.starts_with('@'));
    match descriptor[from..].find('@') {
        Some(at) => &descriptor[..from + at],
        None => descriptor,
    }
}

/// `yarn.lock` (classic and berry): unindented `name@range, name@range:` headers, each
/// followed by an indented `version "x"` / `version: x`.
fn parse_yarn(text: &str) -> Vec<Locked> {
    let mut locked: Vec<Locked> = Vec::new();
    for (start, line) in lines(text) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') && line.ends_with(':') {
            let first = line
                .trim_end_matches(':')
                .split(',')
                .next()
                .unwrap_or_default();
            let name = descriptor_name(first);
            let offset = line.find(name).unwrap_or(0);
            locked.push(Locked {
                name: name.to_string(),
                version: String::new(),
                range: start + offset..start + offset + name.len(),
            });
        } else if let Some(version) = line.trim_start().strip_prefix("version") {
            if let Some(last) = locked.last_mut().filter(|l| l.version.is_empty()) {
                last.version = version
                    .trim_start_matches(':')
                    .trim()
                    .trim_matches('"')
                    .to_string();
            }
        }
    }
    locked
}

/// `pnpm-lock.yaml`: the keys of `packages:` (`/name/1.0.0` in v5, `/name@1.0.0` in v6,
/// `name@1.0.0` in v9), quoted or not.
fn parse_pnpm(text: &str) -> Vec<Locked> {
    let mut locked = Vec::new();
    let mut in_packages = false;
    for (start, line) in lines(text) {
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if !in_packages || indent != 2 || !line.trim_end().ends_with(':') {
            continue;
        }
        let key = line.trim().trim_end_matches(':').trim_matches(['"', '\'']);
        let key = key.strip_prefix('/').unwrap_or(key);
        let key = key.split('(').next().unwrap_or(key);
        let name = descriptor_name(key);
        let (name, version) = if name.len() < key.len() {
            (name, key[name.len() + 1..].to_string())
        } else {
            // v5: `name/1.0.0` or `@scope/name/1.0.0`.
            match key.rsplit_once('/') {
                Some((name, version)) => (name, version.to_string()),
                None => (key, String::new()),
            }
        };
        let offset = line.find(name).unwrap_or(0);
        locked.push(Locked {
            name: name.to_string(),
            version,
            range: start + offset..start + offset + name.len(),
        });
    }
    locked
}

/// `poetry.lock`: `[[package]]` tables with `name = "..."` and `version = "..."`.
fn parse_poetry(text: &str) -> Vec<Locked> {
    let mut locked: Vec<Locked> = Vec::new();
    let mut in_package = false;
    for (start, line) in lines(text) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[[package]]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "name" => {
                let offset = line.find(value).unwrap_or(0);
                locked.push(Locked {
                    name: value.to_string(),
                    version: String::new(),
                    range: start + offset..start + offset + value.len(),
                });
            }
            "version" => {
                if let Some(last) = locked.last_mut().filter(|l| l.version.is_empty()) {
                    last.version = value.to_string();
                }
            }
            _ => {}
        }
    }
    locked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(locked: &[Locked]) -> Vec<(String, String)> {
        locked
            .iter()
            .map(|l| (l.name.clone(), l.version.clone()))
            .collect()
    }

    #[test]
    fn yarn_headers_name_packages() {
        let text = "# yarn lockfile v1\n\nadal-node@^0.2.2, adal-node@^0.2.3:\n  version \"0.2.4\"\n\n\"@azure/ms-rest-nodeauth@^3.0.0\":\n  version \"3.1.1\"\n";
        assert_eq!(
            pairs(&parse_yarn(text)),
            vec![
                ("adal-node".to_string(), "0.2.4".to_string()),
                ("@azure/ms-rest-nodeauth".to_string(), "3.1.1".to_string())
            ]
        );
    }

    #[test]
    fn pnpm_keys_of_every_version_name_packages() {
        let text = "lockfileVersion: '6.0'\npackages:\n  /adal-node@0.2.4:\n    resolution: {}\n  /@azure/ms-rest-nodeauth/3.1.1:\n    dev: false\n  'react-adal@0.5.2(react@18.2.0)':\n    x: 1\n";
        assert_eq!(
            pairs(&parse_pnpm(text)),
            vec![
                ("adal-node".to_string(), "0.2.4".to_string()),
                ("@azure/ms-rest-nodeauth".to_string(), "3.1.1".to_string()),
                ("react-adal".to_string(), "0.5.2".to_string())
            ]
        );
    }

    #[test]
    fn poetry_packages_have_names_and_versions() {
        let text = "[[package]]\nname = \"adal\"\nversion = \"1.2.7\"\n\n[package.dependencies]\nrequests = \"*\"\n\n[[package]]\nname = \"msal\"\nversion = \"1.30.0\"\n";
        assert_eq!(
            pairs(&parse_poetry(text)),
            vec![
                ("adal".to_string(), "1.2.7".to_string()),
                ("msal".to_string(), "1.30.0".to_string())
            ]
        );
    }
}
