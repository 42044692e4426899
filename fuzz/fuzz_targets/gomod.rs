//! The go.mod parser on arbitrary text: a module or an error that names
//! `go.mod:LINE`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match gccgo_build::gomod::parse(std::path::Path::new("/m/go.mod"), text) {
        Ok(m) => {
            let _ = m.go_version();
        }
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(msg.contains("go.mod"), "{msg}");
        }
    }
    for w in text.split_whitespace() {
        let _ = gccgo_build::gomod::parse_go_version(w);
    }
});
