//! A JSON scanner that keeps byte ranges, for `package.json`, `bower.json` and `angular.json`
//! (edited member by member, element by element, so the file keeps its layout) and for the
//! JSON lock files. `serde_json` checks
//! the file before and after edits.

use std::ops::Range;

use super::{Channel, Container, Entry, Locked, Parsed, Role, Spelling};

/// A JSON value with the bytes that spell it.
#[derive(Debug)]
pub(super) enum Value {
    Object(Vec<Member>),
    /// The elements with the bytes that spell each.
    Array(Vec<(Value, Range<usize>)>),
    String(String),
    Other,
}

#[derive(Debug)]
pub(super) struct Member {
    pub(super) key: String,
    pub(super) key_range: Range<usize>,
    pub(super) value: Value,
    pub(super) value_range: Range<usize>,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<(Value, Range<usize>)> {
        if depth > 64 {
            return None;
        }
        self.skip_space();
        let start = self.pos;
        let value =
            match *self.bytes.get(self.pos)? {
                b'{' => {
                    self.pos += 1;
                    let mut members = Vec::new();
                    loop {
                        self.skip_space();
                        if self.bytes.get(self.pos) == Some(&b'}') {
                            self.pos += 1;
                            break;
                        }
                        let key_start = self.pos;
                        let Value::String(key) = self.string()? else {
                            return None;
                        };
                        let key_range = key_start..self.pos;
                        self.skip_space();
                        if self.bytes.get(self.pos) != Some(&b':') {
                            return None;
                        }
                        self.pos += 1;
                        let (value, value_range) = self.value(depth + 1)?;
                        members.push(Member {
                            key,
                            key_range,
                            value,
                            value_range,
                        });
                        self.skip_space();
                        match self.bytes.get(self.pos)? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                    Value::Object(members)
                }
                b'[' => {
                    self.pos += 1;
                    let mut elements = Vec::new();
                    loop {
                        self.skip_space();
                        if self.bytes.get(self.pos) == Some(&b']') {
                            self.pos += 1;
                            break;
                        }
                        elements.push(self.value(depth + 1)?);
                        self.skip_space();
                        match self.bytes.get(self.pos)? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                    Value::Array(elements)
                }
                b'"' => self.string()?,
                _ => {
                    while self.bytes.get(self.pos).is_some_and(|b| {
                        !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()
                    }) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return None;
                    }
                    Value::Other
                }
            };
        Some((value, start..self.pos))
    }

    fn string(&mut self) -> Option<Value> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        while *self.bytes.get(self.pos)? != b'"' {
            if self.bytes[self.pos] == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        self.pos += 1;
        let literal = &self.text[start..self.pos];
        Some(Value::String(
            serde_json::from_str::<String>(literal).unwrap_or_else(|_| literal.to_string()),
        ))
    }
}

/// Scans a whole JSON document.
pub(super) fn scan(text: &str) -> Option<Value> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    let (value, _) = scanner.value(0)?;
    scanner.skip_space();
    (scanner.pos == text.len()).then_some(value)
}

/// The sections of `package.json` (and `bower.json`) that name packages.
const SECTIONS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
    "bundleDependencies",
    "bundledDependencies",
    "resolutions",
    "overrides",
];

pub(crate) fn parse_package(text: &str) -> Option<Parsed> {
    let Value::Object(members) = scan(text.trim_start_matches('\u{feff}'))? else {
        return None;
    };
    let mut parsed = Parsed::default();
    for member in &members {
        if !SECTIONS.contains(&member.key.as_str()) {
            continue;
        }
        let Value::Object(packages) = &member.value else {
            continue;
        };
        for package in packages {
            parsed.entries.push(Entry {
                name: package.key.clone(),
                spec: package.key_range.start..package.value_range.end,
                item: package.key_range.start..package.value_range.end,
                spelling: Spelling::JsonMember,
                channel: Channel::Registry,
                ecosystem: None,
                role: Role::Dependency,
            });
        }
        if member.key == "dependencies" {
            parsed.main = Some(Container::Delimited {
                open: member.value_range.start + 1,
                items: packages
                    .iter()
                    .map(|p| p.key_range.start..p.value_range.end)
                    .collect(),
                spelling: Spelling::JsonMember,
                quote: '"',
            });
        }
    }
    Some(parsed)
}

/// `angular.json`: in every project's targets (`projects.*.architect.*.options` and their
/// `configurations`), the packages named in `allowedCommonJsDependencies` and the scripts
/// bundled from `node_modules/<package>/...` (`"scripts": ["node_modules/adal-angular/dist/adal.min.js"]`,
/// or `{ "input": ... }`). An entry's removal takes the element (the edit module widens it to
/// its comma).
pub(crate) fn parse_angular(text: &str) -> Option<Parsed> {
    let root = scan(text.trim_start_matches('\u{feff}'))?;
    let mut parsed = Parsed::default();
    collect_angular(&root, &mut parsed, 0);
    Some(parsed)
}

