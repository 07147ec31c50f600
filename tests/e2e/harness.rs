//! Shared machinery for `tests/e2e.rs`: the pinned Python and Node environments, the fake
//! identity platform process, running programs against it, running adalint on a copy of a
//! program, and assertions that return `Result<(), String>` so that a test can also prove that
//! they go red.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::pinned::{FileLock, SETUP_LOCK_TIMEOUT, pinned_npm, pinned_venv};
pub(crate) use crate::support::pinned::{describe, run_bounded};

use serde::Deserialize;
use tempfile::TempDir;

/// Values the test programs read from their environment.
pub(crate) const TENANT_ID: &str = "4f2c6a1e-8b3d-4e5f-9a07-1c2d3e4f5a6b";
pub(crate) const CLIENT_ID: &str = "0b7e3c55-2f1a-4d6e-8c9b-a1b2c3d4e5f6";
pub(crate) const CLIENT_SECRET: &str = "s3cr3t-Value~from.the.portal";
/// A secret the fake rejects with `invalid_client` (anything starting with `wrong`).
pub(crate) const WRONG_SECRET: &str = "wrong-s3cr3t-Value";
/// The user of the user flows (username/password, refresh token, silent).
pub(crate) const USERNAME: &str = "megan.bowen@contoso.com";
pub(crate) const PASSWORD: &str = "c0rrect-Horse~battery";
/// A password the fake rejects with `invalid_grant` (anything starting with `wrong`).
pub(crate) const WRONG_PASSWORD: &str = "wrong-Horse~battery";
/// The ARM classic resource id: its trailing slash makes the v2 scope end in `//.default`.
pub(crate) const RESOURCE: &str = "https://management.core.windows.net/";

/// `x-client-SKU` sent by each library.
pub(crate) const SKU_ADAL_PYTHON: &str = "Python";
pub(crate) const SKU_MSAL_PYTHON: &str = "MSAL.Python";
pub(crate) const SKU_ADAL_NODE: &str = "Node";
pub(crate) const SKU_MSAL_NODE: &str = "msal.js.node";

const PROGRAM_TIMEOUT: Duration = Duration::from_secs(90);
const FAKE_LIFETIME_SECS: u32 = 300;
const FAKE_START_TIMEOUT: Duration = Duration::from_secs(30);

/// `tests/e2e` in the source tree.
pub(crate) fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

/// A program under `tests/e2e/programs/`.
pub(crate) fn program(relative: &str) -> PathBuf {
    e2e_dir().join("programs").join(relative)
}

fn keep_dirs() -> bool {
    std::env::var_os("ADALINT_E2E_KEEP").is_some_and(|v| !v.is_empty() && v != "0")
}

fn temp_dir(prefix: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("create a temporary directory")
}

// ------------------------------------------------------------------------------------------
// Pinned environments, created once and cached under the cargo target dir
// ------------------------------------------------------------------------------------------

/// The installed client libraries.
pub(crate) struct Envs {
    /// `python` inside the venv that holds adal, msal, azure-identity and msrestazure.
    pub(crate) python: PathBuf,
    /// certifi's CA bundle inside that venv (the base of `REQUESTS_CA_BUNDLE`).
    pub(crate) certifi: PathBuf,
    /// `node_modules` holding adal-node, @azure/msal-node, @azure/identity, ms-rest-azure,
    /// @azure/ms-rest-nodeauth; given to programs as `NODE_PATH`.
    pub(crate) node_modules: PathBuf,
    /// The `node` executable.
    pub(crate) node: PathBuf,
}

static ENVS: OnceLock<Result<Envs, String>> = OnceLock::new();

/// The environments, installing them on first use. Fails the calling test (never skips) when
/// python3, node or npm is missing or an install fails.
pub(crate) fn envs() -> &'static Envs {
    match ENVS.get_or_init(setup_envs) {
        Ok(envs) => envs,
        Err(message) => panic!("e2e environment setup failed:\n{message}"),
    }
}

fn env_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("adalint-e2e-env")
}

