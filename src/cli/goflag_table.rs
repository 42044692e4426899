//! Every flag of go 1.19's `build`, `install`, `list`, `run` and `test`
//! (cmd/go/internal/work/build.go `AddBuildFlags`, test/testflag.go,
//! list/list.go, run/run.go), each with what gccgo-build does with it:
//! the same as go (a clap argument of that name), forwarded to the test
//! binary as `-test.NAME=VALUE` (as testflag.go forwards `passFlagToTest`),
//! accepted without effect, or refused in one line saying why gccgo cannot
//! honour it. A word that names no flag of the subcommand is go's
//! `flag provided but not defined: -X` (module `goline` reads this table).
//!
//! The tests read `GO_FLAGS` (tests/e2e/goflags.rs runs every row through
//! go 1.19 and gccgo-build), and the unit tests check that every `Same`
//! row is a clap argument of its subcommand, so a flag cannot be added,
//! nor switched, without its row. When a helper's branch brings a flag
//! (coverage, `list -m`, …), its row's `ours` becomes `Same`.

/// `go build`.
pub const BUILD: u8 = 1;
/// `go test`.
pub const TEST: u8 = 2;
/// `go list`.
pub const LIST: u8 = 4;
/// `go run`.
pub const RUN: u8 = 8;
/// `go install`.
pub const INSTALL: u8 = 16;
/// The commands that take go's build flags (`work.AddBuildFlags`).
pub const ALL: u8 = BUILD | TEST | LIST | RUN | INSTALL;
/// The commands that compile and link (every one but `list`).
pub const COMPILING: u8 = BUILD | TEST | RUN | INSTALL;

/// The subcommands, with their bit, as the command line names them.
pub const SUBCOMMANDS: &[(&str, u8)] = &[
    ("build", BUILD),
    ("test", TEST),
    ("list", LIST),
    ("run", RUN),
    ("install", INSTALL),
];

/// How go parses a flag's value (the `flag.Value` it registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean: `-f`, `-f=true`, `-f=0` (Go's `strconv.ParseBool`); never the next word.
    Bool,
    /// A string: `-f v` or `-f=v`.
    Str,
    /// An integer (`flag.Int`): `invalid value "x" for flag -f: parse error` otherwise.
    Int,
}