fn collect_angular(value: &Value, parsed: &mut Parsed, depth: usize) {
    let Value::Object(members) = value else {
        return;
    };
    if depth > 16 {
        return;
    }
    for member in members {
        match (member.key.as_str(), &member.value) {
            ("allowedCommonJsDependencies", Value::Array(elements)) => {
                for (element, range) in elements {
                    if let Value::String(name) = element {
                        parsed.entries.push(angular_entry(
                            name.clone(),
                            range.clone(),
                            Role::CommonJsAllowance,
                        ));
                    }
                }
            }
            ("scripts", Value::Array(elements)) => {
                for (element, range) in elements {
                    let input = match element {
                        Value::String(path) => Some(path),
                        Value::Object(fields) => fields.iter().find_map(|f| match &f.value {
                            Value::String(path) if f.key == "input" => Some(path),
                            _ => None,
                        }),
                        _ => None,
                    };
                    if let Some(package) = input.and_then(|path| bundled_package(path)) {
                        parsed.entries.push(angular_entry(
                            package,
                            range.clone(),
                            Role::GlobalScript,
                        ));
                    }
                }
            }
            (_, Value::Object(_)) => collect_angular(&member.value, parsed, depth + 1),
            _ => {}
        }
    }
}

fn angular_entry(name: String, range: Range<usize>, role: Role) -> Entry {
    Entry {
        name,
        spec: range.clone(),
        item: range,
        spelling: Spelling::JsonMember,
        channel: Channel::Registry,
        ecosystem: None,
        role,
    }
}

/// The package a bundled script comes from: `node_modules/adal-angular/dist/adal.min.js`
/// and `./node_modules/@scope/name/x.js` name `adal-angular` and `@scope/name`.
fn bundled_package(path: &str) -> Option<String> {
    let (_, rest) = path.rsplit_once("node_modules/")?;
    let mut parts = rest.split('/');
    let first = parts.next()?;
    let name = if first.starts_with('@') {
        format!("{first}/{}", parts.next()?)
    } else {
        first.to_string()
    };
    (!name.is_empty()).then_some(name)
}

/// `package-lock.json` / `npm-shrinkwrap.json`: `packages` (lockfile v2, v3) and nested
/// `dependencies` (v1).
pub(super) fn parse_package_lock(text: &str) -> Vec<Locked> {
    let mut locked = Vec::new();
    let Some(Value::Object(members)) = scan(text) else {
        return locked;
    };
    for member in &members {
        match (member.key.as_str(), &member.value) {
            ("packages", Value::Object(packages)) => {
                for package in packages {
                    let Some(name) = package.key.rsplit("node_modules/").next() else {
                        continue;
                    };
                    if package.key.is_empty() {
                        continue;
                    }
                    locked.push(Locked {
                        name: name.to_string(),
                        version: version_of(&package.value),
                        range: package.key_range.clone(),
                    });
                }
            }
            ("dependencies", Value::Object(dependencies)) => nested(dependencies, &mut locked),
            _ => {}
        }
    }
    locked
}

fn nested(dependencies: &[Member], locked: &mut Vec<Locked>) {
    for dependency in dependencies {
        locked.push(Locked {
            name: dependency.key.clone(),
            version: version_of(&dependency.value),
            range: dependency.key_range.clone(),
        });
        if let Value::Object(fields) = &dependency.value {
            for field in fields {
                if let ("dependencies", Value::Object(inner)) = (field.key.as_str(), &field.value) {
                    nested(inner, locked);
                }
            }
        }
    }
}

fn version_of(value: &Value) -> String {
    match value {
        Value::Object(fields) => fields
            .iter()
            .find(|f| f.key == "version")
            .and_then(|f| match &f.value {
                Value::String(version) => Some(version.trim_start_matches("==").to_string()),
                _ => None,
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `Pipfile.lock`: the `default` and `develop` sections.
pub(super) fn parse_pipfile_lock(text: &str) -> Vec<Locked> {
    let mut locked = Vec::new();
    let Some(Value::Object(members)) = scan(text) else {
        return locked;
    };
    for member in &members {
        if let ("default" | "develop", Value::Object(packages)) =
            (member.key.as_str(), &member.value)
        {
            for package in packages {
                locked.push(Locked {
                    name: package.key.clone(),
                    version: version_of(&package.value),
                    range: package.key_range.clone(),
                });
            }
        }
    }
    locked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_sections_are_scanned_with_ranges() {
        let text = "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"adal-node\": \"^0.2.4\",\n    \"express\": \"4\"\n  },\n  \"devDependencies\": { \"react-adal\": \"0.5\" }\n}\n";
        let parsed = parse_package(text).expect("valid JSON");
        let specs: Vec<&str> = parsed
            .entries
            .iter()
            .map(|e| &text[e.spec.clone()])
            .collect();
        assert_eq!(
            specs,
            vec![
                "\"adal-node\": \"^0.2.4\"",
                "\"express\": \"4\"",
                "\"react-adal\": \"0.5\""
            ]
        );
        assert!(parse_package("{\"dependencies\": {").is_none());
    }

    #[test]
    fn lock_files_list_nested_packages() {
        let text = r#"{"lockfileVersion": 3, "packages": {"": {}, "node_modules/ms-rest-azure/node_modules/adal-node": {"version": "0.1.28"}}}"#;
        let locked = parse_package_lock(text);
        assert_eq!(locked.len(), 1);
        assert_eq!(
            (locked[0].name.as_str(), locked[0].version.as_str()),
            ("adal-node", "0.1.28")
        );
        let pipfile =
            r#"{"_meta": {}, "default": {"adal": {"version": "==1.2.7"}}, "develop": {}}"#;
        let locked = parse_pipfile_lock(pipfile);
        assert_eq!(
            (locked[0].name.as_str(), locked[0].version.as_str()),
            ("adal", "1.2.7")
        );
    }
}
