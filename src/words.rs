//! Words: system errors said the way a user reads them, without Rust's
//! wording (`os error 21`, `Is a directory (os error 21)`), so that every
//! message names the cause in plain words beside the path it is about.

/// An I/O error in plain words: `is a directory`, `permission denied`,
/// `no such file or directory`, `no space left on device` …; the OS's own
/// text (without the `(os error N)` suffix) for anything else.
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if e.raw_os_error() == Some(libc::ELOOP) {
        return "too many levels of symbolic links (a symlink loop)".into();
    }
    let s = match e.kind() {
        K::NotFound => "no such file or directory",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::IsADirectory => "it is a directory",
        K::NotADirectory => "a component of the path is not a directory",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "no space left on device",
        K::QuotaExceeded => "disk quota exceeded",
        K::BrokenPipe => "the reader closed the pipe",
        K::InvalidData => "the data is not valid UTF-8 text",
        K::TimedOut => "timed out",
        K::Interrupted => "interrupted",
        K::OutOfMemory => "out of memory",
        K::DirectoryNotEmpty => "the directory is not empty",
        K::CrossesDevices => "it is on another file system",
        _ => "",
    };
    if !s.is_empty() {
        return s.to_string();
    }
    let t = e.to_string();
    match t.find(" (os error ") {
        Some(i) => t[..i].to_lowercase(),
        None => t,
    }
}

/// An error chain as one line, `outer: inner: cause` (as anyhow's `{:#}`),
/// with every I/O cause in words ([`io_error`]) and no `(os error N)`.
pub fn error_text(err: &anyhow::Error) -> String {
    err.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => io_error(io),
            None => {
                let t = c.to_string();
                match t.find(" (os error ") {
                    Some(i) if t.ends_with(')') => t[..i].to_string(),
                    _ => t,
                }
            }
        })
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_have_no_rust_wording() {
        let e = anyhow::Error::new(std::io::Error::from_raw_os_error(libc::EACCES))
            .context("creating cache directory /c");
        assert_eq!(
            error_text(&e),
            "creating cache directory /c: permission denied"
        );
    }

    #[test]
    fn no_rust_wording() {
        let e = std::io::Error::from_raw_os_error(libc::EISDIR);
        assert_eq!(io_error(&e), "it is a directory");
        let e = std::io::Error::from_raw_os_error(libc::ELOOP);
        assert_eq!(
            io_error(&e),
            "too many levels of symbolic links (a symlink loop)"
        );
        let e = std::io::Error::from_raw_os_error(libc::EXDEV);
        assert!(!io_error(&e).contains("os error"), "{}", io_error(&e));
        let e = std::io::Error::from_raw_os_error(libc::ENOTSUP);
        assert!(!io_error(&e).contains("os error"), "{}", io_error(&e));
    }
}
