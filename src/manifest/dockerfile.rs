//! The packages a `Dockerfile` installs: the arguments of `pip install` (also `pip3`,
//! `python -m pip`) and `npm install` / `npm i` / `yarn add` / `pnpm add` in its `RUN`
//! instructions, in shell form across `\` continuation lines or in exec form
//! (`RUN ["pip", "install", "adal"]`). Each package argument is an entry of its own
//! registry, with the bytes of the shell word (quotes included), so a replacement rewrites
//! that word only. Options and their values (`-r requirements.txt`, `--index-url URL`),
//! paths and URLs are not packages.

use super::{Channel, Entry, Parsed, Role, Spelling};
use crate::rule::Ecosystem;

/// pip options that take a value as the next word.
const PIP_VALUED: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--upgrade-strategy",
    "--trusted-host",
    "--cache-dir",
    "--progress-bar",
    "--log",
    "--proxy",
    "--timeout",
    "--retries",
];

/// npm, yarn and pnpm options that take a value as the next word.
const NPM_VALUED: &[&str] = &[
    "--registry",
    "--prefix",
    "-w",
    "--workspace",
    "--cache",
    "--tag",
    "--filter",
    "--dir",
    "-C",
];

/// A shell word of a `RUN` instruction, with its bytes in the file.
struct Word<'a> {
    text: &'a str,
    start: usize,
}

/// How a `RUN` instruction gives its command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `RUN pip install adal`: a shell command line.
    Shell,
    /// `RUN ["pip", "install", "adal"]`: a JSON array of arguments.
    Exec,
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (form, words) in run_instructions(text) {
        scan_commands(text, form, &words, &mut parsed);
    }
    parsed
}

/// The install arguments of one shell command line at `line` in `text` (the `pip install
/// adal` of a notebook's `%pip install adal` or `!pip install adal`); `conda`, `mamba` and
/// `micromamba` install commands name packages as pip does.
pub(super) fn command_line(text: &str, line: std::ops::Range<usize>) -> Parsed {
    let mut words = Vec::new();
    split_words(&text[line.clone()], line.start, Form::Shell, &mut words);
    if let [first, second, ..] = words.as_mut_slice() {
        if matches!(first.text, "conda" | "mamba" | "micromamba") && second.text == "install" {
            first.text = "pip";
        }
        // `!{sys.executable} -m pip install adal`: the kernel's own Python.
        if first.text == "{sys.executable}" {
            first.text = "python";
        }
    }
    let mut parsed = Parsed::default();
    scan_commands(text, Form::Shell, &words, &mut parsed);
    parsed
}

/// The words of every `RUN` instruction, continuation lines joined, comments dropped. In
/// shell form `&&`, `||`, `;` and `|` are words of their own; in exec form the words are the
/// array's strings, quotes included.
fn run_instructions(text: &str) -> Vec<(Form, Vec<Word<'_>>)> {
    let mut instructions: Vec<(Form, Vec<Word<'_>>)> = Vec::new();
    let mut continuing = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            // A Dockerfile comment, even between continuation lines.
            continue;
        }
        let (body, body_start) = if continuing {
            (line, start)
        } else {
            let indent = line.len() - trimmed.len();
            let is_run = trimmed.len() > 3
                && trimmed[..3].eq_ignore_ascii_case("run")
                && trimmed[3..].starts_with([' ', '\t']);
            if !is_run {
                continue;
            }
            let form = if trimmed[3..].trim_start().starts_with('[') {
                Form::Exec
            } else {
                Form::Shell
            };
            instructions.push((form, Vec::new()));
            (&trimmed[3..], start + indent + 3)
        };
        let (body, continued) = match body.trim_end().strip_suffix('\\') {
            Some(rest) => (rest, true),
            None => (body, false),
        };
        continuing = continued;
        if let Some((form, words)) = instructions.last_mut() {
            split_words(body, body_start, *form, words);
        }
    }
    instructions
}

/// Splits a line into words, keeping quoted words whole: shell words up to a comment, or
/// the strings of an exec-form array.
fn split_words<'a>(line: &'a str, line_start: usize, form: Form, words: &mut Vec<Word<'a>>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let separator = match form {
            Form::Shell => b.is_ascii_whitespace(),
            Form::Exec => b.is_ascii_whitespace() || matches!(b, b'[' | b']' | b','),
        };
        if separator {
            i += 1;
            continue;
        }
        if b == b'#' && form == Form::Shell {
            return;
        }
        let start = i;
        if matches!(b, b';' | b'|' | b'&') {
            while i < bytes.len() && matches!(bytes[i], b';' | b'|' | b'&') {
                i += 1;
            }
        } else {
            let mut quote = None;
            while i < bytes.len() {
                let c = bytes[i];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c.is_ascii_whitespace() => break,
                    None if form == Form::Shell && matches!(c, b';' | b'|' | b'&') => break,
                    None if form == Form::Exec && matches!(c, b',' | b']' | b'[') => break,
                    None => {}
                }
                i += 1;
            }
        }
        words.push(Word {
            text: &line[start..i],
            start: line_start + start,
        });
    }
}

fn is_operator(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| matches!(b, b';' | b'|' | b'&'))
}

