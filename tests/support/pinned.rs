//! Pinned tool environments for tests that run real Python and Node tools: a virtualenv
//! installed from a pinned requirements file and an npm prefix installed with `npm ci` from
//! a package.json + package-lock.json, both created on first use under the cargo target
//! dir and reused while a stamp file (the tool versions and the pin files' text) matches.
//! Setup runs under a lock file, so test binaries (or two `cargo test`s) that need the same
//! environment wait for each other instead of installing twice. Also: running a command
//! with a time limit, and describing its output for failure messages.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// How long one install may take.
pub(crate) const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How long a test waits for another one's install.
pub(crate) const SETUP_LOCK_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Runs `cmd` to completion with its output captured, killing it after `timeout`.
pub(crate) fn run_bounded(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let reader = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped stdout")));
    let err = reader(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(25)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{what} did not finish within {timeout:?}; killed it"
                ));
            }
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Exit status, stdout and stderr of a finished program, for failure messages.
pub(crate) fn describe(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout).trim_end(),
        String::from_utf8_lossy(&out.stderr).trim_end()
    )
}

/// The last `lines` lines of some output.
pub(crate) fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `program --version`, or what to install.
pub(crate) fn tool_version(program: &str, install_hint: &str) -> Result<String, String> {
    let out = run_bounded(
        Command::new(program).arg("--version"),
        Duration::from_secs(30),
    )
    .map_err(|e| format!("{e}\n{install_hint}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} --version` failed\n{}\n{install_hint}",
            describe(&out)
        ));
    }
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Ok(text.trim().to_string())
}

/// Parses the first `major.minor` in a version string such as `Python 3.11.7` or `v20.20.2`.
pub(crate) fn major_minor(version: &str) -> Option<(u32, u32)> {
    let start = version.find(|c: char| c.is_ascii_digit())?;
    let mut parts = version[start..].split(|c: char| !c.is_ascii_digit());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The base Python (`ADALINT_E2E_PYTHON`, else `python3`), checked to be 3.10 or newer.
pub(crate) fn base_python() -> Result<(String, String), String> {
    let base = std::env::var("ADALINT_E2E_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let hint = format!(
        "The tests need Python 3.10 or newer with the venv module as `{base}` \
         (Debian/Ubuntu: apt-get install python3 python3-venv; or set ADALINT_E2E_PYTHON)."
    );
    let version = tool_version(&base, &hint)?;
    match major_minor(&version) {
        Some((3, minor)) if minor >= 10 => Ok((base, version)),
        _ => Err(format!("`{base}` is {version}, too old.\n{hint}")),
    }
}

/// Creates a virtualenv at `venv` (a fresh one: anything there is removed) with `python`.
pub(crate) fn create_venv(python: &str, venv: &Path) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(venv);
    let out = run_bounded(
        Command::new(python).args(["-m", "venv"]).arg(venv),
        INSTALL_TIMEOUT,
    )?;
    if !out.status.success() {
        return Err(format!("`{python} -m venv` failed\n{}", describe(&out)));
    }
    Ok(venv.join("bin"))
}

/// `pip install ARGS` with the venv's interpreter.
pub(crate) fn pip_install(bin: &Path, args: &[&std::ffi::OsStr]) -> Result<(), String> {
    let out = run_bounded(
        Command::new(bin.join("python"))
            .args([
                "-m",
                "pip",
                "install",
                "--no-input",
                "--disable-pip-version-check",
            ])
            .args(args),
        INSTALL_TIMEOUT,
    )?;
    if !out.status.success() {
        return Err(format!(
            "pip install {args:?} failed (the first run needs the PyPI registry)\n{}\n{}",
            tail(&out.stdout, 20),
            tail(&out.stderr, 30)
        ));
    }
    Ok(())
}

