//! adalint installed the ways Python and JavaScript teams install their linters, proved on
//! this machine with the real tools:
//!
//! * **PyPI**: the wheel is built once per test run with maturin (`bindings = "bin"`,
//!   pinned in `tests/packaging/requirements.txt`, installed into a venv under the cargo
//!   target dir), installed into a fresh venv, and its `adalint` prints the version and
//!   scans `examples/` exactly as the cargo-built binary does.
//! * **npm**: `npm/adalint` and `npm/platforms/linux-x64` (with the wheel's binary) are
//!   packed with `npm pack`, the tarballs installed into a temporary project, and
//!   `npx adalint` runs the same scan; without the platform package the launcher names it.
//! * **pre-commit**: `pre-commit try-repo` on the hooks-only repository built from
//!   `pre-commit/` and `.pre-commit-hooks.yaml`, with pip limited to local files (the built
//!   wheel and setuptools, `PIP_NO_INDEX` + `PIP_FIND_LINKS`) and no cargo on PATH, runs the
//!   hook on a fixture repository and reports its findings; the hooks' `files` pattern
//!   selects exactly the names adalint reads (its language table and manifest names).
//! * **SARIF**: Microsoft's SARIF Multitool (`@microsoft/sarif-multitool-linux`, pinned in
//!   `tests/packaging/package.json`) validates the SARIF of `examples/` in a git checkout:
//!   no errors or warnings under `Sarif;Gh;Ghas`, nor under `Sarif;Ado` with the Azure
//!   Pipelines variables set; the notes left are the documented ones (docs/ci.md).
//!
//! The environments are created on first use by `support::pinned` (the registries are the
//! only network used); the release build inside maturin is the one slow step.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use support::pinned::{
    FileLock, SETUP_LOCK_TIMEOUT, create_venv, describe, pinned_npm, pinned_venv, pip_install,
    run_bounded,
};
use support::root;

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The build backend of the hooks-only package (`pre-commit/pyproject.toml`), offered to pip
/// as a local file so the hook's install can run without the index.
const SETUPTOOLS: &str = "setuptools==84.2.1";
const BUILD_TIMEOUT: Duration = Duration::from_secs(40 * 60);
const RUN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The SARIF Multitool notes adalint leaves on purpose (see docs/ci.md): messages are
/// plain text rather than ids with arguments (SARIF2002), URLs could not be fetched from
/// this machine (SARIF2006), and rule ids are names like `adal-import` rather than
/// `AD1001` (SARIF2009).
const DOCUMENTED_NOTES: &[&str] = &["SARIF2002", "SARIF2006", "SARIF2009"];

fn env_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("adalint-packaging-env")
}

fn packaging_dir() -> PathBuf {
    root().join("tests").join("packaging")
}

fn ok<T>(result: Result<T, String>) -> T {
    result.unwrap_or_else(|message| panic!("{message}"))
}

