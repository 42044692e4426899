//! The Go file header scanner (package clause, imports, build constraint
//! lines) on arbitrary text: it must answer Ok or a positioned error, never
//! panic; an error's line and column lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        // What scan does with bytes that are not UTF-8: place the first bad one.
        let (line, col) = gccgo_build::scan::invalid_utf8_position(data);
        assert!(line >= 1 && col >= 1);
        return;
    };
    match gccgo_build::scan::parse_header(src) {
        Ok(h) => {
            for i in &h.imports {
                assert!(i.line >= 1 && i.col >= 1);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.col >= 1, "{e}");
            assert!(e.line <= src.split('\n').count() + 1, "{e}");
        }
    }
});