/// What gccgo-build does with a go flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ours {
    /// The same as go: a clap argument of the same name (one letter: the short flag).
    Same,
    /// Forwarded to every test binary as `-test.NAME=VALUE`, as go test forwards it.
    TestBinary,
    /// Accepted and without effect; the text, when not empty, is printed
    /// once on stderr (as go prints `-i flag is deprecated`).
    Ignored(&'static str),
    /// Accepted when its value is the first string (then without effect),
    /// else refused with the second.
    Only(&'static str, &'static str),
    /// Refused: this line on stderr, exit 2.
    Refused(&'static str),
}

/// One go flag for some subcommands.
#[derive(Debug, Clone, Copy)]
pub struct GoFlag {
    /// The name, without dashes.
    pub name: &'static str,
    /// The subcommands of go 1.19 that have it with this treatment (`BUILD | TEST` …).
    pub cmds: u8,
    /// How its value is written.
    pub kind: Kind,
    /// Whether go test forwards it to the test binary (`passFlagToTest`),
    /// and so also takes it spelled `-test.NAME`.
    pub to_binary: bool,
    /// What gccgo-build does with it.
    pub ours: Ours,
    /// A value the tests give it ("" for a boolean), chosen to run fast.
    pub example: &'static str,
}

const fn f(name: &'static str, cmds: u8, kind: Kind, ours: Ours, example: &'static str) -> GoFlag {
    GoFlag {
        name,
        cmds,
        kind,
        to_binary: false,
        ours,
        example,
    }
}

/// A test flag go forwards to the test binary (`passFlagToTest`).
const fn t(name: &'static str, kind: Kind, ours: Ours, example: &'static str) -> GoFlag {
    GoFlag {
        name,
        cmds: TEST,
        kind,
        to_binary: true,
        ours,
        example,
    }
}

use Kind::{Bool, Int, Str};
use Ours::{Ignored, Only, Refused, Same, TestBinary};

/// Every flag of go 1.19's build, install, list, run and test, by
/// (name, subcommand); a name may have several rows for disjoint subcommands.
#[rustfmt::skip]
pub const GO_FLAGS: &[GoFlag] = &[
    // work.AddBuildFlags: every command that builds.
    f("a", COMPILING, Bool, Same, ""),
    f("a", LIST, Bool, Ignored(""), ""),
    f("n", BUILD | INSTALL, Bool, Same, ""),
    f("n", TEST | RUN, Bool, Refused("-n is not supported by gccgo-build test and run: use gccgo-build build -n"), ""),
    f("n", LIST, Bool, Ignored(""), ""),
    f("x", COMPILING, Bool, Same, ""),
    f("x", LIST, Bool, Ignored(""), ""),
    f("p", COMPILING, Int, Same, "2"),
    f("p", LIST, Int, Ignored(""), "2"),
    f("v", BUILD | INSTALL, Bool, Same, ""),
    f("v", LIST | RUN, Bool, Ignored(""), ""),
    f("asmflags", ALL, Str, Ignored(""), "-D=X"),
    f("compiler", ALL, Str, Only("gccgo", "-compiler: gccgo-build compiles with gccgo only (-compiler=gccgo)"), "gccgo"),
    f("buildmode", COMPILING, Str, Same, "exe"),
    f("buildmode", LIST, Str, Ignored(""), "exe"),
    f("gcflags", ALL, Str, Ignored(""), "-N"),
    f("gccgoflags", COMPILING, Str, Same, "-O1"),
    f("gccgoflags", LIST, Str, Ignored(""), "-O1"),
    f("mod", ALL, Str, Same, "mod"),
    f("modcacherw", ALL, Bool, Ignored(""), ""),
    f("modfile", ALL, Str, Same, "go.mod"),
    f("overlay", ALL, Str, Same, "overlay.json"),
    f("installsuffix", ALL, Str, Ignored(""), "x"),
    f("ldflags", COMPILING, Str, Same, "-s"),
    f("ldflags", LIST, Str, Ignored(""), "-s"),
    f("linkshared", ALL, Bool, Refused("-linkshared is not supported by gccgo-build: it links executables only (libgo as a shared library: -link dynamic)"), ""),
    f("pkgdir", ALL, Str, Ignored(""), "pkg"),
    f("race", ALL, Bool, Refused("-race is not supported with gccgo: gccgo has no race detector (gc's ThreadSanitizer runtime); use the go command with gc on the host"), ""),
    f("msan", ALL, Bool, Refused("-msan is not supported with gccgo: gccgo has no MemorySanitizer support for Go (gc with clang only)"), ""),
    f("asan", ALL, Bool, Refused("-asan is not supported with gccgo: gccgo has no AddressSanitizer support for Go (gc only)"), ""),
    f("tags", ALL, Str, Same, "a b"),
    f("toolexec", ALL, Str, Refused("-toolexec is not supported by gccgo-build: it runs gccgo itself (use a wrapper as GCCGO or a toolchain profile)"), "env"),
    f("trimpath", COMPILING, Bool, Same, ""),
    f("trimpath", LIST, Bool, Ignored(""), ""),
    f("work", COMPILING, Bool, Same, ""),
    f("work", LIST, Bool, Ignored(""), ""),
    f("buildvcs", COMPILING, Bool, Same, "false"),
    f("buildvcs", LIST, Bool, Ignored(""), "false"),
    f("debug-actiongraph", ALL, Str, Refused("-debug-actiongraph is not supported by gccgo-build: see -explain and gccgo-build graph"), "ag.json"),
    f("debug-trace", ALL, Str, Refused("-debug-trace is not supported by gccgo-build"), "trace.json"),
    // build and install (work/build.go), test (testflag.go).
    f("i", BUILD | INSTALL, Bool, Ignored("-i flag is deprecated"), ""),
    f("i", TEST, Bool, Refused("-i is not supported by gccgo-build test: it is deprecated since go 1.16 (dependencies are cached; gccgo-build test -c builds without running)"), ""),
    f("o", BUILD | TEST, Str, Same, "out"),
    // test (testflag.go): the go command's own.
    f("c", TEST, Bool, Same, ""),
    f("cover", TEST, Bool, Same, ""),
    f("covermode", TEST, Str, Same, "set"),
    f("coverpkg", TEST, Str, Same, "./..."),
    f("exec", TEST | RUN, Str, Same, "env"),
    f("json", TEST, Bool, Same, ""),
    f("vet", TEST, Str, Same, "off"),
    // test: forwarded to the test binary (flagdefs.go `passFlagToTest`).
    t("bench", Str, Same, "XNone"),
    t("benchmem", Bool, Same, ""),
    t("benchtime", Str, Same, "1x"),
    t("blockprofile", Str, TestBinary, "block.out"),
    t("blockprofilerate", Str, TestBinary, "1"),
    t("count", Int, Same, "1"),
    t("coverprofile", Str, Same, "c.out"),
    t("cpu", Str, Same, "1,2"),
    t("cpuprofile", Str, TestBinary, "cpu.out"),
    t("failfast", Bool, Same, ""),
    t("fuzz", Str, Refused("-fuzz is not supported with gccgo: fuzzing needs gc's coverage instrumentation"), "FuzzX"),
    t("fuzzminimizetime", Str, TestBinary, "1x"),
    t("fuzztime", Str, TestBinary, "1x"),
    t("list", Str, Same, "."),
    t("memprofile", Str, TestBinary, "mem.out"),
    t("memprofilerate", Str, TestBinary, "1"),
    t("mutexprofile", Str, TestBinary, "mutex.out"),
    t("mutexprofilefraction", Str, TestBinary, "1"),
    t("outputdir", Str, TestBinary, "."),
    t("parallel", Int, Same, "4"),
    t("run", Str, Same, "TestA"),
    t("short", Bool, Same, ""),
    t("shuffle", Str, Same, "on"),
    t("timeout", Str, Same, "1m"),
    t("trace", Str, TestBinary, "trace.out"),
    t("v", Bool, Same, ""),
    // list (list.go).
    f("compiled", LIST, Bool, Same, ""),
    f("deps", LIST, Bool, Same, ""),
    f("e", LIST, Bool, Same, ""),
    f("export", LIST, Bool, Same, ""),
    f("f", LIST, Str, Same, "{{.Name}}"),
    f("find", LIST, Bool, Same, ""),
    f("json", LIST, Bool, Same, ""),
    f("m", LIST, Bool, Same, ""),
    f("retracted", LIST, Bool, Same, ""),
    f("reuse", LIST, Str, Refused(NO_REUSE), "old.json"),
    f("test", LIST, Bool, Same, ""),
    f("u", LIST, Bool, Same, ""),
    f("versions", LIST, Bool, Same, ""),
];

const NO_REUSE: &str = "-reuse is not supported by gccgo-build list: it reuses no earlier -m -json output (every module is read again)";

/// gccgo-build's own flags that share a name with a go flag of another
/// subcommand (`build -json` goes with `-explain`, `build -timeout` is a
/// compiler's time limit, `test -m`/`run -m` is the system runner's guest
/// memory in MiB); every other go flag name that a subcommand of go lacks
/// is go's `flag provided but not defined` here too.
pub const EXTENSIONS: &[(&str, u8)] =
    &[("json", BUILD), ("timeout", BUILD), ("m", TEST), ("m", RUN)];

/// The bit of a subcommand named `sub` (`build` …), or None for
/// gccgo-build's own subcommands.
pub fn sub_bit(sub: &str) -> Option<u8> {
    SUBCOMMANDS.iter().find(|(n, _)| *n == sub).map(|&(_, b)| b)
}

/// The row for `name` (as typed, without dashes and value) in the
/// subcommand `bit`: for `test`, `test.NAME` names a flag go forwards to
/// the test binary (testflag.go registers both spellings).
pub fn lookup(bit: u8, name: &str) -> Option<&'static GoFlag> {
    let (name, dotted) = match name.strip_prefix("test.") {
        Some(n) if bit == TEST => (n, true),
        _ => (name, false),
    };
    GO_FLAGS
        .iter()
        .find(|g| g.name == name && g.cmds & bit != 0 && (!dotted || g.to_binary))
}

