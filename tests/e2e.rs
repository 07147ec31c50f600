//! End-to-end proof that adalint's rewrites work: real client libraries, a fake identity
//! platform, the program before and after `adalint --fix --unsafe-fixes`.
//!
//! # Design
//!
//! * **Real libraries, pinned.** On first use the harness creates, under the cargo target dir
//!   (`CARGO_TARGET_TMPDIR/adalint-e2e-env`), a Python venv from `tests/e2e/requirements.txt`
//!   (adal, msal, azure-identity, msrestazure, azure-ai-ml at exact versions) and a Node prefix with
//!   `npm ci` from `tests/e2e/package.json` + `package-lock.json` (adal-node, @azure/msal-node,
//!   @azure/identity, ms-rest-azure, @azure/ms-rest-nodeauth). A stamp file holding the tool
//!   versions and the pin files' content makes later runs reuse them. Setup runs once per test
//!   binary (`OnceLock`) and under a lock file across binaries. A missing python3, node or npm
//!   fails the tests with what to install; nothing is skipped. Only the installs use the network
//!   (the package registries).
//! * **A fake Microsoft identity platform** (`tests/e2e/fake_idp.py`, Python stdlib) started per
//!   test on 127.0.0.1 with a throwaway CA: v1/v2 token endpoints, device code, OIDC metadata,
//!   instance discovery, user realm, managed identity, and the Azure Resource Manager read of an
//!   Azure ML workspace's default datastore. It logs every request as a JSON line,
//!   exits by itself after 300 s and is stopped by its pid when the test's [`harness::Fake`] drops.
//! * **Programs stay production-shaped**: they keep `https://login.microsoftonline.com/<tenant>`.
//!   Only the environment routes them: `HTTPS_PROXY` to the fake's CONNECT proxy (which tunnels
//!   Azure AD and Azure Resource Manager hosts to the fake and refuses every other host), `tests/e2e/preload.cjs` for Node
//!   (msal-node's fetch ignores proxies), `REQUESTS_CA_BUNDLE` / `SSL_CERT_FILE` /
//!   `NODE_EXTRA_CA_CERTS` for trust. Programs get a cleared environment, so no real credential
//!   or proxy leaks in, and nothing but loopback is reached.
//! * **Before/after**: a test runs the ADAL program, asserts on the fake's log (v1 endpoint,
//!   `resource`, ADAL's SKU), then lets adalint rewrite a temporary copy (the after program is
//!   always produced by the tool) and asserts the rewrite asks the v2 endpoint for exactly
//!   `resource + "/.default"` with MSAL's SKU, prints a token the fake issued, and still fails
//!   loudly on a bad secret.
//! * **Assertions return `Result<(), String>`** so `e2e_checks_go_red_*` can corrupt a rewrite on
//!   purpose and prove the very same checks report it.
//!
//! Run with `cargo test e2e` (see `tests/e2e/README.md`).

mod support;

#[allow(dead_code)] // helpers kept for the flows and packs that build on this harness
#[path = "e2e/harness.rs"]
mod harness;

use std::fs;
use std::path::Path;
use std::process::Output;

use harness::{
    CLIENT_ID, CLIENT_SECRET, ClientCertificate, Fake, FixedProgram, LoggedRequest, PASSWORD,
    RESOURCE, SKU_ADAL_NODE, SKU_ADAL_PYTHON, SKU_MSAL_NODE, SKU_MSAL_PYTHON, TENANT_ID, USERNAME,
    WRONG_PASSWORD, WRONG_SECRET, Want, assert_client_assertion, assert_failed_loudly,
    assert_no_request, assert_printed_issued_token, assert_printed_token_audience,
    assert_printed_token_from, assert_request_count, assert_success, assert_v1_device_code,
    assert_v1_token, assert_v2_device_code, assert_v2_token, fix_copy, fix_copy_with, program,
    python_compiles, python_imports_adal,
};

/// The environment of a client-credentials program.
fn client_credentials_env(secret: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_SECRET", secret),
        ("AZURE_RESOURCE", RESOURCE),
    ]
}

fn v2_scope() -> String {
    format!("{RESOURCE}/.default")
}

/// The ADAL Python program got its token the ADAL way.
fn check_python_cc_before(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_ADAL_PYTHON,
    };
    assert_success(out)?;
    assert_v1_token(reqs, RESOURCE, &want)?;
    assert_no_request(reqs, "v2-token")?;
    assert_printed_issued_token(out, reqs)
}

/// The rewritten Python program got the same audience the MSAL way.
fn check_python_cc_after(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_MSAL_PYTHON,
    };
    assert_success(out)?;
    assert_v2_token(reqs, &v2_scope(), &want)?;
    assert_no_request(reqs, "v1-token")?;
    assert_printed_issued_token(out, reqs)
}

fn ok_or_panic(result: Result<(), String>, what: &str, source: Option<&str>) {
    if let Err(message) = result {
        let source = source.map_or(String::new(), |s| format!("\n--- program ---\n{s}"));
        panic!("{what}: {message}{source}");
    }
}

/// adalint rewrites a copy of a Python program (`args`: extra options such as `--target`); the
/// result must be valid Python (`python3 -m py_compile`) that no longer imports adal.
fn fix_python(relative: &str, args: &[&str]) -> FixedProgram {
    let fixed = fix_copy_with(&program(relative), args);
    assert!(
        !python_imports_adal(&fixed.after),
        "the rewritten program still imports adal:\n{}",
        fixed.after
    );
    ok_or_panic(
        python_compiles(&fixed.path),
        "the rewritten program is not valid Python",
        Some(&fixed.after),
    );
    fixed
}

/// Before, rewrite, after, and the bad-secret case for one Python client-credentials program.
fn python_client_credentials_before_after(relative: &str) {
    let before = program(relative);

    let fake = Fake::start();
    let out = fake.run_python(&before, &client_credentials_env(CLIENT_SECRET));
    ok_or_panic(
        check_python_cc_before(&out, &fake.requests()),
        "ADAL program (before)",
        None,
    );

    let fixed = fix_python(relative, &[]);
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &client_credentials_env(CLIENT_SECRET));
    ok_or_panic(
        check_python_cc_after(&out, &fake.requests_since(mark)),
        "rewritten program (after)",
        Some(&fixed.after),
    );

    // A wrong secret: ADAL raised; the rewrite must still fail loudly, not print a token.
    let mark = fake.mark();
    let out = fake.run_python(&before, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests_since(mark)),
        "ADAL program with a wrong secret",
        None,
    );
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests_since(mark)),
        "rewritten program with a wrong secret",
        Some(&fixed.after),
    );
}

#[test]
fn e2e_python_client_credentials() {
    python_client_credentials_before_after("python/client_credentials.py");
}

/// msrestazure's `ServicePrincipalCredentials(..., resource=R).token["access_token"]` becomes
/// azure-identity's `ClientSecretCredential(...).get_token(R + "/.default").token`: the same
/// audience, asked of the v2 endpoint.
#[test]
fn e2e_python_msrestazure_token_read() {
    let relative = "python/msrestazure_token.py";
    let fake = Fake::start();
    let out = fake.run_python(&program(relative), &client_credentials_env(CLIENT_SECRET));
    ok_or_panic(
        check_python_cc_before(&out, &fake.requests()),
        "msrestazure program (before)",
        None,
    );

    let fixed = fix_python(relative, &[]);
    assert_rewrite_uses(&fixed, "ClientSecretCredential(");
    assert_rewrite_uses(&fixed, ".get_token(");
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &client_credentials_env(CLIENT_SECRET));
    ok_or_panic(
        check_python_cc_after(&out, &fake.requests_since(mark)),
        "rewritten program (after)",
        Some(&fixed.after),
    );

    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests_since(mark)),
        "rewritten program with a wrong secret",
        Some(&fixed.after),
    );
}

#[test]
fn e2e_python_client_credentials_token_provider_class() {
    python_client_credentials_before_after("python/client_credentials_provider.py");
}

/// A script without a `__main__` guard: its helper returns the token dict as it is made and
/// the top level reads its keys. The rewrite names the result (so the error check follows
/// it), returns it, and renames the keys at the caller.
#[test]
fn e2e_python_client_credentials_script_helper() {
    let relative = "python/client_credentials_script_helper.py";
    python_client_credentials_before_after(relative);
    let fixed = fix_python(relative, &[]);
    assert!(
        fixed.after.contains("    return token\n")
            && fixed.after.contains("token[\"expires_in\"]")
            && fixed.after.contains("print(token[\"access_token\"])"),
        "the helper's result was not followed:\n{}",
        fixed.after
    );
}

