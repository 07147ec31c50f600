//! Where a run happened: the version-control checkout around the current directory
//! (repository URI, commit, branch, read with `git`) and the Azure Pipelines build it runs
//! in (from the pipeline's predefined variables). The SARIF emitter records them as
//! `versionControlProvenance` and, for GitHub Advanced Security for Azure DevOps, as the
//! `azuredevops/pipeline/build/...` automation id and its properties.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The checkout and the build of a run; each part absent when it cannot be told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub repository: Option<Repository>,
    pub pipeline: Option<AzurePipeline>,
}

/// The git checkout the current directory is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// The `origin` remote as a URI, without user information (no credentials).
    pub uri: String,
    /// The commit checked out.
    pub revision: String,
    /// The branch checked out (`refs/heads/...`), unless detached.
    pub branch: Option<String>,
    /// The checkout's top directory.
    pub root: PathBuf,
}

/// The Azure Pipelines build a run is part of (`TF_BUILD=True`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzurePipeline {
    /// The organisation, from `System.CollectionUri`.
    pub organization: String,
    /// `System.TeamProject`.
    pub project: String,
    /// `System.DefinitionId` and `Build.DefinitionName`.
    pub definition_id: String,
    pub definition_name: String,
    /// `System.PhaseId` and `System.PhaseName` (the job).
    pub phase_id: String,
    pub phase_name: String,
    /// `Build.SourceBranch`.
    pub branch: String,
    /// `Build.BuildId`.
    pub build_id: String,
}

impl AzurePipeline {
    /// The automation id GitHub Advanced Security for Azure DevOps expects:
    /// `azuredevops/pipeline/build/<org>/<project>/<definition id>/<phase id>/<branch>/<build id>`.
    pub fn automation_id(&self) -> String {
        format!(
            "azuredevops/pipeline/build/{}/{}/{}/{}/{}/{}",
            self.organization,
            self.project,
            self.definition_id,
            self.phase_id,
            self.branch,
            self.build_id
        )
    }
}

impl Provenance {
    /// Reads the environment and the git checkout of the current directory.
    pub fn detect() -> Provenance {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Provenance {
            repository: Repository::detect(Path::new("."), &var),
            pipeline: AzurePipeline::from_vars(var),
        }
    }
}

impl AzurePipeline {
    /// The build described by Azure Pipelines' predefined variables (as the agent exports
    /// them: `SYSTEM_COLLECTIONURI`, ...), when `TF_BUILD` says the run is in a pipeline.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<AzurePipeline> {
        if !var("TF_BUILD").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return None;
        }
        let collection =
            var("SYSTEM_COLLECTIONURI").or_else(|| var("SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"))?;
        Some(AzurePipeline {
            organization: organization(&collection)?,
            project: var("SYSTEM_TEAMPROJECT")?,
            definition_id: var("SYSTEM_DEFINITIONID")?,
            definition_name: var("BUILD_DEFINITIONNAME")?,
            phase_id: var("SYSTEM_PHASEID").or_else(|| var("SYSTEM_JOBID"))?,
            phase_name: var("SYSTEM_PHASENAME").or_else(|| var("SYSTEM_JOBNAME"))?,
            branch: var("BUILD_SOURCEBRANCH")?,
            build_id: var("BUILD_BUILDID")?,
        })
    }
}

/// The organisation of a collection URI: `https://dev.azure.com/contoso/` and
/// `https://contoso.visualstudio.com/` are both `contoso`.
fn organization(collection: &str) -> Option<String> {
    let rest = collection.split_once("://").map_or(collection, |(_, r)| r);
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let host = parts.next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if let Some(org) = host.strip_suffix(".visualstudio.com") {
        return Some(org.to_string());
    }
    parts.next().map(str::to_string)
}

