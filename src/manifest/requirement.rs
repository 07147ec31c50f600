//! pip's requirement syntax (PEP 508) and the line-based formats built on it:
//! `requirements.txt` and constraints files, `setup.cfg`'s `install_requires` and
//! `extras_require`, and the `pip:` section of Conda's `environment.yml`.

use std::ops::Range;

use super::{Container, Entry, Parsed, Spelling};

/// The parts of a PEP 508 requirement in `text`: the name's range, and where the part a
/// replacement rewrites ends (before a `; marker`, options and trailing space). `None` when
/// the text does not start with a project name.
pub(crate) fn requirement_head(text: &str) -> Option<(Range<usize>, usize)> {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let name_end = bytes
        .iter()
        .position(|&b| !is_name(b))
        .unwrap_or(bytes.len());
    let rest = &text[name_end..];
    let next = rest.trim_start().chars().next();
    let plausible = match next {
        None
        | Some('[' | '<' | '>' | '=' | '!' | '~' | ';' | '@' | '(' | '#' | ',' | '-' | '\\') => {
            true
        }
        Some(_) => false,
    };
    if !plausible {
        return None;
    }
    let stop = [";", " --", "\t--", " #", "\t#", "\\"]
        .iter()
        .filter_map(|s| text.find(s))
        .min()
        .unwrap_or(text.len());
    let end = text[..stop].trim_end().len().max(name_end);
    Some((0..name_end, end))
}

/// One declaration on the line `line` that starts at byte `start` of the file.
fn entry_on_line(line: &str, start: usize, item: Range<usize>, hashed: bool) -> Option<Entry> {
    let leading = line.len() - line.trim_start().len();
    let (name, end) = requirement_head(&line[leading..])?;
    Some(Entry {
        name: line[leading + name.start..leading + name.end].to_string(),
        spec: start + leading..start + leading + end,
        item,
        spelling: Spelling::Pep508,
        hashed,
    })
}

/// Lines with their start offsets and the range of the line including its ending.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str, Range<usize>)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        (start, line, start..offset)
    })
}

/// `requirements.txt`: one requirement per line, `#` comments, `\` continuations, options
/// (`-r`, `-c`, `--hash`, `-e`).
pub(crate) fn parse_requirements(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let all: Vec<(usize, &str, Range<usize>)> = lines(text).collect();
    let mut last_line_end = None;
    let mut index = 0;
    while index < all.len() {
        let (start, line, range) = all[index].clone();
        // A logical line runs on while physical lines end with `\`.
        let mut logical_end = range.end;
        let mut hashed = line.contains("--hash");
        let mut continued = line.trim_end().ends_with('\\');
        while continued && index + 1 < all.len() {
            index += 1;
            let (_, next, next_range) = &all[index];
            hashed |= next.contains("--hash");
            logical_end = next_range.end;
            continued = next.trim_end().ends_with('\\');
        }
        index += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(option) = trimmed.strip_prefix('-') {
            let mut words = option.split_whitespace();
            let flag = words.next().unwrap_or_default();
            let (flag, inline) = match flag.split_once('=') {
                Some((flag, value)) => (flag, Some(value)),
                None => (flag, None),
            };
            if matches!(flag, "r" | "-requirement" | "c" | "-constraint") {
                if let Some(file) = inline.or_else(|| words.next()) {
                    parsed.includes.push(file.to_string());
                }
            } else if let Some(file) = flag
                .strip_prefix('r')
                .or_else(|| flag.strip_prefix('c'))
                .filter(|f| !f.is_empty() && !f.starts_with('-'))
            {
                parsed.includes.push(file.to_string());
            }
            continue;
        }
        if let Some(entry) = entry_on_line(line, start, range.start..logical_end, hashed) {
            parsed.entries.push(entry);
            last_line_end = Some(start + line.len());
        }
    }
    let after = last_line_end.unwrap_or_else(|| text.trim_end().len());
    parsed.main = Some(Container::Lines {
        after,
        indent: String::new(),
        prefix: "",
        spelling: Spelling::Pep508,
    });
    parsed
}

/// `setup.cfg`: `install_requires` (and `setup_requires`, `tests_require`) under `[options]`,
/// and every key of `[options.extras_require]`; values are one requirement per line.
pub(crate) fn parse_setup_cfg(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut section = String::new();
    // The key whose value lines we are in, if it is a dependency list.
    let mut key: Option<String> = None;
    let mut main_last: Option<(usize, String)> = None;
    for (start, line, range) in lines(text) {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            key = None;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let value_start = if indented {
            if key.is_none() {
                continue;
            }
            line.len() - line.trim_start().len()
        } else {
            let Some((name, _)) = line.split_once(['=', ':']) else {
                key = None;
                continue;
            };
            let name = name.trim().to_ascii_lowercase();
            let listed = match section.as_str() {
                "options" => matches!(
                    name.as_str(),
                    "install_requires" | "setup_requires" | "tests_require"
                ),
                "options.extras_require" => true,
                _ => false,
            };
            key = listed.then_some(name);
            if key.is_none() {
                continue;
            }
            let separator = line.find(['=', ':']).map_or(line.len(), |i| i + 1);
            separator + (line[separator..].len() - line[separator..].trim_start().len())
        };
        let value = &line[value_start..];
        if value.trim().is_empty() {
            continue;
        }
        // `a; b` on one line is setuptools' "list-semi"; markers also use `;`, so only the
        // value lines themselves are split.
        if let Some(entry) = entry_on_line(value, start + value_start, range.clone(), false) {
            // A declaration that shares the key's line cannot be removed with its line.
            let item = if indented {
                range.clone()
            } else {
                entry.spec.clone()
            };
            parsed.entries.push(Entry { item, ..entry });
            if key.as_deref() == Some("install_requires") && section == "options" {
                main_last = Some((start + line.len(), line[..value_start].to_string()));
            }
        }
    }
    if let Some((after, indent)) = main_last {
        let indent = if indent.trim().is_empty() {
            indent
        } else {
            "    ".to_string()
        };
        parsed.main = Some(Container::Lines {
            after,
            indent,
            prefix: "",
            spelling: Spelling::Pep508,
        });
    }
    parsed
}

