//! Linkers: which `ld` a link runs (`gcc -fuse-ld=NAME`), as a name the
//! plan puts on the link line, and what the user asked for. The probe that
//! decides `auto` is `ldprobe` (it builds and runs a program); the choice
//! is made by `link::choose_linker`.

use std::fmt;

/// A linker gcc can be told to use with `-fuse-ld=NAME` (GCC 12 knows all
/// four; `mold` since GCC 12.1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Linker {
    /// GNU ld (`ld.bfd`, binutils): every target, the slowest.
    Bfd,
    /// GNU gold (`ld.gold`, Debian's binutils-gold): ELF targets with gold
    /// support (x86, ARM, MIPS, PowerPC, SPARC, s390; not Alpha). On x86 it
    /// is the linker that rewrites split-stack calls into code without
    /// split stacks, which gccgo's goroutine stacks rely on.
    Gold,
    /// mold (Debian's mold): the fastest; no MIPS, no Alpha.
    Mold,
    /// LLVM's lld (Debian's lld): fails on gccgo's MIPS objects
    /// (`R_MIPS_32 cannot be used against local symbol`).
    Lld,
}

impl Linker {
    /// Every linker, in `auto`'s order of preference (fastest first; lld
    /// is never picked by `auto`, see `AUTO_ORDER`).
    pub const ALL: [Linker; 4] = [Linker::Mold, Linker::Gold, Linker::Lld, Linker::Bfd];

    /// The candidates `auto` tries, fastest first: mold, gold, bfd. lld is
    /// left out: it fails on MIPS relocations and is not faster than mold
    /// where it works; name it with `--linker lld`.
    pub const AUTO_ORDER: [Linker; 3] = [Linker::Mold, Linker::Gold, Linker::Bfd];

    /// Its name for `-fuse-ld=` (`bfd`, `gold`, `mold`, `lld`).
    pub fn name(self) -> &'static str {
        match self {
            Linker::Bfd => "bfd",
            Linker::Gold => "gold",
            Linker::Mold => "mold",
            Linker::Lld => "lld",
        }
    }

    /// The gcc flag that selects it: `-fuse-ld=NAME`.
    pub fn flag(self) -> String {
        format!("-fuse-ld={}", self.name())
    }

    /// The program collect2 runs for it (`ld.bfd`, `ld.gold`, `ld.mold`,
    /// `ld.lld`), as `gcc -print-prog-name=` is asked for it.
    pub fn program(self) -> String {
        format!("ld.{}", self.name())
    }

    /// The linker a name denotes (`bfd`, `gold`, `mold`, `lld`).
    pub fn from_name(name: &str) -> Option<Linker> {
        Linker::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl fmt::Display for Linker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the user asked for (`--linker`, `GCCGO_BUILD_LINKER`, a
/// profile's `linker`): one linker, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkerChoice {
    /// The fastest linker that links a program that runs for this
    /// toolchain (`link::choose_linker`); the default.
    #[default]
    Auto,
    /// This one, unprobed: a link that fails with it fails the build.
    Named(Linker),
}

impl LinkerChoice {
    /// Parses `auto`, `bfd`, `gold`, `mold` or `lld`.
    ///
    /// Errors: any other word (the message lists the valid ones).
    pub fn parse(s: &str) -> Result<LinkerChoice, String> {
        match s.trim() {
            "auto" | "" => Ok(LinkerChoice::Auto),
            w => Linker::from_name(w)
                .map(LinkerChoice::Named)
                .ok_or_else(|| format!("unknown linker `{w}`: use auto, bfd, gold, mold or lld")),
        }
    }
}

impl fmt::Display for LinkerChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkerChoice::Auto => f.write_str("auto"),
            LinkerChoice::Named(l) => write!(f, "{l}"),
        }
    }
}

/// The linker a link line's flags select: the value of the last
/// `-fuse-ld=` among them (as gcc reads them), `None` when none does.
pub fn fuse_ld(flags: &[String]) -> Option<&str> {
    flags.iter().rev().find_map(|f| f.strip_prefix("-fuse-ld="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print() {
        assert_eq!(LinkerChoice::parse("auto"), Ok(LinkerChoice::Auto));
        assert_eq!(
            LinkerChoice::parse("gold"),
            Ok(LinkerChoice::Named(Linker::Gold))
        );
        assert!(
            LinkerChoice::parse("ld64")
                .unwrap_err()
                .contains("auto, bfd")
        );
        assert_eq!(Linker::Mold.flag(), "-fuse-ld=mold");
        assert_eq!(Linker::Lld.program(), "ld.lld");
        let f = vec![
            "-static-libgo".into(),
            "-fuse-ld=gold".into(),
            "-fuse-ld=mold".into(),
        ];
        assert_eq!(fuse_ld(&f), Some("mold"));
        assert_eq!(fuse_ld(&f[..1]), None);
    }
}
