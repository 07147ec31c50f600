//! What a file's text must contain before it is parsed. Each rule *needs* literals that any
//! match of it has in the text: one of its pack's triggers (the library's module name, or
//! the rule's own triggers), and, for a rule that matches names (calls, constructors, member
//! references, keys of a call's result), a name its pattern surely spells out
//! (`loginWithServicePrincipalSecret`; see [`last_name`]). A file is parsed when some rule's needs are all
//! there, so a generated client that imports `ms-rest-azure` only for its runtime, and calls
//! none of its logins, is read and never parsed. Literals are matched as whole words
//! (`adal` in `import adal`, not in `adalias`) by Aho-Corasick automata: the triggers over
//! every file, the names only in the rare files that have a trigger.

use std::collections::{BTreeSet, HashMap};

use aho_corasick::AhoCorasick;

use crate::rule::{Matcher, NamePattern, Rule};

/// The literals one rule needs in a file's text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Need {
    /// At least one of these (its own triggers, else its pack's).
    pub(crate) triggers: Vec<String>,
    /// And, when set, at least one of these (the names it matches). A name that ends in
    /// `*` is the start of a word (`acquireTokenWithClient*` for a pattern
    /// `AuthenticationContext#acquireTokenWithClient*`); the others are whole words.
    pub(crate) names: Option<Vec<String>>,
}

impl Need {
    /// What `rule` needs, given its pack's triggers and the packs' name aliases
    /// (`ms-rest-azure:loginWithMSI` → `ms-rest-azure:loginWithVmMSI`).
    pub(crate) fn of(
        rule: &Rule,
        pack_triggers: &[String],
        aliases: &HashMap<String, String>,
    ) -> Need {
        // A rule's own triggers are what its match needs (a query for `login.windows.net`
        // URLs needs that host); the others need one of their pack's.
        // An import rule needs the triggers its modules are spelled with
        // (`ms-rest-nodeauth` for `@azure/ms-rest-nodeauth`, not the pack's `ms-rest-azure`).
        let own: Vec<&String> = rule.triggers.iter().filter(|t| !t.is_empty()).collect();
        let packs: Vec<&String> = pack_triggers.iter().filter(|t| !t.is_empty()).collect();
        let imported: Vec<&String> = match &rule.matcher {
            Matcher::Import(modules) => packs
                .iter()
                .copied()
                .filter(|t| modules.iter().any(|m| m.contains(t.as_str())))
                .collect(),
            _ => Vec::new(),
        };
        let chosen = if !own.is_empty() {
            own
        } else if !imported.is_empty() {
            imported
        } else {
            packs
        };
        let mut triggers: Vec<String> = chosen.into_iter().cloned().collect();
        triggers.sort();
        triggers.dedup();
        let names = matched_names(&rule.matcher).map(|names| {
            let mut names: BTreeSet<String> = names;
            // A name an alias resolves to is written as the alias.
            for (from, to) in aliases {
                if last_name(to).is_some_and(|name| names.contains(&name)) {
                    if let Some(alias) = last_name(from) {
                        names.insert(alias);
                    }
                }
            }
            names.into_iter().collect()
        });
        Need { triggers, names }
    }
}

/// The last names a matcher's patterns match, when every one has one; `None` when a match
/// needs no name beyond the pack's triggers (an import of the module itself, a query, an
/// engine check, a pattern whose last name is a wildcard such as `*Client`).
fn matched_names(matcher: &Matcher) -> Option<BTreeSet<String>> {
    let from = |patterns: &[NamePattern]| -> Option<BTreeSet<String>> {
        if patterns.is_empty() {
            return None;
        }
        patterns.iter().map(|p| last_name(p.as_str())).collect()
    };
    match matcher {
        Matcher::Call {
            patterns,
            arguments,
            ..
        } => from(patterns).or_else(|| from(arguments)),
        Matcher::Reference(patterns, _) => from(patterns),
        Matcher::Key { of, .. } => from(of),
        // `module:Name` imports a name (`import { DeviceTokenCredentials } from ...`); an
        // import of a module, or of one of its submodules, spells the module's last segment
        // (`adal_authentication` in `from azure.cli.core.auth import adal_authentication`),
        // so a file of the CLI that imports only `azure.cli.core` is not parsed for it.
        Matcher::Import(modules) => modules
            .iter()
            .map(|m| match m.split_once(':') {
                Some((_, name)) => last_name(name),
                None => last_segment(m).map(str::to_string),
            })
            .collect(),
        Matcher::Query { .. } | Matcher::Dependency(_) | Matcher::Builtin(_) => None,
    }
}