/// A class whose context is created in `__init__` before the fields its call reads, and a
/// private method that returns the token dict to the class's other methods: the application
/// moves below the fields, the result is named and checked, the keys are renamed.
#[test]
fn e2e_python_client_credentials_private_method() {
    let relative = "python/client_credentials_private_method.py";
    python_client_credentials_before_after(relative);
    let fixed = fix_python(relative, &[]);
    let fields = fixed.after.find("self.client_secret = client_secret");
    let application = fixed
        .after
        .find("self.context = msal.ConfidentialClientApplication(");
    assert!(
        matches!((fields, application), (Some(f), Some(a)) if f < a)
            && fixed.after.contains("token[\"token_type\"]"),
        "the application was not created after the fields it needs:\n{}",
        fixed.after
    );
}

/// The token dict stored on `self` in one method, its keys read in another: the keys are
/// renamed there and the error check follows the field, so a wrong secret still fails loudly.
#[test]
fn e2e_python_client_credentials_stored_on_self() {
    let relative = "python/client_credentials_stored_on_self.py";
    python_client_credentials_before_after(relative);
    let fixed = fix_python(relative, &[]);
    assert!(
        fixed.after.contains("if \"error\" in self.token:")
            && fixed.after.contains("self.token[\"access_token\"]"),
        "the field's result was not followed:\n{}",
        fixed.after
    );
}

/// One context created in `__init__` serving an app-only and a user flow becomes one
/// confidential and one public application, each created once: both flows get their tokens
/// the v2 way, and the second app-only token comes from MSAL's cache (one client-credentials
/// request, not two).
#[test]
fn e2e_python_token_provider_per_flow() {
    let relative = "python/token_provider_per_flow.py";
    let env = ProgramEnv::user(PASSWORD).with("AZURE_CLIENT_SECRET", CLIENT_SECRET);
    let count = |reqs: &[LoggedRequest], kind: &str, grant: &str| {
        reqs.iter()
            .filter(|r| {
                r.kind == kind && r.status == Some(200) && r.grant_type.as_deref() == Some(grant)
            })
            .count()
    };
    let (_, fixed, _) = python_before_after(
        relative,
        &[],
        &env,
        &|out, reqs| {
            adal_got_token(out, reqs, "password")?;
            assert_v1_token(reqs, RESOURCE, &want("client_credentials", SKU_ADAL_PYTHON))
        },
        &|out, reqs| {
            msal_got_token(out, reqs, "password")?;
            assert_v2_token(
                reqs,
                &v2_scope(),
                &want("client_credentials", SKU_MSAL_PYTHON),
            )?;
            match count(reqs, "v2-token", "client_credentials") {
                1 => Ok(()),
                n => Err(format!(
                    "expected the second app-only token from MSAL's cache (1 request), saw {n}"
                )),
            }
        },
    );
    assert!(
        fixed
            .after
            .contains("self.confidential_app = msal.ConfidentialClientApplication(")
            && fixed
                .after
                .contains("self.public_app = msal.PublicClientApplication("),
        "the context was not split into one application per kind of flow:\n{}",
        fixed.after
    );
}

/// The token dict passed to a private helper of the module that reads its keys: the keys
/// are renamed in the helper, with the call.
#[test]
fn e2e_python_client_credentials_passed_to_helper() {
    let relative = "python/client_credentials_passed.py";
    python_client_credentials_before_after(relative);
    let fixed = fix_python(relative, &[]);
    assert!(
        fixed
            .after
            .contains("token[\"token_type\"] + \" \" + token[\"access_token\"]"),
        "the helper's key reads were not renamed:\n{}",
        fixed.after
    );
}

/// `except adal.AdalError as e: sys.exit(...)` around the call: the rewrite catches what it
/// raises instead, so a wrong secret reaches the same handler, before and after, and both
/// programs exit 1 with the service's error text.
#[test]
fn e2e_python_client_credentials_handled_error() {
    let relative = "python/client_credentials_handled.py";
    python_client_credentials_before_after(relative);
    let fixed = fix_python(relative, &[]);
    assert!(
        fixed.after.contains("except RuntimeError as e:"),
        "the handler was not rewritten:\n{}",
        fixed.after
    );
    let fake = Fake::start();
    for (what, path) in [("before", program(relative)), ("after", fixed.path.clone())] {
        let out = fake.run_python(&path, &client_credentials_env(WRONG_SECRET));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what}: the handler's exit\n{stderr}\n{}",
            fixed.after
        );
        assert!(
            stderr.starts_with("sign-in failed: ") && stderr.contains("AADSTS7000215"),
            "{what}: the handler's message with the service's error\n{stderr}\n{}",
            fixed.after
        );
    }
}

#[test]
fn e2e_python_client_credentials_wrong_secret_before() {
    // The "before" half of the bad-secret case on its own, so it stays checked while the
    // rewrite is being built.
    let fake = Fake::start();
    for relative in [
        "python/client_credentials.py",
        "python/client_credentials_provider.py",
    ] {
        let mark = fake.mark();
        let out = fake.run_python(&program(relative), &client_credentials_env(WRONG_SECRET));
        let reqs = fake.requests_since(mark);
        ok_or_panic(assert_failed_loudly(&out, &reqs), relative, None);
        assert!(
            reqs.iter().any(|r| r.kind == "v1-token"
                && r.status == Some(401)
                && r.error.as_deref() == Some("invalid_client")),
            "expected a 401 invalid_client from the v1 endpoint for {relative}"
        );
    }
}

#[test]
fn e2e_checks_go_red_when_the_rewrite_is_corrupted() {
    let fixed = fix_copy(&program("python/client_credentials.py"));
    let fake = Fake::start();
    let env = client_credentials_env(CLIENT_SECRET);

    // Control: the rewrite as produced passes the check, so any red below is the corruption's.
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &env);
    ok_or_panic(
        check_python_cc_after(&out, &fake.requests_since(mark)),
        "uncorrupted rewrite",
        Some(&fixed.after),
    );

    // Each corruption must turn the check red, and the fake's log alone must show it too (not
    // just a crash): the v2 request for exactly `resource + "/.default"` by our client is missing.
    let corruptions: [(&str, &[(&str, &str)]); 3] = [
        ("wrong_scope.py", &[("\"/.default\"", "\"/.defaulted\"")]),
        (
            // The classic slip: normalising the trailing slash away. The fake accepts this scope
            // and the program prints a token, so only the audience assertion can catch it.
            "stripped_slash.py",
            &[("+ \"/.default\"", ".rstrip(\"/\") + \"/.default\"")],
        ),
        (
            "swapped_credentials.py",
            &[
                (
                    "os.environ[\"AZURE_CLIENT_ID\"]",
                    "os.environ[\"ADALINT_E2E_SWAP\"]",
                ),
                (
                    "os.environ[\"AZURE_CLIENT_SECRET\"]",
                    "os.environ[\"AZURE_CLIENT_ID\"]",
                ),
                (
                    "os.environ[\"ADALINT_E2E_SWAP\"]",
                    "os.environ[\"AZURE_CLIENT_SECRET\"]",
                ),
            ],
        ),
    ];
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_MSAL_PYTHON,
    };
    for (name, edits) in corruptions {
        let corrupted = fixed.corrupted(name, edits);
        let mark = fake.mark();
        let out = fake.run_python(&corrupted, &env);
        let reqs = fake.requests_since(mark);
        let source = fs::read_to_string(&corrupted).unwrap_or_default();
        assert!(
            check_python_cc_after(&out, &reqs).is_err(),
            "the e2e check passed a deliberately broken rewrite ({name}):\n{source}"
        );
        assert!(
            assert_v2_token(&reqs, &v2_scope(), &want).is_err(),
            "the fake's log looks right for a deliberately broken rewrite ({name}):\n{source}"
        );
    }
}

#[test]
fn e2e_node_adal_client_credentials_before() {
    let fake = Fake::start();
    let before = program("node/adal_client_credentials.js");
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_ADAL_NODE,
    };

    let out = fake.run_node(&before, &client_credentials_env(CLIENT_SECRET));
    let reqs = fake.requests();
    let verdict = assert_success(&out)
        .and_then(|()| assert_v1_token(&reqs, RESOURCE, &want))
        .and_then(|()| assert_no_request(&reqs, "v2-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, "adal-node program (before)", None);

    let mark = fake.mark();
    let out = fake.run_node(&before, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests_since(mark)),
        "adal-node program with a wrong secret",
        None,
    );
}

#[test]
fn e2e_harness_msal_node_reaches_fake() {
    let fake = Fake::start();
    let selftest = program("harness/msal_node_client_credentials.js");
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_MSAL_NODE,
    };
    let out = fake.run_node(&selftest, &client_credentials_env(CLIENT_SECRET));
    let reqs = fake.requests();
    let verdict = assert_success(&out)
        .and_then(|()| assert_v2_token(&reqs, &v2_scope(), &want))
        .and_then(|()| assert_no_request(&reqs, "v1-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, "msal-node self-test", None);
    // It came through the preload, not the proxy: msal-node's fetch ignores HTTPS_PROXY.
    assert!(
        reqs.iter()
            .filter(|r| r.kind == "v2-token")
            .all(|r| r.server == "idp"),
        "expected msal-node to reach the fake's TLS port directly (preload):\n{reqs:#?}"
    );

    let mark = fake.mark();
    let out = fake.run_node(&selftest, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests_since(mark)),
        "msal-node self-test with a wrong secret",
        None,
    );
}

