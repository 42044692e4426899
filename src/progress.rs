//! Progress: every line the build shows a person goes through one
//! `Progress`, so compiler output and the status line never tear. `Plain`
//! writes whole lines (for pipes and CI); `Terminal` keeps a one-line
//! status `[12/120] compiling internal/p042` at the bottom of a terminal
//! and clears it before printing anything else. Both write to stderr.

use std::io::{IsTerminal, Write};

use crate::cache::DirtyReason;

/// `--explain`: whether and how to say why each action runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Explain {
    /// Say nothing.
    #[default]
    Off,
    /// `LABEL: REASON` lines on stderr.
    Text,
    /// One JSON object a line on stdout (`--explain --json`), for tools:
    /// `{"action":LABEL,"reason":{"kind":…,…},"text":REASON}`.
    Json,
}

/// What the scheduler reports.
pub trait Progress {
    /// The build starts with `total` actions.
    fn start(&mut self, total: usize);
    /// An action starts running; `verbose` names it (`-v`).
    fn begin(&mut self, label: &str, verbose: bool);
    /// A command is about to run (`-x`).
    fn command(&mut self, line: &str);
    /// An action finished; `output` is what its commands printed (warnings).
    fn done(&mut self, label: &str, output: &str);
    /// An action's outputs were restored from the cache; `saved` is its saved output.
    fn cached(&mut self, label: &str, saved: &str);
    /// Why an action must run (shown with `--explain`).
    fn explain(&mut self, label: &str, reason: &DirtyReason);
    /// An action failed; `text` is its output and the reason.
    fn failed(&mut self, label: &str, text: &str);
    /// A warning line.
    fn warn(&mut self, msg: &str);
    /// The build is over.
    fn finish(&mut self);
}

/// Whole lines on stderr, no status line.
pub struct Plain {
    /// Whether and how to print `--explain` reasons.
    pub explain: Explain,
    done: usize,
    total: usize,
}

impl Plain {
    /// A plain reporter.
    pub fn new(explain: Explain) -> Plain {
        Plain {
            explain,
            done: 0,
            total: 0,
        }
    }
}

