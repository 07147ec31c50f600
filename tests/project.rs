//! Names imported from other modules of the scanned project: a react-adal app creates its
//! ADAL.js context in one module and uses it in others.

use std::path::Path;

use adalint::language::Language;
use adalint::lint::{FixMode, LintOptions, lint_sources};
use adalint::registry::Registry;
use adalint::source::SourceText;
use adalint::walk::SourcePath;

fn write(dir: &Path, name: &str, text: &str) -> SourcePath {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("directory");
    std::fs::write(&path, text).expect("write");
    SourcePath {
        language: Language::from_path(&path).expect("known language"),
        path,
    }
}

/// `(path:line rule)` for every finding of a run over `files`.
fn findings(dir: &Path, mut files: Vec<SourcePath>) -> Vec<String> {
    files.sort();
    let registry = Registry::embedded().expect("embedded rules load");
    let selection = registry
        .select(&["ALL".to_string()], &[])
        .expect("all rules");
    let options = LintOptions {
        mode: FixMode::Check,
        parse_time_limit: adalint::lint::PARSE_TIME_LIMIT,
        roots: &[],
    };
    let reports = lint_sources(&files, &selection, &options);
    let mut found: Vec<String> = Vec::new();
    for (file, report) in files.iter().zip(&reports) {
        let source = SourceText::new(report.diagnostic_text());
        let name = file
            .path
            .strip_prefix(dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        for diagnostic in &report.diagnostics {
            found.push(format!(
                "{name}:{} {}",
                source.position(diagnostic.range().start).line,
                diagnostic.rule()
            ));
        }
    }
    found.sort();
    found
}

#[test]
fn objects_a_classic_script_defines_are_globals_of_the_others() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let files = vec![
        write(
            dir.path(),
            "index.html",
            "<script src=\"lib/adal.min.js\"></script>\n\
             <script>window.adal = new AuthenticationContext({ clientId: 'x' });</script>\n\
             <script src=\"app.js\"></script>\n",
        ),
        write(
            dir.path(),
            "app.js",
            "var authContext = new AuthenticationContext(window.config);\n\
             var helper = { login: function () {} };\n",
        ),
        write(
            dir.path(),
            "main.js",
            "authContext.login();\n\
             adal.logOut();\n\
             helper.login();\n\
             function local(authContext) { authContext.login(); }\n",
        ),
        write(
            dir.path(),
            "module.js",
            "import { helper } from './helper';\nexport const authContext = {};\nauthContext.login();\n",
        ),
    ];
    assert_eq!(
        findings(dir.path(), files),
        [
            "app.js:1 adal-js-authentication-context",
            "index.html:1 adal-js-script-tag",
            "index.html:2 adal-js-authentication-context",
            "main.js:1 adal-js-login",
            "main.js:2 adal-js-log-out",
        ]
    );
}