#[test]
fn e2e_harness_refuses_non_aad_hosts() {
    let fake = Fake::start();
    for relative in ["harness/egress_probe.py", "harness/egress_probe.js"] {
        let probe = program(relative);
        let out = if relative.ends_with(".py") {
            fake.run_python(&probe, &[])
        } else {
            fake.run_node(&probe, &[])
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("refused:") && !stdout.contains("LEAK"),
            "{relative} was not refused:\n{}",
            harness::describe(&out)
        );
    }
    let reqs = fake.requests();
    assert!(
        reqs.iter()
            .any(|r| r.kind == "refused" && r.status == Some(403)),
        "the proxy logged no refusal:\n{reqs:#?}"
    );
    assert!(
        reqs.iter().all(|r| r.kind == "refused"),
        "only refusals expected:\n{reqs:#?}"
    );
}

// ------------------------------------------------------------------------------------------
// Node: adal-node → @azure/msal-node, ms-rest → @azure/identity
// ------------------------------------------------------------------------------------------

/// The rewritten program is valid JavaScript for the Node under test (`node --check`).
fn assert_node_check(fixed: &harness::FixedProgram) {
    let out = harness::run_bounded(
        std::process::Command::new(&harness::envs().node)
            .arg("--check")
            .arg(&fixed.path),
        std::time::Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "node --check rejects the rewritten program:\n{}\n--- program ---\n{}",
        harness::describe(&out),
        fixed.after
    );
}

/// The rewritten Node program no longer loads the retired module.
fn assert_no_require(fixed: &harness::FixedProgram, module: &str) {
    for quote in ['\'', '"'] {
        assert!(
            !fixed
                .after
                .contains(&format!("require({quote}{module}{quote})")),
            "the rewritten program still requires {module}:\n{}",
            fixed.after
        );
    }
}

/// One adal-node flow: the ADAL program gets a v1 token with adal-node's SKU, the program
/// adalint made gets a v2 token for exactly `resource + "/.default"` with msal-node's SKU.
fn node_adal_before_after(relative: &str, grant: &str, env: &[(&str, &str)]) {
    let before = program(relative);
    let fake = Fake::start();
    let out = fake.run_node(&before, env);
    let reqs = fake.requests();
    let want = Want {
        grant,
        client_id: CLIENT_ID,
        sku: SKU_ADAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v1_token(&reqs, RESOURCE, &want))
        .and_then(|()| assert_no_request(&reqs, "v2-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (before)"), None);

    let fixed = fix_copy(&before);
    assert_node_check(&fixed);
    assert_no_require(&fixed, "adal-node");
    let mark = fake.mark();
    let out = fake.run_node(&fixed.path, env);
    let reqs = fake.requests_since(mark);
    let want = Want {
        grant,
        client_id: CLIENT_ID,
        sku: SKU_MSAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v2_token(&reqs, &v2_scope(), &want))
        .and_then(|()| assert_no_request(&reqs, "v1-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (after)"), Some(&fixed.after));
}

#[test]
fn e2e_node_client_credentials_before_after() {
    node_adal_before_after(
        "node/adal_client_credentials.js",
        "client_credentials",
        &client_credentials_env(CLIENT_SECRET),
    );
    // A wrong secret: the rewrite still fails loudly.
    let fake = Fake::start();
    let fixed = fix_copy(&program("node/adal_client_credentials.js"));
    let out = fake.run_node(&fixed.path, &client_credentials_env(WRONG_SECRET));
    ok_or_panic(
        assert_failed_loudly(&out, &fake.requests()),
        "rewritten adal-node program with a wrong secret",
        Some(&fixed.after),
    );
}

/// The Power BI samples' promise wrapper (`new Promise` around the callback, `reject` with
/// the error response, `resolve` after it): the rewrite returns MSAL's promise instead. Both
/// programs get their token with one request for two calls (the second from the cache), and
/// both fail with exit code 1 and a `token request failed` message on a wrong secret.
#[test]
fn e2e_node_promise_wrapper_before_after() {
    let relative = "node/adal_promise_wrapper.js";
    node_adal_before_after(
        relative,
        "client_credentials",
        &client_credentials_env(CLIENT_SECRET),
    );
    let fixed = fix_copy(&program(relative));
    assert!(
        !fixed.after.contains("new Promise"),
        "the wrapper is still there:\n{}",
        fixed.after
    );
    let token_requests =
        |reqs: &[LoggedRequest]| reqs.iter().filter(|r| r.kind.ends_with("-token")).count();
    for (path, side) in [(program(relative), "before"), (fixed.path.clone(), "after")] {
        let fake = Fake::start();
        let out = fake.run_node(&path, &client_credentials_env(CLIENT_SECRET));
        let count = token_requests(&fake.requests());
        assert!(
            out.status.success() && count == 1,
            "{relative} ({side}): {count} token requests for two calls\n{}",
            harness::describe(&out)
        );
        let fake = Fake::start();
        let out = fake.run_node(&path, &client_credentials_env(WRONG_SECRET));
        ok_or_panic(
            assert_failed_loudly(&out, &fake.requests()),
            &format!("{relative} ({side}) with a wrong secret"),
            Some(&fixed.after),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(1) && stderr.contains("token request failed: "),
            "{relative} ({side}) with a wrong secret: {}",
            harness::describe(&out)
        );
    }
}

/// A throwaway RSA key and certificate (PEM) and the certificate's SHA-1 thumbprint.
fn certificate(dir: &std::path::Path) -> (String, String) {
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    let out = harness::run_bounded(
        std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=adalint e2e client"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert),
        std::time::Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "openssl req: {}",
        harness::describe(&out)
    );
    let out = harness::run_bounded(
        std::process::Command::new("openssl")
            .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
            .arg(&cert),
        std::time::Duration::from_secs(60),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let thumbprint: String = text
        .split('=')
        .nth(1)
        .unwrap_or_default()
        .trim()
        .replace(':', "");
    assert_eq!(
        thumbprint.len(),
        40,
        "unexpected fingerprint output: {text}"
    );
    (key.display().to_string(), thumbprint)
}

#[test]
fn e2e_node_client_certificate_before_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (key, thumbprint) = certificate(dir.path());
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_CERTIFICATE_PATH", key.as_str()),
        ("AZURE_CLIENT_CERTIFICATE_THUMBPRINT", thumbprint.as_str()),
        ("AZURE_RESOURCE", RESOURCE),
    ];
    node_adal_before_after(
        "node/adal_client_certificate.js",
        "client_credentials",
        &env,
    );
}

#[test]
fn e2e_node_username_password_before_after() {
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_USERNAME", "user@contoso.com"),
        ("AZURE_PASSWORD", "correct horse battery staple"),
        ("AZURE_RESOURCE", RESOURCE),
    ];
    node_adal_before_after("node/adal_username_password.js", "password", &env);
}

#[test]
fn e2e_node_refresh_token_before_after() {
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_SECRET", CLIENT_SECRET),
        ("AZURE_REFRESH_TOKEN", "0.AAAA-stored-by-the-web-app"),
        ("AZURE_RESOURCE", RESOURCE),
    ];
    node_adal_before_after("node/adal_refresh_token.js", "refresh_token", &env);
}

/// adal-node's device-code pair, merged by the rewrite into one `acquireTokenByDeviceCode`:
/// the user code requested for the resource (v1) or exactly `resource + "/.default"` (v2),
/// the message shown on stderr by the code that ran between the two ADAL calls (now the
/// `deviceCodeCallback`), and the device-code grant's token printed.
fn node_device_check(
    version: &str,
    sku: &'static str,
) -> impl Fn(&Output, &[LoggedRequest]) -> Result<(), String> {
    let version = version.to_string();
    move |out, reqs| {
        assert_success(out)?;
        let grant = want("device_code", sku);
        if version == "v1" {
            assert_v1_device_code(reqs, RESOURCE, &want("", sku))?;
            assert_no_request(reqs, "v2-token")?;
        } else {
            assert_v2_device_code(reqs, &v2_scope(), &want("", ""))?;
            assert_no_request(reqs, "v1-token")?;
        }
        assert_stderr_contains(out, "https://microsoft.com/devicelogin")?;
        let kind = if version == "v1" {
            "v1-token"
        } else {
            "v2-token"
        };
        assert_printed_token_from(out, reqs, kind, &grant, RESOURCE)
    }
}

