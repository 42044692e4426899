//! pkg-config: the C flags and libraries of a package's `#cgo pkg-config:`
//! names, for the **target** (cmd/go/internal/work/exec.go,
//! `getPkgConfigFlags`). A cross build asks about the target's libraries:
//! Debian's multiarch `/usr/lib/<triple>/pkgconfig`, or an OpenWrt SDK's
//! `staging_dir/target-*/usr/lib/pkgconfig` with `PKG_CONFIG_SYSROOT_DIR`
//! set to that target directory; the user's own `PKG_CONFIG_LIBDIR` and
//! `PKG_CONFIG_SYSROOT_DIR` win. pkg-config runs while planning (its
//! answer is part of the compile's key), never during the build.

use std::path::{Path, PathBuf};

use crate::process::Cmd;
use crate::toolchain::Toolchain;

use super::Env;

/// What pkg-config said for one package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PkgConfig {
    /// `--cflags`, split as the go command splits them.
    pub cflags: Vec<String>,
    /// `--libs`, split on white space.
    pub libs: Vec<String>,
    /// The commands run, with the environment they ran in (for `-x`
    /// readers and the cache key).
    pub commands: Vec<String>,
}

/// The environment pkg-config runs in for `tc`'s target: nothing for a
/// native build; for a cross build `PKG_CONFIG_LIBDIR` (and, for an
/// OpenWrt SDK, `PKG_CONFIG_SYSROOT_DIR`) unless the user set them.
pub fn target_env(tc: &Toolchain, env: &Env) -> Vec<(String, String)> {
    if super::is_native(tc) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let sdk_target = sdk_target_dir(&tc.gccgo);
    if env.get("PKG_CONFIG_LIBDIR").is_none() {
        let libdir = match &sdk_target {
            Some(t) => format!(
                "{}:{}",
                t.join("usr/lib/pkgconfig").display(),
                t.join("usr/share/pkgconfig").display()
            ),
            // Debian's cross wrapper (`<triple>-pkg-config`) says the same.
            None => format!(
                "/usr/local/lib/{m}/pkgconfig:/usr/local/share/pkgconfig:/usr/lib/{m}/pkgconfig:/usr/share/pkgconfig",
                m = tc.machine
            ),
        };
        out.push(("PKG_CONFIG_LIBDIR".to_string(), libdir));
    }
    if let (Some(t), None) = (&sdk_target, env.get("PKG_CONFIG_SYSROOT_DIR")) {
        out.push((
            "PKG_CONFIG_SYSROOT_DIR".to_string(),
            t.display().to_string(),
        ));
    }
    out
}

/// For a compiler in an OpenWrt SDK (`…/staging_dir/toolchain-*/bin/…`),
/// the SDK's target directory `…/staging_dir/target-*` (the first, by name,
/// that is not a host directory), where the target's libraries and their
/// `.pc` files are staged.
fn sdk_target_dir(gccgo: &Path) -> Option<PathBuf> {
    let staging = gccgo
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "staging_dir"))?;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(staging)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("target-") && !n.ends_with("_host"))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().next()
}

