//! C and assembler files of a package without cgo, as the go command's
//! gccgo driver compiles them (`cmd/go/internal/work/gccgo.go`, `cc` and
//! `asm`): `.c` files with the target's C compiler, `.s`/`.S` files with the
//! gccgo driver, both knowing the package's path as gccgo mangles it
//! (`GOPKGPATH`). A cgo package's C side is `plan::cgo`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Output, Role, Step, package_work_dir};
use crate::graph::Package;
use crate::process::Cmd;
use crate::toolchain::Toolchain;

/// The C and assembler compiles of a package without cgo, each with its
/// object, after a step making their directory; adds the C compiler to
/// `settings` and the sources and headers to `inputs`.
pub(super) fn extra_steps(
    p: &Package,
    tc: &Toolchain,
    work: &Path,
    settings: &mut BTreeMap<String, String>,
    inputs: &mut Vec<PathBuf>,
) -> Vec<(Step, Option<Output>)> {
    let extra = extra_objects(p, work);
    if extra.is_empty() {
        return Vec::new();
    }
    settings.insert(
        "cc".into(),
        format!("{} {}", c_compiler(tc).display(), C_FLAGS.join(" ")),
    );
    let mut v = vec![(Step::Mkdir(package_work_dir(work, &p.import_path)), None)];
    for (name, o) in &extra {
        inputs.push(p.files.source_path(name));
        let output = Output {
            role: Role::Extra,
            path: o.clone(),
        };
        v.push((Step::Run(extra_compile(p, tc, name, o)), Some(output)));
    }
    // Headers are read by the C and assembler compiles.
    inputs.extend(p.files.h_files.iter().map(|h| p.files.source_path(h)));
    v
}

/// The command compiling one C or assembler file `name` of `p` to `obj`:
/// the target's C compiler with `GOPKGPATH` as a string for `.c`, the gccgo
/// driver with `-xassembler-with-cpp` and `GOPKGPATH` as a symbol otherwise,
/// both with `GOOS_<goos>`/`GOARCH_<goarch>` defined, as `work/gccgo.go`.
fn extra_compile(p: &Package, tc: &Toolchain, name: &str, obj: &Path) -> Cmd {
    let defs = [
        "-D".to_string(),
        format!("GOOS_{}", tc.target.goos),
        "-D".to_string(),
        format!("GOARCH_{}", tc.target.goarch),
    ];
    let (gcc_major, _) = crate::toolchain::gcc_major_minor(&tc.gcc_version);
    let symbol = mangle_pkgpath(gcc_major, &p.import_path);
    let src = p.files.source_path(name);
    if name.ends_with(".c") {
        let mut c = Cmd::new(c_compiler(tc))
            .arg("-c")
            .args(C_FLAGS.iter().copied())
            .args(["-D".to_string(), format!("GOPKGPATH=\"{symbol}\"")]);
        if SPLIT_STACK_ARCHES.contains(&tc.target.goarch.as_str()) {
            // gccgo's Go code runs on split stacks on these targets; go
            // compiles C files with -fsplit-stack when gcc accepts it.
            c = c.arg("-fsplit-stack");
        }
        c.args(tc.cflags.iter())
            .args(defs.iter())
            .arg("-I")
            .arg(p.dir.as_os_str())
            .arg("-o")
            .arg(obj.as_os_str())
            .arg(src.as_os_str())
    } else {
        Cmd::new(tc.gccgo.as_os_str())
            .arg("-xassembler-with-cpp")
            .args(tc.cflags.iter())
            .args(defs.iter())
            .args(["-D".to_string(), format!("GOPKGPATH={symbol}")])
            .arg("-I")
            .arg(p.dir.as_os_str())
            .arg("-c")
            .arg("-o")
            .arg(obj.as_os_str())
            .arg(src.as_os_str())
    }
}

