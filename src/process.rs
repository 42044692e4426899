//! Process: the one subprocess wrapper. A `Cmd` is an argv (plus optional
//! working directory); its `Display` is the shell-quoted command line that
//! `-x`, `-n` and error messages print. Running it reads stdin from
//! /dev/null and captures stdout and stderr whole, so a job's output is
//! printed in one piece when it ends. Failure to spawn is an error value,
//! never a panic. This module knows nothing of Go or of the build.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A command line to run: program, arguments, optional working directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cmd {
    /// `argv[0]` and the arguments.
    pub argv: Vec<OsString>,
    /// Working directory, if not the current one.
    pub dir: Option<PathBuf>,
}

impl Cmd {
    /// A command from a program and no arguments.
    pub fn new(program: impl Into<OsString>) -> Cmd {
        Cmd {
            argv: vec![program.into()],
            dir: None,
        }
    }

    /// Appends one argument.
    pub fn arg(mut self, a: impl Into<OsString>) -> Cmd {
        self.argv.push(a.into());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, it: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.argv.extend(it.into_iter().map(Into::into));
        self
    }

    /// The shell-quoted command line, with `work` (if given) written as `$WORK`
    /// so that `-n` output is a script that runs in any work directory.
    pub fn display_with_work(&self, work: Option<&Path>) -> String {
        let mut s = String::new();
        if let Some(d) = &self.dir {
            s.push_str("cd ");
            s.push_str(&quote(&d.to_string_lossy(), work));
            s.push_str(" && ");
        }
        let words: Vec<String> = self
            .argv
            .iter()
            .map(|a| quote(&a.to_string_lossy(), work))
            .collect();
        s.push_str(&words.join(" "));
        s
    }

    /// Runs the command to completion with stdin from /dev/null and output
    /// captured; `timeout`, when given, kills it after that long.
    ///
    /// Errors: the program could not be started (`Spawn`), or it ran and did
    /// not exit 0 (`Failed`, with its status and output).
    pub fn run(&self, timeout: Option<Duration>) -> Result<Output, RunError> {
        let mut c = Command::new(&self.argv[0]);
        c.args(&self.argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(d) = &self.dir {
            c.current_dir(d);
        }
        // Its own process group, so that a timeout or an interrupt kills
        // the compiler proper (go1, as, ld) and not only the driver; the
        // group is announced to `cleanup` while it runs.
        use std::os::unix::process::CommandExt;
        c.process_group(0);
        let child = c.spawn().map_err(|e| RunError::Spawn {
            cmd: self.to_string(),
            err: crate::words::io_error(&e),
        })?;
        let pid = child.id();
        crate::cleanup::add_group(pid);
        let out = match timeout {
            None => child.wait_with_output(),
            Some(t) => wait_with_timeout(child, t),
        };
        crate::cleanup::remove_group(pid);
        let out = out.map_err(|e| match (e.kind(), timeout) {
            (std::io::ErrorKind::TimedOut, Some(t)) => RunError::TimedOut {
                cmd: self.to_string(),
                after: t,
            },
            _ => RunError::Spawn {
                cmd: self.to_string(),
                err: crate::words::io_error(&e),
            },
        })?;
        let o = Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        if out.status.success() {
            Ok(o)
        } else {
            Err(RunError::Failed {
                cmd: self.to_string(),
                status: describe_status(out.status),
                output: o,
            })
        }
    }
}

fn wait_with_timeout(
    mut child: std::process::Child,
    t: Duration,
) -> std::io::Result<std::process::Output> {
    use std::io::Read;
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut so = child.stdout.take();
    let mut se = child.stderr.take();
    let ho = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = so.as_mut() {
            let _ = s.read_to_end(&mut b);
        }
        b
    });
    let he = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = se.as_mut() {
            let _ = s.read_to_end(&mut b);
        }
        b
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if start.elapsed() >= t {
            if let Ok(pid) = i32::try_from(child.id()) {
                // SAFETY: kill(2) on the process group we created for this child.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("killed after {} s without finishing", t.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(std::process::Output {
        status,
        stdout: ho.join().unwrap_or_default(),
        stderr: he.join().unwrap_or_default(),
    })
}

