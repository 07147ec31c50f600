//! What the scanned project's modules export, so that a name imported from a relative path
//! (`import { authContext } from "./adalConfig"`, `require("../auth").context`) resolves to
//! the value the other module gave it: the ADAL context it created, or a library symbol.
//!
//! `lint` fills this table in a first pass over the scanned JavaScript and TypeScript files
//! (each module's exported values, evaluated in that module) and hands it to the models of
//! the second pass. Objects keep their kind but not their origin: a call in another file is
//! never rewritten from here. Paths are compared lexically, the way bundlers resolve
//! relative specifiers: the path itself, with a script extension, or its `index` file.
//!
//! Classic browser scripts share one global scope instead: the objects a script or a page
//! defines at its top level (`var authContext = new AuthenticationContext(config)`,
//! `window.authContext = ...`) are globals of every other script, where the name is bound
//! nowhere.
//!
//! A file the prefilter skips is parsed only when it may be linked in: it names one of these
//! modules in a relative specifier (its [`RelativeNames`], taken in the first pass, so the
//! file need not be read again to know), or one of these globals.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::Value;

/// File endings a relative specifier may leave out.
const EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];

/// Exported values by module path and export name (`""` is the module itself: its
/// default export, or what `module.exports` is set to).
#[derive(Debug, Default)]
pub(crate) struct Exports {
    modules: HashMap<PathBuf, HashMap<String, Value>>,
    /// Objects classic scripts define globally, by name; a name two scripts define with
    /// different kinds of object is unknown.
    globals: HashMap<String, Option<Value>>,
    /// The libraries of the packs' implicit receivers each module imports (`adal-node`), so
    /// a module that imports one of them reaches it through this one.
    libraries: HashMap<PathBuf, Vec<String>>,
    /// The globals' names, for the prefilter: a file that contains none cannot read them.
    global_names: Option<AhoCorasick>,
    /// The last path component a relative specifier of each module (or library importer)
    /// ends with: its file stem, and its directory's name for an `index` file. A specifier
    /// that ends otherwise names none of them, and is not resolved.
    stems: HashSet<String>,
}

/// The relative specifiers a file's text may hold (`../auth` and `./adalConfig.js` for
/// `require("../auth")` and `"./adalConfig.js"`), without parsing: every run of path
/// characters that starts with `./` or `../`. A superset of what the file imports by
/// relative path, kept small (a file names few).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RelativeNames(Vec<Box<str>>);

impl RelativeNames {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        let is_path = |b: u8| b.is_ascii_alphanumeric() || b"_$.@-/".contains(&b) || b >= 0x80;
        static DOT_SLASH: LazyLock<AhoCorasick> =
            LazyLock::new(|| AhoCorasick::new(["./"]).expect("a literal pattern compiles"));
        let mut names: Vec<Box<str>> = Vec::new();
        let mut at = 0;
        while let Some(found) =
            DOT_SLASH.find(aho_corasick::Input::new(bytes).span(at..bytes.len()))
        {
            // Back over the `.`s and `/`s of `../../`, to where the specifier starts.
            let start = bytes[..found.start()]
                .iter()
                .rposition(|&b| !(b == b'.' || b == b'/'))
                .map_or(0, |i| i + 1);
            let end = bytes[found.end()..]
                .iter()
                .position(|&b| !is_path(b))
                .map_or(bytes.len(), |n| found.end() + n);
            let specifier: Box<str> = String::from_utf8_lossy(&bytes[start..end]).into();
            if !names.contains(&specifier) {
                names.push(specifier);
            }
            at = end.max(found.end());
        }
        RelativeNames(names)
    }

    /// The specifiers.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|n| &**n)
    }
}

impl Exports {
    /// Records what the module at `path` exports.
    pub(crate) fn insert(&mut self, path: &Path, values: HashMap<String, Value>) {
        if !values.is_empty() {
            self.modules.insert(normalize(path), values);
        }
    }