/// Runs a command to completion and fails the test if it cannot start or times out.
fn run(command: &mut Command) -> Output {
    ok(run_bounded(command, RUN_TIMEOUT))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn note(what: &str, started: Instant) {
    #[expect(clippy::print_stderr, reason = "timings in the test log (--nocapture)")]
    {
        eprintln!(
            "packaging: {what}: {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}

/// What the packaging tests share: the tools venv and the wheel, built once.
struct Built {
    /// `bin` of the venv holding maturin and pre-commit.
    tools: PathBuf,
    /// The directory holding the one wheel built.
    wheels: PathBuf,
    /// A directory holding the setuptools wheel.
    backend: PathBuf,
    wheel: PathBuf,
}

static BUILT: OnceLock<Result<Built, String>> = OnceLock::new();

fn built() -> &'static Built {
    match BUILT.get_or_init(build) {
        Ok(built) => built,
        Err(message) => panic!("packaging setup failed:\n{message}"),
    }
}

fn build() -> Result<Built, String> {
    let root_dir = env_root();
    fs::create_dir_all(&root_dir).map_err(|e| format!("create {}: {e}", root_dir.display()))?;
    let _lock = FileLock::acquire(&root_dir.join("setup.lock"), SETUP_LOCK_TIMEOUT)?;
    let tools = pinned_venv(
        &root_dir,
        "tools-venv",
        &packaging_dir().join("requirements.txt"),
    )?;
    let wheels = root_dir.join("wheels");
    let _ = fs::remove_dir_all(&wheels);
    let started = Instant::now();
    // The crate's own target dir, so a later run rebuilds only what changed.
    let out = run_bounded(
        Command::new(tools.join("maturin"))
            .args(["build", "--release", "--quiet", "--out"])
            .arg(&wheels)
            .current_dir(root()),
        BUILD_TIMEOUT,
    )?;
    if !out.status.success() {
        return Err(format!("maturin build failed\n{}", describe(&out)));
    }
    note("maturin build --release", started);
    let found: Vec<PathBuf> = fs::read_dir(&wheels)
        .map_err(|e| format!("list {}: {e}", wheels.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "whl"))
        .collect();
    let [wheel] = found.as_slice() else {
        return Err(format!("expected one wheel, found {found:?}"));
    };
    let backend = root_dir.join("backend");
    if !backend.exists() {
        let out = run_bounded(
            Command::new(tools.join("python"))
                .args(["-m", "pip", "download", "--quiet", "--no-deps"])
                .args([
                    "--disable-pip-version-check",
                    "--only-binary",
                    ":all:",
                    "-d",
                ])
                .arg(backend.with_extension("partial"))
                .arg(SETUPTOOLS),
            Duration::from_secs(600),
        )?;
        if !out.status.success() {
            return Err(format!(
                "pip download {SETUPTOOLS} failed\n{}",
                describe(&out)
            ));
        }
        fs::rename(backend.with_extension("partial"), &backend)
            .map_err(|e| format!("rename the backend directory: {e}"))?;
    }
    Ok(Built {
        tools,
        wheel: wheel.clone(),
        wheels,
        backend,
    })
}

/// The cargo-built binary's JSON report of `examples/`, the reference for every install.
fn reference_scan() -> String {
    let out = run(Command::new(env!("CARGO_BIN_EXE_adalint"))
        .args(["examples", "--isolated", "--format", "json"])
        .current_dir(root()));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    stdout(&out)
}

fn assert_version(out: &Output) {
    assert!(out.status.success(), "{}", describe(out));
    let text = stdout(out);
    assert!(
        text.starts_with(&format!("adalint {VERSION} (rules ")) && text.contains(" packs, "),
        "{text}"
    );
}

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_scans_like_the_cargo_build() {
    let built = built();
    let name = built
        .wheel
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("adalint-{VERSION}-py3-none-")),
        "a binary wheel for any Python 3: {name}"
    );
    let venv = tempfile::tempdir().expect("temporary directory");
    let (python, _) = ok(support::pinned::base_python());
    let bin = ok(create_venv(&python, &venv.path().join("venv")));
    let started = Instant::now();
    ok(pip_install(
        &bin,
        &["--no-index".as_ref(), built.wheel.as_os_str()],
    ));
    note("pip install of the wheel", started);

    let adalint = bin.join("adalint");
    assert_version(&run(Command::new(&adalint).arg("--version")));
    let started = Instant::now();
    let out = run(Command::new(&adalint)
        .args(["examples", "--isolated", "--format", "json"])
        .current_dir(root()));
    note("first scan of examples/ from the venv", started);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(stdout(&out), reference_scan());

    // The metadata PyPI shows, from the wheel's METADATA.
    let out = run(Command::new(bin.join("python")).args([
        "-c",
        "import sys, zipfile; w = zipfile.ZipFile(sys.argv[1]); \
         print(w.read(next(n for n in w.namelist() if n.endswith('.dist-info/METADATA'))).decode())",
    ]).arg(&built.wheel));
    let metadata = stdout(&out);
    for needle in [
        "Name: adalint\n",
        &format!("Version: {VERSION}\n")[..],
        "Summary: Find and migrate uses of Microsoft's retired ADAL libraries",
        "License-Expression: MIT",
        "Project-URL: Repository, https://github.com/adalint/adalint",
        "Classifier: Programming Language :: Rust",
        "Description-Content-Type: text/markdown",
        "# adalint",
    ] {
        assert!(
            metadata.contains(needle),
            "METADATA lacks {needle:?}:\n{metadata}"
        );
    }
}

/// Unpacks the wheel into `dir`; returns the binary in it.
fn wheel_binary(built: &Built, dir: &Path) -> PathBuf {
    let out = run(Command::new(built.tools.join("python"))
        .args(["-m", "zipfile", "-e"])
        .arg(&built.wheel)
        .arg(dir));
    assert!(out.status.success(), "{}", describe(&out));
    dir.join(format!("adalint-{VERSION}.data"))
        .join("scripts")
        .join("adalint")
}

/// Copies a directory tree (package templates are small and flat).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create directory");
    for entry in fs::read_dir(from).expect("list directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// `npm pack` of a staged package directory into `out`; returns the tarball.
fn npm_pack(package: &Path, out: &Path) -> PathBuf {
    let result = run(Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(out)
        .current_dir(package));
    assert!(result.status.success(), "{}", describe(&result));
    out.join(stdout(&result).trim())
}

/// A project that installs `tarballs` from the files alone.
fn npm_project(dir: &Path, tarballs: &[&Path]) {
    fs::create_dir_all(dir).expect("create project");
    fs::write(
        dir.join("package.json"),
        r#"{ "name": "consumer", "version": "1.0.0", "private": true }"#,
    )
    .expect("write package.json");
    let started = Instant::now();
    let out = run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--save-dev"])
        .args(tarballs)
        .current_dir(dir));
    assert!(out.status.success(), "{}", describe(&out));
    note("npm install of the tarballs", started);
}

#[test]
fn the_npm_packages_install_from_their_tarballs_and_npx_runs_adalint() {
    let built = built();
    let work = tempfile::tempdir().expect("temporary directory");
    let work = work.path();
    // The platform package carries the binary the wheel carries.
    let binary = wheel_binary(built, &work.join("wheel"));
    let stage = work.join("stage");
    copy_tree(&root().join("npm").join("adalint"), &stage.join("adalint"));
    let platform = stage.join("linux-x64");
    copy_tree(&root().join("npm/platforms/linux-x64"), &platform);
    fs::create_dir_all(platform.join("bin")).expect("create bin");
    fs::copy(&binary, platform.join("bin/adalint")).expect("copy the binary");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(
            platform.join("bin/adalint"),
            fs::Permissions::from_mode(0o755),
        )
        .expect("chmod");
    }
    let tarballs = work.join("tarballs");
    fs::create_dir_all(&tarballs).expect("create tarballs");
    let launcher = npm_pack(&stage.join("adalint"), &tarballs);
    let native = npm_pack(&platform, &tarballs);
    assert!(launcher.ends_with(format!("adalint-{VERSION}.tgz")));
    assert!(native.ends_with(format!("adalint-linux-x64-{VERSION}.tgz")));

    let project = work.join("project");
    npm_project(&project, &[&launcher, &native]);
    let npx = |args: &[&str], cwd: &Path| {
        run(Command::new("npx")
            .args(["--no-install", "adalint"])
            .args(args)
            .current_dir(cwd))
    };
    assert_version(&npx(&["--version"], &project));
    let examples = root().join("examples");
    let started = Instant::now();
    let out = npx(
        &[examples.to_str().unwrap(), "--isolated", "--format", "json"],
        &project,
    );
    note("first npx adalint scan of examples/", started);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    // Same findings; paths differ only by the directory the scan ran from.
    let out = run(Command::new(project.join("node_modules/.bin/adalint"))
        .args(["examples", "--isolated", "--format", "json"])
        .current_dir(root()));
    assert_eq!(stdout(&out), reference_scan());

    // Without its platform package the launcher says which one is missing.
    let bare = work.join("bare");
    npm_project(&bare, &[&launcher]);
    let out = npx(&["--version"], &bare);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("@adalint/linux-x64") && stderr.contains("optional dependency"),
        "{stderr}"
    );
}

