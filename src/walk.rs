//! Which files to look at: the `ignore` crate's parallel walker with ripgrep's rules
//! (`.gitignore`, `.ignore`, hidden files), the run's excludes (`exclusion`), our language
//! table, and a sorted result so that everything downstream is deterministic.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::exclusion::{Exclusion, Verdict};
use crate::language::Language;
use crate::manifest::{ManifestKind, ManifestPath};

/// Whether ignore files and hidden-file rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoreFiles {
    Respect,
    Disregard,
}

/// A source file to scan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourcePath {
    pub path: PathBuf,
    pub language: Language,
}

/// What walking found: files to scan, and paths that could not be walked.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourcePath>,
    /// Dependency manifests and lock files (`setup.py` is also a source file).
    pub manifests: Vec<ManifestPath>,
    pub errors: Vec<(PathBuf, String)>,
    /// Source files and manifests the default excludes left out (`node_modules`, `dist`, ...).
    pub excluded_by_default: usize,
    /// The `RECORD` files of installed Python distributions (`adal-1.2.7.dist-info/RECORD`)
    /// in the tree: a vendored package's files are the package, not the project's code.
    pub distributions: Vec<PathBuf>,
}

/// True for the file list of an installed Python distribution
/// (`<name>-<version>.dist-info/RECORD`).
fn is_distribution_record(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "RECORD")
        && path
            .parent()
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(".dist-info"))
}

/// Walks `roots` with the default excludes. A root that is a file is scanned whatever the
/// ignore rules say, when its language is known.
pub fn walk(roots: &[PathBuf], ignore_files: IgnoreFiles, threads: usize) -> Walked {
    walk_excluding(roots, ignore_files, &Exclusion::default(), threads)
}

/// Walks `roots`, leaving out what `exclusion` excludes: an excluded directory is not
/// entered (the files of known kinds in one the defaults exclude are counted, without
/// following links or reading them).
pub fn walk_excluding(
    roots: &[PathBuf],
    ignore_files: IgnoreFiles,
    exclusion: &Exclusion<'_>,
    threads: usize,
) -> Walked {
    let mut walked = Walked::default();
    let mut directories = Vec::new();
    for root in roots {
        match exclusion.of_named(root) {
            Verdict::Included => {}
            Verdict::Default => {
                walked.excluded_by_default += count_known_files(root);
                continue;
            }
            Verdict::Configured => continue,
        }
        match std::fs::metadata(root) {
            Ok(metadata) if metadata.is_file() => {
                let language = Language::from_path(root);
                let manifest = ManifestKind::from_path(root);
                if let Some(language) = language {
                    walked.files.push(SourcePath {
                        path: root.clone(),
                        language,
                    });
                }
                if let Some(kind) = manifest {
                    walked.manifests.push(ManifestPath {
                        path: root.clone(),
                        kind,
                    });
                }
                if language.is_none() && manifest.is_none() {
                    walked.errors.push((
                        root.clone(),
                        "not a file of a language adalint reads (unknown extension); skipped"
                            .to_string(),
                    ));
                }
            }
            Ok(_) => directories.push(root.clone()),
            Err(error) => walked
                .errors
                .push((root.clone(), describe_io_error(root, &error))),
        }
    }
    if let Some((first, rest)) = directories.split_first() {
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        let respect = ignore_files == IgnoreFiles::Respect;
        builder
            .hidden(respect)
            .ignore(respect)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .parents(respect)
            .require_git(false)
            .follow_links(true)
            .threads(threads);
        let found: Mutex<Walked> = Mutex::new(Walked::default());
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        match exclusion.of_walked(entry.path(), entry.depth()) {
                            Verdict::Included => {}
                            Verdict::Default => {
                                let skipped = count_known_files(entry.path());
                                found.lock().expect("walker lock").excluded_by_default += skipped;
                                return WalkState::Skip;
                            }
                            Verdict::Configured => return WalkState::Skip,
                        }
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file && is_distribution_record(entry.path()) {
                            let mut found = found.lock().expect("walker lock");
                            found.distributions.push(entry.into_path());
                            return WalkState::Continue;
                        }
                        let language = Language::from_path(entry.path());
                        let manifest = ManifestKind::from_path(entry.path());
                        if is_file && (language.is_some() || manifest.is_some()) {
                            let mut found = found.lock().expect("walker lock");
                            if let Some(kind) = manifest {
                                found.manifests.push(ManifestPath {
                                    path: entry.path().to_path_buf(),
                                    kind,
                                });
                            }
                            if let Some(language) = language {
                                found.files.push(SourcePath {
                                    path: entry.into_path(),
                                    language,
                                });
                            }
                        }
                    }
                    Err(error) => {
                        let mut found = found.lock().expect("walker lock");
                        found.errors.push(walk_error(&error));
                    }
                }
                WalkState::Continue
            })
        });
        let found = found.into_inner().expect("walker lock");
        walked.files.extend(found.files);
        walked.manifests.extend(found.manifests);
        walked.errors.extend(found.errors);
        walked.distributions.extend(found.distributions);
        walked.excluded_by_default += found.excluded_by_default;
    }
    walked.files.sort();
    // The same file reached twice (`. a.py`, `a.py ./a.py`, a link to a file in the tree)
    // is scanned once, under the first path in sorted order.
    let mut seen = std::collections::HashSet::new();
    walked
        .files
        .retain(|file| seen.insert(FileIdentity::of(&file.path)));
    walked.manifests.sort();
    walked.manifests.dedup();
    walked.errors.sort();
    walked.errors.dedup();
    walked.distributions.sort();
    walked
}

