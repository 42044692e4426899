//! Security: the go command's allow-list of the flags a `#cgo` directive
//! (or `pkg-config`) may hand the C compiler and the linker
//! (cmd/go/internal/work/security.go, Go 1.19), with its overrides
//! `CGO_<NAME>_ALLOW` and `CGO_<NAME>_DISALLOW` and its error messages.
//! Flags from the environment (`CGO_CFLAGS` …) are the user's own and are
//! not checked, as the go command does not check them.

use std::sync::LazyLock;

use regex::Regex;

/// Compiles the allow-list, each pattern as written in security.go.
fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns
        .iter()
        .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("allow-list pattern {p}: {e}")))
        .collect()
}

/// security.go's `validCompilerFlags`.
static VALID_COMPILER_FLAGS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"-D([A-Za-z_][A-Za-z0-9_]*)(=[^@\-]*)?",
        r"-U([A-Za-z_][A-Za-z0-9_]*)",
        r"-F([^@\-].*)",
        r"-I([^@\-].*)",
        r"-O",
        r"-O([^@\-].*)",
        r"-W",
        r"-W([^@,]+)",
        r"-Wa,-mbig-obj",
        r"-Wp,-D([A-Za-z_][A-Za-z0-9_]*)(=[^@,\-]*)?",
        r"-Wp,-U([A-Za-z_][A-Za-z0-9_]*)",
        r"-ansi",
        r"-f(no-)?asynchronous-unwind-tables",
        r"-f(no-)?blocks",
        r"-f(no-)builtin-[a-zA-Z0-9_]*",
        r"-f(no-)?common",
        r"-f(no-)?constant-cfstrings",
        r"-fdiagnostics-show-note-include-stack",
        r"-f(no-)?eliminate-unused-debug-types",
        r"-f(no-)?exceptions",
        r"-f(no-)?fast-math",
        r"-f(no-)?inline-functions",
        r"-finput-charset=([^@\-].*)",
        r"-f(no-)?fat-lto-objects",
        r"-f(no-)?keep-inline-dllexport",
        r"-f(no-)?lto",
        r"-fmacro-backtrace-limit=(.+)",
        r"-fmessage-length=(.+)",
        r"-f(no-)?modules",
        r"-f(no-)?objc-arc",
        r"-f(no-)?objc-nonfragile-abi",
        r"-f(no-)?objc-legacy-dispatch",
        r"-f(no-)?omit-frame-pointer",
        r"-f(no-)?openmp(-simd)?",
        r"-f(no-)?permissive",
        r"-f(no-)?(pic|PIC|pie|PIE)",
        r"-f(no-)?plt",
        r"-f(no-)?rtti",
        r"-f(no-)?split-stack",
        r"-f(no-)?stack-(.+)",
        r"-f(no-)?strict-aliasing",
        r"-f(un)signed-char",
        r"-f(no-)?use-linker-plugin",
        r"-f(no-)?visibility-inlines-hidden",
        r"-fsanitize=(.+)",
        r"-ftemplate-depth-(.+)",
        r"-fvisibility=(.+)",
        r"-g([^@\-].*)?",
        r"-m32",
        r"-m64",
        r"-m(abi|arch|cpu|fpu|tune)=([^@\-].*)",
        r"-m(no-)?v?aes",
        r"-marm",
        r"-m(no-)?avx[0-9a-z]*",
        r"-mfloat-abi=([^@\-].*)",
        r"-mfpmath=[0-9a-z,+]*",
        r"-m(no-)?avx[0-9a-z.]*",
        r"-m(no-)?ms-bitfields",
        r"-m(no-)?stack-(.+)",
        r"-mmacosx-(.+)",
        r"-mios-simulator-version-min=(.+)",
        r"-miphoneos-version-min=(.+)",
        r"-mtvos-simulator-version-min=(.+)",
        r"-mtvos-version-min=(.+)",
        r"-mwatchos-simulator-version-min=(.+)",
        r"-mwatchos-version-min=(.+)",
        r"-mnop-fun-dllimport",
        r"-m(no-)?sse[0-9.]*",
        r"-m(no-)?ssse3",
        r"-mthumb(-interwork)?",
        r"-mthreads",
        r"-mwindows",
        r"--param=ssp-buffer-size=[0-9]*",
        r"-pedantic(-errors)?",
        r"-pipe",
        r"-pthread",
        r"-?-std=([^@\-].*)",
        r"-?-stdlib=([^@\-].*)",
        r"--sysroot=([^@\-].*)",
        r"-w",
        r"-x([^@\-].*)",
        r"-v",
    ])
});