#[test]
fn e2e_node_device_code_before_after() {
    // The fake approves the code on the first poll.
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_RESOURCE", RESOURCE),
    ];
    let before = program("node/adal_device_code.js");
    let fake = Fake::start();
    let out = fake.run_node(&before, &env);
    ok_or_panic(
        node_device_check("v1", SKU_ADAL_NODE)(&out, &fake.requests()),
        "node/adal_device_code.js (before)",
        None,
    );

    let fixed = fix_copy(&before);
    assert_node_check(&fixed);
    assert_no_require(&fixed, "adal-node");
    assert_rewrite_uses(&fixed, "acquireTokenByDeviceCode");
    assert!(
        !fixed.after.contains("acquireUserCode") && fixed.after.contains("deviceCodeCallback"),
        "the two ADAL calls were not merged into one:\n{}",
        fixed.after
    );
    let mark = fake.mark();
    let out = fake.run_node(&fixed.path, &env);
    ok_or_panic(
        node_device_check("v2", SKU_MSAL_NODE)(&out, &fake.requests_since(mark)),
        "node/adal_device_code.js (after)",
        Some(&fixed.after),
    );
}

/// A data-plane resource with a trailing slash: ms-rest skips its subscription listing for
/// non-management audiences, and the scope must still end in `//.default`.
const DATA_RESOURCE: &str = "https://storage.azure.com/";

/// One ms-rest-nodeauth app-only login: the program gets a v1 client-credentials token for
/// the data-plane resource with adal-node's SKU; the `@azure/identity` program adalint made
/// gets a v2 one for exactly `resource + "/.default"` with msal-node's SKU. Returns the fake
/// and both programs for further checks.
fn ms_rest_login_before_after(
    relative: &str,
    env: &[(&str, &str)],
) -> (Fake, std::path::PathBuf, harness::FixedProgram) {
    let before = program(relative);
    let fake = Fake::start();
    let out = fake.run_node(&before, env);
    let reqs = fake.requests();
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_ADAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v1_token(&reqs, DATA_RESOURCE, &want))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (before)"), None);

    let fixed = fix_copy(&before);
    assert_node_check(&fixed);
    assert_no_require(&fixed, "@azure/ms-rest-nodeauth");
    assert!(
        fixed.after.contains("require('@azure/identity')"),
        "{}",
        fixed.after
    );
    let mark = fake.mark();
    let out = fake.run_node(&fixed.path, env);
    let reqs = fake.requests_since(mark);
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_MSAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v2_token(&reqs, &format!("{DATA_RESOURCE}/.default"), &want))
        .and_then(|()| assert_no_request(&reqs, "v1-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (after)"), Some(&fixed.after));
    (fake, before, fixed)
}

#[test]
fn e2e_node_ms_rest_certificate_before_after() {
    // ms-rest-nodeauth takes one PEM with the key and the certificate, by path here.
    let dir = tempfile::tempdir().expect("temp dir");
    let (key, _thumbprint) = certificate(dir.path());
    let pem = dir.path().join("client.pem");
    let text = std::fs::read_to_string(&key).expect("key")
        + &std::fs::read_to_string(dir.path().join("cert.pem")).expect("certificate");
    std::fs::write(&pem, text).expect("write the PEM");
    let pem = pem.display().to_string();
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_CERTIFICATE_PATH", pem.as_str()),
        ("AZURE_RESOURCE", DATA_RESOURCE),
    ];
    let (_fake, _before, fixed) = ms_rest_login_before_after("node/ms_rest_certificate.js", &env);
    assert_rewrite_uses(&fixed, "ClientCertificateCredential");
}

#[test]
fn e2e_node_ms_rest_service_principal_before_after() {
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_SECRET", CLIENT_SECRET),
        ("AZURE_RESOURCE", DATA_RESOURCE),
    ];
    let (fake, before, fixed) =
        ms_rest_login_before_after("node/ms_rest_service_principal.js", &env);
    // A wrong secret fails loudly before and after (after: at getToken, not at login).
    for (what, path) in [
        ("before", before.as_path()),
        ("after", fixed.path.as_path()),
    ] {
        let mut env = env.to_vec();
        env[2] = ("AZURE_CLIENT_SECRET", WRONG_SECRET);
        let mark = fake.mark();
        let out = fake.run_node(path, &env);
        ok_or_panic(
            assert_failed_loudly(&out, &fake.requests_since(mark)),
            &format!("ms-rest service principal with a wrong secret ({what})"),
            Some(&fixed.after),
        );
    }
}

