//! Testmain: the `_testmain.go` of a package's test binary, as the go
//! command writes it (`cmd/go/internal/load/test.go`, `testmainTmpl`), for
//! the `testing` API of the gccgo in use.
//!
//! Two halves: `discover` finds a test file's tests, benchmarks, fuzz
//! targets, examples (with their `// Output:` comment, as go/doc's
//! `exampleOutput`) and `TestMain` with tree-sitter-go; `render` writes the
//! main package. What `testing.MainStart` takes differs between releases:
//! Go 1.18 (gccgo 12) added the fuzz targets, which Go 1.16 (gccgo 11) does
//! not have; `TestingApi::from_export_data` reads it from the toolchain's
//! `testing.gox`. This module knows Go source, not files or commands.

use std::fmt::Write as _;

use anyhow::{Context as _, Result, bail};
use tree_sitter::Node;

/// Which package of the test binary a function is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The package under test, compiled with its `_test.go` files of the
    /// same package (imported as `_test`).
    Internal,
    /// The external test package `P_test` (imported as `_xtest`).
    External,
}

impl Side {
    fn alias(self) -> &'static str {
        match self {
            Side::Internal => "_test",
            Side::External => "_xtest",
        }
    }
}

/// A function of a test file the test main calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    /// Its package.
    pub side: Side,
    /// Its name (`TestParse`).
    pub name: String,
}

/// An example function and its expected output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The function.
    pub func: Func,
    /// The text after `Output:` (or `Unordered output:`), as go/doc keeps it.
    pub output: String,
    /// `Unordered output:`: lines may come in any order.
    pub unordered: bool,
}

/// Everything the test main lists, in source order per file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestFuncs {
    /// `func TestXxx(t *testing.T)`.
    pub tests: Vec<Func>,
    /// `func BenchmarkXxx(b *testing.B)`.
    pub benchmarks: Vec<Func>,
    /// `func FuzzXxx(f *testing.F)` (Go 1.18).
    pub fuzz_targets: Vec<Func>,
    /// `func ExampleXxx()` with an output comment (others are compiled, not run).
    pub examples: Vec<Example>,
    /// `func TestMain(m *testing.M)`, when present.
    pub test_main: Option<Func>,
}

impl TestFuncs {
    /// Whether the test main calls anything of `side`, so that it must
    /// import it by name rather than for its side effects (`_`).
    pub fn uses(&self, side: Side) -> bool {
        let f = |v: &[Func]| v.iter().any(|x| x.side == side);
        f(&self.tests)
            || f(&self.benchmarks)
            || f(&self.fuzz_targets)
            || self.examples.iter().any(|e| e.func.side == side)
            || self.test_main.as_ref().is_some_and(|m| m.side == side)
    }
}

/// What the toolchain's `testing` package offers the test main.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestingApi {
    /// `MainStart` takes fuzz targets (Go 1.18 and later).
    pub fuzz_targets: bool,
}

impl TestingApi {
    /// Reads `func MainStart (deps …, tests …, benchmarks …, [fuzzTargets …,]
    /// examples …)` from the export data of `testing.gox` (the raw file: its
    /// `.go_export` section is plain text).
    ///
    /// Errors when there is no `MainStart` of either shape (a libgo older
    /// than Go 1.10, whose test mains gccgo-build does not write).
    pub fn from_export_data(gox: &[u8]) -> Result<TestingApi> {
        let text = String::from_utf8_lossy(gox);
        let Some(i) = text.find("func MainStart (") else {
            bail!("the toolchain's testing.gox has no testing.MainStart")
        };
        let line = text[i..].lines().next().unwrap_or("");
        if !line.contains("deps ") {
            bail!("testing.MainStart of this libgo takes no testdeps (Go before 1.10): {line}");
        }
        Ok(TestingApi {
            fuzz_targets: line.contains("fuzzTargets "),
        })
    }
}