/// security.go's `validCompilerFlagsWithNextArg`.
const VALID_COMPILER_FLAGS_WITH_NEXT_ARG: &[&str] = &[
    "-arch",
    "-D",
    "-U",
    "-I",
    "-F",
    "-framework",
    "-include",
    "-isysroot",
    "-isystem",
    "--sysroot",
    "-target",
    "-x",
];

/// security.go's `validLinkerFlags`. Wildcards inside `-Wl,` exclude the
/// comma, which would tunnel more arguments to the linker.
static VALID_LINKER_FLAGS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"-F([^@\-].*)",
        r"-l([^@\-].*)",
        r"-L([^@\-].*)",
        r"-O",
        r"-O([^@\-].*)",
        r"-f(no-)?(pic|PIC|pie|PIE)",
        r"-f(no-)?openmp(-simd)?",
        r"-fsanitize=([^@\-].*)",
        r"-flat_namespace",
        r"-g([^@\-].*)?",
        r"-headerpad_max_install_names",
        r"-m(abi|arch|cpu|fpu|tune)=([^@\-].*)",
        r"-mfloat-abi=([^@\-].*)",
        r"-mmacosx-(.+)",
        r"-mios-simulator-version-min=(.+)",
        r"-miphoneos-version-min=(.+)",
        r"-mthreads",
        r"-mwindows",
        r"-(pic|PIC|pie|PIE)",
        r"-pthread",
        r"-rdynamic",
        r"-shared",
        r"-?-static([-a-z0-9+]*)",
        r"-?-stdlib=([^@\-].*)",
        r"-v",
        r"-Wl,--(no-)?allow-multiple-definition",
        r"-Wl,--(no-)?allow-shlib-undefined",
        r"-Wl,--(no-)?as-needed",
        r"-Wl,-Bdynamic",
        r"-Wl,-berok",
        r"-Wl,-Bstatic",
        r"-Wl,-Bsymbolic-functions",
        r"-Wl,-O([^@,\-][^,]*)?",
        r"-Wl,-d[ny]",
        r"-Wl,--disable-new-dtags",
        r"-Wl,-e[=,][a-zA-Z0-9]*",
        r"-Wl,--enable-new-dtags",
        r"-Wl,--end-group",
        r"-Wl,--(no-)?export-dynamic",
        r"-Wl,-E",
        r"-Wl,-framework,[^,@\-][^,]+",
        r"-Wl,--hash-style=(sysv|gnu|both)",
        r"-Wl,-headerpad_max_install_names",
        r"-Wl,--no-undefined",
        r"-Wl,-R([^@\-][^,@]*$)",
        r"-Wl,--just-symbols[=,]([^,@\-][^,@]+)",
        r"-Wl,-rpath(-link)?[=,]([^,@\-][^,]+)",
        r"-Wl,-s",
        r"-Wl,-search_paths_first",
        r"-Wl,-sectcreate,([^,@\-][^,]+),([^,@\-][^,]+),([^,@\-][^,]+)",
        r"-Wl,--start-group",
        r"-Wl,-?-static",
        r"-Wl,-?-subsystem,(native|windows|console|posix|xbox)",
        r"-Wl,-syslibroot[=,]([^,@\-][^,]+)",
        r"-Wl,-undefined[=,]([^,@\-][^,]+)",
        r"-Wl,-?-unresolved-symbols=[^,]+",
        r"-Wl,--(no-)?warn-([^,]+)",
        r"-Wl,-?-wrap[=,][^,@\-][^,]*",
        r"-Wl,-z,(no)?execstack",
        r"-Wl,-z,relro",
        r"[a-zA-Z0-9_/].*\.(a|o|obj|dll|dylib|so|tbd)",
        r"\./.*\.(a|o|obj|dll|dylib|so|tbd)",
    ])
});

/// security.go's `validLinkerFlagsWithNextArg`.
const VALID_LINKER_FLAGS_WITH_NEXT_ARG: &[&str] = &[
    "-arch",
    "-F",
    "-l",
    "-L",
    "-framework",
    "-isysroot",
    "--sysroot",
    "-target",
    "-Wl,-framework",
    "-Wl,-rpath",
    "-Wl,-R",
    "-Wl,--just-symbols",
    "-Wl,-undefined",
];