/// Every package that names adalint's version names Cargo.toml's.
#[test]
fn every_package_names_the_cargo_version() {
    let read = |path: &str| fs::read_to_string(root().join(path)).expect("read package file");
    let launcher: serde_json::Value = serde_json::from_str(&read("npm/adalint/package.json"))
        .expect("npm/adalint/package.json is JSON");
    assert_eq!(launcher["version"], VERSION);
    let optional = launcher["optionalDependencies"]
        .as_object()
        .expect("optionalDependencies");
    let platforms: Vec<String> = fs::read_dir(root().join("npm/platforms"))
        .expect("npm/platforms")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(optional.len(), platforms.len());
    for platform in &platforms {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&format!("npm/platforms/{platform}/package.json")))
                .expect("platform package.json is JSON");
        let name = format!("@adalint/{platform}");
        assert_eq!(manifest["name"], name.as_str());
        assert_eq!(manifest["version"], VERSION);
        assert_eq!(optional[&name], VERSION, "{name} pinned to this version");
        let (os, cpu) = platform.split_once('-').expect("os-cpu");
        assert_eq!(manifest["os"][0], os);
        assert_eq!(manifest["cpu"][0], cpu);
    }
    let launcher_js = read("npm/adalint/bin/adalint.js");
    for platform in &platforms {
        assert!(
            launcher_js.contains(&format!("\"{platform}\"")),
            "launcher knows {platform}"
        );
    }
    let hooks = read("pre-commit/pyproject.toml");
    assert!(hooks.contains(&format!("version = \"{VERSION}\"")));
    assert!(hooks.contains(&format!("\"adalint=={VERSION}\"")));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = run(Command::new("git")
        .args([
            "-c",
            "user.name=adalint",
            "-c",
            "user.email=adalint@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir));
    assert!(out.status.success(), "git {args:?}\n{}", describe(&out));
    stdout(&out).trim().to_string()
}

/// A git repository holding `files`, committed.
fn git_repository(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).expect("create directories");
        fs::write(path, text).expect("write file");
    }
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "fixture"]);
}