fn setup_envs() -> Result<Envs, String> {
    let root = env_root();
    fs::create_dir_all(&root).map_err(|e| format!("create {}: {e}", root.display()))?;
    // Other test binaries (or another `cargo test`) may set up at the same moment.
    let _lock = FileLock::acquire(&root.join("setup.lock"), SETUP_LOCK_TIMEOUT)?;
    let (python, certifi) = setup_python(&root)?;
    let (node, node_modules) = setup_node(&root)?;
    Ok(Envs {
        python,
        certifi,
        node_modules,
        node,
    })
}

fn setup_python(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let bin = pinned_venv(root, "venv", &e2e_dir().join("requirements.txt"))?;
    let python = bin.join("python");
    let out = run_bounded(
        Command::new(&python).args(["-c", "import certifi; print(certifi.where())"]),
        Duration::from_secs(60),
    )?;
    if !out.status.success() {
        return Err(format!(
            "cannot locate certifi in the venv\n{}",
            describe(&out)
        ));
    }
    let certifi = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok((python, certifi))
}

fn setup_node(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let node_modules = pinned_npm(root, "node", &e2e_dir())?;
    Ok((PathBuf::from("node"), node_modules))
}

// ------------------------------------------------------------------------------------------
// The fake identity platform
// ------------------------------------------------------------------------------------------

/// What `fake_idp.py` writes to its `--info` file once it listens.
#[derive(Debug, Deserialize)]
pub(crate) struct FakeInfo {
    pub(crate) pid: u32,
    pub(crate) ca: PathBuf,
    pub(crate) log: PathBuf,
    pub(crate) tls_port: u16,
    pub(crate) proxy_port: u16,
    pub(crate) msi_port: u16,
    pub(crate) msi_secret: String,
}

/// One request as logged by the fake (one JSON line each).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LoggedRequest {
    /// `v1-token`, `v2-token`, `devicecode`, `oidc`, `discovery`, `userrealm`, `authorize`,
    /// `jwks`, `msi-appservice`, `msi-legacy`, `msi-imds`, `arm` (an Azure Resource Manager
    /// request the fake has no answer for), `arm-default-datastore`, `connect`, `refused` or
    /// `unknown`.
    pub(crate) kind: String,
    /// `idp` (TLS), `proxy` or `msi`.
    pub(crate) server: String,
    pub(crate) method: String,
    pub(crate) path: Option<String>,
    pub(crate) host: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) grant_type: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) resource: Option<String>,
    pub(crate) client_id: Option<String>,
    /// `secret`, `basic`, `assertion` or `none`.
    pub(crate) client_auth: Option<String>,
    pub(crate) sku: Option<String>,
    pub(crate) error: Option<String>,
    /// The access token the fake issued in this response, and its `aud` claim.
    pub(crate) access_token: Option<String>,
    pub(crate) audience: Option<String>,
    /// `v1` or `v2` for `devicecode` and `oidc` requests.
    pub(crate) version: Option<String>,
    /// The refresh token the fake issued in this response (user flows).
    pub(crate) refresh_token: Option<String>,
    /// The refresh token a `refresh_token` grant presented.
    pub(crate) redeemed_refresh_token: Option<String>,
    /// The user of a password grant.
    pub(crate) username: Option<String>,
    /// A client assertion's certificate thumbprints in lower-case hex (JWT header `x5t`,
    /// `x5t#S256`) and whether it carried the certificate (`x5c`).
    pub(crate) assertion_x5t: Option<String>,
    pub(crate) assertion_x5t_s256: Option<String>,
    pub(crate) assertion_x5c: Option<bool>,
    /// An Azure Resource Manager request's `Authorization` header.
    pub(crate) authorization: Option<String>,
    /// The Azure ML workspace an Azure Resource Manager request named.
    pub(crate) subscription: Option<String>,
    pub(crate) resource_group: Option<String>,
    pub(crate) workspace: Option<String>,
}

impl fmt::Display for LoggedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        write!(
            f,
            "{} {} {} status={} grant={} scope={} resource={} client_id={} auth={} sku={} error={}",
            self.kind,
            self.method,
            o(&self.path),
            self.status.map_or("-".into(), |s| s.to_string()),
            o(&self.grant_type),
            o(&self.scope),
            o(&self.resource),
            o(&self.client_id),
            o(&self.client_auth),
            o(&self.sku),
            o(&self.error),
        )
    }
}

