//! `.go` files named on the command line: the go command's
//! `command-line-arguments` package (cmd/go/internal/load,
//! `PackagesAndErrors` and `GoFilesPackage`). Choosing which of them build
//! is `scan::scan_files`'s job.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Root, clean};

/// The import path the go command gives the package made of `.go` files
/// named on the command line (cmd/go/internal/load, `GoFilesPackage`).
pub const COMMAND_LINE_ARGUMENTS: &str = "command-line-arguments";

/// The go command's reading of `.go` arguments (cmd/go/internal/load,
/// `PackagesAndErrors` and `GoFilesPackage`): when any argument ends in
/// `.go` and is a file, every argument is a file, and together they make
/// the package `command-line-arguments` in their directory. `None` when no
/// argument is such a file (then they are package patterns).
///
/// Errors, worded as go words them: an argument that does not end in
/// `.go`, one that cannot be read or is a directory, or files in more than
/// one directory.
pub fn go_files_root(args: &[String], cwd: &Path) -> Result<Option<Root>> {
    let is_file = |a: &String| a.ends_with(".go") && cwd.join(a).is_file();
    if !args.iter().any(is_file) {
        return Ok(None);
    }
    if let Some(a) = args.iter().find(|a| !a.ends_with(".go")) {
        bail!(
            "named files must be .go files: {a} (files and packages cannot be mixed on one \
             command line; name the package's directory instead)"
        );
    }
    // The directory, and the first file's directory as written (go's message shows that).
    let mut dir: Option<(PathBuf, String)> = None;
    let mut files: Vec<String> = Vec::new();
    for a in args {
        let path = clean(&cwd.join(a));
        match std::fs::metadata(&path) {
            Err(e) => bail!("named file {a}: {}", crate::words::io_error(&e)),
            Ok(m) if m.is_dir() => bail!("{a} is a directory, should be a Go file"),
            Ok(_) => {}
        }
        let (Some(d), Some(name)) = (path.parent(), path.file_name()) else {
            bail!("named file {a}: not a file name");
        };
        let written = match Path::new(a).parent() {
            Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
            _ => ".".to_string(),
        };
        match &dir {
            Some((first, shown)) if first != d => {
                bail!("named files must all be in one directory; have {shown} and {written}")
            }
            Some(_) => {}
            None => dir = Some((d.to_path_buf(), written)),
        }
        let name = name.to_string_lossy().into_owned();
        if !files.contains(&name) {
            files.push(name);
        }
    }
    Ok(dir.map(|(dir, _)| Root {
        import_path: COMMAND_LINE_ARGUMENTS.into(),
        dir,
        wildcard: false,
        files,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_file_arguments_as_the_go_command_reads_them() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("x")).unwrap();
        for f in ["a.go", "b.go", "x/c.go"] {
            std::fs::write(d.path().join(f), "package main\n").unwrap();
        }
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let r = go_files_root(&v(&["b.go", "./a.go", "b.go"]), d.path())
            .unwrap()
            .unwrap();
        assert_eq!(r.import_path, COMMAND_LINE_ARGUMENTS);
        assert_eq!(r.dir, d.path());
        assert_eq!(r.files, ["b.go", "a.go"]);
        // No argument is a Go file: they are package patterns.
        assert!(
            go_files_root(&v(&["./x", "nope.go"]), d.path())
                .unwrap()
                .is_none()
        );
        let err = |a: &[&str]| go_files_root(&v(a), d.path()).unwrap_err().to_string();
        assert!(err(&["a.go", "./x"]).starts_with("named files must be .go files: ./x"));
        assert_eq!(
            err(&["a.go", "x/c.go"]),
            "named files must all be in one directory; have . and x"
        );
        assert_eq!(
            err(&["a.go", "nope.go"]),
            "named file nope.go: no such file or directory"
        );
    }
}
