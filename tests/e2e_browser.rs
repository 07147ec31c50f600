//! Browser end-to-end test: a react-adal single-page app (`tests/e2e/programs/browser/`)
//! and the app `adalint --fix --unsafe-fixes` makes of it both run in headless Chromium
//! against the fake identity platform (`tests/e2e/fake_idp.py`): the app signs in with a
//! redirect, acquires a token for its API and calls a protected fake API
//! (`tests/e2e/browser/app_server.py`). The test asserts on what the fake identity platform
//! and the API saw: ADAL.js' implicit flow and a v1 token before; after, MSAL.js' auth-code
//! flow with PKCE, a v2 token for `resource/.default`, and no v1 request at all.
//!
//! Needs `python3`, `node` 20+ and `npm` (the pinned browser libraries, esbuild and
//! puppeteer-core from `tests/e2e/browser/package.json` are installed with `npm ci` under
//! `target/tmp/adalint-e2e-browser-env/` on first use), `openssl` (the fake's CA) and
//! Debian's `chromium-headless-shell` (installed with `apt-get` when it is missing and the
//! test runs as root; otherwise the test fails saying what to install).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::pinned::{FileLock, SETUP_LOCK_TIMEOUT, describe, pinned_npm, run_bounded};

const RESOURCE: &str = "https://orders.contoso.com";
const CLIENT_ID: &str = "0b7e3c55-2f1a-4d6e-8c9b-a1b2c3d4e5f6";
const PAGE_TIMEOUT_MS: u32 = 45_000;
const STEP_TIMEOUT: Duration = Duration::from_secs(120);

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

fn env_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("adalint-e2e-browser-env")
}

/// The pinned npm environment (`node_modules`), installed once.
fn node_modules() -> PathBuf {
    let root = env_root();
    fs::create_dir_all(&root).expect("create the environment directory");
    let _lock = FileLock::acquire(&root.join("setup.lock"), SETUP_LOCK_TIMEOUT)
        .unwrap_or_else(|e| panic!("{e}"));
    pinned_npm(&root, "node", &e2e_dir().join("browser")).unwrap_or_else(|e| panic!("{e}"))
}