/// Whether any go command of the table has a flag `name` (a `$GOFLAGS`
/// word naming it is then not an error), `test.NAME` included.
pub fn known(name: &str) -> bool {
    let plain = name.strip_prefix("test.");
    GO_FLAGS
        .iter()
        .any(|g| g.name == name || (g.to_binary && plain == Some(g.name)))
}

/// The go command's usage lines for a subcommand (`UsageLine`, then the
/// "Run 'go help …'" line), in gccgo-build's name.
pub fn usage(bit: u8) -> &'static str {
    match bit {
        BUILD => {
            "usage: gccgo-build build [-o output] [build flags] [packages]\nRun 'gccgo-build build -help' for details."
        }
        TEST => {
            "usage: gccgo-build test [build/test flags] [packages] [build/test flags & test binary flags]\nRun 'gccgo-build test -help' for details."
        }
        LIST => {
            "usage: gccgo-build list [-f format] [-json] [-m] [list flags] [build flags] [packages]\nRun 'gccgo-build list -help' for details."
        }
        RUN => {
            "usage: gccgo-build run [build flags] [-exec xprog] package [arguments...]\nRun 'gccgo-build run -help' for details."
        }
        _ => {
            "usage: gccgo-build install [build flags] [packages]\nRun 'gccgo-build install -help' for details."
        }
    }
}

/// What the README's table says about `g` in one subcommand.
pub fn describe(g: &GoFlag) -> String {
    match g.ours {
        Same => "same as go".into(),
        TestBinary => "passed to the test binary".into(),
        Ignored("") => "accepted, no effect with gccgo (as go -compiler=gccgo)".into(),
        Ignored(s) => format!("accepted, says `{s}`"),
        Only(v, _) => format!("`{v}` accepted; other values refused"),
        Refused(s) => format!("refused: `{s}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_do_not_overlap() {
        for (i, a) in GO_FLAGS.iter().enumerate() {
            for b in &GO_FLAGS[i + 1..] {
                assert!(
                    a.name != b.name || a.cmds & b.cmds == 0,
                    "-{} has two rows for one subcommand",
                    a.name
                );
            }
        }
    }

    #[test]
    fn test_dot_names_only_for_forwarded_flags() {
        assert_eq!(
            lookup(TEST, "test.failfast").map(|g| g.name),
            Some("failfast")
        );
        assert_eq!(lookup(TEST, "test.v").map(|g| g.name), Some("v"));
        assert!(lookup(TEST, "test.json").is_none());
        assert!(lookup(BUILD, "test.v").is_none());
        assert!(lookup(BUILD, "failfast").is_none());
        assert!(known("test.benchtime") && known("failfast") && !known("frob"));
    }
}
