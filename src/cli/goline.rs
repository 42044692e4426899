//! The command lines of `build`, `install`, `list`, `run` and `test` read
//! as the go command reads them (cmd/go/internal/cmdflag `ParseOne`,
//! test/testflag.go `testFlags`, base/goflags.go), then written in clap's
//! spelling. Every word that starts with `-` is one flag, named by all of
//! it (never a cluster of short flags): a flag of the subcommand in
//! `goflag_table::GO_FLAGS` is handled as its row says, a flag of
//! gccgo-build's own (`-size`, `-target`, `-j`) goes to clap, and any
//! other is go's `flag provided but not defined: -X`, usage, exit 2 —
//! except in `test`, where go hands unknown flags to the test binary.
//! `$GOFLAGS` is applied here too, before the command line (which wins).
//! What a flag means is decided by clap and the second layer, never here.

use std::collections::BTreeSet;
use std::ffi::OsString;

use super::goflag_table::{self as table, GoFlag, Kind, Ours};
use super::goflags::{FlagSet, GO_ONLY, Layout, parse_bool};

/// A command line refused as the go command refuses it.
#[derive(Debug)]
pub struct FlagError {
    /// The line(s) to print on stderr (no program name, as go prints them).
    pub message: String,
    /// The subcommand whose usage follows the message, if any.
    pub usage: Option<u8>,
    /// The exit status: 2 for usage errors, 1 for go's `base.Fatalf`.
    pub code: i32,
}

impl FlagError {
    fn usage(bit: u8, message: String) -> FlagError {
        FlagError {
            message,
            usage: Some(bit),
            code: 2,
        }
    }

    fn plain(message: String, code: i32) -> FlagError {
        FlagError {
            message,
            usage: None,
            code,
        }
    }

    /// The text for stderr: the message, then the usage lines.
    pub fn render(&self) -> String {
        match self.usage {
            Some(b) => format!("{}\n{}\n", self.message, table::usage(b)),
            None => format!("{}\n", self.message),
        }
    }
}

/// One flag's words in clap's spelling, with the key that makes a later
/// one replace it (a `$GOFLAGS` entry gives way to the command line's).
struct Emitted {
    key: String,
    words: Vec<OsString>,
    /// For the test binary (`-test.NAME=VALUE`) rather than clap.
    binary: bool,
}

/// The state of one parse: the subcommand, its clap flags, what has been emitted.
struct Parse {
    bit: u8,
    clap: FlagSet,
    /// gccgo-build's flags that take several words (`-emit ninja FILE`), with their count.
    multi: std::collections::BTreeMap<String, usize>,
    /// The flags read, `$GOFLAGS`' first.
    flags: Vec<Emitted>,
    positional: Vec<OsString>,
    /// Words after the flags for the test binary or the program (after `--`).
    rest: Vec<OsString>,
    said: BTreeSet<&'static str>,
    from_goflags: bool,
}