/// Runs pkg-config for the package in `dir` whose `#cgo pkg-config:`
/// arguments are `args` (package names and `--` options, which go moves
/// before the names).
///
/// Errors: an unsafe package name (go's `invalid pkg-config package name`),
/// pkg-config failing (its command and output), or a flag it prints that
/// the allow-list refuses.
pub fn query(tc: &Toolchain, env: &Env, dir: &Path, args: &[String]) -> Result<PkgConfig, String> {
    let (opts, pkgs): (Vec<&String>, Vec<&String>) = args
        .iter()
        .filter(|a| a.as_str() != "--")
        .partition(|a| a.starts_with("--"));
    if let Some(bad) = pkgs.iter().find(|p| !super::security::safe_arg(p)) {
        return Err(format!("invalid pkg-config package name: {bad}"));
    }
    let program = env.get("PKG_CONFIG").unwrap_or("pkg-config").to_string();
    let vars = target_env(tc, env);
    let mut out = PkgConfig::default();
    for what in ["--cflags", "--libs"] {
        let mut cmd = Cmd::new("env");
        cmd = cmd.args(vars.iter().map(|(k, v)| format!("{k}={v}")));
        cmd = cmd
            .arg(&program)
            .arg(what)
            .args(opts.iter().map(|s| s.as_str()))
            .arg("--")
            .args(pkgs.iter().map(|s| s.as_str()));
        cmd.dir = Some(dir.to_path_buf());
        out.commands.push(cmd.to_string());
        let o = cmd.run(None).map_err(|e| match e.output() {
            Some(o) => format!("{e}\n{}{}", o.stdout, o.stderr)
                .trim_end()
                .to_string(),
            None => e.to_string(),
        })?;
        if what == "--cflags" {
            out.cflags = split_pkg_config_output(&o.stdout)?;
            super::security::check_compiler_flags(
                "CFLAGS",
                "pkg-config --cflags",
                &out.cflags,
                &|k| env.get(k).map(String::from),
            )?;
        } else {
            out.libs = o.stdout.split_whitespace().map(String::from).collect();
            super::security::check_linker_flags("LDFLAGS", "pkg-config --libs", &out.libs, &|k| {
                env.get(k).map(String::from)
            })?;
        }
    }
    Ok(out)
}

/// cmd/go's `splitPkgConfigOutput`: white-space separated fields, with
/// `\\` escaping the next character and `'`/`"` quoting (pkg-config quotes
/// paths with spaces); inside quotes, a backslash stays unless it escapes
/// `$`, `` ` ``, `"` or `\\`.
///
/// Errors: a quote left open or a trailing `\\`.
fn split_pkg_config_output(out: &str) -> Result<Vec<String>, String> {
    let mut flags = Vec::new();
    let mut flag = String::new();
    let (mut escaped, mut quote) = (false, None::<char>);
    for c in out.chars() {
        if escaped {
            if quote.is_some() && !matches!(c, '$' | '`' | '"' | '\\') {
                flag.push('\\');
            }
            flag.push(c);
            escaped = false;
        } else if let Some(q) = quote {
            match c {
                _ if c == q => quote = None,
                '\\' => escaped = true,
                _ => flag.push(c),
            }
        } else if !" \t\n\x0b\x0c\r".contains(c) {
            match c {
                '\\' => escaped = true,
                '\'' | '"' => quote = Some(c),
                _ => flag.push(c),
            }
        } else if !flag.is_empty() {
            flags.push(std::mem::take(&mut flag));
        }
    }
    if quote.is_some() {
        return Err("unterminated quoted string in pkgconf output".into());
    }
    if escaped {
        return Err("broken character escaping in pkgconf output".into());
    }
    if !flag.is_empty() {
        flags.push(flag);
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkg_config_output_is_split_as_go_does() {
        assert_eq!(
            split_pkg_config_output("-I/usr/include -DA=\"b c\" -I/with\\ space \n").unwrap(),
            ["-I/usr/include", "-DA=b c", "-I/with space"]
        );
        assert!(split_pkg_config_output("-I\"x").is_err());
        assert_eq!(split_pkg_config_output("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn openwrt_target_directory_is_found_beside_the_toolchain() {
        let d = tempfile::tempdir().unwrap();
        let st = d.path().join("staging_dir");
        for sub in [
            "toolchain-mipsel_24kc_gcc-12.3.0_musl/bin",
            "target-mipsel_24kc_musl/usr/lib/pkgconfig",
            "host/bin",
        ] {
            std::fs::create_dir_all(st.join(sub)).unwrap();
        }
        let gccgo =
            st.join("toolchain-mipsel_24kc_gcc-12.3.0_musl/bin/mipsel-openwrt-linux-musl-gccgo");
        assert_eq!(
            sdk_target_dir(&gccgo),
            Some(st.join("target-mipsel_24kc_musl"))
        );
        assert_eq!(
            sdk_target_dir(Path::new("/usr/bin/mipsel-linux-gnu-gccgo")),
            None
        );
    }
}
