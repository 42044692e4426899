//! `gccgo-build compare`: real builds with host gccgo 12, gccgo 11, the
//! mipsel cross gccgo and gc; reports checked against the files they
//! describe, and the HTML page read back by a real headless browser.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Whether a program is in PATH; says loudly which test it skips when not.
fn have(prog: &str, test: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()));
    if !found {
        eprintln!("SKIPPED: {test}: {prog} is not installed (scripts/deps installs it)");
    }
    found
}

fn compare(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = run(bin().current_dir(dir).arg("compare").args(args));
    let (out, err) = text(&o);
    (o.status.code().unwrap_or(-1), out, err)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report written"))
        .expect("report is JSON")
}

/// The DOM of a page as headless Chromium builds it.
fn dom(page: &Path) -> String {
    let o = run(Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display())));
    ok(o).0
}

#[test]
fn minion_through_host_11_mipsel_and_gc_json_sizes_outputs_and_html() {
    let name = "compare minion";
    if !have("gccgo-11", name)
        || !have("mipsel-linux-gnu-gccgo", name)
        || !have("go", name)
        || !have("chromium", name)
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (rep, page, keep) = (
        tmp.path().join("r.json"),
        tmp.path().join("r.html"),
        tmp.path().join("keep"),
    );
    let (code, out, err) = compare(
        &minion_dir(),
        &[
            "--with",
            "host,gccgo-11,mipsel-linux-gnu,mipsel-linux-gnu-11,gc",
            "--run",
            "-selftest",
            "--json",
            rep.to_str().unwrap(),
            "--html",
            page.to_str().unwrap(),
            "--keep",
            keep.to_str().unwrap(),
            "./cmd/minion",
        ],
    );
    // gc's binary says `compiler: gc`: a real difference, so the exit status is 1.
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("gc differs from host at stdout line"), "{out}");
    let r = json(&rep);
    let cols = r["columns"].as_array().unwrap();
    let specs: Vec<&str> = cols.iter().map(|c| c["spec"].as_str().unwrap()).collect();
    assert_eq!(
        specs,
        [
            "host",
            "gccgo-11",
            "mipsel-linux-gnu",
            "mipsel-linux-gnu-11",
            "gc"
        ]
    );
    for c in cols {
        assert_eq!(c["build"]["ok"], true, "{c}");
        let b = &c["build"]["binaries"][0];
        let path = b["path"].as_str().unwrap();
        let on_disk = std::fs::metadata(path).unwrap().len();
        assert_eq!(b["bytes"].as_u64().unwrap(), on_disk, "{path}");
        let kinds: u64 = ["text", "data", "export", "debug", "other"]
            .iter()
            .map(|k| b["sections"][k].as_u64().unwrap())
            .sum();
        assert!(kinds <= on_disk && kinds > on_disk / 2, "{b}");
        assert!(c["build"]["wall_ms"].as_u64().unwrap() > 0);
    }
    assert_eq!(cols[2]["goarch"], "mipsle");
    // Bytes by package come from the symbol table (`size`), per column.
    for c in &cols[..4] {
        assert!(
            c["packages"]["runtime"].as_u64().unwrap() > 100_000,
            "{}",
            c["spec"]
        );
        assert!(
            c["packages"]["example.com/minion/internal/wire"]
                .as_u64()
                .unwrap()
                > 0
        );
    }
    assert!(
        out.contains("packages that changed most, host → gccgo-11"),
        "{out}"
    );
    assert!(
        cols[1]["compiler"].as_str().unwrap().contains("11."),
        "{}",
        cols[1]["compiler"]
    );
    for (i, same) in [(0, true), (1, true), (2, true), (3, true), (4, false)] {
        assert_eq!(cols[i]["run"]["same_stdout"], same, "{}", cols[i]["spec"]);
        assert_eq!(cols[i]["run"]["status"], "exit status 0");
    }
    assert_eq!(cols[4]["run"]["first_difference"]["this"], "compiler: gc");
    assert!(
        cols[3]["compiler"].as_str().unwrap().contains("11."),
        "{}",
        cols[3]["compiler"]
    );
    assert_eq!(
        cols[0]["run"]["stdout"].as_str().unwrap(),
        minion_expected()
    );

    // The page, as a browser reads it, holds the figures of the JSON.
    let d = dom(&page);
    for c in cols {
        assert!(
            d.contains(&format!(">{}<", c["spec"].as_str().unwrap())),
            "spec missing"
        );
        for k in ["text", "data", "export", "debug"] {
            let bytes = c["build"]["binaries"][0]["sections"][k].as_u64().unwrap();
            assert!(
                d.contains(&format!("data-kind=\"{k}\" data-bytes=\"{bytes}\"")),
                "{} {k} {bytes} missing from the page",
                c["spec"]
            );
        }
        let ms = c["build"]["wall_ms"].as_u64().unwrap();
        assert!(
            d.contains(&format!("data-ms=\"{ms}\"")),
            "wall time {ms} missing"
        );
    }
    assert!(d.contains("compiler: gc"), "the output difference is shown");
    let png = tmp.path().join("r.png");
    ok(run(Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1200,1400",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))));
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "a screenshot with something on it"
    );
}

