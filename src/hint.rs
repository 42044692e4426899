//! Hints: failures of the tools gccgo-build runs that have a known cause
//! and a known fix, recognised by the text of their diagnostics, each with
//! the one line that says what to do. The scheduler adds the line under a
//! failed action's output (`gccgo-build: hint: …`); nothing here runs or
//! decides anything.
//!
//! Known today: Debian's golang.org/x/sys/unix (golang-golang-x-sys-dev)
//! on 32-bit MIPS, whose syscall_linux_mipsx.go declares `Syscall9` (a
//! body-less declaration for gc's assembly) while gccgo.go defines it, so
//! gccgo says `redefinition of 'Syscall9'`. The repository ships the fixed
//! file and an overlay for it in examples/overlays/x-sys-unix-mips/.

use std::path::{Path, PathBuf};

/// The file whose declaration gccgo reports as a redefinition.
const MIPSX_FILE: &str = "syscall_linux_mipsx.go";

/// Where the fixed file lives, relative to the repository root.
pub const MIPSX_OVERLAY_DIR: &str = "examples/overlays/x-sys-unix-mips";

/// The hint for the output of a failed action, when its diagnostics are a
/// known failure; `None` otherwise.
pub fn for_output(output: &str) -> Option<String> {
    let path = syscall9_redefinition(output)?;
    Some(syscall9_hint(&path, shipped_mipsx_file().as_deref()))
}

/// The path of the x/sys/unix file in a gccgo diagnostic
/// `…/syscall_linux_mipsx.go:16:1: error: redefinition of 'Syscall9'`
/// (the quotes are typographic in a UTF-8 locale); `None` when no line
/// says that.
fn syscall9_redefinition(output: &str) -> Option<String> {
    output.lines().find_map(|l| {
        if !(l.contains("error: redefinition of") && l.contains("Syscall9")) {
            return None;
        }
        let end = l.find(&format!("{MIPSX_FILE}:"))? + MIPSX_FILE.len();
        Some(l[..end].to_string())
    })
}

/// The fixed file shipped in the repository gccgo-build was built from,
/// when it is still there.
fn shipped_mipsx_file() -> Option<PathBuf> {
    let p = Path::new(option_env!("CARGO_MANIFEST_DIR")?)
        .join(MIPSX_OVERLAY_DIR)
        .join(MIPSX_FILE);
    p.is_file().then_some(p)
}

/// The hint line for the double `Syscall9` of the file at `path`: the
/// cause, and the exact `-overlay` flag (absolute paths, since the go
/// command and gccgo-build read an overlay's relative paths against the
/// current directory) as bash or zsh take it; without the shipped file,
/// where to find it.
fn syscall9_hint(path: &str, fixed: Option<&Path>) -> String {
    let cause = "Debian's golang.org/x/sys/unix declares Syscall9 in syscall_linux_mipsx.go \
                 (for gc's assembly) and defines it in gccgo.go";
    let Some(fixed) = fixed else {
        return format!(
            "{cause}; gccgo-build's source repository ships the fixed file and an overlay in \
             {MIPSX_OVERLAY_DIR}/ (see its README)"
        );
    };
    let json = serde_json::json!({ "Replace": { path: fixed.to_string_lossy() } }).to_string();
    let word = shlex::try_quote(&json).map_or_else(|_| json.clone(), |q| q.into_owned());
    format!("{cause}; build with the fixed file gccgo-build ships: -overlay <(echo {word})")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIAG: &str = "/usr/share/gocode/src/golang.org/x/sys/unix/syscall_linux_mipsx.go:16:1: \
                        error: redefinition of \u{2018}Syscall9\u{2019}\n   16 | func Syscall9(…\n";

    #[test]
    fn the_double_syscall9_is_recognised_in_either_locale() {
        let want = "/usr/share/gocode/src/golang.org/x/sys/unix/syscall_linux_mipsx.go";
        assert_eq!(syscall9_redefinition(DIAG).as_deref(), Some(want));
        let c_locale = "x/syscall_linux_mipsx.go:16:1: error: redefinition of 'Syscall9'\n";
        assert_eq!(
            syscall9_redefinition(c_locale).as_deref(),
            Some("x/syscall_linux_mipsx.go")
        );
        assert_eq!(
            syscall9_redefinition("a.go:1:1: error: redefinition of 'X'"),
            None
        );
        assert_eq!(for_output("all fine"), None);
    }

    #[test]
    fn the_hint_is_one_line_with_the_exact_overlay() {
        let h = syscall9_hint("/s/syscall_linux_mipsx.go", Some(Path::new("/r/fixed.go")));
        assert!(!h.contains('\n'), "{h}");
        assert!(
            h.ends_with(
                r#"-overlay <(echo '{"Replace":{"/s/syscall_linux_mipsx.go":"/r/fixed.go"}}')"#
            ),
            "{h}"
        );
        let h = syscall9_hint("/s/syscall_linux_mipsx.go", None);
        assert!(h.contains(MIPSX_OVERLAY_DIR), "{h}");
    }
}
