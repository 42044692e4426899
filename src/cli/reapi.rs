//! The remote-execution flags (`-remote-exec`, `-remote-exec-strict`,
//! `-remote-link`, `-remote-jobs`), flattened into `cache::FarmArgs`.

use anyhow::Result;
use clap::Args;

/// Hand compiles (and, with `-remote-link`, links) to a Remote Execution API server.
#[derive(Debug, Args, Clone, Default)]
pub struct RemoteExecArgs {
    /// Run compiles on a Remote Execution API v2 server (Buildbarn, BuildBuddy, NativeLink, BuildGrid): grpc://HOST:PORT[/INSTANCE] or grpcs://…; implies -trimpath. Token from the file named by GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE; TLS roots and client certificate from GCCGO_BUILD_REMOTE_EXEC_CA, _CERT, _KEY.
    #[arg(long, value_name = "URL", env = "GCCGO_BUILD_REMOTE_EXEC")]
    pub remote_exec: Option<String>,
    /// Fail an action whose remote execution fails, instead of running it here.
    #[arg(long)]
    pub remote_exec_strict: bool,
    /// Run links remotely too (they are run here by default: they read every object).
    #[arg(long)]
    pub remote_link: bool,
    /// Remote actions in flight at once, apart from -j (default 64).
    #[arg(long, value_name = "N")]
    pub remote_jobs: Option<usize>,
}

impl RemoteExecArgs {
    /// The executor's settings, `None` without `-remote-exec`.
    ///
    /// Errors: an address that is not `grpc://HOST:PORT[/INSTANCE]`.
    pub fn settings(&self) -> Result<Option<crate::exec::remote::Settings>> {
        let Some(url) = self
            .remote_exec
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        Ok(Some(crate::exec::remote::Settings {
            config: crate::reapi::Config::parse(url, "-remote-exec")?,
            strict: self.remote_exec_strict,
            link: self.remote_link,
            jobs: self.remote_jobs.unwrap_or(64).max(1),
            // Set from -j by the build (`build::execute`).
            local_jobs: 1,
        }))
    }
}