/// Rewrites a command line for clap, with `$GOFLAGS` (`goflags`) applied;
/// other subcommands than go's five get `goflags::normalize` and
/// `goflags::apply`.
///
/// Errors: go's own messages for an undefined flag, a flag without its
/// value, a bad boolean or integer, `-p` not positive, a bad `-mod`, a bad
/// `$GOFLAGS`; the table's line for a refused flag.
pub fn rewrite(args: Vec<OsString>, goflags: Option<&str>) -> Result<Vec<OsString>, FlagError> {
    let layout = Layout::of(&args);
    let bit = layout.sub(&args).and_then(|s| table::sub_bit(s.get_name()));
    let (Some(at), Some(bit), Some(sub)) = (layout.sub_at, bit, layout.sub(&args)) else {
        let args = super::goflags::normalize(args);
        return match goflags {
            Some(g) => super::goflags::apply(args, g)
                .map_err(|e| FlagError::plain(format!("gccgo-build: {e:#}"), 1)),
            None => Ok(args),
        };
    };
    let multi = sub
        .get_arguments()
        .filter_map(|a| {
            let n = a.get_num_args()?.min_values();
            Some((a.get_long()?.to_string(), n)).filter(|_| n > 1)
        })
        .collect();
    let mut p = Parse {
        bit,
        multi,
        clap: FlagSet::of(sub),
        flags: Vec::new(),
        positional: Vec::new(),
        rest: Vec::new(),
        said: BTreeSet::new(),
        from_goflags: true,
    };
    if let Some(g) = goflags {
        p.goflags(g)?;
    }
    p.from_goflags = false;
    let words: Vec<String> = args[at + 1..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    p.command_line(&words)?;
    let mut out = super::goflags::normalize(args[..=at].to_vec());
    let given: BTreeSet<String> = p
        .flags
        .iter()
        .filter(|e| !e.is_from_goflags())
        .map(|e| e.key.clone())
        .collect();
    let mut binary = Vec::new();
    for e in &p.flags {
        if e.key.starts_with("goflags:") && given.contains(&e.key["goflags:".len()..]) {
            continue;
        }
        if e.binary {
            binary.extend(e.words.iter().cloned());
        } else {
            out.extend(e.words.iter().cloned());
        }
    }
    out.extend(p.positional);
    binary.extend(p.rest);
    if !binary.is_empty() {
        out.push(OsString::from("--"));
        out.extend(binary);
    }
    Ok(out)
}

impl Emitted {
    fn is_from_goflags(&self) -> bool {
        self.key.starts_with("goflags:")
    }
}

/// go's reading of a flag word (`cmdflag.ParseOne`): `--x` is `-x`; a
/// word is a flag when it is `-` and a name not starting with `-` or `=`.
/// Returns (name, value after `=`).
fn flag_word(w: &str) -> Option<(&str, Option<&str>)> {
    let one = if w.starts_with("--") { &w[1..] } else { w };
    let body = one.strip_prefix('-')?;
    if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
        return None;
    }
    Some(match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    })
}

impl Parse {
    /// `$GOFLAGS`, as base/goflags.go applies it: each word `-flag` or
    /// `-flag=value`; a flag of another go command is ignored.
    fn goflags(&mut self, goflags: &str) -> Result<(), FlagError> {
        for w in goflags.split_whitespace() {
            let Some((name, value)) = flag_word(w).filter(|_| !w.starts_with("---")) else {
                return Err(FlagError::plain(
                    format!("gccgo-build: parsing $GOFLAGS: non-flag {w:?}"),
                    1,
                ));
            };
            let ours = self.clap.lookup(name).is_some() && !self.go_flag_elsewhere(name);
            let Some(g) = table::lookup(self.bit, name) else {
                if ours {
                    let words = self.clap_words(name, value, None)?;
                    self.push(name, words, false);
                } else if !table::known(name) && !GO_ONLY.contains(&name) && !known_to_clap(name) {
                    return Err(FlagError::plain(
                        format!("gccgo-build: parsing $GOFLAGS: unknown flag -{name}"),
                        1,
                    ));
                }
                continue;
            };
            if g.kind != Kind::Bool && value.is_none() {
                return Err(FlagError::usage(
                    self.bit,
                    format!("gccgo-build: flag needs an argument: -{name} (from $GOFLAGS)"),
                ));
            }
            self.known(g, name, value.map(str::to_string))?;
        }
        Ok(())
    }

