//! pip's requirement syntax (PEP 508) and the line-based formats built on it:
//! `requirements.txt` and constraints files, `setup.cfg`'s `install_requires` and
//! `extras_require`, and Conda's `environment.yml` (its conda packages are match specs, its
//! `pip:` section requirements).

use std::ops::Range;

use super::{Channel, Container, Entry, Parsed, Role, Spelling};

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
fn entry_on_line(line: &str, start: usize, item: Range<usize>, channel: Channel) -> Option<Entry> {
    let leading = line.len() - line.trim_start().len();
    let (name, end) = requirement_head(&line[leading..])?;
    Some(Entry {
        name: line[leading + name.start..leading + name.end].to_string(),
        spec: start + leading..start + leading + end,
        item,
        spelling: Spelling::Pep508,
        channel,
        ecosystem: None,
        role: Role::Dependency,
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
    // Hash-checking mode is all or nothing: one `--hash` (or `--require-hashes`) puts every
    // requirement of the install under it.
    let hash_checked = lines(text).any(|(_, line, _)| {
        let code = line.trim_start();
        let code = code[..code.find(" #").unwrap_or(code.len())].trim_end();
        !code.starts_with('#') && (code.contains("--hash") || code == "--require-hashes")
    });
    let channel = if hash_checked {
        Channel::HashChecked
    } else {
        Channel::Registry
    };
    let all: Vec<(usize, &str, Range<usize>)> = lines(text).collect();
    let mut last_line_end = None;
    let mut index = 0;
    while index < all.len() {
        let (start, line, range) = all[index].clone();
        // A logical line runs on while physical lines end with `\`.
        let mut logical_end = range.end;
        let mut text_end = start + line.len();
        let mut continued = line.trim_end().ends_with('\\');
        while continued && index + 1 < all.len() {
            index += 1;
            let (next_start, next, next_range) = &all[index];
            logical_end = next_range.end;
            text_end = next_start + next.len();
            continued = next.trim_end().ends_with('\\');
        }
        index += 1;
        // pip-compile writes what pulled a requirement in on indented comment lines below
        // it (`    # via -r requirements.in`): they belong to it.
        while let Some((next_start, next, next_range)) = all.get(index) {
            let annotation = next.starts_with([' ', '\t']) && next.trim_start().starts_with('#');
            if !annotation {
                break;
            }
            logical_end = next_range.end;
            text_end = next_start + next.len();
            index += 1;
        }
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
        if let Some(entry) = entry_on_line(line, start, range.start..logical_end, channel) {
            parsed.entries.push(entry);
            last_line_end = Some(text_end);
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
        if let Some(entry) =
            entry_on_line(value, start + value_start, range.clone(), Channel::Registry)
        {
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

/// Conda's `environment.yml`: the conda packages of `dependencies:` and the items of its
/// `- pip:` section. New declarations go to the `pip:` section, or, without one, to the
/// conda list when the channels include conda-forge.
pub(crate) fn parse_environment(text: &str) -> Parsed {
    let conda_forge = environment_channels(text).iter().any(|c| is_conda_forge(c));
    let mut parsed = Parsed::default();
    let mut in_dependencies = false;
    // The indentation of the `- pip:` item, while in its list.
    let mut pip_indent: Option<usize> = None;
    let mut pip_last: Option<(usize, String)> = None;
    let mut conda_last: Option<(usize, String)> = None;
    for (start, line, range) in lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 && !trimmed.starts_with('-') {
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
                            Channel::Registry,
                        ) {
                            parsed.entries.push(entry);
                            pip_last =
                                Some((start + line.len(), line[..item_start - 2].to_string()));
                        }
                    }
                }
                continue;
            }
            pip_indent = None;
        }
        let item = trimmed.split(" #").next().unwrap_or_default().trim_end();
        if item == "- pip:" {
            pip_indent = Some(indent);
            pip_last = Some((start + line.len(), format!("{}  ", &line[..indent])));
            continue;
        }
        let channel = if conda_forge {
            Channel::CondaForge
        } else {
            Channel::CondaOther
        };
        if let Some(entry) = conda_entry(line, start, range.clone(), channel) {
            parsed.entries.push(entry);
            conda_last = Some((start + line.len(), line[..indent].to_string()));
        }
    }
    let last = pip_last.or(conda_last.filter(|_| conda_forge));
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

/// The channels an `environment.yml` lists.
fn environment_channels(text: &str) -> Vec<&str> {
    let mut channels = Vec::new();
    let mut in_channels = false;
    for (_, line, _) in lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_channels = trimmed.starts_with("channels:");
            continue;
        }
        if let Some(channel) = trimmed.strip_prefix('-').filter(|_| in_channels) {
            let channel = channel.split(" #").next().unwrap_or_default();
            channels.push(channel.trim().trim_matches(['"', '\'']));
        }
    }
    channels
}

/// `conda-forge`, a label of it, or its URL.
fn is_conda_forge(channel: &str) -> bool {
    let channel = channel.trim_end_matches('/');
    channel == "conda-forge"
        || channel.starts_with("conda-forge/")
        || channel.ends_with("/conda-forge")
        || channel.contains("/conda-forge/")
}