fn describe_status(st: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (st.code(), st.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => st.to_string(),
    }
}

impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_with_work(None))
    }
}

/// What a command printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Output {
    /// stdout then stderr, as one text (what a compiler said).
    pub fn combined(&self) -> String {
        let mut s = self.stdout.clone();
        s.push_str(&self.stderr);
        s
    }
}

/// Why a command did not succeed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The program could not be started (not found, not executable) or waited for.
    #[error("{cmd}: {err}")]
    Spawn {
        /// The command line.
        cmd: String,
        /// The OS error.
        err: String,
    },
    /// The program ran past the timeout and was killed, with its process group.
    #[error("{cmd}: still running after {}, so it was killed", human_duration(*after))]
    TimedOut {
        /// The command line.
        cmd: String,
        /// The timeout.
        after: Duration,
    },
    /// The program ran and failed.
    #[error("{cmd}: {status}")]
    Failed {
        /// The command line.
        cmd: String,
        /// `exit status N` or `killed by signal N`.
        status: String,
        /// Its output.
        output: Output,
    },
}

impl RunError {
    /// The captured output, when the program ran.
    pub fn output(&self) -> Option<&Output> {
        match self {
            RunError::Failed { output, .. } => Some(output),
            RunError::Spawn { .. } | RunError::TimedOut { .. } => None,
        }
    }
}

/// A timeout as people say it: `3 s`, or `200 ms` under a second.
pub fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Quotes one word for a POSIX shell; `work` (if given) is written `$WORK`.
pub fn quote(word: &str, work: Option<&Path>) -> String {
    if let Some(w) = work {
        let w = w.to_string_lossy();
        if !w.is_empty() && word.contains(w.as_ref()) {
            let parts: Vec<String> = word.split(w.as_ref()).map(quote_plain).collect();
            return parts
                .join("\"$WORK\"")
                .replace("''\"$WORK\"", "\"$WORK\"")
                .replace("\"$WORK\"''", "\"$WORK\"");
        }
    }
    quote_plain(word)
}

fn quote_plain(word: &str) -> String {
    if word.is_empty() {
        return "''".into();
    }
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=+,:@%^".contains(c))
    {
        return word.to_string();
    }
    shlex::try_quote(word)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| format!("'{}'", word.replace('\'', "'\\''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_and_names_work() {
        let c = Cmd::new("gccgo").args(["-c", "-o", "/tmp/w1/a b.o", "x.go"]);
        assert_eq!(c.to_string(), "gccgo -c -o '/tmp/w1/a b.o' x.go");
        assert_eq!(
            c.display_with_work(Some(Path::new("/tmp/w1"))),
            "gccgo -c -o \"$WORK\"'/a b.o' x.go"
        );
        let c = Cmd::new("gccgo").arg("-I").arg("/tmp/w1");
        assert_eq!(
            c.display_with_work(Some(Path::new("/tmp/w1"))),
            "gccgo -I \"$WORK\""
        );
    }

    #[test]
    fn spawn_failure_is_an_error_not_a_panic() {
        let e = Cmd::new("/nonexistent/gccgo").run(None).unwrap_err();
        assert!(matches!(e, RunError::Spawn { .. }), "{e}");
    }

    #[test]
    fn failure_carries_status_and_output() {
        let e = Cmd::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .run(None)
            .unwrap_err();
        assert!(e.to_string().ends_with("exit status 3"), "{e}");
        let o = e.output().unwrap();
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("out\n", "err\n"));
    }

    #[test]
    fn timeout_kills() {
        let e = Cmd::new("sleep")
            .arg("5")
            .run(Some(Duration::from_millis(200)))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("still running after 200 ms, so it was killed"),
            "{e}"
        );
    }
}