#[test]
fn pre_commit_try_repo_runs_the_hook_from_the_wheel_without_rust() {
    let built = built();
    let work = tempfile::tempdir().expect("temporary directory");
    let work = work.path();
    // The hooks-only repository, as the release publishes it.
    let hooks = work.join("adalint-pre-commit");
    let read = |path: &str| fs::read_to_string(root().join(path)).expect("read hook file");
    git_repository(
        &hooks,
        &[
            (".pre-commit-hooks.yaml", &read(".pre-commit-hooks.yaml")),
            ("pyproject.toml", &read("pre-commit/pyproject.toml")),
        ],
    );
    let project = work.join("project");
    git_repository(
        &project,
        &[
            ("app/auth.py", "import adal\n"),
            ("web/login.js", "const adal = require(\"adal-node\");\n"),
            ("requirements.txt", "adal==1.2.7\n"),
            ("notes/todo.txt", "adal is retired\n"),
            ("config.yaml", "adal: true\n"),
        ],
    );
    // No cargo or rustc: the hook must come from the wheel.
    let path: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect();
    let path = std::env::join_paths(path).expect("PATH");
    let started = Instant::now();
    let out = run(Command::new(built.tools.join("pre-commit"))
        .args(["try-repo"])
        .arg(&hooks)
        .args(["adalint", "--all-files", "--color", "never"])
        .current_dir(&project)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", work.join("cache"))
        // Only local files: the adalint wheel built here and the hooks package's backend.
        .env("PIP_NO_INDEX", "1")
        .env(
            "PIP_FIND_LINKS",
            format!("{} {}", built.wheels.display(), built.backend.display()),
        )
        .env_remove("VIRTUAL_ENV"));
    note("pre-commit try-repo (hook environment and run)", started);
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the hook fails on findings\n{text}"
    );
    for needle in [
        "app/auth.py",
        "adal-import",
        "web/login.js",
        "adal-node-import",
        "requirements.txt",
        "retired-dependency",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // Files adalint does not read are not passed to it (it would reject them).
    assert!(!text.contains("not a file of a language"), "{text}");
}

/// The multitool's findings as `(level, rule id)` counts.
fn multitool(tool: &Path, sarif: &Path, kinds: &str) -> BTreeMap<(String, String), usize> {
    let out = run(Command::new(tool).args(["validate"]).arg(sarif).args([
        "--rule-kind",
        kinds,
        "--level",
        "Error;Warning;Note",
    ]));
    assert!(out.status.success(), "{}", describe(&out));
    let mut counts = BTreeMap::new();
    for line in stdout(&out).lines() {
        // `<file>(line,col): <level> <RULE>: <message>`
        let Some((_, rest)) = line.split_once("): ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(level), Some(rule)) = (words.next(), words.next()) else {
            continue;
        };
        *counts
            .entry((level.to_string(), rule.trim_end_matches(':').to_string()))
            .or_insert(0) += 1;
    }
    counts
}

fn assert_only_documented_notes(counts: &BTreeMap<(String, String), usize>, kinds: &str) {
    for ((level, rule), count) in counts {
        assert!(
            level == "note" && DOCUMENTED_NOTES.contains(&rule.as_str()),
            "{kinds}: {count} × {level} {rule} (all: {counts:?})"
        );
    }
}

