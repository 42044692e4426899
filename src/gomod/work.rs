//! go.work: the `go`, `use` and `replace` directives of a workspace file
//! (Go 1.18's workspaces), parsed with the go.mod syntax and line numbers.
//!
//! The rules are the go command's (`golang.org/x/mod/modfile.ParseWork`,
//! `cmd/go/internal/modload.loadWorkFile`): one `use` path per directive,
//! relative to the go.work file's directory or absolute; a directory named
//! twice is an error. `toolchain` and `godebug` (later Go versions) are read
//! and ignored. Which modules the `use`d directories hold is `resolve`'s
//! business; this only reads the file.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{Replace, go_directive, replace_directive, statements};

/// A `use` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The directory as written (`./app`, `../lib`, `/abs/dir`).
    pub path: String,
    /// The module root it names: absolute, cleaned.
    pub dir: PathBuf,
    /// The 1-based line of go.work it is on, for messages.
    pub line: usize,
}

/// A parsed go.work file.
#[derive(Debug, Clone, Default)]
pub struct GoWork {
    /// The go.work file's path.
    pub file: PathBuf,
    /// The `go` directive, e.g. `1.18`, if present.
    pub go: Option<String>,
    /// The `use`d module directories, in file order.
    pub uses: Vec<Use>,
    /// `replace` directives: they win over the used modules' own
    /// (a directory replacement is relative to the go.work directory).
    pub replace: Vec<Replace>,
}

impl GoWork {
    /// Reads and parses a go.work file.
    ///
    /// Errors: the file cannot be read, or see `parse_work`.
    pub fn read(path: &Path) -> Result<GoWork> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading go.work at {}", path.display()))?;
        parse_work(path, &text)
    }

    /// The directory holding go.work: what `use` and directory
    /// replacements are relative to.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }
}

/// Parses go.work text; `path` (absolute) names the file in messages and
/// anchors relative `use` paths.
///
/// Errors with `FILE:LINE: message`: an unknown directive, a `use` without
/// exactly one path, a directory used twice, a malformed `go` or `replace`,
/// an unclosed block.
pub fn parse_work(path: &Path, text: &str) -> Result<GoWork> {
    let mut w = GoWork {
        file: path.to_path_buf(),
        ..Default::default()
    };
    let base = w.dir().to_path_buf();
    for st in statements(path, text)? {
        let n = st.line;
        match st.verb.as_str() {
            "go" => w.go = Some(go_directive(&st.args, path, n)?),
            "use" => {
                if st.args.len() != 1 {
                    bail!("{}:{n}: usage: use local/dir", path.display());
                }
                let written = st.args[0].clone();
                let dir = clean(&base.join(&written));
                if let Some(first) = w.uses.iter().find(|u| u.dir == dir) {
                    bail!(
                        "{}:{n}: path {} appears multiple times in workspace (also on line {})",
                        path.display(),
                        dir.display(),
                        first.line
                    );
                }
                w.uses.push(Use {
                    path: written,
                    dir,
                    line: n,
                });
            }
            "replace" => w.replace.push(replace_directive(&st.args, path, n)?),
            "toolchain" | "godebug" => {}
            other => bail!("{}:{n}: unknown directive: {other}", path.display()),
        }
    }
    Ok(w)
}

/// Lexically cleans a path (`a/./b/../c` → `a/c`), as `filepath.Join` does.
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The go.work the go command uses for a working directory
/// (`modload.InitWorkfile`, `findWorkspaceFile`): with `gowork` the value
/// of `GOWORK`, none for `off`; the named file for an absolute path; else
/// (`""` or `auto`) the nearest `go.work` file at or above `cwd`.
///
/// Errors: a relative `GOWORK` path (the go command's words).
pub fn find_work(cwd: &Path, gowork: &str) -> Result<Option<PathBuf>> {
    match gowork {
        "off" => Ok(None),
        "" | "auto" => Ok(cwd
            .ancestors()
            .map(|d| d.join("go.work"))
            .find(|p| p.is_file())),
        p if Path::new(p).is_absolute() => Ok(Some(PathBuf::from(p))),
        p => bail!("GOWORK={p}: the path provided to GOWORK must be an absolute path"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_use_and_replace_in_both_forms() {
        let text = "go 1.18\n\nuse (\n\t./app // the program\n\t\"./lib\"\n)\nuse /abs/tool\n\
                    replace example.com/x v1.0.0 => ../x\nreplace (\n\texample.com/y => example.com/z v1.2.3\n)\n";
        let w = parse_work(Path::new("/ws/go.work"), text).unwrap();
        assert_eq!(w.go.as_deref(), Some("1.18"));
        let dirs: Vec<_> = w.uses.iter().map(|u| u.dir.clone()).collect();
        assert_eq!(
            dirs,
            [
                PathBuf::from("/ws/app"),
                PathBuf::from("/ws/lib"),
                PathBuf::from("/abs/tool")
            ]
        );
        assert_eq!(w.uses[0].line, 4);
        assert_eq!(w.uses[1].path, "./lib");
        assert_eq!(w.replace.len(), 2);
        assert_eq!(w.replace[0].new, "../x");
        assert_eq!(w.replace[1].new_version.as_deref(), Some("v1.2.3"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = |t: &str| {
            parse_work(Path::new("/ws/go.work"), t)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("go 1.18\nmodule x\n"),
            "/ws/go.work:2: unknown directive: module"
        );
        assert_eq!(e("use a b\n"), "/ws/go.work:1: usage: use local/dir");
        assert_eq!(
            e("use ./a\nuse a/\n"),
            "/ws/go.work:2: path /ws/a appears multiple times in workspace (also on line 1)"
        );
        assert!(e("use (\n./a\n").starts_with("/ws/go.work:1:"));
        assert!(e("replace a\n").starts_with("/ws/go.work:1: usage: replace"));
    }

    #[test]
    fn gowork_chooses_the_file() {
        let d = tempfile::tempdir().unwrap();
        let inner = d.path().join("a/b");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(d.path().join("go.work"), "go 1.18\n").unwrap();
        assert_eq!(
            find_work(&inner, "").unwrap(),
            Some(d.path().join("go.work"))
        );
        assert_eq!(
            find_work(&inner, "auto").unwrap(),
            Some(d.path().join("go.work"))
        );
        assert_eq!(find_work(&inner, "off").unwrap(), None);
        assert_eq!(
            find_work(&inner, "/x/go.work").unwrap(),
            Some(PathBuf::from("/x/go.work"))
        );
        assert!(
            find_work(&inner, "x/go.work")
                .unwrap_err()
                .to_string()
                .contains("must be an absolute path")
        );
    }
}