/// A running `fake_idp.py`, stopped by its process id on drop (and exiting by itself after
/// its lifetime in any case).
pub(crate) struct Fake {
    child: Child,
    dir: Option<TempDir>,
    pub(crate) info: FakeInfo,
    bundle: PathBuf,
    home: PathBuf,
}

impl Fake {
    /// Starts a fresh fake with its own throwaway CA, ports and request log.
    pub(crate) fn start() -> Fake {
        let envs = envs();
        let dir = temp_dir("adalint-e2e-fake-");
        let info_path = dir.path().join("fake.json");
        let stderr = fs::File::create(dir.path().join("fake.stderr")).expect("create fake.stderr");
        let mut child = Command::new(&envs.python)
            .arg(e2e_dir().join("fake_idp.py"))
            .arg("--state-dir")
            .arg(dir.path())
            .arg("--log")
            .arg(dir.path().join("requests.jsonl"))
            .arg("--info")
            .arg(&info_path)
            .args(["--lifetime", &FAKE_LIFETIME_SECS.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start tests/e2e/fake_idp.py");
        let deadline = Instant::now() + FAKE_START_TIMEOUT;
        let info: FakeInfo = loop {
            if let Ok(text) = fs::read_to_string(&info_path) {
                break serde_json::from_str(&text).expect("parse the fake's info file");
            }
            if let Ok(Some(status)) = child.try_wait() {
                let err = fs::read_to_string(dir.path().join("fake.stderr")).unwrap_or_default();
                panic!("fake_idp.py exited early ({status}):\n{err}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("fake_idp.py did not start within {FAKE_START_TIMEOUT:?}");
            }
            thread::sleep(Duration::from_millis(25));
        };
        assert_eq!(
            info.pid,
            child.id(),
            "the fake reports another pid than we started"
        );
        // requests-based Python replaces its trust store with REQUESTS_CA_BUNDLE: certifi + our CA.
        let bundle = dir.path().join("ca-bundle.pem");
        let mut pem = fs::read(&envs.certifi).expect("read certifi's bundle");
        pem.push(b'\n');
        pem.extend(fs::read(&info.ca).expect("read the fake's CA"));
        fs::write(&bundle, pem).expect("write the CA bundle");
        let home = dir.path().join("home");
        fs::create_dir_all(&home).expect("create a HOME for programs");
        Fake {
            child,
            dir: Some(dir),
            info,
            bundle,
            home,
        }
    }

    /// Stops the fake by its process id (idempotent).
    pub(crate) fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }

    /// Everything the fake logged so far.
    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.requests_since(0)
    }

    /// A mark to pass to [`Fake::requests_since`]: the number of requests logged so far.
    pub(crate) fn mark(&self) -> usize {
        self.requests().len()
    }

    /// The requests logged after `mark`.
    pub(crate) fn requests_since(&self, mark: usize) -> Vec<LoggedRequest> {
        let text = fs::read_to_string(&self.info.log).unwrap_or_default();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .skip(mark)
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad log line {l:?}: {e}")))
            .collect()
    }

    /// The routing and trust variables every program gets (Python and Node alike).
    pub(crate) fn routing_env(&self) -> Vec<(String, String)> {
        let proxy = format!("http://127.0.0.1:{}", self.info.proxy_port);
        let bundle = self.bundle.display().to_string();
        let mut vars = vec![];
        for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
            vars.push((name.to_string(), proxy.clone()));
        }
        for name in ["NO_PROXY", "no_proxy"] {
            vars.push((name.to_string(), "127.0.0.1,localhost,::1".to_string()));
        }
        vars.push(("REQUESTS_CA_BUNDLE".into(), bundle.clone()));
        vars.push(("SSL_CERT_FILE".into(), bundle));
        vars.push((
            "NODE_EXTRA_CA_CERTS".into(),
            self.info.ca.display().to_string(),
        ));
        vars.push((
            "ADALINT_E2E_TLS_PORT".into(),
            self.info.tls_port.to_string(),
        ));
        vars.push((
            "ADALINT_E2E_MSI_PORT".into(),
            self.info.msi_port.to_string(),
        ));
        vars
    }

