//! Running the `adalint` binary on throwaway project trees.

#![allow(dead_code, reason = "each test crate uses a different part")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run printed and how it exited.
pub(crate) struct Output {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

impl Output {
    /// Standard output and standard error together.
    pub(crate) fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs adalint in `dir` with `args`; configuration files above `dir` are ignored unless
/// the test asks for them by writing its own.
pub(crate) fn adalint(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("adalint runs");
    Output {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// A temporary project tree.
pub(crate) struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub(crate) fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub(crate) fn path(&self) -> PathBuf {
        std::fs::canonicalize(self.dir.path()).expect("temporary directory path")
    }

    pub(crate) fn write(&self, relative: &str, text: &str) -> &Project {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(path, text).expect("write file");
        self
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).expect("read file")
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        adalint(&self.path(), args)
    }
}

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
pub(crate) mod pinned;

/// The Azure Pipelines variables of one build, as the agent exports them.
pub(crate) const AZURE_PIPELINE: &[(&str, &str)] = &[
    ("TF_BUILD", "True"),
    ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/"),
    ("SYSTEM_TEAMPROJECT", "Web"),
    ("SYSTEM_DEFINITIONID", "12"),
    ("BUILD_DEFINITIONNAME", "web-ci"),
    ("SYSTEM_PHASEID", "3a3a2a60-14c7-570b-14a4-fa42ad92f52a"),
    ("SYSTEM_PHASENAME", "Job"),
    ("BUILD_SOURCEBRANCH", "refs/heads/main"),
    ("BUILD_BUILDID", "345"),
];

/// Every file below `root` with its bytes, by path relative to `root` (with `/`).
pub(crate) fn snapshot(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path
                    .strip_prefix(root)
                    .expect("below the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, bytes);
            }
        }
    }
    files
}
