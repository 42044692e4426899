//! `gccgo-build completion bash|zsh|fish` (clap_complete) and
//! `gccgo-build man [SUBCOMMAND]` (clap_mangen): both are written from the
//! clap definition of the command line, so they cannot disagree with it.
//! They live in `cli` because only `cli` knows clap.

use anyhow::{Result, bail};
use clap::{Args, CommandFactory};

use super::Cli;

/// The name the completions and the man page are written for.
const BIN: &str = "gccgo-build";

/// `gccgo-build completion` flags.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `gccgo-build man` flags.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (`build` → gccgo-build-build(1)); default: gccgo-build(1).
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// Prints the completion script for `a.shell` on stdout; returns 0.
///
/// Errors: none (kept a `Result` like every subcommand).
pub fn completion_main(a: &CompletionArgs) -> Result<i32> {
    print!("{}", completion_text(a.shell));
    Ok(0)
}

/// The completion script for `shell`.
pub fn completion_text(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Prints a man page (roff) on stdout: gccgo-build(1), or with a
/// subcommand gccgo-build-SUBCOMMAND(1); returns 0.
///
/// Errors: no such subcommand (naming the ones there are), or the page
/// cannot be rendered.
pub fn man_main(a: &ManArgs) -> Result<i32> {
    print!("{}", man_text(a.subcommand.as_deref())?);
    Ok(0)
}

/// The roff text of gccgo-build(1), or of gccgo-build-`subcommand`(1).
///
/// Errors: as `man_main`.
pub fn man_text(subcommand: Option<&str>) -> Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            // After `build`, a subcommand's display name is `gccgo-build-NAME`.
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                bail!(
                    "man: no subcommand {name:?}; there are: {}",
                    names.join(", ")
                );
            }
        },
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_and_every_page() {
        use clap::ValueEnum as _;
        for sh in clap_complete::Shell::value_variants() {
            assert!(completion_text(*sh).contains("gccgo-build"), "{sh}");
        }
        assert!(man_text(None).unwrap().contains(".TH gccgo-build 1"));
        let b = man_text(Some("build")).unwrap();
        assert!(b.contains(".TH gccgo-build-build 1"), "{b}");
        let e = man_text(Some("nope")).unwrap_err().to_string();
        assert!(e.contains("there are: build,"), "{e}");
    }
}