/// A virtualenv at `root/name` holding exactly `requirements` (a pinned requirements
/// file), created on first use and kept while the stamp matches; returns its `bin`.
/// The caller holds `root`'s setup lock.
pub(crate) fn pinned_venv(root: &Path, name: &str, requirements: &Path) -> Result<PathBuf, String> {
    let (base, version) = base_python()?;
    let pins = fs::read_to_string(requirements)
        .map_err(|e| format!("read {}: {e}", requirements.display()))?;
    let venv = root.join(name);
    let bin = venv.join("bin");
    let stamp = root.join(format!("{name}.stamp"));
    let key = format!("{base}: {version}\n{pins}");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str())
        || !bin.join("python").exists()
    {
        let _ = fs::remove_file(&stamp);
        create_venv(&base, &venv)?;
        pip_install(&bin, &["-r".as_ref(), requirements.as_os_str()])?;
        fs::write(&stamp, &key).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    }
    Ok(bin)
}

/// An npm prefix at `root/name` installed with `npm ci` from `source`'s package.json and
/// package-lock.json, created on first use and kept while the stamp matches; returns its
/// `node_modules`. Install scripts do not run (`--ignore-scripts`). The caller holds
/// `root`'s setup lock.
pub(crate) fn pinned_npm(root: &Path, name: &str, source: &Path) -> Result<PathBuf, String> {
    let hint = "The tests need Node.js 20 or newer and npm on PATH \
                (Debian/Ubuntu: apt-get install nodejs npm).";
    let version = tool_version("node", hint)?;
    match major_minor(&version) {
        Some((major, _)) if major >= 20 => {}
        _ => return Err(format!("node is {version}, too old.\n{hint}")),
    }
    let npm_version = tool_version("npm", hint)?;
    let read = |file: &str| {
        fs::read_to_string(source.join(file))
            .map_err(|e| format!("read {}: {e}", source.join(file).display()))
    };
    let (manifest, lock) = (read("package.json")?, read("package-lock.json")?);
    let dir = root.join(name);
    let node_modules = dir.join("node_modules");
    let stamp = root.join(format!("{name}.stamp"));
    let key = format!("node {version}\nnpm {npm_version}\n{manifest}\n{lock}");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) || !node_modules.exists() {
        let _ = fs::remove_file(&stamp);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        for file in ["package.json", "package-lock.json"] {
            fs::copy(source.join(file), dir.join(file)).map_err(|e| format!("copy {file}: {e}"))?;
        }
        let out = run_bounded(
            Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&dir),
            INSTALL_TIMEOUT,
        )?;
        if !out.status.success() {
            return Err(format!(
                "npm ci failed (the first run needs the npm registry)\n{}\n{}",
                tail(&out.stdout, 20),
                tail(&out.stderr, 30)
            ));
        }
        fs::write(&stamp, &key).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    }
    Ok(node_modules)
}

/// A lock file created with `create_new`, holding the owner's pid; a lock whose owner is gone
/// (no `/proc/<pid>`) or that is older than the time-out is taken over.
pub(crate) struct FileLock(PathBuf);

impl FileLock {
    pub(crate) fn acquire(path: &Path, timeout: Duration) -> Result<FileLock, String> {
        let start = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(FileLock(path.to_path_buf()));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if Self::is_stale(path, timeout) {
                        let _ = fs::remove_file(path);
                        continue;
                    }
                }
                Err(e) => return Err(format!("create lock {}: {e}", path.display())),
            }
            if start.elapsed() > timeout {
                return Err(format!(
                    "waited {timeout:?} for {}; remove it if no other test run is installing",
                    path.display()
                ));
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    fn is_stale(path: &Path, timeout: Duration) -> bool {
        let age = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default();
        if age > timeout {
            return true;
        }
        let owner = fs::read_to_string(path).unwrap_or_default();
        match owner.trim().parse::<u32>() {
            Ok(pid) => Path::new("/proc").exists() && !Path::new(&format!("/proc/{pid}")).exists(),
            // Just created, pid not written yet: give the owner a moment.
            Err(_) => age > Duration::from_secs(10),
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}