#[test]
fn a_context_exported_by_one_module_is_found_where_others_use_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let files = vec![
        write(
            dir.path(),
            "src/adalConfig.js",
            "import { AuthenticationContext } from 'react-adal';\n\
             export const adalConfig = { tenant: 'common', clientId: 'x' };\n\
             export const authContext = new AuthenticationContext(adalConfig);\n",
        ),
        write(
            dir.path(),
            "src/components/Header.jsx",
            "import React from 'react';\n\
             import { authContext } from '../adalConfig';\n\
             import * as config from '../adalConfig.js';\n\
             export function Header() {\n\
             \x20 const user = authContext.getCachedUser();\n\
             \x20 return <button onClick={() => config.authContext.logOut()}>{user.userName}</button>;\n\
             }\n",
        ),
        write(
            dir.path(),
            "src/legacy.js",
            "const auth = require('./auth');\n\
             auth.context.login();\n\
             require('./adalConfig').authContext.clearCache();\n",
        ),
        write(
            dir.path(),
            "src/auth/index.ts",
            "declare var AuthenticationContext: any;\n\
             module.exports = { context: new AuthenticationContext({ clientId: 'x' }) };\n",
        ),
        write(
            dir.path(),
            "src/unrelated.js",
            "import { authContext } from './notAdal';\n\
             authContext.logOut();\n",
        ),
        write(
            dir.path(),
            "src/notAdal.js",
            "export const authContext = { logOut() {} };\n",
        ),
    ];
    let found = findings(dir.path(), files);
    assert_eq!(
        found,
        [
            "src/adalConfig.js:1 react-adal-import",
            // The configuration object literal, declared away from the call that takes it.
            "src/adalConfig.js:2 adal-config-object",
            "src/adalConfig.js:3 adal-js-authentication-context",
            "src/auth/index.ts:2 adal-js-authentication-context",
            // The import of the project's context: a site the migration touches.
            "src/components/Header.jsx:2 adal-wrapper-use",
            "src/components/Header.jsx:5 adal-js-get-cached-user",
            "src/components/Header.jsx:6 adal-js-log-out",
            "src/legacy.js:2 adal-js-login",
            "src/legacy.js:3 adal-js-clear-cache",
        ]
    );
}

#[test]
fn modules_that_reach_adal_node_through_a_project_module_name_its_calls() {
    // A helper module creates the context; the others call it on what the helper returns,
    // or through a base class defined in the helper's module (compiled TypeScript). The
    // method names identify the context there; a module that imports neither adal-node nor
    // such a helper keeps its own look-alike methods.
    let dir = tempfile::tempdir().expect("temporary directory");
    let files = vec![
        write(
            dir.path(),
            "lib/auth/adalAuth.js",
            "var adal = require('adal-node');\n\
             function createAuthenticationContext(config) {\n\
             \x20 return new adal.AuthenticationContext(config.authority);\n\
             }\n\
             module.exports = { createAuthenticationContext: createAuthenticationContext };\n",
        ),
        write(
            dir.path(),
            "lib/auth/forUser.js",
            "var adalAuth = require('./adalAuth');\n\
             exports.token = function (config, userId, password, done) {\n\
             \x20 var context = adalAuth.createAuthenticationContext(config);\n\
             \x20 context.acquireTokenWithUsernamePassword(config.resource, userId, password, config.clientId, done);\n\
             };\n",
        ),
        write(
            dir.path(),
            "lib/auth/appCredentials.js",
            "const appCredentials_1 = require(\"./adalAuth\");\n\
             class MicrosoftAppCredentials extends appCredentials_1.Base {\n\
             \x20 refresh() {\n\
             \x20   this.authenticationContext.acquireTokenWithClientCredentials(this.scope, this.appId, this.password, (err, res) => {});\n\
             \x20 }\n\
             }\n\
             exports.MicrosoftAppCredentials = MicrosoftAppCredentials;\n",
        ),
        write(
            dir.path(),
            "lib/other.js",
            "const client = require('./client');\n\
             client.get().acquireToken('r', 'u', 'c', () => {});\n",
        ),
        write(
            dir.path(),
            "lib/login.js",
            "const nodeauth = require('@azure/ms-rest-nodeauth');\n\
             (0, nodeauth.loginWithVmMSI)({ resource: 'https://vault.azure.net' }, () => {});\n",
        ),
    ];
    assert_eq!(
        findings(dir.path(), files),
        [
            "lib/auth/adalAuth.js:1 adal-node-import",
            "lib/auth/adalAuth.js:3 adal-node-authentication-context",
            "lib/auth/appCredentials.js:4 adal-node-acquire-token-with-client-credentials",
            "lib/auth/forUser.js:3 adal-wrapper-use",
            "lib/auth/forUser.js:4 adal-node-acquire-token-with-username-password",
            "lib/login.js:1 ms-rest-nodeauth-import",
            "lib/login.js:2 ms-rest-login-with-vm-msi",
        ]
    );
}
