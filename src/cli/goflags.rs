//! The go command's spelling of flags, on top of clap: every long flag
//! with one dash (`-json`, `-tags=x`, `-gccgoflags '-O2'`) as well as two,
//! `$GOFLAGS` applied as the go command applies it
//! (`cmd/go/internal/base/goflags.go`), and `-help` written with the
//! spelling the README uses.
//!
//! All of it reads the flag names off the clap definition (`Cli::command`),
//! so a new flag needs no list kept beside it. What a flag means is
//! decided by clap and the second layer, never here.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;

use anyhow::{Result, bail};
use clap::CommandFactory;

use super::Cli;

/// Flags of the go command (build, test, list and env flags, Go 1.19 to
/// 1.21) that gccgo-build has no use for: in `$GOFLAGS` they are ignored, as
/// the go command ignores a flag that the command run does not have.
/// Anything else unknown in `$GOFLAGS` is an error, as for the go command.
pub(super) const GO_ONLY: &[&str] = &[
    "asmflags",
    "compiler",
    "gcflags",
    "installsuffix",
    "linkshared",
    "modcacherw",
    "pkgdir",
    "toolexec",
    "pgo",
    "i",
    "debug-actiongraph",
    "debug-deprecated-importcfg",
    "cover",
    "covermode",
    "coverpkg",
    "coverprofile",
    "benchtime",
    "benchmem",
    "cpu",
    "failfast",
    "fuzz",
    "fuzztime",
    "fuzzminimizetime",
    "parallel",
    "shuffle",
    "vet",
    "cpuprofile",
    "memprofile",
    "blockprofile",
    "mutexprofile",
    "trace",
    "outputdir",
    "e",
    "export",
    "find",
    "compiled",
    "m",
    "u",
    "versions",
    "retracted",
    "reuse",
    "w",
    "insecure",
];

/// The flags of one (sub)command: long names and short letters, each with
/// whether it takes a value.
#[derive(Debug, Default)]
pub(super) struct FlagSet {
    pub(super) longs: BTreeMap<String, bool>,
    pub(super) shorts: BTreeMap<char, bool>,
    /// Long flags whose value must follow `=` (`-json=A,B`): the next word is never theirs.
    pub(super) equals_only: BTreeSet<String>,
}

impl FlagSet {
    /// The flags of `cmd` (built, so that `help`, `version` and the
    /// global `-C` are among them).
    pub(super) fn of(cmd: &clap::Command) -> FlagSet {
        let mut f = FlagSet::default();
        for a in cmd.get_arguments().filter(|a| !a.is_positional()) {
            let takes = a.get_action().takes_values();
            if a.is_require_equals_set()
                && let Some(l) = a.get_long()
            {
                f.equals_only.insert(l.to_string());
            }
            for l in a.get_long_and_visible_aliases().into_iter().flatten() {
                f.longs.insert(l.to_string(), takes);
            }
            for s in a.get_short_and_visible_aliases().into_iter().flatten() {
                f.shorts.insert(s, takes);
            }
        }
        f
    }

    /// Whether `name` (a long name, or one letter) is a flag here, and
    /// whether it takes a value.
    pub(super) fn lookup(&self, name: &str) -> Option<bool> {
        let mut cs = name.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => self.shorts.get(&c).copied(),
            _ => self.longs.get(name).copied(),
        }
    }
}

/// The command line's layout: the built command, the index of the
/// subcommand's name in `args` (if any), and the subcommand's flags.
pub(super) struct Layout {
    pub(super) root: clap::Command,
    pub(super) sub_at: Option<usize>,
}

impl Layout {
    /// Finds the subcommand: the first word after `argv[0]` that is not a
    /// flag nor the value of `-C`.
    pub(super) fn of(args: &[OsString]) -> Layout {
        let mut root = Cli::command();
        root.build();
        let mut i = 1;
        let mut sub_at = None;
        while i < args.len() {
            let s = args[i].to_string_lossy();
            if s == "-C" || s == "--C" {
                i += 2;
                continue;
            }
            if !s.starts_with('-') {
                sub_at = Some(i);
                break;
            }
            i += 1;
        }
        Layout { root, sub_at }
    }