/// A conda package of `dependencies:` (a match spec: `adal`, `adal=1.2.7`,
/// `msrestazure >=0.6`, `"conda-forge::azure-common==1.1.28"`), on the line `line` that
/// starts at byte `start`. An entry's own channel (`conda-forge::`) overrides the file's.
fn conda_entry(line: &str, start: usize, item: Range<usize>, channel: Channel) -> Option<Entry> {
    let dash = line.len() - line.trim_start().len();
    let after_dash = line[dash..].strip_prefix('-')?;
    if !after_dash.starts_with([' ', '\t']) {
        return None;
    }
    let mut value_start = line.len() - after_dash.trim_start().len();
    let mut value = &line[value_start..];
    match value.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            value_start += 1;
            value = &value[1..];
            value = &value[..value.find(quote)?];
        }
        _ => {
            let comment = [" #", "\t#"]
                .iter()
                .filter_map(|c| value.find(c))
                .min()
                .unwrap_or(value.len());
            value = value[..comment].trim_end();
        }
    }
    let (channel, spec_start) = match value.find("::") {
        Some(at) if is_conda_forge(&value[..at]) => (Channel::CondaForge, at + 2),
        Some(at) => (Channel::CondaOther, at + 2),
        None => (channel, 0),
    };
    let spec = &value[spec_start..];
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !spec.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let name_end = spec.find(|c: char| !is_name(c)).unwrap_or(spec.len());
    let rest = &spec[name_end..];
    if !(rest.is_empty() || rest.starts_with(['=', '<', '>', '!', '~', ' ', '[', '*'])) {
        return None;
    }
    let offset = start + value_start + spec_start;
    Some(Entry {
        name: spec[..name_end].to_string(),
        spec: offset..offset + spec.len(),
        item,
        spelling: Spelling::Pep508,
        channel,
        ecosystem: None,
        role: Role::Dependency,
    })
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
        // One `--hash` puts the whole file in hash-checking mode.
        assert!(parsed.is_hash_checked());
        assert_eq!(parsed.entries[1].channel, Channel::HashChecked);
        assert!(!parse_requirements("adal==1.2.7  # no --hash here\n").is_hash_checked());
        assert!(parse_requirements("--require-hashes\nadal==1.2.7\n").is_hash_checked());
        assert_eq!(parsed.includes, vec!["base.txt", "c.txt"]);
    }

    #[test]
    fn compiled_annotations_and_continuations_belong_to_their_requirement() {
        let text = "adal==1.2.7\n    # via -r requirements.in\n    #   msrestazure\nrequests==2.31.0 \\\n    --hash=sha256:00\n# trailing\n";
        let parsed = parse_requirements(text);
        assert_eq!(
            &text[parsed.entries[0].item.clone()],
            "adal==1.2.7\n    # via -r requirements.in\n    #   msrestazure\n"
        );
        assert_eq!(
            &text[parsed.entries[1].item.clone()],
            "requests==2.31.0 \\\n    --hash=sha256:00\n"
        );
        // New lines go after the last requirement's last line.
        let Some(Container::Lines { after, .. }) = parsed.main else {
            panic!("a container");
        };
        assert_eq!(
            &text[..after],
            "adal==1.2.7\n    # via -r requirements.in\n    #   msrestazure\nrequests==2.31.0 \\\n    --hash=sha256:00"
        );
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
    fn environment_files_list_conda_packages_and_the_pip_section() {
        let text = "name: x\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n    - adal==1.2.7\n    - \"msrestazure>=0.6\"\n  - numpy\n";
        let parsed = parse_environment(text);
        assert_eq!(
            names(&parsed, text),
            vec![
                "python=3.10",
                "pip",
                "adal==1.2.7",
                "msrestazure>=0.6",
                "numpy"
            ]
        );
        let channels: Vec<Channel> = parsed.entries.iter().map(|e| e.channel).collect();
        assert_eq!(channels[0], Channel::CondaOther);
        assert_eq!(channels[2], Channel::Registry);
    }

    #[test]
    fn conda_specs_keep_channels_quotes_and_comments_apart() {
        let text = "channels:\n  - conda-forge\n  - defaults\ndependencies:\n  - adal=1.2.7  # auth\n  - msrestazure >=0.6,<0.7\n  - \"azure-common==1.1.28\"\n  - anaconda::azureml-core\n  - numpy 1.26.*\n";
        let parsed = parse_environment(text);
        assert_eq!(
            names(&parsed, text),
            vec![
                "adal=1.2.7",
                "msrestazure >=0.6,<0.7",
                "azure-common==1.1.28",
                "azureml-core",
                "numpy 1.26.*"
            ]
        );
        let channels: Vec<Channel> = parsed.entries.iter().map(|e| e.channel).collect();
        assert_eq!(
            channels,
            vec![
                Channel::CondaForge,
                Channel::CondaForge,
                Channel::CondaForge,
                Channel::CondaOther,
                Channel::CondaForge
            ]
        );
        // No pip section: new packages join the conda list, on conda-forge.
        assert!(matches!(
            parsed.main,
            Some(Container::Lines { prefix: "- ", .. })
        ));
        assert!(
            parse_environment("dependencies:\n  - adal\n")
                .main
                .is_none()
        );
    }
}
