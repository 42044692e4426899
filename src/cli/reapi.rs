//! The remote-execution flags (`-remote-exec`, `-remote-exec-strict`,
//! `-remote-link`, `-remote-jobs`), flattened into `cache::FarmArgs`.

use anyhow::Result;
use clap::Args;

/// Hand compiles (and, with `-remote-link`, links) to a Remote Execution API server.
#[derive(Debug, Args, Clone, Default)]
pub struct RemoteExecArgs {
    /// Run compiles on a Remote Execution API v2 server (Buildbarn, BuildBuddy, NativeLink, BuildGrid): grpc://HOST:PORT[/INSTANCE] or grpcs://…; implies -trimpath. Token from the file named by GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE; TLS roots and client certificate from GCCGO_BUILD_REMOTE_EXEC_CA, _CERT, _KEY. Default: the toolchain profile's remote_exec; "off": none.
    #[arg(long, value_name = "URL", env = "GCCGO_BUILD_REMOTE_EXEC")]
    pub remote_exec: Option<String>,
    /// Fail an action whose remote execution fails, instead of running it here.
    #[arg(long)]
    pub remote_exec_strict: bool,
    /// Run links remotely too (they are run here by default: they read every object; a profile's remote_link = true also asks for it).
    #[arg(long)]
    pub remote_link: bool,
    /// Remote actions in flight at once, apart from -j (default: the profile's remote_jobs, else 64).
    #[arg(long, value_name = "N")]
    pub remote_jobs: Option<usize>,
}

impl RemoteExecArgs {
    /// What the command line (and `GCCGO_BUILD_REMOTE_EXEC`) ask for; the
    /// toolchain profile fills in the rest (`exec::remote::Request`).
    pub fn request(&self) -> crate::exec::remote::Request {
        crate::exec::remote::Request {
            url: self.remote_exec.clone(),
            strict: self.remote_exec_strict,
            link: self.remote_link,
            jobs: self.remote_jobs,
        }
    }

    /// The executor's settings from the command line and environment
    /// alone, `None` without `-remote-exec` (or with `-remote-exec off`).
    ///
    /// Errors: an address that is not `grpc://HOST:PORT[/INSTANCE]`.
    pub fn settings(&self) -> Result<Option<crate::exec::remote::Settings>> {
        self.request().resolve(&Default::default())
    }
}
