//! The `gccgo-build` command: everything lives in the library.

fn main() {
    match gccgo_build::run() {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            use std::io::Write as _;
            // An unwritable stderr must not turn a clean failure into a panic.
            let _ = writeln!(
                std::io::stderr(),
                "gccgo-build: error: {}",
                gccgo_build::words::error_text(&err)
            );
            std::process::exit(1);
        }
    }
}