    /// The command line after the subcommand's name.
    fn command_line(&mut self, words: &[String]) -> Result<(), FlagError> {
        let mut t = TestState::default();
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            i += 1;
            if w == "--" {
                self.terminator(&words[i - 1..]);
                return Ok(());
            }
            if self.bit == table::TEST && (w == "-args" || w == "--args") {
                self.rest.extend(words[i..].iter().map(OsString::from));
                return Ok(());
            }
            if matches!(w, "-h" | "-help" | "--help" | "-?") {
                self.push("help", vec![OsString::from("--help")], false);
                continue;
            }
            let Some((name, value)) = flag_word(w) else {
                if self.positional_word(&mut t, words, i - 1) {
                    return Ok(());
                }
                continue;
            };
            t.in_pkg_list = false;
            t.after_flag_without_value = false;
            if let Some(g) = table::lookup(self.bit, name) {
                let value = match (g.kind, value) {
                    (Kind::Bool, v) => v.map(str::to_string),
                    (_, Some(v)) => Some(v.to_string()),
                    (_, None) => match words.get(i) {
                        Some(v) => {
                            i += 1;
                            Some(v.clone())
                        }
                        None => {
                            return Err(FlagError::usage(
                                self.bit,
                                format!("flag needs an argument: -{name}"),
                            ));
                        }
                    },
                };
                t.compile_only |=
                    g.name == "c" && value.as_deref().is_none_or(|v| parse_bool(v) == Some(true));
                self.known(g, name, value)?;
            } else if let (Some(&n), None) = (self.multi.get(name), value) {
                let vals = words.get(i..i + n).ok_or_else(|| {
                    FlagError::usage(self.bit, format!("flag needs {n} arguments: -{name}"))
                })?;
                i += n;
                let mut w = vec![OsString::from(format!("--{name}"))];
                w.extend(vals.iter().map(OsString::from));
                self.push(name, w, false);
            } else if let Some(takes) = self
                .clap
                .lookup(name)
                .filter(|_| !self.go_flag_elsewhere(name))
            {
                let next = (takes && value.is_none()).then(|| words.get(i)).flatten();
                i += usize::from(next.is_some());
                let words = self.clap_words(name, value, next.map(String::as_str))?;
                self.push(name, words, false);
            } else if self.glued_short(w) {
                self.push(w, vec![OsString::from(w)], false);
            } else if self.bit == table::TEST {
                // As testflag.go: the test binary's flag; what follows may be its value.
                t.packages_done = true;
                t.first_unknown.get_or_insert_with(|| w.to_string());
                t.after_flag_without_value = value.is_none();
                self.rest.push(OsString::from(w));
            } else {
                return Err(FlagError::usage(
                    self.bit,
                    format!("flag provided but not defined: -{name}"),
                ));
            }
        }
        if let (Some(f), true) = (&t.first_unknown, t.compile_only) {
            return Err(FlagError::usage(
                self.bit,
                format!("gccgo-build: unknown flag {f} cannot be used with -c"),
            ));
        }
        Ok(())
    }

    /// A word that is not a flag, at `words[i]`. Returns whether the rest
    /// of the line has been taken (by the test binary or the program).
    fn positional_word(&mut self, t: &mut TestState, words: &[String], i: usize) -> bool {
        let w = &words[i];
        match self.bit {
            table::TEST if !t.in_pkg_list && t.packages_done => {
                if t.after_flag_without_value {
                    // testflag.go: maybe the value of the binary's flag before it.
                    t.after_flag_without_value = false;
                    self.rest.push(OsString::from(w));
                    false
                } else {
                    self.rest.extend(words[i..].iter().map(OsString::from));
                    true
                }
            }
            table::TEST => {
                t.in_pkg_list = true;
                t.packages_done = true;
                self.positional.push(OsString::from(w));
                false
            }
            table::RUN => {
                self.run_args(&words[i..]);
                true
            }
            _ => {
                self.positional.push(OsString::from(w));
                false
            }
        }
    }

    /// `--`: for test, it and the rest go to the binary (testflag.go); for
    /// run, the program and its arguments follow; else packages follow.
    fn terminator(&mut self, from_dashes: &[String]) {
        match self.bit {
            table::TEST => self.rest.extend(from_dashes.iter().map(OsString::from)),
            table::RUN => self.run_args(&from_dashes[1..]),
            _ => self
                .positional
                .extend(from_dashes[1..].iter().map(OsString::from)),
        }
    }

    /// `go run`'s arguments: the leading `.go` files, or else one package,
    /// then the program's arguments (run/run.go).
    fn run_args(&mut self, words: &[String]) {
        let files = words.iter().take_while(|a| a.ends_with(".go")).count();
        let n = if files > 0 { files } else { words.len().min(1) };
        self.positional
            .extend(words[..n].iter().map(OsString::from));
        // gccgo-build's documented `run PKG -- ARGS` drops that `--` (go
        // would hand it to the program).
        let skip = n + usize::from(words.get(n).is_some_and(|w| w == "--"));
        self.rest
            .extend(words[skip.min(words.len())..].iter().map(OsString::from));
    }

    /// `-j4`: one of gccgo-build's letters that take a number, the
    /// number glued on (never `-parallel` read as `-p arallel`).
    fn glued_short(&self, w: &str) -> bool {
        let mut cs = w.chars().skip(1);
        matches!(cs.next(), Some(c) if self.clap.shorts.get(&c) == Some(&true))
            && !w.starts_with("--")
            && w.len() > 2
            && w[2..].bytes().all(|b| b.is_ascii_digit())
    }

    /// Whether `name` is a go flag of another subcommand only (so not one
    /// here, though clap shares the definition), and not one of
    /// gccgo-build's own flags of that name (`goflag_table::EXTENSIONS`).
    fn go_flag_elsewhere(&self, name: &str) -> bool {
        table::known(name)
            && table::lookup(self.bit, name).is_none()
            && !table::EXTENSIONS.contains(&(name, self.bit))
    }

    /// A go flag of the table with its value (None for a boolean without one).
    fn known(
        &mut self,
        g: &'static GoFlag,
        typed: &str,
        value: Option<String>,
    ) -> Result<(), FlagError> {
        let value = self.check(g, typed, value)?;
        match g.ours {
            Ours::Same => {
                let clap_name = g.name;
                let words = match (g.kind, value.as_deref()) {
                    // `list -json`: every field; `-json=false`: off; `-json=A,B`: those.
                    (Kind::Bool, v) if g.name == "json" && self.bit == table::LIST => match v {
                        None | Some("true") => vec![OsString::from("--json")],
                        Some("false") => vec![],
                        Some(fields) => vec![OsString::from(format!("--json={fields}"))],
                    },
                    (Kind::Bool, Some("false")) if self.clap.lookup(clap_name) == Some(false) => {
                        vec![]
                    }
                    (Kind::Bool, _) if self.clap.lookup(clap_name) == Some(false) => {
                        vec![OsString::from(spell(clap_name))]
                    }
                    (_, v) => self.clap_words(clap_name, Some(v.unwrap_or("true")), None)?,
                };
                self.push(g.name, words, false);
            }
            Ours::TestBinary => {
                let v = value.unwrap_or_else(|| "true".into());
                let w = OsString::from(format!("-test.{}={v}", g.name));
                self.push(g.name, vec![w], true);
            }
            Ours::Ignored(s) => {
                if !s.is_empty() && self.said.insert(s) {
                    eprintln!("gccgo-build: {s}");
                }
            }
            Ours::Only(ok, why) => {
                if value.as_deref() != Some(ok) {
                    return Err(FlagError::plain(why.to_string(), 2));
                }
            }
            Ours::Refused(why) => {
                if g.kind != Kind::Bool || value.as_deref() != Some("false") {
                    let from = if self.from_goflags {
                        " (from $GOFLAGS)"
                    } else {
                        ""
                    };
                    return Err(FlagError::plain(format!("{why}{from}"), 2));
                }
            }
        }
        Ok(())
    }

    /// The value as go's flag.Value would take it: booleans as
    /// `strconv.ParseBool` (returned as `true`/`false`), integers,
    /// `-p` positive, `-mod`'s values, `-tags` with spaces.
    fn check(
        &self,
        g: &GoFlag,
        typed: &str,
        value: Option<String>,
    ) -> Result<Option<String>, FlagError> {
        let from = if self.from_goflags {
            " (from $GOFLAGS)"
        } else {
            ""
        };
        let bad = |msg: String| FlagError::usage(self.bit, msg);
        let value = match (g.kind, value) {
            // go 1.19's `list -json[=A,B]` (a boolean flag whose value may
            // also be a list of fields, `jsonFlag`).
            (Kind::Bool, Some(v)) if g.name == "json" && self.bit == table::LIST => {
                return Ok(Some(parse_bool(&v).map_or(v, |b| b.to_string())));
            }
            (Kind::Bool, None) => return Ok(None),
            (Kind::Bool, Some(v)) if g.name == "buildvcs" && v == "auto" => return Ok(Some(v)),
            (Kind::Bool, Some(v)) => match parse_bool(&v) {
                Some(b) => return Ok(Some(b.to_string())),
                None => {
                    return Err(bad(format!(
                        "invalid boolean value {v:?} for -{typed}: parse error{from}"
                    )));
                }
            },
            (_, None) => return Ok(None),
            (Kind::Int, Some(v)) if v.parse::<i64>().is_err() => {
                return Err(bad(format!(
                    "invalid value {v:?} for flag -{typed}: parse error{from}"
                )));
            }
            (_, Some(v)) => v,
        };
        match g.name {
            "p" if value.parse::<i64>().is_ok_and(|n| n <= 0) => Err(FlagError::plain(
                format!("gccgo-build: -p must be a positive integer: {value}"),
                1,
            )),
            "mod" if !matches!(value.as_str(), "" | "mod" | "readonly" | "vendor") => {
                Err(FlagError::plain(
                    format!(
                        "-mod={value} not supported (can be '', 'mod', 'readonly', or 'vendor')"
                    ),
                    1,
                ))
            }
            "tags" => Ok(Some(tags(&value))),
            _ => Ok(Some(value)),
        }
    }

    /// A clap flag `name` of this subcommand with its value (given after
    /// `=`, or the next word), in clap's spelling.
    fn clap_words(
        &self,
        name: &str,
        value: Option<&str>,
        next: Option<&str>,
    ) -> Result<Vec<OsString>, FlagError> {
        let takes = self.clap.lookup(name) == Some(true);
        let short = name.chars().count() == 1;
        let v = value.or(next);
        Ok(match (takes, v) {
            (false, None) => vec![OsString::from(spell(name))],
            (false, Some(b)) => match parse_bool(b) {
                Some(true) => vec![OsString::from(spell(name))],
                Some(false) => vec![],
                None => {
                    return Err(FlagError::usage(
                        self.bit,
                        format!("invalid boolean value {b:?} for -{name}: parse error"),
                    ));
                }
            },
            (true, None) => {
                return Err(FlagError::usage(
                    self.bit,
                    format!("flag needs an argument: -{name}"),
                ));
            }
            (true, Some(v)) if short => vec![OsString::from(spell(name)), OsString::from(v)],
            (true, Some(v)) => vec![OsString::from(format!("--{name}={v}"))],
        })
    }

    fn push(&mut self, name: &str, words: Vec<OsString>, binary: bool) {
        let key = if self.from_goflags {
            format!("goflags:{name}")
        } else {
            name.to_string()
        };
        self.flags.push(Emitted { key, words, binary });
    }
}

