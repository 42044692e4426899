//! Link: decisions about the final executable that are not compiler
//! commands — which linker runs (`--linker`; `auto` asks the toolchain's
//! linker probe, `toolchain::LinkerFacts`), its default name (as `go build` names it), and the size line
//! printed after every link, and the check of the file at OUT before a build (the rule
//! for OUT after one is `store::Store::remove_if_ours`). The link
//! command itself is planned in `plan`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::store::Store;
use crate::toolchain::{Linker, LinkerChoice, LinkerFacts, Toolchain};

/// The linker a build's links run with (`plan::Flags::linker`): the one
/// named; for `auto`, the probe's answer for `tc` (`LinkerFacts::of`,
/// remembered in `store`), unless the profile's or the user's link flags
/// already name one with `-fuse-ld=` (`None`: theirs stands).
pub fn choose_linker(
    choice: LinkerChoice,
    tc: &Toolchain,
    ldflags: &[String],
    store: &Store,
) -> Option<Linker> {
    match choice {
        LinkerChoice::Named(l) => Some(l),
        LinkerChoice::Auto => {
            let pinned = crate::toolchain::fuse_ld(&tc.ldflags).is_some()
                || crate::toolchain::fuse_ld(ldflags).is_some();
            if pinned {
                None
            } else {
                LinkerFacts::of(tc, store).chosen
            }
        }
    }
}

/// Whether `bytes` start like a file a build may replace: an object or
/// executable (ELF, an `ar` archive, a `#!` script), as the go command's
/// `isObject` check before it overwrites `-o`.
fn looks_like_object(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF") || bytes.starts_with(b"!<arch>\n") || bytes.starts_with(b"#!")
}

/// Refuses to build over a file at `out` that is not an object or
/// executable (a text file, say), before anything is built: the build would
/// replace it, and a failure would have to leave it alone. An empty file, a
/// missing one or one gccgo-build installed (see `Store::remove_if_ours`) is fine.
///
/// Errors: `out` is a directory-less path to such a file (names it and the fix).
pub fn refuse_foreign_output(out: &Path, store: &Store) -> Result<()> {
    use std::io::Read;
    let Ok(md) = std::fs::metadata(out) else {
        return Ok(());
    };
    if !md.is_file() || md.len() == 0 || store.installed_here(out) {
        return Ok(());
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(out)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    if !looks_like_object(&head[..n]) {
        bail!(
            "-o {}: the file there is not an executable or object file, so gccgo-build will not \
             overwrite it (as the go command refuses to); remove it or choose another -o",
            out.display()
        );
    }
    Ok(())
}

/// The executable name `go build` gives package `p`: for files named on
/// the command line, the first Go file's name without `.go` (go's
/// `exeFromFiles`: `build minion.go` writes `minion`), else
/// `default_exe_name` of its import path.
pub fn exe_name(p: &crate::graph::Package) -> String {
    if p.import_path == crate::resolve::COMMAND_LINE_ARGUMENTS
        && let Some(f) = p.files.go_files.first()
    {
        return f.name.trim_end_matches(".go").to_string();
    }
    default_exe_name(&p.import_path)
}

/// The executable name `go build` gives a command: the last element of its
/// import path, or the one before a major-version suffix (`…/tool/v2` → `tool`).
pub fn default_exe_name(import_path: &str) -> String {
    let mut parts: Vec<&str> = import_path.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() > 1
        && let Some(last) = parts.last()
        && last.len() > 1
        && last.starts_with('v')
        && last[1..].chars().all(|c| c.is_ascii_digit())
    {
        parts.pop();
    }
    parts
        .last()
        .map_or_else(|| "a.out".to_string(), |s| s.to_string())
}

/// A size in bytes as people read it: `3.26 MB` (10^6), with the exact byte count.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB ({bytes} bytes)", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB ({bytes} bytes)", bytes as f64 / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// The one line printed after a link: path and size.
pub fn size_line(out: &Path) -> Option<String> {
    let len = std::fs::metadata(out).ok()?.len();
    Some(format!("{}: {}", out.display(), human_size(len)))
}

/// What the file at `out` takes on an OpenWrt device's flash, as the size
/// line's tail: `, on flash 2.41 MB xz (squashfs), 3.35 MB zlib (jffs2)`
/// (`sizes::flash`: squashfs's 256 KiB xz blocks, JFFS2's 4 KiB zlib
/// nodes). `None` when the file cannot be read.
pub fn flash_note(out: &Path) -> Option<String> {
    let data = std::fs::read(out).ok()?;
    let f = crate::sizes::flash::measure(&data).ok()?;
    let short = |n: u64| match n {
        0..1_000 => format!("{n} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.2} MB", n as f64 / 1e6),
    };
    Some(format!(
        ", on flash {}",
        crate::sizes::flash::describe(&f, short)
    ))
}

/// The `n` largest sections of an ELF file that take bytes in the file,
/// as lines `.text  1.23 MB (…)`; empty when the file is not ELF.
pub fn largest_sections(out: &Path, n: usize) -> Vec<String> {
    let Ok(info) = crate::inspect::inspect_file(out) else {
        return vec![];
    };
    let mut secs: Vec<_> = info.sections.into_iter().filter(|s| s.in_file).collect();
    secs.sort_by_key(|s| std::cmp::Reverse(s.size));
    secs.into_iter()
        .take(n)
        .map(|s| format!("{:<20} {}", s.name, human_size(s.size)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_names_as_go_build() {
        assert_eq!(default_exe_name("example.com/minion/cmd/minion"), "minion");
        assert_eq!(
            default_exe_name("github.com/cespare/xxhash/v2/xxhsum"),
            "xxhsum"
        );
        assert_eq!(
            default_exe_name("github.com/cpuguy83/go-md2man/v2"),
            "go-md2man"
        );
        assert_eq!(default_exe_name("v2"), "v2");
    }
}
