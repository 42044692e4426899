//! What a tolerant load (`Graph::load_tolerant`, for `list -e`) records
//! of a package it could not read: the class of the error, as
//! cmd/go/internal/load tells the classes apart, and the files kept.

use std::path::Path;

use crate::scan::{self, DirPackage, Pos};

/// Why a package of a tolerant load is broken, in the classes
/// cmd/go/internal/load's `setLoadPackageDataError` tells apart (they
/// decide the `PackageError`'s import stack and position, see `list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// Its import path did not resolve (the resolver's message): go
    /// reports it at the importer's import, the package not on the stack.
    Import(String),
    /// No Go files (go's `NoGoError` text): the package on the stack, no
    /// position.
    NoGo(String),
    /// A header that does not parse (a scanner error): the package on the
    /// stack, the position `file:line:col` (absolute file) and message.
    Syntax(Pos, String),
    /// A bad `//go:build` line: the file's name and go's text
    /// (`b.go: parsing //go:build line: …`); the file is invalid.
    Constraint(String, String),
    /// Another error in the package's files (several package names),
    /// worded as go words it.
    Other(String),
}

/// The files a tolerant load keeps for a package whose scan failed with
/// `e`: its test files when it has only those; every `.go` file as
/// ignored when build constraints exclude them all (go's
/// `IgnoredGoFiles`); else none.
pub(super) fn files_of_broken(dir: &Path, e: &anyhow::Error) -> DirPackage {
    let mut files = DirPackage {
        dir: dir.to_path_buf(),
        ..DirPackage::default()
    };
    match e.downcast_ref::<scan::DirError>() {
        Some(scan::DirError::NoGo {
            test_only: Some(t), ..
        }) => return (**t).clone(),
        Some(scan::DirError::NoGo {
            all_excluded: true, ..
        }) => {
            let mut names: Vec<String> = scan::listing(dir)
                .map(|l| l.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default();
            names.retain(|n| n.ends_with(".go"));
            names.sort();
            files.ignored_go_files = names;
        }
        _ => {}
    }
    files
}

/// A scan error as a tolerant load records it (`Broken`), in go's words.
pub(super) fn broken_of(e: &anyhow::Error) -> Broken {
    match e.downcast_ref::<scan::DirError>() {
        Some(
            d @ scan::DirError::NoGo {
                all_excluded, dir, ..
            },
        ) => Broken::NoGo(if *all_excluded {
            format!(
                "build constraints exclude all Go files in {}",
                dir.display()
            )
        } else {
            d.to_string()
        }),
        Some(scan::DirError::Syntax { file, err }) => Broken::Syntax(
            Pos {
                file: file.clone(),
                line: err.line,
                col: err.col,
            },
            err.msg.clone(),
        ),
        // go/build names the file alone: `b.go: parsing //go:build line: …`.
        Some(scan::DirError::Constraint { file, msg, .. }) => {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            Broken::Constraint(
                name.to_string(),
                format!("{name}: parsing //go:build line: {msg}"),
            )
        }
        _ => Broken::Other(crate::words::error_text(e)),
    }
}