/// The user's overrides of the allow-list: the values of
/// `CGO_<NAME>_ALLOW` and `CGO_<NAME>_DISALLOW` (regular expressions that
/// must match a whole flag), looked up by variable name.
pub type Overrides<'a> = &'a dyn Fn(&str) -> Option<String>;

/// security.go's `checkCompilerFlags`: `name` is `CFLAGS`, `CPPFLAGS` or
/// `CXXFLAGS`, `source` where the flags come from (`#cgo CFLAGS`,
/// `pkg-config --cflags`).
///
/// Errors: the go command's message for the first disallowed flag
/// (`invalid flag in #cgo CFLAGS: -fplugin=x.so`), or a bad override.
pub fn check_compiler_flags(
    name: &str,
    source: &str,
    list: &[String],
    env: Overrides,
) -> Result<(), String> {
    check_flags(
        name,
        source,
        list,
        &VALID_COMPILER_FLAGS,
        VALID_COMPILER_FLAGS_WITH_NEXT_ARG,
        env,
    )
}

/// security.go's `checkLinkerFlags` (`name` is `LDFLAGS`).
///
/// Errors: as `check_compiler_flags`.
pub fn check_linker_flags(
    name: &str,
    source: &str,
    list: &[String],
    env: Overrides,
) -> Result<(), String> {
    check_flags(
        name,
        source,
        list,
        &VALID_LINKER_FLAGS,
        VALID_LINKER_FLAGS_WITH_NEXT_ARG,
        env,
    )
}

/// Whether `re` matches all of `s` the way Go's `re.FindString(s) == s`
/// does: the leftmost-first match (which Rust's regex also finds) is `s`.
fn whole(re: &Regex, s: &str) -> bool {
    re.find(s)
        .is_some_and(|m| m.start() == 0 && m.end() == s.len())
}

/// The override of `CGO_<name>_<kind>`, compiled.
///
/// Errors: go's `parsing $CGO_CFLAGS_ALLOW: …` for a bad expression.
fn override_re(name: &str, kind: &str, env: Overrides) -> Result<Option<Regex>, String> {
    let var = format!("CGO_{name}_{kind}");
    match env(&var).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Regex::new(&v)
            .map(Some)
            .map_err(|e| format!("parsing ${var}: {e}")),
    }
}

/// security.go's `checkFlags`.
fn check_flags(
    name: &str,
    source: &str,
    list: &[String],
    valid: &[Regex],
    valid_next: &[&str],
    env: Overrides,
) -> Result<(), String> {
    let allow = override_re(name, "ALLOW", env)?;
    let disallow = override_re(name, "DISALLOW", env)?;
    let mut i = 0;
    while i < list.len() {
        let arg = &list[i];
        let bad = || format!("invalid flag in {source}: {arg}");
        if disallow.as_ref().is_some_and(|r| whole(r, arg)) {
            return Err(bad());
        }
        if allow.as_ref().is_some_and(|r| whole(r, arg)) || valid.iter().any(|r| whole(r, arg)) {
            i += 1;
            continue;
        }
        if valid_next.contains(&arg.as_str()) {
            match list.get(i + 1) {
                Some(next) if next_arg_ok(arg, next) => {
                    i += 2;
                    continue;
                }
                Some(next) => {
                    return Err(format!(
                        "invalid flag in {source}: {arg} {next} (see https://golang.org/s/invalidflag)"
                    ));
                }
                None => {
                    return Err(format!(
                        "invalid flag in {source}: {arg} without argument (see https://golang.org/s/invalidflag)"
                    ));
                }
            }
        }
        return Err(bad());
    }
    Ok(())
}

/// Whether the argument after a flag that takes one is allowed: a safe
/// argument; `-Wl,-framework -Wl,name`; `-I =/path` and `-I $SYSROOT/…`.
fn next_arg_ok(arg: &str, next: &str) -> bool {
    if safe_arg(next) {
        return true;
    }
    if arg.starts_with("-Wl,")
        && let Some(n) = next.strip_prefix("-Wl,")
        && safe_arg(n)
        && !n.contains(',')
    {
        return true;
    }
    arg == "-I" && (next.starts_with('=') || next.starts_with("$SYSROOT")) && safe_arg(&next[1..])
}

