//! The `gccgo-build` command: everything lives in the library.

fn main() {
    match gccgo_build::run() {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("gccgo-build: error: {err:#}");
            std::process::exit(1);
        }
    }
}