    /// Records the libraries (of the packs' implicit receivers) the module at `path` imports.
    pub(crate) fn insert_libraries(&mut self, path: &Path, libraries: Vec<String>) {
        if !libraries.is_empty() {
            self.libraries.insert(normalize(path), libraries);
        }
    }

    /// True when the module that `specifier`, relative to `directory`, names imports
    /// `library`.
    pub(crate) fn imports_library(&self, directory: &Path, specifier: &str, library: &str) -> bool {
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            return false;
        }
        let base = normalize(&directory.join(specifier));
        module_files(&base)
            .into_iter()
            .find_map(|path| self.libraries.get(&path))
            .is_some_and(|libraries| libraries.iter().any(|l| l == library))
    }

    /// Records the globals a classic script defines.
    pub(crate) fn insert_globals(&mut self, values: HashMap<String, Value>) {
        for (name, value) in values {
            self.globals
                .entry(name)
                .and_modify(|known| {
                    if known.as_ref() != Some(&value) {
                        *known = None;
                    }
                })
                .or_insert(Some(value));
        }
    }

    /// The object a classic script defines under this global name.
    pub(crate) fn global(&self, name: &str) -> Option<Value> {
        self.globals.get(name).cloned().flatten()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.modules.is_empty() && self.globals.is_empty() && self.libraries.is_empty()
    }

    /// Prepares the prefilters once every module is recorded.
    pub(crate) fn finish(&mut self) {
        let mut globals: Vec<&String> = self.globals.keys().collect();
        globals.sort();
        self.global_names = (!globals.is_empty())
            .then(|| AhoCorasick::new(&globals).expect("literal patterns compile"));
        self.stems = self
            .modules
            .keys()
            .chain(self.libraries.keys())
            .flat_map(|path| {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                let directory = (stem.as_deref() == Some("index"))
                    .then(|| path.parent().and_then(Path::file_name))
                    .flatten()
                    .map(|d| d.to_string_lossy().into_owned());
                stem.into_iter().chain(directory)
            })
            .collect();
    }

    /// False when `specifier` cannot name a module of the table: its last component is
    /// none of theirs (with or without a script extension).
    fn may_name_a_module(&self, specifier: &str) -> bool {
        let last = specifier.rsplit('/').next().unwrap_or(specifier);
        if last.is_empty() || last == "." || last == ".." {
            return true;
        }
        let stem = match last.rsplit_once('.') {
            Some((stem, extension)) if EXTENSIONS.contains(&extension) => stem,
            _ => last,
        };
        self.stems.contains(stem) || self.stems.contains(last)
    }

    /// True when a file in `directory` whose text holds these relative specifiers may import
    /// one of the modules (`./adalConfig` or `./adalConfig.js` for the module
    /// `adalConfig.js` beside it), resolved the way `resolve` resolves them.
    pub(crate) fn may_be_imported_through(&self, directory: &Path, names: &RelativeNames) -> bool {
        // Most trees export nothing of ADAL's: no specifier needs resolving then.
        if self.modules.is_empty() && self.libraries.is_empty() {
            return false;
        }
        names.0.iter().any(|specifier| {
            if !self.may_name_a_module(specifier) {
                return false;
            }
            let base = normalize(&directory.join(&**specifier));
            module_files(&base)
                .iter()
                .any(|path| self.modules.contains_key(path) || self.libraries.contains_key(path))
        })
    }

    /// True when classic scripts of the project define globals another file may read.
    pub(crate) fn defines_globals(&self) -> bool {
        self.global_names.is_some()
    }

    /// True when a file's bytes name one of the globals (so it may read them).
    pub(crate) fn may_read_globals(&self, bytes: &[u8]) -> bool {
        self.global_names
            .as_ref()
            .is_some_and(|names| names.is_match(bytes))
    }

    /// The value of `member` (a dotted path, `""` for the module) of the module that
    /// `specifier`, relative to `directory`, names.
    pub(crate) fn resolve(&self, directory: &Path, specifier: &str, member: &str) -> Option<Value> {
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            return None;
        }
        let base = normalize(&directory.join(specifier));
        let module = module_files(&base)
            .into_iter()
            .find_map(|path| self.modules.get(&path))?;
        let (export, rest) = match member.split_once('.') {
            Some((export, rest)) => (export, Some(rest)),
            None => (member, None),
        };
        let value = module.get(export)?.clone();
        match (rest, value) {
            (None, value) => Some(value),
            (Some(rest), Value::Symbol(symbol)) => Some(Value::Symbol(format!("{symbol}.{rest}"))),
            (Some(rest), Value::Object { of, .. }) => Some(Value::Symbol(format!("{of}#{rest}"))),
            (Some(_), _) => None,
        }
    }
}