/// cmd/go/internal/load's `SafeArg`: an argument that cannot be taken for
/// an option (it starts with a letter, digit, `.`, `_`, `/` or a non-ASCII
/// byte).
pub fn safe_arg(name: &str) -> bool {
    match name.as_bytes().first() {
        None => false,
        Some(&c) => c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'/' || c >= 0x80,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn allowed_and_refused_as_security_go() {
        // From security_test.go's goodCompilerFlags and badCompilerFlags.
        for good in [
            "-DFOO",
            "-Dfoo=bar",
            "-F/Qt",
            "-I/",
            "-I/etc/passwd",
            "-I.",
            "-O",
            "-O2",
            "-Osmall",
            "-W",
            "-Wall",
            "-fobjc-arc",
            "-fno-objc-arc",
            "-fsplit-stack",
            "-std=gnu99",
            "-g",
            "-ggdb",
            "-march=souza",
            "-mabi=32",
            "-pthread",
            "-w",
            "-xc",
        ] {
            assert_eq!(
                check_compiler_flags("CFLAGS", "test", &v(&[good]), &none),
                Ok(()),
                "{good}"
            );
        }
        for bad in [
            "-D@X",
            "-D-X",
            "-I@dir",
            "-I-dir",
            "-O@1",
            "-Wa,-foo",
            "-W@foo",
            "-g@gdb",
            "-g-gdb",
            "-march=@dawn",
            "-march=-dawn",
            "-std=@c99",
            "-std=-c99",
            "-x@c",
            "-x-c",
            "-fplugin=evil.so",
            "@x",
        ] {
            assert_eq!(
                check_compiler_flags("CFLAGS", "#cgo CFLAGS", &v(&[bad]), &none),
                Err(format!("invalid flag in #cgo CFLAGS: {bad}")),
                "{bad}"
            );
        }
        assert_eq!(
            check_compiler_flags("CFLAGS", "#cgo CFLAGS", &v(&["-I", "-x"]), &none),
            Err("invalid flag in #cgo CFLAGS: -I -x (see https://golang.org/s/invalidflag)".into())
        );
        assert_eq!(
            check_compiler_flags("CFLAGS", "#cgo CFLAGS", &v(&["-D"]), &none),
            Err(
                "invalid flag in #cgo CFLAGS: -D without argument (see https://golang.org/s/invalidflag)"
                    .into()
            )
        );
        assert!(check_compiler_flags("CFLAGS", "s", &v(&["-I", "=/usr/include"]), &none).is_ok());
    }

    #[test]
    fn linker_flags_and_overrides() {
        for good in [
            "-lsqlite3",
            "-lm",
            "-L/usr/lib/mipsel-linux-gnu",
            "-Wl,-E",
            "-Wl,--as-needed",
            "-Wl,-rpath,/opt/lib",
            "libfoo.a",
            "-static",
        ] {
            assert_eq!(
                check_linker_flags("LDFLAGS", "s", &v(&[good]), &none),
                Ok(()),
                "{good}"
            );
        }
        for bad in [
            "-Wl,-rpath,/a,--evil",
            "-Wl,--wrap=x,-y",
            "-fplugin=x",
            "-@x",
        ] {
            assert!(
                check_linker_flags("LDFLAGS", "s", &v(&[bad]), &none).is_err(),
                "{bad}"
            );
        }
        let env = |k: &str| match k {
            "CGO_LDFLAGS_ALLOW" => Some("-fplugin=.*".to_string()),
            "CGO_LDFLAGS_DISALLOW" => Some("-lm".to_string()),
            _ => None,
        };
        assert!(check_linker_flags("LDFLAGS", "s", &v(&["-fplugin=x"]), &env).is_ok());
        assert_eq!(
            check_linker_flags("LDFLAGS", "#cgo LDFLAGS", &v(&["-lm"]), &env),
            Err("invalid flag in #cgo LDFLAGS: -lm".into())
        );
        let broken = |_: &str| Some("(".to_string());
        assert!(
            check_linker_flags("LDFLAGS", "s", &v(&["-lm"]), &broken)
                .unwrap_err()
                .starts_with("parsing $CGO_LDFLAGS_ALLOW: ")
        );
    }
}