#[test]
fn microsofts_sarif_multitool_finds_no_errors_or_warnings_for_github_or_azure_devops() {
    let tools = {
        let root_dir = env_root();
        fs::create_dir_all(&root_dir).expect("create env root");
        let _lock = ok(FileLock::acquire(
            &root_dir.join("npm.lock"),
            SETUP_LOCK_TIMEOUT,
        ));
        ok(pinned_npm(&root_dir, "sarif-multitool", &packaging_dir()))
    };
    let tool = tools.join("@microsoft/sarif-multitool-linux/Sarif.Multitool");
    // Its install script (skipped by `npm ci --ignore-scripts`) only does this.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&tool, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let work = tempfile::tempdir().expect("temporary directory");
    let checkout = work.path().join("web");
    copy_tree(&root().join("examples"), &checkout);
    git_repository(&checkout, &[]);
    git(
        &checkout,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/contoso/web.git",
        ],
    );
    let scan = |vars: &[(&str, &str)], name: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_adalint"));
        command
            .args([".", "--isolated", "--format", "sarif"])
            .current_dir(&checkout);
        for var in ["TF_BUILD", "BUILD_REPOSITORY_URI", "GITHUB_SERVER_URL"] {
            command.env_remove(var);
        }
        let out = run(command.envs(vars.iter().copied()));
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        let path = work.path().join(name);
        fs::write(&path, &out.stdout).expect("write SARIF");
        path
    };
    let plain = scan(&[], "plain.sarif");
    let counts = multitool(&tool, &plain, "Sarif;Gh;Ghas");
    assert_only_documented_notes(&counts, "Sarif;Gh;Ghas");
    assert!(!counts.is_empty(), "the notes are reported (the tool ran)");

    let pipeline = scan(support::AZURE_PIPELINE, "pipeline.sarif");
    let counts = multitool(&tool, &pipeline, "Sarif;Ado");
    assert_only_documented_notes(&counts, "Sarif;Ado");
    // The same log outside a pipeline is what Azure DevOps rejects: the check has teeth.
    let counts = multitool(&tool, &plain, "Sarif;Ado");
    assert!(
        counts
            .keys()
            .any(|(level, rule)| level == "error" && rule.starts_with("GHAzDO")),
        "{counts:?}"
    );
}

/// The hooks pass adalint exactly the files it reads: the `files` pattern of
/// `.pre-commit-hooks.yaml` (as pre-commit applies it, with Python's `re.search`) agrees
/// with adalint's language table and manifest names on every name below.
#[test]
fn the_hooks_select_exactly_the_files_adalint_reads() {
    let tools = {
        let root_dir = env_root();
        fs::create_dir_all(&root_dir).expect("create env root");
        let _lock = ok(FileLock::acquire(
            &root_dir.join("setup.lock"),
            SETUP_LOCK_TIMEOUT,
        ));
        ok(pinned_venv(
            &root_dir,
            "tools-venv",
            &packaging_dir().join("requirements.txt"),
        ))
    };
    let names = [
        "a.py",
        "a.pyi",
        "a.ipynb",
        "a.js",
        "a.mjs",
        "a.cjs",
        "a.jsx",
        "a.ts",
        "a.mts",
        "a.cts",
        "a.tsx",
        "a.html",
        "a.htm",
        "a.xhtml",
        "Views/Home.cshtml",
        "a.vbhtml",
        "App.razor",
        "a.aspx",
        "a.jsp",
        "a.php",
        "requirements.txt",
        "requirements-dev.txt",
        "dev-requirements.in",
        "constraints.txt",
        "requirements/base.txt",
        "reqs/prod.txt",
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "Pipfile",
        "Pipfile.lock",
        "environment.yml",
        "environment.yaml",
        "package.json",
        "web/package.json",
        "bower.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "angular.json",
        "Dockerfile",
        "docker/Containerfile",
        "Dockerfile.prod",
        "build.dockerfile",
        // Not read by adalint:
        "Dockerfile.md",
        "notes.txt",
        "config.yaml",
        "tsconfig.json",
        "tox.ini",
        "a.vue",
        "a.css",
        "README.md",
        "Cargo.toml",
        "a.pyc",
        "a.json",
    ];
    let script = "import re, sys, yaml\n\
        hooks = yaml.safe_load(open(sys.argv[1]))\n\
        patterns = {h['id']: h['files'] for h in hooks}\n\
        assert len(set(patterns.values())) == 1, patterns\n\
        pattern = re.compile(next(iter(patterns.values())))\n\
        for name in sys.argv[2:]:\n    print(name, bool(pattern.search(name)))\n";
    let out = run(Command::new(tools.join("python"))
        .args(["-c", script])
        .arg(root().join(".pre-commit-hooks.yaml"))
        .args(names));
    assert!(out.status.success(), "{}", describe(&out));
    let selected: BTreeMap<String, bool> = stdout(&out)
        .lines()
        .filter_map(|line| line.rsplit_once(' '))
        .map(|(name, yes)| (name.to_string(), yes == "True"))
        .collect();
    assert_eq!(selected.len(), names.len());
    for name in names {
        let path = Path::new(name);
        let read = adalint::language::Language::from_path(path).is_some()
            || adalint::manifest::ManifestKind::from_path(path).is_some();
        assert_eq!(
            selected[name], read,
            "{name}: hooks select it = {}, adalint reads it = {read}",
            selected[name]
        );
    }
}