/// Finds the test functions of one `_test.go` file of `side`, appending
/// them to `into`. `src` is the file's contents, `name` names it in errors.
///
/// The rules are the go command's (`load/test.go`'s `isTest`, `checkTestFunc`):
/// a name `Test`, `Benchmark`, `Fuzz` or `Example` alone or followed by a
/// character that is not a lower-case letter; a function with a receiver or
/// type parameters is not one.
///
/// Errors: the file does not parse, or a `TestXxx`/`BenchmarkXxx`/
/// `FuzzXxx`/`TestMain` has the wrong signature (go's "wrong signature for
/// TestXxx, must be: func TestXxx(t *testing.T)", with file and line).
pub fn discover(src: &str, name: &str, side: Side, into: &mut TestFuncs) -> Result<()> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .context("loading the tree-sitter Go grammar")?;
    let tree = parser
        .parse(src, None)
        .with_context(|| format!("parsing {name}"))?;
    let root = tree.root_node();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if decl.kind() != "function_declaration"
            || decl.child_by_field_name("type_parameters").is_some()
        {
            continue;
        }
        let Some(fname) = decl.child_by_field_name("name").map(|n| text(n, src)) else {
            continue;
        };
        let params = decl
            .child_by_field_name("parameters")
            .map(|p| param_types(p, src))
            .unwrap_or_default();
        let has_result = decl.child_by_field_name("result").is_some();
        let line = decl.start_position().row + 1;
        let func = Func {
            side,
            name: fname.to_string(),
        };
        let want = |kind: &str, arg: &str, ok: bool| -> Result<()> {
            if ok {
                return Ok(());
            }
            bail!(
                "{name}:{line}: wrong signature for {fname}, must be: func {fname}({arg})",
                name = name,
                line = line,
                fname = fname,
                arg = if kind.is_empty() {
                    String::new()
                } else {
                    format!("{arg} *testing.{kind}")
                }
            )
        };
        let one = |t: &str| params.len() == 1 && is_testing_ptr(&params[0], t) && !has_result;
        if fname == "TestMain" {
            want("M", "m", one("M"))?;
            into.test_main = Some(func);
        } else if is_test(fname, "Test") {
            want("T", "t", one("T"))?;
            into.tests.push(func);
        } else if is_test(fname, "Benchmark") {
            want("B", "b", one("B"))?;
            into.benchmarks.push(func);
        } else if is_test(fname, "Fuzz") {
            want("F", "f", one("F"))?;
            into.fuzz_targets.push(func);
        } else if is_test(fname, "Example")
            && params.is_empty()
            && !has_result
            && let Some((output, unordered)) = decl
                .child_by_field_name("body")
                .and_then(|b| example_output(b, src))
        {
            into.examples.push(Example {
                func,
                output,
                unordered,
            });
        }
    }
    Ok(())
}

/// go's `isTest`: `name` is `prefix` alone, or `prefix` followed by a
/// character that is not a lower-case letter (`Testing` is not a test).
fn is_test(name: &str, prefix: &str) -> bool {
    match name.strip_prefix(prefix) {
        None => false,
        Some("") => true,
        Some(rest) => !rest.chars().next().is_some_and(char::is_lowercase),
    }
}

/// Whether a parameter type is `*testing.<t>` (or `*<t>` under a dot import).
fn is_testing_ptr(ty: &str, t: &str) -> bool {
    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    ty == format!("*testing.{t}") || ty == format!("*{t}")
}

/// The type of each parameter, one entry per name (`a, b int` is two).
fn param_types(params: Node, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut c = params.walk();
    for p in params.named_children(&mut c) {
        if p.kind() != "parameter_declaration" && p.kind() != "variadic_parameter_declaration" {
            continue;
        }
        let ty = p
            .child_by_field_name("type")
            .map(|t| text(t, src).to_string())
            .unwrap_or_default();
        let mut cc = p.walk();
        let names = p.children_by_field_name("name", &mut cc).count();
        for _ in 0..names.max(1) {
            out.push(ty.clone());
        }
    }
    out
}

/// go/doc's `exampleOutput`: the last comment group in the body, when its
/// text starts with `Output:` or `Unordered output:` (any case), gives the
/// expected output: what follows, without the spaces and the one newline
/// after the colon. `None` when there is no such comment (the example is
/// compiled but not run).
fn example_output(body: Node, src: &str) -> Option<(String, bool)> {
    let mut comments: Vec<Node> = Vec::new();
    collect_comments(body, &mut comments);
    comments.last()?;
    // The group: the comments on consecutive lines ending with the last one.
    let mut start = comments.len() - 1;
    while start > 0
        && comments[start - 1].end_position().row + 1 >= comments[start].start_position().row
    {
        start -= 1;
    }
    let group = group_text(&comments[start..], src);
    let lower = group.to_lowercase();
    let trimmed = lower.trim_start();
    let skipped = lower.len() - trimmed.len();
    let (unordered, rest_at) = if trimmed.starts_with("unordered output:") {
        (true, skipped + "unordered output:".len())
    } else if trimmed.starts_with("output:") {
        (false, skipped + "output:".len())
    } else {
        return None;
    };
    let mut rest = group[rest_at..].trim_start_matches(' ');
    if let Some(r) = rest.strip_prefix('\n') {
        rest = r;
    }
    Some((rest.to_string(), unordered))
}

