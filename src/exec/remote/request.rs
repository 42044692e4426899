//! Where the remote-execution settings come from: the command line
//! (`-remote-exec`, `-remote-jobs`, `-remote-link`, `-remote-exec-strict`),
//! `GCCGO_BUILD_REMOTE_EXEC`, and the toolchain profile (`remote_exec`,
//! `remote_jobs`, `remote_link`), each field taken from the first that
//! gives it, in that order, as `GOFLAGS` and go's own flags layer.

use anyhow::Result;

use super::Settings;
use crate::toolchain::RemoteDefaults;

/// Remote actions in flight when neither `-remote-jobs` nor the profile says.
pub const DEFAULT_JOBS: usize = 64;

/// What the command line (and `GCCGO_BUILD_REMOTE_EXEC`) asked for, before
/// the toolchain's profile is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `-remote-exec` or `GCCGO_BUILD_REMOTE_EXEC`: `None` when neither
    /// gives one (the profile may); `Some("")` for `-remote-exec off` or an
    /// empty value (no remote execution, whatever the profile says).
    pub url: Option<String>,
    /// `-remote-exec-strict`.
    pub strict: bool,
    /// `-remote-link` (the profile's `remote_link = true` also turns it on).
    pub link: bool,
    /// `-remote-jobs N`.
    pub jobs: Option<usize>,
}

impl Request {
    /// The settings with `profile`'s defaults under the command line's
    /// values; `None` when no server is named (or `-remote-exec off`).
    ///
    /// Errors: an address that is not `grpc://HOST:PORT[/INSTANCE]`; one
    /// from the profile is named as the profile's `remote_exec`.
    pub fn resolve(&self, profile: &RemoteDefaults) -> Result<Option<Settings>> {
        let (url, flag) = match self.url.as_deref().map(str::trim) {
            Some("") | Some("off") => return Ok(None),
            Some(u) => (u, "-remote-exec"),
            None => match profile.exec.as_deref().map(str::trim) {
                Some(u) if !u.is_empty() && u != "off" => (u, "the profile's remote_exec"),
                _ => return Ok(None),
            },
        };
        Ok(Some(Settings {
            config: crate::reapi::Config::parse(url, flag)?,
            strict: self.strict,
            link: self.link || profile.link.unwrap_or(false),
            jobs: self.jobs.or(profile.jobs).unwrap_or(DEFAULT_JOBS).max(1),
            // Set from -j by the build (`build::execute`).
            local_jobs: 1,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> RemoteDefaults {
        RemoteDefaults {
            exec: Some("grpc://farm:8980/p".into()),
            jobs: Some(8),
            link: Some(true),
        }
    }

    #[test]
    fn the_command_line_wins_field_by_field_over_the_profile() {
        let cli = Request {
            url: Some("grpc://cli:1/c".into()),
            jobs: Some(3),
            ..Default::default()
        };
        let s = cli.resolve(&profile()).unwrap().unwrap();
        assert_eq!(s.config.url(), "grpc://cli:1/c");
        assert_eq!((s.jobs, s.link), (3, true));
        let s = Request::default().resolve(&profile()).unwrap().unwrap();
        assert_eq!((s.config.url(), s.jobs), ("grpc://farm:8980/p", 8));
        let none = Request::default()
            .resolve(&RemoteDefaults::default())
            .unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn remote_exec_off_overrides_the_profile() {
        let off = Request {
            url: Some("off".into()),
            ..Default::default()
        };
        assert!(off.resolve(&profile()).unwrap().is_none());
    }

    #[test]
    fn a_bad_profile_address_is_named_as_the_profiles() {
        let bad = RemoteDefaults {
            exec: Some("http://x:1".into()),
            ..Default::default()
        };
        let e = Request::default().resolve(&bad).unwrap_err().to_string();
        assert!(e.contains("profile's remote_exec"), "{e}");
    }
}