/// The name a qualified pattern surely spells out in a matching text. In a JavaScript-style
/// pattern (`module:Class.member#method.sub`), the part after the last `#` (or after `:`)
/// is a static path, every segment of which is written: the longest is taken, the rarest
/// word in practice (`AzureCliCredentials` rather than `create` in
/// `@azure/ms-rest-nodeauth:AzureCliCredentials.create`). A Python dotted name keeps its
/// last segment (its module path may be imported under another spelling). A segment with a
/// wildcard gives the literal start before it, as a word start (`acquire_token_with_client_*`
/// for `acquire_token_with_client_*`), when that start is long enough to be rare; a whole
/// word is preferred. `None` when nothing literal is left, or the pattern names only a
/// module.
fn last_name(pattern: &str) -> Option<String> {
    if let Some((_, path)) = pattern.split_once(':') {
        let tail = path.rsplit('#').next().unwrap_or(path);
        let whole = tail
            .split('.')
            .filter(|segment| !segment.is_empty() && !segment.contains('*'))
            .max_by_key(|segment| segment.len());
        return match whole {
            Some(word) => Some(word.to_string()),
            None => tail
                .split('.')
                .filter_map(word_start)
                .max_by_key(String::len),
        };
    }
    let segment = pattern.rsplit(['.', '#']).find(|segment| *segment != "*")?;
    if segment.contains('*') {
        word_start(segment)
    } else {
        (!segment.is_empty()).then(|| segment.to_string())
    }
}

/// The literal start of a wildcard segment, marked as a word start (`acquireTokenWithClient*`
/// of `acquireTokenWithClient*`), when it is at least [`MIN_WORD_START`] bytes long.
fn word_start(segment: &str) -> Option<String> {
    let (start, _) = segment.split_once('*')?;
    (start.len() >= MIN_WORD_START).then(|| format!("{start}*"))
}

/// The shortest literal start of a wildcard name worth looking for: shorter ones (`get*`)
/// are in most files.
const MIN_WORD_START: usize = 8;

/// The last segment of a module path (`adal_authentication` of
/// `azure.cli.core.auth.adal_authentication`, `ms-rest-nodeauth` of
/// `@azure/ms-rest-nodeauth`): what every import of it or of its submodules writes.
fn last_segment(module: &str) -> Option<&str> {
    module
        .rsplit(['.', '/'])
        .next()
        .filter(|segment| !segment.is_empty() && !segment.contains('*'))
}

/// A list of [`Need`]s compiled for matching.
pub(crate) struct Prefilter {
    triggers: Literals,
    names: Option<Literals>,
    /// Each need, in the order given, as indices into `triggers` and `names` (no trigger:
    /// the need can never be met).
    needs: Vec<(Vec<usize>, Option<Vec<usize>>)>,
}