fn collect_comments<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        if ch.kind() == "comment" {
            out.push(ch);
        } else {
            collect_comments(ch, out);
        }
    }
}

/// go/ast's `CommentGroup.Text`: comment markers removed (and the one space
/// after `//`), lines joined, leading and trailing blank lines dropped,
/// trailing spaces of each line removed, ending in one newline.
fn group_text(comments: &[Node], src: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for c in comments {
        let t = text(*c, src);
        if let Some(body) = t.strip_prefix("//") {
            lines.push(body.strip_prefix(' ').unwrap_or(body).to_string());
        } else if let Some(body) = t.strip_prefix("/*").and_then(|b| b.strip_suffix("*/")) {
            lines.extend(body.split('\n').map(String::from));
        }
    }
    let mut lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    // Runs of blank lines become one.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    if lines.is_empty() {
        return String::new();
    }
    lines.join("\n") + "\n"
}

fn text<'s>(n: Node, src: &'s str) -> &'s str {
    &src[n.byte_range()]
}

/// Which packages a test main imports (go's `testFuncs.ImportTest` and
/// `ImportXtest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imports {
    /// The package under test has Go files, its own or its tests' (false
    /// for a package of external tests alone, which has nothing to import).
    pub internal: bool,
    /// It has test files of package `P_test`.
    pub external: bool,
}

/// Writes the test main of the package with import path `import_path`.
/// The package under test is imported whenever it has Go files (its
/// `init` runs, as with `go test`), `P_test` when there is one; each by
/// name when the main calls into it, else for its side effects (`_`). The
/// same text as the go command's `testmainTmpl` without coverage, for `api`.
pub fn render(import_path: &str, imports: Imports, funcs: &TestFuncs, api: TestingApi) -> String {
    render_with_cover(import_path, imports, funcs, api, None)
}

/// `render`, with go 1.19's coverage part of `testmainTmpl` when `cover`
/// is given: each covered package imported as `_coverN`, its files'
/// counters registered (`coverRegisterFile`) and handed to
/// `testing.RegisterCover` before `MainStart`, so that the binary prints
/// `coverage: N% of statements` and writes `-test.coverprofile`.
pub fn render_with_cover(
    import_path: &str,
    imports: Imports,
    funcs: &TestFuncs,
    api: TestingApi,
    cover: Option<&crate::cover::TestCover>,
) -> String {
    let mut s = String::from(
        "// Code generated by 'gccgo-build test'. DO NOT EDIT.\n\npackage main\n\nimport (\n\t\"os\"\n",
    );
    if funcs.test_main.is_some() {
        s.push_str("\t\"reflect\"\n");
    }
    s.push_str("\t\"testing\"\n\t\"testing/internal/testdeps\"\n\n");
    let import = |s: &mut String, side: Side, path: String| {
        let alias = if funcs.uses(side) { side.alias() } else { "_" };
        let _ = writeln!(s, "\t{alias} {path:?}");
    };
    if imports.internal {
        import(&mut s, Side::Internal, import_path.to_string());
    }
    if imports.external {
        import(&mut s, Side::External, format!("{import_path}_test"));
    }
    if let Some(c) = cover {
        for (i, (path, _)) in c.packages.iter().enumerate() {
            let _ = writeln!(s, "\t_cover{i} {path:?}");
        }
    }
    s.push_str(")\n\n");
    let list = |s: &mut String, ty: &str, name: &str, v: &[Func]| {
        let _ = writeln!(s, "var {name} = []testing.{ty}{{");
        for f in v {
            let _ = writeln!(s, "\t{{{:?}, {}.{}}},", f.name, f.side.alias(), f.name);
        }
        s.push_str("}\n\n");
    };
    list(&mut s, "InternalTest", "tests", &funcs.tests);
    list(&mut s, "InternalBenchmark", "benchmarks", &funcs.benchmarks);
    if api.fuzz_targets {
        list(
            &mut s,
            "InternalFuzzTarget",
            "fuzzTargets",
            &funcs.fuzz_targets,
        );
    }
    s.push_str("var examples = []testing.InternalExample{\n");
    for e in &funcs.examples {
        let _ = writeln!(
            s,
            "\t{{{:?}, {}.{}, {}, {}}},",
            e.func.name,
            e.func.side.alias(),
            e.func.name,
            go_quote(&e.output),
            e.unordered
        );
    }
    s.push_str("}\n\n");
    let _ = writeln!(
        s,
        "func init() {{\n\ttestdeps.ImportPath = {import_path:?}\n}}\n"
    );
    if let Some(c) = cover {
        cover_registration(&mut s, c);
    }
    s.push_str("func main() {\n");
    if let Some(c) = cover {
        let _ = write!(
            s,
            "\ttesting.RegisterCover(testing.Cover{{\n\t\tMode: {:?},\n\t\tCounters: coverCounters,\n\t\tBlocks: coverBlocks,\n\t\tCoveredPackages: {:?},\n\t}})\n",
            c.mode.as_str(),
            c.covered()
        );
    }
    if api.fuzz_targets {
        s.push_str("\tm := testing.MainStart(testdeps.TestDeps{}, tests, benchmarks, fuzzTargets, examples)\n");
    } else {
        s.push_str("\tm := testing.MainStart(testdeps.TestDeps{}, tests, benchmarks, examples)\n");
    }
    match &funcs.test_main {
        Some(m) => {
            let _ = writeln!(s, "\t{}.{}(m)", m.side.alias(), m.name);
            s.push_str(
                "\tos.Exit(int(reflect.ValueOf(m).Elem().FieldByName(\"exitCode\").Int()))\n",
            );
        }
        None => s.push_str("\tos.Exit(m.Run())\n"),
    }
    s.push_str("}\n");
    s
}