/// A package path as gccgo spells it in symbol names, which C and
/// assembler files use through `GOPKGPATH` (golang.org/x/sys/unix's
/// `gccgo_c.c` names `GOPKGPATH ".realSyscall"`). The scheme depends on the
/// GCC release, as `cmd/internal/pkgpath` detects by compiling a file:
/// v3 (`golang.org/x` → `golang_0org_1x`) from GCC 11 (checked: gccgo 11 and
/// 12 emit `go_0l_u00e4ufer.Run` for package `läufer`), v2 (`.x2e`, `..z2f`)
/// in GCC 9 and 10, v1 (every other byte `_`) before.
pub fn mangle_pkgpath(gcc_major: u32, path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        match gcc_major {
            11.. => {
                let code = match c {
                    '_' => Some('_'),
                    '.' => Some('0'),
                    '/' => Some('1'),
                    '*' => Some('2'),
                    ',' => Some('3'),
                    '{' => Some('4'),
                    '}' => Some('5'),
                    '[' => Some('6'),
                    ']' => Some('7'),
                    '(' => Some('8'),
                    ')' => Some('9'),
                    '"' => Some('a'),
                    ' ' => Some('b'),
                    ';' => Some('c'),
                    _ => None,
                };
                match code {
                    Some(u) => {
                        out.push('_');
                        out.push(u);
                    }
                    None if (c as u32) < 0x80 => out.push_str(&format!("_x{:02x}", c as u32)),
                    None if (c as u32) < 0x10000 => out.push_str(&format!("_u{:04x}", c as u32)),
                    None => out.push_str(&format!("_U{:08x}", c as u32)),
                }
            }
            9 | 10 => match c {
                '_' => out.push('_'),
                '.' => out.push_str(".x2e"),
                c if (c as u32) < 0x80 => out.push_str(&format!("..z{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("..u{:04x}", c as u32)),
                c => out.push_str(&format!("..U{:08x}", c as u32)),
            },
            _ => out.push('_'),
        }
    }
    out
}

/// Flags of every C compile (before the toolchain's own flags), as the
/// issue's rule `<triple>-gcc -c -O2 -g <cflags> -I <pkgdir>` and go's `-Wall`.
const C_FLAGS: &[&str] = &["-O2", "-g", "-Wall"];

/// GOARCH values whose gccgo uses split stacks, so C called from Go is
/// compiled with `-fsplit-stack` (GCC supports it on x86 and s390 GNU/Linux;
/// go probes `gccSupportsFlag(compiler, "-fsplit-stack")`, which says the same).
pub(super) const SPLIT_STACK_ARCHES: &[&str] = &["386", "amd64", "s390", "s390x"];

/// The C compiler of the same GCC installation as the gccgo driver: its
/// name with `gccgo` replaced by `gcc` (`/usr/bin/mips-linux-gnu-gccgo` →
/// `/usr/bin/mips-linux-gnu-gcc`, `gccgo-12` → `gcc-12`), so the C objects
/// match the Go ones (same GCC version and ABI defaults). When that file is
/// missing: `<machine>-gcc`, then `gcc` from PATH (a build that needs it then
/// fails naming the program). The `cc` crate was not used: it wants Rust
/// target triples and adds Cargo's flags (`-ffunction-sections`, `-fPIC`, …).
pub fn c_compiler(tc: &Toolchain) -> PathBuf {
    if let Some(name) = tc
        .gccgo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        && let Some(i) = name.rfind("gccgo")
    {
        let cc = tc
            .gccgo
            .with_file_name(format!("{}gcc{}", &name[..i], &name[i + 5..]));
        if cc.is_file() {
            return cc;
        }
    }
    let triple = PathBuf::from(format!("{}-gcc", tc.machine));
    crate::toolchain::find_program(&triple)
        .or_else(|| crate::toolchain::find_program(Path::new("gcc")))
        .unwrap_or(triple)
}

/// The C and assembler objects of a package, in file order: (source file
/// name, `$WORK/<import path>/_c_<stem>.o` or `_s_<stem>.o`).
pub(super) fn extra_objects(p: &Package, work: &Path) -> Vec<(String, PathBuf)> {
    let dir = package_work_dir(work, &p.import_path);
    let stem = |n: &str| n.rsplit_once('.').map_or(n, |(s, _)| s).to_string();
    p.files
        .c_files
        .iter()
        .map(|n| (n.clone(), dir.join(format!("_c_{}.o", stem(n)))))
        .chain(
            p.files
                .s_files
                .iter()
                .map(|n| (n.clone(), dir.join(format!("_s_{}.o", stem(n))))),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkgpath_mangling_matches_cmd_internal_pkgpath() {
        // The table of cmd/internal/pkgpath's pkgpath_test.go (Go 1.19): input, v1, v2, v3.
        let table = [
            ("", "", "", ""),
            ("bytes", "bytes", "bytes", "bytes"),
            ("net/http", "net_http", "net..z2fhttp", "net_1http"),
            (
                "golang.org/x/net/http",
                "golang_org_x_net_http",
                "golang.x2eorg..z2fx..z2fnet..z2fhttp",
                "golang_0org_1x_1net_1http",
            ),
            (
                "p\u{e4}\u{4e16}.\u{1f703}",
                "p____",
                "p..u00e4..u4e16.x2e..U0001f703",
                "p_u00e4_u4e16_0_U0001f703",
            ),
        ];
        for (input, v1, v2, v3) in table {
            assert_eq!(mangle_pkgpath(8, input), v1, "{input}");
            assert_eq!(mangle_pkgpath(10, input), v2, "{input}");
            assert_eq!(mangle_pkgpath(12, input), v3, "{input}");
        }
    }
}
