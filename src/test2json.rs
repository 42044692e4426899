//! Test2json: a test binary's `-test.v` output as the event stream of `go
//! test -json` (`cmd/internal/test2json`, Go 1.19), so tools that read it
//! (gotestsum, CI parsers) read ours. One event a line:
//! `{"Time":…,"Action":"run","Package":P,"Test":T}`, actions `run`, `pause`,
//! `cont`, `pass`, `fail`, `skip`, `bench`, `output`, and a last event for
//! the package. Go 1.18's `testing` (gccgo 12) prints no framing marks, so
//! lines are recognised by their prefixes, as test2json does for it.

use serde::Serialize;

/// One event of the stream; field names and omissions as test2json's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    /// RFC 3339 time with nanoseconds, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `run`, `pause`, `cont`, `pass`, `fail`, `skip`, `bench`, `output`.
    pub action: String,
    /// The package's import path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub package: String,
    /// The test the event belongs to; empty for the package.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub test: String,
    /// Seconds, on `pass`/`fail`/`skip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<f64>,
    /// One line of output, with its newline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

const UPDATES: [&str; 3] = ["=== RUN   ", "=== PAUSE ", "=== CONT  "];
const REPORTS: [&str; 4] = ["--- PASS: ", "--- FAIL: ", "--- SKIP: ", "--- BENCH: "];

/// Turns one package's whole test output into events.
struct Converter {
    pkg: String,
    time: String,
    test_name: String,
    /// Pending result reports, nested for subtests.
    report: Vec<Event>,
    events: Vec<Event>,
}

impl Converter {
    fn event(&mut self, mut e: Event) {
        e.package = self.pkg.clone();
        e.time = Some(self.time.clone());
        if e.test.is_empty() {
            e.test = self.test_name.clone();
        }
        self.events.push(e);
    }

    fn output(&mut self, line: &str) {
        self.event(Event {
            time: None,
            action: "output".into(),
            package: String::new(),
            test: String::new(),
            elapsed: None,
            output: Some(line.to_string()),
        });
    }

    fn flush_report(&mut self, depth: usize) {
        self.test_name.clear();
        while self.report.len() > depth {
            if let Some(e) = self.report.pop() {
                self.event(e);
            }
        }
    }

    /// test2json's `handleInputLine`; `line` ends with its newline (unless last).
    fn line(&mut self, line: &str) {
        let bare = line.trim_end_matches('\n');
        if bare == "PASS" || bare == "FAIL" || line.starts_with("FAIL\t") {
            self.flush_report(0);
            self.output(line);
            return;
        }
        let mut rest = line;
        let mut indent = 0;
        let update = UPDATES.iter().any(|m| line.starts_with(m));
        let mut report = false;
        if !update {
            while let Some(r) = rest.strip_prefix("    ") {
                rest = r;
                indent += 1;
            }
            report = REPORTS.iter().any(|m| rest.starts_with(m));
        }
        if !update && !report {
            if indent > 0 && indent <= self.report.len() {
                self.test_name = self.report[indent - 1].test.clone();
            }
            self.output(line);
            return;
        }
        let i = if report {
            rest.find(':').map_or(UPDATES[0].len(), |i| i + 1)
        } else {
            UPDATES[0].len()
        };
        let action = rest[4..i].trim().trim_end_matches(':').to_lowercase();
        let mut name = rest[i..].trim().to_string();
        let mut e = Event {
            time: None,
            action: action.clone(),
            package: String::new(),
            test: String::new(),
            elapsed: None,
            output: None,
        };
        if report {
            if let Some(p) = name.find(" (") {
                if name.ends_with("s)") {
                    e.elapsed = name[p + 2..name.len() - 2].parse().ok();
                }
                name.truncate(p);
            }
            if self.report.len() < indent {
                self.output(line);
                return;
            }
            self.flush_report(indent);
            e.test = name.clone();
            self.test_name = name;
            self.report.push(e);
            self.output(line);
            return;
        }
        self.flush_report(0);
        self.test_name = name;
        if action == "pause" {
            self.output(line);
        }
        self.event(e);
        if action != "pause" {
            self.output(line);
        }
    }
}

