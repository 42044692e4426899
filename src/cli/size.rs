//! The command line of `gccgo-build size`: clap's flags (what was typed)
//! and their translation into [`SizeConfig`] (what `sizes::main` runs
//! with). Only this layer knows clap; `sizes` knows only the config.

use std::path::{Path, PathBuf};

use crate::sizes::{By, SizeConfig};

/// `gccgo-build size` flags.
#[derive(Debug, clap::Args)]
pub struct SizeArgs {
    /// The ELF file to look into (built without --strip: its symbol table is what is read).
    /// With --why: the main package (default `.`), or a binary linked with
    /// -ldflags=-Wl,--emit-relocs whose references are read.
    #[arg(value_name = "BINARY", required_unless_present = "why")]
    pub binary: Option<PathBuf>,
    /// Print why the binary has package PKG, as `go mod why` does: the shortest
    /// chain of imports from the main package to it (repeat for more). A symbol
    /// as `--by symbol` names it (`crypto/x509.CreateCertificate`) gives its package's chain
    /// and the chain of references to it from main.main (which function, type descriptor
    /// or method table refers to which), read from the relocations of the program linked
    /// with -Wl,--emit-relocs (through the cache), or of BINARY when an ELF file is named.
    #[arg(long, value_name = "PKG")]
    pub why: Vec<String>,
    /// With --why: `--target`, `--toolchain`, `--sdk` (the build's choice; it sets the tags).
    #[command(flatten)]
    pub select: crate::cli::SelectArgs,
    /// With --why: extra build tags, comma-separated (as `go build -tags`).
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// With --why: link the program as `build --size` does (for a symbol's references).
    #[arg(long)]
    pub size: bool,
    /// With --why: how the program is linked, as `build --link` (for a symbol's references).
    #[arg(long, value_enum, default_value = "static-libgo")]
    pub link: crate::cli::LinkArg,
    /// With --why: JSON file replacing source files (as `go build -overlay`).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// With --why: the cache the toolchain probe is remembered in (default as `build`'s).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Rows by package (the sum of each package's symbols) or by single symbol.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "package")]
    pub by: ByArg,
    /// Print one JSON object instead of the table: path, file_size,
    /// symbol_bytes, groups [{name, kind, bytes, symbols}] and every counted
    /// symbol [{name, go_name, group, size, section}].
    #[arg(long)]
    pub json: bool,
    /// Also write a treemap of the packages to FILE (a self-contained SVG).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// How many rows the table shows.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub top: usize,
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    /// One row per package (and per C, type-descriptor and other group).
    Package,
    /// One row per symbol.
    Symbol,
    /// One row per symbol, by the bytes it keeps: its own and those of every symbol only it keeps (what the binary loses when nothing refers to it). Read from relocations: link with -ldflags=-Wl,--emit-relocs --no-strip.
    Retained,
}

impl SizeArgs {
    /// The configuration `sizes::main` runs with: the binary as typed
    /// (relative to the working directory) and the output choices.
    pub fn config(&self) -> SizeConfig {
        SizeConfig {
            binary: self.binary.clone().unwrap_or_default(),
            by: match self.by {
                ByArg::Package => By::Package,
                ByArg::Symbol | ByArg::Retained => By::Symbol,
            },
            retained: self.by == ByArg::Retained,
            json: self.json,
            svg: self.svg.clone(),
            top: self.top,
        }
    }

    /// With `--why`: what `depgraph::why::main` runs with; `None` without
    /// it. An ELF file as the positional argument is read as it is (its
    /// relocations); anything else names the main package (default `.`),
    /// which is loaded, and linked as `build --no-strip
    /// -ldflags=-Wl,--emit-relocs --linker bfd` with this command's `--size`, `--link`,
    /// `--overlay`, tags and toolchain would link it, when a target is a
    /// symbol.
    ///
    /// Errors: as `CompileArgs::config` for those flags.
    pub fn why_config(
        &self,
        cwd: &Path,
    ) -> anyhow::Result<Option<crate::depgraph::why::WhyConfig>> {
        if self.why.is_empty() {
            return Ok(None);
        }
        let binary = self
            .binary
            .as_ref()
            .filter(|b| is_elf(&cwd.join(b)))
            .map(|b| cwd.join(b));
        let main = self
            .binary
            .as_ref()
            .map_or_else(|| ".".to_string(), |b| b.to_string_lossy().into_owned());
        let mut words = vec![
            "--no-strip".to_string(),
            "--ldflags=-Wl,--emit-relocs".into(),
            format!(
                "--link={}",
                clap::ValueEnum::to_possible_value(&self.link)
                    .map_or("static-libgo".into(), |v| v.get_name().to_string())
            ),
        ];
        if self.size {
            words.push("--size".into());
        }
        if !self.tags.is_empty() {
            words.push(format!("--tags={}", self.tags.join(",")));
        }
        for (flag, v) in [
            ("--target", self.select.target.as_ref().map(PathBuf::from)),
            ("--toolchain", self.select.toolchain.clone()),
            ("--sdk", self.select.sdk.clone()),
            ("--overlay", self.overlay.clone()),
            ("--cache", self.cache.clone()),
        ] {
            if let Some(v) = v {
                words.push(format!("{flag}={}", v.display()));
            }
        }
        words.push(main.clone());
        let mut link = crate::cli::CompileArgs::parse_words(&words)?.config(cwd)?;
        link.quiet = true;
        // GNU ld keeps relocations for every target; mold 1.10 aborts on
        // --emit-relocs with --gc-sections (`get_output_sym_idx` assertion).
        link.linker = crate::toolchain::LinkerChoice::Named(crate::toolchain::Linker::Bfd);
        Ok(Some(crate::depgraph::why::WhyConfig {
            link,
            targets: self.why.clone(),
            binary,
        }))
    }
}

/// Whether `path` is a file that starts as an ELF file does.
fn is_elf(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == *b"\x7fELF"
}