/// go 1.19 `testmainTmpl`'s coverage declarations: the maps, an `init`
/// that registers every covered file's counters (files sorted by name, as
/// the template ranges over a map), and `coverRegisterFile`.
fn cover_registration(s: &mut String, c: &crate::cover::TestCover) {
    s.push_str(
        "// Only updated by init functions, so no need for atomicity.\nvar (\n\tcoverCounters = make(map[string][]uint32)\n\tcoverBlocks = make(map[string][]testing.CoverBlock)\n)\n\nfunc init() {\n",
    );
    for (i, (_, vars)) in c.packages.iter().enumerate() {
        let mut vars: Vec<&crate::cover::CoverVar> = vars.iter().collect();
        vars.sort_by(|a, b| a.file.cmp(&b.file));
        for v in vars {
            let _ = writeln!(
                s,
                "\tcoverRegisterFile({}, _cover{i}.{var}.Count[:], _cover{i}.{var}.Pos[:], _cover{i}.{var}.NumStmt[:])",
                go_quote(&v.profile_name),
                var = v.var
            );
        }
    }
    s.push_str(COVER_REGISTER_FILE);
}

/// go 1.19 `testmainTmpl`'s `coverRegisterFile`.
const COVER_REGISTER_FILE: &str = r#"}

func coverRegisterFile(fileName string, counter []uint32, pos []uint32, numStmts []uint16) {
	if 3*len(counter) != len(pos) || len(counter) != len(numStmts) {
		panic("coverage: mismatched sizes")
	}
	if coverCounters[fileName] != nil {
		// Already registered.
		return
	}
	coverCounters[fileName] = counter
	block := make([]testing.CoverBlock, len(counter))
	for i := range counter {
		block[i] = testing.CoverBlock{
			Line0: pos[3*i+0],
			Col0: uint16(pos[3*i+2]),
			Line1: pos[3*i+1],
			Col1: uint16(pos[3*i+2]>>16),
			Stmts: numStmts[i],
		}
	}
	coverBlocks[fileName] = block
}

"#;