/// Finds the install commands among an instruction's words.
fn scan_commands(text: &str, form: Form, words: &[Word<'_>], parsed: &mut Parsed) {
    let mut i = 0;
    while i < words.len() {
        let word = unquote(words[i].text);
        let command = word.rsplit('/').next().unwrap_or(word);
        let next = |k: usize| words.get(i + k).map(|w| unquote(w.text));
        let found = match command {
            "pip" | "pip3" if next(1) == Some("install") => Some((Ecosystem::Pypi, 2)),
            c if c.starts_with("python")
                && next(1) == Some("-m")
                && matches!(next(2), Some("pip" | "pip3"))
                && next(3) == Some("install") =>
            {
                Some((Ecosystem::Pypi, 4))
            }
            "npm" if matches!(next(1), Some("install" | "i" | "add")) => Some((Ecosystem::Npm, 2)),
            "yarn" | "pnpm" if matches!(next(1), Some("add" | "install" | "i")) => {
                Some((Ecosystem::Npm, 2))
            }
            _ => None,
        };
        let Some((ecosystem, skip)) = found else {
            i += 1;
            continue;
        };
        i += skip;
        while i < words.len() && !is_operator(words[i].text) {
            let word = &words[i];
            let argument = unquote(word.text);
            if argument.starts_with('-') {
                let valued = match ecosystem {
                    Ecosystem::Pypi => PIP_VALUED,
                    Ecosystem::Npm => NPM_VALUED,
                };
                if valued.contains(&argument) {
                    i += 1;
                }
            } else if let Some(name) = package_name(ecosystem, argument) {
                parsed
                    .entries
                    .push(entry(text, form, ecosystem, name, word));
            }
            i += 1;
        }
    }
}

fn unquote(word: &str) -> &str {
    let trimmed = word.trim_matches(|c| c == '"' || c == '\'');
    if trimmed.len() + 2 == word.len() || trimmed.len() == word.len() {
        trimmed
    } else {
        word
    }
}

/// The package an install argument names, or `None` for a path, URL or variable.
fn package_name(ecosystem: Ecosystem, argument: &str) -> Option<String> {
    if argument.is_empty()
        || argument.contains("://")
        || argument.starts_with(['.', '/', '$', '~'])
        || argument.contains(".tar")
        || argument.ends_with(".whl")
        || argument.ends_with(".tgz")
    {
        return None;
    }
    let name = match ecosystem {
        Ecosystem::Pypi => {
            let end = argument
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(argument.len());
            &argument[..end]
        }
        Ecosystem::Npm => {
            let from = usize::from(argument.starts_with('@'));
            match argument[from..].find('@') {
                Some(at) => &argument[..from + at],
                None => argument,
            }
        }
    };
    (!name.is_empty()).then(|| name.to_string())
}

fn entry(text: &str, form: Form, ecosystem: Ecosystem, name: String, word: &Word<'_>) -> Entry {
    let range = word.start..word.start + word.text.len();
    // A removal takes the separator before the word too: a space, or an array's comma.
    let before = match form {
        Form::Shell => range.start.saturating_sub(1),
        Form::Exec => text[..range.start]
            .trim_end()
            .strip_suffix(',')
            .map_or(range.start, str::len),
    };
    Entry {
        name,
        spec: range.clone(),
        item: before..range.end,
        spelling: match (ecosystem, form) {
            (Ecosystem::Pypi, _) => Spelling::PipArgument,
            (Ecosystem::Npm, Form::Shell) => Spelling::NpmArgument,
            (Ecosystem::Npm, Form::Exec) => Spelling::NpmArgumentQuoted,
        },
        channel: Channel::Registry,
        ecosystem: Some(ecosystem),
        role: Role::Dependency,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Ecosystem, String)> {
        parse(text)
            .entries
            .into_iter()
            .map(|e| {
                let spelled = text[e.spec.clone()].to_string();
                (e.name, e.ecosystem.expect("ecosystem"), spelled)
            })
            .collect()
    }

    #[test]
    fn install_commands_across_continuations() {
        let text = "FROM python:3.12\n# RUN pip install commented\nRUN pip install --no-cache-dir -r requirements.txt adal==1.2.7 \\\n    \"msrestazure>=0.6\" ./local && npm install -g adal-node@0.2.4 --registry https://r.example\nRUN apt-get install -y adal\nCMD [\"pip\", \"install\", \"adal\"]\nRUN python3 -m pip install -U adal # pinned\n";
        assert_eq!(
            names(text),
            vec![
                (
                    "adal".to_string(),
                    Ecosystem::Pypi,
                    "adal==1.2.7".to_string()
                ),
                (
                    "msrestazure".to_string(),
                    Ecosystem::Pypi,
                    "\"msrestazure>=0.6\"".to_string()
                ),
                (
                    "adal-node".to_string(),
                    Ecosystem::Npm,
                    "adal-node@0.2.4".to_string()
                ),
                ("adal".to_string(), Ecosystem::Pypi, "adal".to_string()),
            ]
        );
    }

    #[test]
    fn exec_form_arguments_are_the_array_strings() {
        let text = "RUN [\"pip\", \"install\", \"--no-cache-dir\", \"adal==1.2.7\"]\nRUN [\"npm\", \"install\", \"adal-node\"]\n";
        let found = parse(text).entries;
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].spec.clone()], "\"adal==1.2.7\"");
        assert_eq!(&text[found[0].item.clone()], ", \"adal==1.2.7\"");
        assert_eq!(found[1].spelling, Spelling::NpmArgumentQuoted);
    }

    #[test]
    fn notebook_command_lines_name_their_packages() {
        let text =
            "#!{sys.executable} -m pip install -q adal\n#%conda install -c conda-forge adal -y\n";
        let first = command_line(text, 2..41).entries;
        assert_eq!(first.len(), 1);
        assert_eq!(&text[first[0].spec.clone()], "adal");
        let second = command_line(text, 44..text.len() - 1).entries;
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].name, "adal");
    }

    #[test]
    fn scoped_npm_packages_keep_their_scope() {
        let text = "RUN yarn add @azure/ms-rest-nodeauth@3.1.1 react\n";
        let found = names(text);
        assert_eq!(found[0].0, "@azure/ms-rest-nodeauth");
        assert_eq!(found[1].0, "react");
    }
}