/// The events of one package's run: its output (`-test.v`), whether the
/// binary exited 0, and how long it ran, in seconds. `time` stamps every
/// event (`now_rfc3339`).
pub fn convert(pkg: &str, output: &str, exited_ok: bool, elapsed: f64, time: &str) -> Vec<Event> {
    let mut c = Converter {
        pkg: pkg.to_string(),
        time: time.to_string(),
        test_name: String::new(),
        report: Vec::new(),
        events: Vec::new(),
    };
    for line in output.split_inclusive('\n') {
        match benchmark_split(line) {
            // The two writes of a benchmark's result line, each an output
            // event, as test2json's `lineBuffer` sees them from a pipe.
            Some((name, rest)) => {
                c.output(name);
                c.output(rest);
            }
            None => c.line(line),
        }
    }
    c.flush_report(0);
    // The exit status decides, as test2json's `Exited`.
    let result = if exited_ok { "pass" } else { "fail" };
    c.event(Event {
        time: None,
        action: result.into(),
        package: String::new(),
        test: String::new(),
        elapsed: Some((elapsed * 1000.0).round() / 1000.0),
        output: None,
    });
    c.events
}

/// A benchmark's result line split where `testing` splits its writes:
/// after the name and its tab (`BenchmarkX-2   \t`), the rest after the
/// run. test2json emits the first part alone, before the line ends
/// (`lineBuffer.write` with `isBenchmarkName`).
fn benchmark_split(line: &str) -> Option<(&str, &str)> {
    let tab = line.find('\t')?;
    let name = line[..tab].trim_end_matches(' ');
    let rest = name.strip_prefix("Benchmark")?;
    if rest.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    Some(line.split_at(tab + 1))
}

/// The current time in RFC 3339 with nanoseconds, UTC (`2026-12-01T06:00:00.123456789Z`).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_nanos(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_follow_test2json() {
        let out = "=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n=== RUN   TestB/sub\n    b_test.go:9: bad\n--- FAIL: TestB (0.01s)\n    --- FAIL: TestB/sub (0.00s)\nFAIL\n";
        let ev = convert("p", out, false, 0.5, "T");
        let short: Vec<(String, String)> = ev
            .iter()
            .filter(|e| e.action != "output")
            .map(|e| (e.action.clone(), e.test.clone()))
            .collect();
        let want = [
            ("run", "TestA"),
            ("pass", "TestA"),
            ("run", "TestB"),
            ("run", "TestB/sub"),
            ("fail", "TestB/sub"),
            ("fail", "TestB"),
            ("fail", ""),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, t)| (a.to_string(), t.to_string()))
            .collect();
        assert_eq!(short, want);
        // The log line of the subtest is attributed to the test running it.
        let bad = ev
            .iter()
            .find(|e| e.output.as_deref() == Some("    b_test.go:9: bad\n"))
            .unwrap();
        assert_eq!(bad.test, "TestB/sub");
        let j = serde_json::to_string(&ev[0]).unwrap();
        assert_eq!(
            j,
            r#"{"Time":"T","Action":"run","Package":"p","Test":"TestA"}"#
        );
        assert_eq!(ev.last().unwrap().elapsed, Some(0.5));
    }

    #[test]
    fn a_benchmark_result_line_is_two_output_events_as_test2json_reads_a_pipe() {
        let out = "BenchmarkD-2   \t1000\t 3 ns/op\nPASS\n";
        let ev = convert("p", out, true, 0.1, "T");
        let outputs: Vec<&str> = ev.iter().filter_map(|e| e.output.as_deref()).collect();
        assert_eq!(outputs, ["BenchmarkD-2   \t", "1000\t 3 ns/op\n", "PASS\n"]);
        assert_eq!(benchmark_split("Benchmarking\tx\n"), None);
    }
}
