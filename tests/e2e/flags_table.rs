//! docs/go-flags.md, the table of every go 1.19 `build`/`test`/`list`/
//! `run`/`install` flag, is made from `cli::goflag_table::GO_FLAGS` and
//! the e2e tests that pin each row; this test fails when the file is not
//! what the table and tests make now. `scripts/flags-table` (this test
//! with `GCCGO_BUILD_WRITE_FLAGS_TABLE=1`) writes it.

use std::collections::BTreeMap;
use std::path::Path;

use gccgo_build::cli::goflag_table::{self as table, GO_FLAGS, GoFlag, Ours};

/// Every row's generic tests (goflags.rs runs each row; the second checks
/// every name against the subcommands that lack it).
const EVERY_ROW: &str = "`goflags::every_go_flag_is_the_same_as_go_or_refused_in_one_line`";

/// Test functions of tests/e2e/*.rs by `module::name`, with their bodies.
fn e2e_tests() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let mut out = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for f in files {
        let module = f.file_stem().unwrap().to_string_lossy().into_owned();
        if module == "flags_table" || module == "goflags" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for chunk in text.split("#[test]\n").skip(1) {
            let Some(name) = chunk.strip_prefix("fn ").and_then(|r| r.split('(').next()) else {
                continue;
            };
            let body = chunk.split("\n}\n").next().unwrap_or(chunk);
            out.insert(format!("{module}::{name}"), body.to_string());
        }
    }
    out
}

/// The tests (beyond goflags.rs's) whose body passes `-NAME` to one of the
/// row's subcommands: the flag as a string literal (`"-NAME"`, `"-NAME=…"`)
/// and the subcommand's name as one.
fn pinning(g: &GoFlag, tests: &BTreeMap<String, String>) -> Vec<String> {
    let lit = [format!("\"-{}\"", g.name), format!("\"-{}=", g.name)];
    let subs: Vec<String> = table::SUBCOMMANDS
        .iter()
        .filter(|(_, b)| g.cmds & b != 0)
        .map(|(s, _)| format!("\"{s}\""))
        .collect();
    tests
        .iter()
        .filter(|(_, body)| lit.iter().any(|l| body.contains(l.as_str())))
        .filter(|(_, body)| subs.iter().any(|s| body.contains(s.as_str())))
        .map(|(n, _)| format!("`{n}`"))
        .collect()
}

/// The row's class, in the words the closing note uses.
fn class(g: &GoFlag) -> String {
    match g.ours {
        Ours::Same => "same as go".into(),
        Ours::TestBinary => {
            format!(
                "same as go: passed to the test binary as `-test.{}`",
                g.name
            )
        }
        Ours::Ignored("") => "ignored as go ignores it (go -compiler=gccgo: no effect)".into(),
        Ours::Ignored(s) => format!("ignored as go ignores it, saying `{s}`"),
        Ours::Only(v, s) => format!("`{v}` same as go; other values refused: `{s}`"),
        Ours::Refused(s) => format!("refused (go accepts it; gccgo cannot): `{s}`"),
    }
}

fn subcommands(bits: u8) -> String {
    table::SUBCOMMANDS
        .iter()
        .filter(|(_, b)| bits & b != 0)
        .map(|(s, _)| *s)
        .collect::<Vec<_>>()
        .join(", ")
}

fn render() -> String {
    let tests = e2e_tests();
    let mut rows: Vec<&GoFlag> = GO_FLAGS.iter().collect();
    rows.sort_by_key(|g| (g.name, g.cmds));
    let mut s = String::from(
        "# go 1.19's build, test, list, run and install flags in gccgo-build\n\n\
         Generated from `src/cli/goflag_table.rs` and the e2e tests by\n\
         `scripts/flags-table`; `tests/e2e/flags_table.rs` fails when this file is\n\
         out of date. Every row is run through go 1.19 and gccgo-build by\n",
    );
    s.push_str(&format!(
        "{EVERY_ROW}\n(same exit status; same stdout for `list` and `run`, same test results\n\
         for `test`; a refusal is one line naming the flag, exit 2). A flag that a\n\
         subcommand lacks is go's own message, `flag provided but not defined: -X`\n\
         with the usage, exit 2, for every name and every subcommand lacking it\n\
         (`goflags::a_flag_the_subcommand_lacks_is_not_defined_as_go_says`).\n\n\
         | Flag | Subcommands | gccgo-build | Tests that pin it besides {EVERY_ROW} |\n\
         |---|---|---|---|\n"
    ));
    for g in rows {
        let pins = pinning(g, &tests);
        let pins = match pins.len() {
            0 => "—".to_string(),
            n if n > 6 => format!("{} (and {} more)", pins[..6].join(", "), n - 6),
            _ => pins.join(", "),
        };
        s.push_str(&format!(
            "| `-{}` | {} | {} | {} |\n",
            g.name,
            subcommands(g.cmds),
            class(g).replace('|', "\\|"),
            pins
        ));
    }
    let count = |f: fn(&Ours) -> bool| GO_FLAGS.iter().filter(|g| f(&g.ours)).count();
    s.push_str(&format!(
        "\n{} rows: {} same as go, {} passed to the test binary as go passes them, \
         {} ignored as go ignores them, {} accepted for one value, {} refused.\n",
        GO_FLAGS.len(),
        count(|o| matches!(o, Ours::Same)),
        count(|o| matches!(o, Ours::TestBinary)),
        count(|o| matches!(o, Ours::Ignored(_))),
        count(|o| matches!(o, Ours::Only(..))),
        count(|o| matches!(o, Ours::Refused(_))),
    ));
    s
}

#[test]
fn docs_go_flags_md_is_the_table_and_tests_as_they_are() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/go-flags.md");
    let want = render();
    if std::env::var_os("GCCGO_BUILD_WRITE_FLAGS_TABLE").is_some() {
        std::fs::write(&file, &want).unwrap();
    }
    let have = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        have == want,
        "docs/go-flags.md is out of date: run scripts/flags-table"
    );
}