    /// Managed-identity variables for the App Service route (`IDENTITY_ENDPOINT`/`IDENTITY_HEADER`).
    pub(crate) fn app_service_msi_env(&self) -> Vec<(String, String)> {
        vec![
            ("IDENTITY_ENDPOINT".into(), self.msi_endpoint()),
            ("IDENTITY_HEADER".into(), self.info.msi_secret.clone()),
        ]
    }

    /// Managed-identity variables for the older `MSI_ENDPOINT`/`MSI_SECRET` route.
    pub(crate) fn legacy_msi_env(&self) -> Vec<(String, String)> {
        vec![
            ("MSI_ENDPOINT".into(), self.msi_endpoint()),
            ("MSI_SECRET".into(), self.info.msi_secret.clone()),
        ]
    }

    /// IMDS for azure-identity; others reach IMDS through HTTP_PROXY (Python) or the preload (Node).
    pub(crate) fn imds_env(&self) -> Vec<(String, String)> {
        let url = format!("http://127.0.0.1:{}", self.info.msi_port);
        vec![("AZURE_POD_IDENTITY_AUTHORITY_HOST".into(), url)]
    }

    fn msi_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/msi/token", self.info.msi_port)
    }

    /// A clean environment: nothing inherited but PATH (no real credentials or proxies leak in).
    fn command(&self, program: &Path, vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("LANG", "C.UTF-8")
            .envs(self.routing_env());
        if let Some(tmp) = std::env::var_os("TMPDIR") {
            cmd.env("TMPDIR", tmp);
        }
        cmd.envs(vars.iter().copied());
        cmd
    }

    /// Runs a Python program with the venv's interpreter, routed to the fake.
    pub(crate) fn run_python(&self, program: &Path, vars: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(&envs().python, vars);
        cmd.env("PYTHONNOUSERSITE", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .arg(program)
            .current_dir(program.parent().expect("program has a directory"));
        run_bounded(&mut cmd, PROGRAM_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs a CommonJS Node program with the pinned packages on NODE_PATH, routed to the fake
    /// by the preload (and HTTPS_PROXY for libraries that honour it).
    pub(crate) fn run_node(&self, program: &Path, vars: &[(&str, &str)]) -> Output {
        let envs = envs();
        let preload = e2e_dir().join("preload.cjs");
        let mut cmd = self.command(&envs.node, vars);
        cmd.env("NODE_PATH", &envs.node_modules)
            .env("NODE_OPTIONS", format!("--require {}", preload.display()))
            .arg(program)
            .current_dir(program.parent().expect("program has a directory"));
        run_bounded(&mut cmd, PROGRAM_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop();
        if keep_dirs() {
            if let Some(dir) = self.dir.take() {
                let _ = dir.keep();
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Running adalint on a copy of a program
// ------------------------------------------------------------------------------------------

/// A program copied into a temporary directory and rewritten there by adalint.
pub(crate) struct FixedProgram {
    dir: Option<TempDir>,
    /// The rewritten file.
    pub(crate) path: PathBuf,
    /// Its text before and after the rewrite.
    pub(crate) before: String,
    pub(crate) after: String,
    /// adalint's own output.
    pub(crate) tool: Output,
}

impl FixedProgram {
    /// Writes `after` with `edits` applied (each `from` must occur) to a sibling file and returns
    /// its path: a deliberately broken rewrite.
    pub(crate) fn corrupted(&self, name: &str, edits: &[(&str, &str)]) -> PathBuf {
        let mut text = self.after.clone();
        for (from, to) in edits {
            assert!(
                text.contains(from),
                "cannot corrupt: {from:?} does not occur in the rewritten program:\n{}",
                self.after
            );
            text = text.replace(from, to);
        }
        let path = self.path.with_file_name(name);
        fs::write(&path, text).expect("write the corrupted program");
        path
    }
}

impl Drop for FixedProgram {
    fn drop(&mut self) {
        if keep_dirs() {
            if let Some(dir) = self.dir.take() {
                let _ = dir.keep();
            }
        }
    }
}

/// Copies `program` into a fresh temporary directory and runs
/// `adalint --fix --unsafe-fixes <dir>` there. Panics, showing adalint's output, when the tool
/// crashes, exits with a status other than 0 or 1, or leaves the program unchanged.
pub(crate) fn fix_copy(program: &Path) -> FixedProgram {
    fix_copy_with(program, &[])
}

/// [`fix_copy`] with extra adalint arguments, e.g. `["--target", "azure-identity"]`.
pub(crate) fn fix_copy_with(program: &Path, extra_args: &[&str]) -> FixedProgram {
    let dir = temp_dir("adalint-e2e-fix-");
    let name = program.file_name().expect("program file name");
    let path = dir.path().join(name);
    let before = fs::read_to_string(program).expect("read the program");
    fs::write(&path, &before).expect("copy the program");
    let tool = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_adalint"))
            .args(["--fix", "--unsafe-fixes"])
            .args(extra_args)
            .arg(dir.path())
            .current_dir(dir.path()),
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let after = fs::read_to_string(&path).expect("read the rewritten program");
    let code = tool.status.code();
    let args = extra_args.join(" ");
    assert!(
        matches!(code, Some(0 | 1)),
        "adalint --fix --unsafe-fixes {args} failed on {}\n{}",
        program.display(),
        describe(&tool)
    );
    assert!(
        before != after,
        "adalint --fix --unsafe-fixes {args} left {} unchanged\n{}",
        program.display(),
        describe(&tool)
    );
    FixedProgram {
        dir: Some(dir),
        path,
        before,
        after,
        tool,
    }
}

/// `python -m py_compile <path>` with the venv's interpreter (Python 3): the file is valid
/// Python. The byte code goes to a throwaway directory, never next to the file.
pub(crate) fn python_compiles(path: &Path) -> Result<(), String> {
    let cache = temp_dir("adalint-e2e-pycache-");
    let out = run_bounded(
        Command::new(&envs().python)
            .env("PYTHONPYCACHEPREFIX", cache.path())
            .args(["-m", "py_compile"])
            .arg(path),
        Duration::from_secs(60),
    )?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`python3 -m py_compile {}` failed\n{}",
            path.display(),
            describe(&out)
        ))
    }
}

/// A throwaway RSA key and self-signed certificate made with the openssl CLI, as an app
/// registration's certificate credential.
pub(crate) struct ClientCertificate {
    dir: Option<TempDir>,
    /// The private key, PKCS#8 PEM.
    pub(crate) key: PathBuf,
    /// The certificate, PEM.
    pub(crate) cert: PathBuf,
    /// SHA-1 of the certificate's DER, upper-case hex without colons (the portal's thumbprint).
    pub(crate) thumbprint: String,
    /// SHA-256 of the certificate's DER, lower-case hex.
    pub(crate) sha256: String,
}

impl ClientCertificate {
    /// Generates a fresh key and certificate (valid for one day). Panics when openssl fails.
    pub(crate) fn generate() -> ClientCertificate {
        let dir = temp_dir("adalint-e2e-cert-");
        let key = dir.path().join("client-key.pem");
        let cert = dir.path().join("client-cert.pem");
        let openssl = |args: &[&str]| {
            let out = run_bounded(Command::new("openssl").args(args), Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{e}\nThe e2e tests need the openssl CLI on PATH."));
            assert!(
                out.status.success(),
                "openssl {} failed\n{}",
                args.join(" "),
                describe(&out)
            );
            String::from_utf8_lossy(&out.stdout).to_string()
        };
        let (key_arg, cert_arg) = (key.display().to_string(), cert.display().to_string());
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key_arg,
            "-out",
            &cert_arg,
            "-days",
            "1",
            "-subj",
            "/CN=adalint-e2e-client",
        ]);
        // `SHA1 Fingerprint=AB:CD:...` -> `ABCD...`
        let fingerprint = |digest: &str| {
            let text = openssl(&["x509", "-in", &cert_arg, "-noout", "-fingerprint", digest]);
            let hex = text
                .trim()
                .rsplit('=')
                .next()
                .unwrap_or_default()
                .replace(':', "");
            assert!(
                !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
                "cannot read the {digest} fingerprint from openssl's output {text:?}"
            );
            hex
        };
        let thumbprint = fingerprint("-sha1").to_ascii_uppercase();
        let sha256 = fingerprint("-sha256").to_ascii_lowercase();
        ClientCertificate {
            dir: Some(dir),
            key,
            cert,
            thumbprint,
            sha256,
        }
    }
}

impl Drop for ClientCertificate {
    fn drop(&mut self) {
        if keep_dirs() {
            if let Some(dir) = self.dir.take() {
                let _ = dir.keep();
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Assertions: each returns Err(explanation) instead of panicking, so tests can prove they fail
// ------------------------------------------------------------------------------------------

/// What a token request must carry besides its audience.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want<'a> {
    /// `client_credentials`, `password`, `refresh_token`, `authorization_code`, `device_code`
    /// (matches both `device_code` and the `urn:ietf:params:oauth:grant-type:device_code` URN);
    /// empty: any grant.
    pub(crate) grant: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) sku: &'a str,
}

const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

fn log_text(reqs: &[LoggedRequest]) -> String {
    if reqs.is_empty() {
        return "  (the fake logged no request)".into();
    }
    reqs.iter().map(|r| format!("  {r}\n")).collect()
}

fn grant_matches(logged: Option<&str>, want: &str) -> bool {
    logged.is_some_and(|g| g == want || g.ends_with(&format!(":{want}")))
}

fn find_token_request(
    reqs: &[LoggedRequest],
    kind: &str,
    audience_ok: impl Fn(&LoggedRequest) -> bool,
    want: &Want<'_>,
    audience: &str,
) -> Result<(), String> {
    let ok = reqs.iter().any(|r| {
        r.kind == kind
            && r.status == Some(200)
            && (want.grant.is_empty() || grant_matches(r.grant_type.as_deref(), want.grant))
            && r.client_id.as_deref() == Some(want.client_id)
            && (want.sku.is_empty() || r.sku.as_deref() == Some(want.sku))
            && audience_ok(r)
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a successful {kind} request (grant {}, {audience}, client_id {}, SKU {}); the fake saw:\n{}",
            if want.grant.is_empty() {
                "any"
            } else {
                want.grant
            },
            want.client_id,
            if want.sku.is_empty() { "any" } else { want.sku },
            log_text(reqs)
        ))
    }
}

/// A successful v1 (`/oauth2/token`) request for exactly `resource`.
pub(crate) fn assert_v1_token(
    reqs: &[LoggedRequest],
    resource: &str,
    want: &Want<'_>,
) -> Result<(), String> {
    let audience = format!("resource {resource:?}");
    find_token_request(
        reqs,
        "v1-token",
        |r| r.resource.as_deref() == Some(resource),
        want,
        &audience,
    )
}

/// The request's scopes, ignoring the OIDC scopes MSAL adds itself, are exactly `[scope]`.
fn has_only_scope(r: &LoggedRequest, scope: &str) -> bool {
    let scopes: Vec<&str> = r
        .scope
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .filter(|s| !OIDC_SCOPES.contains(s))
        .collect();
    scopes == [scope]
}

/// A successful v2 (`/oauth2/v2.0/token`) request whose scopes, ignoring the OIDC scopes MSAL
/// adds itself, are exactly `[scope]`.
pub(crate) fn assert_v2_token(
    reqs: &[LoggedRequest],
    scope: &str,
    want: &Want<'_>,
) -> Result<(), String> {
    let audience = format!("scope exactly {scope:?}");
    find_token_request(
        reqs,
        "v2-token",
        |r| has_only_scope(r, scope),
        want,
        &audience,
    )
}

/// A successful v1 device-code request (`/oauth2/devicecode`) for exactly `resource`
/// (`want.grant` is not checked: the grant comes with the token request).
pub(crate) fn assert_v1_device_code(
    reqs: &[LoggedRequest],
    resource: &str,
    want: &Want<'_>,
) -> Result<(), String> {
    let audience = format!("v1, resource {resource:?}");
    find_token_request(
        reqs,
        "devicecode",
        |r| r.version.as_deref() == Some("v1") && r.resource.as_deref() == Some(resource),
        &Want { grant: "", ..*want },
        &audience,
    )
}

/// A successful v2 device-code request (`/oauth2/v2.0/devicecode`) whose scopes, ignoring the
/// OIDC scopes, are exactly `[scope]` (the v2 token request that redeems it carries no scope).
/// An empty `want.sku` is not checked: msal-node sends its SKU only with token requests.
pub(crate) fn assert_v2_device_code(
    reqs: &[LoggedRequest],
    scope: &str,
    want: &Want<'_>,
) -> Result<(), String> {
    let audience = format!("v2, scope exactly {scope:?}");
    find_token_request(
        reqs,
        "devicecode",
        |r| r.version.as_deref() == Some("v2") && has_only_scope(r, scope),
        &Want { grant: "", ..*want },
        &audience,
    )
}

/// Exactly `n` requests of `kind` (successful or not), e.g. one `v2-token` when the second
/// token must come from the cache.
pub(crate) fn assert_request_count(
    reqs: &[LoggedRequest],
    kind: &str,
    n: usize,
) -> Result<(), String> {
    let seen = reqs.iter().filter(|r| r.kind == kind).count();
    if seen == n {
        Ok(())
    } else {
        Err(format!(
            "expected {n} {kind} request(s), the fake saw {seen}:\n{}",
            log_text(reqs)
        ))
    }
}

/// No request of `kind` at all (e.g. no `v1-token` from a program rewritten to MSAL).
pub(crate) fn assert_no_request(reqs: &[LoggedRequest], kind: &str) -> Result<(), String> {
    match reqs.iter().find(|r| r.kind == kind) {
        None => Ok(()),
        Some(r) => Err(format!(
            "expected no {kind} request, but the fake saw {r}\nfull log:\n{}",
            log_text(reqs)
        )),
    }
}

/// Exit status 0.
pub(crate) fn assert_success(out: &Output) -> Result<(), String> {
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("the program failed\n{}", describe(out)))
    }
}

/// The request whose response issued the access token the program printed last.
pub(crate) fn printed_token_request<'a>(
    out: &Output,
    reqs: &'a [LoggedRequest],
) -> Result<&'a LoggedRequest, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    reqs.iter()
        .find(|r| !last.is_empty() && r.access_token.as_deref() == Some(last))
        .ok_or_else(|| {
            format!(
                "the program's last output line is not an access token issued by the fake\n{}",
                describe(out)
            )
        })
}