    /// The subcommand named at `sub_at` (clap's name or alias), if any.
    pub(super) fn sub(&self, args: &[OsString]) -> Option<&clap::Command> {
        let name = args.get(self.sub_at?)?.to_string_lossy();
        self.root.find_subcommand(name.as_ref())
    }

    /// The flags in force at `args[i]`: the subcommand's after its name,
    /// else the root's.
    fn flags(&self, args: &[OsString]) -> FlagSet {
        match self.sub(args) {
            Some(s) => FlagSet::of(s),
            None => FlagSet::of(&self.root),
        }
    }
}

/// Rewrites single-dash long flags to clap's double dash (`-json` →
/// `--json`, `-tags=a,b` → `--tags=a,b`) for every long flag of the
/// subcommand, leaving flag values alone (`-gccgoflags -std=gnu11`), and
/// go test's `-args` into `--`. Everything after `--` is left as it is.
pub fn normalize(args: Vec<OsString>) -> Vec<OsString> {
    let layout = Layout::of(&args);
    let sub = layout.sub_at.unwrap_or(0);
    let root = FlagSet::of(&layout.root);
    let flags = layout.flags(&args);
    let mut out = Vec::with_capacity(args.len());
    let mut it = args.into_iter().enumerate();
    while let Some((i, a)) = it.next() {
        let s = a.to_string_lossy().into_owned();
        if i == 0 || i == sub || !s.starts_with('-') || s == "-" {
            out.push(a);
            continue;
        }
        if s == "--" || s == "-args" || s == "--args" {
            // go test's `-args`: the rest goes to the test binary.
            out.push(OsString::from("--"));
            out.extend(it.map(|(_, a)| a));
            break;
        }
        let set = if i < sub { &root } else { &flags };
        let body = s.strip_prefix("--").unwrap_or(&s[1..]);
        let (name, has_value) = match body.split_once('=') {
            Some((n, _)) => (n, true),
            None => (body, false),
        };
        let takes = set.lookup(name);
        if !s.starts_with("--") && name.chars().count() > 1 && set.longs.contains_key(name) {
            out.push(OsString::from(format!("-{s}")));
        } else {
            out.push(a);
        }
        // A flag's value is the next word, whatever it looks like.
        if takes == Some(true)
            && !has_value
            && !set.equals_only.contains(name)
            && let Some((_, v)) = it.next()
        {
            out.push(v);
        }
    }
    out
}

/// Whether a `$GOFLAGS` boolean value is true, as Go's `strconv.ParseBool`.
pub(super) fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The names of the flags given on a (normalized) command line after the
/// subcommand, before `--`.
fn given(args: &[OsString], from: usize, flags: &FlagSet) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut i = from;
    while i < args.len() {
        let s = args[i].to_string_lossy();
        if s == "--" {
            break;
        }
        if let Some(body) = s.strip_prefix('-').filter(|b| !b.is_empty()) {
            let body = body.strip_prefix('-').unwrap_or(body);
            let (name, has_value) = match body.split_once('=') {
                Some((n, _)) => (n, true),
                None => (body, false),
            };
            // `-p4`: a short flag with its value glued on.
            let name = if !s.starts_with("--") && flags.lookup(name).is_none() {
                &name[..name.chars().next().map_or(0, char::len_utf8)]
            } else {
                name
            };
            if flags.lookup(name) == Some(true) && !has_value && name.len() == body.len() {
                i += 1;
            }
            out.insert(name.to_string());
        }
        i += 1;
    }
    out
}