impl Repository {
    /// The checkout `dir` is in, asked of `git`; `None` outside a checkout or without git.
    /// The repository is the `origin` remote, else the one the CI names
    /// (`BUILD_REPOSITORY_URI` in Azure Pipelines, `GITHUB_SERVER_URL/GITHUB_REPOSITORY`
    /// in GitHub Actions); `None` when there is neither.
    pub fn detect(dir: &Path, var: &dyn Fn(&str) -> Option<String>) -> Option<Repository> {
        let git = |args: &[&str]| -> Option<String> {
            let output = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .output()
                .ok()?;
            let text = String::from_utf8(output.stdout).ok()?;
            let text = text.trim();
            (output.status.success() && !text.is_empty()).then(|| text.to_string())
        };
        let revision = git(&["rev-parse", "--verify", "HEAD"])?;
        let uri = git(&["config", "--get", "remote.origin.url"])
            .or_else(|| var("BUILD_REPOSITORY_URI"))
            .or_else(|| {
                Some(format!(
                    "{}/{}",
                    var("GITHUB_SERVER_URL")?,
                    var("GITHUB_REPOSITORY")?
                ))
            })
            .and_then(|url| remote_uri(&url))?;
        let branch = git(&["symbolic-ref", "--quiet", "HEAD"]);
        let root = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
        Some(Repository {
            uri,
            revision,
            branch,
            root,
        })
    }
}

/// A remote URL as an absolute URI without user information: `https://token@host/x`
/// becomes `https://host/x`, and scp-like `git@host:org/repo.git` becomes
/// `ssh://host/org/repo.git`. Local paths are not URIs of a repository others can reach.
fn remote_uri(url: &str) -> Option<String> {
    if let Some((scheme, rest)) = url.split_once("://") {
        if scheme == "file" || scheme.is_empty() {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        return Some(format!("{scheme}://{host}/{path}"));
    }
    let (user_host, path) = url.split_once(':')?;
    if user_host.contains('/') || user_host.len() == 1 {
        // A local path (or a Windows drive letter).
        return None;
    }
    let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
    Some(format!("ssh://{host}/{}", path.trim_start_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_lose_their_credentials() {
        assert_eq!(
            remote_uri("https://x-access-token:abc@github.com/o/r.git").as_deref(),
            Some("https://github.com/o/r.git")
        );
        assert_eq!(
            remote_uri("git@github.com:o/r.git").as_deref(),
            Some("ssh://github.com/o/r.git")
        );
        assert_eq!(
            remote_uri("https://dev.azure.com/contoso/Web/_git/web").as_deref(),
            Some("https://dev.azure.com/contoso/Web/_git/web")
        );
        assert_eq!(remote_uri("/srv/git/r.git"), None);
        assert_eq!(remote_uri("file:///srv/git/r.git"), None);
        assert_eq!(remote_uri("C:/src/r"), None);
    }

    #[test]
    fn organisations_come_from_either_collection_uri_form() {
        assert_eq!(
            organization("https://dev.azure.com/contoso/").as_deref(),
            Some("contoso")
        );
        assert_eq!(
            organization("https://contoso.visualstudio.com/").as_deref(),
            Some("contoso")
        );
    }

    #[test]
    fn a_pipeline_needs_tf_build_and_its_variables() {
        let vars = [
            ("TF_BUILD", "True"),
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/"),
            ("SYSTEM_TEAMPROJECT", "Web"),
            ("SYSTEM_DEFINITIONID", "12"),
            ("BUILD_DEFINITIONNAME", "web-ci"),
            ("SYSTEM_PHASEID", "3a3a2a60-14c7-570b-14a4-fa42ad92f52a"),
            ("SYSTEM_PHASENAME", "Job"),
            ("BUILD_SOURCEBRANCH", "refs/heads/main"),
            ("BUILD_BUILDID", "345"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        let pipeline = AzurePipeline::from_vars(lookup).expect("a pipeline");
        assert_eq!(
            pipeline.automation_id(),
            "azuredevops/pipeline/build/contoso/Web/12/3a3a2a60-14c7-570b-14a4-fa42ad92f52a/refs/heads/main/345"
        );
        assert_eq!(AzurePipeline::from_vars(|_| None), None);
    }
}