impl Prefilter {
    /// `None` when no need has a trigger (nothing can match).
    pub(crate) fn new<'a>(needs: impl IntoIterator<Item = &'a Need>) -> Option<Prefilter> {
        let needs: Vec<&Need> = needs.into_iter().collect();
        let triggers: BTreeSet<&str> = needs
            .iter()
            .flat_map(|n| n.triggers.iter().map(String::as_str))
            .collect();
        let names: BTreeSet<&str> = needs
            .iter()
            .flat_map(|n| n.names.iter().flatten().map(String::as_str))
            .collect();
        if triggers.is_empty() {
            return None;
        }
        let triggers: Vec<&str> = triggers.into_iter().collect();
        let names: Vec<&str> = names.into_iter().collect();
        let index = |set: &[&str], literal: &String| {
            set.binary_search(&literal.as_str())
                .expect("every literal is in its set")
        };
        let needs = needs
            .iter()
            .map(|n| {
                (
                    n.triggers.iter().map(|t| index(&triggers, t)).collect(),
                    n.names
                        .as_ref()
                        .map(|names_of| names_of.iter().map(|t| index(&names, t)).collect()),
                )
            })
            .collect();
        Some(Prefilter {
            triggers: Literals::new(&triggers),
            names: (!names.is_empty()).then(|| Literals::new(&names)),
            needs,
        })
    }

    /// True when some need is met in `bytes`.
    pub(crate) fn admits(&self, bytes: &[u8]) -> bool {
        self.met(bytes, Stop::AtFirst).into_iter().any(|met| met)
    }

    /// Which needs `bytes` meet, in the order given.
    pub(crate) fn each_met(&self, bytes: &[u8]) -> Vec<bool> {
        self.met(bytes, Stop::Never)
    }

    fn met(&self, bytes: &[u8], stop: Stop) -> Vec<bool> {
        let mut met = vec![false; self.needs.len()];
        let triggers = self.triggers.present(bytes);
        let mut names: Option<Vec<bool>> = None;
        for (slot, (any, needed_names)) in met.iter_mut().zip(&self.needs) {
            if !any.iter().any(|&i| triggers[i]) {
                continue;
            }
            *slot = match needed_names {
                None => true,
                Some(needed) => {
                    // The names are looked for only once a trigger is there.
                    let found = names.get_or_insert_with(|| {
                        self.names
                            .as_ref()
                            .map_or_else(Vec::new, |literals| literals.present(bytes))
                    });
                    needed
                        .iter()
                        .any(|&i| found.get(i).copied().unwrap_or(false))
                }
            };
            if *slot && stop == Stop::AtFirst {
                break;
            }
        }
        met
    }
}

/// Words looked for in a file's text as whole words, for what a file names without being
/// parsed (the retired packages' modules it mentions).
pub(crate) struct Words {
    words: Vec<String>,
    literals: Option<Literals>,
}

impl Words {
    pub(crate) fn new(words: Vec<String>) -> Self {
        let literals = (!words.is_empty()).then(|| {
            let borrowed: Vec<&str> = words.iter().map(String::as_str).collect();
            Literals::new(&borrowed)
        });
        Words { words, literals }
    }

    /// The words `bytes` contains, in the order given.
    pub(crate) fn found_in(&self, bytes: &[u8]) -> Vec<String> {
        let Some(literals) = &self.literals else {
            return Vec::new();
        };
        literals
            .present(bytes)
            .into_iter()
            .zip(&self.words)
            .filter(|(present, _)| *present)
            .map(|(_, word)| word.clone())
            .collect()
    }
}

/// Whether matching stops at the first need met.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    AtFirst,
    Never,
}

/// Literals compiled for whole-word search.
struct Literals {
    /// A DFA: a few hundred literals make a small one, and it scans without the rare-byte
    /// prefilter, which literals full of `0` and `-` would defeat. Leftmost-longest, so a
    /// literal that starts like another (`adalAuthenticationService`, `adal`) is found whole.
    automaton: AhoCorasick,
    /// A SIMD searcher for the same literals, where the CPU has one: it finds where the
    /// next occurrence of any of them starts many times faster than the automaton, so the
    /// automaton runs only from there (most files hold none).
    skip: Option<aho_corasick::packed::Searcher>,
    /// For each literal, the other literals it starts with, longest first, as (length,
    /// index): where it is part of a longer word, one of those may still be a whole word
    /// (`adal` in `adal-angularjs`).
    prefixes: Vec<Vec<(usize, usize)>>,
    /// For each literal, whether it is a word start (written with a trailing `*`): found
    /// wherever a word starts with it.
    open_ended: Vec<bool>,
}

impl Literals {
    /// Compiles `literals`, each a whole word, or a word start when it ends in `*`.
    fn new(literals: &[&str]) -> Self {
        let open_ended: Vec<bool> = literals.iter().map(|l| l.ends_with('*')).collect();
        let stripped: Vec<&str> = literals
            .iter()
            .map(|l| l.strip_suffix('*').unwrap_or(l))
            .collect();
        let literals = &stripped[..];
        let automaton = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .prefilter(false)
            .build(literals)
            .expect("literal patterns compile");
        let prefixes = literals
            .iter()
            .map(|literal| {
                let mut shorter: Vec<(usize, usize)> = literals
                    .iter()
                    .enumerate()
                    .filter(|(_, other)| {
                        other.len() < literal.len() && literal.starts_with(**other)
                    })
                    .map(|(index, other)| (other.len(), index))
                    .collect();
                shorter.sort_unstable_by(|a, b| b.cmp(a));
                shorter
            })
            .collect();
        let skip = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(literals)
            .build();
        Literals {
            automaton,
            skip,
            prefixes,
            open_ended,
        }
    }