const ARCH: &str = "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() {\n\tfmt.Println(\"arch\", runtime.GOARCH)\n\tfmt.Println(\"same on every target\")\n}\n";

#[test]
fn a_different_output_is_detected_and_equal_flags_agree() {
    if !have("mipsel-linux-gnu-gccgo", "compare output difference") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    write_tree(
        tmp.path(),
        &[
            ("go.mod", "module example.com/arch\n\ngo 1.18\n"),
            ("main.go", ARCH),
        ],
    );
    let rep = tmp.path().join("r.json");
    let (code, out, err) = compare(
        tmp.path(),
        &[
            "--with",
            "host,mipsel-linux-gnu",
            "--run",
            "",
            "--json",
            "r.json",
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let r = json(&rep);
    let d = &r["columns"][1]["run"];
    assert_eq!(d["same_stdout"], false);
    assert_eq!(d["same_status"], true);
    assert_eq!(d["first_difference"]["line"], 1);
    assert_eq!(d["first_difference"]["reference"], "arch amd64");
    assert_eq!(d["first_difference"]["this"], "arch mipsle");
    assert!(
        out.contains("mipsel-linux-gnu differs from host at stdout line 1"),
        "{out}"
    );

    // The flags are a dimension: the host at -O2 -g and at -O0 print the same.
    let (code, out, err) = compare(
        tmp.path(),
        &[
            "--with",
            "host:-O2 -g",
            "--with",
            "host:-O0",
            "--run",
            "",
            "--json",
            "r.json",
            ".",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let r = json(&rep);
    assert_eq!(r["columns"][1]["spec"], "host:-O0");
    assert_eq!(r["columns"][1]["run"]["same_stdout"], true);
}

#[test]
fn a_toolchain_that_cannot_build_is_a_column_with_its_diagnostic() {
    if !have("gccgo-11", "compare failed column") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    write_tree(
        tmp.path(),
        &[
            ("go.mod", "module example.com/cut\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc main() {\n\tk, v, _ := strings.Cut(\"a=b\", \"=\")\n\tfmt.Println(k, v)\n}\n",
            ),
        ],
    );
    let (code, out, err) = compare(
        tmp.path(),
        &[
            "--with",
            "host,gccgo-11",
            "--run",
            "",
            "--json",
            "r.json",
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let r = json(&tmp.path().join("r.json"));
    assert_eq!(r["columns"][0]["build"]["ok"], true);
    assert_eq!(r["columns"][0]["run"]["stdout"], "a b\n");
    let c = &r["columns"][1];
    assert_eq!(c["build"]["ok"], false);
    assert!(c["run"].is_null());
    let diag = c["build"]["diagnostic"].as_str().unwrap();
    assert!(
        diag.contains("main.go:9"),
        "the diagnostic names the file and line: {diag}"
    );
    assert!(out.contains("gccgo-11 did not build: "), "{out}");
}

#[test]
fn the_test_matrix_puts_differences_first() {
    if !have("mips-linux-gnu-gccgo", "compare --test") {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hdrcast");
    let tmp = tempfile::tempdir().unwrap();
    let rep = tmp.path().join("t.json");
    let (code, out, err) = compare(
        &dir,
        &[
            "--with",
            "host,mips-linux-gnu",
            "--test",
            "--json",
            rep.to_str().unwrap(),
            ".",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let r = json(&rep);
    let rows = r["tests"]["rows"].as_array().unwrap();
    assert!(rows[0]["differs"].as_bool().unwrap());
    let row = rows
        .iter()
        .find(|x| x["test"] == "TestDecodeNetworkOrder")
        .expect("the big-endian test is in the matrix");
    assert_eq!(row["results"], serde_json::json!(["pass", "fail"]));
    // Rows that differ all come before rows that agree.
    let first_same = rows
        .iter()
        .position(|x| x["differs"] == false)
        .unwrap_or(rows.len());
    assert!(rows[first_same..].iter().all(|x| x["differs"] == false));
    assert!(out.contains("TestDecodeNetworkOrder"), "{out}");
}