/// The last line the program printed is an access token that the fake issued.
pub(crate) fn assert_printed_issued_token(
    out: &Output,
    reqs: &[LoggedRequest],
) -> Result<(), String> {
    printed_token_request(out, reqs).map(|_| ())
}

/// The program printed an access token the fake issued for exactly `audience` (its `aud`).
pub(crate) fn assert_printed_token_audience(
    out: &Output,
    reqs: &[LoggedRequest],
    audience: &str,
) -> Result<(), String> {
    let issued = printed_token_request(out, reqs)?;
    if issued.audience.as_deref() == Some(audience) {
        Ok(())
    } else {
        Err(format!(
            "the printed token is for {:?}, expected {audience:?} (issued by: {issued})",
            issued.audience.as_deref().unwrap_or("-")
        ))
    }
}

/// The program printed an access token issued by a successful `kind` request (`v1-token`,
/// `v2-token`) with `want`'s grant, client id and SKU, for exactly `audience` (its `aud`).
pub(crate) fn assert_printed_token_from(
    out: &Output,
    reqs: &[LoggedRequest],
    kind: &str,
    want: &Want<'_>,
    audience: &str,
) -> Result<(), String> {
    let issued = printed_token_request(out, reqs)?;
    let ok = issued.kind == kind
        && issued.status == Some(200)
        && (want.grant.is_empty() || grant_matches(issued.grant_type.as_deref(), want.grant))
        && issued.client_id.as_deref() == Some(want.client_id)
        && issued.sku.as_deref() == Some(want.sku)
        && issued.audience.as_deref() == Some(audience);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected the printed token to come from a {kind} request (grant {}, client_id {}, SKU {}, \
             audience {audience:?}); it came from:\n  {issued}, audience {:?}\nfull log:\n{}",
            want.grant,
            want.client_id,
            want.sku,
            issued.audience.as_deref().unwrap_or("-"),
            log_text(reqs)
        ))
    }
}

