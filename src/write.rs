//! Writing fixed files back to disk, so that nothing is ever lost. A file is replaced only
//! through a temporary file in its own directory and a rename: a run killed at any moment
//! leaves each file whole, with its old text or its new one. The temporary file's name says
//! whose it is (`.adalint-<pid>-XXXXXX.tmp`), and the next run that writes into the
//! directory removes those whose process is gone. A file that changed since it was read
//! (another run, an editor), that is read-only, or that is no longer a file is left as it
//! is, with an error for that file; the rest of the run goes on.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How a temporary file of adalint's starts and ends.
const TEMPORARY_PREFIX: &str = ".adalint-";
const TEMPORARY_SUFFIX: &str = ".tmp";
/// Where a process cannot be asked whether it still runs, a temporary file this old is
/// taken for a leftover.
const LEFTOVER_AGE: Duration = Duration::from_secs(60 * 60);

/// Replaces the file at `path`, which held `expected` when it was read, with `bytes`,
/// keeping its permissions. A symbolic link is written through only to a target inside
/// `roots` (the link itself stays a link).
pub(crate) fn replace_file(
    path: &Path,
    expected: &[u8],
    bytes: &[u8],
    roots: &[PathBuf],
) -> Result<(), String> {
    let target = std::fs::canonicalize(path)
        .map_err(|e| format!("cannot resolve the file to write it: {e}; not fixed"))?;
    if path.is_symlink() && !roots.iter().any(|root| target.starts_with(root)) {
        return Err(format!(
            "not fixed: it is a symbolic link to `{}`, outside the scanned paths",
            target.display()
        ));
    }
    let metadata = std::fs::metadata(&target)
        .map_err(|e| format!("cannot read the file's permissions: {e}; not fixed"))?;
    if !metadata.is_file() {
        return Err("it is no longer a regular file; not fixed".to_string());
    }
    let permissions = metadata.permissions();
    if permissions.readonly() {
        return Err("the file is read-only; not fixed (make it writable to fix it)".to_string());
    }
    let directory = target.parent().ok_or("the file has no parent directory")?;
    remove_leftovers(directory);
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!("{TEMPORARY_PREFIX}{}-", std::process::id()))
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(directory)
        .map_err(|e| format!("cannot create a temporary file to write the fix: {e}; not fixed"))?;
    temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| format!("cannot write the fix: {e}; the file is left unchanged"))?;
    std::fs::set_permissions(temporary.path(), permissions)
        .map_err(|e| format!("cannot keep the file's permissions: {e}; not fixed"))?;
    // Last look before the rename: another program may have written the file meanwhile.
    match std::fs::read(&target) {
        Ok(current) if current == expected => {}
        Ok(_) => {
            return Err(
                "the file changed since adalint read it (another program or run wrote it); not fixed: run adalint again"
                    .to_string(),
            );
        }
        Err(e) => {
            return Err(format!(
                "cannot read the file again before writing it: {e}; not fixed"
            ));
        }
    }
    temporary.persist(&target).map_err(|e| {
        format!(
            "cannot replace the file with its fixed version: {}; the file is left unchanged",
            e.error
        )
    })?;
    Ok(())
}

/// True for the name of a temporary file of adalint's.
fn is_temporary_file(name: &str) -> bool {
    name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)
}

/// Removes, once per run and directory, the temporary files of adalint runs that were
/// killed while writing there.
fn remove_leftovers(directory: &Path) {
    static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut swept = SWEPT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !swept
            .get_or_insert_with(HashSet::new)
            .insert(directory.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if is_temporary_file(name) && is_leftover(name, &entry) {
            // Best effort: a file another run removed first is gone all the same.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// True when the run that made the temporary file `name` has ended.
fn is_leftover(name: &str, entry: &std::fs::DirEntry) -> bool {
    let pid = name[TEMPORARY_PREFIX.len()..]
        .split('-')
        .next()
        .and_then(|pid| pid.parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) if Path::new("/proc/self").exists() => {
            !Path::new("/proc").join(pid.to_string()).exists()
        }
        _ => entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > LEFTOVER_AGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> tempfile::TempDir {
        tempfile::tempdir().expect("temporary directory")
    }

    #[test]
    fn a_file_is_replaced_and_no_temporary_file_stays() {
        let dir = directory();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        replace_file(&path, b"old", b"new", &[]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_file_that_changed_since_it_was_read_is_left_alone() {
        let dir = directory();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "edited elsewhere").unwrap();
        let error = replace_file(&path, b"old", b"new", &[]).unwrap_err();
        assert!(error.contains("changed since adalint read it"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"edited elsewhere");
    }

    #[test]
    fn a_file_replaced_by_a_directory_is_an_error() {
        let dir = directory();
        let path = dir.path().join("a.py");
        std::fs::create_dir(&path).unwrap();
        let error = replace_file(&path, b"old", b"new", &[]).unwrap_err();
        assert!(error.contains("no longer a regular file"), "{error}");
        assert!(path.is_dir());
    }

    #[test]
    fn a_read_only_file_is_not_written() {
        let dir = directory();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        let error = replace_file(&path, b"old", b"new", &[]).unwrap_err();
        assert!(error.contains("read-only"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }

    #[test]
    fn leftovers_of_ended_runs_are_removed_and_live_ones_kept() {
        let dir = directory();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        // No process has this id (the kernel's limit is below it).
        let ended = dir.path().join(".adalint-4294967294-abcdef.tmp");
        let live = dir
            .path()
            .join(format!(".adalint-{}-abcdef.tmp", std::process::id()));
        let other = dir.path().join(".tmpabcdef");
        for file in [&ended, &live, &other] {
            std::fs::write(file, "partial").unwrap();
        }
        replace_file(&path, b"old", b"new", &[]).unwrap();
        assert!(!ended.exists());
        assert!(live.exists());
        assert!(other.exists(), "only adalint's own files are removed");
    }

    #[test]
    fn temporary_names_are_recognised() {
        assert!(is_temporary_file(".adalint-12-x1Y2z3.tmp"));
        assert!(!is_temporary_file("adalint.tmp"));
        assert!(!is_temporary_file(".adalint-12-x1Y2z3.py"));
    }
}
