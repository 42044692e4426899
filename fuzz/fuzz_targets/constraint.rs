//! The build-constraint parser (`//go:build` expressions and legacy
//! `// +build` lines) on arbitrary lines: Ok or a syntax error, never a
//! panic; a parsed expression evaluates under any tag set.
#![no_main]

use gccgo_build::constraint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        for parsed in [constraint::parse_go_build(line), constraint::parse_plus_build(line)] {
            if let Ok(expr) = parsed {
                let _ = expr.eval(&mut |t| t.len() % 2 == 0);
                let _ = expr.eval(&mut |_| true);
            }
        }
        let _ = constraint::is_go_build(line);
        let _ = constraint::is_plus_build(line);
        let _ = constraint::is_valid_tag(line);
    }
});