/// Whether any gccgo-build subcommand has a flag `name` (a `$GOFLAGS`
/// word for another subcommand is not an error).
fn known_to_clap(name: &str) -> bool {
    use clap::CommandFactory;
    let mut root = super::Cli::command();
    root.build();
    FlagSet::of(&root).lookup(name).is_some()
        || root
            .get_subcommands()
            .any(|c| FlagSet::of(c).lookup(name).is_some())
}

/// go test's state while reading its arguments (testflag.go `testFlags`).
#[derive(Default)]
struct TestState {
    /// The package list is over (a package, then a flag; or an unknown flag).
    packages_done: bool,
    in_pkg_list: bool,
    after_flag_without_value: bool,
    first_unknown: Option<String>,
    compile_only: bool,
}

/// clap's spelling: `-x` for a letter, `--name` else.
fn spell(name: &str) -> String {
    if name.chars().count() == 1 {
        format!("-{name}")
    } else {
        format!("--{name}")
    }
}

/// `-tags` as go's `tagsFlag.Set`: a value with a space or a quote is a
/// space-separated (quoted) list, as go 1.12 and earlier wrote it; else
/// comma-separated. Returned comma-separated.
pub fn tags(v: &str) -> String {
    if !v.contains(' ') && !v.contains('\'') && !v.contains('"') {
        return v.to_string();
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in v.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn rw(args: &[&str], goflags: Option<&str>) -> Result<Vec<String>, FlagError> {
        let mut v = vec!["gccgo-build"];
        v.extend(args);
        rewrite(v.iter().map(OsString::from).collect(), goflags)
            .map(|a| a.iter().map(|s| s.to_string_lossy().into_owned()).collect())
    }

    #[test]
    fn every_same_row_is_a_clap_flag_of_its_subcommand() {
        let mut root = crate::cli::Cli::command();
        root.build();
        for &(sub, bit) in table::SUBCOMMANDS {
            let Some(c) = root.find_subcommand(sub) else {
                continue;
            };
            let flags = FlagSet::of(c);
            for g in table::GO_FLAGS.iter().filter(|g| g.cmds & bit != 0) {
                if g.ours == Ours::Same {
                    assert!(
                        flags.lookup(g.name).is_some(),
                        "-{} is `Same` for {sub} in goflag_table but {sub} has no such flag",
                        g.name
                    );
                }
            }
        }
    }

    #[test]
    fn list_json_is_a_boolean_that_may_name_fields() {
        assert_eq!(
            rw(&["list", "-json", "-deps", "."], None).unwrap(),
            ["gccgo-build", "list", "--json", "--deps", "."]
        );
        assert_eq!(
            rw(&["list", "-json=Path,Version", "-m", "all"], None).unwrap(),
            ["gccgo-build", "list", "--json=Path,Version", "-m", "all"]
        );
        assert_eq!(
            rw(&["list", "-json=false", "."], None).unwrap(),
            ["gccgo-build", "list", "."]
        );
    }

    /// `test -m`/`run -m` is the system runner's memory, not list's `-m`
    /// handed to the test binary (which swallowed the package list).
    #[test]
    fn test_and_run_m_is_the_guest_memory() {
        assert_eq!(
            rw(&["test", "-m", "1024", "-runner", "system", "./x"], None).unwrap(),
            [
                "gccgo-build",
                "test",
                "-m",
                "1024",
                "--runner=system",
                "./x"
            ]
        );
        assert_eq!(
            rw(&["run", "-m=512", "."], None).unwrap(),
            ["gccgo-build", "run", "-m", "512", "."]
        );
    }

    #[test]
    fn one_dash_words_are_never_clusters() {
        let e = rw(&["test", "-failfast", "./..."], None).unwrap();
        assert_eq!(e, ["gccgo-build", "test", "--failfast", "./..."]);
        let e = rw(&["test", "-parallel", "4", "-cpu=1,2", ".", "-v"], None).unwrap();
        assert_eq!(
            e,
            [
                "gccgo-build",
                "test",
                "--parallel=4",
                "--cpu=1,2",
                "-v",
                "."
            ]
        );
        let e = rw(&["build", "-list", "."], None).unwrap_err();
        assert_eq!(e.message, "flag provided but not defined: -list");
        assert_eq!((e.code, e.usage), (2, Some(table::BUILD)));
        let e = rw(&["build", "-p=-1", "."], None).unwrap_err();
        assert_eq!(e.message, "gccgo-build: -p must be a positive integer: -1");
        let e = rw(&["list", "-reuse", "x.json", "."], None).unwrap_err();
        assert!(e.message.starts_with("-reuse "), "{}", e.message);
        assert_eq!(
            rw(&["build", "-tags", "a b", "-j2", "-size", "."], None).unwrap(),
            ["gccgo-build", "build", "--tags=a,b", "-j2", "--size", "."]
        );
    }

    #[test]
    fn test_and_run_hand_the_rest_on_as_go_does() {
        // testflag.go: an unknown flag goes to the binary, with what may be its value.
        assert_eq!(
            rw(&["test", ".", "-custom", "v", "-run", "X"], None).unwrap(),
            ["gccgo-build", "test", "--run=X", ".", "--", "-custom", "v"]
        );
        assert_eq!(
            rw(&["test", ".", "-args", "-x", "y"], None).unwrap(),
            ["gccgo-build", "test", ".", "--", "-x", "y"]
        );
        assert!(rw(&["test", "-c", "-custom", "."], None).is_err());
        assert_eq!(
            rw(&["run", "-x", "a.go", "b.go", "-v", "z"], None).unwrap(),
            ["gccgo-build", "run", "-x", "a.go", "b.go", "--", "-v", "z"]
        );
        assert_eq!(
            rw(&["build", "-emit", "ninja", "b.ninja", "."], None).unwrap(),
            ["gccgo-build", "build", "--emit", "ninja", "b.ninja", "."]
        );
        assert_eq!(
            rw(&["run", ".", "--", "a"], None).unwrap(),
            ["gccgo-build", "run", ".", "--", "a"]
        );
    }

    #[test]
    fn goflags_give_way_to_the_command_line_and_ignore_other_commands_flags() {
        assert_eq!(
            rw(
                &["build", "-tags=x", "."],
                Some("-test.benchtime=1s -tags=y -trimpath")
            )
            .unwrap(),
            ["gccgo-build", "build", "--trimpath", "--tags=x", "."]
        );
        assert_eq!(
            rw(
                &["test", "-failfast=false", "."],
                Some("-failfast -test.benchtime=1s")
            )
            .unwrap(),
            // -failfast=false wins over GOFLAGS' -failfast: the flag is off.
            ["gccgo-build", "test", "--benchtime=1s", "."]
        );
        assert_eq!(rw(&["build"], Some("-frob")).unwrap_err().code, 1);
        assert_eq!(rw(&["build"], Some("-tags")).unwrap_err().code, 2);
        assert_eq!(
            rw(&["build", "."], Some("-cover")).unwrap(),
            ["gccgo-build", "build", "."]
        );
        let e = rw(&["build", "-cover", "."], None).unwrap_err();
        assert_eq!(e.message, "flag provided but not defined: -cover");
        let e = rw(&["build", "-parallel", "."], None).unwrap_err();
        assert_eq!(e.message, "flag provided but not defined: -parallel");
    }
}
