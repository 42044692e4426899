//! Who is told about module downloads: a driver installs one observer
//! per process (a status line on a terminal, `progress::DownloadLine`);
//! `Fetcher::download` reports each module zip it fetches and when it is
//! done. Without an observer (stderr piped, tests) nothing is shown.
//! The observer lives in a higher layer, so this module only holds it.

use std::sync::OnceLock;

/// Told when a module download starts and ends (from any thread).
pub trait Observer: Send + Sync {
    /// `path@version`'s zip is being fetched.
    fn started(&self, path: &str, version: &str);
    /// That fetch ended (successfully or not).
    fn finished(&self, path: &str, version: &str);
}

static OBSERVER: OnceLock<Box<dyn Observer>> = OnceLock::new();

/// Installs the process's observer (the first call wins).
pub fn set_observer(o: Box<dyn Observer>) {
    let _ = OBSERVER.set(o);
}

/// Runs `f`, the download of `path@version`, between the observer's
/// `started` and `finished`.
pub fn around<T>(path: &str, version: &str, f: impl FnOnce() -> T) -> T {
    let o = OBSERVER.get();
    if let Some(o) = o {
        o.started(path, version);
    }
    let r = f();
    if let Some(o) = o {
        o.finished(path, version);
    }
    r
}
