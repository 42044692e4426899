//! Link: decisions about the final executable that are not compiler
//! commands — its default name (as `go build` names it), and the size line
//! printed after every link. The link command itself is planned in `plan`.

use std::path::Path;

/// The executable name `go build` gives a command: the last element of its
/// import path, or the one before a major-version suffix (`…/tool/v2` → `tool`).
pub fn default_exe_name(import_path: &str) -> String {
    let mut parts: Vec<&str> = import_path.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() > 1
        && let Some(last) = parts.last()
        && last.len() > 1
        && last.starts_with('v')
        && last[1..].chars().all(|c| c.is_ascii_digit())
    {
        parts.pop();
    }
    parts
        .last()
        .map_or_else(|| "a.out".to_string(), |s| s.to_string())
}

/// A size in bytes as people read it: `3.26 MB` (10^6), with the exact byte count.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB ({bytes} bytes)", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB ({bytes} bytes)", bytes as f64 / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// The one line printed after a link: path and size.
pub fn size_line(out: &Path) -> Option<String> {
    let len = std::fs::metadata(out).ok()?.len();
    Some(format!("{}: {}", out.display(), human_size(len)))
}

/// The `n` largest sections of an ELF file that take bytes in the file,
/// as lines `.text  1.23 MB (…)`; empty when the file is not ELF.
pub fn largest_sections(out: &Path, n: usize) -> Vec<String> {
    let Ok(info) = crate::inspect::inspect_file(out) else {
        return vec![];
    };
    let mut secs: Vec<_> = info.sections.into_iter().filter(|s| s.in_file).collect();
    secs.sort_by_key(|s| std::cmp::Reverse(s.size));
    secs.into_iter()
        .take(n)
        .map(|s| format!("{:<20} {}", s.name, human_size(s.size)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exe_names_as_go_build() {
        assert_eq!(default_exe_name("example.com/minion/cmd/minion"), "minion");
        assert_eq!(
            default_exe_name("github.com/cespare/xxhash/v2/xxhsum"),
            "xxhsum"
        );
        assert_eq!(
            default_exe_name("github.com/cpuguy83/go-md2man/v2"),
            "go-md2man"
        );
        assert_eq!(default_exe_name("v2"), "v2");
    }
}
