//! Console: writing to standard output and standard error without ever
//! panicking. The crate's `print!`/`println!`/`eprint!`/`eprintln!` (macros
//! in `lib.rs` that shadow std's) come here.
//!
//! - Standard output closed by its reader (`list -json | head`): the
//!   program ends quietly, exit status 0, as ripgrep does — after the
//!   cleanup of an early end (`cleanup::exit_now`).
//! - Standard output failing otherwise (a full disk): one line on stderr,
//!   exit status 1.
//! - Standard error failing (a full device): the text is dropped; the
//!   program goes on and exits with the status it would have.

use std::io::Write as _;

/// Writes to standard output (see the module doc for failures).
pub fn out(args: std::fmt::Arguments<'_>) {
    let mut o = std::io::stdout().lock();
    let r = o.write_fmt(args).and_then(|()| o.flush());
    if let Err(e) = r {
        drop(o);
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            crate::cleanup::exit_now(0, None);
        }
        let msg = format!(
            "error: writing to standard output: {}",
            crate::words::io_error(&e)
        );
        crate::cleanup::exit_now(1, Some(&msg));
    }
}

/// Writes to standard error; a failure is ignored.
pub fn err(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}