fn block(label: &str, text: &str) -> String {
    // Compiler diagnostics are shown whole, under the package they belong to, as go does.
    let mut s = format!("# {label}\n{text}");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

impl Progress for Plain {
    fn start(&mut self, total: usize) {
        self.total = total;
    }
    fn begin(&mut self, label: &str, verbose: bool) {
        if verbose {
            eprintln!("{label}");
        }
    }
    fn command(&mut self, line: &str) {
        eprintln!("{line}");
    }
    fn done(&mut self, label: &str, output: &str) {
        self.done += 1;
        if !output.trim().is_empty() {
            eprint!("{}", block(label, output));
        }
    }
    fn cached(&mut self, label: &str, saved: &str) {
        self.done(label, saved);
    }
    fn explain(&mut self, label: &str, reason: &DirtyReason) {
        match self.explain {
            Explain::Off => {}
            Explain::Text => eprintln!("{label}: {reason}"),
            Explain::Json => {
                let line = serde_json::json!({
                    "action": label,
                    "reason": reason,
                    "text": reason.to_string(),
                });
                println!("{line}");
            }
        }
    }
    fn failed(&mut self, label: &str, text: &str) {
        self.done += 1;
        eprint!("{}", block(label, text));
    }
    fn warn(&mut self, msg: &str) {
        eprintln!("gccgo-build: warning: {msg}");
    }
    fn finish(&mut self) {}
}

/// A status line on a terminal, cleared before any other output.
pub struct Terminal {
    inner: Plain,
    running: Vec<String>,
    shown: bool,
}

impl Terminal {
    /// A terminal reporter.
    pub fn new(explain: Explain) -> Terminal {
        Terminal {
            inner: Plain::new(explain),
            running: Vec::new(),
            shown: false,
        }
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
            self.shown = false;
        }
    }

    fn draw(&mut self) {
        if let Some(l) = self.running.last() {
            let what = match l.strip_prefix("link ") {
                Some(out) => format!("linking {out}"),
                None => format!("compiling {l}"),
            };
            let more = match self.running.len() {
                1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            let mut line = format!("[{}/{}] {what}{more}", self.inner.done, self.inner.total);
            if line.len() > 100 {
                let mut cut = 100;
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                line.truncate(cut);
            }
            eprint!("\r\x1b[K{line}");
            let _ = std::io::stderr().flush();
            self.shown = true;
        }
    }

    fn finished(&mut self, label: &str) {
        self.running.retain(|l| l != label);
    }
}

impl Progress for Terminal {
    fn start(&mut self, total: usize) {
        self.inner.start(total);
    }
    fn begin(&mut self, label: &str, verbose: bool) {
        self.clear();
        self.inner.begin(label, verbose);
        self.running.push(label.to_string());
        self.draw();
    }
    fn command(&mut self, line: &str) {
        self.clear();
        self.inner.command(line);
        self.draw();
    }
    fn done(&mut self, label: &str, output: &str) {
        self.clear();
        self.finished(label);
        self.inner.done(label, output);
        self.draw();
    }
    fn cached(&mut self, label: &str, saved: &str) {
        self.clear();
        self.inner.cached(label, saved);
        self.draw();
    }
    fn explain(&mut self, label: &str, reason: &DirtyReason) {
        self.clear();
        self.inner.explain(label, reason);
        self.draw();
    }
    fn failed(&mut self, label: &str, text: &str) {
        self.clear();
        self.finished(label);
        self.inner.failed(label, text);
        self.draw();
    }
    fn warn(&mut self, msg: &str) {
        self.clear();
        self.inner.warn(msg);
        self.draw();
    }
    fn finish(&mut self) {
        self.clear();
        self.running.clear();
    }
}

/// A terminal reporter when stderr is a terminal, else a plain one.
pub fn for_stderr(explain: Explain) -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Terminal::new(explain))
    } else {
        Box::new(Plain::new(explain))
    }
}

/// Module downloads on a terminal: one status line
/// `downloading github.com/miekg/dns v1.1.50 (+2 more), 3 of 6 done` redrawn in
/// place while zips are fetched and cleared when the last one ends
/// (`modfetch::status`'s observer; none is installed when stderr is
/// not a terminal, so pipes see nothing).
pub struct DownloadLine {
    /// (started, finished, the modules in flight).
    state: std::sync::Mutex<(usize, usize, Vec<String>)>,
}

impl DownloadLine {
    /// The observer to install, when stderr is a terminal.
    pub fn for_stderr() -> Option<Box<dyn crate::modfetch::status::Observer>> {
        std::io::stderr().is_terminal().then(|| {
            Box::new(DownloadLine {
                state: std::sync::Mutex::new((0, 0, Vec::new())),
            }) as Box<dyn crate::modfetch::status::Observer>
        })
    }

    fn draw(s: &(usize, usize, Vec<String>)) {
        let mut e = std::io::stderr().lock();
        match s.2.last() {
            Some(m) => {
                let more = match s.2.len() {
                    1 => String::new(),
                    n => format!(" (+{} more)", n - 1),
                };
                let mut line = format!("downloading {m}{more}, {} of {} done", s.1, s.0);
                if line.len() > 100 {
                    let mut cut = 100;
                    while !line.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    line.truncate(cut);
                }
                let _ = write!(e, "\r\x1b[K{line}");
            }
            None => {
                let _ = write!(e, "\r\x1b[K");
            }
        }
        let _ = e.flush();
    }
}

impl crate::modfetch::status::Observer for DownloadLine {
    fn started(&self, path: &str, version: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.0 += 1;
            s.2.push(format!("{path} {version}"));
            Self::draw(&s);
        }
    }
    fn finished(&self, path: &str, version: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.1 += 1;
            let m = format!("{path} {version}");
            s.2.retain(|x| *x != m);
            Self::draw(&s);
        }
    }
}