/// Inserts the entries of `$GOFLAGS` (`goflags`: space-separated
/// `-flag` or `-flag=value` words) after the subcommand's name, as the go
/// command applies them: only the flags this subcommand has, and not those
/// the command line gives (it wins). `args` are normalized (`--name`).
///
/// Errors, each naming GOFLAGS (ignored for `env`, as `go env` ignores
/// them so a bad GOFLAGS can be looked at): a word that is not a flag, a
/// flag no gccgo-build command (nor the go command, `GO_ONLY`) has, a flag
/// that needs a value without one, a bad boolean value.
pub fn apply(args: Vec<OsString>, goflags: &str) -> Result<Vec<OsString>> {
    let layout = Layout::of(&args);
    let (Some(at), Some(sub)) = (layout.sub_at, layout.sub(&args)) else {
        return Ok(args);
    };
    let lenient = sub.get_name() == "env";
    let flags = FlagSet::of(sub);
    let known_anywhere = |name: &str| {
        GO_ONLY.contains(&name)
            || super::goflag_table::known(name)
            || FlagSet::of(&layout.root).lookup(name).is_some()
            || layout
                .root
                .get_subcommands()
                .any(|c| FlagSet::of(c).lookup(name).is_some())
    };
    let on_line = given(&args, at + 1, &flags);
    let mut extra: Vec<OsString> = Vec::new();
    for w in goflags.split_whitespace() {
        let bad_form = !w.starts_with('-')
            || w == "-"
            || w == "--"
            || w.starts_with("---")
            || w.starts_with("-=")
            || w.starts_with("--=");
        if bad_form {
            if lenient {
                continue;
            }
            bail!("parsing $GOFLAGS: non-flag {w:?} (each word must be -flag or -flag=value)");
        }
        let body = w.strip_prefix("--").unwrap_or(&w[1..]);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some(takes) = flags.lookup(name) else {
            if !known_anywhere(name) && !lenient {
                bail!(
                    "parsing $GOFLAGS: unknown flag -{name} (neither gccgo-build nor the go \
                     command has it); fix or unset GOFLAGS"
                );
            }
            continue;
        };
        if on_line.contains(name) {
            continue;
        }
        let spelled = if name.chars().count() == 1 {
            format!("-{name}")
        } else {
            format!("--{name}")
        };
        match (takes, value) {
            // `--name=value`, so that a flag whose value is optional
            // (`-buildvcs`) takes it too; a letter's value is the next word.
            (true, Some(v)) if name.chars().count() > 1 => {
                extra.push(OsString::from(format!("{spelled}={v}")))
            }
            (true, Some(v)) => extra.extend([OsString::from(spelled), OsString::from(v)]),
            (true, None) => {
                bail!("flag needs an argument: -{name} (from $GOFLAGS; write -{name}=VALUE there)")
            }
            (false, v) => match v.map_or(Some(true), parse_bool) {
                Some(true) => extra.push(OsString::from(spelled)),
                Some(false) => {}
                None => bail!(
                    "invalid boolean value {:?} for flag -{name} (from $GOFLAGS)",
                    v.unwrap_or("")
                ),
            },
        }
    }
    let mut out = args;
    out.splice(at + 1..at + 1, extra);
    Ok(out)
}

/// Rewrites a help text clap rendered so that long flags read as the go
/// command writes them, with one dash (`--json` → `-json`); the names are
/// gccgo-build's (so `-Wl,--gc-sections` in a description stays). On an
/// option line the flag moves to the short flags' column and the
/// description column is kept. `args` is the command line that asked.
pub fn go_style_help(text: &str, args: &[OsString]) -> String {
    let layout = Layout::of(args);
    let mut names: BTreeSet<String> = FlagSet::of(&layout.root).longs.into_keys().collect();
    for c in layout.root.get_subcommands() {
        names.extend(FlagSet::of(c).longs.into_keys());
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        if !body.starts_with('-') {
            out.push_str(&one_dash(line, &names));
            continue;
        }
        // An option line: `      --json  With …` (short help) or `  -o <OUT>`.
        let (spec, desc) = match body.find("  ") {
            Some(g) => body.split_at(g),
            None => (body, ""),
        };
        let new_spec = one_dash(spec, &names);
        let mut shift = spec.len() - new_spec.len();
        let mut new_indent = indent;
        if indent == 6 && spec.starts_with("--") && !new_spec.starts_with("--") {
            // clap leaves room for `-s, ` before a long-only flag.
            new_indent = 2;
            shift += 4;
        }
        out.push_str(&" ".repeat(new_indent));
        out.push_str(&new_spec);
        if !desc.is_empty() {
            out.push_str(&" ".repeat(shift));
            out.push_str(&one_dash(desc, &names));
        }
    }
    out
}

