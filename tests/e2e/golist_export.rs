//! `list -export` held against go 1.19's: the packages are built first,
//! `Export` names export data for each package that compiled and is empty
//! for one that did not, the compiler's messages come under `# pkg`, and
//! a failed build makes the exit status 2.

use crate::common::*;

#[test]
fn list_export_builds_first_and_exits_2_when_a_package_fails() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            ("good/g.go", "package good\n\nfunc G() int { return 1 }\n"),
            ("bad/b.go", "package bad\n\nfunc B() int { return \"x\" }\n"),
        ],
    );
    let template = "-f={{.ImportPath}} {{if .Export}}has export data{{end}}";
    let args = ["list", "-export", template, "./good", "./bad"];
    let g = go_or_ours(true, d.path(), &args, &[]);
    let o = go_or_ours(false, d.path(), &args, &[]);
    assert_eq!(g.status.code(), Some(2), "{:?}", text(&g));
    assert_eq!(o.status.code(), g.status.code(), "{:?}", text(&o));
    let (gout, gerr) = unprefixed(&g);
    let (oout, oerr) = unprefixed(&o);
    assert_eq!(oout, gout);
    assert_eq!(
        gout,
        "example.com/m/good has export data\nexample.com/m/bad \n"
    );
    // The compilers' messages differ; the package heading is go's.
    for err in [&gerr, &oerr] {
        assert_eq!(err.lines().next(), Some("# example.com/m/bad"), "{err}");
    }
    // Export is the export data gccgo wrote for the package.
    let (out, _) = text(&go_or_ours(
        false,
        d.path(),
        &["list", "-export", "-f={{.Export}}", "./good"],
        &[],
    ));
    let data = std::fs::read(out.trim()).unwrap();
    assert!(data.windows(4).any(|w| w == b"good"), "{out}");
}