/// ms-rest-azure's callback style: the token requests nested in the login's callback are
/// rewritten with the login, as one fix (`.then` handlers in place of the callbacks). Both
/// programs make one token request for the two `getToken` calls (ms-rest-azure's login
/// fills the cache; Identity caches the first), and both exit 1 with a message on stderr on
/// a wrong secret (after: from the first `getToken`, as the fix's reason says).
#[test]
fn e2e_node_ms_rest_azure_callbacks_before_after() {
    let relative = "node/ms_rest_azure_callbacks.js";
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_SECRET", CLIENT_SECRET),
        ("AZURE_RESOURCE", DATA_RESOURCE),
    ];
    let before = program(relative);
    let fake = Fake::start();
    let out = fake.run_node(&before, &env);
    let reqs = fake.requests();
    let token_requests =
        |reqs: &[LoggedRequest]| reqs.iter().filter(|r| r.kind.ends_with("-token")).count();
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_ADAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v1_token(&reqs, DATA_RESOURCE, &want))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (before)"), None);
    assert_eq!(token_requests(&reqs), 1, "{relative} (before): {reqs:#?}");

    let fixed = fix_copy(&before);
    assert_node_check(&fixed);
    assert_no_require(&fixed, "ms-rest-azure");
    assert_rewrite_uses(&fixed, "ClientSecretCredential");
    let mark = fake.mark();
    let out = fake.run_node(&fixed.path, &env);
    let reqs = fake.requests_since(mark);
    let want = Want {
        grant: "client_credentials",
        client_id: CLIENT_ID,
        sku: SKU_MSAL_NODE,
    };
    let verdict = assert_success(&out)
        .and_then(|()| assert_v2_token(&reqs, &format!("{DATA_RESOURCE}/.default"), &want))
        .and_then(|()| assert_no_request(&reqs, "v1-token"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(verdict, &format!("{relative} (after)"), Some(&fixed.after));
    assert_eq!(token_requests(&reqs), 1, "{relative} (after): {reqs:#?}");

    for (side, path) in [
        ("before", before.as_path()),
        ("after", fixed.path.as_path()),
    ] {
        let mut env = env.to_vec();
        env[2] = ("AZURE_CLIENT_SECRET", WRONG_SECRET);
        let mark = fake.mark();
        let out = fake.run_node(path, &env);
        ok_or_panic(
            assert_failed_loudly(&out, &fake.requests_since(mark)),
            &format!("{relative} ({side}) with a wrong secret"),
            Some(&fixed.after),
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{relative} ({side}) with a wrong secret: {}",
            harness::describe(&out)
        );
    }
}

/// An ms-rest-nodeauth login in one promise chain (`.then((c) => c.getToken()).then((t) =>
/// t.accessToken)`): the chain keeps its shape around the Identity credential. A wrong
/// secret fails loudly with exit code 1 before and after.
#[test]
fn e2e_node_ms_rest_nodeauth_chain_before_after() {
    let relative = "node/ms_rest_nodeauth_chain.js";
    let env = [
        ("AZURE_TENANT_ID", TENANT_ID),
        ("AZURE_CLIENT_ID", CLIENT_ID),
        ("AZURE_CLIENT_SECRET", CLIENT_SECRET),
        ("AZURE_RESOURCE", DATA_RESOURCE),
    ];
    let (fake, before, fixed) = ms_rest_login_before_after(relative, &env);
    assert_rewrite_uses(&fixed, "ClientSecretCredential");
    for (side, path) in [
        ("before", before.as_path()),
        ("after", fixed.path.as_path()),
    ] {
        let mut env = env.to_vec();
        env[2] = ("AZURE_CLIENT_SECRET", WRONG_SECRET);
        let mark = fake.mark();
        let out = fake.run_node(path, &env);
        ok_or_panic(
            assert_failed_loudly(&out, &fake.requests_since(mark)),
            &format!("{relative} ({side}) with a wrong secret"),
            Some(&fixed.after),
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{relative} ({side}) with a wrong secret: {}",
            harness::describe(&out)
        );
    }
}

#[test]
fn e2e_node_ms_rest_app_service_msi_before_after() {
    let before = program("node/ms_rest_app_service_msi.js");
    let fake = Fake::start();
    // App Service sets both generations of variables; ms-rest-azure reads MSI_*, current
    // libraries IDENTITY_*.
    let platform: Vec<(String, String)> = fake
        .app_service_msi_env()
        .into_iter()
        .chain(fake.legacy_msi_env())
        .collect();
    let mut env: Vec<(&str, &str)> = platform
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    env.push(("AZURE_RESOURCE", RESOURCE));
    let msi_token = |reqs: &[LoggedRequest], kind: &str| -> Result<(), String> {
        if reqs.iter().any(|r| {
            r.kind == kind && r.status == Some(200) && r.resource.as_deref() == Some(RESOURCE)
        }) {
            Ok(())
        } else {
            Err(format!(
                "expected a successful {kind} request for resource {RESOURCE:?}; the fake saw:\n{reqs:#?}"
            ))
        }
    };

    let out = fake.run_node(&before, &env);
    let reqs = fake.requests();
    let verdict = assert_success(&out)
        .and_then(|()| msi_token(&reqs, "msi-legacy"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(
        verdict,
        "ms-rest-azure App Service MSI program (before)",
        None,
    );

    let fixed = fix_copy(&before);
    assert_node_check(&fixed);
    assert_no_require(&fixed, "ms-rest-azure");
    assert!(
        fixed.after.contains("ManagedIdentityCredential"),
        "{}",
        fixed.after
    );
    let mark = fake.mark();
    let out = fake.run_node(&fixed.path, &env);
    let reqs = fake.requests_since(mark);
    let verdict = assert_success(&out)
        .and_then(|()| msi_token(&reqs, "msi-appservice"))
        .and_then(|()| assert_printed_issued_token(&out, &reqs));
    ok_or_panic(
        verdict,
        "@azure/identity managed identity program (after)",
        Some(&fixed.after),
    );
}

// Python: certificate, user flows and the Azure Identity target
// ------------------------------------------------------------------------------------------

/// The variables a program reads (owned: certificate paths, tokens from an earlier run).
#[derive(Clone)]
struct ProgramEnv(Vec<(&'static str, String)>);

impl ProgramEnv {
    /// Tenant, client id and resource: what every flow reads.
    fn app() -> ProgramEnv {
        ProgramEnv(vec![
            ("AZURE_TENANT_ID", TENANT_ID.to_string()),
            ("AZURE_CLIENT_ID", CLIENT_ID.to_string()),
            ("AZURE_RESOURCE", RESOURCE.to_string()),
        ])
    }

    /// A user flow's: the app's, and the user's name and password.
    fn user(password: &str) -> ProgramEnv {
        ProgramEnv::app()
            .with("AZURE_USERNAME", USERNAME)
            .with("AZURE_PASSWORD", password)
    }

    /// A certificate credential's: the app's, the private key, the certificate, the thumbprint.
    fn certificate(cert: &ClientCertificate) -> ProgramEnv {
        ProgramEnv::app()
            .with(
                "AZURE_CLIENT_CERTIFICATE_KEY_PATH",
                cert.key.display().to_string(),
            )
            .with(
                "AZURE_CLIENT_CERTIFICATE_PATH",
                cert.cert.display().to_string(),
            )
            .with(
                "AZURE_CLIENT_CERTIFICATE_THUMBPRINT",
                cert.thumbprint.clone(),
            )
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> ProgramEnv {
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, value.into()));
        self
    }

    fn vars(&self) -> Vec<(&str, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str())).collect()
    }
}

/// What a request must carry besides its audience: `grant` (empty: any), our client, `sku`.
fn want(grant: &'static str, sku: &'static str) -> Want<'static> {
    Want {
        grant,
        client_id: CLIENT_ID,
        sku,
    }
}

/// A check of one program run: its output and the requests it caused (only those).
type Check<'a> = &'a dyn Fn(&Output, &[LoggedRequest]) -> Result<(), String>;

/// Runs a Python program against the fake and applies `check`; panics with the explanation (and
/// `source`, for a rewrite) when it fails. Returns the requests the run caused.
fn run_python_checked(
    fake: &Fake,
    path: &Path,
    env: &ProgramEnv,
    what: &str,
    source: Option<&str>,
    check: Check<'_>,
) -> Vec<LoggedRequest> {
    let mark = fake.mark();
    let out = fake.run_python(path, &env.vars());
    let reqs = fake.requests_since(mark);
    ok_or_panic(check(&out, &reqs), what, source);
    reqs
}

/// Runs the ADAL program `relative` (checked by `before`), lets adalint rewrite a copy with
/// `fix_args` (checked by [`fix_python`]) and runs that (checked by `after`), on one fake.
/// Returns the fake, the rewrite and the before run's requests, for further cases.
fn python_before_after(
    relative: &str,
    fix_args: &[&str],
    env: &ProgramEnv,
    before: Check<'_>,
    after: Check<'_>,
) -> (Fake, FixedProgram, Vec<LoggedRequest>) {
    let fake = Fake::start();
    let before_reqs = run_python_checked(
        &fake,
        &program(relative),
        env,
        &format!("ADAL program {relative} (before)"),
        None,
        before,
    );
    let fixed = fix_python(relative, fix_args);
    run_python_checked(
        &fake,
        &fixed.path,
        env,
        &format!("rewritten program {relative} (after)"),
        Some(&fixed.after),
        after,
    );
    (fake, fixed, before_reqs)
}

/// ADAL got the printed token with `grant` the v1 way: exit 0, a successful v1 request for
/// exactly the resource with ADAL's SKU, nothing at v2, the token issued for the resource.
fn adal_got_token(out: &Output, reqs: &[LoggedRequest], grant: &'static str) -> Result<(), String> {
    assert_success(out)?;
    assert_v1_token(reqs, RESOURCE, &want(grant, SKU_ADAL_PYTHON))?;
    assert_no_request(reqs, "v2-token")?;
    assert_printed_token_audience(out, reqs, RESOURCE)
}

/// MSAL got the printed token with `grant` the v2 way: exit 0, a successful v2 request for
/// exactly `resource + "/.default"` with MSAL's SKU, nothing at v1, the token issued for the
/// resource.
fn msal_got_token(out: &Output, reqs: &[LoggedRequest], grant: &'static str) -> Result<(), String> {
    assert_success(out)?;
    assert_v2_token(reqs, &v2_scope(), &want(grant, SKU_MSAL_PYTHON))?;
    assert_no_request(reqs, "v1-token")?;
    assert_printed_token_audience(out, reqs, RESOURCE)
}

/// The fake rejected a `kind` request with `error` (e.g. `invalid_grant`).
fn assert_rejected(reqs: &[LoggedRequest], kind: &str, error: &str) -> Result<(), String> {
    if reqs
        .iter()
        .any(|r| r.kind == kind && r.error.as_deref() == Some(error))
    {
        Ok(())
    } else {
        Err(format!(
            "expected the fake to reject a {kind} request with {error}; it saw:\n{}",
            reqs.iter().map(|r| format!("  {r}\n")).collect::<String>()
        ))
    }
}

/// The refresh token redeemed at `kind` is exactly `expected`, or (`None`) the one the password
/// grant at `kind` issued.
fn assert_redeemed(
    reqs: &[LoggedRequest],
    kind: &str,
    expected: Option<&str>,
) -> Result<(), String> {
    let issued = reqs
        .iter()
        .find(|r| r.kind == kind && r.grant_type.as_deref() == Some("password"))
        .and_then(|r| r.refresh_token.as_deref());
    let expected = expected.or(issued);
    let redeemed = reqs
        .iter()
        .find(|r| r.kind == kind && r.grant_type.as_deref() == Some("refresh_token"))
        .and_then(|r| r.redeemed_refresh_token.as_deref());
    if expected.is_some() && redeemed == expected {
        Ok(())
    } else {
        Err(format!(
            "expected the {kind} refresh_token grant to redeem {expected:?}, it redeemed {redeemed:?}"
        ))
    }
}

fn assert_stderr_contains(out: &Output, needle: &str) -> Result<(), String> {
    if String::from_utf8_lossy(&out.stderr).contains(needle) {
        Ok(())
    } else {
        Err(format!(
            "expected {needle:?} on stderr\n{}",
            harness::describe(out)
        ))
    }
}

/// The rewrite uses `what` (e.g. `azure.identity.ClientSecretCredential(`).
fn assert_rewrite_uses(fixed: &FixedProgram, what: &str) {
    assert!(
        fixed.after.contains(what),
        "expected the rewrite to use {what}:\n{}",
        fixed.after
    );
}

// ---- the checks of each flow, shared by the flow tests and `e2e_checks_go_red_*` ----------

/// Certificate flow: the token, and every client assertion names `cert`; `x5c`: whether the
/// certificate itself must be sent (`None`: either).
fn cert_before(
    out: &Output,
    reqs: &[LoggedRequest],
    cert: &ClientCertificate,
    x5c: bool,
) -> Result<(), String> {
    adal_got_token(out, reqs, "client_credentials")?;
    assert_client_assertion(reqs, cert, Some(x5c))
}

fn cert_after(
    out: &Output,
    reqs: &[LoggedRequest],
    cert: &ClientCertificate,
    x5c: Option<bool>,
) -> Result<(), String> {
    msal_got_token(out, reqs, "client_credentials")?;
    assert_client_assertion(reqs, cert, x5c)
}

/// Refresh-token flow, first use: a password grant, then a refresh-token grant redeeming the
/// refresh token it issued, whose access token is printed. ADAL at v1.
fn refresh_before(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let refresh = want("refresh_token", SKU_ADAL_PYTHON);
    adal_got_token(out, reqs, "password")?;
    assert_v1_token(reqs, RESOURCE, &refresh)?;
    assert_redeemed(reqs, "v1-token", None)?;
    assert_printed_token_from(out, reqs, "v1-token", &refresh, RESOURCE)
}

/// The same at v2, with exactly `resource + "/.default"` for both grants.
fn refresh_after(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let refresh = want("refresh_token", SKU_MSAL_PYTHON);
    msal_got_token(out, reqs, "password")?;
    assert_v2_token(reqs, &v2_scope(), &refresh)?;
    assert_redeemed(reqs, "v2-token", None)?;
    assert_printed_token_from(out, reqs, "v2-token", &refresh, RESOURCE)
}

/// Device-code flow: the code requested for the resource, the message shown (stderr), the
/// token from the device-code grant printed. ADAL at v1.
fn device_before(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    assert_success(out)?;
    assert_v1_device_code(reqs, RESOURCE, &want("", SKU_ADAL_PYTHON))?;
    assert_no_request(reqs, "v2-token")?;
    assert_stderr_contains(out, "https://microsoft.com/devicelogin")?;
    let grant = want("device_code", SKU_ADAL_PYTHON);
    assert_printed_token_from(out, reqs, "v1-token", &grant, RESOURCE)
}

/// The same at v2: the code requested for exactly `resource + "/.default"` (the token request
/// that redeems it carries no scope, so the printed token's audience proves the rest).
fn device_after(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    assert_success(out)?;
    assert_v2_device_code(reqs, &v2_scope(), &want("", SKU_MSAL_PYTHON))?;
    assert_no_request(reqs, "v1-token")?;
    assert_stderr_contains(out, "https://microsoft.com/devicelogin")?;
    let grant = want("device_code", SKU_MSAL_PYTHON);
    assert_printed_token_from(out, reqs, "v2-token", &grant, RESOURCE)
}

/// Silent flow: one password grant on the network, the second token from the cache (the same
/// token, printed). ADAL at v1.
fn silent_before(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let password = want("password", SKU_ADAL_PYTHON);
    adal_got_token(out, reqs, "password")?;
    assert_request_count(reqs, "v1-token", 1)?;
    assert_printed_token_from(out, reqs, "v1-token", &password, RESOURCE)?;
    assert_stderr_contains(out, "the cached token is the same as the first one")
}

/// The same at v2: still exactly one token request.
fn silent_after(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let password = want("password", SKU_MSAL_PYTHON);
    msal_got_token(out, reqs, "password")?;
    assert_request_count(reqs, "v2-token", 1)?;
    assert_printed_token_from(out, reqs, "v2-token", &password, RESOURCE)?;
    assert_stderr_contains(out, "the cached token is the same as the first one")
}

#[test]
fn e2e_python_client_certificate() {
    let cert = ClientCertificate::generate();
    let (_fake, fixed, _) = python_before_after(
        "python/client_certificate.py",
        &[],
        &ProgramEnv::certificate(&cert),
        &|out, reqs| cert_before(out, reqs, &cert, false),
        &|out, reqs| cert_after(out, reqs, &cert, Some(false)),
    );
    assert_rewrite_uses(&fixed, "msal.ConfidentialClientApplication(");
}

#[test]
fn e2e_python_client_certificate_with_public_certificate() {
    // Subject-name/issuer authentication: ADAL sends the certificate (x5c); so must MSAL.
    let cert = ClientCertificate::generate();
    python_before_after(
        "python/client_certificate_sni.py",
        &[],
        &ProgramEnv::certificate(&cert),
        &|out, reqs| cert_before(out, reqs, &cert, true),
        &|out, reqs| cert_after(out, reqs, &cert, Some(true)),
    );
}

#[test]
fn e2e_python_username_password() {
    let relative = "python/username_password.py";
    let (fake, fixed, _) = python_before_after(
        relative,
        &[],
        &ProgramEnv::user(PASSWORD),
        &|out, reqs| adal_got_token(out, reqs, "password"),
        &|out, reqs| msal_got_token(out, reqs, "password"),
    );
    assert_rewrite_uses(&fixed, "msal.PublicClientApplication(");

    // A wrong password: ADAL raised; the rewrite must fail loudly too, printing no token.
    let bad = ProgramEnv::user(WRONG_PASSWORD);
    run_python_checked(
        &fake,
        &program(relative),
        &bad,
        "ADAL program with a wrong password",
        None,
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v1-token", "invalid_grant")
        },
    );
    run_python_checked(
        &fake,
        &fixed.path,
        &bad,
        "rewritten program with a wrong password",
        Some(&fixed.after),
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v2-token", "invalid_grant")?;
            assert_no_request(reqs, "v1-token")
        },
    );
}

