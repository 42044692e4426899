//! The scheduler's tests: plans of `sh -c` actions, an in-memory cache
//! hook and a progress that logs every report.

use super::*;
use crate::cache::DirtyReason;
use crate::graph::PkgId;
use crate::plan::{Action, ActionKind};
use crate::process::Cmd;
use std::collections::BTreeMap;

/// A plan of `sh -c` actions: (label, script, deps by index).
fn plan(work: &Path, actions: &[(&str, &str, &[usize])]) -> Plan {
    let actions = actions
        .iter()
        .enumerate()
        .map(|(n, (label, script, deps))| Action {
            kind: ActionKind::Compile {
                pkg: PkgId(petgraph::graph::NodeIndex::new(n)),
            },
            label: label.to_string(),
            steps: vec![Step::Run(Cmd::new("sh").args(["-c", script]))],
            deps: deps.iter().map(|&d| ActionId(d)).collect(),
            inputs: vec![],
            outputs: vec![],
            flags: vec![],
            settings: BTreeMap::new(),
            fail_when: vec![],
        })
        .collect();
    Plan {
        work: work.to_path_buf(),
        actions,
        compile_of: BTreeMap::new(),
    }
}

/// Every report, in order, as one line each.
#[derive(Default)]
struct Log(Vec<String>);

impl Progress for Log {
    fn start(&mut self, total: usize) {
        self.0.push(format!("start {total}"));
    }
    fn begin(&mut self, label: &str, _: bool) {
        self.0.push(format!("begin {label}"));
    }
    fn command(&mut self, line: &str) {
        self.0.push(format!("command {line}"));
    }
    fn done(&mut self, label: &str, _: &str) {
        self.0.push(format!("done {label}"));
    }
    fn cached(&mut self, label: &str, _: &str) {
        self.0.push(format!("cached {label}"));
    }
    fn explain(&mut self, label: &str, reason: &DirtyReason) {
        self.0.push(format!("explain {label}: {reason}"));
    }
    fn failed(&mut self, label: &str, text: &str) {
        self.0.push(format!("failed {label}: {}", text.trim()));
    }
    fn warn(&mut self, msg: &str) {
        self.0.push(format!("warn {msg}"));
    }
    fn finish(&mut self) {
        self.0.push("finish".into());
    }
}

/// An in-memory cache: the answers to give, by action, in order (then `Miss`).
#[derive(Default)]
struct Answers {
    answers: BTreeMap<usize, Vec<Lookup>>,
    stored: Vec<usize>,
}

impl Answers {
    /// Action 0 is a hit; action 1 then finds 0's entry damaged (or,
    /// with `trimmed`, removed by a concurrent trim).
    fn hit_then_gone(trimmed: bool) -> Answers {
        let mut cache = Answers::default();
        cache.answers.insert(
            0,
            vec![Lookup::Hit {
                output: String::new(),
                installed: false,
            }],
        );
        cache.answers.insert(
            1,
            vec![if trimmed {
                Lookup::Corrupt {
                    rebuild: vec![],
                    trimmed: vec![ActionId(0)],
                }
            } else {
                Lookup::Corrupt {
                    rebuild: vec![ActionId(0)],
                    trimmed: vec![],
                }
            }],
        );
        cache
    }
}

impl CacheHook for Answers {
    fn lookup(&mut self, _: &Plan, i: ActionId) -> Result<Lookup> {
        let queue = self.answers.entry(i.index()).or_default();
        Ok(if queue.is_empty() {
            Lookup::Miss {
                reason: DirtyReason::NoPreviousBuild,
            }
        } else {
            queue.remove(0)
        })
    }
    fn store(&mut self, _: &Plan, i: ActionId, _: &str) -> Result<()> {
        self.stored.push(i.index());
        Ok(())
    }
    fn installed(&mut self, _: &Plan, _: ActionId) {}
}

fn opts(jobs: usize, keep_going: bool) -> Options {
    Options {
        jobs,
        print_commands: true,
        verbose: false,
        keep_going,
        timeout: Some(Duration::from_secs(20)),
        jobserver: None,
        remote: None,
    }
}

fn position(log: &Log, prefix: &str) -> usize {
    log.0
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {:#?}", log.0))
}

#[test]
fn dependencies_finish_before_their_dependents_start() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("order");
    let w = |x: &str| format!("echo {x} >> '{}'", f.display());
    let p = plan(
        d.path(),
        &[
            ("a", &w("a"), &[]),
            ("b", &w("b"), &[0]),
            ("c", &w("c"), &[0]),
            ("d", &w("d"), &[1, 2]),
        ],
    );
    let mut log = Log::default();
    let sum = run(&p, &opts(2, false), &mut log, None).unwrap();
    assert_eq!(sum.ran, 4);
    let order = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = order.lines().collect();
    assert_eq!(lines.first(), Some(&"a"));
    assert_eq!(lines.last(), Some(&"d"));
    assert_eq!(lines.len(), 4);
}