/// Conda's `environment.yml`: the items under `- pip:` in `dependencies:`.
pub(crate) fn parse_environment(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut in_dependencies = false;
    // The indentation of the `- pip:` item, while in its list.
    let mut pip_indent: Option<usize> = None;
    let mut last: Option<(usize, String)> = None;
    for (start, line, range) in lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_dependencies = trimmed.starts_with("dependencies:");
            pip_indent = None;
            continue;
        }
        if !in_dependencies {
            continue;
        }
        if let Some(pip) = pip_indent {
            if indent > pip {
                if let Some(item) = trimmed.strip_prefix("- ") {
                    let item_start = line.find("- ").map_or(0, |i| i + 2);
                    let item = item.trim_start_matches(['"', '\'']);
                    let quote_skip = line[item_start..].len()
                        - line[item_start..].trim_start_matches(['"', '\'']).len();
                    let value = &line[item_start + quote_skip..];
                    let value = value.trim_end_matches(['"', '\'']);
                    if !item.is_empty() {
                        if let Some(entry) = entry_on_line(
                            value,
                            start + item_start + quote_skip,
                            range.clone(),
                            false,
                        ) {
                            parsed.entries.push(entry);
                            last = Some((start + line.len(), line[..item_start - 2].to_string()));
                        }
                    }
                }
                continue;
            }
            pip_indent = None;
        }
        if trimmed == "- pip:" {
            pip_indent = Some(indent);
            last = Some((start + line.len(), format!("{}  ", &line[..indent])));
        }
    }
    if let Some((after, indent)) = last {
        parsed.main = Some(Container::Lines {
            after,
            indent,
            prefix: "- ",
            spelling: Spelling::Pep508,
        });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(parsed: &Parsed, text: &str) -> Vec<String> {
        parsed
            .entries
            .iter()
            .map(|e| text[e.spec.clone()].to_string())
            .collect()
    }

    #[test]
    fn requirement_heads_stop_before_markers_and_comments() {
        fn head(t: &str) -> Option<(&str, &str)> {
            requirement_head(t).map(|(n, end)| (&t[n], &t[..end]))
        }
        assert_eq!(head("adal==1.2.7"), Some(("adal", "adal==1.2.7")));
        assert_eq!(
            head("adal[x] >=1.0 ; python_version > '3'"),
            Some(("adal", "adal[x] >=1.0"))
        );
        assert_eq!(head("adal  # pinned"), Some(("adal", "adal")));
        assert_eq!(
            head("adal @ https://x/adal.whl"),
            Some(("adal", "adal @ https://x/adal.whl"))
        );
        assert_eq!(head("-r base.txt"), None);
        assert_eq!(head("not a requirement"), None);
    }

    #[test]
    fn requirements_files_keep_options_comments_and_continuations_apart() {
        let text = "# deps\n-r base.txt\n--constraint=c.txt\nadal==1.2.7 \\\n    --hash=sha256:00\nmsal>=1.0; python_version >= \"3.8\"  # ok\n\nrequests\n";
        let parsed = parse_requirements(text);
        assert_eq!(
            names(&parsed, text),
            vec!["adal==1.2.7", "msal>=1.0", "requests"]
        );
        assert!(parsed.entries[0].hashed);
        assert!(!parsed.entries[1].hashed);
        assert_eq!(parsed.includes, vec!["base.txt", "c.txt"]);
    }

    #[test]
    fn setup_cfg_lists_dependencies_under_options() {
        let text = "[metadata]\nname = x\n[options]\ninstall_requires =\n    adal>=1.2\n    requests\n[options.extras_require]\nml = azureml-core==1.0\n";
        let parsed = parse_setup_cfg(text);
        assert_eq!(
            names(&parsed, text),
            vec!["adal>=1.2", "requests", "azureml-core==1.0"]
        );
        assert!(parsed.main.is_some());
    }

    #[test]
    fn environment_files_list_the_pip_section() {
        let text = "name: x\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n    - adal==1.2.7\n    - \"msrestazure>=0.6\"\n  - numpy\n";
        let parsed = parse_environment(text);
        assert_eq!(
            names(&parsed, text),
            vec!["adal==1.2.7", "msrestazure>=0.6"]
        );
    }
}