/// The source files and manifests at or below `path`, counted for the summary: no link is
/// followed, no ignore file read, no error reported (the tree is not scanned).
fn count_known_files(path: &Path) -> usize {
    let known = |p: &Path| Language::from_path(p).is_some() || ManifestKind::from_path(p).is_some();
    if path.is_file() {
        return usize::from(known(path));
    }
    WalkBuilder::new(path)
        .standard_filters(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && known(e.path()))
        .count()
}

/// What identifies a file whatever the path that reaches it: its device and inode (one
/// `stat`; resolving the path would read every link of every component), or, where there
/// are none, its canonical path.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileIdentity {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileIdentity {
    fn of(path: &Path) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(metadata) = std::fs::metadata(path) {
                return FileIdentity::Inode(metadata.dev(), metadata.ino());
            }
        }
        FileIdentity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

fn walk_error(error: &ignore::Error) -> (PathBuf, String) {
    match error {
        ignore::Error::WithPath { path, err } => (path.clone(), inner_message(err)),
        ignore::Error::WithDepth { err, .. } => walk_error(err),
        ignore::Error::Loop { ancestor, child } => (
            child.clone(),
            format!(
                "symbolic link loop: it points back to `{}`; skipped",
                display(ancestor)
            ),
        ),
        other => (PathBuf::new(), other.to_string()),
    }
}

fn inner_message(error: &ignore::Error) -> String {
    match error {
        ignore::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::NotFound => {
                "broken symbolic link or missing file; skipped".to_string()
            }
            std::io::ErrorKind::PermissionDenied => "permission denied; skipped".to_string(),
            _ => format!("cannot read: {io}"),
        },
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            inner_message(err)
        }
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symbolic link loop: it points back to `{}`; skipped",
                display(ancestor)
            )
        }
        other => other.to_string(),
    }
}

pub(crate) fn describe_io_error(path: &Path, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound if path.is_symlink() => {
            "broken symbolic link; skipped".to_string()
        }
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied; skipped".to_string(),
        _ => format!("cannot read: {error}"),
    }
}

/// A path as shown to users: relative to the current directory when below it, with `/`.
pub fn display(path: &Path) -> String {
    // Asked once per run: a file's report asks for every file.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    let relative = cwd
        .as_ref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text).to_string();
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}
