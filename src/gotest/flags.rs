//! The flags `go test` hands to the test binary, as go 1.19 hands them
//! (cmd/go/internal/test/testflag.go, `testFlags`; flagdefs.go,
//! `passFlagToTest`): each given flag as `-test.NAME=VALUE`, after the
//! ones go injects (`-test.v=true` for `-json`, the default
//! `-test.timeout=10m0s`), then the arguments after `-args` untouched; and
//! go's rule for which of them let a result come from the cache
//! (test.go, `tryCacheWithID`: the "cacheable" flags).
//!
//! This module knows flag names and values; running binaries and the
//! cache itself are the driver's.

use std::time::Duration;

/// One flag of `go test` that reaches the test binary as `-test.NAME=VALUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassFlag {
    /// The name without `-test.` (`run`).
    pub name: &'static str,
    /// A result may still come from the cache when it is given (go's list:
    /// benchtime, cpu, list, parallel, run, short, timeout, failfast, v).
    pub cacheable: bool,
    /// A boolean flag (`-failfast`): no value word follows it.
    pub boolean: bool,
}

const fn flag(name: &'static str, cacheable: bool, boolean: bool) -> PassFlag {
    PassFlag {
        name,
        cacheable,
        boolean,
    }
}

/// The `go test` flags gccgo-build passes to the test binary, in
/// flagdefs.go's order. (Coverage and profiling flags are handled where
/// their output is.)
pub const PASS_TO_TEST: &[PassFlag] = &[
    flag("bench", false, false),
    flag("benchmem", false, true),
    flag("benchtime", true, false),
    flag("count", false, false),
    flag("cpu", true, false),
    flag("failfast", true, true),
    flag("list", true, false),
    flag("parallel", true, false),
    flag("run", true, false),
    flag("short", true, true),
    flag("shuffle", false, false),
    flag("timeout", true, false),
    flag("v", true, true),
];

/// The test binary's arguments (without the ones the driver adds for
/// itself, `-test.paniconexit0` and `-test.testlogfile`), as `testFlags`
/// returns them: `-test.v=true` when `json`; `-test.timeout=<timeout>`
/// unless `given` sets it; each of `given` (name without `-test.`, value
/// as go prints it: `true` for a boolean) as `-test.NAME=VALUE`; then
/// `extra`, the words after `-args`, as they are.
pub fn binary_args(
    given: &[(&str, String)],
    json: bool,
    timeout: Duration,
    extra: &[String],
) -> Vec<String> {
    let mut v = Vec::new();
    if json {
        v.push("-test.v=true".to_string());
    }
    if !timeout.is_zero() && !given.iter().any(|(n, _)| *n == "timeout") {
        v.push(format!("-test.timeout={}", go_duration(timeout)));
    }
    v.extend(given.iter().map(|(n, val)| format!("-test.{n}={val}")));
    v.extend(extra.iter().cloned());
    v
}

/// go's rule (`tryCacheWithID`): a result may come from the cache only
/// when every argument of the binary is `-test.NAME=VALUE` with NAME one
/// of the cacheable flags. Returns the first argument that forbids it.
pub fn uncacheable_arg(args: &[String]) -> Option<&str> {
    args.iter()
        .find(|a| {
            let Some((name, _)) = a.strip_prefix("-test.").and_then(|r| r.split_once('=')) else {
                return true;
            };
            // go 1.19's tryCacheWithID also caches with these two.
            !(PASS_TO_TEST.iter().any(|f| f.name == name && f.cacheable)
                || matches!(name, "coverprofile" | "outputdir"))
        })
        .map(String::as_str)
}

/// A duration as Go's `time.Duration.String` writes it (`10m0s`,
/// `1h30m0s`, `1.5s`, `250ms`, `0s`): how go test writes `-test.timeout`.
pub fn go_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".into();
    }
    if ns < 1_000_000_000 {
        let (unit, div) = if ns < 1_000 {
            ("ns", 1)
        } else if ns < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", fraction(ns, div));
    }
    let secs = ns / 1_000_000_000;
    let (h, m) = (secs / 3600, secs / 60 % 60);
    let s = fraction(ns % 60_000_000_000, 1_000_000_000);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m{s}s"),
        (h, m) => format!("{h}h{m}m{s}s"),
    }
}

/// `n / div` in decimal with the fraction's trailing zeros dropped.
fn fraction(n: u128, div: u128) -> String {
    let (whole, rest) = (n / div, n % div);
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let frac = format!("{rest:0width$}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// Checks a `-shuffle` value as go's `shuffleFlag.Set`: `off`, `on`, or
/// a seed that is an int64. Errors with go's text.
pub fn check_shuffle(v: &str) -> Result<(), String> {
    if v == "on" || v == "off" || v.parse::<i64>().is_ok() {
        return Ok(());
    }
    Err(format!(
        "invalid value {v:?} for flag -shuffle: -shuffle argument must be \"on\", \"off\", or an int64"
    ))
}

/// Checks a `-vet` value as go's `vetFlag.Set` (a comma-separated list,
/// no `=` nor spaces, no empty element); whether it is `off`. Errors with
/// go's text.
pub fn check_vet(v: &str) -> Result<bool, String> {
    let bad = |why: &str| Err(format!("invalid value {v:?} for flag -vet: {why}"));
    if v.contains('=') {
        return bad("-vet argument cannot contain equal signs");
    }
    if v.contains(' ') {
        return bad("-vet argument is comma-separated list, cannot contain spaces");
    }
    if !v.is_empty() && v.split(',').any(str::is_empty) {
        return bad("-vet argument contains empty list element");
    }
    Ok(v == "off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_prints_them() {
        let s = |secs: f64| go_duration(Duration::from_secs_f64(secs));
        assert_eq!(s(600.0), "10m0s");
        assert_eq!(s(5400.0), "1h30m0s");
        assert_eq!(s(1.5), "1.5s");
        assert_eq!(s(0.25), "250ms");
        assert_eq!(s(30.0), "30s");
        assert_eq!(s(0.0), "0s");
        assert_eq!(go_duration(Duration::from_micros(1500)), "1.5ms");
    }

    #[test]
    fn flags_reach_the_binary_as_go_test_passes_them() {
        let given = [("failfast", "true".to_string()), ("run", "X".into())];
        let a = binary_args(&given, true, Duration::from_secs(600), &["-x".into()]);
        assert_eq!(
            a,
            [
                "-test.v=true",
                "-test.timeout=10m0s",
                "-test.failfast=true",
                "-test.run=X",
                "-x"
            ]
        );
        assert_eq!(uncacheable_arg(&a), Some("-x"));
        assert_eq!(uncacheable_arg(&a[..4]), None);
        assert_eq!(
            uncacheable_arg(&["-test.count=1".to_string()]),
            Some("-test.count=1")
        );
        let t = [("timeout", "1m0s".to_string())];
        assert_eq!(
            binary_args(&t, false, Duration::from_secs(60), &[]),
            ["-test.timeout=1m0s"]
        );
    }

    #[test]
    fn shuffle_and_vet_values_are_checked_as_go_checks_them() {
        assert!(check_shuffle("on").is_ok() && check_shuffle("-12").is_ok());
        assert!(check_shuffle("sometimes").is_err());
        assert_eq!(check_vet("off"), Ok(true));
        assert_eq!(check_vet("printf,atomic"), Ok(false));
        assert!(check_vet("a=b").is_err() && check_vet("a,,b").is_err());
    }
}