/// A Go interpreted string literal of `s` (as `%q` writes it).
fn go_quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(q, "\\x{:02x}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"package wire

import "testing"

func TestParse(t *testing.T) {}
func Testing(t *testing.T) {}
func Test(t *testing.T) {}
func BenchmarkParse(b *testing.B) {}
func FuzzParse(f *testing.F) {}
func (x T) TestMethod(t *testing.T) {}
func helper() {}

func ExampleParse() {
	println("hi")
	// Output:
	// hi
	// there
}

func ExampleNoOutput() {
	println("hi")
}

func ExampleUnordered() {
	// unordered output: b
	// a
}

func TestMain(m *testing.M) { m.Run() }
"#;

    #[test]
    fn finds_what_go_test_finds() {
        let mut f = TestFuncs::default();
        discover(FILE, "wire_test.go", Side::Internal, &mut f).unwrap();
        let names = |v: &[Func]| v.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&f.tests), ["TestParse", "Test"]);
        assert_eq!(names(&f.benchmarks), ["BenchmarkParse"]);
        assert_eq!(names(&f.fuzz_targets), ["FuzzParse"]);
        assert_eq!(f.examples.len(), 2);
        assert_eq!(f.examples[0].output, "hi\nthere\n");
        assert!(!f.examples[0].unordered);
        assert_eq!(f.examples[1].output, "b\na\n");
        assert!(f.examples[1].unordered);
        assert_eq!(
            f.test_main.as_ref().map(|m| m.name.as_str()),
            Some("TestMain")
        );
    }

    #[test]
    fn a_wrong_signature_is_an_error_with_file_and_line() {
        let mut f = TestFuncs::default();
        let e = discover(
            "package p\n\nfunc TestX(s string) {}\n",
            "x_test.go",
            Side::External,
            &mut f,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "x_test.go:3: wrong signature for TestX, must be: func TestX(t *testing.T)"
        );
    }

    #[test]
    fn the_main_follows_the_toolchains_testing_api() {
        let mut f = TestFuncs::default();
        discover(FILE, "wire_test.go", Side::Internal, &mut f).unwrap();
        let go118 = render(
            "example.com/wire",
            Imports {
                internal: true,
                external: true,
            },
            &f,
            TestingApi { fuzz_targets: true },
        );
        assert!(go118.contains("\t_test \"example.com/wire\"\n"), "{go118}");
        assert!(go118.contains("\t_ \"example.com/wire_test\"\n"), "{go118}");
        assert!(
            go118.contains("{\"FuzzParse\", _test.FuzzParse},"),
            "{go118}"
        );
        assert!(
            go118.contains("{\"ExampleParse\", _test.ExampleParse, \"hi\\nthere\\n\", false},")
        );
        assert!(
            go118.contains(
                "MainStart(testdeps.TestDeps{}, tests, benchmarks, fuzzTargets, examples)"
            )
        );
        assert!(go118.contains("_test.TestMain(m)"));
        let go116 = render(
            "example.com/wire",
            Imports {
                internal: true,
                external: false,
            },
            &f,
            TestingApi {
                fuzz_targets: false,
            },
        );
        assert!(!go116.contains("fuzzTargets"), "{go116}");
        assert!(go116.contains("MainStart(testdeps.TestDeps{}, tests, benchmarks, examples)"));
    }

    #[test]
    fn a_covered_main_registers_every_files_counters_before_main_start() {
        let mut f = TestFuncs::default();
        discover(FILE, "wire_test.go", Side::Internal, &mut f).unwrap();
        let vars =
            crate::cover::declare_vars("example.com/wire", None, &["b.go".into(), "a.go".into()]);
        let cover = crate::cover::TestCover {
            mode: crate::cover::Mode::Count,
            packages: vec![("example.com/wire".into(), vars.clone())],
            paths: vec!["./...".into()],
        };
        let m = render_with_cover(
            "example.com/wire",
            Imports {
                internal: true,
                external: false,
            },
            &f,
            TestingApi { fuzz_targets: true },
            Some(&cover),
        );
        assert!(m.contains("\t_cover0 \"example.com/wire\"\n"), "{m}");
        // Files in name order, as go's template ranges over a map.
        let a = m.find("\"example.com/wire/a.go\", _cover0.").unwrap();
        let b = m.find("\"example.com/wire/b.go\", _cover0.").unwrap();
        assert!(a < b, "{m}");
        assert!(
            m.contains(&format!("_cover0.{}.Count[:]", vars[0].var)),
            "{m}"
        );
        let reg = m.find("testing.RegisterCover(testing.Cover{").unwrap();
        assert!(reg < m.find("testing.MainStart(").unwrap());
        assert!(m.contains("Mode: \"count\","), "{m}");
        assert!(m.contains("CoveredPackages: \" in ./...\","), "{m}");
    }

    #[test]
    fn the_testing_api_is_read_from_export_data() {
        let g12 = b"v3;\nfunc MainStart (deps <type 28>, tests <type 202>, benchmarks <type 199>, fuzzTargets <type 201>, examples <type 200>) <type 122>\n";
        let g11 = b"func MainStart (deps <type 21>, tests <type 130>, benchmarks <type 128>, examples <type 129>) <type 79>\n";
        assert!(TestingApi::from_export_data(g12).unwrap().fuzz_targets);
        assert!(!TestingApi::from_export_data(g11).unwrap().fuzz_targets);
        assert!(TestingApi::from_export_data(b"nothing").is_err());
    }
}