/// Every client assertion in `reqs` names `cert` (its SHA-1 thumbprint as `x5t`, or its SHA-256
/// as `x5t#S256`), and there is at least one. `x5c`: whether the certificate itself must be sent
/// (subject-name/issuer authentication) or must not be; `None` accepts either.
pub(crate) fn assert_client_assertion(
    reqs: &[LoggedRequest],
    cert: &ClientCertificate,
    x5c: Option<bool>,
) -> Result<(), String> {
    let assertions: Vec<&LoggedRequest> = reqs
        .iter()
        .filter(|r| r.client_auth.as_deref() == Some("assertion"))
        .collect();
    if assertions.is_empty() {
        return Err(format!(
            "expected a client assertion (certificate credential); the fake saw:\n{}",
            log_text(reqs)
        ));
    }
    for r in assertions {
        let names_cert = r
            .assertion_x5t
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(&cert.thumbprint))
            || r.assertion_x5t_s256.as_deref() == Some(cert.sha256.as_str());
        if !names_cert {
            return Err(format!(
                "a client assertion names another certificate (x5t {:?}, x5t#S256 {:?}; expected \
                 SHA-1 {} or SHA-256 {}): {r}",
                r.assertion_x5t, r.assertion_x5t_s256, cert.thumbprint, cert.sha256
            ));
        }
        if let Some(want) = x5c {
            if r.assertion_x5c != Some(want) {
                return Err(format!(
                    "a client assertion {} the certificate (x5c), expected it {}: {r}",
                    if want { "lacks" } else { "carries" },
                    if want {
                        "sent (the program passes public_certificate)"
                    } else {
                        "not sent"
                    }
                ));
            }
        }
    }
    Ok(())
}

