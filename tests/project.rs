//! Names imported from other modules of the scanned project: a react-adal app creates its
//! ADAL.js context in one module and uses it in others.

use std::path::Path;

use adalint::language::Language;
use adalint::lint::{FixMode, LintOptions, lint_files};
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
    let mut files = files;
    files.sort();
    let registry = Registry::embedded().expect("embedded rules load");
    let selection = registry.select(&[], &[]).expect("all rules");
    let options = LintOptions {
        mode: FixMode::Check,
        roots: &[],
    };
    let reports = lint_files(&files, &selection, &options);
    let mut found: Vec<String> = Vec::new();
    for (file, report) in files.iter().zip(&reports) {
        let source = SourceText::new(report.diagnostic_text());
        let name = file
            .path
            .strip_prefix(dir.path())
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
    assert_eq!(
        found,
        [
            "src/adalConfig.js:1 react-adal-import",
            "src/adalConfig.js:3 adal-js-authentication-context",
            "src/auth/index.ts:2 adal-js-authentication-context",
            "src/components/Header.jsx:5 adal-js-get-cached-user",
            "src/components/Header.jsx:6 adal-js-log-out",
            "src/legacy.js:2 adal-js-login",
            "src/legacy.js:3 adal-js-clear-cache",
        ]
    );
}
