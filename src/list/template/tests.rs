//! Templates and the outputs and messages go-12's `go list -f` gives for
//! them (each expected string was printed by go-12 on a package like `pkg()`).

use super::*;

fn s(x: &str) -> Value {
    Value::Str(x.into())
}

fn list(xs: &[&str]) -> Value {
    Value::List(xs.iter().map(|x| s(x)).collect())
}

/// A package: a main module's command importing fmt.
fn pkg() -> Value {
    Value::Struct {
        ty: "*load.PackagePublic",
        fields: vec![
            ("ImportPath", s("example.com/hw")),
            ("Name", s("main")),
            ("Standard", Value::Bool(false)),
            ("Deps", list(&["fmt", "runtime"])),
            ("CgoFiles", list(&[])),
            ("GoFiles", list(&["main.go"])),
            (
                "Module",
                Value::Struct {
                    ty: "*modinfo.ModulePublic",
                    fields: vec![("Path", s("example.com/hw")), ("Main", Value::Bool(true))],
                    shown: Some("example.com/hw".into()),
                },
            ),
            ("Error", Value::Nil("*load.PackageError")),
        ],
        shown: None,
    }
}

/// A std package as go-12 lists it: no module, no deps.
fn std_pkg() -> Value {
    Value::Struct {
        ty: "*load.PackagePublic",
        fields: vec![
            ("ImportPath", s("fmt")),
            ("Name", s("")),
            ("Standard", Value::Bool(true)),
            ("Deps", list(&[])),
            ("Module", Value::Nil("*modinfo.ModulePublic")),
        ],
        shown: None,
    }
}

fn render(t: &str, v: &Value) -> Result<String, String> {
    Template::parse(t)?.execute(v).map_err(|(e, _)| e)
}

#[test]
fn prints_as_go_list_does() {
    let cases = [
        ("{{.ImportPath}}", "example.com/hw"),
        ("{{.Deps}}", "[fmt runtime]"),
        ("{{join .Deps \" \"}}", "fmt runtime"),
        ("{{range .Deps}}<{{.}}>{{end}}", "<fmt><runtime>"),
        ("{{if .CgoFiles}}c{{else if .GoFiles}}g{{end}}", "g"),
        ("{{len .Deps}}", "2"),
        ("{{.Module}}", "example.com/hw"),
        ("{{.Module.Path}} {{.Module.Main}}", "example.com/hw true"),
        ("{{.ImportPath | printf \"%q\"}}", "\"example.com/hw\""),
        (
            "{{printf \"%-10s|%5d|%v|%q\" .Name 3 .Deps .Deps}}",
            "main      |    3|[fmt runtime]|[\"fmt\" \"runtime\"]",
        ),
        (
            "{{printf \"%x %5.2s %t\" .Name .Name .Standard}}",
            "6d61696e    ma false",
        ),
        ("{{.Error}}", "<nil>"),
        ("{{with .Module}}{{.Path}}{{end}}", "example.com/hw"),
        (
            "{{range $i, $d := .Deps}}{{$i}}={{$d}} {{end}}",
            "0=fmt 1=runtime ",
        ),
        (
            "{{$p := .ImportPath}}{{range .Deps}}{{$p}}>{{.}} {{end}}",
            "example.com/hw>fmt example.com/hw>runtime ",
        ),
        ("{{index .Deps 1}}", "runtime"),
        ("{{if and .Deps (not .Standard)}}yes{{end}}", "yes"),
        ("{{if eq .Name \"main\" \"x\"}}cmd{{end}}", "cmd"),
        ("{{if gt (len .Deps) 1}}many{{end}}", "many"),
        ("a {{- \" b \" -}} c", "a b c"),
        ("{{/* a comment */}}x", "x"),
        (
            "{{print .Name 1 2 \"x\"}}|{{println .Name 1}}",
            "main1 2x|main 1\n",
        ),
        ("{{printf \"%s %d\" .Name}}", "main %!d(MISSING)"),
        ("{{printf \"%d\" .Name}}", "%!d(string=main)"),
    ];
    for (t, want) in cases {
        assert_eq!(render(t, &pkg()).as_deref(), Ok(want), "{t}");
    }
    assert_eq!(render("{{.Module}}", &std_pkg()).as_deref(), Ok("<nil>"));
    // `and` stops at the first false argument: no nil pointer error.
    assert_eq!(
        render(
            "{{if and .Module .Module.Main}}main{{else}}not{{end}}",
            &std_pkg()
        )
        .as_deref(),
        Ok("not")
    );
    assert_eq!(
        render("{{or .Name \"none\"}}", &std_pkg()).as_deref(),
        Ok("none")
    );
    assert_eq!(
        render("{{range .Deps}}<{{.}}>{{else}}none{{end}}", &std_pkg()).as_deref(),
        Ok("none")
    );
}

#[test]
fn execution_errors_are_gos() {
    let e = |t: &str, v: &Value| render(t, v).unwrap_err();
    assert_eq!(
        e("{{.Nope}}", &pkg()),
        "template: main:1:2: executing \"main\" at <.Nope>: can't evaluate field Nope in type *load.PackagePublic"
    );
    assert_eq!(
        e("{{.Module.Path}}", &std_pkg()),
        "template: main:1:9: executing \"main\" at <.Module.Path>: nil pointer evaluating *modinfo.ModulePublic.Path"
    );
    assert_eq!(
        e("{{.Name.X}}", &pkg()),
        "template: main:1:7: executing \"main\" at <.Name.X>: can't evaluate field X in type string"
    );
    assert_eq!(
        e("{{index .Deps 5}}", &pkg()),
        "template: main:1:2: executing \"main\" at <index .Deps 5>: error calling index: index out of range: 5"
    );
    assert_eq!(
        e("x\n {{.Module.Nope}}", &pkg()),
        "template: main:2:10: executing \"main\" at <.Module.Nope>: can't evaluate field Nope in type *modinfo.ModulePublic"
    );
    // What was written before the error is kept (go list prints it).
    let (_, partial) = Template::parse("ok {{.Nope}}")
        .unwrap()
        .execute(&pkg())
        .unwrap_err();
    assert_eq!(partial, "ok ");
}

#[test]
fn parse_errors_are_gos_and_name_the_unsupported() {
    let e = |t: &str| Template::parse(t).unwrap_err();
    assert_eq!(e("{{.Foo"), "template: main:1: unclosed action");
    assert_eq!(
        e("{{foo .Name}}"),
        "template: main:1: function \"foo\" not defined"
    );
    assert_eq!(e("{{if .X}}"), "template: main:1: unexpected EOF");
    assert_eq!(e("{{end}}"), "template: main:1: unexpected {{end}}");
    assert!(
        e("a\n{{define \"x\"}}{{end}}")
            .starts_with("template: main:2: {{define}} is not supported")
    );
    assert!(e("{{html .X}}").contains("\"html\" is not supported by gccgo-build's -f"));
    assert_eq!(
        e("{{.X .Y}}"),
        "template: main:1: can't give argument to non-function .X"
    );
}