#[test]
fn e2e_python_refresh_token() {
    let relative = "python/refresh_token.py";
    let env = ProgramEnv::user(PASSWORD);
    let (fake, fixed, before_reqs) =
        python_before_after(relative, &[], &env, &refresh_before, &refresh_after);

    // The migration: the rewritten program redeems at v2 the refresh token that ADAL got from
    // v1 and persisted, without signing the user in again.
    let adal_refresh_token = before_reqs
        .iter()
        .find(|r| r.kind == "v1-token" && r.grant_type.as_deref() == Some("password"))
        .and_then(|r| r.refresh_token.clone())
        .expect("the ADAL password grant got a refresh token");
    run_python_checked(
        &fake,
        &fixed.path,
        &env.clone()
            .with("AZURE_REFRESH_TOKEN", adal_refresh_token.as_str()),
        "rewritten program redeeming ADAL's refresh token",
        Some(&fixed.after),
        &|out, reqs| {
            let refresh = want("refresh_token", SKU_MSAL_PYTHON);
            assert_success(out)?;
            assert_request_count(reqs, "v2-token", 1)?;
            assert_no_request(reqs, "v1-token")?;
            assert_v2_token(reqs, &v2_scope(), &refresh)?;
            assert_redeemed(reqs, "v2-token", Some(&adal_refresh_token))?;
            assert_printed_token_from(out, reqs, "v2-token", &refresh, RESOURCE)
        },
    );

    // A refresh token the service rejects: both fail loudly.
    let revoked = env.with("AZURE_REFRESH_TOKEN", "wrong-revoked-refresh-token");
    run_python_checked(
        &fake,
        &program(relative),
        &revoked,
        "ADAL program with a rejected refresh token",
        None,
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v1-token", "invalid_grant")
        },
    );
    run_python_checked(
        &fake,
        &fixed.path,
        &revoked,
        "rewritten program with a rejected refresh token",
        Some(&fixed.after),
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v2-token", "invalid_grant")
        },
    );
}

#[test]
fn e2e_python_device_code() {
    // The fake approves the code on the first poll.
    python_before_after(
        "python/device_code.py",
        &[],
        &ProgramEnv::app(),
        &device_before,
        &device_after,
    );
}

#[test]
fn e2e_python_device_code_helper() {
    // The device-code pair in a helper that returns the token dict as it is made: both calls
    // move to MSAL together (nothing of ADAL is left on the MSAL object), the result is named,
    // checked and returned, and the script reads MSAL's key.
    let (_, fixed, _) = python_before_after(
        "python/device_code_helper.py",
        &[],
        &ProgramEnv::app(),
        &device_before,
        &device_after,
    );
    assert!(
        fixed
            .after
            .contains("token = context.acquire_token_by_device_flow(code)")
            && !fixed
                .after
                .contains("acquire_token_with_device_code(RESOURCE"),
        "the device-code pair was not rewritten together:\n{}",
        fixed.after
    );
}

#[test]
fn e2e_python_device_code_token_credentials() {
    // ADAL's device-code pair wrapped in `AADTokenCredentials` becomes one
    // `DeviceCodeCredential`: the client it is handed to asks for the management scope and
    // gets a v2 token through the device-code grant (the fake approves on the first poll).
    let (_, fixed, _) = python_before_after(
        "python/device_code_token_credentials.py",
        &[],
        &ProgramEnv::app(),
        &|out, reqs| {
            assert_success(out)?;
            assert_v1_device_code(reqs, RESOURCE, &want("", SKU_ADAL_PYTHON))?;
            assert_no_request(reqs, "v2-token")?;
            let grant = want("device_code", SKU_ADAL_PYTHON);
            assert_printed_token_from(out, reqs, "v1-token", &grant, RESOURCE)
        },
        &|out, reqs| {
            assert_success(out)?;
            assert_v2_device_code(reqs, &v2_scope(), &want("", SKU_MSAL_PYTHON))?;
            assert_no_request(reqs, "v1-token")?;
            assert_request_count(reqs, "v2-token", 1)?;
            let grant = want("device_code", SKU_MSAL_PYTHON);
            assert_printed_token_from(out, reqs, "v2-token", &grant, RESOURCE)
        },
    );
    assert_rewrite_uses(
        &fixed,
        "DeviceCodeCredential(tenant_id=tenant, client_id=client_id)",
    );
}

