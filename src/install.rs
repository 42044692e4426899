//! `gccgo-build install`, as `go install` (cmd/go/internal/work/build.go
//! `InstallPackages`, load/pkg.go's targets, modload `BinDir`): the named
//! commands are linked into GOBIN, else the first GOPATH entry's `bin`
//! (GOPATH defaults to `$HOME/go`), and into `bin/GOOS_GOARCH` when the
//! target is not the host; the other packages named are built and checked
//! only (gccgo-build keeps no package archives outside its cache). The
//! build itself is `build::build` with that directory as `-o DIR/`.
//!
//! `install pkg@version` loads outside any module (`resolve::outside`);
//! only main packages are installed then, as go.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::build::BuildConfig;

/// Where `go install` puts commands, for a target that is (`cross`: not)
/// the host's `goos_goarch`: `gobin`, else `gopath`'s first entry + `/bin`
/// (+ `/GOOS_GOARCH` for a cross target), else `home/go/bin`.
///
/// Errors, in go's words: a relative GOBIN; GOBIN with a cross target; no
/// GOPATH and no HOME.
pub fn bin_dir(
    gobin: Option<&str>,
    gopath: Option<&str>,
    home: Option<&Path>,
    cross: Option<&str>,
) -> Result<PathBuf> {
    if let Some(b) = gobin {
        if !Path::new(b).is_absolute() {
            bail!("cannot install, GOBIN must be an absolute path");
        }
        if cross.is_some() {
            bail!("cannot install cross-compiled binaries when GOBIN is set");
        }
        return Ok(PathBuf::from(b));
    }
    let root =
        match gopath.and_then(|p| std::env::split_paths(p).find(|e| !e.as_os_str().is_empty())) {
            Some(p) => p,
            None => match home {
                Some(h) => h.join("go"),
                None => bail!("no install location: neither GOBIN nor GOPATH nor HOME is set"),
            },
        };
    let bin = root.join("bin");
    Ok(match cross {
        Some(goos_goarch) => bin.join(goos_goarch),
        None => bin,
    })
}

/// Runs `install` with `cfg` (its `output` is ignored: install has no `-o`).
///
/// Errors: the errors of `bin_dir`, and whatever the build reports. (`.go` files are installed
/// under the first file's name, as go does in module mode.)
pub fn main(cwd: &Path, cfg: &BuildConfig) -> Result<i32> {
    let tc = crate::build::toolchain_for_selection(&cfg.load.choice.selection(), &cfg.store)?;
    let host = crate::target::host_goarch().unwrap_or("amd64");
    let t = &tc.target;
    let cross = (t.goos != "linux" || t.goarch != host).then(|| format!("{}_{}", t.goos, t.goarch));
    let gobin = crate::profile::goenv::getenv("GOBIN").map(|(v, _)| v);
    let gopath = crate::profile::goenv::getenv("GOPATH").map(|(v, _)| v);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let dir = bin_dir(
        gobin.as_deref(),
        gopath.as_deref(),
        home.as_deref(),
        cross.as_deref(),
    )?;
    let mut c = cfg.clone();
    c.output = Some(PathBuf::from(format!("{}/", dir.display())));
    c.install = true;
    c.quiet = true;
    if !c.dry_run {
        std::fs::create_dir_all(&dir).map_err(|e| {
            anyhow::anyhow!(
                "install: creating {}: {}",
                dir.display(),
                crate::words::io_error(&e)
            )
        })?;
    }
    crate::build::build(cwd, &c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_dir_as_go_install_chooses_it() {
        let h = Path::new("/home/u");
        let d = |gobin, gopath, cross| bin_dir(gobin, gopath, Some(h), cross);
        assert_eq!(d(None, None, None).unwrap(), Path::new("/home/u/go/bin"));
        assert_eq!(d(None, Some("/a:/b"), None).unwrap(), Path::new("/a/bin"));
        assert_eq!(
            d(None, Some("/a"), Some("linux_mips")).unwrap(),
            Path::new("/a/bin/linux_mips")
        );
        assert_eq!(d(Some("/g"), Some("/a"), None).unwrap(), Path::new("/g"));
        let e = d(Some("/g"), None, Some("linux_mips")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot install cross-compiled binaries when GOBIN is set"
        );
        assert!(d(Some("rel"), None, None).is_err());
    }
}