/// The files a relative specifier may mean.
pub(crate) fn module_files(base: &Path) -> Vec<PathBuf> {
    let mut paths = vec![base.to_path_buf()];
    // TypeScript's ES modules name `./auth.js` for the module `auth.ts`.
    if base
        .extension()
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
    {
        for extension in EXTENSIONS {
            paths.push(base.with_extension(extension));
        }
    }
    let name = base.file_name().map(|n| n.to_string_lossy().into_owned());
    if let Some(name) = name {
        for extension in EXTENSIONS {
            paths.push(base.with_file_name(format!("{name}.{extension}")));
        }
    }
    for extension in EXTENSIONS {
        paths.push(base.join(format!("index.{extension}")));
    }
    paths
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ADAL.js context, exported by `app/src/adalConfig.js` as `authContext` and by
    /// `app/src/auth/index.ts` as the module itself.
    fn two_modules() -> (Exports, Value) {
        let mut exports = Exports::default();
        let context = Value::Object {
            of: "adal-angular:AuthenticationContext".to_string(),
            origin: None,
        };
        exports.insert(
            Path::new("app/src/adalConfig.js"),
            HashMap::from([("authContext".to_string(), context.clone())]),
        );
        exports.insert(
            Path::new("app/src/auth/index.ts"),
            HashMap::from([(String::new(), context.clone())]),
        );
        (exports, context)
    }

    #[test]
    fn relative_specifiers_resolve_with_extensions_and_index_files() {
        let (exports, context) = two_modules();
        let here = Path::new("app/src/components");
        assert_eq!(
            exports.resolve(here, "../adalConfig", "authContext"),
            Some(context.clone())
        );
        assert_eq!(exports.resolve(here, "../auth", ""), Some(context));
        assert_eq!(
            exports.resolve(here, "../adalConfig", "authContext.login"),
            Some(Value::Symbol(
                "adal-angular:AuthenticationContext#login".to_string()
            ))
        );
        assert_eq!(exports.resolve(here, "adalConfig", "authContext"), None);
        assert_eq!(exports.resolve(here, "./adalConfig", "authContext"), None);
    }

    #[test]
    fn relative_specifiers_name_the_modules_a_file_may_import() {
        let (mut exports, _) = two_modules();
        exports.finish();
        let may = |directory: &str, text: &str| {
            exports
                .may_be_imported_through(Path::new(directory), &RelativeNames::of(text.as_bytes()))
        };
        assert!(may(
            "app/src",
            "import { authContext } from './adalConfig';"
        ));
        assert!(may(
            "app/lib",
            "const c = require(\"../src/adalConfig.js\").authContext;"
        ));
        assert!(may(
            "app/src/components/deep",
            "import auth from '../../auth';"
        ));
        assert!(may(
            "app/src/components",
            "import auth from '../auth/index.js';"
        ));
        assert!(!may(
            "app/src",
            "import { adalConfig } from 'adal-config'; // adalConfig"
        ));
        assert!(!may("app/src", "import x from './adalConfigs';"));
        // A module of the same name elsewhere is another module.
        assert!(!may(
            "app/other",
            "import { authContext } from './adalConfig';"
        ));
        assert!(!exports.defines_globals());
        assert_eq!(
            RelativeNames::of(b"a('./x/y.js'); b(\"../../z\"); c('./')"),
            RelativeNames(vec!["./x/y.js".into(), "../../z".into(), "./".into()])
        );
    }
}