#[test]
fn e2e_python_silent() {
    // ADAL: one password grant, the silent call answered from the cache. MSAL: the same, so
    // exactly one token request on the network.
    python_before_after(
        "python/silent.py",
        &[],
        &ProgramEnv::user(PASSWORD),
        &silent_before,
        &silent_after,
    );
}

/// The client-secret program rewritten toward Azure Identity: a `ClientSecretCredential`
/// (which uses MSAL, hence MSAL's SKU) gets the v2 token; a wrong secret fails loudly.
fn python_azure_identity_client_secret(relative: &str) {
    let secret = ProgramEnv::app().with("AZURE_CLIENT_SECRET", CLIENT_SECRET);
    let (fake, fixed, _) = python_before_after(
        relative,
        &["--target", "azure-identity"],
        &secret,
        &|out, reqs| adal_got_token(out, reqs, "client_credentials"),
        &|out, reqs| msal_got_token(out, reqs, "client_credentials"),
    );
    assert_rewrite_uses(&fixed, "azure.identity.ClientSecretCredential(");
    run_python_checked(
        &fake,
        &fixed.path,
        &secret.with("AZURE_CLIENT_SECRET", WRONG_SECRET),
        "rewritten program with a wrong secret",
        Some(&fixed.after),
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v2-token", "invalid_client")
        },
    );
}

#[test]
fn e2e_python_azure_identity_client_secret() {
    python_azure_identity_client_secret("python/client_credentials_provider.py");
}

#[test]
fn e2e_python_azure_identity_client_secret_authority_in_variable() {
    python_azure_identity_client_secret("python/client_credentials.py");
}

#[test]
fn e2e_python_azure_identity_certificate() {
    // Azure Identity needs the key and the certificate in one PEM, so the tool rewrites only a
    // call that passes `public_certificate`. Whether x5c is sent: see the ignored test below.
    let cert = ClientCertificate::generate();
    let (_fake, fixed, _) = python_before_after(
        "python/client_certificate_sni.py",
        &["--target", "azure-identity"],
        &ProgramEnv::certificate(&cert),
        &|out, reqs| cert_before(out, reqs, &cert, true),
        &|out, reqs| cert_after(out, reqs, &cert, None),
    );
    assert_rewrite_uses(&fixed, "azure.identity.CertificateCredential(");
}

#[test]
fn e2e_python_azure_identity_certificate_sends_x5c() {
    let cert = ClientCertificate::generate();
    python_before_after(
        "python/client_certificate_sni.py",
        &["--target", "azure-identity"],
        &ProgramEnv::certificate(&cert),
        &|out, reqs| cert_before(out, reqs, &cert, true),
        &|out, reqs| cert_after(out, reqs, &cert, Some(true)),
    );
}

/// A deliberately broken rewrite: `edits` applied to the tool's rewrite of `program`, which the
/// flow's after-`check` must reject.
struct Corruption<'a> {
    program: &'static str,
    env: ProgramEnv,
    check: Check<'a>,
    edits: &'static [(&'static str, &'static str)],
}

#[test]
fn e2e_checks_go_red_for_broken_python_user_and_certificate_rewrites() {
    // Each corruption is a plausible wrong rewrite that still runs and prints a token the fake
    // issued; the flow's after-check must catch it. The control run proves the uncorrupted
    // rewrite passes the same check on the same fake.
    let cert = ClientCertificate::generate();
    let cert_check =
        |out: &Output, reqs: &[LoggedRequest]| cert_after(out, reqs, &cert, Some(false));
    let cases = [
        Corruption {
            // The silent call rewritten as a second sign-in: a token, but from the network.
            program: "python/silent.py",
            env: ProgramEnv::user(PASSWORD),
            check: &silent_after,
            edits: &[(
                "context.acquire_token_silent_with_error([resource + \"/.default\"], account=next(iter(context.get_accounts(username=username)), None))",
                "context.acquire_token_by_username_password(username, password, scopes=[resource + \"/.default\"])",
            )],
        },
        Corruption {
            // The device code requested for the resource without its trailing slash.
            program: "python/device_code.py",
            env: ProgramEnv::app(),
            check: &device_after,
            edits: &[(
                "initiate_device_flow(scopes=[resource + \"/.default\"])",
                "initiate_device_flow(scopes=[resource.rstrip(\"/\") + \"/.default\"])",
            )],
        },
        Corruption {
            // A refresh token other than the one the sign-in returned is redeemed.
            program: "python/refresh_token.py",
            env: ProgramEnv::user(PASSWORD),
            check: &refresh_after,
            edits: &[(
                "acquire_token_by_refresh_token(refresh_token,",
                "acquire_token_by_refresh_token(\"fake-rt.stale\",",
            )],
        },
        Corruption {
            // The assertion names another certificate than the program's.
            program: "python/client_certificate.py",
            env: ProgramEnv::certificate(&cert),
            check: &cert_check,
            edits: &[("\"thumbprint\": thumbprint", "\"thumbprint\": \"00\" * 20")],
        },
    ];
    let fake = Fake::start();
    for Corruption {
        program: relative,
        env,
        check,
        edits,
    } in cases
    {
        let fixed = fix_python(relative, &[]);
        run_python_checked(
            &fake,
            &fixed.path,
            &env,
            &format!("uncorrupted rewrite of {relative}"),
            Some(&fixed.after),
            check,
        );
        let corrupted = fixed.corrupted("corrupted.py", edits);
        let mark = fake.mark();
        let out = fake.run_python(&corrupted, &env.vars());
        let reqs = fake.requests_since(mark);
        let source = fs::read_to_string(&corrupted).unwrap_or_default();
        assert!(
            assert_printed_issued_token(&out, &reqs).is_ok(),
            "the corruption of {relative} should still print an issued token (else the check is \
             not what catches it)\n{}\n{source}",
            harness::describe(&out)
        );
        assert!(
            check(&out, &reqs).is_err(),
            "the e2e check passed a deliberately broken rewrite of {relative}:\n{source}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Azure ML SDK v1 authentication rewritten to azure-identity. azureml-core (with its own pinned
// dependency tree) is not installed in the e2e venv, so only the rewrite runs: it must get an
// Azure Resource Manager token from the fake with the real azure-identity.

/// Azure Resource Manager, the audience Azure ML's control plane takes.
const ARM_RESOURCE: &str = "https://management.azure.com";

/// The Azure ML program rewritten by adalint: it compiles, imports no SDK v1 authentication,
/// and uses `credential`.
fn azureml_rewrite(relative: &str, credential: &str) -> FixedProgram {
    let fixed = fix_copy(&program(relative));
    ok_or_panic(
        python_compiles(&fixed.path),
        "rewrite compiles",
        Some(&fixed.after),
    );
    assert!(
        !fixed.after.contains("from azureml") && !fixed.after.contains("import azureml"),
        "the rewrite still imports azureml:\n{}",
        fixed.after
    );
    assert!(
        fixed.after.contains(&format!("{credential}(")),
        "the rewrite does not use {credential}:\n{}",
        fixed.after
    );
    fixed
}

/// A successful managed-identity request of `kind` for Azure Resource Manager, whose token
/// the program printed.
fn arm_msi_token(out: &Output, reqs: &[LoggedRequest], kind: &str) -> Result<(), String> {
    assert_success(out)?;
    if !reqs.iter().any(|r| {
        r.kind == kind && r.status == Some(200) && r.resource.as_deref() == Some(ARM_RESOURCE)
    }) {
        return Err(format!(
            "expected a successful {kind} request for {ARM_RESOURCE}; the fake saw:\n{reqs:#?}"
        ));
    }
    assert_printed_token_audience(out, reqs, ARM_RESOURCE)
}

#[test]
fn e2e_python_azureml_service_principal_rewrite() {
    let fixed = azureml_rewrite(
        "python/azureml_service_principal.py",
        "ClientSecretCredential",
    );
    let fake = Fake::start();
    let env = ProgramEnv::app().with("AZURE_CLIENT_SECRET", CLIENT_SECRET);
    run_python_checked(
        &fake,
        &fixed.path,
        &env,
        "Azure ML service principal (after)",
        Some(&fixed.after),
        &|out, reqs| {
            assert_success(out)?;
            assert_v2_token(
                reqs,
                &format!("{ARM_RESOURCE}/.default"),
                &want("client_credentials", SKU_MSAL_PYTHON),
            )?;
            assert_printed_token_audience(out, reqs, ARM_RESOURCE)
        },
    );
    run_python_checked(
        &fake,
        &fixed.path,
        &env.with("AZURE_CLIENT_SECRET", WRONG_SECRET),
        "Azure ML service principal with a wrong secret (after)",
        Some(&fixed.after),
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v2-token", "invalid_client")
        },
    );
}

#[test]
fn e2e_python_azureml_managed_identity_rewrite() {
    let fixed = azureml_rewrite(
        "python/azureml_managed_identity.py",
        "ManagedIdentityCredential",
    );
    let fake = Fake::start();
    // App Service and Functions: IDENTITY_ENDPOINT + IDENTITY_HEADER.
    let app_service = fake.app_service_msi_env();
    let vars: Vec<(&str, &str)> = app_service
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &vars);
    ok_or_panic(
        arm_msi_token(&out, &fake.requests_since(mark), "msi-appservice"),
        "Azure ML managed identity through the App Service endpoint (after)",
        Some(&fixed.after),
    );
    // Azure ML compute: MSI_ENDPOINT + MSI_SECRET, which azure-identity reads as Azure ML's.
    let compute = fake.legacy_msi_env();
    let vars: Vec<(&str, &str)> = compute
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mark = fake.mark();
    let out = fake.run_python(&fixed.path, &vars);
    ok_or_panic(
        arm_msi_token(&out, &fake.requests_since(mark), "msi-legacy"),
        "Azure ML managed identity through the Azure ML compute endpoint (after)",
        Some(&fixed.after),
    );
}

#[test]
fn e2e_python_azureml_cli_rewrite() {
    let fixed = azureml_rewrite("python/azureml_cli.py", "AzureCliCredential");
    // A fake `az` first on PATH: it records its arguments and prints what
    // `az account get-access-token --output json` prints.
    let bin = tempfile::tempdir().expect("temp dir");
    let args = bin.path().join("az-args.txt");
    let az = bin.path().join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\necho '{{\"accessToken\": \"fake-cli-token\", \"expiresOn\": \"2099-01-01 00:00:00.000000\", \"expires_on\": 4070908800, \"subscription\": \"00000000-0000-0000-0000-000000000000\", \"tenant\": \"{TENANT_ID}\", \"tokenType\": \"Bearer\"}}'\n",
            args.display()
        ),
    )
    .expect("write the fake az");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).expect("chmod az");
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let fake = Fake::start();
    let out = fake.run_python(&fixed.path, &[("PATH", path.as_str())]);
    let verdict = assert_success(&out).and_then(|()| {
        let printed = String::from_utf8_lossy(&out.stdout);
        let called = std::fs::read_to_string(&args).unwrap_or_default();
        if printed.trim() != "fake-cli-token" {
            Err(format!(
                "expected the CLI's token, the program printed {printed:?}"
            ))
        } else if !called.contains("get-access-token") || !called.contains(ARM_RESOURCE) {
            Err(format!(
                "expected `az account get-access-token` for {ARM_RESOURCE}, az got {called:?}"
            ))
        } else {
            assert_request_count(&fake.requests(), "v2-token", 0)
        }
    });
    ok_or_panic(
        verdict,
        "Azure ML Azure CLI login (after)",
        Some(&fixed.after),
    );
}