#[test]
fn a_failure_skips_its_dependents_and_keep_going_runs_the_rest() {
    let d = tempfile::tempdir().unwrap();
    let p = plan(
        d.path(),
        &[
            ("bad", "echo broken >&2; exit 3", &[]),
            ("after-bad", "true", &[0]),
            ("after-after", "true", &[1]),
            ("other", "true", &[]),
        ],
    );
    let mut log = Log::default();
    let sum = run(&p, &opts(1, true), &mut log, None).unwrap();
    assert_eq!(sum.failed, ["bad"]);
    assert_eq!(sum.skipped, 2);
    assert_eq!(sum.ran, 1);
    assert!(sum.succeeded.contains(&ActionId(3)));
    let failed = &log.0[position(&log, "failed bad")];
    assert!(
        failed.contains("broken") && failed.contains("exit status 3"),
        "{failed}"
    );
    // Without -k nothing new starts after the failure.
    let mut log = Log::default();
    let sum = run(&p, &opts(1, false), &mut log, None).unwrap();
    assert_eq!((sum.ran, sum.failed.len()), (0, 1), "{:#?}", log.0);
}

#[test]
fn a_hit_runs_nothing_and_a_miss_is_explained_and_stored() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("ran");
    let p = plan(
        d.path(),
        &[
            ("hit", &format!("touch '{}'", f.display()), &[]),
            ("miss", "true", &[0]),
        ],
    );
    let mut cache = Answers::default();
    cache.answers.insert(
        0,
        vec![Lookup::Hit {
            output: String::new(),
            installed: false,
        }],
    );
    let mut log = Log::default();
    let sum = run(&p, &opts(2, false), &mut log, Some(&mut cache)).unwrap();
    assert_eq!((sum.cached, sum.ran), (1, 1));
    assert!(!f.exists(), "a hit ran its command");
    assert_eq!(cache.stored, [1]);
    position(&log, "explain miss: not in cache");
}

/// A damaged entry is the cache's answer; the scheduler runs the
/// damaged action again like any other (its `-x` line, its timeout),
/// then the action that needed it.
#[test]
fn a_corrupt_dependency_runs_again_before_its_dependent() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("rebuilt");
    let p = plan(
        d.path(),
        &[
            ("dep", &format!("touch '{}'", f.display()), &[]),
            ("user", &format!("test -e '{}'", f.display()), &[0]),
        ],
    );
    let mut cache = Answers::hit_then_gone(false);
    let mut log = Log::default();
    let sum = run(&p, &opts(2, false), &mut log, Some(&mut cache)).unwrap();
    assert!(sum.failed.is_empty(), "{:#?}", log.0);
    assert_eq!((sum.cached, sum.ran), (1, 2));
    let warn = position(&log, "warn dep: cache entry was corrupted; rebuilding it");
    let cmd = position(&log, "command sh -c \"touch");
    let user = position(&log, "begin user");
    assert!(warn < cmd && cmd < user, "{:#?}", log.0);
    position(&log, "warn dep: cache entry was corrupted; rebuilt it");
    assert_eq!(cache.stored, [0, 1]);
}

/// An entry a concurrent `cache trim` removed is a miss like any other:
/// the action runs again, and nobody is told of damage.
#[test]
fn a_trimmed_dependency_runs_again_without_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("rebuilt");
    let p = plan(
        d.path(),
        &[
            ("dep", &format!("touch '{}'", f.display()), &[]),
            ("user", &format!("test -e '{}'", f.display()), &[0]),
        ],
    );
    let mut cache = Answers::hit_then_gone(true);
    let mut log = Log::default();
    let sum = run(&p, &opts(2, false), &mut log, Some(&mut cache)).unwrap();
    assert!(sum.failed.is_empty(), "{:#?}", log.0);
    assert_eq!((sum.cached, sum.ran), (1, 2));
    assert!(!log.0.iter().any(|l| l.starts_with("warn")), "{:#?}", log.0);
    assert_eq!(cache.stored, [0, 1]);
}

#[test]
fn a_corrupt_dependency_that_fails_again_fails_the_build() {
    let d = tempfile::tempdir().unwrap();
    let mut p = plan(d.path(), &[("dep", "exit 1", &[]), ("user", "true", &[0])]);
    p.actions[0].steps = vec![Step::Run(Cmd::new("sh").args(["-c", "sleep 30"]))];
    let mut cache = Answers::hit_then_gone(false);
    let mut o = opts(2, false);
    o.timeout = Some(Duration::from_millis(300));
    let mut log = Log::default();
    let sum = run(&p, &o, &mut log, Some(&mut cache)).unwrap();
    assert_eq!(sum.failed, ["dep"], "{:#?}", log.0);
    assert!(!sum.succeeded.contains(&ActionId(1)));
    let failed = &log.0[position(&log, "failed dep")];
    assert!(failed.contains("still running after 300 ms"), "{failed}");
}