/// Rewrites an error clap rendered (a missing argument, a bad value) as the
/// go command words a command-line error: the message on one line, then
/// `usage: …` and `Run 'gccgo-build CMD -help' for details.`, flags with
/// one dash; no `error:` label and no `tip:` lines. `args` is the command
/// line that asked.
pub fn go_style_error(text: &str, args: &[OsString]) -> String {
    let mut message = Vec::new();
    let mut usage = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(u) = l.strip_prefix("Usage: ") {
            usage = Some(u.to_string());
        } else if l.is_empty() || l.starts_with("For more information") || l.starts_with("tip:") {
            continue;
        } else if usage.is_none() {
            message.push(l.strip_prefix("error: ").unwrap_or(l).to_string());
        }
    }
    let mut msg = message.join(" ");
    if let Some(m) = msg.strip_suffix(':') {
        msg = m.to_string();
    }
    msg = go_flag_wording(&msg).unwrap_or(msg);
    let help = go_style_help(&format!("{msg}\n{}", usage.as_deref().unwrap_or("")), args);
    let (msg, usage) = help.split_once('\n').unwrap_or((&help, ""));
    let cmd = usage
        .split_whitespace()
        .take_while(|w| !w.starts_with(['-', '<', '[']))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = format!("{msg}\n");
    if !usage.is_empty() {
        out.push_str(&format!("usage: {usage}\nRun '{cmd} -help' for details.\n"));
    }
    out
}

/// The go command's wording (the flag package's) of clap's messages about
/// one flag's value: `invalid value "V" for flag -F: …` and `flag needs an
/// argument: -F`; `None` for other messages.
fn go_flag_wording(msg: &str) -> Option<String> {
    // `-F <X>` → `-F`: the flag as quoted, without its value's name.
    let flag = |q: &str| q.split(' ').next().unwrap_or(q).to_string();
    if let Some(rest) = msg.strip_prefix("invalid value '") {
        let (value, rest) = rest.split_once("' for '")?;
        let (f, rest) = rest.split_once('\'')?;
        let why = rest
            .trim()
            .strip_prefix("[possible values: ")
            .and_then(|v| v.strip_suffix(']'))
            .map_or_else(
                || rest.trim().trim_start_matches(':').trim().to_string(),
                |v| format!("possible values are {v}"),
            );
        return Some(format!(
            "invalid value {value:?} for flag {}: {why}",
            flag(f)
        ));
    }
    let rest = msg.strip_prefix("a value is required for '")?;
    let (f, _) = rest.split_once('\'')?;
    Some(format!("flag needs an argument: {}", flag(f)))
}