/// The program failed loudly: non-zero exit, something on stderr, no issued token printed, and
/// the fake did reject a token request.
pub(crate) fn assert_failed_loudly(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    if out.status.success() {
        return Err(format!(
            "the program should have failed but exited 0\n{}",
            describe(out)
        ));
    }
    if out.stderr.iter().all(u8::is_ascii_whitespace) {
        return Err(format!(
            "the program failed silently (empty stderr)\n{}",
            describe(out)
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(r) = reqs
        .iter()
        .filter_map(|r| r.access_token.as_deref())
        .find(|t| stdout.contains(t))
    {
        return Err(format!(
            "the program printed an issued token {r:.20}... although it failed"
        ));
    }
    if !reqs
        .iter()
        .any(|r| r.kind.ends_with("-token") && r.status.is_some_and(|s| s >= 400))
    {
        return Err(format!(
            "the program failed, but not because the fake rejected a token request\n{}\nfake log:\n{}",
            describe(out),
            log_text(reqs)
        ));
    }
    Ok(())
}

/// Python source still imports ADAL (`import adal`, `from adal ...`, `import adal as ...`).
pub(crate) fn python_imports_adal(source: &str) -> bool {
    let is_adal = |m: &str| m == "adal" || m.starts_with("adal.");
    source.lines().map(str::trim).any(|line| {
        if let Some(names) = line.strip_prefix("import ") {
            names
                .split(',')
                .any(|n| is_adal(n.split_whitespace().next().unwrap_or_default()))
        } else if let Some(rest) = line.strip_prefix("from ") {
            is_adal(rest.split_whitespace().next().unwrap_or_default())
        } else {
            false
        }
    })
}