/// Debian's headless Chromium, installed with apt-get when missing and the test is root.
fn chromium() -> PathBuf {
    let find = || {
        ["chromium-headless-shell", "chromium"]
            .iter()
            .flat_map(|name| {
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .map(move |dir| dir.join(name))
                    .collect::<Vec<_>>()
            })
            .find(|path| path.is_file())
    };
    if let Some(path) = find() {
        return path;
    }
    let hint = "The browser e2e test needs Debian's headless Chromium: apt-get install chromium-headless-shell";
    let root = env_root();
    fs::create_dir_all(&root).expect("create the environment directory");
    let _lock = FileLock::acquire(&root.join("setup.lock"), SETUP_LOCK_TIMEOUT)
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(path) = find() {
        return path;
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    assert!(
        is_root,
        "{hint} (not installed, and not root to install it)"
    );
    for args in [
        vec!["update"],
        vec![
            "install",
            "-y",
            "--no-install-recommends",
            "chromium-headless-shell",
        ],
    ] {
        let out = run_bounded(
            Command::new("apt-get")
                .args(&args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
            Duration::from_secs(15 * 60),
        )
        .unwrap_or_else(|e| panic!("{hint}: {e}"));
        assert!(out.status.success(), "{hint}\n{}", describe(&out));
    }
    find().unwrap_or_else(|| panic!("{hint} (apt-get installed nothing on PATH)"))
}

/// A background helper process, killed (by its own handle) when dropped.
struct Server {
    child: Child,
    info: Value,
    log: PathBuf,
}

impl Server {
    fn start(script: &Path, dir: &Path, name: &str, args: &[&std::ffi::OsStr]) -> Server {
        let info_path = dir.join(format!("{name}.json"));
        let log = dir.join(format!("{name}.jsonl"));
        let stderr = fs::File::create(dir.join(format!("{name}.stderr"))).expect("stderr file");
        let mut child = Command::new("python3")
            .arg(script)
            .args(args)
            .arg("--log")
            .arg(&log)
            .arg("--info")
            .arg(&info_path)
            .args(["--lifetime", "300"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {}: {e} (python3 must be on PATH)", script.display())
            });
        let deadline = Instant::now() + Duration::from_secs(30);
        let info = loop {
            if let Ok(text) = fs::read_to_string(&info_path) {
                break serde_json::from_str(&text).expect("parse the info file");
            }
            if let Ok(Some(status)) = child.try_wait() {
                let err =
                    fs::read_to_string(dir.join(format!("{name}.stderr"))).unwrap_or_default();
                panic!("{name} exited early ({status}):\n{err}");
            }
            assert!(Instant::now() < deadline, "{name} did not start");
            thread::sleep(Duration::from_millis(25));
        };
        Server { child, info, log }
    }

    fn port(&self, key: &str) -> u64 {
        self.info[key].as_u64().expect("a port")
    }

    fn requests(&self) -> Vec<Value> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// What the browser did with one app.
struct Run {
    page: Value,
    idp: Vec<Value>,
    api: Vec<Value>,
}

impl Run {
    fn context(&self) -> String {
        format!(
            "page: {}\nidentity platform: {}\nAPI: {}",
            serde_json::to_string_pretty(&self.page).unwrap_or_default(),
            serde_json::to_string_pretty(&self.idp).unwrap_or_default(),
            serde_json::to_string_pretty(&self.api).unwrap_or_default()
        )
    }

    fn idp_kinds(&self, kind: &str) -> Vec<&Value> {
        self.idp.iter().filter(|r| r["kind"] == kind).collect()
    }
}

/// How an app's page gets its code.
#[derive(Clone, Copy)]
enum Build {
    /// `src/index.js` bundled with esbuild into `public/bundle.js`.
    Bundle,
    /// Classic scripts: ADAL.js and msal-browser's browser build copied into `public/lib/`.
    Scripts,
}

/// Builds the app, serves `app/public`, and opens it in Chromium.
fn run_app(app: &Path, build: Build, node_modules: &Path, chromium: &Path, work: &Path) -> Run {
    fs::create_dir_all(work).expect("create the run's directory");
    match build {
        Build::Bundle => bundle(app, node_modules),
        Build::Scripts => {
            let lib = app.join("public").join("lib");
            fs::create_dir_all(&lib).expect("create lib/");
            for (from, name) in [
                (
                    node_modules.join("adal-angular/dist/adal.min.js"),
                    "adal.min.js",
                ),
                (
                    node_modules.join("@azure/msal-browser/lib/msal-browser.min.js"),
                    "msal-browser.min.js",
                ),
            ] {
                fs::copy(&from, lib.join(name))
                    .unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
            }
        }
    }
    serve_and_open(app, node_modules, chromium, work)
}

fn bundle(app: &Path, node_modules: &Path) {
    let out = run_bounded(
        Command::new("node")
            .arg(node_modules.join("esbuild").join("bin").join("esbuild"))
            .arg(app.join("src").join("index.js"))
            .arg("--bundle")
            .arg(format!(
                "--outfile={}",
                app.join("public").join("bundle.js").display()
            ))
            .args([
                "--loader:.js=jsx",
                "--jsx=automatic",
                "--define:process.env.NODE_ENV=\"production\"",
                "--log-level=warning",
            ])
            .env("NODE_PATH", node_modules),
        STEP_TIMEOUT,
    )
    .expect("run esbuild");
    assert!(out.status.success(), "esbuild failed\n{}", describe(&out));
}

fn serve_and_open(app: &Path, node_modules: &Path, chromium: &Path, work: &Path) -> Run {
    let fake = Server::start(
        &e2e_dir().join("fake_idp.py"),
        work,
        "fake",
        &["--state-dir".as_ref(), work.as_os_str()],
    );
    let api = Server::start(
        &e2e_dir().join("browser").join("app_server.py"),
        work,
        "api",
        &["--root".as_ref(), app.join("public").as_os_str()],
    );
    let url = format!("http://127.0.0.1:{}/", api.port("port"));
    let out = run_bounded(
        Command::new("node")
            .arg(e2e_dir().join("browser").join("drive.cjs"))
            .arg(&url)
            .arg(chromium)
            .arg(fake.port("proxy_port").to_string())
            .arg(PAGE_TIMEOUT_MS.to_string())
            .env("NODE_PATH", node_modules),
        STEP_TIMEOUT,
    )
    .expect("run the browser driver");
    assert!(
        out.status.success(),
        "the driver failed\n{}",
        describe(&out)
    );
    let page: Value = serde_json::from_slice(&out.stdout).expect("the driver's JSON");
    Run {
        page,
        idp: fake.requests(),
        api: api.requests(),
    }
}

fn check_answered(run: &Run) -> Result<&Value, String> {
    let answer = run.page["answer"].as_str().unwrap_or_default();
    if !answer.starts_with("200 ") {
        return Err(format!("the app did not get the orders: {answer:?}"));
    }
    let called: Vec<&Value> = run
        .api
        .iter()
        .filter(|r| r["path"] == "/api/orders")
        .collect();
    match called.as_slice() {
        [one] if one["claims"].is_object() => Ok(&one["claims"]),
        _ => Err("the API was not called exactly once with a token".to_string()),
    }
}

fn check_before(run: &Run) -> Result<(), String> {
    let claims = check_answered(run)?;
    if claims["ver"] != "1.0" || claims["aud"] != RESOURCE {
        return Err(format!("the API got no v1 token for {RESOURCE}: {claims}"));
    }
    let authorize = run.idp_kinds("authorize");
    let types: Vec<&str> = authorize
        .iter()
        .filter_map(|r| r["response_type"].as_str())
        .collect();
    if !(types.contains(&"id_token") && types.contains(&"token")) {
        return Err(format!(
            "ADAL.js signs in with `id_token` and gets the API token with `token`: {types:?}"
        ));
    }
    Ok(())
}

fn check_after(run: &Run) -> Result<(), String> {
    let claims = check_answered(run)?;
    if claims["ver"] != "2.0" || claims["aud"] != RESOURCE {
        return Err(format!("the API got no v2 token for {RESOURCE}: {claims}"));
    }
    let authorize = run.idp_kinds("authorize");
    if authorize.is_empty()
        || !authorize
            .iter()
            .all(|r| r["response_type"] == "code" && r["pkce"] == "S256")
    {
        return Err("MSAL.js signs in with the auth-code flow and PKCE".to_string());
    }
    if !run.idp_kinds("v1-token").is_empty() {
        return Err("a v1 token request after the migration".to_string());
    }
    let tokens = run.idp_kinds("v2-token");
    let code = tokens
        .iter()
        .any(|r| r["grant_type"] == "authorization_code" && r["client_id"] == CLIENT_ID);
    let scope = format!("{RESOURCE}/.default");
    let api = tokens.iter().any(|r| {
        r["scope"]
            .as_str()
            .is_some_and(|s| s.split(' ').any(|s| s == scope))
    });
    if !(code && api) {
        return Err(format!(
            "MSAL.js redeems the code and gets a token for `{scope}`"
        ));
    }
    Ok(())
}

/// Copies a program to `before/` and `after/` of `work`, and fixes `after/` with adalint.
fn before_and_after(program: &str, work: &Path) -> (PathBuf, PathBuf, String) {
    let program = e2e_dir().join("programs").join("browser").join(program);
    let before = work.join("before");
    let after = work.join("after");
    copy_dir(&program, &before);
    copy_dir(&program, &after);
    let fixed = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(["--isolated", "--fix", "--unsafe-fixes", "--exit-zero"])
            .arg(&after),
        STEP_TIMEOUT,
    )
    .expect("run adalint");
    assert!(
        fixed.status.success(),
        "adalint failed\n{}",
        describe(&fixed)
    );
    (before, after, describe(&fixed))
}

#[test]
fn e2e_browser_plain_adal_page_before_after() {
    let node_modules = node_modules();
    let chromium = chromium();
    let work = tempfile::Builder::new()
        .prefix("adalint-e2e-browser-page-")
        .tempdir()
        .expect("a temporary directory");
    let (before, after, fixed) = before_and_after("plain-page", work.path());
    let page = fs::read_to_string(after.join("public").join("index.html")).expect("read");
    let script = fs::read_to_string(after.join("public").join("app.js")).expect("read");
    assert!(
        page.contains("lib/msal-browser.min.js")
            && !page.contains("adal.min.js")
            && !script.contains("AuthenticationContext"),
        "the page still loads ADAL.js after the fix:\n{page}\n{script}\n{fixed}"
    );
    let run = run_app(
        &before,
        Build::Scripts,
        &node_modules,
        &chromium,
        &work.path().join("run-before"),
    );
    if let Err(e) = check_before(&run) {
        panic!("before: {e}\n{}", run.context());
    }
    let run = run_app(
        &after,
        Build::Scripts,
        &node_modules,
        &chromium,
        &work.path().join("run-after"),
    );
    if let Err(e) = check_after(&run) {
        panic!(
            "after: {e}\n{}\n--- the migrated script ---\n{script}",
            run.context()
        );
    }
}

#[test]
fn e2e_browser_react_adal_app_before_after() {
    let node_modules = node_modules();
    let chromium = chromium();
    let work = tempfile::Builder::new()
        .prefix("adalint-e2e-browser-")
        .tempdir()
        .expect("a temporary directory");
    let (before, after, fixed) = before_and_after("react-app", work.path());
    let config = fs::read_to_string(after.join("src").join("adalConfig.js")).expect("read");
    let index = fs::read_to_string(after.join("src").join("index.js")).expect("read");
    assert!(
        !config.contains("from 'react-adal'") && !index.contains("from 'react-adal'"),
        "the app still imports react-adal after the fix:\n{config}\n{index}\n{fixed}"
    );

    let run = run_app(
        &before,
        Build::Bundle,
        &node_modules,
        &chromium,
        &work.path().join("run-before"),
    );
    if let Err(e) = check_before(&run) {
        panic!("before: {e}\n{}", run.context());
    }
    let run = run_app(
        &after,
        Build::Bundle,
        &node_modules,
        &chromium,
        &work.path().join("run-after"),
    );
    if let Err(e) = check_after(&run) {
        panic!(
            "after: {e}\n{}\n--- the migrated module ---\n{config}",
            run.context()
        );
    }
}

/// The Angular apps of `fixtures/typescript/` that `--fix --unsafe-fixes` moves to
/// `@azure/msal-angular` as a whole (the `angular_msal` migration).
const ANGULAR_APPS: &[&str] = &[
    "angular4-msal-app",
    "angular4-msal-environment",
    "angular6-msal-app",
];

/// No headless Angular build here (the Angular CLI and its compiler are a large download and
/// a slow build on the test machine): the apps the migration makes of the Angular fixtures
/// are type-checked instead, strictly, against the pinned `@azure/msal-angular` 3.1,
/// `@azure/msal-browser` 3.28 (the versions the fix adds to package.json), Angular 17 and
/// rxjs 7 of `tests/e2e/angular/package.json`,
/// which proves the generated `MsalModule.forRoot(...)`, `MsalGuard`, `MsalInterceptor` and
/// `MsalService` calls are the library's API with the argument types it takes.
#[test]
fn e2e_browser_angular_msal_module_type_checks() {
    let root = env_root();
    fs::create_dir_all(&root).expect("create the environment directory");
    let node_modules = {
        let _lock = FileLock::acquire(&root.join("setup.lock"), SETUP_LOCK_TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}"));
        pinned_npm(&root, "angular", &e2e_dir().join("angular")).unwrap_or_else(|e| panic!("{e}"))
    };
    let work = tempfile::tempdir().expect("temporary directory");
    let apps = work.path().join("apps");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("typescript");
    for app in ANGULAR_APPS {
        copy_dir(&fixtures.join(app), &apps.join(app));
    }
    // The fixed twins are the fixtures' own business: only the originals are fixed here.
    for twin in walk_files(&apps) {
        if twin.to_string_lossy().contains(".fixed.") {
            fs::remove_file(&twin).expect("remove a fixed twin");
        }
    }
    let fixed = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(["--isolated", "--fix", "--unsafe-fixes", "--exit-zero"])
            .arg(&apps),
        STEP_TIMEOUT,
    )
    .expect("run adalint");
    assert!(
        fixed.status.success(),
        "adalint failed\n{}",
        describe(&fixed)
    );
    for file in walk_files(&apps) {
        let text = fs::read_to_string(&file).expect("read a fixed file");
        for wrapper in ["'adal-angular4'", "'microsoft-adal-angular6'"] {
            assert!(
                !text.contains(wrapper),
                "{} still imports {wrapper} after the fix\n{}",
                file.display(),
                describe(&fixed)
            );
        }
    }
    fs::copy(
        e2e_dir().join("angular").join("tsconfig.json"),
        work.path().join("tsconfig.json"),
    )
    .expect("copy tsconfig.json");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&node_modules, work.path().join("node_modules"))
        .expect("link node_modules");
    let tsc = run_bounded(
        Command::new("node")
            .arg(node_modules.join("typescript").join("bin").join("tsc"))
            .args(["-p", "tsconfig.json"])
            .current_dir(work.path()),
        STEP_TIMEOUT,
    )
    .expect("run tsc");
    assert!(
        tsc.status.success(),
        "the migrated Angular apps do not type-check\n{}",
        describe(&tsc)
    );
}

/// Every file under `dir`.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read a directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