// An Azure ML SDK v1 workspace from `config.json` rewritten to an SDK v2 `MLClient`, run with
// the real azure-ai-ml against the fake's Azure Resource Manager (routed like the identity
// endpoints: `management.azure.com` through the CONNECT proxy to the fake's TLS server).

/// The workspace the `config.json` beside the program names (the file the portal downloads).
const AML_SUBSCRIPTION: &str = "6d2a1f3b-9c4e-4a5d-8e7f-0a1b2c3d4e5f";
const AML_RESOURCE_GROUP: &str = "ml-rg";
const AML_WORKSPACE: &str = "ml-ws";
/// The default datastore the fake's Azure Resource Manager reports for every workspace.
const AML_DEFAULT_DATASTORE: &str = "workspaceblobstore";

/// The program read the default datastore of the `config.json` workspace from Azure Resource
/// Manager, with the bearer token the fake issued for ARM, and printed its name; it made no
/// other Azure Resource Manager request.
fn assert_default_datastore_read(out: &Output, reqs: &[LoggedRequest]) -> Result<(), String> {
    let token = reqs
        .iter()
        .find(|r| {
            r.kind == "v2-token"
                && r.status == Some(200)
                && r.audience.as_deref() == Some(ARM_RESOURCE)
        })
        .and_then(|r| r.access_token.as_deref())
        .ok_or_else(|| format!("no ARM token was issued; the fake saw:\n{reqs:#?}"))?;
    let arm: Vec<&LoggedRequest> = reqs.iter().filter(|r| r.kind.starts_with("arm")).collect();
    let read = match arm.as_slice() {
        [one] if one.kind == "arm-default-datastore" => one,
        _ => {
            return Err(format!(
                "expected exactly one Azure Resource Manager request, for the default datastore; \
                 the fake saw:\n{arm:#?}"
            ));
        }
    };
    let bearer = format!("Bearer {token}");
    if read.method != "GET"
        || read.status != Some(200)
        || read.host.as_deref() != Some("management.azure.com")
        || read.authorization.as_deref() != Some(bearer.as_str())
    {
        return Err(format!(
            "expected a successful GET on management.azure.com with the issued ARM token; \
             the fake saw {read:#?}"
        ));
    }
    let named = (
        read.subscription.as_deref(),
        read.resource_group.as_deref(),
        read.workspace.as_deref(),
    );
    if named
        != (
            Some(AML_SUBSCRIPTION),
            Some(AML_RESOURCE_GROUP),
            Some(AML_WORKSPACE),
        )
    {
        return Err(format!(
            "the datastore read named workspace {named:?}, not config.json's \
             ({AML_SUBSCRIPTION}, {AML_RESOURCE_GROUP}, {AML_WORKSPACE})"
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    match stdout.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(last) if last.trim() == AML_DEFAULT_DATASTORE => Ok(()),
        _ => Err(format!(
            "expected the program to print {AML_DEFAULT_DATASTORE:?}\n{}",
            harness::describe(out)
        )),
    }
}

#[test]
fn e2e_python_azureml_mlclient_default_datastore_rewrite() {
    let fixed = azureml_rewrite(
        "python/azureml_default_datastore.py",
        "ClientSecretCredential",
    );
    for v2 in [
        "MLClient.from_config(credential=",
        ".datastores.get_default()",
    ] {
        assert!(
            fixed.after.contains(v2),
            "the rewrite does not use {v2}:\n{}",
            fixed.after
        );
    }
    let dir = fixed.path.parent().expect("the program has a directory");
    fs::write(
        dir.join("config.json"),
        format!(
            "{{\n    \"subscription_id\": \"{AML_SUBSCRIPTION}\",\n    \"resource_group\": \
             \"{AML_RESOURCE_GROUP}\",\n    \"workspace_name\": \"{AML_WORKSPACE}\"\n}}\n"
        ),
    )
    .expect("write config.json");
    let check = |out: &Output, reqs: &[LoggedRequest]| {
        assert_success(out)?;
        assert_v2_token(
            reqs,
            &format!("{ARM_RESOURCE}/.default"),
            &want("client_credentials", SKU_MSAL_PYTHON),
        )?;
        assert_default_datastore_read(out, reqs)
    };
    let fake = Fake::start();
    let env = ProgramEnv::app().with("AZURE_CLIENT_SECRET", CLIENT_SECRET);
    run_python_checked(
        &fake,
        &fixed.path,
        &env,
        "Azure ML workspace's default datastore through MLClient (after)",
        Some(&fixed.after),
        &check,
    );
    // The same check goes red for plausible wrong rewrites: a datastore read by name instead of
    // the workspace's default, and a workspace not taken from config.json (which still prints
    // the default datastore's name; only the workspace the ARM request named shows it).
    let corruptions: [(&str, (&str, &str)); 2] = [
        (
            "datastore_by_name.py",
            (
                ".datastores.get_default()",
                ".datastores.get(\"workspaceblobstore\")",
            ),
        ),
        (
            "workspace_not_from_config.py",
            (
                "MLClient.from_config(credential=auth)",
                "MLClient(credential=auth, subscription_id=\"6d2a1f3b-9c4e-4a5d-8e7f-0a1b2c3d4e5f\", \
                 resource_group_name=\"ml-rg\", workspace_name=\"ml-ws-dev\")",
            ),
        ),
    ];
    for (name, edit) in corruptions {
        let broken = fixed.corrupted(name, &[edit]);
        let mark = fake.mark();
        let out = fake.run_python(&broken, &env.vars());
        assert!(
            check(&out, &fake.requests_since(mark)).is_err(),
            "the check passed a deliberately broken rewrite ({name}):\n{}",
            harness::describe(&out)
        );
    }
    run_python_checked(
        &fake,
        &fixed.path,
        &env.with("AZURE_CLIENT_SECRET", WRONG_SECRET),
        "Azure ML workspace's default datastore with a wrong secret (after)",
        Some(&fixed.after),
        &|out, reqs| {
            assert_failed_loudly(out, reqs)?;
            assert_rejected(reqs, "v2-token", "invalid_client")?;
            assert_no_request(reqs, "arm-default-datastore")
        },
    );
}