/// `s` with `--name` written `-name` for each of `names` that stands as a
/// word (not inside `-Wl,--gc-sections`, not `--` alone).
fn one_dash(s: &str, names: &BTreeSet<String>) -> String {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("--") {
        let (before, after) = rest.split_at(i);
        let name: String = after[2..]
            .chars()
            .take_while(|&c| is_name_char(c))
            .collect();
        let prev_ok = before
            .chars()
            .last()
            .is_none_or(|c| !is_name_char(c) && c != ',');
        out.push_str(before);
        if prev_ok && names.contains(&name) {
            out.push('-');
            out.push_str(&name);
            rest = &after[2 + name.len()..];
        } else {
            out.push_str("--");
            rest = &after[2..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_read_as_the_go_commands() {
        let args: Vec<OsString> = ["gccgo-build", "doctor"].map(OsString::from).to_vec();
        let clap = "error: the following required arguments were not provided:\n  --cpuinfo <FILE>\n\n\
                    Usage: gccgo-build doctor --cpuinfo <FILE> [BINARY]\n\n\
                    For more information, try '--help'.\n";
        assert_eq!(
            go_style_error(clap, &args),
            "the following required arguments were not provided: -cpuinfo <FILE>\n\
             usage: gccgo-build doctor -cpuinfo <FILE> [BINARY]\n\
             Run 'gccgo-build doctor -help' for details.\n"
        );
        let bad = "error: invalid value 'middle' for '--endian <ENDIAN>'\n  [possible values: little, big]\n\n\
                   For more information, try '--help'.\n";
        assert_eq!(
            go_style_error(bad, &args),
            "invalid value \"middle\" for flag -endian: possible values are little, big\n"
        );
        let none = "error: a value is required for '--why <PKG>' but none was supplied\n\n\
                    For more information, try '--help'.\n";
        assert_eq!(
            go_style_error(none, &args),
            "flag needs an argument: -why\n"
        );
    }

    fn v(s: &[&str]) -> Vec<OsString> {
        s.iter().map(OsString::from).collect()
    }

    fn strs(a: &[OsString]) -> Vec<String> {
        a.iter().map(|s| s.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn every_long_flag_takes_one_dash_and_values_stay() {
        let n = normalize(v(&[
            "gccgo-build",
            "-C",
            "d",
            "build",
            "-gccgoflags",
            "-std=gnu11",
            "-no-strip",
            "-modfile=alt.mod",
            "-p",
            "-4",
            "-x",
            ".",
        ]));
        assert_eq!(
            strs(&n),
            [
                "gccgo-build",
                "-C",
                "d",
                "build",
                "--gccgoflags",
                "-std=gnu11",
                "--no-strip",
                "--modfile=alt.mod",
                "-p",
                "-4",
                "-x",
                "."
            ]
        );
        let n = normalize(v(&["gccgo-build", "graph", "-std", "-format", "dot"]));
        assert_eq!(
            strs(&n),
            ["gccgo-build", "graph", "--std", "--format", "dot"]
        );
        let n = normalize(v(&["gccgo-build", "test", ".", "-args", "-json", "-x"]));
        assert_eq!(strs(&n), ["gccgo-build", "test", ".", "--", "-json", "-x"]);
    }

    #[test]
    fn goflags_apply_where_the_command_line_does_not() {
        let args = normalize(v(&["gccgo-build", "build", "-tags=a", "."]));
        let out = apply(args, "-tags=netgo -trimpath -x=false -modcacherw -p=2").unwrap();
        assert_eq!(
            strs(&out),
            [
                "gccgo-build",
                "build",
                "--trimpath",
                "-p",
                "2",
                "--tags=a",
                "."
            ]
        );
        // A long flag's value is joined with `=`, so an optional value stays its own.
        let out = apply(v(&["gccgo-build", "build", "."]), "-buildvcs=false -tags=x").unwrap();
        assert_eq!(
            strs(&out),
            ["gccgo-build", "build", "--buildvcs=false", "--tags=x", "."]
        );
        // A flag that `toolchains` lacks but `build` has is ignored there.
        let out = apply(v(&["gccgo-build", "toolchains"]), "-tags=netgo").unwrap();
        assert_eq!(strs(&out), ["gccgo-build", "toolchains"]);
        let e = apply(v(&["gccgo-build", "build"]), "-frobnicate")
            .unwrap_err()
            .to_string();
        assert!(e.contains("$GOFLAGS: unknown flag -frobnicate"), "{e}");
        let e = apply(v(&["gccgo-build", "build"]), "-tags")
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs an argument: -tags"), "{e}");
        assert!(apply(v(&["gccgo-build", "build"]), "tags").is_err());
        assert!(apply(v(&["gccgo-build", "env"]), "-frobnicate tags").is_ok());
    }

    #[test]
    fn help_reads_with_one_dash() {
        let text = "  -x              Print; -Wl,--gc-sections\n      --json      With --explain: JSON\n  -h, --help      Help\n      --max-size <SIZE>\n  [-- <ARGS>...]\n";
        let h = go_style_help(text, &v(&["gccgo-build", "build", "--help"]));
        assert_eq!(
            h,
            "  -x              Print; -Wl,--gc-sections\n  -json           With -explain: JSON\n  -h, -help       Help\n  -max-size <SIZE>\n  [-- <ARGS>...]\n"
        );
    }
}
