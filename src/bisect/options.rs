//! The `-f` options one set of flags enables and another does not, as the
//! compiler itself says: `gccgo -Q --help=optimizers FLAGS` lists every
//! optimisation option with `[enabled]` or `[disabled]` for those flags
//! (GCC manual, "Options to Control Optimization": `-Q --help=optimizers`
//! with an `-O` level shows what that level turns on).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use crate::process::Cmd;

/// Option name (`-ftree-vrp`) → enabled, from `-Q --help=optimizers`;
/// options that take a value (`-falign-loops=`) and lines without a state
/// are left out.
pub fn parse_optimizers(text: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(name), Some(state)) = (words.next(), words.next()) else {
            continue;
        };
        if !name.starts_with("-f") || name.contains('=') {
            continue;
        }
        match state {
            "[enabled]" => out.insert(name.to_string(), true),
            "[disabled]" => out.insert(name.to_string(), false),
            _ => continue,
        };
    }
    out
}

/// The options `bad` enables that `good` does not, in the compiler's
/// (alphabetical) order.
pub fn enabled_only_in(bad: &BTreeMap<String, bool>, good: &BTreeMap<String, bool>) -> Vec<String> {
    bad.iter()
        .filter(|&(name, &on)| on && good.get(name) != Some(&true))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The option that turns `-fX` off: `-fno-X` (and `-fno-X` back to `-fX`).
pub fn negate(opt: &str) -> String {
    match opt.strip_prefix("-fno-") {
        Some(rest) => format!("-f{rest}"),
        None => format!("-fno-{}", opt.trim_start_matches("-f")),
    }
}

/// Asks `gccgo` which optimisation options `flags` enable.
///
/// Errors: the compiler cannot be run, refuses the flags, or lists no
/// options (not a GCC driver).
pub fn query(gccgo: &Path, flags: &[String]) -> Result<BTreeMap<String, bool>> {
    let cmd = Cmd::new(gccgo.as_os_str())
        .args(["-Q", "--help=optimizers"])
        .args(flags.iter());
    let out = match cmd.run(None) {
        Ok(o) => o,
        Err(e) => bail!(
            "asking the compiler which options {} enables: {e}",
            flags.join(" ")
        ),
    };
    let opts = parse_optimizers(&out.stdout);
    if opts.is_empty() {
        bail!(
            "`{cmd}` listed no optimisation options: is {} a GCC driver?",
            gccgo.display()
        );
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELP: &str = "The following options control optimizations:
  -O<number>                  \t\t
  -faggressive-loop-optimizations \t[enabled]
  -falign-functions           \t\t[enabled]
  -falign-functions=          \t\t
  -fallow-store-data-races    \t\t[disabled]
  -fdelayed-branch            \t\t[enabled]
  -ftree-vrp                  \t\t[disabled]
";

    #[test]
    fn optimizer_lists_are_read_and_compared() {
        let bad = parse_optimizers(HELP);
        assert_eq!(bad.len(), 5);
        assert!(bad["-fdelayed-branch"]);
        let good =
            parse_optimizers(&HELP.replace("[enabled]\n  -falign-functions=", "[disabled]\n"));
        let only = enabled_only_in(&bad, &good);
        assert_eq!(only, ["-falign-functions"]);
        assert_eq!(negate("-fdelayed-branch"), "-fno-delayed-branch");
        assert_eq!(negate("-fno-common"), "-fcommon");
    }
}