    /// Which literals `bytes` contain as whole words. A match that is part of a longer word
    /// is skipped one byte at a time, so no later match is missed.
    fn present(&self, bytes: &[u8]) -> Vec<bool> {
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut found = vec![false; self.prefixes.len()];
        let mut left = found.len();
        let mut at = 0;
        while at < bytes.len() && left > 0 {
            // No literal starts before the next occurrence of any of them: the leftmost
            // match the automaton finds from there is the one it would find from `at`.
            if let Some(skip) = &self.skip {
                match skip.find_in(bytes, aho_corasick::Span::from(at..bytes.len())) {
                    Some(next) => at = next.start(),
                    None => break,
                }
            }
            let Some(hit) = self
                .automaton
                .find(aho_corasick::Input::new(bytes).span(at..bytes.len()))
            else {
                break;
            };
            let start = hit.start();
            if !start.checked_sub(1).is_some_and(|i| is_word(bytes[i])) {
                let index = hit.pattern().as_usize();
                let candidates = std::iter::once((hit.end() - start, index))
                    .chain(self.prefixes[index].iter().copied());
                // Every word start among them is there; of the whole words, the longest
                // that ends here.
                for (length, literal) in candidates {
                    let ends_a_word = !bytes.get(start + length).copied().is_some_and(is_word);
                    if ends_a_word || self.open_ended[literal] {
                        if !found[literal] {
                            found[literal] = true;
                            left -= 1;
                        }
                        if !self.open_ended[literal] {
                            break;
                        }
                    }
                }
            }
            at = start + 1;
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(triggers: &[&str], names: Option<&[&str]>) -> Need {
        Need {
            triggers: triggers.iter().map(|s| s.to_string()).collect(),
            names: names.map(|n| n.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn literals_match_as_whole_words_even_when_one_starts_another() {
        let prefilter = Prefilter::new(&[need(
            &["adal", "adal-angular", "adalAuthenticationService"],
            None,
        )])
        .expect("a prefilter");
        let matches = |text: &str| prefilter.admits(text.as_bytes());
        assert!(matches(
            "['$scope', 'adalAuthenticationService', function () {}]"
        ));
        assert!(matches("import adal"));
        assert!(matches("require('adal-angularjs')"));
        assert!(!matches("adalias adalAuthenticationServiceProvider"));
        assert!(!matches("the adalAuthenticationServices"));
    }

    #[test]
    fn a_need_with_names_wants_a_trigger_and_a_name() {
        let prefilter = Prefilter::new(&[need(
            &["ms-rest-azure"],
            Some(&[
                "loginWithServicePrincipalSecret",
                "ApplicationTokenCredentials",
            ]),
        )])
        .expect("a prefilter");
        let matches = |text: &str| prefilter.admits(text.as_bytes());
        // A generated client: the runtime, no login.
        assert!(!matches(
            "const msRestAzure = require('ms-rest-azure');\nclass ComputeClient extends msRestAzure.AzureServiceClient {}"
        ));
        assert!(matches(
            "const msRestAzure = require('ms-rest-azure');\nmsRestAzure.loginWithServicePrincipalSecret(id, secret, tenant);"
        ));
        // The name alone, without the library, is somebody else's.
        assert!(!matches(
            "loginWithServicePrincipalSecret(id, secret, tenant);"
        ));
        // Part of a longer word is not the name.
        assert!(!matches(
            "require('ms-rest-azure'); loginWithServicePrincipalSecretWithAuthResponse()"
        ));
    }

    #[test]
    fn a_need_without_names_wants_a_trigger_only() {
        let prefilter = Prefilter::new(&[
            need(&["ms-rest-azure"], Some(&["loginWithVmMSI"])),
            need(&["adal-node"], None),
        ])
        .expect("a prefilter");
        assert!(prefilter.admits(b"require('adal-node')"));
        assert!(!prefilter.admits(b"require('ms-rest-azure')"));
    }

    #[test]
    fn last_names_of_patterns() {
        assert_eq!(
            last_name("adal-node:AuthenticationContext#acquireToken").as_deref(),
            Some("acquireToken")
        );
        assert_eq!(
            last_name("adal.AuthenticationContext#authority.*").as_deref(),
            Some("authority")
        );
        assert_eq!(
            last_name("@azure/ms-rest-nodeauth:AzureCliCredentials.create#getToken").as_deref(),
            Some("getToken")
        );
        assert_eq!(
            last_name("ms-rest-azure:loginWithMSI").as_deref(),
            Some("loginWithMSI")
        );
        assert_eq!(
            last_name("@azure/ms-rest-nodeauth:AzureCliCredentials.create").as_deref(),
            Some("AzureCliCredentials")
        );
        assert_eq!(
            last_name("adal-angular4:AdalService#userInfo.profile.*").as_deref(),
            Some("userInfo")
        );
        assert_eq!(
            last_name("adal.adal_error.AdalError").as_deref(),
            Some("AdalError"),
            "a Python module path is not a spelling the text surely has"
        );
        assert_eq!(
            last_name("adal-node:AuthenticationContext#acquireTokenWithClient*").as_deref(),
            Some("acquireTokenWithClient*")
        );
        assert_eq!(
            last_name("msrestazure.azure_active_directory.get_msi_token*").as_deref(),
            Some("get_msi_token*")
        );
        assert_eq!(last_name("adal.TokenCache#*serialize"), None);
        assert_eq!(last_name("adal-node:AuthenticationContext#get*"), None);
        assert_eq!(last_name("azure-*:*Client"), None);
        assert_eq!(last_name("azure-*:"), None);
        assert_eq!(last_name("adal-node:"), None);
        assert_eq!(
            last_name("adal.AuthenticationContext").as_deref(),
            Some("AuthenticationContext")
        );
    }

    #[test]
    fn an_import_needs_the_last_segment_of_its_module() {
        assert_eq!(
            last_segment("azure.cli.core.auth.adal_authentication"),
            Some("adal_authentication")
        );
        assert_eq!(
            last_segment("@azure/ms-rest-nodeauth"),
            Some("ms-rest-nodeauth")
        );
        assert_eq!(last_segment("adal"), Some("adal"));
        assert_eq!(last_segment("@azure/msal-*"), None);
        let names = matched_names(&Matcher::Import(vec![
            "azure.cli.core.auth.adal_authentication".to_string(),
        ]));
        let prefilter = Prefilter::new(&[Need {
            triggers: vec!["azure.cli.core".to_string()],
            names: names.map(|n| n.into_iter().collect()),
        }])
        .expect("a prefilter");
        // A module of the CLI itself that imports the package, not the adapters.
        assert!(!prefilter.admits(
            b"from azure.cli.core import AzCli\nfrom azure.cli.core._profile import Profile\n"
        ));
        assert!(prefilter.admits(b"from azure.cli.core.auth import adal_authentication\n"));
        assert!(prefilter.admits(
            b"from azure.cli.core.auth.adal_authentication import MSIAuthenticationWrapper\n"
        ));
    }

    #[test]
    fn a_word_start_is_found_at_the_start_of_a_word_only() {
        let prefilter = Prefilter::new(&[need(
            &["adal-node"],
            Some(&[
                "acquireTokenWithClient*",
                "acquireTokenWithClientCredentials",
            ]),
        )])
        .expect("a prefilter");
        let matches = |text: &str| prefilter.admits(text.as_bytes());
        assert!(matches(
            "require('adal-node'); ctx.acquireTokenWithClientCertificate(r, id, key, t, cb)"
        ));
        // Both the whole word and the start of it are there.
        assert!(matches(
            "require('adal-node'); ctx.acquireTokenWithClientCredentials(r, id, s, cb)"
        ));
        assert!(!matches(
            "require('adal-node'); ctx.myacquireTokenWithClientCertificate(r)"
        ));
        let start_only =
            Prefilter::new(&[need(&["adal-node"], Some(&["acquireTokenWithClient*"]))])
                .expect("a prefilter");
        assert!(
            start_only.admits(
                b"require('adal-node'); ctx.acquireTokenWithClientCredentials(r, id, s, cb)"
            )
        );
    }
}
