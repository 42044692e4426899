//! The embed fields of a listed package (`EmbedPatterns`, `EmbedFiles`,
//! `TestEmbedPatterns`, `TestEmbedFiles`, `XTestEmbedPatterns`,
//! `XTestEmbedFiles`), as go/build collects the `//go:embed` patterns of
//! each group of files (sorted, each once) and cmd/go/internal/load's
//! `resolveEmbed` matches them to files (sorted, each once). The parsing
//! and matching are `embed`'s; a pattern that does not resolve leaves its
//! group's files empty here (the build reports it).

use std::path::PathBuf;

use crate::embed::{Pattern, parse_go, patterns_in, resolve};
use crate::scan::GoFile;

/// Patterns and files of one group of files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Embeds {
    /// The patterns, sorted, each once.
    pub patterns: Vec<String>,
    /// The files they match, relative to the package directory, sorted.
    pub files: Vec<String>,
}

/// The embed fields of the package files `files` (the package's, its
/// tests', or its external tests'), in `pkg`'s directory.
pub(super) fn embeds(pkg: &crate::graph::Package, files: &[GoFile]) -> Embeds {
    let mut all: Vec<(PathBuf, Pattern)> = Vec::new();
    for f in files {
        if !f.header.imports.iter().any(|i| i.path == "embed") {
            continue;
        }
        let path = pkg.files.source_path(&f.name);
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(tree) = parse_go(&src) else { continue };
        let shown = pkg.dir.join(&f.name);
        all.extend(
            patterns_in(&shown, &src, &tree)
                .unwrap_or_default()
                .into_iter()
                .map(|p| (shown.clone(), p)),
        );
    }
    let mut patterns: Vec<String> = all.iter().map(|(_, p)| p.pattern.clone()).collect();
    patterns.sort();
    patterns.dedup();
    let files = resolve(&pkg.dir, &all)
        .map(|cfg| cfg.files.into_keys().collect())
        .unwrap_or_default();
    Embeds { patterns, files }
}
